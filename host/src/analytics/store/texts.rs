//! The per-site dictionary of texts that events repeat: user agents, pages,
//! referrers, browsers, places. An event row holds ids; each text is
//! stored once per site (see `migrations/*/0011_analytics_texts.sql`).
//!
//! Ids are resolved inside the batch writer's transaction, with no cache
//! between batches: writers take turns (see [`super::rollups::lock_writers`]),
//! so a text found or added here is the one every replica finds, and
//! clearing a site's stats (which deletes its texts with its events) can
//! never leave a replica holding an id that no longer means its text. A
//! batch of 100k events has a few thousand distinct texts: a handful of
//! indexed reads.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

use crate::store::multi_row;

/// How a text is found: the first 8 bytes of its SHA-256, as a signed
/// integer (the text is compared too, so a shared digest is harmless).
pub fn digest(text: &str) -> i64 {
    let hash = Sha256::digest(text.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash[..8]);
    i64::from_be_bytes(first)
}

/// The ids of one batch's texts, by (site, text). The empty text is id 0.
#[derive(Debug, Default)]
pub struct Ids<'a> {
    by_text: HashMap<(i64, &'a str), i64, foldhash::fast::RandomState>,
}

impl Ids<'_> {
    /// The id of `text` on `site_id`; 0 for the empty text (and for a text
    /// that was not resolved, which [`resolve`] never leaves).
    pub fn of(&self, site_id: i64, text: &str) -> i64 {
        if text.is_empty() {
            return 0;
        }
        self.by_text.get(&(site_id, text)).copied().unwrap_or(0)
    }
}

/// Texts looked up or added per statement: 4 parameters each when added.
const TEXTS_PER_STATEMENT: usize = 500;

/// Finds or adds every text of `wanted` (pairs of site and text; repeats
/// and empty texts are fine) on `conn`, the writer's transaction.
pub async fn resolve<'a>(
    conn: &mut AnyConnection,
    wanted: impl IntoIterator<Item = (i64, &'a str)>,
) -> Result<Ids<'a>, sqlx::Error> {
    let mut ids = Ids::default();
    for (site_id, text) in wanted {
        if !text.is_empty() {
            ids.by_text.entry((site_id, text)).or_insert(0);
        }
    }
    let mut per_site: HashMap<i64, Vec<&'a str>> = HashMap::new();
    for &(site_id, text) in ids.by_text.keys() {
        per_site.entry(site_id).or_default().push(text);
    }
    let mut missing: Vec<(i64, &'a str)> = Vec::new();
    for (site_id, texts) in per_site {
        for chunk in texts.chunks(TEXTS_PER_STATEMENT) {
            find(conn, site_id, chunk, &mut ids).await?;
        }
        missing.extend(texts.into_iter().filter(|text| ids.of(site_id, text) == 0).map(|text| (site_id, text)));
    }
    if !missing.is_empty() {
        add(conn, &missing, &mut ids).await?;
    }
    Ok(ids)
}

/// Learns the ids of those of `texts` the site already has.
async fn find<'a>(
    conn: &mut AnyConnection,
    site_id: i64,
    texts: &[&'a str],
    ids: &mut Ids<'a>,
) -> Result<(), sqlx::Error> {
    let mut by_digest: HashMap<i64, Vec<&'a str>> = HashMap::new();
    for text in texts {
        by_digest.entry(digest(text)).or_default().push(text);
    }
    let marks = multi_row::placeholders(conn, 1 + by_digest.len());
    let sql = format!(
        "SELECT id, digest, text FROM analytics_texts WHERE site_id = {} AND digest IN ({})",
        marks[0],
        marks[1..].join(", ")
    );
    let mut query = sqlx::query(&sql).bind(site_id);
    for digest in by_digest.keys() {
        query = query.bind(*digest);
    }
    for row in query.fetch_all(&mut *conn).await? {
        let stored: String = row.try_get("text")?;
        let candidates = by_digest.get(&row.try_get::<i64, _>("digest")?).map_or(&[][..], Vec::as_slice);
        if let Some(text) = candidates.iter().find(|text| **text == stored) {
            ids.by_text.insert((site_id, text), row.try_get("id")?);
        }
    }
    Ok(())
}

/// Adds `missing` with ids after the largest in use (only the writer adds
/// texts, one at a time).
async fn add<'a>(conn: &mut AnyConnection, missing: &[(i64, &'a str)], ids: &mut Ids<'a>) -> Result<(), sqlx::Error> {
    let largest: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM analytics_texts").fetch_one(&mut *conn).await?;
    let mut next = largest + 1;
    for chunk in missing.chunks(TEXTS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO analytics_texts (id, site_id, digest, text) VALUES {}",
            multi_row::values(conn, chunk.len(), 4)
        );
        let mut query = sqlx::query(&sql);
        for &(site_id, text) in chunk {
            query = query.bind(next).bind(site_id).bind(digest(text)).bind(text);
            ids.by_text.insert((site_id, text), next);
            next += 1;
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// SQL for the id of the text bound at `text` (its digest bound at
/// `digest`) on the site bound at `site`; NULL when the site has no such
/// text, so `column = …` matches nothing.
pub fn id_of(site: &str, digest: &str, text: &str) -> String {
    format!("(SELECT id FROM analytics_texts WHERE site_id = {site} AND digest = {digest} AND text = {text})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::store::sites;
    use crate::store::testing;

    #[test]
    fn digests_are_stable_and_spread() {
        // Stored in databases: this value must never change.
        assert_eq!(digest("page_view"), digest("page_view"));
        assert_ne!(digest("page_view"), digest("page_view "));
        assert_eq!(digest(""), i64::from_be_bytes([0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14]));
    }

    #[tokio::test]
    async fn texts_are_stored_once_per_site_and_found_again() {
        for test in testing::every_engine().await {
            let db = &test.db;
            let owner = testing::user(db, "alice").await;
            let a = sites::insert(db, owner, "a", "a.example", "tid-texts-00001", 0).await.unwrap();
            let b = sites::insert(db, owner, "b", "b.example", "tid-texts-00002", 0).await.unwrap();
            let mut conn = db.pool.acquire().await.unwrap();
            let first =
                resolve(&mut conn, [(a.id, "/home"), (a.id, "/home"), (a.id, ""), (b.id, "/home")]).await.unwrap();
            assert_eq!(first.of(a.id, ""), 0);
            assert_ne!(first.of(a.id, "/home"), 0);
            assert_ne!(first.of(a.id, "/home"), first.of(b.id, "/home"), "one row per site");
            // A later batch finds the same ids and adds only what is new.
            let again = resolve(&mut conn, [(a.id, "/home"), (a.id, "/about")]).await.unwrap();
            assert_eq!(again.of(a.id, "/home"), first.of(a.id, "/home"));
            assert_ne!(again.of(a.id, "/about"), 0);
            let stored: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM analytics_texts").fetch_one(&db.pool).await.unwrap();
            assert_eq!(stored, 3);
            // Texts sharing a digest stay apart (made so by hand: real ones never do).
            sqlx::query("INSERT INTO analytics_texts (id, site_id, digest, text) VALUES (100, $1, $2, 'impostor')")
                .bind(a.id)
                .bind(digest("/contact"))
                .execute(&db.pool)
                .await
                .unwrap();
            let contact = resolve(&mut conn, [(a.id, "/contact")]).await.unwrap().of(a.id, "/contact");
            assert!(contact != 0 && contact != 100);
            let text: String = sqlx::query_scalar("SELECT text FROM analytics_texts WHERE id = $1")
                .bind(contact)
                .fetch_one(&db.pool)
                .await
                .unwrap();
            assert_eq!(text, "/contact");
        }
    }
}

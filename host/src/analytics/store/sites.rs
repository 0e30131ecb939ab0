//! SQL for analytics sites. Every query that reads or changes one site
//! names its owner too, so a site id of another user finds nothing.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::analytics::site::Site;
use crate::store::Db;

const COLUMNS: &str = "id, user_id, name, domain, tracking_id, created_at, updated_at";

fn site_from_row(row: &AnyRow) -> Result<Site, sqlx::Error> {
    Ok(Site {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        name: row.try_get("name")?,
        domain: row.try_get("domain")?,
        tracking_id: row.try_get("tracking_id")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub async fn insert(
    db: &Db,
    user_id: i64,
    name: &str,
    domain: &str,
    tracking_id: &str,
    now_ms: i64,
) -> Result<Site, sqlx::Error> {
    let sql = format!(
        "INSERT INTO analytics_sites (user_id, name, domain, tracking_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING {COLUMNS}"
    );
    let row = sqlx::query(&sql)
        .bind(user_id)
        .bind(name)
        .bind(domain)
        .bind(tracking_id)
        .bind(now_ms)
        .fetch_one(&db.pool)
        .await?;
    site_from_row(&row)
}

pub async fn owned(db: &Db, user_id: i64, id: i64) -> Result<Option<Site>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM analytics_sites WHERE id = $1 AND user_id = $2");
    let row = sqlx::query(&sql).bind(id).bind(user_id).fetch_optional(&db.pool).await?;
    row.as_ref().map(site_from_row).transpose()
}

pub async fn by_tracking_id(db: &Db, tracking_id: &str) -> Result<Option<Site>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM analytics_sites WHERE tracking_id = $1");
    let row = sqlx::query(&sql).bind(tracking_id).fetch_optional(&db.pool).await?;
    row.as_ref().map(site_from_row).transpose()
}

/// `search` escaped for `LIKE … ESCAPE '\'`, lowercased, as a substring
/// pattern.
fn like_pattern(search: &str) -> String {
    let mut pattern = String::from("%");
    for c in search.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// One page of the user's sites, newest first, and how many match in all.
/// `search` matches name or domain, case-insensitively.
pub async fn page(
    db: &Db,
    user_id: i64,
    search: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Site>, i64), sqlx::Error> {
    let pattern = search.map(like_pattern).unwrap_or_else(|| "%".into());
    let filter = "user_id = $1 AND (LOWER(name) LIKE $2 ESCAPE '\\' OR LOWER(domain) LIKE $2 ESCAPE '\\')";
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM analytics_sites WHERE {filter}"))
        .bind(user_id)
        .bind(&pattern)
        .fetch_one(&db.pool)
        .await?;
    let sql = format!("SELECT {COLUMNS} FROM analytics_sites WHERE {filter} ORDER BY id DESC LIMIT $3 OFFSET $4");
    let rows = sqlx::query(&sql).bind(user_id).bind(&pattern).bind(limit).bind(offset).fetch_all(&db.pool).await?;
    let sites = rows.iter().map(site_from_row).collect::<Result<_, _>>()?;
    Ok((sites, total))
}

pub async fn update(
    db: &Db,
    user_id: i64,
    id: i64,
    name: &str,
    domain: &str,
    now_ms: i64,
) -> Result<Option<Site>, sqlx::Error> {
    let sql = format!(
        "UPDATE analytics_sites SET name = $1, domain = $2, updated_at = $3 \
         WHERE id = $4 AND user_id = $5 RETURNING {COLUMNS}"
    );
    let row =
        sqlx::query(&sql).bind(name).bind(domain).bind(now_ms).bind(id).bind(user_id).fetch_optional(&db.pool).await?;
    row.as_ref().map(site_from_row).transpose()
}

/// Deletes the site; `false` if the user has no such site.
pub async fn delete(db: &Db, user_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM analytics_sites WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("A_b%c\\"), "%a\\_b\\%c\\\\%");
    }

    #[tokio::test]
    async fn sites_belong_to_their_owner_on_every_engine() {
        for test in testing::every_engine().await {
            let db = &test.db;
            let alice = testing::user(db, "alice").await;
            let bob = testing::user(db, "bob").await;
            let first = insert(db, alice, "Blog", "https://blog.example", "t1aaaaaaaaaaaaaa", 1).await.unwrap();
            let second = insert(db, alice, "Shop 100%", "shop.example", "t2aaaaaaaaaaaaaa", 2).await.unwrap();
            insert(db, bob, "Bob's", "bob.example", "t3aaaaaaaaaaaaaa", 3).await.unwrap();

            assert_eq!(owned(db, alice, first.id).await.unwrap().as_ref(), Some(&first));
            assert_eq!(owned(db, bob, first.id).await.unwrap(), None);

            let (list, total) = page(db, alice, None, 10, 0).await.unwrap();
            assert_eq!((list.iter().map(|s| s.id).collect::<Vec<_>>(), total), (vec![second.id, first.id], 2));
            let (list, total) = page(db, alice, Some("BLOG"), 10, 0).await.unwrap();
            assert_eq!((list.len(), total), (1, 1));
            let (list, total) = page(db, alice, Some("100%"), 10, 0).await.unwrap();
            assert_eq!((list[0].id, total), (second.id, 1));
            let (list, total) = page(db, alice, Some("_"), 10, 0).await.unwrap();
            assert_eq!((list.len(), total), (0, 0), "an underscore is literal");
            let (list, total) = page(db, alice, None, 1, 1).await.unwrap();
            assert_eq!((list[0].id, total), (first.id, 2));

            assert_eq!(update(db, bob, first.id, "x", "x.example", 9).await.unwrap(), None);
            let renamed = update(db, alice, first.id, "Journal", "journal.example", 9).await.unwrap().unwrap();
            assert_eq!((renamed.name.as_str(), renamed.created_at, renamed.updated_at), ("Journal", 1, 9));
            assert_eq!(renamed.tracking_id, first.tracking_id);

            assert!(!delete(db, bob, first.id).await.unwrap());
            assert!(delete(db, alice, first.id).await.unwrap());
            assert_eq!(owned(db, alice, first.id).await.unwrap(), None);
        }
    }
}

//! SQL for raw events: id blocks, batched inserts, the event list.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::texts;
use crate::analytics::event::Event;
use crate::store::{Db, multi_row};

/// Columns stored as they are.
const PLAIN: &[&str] =
    &["id", "site_id", "created_at", "session_id", "user_id", "ip", "visitor_id", "is_bot", "duration_ms"];

/// Columns stored as ids in `analytics_texts` (see [`texts`]).
const TEXTS: &[&str] = &[
    "event_type",
    "url",
    "referrer",
    "user_agent",
    "screen",
    "language",
    "event_value",
    "device",
    "browser",
    "os",
    "country",
    "subdivision",
    "city",
    "isp",
    "source",
    "source_name",
    "medium",
    "utm_source",
    "utm_medium",
    "utm_campaign",
];

/// An event's texts, in [`TEXTS`] order.
fn texts_of(e: &Event) -> [&str; 20] {
    [
        &e.event_type,
        &e.url,
        &e.referrer,
        &e.user_agent,
        &e.screen,
        &e.language,
        &e.event_value,
        &e.device,
        &e.browser,
        &e.os,
        &e.country,
        &e.subdivision,
        &e.city,
        &e.isp,
        &e.source,
        &e.source_name,
        &e.medium,
        &e.utm_source,
        &e.utm_medium,
        &e.utm_campaign,
    ]
}

/// Rows per INSERT statement: 29 parameters each stays far below SQLite's
/// 32766 and PostgreSQL's 65535 parameter limits.
const ROWS_PER_STATEMENT: usize = 200;

/// Reserves `count` ids for this replica; returns the first. One row lock
/// per block, so replicas never hand out the same id.
pub async fn reserve_ids(conn: &mut sqlx::AnyConnection, count: i64) -> Result<i64, sqlx::Error> {
    let next: i64 = sqlx::query_scalar(
        "UPDATE id_blocks SET next_id = next_id + $1 WHERE name = 'analytics_events' RETURNING next_id",
    )
    .bind(count)
    .fetch_one(conn)
    .await?;
    Ok(next - count)
}

/// Writes `events`, many rows per statement, on `conn` (the batch's
/// transaction), and adds them to their sites' event counts.
pub async fn insert(conn: &mut sqlx::AnyConnection, events: &[Event]) -> Result<(), sqlx::Error> {
    insert_rows(conn, events).await?;
    add_to_counts(conn, events).await
}

/// Adds the batch to `analytics_event_counts` (one row per site).
async fn add_to_counts(conn: &mut sqlx::AnyConnection, events: &[Event]) -> Result<(), sqlx::Error> {
    let mut per_site = std::collections::BTreeMap::<i64, i64>::new();
    for event in events {
        *per_site.entry(event.site_id).or_default() += 1;
    }
    if per_site.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO analytics_event_counts (site_id, events) VALUES {} \
         ON CONFLICT (site_id) DO UPDATE SET events = analytics_event_counts.events + excluded.events",
        multi_row::values(conn, per_site.len(), 2)
    );
    let mut query = sqlx::query(&sql);
    for (site_id, count) in per_site {
        query = query.bind(site_id).bind(count);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// Writes the rows (their texts as ids) without touching the counts.
pub(super) async fn insert_rows(conn: &mut sqlx::AnyConnection, events: &[Event]) -> Result<(), sqlx::Error> {
    let ids = texts::resolve(conn, events.iter().flat_map(|e| texts_of(e).map(|text| (e.site_id, text)))).await?;
    let names: Vec<&str> = PLAIN.iter().chain(TEXTS).copied().collect();
    for chunk in events.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO analytics_events ({}) VALUES {}",
            names.join(", "),
            multi_row::values(conn, chunk.len(), names.len())
        );
        let mut query = sqlx::query(&sql);
        for e in chunk {
            query = query
                .bind(e.id)
                .bind(e.site_id)
                .bind(e.created_at)
                .bind(&e.session_id)
                .bind(&e.user_id)
                .bind(&e.ip)
                .bind(&e.visitor_id)
                .bind(i64::from(e.is_bot))
                .bind(e.duration_ms);
            for text in texts_of(e) {
                query = query.bind(ids.of(e.site_id, text));
            }
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Which of `site_ids` still exist.
pub async fn existing_sites(db: &Db, site_ids: &[i64]) -> Result<std::collections::HashSet<i64>, sqlx::Error> {
    let mut existing = std::collections::HashSet::new();
    for id in site_ids {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM analytics_sites WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
        existing.extend(found);
    }
    Ok(existing)
}

/// An event from a row with every column by name and each text as text
/// (the list's joins, or a legacy row).
pub(super) fn event_from_row(row: &AnyRow) -> Result<Event, sqlx::Error> {
    Ok(Event {
        id: row.try_get("id")?,
        site_id: row.try_get("site_id")?,
        session_id: row.try_get("session_id")?,
        user_id: row.try_get("user_id")?,
        ip: row.try_get("ip")?,
        visitor_id: row.try_get("visitor_id")?,
        url: row.try_get("url")?,
        referrer: row.try_get("referrer")?,
        user_agent: row.try_get("user_agent")?,
        screen: row.try_get("screen")?,
        language: row.try_get("language")?,
        event_type: row.try_get("event_type")?,
        event_value: row.try_get("event_value")?,
        device: row.try_get("device")?,
        browser: row.try_get("browser")?,
        os: row.try_get("os")?,
        is_bot: row.try_get::<i64, _>("is_bot")? != 0,
        country: row.try_get("country")?,
        subdivision: row.try_get("subdivision")?,
        city: row.try_get("city")?,
        isp: row.try_get("isp")?,
        source: row.try_get("source")?,
        source_name: row.try_get("source_name")?,
        medium: row.try_get("medium")?,
        utm_source: row.try_get("utm_source")?,
        utm_medium: row.try_get("utm_medium")?,
        utm_campaign: row.try_get("utm_campaign")?,
        duration_ms: row.try_get("duration_ms")?,
        created_at: row.try_get("created_at")?,
        ..Event::default()
    })
}

/// What the event list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub session_id: Option<String>,
    pub user_id: Option<String>,
    pub event_type: Option<String>,
    /// Unix milliseconds, inclusive.
    pub from_ms: Option<i64>,
    /// Unix milliseconds, inclusive.
    pub to_ms: Option<i64>,
}

/// One page of a site's events, newest first, and how many match in all.
pub async fn page(
    db: &Db,
    site_id: i64,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Event>, i64), sqlx::Error> {
    let unfiltered = filter.session_id.is_none()
        && filter.user_id.is_none()
        && filter.event_type.is_none()
        && filter.from_ms.is_none()
        && filter.to_ms.is_none();
    let total = if unfiltered { stored_count(db, site_id).await? } else { matching_count(db, site_id, filter).await? };
    // Newest first by the time index; each text joined by its id (a page
    // is at most 100 rows, so 20 primary-key lookups each).
    let sql = format!(
        "SELECT {} FROM analytics_events e {} WHERE {} ORDER BY e.created_at DESC, e.id DESC LIMIT $8 OFFSET $9",
        selected_columns(),
        text_joins(),
        conditions()
    );
    let rows = sqlx::query(&sql)
        .bind(site_id)
        .bind(filter.session_id.clone())
        .bind(filter.user_id.clone())
        .bind(filter.event_type.clone())
        .bind(filter.from_ms)
        .bind(filter.to_ms)
        .bind(filter.event_type.as_deref().map(texts::digest))
        .bind(limit)
        .bind(offset)
        .fetch_all(&db.pool)
        .await?;
    let events = rows.iter().map(event_from_row).collect::<Result<_, _>>()?;
    Ok((events, total))
}

/// Every column under its own name, texts as text.
fn selected_columns() -> String {
    let plain = PLAIN.iter().map(|c| format!("e.{c}"));
    let texts = TEXTS.iter().map(|c| format!("COALESCE(t_{c}.text, '') AS {c}"));
    plain.chain(texts).collect::<Vec<_>>().join(", ")
}

fn text_joins() -> String {
    TEXTS.iter().map(|c| format!("LEFT JOIN analytics_texts t_{c} ON t_{c}.id = e.{c}")).collect::<Vec<_>>().join(" ")
}

/// The site's stored events, from the count the writer keeps (counting
/// ten million rows for each page of a list would take most of a second).
async fn stored_count(db: &Db, site_id: i64) -> Result<i64, sqlx::Error> {
    let count: Option<i64> = sqlx::query_scalar("SELECT events FROM analytics_event_counts WHERE site_id = $1")
        .bind(site_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(count.unwrap_or(0))
}

/// How many of the site's events match `filter`, counted.
async fn matching_count(db: &Db, site_id: i64, filter: &Filter) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM analytics_events e WHERE {}", conditions()))
        .bind(site_id)
        .bind(filter.session_id.clone())
        .bind(filter.user_id.clone())
        .bind(filter.event_type.clone())
        .bind(filter.from_ms)
        .bind(filter.to_ms)
        .bind(filter.event_type.as_deref().map(texts::digest))
        .fetch_one(&db.pool)
        .await
}

/// The event list's conditions on `e`. Absent filters match everything:
/// `$n IS NULL OR column = $n` keeps one statement (and one plan) for every
/// combination. The event type is looked up by its text (`$4`, digest `$7`).
fn conditions() -> String {
    format!(
        "e.site_id = $1 \
         AND ($2 IS NULL OR e.session_id = $2) \
         AND ($3 IS NULL OR e.user_id = $3) \
         AND ($4 IS NULL OR e.event_type = {}) \
         AND ($5 IS NULL OR e.created_at >= $5) \
         AND ($6 IS NULL OR e.created_at <= $6)",
        texts::id_of("$1", "$7", "$4")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::store::sites;
    use crate::store::testing;

    fn event(id: i64, site_id: i64, session: &str, kind: &str, at: i64) -> Event {
        Event {
            id,
            site_id,
            session_id: session.into(),
            event_type: kind.into(),
            url: format!("https://example.com/{id}"),
            is_bot: id % 2 == 0,
            created_at: at,
            ..Event::default()
        }
    }

    #[tokio::test]
    async fn ids_never_repeat_and_batches_read_back_on_every_engine() {
        for test in testing::every_engine().await {
            let db = &test.db;
            let mut conn = db.pool.acquire().await.unwrap();
            let first = reserve_ids(&mut conn, 1000).await.unwrap();
            let second = reserve_ids(&mut conn, 1000).await.unwrap();
            drop(conn);
            assert_eq!(second, first + 1000, "blocks do not overlap");

            let owner = testing::user(db, "alice").await;
            let site = sites::insert(db, owner, "s", "s.example", "tid-events-0001", 0).await.unwrap();
            let other = sites::insert(db, owner, "o", "o.example", "tid-events-0002", 0).await.unwrap();
            // More rows than one statement takes.
            let mut batch: Vec<Event> = (0..450)
                .map(|i| event(first + i, site.id, if i % 3 == 0 { "a" } else { "b" }, "page_view", i))
                .collect();
            batch.push(event(first + 450, site.id, "a", "click", 1000));
            batch.push(event(first + 451, other.id, "a", "page_view", 1000));
            insert(&mut db.pool.acquire().await.unwrap(), &batch).await.unwrap();

            let (list, total) = page(db, site.id, &Filter::default(), 10, 0).await.unwrap();
            assert_eq!((total, list.len()), (451, 10));
            assert_eq!(list[0], batch[450], "newest first, every field back");
            assert_eq!(list[1].created_at, 449);
            let clicks = Filter { event_type: Some("click".into()), ..Filter::default() };
            assert_eq!(page(db, site.id, &clicks, 10, 0).await.unwrap().1, 1);
            let session = Filter { session_id: Some("a".into()), to_ms: Some(99), ..Filter::default() };
            assert_eq!(page(db, site.id, &session, 100, 0).await.unwrap().1, 34);
            let window = Filter { from_ms: Some(100), to_ms: Some(199), ..Filter::default() };
            let (list, total) = page(db, site.id, &window, 10, 95).await.unwrap();
            assert_eq!((total, list.len(), list[0].created_at), (100, 5, 104));

            // Deleting the site removes its events.
            sites::delete(db, owner, site.id).await.unwrap();
            let left: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM analytics_events").fetch_one(&db.pool).await.unwrap();
            assert_eq!(left, 1);
        }
    }
}

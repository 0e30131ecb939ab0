//! SQL for the rollups: applying a batch's [`Tally`] inside the batch's
//! transaction, and the reads reports are made of.
//!
//! Both engines take the same statements (`INSERT … ON CONFLICT … DO
//! UPDATE` with `excluded`, window functions); where they differ (the
//! PostgreSQL writer lock) the engine is named here.

use std::collections::HashMap;

use chrono_tz::Tz;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, Row};

use crate::analytics::event::Event;
use crate::analytics::rollup::hll::Sketch;
use crate::analytics::rollup::tally::{
    DayCounts, DayKey, HourCounts, SESSION_IDLE_MS, SeenGroup, SeenKind, Session, Tally,
};
use crate::store::{Db, Engine, multi_row};

/// One bound value of a multi-row statement.
enum Value {
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}

fn bind<'q>(
    mut query: Query<'q, Any, AnyArguments<'q>>,
    values: impl IntoIterator<Item = &'q Value>,
) -> Query<'q, Any, AnyArguments<'q>> {
    for value in values {
        query = match value {
            Value::Int(v) => query.bind(*v),
            Value::Text(v) => query.bind(v.as_str()),
            Value::Bytes(v) => query.bind(v.as_slice()),
        };
    }
    query
}

/// Parameters per statement: well under SQLite's 32766.
const MAX_PARAMETERS: usize = 6000;

/// Runs `INSERT INTO table (columns) VALUES (…), (…) <tail>` over `rows`
/// in as few statements as the parameter limit allows; returns the rows
/// the engine reports as changed.
async fn insert_rows(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    tail: &str,
    rows: Vec<Vec<Value>>,
) -> Result<u64, sqlx::Error> {
    let per_statement = (MAX_PARAMETERS / columns.len()).max(1);
    let mut changed = 0;
    for chunk in rows.chunks(per_statement) {
        let width = chunk.first().map_or(0, Vec::len);
        let values = multi_row::values(conn, chunk.len(), width);
        let mut sql = format!("INSERT INTO {table} ({}) VALUES {values}", columns.join(", "));
        sql.push(' ');
        sql.push_str(tail);
        changed += bind(sqlx::query(&sql), chunk.iter().flatten()).execute(&mut *conn).await?.rows_affected();
    }
    Ok(changed)
}

/// `ON CONFLICT (keys) DO UPDATE SET c = table.c + excluded.c` for `adds`.
fn adding(table: &str, keys: &[&str], adds: &[&str]) -> String {
    let sets: Vec<String> = adds.iter().map(|c| format!("{c} = {table}.{c} + excluded.{c}")).collect();
    format!("ON CONFLICT ({}) DO UPDATE SET {}", keys.join(", "), sets.join(", "))
}

/// Makes rollup writers take turns: on PostgreSQL several replicas flush at
/// once, and sessions, sketches and texts are read, changed and written
/// back. Held until the transaction ends.
pub async fn lock_writers(conn: &mut AnyConnection, engine: Engine) -> Result<(), sqlx::Error> {
    match engine {
        // "WAYMARK" rollups; any constant the other products do not use.
        Engine::Postgres => sqlx::query("SELECT pg_advisory_xact_lock(7736737001)").execute(&mut *conn).await?,
        // SQLite has one writer at a time, but a transaction that reads
        // first and writes later fails (it cannot upgrade a snapshot another
        // writer has moved past): a write that changes nothing takes the
        // write lock first, waiting its turn under the busy timeout.
        Engine::Sqlite => {
            sqlx::query("UPDATE id_blocks SET next_id = next_id WHERE name = 'analytics_events'")
                .execute(&mut *conn)
                .await?
        }
    };
    Ok(())
}

/// Adds `events` (already written in this transaction) to the rollups.
pub async fn apply(conn: &mut AnyConnection, events: &[Event], tz: Tz) -> Result<(), sqlx::Error> {
    if events.is_empty() {
        return Ok(());
    }
    let open = open_sessions(conn, events).await?;
    let mut tally = Tally::of(events, open, tz);
    count_new_ids(conn, &mut tally).await?;
    write_counts(conn, &tally).await?;
    merge_sketches(conn, &tally).await?;
    write_sessions(conn, &tally).await
}

const SESSION_COLUMNS: &[&str] = &[
    "site_id",
    "session_id",
    "started_at",
    "last_at",
    "day",
    "hour",
    "is_bot",
    "pageviews",
    "events",
    "entry_page",
    "exit_page",
];

fn session_from_row(row: &AnyRow) -> Result<Session, sqlx::Error> {
    Ok(Session {
        site_id: row.try_get("site_id")?,
        session_id: row.try_get("session_id")?,
        started_at: row.try_get("started_at")?,
        last_at: row.try_get("last_at")?,
        day: row.try_get("day")?,
        hour: row.try_get("hour")?,
        is_bot: row.try_get::<i64, _>("is_bot")? != 0,
        pageviews: row.try_get("pageviews")?,
        events: row.try_get("events")?,
        entry_page: row.try_get("entry_page")?,
        exit_page: row.try_get("exit_page")?,
    })
}

/// The latest stored session of each (site, session id) in `events` that
/// may still be open when the earliest of them arrived.
async fn open_sessions(
    conn: &mut AnyConnection,
    events: &[Event],
) -> Result<HashMap<(i64, String), Session>, sqlx::Error> {
    let since = events.iter().map(|e| e.created_at).min().unwrap_or_default() - SESSION_IDLE_MS;
    let mut by_site: HashMap<i64, Vec<&str>> = HashMap::new();
    for event in events.iter().filter(|e| !e.session_id.is_empty()) {
        by_site.entry(event.site_id).or_default().push(&event.session_id);
    }
    let mut open = HashMap::new();
    for (site_id, mut ids) in by_site {
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(500) {
            let marks = multi_row::placeholders(conn, chunk.len() + 2);
            let sql = format!(
                "SELECT {} FROM analytics_sessions WHERE site_id = {} AND last_at >= {} AND session_id IN ({})",
                SESSION_COLUMNS.join(", "),
                marks[0],
                marks[1],
                marks[2..].join(", ")
            );
            let mut query = sqlx::query(&sql).bind(site_id).bind(since);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&mut *conn).await? {
                let session = session_from_row(&row)?;
                let key = (session.site_id, session.session_id.clone());
                let later = open.get(&key).is_none_or(|known: &Session| known.started_at < session.started_at);
                if later {
                    open.insert(key, session);
                }
            }
        }
    }
    Ok(open)
}

/// Adds the batch's ids to the seen sets; the ones new there are the
/// batch's new visitors and IPs.
async fn count_new_ids(conn: &mut AnyConnection, tally: &mut Tally<'_>) -> Result<(), sqlx::Error> {
    let mut groups: Vec<(SeenGroup, Vec<&str>)> =
        std::mem::take(&mut tally.seen).into_iter().map(|(g, ids)| (g, ids.into_iter().collect())).collect();
    groups.sort_by_key(|(group, _)| *group);
    for (group, ids) in groups {
        let rows = ids
            .into_iter()
            .map(|id| {
                vec![
                    group.site_id.into(),
                    group.day.into(),
                    group.kind.code().into(),
                    group.hour.into(),
                    group.is_bot.into(),
                    id.into(),
                ]
            })
            .collect();
        let columns = ["site_id", "day", "kind", "hour", "is_bot", "id"];
        let new = insert_rows(conn, "analytics_seen", &columns, "ON CONFLICT DO NOTHING", rows).await? as i64;
        let day = DayKey { site_id: group.site_id, day: group.day, is_bot: group.is_bot };
        match group.kind {
            SeenKind::DayVisitor => tally.daily.entry(day).or_default().visitors += new,
            SeenKind::DayIp => tally.daily.entry(day).or_default().ips += new,
            SeenKind::HourVisitor => {
                let hour = crate::analytics::rollup::tally::HourKey {
                    site_id: group.site_id,
                    day: group.day,
                    hour: group.hour,
                    is_bot: group.is_bot,
                };
                tally.hourly.entry(hour).or_default().visitors += new;
            }
        }
    }
    Ok(())
}

async fn write_counts(conn: &mut AnyConnection, tally: &Tally<'_>) -> Result<(), sqlx::Error> {
    let mut hourly: Vec<_> = tally.hourly.iter().collect();
    hourly.sort_by_key(|(k, _)| **k);
    let rows = hourly
        .into_iter()
        .map(|(k, c)| {
            vec![
                k.site_id.into(),
                k.day.into(),
                k.hour.into(),
                k.is_bot.into(),
                c.pageviews.into(),
                c.events.into(),
                c.visitors.into(),
                c.sessions.into(),
            ]
        })
        .collect();
    let keys = ["site_id", "day", "hour", "is_bot"];
    let adds = ["pageviews", "events", "visitors", "sessions"];
    let columns = [&keys[..], &adds[..]].concat();
    insert_rows(conn, "analytics_hourly", &columns, &adding("analytics_hourly", &keys, &adds), rows).await?;

    let mut daily: Vec<_> = tally.daily.iter().collect();
    daily.sort_by_key(|(k, _)| **k);
    let rows = daily
        .into_iter()
        .map(|(k, c)| {
            vec![
                k.site_id.into(),
                k.day.into(),
                k.is_bot.into(),
                c.pageviews.into(),
                c.events.into(),
                c.visitors.into(),
                c.ips.into(),
                c.sessions.into(),
                c.bounces.into(),
                c.duration_ms.into(),
            ]
        })
        .collect();
    let keys = ["site_id", "day", "is_bot"];
    let adds = ["pageviews", "events", "visitors", "ips", "sessions", "bounces", "duration_ms"];
    let columns = [&keys[..], &adds[..]].concat();
    insert_rows(conn, "analytics_daily", &columns, &adding("analytics_daily", &keys, &adds), rows).await?;

    let mut dimensions: Vec<_> = tally.dimensions.iter().filter(|(_, n)| **n != 0).collect();
    dimensions.sort();
    let rows = dimensions
        .into_iter()
        .map(|(k, n)| {
            vec![
                k.site_id.into(),
                k.event_type.into(),
                k.dimension.into(),
                k.day.into(),
                k.is_bot.into(),
                k.value.as_ref().into(),
                (*n).into(),
            ]
        })
        .collect();
    let keys = ["site_id", "event_type", "dimension", "day", "is_bot", "value"];
    let columns = [&keys[..], &["count"][..]].concat();
    let tail = adding("analytics_dimensions", &keys, &["count"]);
    insert_rows(conn, "analytics_dimensions", &columns, &tail, rows).await?;
    Ok(())
}

async fn merge_sketches(conn: &mut AnyConnection, tally: &Tally<'_>) -> Result<(), sqlx::Error> {
    let mut days: Vec<_> = tally.ip_hashes.iter().collect();
    days.sort_by_key(|(key, _)| **key);
    for (key, hashes) in days {
        let stored: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT sketch FROM analytics_ip_sketches WHERE site_id = $1 AND day = $2 AND is_bot = $3",
        )
        .bind(key.site_id)
        .bind(key.day)
        .bind(i64::from(key.is_bot))
        .fetch_optional(&mut *conn)
        .await?;
        let mut sketch = stored.as_deref().and_then(Sketch::from_bytes).unwrap_or_default();
        for hash in hashes {
            sketch.insert(*hash);
        }
        let row = vec![key.site_id.into(), key.day.into(), key.is_bot.into(), Value::Bytes(sketch.to_bytes())];
        let tail = "ON CONFLICT (site_id, day, is_bot) DO UPDATE SET sketch = excluded.sketch";
        insert_rows(conn, "analytics_ip_sketches", &["site_id", "day", "is_bot", "sketch"], tail, vec![row]).await?;
    }
    Ok(())
}

async fn write_sessions(conn: &mut AnyConnection, tally: &Tally<'_>) -> Result<(), sqlx::Error> {
    let mut sessions: Vec<&Session> = tally.sessions.iter().collect();
    sessions.sort_by(|a, b| (a.site_id, &a.session_id, a.started_at).cmp(&(b.site_id, &b.session_id, b.started_at)));
    let rows = sessions
        .into_iter()
        .map(|s| {
            vec![
                s.site_id.into(),
                s.session_id.as_str().into(),
                s.started_at.into(),
                s.last_at.into(),
                s.day.into(),
                s.hour.into(),
                s.is_bot.into(),
                s.pageviews.into(),
                s.events.into(),
                s.entry_page.as_str().into(),
                s.exit_page.as_str().into(),
            ]
        })
        .collect();
    let tail = "ON CONFLICT (site_id, session_id, started_at) DO UPDATE SET last_at = excluded.last_at, \
                pageviews = excluded.pageviews, events = excluded.events, exit_page = excluded.exit_page";
    insert_rows(conn, "analytics_sessions", SESSION_COLUMNS, tail, rows).await?;
    Ok(())
}

/// The site's tables, for clearing its statistics.
const TABLES: &[&str] = &[
    "analytics_events",
    "analytics_texts",
    "analytics_event_counts",
    "analytics_hourly",
    "analytics_daily",
    "analytics_dimensions",
    "analytics_ip_sketches",
    "analytics_seen",
    "analytics_sessions",
];

/// Deletes the site's events and every rollup of them, keeping the site
/// (deleting a site cascades to all of them).
pub async fn clear_site(db: &Db, site_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    lock_writers(&mut tx, db.engine).await?;
    for table in TABLES {
        sqlx::query(&format!("DELETE FROM {table} WHERE site_id = $1")).bind(site_id).execute(&mut *tx).await?;
    }
    tx.commit().await
}

/// Forgets what only incoming events still needed: seen sets of days
/// before `day` and sessions idle since before `before_ms`.
pub async fn prune(db: &Db, day: i64, before_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM analytics_seen WHERE day < $1").bind(day).execute(&db.pool).await?;
    sqlx::query("DELETE FROM analytics_sessions WHERE last_at < $1").bind(before_ms).execute(&db.pool).await?;
    Ok(())
}

/// Which days a report covers, and whether bots count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// `YYYYMMDD`, inclusive.
    pub from: i64,
    pub to: i64,
    pub include_bots: bool,
}

impl Span {
    fn max_bot(&self) -> i64 {
        i64::from(self.include_bots)
    }
}

/// Sums a column in both engines as a 64-bit integer (PostgreSQL's SUM of
/// BIGINT is NUMERIC).
fn sum(column: &str) -> String {
    format!("CAST(COALESCE(SUM({column}), 0) AS BIGINT) AS {column}")
}

fn day_counts(row: &AnyRow) -> Result<DayCounts, sqlx::Error> {
    Ok(DayCounts {
        pageviews: row.try_get("pageviews")?,
        events: row.try_get("events")?,
        visitors: row.try_get("visitors")?,
        ips: row.try_get("ips")?,
        sessions: row.try_get("sessions")?,
        bounces: row.try_get("bounces")?,
        duration_ms: row.try_get("duration_ms")?,
    })
}

const DAY_SUMS: &[&str] = &["pageviews", "events", "visitors", "ips", "sessions", "bounces", "duration_ms"];

/// The span's daily figures added up.
pub async fn totals(db: &Db, site_id: i64, span: Span) -> Result<DayCounts, sqlx::Error> {
    let sums: Vec<String> = DAY_SUMS.iter().map(|c| sum(c)).collect();
    let sql = format!(
        "SELECT {} FROM analytics_daily WHERE site_id = $1 AND day >= $2 AND day <= $3 AND is_bot <= $4",
        sums.join(", ")
    );
    let row =
        sqlx::query(&sql).bind(site_id).bind(span.from).bind(span.to).bind(span.max_bot()).fetch_one(&db.pool).await?;
    day_counts(&row)
}

/// Each day of the span that has figures, in order.
pub async fn days(db: &Db, site_id: i64, span: Span) -> Result<Vec<(i64, DayCounts)>, sqlx::Error> {
    let sums: Vec<String> = DAY_SUMS.iter().map(|c| sum(c)).collect();
    let sql = format!(
        "SELECT day, {} FROM analytics_daily WHERE site_id = $1 AND day >= $2 AND day <= $3 AND is_bot <= $4 \
         GROUP BY day ORDER BY day",
        sums.join(", ")
    );
    let rows =
        sqlx::query(&sql).bind(site_id).bind(span.from).bind(span.to).bind(span.max_bot()).fetch_all(&db.pool).await?;
    rows.iter().map(|row| Ok((row.try_get("day")?, day_counts(row)?))).collect()
}

/// Each (day, hour) of the span that has figures, in order.
pub async fn hours(db: &Db, site_id: i64, span: Span) -> Result<Vec<(i64, i64, HourCounts)>, sqlx::Error> {
    let sums: Vec<String> = ["pageviews", "events", "visitors", "sessions"].iter().map(|c| sum(c)).collect();
    let sql = format!(
        "SELECT day, hour, {} FROM analytics_hourly WHERE site_id = $1 AND day >= $2 AND day <= $3 AND is_bot <= $4 \
         GROUP BY day, hour ORDER BY day, hour",
        sums.join(", ")
    );
    let rows =
        sqlx::query(&sql).bind(site_id).bind(span.from).bind(span.to).bind(span.max_bot()).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|row| {
            let counts = HourCounts {
                pageviews: row.try_get("pageviews")?,
                events: row.try_get("events")?,
                visitors: row.try_get("visitors")?,
                sessions: row.try_get("sessions")?,
            };
            Ok((row.try_get("day")?, row.try_get("hour")?, counts))
        })
        .collect()
}

/// Distinct IPs over the span, from the days' sketches.
pub async fn distinct_ips(db: &Db, site_id: i64, span: Span) -> Result<u64, sqlx::Error> {
    let sketches: Vec<Vec<u8>> = sqlx::query_scalar(
        "SELECT sketch FROM analytics_ip_sketches WHERE site_id = $1 AND day >= $2 AND day <= $3 AND is_bot <= $4",
    )
    .bind(site_id)
    .bind(span.from)
    .bind(span.to)
    .bind(span.max_bot())
    .fetch_all(&db.pool)
    .await?;
    let mut union = Sketch::default();
    for sketch in sketches.iter().filter_map(|bytes| Sketch::from_bytes(bytes)) {
        union.merge(&sketch);
    }
    Ok(union.estimate())
}

/// One page of a ranking: (value, count) by count, then value; and how
/// many values there are in all.
pub async fn ranking(
    db: &Db,
    site_id: i64,
    event_type: &str,
    dimension: &str,
    span: Span,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(String, i64)>, i64), sqlx::Error> {
    let filter = "site_id = $1 AND event_type = $2 AND dimension = $3 AND day >= $4 AND day <= $5 AND is_bot <= $6";
    let sql = format!(
        "SELECT value, CAST(SUM(count) AS BIGINT) AS total, COUNT(*) OVER () AS values_in_all \
         FROM analytics_dimensions WHERE {filter} GROUP BY value HAVING SUM(count) > 0 \
         ORDER BY total DESC, value ASC LIMIT $7 OFFSET $8"
    );
    let rows = sqlx::query(&sql)
        .bind(site_id)
        .bind(event_type)
        .bind(dimension)
        .bind(span.from)
        .bind(span.to)
        .bind(span.max_bot())
        .bind(limit)
        .bind(offset)
        .fetch_all(&db.pool)
        .await?;
    let mut in_all = 0;
    let mut list = Vec::with_capacity(rows.len());
    for row in &rows {
        in_all = row.try_get("values_in_all")?;
        list.push((row.try_get("value")?, row.try_get("total")?));
    }
    if rows.is_empty() && offset > 0 {
        // Past the last page: the count still tells how many there are.
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT value FROM analytics_dimensions WHERE {filter} \
             GROUP BY value HAVING SUM(count) > 0) AS ranked"
        );
        in_all = sqlx::query_scalar(&sql)
            .bind(site_id)
            .bind(event_type)
            .bind(dimension)
            .bind(span.from)
            .bind(span.to)
            .bind(span.max_bot())
            .fetch_one(&db.pool)
            .await?;
    }
    Ok((list, in_all))
}

/// Raw events since `since_ms` (a few minutes' worth): distinct visitors,
/// and the page-view URLs with their counts.
pub async fn recent(
    db: &Db,
    site_id: i64,
    since_ms: i64,
    include_bots: bool,
) -> Result<(i64, Vec<(String, i64)>), sqlx::Error> {
    use super::texts::{digest, id_of};
    let max_bot = i64::from(include_bots);
    let visitors: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(DISTINCT visitor_id) FROM analytics_events \
         WHERE site_id = $1 AND created_at >= $2 AND is_bot <= $3 AND event_type <> COALESCE({}, 0)",
        id_of("$1", "$4", "$5")
    ))
    .bind(site_id)
    .bind(since_ms)
    .bind(max_bot)
    .bind(digest("engagement"))
    .bind("engagement")
    .fetch_one(&db.pool)
    .await?;
    let rows = sqlx::query(&format!(
        "SELECT COALESCE(t.text, '') AS url, COUNT(*) AS views FROM analytics_events e \
         LEFT JOIN analytics_texts t ON t.id = e.url \
         WHERE e.site_id = $1 AND e.created_at >= $2 AND e.is_bot <= $3 AND e.event_type = {} GROUP BY t.text",
        id_of("$1", "$4", "$5")
    ))
    .bind(site_id)
    .bind(since_ms)
    .bind(max_bot)
    .bind(digest("page_view"))
    .bind("page_view")
    .fetch_all(&db.pool)
    .await?;
    let pages =
        rows.iter().map(|row| Ok((row.try_get("url")?, row.try_get("views")?))).collect::<Result<_, sqlx::Error>>()?;
    Ok((visitors, pages))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::store::{events, sites};
    use crate::store::testing;

    const MINUTE: i64 = 60_000;

    fn view(id: i64, site_id: i64, session: &str, kind: &str, path: &str, at: i64) -> Event {
        Event {
            id,
            site_id,
            session_id: session.into(),
            visitor_id: format!("visitor-{session}"),
            event_type: kind.into(),
            url: format!("https://example.com{path}"),
            ip_key: format!("ip-{session}"),
            ip_hash: crate::analytics::rollup::hll::hash_of(&[session.as_bytes()]),
            created_at: at,
            ..Event::default()
        }
    }

    async fn write(db: &Db, batch: &[Event]) {
        let mut tx = db.pool.begin().await.unwrap();
        lock_writers(&mut tx, db.engine).await.unwrap();
        events::insert(&mut tx, batch).await.unwrap();
        apply(&mut tx, batch, chrono_tz::UTC).await.unwrap();
        tx.commit().await.unwrap();
    }

    /// A session spread over three flushes is one session; a gap of more
    /// than 30 minutes starts another; repeated visitors count once a day.
    #[tokio::test]
    async fn sessions_continue_across_batches_and_end_after_idle_time() {
        for test in testing::every_engine().await {
            let db = &test.db;
            let owner = testing::user(db, "alice").await;
            let site = sites::insert(db, owner, "s", "s.example", "tid-rollups-0001", 0).await.unwrap();
            // 2025-09-15 09:00 UTC.
            let nine = 1_757_926_800_000;
            write(db, &[view(1, site.id, "a", "page_view", "/", nine)]).await;
            write(db, &[view(2, site.id, "a", "page_view", "/pricing", nine + 5 * MINUTE)]).await;
            write(db, &[view(3, site.id, "a", "signup", "/pricing", nine + 10 * MINUTE)]).await;
            // 41 minutes idle: a new session, a bounce.
            write(db, &[view(4, site.id, "a", "page_view", "/blog", nine + 51 * MINUTE)]).await;

            let day = Span { from: 20250915, to: 20250915, include_bots: false };
            let totals = totals(db, site.id, day).await.unwrap();
            let expected = DayCounts {
                pageviews: 3,
                events: 1,
                visitors: 1,
                ips: 1,
                sessions: 2,
                bounces: 1,
                duration_ms: 10 * MINUTE,
            };
            assert_eq!(totals, expected, "{:?}", db.engine);
            let pages = |dimension: &'static str| async move {
                ranking(db, site.id, "page_view", dimension, day, 10, 0).await.unwrap().0
            };
            let pairs = |items: &[(&str, i64)]| items.iter().map(|(k, n)| (k.to_string(), *n)).collect::<Vec<_>>();
            assert_eq!(pages("entry_page").await, pairs(&[("/", 1), ("/blog", 1)]));
            assert_eq!(pages("exit_page").await, pairs(&[("/blog", 1), ("/pricing", 1)]), "the exit moved");
            let hours = hours(db, site.id, day).await.unwrap();
            assert_eq!(hours.iter().map(|(_, h, c)| (*h, c.pageviews, c.sessions)).collect::<Vec<_>>(), [(9, 3, 2)]);
            assert_eq!(distinct_ips(db, site.id, day).await.unwrap(), 1);

            clear_site(db, site.id).await.unwrap();
            assert_eq!(super::totals(db, site.id, day).await.unwrap(), DayCounts::default());
            for table in TABLES {
                let left: i64 =
                    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&db.pool).await.unwrap();
                assert_eq!(left, 0, "{table}");
            }
        }
    }

    /// Replicas flushing at once take turns (the writers' lock), so one
    /// session's events written concurrently still make one session.
    #[tokio::test]
    async fn concurrent_writers_agree_on_one_session() {
        for test in testing::every_engine().await {
            let db = &test.db;
            let owner = testing::user(db, "alice").await;
            let site = sites::insert(db, owner, "s", "s.example", "tid-rollups-0002", 0).await.unwrap();
            let nine = 1_757_926_800_000;
            let batches: Vec<Vec<Event>> =
                (0..12).map(|i| vec![view(i + 1, site.id, "b", "page_view", "/", nine + i * MINUTE)]).collect();
            futures_util::future::join_all(batches.iter().map(|batch| write(db, batch))).await;
            let day = Span { from: 20250915, to: 20250915, include_bots: false };
            let totals = totals(db, site.id, day).await.unwrap();
            assert_eq!((totals.pageviews, totals.visitors, totals.sessions), (12, 1, 1), "{:?}", db.engine);
        }
    }
}

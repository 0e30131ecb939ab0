//! Events stored before texts moved to `analytics_texts` (migration 0011)
//! wait in `analytics_events_legacy`; [`move_legacy_events`] moves them
//! into the new table at start, a slice per transaction, and drops the old
//! one. Safe to run on several replicas at once (each slice is taken under
//! the writers' lock) and to interrupt (the next start goes on).

use sqlx::AnyConnection;

use super::{events, rollups};
use crate::store::{Db, Engine};

/// Events moved per transaction.
const SLICE: i64 = 5000;

const COLUMNS: &str = "id, site_id, session_id, user_id, ip, visitor_id, url, referrer, user_agent, screen, \
     language, event_type, event_value, device, browser, os, is_bot, country, subdivision, city, isp, source, \
     source_name, medium, utm_source, utm_medium, utm_campaign, duration_ms, created_at";

/// Moves every legacy event; returns how many were moved. Their counts and
/// rollups were kept already, so only the rows move.
pub async fn move_legacy_events(db: &Db) -> Result<u64, sqlx::Error> {
    let mut moved = 0u64;
    loop {
        let mut tx = db.pool.begin().await?;
        rollups::lock_writers(&mut tx, db.engine).await?;
        if !exists(&mut tx, db.engine).await? {
            return Ok(moved);
        }
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM analytics_events_legacy ORDER BY id LIMIT $1"))
            .bind(SLICE)
            .fetch_all(&mut *tx)
            .await?;
        if rows.is_empty() {
            sqlx::query("DROP TABLE analytics_events_legacy").execute(&mut *tx).await?;
            tx.commit().await?;
            if moved > 0 {
                tracing::info!(moved, "analytics events moved to the new storage");
            }
            return Ok(moved);
        }
        let slice = rows.iter().map(events::event_from_row).collect::<Result<Vec<_>, _>>()?;
        events::insert_rows(&mut tx, &slice).await?;
        let last = slice.last().map_or(0, |e| e.id);
        sqlx::query("DELETE FROM analytics_events_legacy WHERE id <= $1").bind(last).execute(&mut *tx).await?;
        tx.commit().await?;
        moved += slice.len() as u64;
    }
}

async fn exists(conn: &mut AnyConnection, engine: Engine) -> Result<bool, sqlx::Error> {
    let sql = match engine {
        Engine::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'analytics_events_legacy'"
        }
        Engine::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = 'analytics_events_legacy'"
        }
    };
    Ok(sqlx::query_scalar::<_, i64>(sql).fetch_one(&mut *conn).await? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::store::{events::Filter, sites};
    use crate::store::testing;

    #[tokio::test]
    async fn legacy_events_move_with_every_field_and_the_old_table_goes() {
        for test in testing::every_engine().await {
            let db = &test.db;
            let owner = testing::user(db, "alice").await;
            let site = sites::insert(db, owner, "s", "s.example", "tid-legacy-0001", 0).await.unwrap();
            // Migration 0011 leaves the old table; rows from before go in it.
            assert!(exists(&mut db.pool.acquire().await.unwrap(), db.engine).await.unwrap());
            let columns: Vec<&str> = COLUMNS.split(", ").collect();
            let marks: Vec<String> = (1..=columns.len()).map(|n| format!("${n}")).collect();
            for id in [7i64, 9] {
                let sql = format!("INSERT INTO analytics_events_legacy ({COLUMNS}) VALUES ({})", marks.join(", "));
                let mut insert = sqlx::query(&sql);
                for column in &columns {
                    insert = match *column {
                        "id" => insert.bind(id),
                        "site_id" => insert.bind(site.id),
                        "is_bot" => insert.bind(1i64),
                        "duration_ms" => insert.bind(1500i64),
                        "created_at" => insert.bind(id * 1000),
                        "session_id" => insert.bind("s-1"),
                        name => insert.bind(format!("{name} of {id}")),
                    };
                }
                insert.execute(&db.pool).await.unwrap();
            }
            assert_eq!(move_legacy_events(db).await.unwrap(), 2);
            assert!(!exists(&mut db.pool.acquire().await.unwrap(), db.engine).await.unwrap(), "dropped");
            assert_eq!(move_legacy_events(db).await.unwrap(), 0, "nothing left to do");
            let session = Filter { session_id: Some("s-1".into()), ..Filter::default() };
            let (list, _) = events::page(db, site.id, &session, 10, 0).await.unwrap();
            assert_eq!(list.len(), 2);
            let e = &list[0];
            assert_eq!((e.id, e.created_at, e.duration_ms, e.is_bot), (9, 9000, 1500, true));
            assert_eq!(
                (e.url.as_str(), e.user_agent.as_str(), e.utm_campaign.as_str()),
                ("url of 9", "user_agent of 9", "utm_campaign of 9")
            );
            assert_eq!(e.visitor_id, "visitor_id of 9");
        }
    }
}

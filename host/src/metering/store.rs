//! Daily usage in the database, shared by every replica.

use crate::store::Db;
use crate::surface::Surface;

/// One caller's usage on one day, as the database has it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct DayUsage {
    pub day: String,
    pub count: u64,
}

/// Today's usage for one caller as the database knows it (all replicas'
/// flushed counts).
pub(super) async fn load(db: &Db, surface: Surface, subject: &str, day: &str) -> Result<u64, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT count FROM usage_daily WHERE surface = $1 AND subject = $2 AND day = $3")
            .bind(surface.key())
            .bind(subject)
            .bind(day)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map_or(0, |(n,)| n.max(0) as u64))
}

/// Adds `delta` to a caller's count and returns the new total, which includes
/// what other replicas have flushed meanwhile.
pub(super) async fn add(db: &Db, surface: Surface, subject: &str, day: &str, delta: u64) -> Result<u64, sqlx::Error> {
    let (total,): (i64,) = sqlx::query_as(
        "INSERT INTO usage_daily (surface, subject, day, count) VALUES ($1, $2, $3, $4)
         ON CONFLICT (surface, subject, day) DO UPDATE SET count = usage_daily.count + excluded.count
         RETURNING count",
    )
    .bind(surface.key())
    .bind(subject)
    .bind(day)
    .bind(delta as i64)
    .fetch_one(&db.pool)
    .await?;
    Ok(total.max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    #[tokio::test]
    async fn daily_usage_adds_up_per_surface_caller_and_day() {
        for test in testing::every_engine().await {
            let db = &test.db;
            assert_eq!(load(db, Surface::Counter, "ip:1", "2026-01-01").await.unwrap(), 0);
            add(db, Surface::Counter, "ip:1", "2026-01-01", 2).await.unwrap();
            assert_eq!(add(db, Surface::Counter, "ip:1", "2026-01-01", 3).await.unwrap(), 5, "{:?}", db.engine);
            add(db, Surface::Counter, "ip:1", "2026-01-02", 1).await.unwrap();
            assert_eq!(load(db, Surface::Counter, "ip:1", "2026-01-01").await.unwrap(), 5);
            assert_eq!(load(db, Surface::Counter, "ip:2", "2026-01-01").await.unwrap(), 0);
        }
    }
}

//! SQL for counters. Increments arrive in batches from every replica.

use crate::store::Db;

/// A counter as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record {
    pub total: u64,
    pub daily: u64,
    /// The day `daily` counts (YYYY-MM-DD, local).
    pub day: String,
    /// Unix milliseconds of the last counted visit; 0 if never.
    pub updated_at: i64,
}

type Row = (i64, i64, String, i64);

fn record((total, daily, day, updated_at): Row) -> Record {
    Record { total: total.max(0) as u64, daily: daily.max(0) as u64, day, updated_at }
}

pub async fn load(db: &Db, site: &str, name: &str) -> Result<Option<Record>, sqlx::Error> {
    let row: Option<Row> =
        sqlx::query_as("SELECT total, daily, day, updated_at FROM counters WHERE site = $1 AND name = $2")
            .bind(site)
            .bind(name)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(record))
}

/// Adds a batch of visits counted on `day` and returns the combined record.
/// A batch from a day the row has already left (a replica flushing late after
/// midnight) still adds to the total but not to the newer day's count.
pub async fn add(
    db: &Db,
    site: &str,
    name: &str,
    visits: u64,
    day: &str,
    updated_at: i64,
) -> Result<Record, sqlx::Error> {
    let row: Row = sqlx::query_as(
        "INSERT INTO counters (site, name, total, daily, day, updated_at) VALUES ($1, $2, $3, $3, $4, $5)
         ON CONFLICT (site, name) DO UPDATE SET
            total = counters.total + excluded.total,
            daily = CASE
                WHEN counters.day = excluded.day THEN counters.daily + excluded.daily
                WHEN counters.day > excluded.day THEN counters.daily
                ELSE excluded.daily END,
            day = CASE WHEN counters.day > excluded.day THEN counters.day ELSE excluded.day END,
            updated_at = CASE WHEN counters.updated_at > excluded.updated_at
                THEN counters.updated_at ELSE excluded.updated_at END
         RETURNING total, daily, day, updated_at",
    )
    .bind(site)
    .bind(name)
    .bind(visits as i64)
    .bind(day)
    .bind(updated_at)
    .fetch_one(&db.pool)
    .await?;
    Ok(record(row))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    #[tokio::test]
    async fn batches_add_up_and_late_batches_keep_the_newer_day() {
        for test in testing::every_engine().await {
            let db = &test.db;
            assert_eq!(load(db, "s", "n").await.unwrap(), None);
            add(db, "s", "n", 2, "2026-01-02", 10).await.unwrap();
            let late = add(db, "s", "n", 3, "2026-01-01", 5).await.unwrap();
            let expected = Record { total: 5, daily: 2, day: "2026-01-02".into(), updated_at: 10 };
            assert_eq!(late, expected, "{:?}", db.engine);
            let next = add(db, "s", "n", 1, "2026-01-03", 20).await.unwrap();
            assert_eq!((next.total, next.daily, next.day.as_str()), (6, 1, "2026-01-03"));
            assert_eq!(load(db, "s", "n").await.unwrap(), Some(next));
        }
    }
}

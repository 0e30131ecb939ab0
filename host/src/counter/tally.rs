//! Counting visits in memory, exactly, and writing them in batches.
//!
//! A counted visit is a map update, not a database write. Every
//! `counter.flush_interval_ms` (and on shutdown) each replica adds its
//! pending visits to the database, learning the combined totals. On one
//! node the shown count is exact; with several replicas each re-reads a
//! counter once its copy is older than one interval, so a shown value lags
//! other replicas' visits by at most about one interval, and totals are exact
//! once flushed.

use std::time::{Duration, Instant};

use dashmap::DashMap;

use super::store::{self, Record};
use crate::clock::Clock;
use crate::store::Db;

/// One counter as this replica sees it.
#[derive(Debug, Clone, Default)]
struct Tally {
    /// What the database held at the last sync.
    synced: Record,
    synced_at: Option<Instant>,
    /// Visits counted here since, all on `pending_day`.
    pending: u64,
    pending_day: String,
    last_visit: i64,
    /// A flush of this counter is in flight: a sync now could count the
    /// flushed visits twice (in the database and still pending).
    flushing: bool,
}

impl Tally {
    /// The record including this replica's unflushed visits, as of `today`.
    fn view(&self, today: &str) -> Record {
        let mut record = self.synced.clone();
        if record.day != today {
            record.daily = 0;
            record.day = today.to_string();
        }
        record.total += self.pending;
        if self.pending_day == today {
            record.daily += self.pending;
        }
        record.updated_at = record.updated_at.max(self.last_visit);
        record
    }
}

type Key = (String, String);

pub struct Tallies {
    db: Db,
    clock: Clock,
    interval: Duration,
    tallies: DashMap<Key, Tally, foldhash::fast::RandomState>,
}

impl Tallies {
    pub fn new(db: Db, clock: Clock, interval: Duration) -> Self {
        Self { db, clock, interval, tallies: DashMap::with_hasher(foldhash::fast::RandomState::default()) }
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Counts one visit (or only reads, when `increment` is false) and returns
    /// the counter as it stands afterwards.
    pub async fn visit(&self, site: &str, name: &str, increment: bool) -> Result<Record, sqlx::Error> {
        let key = (site.to_string(), name.to_string());
        // `NaiveDate`'s Display is `YYYY-MM-DD`, without parsing a format.
        let today = self.clock.today().to_string();
        if self.needs_sync(&key) {
            self.sync(&key).await?;
        }
        if increment && self.has_pending_from_another_day(&key, &today) {
            // Yesterday's visits must reach the database as yesterday's.
            self.flush_one(&key).await?;
        }
        let mut tally = self.tallies.entry(key).or_default();
        if increment {
            tally.pending += 1;
            tally.pending_day = today.clone();
            tally.last_visit = self.clock.now().timestamp_millis();
        }
        Ok(tally.view(&today))
    }

    fn needs_sync(&self, key: &Key) -> bool {
        self.tallies.get(key).is_none_or(|t| !t.flushing && t.synced_at.is_none_or(|at| at.elapsed() >= self.interval))
    }

    fn has_pending_from_another_day(&self, key: &Key, today: &str) -> bool {
        self.tallies.get(key).is_some_and(|t| t.pending > 0 && t.pending_day != today)
    }

    async fn sync(&self, key: &Key) -> Result<(), sqlx::Error> {
        let record = store::load(&self.db, &key.0, &key.1).await?.unwrap_or_default();
        let mut tally = self.tallies.entry(key.clone()).or_default();
        tally.synced = record;
        tally.synced_at = Some(Instant::now());
        Ok(())
    }

    /// Writes every pending visit; failed writes stay pending (nothing is
    /// lost while the database is away).
    pub async fn flush(&self) {
        let keys: Vec<Key> = self.tallies.iter().filter(|t| t.pending > 0).map(|t| t.key().clone()).collect();
        for key in keys {
            if let Err(error) = self.flush_one(&key).await {
                tracing::warn!(%error, site = %key.0, name = %key.1, "could not flush a counter; will retry");
            }
        }
    }

    async fn flush_one(&self, key: &Key) -> Result<(), sqlx::Error> {
        let batch = match self.tallies.get_mut(key) {
            Some(mut t) if t.pending > 0 && !t.flushing => {
                t.flushing = true;
                (t.pending, t.pending_day.clone(), t.last_visit)
            }
            _ => return Ok(()),
        };
        let (pending, day, last_visit) = batch;
        let written = store::add(&self.db, &key.0, &key.1, pending, &day, last_visit).await;
        if let Some(mut tally) = self.tallies.get_mut(key) {
            tally.flushing = false;
            if let Ok(record) = &written {
                // Visits counted while the write was in flight stay pending.
                tally.pending -= pending.min(tally.pending);
                tally.synced = record.clone();
                tally.synced_at = Some(Instant::now());
            }
        }
        written.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_adds_pending_visits_and_resets_daily_on_a_new_day() {
        let tally = Tally {
            synced: Record { total: 10, daily: 4, day: "2026-01-01".into(), updated_at: 5 },
            synced_at: None,
            pending: 2,
            pending_day: "2026-01-01".into(),
            last_visit: 9,
            flushing: false,
        };
        let same_day = tally.view("2026-01-01");
        assert_eq!((same_day.total, same_day.daily, same_day.updated_at), (12, 6, 9));
        let next_day = tally.view("2026-01-02");
        assert_eq!((next_day.total, next_day.daily, next_day.day.as_str()), (12, 0, "2026-01-02"));
    }
}

//! Counting visits in memory, exactly, and writing them in batches.
//!
//! A counted visit is a map update, not a database write. Every
//! `counter.flush_interval_ms` (and on shutdown) each replica adds its
//! pending visits to the database, learning the combined totals. On one
//! node the shown count is exact; with several replicas each re-reads a
//! counter once its copy is older than one interval, so a shown value lags
//! other replicas' visits by at most about one interval, and totals are exact
//! once flushed.
//!
//! Memory is bounded: a read of a counter that does not exist keeps nothing,
//! and after each flush counters with nothing pending that were not touched
//! for `counter.cache_idle_secs` are forgotten (the database has them). Past
//! `counter.max_cached_counters` every flushed counter is forgotten at once.
//! Only counters with visits not yet written are always kept: at most what
//! one flush interval brings in.

use std::time::{Duration, Instant};

use super::store::{self, Record};
use crate::batch::{Batched, Entry, Ledger, Pending};
use crate::clock::Clock;
use crate::store::Db;

type Key = (String, String);

/// One counter as this replica sees it: the stored record plus visits not
/// yet written.
type Tally = Entry<Record, ()>;

/// The record including this replica's unflushed visits, as of `today`.
fn view(tally: &Tally, today: &str) -> Record {
    let mut record = tally.synced.clone();
    if record.day != today {
        record.daily = 0;
        record.day = today.to_string();
    }
    record.total += tally.pending.count;
    if tally.pending.day == today {
        record.daily += tally.pending.count;
    }
    record.updated_at = record.updated_at.max(tally.pending.last_at);
    record
}

/// Counters in the database, keyed by (site, name).
struct Counters(Db);

impl Ledger for Counters {
    type Key = Key;
    type Stored = Record;

    async fn load(&self, (site, name): &Key, _day: &str) -> Result<Option<Record>, sqlx::Error> {
        store::load(&self.0, site, name).await
    }

    async fn add(&self, (site, name): &Key, batch: &Pending) -> Result<Record, sqlx::Error> {
        store::add(&self.0, site, name, batch.count, &batch.day, batch.last_at).await
    }
}

/// How many counters are kept in memory, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    pub idle: Duration,
    pub max_counters: usize,
}

pub struct Tallies {
    clock: Clock,
    retention: Retention,
    tallies: Batched<Counters>,
}

impl Tallies {
    pub fn new(db: Db, clock: Clock, interval: Duration, retention: Retention) -> Self {
        Self { clock, retention, tallies: Batched::new(Counters(db), interval) }
    }

    pub fn interval(&self) -> Duration {
        self.tallies.interval()
    }

    /// Counts one visit (or only reads, when `increment` is false) and returns
    /// the counter as it stands afterwards.
    pub async fn visit(&self, site: &str, name: &str, increment: bool) -> Result<Record, sqlx::Error> {
        let now_ms = self.clock.now().timestamp_millis();
        self.visit_on(site, name, increment, &self.clock.day(), now_ms).await
    }

    /// [`Self::visit`] on a given day and instant: tests step the calendar
    /// here instead of waiting for midnight.
    async fn visit_on(
        &self,
        site: &str,
        name: &str,
        increment: bool,
        today: &str,
        now_ms: i64,
    ) -> Result<Record, sqlx::Error> {
        let key = (site.to_string(), name.to_string());
        if self.tallies.needs_sync(&key, |_| false) {
            let known = self.tallies.sync(&key, today, increment).await?;
            if !known {
                // Nobody ever counted a visit here: answer zeros, keep nothing.
                return Ok(view(&Tally::default(), today));
            }
        }
        if increment && self.tallies.has_pending_from_another_day(&key, today) {
            // Yesterday's visits must reach the database as yesterday's.
            self.tallies.flush_one(&key).await?;
        }
        Ok(self.tallies.update(key, |tally| {
            tally.seen = Some(Instant::now());
            if increment {
                tally.count(today, now_ms);
            }
            view(tally, today)
        }))
    }

    /// Writes every pending visit; failed writes stay pending (nothing is
    /// lost while the database is away).
    pub async fn flush(&self) {
        self.tallies.flush().await;
        self.forget_idle();
    }

    /// Drops counters whose visits are all written and that nobody looked at
    /// for a while; past the cap, every such counter. Unwritten visits are
    /// never dropped.
    fn forget_idle(&self) {
        let idle = self.retention.idle;
        self.tallies.retain(|t| t.seen.is_some_and(|seen| seen.elapsed() < idle));
        if self.tallies.len() > self.retention.max_counters {
            tracing::info!(counters = self.tallies.len(), "counter cache over its cap; forgetting written counters");
            self.tallies.retain(|_| false);
        }
    }

    /// Counters held in memory now.
    pub fn len(&self) -> usize {
        self.tallies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tallies.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_adds_pending_visits_and_resets_daily_on_a_new_day() {
        let mut tally = Tally::default();
        tally.count("2026-01-01", 8);
        tally.count("2026-01-01", 9);
        tally.synced = Record { total: 10, daily: 4, day: "2026-01-01".into(), updated_at: 5 };
        assert_eq!(tally.pending, Pending { count: 2, day: "2026-01-01".into(), last_at: 9 });
        let same_day = view(&tally, "2026-01-01");
        assert_eq!((same_day.total, same_day.daily, same_day.updated_at), (12, 6, 9));
        let next_day = view(&tally, "2026-01-02");
        assert_eq!((next_day.total, next_day.daily, next_day.day.as_str()), (12, 0, "2026-01-02"));
    }
}

#[cfg(test)]
mod retention_tests {
    use super::*;

    async fn tallies(retention: Retention) -> (Tallies, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(None, dir.path()).await.unwrap();
        let clock = Clock::new(chrono_tz::UTC, 0);
        (Tallies::new(db, clock, Duration::from_millis(1000), retention), dir)
    }

    const KEEP: Retention = Retention { idle: Duration::from_secs(3600), max_counters: 1000 };

    #[tokio::test]
    async fn reading_counters_that_do_not_exist_keeps_nothing() {
        let (tallies, _dir) = tallies(KEEP).await;
        for n in 0..500 {
            let record = tallies.visit("example.com", &format!("made-up-{n}"), false).await.unwrap();
            assert_eq!(record.total, 0);
        }
        assert_eq!(tallies.len(), 0);
    }

    #[tokio::test]
    async fn written_idle_counters_are_forgotten_and_read_back() {
        let (tallies, _dir) = tallies(Retention { idle: Duration::ZERO, ..KEEP }).await;
        for n in 0..50 {
            tallies.visit("example.com", &format!("page-{n}"), true).await.unwrap();
        }
        tallies.visit("example.com", "page-0", true).await.unwrap();
        assert_eq!(tallies.len(), 50);
        tallies.flush().await;
        assert_eq!(tallies.len(), 0, "flushed and idle: nothing kept");
        let record = tallies.visit("example.com", "page-0", false).await.unwrap();
        assert_eq!(record.total, 2, "read back from the database");
        assert_eq!(tallies.len(), 1, "an existing counter that is read is cached");
    }

    /// Midnight, simulated: visits on one day, then the next, in one running
    /// replica that has not flushed in between.
    #[tokio::test]
    async fn a_running_replica_crosses_midnight() {
        for test in crate::store::testing::every_engine().await {
            let clock = Clock::new(chrono_tz::UTC, 0);
            let tallies = Tallies::new(test.db.clone(), clock, Duration::from_secs(3600), KEEP);
            for _ in 0..2 {
                tallies.visit_on("example.com", "night", true, "2026-01-01", 1).await.unwrap();
            }
            let after = tallies.visit_on("example.com", "night", true, "2026-01-02", 2).await.unwrap();
            assert_eq!((after.day.as_str(), after.daily, after.total), ("2026-01-02", 1, 3), "{:?}", test.db.engine);
            let stored = store::load(&test.db, "example.com", "night").await.unwrap().unwrap();
            assert_eq!(
                (stored.day.as_str(), stored.daily),
                ("2026-01-01", 2),
                "yesterday's visits went as yesterday's"
            );
            tallies.flush().await;
            let stored = store::load(&test.db, "example.com", "night").await.unwrap().unwrap();
            assert_eq!((stored.day.as_str(), stored.daily, stored.total), ("2026-01-02", 1, 3));
        }
    }

    #[tokio::test]
    async fn past_the_cap_written_counters_go_but_unwritten_visits_stay() {
        let (tallies, _dir) = tallies(Retention { max_counters: 10, ..KEEP }).await;
        for n in 0..30 {
            tallies.visit("example.com", &format!("page-{n}"), true).await.unwrap();
        }
        tallies.flush().await;
        assert_eq!(tallies.len(), 0);
        for n in 0..30 {
            tallies.visit("example.com", &format!("page-{n}"), true).await.unwrap();
        }
        tallies.forget_idle();
        assert_eq!(tallies.len(), 30, "pending visits are never dropped");
        tallies.flush().await;
        let record = tallies.visit("example.com", "page-29", false).await.unwrap();
        assert_eq!(record.total, 2);
    }
}

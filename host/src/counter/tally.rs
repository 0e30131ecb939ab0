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
    /// The last visit or read, for forgetting idle counters.
    seen: Option<Instant>,
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

/// How many counters are kept in memory, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    pub idle: Duration,
    pub max_counters: usize,
}

pub struct Tallies {
    db: Db,
    clock: Clock,
    interval: Duration,
    retention: Retention,
    tallies: DashMap<Key, Tally, foldhash::fast::RandomState>,
}

impl Tallies {
    pub fn new(db: Db, clock: Clock, interval: Duration, retention: Retention) -> Self {
        let tallies = DashMap::with_hasher(foldhash::fast::RandomState::default());
        Self { db, clock, interval, retention, tallies }
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
            let known = self.sync(&key, increment).await?;
            if !known {
                // Nobody ever counted a visit here: answer zeros, keep nothing.
                return Ok(Tally::default().view(&today));
            }
        }
        if increment && self.has_pending_from_another_day(&key, &today) {
            // Yesterday's visits must reach the database as yesterday's.
            self.flush_one(&key).await?;
        }
        let mut tally = self.tallies.entry(key).or_default();
        tally.seen = Some(Instant::now());
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

    /// Learns the stored record. Returns whether the counter exists (in the
    /// database or in memory); a read-only look at one that does not is not
    /// remembered, so reads of made-up names cost no memory.
    async fn sync(&self, key: &Key, increment: bool) -> Result<bool, sqlx::Error> {
        let stored = store::load(&self.db, &key.0, &key.1).await?;
        if stored.is_none() && !increment && !self.tallies.contains_key(key) {
            return Ok(false);
        }
        let mut tally = self.tallies.entry(key.clone()).or_default();
        tally.synced = stored.unwrap_or_default();
        tally.synced_at = Some(Instant::now());
        Ok(true)
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
        self.forget_idle();
    }

    /// Drops counters whose visits are all written and that nobody looked at
    /// for a while; past the cap, every such counter. Unwritten visits are
    /// never dropped.
    fn forget_idle(&self) {
        let idle = self.retention.idle;
        let written = |t: &Tally| t.pending == 0 && !t.flushing;
        self.tallies.retain(|_, t| !written(t) || t.seen.is_some_and(|seen| seen.elapsed() < idle));
        if self.tallies.len() > self.retention.max_counters {
            tracing::info!(counters = self.tallies.len(), "counter cache over its cap; forgetting written counters");
            self.tallies.retain(|_, t| !written(t));
        }
    }

    /// Counters held in memory now.
    pub fn len(&self) -> usize {
        self.tallies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tallies.is_empty()
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
            seen: None,
        };
        let same_day = tally.view("2026-01-01");
        assert_eq!((same_day.total, same_day.daily, same_day.updated_at), (12, 6, 9));
        let next_day = tally.view("2026-01-02");
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

//! Count in memory, reconcile with the database in batches: the one way
//! Waymark keeps hot counters (counter tallies, daily metering usage, and
//! next analytics rollups and link clicks).
//!
//! A [`Batched`] map holds, per key, what the database had at the last sync
//! (`synced`), what this replica counted since (`pending`, all on one day),
//! and whatever else the product keeps beside it (`extra`). Counting is a map
//! update. [`Batched::flush`] (every interval, and once more on shutdown)
//! adds each pending batch to the database through the product's [`Ledger`]
//! and learns the combined value, which includes other replicas' flushes. A
//! copy older than one interval is re-read ([`Batched::needs_sync`]), so
//! several replicas on one PostgreSQL agree within about one interval.
//! Failed writes stay pending: nothing is lost while the database is away.
//!
//! Memory is the product's call: [`Batched::retain`] after a flush drops
//! what it no longer needs; entries with unwritten counts must be kept
//! ([`Entry::is_written`]).

use std::future::Future;
use std::hash::Hash;
use std::time::{Duration, Instant};

use dashmap::DashMap;

/// Counts not yet written, all from one day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pending {
    pub count: u64,
    /// The calendar day they were counted on ([`crate::clock::Clock::day`]).
    pub day: String,
    /// Unix milliseconds of the last count.
    pub last_at: i64,
}

/// Where a product's batches go: its repository, seen through one key type.
pub trait Ledger: Send + Sync + 'static {
    type Key: Hash + Eq + Clone + Send + Sync + 'static;
    /// What the database holds for a key (and returns after an add).
    type Stored: Clone + Default + Send + Sync + 'static;

    /// The stored value on `day`, or `None` if the key was never written.
    fn load(
        &self,
        key: &Self::Key,
        day: &str,
    ) -> impl Future<Output = Result<Option<Self::Stored>, sqlx::Error>> + Send;

    /// Adds a batch and returns the combined stored value.
    fn add(&self, key: &Self::Key, batch: &Pending) -> impl Future<Output = Result<Self::Stored, sqlx::Error>> + Send;
}

/// One key as this replica sees it.
#[derive(Debug, Clone, Default)]
pub struct Entry<S, X> {
    /// What the database held at the last sync or flush.
    pub synced: S,
    synced_at: Option<Instant>,
    pub pending: Pending,
    /// A flush of this key is in flight: a sync now could count the flushed
    /// batch twice (in the database and still pending).
    flushing: bool,
    /// The last count or read, for forgetting idle keys.
    pub seen: Option<Instant>,
    /// What the product keeps beside the counts (metering: rate windows).
    pub extra: X,
}

impl<S, X> Entry<S, X> {
    /// Nothing here is waiting to be written.
    pub fn is_written(&self) -> bool {
        self.pending.count == 0 && !self.flushing
    }

    /// Counts one more on `day` at `at` (Unix milliseconds).
    pub fn count(&mut self, day: &str, at: i64) {
        self.pending.count += 1;
        if self.pending.day != day {
            self.pending.day = day.to_string();
        }
        self.pending.last_at = at;
    }
}

/// A concurrent map of batched counters over one [`Ledger`].
pub struct Batched<L: Ledger, X = ()> {
    ledger: L,
    interval: Duration,
    entries: DashMap<L::Key, Entry<L::Stored, X>, foldhash::fast::RandomState>,
}

impl<L: Ledger, X: Default + Send + Sync + 'static> Batched<L, X> {
    pub fn new(ledger: L, interval: Duration) -> Self {
        Self { ledger, interval, entries: DashMap::with_hasher(foldhash::fast::RandomState::default()) }
    }

    /// How often [`Self::flush`] should run, and how old a synced copy may get.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Whether `key` should be re-read before use: unknown here, older than
    /// one interval, or `stale` says so (say, synced on another day). Never
    /// while a flush of it is in flight.
    pub fn needs_sync(&self, key: &L::Key, stale: impl Fn(&L::Stored) -> bool) -> bool {
        self.entries.get(key).is_none_or(|e| {
            !e.flushing && (e.synced_at.is_none_or(|at| at.elapsed() >= self.interval) || stale(&e.synced))
        })
    }

    /// Learns the stored value of `key` on `day`. Returns whether the key
    /// exists (stored or in memory); with `keep_unknown` false, a key that
    /// does not is not remembered, so reads of made-up keys cost no memory.
    pub async fn sync(&self, key: &L::Key, day: &str, keep_unknown: bool) -> Result<bool, sqlx::Error> {
        let stored = self.ledger.load(key, day).await?;
        if stored.is_none() && !keep_unknown && !self.entries.contains_key(key) {
            return Ok(false);
        }
        let mut entry = self.entries.entry(key.clone()).or_default();
        entry.synced = stored.unwrap_or_default();
        entry.synced_at = Some(Instant::now());
        Ok(true)
    }

    /// Whether `key` holds counts from a day other than `day`, which must
    /// reach the database as that day's before today's are counted.
    pub fn has_pending_from_another_day(&self, key: &L::Key, day: &str) -> bool {
        self.entries.get(key).is_some_and(|e| e.pending.count > 0 && e.pending.day != day)
    }

    /// Runs `f` on the entry for `key`, creating it if needed.
    pub fn update<R>(&self, key: L::Key, f: impl FnOnce(&mut Entry<L::Stored, X>) -> R) -> R {
        f(&mut self.entries.entry(key).or_default())
    }

    /// Runs `f` on the entry for `key` if there is one.
    pub fn peek<R>(&self, key: &L::Key, f: impl FnOnce(&Entry<L::Stored, X>) -> R) -> Option<R> {
        self.entries.get(key).map(|e| f(&e))
    }

    /// Writes every pending batch. Returns how many writes failed (they stay
    /// pending for the next flush).
    pub async fn flush(&self) -> usize {
        let keys: Vec<L::Key> = self.entries.iter().filter(|e| e.pending.count > 0).map(|e| e.key().clone()).collect();
        let mut failed = 0;
        for key in keys {
            if let Err(error) = self.flush_one(&key).await {
                tracing::warn!(%error, "could not flush a batch; will retry");
                failed += 1;
            }
        }
        failed
    }

    /// Writes the pending batch of one key, if any and none is in flight.
    pub async fn flush_one(&self, key: &L::Key) -> Result<(), sqlx::Error> {
        let batch = match self.entries.get_mut(key) {
            Some(mut e) if e.pending.count > 0 && !e.flushing => {
                e.flushing = true;
                e.pending.clone()
            }
            _ => return Ok(()),
        };
        let written = self.ledger.add(key, &batch).await;
        if let Some(mut entry) = self.entries.get_mut(key) {
            entry.flushing = false;
            if let Ok(stored) = &written {
                // Counts made while the write was in flight stay pending.
                entry.pending.count -= batch.count.min(entry.pending.count);
                entry.synced = stored.clone();
                entry.synced_at = Some(Instant::now());
            }
        }
        written.map(|_| ())
    }

    /// Keeps only the entries `keep` says to, and always those with counts
    /// not yet written.
    pub fn retain(&self, keep: impl Fn(&Entry<L::Stored, X>) -> bool) {
        self.entries.retain(|_, e| !e.is_written() || keep(e));
    }

    /// Keys held in memory now.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    /// A ledger in memory that can be told to fail, standing in for a
    /// database shared by replicas.
    #[derive(Default)]
    struct Memory {
        rows: Mutex<std::collections::HashMap<String, u64>>,
        down: AtomicBool,
    }

    impl Ledger for std::sync::Arc<Memory> {
        type Key = String;
        type Stored = u64;

        async fn load(&self, key: &String, _day: &str) -> Result<Option<u64>, sqlx::Error> {
            Ok(self.rows.lock().unwrap().get(key).copied())
        }

        async fn add(&self, key: &String, batch: &Pending) -> Result<u64, sqlx::Error> {
            if self.down.load(Ordering::Relaxed) {
                return Err(sqlx::Error::PoolTimedOut);
            }
            let mut rows = self.rows.lock().unwrap();
            let total = rows.entry(key.clone()).or_default();
            *total += batch.count;
            Ok(*total)
        }
    }

    fn replica(db: &std::sync::Arc<Memory>) -> Batched<std::sync::Arc<Memory>> {
        Batched::new(db.clone(), Duration::ZERO)
    }

    #[tokio::test]
    async fn replicas_add_up_and_failed_writes_stay_pending() {
        let db = std::sync::Arc::new(Memory::default());
        let (a, b) = (replica(&db), replica(&db));
        let key = "k".to_string();
        for _ in 0..3 {
            a.update(key.clone(), |e| e.count("2026-01-01", 1));
        }
        b.update(key.clone(), |e| e.count("2026-01-01", 2));
        db.down.store(true, Ordering::Relaxed);
        assert_eq!(a.flush().await, 1);
        assert_eq!(a.peek(&key, |e| e.pending.count), Some(3), "kept while the database is away");
        db.down.store(false, Ordering::Relaxed);
        assert_eq!(a.flush().await + b.flush().await, 0);
        assert_eq!(b.peek(&key, |e| e.synced), Some(4), "b learns a's flush too");
        assert!(a.needs_sync(&key, |_| false), "a zero interval makes every copy stale");
        assert!(a.sync(&key, "2026-01-01", false).await.unwrap());
        assert_eq!(a.peek(&key, |e| e.synced), Some(4));
    }

    #[tokio::test]
    async fn unknown_keys_are_not_kept_and_unwritten_counts_survive_retain() {
        let db = std::sync::Arc::new(Memory::default());
        let batched = replica(&db);
        assert!(!batched.sync(&"nobody".to_string(), "2026-01-01", false).await.unwrap());
        assert!(batched.is_empty());
        batched.update("x".to_string(), |e| e.count("2026-01-01", 1));
        batched.update("y".to_string(), |_| ());
        batched.retain(|_| false);
        assert_eq!(batched.len(), 1, "only the unwritten count is kept");
        assert!(batched.has_pending_from_another_day(&"x".to_string(), "2026-01-02"));
    }
}

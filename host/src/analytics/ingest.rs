//! Events on their way to the database: acknowledged at once (with their
//! id), written in batches.
//!
//! An accepted event waits in a bounded buffer; every
//! `analytics.flush_interval_ms` (and on shutdown) the buffer is written in
//! one transaction of multi-row inserts. Ingest never waits for the
//! database: event ids come from blocks that the writer reserves inside
//! its own transaction, ahead of need (see [`IdBlocks`]). A full
//! buffer refuses new events (503 with `Retry-After`) instead of growing;
//! a failed write keeps its events for the next flush. A crash loses at
//! most the events accepted since the last flush.

use std::sync::Mutex;
use std::time::Duration;

use super::event::Event;
use super::rollup::tally::date_key;
use super::store::{events as store, rollups};
use crate::clock::Clock;
use crate::store::Db;

/// Fewest ids reserved per database round trip.
pub const ID_BLOCK: i64 = 10_000;

/// The buffer is full: the event was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the event buffer is full; retry shortly")]
pub struct BufferFull;

pub struct Ingest {
    db: Db,
    clock: Clock,
    capacity: usize,
    interval: Duration,
    pending: Mutex<Vec<Event>>,
    ids: Mutex<IdBlocks>,
    /// Held while reserving ids outside a flush (at start, or when a burst
    /// outran the blocks), so concurrent events make one round trip.
    reserving: tokio::sync::Mutex<()>,
    /// When the rollups' bookkeeping was last pruned.
    pruned: Mutex<Option<std::time::Instant>>,
    /// Events waiting that ask for a write before the interval ends
    /// (`analytics.flush_batch_events`; 0: never).
    batch: usize,
    /// Woken when `batch` events wait.
    early: tokio::sync::Notify,
}

/// The ids this replica may still hand out: reserved blocks `start..end`,
/// oldest first.
///
/// Reserving takes the database's write lock, which the batch writer holds
/// for a whole flush: an event that had to reserve its own id would wait
/// for the flush. So the writer tops the blocks up in its transaction
/// (enough for twice the batch it just wrote) and events take ids from
/// memory; only the first events, or a burst beyond that, reserve inline.
#[derive(Debug, Default)]
struct IdBlocks {
    blocks: std::collections::VecDeque<(i64, i64)>,
}

impl IdBlocks {
    fn take(&mut self) -> Option<i64> {
        while let Some((start, end)) = self.blocks.front_mut() {
            if start < end {
                let id = *start;
                *start += 1;
                return Some(id);
            }
            self.blocks.pop_front();
        }
        None
    }

    fn available(&self) -> i64 {
        self.blocks.iter().map(|(start, end)| end - start).sum()
    }

    fn add(&mut self, first: i64, count: i64) {
        self.blocks.push_back((first, first + count));
    }
}

/// How often old seen sets and closed sessions are deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

impl Ingest {
    /// A buffer of `capacity` events, written every `interval` and as soon
    /// as `batch` wait (0: only on the interval).
    pub fn new(db: Db, clock: Clock, capacity: usize, interval: Duration, batch: usize) -> Self {
        Self {
            db,
            clock,
            capacity,
            interval,
            pending: Mutex::new(Vec::new()),
            ids: Mutex::new(IdBlocks::default()),
            reserving: tokio::sync::Mutex::new(()),
            pruned: Mutex::new(None),
            batch,
            early: tokio::sync::Notify::new(),
        }
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Resolves once enough is pending to flush before the interval ends
    /// (the flush loop waits for this or its tick, whichever is first).
    pub async fn wants_flush(&self) {
        self.early.notified().await;
    }

    /// The next id for an event, unique across replicas.
    pub async fn next_id(&self) -> Result<i64, sqlx::Error> {
        if let Some(id) = self.ids().take() {
            return Ok(id);
        }
        let _turn = self.reserving.lock().await;
        if let Some(id) = self.ids().take() {
            return Ok(id);
        }
        let first = store::reserve_ids(&mut *self.db.pool.acquire().await?, ID_BLOCK).await?;
        let mut ids = self.ids();
        ids.add(first, ID_BLOCK);
        Ok(ids.take().unwrap_or(first))
    }

    fn ids(&self) -> std::sync::MutexGuard<'_, IdBlocks> {
        // Every change to the blocks is a single push or pop: a panic
        // cannot leave them half-changed.
        self.ids.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, Vec<Event>> {
        // A panic while holding the lock cannot leave the vector invalid.
        self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues `event` for the next flush, or refuses it when the buffer is full.
    pub fn accept(&self, event: Event) -> Result<(), BufferFull> {
        let mut pending = self.pending();
        if pending.len() >= self.capacity {
            return Err(BufferFull);
        }
        pending.push(event);
        if pending.len() == self.batch {
            self.early.notify_one();
        }
        Ok(())
    }

    /// Drops the site's buffered events (its stats were cleared, or it was
    /// deleted).
    pub fn discard_site(&self, site_id: i64) {
        self.pending().retain(|event| event.site_id != site_id);
    }

    /// Events accepted and not yet written.
    pub fn buffered(&self) -> usize {
        self.pending().len()
    }

    /// Writes every buffered event. On failure they go back to the front of
    /// the buffer (even past its capacity: accepted events are never
    /// dropped) and the next flush tries again.
    pub async fn flush(&self) {
        let batch = std::mem::take(&mut *self.pending());
        if batch.is_empty() {
            return;
        }
        let mut batch = batch;
        if let Err(error) = self.write(&batch).await {
            // A site deleted (on any replica) after its events were accepted
            // fails the whole batch: its events go, as the deletion meant,
            // and the rest is written.
            let site_gone = error.as_database_error().is_some_and(|e| e.is_foreign_key_violation());
            if site_gone && self.drop_deleted_sites(&mut batch).await && self.write(&batch).await.is_ok() {
                return;
            }
            tracing::warn!(%error, events = batch.len(), "writing analytics events failed; kept for the next flush");
            let mut pending = self.pending();
            let newer = std::mem::replace(&mut *pending, batch);
            pending.extend(newer);
        }
        self.prune_now_and_then().await;
    }

    /// Writes the events and what they add to the rollups, in one
    /// transaction: both or neither.
    async fn write(&self, batch: &[Event]) -> Result<(), sqlx::Error> {
        if batch.is_empty() {
            return Ok(());
        }
        let started = std::time::Instant::now();
        let mut tx = self.db.pool.begin().await?;
        rollups::lock_writers(&mut tx, self.db.engine).await?;
        let locked = started.elapsed();
        store::insert(&mut tx, batch).await?;
        let inserted = started.elapsed();
        rollups::apply(&mut tx, batch, self.clock.tz()).await?;
        let rolled_up = started.elapsed();
        let wanted = 2 * i64::try_from(batch.len()).unwrap_or(i64::MAX / 4);
        let top_up = match self.ids().available() {
            available if available < wanted => Some(wanted.max(ID_BLOCK)),
            _ => None,
        };
        let reserved = match top_up {
            Some(count) => Some((store::reserve_ids(&mut tx, count).await?, count)),
            None => None,
        };
        tx.commit().await?;
        if let Some((first, count)) = reserved {
            self.ids().add(first, count);
        }
        tracing::debug!(
            events = batch.len(),
            lock_ms = locked.as_millis(),
            events_ms = (inserted - locked).as_millis(),
            rollups_ms = (rolled_up - inserted).as_millis(),
            total_ms = started.elapsed().as_millis(),
            "analytics batch written"
        );
        Ok(())
    }

    /// Deletes, once an hour, the seen sets of days before yesterday (no
    /// event can still arrive for them) and sessions idle for a day.
    async fn prune_now_and_then(&self) {
        {
            let mut pruned = self.pruned.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if pruned.is_some_and(|at| at.elapsed() < PRUNE_EVERY) {
                return;
            }
            *pruned = Some(std::time::Instant::now());
        }
        let before_day = date_key(self.clock.today() - chrono::Duration::days(2));
        let idle_since = self.clock.now().timestamp_millis() - 24 * 3600 * 1000;
        if let Err(error) = rollups::prune(&self.db, before_day, idle_since).await {
            tracing::warn!(%error, "pruning analytics bookkeeping failed; retried next hour");
        }
    }

    /// Removes events of sites that no longer exist; `true` if the check ran.
    async fn drop_deleted_sites(&self, batch: &mut Vec<Event>) -> bool {
        let mut ids: Vec<i64> = batch.iter().map(|e| e.site_id).collect();
        ids.sort_unstable();
        ids.dedup();
        match store::existing_sites(&self.db, &ids).await {
            Ok(existing) => {
                let before = batch.len();
                batch.retain(|e| existing.contains(&e.site_id));
                tracing::info!(dropped = before - batch.len(), "events of deleted sites dropped");
                true
            }
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::store::{events, sites};
    use crate::store::testing;

    fn utc() -> Clock {
        Clock::new(chrono_tz::UTC, 0)
    }

    #[tokio::test]
    async fn accepted_events_are_written_once_and_a_full_buffer_refuses() {
        let test = testing::sqlite().await;
        let db = &test.db;
        let owner = testing::user(db, "alice").await;
        let site = sites::insert(db, owner, "s", "s.example", "tid-ingest-00001", 0).await.unwrap();
        let ingest = Ingest::new(db.clone(), utc(), 3, Duration::from_secs(1), 0);
        for at in 0..3 {
            let id = ingest.next_id().await.unwrap();
            ingest.accept(Event { id, site_id: site.id, created_at: at, ..Event::default() }).unwrap();
        }
        let extra = Event { id: ingest.next_id().await.unwrap(), site_id: site.id, ..Event::default() };
        assert_eq!(ingest.accept(extra.clone()), Err(BufferFull));
        ingest.flush().await;
        assert_eq!(ingest.buffered(), 0);
        ingest.accept(extra).unwrap();
        ingest.flush().await;
        ingest.flush().await;
        let (_, total) = events::page(db, site.id, &events::Filter::default(), 10, 0).await.unwrap();
        assert_eq!(total, 4);
    }

    #[test]
    fn id_blocks_hand_out_each_id_once_in_order() {
        let mut blocks = IdBlocks::default();
        assert_eq!(blocks.take(), None);
        blocks.add(10, 2);
        blocks.add(50, 1);
        assert_eq!(blocks.available(), 3);
        assert_eq!([blocks.take(), blocks.take(), blocks.take(), blocks.take()], [Some(10), Some(11), Some(50), None]);
    }

    #[tokio::test]
    async fn the_writer_reserves_ids_ahead_so_events_need_no_round_trip() {
        let test = testing::sqlite().await;
        let db = &test.db;
        let owner = testing::user(db, "alice").await;
        let site = sites::insert(db, owner, "s", "s.example", "tid-ingest-00005", 0).await.unwrap();
        let ingest = Ingest::new(db.clone(), utc(), 100, Duration::from_secs(1), 0);
        let first = ingest.next_id().await.unwrap();
        for _ in 1..ID_BLOCK {
            ingest.next_id().await.unwrap();
        }
        assert_eq!(ingest.ids().available(), 0, "the first block is used up");
        ingest.accept(Event { id: first, site_id: site.id, ..Event::default() }).unwrap();
        ingest.flush().await;
        assert_eq!(ingest.ids().available(), ID_BLOCK, "the flush reserved the next block");
        let next = ingest.next_id().await.unwrap();
        assert!(next >= first + ID_BLOCK, "a new block, not a reused id: {next}");
    }

    #[tokio::test]
    async fn a_full_batch_asks_for_a_flush() {
        let test = testing::sqlite().await;
        let ingest = Ingest::new(test.db.clone(), utc(), 8, Duration::from_secs(3600), 2);
        ingest.accept(Event::default()).unwrap();
        let asked = tokio::time::timeout(Duration::from_millis(50), ingest.wants_flush()).await;
        assert!(asked.is_err(), "one is not a batch of two");
        ingest.accept(Event::default()).unwrap();
        tokio::time::timeout(Duration::from_secs(10), ingest.wants_flush()).await.expect("two are");
    }

    #[tokio::test]
    async fn events_of_a_deleted_site_go_and_the_rest_is_written() {
        let test = testing::sqlite().await;
        let db = &test.db;
        let owner = testing::user(db, "alice").await;
        let kept = sites::insert(db, owner, "k", "k.example", "tid-ingest-00002", 0).await.unwrap();
        let gone = sites::insert(db, owner, "g", "g.example", "tid-ingest-00003", 0).await.unwrap();
        let ingest = Ingest::new(db.clone(), utc(), 10, Duration::from_secs(1), 0);
        for site_id in [kept.id, gone.id, kept.id] {
            ingest.accept(Event { id: ingest.next_id().await.unwrap(), site_id, ..Event::default() }).unwrap();
        }
        sites::delete(db, owner, gone.id).await.unwrap();
        ingest.flush().await;
        assert_eq!(ingest.buffered(), 0);
        assert_eq!(events::page(db, kept.id, &events::Filter::default(), 10, 0).await.unwrap().1, 2);
    }

    #[tokio::test]
    async fn a_failed_write_keeps_the_events_for_the_next_flush() {
        let test = testing::sqlite().await;
        let db = &test.db;
        let owner = testing::user(db, "alice").await;
        let site = sites::insert(db, owner, "s", "s.example", "tid-ingest-00004", 0).await.unwrap();
        let ingest = Ingest::new(db.clone(), utc(), 10, Duration::from_secs(1), 0);
        ingest.accept(Event { id: ingest.next_id().await.unwrap(), site_id: site.id, ..Event::default() }).unwrap();
        // The table is away (as a database that is down would be).
        sqlx::query("ALTER TABLE analytics_events RENAME TO away").execute(&db.pool).await.unwrap();
        ingest.flush().await;
        assert_eq!(ingest.buffered(), 1, "kept");
        ingest.accept(Event { id: ingest.next_id().await.unwrap(), site_id: site.id, ..Event::default() }).unwrap();
        sqlx::query("ALTER TABLE away RENAME TO analytics_events").execute(&db.pool).await.unwrap();
        ingest.flush().await;
        assert_eq!(ingest.buffered(), 0);
        assert_eq!(events::page(db, site.id, &events::Filter::default(), 10, 0).await.unwrap().1, 2);
    }
}

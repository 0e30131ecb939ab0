//! The in-memory meter: fixed windows per (surface, caller), plus daily counts
//! that are reconciled with the database in batches.

use std::net::IpAddr;

use chrono::{DateTime, Utc};

use super::policy::{MeteringConfig, Window};
use super::store::{self, DayUsage};
use crate::batch::{Batched, Entry, Ledger, Pending};
use crate::clock::Clock;
use crate::store::Db;
use crate::surface::Surface;

/// Who a request is counted against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    User(i64),
    Ip(IpAddr),
}

impl Subject {
    fn key(&self) -> String {
        match self {
            Subject::User(id) => format!("user:{id}"),
            Subject::Ip(ip) => format!("ip:{ip}"),
        }
    }

    fn is_anonymous(&self) -> bool {
        matches!(self, Subject::Ip(_))
    }
}

/// What the `X-RateLimit-*` headers report: the window closest to its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub window: Window,
    pub limit: u64,
    pub remaining: u64,
    /// Unix seconds at which the window resets.
    pub reset: i64,
}

/// A refused request: the window that is full and when to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exceeded {
    pub decision: Decision,
    pub retry_after_secs: u64,
}

/// One fixed window's count.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    start: i64,
    count: u64,
}

/// The rate windows of one caller, kept beside its batched daily count.
#[derive(Debug, Clone, Default)]
struct Windows {
    second: Slot,
    minute: Slot,
}

/// One caller: today's count as the database had it at the last sync
/// (`synced`), what this replica admitted since (`pending`), and the windows.
type Counters = Entry<DayUsage, Windows>;

type Key = (Surface, String);

/// Daily usage in the database, keyed by (surface, caller).
struct Usage(Db);

impl Ledger for Usage {
    type Key = Key;
    type Stored = DayUsage;

    async fn load(&self, (surface, subject): &Key, day: &str) -> Result<Option<DayUsage>, sqlx::Error> {
        let count = store::load(&self.0, *surface, subject, day).await?;
        Ok(Some(DayUsage { day: day.to_string(), count }))
    }

    async fn add(&self, (surface, subject): &Key, batch: &Pending) -> Result<DayUsage, sqlx::Error> {
        let count = store::add(&self.0, *surface, subject, &batch.day, batch.count).await?;
        Ok(DayUsage { day: batch.day.clone(), count })
    }
}

/// What a caller used on `day`: flushed by every replica plus pending here.
fn used_on(counters: &Counters, day: &str) -> u64 {
    let synced = if counters.synced.day == day { counters.synced.count } else { 0 };
    let pending = if counters.pending.day == day { counters.pending.count } else { 0 };
    synced + pending
}

/// Window boundaries at one instant.
struct Now {
    second: i64,
    minute: i64,
    day: String,
    day_reset: i64,
}

impl Now {
    fn at(instant: DateTime<Utc>, clock: &Clock) -> Self {
        let second = instant.timestamp();
        Self {
            second,
            minute: second - second.rem_euclid(60),
            day: clock.day_of(instant),
            day_reset: clock.end_of_day(instant).timestamp(),
        }
    }
}

/// Admits one request if every window has room, counting it in all of them.
fn admit(counters: &mut Counters, now: &Now, limits: &[(Window, u64)]) -> Result<Option<Decision>, Exceeded> {
    let used_today = used_on(counters, &now.day);
    let windows = &mut counters.extra;
    if windows.second.start != now.second {
        windows.second = Slot { start: now.second, count: 0 };
    }
    if windows.minute.start != now.minute {
        windows.minute = Slot { start: now.minute, count: 0 };
    }
    let mut tightest: Option<Decision> = None;
    let mut refused: Option<Exceeded> = None;
    for &(window, limit) in limits.iter().filter(|(_, limit)| *limit > 0) {
        let (used, reset) = match window {
            Window::Second => (windows.second.count, now.second + 1),
            Window::Minute => (windows.minute.count, now.minute + 60),
            Window::Day => (used_today, now.day_reset),
        };
        if used >= limit {
            let decision = Decision { window, limit, remaining: 0, reset };
            let retry_after_secs = (reset - now.second).max(1) as u64;
            // When several windows are full, the longest wait is the truth.
            if refused.is_none_or(|r| r.retry_after_secs < retry_after_secs) {
                refused = Some(Exceeded { decision, retry_after_secs });
            }
            continue;
        }
        let decision = Decision { window, limit, remaining: limit - used - 1, reset };
        if tightest.is_none_or(|t| decision.remaining <= t.remaining) {
            tightest = Some(decision);
        }
    }
    if let Some(refused) = refused {
        return Err(refused);
    }
    windows.second.count += 1;
    windows.minute.count += 1;
    counters.count(&now.day, now.second * 1000);
    Ok(tightest)
}

pub struct Meter {
    config: MeteringConfig,
    clock: Clock,
    counters: Batched<Usage, Windows>,
}

impl Meter {
    pub fn new(config: MeteringConfig, clock: Clock, db: Db) -> Self {
        let interval = std::time::Duration::from_millis(config.flush_interval_ms);
        Self { config, clock, counters: Batched::new(Usage(db), interval) }
    }

    pub fn flush_interval(&self) -> std::time::Duration {
        self.counters.interval()
    }

    /// Counts one request. `Ok(None)`: no limit applies (no headers to send).
    pub async fn check(&self, surface: Surface, subject: &Subject) -> Result<Option<Decision>, Exceeded> {
        if !self.config.enabled {
            return Ok(None);
        }
        let limits = self.config.policy(surface).limits(subject.is_anonymous());
        if limits.iter().all(|(_, limit)| *limit == 0) {
            return Ok(None);
        }
        let now = Now::at(self.clock.now(), &self.clock);
        let key = (surface, subject.key());
        let has_daily_limit = limits.iter().any(|&(w, l)| w == Window::Day && l > 0);
        // Yesterday's count goes to yesterday's row before today's starts.
        if self.counters.has_pending_from_another_day(&key, &now.day)
            && let Err(error) = self.counters.flush_one(&key).await
        {
            tracing::warn!(%error, "could not flush yesterday's usage; will retry");
        }
        // Other replicas may have counted since the last sync, or the day
        // turned. On failure the request is still served and the read is
        // retried on the next one: metering must not take the API down.
        if has_daily_limit
            && self.counters.needs_sync(&key, |usage| usage.day != now.day)
            && let Err(error) = self.counters.sync(&key, &now.day, true).await
        {
            tracing::warn!(%error, "could not read daily usage; will retry");
        }
        self.counters.update(key, |counters| admit(counters, &now, &limits))
    }

    /// Adds every caller's unflushed daily count to the database and learns
    /// the combined totals. Failed writes stay pending for the next flush.
    pub async fn flush(&self) {
        self.counters.flush().await;
        self.forget_idle();
    }

    /// Drops callers with nothing left to write who sent nothing for a whole
    /// minute (their second and minute windows are over; today's count is in
    /// the database and is read back if they return), so the map holds
    /// roughly the callers of the last minute, not every IP seen today.
    fn forget_idle(&self) {
        self.forget_idle_at(&Now::at(self.clock.now(), &self.clock));
    }

    fn forget_idle_at(&self, now: &Now) {
        let today = |c: &Counters| c.synced.day == now.day || c.pending.day == now.day;
        self.counters.retain(|c| today(c) && c.extra.minute.start >= now.minute - 60);
    }

    /// Callers held in memory now.
    #[cfg(test)]
    fn callers(&self) -> usize {
        self.counters.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use chrono::TimeZone;

    fn now(second: i64) -> Now {
        Now::at(Utc.timestamp_opt(second, 0).unwrap(), &Clock::new(chrono_tz::UTC, 0))
    }

    #[tokio::test]
    async fn callers_idle_for_a_minute_are_forgotten_once_written() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(None, dir.path()).await.unwrap();
        let clock = Clock::new(chrono_tz::UTC, 0);
        let meter = Meter::new(MeteringConfig::default(), clock, db);
        for n in 0..100u8 {
            let ip = IpAddr::from([198, 51, 100, n]);
            meter.check(Surface::Counter, &Subject::Ip(ip)).await.unwrap();
        }
        assert_eq!(meter.callers(), 100);
        meter.flush().await;
        assert_eq!(meter.callers(), 100, "callers of the last minute are kept");
        let later = Now::at(clock.now() + chrono::Duration::seconds(130), &clock);
        meter.forget_idle_at(&later);
        assert_eq!(meter.callers(), 0);
        // A returning caller's daily count is read back from the database.
        let ip = Subject::Ip(IpAddr::from([198, 51, 100, 7]));
        meter.check(Surface::Counter, &ip).await.unwrap();
        let counts = meter.counters.peek(&(Surface::Counter, ip.key()), |c| (c.synced.count, c.pending.count));
        assert_eq!(counts.unwrap(), (1, 1));
    }

    #[test]
    fn second_window_refuses_then_resets() {
        let mut c = Counters::default();
        let limits = [(Window::Second, 2), (Window::Day, 100)];
        let t = now(1_700_000_000);
        assert_eq!(admit(&mut c, &t, &limits).unwrap().unwrap().remaining, 1);
        assert_eq!(admit(&mut c, &t, &limits).unwrap().unwrap().remaining, 0);
        let refused = admit(&mut c, &t, &limits).unwrap_err();
        assert_eq!(refused.decision.window, Window::Second);
        assert_eq!(refused.retry_after_secs, 1);
        // A refused request is not counted.
        assert_eq!(c.pending.count, 2);
        assert!(admit(&mut c, &now(1_700_000_001), &limits).is_ok());
    }

    #[test]
    fn daily_quota_counts_synced_usage_and_resets_at_midnight() {
        let mut c = Counters::default();
        let t = now(1_700_000_000);
        c.synced = DayUsage { day: t.day.clone(), count: 4 };
        let limits = [(Window::Day, 5)];
        let d = admit(&mut c, &t, &limits).unwrap().unwrap();
        assert_eq!((d.limit, d.remaining), (5, 0));
        let refused = admit(&mut c, &t, &limits).unwrap_err();
        assert_eq!(refused.decision.window, Window::Day);
        assert_eq!(refused.decision.reset, t.day_reset);
        assert_eq!(t.day_reset % 86_400, 0, "UTC midnight");
    }

    #[test]
    fn headers_report_the_tightest_window() {
        let mut c = Counters::default();
        let limits = [(Window::Second, 10), (Window::Minute, 0), (Window::Day, 3)];
        let d = admit(&mut c, &now(1_700_000_000), &limits).unwrap().unwrap();
        assert_eq!((d.window, d.remaining), (Window::Day, 2));
    }

    #[test]
    fn local_midnight_follows_the_time_zone() {
        // 2023-11-14T22:13:20Z is 2023-11-15 06:13:20 in Shanghai (UTC+8).
        let shanghai = Clock::new(chrono_tz::Asia::Shanghai, 0);
        let t = Now::at(Utc.timestamp_opt(1_700_000_000, 0).unwrap(), &shanghai);
        assert_eq!(t.day, "2023-11-15");
        assert_eq!(t.day_reset, 1_700_064_000); // 2023-11-15T16:00:00Z
    }
}

//! The in-memory meter: fixed windows per (surface, caller), plus daily counts
//! that are reconciled with the database in batches.

use std::net::IpAddr;
use std::time::Instant;

use chrono::{DateTime, Utc};
use dashmap::DashMap;

use super::policy::{MeteringConfig, Window};
use super::usage;
use crate::clock::Clock;
use crate::http::Surface;
use crate::store::Db;

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

/// Today's count for one caller: what the database had at the last sync plus
/// what this replica admitted since.
#[derive(Debug, Clone, Default)]
struct DayCount {
    day: String,
    synced: u64,
    pending: u64,
    /// When `synced` was last read from or written to the database; `None`
    /// until the first sync.
    synced_at: Option<Instant>,
}

#[derive(Debug, Clone, Default)]
struct Counters {
    second: Slot,
    minute: Slot,
    day: DayCount,
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
            day: instant.with_timezone(&clock.tz()).format("%Y-%m-%d").to_string(),
            day_reset: clock.end_of_day(instant).timestamp(),
        }
    }
}

impl Counters {
    /// Admits one request if every window has room, counting it in all of them.
    fn admit(&mut self, now: &Now, limits: &[(Window, u64)]) -> Result<Option<Decision>, Exceeded> {
        if self.second.start != now.second {
            self.second = Slot { start: now.second, count: 0 };
        }
        if self.minute.start != now.minute {
            self.minute = Slot { start: now.minute, count: 0 };
        }
        let mut tightest: Option<Decision> = None;
        let mut refused: Option<Exceeded> = None;
        for &(window, limit) in limits.iter().filter(|(_, limit)| *limit > 0) {
            let (used, reset) = match window {
                Window::Second => (self.second.count, now.second + 1),
                Window::Minute => (self.minute.count, now.minute + 60),
                Window::Day => (self.day.synced + self.day.pending, now.day_reset),
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
        self.second.count += 1;
        self.minute.count += 1;
        self.day.pending += 1;
        Ok(tightest)
    }
}

pub struct Meter {
    config: MeteringConfig,
    clock: Clock,
    db: Db,
    counters: DashMap<(Surface, String), Counters>,
}

impl Meter {
    pub fn new(config: MeteringConfig, clock: Clock, db: Db) -> Self {
        Self { config, clock, db, counters: DashMap::new() }
    }

    pub fn flush_interval(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.config.flush_interval_ms)
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
        if has_daily_limit && self.needs_sync(&key, &now.day) {
            self.sync_day(&key, &now.day).await;
        }
        let mut counters = self.counters.entry(key).or_default();
        if counters.day.day != now.day {
            counters.day = DayCount { day: now.day.clone(), ..DayCount::default() };
        }
        counters.admit(&now, &limits)
    }

    /// Whether the database's count for this caller is older than one flush
    /// interval: other replicas may have counted since.
    fn needs_sync(&self, key: &(Surface, String), day: &str) -> bool {
        let interval = self.flush_interval();
        self.counters
            .get(key)
            .is_none_or(|c| c.day.day != day || c.day.synced_at.is_none_or(|at| at.elapsed() >= interval))
    }

    /// Learns what the database holds for today (usage from before a restart
    /// or from other replicas). On failure the request is still served and the
    /// read is retried on the next one: metering must not take the API down.
    async fn sync_day(&self, key: &(Surface, String), day: &str) {
        match usage::load(&self.db, key.0, &key.1, day).await {
            Ok(synced) => {
                let mut counters = self.counters.entry(key.clone()).or_default();
                if counters.day.day != day {
                    counters.day = DayCount { day: day.to_string(), ..DayCount::default() };
                }
                counters.day.synced = synced;
                counters.day.synced_at = Some(Instant::now());
            }
            Err(error) => tracing::warn!(%error, "could not read daily usage; will retry"),
        }
    }

    /// Adds every caller's unflushed daily count to the database and learns
    /// the combined totals. Failed writes stay pending for the next flush.
    pub async fn flush(&self) {
        let batch: Vec<((Surface, String), String, u64)> = self
            .counters
            .iter()
            .filter(|c| c.day.pending > 0)
            .map(|c| (c.key().clone(), c.day.day.clone(), c.day.pending))
            .collect();
        for (key, day, delta) in batch {
            match usage::add(&self.db, key.0, &key.1, &day, delta).await {
                Ok(total) => {
                    if let Some(mut counters) = self.counters.get_mut(&key)
                        && counters.day.day == day
                    {
                        counters.day.pending -= delta.min(counters.day.pending);
                        counters.day.synced = total;
                        counters.day.synced_at = Some(Instant::now());
                    }
                }
                Err(error) => tracing::warn!(%error, "could not flush daily usage; will retry"),
            }
        }
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
        self.counters.retain(|_, c| c.day.pending > 0 || (c.day.day == now.day && c.minute.start >= now.minute - 60));
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
        let counters = meter.counters.get(&(Surface::Counter, ip.key())).unwrap();
        assert_eq!((counters.day.synced, counters.day.pending), (1, 1));
    }

    #[test]
    fn second_window_refuses_then_resets() {
        let mut c = Counters::default();
        let limits = [(Window::Second, 2), (Window::Day, 100)];
        let t = now(1_700_000_000);
        assert_eq!(c.admit(&t, &limits).unwrap().unwrap().remaining, 1);
        assert_eq!(c.admit(&t, &limits).unwrap().unwrap().remaining, 0);
        let refused = c.admit(&t, &limits).unwrap_err();
        assert_eq!(refused.decision.window, Window::Second);
        assert_eq!(refused.retry_after_secs, 1);
        // A refused request is not counted.
        assert_eq!(c.day.pending, 2);
        assert!(c.admit(&now(1_700_000_001), &limits).is_ok());
    }

    #[test]
    fn daily_quota_counts_synced_usage_and_resets_at_midnight() {
        let mut c = Counters::default();
        c.day.synced = 4;
        let limits = [(Window::Day, 5)];
        let t = now(1_700_000_000);
        let d = c.admit(&t, &limits).unwrap().unwrap();
        assert_eq!((d.limit, d.remaining), (5, 0));
        let refused = c.admit(&t, &limits).unwrap_err();
        assert_eq!(refused.decision.window, Window::Day);
        assert_eq!(refused.decision.reset, t.day_reset);
        assert_eq!(t.day_reset % 86_400, 0, "UTC midnight");
    }

    #[test]
    fn headers_report_the_tightest_window() {
        let mut c = Counters::default();
        let limits = [(Window::Second, 10), (Window::Minute, 0), (Window::Day, 3)];
        let d = c.admit(&now(1_700_000_000), &limits).unwrap().unwrap();
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

//! Reports made of rollups: a summary (with week and month figures, an
//! optional comparison, time series and live view) and rankings by any
//! [`Dimension`]. Nothing here reads raw events except the live view,
//! which reads the last five minutes.
//!
//! Definitions (the README repeats them):
//! - `pv`: page views; `event_count`: other events (not the tracker's
//!   engagement beacons);
//! - `uv`: distinct visitors per day (visitor ids turn at midnight UTC, so
//!   a range counts a returning visitor once per day, as Plausible does);
//! - `ip_count`: distinct IPs, exact for one day without bots, else merged
//!   from daily HyperLogLog sketches (±0.81 %);
//! - a session ends after 30 idle minutes and counts on the day it starts;
//!   `bounce_rate`: % of sessions with one page view and nothing else,
//!   one decimal; `avg_duration`: mean seconds from a session's first to
//!   its last event;
//! - week and month: the 7 and 30 days ending on the last day reported.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone};
use chrono_tz::Tz;

use super::error::AnalyticsError;
use super::rollup::dimension::{Dimension, path_of};
use super::rollup::tally::{DayCounts, PAGE_VIEW, date_key};
use super::store::rollups::{self, Span};
use crate::clock::Clock;
use crate::store::Db;

/// Longest period a report covers.
pub const MAX_DAYS: i64 = 400;
/// Longest period an hourly time series covers.
pub const MAX_HOURLY_DAYS: i64 = 31;
/// The live view's window.
pub const REALTIME_MINUTES: i64 = 5;

/// Which days a report covers (inclusive, local days of the server's
/// time zone) and whether bots count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub include_bots: bool,
}

impl Period {
    /// A checked period: `from` not after `to`, at most [`MAX_DAYS`].
    pub fn new(from: NaiveDate, to: NaiveDate, include_bots: bool) -> Result<Self, AnalyticsError> {
        if from > to {
            return Err(AnalyticsError::Invalid(format!("start_date {from} is after end_date {to}")));
        }
        let period = Self { from, to, include_bots };
        if period.days() > MAX_DAYS {
            return Err(AnalyticsError::Invalid(format!(
                "a report covers at most {MAX_DAYS} days, not {}",
                period.days()
            )));
        }
        Ok(period)
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The `days` days ending on this period's last.
    fn ending(&self, days: i64) -> Self {
        Self { from: self.to - Duration::days(days - 1), ..*self }
    }

    /// The period of the same length just before.
    pub fn previous(&self) -> Self {
        let days = Duration::days(self.days());
        Self { from: self.from - days, to: self.to - days, ..*self }
    }

    fn span(&self) -> Span {
        Span { from: date_key(self.from), to: date_key(self.to), include_bots: self.include_bots }
    }
}

/// The headline figures of a period.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    pub pv: i64,
    pub uv: i64,
    pub ip_count: i64,
    pub event_count: i64,
    pub sessions: i64,
    /// Percent, one decimal.
    pub bounce_rate: f64,
    /// Seconds, rounded.
    pub avg_duration: i64,
}

/// Time-series bucket size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Buckets {
    Hour,
    Day,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// Where the bucket starts, in the server's time zone.
    pub start: DateTime<Tz>,
    pub pv: i64,
    pub uv: i64,
    pub sessions: i64,
}

/// Who is on the site now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Realtime {
    pub visitors: i64,
    /// Their most viewed pages (path, views), at most ten.
    pub pages: Vec<(String, i64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub period: Period,
    pub figures: Figures,
    pub week_ip: i64,
    pub week_pv: i64,
    pub month_ip: i64,
    pub month_pv: i64,
    /// (local hour, page views) over the period, hours with views only.
    pub hourly: Vec<(i64, i64)>,
    pub previous: Option<Figures>,
    pub timeseries: Option<Vec<Bucket>>,
    pub realtime: Option<Realtime>,
}

/// What a summary adds to the seed's fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extras {
    pub compare: bool,
    pub timeseries: Option<Buckets>,
    pub realtime: bool,
}

pub struct Reports {
    db: Db,
    clock: Clock,
}

impl Reports {
    pub fn new(db: Db, clock: Clock) -> Self {
        Self { db, clock }
    }

    pub async fn summary(&self, site_id: i64, period: Period, extras: Extras) -> Result<Summary, AnalyticsError> {
        if extras.timeseries == Some(Buckets::Hour) && period.days() > MAX_HOURLY_DAYS {
            return Err(AnalyticsError::Invalid(format!(
                "an hourly time series covers at most {MAX_HOURLY_DAYS} days; use timeseries=day"
            )));
        }
        let figures = self.figures(site_id, period).await?;
        let (week, month) = (period.ending(7), period.ending(30));
        let hours = rollups::hours(&self.db, site_id, period.span()).await?;
        let mut hourly: Vec<(i64, i64)> = Vec::new();
        for (_, hour, counts) in &hours {
            match hourly.iter_mut().find(|(h, _)| h == hour) {
                Some((_, views)) => *views += counts.pageviews,
                None => hourly.push((*hour, counts.pageviews)),
            }
        }
        hourly.retain(|(_, views)| *views > 0);
        hourly.sort_unstable();
        let previous = match extras.compare {
            true => Some(self.figures(site_id, period.previous()).await?),
            false => None,
        };
        let timeseries = match extras.timeseries {
            Some(Buckets::Hour) => Some(self.hour_series(period, &hours)),
            Some(Buckets::Day) => Some(self.day_series(site_id, period).await?),
            None => None,
        };
        let realtime = match extras.realtime {
            true => Some(self.realtime(site_id, period.include_bots).await?),
            false => None,
        };
        Ok(Summary {
            period,
            figures,
            week_ip: self.distinct_ips(site_id, week).await?,
            week_pv: rollups::totals(&self.db, site_id, week.span()).await?.pageviews,
            month_ip: self.distinct_ips(site_id, month).await?,
            month_pv: rollups::totals(&self.db, site_id, month.span()).await?.pageviews,
            hourly,
            previous,
            timeseries,
            realtime,
        })
    }

    async fn figures(&self, site_id: i64, period: Period) -> Result<Figures, AnalyticsError> {
        let totals = rollups::totals(&self.db, site_id, period.span()).await?;
        let exact_ips = period.days() == 1 && !period.include_bots;
        let ip_count = if exact_ips { totals.ips } else { self.distinct_ips(site_id, period).await? };
        Ok(figures_of(&totals, ip_count))
    }

    async fn distinct_ips(&self, site_id: i64, period: Period) -> Result<i64, AnalyticsError> {
        let estimate = rollups::distinct_ips(&self.db, site_id, period.span()).await?;
        Ok(i64::try_from(estimate).unwrap_or(i64::MAX))
    }

    /// Every hour of the period, empty ones included.
    fn hour_series(
        &self,
        period: Period,
        hours: &[(i64, i64, crate::analytics::rollup::tally::HourCounts)],
    ) -> Vec<Bucket> {
        let tz = self.clock.tz();
        let found: HashMap<(i64, i64), _> = hours.iter().map(|(d, h, c)| ((*d, *h), *c)).collect();
        let mut series = Vec::new();
        for date in period.from.iter_days().take_while(|d| *d <= period.to) {
            for hour in 0..24u32 {
                let Some(start) = date.and_hms_opt(hour, 0, 0).and_then(|t| tz.from_local_datetime(&t).earliest())
                else {
                    continue; // skipped by a DST change
                };
                let counts = found.get(&(date_key(date), i64::from(hour))).copied().unwrap_or_default();
                series.push(Bucket { start, pv: counts.pageviews, uv: counts.visitors, sessions: counts.sessions });
            }
        }
        series
    }

    /// Every day of the period, empty ones included.
    async fn day_series(&self, site_id: i64, period: Period) -> Result<Vec<Bucket>, AnalyticsError> {
        let tz = self.clock.tz();
        let found: HashMap<i64, DayCounts> =
            rollups::days(&self.db, site_id, period.span()).await?.into_iter().collect();
        let mut series = Vec::new();
        for date in period.from.iter_days().take_while(|d| *d <= period.to) {
            let Some(start) = date.and_hms_opt(0, 0, 0).and_then(|t| tz.from_local_datetime(&t).earliest()) else {
                continue;
            };
            let counts = found.get(&date_key(date)).copied().unwrap_or_default();
            series.push(Bucket { start, pv: counts.pageviews, uv: counts.visitors, sessions: counts.sessions });
        }
        Ok(series)
    }

    async fn realtime(&self, site_id: i64, include_bots: bool) -> Result<Realtime, AnalyticsError> {
        let since = self.clock.now().timestamp_millis() - REALTIME_MINUTES * 60 * 1000;
        let (visitors, urls) = rollups::recent(&self.db, site_id, since, include_bots).await?;
        let mut by_path: HashMap<String, i64> = HashMap::new();
        for (url, views) in urls {
            *by_path.entry(path_of(&url).into_owned()).or_default() += views;
        }
        let mut pages: Vec<(String, i64)> = by_path.into_iter().collect();
        pages.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        pages.truncate(10);
        Ok(Realtime { visitors, pages })
    }

    /// One page of the ranking of `event_type` events by `dimension` (entry
    /// and exit pages rank sessions, whatever the event type).
    pub async fn ranking(
        &self,
        site_id: i64,
        dimension: Dimension,
        event_type: &str,
        period: Period,
        page: u32,
        page_size: u32,
    ) -> Result<(Vec<(String, i64)>, i64), AnalyticsError> {
        let event_type = if dimension.counts_events() { event_type } else { PAGE_VIEW };
        let offset = i64::from(page.saturating_sub(1)) * i64::from(page_size);
        Ok(rollups::ranking(
            &self.db,
            site_id,
            event_type,
            dimension.name(),
            period.span(),
            i64::from(page_size),
            offset,
        )
        .await?)
    }
}

/// The figures of summed daily rollups.
pub fn figures_of(totals: &DayCounts, ip_count: i64) -> Figures {
    let (bounce_rate, avg_duration) = if totals.sessions > 0 {
        let rate = totals.bounces as f64 * 100.0 / totals.sessions as f64;
        let seconds = totals.duration_ms as f64 / totals.sessions as f64 / 1000.0;
        ((rate * 10.0).round() / 10.0, seconds.round() as i64)
    } else {
        (0.0, 0)
    };
    Figures {
        pv: totals.pageviews,
        uv: totals.visitors,
        ip_count,
        event_count: totals.events,
        sessions: totals.sessions,
        bounce_rate,
        avg_duration,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y%m%d").unwrap()
    }

    #[test]
    fn periods_are_checked_and_shift_by_their_length() {
        let week = Period::new(day("20250909"), day("20250915"), false).unwrap();
        assert_eq!(week.days(), 7);
        assert_eq!(week.previous(), Period::new(day("20250902"), day("20250908"), false).unwrap());
        assert_eq!(week.ending(30).from, day("20250817"));
        assert!(Period::new(day("20250916"), day("20250915"), false).is_err());
        assert!(Period::new(day("20240101"), day("20250203"), false).is_ok(), "400 days");
        assert!(Period::new(day("20240101"), day("20250204"), false).is_err(), "401 days");
    }

    #[test]
    fn bounce_rate_has_one_decimal_and_duration_whole_seconds() {
        let totals = DayCounts { sessions: 3, bounces: 1, duration_ms: 10_000, ..DayCounts::default() };
        let figures = figures_of(&totals, 0);
        assert_eq!((figures.bounce_rate, figures.avg_duration), (33.3, 3));
        assert_eq!(figures_of(&DayCounts::default(), 0).bounce_rate, 0.0, "no sessions, no division");
    }
}

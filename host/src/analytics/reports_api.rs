//! `GET /api/events/:site_id/stats` and `…/summary`, as Pingoo documents
//! them, plus Waymark's date ranges, bots, comparison, time series and live
//! view (same envelope; the seed's clients never send those parameters).

use std::sync::Arc;

use chrono::{NaiveDate, SecondsFormat};
use poem_openapi::param::{Path, Query};
use poem_openapi::{Object, OpenApi, Tags};

use super::error::AnalyticsError;
use super::report::{Buckets, Extras, Figures, Period, Summary};
use super::rollup::dimension::Dimension;
use super::rollup::tally::PAGE_VIEW;
use super::service::Analytics;
use crate::http::credentials::Auth;
use crate::http::envelope::{PingooError, PingooOk};
use crate::http::query_text::QueryText;
use crate::text_rule;

text_rule!(
    /// A day: `YYYYMMDD` (as the seed sends it) or `YYYY-MM-DD`. One of the
    /// right form that does not exist (February 30) is still a 400.
    pub DateText,
    max_length = 20,
    pattern = concat!(
        r"^[\t-\r ]*(?:[0-9]{4}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])",
        r"|[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01]))[\t-\r ]*$"
    )
);

text_rule!(
    /// A switch: `1`/`true` on, `0`/`false` off.
    pub FlagText,
    max_length = 5,
    pattern = r"^(?:0|1|true|false)$"
);

text_rule!(
    /// Time-series buckets.
    pub BucketText,
    max_length = 4,
    pattern = r"^(?:hour|day)$"
);

#[derive(Tags)]
enum ApiTags {
    /// Pingoo-compatible web analytics: reports.
    #[oai(rename = "Pingoo: reports")]
    PingooReports,
}

type Answer<T> = Result<PingooOk<T>, PingooError>;

#[derive(Debug, Object)]
pub struct StatsItem {
    pub key: String,
    /// Events with this value (entry and exit pages: sessions).
    pub count: i64,
}

#[derive(Debug, Object)]
pub struct StatsList {
    pub list: Vec<StatsItem>,
    /// Distinct values in all, on every page.
    pub total: i64,
    pub page: u32,
    pub page_size: u32,
}

#[derive(Debug, Object)]
pub struct HourStat {
    /// Local hour of the day, 0–23 (server time zone).
    pub hour: i64,
    /// Page views in that hour over the period.
    pub count: i64,
}

/// The headline figures of the period before (`compare=1`).
#[derive(Debug, Object)]
pub struct PreviousFigures {
    pub pv: i64,
    pub uv: i64,
    pub ip_count: i64,
    pub event_count: i64,
    pub sessions: i64,
    pub bounce_rate: f64,
    pub avg_duration: i64,
    /// `YYYYMMDD`.
    pub start_time: String,
    pub end_time: String,
}

#[derive(Debug, Object)]
pub struct SeriesPoint {
    /// Start of the bucket, RFC 3339 in the server's time zone.
    pub time: String,
    pub pv: i64,
    /// Distinct visitors in the bucket.
    pub uv: i64,
    /// Sessions that started in the bucket.
    pub sessions: i64,
}

#[derive(Debug, Object)]
pub struct RealtimeView {
    /// Distinct visitors in the last five minutes.
    pub visitors: i64,
    /// Their most viewed pages (path, page views), at most ten.
    pub pages: Vec<StatsItem>,
}

#[derive(Debug, Object)]
pub struct SummaryView {
    pub site_id: i64,
    /// Page views.
    pub pv: i64,
    /// Distinct visitors (per day; a range adds its days).
    pub uv: i64,
    /// Distinct IP addresses.
    pub ip_count: i64,
    /// Events other than page views (and engagement beacons).
    pub event_count: i64,
    /// Percent of sessions with one page view and no other event.
    pub bounce_rate: f64,
    /// Mean seconds from a session's first event to its last.
    pub avg_duration: i64,
    /// The 7 days ending on `end_time`.
    pub week_ip: i64,
    pub week_pv: i64,
    /// The 30 days ending on `end_time`.
    pub month_ip: i64,
    pub month_pv: i64,
    pub hourly_stats: Vec<HourStat>,
    /// `YYYYMMDD`.
    pub start_time: String,
    pub end_time: String,
    /// Sessions started (beyond the seed).
    pub sessions: i64,
    /// `compare=1`: the period of the same length just before.
    #[oai(skip_serializing_if_is_none)]
    pub previous: Option<PreviousFigures>,
    /// `timeseries=hour|day`: every bucket of the period.
    #[oai(skip_serializing_if_is_none)]
    pub timeseries: Option<Vec<SeriesPoint>>,
    /// `realtime=1`: who is on the site now.
    #[oai(skip_serializing_if_is_none)]
    pub realtime: Option<RealtimeView>,
}

pub struct PingooReportsApi {
    pub analytics: Arc<Analytics>,
}

fn day_text(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

fn parse_day(text: &str, name: &str) -> Result<NaiveDate, AnalyticsError> {
    let text = text.trim();
    let parsed = match text.len() {
        8 => NaiveDate::parse_from_str(text, "%Y%m%d"),
        _ => NaiveDate::parse_from_str(text, "%Y-%m-%d"),
    };
    parsed.map_err(|_| AnalyticsError::Invalid(format!("{name} `{text}` is not a date (YYYYMMDD)")))
}

fn flag(value: &Option<QueryText<FlagText>>) -> bool {
    value.as_deref().is_some_and(|v| v == "1" || v == "true")
}

/// The period asked for: `date` (default today), or `start_date` …
/// `end_date` (either alone means that one day … today, or that day).
fn period(
    analytics: &Analytics,
    date: &Option<QueryText<DateText>>,
    start_date: &Option<QueryText<DateText>>,
    end_date: &Option<QueryText<DateText>>,
    include_bots: &Option<QueryText<FlagText>>,
) -> Result<Period, AnalyticsError> {
    let bots = flag(include_bots);
    let parsed = |value: &Option<QueryText<DateText>>, name| value.as_deref().map(|v| parse_day(v, name)).transpose();
    let (date, start, end) = (parsed(date, "date")?, parsed(start_date, "start_date")?, parsed(end_date, "end_date")?);
    match (date, start, end) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            Err(AnalyticsError::Invalid("give either date or start_date/end_date, not both".into()))
        }
        (Some(day), None, None) => Period::new(day, day, bots),
        (None, None, None) => Period::new(analytics.today(), analytics.today(), bots),
        (None, Some(from), None) => Period::new(from, analytics.today().max(from), bots),
        (None, None, Some(to)) => Period::new(to, to, bots),
        (None, Some(from), Some(to)) => Period::new(from, to, bots),
    }
}

fn previous_view(figures: Figures, period: Period) -> PreviousFigures {
    PreviousFigures {
        pv: figures.pv,
        uv: figures.uv,
        ip_count: figures.ip_count,
        event_count: figures.event_count,
        sessions: figures.sessions,
        bounce_rate: figures.bounce_rate,
        avg_duration: figures.avg_duration,
        start_time: day_text(period.from),
        end_time: day_text(period.to),
    }
}

fn summary_view(site_id: i64, summary: Summary) -> SummaryView {
    let Summary { period, figures, .. } = summary;
    SummaryView {
        site_id,
        pv: figures.pv,
        uv: figures.uv,
        ip_count: figures.ip_count,
        event_count: figures.event_count,
        bounce_rate: figures.bounce_rate,
        avg_duration: figures.avg_duration,
        week_ip: summary.week_ip,
        week_pv: summary.week_pv,
        month_ip: summary.month_ip,
        month_pv: summary.month_pv,
        hourly_stats: summary.hourly.into_iter().map(|(hour, count)| HourStat { hour, count }).collect(),
        start_time: day_text(period.from),
        end_time: day_text(period.to),
        sessions: figures.sessions,
        previous: summary.previous.map(|figures| previous_view(figures, period.previous())),
        timeseries: summary.timeseries.map(|series| {
            series
                .into_iter()
                .map(|b| SeriesPoint {
                    time: b.start.to_rfc3339_opts(SecondsFormat::Secs, false),
                    pv: b.pv,
                    uv: b.uv,
                    sessions: b.sessions,
                })
                .collect()
        }),
        realtime: summary.realtime.map(|live| RealtimeView {
            visitors: live.visitors,
            pages: live.pages.into_iter().map(|(key, count)| StatsItem { key, count }).collect(),
        }),
    }
}

#[OpenApi(tag = "ApiTags::PingooReports")]
impl PingooReportsApi {
    /// A ranking of your site's events by `stat_type` on `date` (or over
    /// `start_date`…`end_date`), most frequent first. Bots are left out
    /// unless `include_bots=1`.
    #[allow(clippy::too_many_arguments)] // one per query parameter, as poem-openapi takes them
    #[oai(path = "/api/events/:site_id/stats", method = "get")]
    async fn stats(
        &self,
        auth: Auth,
        site_id: Path<i64>,
        /// The day, `YYYYMMDD` (default: today, server time zone).
        date: Query<Option<QueryText<DateText>>>,
        /// Page number, from 1.
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))]
        page: Query<Option<u32>>,
        /// What to rank by (default `url`): url, referrer, referrer_domain,
        /// source, source_name, utm_source, utm_medium, utm_campaign,
        /// browser, os, device, country, subdivision, city, isp, screen,
        /// language, event_value, entry_page, exit_page.
        #[oai(validator(max_length = 32))]
        stat_type: Query<Option<String>>,
        /// Which events (default `page_view`); entry and exit pages always
        /// rank sessions.
        #[oai(validator(max_length = 64))]
        event_type: Query<Option<String>>,
        /// Values per page, 1–100 (default 10; beyond the seed).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        page_size: Query<Option<u32>>,
        /// First day of a range (beyond the seed; up to 400 days).
        start_date: Query<Option<QueryText<DateText>>>,
        /// Last day of a range.
        end_date: Query<Option<QueryText<DateText>>>,
        /// `1`: count bots too.
        include_bots: Query<Option<QueryText<FlagText>>>,
    ) -> Answer<StatsList> {
        let name = stat_type.0.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or("url");
        let dimension = Dimension::parse(name).ok_or_else(|| {
            AnalyticsError::Invalid(format!("stat_type `{name}` is not one of: {}", Dimension::names()))
        })?;
        let event_type = event_type.0.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or(PAGE_VIEW);
        let period = period(&self.analytics, &date, &start_date, &end_date, &include_bots)?;
        let (page, page_size) = (page.0.unwrap_or(1), page_size.0.unwrap_or(10));
        let ranked =
            self.analytics.ranking(auth.user_id(), site_id.0, dimension, event_type, period, page, page_size).await?;
        let list = ranked.items.into_iter().map(|(key, count)| StatsItem { key, count }).collect();
        Ok(PingooOk::data(StatsList { list, total: ranked.total, page, page_size }))
    }

    /// Your site's traffic on `date` (or over `start_date`…`end_date`):
    /// page views, visitors, IPs, events, bounce rate, time on site, the
    /// week and month up to it, and page views per hour of the day.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/api/events/:site_id/summary", method = "get")]
    async fn summary(
        &self,
        auth: Auth,
        site_id: Path<i64>,
        /// The day, `YYYYMMDD` (default: today, server time zone).
        date: Query<Option<QueryText<DateText>>>,
        /// First day of a range (beyond the seed; up to 400 days).
        start_date: Query<Option<QueryText<DateText>>>,
        /// Last day of a range.
        end_date: Query<Option<QueryText<DateText>>>,
        /// `1`: count bots too.
        include_bots: Query<Option<QueryText<FlagText>>>,
        /// `1`: add `previous`, the period of the same length just before.
        compare: Query<Option<QueryText<FlagText>>>,
        /// `hour` (ranges up to 31 days) or `day`: add `timeseries`.
        timeseries: Query<Option<QueryText<BucketText>>>,
        /// `1`: add `realtime`, visitors of the last five minutes.
        realtime: Query<Option<QueryText<FlagText>>>,
    ) -> Answer<SummaryView> {
        let period = period(&self.analytics, &date, &start_date, &end_date, &include_bots)?;
        let extras = Extras {
            compare: flag(&compare),
            timeseries: timeseries.0.as_deref().map(|b| if b == "hour" { Buckets::Hour } else { Buckets::Day }),
            realtime: flag(&realtime),
        };
        let summary = self.analytics.summary(auth.user_id(), site_id.0, period, extras).await?;
        Ok(PingooOk::data(summary_view(site_id.0, summary)))
    }
}

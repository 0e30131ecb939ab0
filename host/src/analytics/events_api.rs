//! `/api/events*`, as Pingoo documents it. Events answer with the seed's
//! GORM-style names (`ID`, `CreatedAt`, `UpdatedAt`, `DeletedAt`) beside
//! the snake-case fields.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};

use super::event::{Event, Incoming};
use super::service::Analytics;
use super::site::Site;
use super::store::events::Filter;
use crate::accounts::Accounts;
use crate::clock::Clock;
use crate::failure::Failure;
use crate::http::credentials::Auth;
use crate::http::envelope::{PingooError, PingooOk};
use crate::http::json_text::JsonText;
use crate::http::pipeline::ClientIp;
use crate::http::query_text::QueryText;
use crate::text_rule;

text_rule!(
    /// `YYYYMMDD`, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` or RFC 3339. A date
    /// of the right form that does not exist (February 30) is still a 400.
    pub TimeText,
    max_length = 40,
    pattern = concat!(
        r"^[\t-\r ]*(?:[0-9]{4}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])",
        r"|[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])",
        r"(?:[ Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,9})?",
        r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?)?)?[\t-\r ]*$"
    )
);

#[derive(Tags)]
enum ApiTags {
    /// Pingoo-compatible web analytics: events.
    #[oai(rename = "Pingoo: events")]
    PingooEvents,
}

type Answer<T> = Result<PingooOk<T>, PingooError>;

#[derive(Debug, Object)]
pub struct NewEvent {
    /// One of your sites.
    pub site_id: i64,
    pub session_id: JsonText,
    /// Your own user id for the visitor, if you have one.
    #[oai(nullable)]
    pub user_id: Option<JsonText>,
    /// Absent or "": the client's address (through `trusted_proxies`).
    #[oai(nullable)]
    pub ip: Option<JsonText>,
    pub url: JsonText,
    #[oai(nullable)]
    pub referrer: Option<JsonText>,
    pub user_agent: JsonText,
    /// E.g. `1920x1080`.
    #[oai(nullable)]
    pub screen: Option<JsonText>,
    /// E.g. `page_view`, or any name of your own.
    pub event_type: JsonText,
    #[oai(nullable)]
    pub event_value: Option<JsonText>,
    /// Beyond the seed: the visitor's language, e.g. `en-GB` (the tracker
    /// sends `navigator.language`).
    #[oai(nullable)]
    pub language: Option<JsonText>,
    /// Beyond the seed: when it happened, for a client that sends events
    /// late (a server-side queue, an app back online): RFC 3339 or
    /// `YYYY-MM-DD HH:MM:SS` (server time zone), within the last 24 hours.
    /// Absent: now.
    #[oai(nullable)]
    pub timestamp: Option<JsonText>,
}

/// An event as stored, enriched.
#[derive(Debug, Object)]
pub struct EventView {
    #[oai(rename = "ID")]
    pub id: i64,
    #[oai(rename = "CreatedAt")]
    pub created_at: String,
    #[oai(rename = "UpdatedAt")]
    pub updated_at: String,
    pub site_id: i64,
    pub session_id: String,
    pub user_id: String,
    /// "" when the server keeps no raw addresses (`analytics.store_ip`).
    pub ip: String,
    pub url: String,
    pub referrer: String,
    pub user_agent: String,
    pub device: String,
    pub browser: String,
    pub os: String,
    pub screen: String,
    pub is_bot: bool,
    pub country: String,
    pub subdivision: String,
    pub city: String,
    pub isp: String,
    pub event_type: String,
    pub event_value: String,
    /// Beyond the seed: where the visit came from — `search`, `social`,
    /// `email`, `direct` or `other` (the `referrer` enricher).
    pub source: String,
    /// The referrer's name (`Google`) or host; "" when direct.
    pub source_name: String,
    /// `organic`, `social`, `email`, `referral`, `(none)`, or the page's
    /// `utm_medium`.
    pub medium: String,
    /// Beyond the seed: the page URL's UTM tags.
    pub utm_source: String,
    pub utm_medium: String,
    pub utm_campaign: String,
    /// Beyond the seed: the visitor's language, as sent.
    pub language: String,
}

/// The site's owner, public fields only.
#[derive(Debug, Object)]
pub struct OwnerView {
    #[oai(rename = "ID")]
    pub id: i64,
    #[oai(rename = "CreatedAt")]
    pub created_at: String,
    #[oai(rename = "UpdatedAt")]
    pub updated_at: String,
    /// Always `null`: deleted records are gone, not hidden.
    #[oai(rename = "DeletedAt")]
    pub deleted_at: Option<String>,
    pub username: String,
    pub email: String,
    pub role: String,
}

#[derive(Debug, Object)]
pub struct EventSiteView {
    #[oai(rename = "ID")]
    pub id: i64,
    #[oai(rename = "CreatedAt")]
    pub created_at: String,
    #[oai(rename = "UpdatedAt")]
    pub updated_at: String,
    #[oai(rename = "DeletedAt")]
    pub deleted_at: Option<String>,
    pub user_id: i64,
    pub name: String,
    pub domain: String,
    pub user: OwnerView,
}

/// A listed event: the event, `DeletedAt` and its site (Pingoo leaves the
/// site zeroed; Waymark fills it in).
#[derive(Debug, Object)]
pub struct EventListItem {
    #[oai(flatten)]
    pub event: EventView,
    #[oai(rename = "DeletedAt")]
    pub deleted_at: Option<String>,
    pub site: Arc<EventSiteView>,
}

#[derive(Debug, Object)]
pub struct EventList {
    pub list: Vec<EventListItem>,
    pub total: i64,
    pub page: u32,
    pub page_size: u32,
}

pub struct PingooEventsApi {
    pub analytics: Arc<Analytics>,
    pub accounts: Arc<Accounts>,
    pub clock: Clock,
}

fn text(value: &Option<JsonText>) -> String {
    value.as_deref().unwrap_or_default().to_string()
}

impl PingooEventsApi {
    fn time(&self, ms: i64) -> String {
        Utc.timestamp_millis_opt(ms)
            .single()
            .map(|t| t.with_timezone(&self.clock.tz()).to_rfc3339_opts(SecondsFormat::Millis, false))
            .unwrap_or_default()
    }

    fn view(&self, e: Event) -> EventView {
        let at = self.time(e.created_at);
        EventView {
            id: e.id,
            updated_at: at.clone(),
            created_at: at,
            site_id: e.site_id,
            session_id: e.session_id,
            user_id: e.user_id,
            ip: e.ip,
            url: e.url,
            referrer: e.referrer,
            user_agent: e.user_agent,
            device: e.device,
            browser: e.browser,
            os: e.os,
            screen: e.screen,
            language: e.language,
            is_bot: e.is_bot,
            country: e.country,
            subdivision: e.subdivision,
            city: e.city,
            isp: e.isp,
            event_type: e.event_type,
            event_value: e.event_value,
            source: e.source,
            source_name: e.source_name,
            medium: e.medium,
            utm_source: e.utm_source,
            utm_medium: e.utm_medium,
            utm_campaign: e.utm_campaign,
        }
    }

    async fn site_view(&self, site: Site) -> Result<EventSiteView, PingooError> {
        let owner = self.accounts.user(site.user_id).await?;
        Ok(EventSiteView {
            id: site.id,
            created_at: self.time(site.created_at),
            updated_at: self.time(site.updated_at),
            deleted_at: None,
            user_id: site.user_id,
            name: site.name,
            domain: site.domain,
            user: OwnerView {
                id: owner.id,
                created_at: self.time(owner.created_at),
                updated_at: self.time(owner.updated_at),
                deleted_at: None,
                username: owner.username,
                email: owner.email,
                role: owner.role.as_str().into(),
            },
        })
    }
}

/// A time filter as Pingoo clients send it: `YYYYMMDD`, `YYYY-MM-DD`,
/// `YYYY-MM-DD HH:MM:SS` (all in the server's time zone) or RFC 3339. A
/// bare date means its first millisecond (`start_time`) or its last
/// (`end_time`).
pub fn parse_time(text: &str, tz: Tz, end_of_day: bool) -> Option<i64> {
    let text = text.trim();
    // `T` or a space between date and time, either case, as RFC 3339 allows.
    let spaced: String =
        text.char_indices().map(|(i, c)| if i == 10 && matches!(c, 'T' | 't') { ' ' } else { c }).collect();
    let with_t: String = spaced.char_indices().map(|(i, c)| if i == 10 && c == ' ' { 'T' } else { c }).collect();
    if let Ok(t) = DateTime::parse_from_rfc3339(&with_t.to_ascii_uppercase()) {
        return Some(t.timestamp_millis());
    }
    let local = |naive: NaiveDateTime| tz.from_local_datetime(&naive).earliest().map(|t| t.timestamp_millis());
    if let Ok(naive) = NaiveDateTime::parse_from_str(&spaced, "%Y-%m-%d %H:%M:%S%.f") {
        return local(naive);
    }
    let date = NaiveDate::parse_from_str(text, "%Y%m%d")
        .ok()
        .filter(|_| text.len() == 8)
        .or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())?;
    if end_of_day {
        let next = date.succ_opt()?.and_hms_opt(0, 0, 0)?;
        local(next).map(|ms| ms - 1)
    } else {
        local(date.and_hms_opt(0, 0, 0)?)
    }
}

fn time_filter(value: Option<&str>, name: &str, tz: Tz, end_of_day: bool) -> Result<Option<i64>, PingooError> {
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    parse_time(text, tz, end_of_day).map(Some).ok_or_else(|| {
        Failure::bad_request(format!(
            "{name} must be YYYYMMDD, YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or RFC 3339, not `{text}`"
        ))
        .into()
    })
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

#[OpenApi(tag = "ApiTags::PingooEvents")]
impl PingooEventsApi {
    /// Record an event for one of your sites. It is enriched (place, and
    /// the enricher plugins' fields), answered with its id at once and
    /// listed once written (within `analytics.flush_interval_ms`). A full
    /// buffer answers 503 with `Retry-After`.
    #[oai(path = "/api/events", method = "post")]
    async fn create(&self, req: &poem::Request, auth: Auth, body: Json<NewEvent>) -> Answer<EventView> {
        let body = body.0;
        let at_ms = match body.timestamp.as_ref().map(|t| t.0.trim()).filter(|t| !t.is_empty()) {
            None => None,
            Some(text) => Some(parse_time(text, self.clock.tz(), false).ok_or_else(|| {
                Failure::bad_request(format!("timestamp must be RFC 3339 or YYYY-MM-DD HH:MM:SS, not `{text}`"))
            })?),
        };
        let incoming = Incoming {
            at_ms,
            site_id: body.site_id,
            session_id: body.session_id.0,
            user_id: text(&body.user_id),
            ip: text(&body.ip),
            url: body.url.0,
            referrer: text(&body.referrer),
            user_agent: body.user_agent.0,
            screen: text(&body.screen),
            language: text(&body.language),
            event_type: body.event_type.0,
            event_value: text(&body.event_value),
            ..Incoming::default()
        };
        let client_ip = req.extensions().get::<ClientIp>().and_then(|ip| ip.0);
        let event = self.analytics.record(auth.user_id(), incoming, client_ip).await?;
        Ok(PingooOk::data(self.view(event)))
    }

    /// Your site's events, newest first.
    #[allow(clippy::too_many_arguments)] // one per query parameter, as poem-openapi takes them
    #[oai(path = "/api/events/:site_id", method = "get")]
    async fn list(
        &self,
        auth: Auth,
        site_id: Path<i64>,
        /// Page number, from 1.
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))]
        page: Query<Option<u32>>,
        /// Events per page, 1–100 (default 10).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        page_size: Query<Option<u32>>,
        #[oai(validator(max_length = 128))] session_id: Query<Option<String>>,
        #[oai(validator(max_length = 128))] user_id: Query<Option<String>>,
        #[oai(validator(max_length = 64))] event_type: Query<Option<String>>,
        /// From (inclusive): `YYYYMMDD`, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`
        /// (server time zone) or RFC 3339.
        start_time: Query<Option<QueryText<TimeText>>>,
        /// Until (inclusive; a bare date covers that whole day).
        end_time: Query<Option<QueryText<TimeText>>>,
    ) -> Answer<EventList> {
        let tz = self.clock.tz();
        let filter = Filter {
            session_id: non_empty(session_id.0),
            user_id: non_empty(user_id.0),
            event_type: non_empty(event_type.0),
            from_ms: time_filter(start_time.0.as_deref(), "start_time", tz, false)?,
            to_ms: time_filter(end_time.0.as_deref(), "end_time", tz, true)?,
        };
        let (page, page_size) = (page.0.unwrap_or(1), page_size.0.unwrap_or(10));
        let (site, found) = self.analytics.events(auth.user_id(), site_id.0, &filter, page, page_size).await?;
        let site = Arc::new(self.site_view(site).await?);
        let list = found
            .items
            .into_iter()
            .map(|event| EventListItem { event: self.view(event), deleted_at: None, site: site.clone() })
            .collect();
        Ok(PingooOk::data(EventList { list, total: found.total, page, page_size }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything the published pattern admits parses, except dates that do
    /// not exist.
    #[test]
    fn the_time_pattern_and_the_parser_agree() {
        use crate::http::query_text::TextRule;
        let utc = chrono_tz::UTC;
        for text in [
            "20250924",
            "2025-09-24",
            "2025-09-24 23:59:59",
            "2025-09-24T00:00:00.123456789Z",
            "2025-09-24t00:00:00-23:59",
            " 2025-09-24 ",
        ] {
            assert!(TimeText::accepts(text), "{text}");
            assert!(parse_time(text, utc, false).is_some(), "{text}");
        }
        for text in ["2025-9-24", "2025-09-24 24:00:00", "2025-09-24T00:00", "yesterday", "2025-09-24+08:00"] {
            // Refused before parsing (chrono alone would take `2025-9-24`).
            assert!(!TimeText::accepts(text), "{text}");
        }
        assert!(TimeText::accepts("20250230") && parse_time("20250230", utc, false).is_none(), "exists in form only");
    }

    #[test]
    fn every_documented_time_form_parses() {
        let utc = chrono_tz::UTC;
        let day = 1_758_672_000_000; // 2025-09-24T00:00:00Z
        assert_eq!(parse_time("20250924", utc, false), Some(day));
        assert_eq!(parse_time("2025-09-24", utc, false), Some(day));
        assert_eq!(parse_time("2025-09-24", utc, true), Some(day + 86_400_000 - 1));
        assert_eq!(parse_time("2025-09-24 01:00:00", utc, false), Some(day + 3_600_000));
        assert_eq!(parse_time("2025-09-24T09:00:00+08:00", utc, false), Some(day + 3_600_000));
        let shanghai: Tz = "Asia/Shanghai".parse().unwrap();
        assert_eq!(parse_time("2025-09-24 08:00:00", shanghai, false), Some(day));
        assert_eq!(parse_time("2025-09-24t01:00:00.5", utc, false), Some(day + 3_600_500));
        assert_eq!(parse_time("2025-09-24 09:00:00+08:00", utc, false), Some(day + 3_600_000));
        assert_eq!(parse_time("2025-09-24T01:00:00z", utc, false), Some(day + 3_600_000));
        for bad in ["yesterday", "2025-13-01", "2025924", "20250931", ""] {
            assert_eq!(parse_time(bad, utc, false), None, "{bad}");
        }
    }
}

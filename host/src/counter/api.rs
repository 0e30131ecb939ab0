//! `GET /api/visits-counter`, exactly as the visits-counter seed documents
//! it: SVG (default), PNG or a JSON envelope, per-site counters, 14 themes.

use std::sync::Arc;

use bytes::Bytes;
use chrono::TimeZone;
use poem_openapi::param::Query;
use poem_openapi::payload::{Binary, Json};
use poem_openapi::{ApiResponse, Object, OpenApi, ResponseContent, Tags};

use super::badge::display_value;
use super::params::{
    Format, FormatText, LengthText, ModeText, NameText, NoIncrementText, ScaleText, SiteText, check_utf8, parse,
};
use super::render::Image;
use super::service::{Counter, Visit};
use super::store::Record;
use crate::clock::Clock;
use crate::http::COUNTER_TIPS;
use crate::http::Failure;
use crate::http::credentials::OptionalKey;
use crate::http::envelope::CounterError;
use crate::http::query_text::QueryText;

#[derive(Tags)]
enum ApiTags {
    /// visits-counter-compatible badges.
    #[oai(rename = "visits-counter")]
    VisitsCounter,
}

/// Browsers and GitHub's image proxy must fetch the badge every time, or a
/// README badge stops counting views.
const NO_CACHE: &str = "max-age=0, no-cache, no-store, must-revalidate";
const EXPIRED: &str = "Thu, 01 Jan 1970 00:00:00 GMT";

#[derive(Debug, Object)]
pub struct CounterRecordView {
    pub total: u64,
    pub daily: u64,
    /// Today, `YYYY-MM-DD` in the server's time zone.
    pub day: String,
    /// Last counted visit, ISO 8601 in the server's time zone ("" if never).
    pub updated_at: String,
}

#[derive(Debug, Object)]
pub struct CounterData {
    pub name: String,
    pub mode: String,
    /// The theme actually used (unknown themes fall back to `gojo_board`).
    pub theme: String,
    pub theme_name: String,
    pub value: u64,
    pub display_value: String,
    pub record: CounterRecordView,
    pub incremented: bool,
    pub step: u32,
    pub length: u8,
    pub format: String,
}

#[derive(Debug, Object)]
pub struct CounterEnvelope {
    /// "200" on success.
    pub code: String,
    pub desc: String,
    pub data: CounterData,
    pub tips: String,
}

/// The counter in the `format` asked for. One response with three media
/// types, so the spec (and generated clients) know all of them.
#[derive(ResponseContent)]
pub enum CounterBody {
    /// The badge (`format=svg`, the default).
    #[oai(content_type = "image/svg+xml")]
    Svg(Binary<Bytes>),
    /// A static PNG of the badge (`format=png`, `scale` 1–4).
    #[oai(content_type = "image/png")]
    Png(Binary<Bytes>),
    /// The counter as data (`format=json`).
    Json(Json<Box<CounterEnvelope>>),
}

#[derive(ApiResponse)]
pub enum CounterAnswer {
    /// The badge as SVG (default) or PNG, or the counter as JSON. Images are
    /// never cached by browsers or proxies, so every view counts.
    #[oai(status = 200)]
    Ok(
        CounterBody,
        /// Always `max-age=0, no-cache, no-store, must-revalidate`.
        #[oai(header = "Cache-Control")]
        String,
        /// Images only: a date in the past.
        #[oai(header = "Expires")]
        Option<String>,
        /// Images only: changes with the picture.
        #[oai(header = "ETag")]
        Option<String>,
    ),
}

pub struct CounterApi {
    pub counter: Arc<Counter>,
    pub clock: Clock,
}

impl CounterApi {
    fn record_view(&self, record: &Record) -> CounterRecordView {
        let updated_at = if record.updated_at > 0 {
            self.clock
                .tz()
                .timestamp_millis_opt(record.updated_at)
                .single()
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default()
        } else {
            String::new()
        };
        CounterRecordView { total: record.total, daily: record.daily, day: record.day.clone(), updated_at }
    }
}

#[OpenApi(tag = "ApiTags::VisitsCounter")]
impl CounterApi {
    /// Count a visit and return the badge. Each counted call adds 1 to the
    /// counter's total and today's count (`mode` picks which is shown);
    /// `no_increment=1` only reads. Counters are isolated per `site` (absent:
    /// one shared global counter) and `name`.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/api/visits-counter", method = "get")]
    async fn visits_counter(
        &self,
        req: &poem::Request,
        _key: OptionalKey,
        /// Site identifier, e.g. your domain. Absent: the shared global counter.
        site: Query<Option<QueryText<SiteText>>>,
        /// Counter name within the site. Default `demo`.
        name: Query<Option<QueryText<NameText>>>,
        /// `daily` (default; resets at local midnight) or `total`.
        mode: Query<Option<QueryText<ModeText>>>,
        /// Theme key; unknown keys fall back to `gojo_board`.
        theme: Query<Option<String>>,
        /// `svg` (default), `png` or `json`.
        format: Query<Option<QueryText<FormatText>>>,
        /// Digits, 4–12 (default 7), zero-padded; wider values are shown whole.
        length: Query<Option<QueryText<LengthText>>>,
        /// `1`: read without counting. Default `0`.
        no_increment: Query<Option<QueryText<NoIncrementText>>>,
        /// PNG size multiplier, 1–4 (default 1).
        scale: Query<Option<QueryText<ScaleText>>>,
    ) -> Result<CounterAnswer, CounterError> {
        check_utf8(req.uri().query())?;
        let p = parse(
            site.0.map(QueryText::into_inner),
            name.0.map(QueryText::into_inner),
            mode.0.map(QueryText::into_inner),
            theme.0,
            format.0.map(QueryText::into_inner),
            length.0.map(QueryText::into_inner),
            no_increment.0.map(QueryText::into_inner),
            scale.0.map(QueryText::into_inner),
        )?;
        let Visit { record, value, theme: (theme_key, theme_name), image } =
            self.counter.visit(&p).await.map_err(Failure::from)?;
        let Some(Image { bytes, etag }) = image else {
            let envelope = CounterEnvelope {
                code: "200".into(),
                desc: "success".into(),
                data: CounterData {
                    name: p.name,
                    mode: p.mode.as_str().into(),
                    theme: theme_key,
                    theme_name,
                    value,
                    display_value: display_value(value, p.length),
                    record: self.record_view(&record),
                    incremented: p.increment,
                    step: u32::from(p.increment),
                    length: p.length,
                    format: "json".into(),
                },
                tips: COUNTER_TIPS.into(),
            };
            return Ok(CounterAnswer::Ok(CounterBody::Json(Json(Box::new(envelope))), NO_CACHE.into(), None, None));
        };
        let body = Binary(bytes);
        let body = match p.format {
            Format::Png => CounterBody::Png(body),
            _ => CounterBody::Svg(body),
        };
        Ok(CounterAnswer::Ok(body, NO_CACHE.into(), Some(EXPIRED.into()), Some(etag.to_string())))
    }
}

//! `GET /api/visits-counter`, exactly as the visits-counter seed documents
//! it: SVG (default), PNG or a JSON envelope, per-site counters, 14 themes.

use std::sync::Arc;

use bytes::Bytes;
use chrono::TimeZone;
use poem_openapi::param::Query;
use poem_openapi::payload::{Binary, Json};
use poem_openapi::{ApiResponse, Object, OpenApi, ResponseContent, Tags};

use super::render::{Image, Renderer, Reuse, choose_theme};
use super::store::Record;
use super::tally::Tallies;
use crate::clock::Clock;
use crate::http::COUNTER_TIPS;
use crate::http::credentials::OptionalKey;
use crate::http::envelope::CounterError;
use crate::http::{Failure, FailureKind};
use crate::plugins::Plugins;
use crate::plugins::counter_theme::{Mode, ThemeRequest, Themes, display_value};

#[derive(Tags)]
enum ApiTags {
    /// visits-counter-compatible badges.
    #[oai(rename = "visits-counter")]
    VisitsCounter,
}

/// Longest accepted `site` (a domain name fits) and `name`.
const MAX_SITE: usize = 253;
const MAX_NAME: usize = 64;

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
    pub tallies: Arc<Tallies>,
    pub renderer: Arc<Renderer>,
    pub plugins: Arc<Plugins>,
    pub clock: Clock,
}

/// The validated parameters.
struct Params {
    site: String,
    name: String,
    mode: Mode,
    theme: String,
    format: Format,
    length: u8,
    increment: bool,
    scale: u8,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Svg,
    Png,
    Json,
}

fn bad(message: impl Into<String>) -> CounterError {
    Failure::bad_request(message).into()
}

/// Refuses control and bidi characters, which would make two counters look
/// alike or corrupt whatever displays the name.
fn hygienic(field: &str, value: &str) -> Result<(), CounterError> {
    match crate::text_hygiene::forbidden_char(value) {
        Some(c) => Err(bad(format!(
            "{field} must not contain control or bidirectional formatting characters (found {})",
            crate::text_hygiene::describe(c)
        ))),
        None => Ok(()),
    }
}

/// The query parameters whose values name a counter.
const NAMING_PARAMS: [&str; 2] = ["site", "name"];

/// Refuses `site` and `name` values that are not UTF-8 once percent-decoded.
/// The framework decodes queries lossily, replacing bad bytes with U+FFFD,
/// so `site=%FF%FE` and `site=%C0%AF` would silently share one counter; the
/// raw query is checked here instead.
fn check_utf8(raw_query: Option<&str>) -> Result<(), CounterError> {
    for pair in raw_query.unwrap_or_default().split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if NAMING_PARAMS.contains(&key) && std::str::from_utf8(&percent_decode(value)).is_err() {
            return Err(bad(format!("{key} must be valid UTF-8 once percent-decoded")));
        }
    }
    Ok(())
}

/// `application/x-www-form-urlencoded` decoding to bytes: `+` is a space,
/// `%XX` a byte, a stray `%` itself.
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn parse(
    site: Option<String>,
    name: Option<String>,
    mode: Option<String>,
    theme: Option<String>,
    format: Option<String>,
    length: Option<String>,
    no_increment: Option<String>,
    scale: Option<String>,
) -> Result<Params, CounterError> {
    let site = site.unwrap_or_default().trim().to_string();
    hygienic("site", &site)?;
    if site.chars().count() > MAX_SITE {
        return Err(bad(format!("site must be at most {MAX_SITE} characters")));
    }
    let name = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).unwrap_or_else(|| "demo".into());
    hygienic("name", &name)?;
    if name.chars().count() > MAX_NAME {
        return Err(bad(format!("name must be at most {MAX_NAME} characters")));
    }
    let mode = match mode.as_deref().map(str::trim).unwrap_or("daily") {
        "daily" | "" => Mode::Daily,
        "total" => Mode::Total,
        other => return Err(bad(format!("mode must be daily or total, not `{other}`"))),
    };
    let format = match format.as_deref().map(str::trim).unwrap_or("svg") {
        "svg" | "" => Format::Svg,
        "png" => Format::Png,
        "json" => Format::Json,
        other => return Err(bad(format!("format must be svg, png or json, not `{other}`"))),
    };
    let length = match length.as_deref().map(str::trim) {
        None | Some("") => 7,
        Some(text) => match text.parse::<u8>() {
            Ok(n @ 4..=12) => n,
            _ => return Err(bad(format!("length must be an integer from 4 to 12, not `{text}`"))),
        },
    };
    let increment = match no_increment.as_deref().map(str::trim) {
        None | Some("") | Some("0") | Some("false") => true,
        Some("1") | Some("true") => false,
        Some(other) => return Err(bad(format!("no_increment must be 0 or 1, not `{other}`"))),
    };
    let scale = match scale.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(text) => match text.parse::<u8>() {
            Ok(n @ 1..=4) => n,
            _ => return Err(bad(format!("scale must be an integer from 1 to 4, not `{text}`"))),
        },
    };
    let theme = theme.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).unwrap_or_default();
    Ok(Params { site, name, mode, theme, format, length, increment, scale })
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
        #[oai(validator(
            max_length = 253,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]*$"
        ))]
        site: Query<Option<String>>,
        /// Counter name within the site. Default `demo`.
        #[oai(validator(
            max_length = 64,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]*$"
        ))]
        name: Query<Option<String>>,
        /// `daily` (default; resets at local midnight) or `total`.
        #[oai(validator(pattern = r"^[\t-\r ]*(daily|total)[\t-\r ]*$"))]
        mode: Query<Option<String>>,
        /// Theme key; unknown keys fall back to `gojo_board`.
        theme: Query<Option<String>>,
        /// `svg` (default), `png` or `json`.
        #[oai(validator(pattern = r"^[\t-\r ]*(svg|png|json)[\t-\r ]*$"))]
        format: Query<Option<String>>,
        /// Digits, 4–12 (default 7), zero-padded; wider values are shown whole.
        #[oai(validator(pattern = r"^[\t-\r ]*0*([4-9]|1[0-2])[\t-\r ]*$"))]
        length: Query<Option<String>>,
        /// `1`: read without counting. Default `0`.
        #[oai(validator(pattern = r"^[\t-\r ]*(0|1|true|false)?[\t-\r ]*$"))]
        no_increment: Query<Option<String>>,
        /// PNG size multiplier, 1–4 (default 1).
        #[oai(validator(pattern = r"^[\t-\r ]*(0*[1-4])?[\t-\r ]*$"))]
        scale: Query<Option<String>>,
    ) -> Result<CounterAnswer, CounterError> {
        check_utf8(req.uri().query())?;
        let p = parse(site.0, name.0, mode.0, theme.0, format.0, length.0, no_increment.0, scale.0)?;
        let record = self.tallies.visit(&p.site, &p.name, p.increment).await.map_err(Failure::from)?;
        let value = match p.mode {
            Mode::Daily => record.daily,
            Mode::Total => record.total,
        };
        let themes = Themes::of(&self.plugins);
        let (theme_key, theme_name) = choose_theme(&themes, &p.theme)
            .ok_or_else(|| Failure::new(FailureKind::PluginFailed, "no counter theme is installed"))?;

        if p.format == Format::Json {
            let envelope = CounterEnvelope {
                code: "200".into(),
                desc: "success".into(),
                data: CounterData {
                    name: p.name,
                    mode: match p.mode {
                        Mode::Daily => "daily".into(),
                        Mode::Total => "total".into(),
                    },
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
        }

        let request = ThemeRequest {
            theme: theme_key,
            value,
            length: p.length,
            mode: p.mode,
            label: p.name,
            animate: true,
            params: Vec::new(),
        };
        let png_scale = if p.format == Format::Png { p.scale } else { 0 };
        let reuse = if p.increment { Reuse::Unlikely } else { Reuse::Likely };
        let Image { bytes, etag } = self.renderer.render(&themes, request, png_scale, reuse).await.map_err(|e| {
            tracing::warn!(error = %e, "counter theme failed");
            Failure::new(FailureKind::PluginFailed, format!("rendering failed: {e}"))
        })?;
        let body = Binary(bytes);
        let body = match p.format {
            Format::Png => CounterBody::Png(body),
            _ => CounterBody::Svg(body),
        };
        Ok(CounterAnswer::Ok(body, NO_CACHE.into(), Some(EXPIRED.into()), Some(etag.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Result<Params, CounterError> {
        let get = |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string());
        parse(
            get("site"),
            get("name"),
            get("mode"),
            get("theme"),
            get("format"),
            get("length"),
            get("no_increment"),
            get("scale"),
        )
    }

    #[test]
    fn defaults_follow_the_seed() {
        let d = p(&[]).ok().unwrap();
        assert_eq!((d.site.as_str(), d.name.as_str(), d.length, d.increment, d.scale), ("", "demo", 7, true, 1));
        assert!(d.mode == Mode::Daily && d.format == Format::Svg);
    }

    #[test]
    fn out_of_range_values_are_refused() {
        for bad in [
            ("length", "3"),
            ("length", "13"),
            ("length", "x"),
            ("scale", "0"),
            ("scale", "5"),
            ("mode", "weekly"),
            ("format", "gif"),
            ("no_increment", "2"),
        ] {
            assert!(p(&[bad]).is_err(), "{bad:?}");
        }
        assert!(p(&[("name", &"n".repeat(65))]).is_err());
    }

    #[test]
    fn control_and_bidi_characters_are_refused_in_site_and_name() {
        for field in ["site", "name"] {
            for bad in ["a\0b", "bell\u{7}", "moc.elgoog\u{202E}", "x\u{2067}y", "x\u{200F}"] {
                assert!(p(&[(field, bad)]).is_err(), "{field}={bad:?}");
            }
        }
        assert!(p(&[("site", "例え.jp"), ("name", "Zoë")]).is_ok());
    }

    #[test]
    fn site_and_name_must_decode_to_utf8() {
        for bad in ["site=%FF%FE", "site=%C0%AF", "a=1&name=%E2%82", "name=ok&site=x%80y"] {
            assert!(check_utf8(Some(bad)).is_err(), "{bad}");
        }
        for good in ["site=%E4%BE%8B.jp&name=a+b", "theme=%FF", "site=100%", "site=%zz", ""] {
            assert!(check_utf8(Some(good)).is_ok(), "{good}");
        }
        assert!(check_utf8(None).is_ok());
        assert_eq!(percent_decode("a+%41%4a%"), b"a AJ%");
    }
}

//! `GET /api/unshort`, as the unshort seed documents it: `url` and
//! `max_hops` in, `{code: 0, msg: "成功", data: {…chain…}}` out, 4000 for a
//! missing or non-http(s) `url` or `max_hops` outside 1–30.

use std::sync::Arc;

use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};
use url::Url;

use super::service::{UnshortError as TraceError, Unshortener};
use super::tracer::{Stop, Trace};
use crate::http::credentials::OptionalKey;
use crate::http::envelope::UnshortError;
use crate::http::query_text::QueryText;
use crate::http::{Failure, FailureKind};
use crate::text_rule;

#[derive(Tags)]
enum ApiTags {
    /// unshort-compatible redirect tracing.
    #[oai(rename = "unshort")]
    Unshort,
}

const DEFAULT_MAX_HOPS: u32 = 10;
const MAX_HOPS: u32 = 30;
/// Longest URL accepted.
const MAX_URL: usize = 8 * 1024;

#[derive(Debug, Object)]
pub struct ChainHop {
    pub hop: u32,
    pub url: String,
    /// HTTP status; 0 when no answer came.
    pub status: u16,
    /// `Location`, `Refresh`, `Meta-Refresh`, `JS`, `Interstitial` (or a
    /// custom rule's method), `final` on the landing page, `error`.
    pub method: String,
    pub duration_ms: u64,
    /// Where this hop leads (absent on the last page).
    #[oai(skip_serializing_if_is_none)]
    pub next: Option<String>,
    /// Why the hop failed: blocked, DNS, TLS, refused, timed out…
    #[oai(skip_serializing_if_is_none)]
    pub error: Option<String>,
}

#[derive(Debug, Object)]
pub struct UnshortData {
    pub original_url: String,
    /// The landing page (or the last URL reached when the chain stopped early).
    pub final_url: String,
    /// Pages in the chain, the final one included.
    pub hops: u32,
    pub total_time_ms: u64,
    pub chain: Vec<ChainHop>,
    pub is_redirect: bool,
    /// Why the chain ended: `final`, `max_hops`, `loop` or `error`.
    pub stop_reason: String,
}

#[derive(Debug, Object)]
pub struct UnshortEnvelope {
    /// 0 on success.
    pub code: i32,
    pub msg: String,
    pub data: UnshortData,
}

text_rule!(
    /// An `http(s)` URL whose host is a name, an IPv4 address in any of the
    /// spellings browsers accept, or a bracketed IPv6 address.
    pub UrlText,
    max_length = 8192,
    pattern = r"^[\t-\r ]*[Hh][Tt][Tt][Pp][Ss]?://([A-Za-z0-9._~%!$&'()*+,;=:-]+@)?(\[(([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,7}:|([0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,5}(:[0-9A-Fa-f]{1,4}){1,2}|([0-9A-Fa-f]{1,4}:){1,4}(:[0-9A-Fa-f]{1,4}){1,3}|([0-9A-Fa-f]{1,4}:){1,3}(:[0-9A-Fa-f]{1,4}){1,4}|([0-9A-Fa-f]{1,4}:){1,2}(:[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(:[0-9A-Fa-f]{1,4}){1,6}|:((:[0-9A-Fa-f]{1,4}){1,7}|:)|([0-9A-Fa-f]{1,4}:){6}((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])|::([0-9A-Fa-f]{1,4}:){0,5}((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])|([0-9A-Fa-f]{1,4}:){1,5}:((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]))\]|([1-9][0-9]{0,8}|[1-3][0-9]{9}|4[01][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[01][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]|0[xX][0-9A-Fa-f]{0,8}|0[0-7]{0,10}|(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]|0[xX]0*[0-9A-Fa-f]{0,2}|0[0-3]?[0-7]{0,2})\.([1-9][0-9]{0,6}|0[xX]0*[0-9A-Fa-f]{0,6}|0[0-7]{0,7})|(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]|0[xX]0*[0-9A-Fa-f]{0,2}|0[0-3]?[0-7]{0,2})\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]|0[xX]0*[0-9A-Fa-f]{0,2}|0[0-3]?[0-7]{0,2})\.([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]|0[xX]0*[0-9A-Fa-f]{0,4}|0[0-7]{0,5})|(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]|0[xX]0*[0-9A-Fa-f]{0,2}|0[0-3]?[0-7]{0,2})\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]|0[xX]0*[0-9A-Fa-f]{0,2}|0[0-3]?[0-7]{0,2})\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]|0[xX]0*[0-9A-Fa-f]{0,2}|0[0-3]?[0-7]{0,2})\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]|0[xX]0*[0-9A-Fa-f]{0,2}|0[0-3]?[0-7]{0,2}))\.?|([A-Za-z0-9-]+\.)*[A-Za-z][A-Za-z0-9-]*\.?)(:([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}))?([/?#][!-~]*)?[\t-\r ]*$"
);
text_rule!(pub MaxHopsText, pattern = r"^[\t-\r ]*([1-9]|[12][0-9]|30)?[\t-\r ]*$");

pub struct UnshortApi {
    pub unshortener: Arc<Unshortener>,
}

#[OpenApi(tag = "ApiTags::Unshort")]
impl UnshortApi {
    /// Trace every hop of a (short) link: status, method and time of each,
    /// following `Location` and `Refresh` headers, meta refreshes, script
    /// redirects and known interstitial pages. Destinations that are not
    /// public addresses are never fetched (the hop says `blocked`).
    #[oai(path = "/api/unshort", method = "get")]
    async fn unshort(
        &self,
        _key: OptionalKey,
        /// The link to expand, `http://` or `https://` and a host name or
        /// address.
        url: Query<QueryText<UrlText>>,
        /// Most pages to fetch, 1–30 (default 10).
        max_hops: Query<Option<QueryText<MaxHopsText>>>,
    ) -> Result<Json<UnshortEnvelope>, UnshortError> {
        let (original, start) = parse_url(url.0.into_inner())?;
        let max_hops = parse_max_hops(max_hops.0.map(QueryText::into_inner))?;
        let trace = self.unshortener.trace(&original, start, max_hops).await.map_err(|e| match e {
            TraceError::Busy => Failure::new(FailureKind::Unavailable, e.to_string()),
            TraceError::Client(_) => Failure::internal(&e),
        })?;
        Ok(Json(UnshortEnvelope { code: 0, msg: "成功".into(), data: view(&trace, &original) }))
    }
}

fn parse_url(url: String) -> Result<(String, Url), Failure> {
    let original = url.trim().to_string();
    if original.is_empty() {
        return Err(Failure::bad_request("url is required"));
    }
    let scheme_ok = ["http://", "https://"]
        .iter()
        .any(|scheme| original.get(..scheme.len()).is_some_and(|s| s.eq_ignore_ascii_case(scheme)));
    if !scheme_ok {
        return Err(Failure::bad_request("url must start with http:// or https://"));
    }
    if original.len() > MAX_URL {
        return Err(Failure::bad_request(format!("url is longer than {MAX_URL} bytes")));
    }
    let parsed = Url::parse(&original).map_err(|e| Failure::bad_request(format!("url is not a valid URL: {e}")))?;
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Failure::bad_request("url has no host"));
    }
    Ok((original, parsed))
}

fn parse_max_hops(max_hops: Option<String>) -> Result<u32, Failure> {
    let Some(raw) = max_hops.map(|m| m.trim().to_string()).filter(|m| !m.is_empty()) else {
        return Ok(DEFAULT_MAX_HOPS);
    };
    match raw.parse::<u32>() {
        Ok(hops @ 1..=MAX_HOPS) => Ok(hops),
        _ => Err(Failure::bad_request(format!("max_hops must be an integer from 1 to {MAX_HOPS}, not `{raw}`"))),
    }
}

fn view(trace: &Trace, original: &str) -> UnshortData {
    let chain: Vec<ChainHop> = trace
        .chain
        .iter()
        .map(|hop| ChainHop {
            hop: hop.hop,
            url: hop.url.clone(),
            status: hop.status,
            method: hop.method.clone(),
            duration_ms: hop.duration_ms,
            next: hop.next.clone(),
            error: hop.error.clone(),
        })
        .collect();
    let stop_reason = match trace.stop {
        Stop::Final => "final",
        Stop::MaxHops => "max_hops",
        Stop::Loop => "loop",
        Stop::Error => "error",
    };
    UnshortData {
        // A cached trace may have been asked for with different spelling.
        original_url: original.to_string(),
        final_url: trace.final_url.clone(),
        hops: chain.len() as u32,
        total_time_ms: trace.total_time_ms,
        is_redirect: chain.iter().any(|hop| hop.next.is_some()),
        chain,
        stop_reason: stop_reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_must_be_http_or_https() {
        assert!(parse_url("  ".into()).is_err());
        assert!(parse_url("ftp://a.example/".into()).is_err());
        assert!(parse_url("javascript:alert(1)".into()).is_err());
        assert!(parse_url("example.com".into()).is_err());
        assert!(parse_url("http://".into()).is_err());
        assert_eq!(parse_url(" HTTPS://a.example/x ".into()).unwrap().1.as_str(), "https://a.example/x");
    }

    #[test]
    fn max_hops_defaults_to_10_within_1_to_30() {
        assert_eq!(parse_max_hops(None).unwrap(), 10);
        assert_eq!(parse_max_hops(Some("".into())).unwrap(), 10);
        assert_eq!(parse_max_hops(Some("1".into())).unwrap(), 1);
        assert_eq!(parse_max_hops(Some("30".into())).unwrap(), 30);
        for bad in ["0", "31", "-1", "abc", "2.5"] {
            assert!(parse_max_hops(Some(bad.into())).is_err(), "{bad}");
        }
    }
}

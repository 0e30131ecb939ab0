//! `POST /api/collect`: where the tracker script sends events. Public (the
//! site is named by its public tracking id), answerable cross-origin,
//! metered per client IP like any anonymous Pingoo call.

use std::sync::Arc;

use poem_openapi::payload::{Json, PlainText};
use poem_openapi::{ApiRequest, ApiResponse, OpenApi, Tags};

use super::service::{Analytics, Beacon};
use crate::failure::Failure;
use crate::http::envelope::PingooError;
use crate::http::pipeline::ClientIp;

#[derive(Tags)]
enum ApiTags {
    /// The tracker's public endpoint (beyond the Pingoo seed).
    #[oai(rename = "Waymark: tracker")]
    Tracker,
}

/// One tracker event as JSON: `{"tid", "type", "url", "ref", "screen",
/// "lang", "value", "ms"}`. The script sends it as `text/plain` so that no
/// CORS preflight is needed; `application/json` is taken too.
#[derive(ApiRequest)]
pub enum BeaconBody {
    Text(PlainText<String>),
    Json(Json<serde_json::Value>),
}

#[derive(ApiResponse)]
pub enum Collected {
    /// Accepted; it is listed once written.
    #[oai(status = 204)]
    Accepted(#[oai(header = "Access-Control-Allow-Origin")] String),
}

#[derive(ApiResponse)]
pub enum Preflight {
    /// What a cross-origin page may send here.
    #[oai(status = 204)]
    Allowed(
        #[oai(header = "Access-Control-Allow-Origin")] String,
        #[oai(header = "Access-Control-Allow-Methods")] String,
        #[oai(header = "Access-Control-Allow-Headers")] String,
        #[oai(header = "Access-Control-Max-Age")] String,
    ),
}

pub struct CollectApi {
    pub analytics: Arc<Analytics>,
}

/// Longest beacon accepted: a few URLs and names.
const MAX_BEACON_BYTES: usize = 16 * 1024;

#[OpenApi(tag = "ApiTags::Tracker")]
impl CollectApi {
    /// Record one tracker event (page view, engagement, outbound or
    /// download click, custom event) for the site whose `tracking_id` is
    /// `tid`. Needs no credentials; the page's `Origin` must be on the
    /// site's domain unless `analytics.check_origin` is off.
    #[oai(path = "/api/collect", method = "post")]
    async fn collect(&self, req: &poem::Request, body: BeaconBody) -> Result<Collected, PingooError> {
        let text = match body {
            BeaconBody::Text(PlainText(text)) => text,
            BeaconBody::Json(Json(value)) => value.to_string(),
        };
        if text.len() > MAX_BEACON_BYTES {
            return Err(Failure::bad_request(format!("a beacon is at most {MAX_BEACON_BYTES} bytes")).into());
        }
        let beacon: Beacon =
            serde_json::from_str(&text).map_err(|e| Failure::bad_request(format!("not a tracker event: {e}")))?;
        let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
        let origin = header(poem::http::header::ORIGIN);
        let user_agent = header(poem::http::header::USER_AGENT).unwrap_or_default();
        let client_ip = req.extensions().get::<ClientIp>().and_then(|ip| ip.0);
        self.analytics.collect(beacon, origin, user_agent, client_ip).await?;
        Ok(Collected::Accepted("*".into()))
    }

    /// CORS preflight, for clients that send `application/json`.
    #[oai(path = "/api/collect", method = "options")]
    async fn preflight(&self) -> Preflight {
        Preflight::Allowed("*".into(), "POST".into(), "Content-Type".into(), "86400".into())
    }
}

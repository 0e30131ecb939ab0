//! The five API surfaces Waymark serves (one per seed document), each with
//! the error envelope its existing clients already parse. Rendering a
//! [`Failure`] in each envelope happens once, here; which path belongs to
//! which surface is declared by the products' routes (see [`crate::http::routes`]).

use poem::Response;
use poem::http::StatusCode;
use serde_json::{Value, json};

use crate::failure::{Failure, FailureKind};

/// A product surface: a group of routes sharing one envelope and one metering
/// policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Surface {
    /// `GET /api/visits-counter`
    Counter,
    /// `GET /api/unshort`
    Unshort,
    /// `/api/account*`, `/api/url*`, `/api/urls`, `/api/qr*`
    Urlplus,
    /// `/api/v1/qrcode/*`
    CodeBox,
    /// `/api/auth/*`, `/api/sites*`, `/api/events*`, `/api/health`,
    /// `/api/admin/*`, and any other `/api` path.
    Pingoo,
}

impl Surface {
    /// Whether a `public` API key (one made to be published in a badge or
    /// embed) may be used here. An allow-list: a surface added later refuses
    /// public keys until it is named here.
    pub fn accepts_public_keys(self) -> bool {
        matches!(self, Surface::Counter | Surface::Unshort)
    }

    /// Stable name used as the metering key in storage.
    pub fn key(self) -> &'static str {
        match self {
            Surface::Counter => "counter",
            Surface::Unshort => "unshort",
            Surface::Urlplus => "urlplus",
            Surface::CodeBox => "codebox",
            Surface::Pingoo => "pingoo",
        }
    }

    /// The error body this surface's clients expect.
    pub fn error_body(self, failure: &Failure) -> Value {
        let message = failure.message.as_str();
        match self {
            Surface::Pingoo => {
                let code = failure.kind.status().as_u16();
                if failure.kind == FailureKind::Unauthorized {
                    // Pingoo's auth middleware answers `{"error": …}`; keep that
                    // field beside the usual envelope so both kinds of client work.
                    json!({ "code": code, "msg": message, "data": null, "error": message })
                } else {
                    json!({ "code": code, "msg": message, "data": null })
                }
            }
            Surface::Urlplus => json!({ "error": 1, "message": message }),
            Surface::CodeBox => json!({ "error": message }),
            Surface::Counter => json!({
                "code": gateway_code(failure.kind).to_string(),
                "desc": message,
                "data": null,
                "tips": COUNTER_TIPS,
            }),
            Surface::Unshort => json!({
                "code": gateway_code(failure.kind),
                "msg": message,
                "data": null,
            }),
        }
    }

    pub fn render(self, failure: &Failure) -> Response {
        let mut response = json_response(failure.kind.status(), &self.error_body(failure));
        if failure.kind == FailureKind::Unavailable {
            // Busy, not broken: a well-behaved client retries shortly.
            response.headers_mut().insert("retry-after", poem::http::HeaderValue::from_static("1"));
        }
        response
    }
}

/// Shown in every visits-counter answer, as the seed's gateway does.
pub const COUNTER_TIPS: &str = "Waymark · self-hosted visits counter";

/// The numeric codes of the visits-counter/unshort gateway: documented ones
/// (4000, 4015, 4029, 4030, 4044, 5021) and the rest in the same style.
pub fn gateway_code(kind: FailureKind) -> u32 {
    match kind {
        FailureKind::BadRequest => 4000,
        FailureKind::Unauthorized => 4015,
        FailureKind::Forbidden => 4003,
        FailureKind::NotFound => 4044,
        FailureKind::MethodNotAllowed => 4005,
        FailureKind::Conflict => 4009,
        FailureKind::PayloadTooLarge => 4013,
        FailureKind::RequestTimeout => 4008,
        FailureKind::RateLimited => 4029,
        FailureKind::QuotaExceeded => 4030,
        FailureKind::PluginFailed => 5021,
        FailureKind::Unavailable => 5003,
        FailureKind::Internal => 5000,
    }
}

pub fn json_response(status: StatusCode, body: &Value) -> Response {
    Response::builder().status(status).content_type("application/json; charset=utf-8").body(body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_counter_and_unshort_accept_public_keys() {
        let accepting: Vec<Surface> =
            [Surface::Counter, Surface::Unshort, Surface::Urlplus, Surface::CodeBox, Surface::Pingoo]
                .into_iter()
                .filter(|s| s.accepts_public_keys())
                .collect();
        assert_eq!(accepting, [Surface::Counter, Surface::Unshort]);
    }

    #[test]
    fn each_surface_speaks_its_own_envelope() {
        let f = Failure::new(FailureKind::QuotaExceeded, "daily quota used up");
        assert_eq!(Surface::Counter.error_body(&f)["code"], "4030");
        assert_eq!(Surface::Unshort.error_body(&f)["code"], 4030);
        assert_eq!(Surface::Urlplus.error_body(&f)["error"], 1);
        assert_eq!(Surface::CodeBox.error_body(&f)["error"], "daily quota used up");
        assert_eq!(Surface::Pingoo.error_body(&f)["code"], 429);
    }
}

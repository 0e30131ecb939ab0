//! The success and error envelopes of each surface, as OpenAPI types.
//!
//! Handlers return `Result<…, PingooError>` (or the error of their surface);
//! the error types render through [`Surface::render`], the same function the
//! pipeline uses for errors raised before a handler runs (bad JSON, unknown
//! route, oversized body), so a surface answers in one shape whatever failed.

use poem::http::StatusCode;
use poem::{Response, error::ResponseError};
use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, Registry};
use poem_openapi::types::{ParseFromJSON, ToJSON, Type};
use poem_openapi::{ApiResponse, Object, payload::Json};

use crate::failure::Failure;
use crate::surface::Surface;

/// Pingoo's envelope: `{"code": 0, "msg": "success", "data": …}`.
#[derive(Debug, Object)]
pub struct PingooEnvelope<T: ParseFromJSON + ToJSON> {
    /// 0 on success.
    pub code: i32,
    pub msg: String,
    pub data: T,
}

/// A successful Pingoo answer.
#[derive(ApiResponse)]
pub enum PingooOk<T: ParseFromJSON + ToJSON> {
    #[oai(status = 200)]
    Ok(Json<PingooEnvelope<T>>),
}

impl<T: ParseFromJSON + ToJSON> PingooOk<T> {
    pub fn data(data: T) -> Self {
        PingooOk::Ok(Json(PingooEnvelope { code: 0, msg: "success".into(), data }))
    }
}

/// Pingoo's error envelope. `code` is the HTTP status (401, 404, …); 401s also
/// carry `error`, the shape Pingoo's auth middleware uses.
#[derive(Debug, Object)]
pub struct PingooErrorBody {
    pub code: i32,
    pub msg: String,
    pub data: Option<serde_json::Value>,
    pub error: Option<String>,
}

/// urlplus's error envelope: `{"error": 1, "message": …}`.
#[derive(Debug, Object)]
pub struct UrlplusErrorBody {
    pub error: i32,
    pub message: String,
}

/// CodeBox's error body: `{"error": …}`.
#[derive(Debug, Object)]
pub struct CodeBoxErrorBody {
    pub error: String,
}

/// The visits-counter gateway's error envelope; `code` is a string ("4015").
#[derive(Debug, Object)]
pub struct CounterErrorBody {
    pub code: String,
    pub desc: String,
    pub data: Option<serde_json::Value>,
    pub tips: String,
}

/// unshort's error envelope; `code` is a number (4000).
#[derive(Debug, Object)]
pub struct UnshortErrorBody {
    pub code: i32,
    pub msg: String,
    pub data: Option<serde_json::Value>,
}

fn describe(status: u16) -> &'static str {
    match status {
        400 => "Invalid request: malformed JSON, wrong types, missing or out-of-range fields",
        401 => "Credentials missing, malformed, expired or revoked",
        403 => "The credentials do not allow this",
        404 => "No such resource (or it belongs to someone else)",
        409 => "Conflicts with existing data",
        413 => "Request body too large",
        429 => "A rate limit or daily quota is used up; see Retry-After and X-RateLimit-*",
        502 => "A plugin failed to produce a result",
        _ => "Server error",
    }
}

/// Declares a surface's error type: a [`Failure`] that renders in the
/// surface's envelope and documents the statuses it can take.
macro_rules! surface_error {
    ($(#[$doc:meta])* $name:ident, $surface:expr, $body:ty, [$($status:literal),*]) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name(pub Failure);

        impl<E: Into<Failure>> From<E> for $name {
            fn from(error: E) -> Self {
                $name(error.into())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::error::Error for $name {}

        impl ResponseError for $name {
            fn status(&self) -> StatusCode {
                self.0.kind.status()
            }

            fn as_response(&self) -> Response {
                $surface.render(&self.0)
            }
        }

        impl ApiResponse for $name {
            fn meta() -> MetaResponses {
                MetaResponses {
                    responses: [$($status),*]
                        .into_iter()
                        .map(|status| MetaResponse {
                            description: describe(status),
                            status: Some(status),
                            status_range: None,
                            content: vec![MetaMediaType {
                                content_type: "application/json; charset=utf-8",
                                schema: <$body as Type>::schema_ref(),
                            }],
                            headers: vec![],
                        })
                        .collect(),
                }
            }

            fn register(registry: &mut Registry) {
                <$body as Type>::register(registry);
            }
        }
    };
}

surface_error!(
    /// An error on the Pingoo surface.
    PingooError, Surface::Pingoo, PingooErrorBody, [400, 401, 403, 404, 409, 413, 429, 500]
);
surface_error!(
    /// An error on the urlplus surface.
    UrlplusError, Surface::Urlplus, UrlplusErrorBody, [400, 401, 404, 409, 413, 429, 500]
);
surface_error!(
    /// An error on the CodeBox surface.
    CodeBoxError, Surface::CodeBox, CodeBoxErrorBody, [400, 401, 404, 429, 500]
);
surface_error!(
    /// An error on the visits-counter surface.
    CounterError, Surface::Counter, CounterErrorBody, [400, 401, 429, 500, 502]
);
surface_error!(
    /// An error on the unshort surface.
    UnshortError, Surface::Unshort, UnshortErrorBody, [400, 401, 429, 500, 503]
);

/// urlplus's success envelope with data: `{"error": 0, "data": …}`.
#[derive(Debug, Object)]
pub struct UrlplusData<T: ParseFromJSON + ToJSON> {
    /// 0 on success.
    pub error: i32,
    pub data: T,
}

/// urlplus's success envelope with a message: `{"error": 0, "message": …}`.
#[derive(Debug, Object)]
pub struct UrlplusMessage {
    pub error: i32,
    pub message: String,
}

#[derive(ApiResponse)]
pub enum UrlplusOk<T: ParseFromJSON + ToJSON> {
    #[oai(status = 200)]
    Data(Json<UrlplusData<T>>),
}

impl<T: ParseFromJSON + ToJSON> UrlplusOk<T> {
    pub fn data(data: T) -> Self {
        UrlplusOk::Data(Json(UrlplusData { error: 0, data }))
    }
}

/// A urlplus action that answers with a message only.
#[derive(ApiResponse)]
pub enum UrlplusDone {
    #[oai(status = 200)]
    Message(Json<UrlplusMessage>),
}

impl UrlplusDone {
    pub fn message(message: impl Into<String>) -> Self {
        UrlplusDone::Message(Json(UrlplusMessage { error: 0, message: message.into() }))
    }
}

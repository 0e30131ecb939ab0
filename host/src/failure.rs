//! One error vocabulary for every surface. Each domain error converts into a
//! [`Failure`] once (in the domain's `error.rs`); each surface renders it in
//! its own envelope ([`crate::surface`]). Neither module knows HTTP routing
//! or any product, so domains use them without depending on `http`.

use poem::http::StatusCode;

/// What went wrong, in terms every surface can express.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PayloadTooLarge,
    /// The client sent its request body too slowly.
    RequestTimeout,
    /// A per-second or per-minute limit.
    RateLimited,
    /// A daily quota.
    QuotaExceeded,
    /// A plugin trapped, timed out or returned something unusable.
    PluginFailed,
    Unavailable,
    Internal,
}

impl FailureKind {
    pub fn status(self) -> StatusCode {
        match self {
            FailureKind::BadRequest => StatusCode::BAD_REQUEST,
            FailureKind::Unauthorized => StatusCode::UNAUTHORIZED,
            FailureKind::Forbidden => StatusCode::FORBIDDEN,
            FailureKind::NotFound => StatusCode::NOT_FOUND,
            FailureKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            FailureKind::Conflict => StatusCode::CONFLICT,
            FailureKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            FailureKind::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            FailureKind::RateLimited | FailureKind::QuotaExceeded => StatusCode::TOO_MANY_REQUESTS,
            FailureKind::PluginFailed => StatusCode::BAD_GATEWAY,
            FailureKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            FailureKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The closest kind for a status produced outside our handlers (request
    /// parsing, routing, body limits).
    pub fn from_status(status: StatusCode) -> Self {
        match status {
            StatusCode::UNAUTHORIZED => FailureKind::Unauthorized,
            StatusCode::FORBIDDEN => FailureKind::Forbidden,
            StatusCode::NOT_FOUND => FailureKind::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => FailureKind::MethodNotAllowed,
            StatusCode::CONFLICT => FailureKind::Conflict,
            StatusCode::PAYLOAD_TOO_LARGE => FailureKind::PayloadTooLarge,
            StatusCode::REQUEST_TIMEOUT => FailureKind::RequestTimeout,
            StatusCode::TOO_MANY_REQUESTS => FailureKind::RateLimited,
            StatusCode::SERVICE_UNAVAILABLE => FailureKind::Unavailable,
            s if s.is_client_error() => FailureKind::BadRequest,
            _ => FailureKind::Internal,
        }
    }
}

/// An error answer before it is dressed in a surface's envelope.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
}

impl Failure {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(FailureKind::BadRequest, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(FailureKind::Unauthorized, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(FailureKind::NotFound, message)
    }

    /// Internal details go to the log, never to the client.
    pub fn internal(error: &dyn std::fmt::Display) -> Self {
        tracing::error!(%error, "internal error");
        Self::new(FailureKind::Internal, "internal server error")
    }
}

impl From<crate::store::StoreError> for Failure {
    fn from(error: crate::store::StoreError) -> Self {
        Failure::internal(&error)
    }
}

impl From<sqlx::Error> for Failure {
    fn from(error: sqlx::Error) -> Self {
        Failure::internal(&error)
    }
}

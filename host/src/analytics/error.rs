//! What analytics refuses or fails at, mapped once to Pingoo's envelope.

use crate::failure::{Failure, FailureKind};

#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    #[error("{0}")]
    Invalid(String),
    /// Also the answer for another user's site: its existence is not
    /// revealed (never a 403).
    #[error("site not found")]
    SiteNotFound,
    #[error("{0}")]
    Forbidden(String),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
    #[error(transparent)]
    Busy(#[from] super::ingest::BufferFull),
}

impl From<AnalyticsError> for Failure {
    fn from(error: AnalyticsError) -> Self {
        match error {
            AnalyticsError::Invalid(message) => Failure::bad_request(message),
            AnalyticsError::SiteNotFound => Failure::new(FailureKind::NotFound, error.to_string()),
            AnalyticsError::Forbidden(message) => Failure::new(FailureKind::Forbidden, message),
            AnalyticsError::Store(error) => Failure::from(error),
            AnalyticsError::Busy(_) => Failure::new(FailureKind::Unavailable, error.to_string()),
        }
    }
}

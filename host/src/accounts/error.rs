//! What can go wrong with accounts and credentials.

use crate::failure::{Failure, FailureKind};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    Invalid(String),
    #[error("email is already registered")]
    EmailTaken,
    #[error("username is already taken")]
    UsernameTaken,
    /// Another username looks the same (UTS #39 skeleton, case-folded).
    #[error("username is too similar to an existing username")]
    UsernameConfusable,
    #[error("invalid email or password")]
    WrongCredentials,
    #[error("old password is incorrect")]
    WrongOldPassword,
    #[error("refresh token is invalid, expired or already used")]
    BadRefreshToken,
    #[error("invalid token: {0}")]
    BadAccessToken(TokenRejection),
    #[error("invalid or revoked API key")]
    BadApiKey,
    #[error("user not found")]
    UserNotFound,
    #[error("API key not found")]
    KeyNotFound,
    #[error(transparent)]
    Store(#[from] sqlx::Error),
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

/// Why an access token was refused, as a client may be told: a class, never
/// the parser's message (which would name accepted algorithms and internals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenRejection {
    #[error("expired")]
    Expired,
    #[error("bad signature")]
    BadSignature,
    #[error("malformed")]
    Malformed,
    #[error("not yet valid")]
    NotYetValid,
    /// Issued before a password change, or for a user that no longer exists.
    #[error("revoked")]
    Revoked,
}

impl From<AccountError> for Failure {
    fn from(error: AccountError) -> Self {
        let kind = match &error {
            AccountError::Invalid(_) => FailureKind::BadRequest,
            AccountError::EmailTaken | AccountError::UsernameTaken | AccountError::UsernameConfusable => {
                FailureKind::Conflict
            }
            AccountError::WrongCredentials
            | AccountError::BadRefreshToken
            | AccountError::BadAccessToken(_)
            | AccountError::BadApiKey => FailureKind::Unauthorized,
            // Signed in, but not allowed this without the old password (the
            // seed's 403, "insufficient permission").
            AccountError::WrongOldPassword => FailureKind::Forbidden,
            AccountError::UserNotFound | AccountError::KeyNotFound => FailureKind::NotFound,
            AccountError::Store(e) => return Failure::internal(e),
            AccountError::Hashing(e) => return Failure::internal(e),
        };
        Failure::new(kind, error.to_string())
    }
}

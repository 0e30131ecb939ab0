//! What can go wrong with accounts and credentials.

use crate::http::{Failure, FailureKind};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    Invalid(String),
    #[error("email is already registered")]
    EmailTaken,
    #[error("username is already taken")]
    UsernameTaken,
    #[error("invalid email or password")]
    WrongCredentials,
    #[error("old password is incorrect")]
    WrongOldPassword,
    #[error("refresh token is invalid, expired or already used")]
    BadRefreshToken,
    #[error("Invalid token: {0}")]
    BadAccessToken(String),
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

impl From<AccountError> for Failure {
    fn from(error: AccountError) -> Self {
        let kind = match &error {
            AccountError::Invalid(_) => FailureKind::BadRequest,
            AccountError::EmailTaken | AccountError::UsernameTaken => FailureKind::Conflict,
            AccountError::WrongCredentials
            | AccountError::BadRefreshToken
            | AccountError::BadAccessToken(_)
            | AccountError::BadApiKey => FailureKind::Unauthorized,
            AccountError::WrongOldPassword => FailureKind::BadRequest,
            AccountError::UserNotFound | AccountError::KeyNotFound => FailureKind::NotFound,
            AccountError::Store(e) => return Failure::internal(e),
            AccountError::Hashing(e) => return Failure::internal(e),
        };
        Failure::new(kind, error.to_string())
    }
}

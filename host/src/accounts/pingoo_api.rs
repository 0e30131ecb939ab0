//! `/api/auth/*`: Pingoo's account endpoints, in Pingoo's envelope.

use std::sync::Arc;

use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};

use super::fields::{Email, NewPassword, Username};
use super::{Accounts, Session, UserRow};
use crate::http::credentials::Auth;
use crate::http::envelope::{PingooError, PingooOk};
use crate::http::json_text::JsonText;

#[derive(Tags)]
enum ApiTags {
    /// Pingoo-compatible accounts: register, login, refresh, profile, password.
    #[oai(rename = "Pingoo: auth")]
    PingooAuth,
}

type Answer<T> = Result<PingooOk<T>, PingooError>;

#[derive(Debug, Object)]
pub struct Registration {
    pub email: Email,
    pub password: NewPassword,
    /// Derived from the email when absent or `null`.
    #[oai(nullable)]
    pub username: Option<Username>,
}

/// Any email and password may be tried; a wrong pair is a 401.
#[derive(Debug, Object)]
pub struct Credentials {
    pub email: JsonText,
    pub password: JsonText,
}

#[derive(Debug, Object)]
pub struct RefreshRequest {
    pub refresh_token: JsonText,
}

#[derive(Debug, Object)]
pub struct ProfileUpdate {
    /// Absent or `null`: unchanged.
    #[oai(nullable)]
    pub username: Option<Username>,
    /// Absent or `null`: unchanged.
    #[oai(nullable)]
    pub email: Option<Email>,
}

#[derive(Debug, Object)]
pub struct PasswordChange {
    /// A wrong one is refused with 403.
    pub old_password: JsonText,
    pub new_password: NewPassword,
}

#[derive(Debug, Object)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub email: String,
    /// `user` or `admin`.
    pub role: String,
}

impl From<&UserRow> for UserView {
    fn from(user: &UserRow) -> Self {
        Self {
            id: user.id,
            username: user.username.clone(),
            email: user.email.clone(),
            role: user.role.as_str().into(),
        }
    }
}

#[derive(Debug, Object)]
pub struct SessionView {
    /// Access JWT; send as `Authorization: Bearer …`.
    pub token: String,
    /// Opaque; each use at `/api/auth/refresh` spends it and returns a new one.
    pub refresh_token: String,
    pub user: UserView,
    /// Access token lifetime in seconds.
    pub expires_in: u64,
    /// Registration only: the account's first API key, shown this once.
    #[oai(skip_serializing_if_is_none)]
    pub api_key: Option<String>,
}

impl From<Session> for SessionView {
    fn from(session: Session) -> Self {
        Self {
            token: session.access_token,
            refresh_token: session.refresh_token,
            user: UserView::from(&session.user),
            expires_in: session.expires_in,
            api_key: session.api_key,
        }
    }
}

pub struct PingooAuthApi {
    pub accounts: Arc<Accounts>,
}

#[OpenApi(tag = "ApiTags::PingooAuth")]
impl PingooAuthApi {
    /// Create a user (and its first API key); answers like login.
    #[oai(path = "/api/auth/register", method = "post")]
    async fn register(&self, body: Json<Registration>) -> Answer<SessionView> {
        let session = self.accounts.register(&body.email, &body.password, body.username.as_deref()).await?;
        Ok(PingooOk::data(session.into()))
    }

    /// Exchange email and password for an access token and a refresh token.
    #[oai(path = "/api/auth/login", method = "post")]
    async fn login(&self, body: Json<Credentials>) -> Answer<SessionView> {
        let session = self.accounts.login(&body.email, &body.password).await?;
        Ok(PingooOk::data(session.into()))
    }

    /// Spend a refresh token for a new token pair. A spent token fails, and
    /// presenting it again revokes every token descended from the same login.
    #[oai(path = "/api/auth/refresh", method = "post")]
    async fn refresh(&self, body: Json<RefreshRequest>) -> Answer<SessionView> {
        let session = self.accounts.refresh(&body.refresh_token).await?;
        Ok(PingooOk::data(session.into()))
    }

    /// The signed-in user.
    #[oai(path = "/api/auth/me", method = "get")]
    async fn me(&self, auth: Auth) -> Answer<UserView> {
        let user = self.accounts.user(auth.user_id()).await?;
        Ok(PingooOk::data(UserView::from(&user)))
    }

    /// Change username and/or email.
    #[oai(path = "/api/auth/profile", method = "put")]
    async fn profile(&self, auth: Auth, body: Json<ProfileUpdate>) -> Answer<UserView> {
        let user =
            self.accounts.update_profile(auth.user_id(), body.username.as_deref(), body.email.as_deref()).await?;
        Ok(PingooOk::data(UserView::from(&user)))
    }

    /// Change the password (the old one is required). Revokes every refresh
    /// token of the user.
    #[oai(path = "/api/auth/password", method = "put")]
    async fn password(&self, auth: Auth, body: Json<PasswordChange>) -> Answer<String> {
        self.accounts.change_password(auth.user_id(), &body.old_password, &body.new_password).await?;
        Ok(PingooOk::data("密码修改成功".to_string()))
    }
}

//! `/api/account*`: urlplus's account endpoints and API-key management, in
//! urlplus's envelope.

use std::sync::Arc;

use chrono::TimeZone;
use chrono_tz::Tz;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi, Tags};

use super::fields::{Email, KeyName, NewPassword};
use super::{Accounts, KeyRow, KeyScope};
use crate::http::credentials::Auth;
use crate::http::envelope::{UrlplusDone, UrlplusError, UrlplusOk};

#[derive(Tags)]
enum ApiTags {
    /// urlplus-compatible account and API keys.
    #[oai(rename = "urlplus: account")]
    UrlplusAccount,
}

type Answer<T> = Result<UrlplusOk<T>, UrlplusError>;
type Done = Result<UrlplusDone, UrlplusError>;

#[derive(Debug, Object)]
pub struct AccountView {
    pub id: i64,
    pub email: String,
    pub username: String,
    pub avatar: String,
    /// Membership level. A self-hosted Waymark has one: `pro`.
    pub status: String,
    /// When the membership ends; `null`: never.
    #[oai(nullable)]
    pub expires: Option<String>,
    /// `YYYY-MM-DD HH:MM:SS` in the server's time zone.
    pub registered: String,
}

#[derive(Debug, Object)]
pub struct AccountUpdate {
    #[oai(nullable)]
    pub email: Option<Email>,
    #[oai(nullable)]
    pub password: Option<NewPassword>,
}

/// What an API key may be used for: `full` (the whole account) or `public`
/// (visits-counter and unshort only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum KeyScopeName {
    /// The whole account, as every key before scopes.
    Full,
    /// `/api/visits-counter` and `/api/unshort` only; safe to publish.
    Public,
}

impl From<KeyScopeName> for KeyScope {
    fn from(name: KeyScopeName) -> Self {
        match name {
            KeyScopeName::Full => KeyScope::Full,
            KeyScopeName::Public => KeyScope::Public,
        }
    }
}

impl From<KeyScope> for KeyScopeName {
    fn from(scope: KeyScope) -> Self {
        match scope {
            KeyScope::Full => KeyScopeName::Full,
            KeyScope::Public => KeyScopeName::Public,
        }
    }
}

#[derive(Debug, Object)]
pub struct KeyView {
    pub id: i64,
    pub name: String,
    /// The key's first characters, to tell keys apart.
    pub prefix: String,
    /// `full` (the whole account) or `public` (visits-counter and unshort
    /// only; safe to publish in a badge).
    pub scope: KeyScopeName,
    pub created: String,
    #[oai(nullable)]
    pub last_used: Option<String>,
}

#[derive(Debug, Object)]
pub struct KeyList {
    pub keys: Vec<KeyView>,
}

#[derive(Debug, Object)]
pub struct NewKeyRequest {
    pub name: KeyName,
    /// `full` (default: the whole account, as before scopes existed) or
    /// `public`: works only on `/api/visits-counter` and `/api/unshort`,
    /// counting against the account's quotas there, and is refused with 403
    /// everywhere else. Use a public key in badges and embeds.
    #[oai(nullable)]
    pub scope: Option<KeyScopeName>,
}

#[derive(Debug, Object)]
pub struct NewKeyView {
    pub id: i64,
    pub name: String,
    /// The whole key. Shown once: only its hash is stored.
    pub key: String,
    pub prefix: String,
    /// `full` or `public`.
    pub scope: KeyScopeName,
    pub created: String,
}

pub struct UrlplusAccountApi {
    pub accounts: Arc<Accounts>,
    pub tz: Tz,
}

impl UrlplusAccountApi {
    fn date(&self, ms: i64) -> String {
        self.tz.timestamp_millis_opt(ms).single().map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default()
    }

    fn key_view(&self, key: &KeyRow) -> KeyView {
        KeyView {
            id: key.id,
            name: key.name.clone(),
            prefix: key.prefix.clone(),
            scope: key.scope.into(),
            created: self.date(key.created_at),
            last_used: key.last_used_at.map(|ms| self.date(ms)),
        }
    }
}

#[OpenApi(tag = "ApiTags::UrlplusAccount")]
impl UrlplusAccountApi {
    /// The account the credential belongs to.
    #[oai(path = "/api/account", method = "get")]
    async fn account(&self, auth: Auth) -> Answer<AccountView> {
        let user = self.accounts.user(auth.user_id()).await?;
        Ok(UrlplusOk::data(AccountView {
            id: user.id,
            email: user.email,
            username: user.username,
            avatar: user.avatar,
            status: "pro".into(),
            expires: None,
            registered: self.date(user.created_at),
        }))
    }

    /// Change email and/or password (absent or `null`: unchanged; both
    /// are checked before either is stored). A new password revokes the
    /// account's refresh tokens and access tokens; API keys keep working.
    #[oai(path = "/api/account/update", method = "put")]
    async fn update(&self, auth: Auth, body: Json<AccountUpdate>) -> Done {
        self.accounts.update_account(auth.user_id(), body.email.as_deref(), body.password.as_deref()).await?;
        Ok(UrlplusDone::message("Account has been successfully updated."))
    }

    /// The account's active API keys (never the keys themselves).
    #[oai(path = "/api/account/keys", method = "get")]
    async fn keys(&self, auth: Auth) -> Answer<KeyList> {
        let keys = self.accounts.keys(auth.user_id()).await?;
        Ok(UrlplusOk::data(KeyList { keys: keys.iter().map(|k| self.key_view(k)).collect() }))
    }

    /// Create an API key. The answer is the only time the key is shown.
    #[oai(path = "/api/account/keys", method = "post")]
    async fn create_key(&self, auth: Auth, body: Json<NewKeyRequest>) -> Answer<NewKeyView> {
        let scope = body.scope.map(KeyScope::from).unwrap_or_default();
        let new = self.accounts.create_key(auth.user_id(), &body.name, scope).await?;
        Ok(UrlplusOk::data(NewKeyView {
            id: new.row.id,
            name: new.row.name.clone(),
            prefix: new.row.prefix.clone(),
            scope: new.row.scope.into(),
            created: self.date(new.row.created_at),
            key: new.key,
        }))
    }

    /// Revoke an API key; it stops working at once.
    #[oai(path = "/api/account/keys/:id", method = "delete")]
    async fn delete_key(&self, auth: Auth, id: Path<i64>) -> Done {
        self.accounts.revoke_key(auth.user_id(), id.0).await?;
        Ok(UrlplusDone::message("API key has been revoked."))
    }
}

//! One account system for all five surfaces: users, passwords, access JWTs,
//! rotating refresh tokens and API keys.
//!
//! Its REST faces are `pingoo_api` (`/api/auth/*`, Pingoo's envelope) and
//! `urlplus_api` (`/api/account*`, urlplus's envelope); both call the same
//! [`Accounts`] service.

mod error;
mod password;
pub mod pingoo_api;
mod secret;
mod store;
mod tokens;
pub mod urlplus_api;
mod validate;

use std::time::Duration;

use moka::future::Cache;
use serde::{Deserialize, Serialize};

pub use error::AccountError;
pub use store::{KeyRow, UserRow};

use crate::config::AuthConfig;
use crate::store::Db;
use tokens::JwtKeys;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Admin => "admin",
        }
    }

    /// Unknown roles in the database grant nothing beyond `user`.
    fn parse(text: &str) -> Role {
        if text == "admin" { Role::Admin } else { Role::User }
    }
}

/// Who a request acts for, once its credential checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub role: Role,
}

/// What `register`, `login` and `refresh` hand back.
pub struct Session {
    pub user: UserRow,
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
    /// Only at registration: the key generated for the new user, shown once.
    pub api_key: Option<String>,
}

/// A freshly created API key; `key` is never retrievable again.
pub struct NewKey {
    pub row: KeyRow,
    pub key: String,
}

pub struct Accounts {
    db: Db,
    config: AuthConfig,
    jwt: JwtKeys,
    /// SHA-256 of an API key → its owner. Short-lived so that revocation on
    /// another replica takes effect within `principal_cache_secs`.
    keys: Cache<String, i64>,
    /// User id → role (and proof the user still exists).
    users: Cache<i64, Role>,
    /// A hash of a random password, verified against when a login names an
    /// unknown email, so response time does not reveal which emails exist.
    dummy_hash: String,
}

impl Accounts {
    pub async fn new(db: Db, config: AuthConfig, data_dir: &std::path::Path) -> Result<Self, AccountError> {
        let secret = secret::jwt_secret(&db, &config, data_dir).await?;
        let ttl = Duration::from_secs(config.principal_cache_secs);
        Ok(Self {
            dummy_hash: password::hash(tokens::random_token()).await?,
            jwt: JwtKeys::new(secret.as_bytes()),
            keys: Cache::builder().max_capacity(100_000).time_to_live(ttl).build(),
            users: Cache::builder().max_capacity(100_000).time_to_live(ttl).build(),
            db,
            config,
        })
    }

    /// Resolves an API key (`wm_…`) or an access JWT to its principal.
    pub async fn authenticate(&self, credential: &str) -> Result<Principal, AccountError> {
        let user_id = if tokens::is_api_key(credential) {
            let hash = tokens::sha256_hex(credential);
            match self.keys.get(&hash).await {
                Some(user_id) => user_id,
                None => {
                    let user_id = store::key_owner(&self.db, &hash).await?.ok_or(AccountError::BadApiKey)?;
                    self.keys.insert(hash, user_id).await;
                    user_id
                }
            }
        } else {
            self.jwt.verify(credential)?
        };
        let role = match self.users.get(&user_id).await {
            Some(role) => role,
            None => {
                let user = store::user_by_id(&self.db, user_id)
                    .await?
                    .ok_or_else(|| AccountError::BadAccessToken("user no longer exists".into()))?;
                self.users.insert(user_id, user.role).await;
                user.role
            }
        };
        Ok(Principal { user_id, role })
    }

    /// Creates a user with a generated API key and signs them in.
    pub async fn register(&self, email: &str, password: &str, username: Option<&str>) -> Result<Session, AccountError> {
        let email = validate::email(email)?;
        validate::password(password)?;
        let username = match username {
            Some(name) => validate::username(name)?,
            None => self.free_username(&email).await?,
        };
        if store::user_by_email(&self.db, &email).await?.is_some() {
            return Err(AccountError::EmailTaken);
        }
        let hash = password::hash(password.to_string()).await?;
        let id = store::insert_user(&self.db, &email, &username, &hash, Role::User)
            .await?
            .ok_or(AccountError::EmailTaken)?;
        let key = self.create_key(id, "default").await?;
        let user = self.user(id).await?;
        let mut session = self.start_session(user, &tokens::random_token()).await?;
        session.api_key = Some(key.key);
        Ok(session)
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<Session, AccountError> {
        let email = email.trim().to_lowercase();
        let user = store::user_by_email(&self.db, &email).await?;
        let stored = user.as_ref().map_or_else(|| self.dummy_hash.clone(), |u| u.password_hash.clone());
        let ok = password::verify(password.to_string(), stored).await?;
        match user {
            Some(user) if ok => self.start_session(user, &tokens::random_token()).await,
            _ => Err(AccountError::WrongCredentials),
        }
    }

    /// Trades a refresh token for a new pair. The old token is spent; showing
    /// a spent token again means it leaked, so its whole family is revoked.
    pub async fn refresh(&self, refresh_token: &str) -> Result<Session, AccountError> {
        let hash = tokens::sha256_hex(refresh_token);
        match store::consume_refresh(&self.db, &hash).await? {
            Some((user_id, family)) => {
                let user = store::user_by_id(&self.db, user_id).await?.ok_or(AccountError::BadRefreshToken)?;
                self.start_session(user, &family).await
            }
            None => {
                if let Some(family) = store::refresh_family(&self.db, &hash).await? {
                    tracing::warn!("spent refresh token presented again; revoking its family");
                    store::revoke_refresh_family(&self.db, &family).await?;
                }
                Err(AccountError::BadRefreshToken)
            }
        }
    }

    pub async fn user(&self, id: i64) -> Result<UserRow, AccountError> {
        store::user_by_id(&self.db, id).await?.ok_or(AccountError::UserNotFound)
    }

    pub async fn update_profile(
        &self,
        id: i64,
        username: Option<&str>,
        email: Option<&str>,
    ) -> Result<UserRow, AccountError> {
        let username = username.map(validate::username).transpose()?;
        let email = email.map(validate::email).transpose()?;
        if let Some(email) = &email
            && store::user_by_email(&self.db, email).await?.is_some_and(|u| u.id != id)
        {
            return Err(AccountError::EmailTaken);
        }
        if let Some(name) = &username
            && store::username_exists(&self.db, name).await?
            && self.user(id).await?.username != *name
        {
            return Err(AccountError::UsernameTaken);
        }
        let updated = store::update_user(&self.db, id, email.as_deref(), username.as_deref(), None, None).await?;
        if !updated {
            return Err(AccountError::EmailTaken);
        }
        self.user(id).await
    }

    /// Pingoo's password change: proves the old password first.
    pub async fn change_password(&self, id: i64, old: &str, new: &str) -> Result<(), AccountError> {
        let user = self.user(id).await?;
        if !password::verify(old.to_string(), user.password_hash).await? {
            return Err(AccountError::WrongOldPassword);
        }
        self.set_password(id, new).await
    }

    /// Sets a new password and revokes every refresh token of the user, so a
    /// stolen session cannot outlive the password change.
    pub async fn set_password(&self, id: i64, new: &str) -> Result<(), AccountError> {
        validate::password(new)?;
        let hash = password::hash(new.to_string()).await?;
        store::update_user(&self.db, id, None, None, Some(&hash), None).await?;
        store::revoke_user_refresh(&self.db, id).await?;
        Ok(())
    }

    pub async fn keys(&self, user_id: i64) -> Result<Vec<KeyRow>, AccountError> {
        Ok(store::active_keys(&self.db, user_id).await?)
    }

    pub async fn create_key(&self, user_id: i64, name: &str) -> Result<NewKey, AccountError> {
        let name = validate::key_name(name)?;
        let key = tokens::new_api_key();
        let prefix: String = key.chars().take(10).collect();
        let row = store::insert_key(&self.db, user_id, &name, &prefix, &tokens::sha256_hex(&key)).await?;
        Ok(NewKey { row, key })
    }

    pub async fn revoke_key(&self, user_id: i64, key_id: i64) -> Result<(), AccountError> {
        let hash = store::revoke_key(&self.db, user_id, key_id).await?.ok_or(AccountError::KeyNotFound)?;
        self.keys.invalidate(&hash).await;
        Ok(())
    }

    /// Operator path (`waymark admin create`): creates an admin, or promotes
    /// an existing user and sets the given password. Returns the user and, for
    /// a new user, their first API key.
    pub async fn ensure_admin(&self, email: &str, password: &str) -> Result<(UserRow, Option<String>), AccountError> {
        let email = validate::email(email)?;
        validate::password(password)?;
        if let Some(user) = store::user_by_email(&self.db, &email).await? {
            let hash = password::hash(password.to_string()).await?;
            store::update_user(&self.db, user.id, None, None, Some(&hash), Some(Role::Admin)).await?;
            store::revoke_user_refresh(&self.db, user.id).await?;
            self.users.invalidate(&user.id).await;
            return Ok((self.user(user.id).await?, None));
        }
        let username = self.free_username(&email).await?;
        let hash = password::hash(password.to_string()).await?;
        let id = store::insert_user(&self.db, &email, &username, &hash, Role::Admin)
            .await?
            .ok_or(AccountError::EmailTaken)?;
        let key = self.create_key(id, "default").await?;
        Ok((self.user(id).await?, Some(key.key)))
    }

    async fn start_session(&self, user: UserRow, family: &str) -> Result<Session, AccountError> {
        let ttl = self.config.access_token_ttl_secs;
        let access_token = self.jwt.issue(user.id, user.role, ttl)?;
        let refresh_token = tokens::new_refresh_token();
        let refresh_ttl_ms = (self.config.refresh_token_ttl_secs as i64).saturating_mul(1000);
        store::insert_refresh(&self.db, user.id, &tokens::sha256_hex(&refresh_token), family, refresh_ttl_ms).await?;
        Ok(Session { user, access_token, refresh_token, expires_in: ttl, api_key: None })
    }

    /// A username derived from the email's local part, made unique with a
    /// number when needed (Pingoo registers with email and password only).
    async fn free_username(&self, email: &str) -> Result<String, AccountError> {
        let base = validate::username_from_email(email);
        if !store::username_exists(&self.db, &base).await? {
            return Ok(base);
        }
        for n in 2..1000 {
            let candidate = format!("{base}{n}");
            if !store::username_exists(&self.db, &candidate).await? {
                return Ok(candidate);
            }
        }
        Ok(format!("{base}_{}", &tokens::random_token()[..8]))
    }
}

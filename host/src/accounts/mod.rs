//! One account system for all five surfaces: users, passwords, access JWTs,
//! rotating refresh tokens and API keys.
//!
//! Its REST faces are `pingoo_api` (`/api/auth/*`, Pingoo's envelope) and
//! `urlplus_api` (`/api/account*`, urlplus's envelope); both call the same
//! [`Accounts`] service.

mod error;
mod fields;
mod password;
pub mod pingoo_api;
mod scope;
mod secret;
mod store;
mod tokens;
pub mod urlplus_api;
mod validate;

use std::time::Duration;

use moka::future::Cache;
use serde::{Deserialize, Serialize};

pub use error::{AccountError, TokenRejection};
pub use scope::KeyScope;
pub use store::{KeyRow, UserRow};

/// The accounts' route policies (see [`crate::http::routes`]): Pingoo's
/// `/api/auth/*` and urlplus's `/api/account*`. Signing in ignores a failed
/// credential: clients often still send the expired token they replace.
pub const ROUTES: &[Route] = &[
    Route::under("/api/auth", Surface::Pingoo),
    Route::exactly("/api/auth/login", Surface::Pingoo).ignoring_failed_credentials(),
    Route::exactly("/api/auth/register", Surface::Pingoo).ignoring_failed_credentials(),
    Route::exactly("/api/auth/refresh", Surface::Pingoo).ignoring_failed_credentials(),
    Route::under("/api/account", Surface::Urlplus),
];

use crate::config::AuthConfig;
use crate::http::routes::Route;
use crate::store::Db;
use crate::surface::Surface;
use store::UserChanges;
use tokens::JwtKeys;
use validate::Username;

/// How many derived usernames (`jane`, `jane2`, `jane3`…) registration tries
/// when racing sign-ups keep taking the one it picked; past that it appends
/// random characters, which cannot collide in practice.
const DERIVED_USERNAME_ATTEMPTS: u32 = 32;

/// What the principal cache keeps per user: enough to authenticate without
/// a query.
#[derive(Debug, Clone, Copy)]
struct CachedUser {
    role: Role,
    token_version: i64,
}

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
    /// The API key's scope; access JWTs are always `Full`.
    pub scope: KeyScope,
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
    /// SHA-256 of an API key → its owner and scope. Short-lived so that
    /// revocation on another replica takes effect within
    /// `principal_cache_secs`.
    keys: Cache<String, (i64, KeyScope)>,
    /// User id → role and token version (and proof the user still exists).
    /// Short-lived for the same reason: a password change on another replica
    /// refuses older access tokens here once the entry expires.
    users: Cache<i64, CachedUser>,
    /// A hash of a random password, verified against when a login names an
    /// unknown email, so response time does not reveal which emails exist.
    dummy_hash: String,
}

impl Accounts {
    pub async fn new(db: Db, config: AuthConfig, data_dir: &std::path::Path) -> Result<Self, AccountError> {
        let secret = secret::jwt_secret(&db, &config, data_dir).await?;
        let ttl = Duration::from_secs(config.principal_cache_secs);
        backfill_skeletons(&db).await?;
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
    /// Both paths go through the short-lived caches, so a request costs no
    /// query once its credential was seen.
    pub async fn authenticate(&self, credential: &str) -> Result<Principal, AccountError> {
        if tokens::is_api_key(credential) {
            let hash = tokens::sha256_hex(credential);
            let (user_id, scope) = match self.keys.get(&hash).await {
                Some(owner) => owner,
                None => {
                    let owner = store::key_owner(&self.db, &hash).await?.ok_or(AccountError::BadApiKey)?;
                    self.keys.insert(hash, owner).await;
                    owner
                }
            };
            let user = self.cached_user(user_id).await?.ok_or(AccountError::BadApiKey)?;
            return Ok(Principal { user_id, role: user.role, scope });
        }
        let token = self.jwt.verify(credential)?;
        let revoked = || AccountError::BadAccessToken(TokenRejection::Revoked);
        let mut user = self.cached_user(token.user_id).await?.ok_or_else(revoked)?;
        if token.version > user.token_version {
            // A newer token than this replica has heard of: the password was
            // changed elsewhere and the cached version is stale. Re-read it.
            self.users.invalidate(&token.user_id).await;
            user = self.cached_user(token.user_id).await?.ok_or_else(revoked)?;
        }
        if token.version != user.token_version {
            return Err(revoked());
        }
        Ok(Principal { user_id: token.user_id, role: user.role, scope: KeyScope::Full })
    }

    /// The user's role and token version, from the cache or the database;
    /// `None` when the user no longer exists.
    async fn cached_user(&self, user_id: i64) -> Result<Option<CachedUser>, AccountError> {
        if let Some(user) = self.users.get(&user_id).await {
            return Ok(Some(user));
        }
        let Some(row) = store::user_by_id(&self.db, user_id).await? else {
            return Ok(None);
        };
        let user = CachedUser { role: row.role, token_version: row.token_version };
        self.users.insert(user_id, user).await;
        Ok(Some(user))
    }

    /// Creates a user with a generated API key and signs them in.
    pub async fn register(&self, email: &str, password: &str, username: Option<&str>) -> Result<Session, AccountError> {
        let email = validate::email(email)?;
        validate::password(password)?;
        let requested = username.map(validate::username).transpose()?;
        if store::user_by_email(&self.db, &email).await?.is_some() {
            return Err(AccountError::EmailTaken);
        }
        if let Some(name) = &requested {
            self.check_username_free(name, None).await?;
        }
        let hash = password::hash(password.to_string()).await?;
        let id = match &requested {
            Some(name) => self.insert_user(&email, name, &hash, Role::User).await?,
            None => self.insert_user_with_derived_name(&email, &hash, Role::User).await?,
        };
        let key = self.create_key(id, "default", KeyScope::Full).await?;
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
        if let Some(name) = &username {
            self.check_username_free(name, Some(id)).await?;
        }
        let changes = UserChanges { email: email.as_deref(), username: username.as_ref(), ..UserChanges::default() };
        if !store::update_user(&self.db, id, changes).await? {
            return Err(self.conflict_cause(email.as_deref(), username.as_ref(), Some(id)).await?);
        }
        self.user(id).await
    }

    /// urlplus's account update: a new email and/or password, each checked
    /// before either is stored, so a refused password leaves the email as
    /// it was. Nothing to change is a no-op.
    pub async fn update_account(
        &self,
        id: i64,
        email: Option<&str>,
        password: Option<&str>,
    ) -> Result<(), AccountError> {
        if let Some(password) = password {
            validate::password(password)?;
        }
        if let Some(email) = email {
            self.update_profile(id, None, Some(email)).await?;
        }
        if let Some(password) = password {
            self.set_password(id, password).await?;
        }
        Ok(())
    }

    /// Pingoo's password change: proves the old password first.
    pub async fn change_password(&self, id: i64, old: &str, new: &str) -> Result<(), AccountError> {
        let user = self.user(id).await?;
        if !password::verify(old.to_string(), user.password_hash).await? {
            return Err(AccountError::WrongOldPassword);
        }
        self.set_password(id, new).await
    }

    /// Sets a new password, bumps the token version (every access token
    /// issued before is refused: here at once, on other replicas once their
    /// principal cache entry expires) and revokes every refresh token of the
    /// user, so a stolen session cannot outlive the password change.
    pub async fn set_password(&self, id: i64, new: &str) -> Result<(), AccountError> {
        validate::password(new)?;
        let hash = password::hash(new.to_string()).await?;
        self.replace_password(id, &hash, None).await
    }

    /// The one place a password changes (see [`Accounts::set_password`]).
    async fn replace_password(&self, id: i64, hash: &str, role: Option<Role>) -> Result<(), AccountError> {
        let changes =
            UserChanges { password_hash: Some(hash), role, bump_token_version: true, ..UserChanges::default() };
        store::update_user(&self.db, id, changes).await?;
        self.users.invalidate(&id).await;
        store::revoke_user_refresh(&self.db, id).await?;
        Ok(())
    }

    pub async fn keys(&self, user_id: i64) -> Result<Vec<KeyRow>, AccountError> {
        Ok(store::active_keys(&self.db, user_id).await?)
    }

    pub async fn create_key(&self, user_id: i64, name: &str, scope: KeyScope) -> Result<NewKey, AccountError> {
        let name = validate::key_name(name)?;
        let key = tokens::new_api_key();
        let prefix: String = key.chars().take(10).collect();
        let row = store::insert_key(&self.db, user_id, &name, &prefix, &tokens::sha256_hex(&key), scope).await?;
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
            self.replace_password(user.id, &hash, Some(Role::Admin)).await?;
            return Ok((self.user(user.id).await?, None));
        }
        let hash = password::hash(password.to_string()).await?;
        let id = self.insert_user_with_derived_name(&email, &hash, Role::Admin).await?;
        let key = self.create_key(id, "default", KeyScope::Full).await?;
        Ok((self.user(id).await?, Some(key.key)))
    }

    async fn start_session(&self, user: UserRow, family: &str) -> Result<Session, AccountError> {
        let ttl = self.config.access_token_ttl_secs;
        let access_token = self.jwt.issue(user.id, user.role, user.token_version, ttl)?;
        let refresh_token = tokens::new_refresh_token();
        let refresh_ttl_ms = (self.config.refresh_token_ttl_secs as i64).saturating_mul(1000);
        store::insert_refresh(&self.db, user.id, &tokens::sha256_hex(&refresh_token), family, refresh_ttl_ms).await?;
        Ok(Session { user, access_token, refresh_token, expires_in: ttl, api_key: None })
    }

    /// Refuses a username another user has, or one that looks like it.
    async fn check_username_free(&self, name: &Username, own_id: Option<i64>) -> Result<(), AccountError> {
        let other = |id: Option<i64>| id.is_some_and(|id| Some(id) != own_id);
        if other(store::user_id_by_username(&self.db, &name.name).await?) {
            return Err(AccountError::UsernameTaken);
        }
        if other(store::user_id_by_skeleton(&self.db, &name.skeleton).await?) {
            return Err(AccountError::UsernameConfusable);
        }
        Ok(())
    }

    /// Which unique column a refused insert or update ran into. Checked after
    /// the fact, since the engines name violated constraints differently.
    async fn conflict_cause(
        &self,
        email: Option<&str>,
        username: Option<&Username>,
        own_id: Option<i64>,
    ) -> Result<AccountError, AccountError> {
        if let Some(email) = email
            && store::user_by_email(&self.db, email).await?.is_some_and(|u| Some(u.id) != own_id)
        {
            return Ok(AccountError::EmailTaken);
        }
        if let Some(name) = username
            && let Err(error) = self.check_username_free(name, own_id).await
        {
            return Ok(error);
        }
        // The colliding row is gone again; the client may simply retry.
        Ok(AccountError::UsernameTaken)
    }

    /// Inserts a user under the given username, or says which field collided.
    async fn insert_user(&self, email: &str, name: &Username, hash: &str, role: Role) -> Result<i64, AccountError> {
        match store::insert_user(&self.db, email, name, hash, role).await? {
            Some(id) => Ok(id),
            None => Err(self.conflict_cause(Some(email), Some(name), None).await?),
        }
    }

    /// Inserts a user under a username derived from the email's local part,
    /// made unique with a number. Concurrent sign-ups sharing a local part
    /// (`same@a.example`, `same@b.example`) may pick the same free name; the
    /// unique indexes let one win and the others try the next name.
    async fn insert_user_with_derived_name(&self, email: &str, hash: &str, role: Role) -> Result<i64, AccountError> {
        let base = validate::username_from_email(email);
        for _ in 0..DERIVED_USERNAME_ATTEMPTS {
            let name = self.free_username(&base).await?;
            match self.insert_user(email, &name, hash, role).await {
                Err(AccountError::UsernameTaken | AccountError::UsernameConfusable) => continue,
                other => return other,
            }
        }
        let name = random_suffixed(&base)?;
        self.insert_user(email, &name, hash, role).await
    }

    /// The first of `base`, `base2`, `base3`… that neither exists nor looks
    /// like an existing username.
    async fn free_username(&self, base: &str) -> Result<Username, AccountError> {
        for n in 1..1000 {
            let candidate = if n == 1 { base.to_string() } else { format!("{base}{n}") };
            let Ok(name) = validate::username(&candidate) else { break };
            if self.check_username_free(&name, None).await.is_ok() {
                return Ok(name);
            }
        }
        random_suffixed(base)
    }
}

/// `base_` and eight random characters: the way out when numbered names
/// keep colliding.
fn random_suffixed(base: &str) -> Result<Username, AccountError> {
    let short: String = base.chars().take(20).collect();
    let suffix: String = tokens::random_token().chars().filter(char::is_ascii_alphanumeric).take(8).collect();
    validate::username(&format!("{short}_{suffix}"))
}

/// Fills in the confusable skeleton of users created before it was stored.
/// Two existing look-alikes cannot both have one (the index is unique): the
/// later keeps none, is logged, and new look-alikes of it are still caught
/// through the earlier one.
async fn backfill_skeletons(db: &Db) -> Result<(), AccountError> {
    for (id, username) in store::users_without_skeleton(db).await? {
        let skeleton = validate::skeleton(&username);
        if !store::set_skeleton(db, id, &skeleton).await? {
            tracing::warn!(user_id = id, "username looks like another existing username; left without a skeleton");
        }
    }
    Ok(())
}

//! SQL for users, API keys and refresh tokens.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::validate::Username;
use super::{KeyScope, Role};
use crate::store::{Db, now_ms};

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub avatar: String,
    /// Carried in access tokens; bumped by a password change.
    pub token_version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone)]
pub struct KeyRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scope: KeyScope,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

const USER_COLUMNS: &str = "id, email, username, password_hash, role, avatar, token_version, created_at, updated_at";

fn user_from_row(row: &AnyRow) -> Result<UserRow, sqlx::Error> {
    Ok(UserRow {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        username: row.try_get("username")?,
        password_hash: row.try_get("password_hash")?,
        role: Role::parse(&row.try_get::<String, _>("role")?),
        avatar: row.try_get("avatar")?,
        token_version: row.try_get("token_version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub async fn user_by_id(db: &Db, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn user_by_email(db: &Db, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
    let row = sqlx::query(&sql).bind(email).fetch_optional(&db.pool).await?;
    row.as_ref().map(user_from_row).transpose()
}

/// The id of the user with exactly this username.
pub async fn user_id_by_username(db: &Db, username: &str) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM users WHERE username = $1").bind(username).fetch_optional(&db.pool).await?;
    Ok(row.map(|(id,)| id))
}

/// The id of the user whose username has this confusable skeleton.
pub async fn user_id_by_skeleton(db: &Db, skeleton: &str) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE username_skeleton = $1")
        .bind(skeleton)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(id,)| id))
}

/// Users created before skeletons were stored: `(id, username)`.
pub async fn users_without_skeleton(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, username FROM users WHERE username_skeleton IS NULL ORDER BY id")
        .fetch_all(&db.pool)
        .await
}

/// Fills in a missing skeleton; `Ok(false)` when another user already has it.
pub async fn set_skeleton(db: &Db, id: i64, skeleton: &str) -> Result<bool, sqlx::Error> {
    let result = sqlx::query("UPDATE users SET username_skeleton = $2 WHERE id = $1 AND username_skeleton IS NULL")
        .bind(id)
        .bind(skeleton)
        .execute(&db.pool)
        .await;
    unique_or(result.map(|_| ()))
}

/// `Ok(true)` on success, `Ok(false)` on a unique violation.
fn unique_or(result: Result<(), sqlx::Error>) -> Result<bool, sqlx::Error> {
    match result {
        Ok(()) => Ok(true),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e),
    }
}

/// Inserts a user; `Ok(None)` when the email, the username or its skeleton
/// is already taken (the caller finds out which).
pub async fn insert_user(
    db: &Db,
    email: &str,
    username: &Username,
    password_hash: &str,
    role: Role,
) -> Result<Option<i64>, sqlx::Error> {
    let now = now_ms();
    let result: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO users (email, username, username_skeleton, password_hash, role, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(email)
    .bind(&username.name)
    .bind(&username.skeleton)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(now)
    .fetch_one(&db.pool)
    .await;
    match result {
        Ok((id,)) => Ok(Some(id)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e),
    }
}

/// What [`update_user`] changes; `None` fields stay as they are.
#[derive(Debug, Default)]
pub struct UserChanges<'a> {
    pub email: Option<&'a str>,
    pub username: Option<&'a Username>,
    pub password_hash: Option<&'a str>,
    pub role: Option<Role>,
    /// Adds 1 to `token_version`, so every access token issued before stops
    /// working.
    pub bump_token_version: bool,
}

/// Updates the given fields; `Ok(false)` when a unique column collides.
pub async fn update_user(db: &Db, id: i64, changes: UserChanges<'_>) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE users SET
            email = COALESCE($2, email),
            username = COALESCE($3, username),
            username_skeleton = COALESCE($4, username_skeleton),
            password_hash = COALESCE($5, password_hash),
            role = COALESCE($6, role),
            token_version = token_version + $7,
            updated_at = $8
         WHERE id = $1",
    )
    .bind(id)
    .bind(changes.email)
    .bind(changes.username.map(|u| u.name.as_str()))
    .bind(changes.username.map(|u| u.skeleton.as_str()))
    .bind(changes.password_hash)
    .bind(changes.role.map(Role::as_str))
    .bind(i64::from(changes.bump_token_version))
    .bind(now_ms())
    .execute(&db.pool)
    .await;
    unique_or(result.map(|_| ()))
}

pub async fn insert_key(
    db: &Db,
    user_id: i64,
    name: &str,
    prefix: &str,
    key_hash: &str,
    scope: KeyScope,
) -> Result<KeyRow, sqlx::Error> {
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO api_keys (user_id, name, prefix, key_hash, scope, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(prefix)
    .bind(key_hash)
    .bind(scope.as_str())
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok(KeyRow { id, name: name.into(), prefix: prefix.into(), scope, created_at: now, last_used_at: None })
}

pub async fn active_keys(db: &Db, user_id: i64) -> Result<Vec<KeyRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name, prefix, scope, created_at, last_used_at FROM api_keys
         WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(KeyRow {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                prefix: row.try_get("prefix")?,
                scope: KeyScope::from_column(&row.try_get::<String, _>("scope")?),
                created_at: row.try_get("created_at")?,
                last_used_at: row.try_get("last_used_at")?,
            })
        })
        .collect()
}

/// Revokes one of the user's keys; returns its hash so caches can drop it.
pub async fn revoke_key(db: &Db, user_id: i64, key_id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "UPDATE api_keys SET revoked_at = $3
         WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING key_hash",
    )
    .bind(key_id)
    .bind(user_id)
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(hash,)| hash))
}

/// The owner and scope of an active key, recording that it was used.
pub async fn key_owner(db: &Db, key_hash: &str) -> Result<Option<(i64, KeyScope)>, sqlx::Error> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "UPDATE api_keys SET last_used_at = $2
         WHERE key_hash = $1 AND revoked_at IS NULL RETURNING user_id, scope",
    )
    .bind(key_hash)
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(user_id, scope)| (user_id, KeyScope::from_column(&scope))))
}

pub async fn insert_refresh(
    db: &Db,
    user_id: i64,
    token_hash: &str,
    family: &str,
    ttl_ms: i64,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO refresh_tokens (user_id, token_hash, family, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(token_hash)
    .bind(family)
    .bind(now)
    .bind(now + ttl_ms)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Marks a live refresh token used, atomically, so two racing refreshes with
/// the same token cannot both win. Returns its user and family.
pub async fn consume_refresh(db: &Db, token_hash: &str) -> Result<Option<(i64, String)>, sqlx::Error> {
    let now = now_ms();
    sqlx::query_as(
        "UPDATE refresh_tokens SET used_at = $2
         WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
         RETURNING user_id, family",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&db.pool)
    .await
}

/// The family of a token that exists but can no longer be used.
pub async fn refresh_family(db: &Db, token_hash: &str) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT family FROM refresh_tokens WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(f,)| f))
}

pub async fn revoke_refresh_family(db: &Db, family: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE refresh_tokens SET revoked_at = $2 WHERE family = $1 AND revoked_at IS NULL")
        .bind(family)
        .bind(now_ms())
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn revoke_user_refresh(db: &Db, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
        .bind(user_id)
        .bind(now_ms())
        .execute(&db.pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::validate;
    use crate::store::testing;

    #[tokio::test]
    async fn users_and_keys_round_trip_and_collisions_are_reported() {
        for test in testing::every_engine().await {
            let db = &test.db;
            let jane = validate::username("jane").unwrap();
            let id = insert_user(db, "jane@example.com", &jane, "hash", Role::User).await.unwrap().unwrap();
            let other = validate::username("other").unwrap();
            let taken = insert_user(db, "jane@example.com", &other, "h", Role::User).await.unwrap();
            assert_eq!(taken, None, "{:?}: a taken email is a collision", db.engine);
            let lookalike = validate::username("Jane").unwrap();
            assert_eq!(insert_user(db, "j2@example.com", &lookalike, "h", Role::User).await.unwrap(), None);
            assert_eq!(user_by_email(db, "jane@example.com").await.unwrap().map(|u| u.id), Some(id));
            let key = insert_key(db, id, "default", "wm_", "key-hash", KeyScope::Full).await.unwrap();
            assert_eq!(key_owner(db, "key-hash").await.unwrap().map(|(user, _)| user), Some(id));
            assert_eq!(revoke_key(db, id, key.id).await.unwrap().as_deref(), Some("key-hash"));
            assert!(key_owner(db, "key-hash").await.unwrap().is_none());
            assert!(active_keys(db, id).await.unwrap().is_empty());
        }
    }
}

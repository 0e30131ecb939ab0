//! SQL for users, API keys and refresh tokens.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::Role;
use crate::store::{Db, now_ms};

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub avatar: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone)]
pub struct KeyRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

const USER_COLUMNS: &str = "id, email, username, password_hash, role, avatar, created_at, updated_at";

fn user_from_row(row: &AnyRow) -> Result<UserRow, sqlx::Error> {
    Ok(UserRow {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        username: row.try_get("username")?,
        password_hash: row.try_get("password_hash")?,
        role: Role::parse(&row.try_get::<String, _>("role")?),
        avatar: row.try_get("avatar")?,
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

pub async fn username_exists(db: &Db, username: &str) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM users WHERE username = $1").bind(username).fetch_optional(&db.pool).await?;
    Ok(row.is_some())
}

/// Inserts a user; `Ok(None)` when the email or username is already taken.
pub async fn insert_user(
    db: &Db,
    email: &str,
    username: &str,
    password_hash: &str,
    role: Role,
) -> Result<Option<i64>, sqlx::Error> {
    let now = now_ms();
    let result: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO users (email, username, password_hash, role, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(email)
    .bind(username)
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

/// Updates the given fields; `Ok(false)` when a unique column collides.
pub async fn update_user(
    db: &Db,
    id: i64,
    email: Option<&str>,
    username: Option<&str>,
    password_hash: Option<&str>,
    role: Option<Role>,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE users SET
            email = COALESCE($2, email),
            username = COALESCE($3, username),
            password_hash = COALESCE($4, password_hash),
            role = COALESCE($5, role),
            updated_at = $6
         WHERE id = $1",
    )
    .bind(id)
    .bind(email)
    .bind(username)
    .bind(password_hash)
    .bind(role.map(Role::as_str))
    .bind(now_ms())
    .execute(&db.pool)
    .await;
    match result {
        Ok(_) => Ok(true),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e),
    }
}

pub async fn insert_key(
    db: &Db,
    user_id: i64,
    name: &str,
    prefix: &str,
    key_hash: &str,
) -> Result<KeyRow, sqlx::Error> {
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO api_keys (user_id, name, prefix, key_hash, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(prefix)
    .bind(key_hash)
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok(KeyRow { id, name: name.into(), prefix: prefix.into(), created_at: now, last_used_at: None })
}

pub async fn active_keys(db: &Db, user_id: i64) -> Result<Vec<KeyRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name, prefix, created_at, last_used_at FROM api_keys
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

/// The owner of an active key, recording that it was used.
pub async fn key_owner(db: &Db, key_hash: &str) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE api_keys SET last_used_at = $2
         WHERE key_hash = $1 AND revoked_at IS NULL RETURNING user_id",
    )
    .bind(key_hash)
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(user_id,)| user_id))
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

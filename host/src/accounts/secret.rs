//! The JWT signing secret: configured, or generated once and kept.
//!
//! With SQLite it lives in `<data_dir>/jwt_secret` (mode 0600). With
//! PostgreSQL it lives in the shared database, because replicas share nothing
//! else and every one of them must verify the tokens the others sign.

use std::path::Path;

use super::error::AccountError;
use super::tokens::random_token;
use crate::config::AuthConfig;
use crate::store::{Db, Engine, now_ms};

pub async fn jwt_secret(db: &Db, config: &AuthConfig, data_dir: &Path) -> Result<String, AccountError> {
    if let Some(secret) = &config.jwt_secret {
        return Ok(secret.clone());
    }
    match db.engine {
        Engine::Postgres => shared_secret(db).await,
        Engine::Sqlite => file_secret(&data_dir.join("jwt_secret")),
    }
}

async fn shared_secret(db: &Db) -> Result<String, AccountError> {
    let candidate = format!("{}{}", random_token(), random_token());
    // First replica to start wins; the others read its secret.
    sqlx::query(
        "INSERT INTO server_secrets (name, value, created_at) VALUES ('jwt', $1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(&candidate)
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    let (value,): (String,) =
        sqlx::query_as("SELECT value FROM server_secrets WHERE name = 'jwt'").fetch_one(&db.pool).await?;
    Ok(value)
}

fn file_secret(path: &Path) -> Result<String, AccountError> {
    let io = |e: std::io::Error| AccountError::Hashing(format!("{}: {e}", path.display()));
    match std::fs::read_to_string(path) {
        Ok(secret) if !secret.trim().is_empty() => return Ok(secret.trim().to_string()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(e)),
    }
    let secret = format!("{}{}", random_token(), random_token());
    write_private(path, &secret).map_err(io)?;
    tracing::info!(path = %path.display(), "generated a new JWT secret");
    Ok(secret)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_secret_is_generated_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jwt_secret");
        let first = super::file_secret(&path).unwrap();
        assert!(first.len() >= 64);
        assert_eq!(super::file_secret(&path).unwrap(), first);
    }
}

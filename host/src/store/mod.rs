//! The database: one pool over SQLite (embedded default) or PostgreSQL
//! (scale-out), the same schema on both.
//!
//! Queries are written once in the dialect both engines share: `$1`-style
//! placeholders (SQLite accepts them too), `INSERT … ON CONFLICT … DO UPDATE`,
//! `RETURNING`, BIGINT columns, and timestamps as Unix milliseconds. The only
//! per-engine SQL is the DDL in `migrations/sqlite` and `migrations/postgres`,
//! which a unit test keeps in lockstep.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

/// Which engine a pool talks to; a few features (secret sharing) differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub engine: Engine,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    /// Opens the configured database (SQLite in `data_dir` when `url` is
    /// unset) and applies pending migrations.
    pub async fn connect(url: Option<&str>, data_dir: &Path) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let (url, engine) = match url {
            Some(url) if url.starts_with("postgres") => (url.to_string(), Engine::Postgres),
            Some(url) => (url.to_string(), Engine::Sqlite),
            None => (format!("sqlite://{}?mode=rwc", data_dir.join("waymark.db").display()), Engine::Sqlite),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool_options = match engine {
            // SQLite serialises writers anyway; WAL lets readers run beside the
            // writer, and the busy timeout queues writers instead of failing.
            Engine::Sqlite => AnyPoolOptions::new().max_connections(8).after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    Ok(())
                })
            }),
            Engine::Postgres => AnyPoolOptions::new().max_connections(16),
        };
        let pool = pool_options.acquire_timeout(Duration::from_secs(10)).connect_with(options).await?;
        let migrator = match engine {
            Engine::Sqlite => &SQLITE_MIGRATIONS,
            Engine::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await?;
        Ok(Self { pool, engine })
    }
}

/// Milliseconds since the Unix epoch: how every timestamp is stored.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    fn names(dir: &str) -> BTreeSet<String> {
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
    }

    /// Both engines must carry the same schema history, or a deployment that
    /// moves from SQLite to PostgreSQL would find different tables.
    #[test]
    fn migrations_are_in_lockstep() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations");
        let sqlite = names(&format!("{root}/sqlite"));
        let postgres = names(&format!("{root}/postgres"));
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, postgres);
    }

    #[tokio::test]
    async fn sqlite_migrates_from_scratch() {
        let dir = tempfile::tempdir().unwrap();
        let db = super::Db::connect(None, dir.path()).await.unwrap();
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(&db.pool).await.unwrap();
        assert_eq!(n, 0);
    }
}

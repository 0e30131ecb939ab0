//! The database: one pool over SQLite (embedded default) or PostgreSQL
//! (scale-out), the same schema on both.
//!
//! **Where SQL lives.** Each product keeps its repository beside it:
//! `accounts/store.rs`, `counter/store.rs`, `metering/store.rs`,
//! `plugins/store.rs`. A repository is a set of functions taking `&Db`; no
//! other module writes SQL. This module owns the pool, the migrations and
//! the checks that both engines end up with the same schema.
//!
//! **Shared SQL where both engines agree.** Most queries are written once in
//! the dialect both share: `$1`-style placeholders (SQLite accepts them too),
//! `INSERT … ON CONFLICT … DO UPDATE`, `RETURNING`, BIGINT columns, and
//! timestamps as Unix milliseconds. Statements with thousands of parameters
//! (batched inserts) take their placeholders from [`multi_row`], which
//! gives SQLite anonymous `?` ones: it binds those without a lookup.
//!
//! **Per-engine modules where they don't.** A repository that needs an
//! engine's own strengths (date functions, multi-row upserts, JSONB) splits
//! into `<product>/store/{sqlite,postgres}.rs` and matches on [`Db::engine`],
//! as [`schema`] does for introspection (SQLite's `pragma_*` functions,
//! PostgreSQL's catalogs). DDL is per engine already: `migrations/sqlite`
//! and `migrations/postgres`, kept equal by the schema parity test, which
//! compares the migrated databases (tables, columns, types, nullability,
//! keys, indexes).
//!
//! **Why one `AnyPool`, not typed pools (yet).** Every query today is plain
//! SQL over integers, text and bytes, which the `Any` driver carries on both
//! engines, and one pool type keeps each repository a single function rather
//! than two generic copies. `Any` passes engine-specific SQL text through
//! unchanged, so per-engine modules work with it; what it cannot do is
//! PostgreSQL `COPY`, JSONB or array binds. The first repository that needs
//! those (analytics ingestion) adds a typed `PgPool` beside this one inside
//! `Db`, opened only on PostgreSQL, instead of converting every repository.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub mod multi_row;
#[cfg(test)]
pub mod schema;
#[cfg(test)]
pub mod testing;

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
                    // Statement journals (a multi-row insert inside the
                    // batch transaction keeps one) in memory, not a temp
                    // file written and read back for every statement.
                    conn.execute("PRAGMA temp_store = MEMORY").await?;
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

    use super::schema::{describe, differences};
    use super::testing;

    fn names(dir: &str) -> BTreeSet<String> {
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
    }

    /// A quick check that runs without PostgreSQL: both folders carry the
    /// same migration history (the parity test below checks what it builds).
    #[test]
    fn migrations_are_in_lockstep() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations");
        let sqlite = names(&format!("{root}/sqlite"));
        let postgres = names(&format!("{root}/postgres"));
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, postgres);
    }

    /// Both engines must build the same schema, or a deployment that moves
    /// from SQLite to PostgreSQL would find different tables. Compares what
    /// the migrations build, not their file names.
    #[tokio::test]
    async fn both_engines_migrate_to_the_same_schema() {
        let sqlite = testing::sqlite().await;
        let Some(postgres) = testing::postgres().await else {
            eprintln!("schema parity not checked: PostgreSQL is not configured");
            return;
        };
        let (left, right) = (describe(&sqlite.db).await.unwrap(), describe(&postgres.db).await.unwrap());
        assert!(left.contains_key("users") && left.contains_key("counters"), "{left:?}");
        let diff = differences("sqlite", &left, "postgres", &right);
        assert!(diff.is_empty(), "the migrations build different schemas:\n  {}", diff.join("\n  "));
    }

    /// Without PostgreSQL the SQLite side is still read and sane.
    #[tokio::test]
    async fn sqlite_schema_is_described() {
        let sqlite = testing::sqlite().await;
        let schema = describe(&sqlite.db).await.unwrap();
        let users = &schema["users"];
        assert_eq!(users.primary_key, ["id"]);
        assert!(users.indexes.contains("UNIQUE (email)"), "{users:?}");
        assert!(users.indexes.contains("UNIQUE (username_skeleton)"), "{users:?}");
        assert!(users.columns["username_skeleton"].nullable);
        assert_eq!(schema["counters"].primary_key, ["site", "name"]);
    }

    #[tokio::test]
    async fn every_engine_migrates_from_scratch() {
        for test in testing::every_engine().await {
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(&test.db.pool).await.unwrap();
            assert_eq!(n, 0, "{:?}", test.db.engine);
        }
    }
}

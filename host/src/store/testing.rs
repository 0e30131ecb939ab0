//! Databases for repository tests: always a fresh SQLite file, and a fresh
//! PostgreSQL database too when `WAYMARK_TEST_DATABASE_URL` (or
//! `WAYMARK_DATABASE_URL`, as the e2e suite uses) points at a server.

use sqlx::{Connection, Executor};

use super::{Db, Engine};

/// A migrated database that is dropped with the value.
pub struct TestDb {
    pub db: Db,
    _dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else { return };
        // Drop may run inside a runtime that cannot be blocked: a thread of
        // its own. `FORCE` ends the pool's connections, which belong to the
        // test's runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::AnyConnection::connect(&admin_url).await {
                    let _ = conn.execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str()).await;
                }
            });
        })
        .join();
    }
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(None, dir.path()).await.unwrap();
    TestDb { db, _dir: dir, postgres: None }
}

/// The PostgreSQL server to test against, if one is configured.
pub fn postgres_url() -> Option<String> {
    ["WAYMARK_TEST_DATABASE_URL", "WAYMARK_DATABASE_URL"]
        .iter()
        .filter_map(|key| std::env::var(key).ok())
        .find(|url| url.starts_with("postgres"))
}

/// A fresh PostgreSQL database, or `None` (with a note on stderr) when no
/// server is configured.
pub async fn postgres() -> Option<TestDb> {
    let Some(admin_url) = postgres_url() else {
        eprintln!("no WAYMARK_TEST_DATABASE_URL / WAYMARK_DATABASE_URL: skipping the PostgreSQL side");
        return None;
    };
    sqlx::any::install_default_drivers();
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!("waymark_unit_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let mut conn = sqlx::AnyConnection::connect(&admin_url).await.expect("connect to PostgreSQL");
    conn.execute(format!("CREATE DATABASE \"{name}\"").as_str()).await.expect("create a test database");
    let url = with_database(&admin_url, &name);
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(Some(&url), dir.path()).await.unwrap();
    assert_eq!(db.engine, Engine::Postgres);
    Some(TestDb { db, _dir: dir, postgres: Some((admin_url, name)) })
}

/// Every engine available to this run: SQLite, then PostgreSQL if configured.
pub async fn every_engine() -> Vec<TestDb> {
    let mut dbs = vec![sqlite().await];
    dbs.extend(postgres().await);
    dbs
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (path, query) = url.split_once('?').map_or((url, None), |(p, q)| (p, Some(q)));
    let host_start = path.find("://").map_or(0, |i| i + 3);
    let server = path[host_start..].find('/').map_or(path, |i| &path[..host_start + i]);
    query.map_or_else(|| format!("{server}/{name}"), |q| format!("{server}/{name}?{q}"))
}

#[test]
fn the_database_name_is_replaced() {
    assert_eq!(with_database("postgres://u:p@h:5432/postgres", "x"), "postgres://u:p@h:5432/x");
    assert_eq!(with_database("postgres://h/db?sslmode=disable", "x"), "postgres://h/x?sslmode=disable");
}

/// A user row for repository tests of products that belong to users;
/// returns its id.
pub async fn user(db: &Db, name: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO users (email, username, username_skeleton, password_hash, role, created_at, updated_at) \
         VALUES ($1, $2, $2, 'x', 'user', 0, 0) RETURNING id",
    )
    .bind(format!("{name}@example.com"))
    .bind(name)
    .fetch_one(&db.pool)
    .await
    .unwrap()
}

//! Starting real `waymark serve` processes for the end-to-end tests.
//!
//! Each [`Server`] gets its own data directory and, when the suite runs
//! against PostgreSQL (`WAYMARK_DATABASE_URL=postgres://…` in the test's
//! environment), its own freshly created database, dropped afterwards, so no
//! test sees another's data.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_waymark");

/// A database for one test: a fresh PostgreSQL database, or (by default) the
/// SQLite file inside the server's data directory.
pub struct TestDb {
    admin_url: String,
    name: String,
    pub url: String,
}

impl TestDb {
    /// `Some` when the suite runs against PostgreSQL.
    pub async fn create() -> Option<TestDb> {
        let base = std::env::var("WAYMARK_DATABASE_URL").ok()?;
        if !base.starts_with("postgres") {
            return None;
        }
        let name = format!("waymark_test_{}_{}", std::process::id(), rand_suffix());
        let mut conn = pg_connect(&base).await;
        sqlx::query(&format!("CREATE DATABASE \"{name}\"")).execute(&mut conn).await.expect("create test database");
        let url = replace_db_name(&base, &name);
        Some(TestDb { admin_url: base, name, url })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop runs outside any runtime we may block on: use a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let mut conn = pg_connect(&admin_url).await;
                let _ =
                    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut conn).await;
            });
        })
        .join();
    }
}

async fn pg_connect(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(url).await.expect("connect to PostgreSQL")
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (without_query, query) = match url.split_once('?') {
        Some((u, q)) => (u, Some(q)),
        None => (url, None),
    };
    let scheme_end = without_query.find("://").map_or(0, |i| i + 3);
    let base = match without_query[scheme_end..].find('/') {
        Some(i) => &without_query[..scheme_end + i],
        None => without_query,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{nanos}_{}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// Where a server keeps its state, shared by restarts and by replicas.
pub struct Storage {
    pub data_dir: tempfile::TempDir,
    pub db: Option<TestDb>,
}

impl Storage {
    pub async fn new() -> Arc<Storage> {
        Arc::new(Storage { data_dir: tempfile::tempdir().unwrap(), db: TestDb::create().await })
    }

    /// Reads one integer from the servers' database (SQLite or PostgreSQL),
    /// for tests that wait until a flush has reached it.
    pub async fn scalar(&self, sql: &str) -> i64 {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let url = match &self.db {
            Some(db) => db.url.clone(),
            None => format!("sqlite://{}", self.data_dir.path().join("waymark.db").display()),
        };
        let mut conn = sqlx::AnyConnection::connect(&url).await.expect("connect to the test database");
        let (value,): (i64,) = sqlx::query_as(sql).fetch_one(&mut conn).await.expect(sql);
        let _ = conn.close().await;
        value
    }
}

/// How long [`eventually`] waits before it gives up: generous, because a
/// condition that holds is seen at once and only a failing test waits it out.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Polls `probe` until it returns `Some`, and returns that; panics with the
/// last `Err` description after `PATIENCE`. The way tests wait for a flush,
/// a replica sync or a shutdown: for the condition, never for a fixed time.
pub async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + PATIENCE;
    let mut pause = Duration::from_millis(5);
    loop {
        match probe().await {
            Ok(value) => return value,
            Err(last) if Instant::now() >= deadline => panic!("{what}: still not true after {PATIENCE:?}: {last}"),
            // Only paces the polling; the condition decides.
            Err(_) => tokio::time::sleep(pause).await,
        }
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// [`eventually`] for a yes-or-no condition: waits until `check` holds.
pub async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    eventually(what, || {
        let holds = check();
        async move { if holds.await { Ok(()) } else { Err("not yet".to_string()) } }
    })
    .await
}

/// A running `waymark serve`.
pub struct Server {
    child: Child,
    pub base: String,
    pub storage: Arc<Storage>,
    env: Vec<(String, String)>,
    logs: Arc<Mutex<Vec<String>>>,
}

/// The compiled-plugin cache of the suite's servers (a test may set its own).
pub const SHARED_PLUGIN_CACHE: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/e2e-plugin-cache");

impl Server {
    pub async fn start() -> Server {
        Self::start_with(&[]).await
    }

    pub async fn start_with(env: &[(&str, &str)]) -> Server {
        let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Self::spawn(Storage::new().await, env)
    }

    /// Another replica (or a restarted instance) on the same storage.
    pub fn sibling(&self) -> Server {
        Self::spawn(self.storage.clone(), self.env.clone())
    }

    /// SIGTERM, wait for a clean exit, then start again on the same storage.
    pub fn restart(self) -> Server {
        self.restart_with(&[])
    }

    /// Like [`Self::restart`], with some variables changed (say, the clock
    /// offset, to simulate the passing of time across a restart).
    pub fn restart_with(mut self, changes: &[(&str, &str)]) -> Server {
        let status = self.terminate();
        assert!(status.success(), "server exited with {status} on SIGTERM");
        let mut env = self.env.clone();
        for (key, value) in changes {
            env.retain(|(k, _)| k != key);
            env.push((key.to_string(), value.to_string()));
        }
        Self::spawn(self.storage.clone(), env)
    }

    fn spawn(storage: Arc<Storage>, env: Vec<(String, String)>) -> Server {
        let mut cmd = Command::new(BIN);
        cmd.arg("serve");
        for (key, _) in std::env::vars() {
            if key.starts_with("WAYMARK_") {
                cmd.env_remove(key);
            }
        }
        cmd.env("WAYMARK_LISTEN", "127.0.0.1:0")
            .env("WAYMARK_DATA_DIR", storage.data_dir.path())
            .env("WAYMARK_LOG", "info")
            // Every server of the suite shares one cache of compiled
            // plugins: compiling the built-in ones anew would cost each
            // test seconds.
            .env("WAYMARK_PLUGINS__CACHE_DIR", SHARED_PLUGIN_CACHE)
            .env("NO_COLOR", "1");
        if let Some(db) = &storage.db {
            cmd.env("WAYMARK_DATABASE_URL", &db.url);
        }
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("spawn waymark");
        let stderr = child.stderr.take().unwrap();
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on ").nth(1) {
                    let addr = rest.split_whitespace().next().unwrap_or("").to_string();
                    let _ = tx.send(addr);
                }
                sink.lock().unwrap().push(line);
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                panic!("server did not start:\n{}", logs.lock().unwrap().join("\n"));
            }
        };
        Server { child, base: format!("http://{addr}"), storage, env, logs }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("server ignored SIGTERM:\n{}", self.logs());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().join("\n")
    }

    /// Waits until the server has logged a line containing `text`.
    pub async fn wait_for_log(&self, text: &str) {
        eventually(&format!("log line {text:?}"), || async {
            if self.logs.lock().unwrap().iter().any(|line| line.contains(text)) { Ok(()) } else { Err(self.logs()) }
        })
        .await
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        client().get(self.url(path))
    }

    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        client().post(self.url(path))
    }

    pub fn put(&self, path: &str) -> reqwest::RequestBuilder {
        client().put(self.url(path))
    }

    pub fn delete(&self, path: &str) -> reqwest::RequestBuilder {
        client().delete(self.url(path))
    }

    /// Registers a user and returns (access token, refresh token, API key).
    pub async fn register(&self, email: &str, password: &str) -> Account {
        let (status, body) = send(self.post("/api/auth/register").json(&serde_json::json!({
            "email": email, "password": password
        })))
        .await;
        assert_eq!(status, 200, "register: {body}");
        Account {
            token: body["data"]["token"].as_str().unwrap().to_string(),
            refresh_token: body["data"]["refresh_token"].as_str().unwrap().to_string(),
            api_key: body["data"]["api_key"].as_str().unwrap().to_string(),
            id: body["data"]["user"]["id"].as_i64().unwrap(),
        }
    }
}

impl Server {
    /// Creates an admin with the operator command and signs in.
    pub async fn admin_token(&self) -> String {
        let data_dir = self.storage.data_dir.path().to_str().unwrap().to_string();
        let mut env = vec![("WAYMARK_DATA_DIR", data_dir.as_str())];
        let db_url = self.storage.db.as_ref().map(|db| db.url.clone());
        if let Some(url) = &db_url {
            env.push(("WAYMARK_DATABASE_URL", url.as_str()));
        }
        let out = waymark(&["admin", "create", "--email", "admin@example.com", "--password-stdin"], &env, "admin-pass");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let (status, body) = send(self.post("/api/auth/login").json(&serde_json::json!({
            "email": "admin@example.com", "password": "admin-pass"
        })))
        .await;
        assert_eq!(status, 200, "{body}");
        body["data"]["token"].as_str().unwrap().to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if std::thread::panicking() {
            eprintln!("--- server log ({}) ---\n{}", self.base, self.logs());
        }
    }
}

/// Runs the `waymark` command with only the given `WAYMARK_*` variables.
pub fn waymark(args: &[&str], env: &[(&str, &str)], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    for (key, _) in std::env::vars() {
        if key.starts_with("WAYMARK_") {
            cmd.env_remove(key);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

pub struct Account {
    pub token: String,
    pub refresh_token: String,
    pub api_key: String,
    pub id: i64,
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// Sends a request and returns its status and JSON body (`Null` if the body
/// is not JSON).
pub async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let response = req.send().await.expect("request failed");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Sends a request and returns the whole response.
pub async fn send_raw(req: reqwest::RequestBuilder) -> reqwest::Response {
    req.send().await.expect("request failed")
}

pub fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response.headers().get(name).map(|v| v.to_str().unwrap().to_string())
}

#[test]
fn database_names_are_replaced() {
    assert_eq!(replace_db_name("postgres://u:p@h:5432/postgres", "x"), "postgres://u:p@h:5432/x");
    assert_eq!(replace_db_name("postgres://h/db?sslmode=disable", "x"), "postgres://h/x?sslmode=disable");
    assert_eq!(replace_db_name("postgres://h", "x"), "postgres://h/x");
}

//! The operator's command line: configuration errors and `admin create`.

use std::process::Command;

use serde_json::json;

use crate::support::{Server, send, waymark};

#[test]
fn bad_configuration_fails_with_one_line_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    for (key, value, named) in [
        ("WAYMARK_TIMEZONE", "Mars/Olympus", "timezone"),
        ("WAYMARK_LISTEN", "not-an-address", "listen"),
        ("WAYMARK_METERING__ENABLED", "perhaps", "metering.enabled"),
        ("WAYMARK_DATABASE_URL", "mysql://x", "database_url"),
    ] {
        let out = waymark(&["serve"], &[("WAYMARK_DATA_DIR", data), (key, value)], "");
        assert!(!out.status.success(), "{key}={value} must not start");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{key}: {stderr}");
        assert!(stderr.contains(named), "{key}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[tokio::test]
async fn admin_create_makes_an_admin_from_stdin() {
    let server = Server::start().await;
    let mut env = vec![("WAYMARK_DATA_DIR", server.storage.data_dir.path().to_str().unwrap())];
    let db_url;
    if let Some(db) = &server.storage.db {
        db_url = db.url.clone();
        env.push(("WAYMARK_DATABASE_URL", db_url.as_str()));
    }
    let out = waymark(&["admin", "create", "--email", "root@example.com", "--password-stdin"], &env, "s3cret-pass\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("created admin root@example.com"));

    let (status, body) = send(server.post("/api/auth/login").json(&json!({
        "email": "root@example.com", "password": "s3cret-pass"
    })))
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["user"]["role"], "admin");

    // Promoting an existing user.
    server.register("later@example.com", "password123").await;
    let out = waymark(&["admin", "create", "--email", "later@example.com", "--password-stdin"], &env, "another-pass");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (_, body) = send(server.post("/api/auth/login").json(&json!({
        "email": "later@example.com", "password": "another-pass"
    })))
    .await;
    assert_eq!(body["data"]["user"]["role"], "admin", "{body}");

    let out = waymark(&["admin", "create", "--email", "x@example.com"], &env, "");
    assert!(!out.status.success(), "--password-stdin is required");
}

#[tokio::test]
async fn sigterm_lets_an_in_flight_request_finish() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let mut server = Server::start().await;
    let addr = server.base.trim_start_matches("http://").to_string();
    let body = r#"{"email":"late@example.com","password":"password123"}"#;
    let (head, tail) = body.split_at(10);
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    // `Expect: 100-continue` makes the server say when it starts reading the
    // body: proof that the request is in flight, without guessing a time.
    let request = format!(
        "POST /api/auth/register HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n{head}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut interim = Vec::new();
    while !interim.ends_with(b"\r\n\r\n") {
        interim.push(stream.read_u8().await.unwrap());
    }
    assert!(interim.starts_with(b"HTTP/1.1 100"), "{}", String::from_utf8_lossy(&interim));

    // The request is in flight (half its body sent) when SIGTERM arrives.
    let _ = Command::new("kill").arg("-TERM").arg(server.pid().to_string()).status();
    server.wait_for_log("shutdown requested").await;
    stream.write_all(tail.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("late@example.com"), "{response}");
    assert!(server.terminate().success());
}

#[tokio::test]
async fn config_file_then_environment() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("waymark.toml");
    std::fs::write(&file, "timezone = \"Asia/Shanghai\"\n[metering.urlplus]\nper_minute = 2\n").unwrap();
    let file = file.to_str().unwrap();

    let from_file = Server::start_with(&[("WAYMARK_CONFIG", file)]).await;
    let account = from_file.register("cfg@example.com", "password123").await;
    let response = crate::support::send_raw(from_file.get("/api/account").bearer_auth(&account.api_key)).await;
    assert_eq!(crate::support::header(&response, "x-ratelimit-limit").as_deref(), Some("2"));

    let overridden =
        Server::start_with(&[("WAYMARK_CONFIG", file), ("WAYMARK_METERING__URLPLUS__PER_MINUTE", "7")]).await;
    let account = overridden.register("cfg@example.com", "password123").await;
    let response = crate::support::send_raw(overridden.get("/api/account").bearer_auth(&account.api_key)).await;
    assert_eq!(crate::support::header(&response, "x-ratelimit-limit").as_deref(), Some("7"));

    let out = waymark(&["--config", "/nonexistent/waymark.toml", "serve"], &[], "");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("config"));
}

/// Kubernetes injects `WAYMARK_PORT`, `WAYMARK_SERVICE_HOST`, … into every pod
/// of a service named `waymark`: they name no key, so the server starts and
/// says once which variables it ignored.
#[tokio::test]
async fn unknown_environment_variables_are_ignored_with_one_warning() {
    let server =
        Server::start_with(&[("WAYMARK_PORT", "tcp://10.0.0.1:8080"), ("WAYMARK_SERVICE_HOST", "10.0.0.1")]).await;
    let (status, body) = send(server.get("/api/health")).await;
    assert_eq!(status, 200, "{body}");
    let logs = server.logs();
    let naming: Vec<&str> =
        logs.lines().filter(|line| line.contains("WAYMARK_PORT") || line.contains("WAYMARK_SERVICE_HOST")).collect();
    assert_eq!(naming.len(), 1, "one line names the ignored variables:\n{logs}");
    let line = naming[0];
    assert!(line.contains("WARN"), "{line}");
    assert!(line.contains("WAYMARK_PORT") && line.contains("WAYMARK_SERVICE_HOST"), "{line}");
    assert_eq!(line.matches("WAYMARK_PORT").count(), 1, "each named once: {line}");
}

/// The environment's tolerance does not reach the file, nor a known key's
/// value: both still stop the server with one line naming the key.
#[test]
fn unknown_file_keys_and_bad_known_variables_stay_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let file = dir.path().join("waymark.toml");
    std::fs::write(&file, "timezone = \"UTC\"\ncolour = \"blue\"\n").unwrap();
    let file = file.to_str().unwrap();
    let unknown_var = ("WAYMARK_SERVICE_HOST", "10.0.0.1");
    for (env, named) in [
        (vec![("WAYMARK_DATA_DIR", data), ("WAYMARK_CONFIG", file), unknown_var], "colour"),
        (vec![("WAYMARK_DATA_DIR", data), ("WAYMARK_METERING__ENABLED", "perhaps"), unknown_var], "metering.enabled"),
    ] {
        let out = waymark(&["serve"], &env, "");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{env:?} must not start: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{env:?}: {stderr}");
        assert!(stderr.contains(named), "{env:?}: {stderr}");
    }
}

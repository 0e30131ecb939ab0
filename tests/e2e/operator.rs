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
    let request = format!(
        "POST /api/auth/register HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{head}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    // The request is in flight (half its body sent) when SIGTERM arrives.
    let _ = Command::new("kill").arg("-TERM").arg(server.pid().to_string()).status();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
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

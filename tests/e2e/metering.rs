//! Rate limits, daily quotas, their headers, and their persistence.

use serde_json::json;

use crate::support::{Server, eventually, header, send, send_raw};

#[tokio::test]
async fn lowered_limit_answers_429_with_headers() {
    let server = Server::start_with(&[("WAYMARK_METERING__URLPLUS__PER_MINUTE", "3")]).await;
    let account = server.register("rl@example.com", "password123").await;
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let response = send_raw(server.get("/api/account").bearer_auth(&account.api_key)).await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "x-ratelimit-limit").as_deref(), Some("3"));
        let reset: i64 = header(&response, "x-ratelimit-reset").unwrap().parse().unwrap();
        assert!(reset > chrono_now() && reset <= chrono_now() + 61, "reset {reset}");
        remaining.push(header(&response, "x-ratelimit-remaining").unwrap());
    }
    assert_eq!(remaining, ["2", "1", "0"]);

    let response = send_raw(server.get("/api/account").bearer_auth(&account.api_key)).await;
    assert_eq!(response.status(), 429);
    assert_eq!(header(&response, "x-ratelimit-remaining").as_deref(), Some("0"));
    let retry: u64 = header(&response, "retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], 1);
    assert!(body["message"].as_str().unwrap().contains("rate limit"), "{body}");
}

#[tokio::test]
async fn anonymous_callers_have_a_per_ip_daily_quota() {
    let server = Server::start_with(&[("WAYMARK_METERING__PINGOO__ANONYMOUS_PER_DAY", "3")]).await;
    let account = server.register("anon@example.com", "password123").await; // 1st anonymous call
    for _ in 0..2 {
        let (status, _) = send(server.post("/api/auth/login").json(&json!({
            "email": "anon@example.com", "password": "wrong-password"
        })))
        .await;
        assert_eq!(status, 401, "failed logins count too");
    }
    let response = send_raw(server.post("/api/auth/login").json(&json!({
        "email": "anon@example.com", "password": "password123"
    })))
    .await;
    assert_eq!(response.status(), 429);
    assert_eq!(header(&response, "x-ratelimit-limit").as_deref(), Some("3"));
    assert!(header(&response, "retry-after").is_some());
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], 429);
    assert_eq!(body["msg"], "daily quota exceeded");

    // The same IP with credentials is metered as the user, not the IP.
    let (status, _) = send(server.get("/api/auth/me").bearer_auth(&account.token)).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn trusted_proxy_gives_each_forwarded_client_its_own_quota() {
    let server = Server::start_with(&[
        ("WAYMARK_METERING__PINGOO__ANONYMOUS_PER_DAY", "1"),
        ("WAYMARK_TRUSTED_PROXIES", "[\"127.0.0.1/32\"]"),
    ])
    .await;
    let login = |ip: &'static str| {
        server
            .post("/api/auth/login")
            .header("x-forwarded-for", ip)
            .json(&json!({ "email": "x@example.com", "password": "whatever1" }))
    };
    assert_eq!(send(login("198.51.100.1")).await.0, 401);
    assert_eq!(send(login("198.51.100.2")).await.0, 401);
    assert_eq!(send(login("198.51.100.1")).await.0, 429);
}

#[tokio::test]
async fn untrusted_peers_cannot_dodge_quotas_with_forwarded_headers() {
    let server = Server::start_with(&[("WAYMARK_METERING__PINGOO__ANONYMOUS_PER_DAY", "1")]).await;
    let login = |ip: &'static str| {
        server
            .post("/api/auth/login")
            .header("x-forwarded-for", ip)
            .json(&json!({ "email": "x@example.com", "password": "whatever1" }))
    };
    assert_eq!(send(login("198.51.100.1")).await.0, 401);
    assert_eq!(send(login("198.51.100.2")).await.0, 429);
}

#[tokio::test]
async fn daily_usage_survives_a_restart() {
    // A long flush interval: only the flush on SIGTERM can have saved usage.
    let server = Server::start_with(&[
        ("WAYMARK_METERING__PINGOO__ANONYMOUS_PER_DAY", "5"),
        ("WAYMARK_METERING__FLUSH_INTERVAL_MS", "60000"),
    ])
    .await;
    let attempt = |server: &Server| {
        server.post("/api/auth/login").json(&json!({ "email": "r@example.com", "password": "whatever1" }))
    };
    for _ in 0..3 {
        assert_eq!(send(attempt(&server)).await.0, 401);
    }
    let account = server.register("persist@example.com", "password123").await; // 4th
    let server = server.restart();
    // The generated JWT secret was persisted: tokens outlive the restart.
    let (status, _) = send(server.get("/api/auth/me").bearer_auth(&account.token)).await;
    assert_eq!(status, 200);
    let response = send_raw(attempt(&server)).await;
    assert_eq!(response.status(), 401);
    assert_eq!(header(&response, "x-ratelimit-remaining").as_deref(), Some("0"));
    assert_eq!(send(attempt(&server)).await.0, 429, "the quota remembered 3 earlier calls");
}

/// Today's anonymous usage as flushed by every replica.
const ANONYMOUS_USAGE: &str =
    "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM usage_daily WHERE subject LIKE 'ip:%'";

#[tokio::test]
async fn a_daily_quota_holds_across_replicas() {
    let first = Server::start_with(&[
        ("WAYMARK_METERING__PINGOO__ANONYMOUS_PER_DAY", "7"),
        // A replica re-reads a caller's shared count once its copy is older
        // than one interval: at 1 ms, every request after another replica's
        // flush has reached the database sees it.
        ("WAYMARK_METERING__FLUSH_INTERVAL_MS", "1"),
    ])
    .await;
    let second = first.sibling();
    // Replicas share the signing secret: a token from one works on the other.
    let account = first.register("shared@example.com", "password123").await;
    let (status, _) = send(second.get("/api/auth/me").bearer_auth(&account.token)).await;
    assert_eq!(status, 200);
    let attempt = |server: &Server| {
        server.post("/api/auth/login").json(&json!({ "email": "q@example.com", "password": "whatever1" }))
    };
    let mut admitted = 0;
    for i in 0..12 {
        let server = if i % 2 == 0 { &first } else { &second };
        if send(attempt(server)).await.0 != 429 {
            admitted += 1;
        }
        // Each replica sees the other's usage once it is flushed: wait for
        // the database to hold every anonymous call admitted so far (the
        // registration and the attempts).
        let expected = 1 + admitted;
        eventually("the admitted calls are flushed", || async {
            let stored = first.storage.scalar(ANONYMOUS_USAGE).await;
            if stored == expected { Ok(()) } else { Err(format!("{stored} stored, {expected} admitted")) }
        })
        .await;
    }
    assert_eq!(admitted, 6, "after registration, two replicas together admitted {admitted}");
}

#[tokio::test]
async fn metering_can_be_switched_off() {
    let server =
        Server::start_with(&[("WAYMARK_METERING__ENABLED", "false"), ("WAYMARK_METERING__URLPLUS__PER_MINUTE", "1")])
            .await;
    let account = server.register("off@example.com", "password123").await;
    for _ in 0..3 {
        let response = send_raw(server.get("/api/account").bearer_auth(&account.api_key)).await;
        assert_eq!(response.status(), 200);
        assert!(header(&response, "x-ratelimit-limit").is_none());
    }
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

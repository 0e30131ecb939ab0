//! Pingoo's `/api/events` and `/api/events/{site_id}`, field by field: the
//! seed's example event, host enrichment from MaxMind's test databases,
//! filters, isolation between users, and a full buffer that loses nothing.

use serde_json::{Value, json};

use crate::support::{Server, eventually, send, send_raw};

/// MaxMind's test databases, shipped beside the seeds.
fn geoip(file: &str) -> String {
    format!("{}/../../shared/geoip/{file}", env!("CARGO_MANIFEST_DIR"))
}

async fn site(server: &Server, token: &str, domain: &str) -> i64 {
    let (status, body) =
        send(server.post("/api/sites").bearer_auth(token).json(&json!({ "name": domain, "domain": domain }))).await;
    assert_eq!(status, 200, "{body}");
    body["data"]["id"].as_i64().unwrap()
}

/// The seed's request example, for `site_id`.
fn seed_event(site_id: i64) -> Value {
    json!({
        "site_id": site_id,
        "session_id": "session_123",
        "user_id": "user_456",
        "ip": "216.160.83.56",
        "url": "https://example.com/page",
        "referrer": "https://google.com",
        "user_agent": "Mozilla/5.0...",
        "screen": "1920x1080",
        "event_type": "page_view",
        "event_value": "homepage"
    })
}

async fn post(server: &Server, token: &str, event: &Value) -> (u16, Value) {
    send(server.post("/api/events").bearer_auth(token).json(event)).await
}

/// Polls the event list until it holds `total` events.
async fn listed(server: &Server, token: &str, query: &str, total: i64) -> Value {
    eventually(&format!("{query} lists {total} events"), || async {
        let (status, body) = send(server.get(query).bearer_auth(token)).await;
        if status == 200 && body["data"]["total"] == total { Ok(body["data"].clone()) } else { Err(body.to_string()) }
    })
    .await
}

#[tokio::test]
async fn the_seed_example_is_stored_enriched_and_listed() {
    let server = Server::start_with(&[
        ("WAYMARK_ANALYTICS__GEOIP_CITY_DB", &geoip("GeoIP2-City-Test.mmdb")),
        ("WAYMARK_ANALYTICS__GEOIP_ISP_DB", &geoip("GeoIP2-ISP-Test.mmdb")),
        ("WAYMARK_ANALYTICS__GEO_LOCALE", "zh-CN"),
        ("WAYMARK_ANALYTICS__FLUSH_INTERVAL_MS", "100"),
    ])
    .await;
    let alice = server.register("alice@example.com", "password123").await;
    let site_id = site(&server, &alice.token, "example.com").await;

    let (status, body) = post(&server, &alice.token, &seed_event(site_id)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["code"].clone(), body["msg"].clone()), (json!(0), json!("success")));
    let event = &body["data"];
    assert!(event["ID"].as_i64().unwrap() > 0, "{event}");
    assert!(chrono::DateTime::parse_from_rfc3339(event["CreatedAt"].as_str().unwrap()).is_ok(), "{event}");
    assert_eq!(event["UpdatedAt"], event["CreatedAt"]);
    assert!(event.get("DeletedAt").is_none(), "the seed's create answer has no DeletedAt: {event}");
    for (field, expected) in [
        ("site_id", json!(site_id)),
        ("session_id", json!("session_123")),
        ("user_id", json!("user_456")),
        ("ip", json!("216.160.83.56")),
        ("url", json!("https://example.com/page")),
        ("referrer", json!("https://google.com")),
        ("user_agent", json!("Mozilla/5.0...")),
        ("screen", json!("1920x1080")),
        ("event_type", json!("page_view")),
        ("event_value", json!("homepage")),
        ("country", json!("美国")),
        ("subdivision", json!("华盛顿州")),
        ("city", json!("Milton")),
        ("is_bot", json!(false)),
    ] {
        assert_eq!(event[field], expected, "{field}: {event}");
    }
    assert!(event["isp"].as_str().is_some_and(|isp| !isp.is_empty()), "the ISP database names it: {event}");
    for field in ["device", "browser", "os"] {
        assert!(event[field].is_string(), "{field}: {event}");
    }

    // An absent ip is the caller's.
    let mut local = seed_event(site_id);
    local.as_object_mut().unwrap().remove("ip");
    local["session_id"] = json!("session_local");
    local["event_type"] = json!("click");
    let (status, body) = post(&server, &alice.token, &local).await;
    assert_eq!((status, body["data"]["ip"].clone()), (200, json!("127.0.0.1")), "{body}");
    assert_eq!(body["data"]["country"], "", "loopback is nowhere: {body}");

    // The list: newest first, DeletedAt null, the real site and owner.
    let path = format!("/api/events/{site_id}");
    let data = listed(&server, &alice.token, &path, 2).await;
    assert_eq!((data["page"].clone(), data["page_size"].clone()), (json!(1), json!(10)));
    let first = &data["list"][0];
    assert_eq!(first["session_id"], "session_local", "newest first: {data}");
    assert_eq!(first["DeletedAt"], Value::Null);
    assert_eq!(data["list"][1]["ID"], event["ID"]);
    assert_eq!(data["list"][1]["country"], "美国");
    let site = &first["site"];
    assert_eq!(
        (site["ID"].clone(), site["user_id"].clone(), site["domain"].clone()),
        (json!(site_id), json!(alice.id), json!("example.com"))
    );
    assert_eq!(site["user"]["email"], "alice@example.com");
    assert_eq!(site["user"]["username"], "alice");
    assert_eq!(site["user"]["role"], "user");
    assert!(site["user"].get("password_hash").is_none());

    // Filters.
    let count = |query: String| {
        let (server, token) = (&server, alice.token.clone());
        async move { send(server.get(&query).bearer_auth(&token)).await.1["data"]["total"].clone() }
    };
    assert_eq!(count(format!("{path}?event_type=click")).await, 1);
    assert_eq!(count(format!("{path}?session_id=session_123")).await, 1);
    assert_eq!(count(format!("{path}?user_id=user_456")).await, 2);
    assert_eq!(count(format!("{path}?user_id=nobody")).await, 0);
    let today = chrono::Utc::now().format("%Y%m%d").to_string();
    assert_eq!(count(format!("{path}?start_time={today}&end_time={today}")).await, 2);
    assert_eq!(count(format!("{path}?end_time=2000-01-01")).await, 0);
    assert_eq!(count(format!("{path}?start_time=2000-01-01%2000:00:00")).await, 2);
    assert_eq!(count(format!("{path}?start_time=2999-01-01T00:00:00%2B08:00")).await, 0);
    let (_, body) = send(server.get(&format!("{path}?page=2&page_size=1")).bearer_auth(&alice.token)).await;
    assert_eq!(body["data"]["list"][0]["ID"], event["ID"], "{body}");
    for query in ["page_size=101", "page=0", "start_time=yesterday", "end_time=2025-13-01"] {
        let (status, body) = send(server.get(&format!("{path}?{query}")).bearer_auth(&alice.token)).await;
        assert_eq!((status, body["code"].clone()), (400, json!(400)), "{query}: {body}");
    }
}

#[tokio::test]
async fn another_users_site_takes_no_events_and_shows_none() {
    let server = Server::start_with(&[("WAYMARK_ANALYTICS__FLUSH_INTERVAL_MS", "100")]).await;
    let alice = server.register("alice@example.com", "password123").await;
    let bob = server.register("bob@example.com", "password123").await;
    let alices = site(&server, &alice.token, "alice.example").await;
    post(&server, &alice.token, &seed_event(alices)).await;

    let (status, body) = post(&server, &bob.token, &seed_event(alices)).await;
    assert_eq!((status, body["msg"].clone()), (404, json!("site not found")), "{body}");
    let (status, body) = send(server.get(&format!("/api/events/{alices}")).bearer_auth(&bob.token)).await;
    assert_eq!((status, body["code"].clone()), (404, json!(404)), "{body}");
    listed(&server, &alice.token, &format!("/api/events/{alices}"), 1).await;
    let (status, _) = post(&server, &alice.token, &seed_event(alices + 1000)).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn bad_events_are_refused_and_raw_ips_can_be_kept_out() {
    let server = Server::start_with(&[("WAYMARK_ANALYTICS__STORE_IP", "false")]).await;
    let alice = server.register("alice@example.com", "password123").await;
    let site_id = site(&server, &alice.token, "example.com").await;
    for (field, value, complaint) in [
        ("session_id", json!(""), "session_id is required"),
        ("url", json!(" "), "url is required"),
        ("event_type", json!(""), "event_type is required"),
        ("ip", json!("999.1.1.1"), "ip must be an IPv4 or IPv6 address"),
        ("url", json!("u".repeat(2049)), "url must be at most 2048"),
        ("referrer", json!("a\u{7}b"), "control characters"),
        ("site_id", json!("one"), "Expected input type"),
    ] {
        let mut event = seed_event(site_id);
        event[field] = value;
        let (status, body) = post(&server, &alice.token, &event).await;
        assert_eq!((status, body["code"].clone()), (400, json!(400)), "{field}: {body}");
        assert!(body["msg"].as_str().unwrap().contains(complaint), "{field}: {body}");
    }
    let (status, body) = post(&server, &alice.token, &seed_event(site_id)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["ip"], "", "analytics.store_ip is off: {body}");
}

#[tokio::test]
async fn a_full_buffer_answers_503_and_loses_no_accepted_event() {
    // A buffer of two that is never flushed by time, only at shutdown.
    let server = Server::start_with(&[
        ("WAYMARK_ANALYTICS__BUFFER_EVENTS", "2"),
        ("WAYMARK_ANALYTICS__FLUSH_INTERVAL_MS", "60000"),
    ])
    .await;
    let alice = server.register("alice@example.com", "password123").await;
    let site_id = site(&server, &alice.token, "example.com").await;
    for _ in 0..2 {
        assert_eq!(post(&server, &alice.token, &seed_event(site_id)).await.0, 200);
    }
    let refused = send_raw(server.post("/api/events").bearer_auth(&alice.token).json(&seed_event(site_id))).await;
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("1"));
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["code"], 503, "{body}");

    // Shutdown writes what was accepted.
    let server = server.restart();
    let data = listed(&server, &alice.token, &format!("/api/events/{site_id}"), 2).await;
    assert_eq!(data["list"].as_array().unwrap().len(), 2);
}

//! Pingoo's `/api/events` and `/api/events/{site_id}`, field by field: the
//! seed's example event, host enrichment from MaxMind's test databases,
//! filters, isolation between users, and a full buffer that loses nothing.

use serde_json::{Value, json};

use crate::support::{Server, eventually, send, send_raw};

/// MaxMind's test databases (`tests/data/geoip`, Apache-2.0 / MIT).
pub fn geoip(file: &str) -> String {
    format!("{}/../tests/data/geoip/{file}", env!("CARGO_MANIFEST_DIR"))
}

pub async fn site(server: &Server, token: &str, domain: &str) -> i64 {
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

pub async fn post(server: &Server, token: &str, event: &Value) -> (u16, Value) {
    send(server.post("/api/events").bearer_auth(token).json(event)).await
}

/// Polls the event list until it holds `total` events.
pub async fn listed(server: &Server, token: &str, query: &str, total: i64) -> Value {
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

/// Real user agents through the built-in `user-agent` enricher: (user
/// agent, device, browser, os, is_bot).
const USER_AGENTS: &[(&str, &str, &str, &str, bool)] = &[
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "desktop",
        "Chrome 126",
        "Windows 10",
        false,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "desktop",
        "Firefox 128",
        "Windows 10",
        false,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.0.0",
        "desktop",
        "Edge 125",
        "Windows 10",
        false,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0",
        "desktop",
        "Opera 110",
        "Windows 10",
        false,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "desktop",
        "Safari 17",
        "macOS",
        false,
    ),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "desktop",
        "Chrome 126",
        "Linux",
        false,
    ),
    (
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "desktop",
        "Chrome 126",
        "ChromeOS",
        false,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "mobile",
        "Safari 17",
        "iOS 17",
        false,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
        "mobile",
        "Chrome 126",
        "iOS 17",
        false,
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
        "mobile",
        "Chrome 126",
        "Android",
        false,
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
        "mobile",
        "Samsung Internet 25",
        "Android 14",
        false,
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.71 Mobile Safari/537.36",
        "mobile",
        "Android WebView 126",
        "Android 13",
        false,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.44.108;FBBV/612474390;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.5.1;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/614237040]",
        "mobile",
        "Facebook 470",
        "iOS 17",
        false,
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240605.024; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.71 Mobile Safari/537.36 Instagram 337.0.0.37.96 Android (34/14; 420dpi; 1080x2400; Google/google; Pixel 8; shiba; shiba; en_US; 614151330)",
        "mobile",
        "Instagram 337",
        "Android 14",
        false,
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "tablet",
        "Safari 17",
        "iOS 17",
        false,
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "tablet",
        "Chrome 126",
        "Android 14",
        false,
    ),
    (
        "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) 76.0.3809.146/6.0 TV Safari/537.36",
        "tv",
        "",
        "Tizen",
        false,
    ),
    (
        "Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7633) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.186 Mobile Safari/537.36",
        "tv",
        "Chrome 126",
        "Android 9",
        false,
    ),
    (
        "Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 Safari/605.1.15",
        "console",
        "Safari 13",
        "PlayStation 5",
        false,
    ),
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "bot", "Googlebot 2", "", true),
    (
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "bot",
        "Googlebot 2",
        "Android 6",
        true,
    ),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
        "bot",
        "Bingbot 2",
        "",
        true,
    ),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.6478.126 Safari/537.36",
        "bot",
        "Headless Chrome 126",
        "Linux",
        true,
    ),
    ("curl/8.4.0", "bot", "curl 8", "", true),
    ("python-requests/2.31.0", "bot", "python-requests 2", "", true),
    (
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "bot",
        "Facebook crawler 1",
        "",
        true,
    ),
];

#[tokio::test]
async fn builtin_enrichers_name_devices_browsers_bots_and_sources() {
    let server = Server::start().await;
    let alice = server.register("alice@example.com", "password123").await;
    let site_id = site(&server, &alice.token, "example.com").await;
    assert!(USER_AGENTS.len() >= 20);
    for (user_agent, device, browser, os, is_bot) in USER_AGENTS {
        let mut event = seed_event(site_id);
        event["user_agent"] = json!(user_agent);
        let (status, body) = post(&server, &alice.token, &event).await;
        assert_eq!(status, 200, "{body}");
        let got = &body["data"];
        assert_eq!(
            (got["device"].as_str(), got["browser"].as_str(), got["os"].as_str(), got["is_bot"].as_bool()),
            (Some(*device), Some(*browser), Some(*os), Some(*is_bot)),
            "{user_agent}"
        );
    }
    // The referrer enricher: sources as the stats will rank them.
    let with_referrer = |referrer: &'static str, url: &'static str| {
        let mut event = seed_event(site_id);
        event["referrer"] = json!(referrer);
        event["url"] = json!(url);
        event
    };
    for (event, source, medium) in [
        (with_referrer("https://www.google.com/", "https://example.com/"), "search", "organic"),
        (with_referrer("https://l.facebook.com/", "https://example.com/"), "social", "social"),
        (with_referrer("", "https://example.com/"), "direct", "(none)"),
        (with_referrer("https://example.com/other", "https://example.com/"), "direct", "(none)"),
        (with_referrer("https://blog.example.org/post", "https://example.com/"), "other", "referral"),
        (with_referrer("", "https://example.com/?utm_source=news&utm_medium=email"), "email", "email"),
    ] {
        let (status, body) = post(&server, &alice.token, &event).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            (body["data"]["source"].as_str(), body["data"]["medium"].as_str()),
            (Some(source), Some(medium)),
            "{event}"
        );
    }
}

#[tokio::test]
async fn clearing_stats_keeps_the_site_and_deleting_it_removes_its_events() {
    let server = Server::start_with(&[("WAYMARK_ANALYTICS__FLUSH_INTERVAL_MS", "100")]).await;
    let alice = server.register("alice@example.com", "password123").await;
    let bob = server.register("bob@example.com", "password123").await;
    let site_id = site(&server, &alice.token, "example.com").await;
    let other = site(&server, &alice.token, "other.example").await;
    for id in [site_id, site_id, other] {
        assert_eq!(post(&server, &alice.token, &seed_event(id)).await.0, 200);
    }
    listed(&server, &alice.token, &format!("/api/events/{site_id}"), 2).await;

    let clear = format!("/api/sites/{site_id}/stats");
    let (status, _) = send(server.delete(&clear).bearer_auth(&bob.token)).await;
    assert_eq!(status, 404, "not Bob's");
    let (status, body) = send(server.delete(&clear).bearer_auth(&alice.token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({ "code": 0, "msg": "success", "data": { "message": "统计数据已清空" } }));
    let (_, body) = send(server.get(&format!("/api/events/{site_id}")).bearer_auth(&alice.token)).await;
    assert_eq!(body["data"]["total"], 0, "{body}");
    let (status, _) = send(server.get(&format!("/api/sites/{site_id}")).bearer_auth(&alice.token)).await;
    assert_eq!(status, 200, "the site stays");
    listed(&server, &alice.token, &format!("/api/events/{other}"), 1).await;

    let (status, _) = send(server.delete(&format!("/api/sites/{other}")).bearer_auth(&alice.token)).await;
    assert_eq!(status, 200);
    let (status, _) = send(server.get(&format!("/api/events/{other}")).bearer_auth(&alice.token)).await;
    assert_eq!(status, 404);
    assert_eq!(server.storage.scalar("SELECT COUNT(*) FROM analytics_events").await, 0, "its events went with it");
}

#[tokio::test]
async fn a_hot_loaded_enricher_changes_new_events_and_old_ones_keep_theirs() {
    use crate::plugins::{component, upload};

    let server = Server::start_with(&[("WAYMARK_ANALYTICS__FLUSH_INTERVAL_MS", "100")]).await;
    let admin = server.admin_token().await;
    let site_id = site(&server, &admin, "example.com").await;
    let firefox = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0";
    let record = |session: &'static str| {
        let mut event = seed_event(site_id);
        event["user_agent"] = json!(firefox);
        event["session_id"] = json!(session);
        event
    };
    let (_, before) = post(&server, &admin, &record("before")).await;
    assert_eq!(before["data"]["browser"], "Firefox 127", "{before}");

    // `enricher-shout` sets browser to the user agent in capitals; it is not
    // in analytics.enrichers, so it runs after the built-ins and wins.
    let (status, body) = upload(&server, &admin, component("enricher_shout")).await;
    assert_eq!(status, 200, "{body}");
    let (_, during) = post(&server, &admin, &record("during")).await;
    assert_eq!(during["data"]["browser"], firefox.to_uppercase(), "{during}");
    assert_eq!(during["data"]["os"], "Linux", "the built-in's other fields stay: {during}");

    let (status, body) = send(server.post("/api/admin/plugins/test.enricher-shout/disable").bearer_auth(&admin)).await;
    assert_eq!(status, 200, "{body}");
    let (_, after) = post(&server, &admin, &record("after")).await;
    assert_eq!(after["data"]["browser"], "Firefox 127", "{after}");

    let data = listed(&server, &admin, &format!("/api/events/{site_id}"), 3).await;
    let browser_of = |session: &str| {
        data["list"].as_array().unwrap().iter().find(|e| e["session_id"] == session).unwrap()["browser"].clone()
    };
    assert_eq!(browser_of("before"), "Firefox 127", "stored events keep their fields");
    assert_eq!(browser_of("during"), json!(firefox.to_uppercase()));
    assert_eq!(browser_of("after"), "Firefox 127");
}

/// The built-in enrichers declare what they read (`reads`), so their
/// answers are cached by it: twelve events from two browsers cost the user
/// agent enricher two calls, and the same page and referrer cost the
/// referrer enricher one.
#[tokio::test]
async fn enricher_answers_are_cached_by_what_the_plugin_reads() {
    let server = Server::start_with(&[("WAYMARK_ANALYTICS__FLUSH_INTERVAL_MS", "100")]).await;
    let admin = server.admin_token().await;
    let site_id = site(&server, &admin, "example.com").await;
    let calls = |id: &'static str| {
        let server = &server;
        let admin = admin.clone();
        async move {
            let (_, body) = send(server.get("/api/admin/plugins").bearer_auth(&admin)).await;
            let plugins = body["data"]["plugins"].as_array().cloned().unwrap_or_default();
            let plugin = plugins.iter().find(|p| p["id"] == id).cloned().unwrap_or_else(|| panic!("{id}: {body}"));
            (plugin["calls"].as_u64().unwrap(), plugin["reads"].clone())
        }
    };
    let (ua_before, ua_reads) = calls("waymark.analytics-enricher-ua").await;
    let (referrer_before, referrer_reads) = calls("waymark.analytics-enricher-referrer").await;
    assert_eq!((ua_reads, referrer_reads), (json!(["user_agent"]), json!(["url", "referrer"])), "listed");
    let agents = [
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    ];
    for n in 0..12 {
        let mut event = seed_event(site_id);
        event["user_agent"] = json!(agents[n % 2]);
        event["session_id"] = json!(format!("s{n}"));
        event["ip"] = json!(format!("192.0.2.{n}"));
        let (status, body) = post(&server, &admin, &event).await;
        assert_eq!(status, 200, "{body}");
        let expected = if n % 2 == 0 { "Firefox 128" } else { "Safari 17" };
        assert_eq!(body["data"]["browser"], expected, "a cached answer is the same answer");
    }
    assert_eq!(calls("waymark.analytics-enricher-ua").await.0 - ua_before, 2);
    assert_eq!(calls("waymark.analytics-enricher-referrer").await.0 - referrer_before, 1);
}

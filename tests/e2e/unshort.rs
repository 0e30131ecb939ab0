//! `GET /api/unshort` against local redirect chains (see `chain_server`):
//! every redirect method, loops, limits, failures, the 4000 errors, the
//! blocker with loopback allowance off, a hot-loaded rule and the cache.

use std::time::Duration;

use serde_json::Value;

use crate::chain_server::{ChainServer, Reply};
use crate::support::*;

const NO_LIMITS: (&str, &str) = ("WAYMARK_METERING__ENABLED", "false");
/// Local chain servers live on 127.0.0.1 at a random port.
const LOCAL: [(&str, &str); 3] = [
    ("WAYMARK_UNSHORT__ALLOW_LOOPBACK", "true"),
    ("WAYMARK_UNSHORT__ALLOWED_PORTS", "[]"),
    ("WAYMARK_UNSHORT__HOP_TIMEOUT_MS", "700"),
];

async fn start() -> Server {
    Server::start_with(&[NO_LIMITS, LOCAL[0], LOCAL[1], LOCAL[2]]).await
}

/// The `data` of a successful trace.
async fn trace(server: &Server, url: &str, max_hops: Option<u32>) -> Value {
    let mut query = vec![("url", url.to_string())];
    if let Some(hops) = max_hops {
        query.push(("max_hops", hops.to_string()));
    }
    let (status, body) = send(server.get("/api/unshort").query(&query)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(body["msg"], "成功");
    body["data"].clone()
}

fn methods(data: &Value) -> Vec<String> {
    data["chain"].as_array().unwrap().iter().map(|hop| hop["method"].as_str().unwrap().to_string()).collect()
}

fn last(data: &Value) -> &Value {
    data["chain"].as_array().unwrap().last().unwrap()
}

#[tokio::test]
async fn status_redirects_are_followed_hop_by_hop() {
    let chain = ChainServer::start().await;
    let landing = chain.url("/final");
    chain
        .redirect("/s301", 301, "/s302")
        .redirect("/s302", 302, &chain.url("/s303"))
        .redirect("/s303", 303, "s307")
        .redirect("/s307", 307, "./dir/s308")
        .redirect("/dir/s308", 308, "../final")
        .route("/final", Reply::Stall(Duration::from_millis(250)));
    let server = start().await;
    let data = trace(&server, &chain.url("/s301"), None).await;

    assert_eq!(data["original_url"], chain.url("/s301"));
    assert_eq!(data["final_url"], landing);
    assert_eq!(data["hops"], 6);
    assert_eq!(data["is_redirect"], true);
    assert_eq!(data["stop_reason"], "final");
    let hops = data["chain"].as_array().unwrap();
    let statuses: Vec<u64> = hops.iter().map(|h| h["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [301, 302, 303, 307, 308, 200]);
    assert_eq!(methods(&data), ["Location", "Location", "Location", "Location", "Location", "final"]);
    let nexts: Vec<&str> = hops[..5].iter().map(|h| h["next"].as_str().unwrap()).collect();
    let expected = ["/s302", "/s303", "/s307", "/dir/s308", "/final"].map(|p| chain.url(p));
    assert_eq!(nexts, expected, "relative locations resolve against each hop");
    assert!(hops[5].get("next").is_none(), "the landing page leads nowhere");
    for (index, hop) in hops.iter().enumerate() {
        assert_eq!(hop["hop"], index as u64 + 1);
    }
    // Real measurements: the landing page takes 250 ms to answer.
    assert!(hops[5]["duration_ms"].as_u64().unwrap() >= 250, "{}", hops[5]);
    assert!(data["total_time_ms"].as_u64().unwrap() >= 250);
}

#[tokio::test]
async fn refresh_header_and_every_meta_refresh_variant() {
    let chain = ChainServer::start().await;
    chain.html("/final", "<p>landing</p>");
    chain.route(
        "/refresh",
        Reply::Page(200, vec![("Refresh".into(), "0; url=/final".into())], "text/html", "<p>wait</p>".into()),
    );
    let variants = [
        r#"<meta http-equiv="refresh" content="0;url=/final">"#,
        r#"<META HTTP-EQUIV="Refresh" CONTENT="0; URL=/final">"#,
        r#"<meta http-equiv="refresh" content="0; URL='/final'">"#,
        r#"<meta content="3 ; url = &quot;/final&quot;" http-equiv=refresh>"#,
        r#"<meta http-equiv='refresh' content='0,/final'>"#,
        r#"<noscript><meta http-equiv="refresh" content="0;URL=/final"></noscript>"#,
    ];
    for (index, variant) in variants.iter().enumerate() {
        chain.html(&format!("/meta/{index}"), &format!("<html><head>{variant}</head><body>moved</body></html>"));
    }
    let server = start().await;

    let data = trace(&server, &chain.url("/refresh"), None).await;
    assert_eq!(methods(&data), ["Refresh", "final"]);
    assert_eq!(data["final_url"], chain.url("/final"));
    for index in 0..variants.len() {
        let data = trace(&server, &chain.url(&format!("/meta/{index}")), None).await;
        assert_eq!(methods(&data), ["Meta-Refresh", "final"], "variant {index}: {data}");
        assert_eq!(data["chain"][0]["next"], chain.url("/final"), "variant {index}");
    }
    let commented = "<!-- <meta http-equiv=\"refresh\" content=\"0;url=/final\"> --><p>stay</p>";
    chain.html("/commented", commented);
    assert_eq!(methods(&trace(&server, &chain.url("/commented"), None).await), ["final"]);
}

#[tokio::test]
async fn script_redirects_and_interstitials() {
    let chain = ChainServer::start().await;
    chain.html("/final", "<p>landing</p>");
    let scripts = [
        r#"window.location = "/final";"#,
        r#"location.href='/final'"#,
        r#"window.location.replace("\/final")"#,
        r#"document.location.assign('/final')"#,
        r#"window.open("/final", "_self")"#,
        r#"// location.href = "/nowhere";
           if (location.href == "x") {} top.location = `/final`;"#,
    ];
    for (index, script) in scripts.iter().enumerate() {
        chain.html(&format!("/js/{index}"), &format!("<html><script>{script}</script></html>"));
    }
    let wrapped = format!("/l.php?u={}&h=x", chain.url("/final").replace(':', "%3A").replace('/', "%2F"));
    chain.html(&wrapped, "<h1>You are leaving this site</h1><a href=\"#\">continue</a>");
    chain.html(
        "/tco",
        r#"<head><noscript><META http-equiv="refresh" content="0;URL=/final"></noscript><title>/final</title></head>
           <script>window.opener = null; location.replace("\/final")</script>"#,
    );
    let server = start().await;

    for index in 0..scripts.len() {
        let data = trace(&server, &chain.url(&format!("/js/{index}")), None).await;
        assert_eq!(methods(&data), ["JS", "final"], "script {index}: {data}");
        assert_eq!(data["final_url"], chain.url("/final"));
    }
    let data = trace(&server, &chain.url(&wrapped), None).await;
    assert_eq!(methods(&data), ["Interstitial", "final"], "{data}");
    assert_eq!(data["chain"][0]["status"], 200);
    let data = trace(&server, &chain.url("/tco"), None).await;
    assert_eq!(data["hops"], 2, "{data}");
    assert_eq!(data["final_url"], chain.url("/final"));
}

#[tokio::test]
async fn loops_stop_without_refetching_and_max_hops_is_reported() {
    let chain = ChainServer::start().await;
    chain.redirect("/loop/a", 302, "/loop/b").redirect("/loop/b", 302, "/loop/a");
    for n in 1..=12 {
        chain.redirect(&format!("/chain/{n}"), 302, &format!("/chain/{}", n + 1));
    }
    let server = start().await;

    let data = trace(&server, &chain.url("/loop/a"), None).await;
    assert_eq!(data["stop_reason"], "loop");
    assert_eq!(data["hops"], 2);
    assert_eq!(last(&data)["next"], chain.url("/loop/a"));
    assert_eq!((chain.hits("/loop/a"), chain.hits("/loop/b")), (1, 1), "the loop is not re-fetched");

    let data = trace(&server, &chain.url("/chain/1"), Some(3)).await;
    assert_eq!(data["stop_reason"], "max_hops");
    assert_eq!(data["hops"], 3);
    assert_eq!(data["final_url"], chain.url("/chain/3"));
    assert_eq!(last(&data)["next"], chain.url("/chain/4"));
    assert_eq!(chain.hits("/chain/4"), 0);
    let data = trace(&server, &chain.url("/chain/1"), None).await;
    assert_eq!(data["hops"], 10, "max_hops defaults to 10");
}

#[tokio::test]
async fn failed_hops_are_recorded_and_the_call_still_answers() {
    let chain = ChainServer::start().await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    chain
        .route("/slow", Reply::Stall(Duration::from_secs(5)))
        .redirect("/to-slow", 302, "/slow")
        .redirect("/tls", 302, &format!("https://127.0.0.1:{}/final", chain.port))
        .redirect("/refused", 302, &format!("http://127.0.0.1:{closed}/"))
        .redirect("/private", 302, "http://10.1.2.3/admin")
        .redirect("/metadata", 301, "http://[::ffff:169.254.169.254]/latest/")
        .redirect("/ftp", 302, "ftp://files.example/x");
    let server = start().await;

    let cases = [
        ("/to-slow", "timed out"),
        ("/tls", "TLS"),
        ("/refused", "connection refused"),
        ("/private", "blocked"),
        ("/metadata", "blocked"),
        ("/ftp", "only http and https"),
    ];
    for (path, error) in cases {
        let data = trace(&server, &chain.url(path), None).await;
        assert_eq!(data["stop_reason"], "error", "{path}: {data}");
        assert_eq!(data["hops"], 2, "{path}: {data}");
        let failed = last(&data);
        assert_eq!(failed["method"], "error");
        assert_eq!(failed["status"], 0);
        assert!(failed["error"].as_str().unwrap().contains(error), "{path}: {failed}");
    }
    let slow = trace(&server, &chain.url("/slow"), None).await;
    let took = slow["chain"][0]["duration_ms"].as_u64().unwrap();
    assert!((650..3000).contains(&took), "the hop timeout (700 ms) cut it: {took}");

    // A forbidden first URL is still a trace: one blocked hop.
    for url in ["http://169.254.169.254/latest/meta-data/", "http://0xa9.254.43518/", "http://[::ffff:127.0.0.1]:1/"] {
        let data = trace(&server, url, None).await;
        assert_eq!(data["hops"], 1, "{url}: {data}");
        assert!(last(&data)["error"].as_str().unwrap().starts_with("blocked"), "{url}: {data}");
    }
}

#[tokio::test]
async fn final_pages_of_every_kind() {
    let chain = ChainServer::start().await;
    let meta = r#"<meta http-equiv="refresh" content="0;url=/elsewhere">"#;
    chain
        .route("/missing", Reply::Page(404, Vec::new(), "text/html", format!("<h1>gone</h1>{meta}")))
        .route("/image", Reply::Page(200, Vec::new(), "image/png", format!("\u{89}PNG{meta}")))
        .route("/json", Reply::Page(200, Vec::new(), "application/json", r#"{"js":"location.href='/x'"}"#.into()))
        .route("/huge-late", Reply::Huge { head: "<html><body>".into(), size: 8 * 1024 * 1024 })
        .route("/huge-early", Reply::Huge { head: format!("<html><head>{meta}</head>"), size: 8 * 1024 * 1024 })
        .html("/elsewhere", "<p>there</p>");
    chain.route(
        "/huge-late-meta",
        Reply::Huge { head: format!("<html>{}{meta}", " ".repeat(400 * 1024)), size: 1024 * 1024 },
    );
    let server = start().await;

    let data = trace(&server, &chain.url("/missing"), None).await;
    assert_eq!((data["hops"].as_u64(), &last(&data)["status"]), (Some(1), &Value::from(404)), "{data}");
    assert_eq!(data["is_redirect"], false);
    assert_eq!(methods(&data), ["final"]);
    for path in ["/image", "/json", "/huge-late", "/huge-late-meta"] {
        let data = trace(&server, &chain.url(path), None).await;
        assert_eq!(methods(&data), ["final"], "{path}: {data}");
        assert_eq!(data["final_url"], chain.url(path));
    }
    let data = trace(&server, &chain.url("/huge-early"), None).await;
    assert_eq!(methods(&data), ["Meta-Refresh", "final"], "a prefix is enough when the redirect is early");
}

#[tokio::test]
async fn bad_parameters_are_4000() {
    let server = start().await;
    for query in [
        vec![],
        vec![("url", "")],
        vec![("url", "   ")],
        vec![("url", "ftp://files.example/")],
        vec![("url", "example.com/path")],
        vec![("url", "javascript:alert(1)")],
        vec![("url", "https://a.example/"), ("max_hops", "0")],
        vec![("url", "https://a.example/"), ("max_hops", "31")],
        vec![("url", "https://a.example/"), ("max_hops", "ten")],
    ] {
        let (status, body) = send(server.get("/api/unshort").query(&query)).await;
        assert_eq!(status, 400, "{query:?}: {body}");
        assert_eq!(body["code"], 4000, "{query:?}: {body}");
        assert!(body["msg"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    }
}

#[tokio::test]
async fn loopback_is_blocked_unless_allowed() {
    let chain = ChainServer::start().await;
    chain.html("/final", "<p>landing</p>");
    let server = Server::start_with(&[NO_LIMITS, ("WAYMARK_UNSHORT__ALLOWED_PORTS", "[]")]).await;
    let port = chain.port;
    for url in [
        chain.url("/final"),
        format!("http://localhost:{port}/final"),
        format!("http://2130706433:{port}/final"),
        format!("http://0x7f.1:{port}/final"),
        format!("http://[::1]:{port}/final"),
    ] {
        let data = trace(&server, &url, None).await;
        let error = last(&data)["error"].as_str().unwrap().to_string();
        assert!(error.starts_with("blocked") && error.contains("loopback"), "{url}: {error}");
    }
    assert_eq!(chain.hits("/final"), 0, "nothing reached the local server");
}

#[tokio::test]
async fn a_hot_loaded_rule_changes_the_trace() {
    let chain = ChainServer::start().await;
    chain.html("/marked", r#"<div data-next="/final">next</div>"#).html("/final", "<p>landing</p>");
    let server = start().await;
    assert_eq!(methods(&trace(&server, &chain.url("/marked"), Some(5)).await), ["final"]);

    let marker = waymark_test_artifacts::bytes("unshort-rule-marker");
    let token = server.admin_token().await;
    let (status, body) = send(
        server.post("/api/admin/plugins").bearer_auth(&token).header("content-type", "application/wasm").body(marker),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // A different max_hops: the earlier trace is still cached for a minute.
    let data = trace(&server, &chain.url("/marked"), Some(6)).await;
    assert_eq!(methods(&data), ["Marker", "final"], "{data}");
    assert_eq!(data["final_url"], chain.url("/final"));
}

#[tokio::test]
async fn a_burst_of_one_link_costs_one_trace() {
    let chain = ChainServer::start().await;
    chain.route("/busy", Reply::Stall(Duration::from_millis(300)));
    let server = start().await;
    let url = chain.url("/busy");
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..12 {
        burst.spawn(send(server.get("/api/unshort").query(&[("url", url.clone())])));
    }
    while let Some(answer) = burst.join_next().await {
        let (status, body) = answer.unwrap();
        assert_eq!((status, &body["data"]["final_url"]), (200, &Value::from(url.clone())), "{body}");
    }
    assert_eq!(chain.hits("/busy"), 1, "one trace served the whole burst");
}

/// The documented limits: a bad key is 4015, the anonymous daily quota 4030
/// (lowered here), more than 5 requests a second with a key 4029.
#[tokio::test]
async fn keys_and_quotas() {
    let chain = ChainServer::start().await;
    chain.html("/final", "<p>landing</p>");
    let url = chain.url("/final");
    let server = Server::start_with(&[
        LOCAL[0],
        LOCAL[1],
        ("WAYMARK_METERING__UNSHORT__ANONYMOUS_PER_DAY", "3"),
        ("WAYMARK_METERING__UNSHORT__ANONYMOUS_PER_SECOND", "0"),
    ])
    .await;
    let (status, body) = send(server.get("/api/unshort").query(&[("url", url.as_str()), ("key", "wm_nope")])).await;
    assert_eq!((status, &body["code"]), (401, &Value::from(4015)), "{body}");
    let mut last = (0, Value::Null);
    for _ in 0..3 {
        last = send(server.get("/api/unshort").query(&[("url", url.as_str())])).await;
    }
    assert_eq!((last.0, &last.1["code"]), (429, &Value::from(4030)), "{}", last.1);

    let account = server.register("unshort@example.com", "password123").await;
    // Twelve quick requests: however a second boundary splits them, one
    // window sees more than five.
    let mut codes = Vec::new();
    for _ in 0..12 {
        let response =
            send_raw(server.get("/api/unshort").query(&[("url", url.as_str()), ("key", &account.api_key)])).await;
        codes.push(response.status().as_u16());
        if response.status() == 429 {
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["code"], 4029, "{body}");
            break;
        }
    }
    assert!(codes.contains(&429) && codes[0] == 200, "{codes:?}");
}

//! The analytics tracker (`GET /script.js`, `host/src/analytics/tracker`) in
//! headless Chromium. Most tests check what the script sends, field by
//! field: a small HTTP server on 127.0.0.1 serves the test pages and the
//! script as Waymark serves it (`tracker::script()`, the compacted text) and
//! records every request. The last ones run the whole path against a real
//! server: a page loads `/script.js` from Waymark, whose `/api/collect`
//! stores the events.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use waymark::analytics::tracker;

use crate::browser::Browser;
use crate::support::eventually;

/// One request the collector received.
#[derive(Clone, Debug)]
struct Request {
    method: String,
    path: String,
    /// Which of the collector's two ports it came in on (0 or 1).
    port: usize,
    content_type: String,
    cookie: Option<String>,
    body: String,
}

impl Request {
    fn event(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("a POST body that is not JSON ({e}): {self:?}"))
    }
}

/// Serves pages and the tracker on two loopback ports (the second one is
/// "another host" for outbound links and `data-api`), and records requests.
struct Collector {
    ports: [u16; 2],
    pages: Arc<Mutex<HashMap<String, String>>>,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Collector {
    fn start() -> Collector {
        let pages: Arc<Mutex<HashMap<String, String>>> = Arc::default();
        let requests: Arc<Mutex<Vec<Request>>> = Arc::default();
        let mut ports = [0; 2];
        for (index, port) in ports.iter_mut().enumerate() {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            *port = listener.local_addr().unwrap().port();
            let (pages, requests) = (pages.clone(), requests.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming().flatten() {
                    let (pages, requests) = (pages.clone(), requests.clone());
                    std::thread::spawn(move || answer(stream, index, &pages, &requests));
                }
            });
        }
        Collector { ports, pages, requests }
    }

    /// `http://127.0.0.1:<port>/<path>` on the first port, or the second.
    fn url(&self, port: usize, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.ports[port])
    }

    fn page(&self, path: &str, html: &str) {
        self.pages.lock().unwrap().insert(path.to_string(), html.to_string());
    }

    /// The events POSTed to `/api/collect` so far (on either port).
    fn events(&self) -> Vec<Value> {
        self.posts().iter().map(Request::event).collect()
    }

    fn posts(&self) -> Vec<Request> {
        let requests = self.requests.lock().unwrap();
        requests.iter().filter(|r| r.method == "POST" && r.path == "/api/collect").cloned().collect()
    }

    /// Waits until an event of `tid` matches `wanted`, and returns it.
    async fn wait_for(&self, what: &str, tid: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        eventually(what, || {
            let events = self.events();
            let found = events.iter().find(|e| e["tid"] == tid && wanted(e)).cloned();
            async move { found.ok_or_else(|| format!("events so far: {events:#?}")) }
        })
        .await
    }

    /// The events of `tid` of this `type`.
    fn of(&self, tid: &str, kind: &str) -> Vec<Value> {
        self.events().into_iter().filter(|e| e["tid"] == tid && e["type"] == kind).collect()
    }
}

fn answer(stream: TcpStream, port: usize, pages: &Mutex<HashMap<String, String>>, requests: &Mutex<Vec<Request>>) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut words = line.split_whitespace();
    let method = words.next().unwrap_or("").to_string();
    let path = words.next().unwrap_or("/").split('?').next().unwrap_or("/").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let length = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let (status, content_type, reply) = match (method.as_str(), path.as_str()) {
        ("GET", "/script.js") => ("200 OK", tracker::CONTENT_TYPE, tracker::script().to_string()),
        ("GET", _) => match pages.lock().unwrap().get(&path) {
            Some(html) => ("200 OK", "text/html; charset=utf-8", html.clone()),
            // Files and other hosts' pages: 204 leaves the page where it is.
            None => ("204 No Content", "text/plain", String::new()),
        },
        _ => ("204 No Content", "text/plain", String::new()),
    };
    requests.lock().unwrap().push(Request {
        method,
        path,
        port,
        content_type: headers.get("content-type").cloned().unwrap_or_default(),
        cookie: headers.get("cookie").cloned(),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let mut stream = reader.into_inner();
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    );
}

/// The queue stub sites put before the tracker, with one call already queued.
const STUB: &str = r#"<script>window.waymark = window.waymark || function () { (window.waymark.q = window.waymark.q || []).push(arguments) }; waymark("queued", {value: 7});</script>"#;

#[tokio::test]
async fn page_views_spa_navigations_engagement_and_clicks_reach_the_collector() {
    let collector = Collector::start();
    let elsewhere = collector.url(1, "/elsewhere");
    collector.page("/landing", r#"<!doctype html><a id="go" href="/app/start?x=1#top">go</a>"#);
    collector.page(
        "/app/start",
        &format!(
            r#"<!doctype html><html><head>{STUB}
<script defer src="/script.js" data-site="T-APP" data-allow-headless data-outbound data-downloads></script>
</head><body>
<p><button id="cta" data-waymark-event="cta" data-waymark-value="hero"><span id="inner">Go</span></button></p>
<p><a id="out" href="{elsewhere}">elsewhere</a> <a id="local" href="/app/local">local</a></p>
<p><a id="file" href="/files/Report.PDF">report</a> <a id="page" href="/files/notes.html">notes</a></p>
</body></html>"#
        ),
    );
    let mut browser = Browser::launch();
    // Arrive by a link, so the first page view has a referrer.
    browser.open(&collector.url(0, "/landing"));
    browser.click("#go");
    browser.wait_for("the app page", "location.pathname == '/app/start' && document.readyState == 'complete'");
    let start = collector.url(0, "/app/start?x=1");

    let view = collector.wait_for("the page view on load", "T-APP", |e| e["type"] == "page_view").await;
    let screen = browser.eval("screen.width + 'x' + screen.height");
    let lang = browser.eval("navigator.language");
    assert_eq!(view["url"], start.as_str(), "the hash is not sent outside hash mode: {view}");
    assert_eq!(view["ref"], collector.url(0, "/landing").as_str(), "{view}");
    assert_eq!(view["screen"], screen, "{view}");
    assert_eq!(view["lang"], lang, "{view}");
    let fields: Vec<&String> = view.as_object().unwrap().keys().collect();
    assert_eq!(fields, ["tid", "type", "url", "ref", "screen", "lang"], "{view}");

    // The call queued before the script loaded is sent once it has.
    let queued = collector.wait_for("the queued custom event", "T-APP", |e| e["type"] == "queued").await;
    assert_eq!(queued["value"], "7", "values are strings: {queued}");
    assert_eq!(queued["ref"], "", "only the first page view carries the referrer: {queued}");

    // An SPA navigation: the first page's visible time, then a page view.
    browser.eval("history.pushState({}, '', '/app/second'), 1");
    let second = collector.url(0, "/app/second");
    let view = collector
        .wait_for("the SPA page view", "T-APP", |e| e["type"] == "page_view" && e["url"] == second.as_str())
        .await;
    assert_eq!(view["ref"], "", "{view}");
    let engagement = collector.wait_for("the first page's engagement", "T-APP", |e| e["type"] == "engagement").await;
    assert_eq!(engagement["url"], start.as_str(), "engagement is for the page left: {engagement}");
    assert!(engagement["ms"].as_u64().is_some_and(|ms| ms > 0), "ms is a positive integer: {engagement}");
    assert!(engagement.get("value").is_none(), "{engagement}");

    // Not a new page: only the hash changes, the same URL again.
    browser.eval("history.pushState({}, '', '/app/second#part'); history.replaceState({}, '', '/app/second'); history.pushState({}, '', '/app/second'); 1");
    browser.eval("waymark('signup', {value: 'pro'}), 1");
    let signup = collector.wait_for("waymark('signup')", "T-APP", |e| e["type"] == "signup").await;
    assert_eq!(signup["value"], "pro", "{signup}");
    assert_eq!(signup["url"], second.as_str(), "{signup}");
    assert_eq!(collector.of("T-APP", "page_view").len(), 2, "{:#?}", collector.events());
    assert_eq!(collector.of("T-APP", "engagement").len(), 1, "{:#?}", collector.events());

    // A click inside an element with data-waymark-event.
    browser.click("#inner");
    let cta = collector.wait_for("the data-waymark-event click", "T-APP", |e| e["type"] == "cta").await;
    assert_eq!(cta["value"], "hero", "{cta}");

    // Outbound and download clicks (their targets answer 204: the page stays).
    browser.click("#out");
    let outbound = collector.wait_for("the outbound click", "T-APP", |e| e["type"] == "outbound").await;
    assert_eq!(outbound["value"], elsewhere.as_str(), "{outbound}");
    browser.click("#file");
    let download = collector.wait_for("the download click", "T-APP", |e| e["type"] == "download").await;
    assert_eq!(download["value"], collector.url(0, "/files/Report.PDF").as_str(), "{download}");
    // A middle click opens the link too (`auxclick`, button 1); a right
    // click (button 2) opens a menu and is not counted.
    browser.eval(
        "for (const button of [1, 2]) document.querySelector('#out').dispatchEvent(\
         new MouseEvent('auxclick', {button, bubbles: true, cancelable: true})); 1",
    );
    collector
        .wait_for("the middle click", "T-APP", |e| {
            e["type"] == "outbound" && collector.of("T-APP", "outbound").len() == 2
        })
        .await;
    // Neither a link to this host nor to a page is an outbound or a download.
    browser.click("#local");
    browser.click("#page");
    browser.eval("waymark('after-links'), 1");
    collector.wait_for("the marker after the links", "T-APP", |e| e["type"] == "after-links").await;
    assert_eq!(collector.of("T-APP", "outbound").len(), 2, "{:#?}", collector.events());
    assert_eq!(collector.of("T-APP", "download").len(), 1, "{:#?}", collector.events());

    // Back: a page view again (with the second page's engagement first).
    browser.eval("history.go(-3), 1");
    collector
        .wait_for("the page view after going back", "T-APP", |e| {
            e["type"] == "page_view" && e["url"] == start.as_str() && e["ref"] == ""
        })
        .await;
    collector
        .wait_for("the second page's engagement", "T-APP", |e| e["type"] == "engagement" && e["url"] == second.as_str())
        .await;

    // Hidden, then the page goes away: one engagement for the time since.
    browser.eval(
        "Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'}); \
         document.dispatchEvent(new Event('visibilitychange')); window.dispatchEvent(new Event('pagehide')); 1",
    );
    // Counted, not compared: this engagement may carry the same `ms` as the
    // first page's, and then the two are equal as values.
    let on_start = || -> Vec<Value> {
        collector.of("T-APP", "engagement").into_iter().filter(|e| e["url"] == start.as_str()).collect()
    };
    collector.wait_for("the engagement when hidden", "T-APP", |_| on_start().len() == 2).await;
    let last = on_start().pop().unwrap();
    assert!(last["ms"].as_u64().is_some_and(|ms| ms > 0), "{last}");
    browser.eval("waymark('after-hidden'), 1");
    collector.wait_for("the marker after hiding", "T-APP", |e| e["type"] == "after-hidden").await;
    assert_eq!(
        collector.of("T-APP", "engagement").len(),
        3,
        "pagehide after hidden adds nothing: {:#?}",
        collector.events()
    );

    // Every event was a text/plain beacon to this origin, without cookies,
    // and the script stored nothing.
    for post in collector.posts() {
        assert!(post.content_type.starts_with("text/plain"), "{post:?}");
        assert_eq!((post.port, &post.cookie), (0, &None), "{post:?}");
    }
    assert_eq!(browser.eval("document.cookie + localStorage.length + sessionStorage.length"), "00");
    assert_eq!(browser.exceptions(), Vec::<String>::new(), "the page threw");
}

/// `data-hash`: a new hash is a new page and the URL keeps it; `data-api`
/// sends elsewhere; without a working sendBeacon the fetch fallback sends.
#[tokio::test]
async fn hash_mode_another_api_and_the_fetch_fallback() {
    let collector = Collector::start();
    let api = collector.url(1, "/api/collect");
    collector.page(
        "/spa",
        &format!(
            r#"<!doctype html><script>Navigator.prototype.sendBeacon = function () {{ return false }};</script>
<script defer src="/script.js" data-site="T-HASH" data-hash data-api="{api}" data-allow-headless></script>"#
        ),
    );
    let mut browser = Browser::launch();
    browser.open(&collector.url(0, "/spa#/a"));
    let first = collector.url(0, "/spa#/a");
    collector
        .wait_for("the page view with its hash", "T-HASH", |e| e["type"] == "page_view" && e["url"] == first.as_str())
        .await;
    browser.eval("location.hash = '#/b', 1");
    let second = collector.url(0, "/spa#/b");
    collector
        .wait_for("the page view on hashchange", "T-HASH", |e| e["type"] == "page_view" && e["url"] == second.as_str())
        .await;
    collector
        .wait_for("the engagement of #/a", "T-HASH", |e| e["type"] == "engagement" && e["url"] == first.as_str())
        .await;
    assert_eq!(collector.of("T-HASH", "page_view").len(), 2, "{:#?}", collector.events());

    let requests = collector.requests.lock().unwrap().clone();
    assert!(!requests.iter().any(|r| r.method == "OPTIONS"), "no CORS preflight: {requests:#?}");
    for post in collector.posts() {
        assert_eq!(post.port, 1, "sent to data-api: {post:?}");
        assert_eq!(post.content_type, "text/plain", "{post:?}");
        assert_eq!(post.cookie, None, "{post:?}");
    }
    assert_eq!(browser.exceptions(), Vec::<String>::new(), "the page threw");
}

/// Pages where the tracker must send nothing at all. After each, a page
/// with the tracker on is loaded and its page view awaited, so anything the
/// page before sent has had its chance to arrive.
#[tokio::test]
async fn do_not_track_opt_outs_automation_and_file_pages_send_nothing() {
    let collector = Collector::start();
    let tag = |attributes: &str| format!(r#"<script defer src="/script.js" data-site="T-OFF" {attributes}></script>"#);
    let cases = [
        (
            "dnt",
            format!(
                r#"<script>Object.defineProperty(Navigator.prototype, "doNotTrack", {{get: () => "1"}})</script>{}"#,
                tag("data-allow-headless")
            ),
        ),
        ("window-dnt", format!(r#"<script>window.doNotTrack = "1"</script>{}"#, tag("data-allow-headless"))),
        ("ms-dnt", format!(r#"<script>navigator.msDoNotTrack = "1"</script>{}"#, tag("data-allow-headless"))),
        ("html-ignore", format!(r#"<html data-waymark-ignore>{}"#, tag("data-allow-headless"))),
        ("tag-ignore", tag("data-allow-headless data-waymark-ignore")),
        ("headless", tag("")),
        (
            "webdriver",
            format!(
                r#"<script>Object.defineProperty(Navigator.prototype, "userAgent", {{get: () => "Mozilla/5.0"}}); Object.defineProperty(Navigator.prototype, "webdriver", {{get: () => true}})</script>{}"#,
                tag("")
            ),
        ),
        ("phantom", format!(r#"<script>window.callPhantom = function () {{}}</script>{}"#, tag("data-allow-headless"))),
        ("nightmare", format!(r#"<script>window.__nightmare = {{}}</script>{}"#, tag("data-allow-headless"))),
    ];
    collector.page(
        "/control",
        r#"<!doctype html><script defer src="/script.js" data-site="T-ON" data-allow-headless></script>"#,
    );
    let directory = tempfile::tempdir().unwrap();
    let file_page = directory.path().join("page.html");
    std::fs::write(
        &file_page,
        format!(
            r#"<!doctype html><script defer src="{}" data-site="T-OFF" data-allow-headless></script>"#,
            collector.url(0, "/script.js")
        ),
    )
    .unwrap();

    let mut browser = Browser::launch();
    assert!(
        browser.eval("navigator.userAgent.includes('Headless')") == true,
        "the headless case needs a headless user agent"
    );
    let mut urls: Vec<(String, String)> = cases
        .iter()
        .map(|(name, html)| {
            collector.page(
                &format!("/{name}"),
                &format!("<!doctype html>{html}{STUB}<button data-waymark-event=\"click\">b</button>"),
            );
            (name.to_string(), collector.url(0, &format!("/{name}")))
        })
        .collect();
    urls.push(("file".to_string(), format!("file://{}", file_page.display())));
    for (round, (name, url)) in urls.iter().enumerate() {
        browser.open(url);
        browser.wait_for(
            &format!("the {name} page's scripts"),
            "document.readyState == 'complete' && typeof waymark == 'function'",
        );
        browser.eval("waymark('custom'), document.querySelector('button') && document.querySelector('button').click(), history.pushState({}, '', '#x'), 1");
        browser.open(&collector.url(0, &format!("/control?{round}")));
        collector
            .wait_for(&format!("the control page after {name}"), "T-ON", |e| {
                e["url"].as_str().is_some_and(|u| u.ends_with(&format!("?{round}")))
            })
            .await;
        let sent: Vec<Value> = collector.events().into_iter().filter(|e| e["tid"] == "T-OFF").collect();
        assert_eq!(sent, Vec::<Value>::new(), "the {name} page sent events");
    }
    assert_eq!(browser.exceptions(), Vec::<String>::new(), "a page threw");
}

#[tokio::test]
async fn the_server_serves_the_compacted_script() {
    let server = crate::support::Server::start().await;
    let response = crate::support::send_raw(server.get("/script.js")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(crate::support::header(&response, "content-type").as_deref(), Some(tracker::CONTENT_TYPE));
    assert_eq!(crate::support::header(&response, "cache-control").as_deref(), Some("public, max-age=3600"));
    assert_eq!(response.text().await.unwrap(), tracker::script());
}

/// The whole path: a page on one origin loads the tracker from a running
/// Waymark, whose `/api/collect` stores what it sends for the site.
#[tokio::test]
async fn a_real_page_records_views_navigations_custom_events_and_outbound_clicks() {
    use crate::support::{Server, send};
    use serde_json::json;

    let server = Server::start_with(&[("WAYMARK_ANALYTICS__FLUSH_INTERVAL_MS", "100")]).await;
    let alice = server.register("alice@example.com", "password123").await;
    let (status, body) = send(
        server
            .post("/api/sites")
            .bearer_auth(&alice.token)
            .json(&json!({ "name": "local", "domain": "http://127.0.0.1" })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (site_id, tid) =
        (body["data"]["id"].as_i64().unwrap(), body["data"]["tracking_id"].as_str().unwrap().to_string());

    let pages = Collector::start();
    let elsewhere = pages.url(1, "/elsewhere");
    pages.page(
        "/shop",
        &format!(
            r#"<!doctype html><html><head>
<script defer src="{}/script.js" data-site="{tid}" data-allow-headless data-outbound></script>
</head><body><a id="out" href="{elsewhere}">elsewhere</a></body></html>"#,
            server.base
        ),
    );
    let mut browser = Browser::launch();
    browser.open(&pages.url(0, "/shop"));
    browser.wait_for("the tracker", "typeof window.waymark == 'function' && !window.waymark.q");
    browser.eval("history.pushState({}, '', '/shop/cart'), 1");
    browser.eval(r#"waymark("signup", {value: "pro"}), 1"#);
    browser.click("#out");

    let events = format!("/api/events/{site_id}?page_size=100");
    let list = eventually("the page's events are stored", || async {
        let (_, body) = send(server.get(&events).bearer_auth(&alice.token)).await;
        let list = body["data"]["list"].as_array().cloned().unwrap_or_default();
        let has = |kind: &str, check: &dyn Fn(&Value) -> bool| list.iter().any(|e| e["event_type"] == kind && check(e));
        let complete = has("page_view", &|e| e["url"] == pages.url(0, "/shop").as_str())
            && has("page_view", &|e| e["url"] == pages.url(0, "/shop/cart").as_str())
            && has("signup", &|e| e["event_value"] == "pro")
            && has("outbound", &|e| e["event_value"] == elsewhere.as_str());
        if complete { Ok(list) } else { Err(serde_json::to_string_pretty(&list).unwrap_or_default()) }
    })
    .await;
    let view = list.iter().find(|e| e["event_type"] == "page_view").unwrap();
    assert_eq!(view["ip"], "127.0.0.1", "{view}");
    assert!(view["user_agent"].as_str().unwrap().contains("Chrome"), "{view}");
    assert_eq!(view["is_bot"], true, "headless Chromium is a bot to the user-agent enricher: {view}");
    assert_eq!(view["site"]["ID"], site_id);
    let sessions: std::collections::HashSet<&str> = list.iter().filter_map(|e| e["session_id"].as_str()).collect();
    assert_eq!(sessions.len(), 1, "one visitor, one cookie-free id: {sessions:?}");
}

#[tokio::test]
async fn the_collect_endpoint_checks_the_origin_and_answers_cors() {
    use crate::support::{Server, send, send_raw};
    use serde_json::json;

    let server = Server::start().await;
    let alice = server.register("alice@example.com", "password123").await;
    let (_, body) = send(
        server
            .post("/api/sites")
            .bearer_auth(&alice.token)
            .json(&json!({ "name": "shop", "domain": "https://shop.example" })),
    )
    .await;
    let tid = body["data"]["tracking_id"].as_str().unwrap().to_string();
    let beacon = json!({ "tid": tid, "type": "page_view", "url": "https://shop.example/", "ref": "", "screen": "1x1", "lang": "en" });
    let collect = |origin: Option<&str>| {
        let mut request = server.post("/api/collect").header("content-type", "text/plain").body(beacon.to_string());
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request
    };
    let accepted = send_raw(collect(Some("https://www.shop.example"))).await;
    assert_eq!(accepted.status(), 204);
    assert_eq!(crate::support::header(&accepted, "access-control-allow-origin").as_deref(), Some("*"));
    for origin in [Some("https://evil.example"), Some("https://shop.example.evil.example"), None] {
        let (status, body) = send(collect(origin)).await;
        assert_eq!((status, body["code"].clone()), (403, json!(403)), "{origin:?}: {body}");
    }
    let (status, body) = send(
        server
            .post("/api/collect")
            .header("origin", "https://shop.example")
            .header("content-type", "text/plain;charset=UTF-8")
            .body(r#"{"tid":"nope","type":"page_view","url":"https://shop.example/"}"#),
    )
    .await;
    assert_eq!((status, body["msg"].clone()), (404, json!("site not found")), "{body}");
    let (status, _) = send(server.post("/api/collect").header("content-type", "text/plain").body("not json")).await;
    assert_eq!(status, 400);
    let preflight =
        send_raw(crate::support::client().request(reqwest::Method::OPTIONS, server.url("/api/collect"))).await;
    assert_eq!(preflight.status(), 204);
    assert_eq!(crate::support::header(&preflight, "access-control-allow-methods").as_deref(), Some("POST"));
}

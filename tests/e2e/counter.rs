//! `GET /api/visits-counter`, parameter by parameter, end to end.

use serde_json::Value;

use crate::support::{Server, eventually, header, send, send_raw};

/// Unlimited metering: these tests are about counting, not quotas.
const NO_LIMITS: (&str, &str) = ("WAYMARK_METERING__ENABLED", "false");

async fn json(server: &Server, query: &str) -> Value {
    let (status, body) = send(server.get(&format!("/api/visits-counter?format=json&{query}"))).await;
    assert_eq!(status, 200, "{query}: {body}");
    body
}

fn svg_size(svg: &str) -> (u32, u32) {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let attr = |name: &str| root.attribute(name).and_then(|v| v.parse::<f64>().ok()).unwrap() as u32;
    (attr("width"), attr("height"))
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().expect("a decodable PNG");
    let info = reader.info();
    (info.width, info.height)
}

#[tokio::test]
async fn the_json_envelope_field_by_field() {
    let server = Server::start_with(&[NO_LIMITS, ("WAYMARK_TIMEZONE", "Asia/Shanghai")]).await;
    let body = json(&server, "site=example.com&name=home&mode=total&length=5").await;
    assert_eq!(body["code"], "200");
    assert_eq!(body["desc"], "success");
    assert!(body["tips"].as_str().is_some_and(|t| !t.is_empty()));
    let data = &body["data"];
    assert_eq!(data["name"], "home");
    assert_eq!(data["mode"], "total");
    assert_eq!(data["theme"], "gojo_board", "the default theme");
    assert!(data["theme_name"].as_str().is_some_and(|n| !n.is_empty()));
    assert_eq!(data["value"], 1);
    assert_eq!(data["display_value"], "00001");
    assert_eq!(data["record"]["total"], 1);
    assert_eq!(data["record"]["daily"], 1);
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%d").to_string();
    assert_eq!(data["record"]["day"], today);
    let updated = data["record"]["updated_at"].as_str().unwrap();
    assert!(updated.ends_with("+08:00"), "ISO 8601 in the server's zone: {updated}");
    assert!(chrono::DateTime::parse_from_rfc3339(updated).is_ok());
    assert_eq!(data["incremented"], true);
    assert_eq!(data["step"], 1);
    assert_eq!(data["length"], 5);
    assert_eq!(data["format"], "json");
}

#[tokio::test]
async fn defaults_modes_isolation_and_no_increment() {
    let server = Server::start_with(&[NO_LIMITS]).await;
    // Defaults: global site, name `demo`, mode daily, length 7.
    let body = json(&server, "").await;
    assert_eq!(body["data"]["name"], "demo");
    assert_eq!(body["data"]["mode"], "daily");
    assert_eq!(body["data"]["length"], 7);
    assert_eq!(body["data"]["display_value"], "0000001");

    for _ in 0..2 {
        json(&server, "site=a.example&name=home").await;
    }
    json(&server, "site=a.example&name=about").await;
    json(&server, "site=b.example&name=home").await;
    let read = |q: &'static str| json(&server, q);
    assert_eq!(read("site=a.example&name=home&no_increment=1").await["data"]["value"], 2);
    assert_eq!(read("site=a.example&name=about&no_increment=1").await["data"]["value"], 1);
    assert_eq!(read("site=b.example&name=home&no_increment=1").await["data"]["value"], 1);
    assert_eq!(read("no_increment=1").await["data"]["value"], 1, "the global counter is its own");

    let before = read("site=a.example&name=home&no_increment=1&mode=total").await;
    assert_eq!(before["data"]["incremented"], false);
    assert_eq!(before["data"]["step"], 0);
    assert_eq!(before["data"]["value"], 2, "no_increment reads without counting");

    // A value wider than `length` is shown whole.
    let wide = read("site=a.example&name=home&no_increment=1&length=4").await;
    assert_eq!(wide["data"]["display_value"], "0002");
}

#[tokio::test]
async fn every_error_has_its_code() {
    let server = Server::start_with(&[
        ("WAYMARK_METERING__COUNTER__ANONYMOUS_PER_SECOND", "1000"),
        ("WAYMARK_METERING__COUNTER__ANONYMOUS_PER_DAY", "20"),
    ])
    .await;
    for query in
        ["length=3", "length=13", "length=seven", "scale=0", "scale=5", "mode=weekly", "format=gif", "no_increment=2"]
    {
        let (status, body) = send(server.get(&format!("/api/visits-counter?{query}"))).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["code"], "4000", "{query}");
        assert!(!body["desc"].as_str().unwrap().is_empty());
    }
    let (status, body) = send(server.get("/api/visits-counter?key=wm_nope")).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "4015");

    // The daily anonymous quota (lowered to 20; the 8 bad requests above count too).
    let mut last = (0, Value::Null);
    for _ in 0..20 {
        last = send(server.get("/api/visits-counter?format=json")).await;
    }
    assert_eq!(last.0, 429, "{}", last.1);
    assert_eq!(last.1["code"], "4030");

    // The QPS limit, with a key.
    let limited = Server::start_with(&[("WAYMARK_METERING__COUNTER__PER_SECOND", "2")]).await;
    let account = limited.register("counter@example.com", "password123").await;
    let mut codes = Vec::new();
    // Windows are whole seconds: a slow start may straddle one, so ask until
    // some second holds more than two.
    for _ in 0..20 {
        let response = send_raw(limited.get(&format!("/api/visits-counter?format=json&key={}", account.api_key))).await;
        codes.push(response.status().as_u16());
        if response.status() == 429 {
            assert!(header(&response, "retry-after").is_some());
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["code"], "4029");
            break;
        }
    }
    assert!(codes.contains(&429), "{codes:?}");
}

#[tokio::test]
async fn unknown_themes_fall_back_to_the_default() {
    let server = Server::start_with(&[NO_LIMITS]).await;
    let body = json(&server, "theme=no_such_theme").await;
    assert_eq!(body["data"]["theme"], "gojo_board");
    let body = json(&server, "theme=plain").await;
    assert_eq!(body["data"]["theme"], "plain");
}

#[tokio::test]
async fn images_carry_no_cache_headers_and_the_right_size() {
    let server = Server::start_with(&[NO_LIMITS]).await;
    let response = send_raw(server.get("/api/visits-counter?theme=plain")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type").as_deref(), Some("image/svg+xml"));
    let cache = header(&response, "cache-control").unwrap();
    for directive in ["no-cache", "no-store", "must-revalidate", "max-age=0"] {
        assert!(cache.contains(directive), "{cache}");
    }
    assert!(header(&response, "etag").is_some());
    assert!(header(&response, "expires").is_some());
    let (width, height) = svg_size(&response.text().await.unwrap());

    for scale in 1..=4u32 {
        let response = send_raw(server.get(&format!("/api/visits-counter?theme=plain&format=png&scale={scale}"))).await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "content-type").as_deref(), Some("image/png"));
        let bytes = response.bytes().await.unwrap();
        assert_eq!(png_size(&bytes), (width * scale, height * scale), "scale {scale}");
    }
}

#[tokio::test]
async fn concurrent_increments_are_exact() {
    let server = std::sync::Arc::new(Server::start_with(&[NO_LIMITS]).await);
    let mut clients = Vec::new();
    for _ in 0..50 {
        let server = server.clone();
        clients.push(tokio::spawn(async move {
            let client = crate::support::client();
            for _ in 0..200 {
                let r = client.get(server.url("/api/visits-counter?site=busy&format=json")).send().await.unwrap();
                assert_eq!(r.status(), 200);
            }
        }));
    }
    for c in clients {
        c.await.unwrap();
    }
    let body = json(&server, "site=busy&no_increment=1&mode=total").await;
    assert_eq!(body["data"]["value"], 10_000);
}

#[tokio::test]
async fn counts_survive_a_restart() {
    // A long interval: only the flush on SIGTERM can have saved the visits.
    let server = Server::start_with(&[NO_LIMITS, ("WAYMARK_COUNTER__FLUSH_INTERVAL_MS", "60000")]).await;
    for _ in 0..5 {
        json(&server, "site=keep").await;
    }
    let server = server.restart();
    let body = json(&server, "site=keep&mode=total").await;
    assert_eq!(body["data"]["value"], 6);
}

#[tokio::test]
async fn the_daily_count_resets_at_local_midnight() {
    // Midnight is simulated, not waited for: the server counts an hour
    // before local midnight in its zone, then restarts on the same storage
    // with its clock a minute past it. (A running server crossing midnight
    // is the tally's unit test `a_running_replica_crosses_midnight`.)
    let tz = chrono_tz::America::New_York;
    let now = chrono::Utc::now();
    let local_midnight = {
        use chrono::TimeZone;
        let tomorrow = now.with_timezone(&tz).date_naive() + chrono::Duration::days(1);
        tz.from_local_datetime(&tomorrow.and_hms_opt(0, 0, 0).unwrap()).earliest().unwrap()
    };
    let offset_from_midnight = |secs: i64| ((local_midnight.timestamp() + secs) - now.timestamp()).to_string();
    let server = Server::start_with(&[
        NO_LIMITS,
        ("WAYMARK_TIMEZONE", "America/New_York"),
        ("WAYMARK_CLOCK_OFFSET_SECS", &offset_from_midnight(-3600)),
        ("WAYMARK_COUNTER__FLUSH_INTERVAL_MS", "100"),
    ])
    .await;
    let before = json(&server, "site=midnight").await;
    json(&server, "site=midnight").await;
    assert_eq!(
        before["data"]["record"]["day"],
        (local_midnight - chrono::Duration::days(1)).format("%Y-%m-%d").to_string()
    );
    let server = server.restart_with(&[("WAYMARK_CLOCK_OFFSET_SECS", &offset_from_midnight(60))]);
    let after = json(&server, "site=midnight").await;
    assert_eq!(after["data"]["record"]["day"], local_midnight.format("%Y-%m-%d").to_string());
    assert_eq!(after["data"]["record"]["daily"], 1, "a new day starts from zero");
    assert_eq!(after["data"]["record"]["total"], 3, "the total carries on");
    assert_eq!(after["data"]["value"], 1, "mode=daily shows today's count");
}

#[tokio::test]
async fn the_gallery_page_lists_every_installed_theme() {
    let server = Server::start().await;
    let response = send_raw(server.get("/counter")).await;
    assert_eq!(response.status(), 200);
    assert!(header(&response, "content-type").unwrap().starts_with("text/html"));
    let page = response.text().await.unwrap();
    for key in ["gojo_board", "cursed_night", "plain"] {
        assert!(page.contains(&format!("data-theme=\"{key}\"")), "{key} in the gallery");
    }
    assert!(page.contains("/api/visits-counter?"), "the snippet builder");

    // A theme loaded at run time shows up too.
    let token = server.admin_token().await;
    let template = waymark_test_artifacts::bytes("template-theme");
    let (status, _) = send(
        server.post("/api/admin/plugins").bearer_auth(&token).header("content-type", "application/wasm").body(template),
    )
    .await;
    assert_eq!(status, 200);
    let page = send_raw(server.get("/counter")).await.text().await.unwrap();
    assert!(page.contains("data-theme=\"template\""));

    let preview = send_raw(server.get("/counter/preview/template.svg?length=9")).await;
    assert_eq!(preview.status(), 200);
    assert!(preview.text().await.unwrap().contains(">001234567<"));
    assert_eq!(send_raw(server.get("/counter/preview/nope.svg")).await.status(), 404);
}

/// The fourteen theme keys the seed documents.
const SEED_THEMES: [&str; 14] = [
    "gojo_board",
    "hoops_board",
    "zero_board",
    "jjk_infinity",
    "rule34",
    "moebooru",
    "gelbooru",
    "cursed_night",
    "seal_blue",
    "talisman_red",
    "void_gold",
    "gojo_satoru",
    "infinity_void",
    "sukuna_mark",
];

#[tokio::test]
async fn every_seed_theme_renders_as_svg_and_png() {
    let server = Server::start_with(&[NO_LIMITS]).await;
    for theme in SEED_THEMES {
        let body = json(&server, &format!("theme={theme}&no_increment=1")).await;
        assert_eq!(body["data"]["theme"], theme, "{theme} is installed");
        assert!(body["data"]["theme_name"].as_str().is_some_and(|n| !n.is_empty()));

        let response = send_raw(server.get(&format!("/api/visits-counter?theme={theme}&site=t&length=9"))).await;
        assert_eq!(response.status(), 200, "{theme}");
        let svg = response.text().await.unwrap();
        assert!(!svg.contains("<text"), "{theme}: no fonts needed");
        let (width, height) = svg_size(&svg);
        assert!(width > 0 && height > 0);
        for scale in 1..=4u32 {
            let url =
                format!("/api/visits-counter?theme={theme}&site=t&length=9&format=png&scale={scale}&no_increment=1");
            let response = send_raw(server.get(&url)).await;
            assert_eq!(response.status(), 200, "{theme} png x{scale}");
            let bytes = response.bytes().await.unwrap();
            assert_eq!(png_size(&bytes), (width * scale, height * scale), "{theme} png x{scale}");
        }
    }
}

#[tokio::test]
async fn a_failing_theme_plugin_answers_5021() {
    let dir = tempfile::tempdir().unwrap();
    let trap = waymark_test_artifacts::path("theme-trap");
    std::fs::copy(trap, dir.path().join("trap.wasm")).unwrap();
    let server = Server::start_with(&[NO_LIMITS, ("WAYMARK_PLUGINS__DIR", dir.path().to_str().unwrap())]).await;
    // The fixture traps when asked to draw 666.
    for _ in 0..665 {
        json(&server, "site=doomed&mode=total").await;
    }
    let (status, body) = send(server.get("/api/visits-counter?site=doomed&mode=total&theme=trap")).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["code"], "5021");
    // The visit still counted; other themes and the server carry on.
    let after = json(&server, "site=doomed&mode=total&no_increment=1").await;
    assert_eq!(after["data"]["value"], 666);
    let (status, _) = send(server.get("/api/visits-counter?site=doomed&theme=plain&no_increment=1")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn replicas_agree_on_totals_once_flushed() {
    let first = Server::start_with(&[NO_LIMITS, ("WAYMARK_COUNTER__FLUSH_INTERVAL_MS", "100")]).await;
    let second = first.sibling();
    for i in 0..40 {
        let server = if i % 2 == 0 { &first } else { &second };
        json(server, "site=shared&mode=total").await;
    }
    // Each replica flushes its 20 and re-reads the other's within about one
    // interval; wait for that, then hold both to the exact total.
    for server in [&first, &second] {
        eventually("both replicas see all 40 visits", || async {
            let body = json(server, "site=shared&mode=total&no_increment=1").await;
            if body["data"]["value"] == 40 { Ok(()) } else { Err(body.to_string()) }
        })
        .await;
        let body = json(server, "site=shared&mode=total&no_increment=1").await;
        assert_eq!(body["data"]["value"], 40);
    }
}

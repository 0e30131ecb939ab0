//! The plugin platform end to end: the built-in theme through the runtime,
//! misbehaving plugins contained, the admin API, hot reload under load, and
//! replicas converging on one plugin set.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use serde_json::Value;

use crate::support::{Server, header, send, send_raw, until};

pub(crate) fn artifact(name: &str) -> PathBuf {
    waymark_test_artifacts::path(name)
}

pub(crate) fn component(name: &str) -> Vec<u8> {
    waymark_test_artifacts::bytes(name)
}

/// Copies fixtures into a fresh plugins directory.
fn plugins_dir(fixtures: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in fixtures {
        std::fs::copy(artifact(name), dir.path().join(format!("{name}.wasm"))).unwrap();
    }
    dir
}

pub(crate) async fn preview(server: &Server, token: &str, theme: &str, value: u64) -> (u16, String) {
    let response =
        send_raw(server.get(&format!("/api/admin/themes/{theme}/preview?value={value}&length=7")).bearer_auth(token))
            .await;
    (response.status().as_u16(), response.text().await.unwrap())
}

pub(crate) async fn listing(server: &Server, token: &str) -> Value {
    let (status, body) = send(server.get("/api/admin/plugins").bearer_auth(token)).await;
    assert_eq!(status, 200, "{body}");
    body["data"].clone()
}

pub(crate) fn plugin<'a>(listing: &'a Value, id: &str) -> Option<&'a Value> {
    listing["plugins"].as_array().unwrap().iter().find(|p| p["id"] == id)
}

pub(crate) async fn upload(server: &Server, token: &str, bytes: Vec<u8>) -> (u16, Value) {
    send(server.post("/api/admin/plugins").bearer_auth(token).header("content-type", "application/wasm").body(bytes))
        .await
}

#[tokio::test]
async fn the_builtin_theme_renders_through_the_runtime() {
    let server = Server::start().await;
    let token = server.admin_token().await;
    let response = send_raw(server.get("/api/admin/themes/plain/preview?value=42&length=5").bearer_auth(&token)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type").as_deref(), Some("image/svg+xml"));
    let svg = response.text().await.unwrap();
    assert!(svg.starts_with("<svg"), "{svg}");
    // Digits are drawn as pixels: nine of them make a wider badge than five.
    let wider = send_raw(server.get("/api/admin/themes/plain/preview?value=42&length=9").bearer_auth(&token)).await;
    let width =
        |svg: &str| roxmltree::Document::parse(svg).unwrap().root_element().attribute("width").unwrap().to_string();
    let wider = wider.text().await.unwrap();
    assert!(width(&wider).parse::<u32>().unwrap() > width(&svg).parse::<u32>().unwrap());

    let list = listing(&server, &token).await;
    let basic = plugin(&list, "waymark.counter-theme-basic").expect("built-in listed");
    assert_eq!(basic["source"], "builtin");
    assert_eq!(basic["kind"], "counter-theme");
    assert_eq!(basic["enabled"], true);
    assert_eq!(basic["provides"][0]["key"], "plain");
    assert!(basic["calls"].as_u64().unwrap() >= 3, "smoke test + two previews: {basic}");
}

#[tokio::test]
async fn admin_endpoints_need_the_admin_role() {
    let server = Server::start().await;
    let user = server.register("plain@example.com", "password123").await;
    let (status, body) = send(server.get("/api/admin/plugins").bearer_auth(&user.token)).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["code"], 403);
    let (status, _) = send(server.get("/api/admin/plugins")).await;
    assert_eq!(status, 401);
    let (status, _) = upload(&server, &user.api_key, component("theme_trap")).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn misbehaving_plugins_fail_only_their_own_calls() {
    let dir = plugins_dir(&["theme_loop", "theme_alloc", "theme_trap", "theme_garbage", "wrong_world"]);
    let server = Server::start_with(&[
        ("WAYMARK_PLUGINS__DIR", dir.path().to_str().unwrap()),
        ("WAYMARK_METERING__ENABLED", "false"),
        // Generous, so that on a loaded machine the allocating fixture meets
        // its memory limit before its time limit (the loop still meets time).
        ("WAYMARK_PLUGINS__MAX_CALL_MS", "2000"),
    ])
    .await;
    let token = server.admin_token().await;

    let cases = [
        ("loop", "took longer than its time limit"),
        ("alloc", "exceeded its memory limit"),
        ("trap", "trapped"),
        ("garbage", "unusable output"),
    ];
    for (theme, expected) in cases {
        let (status, body) = preview(&server, &token, theme, 666).await;
        assert_eq!(status, 502, "{theme}: {body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["code"], 502, "{theme}");
        assert!(body["msg"].as_str().unwrap().contains(expected), "{theme}: {body}");
        // The same plugin still serves good input, on a fresh instance.
        let (status, svg) = preview(&server, &token, theme, 7).await;
        assert_eq!(status, 200, "{theme} after its failure: {svg}");
        // And so does everything else.
        let (status, _) = preview(&server, &token, "plain", 7).await;
        assert_eq!(status, 200);
    }
    let (status, _) = send(server.get("/api/health")).await;
    assert_eq!(status, 200);

    let list = listing(&server, &token).await;
    for id in ["test.theme-loop", "test.theme-alloc", "test.theme-trap", "test.theme-garbage"] {
        let p = plugin(&list, id).unwrap_or_else(|| panic!("{id} listed: {list}"));
        assert_eq!(p["errors"], 1, "{id}: {p}");
        assert_eq!(p["consecutive_errors"], 0, "a later success resets the streak: {p}");
        assert!(p["last_error"].as_str().is_some(), "{id}: {p}");
    }
    // The wrong-world component never loaded; the listing says why.
    assert!(plugin(&list, "test.wrong-world").is_none());
    let failure = list["failures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["origin"].as_str().unwrap().ends_with("wrong_world.wasm"));
    let failure = failure.unwrap_or_else(|| panic!("wrong world reported: {list}"));
    assert!(failure["error"].as_str().unwrap().contains("counter-theme-plugin"), "{failure}");
}

#[tokio::test]
async fn bad_uploads_are_refused_with_the_reason() {
    let server = Server::start().await;
    let token = server.admin_token().await;
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("garbage bytes", b"definitely not wasm".to_vec(), "not a WebAssembly component"),
        ("wrong world", component("wrong_world"), "counter-theme-plugin"),
        ("empty", Vec::new(), "empty upload"),
    ];
    for (what, bytes, expected) in cases {
        let (status, body) = upload(&server, &token, bytes).await;
        assert_eq!(status, 400, "{what}: {body}");
        assert!(body["msg"].as_str().unwrap().contains(expected), "{what}: {body}");
    }
    // A core module (not a component) is refused too.
    let (status, body) = upload(&server, &token, b"\0asm\x01\0\0\0".to_vec()).await;
    assert_eq!(status, 400, "{body}");

    // Multipart works as well as a raw body.
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(component("theme_versioned")).file_name("v.wasm"));
    let (status, body) = send(server.post("/api/admin/plugins").bearer_auth(&token).multipart(form)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["id"], "test.theme-versioned");
    assert_eq!(body["data"]["source"], "upload");

    // A broken new version is refused and the old one keeps serving.
    let mut broken = component("theme_versioned_v2");
    broken.truncate(broken.len() / 2);
    let (status, body) = upload(&server, &token, broken).await;
    assert_eq!(status, 400, "{body}");
    let (status, svg) = preview(&server, &token, "versioned", 3).await;
    assert_eq!(status, 200);
    assert!(svg.contains(">v1-0000003<"), "{svg}");
}

#[tokio::test]
async fn enable_disable_reload_and_delete() {
    let server = Server::start_with(&[("WAYMARK_METERING__ENABLED", "false")]).await;
    let token = server.admin_token().await;
    let id = "waymark.counter-theme-basic";

    let (status, body) = send(server.post(&format!("/api/admin/plugins/{id}/disable")).bearer_auth(&token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["enabled"], false);
    let (status, body) = preview(&server, &token, "plain", 1).await;
    assert_eq!(status, 404, "a disabled plugin serves nothing: {body}");

    let (status, _) = send(server.post(&format!("/api/admin/plugins/{id}/enable")).bearer_auth(&token)).await;
    assert_eq!(status, 200);
    assert_eq!(preview(&server, &token, "plain", 1).await.0, 200);

    let (status, body) = send(server.post(&format!("/api/admin/plugins/{id}/reload")).bearer_auth(&token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["calls"], 5,
        "fresh counters: the reload's smoke test only (describe, render, template, and the PNG's still \
         frame: its template, render): {body}"
    );

    let (status, body) = send(server.delete(&format!("/api/admin/plugins/{id}")).bearer_auth(&token)).await;
    assert_eq!(status, 409, "{body}");
    assert!(body["msg"].as_str().unwrap().contains("disable it instead"));

    let (status, _) = upload(&server, &token, component("theme_versioned")).await;
    assert_eq!(status, 200);
    assert_eq!(preview(&server, &token, "versioned", 1).await.0, 200);
    let (status, body) = send(server.delete("/api/admin/plugins/test.theme-versioned").bearer_auth(&token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(preview(&server, &token, "versioned", 1).await.0, 404);
    let (status, _) = send(server.delete("/api/admin/plugins/test.theme-versioned").bearer_auth(&token)).await;
    assert_eq!(status, 404);
    for action in ["enable", "disable", "reload"] {
        let (status, _) = send(server.post(&format!("/api/admin/plugins/nope/{action}")).bearer_auth(&token)).await;
        assert_eq!(status, 404, "{action} of an unknown plugin");
    }
}

#[tokio::test]
async fn hot_reload_under_load_drops_no_request() {
    let dir = tempfile::tempdir().unwrap();
    let server = Arc::new(
        Server::start_with(&[
            ("WAYMARK_PLUGINS__DIR", dir.path().to_str().unwrap()),
            ("WAYMARK_PLUGINS__WATCH_INTERVAL_MS", "200"),
            ("WAYMARK_METERING__ENABLED", "false"),
        ])
        .await,
    );
    let token = server.admin_token().await;
    let (status, body) = upload(&server, &token, component("theme_versioned")).await;
    assert_eq!(status, 200, "{body}");

    let stop = Arc::new(AtomicBool::new(false));
    let (ok, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (server, token, stop, ok, failed) =
            (server.clone(), token.clone(), stop.clone(), ok.clone(), failed.clone());
        workers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let (status, svg) = preview(&server, &token, "versioned", 5).await;
                if status == 200 && svg.contains("-0000005<") {
                    ok.fetch_add(1, Ordering::Relaxed);
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                    eprintln!("failed request: {status} {svg}");
                }
            }
        }));
    }
    let serving = |version: &'static str| {
        let (server, token) = (server.clone(), token.clone());
        move || {
            let (server, token) = (server.clone(), token.clone());
            async move { preview(&server, &token, "versioned", 5).await.1.contains(&format!(">v{version}-")) }
        }
    };
    until("v1 serves", serving("1")).await;

    // Replaced twice through the admin API…
    for version in ["2", "3"] {
        let (status, body) = upload(&server, &token, component(&format!("theme_versioned_v{version}"))).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["version"], format!("{version}.0.0"));
        until(&format!("v{version} serves"), serving(version)).await;
    }
    // …and once through the plugins directory (write, then rename: atomic).
    let staging = dir.path().join("versioned.wasm.tmp");
    std::fs::write(&staging, component("theme_versioned_v4")).unwrap();
    std::fs::rename(&staging, dir.path().join("versioned.wasm")).unwrap();
    until("v4 from the directory serves", serving("4")).await;
    // Deleting the file falls back to the newest remaining version.
    std::fs::remove_file(dir.path().join("versioned.wasm")).unwrap();
    until("back to the uploaded v3", serving("3")).await;

    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await.unwrap();
    }
    let (ok, failed) = (ok.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    assert_eq!(failed, 0, "{failed} of {} requests failed during swaps", ok + failed);
    assert!(ok > 50, "the load loop ran ({ok} requests)");
}

#[tokio::test]
async fn replicas_converge_on_uploads_and_switches() {
    let first =
        Server::start_with(&[("WAYMARK_PLUGINS__SYNC_INTERVAL_MS", "200"), ("WAYMARK_METERING__ENABLED", "false")])
            .await;
    let second = first.sibling();
    let token = first.admin_token().await;

    let (status, _) = upload(&first, &token, component("theme_versioned_v2")).await;
    assert_eq!(status, 200);
    until("the other replica serves the upload", || async {
        preview(&second, &token, "versioned", 1).await.1.contains(">v2-")
    })
    .await;

    let (status, _) = send(first.post("/api/admin/plugins/test.theme-versioned/disable").bearer_auth(&token)).await;
    assert_eq!(status, 200);
    until("the other replica stops serving the disabled theme", || async {
        preview(&second, &token, "versioned", 1).await.0 == 404
    })
    .await;

    let (status, _) = send(first.delete("/api/admin/plugins/test.theme-versioned").bearer_auth(&token)).await;
    assert_eq!(status, 200);
    until("the deletion reaches the other replica", || async {
        plugin(&listing(&second, &token).await, "test.theme-versioned").is_none()
    })
    .await;
}

#[tokio::test]
async fn the_sdk_template_uploads_and_serves() {
    let server = Server::start().await;
    let token = server.admin_token().await;
    let (status, body) = upload(&server, &token, component("template_theme")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["id"], "example.template-theme");
    assert_eq!(body["data"]["memory_mib"], 8, "the manifest asked for less than the cap");
    assert_eq!(body["data"]["timeout_ms"], 20);
    let response =
        send_raw(server.get("/api/admin/themes/template/preview?value=99&length=4").bearer_auth(&token)).await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains(">0099<"));
}

#[tokio::test]
async fn the_sandbox_grants_no_clock_entropy_files_network_or_environment() {
    let dir = plugins_dir(&["theme_snoop"]);
    let server = Server::start_with(&[("WAYMARK_PLUGINS__DIR", dir.path().to_str().unwrap())]).await;
    let token = server.admin_token().await;
    let (status, first) = preview(&server, &token, "snoop", 1).await;
    assert_eq!(status, 200, "{first}");
    for expected in ["clock=0;", "elapsed=0;", "env=0;", "files=false;", "network=false"] {
        assert!(first.contains(expected), "{expected} in {first}");
    }
    // The "random" seed is a fixed pattern: a fresh instance, after the same
    // calls (smoke test, then one preview), hashes exactly alike.
    let hash = |svg: &str| svg.split("hash=").nth(1).and_then(|s| s.split(';').next()).unwrap().to_string();
    let (status, _) = send(server.post("/api/admin/plugins/test.theme-snoop/reload").bearer_auth(&token)).await;
    assert_eq!(status, 200);
    let (_, fresh) = preview(&server, &token, "snoop", 3).await;
    assert_eq!(hash(&first), hash(&fresh), "a fresh instance sees the same bytes");
}

#[tokio::test]
async fn every_plugin_kind_loads_against_its_world() {
    let server = Server::start().await;
    let token = server.admin_token().await;
    for (file, id, kind, key) in [
        ("qr_style_dots", "test.qr-style-dots", "qr-style", "dots"),
        ("unshort_rule_marker", "test.unshort-rule-marker", "unshort-rule", "marker"),
        ("enricher_shout", "test.enricher-shout", "analytics-enricher", "shout"),
    ] {
        let (status, body) = upload(&server, &token, component(file)).await;
        assert_eq!(status, 200, "{file}: {body}");
        assert_eq!(body["data"]["id"], id);
        assert_eq!(body["data"]["kind"], kind);
        assert_eq!(body["data"]["provides"][0]["key"], key);
        assert_eq!(body["data"]["calls"], 1, "describe() ran as the smoke test");
    }
}

/// A theme built against API 0.1.0 (render only, no templates) still loads
/// and draws every count; the listing says which API it speaks.
#[tokio::test]
async fn a_theme_built_against_api_0_1_still_serves() {
    let server = Server::start().await;
    let token = server.admin_token().await;
    let (status, body) = upload(&server, &token, component("theme_legacy")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["api"], "0.1.0");
    for expected in ["legacy-0000001", "legacy-0000002"] {
        let response = send_raw(server.get("/api/visits-counter?site=legacy&mode=total&theme=legacy")).await;
        assert_eq!(response.status(), 200);
        let svg = response.text().await.unwrap();
        assert!(svg.contains(expected), "{svg}");
        roxmltree::Document::parse(&svg).unwrap();
    }
    let list = listing(&server, &token).await;
    let legacy = plugin(&list, "test.theme-legacy").unwrap();
    assert_eq!(
        legacy["calls"].as_u64(),
        Some(1 + 2 + 2),
        "describe, the smoke test's two renders (animated, and the PNG's still frame), two badges"
    );
}

/// A 0.2.0 theme draws each shape once: counted visits are filled in by the
/// host from its template, each showing its own count, with no call.
#[tokio::test]
async fn templated_themes_draw_each_shape_once() {
    let server = Server::start().await;
    let token = server.admin_token().await;
    let calls = |list: &Value| plugin(list, "waymark.counter-theme-pixel").unwrap()["calls"].as_u64().unwrap();
    let before = calls(&listing(&server, &token).await);
    for n in 1..=8u64 {
        let response = send_raw(server.get("/api/visits-counter?site=tpl&name=home&mode=total")).await;
        assert_eq!(response.status(), 200);
        let svg = response.text().await.unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let title = doc.descendants().find(|n| n.has_tag_name("title")).and_then(|n| n.text()).unwrap();
        assert_eq!(title, format!("home: {n:07}"));
    }
    let after = calls(&listing(&server, &token).await);
    assert_eq!(after - before, 1, "one template call for the shape, none per count");
}

/// `bytes` with `manifest` as its manifest: a `waymark-manifest` custom
/// section placed first, where the host finds it before the embedded one.
pub(crate) fn with_manifest(bytes: &[u8], manifest: &str) -> Vec<u8> {
    fn leb128(mut n: usize, out: &mut Vec<u8>) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }
    let name = b"waymark-manifest";
    let mut payload = Vec::new();
    leb128(name.len(), &mut payload);
    payload.extend_from_slice(name);
    payload.extend_from_slice(manifest.as_bytes());
    let mut out = bytes[..8].to_vec(); // magic and version/layer
    out.push(0); // custom section
    leb128(payload.len(), &mut out);
    out.extend_from_slice(&payload);
    out.extend_from_slice(&bytes[8..]);
    out
}

/// A plugin whose listing differs from its manifest's `provides` is refused
/// in the words of the author's guide: `themes()`, `styles()`, … — never
/// the WIT export `describe` that authors do not write.
#[tokio::test]
async fn a_listing_unlike_the_manifest_is_refused_in_the_guides_words() {
    let server = Server::start().await;
    let token = server.admin_token().await;
    for (file, kind, api, key, listing) in [
        ("template_theme", "counter-theme", "0.2.0", "template", "themes()"),
        ("qr_style_dots", "qr-style", "0.1.0", "dots", "styles()"),
        ("unshort_rule_marker", "unshort-rule", "0.1.0", "marker", "rules()"),
        ("enricher_shout", "analytics-enricher", "0.1.0", "shout", "enrichers()"),
    ] {
        let manifest = format!(
            "manifest_version = 1\nid = \"test.{file}\"\nversion = \"1.0.0\"\nkind = \"{kind}\"\napi = \"{api}\"\nprovides = [\"{key}\", \"unlisted\"]\n"
        );
        let (status, body) = upload(&server, &token, with_manifest(&component(file), &manifest)).await;
        assert_eq!(status, 400, "{file}: {body}");
        let message = body["msg"].as_str().unwrap_or_default();
        assert!(message.contains(&format!("{listing} lists")), "{file}: {body}");
        assert!(message.contains("unlisted"), "{file}: {body}");
        assert!(!message.contains("describe"), "{file}: {body}");
    }
}

/// Compiled plugins are kept between starts: a restart loads them back
/// instead of compiling, and a damaged entry is compiled again and replaced.
#[tokio::test]
async fn compiled_plugins_are_kept_between_starts() {
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().to_str().unwrap().to_string();
    let entries = || -> Vec<(PathBuf, std::time::SystemTime)> {
        let mut files: Vec<_> = std::fs::read_dir(cache.path())
            .unwrap()
            .map(|entry| {
                let entry = entry.unwrap();
                (entry.path(), entry.metadata().unwrap().modified().unwrap())
            })
            .collect();
        files.sort();
        files
    };
    let server = Server::start_with(&[("WAYMARK_PLUGINS__CACHE_DIR", &cache_dir)]).await;
    let token = server.admin_token().await;
    let builtins = listing(&server, &token).await["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["source"] == "builtin")
        .count();
    let first = entries();
    assert_eq!(first.len(), builtins, "one entry per built-in plugin, no temporary files: {first:?}");
    assert!(first.iter().all(|(path, _)| path.extension().is_some_and(|e| e == "cwasm")), "{first:?}");
    let (status, svg) = preview(&server, &token, "plain", 42).await;
    assert_eq!(status, 200, "{svg}");

    // Restarted: the entries are read, not written again.
    let server = server.restart();
    assert_eq!(entries(), first, "nothing compiled again");
    assert_eq!(preview(&server, &token, "plain", 42).await, (200, svg.clone()));

    // A damaged entry is refused, compiled again and replaced.
    let (damaged, _) = &first[0];
    std::fs::write(damaged, b"not machine code").unwrap();
    let server = server.restart();
    assert!(server.logs().contains("compiled plugin not usable"), "{}", server.logs());
    assert_ne!(std::fs::read(damaged).unwrap(), b"not machine code", "replaced");
    assert_eq!(entries().len(), builtins);
    assert_eq!(preview(&server, &token, "plain", 42).await, (200, svg));
}

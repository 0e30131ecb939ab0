//! Plugin kinds end to end: the QR-style and analytics-enricher adapters
//! load from a plugins directory, show in the admin listing and hot-swap;
//! an unknown API version is refused naming the supported ones; and hot
//! swaps under a concurrent badge load fail no request.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::plugins::{component, listing, plugin, upload, with_manifest};
use crate::support::{Server, send_raw, until};

fn manifest(id: &str, version: &str, kind: &str, api: &str, key: &str) -> String {
    format!(
        "manifest_version = 1\nid = \"{id}\"\nversion = \"{version}\"\nkind = \"{kind}\"\napi = \"{api}\"\nprovides = [\"{key}\"]\n"
    )
}

/// Writes `bytes` as `name` in `dir` atomically (write, then rename).
fn drop_file(dir: &std::path::Path, name: &str, bytes: &[u8]) {
    let staging = dir.join(format!("{name}.tmp"));
    std::fs::write(&staging, bytes).unwrap();
    std::fs::rename(&staging, dir.join(name)).unwrap();
}

#[tokio::test]
async fn qr_styles_and_enrichers_load_from_the_directory_and_hot_swap() {
    let fixtures = [
        ("qr_style_dots", "test.qr-style-dots", "qr-style", "dots"),
        ("enricher_shout", "test.enricher-shout", "analytics-enricher", "shout"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (file, ..) in fixtures {
        drop_file(dir.path(), &format!("{file}.wasm"), &component(file));
    }
    let server = Server::start_with(&[
        ("WAYMARK_PLUGINS__DIR", dir.path().to_str().unwrap()),
        ("WAYMARK_PLUGINS__WATCH_INTERVAL_MS", "200"),
        ("WAYMARK_METERING__ENABLED", "false"),
    ])
    .await;
    let token = server.admin_token().await;
    let list = listing(&server, &token).await;
    for (file, id, kind, key) in fixtures {
        let p = plugin(&list, id).unwrap_or_else(|| panic!("{file} is listed: {list}"));
        assert_eq!(p["kind"], kind, "{p}");
        assert_eq!(p["source"], "directory", "{p}");
        assert_eq!(p["provides"][0]["key"], key, "{p}");
        assert_eq!(p["errors"], 0, "its smoke test passed: {p}");
    }
    // Replace each file with version 2.0.0 of the same plugin.
    for (file, id, kind, key) in fixtures {
        let v2 = with_manifest(&component(file), &manifest(id, "2.0.0", kind, "0.1.0", key));
        drop_file(dir.path(), &format!("{file}.wasm"), &v2);
    }
    until("both swapped to 2.0.0", || async {
        let list = listing(&server, &token).await;
        fixtures.iter().all(|(_, id, ..)| plugin(&list, id).is_some_and(|p| p["version"] == "2.0.0"))
    })
    .await;
}

#[tokio::test]
async fn a_plugin_declaring_an_unknown_api_version_is_refused_naming_the_supported_ones() {
    let server = Server::start().await;
    let token = server.admin_token().await;
    let future = manifest("test.theme-versioned", "1.0.0", "counter-theme", "0.3.0", "versioned");
    let (status, body) = upload(&server, &token, with_manifest(&component("theme_versioned"), &future)).await;
    assert_eq!(status, 400, "{body}");
    let message = body["msg"].as_str().unwrap_or_default();
    assert!(message.contains("api 0.3.0 is not supported for counter-theme plugins"), "{body}");
    assert!(message.contains("0.1.0, 0.2.0"), "names what loads: {body}");
    assert!(plugin(&listing(&server, &token).await, "test.theme-versioned").is_none(), "nothing installed");
}

/// 16 clients ask for badges of a theme while it is swapped ten times:
/// each new version is warm before it takes traffic, so none fails.
#[tokio::test]
async fn hot_swaps_under_concurrent_badge_load_fail_no_request() {
    let server = Arc::new(Server::start_with(&[("WAYMARK_METERING__ENABLED", "false")]).await);
    let token = server.admin_token().await;
    let (status, body) = upload(&server, &token, component("theme_versioned")).await;
    assert_eq!(status, 200, "{body}");

    let stop = Arc::new(AtomicBool::new(false));
    let (ok, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut clients = Vec::new();
    for client in 0..16 {
        let (server, stop, ok, failed) = (server.clone(), stop.clone(), ok.clone(), failed.clone());
        clients.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let response =
                    send_raw(server.get(&format!("/api/visits-counter?name=swap{client}&theme=versioned"))).await;
                let status = response.status().as_u16();
                let svg = response.text().await.unwrap_or_default();
                if status == 200 && svg.contains(">v") {
                    ok.fetch_add(1, Ordering::Relaxed);
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                    eprintln!("failed request: {status} {svg}");
                }
            }
        }));
    }
    for round in 0..10u32 {
        let version = format!("{}.0.0", round + 2);
        let next = manifest("test.theme-versioned", &version, "counter-theme", "0.2.0", "versioned");
        let (status, body) = upload(&server, &token, with_manifest(&component("theme_versioned"), &next)).await;
        assert_eq!(status, 200, "swap {round}: {body}");
        assert_eq!(body["data"]["version"], version);
    }
    // Let the load see the last version serve, then stop.
    let served = ok.load(Ordering::Relaxed);
    until("the load keeps running", || async { ok.load(Ordering::Relaxed) > served + 50 }).await;
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.await.unwrap();
    }
    let (ok, failed) = (ok.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    assert_eq!(failed, 0, "{failed} of {} badge requests failed during swaps", ok + failed);
    assert!(ok > 100, "the load ran ({ok} requests)");
}

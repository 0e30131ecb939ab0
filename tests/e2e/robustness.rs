//! Bad input of every kind gets a 4xx in the surface's own envelope.

use serde_json::json;

use crate::support::{Server, send};

#[tokio::test]
async fn bad_input_on_the_pingoo_surface() {
    let server = Server::start_with(&[("WAYMARK_MAX_BODY_BYTES", "2048")]).await;
    let cases: Vec<(&str, reqwest::RequestBuilder, u16)> = vec![
        (
            "malformed JSON",
            server.post("/api/auth/login").header("content-type", "application/json").body("{\"email\":"),
            400,
        ),
        ("wrong type", server.post("/api/auth/login").json(&json!({ "email": ["a@b.example"], "password": "x" })), 400),
        ("missing field", server.post("/api/auth/register").json(&json!({ "email": "a@b.example" })), 400),
        ("not JSON at all", server.post("/api/auth/login").header("content-type", "text/plain").body("hi"), 400),
        (
            "invalid email",
            server.post("/api/auth/register").json(&json!({ "email": "nope", "password": "password123" })),
            400,
        ),
        (
            "short password",
            server.post("/api/auth/register").json(&json!({ "email": "s@b.example", "password": "123" })),
            400,
        ),
        (
            "oversized body",
            server.post("/api/auth/register").json(&json!({ "email": "big@b.example", "password": "x".repeat(5000) })),
            413,
        ),
        ("unknown route", server.get("/api/auth/nothing"), 404),
        ("wrong method", server.delete("/api/auth/login"), 405),
        ("empty refresh token", server.post("/api/auth/refresh").json(&json!({ "refresh_token": "" })), 401),
    ];
    for (what, request, expected) in cases {
        let (status, body) = send(request).await;
        assert_eq!(status, expected, "{what}: {body}");
        assert_eq!(body["code"], expected, "{what}: {body}");
        assert!(!body["msg"].as_str().unwrap_or("").is_empty(), "{what}: {body}");
        assert!(body.get("data").is_some(), "{what}: {body}");
    }
}

#[tokio::test]
async fn bad_input_on_the_urlplus_surface() {
    let server = Server::start().await;
    let account = server.register("bad@example.com", "password123").await;
    let key = account.api_key.as_str();
    let cases: Vec<(&str, reqwest::RequestBuilder, u16)> = vec![
        ("unknown key id", server.delete("/api/account/keys/999999").bearer_auth(key), 404),
        ("non-numeric id", server.delete("/api/account/keys/abc").bearer_auth(key), 400),
        ("empty key name", server.post("/api/account/keys").bearer_auth(key).json(&json!({ "name": " " })), 400),
        ("missing name", server.post("/api/account/keys").bearer_auth(key).json(&json!({})), 400),
        (
            "malformed JSON",
            server.put("/api/account/update").bearer_auth(key).header("content-type", "application/json").body("["),
            400,
        ),
        ("bad email", server.put("/api/account/update").bearer_auth(key).json(&json!({ "email": "x" })), 400),
        ("unknown route", server.get("/api/account/nope").bearer_auth(key), 404),
    ];
    for (what, request, expected) in cases {
        let (status, body) = send(request).await;
        assert_eq!(status, expected, "{what}: {body}");
        assert_eq!(body["error"], 1, "{what}: {body}");
        assert!(!body["message"].as_str().unwrap_or("").is_empty(), "{what}: {body}");
    }
}

#[tokio::test]
async fn duplicate_registration_is_a_conflict_and_keeps_the_first_account() {
    let server = Server::start().await;
    server.register("dup@example.com", "password123").await;
    let (status, body) = send(server.post("/api/auth/register").json(&json!({
        "email": "DUP@example.com", "password": "otherpassword"
    })))
    .await;
    assert_eq!(status, 409, "{body}");
    let (status, _) = send(server.post("/api/auth/login").json(&json!({
        "email": "dup@example.com", "password": "password123"
    })))
    .await;
    assert_eq!(status, 200, "the stored account is untouched");
}

#[tokio::test]
async fn the_served_spec_matches_the_checked_in_one() {
    let server = Server::start().await;
    let (status, served) = send(server.get("/openapi.json")).await;
    assert_eq!(status, 200);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let checked_in: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("openapi/openapi.json exists")).unwrap();
    assert!(
        served == checked_in,
        "openapi/openapi.json is stale: run `cargo run -p waymark -- openapi --output openapi/openapi.json`"
    );
    for scheme in ["BearerAuth", "CbApiKey", "QueryKey"] {
        assert!(served["components"]["securitySchemes"].get(scheme).is_some(), "{scheme}");
    }
    let docs = crate::support::send_raw(server.get("/docs/")).await;
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"), "interactive docs page");
}

#[tokio::test]
async fn a_wrong_method_is_told_which_methods_the_path_takes() {
    let server = Server::start().await;
    let cases = [
        (server.delete("/api/auth/login"), "POST"),
        (server.post("/api/visits-counter"), "GET"),
        (server.put("/api/account/keys"), "GET, POST"),
        (server.get("/api/account/keys/12"), "DELETE"),
    ];
    for (request, allow) in cases {
        let response = crate::support::send_raw(request).await;
        assert_eq!(response.status(), 405);
        assert_eq!(crate::support::header(&response, "allow").as_deref(), Some(allow));
    }
}

#[tokio::test]
async fn the_spec_documents_every_format_and_nullable_field() {
    let server = Server::start().await;
    let (_, spec) = send(server.get("/openapi.json")).await;
    let ok = &spec["paths"]["/api/visits-counter"]["get"]["responses"]["200"];
    for media in ["image/svg+xml", "image/png", "application/json; charset=utf-8"] {
        assert!(ok["content"].get(media).is_some(), "{media}: {ok}");
    }
    for header in ["CACHE-CONTROL", "EXPIRES", "ETAG"] {
        assert!(ok["headers"].get(header).is_some(), "{header}: {ok}");
    }
    let url =
        spec["paths"]["/api/unshort"]["get"]["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "url");
    assert_eq!(url.unwrap()["required"], true);
    let schemas = &spec["components"]["schemas"];
    assert_eq!(schemas["AccountView"]["properties"]["expires"]["nullable"], true);
    assert_eq!(schemas["KeyView"]["properties"]["last_used"]["nullable"], true);
}

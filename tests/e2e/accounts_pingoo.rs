//! Pingoo's `/api/auth/*` flow, end to end.

use serde_json::json;

use crate::support::{Server, send};

#[tokio::test]
async fn register_login_me_refresh_profile_password() {
    let server = Server::start().await;

    // register
    let (status, body) = send(server.post("/api/auth/register").json(&json!({
        "email": "Alice@Example.com", "password": "password123"
    })))
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], 0);
    assert_eq!(body["msg"], "success");
    assert_eq!(body["data"]["expires_in"], 259200);
    assert_eq!(body["data"]["user"]["email"], "alice@example.com");
    assert_eq!(body["data"]["user"]["username"], "alice");
    assert_eq!(body["data"]["user"]["role"], "user");
    assert!(body["data"]["api_key"].as_str().unwrap().starts_with("wm_"));
    let first_refresh = body["data"]["refresh_token"].as_str().unwrap().to_string();

    // login
    let (status, body) = send(server.post("/api/auth/login").json(&json!({
        "email": "alice@example.com", "password": "password123"
    })))
    .await;
    assert_eq!(status, 200, "{body}");
    let token = body["data"]["token"].as_str().unwrap().to_string();
    let refresh = body["data"]["refresh_token"].as_str().unwrap().to_string();
    assert_eq!(token.split('.').count(), 3, "a JWT");
    assert!(body["data"].get("api_key").is_none(), "the key is shown at registration only");

    // wrong password
    let (status, body) = send(server.post("/api/auth/login").json(&json!({
        "email": "alice@example.com", "password": "nope-nope"
    })))
    .await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], 401);

    // me
    let (status, body) = send(server.get("/api/auth/me").bearer_auth(&token)).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["email"], "alice@example.com");
    assert_eq!(body["data"]["role"], "user");

    // refresh rotates; the spent token then fails, and reusing it revokes the
    // token it was exchanged for.
    let (status, body) = send(server.post("/api/auth/refresh").json(&json!({ "refresh_token": refresh }))).await;
    assert_eq!(status, 200, "{body}");
    let rotated = body["data"]["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(rotated, refresh);
    let new_token = body["data"]["token"].as_str().unwrap().to_string();
    let (status, _) = send(server.get("/api/auth/me").bearer_auth(&new_token)).await;
    assert_eq!(status, 200);
    let (status, body) = send(server.post("/api/auth/refresh").json(&json!({ "refresh_token": refresh }))).await;
    assert_eq!(status, 401, "reuse of a rotated refresh token: {body}");
    assert_ne!(body["code"], 0);
    let (status, _) = send(server.post("/api/auth/refresh").json(&json!({ "refresh_token": rotated }))).await;
    assert_eq!(status, 401, "reuse revokes the whole family");

    // profile
    let (status, body) = send(
        server
            .put("/api/auth/profile")
            .bearer_auth(&token)
            .json(&json!({ "username": "alice_w", "email": "alice@work.example" })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["username"], "alice_w");
    let (_, body) = send(server.get("/api/auth/me").bearer_auth(&token)).await;
    assert_eq!(body["data"]["email"], "alice@work.example");

    // password: wrong old one refused, right one accepted
    let (status, body) = send(
        server
            .put("/api/auth/password")
            .bearer_auth(&token)
            .json(&json!({ "old_password": "wrong-one", "new_password": "password1234" })),
    )
    .await;
    assert_eq!((status, &body["code"]), (403, &json!(403)), "{body}");
    let (status, body) = send(
        server
            .put("/api/auth/password")
            .bearer_auth(&token)
            .json(&json!({ "old_password": "password123", "new_password": "password1234" })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"], "密码修改成功");

    // the password change revoked refresh tokens issued before it
    let (status, _) = send(server.post("/api/auth/refresh").json(&json!({ "refresh_token": first_refresh }))).await;
    assert_eq!(status, 401);
    let (status, _) = send(server.post("/api/auth/login").json(&json!({
        "email": "alice@work.example", "password": "password123"
    })))
    .await;
    assert_eq!(status, 401, "old password no longer works");
    let (status, body) = send(server.post("/api/auth/login").json(&json!({
        "email": "alice@work.example", "password": "password1234"
    })))
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn me_requires_a_valid_credential() {
    let server = Server::start().await;
    let (status, body) = send(server.get("/api/auth/me")).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], 401);
    assert_eq!(body["error"], "Authorization header required");

    let (status, body) = send(server.get("/api/auth/me").bearer_auth("not-a-token")).await;
    assert_eq!(status, 401);
    assert_eq!(body["msg"], "invalid token: malformed", "{body}");

    // An API key works on the Pingoo surface too.
    let account = server.register("k@example.com", "password123").await;
    let (status, body) = send(server.get("/api/auth/me").header("cb-api-key", &account.api_key)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["id"], account.id);
}

#[tokio::test]
async fn health_answers_in_pingoo_shape_without_metering() {
    let server = Server::start().await;
    let response = crate::support::send_raw(server.get("/api/health")).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("x-ratelimit-limit").is_none());
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, json!({ "code": 0, "msg": "服务运行正常" }));

    // The suite runs against the engine the environment names.
    let postgres = std::env::var("WAYMARK_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"));
    let expected = if postgres { "engine=Postgres" } else { "engine=Sqlite" };
    assert!(server.logs().contains(expected), "{}", server.logs());
}

/// A failed credential is refused in one place, the pipeline, on every route
/// but sign-in and probes: a client replacing an expired token may still
/// send it, and a probe must answer.
#[tokio::test]
async fn a_failed_credential_is_refused_except_when_signing_in() {
    let server = Server::start().await;
    server.register("stale@example.com", "password123").await;
    let stale = "wm_revoked_or_never_issued";

    let (status, body) = send(server.post("/api/auth/login").bearer_auth(stale).json(&json!({
        "email": "stale@example.com", "password": "password123"
    })))
    .await;
    assert_eq!(status, 200, "sign-in ignores the stale credential: {body}");
    let refresh = body["data"]["refresh_token"].as_str().unwrap().to_string();
    let (status, body) =
        send(server.post("/api/auth/refresh").bearer_auth(stale).json(&json!({ "refresh_token": refresh }))).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = send(server.get("/api/health").bearer_auth(stale)).await;
    assert_eq!(status, 200);

    for path in ["/api/auth/me", "/api/account", "/api/visits-counter", "/api/unshort?url=https://a.example/"] {
        let (status, body) = send(server.get(path).bearer_auth(stale)).await;
        assert_eq!(status, 401, "{path}: {body}");
    }
}

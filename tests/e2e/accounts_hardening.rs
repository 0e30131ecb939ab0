//! The accounts defects of the hardening issue, end to end: key scopes,
//! access tokens revoked by a password change, clean JWT refusals, racing
//! sign-ups, and input hygiene (control/bidi characters, NFKC, confusable
//! usernames, invalid UTF-8 in counter names, numbers in string fields).

use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::chain_server::ChainServer;
use crate::support::*;

const JWT_SECRET: &str = "e2e-known-jwt-secret-of-enough-length";

async fn create_key(server: &Server, full_key: &str, body: Value) -> (u16, Value) {
    send(server.post("/api/account/keys").bearer_auth(full_key).json(&body)).await
}

/// Polls `GET /api/auth/me` with `token` until it answers `status`.
async fn wait_for_me_status(server: &Server, token: &str, status: u16, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let (got, body) = send(server.get("/api/auth/me").bearer_auth(token)).await;
        if got == status {
            return body;
        }
        assert!(Instant::now() < deadline, "still {got} after {within:?}: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn login(server: &Server, email: &str, password: &str) -> String {
    let (status, body) =
        send(server.post("/api/auth/login").json(&json!({ "email": email, "password": password }))).await;
    assert_eq!(status, 200, "{body}");
    body["data"]["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn public_keys_work_on_counter_and_unshort_only() {
    let chain = ChainServer::start().await;
    chain.html("/final", "<p>landing</p>");
    let server = Server::start_with(&[
        ("WAYMARK_UNSHORT__ALLOW_LOOPBACK", "true"),
        ("WAYMARK_UNSHORT__ALLOWED_PORTS", "[]"),
        ("WAYMARK_METERING__COUNTER__ANONYMOUS_PER_DAY", "1"),
        ("WAYMARK_METERING__UNSHORT__ANONYMOUS_PER_DAY", "1"),
    ])
    .await;
    let account = server.register("badge@example.com", "password123").await;

    let (status, body) = create_key(&server, &account.api_key, json!({ "name": "badge", "scope": "public" })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["scope"], "public");
    let public = body["data"]["key"].as_str().unwrap().to_string();
    let (status, body) = create_key(&server, &account.api_key, json!({ "name": "ci" })).await;
    assert_eq!((status, &body["data"]["scope"]), (200, &json!("full")), "the default scope is full: {body}");
    let (status, body) = create_key(&server, &account.api_key, json!({ "name": "x", "scope": "admin" })).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], 1, "urlplus envelope: {body}");
    assert!(body["message"].as_str().unwrap().to_lowercase().contains("scope"), "{body}");

    let (status, body) = send(server.get("/api/account/keys").bearer_auth(&account.api_key)).await;
    assert_eq!(status, 200, "{body}");
    let scopes: Vec<(&str, &str)> = body["data"]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["name"].as_str().unwrap(), k["scope"].as_str().unwrap()))
        .collect();
    assert_eq!(scopes, [("default", "full"), ("badge", "public"), ("ci", "full")]);

    // Counter and unshort accept it and count against the user (the anonymous
    // quota here is one request a day).
    for _ in 0..3 {
        let (status, body) = send(server.get("/api/visits-counter").query(&[
            ("site", "badge.example"),
            ("format", "json"),
            ("key", &public),
        ]))
        .await;
        assert_eq!(status, 200, "{body}");
        let url = chain.url("/final");
        let (status, body) = send(server.get("/api/unshort").query(&[("url", url.as_str()), ("key", &public)])).await;
        assert_eq!(status, 200, "{body}");
    }

    // Everything else refuses it with 403 in its own envelope.
    let forbidden = |body: &Value| body.to_string().contains("forbidden");
    let urlplus = [
        server.get("/api/account"),
        server.get("/api/account/keys"),
        server.post("/api/account/keys").json(&json!({ "name": "escalate" })),
        server.put("/api/account/update").json(&json!({ "password": "stolen-password" })),
        server.delete("/api/account/keys/1"),
        server.get("/api/urls"),
        server.get("/api/qr"),
    ];
    for request in urlplus {
        let (status, body) = send(request.bearer_auth(&public)).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["error"], 1, "{body}");
        assert!(forbidden(&body), "{body}");
    }
    for path in ["/api/auth/me", "/api/admin/plugins", "/api/sites"] {
        let (status, body) = send(server.get(path).header("cb-api-key", &public)).await;
        assert_eq!((status, &body["code"]), (403, &json!(403)), "{path}: {body}");
        assert!(forbidden(&body), "{path}: {body}");
    }
    let (status, body) = send(server.put("/api/auth/password").bearer_auth(&public).json(&json!({
        "old_password": "password123", "new_password": "stolen-password"
    })))
    .await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = send(server.get(&format!("/api/v1/qrcode/abc?key={public}"))).await;
    assert_eq!(status, 403, "{body}");
    assert!(body["error"].as_str().is_some_and(|m| m.contains("forbidden")), "CodeBox envelope: {body}");

    // The password did not change, and full keys keep full power.
    login(&server, "badge@example.com", "password123").await;
    let (status, body) = send(server.get("/api/account").bearer_auth(&account.api_key)).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_password_change_revokes_earlier_access_tokens_on_every_replica() {
    let cache = ("WAYMARK_AUTH__PRINCIPAL_CACHE_SECS", "2");
    let a = Server::start_with(&[cache, ("WAYMARK_METERING__ENABLED", "false")]).await;
    let b = a.sibling();
    let account = a.register("rotate@example.com", "password123").await;
    let old = account.token.clone();
    // Replica B has seen (and cached) the user at the old token version.
    wait_for_me_status(&b, &old, 200, Duration::from_secs(5)).await;

    let (status, body) = send(a.put("/api/auth/password").bearer_auth(&old).json(&json!({
        "old_password": "password123", "new_password": "password456"
    })))
    .await;
    assert_eq!(status, 200, "{body}");

    // At once on the replica that made the change…
    let (status, body) = send(a.get("/api/auth/me").bearer_auth(&old)).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["msg"], "invalid token: revoked", "{body}");
    // …and within `principal_cache_secs` on the other.
    let body = wait_for_me_status(&b, &old, 401, Duration::from_secs(2 + 3)).await;
    assert_eq!(body["msg"], "invalid token: revoked", "{body}");
    let (status, _) = send(a.post("/api/auth/refresh").json(&json!({ "refresh_token": account.refresh_token }))).await;
    assert_eq!(status, 401, "refresh tokens are revoked too");

    // A token issued after the change works on both, straight away.
    let new = login(&a, "rotate@example.com", "password456").await;
    for server in [&a, &b] {
        let (status, body) = send(server.get("/api/auth/me").bearer_auth(&new)).await;
        assert_eq!(status, 200, "{body}");
    }

    // urlplus's update through a full key revokes it as well.
    let (status, body) =
        send(a.put("/api/account/update").bearer_auth(&account.api_key).json(&json!({ "password": "password789" })))
            .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = send(a.get("/api/auth/me").bearer_auth(&new)).await;
    assert_eq!((status, &body["msg"]), (401, &json!("invalid token: revoked")), "{body}");
    // API keys survive a password change, as the seed documents.
    let (status, body) = send(a.get("/api/auth/me").bearer_auth(&account.api_key)).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn admin_create_on_an_existing_user_revokes_their_access_tokens() {
    let server = Server::start().await;
    let account = server.register("admin@example.com", "password123").await;
    // Promotes the user and resets the password.
    server.admin_token().await;
    let (status, body) = send(server.get("/api/auth/me").bearer_auth(&account.token)).await;
    assert_eq!((status, &body["msg"]), (401, &json!("invalid token: revoked")), "{body}");
}

fn hs256(claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(JWT_SECRET.as_bytes()))
        .unwrap()
}

fn unsigned(header: &Value, claims: &Value, signature: &str) -> String {
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.{signature}", part(header), part(claims))
}

#[tokio::test]
async fn refused_access_tokens_get_a_clean_reason() {
    let server = Server::start_with(&[("WAYMARK_AUTH__JWT_SECRET", JWT_SECRET)]).await;
    let account = server.register("jwt@example.com", "password123").await;
    let now = chrono::Utc::now().timestamp();
    let claims = |iat: i64, exp: i64| json!({ "sub": account.id.to_string(), "role": "user", "iat": iat, "exp": exp, "typ": "access", "ver": 0 });
    let valid = claims(now, now + 600);
    let mut future_nbf = valid.clone();
    future_nbf["nbf"] = json!(now + 3600);

    // The known secret signs tokens the server accepts.
    let (status, body) = send(server.get("/api/auth/me").bearer_auth(hs256(&valid))).await;
    assert_eq!(status, 200, "{body}");

    let cases = [
        ("alg none", unsigned(&json!({ "alg": "none", "typ": "JWT" }), &valid, ""), "malformed"),
        ("RS256", unsigned(&json!({ "alg": "RS256", "typ": "JWT" }), &valid, "c2lnbmF0dXJl"), "bad signature"),
        (
            "other secret",
            {
                let key = EncodingKey::from_secret(b"not the server's secret");
                jsonwebtoken::encode(&Header::new(Algorithm::HS256), &valid, &key).unwrap()
            },
            "bad signature",
        ),
        ("garbage", "garbage".to_string(), "malformed"),
        ("three garbage parts", "abc.def.ghi".to_string(), "malformed"),
        ("future nbf", hs256(&future_nbf), "not yet valid"),
        ("future iat", hs256(&claims(now + 3600, now + 7200)), "not yet valid"),
        ("expired", hs256(&claims(now - 7200, now - 3600)), "expired"),
    ];
    for (case, token, reason) in cases {
        let (status, body) = send(server.get("/api/auth/me").bearer_auth(&token)).await;
        assert_eq!(status, 401, "{case}: {body}");
        assert_eq!(body["code"], 401, "{case}: {body}");
        assert_eq!(body["data"], Value::Null, "{case}: {body}");
        let expected = format!("invalid token: {reason}");
        assert_eq!(body["msg"], expected, "{case}: {body}");
        assert_eq!(body["error"], expected, "{case}: {body}");
        for leak in ["HS256", "RS256", "Algorithm", "Error", "Json", "base64"] {
            assert!(!body.to_string().contains(leak), "{case} leaks {leak}: {body}");
        }
    }
}

#[tokio::test]
async fn eight_concurrent_signups_sharing_a_local_part_all_succeed() {
    let server = Server::start_with(&[("WAYMARK_METERING__ENABLED", "false")]).await;
    let signups = (b'a'..=b'h').map(|domain| {
        let request = server.post("/api/auth/register").json(&json!({
            "email": format!("same@{}.example", domain as char), "password": "password123"
        }));
        tokio::spawn(send(request))
    });
    let mut usernames = Vec::new();
    for signup in signups.collect::<Vec<_>>() {
        let (status, body) = signup.await.unwrap();
        assert_eq!(status, 200, "{body}");
        usernames.push(body["data"]["user"]["username"].as_str().unwrap().to_string());
    }
    usernames.sort();
    let before = usernames.len();
    usernames.dedup();
    assert_eq!(usernames.len(), before, "usernames are distinct: {usernames:?}");
    assert!(usernames.iter().all(|u| u.starts_with("same")), "{usernames:?}");
    assert!(usernames.contains(&"same".to_string()), "{usernames:?}");

    let register = |email: &str, username: &str| {
        server.post("/api/auth/register").json(&json!({
            "email": email, "password": "password123", "username": username
        }))
    };
    let (status, body) = send(register("other@example.com", "same")).await;
    assert_eq!((status, &body["msg"]), (409, &json!("username is already taken")), "{body}");
    let (status, body) = send(register("same@a.example", "fresh-name")).await;
    assert_eq!((status, &body["msg"]), (409, &json!("email is already registered")), "{body}");
    // Confusables of an existing name: case, Cyrillic letters, fullwidth forms.
    for alike in ["SAME", "s\u{430}me", "ｓａｍｅ"] {
        let (status, body) = send(register("alike@example.com", alike)).await;
        assert_eq!(status, 409, "{alike}: {body}");
        let message = body["msg"].as_str().unwrap();
        assert!(message.starts_with("username is"), "{alike}: {body}");
    }
}

#[tokio::test]
async fn control_and_bidi_characters_are_refused_and_usernames_normalised() {
    let server = Server::start_with(&[("WAYMARK_METERING__ENABLED", "false")]).await;
    let register = |body: Value| server.post("/api/auth/register").json(&body);
    for body in [
        json!({ "email": "nul\u{0}@example.com", "password": "password123" }),
        json!({ "email": "bell\u{7}@example.com", "password": "password123" }),
        json!({ "email": "rlo@exa\u{202E}mple.com", "password": "password123" }),
        json!({ "email": "ok1@example.com", "password": "password123", "username": "evil\u{202E}gnp" }),
        json!({ "email": "ok2@example.com", "password": "password123", "username": "iso\u{2066}late" }),
        json!({ "email": "ok3@example.com", "password": "password123", "username": "mark\u{200F}" }),
        json!({ "email": "ok4@example.com", "password": "password123", "username": "alm\u{061C}x" }),
    ] {
        let (status, answer) = send(register(body.clone())).await;
        assert_eq!((status, &answer["code"]), (400, &json!(400)), "{body}: {answer}");
    }

    let (status, body) = send(register(json!({
        "email": "wide@example.com", "password": "password123", "username": "ｊａｎｅ"
    })))
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["user"]["username"], "jane", "NFKC: {body}");
    let key = body["data"]["api_key"].as_str().unwrap().to_string();

    for name in ["bell\u{7}", "nul\u{0}x", "rlo\u{202E}x", "lrm\u{200E}"] {
        let (status, body) = create_key(&server, &key, json!({ "name": name })).await;
        assert_eq!((status, &body["error"]), (400, &json!(1)), "{name:?}: {body}");
    }
    let (status, body) = send(server.put("/api/auth/profile").bearer_auth(&key).json(&json!({
        "username": "ja\u{0}ne"
    })))
    .await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn json_string_fields_refuse_numbers() {
    let server = Server::start_with(&[("WAYMARK_METERING__ENABLED", "false")]).await;
    for body in [
        json!({ "email": 5, "password": "password123" }),
        json!({ "email": "n@example.com", "password": 12345678 }),
        json!({ "email": "n@example.com", "password": "password123", "username": 42 }),
        json!({ "email": true, "password": "password123" }),
    ] {
        let (status, answer) = send(server.post("/api/auth/register").json(&body)).await;
        assert_eq!((status, &answer["code"]), (400, &json!(400)), "{body}: {answer}");
    }
    let account = server.register("n@example.com", "password123").await;
    for body in [json!({ "name": 12 }), json!({ "name": "ok", "scope": 1 })] {
        let (status, answer) = create_key(&server, &account.api_key, body.clone()).await;
        assert_eq!((status, &answer["error"]), (400, &json!(1)), "{body}: {answer}");
    }
    let (status, answer) =
        send(server.put("/api/account/update").bearer_auth(&account.api_key).json(&json!({ "password": 12345678 })))
            .await;
    assert_eq!((status, &answer["error"]), (400, &json!(1)), "{answer}");
}

#[tokio::test]
async fn counter_names_must_be_clean_utf8() {
    let server = Server::start_with(&[("WAYMARK_METERING__ENABLED", "false")]).await;
    for query in [
        "site=%FF%FE",
        "site=%C0%AF",
        "name=%FF",
        "site=ok.example&name=%E2%82",
        "site=a%00b",
        "name=bell%07",
        "site=moc.elgoog%E2%80%AE",
        "name=x%E2%81%A6y",
    ] {
        let (status, body) = send(server.get(&format!("/api/visits-counter?{query}&format=json"))).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["code"], "4000", "{query}: {body}");
    }
    let (status, body) = send(server.get("/api/visits-counter?site=%E4%BE%8B.jp&name=Zo%C3%AB&format=json")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["name"], "Zoë");
}

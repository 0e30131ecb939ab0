//! urlplus's `/api/account*` and API-key management, end to end.

use serde_json::json;

use crate::support::{Server, send};

#[tokio::test]
async fn account_accepts_a_key_in_each_documented_place() {
    let server = Server::start().await;
    let account = server.register("bob@example.com", "password123").await;
    let key = &account.api_key;

    let requests = [
        ("Authorization: Bearer", server.get("/api/account").bearer_auth(key)),
        ("Authorization: Token", server.get("/api/account").header("authorization", format!("Token {key}"))),
        ("cb-api-key", server.get("/api/account").header("cb-api-key", key)),
        ("?key=", server.get(&format!("/api/account?key={key}"))),
        ("JWT", server.get("/api/account").bearer_auth(&account.token)),
    ];
    for (place, request) in requests {
        let (status, body) = send(request).await;
        assert_eq!(status, 200, "{place}: {body}");
        assert_eq!(body["error"], 0, "{place}");
        let data = &body["data"];
        assert_eq!(data["id"], account.id, "{place}");
        assert_eq!(data["email"], "bob@example.com");
        assert_eq!(data["username"], "bob");
        assert_eq!(data["status"], "pro");
        let registered = data["registered"].as_str().unwrap();
        assert_eq!(registered.len(), "2020-11-10 18:01:43".len(), "{registered}");
    }

    let (status, body) = send(server.get("/api/account")).await;
    assert_eq!(status, 401);
    assert_eq!(body, json!({ "error": 1, "message": "Authorization header required" }));

    let (status, body) = send(server.get("/api/account").bearer_auth("wm_not_a_real_key")).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], 1);
    assert_eq!(body["message"], "invalid or revoked API key");
}

#[tokio::test]
async fn account_update_changes_email_and_password() {
    let server = Server::start().await;
    let account = server.register("carol@example.com", "password123").await;
    let (status, body) = send(
        server
            .put("/api/account/update")
            .bearer_auth(&account.api_key)
            .json(&json!({ "email": "carol@new.example", "password": "newpassword" })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({ "error": 0, "message": "Account has been successfully updated." }));

    let (status, _) = send(server.post("/api/auth/login").json(&json!({
        "email": "carol@new.example", "password": "newpassword"
    })))
    .await;
    assert_eq!(status, 200);
    // The new password revoked the refresh token from registration.
    let (status, _) =
        send(server.post("/api/auth/refresh").json(&json!({ "refresh_token": account.refresh_token }))).await;
    assert_eq!(status, 401);

    // Nothing to change (absent or null fields) is a no-op, not an error.
    for nothing in [json!({}), json!({ "email": null, "password": null })] {
        let (status, body) = send(server.put("/api/account/update").bearer_auth(&account.api_key).json(&nothing)).await;
        assert_eq!((status, &body["error"]), (200, &json!(0)), "{nothing}: {body}");
    }
    // A refused password leaves a valid new email unstored: both are checked first.
    let (status, body) = send(server.put("/api/account/update").bearer_auth(&account.api_key).json(&json!({
        "email": "carol@third.example", "password": "short"
    })))
    .await;
    assert_eq!((status, &body["error"]), (400, &json!(1)), "{body}");
    let (status, _) = send(server.post("/api/auth/login").json(&json!({
        "email": "carol@new.example", "password": "newpassword"
    })))
    .await;
    assert_eq!(status, 200, "the email did not change");
}

#[tokio::test]
async fn api_keys_are_created_listed_and_revoked() {
    let server = Server::start().await;
    let owner = server.register("dave@example.com", "password123").await;
    let other = server.register("eve@example.com", "password123").await;

    let (status, body) =
        send(server.post("/api/account/keys").bearer_auth(&owner.token).json(&json!({ "name": "ci" }))).await;
    assert_eq!(status, 200, "{body}");
    let new_key = body["data"]["key"].as_str().unwrap().to_string();
    let new_id = body["data"]["id"].as_i64().unwrap();
    assert!(new_key.starts_with(body["data"]["prefix"].as_str().unwrap()));

    let (status, _) = send(server.get("/api/account").header("cb-api-key", &new_key)).await;
    assert_eq!(status, 200, "the new key works");

    let (_, body) = send(server.get("/api/account/keys").bearer_auth(&owner.token)).await;
    let keys = body["data"]["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "default key and the new one: {body}");
    assert!(keys.iter().all(|k| k.get("key").is_none()), "listings never show keys");
    assert!(keys.iter().any(|k| k["name"] == "ci"));

    // Someone else's key id is "not found", not "forbidden".
    let (status, body) = send(server.delete(&format!("/api/account/keys/{new_id}")).bearer_auth(&other.token)).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"], 1);

    let (status, body) = send(server.delete(&format!("/api/account/keys/{new_id}")).bearer_auth(&owner.token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["error"], 0);

    let (status, body) = send(server.get("/api/account").header("cb-api-key", &new_key)).await;
    assert_eq!(status, 401, "a revoked key stops working at once: {body}");
    let (status, _) = send(server.get(&format!("/api/account?key={new_key}"))).await;
    assert_eq!(status, 401);

    let (status, _) = send(server.delete(&format!("/api/account/keys/{new_id}")).bearer_auth(&owner.token)).await;
    assert_eq!(status, 404, "revoking twice");
    let (_, body) = send(server.get("/api/account/keys").bearer_auth(&owner.token)).await;
    assert_eq!(body["data"]["keys"].as_array().unwrap().len(), 1);
}

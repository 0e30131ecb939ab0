//! Pingoo's `/api/sites*`, field by field, and isolation between users.

use serde_json::{Value, json};

use crate::support::{Server, send};

async fn create(server: &Server, token: &str, name: &str, domain: &str) -> Value {
    let (status, body) =
        send(server.post("/api/sites").bearer_auth(token).json(&json!({ "name": name, "domain": domain }))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["code"].clone(), body["msg"].clone()), (json!(0), json!("success")), "{body}");
    body["data"].clone()
}

fn is_rfc3339(text: &Value) -> bool {
    text.as_str().is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok())
}

#[tokio::test]
async fn create_list_get_update_delete() {
    let server = Server::start().await;
    let alice = server.register("alice@example.com", "password123").await;

    let first = create(&server, &alice.token, "我的网站", "https://example.com").await;
    assert_eq!(first["user_id"], alice.id);
    assert_eq!(first["name"], "我的网站");
    assert_eq!(first["domain"], "https://example.com");
    assert!(first["id"].as_i64().unwrap() > 0);
    let tracking_id = first["tracking_id"].as_str().unwrap().to_string();
    assert_eq!(tracking_id.len(), 16);
    assert!(is_rfc3339(&first["created_at"]) && is_rfc3339(&first["updated_at"]), "{first}");
    assert!(first.get("snippet").is_none(), "only the detail carries the snippet");
    let second = create(&server, &alice.token, "Pingoo", "http://127.0.0.1:5004/").await;
    assert_ne!(second["tracking_id"], first["tracking_id"]);

    // The list: newest first, the seed's paging fields.
    let (status, body) = send(server.get("/api/sites").bearer_auth(&alice.token)).await;
    assert_eq!(status, 200, "{body}");
    let data = &body["data"];
    assert_eq!(
        (data["total"].clone(), data["page"].clone(), data["page_size"].clone()),
        (json!(2), json!(1), json!(10))
    );
    assert_eq!(data["list"][0]["id"], second["id"]);
    assert_eq!(data["list"][1], first);
    let (_, body) = send(server.get("/api/sites?page=2&limit=1").bearer_auth(&alice.token)).await;
    assert_eq!(body["data"]["list"][0]["id"], first["id"], "{body}");
    assert_eq!((body["data"]["total"].clone(), body["data"]["page_size"].clone()), (json!(2), json!(1)));
    let (_, body) = send(server.get("/api/sites?search=EXAMPLE").bearer_auth(&alice.token)).await;
    assert_eq!((body["data"]["total"].clone(), body["data"]["list"][0]["id"].clone()), (json!(1), first["id"].clone()));
    let (_, body) = send(server.get("/api/sites?search=pingoo").bearer_auth(&alice.token)).await;
    assert_eq!(body["data"]["list"][0]["id"], second["id"], "search covers names: {body}");

    // The detail adds the tracker snippet.
    let id = first["id"].as_i64().unwrap();
    let (status, body) = send(server.get(&format!("/api/sites/{id}")).bearer_auth(&alice.token)).await;
    assert_eq!(status, 200, "{body}");
    let snippet = body["data"]["snippet"].as_str().unwrap();
    assert!(snippet.starts_with("<script defer src=\"//127.0.0.1:"), "{snippet}");
    assert!(snippet.ends_with(&format!("/script.js\" data-site=\"{tracking_id}\"></script>")), "{snippet}");

    // Update: a field left out keeps its value; the tracking id stays.
    let (status, body) =
        send(server.put(&format!("/api/sites/{id}")).bearer_auth(&alice.token).json(&json!({ "name": "新站点名称" })))
            .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["name"], "新站点名称");
    assert_eq!(body["data"]["domain"], "https://example.com");
    assert_eq!(body["data"]["tracking_id"], tracking_id.as_str());
    assert_eq!(body["data"]["created_at"], first["created_at"]);
    let (_, body) = send(
        server
            .put(&format!("/api/sites/{id}"))
            .bearer_auth(&alice.token)
            .json(&json!({ "domain": "https://newdomain.com" })),
    )
    .await;
    assert_eq!(
        (body["data"]["name"].clone(), body["data"]["domain"].clone()),
        (json!("新站点名称"), json!("https://newdomain.com"))
    );

    // Delete.
    let (status, body) = send(server.delete(&format!("/api/sites/{id}")).bearer_auth(&alice.token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({ "code": 0, "msg": "success", "data": "站点删除成功" }));
    let (status, body) = send(server.get(&format!("/api/sites/{id}")).bearer_auth(&alice.token)).await;
    assert_eq!((status, body["code"].clone()), (404, json!(404)), "{body}");
    let (_, body) = send(server.get("/api/sites").bearer_auth(&alice.token)).await;
    assert_eq!(body["data"]["total"], 1);
}

#[tokio::test]
async fn another_users_site_is_not_found_and_untouched() {
    let server = Server::start().await;
    let alice = server.register("alice@example.com", "password123").await;
    let bob = server.register("bob@example.com", "password123").await;
    let site = create(&server, &alice.token, "Alice's", "alice.example").await;
    let path = format!("/api/sites/{}", site["id"]);

    for request in [server.get(&path), server.put(&path).json(&json!({ "name": "mine now" })), server.delete(&path)] {
        let (status, body) = send(request.bearer_auth(&bob.token)).await;
        assert_eq!(status, 404, "never 403, which would reveal the site: {body}");
        assert_eq!(body["msg"], "site not found");
        assert_eq!(body["data"], Value::Null);
    }
    let (_, body) = send(server.get("/api/sites").bearer_auth(&bob.token)).await;
    assert_eq!(body["data"]["total"], 0, "{body}");
    let (_, body) = send(server.get(&path).bearer_auth(&alice.token)).await;
    assert_eq!(body["data"]["name"], "Alice's", "unchanged: {body}");
    // An API key is a credential like the token.
    let (status, body) = send(server.get(&path).bearer_auth(&alice.api_key)).await;
    assert_eq!((status, body["data"]["id"].clone()), (200, site["id"].clone()), "{body}");
    let (status, body) = send(server.get("/api/sites")).await;
    assert_eq!((status, body["code"].clone()), (401, json!(401)), "{body}");
}

#[tokio::test]
async fn bad_input_is_a_400_in_pingoos_envelope() {
    let server = Server::start().await;
    let alice = server.register("alice@example.com", "password123").await;
    for (body, complaint) in [
        (json!({ "name": "", "domain": "example.com" }), "name is required"),
        (json!({ "name": "x", "domain": "" }), "domain is required"),
        (json!({ "name": "x", "domain": "ftp://example.com" }), "domain must be a host name"),
        (json!({ "name": "x", "domain": "exa mple.com" }), "domain must be a host name"),
        (json!({ "name": "x\u{202E}", "domain": "example.com" }), "bidirectional"),
        (json!({ "name": 5, "domain": "example.com" }), "Expected input type \"string\""),
        (json!({ "domain": "example.com" }), "found null"),
    ] {
        let (status, answer) = send(server.post("/api/sites").bearer_auth(&alice.token).json(&body)).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["code"], 400, "{answer}");
        assert!(answer["msg"].as_str().unwrap().contains(complaint), "{body}: {answer}");
    }
    for query in ["page=0", "limit=0", "limit=101", "page=x"] {
        let (status, answer) = send(server.get(&format!("/api/sites?{query}")).bearer_auth(&alice.token)).await;
        assert_eq!((status, answer["code"].clone()), (400, json!(400)), "{query}: {answer}");
    }
    let (status, answer) = send(server.get("/api/sites/abc").bearer_auth(&alice.token)).await;
    assert_eq!(status, 400, "{answer}");
    let (_, listing) = send(server.get("/api/sites").bearer_auth(&alice.token)).await;
    assert_eq!(listing["data"]["total"], 0, "nothing was stored: {listing}");
}

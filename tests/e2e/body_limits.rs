//! Bodies are read only for callers allowed to send them: credentials, role
//! and size are settled from the request head first.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{Server, send};

const UPLOAD_HEAD: &str = "POST /api/admin/plugins HTTP/1.1\r\nhost: waymark\r\ncontent-type: application/wasm\r\n";

/// Sends a head announcing a large body, and only the first bytes of it;
/// returns the status line the server answers with before the rest arrives.
async fn answer_before_the_body(server: &Server, head: &str) -> String {
    let mut stream = TcpStream::connect(server.base.trim_start_matches("http://")).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&[0u8; 1024]).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("the server waited for the body before answering")
        .unwrap();
    String::from_utf8_lossy(&answer[..n]).into_owned()
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn uploads_are_refused_from_the_head_unless_the_caller_is_an_admin() {
    let server = Server::start().await;
    let user = server.register("plain@example.com", "password123").await;

    let anonymous = format!("{UPLOAD_HEAD}content-length: 16000000\r\n\r\n");
    let answer = answer_before_the_body(&server, &anonymous).await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains("\"code\":401"), "Pingoo envelope: {answer}");

    let not_admin = format!("{UPLOAD_HEAD}authorization: Bearer {}\r\ncontent-length: 16000000\r\n\r\n", user.api_key);
    let answer = answer_before_the_body(&server, &not_admin).await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("admin role required"), "{answer}");

    // Admin endpoints check the role before their parameters.
    let (status, body) = send(server.get("/api/admin/themes/gojo_board/preview?format=nonsense")).await;
    assert_eq!(status, 401, "{body}");
    let (status, body) = send(server.get("/api/admin/plugins").bearer_auth(&user.api_key)).await;
    assert_eq!((status, body["code"].as_i64()), (403, Some(403)), "{body}");

    // An admin gets the large limit, and still a 413 past it.
    let admin = server.admin_token().await;
    let too_big = format!("{UPLOAD_HEAD}authorization: Bearer {admin}\r\ncontent-length: 999999999\r\n\r\n");
    let answer = answer_before_the_body(&server, &too_big).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

#[tokio::test]
async fn ordinary_routes_refuse_before_reading_and_keep_the_small_limit() {
    let server = Server::start().await;
    let user = server.register("limits@example.com", "password123").await;
    // Anonymous, on a route that needs a key: refused without waiting for the body.
    let head = "POST /api/account/keys HTTP/1.1\r\nhost: waymark\r\ncontent-type: application/json\r\n\
                content-length: 900000\r\n\r\n";
    let answer = answer_before_the_body(&server, head).await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains("\"error\":1"), "urlplus envelope: {answer}");
    // A user's body past the default 1 MiB is refused from its length.
    let head = format!(
        "POST /api/account/keys HTTP/1.1\r\nhost: waymark\r\nauthorization: Bearer {}\r\n\
         content-type: application/json\r\ncontent-length: 2000000\r\n\r\n",
        user.api_key
    );
    let answer = answer_before_the_body(&server, &head).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // Without a length (chunked), the cut-off comes while reading. A small
    // limit keeps the whole body in flight at once, so the client is not
    // still writing when the 413 comes back (it would see a broken pipe).
    let small = Server::start_with(&[("WAYMARK_MAX_BODY_BYTES", "4096")]).await;
    let user = small.register("chunked@example.com", "password123").await;
    let big = serde_json::json!({ "name": "x".repeat(16_000) }).to_string();
    let stream = futures_util::stream::iter(
        big.into_bytes().chunks(1024).map(|c| Ok::<_, std::io::Error>(c.to_vec())).collect::<Vec<_>>(),
    );
    let (status, body) = send(
        small
            .post("/api/account/keys")
            .bearer_auth(&user.api_key)
            .header("content-type", "application/json")
            .body(reqwest::Body::wrap_stream(stream)),
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["error"], 1, "{body}");
}

#[tokio::test]
async fn unfinished_anonymous_uploads_do_not_grow_the_server() {
    let server = Server::start().await;
    let before = rss_kib(server.pid());
    let mut uploads = Vec::new();
    for _ in 0..40 {
        let mut stream = TcpStream::connect(server.base.trim_start_matches("http://")).await.unwrap();
        let head = format!("{UPLOAD_HEAD}content-length: 16000000\r\n\r\n");
        stream.write_all(head.as_bytes()).await.unwrap();
        uploads.push(tokio::spawn(async move {
            // Push up to 4 MiB of body; a server that stopped reading makes
            // the writes stall, which is the point.
            let chunk = vec![7u8; 64 * 1024];
            for _ in 0..64 {
                match tokio::time::timeout(Duration::from_millis(500), stream.write_all(&chunk)).await {
                    Ok(Ok(())) => {}
                    _ => break,
                }
            }
            stream
        }));
    }
    let mut held = Vec::new();
    for upload in uploads {
        held.push(upload.await.unwrap());
    }
    let after = rss_kib(server.pid());
    // Buffering them (as before) costs 40 × 4 MiB = 160 MiB.
    assert!(after < before + 64 * 1024, "RSS grew from {before} KiB to {after} KiB");
    let (status, _) = send(server.get("/api/health")).await;
    assert_eq!(status, 200);
}

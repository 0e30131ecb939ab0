//! A local web server of redirect chains for the unshort tests, on
//! 127.0.0.1: raw HTTP/1.1 over TCP, so a route can also stall, stream a
//! huge body or speak plain HTTP where TLS is expected.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What a route answers.
#[derive(Clone)]
pub enum Reply {
    /// Status, extra headers, content type, body.
    Page(u16, Vec<(String, String)>, &'static str, String),
    /// Waits, then answers 200 with a small page.
    Stall(Duration),
    /// `size` bytes of HTML: `head` first, filler after.
    Huge { head: String, size: usize },
}

pub struct ChainServer {
    pub port: u16,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl ChainServer {
    pub async fn start() -> ChainServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let routes: Arc<Mutex<HashMap<String, Reply>>> = Arc::default();
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let (r, h) = (routes.clone(), hits.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, r.clone(), h.clone()));
            }
        });
        ChainServer { port, routes, hits }
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn route(&self, path: &str, reply: Reply) -> &Self {
        self.routes.lock().unwrap().insert(path.to_string(), reply);
        self
    }

    pub fn redirect(&self, path: &str, status: u16, location: &str) -> &Self {
        self.route(path, Reply::Page(status, vec![("Location".into(), location.into())], "text/html", String::new()))
    }

    pub fn html(&self, path: &str, body: &str) -> &Self {
        self.route(path, Reply::Page(200, Vec::new(), "text/html; charset=utf-8", body.to_string()))
    }

    /// How many requests `path` (with its query) received.
    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

async fn serve(
    mut stream: TcpStream,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
        // A TLS ClientHello (record type 22): answer in plain HTTP, as a
        // misconfigured server would, so the client's handshake fails.
        if request.first() == Some(&0x16) {
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").await;
            return;
        }
    }
    let text = String::from_utf8_lossy(&request);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
    *hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    let reply = routes.lock().unwrap().get(&path).cloned();
    let (status, headers, content_type, body) = match reply {
        None => (404, Vec::new(), "text/html", "<h1>not here</h1>".to_string()),
        Some(Reply::Page(status, headers, content_type, body)) => (status, headers, content_type, body),
        Some(Reply::Stall(wait)) => {
            tokio::time::sleep(wait).await;
            (200, Vec::new(), "text/html", "<p>late</p>".to_string())
        }
        Some(Reply::Huge { head, size }) => {
            let header = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(header.as_bytes()).await;
            let _ = stream.write_all(head.as_bytes()).await;
            let filler = vec![b' '; 64 * 1024];
            let mut sent = head.len();
            while sent < size {
                let n = filler.len().min(size - sent);
                if stream.write_all(&filler[..n]).await.is_err() {
                    return;
                }
                sent += n;
            }
            return;
        }
    };
    let mut response = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str("\r\n");
    response.push_str(&body);
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

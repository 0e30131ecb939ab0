//! Clients that are slow or many on purpose: each is cut off at its limit
//! while everyone else is still served.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{Server, send};

/// Short limits so the tests see them act; per-IP room for the crowd, since
/// every test connection comes from 127.0.0.1.
const SHORT: &[(&str, &str)] = &[
    ("WAYMARK_HTTP__HEADER_READ_TIMEOUT_SECS", "2"),
    ("WAYMARK_HTTP__KEEP_ALIVE_IDLE_SECS", "2"),
    ("WAYMARK_HTTP__BODY_IDLE_TIMEOUT_SECS", "2"),
    ("WAYMARK_HTTP__BODY_READ_TIMEOUT_SECS", "4"),
    ("WAYMARK_HTTP__MAX_CONNECTIONS_PER_IP", "2000"),
    ("WAYMARK_METERING__ENABLED", "false"),
];

async fn connect(server: &Server) -> TcpStream {
    TcpStream::connect(server.base.trim_start_matches("http://")).await.expect("connect")
}

/// Reads until the server closes the connection (or `limit` passes) and
/// returns what it sent.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(limit, stream.read_to_end(&mut answer)).await;
    match read {
        Ok(_) => Some(String::from_utf8_lossy(&answer).into_owned()),
        Err(_) => None,
    }
}

/// Sends a request head one byte every 400 ms and reports how long the
/// server let it go on before closing.
async fn trickle_head(mut stream: TcpStream) -> Option<Duration> {
    let started = Instant::now();
    let head = b"GET /api/health HTTP/1.1\r\nhost: waymark\r\nx-slow: ";
    if stream.write_all(head).await.is_err() {
        return Some(started.elapsed());
    }
    let mut buf = [0u8; 256];
    while started.elapsed() < Duration::from_secs(30) {
        tokio::select! {
            read = stream.read(&mut buf) => match read {
                Ok(0) | Err(_) => return Some(started.elapsed()),
                Ok(_) => {}
            },
            _ = tokio::time::sleep(Duration::from_millis(400)) => {
                if stream.write_all(b"a").await.is_err() {
                    return Some(started.elapsed());
                }
            }
        }
    }
    None
}

#[tokio::test]
async fn trickling_connections_are_closed_while_health_keeps_answering() {
    let server = Server::start_with(SHORT).await;
    let mut tricklers = Vec::new();
    for _ in 0..300 {
        let stream = connect(&server).await;
        tricklers.push(tokio::spawn(trickle_head(stream)));
    }
    // Meanwhile everyone else is served, promptly.
    let started = Instant::now();
    let mut answered = 0;
    while started.elapsed() < Duration::from_secs(2) {
        let asked = Instant::now();
        let (status, body) = send(server.get("/api/health")).await;
        assert_eq!(status, 200, "{body}");
        assert!(asked.elapsed() < Duration::from_secs(1), "health took {:?}", asked.elapsed());
        answered += 1;
    }
    assert!(answered > 5, "only {answered} health checks answered");
    for trickler in tricklers {
        let lasted = trickler.await.unwrap().expect("a trickling connection was never closed");
        assert!(lasted >= Duration::from_millis(1500), "closed too early: {lasted:?}");
        assert!(lasted < Duration::from_secs(8), "closed only after {lasted:?}");
    }
    let (status, _) = send(server.get("/api/health")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let server = Server::start_with(SHORT).await;
    let mut stream = connect(&server).await;
    stream.write_all(b"GET /api/health HTTP/1.1\r\nhost: waymark\r\n\r\n").await.unwrap();
    let mut first = [0u8; 12];
    stream.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    let started = Instant::now();
    let rest = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(rest.is_some(), "an idle keep-alive connection stayed open");
    assert!(started.elapsed() >= Duration::from_millis(1500), "closed after {:?}", started.elapsed());
}

#[tokio::test]
async fn a_stalled_body_is_answered_408_in_the_surface_envelope() {
    let server = Server::start_with(SHORT).await;
    let mut stream = connect(&server).await;
    let head = "POST /api/auth/login HTTP/1.1\r\nhost: waymark\r\ncontent-type: application/json\r\n\
                content-length: 200\r\n\r\n{\"email\":";
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let answer = read_until_closed(&mut stream, Duration::from_secs(10)).await.expect("no answer to a stalled body");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"code\":408"), "Pingoo envelope: {answer}");
    assert!(started.elapsed() >= Duration::from_millis(1500), "answered after {:?}", started.elapsed());
}

#[tokio::test]
async fn a_trickling_body_is_cut_off_at_the_total_time() {
    let server = Server::start_with(SHORT).await;
    let mut stream = connect(&server).await;
    let head = "POST /api/auth/login HTTP/1.1\r\nhost: waymark\r\ncontent-type: application/json\r\n\
                content-length: 500\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 512];
    let mut answer = String::new();
    while started.elapsed() < Duration::from_secs(15) {
        tokio::select! {
            read = stream.read(&mut buf) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.push_str(&String::from_utf8_lossy(&buf[..n])),
            },
            _ = tokio::time::sleep(Duration::from_millis(500)) => {
                let _ = stream.write_all(b" ").await;
            }
        }
    }
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(3500) && took < Duration::from_secs(10), "cut off after {took:?}");
}

#[tokio::test]
async fn connections_over_the_per_ip_share_are_refused_until_one_closes() {
    let server = Server::start_with(&[("WAYMARK_HTTP__MAX_CONNECTIONS_PER_IP", "4")]).await;
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(connect(&server).await);
    }
    // Accepted in order: the fifth is over the share.
    let mut extra = connect(&server).await;
    let answer = read_until_closed(&mut extra, Duration::from_secs(10)).await.expect("the fifth was left open");
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("too many connections"), "{answer}");
    drop(held.pop());
    // The freed place is taken again once the server saw the close.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let response = crate::support::client().get(server.url("/api/health")).send().await;
        if response.as_ref().is_ok_and(|r| r.status() == 200) {
            break;
        }
        assert!(Instant::now() < deadline, "no place freed: {response:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

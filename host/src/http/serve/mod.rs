//! Accepting connections and serving HTTP on them, with the bounds a public
//! server needs against clients that are slow or many on purpose:
//! connection caps (`admission`), a request-head deadline and a keep-alive
//! idle timeout (`watch`). Body timeouts belong to the request pipeline,
//! which knows whether a body is wanted at all.
//!
//! poem's own `Server` has none of these, so this module drives hyper
//! directly and hands each request to the poem endpoint.

mod admission;
mod watch;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use ipnet::IpNet;
use poem::web::{LocalAddr, RemoteAddr};
use poem::{Addr, Endpoint};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::config::HttpConfig;
pub use admission::{Admission, ClientKey};
use watch::{ConnState, Timeouts, Watched};

/// Sockets the process keeps for itself (database pool, plugin files, logs)
/// beyond client connections.
const RESERVED_FILES: u64 = 256;

/// What a client over its connection share is told before the close.
const TOO_MANY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-type: text/plain\r\n\
content-length: 37\r\nretry-after: 1\r\n\r\ntoo many connections from this client\n";

/// Raises the open-file limit to the hard limit (where the OS lets us) and
/// returns how many connections fit in it.
pub fn connection_capacity(wanted: usize) -> usize {
    let files = match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(error) => {
            tracing::warn!(%error, "cannot read or raise the open-file limit");
            return wanted;
        }
    };
    let fits = files.saturating_sub(RESERVED_FILES).max(1);
    if (wanted as u64) > fits {
        tracing::warn!(
            max_connections = wanted,
            open_file_limit = files,
            "http.max_connections lowered to {fits} to fit the open-file limit"
        );
        fits as usize
    } else {
        wanted
    }
}

/// Serves `endpoint` on `listener` until `shutdown` resolves, then lets
/// requests in flight finish for up to `grace`.
pub async fn serve<E>(
    listener: TcpListener,
    endpoint: E,
    config: &HttpConfig,
    trusted_proxies: Vec<IpNet>,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) where
    E: Endpoint + 'static,
{
    let endpoint = Arc::new(endpoint);
    let capacity = connection_capacity(config.max_connections);
    let admission = Admission::new(capacity, config.max_connections_per_ip.min(capacity), trusted_proxies);
    let timeouts = Timeouts { header_read: config.header_read_timeout(), keep_alive_idle: config.keep_alive_idle() };
    let stopping = CancellationToken::new();
    let connections = TaskTracker::new();
    tokio::pin!(shutdown);

    loop {
        let slot = tokio::select! {
            _ = &mut shutdown => break,
            slot = admission.slot() => slot,
        };
        let Some(slot) = slot else { break };
        let accepted = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors or a connection reset before accept:
                // wait a moment instead of spinning on the same error.
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some(admitted) = admission.admit(slot, peer.ip()) else {
            refuse(stream);
            continue;
        };
        let local = stream.local_addr().unwrap_or(peer);
        let _ = stream.set_nodelay(true);
        let endpoint = endpoint.clone();
        let stopping = stopping.clone();
        connections.spawn(async move {
            serve_connection(stream, local, peer, endpoint, timeouts, stopping).await;
            drop(admitted);
        });
    }

    connections.close();
    stopping.cancel();
    if tokio::time::timeout(grace, connections.wait()).await.is_err() {
        tracing::warn!(open = connections.len(), "grace period over; closing connections with requests in flight");
    }
}

/// Tells a client over its share why, without waiting on it.
fn refuse(stream: TcpStream) {
    tokio::spawn(async move {
        let mut stream = stream;
        let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(TOO_MANY)).await;
    });
}

async fn serve_connection<E: Endpoint + 'static>(
    stream: TcpStream,
    local: SocketAddr,
    peer: SocketAddr,
    endpoint: Arc<E>,
    timeouts: Timeouts,
    stopping: CancellationToken,
) {
    let state = ConnState::new();
    let io = TokioIo::new(Watched::new(stream, state.clone()));
    let service = hyper::service::service_fn({
        let state = state.clone();
        move |req: hyper::Request<Incoming>| {
            let endpoint = endpoint.clone();
            let in_flight = state.request_started();
            async move {
                let req = (
                    req,
                    LocalAddr(Addr::SocketAddr(local)),
                    RemoteAddr(Addr::SocketAddr(peer)),
                    poem::http::uri::Scheme::HTTP,
                );
                let response = endpoint.get_response(req.into()).await;
                drop(in_flight);
                Ok::<_, Infallible>(hyper::Response::<BoxBody<Bytes, std::io::Error>>::from(response))
            }
        }
    });
    let builder = auto::Builder::new(TokioExecutor::new());
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        expiry = state.expired(timeouts) => {
            tracing::debug!(%peer, ?expiry, "closing connection");
            return;
        }
        _ = stopping.cancelled() => conn.as_mut().graceful_shutdown(),
    }
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = state.expired(timeouts) => {}
    }
}

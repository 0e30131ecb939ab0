//! Timing one connection: whether it is sending a request head too slowly,
//! or sitting idle with nothing in flight for too long.
//!
//! hyper offers a header-read timeout, but its clock also runs while a
//! keep-alive connection waits for its next request, so it cannot tell a
//! slow head from an idle connection. This watch tells them apart by
//! counting bytes and requests:
//! - a byte that arrives while no request is in flight starts a request
//!   head; the head must be whole (hyper hands the request over) within
//!   `header_read_timeout`;
//! - with no request in flight and no head started, the connection may stay
//!   without traffic for `keep_alive_idle`.
//!
//! While a request is in flight its body is bounded by the pipeline's body
//! timeouts, and the handler by its own limits.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

const NONE: u64 = u64::MAX;

/// Why the watch closed a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    SlowHead,
    Idle,
}

#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub header_read: Duration,
    pub keep_alive_idle: Duration,
}

/// What the watch knows of one connection; times are milliseconds since it
/// opened, so they fit in atomics.
pub struct ConnState {
    opened: Instant,
    in_flight: AtomicU32,
    head_started_ms: AtomicU64,
    last_activity_ms: AtomicU64,
}

impl ConnState {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            opened: Instant::now(),
            in_flight: AtomicU32::new(0),
            head_started_ms: AtomicU64::new(NONE),
            last_activity_ms: AtomicU64::new(0),
        })
    }

    fn now_ms(&self) -> u64 {
        self.opened.elapsed().as_millis() as u64
    }

    fn bytes_read(&self) {
        let now = self.now_ms();
        self.last_activity_ms.store(now, Ordering::Relaxed);
        if self.in_flight.load(Ordering::Relaxed) == 0 {
            let _ = self.head_started_ms.compare_exchange(NONE, now, Ordering::Relaxed, Ordering::Relaxed);
        }
    }

    fn bytes_written(&self) {
        self.last_activity_ms.store(self.now_ms(), Ordering::Relaxed);
    }

    /// hyper parsed a request head: the head's clock stops. The returned
    /// guard marks the request finished when the handler is done with it.
    pub fn request_started(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        self.head_started_ms.store(NONE, Ordering::Relaxed);
        InFlight(self.clone())
    }

    /// Resolves when the connection has broken a timeout.
    pub async fn expired(&self, timeouts: Timeouts) -> Expiry {
        loop {
            let (deadline_ms, expiry) = if self.in_flight.load(Ordering::Relaxed) > 0 {
                // Nothing to time here; look again later.
                (self.now_ms() + timeouts.keep_alive_idle.as_millis() as u64, None)
            } else {
                match self.head_started_ms.load(Ordering::Relaxed) {
                    NONE => (
                        self.last_activity_ms.load(Ordering::Relaxed) + timeouts.keep_alive_idle.as_millis() as u64,
                        Some(Expiry::Idle),
                    ),
                    started => (started + timeouts.header_read.as_millis() as u64, Some(Expiry::SlowHead)),
                }
            };
            if let Some(expiry) = expiry
                && self.now_ms() >= deadline_ms
            {
                return expiry;
            }
            tokio::time::sleep_until(self.opened + Duration::from_millis(deadline_ms)).await;
        }
    }
}

/// A request the handler has not finished yet.
pub struct InFlight(Arc<ConnState>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.0.bytes_written();
    }
}

/// A socket that reports its traffic to the connection's watch.
pub struct Watched<IO> {
    inner: IO,
    state: Arc<ConnState>,
}

impl<IO> Watched<IO> {
    pub fn new(inner: IO, state: Arc<ConnState>) -> Self {
        Self { inner, state }
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Watched<IO> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.state.bytes_read();
        }
        result
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Watched<IO> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.state.bytes_written();
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.state.bytes_written();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Timeouts = Timeouts { header_read: Duration::from_secs(10), keep_alive_idle: Duration::from_secs(15) };

    #[tokio::test(start_paused = true)]
    async fn an_idle_connection_expires_after_the_keep_alive_time() {
        let state = ConnState::new();
        let started = Instant::now();
        assert_eq!(state.expired(T).await, Expiry::Idle);
        assert_eq!(started.elapsed().as_secs(), 15);
    }

    #[tokio::test(start_paused = true)]
    async fn a_started_head_must_finish_within_the_header_time() {
        let state = ConnState::new();
        tokio::time::advance(Duration::from_secs(3)).await;
        state.bytes_read();
        let started = Instant::now();
        assert_eq!(state.expired(T).await, Expiry::SlowHead);
        assert_eq!(started.elapsed().as_secs(), 10);
    }

    #[tokio::test(start_paused = true)]
    async fn trickling_bytes_do_not_extend_the_head_time() {
        let state = ConnState::new();
        state.bytes_read();
        let watch = tokio::spawn({
            let state = state.clone();
            async move { state.expired(T).await }
        });
        for _ in 0..9 {
            tokio::time::advance(Duration::from_secs(1)).await;
            state.bytes_read();
        }
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(watch.await.unwrap(), Expiry::SlowHead);
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_in_flight_is_not_timed_and_restarts_the_idle_clock() {
        let state = ConnState::new();
        state.bytes_read();
        let request = state.request_started();
        let watch = tokio::spawn({
            let state = state.clone();
            async move { state.expired(T).await }
        });
        tokio::time::advance(Duration::from_secs(100)).await;
        assert!(!watch.is_finished());
        drop(request);
        let finished = Instant::now();
        assert_eq!(watch.await.unwrap(), Expiry::Idle);
        assert!(finished.elapsed() <= Duration::from_secs(30), "{:?}", finished.elapsed());
    }
}

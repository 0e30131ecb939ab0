//! Request bodies read on demand, within a size and within time limits.
//!
//! The pipeline does not read a body itself: it checks credentials, role and
//! quota from the headers first, then hands the handler a body that ends in
//! an error once it grows past its limit, stalls longer than the idle
//! timeout or runs past its total time. A handler that refuses the caller
//! never reads it at all. What went wrong is kept in a [`BodyWatch`], so the
//! pipeline can answer 413 or 408 whatever the handler made of the error.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use poem::Body;
use tokio::time::Instant;

/// Why a body was cut off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFault {
    TooLarge,
    Stalled,
    TooSlow,
}

/// How the body read went, shared between the body and the pipeline.
#[derive(Debug, Clone, Default)]
pub struct BodyWatch(Arc<AtomicU8>);

impl BodyWatch {
    fn set(&self, fault: BodyFault) {
        let code = match fault {
            BodyFault::TooLarge => 1,
            BodyFault::Stalled => 2,
            BodyFault::TooSlow => 3,
        };
        self.0.store(code, Ordering::Relaxed);
    }

    pub fn fault(&self) -> Option<BodyFault> {
        match self.0.load(Ordering::Relaxed) {
            1 => Some(BodyFault::TooLarge),
            2 => Some(BodyFault::Stalled),
            3 => Some(BodyFault::TooSlow),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    pub max_bytes: usize,
    pub idle: Duration,
    pub total: Duration,
}

struct Reading<S> {
    chunks: S,
    read: usize,
    deadline: Instant,
    limits: BodyLimits,
    watch: BodyWatch,
    done: bool,
}

/// `body`, cut off at the first limit it breaks. The total time counts from
/// now (the end of the request head).
pub fn bounded(body: Body, limits: BodyLimits) -> (Body, BodyWatch) {
    let watch = BodyWatch::default();
    let start = Reading {
        chunks: body.into_bytes_stream(),
        read: 0,
        deadline: Instant::now() + limits.total,
        limits,
        watch: watch.clone(),
        done: false,
    };
    let stream = futures_util::stream::unfold(start, |mut reading| async move {
        if reading.done {
            return None;
        }
        let left = reading.deadline.saturating_duration_since(Instant::now());
        let wait = left.min(reading.limits.idle);
        let item = match tokio::time::timeout(wait, reading.chunks.next()).await {
            Err(_) => {
                let fault = if wait < reading.limits.idle { BodyFault::TooSlow } else { BodyFault::Stalled };
                Some(Err(cut_off(&mut reading, fault)))
            }
            Ok(None) => None,
            Ok(Some(Ok(chunk))) => {
                reading.read += chunk.len();
                if reading.read > reading.limits.max_bytes {
                    Some(Err(cut_off(&mut reading, BodyFault::TooLarge)))
                } else {
                    Some(Ok(chunk))
                }
            }
            Ok(Some(Err(error))) => {
                reading.done = true;
                Some(Err(error))
            }
        };
        item.map(|item| (item, reading))
    });
    (Body::from_bytes_stream(stream), watch)
}

fn cut_off<S>(reading: &mut Reading<S>, fault: BodyFault) -> io::Error {
    reading.done = true;
    reading.watch.set(fault);
    let kind = if fault == BodyFault::TooLarge { io::ErrorKind::InvalidData } else { io::ErrorKind::TimedOut };
    io::Error::new(kind, format!("request body cut off: {fault:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    const LIMITS: BodyLimits =
        BodyLimits { max_bytes: 10, idle: Duration::from_secs(2), total: Duration::from_secs(5) };

    fn trickle(chunks: usize, every: Duration) -> Body {
        let stream = futures_util::stream::unfold(0, move |n| async move {
            if n == chunks {
                return None;
            }
            tokio::time::sleep(every).await;
            Some((Ok::<_, io::Error>(Bytes::from_static(b"a")), n + 1))
        });
        Body::from_bytes_stream(stream)
    }

    #[tokio::test]
    async fn a_body_within_limits_reads_whole() {
        let (body, watch) = bounded(Body::from_bytes(Bytes::from_static(b"0123456789")), LIMITS);
        assert_eq!(body.into_vec().await.unwrap(), b"0123456789");
        assert_eq!(watch.fault(), None);
    }

    #[tokio::test]
    async fn a_body_over_the_size_is_cut_off() {
        let (body, watch) = bounded(Body::from_bytes(Bytes::from_static(b"0123456789!")), LIMITS);
        assert!(body.into_vec().await.is_err());
        assert_eq!(watch.fault(), Some(BodyFault::TooLarge));
    }

    #[tokio::test(start_paused = true)]
    async fn a_stalled_body_is_cut_off_at_the_idle_timeout() {
        let (body, watch) = bounded(trickle(3, Duration::from_secs(3)), LIMITS);
        assert!(body.into_vec().await.is_err());
        assert_eq!(watch.fault(), Some(BodyFault::Stalled));
    }

    #[tokio::test(start_paused = true)]
    async fn a_trickling_body_is_cut_off_at_the_total_timeout() {
        let (body, watch) = bounded(trickle(8, Duration::from_secs(1)), LIMITS);
        let started = Instant::now();
        assert!(body.into_vec().await.is_err());
        assert_eq!(watch.fault(), Some(BodyFault::TooSlow));
        assert_eq!(started.elapsed().as_secs(), 5);
    }
}

//! The unshortener: one shared HTTP client, a short-lived cache of finished
//! traces (a burst of the same link costs one trace) and a bound on traces
//! in flight (each holds at most one body prefix in memory).

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use tokio::sync::Semaphore;
use url::Url;

use super::blocker::Policy;
use super::config::UnshortConfig;
use super::fetch;
use super::tracer::{Trace, Tracer};
use crate::plugins::Plugins;
use crate::plugins::unshort_rule::UnshortRules;

#[derive(Debug, Clone, thiserror::Error)]
pub enum UnshortError {
    #[error("the HTTP client could not be built: {0}")]
    Client(String),
    #[error("too many traces are running; try again shortly")]
    Busy,
}

pub struct Unshortener {
    config: UnshortConfig,
    policy: Policy,
    client: reqwest::Client,
    plugins: Arc<Plugins>,
    /// Keyed by the normalised URL and `max_hops`.
    cache: Cache<(String, u32), Arc<Trace>>,
    slots: Semaphore,
}

impl Unshortener {
    pub fn new(config: UnshortConfig, plugins: Arc<Plugins>) -> Result<Self, UnshortError> {
        let client = fetch::client(&config).map_err(|e| UnshortError::Client(e.to_string()))?;
        let cache = Cache::builder()
            .max_capacity(config.cache_capacity)
            .time_to_live(Duration::from_secs(config.cache_ttl_secs.max(1)))
            .build();
        Ok(Self {
            policy: config.policy(),
            slots: Semaphore::new(config.max_concurrent_traces),
            client,
            plugins,
            cache,
            config,
        })
    }

    /// Traces `url` (as the caller wrote it: `original`), from the cache
    /// when the same trace finished moments ago. Concurrent requests for
    /// one link wait for a single trace.
    pub async fn trace(&self, original: &str, url: Url, max_hops: u32) -> Result<Arc<Trace>, UnshortError> {
        if self.config.cache_ttl_secs == 0 {
            return self.run(original, url, max_hops).await.map(Arc::new);
        }
        let key = (url.to_string(), max_hops);
        self.cache
            .try_get_with(key, async { self.run(original, url, max_hops).await.map(Arc::new) })
            .await
            .map_err(|e| (*e).clone())
    }

    async fn run(&self, original: &str, url: Url, max_hops: u32) -> Result<Trace, UnshortError> {
        let wait = self.config.total_timeout();
        let _slot = tokio::time::timeout(wait, self.slots.acquire())
            .await
            .map_err(|_| UnshortError::Busy)?
            .map_err(|_| UnshortError::Busy)?;
        let tracer = Tracer {
            client: &self.client,
            rules: UnshortRules::of(&self.plugins),
            policy: &self.policy,
            rule_order: &self.config.rules,
            hop_timeout: self.config.hop_timeout(),
            total_timeout: self.config.total_timeout(),
            body_limit: self.config.body_limit_bytes,
        };
        Ok(tracer.trace(original, url, max_hops).await)
    }
}

//! Operator settings for `/api/unshort`: what a trace may reach and how
//! much time and memory it may spend.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::blocker::Policy;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnshortConfig {
    /// Let traces reach 127.0.0.0/8 and ::1 (and nothing else that is not
    /// public). For tests with local servers only; never in production.
    pub allow_loopback: bool,
    /// Ports a trace may fetch; `[]` allows any.
    pub allowed_ports: Vec<u16>,
    /// The longest one hop (connect, headers, body) may take.
    pub hop_timeout_ms: u64,
    /// The longest a whole trace may take; the hop running at the deadline
    /// is recorded as timed out.
    pub total_timeout_ms: u64,
    /// How much of an HTML body is read for detection rules.
    pub body_limit_bytes: usize,
    /// Sent with every hop: some shorteners answer bots differently.
    pub user_agent: String,
    /// How long a finished trace is reused for the same `url` and
    /// `max_hops` (0: not cached).
    pub cache_ttl_secs: u64,
    /// How many finished traces are kept at most.
    pub cache_capacity: u64,
    /// Traces running at once; more wait for a free slot.
    pub max_concurrent_traces: usize,
    /// Rule keys in the order they are asked; installed rules not listed
    /// run afterwards, in key order.
    pub rules: Vec<String>,
}

impl Default for UnshortConfig {
    fn default() -> Self {
        Self {
            allow_loopback: false,
            allowed_ports: vec![80, 443],
            hop_timeout_ms: 5_000,
            total_timeout_ms: 20_000,
            body_limit_bytes: 256 * 1024,
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                         Chrome/131.0 Safari/537.36"
                .into(),
            cache_ttl_secs: 60,
            cache_capacity: 10_000,
            max_concurrent_traces: 64,
            rules: vec!["interstitial".into(), "meta-refresh".into(), "js-location".into()],
        }
    }
}

impl UnshortConfig {
    pub(crate) fn validate(&self) -> Result<(), (&'static str, String)> {
        if self.hop_timeout_ms == 0 || self.total_timeout_ms < self.hop_timeout_ms {
            return Err(("unshort.hop_timeout_ms", "must be positive and at most unshort.total_timeout_ms".into()));
        }
        if self.total_timeout_ms > 120_000 {
            return Err(("unshort.total_timeout_ms", "must be at most 120000".into()));
        }
        if self.body_limit_bytes == 0 || self.body_limit_bytes > 8 * 1024 * 1024 {
            return Err(("unshort.body_limit_bytes", "must be between 1 and 8388608".into()));
        }
        if self.max_concurrent_traces == 0 {
            return Err(("unshort.max_concurrent_traces", "must be greater than 0".into()));
        }
        if self.user_agent.trim().is_empty() || reqwest::header::HeaderValue::from_str(&self.user_agent).is_err() {
            return Err(("unshort.user_agent", "must be a non-empty header value".into()));
        }
        Ok(())
    }

    pub fn policy(&self) -> Policy {
        Policy { allow_loopback: self.allow_loopback, ports: self.allowed_ports.clone() }
    }

    pub fn hop_timeout(&self) -> Duration {
        Duration::from_millis(self.hop_timeout_ms)
    }

    pub fn total_timeout(&self) -> Duration {
        Duration::from_millis(self.total_timeout_ms)
    }
}

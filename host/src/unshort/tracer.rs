//! Following a link hop by hop: fetch, read where the answer sends us
//! (headers first, then the rule plugins on an HTML page), stop at a final
//! page, a loop, `max_hops`, an error or the deadline.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde::Serialize;
use url::Url;

use super::blocker::{self, Policy};
use super::fetch::{self, Fetched};
use super::headers;
use crate::plugins::unshort_rule::{HopResponse, NextHop, UnshortRules};

/// One hop of the chain, as the API reports it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Hop {
    pub hop: u32,
    pub url: String,
    /// The HTTP status; 0 when no answer came (blocked, refused, timed out).
    pub status: u16,
    /// `Location`, `Refresh`, a rule's method (`Meta-Refresh`, `JS`, …),
    /// `final` on the landing page, `error` when the hop failed.
    pub method: String,
    pub duration_ms: u64,
    pub next: Option<String>,
    pub error: Option<String>,
}

/// Why the chain ended.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// A page that sends the visitor nowhere else.
    Final,
    /// `max_hops` pages were fetched and the last one still redirects.
    MaxHops,
    /// The next hop was already visited (it is not fetched again).
    Loop,
    /// The last hop failed (its `error` says how).
    Error,
}

#[derive(Debug, Clone, Serialize)]
pub struct Trace {
    pub original_url: String,
    pub final_url: String,
    pub chain: Vec<Hop>,
    pub total_time_ms: u64,
    pub stop: Stop,
}

/// What a trace needs besides the URL.
pub struct Tracer<'a> {
    pub client: &'a reqwest::Client,
    pub rules: UnshortRules<'a>,
    pub policy: &'a Policy,
    pub rule_order: &'a [String],
    pub hop_timeout: Duration,
    pub total_timeout: Duration,
    pub body_limit: usize,
}

impl Tracer<'_> {
    pub async fn trace(&self, original: &str, start: Url, max_hops: u32) -> Trace {
        let started = Instant::now();
        let deadline = started + self.total_timeout;
        let mut chain: Vec<Hop> = Vec::new();
        let mut visited: HashSet<Url> = HashSet::new();
        let mut current = start;
        let stop = loop {
            visited.insert(current.clone());
            let hop_started = Instant::now();
            let outcome = self.hop(&current, deadline).await;
            let mut hop = Hop {
                hop: chain.len() as u32 + 1,
                url: current.to_string(),
                status: 0,
                method: "final".into(),
                duration_ms: elapsed_ms(hop_started),
                next: None,
                error: None,
            };
            let next = match outcome {
                Err(error) => {
                    hop.method = "error".into();
                    hop.error = Some(error);
                    chain.push(hop);
                    break Stop::Error;
                }
                Ok((status, next)) => {
                    hop.status = status;
                    next
                }
            };
            let Some((target, method)) = next else {
                chain.push(hop);
                break Stop::Final;
            };
            hop.method = method;
            let Ok(next_url) = current.join(&target) else {
                hop.next = Some(target.clone());
                hop.error = Some(format!("the next URL {target:?} is not a valid URL"));
                chain.push(hop);
                break Stop::Error;
            };
            hop.next = Some(next_url.to_string());
            chain.push(hop);
            if visited.contains(&next_url) {
                break Stop::Loop;
            }
            if chain.len() as u32 >= max_hops {
                break Stop::MaxHops;
            }
            current = next_url;
        };
        let final_url = chain.last().map(|hop| hop.url.clone()).unwrap_or_default();
        Trace { original_url: original.to_string(), final_url, chain, total_time_ms: elapsed_ms(started), stop }
    }

    /// Fetches one URL within the time left; returns its status and where
    /// it leads (none for a final page).
    async fn hop(&self, url: &Url, deadline: Instant) -> Result<(u16, Option<(String, String)>), String> {
        blocker::check_url(url, self.policy)?;
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err("the trace ran out of time before this hop".into());
        }
        let limit = left.min(self.hop_timeout);
        let fetched = tokio::time::timeout(limit, fetch::fetch(self.client, url, self.body_limit))
            .await
            .map_err(|_| format!("timed out after {} ms", limit.as_millis()))??;
        if let Some((target, method)) = headers::next_hop(&fetched) {
            return Ok((fetched.status, Some((target, method.to_string()))));
        }
        let next = self.ask_rules(url, &fetched).await;
        Ok((fetched.status, next.map(|n| (n.url, n.method))))
    }

    /// The first rule that sees a redirect in an HTML page wins. A failing
    /// rule is skipped (and counted against its plugin), not fatal.
    async fn ask_rules(&self, url: &Url, fetched: &Fetched) -> Option<NextHop> {
        let body = fetched.body.as_ref()?;
        let response = HopResponse {
            url: url.to_string(),
            status: fetched.status,
            headers: fetched.headers.clone(),
            body_prefix: body.prefix.clone(),
            truncated: body.truncated,
        };
        for rule in self.rules.in_order(self.rule_order) {
            match rule.detect_next_hop(&response).await {
                Ok(Some(next)) => return Some(next),
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, plugin = %rule.plugin_id(), "unshort rule failed; skipped"),
            }
        }
        None
    }
}

fn elapsed_ms(since: Instant) -> u64 {
    since.elapsed().as_millis() as u64
}

//! One hop: a GET without following redirects, through the guarded
//! resolver, reading at most a capped prefix of an HTML body.

use std::sync::Arc;
use std::time::Duration;

use reqwest::redirect::Policy as RedirectPolicy;
use url::Url;

use super::config::UnshortConfig;
use super::resolver::{Blocked, GuardedResolver};

/// What a hop answered.
pub struct Fetched {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body prefix, read only for 2xx HTML answers.
    pub body: Option<Body>,
}

pub struct Body {
    pub prefix: Vec<u8>,
    /// Whether the body went on past the limit.
    pub truncated: bool,
}

impl Fetched {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The HTTP client every trace shares: no redirects, no proxy from the
/// environment, and names resolved only through [`GuardedResolver`].
pub fn client(config: &UnshortConfig) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .redirect(RedirectPolicy::none())
        .no_proxy()
        .dns_resolver(Arc::new(GuardedResolver { allow_loopback: config.allow_loopback }))
        .user_agent(config.user_agent.clone())
        .connect_timeout(config.hop_timeout())
        .pool_idle_timeout(Duration::from_secs(30))
        .build()
}

/// Fetches `url`. Errors are already worded for the chain ("connection
/// refused", "TLS error: …", "blocked: …").
pub async fn fetch(client: &reqwest::Client, url: &Url, body_limit: usize) -> Result<Fetched, String> {
    let mut response = client
        .get(url.clone())
        .header(reqwest::header::ACCEPT, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
        .header(reqwest::header::ACCEPT_LANGUAGE, "en-US,en;q=0.8")
        .send()
        .await
        .map_err(|e| describe(&e, url))?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
        .collect();
    let mut fetched = Fetched { status, headers, body: None };
    if (200..300).contains(&status) && looks_like_html(fetched.header("content-type")) {
        let mut prefix = Vec::new();
        let mut truncated = false;
        while let Some(chunk) = response.chunk().await.map_err(|e| describe(&e, url))? {
            let room = body_limit - prefix.len();
            if chunk.len() >= room {
                prefix.extend_from_slice(&chunk[..room]);
                truncated = chunk.len() > room || response.content_length() != Some(prefix.len() as u64);
                break;
            }
            prefix.extend_from_slice(&chunk);
        }
        fetched.body = Some(Body { prefix, truncated });
    }
    Ok(fetched)
}

/// HTML, or no content type at all (many redirect pages send none).
fn looks_like_html(content_type: Option<&str>) -> bool {
    content_type.is_none_or(|t| {
        let t = t.to_ascii_lowercase();
        t.contains("html") || t.trim().is_empty()
    })
}

/// A failed request in a few words: what kind of failure, then the detail
/// from the innermost error.
fn describe(error: &reqwest::Error, url: &Url) -> String {
    let mut innermost: &dyn std::error::Error = error;
    let mut refused = false;
    let mut invalid_data = false;
    let mut source = Some(error as &dyn std::error::Error);
    while let Some(e) = source {
        if let Some(blocked) = e.downcast_ref::<Blocked>() {
            return blocked.to_string();
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            refused |= io.kind() == std::io::ErrorKind::ConnectionRefused;
            invalid_data |= io.kind() == std::io::ErrorKind::InvalidData;
        }
        innermost = e;
        source = e.source();
    }
    let detail = innermost.to_string();
    if error.is_timeout() {
        "timed out".into()
    } else if refused {
        "connection refused".into()
    } else if detail.contains("lookup") || detail.contains("resolve") || detail.contains("Name or service") {
        format!("DNS lookup failed: {detail}")
    } else if url.scheme() == "https" && (invalid_data || error.is_connect()) {
        format!("TLS error: {detail}")
    } else if error.is_connect() {
        format!("connection failed: {detail}")
    } else {
        format!("request failed: {detail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_detection_trusts_the_content_type() {
        assert!(looks_like_html(Some("text/html; charset=utf-8")));
        assert!(looks_like_html(Some("application/xhtml+xml")));
        assert!(looks_like_html(None));
        assert!(!looks_like_html(Some("image/png")));
        assert!(!looks_like_html(Some("application/json")));
    }
}

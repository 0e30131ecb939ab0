//! `user-agent`: what an event's `User-Agent` says about the visitor.
//!
//! - `device`: `desktop`, `mobile`, `tablet`, `bot`, `tv`, `console` or
//!   `other` (nothing recognisable);
//! - `browser`: the name and major version a person reads (`Chrome 126`,
//!   `Samsung Internet 25`, `Googlebot 2`, `curl 8`), left out when unknown;
//! - `os`: `Windows 10`, `macOS`, `iOS 17`, `Android 14`, `Linux`,
//!   `ChromeOS`, … with a version only where the user agent really tells it
//!   (browsers freeze macOS at 10.15 and Chrome freezes Android at 10, so
//!   those read `macOS` and `Android`), left out when unknown;
//! - `is_bot`: `true` or `false`, from the `isbot` crate's maintained
//!   pattern list.
//!
//! A bot's `device` is `bot` whatever it imitates. An empty user agent is
//! a bot's (`device` `bot`, `is_bot` `true`, no browser or OS): every
//! browser sends one, scripts and probes leave it out. The parser is a few
//! token searches (see `parse`), not a table of regular expressions: the
//! only regular expression is the bot list, compiled once per instance.

mod parse;

use std::sync::OnceLock;

use waymark_plugin_sdk::analytics_enricher::*;

pub use parse::{Device, Parsed, parse};

pub struct UserAgent;

impl AnalyticsEnricher for UserAgent {
    fn enrichers() -> Vec<Provided> {
        // The host calls this first on each new instance, under the
        // instantiation limit: compile the bot list now, not in the first
        // event's call (which has only the call limit, tens of ms).
        bots();
        vec![provided("user-agent", "User agent: device, browser, OS, bot")]
    }

    fn enrich(event: &Event) -> Result<Vec<Field>, String> {
        let ua = event.user_agent.trim();
        let bot = is_bot(ua);
        let parsed = parse(ua, bot);
        let mut fields = vec![field("device", parsed.device.as_str())];
        if let Some(browser) = &parsed.browser {
            fields.push(field("browser", browser));
        }
        if let Some(os) = &parsed.os {
            fields.push(field("os", os));
        }
        fields.push(field("is_bot", if bot { "true" } else { "false" }));
        Ok(fields)
    }
}

/// Whether `ua` is a bot's: empty, or matched by the `isbot` list. The
/// list is one regular expression, compiled when the host first asks the
/// instance for its `enrichers` and kept (a cache, not state: the answer depends on `ua` alone).
pub fn is_bot(ua: &str) -> bool {
    ua.is_empty() || bots().is_bot(ua)
}

/// The compiled bot list, built on first use.
fn bots() -> &'static isbot::Bots {
    static BOTS: OnceLock<isbot::Bots> = OnceLock::new();
    BOTS.get_or_init(isbot::Bots::default)
}

waymark_plugin_sdk::register_analytics_enricher!(UserAgent);
waymark_plugin_sdk::manifest!("../waymark.toml");

#[cfg(test)]
mod tests;

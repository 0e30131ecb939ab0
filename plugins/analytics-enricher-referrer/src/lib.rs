//! `referrer`: where an event's visitor came from, by its referrer and the
//! page's UTM tags.
//!
//! - `source`: `search`, `social`, `email`, `direct` or `other`. No
//!   referrer, or one on the page's own host (internal navigation), is
//!   `direct`; a known host is its category (`sources::SOURCES`); any other
//!   site is `other`. A page URL tagged `utm_medium=email` (or `e-mail`,
//!   `newsletter`) is `email` whatever the referrer: mail clients send none.
//! - `source_name`: the known host's name (`Google`, `Facebook`, `Gmail`),
//!   else the referrer's host without `www.`; left out for `direct` (the
//!   host refuses empty values) and for a referrer with no host to name.
//! - `medium`: the page's `utm_medium` when tagged (lowercased), else
//!   `organic` for search, `social`, `email`, `referral` for other sites
//!   and `(none)` for direct.
//!
//! Garbage never fails the event: an unparsable referrer is `other` with
//! no name, an unparsable page URL just has no host and no tags.

mod sources;
mod url;

use waymark_plugin_sdk::analytics_enricher::*;

pub use sources::{Category, Known, lookup};

pub struct Referrer;

impl AnalyticsEnricher for Referrer {
    fn enrichers() -> Vec<Provided> {
        vec![provided("referrer", "Referrer: source, name, medium")]
    }

    fn enrich(event: &Event) -> Result<Vec<Field>, String> {
        let answer = classify(event.referrer.as_deref(), &event.url);
        let mut fields = vec![field("source", answer.source.as_str())];
        if let Some(name) = &answer.name {
            fields.push(field("source_name", name));
        }
        fields.push(field("medium", &answer.medium));
        Ok(fields)
    }
}

/// One event's traffic source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub source: Category,
    pub name: Option<String>,
    pub medium: String,
}

/// Classifies `referrer` for a view of the page `page_url`.
pub fn classify(referrer: Option<&str>, page_url: &str) -> Answer {
    let page = url::Parsed::of(page_url);
    let utm_medium = page.as_ref().and_then(|p| p.query_param("utm_medium")).and_then(|m| clean_medium(&m));
    let referrer = referrer.map(str::trim).filter(|r| !r.is_empty());

    let (mut source, name) = match referrer {
        None => (Category::Direct, None),
        Some(referrer) => match url::Parsed::of(referrer).and_then(|r| r.host) {
            None => (Category::Other, None),
            Some(host) if page.as_ref().and_then(|p| p.host.as_deref()).is_some_and(|own| same_site(own, &host)) => {
                (Category::Direct, None)
            }
            Some(host) => match lookup(&host) {
                Some(known) => (known.category, Some(known.name.to_string())),
                None => (Category::Other, Some(without_www(&host).to_string())),
            },
        },
    };
    if utm_medium.as_deref().is_some_and(|m| matches!(m, "email" | "e-mail" | "e_mail" | "newsletter")) {
        source = Category::Email;
    }
    let medium = utm_medium.unwrap_or_else(|| source.medium().to_string());
    // A tagged link opened from a mail client has no referrer: no name.
    let name = if source == Category::Direct { None } else { name };
    Answer { source, name, medium }
}

/// Two hosts of one site: equal once `www.` is dropped.
fn same_site(a: &str, b: &str) -> bool {
    without_www(a) == without_www(b)
}

fn without_www(host: &str) -> &str {
    host.strip_prefix("www.").filter(|rest| !rest.is_empty()).unwrap_or(host)
}

/// Longest `utm_medium` kept, in characters.
const MAX_MEDIUM: usize = 64;

/// `utm_medium` as stored: trimmed, lowercased, without control
/// characters, at most [`MAX_MEDIUM`] characters; `None` when empty.
fn clean_medium(raw: &str) -> Option<String> {
    let medium: String =
        raw.trim().chars().filter(|c| !c.is_control()).take(MAX_MEDIUM).collect::<String>().to_lowercase();
    let medium = medium.trim().to_string();
    (!medium.is_empty()).then_some(medium)
}

waymark_plugin_sdk::register_analytics_enricher!(Referrer);
waymark_plugin_sdk::manifest!("../waymark.toml");

#[cfg(test)]
mod tests;

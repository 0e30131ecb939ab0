//! `interstitial`: link wrappers and "you are leaving this site" pages. They
//! answer 200 with a warning (or a bare page) instead of redirecting, and
//! carry the destination in a query parameter of their *own* URL:
//! Facebook's `/l.php?u=`, Google's `/url?q=`, VK's `/away.php?to=`,
//! YouTube's `/redirect?q=`, and the many `/out?url=`, `/go?to=` … kinds.
//! A parameter counts only when it decodes to an absolute http(s) URL, so a
//! site's own `/go?to=settings` is left alone.
//!
//! Failing that, a t.co-style page (a `<noscript>` meta refresh plus a
//! `location.replace("…")` script) is recognised by its body.

mod query;
mod tco;

use waymark_plugin_sdk::unshort_rule::*;

pub struct Interstitial;

/// The parameters most wrappers put their destination in, likeliest first.
/// `q` comes last: elsewhere it is usually a search query.
const GENERIC: &[&str] = &["url", "u", "to", "target", "dest", "destination", "link", "goto", "redirect", "q"];

/// Wrappers: last path segments (lowercased, `.php` and a trailing `/`
/// ignored, so `l` covers `/l.php`, `/l/` and `/l`) and the parameters, in
/// order of preference, that carry their destination.
const WRAPPERS: &[(&[&str], &[&str])] = &[
    (&["l"], &["u"]),
    (&["url"], &["q", "url"]),
    (&["away"], &["to"]),
    (&["redirect", "redir", "out", "go", "link", "leave", "exit", "linkfilter"], GENERIC),
];

impl UnshortRule for Interstitial {
    fn rules() -> Vec<Provided> {
        vec![provided("interstitial", "Interstitial page")]
    }

    fn detect(response: &HopResponse) -> Result<Option<NextHop>, String> {
        let found = wrapped_destination(&response.url).or_else(|| tco::destination(&body_text(response)));
        Ok(found.map(|url| next(&url, "Interstitial")))
    }
}

/// The destination a wrapper URL carries in its query, if it is one.
pub fn wrapped_destination(url: &str) -> Option<String> {
    let (path, query) = query::path_and_query(url);
    let segment = path.strip_suffix('/').unwrap_or(path).rsplit('/').next().unwrap_or_default().to_ascii_lowercase();
    let segment = segment.strip_suffix(".php").unwrap_or(&segment);
    let (_, names) = WRAPPERS.iter().find(|(segments, _)| segments.contains(&segment))?;
    names.iter().find_map(|name| {
        // The first occurrence of each parameter (name in any case) decides.
        let (_, value) = query::params(query).find(|(n, _)| n.eq_ignore_ascii_case(name))?;
        decode_destination(value)
    })
}

/// A parameter value as an absolute http(s) URL: percent-decoded once, or
/// twice when the wrapper encoded it twice (`https%253A%252F%252F…`).
fn decode_destination(value: &str) -> Option<String> {
    let once = query::percent_decode(value);
    if let Some(url) = query::absolute_http(&once) {
        return Some(url.to_string());
    }
    let twice = query::percent_decode(&once);
    query::absolute_http(&twice).map(str::to_string)
}

waymark_plugin_sdk::register_unshort_rule!(Interstitial);
waymark_plugin_sdk::manifest!("../waymark.toml");

#[cfg(test)]
mod tests;

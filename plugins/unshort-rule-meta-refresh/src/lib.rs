//! `meta-refresh`: a page that redirects declaratively, with
//! `<meta http-equiv="refresh" content="0; url=…">`, found the way a browser
//! finds it: any attribute order and quoting, tag and attribute names in any
//! case, inside `<noscript>` too, but not inside comments or scripts. (The
//! `Refresh` response header is the host's to follow, before any rule.)
//!
//! Like a browser, the *first valid* refresh tag decides, in document order.
//! A valid refresh of the page itself (a bare delay such as `content="30"`)
//! is no next hop, and later tags are not consulted — a browser ignores them
//! too. An invalid one (`content="x"`) is skipped. The delay is not judged:
//! `content="600;url=…"` still redirects.

mod refresh;

use refresh::Refresh;
use waymark_plugin_sdk::html;
use waymark_plugin_sdk::unshort_rule::*;

pub struct MetaRefresh;

/// Elements whose content a browser reads as text, not markup, so a `<meta>`
/// in them is no tag. `<noscript>` is not one: its refresh is the fallback
/// for clients without script (t.co pages rely on it), so it counts.
const RAW_TEXT: &[&str] = &["script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes"];

impl UnshortRule for MetaRefresh {
    fn rules() -> Vec<Provided> {
        vec![provided("meta-refresh", "Meta refresh")]
    }

    fn detect(response: &HopResponse) -> Result<Option<NextHop>, String> {
        let body = body_text(response);
        for tag in html::tags(&body, RAW_TEXT) {
            if !tag.is("meta") || !tag.attr("http-equiv").is_some_and(|v| v.trim().eq_ignore_ascii_case("refresh")) {
                continue;
            }
            let Some(content) = tag.attr("content") else { continue };
            if let Some(hop) = decide(refresh::parse(&content)) {
                return Ok(hop);
            }
        }
        Ok(None)
    }
}

/// The rule's answer for a parsed refresh, or `None` to keep looking (an
/// invalid value). A URL that stays on the page (`#top`) or runs script
/// (`javascript:…`) leads nowhere new: no next hop.
fn decide(refresh: Refresh<'_>) -> Option<Option<NextHop>> {
    match refresh {
        Refresh::Invalid => None,
        Refresh::SamePage => Some(None),
        Refresh::To(url) => Some(leaves_page(url).then(|| next(url, "Meta-Refresh"))),
    }
}

fn leaves_page(url: &str) -> bool {
    !url.starts_with('#') && !url.get(..11).is_some_and(|s| s.eq_ignore_ascii_case("javascript:"))
}

waymark_plugin_sdk::register_unshort_rule!(MetaRefresh);
waymark_plugin_sdk::manifest!("../waymark.toml");

#[cfg(test)]
mod tests;

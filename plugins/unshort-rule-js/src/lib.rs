//! `js-location`: a page whose script sends the visitor on to a string
//! literal: `location = "…"`, `location.href = '…'`, `location.replace("…")`,
//! `location.assign(…)`, `window.open(…)`, `window.navigate(…)`, also on
//! `window.`, `document.`, `self.`, `top.` or `parent.`. Looked for in the
//! inline `<script>` elements a browser would run and in `onload`
//! handlers, first match in document order. Comparisons, reads, computed
//! targets (`location.href = url`, `"…" + path`) and anything inside a
//! JavaScript or HTML comment are not navigation.

mod js;
mod literal;

use waymark_plugin_sdk::html;
use waymark_plugin_sdk::unshort_rule::*;

pub struct JsLocation;

/// Elements whose content a browser with scripting reads as text, not
/// markup. That includes `<noscript>`: a script inside it never runs.
const RAW_TEXT: &[&str] = &["script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript"];

impl UnshortRule for JsLocation {
    fn rules() -> Vec<Provided> {
        vec![provided("js-location", "JavaScript location change")]
    }

    fn detect(response: &HopResponse) -> Result<Option<NextHop>, String> {
        let body = body_text(response);
        for tag in html::tags(&body, RAW_TEXT) {
            // `onload` runs by itself; `onclick` and the like need a visitor.
            if let Some(url) = tag.attr("onload").and_then(|handler| js::navigation(&handler)) {
                return Ok(Some(next(&url, "JS")));
            }
            if tag.is("script")
                && runs_inline(&tag)
                && let Some(url) = tag.raw_text.and_then(js::navigation)
            {
                return Ok(Some(next(&url, "JS")));
            }
        }
        Ok(None)
    }
}

/// Whether a browser runs a `<script>` element's own text: not when it has
/// a `src` (the text is then ignored), nor when its `type` is data or a
/// template (`application/ld+json`, `text/template`, …).
fn runs_inline(tag: &html::Tag<'_>) -> bool {
    if tag.attr("src").is_some() {
        return false;
    }
    let Some(kind) = tag.attr("type") else { return true };
    let kind = kind.trim().to_ascii_lowercase();
    kind.is_empty()
        || kind == "module"
        || ["javascript", "ecmascript", "jscript", "livescript"].iter().any(|js| kind.contains(js))
}

waymark_plugin_sdk::register_unshort_rule!(JsLocation);
waymark_plugin_sdk::manifest!("../waymark.toml");

#[cfg(test)]
mod tests;

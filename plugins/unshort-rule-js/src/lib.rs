//! `js-location`: a page whose script sends the visitor on, with a string
//! literal as the target: `location = "…"`, `location.href = '…'`,
//! `location.replace("…")`, `location.assign(…)`, `window.open(…)`,
//! `window.navigate(…)`, on `window.`, `document.`, `self.`, `top.` or
//! `parent.` too. Comparisons, reads, computed targets and anything inside
//! a JavaScript comment are not navigation.

mod js;

use waymark_plugin_sdk::unshort_rule::*;

pub struct JsLocation;

impl UnshortRule for JsLocation {
    fn rules() -> Vec<Provided> {
        vec![provided("js-location", "JavaScript location change")]
    }

    fn detect(response: &HopResponse) -> Result<Option<NextHop>, String> {
        let body = body_text(response);
        let found = scripts(&body).find_map(js::navigation_target);
        Ok(found.map(|url| next(&url, "JS")))
    }
}

/// The text of every `<script>` element (without a `src`), in order, plus
/// inline event handlers such as `onload="…"`. A script cut off by the end
/// of the body still counts up to the cut.
fn scripts(html: &str) -> impl Iterator<Item = &str> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(open) = lower[at..].find("<script").map(|i| at + i) {
        let Some(tag_end) = lower[open..].find('>').map(|i| open + i + 1) else { break };
        let end = lower[tag_end..].find("</script").map_or(lower.len(), |i| tag_end + i);
        found.push((tag_end, end));
        at = end;
    }
    for marker in ["onload=", "onclick="] {
        let mut at = 0;
        while let Some(start) = lower[at..].find(marker).map(|i| at + i + marker.len()) {
            let quote = lower.as_bytes().get(start).copied();
            let end = match quote {
                Some(q @ (b'"' | b'\'')) => lower[start + 1..].find(q as char).map_or(lower.len(), |i| start + 1 + i),
                _ => lower[start..].find(['>', ' ']).map_or(lower.len(), |i| start + i),
            };
            let begin = if matches!(quote, Some(b'"' | b'\'')) { start + 1 } else { start };
            found.push((begin.min(end), end));
            at = end;
        }
    }
    found.into_iter().map(move |(start, end)| &html[start..end])
}

waymark_plugin_sdk::register_unshort_rule!(JsLocation);
waymark_plugin_sdk::manifest!("../waymark.toml");

#[cfg(test)]
mod tests {
    use super::*;

    /// The URL the rule finds in `body`, checking it reports `JS`.
    fn detect(body: &str) -> Option<String> {
        let hop = JsLocation::detect(&html_page("https://short.example/x", body)).unwrap()?;
        assert_eq!(hop.method, "JS");
        Some(hop.url)
    }

    #[test]
    fn navigation_patterns() {
        for (script, url) in [
            r#"window.location = "https://a.example/1";"#,
            r#"window.location.href='https://a.example/1'"#,
            r#"location.href = "https://a.example/1""#,
            r#"document.location = 'https://a.example/1';"#,
            r#"document.location.href="https://a.example/1""#,
            r#"top.location.replace("https://a.example/1")"#,
            r#"self.location.assign( 'https://a.example/1' )"#,
            r#"location.replace("https:\/\/a.example\/1")"#,
            r#"window.open("https://a.example/1", "_self")"#,
            r#"window.navigate('https://a.example/1')"#,
            r#"location = `https://a.example/1`;"#,
            r#"parent.location='https:\x2f\x2fa.example\u002f1'"#,
        ]
        .map(|s| (s, "https://a.example/1"))
        {
            assert_eq!(detect(&format!("<script>{script}</script>")).as_deref(), Some(url), "{script}");
        }
    }

    #[test]
    fn reads_comparisons_comments_and_computed_targets_are_not() {
        for script in [
            r#"if (location.href == "https://a.example/") {}"#,
            r#"if (window.location.href === 'x') {}"#,
            r#"if (location != "x") {}"#,
            "var here = location.href;",
            "location.href = target;",
            "location = `https://a.example/${id}`;",
            r#"// location.href = "https://a.example/old";"#,
            r#"/* window.location = "https://a.example/old"; */"#,
            r#"mylocation = "https://a.example/";"#,
        ] {
            assert_eq!(detect(&format!("<script>{script}</script>")), None, "{script}");
        }
    }

    #[test]
    fn the_first_literal_target_wins_after_skipped_ones() {
        let page = r#"<script>
            // location.href = "https://a.example/commented";
            var t = location.href;
            location.href = computed();
            setTimeout(function () { window.location.replace("https://a.example/real"); }, 0);
        </script>"#;
        assert_eq!(detect(page).as_deref(), Some("https://a.example/real"));
    }

    #[test]
    fn inline_handlers_and_plain_pages() {
        assert_eq!(detect(r#"<body onload="location.href='/go'">"#).as_deref(), Some("/go"));
        assert_eq!(detect("<p>location.href = 'not in a script'</p>"), None);
        assert_eq!(detect(r#"<script src="/app.js"></script>"#), None);
        assert_eq!(detect(r#"<script>location.replace("/cut"#), None, "unterminated literal");
        assert_eq!(detect(&"<p>x</p>".repeat(40_000)), None);
    }
}

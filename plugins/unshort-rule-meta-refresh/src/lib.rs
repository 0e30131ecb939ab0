//! `meta-refresh`: a page that redirects with
//! `<meta http-equiv="refresh" content="0; url=…">`, found the way a
//! browser finds it: any attribute order and quoting, tag and attribute
//! names in any case, inside `<noscript>` too, but not inside comments.
//! The `content` value is parsed like the HTML standard's declarative
//! refresh: a delay, an optional `;` or `,`, an optional `url=`, then the
//! URL, which may be quoted.

mod html;

use waymark_plugin_sdk::unshort_rule::*;

pub struct MetaRefresh;

impl UnshortRule for MetaRefresh {
    fn rules() -> Vec<Provided> {
        vec![provided("meta-refresh", "Meta refresh")]
    }

    fn detect(response: &HopResponse) -> Result<Option<NextHop>, String> {
        let body = body_text(response);
        let found = html::tags(&body, "meta").find_map(|attributes| {
            let equiv = html::attribute(&attributes, "http-equiv")?;
            if !equiv.trim().eq_ignore_ascii_case("refresh") {
                return None;
            }
            refresh_url(&html::attribute(&attributes, "content")?)
        });
        Ok(found.map(|url| next(&url, "Meta-Refresh")))
    }
}

/// The URL of a refresh `content` value; `None` for a bare delay (which
/// reloads the same page) or a value without a delay.
pub fn refresh_url(content: &str) -> Option<String> {
    let content = content.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let delay = content.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(content.len());
    if delay == 0 {
        return None;
    }
    // After the delay the standard skips whitespace, then one `;` or `,`,
    // then whitespace: so "0 https://x" works as well as "0; https://x".
    let mut rest = content[delay..].trim_start_matches(|c: char| c.is_ascii_whitespace());
    rest = rest.strip_prefix([';', ',']).unwrap_or(rest);
    rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
    if rest.len() >= 3 && rest.is_char_boundary(3) && rest[..3].eq_ignore_ascii_case("url") {
        let after = rest[3..].trim_start_matches(|c: char| c.is_ascii_whitespace());
        if let Some(after) = after.strip_prefix('=') {
            rest = after.trim_start_matches(|c: char| c.is_ascii_whitespace());
        }
    }
    let url = match rest.chars().next() {
        Some(quote @ ('\'' | '"')) => rest[1..].split(quote).next().unwrap_or_default(),
        _ => rest,
    };
    let url = url.trim();
    (!url.is_empty()).then(|| url.to_string())
}

waymark_plugin_sdk::register_unshort_rule!(MetaRefresh);
waymark_plugin_sdk::manifest!("../waymark.toml");

#[cfg(test)]
mod tests {
    use super::*;

    /// The URL the rule finds in `body`, checking it reports `Meta-Refresh`.
    fn detect(body: &str) -> Option<String> {
        let hop = MetaRefresh::detect(&html_page("https://short.example/x", body)).unwrap()?;
        assert_eq!(hop.method, "Meta-Refresh");
        Some(hop.url)
    }

    #[test]
    fn every_content_variant() {
        for (content, url) in [
            ("0;url=https://a.example/b", Some("https://a.example/b")),
            ("0; URL=https://a.example/b", Some("https://a.example/b")),
            ("0;URL='https://a.example/b'", Some("https://a.example/b")),
            ("0; url=\"https://a.example/b\"", Some("https://a.example/b")),
            ("  3 ; Url = /relative?x=1&y=2 ", Some("/relative?x=1&y=2")),
            ("0,https://a.example/b", Some("https://a.example/b")),
            ("0 https://a.example/b", Some("https://a.example/b")),
            ("1.5; url=/x", Some("/x")),
            ("0; url='/quoted' trailing", Some("/quoted")),
            ("5", None),
            ("url=/x", None),
            ("0; url=", None),
        ] {
            assert_eq!(refresh_url(content).as_deref(), url, "{content:?}");
        }
    }

    #[test]
    fn tags_in_any_spelling() {
        assert_eq!(detect(r#"<META HTTP-EQUIV="Refresh" CONTENT="0; URL=/up">"#).as_deref(), Some("/up"));
        assert_eq!(detect("<meta content='0;url=/b' http-equiv=refresh>").as_deref(), Some("/b"));
        assert_eq!(
            detect(r#"<meta http-equiv="refresh" content="0;url=/a?x=1&amp;y=2" />"#).as_deref(),
            Some("/a?x=1&y=2")
        );
        assert_eq!(
            detect(r#"<meta http-equiv="refresh" content="0; url=&#39;https://a.example/&#x2F;p&#39;">"#).as_deref(),
            Some("https://a.example//p")
        );
    }

    #[test]
    fn noscript_counts_and_comments_do_not() {
        let tco = r#"<head><noscript><META http-equiv="refresh" content="0;URL=https://dest.example/"></noscript>
            <title>https://dest.example/</title></head><script>window.opener = null; location.replace("https:\/\/dest.example\/")</script>"#;
        assert_eq!(detect(tco).as_deref(), Some("https://dest.example/"));
        let commented = r#"<!-- <meta http-equiv="refresh" content="0;url=/old"> --><p>hello</p>"#;
        assert_eq!(detect(commented), None);
        let both = r#"<!-- <meta http-equiv="refresh" content="0;url=/old"> --><meta http-equiv="refresh" content="0;url=/new">"#;
        assert_eq!(detect(both).as_deref(), Some("/new"));
    }

    #[test]
    fn other_metas_and_broken_pages_are_no_hop() {
        assert_eq!(detect(r#"<meta charset="utf-8"><meta name="refresh" content="0;url=/x">"#), None);
        assert_eq!(detect(r#"<meta http-equiv="refresh" content="30">"#), None);
        assert_eq!(detect(r#"<meta http-equiv="refresh" content="0;url=/cut"#), None, "cut off mid-tag");
        assert_eq!(detect("<metadata http-equiv=refresh content='0;url=/x'>"), None);
        assert_eq!(detect(""), None);
        assert_eq!(detect(&"<p>x</p>".repeat(40_000)), None);
    }
}

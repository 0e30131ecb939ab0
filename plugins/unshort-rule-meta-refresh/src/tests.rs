//! The rule end to end, on whole responses.

use super::*;
use std::time::{Duration, Instant};

fn response(headers: &[(&str, &str)], body: &[u8]) -> HopResponse {
    HopResponse {
        url: "https://short.example/x".into(),
        status: 200,
        headers: headers.iter().map(|(n, v)| Header { name: n.to_string(), value: v.to_string() }).collect(),
        body_prefix: body.to_vec(),
        truncated: false,
    }
}

/// The URL the rule finds in `body`, checking it reports `Meta-Refresh`.
fn detect(body: &str) -> Option<String> {
    detect_bytes(&[], body.as_bytes())
}

fn detect_bytes(headers: &[(&str, &str)], body: &[u8]) -> Option<String> {
    let hop = MetaRefresh::detect(&response(headers, body)).unwrap()?;
    assert_eq!(hop.method, "Meta-Refresh");
    assert!(!hop.url.is_empty() && hop.url.trim() == hop.url);
    Some(hop.url)
}

fn meta(content: &str) -> String {
    format!(r#"<html><head><meta http-equiv="refresh" content="{content}"></head><body>Redirecting…</body></html>"#)
}

#[test]
fn describes_its_rule() {
    let rules = MetaRefresh::rules();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].key, "meta-refresh");
}

#[test]
fn every_content_variant() {
    for (content, url) in [
        ("0;url=https://a/b", "https://a/b"),
        ("0; URL=https://a/b", "https://a/b"),
        ("0;URL='https://a/b'", "https://a/b"),
        ("0; url=&quot;https://a/b&quot;", "https://a/b"),
        ("  3 ; Url = /relative?x=1&amp;y=2 ", "/relative?x=1&y=2"),
        ("0,https://a/b", "https://a/b"),
        ("0 https://a/b", "https://a/b"),
        ("1.5; url=/x", "/x"),
        ("0;url=&#39;https://a/&#x2F;p&#47;q&#39;", "https://a//p/q"),
        ("0;url=https://a/?x=&lt;&gt;&apos;", "https://a/?x=<>'"),
    ] {
        assert_eq!(detect(&meta(content)).as_deref(), Some(url), "{content:?}");
    }
}

#[test]
fn tags_in_any_spelling_and_order() {
    assert_eq!(detect(r#"<META HTTP-EQUIV="Refresh" CONTENT="0; URL=/up">"#).as_deref(), Some("/up"));
    assert_eq!(detect("<meta content='0;url=/b' http-equiv=refresh>").as_deref(), Some("/b"));
    assert_eq!(detect("<meta\ncontent=0;url=/c\thttp-equiv=' Refresh '/>").as_deref(), Some("/c"));
    assert_eq!(detect(r#"<meta http-equiv="REFRESH" content="0;url=/d" />"#).as_deref(), Some("/d"));
}

#[test]
fn noscript_counts() {
    let tco = concat!(
        r#"<head><noscript><META http-equiv="refresh" content="0;URL=https://dest.example/"></noscript>"#,
        r#"<title>https://dest.example/</title></head><script>window.opener = null; "#,
        r#"location.replace("https:\/\/dest.example\/")</script>"#,
    );
    assert_eq!(detect(tco).as_deref(), Some("https://dest.example/"));
}

#[test]
fn comments_scripts_and_text_do_not() {
    let commented = r#"<!-- <meta http-equiv="refresh" content="0;url=/old"> --><p>hello</p>"#;
    assert_eq!(detect(commented), None);
    let both =
        r#"<!-- <meta http-equiv="refresh" content="0;url=/old"> --><meta http-equiv="refresh" content="0;url=/new">"#;
    assert_eq!(detect(both).as_deref(), Some("/new"));
    let scripted = r#"<script>var s = '<meta http-equiv="refresh" content="0;url=/js">';</script>"#;
    assert_eq!(detect(scripted), None);
    let text = concat!(
        r#"<title><meta http-equiv="refresh" content="0;url=/t"></title>"#,
        "<textarea><meta http-equiv=refresh content=0;url=/a></textarea>",
    );
    assert_eq!(detect(text), None);
    let quoted = r#"<a title='<meta http-equiv="refresh" content="0;url=/q">'>x</a>"#;
    assert_eq!(detect(quoted), None);
}

#[test]
fn first_valid_refresh_wins() {
    let two = format!("{}{}", meta("0;url=/first"), meta("0;url=/second"));
    assert_eq!(detect(&two).as_deref(), Some("/first"));
    // Invalid values are skipped, as browsers skip them.
    let invalid_first = format!("{}{}{}", meta(""), meta("soon"), meta("0;url=/valid"));
    assert_eq!(detect(&invalid_first).as_deref(), Some("/valid"));
    let no_content = format!(r#"<meta http-equiv="refresh">{}"#, meta("0;url=/valid"));
    assert_eq!(detect(&no_content).as_deref(), Some("/valid"));
    // A valid refresh of the page itself settles it: later tags are ignored.
    let reload_first = format!("{}{}", meta("30"), meta("0;url=/later"));
    assert_eq!(detect(&reload_first), None);
}

#[test]
fn no_hop_without_a_new_url() {
    for content in ["5", "0", "0;", "0; url=", "0;url=''", "0;url=#top", "0;url=javascript:go()", "0;url=JavaScript:x"]
    {
        assert_eq!(detect(&meta(content)), None, "{content:?}");
    }
}

#[test]
fn other_metas_are_no_hop() {
    assert_eq!(detect(r#"<meta charset="utf-8"><meta name="refresh" content="0;url=/x">"#), None);
    assert_eq!(detect(r#"<meta http-equiv="content-type" content="0;url=/x">"#), None);
    assert_eq!(detect(r#"<meta http-equiv="refreshing" content="0;url=/x">"#), None);
    assert_eq!(detect("<metadata http-equiv=refresh content='0;url=/x'>"), None);
    assert_eq!(detect("<p>meta http-equiv=refresh content=0;url=/x</p>"), None);
    assert_eq!(detect(""), None);
}

#[test]
fn a_body_cut_off_mid_tag_is_no_hop() {
    assert_eq!(detect(r#"<meta http-equiv="refresh" content="0;url=/cut"#), None);
    assert_eq!(detect(r#"<meta http-equiv="refresh" content="0;url=/cut""#), None);
    assert_eq!(detect(r#"<meta http-equiv="refresh" content=0;url=/cut"#), None);
    assert_eq!(detect("<meta http-equiv=\"refresh\" content=\"0;url=/cut\"><!-- unclosed").as_deref(), Some("/cut"));
}

#[test]
fn non_utf8_bytes_are_tolerated() {
    let body = b"<p>\xff\xfe\xc3</p><meta http-equiv=\"refresh\" content=\"0;url=/caf\xc3\xa9?\xff\">";
    assert_eq!(detect_bytes(&[], body).as_deref(), Some("/caf\u{e9}?\u{fffd}"));
    assert_eq!(detect_bytes(&[], b"<meta http-equiv=refresh content=\"0;url=/x\xc3"), None);
}

#[test]
fn the_refresh_header_is_left_to_the_host() {
    assert_eq!(detect_bytes(&[("Refresh", "0; url=/from-header")], b"<p>wait</p>"), None);
    let page = meta("0;url=/from-meta");
    assert_eq!(detect_bytes(&[("Refresh", "10")], page.as_bytes()).as_deref(), Some("/from-meta"));
}

/// Pathological 256 KiB bodies (what the host caps the prefix at) must be
/// scanned in linear time: a quadratic re-scan would take minutes here.
#[test]
fn large_bodies_scan_in_linear_time() {
    const SIZE: usize = 256 * 1024;
    let bodies = [
        "<p class=x>text</p>".repeat(SIZE / 19),
        r#"<meta name="viewport" content="width=device-width">"#.repeat(SIZE / 51),
        "<".repeat(SIZE),
        "<a".repeat(SIZE / 2),
        "<!-- -- - ".repeat(SIZE / 10),
        format!("<script>{}", "</scrip <".repeat(SIZE / 9)),
        format!("<meta content=\"{}", "&amp;".repeat(SIZE / 5)),
        format!("<meta {}", "a=b ".repeat(SIZE / 4)),
    ];
    let started = Instant::now();
    for body in &bodies {
        assert_eq!(detect(body), None);
    }
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
}

//! The rule end to end, on whole responses.

use super::*;

fn response(url: &str, body: &[u8]) -> HopResponse {
    HopResponse {
        url: url.into(),
        status: 200,
        headers: vec![Header { name: "Content-Type".into(), value: "text/html".into() }],
        body_prefix: body.to_vec(),
        truncated: false,
    }
}

/// The URL the rule finds for a warning page at `url`, checking it reports
/// `Interstitial`.
fn detect(url: &str) -> Option<String> {
    detect_page(url, b"<html><body><p>You are leaving this site.</p><a href=\"/\">Back</a></body></html>")
}

fn detect_page(url: &str, body: &[u8]) -> Option<String> {
    let hop = Interstitial::detect(&response(url, body)).unwrap()?;
    assert_eq!(hop.method, "Interstitial");
    assert!(!hop.url.is_empty() && hop.url.trim() == hop.url);
    Some(hop.url)
}

#[test]
fn describes_its_rule() {
    let rules = Interstitial::rules();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].key, "interstitial");
}

#[test]
fn known_wrappers() {
    for (url, dest) in [
        (
            "https://l.facebook.com/l.php?u=https%3A%2F%2Fdest.example%2Fp%3Fa%3D1%26b%3D2&h=AT0",
            "https://dest.example/p?a=1&b=2",
        ),
        ("https://lm.facebook.com/l/?u=https%3A%2F%2Fdest.example%2F", "https://dest.example/"),
        ("https://www.google.com/url?sa=t&q=https://dest.example/x&usg=AOv", "https://dest.example/x"),
        ("https://www.google.com/url?url=https%3A%2F%2Fdest.example%2F&rct=j", "https://dest.example/"),
        ("https://vk.com/away.php?to=https%3A%2F%2Fdest.example%2F&cc_key=", "https://dest.example/"),
        ("https://example.com/away?to=http://dest.example", "http://dest.example"),
        (
            "https://www.youtube.com/redirect?event=desc&redir_token=abc&q=https%3A%2F%2Fdest.example%2F",
            "https://dest.example/",
        ),
        ("https://example.com/redirect?url=https://dest.example/", "https://dest.example/"),
        ("https://example.com/redir?u=https://dest.example/", "https://dest.example/"),
        ("https://example.com/out?to=https://dest.example/", "https://dest.example/"),
        ("https://example.com/go?target=https://dest.example/", "https://dest.example/"),
        ("https://example.com/link?dest=https://dest.example/", "https://dest.example/"),
        ("https://example.com/leave?destination=https://dest.example/", "https://dest.example/"),
        ("https://example.com/exit?link=https://dest.example/", "https://dest.example/"),
        ("https://example.com/a/b/go/?goto=https://dest.example/", "https://dest.example/"),
        ("https://example.com/out.php?redirect=https://dest.example/", "https://dest.example/"),
        ("https://steamcommunity.com/linkfilter/?url=https://dest.example/", "https://dest.example/"),
        ("https://example.com/GO?URL=HTTPS://Dest.Example/", "HTTPS://Dest.Example/"),
        ("https://example.com/go?url=https://dest.example/#fragment-of-the-wrapper", "https://dest.example/"),
        ("https://example.com/go?url=https%3A%2F%2Fdest.example%2F%23frag", "https://dest.example/#frag"),
    ] {
        assert_eq!(detect(url).as_deref(), Some(dest), "{url}");
    }
}

#[test]
fn plus_stays_plus() {
    assert_eq!(
        detect("https://example.com/go?url=https://dest.example/?q=a+b").as_deref(),
        Some("https://dest.example/?q=a+b")
    );
    assert_eq!(
        detect("https://example.com/go?url=https%3A%2F%2Fdest.example%2F%3Fq%3Da%2Bb%20c").as_deref(),
        Some("https://dest.example/?q=a+b c")
    );
}

#[test]
fn double_encoded_destinations() {
    let url = "https://example.com/out?url=https%253A%252F%252Fdest.example%252Fp%253Fa%253D1";
    assert_eq!(detect(url).as_deref(), Some("https://dest.example/p?a=1"));
}

#[test]
fn preferred_parameter_first_then_the_next_candidate() {
    // `url` is preferred to `to`, wherever it sits in the query.
    assert_eq!(
        detect("https://e.example/go?to=https://b.example/&url=https://a.example/").as_deref(),
        Some("https://a.example/")
    );
    // A parameter that is no absolute http(s) URL is passed over.
    assert_eq!(
        detect("https://e.example/go?url=%2Flocal&to=https://b.example/").as_deref(),
        Some("https://b.example/")
    );
    assert_eq!(
        detect("https://www.google.com/url?q=search+terms&url=https://a.example/").as_deref(),
        Some("https://a.example/")
    );
    // Only the first occurrence of a parameter counts.
    assert_eq!(detect("https://e.example/go?url=settings&url=https://a.example/"), None);
}

#[test]
fn not_a_wrapper() {
    for url in [
        "https://example.com/",
        "https://example.com/page?url=https://dest.example/",
        "https://example.com/go",
        "https://example.com/go?",
        "https://example.com/go?to=settings",
        "https://example.com/go?url=/relative/path",
        "https://example.com/go?url=//dest.example/",
        "https://example.com/go?url=javascript:alert(1)",
        "https://example.com/go?url=ftp://dest.example/",
        "https://example.com/go?url=https://",
        "https://example.com/go?url=https%3A%2F%2F",
        "https://example.com/go?url=",
        "https://example.com/go?url",
        "https://example.com/go?redirect_uri=https://dest.example/",
        "https://example.com/l.php?url=https://dest.example/",
        "https://example.com/away.php?url=https://dest.example/",
        "https://example.com/url?u=https://dest.example/",
        "https://example.com/google?q=https://dest.example/",
        "https://example.com/golf?url=https://dest.example/",
        "https://example.com/go/elsewhere?url=https://dest.example/",
        "https://example.com/#/go?url=https://dest.example/",
        "not a url at all",
        "",
    ] {
        assert_eq!(detect(url), None, "{url}");
    }
}

#[test]
fn odd_encodings_are_tolerated() {
    assert_eq!(
        detect("https://example.com/go?url=https://dest.example/caf%C3%A9").as_deref(),
        Some("https://dest.example/café")
    );
    assert_eq!(
        detect("https://example.com/go?url=https://dest.example/%FF").as_deref(),
        Some("https://dest.example/\u{fffd}")
    );
    assert_eq!(
        detect("https://example.com/go?url=https://dest.example/%zz%").as_deref(),
        Some("https://dest.example/%zz%")
    );
    assert_eq!(
        detect("https://example.com/go?url=%20https://dest.example/%20").as_deref(),
        Some("https://dest.example/")
    );
}

#[test]
fn tco_pages_by_their_body() {
    let page = concat!(
        r#"<head><noscript><META http-equiv="refresh" content="0;URL=https://dest.example/"></noscript>"#,
        r#"<title>https://dest.example/</title></head>"#,
        r#"<script>window.opener = null; location.replace("https:\/\/dest.example\/")</script>"#,
    )
    .as_bytes();
    assert_eq!(detect_page("https://t.co/abc123", page).as_deref(), Some("https://dest.example/"));
    // The hop URL's query wins over the body.
    assert_eq!(
        detect_page("https://e.example/out?url=https://a.example/", page).as_deref(),
        Some("https://a.example/")
    );
    // A script without the noscript refresh is the `js-location` rule's job.
    let script_only = br#"<script>location.replace("https://dest.example/")</script>"#;
    assert_eq!(detect_page("https://t.co/abc123", script_only), None);
    assert_eq!(detect_page("https://t.co/abc123", b"\xff\xfe<noscript><meta http-equiv=refresh>\xc3"), None);
}

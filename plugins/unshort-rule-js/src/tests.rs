//! The rule end to end, on whole responses.

use super::*;
use std::time::{Duration, Instant};

fn response(body: &[u8]) -> HopResponse {
    HopResponse {
        url: "https://short.example/x".into(),
        status: 200,
        headers: vec![Header { name: "Content-Type".into(), value: "text/html".into() }],
        body_prefix: body.to_vec(),
        truncated: false,
    }
}

/// The URL the rule finds in `body`, checking it reports `JS`.
fn detect(body: &str) -> Option<String> {
    detect_bytes(body.as_bytes())
}

fn detect_bytes(body: &[u8]) -> Option<String> {
    let hop = JsLocation::detect(&response(body)).unwrap()?;
    assert_eq!(hop.method, "JS");
    assert!(!hop.url.is_empty() && hop.url.trim() == hop.url);
    Some(hop.url)
}

/// The URL found in a page with `code` as its only script.
fn script(code: &str) -> Option<String> {
    detect(&format!("<html><head><script>{code}</script></head><body>Redirecting…</body></html>"))
}

#[test]
fn describes_its_rule() {
    let rules = JsLocation::rules();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].key, "js-location");
}

#[test]
fn every_navigation_form() {
    for code in [
        r#"location = "https://a/b";"#,
        r#"location="https://a/b""#,
        r#"window.location = "https://a/b";"#,
        r#"document.location = 'https://a/b';"#,
        r#"self.location='https://a/b'"#,
        r#"top.location = "https://a/b""#,
        r#"parent.location = "https://a/b""#,
        r#"location.href = "https://a/b";"#,
        r#"window.location.href="https://a/b";"#,
        r#"document.location.href='https://a/b'"#,
        r#"window.top.location.href = 'https://a/b';"#,
        r#"location.replace("https://a/b");"#,
        r#"location.assign("https://a/b")"#,
        r#"window.location.replace('https://a/b');"#,
        r#"top.location.assign('https://a/b')"#,
        r#"window.open("https://a/b", "_self");"#,
        r#"window.open('https://a/b')"#,
        r#"window.navigate("https://a/b");"#,
        "location.href = `https://a/b`;",
        "window . location\n  .href\t=\n 'https://a/b' ;",
        "location /* c */ . /* d */ replace /* e */ ( /* f */ 'https://a/b' /* g */ )",
        r#"if (ok) { location.href = "https://a/b" }"#,
        r#"var x = location.replace("https://a/b");"#,
        "location.href = 'https://a/b'\nvar later = 1;",
        r#"setTimeout(function () { window.location.href = "https://a/b"; }, 3000);"#,
        r#"setTimeout(() => location.replace('https://a/b'), 0)"#,
        r#"setTimeout("location.href='https://a/b'", 1000);"#,
        r#"window.setTimeout('window.location = "https://a/b"', 0)"#,
        r#"location.href = "  https://a/b  ";"#,
    ] {
        assert_eq!(script(code).as_deref(), Some("https://a/b"), "{code}");
    }
}

#[test]
fn unescapes_the_literal() {
    assert_eq!(script(r#"location.replace("https:\/\/a\/b?x=1\u0026y=2")"#).as_deref(), Some("https://a/b?x=1&y=2"));
    assert_eq!(script(r"location.href = '\x2Frel\'s\\'").as_deref(), Some("/rel's\\"));
    assert_eq!(script(r"location = '/\u{1F600}'").as_deref(), Some("/😀"));
    assert_eq!(script("location = '/relative?a=1&b=2'").as_deref(), Some("/relative?a=1&b=2"));
}

#[test]
fn not_navigation() {
    for code in [
        r#"if (location.href == "https://a/b") {}"#,
        r#"if (location.href === 'https://a/b') {}"#,
        r#"if (location.href != "https://a/b") {}"#,
        r#"if (location !== "https://a/b") {}"#,
        "var a = location.href;",
        "var where = window.location;",
        "location.href = someVar;",
        r#"location.href = "https://a/" + path;"#,
        r#"location.href = "https://a/b".replace("a", "c");"#,
        r#"location.href = "https://a/b" ? x : y;"#,
        "location.href = 'https://a/b'\n+ suffix;",
        "location.href = 'https://a/b'\n(function () {})();",
        r##"location.href += "#more";"##,
        r#"location.hash = "https://a/b";"#,
        r#"location.pathname = "/b";"#,
        r#"foo.location = "https://a/b";"#,
        r#"this.location.href = "https://a/b";"#,
        r#"var location = "https://a/b";"#,
        r#"let location = "https://a/b";"#,
        r#"var o = { location: "https://a/b" };"#,
        r#"document.open("https://a/b");"#,
        r#"open("https://a/b");"#,
        r#"xlocation = "https://a/b";"#,
        r#"location.replace(url);"#,
        r#"location.replace("https://a/b" + x);"#,
        "location.href = `https://a/${path}`;",
        r#"location.href = "";"#,
        r#"location.href = "   ";"#,
        r##"location.href = "#top";"##,
        r#"location.href = "javascript:void(0)";"#,
        r#"location.href = "unterminated"#,
        "location.href = 'line\nbreak';",
        r#"location.href = '\xZZ';"#,
        r#"console.log("location.href = 'https://a/b'");"#,
        r#"var s = 'location.replace("https://a/b")';"#,
        r#"setTimeout(next, 1000);"#,
        r#"setTimeout("setTimeout(\"location='https://a/b'\")", 0)"#,
    ] {
        assert_eq!(script(code), None, "{code}");
    }
}

#[test]
fn comments_hide_navigation() {
    for code in [
        r#"// location.href = "https://a/b";"#,
        "/* location.href = 'https://a/b'; */",
        "/* multi\n line\n location.replace('https://a/b') */",
        "var u = 'http://x'; // location.href = 'https://a/b'",
        "<!-- location.href = 'https://a/b'",
        "\n--> location.href = 'https://a/b'",
        "/* unclosed location.href = 'https://a/b';",
    ] {
        assert_eq!(script(code), None, "{code}");
    }
    // A `//` inside a string or a regex is no comment.
    let after_string = "var u = 'http://example.com/'; location.href = 'https://a/b';";
    assert_eq!(script(after_string).as_deref(), Some("https://a/b"));
    let after_regex = r#"var ok = /"|'|\/\//.test(s); location.href = "https://a/b";"#;
    assert_eq!(script(after_regex).as_deref(), Some("https://a/b"));
    let division = r#"var half = total / 2; var q = "'"; location.href = "https://a/b";"#;
    assert_eq!(script(division).as_deref(), Some("https://a/b"));
    let old_style = "<!--\nlocation.href = 'https://a/b';\n//-->";
    assert_eq!(script(old_style).as_deref(), Some("https://a/b"));
}

#[test]
fn skips_non_literals_and_keeps_looking() {
    let code = r#"var t = location.href; if (t == "x") {} location.href = target; location.replace("/final");"#;
    assert_eq!(script(code).as_deref(), Some("/final"));
    assert_eq!(script("location.href = '';\nlocation.href = '/second';").as_deref(), Some("/second"));
    let mixed = "// location.href = \"/nowhere\";\n   if (location.href == \"x\") {} top.location = `/final`;";
    assert_eq!(script(mixed).as_deref(), Some("/final"));
}

#[test]
fn first_in_document_order_wins() {
    let page =
        r#"<script>var a = 1;</script><script>location.replace('/one')</script><script>location = '/two'</script>"#;
    assert_eq!(detect(page).as_deref(), Some("/one"));
    assert_eq!(script("if (x) location.href = '/a'; else location.href = '/b';").as_deref(), Some("/a"));
}

#[test]
fn only_scripts_a_browser_runs() {
    assert_eq!(detect("<p>location.href = '/text'</p>"), None);
    assert_eq!(detect("<!-- <script>location.href = '/c'</script> -->"), None);
    assert_eq!(detect("<noscript><script>location.href = '/n'</script></noscript>"), None);
    assert_eq!(detect("<textarea><script>location.href = '/t'</script></textarea>"), None);
    assert_eq!(detect(r#"<script src="/app.js">location.href = '/ignored'</script>"#), None);
    assert_eq!(detect(r#"<script type="application/ld+json">{"location": "x"}</script>"#), None);
    assert_eq!(detect(r#"<script type="text/template">location.href = '/tpl'</script>"#), None);
    assert_eq!(detect(r#"<SCRIPT TYPE="text/javascript">location.href='/js'</SCRIPT>"#).as_deref(), Some("/js"));
    assert_eq!(detect(r#"<script type=module>location.href='/m'</script>"#).as_deref(), Some("/m"));
    assert_eq!(detect(r#"<script type="">location.href='/e'</script>"#).as_deref(), Some("/e"));
    // The script's text ends at `</script`, even inside a string.
    assert_eq!(detect("<script>var s = '</script><p>location.href = \"/x\"</p>"), None);
}

#[test]
fn onload_handlers() {
    assert_eq!(detect(r#"<body onload="location.href='/loaded'">"#).as_deref(), Some("/loaded"));
    assert_eq!(detect(r#"<BODY ONLOAD='window.location.replace("/b")'>"#).as_deref(), Some("/b"));
    assert_eq!(detect(r#"<body onload="location.href=&quot;/q?a=1&amp;b=2&quot;">"#).as_deref(), Some("/q?a=1&b=2"));
    assert_eq!(detect(r#"<a onclick="location.href='/click'">x</a>"#), None);
    let order = r#"<body onload="location.href='/first'"><script>location.href='/second'</script>"#;
    assert_eq!(detect(order).as_deref(), Some("/first"));
}

#[test]
fn cut_off_and_broken_bodies() {
    assert_eq!(detect("<script>location.href = '/whole';"), Some("/whole".to_string()));
    assert_eq!(detect("<script>location.href = '/cut"), None);
    assert_eq!(detect("<script>location.replace('/cut'"), None);
    assert_eq!(detect("<body onload=\"location.href='/cut'"), None);
    assert_eq!(detect(""), None);
    assert_eq!(detect("<script></script>"), None);
    assert_eq!(detect("<script>location.href =</script>"), None);
}

#[test]
fn non_utf8_bytes_are_tolerated() {
    let body =
        b"<p>\xff\xfe</p><script>var s = '\xc3'; \xe9location = '/no'; location.href = '/caf\xc3\xa9\xff';</script>";
    assert_eq!(detect_bytes(body).as_deref(), Some("/caf\u{e9}\u{fffd}"));
    assert_eq!(detect_bytes(b"<script>location.href = '/x\xc3"), None);
}

/// Pathological 256 KiB bodies (what the host caps the prefix at) must be
/// scanned in linear time: a quadratic re-scan would take minutes here.
#[test]
fn large_bodies_scan_in_linear_time() {
    const SIZE: usize = 256 * 1024;
    let scripts = [
        "var a = location.href; ".repeat(SIZE / 23),
        "location.href = x; ".repeat(SIZE / 19),
        "location ".repeat(SIZE / 9),
        "location/* */".repeat(SIZE / 13),
        "window.".repeat(SIZE / 7),
        format!("location.href = {}", " ".repeat(SIZE)),
        format!("location.href = '{}", "a".repeat(SIZE)),
        format!("location.href = `{}", "\\n".repeat(SIZE / 2)),
        format!("location.href = /* {}", "*".repeat(SIZE)),
        format!("setTimeout('{}')", "location ".repeat(SIZE / 9)),
        "/".repeat(SIZE),
        "'\"`".repeat(SIZE / 3),
    ];
    let started = Instant::now();
    for code in &scripts {
        assert_eq!(script(code), None);
    }
    let tags = r#"<div onload="x" class=a>t</div>"#.repeat(SIZE / 32);
    assert_eq!(detect(&tags), None);
    assert_eq!(detect(&"<script>".repeat(SIZE / 8)), None);
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
}

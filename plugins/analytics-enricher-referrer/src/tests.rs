//! The enricher on referrers as browsers send them, and on garbage.

use super::*;

fn event(referrer: Option<&str>, url: &str) -> Event {
    Event {
        site_id: 1,
        session_id: "s".into(),
        user_id: None,
        ip: "192.0.2.1".into(),
        user_agent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0".into(),
        url: url.into(),
        referrer: referrer.map(str::to_string),
        screen: None,
        event_type: "pageview".into(),
        event_value: None,
        geo: Geo { country: None, subdivision: None, city: None, isp: None, asn: None },
    }
}

/// The fields set as `(source, source_name, medium)`, `-` for one left out.
fn enriched(referrer: Option<&str>, url: &str) -> (String, String, String) {
    let fields = Referrer::enrich(&event(referrer, url)).unwrap();
    for f in &fields {
        assert!(!f.value.trim().is_empty() && f.value.chars().count() <= 256, "{referrer:?}: {f:?}");
        assert!(!f.value.chars().any(char::is_control), "{referrer:?}: {f:?}");
    }
    let get = |name: &str| fields.iter().find(|f| f.name == name).map_or("-".to_string(), |f| f.value.clone());
    (get("source"), get("source_name"), get("medium"))
}

const PAGE: &str = "https://shop.example/products/42";

/// (referrer, page URL, source, source_name, medium)
const CASES: &[(Option<&str>, &str, &str, &str, &str)] = &[
    // Search engines.
    (Some("https://www.google.com/"), PAGE, "search", "Google", "organic"),
    (Some("https://www.google.co.uk/"), PAGE, "search", "Google", "organic"),
    (Some("https://google.de/search?q=x"), PAGE, "search", "Google", "organic"),
    (Some("android-app://com.google.android.googlequicksearchbox/"), PAGE, "search", "Google", "organic"),
    (Some("https://www.bing.com/search?q=waymark"), PAGE, "search", "Bing", "organic"),
    (Some("https://cn.bing.com/"), PAGE, "search", "Bing", "organic"),
    (Some("https://duckduckgo.com/"), PAGE, "search", "DuckDuckGo", "organic"),
    (Some("https://uk.search.yahoo.com/"), PAGE, "search", "Yahoo", "organic"),
    (Some("https://www.baidu.com/link?url=abc"), PAGE, "search", "Baidu", "organic"),
    (Some("https://yandex.ru/"), PAGE, "search", "Yandex", "organic"),
    (Some("https://www.ecosia.org/"), PAGE, "search", "Ecosia", "organic"),
    (Some("https://m.search.naver.com/search.naver?query=x"), PAGE, "search", "Naver", "organic"),
    (Some("https://www.sogou.com/"), PAGE, "search", "Sogou", "organic"),
    // Social networks.
    (Some("https://l.facebook.com/"), PAGE, "social", "Facebook", "social"),
    (Some("https://lm.facebook.com/l.php?u=x"), PAGE, "social", "Facebook", "social"),
    (Some("https://m.facebook.com/"), PAGE, "social", "Facebook", "social"),
    (Some("https://t.co/AbC123"), PAGE, "social", "Twitter", "social"),
    (Some("https://x.com/"), PAGE, "social", "Twitter", "social"),
    (Some("https://l.instagram.com/"), PAGE, "social", "Instagram", "social"),
    (Some("https://www.linkedin.com/"), PAGE, "social", "LinkedIn", "social"),
    (Some("https://lnkd.in/xyz"), PAGE, "social", "LinkedIn", "social"),
    (Some("https://old.reddit.com/r/rust/"), PAGE, "social", "Reddit", "social"),
    (Some("https://www.youtube.com/"), PAGE, "social", "YouTube", "social"),
    (Some("https://www.tiktok.com/"), PAGE, "social", "TikTok", "social"),
    (Some("https://www.pinterest.co.uk/"), PAGE, "social", "Pinterest", "social"),
    (Some("https://weibo.com/"), PAGE, "social", "Weibo", "social"),
    (Some("https://news.ycombinator.com/item?id=1"), PAGE, "social", "Hacker News", "social"),
    // Webmail, and mail that sends no referrer but tags the link.
    (Some("https://mail.google.com/"), PAGE, "email", "Gmail", "email"),
    (Some("https://outlook.live.com/"), PAGE, "email", "Outlook", "email"),
    (Some("https://mail.yahoo.com/d/folders/1"), PAGE, "email", "Yahoo Mail", "email"),
    (Some("android-app://com.google.android.gm/"), PAGE, "email", "Gmail", "email"),
    (None, "https://shop.example/?utm_source=newsletter&utm_medium=email", "email", "-", "email"),
    (None, "https://shop.example/?utm_medium=Newsletter", "email", "-", "newsletter"),
    // Direct: nothing, or the site itself.
    (None, PAGE, "direct", "-", "(none)"),
    (Some(""), PAGE, "direct", "-", "(none)"),
    (Some("https://shop.example/cart"), PAGE, "direct", "-", "(none)"),
    (Some("https://www.shop.example/"), PAGE, "direct", "-", "(none)"),
    (Some("http://SHOP.EXAMPLE:8080/"), PAGE, "direct", "-", "(none)"),
    // Other sites.
    (Some("https://www.example.org/blog/post"), PAGE, "other", "example.org", "referral"),
    (Some("https://blog.shop.example/"), PAGE, "other", "blog.shop.example", "referral"),
    (Some("https://docs.google.com/document/d/1"), PAGE, "other", "docs.google.com", "referral"),
    (Some("https://user:pw@Forum.Example.NET.:443/t/1"), PAGE, "other", "forum.example.net", "referral"),
    (Some("example.net/page"), PAGE, "other", "example.net", "referral"),
    (Some("https://webmail.example.org/"), PAGE, "email", "webmail.example.org", "email"),
    // utm_medium wins the medium; paid keeps the referrer's category.
    (Some("https://www.google.com/"), "https://shop.example/?utm_medium=cpc", "search", "Google", "cpc"),
    (
        Some("https://www.facebook.com/"),
        "https://shop.example/?utm_medium=paid%20social",
        "social",
        "Facebook",
        "paid social",
    ),
    (Some("https://t.co/x"), "https://shop.example/?utm_medium=email", "email", "Twitter", "email"),
    (None, "https://shop.example/?utm_medium=", "direct", "-", "(none)"),
    // Garbage.
    (Some("not a url"), PAGE, "other", "-", "referral"),
    (Some("https://"), PAGE, "other", "-", "referral"),
    (Some("about:blank"), PAGE, "other", "-", "referral"),
    (Some("javascript:alert(1)"), PAGE, "other", "-", "referral"),
    (Some("https://exa mple.com/"), PAGE, "other", "-", "referral"),
    (Some("ht tp://x"), "::::", "other", "-", "referral"),
];

#[test]
fn referrers() {
    let mut wrong = Vec::new();
    for &(referrer, url, source, name, medium) in CASES {
        let expected = (source.to_string(), name.to_string(), medium.to_string());
        let got = enriched(referrer, url);
        if got != expected {
            wrong.push(format!("{referrer:?} on {url}\n  expected {expected:?}\n  got      {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{} of {} wrong:\n{}", wrong.len(), CASES.len(), wrong.join("\n"));
    assert!(CASES.len() >= 20);
}

#[test]
fn the_hosts_sample_event_is_direct() {
    assert_eq!(enriched(None, "https://example.com/"), ("direct".into(), "-".into(), "(none)".into()));
}

#[test]
fn garbage_never_panics_nor_fails() {
    let long = format!("https://{}.com/", "a".repeat(300));
    let odd = [
        "%",
        "%%%",
        "?utm_medium=%zz",
        "https://[::1",
        "https://[::1]:8080/",
        "https://é.example/",
        "\u{0}://x",
        "a://",
        "//",
        "https://host:port/",
        "https://.example/",
        "https://a..b/",
        "☃",
        &long,
    ];
    for text in odd {
        enriched(Some(text), text);
        enriched(Some(text), &format!("https://shop.example/?utm_medium={text}"));
    }
}

#[test]
fn utm_medium_is_decoded_and_bounded() {
    let long = format!("https://shop.example/?utm_medium={}", "x".repeat(500));
    assert_eq!(enriched(None, &long).2.len(), 64);
    assert_eq!(enriched(None, "https://shop.example/?a=1&UTM_MEDIUM=Social+Ads#top").2, "social ads");
    assert_eq!(enriched(None, "https://shop.example/?utm_medium=%E2%9C%89%0Amail").2, "✉mail");
}

#[test]
fn describes_its_enricher() {
    let provided = Referrer::enrichers();
    assert_eq!(provided.len(), 1);
    assert_eq!(provided[0].key, "referrer");
}

#[test]
fn manifest_is_accepted() {
    waymark_plugin_sdk::manifest::check(include_str!("../waymark.toml")).unwrap();
}

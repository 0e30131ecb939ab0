//! The enricher on real user agents, as browsers, apps and bots send them.

use super::*;
use std::time::Instant;

fn event(user_agent: &str) -> Event {
    Event {
        site_id: 1,
        session_id: "s".into(),
        user_id: None,
        ip: "192.0.2.1".into(),
        user_agent: user_agent.into(),
        url: "https://example.com/".into(),
        referrer: None,
        screen: None,
        event_type: "pageview".into(),
        event_value: None,
        geo: Geo { country: None, subdivision: None, city: None, isp: None, asn: None },
    }
}

/// The fields set for `ua` as `(device, browser, os, is_bot)`, `-` for a
/// field left out.
fn enriched(ua: &str) -> (String, String, String, String) {
    let fields = UserAgent::enrich(&event(ua)).unwrap();
    let get = |name: &str| fields.iter().find(|f| f.name == name).map_or("-".to_string(), |f| f.value.clone());
    for f in &fields {
        assert!(!f.value.trim().is_empty() && f.value.chars().count() <= 256, "{ua}: {f:?}");
        assert!(!f.value.chars().any(char::is_control), "{ua}: {f:?}");
    }
    (get("device"), get("browser"), get("os"), get("is_bot"))
}

/// (user agent, device, browser, os, is_bot)
const CASES: &[(&str, &str, &str, &str, &str)] = &[
    // Desktop browsers.
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "desktop",
        "Chrome 126",
        "Windows 10",
        "false",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "desktop",
        "Firefox 128",
        "Windows 10",
        "false",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.0.0",
        "desktop",
        "Edge 125",
        "Windows 10",
        "false",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0",
        "desktop",
        "Opera 110",
        "Windows 10",
        "false",
    ),
    (
        "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36",
        "desktop",
        "Chrome 109",
        "Windows 7",
        "false",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
        "desktop",
        "Internet Explorer 11",
        "Windows 10",
        "false",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "desktop",
        "Safari 17",
        "macOS",
        "false",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "desktop",
        "Chrome 126",
        "macOS",
        "false",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:128.0) Gecko/20100101 Firefox/128.0",
        "desktop",
        "Firefox 128",
        "macOS",
        "false",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.2 Safari/605.1.15",
        "desktop",
        "Safari 13",
        "macOS 10.13",
        "false",
    ),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "desktop",
        "Chrome 126",
        "Linux",
        "false",
    ),
    (
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
        "desktop",
        "Firefox 127",
        "Linux",
        "false",
    ),
    (
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "desktop",
        "Chrome 126",
        "ChromeOS",
        "false",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 YaBrowser/24.6.0.0 Safari/537.36",
        "desktop",
        "Yandex Browser 24",
        "Windows 10",
        "false",
    ),
    // Phones.
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "mobile",
        "Safari 17",
        "iOS 17",
        "false",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
        "mobile",
        "Chrome 126",
        "iOS 17",
        "false",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_7_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15",
        "mobile",
        "Firefox 127",
        "iOS 16",
        "false",
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
        "mobile",
        "Chrome 126",
        "Android",
        "false",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
        "mobile",
        "Samsung Internet 25",
        "Android 14",
        "false",
    ),
    (
        "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0",
        "mobile",
        "Firefox 128",
        "Android 14",
        "false",
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36 EdgA/125.0.0.0",
        "mobile",
        "Edge 125",
        "Android",
        "false",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.71 Mobile Safari/537.36",
        "mobile",
        "Android WebView 126",
        "Android 13",
        "false",
    ),
    // In-app browsers.
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.44.108;FBBV/612474390;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.5.1;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/614237040]",
        "mobile",
        "Facebook 470",
        "iOS 17",
        "false",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240605.024; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.71 Mobile Safari/537.36 Instagram 337.0.0.37.96 Android (34/14; 420dpi; 1080x2400; Google/google; Pixel 8; shiba; shiba; en_US; 614151330)",
        "mobile",
        "Instagram 337",
        "Android 14",
        "false",
    ),
    // Tablets.
    (
        "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "tablet",
        "Safari 17",
        "iOS 17",
        "false",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "tablet",
        "Chrome 126",
        "Android 14",
        "false",
    ),
    (
        "Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/126.3.1 like Chrome/126.0.6478.186 Safari/537.36",
        "tablet",
        "Amazon Silk 126",
        "Android 11",
        "false",
    ),
    // Televisions and consoles.
    (
        "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) 76.0.3809.146/6.0 TV Safari/537.36",
        "tv",
        "-",
        "Tizen",
        "false",
    ),
    (
        "Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/87.0.4280.88 Safari/537.36 WebAppManager",
        "tv",
        "Chrome 87",
        "webOS",
        "false",
    ),
    (
        "Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7633) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.186 Mobile Safari/537.36",
        "tv",
        "Chrome 126",
        "Android 9",
        "false",
    ),
    (
        "Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 Safari/605.1.15",
        "console",
        "Safari 13",
        "PlayStation 5",
        "false",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Safari/537.36 Edge/44.18363.8131",
        "console",
        "Edge 44",
        "Xbox",
        "false",
    ),
    // Bots and tools.
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "bot", "Googlebot 2", "-", "true"),
    (
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "bot",
        "Googlebot 2",
        "Android 6",
        "true",
    ),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
        "bot",
        "Bingbot 2",
        "-",
        "true",
    ),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.6478.126 Safari/537.36",
        "bot",
        "Headless Chrome 126",
        "Linux",
        "true",
    ),
    ("curl/8.4.0", "bot", "curl 8", "-", "true"),
    ("python-requests/2.31.0", "bot", "python-requests 2", "-", "true"),
    (
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "bot",
        "Facebook crawler 1",
        "-",
        "true",
    ),
    ("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", "bot", "AhrefsBot 7", "-", "true"),
    ("Mozilla/5.0 (compatible; Example crawler)", "bot", "-", "-", "true"),
    ("Wget/1.21.4", "bot", "Wget 1", "-", "true"),
    // Nothing to go on.
    ("", "bot", "-", "-", "true"),
    ("Mozilla/5.0", "other", "-", "-", "false"),
];

#[test]
fn real_user_agents() {
    let mut wrong = Vec::new();
    for &(ua, device, browser, os, bot) in CASES {
        let expected = (device.to_string(), browser.to_string(), os.to_string(), bot.to_string());
        let got = enriched(ua);
        if got != expected {
            wrong.push(format!("{ua}\n  expected {expected:?}\n  got      {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{} of {} wrong:\n{}", wrong.len(), CASES.len(), wrong.join("\n"));
    assert!(CASES.len() >= 25);
}

#[test]
fn mozilla_never_names_a_browser() {
    for &(ua, ..) in CASES {
        let (_, browser, _, _) = enriched(ua);
        assert!(!browser.contains("Mozilla"), "{ua}: {browser}");
    }
}

#[test]
fn the_hosts_sample_event_is_answered() {
    let ua = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    assert_eq!(enriched(ua), ("desktop".into(), "Firefox 128".into(), "Linux".into(), "false".into()));
}

#[test]
fn garbage_is_answered_without_panicking() {
    let long = "Mozilla/5.0 (".repeat(2000);
    let odd = [
        "\u{0}\u{1}",
        "é/ü",
        "Chrome/",
        "Windows NT ",
        "Android",
        "Mac OS X ",
        "Version/x Safari/",
        "x/9999999999",
        &long,
    ];
    for ua in odd {
        let (device, browser, ..) = enriched(ua);
        assert!(!device.is_empty() && browser.chars().count() <= 64, "{ua:?}");
    }
}

#[test]
fn describes_its_enricher() {
    let provided = UserAgent::enrichers();
    assert_eq!(provided.len(), 1);
    assert_eq!(provided[0].key, "user-agent");
}

#[test]
fn manifest_is_accepted() {
    waymark_plugin_sdk::manifest::check(include_str!("../waymark.toml")).unwrap();
}

/// Not a benchmark: a guard that one event stays in microseconds once the
/// bot list is compiled (debug builds are slower, hence the loose bound).
#[test]
fn enriching_is_fast_once_warm() {
    enriched(CASES[0].0);
    let start = Instant::now();
    let rounds = 20;
    for _ in 0..rounds {
        for &(ua, ..) in CASES {
            UserAgent::enrich(&event(ua)).unwrap();
        }
    }
    let per_event = start.elapsed() / (rounds * CASES.len() as u32);
    assert!(per_event.as_micros() < 2_000, "{per_event:?} per event");
}

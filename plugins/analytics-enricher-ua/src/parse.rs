//! A compact user-agent parser: a handful of ordered token searches.
//!
//! Order matters because user agents imitate each other: Edge and Opera
//! say `Chrome/…`, Chrome says `Safari/…`, everyone says `Mozilla/5.0`. So
//! the most specific token is looked for first and `Mozilla` never names a
//! browser.

/// What kind of device sent the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Device {
    Desktop,
    Mobile,
    Tablet,
    Bot,
    Tv,
    Console,
    Other,
}

impl Device {
    pub fn as_str(self) -> &'static str {
        match self {
            Device::Desktop => "desktop",
            Device::Mobile => "mobile",
            Device::Tablet => "tablet",
            Device::Bot => "bot",
            Device::Tv => "tv",
            Device::Console => "console",
            Device::Other => "other",
        }
    }
}

/// One user agent, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub device: Device,
    pub browser: Option<String>,
    pub os: Option<String>,
}

/// Longest browser or OS value written, in characters; names taken from
/// the user agent itself (a bot's product token) are cut to it.
const MAX_NAME: usize = 64;

/// Parses `ua`; `bot` (the bot list's verdict) makes the device `bot`.
pub fn parse(ua: &str, bot: bool) -> Parsed {
    let os = os(ua);
    let device = if bot { Device::Bot } else { device(ua) };
    let browser = browser(ua).or_else(|| bot.then(|| product(ua)).flatten());
    Parsed { device, browser, os }
}

/// Crawlers worth naming, by the token they put in their user agent (in
/// lowercase: crawlers are inconsistent about case) and the name a person
/// reads. Other bots get their product token (`product`).
const CRAWLERS: &[(&str, &str)] = &[
    ("googlebot-image/", "Googlebot Image"),
    ("googlebot/", "Googlebot"),
    ("google-inspectiontool/", "Google Inspection Tool"),
    ("adsbot-google", "AdsBot Google"),
    ("mediapartners-google", "Google AdSense"),
    ("bingbot/", "Bingbot"),
    ("bingpreview/", "Bing Preview"),
    ("duckduckbot/", "DuckDuckBot"),
    ("yandexbot/", "YandexBot"),
    ("baiduspider/", "Baiduspider"),
    ("applebot/", "Applebot"),
    ("facebookexternalhit/", "Facebook crawler"),
    ("meta-externalagent/", "Meta crawler"),
    ("twitterbot/", "Twitterbot"),
    ("linkedinbot/", "LinkedInBot"),
    ("slackbot", "Slackbot"),
    ("discordbot/", "Discordbot"),
    ("ahrefsbot/", "AhrefsBot"),
    ("semrushbot/", "SemrushBot"),
    ("petalbot", "PetalBot"),
    ("gptbot/", "GPTBot"),
    ("claudebot/", "ClaudeBot"),
    ("chrome-lighthouse", "Lighthouse"),
    ("headlesschrome/", "Headless Chrome"),
];

/// Browsers by their own token, most specific first, with the name a
/// person reads. `Chrome/` comes after every Chromium browser that also
/// says it, `Safari` (handled in `browser`) after all of them.
const BROWSERS: &[(&str, &str)] = &[
    ("FBAV/", "Facebook"),
    ("Instagram ", "Instagram"),
    ("musical_ly_", "TikTok"),
    ("Line/", "LINE"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("EdgA/", "Edge"),
    ("EdgiOS/", "Edge"),
    ("Edg/", "Edge"),
    ("Edge/", "Edge"),
    ("OPR/", "Opera"),
    ("OPT/", "Opera"),
    ("OPiOS/", "Opera"),
    ("YaBrowser/", "Yandex Browser"),
    ("Vivaldi/", "Vivaldi"),
    ("UCBrowser/", "UC Browser"),
    ("Silk/", "Amazon Silk"),
    ("MiuiBrowser/", "MIUI Browser"),
    ("DuckDuckGo/", "DuckDuckGo"),
    ("CriOS/", "Chrome"),
    ("FxiOS/", "Firefox"),
    ("Firefox/", "Firefox"),
    ("Chromium/", "Chromium"),
    ("NintendoBrowser/", "Nintendo Browser"),
];

fn browser(ua: &str) -> Option<String> {
    let lower = ua.to_ascii_lowercase();
    for (token, name) in CRAWLERS {
        if let Some(at) = lower.find(token) {
            return Some(named(name, major_after(ua, at + token.len())));
        }
    }
    for (token, name) in BROWSERS {
        if let Some(at) = ua.find(token) {
            return Some(named(name, major_after(ua, at + token.len())));
        }
    }
    if let Some(at) = ua.find("Chrome/") {
        let version = major_after(ua, at + "Chrome/".len());
        // An Android app's embedded view says `; wv)` (Chrome's own rule).
        let name = if ua.contains("; wv)") { "Android WebView" } else { "Chrome" };
        return Some(named(name, version));
    }
    if let (true, Some(at)) = (ua.contains("Safari/"), ua.find("Version/")) {
        // Safari says `Version/17.5 … Safari/605.1.15`; a TV's or an app's
        // WebKit view says `Safari/` without `Version/` and is no Safari.
        return Some(named("Safari", major_after(ua, at + "Version/".len())));
    }
    if let Some(at) = ua.find("Opera/") {
        // Presto Opera: `Opera/9.80 … Version/12.16`, the real version last.
        let version = ua.find("Version/").map_or(at + "Opera/".len(), |v| v + "Version/".len());
        return Some(named("Opera", major_after(ua, version)));
    }
    if let Some(at) = ua.find("MSIE ") {
        return Some(named("Internet Explorer", major_after(ua, at + "MSIE ".len())));
    }
    if ua.contains("Trident/") {
        let version = ua.find("rv:").and_then(|at| major_after(ua, at + "rv:".len()));
        return Some(named("Internet Explorer", version));
    }
    None
}

/// A bot without a known name: its first product token (`curl/8.4.0` →
/// `curl 8`), or in `Mozilla/5.0 (compatible; SomeBot/1.0; …)` the comment's
/// first `name/version` that is not Mozilla's.
fn product(ua: &str) -> Option<String> {
    let candidates = ua
        .split([' ', ';', '(', ')', ','])
        .filter(|token| token.contains('/') && !token.starts_with("Mozilla/") && !token.starts_with("+http"));
    for token in candidates {
        let Some((name, version)) = token.split_once('/') else { continue };
        let name: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c)).collect();
        if !name.is_empty() && !name.contains("http") {
            return Some(named(&name, leading_number(version)));
        }
    }
    let word: String = ua.chars().take_while(|c| c.is_ascii_alphanumeric() || "._-".contains(*c)).collect();
    (!word.is_empty() && word != "Mozilla").then(|| named(&word, None))
}

fn os(ua: &str) -> Option<String> {
    if ua.contains("Windows Phone") {
        return Some("Windows Phone".into());
    }
    if ua.contains("Xbox") {
        return Some("Xbox".into());
    }
    if let Some(at) = ua.find("PlayStation ") {
        let model = major_after(ua, at + "PlayStation ".len());
        return Some(named("PlayStation", model));
    }
    if ua.contains("Nintendo Switch") {
        return Some("Nintendo Switch".into());
    }
    if let Some(at) = ua.find("Windows NT ") {
        let version = &ua[at + "Windows NT ".len()..];
        let name = match version.get(..4).unwrap_or(version) {
            v if v.starts_with("10.0") => "Windows 10",
            "6.3;" | "6.3)" => "Windows 8.1",
            "6.2;" | "6.2)" => "Windows 8",
            "6.1;" | "6.1)" => "Windows 7",
            "6.0;" | "6.0)" => "Windows Vista",
            v if v.starts_with("5.1") || v.starts_with("5.2") => "Windows XP",
            _ => "Windows",
        };
        return Some(name.into());
    }
    if ua.contains("Windows") {
        return Some("Windows".into());
    }
    for device in ["iPhone", "iPad", "iPod"] {
        if ua.contains(device) {
            // `CPU iPhone OS 17_5 like Mac OS X`, `CPU OS 17_5` on an iPad.
            let version = ua.find(" OS ").and_then(|at| major_after(ua, at + " OS ".len()));
            return Some(named("iOS", version));
        }
    }
    if ua.contains("CrOS ") {
        return Some("ChromeOS".into());
    }
    if ua.contains("KAIOS") || ua.contains("KaiOS") {
        return Some("KaiOS".into());
    }
    if let Some(at) = ua.find("Android") {
        // Chrome's reduced user agent freezes `Android 10; K`: no version.
        if ua.contains("Android 10; K)") {
            return Some("Android".into());
        }
        let rest = ua[at + "Android".len()..].trim_start_matches([' ', '/']);
        return Some(named("Android", leading_number(rest)));
    }
    if let Some(at) = ua.find("Mac OS X ") {
        return Some(mac_os(&ua[at + "Mac OS X ".len()..]));
    }
    if ua.contains("Macintosh") {
        return Some("macOS".into());
    }
    if ua.contains("Tizen") {
        return Some("Tizen".into());
    }
    if ua.contains("Web0S") || ua.contains("webOS") {
        return Some("webOS".into());
    }
    if ua.contains("FreeBSD") {
        return Some("FreeBSD".into());
    }
    if ua.contains("Linux") || ua.contains("X11") {
        return Some("Linux".into());
    }
    None
}

/// Every current browser says `10_15_7` (or `10.15`) whatever the real
/// version: that is just `macOS`. Older ones tell the truth.
fn mac_os(version: &str) -> String {
    let mut parts = version.split(['_', '.', ';', ')', ' ']);
    let major = parts.next().and_then(|p| p.parse::<u32>().ok());
    let minor = parts.next().and_then(|p| p.parse::<u32>().ok());
    match (major, minor) {
        (Some(10), Some(minor)) if minor < 15 => format!("macOS 10.{minor}"),
        (Some(major), _) if (11..100).contains(&major) => format!("macOS {major}"),
        _ => "macOS".into(),
    }
}

fn device(ua: &str) -> Device {
    const TV: &[&str] = &[
        "SmartTV",
        "SMART-TV",
        "Smart TV",
        "SmartTv",
        "HbbTV",
        "GoogleTV",
        "Android TV",
        "AndroidTV",
        "AppleTV",
        "Apple TV",
        "CrKey",
        "Roku",
        "BRAVIA",
        "NetCast",
        "Web0S",
        "webOS.TV",
        "Tizen TV",
        "; AFT",
        "FireTV",
    ];
    const CONSOLE: &[&str] = &["PlayStation", "Xbox", "Nintendo"];
    const TABLET: &[&str] = &["iPad", "Tablet", "tablet", "Kindle", "Silk/", "PlayBook"];
    const MOBILE: &[&str] =
        &["iPhone", "iPod", "Mobile", "Windows Phone", "Opera Mini", "KAIOS", "KaiOS", "BlackBerry"];
    const DESKTOP: &[&str] = &["Windows", "Macintosh", "CrOS ", "X11", "Linux"];
    let has = |tokens: &[&str]| tokens.iter().any(|t| ua.contains(t));
    if has(TV) {
        Device::Tv
    } else if has(CONSOLE) {
        Device::Console
    } else if has(TABLET) {
        Device::Tablet
    } else if has(MOBILE) {
        Device::Mobile
    } else if ua.contains("Android") {
        // Android browsers say `Mobile` on phones and leave it out on tablets.
        Device::Tablet
    } else if has(DESKTOP) {
        Device::Desktop
    } else {
        Device::Other
    }
}

/// `name` with `version`, e.g. `Chrome 126`; cut to [`MAX_NAME`].
fn named(name: &str, version: Option<&str>) -> String {
    let text = match version {
        Some(version) => format!("{name} {version}"),
        None => name.to_string(),
    };
    text.chars().take(MAX_NAME).collect()
}

/// The major version right after byte `at` (e.g. `126` of `126.0.0.0`).
fn major_after(ua: &str, at: usize) -> Option<&str> {
    leading_number(ua.get(at..)?)
}

/// The leading run of ASCII digits, if any (at most 6 of them).
fn leading_number(text: &str) -> Option<&str> {
    let end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    (end > 0 && end <= 6).then(|| &text[..end])
}

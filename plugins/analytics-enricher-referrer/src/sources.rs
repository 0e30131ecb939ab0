//! Known referrer hosts: search engines, social networks and webmail, each
//! with the name a person reads.

/// A traffic source's category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Search,
    Social,
    Email,
    Direct,
    Other,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Search => "search",
            Category::Social => "social",
            Category::Email => "email",
            Category::Direct => "direct",
            Category::Other => "other",
        }
    }

    /// The medium a source of this category has when no `utm_medium` says.
    pub fn medium(self) -> &'static str {
        match self {
            Category::Search => "organic",
            Category::Social => "social",
            Category::Email => "email",
            Category::Direct => "(none)",
            Category::Other => "referral",
        }
    }
}

/// A recognised referrer host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub category: Category,
    pub name: String,
}

use Category::{Email, Search, Social};

/// The known hosts, first match wins (so webmail comes before its search
/// engine). An entry `example.com` matches that host and its subdomains;
/// `brand.*` matches `brand` under any country domain (`google.de`,
/// `google.co.uk`), bare or behind `www.`/`m.` only, so `docs.google.com` is
/// no search. Android apps send `android-app://<package>`: their package is
/// the host.
pub const SOURCES: &[(&str, Category, &str)] = &[
    // Webmail.
    ("mail.google.com", Email, "Gmail"),
    ("com.google.android.gm", Email, "Gmail"),
    ("outlook.live.com", Email, "Outlook"),
    ("outlook.office.com", Email, "Outlook"),
    ("outlook.office365.com", Email, "Outlook"),
    ("outlook.cloud.microsoft", Email, "Outlook"),
    ("com.microsoft.office.outlook", Email, "Outlook"),
    ("mail.yahoo.com", Email, "Yahoo Mail"),
    ("mail.yahoo.co.jp", Email, "Yahoo Mail"),
    ("mail.aol.com", Email, "AOL Mail"),
    ("mail.proton.me", Email, "Proton Mail"),
    ("mail.protonmail.com", Email, "Proton Mail"),
    ("mail.zoho.com", Email, "Zoho Mail"),
    ("mail.zoho.eu", Email, "Zoho Mail"),
    ("fastmail.com", Email, "Fastmail"),
    ("mail.yandex.ru", Email, "Yandex Mail"),
    ("mail.yandex.com", Email, "Yandex Mail"),
    ("e.mail.ru", Email, "Mail.ru"),
    ("mail.qq.com", Email, "QQ Mail"),
    ("mail.163.com", Email, "NetEase Mail"),
    ("gmx.net", Email, "GMX"),
    ("gmx.com", Email, "GMX"),
    ("app.tuta.com", Email, "Tuta"),
    ("mail.tutanota.com", Email, "Tuta"),
    ("app.hey.com", Email, "HEY"),
    // Search engines.
    ("google.*", Search, "Google"),
    ("com.google.android.googlequicksearchbox", Search, "Google"),
    ("bing.com", Search, "Bing"),
    ("duckduckgo.com", Search, "DuckDuckGo"),
    ("search.yahoo.com", Search, "Yahoo"),
    ("search.yahoo.co.jp", Search, "Yahoo"),
    ("yahoo.*", Search, "Yahoo"),
    ("baidu.com", Search, "Baidu"),
    ("yandex.*", Search, "Yandex"),
    ("ya.ru", Search, "Yandex"),
    ("ecosia.org", Search, "Ecosia"),
    ("naver.com", Search, "Naver"),
    ("sogou.com", Search, "Sogou"),
    ("so.com", Search, "360 Search"),
    ("seznam.cz", Search, "Seznam"),
    ("qwant.com", Search, "Qwant"),
    ("startpage.com", Search, "Startpage"),
    ("search.brave.com", Search, "Brave Search"),
    ("ask.com", Search, "Ask"),
    ("search.aol.com", Search, "AOL"),
    ("daum.net", Search, "Daum"),
    ("kagi.com", Search, "Kagi"),
    ("mojeek.com", Search, "Mojeek"),
    // Social networks.
    ("facebook.com", Social, "Facebook"),
    ("fb.com", Social, "Facebook"),
    ("fb.me", Social, "Facebook"),
    ("messenger.com", Social, "Facebook"),
    ("com.facebook.katana", Social, "Facebook"),
    ("twitter.com", Social, "Twitter"),
    ("x.com", Social, "Twitter"),
    ("t.co", Social, "Twitter"),
    ("com.twitter.android", Social, "Twitter"),
    ("instagram.com", Social, "Instagram"),
    ("com.instagram.android", Social, "Instagram"),
    ("linkedin.com", Social, "LinkedIn"),
    ("lnkd.in", Social, "LinkedIn"),
    ("com.linkedin.android", Social, "LinkedIn"),
    ("reddit.com", Social, "Reddit"),
    ("redd.it", Social, "Reddit"),
    ("com.reddit.frontpage", Social, "Reddit"),
    ("youtube.com", Social, "YouTube"),
    ("youtu.be", Social, "YouTube"),
    ("tiktok.com", Social, "TikTok"),
    ("pinterest.com", Social, "Pinterest"),
    ("pinterest.*", Social, "Pinterest"),
    ("pin.it", Social, "Pinterest"),
    ("weibo.com", Social, "Weibo"),
    ("weibo.cn", Social, "Weibo"),
    ("t.cn", Social, "Weibo"),
    ("vk.com", Social, "VK"),
    ("ok.ru", Social, "Odnoklassniki"),
    ("threads.net", Social, "Threads"),
    ("threads.com", Social, "Threads"),
    ("bsky.app", Social, "Bluesky"),
    ("mastodon.social", Social, "Mastodon"),
    ("tumblr.com", Social, "Tumblr"),
    ("quora.com", Social, "Quora"),
    ("news.ycombinator.com", Social, "Hacker News"),
    ("t.me", Social, "Telegram"),
    ("web.telegram.org", Social, "Telegram"),
    ("whatsapp.com", Social, "WhatsApp"),
    ("wa.me", Social, "WhatsApp"),
    ("discord.com", Social, "Discord"),
    ("snapchat.com", Social, "Snapchat"),
    ("xing.com", Social, "XING"),
    ("douban.com", Social, "Douban"),
    ("zhihu.com", Social, "Zhihu"),
];

/// What `host` (lowercased, as `url::Parsed` gives it) is known as. A
/// `webmail.` host nobody listed is webmail, named by its host.
pub fn lookup(host: &str) -> Option<Known> {
    let known = SOURCES.iter().find(|(pattern, ..)| matches(pattern, host));
    if let Some((_, category, name)) = known {
        return Some(Known { category: *category, name: name.to_string() });
    }
    host.starts_with("webmail.").then(|| Known { category: Email, name: host.to_string() })
}

fn matches(pattern: &str, host: &str) -> bool {
    match pattern.strip_suffix(".*") {
        Some(brand) => is_brand(brand, host),
        None => host == pattern || host.strip_suffix(pattern).is_some_and(|sub| sub.ends_with('.')),
    }
}

/// `host` is `brand.<country domain>`, bare or behind `www.` or `m.`.
fn is_brand(brand: &str, host: &str) -> bool {
    let host = host.strip_prefix("www.").or_else(|| host.strip_prefix("m.")).unwrap_or(host);
    let Some(suffix) = host.strip_prefix(brand).and_then(|rest| rest.strip_prefix('.')) else { return false };
    let labels: Vec<&str> = suffix.split('.').collect();
    (1..=2).contains(&labels.len())
        && labels.iter().all(|label| (2..=3).contains(&label.len()) && label.bytes().all(|b| b.is_ascii_lowercase()))
}

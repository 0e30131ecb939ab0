//! What a ranking (`GET /api/events/:site_id/stats`) can rank by, and each
//! event's value for it.

use std::borrow::Cow;

use crate::analytics::event::Event;

/// A `stat_type`. Every one but the entry and exit pages counts events;
/// those two count sessions (by their first and last page view).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// The page's path (no scheme, host, query or fragment).
    Url,
    /// Where the visitor came from: the referring page without its query;
    /// links within the site itself are not referrers.
    Referrer,
    /// The referring host, without `www.`.
    ReferrerDomain,
    /// The campaign's `utm_source` when the URL has one, else the kind of
    /// source: search, social, email, direct or other.
    Source,
    /// The named source: Google, Facebook, ...
    SourceName,
    UtmSource,
    UtmMedium,
    UtmCampaign,
    Browser,
    Os,
    Device,
    Country,
    Subdivision,
    City,
    Isp,
    Screen,
    Language,
    EventValue,
    EntryPage,
    ExitPage,
}

use Dimension::*;

impl Dimension {
    pub const ALL: [Dimension; 20] = [
        Url,
        Referrer,
        ReferrerDomain,
        Source,
        SourceName,
        UtmSource,
        UtmMedium,
        UtmCampaign,
        Browser,
        Os,
        Device,
        Country,
        Subdivision,
        City,
        Isp,
        Screen,
        Language,
        EventValue,
        EntryPage,
        ExitPage,
    ];

    /// Its `stat_type` name, as stored.
    pub fn name(self) -> &'static str {
        match self {
            Url => "url",
            Referrer => "referrer",
            ReferrerDomain => "referrer_domain",
            Source => "source",
            SourceName => "source_name",
            UtmSource => "utm_source",
            UtmMedium => "utm_medium",
            UtmCampaign => "utm_campaign",
            Browser => "browser",
            Os => "os",
            Device => "device",
            Country => "country",
            Subdivision => "subdivision",
            City => "city",
            Isp => "isp",
            Screen => "screen",
            Language => "language",
            EventValue => "event_value",
            EntryPage => "entry_page",
            ExitPage => "exit_page",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.name() == name)
    }

    /// Every name, for the error that refuses an unknown one.
    pub fn names() -> String {
        Self::ALL.map(Self::name).join(", ")
    }

    /// Whether each event counts (else sessions do).
    pub fn counts_events(self) -> bool {
        !matches!(self, EntryPage | ExitPage)
    }

    /// The event's value; "" for none (not counted). Borrowed where the
    /// event holds it as is: the batch writer asks each event for every
    /// dimension, and copies would be most of its tally's time.
    pub fn value_of(self, event: &Event) -> Cow<'_, str> {
        match self {
            Url => path_of(&event.url),
            Referrer => external_referrer(event).map(strip_query).map(Cow::Borrowed).unwrap_or_default(),
            ReferrerDomain => {
                external_referrer(event).and_then(host_of).map(without_www).map(Cow::Owned).unwrap_or_default()
            }
            Source if !event.utm_source.is_empty() => Cow::Borrowed(&event.utm_source),
            Source => Cow::Borrowed(&event.source),
            SourceName => Cow::Borrowed(&event.source_name),
            UtmSource => Cow::Borrowed(&event.utm_source),
            UtmMedium => Cow::Borrowed(&event.utm_medium),
            UtmCampaign => Cow::Borrowed(&event.utm_campaign),
            Browser => Cow::Borrowed(&event.browser),
            Os => Cow::Borrowed(&event.os),
            Device => Cow::Borrowed(&event.device),
            Country => Cow::Borrowed(&event.country),
            Subdivision => Cow::Borrowed(&event.subdivision),
            City => Cow::Borrowed(&event.city),
            Isp => Cow::Borrowed(&event.isp),
            Screen => Cow::Borrowed(&event.screen),
            Language => Cow::Borrowed(&event.language),
            EventValue => Cow::Borrowed(&event.event_value),
            EntryPage | ExitPage => Cow::Borrowed(""),
        }
    }
}

/// The referrer, unless empty or a page of the same host as the event's.
fn external_referrer(event: &Event) -> Option<&str> {
    let referrer = event.referrer.as_str();
    let host = host_of(referrer)?;
    (host_of(&event.url) != Some(host)).then_some(referrer)
}

/// The host of an absolute URL (`scheme://host[:port]/…`), lowercase
/// handling left to the caller's data (browsers send lowercase hosts).
fn host_of(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?;
    (!host.is_empty()).then_some(host)
}

fn without_www(host: &str) -> String {
    host.strip_prefix("www.").unwrap_or(host).to_ascii_lowercase()
}

fn strip_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// The path of a page URL: `https://example.com/a/b?x#y` → `/a/b`. A
/// hash route (`#/…` or `#!/…`) is part of the page, so it stays.
/// Borrowed from `url` unless it has a hash route (the tally asks this of
/// every page view).
pub fn path_of(url: &str) -> Cow<'_, str> {
    let after_host = match url.split_once("://") {
        Some((_, rest)) => rest.find(['/', '?', '#']).map_or("", |at| &rest[at..]),
        None => url,
    };
    let (before_fragment, fragment) = match after_host.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (after_host, None),
    };
    let path = before_fragment.split('?').next().unwrap_or_default();
    let path = if path.is_empty() { "/" } else { path };
    match fragment.filter(|f| f.starts_with('/') || f.starts_with("!/")) {
        Some(route) => Cow::Owned(format!("{path}#{}", strip_query(route))),
        None => Cow::Borrowed(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_unknown_ones_do_not() {
        for dimension in Dimension::ALL {
            assert_eq!(Dimension::parse(dimension.name()), Some(dimension));
        }
        assert_eq!(Dimension::parse("URL"), None);
        assert!(Dimension::names().starts_with("url, referrer, referrer_domain"));
    }

    #[test]
    fn paths_drop_host_query_and_fragment_but_keep_hash_routes() {
        assert_eq!(path_of("https://example.com/websites/1?utm_source=x#top"), "/websites/1");
        assert_eq!(path_of("https://example.com"), "/");
        assert_eq!(path_of("https://example.com?x=1"), "/");
        assert_eq!(path_of("https://example.com/#/settings?tab=2"), "/#/settings");
        assert_eq!(path_of("https://example.com/app#!/inbox"), "/app#!/inbox");
        assert_eq!(path_of("/relative/page?q"), "/relative/page");
    }

    #[test]
    fn referrers_are_external_pages_and_sources_prefer_the_campaign() {
        let event = |url: &str, referrer: &str| Event {
            url: url.into(),
            referrer: referrer.into(),
            source: "search".into(),
            ..Event::default()
        };
        let from_google = event("https://example.com/a", "https://www.google.com/search?q=secret");
        assert_eq!(Referrer.value_of(&from_google), "https://www.google.com/search");
        assert_eq!(ReferrerDomain.value_of(&from_google), "google.com");
        let internal = event("https://example.com/b", "https://example.com/a");
        assert_eq!(Referrer.value_of(&internal), "");
        assert_eq!(ReferrerDomain.value_of(&internal), "");
        assert_eq!(Source.value_of(&from_google), "search");
        let campaign = Event { utm_source: "newsletter".into(), ..from_google };
        assert_eq!(Source.value_of(&campaign), "newsletter");
    }
}

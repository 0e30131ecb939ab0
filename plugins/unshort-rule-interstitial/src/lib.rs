//! `interstitial`: link wrappers and "you are leaving this site" pages that
//! answer 200 with a warning and carry the destination in a query
//! parameter of their own URL (`/l.php?u=`, `/url?q=`, `/away.php?to=`,
//! `/redirect?url=` and the like). The destination must be an absolute
//! http(s) URL; anything else is not followed.

use waymark_plugin_sdk::unshort_rule::*;

pub struct Interstitial;

/// Wrapper paths (the last path segment, lowercased) and the parameters
/// that carry their destination, most specific first.
const WRAPPERS: &[(&str, &[&str])] = &[
    ("l.php", &["u"]),
    ("l", &["u"]),
    ("url", &["q", "url"]),
    ("away.php", &["to"]),
    ("away", &["to", "url"]),
    ("redirect", GENERIC),
    ("redir", GENERIC),
    ("out", GENERIC),
    ("go", GENERIC),
    ("link", GENERIC),
    ("leave", GENERIC),
    ("exit", GENERIC),
];

const GENERIC: &[&str] = &["url", "u", "to", "target", "dest", "destination", "link", "goto", "redirect"];

impl UnshortRule for Interstitial {
    fn rules() -> Vec<Provided> {
        vec![provided("interstitial", "Link-wrapper interstitial")]
    }

    fn detect(response: &HopResponse) -> Result<Option<NextHop>, String> {
        Ok(destination(&response.url).map(|url| next(&url, "Interstitial")))
    }
}

/// The destination a wrapper URL carries, if it is one.
pub fn destination(url: &str) -> Option<String> {
    let without_fragment = url.split('#').next()?;
    let (before, query) = without_fragment.split_once('?')?;
    let path = before.split_once("://").map_or(before, |(_, rest)| rest.split_once('/').map_or("", |(_, p)| p));
    let last = path.trim_end_matches('/').rsplit('/').next()?.to_ascii_lowercase();
    let (_, names) = WRAPPERS.iter().find(|(segment, _)| *segment == last)?;
    let params: Vec<(String, String)> = query
        .split('&')
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            Some((percent_decode(name)?.to_ascii_lowercase(), percent_decode(value)?))
        })
        .collect();
    names.iter().find_map(|name| {
        let value = params.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim())?;
        let scheme_ok =
            ["http://", "https://"].iter().any(|s| value.get(..s.len()).is_some_and(|p| p.eq_ignore_ascii_case(s)));
        (scheme_ok && value.len() > 8).then(|| value.to_string())
    })
}

/// `%XX` decoding of a query component (`+` stays `+`: in these wrappers
/// the destination is percent-encoded, and a `+` in it is meant). `None`
/// if the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes.get(at + 1..at + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[at], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                at += 3;
            }
            (byte, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

waymark_plugin_sdk::register_unshort_rule!(Interstitial);
waymark_plugin_sdk::manifest!("../waymark.toml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_wrappers() {
        for (url, target) in [
            (
                "https://l.facebook.example/l.php?u=https%3A%2F%2Fdest.example%2Fa%3Fb%3D1&h=AT0",
                "https://dest.example/a?b=1",
            ),
            ("https://www.google.example/url?sa=t&q=https://dest.example/x&usg=1", "https://dest.example/x"),
            ("https://www.google.example/url?url=https%3A%2F%2Fdest.example%2F", "https://dest.example/"),
            ("https://vk.example/away.php?to=http%3A%2F%2Fdest.example%2Fp&cc_key=", "http://dest.example/p"),
            ("https://site.example/redirect?target=https://dest.example/", "https://dest.example/"),
            ("https://site.example/out/?URL=HTTPS%3A%2F%2Fdest.example", "HTTPS://dest.example"),
            (
                "https://site.example/leave?foo=1&dest=https%3A%2F%2Fdest.example%2Fq%2Bplus#frag",
                "https://dest.example/q+plus",
            ),
        ] {
            assert_eq!(destination(url).as_deref(), Some(target), "{url}");
        }
    }

    #[test]
    fn not_wrappers() {
        for url in [
            "https://site.example/page?u=https://dest.example/",
            "https://site.example/l.php?u=/relative",
            "https://site.example/l.php?u=javascript%3Aalert(1)",
            "https://site.example/url?q=search+terms",
            "https://site.example/redirect",
            "https://site.example/away.php?to=%FF%FE",
            "not a url",
        ] {
            assert_eq!(destination(url), None, "{url}");
        }
    }
}

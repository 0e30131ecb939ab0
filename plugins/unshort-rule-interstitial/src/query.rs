//! Just enough URL handling for a wrapper's own URL: its path, its query
//! parameters, percent-decoding, and telling an absolute http(s) URL.

/// The path of `url` (after the authority, before `?` and `#`) and its
/// query (after `?`, before `#`; empty when there is none).
pub fn path_and_query(url: &str) -> (&str, &str) {
    let url = url.split('#').next().unwrap_or_default();
    let (before, query) = url.split_once('?').unwrap_or((url, ""));
    let path = match before.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |slash| &rest[slash..]),
        None => before,
    };
    (path, query)
}

/// The query's `name=value` pairs, as written (`name` alone has an empty
/// value).
pub fn params(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query.split('&').filter(|pair| !pair.is_empty()).map(|pair| pair.split_once('=').unwrap_or((pair, "")))
}

/// Decodes `%XX` escapes; a `%` not followed by two hex digits stays as
/// written, and bytes that are not UTF-8 become U+FFFD.
///
/// `+` is *not* turned into a space: that is form encoding, and wrappers
/// percent-encode their destination, so a raw `+` in it is a `+` the
/// destination URL itself contains (in whose query it may well mean a
/// space — which the destination decides, not us).
pub fn percent_decode(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let escaped = match (c, b.get(i + 1), b.get(i + 2)) {
            (b'%', Some(&hi), Some(&lo)) => hex_value(hi).zip(hex_value(lo)).map(|(hi, lo)| hi << 4 | lo),
            _ => None,
        };
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// `value` trimmed, if it is an absolute `http://` or `https://` URL
/// (scheme in any case) with something where the host goes.
pub fn absolute_http(value: &str) -> Option<&str> {
    let value = value.trim_matches(|c: char| c <= ' ');
    let rest = ["http://", "https://"]
        .iter()
        .find_map(|scheme| value.get(..scheme.len()).filter(|s| s.eq_ignore_ascii_case(scheme)).map(|_| scheme.len()))
        .and_then(|len| value.get(len..))?;
    let host = rest.chars().next()?;
    (!matches!(host, '/' | '\\' | '?' | '#') && host > ' ').then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_path_and_query() {
        assert_eq!(path_and_query("https://l.facebook.com/l.php?u=x&h=y#f"), ("/l.php", "u=x&h=y"));
        assert_eq!(path_and_query("https://example.com?to=x"), ("", "to=x"));
        assert_eq!(path_and_query("https://example.com/a/b/"), ("/a/b/", ""));
        assert_eq!(path_and_query("https://example.com/#?u=x"), ("/", ""));
        assert_eq!(path_and_query("https://example.com/go?url=https://a/?b=c"), ("/go", "url=https://a/?b=c"));
        assert_eq!(path_and_query("/relative/out?u=x"), ("/relative/out", "u=x"));
    }

    #[test]
    fn parses_params() {
        let all: Vec<_> = params("a=1&&b&c=&d=x=y").collect();
        assert_eq!(all, [("a", "1"), ("b", ""), ("c", ""), ("d", "x=y")]);
        assert_eq!(params("").count(), 0);
    }

    #[test]
    fn percent_decodes() {
        assert_eq!(percent_decode("https%3A%2F%2Fa.example%2Fb%3Fx%3D1%26y%3D2"), "https://a.example/b?x=1&y=2");
        assert_eq!(percent_decode("caf%C3%A9%20a+b"), "café a+b");
        assert_eq!(percent_decode("100%25 %zz %4 %+1 %"), "100% %zz %4 %+1 %");
        assert_eq!(percent_decode("%FF%c3"), "\u{fffd}\u{fffd}");
        assert_eq!(percent_decode("é%2F"), "é/");
    }

    #[test]
    fn tells_absolute_http_urls() {
        assert_eq!(absolute_http(" https://a/b "), Some("https://a/b"));
        assert_eq!(absolute_http("HTTP://A"), Some("HTTP://A"));
        assert_eq!(absolute_http("hTtPs://a.example"), Some("hTtPs://a.example"));
        for value in
            ["", "https://", "https:///x", "https://?q", "http:/a", "//a/b", "/b", "ftp://a", "javascript:x", "é"]
        {
            assert_eq!(absolute_http(value), None, "{value:?}");
        }
    }
}

//! Redirects the host reads from headers itself: `Location` on a 3xx, and
//! the `Refresh` header (`5; url=…`, the header twin of `<meta refresh>`).

use super::fetch::Fetched;

/// The next hop announced by headers, with its method.
pub fn next_hop(fetched: &Fetched) -> Option<(String, &'static str)> {
    if (300..400).contains(&fetched.status) && fetched.status != 304 {
        let location = fetched.header("location").map(str::trim).filter(|l| !l.is_empty());
        if let Some(location) = location {
            return Some((location.to_string(), "Location"));
        }
    }
    let target = refresh_target(fetched.header("refresh")?)?;
    Some((target, "Refresh"))
}

/// The URL of a `Refresh` value, parsed as browsers do: a delay, then
/// optionally `;` or `,`, optionally `url=`, and the URL, possibly quoted.
/// A bare delay reloads the same page: no next hop.
pub fn refresh_target(value: &str) -> Option<String> {
    let value = value.trim_start();
    let delay_end = value.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(value.len());
    if delay_end == 0 {
        return None;
    }
    let mut rest = value[delay_end..].trim_start();
    rest = rest.strip_prefix([';', ',']).unwrap_or(rest).trim_start();
    if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case("url") {
        let after = rest[3..].trim_start();
        if let Some(after) = after.strip_prefix('=') {
            rest = after.trim_start();
        }
    }
    let url = match rest.chars().next() {
        Some(quote @ ('\'' | '"')) => rest[1..].split(quote).next().unwrap_or(""),
        _ => rest,
    };
    let url = url.trim();
    (!url.is_empty()).then(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetched(status: u16, headers: &[(&str, &str)]) -> Fetched {
        Fetched { status, headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(), body: None }
    }

    #[test]
    fn location_counts_on_redirect_statuses_only() {
        for status in [301, 302, 303, 307, 308] {
            assert_eq!(next_hop(&fetched(status, &[("Location", "/b")])), Some(("/b".into(), "Location")));
        }
        assert_eq!(next_hop(&fetched(200, &[("Location", "/b")])), None);
        assert_eq!(next_hop(&fetched(304, &[("Location", "/b")])), None);
        assert_eq!(next_hop(&fetched(302, &[])), None);
    }

    #[test]
    fn refresh_header_variants() {
        for (value, url) in [
            ("0; url=https://a.example/b", Some("https://a.example/b")),
            ("0;URL='https://a.example/b'", Some("https://a.example/b")),
            ("5 , Url = \"/x?y=1\"", Some("/x?y=1")),
            ("1.5; /relative", Some("/relative")),
            ("3", None),
            ("soon; url=/x", None),
        ] {
            assert_eq!(refresh_target(value).as_deref(), url, "{value}");
        }
        assert_eq!(next_hop(&fetched(200, &[("Refresh", "0; url=/n")])), Some(("/n".into(), "Refresh")));
    }
}

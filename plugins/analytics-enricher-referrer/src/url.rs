//! Just enough URL parsing for referrers: the host and the query, from
//! whatever a browser (or a forger) put in the header. Never panics; what
//! it cannot read is `None`.

/// The parts of a URL the enricher reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// Lowercased, without user info, port or trailing dot.
    pub host: Option<String>,
    query: Option<String>,
}

/// Longest host accepted, in bytes (DNS's limit).
const MAX_HOST: usize = 253;

impl Parsed {
    /// `text` as a URL: `scheme://host/…`, `//host/…`, or a bare
    /// `host/…` (`google.com`); `None` for anything else. A URL without
    /// an authority (`about:blank`) parses with no host.
    pub fn of(text: &str) -> Option<Parsed> {
        let text = text.trim();
        let (authority_and_rest, hierarchical, bare) = match text.split_once("://") {
            Some((scheme, rest)) if is_scheme(scheme) => (rest, true, false),
            Some(_) => return None,
            None => match text.strip_prefix("//") {
                Some(rest) => (rest, true, false),
                None if is_opaque(text) => (text, false, false),
                None => (text, true, true),
            },
        };
        let (before_fragment, _) = authority_and_rest.split_once('#').unwrap_or((authority_and_rest, ""));
        let (before_query, query) = match before_fragment.split_once('?') {
            Some((before, query)) => (before, Some(query.to_string())),
            None => (before_fragment, None),
        };
        let host = if hierarchical { host(before_query.split('/').next().unwrap_or("")) } else { None };
        if bare && !host.as_deref().is_some_and(|h| h.contains('.')) {
            // Without a scheme only a dotted host makes a URL, not a word.
            return None;
        }
        Some(Parsed { host, query })
    }

    /// The first non-empty value of the query parameter `name` (its name
    /// compared without regard to case), percent-decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query.as_deref()?.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            let value = decode(value);
            (decode(key).eq_ignore_ascii_case(name) && !value.trim().is_empty()).then_some(value)
        })
    }
}

/// `scheme` as RFC 3986 spells one: a letter, then letters, digits, `+-.`.
fn is_scheme(scheme: &str) -> bool {
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `about:blank`, `javascript:…`, `data:…`: a scheme and no authority. A
/// `host:port` (`example.com:8080/x`) is not one.
fn is_opaque(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else { return false };
    let port = rest.split(['/', '?', '#']).next().unwrap_or("");
    let is_port = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
    is_scheme(scheme) && !is_port
}

/// The host of an authority (`user@Host.Example.:8080`), checked.
fn host(authority: &str) -> Option<String> {
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = if authority.starts_with('[') {
        // An IPv6 literal keeps its brackets; the port follows them.
        authority.split_once(']').map(|(ip, _)| &authority[..ip.len() + 1])?
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
            Some(_) => return None,
            None => authority,
        }
    };
    let host = host.trim_end_matches('.').to_lowercase();
    let valid = !host.is_empty()
        && host.len() <= MAX_HOST
        && !host.starts_with('.')
        && !host.contains("..")
        && host.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | '[' | ']' | ':'));
    valid.then_some(host)
}

/// Percent-decodes `text`, `+` as a space; bad escapes stay as written.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%').then(|| Some((hex(*bytes.get(i + 1)?)?, hex(*bytes.get(i + 2)?)?))).flatten();
        match (bytes[i], escaped) {
            (_, Some((high, low))) => {
                out.push(high * 16 + low);
                i += 2;
            }
            (b'+', None) => out.push(b' '),
            (byte, None) => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

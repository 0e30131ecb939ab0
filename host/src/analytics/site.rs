//! A tracked site and the rules for its fields.

use std::sync::LazyLock;

use rand::RngCore;
use regex::Regex;

use super::error::AnalyticsError;
use crate::{unclean, white_space};

/// A site as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    /// As the user wrote it (`https://example.com`, `example.com`).
    pub domain: String,
    /// The public id the tracker sends.
    pub tracking_id: String,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// Longest accepted site name, in characters.
pub const MAX_NAME: usize = 100;
/// Longest accepted domain field (a URL with a host), in characters.
pub const MAX_DOMAIN: usize = 300;

// Each rule is one regular expression, checked here and published as the
// field's `pattern` (see `accounts/validate.rs` for the syntax they keep to).

/// A site name: 1 to 100 characters once trimmed, no controls or bidi.
pub const NAME_PATTERN: &str = concat!(
    "^[",
    white_space!(),
    "]*[^",
    unclean!(),
    white_space!(),
    "](?:[^",
    unclean!(),
    "]{0,98}[^",
    unclean!(),
    white_space!(),
    "])?[",
    white_space!(),
    "]*$"
);

/// One DNS label: letters, digits, inner hyphens, at most 63.
macro_rules! label {
    () => {
        r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    };
}

/// 0–255 in decimal.
macro_rules! octet {
    () => {
        r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
    };
}

/// A site's domain: an optional `http(s)://`, a host name whose last label
/// starts with a letter (or a dotted IPv4 address), an optional port and
/// path. No user info.
pub const DOMAIN_PATTERN: &str = concat!(
    "^[",
    white_space!(),
    "]*(?:[Hh][Tt][Tt][Pp][Ss]?://)?(?:",
    octet!(),
    r"(?:\.",
    octet!(),
    "){3}|(?:",
    label!(),
    r"\.)*[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)",
    r"(?::(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?",
    r"(?:[/?#][!-~]*)?[",
    white_space!(),
    "]*$"
);

static NAME: LazyLock<Regex> = LazyLock::new(|| compile(NAME_PATTERN));
static DOMAIN: LazyLock<Regex> = LazyLock::new(|| compile(DOMAIN_PATTERN));

/// The patterns are constants; a typo fails every test that validates.
fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("site field patterns are valid regular expressions")
}

/// A checked name: trimmed, 1–100 characters, no control or bidirectional
/// formatting characters.
pub fn checked_name(name: &str) -> Result<String, AnalyticsError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AnalyticsError::Invalid("name is required".into()));
    }
    if name.chars().count() > MAX_NAME {
        return Err(AnalyticsError::Invalid(format!("name must be at most {MAX_NAME} characters")));
    }
    if let Some(c) = crate::text_hygiene::forbidden_char(name) {
        return Err(AnalyticsError::Invalid(format!(
            "name must not contain control or bidirectional formatting characters (found {})",
            crate::text_hygiene::describe(c)
        )));
    }
    // The checks above are the pattern, spelled out for their messages.
    debug_assert!(NAME.is_match(name));
    Ok(name.to_string())
}

/// A checked domain, trimmed and kept as written: a host name or address,
/// with an optional `http://` or `https://`, port and path.
pub fn checked_domain(domain: &str) -> Result<String, AnalyticsError> {
    let invalid = |why: &str| AnalyticsError::Invalid(format!("domain {why}"));
    // Counted as sent, as the schema's `maxLength` counts.
    if domain.chars().count() > MAX_DOMAIN {
        return Err(invalid(&format!("must be at most {MAX_DOMAIN} characters")));
    }
    let domain = domain.trim();
    if domain.is_empty() {
        return Err(invalid("is required"));
    }
    let form = "must be a host name such as example.com, optionally with http(s)://, a port and a path";
    if !DOMAIN.is_match(domain) {
        return Err(invalid(form));
    }
    host_of(domain).ok_or_else(|| invalid(form))?;
    Ok(domain.to_string())
}

/// The host a domain field names, lowercased (`https://Example.com/x` →
/// `example.com`); `None` if it names none. The tracker's `Origin` check
/// compares against this.
pub fn host_of(domain: &str) -> Option<String> {
    let lower = domain.trim().to_ascii_lowercase();
    let with_scheme = if lower.starts_with("http://") || lower.starts_with("https://") {
        lower
    } else if lower.contains("://") {
        return None;
    } else {
        format!("https://{lower}")
    };
    let url = url::Url::parse(&with_scheme).ok()?;
    if !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    let host = url.host_str()?.trim_end_matches('.').to_string();
    let plausible = match url.host()? {
        url::Host::Domain(_) => {
            let name = host.as_str();
            !name.is_empty()
                && name.split('.').all(|label| !label.is_empty() && label.len() <= 63)
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        }
        url::Host::Ipv4(_) | url::Host::Ipv6(_) => true,
    };
    plausible.then_some(host)
}

/// A fresh public tracking id: 16 characters of lowercase base-32 (80 bits),
/// unguessable and safe in a URL or an HTML attribute.
pub fn new_tracking_id() -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| ALPHABET[usize::from(b & 31)] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_need_a_host_and_keep_their_spelling() {
        let good = [
            "https://example.com",
            "example.com",
            "http://127.0.0.1:5004/",
            " Shop.Example.co.uk/path ",
            "localhost:8080",
        ];
        for domain in good {
            assert!(checked_domain(domain).is_ok(), "{domain}");
        }
        assert_eq!(checked_domain(" https://Example.com ").unwrap(), "https://Example.com");
        let bad = [
            "",
            "   ",
            "https://",
            "ftp://example.com",
            "exa mple.com",
            "https://u:p@example.com",
            "a..b",
            "<x>",
            "1.2.3.4.5",
            "256.1.1.1",
            "example.com:65536",
            "-bad.example",
            "[::1]",
        ];
        for domain in bad {
            assert!(checked_domain(domain).is_err(), "{domain:?}");
        }
        assert!(checked_domain(&format!("{}.com", "a".repeat(300))).is_err());
    }

    #[test]
    fn the_host_is_lowercased_without_scheme_port_or_path() {
        assert_eq!(host_of("https://Example.com:8443/blog").as_deref(), Some("example.com"));
        assert_eq!(host_of("www.example.com.").as_deref(), Some("www.example.com"));
        assert_eq!(host_of("javascript:alert(1)"), None);
    }

    /// The spelled-out name checks and the published pattern agree.
    #[test]
    fn the_name_checks_are_the_pattern() {
        let long = "n".repeat(MAX_NAME);
        let too_long = "n".repeat(MAX_NAME + 1);
        for name in [
            "a",
            " a ",
            "我的网站",
            &long,
            &too_long,
            "",
            " \u{3000} ",
            "a\u{0}b",
            "x\u{2067}",
            "tab\tinside",
            "\u{85}x",
        ] {
            assert_eq!(checked_name(name).is_ok(), NAME.is_match(name), "{name:?}");
        }
    }

    #[test]
    fn names_are_trimmed_bounded_and_clean() {
        assert_eq!(checked_name("  我的网站 ").unwrap(), "我的网站");
        assert!(checked_name(" ").is_err());
        assert!(checked_name(&"n".repeat(MAX_NAME + 1)).is_err());
        assert!(checked_name("evil\u{202E}txt").is_err());
    }

    #[test]
    fn tracking_ids_are_distinct_and_url_safe() {
        let (a, b) = (new_tracking_id(), new_tracking_id());
        assert_ne!(a, b);
        assert_eq!(a.len(), 16);
        assert!(a.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
    }
}

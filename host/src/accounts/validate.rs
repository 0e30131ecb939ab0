//! Input rules for account fields, with messages a client can show.

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;
use unicode_security::confusable_detection::skeleton as uts39_skeleton;

use super::error::AccountError;
use crate::text_hygiene;
use crate::{unclean, white_space};

// Each rule below is one regular expression, checked here and published as
// the field's `pattern` in the OpenAPI schema, so the spec says exactly what
// is accepted. They use only what Rust's `regex`, ECMA-262 (JSON Schema) and
// Python's `re` (schema fuzzers) read alike: explicit classes, `\xHH` and
// `\uHHHH` escapes, no `\s`, `\w` or `\p{..}`. Surrounding whitespace is
// allowed (and trimmed), which also keeps `$` unambiguous: Python lets it
// match before a final newline, here that newline is trimmed whitespace.

/// A character a username may hold: anything but whitespace, controls, bidi
/// and other invisible format characters, and ASCII punctuation other than
/// `_`, `-` and `.`.
macro_rules! name_char {
    () => {
        concat!(
            r"[^",
            unclean!(),
            white_space!(),
            r"\xAD\u180E\u200B-\u200D\u2060-\u2064\uFEFF",
            r##"!"#$%&'()*+,/:;<=>?@\[\\\]^`{|}~"##,
            r"]"
        )
    };
}

/// An email: ASCII, RFC 5322 dot-atom local part characters, a domain of
/// two or more LDH labels. At most [`EMAIL_MAX_CHARS`] characters.
pub const EMAIL_PATTERN: &str = concat!(
    "^[",
    white_space!(),
    "]*[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?",
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+[",
    white_space!(),
    "]*$"
);
pub const EMAIL_MAX_CHARS: usize = 254;

/// A username: 2 to 32 name characters (before and after NFKC).
pub const USERNAME_PATTERN: &str = concat!("^[", white_space!(), "]*", name_char!(), "{2,32}[", white_space!(), "]*$");
static NORMALISED_USERNAME: LazyLock<Regex> = LazyLock::new(|| compile(concat!("^", name_char!(), "{2,32}$")));

/// A key name: 1 to 64 characters, not blank, no controls or bidi.
pub const KEY_NAME_PATTERN: &str = concat!(
    "^[",
    white_space!(),
    "]*[^",
    unclean!(),
    white_space!(),
    "](?:[^",
    unclean!(),
    "]{0,62}[^",
    unclean!(),
    white_space!(),
    "])?[",
    white_space!(),
    "]*$"
);

pub const PASSWORD_MIN_CHARS: usize = 6;
pub const PASSWORD_MAX_CHARS: usize = 128;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| compile(EMAIL_PATTERN));
static USERNAME: LazyLock<Regex> = LazyLock::new(|| compile(USERNAME_PATTERN));
static KEY_NAME: LazyLock<Regex> = LazyLock::new(|| compile(KEY_NAME_PATTERN));

/// The patterns are constants; a typo fails every test that validates.
#[allow(clippy::expect_used)]
fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("account field patterns are valid regular expressions")
}

fn invalid(message: &str) -> AccountError {
    AccountError::Invalid(message.to_string())
}

/// Refuses control characters and bidi controls in the named field, naming
/// the first one found (clearer than "not a valid …").
fn hygienic(field: &str, text: &str) -> Result<(), AccountError> {
    match text_hygiene::forbidden_char(text) {
        Some(c) => Err(AccountError::Invalid(format!(
            "{field} must not contain control or bidirectional formatting characters (found {})",
            text_hygiene::describe(c)
        ))),
        None => Ok(()),
    }
}

/// A trimmed, lower-cased address of plausible shape. Deliverability is the
/// mail server's business; this only rejects what cannot be an address.
pub fn email(raw: &str) -> Result<String, AccountError> {
    let email = raw.trim();
    hygienic("email", email)?;
    if !email.contains('@') {
        return Err(invalid("email must contain @"));
    }
    if raw.chars().count() > EMAIL_MAX_CHARS || !EMAIL.is_match(raw) {
        return Err(invalid("email is not a valid address"));
    }
    Ok(email.to_ascii_lowercase())
}

pub fn password(password: &str) -> Result<(), AccountError> {
    let len = password.chars().count();
    if len < PASSWORD_MIN_CHARS {
        return Err(invalid("password must be at least 6 characters"));
    }
    if len > PASSWORD_MAX_CHARS {
        return Err(invalid("password must be at most 128 characters"));
    }
    Ok(())
}

/// A username as stored, with the skeleton that keeps look-alikes apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username {
    /// NFKC-normalised, so `ｊａｎｅ` (fullwidth) is stored as `jane`.
    pub name: String,
    /// See [`skeleton`].
    pub skeleton: String,
}

pub fn username(raw: &str) -> Result<Username, AccountError> {
    let trimmed = raw.trim();
    hygienic("username", trimmed)?;
    let len = trimmed.chars().count();
    if !(2..=32).contains(&len) {
        return Err(invalid("username must be 2 to 32 characters"));
    }
    if !USERNAME.is_match(raw) {
        return Err(invalid(
            "username may not contain spaces, invisible characters or punctuation other than '_', '-' and '.'",
        ));
    }
    let name: String = trimmed.nfkc().collect();
    if !NORMALISED_USERNAME.is_match(&name) {
        return Err(AccountError::Invalid(format!(
            "username becomes {name:?} in Unicode normal form (NFKC), which is not an allowed username"
        )));
    }
    Ok(Username { skeleton: skeleton(&name), name })
}

/// The UTS #39 confusable skeleton of a username, case-folded before and
/// after: two names with the same skeleton look alike to a reader (`admin`,
/// `Admin`, `аdmin` with a Cyrillic а, `adm1n`…), so only one may exist.
pub fn skeleton(name: &str) -> String {
    uts39_skeleton(&name.to_lowercase()).collect::<String>().to_lowercase()
}

/// A valid username derived from the email's local part (Pingoo registers
/// with email and password only).
pub fn username_from_email(email: &str) -> String {
    let local = email.split('@').next().unwrap_or_default();
    let local: String = local.nfkc().collect();
    let cleaned: String =
        local.chars().filter(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')).take(24).collect();
    if cleaned.chars().count() >= 2 { cleaned } else { format!("user{cleaned}") }
}

pub fn key_name(raw: &str) -> Result<String, AccountError> {
    let name = raw.trim();
    hygienic("key name", name)?;
    if name.is_empty() || name.chars().count() > 64 || !KEY_NAME.is_match(raw) {
        return Err(invalid("key name must be 1 to 64 characters"));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_char() -> impl Iterator<Item = char> {
        (0..=0x10FFFF_u32).filter_map(char::from_u32)
    }

    /// The hand-written classes in the patterns are the predicates they
    /// stand for, over every Unicode scalar value.
    #[test]
    fn pattern_classes_match_the_predicates() {
        let white = compile(concat!("^[", white_space!(), "]$"));
        let unclean = compile(concat!("^[", unclean!(), "]$"));
        let mut buffer = [0; 4];
        for c in every_char() {
            let text = c.encode_utf8(&mut buffer);
            assert_eq!(white.is_match(text), c.is_whitespace(), "{c:?}");
            assert_eq!(unclean.is_match(text), text_hygiene::forbidden_char(text).is_some(), "{c:?}");
        }
    }

    /// A name character is never whitespace, unclean, or ASCII punctuation
    /// other than `_-.`; and the domain check is the published pattern.
    #[test]
    fn username_characters() {
        let name = compile(concat!("^", name_char!(), "$"));
        let mut buffer = [0; 4];
        for c in every_char() {
            let text = c.encode_utf8(&mut buffer);
            if name.is_match(text) {
                assert!(!c.is_whitespace() && !c.is_control() && text_hygiene::forbidden_char(text).is_none(), "{c:?}");
                assert!(!c.is_ascii_punctuation() || matches!(c, '_' | '-' | '.'), "{c:?}");
            }
        }
        for good in ["ab", "Zoë", "日本", "jane.doe", "a_b-c", " padded\n", "s\u{430}me"] {
            assert!(username(good).is_ok(), "{good:?}");
            assert!(USERNAME.is_match(good), "{good:?}");
        }
        for bad in ["a b", "a@b", "a/b", "a\u{200B}b", "a\u{FEFF}b", &*"x".repeat(33), "x"] {
            assert!(username(bad).is_err(), "{bad:?}");
            assert!(!USERNAME.is_match(bad), "{bad:?}");
        }
    }

    #[test]
    fn email_pattern_agrees_with_the_check() {
        for good in ["a@b.co", " User@Example.COM ", "x.y+tag@sub.example.org", "a@b.c\n"] {
            assert!(email(good).is_ok(), "{good:?}");
        }
        for bad in ["Zo\u{eb}@example.com", "a@-b.c", "a@b-.c", "a@b..c", &*format!("{}@b.co", "a".repeat(250))] {
            assert!(email(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn key_names() {
        for good in ["x", " badge key ", &*"k".repeat(64), "日本語 key"] {
            assert!(key_name(good).is_ok(), "{good:?}");
        }
        for bad in ["", "   ", &*"k".repeat(65), "a\tb"] {
            assert!(key_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(email("  User@Example.COM ").unwrap(), "user@example.com");
        for bad in ["", "a", "a@", "@b.c", "a@b", "a b@c.d", "a@@b.c", "a@.b", "a\0@b.c", "a\u{7}@b.c", "a@b\u{202E}.c"]
        {
            assert!(email(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn usernames() {
        assert!(username("ab").is_ok());
        assert!(username("a").is_err());
        assert!(username("a b").is_err());
        assert_eq!(username_from_email("x@y.z"), "userx");
        assert_eq!(username_from_email("jane.doe+tag@y.z"), "jane.doetag");
    }

    #[test]
    fn usernames_refuse_controls_and_bidi() {
        for bad in ["ja\0ne", "ja\u{7}ne", "ja\u{202E}ne", "ja\u{2066}ne", "ja\u{200F}ne", "ja\u{061C}ne"] {
            let message = username(bad).unwrap_err().to_string();
            assert!(message.contains("control or bidirectional"), "{bad:?}: {message}");
        }
    }

    #[test]
    fn usernames_are_nfkc_normalised() {
        assert_eq!(username("ｊａｎｅ").unwrap().name, "jane");
        assert_eq!(username("ﬁle").unwrap().name, "file");
    }

    #[test]
    fn confusables_share_a_skeleton() {
        let admin = username("admin").unwrap().skeleton;
        for alike in ["Admin", "ADMIN", "\u{430}dmin", "ａｄｍｉｎ"] {
            assert_eq!(username(alike).unwrap().skeleton, admin, "{alike}");
        }
        assert_eq!(skeleton("paypal"), skeleton("p\u{430}yp\u{430}l"));
        assert_ne!(skeleton("admin"), skeleton("admins"));
        assert_ne!(skeleton("same"), skeleton("same2"));
    }

    #[test]
    fn key_names_refuse_controls_and_bidi() {
        assert!(key_name("badge key").is_ok());
        assert!(key_name("bad\0key").is_err());
        assert!(key_name("bad\u{202D}key").is_err());
    }
}

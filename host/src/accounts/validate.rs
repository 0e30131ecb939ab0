//! Input rules for account fields, with messages a client can show.

use unicode_normalization::UnicodeNormalization;
use unicode_security::confusable_detection::skeleton as uts39_skeleton;

use super::error::AccountError;
use crate::text_hygiene;

fn invalid(message: &str) -> AccountError {
    AccountError::Invalid(message.to_string())
}

/// Refuses control characters and bidi controls in the named field.
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
    hygienic("email", raw)?;
    let email = raw.trim().to_lowercase();
    let (local, domain) = email.split_once('@').ok_or_else(|| invalid("email must contain @"))?;
    if local.is_empty()
        || domain.is_empty()
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || email.len() > 254
        || email.chars().any(char::is_whitespace)
        || domain.contains('@')
    {
        return Err(invalid("email is not a valid address"));
    }
    Ok(email)
}

pub fn password(password: &str) -> Result<(), AccountError> {
    let len = password.chars().count();
    if len < 6 {
        return Err(invalid("password must be at least 6 characters"));
    }
    if len > 128 {
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
    hygienic("username", raw)?;
    let name: String = raw.trim().nfkc().collect();
    let len = name.chars().count();
    if !(2..=32).contains(&len) {
        return Err(invalid("username must be 2 to 32 characters"));
    }
    if !name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')) {
        return Err(invalid("username may contain letters, digits, '_', '-' and '.'"));
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
    hygienic("key name", raw)?;
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(invalid("key name must be 1 to 64 characters"));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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

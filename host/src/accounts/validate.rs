//! Input rules for account fields, with messages a client can show.

use super::error::AccountError;

fn invalid(message: &str) -> AccountError {
    AccountError::Invalid(message.to_string())
}

/// A trimmed, lower-cased address of plausible shape. Deliverability is the
/// mail server's business; this only rejects what cannot be an address.
pub fn email(raw: &str) -> Result<String, AccountError> {
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

pub fn username(raw: &str) -> Result<String, AccountError> {
    let name = raw.trim();
    let len = name.chars().count();
    if !(2..=32).contains(&len) {
        return Err(invalid("username must be 2 to 32 characters"));
    }
    if !name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')) {
        return Err(invalid("username may contain letters, digits, '_', '-' and '.'"));
    }
    Ok(name.to_string())
}

pub fn username_from_email(email: &str) -> String {
    let local = email.split('@').next().unwrap_or_default();
    let cleaned: String =
        local.chars().filter(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')).take(24).collect();
    if cleaned.chars().count() >= 2 { cleaned } else { format!("user{cleaned}") }
}

pub fn key_name(raw: &str) -> Result<String, AccountError> {
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
        for bad in ["", "a", "a@", "@b.c", "a@b", "a b@c.d", "a@@b.c", "a@.b"] {
            assert!(email(bad).is_err(), "{bad}");
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
}

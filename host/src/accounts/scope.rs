//! What an API key may be used for.

use serde::{Deserialize, Serialize};

use super::error::AccountError;

/// A key's scope. `Full` keys act for the whole account, as every key did
/// before scopes existed and as the seeds document. `Public` keys are made to
/// be published (badges, embeds): they work on the visits-counter and unshort
/// surfaces only, where they count against the owner's quotas, and every
/// other endpoint refuses them (see `Surface::accepts_public_keys`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum KeyScope {
    #[default]
    Full,
    Public,
}

impl KeyScope {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyScope::Full => "full",
            KeyScope::Public => "public",
        }
    }

    /// A scope named by a client; anything but `full` or `public` is refused.
    pub fn parse(text: &str) -> Result<KeyScope, AccountError> {
        match text.trim() {
            "full" => Ok(KeyScope::Full),
            "public" => Ok(KeyScope::Public),
            _ => Err(AccountError::Invalid("scope must be \"full\" or \"public\"".into())),
        }
    }

    /// A scope read from the database. Unknown text grants the least:
    /// `public`.
    pub(super) fn from_column(text: &str) -> KeyScope {
        if text == "full" { KeyScope::Full } else { KeyScope::Public }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_strictly() {
        assert_eq!(KeyScope::parse("full").unwrap(), KeyScope::Full);
        assert_eq!(KeyScope::parse("public").unwrap(), KeyScope::Public);
        for bad in ["", "FULL", "admin", "read"] {
            assert!(KeyScope::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(KeyScope::from_column("something"), KeyScope::Public);
        assert_eq!(KeyScope::default(), KeyScope::Full);
    }
}

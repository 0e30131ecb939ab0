//! What an API key may be used for.

/// A key's scope. `Full` keys act for the whole account, as every key did
/// before scopes existed and as the seeds document. `Public` keys are made to
/// be published (badges, embeds): they work on the visits-counter and unshort
/// surfaces only, where they count against the owner's quotas, and every
/// other endpoint refuses them (see `Surface::accepts_public_keys`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
    fn stored_scopes_round_trip_and_unknown_ones_grant_least() {
        for scope in [KeyScope::Full, KeyScope::Public] {
            assert_eq!(KeyScope::from_column(scope.as_str()), scope);
        }
        assert_eq!(KeyScope::from_column("something"), KeyScope::Public);
        assert_eq!(KeyScope::default(), KeyScope::Full);
    }
}

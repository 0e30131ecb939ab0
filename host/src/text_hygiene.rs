//! Characters no name shown to people may contain.
//!
//! Control characters (NUL, BEL, escape sequences…) corrupt logs and
//! terminals; bidirectional overrides and isolates reorder what a reader sees,
//! so `moc.elgoog` can be made to display as `google.com`. Emails, usernames,
//! key names and counter names refuse both.

// Regex character classes (without brackets) for published patterns, in the
// syntax Rust's `regex`, ECMA-262 and Python's `re` read alike.

/// Unicode White_Space: what `str::trim` strips.
#[macro_export]
macro_rules! white_space {
    () => {
        r"\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
    };
}

/// Control characters (Unicode Cc) and bidi controls: what
/// [`forbidden_char`] finds.
#[macro_export]
macro_rules! unclean {
    () => {
        r"\x00-\x1F\x7F-\x9F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069"
    };
}

/// The bidirectional formatting characters: embeddings and overrides
/// (U+202A–U+202E), isolates (U+2066–U+2069), the implicit marks
/// (U+200E, U+200F) and the Arabic letter mark (U+061C).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// The first character of `text` that must not appear in a name: a control
/// character (Unicode category Cc) or a bidi control.
pub fn forbidden_char(text: &str) -> Option<char> {
    text.chars().find(|&c| c.is_control() || is_bidi_control(c))
}

/// A client-facing description of a forbidden character, e.g. `U+202E`.
pub fn describe(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_forbidden() {
        for bad in ["a\0b", "bell\u{7}", "x\u{1b}[31m", "tab\there", "del\u{7f}", "c1\u{85}"] {
            assert!(forbidden_char(bad).is_some(), "{bad:?}");
        }
        for c in ['\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}'] {
            assert_eq!(forbidden_char(&format!("ab{c}cd")), Some(c));
        }
        for good in ["jane.doe", "Zoë", "日本語", "שלום", "site-1.example"] {
            assert_eq!(forbidden_char(good), None, "{good}");
        }
        assert_eq!(describe('\u{202E}'), "U+202E");
    }
}

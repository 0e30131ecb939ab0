//! JavaScript string literals: reading one with its escapes, and skipping
//! one (or a regular expression) without decoding it.

/// The value of the string literal (`"…"`, `'…'`, or a `` `…` `` template
/// without `${…}` substitutions) starting at `start`, and the offset just
/// past it. `None` if there is none, it is not closed, or it is not valid
/// JavaScript (a line break in a quoted string, a malformed escape): a
/// browser would not run such a script.
pub fn read(code: &str, start: usize) -> Option<(String, usize)> {
    let quote = match code.as_bytes().get(start)? {
        b'"' => '"',
        b'\'' => '\'',
        b'`' => '`',
        _ => return None,
    };
    let mut value = String::new();
    let mut rest = code.get(start + 1..)?;
    loop {
        let mut chars = rest.chars();
        let c = chars.next()?;
        rest = chars.as_str();
        match c {
            c if c == quote => return Some((value, code.len() - rest.len())),
            '\\' => value.extend(escape(&mut rest)?),
            '\n' | '\r' if quote != '`' => return None,
            '$' if quote == '`' && rest.starts_with('{') => return None,
            c => value.push(c),
        }
    }
}

/// Decodes the escape after a `\` at the start of `rest`, advancing past
/// it: `None` for a malformed one, `Some(None)` for a line continuation.
fn escape(rest: &mut &str) -> Option<Option<char>> {
    let mut chars = rest.chars();
    let c = chars.next()?;
    *rest = chars.as_str();
    let decoded = match c {
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'v' => '\u{b}',
        '0' if !rest.starts_with(|d: char| d.is_ascii_digit()) => '\0',
        // Legacy octal escapes (sloppy mode only) never occur in URLs.
        '0'..='9' => return None,
        'x' => char::from_u32(hex(rest, 2)?)?,
        'u' => unicode(rest)?,
        '\r' => {
            *rest = rest.strip_prefix('\n').unwrap_or(rest);
            return Some(None);
        }
        '\n' | '\u{2028}' | '\u{2029}' => return Some(None),
        // `\/`, `\\`, `\"`, `\'` and any other character stand for themselves.
        other => other,
    };
    Some(Some(decoded))
}

/// `\uHHHH` or `\u{H…}` (after the `u`). A surrogate pair written as two
/// escapes is one character; a lone surrogate becomes U+FFFD.
fn unicode(rest: &mut &str) -> Option<char> {
    let code = unicode_unit(rest)?;
    if (0xd800..0xdc00).contains(&code) {
        let mut after = rest.strip_prefix("\\u").unwrap_or_default();
        if let Some(low) = unicode_unit(&mut after).filter(|low| (0xdc00..0xe000).contains(low)) {
            *rest = after;
            return char::from_u32(0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00));
        }
    }
    Some(char::from_u32(code).unwrap_or('\u{fffd}'))
}

fn unicode_unit(rest: &mut &str) -> Option<u32> {
    if let Some(braced) = rest.strip_prefix('{') {
        let end = braced.find('}')?;
        let code = hex(&mut &braced[..end], end).filter(|&c| c <= 0x10ffff)?;
        *rest = &braced[end + 1..];
        Some(code)
    } else {
        hex(rest, 4)
    }
}

/// Exactly `digits` (at least one) hex digits at the start of `rest`,
/// consumed; a value too large for a `char` is `None`.
fn hex(rest: &mut &str, digits: usize) -> Option<u32> {
    let text = rest.get(..digits).filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_hexdigit()))?;
    let value = text.bytes().try_fold(0u32, |n, b| n.checked_mul(16)?.checked_add((b as char).to_digit(16)?))?;
    *rest = &rest[digits..];
    Some(value)
}

/// The offset just past the string literal starting at `start` (on its
/// quote or backtick), without decoding it. An unclosed quoted string ends
/// at the line break; an unclosed template at the end of the code. (A
/// template's `${…}` is not followed: a nested template is rare enough.)
pub fn skip_string(b: &[u8], start: usize) -> usize {
    let quote = b[start];
    let mut i = start + 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') { 3 } else { 2 },
            b'\n' | b'\r' if quote != b'`' => return i,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The offset just past the regular expression literal starting at `start`
/// (on its `/`), flags excluded; an unclosed one ends at the line break.
pub fn skip_regex(b: &[u8], start: usize) -> usize {
    let mut in_class = false;
    let mut i = start + 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 1,
            b'[' => in_class = true,
            b']' => in_class = false,
            b'/' if !in_class => return i + 1,
            b'\n' | b'\r' => return i,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(code: &str) -> Option<String> {
        read(code, 0).map(|(value, end)| {
            assert_eq!(end, code.len(), "{code}");
            value
        })
    }

    #[test]
    fn reads_each_quote() {
        assert_eq!(value(r#""https://a/b""#).as_deref(), Some("https://a/b"));
        assert_eq!(value("'https://a/b'").as_deref(), Some("https://a/b"));
        assert_eq!(value("`https://a/b`").as_deref(), Some("https://a/b"));
        assert_eq!(value("`multi\nline`").as_deref(), Some("multi\nline"));
        assert_eq!(value(r#""it's""#).as_deref(), Some("it's"));
        assert_eq!(read(r#""a" + "b""#, 0), Some(("a".to_string(), 3)));
        assert_eq!(read("x = 'y'", 4), Some(("y".to_string(), 7)));
    }

    #[test]
    fn decodes_escapes() {
        assert_eq!(value(r#""https:\/\/a\/b""#).as_deref(), Some("https://a/b"));
        assert_eq!(value(r#""a\\b\"c\'d""#).as_deref(), Some("a\\b\"c'd"));
        assert_eq!(value(r#"'\x68ttps\x3A//a'"#).as_deref(), Some("https://a"));
        assert_eq!(value(r#"'\u0068\u002F\u{2F}\u{1F600}'"#).as_deref(), Some("h//😀"));
        assert_eq!(value(r#"'\uD83D\uDE00 \uD83D \uDE00'"#).as_deref(), Some("😀 \u{fffd} \u{fffd}"));
        assert_eq!(value("'a\\\nb\\\r\nc'").as_deref(), Some("abc"));
        assert_eq!(value(r#"'\n\t\0\%'"#).as_deref(), Some("\n\t\0%"));
        assert_eq!(value("`\\${x}`").as_deref(), Some("${x}"));
        assert_eq!(value("'é\\u00e9'").as_deref(), Some("éé"));
    }

    #[test]
    fn rejects_what_is_no_literal() {
        for code in [
            "x",
            "\"open",
            "'line\nbreak'",
            "`${x}`",
            "`a${b}c`",
            r"'\x6'",
            r"'\xZZ'",
            r"'\u12'",
            r"'\u{}'",
            r"'\u{110000}'",
            r"'\u{FFFFFFFFFF}'",
            r"'\u+123'",
            r"'\12'",
            "'\\",
            "",
        ] {
            assert_eq!(value(code), None, "{code:?}");
        }
    }

    #[test]
    fn skips_strings_and_regexes() {
        let b = br#""a\"b" 'c\'d' `e\`f` "open"#;
        assert_eq!(skip_string(b, 0), 6);
        assert_eq!(skip_string(b, 7), 13);
        assert_eq!(skip_string(b, 14), 20);
        assert_eq!(skip_string(b, 21), b.len());
        assert_eq!(skip_string(b"'a\nb'", 0), 2);
        assert_eq!(skip_string(b"`a\nb`", 0), 5);
        assert_eq!(skip_regex(br#"/a\/[/"]b/g"#, 0), 10);
        assert_eq!(skip_regex(b"/a\nb/", 0), 2);
        assert_eq!(skip_regex(b"/abc", 0), 4);
    }
}

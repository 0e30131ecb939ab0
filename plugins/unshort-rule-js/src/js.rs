//! A small JavaScript scanner: skips comments and string literals while
//! looking for `location` navigation with a literal target.

/// The first navigation target with a literal URL in `script`.
pub fn navigation_target(script: &str) -> Option<String> {
    let bytes = script.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                at = script[at..].find('\n').map_or(bytes.len(), |i| at + i + 1);
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                at = script[at + 2..].find("*/").map_or(bytes.len(), |i| at + 2 + i + 2);
            }
            quote @ (b'"' | b'\'' | b'`') => {
                at = string_literal(script, at, quote).map_or(bytes.len(), |(_, end)| end);
            }
            b if is_ident(b) => {
                let start = at;
                while at < bytes.len() && (is_ident(bytes[at]) || bytes[at] == b'.') {
                    at += 1;
                }
                let word = &script[start..at];
                let preceded_by_dot = start > 0 && bytes[start - 1] == b'.';
                if !preceded_by_dot && let Some(target) = target_after(script, word, at) {
                    return Some(target);
                }
            }
            _ => at += 1,
        }
    }
    None
}

/// If `word` (a dotted name ending at `at`) navigates, the literal target.
fn target_after(script: &str, word: &str, at: usize) -> Option<String> {
    let path = word.strip_prefix("window.").or_else(|| word.strip_prefix("document.")).unwrap_or(word);
    let path = ["self.", "top.", "parent."].iter().find_map(|p| path.strip_prefix(p)).unwrap_or(path);
    let rest = skip_space(script, at);
    match (word, path) {
        ("window.open" | "window.navigate" | "open" | "navigate", _) if word.starts_with("window.") => {
            call_argument(script, rest)
        }
        (_, "location.replace" | "location.assign") => call_argument(script, rest),
        (_, "location" | "location.href") => {
            let after = script.get(rest..)?;
            // `=` but not `==`, `===`, `=>`; `!=` never starts with `=`.
            if after.starts_with('=') && !after.starts_with("==") && !after.starts_with("=>") {
                literal_at(script, skip_space(script, rest + 1))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The literal first argument of a call whose `(` is at `at`.
fn call_argument(script: &str, at: usize) -> Option<String> {
    if script.as_bytes().get(at) != Some(&b'(') {
        return None;
    }
    literal_at(script, skip_space(script, at + 1))
}

/// A whole string literal starting at `at` (not a template with `${`).
fn literal_at(script: &str, at: usize) -> Option<String> {
    let quote = *script.as_bytes().get(at)?;
    if !matches!(quote, b'"' | b'\'' | b'`') {
        return None;
    }
    let (value, _) = string_literal(script, at, quote)?;
    if quote == b'`' && value.contains("${") {
        return None;
    }
    let value = value.trim().to_string();
    (!value.is_empty()).then_some(value)
}

/// The unescaped value of the literal at `at` and where it ends; `None`
/// if it is not closed.
fn string_literal(script: &str, at: usize, quote: u8) -> Option<(String, usize)> {
    let mut value = String::new();
    let mut chars = script[at + 1..].char_indices();
    while let Some((offset, c)) = chars.next() {
        match c {
            c if c as u32 == u32::from(quote) => return Some((value, at + 1 + offset + 1)),
            '\n' if quote != b'`' => return None,
            '\\' => {
                let (_, escaped) = chars.next()?;
                match escaped {
                    'x' => value.push(hex_char(&mut chars, 2)?),
                    'u' => {
                        let rest = chars.as_str();
                        if let Some(braced) = rest.strip_prefix('{') {
                            let end = braced.find('}')?;
                            value.push(char::from_u32(u32::from_str_radix(&braced[..end], 16).ok()?)?);
                            for _ in 0..end + 2 {
                                chars.next();
                            }
                        } else {
                            value.push(hex_char(&mut chars, 4)?);
                        }
                    }
                    'n' => value.push('\n'),
                    't' => value.push('\t'),
                    other => value.push(other),
                }
            }
            c => value.push(c),
        }
    }
    None
}

fn hex_char(chars: &mut std::str::CharIndices<'_>, digits: usize) -> Option<char> {
    let hex: String = (0..digits).filter_map(|_| chars.next().map(|(_, c)| c)).collect();
    if hex.len() != digits {
        return None;
    }
    char::from_u32(u32::from_str_radix(&hex, 16).ok()?)
}

fn skip_space(script: &str, mut at: usize) -> usize {
    while script.as_bytes().get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

//! A small JavaScript scanner: finds navigation to a string literal in a
//! script, reading just enough of the language to not be fooled by comments,
//! strings and regular expressions. It makes one forward pass; at each
//! candidate it looks ahead over a few tokens at most, so the work stays
//! linear in the script's length.

use crate::literal;

/// What a navigating member chain may start with: `window.location`,
/// `top.location.href`, `document.location`, `window.top.location`, …
const PREFIXES: &[&str] = &["window", "self", "top", "parent", "document", "globalThis"];

/// Words after which a `/` starts a regular expression, not a division.
const BEFORE_EXPRESSION: &[&str] = &[
    "return",
    "typeof",
    "case",
    "do",
    "else",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "instanceof",
    "yield",
    "await",
];

/// The first navigation to a string literal in `code`, in source order:
/// `[prefix.]location = "…"`, `[prefix.]location.href = "…"`,
/// `[prefix.]location.replace("…")` / `.assign("…")`, and
/// `window.open("…", …)` / `window.navigate("…")` (also on `self`, `top`,
/// `parent`). A string given to `setTimeout` / `setInterval` is scanned as
/// code too (`setTimeout("location.href='…'", 0)`). The URL is unescaped
/// and trimmed; an empty one, a `#fragment` or a `javascript:` URL is no
/// navigation, and the search goes on.
pub fn navigation(code: &str) -> Option<String> {
    scan(code, true)
}

fn scan(code: &str, follow_strings: bool) -> Option<String> {
    let b = code.as_bytes();
    let mut i = 0;
    // What the previous token allows: a regular expression (vs a division),
    // a new member chain (not after `.`), a navigation (not a `var location`).
    let mut regex_allowed = true;
    let mut after_dot = false;
    let mut declaring = false;
    // Only whitespace and comments so far on this line (for `-->`).
    let mut line_start = true;
    while let Some(&c) = b.get(i) {
        if c == b'\n' || c == b'\r' {
            line_start = true;
            i += 1;
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if let Some(end) = comment_end(b, i, line_start) {
            i = end;
            continue;
        }
        line_start = false;
        if is_ident(c) {
            let end = ident_end(b, i);
            let word = code.get(i..end).unwrap_or_default();
            if !after_dot
                && !declaring
                && let Some(url) = at_chain(code, i, follow_strings)
            {
                return Some(url);
            }
            regex_allowed = BEFORE_EXPRESSION.contains(&word);
            declaring = matches!(word, "var" | "let" | "const");
            after_dot = false;
            i = end;
            continue;
        }
        i = match c {
            b'"' | b'\'' | b'`' => literal::skip_string(b, i),
            b'/' if regex_allowed => literal::skip_regex(b, i),
            _ => i + 1,
        };
        regex_allowed = match c {
            b'"' | b'\'' | b'`' | b')' | b']' => false,
            b'/' => !regex_allowed,
            _ => true,
        };
        after_dot = c == b'.';
        declaring = false;
    }
    None
}

/// The navigation made by the member chain starting at `start`, if any.
fn at_chain(code: &str, start: usize, follow_strings: bool) -> Option<String> {
    let (chain, end) = member_chain(code, start);
    let mut names = chain.as_slice();
    // Whether the chain's object is a window (`window.open`, not `document.open`).
    let mut on_window = false;
    while let [first, rest @ ..] = names
        && !rest.is_empty()
        && PREFIXES.contains(first)
    {
        on_window = *first != "document";
        names = rest;
    }
    let url = match names {
        ["location"] | ["location", "href"] => assigned_literal(code, end)?,
        ["location", "replace" | "assign"] => argument_literal(code, end)?,
        ["open" | "navigate"] if on_window => argument_literal(code, end)?,
        ["setTimeout" | "setInterval"] if follow_strings && (on_window || chain.len() == 1) => {
            return scan(&argument_literal(code, end)?, false);
        }
        _ => return None,
    };
    let url = url.trim_matches(|c: char| c <= ' ');
    leaves_page(url).then(|| url.to_string())
}

/// The identifiers of the dotted chain starting at `start` (`a.b . c`,
/// comments allowed around the dots), and the offset after the last one.
fn member_chain(code: &str, start: usize) -> (Vec<&str>, usize) {
    let b = code.as_bytes();
    let mut end = ident_end(b, start);
    let mut names = vec![code.get(start..end).unwrap_or_default()];
    loop {
        let dot = skip_trivia(b, end).0;
        if b.get(dot) != Some(&b'.') || b.get(dot + 1) == Some(&b'.') {
            break;
        }
        let name = skip_trivia(b, dot + 1).0;
        if !b.get(name).copied().is_some_and(is_ident) {
            break;
        }
        end = ident_end(b, name);
        names.push(code.get(name..end).unwrap_or_default());
    }
    (names, end)
}

/// The literal in `= "…"` at `at`, when it is the whole right-hand side: not
/// `==`, `===` or `=>`, and not `"…" + rest` or `"…".concat(…)`.
fn assigned_literal(code: &str, at: usize) -> Option<String> {
    let b = code.as_bytes();
    let eq = skip_trivia(b, at).0;
    if b.get(eq) != Some(&b'=') || matches!(b.get(eq + 1), Some(b'=' | b'>')) {
        return None;
    }
    let (value, end) = literal::read(code, skip_trivia(b, eq + 1).0)?;
    let (next, line_break) = skip_trivia(b, end);
    let ends_expression = match b.get(next) {
        None | Some(b';' | b',' | b')' | b'}' | b']') => true,
        // Automatic semicolon insertion, unless the next line continues the
        // expression (`+ x`, `(…)`, `.x`, …).
        Some(&c) => line_break && (is_ident(c) || matches!(c, b'"' | b'\'' | b'{')),
    };
    ends_expression.then_some(value)
}

/// The literal first argument of the call whose `(` is at `at`, when it is
/// the whole argument (followed by `,` or `)`).
fn argument_literal(code: &str, at: usize) -> Option<String> {
    let b = code.as_bytes();
    let open = skip_trivia(b, at).0;
    if b.get(open) != Some(&b'(') {
        return None;
    }
    let (value, end) = literal::read(code, skip_trivia(b, open + 1).0)?;
    let next = skip_trivia(b, end).0;
    matches!(b.get(next), Some(b',' | b')')).then_some(value)
}

/// Skips whitespace and `//` / `/* */` comments from `i`: the offset after
/// them, and whether a line break was among them.
fn skip_trivia(b: &[u8], mut i: usize) -> (usize, bool) {
    let mut line_break = false;
    while let Some(&c) = b.get(i) {
        if c.is_ascii_whitespace() {
            line_break |= c == b'\n' || c == b'\r';
            i += 1;
        } else if let Some(end) = comment_end(b, i, false) {
            // A line comment's own line break is left to the whitespace arm.
            line_break |= b[i..end].iter().any(|&c| c == b'\n' || c == b'\r');
            i = end;
        } else {
            break;
        }
    }
    (i, line_break)
}

/// If a comment starts at `i`, where it ends (a line comment: at its line
/// break). Browsers also treat `<!--`, and `-->` at the start of a line, as
/// line comments (old pages wrap scripts in them).
fn comment_end(b: &[u8], i: usize, line_start: bool) -> Option<usize> {
    let rest = &b[i..];
    let line = rest.starts_with(b"//") || rest.starts_with(b"<!--") || (line_start && rest.starts_with(b"-->"));
    if line {
        return Some(rest.iter().position(|&c| c == b'\n' || c == b'\r').map_or(b.len(), |n| i + n));
    }
    if rest.starts_with(b"/*") {
        return Some(rest[2..].windows(2).position(|w| w == b"*/").map_or(b.len(), |n| i + 2 + n + 2));
    }
    None
}

/// Letters, digits, `_`, `$`, and (so that `ëlocation` is one word) any
/// non-ASCII byte.
fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

fn ident_end(b: &[u8], start: usize) -> usize {
    start + b[start..].iter().take_while(|&&c| is_ident(c)).count()
}

/// Whether navigating to `url` leaves the page: not empty (a reload), not
/// a `#fragment`, not a `javascript:` URL.
fn leaves_page(url: &str) -> bool {
    !url.is_empty() && !url.starts_with('#') && !url.get(..11).is_some_and(|s| s.eq_ignore_ascii_case("javascript:"))
}

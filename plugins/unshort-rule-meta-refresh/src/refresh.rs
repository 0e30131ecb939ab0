//! Parsing a refresh tag's `content` value as browsers do: the HTML
//! standard's "shared declarative refresh steps".

/// What a refresh value asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Refresh<'a> {
    /// Not a refresh at all (no delay): a browser ignores it and keeps
    /// looking at later `<meta>` tags.
    Invalid,
    /// A refresh of the page itself (a bare delay, or an empty URL).
    SamePage,
    /// A refresh to this URL, as written (possibly relative), trimmed.
    To(&'a str),
}

/// Parses `value` step by step like the standard:
///
/// 1. skip ASCII whitespace; read the digits of the delay. With no digits
///    the value is invalid, unless a `.` follows (`.5` is a valid delay);
/// 2. skip any further digits and dots (`1.5`);
/// 3. if anything is left, the next character must be `;`, `,` or ASCII
///    whitespace — otherwise the value is invalid (`5x`). Then skip
///    whitespace, one optional `;` or `,`, and whitespace again. So
///    `0 https://a/b` (whitespace alone separating the delay and the URL)
///    is valid, exactly as browsers accept it;
/// 4. if anything is left, it is the URL, optionally introduced by `url`
///    (any case), whitespace, `=`, whitespace. A `u`, `ur` or `url` not
///    followed by `=` is *part of the URL* (`0; urgent.html`), as in the
///    standard. After `url=` — or right away when the URL does not start
///    with `u` — an opening `'` or `"` makes the URL end at the matching
///    quote (or at the end of the value when it is never closed).
///
/// The URL is trimmed of leading and trailing C0 controls and spaces, as
/// the URL parser would; an empty URL is the page itself.
pub fn parse(value: &str) -> Refresh<'_> {
    let b = value.as_bytes();
    let mut i = skip_space(b, 0);
    let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 && b.get(i) != Some(&b'.') {
        return Refresh::Invalid;
    }
    i += b[i..].iter().take_while(|c| c.is_ascii_digit() || **c == b'.').count();
    if let Some(&c) = b.get(i) {
        if !(c == b';' || c == b',' || is_space(c)) {
            return Refresh::Invalid;
        }
        i = skip_space(b, i);
        if matches!(b.get(i), Some(b';' | b',')) {
            i += 1;
        }
        i = skip_space(b, i);
    }
    if i >= b.len() {
        return Refresh::SamePage;
    }
    let url = match url_keyword_end(b, i) {
        Some(after) => unquote(b, after),
        None if b[i].eq_ignore_ascii_case(&b'u') => (i, b.len()),
        None => unquote(b, i),
    };
    let url = value.get(url.0..url.1).unwrap_or_default().trim_matches(|c: char| c <= ' ');
    if url.is_empty() { Refresh::SamePage } else { Refresh::To(url) }
}

/// If `url`, whitespace, `=`, whitespace starts at `i`: where it ends.
fn url_keyword_end(b: &[u8], i: usize) -> Option<usize> {
    if !b.get(i..i + 3)?.eq_ignore_ascii_case(b"url") {
        return None;
    }
    let i = skip_space(b, i + 3);
    (b.get(i) == Some(&b'=')).then(|| skip_space(b, i + 1))
}

/// The byte range of the URL starting at `i`: inside quotes when it opens
/// with one (up to the closing quote or the end), else the rest.
fn unquote(b: &[u8], i: usize) -> (usize, usize) {
    match b.get(i) {
        Some(&quote @ (b'\'' | b'"')) => {
            let end = b[i + 1..].iter().position(|&c| c == quote).map_or(b.len(), |n| i + 1 + n);
            (i + 1, end)
        }
        _ => (i, b.len()),
    }
}

fn skip_space(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|&c| is_space(c)) {
        i += 1;
    }
    i
}

/// The standard's ASCII whitespace.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r')
}

#[cfg(test)]
mod tests {
    use super::Refresh::*;
    use super::*;

    #[test]
    fn every_spelling_of_a_url() {
        for (value, url) in [
            ("0;url=https://a/b", "https://a/b"),
            ("0; URL=https://a/b", "https://a/b"),
            ("0;URL='https://a/b'", "https://a/b"),
            ("0; url=\"https://a/b\"", "https://a/b"),
            ("  3 ; Url = /relative?x=1&y=2 ", "/relative?x=1&y=2"),
            ("0,https://a/b", "https://a/b"),
            ("0 https://a/b", "https://a/b"),
            ("0\t\n https://a/b", "https://a/b"),
            ("0 ; https://a/b", "https://a/b"),
            ("1.5; url=/x", "/x"),
            (".5;url=/x", "/x"),
            ("1.2.3;url=/x", "/x"),
            ("0;uRl=/x", "/x"),
            ("0;'https://a/b'", "https://a/b"),
            ("0;url='https://a/b' trailing", "https://a/b"),
            ("0;url='https://a/b", "https://a/b"),
            ("0;url=\"a'b\"", "a'b"),
            ("0;url=https://a/b'", "https://a/b'"),
            ("0;url=https://a/b c", "https://a/b c"),
            ("0; url =\t'/x' ", "/x"),
            ("0;url=\u{1}/x\u{1f}", "/x"),
            ("0;url=/é?q=ü", "/é?q=ü"),
        ] {
            assert_eq!(parse(value), To(url), "{value:?}");
        }
    }

    #[test]
    fn a_u_without_equals_belongs_to_the_url() {
        assert_eq!(parse("0; urgent.html"), To("urgent.html"));
        assert_eq!(parse("0; url"), To("url"));
        assert_eq!(parse("0; url /x"), To("url /x"));
        // Quotes are only special right after `url=` or at the start.
        assert_eq!(parse("0; u'x'"), To("u'x'"));
    }

    #[test]
    fn a_bare_delay_or_empty_url_is_the_same_page() {
        for value in
            ["5", "0", " 0 ", "0;", "0 ;  ", "0,", "1.5", "0;url=", "0; URL = ", "0;url=''", "0;\"\"", "0;url=\" \""]
        {
            assert_eq!(parse(value), SamePage, "{value:?}");
        }
    }

    #[test]
    fn no_delay_is_invalid() {
        for value in ["", "   ", "url=/x", ";url=/x", "x", "-1;url=/x", "0x;url=/x", "5a", "0:url=/x", "\u{a0}0;url=/x"]
        {
            assert_eq!(parse(value), Invalid, "{value:?}");
        }
    }
}

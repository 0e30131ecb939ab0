//! t.co-style pages: a `<noscript>` meta refresh for clients without script
//! plus a `location.replace("…")` for the rest, both to the destination.
//! Deliberately simple (the `meta-refresh` and `js-location` rules parse
//! such pages fully): a `<noscript>` holding a refresh `<meta>` marks the
//! page, and the first `location.replace` string literal is the answer.

/// The destination of a t.co-style page, if `body` is one.
pub fn destination(body: &str) -> Option<String> {
    // `to_ascii_lowercase` keeps every byte offset, so positions found in
    // `lower` are valid in `body`.
    let lower = body.to_ascii_lowercase();
    if !has_noscript_refresh(&lower) {
        return None;
    }
    const CALL: &str = "location.replace";
    let mut from = 0;
    while let Some(found) = lower.get(from..).and_then(|rest| rest.find(CALL)) {
        let (url, end) = call_literal(body, from + found + CALL.len());
        if url.is_some() {
            return url;
        }
        // Resume after what was read, so that an unclosed literal is not
        // re-read from each `location.replace` inside it (quadratic time).
        from = end;
    }
    None
}

/// Whether some `<noscript>` element of the (lowercased) page holds a
/// `<meta … http-equiv=… refresh …>`.
fn has_noscript_refresh(lower: &str) -> bool {
    let mut from = 0;
    while let Some(start) = lower.get(from..).and_then(|rest| rest.find("<noscript")).map(|i| from + i) {
        let end = lower.get(start..).and_then(|rest| rest.find("</noscript")).map_or(lower.len(), |i| start + i);
        let mut section = lower.get(start..end).unwrap_or_default();
        while let Some(meta) = section.find("<meta") {
            let tag = &section[meta..];
            let tag_end = tag.find('>').unwrap_or(tag.len());
            if tag[..tag_end].contains("http-equiv") && tag[..tag_end].contains("refresh") {
                return true;
            }
            section = &tag[tag_end..];
        }
        from = end.max(start + 1);
    }
    false
}

/// The string literal argument of the call whose name ends at `at`:
/// `("…")` or `('…')`, spaces allowed, with `\/`, `\\`, `\"`, `\'`, `\xHH`
/// and `\uHHHH` escapes — if it is a closed, non-empty literal that leaves
/// the page — and the offset where reading stopped.
fn call_literal(code: &str, at: usize) -> (Option<String>, usize) {
    let Some(rest) = code.get(at..).map(str::trim_start).and_then(|r| r.strip_prefix('(')).map(str::trim_start) else {
        return (None, at);
    };
    let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
        return (None, code.len() - rest.len());
    };
    let mut chars = rest[1..].chars();
    let url = read_literal(&mut chars, quote);
    let end = code.len() - chars.as_str().len();
    let url = url.as_deref().map(|u| u.trim_matches(|c: char| c <= ' ')).filter(|u| leaves_page(u));
    (url.map(str::to_string), end)
}

/// The rest of a literal opened by `quote`, unescaped; `None` if it is not
/// closed on its line or holds a malformed escape.
fn read_literal(chars: &mut std::str::Chars<'_>, quote: char) -> Option<String> {
    let mut url = String::new();
    loop {
        match chars.next()? {
            c if c == quote => return Some(url),
            '\n' | '\r' => return None,
            '\\' => match chars.next()? {
                'x' => url.push(hex_escape(chars, 2)?),
                'u' => url.push(hex_escape(chars, 4)?),
                other => url.push(other),
            },
            c => url.push(c),
        }
    }
}

/// Not empty (a reload), not a `#fragment`, not a `javascript:` URL.
fn leaves_page(url: &str) -> bool {
    !url.is_empty() && !url.starts_with('#') && !url.get(..11).is_some_and(|s| s.eq_ignore_ascii_case("javascript:"))
}

fn hex_escape(chars: &mut std::str::Chars<'_>, digits: usize) -> Option<char> {
    let value = (0..digits).try_fold(0u32, |n, _| Some(n * 16 + chars.next()?.to_digit(16)?))?;
    Some(char::from_u32(value).unwrap_or('\u{fffd}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TCO: &str = concat!(
        r#"<head><meta name="referrer" content="always"><noscript>"#,
        r#"<META http-equiv="refresh" content="0;URL=https://dest.example/page?a=1&amp;b=2"></noscript>"#,
        r#"<title>https://dest.example/page?a=1&amp;b=2</title></head><script>window.opener = null; "#,
        r#"location.replace("https:\/\/dest.example\/page?a=1\u0026b=2")</script>"#,
    );

    #[test]
    fn follows_a_tco_page() {
        assert_eq!(destination(TCO).as_deref(), Some("https://dest.example/page?a=1&b=2"));
        let single = concat!(
            "<noscript><meta content='0;url=/x' http-equiv=Refresh></noscript>",
            "<script>location.replace ( '/x\\x2Fy' )</script>",
        );
        assert_eq!(destination(single).as_deref(), Some("/x/y"));
    }

    #[test]
    fn needs_the_noscript_refresh() {
        let script_only = r#"<script>location.replace("https://dest.example/")</script>"#;
        assert_eq!(destination(script_only), None);
        let meta_outside = concat!(
            r#"<meta http-equiv="refresh" content="0;url=/x"><noscript>hi</noscript>"#,
            r#"<script>location.replace("/x")</script>"#,
        );
        assert_eq!(destination(meta_outside), None);
        let other_meta =
            r#"<noscript><meta name="robots" content="noindex"></noscript><script>location.replace("/x")</script>"#;
        assert_eq!(destination(other_meta), None);
        let later = concat!(
            r#"<noscript>a</noscript><noscript><meta http-equiv="refresh" content="0;url=/x"></noscript>"#,
            r#"<script>location.replace("/x")</script>"#,
        );
        assert_eq!(destination(later).as_deref(), Some("/x"));
    }

    #[test]
    fn needs_a_usable_literal() {
        let page = |call: &str| {
            format!(r#"<noscript><meta http-equiv="refresh" content="0;url=/x"></noscript><script>{call}</script>"#)
        };
        for call in [
            "location.replace(url)",
            "location.replace(\"\")",
            "location.replace(' ')",
            "location.replace('#top')",
            "location.replace('javascript:x()')",
            "location.replace('/cut",
            "location.replace('/x\\u00')",
            "location.replace('line\nbreak')",
            "location.replace",
        ] {
            assert_eq!(destination(&page(call)), None, "{call}");
        }
        assert_eq!(destination(&page("location.replace(x); location.replace('/second')")).as_deref(), Some("/second"));
    }

    #[test]
    fn unclosed_noscript_and_odd_bytes() {
        let cut = "<noscript><meta http-equiv=refresh content=0;url=/x><script>location.replace('/é\\u00e9')";
        assert_eq!(destination(cut).as_deref(), Some("/éé"));
        assert_eq!(destination("<noscript"), None);
        assert_eq!(destination(""), None);
    }

    /// A 256 KiB page of unclosed calls must not be re-read from each one.
    #[test]
    fn scans_in_linear_time() {
        let marker = "<noscript><meta http-equiv=refresh></noscript>";
        let started = std::time::Instant::now();
        assert_eq!(destination(&format!("{marker}{}", "location.replace('#'); ".repeat(12_000))), None);
        assert_eq!(destination(&format!("{marker}{}", "location.replace(".repeat(15_000))), None);
        assert_eq!(destination(&format!("{marker}location.replace('{}", "\\a".repeat(130_000))), None);
        let many = "<noscript><meta name=x><meta name=y></noscript>".repeat(5_000);
        assert_eq!(destination(&many), None);
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "took {:?}", started.elapsed());
    }
}

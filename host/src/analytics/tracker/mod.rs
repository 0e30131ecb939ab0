//! The browser tracker, served as `GET /script.js`: page views (also SPA
//! navigations), engagement time, custom events, outbound-link and download
//! clicks, POSTed as `text/plain` JSON to `/api/collect`. The contract (the
//! payload's fields, the `data-*` options, when it sends nothing) is the
//! comment at the top of `script.js`.
//!
//! The readable source is kept in the repository; what is served is that
//! source [`compact`]ed once, at first use: full-line comments, indentation
//! and the whitespace that separates no two words are dropped. That is not a
//! general JavaScript minifier, so `script.js` keeps to what it handles
//! safely (no comment after code on a line, no template literals, no regular
//! expression with a quote or a space, a semicolon after every statement),
//! and the tests below check the served text for it. It brings the script
//! from about 2.8 KB gzipped to under 1.5 KB, without a JavaScript toolchain
//! in the build.

use std::sync::LazyLock;

/// The readable source, as kept in the repository.
pub const SOURCE: &str = include_str!("script.js");

/// The `Content-Type` to serve [`script`] with.
pub const CONTENT_TYPE: &str = "application/javascript; charset=utf-8";

/// The tracker as served: [`SOURCE`], compacted.
pub fn script() -> &'static str {
    static SERVED: LazyLock<String> = LazyLock::new(|| compact(SOURCE));
    &SERVED
}

/// Drops full-line `//` comments, blank lines, and every run of whitespace
/// outside string literals except where it separates two words (`var x`)
/// or two `+`/`-` (`a + +b`), which keep one space. A line break stays
/// where automatic semicolon insertion could depend on it: after a word
/// (`return` on a line of its own) and before `+`/`-` (`a\n++b`).
fn compact(source: &str) -> String {
    let code = source
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut out = String::with_capacity(code.len());
    let mut chars = code.chars().peekable();
    let mut quote = None;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == '\\' {
                out.extend(chars.next());
            } else if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_whitespace() {
            let mut line_break = c == '\n';
            while let Some(c) = chars.next_if(|c| c.is_whitespace()) {
                line_break |= c == '\n';
            }
            if let (Some(before), Some(&after)) = (out.chars().last(), chars.peek()) {
                if line_break && (word(before) || matches!(after, '+' | '-')) {
                    out.push('\n');
                } else if (word(before) && word(after)) || (before == after && matches!(before, '+' | '-')) {
                    out.push(' ');
                }
            }
            continue;
        }
        if c == '"' || c == '\'' {
            quote = Some(c);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// The budget for what is served, gzipped (Plausible's is about 1.9 KB).
    const MAX_GZIPPED: usize = 1536;

    fn gzipped(text: &str) -> usize {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(text.as_bytes()).unwrap();
        encoder.finish().unwrap().len()
    }

    #[test]
    fn the_served_script_is_at_most_1536_bytes_gzipped() {
        let size = gzipped(script());
        println!("served: {} bytes, {size} gzipped", script().len());
        assert!(size <= MAX_GZIPPED, "the tracker is {size} bytes gzipped; the budget is {MAX_GZIPPED}");
        // The compaction is what keeps it there: the readable source alone is over.
        assert!(gzipped(SOURCE) > MAX_GZIPPED, "the source fits without compaction; is `compact` still needed?");
    }

    #[test]
    fn compact_drops_comments_and_spaces_but_keeps_words_and_strings_apart() {
        let source =
            "// a comment\n(function () {\n  // another\n  var a = b + +c;\n  return \"x  // y\" + ' z ';\n\n})();\n";
        assert_eq!(compact(source), "(function(){var a=b+ +c;return\"x  // y\"+' z ';})();");
        assert_eq!(compact("if (a) return\n  b;"), "if(a)return\nb;");
        assert_eq!(compact("a = b\n  ++c;\nd = {\n  e: 1\n};"), "a=b\n++c;d={e:1\n};");
        assert_eq!(compact(r#"var s = "a \" b";  x"#), r#"var s="a \" b";x"#);
    }

    /// What `compact` cannot handle must not be in the source: a comment
    /// after code (it would swallow the following lines once they are
    /// joined), a block comment or a template literal.
    #[test]
    fn the_served_script_has_no_comments_or_template_literals_left() {
        let served = script();
        for forbidden in ["//", "/*", "`"] {
            assert!(!served.contains(forbidden), "the served script contains {forbidden:?}");
        }
    }

    /// Every string literal of the source reaches the served script intact
    /// (the payload's field names, the attribute names, the extension list).
    #[test]
    fn compaction_keeps_every_string_literal() {
        let code: String = SOURCE.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        let literals: Vec<&str> = code.split('"').skip(1).step_by(2).collect();
        assert!(literals.contains(&"/api/collect") && literals.contains(&"engagement"), "{literals:?}");
        let served: Vec<&str> = script().split('"').skip(1).step_by(2).collect();
        assert_eq!(served, literals);
    }
}

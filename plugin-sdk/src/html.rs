//! A small, forgiving HTML start-tag scanner, modelled on the WHATWG
//! tokenizer closely enough to find the tags a browser would see: comments
//! are skipped, raw-text elements (`<script>`, `<style>`, …) are not parsed
//! for tags, and attribute values may be double-, single- or unquoted.
//!
//! It makes one forward pass over the text (every byte is looked at a bounded
//! number of times), so a large page costs linear time. All offsets are those
//! of ASCII bytes, which are always `char` boundaries in UTF-8.
//!
//! For unshort rules (feature `unshort-rule`): the built-in `meta-refresh`
//! and `js-location` rules both read pages through it.

/// One start tag.
pub struct Tag<'a> {
    name: &'a str,
    /// (name, value) as written: values not yet entity-decoded.
    attrs: Vec<(&'a str, &'a str)>,
    /// The content of a raw-text element, up to its end tag (or the end of
    /// the text when that is missing, e.g. cut off by the body prefix).
    pub raw_text: Option<&'a str>,
}

impl<'a> Tag<'a> {
    /// Whether this is a `name` tag (case-insensitive).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The decoded value of the first attribute named `name`
    /// (case-insensitive); browsers ignore later duplicates too.
    pub fn attr(&self, name: &str) -> Option<String> {
        self.attrs.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| decode_entities(v))
    }
}

/// The start tags of `html`, in document order. `raw_text` lists the
/// elements whose content is skipped (and exposed as [`Tag::raw_text`]).
/// A tag cut off by the end of the text is dropped, as a browser drops it.
pub fn tags<'a>(html: &'a str, raw_text: &'static [&'static str]) -> Tags<'a> {
    Tags { html, pos: 0, raw_text }
}

pub struct Tags<'a> {
    html: &'a str,
    pos: usize,
    raw_text: &'static [&'static str],
}

impl<'a> Iterator for Tags<'a> {
    type Item = Tag<'a>;

    fn next(&mut self) -> Option<Tag<'a>> {
        let b = self.html.as_bytes();
        loop {
            let lt = self.pos + b.get(self.pos..)?.iter().position(|&c| c == b'<')?;
            let after = lt + 1;
            let rest = &b[after..];
            if rest.starts_with(b"!--") {
                self.pos = comment_end(b, after + 3);
            } else if matches!(rest.first(), Some(b'!' | b'?' | b'/')) {
                // Doctype, bogus comment or end tag: nothing to report.
                self.pos = find_byte(b, after, b'>').map_or(b.len(), |i| i + 1);
            } else if rest.first().is_some_and(u8::is_ascii_alphabetic) {
                let Some(tag) = self.start_tag(after) else {
                    self.pos = b.len();
                    return None;
                };
                return Some(tag);
            } else {
                // A lone `<` is text.
                self.pos = after;
            }
        }
    }
}

impl<'a> Tags<'a> {
    /// Parses the start tag whose name begins at `start`, leaving `pos` after
    /// it (and after its content, for a raw-text element). `None` when the
    /// text ends inside the tag.
    fn start_tag(&mut self, start: usize) -> Option<Tag<'a>> {
        let b = self.html.as_bytes();
        let mut i = start;
        while !matches!(*b.get(i)?, b'>' | b'/') && !is_space(b[i]) {
            i += 1;
        }
        let name = slice(self.html, start, i);
        let mut attrs = Vec::new();
        loop {
            while is_space(*b.get(i)?) || b[i] == b'/' {
                i += 1;
            }
            if b[i] == b'>' {
                i += 1;
                break;
            }
            // A name may start with `=`; it then runs to a space, `/`, `>` or `=`.
            let name_start = i;
            i += 1;
            while !matches!(*b.get(i)?, b'>' | b'/' | b'=') && !is_space(b[i]) {
                i += 1;
            }
            let attr_name = slice(self.html, name_start, i);
            while is_space(*b.get(i)?) {
                i += 1;
            }
            let mut value = "";
            if b[i] == b'=' {
                i += 1;
                while is_space(*b.get(i)?) {
                    i += 1;
                }
                match b[i] {
                    quote @ (b'"' | b'\'') => {
                        let end = find_byte(b, i + 1, quote)?;
                        value = slice(self.html, i + 1, end);
                        i = end + 1;
                    }
                    b'>' => {}
                    _ => {
                        let value_start = i;
                        while !is_space(*b.get(i)?) && b[i] != b'>' {
                            i += 1;
                        }
                        value = slice(self.html, value_start, i);
                    }
                }
            }
            attrs.push((attr_name, value));
        }
        let mut raw_text = None;
        if self.raw_text.iter().any(|raw| name.eq_ignore_ascii_case(raw)) {
            let end = end_tag(b, i, name.as_bytes()).unwrap_or(b.len());
            raw_text = Some(slice(self.html, i, end));
            i = end;
        }
        self.pos = i;
        Some(Tag { name, attrs, raw_text })
    }
}

/// Where a comment whose text starts at `start` (after `<!--`) ends: after
/// `-->`, `--!>`, or the abrupt `<!-->` / `<!--->`; the end of the text if
/// it is never closed.
fn comment_end(b: &[u8], start: usize) -> usize {
    let rest = b.get(start..).unwrap_or_default();
    if rest.starts_with(b">") {
        return start + 1;
    }
    if rest.starts_with(b"->") {
        return start + 2;
    }
    let mut i = start;
    while let Some(dash) = find_byte(b, i, b'-') {
        let tail = &b[dash..];
        if tail.starts_with(b"-->") {
            return dash + 3;
        }
        if tail.starts_with(b"--!>") {
            return dash + 4;
        }
        i = dash + 1;
    }
    b.len()
}

/// The offset of the `</name` end tag (case-insensitive, followed by a
/// space, `/` or `>`) at or after `from`.
fn end_tag(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    loop {
        let lt = find_byte(b, i, b'<')?;
        let candidate = &b[lt + 1..];
        if candidate.first() == Some(&b'/')
            && candidate.get(1..=name.len()).is_some_and(|n| n.eq_ignore_ascii_case(name))
            && candidate.get(name.len() + 1).is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
        {
            return Some(lt);
        }
        i = lt + 1;
    }
}

fn find_byte(b: &[u8], from: usize, byte: u8) -> Option<usize> {
    b.get(from..)?.iter().position(|&c| c == byte).map(|i| i + from)
}

/// HTML's ASCII whitespace.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r')
}

/// `s[start..end]`; the offsets are those of ASCII bytes (or the ends), so
/// this never falls back to the empty string in practice.
fn slice(s: &str, start: usize, end: usize) -> &str {
    s.get(start..end).unwrap_or_default()
}

/// Decodes the character references in an attribute value: numeric ones
/// (`&#39;`, `&#x2F;`, with or without `;`) and the named ones that turn up
/// in URLs. An unknown or malformed reference is kept as written.
pub fn decode_entities(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match decode_reference(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Named references worth decoding in a URL, and whether browsers also
/// accept them without the `;` (the legacy ones).
const NAMED: &[(&str, char, bool)] = &[
    ("amp", '&', true),
    ("quot", '"', true),
    ("lt", '<', true),
    ("gt", '>', true),
    ("apos", '\'', false),
    ("sol", '/', false),
    ("colon", ':', false),
    ("quest", '?', false),
    ("equals", '=', false),
    ("num", '#', false),
    ("percnt", '%', false),
];

/// The character a reference at the start of `s` (which starts with `&`)
/// stands for, and the reference's length in bytes.
fn decode_reference(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    if b.get(1) == Some(&b'#') {
        let hex = matches!(b.get(2), Some(b'x' | b'X'));
        let start = if hex { 3 } else { 2 };
        let radix = if hex { 16 } else { 10 };
        let digits = b[start..].iter().take_while(|c| (**c as char).is_digit(radix)).count();
        if digits == 0 {
            return None;
        }
        // Saturate: anything past U+10FFFF is out of range anyway.
        let code = b[start..start + digits]
            .iter()
            .filter_map(|c| (*c as char).to_digit(radix))
            .fold(0u32, |n, d| n.saturating_mul(radix).saturating_add(d));
        let c = if code == 0 { None } else { char::from_u32(code) };
        let end = start + digits;
        let len = if b.get(end) == Some(&b';') { end + 1 } else { end };
        return Some((c.unwrap_or('\u{fffd}'), len));
    }
    let name_len = b[1..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    let name = &s[1..1 + name_len];
    let (_, c, legacy) = NAMED.iter().find(|(n, _, _)| *n == name)?;
    match b.get(1 + name_len) {
        Some(b';') => Some((*c, name_len + 2)),
        // In attributes, `&amp=` and `&ampx` stay as written (historical).
        Some(b'=') => None,
        _ if *legacy => Some((*c, name_len + 1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW_TEXT: &[&str] = &["script", "style", "title", "textarea"];

    fn names(html: &str, raw: &'static [&'static str]) -> Vec<String> {
        tags(html, raw).map(|t| t.name.to_ascii_lowercase()).collect()
    }

    #[test]
    fn finds_start_tags_in_order() {
        let html = "<!DOCTYPE html><HTML><head><meta charset=utf-8></head><body a=b><p>x</p></body></html>";
        assert_eq!(names(html, RAW_TEXT), ["html", "head", "meta", "body", "p"]);
    }

    #[test]
    fn attributes_in_every_quoting() {
        let html = r#"<meta A="1" b='2' c=3 d e = "5" f=a"b g/>"#;
        let tag = tags(html, RAW_TEXT).next().unwrap();
        assert!(tag.is("META"));
        assert_eq!(tag.attr("a").as_deref(), Some("1"));
        assert_eq!(tag.attr("B").as_deref(), Some("2"));
        assert_eq!(tag.attr("c").as_deref(), Some("3"));
        assert_eq!(tag.attr("d").as_deref(), Some(""));
        assert_eq!(tag.attr("e").as_deref(), Some("5"));
        assert_eq!(tag.attr("f").as_deref(), Some("a\"b"));
        assert_eq!(tag.attr("g").as_deref(), Some(""));
        assert_eq!(tag.attr("h"), None);
    }

    #[test]
    fn quoted_values_may_hold_markup() {
        let html = r#"<a title="<b>x</b>" href='/y>z'><i>"#;
        let mut all = tags(html, RAW_TEXT);
        assert_eq!(all.next().unwrap().attr("href").as_deref(), Some("/y>z"));
        assert!(all.next().unwrap().is("i"));
        assert!(all.next().is_none());
    }

    #[test]
    fn first_duplicate_attribute_wins() {
        let tag = tags("<meta content=a CONTENT=b>", RAW_TEXT).next().unwrap();
        assert_eq!(tag.attr("content").as_deref(), Some("a"));
    }

    #[test]
    fn comments_hide_tags() {
        let html = "<!-- <meta a=1> --><!--><i><!---><b><!-- a -- b --!><u><!-- x";
        assert_eq!(names(html, RAW_TEXT), ["i", "b", "u"]);
    }

    #[test]
    fn raw_text_is_skipped_and_exposed() {
        let html = "<script>if (a<b) x('<meta>')</script ><Style>p{}</STYLE><noscript><meta></noscript>";
        let all: Vec<_> = tags(html, RAW_TEXT).collect();
        assert_eq!(all.len(), 4);
        assert_eq!(all[0].raw_text, Some("if (a<b) x('<meta>')"));
        assert_eq!(all[1].raw_text, Some("p{}"));
        assert!(all[2].is("noscript") && all[2].raw_text.is_none());
        assert!(all[3].is("meta"));
        assert_eq!(names(html, &["script", "style", "noscript"]), ["script", "style", "noscript"]);
    }

    #[test]
    fn end_tag_needs_a_boundary() {
        let all: Vec<_> = tags("<script></scripts></script><i>", RAW_TEXT).collect();
        assert_eq!(all[0].raw_text, Some("</scripts>"));
        assert!(all[1].is("i"));
    }

    #[test]
    fn unclosed_raw_text_runs_to_the_end() {
        let all: Vec<_> = tags("<script>a = 1; <meta>", RAW_TEXT).collect();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].raw_text, Some("a = 1; <meta>"));
    }

    #[test]
    fn a_cut_off_tag_is_dropped() {
        for html in ["<i><meta a", "<i><meta a=\"1", "<i><meta a='1' ", "<i><meta a=1", "<i><meta", "<i><meta a ="] {
            assert_eq!(names(html, RAW_TEXT), ["i"], "{html}");
        }
    }

    #[test]
    fn lone_angle_brackets_are_text() {
        assert_eq!(names("a < b <3 <> <i>", RAW_TEXT), ["i"]);
    }

    #[test]
    fn decodes_references() {
        assert_eq!(decode_entities("a&amp;b&quot;&apos;&#39;&#x27;&#47;&#x2F;&lt;&gt;"), "a&b\"'''//<>");
        assert_eq!(decode_entities("&#X41;&#66&#x1F600;"), "AB😀");
        assert_eq!(decode_entities("&#0;&#xD800;&#99999999999;"), "\u{fffd}\u{fffd}\u{fffd}");
        assert_eq!(decode_entities("&sol;&colon;&quest;&equals;&num;&percnt;"), "/:?=#%");
    }

    #[test]
    fn keeps_unknown_and_historical_references() {
        assert_eq!(decode_entities("?a=1&b=2&amp=3&ampx&amp"), "?a=1&b=2&amp=3&ampx&");
        assert_eq!(decode_entities("&nosuch; & &# &#x; &apos"), "&nosuch; & &# &#x; &apos");
        assert_eq!(decode_entities("é&amp;ü"), "é&ü");
    }
}

//! Is a theme's output an SVG document a browser will draw? It must be
//! well-formed, namespace-aware XML (matched tags, quoted and unique
//! attributes, valid character and entity references, bound prefixes, no
//! DTD, only XML characters) with one `<svg>` root.
//!
//! This runs on every fresh badge, so it is one pass over the bytes with no
//! tree and no allocation beyond a small stack; general XML parsers spent
//! more time here than the theme took to draw. `roxmltree` in the tests is
//! the reference it must agree with.
//!
//! Most fresh badges differ from one already checked only in a few digits
//! of text and attribute values (the count in the title and in glyph
//! references). [`Baseline`] keeps a checked document with a map of those
//! free positions, and [`Baseline::admits`] accepts a document of the same
//! length that differs only by letters and digits replacing letters and
//! digits at free positions. Such a change cannot move a token boundary
//! (text ends at `<` or `&`, a value at its quote) nor touch a name, a
//! reference or a forbidden character, so the new document has exactly the
//! structure of the checked one and is valid too.

use memchr::{memchr, memchr3, memmem};

/// Largest SVG a plugin may return. Badges and codes are small; this stops
/// a plugin from making the server ship megabytes per request.
pub const MAX_SVG_BYTES: usize = 1024 * 1024;
/// Largest declared size, in pixels, on either axis.
pub const MAX_SIDE: u32 = 4096;

/// Refuses sizes outside 1..=[`MAX_SIDE`].
pub fn check_size(width: u32, height: u32) -> Result<(), String> {
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!("size {width}x{height} is outside 1..={MAX_SIDE}"));
    }
    Ok(())
}

/// The whole check of one document a plugin drew: its length, its declared
/// size and its markup.
pub fn check_document(svg: &str, width: u32, height: u32) -> Result<(), String> {
    if svg.len() > MAX_SVG_BYTES {
        return Err(format!("SVG of {} bytes exceeds {MAX_SVG_BYTES}", svg.len()));
    }
    check_size(width, height)?;
    Baseline::check(svg).map(drop)
}

/// A checked document and where its text and attribute values are (outside
/// references): the positions a later document may differ at.
pub struct Baseline {
    svg: Box<[u8]>,
    /// One bit per byte of `svg`.
    free: Vec<u64>,
}

impl Baseline {
    /// Checks `svg` in full, keeping it as a baseline for later documents;
    /// the error says what is wrong and where.
    pub fn check(svg: &str) -> Result<Baseline, String> {
        let mut scanner = Scanner::new(svg.as_bytes());
        scanner.free = Some(vec![0; svg.len().div_ceil(64)]);
        let free = scanner.check_and_map()?;
        Ok(Baseline { svg: svg.as_bytes().into(), free })
    }

    /// Whether the byte at `at` is a free position: in text or an attribute
    /// value, outside references. Any letter or digit may replace a letter
    /// or digit there (see [`Baseline::admits`]).
    pub fn is_free(&self, at: usize) -> bool {
        at < self.svg.len() && self.free[at / 64] & (1 << (at % 64)) != 0
    }

    /// Whether `svg` is valid because it differs from this baseline only by
    /// letters and digits in place of letters and digits at free positions.
    /// `false` means "check it in full", not "invalid".
    pub fn admits(&self, svg: &str) -> bool {
        const BLOCK: usize = 32;
        let new = svg.as_bytes();
        if new.len() != self.svg.len() {
            return false;
        }
        let blocks = self.svg.chunks(BLOCK).zip(new.chunks(BLOCK));
        blocks.enumerate().filter(|(_, (old, new))| old != new).all(|(index, (old, new))| {
            old.iter().zip(new.iter()).enumerate().filter(|(_, (a, b))| a != b).all(|(offset, (a, b))| {
                let at = index * BLOCK + offset;
                a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() && self.free[at / 64] & (1 << (at % 64)) != 0
            })
        })
    }
}

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
    /// Names of the open elements.
    open: Vec<&'a [u8]>,
    /// Declared namespace prefixes and the depth that declared them.
    prefixes: Vec<(&'a [u8], usize)>,
    /// The attribute names of the tag being read (kept to reuse its memory).
    attributes: Vec<&'a [u8]>,
    /// When building a [`Baseline`]: a bit per byte, set for text and
    /// attribute values outside references.
    free: Option<Vec<u64>>,
}

type Checked<T = ()> = Result<T, String>;

impl<'a> Scanner<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Scanner { bytes, at: 0, open: Vec::new(), prefixes: Vec::new(), attributes: Vec::new(), free: None }
    }

    fn check_and_map(mut self) -> Checked<Vec<u64>> {
        self.document()?;
        Ok(self.free.unwrap_or_default())
    }

    /// Marks `start..end` as free (when mapping).
    fn mark_free(&mut self, start: usize, end: usize) {
        let Some(free) = self.free.as_mut() else { return };
        let mut at = start;
        while at < end {
            let (word, bit) = (at / 64, at % 64);
            let count = (64 - bit).min(end - at);
            let bits = if count == 64 { u64::MAX } else { ((1u64 << count) - 1) << bit };
            free[word] |= bits;
            at += count;
        }
    }

    fn fail<T>(&self, what: &str) -> Checked<T> {
        Err(format!("not well-formed XML at byte {}: {what}", self.at))
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.at..).unwrap_or_default()
    }

    fn document(&mut self) -> Checked {
        if let Some(at) = control_character(self.bytes) {
            self.at = at;
            return self.fail("a control character");
        }
        if self.rest().starts_with("\u{feff}".as_bytes()) {
            self.at += 3;
        }
        if self.rest().starts_with(b"<?xml") && self.rest().get(5).is_some_and(|b| b.is_ascii_whitespace()) {
            self.xml_declaration()?;
        }
        self.misc()?;
        if self.peek() != Some(b'<') {
            return if self.at == self.bytes.len() {
                Err("no root element".into())
            } else {
                self.fail("text before the root")
            };
        }
        let root = self.element_tree()?;
        let local = root.rsplit(|&b| b == b':').next().unwrap_or(root);
        if local != b"svg" {
            return Err(format!("root element is <{}>, not <svg>", String::from_utf8_lossy(root)));
        }
        self.misc()?;
        if self.at != self.bytes.len() {
            return self.fail("content after the root element");
        }
        Ok(())
    }

    /// Whitespace, comments and processing instructions (outside the root).
    fn misc(&mut self) -> Checked {
        loop {
            self.skip_space();
            let rest = self.rest();
            if rest.starts_with(b"<!--") {
                self.comment()?;
            } else if rest.starts_with(b"<?") {
                self.processing_instruction()?;
            } else if rest.starts_with(b"<!") {
                return self.fail("a DTD or declaration is not allowed");
            } else {
                return Ok(());
            }
        }
    }

    /// The root element and everything in it; returns the root's name.
    fn element_tree(&mut self) -> Checked<&'a [u8]> {
        let root = self.start_tag()?;
        while !self.open.is_empty() {
            self.text()?;
            let rest = self.rest();
            if rest.is_empty() {
                return self.fail("elements left open");
            } else if rest.starts_with(b"</") {
                self.end_tag()?;
            } else if rest.starts_with(b"<!--") {
                self.comment()?;
            } else if rest.starts_with(b"<![CDATA[") {
                self.at += 9;
                self.skip_past(b"]]>", "an unclosed CDATA section")?;
            } else if rest.starts_with(b"<?") {
                self.processing_instruction()?;
            } else if rest.starts_with(b"<!") {
                return self.fail("a declaration inside an element");
            } else {
                self.start_tag()?;
            }
        }
        Ok(root)
    }

    /// Character data up to the next `<`: references must be valid and
    /// `]]>` may not appear.
    fn text(&mut self) -> Checked {
        loop {
            let rest = self.rest();
            match memchr3(b'<', b'&', b'>', rest) {
                None => {
                    self.at = self.bytes.len();
                    return Ok(());
                }
                Some(offset) => {
                    self.mark_free(self.at, self.at + offset);
                    self.at += offset;
                    match rest[offset] {
                        b'<' => return Ok(()),
                        b'&' => self.reference()?,
                        _ => {
                            if offset >= 2 && &rest[offset - 2..offset] == b"]]" {
                                return self.fail("]]> in text");
                            }
                            self.at += 1;
                        }
                    }
                }
            }
        }
    }

    /// `<name attr="value" …>` or `…/>`.
    fn start_tag(&mut self) -> Checked<&'a [u8]> {
        self.at += 1;
        let name = self.name()?;
        let depth = self.open.len() + 1;
        // Prefixes are checked once the whole tag is read: a declaration
        // on this very element counts for its own name and attributes.
        let mut attributes = std::mem::take(&mut self.attributes);
        attributes.clear();
        let empty = loop {
            let had_space = self.skip_space();
            match self.peek() {
                Some(b'>') => {
                    self.at += 1;
                    break false;
                }
                Some(b'/') if self.rest().starts_with(b"/>") => {
                    self.at += 2;
                    break true;
                }
                Some(_) if had_space => {
                    let attribute = self.name()?;
                    if attributes.contains(&attribute) {
                        return self.fail("a repeated attribute");
                    }
                    attributes.push(attribute);
                    self.equals_sign("an attribute without a value")?;
                    let value = self.attribute_value()?;
                    if let Some(prefix) = attribute.strip_prefix(b"xmlns:") {
                        if value.is_empty() {
                            return self.fail("an empty namespace declaration");
                        }
                        self.prefixes.push((prefix, depth));
                    }
                }
                Some(_) => return self.fail("attributes must be separated by space"),
                None => return self.fail("an unclosed tag"),
            }
        };
        self.check_prefix(name, false)?;
        for attribute in &attributes {
            self.check_prefix(attribute, true)?;
        }
        self.attributes = attributes;
        self.open.push(name);
        if empty {
            self.close_element();
        }
        Ok(name)
    }

    fn end_tag(&mut self) -> Checked {
        self.at += 2;
        let name = self.name()?;
        self.skip_space();
        if self.peek() != Some(b'>') {
            return self.fail("an unclosed end tag");
        }
        self.at += 1;
        if self.open.last() != Some(&name) {
            return self.fail("an end tag that does not match its start tag");
        }
        self.close_element();
        Ok(())
    }

    fn close_element(&mut self) {
        let depth = self.open.len();
        self.prefixes.retain(|&(_, declared)| declared < depth);
        self.open.pop();
    }

    /// A prefixed name needs its prefix declared (`xml` always is, and
    /// `xmlns` is the declaration itself).
    fn check_prefix(&self, name: &[u8], attribute: bool) -> Checked {
        let Some(colon) = name.iter().position(|&b| b == b':') else { return Ok(()) };
        let (prefix, local) = (&name[..colon], &name[colon + 1..]);
        let starts_a_name = |b: &u8| b.is_ascii_alphabetic() || *b == b'_' || *b >= 0x80;
        if local.contains(&b':') || !local.first().is_some_and(starts_a_name) {
            return self.fail("a malformed qualified name");
        }
        if prefix.is_empty() {
            // `:name` has no prefix to look up (the reference parser reads
            // it as a plain name).
            return Ok(());
        }
        let known = prefix == b"xml"
            || (attribute && prefix == b"xmlns")
            || self.prefixes.iter().any(|&(declared, _)| declared == prefix);
        if known { Ok(()) } else { self.fail(&format!("unbound prefix {:?}", String::from_utf8_lossy(prefix))) }
    }

    /// A quoted value taken as is (the XML declaration's).
    fn raw_quoted(&mut self) -> Checked<&'a [u8]> {
        let Some(quote @ (b'"' | b'\'')) = self.peek() else { return self.fail("an unquoted value") };
        let start = self.at + 1;
        let Some(length) = memchr(quote, &self.bytes[start..]) else { return self.fail("an unclosed value") };
        self.at = start + length + 1;
        Ok(&self.bytes[start..start + length])
    }

    /// A quoted value: no `<`, valid references. Returns the raw value.
    fn attribute_value(&mut self) -> Checked<&'a [u8]> {
        let quote = match self.peek() {
            Some(q @ (b'"' | b'\'')) => q,
            _ => return self.fail("an unquoted attribute value"),
        };
        self.at += 1;
        let start = self.at;
        loop {
            let rest = self.rest();
            let Some(offset) = memchr3(quote, b'<', b'&', rest) else {
                return self.fail("an unclosed attribute value");
            };
            self.mark_free(self.at, self.at + offset);
            self.at += offset;
            match rest[offset] {
                b'<' => return self.fail("< in an attribute value"),
                b'&' => self.reference()?,
                _ => {
                    let value = &self.bytes[start..self.at];
                    self.at += 1;
                    return Ok(value);
                }
            }
        }
    }

    /// `&name;`, `&#digits;` or `&#xhex;` naming a predefined entity or an
    /// XML character.
    fn reference(&mut self) -> Checked {
        let rest = self.rest();
        let Some(end) = memchr(b';', &rest[..rest.len().min(16)]) else {
            return self.fail("an unterminated reference");
        };
        let body = &rest[1..end];
        let valid = match body {
            b"amp" | b"lt" | b"gt" | b"quot" | b"apos" => true,
            [b'#', b'x', hex @ ..] => char_reference(hex, 16),
            [b'#', decimal @ ..] => char_reference(decimal, 10),
            _ => false,
        };
        if !valid {
            return self.fail("an unknown entity or invalid character reference");
        }
        self.at += end + 1;
        Ok(())
    }

    fn comment(&mut self) -> Checked {
        self.at += 4;
        let rest = self.rest();
        let Some(end) = memmem::find(rest, b"--") else { return self.fail("an unclosed comment") };
        if rest.get(end + 2) != Some(&b'>') {
            self.at += end;
            return self.fail("-- inside a comment");
        }
        self.at += end + 3;
        Ok(())
    }

    fn processing_instruction(&mut self) -> Checked {
        self.at += 2;
        if self.name()?.eq_ignore_ascii_case(b"xml") {
            return self.fail("an XML declaration must come first");
        }
        self.skip_past(b"?>", "an unclosed processing instruction")
    }

    /// `<?xml version="1.x" encoding="…" standalone="yes|no"?>`, the last
    /// two optional, in that order.
    fn xml_declaration(&mut self) -> Checked {
        self.at += 5;
        let mut expected: &[&[u8]] = &[b"version", b"encoding", b"standalone"];
        loop {
            let had_space = self.skip_space();
            if self.rest().starts_with(b"?>") {
                self.at += 2;
                return if expected.first() == Some(&&b"version"[..]) { self.fail("no version") } else { Ok(()) };
            }
            let name = if had_space { self.name()? } else { return self.fail("a malformed XML declaration") };
            let Some(index) = expected.iter().position(|&e| e == name) else {
                return self.fail("a malformed XML declaration");
            };
            if name != b"version" && index == 0 && expected.len() == 3 {
                return self.fail("no version");
            }
            expected = &expected[index + 1..];
            self.equals_sign("a malformed XML declaration")?;
            let value = self.raw_quoted()?;
            let valid = match name {
                // As lenient as the reference parser: the document is UTF-8
                // whatever it says, and only XML 1.x exists.
                b"version" | b"encoding" => !value.is_empty() && memchr(b'<', value).is_none(),
                _ => value == b"yes" || value == b"no",
            };
            if !valid {
                return self.fail("a malformed XML declaration");
            }
        }
    }

    fn skip_past(&mut self, end: &[u8], what: &str) -> Checked {
        match memmem::find(self.rest(), end) {
            Some(offset) => {
                self.at += offset + end.len();
                Ok(())
            }
            None => self.fail(what),
        }
    }

    /// An XML name (non-ASCII characters are accepted as name characters).
    fn name(&mut self) -> Checked<&'a [u8]> {
        let start = self.at;
        match self.peek() {
            Some(b) if NAME[b as usize] == START => self.at += 1,
            _ => return self.fail("a missing or invalid name"),
        }
        let length = self.rest().iter().position(|&b| NAME[b as usize] == NOT).unwrap_or(self.rest().len());
        self.at += length;
        Ok(&self.bytes[start..self.at])
    }

    /// `=` between optional whitespace; `missing` says what its absence means.
    fn equals_sign(&mut self, missing: &str) -> Checked {
        self.skip_space();
        if self.peek() != Some(b'=') {
            return self.fail(missing);
        }
        self.at += 1;
        self.skip_space();
        Ok(())
    }

    /// Skips XML whitespace; whether there was any.
    fn skip_space(&mut self) -> bool {
        let start = self.at;
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
        self.at > start
    }
}

/// What a byte can be in a name: [`START`] can begin one, [`MORE`] only
/// continue it (non-ASCII bytes count as name characters).
const NOT: u8 = 0;
const START: u8 = 1;
const MORE: u8 = 2;
const NAME: [u8; 256] = {
    let mut table = [NOT; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphabetic() || c == b'_' || c == b':' || c >= 0x80 {
            START
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            MORE
        } else {
            NOT
        };
        b += 1;
    }
    table
};

/// The first control character XML forbids (all below space except tab,
/// newline and carriage return). Blocks without any byte below space, the
/// usual case, are skipped with a test the compiler vectorises.
fn control_character(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 64;
    bytes.chunks(BLOCK).enumerate().find_map(|(index, block)| {
        if block.iter().fold(0u8, |low, &b| low | u8::from(b < 0x20)) == 0 {
            return None;
        }
        let position = block.iter().position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))?;
        Some(index * BLOCK + position)
    })
}

/// Whether `digits` in `radix` name a character XML allows.
fn char_reference(digits: &[u8], radix: u32) -> bool {
    let Ok(text) = std::str::from_utf8(digits) else { return false };
    if text.is_empty() || !text.bytes().all(|b| (b as char).is_digit(radix)) {
        return false;
    }
    u32::from_str_radix(text, radix).ok().and_then(char::from_u32).is_some_and(
        |c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_svg(svg: &str) -> Result<(), String> {
        Baseline::check(svg).map(drop)
    }

    /// A deterministic pseudo-random index below its argument.
    fn xorshift(mut seed: u64) -> impl FnMut(usize) -> usize {
        move |below| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % below as u64) as usize
        }
    }

    /// What the reference parser says.
    fn roxmltree_accepts(svg: &str) -> bool {
        let options = roxmltree::ParsingOptions { allow_dtd: false, ..Default::default() };
        roxmltree::Document::parse_with_options(svg, options).is_ok_and(|doc| doc.root_element().has_tag_name("svg"))
    }

    const GOOD: &[&str] = &[
        r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#,
        r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="1"><title>a &amp; b &#60; &#x3e;</title></svg>"#,
        r##"<svg><defs><g id="a"/></defs><use href="#a" xlink:href="#a" xmlns:xlink="http://www.w3.org/1999/xlink"/></svg>"##,
        "<!-- badge -->\n<svg>\n  <style><![CDATA[a{fill:red}]]></style>\n</svg>\n",
        r#"<svg:svg xmlns:svg="http://www.w3.org/2000/svg"><svg:rect/></svg:svg>"#,
        r#"<svg a='single "quoted"' b="x&quot;y"></svg>"#,
    ];

    const BAD: &[&str] = &[
        "",
        "this is not svg <<<",
        "<html/>",
        "<svg>",
        "<svg></g></svg>",
        "<svg><g></svg>",
        "<svg></svg><svg></svg>",
        "<svg></svg>trailing",
        r#"<!DOCTYPE svg [<!ENTITY a "b">]><svg/>"#,
        "<svg>&nope;</svg>",
        "<svg>& bare</svg>",
        r#"<svg a="1" a="2"/>"#,
        r#"<svg a="&bad;"/>"#,
        "<svg a=unquoted/>",
        "<svg><x:rect/></svg>",
        r#"<svg x:a="1"/>"#,
        "<svg>\u{1}</svg>",
        "<svg><!-- a -- b --></svg>",
    ];

    #[test]
    fn accepts_what_the_reference_parser_accepts() {
        for svg in GOOD {
            assert!(roxmltree_accepts(svg), "reference accepts {svg:?}");
            assert_eq!(check_svg(svg), Ok(()), "{svg:?}");
        }
    }

    #[test]
    fn refuses_what_the_reference_parser_refuses() {
        for svg in BAD {
            assert!(!roxmltree_accepts(svg), "reference refuses {svg:?}");
            assert!(check_svg(svg).is_err(), "{svg:?} must be refused");
        }
    }

    /// Deterministic mutations of a real badge (bytes deleted, duplicated
    /// or replaced by markup characters): the check and the reference
    /// parser must reach the same verdict on each. The one allowed
    /// differences: the check is stricter about the XML declaration and
    /// processing instructions before the root, and about character
    /// references beyond Unicode, as browsers are.
    #[test]
    fn agrees_with_the_reference_on_mutated_badges() {
        let badge = concat!(
            r##"<?xml version="1.0" encoding="UTF-8"?><!-- a badge -->"##,
            r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="90" height="20" role="img">"##,
            r##"<title>views: &lt;0042&gt; &amp; &#169;</title><defs><linearGradient id="g"><stop offset="0" stop-color='#fff'/>"##,
            r##"</linearGradient></defs><style><![CDATA[.a{fill:url(#g)}]]></style><rect class="a" width="90" height="20" rx="3"/>"##,
            r##"<g fill="#fff" font-size="11"><use xlink:href="#g" x="1"/><path d="M0 0h1v1h-1z"/></g></svg>"##,
        );
        assert!(roxmltree_accepts(badge) && check_svg(badge).is_ok());
        let mut random = xorshift(0x2545_f491);
        let specials = ["<", ">", "&", "\"", "'", "/", "=", " ", ":", "]]>", "--", "&#0;", "x"];
        let root = badge.find("<svg").unwrap();
        for round in 0..4000 {
            let mut doc = badge.as_bytes().to_vec();
            let mut prolog_touched = false;
            for _ in 0..1 + round % 3 {
                let at = random(doc.len());
                prolog_touched |= at < root;
                match random(3) {
                    0 => {
                        doc.remove(at);
                    }
                    1 => {
                        let len = random(8).min(doc.len() - at);
                        let copy = doc[at..at + len].to_vec();
                        doc.splice(at..at, copy);
                    }
                    _ => {
                        let special = specials[random(specials.len())].as_bytes();
                        doc.splice(at..at + 1, special.iter().copied());
                    }
                }
            }
            let Ok(doc) = String::from_utf8(doc) else { continue };
            let (ours, reference) = (check_svg(&doc), roxmltree_accepts(&doc));
            let stricter = |e: &String| prolog_touched || e.contains("character reference");
            if !(reference && ours.as_ref().is_err_and(stricter)) {
                assert_eq!(ours.is_ok(), reference, "round {round}: {doc}");
            }
        }
    }

    #[test]
    fn finds_control_characters_in_any_block() {
        let mut text = vec![b'a'; 200];
        assert_eq!(control_character(&text), None);
        text[130] = b'\n';
        assert_eq!(control_character(&text), None, "newline is allowed");
        text[150] = 0x1b;
        assert_eq!(control_character(&text), Some(150));
    }

    /// A document differing from the baseline by letters and digits in text
    /// and values is admitted; any other change is left to a full check.
    #[test]
    fn a_baseline_admits_only_changes_of_free_letters_and_digits() {
        let base = r##"<svg id="a1"><title>n: 0042 &#169;</title><use href="#g4"/><g4/></svg>"##;
        let baseline = Baseline::check(base).unwrap();
        assert!(baseline.admits(base));
        assert!(baseline.admits(r##"<svg id="b7"><title>n: 9913 &#169;</title><use href="#g9"/><g4/></svg>"##));
        for changed in [
            r##"<svh id="a1"><title>n: 0042 &#169;</title><use href="#g4"/><g4/></svg>"##, // a name
            r##"<svg id="a1"><title>n: 0042 &#199;</title><use href="#g4"/><g4/></svg>"##, // a reference
            r##"<svg id="a1"><title>n: 0042 &#169;</title><use href="#g4"/><g5/></svg>"##, // a name
            r##"<svg id="a1"><title>n:<0042 &#169;</title><use href="#g4"/><g4/></svg>"##, // markup
            r##"<svg id="a1"><title>n: 00420&#169;</title><use href="#g4"/><g4/></svg>"##, // a space
            r##"<svg id="a1"><title>n: 042 &#169;</title><use href="#g4"/><g4/></svg>"##,  // the length
        ] {
            assert!(!baseline.admits(changed), "{changed}");
        }
    }

    /// Soundness against the reference: random letter/digit substitutions
    /// anywhere in a real badge; whatever the baseline admits, the
    /// reference parser accepts.
    #[test]
    fn whatever_a_baseline_admits_is_valid() {
        let badge = concat!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="urn:x" width="90" height="20"><title>views: 0042 &#169; &amp;</title>"##,
            r##"<defs><g id="g0"><path d="M0 0h1v1h-1z"/></g></defs><x:a x:b="1"/><use href="#g0" x="4"/><use href="#g4" x="9"/></svg>"##,
        );
        let baseline = Baseline::check(badge).unwrap();
        let mut random = xorshift(0x9e37_79b9);
        let alphabet = b"0123456789abcdefghxyzABCXYZ";
        let mut admitted = 0;
        for _ in 0..20_000 {
            let mut doc = badge.as_bytes().to_vec();
            for _ in 0..1 + random(3) {
                let at = random(doc.len());
                doc[at] = alphabet[random(alphabet.len())];
            }
            let doc = String::from_utf8(doc).unwrap();
            if baseline.admits(&doc) {
                admitted += 1;
                assert!(roxmltree_accepts(&doc), "admitted but invalid: {doc}");
                assert_eq!(check_svg(&doc), Ok(()), "{doc}");
            }
        }
        assert!(admitted > 1000, "the test exercises admission ({admitted})");
    }

    #[test]
    fn names_the_wrong_root() {
        assert_eq!(check_svg("<html></html>"), Err("root element is <html>, not <svg>".into()));
    }
}

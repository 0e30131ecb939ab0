//! A small SVG builder that escapes everything it is given.
//!
//! Badge text, labels and colours come from whoever requests the badge, so a
//! theme that pastes them into markup with `format!` is one crafted query
//! string away from a broken image (or script in an inlined SVG). Build the
//! document with [`Svg`] and [`Element`] instead: attribute values and text
//! are escaped, attribute names are checked, and `<style>` content cannot
//! close its element. Output is compact and deterministic, so identical input
//! gives byte-identical SVG (good for caching and for snapshot tests).
//!
//! ```
//! use waymark_plugin_sdk::svg::{Element, Svg};
//!
//! let label = "views <&>";
//! let svg = Svg::new(80, 20)
//!     .title(label)
//!     .element(Element::new("rect").attr("width", "80").attr("height", "20").attr("fill", "#555"))
//!     .element(Element::new("text").attr_num("x", 4.0).attr_num("y", 14.0).text(label))
//!     .finish();
//! assert!(svg.contains("<text x=\"4\" y=\"14\">views &lt;&amp;&gt;</text>"));
//! ```

use std::fmt;

/// The SVG namespace, set on the root by [`Svg::new`].
const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

/// Escapes `s` for use as XML text content (between tags).
///
/// Use it when writing markup by hand; [`Element::text`] calls it for you.
/// Escapes `&`, `<` and `>`, and drops characters XML 1.0 does not allow
/// (see [`is_allowed_char`]), which would otherwise make the whole image fail
/// to parse.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| is_allowed_char(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if crate::template::is_marker(c) => push_char_ref(&mut out, c),
            _ => out.push(c),
        }
    }
    out
}

/// `&#xNNNN;`: the same character to a reader of the document, but no
/// longer a [`crate::template`] hole marker.
fn push_char_ref(out: &mut String, c: char) {
    use std::fmt::Write;
    let _ = write!(out, "&#x{:X};", c as u32);
}

/// Escapes `s` for use inside a quoted attribute value (either quote style).
///
/// Use it when writing markup by hand; [`Element::attr`] calls it for you.
/// Escapes what [`escape_text`] does plus `"` and `'`. Tab, newline and
/// carriage return are written as character references, because an XML
/// parser would otherwise turn them into plain spaces.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| is_allowed_char(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if crate::template::is_marker(c) => push_char_ref(&mut out, c),
            _ => out.push(c),
        }
    }
    out
}

/// Whether `c` may appear in an SVG document.
///
/// XML 1.0 forbids control characters other than tab, newline and carriage
/// return, and the non-characters U+FFFE and U+FFFF; a single one makes a
/// renderer reject the image. DEL and the C1 controls (U+007F to U+009F) are
/// allowed but discouraged by XML 1.0 and never meant as text, so they are
/// refused too. The escaping functions drop whatever this refuses.
pub fn is_allowed_char(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => true,
        '\u{FFFE}' | '\u{FFFF}' => false,
        _ => !c.is_control(),
    }
}

/// Whether `name` is acceptable as an element or attribute name.
///
/// Only ASCII letters, digits, `:`, `_` and `-` are allowed, and the first
/// character must be a letter or `_` (as XML requires). Anything else could
/// smuggle markup through a name, so builders skip such names.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-'))
}

/// Formats a number compactly for SVG: `1.5`, `2`, `0.25`, `-3`.
///
/// Use it for numbers in attributes you build yourself, such as path data or
/// `transform`; [`Element::attr_num`] calls it for you. The value is rounded
/// to six decimal places (far below anything visible) so float noise such as
/// `0.30000000000000004` does not bloat the output, trailing zeros are
/// removed, and NaN or infinite values (which SVG cannot express) become `0`.
pub fn format_num(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_string();
    }
    // Fast paths: pixel art is mostly whole numbers, and the shortest
    // round-trip form is already right when it has few decimals. Fixed
    // six-place formatting is several times slower, which shows in themes
    // that write hundreds of coordinates per badge.
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return (value as i64).to_string();
    }
    let shortest = value.to_string();
    if shortest.split_once('.').is_some_and(|(_, decimals)| decimals.len() <= 6) {
        return shortest;
    }
    let fixed = format!("{value:.6}");
    let trimmed = fixed.trim_end_matches('0').trim_end_matches('.');
    match trimmed {
        "-0" | "" => "0".to_string(),
        _ => trimmed.to_string(),
    }
}

/// Makes CSS safe to place in a `<style>` element as CDATA.
///
/// `<` is written as the CSS escape `\3c ` (which CSS reads back as `<` in
/// strings and identifiers, the only places it can mean anything), so no
/// `</style>` or other tag can appear. Any `]]>` is split across two CDATA
/// sections so the CSS cannot end the section early.
fn css_cdata(css: &str) -> String {
    let mut body = String::with_capacity(css.len());
    for c in css.chars().filter(|&c| is_allowed_char(c)) {
        match c {
            '<' => body.push_str("\\3c "),
            _ => body.push(c),
        }
    }
    let body = body.replace("]]>", "]]]]><![CDATA[>");
    format!("<![CDATA[{body}]]>")
}

/// A child of an element: another element, or markup ready to write.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Element(Element),
    /// Escaped text, or a raw fragment the author vouched for.
    Markup(String),
}

impl Node {
    fn render(&self, out: &mut String) {
        match self {
            Node::Element(element) => element.render(out),
            Node::Markup(markup) => out.push_str(markup),
        }
    }
}

/// One SVG element (`rect`, `text`, `g`, …) with its attributes and children.
///
/// Build shapes with it rather than with `format!` so that values from the
/// request cannot break the markup. Attributes keep the order in which they
/// were first set; setting one again replaces its value (XML forbids
/// duplicates). An element without children renders self-closing.
///
/// ```
/// use waymark_plugin_sdk::svg::Element;
///
/// let rect = Element::new("rect").attr("fill", "\"><script>").attr_num("width", 1.5);
/// assert_eq!(rect.to_string(), r#"<rect fill="&quot;&gt;&lt;script&gt;" width="1.5"/>"#);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    name: String,
    /// Names are validated and values escaped when inserted.
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
}

impl Element {
    /// Starts an element named `name`, e.g. `Element::new("rect")`.
    ///
    /// Names follow [`is_valid_name`]; an element with an invalid name
    /// renders as nothing at all (children included), like an invalid
    /// attribute name is skipped, rather than producing broken markup.
    pub fn new(name: &str) -> Self {
        Element { name: name.to_string(), attrs: Vec::new(), children: Vec::new() }
    }

    /// Sets attribute `name` to `value`, escaping the value.
    ///
    /// Use it for every attribute whose value is text; for numbers prefer
    /// [`Element::attr_num`]. An invalid name (see [`is_valid_name`]) is
    /// skipped.
    pub fn attr(mut self, name: &str, value: impl AsRef<str>) -> Self {
        self.set_attr(name, value.as_ref());
        self
    }

    /// Sets attribute `name` to a number, formatted by [`format_num`].
    ///
    /// Use it for coordinates and sizes, so that `2.0` is written `2` and
    /// NaN from a bad calculation becomes `0` instead of invalid SVG.
    pub fn attr_num(self, name: &str, value: f64) -> Self {
        self.attr(name, format_num(value))
    }

    /// Appends text content, escaping it. Use it for labels and values.
    pub fn text(mut self, content: &str) -> Self {
        self.children.push(Node::Markup(escape_text(content)));
        self
    }

    /// Appends a child element.
    pub fn child(mut self, child: Element) -> Self {
        self.push(child);
        self
    }

    /// Appends a child element in place, for building children in a loop.
    pub fn push(&mut self, child: Element) {
        self.children.push(Node::Element(child));
    }

    /// Appends a markup fragment verbatim, without any escaping.
    ///
    /// Only for trusted markup, such as a constant gradient definition or the
    /// output of [`crate::digits::pixel_digits_svg`]. Never pass text that
    /// came from the request: use [`Element::text`] for that.
    pub fn raw_child(mut self, fragment: &str) -> Self {
        self.children.push(Node::Markup(fragment.to_string()));
        self
    }

    fn set_attr(&mut self, name: &str, value: &str) {
        if !is_valid_name(name) {
            return;
        }
        let value = escape_attr(value);
        match self.attrs.iter_mut().find(|(existing, _)| existing == name) {
            Some((_, old)) => *old = value,
            None => self.attrs.push((name.to_string(), value)),
        }
    }

    fn render(&self, out: &mut String) {
        if !is_valid_name(&self.name) {
            return;
        }
        out.push('<');
        out.push_str(&self.name);
        for (name, value) in &self.attrs {
            out.push_str(&format!(" {name}=\"{value}\""));
        }
        if self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for child in &self.children {
            child.render(out);
        }
        out.push_str(&format!("</{}>", self.name));
    }
}

/// Renders the element and its children as compact markup.
impl fmt::Display for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.render(&mut out);
        f.write_str(&out)
    }
}

/// A whole SVG document: the root `<svg>` element and what goes in it.
///
/// Start every badge with it so the root always carries the namespace and a
/// size that match. The title (if any) is written first and the style sheet
/// second, whatever order they were set in, then the children in the order
/// added.
#[derive(Debug, Clone, PartialEq)]
pub struct Svg {
    root: Element,
    /// The `<title>` content, as markup (already escaped).
    title: Option<String>,
    css: String,
}

impl Svg {
    /// Starts a document `width` by `height` pixels, with the SVG namespace
    /// and a matching `viewBox` of `0 0 width height`.
    pub fn new(width: u32, height: u32) -> Self {
        let root = Element::new("svg")
            .attr("xmlns", SVG_NAMESPACE)
            .attr("width", width.to_string())
            .attr("height", height.to_string())
            .attr("viewBox", format!("0 0 {width} {height}"));
        Svg { root, title: None, css: String::new() }
    }

    /// Sets an attribute of the root `<svg>` element, escaping the value
    /// (for example `role`, or a different `viewBox`). Invalid names are
    /// skipped, as with [`Element::attr`].
    pub fn attr(mut self, name: &str, value: impl AsRef<str>) -> Self {
        self.root.set_attr(name, value.as_ref());
        self
    }

    /// Sets a numeric attribute of the root element, formatted by
    /// [`format_num`].
    pub fn attr_num(self, name: &str, value: f64) -> Self {
        self.attr(name, format_num(value))
    }

    /// Sets the document's `<title>`, which screen readers announce and
    /// browsers show as a tooltip. Also marks the root `role="img"` so that
    /// an inlined badge is read as one image. Setting it again replaces it.
    pub fn title(mut self, text: &str) -> Self {
        self.title = Some(escape_text(text));
        self
    }

    /// Like [`Svg::title`] with content that is already markup: escaped
    /// text holding [`crate::template`] markers, such as a counter
    /// template's slots.
    pub fn title_markup(mut self, markup: &str) -> Self {
        self.title = Some(markup.to_string());
        self
    }

    /// Adds CSS to the document's `<style>` element (calls accumulate).
    ///
    /// Use it for animations and shared classes. The CSS is wrapped in
    /// CDATA and made unable to leave it: `<` is written as the CSS escape
    /// `\3c ` and `]]>` is split, so even a hostile value cannot close the
    /// `<style>` element. Still, validate anything from the request (a colour
    /// through [`crate::color::Rgba::parse`], say) before putting it in CSS,
    /// because it could otherwise change the style rules themselves.
    pub fn style(mut self, css: &str) -> Self {
        self.css.push_str(css);
        self
    }

    /// Appends a child element to the root.
    pub fn element(mut self, element: Element) -> Self {
        self.push(element);
        self
    }

    /// Appends a child element in place, for building a badge in a loop.
    pub fn push(&mut self, element: Element) {
        self.root.push(element);
    }

    /// Appends trusted markup verbatim to the root, without escaping; see
    /// [`Element::raw_child`] for what counts as trusted.
    pub fn raw_child(mut self, fragment: &str) -> Self {
        self.root = self.root.raw_child(fragment);
        self
    }

    /// Renders the document as one compact string.
    pub fn finish(self) -> String {
        let Svg { mut root, title, css } = self;
        let mut head = Vec::new();
        if let Some(title) = title {
            if !root.attrs.iter().any(|(name, _)| name == "role") {
                root.set_attr("role", "img");
            }
            head.push(Node::Element(Element::new("title").raw_child(&title)));
        }
        if !css.is_empty() {
            head.push(Node::Element(Element::new("style").raw_child(&css_cdata(&css))));
        }
        root.children.splice(0..0, head);
        root.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal well-formedness check: tags nest and match, attributes are
    /// quoted, no stray `<`, and every `&` starts a known reference.
    fn assert_well_formed(xml: &str) {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = xml;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("<![CDATA[") {
                let end = after.find("]]>").expect("unterminated CDATA");
                rest = &after[end + 3..];
            } else if let Some(after) = rest.strip_prefix("</") {
                let end = after.find('>').expect("unterminated end tag");
                let open = stack.pop().expect("end tag without start tag");
                assert_eq!(open, &after[..end], "mismatched end tag in {xml}");
                rest = &after[end + 1..];
            } else if let Some(after) = rest.strip_prefix('<') {
                rest = parse_start_tag(after, &mut stack, xml);
            } else {
                let end = rest.find('<').unwrap_or(rest.len());
                check_text(&rest[..end], xml);
                rest = &rest[end..];
            }
            if stack.is_empty() {
                assert!(rest.is_empty(), "content after the root in {xml}");
            }
        }
        assert!(stack.is_empty(), "unclosed {stack:?} in {xml}");
    }

    /// Parses `name attr="v"…>` or `…/>`; returns what follows the tag.
    fn parse_start_tag<'a>(after: &'a str, stack: &mut Vec<String>, xml: &str) -> &'a str {
        let name_end = after.find([' ', '/', '>']).expect("unterminated tag");
        let name = &after[..name_end];
        assert!(is_valid_name(name), "bad element name {name:?} in {xml}");
        let mut rest = &after[name_end..];
        loop {
            if let Some(r) = rest.strip_prefix("/>") {
                return r;
            }
            if let Some(r) = rest.strip_prefix('>') {
                stack.push(name.to_string());
                return r;
            }
            let r = rest.strip_prefix(' ').expect("expected a space before an attribute");
            let eq = r.find("=\"").expect("attribute without quoted value");
            assert!(is_valid_name(&r[..eq]), "bad attribute name in {xml}");
            let value = &r[eq + 2..];
            let close = value.find('"').expect("unterminated attribute");
            assert!(!value[..close].contains('<'), "raw < in attribute in {xml}");
            check_text(&value[..close], xml);
            rest = &value[close + 1..];
        }
    }

    fn check_text(text: &str, xml: &str) {
        assert!(!text.contains('>'), "unescaped > in {xml}");
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..text[i..].find(';').map_or(text.len(), |e| i + e + 1)];
            let known = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#9;", "&#10;", "&#13;"];
            assert!(known.contains(&entity), "bad reference {entity:?} in {xml}");
        }
        assert!(text.chars().all(is_allowed_char), "forbidden character in {xml}");
    }

    /// Undoes the escaping of text and attribute values.
    fn unescape(s: &str) -> String {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#9;", "\t")
            .replace("&#10;", "\n")
            .replace("&#13;", "\r")
            .replace("&amp;", "&")
    }

    /// Concatenates the content of consecutive CDATA sections.
    fn uncdata(mut s: &str) -> String {
        let mut out = String::new();
        while let Some(after) = s.strip_prefix("<![CDATA[") {
            let end = after.find("]]>").expect("unterminated CDATA");
            out.push_str(&after[..end]);
            s = &after[end + 3..];
        }
        assert!(s.is_empty(), "not only CDATA: {s:?}");
        out
    }

    #[test]
    #[should_panic]
    fn checker_catches_attribute_breakout() {
        assert_well_formed(r#"<svg><rect fill=""><script>"/></svg>"#);
    }

    #[test]
    #[should_panic]
    fn checker_catches_unbalanced_tags() {
        assert_well_formed("<svg><style></style></style></svg>");
    }

    #[test]
    fn escape_text_escapes_markup() {
        assert_eq!(escape_text("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
        assert_eq!(escape_text("\"quotes' stay\""), "\"quotes' stay\"");
        assert_eq!(escape_text(""), "");
        assert_eq!(escape_text("&amp;"), "&amp;amp;");
    }

    #[test]
    fn escape_attr_escapes_quotes_and_whitespace() {
        assert_eq!(escape_attr(r#""><script>"#), "&quot;&gt;&lt;script&gt;");
        assert_eq!(escape_attr("it's"), "it&#39;s");
        assert_eq!(escape_attr("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d");
    }

    #[test]
    fn escaping_round_trips_allowed_text() {
        let samples = ["plain", "<>&\"'", "ünïcødé ✓ 🦀", "a\tb\nc\rd", "&lt; already", "]]>"];
        for sample in samples {
            assert_eq!(unescape(&escape_attr(sample)), sample);
            assert_eq!(unescape(&escape_text(sample)), sample);
        }
    }

    #[test]
    fn escaping_drops_characters_xml_forbids() {
        let input = "a\u{0}b\u{1}c\u{8}d\u{B}e\u{C}f\u{1F}g\u{7F}h\u{85}i\u{FFFE}j\u{FFFF}k";
        assert_eq!(escape_text(input), "abcdefghijk");
        assert_eq!(escape_attr(input), "abcdefghijk");
        assert_eq!(escape_text("keep\t\n\r"), "keep\t\n\r");
        assert_eq!(escape_text("\u{FFFD}\u{10FFFF}\u{E100}"), "\u{FFFD}\u{10FFFF}\u{E100}");
        // Template hole markers stay the same character, as a reference.
        assert_eq!(escape_text("\u{E000}"), "&#xE000;");
        assert_eq!(escape_attr("\u{E0FF}"), "&#xE0FF;");
    }

    #[test]
    fn name_validation() {
        for good in ["rect", "stroke-width", "xlink:href", "_x", "data-1", "viewBox"] {
            assert!(is_valid_name(good), "{good}");
        }
        let bad = ["", "1x", "-x", ":x", "a b", "a\"b", "a>b", "a=b", "a/b", "é", "on load", "x.y"];
        for name in bad {
            assert!(!is_valid_name(name), "{name:?}");
        }
    }

    #[test]
    fn format_num_is_compact() {
        assert_eq!(format_num(1.5), "1.5");
        assert_eq!(format_num(2.0), "2");
        assert_eq!(format_num(0.25), "0.25");
        assert_eq!(format_num(-3.0), "-3");
        assert_eq!(format_num(0.0), "0");
        assert_eq!(format_num(-0.0), "0");
        assert_eq!(format_num(100.0), "100");
        assert_eq!(format_num(10.5), "10.5");
        assert_eq!(format_num(0.1 + 0.2), "0.3");
        assert_eq!(format_num(-0.0000001), "0");
        assert_eq!(format_num(1e-6), "0.000001");
        assert_eq!(format_num(123456789.0), "123456789");
        assert_eq!(format_num(f64::NAN), "0");
        assert_eq!(format_num(f64::INFINITY), "0");
        assert_eq!(format_num(f64::NEG_INFINITY), "0");
        assert!(!format_num(1e300).contains(['e', '.']));
    }

    #[test]
    fn empty_element_self_closes() {
        assert_eq!(Element::new("rect").to_string(), "<rect/>");
        let rect = Element::new("rect").attr("x", "1").attr_num("width", 2.5);
        assert_eq!(rect.to_string(), r#"<rect x="1" width="2.5"/>"#);
    }

    #[test]
    fn element_with_text_and_children() {
        let g = Element::new("g")
            .attr("fill", "#fff")
            .child(Element::new("text").text("a<b"))
            .raw_child("<circle r=\"1\"/>")
            .text("&");
        assert_eq!(g.to_string(), r##"<g fill="#fff"><text>a&lt;b</text><circle r="1"/>&amp;</g>"##);
    }

    #[test]
    fn empty_text_still_opens_the_element() {
        assert_eq!(Element::new("text").text("").to_string(), "<text></text>");
    }

    #[test]
    fn attribute_injection_is_escaped() {
        let rect = Element::new("rect").attr("fill", r#"red" onload="alert(1)"><script>x</script>"#);
        let out = rect.to_string();
        assert_eq!(out.matches('"').count(), 2, "{out}");
        assert_eq!(out.matches('<').count(), 1, "{out}");
        assert_well_formed(&out);
        let value = out.trim_start_matches("<rect fill=\"").trim_end_matches("\"/>");
        assert_eq!(unescape(value), r#"red" onload="alert(1)"><script>x</script>"#);
    }

    #[test]
    fn text_injection_is_escaped() {
        let out = Element::new("text").text("</text><script>alert(1)</script>").to_string();
        assert_eq!(out, "<text>&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;</text>");
        assert_well_formed(&out);
    }

    #[test]
    fn invalid_attribute_names_are_skipped() {
        let rect =
            Element::new("rect").attr("onload=\"alert(1)\" x", "1").attr("", "2").attr("a b", "3").attr("y", "4");
        assert_eq!(rect.to_string(), r#"<rect y="4"/>"#);
    }

    #[test]
    fn invalid_element_names_render_nothing() {
        let bad = Element::new("script><x").text("hi").attr("a", "b");
        assert_eq!(bad.to_string(), "");
        let parent = Element::new("g").child(Element::new("")).child(Element::new("rect"));
        assert_eq!(parent.to_string(), "<g><rect/></g>");
    }

    #[test]
    fn repeated_attribute_replaces_value_in_place() {
        let rect = Element::new("rect").attr("x", "1").attr("y", "2").attr_num("x", 3.0);
        assert_eq!(rect.to_string(), r#"<rect x="3" y="2"/>"#);
    }

    #[test]
    fn attr_accepts_owned_strings() {
        let value = String::from("a&b");
        let rect = Element::new("rect").attr("id", &value).attr("class", value.clone());
        assert_eq!(rect.to_string(), r#"<rect id="a&amp;b" class="a&amp;b"/>"#);
    }

    #[test]
    fn push_builds_in_loops() {
        let mut g = Element::new("g");
        let mut svg = Svg::new(3, 1);
        for i in 0..3 {
            g.push(Element::new("rect").attr_num("x", f64::from(i)));
            svg.push(Element::new("circle"));
        }
        assert_eq!(g.to_string(), r#"<g><rect x="0"/><rect x="1"/><rect x="2"/></g>"#);
        assert_eq!(svg.finish().matches("<circle/>").count(), 3);
    }

    #[test]
    fn svg_root_has_namespace_size_and_view_box() {
        assert_eq!(
            Svg::new(90, 20).finish(),
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="90" height="20" viewBox="0 0 90 20"/>"#
        );
    }

    #[test]
    fn svg_orders_title_style_then_children() {
        let out = Svg::new(10, 10)
            .element(Element::new("rect"))
            .style(".a{fill:red}")
            .title("Hits & misses")
            .raw_child("<g/>")
            .finish();
        assert_eq!(
            out,
            concat!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10" role="img">"#,
                "<title>Hits &amp; misses</title>",
                "<style><![CDATA[.a{fill:red}]]></style>",
                "<rect/><g/></svg>"
            )
        );
        assert_well_formed(&out);
    }

    #[test]
    fn svg_title_replaces_and_keeps_explicit_role() {
        let out = Svg::new(1, 1).attr("role", "presentation").title("a").title("b").finish();
        assert!(out.contains(r#"role="presentation""#));
        assert!(!out.contains(r#"role="img""#));
        assert_eq!(out.matches("<title>").count(), 1);
        assert!(out.contains("<title>b</title>"));
    }

    #[test]
    fn svg_root_attributes_are_escaped_and_replace() {
        let out = Svg::new(1, 1).attr("viewBox", "0 0 2 2").attr("class", "\"><x").finish();
        assert!(out.contains(r#"viewBox="0 0 2 2""#));
        assert_eq!(out.matches("viewBox").count(), 1);
        assert!(out.contains(r#"class="&quot;&gt;&lt;x""#));
        assert_well_formed(&out);
    }

    #[test]
    fn style_accumulates() {
        let out = Svg::new(1, 1).style("a{}").style("b{}").finish();
        assert!(out.contains("<style><![CDATA[a{}b{}]]></style>"));
    }

    #[test]
    fn style_cannot_break_out() {
        let attacks = [
            "]]></style><script>alert(1)</script>",
            "</style><script>alert(1)</script>",
            "]]>]]>]]]]>",
            "<![CDATA[",
            "a>b ]]",
            "\u{0}]]\u{1}>",
        ];
        for attack in attacks {
            let out = Svg::new(1, 1).style(attack).finish();
            assert_well_formed(&out);
            assert_eq!(out.matches("</style>").count(), 1, "{out}");
            assert!(!out.contains("<script"), "{out}");
            let start = out.find("<style>").unwrap() + "<style>".len();
            let end = out.find("</style>").unwrap();
            let css = uncdata(&out[start..end]);
            let expected: String = attack.chars().filter(|&c| is_allowed_char(c)).collect();
            assert_eq!(css, expected.replace('<', "\\3c "), "{out}");
            assert_eq!(&out[end..], "</style></svg>");
        }
    }

    #[test]
    fn child_combinator_survives_in_style() {
        let out = Svg::new(1, 1).style("g > rect { fill: red }").finish();
        assert!(out.contains("g > rect { fill: red }"));
    }

    #[test]
    fn title_injection_is_escaped() {
        let out = Svg::new(1, 1).title("</title><script>alert(1)</script>").finish();
        assert!(out.contains("<title>&lt;/title&gt;&lt;script&gt;"));
        assert_well_formed(&out);
    }

    #[test]
    fn hostile_values_everywhere_stay_well_formed() {
        let hostile = [
            "\"><script>alert(1)</script>",
            "]]></style>",
            "'; x='",
            "&#0;&",
            "\u{0}\u{1b}[31m\u{FFFF}",
            "<!-- -->",
            "<?xml ?>",
        ];
        for value in hostile {
            let out = Svg::new(5, 5)
                .title(value)
                .style(value)
                .attr("data-x", value)
                .element(
                    Element::new("g").attr("fill", value).child(Element::new("text").attr("class", value).text(value)),
                )
                .finish();
            assert_well_formed(&out);
            assert!(!out.contains("<script"), "{out}");
        }
    }

    #[test]
    fn output_is_deterministic() {
        let build = || {
            Svg::new(3, 4)
                .title("t")
                .style("s")
                .element(Element::new("rect").attr("b", "1").attr("a", "2").attr_num("c", 0.5))
                .finish()
        };
        assert_eq!(build(), build());
        assert!(!build().contains('\n'));
    }
}

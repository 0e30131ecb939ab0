//! Whether a theme's `<text>` survives rasterisation: part of the smoke test
//! every counter theme passes before it may serve (see
//! `plugins::counter_theme::smoke_test`).
//!
//! A `<text>` can lose its glyphs in the PNG while the SVG looks right in a
//! browser that has other fonts: a character no bundled font has becomes
//! the `.notdef` box (or nothing), and text usvg cannot lay out at all is
//! dropped. The check works on usvg's own layout, so it judges exactly what
//! [`super::rasterise`] will draw, and is cheap: one parse, plus drawing each
//! text element alone once. Three rules, in order:
//!
//! 1. **Every character has a glyph.** usvg shapes each character with the
//!    first font that has it (the theme's families, then any bundled face);
//!    a non-blank character left with glyph 0 (`.notdef`) has none, so the
//!    digit would be a box. Cheap: a walk over the laid-out glyphs.
//! 2. **Text in the source reaches the tree.** If the SVG has a `<text>` with
//!    non-blank content outside non-rendering containers (`<defs>`,
//!    `<clipPath>`, `<mask>`, `<pattern>`, `<symbol>`, `<marker>`) but the
//!    parsed tree holds no text at all, usvg dropped it.
//! 3. **Visible text inks pixels.** Each text element whose box lies on the
//!    canvas and that has a fill or stroke is drawn alone onto a transparent
//!    canvas; it must cover at least one pixel. This catches glyphs that
//!    exist but have no outline. Text off the canvas or painted `none` is
//!    as invisible in the SVG as in the PNG, and is not the rasteriser's
//!    loss, so it is not judged.
//!
//! Documents with no `<text>` (every built-in theme draws its digits as
//! paths) skip all of it after one substring search.

use resvg::tiny_skia::Pixmap;
use resvg::usvg::{self, Group, Node, Tree, roxmltree};

use super::{RasterError, parse};

/// Elements whose content is not drawn where it stands.
const NOT_RENDERED: &[&str] = &["defs", "clipPath", "mask", "pattern", "symbol", "marker", "title", "desc", "metadata"];

/// `Ok` if every visible `<text>` in `svg` draws its characters when
/// rasterised; otherwise why not, in words a theme author can act on.
pub fn check(svg: &str) -> Result<(), String> {
    if !svg.contains("text") {
        return Ok(());
    }
    let visible_in_source = source_texts(svg);
    if visible_in_source.is_empty() {
        return Ok(());
    }
    let tree = parse(svg).map_err(|e: RasterError| e.to_string())?;
    let mut nodes = Vec::new();
    collect_texts(tree.root(), &mut nodes);
    let texts: Vec<(&Node, &usvg::Text)> = nodes
        .into_iter()
        .filter_map(|node| match node {
            Node::Text(text) => Some((node, text.as_ref())),
            _ => None,
        })
        .collect();

    for (_, text) in &texts {
        missing_glyph(text)?;
    }
    if texts.iter().all(|(_, text)| blank(text)) {
        return Err(format!(
            "its <text> ({:?}) is lost when rasterised to PNG: nothing of it could be laid out",
            visible_in_source[0]
        ));
    }
    for (node, text) in texts {
        if paints(text) && on_canvas(&tree, text) && inked_pixels(&tree, node)? == 0 {
            return Err(format!("its <text> {:?} draws no pixel when rasterised to PNG", chars(text)));
        }
    }
    Ok(())
}

/// The non-blank content of each `<text>` the SVG would draw.
fn source_texts(svg: &str) -> Vec<String> {
    let Ok(doc) = roxmltree::Document::parse(svg) else {
        // Not XML: the SVG check refuses it; nothing to judge here.
        return Vec::new();
    };
    doc.descendants()
        .filter(|node| node.has_tag_name("text"))
        .filter(|node| {
            !node.ancestors().any(|a| {
                NOT_RENDERED.contains(&a.tag_name().name())
                    || a.attribute("display") == Some("none")
                    || a.attribute("visibility") == Some("hidden")
            })
        })
        .map(|node| node.descendants().filter_map(|d| d.text()).collect::<String>())
        .filter(|content| content.chars().any(|c| !c.is_whitespace()))
        .collect()
}

/// The tree's text nodes, in drawing order.
fn collect_texts<'t>(group: &'t Group, out: &mut Vec<&'t Node>) {
    for node in group.children() {
        match node {
            Node::Group(group) => collect_texts(group, out),
            Node::Text(_) => out.push(node),
            Node::Path(_) | Node::Image(_) => {}
        }
    }
}

/// The text's characters as laid out.
fn chars(text: &usvg::Text) -> String {
    text.chunks().iter().map(|chunk| chunk.text()).collect()
}

fn blank(text: &usvg::Text) -> bool {
    text.layouted()
        .iter()
        .flat_map(|span| &span.positioned_glyphs)
        .all(|glyph| glyph.text.chars().all(char::is_whitespace))
}

/// Rule 1: a non-blank character shaped to glyph 0 has no font.
fn missing_glyph(text: &usvg::Text) -> Result<(), String> {
    let glyphs = text.layouted().iter().flat_map(|span| &span.positioned_glyphs);
    for glyph in glyphs.filter(|glyph| glyph.id.0 == 0) {
        if let Some(c) = glyph.text.chars().find(|c| !c.is_whitespace()) {
            return Err(format!(
                "its <text> {:?} uses {c:?} (U+{:04X}), which no bundled font has, so the PNG would \
                 show a blank box: use the families {} or draw it as a path",
                chars(text),
                c as u32,
                super::fonts::FAMILIES.join(", "),
            ));
        }
    }
    Ok(())
}

fn paints(text: &usvg::Text) -> bool {
    text.layouted().iter().any(|span| span.visible && (span.fill.is_some() || span.stroke.is_some()))
}

fn on_canvas(tree: &Tree, text: &usvg::Text) -> bool {
    let bbox = text.abs_bounding_box();
    let size = tree.size();
    bbox.right() > 0.0 && bbox.bottom() > 0.0 && bbox.left() < size.width() && bbox.top() < size.height()
}

/// Rule 3: pixels the text covers when drawn alone where it stands.
fn inked_pixels(tree: &Tree, node: &Node) -> Result<usize, String> {
    let size = tree.size().to_int_size();
    let mut pixmap = Pixmap::new(size.width(), size.height())
        .ok_or_else(|| RasterError::TooLarge(size.width(), size.height()).to_string())?;
    let (Some(bbox), Node::Text(text)) = (node.abs_layer_bounding_box(), node) else {
        return Ok(0);
    };
    // `render_node` draws relative to the node's box (it shifts by minus the
    // box's origin); shifting back puts the text where the badge has it.
    let transform = text.abs_transform().pre_translate(bbox.x(), bbox.y());
    resvg::render_node(node, transform, &mut pixmap.as_mut());
    Ok(pixmap.pixels().iter().filter(|pixel| pixel.alpha() > 0).count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn badge(text_element: &str) -> String {
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="90" height="24"><rect width="90" height="24" fill="#222"/>{text_element}</svg>"##
        )
    }

    #[test]
    fn text_in_bundled_families_passes() {
        for family in ["sans-serif", "serif", "monospace", "Verdana,sans-serif", "Unknown Font"] {
            let svg = badge(&format!(r##"<text x="4" y="17" font-family="{family}" fill="#fff">0001234</text>"##));
            assert_eq!(check(&svg), Ok(()), "{family}");
        }
    }

    #[test]
    fn documents_without_text_pass() {
        assert_eq!(check(&badge(r#"<path d="M0 0h4v4z"/>"#)), Ok(()));
        assert_eq!(check(&badge(r#"<defs><text id="t">12</text></defs>"#)), Ok(()), "not drawn where it stands");
        assert_eq!(check(&badge(r#"<g display="none"><text x="4" y="17">12</text></g>"#)), Ok(()), "hidden");
        assert_eq!(check(&badge("<text x=\"4\" y=\"17\">  </text>")), Ok(()), "blank");
    }

    /// A character only a font we do not bundle has (here CJK): the PNG
    /// would show boxes.
    #[test]
    fn a_character_no_bundled_font_has_is_refused() {
        let svg = badge(r##"<text x="4" y="17" font-family="Noto Sans CJK JP" fill="#fff">一二三四</text>"##);
        let error = check(&svg).expect_err("refused");
        assert!(error.contains("U+4E00") && error.contains("sans-serif"), "{error}");
    }

    #[test]
    fn text_off_the_canvas_or_unpainted_is_not_judged() {
        assert_eq!(check(&badge(r##"<text x="400" y="17" fill="#fff">12</text>"##)), Ok(()));
        assert_eq!(check(&badge(r#"<text x="4" y="17" fill="none">12</text>"#)), Ok(()));
    }

    #[test]
    fn visible_text_inks_pixels() {
        let svg = badge(r##"<text x="4" y="17" fill="#fff">12</text>"##);
        let tree = parse(&svg).unwrap();
        let mut texts = Vec::new();
        collect_texts(tree.root(), &mut texts);
        assert!(inked_pixels(&tree, texts[0]).unwrap() > 20);
    }
}

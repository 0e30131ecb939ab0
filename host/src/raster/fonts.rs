//! The fonts a theme's `<text>` is drawn with when a badge is rasterised.
//!
//! Without fonts usvg drops every `<text>` with a warning, so a PNG badge
//! lost its digits. The set is bundled (the `dejavu` crate embeds the files
//! as static bytes), never read from the machine: a badge rasterises the
//! same everywhere, and no system font can change a theme's output.
//!
//! The faces are loaded into one shared [`fontdb::Database`] the first time
//! anything is rasterised (the server forces that at start): fontdb reads
//! only each face's name tables and keeps a pointer to the static bytes, so
//! the database costs a few KiB of heap; the bytes stay in the binary's
//! read-only pages, paged in when a glyph is drawn.

use std::sync::{Arc, LazyLock};

use resvg::usvg::fontdb::{self, Database, Family, Query, Source};
use resvg::usvg::{Font, FontFamily, FontResolver, FontStretch, FontStyle, Options};

/// What the generic families resolve to. Anything else a theme names, and a
/// `<text>` that names nothing, falls back to [`SANS`]: badges are drawn in
/// sans-serif, and a theme asking for "Verdana" is better served by DejaVu
/// Sans (Verdana's own design ancestor, Bitstream Vera) than by a serif.
pub const SANS: &str = "DejaVu Sans";
pub const SERIF: &str = "DejaVu Serif";
pub const MONO: &str = "DejaVu Sans Mono";

/// The family names a theme may use and be sure to get: the generic ones
/// and the bundled families by name.
pub const FAMILIES: &[&str] = &["sans-serif", "serif", "monospace", SANS, SERIF, MONO];

/// Regular and bold of each family (italics and condensed cuts are left out:
/// badges rarely use them, and each face costs 250–750 KB of binary).
fn faces() -> [&'static [u8]; 6] {
    [
        dejavu::sans::regular(),
        dejavu::sans::bold(),
        dejavu::serif::regular(),
        dejavu::serif::bold(),
        dejavu::sans_mono::regular(),
        dejavu::sans_mono::bold(),
    ]
}

/// Bytes the bundled faces add to the binary.
pub fn bundled_bytes() -> usize {
    faces().iter().map(|face| face.len()).sum()
}

static DATABASE: LazyLock<Arc<Database>> = LazyLock::new(|| {
    let mut db = Database::new();
    for face in faces() {
        db.load_font_source(Source::Binary(Arc::new(face)));
    }
    db.set_sans_serif_family(SANS);
    db.set_serif_family(SERIF);
    db.set_monospace_family(MONO);
    // CSS's other generics: no bundled face fits them better than the default.
    db.set_cursive_family(SANS);
    db.set_fantasy_family(SANS);
    tracing::debug!(faces = db.len(), bytes = bundled_bytes(), "bundled fonts loaded");
    Arc::new(db)
});

static OPTIONS: LazyLock<Options<'static>> = LazyLock::new(|| Options {
    fontdb: DATABASE.clone(),
    font_family: SANS.to_string(),
    font_resolver: FontResolver { select_font: Box::new(select_font), ..FontResolver::default() },
    ..Options::default()
});

/// The parse options every rasterisation shares: the bundled fonts and the
/// fallback to sans-serif.
pub fn options() -> &'static Options<'static> {
    &OPTIONS
}

/// Loads the fonts now, so the first PNG request does not pay for it.
pub fn preload() {
    LazyLock::force(&OPTIONS);
}

/// usvg's default selection, except that the last resort is sans-serif, not
/// serif: the families the theme names, in order, then [`SANS`].
fn select_font(font: &Font, db: &mut Arc<Database>) -> Option<fontdb::ID> {
    let mut families: Vec<Family> = font
        .families()
        .iter()
        .map(|family| match family {
            FontFamily::Serif => Family::Serif,
            FontFamily::SansSerif => Family::SansSerif,
            FontFamily::Cursive => Family::Cursive,
            FontFamily::Fantasy => Family::Fantasy,
            FontFamily::Monospace => Family::Monospace,
            FontFamily::Named(name) => Family::Name(name),
        })
        .collect();
    families.push(Family::SansSerif);
    let stretch = match font.stretch() {
        FontStretch::UltraCondensed => fontdb::Stretch::UltraCondensed,
        FontStretch::ExtraCondensed => fontdb::Stretch::ExtraCondensed,
        FontStretch::Condensed => fontdb::Stretch::Condensed,
        FontStretch::SemiCondensed => fontdb::Stretch::SemiCondensed,
        FontStretch::Normal => fontdb::Stretch::Normal,
        FontStretch::SemiExpanded => fontdb::Stretch::SemiExpanded,
        FontStretch::Expanded => fontdb::Stretch::Expanded,
        FontStretch::ExtraExpanded => fontdb::Stretch::ExtraExpanded,
        FontStretch::UltraExpanded => fontdb::Stretch::UltraExpanded,
    };
    let style = match font.style() {
        FontStyle::Normal => fontdb::Style::Normal,
        FontStyle::Italic => fontdb::Style::Italic,
        FontStyle::Oblique => fontdb::Style::Oblique,
    };
    db.query(&Query { families: &families, weight: fontdb::Weight(font.weight()), stretch, style })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The family of the first glyph `<text font-family=…>` lays out with.
    fn family_of(font_family: &str) -> String {
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text y="15" font-family="{font_family}">1</text></svg>"#
        );
        let tree = resvg::usvg::Tree::from_str(&svg, options()).expect("parses");
        let Some(resvg::usvg::Node::Text(text)) = tree.root().children().first() else {
            panic!("no text node for {font_family}");
        };
        let glyph = &text.layouted()[0].positioned_glyphs[0];
        let face = tree.fontdb().face(glyph.font).expect("a face");
        face.families[0].0.clone()
    }

    #[test]
    fn generic_families_resolve_to_the_bundled_faces() {
        assert_eq!(DATABASE.len(), 6);
        assert_eq!(family_of("sans-serif"), SANS);
        assert_eq!(family_of("serif"), SERIF);
        assert_eq!(family_of("monospace"), MONO);
        assert_eq!(family_of("DejaVu Serif"), SERIF);
        assert_eq!(family_of("Verdana,DejaVu Sans Mono,serif"), MONO, "the first family that exists");
        assert_eq!(family_of("Comic Sans MS"), SANS, "unknown names fall back to sans-serif");
    }
}

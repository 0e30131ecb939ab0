//! The digit font shared by every gradient theme: ten rounded-stroke glyphs
//! drawn as SVG paths, and the row that places them.
//!
//! Each glyph is one path `d` in a 12 × 22 box (origin top-left), meant to
//! be *stroked* with round caps and joins, so the themes choose the stroke
//! colour, width and glow. All ten glyphs are defined once each, and every
//! digit is a `<use>` of its glyph: a 7-digit count costs seven short
//! `<use>` elements rather than seven copies of a path. Defining all ten
//! keeps badges of one width the same length whatever the count, so the
//! host can check a fresh one against the last instead of in full.

use waymark_plugin_sdk::counter_theme::{Slot, slot_marker};
use waymark_plugin_sdk::svg::format_num;

/// Width of a glyph's box in user units (the stroke reaches beyond it by
/// half its width).
pub const GLYPH_WIDTH: f64 = 12.0;

/// Height of a glyph's box in user units.
pub const GLYPH_HEIGHT: f64 = 22.0;

/// Distance from one digit to the next: the glyph, its stroke and a gap.
pub const ADVANCE: f64 = 16.0;

/// The stroke width the themes draw the glyphs with.
pub const STROKE: f64 = 2.8;

/// Id of the `<g>` holding the whole placed row, for `<use href="#n">`.
pub const ROW_ID: &str = "n";

/// The glyphs `0` to `9`, drawn for Waymark: an oval zero, a flagged one on
/// a foot, a flat-topped three, an open four, a curved seven.
const GLYPHS: [&str; 10] = [
    "M6 0C2 0 0 3.5 0 11S2 22 6 22 12 18.5 12 11 10 0 6 0ZM8.6 6.2 3.4 15.8",
    "M2 5.5 7 0V22M2.5 22H11.5",
    "M.5 5.5C.5 2.3 3 0 6 0S11.5 2.3 11.5 5.5C11.5 9.5 8 12.5 .5 22H12",
    "M1 0H11.5L5.5 8.5C9.5 8.5 12 11 12 15S9.5 22 6 22C3.5 22 1.5 21 0 19",
    "M9 22V0L0 15H12",
    "M11 0H1.5L.8 9.5C2.3 8.8 3.8 8.5 5.5 8.5 9.5 8.5 12 11 12 15S9.5 22 5.5 22C3 22 1.2 21 0 19.5",
    "M10.5 1.5C9.5.5 8 0 6.5 0 2.5 0 0 4 0 11V15C0 19 2.5 22 6 22S12 19 12 15 9.5 8.5 6 8.5 0 11 0 15",
    "M0 0H12C7.5 6 5 13 4.5 22",
    "M6 10C3 10 1 8 1 5S3 0 6 0 11 2 11 5 9 10 6 10C2.5 10 0 12.5 0 16S2.5 22 6 22 12 19.5 12 16 9.5 10 6 10Z",
    "M1.5 20.5C2.5 21.5 4 22 5.5 22 9.5 22 12 18 12 11V7C12 3 9.5 0 6 0S0 3 0 7 2.5 13.5 6 13.5 12 11 12 7",
];

/// The path data of digit `c`, or `None` for anything but `0`–`9`.
#[cfg(test)]
fn glyph(c: char) -> Option<&'static str> {
    c.to_digit(10).map(|d| GLYPHS[d as usize])
}

/// Width of a row of `count` digits, from the left edge of the first glyph
/// box to the right edge of the last.
pub fn row_width(count: usize) -> f64 {
    if count == 0 { 0.0 } else { GLYPH_WIDTH + (count - 1) as f64 * ADVANCE }
}

/// One `<path id="gD">` per digit 0–9 (the same for every count).
pub fn glyphs() -> String {
    let mut out = String::new();
    for (d, path) in GLYPHS.iter().enumerate() {
        out.push_str(&format!(r#"<path id="g{d}" d="{path}"/>"#));
    }
    out
}

/// The row `<g id="n">` of `<use>`s placing `count` digits with the first
/// glyph box at (`x`, `y`), each glyph reference ending in its digit's
/// template slot for the host to fill.
pub fn row(count: usize, x: f64, y: f64) -> String {
    let mut out = format!(r#"<g id="{ROW_ID}" transform="translate({} {})">"#, format_num(x), format_num(y));
    for i in 0..count {
        let digit = slot_marker(Slot::Digit(u8::try_from(i).unwrap_or(u8::MAX)));
        out.push_str(&format!(r##"<use href="#g{digit}" x="{}"/>"##, format_num(i as f64 * ADVANCE)));
    }
    out.push_str("</g>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_digit_has_a_distinct_glyph() {
        let all: Vec<&str> = ('0'..='9').filter_map(glyph).collect();
        assert_eq!(all.len(), 10);
        for (i, g) in all.iter().enumerate() {
            assert!(g.starts_with('M'), "{i}");
            assert!(all[i + 1..].iter().all(|other| other != g), "{i} repeats");
        }
        assert_eq!(glyph('a'), None);
        assert_eq!(glyph('٣'), None);
    }

    #[test]
    fn defs_define_each_glyph_once() {
        let out = glyphs() + &row(4, 0.0, 0.0);
        assert_eq!(out.matches(r#"id="g1""#).count(), 1);
        assert_eq!(out.matches(r#"id="g0""#).count(), 1);
        assert_eq!(out.matches(r#"<path id="g"#).count(), 10);
        assert_eq!(out.matches("<use").count(), 4);
        let last = slot_marker(Slot::Digit(3));
        assert!(out.contains(&format!(r##"<use href="#g{last}" x="48"/>"##)), "{out}");
    }

    #[test]
    fn row_width_grows_with_digits() {
        assert_eq!(row_width(0), 0.0);
        assert_eq!(row_width(1), 12.0);
        assert_eq!(row_width(7), 12.0 + 6.0 * 16.0);
    }
}

//! Digit layout for counters: zero padding, cell positions, a pixel font.
//!
//! Odometer, flip-clock and LED themes all draw a count as a row of equal
//! cells. [`pad`] gives the digits to draw, [`layout`] where each cell goes,
//! and [`pixel_digits_svg`] draws digits with a built-in 3×5 pixel font when
//! a theme wants a retro look without depending on the viewer's fonts.
//!
//! ```
//! use waymark_plugin_sdk::digits::{layout, pad, pixel_digits_svg};
//!
//! let text = pad(42, 5);
//! assert_eq!(text, "00042");
//! let cells = layout(text.len(), 12.0, 2.0, 4.0);
//! assert_eq!(cells.x, vec![4.0, 18.0, 32.0, 46.0, 60.0]);
//! assert_eq!(cells.width, 76.0);
//! let svg = pixel_digits_svg(&text, 0.0, 0.0, 2.0, "#0f0");
//! assert!(svg.starts_with("<g fill=\"#0f0\"><rect "));
//! ```

use std::fmt::Write as _;

use crate::svg::{escape_attr, format_num};

/// Width of a [`pixel_glyph`] in pixels.
pub const GLYPH_WIDTH: u32 = 3;

/// Height of a [`pixel_glyph`] in pixels (rows per glyph).
pub const GLYPH_HEIGHT: u32 = 5;

/// Horizontal distance from one glyph to the next in pixels: the glyph plus
/// one pixel of spacing.
const GLYPH_ADVANCE: u32 = GLYPH_WIDTH + 1;

/// The pixel font, one entry per digit `0` to `9`, rows top to bottom,
/// bit 2 the leftmost pixel. Drawn for Waymark with round `0`, `6`, `8` and
/// `9` so that digits stay distinct at 3 pixels wide.
const FONT: [[u8; 5]; 10] = [
    [0b010, 0b101, 0b101, 0b101, 0b010], // 0
    [0b010, 0b110, 0b010, 0b010, 0b111], // 1
    [0b110, 0b001, 0b010, 0b100, 0b111], // 2
    [0b110, 0b001, 0b010, 0b001, 0b110], // 3
    [0b101, 0b101, 0b111, 0b001, 0b001], // 4
    [0b111, 0b100, 0b110, 0b001, 0b110], // 5
    [0b011, 0b100, 0b110, 0b101, 0b010], // 6
    [0b111, 0b001, 0b001, 0b010, 0b010], // 7
    [0b010, 0b101, 0b010, 0b101, 0b010], // 8
    [0b010, 0b101, 0b011, 0b001, 0b110], // 9
];

/// `value` in decimal, zero-padded on the left to `length` digits.
///
/// Use it for fixed-width counters (`0000042`). A value wider than `length`
/// is shown whole, never truncated, because a counter that silently drops
/// its leading digits would show a wrong number: `pad(123456789, 4)` is
/// `"123456789"`. A `length` of 0 means no padding.
pub fn pad(value: u64, length: u8) -> String {
    format!("{value:0width$}", width = usize::from(length))
}

/// Where each digit cell of a row goes, from [`layout`].
#[derive(Debug, Clone, PartialEq)]
pub struct DigitLayout {
    /// The left edge of each cell, left to right.
    pub x: Vec<f64>,
    /// The width of the whole row, outer padding included: the width to
    /// give the badge or its background.
    pub width: f64,
}

/// Lays out `digits` cells of `digit_width` in a row, `gap` apart, with
/// `padding` before the first and after the last.
///
/// Use it instead of hand-written arithmetic so every theme spaces its cells
/// the same way. Negative, NaN or infinite measures count as 0, so a bad
/// theme parameter cannot put NaN into the SVG. With no digits, the row is
/// just the two paddings.
pub fn layout(digits: usize, digit_width: f64, gap: f64, padding: f64) -> DigitLayout {
    let (digit_width, gap, padding) = (measure(digit_width), measure(gap), measure(padding));
    let step = digit_width + gap;
    let x = (0..digits).map(|i| padding + i as f64 * step).collect();
    let cells = digits as f64 * digit_width + digits.saturating_sub(1) as f64 * gap;
    DigitLayout { x, width: 2.0 * padding + cells }
}

/// A usable length: finite and not negative, otherwise 0.
fn measure(value: f64) -> f64 {
    if value.is_finite() && value > 0.0 { value } else { 0.0 }
}

/// The 3×5 pixel glyph of digit `c`, or `None` for anything but `0`..=`9`.
///
/// Each of the five bytes is a row, top first; its lowest three bits are the
/// pixels, bit 2 (`0b100`) the leftmost. Use it to draw digits your own way
/// (LED dots, circles); [`pixel_digits_svg`] draws them as rectangles.
pub fn pixel_glyph(c: char) -> Option<[u8; 5]> {
    let digit = c.to_digit(10)?;
    FONT.get(digit as usize).copied()
}

/// The width in pixels that [`pixel_digits_svg`] gives `text`: 3 pixels per
/// character plus 1 between characters, times `pixel`.
///
/// Use it to size the badge or centre the digits before drawing them.
pub fn pixel_text_width(text: &str, pixel: f64) -> f64 {
    let chars = text.chars().count() as f64;
    let pixels = (chars * f64::from(GLYPH_ADVANCE) - 1.0).max(0.0);
    pixels * measure(pixel)
}

/// Draws `text` in the built-in pixel font, its top-left corner at (`x`,
/// `y`), each font pixel `pixel` units square, filled with `fill`.
///
/// Returns one `<g fill="…">` of `<rect>`s, one per horizontal run of lit
/// pixels (merged to keep the SVG small), ready for [`Svg::raw_child`] or
/// [`Element::raw_child`]. Glyphs are 1 pixel apart; a character without a
/// glyph (a space, say) leaves a blank glyph-wide cell, so columns stay
/// aligned. `fill` is escaped, but should still be a colour you validated
/// (see [`crate::color::Rgba::parse`]). Returns an empty string when there
/// is nothing to draw, including when `pixel` is not a positive number.
///
/// [`Svg::raw_child`]: crate::svg::Svg::raw_child
pub fn pixel_digits_svg(text: &str, x: f64, y: f64, pixel: f64, fill: &str) -> String {
    let pixel = measure(pixel);
    if pixel == 0.0 {
        return String::new();
    }
    // Written straight into one string: badges draw this on every request,
    // and building an element tree per rectangle costs more than the drawing.
    let mut rects = String::new();
    for (index, c) in text.chars().enumerate() {
        let Some(rows) = pixel_glyph(c) else {
            continue;
        };
        let left = x + index as f64 * f64::from(GLYPH_ADVANCE) * pixel;
        for (row, bits) in rows.iter().enumerate() {
            let top = y + row as f64 * pixel;
            for (column, length) in runs(*bits) {
                let _ = write!(
                    rects,
                    r#"<rect x="{}" y="{}" width="{}" height="{}"/>"#,
                    format_num(left + f64::from(column) * pixel),
                    format_num(top),
                    format_num(f64::from(length) * pixel),
                    format_num(pixel)
                );
            }
        }
    }
    if rects.is_empty() { String::new() } else { format!(r#"<g fill="{}">{rects}</g>"#, escape_attr(fill)) }
}

/// The runs of lit pixels in a glyph row, as (first column, length), left
/// to right.
fn runs(bits: u8) -> Vec<(u32, u32)> {
    let mut runs = Vec::new();
    let mut current: Option<(u32, u32)> = None;
    for column in 0..GLYPH_WIDTH {
        let lit = bits & (1 << (GLYPH_WIDTH - 1 - column)) != 0;
        current = match (current, lit) {
            (Some((start, length)), true) => Some((start, length + 1)),
            (None, true) => Some((column, 1)),
            (Some(run), false) => {
                runs.push(run);
                None
            }
            (None, false) => None,
        };
    }
    runs.extend(current);
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The lit pixels of `pixel_digits_svg(text, 0, 0, 1, …)`, read back
    /// from its rectangles as (column, row) pairs.
    fn rendered_pixels(svg: &str) -> BTreeSet<(u32, u32)> {
        let mut pixels = BTreeSet::new();
        for rect in svg.split("<rect ").skip(1) {
            let attr = |name: &str| -> u32 {
                let start = rect.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                let end = start + rect[start..].find('"').unwrap();
                rect[start..end].parse().unwrap()
            };
            assert_eq!(attr("height"), 1);
            for dx in 0..attr("width") {
                assert!(pixels.insert((attr("x") + dx, attr("y"))), "overlap in {svg}");
            }
        }
        pixels
    }

    /// The lit pixels of `text` straight from the font, spaced as rendered.
    fn font_pixels(text: &str) -> BTreeSet<(u32, u32)> {
        let mut pixels = BTreeSet::new();
        for (index, c) in text.chars().enumerate() {
            let Some(rows) = pixel_glyph(c) else { continue };
            for (row, bits) in rows.iter().enumerate() {
                for column in 0..GLYPH_WIDTH {
                    if bits & (0b100 >> column) != 0 {
                        pixels.insert((index as u32 * 4 + column, row as u32));
                    }
                }
            }
        }
        pixels
    }

    #[test]
    fn pad_zero_pads() {
        assert_eq!(pad(42, 7), "0000042");
        assert_eq!(pad(0, 3), "000");
        assert_eq!(pad(7, 1), "7");
        assert_eq!(pad(1234, 4), "1234");
    }

    #[test]
    fn pad_never_truncates() {
        assert_eq!(pad(123456789, 4), "123456789");
        assert_eq!(pad(10, 1), "10");
        assert_eq!(pad(5, 0), "5");
        assert_eq!(pad(0, 0), "0");
        assert_eq!(pad(u64::MAX, 3), u64::MAX.to_string());
    }

    #[test]
    fn pad_extremes() {
        assert_eq!(pad(u64::MAX, 25), format!("00000{}", u64::MAX));
        let wide = pad(1, u8::MAX);
        assert_eq!(wide.len(), 255);
        assert!(wide.ends_with("01") && wide.trim_start_matches('0') == "1");
    }

    #[test]
    fn layout_positions_cells() {
        let cells = layout(3, 10.0, 2.0, 5.0);
        assert_eq!(cells.x, vec![5.0, 17.0, 29.0]);
        assert_eq!(cells.width, 5.0 + 10.0 + 2.0 + 10.0 + 2.0 + 10.0 + 5.0);
        let last = cells.x[2] + 10.0;
        assert_eq!(cells.width - last, 5.0, "padding after the last cell");
    }

    #[test]
    fn layout_single_and_empty() {
        let one = layout(1, 8.0, 3.0, 2.0);
        assert_eq!(one.x, vec![2.0]);
        assert_eq!(one.width, 12.0);
        let none = layout(0, 8.0, 3.0, 2.0);
        assert!(none.x.is_empty());
        assert_eq!(none.width, 4.0);
    }

    #[test]
    fn layout_without_gap_or_padding() {
        let cells = layout(4, 1.5, 0.0, 0.0);
        assert_eq!(cells.x, vec![0.0, 1.5, 3.0, 4.5]);
        assert_eq!(cells.width, 6.0);
    }

    #[test]
    fn layout_sanitises_bad_measures() {
        let cells = layout(2, f64::NAN, -1.0, f64::INFINITY);
        assert_eq!(cells.x, vec![0.0, 0.0]);
        assert_eq!(cells.width, 0.0);
        let cells = layout(2, 4.0, f64::NEG_INFINITY, -3.0);
        assert_eq!(cells.x, vec![0.0, 4.0]);
        assert_eq!(cells.width, 8.0);
        assert!(cells.x.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn glyphs_exist_only_for_digits() {
        for c in '0'..='9' {
            assert!(pixel_glyph(c).is_some(), "{c}");
        }
        for c in ['a', ' ', '/', ':', '٣', '²', '\u{0}', '🦀'] {
            assert_eq!(pixel_glyph(c), None, "{c:?}");
        }
    }

    #[test]
    fn glyphs_are_distinct_and_fill_their_box() {
        let glyphs: Vec<[u8; 5]> = ('0'..='9').filter_map(pixel_glyph).collect();
        for (i, glyph) in glyphs.iter().enumerate() {
            assert!(glyph.iter().all(|row| row & !0b111 == 0), "{i} is wider than 3");
            assert_ne!(glyph[0], 0, "{i} leaves its top row empty");
            assert_ne!(glyph[4], 0, "{i} leaves its bottom row empty");
            let columns = glyph.iter().fold(0, |acc, row| acc | row);
            assert_eq!(columns, 0b111, "{i} leaves a column empty");
            assert!(glyphs[i + 1..].iter().all(|other| other != glyph), "{i} repeats");
        }
    }

    #[test]
    fn one_glyph_looks_right() {
        // A guard against accidental edits to the font table.
        assert_eq!(pixel_glyph('1'), Some([0b010, 0b110, 0b010, 0b010, 0b111]));
        assert_eq!(pixel_glyph('8'), Some([0b010, 0b101, 0b010, 0b101, 0b010]));
    }

    #[test]
    fn runs_merge_adjacent_pixels() {
        assert_eq!(runs(0b000), vec![]);
        assert_eq!(runs(0b111), vec![(0, 3)]);
        assert_eq!(runs(0b101), vec![(0, 1), (2, 1)]);
        assert_eq!(runs(0b110), vec![(0, 2)]);
        assert_eq!(runs(0b011), vec![(1, 2)]);
        assert_eq!(runs(0b010), vec![(1, 1)]);
        assert_eq!(runs(0b001), vec![(2, 1)]);
        assert_eq!(runs(0b100), vec![(0, 1)]);
    }

    #[test]
    fn rendering_reproduces_the_font() {
        for text in ["0", "1", "0123456789", "9876543210", "1 2", "a7"] {
            let svg = pixel_digits_svg(text, 0.0, 0.0, 1.0, "#000");
            assert_eq!(rendered_pixels(&svg), font_pixels(text), "{text}");
        }
    }

    #[test]
    fn rendering_merges_runs() {
        // "1": rows 010, 110, 010, 010, 111 give 5 runs, not 7 pixels.
        let svg = pixel_digits_svg("1", 0.0, 0.0, 1.0, "red");
        assert_eq!(svg.matches("<rect").count(), 5);
        assert!(svg.contains(r#"<rect x="0" y="4" width="3" height="1"/>"#));
    }

    #[test]
    fn rendering_positions_and_scales() {
        let svg = pixel_digits_svg("71", 10.0, 20.0, 2.5, "#fff");
        assert!(svg.starts_with(r##"<g fill="#fff"><rect x="10" y="20" width="7.5" height="2.5"/>"##));
        // The second glyph starts 4 pixels (10 units) further right: its
        // top row 010 lights column 1.
        assert!(svg.contains(r#"<rect x="22.5" y="20" width="2.5" height="2.5"/>"#));
        assert!(svg.ends_with("</g>"));
    }

    #[test]
    fn rendering_escapes_fill() {
        let svg = pixel_digits_svg("0", 0.0, 0.0, 1.0, r#""><script>alert(1)</script>"#);
        assert!(svg.starts_with(r#"<g fill="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">"#));
        assert!(!svg.contains("<script"));
    }

    #[test]
    fn rendering_nothing() {
        assert_eq!(pixel_digits_svg("", 0.0, 0.0, 1.0, "red"), "");
        assert_eq!(pixel_digits_svg("abc ", 0.0, 0.0, 1.0, "red"), "");
        assert_eq!(pixel_digits_svg("1", 0.0, 0.0, 0.0, "red"), "");
        assert_eq!(pixel_digits_svg("1", 0.0, 0.0, -2.0, "red"), "");
        assert_eq!(pixel_digits_svg("1", 0.0, 0.0, f64::NAN, "red"), "");
    }

    #[test]
    fn rendering_odd_coordinates_stay_finite() {
        let svg = pixel_digits_svg("8", f64::NAN, f64::INFINITY, 1.0, "red");
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    }

    #[test]
    fn text_width_matches_rendering() {
        assert_eq!(pixel_text_width("", 2.0), 0.0);
        assert_eq!(pixel_text_width("0", 2.0), 6.0);
        assert_eq!(pixel_text_width("000", 1.0), 11.0);
        assert_eq!(pixel_text_width("12", f64::NAN), 0.0);
        let widest = font_pixels("0000000").iter().map(|(x, _)| x + 1).max();
        assert_eq!(widest, Some(pixel_text_width("0000000", 1.0) as u32));
    }
}

//! The sign a figure holds up: a framed pixel board sized to the count, with
//! the digits drawn as `<use>` references to one glyph per digit.
//!
//! The board grows with the number of digits (4 to 12 padded, or a wider
//! raw value), so every theme positions its figure relative to the board
//! rather than the other way round.

use std::fmt::Write;

use waymark_plugin_sdk::counter_theme::{CounterMode, Slot, slot_marker};

use crate::font::{self, Font, SEGMENT_GHOST};
use crate::sprite::{CLEAR, Grid};

/// How a digit is set off from the board face.
#[derive(Clone, Copy)]
pub enum DigitFx {
    /// Plain ink.
    Flat,
    /// A hard shadow one pixel down and right.
    Drop(&'static str),
    /// A one-pixel halo all round (glowing runes, neon).
    Glow(&'static str),
}

/// The look of a board: palette characters for the frame and face, the
/// digit font and colours.
pub struct BoardStyle {
    pub font: &'static Font,
    /// Dark one-pixel outline around the whole board.
    pub outline: u8,
    /// Frame body, its lit top edge and its shaded bottom edge.
    pub frame: u8,
    pub frame_hi: u8,
    pub frame_lo: u8,
    pub frame_width: i32,
    /// The panel the digits sit on.
    pub face: u8,
    /// Space between the frame and the digits.
    pub pad_x: i32,
    pub pad_y: i32,
    /// Digit colour and effect (real colours: glyphs live in `<defs>`).
    pub ink: &'static str,
    pub fx: DigitFx,
    /// Colour of the unlit segments drawn behind each digit, if any.
    pub ghost: Option<&'static str>,
    /// Prefix of the glyph ids, unique per theme so two different badges
    /// inlined in one page cannot borrow each other's glyphs.
    pub id: &'static str,
}

/// A drawn board: its pixels and where its digits go. The digits
/// themselves are not drawn here: a board depends only on how many digits
/// it holds, so a scene can be rendered once per width and filled in with
/// each new count (see [`crate::scene::Template`]).
pub struct Board {
    pub grid: Grid,
    pub digits: DigitRow,
}

impl Board {
    pub fn width(&self) -> i32 {
        self.grid.width()
    }

    pub fn height(&self) -> i32 {
        self.grid.height()
    }
}

/// Where a row of digits sits on a board and how it looks.
#[derive(Clone, Copy)]
pub struct DigitRow {
    pub style: &'static BoardStyle,
    /// The first digit's top-left corner, in board coordinates.
    pub x: i32,
    pub y: i32,
}

impl DigitRow {
    /// One `<use>` per character of `text` (a ghost cell first when the
    /// style has one), offset by the layer position `(dx, dy)`.
    pub fn uses(&self, text: &str, out: &mut String) {
        self.cells(text.chars().map(|c| c.is_ascii_digit().then_some(c)), out);
    }

    /// Like [`DigitRow::uses`] for `count` digits not known yet: each glyph
    /// reference ends in the slot of its digit, for the host to fill.
    pub fn slots(&self, count: usize, out: &mut String) {
        let digit = |i: usize| slot_marker(Slot::Digit(u8::try_from(i).unwrap_or(u8::MAX)));
        self.cells((0..count).map(|i| Some(digit(i))), out);
    }

    /// A cell per item, drawing glyph `c` for `Some(c)`.
    fn cells(&self, glyphs: impl Iterator<Item = Option<char>>, out: &mut String) {
        let style = self.style;
        let advance = style.font.width + style.font.gap;
        for (index, glyph) in glyphs.enumerate() {
            let cell_x = self.x + index as i32 * advance;
            let y = self.y;
            if style.ghost.is_some() {
                let _ = write!(out, r##"<use href="#{}g" x="{cell_x}" y="{y}"/>"##, style.id);
            }
            if let Some(c) = glyph {
                let _ = write!(out, r##"<use href="#{}{c}" x="{cell_x}" y="{y}"/>"##, style.id);
            }
        }
    }

    /// The glyph definitions: every digit (effect under ink), plus the
    /// ghost cell when the style has one. All ten, not only those `text`
    /// uses, so that badges of one width differ only in their digits: the
    /// host then checks a fresh badge against the last one instead of
    /// parsing it in full.
    pub fn defs(&self, out: &mut String) {
        let style = self.style;
        if let Some(ghost) = style.ghost {
            let data = Grid::parse(SEGMENT_GHOST).path_data(b'#', 0, 0);
            let _ = write!(out, r#"<path id="{}g" fill="{ghost}" d="{data}"/>"#, style.id);
        }
        for c in '0'..='9' {
            out.push_str(&glyph_def(style, c));
        }
    }
}

/// Draws a board for `count` characters in `style`.
pub fn build(style: &'static BoardStyle, count: usize) -> Board {
    let inset = 1 + style.frame_width;
    let width = 2 * (inset + style.pad_x) + style.font.row_width(count);
    let height = 2 * (inset + style.pad_y) + style.font.height;
    let grid = frame(style, width, height);
    Board { grid, digits: DigitRow { style, x: inset + style.pad_x, y: inset + style.pad_y } }
}

/// The frame and face, with the outline's corners cut for a rounded look.
fn frame(style: &BoardStyle, width: i32, height: i32) -> Grid {
    let mut grid = Grid::new(width, height);
    grid.fill(0, 0, width, height, style.outline);
    let fw = style.frame_width;
    grid.fill(1, 1, width - 2, height - 2, style.frame);
    grid.fill(1, 1, width - 2, 1, style.frame_hi);
    grid.fill(1, height - 2, width - 2, 1, style.frame_lo);
    grid.fill(1 + fw, 1 + fw, width - 2 - 2 * fw, height - 2 - 2 * fw, style.face);
    for (x, y) in [(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)] {
        grid.set(x, y, CLEAR);
    }
    grid
}

/// The `<g id=…>` definition of digit `c` in `style`.
fn glyph_def(style: &BoardStyle, c: char) -> String {
    let Some(glyph) = style.font.glyph(c) else { return String::new() };
    let ink = glyph.path_data(b'#', 0, 0);
    let under = match style.fx {
        DigitFx::Flat => String::new(),
        DigitFx::Drop(colour) => format!(r#"<path fill="{colour}" d="{}"/>"#, glyph.path_data(b'#', 1, 1)),
        DigitFx::Glow(colour) => format!(r#"<path fill="{colour}" d="{}"/>"#, halo(&glyph).path_data(b'#', -1, -1)),
    };
    format!(r#"<g id="{}{c}">{under}<path fill="{}" d="{ink}"/></g>"#, style.id, style.ink)
}

/// The pixels next to (including diagonally) but not on the glyph, in a
/// grid one pixel larger on every side.
fn halo(glyph: &Grid) -> Grid {
    let mut out = Grid::new(glyph.width() + 2, glyph.height() + 2);
    for y in -1..=glyph.height() {
        for x in -1..=glyph.width() {
            let lit = |dx: i32, dy: i32| glyph.get(x + dx, y + dy) != CLEAR;
            let near = (-1..=1).any(|dy| (-1..=1).any(|dx| lit(dx, dy)));
            if near && !lit(0, 0) {
                out.set(x + 1, y + 1, b'#');
            }
        }
    }
    out
}

/// The word for the counter's mode, in tag letters.
pub fn mode_word(mode: CounterMode) -> &'static str {
    match mode {
        CounterMode::Daily => "TODAY",
        CounterMode::Total => "TOTAL",
    }
}

/// A small plate with the mode word, `ink` on `plate` with an `edge`
/// outline, to pin onto a board or hang under it.
pub fn tag(mode: CounterMode, plate: u8, ink: u8, edge: u8) -> Grid {
    let letters = font::word(mode_word(mode), ink);
    let mut grid = Grid::new(letters.width() + 4, letters.height() + 4);
    grid.fill(0, 0, grid.width(), grid.height(), edge);
    grid.fill(1, 1, grid.width() - 2, grid.height() - 2, plate);
    for (x, y) in [(0, 0), (grid.width() - 1, 0), (0, grid.height() - 1), (grid.width() - 1, grid.height() - 1)] {
        grid.set(x, y, CLEAR);
    }
    grid.overlay(&letters, 2, 2);
    grid
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::font::CHUNKY;

    static STYLE: BoardStyle = BoardStyle {
        font: &CHUNKY,
        outline: b'o',
        frame: b'f',
        frame_hi: b'h',
        frame_lo: b'l',
        frame_width: 2,
        face: b'x',
        pad_x: 2,
        pad_y: 1,
        ink: "#fff",
        fx: DigitFx::Drop("#000"),
        ghost: None,
        id: "t",
    };

    #[test]
    fn board_grows_with_digits() {
        let four = build(&STYLE, 4);
        let twelve = build(&STYLE, 12);
        assert_eq!(twelve.width() - four.width(), 8 * 6);
        assert_eq!(four.height(), twelve.height());
        let mut uses = String::new();
        four.digits.uses("0042", &mut uses);
        assert_eq!(uses.matches("<use").count(), 4);
    }

    #[test]
    fn each_digit_is_defined_once() {
        let mut defs = String::new();
        build(&STYLE, 5).digits.defs(&mut defs);
        assert_eq!(defs.matches("<g id=").count(), 10);
        assert!(defs.contains(r#"id="t1""#) && defs.contains(r#"id="t9""#));
    }

    #[test]
    fn halo_surrounds_a_pixel() {
        let ring = halo(&Grid::parse(&["#"]));
        assert_eq!(ring, Grid::parse(&["###", "#.#", "###"]));
    }
}

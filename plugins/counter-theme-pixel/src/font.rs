//! Pixel fonts drawn for these themes: three digit faces and the handful of
//! letters the `TODAY`/`TOTAL` tag needs. All original, written as string
//! art (`#` lit) so they can be reviewed at a glance.

use crate::sprite::Grid;

/// A digit face: ten glyphs of equal size, `0` to `9`.
pub struct Font {
    pub width: i32,
    pub height: i32,
    /// Blank columns between glyphs.
    pub gap: i32,
    /// The glyphs `0` to `9` side by side, one space apart, so the whole
    /// face reads like a specimen sheet.
    pub art: &'static [&'static str],
}

impl Font {
    /// The glyph of digit `c` as a grid of `#`, or `None` for a non-digit.
    pub fn glyph(&self, c: char) -> Option<Grid> {
        let digit = c.to_digit(10)? as usize;
        Some(Grid::parse(&cut(self.art, digit, self.width as usize)))
    }

    /// Width of `count` glyphs in a row, gaps included.
    pub fn row_width(&self, count: usize) -> i32 {
        let count = count as i32;
        (count * (self.width + self.gap) - self.gap).max(0)
    }
}

/// Bold 5×7 digits with two-pixel stems: legible at a glance on a sign.
pub const CHUNKY: Font = Font {
    width: 5,
    height: 7,
    gap: 1,
    art: &[
        ".###. .##.. .###. ####. ##.## ##### .###. ##### .###. .###.",
        "##.## ###.. ##.## ...## ##.## ##... ##... ...## ##.## ##.##",
        "##.## .##.. ...## ...## ##.## ####. ##... ...## ##.## ##.##",
        "##.## .##.. ..##. .###. ##### ...## ####. ..##. .###. .####",
        "##.## .##.. .##.. ...## ...## ...## ##.## ..##. ##.## ...##",
        "##.## .##.. ##... ...## ...## ##.## ##.## .##.. ##.## ...##",
        ".###. ####. ##### ####. ...## .###. .###. .##.. .###. .###.",
    ],
};

/// Thin 4×7 seven-segment digits, for scoreboards and LCD panels; the
/// unlit segments are drawn from [`SEGMENT_GHOST`].
pub const SEGMENT: Font = Font {
    width: 4,
    height: 7,
    gap: 2,
    art: &[
        "#### ...# #### #### #..# #### #### #### #### ####",
        "#..# ...# ...# ...# #..# #... #... ...# #..# #..#",
        "#..# ...# ...# ...# #..# #... #... ...# #..# #..#",
        "#..# ...# #### #### #### #### #### ...# #### ####",
        "#..# ...# #... ...# ...# ...# #..# ...# #..# ...#",
        "#..# ...# #... ...# ...# ...# #..# ...# #..# ...#",
        "#### ...# #### #### ...# #### #### ...# #### ####",
    ],
};

/// Every segment of [`SEGMENT`] at once: the dim "off" segments of a
/// scoreboard or LCD cell.
#[rustfmt::skip]
pub const SEGMENT_GHOST: &[&str] = &[
    "####",
    "#..#",
    "#..#",
    "####",
    "#..#",
    "#..#",
    "####",
];

/// Soft 4×6 digits with rounded corners, for the pastel mascot signs.
pub const ROUND: Font = Font {
    width: 4,
    height: 6,
    gap: 1,
    art: &[
        ".##. .#.. .##. ###. ..#. #### .##. #### .##. .##.",
        "#..# ##.. #..# ...# .##. #... #... ...# #..# #..#",
        "#..# .#.. ..#. .##. #.#. ###. ###. ..#. .##. #..#",
        "#..# .#.. .#.. ...# #### ...# #..# ..#. #..# .###",
        "#..# .#.. #... ...# ..#. #..# #..# .#.. #..# ...#",
        ".##. ###. #### ###. ..#. .##. .##. .#.. .##. .##.",
    ],
};

/// Column `index` of side-by-side art whose cells are `width` wide and one
/// space apart.
fn cut(art: &[&'static str], index: usize, width: usize) -> Vec<&'static str> {
    let start = index * (width + 1);
    art.iter().map(|row| row.get(start..start + width).unwrap_or("")).collect()
}

/// Width of a tag letter.
pub const LETTER_WIDTH: i32 = 3;

/// Height of a tag letter.
pub const LETTER_HEIGHT: i32 = 5;

/// The letters the tag needs, in the order of [`LETTER_ART`].
const LETTERS: &str = "TODAYL";

/// 3×5 capitals for `TODAY` and `TOTAL`, side by side.
#[rustfmt::skip]
const LETTER_ART: &[&str] = &[
    "### .#. ##. .#. #.# #..",
    ".#. #.# #.# #.# #.# #..",
    ".#. #.# #.# ### .#. #..",
    ".#. #.# #.# #.# .#. #..",
    ".#. .#. ##. #.# .#. ###",
];

/// The glyph of tag letter `c`; anything but the six letters is blank.
pub fn letter(c: char) -> Vec<&'static str> {
    match LETTERS.find(c) {
        Some(index) => cut(LETTER_ART, index, LETTER_WIDTH as usize),
        None => Vec::new(),
    }
}

/// `word` in tag letters as a grid of `cell`, letters one pixel apart.
pub fn word(word: &str, cell: u8) -> Grid {
    let count = word.chars().count() as i32;
    let mut grid = Grid::new((count * (LETTER_WIDTH + 1) - 1).max(0), LETTER_HEIGHT);
    for (index, c) in word.chars().enumerate() {
        let mut art = Grid::parse(&letter(c));
        art.recolor(b'#', cell);
        grid.overlay(&art, index as i32 * (LETTER_WIDTH + 1), 0);
    }
    grid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_are_rectangular_and_distinct() {
        for font in [&CHUNKY, &SEGMENT, &ROUND] {
            assert_eq!(font.art.len() as i32, font.height);
            let row_width = 10 * (font.width as usize + 1) - 1;
            assert!(font.art.iter().all(|row| row.len() == row_width), "ragged specimen");
            let glyphs: Vec<Grid> = ('0'..='9').filter_map(|c| font.glyph(c)).collect();
            for (digit, glyph) in glyphs.iter().enumerate() {
                assert_eq!((glyph.width(), glyph.height()), (font.width, font.height), "digit {digit}");
                assert!(!glyph.is_empty(), "digit {digit}");
                assert!(glyphs[digit + 1..].iter().all(|other| other != glyph), "digit {digit} repeats");
            }
            assert!(font.glyph('x').is_none());
        }
    }

    #[test]
    fn one_glyph_looks_right() {
        // A guard against a misaligned specimen sheet.
        assert_eq!(
            CHUNKY.glyph('7'),
            Some(Grid::parse(&["#####", "...##", "...##", "..##.", "..##.", ".##..", ".##.."]))
        );
    }

    #[test]
    fn words_are_spelled() {
        let tag = word("TOTAL", b'x');
        assert_eq!(tag.width(), 19);
        assert_eq!(tag.get(0, 0), b'x');
        assert!(word("TODAY", b'x').used() == vec![b'x']);
        assert!(LETTERS.chars().all(|c| letter(c).len() == LETTER_HEIGHT as usize));
        assert!(letter('Q').is_empty());
    }
}

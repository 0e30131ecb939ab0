//! A tiny pixel-sprite type: a grid of palette characters, written as string
//! art in the theme modules, turned into one merged `<path>` per colour.
//!
//! Every drawing in this crate (figures, signs, the card behind them) is a
//! [`Grid`] in "art pixels"; the SVG's `viewBox` is in the same units, so
//! path data stays small integers and the whole image scales crisply.

use std::fmt::Write;

/// The cell value of an empty (transparent) pixel.
pub const CLEAR: u8 = b'.';

/// Palette: which colour each grid character stands for, in drawing order.
pub type Palette = [(char, &'static str)];

/// A rectangle of pixels, each a palette character or [`CLEAR`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    width: i32,
    height: i32,
    cells: Vec<u8>,
}

impl Grid {
    /// An empty (all clear) grid.
    pub fn new(width: i32, height: i32) -> Self {
        let (width, height) = (width.max(0), height.max(0));
        Grid { width, height, cells: vec![CLEAR; (width * height) as usize] }
    }

    /// A grid from string art, one string per row; short rows are padded
    /// with clear pixels so the art need not be rectangular.
    pub fn parse(rows: &[&str]) -> Self {
        let width = rows.iter().map(|row| row.len()).max().unwrap_or(0) as i32;
        let mut grid = Grid::new(width, rows.len() as i32);
        grid.stamp(0, 0, rows);
        grid
    }

    pub fn width(&self) -> i32 {
        self.width
    }

    pub fn height(&self) -> i32 {
        self.height
    }

    /// The pixel at (`x`, `y`); outside the grid counts as clear.
    pub fn get(&self, x: i32, y: i32) -> u8 {
        if self.contains(x, y) { self.cells[(y * self.width + x) as usize] } else { CLEAR }
    }

    /// Sets one pixel; outside the grid is silently ignored so callers can
    /// draw shapes that run off the edge.
    pub fn set(&mut self, x: i32, y: i32, cell: u8) {
        if self.contains(x, y) {
            self.cells[(y * self.width + x) as usize] = cell;
        }
    }

    /// Fills a rectangle with `cell`.
    pub fn fill(&mut self, x: i32, y: i32, width: i32, height: i32, cell: u8) {
        for row in y..y + height {
            for column in x..x + width {
                self.set(column, row, cell);
            }
        }
    }

    /// Paints string art with its top-left at (`x`, `y`): `.` keeps what is
    /// there, `-` erases, anything else paints. Used for frame patches
    /// (a raised arm, closed eyes) over a base pose.
    pub fn stamp(&mut self, x: i32, y: i32, rows: &[&str]) {
        for (dy, row) in rows.iter().enumerate() {
            for (dx, cell) in row.bytes().enumerate() {
                match cell {
                    CLEAR => {}
                    b'-' => self.set(x + dx as i32, y + dy as i32, CLEAR),
                    _ => self.set(x + dx as i32, y + dy as i32, cell),
                }
            }
        }
    }

    /// Paints the non-clear pixels of `other` with its top-left at (`x`, `y`).
    pub fn overlay(&mut self, other: &Grid, x: i32, y: i32) {
        for row in 0..other.height {
            for column in 0..other.width {
                let cell = other.get(column, row);
                if cell != CLEAR {
                    self.set(x + column, y + row, cell);
                }
            }
        }
    }

    /// Replaces every `from` pixel with `to` (palette swaps, recolouring).
    pub fn recolor(&mut self, from: u8, to: u8) {
        self.cells.iter_mut().filter(|cell| **cell == from).for_each(|cell| *cell = to);
    }

    /// The distinct characters used, for palette checks in tests.
    pub fn used(&self) -> Vec<u8> {
        let mut used: Vec<u8> = self.cells.iter().copied().filter(|&c| c != CLEAR).collect();
        used.sort_unstable();
        used.dedup();
        used
    }

    /// Whether the grid has no visible pixel.
    pub fn is_empty(&self) -> bool {
        self.cells.iter().all(|&cell| cell == CLEAR)
    }

    /// One `<path>` per palette colour present, each pixel offset by
    /// (`dx`, `dy`). Characters missing from the palette are not drawn.
    pub fn paths(&self, palette: &Palette, dx: i32, dy: i32) -> String {
        // One pass to find the colours present, so the per-colour scan below
        // runs only for those (a palette has dozens, a layer uses a few).
        let mut present = [false; 256];
        for &cell in &self.cells {
            present[cell as usize] = true;
        }
        let mut out = String::new();
        for &(key, colour) in palette {
            if !key.is_ascii() || !present[key as usize] {
                continue;
            }
            let data = self.path_data(key as u8, dx, dy);
            if !data.is_empty() {
                let _ = write!(out, r#"<path fill="{colour}" d="{data}"/>"#);
            }
        }
        out
    }

    /// Path data covering every `cell` pixel with as few rectangles as a
    /// simple greedy merge finds: horizontal runs first, then runs of the
    /// same span on consecutive rows join into one taller rectangle.
    pub fn path_data(&self, cell: u8, dx: i32, dy: i32) -> String {
        let mut out = String::new();
        for (x, y, width, height) in self.rectangles(cell) {
            let _ = write!(out, "M{} {}h{width}v{height}h-{width}z", x + dx, y + dy);
        }
        out
    }

    /// The merged rectangles of `cell` as (x, y, width, height).
    fn rectangles(&self, cell: u8) -> Vec<(i32, i32, i32, i32)> {
        let mut done = Vec::new();
        // Rectangles still growing downwards, keyed by their span.
        let mut open: Vec<(i32, i32, i32, i32)> = Vec::new();
        for y in 0..self.height {
            let runs = self.runs(y, cell);
            let mut next = Vec::new();
            for (x, width) in runs {
                match open.iter().position(|r| r.0 == x && r.2 == width) {
                    Some(index) => {
                        let mut rect = open.swap_remove(index);
                        rect.3 += 1;
                        next.push(rect);
                    }
                    None => next.push((x, y, width, 1)),
                }
            }
            done.append(&mut open);
            open = next;
        }
        done.append(&mut open);
        // Sorted so the output does not depend on merge bookkeeping.
        done.sort_by_key(|&(x, y, _, _)| (y, x));
        done
    }

    /// The runs of `cell` in row `y`, as (first column, length).
    fn runs(&self, y: i32, cell: u8) -> Vec<(i32, i32)> {
        let mut runs = Vec::new();
        let mut x = 0;
        while x < self.width {
            if self.get(x, y) == cell {
                let start = x;
                while x < self.width && self.get(x, y) == cell {
                    x += 1;
                }
                runs.push((start, x - start));
            } else {
                x += 1;
            }
        }
        runs
    }

    fn contains(&self, x: i32, y: i32) -> bool {
        x >= 0 && y >= 0 && x < self.width && y < self.height
    }
}

/// Splits animation frames into what they share and what each adds.
///
/// Returns the common base (pixels equal in every frame) and, per frame, the
/// pixels where that frame differs from the base. Drawing the base once and
/// toggling the small differences keeps animated SVGs barely larger than
/// static ones. All frames must have the same size as the first.
pub fn split_frames(frames: &[Grid]) -> (Grid, Vec<Grid>) {
    let Some(first) = frames.first() else {
        return (Grid::new(0, 0), Vec::new());
    };
    let (width, height) = (first.width, first.height);
    let mut base = Grid::new(width, height);
    let mut diffs = vec![Grid::new(width, height); frames.len()];
    for y in 0..height {
        for x in 0..width {
            let cell = first.get(x, y);
            if frames.iter().all(|frame| frame.get(x, y) == cell) {
                base.set(x, y, cell);
            } else {
                for (diff, frame) in diffs.iter_mut().zip(frames) {
                    diff.set(x, y, frame.get(x, y));
                }
            }
        }
    }
    (base, diffs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_pads_rows() {
        let grid = Grid::parse(&["ab", "c"]);
        assert_eq!((grid.width(), grid.height()), (2, 2));
        assert_eq!(grid.get(1, 1), CLEAR);
        assert_eq!(grid.get(0, 1), b'c');
        assert_eq!(grid.get(-1, 0), CLEAR);
    }

    #[test]
    fn merges_runs_into_rectangles() {
        let grid = Grid::parse(&["aa.a", "aa..", "aaaa"]);
        assert_eq!(grid.path_data(b'a', 0, 0), "M0 0h2v2h-2zM3 0h1v1h-1zM0 2h4v1h-4z");
        assert_eq!(grid.path_data(b'a', 10, 1), "M10 1h2v2h-2zM13 1h1v1h-1zM10 3h4v1h-4z");
    }

    #[test]
    fn paths_follow_palette_order_and_skip_absent_colours() {
        let grid = Grid::parse(&["ab"]);
        let palette = [('b', "#222"), ('z', "#999"), ('a', "#111")];
        assert_eq!(
            grid.paths(&palette, 0, 0),
            r##"<path fill="#222" d="M1 0h1v1h-1z"/><path fill="#111" d="M0 0h1v1h-1z"/>"##
        );
    }

    #[test]
    fn stamp_keeps_erases_and_paints() {
        let mut grid = Grid::parse(&["aaa"]);
        grid.stamp(0, 0, &[".-b"]);
        assert_eq!(grid, Grid::parse(&["a.b"]));
    }

    #[test]
    fn recolor_swaps_one_colour() {
        let mut grid = Grid::parse(&["ab."]);
        grid.recolor(b'a', b'c');
        assert_eq!(grid, Grid::parse(&["cb."]));
    }

    #[test]
    fn split_frames_shares_the_common_part() {
        let frames = [Grid::parse(&["ab", "c."]), Grid::parse(&["ax", "c."])];
        let (base, diffs) = split_frames(&frames);
        assert_eq!(base, Grid::parse(&["a.", "c."]));
        assert_eq!(diffs[0], Grid::parse(&[".b"]).padded(2, 2));
        assert_eq!(diffs[1], Grid::parse(&[".x"]).padded(2, 2));
    }

    impl Grid {
        fn padded(&self, width: i32, height: i32) -> Grid {
            let mut out = Grid::new(width, height);
            out.overlay(self, 0, 0);
            out
        }
    }
}

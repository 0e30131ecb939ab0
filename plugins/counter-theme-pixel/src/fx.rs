//! Small effects several themes share: twinkling sparkles and the
//! placement helper for a figure that grips the sign's edge.

use crate::scene::{Layer, Timeline};
use crate::sprite::Grid;

/// The four sizes of a twinkle, largest first: a long cross, a small cross,
/// a lone dot, nothing. `ray` is the arms' colour, `core` the centre's.
pub fn sparkle_frames(ray: u8, core: u8) -> Vec<Grid> {
    #[rustfmt::skip]
    let shapes: [&[&str]; 4] = [
        &[
            "..r..",
            "..r..",
            "rrcrr",
            "..r..",
            "..r..",
        ],
        &[
            ".....",
            "..r..",
            ".rcr.",
            "..r..",
            ".....",
        ],
        &[
            ".....",
            ".....",
            "..c..",
            ".....",
            ".....",
        ],
        &[
            ".....",
            ".....",
            ".....",
            ".....",
            ".....",
        ],
    ];
    shapes
        .iter()
        .map(|rows| {
            let mut grid = Grid::parse(rows);
            grid.recolor(b'r', ray);
            grid.recolor(b'c', core);
            grid
        })
        .collect()
}

/// A sparkle whose centre is at (`x`, `y`), twinkling on `timeline`.
pub fn sparkle(ray: u8, core: u8, x: i32, y: i32, timeline: Timeline) -> Layer {
    Layer::animated(sparkle_frames(ray, core), x - 2, y - 2, timeline)
}

/// The usual twinkle: big, small, dot, gone, gone, dot, small.
pub fn twinkle(slot_ms: u32) -> Timeline {
    Timeline::new(slot_ms, &[0, 1, 2, 3, 3, 3, 2, 1])
}

//! `gelbooru` (像素牌-果冻): a round aqua jelly slime carries a lilac sign
//! on its head while a tiny pink slime rides on top. Lemon-cream face with
//! violet rounded digits on a lavender card. Animated: the big slime
//! squashes under the sign (which dips with it), the little one hops and
//! bubbles drift up.

use waymark_plugin_sdk::counter_theme::CounterMode;

use crate::board::{self, BoardStyle, DigitFx};
use crate::font::ROUND;
use crate::scene::{Card, Layer, Motion, Scene, Timeline};
use crate::sprite::{Grid, Palette};

const PALETTE: &Palette = &[
    // Card: lavender bands, violet border.
    ('1', "#f6f3ff"),
    ('2', "#ede7ff"),
    ('R', "#8f7ae0"),
    // Sign.
    ('O', "#4b3b8f"),
    ('F', "#c9b6ff"),
    ('G', "#e6dcff"),
    ('E', "#a58fea"),
    ('A', "#fffbe8"),
    // Big slime.
    ('k', "#2b5a7a"),
    ('b', "#86dcf2"),
    ('B', "#56b9d9"),
    ('w', "#effcff"),
    ('e', "#1e3346"),
    ('m', "#1e3346"),
    ('p', "#ffb6d3"),
    // Little slime.
    ('q', "#7a3a64"),
    ('c', "#ffb8d8"),
    ('C', "#f08cbc"),
    // Bubbles.
    ('o', "#9fd9f2"),
    ('W', "#ffffff"),
];

/// The big slime at rest; the sign sits on row 0.
const SLIME: &[&str] = &[
    "........kkkk........",
    "......kkbbbbkk......",
    ".....kbbbbbbbbk.....",
    "....kbwwbbbbbbbk....",
    "...kbwwbbbbbbbbbk...",
    "...kbwbbbbbbbbbbk...",
    "..kbbbbebbbbebbbbk..",
    "..kbbbbebbbbebbbbk..",
    "..kbbpbbbmmbbbpbbk..",
    ".kbbbbbbbbbbbbbbbbk.",
    ".kBbbbbbbbbbbbbbbBk.",
    "..kBBBBBBBBBBBBBBk..",
    "...kkkkkkkkkkkkkk...",
];

/// The big slime squashed one pixel lower and wider, eyes squeezed shut.
const SQUASHED: &[&str] = &[
    "....................",
    "........kkkk........",
    ".....kkkbbbbkkk.....",
    "...kkbwwbbbbbbbkk...",
    "..kbwwbbbbbbbbbbbk..",
    ".kbwbbbbbbbbbbbbbbk.",
    ".kbbbbbbbbbbbbbbbbk.",
    ".kbbbbbebbbbebbbbbk.",
    ".kbbbpbbbmmbbbpbbbk.",
    "kbbbbbbbbbbbbbbbbbbk",
    "kBbbbbbbbbbbbbbbbbBk",
    ".kBBBBBBBBBBBBBBBBk.",
    "..kkkkkkkkkkkkkkkk..",
];

/// The little slime that rides the sign.
#[rustfmt::skip]
const LITTLE: &[&str] = &[
    "...qqq...",
    ".qqcccqq.",
    "qcWcccccq",
    "qccqccqcq",
    "qCcccccCq",
    ".qqqqqqq.",
];

/// A bubble drifting up: three heights, then popped.
fn bubble_frames() -> Vec<Grid> {
    #[rustfmt::skip]
    const BUBBLE: &[&str] = &[
        ".o.",
        "oWo",
        ".o.",
    ];
    (0..4)
        .map(|step| {
            let mut grid = Grid::new(3, 9);
            if step < 3 {
                grid.stamp(0, 6 - 3 * step, BUBBLE);
            }
            grid
        })
        .collect()
}

const STYLE: BoardStyle = BoardStyle {
    font: &ROUND,
    outline: b'O',
    frame: b'F',
    frame_hi: b'G',
    frame_lo: b'E',
    frame_width: 2,
    face: b'A',
    pad_x: 3,
    pad_y: 1,
    ink: "#5a49cf",
    fx: DigitFx::Drop("#e4dcff"),
    ghost: None,
    id: "gs",
};

pub fn scene(digits: usize, _mode: CounterMode) -> Scene {
    let sign = board::build(&STYLE, digits);
    // Centred under the sign, however long it grows.
    let slime_x = (sign.width() - SLIME[0].len() as i32) / 2;
    let top = -sign.height() + 1;
    // One loop: rest, rest, squash, rest; the sign dips with the squash.
    let squash = Timeline::new(260, &[0, 0, 1, 0]);
    let dip = Motion::new(260, &[(0, 0), (0, 0), (0, 1), (0, 0)]);
    let slime = Layer::animated(vec![Grid::parse(SLIME), Grid::parse(SQUASHED)], slime_x, 0, squash);
    let panel = Layer::still(sign.grid.clone(), 0, top).with_motion(dip).with_digits(sign.digits);
    let little = Grid::parse(LITTLE);
    let hop = Motion::new(130, &[(0, 0), (0, 0), (0, 0), (0, -2), (0, -3), (0, -3), (0, -2), (0, 0)]);
    let little =
        Layer::still(little.clone(), sign.width() - little.width() - 4, top - little.height() + 1).with_motion(hop);
    let rise = Timeline::new(300, &[0, 1, 2, 3, 3, 3]);
    let bubbles = [(slime_x - 4, rise.clone()), (slime_x + 21, rise.shifted(3))]
        .map(|(x, timeline)| Layer::animated(bubble_frames(), x, 2, timeline));
    let [first, second] = bubbles;
    Scene {
        palette: PALETTE,
        card: Card { bands: vec![b'1', b'2'], border: b'R', shine: None, margin: 2 },
        layers: vec![slime, panel, little, first, second],
        scale: 3,
    }
}

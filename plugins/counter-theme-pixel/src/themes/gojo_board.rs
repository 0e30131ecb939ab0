//! `gojo_board` (像素牌-苍空, the server's default): a spiky mint-haired
//! kid with a headband and a high-collared navy coat holds a midnight sign
//! with bright digits up by its edge; a pale tag on the sign reads TOTAL or
//! TODAY. Animated: the free hand waves, a glint runs along the headband,
//! sparkles twinkle. (An original figure: the key is kept for compatibility.)

use waymark_plugin_sdk::counter_theme::CounterMode;

use crate::board::{self, BoardStyle, DigitFx};
use crate::font::CHUNKY;
use crate::fx;
use crate::scene::{Card, Layer, Scene, Timeline};
use crate::sprite::{Grid, Palette};

const PALETTE: &Palette = &[
    // Card: a three-band night gradient inside a light azure border.
    ('1', "#2a3775"),
    ('2', "#232e66"),
    ('3', "#1c2657"),
    ('4', "#3a4c96"),
    ('R', "#6cc4ff"),
    // Sign.
    ('O', "#0a0d22"),
    ('F', "#3a72d8"),
    ('G', "#9ad6ff"),
    ('E', "#24479c"),
    ('A', "#0f1535"),
    ('T', "#bfe8ff"),
    // Figure.
    ('k', "#12152e"),
    ('h', "#7fe0c0"),
    ('H', "#36a88a"),
    ('L', "#e6fff6"),
    ('s', "#ffe3d0"),
    ('S', "#f0b89e"),
    ('b', "#c8453c"),
    ('B', "#ff9a86"),
    ('j', "#1a2050"),
    ('J', "#4a5cb0"),
    ('q', "#131838"),
    ('m', "#c45f6b"),
    ('p', "#ffb3bd"),
    ('z', "#8fd0ff"),
    // Sparkles.
    ('y', "#a8e4ff"),
    ('w', "#ffffff"),
];

/// The figure, first frame: free (left) hand down, right hand gripping
/// the sign's edge at the right of the grid.
const FIGURE: &[&str] = &[
    "........k...k..........",
    ".....k.khk.khk.k.......",
    ".....khkhhkhhhkhk......",
    "....khhhLhhhhhhhhk.....",
    "...khhLLhhhhhhLLhhk....",
    "..kkhLhhhhhhhhhhLhhk...",
    ".khhhhhhhhhhhhhhhhHHk..",
    "..khhhhhhhhhhhhhhhhHk..",
    ".khHhhhHhhhhhHhhhhhHk..",
    "..kbbbbbbbbhhbbbbbbbk..",
    "..kHhsswkssssswkssHHk..",
    "..kHhsssssssssssssHHk..",
    "...kHsppssssssppssk....",
    "...kSssssssssssssSk....",
    "....kSssssmmmssssk.....",
    ".....kkSSsssssSkk......",
    ".....kjJqkkkkkqJjk.....",
    "....kjJjjjjzjjjjjjkkk..",
    "...kjJjjjjjzjjjjjjjjkkk",
    "...kjJjjjjjzjjjjjkkkssk",
    "...ksjjjjjjzjjjjk..kssk",
    "...kskqqqqqzqqqqk...kk.",
    "....kkqqqqkqqqqk.......",
    ".....kqqqk.kqqqk.......",
    ".....kkkkk.kkkkk.......",
];

/// Where the hand grips: the sign's left edge sits at this column, and the
/// hand is on this row of [`FIGURE`].
const GRIP_X: i32 = 20;
const GRIP_ROW: i32 = 19;

/// Frame patches over [`FIGURE`]: waving the free hand beside the face.
#[rustfmt::skip]
const WAVE_UP: &[&str] = &[
    "..kk..",
    ".kssk.",
    ".kssk.",
    ".ksk..",
    "..kjk.",
    "..kjJk",
    "...kJj",
    "...kjJ",
    "...kjj",
    "...kqk",
];
#[rustfmt::skip]
const WAVE_TILT: &[&str] = &[
    ".kk...",
    "kssk..",
    "kssk..",
    ".kssk.",
    "..kjk.",
    "..kjJk",
    "...kJj",
    "...kjJ",
    "...kjj",
    "...kqk",
];

/// The band's glint, one frame per position across the band.
const GLINTS: [i32; 3] = [3, 8, 13];

fn frames() -> Vec<Grid> {
    let base = Grid::parse(FIGURE);
    let mut out = Vec::new();
    for (arm, glint) in [(None, 0), (None, 1), (None, 2), (Some(WAVE_UP), 0), (Some(WAVE_TILT), 0)] {
        let mut frame = base.clone();
        if let Some(arm) = arm {
            frame.stamp(0, 12, arm);
        }
        frame.fill(GLINTS[glint] + 1, 9, 3, 1, b'B');
        out.push(frame);
    }
    out
}

const STYLE: BoardStyle = BoardStyle {
    font: &CHUNKY,
    outline: b'O',
    frame: b'F',
    frame_hi: b'G',
    frame_lo: b'E',
    frame_width: 2,
    face: b'A',
    pad_x: 3,
    pad_y: 2,
    ink: "#eef9ff",
    fx: DigitFx::Drop("#2f5cc4"),
    ghost: None,
    id: "gj",
};

pub fn scene(digits: usize, mode: CounterMode) -> Scene {
    let sign = board::build(&STYLE, digits);
    let top = GRIP_ROW - sign.height() + 4;
    // The mode tag is pinned over the sign's top edge, at the right.
    let tag = board::tag(mode, b'T', b'O', b'O');
    let (tag_x, tag_y) = (GRIP_X + sign.width() - tag.width() - 3, top - tag.height() + 3);
    let tag_layer = Layer::still(tag, tag_x, tag_y);
    let board_layer = Layer::still(sign.grid.clone(), GRIP_X, top).with_digits(sign.digits);
    // The figure waves twice, then lets the glint sweep the band.
    let timeline = Timeline::new(180, &[0, 0, 3, 4, 3, 4, 0, 0, 1, 2, 0, 0]);
    let figure = Layer::animated(frames(), 0, 0, timeline);
    let right = GRIP_X + sign.width();
    let sparkle = fx::twinkle(150);
    Scene {
        palette: PALETTE,
        card: Card { bands: vec![b'1', b'2', b'3'], border: b'R', shine: Some(b'4'), margin: 2 },
        layers: vec![
            board_layer,
            tag_layer,
            figure,
            fx::sparkle(b'y', b'w', right - 2, top, sparkle.clone()),
            fx::sparkle(b'y', b'w', 4, 2, sparkle.shifted(3)),
            fx::sparkle(b'y', b'w', GRIP_X + 3, top - 1, sparkle.shifted(5)),
        ],
        scale: 3,
    }
}

//! `zero_board` (像素牌-零号): a minimalist white robot peeks over the top of
//! a plastic LCD panel, its mitten hands gripping the edge. Pale greys with
//! one cyan accent; the panel shows dark segment digits over faint unlit
//! segments. Animated: the eye scans left and right, the antenna bulb
//! blinks and the head pops up for a peek now and then.

use waymark_plugin_sdk::counter_theme::CounterMode;

use crate::board::{self, BoardStyle, DigitFx};
use crate::font::SEGMENT;
use crate::scene::{Card, Layer, Motion, Scene, Timeline};
use crate::sprite::{Grid, Palette};

const PALETTE: &Palette = &[
    // Card: cool light greys, slate border.
    ('1', "#eef1f5"),
    ('2', "#e3e8ee"),
    ('R', "#4b5563"),
    // Panel: white plastic frame around a greenish LCD.
    ('O', "#2f3640"),
    ('F', "#f7f9fb"),
    ('G', "#ffffff"),
    ('E', "#b9c2cc"),
    ('A', "#c8d6c1"),
    ('T', "#afc2a8"),
    ('V', "#394a3c"),
    // Robot.
    ('k', "#2f3640"),
    ('w', "#fbfcfd"),
    ('g', "#cfd6de"),
    ('d', "#1d2430"),
    ('D', "#2c3646"),
    ('c', "#3fe3ff"),
    ('C', "#1c8fb0"),
    ('a', "#3fe3ff"),
    ('n', "#8a96a3"),
];

/// The robot's head, drawn behind the panel: its chin row sits just below
/// the panel's top edge. The eye is added per frame.
const HEAD: &[&str] = &[
    "...........kk...........",
    "..........kaak..........",
    "..........kaak..........",
    "...........kk...........",
    "...........nn...........",
    "....kkkkkkkkkkkkkkkk....",
    "...kwwwwwwwwwwwwwwwwk...",
    "..kwwwwwwwwwwwwwwwwwgk..",
    "..kwwddddddddddddddwgk..",
    ".kkwdddddddddddddddwgkk.",
    "knkwddddddddddddddddgknk",
    "knkwddddddddddddddddgknk",
    ".kkwdddddddddddddddwgkk.",
    "..kwwddddddddddddddwgk..",
    "..kwwwwwwwwwwwwwwwwwgk..",
    "..kgwwwwwwwwwwwwwwwggk..",
    "...kggggggggggggggggk...",
    "....kkkkkkkkkkkkkkkk....",
    "........kggggggk........",
    "........kggggggk........",
];

/// The mitten hands over the panel's top edge, drawn in front of it.
#[rustfmt::skip]
const HAND: &[&str] = &[
    ".kkkk.",
    "kwwwwk",
    "kwwwwk",
    "kgwgwk",
    ".kkkk.",
];

/// Where the eye sits across the visor in each frame.
const EYE_X: [i32; 3] = [6, 11, 16];

/// The panel's top edge in head rows.
const CHIN_ROW: i32 = 16;

fn head_frames() -> Vec<Grid> {
    let base = Grid::parse(HEAD);
    let mut out = Vec::new();
    for (eye, bulb) in [(0, true), (1, true), (2, true), (1, false)] {
        let mut frame = base.clone();
        frame.stamp(EYE_X[eye], 9, &["cc", "cc", "CC"]);
        if !bulb {
            frame.stamp(11, 1, &["nn", "nn"]);
        }
        out.push(frame);
    }
    out
}

const STYLE: BoardStyle = BoardStyle {
    font: &SEGMENT,
    outline: b'O',
    frame: b'F',
    frame_hi: b'G',
    frame_lo: b'E',
    frame_width: 2,
    face: b'A',
    pad_x: 3,
    pad_y: 1,
    ink: "#26332a",
    fx: DigitFx::Flat,
    ghost: Some("#b7c7af"),
    id: "zr",
};

pub fn scene(digits: usize, _mode: CounterMode) -> Scene {
    let mut sign = board::build(&STYLE, digits);
    // An inner bevel line makes the LCD look recessed.
    let width = sign.width();
    sign.grid.fill(3, 3, width - 6, 1, b'T');
    let head_x = 3;
    let head = Layer::animated(head_frames(), head_x, -CHIN_ROW, Timeline::new(400, &[1, 1, 0, 0, 1, 1, 2, 2, 1, 3]))
        .with_motion(Motion::new(
            400,
            &[(0, 0), (0, 0), (0, 0), (0, 0), (0, -1), (0, -1), (0, 0), (0, 0), (0, 0), (0, 0)],
        ));
    let hands = [head_x + 1, head_x + 17].map(|x| Layer::still(Grid::parse(HAND), x, -3));
    let [left_hand, right_hand] = hands;
    let panel = Layer::still(sign.grid.clone(), 0, 0).with_digits(sign.digits);
    Scene {
        palette: PALETTE,
        card: Card { bands: vec![b'1', b'2'], border: b'R', shine: None, margin: 2 },
        layers: vec![head, panel, left_hand, right_hand],
        scale: 3,
    }
}

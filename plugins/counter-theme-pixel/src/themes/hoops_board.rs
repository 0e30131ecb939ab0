//! `hoops_board` (像素牌-灌篮): a basketball player in an orange tank top
//! and headband stands right of an arena scoreboard, gripping its edge and
//! spinning a ball on one finger. The scoreboard shows amber seven-segment
//! digits over dim unlit segments, under a TOTAL/TODAY plate, on a
//! court-coloured card. Animated: the ball spins (its seam slides round)
//! and the player blinks.

use waymark_plugin_sdk::counter_theme::CounterMode;

use crate::board::{self, BoardStyle, DigitFx};
use crate::font::SEGMENT;
use crate::scene::{Card, Layer, Scene, Timeline};
use crate::sprite::{Grid, Palette};

const PALETTE: &Palette = &[
    // Card: hardwood bands with a court line, dark brown border.
    ('1', "#f6d29a"),
    ('2', "#efc283"),
    ('3', "#e6b06c"),
    ('4', "#fff1d6"),
    ('R', "#7a431a"),
    // Scoreboard.
    ('O', "#121212"),
    ('F', "#3b3f46"),
    ('G', "#6a717c"),
    ('E', "#24272c"),
    ('A', "#0b0b0c"),
    ('U', "#ffb020"),
    ('V', "#5a3b0a"),
    ('W', "#c9ced6"),
    // Player.
    ('k', "#2a1708"),
    ('h', "#24160e"),
    ('s', "#b8764a"),
    ('S', "#93582f"),
    ('r', "#e23b3b"),
    ('x', "#a61f2a"),
    ('o', "#ff8a1f"),
    ('q', "#d9650a"),
    ('w', "#ffffff"),
    ('p', "#2d3a8c"),
    ('P', "#1f2766"),
    ('e', "#1b1b1b"),
    ('m', "#6e2a1a"),
    // Ball.
    ('B', "#f07a1a"),
    ('b', "#5a2a0a"),
    ('L', "#ffb066"),
];

/// The player, first frame: left hand gripping the scoreboard's right edge
/// at the left of the grid, right hand up with the ball on one finger.
const FIGURE: &[&str] = &[
    "................kkkk..",
    "..............kkLBBBkk",
    ".............kBLBBBBBk",
    ".......kkkk..kBBBBBBBk",
    "......khhhhk.kBBBBBBBk",
    ".....khhhhhhk.kkBBBkk.",
    ".....krrrrrrk...kkk...",
    ".....kxxxxxxk...ksk...",
    ".....kssssssk..kssk...",
    ".....ksessesk..kssk...",
    ".....ksessesk.kssk....",
    ".....kSssssSk.kssk....",
    "......kSsmSk.kssk.....",
    "..kk...kssk.kssk......",
    ".kssk.kwoookssk.......",
    "kssskksoooooowk.......",
    "kssssssoowwwowk.......",
    ".kkkkkkoooowowk.......",
    ".......koowooowk......",
    ".......kqqqqqqqk......",
    ".......kppppppPk......",
    ".......kpppkppPk......",
    "........kssk.kssk.....",
    "........kssk.kssk.....",
    ".......kwwwk.kwwwk....",
    ".......kkkkk.kkkkk....",
];

/// The hand's column and row: the scoreboard's right edge sits here.
const GRIP_X: i32 = 2;
const GRIP_ROW: i32 = 15;

/// Seam columns across the ball, one per spin frame.
const SEAMS: [i32; 3] = [15, 17, 19];

fn frames() -> Vec<Grid> {
    let base = Grid::parse(FIGURE);
    let mut out = Vec::new();
    for (seam, blink) in [(0, false), (1, false), (2, false), (0, true)] {
        let mut frame = base.clone();
        let x = SEAMS[seam];
        frame.stamp(x, 1, &["b", "b", "b", "b", "b"]);
        frame.stamp(14, 3, &[".bbbbbbb"]);
        if blink {
            frame.stamp(7, 9, &["sssss"]);
            frame.stamp(7, 10, &["SssSs"]);
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
    pad_y: 2,
    ink: "#ffb020",
    fx: DigitFx::Flat,
    ghost: Some("#33250e"),
    id: "hp",
};

pub fn scene(digits: usize, mode: CounterMode) -> Scene {
    let sign = board::build(&STYLE, digits);
    let left = GRIP_X + 1 - sign.width();
    let top = GRIP_ROW - sign.height() + 5;
    let tag = board::tag(mode, b'A', b'U', b'F');
    let tag_y = top - tag.height() + 3;
    let tag_layer = Layer::still(tag, left + 4, tag_y);
    let board_layer = Layer::still(sign.grid.clone(), left, top).with_digits(sign.digits);
    let timeline = Timeline::new(120, &[0, 1, 2, 0, 1, 2, 0, 1, 2, 3, 1, 2]);
    let figure = Layer::animated(frames(), 0, 0, timeline);
    Scene {
        palette: PALETTE,
        card: Card { bands: vec![b'1', b'2', b'3', b'2', b'4', b'3'], border: b'R', shine: None, margin: 2 },
        layers: vec![board_layer, tag_layer, figure],
        scale: 3,
    }
}

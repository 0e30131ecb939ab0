//! `rule34` (像素牌-粉猫): a round cream cat with peach patches and a
//! belled collar sits on top of a pastel-pink sign, front paws over the
//! edge, tail draped down the side, a ball of yarn beside it. Soft rounded
//! rose digits on cream. Animated: the cat
//! blinks, its tail swishes, the yarn rolls and a heart floats up.

use waymark_plugin_sdk::counter_theme::CounterMode;

use crate::board::{self, BoardStyle, DigitFx};
use crate::font::ROUND;
use crate::scene::{Card, Layer, Scene, Timeline};
use crate::sprite::{Grid, Palette};

const PALETTE: &Palette = &[
    // Card: pale pink bands, rose border.
    ('1', "#fff3f8"),
    ('2', "#ffe8f1"),
    ('R', "#d9769f"),
    // Sign.
    ('O', "#9c4a72"),
    ('F', "#ffb6d0"),
    ('G', "#ffd9e7"),
    ('E', "#e88fb3"),
    ('A', "#fff8ef"),
    ('H', "#ff7fae"),
    // Cat.
    ('k', "#5a3346"),
    ('w', "#fffbf7"),
    ('g', "#f1dcd8"),
    ('c', "#ffc9a3"),
    ('C', "#eea97e"),
    ('p', "#ffb3c8"),
    ('e', "#3d2533"),
    ('n', "#ff8fae"),
    ('r', "#ff6f9f"),
    ('y', "#ffd34d"),
    ('q', "#e04f86"),
];

/// The cat, eyes open. Row [`SEAT_ROW`] lies on the sign's top edge (the
/// paws hang over it); the tail drapes down beside the sign's right edge.
const CAT: &[&str] = &[
    ".k...........k......",
    "kck.........kpk.....",
    "kcck.......kppk.....",
    "kccckkkkkkkkppk.....",
    "kcccwwwwwwwwwwk.....",
    "kccwwwwwwwwwwwk.....",
    "kcwwewwwwwewwwk.....",
    "kcwwewwwwwewwwk.....",
    "kwpwwwwnwwwwpwk.....",
    ".kwwwwkwkwwwwk......",
    "..kkrrryrrrkk.......",
    "..kwwwwywwwwk.......",
    ".kwwwwwwwwwwwkkk....",
    ".kwwwwwwwwwwwkcck...",
    "..kwwk...kwwkkcck...",
    "...kk.....kk..kck...",
    "..............kck...",
    "..............kck...",
    "..............kck...",
    "...............k....",
];

/// Rows of the sign's top edge in cat rows: the paws hang over it.
const SEAT_ROW: i32 = 14;

/// The tail's lowest rows, swished left and right (`-` erases).
#[rustfmt::skip]
const TAIL_LEFT: &[&str] = &[
    "-kck--",
    "kck---",
    "-k----",
];
#[rustfmt::skip]
const TAIL_RIGHT: &[&str] = &[
    "-kck--",
    "--kck-",
    "---k--",
];

/// Closed eyes, drawn over the open ones.
#[rustfmt::skip]
const BLINK: &[&str] = &[
    "....w.....w",
    "...kek...kek",
];

fn frames() -> Vec<Grid> {
    let base = Grid::parse(CAT);
    let mut out = Vec::new();
    for (tail, blink) in [(None, false), (Some(TAIL_LEFT), false), (Some(TAIL_RIGHT), false), (None, true)] {
        let mut frame = base.clone();
        if let Some(tail) = tail {
            frame.stamp(13, 17, tail);
        }
        if blink {
            frame.stamp(0, 6, BLINK);
        }
        out.push(frame);
    }
    out
}

/// A heart floating up: three heights, then gone.
fn heart_frames() -> Vec<Grid> {
    #[rustfmt::skip]
    const HEART: &[&str] = &[
        "H.H",
        "HHH",
        ".H.",
    ];
    (0..4)
        .map(|step| {
            let mut grid = Grid::new(3, 7);
            if step < 3 {
                grid.stamp(0, 4 - 2 * step, HEART);
            }
            grid
        })
        .collect()
}

/// A ball of yarn, two rolling poses (the wound strands turn).
#[rustfmt::skip]
const YARN: [&[&str]; 2] = [
    &[
        "..kkk..",
        ".krqrk.",
        "krqrrqk",
        "kqrrqrk",
        ".krqrk.",
    ],
    &[
        "..kkk..",
        ".kqrrk.",
        "krrqrrk",
        "krqrrqk",
        ".krrqk.",
    ],
];

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
    ink: "#c2386d",
    fx: DigitFx::Flat,
    ghost: None,
    id: "rc",
};

pub fn scene(digits: usize, _mode: CounterMode) -> Scene {
    let sign = board::build(&STYLE, digits);
    let cat_x = sign.width() - 16;
    let cat = Layer::animated(frames(), cat_x, -SEAT_ROW, Timeline::new(220, &[0, 0, 1, 1, 0, 0, 2, 2, 0, 3, 0, 0]));
    let heart = Layer::animated(
        heart_frames(),
        cat_x - 4,
        -SEAT_ROW,
        Timeline::new(220, &[3, 3, 3, 3, 3, 3, 0, 1, 2, 3, 3, 3]),
    );
    let yarn = Layer::animated(YARN.iter().map(|rows| Grid::parse(rows)).collect(), 3, -4, Timeline::new(330, &[0, 1]));
    let panel = Layer::still(sign.grid.clone(), 0, 0).with_digits(sign.digits);
    Scene {
        palette: PALETTE,
        card: Card { bands: vec![b'1', b'2'], border: b'R', shine: None, margin: 2 },
        layers: vec![panel, yarn, cat, heart],
        scale: 3,
    }
}

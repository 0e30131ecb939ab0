//! `moebooru` (像素牌-萌狐): a little orange fox with a cream muzzle and a
//! big white-tipped tail holds up a picket sign on a wooden stick. Mint
//! sign with a peach frame and teal rounded digits. Animated: the tail
//! wags, an ear twitches and the sign bobs on its stick over a strip of
//! meadow.

use waymark_plugin_sdk::counter_theme::CounterMode;

use crate::board::{self, BoardStyle, DigitFx};
use crate::font::ROUND;
use crate::scene::{Card, Layer, Motion, Scene, Timeline};
use crate::sprite::{Grid, Palette};

const PALETTE: &Palette = &[
    // Card: pale mint bands, green border.
    ('1', "#f0fbf5"),
    ('2', "#e4f7ec"),
    ('R', "#5fb98c"),
    // Sign and stick.
    ('O', "#6b4a2e"),
    ('F', "#ffc9a0"),
    ('G', "#ffe2c9"),
    ('E', "#f0a878"),
    ('A', "#e9fbf1"),
    ('W', "#c08552"),
    ('X', "#8f5a30"),
    // Fox.
    ('k', "#5b2d1a"),
    ('f', "#ff9d57"),
    ('d', "#e2733a"),
    ('c', "#fff4e4"),
    ('e', "#2f1c12"),
    ('n', "#2f1c12"),
    ('p', "#ffb3a3"),
    ('i', "#ffc7b8"),
    // Meadow.
    ('g', "#86d4a2"),
    ('h', "#4fae78"),
    ('y', "#ffd45e"),
    ('b', "#ff9fc0"),
];

/// The fox, paws together on the stick at the right of the grid.
const FOX: &[&str] = &[
    "......k..........k......",
    ".....kik........kik.....",
    ".....kiik......kiik.....",
    ".....kfiikkkkkkiifk.....",
    ".....kffffffffffffk.....",
    "....kffffffffffffffk....",
    "....kfffeffffffefffk....",
    "....kfffeffffffefffk....",
    "....kcpccccnnccccpck....",
    ".....kccccccccccccck....",
    "......kkccccccccckk.....",
    "..kk....kfccccfk........",
    ".kcck..kffccccffkkkk.....",
    "kcccfk.kffccccfffffkcck..",
    "kccffk.kffccccffkkkkcck..",
    "kcfffdk.kfccccfk....kk...",
    ".kfffdkkkffccffk........",
    ".kdfffddkfffffffk.......",
    "..kddffdkfffffffk.......",
    "...kkddkkffkkkffk.......",
    ".....kk.kcck.kcck.......",
    "........kkk...kkk.......",
];

/// The stick's column: the paws grip it at rows 13-14.
const STICK_X: i32 = 20;

/// Tail poses (the tail sits at the left of [`FOX`], rows 11-19).
#[rustfmt::skip]
const TAIL_UP: &[&str] = &[
    ".kk.....",
    "kcck....",
    "kccfk...",
    "kcffk...",
    "kffdk...",
    ".kffdk..",
    ".kdffdk.",
    "..kddfdk",
    "...kkdd.",
];

/// The right ear folded for a twitch.
#[rustfmt::skip]
const EAR_TWITCH: &[&str] = &[
    "-------",
    "----kk-",
    "---kiik",
    "---kiik",
];

fn frames() -> Vec<Grid> {
    let base = Grid::parse(FOX);
    let mut out = vec![base.clone()];
    let mut wag = base.clone();
    wag.fill(0, 11, 8, 9, b'.');
    wag.stamp(0, 11, TAIL_UP);
    out.push(wag);
    let mut twitch = base;
    twitch.stamp(13, 0, EAR_TWITCH);
    out.push(twitch);
    out
}

/// Grass tufts and flowers along the ground under the sign, from column
/// `from` to `to`, their bases on row `ground`.
fn meadow(from: i32, to: i32, ground: i32) -> Layer {
    #[rustfmt::skip]
    const TUFT: &[&str] = &[
        "g.g",
        "hgh",
    ];
    #[rustfmt::skip]
    const FLOWERS: [&[&str]; 2] = [
        &[
            ".y.",
            "yhy",
            ".h.",
            "ghg",
        ],
        &[
            ".b.",
            "bhb",
            ".h.",
            "ghg",
        ],
    ];
    let mut grid = Grid::new(to - from, 4);
    let mut x = 2;
    let mut index = 0;
    while x + 3 <= grid.width() {
        if index % 2 == 0 {
            grid.stamp(x, 2, TUFT);
        } else {
            grid.stamp(x, 0, FLOWERS[index / 2 % 2]);
        }
        index += 1;
        x += 5;
    }
    Layer::still(grid, from, ground - 3)
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
    ink: "#1f8a72",
    fx: DigitFx::Drop("#bfe9d6"),
    ghost: None,
    id: "mf",
};

pub fn scene(digits: usize, _mode: CounterMode) -> Scene {
    let sign = board::build(&STYLE, digits);
    // The stick runs from under the sign down past the paws.
    let stick_top = 9;
    let mut stick = Grid::new(2, 21 - stick_top);
    stick.fill(0, 0, 2, stick.height(), b'W');
    stick.fill(1, 0, 1, stick.height(), b'X');
    let bob = Motion::new(300, &[(0, 0), (0, 0), (0, -1), (0, -1)]);
    let sign_left = STICK_X - 2;
    let sign_top = stick_top - sign.height() + 1;
    let panel = Layer::still(sign.grid.clone(), sign_left, sign_top).with_digits(sign.digits).with_motion(bob.clone());
    let stick = Layer::still(stick, STICK_X, stick_top).with_motion(bob);
    let fox = Layer::animated(frames(), 0, 0, Timeline::new(200, &[0, 1, 0, 1, 0, 0, 2, 0]));
    let meadow = meadow(STICK_X + 3, sign_left + sign.width(), 21);
    Scene {
        palette: PALETTE,
        card: Card { bands: vec![b'1', b'2'], border: b'R', shine: None, margin: 2 },
        layers: vec![meadow, stick, panel, fox],
        scale: 3,
    }
}

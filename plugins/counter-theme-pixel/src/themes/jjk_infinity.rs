//! `jjk_infinity` (像素牌-星环): a hooded mage in a violet cloak, eyes
//! glowing in the hood's shadow, stands inside a tilted ring of orbiting
//! stars and holds a floating rune tablet up by magic. The tablet's digits
//! glow. Animated: the stars orbit (passing behind the mage on the far
//! side), the tablet hovers up and down, sparkles twinkle.

use std::f64::consts::TAU;

use waymark_plugin_sdk::counter_theme::CounterMode;

use crate::board::{self, BoardStyle, DigitFx};
use crate::font::CHUNKY;
use crate::fx;
use crate::scene::{Card, Layer, Motion, Scene, Timeline};
use crate::sprite::{CLEAR, Grid, Palette};

const PALETTE: &Palette = &[
    // Card: deep plum night, violet border.
    ('1', "#2a1646"),
    ('2', "#22113b"),
    ('3', "#1a0d2f"),
    ('R', "#b07cff"),
    // Tablet: carved violet stone with gold runes.
    ('O', "#0f0819"),
    ('F', "#5a3a9a"),
    ('G', "#9a78e0"),
    ('E', "#3a2370"),
    ('A', "#160c28"),
    ('Q', "#ffcf4a"),
    // Mage.
    ('k', "#140a24"),
    ('v', "#6a44c0"),
    ('V', "#9470e6"),
    ('u', "#432686"),
    ('d', "#0c0616"),
    ('e', "#ffe58a"),
    ('y', "#ffcf4a"),
    ('Y', "#b8862a"),
    ('c', "#fff3b0"),
    // Orbiting stars and their trails.
    ('x', "#ffffff"),
    ('X', "#ffc2f2"),
    ('z', "#ea7fdc"),
    ('r', "#a04a9e"),
    // Sparkles.
    ('w', "#ffffff"),
    ('p', "#e0a8ff"),
];

/// The mage, its casting hand reaching right towards the tablet.
const MAGE: &[&str] = &[
    ".........k........",
    "........kVk.......",
    ".......kvVvk......",
    "......kvvVvvk.....",
    ".....kvvvVvvvk....",
    "....kvvvvVvvvvk...",
    "...kvvvvvvvvvvvk..",
    "...kvvkkkkkkkvvk..",
    "..kvvkdddddddkvvk.",
    "..kvvkdedddedkvvk.",
    "..kvvkdddddddkvvk.",
    "..kvvvkdddddkvvvk.",
    "..kvvvvkkkkkvvvvk.",
    ".kuvvvvvyyvvvvvuk.",
    ".kuvvvvvYYvvvvvkkk",
    ".kuvvvVvvvvvvvvvcc",
    ".kuvvvVvvvvvvkkkkc",
    ".kuvvvVvvvvvvvvuk.",
    "kuuvvvVvvvvvvvvuuk",
    "kuvvvvVvvvvvvvvvuk",
    "kuvvvvVvvvvvvvvvuk",
    "kuuvvvVvvvvvvvvuuk",
    "kyyyyyyyyyyyyyyyyk",
    ".kkkkkkkkkkkkkkkk.",
];

/// Room left of and right of the mage for the ring, and above it.
const RING_PAD: i32 = 4;

/// The ring: centre (in mage pixels), radii, tilt (how far the left side
/// dips), number of stars and the trail length behind each.
const CENTRE: (f64, f64) = (8.5, 15.0);
const RADII: (f64, f64) = (13.0, 3.6);
const TILT: f64 = 2.5;
const STARS: usize = 3;
const TRAIL: usize = 3;

/// Animation frames per star spacing; the loop is seamless because after
/// this many frames each star stands where the next one started.
const FRAMES: usize = 4;

/// A point of the ring at angle `angle`, and whether it is on the near side.
fn ring_point(angle: f64) -> (i32, i32, bool) {
    let x = CENTRE.0 + RADII.0 * angle.cos();
    let y = CENTRE.1 + RADII.1 * angle.sin() - TILT * angle.cos();
    ((x.round() as i32) + RING_PAD, y.round() as i32, angle.sin() > 0.0)
}

/// The mage inside its ring with the stars at phase `frame`: far-side
/// pixels hide behind the mage, near-side ones are drawn over it.
fn frame(frame: usize) -> Grid {
    let mage = Grid::parse(MAGE);
    let mut grid = Grid::new(mage.width() + 2 * RING_PAD, mage.height());
    grid.overlay(&mage, RING_PAD, 0);
    // The faint orbit itself, sampled finely enough to leave no gaps.
    for step in 0..240 {
        let (x, y, near) = ring_point(step as f64 * TAU / 240.0);
        if near || grid.get(x, y) == CLEAR {
            grid.set(x, y, b'r');
        }
    }
    let spacing = TAU / STARS as f64;
    for star in 0..STARS {
        let head = star as f64 * spacing + frame as f64 * spacing / FRAMES as f64;
        // Trail first so the star's head wins where they touch.
        for step in (0..=TRAIL).rev() {
            let (x, y, near) = ring_point(head - step as f64 * 0.22);
            let cell = match step {
                0 => b'x',
                1 => b'X',
                _ => b'z',
            };
            if near || grid.get(x, y) == CLEAR {
                grid.set(x, y, cell);
            }
        }
    }
    grid
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
    ink: "#f7eeff",
    fx: DigitFx::Glow("#8c4fe8"),
    ghost: None,
    id: "jk",
};

/// Gold rune marks carved into the tablet's four corners.
fn carve_runes(grid: &mut Grid) {
    let (w, h) = (grid.width(), grid.height());
    grid.stamp(1, 1, &["QQ", "Q."]);
    grid.stamp(w - 3, 1, &["QQ", ".Q"]);
    grid.stamp(1, h - 3, &["Q.", "QQ"]);
    grid.stamp(w - 3, h - 3, &[".Q", "QQ"]);
}

pub fn scene(digits: usize, _mode: CounterMode) -> Scene {
    let mut sign = board::build(&STYLE, digits);
    carve_runes(&mut sign.grid);
    let frames: Vec<Grid> = (0..FRAMES).map(frame).collect();
    let mage_width = frames[0].width();
    let left = mage_width + 1;
    let top = 3;
    let hover = Motion::new(350, &[(0, 0), (0, -1), (0, -1), (0, 0), (0, 1), (0, 1)]);
    let tablet = Layer::still(sign.grid.clone(), left, top).with_motion(hover).with_digits(sign.digits);
    let mage = Layer::animated(frames, 0, 0, Timeline::new(160, &[0, 1, 2, 3]));
    let right = left + sign.width();
    let twinkle = fx::twinkle(140);
    Scene {
        palette: PALETTE,
        card: Card { bands: vec![b'1', b'2', b'3'], border: b'R', shine: None, margin: 2 },
        layers: vec![
            tablet,
            mage,
            fx::sparkle(b'p', b'w', right - 3, top + sign.height() + 2, twinkle.clone()),
            fx::sparkle(b'p', b'w', left + 6, top + sign.height() + 3, twinkle.shifted(4)),
            fx::sparkle(b'p', b'w', right + 1, top - 1, twinkle.shifted(2)),
        ],
        scale: 3,
    }
}

//! `cursed_night` (咒纹夜): a violet night card with a spindle-shaped sigil
//! crossed by thorn marks, and jagged curse veins along the top and bottom
//! edges. Motion: a slow glow pulse — the digits' halo blur swells and the
//! sigil and veins brighten with it.

use super::Theme;
use crate::card::{Frame, Palette, Scene, fade, hash, n, radial};

pub const THEME: Theme = Theme {
    key: "cursed_night",
    name: "咒纹夜",
    palette: Palette {
        card: &[(0.0, "#2c1350"), (0.55, "#170a2c"), (1.0, "#08040f")],
        border: "#9d6cff",
        inner: ("#e9d5ff", 0.22),
        ink: ("#fdf8ff", "#cfa8ff"),
        glow: ("#a855f7", 0.95, 2.2),
    },
    scene,
};

/// One breath of the pulse, in seconds; everything pulses on this beat.
const BEAT: f64 = 2.6;

fn scene(f: &Frame) -> Scene {
    Scene {
        defs: radial("ch", &fade(&[(0.0, "#8b5cf6", 0.7), (1.0, "#8b5cf6", 0.0)])),
        back: [halo(), veins(f), sigil(f)].concat(),
        front: String::new(),
        glow_motion: f.animate("stdDeviation", "1.2;3.6;1.2", BEAT, 0.0),
    }
}

/// A soft violet light behind the sigil.
fn halo() -> String {
    r#"<circle cx="23" cy="22" r="22" fill="url(#ch)"/>"#.to_string()
}

/// The sigil: a spindle with a spine and cross-bars, thorns pointing in
/// from four corners and two side spurs, pulsing with the glow.
fn sigil(f: &Frame) -> String {
    format!(
        concat!(
            r##"<g fill="none" stroke="#dcbcff" stroke-width="1.3" stroke-linecap="round">{pulse}"##,
            r##"<path d="M23 5C30 13 30 31 23 39C16 31 16 13 23 5Z" fill="#12071f"/>"##,
            r##"<path d="M23 12V32M20 16.5H26M20.5 27.5H25.5M9 9.5 16 15.5M37 9.5 30 15.5M9 34.5 16 28.5M37 34.5 30 28.5M6 22H13M33 22H40"/>"##,
            r##"<circle cx="23" cy="22" r="2.2" fill="#f5d0fe" stroke="none"/></g>"##
        ),
        pulse = f.animate("opacity", ".55;1;.55", BEAT, 0.0)
    )
}

/// Two cracked veins running the card's length, with little spurs, half a
/// beat out of phase with the sigil.
fn veins(f: &Frame) -> String {
    let d = [vein(f, 5.0, 1), vein(f, 39.0, 2)].concat();
    format!(
        r##"<path d="{d}" fill="none" stroke="#b48cff" stroke-width=".9" stroke-linejoin="bevel" opacity=".65">{}</path>"##,
        f.animate("opacity", ".3;.85;.3", BEAT, -BEAT / 2.0)
    )
}

/// One jagged vein at height `y`: random steps, a spur now and then.
fn vein(f: &Frame, y: f64, salt: u32) -> String {
    let mut d = format!("M40 {}", n(y));
    let (mut x, mut i) = (40.0, 0);
    while x < f.width - 12.0 {
        x += 6.0 + 5.0 * hash(i, salt);
        let py = y + (hash(i, salt + 10) - 0.5) * 4.0;
        d.push_str(&format!("L{} {}", n(x), n(py)));
        if hash(i, salt + 20) > 0.65 {
            // A spur points towards the card's middle, then the line resumes.
            let toward = if y < 22.0 { 3.5 } else { -3.5 };
            d.push_str(&format!("l2 {}M{} {}", n(toward), n(x), n(py)));
        }
        i += 1;
    }
    d
}

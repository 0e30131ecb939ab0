//! `talisman_red` (朱砂符): a cream paper card with a thin cinnabar border,
//! paper fibres, a gold talisman strip covered in brush strokes (abstract
//! marks, not real script) and a red seal stamp; the digits are cinnabar
//! ink. Motion: a bright sheen sweeps across the card, then rests.

use super::Theme;
use crate::card::{Frame, Palette, Scene, fade, hash, linear, n};

pub const THEME: Theme = Theme {
    key: "talisman_red",
    name: "朱砂符",
    palette: Palette {
        card: &[(0.0, "#fff7e0"), (1.0, "#efd49a")],
        border: "#a3201a",
        inner: ("#b3261e", 0.55),
        ink: ("#7d0f0f", "#c3261b"),
        glow: ("#d94a2b", 0.28, 1.2),
    },
    scene,
};

/// The brush strokes on the strip, as filled outlines so they taper like a
/// brush: a cap stroke, a spine with a hooked foot, side drops and a swell
/// at the base.
const STROKES: &str = concat!(
    "M14.5 9.6C18 8.1 25 7.7 31.5 8.7C28 10 20 10.8 14.5 9.6Z",
    "M22.8 11C24.6 16 23.7 26 24.4 33.2C24.5 34.6 22.4 35.6 20.8 34.2C22.4 33.9 22.9 33 22.6 31.5C22.4 24.5 22.2 17 22.8 11Z",
    "M15.6 24.5C17.4 25.3 18.6 27.2 18.8 29.8C17.2 28.6 16 27 15.6 24.5Z",
    "M30.4 24.5C28.6 25.3 27.4 27.2 27.2 29.8C28.8 28.6 30 27 30.4 24.5Z",
    "M14.8 36.4C18 34.6 20 37.6 23 36.2S28 34.4 31.2 36.4C28 37.8 25.6 36.8 23 37.9S17.6 38 14.8 36.4Z"
);

/// The swirl on the strip is a stroke, not an outline: a thin line reads
/// as a faster brush movement.
const SWIRL: &str = "M17.5 20.5C17.5 15.8 28.5 15.8 28.5 20.6S20 24.8 20 21.2 24.6 18.6 25 20.8";

fn scene(f: &Frame) -> Scene {
    let defs = [
        linear("ts", (0.0, 0.0, 0.0, 1.0), &fade(&[(0.0, "#fae289", 1.0), (1.0, "#eab04a", 1.0)])),
        linear("sh", (0.0, 0.0, 1.0, 0.0), &fade(&[(0.0, "#fff", 0.0), (0.5, "#fffbea", 0.75), (1.0, "#fff", 0.0)])),
    ]
    .concat();
    Scene { defs, back: [fibres(f), strip(), stamp()].concat(), front: sheen(f), ..Scene::default() }
}

/// Short curled fibres scattered over the paper.
fn fibres(f: &Frame) -> String {
    let count = (f.width / 7.0) as u32;
    let mut d = String::new();
    for i in 0..count {
        let x = 4.0 + hash(i, 11) * (f.width - 12.0);
        let y = 5.0 + hash(i, 12) * 34.0;
        let len = 3.0 + 4.0 * hash(i, 13);
        let bend = (hash(i, 14) - 0.5) * 3.0;
        d.push_str(&format!("M{} {}q{} {} {} {}", n(x), n(y), n(len / 2.0), n(bend), n(len), n(bend / 3.0)));
    }
    format!(r##"<path d="{d}" fill="none" stroke="#b8904e" stroke-width=".5" opacity=".45"/>"##)
}

/// The talisman strip: gold paper with a red frame and the brush strokes.
fn strip() -> String {
    format!(
        concat!(
            r##"<rect x="11.5" y="4" width="23" height="36.5" rx="1" fill="url(#ts)" stroke="#a3201a" stroke-width=".8"/>"##,
            r##"<rect x="13" y="5.5" width="20" height="33.5" fill="none" stroke="#b3261e" stroke-width=".4"/>"##,
            r##"<g fill="#b01e17"><path d="{STROKES}"/></g>"##,
            r##"<path d="{SWIRL}" fill="none" stroke="#b01e17" stroke-width="1.3" stroke-linecap="round"/>"##
        ),
        STROKES = STROKES,
        SWIRL = SWIRL
    )
}

/// A small tilted seal stamp over the strip's lower corner: nested
/// squares, a mark rather than a legible character.
fn stamp() -> String {
    concat!(
        r##"<g transform="rotate(-8 34 33)"><rect x="29.5" y="28.5" width="9" height="9" rx="1.2" fill="#c0281c" opacity=".92"/>"##,
        r##"<path d="M31.3 30.3H36.7V35.7H31.3ZM33.2 32.2H34.8V33.8H33.2Z" fill="none" stroke="#fbe7c6" stroke-width=".7"/></g>"##
    )
    .to_string()
}

/// The sweeping sheen: a skewed band of light crossing the card, then a
/// pause. Only when animating; a still frame shows the plain paper.
fn sheen(f: &Frame) -> String {
    if !f.animate {
        return String::new();
    }
    let far = n(f.width + 70.0);
    format!(
        r#"<g transform="skewX(-20)"><rect x="-40" y="-2" width="26" height="48" fill="url(#sh)">{}</rect></g>"#,
        f.transform("translate", &format!("0 0;{far} 0;{far} 0"), "0;.55;1", 3.4, 0.0)
    )
}

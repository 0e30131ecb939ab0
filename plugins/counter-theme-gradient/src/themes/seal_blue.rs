//! `seal_blue` (术式蓝焰): a deep blue card with a three-layer blue flame
//! standing in a seal ring, and a row of low flame tongues along the bottom
//! edge. Motion: the flames flicker, each layer and each tongue group on
//! its own irregular rhythm.

use super::Theme;
use crate::card::{Frame, Palette, Scene, fade, hash, linear, n};

pub const THEME: Theme = Theme {
    key: "seal_blue",
    name: "术式蓝焰",
    palette: Palette {
        card: &[(0.0, "#0b2d66"), (0.5, "#06183a"), (1.0, "#020b1f")],
        border: "#4fc3ff",
        inner: ("#bfe9ff", 0.22),
        ink: ("#ffffff", "#9ee6ff"),
        glow: ("#2aa8ff", 1.0, 2.0),
    },
    scene,
};

/// The flame's outline with its base at the origin: a left tongue, a tall
/// main tip leaning left, and a full right flank.
const FLAME: &str = "M0 0C-7 0-10-5-8.5-10.5C-7.5-14-4.5-15.5-5-21C-1.5-18.5 0-15.5-.5-12.5C1.5-16 1.5-23-1-31C6-26 10.5-18 9.5-9.5C9-4 5 0 0 0Z";

/// Bottom edge of the tongue row.
const FLOOR: f64 = 44.0;

fn scene(f: &Frame) -> Scene {
    let defs = [
        format!(r#"<path id="fl" d="{FLAME}"/>"#),
        linear(
            "fo",
            (0.0, 1.0, 0.0, 0.0),
            &fade(&[(0.0, "#0a4fc4", 1.0), (0.6, "#2b9bff", 0.95), (1.0, "#a6ecff", 0.8)]),
        ),
        linear("fm", (0.0, 1.0, 0.0, 0.0), &fade(&[(0.0, "#6fd3ff", 1.0), (1.0, "#e6fbff", 0.9)])),
        linear("ft", (0.0, 1.0, 0.0, 0.0), &fade(&[(0.0, "#2b9bff", 0.6), (1.0, "#2b9bff", 0.0)])),
    ]
    .concat();
    Scene { defs, back: [tongues(f), seal(), flame(f)].concat(), ..Scene::default() }
}

/// The seal ring the flame stands in: a solid ring and a ticked one.
fn seal() -> String {
    concat!(
        r##"<g fill="none" stroke="#3f95ee"><circle cx="23" cy="22" r="15.5" stroke-width=".9" opacity=".75"/>"##,
        r##"<circle cx="23" cy="22" r="18.5" stroke-width="1.6" stroke-dasharray=".8 2.1" opacity=".6"/>"##,
        r##"<path d="M11 38H35" stroke="#7fd6ff" stroke-width="1.2" stroke-linecap="round"/></g>"##
    )
    .to_string()
}

/// The flame: outer, middle and core layers of one shape, scaled about the
/// base, each flickering at its own pace.
fn flame(f: &Frame) -> String {
    let layers = [
        (1.0, "url(#fo)", "1 1;.95 1.08;1.04 .94;.97 1.04;1 1", 0.9),
        (0.66, "url(#fm)", "1 1;1.05 .93;.94 1.1;1 1", 0.7),
        (0.36, "#ffffff", "1 1;.9 1.12;1.06 .92;1 1", 0.55),
    ];
    let mut out = String::from(r#"<g transform="translate(23 38)">"#);
    for (scale, fill, values, dur) in layers {
        out.push_str(&format!(
            r##"<g transform="scale({})"><g>{}<use href="#fl" fill="{fill}"/></g></g>"##,
            n(scale),
            f.transform("scale", values, "", dur, 0.0)
        ));
    }
    out.push_str("</g>");
    out
}

/// Low flame tongues along the bottom edge, in three groups that flicker
/// out of step so the row never moves as one.
fn tongues(f: &Frame) -> String {
    let mut groups = [String::new(), String::new(), String::new()];
    let (mut x, mut i) = (44.0, 0u32);
    while x < f.width - 6.0 {
        let h = 5.0 + 6.0 * hash(i, 3);
        let top = FLOOR - h;
        groups[i as usize % 3].push_str(&format!(
            "M{} {FLOOR}Q{} {} {} {}Q{} {} {} {FLOOR}Z",
            n(x - 4.5),
            n(x - 2.0),
            n(FLOOR - h * 0.5),
            n(x + 1.0),
            n(top),
            n(x + 0.5),
            n(FLOOR - h * 0.45),
            n(x + 4.5)
        ));
        x += 8.0 + 3.0 * hash(i, 4);
        i += 1;
    }
    let mut out = format!(r#"<g fill="url(#ft)" transform="translate(0 {FLOOR})">"#);
    for (k, d) in groups.iter().enumerate().filter(|(_, d)| !d.is_empty()) {
        let motion = f.transform("scale", "1 1;1 .7;1 1.2;1 .85;1 1", "", 0.8 + 0.25 * k as f64, -0.3 * k as f64);
        out.push_str(&format!(r#"<g>{motion}<path transform="translate(0 -{FLOOR})" d="{d}"/></g>"#));
    }
    out.push_str("</g>");
    out
}

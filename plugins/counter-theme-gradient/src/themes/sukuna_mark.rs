//! `sukuna_mark` (咒印, "curse seal"): a black-crimson card with a seal of
//! two rings crossed by three claw slashes, and tapered brush bands along
//! the top and bottom edges. (The key is kept for compatibility; the art is
//! an abstract seal.) Motion: the slashes draw themselves one after another,
//! hold and retract, while the bands throb like a heartbeat.

use super::Theme;
use crate::card::{Frame, Palette, Scene, fade, n, radial};

pub const THEME: Theme = Theme {
    key: "sukuna_mark",
    name: "咒印",
    palette: Palette {
        card: &[(0.0, "#3d070d"), (0.5, "#1a0306"), (1.0, "#080102")],
        border: "#e5383b",
        inner: ("#ffb3b3", 0.2),
        ink: ("#fff3f2", "#ff9a8f"),
        glow: ("#ff1f3d", 0.85, 2.2),
    },
    scene,
};

/// The three claw slashes across the seal, lower-left to upper-right.
const SLASHES: [&str; 3] =
    ["M11.5 27.5C15.5 21.5 19.5 16 27 10.5", "M14.5 31.5C18.5 25.5 22.5 20 32 13.5", "M19 34C23 28 27 23 34.5 18"];

/// One slash cycle: draw, hold, retract.
const DRAW_DUR: f64 = 3.0;

fn scene(f: &Frame) -> Scene {
    let defs = radial("mk", &fade(&[(0.0, "#ff2a3d", 0.5), (1.0, "#ff2a3d", 0.0)]));
    Scene { defs, back: [bands(f), seal(f)].concat(), ..Scene::default() }
}

/// The seal: a red glow, an outer ring, a dashed inner ring and the slashes.
fn seal(f: &Frame) -> String {
    let mut out = String::from(concat!(
        r#"<circle cx="23" cy="22" r="22" fill="url(#mk)"/>"#,
        r##"<g fill="none" stroke="#ff4d5a" stroke-linecap="round"><circle cx="23" cy="22" r="16" stroke-width="1.1" opacity=".85"/>"##,
        r##"<circle cx="23" cy="22" r="13" stroke-width=".7" stroke-dasharray="3 1.5" opacity=".6"/>"##,
        r##"<path d="M23 3.5V6.5M23 37.5V40.5M4.5 22H7.5M38.5 22H41.5" stroke-width="1.2"/>"##
    ));
    for (k, d) in SLASHES.iter().enumerate() {
        out.push_str(&slash(f, d, k));
    }
    out.push_str("</g>");
    out
}

/// One slash; when animated it is dashed to its own length and the dash
/// slides in and out, each slash a little after the one before. The gap is
/// longer than the path so no round cap peeks out while it is hidden.
fn slash(f: &Frame, d: &str, k: usize) -> String {
    let style = r##" stroke="#ff6b73" stroke-width="2""##;
    if !f.animate {
        return format!(r#"<path d="{d}"{style}/>"#);
    }
    let draw = f.keyed("stroke-dashoffset", "1;0;0;1", "0;.3;.85;1", DRAW_DUR, 0.25 * k as f64);
    format!(r#"<path d="{d}"{style} pathLength="1" stroke-dasharray="1 2" stroke-dashoffset="1">{draw}</path>"#)
}

/// Tapered brush bands: a long pair leaving the seal along the top and
/// bottom edges, and a short pair coming in from the right edge.
fn bands(f: &Frame) -> String {
    let reach = 44.0 + (f.width - 44.0) * 0.42;
    let right = f.width - 4.0;
    let d = [
        band(40.0, reach, 5.2, 2.4),
        band(40.0, reach, 38.8, 2.4),
        band(right, right - 22.0, 5.2, 1.8),
        band(right, right - 22.0, 38.8, 1.8),
    ]
    .concat();
    format!(
        r##"<path d="{d}" fill="#c81d25" opacity=".9">{}</path>"##,
        f.keyed("opacity", ".55;1;.6;1;.55", "0;.12;.24;.36;1", 1.6, 0.0)
    )
}

/// A band from `x0` (full thickness) tapering to a point at `x1`, centred
/// on `y`.
fn band(x0: f64, x1: f64, y: f64, thick: f64) -> String {
    let (top, bottom, mid) = (y - thick / 2.0, y + thick / 2.0, x0 + (x1 - x0) * 0.6);
    format!(
        "M{} {}C{} {} {} {} {} {}C{} {} {} {} {} {}Z",
        n(x0),
        n(top),
        n(mid),
        n(top - 0.3),
        n(mid),
        n(y),
        n(x1),
        n(y),
        n(mid),
        n(y),
        n(mid),
        n(bottom + 0.3),
        n(x0),
        n(bottom)
    )
}

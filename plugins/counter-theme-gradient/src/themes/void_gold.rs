//! `void_gold` (金轮虚境): a near-black card lit from a dark void core ringed
//! in gold: two dashed rings, a tilted orbit, faint wide arcs spreading
//! behind the digits, gold dust and a fading gold rule under the count.
//! Motion: the rings rotate, neighbours in opposite directions.

use super::Theme;
use crate::card::{Frame, Palette, Scene, dot, fade, hash, linear, n, radial};

pub const THEME: Theme = Theme {
    key: "void_gold",
    name: "金轮虚境",
    palette: Palette {
        card: &[(0.0, "#33270c"), (0.5, "#110d06"), (1.0, "#050403")],
        border: "#d6a73a",
        inner: ("#ffe9a8", 0.2),
        ink: ("#fff6d1", "#e3a82b"),
        glow: ("#ffb020", 0.7, 2.0),
    },
    scene,
};

/// Centre of the void.
const CX: f64 = 23.0;
const CY: f64 = 22.0;

fn scene(f: &Frame) -> Scene {
    let defs = [
        radial("vg", &fade(&[(0.0, "#ffcc55", 0.5), (1.0, "#ffcc55", 0.0)])),
        radial("vc", &fade(&[(0.0, "#000", 1.0), (0.6, "#140e04", 1.0), (1.0, "#7a5412", 1.0)])),
        linear(
            "gr",
            (0.0, 0.0, 1.0, 1.0),
            &fade(&[(0.0, "#fff1b8", 1.0), (0.5, "#e0ac3c", 1.0), (1.0, "#8a5a12", 1.0)]),
        ),
        linear(
            "ul",
            (0.0, 0.0, 1.0, 0.0),
            &fade(&[(0.0, "#e0ac3c", 0.0), (0.5, "#f5cf6a", 0.9), (1.0, "#e0ac3c", 0.0)]),
        ),
    ]
    .concat();
    Scene { defs, back: [arcs(f), dust(f), rule(f), rings(f)].concat(), ..Scene::default() }
}

/// Wide faint circles around the void, reaching across the digits.
fn arcs(f: &Frame) -> String {
    let mut out = String::from(r##"<g fill="none" stroke="#d6a73a" stroke-width=".7">"##);
    let mut r = 30.0;
    while r < f.width + 20.0 {
        let opacity = (0.22 - r / (f.width * 6.0)).max(0.06);
        out.push_str(&format!(r#"<circle cx="{CX}" cy="{CY}" r="{}" opacity="{}"/>"#, n(r), n(opacity)));
        r += 16.0;
    }
    out.push_str("</g>");
    out
}

/// Specks of gold dust drifting in the dark.
fn dust(f: &Frame) -> String {
    let d: String = (0..(f.width / 9.0) as u32)
        .map(|i| dot(44.0 + hash(i, 31) * (f.width - 50.0), 3.0 + hash(i, 32) * 38.0, 0.3 + 0.5 * hash(i, 33)))
        .collect();
    format!(r##"<path d="{d}" fill="#f7d27a" opacity=".55"/>"##)
}

/// A gold rule under the digits, fading out at both ends.
fn rule(f: &Frame) -> String {
    let x = f.digits_start() - 2.0;
    format!(r#"<rect x="{}" y="37.6" width="{}" height=".8" fill="url(#ul)"/>"#, n(x), n(f.digits_end - x + 2.0))
}

/// The void: a glow, a tilted orbit, two dashed rings and the dark core.
fn rings(f: &Frame) -> String {
    format!(
        concat!(
            r#"<circle cx="{cx}" cy="{cy}" r="22" fill="url(#vg)"/>"#,
            r#"<g fill="none" stroke="url(#gr)">"#,
            r#"<g transform="rotate(-28 {cx} {cy})"><g>{orbit}<ellipse cx="{cx}" cy="{cy}" rx="20" ry="5.5" stroke-width=".7"/>"#,
            r##"<circle cx="43" cy="{cy}" r="1.4" fill="#ffe9a8" stroke="none"/></g></g>"##,
            r#"<g>{outer}<circle cx="{cx}" cy="{cy}" r="16.5" stroke-width="1.6" stroke-dasharray=".8 2.4"/></g>"#,
            r#"<g>{inner}<circle cx="{cx}" cy="{cy}" r="12.5" stroke-width="1.3" stroke-dasharray="9 2 2 2"/></g>"#,
            r##"<circle cx="{cx}" cy="{cy}" r="7.5" fill="url(#vc)" stroke="#ffd76a"/></g>"##,
            r##"<circle cx="{cx}" cy="{cy}" r="2.4" fill="#000"/><circle cx="20.5" cy="19.5" r=".9" fill="#fff3c4"/>"##
        ),
        cx = CX,
        cy = CY,
        orbit = f.spin(CX, CY, 12.0, true),
        outer = f.spin(CX, CY, 18.0, false),
        inner = f.spin(CX, CY, 7.0, true),
    )
}

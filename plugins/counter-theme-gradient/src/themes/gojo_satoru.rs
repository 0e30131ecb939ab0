//! `gojo_satoru` (苍天, "azure sky"): a clear blue sky card with a bright
//! sky orb, soft cloud banks along the bottom and four-point sparkles.
//! (The key is kept for compatibility; the art is a generic sky.) Motion:
//! ripples of light spread from the orb and fade.

use super::Theme;
use crate::card::{Frame, Palette, Scene, dot, fade, hash, n, radial};

pub const THEME: Theme = Theme {
    key: "gojo_satoru",
    name: "苍天",
    palette: Palette {
        card: &[(0.0, "#0c3a94"), (0.55, "#1b6fd6"), (1.0, "#6fc2ff")],
        border: "#0a2a6b",
        inner: ("#dff3ff", 0.45),
        ink: ("#ffffff", "#e4f5ff"),
        glow: ("#041d52", 0.85, 1.6),
    },
    scene,
};

/// Centre and radius of the orb.
const CX: f64 = 22.0;
const CY: f64 = 21.0;
const R: f64 = 8.5;

/// How long one ripple takes to spread, and how many are under way.
const RIPPLE_DUR: f64 = 3.0;
const RIPPLES: u32 = 3;

fn scene(f: &Frame) -> Scene {
    let defs = [
        radial(
            "ob",
            &fade(&[(0.0, "#fff", 1.0), (0.35, "#d8f3ff", 1.0), (0.75, "#5cb8ff", 1.0), (1.0, "#1d62d6", 1.0)]),
        ),
        radial("oh", &fade(&[(0.0, "#bfe8ff", 0.85), (1.0, "#bfe8ff", 0.0)])),
    ]
    .concat();
    Scene { defs, back: [clouds(f), sparkles(f), ripples(f), orb()].concat(), ..Scene::default() }
}

/// Cloud banks: overlapping puffs in one path, so overlaps are painted
/// once and the bank has an even tint.
fn clouds(f: &Frame) -> String {
    let mut d = String::new();
    let (mut x, mut i) = (-4.0, 0u32);
    while x < f.width + 8.0 {
        let r = 5.0 + 5.0 * hash(i, 41);
        d.push_str(&dot(x, 44.0 - r * 0.35 + 2.0 * hash(i, 42), r));
        x += 7.0 + 6.0 * hash(i, 43);
        i += 1;
    }
    format!(r##"<path d="{d}" fill="#ffffff" opacity=".2"/>"##)
}

/// Small four-point sparkles scattered over the sky.
fn sparkles(f: &Frame) -> String {
    let d: String = (0..(f.width / 30.0) as u32 + 1)
        .map(|i| {
            let (x, y, s) = (46.0 + hash(i, 51) * (f.width - 52.0), 4.0 + hash(i, 52) * 8.0, 1.2 + 1.3 * hash(i, 53));
            let t = s * 0.25;
            format!(
                "M{} {}L{} {}L{} {}L{} {}L{} {}L{} {}L{} {}L{} {}Z",
                n(x),
                n(y - s),
                n(x + t),
                n(y - t),
                n(x + s),
                n(y),
                n(x + t),
                n(y + t),
                n(x),
                n(y + s),
                n(x - t),
                n(y + t),
                n(x - s),
                n(y),
                n(x - t),
                n(y - t)
            )
        })
        .collect();
    format!(r##"<path d="{d}" fill="#f2fbff" opacity=".85"/>"##)
}

/// Rings of light around the orb: spreading and fading when animated,
/// two still rings otherwise.
fn ripples(f: &Frame) -> String {
    let mut out = String::from(r##"<g fill="none" stroke="#e6f7ff" stroke-width="1.1">"##);
    if f.animate {
        for k in 0..RIPPLES {
            let begin = -RIPPLE_DUR * f64::from(k) / f64::from(RIPPLES);
            out.push_str(&format!(
                r#"<circle cx="{CX}" cy="{CY}" r="{R}">{}{}</circle>"#,
                f.animate("r", &format!("{};21", n(R)), RIPPLE_DUR, begin),
                f.animate("opacity", ".9;0", RIPPLE_DUR, begin)
            ));
        }
    } else {
        for (r, opacity) in [(12.5, 0.6), (16.5, 0.35), (20.5, 0.15)] {
            out.push_str(&format!(r#"<circle cx="{CX}" cy="{CY}" r="{r}" opacity="{opacity}"/>"#));
        }
    }
    out.push_str("</g>");
    out
}

/// The orb: a halo, the gradient sphere and a glint.
fn orb() -> String {
    format!(
        concat!(
            r#"<circle cx="{cx}" cy="{cy}" r="15" fill="url(#oh)"/>"#,
            r##"<circle cx="{cx}" cy="{cy}" r="{r}" fill="url(#ob)" stroke="#ffffff" stroke-width=".8"/>"##,
            r##"<ellipse cx="19.5" cy="18" rx="2.6" ry="1.6" fill="#fff" opacity=".9" transform="rotate(-30 19.5 18)"/>"##
        ),
        cx = CX,
        cy = CY,
        r = R
    )
}

//! `infinity_void` (无量虚空): deep space — a star field across the whole
//! card, drifting cyan and magenta nebulae, and a glowing endless-loop
//! emblem. Motion: the stars twinkle in three groups, and a spark of light
//! runs round the loop.

use super::Theme;
use crate::card::{Frame, Palette, Scene, dot, fade, hash, linear, n, radial};

pub const THEME: Theme = Theme {
    key: "infinity_void",
    name: "无量虚空",
    palette: Palette {
        card: &[(0.0, "#150d38"), (0.5, "#070518"), (1.0, "#010104")],
        border: "#8b93ff",
        inner: ("#c7d2fe", 0.2),
        ink: ("#ffffff", "#c3cbff"),
        glow: ("#6b5cff", 0.9, 2.2),
    },
    scene,
};

/// The endless loop, centred on the emblem square.
const LOOP: &str = "M23 22C26 15.5 36 15.5 36 22C36 28.5 26 28.5 23 22C20 15.5 10 15.5 10 22C10 28.5 20 28.5 23 22Z";

fn scene(f: &Frame) -> Scene {
    let defs = [
        radial("n1", &fade(&[(0.0, "#22d3ee", 0.32), (1.0, "#22d3ee", 0.0)])),
        radial("n2", &fade(&[(0.0, "#c026d3", 0.3), (1.0, "#c026d3", 0.0)])),
        linear(
            "lm",
            (0.0, 0.0, 1.0, 0.0),
            &fade(&[(0.0, "#67e8f9", 1.0), (0.5, "#a78bfa", 1.0), (1.0, "#f0abfc", 1.0)]),
        ),
        r#"<filter id="lb" x="-20%" y="-50%" width="140%" height="200%"><feGaussianBlur stdDeviation="1.4"/></filter>"#
            .to_string(),
    ]
    .concat();
    Scene { defs, back: [nebulae(f), stars(f), emblem(f)].concat(), ..Scene::default() }
}

/// Soft clouds of colour: one behind the emblem, the rest along the card.
fn nebulae(f: &Frame) -> String {
    let mut out = String::from(r#"<ellipse cx="23" cy="22" rx="26" ry="20" fill="url(#n1)"/>"#);
    let (mut x, mut i) = (f.width * 0.45, 0u32);
    while x < f.width + 20.0 {
        let fill = if i % 2 == 0 { "n2" } else { "n1" };
        let cy = 12.0 + 20.0 * hash(i, 61);
        out.push_str(&format!(r#"<ellipse cx="{}" cy="{}" rx="38" ry="16" fill="url(#{fill})"/>"#, n(x), n(cy)));
        x += 70.0;
        i += 1;
    }
    out
}

/// The star field in three groups, each twinkling on its own phase.
fn stars(f: &Frame) -> String {
    let mut groups = [String::new(), String::new(), String::new()];
    for i in 0..(f.width / 4.5) as u32 {
        let (x, y) = (2.0 + hash(i, 71) * (f.width - 4.0), 2.0 + hash(i, 72) * 40.0);
        groups[i as usize % 3].push_str(&dot(x, y, 0.3 + 0.55 * hash(i, 73) * hash(i, 74)));
    }
    let mut out = String::from(r##"<g fill="#fff">"##);
    for (k, d) in groups.iter().enumerate() {
        let base = [0.9, 0.6, 0.4][k];
        let twinkle = f.animate("opacity", &format!("{base};.1;{base}"), 2.0 + 0.7 * k as f64, -0.6 * k as f64);
        out.push_str(&format!(r#"<path d="{d}" opacity="{base}">{twinkle}</path>"#));
    }
    out.push_str("</g>");
    out
}

/// The loop: a blurred glow, the gradient stroke, a centre spark and, when
/// animated, a bright dash running round it.
fn emblem(f: &Frame) -> String {
    let runner = if f.animate {
        format!(
            r##"<path d="{LOOP}" stroke="#fff" stroke-width="2.2" pathLength="100" stroke-dasharray="9 91">{}</path>"##,
            f.animate("stroke-dashoffset", "100;0", 2.4, 0.0)
        )
    } else {
        String::new()
    };
    format!(
        concat!(
            r##"<g fill="none" stroke-linecap="round"><path d="{d}" stroke="#8b5cf6" stroke-width="3.6" filter="url(#lb)"/>"##,
            r##"<path d="{d}" stroke="url(#lm)" stroke-width="1.8"/>{runner}</g>"##,
            r##"<circle cx="23" cy="22" r="1.3" fill="#fff"/>"##
        ),
        d = LOOP,
        runner = runner
    )
}

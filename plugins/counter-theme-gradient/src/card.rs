//! The card every gradient theme shares: its size, the gradient background,
//! the glowing digit row, the border, and small builders for gradients and
//! motion. A theme supplies a [`Palette`] and a [`Scene`]; [`template`] puts
//! the document together.
//!
//! Layout, left to right: a 44-unit square holding the theme's emblem, then
//! the digits, then a little padding. The height is fixed; the width grows
//! by one digit advance per digit, so wide values are never cut.

use crate::digits;
use crate::themes::Theme;
use waymark_plugin_sdk::counter_theme::{CounterShape, Slot, SvgTemplate, slot_marker, svg_template};
use waymark_plugin_sdk::svg::{Svg, escape_text, format_num};
use waymark_plugin_sdk::template::{Memo, Template, hole};

/// Height of every card.
pub const HEIGHT: u32 = 44;

/// Left edge of the first digit's glyph box (after the emblem square).
const DIGITS_X: f64 = 48.0;

/// Top edge of the glyph boxes: centres the glyphs vertically.
const DIGITS_Y: f64 = (HEIGHT as f64 - digits::GLYPH_HEIGHT) / 2.0;

/// Space after the last glyph box.
const RIGHT_PAD: f64 = 11.0;

/// Corner radius of the card.
const RADIUS: f64 = 8.0;

/// Widest badge the host accepts.
const MAX_WIDTH: u32 = 4096;

/// Where the theme draws: the card's size and whether it may animate.
pub struct Frame {
    /// Card width in user units (= pixels).
    pub width: f64,
    /// Card height in user units.
    pub height: f64,
    /// Right edge of the last digit's glyph box.
    pub digits_end: f64,
    /// Whether motion is wanted (false: a still frame for PNG).
    pub animate: bool,
}

impl Frame {
    /// The frame for a row of `count` digits.
    pub fn new(count: usize, animate: bool) -> Frame {
        let digits_end = DIGITS_X + digits::row_width(count.max(1));
        Frame { width: digits_end + RIGHT_PAD, height: f64::from(HEIGHT), digits_end, animate }
    }

    /// Left edge of the digit row, for themes that decorate around it.
    pub fn digits_start(&self) -> f64 {
        DIGITS_X
    }

    /// An `<animate>` looping forever, or nothing in a still frame, so a
    /// theme can write its motion inline and stay static when asked.
    pub fn animate(&self, attr: &str, values: &str, dur: f64, begin: f64) -> String {
        self.keyed(attr, values, "", dur, begin)
    }

    /// Like [`Frame::animate`] with `keyTimes` (empty for even spacing).
    pub fn keyed(&self, attr: &str, values: &str, key_times: &str, dur: f64, begin: f64) -> String {
        if !self.animate {
            return String::new();
        }
        format!(
            r#"<animate attributeName="{attr}" values="{values}"{}{} dur="{}s" repeatCount="indefinite"/>"#,
            key_times_attr(key_times),
            begin_attr(begin),
            format_num(dur)
        )
    }

    /// An `<animateTransform>` of `kind` (scale, translate, rotate) looping
    /// forever, or nothing in a still frame.
    pub fn transform(&self, kind: &str, values: &str, key_times: &str, dur: f64, begin: f64) -> String {
        if !self.animate {
            return String::new();
        }
        format!(
            r#"<animateTransform attributeName="transform" type="{kind}" values="{values}"{}{} dur="{}s" repeatCount="indefinite"/>"#,
            key_times_attr(key_times),
            begin_attr(begin),
            format_num(dur)
        )
    }

    /// A full turn about (`cx`, `cy`) every `dur` seconds, or nothing in a
    /// still frame.
    pub fn spin(&self, cx: f64, cy: f64, dur: f64, clockwise: bool) -> String {
        let (c, turn) = (format!("{} {}", format_num(cx), format_num(cy)), if clockwise { 360 } else { -360 });
        self.transform("rotate", &format!("0 {c};{turn} {c}"), "", dur, 0.0)
    }
}

fn key_times_attr(key_times: &str) -> String {
    if key_times.is_empty() { String::new() } else { format!(r#" keyTimes="{key_times}""#) }
}

/// A negative begin starts mid-cycle, so staggered parts are out of phase
/// from the first frame instead of waiting to start.
fn begin_attr(begin: f64) -> String {
    if begin == 0.0 { String::new() } else { format!(r#" begin="{}s""#, format_num(begin)) }
}

/// A theme's colours for the shared parts of the card.
pub struct Palette {
    /// Background stops (offset, colour), top-left to bottom-right.
    pub card: &'static [(f64, &'static str)],
    /// The outer border: must contrast with white and with #0d1117 pages.
    pub border: &'static str,
    /// A thin line just inside the border, and its opacity.
    pub inner: (&'static str, f64),
    /// Digit stroke colours, top to bottom.
    pub ink: (&'static str, &'static str),
    /// The blurred halo under the digits: colour, opacity, blur radius.
    pub glow: (&'static str, f64, f64),
}

/// What a theme adds to the shared card.
#[derive(Default)]
pub struct Scene {
    /// Gradients, filters and shapes for `<defs>`.
    pub defs: String,
    /// Drawn on the card behind the digits (clipped to the card).
    pub back: String,
    /// Drawn over the digits (clipped to the card), e.g. a shimmer.
    pub front: String,
    /// Animation placed inside the digit glow's `feGaussianBlur`.
    pub glow_motion: String,
}

/// Holes of a card's template: the title and the row of digits.
const TITLE_HOLE: usize = 0;
const DIGITS_HOLE: usize = 1;

thread_local! {
    /// Drawn cards by theme key, digit count and animation: everything but
    /// the digits and title depends only on those, so fresh counts reuse it.
    static CARDS: Memo<(&'static str, usize, bool), (Template, u32)> = Memo::new(64);
}

/// The counter template of `shape` in `theme`: the drawn card with the
/// title and digit slots filled in.
pub fn template(shape: &CounterShape, theme: &'static Theme) -> Result<SvgTemplate, String> {
    let count = usize::from(shape.digits);
    let card = CARDS
        .with(|memo| memo.get_or_try_insert((theme.key, count, shape.animate), || draw(theme, count, shape.animate)))?;
    let (template, width) = &*card;
    let mut svg = String::new();
    template.fill(&mut svg, |hole, out| match hole {
        TITLE_HOLE => out.push_str(&title(&shape.label)),
        _ => out.push_str(&digits::row(count, DIGITS_X, DIGITS_Y)),
    });
    Ok(svg_template(&svg, *width, HEIGHT, shape.animate))
}

/// The card for `count` digits with holes for the title and the digits.
fn draw(theme: &Theme, count: usize, animate: bool) -> Result<(Template, u32), String> {
    let frame = Frame::new(count, animate);
    let width = frame.width.ceil() as u32;
    if width > MAX_WIDTH {
        return Err(format!("{count} digits do not fit in a badge"));
    }
    let scene = (theme.scene)(&frame);
    let svg = Svg::new(width, HEIGHT)
        .title_markup(&hole(TITLE_HOLE).to_string())
        .raw_child(&body(&frame, &theme.palette, &scene))
        .finish();
    Ok((Template::parse(&svg), width))
}

/// The accessible title, as markup: the (shortened) label and the count's
/// slot.
fn title(label: &str) -> String {
    let label: String = label.chars().take(16).collect();
    let count = slot_marker(Slot::DisplayValue);
    match label.trim() {
        "" => count.to_string(),
        label => format!("{}: {count}", escape_text(label)),
    }
}

/// Everything inside `<svg>`: defs, card, theme layers, digits, border.
fn body(f: &Frame, p: &Palette, scene: &Scene) -> String {
    let (w, h) = (f.width, f.height);
    let card = format!(
        r#"x=".75" y=".75" width="{}" height="{}" rx="{RADIUS}""#,
        format_num(w.ceil() - 1.5),
        format_num(h - 1.5)
    );
    let defs = [
        linear("cg", (0.0, 0.0, 1.0, 1.0), &solid(p.card)),
        linear("ig", (0.0, 0.0, 0.0, 1.0), &solid(&[(0.0, p.ink.0), (1.0, p.ink.1)])),
        format!(
            r#"<filter id="bl" x="-5%" y="-40%" width="110%" height="180%"><feGaussianBlur stdDeviation="{}">{}</feGaussianBlur></filter>"#,
            format_num(p.glow.2),
            scene.glow_motion
        ),
        format!(r#"<clipPath id="cc"><rect {card}/></clipPath>"#),
        digits::glyphs(),
        hole(DIGITS_HOLE).to_string(),
        scene.defs.clone(),
    ]
    .concat();
    let row = format!("#{}", digits::ROW_ID);
    format!(
        concat!(
            r#"<defs>{defs}</defs><rect {card} fill="url(#cg)"/><g clip-path="url(#cc)">{back}</g>"#,
            r#"<g fill="none" stroke-linecap="round" stroke-linejoin="round">"#,
            r#"<use href="{row}" stroke="{glow}" stroke-width="{gw}" opacity="{go}" filter="url(#bl)"/>"#,
            r#"<use href="{row}" stroke="url(#ig)" stroke-width="{sw}"/></g>"#,
            r#"<g clip-path="url(#cc)">{front}</g>"#,
            r#"<rect x="2.5" y="2.5" width="{iw}" height="{ih}" rx="{ir}" fill="none" stroke="{inner}" stroke-opacity="{io}" stroke-width=".6"/>"#,
            r#"<rect {card} fill="none" stroke="{border}" stroke-width="1.5"/>"#
        ),
        defs = defs,
        card = card,
        back = scene.back,
        row = row,
        glow = p.glow.0,
        gw = format_num(digits::STROKE + 1.6),
        go = format_num(p.glow.1),
        sw = format_num(digits::STROKE),
        front = scene.front,
        iw = format_num(w.ceil() - 5.0),
        ih = format_num(h - 5.0),
        ir = format_num(RADIUS - 1.75),
        inner = p.inner.0,
        io = format_num(p.inner.1),
        border = p.border,
    )
}

/// Opaque stops from (offset, colour) pairs.
pub fn solid(stops: &[(f64, &str)]) -> Vec<(f64, String, f64)> {
    stops.iter().map(|&(o, c)| (o, c.to_string(), 1.0)).collect()
}

/// `<stop>` elements from (offset, colour, opacity) triples.
fn stop_list(stops: &[(f64, String, f64)]) -> String {
    stops
        .iter()
        .map(|(o, c, a)| {
            let opacity = if *a < 1.0 { format!(r#" stop-opacity="{}""#, format_num(*a)) } else { String::new() };
            format!(r#"<stop offset="{}" stop-color="{c}"{opacity}/>"#, format_num(*o))
        })
        .collect()
}

/// A `<linearGradient>` across the bounding box from (x1, y1) to (x2, y2),
/// as fractions of it.
pub fn linear(id: &str, (x1, y1, x2, y2): (f64, f64, f64, f64), stops: &[(f64, String, f64)]) -> String {
    format!(
        r#"<linearGradient id="{id}" x1="{}" y1="{}" x2="{}" y2="{}">{}</linearGradient>"#,
        format_num(x1),
        format_num(y1),
        format_num(x2),
        format_num(y2),
        stop_list(stops)
    )
}

/// A centred `<radialGradient>` over the bounding box.
pub fn radial(id: &str, stops: &[(f64, String, f64)]) -> String {
    format!(r#"<radialGradient id="{id}">{}</radialGradient>"#, stop_list(stops))
}

/// Stops with opacity, written briefly: `fade(&[(0.0, "#fff", 0.8), …])`.
pub fn fade(stops: &[(f64, &str, f64)]) -> Vec<(f64, String, f64)> {
    stops.iter().map(|&(o, c, a)| (o, c.to_string(), a)).collect()
}

/// A number formatted for SVG, shorter to type in the themes.
pub fn n(value: f64) -> String {
    format_num(value)
}

/// A fixed pseudo-random fraction in 0..1 for item `i` (themes scatter stars
/// and fibres with it). Deterministic: the same badge is always identical.
pub fn hash(i: u32, salt: u32) -> f64 {
    let mut x = i.wrapping_mul(0x9E37_79B9) ^ salt.wrapping_mul(0x85EB_CA6B) ^ 0x2545_F491;
    x ^= x >> 16;
    x = x.wrapping_mul(0x7FEB_352D);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846C_A68B);
    x ^= x >> 16;
    f64::from(x) / 4_294_967_296.0
}

/// A small circle as path data, so many dots fit in one `<path>`.
pub fn dot(x: f64, y: f64, r: f64) -> String {
    format!("M{} {}a{} {} 0 1 0 {} 0a{} {} 0 1 0 {} 0", n(x - r), n(y), n(r), n(r), n(2.0 * r), n(r), n(r), n(-2.0 * r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_grows_with_digits() {
        let four = Frame::new(4, false);
        let seven = Frame::new(7, false);
        assert_eq!(seven.width - four.width, 3.0 * digits::ADVANCE);
        assert_eq!(Frame::new(0, false).width, Frame::new(1, false).width);
    }

    #[test]
    fn still_frames_have_no_motion() {
        let f = Frame::new(4, false);
        assert!(f.animate("opacity", "0;1", 1.0, 0.0).is_empty());
        assert!(f.spin(1.0, 1.0, 2.0, true).is_empty());
        assert!(f.transform("scale", "1;2", "", 1.0, 0.0).is_empty());
    }

    #[test]
    fn moving_frames_loop_forever() {
        let f = Frame::new(4, true);
        let a = f.keyed("opacity", "0;1;0", "0;.5;1", 1.5, -0.5);
        assert_eq!(
            a,
            r#"<animate attributeName="opacity" values="0;1;0" keyTimes="0;.5;1" begin="-0.5s" dur="1.5s" repeatCount="indefinite"/>"#
        );
        assert!(f.spin(3.0, 4.0, 2.0, false).contains(r#"values="0 3 4;-360 3 4""#));
    }

    #[test]
    fn hash_is_a_fraction_and_varies() {
        let values: Vec<f64> = (0..100).map(|i| hash(i, 7)).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        assert!(values.windows(2).any(|w| w[0] != w[1]));
        assert_eq!(hash(3, 4), hash(3, 4));
    }
}

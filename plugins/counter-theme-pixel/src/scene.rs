//! A scene: the card in the background and the layers drawn on it (the
//! figure, the sign, sparkles), assembled into one SVG document.
//!
//! Layers are positioned in art pixels anywhere, even at negative
//! coordinates; the scene measures them, wraps them in a card with a margin
//! and scales the whole thing by [`Scene::scale`] through the `viewBox`.
//! Animation is frame-based: each layer's frames are split into a shared
//! base and small per-frame differences that switch on and off with
//! discrete SMIL `visibility` animations.
//!
//! Rendering goes through a [`Template`]: everything but the digits and the
//! title is drawn once per scene and reused for every count of that width,
//! which is what makes a fresh count cheap.

use std::fmt::Write;

use waymark_plugin_sdk::counter_theme::{RenderedSvg, Slot, SvgTemplate, slot_marker, svg_template};
use waymark_plugin_sdk::svg::{Svg, escape_text, format_num};
use waymark_plugin_sdk::template::{Template as Markup, hole};

use crate::board::DigitRow;
use crate::sprite::{CLEAR, Grid, Palette, split_frames};

/// Which frame shows when: the loop is cut into equal slots.
#[derive(Clone)]
pub struct Timeline {
    /// Length of one slot in milliseconds.
    pub slot_ms: u32,
    /// The frame index shown in each slot, in order.
    pub slots: Vec<usize>,
}

impl Timeline {
    pub fn new(slot_ms: u32, slots: &[usize]) -> Self {
        Timeline { slot_ms, slots: slots.to_vec() }
    }

    /// The same loop started `shift` slots later, so several sparkles using
    /// one pattern twinkle out of step.
    pub fn shifted(&self, shift: usize) -> Self {
        let mut slots = self.slots.clone();
        if !slots.is_empty() {
            let len = slots.len();
            slots.rotate_right(shift % len);
        }
        Timeline { slot_ms: self.slot_ms, slots }
    }

    fn duration(&self) -> String {
        format!("{}ms", self.slot_ms as usize * self.slots.len())
    }
}

/// A whole-layer jump between pixel offsets (bobbing, hopping), one step per
/// slot.
#[derive(Clone)]
pub struct Motion {
    pub slot_ms: u32,
    pub steps: Vec<(i32, i32)>,
}

impl Motion {
    pub fn new(slot_ms: u32, steps: &[(i32, i32)]) -> Self {
        Motion { slot_ms, steps: steps.to_vec() }
    }
}

/// One drawing in the scene: its frames (all the same size), where it sits,
/// and how it animates.
pub struct Layer {
    pub frames: Vec<Grid>,
    pub x: i32,
    pub y: i32,
    pub timeline: Option<Timeline>,
    pub motion: Option<Motion>,
    /// The sign's digits, drawn above the pixels in layer coordinates.
    pub digits: Option<DigitRow>,
}

impl Layer {
    /// A still layer of one frame.
    pub fn still(grid: Grid, x: i32, y: i32) -> Self {
        Layer { frames: vec![grid], x, y, timeline: None, motion: None, digits: None }
    }

    /// A layer that flips through `frames` as `timeline` says.
    pub fn animated(frames: Vec<Grid>, x: i32, y: i32, timeline: Timeline) -> Self {
        Layer { frames, x, y, timeline: Some(timeline), motion: None, digits: None }
    }

    pub fn with_motion(mut self, motion: Motion) -> Self {
        self.motion = Some(motion);
        self
    }

    pub fn with_digits(mut self, digits: DigitRow) -> Self {
        self.digits = Some(digits);
        self
    }

    fn width(&self) -> i32 {
        self.frames.first().map_or(0, Grid::width)
    }

    fn height(&self) -> i32 {
        self.frames.first().map_or(0, Grid::height)
    }

    /// The frame a still image shows: the one in the timeline's first slot
    /// (so out-of-step sparkles differ even when still), else the first.
    fn first_frame(&self) -> usize {
        self.timeline.as_ref().and_then(|t| t.slots.first().copied()).unwrap_or(0)
    }

    /// Draws the layer; `digits_hole` marks where its digit row goes, inside
    /// the layer's group so the digits move with it.
    fn render(
        &self,
        palette: &Palette,
        (dx, dy): (i32, i32),
        animate: bool,
        digits_hole: Option<char>,
        out: &mut String,
    ) {
        let (x, y) = (self.x + dx, self.y + dy);
        let _ = write!(out, r#"<g transform="translate({x} {y})">"#);
        let moving = animate && self.motion.as_ref().is_some_and(|m| m.steps.len() > 1);
        if let (true, Some(motion)) = (moving, &self.motion) {
            out.push_str("<g>");
            out.push_str(&motion_element(motion));
        }
        match (&self.timeline, animate && self.frames.len() > 1) {
            (Some(timeline), true) => self.render_frames(palette, timeline, out),
            _ => {
                if let Some(first) = self.frames.get(self.first_frame()) {
                    out.push_str(&first.paths(palette, 0, 0));
                }
            }
        }
        if let Some(marker) = digits_hole {
            out.push(marker);
        }
        if moving {
            out.push_str("</g>");
        }
        out.push_str("</g>");
    }

    /// The shared base, then each frame's difference in a group that is
    /// visible only during that frame's slots.
    fn render_frames(&self, palette: &Palette, timeline: &Timeline, out: &mut String) {
        let (base, diffs) = split_frames(&self.frames);
        out.push_str(&base.paths(palette, 0, 0));
        for (index, diff) in diffs.iter().enumerate() {
            if diff.is_empty() || !timeline.slots.contains(&index) {
                continue;
            }
            let shown = timeline.slots.first() == Some(&index);
            let initial = if shown { "visible" } else { "hidden" };
            let _ = write!(out, r#"<g visibility="{initial}">{}"#, visibility_element(timeline, index));
            out.push_str(&diff.paths(palette, 0, 0));
            out.push_str("</g>");
        }
    }
}

/// A discrete `visibility` animation showing frame `index` in its slots.
fn visibility_element(timeline: &Timeline, index: usize) -> String {
    let total = timeline.slots.len() as f64;
    let (mut values, mut times) = (Vec::new(), Vec::new());
    let mut previous = None;
    for (slot, &frame) in timeline.slots.iter().enumerate() {
        let visible = frame == index;
        if previous != Some(visible) {
            values.push(if visible { "visible" } else { "hidden" });
            times.push(format_num(slot as f64 / total));
            previous = Some(visible);
        }
    }
    format!(
        r#"<animate attributeName="visibility" values="{}" keyTimes="{}" dur="{}" calcMode="discrete" repeatCount="indefinite"/>"#,
        values.join(";"),
        times.join(";"),
        timeline.duration()
    )
}

/// A discrete translate animation stepping through the motion's offsets.
fn motion_element(motion: &Motion) -> String {
    let values: Vec<String> = motion.steps.iter().map(|(x, y)| format!("{x} {y}")).collect();
    let dur = motion.slot_ms as usize * motion.steps.len();
    format!(
        r#"<animateTransform attributeName="transform" type="translate" values="{}" dur="{dur}ms" calcMode="discrete" repeatCount="indefinite"/>"#,
        values.join(";")
    )
}

/// The background card: horizontal colour bands (a pixel gradient) inside a
/// one-pixel border with stepped, rounded-looking corners.
pub struct Card {
    /// Band colours from top to bottom, each an equal share of the height.
    pub bands: Vec<u8>,
    pub border: u8,
    /// A one-pixel highlight just inside the top border, if any.
    pub shine: Option<u8>,
    /// Space between the border and the drawing, in art pixels.
    pub margin: i32,
}

impl Card {
    fn grid(&self, width: i32, height: i32) -> Grid {
        let mut grid = Grid::new(width, height);
        let bands = self.bands.len().max(1) as i32;
        for (index, &band) in self.bands.iter().enumerate() {
            let top = index as i32 * height / bands;
            let bottom = (index as i32 + 1) * height / bands;
            grid.fill(0, top, width, bottom - top, band);
        }
        if let Some(shine) = self.shine {
            grid.fill(2, 1, width - 4, 1, shine);
        }
        outline(&mut grid, self.border);
        grid
    }
}

/// Draws a one-pixel border whose corners step in (2, 1) so the card reads
/// as rounded while staying on the pixel grid, and clears outside it.
fn outline(grid: &mut Grid, border: u8) {
    let (w, h) = (grid.width(), grid.height());
    grid.fill(2, 0, w - 4, 1, border);
    grid.fill(2, h - 1, w - 4, 1, border);
    grid.fill(0, 2, 1, h - 4, border);
    grid.fill(w - 1, 2, 1, h - 4, border);
    for (x, y) in [(1, 1), (w - 2, 1), (1, h - 2), (w - 2, h - 2)] {
        grid.set(x, y, border);
    }
    // Outside the stepped corners.
    for (x, y) in [(0, 0), (1, 0), (0, 1)] {
        grid.set(x, y, CLEAR);
        grid.set(w - 1 - x, y, CLEAR);
        grid.set(x, h - 1 - y, CLEAR);
        grid.set(w - 1 - x, h - 1 - y, CLEAR);
    }
}

/// Everything needed to draw one badge.
pub struct Scene {
    pub palette: &'static Palette,
    pub card: Card,
    /// Drawn in order, later layers on top.
    pub layers: Vec<Layer>,
    /// SVG units per art pixel.
    pub scale: i32,
}

/// The largest side the host accepts.
const MAX_SIDE: i32 = 4096;

/// The holes of a scene's [`Template`]: the title, then one per digit row
/// in layer order. The glyph definitions are part of the template: every
/// digit is defined whatever the count.
const TITLE_HOLE: usize = 0;
const FIRST_ROW_HOLE: usize = 1;

impl Scene {
    /// Renders the document for `text` (the padded count); `title` is the
    /// accessible name (escaped here).
    pub fn render(&self, text: &str, title: &str, animate: bool) -> Result<RenderedSvg, String> {
        Ok(self.template(animate)?.fill(text, title))
    }

    /// Draws everything but the digits and the title.
    pub fn template(&self, animate: bool) -> Result<Template, String> {
        let (left, top, right, bottom) = self.bounds();
        let margin = self.card.margin;
        let (width, height) = (right - left + 2 * margin, bottom - top + 2 * margin);
        let (pixel_width, pixel_height) = (width * self.scale, height * self.scale);
        if !(1..=MAX_SIDE).contains(&pixel_width) || !(1..=MAX_SIDE).contains(&pixel_height) {
            return Err(format!("a {pixel_width}x{pixel_height} badge does not fit in {MAX_SIDE} pixels"));
        }
        let (dx, dy) = (margin - left, margin - top);
        let mut body = String::new();
        let mut glyphs = String::new();
        for row in self.layers.iter().filter_map(|layer| layer.digits) {
            row.defs(&mut glyphs);
        }
        if !glyphs.is_empty() {
            let _ = write!(body, "<defs>{glyphs}</defs>");
        }
        body.push_str(&self.card.grid(width, height).paths(self.palette, 0, 0));
        let mut rows = Vec::new();
        for layer in &self.layers {
            let digits_hole = layer.digits.map(|row| {
                rows.push(row);
                hole(FIRST_ROW_HOLE + rows.len() - 1)
            });
            layer.render(self.palette, (dx, dy), animate, digits_hole, &mut body);
        }
        let svg = Svg::new(pixel_width as u32, pixel_height as u32)
            .attr("viewBox", format!("0 0 {width} {height}"))
            .attr("shape-rendering", "crispEdges")
            .title_markup(&hole(TITLE_HOLE).to_string())
            .raw_child(&body)
            .finish();
        let markup = Markup::parse(&svg);
        Ok(Template { markup, rows, width: pixel_width as u32, height: pixel_height as u32, animated: animate })
    }

    /// The box around all layers, as (left, top, right, bottom).
    fn bounds(&self) -> (i32, i32, i32, i32) {
        let mut bounds: Option<(i32, i32, i32, i32)> = None;
        for layer in &self.layers {
            let (l, t, r, b) = (layer.x, layer.y, layer.x + layer.width(), layer.y + layer.height());
            bounds = Some(match bounds {
                None => (l, t, r, b),
                Some((bl, bt, br, bb)) => (bl.min(l), bt.min(t), br.max(r), bb.max(b)),
            });
        }
        bounds.unwrap_or((0, 0, 1, 1))
    }
}

/// A rendered scene with holes for the title and the digits. Filling them
/// costs a few string copies instead of a full drawing; turning them into
/// slots ([`Template::slotted`]) lets the host do even that.
pub struct Template {
    markup: Markup,
    /// The digit rows, in hole order.
    rows: Vec<DigitRow>,
    width: u32,
    height: u32,
    animated: bool,
}

impl Template {
    /// The finished document for `text` with accessible name `title`.
    pub fn fill(&self, text: &str, title: &str) -> RenderedSvg {
        let mut svg = String::new();
        self.markup.fill(&mut svg, |hole, out| match hole {
            TITLE_HOLE => out.push_str(&escape_text(title)),
            row => {
                if let Some(row) = self.rows.get(row - FIRST_ROW_HOLE) {
                    row.uses(text, out);
                }
            }
        });
        RenderedSvg { svg, width: self.width, height: self.height, animated: self.animated }
    }

    /// The counter template for `digits` digits whose title reads
    /// `{label}: {count}` (just the count without a label).
    pub fn slotted(&self, label: &str, digits: usize) -> SvgTemplate {
        let count = slot_marker(Slot::DisplayValue);
        let mut svg = String::new();
        self.markup.fill(&mut svg, |hole, out| match hole {
            TITLE_HOLE if label.is_empty() => out.push(count),
            TITLE_HOLE => {
                out.push_str(&escape_text(label));
                out.push_str(": ");
                out.push(count);
            }
            row => {
                if let Some(row) = self.rows.get(row - FIRST_ROW_HOLE) {
                    row.slots(digits, out);
                }
            }
        });
        svg_template(&svg, self.width, self.height, self.animated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visibility_runs_are_compressed() {
        let timeline = Timeline::new(100, &[0, 0, 1, 0]);
        let shown = visibility_element(&timeline, 1);
        assert!(shown.contains(r#"values="hidden;visible;hidden" keyTimes="0;0.5;0.75" dur="400ms""#), "{shown}");
    }

    #[test]
    fn shifted_rotates_slots() {
        assert_eq!(Timeline::new(1, &[0, 1, 2]).shifted(1).slots, vec![2, 0, 1]);
    }

    #[test]
    fn card_corners_step_in() {
        let card = Card { bands: vec![b'a'], border: b'b', shine: None, margin: 1 };
        let grid = card.grid(6, 5);
        assert_eq!(grid, Grid::parse(&["..bb..", ".baab.", "baaaab", ".baab.", "..bb.."]));
    }
}

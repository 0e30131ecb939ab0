//! A scene: the card in the background and the layers drawn on it (the
//! figure, the sign, sparkles), assembled into one SVG document.
//!
//! Layers are positioned in art pixels anywhere, even at negative
//! coordinates; the scene measures them, wraps them in a card with a margin
//! and scales the whole thing by [`Scene::scale`] through the `viewBox`.
//! Animation is frame-based: each layer's frames are split into a shared
//! base and small per-frame differences that switch on and off with
//! discrete SMIL `visibility` animations.

use std::fmt::Write;

use waymark_plugin_sdk::counter_theme::RenderedSvg;
use waymark_plugin_sdk::svg::{Svg, format_num};

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
    /// Trusted markup drawn above the pixels in layer coordinates (the
    /// sign's digit references).
    pub extra: String,
}

impl Layer {
    /// A still layer of one frame.
    pub fn still(grid: Grid, x: i32, y: i32) -> Self {
        Layer { frames: vec![grid], x, y, timeline: None, motion: None, extra: String::new() }
    }

    /// A layer that flips through `frames` as `timeline` says.
    pub fn animated(frames: Vec<Grid>, x: i32, y: i32, timeline: Timeline) -> Self {
        Layer { frames, x, y, timeline: Some(timeline), motion: None, extra: String::new() }
    }

    pub fn with_motion(mut self, motion: Motion) -> Self {
        self.motion = Some(motion);
        self
    }

    pub fn with_extra(mut self, extra: String) -> Self {
        self.extra = extra;
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

    fn render(&self, palette: &Palette, dx: i32, dy: i32, animate: bool, out: &mut String) {
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
        out.push_str(&self.extra);
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
    /// Trusted `<defs>` content (digit glyphs).
    pub defs: String,
    /// SVG units per art pixel.
    pub scale: i32,
}

/// The largest side the host accepts.
const MAX_SIDE: i32 = 4096;

impl Scene {
    /// Renders the document; `title` is the accessible name (escaped here).
    pub fn render(&self, title: &str, animate: bool) -> Result<RenderedSvg, String> {
        let (left, top, right, bottom) = self.bounds();
        let margin = self.card.margin;
        let (width, height) = (right - left + 2 * margin, bottom - top + 2 * margin);
        let (pixel_width, pixel_height) = (width * self.scale, height * self.scale);
        if !(1..=MAX_SIDE).contains(&pixel_width) || !(1..=MAX_SIDE).contains(&pixel_height) {
            return Err(format!("a {pixel_width}x{pixel_height} badge does not fit in {MAX_SIDE} pixels"));
        }
        let (dx, dy) = (margin - left, margin - top);
        let mut body = String::new();
        if !self.defs.is_empty() {
            let _ = write!(body, "<defs>{}</defs>", self.defs);
        }
        body.push_str(&self.card.grid(width, height).paths(self.palette, 0, 0));
        for layer in &self.layers {
            layer.render(self.palette, dx, dy, animate, &mut body);
        }
        let svg = Svg::new(pixel_width as u32, pixel_height as u32)
            .attr("viewBox", format!("0 0 {width} {height}"))
            .attr("shape-rendering", "crispEdges")
            .title(title)
            .raw_child(&body)
            .finish();
        Ok(RenderedSvg { svg, width: pixel_width as u32, height: pixel_height as u32, animated: animate })
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

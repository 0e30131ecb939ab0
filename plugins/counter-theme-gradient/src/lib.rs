//! Waymark's gradient counter themes: seven cards with a gradient
//! background, an original emblem, digits drawn with our own path font and
//! a different motion each (glow pulse, flickering flames, shimmer sweep,
//! rotating rings, ripples, twinkling stars, marks drawing themselves).
//!
//! `card` builds what all themes share, `digits` is the font, and
//! `themes/<key>.rs` holds one theme each: its palette, emblem and motion.

mod card;
mod digits;
mod themes;

use waymark_plugin_sdk::counter_theme::*;

/// The plugin: every theme in [`themes::ALL`].
pub struct Gradient;

impl CounterTheme for Gradient {
    fn themes() -> Vec<Provided> {
        themes::ALL.iter().map(|t| provided(t.key, t.name)).collect()
    }

    fn render(input: &CounterInput) -> Result<RenderedSvg, String> {
        render_with_template::<Self>(input)
    }

    fn template(shape: &CounterShape) -> Result<Option<SvgTemplate>, String> {
        let theme = themes::find(&shape.theme).ok_or_else(|| format!("unknown theme {:?}", shape.theme))?;
        card::template(shape, theme).map(Some)
    }
}

waymark_plugin_sdk::register_counter_theme!(Gradient);
waymark_plugin_sdk::manifest!("../waymark.toml");

//! Pixel-board counter themes: an original pixel-art figure holds up a sign
//! showing the count in pixel digits, with a few frames of animation.
//!
//! `lib.rs` registers the themes and dispatches by key; the drawing lives in
//! [`sprite`] (pixel grids to SVG paths), [`font`] (digit faces), [`board`]
//! (the sign), [`scene`] (card, layers, animation) and one module per theme
//! under [`themes`]; [`templates`] keeps each drawn scene for the next count.

pub mod board;
pub mod font;
pub mod fx;
pub mod scene;
pub mod sprite;
pub mod templates;
pub mod themes;

use waymark_plugin_sdk::counter_theme::*;

/// The plugin: every theme in [`themes::ALL`].
pub struct PixelBoards;

impl CounterTheme for PixelBoards {
    fn themes() -> Vec<Provided> {
        themes::ALL.iter().map(|theme| provided(theme.key, theme.name)).collect()
    }

    fn render(input: &CounterInput) -> Result<RenderedSvg, String> {
        render_with_template::<Self>(input)
    }

    fn template(shape: &CounterShape) -> Result<Option<SvgTemplate>, String> {
        let theme = themes::find(&shape.theme).ok_or_else(|| format!("unknown theme {:?}", shape.theme))?;
        let digits = usize::from(shape.digits);
        let art = templates::get(theme, digits, shape.mode, shape.animate)?;
        Ok(Some(art.slotted(&title_label(&shape.label), digits)))
    }
}

/// The label as the accessible name shows it: trimmed and shortened.
fn title_label(label: &str) -> String {
    label.trim().chars().take(40).collect()
}

waymark_plugin_sdk::register_counter_theme!(PixelBoards);
waymark_plugin_sdk::manifest!("../waymark.toml");

#[cfg(test)]
mod tests;

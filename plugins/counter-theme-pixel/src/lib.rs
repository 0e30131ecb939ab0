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
        let theme = themes::find(&input.theme).ok_or_else(|| format!("unknown theme {:?}", input.theme))?;
        let digits = input.display_value.chars().count();
        let template = templates::get(theme, digits, input.mode, input.animate)?;
        Ok(template.fill(&input.display_value, &title(input)))
    }
}

/// The accessible name: the label (shortened) and the count.
fn title(input: &CounterInput) -> String {
    let label: String = input.label.trim().chars().take(40).collect();
    if label.is_empty() { input.display_value.clone() } else { format!("{label}: {}", input.display_value) }
}

waymark_plugin_sdk::register_counter_theme!(PixelBoards);
waymark_plugin_sdk::manifest!("../waymark.toml");

#[cfg(test)]
mod tests;

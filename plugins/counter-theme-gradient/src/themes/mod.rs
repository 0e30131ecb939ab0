//! The theme table: one module per theme, each exporting a `THEME`.

mod cursed_night;
mod gojo_satoru;
mod infinity_void;
mod seal_blue;
mod sukuna_mark;
mod talisman_red;
mod void_gold;

use crate::card::{Frame, Palette, Scene};

/// One theme: its key, display name, colours and what it draws.
pub struct Theme {
    /// The key requested as `?theme=…` (listed in `waymark.toml`).
    pub key: &'static str,
    /// The display name shown in theme pickers.
    pub name: &'static str,
    /// Colours of the shared card parts.
    pub palette: Palette,
    /// Draws the emblem, decoration and motion for a frame.
    pub scene: fn(&Frame) -> Scene,
}

/// Every theme, in the manifest's order.
pub static ALL: [Theme; 7] = [
    cursed_night::THEME,
    seal_blue::THEME,
    talisman_red::THEME,
    void_gold::THEME,
    gojo_satoru::THEME,
    infinity_void::THEME,
    sukuna_mark::THEME,
];

/// The theme with `key`, if this plugin draws it.
pub fn find(key: &str) -> Option<&'static Theme> {
    ALL.iter().find(|t| t.key == key)
}

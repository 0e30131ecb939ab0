//! The seven pixel-board themes, one module each, and their registry.

use waymark_plugin_sdk::counter_theme::CounterMode;

use crate::scene::Scene;

pub mod gelbooru;
pub mod gojo_board;
pub mod hoops_board;
pub mod jjk_infinity;
pub mod moebooru;
pub mod rule34;
pub mod zero_board;

/// A theme: its key, display name and scene builder (count, mode → scene).
pub struct Theme {
    pub key: &'static str,
    pub name: &'static str,
    /// The scene for a count of this many characters (digits only ever
    /// reach it through the sign, see [`crate::board::DigitRow`]).
    pub scene: fn(usize, CounterMode) -> Scene,
}

/// Every theme, the server's default (`gojo_board`) first.
pub const ALL: [Theme; 7] = [
    Theme { key: "gojo_board", name: "像素牌-苍空", scene: gojo_board::scene },
    Theme { key: "hoops_board", name: "像素牌-灌篮", scene: hoops_board::scene },
    Theme { key: "zero_board", name: "像素牌-零号", scene: zero_board::scene },
    Theme { key: "jjk_infinity", name: "像素牌-星环", scene: jjk_infinity::scene },
    Theme { key: "rule34", name: "像素牌-粉猫", scene: rule34::scene },
    Theme { key: "moebooru", name: "像素牌-萌狐", scene: moebooru::scene },
    Theme { key: "gelbooru", name: "像素牌-果冻", scene: gelbooru::scene },
];

/// The theme with `key`, if this plugin draws it.
pub fn find(key: &str) -> Option<&'static Theme> {
    ALL.iter().find(|theme| theme.key == key)
}

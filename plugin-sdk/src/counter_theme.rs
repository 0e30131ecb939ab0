//! Counter themes: draw a visit count as SVG.
//!
//! A theme draws one badge per call with [`CounterTheme::render`]. Most
//! themes can do better: their art depends on how many digits a badge
//! shows, not which, so they also implement [`CounterTheme::template`] and
//! return the badge with *slots* where the count goes. The host keeps that
//! template and fills it for every count of the same shape without calling
//! the plugin at all, which is what makes a counted visit cheap.
//!
//! Write the template as ordinary markup with [`slot_marker`]s where the
//! count goes, then split it with [`svg_template`]. Markers may only sit in
//! text or attribute values (the host checks, and refuses the theme
//! otherwise); text from the request never turns into a marker because the
//! SDK's escaping writes them as character references.
//!
//! ```
//! use waymark_plugin_sdk::counter_theme::*;
//! use waymark_plugin_sdk::svg::escape_text;
//!
//! fn badge(shape: &CounterShape) -> SvgTemplate {
//!     let value = slot_marker(Slot::DisplayValue);
//!     let markup = format!(
//!         r#"<svg xmlns="http://www.w3.org/2000/svg" width="90" height="20"><title>{}: {value}</title><text x="4" y="14">{value}</text></svg>"#,
//!         escape_text(&shape.label),
//!     );
//!     svg_template(&markup, 90, 20, false)
//! }
//!
//! let shape = CounterShape {
//!     theme: "t".into(), digits: 4, length: 4, mode: CounterMode::Total,
//!     label: "a<b".into(), animate: false, params: vec![],
//! };
//! let filled = fill(&badge(&shape), "0042");
//! assert!(filled.svg.contains("<title>a&lt;b: 0042</title><text x=\"4\" y=\"14\">0042</text>"));
//! ```

use crate::template::{Template, hole};

#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit/since_v0.2.0",
        world: "counter-theme-plugin",
        pub_export_macro: true,
        default_bindings_module: "waymark_plugin_sdk::counter_theme::bindings",
    });
}

pub use bindings::exports::waymark::plugin::counter_theme::{
    CounterInput, CounterMode, CounterShape, RenderedSvg, Slot, SvgTemplate,
};
pub use bindings::waymark::plugin::types::{LogLevel, Param, Provided};

/// The API version this SDK builds counter themes against: put it in the
/// manifest's `api`.
pub const API: &str = "0.2.0";

/// A plugin that draws one or more counter themes.
pub trait CounterTheme {
    /// The themes this plugin draws: their keys and display names.
    fn themes() -> Vec<Provided>;

    /// Draws `input.display_value` in theme `input.theme`.
    fn render(input: &CounterInput) -> Result<RenderedSvg, String>;

    /// The badge of `shape` with slots for the count, or `None` to have
    /// [`CounterTheme::render`] called for every count of this shape (the
    /// default). Filled with any display value of `shape.digits` digits,
    /// it must equal what `render` returns for that value.
    fn template(shape: &CounterShape) -> Result<Option<SvgTemplate>, String> {
        let _ = shape;
        Ok(None)
    }
}

/// Checks a counter theme's manifest as the server will, and that it fits
/// theme plugin `T`: kind `counter-theme`, `api` = [`API`], `provides` = the
/// keys `T::themes()` returns. For the plugin's tests:
/// `check_manifest::<MyTheme>(include_str!("../waymark.toml")).unwrap()`.
#[cfg(feature = "manifest-check")]
pub fn check_manifest<T: CounterTheme>(
    text: &str,
) -> Result<crate::manifest::Manifest, crate::manifest::ManifestError> {
    crate::manifest::check_plugin(text, "counter-theme", API, "themes()", T::themes().into_iter().map(|p| p.key))
}

shared_helpers!(param: CounterInput);

/// The shape of `input`: everything but its value.
pub fn shape_of(input: &CounterInput) -> CounterShape {
    CounterShape {
        theme: input.theme.clone(),
        digits: u8::try_from(input.display_value.chars().count()).unwrap_or(u8::MAX),
        length: input.length,
        mode: input.mode,
        label: input.label.clone(),
        animate: input.animate,
        params: input.params.clone(),
    }
}

/// The character standing for `slot` in markup given to [`svg_template`].
/// Digits are counted from the left, from 0 (at most 254).
pub fn slot_marker(slot: Slot) -> char {
    match slot {
        Slot::DisplayValue => hole(0),
        Slot::Digit(index) => hole(1 + usize::from(index)),
    }
}

/// Splits `markup` at its [`slot_marker`]s.
pub fn svg_template(markup: &str, width: u32, height: u32, animated: bool) -> SvgTemplate {
    let parsed = Template::parse(markup);
    let (mut pieces, mut slots) = (Vec::new(), Vec::new());
    for (piece, hole) in parsed.pieces() {
        pieces.push(piece.to_string());
        if let Some(hole) = hole {
            slots.push(match hole {
                0 => Slot::DisplayValue,
                n => Slot::Digit(u8::try_from(n - 1).unwrap_or(u8::MAX)),
            });
        }
    }
    SvgTemplate { pieces, slots, width, height, animated }
}

/// `template` filled with `display_value`, exactly as the host fills it. A
/// digit slot past the end of the value is left empty.
pub fn fill(template: &SvgTemplate, display_value: &str) -> RenderedSvg {
    let mut svg = String::with_capacity(template.pieces.iter().map(String::len).sum::<usize>() + 64);
    let mut slots = template.slots.iter();
    for piece in &template.pieces {
        svg.push_str(piece);
        match slots.next() {
            Some(Slot::DisplayValue) => svg.push_str(display_value),
            Some(Slot::Digit(index)) => {
                if let Some(c) = display_value.chars().nth(usize::from(*index)) {
                    svg.push(c);
                }
            }
            None => {}
        }
    }
    RenderedSvg { svg, width: template.width, height: template.height, animated: template.animated }
}

/// A [`CounterTheme::render`] for themes that template every shape: fills
/// the template of `input`'s shape with its value.
pub fn render_with_template<T: CounterTheme>(input: &CounterInput) -> Result<RenderedSvg, String> {
    match T::template(&shape_of(input))? {
        Some(template) => Ok(fill(&template, &input.display_value)),
        None => Err(format!("theme {:?} has no template for this badge", input.theme)),
    }
}

/// Registers a [`CounterTheme`] implementation as the plugin's export.
#[macro_export]
macro_rules! register_counter_theme {
    ($theme:ty) => {
        #[doc(hidden)]
        pub struct __WaymarkCounterTheme;

        impl $crate::counter_theme::bindings::exports::waymark::plugin::counter_theme::Guest for __WaymarkCounterTheme {
            fn describe() -> ::std::vec::Vec<$crate::counter_theme::Provided> {
                <$theme as $crate::counter_theme::CounterTheme>::themes()
            }

            fn render(
                input: $crate::counter_theme::CounterInput,
            ) -> ::std::result::Result<$crate::counter_theme::RenderedSvg, ::std::string::String> {
                <$theme as $crate::counter_theme::CounterTheme>::render(&input)
            }

            fn template(
                shape: $crate::counter_theme::CounterShape,
            ) -> ::std::result::Result<::std::option::Option<$crate::counter_theme::SvgTemplate>, ::std::string::String>
            {
                <$theme as $crate::counter_theme::CounterTheme>::template(&shape)
            }
        }

        // Only a WebAssembly build exports the world; natively (unit tests,
        // benchmarks) the plugin is an ordinary Rust library.
        #[cfg(target_arch = "wasm32")]
        $crate::counter_theme::bindings::export!(__WaymarkCounterTheme);
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_split_and_fill_in_order() {
        let markup = format!(
            "<a>{}</a><b x=\"{}{}\"/>",
            slot_marker(Slot::DisplayValue),
            slot_marker(Slot::Digit(2)),
            slot_marker(Slot::Digit(0))
        );
        let template = svg_template(&markup, 1, 2, true);
        assert_eq!(template.pieces, vec!["<a>", "</a><b x=\"", "", "\"/>"]);
        assert!(matches!(template.slots[..], [Slot::DisplayValue, Slot::Digit(2), Slot::Digit(0)]));
        let filled = fill(&template, "1234");
        assert_eq!(filled.svg, "<a>1234</a><b x=\"31\"/>");
        assert_eq!((filled.width, filled.height, filled.animated), (1, 2, true));
    }

    #[test]
    fn request_text_cannot_become_a_slot() {
        let label = format!("x{}y", slot_marker(Slot::Digit(0)));
        let markup = format!("<t>{}</t>", crate::svg::escape_text(&label));
        assert!(svg_template(&markup, 1, 1, false).slots.is_empty());
    }
}

//! `plain`: a flat two-part badge, an eye icon on the left and the count on
//! the right in the SDK's pixel digits. No fonts needed, so the PNG
//! rendering looks exactly like the SVG.

use waymark_plugin_sdk::counter_theme::*;
use waymark_plugin_sdk::digits::{pixel_digits_svg, pixel_text_width};

pub struct Basic;

/// Size of one font pixel, in SVG units.
const PIXEL: f64 = 2.0;
const HEIGHT: u32 = 20;
const ICON_WIDTH: u32 = 24;

/// A small eye: "views".
const EYE: &str = r##"<g fill="#fff"><rect x="6" y="8" width="12" height="4"/><rect x="8" y="6" width="8" height="8"/></g><rect x="10" y="8" width="4" height="4" fill="#555"/>"##;

impl CounterTheme for Basic {
    fn themes() -> Vec<Provided> {
        vec![provided("plain", "简约")]
    }

    fn render(input: &CounterInput) -> Result<RenderedSvg, String> {
        let value = &input.display_value;
        let digits_width = pixel_text_width(value, PIXEL).ceil() as u32;
        let width = ICON_WIDTH + digits_width + 12;
        let digits = pixel_digits_svg(value, (ICON_WIDTH + 6) as f64, 5.0, PIXEL, "#fff");
        let svg = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" viewBox="0 0 {width} {HEIGHT}" shape-rendering="crispEdges"><rect width="{width}" height="{HEIGHT}" rx="3" fill="#2b7bb9"/><rect width="{ICON_WIDTH}" height="{HEIGHT}" fill="#555"/>{EYE}{digits}</svg>"##
        );
        Ok(RenderedSvg { svg, width, height: HEIGHT, animated: false })
    }
}

waymark_plugin_sdk::register_counter_theme!(Basic);
waymark_plugin_sdk::manifest!("../waymark.toml");

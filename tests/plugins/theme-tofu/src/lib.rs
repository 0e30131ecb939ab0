//! Simulates a theme whose PNG would lose its digits: it writes the count as
//! CJK numerals (〇一二三…) in `<text>`, naming a CJK font. A browser with
//! that font shows them; the server's bundled fonts have none of these
//! characters, so rasterised they would be blank boxes. The load-time smoke
//! test must refuse it.

use waymark_plugin_sdk::counter_theme::*;
use waymark_plugin_sdk::svg::{Element, Svg};

/// The numerals for 0–9.
const NUMERALS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

pub struct Tofu;

impl CounterTheme for Tofu {
    fn themes() -> Vec<Provided> {
        vec![provided("tofu", "Test: text no bundled font draws")]
    }

    fn render(input: &CounterInput) -> Result<RenderedSvg, String> {
        let numerals: String =
            input.display_value.chars().map(|c| c.to_digit(10).map_or(c, |d| NUMERALS[d as usize])).collect();
        let width = 10 + 16 * numerals.chars().count() as u32;
        let svg = Svg::new(width, 24)
            .element(Element::new("rect").attr_num("width", width as f64).attr_num("height", 24.0).attr("fill", "#333"))
            .element(
                Element::new("text")
                    .attr_num("x", 5.0)
                    .attr_num("y", 18.0)
                    .attr("font-family", "Noto Sans CJK JP")
                    .attr_num("font-size", 16.0)
                    .attr("fill", "#fff")
                    .text(&numerals),
            )
            .finish();
        Ok(RenderedSvg { svg, width, height: 24, animated: false })
    }
}

waymark_plugin_sdk::register_counter_theme!(Tofu);
waymark_plugin_sdk::manifest!("../waymark.toml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_cjk_numerals() {
        let input = CounterInput {
            theme: "tofu".into(),
            value: 1234,
            display_value: "0001234".into(),
            length: 7,
            mode: CounterMode::Total,
            label: "t".into(),
            animate: false,
            params: Vec::new(),
        };
        assert!(Tofu::render(&input).unwrap().svg.contains(">〇〇〇一二三四<"));
    }
}

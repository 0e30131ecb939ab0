//! A counter theme to copy: a rounded badge whose colours come from the
//! request (`?color=…&bg=…`), drawn with the SDK's SVG builder.
//!
//! Copy this folder, rename the crate and the manifest's `id` and
//! `provides`, and change `render`. See `plugin-sdk/README.md`.

use waymark_plugin_sdk::color::{Rgba, readable_on};
use waymark_plugin_sdk::counter_theme::*;
use waymark_plugin_sdk::svg::{Element, Svg};

pub struct Template;

impl CounterTheme for Template {
    fn themes() -> Vec<Provided> {
        vec![provided("template", "Template badge")]
    }

    fn render(input: &CounterInput) -> Result<RenderedSvg, String> {
        // Request parameters arrive as text; fall back when they don't parse.
        let background = param(input, "bg").and_then(Rgba::parse).unwrap_or(Rgba::rgb(0x24, 0x29, 0x2f));
        let accent = param(input, "color").and_then(Rgba::parse).unwrap_or(Rgba::rgb(0x3f, 0xb9, 0x50));
        let digits = input.display_value.chars().count() as u32;
        let (width, height) = (24 + 10 * digits, 28);

        let mut svg = Svg::new(width, height).title(&format!("{}: {}", input.label, input.value));
        svg = svg.element(
            Element::new("rect")
                .attr_num("width", width as f64)
                .attr_num("height", height as f64)
                .attr_num("rx", 6.0)
                .attr("fill", background.to_css()),
        );
        svg = svg.element(
            Element::new("rect")
                .attr_num("x", 6.0)
                .attr_num("y", 22.0)
                .attr_num("width", (width - 12) as f64)
                .attr_num("height", 2.0)
                .attr("fill", accent.to_css()),
        );
        // `monospace` is one of the families the server bundles for PNGs
        // (DejaVu Sans Mono, 0.6 em per digit); centred, the row stays
        // balanced in whatever monospace face a browser picks instead.
        svg = svg.element(
            Element::new("text")
                .attr_num("x", f64::from(width) / 2.0)
                .attr_num("y", 18.0)
                .attr("text-anchor", "middle")
                .attr("font-family", "monospace")
                .attr_num("font-size", 16.0)
                .attr("fill", readable_on(background).to_css())
                .text(&input.display_value),
        );
        Ok(RenderedSvg { svg: svg.finish(), width, height, animated: false })
    }
}

waymark_plugin_sdk::register_counter_theme!(Template);
waymark_plugin_sdk::manifest!("../waymark.toml");

/// Plugins are plain Rust libraries natively: `cargo test` runs these
/// without any WebAssembly involved.
#[cfg(test)]
mod tests {
    use super::*;

    fn input(value: u64, params: &[(&str, &str)]) -> CounterInput {
        CounterInput {
            theme: "template".into(),
            value,
            display_value: waymark_plugin_sdk::digits::pad(value, 7),
            length: 7,
            mode: CounterMode::Total,
            label: "views".into(),
            animate: true,
            params: params.iter().map(|(n, v)| Param { name: n.to_string(), value: v.to_string() }).collect(),
        }
    }

    #[test]
    fn draws_the_padded_value() {
        let out = Template::render(&input(42, &[])).unwrap();
        assert!(out.svg.starts_with("<svg"));
        assert!(out.svg.contains(">0000042<"), "{}", out.svg);
        assert_eq!(out.width, 24 + 10 * 7);
    }

    /// The manifest the component embeds is one the server accepts, and it
    /// provides exactly the themes `themes()` lists.
    #[test]
    fn manifest_is_accepted() {
        check_manifest::<Template>(include_str!("../waymark.toml")).unwrap();
    }

    #[test]
    fn takes_colours_from_the_request_and_ignores_bad_ones() {
        let out = Template::render(&input(1, &[("bg", "ffffff"), ("color", "red")])).unwrap();
        assert!(out.svg.contains("#ffffff") && out.svg.contains("#ff0000"), "{}", out.svg);
        assert!(out.svg.contains("fill=\"#000000\""), "dark text on white: {}", out.svg);
        let fallback = Template::render(&input(1, &[("bg", "\"><script>")])).unwrap();
        assert!(!fallback.svg.contains("<script>"));
    }
}

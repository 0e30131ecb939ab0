//! `plain`: a flat badge, label on the left and the count on the right.

use waymark_plugin_sdk::counter_theme::*;

pub struct Basic;

impl CounterTheme for Basic {
    fn themes() -> Vec<Provided> {
        vec![provided("template", "Template")]
    }

    fn render(input: &CounterInput) -> Result<RenderedSvg, String> {
        let label = if input.label.is_empty() { "views" } else { input.label.as_str() };
        let label = label.replace('&', "&amp;").replace('<', "&lt;");
        let value = &input.display_value;
        let left = 8 + 7 * label.chars().count() as u32;
        let right = 10 + 8 * value.chars().count() as u32;
        let width = left + right;
        let svg = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" viewBox="0 0 {width} 20"><rect width="{left}" height="20" fill="#555"/><rect x="{left}" width="{right}" height="20" fill="#2b7bb9"/><g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11"><text x="4" y="14">{label}</text><text x="{x}" y="14">{value}</text></g></svg>"##,
            x = left + 5
        );
        Ok(RenderedSvg { svg, width, height: 20, animated: false })
    }
}

waymark_plugin_sdk::register_counter_theme!(Basic);
waymark_plugin_sdk::manifest!("../waymark.toml");

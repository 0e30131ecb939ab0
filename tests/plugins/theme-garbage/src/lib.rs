//! Simulates a theme that returns nonsense: asked to draw the value 666, it
//! answers successfully but with a document that is not SVG, which the host's
//! output validation must reject. Any other value draws a normal badge, so
//! the load-time smoke test passes.

use waymark_plugin_sdk::counter_theme::*;

/// The value that triggers the misbehaviour.
const TRIGGER: u64 = 666;

pub struct Garbage;

impl CounterTheme for Garbage {
    fn themes() -> Vec<Provided> {
        vec![provided("garbage", "Test: invalid output")]
    }

    fn render(input: &CounterInput) -> Result<RenderedSvg, String> {
        if input.value == TRIGGER {
            return Ok(RenderedSvg { svg: "this is not svg <<<".into(), width: 10, height: 10, animated: false });
        }
        Ok(badge(&input.display_value))
    }
}

/// A small, valid badge showing `text`.
fn badge(text: &str) -> RenderedSvg {
    let width = 10 + 8 * text.chars().count() as u32;
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" viewBox="0 0 {width} 20"><rect width="{width}" height="20" fill="#555"/><text x="5" y="14" fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">{text}</text></svg>"##
    );
    RenderedSvg { svg, width, height: 20, animated: false }
}

waymark_plugin_sdk::register_counter_theme!(Garbage);
waymark_plugin_sdk::manifest!("../waymark.toml");

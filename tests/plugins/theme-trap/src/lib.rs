//! Simulates a theme that crashes: asked to draw the value 666, it panics.
//! Plugins are built with `panic = "abort"`, so the panic becomes a
//! WebAssembly trap the host must contain (failing that one request, not the
//! server). Any other value draws a normal badge, so the load-time smoke test
//! passes.

use waymark_plugin_sdk::counter_theme::*;

/// The value that triggers the misbehaviour.
const TRIGGER: u64 = 666;

pub struct Trap;

impl CounterTheme for Trap {
    fn themes() -> Vec<Provided> {
        vec![provided("trap", "Test: trap")]
    }

    fn render(input: &CounterInput) -> Result<RenderedSvg, String> {
        if input.value == TRIGGER {
            panic!("boom");
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

waymark_plugin_sdk::register_counter_theme!(Trap);
waymark_plugin_sdk::manifest!("../waymark.toml");

//! Simulates a theme that never returns: asked to draw the value 666, it
//! spins forever, so the host's per-call time limit (epoch interruption) must
//! stop it. Any other value draws a normal badge, so the load-time smoke test
//! passes.

use waymark_plugin_sdk::counter_theme::*;

/// The value that triggers the misbehaviour.
const TRIGGER: u64 = 666;

pub struct Loop;

impl CounterTheme for Loop {
    fn themes() -> Vec<Provided> {
        vec![provided("loop", "Test: infinite loop")]
    }

    fn render(input: &CounterInput) -> Result<RenderedSvg, String> {
        if input.value == TRIGGER {
            let mut counter: u64 = 0;
            // black_box keeps the optimiser from proving the loop side-effect
            // free and removing it.
            loop {
                std::hint::black_box(&mut counter);
                counter = counter.wrapping_add(1);
            }
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

waymark_plugin_sdk::register_counter_theme!(Loop);
waymark_plugin_sdk::manifest!("../waymark.toml");

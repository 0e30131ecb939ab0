//! Simulates a theme that exhausts memory: asked to draw the value 666, it
//! keeps allocating 1 MiB blocks, writing to every byte and keeping them all,
//! until it runs past the host's per-instance memory cap (16 MiB) and the
//! host must stop it. Any other value draws a normal badge, so the load-time
//! smoke test passes.

use waymark_plugin_sdk::counter_theme::*;

/// The value that triggers the misbehaviour.
const TRIGGER: u64 = 666;

/// Size of each block kept alive.
const BLOCK: usize = 1 << 20;

pub struct Alloc;

impl CounterTheme for Alloc {
    fn themes() -> Vec<Provided> {
        vec![provided("alloc", "Test: unbounded allocation")]
    }

    fn render(input: &CounterInput) -> Result<RenderedSvg, String> {
        if input.value == TRIGGER {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            let mut fill: u8 = 0xA5;
            loop {
                // A non-zero fill touches every page (a zeroed allocation
                // could be satisfied by fresh, untouched memory).
                hoard.push(vec![fill; BLOCK]);
                fill = fill.wrapping_add(1) | 1;
                std::hint::black_box(&mut hoard);
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

waymark_plugin_sdk::register_counter_theme!(Alloc);
waymark_plugin_sdk::manifest!("../waymark.toml");

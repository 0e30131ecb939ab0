//! A counter theme as plugins were built before API 0.2.0: bound directly
//! to the frozen `wit/since_v0.1.0` world, with `render` and no `template`.
//! It draws `legacy-{display_value}`, so tests can tell the host still
//! loads and calls 0.1.0 themes.

wit_bindgen::generate!({
    path: "../../../wit/since_v0.1.0",
    world: "counter-theme-plugin",
});

use exports::waymark::plugin::counter_theme::{CounterInput, Guest, RenderedSvg};
use waymark::plugin::types::Provided;

pub struct Legacy;

impl Guest for Legacy {
    fn describe() -> Vec<Provided> {
        vec![Provided { key: "legacy".into(), name: "Test: legacy".into() }]
    }

    fn render(input: CounterInput) -> Result<RenderedSvg, String> {
        let text = format!("legacy-{}", input.display_value);
        let width = 10 + 8 * text.len() as u32;
        let svg = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20"><rect width="{width}" height="20" fill="#444"/><text x="5" y="14" fill="#fff" font-size="11">{text}</text></svg>"##
        );
        Ok(RenderedSvg { svg, width, height: 20, animated: false })
    }
}

#[cfg(target_arch = "wasm32")]
export!(Legacy);

waymark_plugin_sdk::manifest!("../waymark.toml");

//! Simulates a plugin being upgraded in place: it draws `v{VERSION}-{count}`
//! and its manifest says version `{VERSION}.0.0`, where VERSION is baked in at
//! compile time from the environment variable `WAYMARK_FIXTURE_VERSION`
//! (default `1`, see build.rs). The host's build script builds versions 1 to
//! 4; tests check which one is serving (hot reload, fallback). It never
//! misbehaves.

use waymark_plugin_sdk::counter_theme::*;

pub struct Versioned;

impl CounterTheme for Versioned {
    fn themes() -> Vec<Provided> {
        vec![provided("versioned", "Test: versioned")]
    }

    fn render(input: &CounterInput) -> Result<RenderedSvg, String> {
        let version = env!("FIXTURE_VERSION");
        let text = format!("v{version}-{}", input.display_value);
        let width = 10 + 8 * text.chars().count() as u32;
        let svg = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" viewBox="0 0 {width} 20"><rect width="{width}" height="20" fill="#555"/><text x="5" y="14" fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">{text}</text></svg>"##
        );
        Ok(RenderedSvg { svg, width, height: 20, animated: false })
    }
}

waymark_plugin_sdk::register_counter_theme!(Versioned);
const MANIFEST: &str = concat!(
    "manifest_version = 1\n",
    "id = \"test.theme-versioned\"\n",
    "version = \"",
    env!("FIXTURE_VERSION"),
    ".0.0\"\n",
    "kind = \"counter-theme\"\n",
    "api = \"0.2.0\"\n",
    "provides = [\"versioned\"]\n",
    "description = \"Test fixture: draws its build version next to the count.\"\n",
);

waymark_plugin_sdk::manifest_str!(MANIFEST);

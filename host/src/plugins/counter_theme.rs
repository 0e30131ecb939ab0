//! Counter themes: what the visits-counter calls to draw a badge, and the
//! checks a theme's output must pass before it reaches a client.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex};

use super::error::CallError;
use super::pool::Pooled;
use super::svg_check::Baseline;
use super::worlds::counter_theme::CounterThemePlugin;
use super::worlds::counter_theme::exports::waymark::plugin::counter_theme as wit;
use super::worlds::counter_theme::waymark::plugin::types::Param;

/// A loaded theme plugin: its instances and the documents it drew that
/// passed the full check.
pub struct ThemePlugin {
    pub pool: Pooled<CounterThemePlugin>,
    baselines: Baselines,
}

impl ThemePlugin {
    pub fn new(pool: Pooled<CounterThemePlugin>) -> Self {
        Self { pool, baselines: Baselines::default() }
    }
}

/// Checked documents by theme and length, so the next badge of the same
/// shape is checked against one instead of parsed in full (see
/// [`Baseline`]). Bounded: starts over when full.
#[derive(Default)]
struct Baselines(Mutex<HashMap<(u64, usize), Arc<Baseline>>>);

const MAX_BASELINES: usize = 64;

impl Baselines {
    fn key(theme: &str, svg: &str) -> (u64, usize) {
        (foldhash::quality::FixedState::default().hash_one(theme), svg.len())
    }

    /// Checks `svg`: against the baseline of its shape if there is one that
    /// admits it, otherwise in full (and it becomes the new baseline).
    fn check(&self, theme: &str, svg: &str) -> Result<(), String> {
        let key = Self::key(theme, svg);
        let known = self.0.lock().ok().and_then(|map| map.get(&key).cloned());
        if known.is_some_and(|baseline| baseline.admits(svg)) {
            return Ok(());
        }
        let baseline = Arc::new(Baseline::check(svg)?);
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= MAX_BASELINES {
                map.clear();
            }
            map.insert(key, baseline);
        }
        Ok(())
    }
}

/// Largest SVG a theme may return. Badges are small; this stops a plugin
/// from making the server ship megabytes per request.
const MAX_SVG_BYTES: usize = 1024 * 1024;
/// Largest declared size, in pixels, on either axis.
const MAX_SIDE: u32 = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Daily,
    Total,
}

/// One badge to draw.
#[derive(Debug, Clone)]
pub struct ThemeRequest {
    pub theme: String,
    pub value: u64,
    pub length: u8,
    pub mode: Mode,
    pub label: String,
    pub animate: bool,
    pub params: Vec<(String, String)>,
}

impl ThemeRequest {
    /// What the load-time smoke test draws with every provided theme.
    pub fn sample(theme: &str) -> Self {
        Self {
            theme: theme.to_string(),
            value: 1234,
            length: 7,
            mode: Mode::Total,
            label: "smoke".into(),
            animate: true,
            params: Vec::new(),
        }
    }
}

/// A theme's checked output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub svg: String,
    pub width: u32,
    pub height: u32,
    pub animated: bool,
}

/// The value zero-padded to `length` digits; a wider value is shown whole.
pub fn display_value(value: u64, length: u8) -> String {
    format!("{value:0width$}", width = length as usize)
}

/// Draws one badge with `plugin` and checks the result.
pub async fn render(plugin: &ThemePlugin, id: &str, request: &ThemeRequest) -> Result<Rendered, CallError> {
    let input = wit::CounterInput {
        theme: request.theme.clone(),
        value: request.value,
        display_value: display_value(request.value, request.length),
        length: request.length,
        mode: match request.mode {
            Mode::Daily => wit::CounterMode::Daily,
            Mode::Total => wit::CounterMode::Total,
        },
        label: request.label.clone(),
        animate: request.animate,
        params: request.params.iter().map(|(name, value)| Param { name: name.clone(), value: value.clone() }).collect(),
    };
    let output = plugin
        .pool
        .call(move |bindings, store| {
            Box::pin(async move { bindings.waymark_plugin_counter_theme().call_render(store, &input).await })
        })
        .await?;
    let checked = match output {
        Ok(svg) => check(&plugin.baselines, &request.theme, svg)
            .map_err(|detail| CallError::InvalidOutput { plugin: id.to_string(), detail }),
        Err(detail) => Err(CallError::Reported { plugin: id.to_string(), detail: truncate(&detail) }),
    };
    if let Err(error) = &checked {
        plugin.pool.record_invalid(error);
    }
    checked
}

/// A theme must return one well-formed `<svg>` document of sane size whose
/// declared dimensions are positive ([`Baselines::check`]).
fn check(baselines: &Baselines, theme: &str, output: wit::RenderedSvg) -> Result<Rendered, String> {
    if output.svg.len() > MAX_SVG_BYTES {
        return Err(format!("SVG of {} bytes exceeds {MAX_SVG_BYTES}", output.svg.len()));
    }
    if output.width == 0 || output.height == 0 || output.width > MAX_SIDE || output.height > MAX_SIDE {
        return Err(format!("size {}x{} is outside 1..={MAX_SIDE}", output.width, output.height));
    }
    baselines.check(theme, &output.svg)?;
    Ok(Rendered { svg: output.svg, width: output.width, height: output.height, animated: output.animated })
}

fn truncate(text: &str) -> String {
    text.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svg(text: &str) -> wit::RenderedSvg {
        wit::RenderedSvg { svg: text.into(), width: 10, height: 10, animated: false }
    }

    #[test]
    fn pads_without_truncating() {
        assert_eq!(display_value(42, 7), "0000042");
        assert_eq!(display_value(123_456_789, 4), "123456789");
    }

    #[test]
    fn accepts_svg_and_refuses_the_rest() {
        let baselines = Baselines::default();
        let check = |output| check(&baselines, "t", output);
        assert!(check(svg(r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#)).is_ok());
        assert!(check(svg("this is not svg <<<")).is_err());
        assert!(check(svg("<html/>")).is_err());
        assert!(check(svg(r#"<!DOCTYPE svg [<!ENTITY a "b">]><svg/>"#)).is_err(), "no DTDs");
        let mut zero = svg("<svg/>");
        zero.width = 0;
        assert!(check(zero).is_err());
    }

    /// The second badge of a shape is checked against the first; a broken
    /// one of the same length is still refused.
    #[test]
    fn a_checked_badge_vouches_only_for_harmless_changes() {
        let baselines = Baselines::default();
        let check = |text: &str| check(&baselines, "t", svg(text));
        assert!(check("<svg><title>n: 0041</title></svg>").is_ok());
        assert!(check("<svg><title>n: 0042</title></svg>").is_ok());
        assert_eq!(baselines.0.lock().unwrap().len(), 1, "one shape, one baseline");
        assert!(check("<svg><title>n: 0042</title></svh>").is_err());
        assert!(check("<svg><title>n: 00<2</title></svg>").is_err());
    }
}

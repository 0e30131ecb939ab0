//! Counter themes: what the visits-counter calls to draw a badge, and the
//! checks a theme's output must pass before it reaches a client.
//!
//! A badge is drawn one of two ways. A theme built against API 0.2.0 may
//! hand over a template per shape ([`template`]): the host keeps it and
//! fills in each count itself. Otherwise the plugin's `render` draws every
//! badge and [`check`] vets it.
//!
//! Products reach themes through [`Themes`] and [`ThemeHandle`]
//! (`handle.rs`), never through the registry.

mod bindings;
mod calls;
mod check;
mod handle;
pub mod template;

use std::any::Any;
use std::sync::Arc;

pub use self::calls::ThemeCalls;
use self::check::Baselines;
pub use self::handle::{ThemeHandle, Themes};
use self::template::{CheckedTemplate, Shape, Templates};
use crate::counter::badge::{Badge, Mode, display_value};
use crate::plugins::error::{CallError, LoadError};
use crate::plugins::kind::{ApiVersion, Pending, PluginKind, Prepared};
use crate::plugins::pool::Stats;
use crate::plugins::runtime::Limits;

/// The manifest's `kind` for counter themes.
pub const KIND: &str = "counter-theme";

/// The counter-theme kind: draws a counter value as SVG.
pub struct CounterThemeKind;

/// The API versions that load, oldest first: the only list of them.
static VERSIONS: &[ApiVersion] = &[
    ApiVersion { version: "0.1.0", prepare: |c| prepared(ThemeCalls::prepare_v0_1(c)) },
    ApiVersion { version: "0.2.0", prepare: |c| prepared(ThemeCalls::prepare_v0_2(c)) },
];

fn prepared(calls: Result<ThemeCalls, LoadError>) -> Result<Box<dyn Prepared>, LoadError> {
    Ok(Box::new(ThemePlugin::new(calls?)))
}

impl PluginKind for CounterThemeKind {
    fn name(&self) -> &'static str {
        KIND
    }

    fn listing(&self) -> &'static str {
        "themes()"
    }

    fn versions(&self) -> &'static [ApiVersion] {
        VERSIONS
    }
}

impl Prepared for ThemePlugin {
    fn describe(&self) -> Pending<'_, Result<Vec<(String, String)>, CallError>> {
        Box::pin(self.calls.describe())
    }

    /// Draws each theme once, both ways (see [`smoke_test`]).
    fn smoke_test<'a>(&'a self, id: &'a str, provided: &'a [(String, String)]) -> Pending<'a, Result<(), CallError>> {
        Box::pin(async move {
            for (key, _) in provided {
                smoke_test(self, id, &sample(key)).await?;
            }
            Ok(())
        })
    }

    fn warm(&self) -> Pending<'_, ()> {
        Box::pin(self.calls.warm())
    }

    fn stats(&self) -> &Stats {
        self.calls.stats()
    }

    fn limits(&self) -> Limits {
        self.calls.limits()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A loaded theme plugin: its instances, the templates it drew and the
/// documents it drew that passed the full check.
pub struct ThemePlugin {
    calls: ThemeCalls,
    templates: Templates,
    baselines: Baselines,
}

impl ThemePlugin {
    pub fn new(calls: ThemeCalls) -> Self {
        Self { calls, templates: Templates::default(), baselines: Baselines::default() }
    }
}

/// What the load-time smoke test draws with every provided theme.
pub fn sample(theme: &str) -> Badge {
    Badge {
        theme: theme.to_string(),
        value: 1234,
        length: 7,
        mode: Mode::Total,
        label: "smoke".into(),
        animate: true,
        params: Vec::new(),
    }
}

/// A theme's checked output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub svg: String,
    pub width: u32,
    pub height: u32,
    pub animated: bool,
    /// A hash that identifies `svg`, when known without hashing it (a
    /// filled template: the template's and the count's).
    pub fingerprint: Option<u64>,
}

/// Draws one badge with `plugin`: from its template for this shape if it
/// has one, else with its `render`, checked.
pub async fn render(plugin: &ThemePlugin, id: &str, request: &Badge) -> Result<Rendered, CallError> {
    let display = display_value(request.value, request.length);
    if let Some(template) = template(plugin, id, &Shape::of(request, display.len())).await?
        && let Some(rendered) = template.fill(&display)
    {
        return Ok(rendered);
    }
    render_by_call(plugin, id, request).await
}

/// Both ways a badge can be drawn must work and agree: `render`, and the
/// template (if the theme has one) filled with the same value; and the
/// still frame a PNG is made from must keep its text when rasterised. Run
/// on every theme before its plugin may serve.
pub async fn smoke_test(plugin: &ThemePlugin, id: &str, request: &Badge) -> Result<(), CallError> {
    agrees_with_template(plugin, id, request).await?;
    keeps_text_in_png(plugin, id, request).await
}

/// The badge a `format=png` request would rasterise, checked by
/// [`crate::raster::text_check`]: a theme whose `<text>` the PNG would lose
/// (a character no bundled font has) is refused here rather than serving
/// blank badges.
async fn keeps_text_in_png(plugin: &ThemePlugin, id: &str, request: &Badge) -> Result<(), CallError> {
    let still = render(plugin, id, &Badge { animate: false, ..request.clone() }).await?;
    let checked = tokio::task::spawn_blocking(move || crate::raster::text_check::check(&still.svg))
        .await
        .unwrap_or_else(|e| Err(format!("the check did not finish: {e}")));
    checked.map_err(|detail| CallError::InvalidOutput {
        plugin: id.to_string(),
        detail: format!("theme {}: {detail}", request.theme),
    })
}

async fn agrees_with_template(plugin: &ThemePlugin, id: &str, request: &Badge) -> Result<(), CallError> {
    let drawn = render_by_call(plugin, id, request).await?;
    let display = display_value(request.value, request.length);
    let Some(template) = template(plugin, id, &Shape::of(request, display.len())).await? else {
        return Ok(());
    };
    match template.fill(&display) {
        Some(filled) if filled.svg == drawn.svg => Ok(()),
        _ => Err(CallError::InvalidOutput {
            plugin: id.to_string(),
            detail: format!(
                "theme {}: its template filled with {display} differs from what render draws",
                request.theme
            ),
        }),
    }
}

/// The plugin's `render`, checked.
async fn render_by_call(plugin: &ThemePlugin, id: &str, request: &Badge) -> Result<Rendered, CallError> {
    let checked = match plugin.calls.render(request).await? {
        Ok(raw) => plugin
            .baselines
            .check(&request.theme, &raw.svg, raw.width, raw.height)
            .map(|()| Rendered {
                svg: raw.svg,
                width: raw.width,
                height: raw.height,
                animated: raw.animated,
                fingerprint: None,
            })
            .map_err(|detail| CallError::InvalidOutput { plugin: id.to_string(), detail }),
        Err(detail) => Err(CallError::Reported { plugin: id.to_string(), detail: truncate(&detail) }),
    };
    if let Err(error) = &checked {
        plugin.calls.record_invalid(error);
    }
    checked
}

/// The plugin's checked template for `shape`, asked for once and kept.
/// `None`: the theme draws this shape with `render`.
async fn template(plugin: &ThemePlugin, id: &str, shape: &Shape) -> Result<Option<Arc<CheckedTemplate>>, CallError> {
    if let Some(known) = plugin.templates.get(shape) {
        return Ok(known);
    }
    let checked = match plugin.calls.template(shape).await? {
        Ok(None) => Ok(None),
        Ok(Some(raw)) => CheckedTemplate::check(raw, shape.digits).map(|t| Some(Arc::new(t))).map_err(|detail| {
            CallError::InvalidOutput { plugin: id.to_string(), detail: format!("template: {detail}") }
        }),
        Err(detail) => Err(CallError::Reported { plugin: id.to_string(), detail: truncate(&detail) }),
    };
    match &checked {
        Ok(template) => plugin.templates.insert(shape.clone(), template.clone()),
        Err(error) => plugin.calls.record_invalid(error),
    }
    checked
}

fn truncate(text: &str) -> String {
    text.chars().take(300).collect()
}

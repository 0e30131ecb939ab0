//! The one place that knows which counter-theme API a plugin speaks:
//! requests go in as host types, answers come out as host types.

use super::bindings::{v0_1, v0_2};
use super::template::{RawTemplate, Shape, Slot};
use crate::counter::badge::{Badge, Mode, display_value};
use crate::plugins::error::{CallError, LoadError};
use crate::plugins::kind::Candidate;
use crate::plugins::pool::{Pooled, Stats};
use crate::plugins::runtime::Limits;

/// `render` is the same call in every API version, each on its own
/// generated types: `$api` is the bindings module of the version.
macro_rules! call_render {
    ($api:ident, $pool:expr, $request:expr) => {{
        use $api::exports::waymark::plugin::counter_theme as wit;
        let request: &Badge = $request;
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
            params: request
                .params
                .iter()
                .map(|(name, value)| $api::waymark::plugin::types::Param { name: name.clone(), value: value.clone() })
                .collect(),
        };
        let output = $pool
            .call(move |bindings, store| {
                Box::pin(async move { bindings.waymark_plugin_counter_theme().call_render(store, &input).await })
            })
            .await?;
        Ok(output.map(|o| RawSvg { svg: o.svg, width: o.width, height: o.height, animated: o.animated }))
    }};
}

/// A theme plugin's instances, by the API it was built against.
pub enum ThemeCalls {
    V0_1(Pooled<v0_1::CounterThemePlugin>),
    V0_2(Pooled<v0_2::CounterThemePlugin>),
}

/// What `render` returned: the document and its declared size, unchecked.
pub struct RawSvg {
    pub svg: String,
    pub width: u32,
    pub height: u32,
    pub animated: bool,
}

impl ThemeCalls {
    /// Binds a component built against API 0.1.0 (`render` only).
    pub fn prepare_v0_1(candidate: &Candidate<'_>) -> Result<Self, LoadError> {
        Ok(ThemeCalls::V0_1(candidate.pool()?))
    }

    /// Binds a component built against API 0.2.0 (`render` and `template`).
    pub fn prepare_v0_2(candidate: &Candidate<'_>) -> Result<Self, LoadError> {
        Ok(ThemeCalls::V0_2(candidate.pool()?))
    }

    pub fn stats(&self) -> &Stats {
        match self {
            ThemeCalls::V0_1(pool) => &pool.stats,
            ThemeCalls::V0_2(pool) => &pool.stats,
        }
    }

    pub fn limits(&self) -> Limits {
        match self {
            ThemeCalls::V0_1(pool) => pool.limits(),
            ThemeCalls::V0_2(pool) => pool.limits(),
        }
    }

    /// Counts a call whose output the host refused.
    pub fn record_invalid(&self, error: &CallError) {
        match self {
            ThemeCalls::V0_1(pool) => pool.record_invalid(error),
            ThemeCalls::V0_2(pool) => pool.record_invalid(error),
        }
    }

    /// The plugin's `describe`: (key, display name) pairs.
    pub async fn describe(&self) -> Result<Vec<(String, String)>, CallError> {
        match self {
            ThemeCalls::V0_1(pool) => pool.describe().await,
            ThemeCalls::V0_2(pool) => pool.describe().await,
        }
    }

    /// Fills the instance pool (see [`Pooled::warm`]).
    pub async fn warm(&self) {
        match self {
            ThemeCalls::V0_1(pool) => pool.warm().await,
            ThemeCalls::V0_2(pool) => pool.warm().await,
        }
    }

    /// The plugin's `render`; the inner error is the plugin's own message.
    pub async fn render(&self, request: &Badge) -> Result<Result<RawSvg, String>, CallError> {
        match self {
            ThemeCalls::V0_1(pool) => call_render!(v0_1, pool, request),
            ThemeCalls::V0_2(pool) => call_render!(v0_2, pool, request),
        }
    }

    /// The plugin's `template` for `shape` (API 0.2.0 on); `Ok(None)` from
    /// a plugin that does not template it or cannot (0.1.0).
    pub async fn template(&self, shape: &Shape) -> Result<Result<Option<RawTemplate>, String>, CallError> {
        let ThemeCalls::V0_2(pool) = self else {
            return Ok(Ok(None));
        };
        use v0_2::exports::waymark::plugin::counter_theme as wit;
        let shape = wit::CounterShape {
            theme: shape.theme.clone(),
            digits: u8::try_from(shape.digits).unwrap_or(u8::MAX),
            length: shape.length,
            mode: v0_2_mode(shape.mode),
            label: shape.label.clone(),
            animate: shape.animate,
            params: shape.params.iter().map(|(name, value)| v0_2_param(name, value)).collect(),
        };
        let output = pool
            .call(move |bindings, store| {
                Box::pin(async move { bindings.waymark_plugin_counter_theme().call_template(store, &shape).await })
            })
            .await?;
        Ok(output.map(|template| {
            template.map(|t| RawTemplate {
                pieces: t.pieces,
                slots: t
                    .slots
                    .into_iter()
                    .map(|slot| match slot {
                        wit::Slot::DisplayValue => Slot::DisplayValue,
                        wit::Slot::Digit(index) => Slot::Digit(usize::from(index)),
                    })
                    .collect(),
                width: t.width,
                height: t.height,
                animated: t.animated,
            })
        }))
    }
}

fn v0_2_param(name: &str, value: &str) -> v0_2::waymark::plugin::types::Param {
    v0_2::waymark::plugin::types::Param { name: name.to_string(), value: value.to_string() }
}

fn v0_2_mode(mode: Mode) -> v0_2::exports::waymark::plugin::counter_theme::CounterMode {
    use v0_2::exports::waymark::plugin::counter_theme::CounterMode;
    match mode {
        Mode::Daily => CounterMode::Daily,
        Mode::Total => CounterMode::Total,
    }
}

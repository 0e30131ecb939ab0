//! The counter's rules for one visit: count it (or only read), pick the
//! theme, draw the badge. The API layer only translates parameters in and
//! envelopes out.

use std::sync::Arc;

use super::badge::{Badge, Mode};
use super::error::CounterFailure;
use super::params::{Format, Params};
use super::render::{Image, Renderer, Reuse, choose_theme};
use super::store::Record;
use super::tally::Tallies;
use crate::plugins::Plugins;
use crate::plugins::counter_theme::Themes;

pub struct Counter {
    pub tallies: Arc<Tallies>,
    pub renderer: Arc<Renderer>,
    pub plugins: Arc<Plugins>,
}

/// One visit's outcome.
pub struct Visit {
    /// The counter after this visit.
    pub record: Record,
    /// The count the badge shows (`mode`).
    pub value: u64,
    /// The theme that served: (key, display name).
    pub theme: (String, String),
    /// The badge, unless the data (`format=json`) was asked for.
    pub image: Option<Image>,
}

impl Counter {
    /// Counts the visit (unless `no_increment`) and draws its badge in the
    /// requested format.
    pub async fn visit(&self, params: &Params) -> Result<Visit, CounterFailure> {
        let record = self.tallies.visit(&params.site, &params.name, params.increment).await?;
        let value = match params.mode {
            Mode::Daily => record.daily,
            Mode::Total => record.total,
        };
        let themes = Themes::of(&self.plugins);
        let (key, name) = choose_theme(&themes, &params.theme).ok_or(CounterFailure::NoTheme)?;
        let png_scale = match params.format {
            Format::Json => return Ok(Visit { record, value, theme: (key, name), image: None }),
            Format::Svg => 0,
            Format::Png => params.scale,
        };
        let badge = Badge {
            theme: key.clone(),
            value,
            length: params.length,
            mode: params.mode,
            label: params.name.clone(),
            animate: true,
            params: Vec::new(),
        };
        // A counted visit shows a number nobody has seen yet; a read repeats.
        let reuse = if params.increment { Reuse::Unlikely } else { Reuse::Likely };
        let image = self.renderer.render(&themes, badge, png_scale, reuse).await?;
        Ok(Visit { record, value, theme: (key, name), image: Some(image) })
    }
}

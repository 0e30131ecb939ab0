//! Web analytics, Pingoo's sites and events API: `/api/sites*` (this
//! increment: the sites a user tracks) and, next, `/api/events*`.
//!
//! `api` (Pingoo's paths and envelope) → `service` (ownership, the rules)
//! → `store` (SQL); `site` holds a site's field rules.

pub mod config;
mod error;
pub mod event;
pub mod events_api;
pub mod geo;
pub mod ingest;
pub mod service;
pub mod site;
pub mod sites_api;
mod store;

pub use config::AnalyticsConfig;
pub use error::AnalyticsError;

use crate::http::routes::Route;
use crate::surface::Surface;

/// Analytics' route policies (see [`crate::http::routes`]).
pub const ROUTES: &[Route] =
    &[Route::under("/api/sites", Surface::Pingoo), Route::under("/api/events", Surface::Pingoo)];

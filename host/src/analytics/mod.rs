//! Web analytics: Pingoo's sites and events API (`/api/sites*`,
//! `/api/events*`) and the browser tracker (`/script.js`).
//!
//! `sites_api`, `events_api` (Pingoo's paths and envelope) → `service`
//! (ownership, enrichment, the rules) → `ingest` (the bounded event buffer,
//! batched writes) → `store` (SQL per table family). `site` and `event` hold
//! the field rules, `geo` the GeoIP lookups, `tracker` the served script.

pub mod collect_api;
pub mod config;
mod error;
pub mod event;
pub mod events_api;
pub mod geo;
pub mod ingest;
pub mod report;
pub mod reports_api;
pub mod rollup;
pub mod service;
pub mod site;
pub mod sites_api;
mod store;
pub mod tracker;
pub mod visitor;

pub use config::AnalyticsConfig;
pub use error::AnalyticsError;
/// Which events a listing takes (the event list's query).
pub use store::events::Filter as EventFilter;
/// Run at start, before events are written (see the module).
pub use store::legacy::move_legacy_events;

use crate::http::routes::Route;
use crate::surface::Surface;

/// Analytics' route policies (see [`crate::http::routes`]).
pub const ROUTES: &[Route] = &[
    Route::under("/api/sites", Surface::Pingoo),
    Route::under("/api/events", Surface::Pingoo),
    // Public: pages send no credentials (a stray one is ignored, not
    // refused); metered per client IP.
    Route::exactly("/api/collect", Surface::Pingoo).ignoring_failed_credentials(),
];

//! visits-counter: `GET /api/visits-counter` badges and the `/counter`
//! gallery page.
//!
//! `api` (the seed's parameters and envelopes; `params` checks them) →
//! `service` (one visit: count, pick the theme, draw) → `tally` (in-memory
//! counts, batched writes) → `store` (SQL); `render` draws through the theme
//! plugins, rasterises PNGs and caches repeats. `badge` holds the counter's
//! own terms, which the theme plugin adapter converts.

pub mod api;
pub mod badge;
mod error;
pub mod page;
pub mod params;
pub mod render;
pub mod service;
mod store;
pub mod tally;

pub use error::CounterFailure;
pub use store::Record;

use crate::http::routes::Route;
use crate::surface::Surface;

/// The counter's route policy (see [`crate::http::routes`]).
pub const ROUTES: &[Route] = &[Route::exactly("/api/visits-counter", Surface::Counter)];

//! visits-counter: `GET /api/visits-counter` badges and the `/counter`
//! gallery page.
//!
//! `api` (parameters, envelopes) → `tally` (in-memory counts, batched
//! writes) → `store` (SQL) and `render` (theme plugins, PNG, caching).

pub mod api;
pub mod page;
pub mod render;
mod store;
pub mod tally;

pub use store::Record;

use crate::http::routes::Route;
use crate::surface::Surface;

/// The counter's route policy (see [`crate::http::routes`]).
pub const ROUTES: &[Route] = &[Route::exactly("/api/visits-counter", Surface::Counter)];

//! unshort: `GET /api/unshort` traces every hop of a link.
//!
//! `api` (parameters, envelope) → `service` (cache, bound on traces in
//! flight) → `tracer` (the hop loop) → `fetch` (one GET through the
//! `resolver`, which refuses what the `blocker` forbids) and, for where a
//! page leads, `headers` (Location, Refresh) then the unshort rule plugins.

pub mod api;
pub mod blocker;
mod config;
mod fetch;
mod headers;
mod resolver;
pub mod service;
pub mod tracer;

pub use config::UnshortConfig;
pub use service::Unshortener;

use crate::http::routes::Route;
use crate::surface::Surface;

/// unshort's route policy (see [`crate::http::routes`]).
pub const ROUTES: &[Route] = &[Route::exactly("/api/unshort", Surface::Unshort)];

//! WebAssembly plugins: counter themes, QR styles, unshort rules and
//! analytics enrichers, each a sandboxed component.
//!
//! - `runtime`: the wasmtime engine and the empty sandbox (the only module
//!   that configures wasmtime).
//! - `world`: what every generated world shares (the `host` import).
//! - `pool`: a loaded plugin's warm instances, limits and counters.
//! - `manifest`: the manifest embedded in each component.
//! - `kind`: the one trait a kind implements; `kinds/<kind>/`: one folder
//!   per kind (bindings, API versions, checks, the typed facade products
//!   call: `Themes`, `UnshortRules`, `QrStyles`, `Enrichers`).
//! - `registry`: the set of loaded plugins, loading, validation and
//!   swapping, knowing no kind.
//!
//! How to add a kind: `docs/plugin-kinds.md`.

pub mod admin_api;
pub mod builtin;
mod compiled_cache;
mod config;
mod error;
pub mod kind;
pub mod kinds;
pub mod manifest;
pub mod pool;
mod registry;
pub mod runtime;
mod service;
mod store;
mod svg_check;
mod world;

pub use config::PluginsConfig;
pub use error::{CallError, LoadError};
pub use kinds::{analytics_enricher, counter_theme, qr_style, unshort_rule};
pub use registry::{Loaded, PluginStatus, Registry, Source};
pub use service::Plugins;

use crate::http::routes::Route;
use crate::surface::Surface;

/// The operator endpoints' route policy (see [`crate::http::routes`]): admins
/// only, and the upload route alone takes a large body.
pub const ROUTES: &[Route] = &[
    Route::under("/api/admin", Surface::Pingoo).admin_only(),
    Route::exactly("/api/admin/plugins", Surface::Pingoo).admin_only().uploads(),
];

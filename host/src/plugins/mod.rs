//! WebAssembly plugins: counter themes, QR styles, unshort rules and
//! analytics enrichers, each a sandboxed component.
//!
//! - `runtime`: the wasmtime engine and the empty sandbox (the only module
//!   that configures wasmtime).
//! - `worlds`: host bindings of the WIT worlds in `wit/since_v*`.
//! - `pool`: a loaded plugin with its warm instances, limits and counters.
//! - `manifest`: the manifest embedded in each component.
//! - `counter_theme` (and one module per kind): what products call.
//! - `registry`: the set of loaded plugins, loading, validation and swapping.

pub mod admin_api;
mod builtin;
mod config;
pub mod counter_theme;
mod error;
pub mod manifest;
pub mod pool;
mod registry;
pub mod runtime;
mod service;
mod store;
mod svg_check;
pub mod unshort_rule;
pub mod worlds;

pub use config::PluginsConfig;
pub use error::{CallError, LoadError};
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

//! Waymark: one self-hosted server for visit-counter badges, short links and
//! QR codes, QR statistics, redirect tracing and web analytics, extended by
//! sandboxed WebAssembly plugins.
//!
//! A request's path through the code: [`server`] builds the routes →
//! [`http::pipeline`] (the route's policy from [`routes`]: surface, body
//! limit, credential, metering, envelope) →
//! the product's `*_api.rs` (poem-openapi) → its service → [`store`].

pub mod accounts;
pub mod analytics;
pub mod batch;
pub mod clock;
pub mod config;
pub mod counter;
pub mod failure;
pub mod http;
pub mod metering;
pub mod plugins;
pub mod raster;
pub mod routes;
pub mod server;
pub mod store;
pub mod surface;
pub mod tasks;
pub mod text_hygiene;
pub mod unshort;

pub use config::Config;
pub use server::{App, StartError};

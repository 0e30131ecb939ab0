//! The HTTP side: surfaces and their envelopes, credentials, client IPs, and
//! the pipeline every `/api` request passes through.

pub mod allow;
mod body;
pub mod client_ip;
pub mod config;
pub mod credentials;
pub mod envelope;
mod failure;
pub mod json_text;
pub mod pipeline;
pub mod routes;
pub mod serve;
pub mod spec;
mod surface;
pub mod system_api;

pub use failure::{Failure, FailureKind};
pub use surface::{COUNTER_TIPS, Surface, gateway_code, json_response};

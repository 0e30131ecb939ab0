//! The HTTP side: surfaces and their envelopes, credentials, client IPs, and
//! the pipeline every `/api` request passes through.

pub mod client_ip;
pub mod credentials;
pub mod envelope;
mod failure;
pub mod json_text;
pub mod pipeline;
mod surface;
pub mod system_api;

pub use failure::{Failure, FailureKind};
pub use surface::{COUNTER_TIPS, Surface, gateway_code, json_response};

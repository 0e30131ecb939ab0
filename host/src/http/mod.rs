//! The HTTP side: the accept loop, route policies, credentials, client IPs,
//! bounded bodies, the envelopes' poem types, and the pipeline every `/api`
//! request passes through. It knows no product: products declare their
//! routes (`ROUTES`) and [`crate::routes`] puts them together.

pub mod allow;
mod body;
pub mod client_ip;
pub mod config;
pub mod credentials;
pub mod envelope;
pub mod json_text;
pub mod pipeline;
pub mod query_text;
pub mod routes;
pub mod serve;
pub mod spec;
pub mod system_api;

// Re-exported for the API modules; domains import them from the crate root.
pub use crate::failure::{Failure, FailureKind};
pub use crate::surface::{COUNTER_TIPS, Surface, gateway_code, json_response};

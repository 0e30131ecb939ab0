//! Metering: per-second and per-minute rate limits and daily quotas, per
//! product surface, for users and for anonymous client IPs.
//!
//! Rate windows live in memory (per replica). Daily usage is counted in
//! memory too and added to the `usage_daily` table in batches every
//! `flush_interval_ms` (and on shutdown), so it survives restarts. A replica
//! re-reads a caller's shared count when its copy is older than one interval,
//! so a quota holds across replicas sharing one database: the overshoot is at
//! most what the other replicas admit for that caller within one interval
//! (bounded by the per-second limit × interval × (replicas − 1)).

mod limiter;
mod policy;
mod store;

pub use limiter::{Decision, Exceeded, Meter, Subject};
pub use policy::{MeteringConfig, Policy, Window};

//! The limits each product surface enforces, defaulting to what its seed
//! document promises its users.

use serde::{Deserialize, Serialize};

use crate::surface::Surface;

/// Limits for one route group. `0` switches a limit off.
///
/// Authenticated callers are metered per user (all of a user's API keys and
/// JWTs share one budget, so minting keys cannot multiply a quota); anonymous
/// callers per client IP.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    pub per_second: u64,
    pub per_minute: u64,
    pub per_day: u64,
    pub anonymous_per_second: u64,
    pub anonymous_per_minute: u64,
    pub anonymous_per_day: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Self::UNLIMITED
    }
}

impl Policy {
    pub const UNLIMITED: Policy = Policy {
        per_second: 0,
        per_minute: 0,
        per_day: 0,
        anonymous_per_second: 0,
        anonymous_per_minute: 0,
        anonymous_per_day: 0,
    };

    /// The three windows that apply to a caller, authenticated or not.
    pub fn limits(&self, anonymous: bool) -> [(Window, u64); 3] {
        if anonymous {
            [
                (Window::Second, self.anonymous_per_second),
                (Window::Minute, self.anonymous_per_minute),
                (Window::Day, self.anonymous_per_day),
            ]
        } else {
            [(Window::Second, self.per_second), (Window::Minute, self.per_minute), (Window::Day, self.per_day)]
        }
    }
}

/// The fixed windows a limit counts in. Second and minute windows are aligned
/// to the wall clock; the day window to local midnight in `timezone`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Second,
    Minute,
    Day,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeteringConfig {
    /// `false` switches every limit off (benchmarks, local use).
    pub enabled: bool,
    /// How often each replica adds its locally counted daily usage to the
    /// database. With N replicas a daily quota can be overshot by at most what
    /// N-1 replicas admit in one interval (bounded by the per-second limit).
    pub flush_interval_ms: u64,
    /// visits-counter: 10 req/s, 1000/day with a key, 500/day per IP anonymous.
    pub counter: Policy,
    /// unshort: 5 req/s, 2000/day with a key, 300/day per IP anonymous.
    pub unshort: Policy,
    /// urlplus API: 30 requests a minute.
    pub urlplus: Policy,
    /// CodeBox v1: 100 calls a day per user.
    pub codebox: Policy,
    /// Pingoo documents no limits; these keep one user or one password-guessing
    /// IP from monopolising the server.
    pub pingoo: Policy,
}

impl Default for MeteringConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            flush_interval_ms: 1000,
            counter: Policy {
                per_second: 10,
                per_day: 1000,
                anonymous_per_second: 10,
                anonymous_per_day: 500,
                ..Policy::UNLIMITED
            },
            unshort: Policy {
                per_second: 5,
                per_day: 2000,
                anonymous_per_second: 5,
                anonymous_per_day: 300,
                ..Policy::UNLIMITED
            },
            urlplus: Policy {
                per_minute: 30,
                // Only failed sign-ins reach this: every urlplus call needs a key.
                anonymous_per_minute: 30,
                ..Policy::UNLIMITED
            },
            codebox: Policy { per_day: 100, anonymous_per_minute: 30, ..Policy::UNLIMITED },
            pingoo: Policy {
                per_second: 50,
                per_day: 100_000,
                // Register, login and refresh are anonymous: slow down guessing.
                anonymous_per_second: 10,
                anonymous_per_minute: 60,
                anonymous_per_day: 2000,
                ..Policy::UNLIMITED
            },
        }
    }
}

impl MeteringConfig {
    pub fn policy(&self, surface: Surface) -> &Policy {
        match surface {
            Surface::Counter => &self.counter,
            Surface::Unshort => &self.unshort,
            Surface::Urlplus => &self.urlplus,
            Surface::CodeBox => &self.codebox,
            Surface::Pingoo => &self.pingoo,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), (&'static str, String)> {
        if self.flush_interval_ms == 0 || self.flush_interval_ms > 60_000 {
            return Err(("metering.flush_interval_ms", "must be between 1 and 60000".into()));
        }
        Ok(())
    }
}

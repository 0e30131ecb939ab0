//! Rollups: what the reports read instead of raw events.
//!
//! The batch writer ([`crate::analytics::ingest`]) works out what each
//! batch adds ([`tally::Tally`]) and applies it in the transaction that
//! writes the events, so rollups and events never disagree. Per site:
//! - per day and hour: page views, events, distinct visitors, sessions;
//! - per day: the same plus distinct IPs, bounces and session time;
//! - per day, event type and [`dimension::Dimension`]: counts per value;
//! - per day: a [`hll::Sketch`] of IPs, merged for multi-day IP counts;
//! - sessions, while they may still grow.
//!
//! Days are local days of the server's time zone; bots are kept apart
//! (`is_bot`), so reports can leave them out. A summary of 30 days reads
//! 30 rows, a ranking a few thousand: never the raw events.

pub mod dimension;
pub mod hll;
pub mod tally;

//! (placeholder)

pub mod tracker;

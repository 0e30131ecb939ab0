//! Analytics' SQL, one module per table family. Both engines take the same
//! statements; the one place they differ (the rollup writers' lock) is in
//! `rollups.rs`, named by engine.

pub mod events;
pub mod legacy;
pub mod rollups;
pub mod sites;
pub mod texts;

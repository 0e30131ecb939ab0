//! Analytics' SQL, one module per table family. Queries both engines agree
//! on are written once; engine-specific ones (rollup upserts, date
//! arithmetic) will sit beside them, one function per engine.

pub mod events;
pub mod sites;

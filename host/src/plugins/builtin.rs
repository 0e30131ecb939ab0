//! The plugins compiled into the binary by `build.rs`: copying the binary is a
//! complete install.

include!(concat!(env!("OUT_DIR"), "/builtin_plugins.rs"));

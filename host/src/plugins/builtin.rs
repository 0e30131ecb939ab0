//! The plugins compiled into the binary by `build.rs`: copying the binary is a
//! complete install.

include!(concat!(env!("OUT_DIR"), "/builtin_plugins.rs"));

/// The component of built-in crate `name` (`counter-theme-basic`).
pub fn component(name: &str) -> Option<&'static [u8]> {
    BUILTIN.iter().find(|(crate_name, _)| *crate_name == name).map(|(_, bytes)| *bytes)
}

//! The test fixture plugins as built components (see `tests/plugins/README.md`).
//! A dev-dependency of the host: unit tests, end-to-end tests and benches
//! find fixtures here.

use std::path::PathBuf;

/// The directory holding every fixture component.
pub const DIR: &str = env!("WAYMARK_TEST_ARTIFACTS");

/// The component of fixture crate `name` (`theme-trap`, or a file stem such
/// as `theme_versioned_v2`).
pub fn path(name: &str) -> PathBuf {
    PathBuf::from(DIR).join(format!("{}.wasm", name.replace('-', "_")))
}

/// [`path`]'s bytes; panics (failing the test) if the fixture is missing.
pub fn bytes(name: &str) -> Vec<u8> {
    let path = path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

//! Compiled plugins kept on disk, so a restart (or a replica, or a plugin
//! loaded again) skips Cranelift: compiling the built-in plugins takes
//! seconds, loading their machine code back takes milliseconds.
//!
//! An entry is named after the SHA-256 of the component's bytes and a
//! hash of the engine's compilation settings (wasmtime version, target,
//! flags), so a changed plugin or a new server build never finds an old
//! entry. wasmtime checks the same compatibility again when loading, and
//! an entry it refuses is compiled afresh and replaced. Entries are
//! written to a temporary name and renamed, so a reader (another server
//! on the same directory) sees a whole file or none. Nothing is ever
//! required of the directory: a failure to read or write it is logged and
//! the plugin is compiled as without a cache.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

pub struct CompiledCache {
    dir: PathBuf,
    /// The engine's compatibility hash, as part of every entry's name.
    engine_key: u64,
}

impl CompiledCache {
    pub fn new(dir: PathBuf, engine: &Engine) -> Self {
        let mut hasher = std::hash::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        Self { dir, engine_key: hasher.finish() }
    }

    fn entry(&self, bytes: &[u8]) -> PathBuf {
        let digest = hex::encode(Sha256::digest(bytes));
        self.dir.join(format!("{digest}-{:016x}.cwasm", self.engine_key))
    }

    /// The component compiled from `bytes`, if an earlier compile stored it.
    pub fn load(&self, engine: &Engine, bytes: &[u8]) -> Option<Component> {
        let path = self.entry(bytes);
        // Read into memory, not mapped: a mapped file that someone truncates
        // or rewrites in place would crash the server on its next call.
        let code = std::fs::read(&path).ok()?;
        // SAFETY: wasmtime requires that these bytes are what
        // `Component::serialize` wrote, with a compatible engine. Only
        // `store` below writes this directory (an operator's own: whoever can
        // write there can replace the server binary too), renaming whole
        // files into place. The name carries the engine's compatibility hash,
        // and wasmtime checks the header against the engine before use.
        match unsafe { Component::deserialize(engine, &code) } {
            Ok(component) => Some(component),
            Err(error) => {
                tracing::warn!(path = %path.display(), error = format!("{error:#}"), "compiled plugin not usable; compiling again");
                None
            }
        }
    }

    /// Keeps `component` (compiled from `bytes`) for the next load.
    pub fn store(&self, bytes: &[u8], component: &Component) {
        if let Err(error) = self.try_store(bytes, component) {
            tracing::warn!(dir = %self.dir.display(), %error, "could not keep a compiled plugin; it is compiled again next start");
        }
    }

    fn try_store(&self, bytes: &[u8], component: &Component) -> Result<(), String> {
        let code = component.serialize().map_err(|e| format!("{e:#}"))?;
        std::fs::create_dir_all(&self.dir).map_err(|e| e.to_string())?;
        let path = self.entry(bytes);
        let temporary = temporary_name(&path);
        std::fs::write(&temporary, code).map_err(|e| e.to_string())?;
        std::fs::rename(&temporary, &path).map_err(|e| {
            let _ = std::fs::remove_file(&temporary);
            e.to_string()
        })
    }
}

/// A name next to `path` that no other writer uses at the same time.
fn temporary_name(path: &Path) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    path.with_extension(format!("{}-{n}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest component there is: the magic number, then the
    /// component encoding's version and layer.
    const EMPTY_COMPONENT: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

    fn engine() -> Engine {
        let mut config = wasmtime::Config::new();
        config.wasm_component_model(true);
        Engine::new(&config).unwrap()
    }

    fn bytes() -> Vec<u8> {
        EMPTY_COMPONENT.to_vec()
    }

    #[test]
    fn a_stored_component_loads_back_and_other_bytes_miss() {
        let dir = tempfile::tempdir().unwrap();
        let engine = engine();
        let cache = CompiledCache::new(dir.path().join("cache"), &engine);
        let bytes = bytes();
        assert!(cache.load(&engine, &bytes).is_none(), "empty at first");
        let component = Component::from_binary(&engine, &bytes).unwrap();
        cache.store(&bytes, &component);
        assert!(cache.load(&engine, &bytes).is_some());
        let mut other = bytes.clone();
        other.push(0);
        assert!(cache.load(&engine, &other).is_none(), "keyed by the bytes");
        let files: Vec<_> = std::fs::read_dir(dir.path().join("cache")).unwrap().collect();
        assert_eq!(files.len(), 1, "no temporary file left: {files:?}");
    }

    #[test]
    fn a_damaged_entry_is_refused_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let engine = engine();
        let cache = CompiledCache::new(dir.path().to_path_buf(), &engine);
        let bytes = bytes();
        std::fs::write(cache.entry(&bytes), b"not machine code").unwrap();
        assert!(cache.load(&engine, &bytes).is_none());
    }

    #[test]
    fn an_unwritable_directory_only_costs_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"").unwrap();
        let engine = engine();
        // A directory below a plain file cannot be created.
        let cache = CompiledCache::new(blocker.join("cache"), &engine);
        let bytes = bytes();
        cache.store(&bytes, &Component::from_binary(&engine, &bytes).unwrap());
        assert!(cache.load(&engine, &bytes).is_none());
    }
}

//! The set of loaded plugins: loading and checking candidates, choosing the
//! active version of each plugin, and answering "which plugin of kind K
//! provides key X?". It knows no kind: each is a [`PluginKind`] from
//! [`kinds::ALL`], and its plugins are `dyn Prepared` that the kind's own
//! facade turns back into its type.
//!
//! A plugin id can have up to three candidates: built into the binary, a file
//! in `plugins_dir`, and an upload stored in the database. The most recent
//! one (build time 0, file mtime, upload time) is active, so a newer file or
//! upload replaces the built-in, and deleting it falls back to the next.
//!
//! Every new candidate is compiled, type-checked against its world and
//! smoke-called before it is installed; a bad one is refused and whatever was
//! active keeps serving. Readers take an `Arc` snapshot, so a call in flight
//! finishes on the version it started with while a swap happens.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use serde::Serialize;

use super::config::PluginsConfig;
use super::error::{CallError, LoadError};
use super::kind::{Candidate, PluginKind, Prepared};
use super::kinds;
use super::manifest::Manifest;
use super::runtime::Runtime;

/// Where a candidate came from. Ordered by precedence on equal timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Builtin,
    Directory,
    Upload,
}

/// A loaded, checked plugin version.
pub struct Loaded {
    pub manifest: Manifest,
    pub source: Source,
    /// File path, `built-in` or `upload`.
    pub origin: String,
    pub sha256: String,
    /// (key, display name) pairs from the plugin's listing (`themes()`, …).
    pub provided: Vec<(String, String)>,
    /// When this version was made (ms): 0 for built-ins, the file's mtime, the
    /// upload time. The newest candidate of an id is the active one.
    pub made_at: i64,
    /// The kind the manifest names.
    pub kind: &'static dyn PluginKind,
    /// The prepared plugin; its kind's facade downcasts it ([`Loaded::plugin`]).
    body: Box<dyn Prepared>,
}

impl Loaded {
    /// The prepared plugin as its kind's own type, if it is of that type.
    pub fn plugin<T: Prepared>(&self) -> Option<&T> {
        self.body.as_any().downcast_ref()
    }

    /// The display name of one provided key.
    pub fn name_of(&self, key: &str) -> Option<&str> {
        self.provided.iter().find(|(k, _)| k == key).map(|(_, name)| name.as_str())
    }
}

/// One row of the admin listing.
#[derive(Debug, Clone, Serialize)]
pub struct PluginStatus {
    pub id: String,
    pub version: String,
    pub kind: &'static str,
    pub api: String,
    pub description: String,
    pub provides: Vec<(String, String)>,
    pub source: Source,
    pub origin: String,
    /// Every source that currently has a version of this plugin.
    pub sources: Vec<Source>,
    pub enabled: bool,
    pub sha256: String,
    pub memory_mib: u32,
    pub timeout_ms: u32,
    /// The manifest's `reads` (analytics enrichers).
    pub reads: Option<Vec<String>>,
    pub calls: u64,
    pub errors: u64,
    pub consecutive_errors: u64,
    pub last_error: Option<String>,
}

/// A candidate that failed to load, kept for the admin listing.
#[derive(Debug, Clone, Serialize)]
pub struct LoadFailure {
    pub origin: String,
    pub error: String,
    pub at_ms: i64,
}

#[derive(Default)]
struct State {
    candidates: BTreeMap<String, BTreeMap<Source, Arc<Loaded>>>,
    disabled: BTreeSet<String>,
    failures: BTreeMap<String, LoadFailure>,
}

/// What readers see: per kind name, provided key → the active, enabled
/// plugin providing it.
#[derive(Default)]
struct Snapshot {
    by_kind: HashMap<&'static str, HashMap<String, Arc<Loaded>>>,
}

pub struct Registry {
    runtime: Arc<Runtime>,
    config: PluginsConfig,
    state: Mutex<State>,
    snapshot: ArcSwap<Snapshot>,
    /// Bumped on every change of what serves, so caches of plugin output can
    /// tell stale entries apart.
    generation: std::sync::atomic::AtomicU64,
}

impl Registry {
    /// A registry compiling with `config.cache_dir` as its cache of
    /// compiled plugins (none if unset).
    pub fn new(config: PluginsConfig) -> Result<Self, LoadError> {
        Ok(Self {
            runtime: Arc::new(Runtime::new(config.cache_dir.clone())?),
            config,
            state: Mutex::new(State::default()),
            snapshot: ArcSwap::from_pointee(Snapshot::default()),
            generation: std::sync::atomic::AtomicU64::new(0),
        })
    }

    pub fn config(&self) -> &PluginsConfig {
        &self.config
    }

    /// Compiles, type-checks and smoke-tests a component. Compiling is
    /// CPU-heavy (tens of milliseconds), so it runs on the blocking pool.
    pub async fn prepare(
        &self,
        bytes: Vec<u8>,
        source: Source,
        origin: &str,
        made_at: i64,
    ) -> Result<Loaded, LoadError> {
        let manifest = Manifest::from_component(&bytes)?;
        let runtime = self.runtime.clone();
        let (component, bytes) = tokio::task::spawn_blocking(move || (runtime.compile(&bytes), bytes))
            .await
            .map_err(|e| LoadError::Storage(format!("plugin compiler crashed: {e}")))?;
        let component = component?;
        let kind = kinds::find(&manifest.kind)
            .ok_or_else(|| LoadError::Manifest(format!("unknown kind `{}`", manifest.kind)))?;
        let candidate = Candidate {
            runtime: &self.runtime,
            id: &manifest.id,
            component: &component,
            api: &manifest.api,
            limits: self.config.grant(&manifest.limits),
            settings: self.config.pool(),
        };
        let body = kind.prepare(&candidate)?;
        let provided = smoke_test(&manifest, kind, body.as_ref()).await?;
        // Warm before it is published: the first requests after a swap
        // find ready instances instead of paying for them under load.
        body.warm().await;
        Ok(Loaded {
            sha256: sha256_hex(&bytes),
            manifest,
            source,
            origin: origin.to_string(),
            provided,
            made_at,
            kind,
            body,
        })
    }

    /// Makes a prepared candidate available; it becomes active if it is the
    /// newest of its id.
    pub fn install(&self, loaded: Loaded) -> Arc<Loaded> {
        let loaded = Arc::new(loaded);
        let mut state = self.lock();
        state.failures.remove(&loaded.origin);
        state.candidates.entry(loaded.manifest.id.clone()).or_default().insert(loaded.source, loaded.clone());
        self.publish(&state);
        tracing::info!(
            id = %loaded.manifest.id,
            version = %loaded.manifest.version,
            source = ?loaded.source,
            "plugin installed"
        );
        loaded
    }

    /// Records a candidate that failed to load (shown in the admin listing).
    pub fn record_failure(&self, origin: &str, error: &LoadError) {
        tracing::warn!(origin, %error, "plugin refused");
        let failure =
            LoadFailure { origin: origin.to_string(), error: error.to_string(), at_ms: crate::store::now_ms() };
        self.lock().failures.insert(origin.to_string(), failure);
    }

    pub fn clear_failure(&self, origin: &str) {
        self.lock().failures.remove(origin);
    }

    /// Removes one source's candidate of `id`; returns whether it existed.
    pub fn remove(&self, id: &str, source: Source) -> bool {
        let mut state = self.lock();
        let removed = state.candidates.get_mut(id).and_then(|c| c.remove(&source)).is_some();
        if state.candidates.get(id).is_some_and(BTreeMap::is_empty) {
            state.candidates.remove(id);
        }
        if removed {
            self.publish(&state);
            tracing::info!(id, ?source, "plugin removed");
        }
        removed
    }

    /// The candidate of `id` from `source`, if any.
    pub fn candidate(&self, id: &str, source: Source) -> Option<Arc<Loaded>> {
        self.lock().candidates.get(id).and_then(|c| c.get(&source)).cloned()
    }

    pub fn set_enabled(&self, id: &str, enabled: bool) {
        let mut state = self.lock();
        let changed = if enabled { state.disabled.remove(id) } else { state.disabled.insert(id.to_string()) };
        if changed {
            self.publish(&state);
        }
    }

    /// Replaces the whole disabled set (from the shared database).
    pub fn set_disabled(&self, disabled: BTreeSet<String>) {
        let mut state = self.lock();
        if state.disabled != disabled {
            state.disabled = disabled;
            self.publish(&state);
        }
    }

    pub fn exists(&self, id: &str) -> bool {
        self.lock().candidates.contains_key(id)
    }

    /// The enabled plugin of `kind` that provides `key`.
    pub fn provider(&self, kind: &str, key: &str) -> Option<Arc<Loaded>> {
        self.snapshot.load().by_kind.get(kind).and_then(|index| index.get(key)).cloned()
    }

    /// Every key of `kind` with the enabled plugin providing it, by key.
    pub fn providers(&self, kind: &str) -> Vec<(String, Arc<Loaded>)> {
        let snapshot = self.snapshot.load();
        let mut all: Vec<_> = snapshot
            .by_kind
            .get(kind)
            .map(|index| index.iter().map(|(key, loaded)| (key.clone(), loaded.clone())).collect())
            .unwrap_or_default();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    /// The admin listing: every plugin id with its active version.
    pub fn statuses(&self) -> (Vec<PluginStatus>, Vec<LoadFailure>) {
        let state = self.lock();
        let statuses = state
            .candidates
            .iter()
            .filter_map(|(id, candidates)| {
                let active = newest(candidates)?;
                let stats = active.body.stats();
                let limits = active.body.limits();
                Some(PluginStatus {
                    id: id.clone(),
                    version: active.manifest.version.clone(),
                    kind: active.kind.name(),
                    api: active.manifest.api.clone(),
                    description: active.manifest.description.clone(),
                    provides: active.provided.clone(),
                    source: active.source,
                    origin: active.origin.clone(),
                    sources: candidates.keys().copied().collect(),
                    enabled: !state.disabled.contains(id),
                    sha256: active.sha256.clone(),
                    reads: active.manifest.reads.clone(),
                    memory_mib: (limits.memory_bytes / (1024 * 1024)) as u32,
                    timeout_ms: limits.timeout.as_millis() as u32,
                    calls: stats.calls.load(std::sync::atomic::Ordering::Relaxed),
                    errors: stats.errors.load(std::sync::atomic::Ordering::Relaxed),
                    consecutive_errors: stats.consecutive_errors.load(std::sync::atomic::Ordering::Relaxed),
                    last_error: stats.last_error.lock().ok().and_then(|e| e.clone()),
                })
            })
            .collect();
        (statuses, state.failures.values().cloned().collect())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves the state consistent (every
        // mutation is a single insert/remove), so poisoning is not fatal.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Rebuilds the readers' index from the state.
    fn publish(&self, state: &State) {
        let mut by_kind: HashMap<&'static str, HashMap<String, Arc<Loaded>>> = HashMap::new();
        for (id, candidates) in &state.candidates {
            if state.disabled.contains(id) {
                continue;
            }
            let Some(active) = newest(candidates) else { continue };
            let index = by_kind.entry(active.kind.name()).or_default();
            for (key, _) in &active.provided {
                let replace = index.get(key).is_none_or(|other| rank(active) > rank(other));
                if replace {
                    index.insert(key.clone(), active.clone());
                }
            }
        }
        self.snapshot.store(Arc::new(Snapshot { by_kind }));
        self.generation.fetch_add(1, std::sync::atomic::Ordering::Release);
    }

    /// Changes whenever the set of serving plugins changes.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }
}

/// Newest first; on a tie, uploads beat files beat built-ins.
fn rank(loaded: &Loaded) -> (i64, Source) {
    (loaded.made_at, loaded.source)
}

fn newest(candidates: &BTreeMap<Source, Arc<Loaded>>) -> Option<&Arc<Loaded>> {
    candidates.values().max_by_key(|loaded| rank(loaded))
}

/// Calls the plugin's listing (`describe` in WIT; `themes()`, `styles()`, …
/// in the SDK, and so in every message), which must match the manifest's
/// `provides`, then the kind's own smoke test of each provided key.
async fn smoke_test(
    manifest: &Manifest,
    kind: &dyn PluginKind,
    body: &dyn Prepared,
) -> Result<Vec<(String, String)>, LoadError> {
    let listing = kind.listing();
    let provided = body.describe().await.map_err(|e| LoadError::SmokeTest(format!("{listing}: {e}")))?;
    let described: BTreeSet<&str> = provided.iter().map(|(k, _)| k.as_str()).collect();
    let declared: BTreeSet<&str> = manifest.provides.iter().map(String::as_str).collect();
    if described != declared {
        return Err(LoadError::SmokeTest(format!(
            "{listing} lists {described:?} but the manifest provides {declared:?}"
        )));
    }
    body.smoke_test(&manifest.id, &provided).await.map_err(|e: CallError| LoadError::SmokeTest(e.to_string()))?;
    Ok(provided)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

//! A loaded plugin and its pool of warm instances.
//!
//! Instantiating per call costs ~7x a call on a warm instance, so each plugin
//! keeps a few instances ready. Every call re-arms the instance's deadline.
//! An instance that trapped is thrown away (its state is suspect); a healthy
//! one is recycled after `recycle_after_calls` calls or once its memory has
//! grown past half the cap, because a store frees nothing until dropped.
//!
//! A new version is warmed before it is published ([`Pooled::warm`]): its
//! pool is filled and each instance has made its first call, so a hot swap
//! under load does not make the first requests pay for fresh instances.
//! Instantiating, which includes the instance's `describe` call (where a
//! plugin does its one-time setup), has its own limit
//! ([`INSTANTIATE_LIMIT`]); a call's time limit covers the guest call only.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use wasmtime::component::{Component, InstancePre, Linker};
use wasmtime::{Store, Trap};

use super::error::{CallError, LoadError};
use super::runtime::{Limits, Runtime, Sandbox};

/// A call into a plugin in progress.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = wasmtime::Result<T>> + Send + 'a>>;

/// How long past its epoch deadline a call may stay pending (waiting on a
/// host future rather than running wasm) before it is abandoned.
const GRACE: Duration = Duration::from_millis(20);

/// How long making a fresh instance may take. Instantiating runs no plugin
/// code that depends on a request, but on a loaded machine it can take longer
/// than a call's limit; it must not count against the call that needed it.
pub const INSTANTIATE_LIMIT: Duration = Duration::from_secs(2);

/// One of the four plugin worlds, as seen by the pool.
pub trait World: Sized + Send + 'static {
    const NAME: &'static str;
    type Pre: Clone + Send + Sync + 'static;

    fn add_to_linker(linker: &mut Linker<Sandbox>) -> wasmtime::Result<()>;
    fn pre(instance_pre: InstancePre<Sandbox>) -> wasmtime::Result<Self::Pre>;
    fn instantiate<'a>(pre: &'a Self::Pre, store: &'a mut Store<Sandbox>) -> BoxFuture<'a, Self>;
    /// The plugin's `describe` export: (key, display name) pairs.
    fn describe<'a>(&'a self, store: &'a mut Store<Sandbox>) -> BoxFuture<'a, Vec<(String, String)>>;
}

/// How many idle instances a plugin keeps, and when they are replaced.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    pub max_idle: usize,
    pub recycle_after_calls: u32,
}

struct Warm<W> {
    store: Store<Sandbox>,
    bindings: W,
    calls: u32,
}

/// Call and failure counts, shown in the admin listing.
#[derive(Default)]
pub struct Stats {
    pub calls: AtomicU64,
    pub errors: AtomicU64,
    /// Failures since the last success: a plugin that keeps failing stands out.
    pub consecutive_errors: AtomicU64,
    pub last_error: Mutex<Option<String>>,
}

impl Stats {
    fn record(&self, result: Result<(), &CallError>) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        match result {
            Ok(()) => self.consecutive_errors.store(0, Ordering::Relaxed),
            Err(error) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                self.consecutive_errors.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut last) = self.last_error.lock() {
                    *last = Some(error.to_string());
                }
            }
        }
    }
}

pub struct Pooled<W: World> {
    id: Arc<str>,
    runtime: Arc<Runtime>,
    pre: W::Pre,
    limits: Limits,
    settings: PoolSettings,
    idle: Mutex<Vec<Warm<W>>>,
    pub stats: Stats,
}

impl<W: World> Pooled<W> {
    /// Type-checks the component against the world and prepares it for fast
    /// instantiation. Nothing runs yet.
    pub fn prepare(
        runtime: &Arc<Runtime>,
        id: &str,
        component: &Component,
        api: &str,
        limits: Limits,
        settings: PoolSettings,
    ) -> Result<Self, LoadError> {
        let wrong_world = |e: wasmtime::Error| LoadError::WrongWorld {
            world: W::NAME,
            api: api.to_string(),
            detail: format!("{e:#}"),
        };
        let mut linker = runtime.linker()?;
        W::add_to_linker(&mut linker).map_err(|e| LoadError::Storage(format!("linking host: {e}")))?;
        let instance_pre = linker.instantiate_pre(component).map_err(wrong_world)?;
        let pre = W::pre(instance_pre).map_err(wrong_world)?;
        Ok(Self {
            id: Arc::from(id),
            runtime: runtime.clone(),
            pre,
            limits,
            settings,
            idle: Mutex::new(Vec::new()),
            stats: Stats::default(),
        })
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Runs `f` on a warm instance, within the plugin's time and memory limits.
    pub async fn call<R, F>(&self, f: F) -> Result<R, CallError>
    where
        F: for<'a> FnOnce(&'a W, &'a mut Store<Sandbox>) -> BoxFuture<'a, R>,
    {
        let result = self.call_inner(f).await;
        self.stats.record(result.as_ref().map(|_| ()));
        result
    }

    /// Like [`Pooled::call`], but not counted in the stats: for the warm-up
    /// calls a kind's smoke test makes besides its listing.
    pub async fn call_unrecorded<R, F>(&self, f: F) -> Result<R, CallError>
    where
        F: for<'a> FnOnce(&'a W, &'a mut Store<Sandbox>) -> BoxFuture<'a, R>,
    {
        self.call_inner(f).await
    }

    /// Records the outcome of output validation done by the caller, so a
    /// plugin returning garbage shows up in its error counts.
    pub fn record_invalid(&self, error: &CallError) {
        self.stats.errors.fetch_add(1, Ordering::Relaxed);
        self.stats.consecutive_errors.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut last) = self.stats.last_error.lock() {
            *last = Some(error.to_string());
        }
    }

    async fn call_inner<R, F>(&self, f: F) -> Result<R, CallError>
    where
        F: for<'a> FnOnce(&'a W, &'a mut Store<Sandbox>) -> BoxFuture<'a, R>,
    {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let mut warm = match idle {
            Some(warm) => warm,
            None => self.instantiate().await?,
        };
        // Armed only now: the deadline covers the guest call, not the
        // instantiation that may have preceded it.
        warm.store.set_epoch_deadline(self.limits.deadline_ticks());
        let outcome = tokio::time::timeout(self.limits.timeout + GRACE, f(&warm.bindings, &mut warm.store)).await;
        match outcome {
            Ok(Ok(value)) => {
                warm.calls += 1;
                self.give_back(warm);
                Ok(value)
            }
            // The instance is dropped: after a trap its state is suspect.
            Ok(Err(error)) => Err(self.classify(error, &warm.store)),
            // Pending on a host future past its deadline: abandon it.
            Err(_elapsed) => Err(CallError::Timeout(self.id.to_string())),
        }
    }

    async fn instantiate(&self) -> Result<Warm<W>, CallError> {
        tracing::debug!(plugin = %self.id, "new instance");
        let mut store = self.runtime.store(self.id.clone(), self.limits);
        let limit = INSTANTIATE_LIMIT.max(self.limits.timeout);
        store.set_epoch_deadline(Limits { timeout: limit, ..self.limits }.deadline_ticks());
        // `describe` is each instance's first call and part of making it:
        // a plugin does its one-time setup there (compiling patterns,
        // building tables), so no request's call pays for it.
        let made = async {
            let bindings = W::instantiate(&self.pre, &mut store).await?;
            bindings.describe(&mut store).await?;
            Ok::<_, wasmtime::Error>(bindings)
        };
        let outcome = tokio::time::timeout(limit + GRACE, made).await;
        match outcome {
            Ok(Ok(bindings)) => Ok(Warm { store, bindings, calls: 0 }),
            Ok(Err(error)) => Err(self.classify(error, &store)),
            Err(_elapsed) => Err(CallError::Timeout(self.id.to_string())),
        }
    }

    /// The plugin's `describe` export: (key, display name) pairs.
    pub async fn describe(&self) -> Result<Vec<(String, String)>, CallError> {
        self.call(|bindings, store| bindings.describe(store)).await
    }

    /// Fills the idle pool with fresh instances (each has made its setup
    /// call, `describe`, not counted in the stats), so the first requests
    /// after a swap find warm instances. A failure here only means fewer
    /// warm instances: the smoke test already judged the plugin.
    pub async fn warm(&self) {
        let wanted = self.settings.max_idle.saturating_sub(self.idle.lock().map_or(0, |idle| idle.len()));
        let mut ready = Vec::with_capacity(wanted);
        for _ in 0..wanted {
            let Ok(warm) = self.instantiate().await else { break };
            ready.push(warm);
        }
        for warm in ready {
            self.give_back(warm);
        }
    }

    fn give_back(&self, warm: Warm<W>) {
        let worn = warm.calls >= self.settings.recycle_after_calls
            || warm.store.data().memory.used > self.limits.memory_bytes / 2;
        if worn {
            return;
        }
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < self.settings.max_idle
        {
            idle.push(warm);
        }
    }

    fn classify(&self, error: wasmtime::Error, store: &Store<Sandbox>) -> CallError {
        let plugin = self.id.to_string();
        if store.data().memory.refused {
            return CallError::OutOfMemory(plugin);
        }
        if let Some(Trap::Interrupt) = error.downcast_ref::<Trap>() {
            return CallError::Timeout(plugin);
        }
        CallError::Trap { plugin, detail: root_cause(&error) }
    }
}

/// The innermost message of a wasmtime error, without the backtrace noise.
fn root_cause(error: &wasmtime::Error) -> String {
    let text = format!("{error}");
    text.lines().next().unwrap_or("trap").chars().take(300).collect()
}

//! The one place that knows wasmtime: the engine, its epoch ticker, and the
//! sandbox every plugin instance runs in.
//!
//! A sandbox grants nothing: plugins built for `wasm32-wasip2` import WASI
//! interfaces even when unused, so WASI is linked, but with no files, no
//! environment, no sockets, no name lookup, clocks stuck at zero and
//! "randomness" that is a fixed byte pattern. The only real capability is the
//! `host` interface of the WIT (logging).

use std::sync::Arc;
use std::time::Duration;

use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, ResourceLimiter, Store};
use wasmtime_wasi::{HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use super::compiled_cache::CompiledCache;
use super::error::LoadError;

/// How often the engine's epoch advances. A call's time limit is counted in
/// these ticks, so it is also the precision of that limit.
pub const EPOCH_TICK: Duration = Duration::from_millis(5);

pub struct Runtime {
    engine: Engine,
    /// Where compiled plugins are kept between starts (none: compile every
    /// time).
    compiled: Option<CompiledCache>,
}

impl Runtime {
    /// An engine; compiled plugins are kept in `cache_dir` if given.
    pub fn new(cache_dir: Option<std::path::PathBuf>) -> Result<Self, LoadError> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        // Calls are async (see `pool`): WASI's host side awaits instead of
        // blocking a Tokio worker, and a stuck call can be abandoned.
        // Time limits: a ticker advances the epoch; each store gets a deadline.
        config.epoch_interruption(true);
        // Plugins are untrusted: no threads, no shared memory. wasmtime is
        // built without its `threads` feature, so a module using them fails
        // to compile rather than relying on a switch here.
        let engine = Engine::new(&config).map_err(|e| LoadError::Storage(format!("wasmtime engine: {e}")))?;
        let ticker = engine.weak();
        std::thread::Builder::new()
            .name("plugin-epoch".into())
            .spawn(move || {
                while let Some(engine) = ticker.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    std::thread::sleep(EPOCH_TICK);
                }
            })
            .map_err(|e| LoadError::Storage(format!("epoch ticker: {e}")))?;
        let compiled = cache_dir.map(|dir| CompiledCache::new(dir, &engine));
        Ok(Self { engine, compiled })
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Compiles a component (the expensive step: tens of milliseconds to
    /// seconds), or loads what an earlier compile of the same bytes kept.
    pub fn compile(&self, bytes: &[u8]) -> Result<Component, LoadError> {
        if let Some(component) = self.compiled.as_ref().and_then(|cache| cache.load(&self.engine, bytes)) {
            return Ok(component);
        }
        let component =
            Component::from_binary(&self.engine, bytes).map_err(|e| LoadError::NotAComponent(format!("{e:#}")))?;
        if let Some(cache) = &self.compiled {
            cache.store(bytes, &component);
        }
        Ok(component)
    }

    /// A linker with the empty WASI context every plugin may import.
    pub fn linker(&self) -> Result<Linker<Sandbox>, LoadError> {
        let mut linker = Linker::new(&self.engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .map_err(|e| LoadError::Storage(format!("linking WASI: {e}")))?;
        Ok(linker)
    }

    /// A fresh store for one instance of a plugin.
    pub fn store(&self, plugin: Arc<str>, limits: Limits) -> Store<Sandbox> {
        let mut store = Store::new(
            &self.engine,
            Sandbox {
                plugin,
                wasi: empty_wasi(),
                table: ResourceTable::new(),
                memory: MemoryLimiter { cap: limits.memory_bytes, used: 0, refused: false },
                logs_left: LOG_LINES_PER_INSTANCE,
            },
        );
        store.limiter(|sandbox| &mut sandbox.memory);
        store
    }
}

/// Per-plugin limits, after the operator's caps were applied to what the
/// manifest asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub memory_bytes: usize,
    pub timeout: Duration,
}

impl Limits {
    /// The epoch deadline for one call (at least one tick).
    pub fn deadline_ticks(&self) -> u64 {
        (self.timeout.as_millis() / EPOCH_TICK.as_millis()).max(1) as u64
    }
}

/// A plugin may log this many lines per instance; more are dropped so a
/// chatty plugin cannot flood the server's log.
const LOG_LINES_PER_INSTANCE: u32 = 100;

/// What a plugin instance's store holds.
pub struct Sandbox {
    pub plugin: Arc<str>,
    wasi: WasiCtx,
    table: ResourceTable,
    pub memory: MemoryLimiter,
    logs_left: u32,
}

impl Sandbox {
    /// The `host.log` import: tagged with the plugin id, truncated, limited.
    pub fn log(&mut self, level: tracing::Level, message: &str) {
        if self.logs_left == 0 {
            return;
        }
        self.logs_left -= 1;
        let message: String = message.chars().take(500).collect();
        let plugin = &*self.plugin;
        match level {
            tracing::Level::ERROR => tracing::error!(plugin, "{message}"),
            tracing::Level::WARN => tracing::warn!(plugin, "{message}"),
            tracing::Level::INFO => tracing::info!(plugin, "{message}"),
            tracing::Level::DEBUG => tracing::debug!(plugin, "{message}"),
            tracing::Level::TRACE => tracing::trace!(plugin, "{message}"),
        }
    }
}

impl WasiView for Sandbox {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

/// Caps linear memory and remembers whether it had to refuse, so that the
/// trap that follows is reported as "out of memory" rather than a crash.
pub struct MemoryLimiter {
    cap: usize,
    /// Bytes of linear memory in use, as last grown.
    pub used: usize,
    pub refused: bool,
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.cap {
            self.refused = true;
            return Ok(false);
        }
        self.used = desired;
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

fn empty_wasi() -> WasiCtx {
    WasiCtxBuilder::new()
        .allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false)
        .wall_clock(FrozenClock)
        .monotonic_clock(FrozenClock)
        .secure_random(wasmtime_wasi::Deterministic::new(vec![0x5a; 32]))
        .insecure_random(wasmtime_wasi::Deterministic::new(vec![0xa5; 32]))
        .insecure_random_seed(0)
        .build()
}

/// Time does not pass inside a plugin: output must depend only on input.
struct FrozenClock;

impl HostWallClock for FrozenClock {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }

    fn now(&self) -> Duration {
        Duration::ZERO
    }
}

impl HostMonotonicClock for FrozenClock {
    fn resolution(&self) -> u64 {
        1_000_000_000
    }

    fn now(&self) -> u64 {
        0
    }
}

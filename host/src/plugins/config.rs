//! Operator settings for plugins: where they come from and what they may use.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::manifest::RequestedLimits;
use super::pool::PoolSettings;
use super::runtime::Limits;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginsConfig {
    /// Load the plugins built into the binary.
    pub builtin: bool,
    /// Directory watched for `*.wasm` plugins; unset: `<data_dir>/plugins`.
    /// Dropping, replacing or deleting a file takes effect within
    /// `watch_interval_ms` (write to a temporary name and rename, so the
    /// watcher never sees half a file).
    pub dir: Option<PathBuf>,
    pub watch_interval_ms: u64,
    /// Directory where compiled plugins (machine code) are kept, so a
    /// restart skips compiling them; unset: `<data_dir>/plugin-cache`.
    /// Entries are named by the plugin's digest and the server build, and
    /// may be deleted at any time.
    pub cache_dir: Option<PathBuf>,
    /// How often a replica looks for plugins uploaded or switched on/off by
    /// another replica sharing the database.
    pub sync_interval_ms: u64,
    /// The most linear memory a plugin instance may use; also what a plugin
    /// gets when its manifest asks for nothing.
    pub max_memory_mib: u32,
    /// The longest a single plugin call may run; also the default.
    pub max_call_ms: u32,
    /// Warm instances kept per plugin (roughly: concurrent calls served
    /// without instantiating).
    pub pool_max_idle: usize,
    /// Calls after which an instance is replaced by a fresh one.
    pub recycle_after_calls: u32,
    /// Largest plugin accepted by the upload API.
    pub max_upload_bytes: usize,
}

impl Default for PluginsConfig {
    fn default() -> Self {
        Self {
            builtin: true,
            dir: None,
            watch_interval_ms: 1000,
            cache_dir: None,
            sync_interval_ms: 2000,
            max_memory_mib: 16,
            max_call_ms: 50,
            pool_max_idle: 8,
            recycle_after_calls: 10_000,
            max_upload_bytes: 16 * 1024 * 1024,
        }
    }
}

impl PluginsConfig {
    /// What a plugin gets: what it asked for, capped by the operator.
    pub fn grant(&self, asked: &RequestedLimits) -> Limits {
        let memory_mib = asked.memory_mib.unwrap_or(self.max_memory_mib).min(self.max_memory_mib).max(1);
        let call_ms = asked.timeout_ms.unwrap_or(self.max_call_ms).min(self.max_call_ms).max(1);
        Limits { memory_bytes: memory_mib as usize * 1024 * 1024, timeout: Duration::from_millis(call_ms as u64) }
    }

    pub fn pool(&self) -> PoolSettings {
        PoolSettings { max_idle: self.pool_max_idle, recycle_after_calls: self.recycle_after_calls.max(1) }
    }

    pub(crate) fn validate(&self) -> Result<(), (&'static str, String)> {
        if self.max_memory_mib == 0 || self.max_memory_mib > 4096 {
            return Err(("plugins.max_memory_mib", "must be between 1 and 4096".into()));
        }
        if self.max_call_ms == 0 || self.max_call_ms > 60_000 {
            return Err(("plugins.max_call_ms", "must be between 1 and 60000".into()));
        }
        if self.watch_interval_ms == 0 || self.sync_interval_ms == 0 {
            return Err(("plugins.watch_interval_ms", "intervals must be greater than 0".into()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_can_ask_for_less_never_more() {
        let config = PluginsConfig::default();
        let less = config.grant(&RequestedLimits { memory_mib: Some(4), timeout_ms: Some(10) });
        assert_eq!(less.memory_bytes, 4 << 20);
        assert_eq!(less.timeout, Duration::from_millis(10));
        let more = config.grant(&RequestedLimits { memory_mib: Some(1024), timeout_ms: Some(10_000) });
        assert_eq!(more.memory_bytes, 16 << 20);
        assert_eq!(more.timeout, Duration::from_millis(50));
    }
}

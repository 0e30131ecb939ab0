//! Where plugins come from and how operators change them: the built-ins, the
//! watched `plugins_dir`, uploads stored in the database (shared by every
//! replica), and the admin actions (upload, enable, disable, reload, delete).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use super::builtin::BUILTIN;
use super::error::LoadError;
use super::registry::{Loaded, Registry, Source};
use super::store;
use crate::store::{Db, now_ms};

pub struct Plugins {
    registry: Arc<Registry>,
    db: Db,
    dir: PathBuf,
    /// Built-in component bytes by plugin id, for reloads.
    builtin: HashMap<String, &'static [u8]>,
    /// What the watcher last saw in `dir`.
    seen_files: Mutex<HashMap<PathBuf, SeenFile>>,
}

/// A file in `plugins_dir` as last seen: changed mtime or size means reload.
struct SeenFile {
    modified: SystemTime,
    len: u64,
    /// The plugin id it installed, if it loaded.
    id: Option<String>,
}

impl Plugins {
    /// Loads built-ins, then stored uploads, then the directory. A plugin that
    /// fails to load is reported and skipped; the server starts regardless.
    pub async fn start(registry: Registry, db: Db, dir: PathBuf) -> Arc<Self> {
        let load_builtin = registry.config().builtin;
        let mut plugins = Self {
            registry: Arc::new(registry),
            db,
            dir,
            builtin: HashMap::new(),
            seen_files: Mutex::new(HashMap::new()),
        };
        if load_builtin {
            for (name, bytes) in BUILTIN {
                let origin = format!("built-in:{name}");
                match plugins.prepare(bytes.to_vec(), Source::Builtin, &origin, 0).await {
                    Ok(loaded) => {
                        plugins.builtin.insert(loaded.manifest.id.clone(), bytes);
                        plugins.registry.install(loaded);
                    }
                    Err(error) => plugins.registry.record_failure(&origin, &error),
                }
            }
        }
        let plugins = Arc::new(plugins);
        plugins.sync_from_db().await;
        plugins.scan_dir().await;
        plugins
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Keeps the directory and the shared database in view until the server
    /// stops.
    pub fn spawn_watchers(self: &Arc<Self>) -> Vec<tokio::task::JoinHandle<()>> {
        let config = self.registry.config();
        let (watch, sync) =
            (Duration::from_millis(config.watch_interval_ms), Duration::from_millis(config.sync_interval_ms));
        let dir_watcher = {
            let plugins = self.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(watch);
                loop {
                    tick.tick().await;
                    plugins.scan_dir().await;
                }
            })
        };
        let db_watcher = {
            let plugins = self.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(sync);
                loop {
                    tick.tick().await;
                    plugins.sync_from_db().await;
                }
            })
        };
        vec![dir_watcher, db_watcher]
    }

    /// Checks and stores an uploaded plugin, then activates it here; other
    /// replicas pick it up from the database within `sync_interval_ms`.
    pub async fn upload(&self, bytes: Vec<u8>) -> Result<Arc<Loaded>, LoadError> {
        let uploaded_at = now_ms();
        let loaded = self.prepare(bytes.clone(), Source::Upload, "upload", uploaded_at).await?;
        let upload =
            store::Upload { version: &loaded.manifest.version, sha256: &loaded.sha256, component: bytes, uploaded_at };
        store::save_upload(&self.db, &loaded.manifest.id, upload).await.map_err(storage)?;
        Ok(self.registry.install(loaded))
    }

    pub async fn set_enabled(&self, id: &str, enabled: bool) -> Result<(), LoadError> {
        if !self.registry.exists(id) {
            return Err(LoadError::NotFound(id.to_string()));
        }
        store::set_enabled(&self.db, id, enabled, now_ms()).await.map_err(storage)?;
        self.registry.set_enabled(id, enabled);
        Ok(())
    }

    /// Loads every source of `id` afresh (new instances, counters reset).
    pub async fn reload(&self, id: &str) -> Result<(), LoadError> {
        if !self.registry.exists(id) {
            return Err(LoadError::NotFound(id.to_string()));
        }
        if let Some(bytes) = self.builtin.get(id) {
            let origin = self.registry.candidate(id, Source::Builtin).map(|l| l.origin.clone()).unwrap_or_default();
            let loaded = self.prepare(bytes.to_vec(), Source::Builtin, &origin, 0).await?;
            self.registry.install(loaded);
        }
        if let Some(file) = self.registry.candidate(id, Source::Directory) {
            let path = PathBuf::from(&file.origin);
            let bytes =
                tokio::fs::read(&path).await.map_err(|e| LoadError::Storage(format!("{}: {e}", path.display())))?;
            let loaded = self.prepare(bytes, Source::Directory, &file.origin, file.made_at).await?;
            self.registry.install(loaded);
        }
        if self.registry.candidate(id, Source::Upload).is_some() {
            self.registry.remove(id, Source::Upload);
            self.sync_from_db().await;
        }
        Ok(())
    }

    /// Deletes an uploaded plugin everywhere. Built-ins can only be disabled;
    /// directory plugins are removed by deleting their file.
    pub async fn delete(&self, id: &str) -> Result<(), LoadError> {
        if self.registry.candidate(id, Source::Upload).is_none() {
            return Err(match (self.registry.candidate(id, Source::Directory), self.builtin.contains_key(id)) {
                (Some(file), _) => LoadError::NotDeletable(format!(
                    "{id} was not uploaded; delete {} from the plugins directory instead",
                    file.origin
                )),
                (None, true) => LoadError::NotDeletable(format!("{id} is built in: disable it instead")),
                (None, false) => LoadError::NotFound(id.to_string()),
            });
        }
        store::delete_upload(&self.db, id).await.map_err(storage)?;
        self.registry.remove(id, Source::Upload);
        Ok(())
    }

    async fn prepare(&self, bytes: Vec<u8>, source: Source, origin: &str, made_at: i64) -> Result<Loaded, LoadError> {
        self.registry.prepare(bytes, source, origin, made_at).await
    }

    /// Brings uploads and enabled flags in line with the shared database.
    async fn sync_from_db(&self) {
        if let Err(error) = self.try_sync_from_db().await {
            tracing::warn!(%error, "plugin sync with the database failed; will retry");
        }
    }

    async fn try_sync_from_db(&self) -> Result<(), sqlx::Error> {
        let mut stored = BTreeSet::new();
        for store::UploadStamp { id, sha256, uploaded_at } in store::upload_stamps(&self.db).await? {
            stored.insert(id.clone());
            let current = self.registry.candidate(&id, Source::Upload);
            if current.is_some_and(|c| c.sha256 == sha256 && c.made_at == uploaded_at) {
                continue;
            }
            let bytes = store::upload_component(&self.db, &id).await?;
            let origin = format!("upload:{id}");
            match self.prepare(bytes, Source::Upload, "upload", uploaded_at).await {
                Ok(loaded) => {
                    self.registry.clear_failure(&origin);
                    self.registry.install(loaded);
                }
                Err(error) => self.registry.record_failure(&origin, &error),
            }
        }
        let (statuses, _) = self.registry.statuses();
        for status in statuses {
            if status.sources.contains(&Source::Upload) && !stored.contains(&status.id) {
                self.registry.remove(&status.id, Source::Upload);
            }
        }
        self.registry.set_disabled(store::disabled_ids(&self.db).await?.into_iter().collect());
        Ok(())
    }

    /// Loads new or changed `*.wasm` files and unloads deleted ones.
    async fn scan_dir(&self) {
        let mut present: HashMap<PathBuf, (SystemTime, u64)> = HashMap::new();
        if let Ok(mut entries) = tokio::fs::read_dir(&self.dir).await {
            while let Ok(Some(entry)) = entries.next_entry().await {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "wasm")
                    && let Ok(meta) = entry.metadata().await
                    && meta.is_file()
                {
                    present.insert(path, (meta.modified().unwrap_or(SystemTime::UNIX_EPOCH), meta.len()));
                }
            }
        }
        let (changed, gone) = {
            let seen = self.seen_files.lock().unwrap_or_else(|p| p.into_inner());
            let changed: Vec<(PathBuf, SystemTime, u64)> = present
                .iter()
                .filter(|(path, (mtime, len))| seen.get(*path).is_none_or(|f| f.modified != *mtime || f.len != *len))
                .map(|(path, (mtime, len))| (path.clone(), *mtime, *len))
                .collect();
            let gone: Vec<(PathBuf, Option<String>)> = seen
                .iter()
                .filter(|(path, _)| !present.contains_key(*path))
                .map(|(path, file)| (path.clone(), file.id.clone()))
                .collect();
            (changed, gone)
        };
        for (path, id) in gone {
            if let Some(id) = id {
                self.registry.remove(&id, Source::Directory);
            }
            self.registry.clear_failure(&path.display().to_string());
            self.seen_files.lock().unwrap_or_else(|p| p.into_inner()).remove(&path);
        }
        for (path, mtime, len) in changed {
            let id = self.load_file(&path, mtime).await;
            self.seen_files
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(path, SeenFile { modified: mtime, len, id });
        }
    }

    /// Loads one directory file; returns the plugin id it installed.
    async fn load_file(&self, path: &Path, mtime: SystemTime) -> Option<String> {
        let origin = path.display().to_string();
        let previous = self.seen_files.lock().unwrap_or_else(|p| p.into_inner()).get(path).and_then(|f| f.id.clone());
        let made_at = mtime.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        let result = match tokio::fs::read(path).await {
            Ok(bytes) => self.prepare(bytes, Source::Directory, &origin, made_at).await,
            Err(e) => Err(LoadError::Storage(format!("{origin}: {e}"))),
        };
        match result {
            Ok(loaded) => {
                let id = loaded.manifest.id.clone();
                if let Some(previous) = previous.filter(|p| *p != id) {
                    self.registry.remove(&previous, Source::Directory);
                }
                self.registry.install(loaded);
                Some(id)
            }
            Err(error) => {
                // The old version (if any) keeps serving.
                self.registry.record_failure(&origin, &error);
                previous
            }
        }
    }
}

fn storage(error: sqlx::Error) -> LoadError {
    LoadError::Storage(error.to_string())
}

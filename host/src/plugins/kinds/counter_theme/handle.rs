//! How products reach counter themes: [`Themes`] reads the registry's
//! current snapshot for this kind; a [`ThemeHandle`] is one theme, ready to
//! render. The counter asks "render this theme", never for the registry.

use std::sync::Arc;

use super::{KIND, Rendered, ThemePlugin};
use crate::counter::badge::Badge;
use crate::plugins::error::CallError;
use crate::plugins::registry::{Loaded, Registry};
use crate::plugins::service::Plugins;

/// The enabled counter themes.
#[derive(Clone, Copy)]
pub struct Themes<'a> {
    registry: &'a Registry,
}

impl<'a> Themes<'a> {
    pub fn of(plugins: &'a Plugins) -> Self {
        Self::new(plugins.registry())
    }

    pub(crate) fn new(registry: &'a Registry) -> Self {
        Self { registry }
    }

    /// The theme `key`, if an enabled plugin draws it.
    pub fn get(&self, key: &str) -> Option<ThemeHandle> {
        let loaded = self.registry.provider(KIND, key)?;
        Some(ThemeHandle { key: key.to_string(), loaded })
    }

    /// Every enabled theme: (key, display name, plugin id), sorted by key.
    pub fn list(&self) -> Vec<(String, String, String)> {
        self.registry
            .providers(KIND)
            .into_iter()
            .map(|(key, loaded)| {
                let name = loaded.name_of(&key).unwrap_or_default().to_string();
                (key, name, loaded.manifest.id.clone())
            })
            .collect()
    }

    /// Draws a badge with whichever plugin provides `request.theme`.
    pub async fn render(&self, request: &Badge) -> Result<Rendered, CallError> {
        let theme = self.get(&request.theme).ok_or_else(|| CallError::NotProvided(request.theme.clone()))?;
        theme.render(request).await
    }

    /// Changes whenever the set of serving plugins changes, so caches of
    /// their output can tell stale entries apart.
    pub fn generation(&self) -> u64 {
        self.registry.generation()
    }
}

/// One enabled theme and the plugin version that draws it. A render in
/// flight finishes on this version even if a newer one is swapped in.
pub struct ThemeHandle {
    key: String,
    loaded: Arc<Loaded>,
}

impl ThemeHandle {
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The display name the plugin gives the theme.
    pub fn name(&self) -> &str {
        self.loaded.name_of(&self.key).unwrap_or_default()
    }

    /// Draws one badge (`request.theme` should be this handle's key).
    pub async fn render(&self, request: &Badge) -> Result<Rendered, CallError> {
        let plugin =
            self.loaded.plugin::<ThemePlugin>().ok_or_else(|| CallError::NotProvided(request.theme.clone()))?;
        super::render(plugin, &self.loaded.manifest.id, request).await
    }
}

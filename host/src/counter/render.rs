//! Turning a counter into bytes: the theme's SVG (through its plugin), a PNG
//! rasterised from it ([`crate::raster`]), each cached while the input repeats.

use std::sync::Arc;

use bytes::Bytes;
use moka::sync::Cache;

use crate::counter::badge::{Badge, Mode};
use crate::plugins::CallError;
use crate::plugins::counter_theme::Themes;

/// The theme used when the requested one is not installed (the seed's default).
pub const DEFAULT_THEME: &str = "gojo_board";
/// The last resort if the default theme itself was removed or disabled.
const LAST_RESORT_THEME: &str = "plain";

/// Output for one request, cheap to clone.
#[derive(Clone)]
pub struct Image {
    /// Shared with the cache: answering costs no copy.
    pub bytes: Bytes,
    /// Strong validator for the bytes.
    pub etag: Arc<str>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    theme: String,
    value: u64,
    length: u8,
    daily: bool,
    label: String,
    /// 0: animated SVG; 1–4: PNG at that scale.
    png_scale: u8,
    /// The registry generation: a swapped theme must not serve cached output.
    generation: u64,
}

/// Whether an image is likely to be asked for again. A counted visit shows
/// a number no one has seen yet (the next visit shows the next one), so
/// caching it would cost more than it ever saves; a read (`no_increment`, a
/// gallery preview) repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reuse {
    Likely,
    Unlikely,
}

pub struct Renderer {
    cache: Cache<Key, Image, foldhash::fast::RandomState>,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Plugin(#[from] CallError),
    #[error("rasterising the theme's SVG failed: {0}")]
    Raster(String),
}

impl Default for Renderer {
    fn default() -> Self {
        // Badges are small (a few KiB); 10k of them bound the cache to tens of MiB.
        Self { cache: Cache::builder().max_capacity(10_000).build_with_hasher(foldhash::fast::RandomState::default()) }
    }
}

/// Which theme serves a request: the requested one if installed, else the
/// default, else the last resort. Returns (key, display name).
pub fn choose_theme(themes: &Themes<'_>, requested: &str) -> Option<(String, String)> {
    [requested, DEFAULT_THEME, LAST_RESORT_THEME].into_iter().find_map(|key| {
        let theme = themes.get(key)?;
        Some((key.to_string(), theme.name().to_string()))
    })
}

impl Renderer {
    /// The badge as SVG (`png_scale` 0) or PNG (`png_scale` 1–4).
    pub async fn render(
        &self,
        themes: &Themes<'_>,
        request: Badge,
        png_scale: u8,
        reuse: Reuse,
    ) -> Result<Image, RenderError> {
        let key = (reuse == Reuse::Likely).then(|| Key {
            theme: request.theme.clone(),
            value: request.value,
            length: request.length,
            daily: request.mode == Mode::Daily,
            label: request.label.clone(),
            png_scale,
            generation: themes.generation(),
        });
        if let Some(image) = key.as_ref().and_then(|key| self.cache.get(key)) {
            return Ok(image);
        }
        let request = Badge { animate: png_scale == 0, ..request };
        let mut rendered = themes.render(&request).await?;
        let bytes = if png_scale == 0 {
            std::mem::take(&mut rendered.svg).into_bytes()
        } else {
            let svg = std::mem::take(&mut rendered.svg);
            tokio::task::spawn_blocking(move || crate::raster::rasterise(&svg, png_scale))
                .await
                .map_err(|e| RenderError::Raster(e.to_string()))?
                .map_err(|e| RenderError::Raster(e.to_string()))?
        };
        let tag = match rendered.fingerprint {
            Some(fingerprint) if png_scale == 0 => etag_of(fingerprint, bytes.len()),
            _ => etag(&bytes),
        };
        let image = Image { etag: tag.into(), bytes: Bytes::from(bytes) };
        if let Some(key) = key {
            self.cache.insert(key, image.clone());
        }
        Ok(image)
    }
}

/// A strong ETag: a hash of the bytes and their length.
fn etag(bytes: &[u8]) -> String {
    use std::hash::BuildHasher;
    // A fixed seed: the same bytes get the same tag on every replica. Not a
    // defence against forgery, only a cheap change detector.
    let hash = foldhash::quality::FixedState::with_seed(0x5741_594d_4152_4b21).hash_one(bytes);
    etag_of(hash, bytes.len())
}

/// A strong ETag from a hash that already identifies the bytes.
fn etag_of(hash: u64, len: usize) -> String {
    format!("\"{hash:016x}{len:08x}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_follow_content() {
        assert_eq!(etag(b"a"), etag(b"a"));
        assert_ne!(etag(b"a"), etag(b"b"));
    }
}

//! Write Waymark plugins as plain Rust.
//!
//! Enable the feature of the kind you write (`counter-theme`, `qr-style`,
//! `unshort-rule`, `analytics-enricher`), implement its trait, and register
//! it with its macro and your manifest:
//!
//! ```ignore
//! use waymark_plugin_sdk::counter_theme::*;
//!
//! struct Plain;
//!
//! impl CounterTheme for Plain {
//!     fn themes() -> Vec<Provided> { vec![provided("plain", "Plain")] }
//!     fn render(input: &CounterInput) -> Result<RenderedSvg, String> { … }
//! }
//!
//! waymark_plugin_sdk::register_counter_theme!(Plain);
//! waymark_plugin_sdk::manifest!("../waymark.toml");
//! ```
//!
//! | Feature | Module | Trait | Macro |
//! |---|---|---|---|
//! | `counter-theme` | `counter_theme` | `CounterTheme` | `register_counter_theme!` |
//! | `qr-style` | `qr_style` | `QrStyle` | `register_qr_style!` |
//! | `unshort-rule` | `unshort_rule` | `UnshortRule` | `register_unshort_rule!` |
//! | `analytics-enricher` | `analytics_enricher` | `AnalyticsEnricher` | `register_analytics_enricher!` |
//!
//! Plugins are sandboxed: no files, network, clock or randomness, a memory
//! cap and a time limit per call. An instance may be reused for many calls or
//! thrown away after any of them, so keep no state between calls.
//!
//! Each new instance's first call is its listing (`themes`, `styles`,
//! `rules`, `enrichers`), made while the host creates the instance and
//! under the instantiation limit (seconds) rather than the call limit
//! (tens of milliseconds). One-time setup, such as compiling a pattern list
//! into a `OnceLock` cache, belongs there.

// Used by every kind module; a build with no kind feature has none.
#[cfg(any(feature = "counter-theme", feature = "qr-style", feature = "unshort-rule", feature = "analytics-enricher"))]
#[macro_use]
mod shared;

pub mod color;
pub mod digits;
pub mod svg;
pub mod template;

#[cfg(feature = "analytics-enricher")]
pub mod analytics_enricher;
#[cfg(feature = "counter-theme")]
pub mod counter_theme;
#[cfg(feature = "unshort-rule")]
pub mod html;
#[cfg(feature = "manifest-check")]
pub mod manifest;
#[cfg(feature = "qr-style")]
pub mod qr_style;
#[cfg(feature = "unshort-rule")]
pub mod unshort_rule;

/// Embeds the plugin's manifest (a TOML file) in the component, where the
/// host reads it before running anything. The path is relative to the file
/// that invokes the macro, as with `include_bytes!`.
#[macro_export]
macro_rules! manifest {
    ($path:literal) => {
        #[cfg(target_arch = "wasm32")]
        #[used]
        #[unsafe(link_section = "waymark-manifest")]
        static __WAYMARK_MANIFEST: [u8; include_bytes!($path).len()] = *include_bytes!($path);
    };
}

/// Like [`manifest!`], for a manifest computed at compile time (a `const`
/// string, e.g. built with `concat!` and `env!`).
#[macro_export]
macro_rules! manifest_str {
    ($text:expr) => {
        #[cfg(target_arch = "wasm32")]
        #[used]
        #[unsafe(link_section = "waymark-manifest")]
        static __WAYMARK_MANIFEST: [u8; $text.len()] = $crate::__manifest_bytes::<{ $text.len() }>($text);
        // Natively there is no section to fill; still evaluate the text.
        #[cfg(not(target_arch = "wasm32"))]
        const _: usize = $text.len();
    };
}

#[doc(hidden)]
pub const fn __manifest_bytes<const N: usize>(text: &str) -> [u8; N] {
    let bytes = text.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = bytes[i];
        i += 1;
    }
    out
}

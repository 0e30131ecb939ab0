//! Analytics enrichers: add fields (device, browser, os, …) to an analytics
//! event before it is stored.
//!
//! Declare what `enrich` reads in the manifest (`reads = ["user_agent"]`):
//! the other fields then arrive empty and the server caches answers by the
//! ones you read, so `enrich` must depend on nothing else.

#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit/since_v0.1.0",
        world: "analytics-enricher-plugin",
        pub_export_macro: true,
        default_bindings_module: "waymark_plugin_sdk::analytics_enricher::bindings",
    });
}

pub use bindings::exports::waymark::plugin::analytics_enricher::{Event, Field, Geo};
pub use bindings::waymark::plugin::types::{LogLevel, Provided};

/// A plugin that provides one or more analytics enrichers.
pub trait AnalyticsEnricher {
    /// The enrichers this plugin provides: their keys and display names.
    ///
    /// The host calls this first on every new instance, as part of making
    /// it and under the instantiation limit (seconds, not a call's
    /// milliseconds): one-time setup, such as compiling a pattern list
    /// into a `OnceLock`, belongs here, so no event's `enrich` pays for it.
    fn enrichers() -> Vec<Provided>;

    /// The fields to set on `event`. The host accepts only the event's
    /// enrichable fields (device, browser, os, is_bot, country, subdivision,
    /// city, isp, source, source_name, medium) and ignores the rest; a
    /// field that does not apply is left out, never sent empty.
    fn enrich(event: &Event) -> Result<Vec<Field>, String>;
}

shared_helpers!();

/// Shorthand for a [`Field`] to set, e.g. `field("browser", "Firefox 128")`.
pub fn field(name: &str, value: &str) -> Field {
    Field { name: name.to_string(), value: value.to_string() }
}

/// Registers an [`AnalyticsEnricher`] implementation as the plugin's export.
#[macro_export]
macro_rules! register_analytics_enricher {
    ($enricher:ty) => {
        #[doc(hidden)]
        pub struct __WaymarkAnalyticsEnricher;

        impl $crate::analytics_enricher::bindings::exports::waymark::plugin::analytics_enricher::Guest
            for __WaymarkAnalyticsEnricher
        {
            fn describe() -> ::std::vec::Vec<$crate::analytics_enricher::Provided> {
                <$enricher as $crate::analytics_enricher::AnalyticsEnricher>::enrichers()
            }

            fn enrich(
                event: $crate::analytics_enricher::Event,
            ) -> ::std::result::Result<::std::vec::Vec<$crate::analytics_enricher::Field>, ::std::string::String> {
                <$enricher as $crate::analytics_enricher::AnalyticsEnricher>::enrich(&event)
            }
        }

        // Only a WebAssembly build exports the world; natively (unit tests,
        // benchmarks) the plugin is an ordinary Rust library.
        #[cfg(target_arch = "wasm32")]
        $crate::analytics_enricher::bindings::export!(__WaymarkAnalyticsEnricher);
    };
}

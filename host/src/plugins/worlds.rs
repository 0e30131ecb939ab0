//! Host bindings of every plugin world this host loads, generated from
//! `wit/since_v*`, and their [`World`] implementations.
//!
//! A world that changed in a newer API version gets bindings beside the old
//! ones (`counter_theme` for 0.1.0, `counter_theme_v0_2` for 0.2.0); the
//! kind's adapter calls whichever a plugin was built against, so plugins
//! built against 0.1.0 keep loading.

use wasmtime::Store;
use wasmtime::component::{HasSelf, InstancePre, Linker};

use super::pool::{BoxFuture, World};
use super::runtime::Sandbox;

/// Implements the `host` and `types` imports (identical in every world) and
/// the [`World`] trait for one generated world.
macro_rules! plugin_world {
    ($module:ident, $path:literal, $world:literal, $bindings:ident, $pre:ident, $export:ident) => {
        pub mod $module {
            wasmtime::component::bindgen!({
                path: $path,
                world: $world,
                exports: { default: async },
            });
        }

        impl $module::waymark::plugin::types::Host for Sandbox {}

        impl $module::waymark::plugin::host::Host for Sandbox {
            fn log(&mut self, level: $module::waymark::plugin::types::LogLevel, message: String) {
                use $module::waymark::plugin::types::LogLevel;
                let level = match level {
                    LogLevel::Trace => tracing::Level::TRACE,
                    LogLevel::Debug => tracing::Level::DEBUG,
                    LogLevel::Info => tracing::Level::INFO,
                    LogLevel::Warn => tracing::Level::WARN,
                    LogLevel::Error => tracing::Level::ERROR,
                };
                Sandbox::log(self, level, &message);
            }
        }

        impl World for $module::$bindings {
            const NAME: &'static str = $world;
            type Pre = $module::$pre<Sandbox>;

            fn add_to_linker(linker: &mut Linker<Sandbox>) -> wasmtime::Result<()> {
                $module::$bindings::add_to_linker::<_, HasSelf<_>>(linker, |sandbox| sandbox)
            }

            fn pre(instance_pre: InstancePre<Sandbox>) -> wasmtime::Result<Self::Pre> {
                $module::$pre::new(instance_pre)
            }

            fn instantiate<'a>(pre: &'a Self::Pre, store: &'a mut Store<Sandbox>) -> BoxFuture<'a, Self> {
                Box::pin(pre.instantiate_async(store))
            }

            fn describe<'a>(&'a self, store: &'a mut Store<Sandbox>) -> BoxFuture<'a, Vec<(String, String)>> {
                Box::pin(async move {
                    let provided = self.$export().call_describe(store).await?;
                    Ok(provided.into_iter().map(|p| (p.key, p.name)).collect())
                })
            }
        }
    };
}

plugin_world!(
    counter_theme,
    "../wit/since_v0.1.0",
    "counter-theme-plugin",
    CounterThemePlugin,
    CounterThemePluginPre,
    waymark_plugin_counter_theme
);
plugin_world!(
    counter_theme_v0_2,
    "../wit/since_v0.2.0",
    "counter-theme-plugin",
    CounterThemePlugin,
    CounterThemePluginPre,
    waymark_plugin_counter_theme
);
plugin_world!(
    qr_style,
    "../wit/since_v0.1.0",
    "qr-style-plugin",
    QrStylePlugin,
    QrStylePluginPre,
    waymark_plugin_qr_style
);
plugin_world!(
    unshort_rule,
    "../wit/since_v0.1.0",
    "unshort-rule-plugin",
    UnshortRulePlugin,
    UnshortRulePluginPre,
    waymark_plugin_unshort_rule
);
plugin_world!(
    analytics_enricher,
    "../wit/since_v0.1.0",
    "analytics-enricher-plugin",
    AnalyticsEnricherPlugin,
    AnalyticsEnricherPluginPre,
    waymark_plugin_analytics_enricher
);

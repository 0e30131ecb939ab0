//! The host side every plugin world shares: the `host` and `types` imports
//! (identical in every world) and the [`World`](super::pool::World)
//! implementation of a generated world. Each kind's `bindings.rs` invokes
//! [`plugin_world!`] once per API version it loads.

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

        impl $module::waymark::plugin::types::Host for $crate::plugins::runtime::Sandbox {}

        impl $module::waymark::plugin::host::Host for $crate::plugins::runtime::Sandbox {
            fn log(&mut self, level: $module::waymark::plugin::types::LogLevel, message: String) {
                use $module::waymark::plugin::types::LogLevel;
                let level = match level {
                    LogLevel::Trace => tracing::Level::TRACE,
                    LogLevel::Debug => tracing::Level::DEBUG,
                    LogLevel::Info => tracing::Level::INFO,
                    LogLevel::Warn => tracing::Level::WARN,
                    LogLevel::Error => tracing::Level::ERROR,
                };
                $crate::plugins::runtime::Sandbox::log(self, level, &message);
            }
        }

        impl $crate::plugins::pool::World for $module::$bindings {
            const NAME: &'static str = $world;
            type Pre = $module::$pre<$crate::plugins::runtime::Sandbox>;

            fn add_to_linker(
                linker: &mut wasmtime::component::Linker<$crate::plugins::runtime::Sandbox>,
            ) -> wasmtime::Result<()> {
                $module::$bindings::add_to_linker::<_, wasmtime::component::HasSelf<_>>(linker, |sandbox| sandbox)
            }

            fn pre(
                instance_pre: wasmtime::component::InstancePre<$crate::plugins::runtime::Sandbox>,
            ) -> wasmtime::Result<Self::Pre> {
                $module::$pre::new(instance_pre)
            }

            fn instantiate<'a>(
                pre: &'a Self::Pre,
                store: &'a mut wasmtime::Store<$crate::plugins::runtime::Sandbox>,
            ) -> $crate::plugins::pool::BoxFuture<'a, Self> {
                Box::pin(pre.instantiate_async(store))
            }

            fn describe<'a>(
                &'a self,
                store: &'a mut wasmtime::Store<$crate::plugins::runtime::Sandbox>,
            ) -> $crate::plugins::pool::BoxFuture<'a, Vec<(String, String)>> {
                Box::pin(async move {
                    let provided = self.$export().call_describe(store).await?;
                    Ok(provided.into_iter().map(|p| (p.key, p.name)).collect())
                })
            }
        }
    };
}

pub(crate) use plugin_world;

//! Counter themes: draw a visit count as SVG.

#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit/since_v0.1.0",
        world: "counter-theme-plugin",
        pub_export_macro: true,
        default_bindings_module: "waymark_plugin_sdk::counter_theme::bindings",
    });
}

pub use bindings::exports::waymark::plugin::counter_theme::{CounterInput, CounterMode, RenderedSvg};
pub use bindings::waymark::plugin::types::{LogLevel, Param, Provided};

/// A plugin that draws one or more counter themes.
pub trait CounterTheme {
    /// The themes this plugin draws: their keys and display names.
    fn themes() -> Vec<Provided>;

    /// Draws `input.display_value` in theme `input.theme`.
    fn render(input: &CounterInput) -> Result<RenderedSvg, String>;
}

/// Shorthand for a [`Provided`] entry.
pub fn provided(key: &str, name: &str) -> Provided {
    Provided { key: key.to_string(), name: name.to_string() }
}

/// Writes to the server's log (natively, to stderr, for unit tests).
pub fn log(level: LogLevel, message: &str) {
    #[cfg(target_arch = "wasm32")]
    bindings::waymark::plugin::host::log(level, message);
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("[{level:?}] {message}");
}

/// The request parameter named `name`, if sent.
pub fn param<'a>(input: &'a CounterInput, name: &str) -> Option<&'a str> {
    input.params.iter().find(|o| o.name == name).map(|o| o.value.as_str())
}

/// Registers a [`CounterTheme`] implementation as the plugin's export.
#[macro_export]
macro_rules! register_counter_theme {
    ($theme:ty) => {
        #[doc(hidden)]
        pub struct __WaymarkCounterTheme;

        impl $crate::counter_theme::bindings::exports::waymark::plugin::counter_theme::Guest for __WaymarkCounterTheme {
            fn describe() -> ::std::vec::Vec<$crate::counter_theme::Provided> {
                <$theme as $crate::counter_theme::CounterTheme>::themes()
            }

            fn render(
                input: $crate::counter_theme::CounterInput,
            ) -> ::std::result::Result<$crate::counter_theme::RenderedSvg, ::std::string::String> {
                <$theme as $crate::counter_theme::CounterTheme>::render(&input)
            }
        }

        // Only a WebAssembly build exports the world; natively (unit tests,
        // benchmarks) the plugin is an ordinary Rust library.
        #[cfg(target_arch = "wasm32")]
        $crate::counter_theme::bindings::export!(__WaymarkCounterTheme);
    };
}

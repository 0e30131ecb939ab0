//! The helpers every plugin kind offers its authors, written once.
//!
//! Each kind's WIT bindings are generated into that kind's own module, so
//! `Provided`, `LogLevel` and the host's `log` import are distinct types per
//! kind; `shared_helpers!` writes the same three helpers against whichever
//! bindings are in scope where it is invoked.

/// In a kind module with `bindings`, `Provided` and `LogLevel` in scope:
/// defines `provided` and `log`, and with `param: InputType` also `param`
/// (for inputs that carry `params`).
macro_rules! shared_helpers {
    () => {
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
    };
    (param: $input:ty) => {
        shared_helpers!();

        /// The request parameter named `name`, if sent.
        pub fn param<'a>(input: &'a $input, name: &str) -> Option<&'a str> {
            input.params.iter().find(|o| o.name == name).map(|o| o.value.as_str())
        }
    };
}

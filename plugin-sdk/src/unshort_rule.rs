//! Unshort rules: find the next hop in a fetched page that did not redirect
//! by status code (meta refresh, script, interstitial pages).

#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit/since_v0.1.0",
        world: "unshort-rule-plugin",
        pub_export_macro: true,
        default_bindings_module: "waymark_plugin_sdk::unshort_rule::bindings",
    });
}

pub use bindings::exports::waymark::plugin::unshort_rule::{Header, HopResponse, NextHop};
pub use bindings::waymark::plugin::types::{LogLevel, Provided};

/// A plugin that provides one or more unshort rules.
pub trait UnshortRule {
    /// The rules this plugin provides: their keys and display names.
    fn rules() -> Vec<Provided>;

    /// The next hop `response` redirects to, or `None` when this plugin sees
    /// no redirect in it.
    fn detect(response: &HopResponse) -> Result<Option<NextHop>, String>;
}

shared_helpers!();

/// The value of the first response header named `name` (compared
/// case-insensitively), if any.
pub fn header<'a>(response: &'a HopResponse, name: &str) -> Option<&'a str> {
    response.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value.as_str())
}

/// The body prefix as text, invalid UTF-8 (including a character cut off at
/// the end of the prefix) replaced by `�`.
pub fn body_text(response: &HopResponse) -> String {
    String::from_utf8_lossy(&response.body_prefix).into_owned()
}

/// Shorthand for a [`NextHop`]: `url` (absolute, or relative to the hop's
/// URL) reached by `method` (e.g. `Meta-Refresh`, `JS`).
pub fn next(url: &str, method: &str) -> NextHop {
    NextHop { url: url.to_string(), method: method.to_string() }
}

/// A 200 HTML answer from `url` with `body`, for a rule's unit tests.
pub fn html_page(url: &str, body: &str) -> HopResponse {
    HopResponse {
        url: url.to_string(),
        status: 200,
        headers: vec![Header { name: "Content-Type".into(), value: "text/html; charset=utf-8".into() }],
        body_prefix: body.as_bytes().to_vec(),
        truncated: false,
    }
}

/// Registers an [`UnshortRule`] implementation as the plugin's export.
#[macro_export]
macro_rules! register_unshort_rule {
    ($rule:ty) => {
        #[doc(hidden)]
        pub struct __WaymarkUnshortRule;

        impl $crate::unshort_rule::bindings::exports::waymark::plugin::unshort_rule::Guest for __WaymarkUnshortRule {
            fn describe() -> ::std::vec::Vec<$crate::unshort_rule::Provided> {
                <$rule as $crate::unshort_rule::UnshortRule>::rules()
            }

            fn detect(
                response: $crate::unshort_rule::HopResponse,
            ) -> ::std::result::Result<::std::option::Option<$crate::unshort_rule::NextHop>, ::std::string::String>
            {
                <$rule as $crate::unshort_rule::UnshortRule>::detect(&response)
            }
        }

        // Only a WebAssembly build exports the world; natively (unit tests,
        // benchmarks) the plugin is an ordinary Rust library.
        #[cfg(target_arch = "wasm32")]
        $crate::unshort_rule::bindings::export!(__WaymarkUnshortRule);
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(headers: &[(&str, &str)], body: &[u8]) -> HopResponse {
        HopResponse {
            url: "https://short.example/a".into(),
            status: 200,
            headers: headers.iter().map(|(n, v)| Header { name: n.to_string(), value: v.to_string() }).collect(),
            body_prefix: body.to_vec(),
            truncated: false,
        }
    }

    #[test]
    fn header_lookup_ignores_case() {
        let r = response(&[("Content-Type", "text/html"), ("refresh", "0;url=/b")], b"");
        assert_eq!(header(&r, "content-type"), Some("text/html"));
        assert_eq!(header(&r, "REFRESH"), Some("0;url=/b"));
        assert_eq!(header(&r, "location"), None);
    }

    #[test]
    fn body_text_is_lossy() {
        // "é" cut in half at the end of the prefix.
        let r = response(&[], b"caf\xc3");
        assert_eq!(body_text(&r), "caf\u{fffd}");
        let hop = next("/b", "JS");
        assert_eq!((hop.url.as_str(), hop.method.as_str()), ("/b", "JS"));
    }
}

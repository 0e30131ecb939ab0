//! Simulates a plugin whose manifest lies about its kind: `waymark.toml` says
//! `kind = "counter-theme"`, but the component exports an unrelated world
//! (`test:wrong/wrong`, a single `shout` function) instead of
//! `waymark:plugin/counter-theme`. The host must refuse to load it with a
//! clear error rather than fail later, at the first request.

mod bindings {
    wit_bindgen::generate!({
        path: "wit",
        world: "wrong",
    });
}

struct Wrong;

impl bindings::Guest for Wrong {
    fn shout(s: String) -> String {
        s.to_uppercase()
    }
}

bindings::export!(Wrong with_types_in bindings);

waymark_plugin_sdk::manifest!("../waymark.toml");

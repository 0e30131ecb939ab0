//! The `Allow` header of a 405 answer (RFC 9110 §15.5.6 requires it): which
//! methods a path does take, learnt once from the API's own OpenAPI
//! document, so it cannot drift from the routes.

use serde_json::Value;

/// One documented path: its segments (`None` for a `{parameter}`) and the
/// methods it takes.
struct Entry {
    segments: Vec<Option<String>>,
    methods: String,
}

#[derive(Default)]
pub struct AllowedMethods(Vec<Entry>);

impl AllowedMethods {
    /// Reads the `paths` of an OpenAPI document.
    pub fn from_spec(spec: &Value) -> Self {
        let Some(paths) = spec.get("paths").and_then(Value::as_object) else { return Self::default() };
        let entries = paths
            .iter()
            .filter_map(|(path, operations)| {
                let mut methods: Vec<String> = operations
                    .as_object()?
                    .keys()
                    .filter(|m| {
                        ["get", "put", "post", "delete", "options", "head", "patch", "trace"].contains(&m.as_str())
                    })
                    .map(|m| m.to_ascii_uppercase())
                    .collect();
                methods.sort();
                let segments = split(path)
                    .map(|s| if s.starts_with('{') && s.ends_with('}') { None } else { Some(s.to_string()) })
                    .collect();
                Some(Entry { segments, methods: methods.join(", ") })
            })
            .collect();
        Self(entries)
    }

    /// The methods `path` takes, if it is a documented path. A literal
    /// segment beats a parameter where both would match.
    pub fn for_path(&self, path: &str) -> Option<&str> {
        let segments: Vec<&str> = split(path).collect();
        self.0
            .iter()
            .filter(|entry| {
                entry.segments.len() == segments.len()
                    && entry.segments.iter().zip(&segments).all(|(want, got)| want.as_deref().is_none_or(|w| w == *got))
            })
            .max_by_key(|entry| entry.segments.iter().filter(|s| s.is_some()).count())
            .map(|entry| entry.methods.as_str())
    }
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn methods_come_from_the_spec_and_literals_win() {
        let spec = json!({ "paths": {
            "/api/account/keys": { "get": {}, "post": {} },
            "/api/account/keys/{id}": { "delete": {}, "parameters": [] },
            "/api/account/keys/mine": { "get": {} },
        }});
        let allowed = AllowedMethods::from_spec(&spec);
        assert_eq!(allowed.for_path("/api/account/keys"), Some("GET, POST"));
        assert_eq!(allowed.for_path("/api/account/keys/12"), Some("DELETE"));
        assert_eq!(allowed.for_path("/api/account/keys/mine"), Some("GET"));
        assert_eq!(allowed.for_path("/api/nothing"), None);
    }
}

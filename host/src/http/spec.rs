//! The OpenAPI document as published: poem-openapi's, plus what the HTTP
//! layer below the routes answers on its own.

use serde_json::{Value, json};

/// hyper refuses a request line longer than 64 KiB itself, with a bare 414,
/// before any route or envelope sees the request. Every operation says so,
/// so that clients and schema checkers expect it.
pub fn publish(spec: &str) -> String {
    let Ok(mut document) = serde_json::from_str::<Value>(spec) else {
        return spec.to_string();
    };
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for operation in paths.values_mut().filter_map(Value::as_object_mut).flat_map(|item| item.values_mut()) {
            if let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) {
                responses.entry("414").or_insert_with(|| {
                    json!({
                        "description": "The request line (path and query) is longer than 64 KiB; \
                                        answered by the HTTP layer, without a body."
                    })
                });
            }
        }
    }
    serde_json::to_string(&document).unwrap_or_else(|_| spec.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_documents_414() {
        let spec = r#"{"paths":{"/a":{"get":{"responses":{"200":{}}},"post":{"responses":{}}}}}"#;
        let published: Value = serde_json::from_str(&publish(spec)).unwrap();
        for method in ["get", "post"] {
            assert!(published["paths"]["/a"][method]["responses"]["414"]["description"].is_string(), "{method}");
        }
        assert_eq!(publish("not json"), "not json");
    }
}

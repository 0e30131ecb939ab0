//! A JSON string field that is only ever a string.
//!
//! poem-openapi's `String` accepts a JSON number or boolean and turns it into
//! text (`{"email": 5}` becomes `"5"`), so a client's type error passes
//! silently and the schema it was given (`type: string`) is not what the
//! server enforces. Request bodies use [`JsonText`] instead: anything but a
//! JSON string is a 400 in the surface's envelope.

use std::borrow::Cow;
use std::ops::Deref;

use poem_openapi::registry::MetaSchemaRef;
use poem_openapi::types::{ParseError, ParseFromJSON, ParseResult, ToJSON, Type};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JsonText(pub String);

impl Deref for JsonText {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl Type for JsonText {
    const IS_REQUIRED: bool = true;
    type RawValueType = String;
    type RawElementValueType = String;

    fn name() -> Cow<'static, str> {
        String::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        String::schema_ref()
    }

    fn as_raw_value(&self) -> Option<&String> {
        Some(&self.0)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a String> + 'a> {
        Box::new(std::iter::once(&self.0))
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl ParseFromJSON for JsonText {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value.unwrap_or_default() {
            Value::String(text) => Ok(JsonText(text)),
            other => Err(ParseError::expected_type(other)),
        }
    }
}

impl ToJSON for JsonText {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.0.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_strings_parse() {
        assert_eq!(JsonText::parse_from_json(Some(json!("a@b.c"))).unwrap().0, "a@b.c");
        for bad in [json!(5), json!(1.5), json!(true), json!(null), json!(["x"]), json!({"x": 1})] {
            assert!(JsonText::parse_from_json(Some(bad.clone())).is_err(), "{bad}");
        }
        assert!(<Option<JsonText>>::parse_from_json(None).unwrap().is_none());
        assert!(<Option<JsonText>>::parse_from_json(Some(json!(12))).is_err());
    }
}

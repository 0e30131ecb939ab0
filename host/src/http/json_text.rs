//! A JSON string field that is only ever a string, with the rule it follows
//! written into the schema.
//!
//! poem-openapi's `String` accepts a JSON number or boolean and turns it into
//! text (`{"email": 5}` becomes `"5"`), so a client's type error passes
//! silently and the schema it was given (`type: string`) is not what the
//! server enforces. Request bodies use [`JsonText`] instead: anything but a
//! JSON string is a 400 in the surface's envelope.
//!
//! The domain checks the text itself (with messages a client can show); a
//! [`TextSchema`] only publishes that check — pattern and lengths — so
//! generated clients and schema fuzzers know which strings are accepted. The
//! domain keeps each published pattern and its own check in agreement with a
//! test.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{ParseError, ParseFromJSON, ParseResult, ToJSON, Type};
use serde_json::Value;

/// What the schema says about one kind of text field.
pub trait TextSchema: Send + Sync + 'static {
    /// Fills in pattern, lengths and description of a `type: string` schema.
    fn describe(schema: &mut MetaSchema);
}

/// Any string at all (refresh tokens, old passwords).
pub struct AnyText;

impl TextSchema for AnyText {
    fn describe(_: &mut MetaSchema) {}
}

pub struct JsonText<S: TextSchema = AnyText>(pub String, PhantomData<S>);

impl<S: TextSchema> JsonText<S> {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into(), PhantomData)
    }
}

impl<S: TextSchema> fmt::Debug for JsonText<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<S: TextSchema> Clone for JsonText<S> {
    fn clone(&self) -> Self {
        Self::new(self.0.clone())
    }
}

impl<S: TextSchema> Deref for JsonText<S> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<S: TextSchema> Type for JsonText<S> {
    const IS_REQUIRED: bool = true;
    type RawValueType = String;
    type RawElementValueType = String;

    fn name() -> Cow<'static, str> {
        String::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        let mut schema = MetaSchema::new("string");
        S::describe(&mut schema);
        MetaSchemaRef::Inline(Box::new(schema))
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

impl<S: TextSchema> ParseFromJSON for JsonText<S> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value.unwrap_or_default() {
            Value::String(text) => Ok(Self::new(text)),
            other => Err(ParseError::expected_type(other)),
        }
    }
}

impl<S: TextSchema> ToJSON for JsonText<S> {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.0.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Short;

    impl TextSchema for Short {
        fn describe(schema: &mut MetaSchema) {
            schema.max_length = Some(3);
        }
    }

    #[test]
    fn only_strings_parse() {
        assert_eq!(<JsonText>::parse_from_json(Some(json!("a@b.c"))).unwrap().0, "a@b.c");
        for bad in [json!(5), json!(1.5), json!(true), json!(null), json!(["x"]), json!({"x": 1})] {
            assert!(<JsonText>::parse_from_json(Some(bad.clone())).is_err(), "{bad}");
        }
        assert!(<Option<JsonText>>::parse_from_json(None).unwrap().is_none());
        assert!(<Option<JsonText>>::parse_from_json(Some(json!(12))).is_err());
    }

    #[test]
    fn the_rule_is_published_in_the_schema() {
        let MetaSchemaRef::Inline(schema) = JsonText::<Short>::schema_ref() else { panic!("inline") };
        assert_eq!((schema.ty, schema.max_length), ("string", Some(3)));
    }
}

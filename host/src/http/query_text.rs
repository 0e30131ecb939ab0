//! A query parameter held to a published text rule, checked with a regex
//! compiled once.
//!
//! poem-openapi's `validator(pattern = …)` publishes the pattern in the spec
//! (which schema fuzzers and generated clients rely on) but compiles the
//! regex again on every request: seven patterns on the counter badge cost
//! most of its throughput. [`QueryText`] publishes the same schema — `type:
//! string`, `maxLength`, `pattern` — and checks against a [`TextRule`]'s
//! regex built on first use. Declare rules with [`text_rule!`].
//!
//! A value that breaks the rule is refused exactly as a validator would
//! refuse it ("… verification failed."), so the pipeline's one message for
//! malformed parameters applies unchanged.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{ParseError, ParseFromParameter, ParseResult, Type};
use regex::Regex;

/// The published rule for one kind of query text.
pub trait TextRule: Send + Sync + 'static {
    /// Most characters (Unicode scalar values) accepted, if bounded.
    const MAX_LENGTH: Option<usize>;
    /// The pattern as published in the spec (ECMA-compatible syntax).
    const PATTERN: &'static str;
    /// [`Self::PATTERN`], compiled once.
    fn regex() -> &'static Regex;

    /// Whether `text` follows the rule.
    fn accepts(text: &str) -> bool {
        let short_enough = Self::MAX_LENGTH.is_none_or(|max| text.chars().nth(max).is_none());
        short_enough && Self::regex().is_match(text)
    }
}

/// Declares a [`TextRule`]: a unit struct with a lazily compiled pattern.
///
/// ```ignore
/// text_rule!(pub Format, pattern = r"^(svg|png)?$");
/// text_rule!(pub SiteText, max_length = 253, pattern = r"^[^\u0000-\u001f]*$");
/// ```
#[macro_export]
macro_rules! text_rule {
    ($(#[$meta:meta])* $vis:vis $name:ident, $(max_length = $max:expr,)? pattern = $pattern:expr $(,)?) => {
        $(#[$meta])*
        $vis struct $name;

        impl $crate::http::query_text::TextRule for $name {
            const MAX_LENGTH: Option<usize> = $crate::text_rule!(@max $($max)?);
            const PATTERN: &'static str = $pattern;

            fn regex() -> &'static ::regex::Regex {
                static REGEX: ::std::sync::LazyLock<::regex::Regex> = ::std::sync::LazyLock::new(|| {
                    // A published pattern that does not compile is a bug the
                    // first test touching this rule catches.
                    ::regex::Regex::new($pattern).expect("a text rule's pattern compiles")
                });
                &REGEX
            }
        }
    };
    (@max $max:expr) => { Some($max) };
    (@max) => { None };
}

/// Query text that follows rule `R`; derefs to the text.
pub struct QueryText<R: TextRule>(pub String, PhantomData<R>);

impl<R: TextRule> QueryText<R> {
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl<R: TextRule> fmt::Debug for QueryText<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<R: TextRule> Deref for QueryText<R> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<R: TextRule> Type for QueryText<R> {
    const IS_REQUIRED: bool = true;
    type RawValueType = String;
    type RawElementValueType = String;

    fn name() -> Cow<'static, str> {
        String::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        let mut schema = MetaSchema::new("string");
        schema.max_length = R::MAX_LENGTH;
        schema.pattern = Some(R::PATTERN.to_string());
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

impl<R: TextRule> ParseFromParameter for QueryText<R> {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        if R::accepts(value) {
            Ok(Self(value.to_string(), PhantomData))
        } else {
            Err(ParseError::custom("verification failed. not in the documented form"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    text_rule!(Short, max_length = 3, pattern = r"^[a-z]*$");
    text_rule!(Unbounded, pattern = r"^[0-9]+$");

    #[test]
    fn checks_length_in_characters_and_the_pattern() {
        assert!(QueryText::<Short>::parse_from_parameter("abc").is_ok());
        assert!(QueryText::<Short>::parse_from_parameter("abcd").is_err());
        assert!(QueryText::<Short>::parse_from_parameter("aB").is_err());
        assert!(QueryText::<Unbounded>::parse_from_parameter(&"7".repeat(10_000)).is_ok());
        assert!(QueryText::<Unbounded>::parse_from_parameter("").is_err());
    }

    #[test]
    fn a_refusal_reads_like_a_validators() {
        let error = QueryText::<Short>::parse_from_parameter("toolong").unwrap_err();
        assert!(error.into_message().contains(": verification failed."));
    }

    #[test]
    fn publishes_the_rule_in_the_schema() {
        let MetaSchemaRef::Inline(schema) = QueryText::<Short>::schema_ref() else {
            panic!("an inline schema");
        };
        assert_eq!(schema.ty, "string");
        assert_eq!(schema.max_length, Some(3));
        assert_eq!(schema.pattern.as_deref(), Some("^[a-z]*$"));
    }
}

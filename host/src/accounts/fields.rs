//! The account fields of request bodies, as the OpenAPI schema describes
//! them: each publishes the rule [`super::validate`] checks, so a generated
//! client or a schema fuzzer knows which strings are accepted.

use poem_openapi::registry::MetaSchema;

use super::validate;
use crate::http::json_text::{JsonText, TextSchema};

pub struct EmailRule;

impl TextSchema for EmailRule {
    fn describe(schema: &mut MetaSchema) {
        schema.pattern = Some(validate::EMAIL_PATTERN.to_string());
        schema.max_length = Some(validate::EMAIL_MAX_CHARS);
        schema.description = Some("An ASCII email address; surrounding whitespace is trimmed, case is folded.");
    }
}

pub struct UsernameRule;

impl TextSchema for UsernameRule {
    fn describe(schema: &mut MetaSchema) {
        schema.pattern = Some(validate::USERNAME_PATTERN.to_string());
        schema.description = Some(
            "2 to 32 characters: letters, digits, symbols, `_`, `-` and `.`; no spaces or invisible characters. \
             Stored in Unicode normal form NFKC; a name that looks like an existing one is refused.",
        );
    }
}

pub struct KeyNameRule;

impl TextSchema for KeyNameRule {
    fn describe(schema: &mut MetaSchema) {
        schema.pattern = Some(validate::KEY_NAME_PATTERN.to_string());
        schema.description = Some("1 to 64 characters, not blank, no control or bidirectional formatting characters.");
    }
}

pub struct NewPasswordRule;

impl TextSchema for NewPasswordRule {
    fn describe(schema: &mut MetaSchema) {
        schema.min_length = Some(validate::PASSWORD_MIN_CHARS);
        schema.max_length = Some(validate::PASSWORD_MAX_CHARS);
    }
}

pub type Email = JsonText<EmailRule>;
pub type Username = JsonText<UsernameRule>;
pub type KeyName = JsonText<KeyNameRule>;
pub type NewPassword = JsonText<NewPasswordRule>;

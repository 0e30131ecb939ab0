//! Credentials as strings: access JWTs, opaque refresh tokens and API keys.
//!
//! Refresh tokens and API keys are 192 random bits, so a plain SHA-256 is
//! enough to store them (nothing to brute-force); only the hash is kept.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Role;
use super::error::AccountError;

/// Every API key starts with this, so a key is recognisable in a leak scan
/// and never confused with a JWT.
pub const API_KEY_PREFIX: &str = "wm_";
const REFRESH_PREFIX: &str = "rt_";

#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user id, as a string per RFC 7519.
    pub sub: String,
    pub role: Role,
    pub iat: i64,
    pub exp: i64,
    /// Always "access": a token minted for another purpose is refused.
    pub typ: String,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> Self {
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret) }
    }

    pub fn issue(&self, user_id: i64, role: Role, ttl_secs: u64) -> Result<String, AccountError> {
        let now = chrono::Utc::now().timestamp();
        let claims =
            AccessClaims { sub: user_id.to_string(), role, iat: now, exp: now + ttl_secs as i64, typ: "access".into() };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AccountError::Hashing(e.to_string()))
    }

    /// The user id a valid, unexpired access token names.
    pub fn verify(&self, token: &str) -> Result<i64, AccountError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &validation)
            .map_err(|e| AccountError::BadAccessToken(e.to_string()))?;
        if data.claims.typ != "access" {
            return Err(AccountError::BadAccessToken("not an access token".into()));
        }
        data.claims.sub.parse().map_err(|_| AccountError::BadAccessToken("malformed subject".into()))
    }
}

/// Unguessable random text: 24 bytes, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn new_api_key() -> String {
    format!("{API_KEY_PREFIX}{}", random_token())
}

pub fn new_refresh_token() -> String {
    format!("{REFRESH_PREFIX}{}", random_token())
}

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

pub fn is_api_key(credential: &str) -> bool {
    credential.starts_with(API_KEY_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_round_trip_and_tamper() {
        let keys = JwtKeys::new(b"secret");
        let token = keys.issue(42, Role::User, 60).unwrap();
        assert_eq!(keys.verify(&token).unwrap(), 42);
        let other = JwtKeys::new(b"other secret");
        assert!(matches!(other.verify(&token), Err(AccountError::BadAccessToken(_))));
        assert!(keys.verify("not.a.jwt").is_err());
    }

    #[test]
    fn keys_are_distinct_and_prefixed() {
        let a = new_api_key();
        assert!(is_api_key(&a) && a.len() > 30);
        assert_ne!(a, new_api_key());
        assert!(!is_api_key(&new_refresh_token()));
        assert_eq!(sha256_hex("abc").len(), 64);
    }
}

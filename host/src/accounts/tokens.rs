//! Credentials as strings: access JWTs, opaque refresh tokens and API keys.
//!
//! Refresh tokens and API keys are 192 random bits, so a plain SHA-256 is
//! enough to store them (nothing to brute-force); only the hash is kept.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Role;
use super::error::{AccountError, TokenRejection};

/// Every API key starts with this, so a key is recognisable in a leak scan
/// and never confused with a JWT.
pub const API_KEY_PREFIX: &str = "wm_";
const REFRESH_PREFIX: &str = "rt_";

/// How far in the future a token's `iat` or `nbf` may lie and still be
/// accepted: room for a few seconds of clock skew between replicas, no more.
/// Expiry (`exp`) gets no leeway at all.
pub const CLOCK_SKEW_SECS: i64 = 5;

#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user id, as a string per RFC 7519.
    pub sub: String,
    pub role: Role,
    pub iat: i64,
    pub exp: i64,
    /// Never set by Waymark; honoured if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Always "access": a token minted for another purpose is refused.
    pub typ: String,
    /// The user's `token_version` when the token was issued. A password
    /// change bumps the version, so every earlier token stops working.
    /// Tokens minted before the claim existed carry version 0, which is what
    /// every user had then.
    #[serde(default)]
    pub ver: i64,
}

/// What a valid access token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifiedToken {
    pub user_id: i64,
    pub version: i64,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> Self {
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret) }
    }

    pub fn issue(&self, user_id: i64, role: Role, version: i64, ttl_secs: u64) -> Result<String, AccountError> {
        let now = chrono::Utc::now().timestamp();
        let claims = AccessClaims {
            sub: user_id.to_string(),
            role,
            iat: now,
            exp: now + ttl_secs as i64,
            nbf: None,
            typ: "access".into(),
            ver: version,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AccountError::Hashing(e.to_string()))
    }

    /// The user and token version a valid, current access token names.
    /// Refusals carry only a reason class: the parser's own messages (which
    /// name algorithms and serde internals) go to the debug log.
    pub fn verify(&self, token: &str) -> Result<VerifiedToken, AccountError> {
        self.verify_at(token, chrono::Utc::now().timestamp())
    }

    fn verify_at(&self, token: &str, now: i64) -> Result<VerifiedToken, AccountError> {
        let refuse = |reason| Err(AccountError::BadAccessToken(reason));
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        // `nbf` is checked below with the same skew allowance as `iat`.
        validation.validate_nbf = false;
        let claims = match jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &validation) {
            Ok(data) => data.claims,
            Err(error) => {
                tracing::debug!(%error, "access token refused");
                return refuse(rejection_of(error.kind()));
            }
        };
        if claims.typ != "access" {
            return refuse(TokenRejection::Malformed);
        }
        if claims.iat > now + CLOCK_SKEW_SECS || claims.nbf.is_some_and(|nbf| nbf > now + CLOCK_SKEW_SECS) {
            return refuse(TokenRejection::NotYetValid);
        }
        match claims.sub.parse() {
            Ok(user_id) => Ok(VerifiedToken { user_id, version: claims.ver }),
            Err(_) => refuse(TokenRejection::Malformed),
        }
    }
}

fn rejection_of(kind: &ErrorKind) -> TokenRejection {
    match kind {
        ErrorKind::ExpiredSignature => TokenRejection::Expired,
        ErrorKind::ImmatureSignature => TokenRejection::NotYetValid,
        ErrorKind::InvalidSignature | ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => {
            TokenRejection::BadSignature
        }
        _ => TokenRejection::Malformed,
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
    use serde_json::json;

    fn signed(keys: &JwtKeys, claims: serde_json::Value) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).unwrap()
    }

    fn rejection(result: Result<VerifiedToken, AccountError>) -> TokenRejection {
        match result {
            Err(AccountError::BadAccessToken(reason)) => reason,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn jwt_round_trip_and_tamper() {
        let keys = JwtKeys::new(b"secret");
        let token = keys.issue(42, Role::User, 3, 60).unwrap();
        assert_eq!(keys.verify(&token).unwrap(), VerifiedToken { user_id: 42, version: 3 });
        let other = JwtKeys::new(b"other secret");
        assert_eq!(rejection(other.verify(&token)), TokenRejection::BadSignature);
        assert_eq!(rejection(keys.verify("not.a.jwt")), TokenRejection::Malformed);
    }

    #[test]
    fn future_iat_and_nbf_are_not_yet_valid() {
        let keys = JwtKeys::new(b"secret");
        let now = chrono::Utc::now().timestamp();
        let base = json!({"sub": "1", "role": "user", "iat": now, "exp": now + 600, "typ": "access"});
        let mut future_iat = base.clone();
        future_iat["iat"] = json!(now + 60);
        assert_eq!(rejection(keys.verify(&signed(&keys, future_iat))), TokenRejection::NotYetValid);
        let mut future_nbf = base.clone();
        future_nbf["nbf"] = json!(now + 60);
        assert_eq!(rejection(keys.verify(&signed(&keys, future_nbf))), TokenRejection::NotYetValid);
        // A couple of seconds of skew is tolerated; a token without `ver` is version 0.
        let mut skewed = base.clone();
        skewed["iat"] = json!(now + 2);
        skewed["nbf"] = json!(now + 2);
        assert_eq!(keys.verify(&signed(&keys, skewed)).unwrap(), VerifiedToken { user_id: 1, version: 0 });
        let mut expired = base;
        expired["exp"] = json!(now - 1);
        assert_eq!(rejection(keys.verify(&signed(&keys, expired))), TokenRejection::Expired);
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

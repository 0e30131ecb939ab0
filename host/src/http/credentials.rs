//! Finding and checking the credential a request carries.
//!
//! One credential is accepted, from the first place that has one:
//! `Authorization: Bearer <key or JWT>` (urlplus also documents `Token`),
//! the `cb-api-key` header (CodeBox) or the `key` query parameter
//! (visits-counter, unshort). The pipeline resolves it once and leaves the
//! outcome in the request's extensions for the handlers' security schemes.

use poem::Request;
use poem::http::header::AUTHORIZATION;
use poem_openapi::SecurityScheme;

use crate::accounts::Principal;

/// The outcome of checking a request's credential.
#[derive(Debug, Clone)]
pub enum AuthState {
    Anonymous,
    Authenticated(Principal),
    /// A credential was sent but is invalid, expired or revoked.
    Rejected(String),
}

impl AuthState {
    pub fn principal(&self) -> Option<&Principal> {
        match self {
            AuthState::Authenticated(p) => Some(p),
            _ => None,
        }
    }

    /// What a 401 should tell the client.
    pub fn unauthorized_message(&self) -> String {
        match self {
            AuthState::Rejected(reason) => reason.clone(),
            _ => "Authorization header required".into(),
        }
    }
}

/// What a request presents as its credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presented {
    Nothing,
    Credential(String),
    /// A credential header that is there but unusable (empty, another
    /// scheme). Refused rather than ignored: serving such a request from
    /// another credential, or anonymously, would hide the client's mistake.
    Malformed(&'static str),
}

/// The raw credential, from the first place that has one.
pub fn credential(req: &Request) -> Presented {
    if let Some(value) = req.headers().get(AUTHORIZATION) {
        let value = value.to_str().unwrap_or("").trim();
        let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
        let token = token.trim();
        if (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token")) && !token.is_empty() {
            return Presented::Credential(token.to_string());
        }
        return Presented::Malformed("Authorization header must be `Bearer <API key or access token>`");
    }
    if let Some(key) = req.headers().get("cb-api-key") {
        let key = key.to_str().unwrap_or("").trim();
        if key.is_empty() {
            return Presented::Malformed("cb-api-key header is empty");
        }
        return Presented::Credential(key.to_string());
    }
    let Some(query) = req.uri().query() else { return Presented::Nothing };
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "key")
        .map(|(_, value)| value.trim().to_string())
        .filter(|v| !v.is_empty())
        .map_or(Presented::Nothing, Presented::Credential)
}

/// The security schemes' checker: the pipeline already resolved the
/// credential; a handler that requires one gets its principal or a 401.
async fn resolved<T>(req: &Request, _raw: T) -> Option<Principal> {
    req.extensions().get::<AuthState>().and_then(AuthState::principal).cloned()
}

/// `Authorization: Bearer <API key or access JWT>`.
#[derive(SecurityScheme)]
#[oai(rename = "BearerAuth", ty = "bearer", bearer_format = "API key (wm_…) or access JWT", checker = "resolved")]
pub struct BearerAuth(Principal);

/// `cb-api-key: <API key>` (CodeBox style).
#[derive(SecurityScheme)]
#[oai(rename = "CbApiKey", ty = "api_key", key_name = "cb-api-key", key_in = "header", checker = "resolved")]
pub struct CbApiKey(Principal);

/// `?key=<API key>` (visits-counter and unshort style).
#[derive(SecurityScheme)]
#[oai(rename = "QueryKey", ty = "api_key", key_name = "key", key_in = "query", checker = "resolved")]
pub struct QueryKey(Principal);

/// Any of the three places; handlers that need a user take this.
#[derive(SecurityScheme)]
pub enum Auth {
    Bearer(BearerAuth),
    Header(CbApiKey),
    Query(QueryKey),
}

impl Auth {
    pub fn principal(&self) -> &Principal {
        match self {
            Auth::Bearer(BearerAuth(p)) | Auth::Header(CbApiKey(p)) | Auth::Query(QueryKey(p)) => p,
        }
    }

    pub fn user_id(&self) -> i64 {
        self.principal().user_id
    }
}

/// poem's `Bearer` extractor only knows the `Bearer` scheme; urlplus clients
/// may send `Token`. Rewrite it once so every extractor sees one form.
pub fn normalise_token_scheme(req: &mut Request) {
    let Some(value) = req.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return;
    };
    if let Some((scheme, token)) = value.trim().split_once(' ')
        && scheme.eq_ignore_ascii_case("token")
        && let Ok(value) = format!("Bearer {}", token.trim()).parse()
    {
        req.headers_mut().insert(AUTHORIZATION, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(uri: &str, headers: &[(&str, &str)]) -> Request {
        let mut b = Request::builder().uri(uri.parse().unwrap());
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.finish()
    }

    #[test]
    fn finds_the_credential_in_each_place() {
        let found = |token: &str| Presented::Credential(token.to_string());
        assert_eq!(credential(&req("/x", &[("authorization", "Bearer abc")])), found("abc"));
        assert_eq!(credential(&req("/x", &[("authorization", "Token abc")])), found("abc"));
        assert_eq!(credential(&req("/x", &[("cb-api-key", "abc")])), found("abc"));
        assert_eq!(credential(&req("/x?a=1&key=wm_a%2Bb", &[])), found("wm_a+b"));
        assert_eq!(credential(&req("/x?key=", &[])), Presented::Nothing);
        assert_eq!(credential(&req("/x", &[])), Presented::Nothing);
    }

    #[test]
    fn an_unusable_credential_header_is_refused_not_skipped() {
        for headers in [
            [("authorization", "Basic zzz")],
            [("authorization", "")],
            [("authorization", "Bearer ")],
            [("authorization", "i6nE>AJEz")],
            [("cb-api-key", " ")],
        ] {
            let presented = credential(&req("/x?key=wm_valid", &headers));
            assert!(matches!(presented, Presented::Malformed(_)), "{headers:?}: {presented:?}");
        }
    }
}

/// For surfaces where a key is optional (visits-counter, unshort):
/// anonymous callers get the per-IP quota.
#[derive(SecurityScheme)]
pub enum OptionalKey {
    Bearer(BearerAuth),
    Header(CbApiKey),
    Query(QueryKey),
    #[oai(fallback)]
    Anonymous,
}

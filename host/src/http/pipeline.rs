//! What every `/api` request goes through before and after its handler, in
//! order: route policy (see [`super::routes`]) → credential → admin role →
//! metering → failed credential → body bounds → handler → envelope. Only the
//! handler reads the body, and only after all that was decided from the head.
//!
//! Errors raised anywhere on the way (a bad body, an unknown route, a refused
//! credential, a full quota, a handler's own error) leave in the envelope of
//! the request's surface, and metered answers carry `X-RateLimit-*` headers.

use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;
use std::time::Duration;

use poem::http::header::{ALLOW, CONTENT_LENGTH};
use poem::http::{HeaderValue, StatusCode};
use poem::{Endpoint, IntoResponse, Request, Response};

use super::allow::AllowedMethods;
use super::body::{self, BodyFault, BodyLimits, BodyWatch};
use super::client_ip::client_ip;
use super::credentials::{AuthState, Presented, credential, normalise_token_scheme};
use super::envelope::{CodeBoxError, CounterError, PingooError, UnshortError, UrlplusError};
use super::routes::{BodySize, FailedCredential, Route, RouteTable};
use crate::accounts::{AccountError, Accounts, Role};
use crate::failure::{Failure, FailureKind};
use crate::metering::{Decision, Exceeded, Meter, Subject};
use crate::surface::Surface;

pub struct Pipeline {
    pub accounts: Arc<Accounts>,
    pub meter: Arc<Meter>,
    pub max_body_bytes: usize,
    pub max_upload_bytes: usize,
    pub body_idle_timeout: Duration,
    pub body_read_timeout: Duration,
    pub trusted_proxies: Vec<IpNet>,
    /// Every route's policy, as the products declare them.
    pub routes: RouteTable,
    /// For the `Allow` header of 405 answers.
    pub allowed: AllowedMethods,
}

impl Pipeline {
    pub async fn handle<E: Endpoint>(&self, next: &E, mut req: Request) -> poem::Result<Response> {
        let Some(route) = self.routes.route(req.uri().path()).copied() else {
            // Pages and docs read no body; bound it all the same.
            self.bound_body(&mut req, self.max_body_bytes);
            return next.call(req).await.map(IntoResponse::into_response);
        };
        let surface = route.surface;
        // Everything up to the handler is decided from the request head: a
        // caller who may not send a body never gets one read.
        let mut auth = match self.authenticate(&mut req, &route).await {
            Ok(auth) => auth,
            Err(failure) => return Ok(surface.render(&failure)),
        };
        if route.failed_credential == FailedCredential::Ignore && matches!(auth, AuthState::Rejected(_)) {
            auth = AuthState::Anonymous;
        }
        if let Err(failure) = admin_gate(&route, &auth) {
            return Ok(surface.render(&failure));
        }
        let ip = client_ip(&req, &self.trusted_proxies);
        req.extensions_mut().insert(ClientIp(ip));
        req.extensions_mut().insert(auth.clone());

        let metered = if route.metered {
            match self.meter(surface, &auth, ip).await {
                Ok(decision) => decision,
                Err(exceeded) => return Ok(refusal(surface, exceeded)),
            }
        } else {
            None
        };
        // The one place a failed credential is refused: handlers never see
        // one. (After metering, so that guessing keys is metered too.)
        if let AuthState::Rejected(reason) = &auth {
            let mut response = surface.render(&Failure::unauthorized(reason.clone()));
            if let Some(decision) = &metered {
                set_rate_headers(&mut response, decision);
            }
            return Ok(response);
        }

        // Only an admin-only route may take uploads (see `Route::uploads`),
        // so only an admin ever gets the large limit.
        let limit = match route.body {
            BodySize::Upload => self.max_upload_bytes,
            BodySize::Small => self.max_body_bytes,
        };
        if declared_length(&req).is_some_and(|len| len > limit as u64) {
            return Ok(surface.render(&body_failure(BodyFault::TooLarge, limit)));
        }
        let body = self.bound_body(&mut req, limit);

        // Kept for a 405's `Allow`; cloning a `Uri` shares its bytes.
        let uri = req.uri().clone();
        let mut response = match next.call(req).await {
            Ok(response) => response.into_response(),
            Err(error) => surface.render(&failure_of(error, &auth)),
        };
        if response.status() == StatusCode::METHOD_NOT_ALLOWED
            && let Some(allow) = self.allowed.for_path(uri.path()).and_then(|m| HeaderValue::from_str(m).ok())
        {
            response.headers_mut().insert(ALLOW, allow);
        }
        // Whatever the handler made of a body cut off, the client is told why.
        if let Some(fault) = body.fault() {
            response = surface.render(&body_failure(fault, limit));
        }
        if let Some(decision) = metered {
            set_rate_headers(&mut response, &decision);
        }
        Ok(response)
    }

    /// Swaps the body for one that is cut off at `max_bytes` or when the
    /// client is too slow; see [`super::body`].
    fn bound_body(&self, req: &mut Request, max_bytes: usize) -> BodyWatch {
        let limits = BodyLimits { max_bytes, idle: self.body_idle_timeout, total: self.body_read_timeout };
        let (body, watch) = body::bounded(req.take_body(), limits);
        req.set_body(body);
        watch
    }

    /// Resolves the request's credential. A valid `public` API key is
    /// refused here with 403 on every surface that does not accept public
    /// keys (all but visits-counter and unshort, new surfaces included), so no
    /// handler needs to think about scopes.
    async fn authenticate(&self, req: &mut Request, route: &Route) -> Result<AuthState, Failure> {
        normalise_token_scheme(req);
        let credential = match credential(req) {
            Presented::Nothing => return Ok(AuthState::Anonymous),
            Presented::Malformed(reason) => return Ok(AuthState::Rejected(reason.to_string())),
            Presented::Credential(credential) => credential,
        };
        match self.accounts.authenticate(&credential).await {
            Ok(principal)
                if principal.scope == crate::accounts::KeyScope::Public && !route.surface.accepts_public_keys() =>
            {
                Err(Failure::new(
                    FailureKind::Forbidden,
                    "forbidden: a public API key works only on /api/visits-counter and /api/unshort",
                ))
            }
            Ok(principal) => Ok(AuthState::Authenticated(principal)),
            Err(AccountError::Store(error)) => Err(Failure::internal(&error)),
            Err(refused) => Ok(AuthState::Rejected(refused.to_string())),
        }
    }

    /// Authenticated callers count against their user; everyone else (a
    /// refused credential included) against their IP.
    async fn meter(
        &self,
        surface: Surface,
        auth: &AuthState,
        ip: Option<IpAddr>,
    ) -> Result<Option<Decision>, Exceeded> {
        let subject = match (auth.principal(), ip) {
            (Some(principal), _) => Subject::User(principal.user_id),
            (None, Some(ip)) => Subject::Ip(ip),
            (None, None) => return Ok(None),
        };
        self.meter.check(surface, &subject).await
    }
}

/// The caller's IP as the pipeline determined it (trusted proxies honoured).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

/// Admin-only routes answer only admins, and say so before anything else of
/// the request (parameters, body) is looked at.
fn admin_gate(route: &Route, auth: &AuthState) -> Result<(), Failure> {
    if !route.admin_only {
        return Ok(());
    }
    match auth.principal() {
        None => Err(Failure::unauthorized(auth.unauthorized_message())),
        Some(principal) if principal.role != Role::Admin => {
            Err(Failure::new(FailureKind::Forbidden, "admin role required"))
        }
        Some(_) => Ok(()),
    }
}

fn declared_length(req: &Request) -> Option<u64> {
    req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok())
}

fn body_failure(fault: BodyFault, limit: usize) -> Failure {
    match fault {
        BodyFault::TooLarge => {
            Failure::new(FailureKind::PayloadTooLarge, format!("request body is larger than {limit} bytes"))
        }
        BodyFault::Stalled => Failure::new(FailureKind::RequestTimeout, "request body stalled; send it without pauses"),
        BodyFault::TooSlow => Failure::new(FailureKind::RequestTimeout, "request body took too long to arrive"),
    }
}

/// A framework or handler error as a [`Failure`]. Handler errors already are
/// one; the rest (unparsable input, unknown route, refused security scheme)
/// take their kind from the status.
fn failure_of(error: poem::Error, auth: &AuthState) -> Failure {
    if let Some(e) = error.downcast_ref::<PingooError>() {
        return e.0.clone();
    }
    if let Some(e) = error.downcast_ref::<UrlplusError>() {
        return e.0.clone();
    }
    if let Some(e) = error.downcast_ref::<CodeBoxError>() {
        return e.0.clone();
    }
    if let Some(e) = error.downcast_ref::<CounterError>() {
        return e.0.clone();
    }
    if let Some(e) = error.downcast_ref::<UnshortError>() {
        return e.0.clone();
    }
    let status = error.status();
    let kind = FailureKind::from_status(status);
    let message = match status {
        StatusCode::UNAUTHORIZED => auth.unauthorized_message(),
        StatusCode::NOT_FOUND => "no such endpoint".to_string(),
        StatusCode::METHOD_NOT_ALLOWED => "method not allowed on this endpoint".to_string(),
        s if s.is_server_error() => return Failure::internal(&error),
        // poem-openapi names path parameters by position (`param0`).
        _ if error.to_string().starts_with("failed to parse path") => "invalid path parameter".to_string(),
        // A validator's complaint quotes its whole rule (a regex, say);
        // name the parameter and point to the spec instead.
        // (A `QueryText` rule's refusal reads the same, one level deeper.)
        _ if let Some(what) = refused_parameter(&error.to_string()) => {
            format!("{what}: not in the form the API documents (see /openapi.json)")
        }
        _ => error.to_string(),
    };
    Failure::new(kind, message)
}

/// "parameter `x`" from a parameter's failed validation
/// ("failed to parse parameter `x`: … verification failed. <rule>").
fn refused_parameter(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("failed to parse ")?;
    let (what, reason) = rest.split_once(": ")?;
    (what.starts_with("parameter `") && reason.contains("verification failed.")).then_some(what)
}

fn refusal(surface: Surface, exceeded: Exceeded) -> Response {
    use crate::metering::Window;
    let (kind, message) = match exceeded.decision.window {
        Window::Day => (FailureKind::QuotaExceeded, "daily quota exceeded".to_string()),
        Window::Minute => {
            (FailureKind::RateLimited, format!("rate limit exceeded: {} requests per minute", exceeded.decision.limit))
        }
        Window::Second => {
            (FailureKind::RateLimited, format!("rate limit exceeded: {} requests per second", exceeded.decision.limit))
        }
    };
    let mut response = surface.render(&Failure::new(kind, message));
    set_rate_headers(&mut response, &exceeded.decision);
    response.headers_mut().insert("retry-after", HeaderValue::from(exceeded.retry_after_secs));
    response
}

fn set_rate_headers(response: &mut Response, decision: &Decision) {
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", HeaderValue::from(decision.limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(decision.remaining));
    headers.insert("x-ratelimit-reset", HeaderValue::from(decision.reset));
}

#[cfg(test)]
mod tests {
    use super::refused_parameter;

    #[test]
    fn a_refused_parameter_is_named_without_its_rule() {
        let validator = "failed to parse parameter `max_hops`: verification failed. pattern(\"^[0-9]$\")";
        let text_rule = "failed to parse parameter `site`: failed to parse \"string\": verification failed. not in the documented form";
        assert_eq!(refused_parameter(validator), Some("parameter `max_hops`"));
        assert_eq!(refused_parameter(text_rule), Some("parameter `site`"));
        assert_eq!(refused_parameter("failed to parse parameter `n`: Expected input type \"integer\""), None);
        assert_eq!(refused_parameter("failed to parse \"A\": field `n` verification failed. maximum(5)"), None);
    }
}

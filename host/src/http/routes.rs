//! What each route asks of the pipeline: its surface (envelope and metering
//! policy), whether it is for admins only, whether it is metered, how large
//! a body it takes and what it makes of a credential that fails.
//!
//! Products declare their own routes (`ROUTES` beside their API) and the
//! application puts them in one [`RouteTable`]; the pipeline looks a request
//! up in it and knows no product path itself.

use crate::surface::Surface;

/// What a route makes of a credential that was sent but fails (unknown,
/// revoked or expired key or token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailedCredential {
    /// Refused with 401 by the pipeline, before the handler (and after
    /// metering, so guessing keys is metered like anything else). A route
    /// that needs no credential still refuses a bad one: a client sending a
    /// key expects it to count, not to be quietly served as anonymous.
    Refuse,
    /// Ignored: the handler sees an anonymous caller. For sign-in routes,
    /// whose clients often still send the expired token they are replacing,
    /// and for probes.
    Ignore,
}

/// The body a route may be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodySize {
    /// `max_body_bytes`: JSON requests.
    Small,
    /// `plugins.max_upload_bytes`, and only for admins (the route must be
    /// admin-only, see [`Route::uploads`]).
    Upload,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    /// The path itself only.
    Exact,
    /// The path and everything under it (`/api/account` covers
    /// `/api/account/keys/3`, not `/api/accounts`).
    Prefix,
}

/// One route's policy. Build with [`Route::under`] or [`Route::exactly`]
/// and the builder methods; the defaults are a metered route with a small
/// body that refuses a failed credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub path: &'static str,
    matching: Match,
    pub surface: Surface,
    pub admin_only: bool,
    pub metered: bool,
    pub body: BodySize,
    pub failed_credential: FailedCredential,
}

impl Route {
    /// `path` and every path under it.
    pub const fn under(path: &'static str, surface: Surface) -> Route {
        Route {
            path,
            matching: Match::Prefix,
            surface,
            admin_only: false,
            metered: true,
            body: BodySize::Small,
            failed_credential: FailedCredential::Refuse,
        }
    }

    /// `path` only.
    pub const fn exactly(path: &'static str, surface: Surface) -> Route {
        Route { matching: Match::Exact, ..Route::under(path, surface) }
    }

    /// Admins only: anyone else gets 401/403 before parameters or body are
    /// looked at.
    pub const fn admin_only(self) -> Route {
        Route { admin_only: true, ..self }
    }

    /// Not metered (probes must not eat quotas).
    pub const fn unmetered(self) -> Route {
        Route { metered: false, ..self }
    }

    /// Takes the large upload limit. Only allowed on an admin-only route, so
    /// that nobody else can make the server hold a large body.
    pub const fn uploads(self) -> Route {
        assert!(self.admin_only, "an upload route must be admin-only");
        Route { body: BodySize::Upload, ..self }
    }

    /// See [`FailedCredential::Ignore`].
    pub const fn ignoring_failed_credentials(self) -> Route {
        Route { failed_credential: FailedCredential::Ignore, ..self }
    }

    fn covers(&self, path: &str) -> bool {
        match self.matching {
            Match::Exact => path == self.path,
            Match::Prefix => path
                .strip_prefix(self.path)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/') || self.path.ends_with('/')),
        }
    }
}

/// Every route's policy; a request takes the most specific one that covers
/// its path (an exact match, else the longest prefix).
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    /// Most specific first.
    routes: Vec<Route>,
}

impl RouteTable {
    pub fn new(groups: &[&[Route]]) -> RouteTable {
        let mut routes: Vec<Route> = groups.iter().flat_map(|group| group.iter().copied()).collect();
        routes.sort_by_key(|route| (route.matching == Match::Prefix, std::cmp::Reverse(route.path.len())));
        RouteTable { routes }
    }

    /// The policy for `path`; `None` when no route covers it (pages, docs).
    pub fn route(&self, path: &str) -> Option<&Route> {
        self.routes.iter().find(|route| route.covers(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTES: &[Route] = &[
        Route::under("/api", Surface::Pingoo),
        Route::under("/api/account", Surface::Urlplus),
        Route::exactly("/api/health", Surface::Pingoo).unmetered(),
        Route::under("/api/admin", Surface::Pingoo).admin_only(),
        Route::exactly("/api/admin/plugins", Surface::Pingoo).admin_only().uploads(),
    ];

    #[test]
    fn the_most_specific_route_wins() {
        let table = RouteTable::new(&[ROUTES]);
        let surface = |path| table.route(path).map(|r| r.surface);
        assert_eq!(surface("/api/account/keys/3"), Some(Surface::Urlplus));
        assert_eq!(surface("/api/account"), Some(Surface::Urlplus));
        assert_eq!(surface("/api/accounts"), Some(Surface::Pingoo), "segment boundary");
        assert_eq!(surface("/api/anything"), Some(Surface::Pingoo));
        assert_eq!(surface("/apidocs"), None);
        assert_eq!(surface("/docs"), None);
        assert!(!table.route("/api/health").unwrap().metered);
        assert!(table.route("/api/health/x").unwrap().metered, "exact means exact");
        assert_eq!(table.route("/api/admin/plugins").unwrap().body, BodySize::Upload);
        let reload = table.route("/api/admin/plugins/7/reload").unwrap();
        assert!(reload.admin_only && reload.body == BodySize::Small);
    }
}

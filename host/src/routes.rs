//! Every route's policy in one table, from each product's own declaration
//! (`ROUTES` beside its API). A product moving in adds its line here.

use crate::http::routes::{Route, RouteTable};
use crate::surface::Surface;

/// Paths of the seeds whose products are not served yet: their errors (a 404
/// for now) already come in the envelope their clients parse. Each product
/// replaces its line with its own `ROUTES` when it moves in.
const NOT_YET_SERVED: &[Route] = &[
    Route::under("/api/url", Surface::Urlplus),
    Route::under("/api/urls", Surface::Urlplus),
    Route::under("/api/qr", Surface::Urlplus),
    Route::under("/api/v1", Surface::CodeBox),
];

/// Any other `/api` path: Pingoo's envelope (its seed covers the rest of
/// `/api`: events, system).
const FALLBACK: &[Route] = &[Route::under("/api", Surface::Pingoo)];

pub fn table() -> RouteTable {
    RouteTable::new(&[
        crate::http::system_api::ROUTES,
        crate::accounts::ROUTES,
        crate::analytics::ROUTES,
        crate::counter::ROUTES,
        crate::unshort::ROUTES,
        crate::plugins::ROUTES,
        NOT_YET_SERVED,
        FALLBACK,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_surfaces() {
        let table = table();
        let surface = |path| table.route(path).map(|route| route.surface);
        assert_eq!(surface("/api/visits-counter"), Some(Surface::Counter));
        assert_eq!(surface("/api/unshort"), Some(Surface::Unshort));
        assert_eq!(surface("/api/account/keys/3"), Some(Surface::Urlplus));
        assert_eq!(surface("/api/qr/1/update"), Some(Surface::Urlplus));
        assert_eq!(surface("/api/urls"), Some(Surface::Urlplus));
        assert_eq!(surface("/api/v1/qrcode/abc/stats"), Some(Surface::CodeBox));
        assert_eq!(surface("/api/auth/login"), Some(Surface::Pingoo));
        assert_eq!(surface("/api/nothing-here"), Some(Surface::Pingoo));
        assert_eq!(surface("/apidocs"), None);
        assert_eq!(surface("/docs"), None);
    }

    #[test]
    fn policies() {
        let table = table();
        let route = |path| *table.route(path).unwrap();
        assert!(!route("/api/health").metered);
        assert!(route("/api/admin/themes/x/preview").admin_only);
        assert!(route("/api/admin/plugins").admin_only);
        assert!(!route("/api/account/keys").admin_only);
        use crate::http::routes::{BodySize, FailedCredential};
        assert_eq!(route("/api/admin/plugins").body, BodySize::Upload);
        assert_eq!(route("/api/admin/plugins/x/reload").body, BodySize::Small);
        assert_eq!(route("/api/visits-counter").body, BodySize::Small);
        assert_eq!(route("/api/auth/login").failed_credential, FailedCredential::Ignore);
        assert_eq!(route("/api/auth/me").failed_credential, FailedCredential::Refuse);
        assert_eq!(route("/api/visits-counter").failed_credential, FailedCredential::Refuse);
    }
}

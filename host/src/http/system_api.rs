//! `GET /api/health`, in Pingoo's shape.

use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi, Tags};

use super::Surface;
use super::routes::Route;

/// Probes: never metered, and a stray credential does not fail them.
pub const ROUTES: &[Route] =
    &[Route::exactly("/api/health", Surface::Pingoo).unmetered().ignoring_failed_credentials()];

#[derive(Tags)]
enum ApiTags {
    /// Server status.
    #[oai(rename = "Pingoo: system")]
    PingooSystem,
}

#[derive(Debug, Object)]
pub struct HealthBody {
    /// 0: serving.
    pub code: i32,
    pub msg: String,
}

#[derive(ApiResponse)]
pub enum HealthAnswer {
    #[oai(status = 200)]
    Ok(Json<HealthBody>),
}

pub struct SystemApi;

#[OpenApi(tag = "ApiTags::PingooSystem")]
impl SystemApi {
    /// Liveness: answers as long as the server accepts requests. Not metered,
    /// so probes never eat a quota.
    #[oai(path = "/api/health", method = "get")]
    async fn health(&self) -> HealthAnswer {
        HealthAnswer::Ok(Json(HealthBody { code: 0, msg: "服务运行正常".into() }))
    }
}

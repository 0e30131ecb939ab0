//! `/api/admin/plugins`: operators list, upload, enable, disable, reload and
//! delete plugins of a running server (admin role, Pingoo envelope).

use std::sync::Arc;

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Binary;
use poem_openapi::types::multipart::Upload;
use poem_openapi::{ApiRequest, ApiResponse, Multipart, Object, OpenApi, ResponseContent, Tags};

use super::counter_theme::Themes;
use super::registry::{LoadFailure, PluginStatus};
use super::service::Plugins;
use crate::accounts::Role;
use crate::counter::badge::{Badge, Mode};
use crate::http::credentials::Auth;
use crate::http::envelope::{PingooError, PingooOk};
use crate::http::query_text::QueryText;
use crate::http::{Failure, FailureKind};
use crate::text_rule;

#[derive(Tags)]
enum ApiTags {
    /// Plugin administration (admin role).
    #[oai(rename = "Admin: plugins")]
    AdminPlugins,
}

type Answer<T> = Result<PingooOk<T>, PingooError>;

#[derive(Debug, Object)]
pub struct ProvidedView {
    pub key: String,
    pub name: String,
}

#[derive(Debug, Object)]
pub struct PluginView {
    pub id: String,
    pub version: String,
    /// `counter-theme`, `qr-style`, `unshort-rule` or `analytics-enricher`.
    pub kind: String,
    /// WIT API version the plugin was built against.
    pub api: String,
    pub description: String,
    pub provides: Vec<ProvidedView>,
    /// Where the active version comes from: `builtin`, `directory`, `upload`.
    pub source: String,
    pub origin: String,
    /// Every source holding a version of this plugin.
    pub sources: Vec<String>,
    pub enabled: bool,
    pub sha256: String,
    pub memory_mib: u32,
    pub timeout_ms: u32,
    /// Analytics enrichers: the event fields the plugin reads (its answers
    /// are cached by them); absent: all, uncached.
    #[oai(skip_serializing_if_is_none)]
    pub reads: Option<Vec<String>>,
    pub calls: u64,
    pub errors: u64,
    /// Failures since the last success.
    pub consecutive_errors: u64,
    #[oai(nullable)]
    pub last_error: Option<String>,
}

fn source_name(source: super::Source) -> String {
    serde_json::to_value(source).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

impl From<PluginStatus> for PluginView {
    fn from(s: PluginStatus) -> Self {
        Self {
            id: s.id,
            version: s.version,
            kind: s.kind.to_string(),
            api: s.api,
            description: s.description,
            provides: s.provides.into_iter().map(|(key, name)| ProvidedView { key, name }).collect(),
            source: source_name(s.source),
            origin: s.origin,
            sources: s.sources.into_iter().map(source_name).collect(),
            enabled: s.enabled,
            sha256: s.sha256,
            memory_mib: s.memory_mib,
            timeout_ms: s.timeout_ms,
            reads: s.reads,
            calls: s.calls,
            errors: s.errors,
            consecutive_errors: s.consecutive_errors,
            last_error: s.last_error,
        }
    }
}

#[derive(Debug, Object)]
pub struct FailureView {
    /// The file, or `upload:<id>`, that failed to load.
    pub origin: String,
    pub error: String,
    pub at_ms: i64,
}

impl From<LoadFailure> for FailureView {
    fn from(f: LoadFailure) -> Self {
        Self { origin: f.origin, error: f.error, at_ms: f.at_ms }
    }
}

#[derive(Debug, Object)]
pub struct PluginList {
    pub plugins: Vec<PluginView>,
    /// Candidates that were refused; the previous version of each kept serving.
    pub failures: Vec<FailureView>,
}

#[derive(Debug, Multipart)]
pub struct UploadForm {
    /// The component (`.wasm`).
    pub file: Upload,
}

#[derive(ApiRequest)]
pub enum UploadBody {
    /// The component as the raw request body.
    #[oai(content_type = "application/wasm")]
    Wasm(Binary<Vec<u8>>),
    #[oai(content_type = "application/octet-stream")]
    Octets(Binary<Vec<u8>>),
    Form(UploadForm),
}

#[derive(ApiResponse)]
pub enum PreviewAnswer {
    /// The theme's SVG (`format=svg`, the default), or the badge rasterised
    /// as the counter's `format=png` does it.
    #[oai(status = 200)]
    Ok(PreviewImage),
}

/// Both media types under one status, so the spec lists both.
#[derive(ResponseContent)]
pub enum PreviewImage {
    #[oai(content_type = "image/svg+xml")]
    Svg(Binary<Vec<u8>>),
    #[oai(content_type = "image/png")]
    Png(Binary<Vec<u8>>),
}

text_rule!(pub PreviewFormatText, pattern = r"^[\t-\r ]*(svg|png)?[\t-\r ]*$");

pub struct AdminPluginsApi {
    pub plugins: Arc<Plugins>,
}

impl AdminPluginsApi {
    fn view(&self, id: &str) -> Result<PluginView, PingooError> {
        let (statuses, _) = self.plugins.registry().statuses();
        statuses
            .into_iter()
            .find(|s| s.id == id)
            .map(PluginView::from)
            .ok_or_else(|| Failure::not_found(format!("plugin `{id}` not found")).into())
    }
}

fn require_admin(auth: &Auth) -> Result<(), PingooError> {
    if auth.principal().role == Role::Admin {
        Ok(())
    } else {
        Err(Failure::new(FailureKind::Forbidden, "admin role required").into())
    }
}

#[OpenApi(tag = "ApiTags::AdminPlugins")]
impl AdminPluginsApi {
    /// Every plugin with its active version, status and call/error counts,
    /// plus recently refused candidates.
    #[oai(path = "/api/admin/plugins", method = "get")]
    async fn list(&self, auth: Auth) -> Answer<PluginList> {
        require_admin(&auth)?;
        let (statuses, failures) = self.plugins.registry().statuses();
        Ok(PingooOk::data(PluginList {
            plugins: statuses.into_iter().map(PluginView::from).collect(),
            failures: failures.into_iter().map(FailureView::from).collect(),
        }))
    }

    /// Upload a plugin (raw body or multipart field `file`). It is compiled,
    /// checked against its world and smoke-called before it replaces any
    /// version of the same id; a bad one is refused with the reason and the
    /// old version keeps serving. Every replica picks it up.
    #[oai(path = "/api/admin/plugins", method = "post")]
    async fn upload(&self, auth: Auth, body: UploadBody) -> Answer<PluginView> {
        require_admin(&auth)?;
        let bytes = match body {
            UploadBody::Wasm(Binary(bytes)) | UploadBody::Octets(Binary(bytes)) => bytes,
            UploadBody::Form(form) => {
                form.file.into_vec().await.map_err(|e| Failure::bad_request(format!("reading the upload: {e}")))?
            }
        };
        if bytes.is_empty() {
            return Err(Failure::bad_request("empty upload: send the component's bytes").into());
        }
        let loaded = self.plugins.upload(bytes).await?;
        Ok(PingooOk::data(self.view(&loaded.manifest.id)?))
    }

    /// Let a plugin serve again (on every replica).
    #[oai(path = "/api/admin/plugins/:id/enable", method = "post")]
    async fn enable(&self, auth: Auth, id: Path<String>) -> Answer<PluginView> {
        require_admin(&auth)?;
        self.plugins.set_enabled(&id, true).await?;
        Ok(PingooOk::data(self.view(&id)?))
    }

    /// Stop a plugin from serving (on every replica) without removing it.
    #[oai(path = "/api/admin/plugins/:id/disable", method = "post")]
    async fn disable(&self, auth: Auth, id: Path<String>) -> Answer<PluginView> {
        require_admin(&auth)?;
        self.plugins.set_enabled(&id, false).await?;
        Ok(PingooOk::data(self.view(&id)?))
    }

    /// Load a plugin afresh from its sources (new instances, counters reset).
    #[oai(path = "/api/admin/plugins/:id/reload", method = "post")]
    async fn reload(&self, auth: Auth, id: Path<String>) -> Answer<PluginView> {
        require_admin(&auth)?;
        self.plugins.reload(&id).await?;
        Ok(PingooOk::data(self.view(&id)?))
    }

    /// Delete an uploaded plugin (built-ins can be disabled; directory
    /// plugins go away with their file).
    #[oai(path = "/api/admin/plugins/:id", method = "delete")]
    async fn delete(&self, auth: Auth, id: Path<String>) -> Answer<String> {
        require_admin(&auth)?;
        self.plugins.delete(&id).await?;
        Ok(PingooOk::data(format!("plugin {} deleted", id.0)))
    }

    /// Draw a counter theme through its plugin without touching any counter:
    /// for checking a freshly loaded theme.
    #[allow(clippy::too_many_arguments)] // one per query parameter, as poem-openapi takes them
    #[oai(path = "/api/admin/themes/:key/preview", method = "get")]
    async fn preview(
        &self,
        auth: Auth,
        key: Path<String>,
        /// The number to draw.
        #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000000")))]
        value: Query<Option<u64>>,
        /// Digits, 4 to 12.
        #[oai(validator(minimum(value = "4"), maximum(value = "12")))]
        length: Query<Option<u8>>,
        /// `false` draws the static first frame (as for PNG).
        animate: Query<Option<bool>>,
        /// `svg` (default) or `png`, as on the counter.
        format: Query<Option<QueryText<PreviewFormatText>>>,
        /// PNG size multiplier, 1 to 4 (default 1).
        #[oai(validator(minimum(value = "1"), maximum(value = "4")))]
        scale: Query<Option<u8>>,
    ) -> Result<PreviewAnswer, PingooError> {
        require_admin(&auth)?;
        let length = length.0.unwrap_or(7);
        if !(4..=12).contains(&length) {
            return Err(Failure::bad_request("length must be between 4 and 12").into());
        }
        let png = match format.0.as_deref().map(str::trim) {
            None | Some("") | Some("svg") => false,
            Some("png") => true,
            Some(other) => return Err(Failure::bad_request(format!("format must be svg or png, not `{other}`")).into()),
        };
        let scale = scale.0.unwrap_or(1);
        if !(1..=4).contains(&scale) {
            return Err(Failure::bad_request("scale must be between 1 and 4").into());
        }
        let request = Badge {
            theme: key.0,
            value: value.0.unwrap_or(1234),
            length,
            mode: Mode::Total,
            label: "preview".into(),
            // A PNG is one still frame, as the counter draws it.
            animate: !png && animate.0.unwrap_or(true),
            params: Vec::new(),
        };
        let rendered = Themes::of(&self.plugins).render(&request).await?;
        if !png {
            return Ok(PreviewAnswer::Ok(PreviewImage::Svg(Binary(rendered.svg.into_bytes()))));
        }
        let bytes = tokio::task::spawn_blocking(move || crate::raster::rasterise(&rendered.svg, scale))
            .await
            .map_err(|e| e.to_string())
            .and_then(|result| result.map_err(|e| e.to_string()))
            .map_err(|e| Failure::new(FailureKind::PluginFailed, format!("rasterising failed: {e}")))?;
        Ok(PreviewAnswer::Ok(PreviewImage::Png(Binary(bytes))))
    }
}

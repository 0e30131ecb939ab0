//! `/api/sites*`, as Pingoo documents it: `{"code":0,"msg":"success","data":…}`.

use std::sync::Arc;

use chrono::{SecondsFormat, TimeZone, Utc};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::registry::MetaSchema;
use poem_openapi::{Object, OpenApi, Tags};

use super::service::Analytics;
use super::site::{DOMAIN_PATTERN, MAX_DOMAIN, NAME_PATTERN, Site};
use crate::clock::Clock;
use crate::http::credentials::Auth;
use crate::http::envelope::{PingooError, PingooOk};
use crate::http::json_text::{JsonText, TextSchema};

#[derive(Tags)]
enum ApiTags {
    /// Pingoo-compatible web analytics: the sites you track.
    #[oai(rename = "Pingoo: sites")]
    PingooSites,
}

type Answer<T> = Result<PingooOk<T>, PingooError>;

/// A site's display name.
pub struct SiteName;

impl TextSchema for SiteName {
    fn describe(schema: &mut MetaSchema) {
        schema.pattern = Some(NAME_PATTERN.to_string());
        schema.description = Some("1–100 characters once trimmed; no control or bidirectional formatting characters.");
    }
}

/// The site's address.
pub struct SiteDomain;

impl TextSchema for SiteDomain {
    fn describe(schema: &mut MetaSchema) {
        schema.max_length = Some(MAX_DOMAIN);
        schema.pattern = Some(DOMAIN_PATTERN.to_string());
        schema.description = Some("A host name, optionally with `http://` or `https://`, port and path.");
    }
}

#[derive(Debug, Object)]
pub struct NewSite {
    pub name: JsonText<SiteName>,
    pub domain: JsonText<SiteDomain>,
}

#[derive(Debug, Object)]
pub struct SiteUpdate {
    /// Absent or `null`: unchanged.
    #[oai(nullable)]
    pub name: Option<JsonText<SiteName>>,
    /// Absent or `null`: unchanged.
    #[oai(nullable)]
    pub domain: Option<JsonText<SiteDomain>>,
}

#[derive(Debug, Object)]
pub struct SiteView {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub domain: String,
    /// The public id the tracker script sends (`data-site`).
    pub tracking_id: String,
    /// RFC 3339 with the server's offset.
    pub created_at: String,
    pub updated_at: String,
    /// `GET /api/sites/{id}` only: the `<script>` tag to paste into the site.
    #[oai(skip_serializing_if_is_none)]
    pub snippet: Option<String>,
}

#[derive(Debug, Object)]
pub struct SiteList {
    pub list: Vec<SiteView>,
    /// Sites matching `search`, on every page.
    pub total: i64,
    pub page: u32,
    pub page_size: u32,
}

#[derive(Debug, Object)]
pub struct Cleared {
    pub message: String,
}

pub struct PingooSitesApi {
    pub analytics: Arc<Analytics>,
    pub clock: Clock,
    /// The configured public URL; `None`: the request's own host.
    pub public_url: Option<String>,
}

impl PingooSitesApi {
    fn time(&self, ms: i64) -> String {
        Utc.timestamp_millis_opt(ms)
            .single()
            .map(|t| t.with_timezone(&self.clock.tz()).to_rfc3339_opts(SecondsFormat::Millis, false))
            .unwrap_or_default()
    }

    fn view(&self, site: Site) -> SiteView {
        SiteView {
            id: site.id,
            user_id: site.user_id,
            created_at: self.time(site.created_at),
            updated_at: self.time(site.updated_at),
            name: site.name,
            domain: site.domain,
            tracking_id: site.tracking_id,
            snippet: None,
        }
    }

    /// Where the tracker is served from: the public URL, else the host this
    /// request reached (scheme-relative, so it follows the page's).
    fn tracker_base(&self, req: &poem::Request) -> String {
        if let Some(base) = &self.public_url {
            return base.clone();
        }
        let host = req.headers().get(poem::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
        format!("//{host}")
    }
}

/// `text` safe inside a double-quoted HTML attribute.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;").replace('\'', "&#39;")
}

#[OpenApi(tag = "ApiTags::PingooSites")]
impl PingooSitesApi {
    /// Add a site to track. It gets a fresh public `tracking_id`.
    #[oai(path = "/api/sites", method = "post")]
    async fn create(&self, auth: Auth, body: Json<NewSite>) -> Answer<SiteView> {
        let site = self.analytics.create_site(auth.user_id(), &body.name, &body.domain).await?;
        Ok(PingooOk::data(self.view(site)))
    }

    /// Your sites, newest first.
    #[oai(path = "/api/sites", method = "get")]
    async fn list(
        &self,
        auth: Auth,
        /// Page number, from 1.
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))]
        page: Query<Option<u32>>,
        /// Sites per page, 1–100 (default 10).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
        /// Matches name or domain, case-insensitively.
        #[oai(validator(max_length = 300))]
        search: Query<Option<String>>,
    ) -> Answer<SiteList> {
        let (page, page_size) = (page.0.unwrap_or(1), limit.0.unwrap_or(10));
        let found = self.analytics.sites(auth.user_id(), search.0.as_deref(), page, page_size).await?;
        let list = found.items.into_iter().map(|site| self.view(site)).collect();
        Ok(PingooOk::data(SiteList { list, total: found.total, page, page_size }))
    }

    /// One of your sites, with the tracker snippet.
    #[oai(path = "/api/sites/:id", method = "get")]
    async fn get(&self, req: &poem::Request, auth: Auth, id: Path<i64>) -> Answer<SiteView> {
        let site = self.analytics.site(auth.user_id(), id.0).await?;
        let snippet = format!(
            r#"<script defer src="{}/script.js" data-site="{}"></script>"#,
            attribute(&self.tracker_base(req)),
            attribute(&site.tracking_id)
        );
        Ok(PingooOk::data(SiteView { snippet: Some(snippet), ..self.view(site) }))
    }

    /// Rename a site or change its domain; its tracking id stays.
    #[oai(path = "/api/sites/:id", method = "put")]
    async fn update(&self, auth: Auth, id: Path<i64>, body: Json<SiteUpdate>) -> Answer<SiteView> {
        let site =
            self.analytics.update_site(auth.user_id(), id.0, body.name.as_deref(), body.domain.as_deref()).await?;
        Ok(PingooOk::data(self.view(site)))
    }

    /// Delete every event recorded for a site; the site and its tracking id
    /// stay.
    #[oai(path = "/api/sites/:id/stats", method = "delete")]
    async fn clear_stats(&self, auth: Auth, id: Path<i64>) -> Answer<Cleared> {
        self.analytics.clear_stats(auth.user_id(), id.0).await?;
        Ok(PingooOk::data(Cleared { message: "统计数据已清空".into() }))
    }

    /// Delete a site and everything recorded for it.
    #[oai(path = "/api/sites/:id", method = "delete")]
    async fn delete(&self, auth: Auth, id: Path<i64>) -> Answer<String> {
        self.analytics.delete_site(auth.user_id(), id.0).await?;
        Ok(PingooOk::data("站点删除成功".to_string()))
    }
}

//! Analytics' rules: a user's sites (each user sees only their own) and
//! the events recorded for them.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;

use super::config::AnalyticsConfig;
use super::error::AnalyticsError;
use super::event::{CLOCK_SKEW_MS, Event, Incoming, LATE_EVENTS_MS};
use super::geo::{Geo, Place};
use super::ingest::Ingest;
use super::report::{Extras, Period, Reports, Summary};
use super::rollup::dimension::Dimension;
use super::site::{Site, checked_domain, checked_name, new_tracking_id};
use super::store::events::{self, Filter};
use super::store::rollups;
use super::store::sites as store;
use super::visitor::Visitors;
use crate::clock::Clock;
use crate::plugins::Plugins;
use crate::plugins::analytics_enricher::{self as enricher, Enrichers};
use crate::store::Db;

pub struct Analytics {
    db: Db,
    clock: Clock,
    geo: Geo,
    visitors: Visitors,
    store_ip: bool,
    plugins: Arc<Plugins>,
    enricher_order: Vec<String>,
    enrichments: enricher::EnrichmentCache,
    ingest: Arc<Ingest>,
    /// Site id → owner, so recording an event needs no database read. A
    /// site deleted on another replica may take events for this long; they
    /// are dropped when written (see `Ingest::flush`).
    owners: Cache<i64, i64>,
    /// Tracking id → (site id, the host its pages are on), for the tracker.
    tracked: Cache<String, Option<(i64, String)>>,
    check_origin: bool,
    reports: Reports,
}

/// What the tracker script sends (see `tracker/script.js`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Beacon {
    pub tid: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub url: String,
    #[serde(rename = "ref", default)]
    pub referrer: String,
    #[serde(default)]
    pub screen: String,
    #[serde(default)]
    pub lang: String,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub ms: Option<i64>,
}

/// Enricher answers kept (see [`enricher::EnrichmentCache`]).
const ENRICHMENT_CACHE: u64 = 50_000;

/// How long a site's owner is remembered.
const OWNER_TTL: Duration = Duration::from_secs(30);

/// One page of a listing.
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

impl Analytics {
    pub fn new(db: Db, clock: Clock, config: &AnalyticsConfig, plugins: Arc<Plugins>) -> Self {
        let interval = Duration::from_millis(config.flush_interval_ms);
        Self {
            geo: Geo::open(config),
            visitors: Visitors::new(db.clone(), clock),
            store_ip: config.store_ip,
            plugins,
            enricher_order: config.enrichers.clone(),
            enrichments: enricher::EnrichmentCache::new(ENRICHMENT_CACHE),
            ingest: Arc::new(Ingest::new(db.clone(), clock, config.buffer_events, interval, config.flush_batch_events)),
            owners: Cache::builder().max_capacity(100_000).time_to_live(OWNER_TTL).build(),
            tracked: Cache::builder().max_capacity(100_000).time_to_live(OWNER_TTL).build(),
            check_origin: config.check_origin,
            reports: Reports::new(db.clone(), clock),
            db,
            clock,
        }
    }

    /// The event buffer, for the flush loop.
    pub fn ingest(&self) -> Arc<Ingest> {
        self.ingest.clone()
    }

    fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    pub async fn create_site(&self, user_id: i64, name: &str, domain: &str) -> Result<Site, AnalyticsError> {
        let (name, domain) = (checked_name(name)?, checked_domain(domain)?);
        Ok(store::insert(&self.db, user_id, &name, &domain, &new_tracking_id(), self.now_ms()).await?)
    }

    /// The user's sites, newest first; `page` counts from 1.
    pub async fn sites(
        &self,
        user_id: i64,
        search: Option<&str>,
        page: u32,
        per_page: u32,
    ) -> Result<Page<Site>, AnalyticsError> {
        let search = search.map(str::trim).filter(|s| !s.is_empty());
        let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
        let (items, total) = store::page(&self.db, user_id, search, i64::from(per_page), offset).await?;
        Ok(Page { items, total })
    }

    /// The user's site `id`; another user's is [`AnalyticsError::SiteNotFound`].
    pub async fn site(&self, user_id: i64, id: i64) -> Result<Site, AnalyticsError> {
        store::owned(&self.db, user_id, id).await?.ok_or(AnalyticsError::SiteNotFound)
    }

    /// Changes name and/or domain; an absent field keeps its value.
    pub async fn update_site(
        &self,
        user_id: i64,
        id: i64,
        name: Option<&str>,
        domain: Option<&str>,
    ) -> Result<Site, AnalyticsError> {
        let current = self.site(user_id, id).await?;
        let name = name.map(checked_name).transpose()?.unwrap_or(current.name);
        let domain = domain.map(checked_domain).transpose()?.unwrap_or(current.domain);
        store::update(&self.db, user_id, id, &name, &domain, self.now_ms()).await?.ok_or(AnalyticsError::SiteNotFound)
    }

    /// Deletes the site and, with it, its events.
    pub async fn delete_site(&self, user_id: i64, id: i64) -> Result<(), AnalyticsError> {
        self.owners.invalidate(&id);
        if !store::delete(&self.db, user_id, id).await? {
            return Err(AnalyticsError::SiteNotFound);
        }
        self.ingest.discard_site(id);
        Ok(())
    }

    /// Deletes the site's events (buffered ones too) and rollups, keeping
    /// the site.
    pub async fn clear_stats(&self, user_id: i64, id: i64) -> Result<(), AnalyticsError> {
        self.site(user_id, id).await?;
        self.ingest.discard_site(id);
        rollups::clear_site(&self.db, id).await?;
        Ok(())
    }

    /// Checks that `site_id` is the user's, from memory when it can.
    async fn check_owner(&self, user_id: i64, site_id: i64) -> Result<(), AnalyticsError> {
        let owner = match self.owners.get(&site_id) {
            Some(owner) => owner,
            None => {
                let site = store::owned(&self.db, user_id, site_id).await?.ok_or(AnalyticsError::SiteNotFound)?;
                self.owners.insert(site_id, site.user_id);
                site.user_id
            }
        };
        if owner == user_id { Ok(()) } else { Err(AnalyticsError::SiteNotFound) }
    }

    /// Records one event for the user's site: checked, placed, acknowledged
    /// with its id and written with the next batch. An absent `ip` is the
    /// client's address.
    pub async fn record(
        &self,
        user_id: i64,
        incoming: Incoming,
        client_ip: Option<IpAddr>,
    ) -> Result<Event, AnalyticsError> {
        let incoming = incoming.checked()?;
        if let Some(at) = incoming.at_ms {
            let now = self.now_ms();
            if at < now - LATE_EVENTS_MS || at > now + CLOCK_SKEW_MS {
                return Err(AnalyticsError::Invalid("timestamp must be within the last 24 hours".into()));
            }
        }
        self.check_owner(user_id, incoming.site_id).await?;
        self.store(incoming, client_ip).await
    }

    /// Records what the tracker sent for the site with `beacon.tid`, from
    /// a page whose `Origin` is on the site's domain (unless
    /// `analytics.check_origin` is off).
    pub async fn collect(
        &self,
        beacon: Beacon,
        origin: Option<&str>,
        user_agent: &str,
        client_ip: Option<IpAddr>,
    ) -> Result<(), AnalyticsError> {
        let (site_id, host) = self.tracked_site(beacon.tid.trim()).await?;
        if self.check_origin && !origin.is_some_and(|origin| origin_is_on(origin, &host)) {
            return Err(AnalyticsError::Forbidden(format!("events for this site are taken only from pages on {host}")));
        }
        let (event_type, event_value) = match beacon.kind.trim() {
            "" => return Err(AnalyticsError::Invalid("type is required".into())),
            kind => (kind.to_string(), beacon.value.unwrap_or_default()),
        };
        let incoming = Incoming {
            site_id,
            url: beacon.url,
            referrer: beacon.referrer,
            user_agent: user_agent.to_string(),
            screen: beacon.screen,
            language: beacon.lang,
            duration_ms: if event_type == "engagement" { beacon.ms.unwrap_or(0) } else { 0 },
            event_type,
            event_value,
            ..Incoming::default()
        }
        .checked_as(false)?;
        self.store(incoming, client_ip).await.map(drop)
    }

    async fn tracked_site(&self, tracking_id: &str) -> Result<(i64, String), AnalyticsError> {
        if let Some(known) = self.tracked.get(tracking_id) {
            return known.ok_or(AnalyticsError::SiteNotFound);
        }
        let site = store::by_tracking_id(&self.db, tracking_id).await?;
        let known = site.and_then(|site| Some((site.id, super::site::host_of(&site.domain)?)));
        self.tracked.insert(tracking_id.to_string(), known.clone());
        known.ok_or(AnalyticsError::SiteNotFound)
    }

    /// Places, enriches and queues a checked event.
    async fn store(&self, incoming: Incoming, client_ip: Option<IpAddr>) -> Result<Event, AnalyticsError> {
        let ip = if incoming.ip.is_empty() { client_ip } else { incoming.ip.parse().ok() };
        let place = ip.map(|ip| self.geo.locate(ip)).unwrap_or_default();
        let utm = |key: &str| query_value(&incoming.url, key);
        let answers = self.enrich(&incoming, ip, &place).await;
        // A later enricher's field wins.
        let seen = |name: &str| answers.iter().rev().find_map(|answer| answer.get(name).cloned());
        let field = |name: &str| seen(name).unwrap_or_default();
        let visitor_id = self.visitors.id(incoming.site_id, ip, &incoming.user_agent).await?;
        let (ip_key, ip_hash) = self.visitors.ip_ids(incoming.site_id, ip).await?;
        let session_id = if incoming.session_id.is_empty() { visitor_id.clone() } else { incoming.session_id.clone() };
        let event = Event {
            session_id,
            visitor_id,
            device: field("device"),
            browser: field("browser"),
            os: field("os"),
            is_bot: field("is_bot") == "true",
            source: field("source"),
            source_name: field("source_name"),
            medium: field("medium"),
            id: self.ingest.next_id().await?,
            site_id: incoming.site_id,
            ip: match ip {
                Some(ip) if self.store_ip => ip.to_string(),
                _ => String::new(),
            },
            utm_source: utm("utm_source"),
            utm_medium: utm("utm_medium"),
            utm_campaign: utm("utm_campaign"),
            country: seen("country").or(place.country).unwrap_or_default(),
            subdivision: seen("subdivision").or(place.subdivision).unwrap_or_default(),
            city: seen("city").or(place.city).unwrap_or_default(),
            isp: seen("isp").or(place.isp).unwrap_or_default(),
            user_id: incoming.user_id,
            url: incoming.url,
            referrer: incoming.referrer,
            user_agent: incoming.user_agent,
            screen: incoming.screen,
            language: incoming.language,
            event_type: incoming.event_type,
            event_value: incoming.event_value,
            duration_ms: incoming.duration_ms,
            created_at: incoming.at_ms.unwrap_or_else(|| self.now_ms()),
            ip_key,
            ip_hash,
        };
        self.ingest.accept(event.clone())?;
        Ok(event)
    }

    /// What the enricher plugins say about the event, in the configured
    /// order (a later one's field wins). A failing or slow enricher (each
    /// call is bounded by its plugin's time limit) adds nothing and is
    /// counted in the admin listing; the event is recorded all the same.
    async fn enrich(&self, incoming: &Incoming, ip: Option<IpAddr>, place: &Place) -> Vec<Arc<enricher::Enrichment>> {
        let optional = |text: &str| (!text.is_empty()).then(|| text.to_string());
        let event = enricher::Event {
            site_id: u64::try_from(incoming.site_id).unwrap_or_default(),
            session_id: incoming.session_id.clone(),
            user_id: optional(&incoming.user_id),
            ip: ip.map(|ip| ip.to_string()).unwrap_or_default(),
            user_agent: incoming.user_agent.clone(),
            url: incoming.url.clone(),
            referrer: optional(&incoming.referrer),
            screen: optional(&incoming.screen),
            event_type: incoming.event_type.clone(),
            event_value: optional(&incoming.event_value),
            geo: enricher::Geo {
                country: place.country.clone(),
                subdivision: place.subdivision.clone(),
                city: place.city.clone(),
                isp: place.isp.clone(),
                asn: place.asn,
            },
        };
        let mut answers = Vec::new();
        for handle in Enrichers::of(&self.plugins).in_order(&self.enricher_order) {
            match handle.enrich(&event, &self.enrichments).await {
                Ok(fields) => answers.push(fields),
                Err(error) => {
                    tracing::debug!(%error, plugin = handle.plugin_id(), "enricher failed; its fields stay empty")
                }
            }
        }
        answers
    }

    /// One page of the user's site's events, newest first. Events are
    /// listed once written (within `analytics.flush_interval_ms`).
    pub async fn events(
        &self,
        user_id: i64,
        site_id: i64,
        filter: &Filter,
        page: u32,
        per_page: u32,
    ) -> Result<(Site, Page<Event>), AnalyticsError> {
        let site = self.site(user_id, site_id).await?;
        let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
        let (items, total) = events::page(&self.db, site_id, filter, i64::from(per_page), offset).await?;
        Ok((site, Page { items, total }))
    }
}

impl Analytics {
    /// The summary of the user's site over `period`.
    pub async fn summary(
        &self,
        user_id: i64,
        site_id: i64,
        period: Period,
        extras: Extras,
    ) -> Result<Summary, AnalyticsError> {
        self.site(user_id, site_id).await?;
        self.reports.summary(site_id, period, extras).await
    }

    /// One page of a ranking of the user's site: (value, count) and how
    /// many values there are.
    #[allow(clippy::too_many_arguments)]
    pub async fn ranking(
        &self,
        user_id: i64,
        site_id: i64,
        dimension: Dimension,
        event_type: &str,
        period: Period,
        page: u32,
        page_size: u32,
    ) -> Result<Page<(String, i64)>, AnalyticsError> {
        self.site(user_id, site_id).await?;
        let (items, total) = self.reports.ranking(site_id, dimension, event_type, period, page, page_size).await?;
        Ok(Page { items, total })
    }

    /// Today in the server's time zone, the default report day.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }
}

/// Whether the page origin (`https://www.example.com`) is on `host` or one
/// of its subdomains; a site registered as `www.example.com` also takes
/// `example.com`.
fn origin_is_on(origin: &str, host: &str) -> bool {
    let Some(origin_host) = super::site::host_of(origin) else { return false };
    let base = host.strip_prefix("www.").unwrap_or(host);
    origin_host == base || origin_host.ends_with(&format!(".{base}"))
}

/// The first value of `key` in `url`'s query, decoded; "" if none.
fn query_value(url: &str, key: &str) -> String {
    let Some((_, query)) = url.split_once('?') else { return String::new() };
    let query = query.split('#').next().unwrap_or_default();
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == key)
        .map(|(_, value)| value.chars().take(256).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{origin_is_on, query_value};

    #[test]
    fn origins_match_the_site_and_its_subdomains_only() {
        assert!(origin_is_on("https://example.com", "example.com"));
        assert!(origin_is_on("https://www.example.com", "example.com"));
        assert!(origin_is_on("http://example.com:8080", "www.example.com"));
        assert!(origin_is_on("https://blog.example.com", "example.com"));
        assert!(!origin_is_on("https://example.com.evil.net", "example.com"));
        assert!(!origin_is_on("https://notexample.com", "example.com"));
        assert!(!origin_is_on("null", "example.com"));
    }

    #[test]
    fn utm_tags_come_from_the_page_url() {
        let url = "https://example.com/?utm_source=news%20letter&utm_medium=email&x=1#utm_campaign=no";
        assert_eq!(query_value(url, "utm_source"), "news letter");
        assert_eq!(query_value(url, "utm_medium"), "email");
        assert_eq!(query_value(url, "utm_campaign"), "");
        assert_eq!(query_value("https://example.com/", "utm_source"), "");
    }
}

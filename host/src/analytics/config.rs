//! Operator settings for web analytics.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::geo::LOCALES;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalyticsConfig {
    /// A MaxMind City database (GeoIP2 or GeoLite2 City, `.mmdb`) for
    /// `country`, `subdivision` and `city`. Unset or unreadable: those fields
    /// stay empty (one warning at start).
    pub geoip_city_db: Option<PathBuf>,
    /// An ISP database (GeoIP2 ISP) or an ASN database (GeoLite2 ASN, DB-IP
    /// ASN Lite) for `isp`. Unset or unreadable: `isp` stays empty.
    pub geoip_isp_db: Option<PathBuf>,
    /// The language of place names: `en` (default), `de`, `es`, `fr`, `ja`,
    /// `pt-BR`, `ru` or `zh-CN` (Pingoo's examples: `美国`). A name missing
    /// in that language falls back to English.
    pub geo_locale: String,
    /// Keep each event's raw IP address (the seed returns `ip`). Off: `ip`
    /// is stored empty and only the daily-salted visitor hash remains.
    pub store_ip: bool,
    /// How often accepted events are written to the database (and the most
    /// a crash can lose). Events are also written on shutdown, and as soon
    /// as `flush_batch_events` wait.
    pub flush_interval_ms: u64,
    /// Waiting events that start a write before the interval ends (0: only
    /// the interval does): under load the writer starts sooner, and memory
    /// holds one such batch being written rather than a whole buffer.
    pub flush_batch_events: usize,
    /// Events accepted but not yet written, at most; past it `POST
    /// /api/events` answers 503 with `Retry-After` until the next flush.
    pub buffer_events: usize,
    /// Enricher keys in the order they run (a later one's field wins);
    /// installed enrichers not listed run afterwards, in key order.
    pub enrichers: Vec<String>,
    /// The tracker's collect endpoint takes an event only from a page of
    /// the site's domain (its `Origin`, subdomains included). Off: from
    /// anywhere (a tracking id is public, so anyone could send events).
    pub check_origin: bool,
}

impl Default for AnalyticsConfig {
    fn default() -> Self {
        Self {
            geoip_city_db: None,
            geoip_isp_db: None,
            geo_locale: "en".into(),
            store_ip: true,
            flush_interval_ms: 1000,
            flush_batch_events: 25_000,
            buffer_events: 100_000,
            enrichers: vec!["user-agent".into(), "referrer".into()],
            check_origin: true,
        }
    }
}

impl AnalyticsConfig {
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        if !LOCALES.contains(&self.geo_locale.as_str()) {
            return Err(("analytics.geo_locale", format!("must be one of {}", LOCALES.join(", "))));
        }
        if self.flush_interval_ms == 0 || self.flush_interval_ms > 60_000 {
            return Err(("analytics.flush_interval_ms", "must be between 1 and 60000".into()));
        }
        if self.buffer_events == 0 {
            return Err(("analytics.buffer_events", "must be greater than 0".into()));
        }
        Ok(())
    }
}

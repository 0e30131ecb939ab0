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
}

impl Default for AnalyticsConfig {
    fn default() -> Self {
        Self { geoip_city_db: None, geoip_isp_db: None, geo_locale: "en".into(), store_ip: true }
    }
}

impl AnalyticsConfig {
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        if !LOCALES.contains(&self.geo_locale.as_str()) {
            return Err(("analytics.geo_locale", format!("must be one of {}", LOCALES.join(", "))));
        }
        Ok(())
    }
}

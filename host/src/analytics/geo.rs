//! Where an IP address is, from MaxMind-format databases: the host-side
//! enrichment that runs before any enricher plugin.
//!
//! Both databases are optional. A missing or unreadable file logs one
//! warning at start and leaves its fields empty; a lookup never fails an
//! event.

use std::net::IpAddr;
use std::path::Path;

use maxminddb::{Reader, geoip2};

use super::config::AnalyticsConfig;

/// The languages MaxMind databases carry place names in.
pub const LOCALES: &[&str] = &["en", "de", "es", "fr", "ja", "pt-BR", "ru", "zh-CN"];

/// What the databases say about one address; `None`: not known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    pub country: Option<String>,
    pub subdivision: Option<String>,
    pub city: Option<String>,
    pub isp: Option<String>,
    pub asn: Option<u32>,
}

pub struct Geo {
    city: Option<Reader<Vec<u8>>>,
    isp: Option<Reader<Vec<u8>>>,
    locale: String,
}

/// Opens one database, or warns and does without it.
fn open(what: &str, path: Option<&Path>) -> Option<Reader<Vec<u8>>> {
    let path = path?;
    match Reader::open_readfile(path) {
        Ok(reader) => {
            tracing::info!(database = what, path = %path.display(), kind = %reader.metadata().database_type, "GeoIP database loaded");
            Some(reader)
        }
        Err(error) => {
            tracing::warn!(database = what, path = %path.display(), %error, "GeoIP database unusable; its fields stay empty");
            None
        }
    }
}

/// The part of a City record events use: decoding only this (not the
/// location, postal code, continent, …) halves a lookup.
#[derive(serde::Deserialize)]
struct CityRecord<'a> {
    #[serde(borrow, default)]
    country: Named<'a>,
    #[serde(borrow, default)]
    subdivisions: Vec<Named<'a>>,
    #[serde(borrow, default)]
    city: Named<'a>,
}

#[derive(serde::Deserialize, Default)]
struct Named<'a> {
    #[serde(borrow, default)]
    names: geoip2::Names<'a>,
}

/// `names` in `locale`, else in English.
fn name_in(names: &geoip2::Names<'_>, locale: &str) -> Option<String> {
    let localised = match locale {
        "de" => names.german,
        "es" => names.spanish,
        "fr" => names.french,
        "ja" => names.japanese,
        "pt-BR" => names.brazilian_portuguese,
        "ru" => names.russian,
        "zh-CN" => names.simplified_chinese,
        _ => None,
    };
    localised.or(names.english).map(str::to_string)
}

impl Geo {
    pub fn open(config: &AnalyticsConfig) -> Self {
        if config.geoip_city_db.is_none() {
            tracing::warn!("analytics.geoip_city_db is not set: events get no country, subdivision or city");
        }
        if config.geoip_isp_db.is_none() {
            tracing::warn!("analytics.geoip_isp_db is not set: events get no isp");
        }
        Self {
            city: open("city", config.geoip_city_db.as_deref()),
            isp: open("isp", config.geoip_isp_db.as_deref()),
            locale: config.geo_locale.clone(),
        }
    }

    /// Everything known about `ip`.
    pub fn locate(&self, ip: IpAddr) -> Place {
        let mut place = Place::default();
        if let Some(city) = self.city.as_ref().and_then(|db| db.lookup(ip).ok()?.decode::<CityRecord>().ok()?) {
            place.country = name_in(&city.country.names, &self.locale);
            place.subdivision = city.subdivisions.first().and_then(|s| name_in(&s.names, &self.locale));
            place.city = name_in(&city.city.names, &self.locale);
        }
        if let Some(isp) = self.isp.as_ref().and_then(|db| db.lookup(ip).ok()?.decode::<geoip2::Isp>().ok()?) {
            // An ISP database names the ISP; an ASN database only the
            // network's organisation, which is the best name it has.
            place.isp = isp.isp.or(isp.organization).or(isp.autonomous_system_organization).map(str::to_string);
            place.asn = isp.autonomous_system_number;
        }
        place
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// MaxMind's test databases (Apache-2.0 / MIT, `tests/data/geoip`).
    fn test_db(file: &str) -> Option<PathBuf> {
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/geoip").join(file))
    }

    fn geo(locale: &str, isp_file: &str) -> Geo {
        Geo::open(&AnalyticsConfig {
            geoip_city_db: test_db("GeoIP2-City-Test.mmdb"),
            geoip_isp_db: test_db(isp_file),
            geo_locale: locale.into(),
            ..AnalyticsConfig::default()
        })
    }

    #[test]
    fn the_test_databases_place_their_documented_addresses() {
        let en = geo("en", "GeoIP2-ISP-Test.mmdb");
        let london = en.locate("81.2.69.142".parse().unwrap());
        assert_eq!(london.country.as_deref(), Some("United Kingdom"));
        assert_eq!(london.city.as_deref(), Some("London"));
        assert_eq!(london.subdivision.as_deref(), Some("England"));
        let milton = en.locate("216.160.83.56".parse().unwrap());
        assert_eq!(
            (milton.country.as_deref(), milton.subdivision.as_deref(), milton.city.as_deref()),
            (Some("United States"), Some("Washington"), Some("Milton"))
        );
        assert!(milton.isp.is_some(), "{milton:?}");

        let zh = geo("zh-CN", "GeoLite2-ASN-Test.mmdb");
        assert_eq!(zh.locate("216.160.83.56".parse().unwrap()).country.as_deref(), Some("美国"));
        // The test data has no Chinese name for London: English stands in.
        assert_eq!(zh.locate("81.2.69.142".parse().unwrap()).city.as_deref(), Some("London"));
        let telstra = zh.locate("1.128.0.1".parse().unwrap());
        assert_eq!(
            (telstra.isp.as_deref(), telstra.asn),
            (Some("Telstra Pty Ltd"), Some(1221)),
            "ASN data names the network"
        );
    }

    #[test]
    fn without_databases_nothing_is_known_and_nothing_fails() {
        let geo = Geo::open(&AnalyticsConfig::default());
        assert_eq!(geo.locate("81.2.69.142".parse().unwrap()), Place::default());
        let missing = Geo::open(&AnalyticsConfig {
            geoip_city_db: Some("/nonexistent/city.mmdb".into()),
            ..AnalyticsConfig::default()
        });
        assert_eq!(missing.locate("::1".parse().unwrap()), Place::default());
    }

    #[test]
    fn unknown_locales_are_refused_at_load() {
        let config = AnalyticsConfig { geo_locale: "xx".into(), ..AnalyticsConfig::default() };
        assert!(config.validate().is_err());
        assert!(AnalyticsConfig { geo_locale: "zh-CN".into(), ..AnalyticsConfig::default() }.validate().is_ok());
    }
}

//! The one configuration of a Waymark server.
//!
//! Layers, later wins: built-in defaults → `waymark.toml` (path from `--config`
//! or `WAYMARK_CONFIG`) → `WAYMARK_*` environment variables, where `__`
//! separates nesting levels (`WAYMARK_METERING__ENABLED=false` sets
//! `metering.enabled`). This struct is the reference manual: every field says
//! what it does and why its default is what it is.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use crate::analytics::AnalyticsConfig;
use crate::http::config::HttpConfig;
use crate::metering::MeteringConfig;
use crate::plugins::PluginsConfig;
use crate::unshort::UnshortConfig;

/// Everything a running server needs to know, fully validated.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Socket address to listen on. Port 0 picks a free port (the chosen
    /// address is logged as `listening on …`).
    pub listen: SocketAddr,
    /// Directory for the SQLite database, generated secrets and the plugin
    /// store. Created at start if missing.
    pub data_dir: PathBuf,
    /// Unset: SQLite at `<data_dir>/waymark.db`. `postgres://…`: PostgreSQL,
    /// the engine for several replicas sharing one database.
    pub database_url: Option<String>,
    /// Base URL for links the API returns (short links, QR pages, the
    /// `/counter` snippets). Unset: the address the client used.
    pub public_url: Option<String>,
    /// IANA time-zone name that defines "today" for daily counters and quota
    /// resets.
    pub timezone: String,
    /// Shifts the clock used for "today" (daily counts, daily quotas) by this
    /// many seconds. For testing midnight; leave at 0 in production.
    pub clock_offset_secs: i64,
    /// Peers whose `X-Forwarded-For` header is believed. Anyone else's client
    /// IP is the socket's peer address, so a client cannot forge its way
    /// around per-IP quotas.
    pub trusted_proxies: Vec<IpNet>,
    /// Largest request body accepted, in bytes. JSON APIs need little; a
    /// bounded body keeps one client from holding server memory hostage.
    pub max_body_bytes: usize,
    /// How long SIGTERM waits for in-flight requests before exiting anyway.
    pub shutdown_grace_secs: u64,
    /// Log filter in `tracing` syntax (`info`, `waymark=debug`, …).
    pub log: String,
    /// `text` for people, `json` for log shippers.
    pub log_format: LogFormat,
    /// Connection and request-read limits against slow or numerous clients.
    pub http: HttpConfig,
    pub auth: AuthConfig,
    pub metering: MeteringConfig,
    pub plugins: PluginsConfig,
    pub counter: CounterConfig,
    pub unshort: UnshortConfig,
    pub analytics: AnalyticsConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterConfig {
    /// How often counted visits are written to the database (and, with
    /// several replicas, how stale another replica's visits may look).
    /// Visits are also written on shutdown.
    pub flush_interval_ms: u64,
    /// A counter nobody visited or read for this long, with every visit
    /// written, is dropped from memory (it is read back when next used).
    pub cache_idle_secs: u64,
    /// At most this many counters are kept in memory beyond those with
    /// visits not yet written; past it, every written counter is dropped.
    pub max_cached_counters: usize,
}

impl Default for CounterConfig {
    fn default() -> Self {
        Self { flush_interval_ms: 1000, cache_idle_secs: 300, max_cached_counters: 100_000 }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// HMAC secret for access JWTs. Unset: generated once and persisted (in
    /// `<data_dir>/jwt_secret` with SQLite, in the shared database with
    /// PostgreSQL so that every replica signs with the same key). Never logged.
    pub jwt_secret: Option<String>,
    /// Lifetime of an access token. Pingoo documents `expires_in: 259200`.
    pub access_token_ttl_secs: u64,
    /// Lifetime of a refresh token; each use rotates it.
    pub refresh_token_ttl_secs: u64,
    /// How long a resolved API key or user stays cached. A revoked key is
    /// refused at once on the replica that revoked it and within this many
    /// seconds on the others.
    pub principal_cache_secs: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            public_url: None,
            timezone: "UTC".into(),
            clock_offset_secs: 0,
            trusted_proxies: Vec::new(),
            max_body_bytes: 1024 * 1024,
            shutdown_grace_secs: 10,
            log: "info".into(),
            log_format: LogFormat::Text,
            http: HttpConfig::default(),
            auth: AuthConfig::default(),
            metering: MeteringConfig::default(),
            plugins: PluginsConfig::default(),
            counter: CounterConfig::default(),
            unshort: UnshortConfig::default(),
            analytics: AnalyticsConfig::default(),
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            jwt_secret: None,
            access_token_ttl_secs: 259_200,
            refresh_token_ttl_secs: 30 * 24 * 3600,
            principal_cache_secs: 5,
        }
    }
}

/// A configuration that cannot be used, named by its key so an operator can
/// fix it from one line of output.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid configuration: {0}")]
    Figment(String),
    #[error("invalid configuration: `{key}`: {reason}")]
    Invalid { key: &'static str, reason: String },
}

impl Config {
    /// Loads defaults, then the TOML file (if given or named by
    /// `WAYMARK_CONFIG`), then `WAYMARK_*` variables, and validates the result.
    ///
    /// Unknown keys in the file are errors (a typo must not silently mean
    /// "default"), but `WAYMARK_*` variables that name no key are left out and
    /// returned: the environment is shared with other software (Kubernetes
    /// injects `WAYMARK_PORT`, `WAYMARK_SERVICE_HOST`, … into every pod of a
    /// service named `waymark`). The caller logs them once logging is set up.
    pub fn load(config_path: Option<&Path>) -> Result<(Self, IgnoredEnv), ConfigError> {
        let env_path = std::env::var_os("WAYMARK_CONFIG").map(PathBuf::from);
        let path = config_path.map(Path::to_path_buf).or(env_path);
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = &path {
            if !path.exists() {
                return Err(ConfigError::Invalid {
                    key: "config",
                    reason: format!("file {} does not exist", path.display()),
                });
            }
            figment = figment.merge(Toml::file(path));
        }
        let ignored = IgnoredEnv::find(std::env::vars_os().map(|(name, _)| name.to_string_lossy().into_owned()));
        let unknown = ignored.keys.clone();
        let env = Env::prefixed(ENV_PREFIX)
            .ignore(ENV_NOT_KEYS)
            .split(ENV_NESTING)
            .filter(move |key| !unknown.iter().any(|unknown| key.as_str().eq_ignore_ascii_case(unknown)));
        figment = figment.merge(env);
        let config: Config = figment.extract().map_err(|e| ConfigError::Figment(one_line(&e)))?;
        config.validate()?;
        Ok((config, ignored))
    }

    fn validate(&self) -> Result<(), ConfigError> {
        self.time_zone()?;
        if let Some(url) = &self.database_url
            && !(url.starts_with("postgres://") || url.starts_with("postgresql://") || url.starts_with("sqlite:"))
        {
            return Err(ConfigError::Invalid {
                key: "database_url",
                reason: "expected postgres://…, postgresql://… or sqlite:…".into(),
            });
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(ConfigError::Invalid {
                key: "public_url",
                reason: "expected an http:// or https:// URL".into(),
            });
        }
        if self.counter.flush_interval_ms == 0 || self.counter.flush_interval_ms > 60_000 {
            return Err(ConfigError::Invalid {
                key: "counter.flush_interval_ms",
                reason: "must be between 1 and 60000".into(),
            });
        }
        if self.max_body_bytes == 0 {
            return Err(ConfigError::Invalid { key: "max_body_bytes", reason: "must be greater than 0".into() });
        }
        if self.auth.access_token_ttl_secs == 0 || self.auth.refresh_token_ttl_secs == 0 {
            return Err(ConfigError::Invalid {
                key: "auth.access_token_ttl_secs",
                reason: "token lifetimes must be greater than 0".into(),
            });
        }
        self.http
            .validate()
            .and_then(|()| self.metering.validate())
            .and_then(|()| self.plugins.validate())
            .and_then(|()| self.unshort.validate())
            .and_then(|()| self.analytics.validate())
            .map_err(|(key, reason)| ConfigError::Invalid { key, reason })
    }

    /// The configured time zone; validated at load, so callers may rely on it.
    pub fn time_zone(&self) -> Result<chrono_tz::Tz, ConfigError> {
        self.timezone.parse::<chrono_tz::Tz>().map_err(|_| ConfigError::Invalid {
            key: "timezone",
            reason: format!("`{}` is not an IANA time-zone name", self.timezone),
        })
    }

    /// The watched plugin directory.
    pub fn plugins_dir(&self) -> PathBuf {
        self.plugins.dir.clone().unwrap_or_else(|| self.data_dir.join("plugins"))
    }

    /// Where compiled plugins are kept between starts.
    pub fn plugin_cache_dir(&self) -> PathBuf {
        self.plugins.cache_dir.clone().unwrap_or_else(|| self.data_dir.join("plugin-cache"))
    }

    /// Base URL for links returned by the API, without a trailing slash;
    /// `None` when unset (the listen address may be `0.0.0.0` or port 0,
    /// which no client can use, so callers take the client's own origin).
    pub fn public_base_url(&self) -> Option<String> {
        self.public_url.as_ref().map(|url| url.trim_end_matches('/').to_string())
    }
}

/// Prefix of the environment variables that set configuration keys.
const ENV_PREFIX: &str = "WAYMARK_";
/// Separates nesting levels in a variable's name (`METERING__ENABLED`).
const ENV_NESTING: &str = "__";
/// Variables with the prefix that are read elsewhere, not keys: the config
/// file's path and the test suite's database.
const ENV_NOT_KEYS: &[&str] = &["CONFIG", "TEST_DATABASE_URL"];

/// `WAYMARK_*` environment variables that name no configuration key, and so
/// were left out of the configuration.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct IgnoredEnv {
    /// The variables' names as found in the environment.
    pub names: Vec<String>,
    /// The same, as the dotted keys figment sees (`port_8080_tcp_addr`).
    keys: Vec<String>,
}

impl IgnoredEnv {
    /// Picks the unknown ones out of the environment's variable names. A
    /// name is known when its path leads into [`Config`]'s fields; it is
    /// enough to reach a field whose value is not a table (an unset
    /// `Option`, a scalar), so a known key with a bad value still reaches
    /// figment and stays fatal.
    fn find(names: impl Iterator<Item = String>) -> IgnoredEnv {
        let fields = serde_json::to_value(Config::default()).unwrap_or_default();
        let mut ignored = IgnoredEnv::default();
        for name in names {
            let trimmed = name.trim();
            let Some(rest) = trimmed.get(..ENV_PREFIX.len()).filter(|p| p.eq_ignore_ascii_case(ENV_PREFIX)) else {
                continue;
            };
            let rest = &trimmed[rest.len()..];
            if ENV_NOT_KEYS.iter().any(|k| k.eq_ignore_ascii_case(rest)) {
                continue;
            }
            let key = rest.replace(ENV_NESTING, ".").to_ascii_lowercase();
            if !names_a_field(&fields, &key) {
                ignored.names.push(trimmed.to_string());
                ignored.keys.push(key);
            }
        }
        ignored.names.sort();
        ignored
    }

    /// One warning line naming every ignored variable (none if all were keys).
    pub fn warn(&self) {
        if !self.names.is_empty() {
            tracing::warn!("ignoring environment variables that name no configuration key: {}", self.names.join(", "));
        }
    }
}

/// Whether the dotted `key` walks into `fields` (the defaults as JSON).
fn names_a_field(fields: &serde_json::Value, key: &str) -> bool {
    let mut node = fields;
    for part in key.split('.') {
        match node {
            serde_json::Value::Object(map) => match map.get(part) {
                Some(child) => node = child,
                None => return false,
            },
            // Past a scalar or an unset option: the key is known, its value
            // is figment's to judge.
            _ => return true,
        }
    }
    true
}

/// Figment errors can span several lines (one per nested cause); an operator
/// wants the key and the reason on one.
fn one_line(error: &figment::Error) -> String {
    error
        .clone()
        .into_iter()
        .map(|e| {
            let key = e.path.join(".");
            if key.is_empty() { e.kind.to_string() } else { format!("`{key}`: {}", e.kind) }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate() {
        Config::default().validate().unwrap();
    }

    #[test]
    fn compiled_plugins_are_kept_in_the_data_dir_unless_set() {
        let config = Config { data_dir: "/srv/waymark".into(), ..Config::default() };
        assert_eq!(config.plugin_cache_dir(), PathBuf::from("/srv/waymark/plugin-cache"));
        let mut config = config;
        config.plugins.cache_dir = Some("/var/cache/waymark".into());
        assert_eq!(config.plugin_cache_dir(), PathBuf::from("/var/cache/waymark"));
    }

    #[test]
    fn bad_timezone_names_the_key() {
        let config = Config { timezone: "Mars/Olympus".into(), ..Config::default() };
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains("`timezone`"), "{err}");
    }

    fn ignored(names: &[&str]) -> Vec<String> {
        IgnoredEnv::find(names.iter().map(|n| n.to_string())).names
    }

    /// Kubernetes' service variables are not keys; they are ignored, named.
    #[test]
    fn unknown_variables_are_picked_out() {
        let names = ["WAYMARK_PORT", "WAYMARK_SERVICE_HOST", "WAYMARK_PORT_8080_TCP_ADDR", "WAYMARK_BIN"];
        assert_eq!(
            ignored(&names),
            ["WAYMARK_BIN", "WAYMARK_PORT", "WAYMARK_PORT_8080_TCP_ADDR", "WAYMARK_SERVICE_HOST"]
        );
        assert_eq!(ignored(&["WAYMARK_METERING__NOPE", "WAYMARK_AUTH__JWT_SECRETS"]).len(), 2);
    }

    /// Keys (nested, optional, any case) and the non-key variables read
    /// elsewhere are not reported.
    #[test]
    fn keys_are_not_ignored() {
        let names = [
            "WAYMARK_LISTEN",
            "WAYMARK_METERING__ENABLED",
            "WAYMARK_METERING__URLPLUS__PER_MINUTE",
            "WAYMARK_DATABASE_URL",
            "WAYMARK_AUTH__JWT_SECRET",
            "WAYMARK_PLUGINS__DIR",
            "waymark_log",
            "WAYMARK_CONFIG",
            "WAYMARK_TEST_DATABASE_URL",
            "PATH",
            "HOME",
        ];
        assert_eq!(ignored(&names), Vec::<String>::new());
    }

    #[test]
    fn wrong_type_names_the_key() {
        let figment = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::string("[metering]\nenabled = \"perhaps\""));
        let err = figment.extract::<Config>().unwrap_err();
        assert!(one_line(&err).contains("metering.enabled"), "{}", one_line(&err));
    }
}

//! Analytics enrichers: a plugin looks at one analytics event and names
//! fields to set on it (device, browser, …). The host keeps only the
//! enrichable fields, each bounded, so a plugin cannot write anything else.
//!
//! Analytics reaches enrichers through [`Enrichers::in_order`] and
//! [`EnricherHandle::enrich`].

mod bindings;

use std::collections::BTreeMap;
use std::sync::Arc;

use self::bindings::v0_1::AnalyticsEnricherPlugin;
use self::bindings::v0_1::exports::waymark::plugin::analytics_enricher as wit;
use crate::plugins::error::CallError;
use crate::plugins::kind::{ApiVersion, Pending, PluginKind, PooledWorld, reported};
use crate::plugins::pool::Pooled;
use crate::plugins::registry::{Loaded, Registry};
use crate::plugins::service::Plugins;

type EnricherPlugin = Pooled<AnalyticsEnricherPlugin>;

/// The manifest's `kind` for analytics enrichers.
pub const KIND: &str = "analytics-enricher";

/// The fields an enricher may set (the WIT's list); others are ignored.
pub const ENRICHABLE: &[&str] =
    &["device", "browser", "os", "is_bot", "country", "subdivision", "city", "isp", "source", "source_name", "medium"];
/// Longest value a field may get, in characters.
pub const MAX_VALUE_CHARS: usize = 256;
/// Most fields one answer may name (known or not) before it is refused.
pub const MAX_FIELDS: usize = 64;

/// The analytics-enricher kind.
pub struct AnalyticsEnricherKind;

/// The API versions that load, oldest first: the only list of them.
static VERSIONS: &[ApiVersion] =
    &[ApiVersion { version: "0.1.0", prepare: |c| Ok(Box::new(c.pool::<AnalyticsEnricherPlugin>()?)) }];

impl PluginKind for AnalyticsEnricherKind {
    fn name(&self) -> &'static str {
        KIND
    }

    fn listing(&self) -> &'static str {
        "enrichers()"
    }

    fn versions(&self) -> &'static [ApiVersion] {
        VERSIONS
    }
}

impl PooledWorld for AnalyticsEnricherPlugin {
    /// The listing is the counted smoke-test call; the plugin then enriches
    /// a sample event as its instances' warm-up (not counted), and the
    /// answer must pass the same check as every later one.
    fn smoke_test<'a>(
        pool: &'a EnricherPlugin,
        id: &'a str,
        _provided: &'a [(String, String)],
    ) -> Pending<'a, Result<(), CallError>> {
        Box::pin(async move {
            let event = Event::sample();
            let output = pool.call_unrecorded(move |b, s| enrich(b, s, &event)).await?;
            checked(id, output).map(drop)
        })
    }
}

/// Filled by the host from its GeoIP databases, when configured.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Geo {
    pub country: Option<String>,
    pub subdivision: Option<String>,
    pub city: Option<String>,
    pub isp: Option<String>,
    pub asn: Option<u32>,
}

/// One analytics event, as an enricher sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Event {
    pub site_id: u64,
    pub session_id: String,
    pub user_id: Option<String>,
    pub ip: String,
    pub user_agent: String,
    pub url: String,
    pub referrer: Option<String>,
    pub screen: Option<String>,
    pub event_type: String,
    pub event_value: Option<String>,
    pub geo: Geo,
}

impl Event {
    /// What the load-time smoke test enriches: a plain page view.
    pub fn sample() -> Self {
        Self {
            site_id: 1,
            session_id: "smoke".into(),
            user_id: None,
            ip: "192.0.2.1".into(),
            user_agent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0".into(),
            url: "https://example.com/".into(),
            referrer: None,
            screen: Some("1920x1080".into()),
            event_type: "pageview".into(),
            event_value: None,
            geo: Geo::default(),
        }
    }

    /// Feeds the fields named in `reads` to `hasher`, each tagged with its
    /// name (so equal texts in different fields hash apart).
    fn hash_reads(&self, reads: &[String], hasher: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        for field in reads {
            field.hash(hasher);
            match field.as_str() {
                "site_id" => self.site_id.hash(hasher),
                "session_id" => self.session_id.hash(hasher),
                "user_id" => self.user_id.hash(hasher),
                "ip" => self.ip.hash(hasher),
                "user_agent" => self.user_agent.hash(hasher),
                "url" => self.url.hash(hasher),
                "referrer" => self.referrer.hash(hasher),
                "screen" => self.screen.hash(hasher),
                "event_type" => self.event_type.hash(hasher),
                "event_value" => self.event_value.hash(hasher),
                "geo" => self.geo.hash(hasher),
                _ => {}
            }
        }
    }

    /// The event with only the fields named in `reads` (the manifest's);
    /// the others empty.
    pub fn only(&self, reads: &[String]) -> Self {
        let has = |field: &str| reads.iter().any(|r| r == field);
        let text = |field: &str, value: &String| if has(field) { value.clone() } else { String::new() };
        let optional = |field: &str, value: &Option<String>| if has(field) { value.clone() } else { None };
        Self {
            site_id: if has("site_id") { self.site_id } else { 0 },
            session_id: text("session_id", &self.session_id),
            user_id: optional("user_id", &self.user_id),
            ip: text("ip", &self.ip),
            user_agent: text("user_agent", &self.user_agent),
            url: text("url", &self.url),
            referrer: optional("referrer", &self.referrer),
            screen: optional("screen", &self.screen),
            event_type: text("event_type", &self.event_type),
            event_value: optional("event_value", &self.event_value),
            geo: if has("geo") { self.geo.clone() } else { Geo::default() },
        }
    }
}

/// Enrichers' answers by (plugin build, the fields it reads): a real site
/// sends few distinct user agents, so most events cost no plugin call.
/// Only plugins that declare `reads` are cached (their answer cannot
/// depend on anything else); a new build (hot swap) has a new hash, so its
/// answers are its own. Failures are not cached.
///
/// The key is a 128-bit keyed hash of the build and the fields read, so
/// a lookup copies nothing; the keys are random per process, so nobody
/// can aim two inputs at one key, and by chance that is a 2^-100 affair.
pub struct EnrichmentCache {
    answers: moka::sync::Cache<u128, Arc<Enrichment>>,
    keys: [foldhash::quality::RandomState; 2],
}

impl EnrichmentCache {
    pub fn new(capacity: u64) -> Self {
        let answers = moka::sync::Cache::builder()
            .max_capacity(capacity)
            .time_to_idle(std::time::Duration::from_secs(3600))
            .build();
        Self { answers, keys: Default::default() }
    }

    /// The key of `event`'s fields in `reads` for the build `sha256`.
    fn key(&self, sha256: &str, event: &Event, reads: &[String]) -> u128 {
        use std::hash::{BuildHasher, Hash, Hasher};
        let [high, low] = self.keys.each_ref().map(|keys| {
            let mut hasher = keys.build_hasher();
            sha256.hash(&mut hasher);
            event.hash_reads(reads, &mut hasher);
            hasher.finish()
        });
        (u128::from(high) << 64) | u128::from(low)
    }
}
/// The checked answer: enrichable field → value (the last value named wins).
pub type Enrichment = BTreeMap<&'static str, String>;

/// The enabled enrichers.
pub struct Enrichers<'a> {
    registry: &'a Registry,
}

impl<'a> Enrichers<'a> {
    pub fn of(plugins: &'a Plugins) -> Self {
        Self { registry: plugins.registry() }
    }

    /// The enricher `key`, if an enabled plugin provides it.
    pub fn get(&self, key: &str) -> Option<EnricherHandle> {
        let loaded = self.registry.provider(KIND, key)?;
        Some(EnricherHandle { loaded })
    }

    /// Every enabled enricher key, sorted.
    pub fn keys(&self) -> Vec<String> {
        self.registry.providers(KIND).into_iter().map(|(key, _)| key).collect()
    }

    /// One handle per enabled plugin: those providing the keys in `order`
    /// first, in that order, then the rest by key. (`enrich` is one call
    /// per plugin, whichever of its keys is named.)
    pub fn in_order(&self, order: &[String]) -> Vec<EnricherHandle> {
        let all = self.registry.providers(KIND);
        let configured = order.iter().filter_map(|key| all.iter().find(|(k, _)| k == key));
        let rest = all.iter().filter(|(key, _)| !order.contains(key));
        let mut handles: Vec<EnricherHandle> = Vec::new();
        for (_, loaded) in configured.chain(rest) {
            if !handles.iter().any(|handle| Arc::ptr_eq(&handle.loaded, loaded)) {
                handles.push(EnricherHandle { loaded: loaded.clone() });
            }
        }
        handles
    }
}

/// One enabled enricher's plugin version.
pub struct EnricherHandle {
    loaded: Arc<Loaded>,
}

impl EnricherHandle {
    pub fn plugin_id(&self) -> &str {
        &self.loaded.manifest.id
    }

    /// The fields the plugin sets on `event`, checked; from `cache` when
    /// the plugin declares what it reads and has seen that before.
    pub async fn enrich(&self, event: &Event, cache: &EnrichmentCache) -> Result<Arc<Enrichment>, CallError> {
        let Some(reads) = &self.loaded.manifest.reads else { return self.call(event.clone()).await.map(Arc::new) };
        let key = cache.key(&self.loaded.sha256, event, reads);
        if let Some(answer) = cache.answers.get(&key) {
            return Ok(answer);
        }
        let answer = Arc::new(self.call(event.only(reads)).await?);
        cache.answers.insert(key, answer.clone());
        Ok(answer)
    }

    async fn call(&self, event: Event) -> Result<Enrichment, CallError> {
        let id = &self.loaded.manifest.id;
        let plugin = self.loaded.plugin::<EnricherPlugin>().ok_or_else(|| CallError::NotProvided(id.clone()))?;
        let output = plugin.call(move |b, s| enrich(b, s, &event)).await?;
        let checked = checked(id, output);
        if let Err(error) = &checked {
            plugin.record_invalid(error);
        }
        checked
    }
}

/// The plugin's `enrich` on the generated types.
fn enrich<'a>(
    bindings: &'a AnalyticsEnricherPlugin,
    store: &'a mut wasmtime::Store<crate::plugins::runtime::Sandbox>,
    event: &Event,
) -> crate::plugins::pool::BoxFuture<'a, Result<Vec<wit::Field>, String>> {
    let input = wit::Event {
        site_id: event.site_id,
        session_id: event.session_id.clone(),
        user_id: event.user_id.clone(),
        ip: event.ip.clone(),
        user_agent: event.user_agent.clone(),
        url: event.url.clone(),
        referrer: event.referrer.clone(),
        screen: event.screen.clone(),
        event_type: event.event_type.clone(),
        event_value: event.event_value.clone(),
        geo: wit::Geo {
            country: event.geo.country.clone(),
            subdivision: event.geo.subdivision.clone(),
            city: event.geo.city.clone(),
            isp: event.geo.isp.clone(),
            asn: event.geo.asn,
        },
    };
    Box::pin(async move { bindings.waymark_plugin_analytics_enricher().call_enrich(store, &input).await })
}

fn checked(id: &str, output: Result<Vec<wit::Field>, String>) -> Result<Enrichment, CallError> {
    let fields = output.map_err(|detail| reported(id, &detail))?;
    check(fields).map_err(|detail| CallError::InvalidOutput { plugin: id.to_string(), detail })
}

/// Keeps the enrichable fields. Each value must be 1..=[`MAX_VALUE_CHARS`]
/// characters without control characters (`is_bot`: `true` or `false`);
/// more than [`MAX_FIELDS`] fields is refused outright.
fn check(fields: Vec<wit::Field>) -> Result<Enrichment, String> {
    if fields.len() > MAX_FIELDS {
        return Err(format!("{} fields named; at most {MAX_FIELDS}", fields.len()));
    }
    let mut enrichment = Enrichment::new();
    for field in fields {
        let Some(name) = ENRICHABLE.iter().copied().find(|known| *known == field.name) else { continue };
        let value = field.value.trim();
        let length = value.chars().count();
        if length == 0 || length > MAX_VALUE_CHARS || value.chars().any(char::is_control) {
            return Err(format!("{name} must be 1–{MAX_VALUE_CHARS} characters without control characters"));
        }
        if name == "is_bot" && !matches!(value, "true" | "false") {
            return Err(format!("is_bot must be true or false, not {value:?}"));
        }
        enrichment.insert(name, value.to_string());
    }
    Ok(enrichment)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, value: &str) -> wit::Field {
        wit::Field { name: name.into(), value: value.into() }
    }

    /// The fixture `enricher-shout` loads, enriches an event through the
    /// checked path, and a newer version replaces it.
    #[tokio::test]
    async fn the_fixture_loads_enriches_and_hot_swaps() {
        use crate::plugins::{PluginsConfig, Registry, Source};
        let bytes = waymark_test_artifacts::bytes("enricher-shout");
        let registry = Registry::new(PluginsConfig::default()).unwrap();
        registry.install(registry.prepare(bytes.clone(), Source::Directory, "shout-1", 1).await.unwrap());
        let enrichers = Enrichers { registry: &registry };
        assert_eq!(enrichers.keys(), ["shout"]);

        let event = Event { user_agent: "curl/8.0".into(), ..Event::sample() };
        let cache = EnrichmentCache::new(100);
        let enriched = enrichers.get("shout").unwrap().enrich(&event, &cache).await.unwrap();
        assert_eq!(
            enriched.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>(),
            [("browser", "CURL/8.0".to_string())]
        );

        registry.install(registry.prepare(bytes, Source::Upload, "upload", 2).await.unwrap());
        let (statuses, _) = registry.statuses();
        assert_eq!(statuses[0].source, Source::Upload, "the newer version serves");
        assert!(enrichers.get("shout").unwrap().enrich(&event, &cache).await.is_ok());
    }

    /// Every new instance makes its listing call before any `enrich`: the
    /// fixture fails an `enrich` on an instance that has not. With one call
    /// per instance, each call here meets a fresh one, in turn and at once.
    #[tokio::test]
    async fn every_fresh_instance_is_set_up_before_its_first_call() {
        use crate::plugins::{PluginsConfig, Registry, Source};
        let config = PluginsConfig { recycle_after_calls: 1, pool_max_idle: 2, ..PluginsConfig::default() };
        let registry = Registry::new(config).unwrap();
        let bytes = waymark_test_artifacts::bytes("enricher-shout");
        registry.install(registry.prepare(bytes, Source::Directory, "shout", 1).await.unwrap());
        let enrichers = Enrichers { registry: &registry };
        let shout = enrichers.get("shout").unwrap();
        for n in 0..4 {
            // A distinct user agent per call: no answer comes from the cache.
            let event = Event { user_agent: format!("agent {n}"), ..Event::sample() };
            let answer = shout.enrich(&event, &EnrichmentCache::new(100)).await;
            assert!(answer.is_ok(), "call {n}: {answer:?}");
        }
        let events: Vec<Event> =
            (0..6).map(|n| Event { user_agent: format!("together {n}"), ..Event::sample() }).collect();
        let cache = EnrichmentCache::new(100);
        let answers = futures_util::future::join_all(events.iter().map(|event| shout.enrich(event, &cache))).await;
        assert!(answers.iter().all(Result::is_ok), "{answers:?}");
    }

    #[test]
    fn keeps_enrichable_fields_and_ignores_the_rest() {
        let kept = check(vec![field("browser", " Firefox 128 "), field("site_id", "9"), field("os", "Linux")]).unwrap();
        assert_eq!(kept.into_iter().collect::<Vec<_>>(), [("browser", "Firefox 128".into()), ("os", "Linux".into())]);
    }

    #[test]
    fn refuses_unbounded_or_odd_values() {
        assert!(check(vec![field("browser", "")]).is_err());
        assert!(check(vec![field("browser", &"x".repeat(MAX_VALUE_CHARS + 1))]).is_err());
        assert!(check(vec![field("city", "a\nb")]).is_err());
        assert!(check(vec![field("is_bot", "maybe")]).is_err());
        assert!(check(vec![field("is_bot", "true")]).is_ok());
        assert!(check((0..=MAX_FIELDS).map(|_| field("x", "y")).collect()).is_err());
    }

    #[test]
    fn a_reported_error_is_the_plugins_own() {
        assert!(matches!(checked("p", Err("no".into())), Err(CallError::Reported { .. })));
    }
}

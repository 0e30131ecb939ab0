//! What the registry knows about a plugin kind: nothing but this trait.
//!
//! Each kind (`kinds/<kind>/`) implements [`PluginKind`] once: its manifest
//! name, its table of supported API versions and how to type-check a
//! component against each, and what a loaded plugin of it can do
//! ([`Prepared`]: list what it provides, pass its smoke test, warm up, report
//! its stats). The registry holds `Box<dyn Prepared>` and indexes provided
//! keys per kind name; products reach a kind's plugins through that kind's
//! typed facade (`Themes`, `UnshortRules`, `QrStyles`, `Enrichers`), which
//! downcasts the loaded plugin back to its own type.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use wasmtime::component::Component;

use super::error::{CallError, LoadError};
use super::pool::{PoolSettings, Pooled, Stats, World};
use super::runtime::{Limits, Runtime};

/// A boxed future, for the object-safe methods below.
pub type Pending<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Everything needed to type-check and prepare one component.
pub struct Candidate<'a> {
    pub runtime: &'a Arc<Runtime>,
    pub id: &'a str,
    pub component: &'a Component,
    /// The manifest's `api`, already checked against the kind's table.
    pub api: &'a str,
    pub limits: Limits,
    pub settings: PoolSettings,
}

/// How one API version of a kind is bound: its version string and the
/// function that type-checks a component against that version's world.
pub struct ApiVersion {
    pub version: &'static str,
    pub prepare: fn(&Candidate<'_>) -> Result<Box<dyn Prepared>, LoadError>,
}

/// One plugin kind, as the registry and the manifest check see it.
pub trait PluginKind: Send + Sync + 'static {
    /// The manifest's `kind`, e.g. `counter-theme`.
    fn name(&self) -> &'static str;

    /// The SDK trait method that lists what a plugin of this kind provides,
    /// as the plugin author's guide names it (`themes()`, `styles()`, …; the
    /// WIT export behind it is `describe`, which authors never see).
    fn listing(&self) -> &'static str;

    /// The one table of API versions this host loads for the kind, oldest
    /// first. Nothing else lists them.
    fn versions(&self) -> &'static [ApiVersion];

    /// The supported version strings, for messages and the SDK check.
    fn supported_apis(&self) -> Vec<&'static str> {
        self.versions().iter().map(|v| v.version).collect()
    }

    /// Type-checks `candidate` against the world of its API version. An
    /// unknown version is refused naming the supported ones.
    fn prepare(&self, candidate: &Candidate<'_>) -> Result<Box<dyn Prepared>, LoadError> {
        let version =
            self.versions().iter().find(|v| v.version == candidate.api).ok_or_else(|| {
                LoadError::Manifest(unsupported_api(self.name(), candidate.api, &self.supported_apis()))
            })?;
        (version.prepare)(candidate)
    }
}

/// The message for an API version a kind does not have.
pub fn unsupported_api(kind: &str, api: &str, supported: &[&str]) -> String {
    format!("api {api} is not supported for {kind} plugins (this host loads {})", supported.join(", "))
}

/// A type-checked plugin of some kind, ready to call.
pub trait Prepared: Any + Send + Sync {
    /// The plugin's listing (`describe`): (key, display name) pairs.
    fn describe(&self) -> Pending<'_, Result<Vec<(String, String)>, CallError>>;

    /// Calls each provided key once with a sample input and checks the
    /// answer, before the plugin may serve. The listing already ran.
    fn smoke_test<'a>(&'a self, id: &'a str, provided: &'a [(String, String)]) -> Pending<'a, Result<(), CallError>>;

    /// Fills the instance pool before the plugin takes traffic, so its first
    /// requests do not pay for instantiation. Not counted as calls.
    fn warm(&self) -> Pending<'_, ()>;

    fn stats(&self) -> &Stats;

    fn limits(&self) -> Limits;

    /// For the kind's facade to get its own type back.
    fn as_any(&self) -> &dyn Any;
}

impl Candidate<'_> {
    /// Type-checks the component against world `W` and prepares its pool.
    pub fn pool<W: World>(&self) -> Result<Pooled<W>, LoadError> {
        Pooled::prepare(self.runtime, self.id, self.component, self.api, self.limits, self.settings)
    }
}

/// A world whose loaded plugin is just its pool of instances (every kind
/// but counter themes, which also keep templates and baselines): the kind
/// adds only its smoke test, and the pool is its [`Prepared`].
pub trait PooledWorld: World + Sync {
    /// See [`Prepared::smoke_test`].
    fn smoke_test<'a>(
        pool: &'a Pooled<Self>,
        id: &'a str,
        provided: &'a [(String, String)],
    ) -> Pending<'a, Result<(), CallError>>;
}

impl<W: PooledWorld> Prepared for Pooled<W> {
    fn describe(&self) -> Pending<'_, Result<Vec<(String, String)>, CallError>> {
        Box::pin(Pooled::describe(self))
    }

    fn smoke_test<'a>(&'a self, id: &'a str, provided: &'a [(String, String)]) -> Pending<'a, Result<(), CallError>> {
        W::smoke_test(self, id, provided)
    }

    fn warm(&self) -> Pending<'_, ()> {
        Box::pin(Pooled::warm(self))
    }

    fn stats(&self) -> &Stats {
        &self.stats
    }

    fn limits(&self) -> Limits {
        Pooled::limits(self)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// What a plugin reported as its own error, shortened for logs and listings.
pub fn reported(id: &str, detail: &str) -> CallError {
    CallError::Reported { plugin: id.to_string(), detail: detail.chars().take(300).collect() }
}

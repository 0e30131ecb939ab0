//! Assembling the application and running it until SIGTERM.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use poem::middleware::CatchPanic;
use poem::{Endpoint, EndpointExt, Route};
use poem_openapi::OpenApiService;

use crate::accounts::pingoo_api::PingooAuthApi;
use crate::accounts::urlplus_api::UrlplusAccountApi;
use crate::accounts::{AccountError, Accounts};
use crate::analytics::collect_api::CollectApi;
use crate::analytics::events_api::PingooEventsApi;
use crate::analytics::reports_api::PingooReportsApi;
use crate::analytics::service::Analytics;
use crate::analytics::sites_api::PingooSitesApi;
use crate::clock::Clock;
use crate::config::{Config, ConfigError};
use crate::counter::api::CounterApi;
use crate::counter::page::{self as counter_page, Gallery};
use crate::counter::render::Renderer;
use crate::counter::service::Counter;
use crate::counter::tally::{Retention, Tallies};
use crate::http::allow::AllowedMethods;
use crate::http::pipeline::Pipeline;
use crate::http::serve::serve;
use crate::http::system_api::SystemApi;
use crate::metering::Meter;
use crate::plugins::admin_api::AdminPluginsApi;
use crate::plugins::{LoadError, Plugins, PluginsConfig, Registry};
use crate::store::{Db, StoreError};
use crate::tasks::Tasks;
use crate::unshort::Unshortener;
use crate::unshort::api::UnshortApi;
use crate::unshort::service::UnshortError;

/// Why the server could not start, in one line for the operator.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("data_dir {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("accounts: {0}")]
    Accounts(#[from] AccountError),
    #[error("plugins: {0}")]
    Plugins(#[from] LoadError),
    #[error("unshort: {0}")]
    Unshort(#[from] UnshortError),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: String, source: std::io::Error },
}

/// Everything a running server shares between requests.
pub struct App {
    pub config: Config,
    pub db: Db,
    pub accounts: Arc<Accounts>,
    pub meter: Arc<Meter>,
    pub plugins: Arc<Plugins>,
    pub clock: Clock,
    pub tallies: Arc<Tallies>,
    pub renderer: Arc<Renderer>,
    pub unshortener: Arc<Unshortener>,
    pub analytics: Arc<Analytics>,
}

type Apis = (
    SystemApi,
    PingooAuthApi,
    UrlplusAccountApi,
    PingooSitesApi,
    PingooEventsApi,
    PingooReportsApi,
    CollectApi,
    CounterApi,
    UnshortApi,
    AdminPluginsApi,
);

impl App {
    pub async fn build(config: Config) -> Result<Self, StartError> {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|source| StartError::DataDir { path: config.data_dir.display().to_string(), source })?;
        let db = Db::connect(config.database_url.as_deref(), &config.data_dir).await?;
        tracing::info!(engine = ?db.engine, "database ready");
        // Before anything writes events: rows from before migration 0011.
        crate::analytics::move_legacy_events(&db).await.map_err(StoreError::from)?;
        let accounts = Arc::new(Accounts::new(db.clone(), config.auth.clone(), &config.data_dir).await?);
        let clock = Clock::new(config.time_zone()?, config.clock_offset_secs);
        let meter = Arc::new(Meter::new(config.metering.clone(), clock, db.clone()));
        let plugins_dir = config.plugins_dir();
        std::fs::create_dir_all(&plugins_dir)
            .map_err(|source| StartError::DataDir { path: plugins_dir.display().to_string(), source })?;
        // Before the plugins: their smoke test rasterises every theme that draws text.
        crate::raster::fonts::preload();
        let cache_dir = Some(config.plugin_cache_dir());
        let registry = Registry::new(PluginsConfig { cache_dir, ..config.plugins.clone() })?;
        let plugins = Plugins::start(registry, db.clone(), plugins_dir).await;
        let flush_every = Duration::from_millis(config.counter.flush_interval_ms);
        let retention = Retention {
            idle: Duration::from_secs(config.counter.cache_idle_secs),
            max_counters: config.counter.max_cached_counters,
        };
        let tallies = Arc::new(Tallies::new(db.clone(), clock, flush_every, retention));
        let renderer = Arc::new(Renderer::default());
        let unshortener = Arc::new(Unshortener::new(config.unshort.clone(), plugins.clone())?);
        let analytics = Arc::new(Analytics::new(db.clone(), clock, &config.analytics, plugins.clone()));
        Ok(Self { config, db, accounts, meter, plugins, clock, tallies, renderer, unshortener, analytics })
    }

    /// The documented API, from which both the routes and the spec come.
    pub fn api_service(&self) -> OpenApiService<Apis, ()> {
        let tz = self.config.time_zone().unwrap_or(chrono_tz::UTC);
        let apis = (
            SystemApi,
            PingooAuthApi { accounts: self.accounts.clone() },
            UrlplusAccountApi { accounts: self.accounts.clone(), tz },
            PingooSitesApi {
                analytics: self.analytics.clone(),
                clock: self.clock,
                public_url: self.config.public_base_url(),
            },
            PingooEventsApi { analytics: self.analytics.clone(), accounts: self.accounts.clone(), clock: self.clock },
            PingooReportsApi { analytics: self.analytics.clone() },
            CollectApi { analytics: self.analytics.clone() },
            CounterApi {
                counter: Arc::new(Counter {
                    tallies: self.tallies.clone(),
                    renderer: self.renderer.clone(),
                    plugins: self.plugins.clone(),
                }),
                clock: self.clock,
            },
            UnshortApi { unshortener: self.unshortener.clone() },
            AdminPluginsApi { plugins: self.plugins.clone() },
        );
        OpenApiService::new(apis, "Waymark", env!("CARGO_PKG_VERSION")).description(
            "One self-hosted server for visit-counter badges, short links and QR codes, \
                 QR statistics, redirect tracing and web analytics. Each product keeps the \
                 paths, parameters and envelopes of the service it replaces.",
        )
    }

    /// The OpenAPI document as served at `/openapi.json`.
    pub fn spec_json(&self) -> String {
        crate::http::spec::publish(&self.api_service().spec())
    }

    pub fn endpoint(&self) -> impl Endpoint + 'static {
        let api = self.api_service();
        let docs = api.swagger_ui();
        let allowed =
            serde_json::from_str(&api.spec()).map(|spec| AllowedMethods::from_spec(&spec)).unwrap_or_default();
        let spec_json = self.spec_json();
        let spec = poem::endpoint::make_sync(move |_| {
            poem::Response::builder().content_type("application/json; charset=utf-8").body(spec_json.clone())
        });
        let pipeline = Arc::new(Pipeline {
            accounts: self.accounts.clone(),
            meter: self.meter.clone(),
            max_body_bytes: self.config.max_body_bytes,
            max_upload_bytes: self.config.plugins.max_upload_bytes,
            body_idle_timeout: self.config.http.body_idle_timeout(),
            body_read_timeout: self.config.http.body_read_timeout(),
            trusted_proxies: self.config.trusted_proxies.clone(),
            routes: crate::routes::table(),
            allowed,
        });
        let gallery = Arc::new(Gallery {
            plugins: self.plugins.clone(),
            renderer: self.renderer.clone(),
            public_url: self.config.public_base_url(),
        });
        Route::new()
            .at("/", poem::get(index))
            .at("/script.js", poem::get(tracker_script))
            .at("/counter", poem::get(counter_page::page).data(gallery.clone()))
            .at("/counter/preview/:file", poem::get(counter_page::preview).data(gallery))
            .nest_no_strip("/api", api)
            .nest("/docs", docs)
            .at("/openapi.json", spec)
            .around(move |next, req| {
                let pipeline = pipeline.clone();
                async move { pipeline.handle(&next, req).await }
            })
            .with(CatchPanic::new())
    }

    /// Starts every background loop and declares what shutdown runs after
    /// the last request, in order: final usage and counter flushes, then
    /// closing the pool.
    fn start_tasks(&self) -> Tasks {
        let mut tasks = Tasks::new();
        let meter = self.meter.clone();
        tasks.every("usage flush", meter.flush_interval(), move || {
            let meter = meter.clone();
            async move { meter.flush().await }
        });
        let tallies = self.tallies.clone();
        tasks.every("counter flush", tallies.interval(), move || {
            let tallies = tallies.clone();
            async move { tallies.flush().await }
        });
        let (events, waker) = (self.analytics.ingest(), self.analytics.ingest());
        let early = move || {
            let waker = waker.clone();
            async move { waker.wants_flush().await }
        };
        tasks.every_or_sooner("analytics event flush", events.interval(), early, move || {
            let events = events.clone();
            async move { events.flush().await }
        });
        tasks.adopt("plugin watchers", self.plugins.spawn_watchers());
        let meter = self.meter.clone();
        tasks.finally("final usage flush", async move { meter.flush().await });
        let tallies = self.tallies.clone();
        tasks.finally("final counter flush", async move { tallies.flush().await });
        let events = self.analytics.ingest();
        tasks.finally("final analytics event flush", async move { events.flush().await });
        let pool = self.db.pool.clone();
        tasks.finally("close the pool", async move { pool.close().await });
        tasks
    }

    /// Serves until `shutdown` resolves, then drains in-flight requests (up to
    /// `shutdown_grace_secs`) and flushes buffered usage.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> Result<(), StartError> {
        let addr = self.config.listen;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Listen { addr: addr.to_string(), source })?;
        let local = listener.local_addr().map_err(|source| StartError::Listen { addr: addr.to_string(), source })?;
        tracing::info!(address = %local, "listening on {local}");

        let tasks = self.start_tasks();
        let grace = Duration::from_secs(self.config.shutdown_grace_secs);
        let trusted = self.config.trusted_proxies.clone();
        // Stop accepting, then drain in-flight requests (both inside `serve`)…
        serve(listener, self.endpoint(), &self.config.http, trusted, shutdown, grace).await;
        // …then stop the loops, flush what they buffered and close the pool.
        tasks.shutdown().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// The analytics tracker. Cached for an hour: pages load it on every view.
#[poem::handler]
fn tracker_script() -> poem::Response {
    poem::Response::builder()
        .content_type(crate::analytics::tracker::CONTENT_TYPE)
        .header("cache-control", "public, max-age=3600")
        .body(crate::analytics::tracker::script())
}

/// People who open the server in a browser land on the API documentation.
#[poem::handler]
fn index() -> poem::web::Redirect {
    poem::web::Redirect::see_other("/docs")
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown requested; draining in-flight requests");
}

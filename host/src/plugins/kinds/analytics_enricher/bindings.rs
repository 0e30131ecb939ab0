//! Host bindings of the analytics-enricher world (API 0.1.0,
//! `wit/since_v0.1.0`).

use crate::plugins::world::plugin_world;

plugin_world!(
    v0_1,
    "../wit/since_v0.1.0",
    "analytics-enricher-plugin",
    AnalyticsEnricherPlugin,
    AnalyticsEnricherPluginPre,
    waymark_plugin_analytics_enricher
);

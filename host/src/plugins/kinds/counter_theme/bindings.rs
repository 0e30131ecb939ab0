//! Host bindings of the counter-theme world, one module per API version
//! (`v0_1` from `wit/since_v0.1.0`, `v0_2` from `wit/since_v0.2.0`). A
//! plugin built against 0.1.0 keeps loading after 0.2.0 shipped:
//! [`super::calls`] adapts each version to the host's types.

use crate::plugins::world::plugin_world;

plugin_world!(
    v0_1,
    "../wit/since_v0.1.0",
    "counter-theme-plugin",
    CounterThemePlugin,
    CounterThemePluginPre,
    waymark_plugin_counter_theme
);
plugin_world!(
    v0_2,
    "../wit/since_v0.2.0",
    "counter-theme-plugin",
    CounterThemePlugin,
    CounterThemePluginPre,
    waymark_plugin_counter_theme
);

//! Host bindings of the unshort-rule world (API 0.1.0, `wit/since_v0.1.0`).

use crate::plugins::world::plugin_world;

plugin_world!(
    v0_1,
    "../wit/since_v0.1.0",
    "unshort-rule-plugin",
    UnshortRulePlugin,
    UnshortRulePluginPre,
    waymark_plugin_unshort_rule
);

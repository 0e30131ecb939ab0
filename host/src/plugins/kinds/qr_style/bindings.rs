//! Host bindings of the qr-style world (API 0.1.0, `wit/since_v0.1.0`).

use crate::plugins::world::plugin_world;

plugin_world!(v0_1, "../wit/since_v0.1.0", "qr-style-plugin", QrStylePlugin, QrStylePluginPre, waymark_plugin_qr_style);

//! Every plugin kind this host loads, one folder each: its WIT bindings, its
//! table of API versions, its [`PluginKind`] implementation and the typed
//! facade products call it through. Adding a kind adds a folder and one
//! line to [`ALL`]; the registry does not change.

pub mod analytics_enricher;
pub mod counter_theme;
pub mod qr_style;
pub mod unshort_rule;

use super::kind::PluginKind;

/// The kinds that load, in the order the admin guide lists them.
pub static ALL: &[&dyn PluginKind] = &[
    &counter_theme::CounterThemeKind,
    &qr_style::QrStyleKind,
    &unshort_rule::UnshortRuleKind,
    &analytics_enricher::AnalyticsEnricherKind,
];

/// The kind a manifest names, if this host has it.
pub fn find(name: &str) -> Option<&'static dyn PluginKind> {
    ALL.iter().copied().find(|kind| kind.name() == name)
}

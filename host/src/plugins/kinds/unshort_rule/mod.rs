//! Unshort rules: asking a plugin where a fetched page (that did not
//! redirect by status) sends its visitor, and checking the answer.
//!
//! The unshortener reaches rules through [`UnshortRules`]: the enabled
//! rules in the order configured, each a [`RuleHandle`].

mod bindings;

use std::sync::Arc;

use self::bindings::v0_1::UnshortRulePlugin;
use self::bindings::v0_1::exports::waymark::plugin::unshort_rule as wit;
use crate::plugins::error::CallError;
use crate::plugins::kind::{ApiVersion, Pending, PluginKind, PooledWorld, reported};
use crate::plugins::pool::Pooled;
use crate::plugins::registry::{Loaded, Registry};
use crate::plugins::service::Plugins;

pub type RulePlugin = Pooled<UnshortRulePlugin>;

/// The manifest's `kind` for unshort rules.
pub const KIND: &str = "unshort-rule";

/// The unshort-rule kind: finds the next hop in a fetched page.
pub struct UnshortRuleKind;

/// The API versions that load, oldest first: the only list of them.
static VERSIONS: &[ApiVersion] =
    &[ApiVersion { version: "0.1.0", prepare: |c| Ok(Box::new(c.pool::<UnshortRulePlugin>()?)) }];

impl PluginKind for UnshortRuleKind {
    fn name(&self) -> &'static str {
        KIND
    }

    fn listing(&self) -> &'static str {
        "rules()"
    }

    fn versions(&self) -> &'static [ApiVersion] {
        VERSIONS
    }
}

impl PooledWorld for UnshortRulePlugin {
    /// A rule has no sample page to be tried on: its listing is its test.
    fn smoke_test<'a>(_: &'a RulePlugin, _: &'a str, _: &'a [(String, String)]) -> Pending<'a, Result<(), CallError>> {
        Box::pin(async { Ok(()) })
    }
}

/// The enabled unshort rules.
pub struct UnshortRules<'a> {
    registry: &'a Registry,
}

impl<'a> UnshortRules<'a> {
    pub fn of(plugins: &'a Plugins) -> Self {
        Self { registry: plugins.registry() }
    }

    /// The rule plugins in the order they are asked: those providing the
    /// keys in `order` first, then the rest by key. A plugin providing
    /// several keys is asked once, at its first place.
    pub fn in_order(&self, order: &[String]) -> Vec<RuleHandle> {
        let all = self.registry.providers(KIND);
        let configured = order.iter().filter_map(|key| all.iter().find(|(k, _)| k == key));
        let rest = all.iter().filter(|(key, _)| !order.contains(key));
        let mut rules: Vec<RuleHandle> = Vec::new();
        for (_, loaded) in configured.chain(rest) {
            if !rules.iter().any(|rule| Arc::ptr_eq(&rule.loaded, loaded)) {
                rules.push(RuleHandle { loaded: loaded.clone() });
            }
        }
        rules
    }
}

/// One enabled rule plugin.
pub struct RuleHandle {
    loaded: Arc<Loaded>,
}

impl RuleHandle {
    pub fn plugin_id(&self) -> &str {
        &self.loaded.manifest.id
    }

    /// Asks the plugin where `response` sends its visitor.
    pub async fn detect_next_hop(&self, response: &HopResponse) -> Result<Option<NextHop>, CallError> {
        let plugin =
            self.loaded.plugin::<RulePlugin>().ok_or_else(|| CallError::NotProvided(self.plugin_id().into()))?;
        detect(plugin, self.plugin_id(), response).await
    }
}

/// Longest URL a rule may return (browsers cope with about this much).
const MAX_URL: usize = 8 * 1024;
/// Longest method name, e.g. `Meta-Refresh`.
const MAX_METHOD: usize = 32;

/// What a rule is shown of one hop.
#[derive(Debug, Clone)]
pub struct HopResponse {
    pub url: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The first bytes of the body, up to the configured limit.
    pub body_prefix: Vec<u8>,
    pub truncated: bool,
}

/// Where a rule says the page goes, and how (as the chain reports it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextHop {
    /// Absolute, or relative to the hop's URL.
    pub url: String,
    pub method: String,
}

/// Runs one rule plugin on `response`.
async fn detect(plugin: &RulePlugin, id: &str, response: &HopResponse) -> Result<Option<NextHop>, CallError> {
    let input = wit::HopResponse {
        url: response.url.clone(),
        status: response.status,
        headers: response
            .headers
            .iter()
            .map(|(name, value)| wit::Header { name: name.clone(), value: value.clone() })
            .collect(),
        body_prefix: response.body_prefix.clone(),
        truncated: response.truncated,
    };
    let output = plugin
        .call(move |bindings, store| {
            Box::pin(async move { bindings.waymark_plugin_unshort_rule().call_detect(store, &input).await })
        })
        .await?;
    let checked = match output {
        Ok(None) => Ok(None),
        Ok(Some(next)) => {
            check(next).map(Some).map_err(|detail| CallError::InvalidOutput { plugin: id.into(), detail })
        }
        Err(detail) => Err(reported(id, &detail)),
    };
    if let Err(error) = &checked {
        plugin.record_invalid(error);
    }
    checked
}

/// A next hop needs a URL of sane length without control characters, and a
/// short method name made of letters, digits and `-`.
fn check(next: wit::NextHop) -> Result<NextHop, String> {
    let url = next.url.trim();
    if url.is_empty() || url.len() > MAX_URL || url.chars().any(char::is_control) {
        return Err(format!("next-hop URL must be 1–{MAX_URL} bytes without control characters"));
    }
    let method = next.method.trim();
    let method_ok = !method.is_empty()
        && method.len() <= MAX_METHOD
        && method.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !method_ok {
        return Err(format!("method {method:?} must be 1–{MAX_METHOD} letters, digits, - or _"));
    }
    Ok(NextHop { url: url.to_string(), method: method.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(url: &str, method: &str) -> wit::NextHop {
        wit::NextHop { url: url.into(), method: method.into() }
    }

    #[test]
    fn sane_answers_pass_and_odd_ones_do_not() {
        assert_eq!(check(next(" /b ", "JS")).unwrap(), NextHop { url: "/b".into(), method: "JS".into() });
        assert!(check(next("", "JS")).is_err());
        assert!(check(next("/a\nb", "JS")).is_err());
        assert!(check(next(&"a".repeat(MAX_URL + 1), "JS")).is_err());
        assert!(check(next("/b", "")).is_err());
        assert!(check(next("/b", "<script>")).is_err());
    }
}

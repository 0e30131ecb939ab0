//! A minimal analytics enricher proving the `analytics-enricher` kind loads
//! and runs: `shout` sets one field, `browser`, to the event's user agent
//! uppercased.
//!
//! It also checks the SDK's promise that an instance's listing comes before
//! any `enrich` call (where plugins do one-time setup): `enrichers()` marks
//! the instance set up, and `enrich` on an instance not set up fails.

use std::sync::atomic::{AtomicBool, Ordering};

use waymark_plugin_sdk::analytics_enricher::*;

pub struct Shout;

/// Set by this instance's `enrichers()`.
static SET_UP: AtomicBool = AtomicBool::new(false);

impl AnalyticsEnricher for Shout {
    fn enrichers() -> Vec<Provided> {
        SET_UP.store(true, Ordering::Relaxed);
        vec![provided("shout", "Test: shout")]
    }

    fn enrich(event: &Event) -> Result<Vec<Field>, String> {
        if !SET_UP.load(Ordering::Relaxed) {
            return Err("enrich called before enrichers() on this instance".into());
        }
        Ok(vec![field("browser", &event.user_agent.to_uppercase())])
    }
}

waymark_plugin_sdk::register_analytics_enricher!(Shout);
waymark_plugin_sdk::manifest!("../waymark.toml");

#[cfg(test)]
mod tests {
    use super::*;

    fn event(user_agent: &str) -> Event {
        Event {
            site_id: 1,
            session_id: "s".into(),
            user_id: None,
            ip: "192.0.2.1".into(),
            user_agent: user_agent.into(),
            url: "https://example.com/".into(),
            referrer: None,
            screen: None,
            event_type: "pageview".into(),
            event_value: None,
            geo: Geo { country: None, subdivision: None, city: None, isp: None, asn: None },
        }
    }

    #[test]
    fn sets_browser_to_the_user_agent_uppercased() {
        Shout::enrichers();
        let fields = Shout::enrich(&event("Mozilla/5.0 Firefox/128.0")).unwrap();
        assert_eq!(fields.len(), 1);
        assert_eq!((fields[0].name.as_str(), fields[0].value.as_str()), ("browser", "MOZILLA/5.0 FIREFOX/128.0"));
    }
}

//! An analytics event: what a client sends and what is stored.

use super::error::AnalyticsError;

/// What `POST /api/events` (or the tracker) hands in, not yet checked.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    pub site_id: i64,
    pub session_id: String,
    pub user_id: String,
    /// "" or absent: the client's address.
    pub ip: String,
    pub url: String,
    pub referrer: String,
    pub user_agent: String,
    pub screen: String,
    pub language: String,
    pub event_type: String,
    pub event_value: String,
    pub duration_ms: i64,
    /// When it happened (Unix milliseconds), if not now: see
    /// [`LATE_EVENTS_MS`].
    pub at_ms: Option<i64>,
}

/// How late an event may be sent with its own time: within a day, while the
/// rollups still know who was counted that day.
pub const LATE_EVENTS_MS: i64 = 24 * 3600 * 1000;

/// How far ahead of the server's clock an event's time may be.
pub const CLOCK_SKEW_MS: i64 = 60 * 1000;

/// An event as stored (and answered).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    pub id: i64,
    pub site_id: i64,
    pub session_id: String,
    pub user_id: String,
    pub ip: String,
    pub visitor_id: String,
    pub url: String,
    pub referrer: String,
    pub user_agent: String,
    pub screen: String,
    pub language: String,
    pub event_type: String,
    pub event_value: String,
    pub device: String,
    pub browser: String,
    pub os: String,
    pub is_bot: bool,
    pub country: String,
    pub subdivision: String,
    pub city: String,
    pub isp: String,
    pub source: String,
    pub source_name: String,
    pub medium: String,
    pub utm_source: String,
    pub utm_medium: String,
    pub utm_campaign: String,
    pub duration_ms: i64,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Not stored with the event; what the rollups count distinct IPs by:
    /// the IP hashed with the day's salt (the day's exact count) …
    pub ip_key: String,
    /// … and a stable hash of (site, IP) for the sketches that merge days.
    pub ip_hash: u64,
}

/// Longest accepted text per field, in characters: generous for real
/// clients, small enough that one event stays a few KiB.
pub const LIMITS: &[(&str, usize)] = &[
    ("session_id", 128),
    ("user_id", 128),
    ("ip", 45),
    ("url", 2048),
    ("referrer", 2048),
    ("user_agent", 1024),
    ("screen", 32),
    ("language", 35),
    ("event_type", 64),
    ("event_value", 1024),
];

/// The limit for `field` (see [`LIMITS`]).
pub fn limit(field: &str) -> usize {
    LIMITS.iter().find(|(name, _)| *name == field).map_or(0, |(_, max)| *max)
}

impl Incoming {
    /// Trims every text, requires what the seed marks required and bounds
    /// every length. `ip`, when given, must be an IP address.
    pub fn checked(self) -> Result<Self, AnalyticsError> {
        self.checked_as(true)
    }

    /// [`Self::checked`]; from the tracker, `session_id` (the visitor id
    /// stands in) and `user_agent` (a browser that sends none is flagged a
    /// bot by the enricher, not refused) are optional.
    pub fn checked_as(mut self, api: bool) -> Result<Self, AnalyticsError> {
        let fields: [(&str, &mut String, bool); 10] = [
            ("session_id", &mut self.session_id, api),
            ("user_id", &mut self.user_id, false),
            ("ip", &mut self.ip, false),
            ("url", &mut self.url, true),
            ("referrer", &mut self.referrer, false),
            ("user_agent", &mut self.user_agent, api),
            ("screen", &mut self.screen, false),
            ("language", &mut self.language, false),
            ("event_type", &mut self.event_type, true),
            ("event_value", &mut self.event_value, false),
        ];
        for (name, value, required) in fields {
            let trimmed = value.trim();
            if required && trimmed.is_empty() {
                return Err(AnalyticsError::Invalid(format!("{name} is required")));
            }
            let max = limit(name);
            if trimmed.chars().count() > max {
                return Err(AnalyticsError::Invalid(format!("{name} must be at most {max} characters")));
            }
            if let Some(c) = trimmed.chars().find(|c| c.is_control()) {
                return Err(AnalyticsError::Invalid(format!(
                    "{name} must not contain control characters (found {})",
                    crate::text_hygiene::describe(c)
                )));
            }
            *value = trimmed.to_string();
        }
        if !self.ip.is_empty() && self.ip.parse::<std::net::IpAddr>().is_err() {
            return Err(AnalyticsError::Invalid("ip must be an IPv4 or IPv6 address".into()));
        }
        if self.site_id <= 0 {
            return Err(AnalyticsError::Invalid("site_id is required".into()));
        }
        self.duration_ms = self.duration_ms.clamp(0, 24 * 3600 * 1000);
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Incoming {
        Incoming {
            site_id: 1,
            session_id: " session_123 ".into(),
            url: "https://example.com/page".into(),
            user_agent: "Mozilla/5.0".into(),
            event_type: "page_view".into(),
            ..Incoming::default()
        }
    }

    #[test]
    fn required_fields_bounds_and_addresses() {
        assert_eq!(sample().checked().unwrap().session_id, "session_123");
        for (field, broken) in [
            ("session_id", Incoming { session_id: "  ".into(), ..sample() }),
            ("url", Incoming { url: String::new(), ..sample() }),
            ("user_agent", Incoming { user_agent: String::new(), ..sample() }),
            ("event_type", Incoming { event_type: String::new(), ..sample() }),
            ("site_id", Incoming { site_id: 0, ..sample() }),
            ("url", Incoming { url: "u".repeat(2049), ..sample() }),
            ("ip", Incoming { ip: "not-an-ip".into(), ..sample() }),
            ("referrer", Incoming { referrer: "a\u{0}b".into(), ..sample() }),
        ] {
            let message = broken.checked().unwrap_err().to_string();
            assert!(message.starts_with(field), "{field}: {message}");
        }
        assert!(Incoming { ip: "2001:db8::1".into(), ..sample() }.checked().is_ok());
    }
}

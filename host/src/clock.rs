//! The server's notion of "now" for calendar logic: daily counters and daily
//! quotas. It can be shifted by `clock_offset_secs`, so a test (or an
//! operator rehearsing midnight) can watch a day roll over without waiting
//! for one. Token expiry and log timestamps keep the real clock.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    tz: Tz,
    offset: Duration,
}

impl Clock {
    pub fn new(tz: Tz, offset_secs: i64) -> Self {
        Self { tz, offset: Duration::seconds(offset_secs) }
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// Today's date in the configured time zone.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&self.tz).date_naive()
    }

    /// The local day containing `instant` as every day key is stored and
    /// compared: `YYYY-MM-DD` (`NaiveDate`'s Display, no format parsing).
    pub fn day_of(&self, instant: DateTime<Utc>) -> String {
        instant.with_timezone(&self.tz).date_naive().to_string()
    }

    /// Today's day key (see [`Self::day_of`]).
    pub fn day(&self) -> String {
        self.day_of(self.now())
    }

    /// When the local day containing `instant` ends (a DST jump can skip
    /// local midnight; the day then ends an hour later).
    pub fn end_of_day(&self, instant: DateTime<Utc>) -> DateTime<Utc> {
        let local = instant.with_timezone(&self.tz);
        let tomorrow = local.date_naive() + Duration::days(1);
        self.tz
            .from_local_datetime(&tomorrow.and_time(NaiveTime::MIN))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| instant + Duration::hours(24))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn day_keys_follow_the_zone_and_the_offset() {
        let instant = Utc.timestamp_opt(1_700_000_000, 0).unwrap(); // 2023-11-14T22:13:20Z
        assert_eq!(Clock::new(chrono_tz::UTC, 0).day_of(instant), "2023-11-14");
        assert_eq!(Clock::new(chrono_tz::Asia::Shanghai, 0).day_of(instant), "2023-11-15");
        let tomorrow = Clock::new(chrono_tz::UTC, 86_400);
        assert_eq!(tomorrow.day(), (Utc::now() + Duration::days(1)).date_naive().to_string());
    }
}

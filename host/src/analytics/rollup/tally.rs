//! What one batch of events adds to the rollups, worked out in memory
//! before a single statement runs: the batch writer then applies it in the
//! transaction that stores the events (see `store/rollups.rs`).
//!
//! Sessions need what is already stored: a batch continues the sessions
//! that were open (last event under [`SESSION_IDLE_MS`] before it). Their
//! figures count for the day and hour each started on; a session changing
//! (a second page view ends a bounce, a later event lengthens it) turns
//! into deltas of those figures.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use chrono::{TimeZone, Timelike};
use chrono_tz::Tz;

use super::dimension::{Dimension, path_of};
use crate::analytics::event::Event;

/// A session ends after this long without an event.
pub const SESSION_IDLE_MS: i64 = 30 * 60 * 1000;

/// The event type of a page view; all others but [`ENGAGEMENT`] are
/// "events" (`event_count`).
pub const PAGE_VIEW: &str = "page_view";
/// What the tracker sends when a page is hidden: it measures how long the
/// page was seen (it lengthens its session), and counts as neither a page
/// view nor an event, nor starts a session.
pub const ENGAGEMENT: &str = "engagement";

/// `YYYYMMDD` of the local day and the local hour of `ms` in `tz`.
pub fn local_day_hour(ms: i64, tz: Tz) -> (i64, i64) {
    let Some(local) = tz.timestamp_millis_opt(ms).single() else { return (19700101, 0) };
    let date = local.date_naive();
    (date_key(date), i64::from(local.hour()))
}

/// `YYYYMMDD` as a number, the stored form of a day.
pub fn date_key(date: chrono::NaiveDate) -> i64 {
    use chrono::Datelike;
    i64::from(date.year()) * 10_000 + i64::from(date.month()) * 100 + i64::from(date.day())
}

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub site_id: i64,
    pub session_id: String,
    pub started_at: i64,
    pub last_at: i64,
    pub day: i64,
    pub hour: i64,
    pub is_bot: bool,
    pub pageviews: i64,
    pub events: i64,
    pub entry_page: String,
    pub exit_page: String,
}

impl Session {
    fn is_bounce(&self) -> bool {
        self.pageviews == 1 && self.events == 0
    }

    fn duration_ms(&self) -> i64 {
        self.last_at - self.started_at
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HourKey {
    pub site_id: i64,
    pub day: i64,
    pub hour: i64,
    pub is_bot: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DayKey {
    pub site_id: i64,
    pub day: i64,
    pub is_bot: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DimensionKey<'a> {
    pub site_id: i64,
    pub event_type: &'a str,
    pub dimension: &'static str,
    pub day: i64,
    pub is_bot: bool,
    pub value: Cow<'a, str>,
}

/// Which set a "seen" id belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SeenKind {
    /// A visitor id, once per day.
    DayVisitor,
    /// A visitor id, once per hour.
    HourVisitor,
    /// An IP's day hash, once per day.
    DayIp,
}

impl SeenKind {
    pub fn code(self) -> &'static str {
        match self {
            SeenKind::DayVisitor => "v",
            SeenKind::HourVisitor => "h",
            SeenKind::DayIp => "i",
        }
    }
}

/// One set of "seen" ids: `hour` is -1 for the per-day ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeenGroup {
    pub site_id: i64,
    pub day: i64,
    pub kind: SeenKind,
    pub hour: i64,
    pub is_bot: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HourCounts {
    pub pageviews: i64,
    pub events: i64,
    pub visitors: i64,
    pub sessions: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayCounts {
    pub pageviews: i64,
    pub events: i64,
    pub visitors: i64,
    pub ips: i64,
    pub sessions: i64,
    pub bounces: i64,
    pub duration_ms: i64,
}

/// The maps a tally keeps: hashed with foldhash, as they are hit some 20
/// times per event.
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// What a batch adds. Visitor and IP counts are not known until the seen
/// sets say which ids are new; the writer adds them.
#[derive(Debug, Default)]
pub struct Tally<'a> {
    pub hourly: Map<HourKey, HourCounts>,
    pub daily: Map<DayKey, DayCounts>,
    pub dimensions: Map<DimensionKey<'a>, i64>,
    pub seen: Map<SeenGroup, HashSet<&'a str, foldhash::fast::RandomState>>,
    pub ip_hashes: Map<DayKey, Vec<u64>>,
    /// Every session the batch started or changed.
    pub sessions: Vec<Session>,
}

/// A session the batch may continue: the latest of its id, and whether
/// the batch changed it.
struct Live {
    session: Session,
    changed: bool,
}

/// Local days and hours of event times, worked out once per quarter hour
/// of UTC time: every time zone's offset is a whole number of quarter
/// hours and changes on a quarter hour, so the times of one quarter hour
/// share their local day and hour.
struct LocalHours {
    tz: Tz,
    quarter: i64,
    day_hour: (i64, i64),
}

const QUARTER_HOUR_MS: i64 = 15 * 60 * 1000;

impl LocalHours {
    fn new(tz: Tz) -> Self {
        Self { tz, quarter: i64::MIN, day_hour: (0, 0) }
    }

    fn of(&mut self, ms: i64) -> (i64, i64) {
        let quarter = ms.div_euclid(QUARTER_HOUR_MS);
        if quarter != self.quarter {
            self.quarter = quarter;
            self.day_hour = local_day_hour(quarter * QUARTER_HOUR_MS, self.tz);
        }
        self.day_hour
    }
}

impl<'a> Tally<'a> {
    /// Tallies `events`; `open` holds the latest stored session of each
    /// (site, session id) in the batch that may still be open.
    pub fn of(events: &'a [Event], open: HashMap<(i64, String), Session>, tz: Tz) -> Tally<'a> {
        let mut tally = Tally::default();
        let mut live: Map<i64, Map<String, Live>> = Map::default();
        for ((site_id, id), session) in open {
            live.entry(site_id).or_default().insert(id, Live { session, changed: false });
        }
        let mut hours = LocalHours::new(tz);
        let mut order: Vec<&'a Event> = events.iter().collect();
        order.sort_by_key(|e| (e.created_at, e.id));
        for event in order {
            let (day, hour) = hours.of(event.created_at);
            tally.count_event(event, day, hour);
            tally.count_session(event, &mut live, (day, hour));
        }
        let changed = live.into_values().flat_map(Map::into_values).filter(|live| live.changed);
        tally.sessions.extend(changed.map(|live| live.session));
        tally
    }

    fn count_event(&mut self, event: &'a Event, day: i64, hour: i64) {
        if event.event_type == ENGAGEMENT {
            return;
        }
        let (site_id, is_bot) = (event.site_id, event.is_bot);
        let page_view = event.event_type == PAGE_VIEW;
        let hourly = self.hourly.entry(HourKey { site_id, day, hour, is_bot }).or_default();
        let daily = self.daily.entry(DayKey { site_id, day, is_bot }).or_default();
        if page_view {
            hourly.pageviews += 1;
            daily.pageviews += 1;
        } else {
            hourly.events += 1;
            daily.events += 1;
        }
        for dimension in Dimension::ALL.into_iter().filter(|d| d.counts_events()) {
            let value = dimension.value_of(event);
            if !value.is_empty() {
                let key = DimensionKey {
                    site_id,
                    event_type: &event.event_type,
                    dimension: dimension.name(),
                    day,
                    is_bot,
                    value,
                };
                *self.dimensions.entry(key).or_default() += 1;
            }
        }
        if !event.visitor_id.is_empty() {
            for (kind, hour) in [(SeenKind::DayVisitor, -1), (SeenKind::HourVisitor, hour)] {
                let group = SeenGroup { site_id, day, kind, hour, is_bot };
                self.seen.entry(group).or_default().insert(&event.visitor_id);
            }
        }
        if !event.ip_key.is_empty() {
            let group = SeenGroup { site_id, day, kind: SeenKind::DayIp, hour: -1, is_bot };
            self.seen.entry(group).or_default().insert(&event.ip_key);
            self.ip_hashes.entry(DayKey { site_id, day, is_bot }).or_default().push(event.ip_hash);
        }
    }

    /// Adds `event` to its session: the open one it falls within, or a new
    /// one (which ends the one before: it is written as it was).
    fn count_session(&mut self, event: &'a Event, live: &mut Map<i64, Map<String, Live>>, at: (i64, i64)) {
        if event.session_id.is_empty() {
            return;
        }
        let sessions = live.entry(event.site_id).or_default();
        let continues = sessions.get(event.session_id.as_str()).is_some_and(|live| {
            let s = &live.session;
            (s.started_at - SESSION_IDLE_MS..=s.last_at + SESSION_IDLE_MS).contains(&event.created_at)
        });
        if !continues {
            if event.event_type == ENGAGEMENT {
                // An engagement beacon alone never starts a session.
                return;
            }
            let started = Live { session: self.start_session(event, at), changed: true };
            if let Some(ended) = sessions.insert(event.session_id.clone(), started).filter(|l| l.changed) {
                self.sessions.push(ended.session);
            }
        }
        let Some(live) = sessions.get_mut(event.session_id.as_str()) else { return };
        live.changed = true;
        let after = &mut live.session;
        let (was_bounce, was_ms) = if continues { (after.is_bounce(), after.duration_ms()) } else { (false, 0) };
        match event.event_type.as_str() {
            PAGE_VIEW => {
                let page = path_of(&event.url);
                after.pageviews += 1;
                if after.entry_page.is_empty() {
                    after.entry_page = page.to_string();
                    count_page(&mut self.dimensions, after, Dimension::EntryPage, page.clone(), 1);
                }
                // An event older than the session's last (another replica's,
                // written late) does not move its exit page.
                let moves_exit = event.created_at >= after.last_at || after.exit_page.is_empty();
                if moves_exit && after.exit_page != page {
                    if !after.exit_page.is_empty() {
                        let previous = Cow::Owned(std::mem::take(&mut after.exit_page));
                        count_page(&mut self.dimensions, after, Dimension::ExitPage, previous, -1);
                    }
                    after.exit_page = page.to_string();
                    count_page(&mut self.dimensions, after, Dimension::ExitPage, page, 1);
                }
            }
            ENGAGEMENT => {}
            _ => after.events += 1,
        }
        after.last_at = after.last_at.max(event.created_at);
        let key = DayKey { site_id: after.site_id, day: after.day, is_bot: after.is_bot };
        let (bounces, duration_ms) =
            (i64::from(after.is_bounce()) - i64::from(was_bounce), after.duration_ms() - was_ms);
        let day = self.daily.entry(key).or_default();
        day.bounces += bounces;
        day.duration_ms += duration_ms;
    }

    /// A new session at `event`, counted where it starts.
    fn start_session(&mut self, event: &Event, (day, hour): (i64, i64)) -> Session {
        let session = Session {
            site_id: event.site_id,
            session_id: event.session_id.clone(),
            started_at: event.created_at,
            last_at: event.created_at,
            day,
            hour,
            is_bot: event.is_bot,
            pageviews: 0,
            events: 0,
            entry_page: String::new(),
            exit_page: String::new(),
        };
        let hour_key = HourKey { site_id: session.site_id, day, hour, is_bot: session.is_bot };
        self.hourly.entry(hour_key).or_default().sessions += 1;
        let day_key = DayKey { site_id: session.site_id, day, is_bot: session.is_bot };
        self.daily.entry(day_key).or_default().sessions += 1;
        session
    }
}

/// Counts `page` as an entry or exit page of `session`'s day.
fn count_page<'a>(
    dimensions: &mut Map<DimensionKey<'a>, i64>,
    session: &Session,
    dimension: Dimension,
    page: Cow<'a, str>,
    by: i64,
) {
    let key = DimensionKey {
        site_id: session.site_id,
        event_type: PAGE_VIEW,
        dimension: dimension.name(),
        day: session.day,
        is_bot: session.is_bot,
        value: page,
    };
    *dimensions.entry(key).or_default() += by;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Across both of a year's clock changes, in zones offset by whole,
    /// half and three-quarter hours, the quarter-hour shortcut agrees with
    /// working each time out on its own.
    #[test]
    fn local_hours_agree_with_the_time_zone_minute_by_minute() {
        let zones = [chrono_tz::Europe::Berlin, chrono_tz::Australia::Lord_Howe, chrono_tz::Pacific::Chatham];
        let days = [("2026-03-29", "2026-03-30"), ("2026-10-24", "2026-10-26"), ("2026-04-04", "2026-04-06")];
        for tz in zones {
            for (from, to) in days {
                let ms = |day: &str| {
                    let date: chrono::NaiveDate = day.parse().unwrap();
                    date.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp_millis() - 86_400_000
                };
                let mut hours = LocalHours::new(tz);
                for at in (ms(from)..ms(to) + 86_400_000).step_by(60_000) {
                    assert_eq!(hours.of(at + 59_999), local_day_hour(at + 59_999, tz), "{tz} at {at}");
                }
            }
        }
    }
}

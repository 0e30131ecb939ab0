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

/// What a batch adds. Visitor and IP counts are not known until the seen
/// sets say which ids are new; the writer adds them.
#[derive(Debug, Default)]
pub struct Tally<'a> {
    pub hourly: HashMap<HourKey, HourCounts>,
    pub daily: HashMap<DayKey, DayCounts>,
    pub dimensions: HashMap<DimensionKey<'a>, i64>,
    pub seen: HashMap<SeenGroup, HashSet<&'a str>>,
    pub ip_hashes: HashMap<DayKey, Vec<u64>>,
    /// Every session the batch started or changed, by (site, id, start).
    pub sessions: HashMap<(i64, String, i64), Session>,
}

impl<'a> Tally<'a> {
    /// Tallies `events`; `open` holds the latest stored session of each
    /// (site, session id) in the batch that may still be open.
    pub fn of(events: &'a [Event], open: HashMap<(i64, String), Session>, tz: Tz) -> Tally<'a> {
        let mut tally = Tally::default();
        let mut open = open;
        let mut order: Vec<&'a Event> = events.iter().collect();
        order.sort_by_key(|e| (e.created_at, e.id));
        for event in order {
            tally.count_event(event, tz);
            tally.count_session(event, &mut open, tz);
        }
        tally
    }

    fn count_event(&mut self, event: &'a Event, tz: Tz) {
        if event.event_type == ENGAGEMENT {
            return;
        }
        let (day, hour) = local_day_hour(event.created_at, tz);
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

    fn count_session(&mut self, event: &Event, open: &mut HashMap<(i64, String), Session>, tz: Tz) {
        if event.session_id.is_empty() {
            return;
        }
        let key = (event.site_id, event.session_id.clone());
        let current = open
            .get(&key)
            .filter(|s| (s.started_at - SESSION_IDLE_MS..=s.last_at + SESSION_IDLE_MS).contains(&event.created_at))
            .cloned();
        if current.is_none() && event.event_type == ENGAGEMENT {
            // An engagement beacon alone never starts a session.
            return;
        }
        let mut after = current.clone().unwrap_or_else(|| self.start_session(event, tz));
        match event.event_type.as_str() {
            PAGE_VIEW => {
                let page = path_of(&event.url);
                after.pageviews += 1;
                if after.entry_page.is_empty() {
                    after.entry_page = page.clone();
                    self.count_page(&after, Dimension::EntryPage, &page, 1);
                }
                // An event older than the session's last (another replica's,
                // written late) does not move its exit page.
                if event.created_at >= after.last_at || after.exit_page.is_empty() {
                    if !after.exit_page.is_empty() {
                        let previous = after.exit_page.clone();
                        self.count_page(&after, Dimension::ExitPage, &previous, -1);
                    }
                    self.count_page(&after, Dimension::ExitPage, &page, 1);
                    after.exit_page = page;
                }
            }
            ENGAGEMENT => {}
            _ => after.events += 1,
        }
        after.last_at = after.last_at.max(event.created_at);
        let (was_bounce, was_ms) = current.map_or((false, 0), |s| (s.is_bounce(), s.duration_ms()));
        let day = self.day_of(&after);
        day.bounces += i64::from(after.is_bounce()) - i64::from(was_bounce);
        day.duration_ms += after.duration_ms() - was_ms;
        open.insert(key, after.clone());
        self.sessions.insert((after.site_id, after.session_id.clone(), after.started_at), after);
    }

    /// A new session at `event`, counted where it starts.
    fn start_session(&mut self, event: &Event, tz: Tz) -> Session {
        let (day, hour) = local_day_hour(event.created_at, tz);
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
        self.day_of(&session).sessions += 1;
        session
    }

    fn day_of(&mut self, session: &Session) -> &mut DayCounts {
        let key = DayKey { site_id: session.site_id, day: session.day, is_bot: session.is_bot };
        self.daily.entry(key).or_default()
    }

    fn count_page(&mut self, session: &Session, dimension: Dimension, page: &str, by: i64) {
        let key = DimensionKey {
            site_id: session.site_id,
            event_type: PAGE_VIEW,
            dimension: dimension.name(),
            day: session.day,
            is_bot: session.is_bot,
            value: Cow::Owned(page.to_string()),
        };
        *self.dimensions.entry(key).or_default() += by;
    }
}

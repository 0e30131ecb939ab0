//! Pingoo's `/api/events/{site_id}/stats` and `…/summary` against a
//! hand-computed fixture, plus Waymark's ranges, bots, comparison, time
//! series and live view.
//!
//! The server's clock is set so that "now" is 12:00 in Shanghai (the seed's
//! time zone) on the real date D, and events carry their own `timestamp`, so
//! every figure below is known in advance.
//!
//! The fixture (local times; `A` = Firefox from 81.2.69.142, London; `B` =
//! Chrome from 216.160.83.56, Milton; `C` = Googlebot from 81.2.69.160):
//!
//! | session | visitor | events                                               |
//! |---------|---------|------------------------------------------------------|
//! | b0      | B       | D-1 23:00 page_view /                                |
//! | a1      | A       | 09:00 page_view / (from Google), 09:05 page_view     |
//! |         |         | /pricing, 09:10 `signup` (value `hero`) on /pricing  |
//! | b1      | B       | 09:30 page_view /, 09:32 engagement                  |
//! | a2      | A       | 10:00 page_view /blog                                |
//! | c1      | C (bot) | 10:30 page_view /, 10:31 page_view /pricing          |
//!
//! a1's landing URL carries `utm_source=newsletter&utm_medium=email&
//! utm_campaign=launch`; A sends screen 1920x1080 and language en-GB, B and
//! C 390x844 and en-US.
//!
//! On D without bots: pv 4 (a1 2, b1 1, a2 1); event_count 1 (the engagement
//! beacon is no event); uv 2 (A, B); ip_count 2; sessions 3 (a1, b1, a2);
//! bounces 2 (b1 and a2: one page view, nothing else) → bounce_rate 66.7;
//! durations 600 s, 120 s, 0 s → avg_duration 240; hourly_stats 09:00 → 3,
//! 10:00 → 1; week and month: pv 5 (b0 too), ip 2.
//! With bots: pv 6, uv 3, ip_count 3, sessions 4, bounces 2 → 50.0, durations
//! add 60 s → avg_duration 195.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};

use crate::analytics_events::{geoip, listed, post, site};
use crate::support::{Server, send};

const FIREFOX: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
const CHROME: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
/// a1's landing page: a newsletter campaign (its path is `/`).
const CAMPAIGN: &str = "/?utm_source=newsletter&utm_medium=email&utm_campaign=launch";
const GOOGLEBOT: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

/// The fixture's day D (today in Shanghai) and the clock offset that makes
/// the server's "now" 12:00 on it.
fn noon_in_shanghai() -> (NaiveDate, i64) {
    let tz = chrono_tz::Asia::Shanghai;
    let today = Utc::now().with_timezone(&tz).date_naive();
    let noon = tz.from_local_datetime(&today.and_hms_opt(12, 0, 0).unwrap()).unwrap();
    (today, (noon.with_timezone(&Utc) - Utc::now()).num_seconds())
}

fn ymd(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

struct Fixture {
    server: Server,
    token: String,
    site_id: i64,
    day: NaiveDate,
}

async fn fixture() -> Fixture {
    let (day, offset) = noon_in_shanghai();
    let server = Server::start_with(&[
        ("WAYMARK_TIMEZONE", "Asia/Shanghai"),
        ("WAYMARK_CLOCK_OFFSET_SECS", &offset.to_string()),
        ("WAYMARK_ANALYTICS__GEOIP_CITY_DB", &geoip("GeoIP2-City-Test.mmdb")),
        ("WAYMARK_ANALYTICS__GEOIP_ISP_DB", &geoip("GeoIP2-ISP-Test.mmdb")),
        ("WAYMARK_ANALYTICS__FLUSH_INTERVAL_MS", "100"),
    ])
    .await;
    let alice = server.register("alice@example.com", "password123").await;
    let site_id = site(&server, &alice.token, "example.com").await;
    let at = |date: NaiveDate, hm: &str| format!("{} {hm}:00", date.format("%Y-%m-%d"));
    let yesterday = day - Duration::days(1);
    let events = [
        ("b0", CHROME, "216.160.83.56", at(yesterday, "23:00"), "page_view", "/", "", ""),
        (
            "a1",
            FIREFOX,
            "81.2.69.142",
            at(day, "09:00"),
            "page_view",
            CAMPAIGN,
            "https://www.google.com/search?q=w",
            "",
        ),
        ("a1", FIREFOX, "81.2.69.142", at(day, "09:05"), "page_view", "/pricing", "https://example.com/", ""),
        ("a1", FIREFOX, "81.2.69.142", at(day, "09:10"), "signup", "/pricing", "", "hero"),
        ("b1", CHROME, "216.160.83.56", at(day, "09:30"), "page_view", "/", "", ""),
        ("b1", CHROME, "216.160.83.56", at(day, "09:32"), "engagement", "/", "", ""),
        ("a2", FIREFOX, "81.2.69.142", at(day, "10:00"), "page_view", "/blog", "", ""),
        ("c1", GOOGLEBOT, "81.2.69.160", at(day, "10:30"), "page_view", "/", "", ""),
        ("c1", GOOGLEBOT, "81.2.69.160", at(day, "10:31"), "page_view", "/pricing", "", ""),
    ];
    for (session, agent, ip, time, kind, path, referrer, value) in events {
        let (screen, language) = if agent == FIREFOX { ("1920x1080", "en-GB") } else { ("390x844", "en-US") };
        let event = json!({
            "screen": screen, "language": language,
            "site_id": site_id, "session_id": session, "user_agent": agent, "ip": ip, "timestamp": time,
            "event_type": kind, "url": format!("https://example.com{path}"), "referrer": referrer,
            "event_value": value,
        });
        let (status, body) = post(&server, &alice.token, &event).await;
        assert_eq!(status, 200, "{event}: {body}");
    }
    listed(&server, &alice.token, &format!("/api/events/{site_id}"), 9).await;
    Fixture { server, token: alice.token, site_id, day }
}

impl Fixture {
    async fn get(&self, path: &str) -> (u16, Value) {
        send(self.server.get(&format!("/api/events/{}/{path}", self.site_id)).bearer_auth(&self.token)).await
    }

    async fn data(&self, path: &str) -> Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!((&body["code"], &body["msg"]), (&json!(0), &json!("success")), "{path}");
        body["data"].clone()
    }

    /// A ranking as (key, count) pairs, and its total.
    async fn ranking(&self, query: &str) -> (Vec<(String, i64)>, i64) {
        let data = self.data(&format!("stats?{query}")).await;
        let list = data["list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| (item["key"].as_str().unwrap().to_string(), item["count"].as_i64().unwrap()))
            .collect();
        (list, data["total"].as_i64().unwrap())
    }
}

fn pairs(items: &[(&str, i64)]) -> Vec<(String, i64)> {
    items.iter().map(|(key, count)| (key.to_string(), *count)).collect()
}

#[tokio::test]
async fn the_summary_matches_the_hand_computed_fixture() {
    let f = fixture().await;
    let d = ymd(f.day);
    let summary = f.data(&format!("summary?date={d}")).await;
    assert_eq!(
        summary,
        json!({
            "site_id": f.site_id, "pv": 4, "uv": 2, "ip_count": 2, "event_count": 1,
            "bounce_rate": 66.7, "avg_duration": 240,
            "week_ip": 2, "week_pv": 5, "month_ip": 2, "month_pv": 5,
            "hourly_stats": [{"hour": 9, "count": 3}, {"hour": 10, "count": 1}],
            "start_time": d, "end_time": d, "sessions": 3,
        })
    );
    assert_eq!(f.data("summary").await, summary, "date defaults to today in the server's time zone");
    assert_eq!(f.data(&format!("summary?date={}", f.day.format("%Y-%m-%d"))).await, summary);

    let bots = f.data(&format!("summary?date={d}&include_bots=1")).await;
    for (field, expected) in [
        ("pv", json!(6)),
        ("uv", json!(3)),
        ("ip_count", json!(3)),
        ("sessions", json!(4)),
        ("bounce_rate", json!(50.0)),
        ("avg_duration", json!(195)),
        ("week_pv", json!(7)),
        ("week_ip", json!(3)),
    ] {
        assert_eq!(bots[field], expected, "with bots, {field}: {bots}");
    }

    let yesterday = ymd(f.day - Duration::days(1));
    let before = f.data(&format!("summary?date={yesterday}")).await;
    assert_eq!((&before["pv"], &before["uv"], &before["bounce_rate"]), (&json!(1), &json!(1), &json!(100.0)));
    assert_eq!(before["hourly_stats"], json!([{"hour": 23, "count": 1}]));

    // Beyond the seed: a range, a comparison, time series.
    let range = f.data(&format!("summary?start_date={yesterday}&end_date={d}&timeseries=day&compare=1")).await;
    assert_eq!((&range["pv"], &range["uv"], &range["sessions"]), (&json!(5), &json!(3), &json!(4)), "{range}");
    assert_eq!((&range["start_time"], &range["end_time"]), (&json!(yesterday), &json!(d)));
    let day_start = |date: NaiveDate| format!("{}T00:00:00+08:00", date.format("%Y-%m-%d"));
    assert_eq!(
        range["timeseries"],
        json!([
            {"time": day_start(f.day - Duration::days(1)), "pv": 1, "uv": 1, "sessions": 1},
            {"time": day_start(f.day), "pv": 4, "uv": 2, "sessions": 3},
        ])
    );
    assert_eq!(range["previous"]["pv"], 0, "nothing in the two days before: {range}");
    let compared = f.data(&format!("summary?date={d}&compare=1")).await;
    assert_eq!(compared["previous"]["pv"], 1);
    assert_eq!(compared["previous"]["start_time"], json!(yesterday));

    let hours = f.data(&format!("summary?date={d}&timeseries=hour")).await;
    let series = hours["timeseries"].as_array().unwrap();
    assert_eq!(series.len(), 24, "every hour, empty ones too");
    let nine = format!("{}T09:00:00+08:00", f.day.format("%Y-%m-%d"));
    assert_eq!(series[9], json!({"time": nine, "pv": 3, "uv": 2, "sessions": 2}));
    assert_eq!((&series[10]["pv"], &series[10]["uv"], &series[10]["sessions"]), (&json!(1), &json!(1), &json!(1)));
    assert_eq!(series[11]["pv"], 0);
}

#[tokio::test]
async fn every_ranking_counts_the_fixture() {
    let f = fixture().await;
    let d = ymd(f.day);
    let f = &f;
    let rank = |query: String| async move { f.ranking(&query).await };
    assert_eq!(rank(format!("date={d}")).await, (pairs(&[("/", 2), ("/blog", 1), ("/pricing", 1)]), 3));
    assert_eq!(rank(format!("date={d}&stat_type=url&event_type=page_view&page=1")).await.1, 3, "defaults spelled out");
    assert_eq!(rank(format!("date={d}&page=2&page_size=2")).await, (pairs(&[("/pricing", 1)]), 3));
    assert_eq!(rank(format!("date={d}&page=9")).await, (vec![], 3), "past the last page");
    assert_eq!(rank(format!("date={d}&include_bots=1")).await.0, pairs(&[("/", 3), ("/pricing", 2), ("/blog", 1)]));
    for (query, expected) in [
        ("stat_type=entry_page", &[("/", 2), ("/blog", 1)][..]),
        ("stat_type=exit_page", &[("/", 1), ("/blog", 1), ("/pricing", 1)]),
        ("stat_type=referrer", &[("https://www.google.com/search", 1)]),
        ("stat_type=referrer_domain", &[("google.com", 1)]),
        ("stat_type=source", &[("direct", 3), ("newsletter", 1)]),
        ("stat_type=source_name", &[("Google", 1)]),
        ("stat_type=utm_source", &[("newsletter", 1)]),
        ("stat_type=utm_medium", &[("email", 1)]),
        ("stat_type=utm_campaign", &[("launch", 1)]),
        ("stat_type=screen", &[("1920x1080", 3), ("390x844", 1)]),
        ("stat_type=language", &[("en-GB", 3), ("en-US", 1)]),
        ("stat_type=subdivision", &[("England", 3), ("Washington", 1)]),
        ("stat_type=isp", &[("Century Link", 1)]), // the test database knows no ISP for 81.2.69.142
        ("stat_type=browser", &[("Firefox 128", 3), ("Chrome 126", 1)]),
        ("stat_type=os", &[("Windows 10", 4)]),
        ("stat_type=device", &[("desktop", 4)]),
        ("stat_type=country", &[("United Kingdom", 3), ("United States", 1)]),
        ("stat_type=city", &[("London", 3), ("Milton", 1)]),
        ("stat_type=url&event_type=signup", &[("/pricing", 1)]),
        ("stat_type=event_value&event_type=signup", &[("hero", 1)]),
    ] {
        assert_eq!(rank(format!("date={d}&{query}")).await.0, pairs(expected), "{query}");
    }
    // A range adds the days up.
    let yesterday = ymd(f.day - Duration::days(1));
    assert_eq!(rank(format!("start_date={yesterday}&end_date={d}")).await.0[0], ("/".to_string(), 3));

    let (status, body) = f.get(&format!("stats?date={d}&stat_type=colour")).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], 400);
    let message = body["msg"].as_str().unwrap();
    assert!(message.contains("colour") && message.contains("entry_page, exit_page"), "{message}");
}

#[tokio::test]
async fn bad_dates_and_ranges_are_refused_and_others_sites_are_not_found() {
    let f = fixture().await;
    let d = ymd(f.day);
    for query in [
        "summary?date=20250230".to_string(),
        "summary?date=2025-9-1".to_string(),
        "stats?date=tomorrow".to_string(),
        format!("summary?start_date={d}&end_date=20000101"),
        "summary?start_date=20230101&end_date=20250101".to_string(),
        format!("summary?date={d}&start_date={d}"),
        "summary?start_date=20250101&end_date=20250301&timeseries=hour".to_string(),
        "summary?timeseries=week".to_string(),
        "summary?include_bots=yes".to_string(),
        "stats?page=0".to_string(),
        "stats?page_size=101".to_string(),
    ] {
        let (status, body) = f.get(&query).await;
        assert_eq!((status, &body["code"], &body["data"]), (400, &json!(400), &Value::Null), "{query}: {body}");
    }
    let (status, _) = f.get("summary?start_date=20240101&end_date=20250203").await;
    assert_eq!(status, 200, "400 days is the longest range");

    // Late events are taken within a day only.
    let old = (f.day - Duration::days(3)).format("%Y-%m-%d 12:00:00").to_string();
    for timestamp in [old.as_str(), "yesterday"] {
        let event = json!({"site_id": f.site_id, "session_id": "s", "user_agent": CHROME, "url": "https://example.com/",
            "event_type": "page_view", "timestamp": timestamp});
        let (status, body) = post(&f.server, &f.token, &event).await;
        assert_eq!(status, 400, "{timestamp}: {body}");
    }

    let bob = f.server.register("bob@example.com", "password123").await;
    for path in ["summary", "stats"] {
        let (status, body) =
            send(f.server.get(&format!("/api/events/{}/{path}", f.site_id)).bearer_auth(&bob.token)).await;
        assert_eq!((status, &body["code"]), (404, &json!(404)), "bob reads alice's {path}: {body}");
    }
}

#[tokio::test]
async fn clearing_stats_empties_the_reports_and_realtime_shows_who_is_on() {
    let f = fixture().await;
    let d = ymd(f.day);
    // Now (no timestamp): on the site in the last five minutes.
    let event = json!({"site_id": f.site_id, "session_id": "live", "user_agent": CHROME, "ip": "216.160.83.56",
        "url": "https://example.com/live", "event_type": "page_view"});
    assert_eq!(post(&f.server, &f.token, &event).await.0, 200);
    listed(&f.server, &f.token, &format!("/api/events/{}", f.site_id), 10).await;
    let live = f.data(&format!("summary?date={d}&realtime=1")).await;
    assert_eq!(live["realtime"], json!({"visitors": 1, "pages": [{"key": "/live", "count": 1}]}), "{live}");
    assert!(live.get("timeseries").is_none() && live.get("previous").is_none(), "only what was asked: {live}");

    let (status, body) = send(f.server.delete(&format!("/api/sites/{}/stats", f.site_id)).bearer_auth(&f.token)).await;
    assert_eq!(status, 200, "{body}");
    let cleared = f.data(&format!("summary?date={d}&include_bots=1&realtime=1")).await;
    for field in ["pv", "uv", "ip_count", "event_count", "sessions", "week_pv", "week_ip", "month_pv", "month_ip"] {
        assert_eq!(cleared[field], 0, "{field} after clearing: {cleared}");
    }
    assert_eq!(cleared["hourly_stats"], json!([]));
    assert_eq!(cleared["realtime"]["visitors"], 0);
    assert_eq!(f.ranking(&format!("date={d}&include_bots=1")).await, (vec![], 0));

    // New events count from zero again.
    assert_eq!(post(&f.server, &f.token, &event).await.0, 200);
    listed(&f.server, &f.token, &format!("/api/events/{}", f.site_id), 1).await;
    assert_eq!(f.data(&format!("summary?date={d}")).await["pv"], 1);

    let (status, _) = send(f.server.delete(&format!("/api/sites/{}", f.site_id)).bearer_auth(&f.token)).await;
    assert_eq!(status, 200);
    assert_eq!(f.get("summary").await.0, 404);
}

/// Visitor ids come from a daily salt: the same browser on the same address
/// is one visitor all day, a new one the next day, and two days on the
/// first day's salt is gone, so its ids cannot be recomputed. The server's
/// clock is moved across restarts (`WAYMARK_CLOCK_OFFSET_SECS`).
#[tokio::test]
async fn the_daily_salt_makes_the_same_browser_a_new_visitor_the_next_day() {
    let today = Utc::now().date_naive();
    let noon = Utc.from_utc_datetime(&today.and_hms_opt(12, 0, 0).unwrap());
    let offset = |days: i64| ((noon + Duration::days(days)) - Utc::now()).num_seconds().to_string();
    let mut server = Server::start_with(&[
        ("WAYMARK_CLOCK_OFFSET_SECS", &offset(0)),
        ("WAYMARK_ANALYTICS__FLUSH_INTERVAL_MS", "100"),
    ])
    .await;
    let alice = server.register("alice@example.com", "password123").await;
    let site_id = site(&server, &alice.token, "example.com").await;
    let event = json!({"site_id": site_id, "session_id": "s", "user_agent": FIREFOX, "ip": "192.0.2.44",
        "url": "https://example.com/", "event_type": "page_view"});
    let distinct_visitors = "SELECT COUNT(DISTINCT visitor_id) FROM analytics_events";
    for day in [0, 1] {
        if day > 0 {
            server = server.restart_with(&[("WAYMARK_CLOCK_OFFSET_SECS", &offset(day))]);
        }
        for _ in 0..2 {
            assert_eq!(post(&server, &alice.token, &event).await.0, 200);
        }
        listed(&server, &alice.token, &format!("/api/events/{site_id}"), 2 * (day + 1)).await;
        assert_eq!(server.storage.scalar(distinct_visitors).await, day + 1, "day {day}");
    }
    let (d0, d1) = (ymd(today), ymd(today + Duration::days(1)));
    let (_, body) = send(
        server
            .get(&format!("/api/events/{site_id}/summary?start_date={d0}&end_date={d1}&timeseries=day"))
            .bearer_auth(&alice.token),
    )
    .await;
    assert_eq!(body["data"]["uv"], 2, "one visitor each day: {body}");
    assert_eq!(body["data"]["timeseries"][0]["uv"], 1);
    assert_eq!(body["data"]["timeseries"][1]["uv"], 1);

    server = server.restart_with(&[("WAYMARK_CLOCK_OFFSET_SECS", &offset(3))]);
    assert_eq!(post(&server, &alice.token, &event).await.0, 200);
    listed(&server, &alice.token, &format!("/api/events/{site_id}"), 5).await;
    let first_salt = format!("SELECT COUNT(*) FROM analytics_salts WHERE day = '{}'", today.format("%Y-%m-%d"));
    assert_eq!(server.storage.scalar(&first_salt).await, 0, "the first day's salt is deleted");
    assert_eq!(server.storage.scalar(distinct_visitors).await, 3);
}

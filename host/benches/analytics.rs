//! Web analytics at scale: 10M synthetic events through the real ingest
//! pipeline, then the reports a dashboard asks for.
//!
//! The events cover 30 days: 50k visitors (an IP and one of 300 user agents
//! each, 5% of them bots), 1k pages, search/social/email/other/direct
//! referrers, UTM-tagged campaigns, custom and engagement events. IPs come
//! partly from the ranges MaxMind's test databases (`tests/data/geoip`)
//! place, so countries, cities and ISPs are filled as in production.
//!
//! Each day is loaded by its own `Analytics` whose clock stands at the end
//! of that day, so every event goes through `Analytics::record` exactly as
//! `POST /api/events` sends it (checks, GeoIP, the enricher plugins and
//! their cache, visitor ids, the bounded buffer) and is written by
//! `Ingest::flush` on the configured interval, rollups included.
//!
//! Then, on the last day, the p50 of: the summary for one day and for 30
//! days, every `stat_type` for one and 30 days, the time series, and pages
//! 1 and 100 of the event list. Peak RSS and the database's size close the
//! table (also written to `target/bench-analytics.md`).
//!
//!   cargo bench -p waymark --bench analytics
//!   WAYMARK_BENCH_EVENTS=1000000 cargo bench -p waymark --bench analytics
//!   WAYMARK_DATABASE_URL=postgres://… cargo bench -p waymark --bench analytics
//!   WAYMARK_LOG=waymark::analytics::ingest=debug cargo bench …   (each batch's write)
//!
//! Targets (issue #11, 2 cores): ingest ≥ 100k events/s; summary and each
//! ranking ≤ 10 ms p50 for a day, ≤ 50 ms for 30 days; RSS ≤ 300 MB;
//! database ≤ 2 GB. The table also gives the load's CPU time per event
//! (≤ 20 µs is what 100k events/s on 2 cores allows): on a machine whose
//! CPU is shared it varies far less between runs than events per second.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use waymark::analytics::event::Incoming;
use waymark::analytics::report::{Buckets, Extras, Period};
use waymark::analytics::rollup::dimension::Dimension;
use waymark::analytics::service::Analytics;
use waymark::analytics::{AnalyticsError, EventFilter};
use waymark::clock::Clock;
use waymark::config::Config;
use waymark::server::App;

const DAYS: i64 = 30;
const VISITORS: usize = 50_000;
const PAGES: usize = 1_000;
const USER_AGENTS: usize = 300;
const BOT_AGENTS: usize = 15;
const BOT_SHARE: f64 = 0.05;
/// Events fall in a day's first 23 h 40 min, and the clock that loads
/// them stands just after: the day's first events are within the 24 hours
/// `POST /api/events` takes a `timestamp` for, with 19 minutes to spare for
/// the loading itself, and the clock stays in the day (its visitor salt).
const LOADED_MS: i64 = (23 * 60 + 40) * 60_000;
/// Timings per report (the p50 of these).
const RUNS: usize = 21;

/// A small, seeded generator (xorshift*): the same events on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    /// Skewed towards 0, as page and visitor popularity is.
    fn skewed(&mut self, n: usize) -> usize {
        let a = self.below(n);
        let b = self.below(n);
        a.min(b).min(self.below(n))
    }
}

/// 300 user agents in the shapes browsers send, the last 15 of them bots.
fn user_agents() -> Vec<String> {
    let mut agents = Vec::with_capacity(USER_AGENTS);
    let systems = [
        "Windows NT 10.0; Win64; x64",
        "Macintosh; Intel Mac OS X 10_15_7",
        "X11; Linux x86_64",
        "Linux; Android 14; Pixel 8",
        "Linux; Android 13; SM-S918B",
    ];
    for version in 100..140 {
        for system in systems {
            agents.push(format!(
                "Mozilla/5.0 ({system}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{version}.0.0.0 Safari/537.36"
            ));
        }
    }
    for version in 100..130 {
        for system in ["Windows NT 10.0; Win64; x64; rv:{v}.0", "X11; Linux x86_64; rv:{v}.0"] {
            let system = system.replace("{v}", &version.to_string());
            agents.push(format!("Mozilla/5.0 ({system}) Gecko/20100101 Firefox/{version}.0"));
        }
    }
    for minor in 0..6 {
        for major in 15..18 {
            agents.push(format!(
                "Mozilla/5.0 (iPhone; CPU iPhone OS {major}_{minor} like Mac OS X) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/{major}.{minor} Mobile/15E148 Safari/604.1"
            ));
            agents.push(format!(
                "Mozilla/5.0 (iPad; CPU OS {major}_{minor} like Mac OS X) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/{major}.{minor} Mobile/15E148 Safari/604.1"
            ));
        }
    }
    let mut edge = 110;
    while agents.len() < USER_AGENTS - BOT_AGENTS {
        agents.push(format!(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
             Chrome/{edge}.0.0.0 Safari/537.36 Edg/{edge}.0.0.0"
        ));
        edge += 1;
    }
    agents.truncate(USER_AGENTS - BOT_AGENTS);
    let bots = [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
        "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
        "Mozilla/5.0 (compatible; DotBot/1.2; +https://opensiteexplorer.org/dotbot)",
        "Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)",
        "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Twitterbot/1.0",
        "curl/8.5.0",
        "python-requests/2.31.0",
        "Go-http-client/1.1",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
        "Wget/1.21.4",
    ];
    agents.extend(bots.iter().map(|bot| bot.to_string()));
    agents
}

/// Where visits come from: (referrer, weight). "" is direct.
const REFERRERS: &[(&str, u32)] = &[
    ("", 40),
    ("https://www.google.com/", 22),
    ("https://www.bing.com/search?q=waymark", 4),
    ("https://duckduckgo.com/", 3),
    ("https://www.facebook.com/", 4),
    ("https://t.co/", 3),
    ("https://www.instagram.com/", 2),
    ("https://www.reddit.com/r/selfhosted/", 3),
    ("https://www.linkedin.com/feed/", 2),
    ("https://news.ycombinator.com/", 3),
    ("https://mail.google.com/", 2),
    ("https://outlook.live.com/", 1),
    ("https://github.com/", 4),
    ("https://blog.example.org/2026/analytics", 3),
    ("https://dev.to/", 2),
    ("https://stackoverflow.com/questions", 2),
];

/// Networks the test databases place (GB, SE, US, CN, PH, BT, …), then
/// random addresses no database knows.
const PLACED: &[(Ipv4Addr, u32)] = &[
    (Ipv4Addr::new(81, 2, 69, 160), 32),
    (Ipv4Addr::new(2, 125, 160, 216), 8),
    (Ipv4Addr::new(89, 160, 20, 128), 128),
    (Ipv4Addr::new(216, 160, 83, 56), 8),
    (Ipv4Addr::new(175, 16, 199, 0), 256),
    (Ipv4Addr::new(202, 196, 224, 0), 4096),
    (Ipv4Addr::new(67, 43, 156, 0), 256),
];

struct Visitor {
    ip: IpAddr,
    agent: usize,
    screen: &'static str,
    language: &'static str,
}

fn visitors(rng: &mut Rng) -> Vec<Visitor> {
    let screens = ["1920x1080", "1366x768", "1536x864", "390x844", "414x896", "2560x1440", "768x1024"];
    let languages = ["en-US", "en-GB", "zh-CN", "de-DE", "fr-FR", "es-ES", "ja-JP", "pt-BR"];
    (0..VISITORS)
        .map(|_| {
            let ip = if rng.chance(0.5) {
                let (base, size) = PLACED[rng.below(PLACED.len())];
                Ipv4Addr::from(u32::from(base) + rng.below(size as usize) as u32)
            } else {
                Ipv4Addr::new(
                    11 + rng.below(180) as u8,
                    rng.below(256) as u8,
                    rng.below(256) as u8,
                    1 + rng.below(254) as u8,
                )
            };
            let agent = if rng.chance(BOT_SHARE) {
                USER_AGENTS - BOT_AGENTS + rng.below(BOT_AGENTS)
            } else {
                rng.skewed(USER_AGENTS - BOT_AGENTS)
            };
            Visitor {
                ip: IpAddr::V4(ip),
                agent,
                screen: screens[rng.below(screens.len())],
                language: languages[rng.skewed(languages.len())],
            }
        })
        .collect()
}

fn pick_referrer(rng: &mut Rng) -> &'static str {
    let total: u32 = REFERRERS.iter().map(|(_, w)| w).sum();
    let mut at = rng.below(total as usize) as u32;
    for (referrer, weight) in REFERRERS {
        if at < *weight {
            return referrer;
        }
        at -= weight;
    }
    ""
}

/// One event to send: which visitor, when, and what.
struct Planned {
    at_ms: i64,
    visitor: u32,
    /// The visit's number, for its `session_id` (as a client sends).
    visit: u32,
    page: u32,
    /// `REFERRERS` index + 1, or 0 for the previous page of the visit.
    referrer: Option<u16>,
    kind: Kind,
    campaign: bool,
}

#[derive(Clone, Copy)]
enum Kind {
    PageView,
    Engagement(u32),
    Signup,
    Download(u16),
}

/// The day's events in time order: visits of a few page views each, an
/// engagement event per page left, now and then a custom event.
fn plan_day(rng: &mut Rng, day_start_ms: i64, events: usize) -> Vec<Planned> {
    let mut planned = Vec::with_capacity(events + 16);
    let mut visit = 0u32;
    while planned.len() < events {
        visit += 1;
        let visitor = rng.skewed(VISITORS) as u32;
        let mut at = day_start_ms + (rng.next() % (LOADED_MS - 600_000) as u64) as i64;
        let entry_referrer = {
            let r = pick_referrer(rng);
            REFERRERS.iter().position(|(x, _)| *x == r).map(|i| i as u16 + 1)
        };
        let campaign = rng.chance(0.06);
        let pages = 1 + rng.skewed(8);
        let mut page = rng.skewed(PAGES) as u32;
        for n in 0..pages {
            let referrer = if n == 0 { entry_referrer } else { Some(0) };
            planned.push(Planned { at_ms: at, visitor, visit, page, referrer, kind: Kind::PageView, campaign });
            let stay = 5_000 + (rng.next() % 240_000) as i64;
            if rng.chance(0.35) {
                let kind = Kind::Engagement(stay as u32);
                planned.push(Planned { at_ms: at + stay, visitor, visit, page, referrer: None, kind, campaign });
            }
            if rng.chance(0.04) {
                planned.push(Planned {
                    at_ms: at + stay / 2,
                    visitor,
                    visit,
                    page,
                    referrer: None,
                    kind: Kind::Signup,
                    campaign,
                });
            } else if rng.chance(0.03) {
                let kind = Kind::Download(rng.below(20) as u16);
                planned.push(Planned { at_ms: at + stay / 2, visitor, visit, page, referrer: None, kind, campaign });
            }
            at += stay + 1;
            page = rng.skewed(PAGES) as u32;
        }
    }
    for event in &mut planned {
        event.at_ms = event.at_ms.min(day_start_ms + LOADED_MS);
    }
    planned.sort_by_key(|event| event.at_ms);
    planned
}

struct Load {
    site_id: i64,
    visitors: Vec<Visitor>,
    agents: Vec<String>,
    paths: Vec<String>,
}

impl Load {
    fn incoming(&self, event: &Planned, previous_page: &mut [u32]) -> (Incoming, IpAddr) {
        let visitor = &self.visitors[event.visitor as usize];
        let mut url = format!("https://bench.example{}", self.paths[event.page as usize]);
        if event.campaign {
            url.push_str("?utm_source=newsletter&utm_medium=email&utm_campaign=december");
        }
        let referrer = match event.referrer {
            Some(0) => format!("https://bench.example{}", self.paths[previous_page[event.visitor as usize] as usize]),
            Some(i) => REFERRERS[usize::from(i) - 1].0.to_string(),
            None => String::new(),
        };
        let (event_type, event_value, duration_ms) = match event.kind {
            Kind::PageView => {
                previous_page[event.visitor as usize] = event.page;
                ("page_view", String::new(), 0)
            }
            Kind::Engagement(ms) => ("engagement", String::new(), i64::from(ms)),
            Kind::Signup => ("signup", "newsletter".to_string(), 0),
            Kind::Download(n) => ("download", format!("report-{n}.pdf"), 0),
        };
        let incoming = Incoming {
            site_id: self.site_id,
            session_id: format!("{}-{}-{}", event.visitor, event.at_ms / 86_400_000, event.visit),
            url,
            referrer,
            user_agent: self.agents[visitor.agent].clone(),
            screen: visitor.screen.to_string(),
            language: visitor.language.to_string(),
            event_type: event_type.to_string(),
            event_value,
            duration_ms,
            at_ms: Some(event.at_ms),
            ..Incoming::default()
        };
        (incoming, visitor.ip)
    }
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// CPU seconds (user + system, all threads) this process has used: on a
/// machine whose CPU is shared, a steadier measure than events per second.
/// From `/proc/self/stat`, in Linux's fixed 100 ticks per second.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the parenthesised command name; utime and stime are
    // the 14th and 15th of the whole line.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn p50(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

async fn time<T, F: std::future::Future<Output = Result<T, AnalyticsError>>>(mut f: impl FnMut() -> F) -> Duration {
    f().await.expect("the report answers"); // warm-up
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        std::hint::black_box(f().await.expect("the report answers"));
        samples.push(start.elapsed());
    }
    p50(samples)
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn main() {
    // `WAYMARK_LOG=waymark::analytics::ingest=debug` shows each batch's
    // write, step by step.
    let filter = std::env::var("WAYMARK_LOG").unwrap_or_else(|_| "warn".into());
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let total: usize = std::env::var("WAYMARK_BENCH_EVENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000_000);
    let data = tempfile::tempdir().expect("a temporary directory");
    let geoip = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/geoip");
    let (mut config, _) = Config::load(None).expect("configuration");
    config.data_dir = data.path().to_path_buf();
    config.analytics.geoip_city_db = Some(format!("{geoip}/GeoIP2-City-Test.mmdb").into());
    config.analytics.geoip_isp_db = Some(format!("{geoip}/GeoIP2-ISP-Test.mmdb").into());
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(run(config, total));
}

async fn run(config: Config, total: usize) {
    let app = App::build(config.clone()).await.expect("the app starts");
    let engine = format!("{:?}", app.db.engine);
    let session = app
        .accounts
        .register(&format!("bench-{}@example.com", std::process::id()), "bench-password-1", None)
        .await
        .expect("a user");
    let user = session.user.id;
    let site = app.analytics.create_site(user, "Bench", "bench.example").await.expect("a site");

    let mut rng = Rng(0x5eed_0f3a_7a11_c0de);
    let load = Arc::new(Load {
        site_id: site.id,
        visitors: visitors(&mut rng),
        agents: user_agents(),
        paths: (0..PAGES)
            .map(|i| match i % 5 {
                0 => format!("/blog/post-{i}"),
                1 => format!("/docs/guide/{i}"),
                2 => format!("/products/item-{i}"),
                3 => format!("/tags/topic-{i}"),
                _ => format!("/p/{i}"),
            })
            .collect(),
    });

    let tz = config.time_zone().expect("a time zone");
    let today = Utc::now().with_timezone(&tz).date_naive();
    let first_day = today - chrono::Duration::days(DAYS - 1);
    let per_day = total / DAYS as usize;
    let mut loaded = 0usize;
    let mut load_time = Duration::ZERO;
    let mut load_cpu = 0.0;
    let mut last: Option<Analytics> = None;
    let mut page_views = 0i64;
    for d in 0..DAYS {
        let day = first_day + chrono::Duration::days(d);
        let day_start = tz.from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap()).earliest().unwrap();
        let planned = plan_day(&mut rng, day_start.timestamp_millis(), per_day);
        page_views += planned.iter().filter(|e| matches!(e.kind, Kind::PageView)).count() as i64;
        // The clock stands just after the day's last event.
        let offset_secs = (day_start.timestamp_millis() + LOADED_MS + 60_000 - Utc::now().timestamp_millis()) / 1000;
        let clock = Clock::new(tz, offset_secs);
        let analytics = Arc::new(Analytics::new(app.db.clone(), clock, &config.analytics, app.plugins.clone()));
        let (start, cpu_before) = (Instant::now(), cpu_seconds());
        load_day(&analytics, &load, user, planned).await;
        load_time += start.elapsed();
        load_cpu += cpu_seconds() - cpu_before;
        loaded += per_day;
        eprintln!(
            "day {}/{DAYS}: {loaded} events, {:.0} events/s so far, peak RSS {:.0} MB",
            d + 1,
            loaded as f64 / load_time.as_secs_f64(),
            peak_rss_mb()
        );
        if d == DAYS - 1 {
            last = Arc::into_inner(analytics);
        }
    }
    let analytics = last.expect("the last day's analytics");
    let rate = loaded as f64 / load_time.as_secs_f64();

    let mut table = String::new();
    let _ = writeln!(
        table,
        "Analytics bench ({engine}): {loaded} events over {DAYS} days, {VISITORS} visitors, {PAGES} pages, \
         {USER_AGENTS} user agents ({BOT_AGENTS} bots)\n"
    );
    let _ = writeln!(table, "| measure | value | target |\n|---|---:|---:|");
    let _ = writeln!(table, "| ingest (record + flush, rollups, enrichers) | {rate:.0} events/s | ≥ 100000 |");
    // 2 cores at 100k events/s leave 20 µs of CPU per event.
    let cpu_per_event = load_cpu * 1e6 / loaded as f64;
    let _ = writeln!(table, "| ingest CPU per event (all threads) | {cpu_per_event:.1} µs | ≤ 20 |");

    let one_day = Period::new(today, today, false).unwrap();
    let month = Period::new(first_day, today, false).unwrap();
    let site_id = site.id;
    let a = &analytics;
    // Nothing lost on the way: every page view sent is counted, bots included.
    let everyone = Period::new(first_day, today, true).unwrap();
    let counted = a.summary(user, site_id, everyone, Extras::default()).await.expect("a summary").figures.pv;
    assert_eq!(counted, page_views, "page views counted vs sent");
    let _ = writeln!(table, "| page views sent / counted (bots included) | {page_views} / {counted} | equal |");
    for (label, period, target) in [("1 day", one_day, "≤ 10"), ("30 days", month, "≤ 50")] {
        let t = time(|| a.summary(user, site_id, period, Extras::default())).await;
        let _ = writeln!(table, "| summary, {label} (p50 ms) | {} | {target} |", ms(t));
    }
    let extras = Extras { compare: true, timeseries: Some(Buckets::Day), realtime: true };
    let t = time(|| a.summary(user, site_id, month, extras)).await;
    let _ = writeln!(table, "| summary, 30 days + compare + daily series + realtime | {} | ≤ 50 |", ms(t));
    let hourly = Extras { timeseries: Some(Buckets::Hour), ..Extras::default() };
    let t = time(|| a.summary(user, site_id, one_day, hourly)).await;
    let _ = writeln!(table, "| summary, 1 day + hourly series | {} | ≤ 10 |", ms(t));
    let mut worst = [Duration::ZERO; 2];
    for dimension in Dimension::ALL {
        let event_type = if dimension == Dimension::EventValue { "signup" } else { "page_view" };
        let mut cells = Vec::new();
        for (i, period) in [one_day, month].into_iter().enumerate() {
            let t = time(|| a.ranking(user, site_id, dimension, event_type, period, 1, 10)).await;
            worst[i] = worst[i].max(t);
            cells.push(ms(t));
        }
        let _ = writeln!(
            table,
            "| stats `{}`, 1 day / 30 days (p50 ms) | {} / {} | ≤ 10 / ≤ 50 |",
            dimension.name(),
            cells[0],
            cells[1]
        );
    }
    let _ =
        writeln!(table, "| slowest stat_type, 1 day / 30 days | {} / {} | ≤ 10 / ≤ 50 |", ms(worst[0]), ms(worst[1]));
    let filter = EventFilter::default();
    for page in [1, 100] {
        let t = time(|| a.events(user, site_id, &filter, page, 10)).await;
        let _ = writeln!(table, "| event list, page {page} of 10 (p50 ms) | {} | — |", ms(t));
    }
    let _ = writeln!(table, "| peak RSS (VmHWM) | {:.0} MB | ≤ 300 |", peak_rss_mb());
    let bytes = database_bytes(&app, &config.data_dir).await;
    let _ = writeln!(table, "| database size | {:.0} MB | ≤ 2048 |", bytes as f64 / 1_048_576.0);
    print!("{table}");
    let out = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/bench-analytics.md");
    let _ = std::fs::write(out, &table);
}

/// Sends the day's events as `POST /api/events` would (two senders, so
/// both cores enrich), flushing on the configured interval meanwhile, and
/// returns once every event is written.
async fn load_day(analytics: &Arc<Analytics>, load: &Arc<Load>, user: i64, planned: Vec<Planned>) {
    let ingest = analytics.ingest();
    let stop = Arc::new(tokio::sync::Notify::new());
    let flusher = {
        let (ingest, stop) = (ingest.clone(), stop.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(ingest.interval());
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => ingest.flush().await,
                    () = ingest.wants_flush() => ingest.flush().await,
                    () = stop.notified() => break,
                }
            }
        })
    };
    let planned = Arc::new(planned);
    let senders = 2;
    let mut tasks = Vec::new();
    for sender in 0..senders {
        let (analytics, load, planned) = (analytics.clone(), load.clone(), planned.clone());
        tasks.push(tokio::spawn(async move {
            let mut previous = vec![0u32; VISITORS];
            // Each sender takes every other visitor, so a visit stays in order.
            for event in planned.iter().filter(|e| e.visitor as usize % senders == sender) {
                let (incoming, ip) = load.incoming(event, &mut previous);
                loop {
                    match analytics.record(user, incoming.clone(), Some(ip)).await {
                        Ok(_) => break,
                        Err(AnalyticsError::Busy(_)) => tokio::time::sleep(Duration::from_millis(5)).await,
                        Err(error) => panic!("event refused: {error}"),
                    }
                }
                // Each request is its own task in the server, so the
                // flusher gets its turn between them: here too.
                tokio::task::yield_now().await;
            }
        }));
    }
    for task in tasks {
        task.await.expect("a sender");
    }
    stop.notify_one();
    flusher.await.expect("the flusher");
    ingest.flush().await;
    assert_eq!(ingest.buffered(), 0, "everything written");
}

async fn database_bytes(app: &App, data_dir: &std::path::Path) -> u64 {
    use waymark::store::Engine;
    match app.db.engine {
        Engine::Sqlite => {
            let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&app.db.pool).await;
            ["waymark.db", "waymark.db-wal"]
                .iter()
                .filter_map(|f| std::fs::metadata(data_dir.join(f)).ok())
                .map(|m| m.len())
                .sum()
        }
        Engine::Postgres => sqlx::query_scalar::<_, i64>(
            "SELECT CAST(COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS BIGINT) FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relname LIKE 'analytics%'",
        )
        .fetch_one(&app.db.pool)
        .await
        .map_or(0, |b| b as u64),
    }
}

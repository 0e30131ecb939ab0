//! What a plugin call costs: the built-in `plain` theme rendered
//!
//! 1. natively (the same Rust code linked into the host),
//! 2. through the runtime on a pooled warm instance (how the server calls it),
//! 3. through the runtime with a fresh store + instantiation per call.
//!
//! Run with `cargo bench -p waymark --bench plugin_calls`; prints a Markdown
//! table (also written to `target/bench-plugin-calls.md`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use waymark::counter::badge::{Badge, Mode};
use waymark::plugins::counter_theme::{self, ThemeCalls, ThemePlugin};
use waymark::plugins::kind::Candidate;
use waymark::plugins::pool::PoolSettings;
use waymark::plugins::runtime::{Limits, Runtime};
use waymark_plugin_sdk::counter_theme::{CounterInput, CounterMode, CounterTheme};

fn request(value: u64) -> Badge {
    Badge {
        theme: "plain".into(),
        value,
        length: 7,
        mode: Mode::Total,
        label: "views".into(),
        animate: true,
        params: Vec::new(),
    }
}

/// Runs `f` repeatedly for about `budget` and returns the mean time per call.
fn measure(budget: Duration, mut f: impl FnMut(u64)) -> (Duration, u64) {
    for i in 0..200 {
        f(i); // warm-up
    }
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed() < budget {
        for _ in 0..100 {
            f(n);
            n += 1;
        }
    }
    (start.elapsed() / n as u32, n)
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let runtime = Arc::new(Runtime::new(None).unwrap());
    let basic = waymark::plugins::builtin::component("counter-theme-basic").expect("the basic theme is built in");
    let component = runtime.compile(basic).unwrap();
    let limits = Limits { memory_bytes: 16 << 20, timeout: Duration::from_millis(50) };
    // `plain` has no template: every call below goes into the plugin.
    let plugin = |settings| {
        let candidate =
            Candidate { runtime: &runtime, id: "bench", component: &component, api: "0.2.0", limits, settings };
        ThemePlugin::new(ThemeCalls::prepare_v0_2(&candidate).unwrap())
    };
    let pooled = plugin(PoolSettings { max_idle: 8, recycle_after_calls: 10_000 });
    let fresh = plugin(PoolSettings { max_idle: 0, recycle_after_calls: 1 });
    let budget = Duration::from_secs(2);

    let (native, native_n) = measure(budget, |value| {
        let input = CounterInput {
            theme: "plain".into(),
            value,
            display_value: waymark::counter::badge::display_value(value, 7),
            length: 7,
            mode: CounterMode::Total,
            label: "views".into(),
            animate: true,
            params: Vec::new(),
        };
        std::hint::black_box(counter_theme_basic::Basic::render(&input).unwrap());
    });
    let (warm, warm_n) = measure(budget, |value| {
        let out = rt.block_on(counter_theme::render(&pooled, "bench", &request(value))).unwrap();
        std::hint::black_box(out);
    });
    let (cold, cold_n) = measure(budget, |value| {
        let out = rt.block_on(counter_theme::render(&fresh, "bench", &request(value))).unwrap();
        std::hint::black_box(out);
    });

    let micros = |d: Duration| d.as_nanos() as f64 / 1000.0;
    let table = format!(
        "| `plain` theme render | per call | calls/s (1 core) | vs native |\n\
         |---|---:|---:|---:|\n\
         | native Rust | {:.2} µs | {:.0} | 1.0x |\n\
         | runtime, pooled warm instance | {:.2} µs | {:.0} | {:.1}x |\n\
         | runtime, instantiate per call | {:.2} µs | {:.0} | {:.1}x |\n\n\
         Instantiate-per-call costs {:.1}x a pooled call. Samples: {native_n}, {warm_n}, {cold_n}.\n",
        micros(native),
        1e6 / micros(native),
        micros(warm),
        1e6 / micros(warm),
        micros(warm) / micros(native),
        micros(cold),
        1e6 / micros(cold),
        micros(cold) / micros(native),
        micros(cold) / micros(warm),
    );
    println!("{table}");
    let out = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/bench-plugin-calls.md");
    let _ = std::fs::write(out, &table);
}

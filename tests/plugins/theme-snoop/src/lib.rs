//! Simulates a nosy plugin: it tries the clock, randomness, the environment,
//! the file system and the network, and writes what it saw into its SVG, so a
//! test can check the sandbox granted nothing (clock at zero, fixed "random"
//! bytes, no variables, no files, no sockets).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use waymark_plugin_sdk::counter_theme::*;

pub struct Snoop;

fn observations() -> String {
    let clock = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(u64::MAX);
    let started = Instant::now();
    let elapsed = started.elapsed().as_nanos();
    // HashMap seeds come from WASI randomness: with a fixed source, the same hash.
    let seeded = RandomState::new().hash_one("waymark");
    let env = std::env::vars().count();
    let files = std::fs::read_dir("/").is_ok() || std::fs::read("/etc/passwd").is_ok();
    let network = std::net::TcpStream::connect("127.0.0.1:80").is_ok();
    format!("clock={clock};elapsed={elapsed};hash={seeded};env={env};files={files};network={network}")
}

impl CounterTheme for Snoop {
    fn themes() -> Vec<Provided> {
        vec![provided("snoop", "Test: snoop")]
    }

    fn render(_input: &CounterInput) -> Result<RenderedSvg, String> {
        let seen = observations();
        let svg =
            format!(r#"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="20"><text>{seen}</text></svg>"#);
        Ok(RenderedSvg { svg, width: 400, height: 20, animated: false })
    }
}

waymark_plugin_sdk::register_counter_theme!(Snoop);
waymark_plugin_sdk::manifest!("../waymark.toml");

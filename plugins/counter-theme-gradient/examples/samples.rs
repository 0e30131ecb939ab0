//! Writes sample SVGs of every theme (still and animated, several lengths)
//! into a folder, for looking at them: `cargo run --example samples -- DIR`
//! (default `/tmp/gradient-samples`).

use counter_theme_gradient::Gradient;
use waymark_plugin_sdk::counter_theme::*;
use waymark_plugin_sdk::digits::pad;

fn input(theme: &str, value: u64, length: u8, animate: bool) -> CounterInput {
    CounterInput {
        theme: theme.to_string(),
        value,
        display_value: pad(value, length),
        length,
        mode: CounterMode::Total,
        label: "views".to_string(),
        animate,
        params: Vec::new(),
    }
}

fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "/tmp/gradient-samples".to_string());
    std::fs::create_dir_all(&dir)?;
    for theme in Gradient::themes() {
        for (value, length) in [(1234567, 7), (42, 4), (9876543210, 12), (123456789012345, 4)] {
            for animate in [false, true] {
                let out = Gradient::render(&input(&theme.key, value, length, animate)).expect("renders");
                let kind = if animate { "anim" } else { "still" };
                let digits = pad(value, length).len();
                let path = format!("{dir}/{}-{digits:02}-{kind}.svg", theme.key);
                std::fs::write(path, &out.svg)?;
            }
        }
    }
    Ok(())
}

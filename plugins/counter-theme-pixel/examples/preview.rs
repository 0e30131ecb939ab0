//! Writes sample badges of every theme to a folder (default `/tmp/pixel`)
//! for eyeballing: `cargo run --example preview -- /tmp/pixel`.

use counter_theme_pixel::PixelBoards;
use waymark_plugin_sdk::counter_theme::{CounterInput, CounterMode, CounterTheme};
use waymark_plugin_sdk::digits::pad;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "/tmp/pixel".to_string());
    std::fs::create_dir_all(&dir).expect("create the output folder");
    for theme in PixelBoards::themes() {
        for (value, length) in [(1234567, 7), (42, 4), (987654321, 12), (123456789012345, 4)] {
            for animate in [true, false] {
                let input = CounterInput {
                    theme: theme.key.clone(),
                    value,
                    display_value: pad(value, length),
                    length,
                    mode: if length == 4 { CounterMode::Daily } else { CounterMode::Total },
                    label: "views".to_string(),
                    animate,
                    params: Vec::new(),
                };
                let out = PixelBoards::render(&input).expect("render");
                let kind = if animate { "anim" } else { "still" };
                let digits = input.display_value.len();
                let path = format!("{dir}/{}-{digits}-{kind}.svg", theme.key);
                std::fs::write(&path, &out.svg).expect("write");
                println!("{path}\t{}x{}\t{} bytes", out.width, out.height, out.svg.len());
            }
        }
        write_frames(&dir, &theme.key);
    }
}

/// Still images of the first sixteen animation slots (each layer's
/// timeline and motion advanced by one slot per image), to check frames.
fn write_frames(dir: &str, key: &str) {
    let theme = counter_theme_pixel::themes::find(key).expect("theme");
    for slot in 0..16 {
        let mut scene = (theme.scene)(7, CounterMode::Total);
        for layer in &mut scene.layers {
            if let Some(timeline) = &mut layer.timeline {
                let len = timeline.slots.len();
                timeline.slots.rotate_left(slot % len);
            }
            if let Some(motion) = &layer.motion {
                let (dx, dy) = motion.steps[slot % motion.steps.len()];
                layer.x += dx;
                layer.y += dy;
            }
        }
        let out = scene.render("0001234", "frames", false).expect("render");
        std::fs::write(format!("{dir}/{key}-f{slot:02}.svg"), &out.svg).expect("write");
    }
}

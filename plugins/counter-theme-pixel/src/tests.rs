//! Native tests over every theme: each key × animated/still × 4, 7, 12 and
//! 15 digits must give a well-formed SVG of the stated size that draws
//! every digit, and stills must carry no animation at all.

use waymark_plugin_sdk::counter_theme::*;
use waymark_plugin_sdk::digits::pad;

use crate::PixelBoards;
use crate::sprite::Grid;
use crate::themes::ALL;

fn input(theme: &str, value: u64, length: u8, animate: bool) -> CounterInput {
    CounterInput {
        theme: theme.to_string(),
        value,
        display_value: pad(value, length),
        length,
        mode: if length.is_multiple_of(2) { CounterMode::Daily } else { CounterMode::Total },
        label: "views <&> \"quoted\"".to_string(),
        animate,
        params: Vec::new(),
    }
}

/// The cases every theme must handle: padded 4, 7 and 12, and a value
/// wider than its padding.
const CASES: [(u64, u8); 4] = [(42, 4), (1234567, 7), (987654321, 12), (123456789012345, 4)];

const ANIMATION_MARKERS: [&str; 4] = ["<animate", "<set", "animateTransform", "@keyframes"];

#[test]
fn every_theme_renders_well_formed_svg_of_its_size() {
    for theme in &ALL {
        for (value, length) in CASES {
            for animate in [true, false] {
                let input = input(theme.key, value, length, animate);
                let out = PixelBoards::render(&input).unwrap();
                let context = format!("{} {value} len {length} animate {animate}", theme.key);
                let doc = roxmltree::Document::parse(&out.svg).unwrap_or_else(|e| panic!("{context}: {e}"));
                let root = doc.root_element();
                assert_eq!(root.tag_name().name(), "svg", "{context}");
                assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2000/svg"), "{context}");
                assert_eq!(root.attribute("width"), Some(out.width.to_string().as_str()), "{context}");
                assert_eq!(root.attribute("height"), Some(out.height.to_string().as_str()), "{context}");
                assert!((1..=4096).contains(&out.width) && (1..=4096).contains(&out.height), "{context}");
                assert_eq!(out.animated, animate, "{context}");
                assert!(!out.svg.contains("<text"), "{context}: no fonts");
                assert!(!out.svg.contains("<image") && !out.svg.contains("<script"), "{context}");
            }
        }
    }
}

/// Every digit is drawn: one `<use>` of the theme's glyph for that digit,
/// in order, pointing at a glyph the document defines.
#[test]
fn every_digit_is_drawn() {
    for theme in &ALL {
        for (value, length) in CASES {
            for animate in [true, false] {
                let input = input(theme.key, value, length, animate);
                let out = PixelBoards::render(&input).unwrap();
                let doc = roxmltree::Document::parse(&out.svg).unwrap();
                let ids: Vec<&str> = doc.descendants().filter_map(|n| n.attribute("id")).collect();
                let drawn: String = doc
                    .descendants()
                    .filter(|n| n.has_tag_name("use"))
                    .filter_map(|n| n.attribute("href"))
                    .inspect(|href| assert!(ids.contains(&&href[1..]), "{}: {href} undefined", theme.key))
                    .filter_map(|href| href.chars().last().filter(char::is_ascii_digit))
                    .collect();
                assert_eq!(drawn, input.display_value, "{} len {length}", theme.key);
            }
        }
    }
}

#[test]
fn stills_carry_no_animation_and_animations_do() {
    for theme in &ALL {
        for (value, length) in CASES {
            let still = PixelBoards::render(&input(theme.key, value, length, false)).unwrap();
            for marker in ANIMATION_MARKERS {
                assert!(!still.svg.contains(marker), "{} still has {marker}", theme.key);
            }
            assert!(!still.svg.contains("visibility"), "{}: a still shows only its first frame", theme.key);
            let moving = PixelBoards::render(&input(theme.key, value, length, true)).unwrap();
            assert!(moving.svg.contains("repeatCount=\"indefinite\""), "{} does not animate", theme.key);
        }
    }
}

#[test]
fn sign_grows_with_the_number_of_digits() {
    for theme in &ALL {
        let widths: Vec<u32> = [(1, 4), (1, 7), (1, 12), (u64::MAX, 12)]
            .iter()
            .map(|&(value, length)| PixelBoards::render(&input(theme.key, value, length, false)).unwrap().width)
            .collect();
        assert!(widths.windows(2).all(|w| w[0] < w[1]), "{}: {widths:?}", theme.key);
    }
}

#[test]
fn seven_digits_stay_compact() {
    for theme in &ALL {
        for animate in [true, false] {
            let out = PixelBoards::render(&input(theme.key, 1234567, 7, animate)).unwrap();
            assert!(out.svg.len() < 15 * 1024, "{} animate {animate}: {} bytes", theme.key, out.svg.len());
        }
    }
}

#[test]
fn output_is_deterministic() {
    for theme in &ALL {
        let first = PixelBoards::render(&input(theme.key, 90210, 7, true)).unwrap();
        let second = PixelBoards::render(&input(theme.key, 90210, 7, true)).unwrap();
        assert_eq!(first.svg, second.svg, "{}", theme.key);
    }
}

#[test]
fn the_label_is_escaped_in_the_title() {
    let out = PixelBoards::render(&input("gojo_board", 7, 4, false)).unwrap();
    assert!(out.svg.contains("<title>views &lt;&amp;&gt; \"quoted\": 0007</title>"), "{}", out.svg);
}

#[test]
fn unknown_theme_is_refused() {
    assert!(PixelBoards::render(&input("nope", 1, 4, false)).is_err());
}

#[test]
fn themes_match_the_manifest() {
    let manifest = include_str!("../waymark.toml");
    let line = manifest.lines().find(|line| line.starts_with("provides")).expect("provides line");
    let provides: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
    let keys: Vec<String> = PixelBoards::themes().into_iter().map(|p| p.key).collect();
    assert_eq!(keys, provides);
    assert_eq!(keys[0], "gojo_board", "the server's default comes first");
    let names: Vec<String> = PixelBoards::themes().into_iter().map(|p| p.name).collect();
    assert!(names.iter().all(|name| name.starts_with("像素牌-")), "{names:?}");
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "display names are distinct");
}

/// Every character of every theme's art has a colour: render a scene and
/// check no path falls back to nothing by comparing the palette with the
/// characters the layers use.
#[test]
fn every_art_character_has_a_colour() {
    for theme in &ALL {
        let scene = (theme.scene)(10, CounterMode::Total);
        let known: Vec<u8> = scene.palette.iter().map(|&(c, _)| c as u8).collect();
        let mut keys: Vec<char> = scene.palette.iter().map(|&(c, _)| c).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), scene.palette.len(), "{}: a palette key repeats", theme.key);
        let grids: Vec<&Grid> = scene.layers.iter().flat_map(|layer| layer.frames.iter()).collect();
        for grid in grids {
            for cell in grid.used() {
                assert!(known.contains(&cell), "{}: {:?} has no colour", theme.key, cell as char);
            }
        }
        for cell in scene.card.bands.iter().chain([&scene.card.border]).chain(scene.card.shine.iter()) {
            assert!(known.contains(cell), "{}: card {:?} has no colour", theme.key, *cell as char);
        }
    }
}

#[test]
fn frames_of_a_layer_share_a_size() {
    for theme in &ALL {
        let scene = (theme.scene)(7, CounterMode::Daily);
        for layer in &scene.layers {
            let first = (layer.frames[0].width(), layer.frames[0].height());
            assert!(layer.frames.iter().all(|f| (f.width(), f.height()) == first), "{}", theme.key);
        }
    }
}

/// Filling a kept template gives exactly what drawing the scene afresh
/// gives, for many counts through one instance's cache.
#[test]
fn a_reused_template_draws_what_a_fresh_scene_draws() {
    for theme in &ALL {
        for animate in [true, false] {
            let mut lengths = std::collections::BTreeSet::new();
            for value in [0, 7, 42, 1009, 999_999, 1_000_000, 1_234_567, 9_876_543_210] {
                let input = input(theme.key, value, 7, animate);
                let cached = PixelBoards::render(&input).unwrap();
                lengths.insert((input.display_value.len(), cached.svg.len()));
                let digits = input.display_value.chars().count();
                let fresh = (theme.scene)(digits, input.mode)
                    .render(&input.display_value, &format!("{}: {}", input.label, input.display_value), animate)
                    .unwrap();
                assert_eq!(cached.svg, fresh.svg, "{} {value} animate {animate}", theme.key);
                assert_eq!((cached.width, cached.height), (fresh.width, fresh.height));
            }
            // Badges of one width have one length (see `DigitRow::defs`).
            assert_eq!(lengths.len(), 2, "{}: {lengths:?}", theme.key);
        }
    }
}

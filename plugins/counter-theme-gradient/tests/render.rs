//! Renders every theme natively and checks what the host will check (an
//! XML document with an `svg` root whose size matches the result) plus what
//! a badge must show: every digit, no text elements, and no motion in a
//! still frame.

use counter_theme_gradient::Gradient;
use waymark_plugin_sdk::counter_theme::*;
use waymark_plugin_sdk::digits::pad;

/// Values and padded lengths covering short, typical, longest and wider
/// than the longest padding.
const CASES: [(u64, u8); 4] = [(42, 4), (1_234_567, 7), (9_876_543_210, 12), (123_456_789_012_345, 4)];

fn input(theme: &str, value: u64, length: u8, animate: bool) -> CounterInput {
    CounterInput {
        theme: theme.to_string(),
        value,
        display_value: pad(value, length),
        length,
        mode: CounterMode::Daily,
        label: "a <very> long & \"quoted\" counter label".to_string(),
        animate,
        params: Vec::new(),
    }
}

/// Every theme key × still/animated × every case, rendered.
fn all_renders() -> Vec<(CounterInput, RenderedSvg)> {
    let mut out = Vec::new();
    for theme in Gradient::themes() {
        for (value, length) in CASES {
            for animate in [false, true] {
                let input = input(&theme.key, value, length, animate);
                let rendered = Gradient::render(&input).unwrap_or_else(|e| panic!("{}: {e}", theme.key));
                out.push((input, rendered));
            }
        }
    }
    out
}

/// The digits the row of `<use>`s draws, read back from their `href`s.
fn drawn_digits(doc: &roxmltree::Document) -> String {
    let row = doc.descendants().find(|n| n.attribute("id") == Some("n")).expect("digit row");
    row.children()
        .filter(|n| n.has_tag_name("use"))
        .map(|n| n.attribute("href").and_then(|h| h.strip_prefix("#g")).expect("glyph reference"))
        .collect()
}

#[test]
fn themes_match_the_manifest() {
    let manifest = include_str!("../waymark.toml");
    let line = manifest.lines().find(|l| l.starts_with("provides")).expect("provides line");
    let listed: Vec<&str> =
        line.split('[').nth(1).unwrap().trim_end_matches(']').split(',').map(|k| k.trim().trim_matches('"')).collect();
    let keys: Vec<String> = Gradient::themes().into_iter().map(|t| t.key).collect();
    assert_eq!(keys, listed);
    assert_eq!(keys.len(), 7);
}

#[test]
fn display_names_are_chinese_and_distinct() {
    let names: Vec<String> = Gradient::themes().into_iter().map(|t| t.name).collect();
    assert_eq!(names[0], "咒纹夜");
    assert_eq!(names[1], "术式蓝焰");
    for (i, name) in names.iter().enumerate() {
        assert!(name.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{name}");
        assert!(!names[i + 1..].contains(name), "{name} repeats");
    }
}

#[test]
fn every_render_is_an_svg_of_the_reported_size() {
    for (input, out) in all_renders() {
        let doc = roxmltree::Document::parse(&out.svg).unwrap_or_else(|e| panic!("{}: {e}", input.theme));
        let root = doc.root_element();
        assert!(root.has_tag_name(("http://www.w3.org/2000/svg", "svg")), "{}", input.theme);
        assert_eq!(root.attribute("width"), Some(out.width.to_string().as_str()));
        assert_eq!(root.attribute("height"), Some(out.height.to_string().as_str()));
        assert!((1..=4096).contains(&out.width) && (1..=4096).contains(&out.height));
        assert_eq!(out.animated, input.animate);
    }
}

#[test]
fn every_digit_is_drawn_in_order() {
    for (input, out) in all_renders() {
        let doc = roxmltree::Document::parse(&out.svg).unwrap();
        assert_eq!(drawn_digits(&doc), input.display_value, "{}", input.theme);
    }
}

#[test]
fn width_grows_with_the_digits() {
    for theme in Gradient::themes() {
        let widths: Vec<u32> = [4u8, 7, 12, 20]
            .iter()
            .map(|&len| Gradient::render(&input(&theme.key, 1, len, false)).unwrap().width)
            .collect();
        assert!(widths.windows(2).all(|w| w[0] < w[1]), "{}: {widths:?}", theme.key);
        let wide = Gradient::render(&input(&theme.key, 123_456_789_012_345, 4, false)).unwrap();
        assert!(wide.width > widths[2], "{}", theme.key);
    }
}

#[test]
fn still_frames_have_no_motion_and_animated_ones_do() {
    for (input, out) in all_renders() {
        let has_motion = ["<animate", "<set", "animateTransform", "@keyframes"].iter().any(|m| out.svg.contains(m));
        assert_eq!(has_motion, input.animate, "{} animate={}", input.theme, input.animate);
    }
}

#[test]
fn no_text_fonts_or_external_references() {
    for (input, out) in all_renders() {
        for banned in ["<text", "<image", "<script", "font-family", "http://www.w3.org/1999/xlink", "<!DOCTYPE"] {
            assert!(!out.svg.contains(banned), "{} contains {banned}", input.theme);
        }
        let external = out.svg.match_indices("href=\"").any(|(i, _)| !out.svg[i + 6..].starts_with('#'));
        assert!(!external, "{}", input.theme);
    }
}

#[test]
fn the_label_is_escaped_and_shortened() {
    let out = Gradient::render(&input("void_gold", 7, 4, true)).unwrap();
    assert!(out.svg.contains("<title>a &lt;very&gt; long &amp;: 0007</title>"), "{}", out.svg);
}

#[test]
fn output_is_deterministic_and_compact() {
    for theme in Gradient::themes() {
        for animate in [false, true] {
            let a = Gradient::render(&input(&theme.key, 1_234_567, 7, animate)).unwrap();
            let b = Gradient::render(&input(&theme.key, 1_234_567, 7, animate)).unwrap();
            assert_eq!(a.svg, b.svg);
            assert!(a.svg.len() < 15_000, "{} is {} bytes", theme.key, a.svg.len());
        }
    }
}

#[test]
fn unknown_themes_are_refused() {
    assert!(Gradient::render(&input("plain", 1, 4, false)).is_err());
}

/// The card drawn for one count is reused for the next (a per-instance
/// memo): each fresh count still shows its own digits and glyphs, and going
/// back to an earlier count gives the earlier document exactly.
#[test]
fn reused_cards_show_each_new_count() {
    for theme in Gradient::themes() {
        let first = Gradient::render(&input(&theme.key, 1_111_111, 7, true)).unwrap();
        for value in [2_222_222, 1_234_567, 9_090_909, 4_200_000] {
            let input = input(&theme.key, value, 7, true);
            let out = Gradient::render(&input).unwrap();
            let doc = roxmltree::Document::parse(&out.svg).unwrap();
            assert_eq!(drawn_digits(&doc), input.display_value, "{}", theme.key);
            for digit in input.display_value.chars() {
                let id = format!("g{digit}");
                assert!(
                    doc.descendants().any(|n| n.attribute("id") == Some(id.as_str())),
                    "{} defines {id}",
                    theme.key
                );
            }
            assert_eq!(out.svg.len(), first.svg.len(), "{}: one width, one length", theme.key);
        }
        let again = Gradient::render(&input(&theme.key, 1_111_111, 7, true)).unwrap();
        assert_eq!(again.svg, first.svg, "{}", theme.key);
    }
}

//! Colours from request parameters: parse, print, and pick readable text.
//!
//! Badge requests carry colours as free text (`?color=ff8800`,
//! `?bg=rgba(0,0,0,.5)`, `?fg=navy`). Run every such parameter through
//! [`Rgba::parse`] and write the result with [`Rgba::to_css`]: what comes out
//! is always a well-formed colour, never text that could alter the SVG or
//! its CSS. [`readable_on`] then chooses a text colour that stays legible on
//! whatever background the visitor picked.
//!
//! ```
//! use waymark_plugin_sdk::color::{readable_on, Rgba};
//!
//! let bg = Rgba::parse("  #FFA500 ").unwrap_or(Rgba::BLACK);
//! assert_eq!(bg.to_hex(), "#ffa500");
//! assert_eq!(readable_on(bg), Rgba::BLACK);
//! assert_eq!(Rgba::parse("red; fill: url(javascript:x)"), None);
//! ```

use std::fmt;

/// A colour with 8-bit red, green, blue and alpha channels (alpha 255 is
/// opaque, 0 fully transparent), not premultiplied.
///
/// The fields are public so themes can build colours directly; use
/// [`Rgba::parse`] for anything that came from a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgba {
    /// Red, 0 to 255.
    pub r: u8,
    /// Green, 0 to 255.
    pub g: u8,
    /// Blue, 0 to 255.
    pub b: u8,
    /// Opacity, 0 (transparent) to 255 (opaque).
    pub a: u8,
}

/// CSS named colours accepted by [`Rgba::parse`], as `0xRRGGBB` (all opaque;
/// `transparent` is handled separately). The sixteen HTML colours come
/// first, then common extras.
const NAMED: &[(&str, u32)] = &[
    ("black", 0x000000),
    ("silver", 0xc0c0c0),
    ("gray", 0x808080),
    ("grey", 0x808080),
    ("white", 0xffffff),
    ("maroon", 0x800000),
    ("red", 0xff0000),
    ("purple", 0x800080),
    ("fuchsia", 0xff00ff),
    ("magenta", 0xff00ff),
    ("green", 0x008000),
    ("lime", 0x00ff00),
    ("olive", 0x808000),
    ("yellow", 0xffff00),
    ("navy", 0x000080),
    ("blue", 0x0000ff),
    ("teal", 0x008080),
    ("aqua", 0x00ffff),
    ("cyan", 0x00ffff),
    ("orange", 0xffa500),
    ("orangered", 0xff4500),
    ("gold", 0xffd700),
    ("goldenrod", 0xdaa520),
    ("khaki", 0xf0e68c),
    ("beige", 0xf5f5dc),
    ("tan", 0xd2b48c),
    ("chocolate", 0xd2691e),
    ("brown", 0xa52a2a),
    ("darkred", 0x8b0000),
    ("crimson", 0xdc143c),
    ("tomato", 0xff6347),
    ("coral", 0xff7f50),
    ("salmon", 0xfa8072),
    ("pink", 0xffc0cb),
    ("hotpink", 0xff69b4),
    ("deeppink", 0xff1493),
    ("violet", 0xee82ee),
    ("indigo", 0x4b0082),
    ("rebeccapurple", 0x663399),
    ("lavender", 0xe6e6fa),
    ("darkblue", 0x00008b),
    ("royalblue", 0x4169e1),
    ("dodgerblue", 0x1e90ff),
    ("steelblue", 0x4682b4),
    ("skyblue", 0x87ceeb),
    ("turquoise", 0x40e0d0),
    ("darkgreen", 0x006400),
    ("forestgreen", 0x228b22),
    ("seagreen", 0x2e8b57),
    ("limegreen", 0x32cd32),
    ("yellowgreen", 0x9acd32),
    ("darkgray", 0xa9a9a9),
    ("darkgrey", 0xa9a9a9),
    ("dimgray", 0x696969),
    ("dimgrey", 0x696969),
    ("lightgray", 0xd3d3d3),
    ("lightgrey", 0xd3d3d3),
    ("slategray", 0x708090),
    ("slategrey", 0x708090),
    ("whitesmoke", 0xf5f5f5),
];

impl Rgba {
    /// Opaque black, the dark choice of [`readable_on`].
    pub const BLACK: Rgba = Rgba::rgb(0, 0, 0);
    /// Opaque white, the light choice of [`readable_on`].
    pub const WHITE: Rgba = Rgba::rgb(255, 255, 255);
    /// Fully transparent black, what CSS calls `transparent`.
    pub const TRANSPARENT: Rgba = Rgba { r: 0, g: 0, b: 0, a: 0 };

    /// An opaque colour, for writing theme defaults as constants.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Rgba {
        Rgba { r, g, b, a: 255 }
    }

    /// Parses a colour parameter, or returns `None` if it is not one.
    ///
    /// Accepts, ignoring case and surrounding whitespace:
    /// - hex `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, with or without the
    ///   `#` (query strings often drop it, since `#` starts a URL fragment);
    /// - `rgb(r, g, b)` and `rgba(r, g, b, a)`, channels 0 to 255 or 0% to
    ///   100%, alpha 0 to 1 or 0% to 100%; the space-separated form
    ///   `rgb(r g b / a)` too;
    /// - the CSS names in this module's table (the sixteen HTML colours,
    ///   `orange`, `gray`/`grey`, `transparent` and several dozen more).
    ///
    /// Out-of-range values are rejected rather than clamped, so a typo falls
    /// back to the theme's default instead of becoming some other colour.
    /// Never panics, whatever the input.
    pub fn parse(s: &str) -> Option<Rgba> {
        let s = s.trim().to_ascii_lowercase();
        parse_named(&s).or_else(|| parse_hex(&s)).or_else(|| parse_function(&s))
    }

    /// `#rrggbb`, or `#rrggbbaa` when not opaque: the shortest exact form,
    /// valid in SVG attributes and CSS alike.
    pub fn to_hex(&self) -> String {
        let Rgba { r, g, b, a } = *self;
        if a == 255 { format!("#{r:02x}{g:02x}{b:02x}") } else { format!("#{r:02x}{g:02x}{b:02x}{a:02x}") }
    }

    /// The colour for CSS or an SVG `fill`: `#rrggbb` when opaque, otherwise
    /// `rgba(r,g,b,a)` with alpha as a fraction, which older SVG renderers
    /// understand better than 8-digit hex. Parses back to the same colour.
    pub fn to_css(&self) -> String {
        if self.a == 255 {
            return self.to_hex();
        }
        let alpha = format!("{:.3}", f64::from(self.a) / 255.0);
        let alpha = alpha.trim_end_matches('0').trim_end_matches('.');
        let alpha = if alpha.is_empty() { "0" } else { alpha };
        format!("rgba({},{},{},{alpha})", self.r, self.g, self.b)
    }

    /// WCAG 2 relative luminance: 0 for black to 1 for white.
    ///
    /// Use it to judge how light a colour looks. Alpha is ignored; combine a
    /// translucent colour with what lies behind it ([`Rgba::over`]) first.
    pub fn luminance(&self) -> f64 {
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    /// Same as [`contrast`], at hand on the type.
    pub fn contrast(a: Rgba, b: Rgba) -> f64 {
        contrast(a, b)
    }

    /// Same as [`readable_on`], at hand on the type.
    pub fn readable_on(background: Rgba) -> Rgba {
        readable_on(background)
    }

    /// Same as [`mix`], at hand on the type.
    pub fn mix(a: Rgba, b: Rgba, t: f64) -> Rgba {
        mix(a, b, t)
    }

    /// This colour painted over `background` (ordinary alpha compositing).
    ///
    /// Use it to find the colour a visitor actually sees, for instance a
    /// translucent badge over the page colour before [`readable_on`].
    pub fn over(self, background: Rgba) -> Rgba {
        let top = f64::from(self.a) / 255.0;
        let bottom = f64::from(background.a) / 255.0 * (1.0 - top);
        let alpha = top + bottom;
        if alpha <= 0.0 {
            return Rgba::TRANSPARENT;
        }
        let channel = |t: u8, b: u8| to_u8((f64::from(t) * top + f64::from(b) * bottom) / alpha);
        Rgba {
            r: channel(self.r, background.r),
            g: channel(self.g, background.g),
            b: channel(self.b, background.b),
            a: to_u8(alpha * 255.0),
        }
    }
}

/// Writes [`Rgba::to_css`], so a colour can go straight into `format!`.
impl fmt::Display for Rgba {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_css())
    }
}

/// The WCAG 2 contrast ratio of two colours, from 1 (same luminance) to 21
/// (black on white); the order does not matter.
///
/// WCAG asks for at least 4.5 for normal text and 3 for large text; use it
/// to check a theme's colour pairs or to choose between candidates.
pub fn contrast(a: Rgba, b: Rgba) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Black or white, whichever contrasts more with `background`.
///
/// Use it for text on a user-chosen background so the count stays legible.
/// Ties go to black. The background's alpha is ignored (see
/// [`Rgba::over`]).
pub fn readable_on(background: Rgba) -> Rgba {
    if contrast(Rgba::BLACK, background) >= contrast(Rgba::WHITE, background) { Rgba::BLACK } else { Rgba::WHITE }
}

/// The colour a fraction `t` of the way from `a` to `b`, channel by channel
/// (alpha included).
///
/// Use it for hover shades, gradients or fading: `t` = 0 gives `a`, 1 gives
/// `b`; values outside 0..=1 are clamped and NaN counts as 0.
pub fn mix(a: Rgba, b: Rgba, t: f64) -> Rgba {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let lerp = |x: u8, y: u8| to_u8(f64::from(x) + (f64::from(y) - f64::from(x)) * t);
    Rgba { r: lerp(a.r, b.r), g: lerp(a.g, b.g), b: lerp(a.b, b.b), a: lerp(a.a, b.a) }
}

/// An sRGB channel converted to linear light, as WCAG 2 defines it.
fn linear(channel: u8) -> f64 {
    let c = f64::from(channel) / 255.0;
    if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
}

/// Rounds to the nearest `u8`, saturating (NaN becomes 0).
fn to_u8(value: f64) -> u8 {
    // `as` saturates and maps NaN to 0, which is what every caller wants.
    value.round() as u8
}

/// A colour from this module's name table, or `transparent`.
fn parse_named(name: &str) -> Option<Rgba> {
    if name == "transparent" {
        return Some(Rgba::TRANSPARENT);
    }
    let &(_, rgb) = NAMED.iter().find(|(n, _)| *n == name)?;
    let [_, r, g, b] = rgb.to_be_bytes();
    Some(Rgba::rgb(r, g, b))
}

/// `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa`, the `#` optional.
fn parse_hex(s: &str) -> Option<Rgba> {
    let digits = s.strip_prefix('#').unwrap_or(s);
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    // All ASCII from here on, so byte offsets are character offsets.
    let channels: Vec<u8> = match digits.len() {
        3 | 4 => (0..digits.len()).map(|i| hex_byte(&digits[i..=i]) * 17).collect(),
        6 | 8 => (0..digits.len()).step_by(2).map(|i| hex_byte(&digits[i..i + 2])).collect(),
        _ => return None,
    };
    let a = channels.get(3).copied().unwrap_or(255);
    Some(Rgba { r: channels[0], g: channels[1], b: channels[2], a })
}

/// One or two hex digits, already checked by the caller, as a number.
fn hex_byte(digits: &str) -> u8 {
    u8::from_str_radix(digits, 16).unwrap_or(0)
}

/// `rgb(…)` or `rgba(…)`, comma- or space-separated.
fn parse_function(s: &str) -> Option<Rgba> {
    let inner = s.strip_prefix("rgba(").or_else(|| s.strip_prefix("rgb("))?.strip_suffix(')')?;
    let (channels, alpha) = split_arguments(inner)?;
    let [r, g, b] = channels[..] else {
        return None;
    };
    let a = match alpha {
        Some(alpha) => parse_alpha(alpha)?,
        None => 255,
    };
    Some(Rgba { r: parse_channel(r)?, g: parse_channel(g)?, b: parse_channel(b)?, a })
}

/// Splits function arguments into the colour channels and the optional
/// alpha: `r, g, b[, a]` (legacy CSS) or `r g b[ / a]` (CSS Color 4).
fn split_arguments(inner: &str) -> Option<(Vec<&str>, Option<&str>)> {
    if inner.contains(',') {
        let mut parts: Vec<&str> = inner.split(',').map(str::trim).collect();
        let alpha = if parts.len() == 4 { parts.pop() } else { None };
        return Some((parts, alpha));
    }
    let (channels, alpha) = match inner.split_once('/') {
        Some((channels, alpha)) => (channels, Some(alpha.trim())),
        None => (inner, None),
    };
    Some((channels.split_whitespace().collect(), alpha))
}

/// A channel: a number 0 to 255 or a percentage 0% to 100%.
fn parse_channel(s: &str) -> Option<u8> {
    let value = match s.strip_suffix('%') {
        // Divide first: 50% is then exactly 127.5 and rounds up, as in CSS.
        Some(percent) => parse_unsigned(percent).filter(|p| *p <= 100.0)? / 100.0 * 255.0,
        None => parse_unsigned(s).filter(|v| *v <= 255.0)?,
    };
    Some(to_u8(value))
}

/// An alpha value: a number 0 to 1 or a percentage 0% to 100%.
fn parse_alpha(s: &str) -> Option<u8> {
    let fraction = match s.strip_suffix('%') {
        Some(percent) => parse_unsigned(percent).filter(|p| *p <= 100.0)? / 100.0,
        None => parse_unsigned(s).filter(|v| *v <= 1.0)?,
    };
    Some(to_u8(fraction * 255.0))
}

/// A plain decimal such as `12`, `0.5` or `.5`: digits with at most one
/// point. Stricter than `str::parse::<f64>`, which would also take `inf`,
/// `NaN`, signs and exponents.
fn parse_unsigned(s: &str) -> Option<f64> {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    let points = s.bytes().filter(|&b| b == b'.').count();
    if digits == 0 || points > 1 || digits + points != s.len() {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgba(r: u8, g: u8, b: u8, a: u8) -> Rgba {
        Rgba { r, g, b, a }
    }

    fn parse(s: &str) -> Option<Rgba> {
        Rgba::parse(s)
    }

    #[test]
    fn parses_hex_forms() {
        assert_eq!(parse("#f80"), Some(rgba(0xff, 0x88, 0x00, 255)));
        assert_eq!(parse("#f808"), Some(rgba(0xff, 0x88, 0x00, 0x88)));
        assert_eq!(parse("#12ab9f"), Some(rgba(0x12, 0xab, 0x9f, 255)));
        assert_eq!(parse("#12ab9f40"), Some(rgba(0x12, 0xab, 0x9f, 0x40)));
        assert_eq!(parse("#000"), Some(Rgba::BLACK));
        assert_eq!(parse("#ffffffff"), Some(Rgba::WHITE));
    }

    #[test]
    fn parses_hex_without_hash() {
        assert_eq!(parse("f80"), parse("#f80"));
        assert_eq!(parse("f808"), parse("#f808"));
        assert_eq!(parse("12ab9f"), parse("#12ab9f"));
        assert_eq!(parse("12ab9f40"), parse("#12ab9f40"));
        assert_eq!(parse("add"), Some(rgba(0xaa, 0xdd, 0xdd, 255)));
    }

    #[test]
    fn ignores_case_and_surrounding_whitespace() {
        assert_eq!(parse("  #ABCDEF\t"), Some(rgba(0xab, 0xcd, 0xef, 255)));
        assert_eq!(parse("\nNavy "), Some(rgba(0, 0, 0x80, 255)));
        assert_eq!(parse(" RGBA( 1 , 2 , 3 , 0.5 ) "), Some(rgba(1, 2, 3, 128)));
        assert_eq!(parse("TRANSPARENT"), Some(Rgba::TRANSPARENT));
    }

    #[test]
    fn parses_rgb_functions() {
        assert_eq!(parse("rgb(255,128,0)"), Some(rgba(255, 128, 0, 255)));
        assert_eq!(parse("rgb(0, 0, 0)"), Some(Rgba::BLACK));
        assert_eq!(parse("rgba(10,20,30,0)"), Some(rgba(10, 20, 30, 0)));
        assert_eq!(parse("rgba(10,20,30,1)"), Some(rgba(10, 20, 30, 255)));
        assert_eq!(parse("rgba(10,20,30,.25)"), Some(rgba(10, 20, 30, 64)));
        assert_eq!(parse("rgba(10,20,30,50%)"), Some(rgba(10, 20, 30, 128)));
        assert_eq!(parse("rgb(100%,50%,0%)"), Some(rgba(255, 128, 0, 255)));
        assert_eq!(parse("rgb(1.4,1.6,254.5)"), Some(rgba(1, 2, 255, 255)));
        // CSS accepts either name with or without alpha.
        assert_eq!(parse("rgba(1,2,3)"), Some(rgba(1, 2, 3, 255)));
        assert_eq!(parse("rgb(1,2,3,0.5)"), Some(rgba(1, 2, 3, 128)));
    }

    #[test]
    fn parses_space_separated_rgb() {
        assert_eq!(parse("rgb(1 2 3)"), Some(rgba(1, 2, 3, 255)));
        assert_eq!(parse("rgb(1 2 3 / 0.5)"), Some(rgba(1, 2, 3, 128)));
        assert_eq!(parse("rgb(  1   2 3/50%)"), Some(rgba(1, 2, 3, 128)));
    }

    #[test]
    fn parses_named_colours() {
        let basic = [
            ("black", 0x000000),
            ("silver", 0xc0c0c0),
            ("gray", 0x808080),
            ("white", 0xffffff),
            ("maroon", 0x800000),
            ("red", 0xff0000),
            ("purple", 0x800080),
            ("fuchsia", 0xff00ff),
            ("green", 0x008000),
            ("lime", 0x00ff00),
            ("olive", 0x808000),
            ("yellow", 0xffff00),
            ("navy", 0x000080),
            ("blue", 0x0000ff),
            ("teal", 0x008080),
            ("aqua", 0x00ffff),
            ("orange", 0xffa500),
            ("grey", 0x808080),
        ];
        for (name, rgb) in basic {
            assert_eq!(parse(name).map(|c| c.to_hex()), Some(format!("#{rgb:06x}")), "{name}");
        }
        assert_eq!(parse("transparent"), Some(rgba(0, 0, 0, 0)));
    }

    #[test]
    fn named_table_has_no_duplicates_or_hex_lookalikes() {
        for (i, (name, _)) in NAMED.iter().enumerate() {
            assert!(NAMED[i + 1..].iter().all(|(other, _)| other != name), "{name}");
            assert_eq!(parse_hex(name), None, "{name} reads as hex");
            assert_eq!(name.to_ascii_lowercase(), *name);
        }
    }

    #[test]
    fn rejects_everything_else() {
        let bad = [
            "",
            "   ",
            "#",
            "#f",
            "#ff",
            "#fffff",
            "#fffffff",
            "#fffffffff",
            "#ggg",
            "##fff",
            "# fff",
            "#ff f",
            "0x123",
            "notacolour",
            "red;",
            "red blue",
            "reds",
            "#red",
            "rgb(256,0,0)",
            "rgb(-1,0,0)",
            "rgb(+1,0,0)",
            "rgb(1,2)",
            "rgb(1,2,3,4,5)",
            "rgb(1,2,3",
            "rgb 1,2,3)",
            "rgb()",
            "rgb(,,)",
            "rgb(1,,3)",
            "rgb(1, 2 3)",
            "rgb(1 2 3 4)",
            "rgb(1 2 / 0.5)",
            "rgba(1,2,3,1.5)",
            "rgba(1,2,3,-0.1)",
            "rgba(1,2,3,101%)",
            "rgb(101%,0,0)",
            "rgb(1e2,0,0)",
            "rgb(inf,0,0)",
            "rgb(nan,0,0)",
            "rgb(1..2,0,0)",
            "rgb(.,0,0)",
            "rgb(1%%,0,0)",
            "rgb(0x10,0,0)",
            "rgb(1,2,3))",
            "hsl(0,100%,50%)",
            "\"><script>",
            "red\u{0}",
            "ｒｅｄ",
        ];
        for input in bad {
            assert_eq!(parse(input), None, "{input:?}");
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        let pieces = [
            "#", "rgb(", "rgba(", ")", ",", "/", "%", ".", "-", "1", "255", "999", "f", "é", "🦀", " ", "\u{0}", "red",
            "e", "0.5", "(", "\u{FFFF}",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            let mut input = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut bits = state;
            for _ in 0..(bits % 9) {
                bits /= 9;
                input.push_str(pieces[(bits % pieces.len() as u64) as usize]);
            }
            if let Some(colour) = parse(&input) {
                assert_eq!(parse(&colour.to_hex()), Some(colour), "{input:?}");
            }
        }
    }

    #[test]
    fn never_panics_on_truncated_or_multibyte_input() {
        let samples = ["rgba(12, 34, 56, 0.78)", "#a1b2c3d4", "rgb(1 2 3 / 40%)", "#éé", "é#ab", "🦀🦀🦀"];
        for sample in samples {
            for (end, _) in sample.char_indices() {
                let _ = parse(&sample[..end]);
                let _ = parse(&sample[end..]);
            }
        }
    }

    #[test]
    fn to_hex_formats() {
        assert_eq!(rgba(0x12, 0xab, 0x0f, 255).to_hex(), "#12ab0f");
        assert_eq!(rgba(0x12, 0xab, 0x0f, 0x80).to_hex(), "#12ab0f80");
        assert_eq!(Rgba::TRANSPARENT.to_hex(), "#00000000");
    }

    #[test]
    fn to_css_formats() {
        assert_eq!(rgba(255, 0, 0, 255).to_css(), "#ff0000");
        assert_eq!(rgba(255, 0, 0, 0).to_css(), "rgba(255,0,0,0)");
        assert_eq!(rgba(255, 0, 0, 128).to_css(), "rgba(255,0,0,0.502)");
        assert_eq!(rgba(1, 2, 3, 51).to_css(), "rgba(1,2,3,0.2)");
        assert_eq!(rgba(1, 2, 3, 51).to_string(), "rgba(1,2,3,0.2)");
    }

    #[test]
    fn hex_and_css_round_trip_every_alpha() {
        for a in 0..=255u8 {
            let colour = rgba(a, 255 - a, a / 3, a);
            assert_eq!(parse(&colour.to_hex()), Some(colour));
            assert_eq!(parse(&colour.to_css()), Some(colour), "{}", colour.to_css());
            assert_eq!(parse(colour.to_hex().trim_start_matches('#')), Some(colour));
        }
    }

    #[test]
    fn output_only_contains_safe_characters() {
        for colour in [Rgba::BLACK, Rgba::TRANSPARENT, rgba(1, 2, 3, 4)] {
            let css = colour.to_css();
            assert!(css.chars().all(|c| c.is_ascii_alphanumeric() || "#(),.".contains(c)));
        }
    }

    #[test]
    fn luminance_bounds_and_known_values() {
        assert_eq!(Rgba::BLACK.luminance(), 0.0);
        assert!((Rgba::WHITE.luminance() - 1.0).abs() < 1e-9);
        assert!((parse("red").unwrap().luminance() - 0.2126).abs() < 1e-9);
        assert!((parse("lime").unwrap().luminance() - 0.7152).abs() < 1e-9);
        assert!((parse("blue").unwrap().luminance() - 0.0722).abs() < 1e-9);
        let grey = parse("#808080").unwrap().luminance();
        assert!((grey - 0.2158605).abs() < 1e-6, "{grey}");
        assert_eq!(rgba(9, 9, 9, 0).luminance(), rgba(9, 9, 9, 255).luminance());
    }

    #[test]
    fn contrast_ratios() {
        assert!((contrast(Rgba::BLACK, Rgba::WHITE) - 21.0).abs() < 1e-9);
        assert!((contrast(Rgba::WHITE, Rgba::BLACK) - 21.0).abs() < 1e-9);
        assert!((contrast(Rgba::WHITE, Rgba::WHITE) - 1.0).abs() < 1e-12);
        let grey = parse("#777").unwrap();
        let ratio = contrast(grey, Rgba::WHITE);
        assert!((4.47..4.49).contains(&ratio), "{ratio}");
        assert_eq!(Rgba::contrast(grey, Rgba::BLACK), contrast(Rgba::BLACK, grey));
    }

    #[test]
    fn readable_text_colour() {
        let on = |s: &str| readable_on(parse(s).unwrap());
        assert_eq!(on("white"), Rgba::BLACK);
        assert_eq!(on("yellow"), Rgba::BLACK);
        assert_eq!(on("orange"), Rgba::BLACK);
        assert_eq!(on("black"), Rgba::WHITE);
        assert_eq!(on("navy"), Rgba::WHITE);
        assert_eq!(on("#555"), Rgba::WHITE);
        assert_eq!(on("maroon"), Rgba::WHITE);
        assert_eq!(on("#1a5fa0"), Rgba::WHITE);
        assert_eq!(Rgba::readable_on(Rgba::WHITE), Rgba::BLACK);
    }

    #[test]
    fn readable_on_picks_the_higher_contrast() {
        for v in 0..=255u8 {
            let bg = Rgba::rgb(v, v.wrapping_mul(7), 255 - v);
            let text = readable_on(bg);
            let other = if text == Rgba::BLACK { Rgba::WHITE } else { Rgba::BLACK };
            assert!(contrast(text, bg) >= contrast(other, bg));
            assert!(contrast(text, bg) >= 4.5, "{bg:?}");
        }
    }

    #[test]
    fn mix_interpolates() {
        let a = rgba(0, 100, 200, 0);
        let b = rgba(255, 0, 100, 255);
        assert_eq!(mix(a, b, 0.0), a);
        assert_eq!(mix(a, b, 1.0), b);
        assert_eq!(mix(a, b, 0.5), rgba(128, 50, 150, 128));
        assert_eq!(mix(a, b, 0.25), rgba(64, 75, 175, 64));
        assert_eq!(mix(a, b, -3.0), a);
        assert_eq!(mix(a, b, 7.0), b);
        assert_eq!(mix(a, b, f64::NAN), a);
        assert_eq!(mix(a, b, f64::INFINITY), b);
        assert_eq!(Rgba::mix(a, b, 1.0), b);
        assert_eq!(mix(b, b, 0.3), b);
    }

    #[test]
    fn over_composites() {
        let half_red = rgba(255, 0, 0, 128);
        assert_eq!(half_red.over(Rgba::WHITE), rgba(255, 127, 127, 255));
        assert_eq!(Rgba::BLACK.over(Rgba::WHITE), Rgba::BLACK);
        assert_eq!(Rgba::TRANSPARENT.over(Rgba::WHITE), Rgba::WHITE);
        assert_eq!(Rgba::TRANSPARENT.over(Rgba::TRANSPARENT), Rgba::TRANSPARENT);
        assert_eq!(half_red.over(Rgba::TRANSPARENT), half_red);
    }
}

//! The badge request's query parameters: the rules the spec publishes for
//! each (checked before the handler runs, see [`QueryText`]) and the parsing
//! behind them, with messages a client can act on.
//!
//! [`QueryText`]: crate::http::query_text::QueryText

use super::badge::Mode;
use crate::failure::Failure;
use crate::text_rule;

/// No control or bidirectional formatting characters (see [`hygienic`]).
macro_rules! printable {
    () => {
        r"^[^\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]*$"
    };
}

/// Longest accepted `site` (a domain name fits) and `name`.
const MAX_SITE: usize = 253;
const MAX_NAME: usize = 64;

text_rule!(pub SiteText, max_length = MAX_SITE, pattern = printable!());
text_rule!(pub NameText, max_length = MAX_NAME, pattern = printable!());
text_rule!(pub ModeText, pattern = r"^[\t-\r ]*(daily|total)[\t-\r ]*$");
text_rule!(pub FormatText, pattern = r"^[\t-\r ]*(svg|png|json)[\t-\r ]*$");
text_rule!(pub LengthText, pattern = r"^[\t-\r ]*0*([4-9]|1[0-2])[\t-\r ]*$");
text_rule!(pub NoIncrementText, pattern = r"^[\t-\r ]*(0|1|true|false)?[\t-\r ]*$");
text_rule!(pub ScaleText, pattern = r"^[\t-\r ]*(0*[1-4])?[\t-\r ]*$");

/// The validated parameters.
#[derive(Debug)]
pub struct Params {
    pub site: String,
    pub name: String,
    pub mode: Mode,
    /// Trimmed; "" when absent (the default theme serves).
    pub theme: String,
    pub format: Format,
    pub length: u8,
    pub increment: bool,
    pub scale: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
    Json,
}

fn bad(message: impl Into<String>) -> Failure {
    Failure::bad_request(message)
}

/// Refuses control and bidi characters, which would make two counters look
/// alike or corrupt whatever displays the name.
fn hygienic(field: &str, value: &str) -> Result<(), Failure> {
    match crate::text_hygiene::forbidden_char(value) {
        Some(c) => Err(bad(format!(
            "{field} must not contain control or bidirectional formatting characters (found {})",
            crate::text_hygiene::describe(c)
        ))),
        None => Ok(()),
    }
}

/// The query parameters whose values name a counter.
const NAMING_PARAMS: [&str; 2] = ["site", "name"];

/// Refuses `site` and `name` values that are not UTF-8 once percent-decoded.
/// The framework decodes queries lossily, replacing bad bytes with U+FFFD,
/// so `site=%FF%FE` and `site=%C0%AF` would silently share one counter; the
/// raw query is checked here instead.
pub fn check_utf8(raw_query: Option<&str>) -> Result<(), Failure> {
    for pair in raw_query.unwrap_or_default().split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if NAMING_PARAMS.contains(&key) && std::str::from_utf8(&percent_decode(value)).is_err() {
            return Err(bad(format!("{key} must be valid UTF-8 once percent-decoded")));
        }
    }
    Ok(())
}

/// `application/x-www-form-urlencoded` decoding to bytes: `+` is a space,
/// `%XX` a byte, a stray `%` itself.
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[allow(clippy::too_many_arguments)] // one per query parameter
pub fn parse(
    site: Option<String>,
    name: Option<String>,
    mode: Option<String>,
    theme: Option<String>,
    format: Option<String>,
    length: Option<String>,
    no_increment: Option<String>,
    scale: Option<String>,
) -> Result<Params, Failure> {
    let site = site.unwrap_or_default().trim().to_string();
    hygienic("site", &site)?;
    if site.chars().count() > MAX_SITE {
        return Err(bad(format!("site must be at most {MAX_SITE} characters")));
    }
    let name = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).unwrap_or_else(|| "demo".into());
    hygienic("name", &name)?;
    if name.chars().count() > MAX_NAME {
        return Err(bad(format!("name must be at most {MAX_NAME} characters")));
    }
    let mode = match mode.as_deref().map(str::trim).unwrap_or("daily") {
        "daily" | "" => Mode::Daily,
        "total" => Mode::Total,
        other => return Err(bad(format!("mode must be daily or total, not `{other}`"))),
    };
    let format = match format.as_deref().map(str::trim).unwrap_or("svg") {
        "svg" | "" => Format::Svg,
        "png" => Format::Png,
        "json" => Format::Json,
        other => return Err(bad(format!("format must be svg, png or json, not `{other}`"))),
    };
    let length = match length.as_deref().map(str::trim) {
        None | Some("") => 7,
        Some(text) => match text.parse::<u8>() {
            Ok(n @ 4..=12) => n,
            _ => return Err(bad(format!("length must be an integer from 4 to 12, not `{text}`"))),
        },
    };
    let increment = match no_increment.as_deref().map(str::trim) {
        None | Some("") | Some("0") | Some("false") => true,
        Some("1") | Some("true") => false,
        Some(other) => return Err(bad(format!("no_increment must be 0 or 1, not `{other}`"))),
    };
    let scale = match scale.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(text) => match text.parse::<u8>() {
            Ok(n @ 1..=4) => n,
            _ => return Err(bad(format!("scale must be an integer from 1 to 4, not `{text}`"))),
        },
    };
    let theme = theme.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).unwrap_or_default();
    Ok(Params { site, name, mode, theme, format, length, increment, scale })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Result<Params, Failure> {
        let get = |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string());
        parse(
            get("site"),
            get("name"),
            get("mode"),
            get("theme"),
            get("format"),
            get("length"),
            get("no_increment"),
            get("scale"),
        )
    }

    #[test]
    fn defaults_follow_the_seed() {
        let d = p(&[]).ok().unwrap();
        assert_eq!((d.site.as_str(), d.name.as_str(), d.length, d.increment, d.scale), ("", "demo", 7, true, 1));
        assert!(d.mode == Mode::Daily && d.format == Format::Svg);
    }

    #[test]
    fn out_of_range_values_are_refused() {
        for bad in [
            ("length", "3"),
            ("length", "13"),
            ("length", "x"),
            ("scale", "0"),
            ("scale", "5"),
            ("mode", "weekly"),
            ("format", "gif"),
            ("no_increment", "2"),
        ] {
            assert!(p(&[bad]).is_err(), "{bad:?}");
        }
        assert!(p(&[("name", &"n".repeat(65))]).is_err());
    }

    #[test]
    fn control_and_bidi_characters_are_refused_in_site_and_name() {
        for field in ["site", "name"] {
            for bad in ["a\0b", "bell\u{7}", "moc.elgoog\u{202E}", "x\u{2067}y", "x\u{200F}"] {
                assert!(p(&[(field, bad)]).is_err(), "{field}={bad:?}");
            }
        }
        assert!(p(&[("site", "例え.jp"), ("name", "Zoë")]).is_ok());
    }

    #[test]
    fn site_and_name_must_decode_to_utf8() {
        for bad in ["site=%FF%FE", "site=%C0%AF", "a=1&name=%E2%82", "name=ok&site=x%80y"] {
            assert!(check_utf8(Some(bad)).is_err(), "{bad}");
        }
        for good in ["site=%E4%BE%8B.jp&name=a+b", "theme=%FF", "site=100%", "site=%zz", ""] {
            assert!(check_utf8(Some(good)).is_ok(), "{good}");
        }
        assert!(check_utf8(None).is_ok());
        assert_eq!(percent_decode("a+%41%4a%"), b"a AJ%");
    }
}

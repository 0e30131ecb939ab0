//! Just enough HTML tokenising to read one kind of tag's attributes: start
//! tags named `name` outside comments, their attributes with values in any
//! quoting and character references decoded. Linear in the page size.

/// Attributes of every `<name …>` start tag, in document order; a tag cut
/// off by the end of the body is skipped.
pub fn tags<'a>(html: &'a str, name: &'a str) -> impl Iterator<Item = Vec<(String, String)>> + 'a {
    let lower = html.to_ascii_lowercase();
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            let open = at + lower.get(at..)?.find('<')?;
            if lower[open..].starts_with("<!--") {
                at = lower[open + 4..].find("-->").map_or(lower.len(), |end| open + 4 + end + 3);
                continue;
            }
            at = open + 1;
            let after = open + 1 + name.len();
            let named = lower[open + 1..].starts_with(name)
                && lower.as_bytes().get(after).is_some_and(|b| b.is_ascii_whitespace() || *b == b'/' || *b == b'>');
            if !named {
                continue;
            }
            let (attributes, end) = read_attributes(html, after)?;
            at = end;
            return Some(attributes);
        }
    })
}

/// The value of attribute `name` (case-insensitive), if present.
pub fn attribute(attributes: &[(String, String)], name: &str) -> Option<String> {
    attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

/// Reads attributes from `at` to the closing `>`; returns them (names
/// lowercased, values decoded) and where the tag ends. `None` if the tag
/// never closes.
fn read_attributes(html: &str, mut at: usize) -> Option<(Vec<(String, String)>, usize)> {
    let bytes = html.as_bytes();
    let mut attributes = Vec::new();
    loop {
        while bytes.get(at).is_some_and(|b| b.is_ascii_whitespace() || *b == b'/') {
            at += 1;
        }
        match bytes.get(at)? {
            b'>' => return Some((attributes, at + 1)),
            _ => {
                let start = at;
                while bytes.get(at).is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'/')) {
                    at += 1;
                }
                let name = html[start..at].to_ascii_lowercase();
                while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
                    at += 1;
                }
                let mut value = String::new();
                if bytes.get(at) == Some(&b'=') {
                    at += 1;
                    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
                        at += 1;
                    }
                    let raw = match bytes.get(at)? {
                        quote @ (b'"' | b'\'') => {
                            let end = at + 1 + html[at + 1..].find(*quote as char)?;
                            let raw = &html[at + 1..end];
                            at = end + 1;
                            raw
                        }
                        _ => {
                            let start = at;
                            while bytes.get(at).is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>') {
                                at += 1;
                            }
                            &html[start..at]
                        }
                    };
                    value = decode_references(raw);
                }
                if !name.is_empty() {
                    attributes.push((name, value));
                }
            }
        }
    }
}

/// Decodes the character references an attribute value can carry
/// (`&amp;`, `&#39;`, `&#x2F;`, …); anything unknown stays as written.
pub fn decode_references(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.find(';').filter(|&end| end <= 12);
        let decoded = end.and_then(|end| {
            let body = &rest[1..end];
            let c = match body {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "sol" => Some('/'),
                _ => match body.strip_prefix('#') {
                    Some(hex) if hex.starts_with(['x', 'X']) => {
                        u32::from_str_radix(&hex[1..], 16).ok().and_then(char::from_u32)
                    }
                    Some(decimal) => decimal.parse().ok().and_then(char::from_u32),
                    None => None,
                },
            }?;
            Some((c, end + 1))
        });
        match decoded {
            Some((c, length)) => {
                out.push(c);
                rest = &rest[length..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_decode() {
        assert_eq!(decode_references("a&amp;b&#39;c&#x2F;d&unknown;e&"), "a&b'c/d&unknown;e&");
    }

    #[test]
    fn attributes_in_any_quoting() {
        let all: Vec<_> = tags(r#"<a x="1" Y='2' z=3 flag>"#, "a").collect();
        assert_eq!(
            all,
            vec![vec![
                ("x".into(), "1".into()),
                ("y".into(), "2".into()),
                ("z".into(), "3".into()),
                ("flag".into(), String::new())
            ]]
        );
    }
}

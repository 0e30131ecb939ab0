//! A minimal unshort rule proving the `unshort-rule` kind loads and runs:
//! `marker` follows a page whose body contains `data-next="URL"`, reporting
//! the hop with method `Marker`; any other page has no next hop.

use waymark_plugin_sdk::unshort_rule::*;

/// What precedes the next hop's URL in the body.
const MARKER: &str = "data-next=\"";

pub struct Marker;

impl UnshortRule for Marker {
    fn rules() -> Vec<Provided> {
        vec![provided("marker", "Test: data-next marker")]
    }

    fn detect(response: &HopResponse) -> Result<Option<NextHop>, String> {
        let body = body_text(response);
        let Some(start) = body.find(MARKER).map(|i| i + MARKER.len()) else {
            return Ok(None);
        };
        // An unclosed attribute (e.g. cut off by the body prefix) is no hop.
        let Some(len) = body[start..].find('"') else {
            return Ok(None);
        };
        let url = &body[start..start + len];
        Ok((!url.is_empty()).then(|| next(url, "Marker")))
    }
}

waymark_plugin_sdk::register_unshort_rule!(Marker);
waymark_plugin_sdk::manifest!("../waymark.toml");

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: &str) -> HopResponse {
        HopResponse {
            url: "https://short.example/x".into(),
            status: 200,
            headers: vec![Header { name: "Content-Type".into(), value: "text/html".into() }],
            body_prefix: body.as_bytes().to_vec(),
            truncated: false,
        }
    }

    #[test]
    fn follows_the_marker() {
        let hop = Marker::detect(&response(r#"<div data-next="https://dest.example/page?a=1">go</div>"#))
            .unwrap()
            .expect("a next hop");
        assert_eq!(hop.url, "https://dest.example/page?a=1");
        assert_eq!(hop.method, "Marker");
    }

    #[test]
    fn no_marker_no_hop() {
        assert!(Marker::detect(&response("<html><body>plain page</body></html>")).unwrap().is_none());
        assert!(Marker::detect(&response(r#"<div data-next="https://cut.exa"#)).unwrap().is_none());
    }
}

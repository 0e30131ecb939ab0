//! `/counter`: a gallery of every installed theme (hot-loaded ones included)
//! and a form that builds the embed snippet for a badge.
//!
//! Previews come from `/counter/preview/{theme}.svg`, which draws a fixed
//! sample number without counting or metering; its output is cached per
//! theme and length, so it cannot be used to make the server render freely.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Html, Path, Query};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;

use super::render::{Renderer, Reuse, choose_theme};
use crate::counter::badge::{Badge, Mode};
use crate::plugins::Plugins;
use crate::plugins::counter_theme::Themes;

/// The number every preview shows.
const SAMPLE: u64 = 1_234_567;

pub struct Gallery {
    pub plugins: Arc<Plugins>,
    pub renderer: Arc<Renderer>,
    /// The configured public URL; `None`: the page's own origin.
    pub public_url: Option<String>,
}

#[derive(Deserialize)]
pub struct PreviewQuery {
    length: Option<u8>,
}

#[handler]
pub async fn page(gallery: poem::web::Data<&Arc<Gallery>>) -> Html<String> {
    Html(render_page(&Themes::of(&gallery.plugins).list(), gallery.public_url.as_deref()))
}

#[handler]
pub async fn preview(
    gallery: poem::web::Data<&Arc<Gallery>>,
    Path(file): Path<String>,
    Query(query): Query<PreviewQuery>,
) -> Response {
    let Some(key) = file.strip_suffix(".svg") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let themes = Themes::of(&gallery.plugins);
    let Some((theme, _)) = choose_theme(&themes, key).filter(|(theme, _)| theme == key) else {
        return (StatusCode::NOT_FOUND, "no such theme").into_response();
    };
    let length = query.length.unwrap_or(7).clamp(4, 12);
    let request = Badge {
        theme,
        value: SAMPLE,
        length,
        mode: Mode::Total,
        label: "preview".into(),
        animate: true,
        params: Vec::new(),
    };
    match gallery.renderer.render(&themes, request, 0, Reuse::Likely).await {
        Ok(image) => Response::builder()
            .content_type("image/svg+xml")
            .header("cache-control", "public, max-age=60")
            .body(image.bytes),
        Err(error) => (StatusCode::BAD_GATEWAY, error.to_string()).into_response(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// A JavaScript literal (string or `null`) safe inside `<script>`: JSON,
/// with `<` escaped so no `</script>` can end the element early.
fn js_string(text: Option<&str>) -> String {
    serde_json::to_string(&text).unwrap_or_else(|_| "null".into()).replace('<', "\\u003c")
}

fn render_page(themes: &[(String, String, String)], public_url: Option<&str>) -> String {
    let mut cards = String::new();
    let mut options = String::new();
    for (key, name, plugin) in themes {
        let (key, name, plugin) = (escape(key), escape(name), escape(plugin));
        cards.push_str(&format!(
            r#"<figure class="card" data-theme="{key}"><img src="/counter/preview/{key}.svg" alt="{name}" loading="lazy"><figcaption><code>{key}</code> {name}<br><small>{plugin}</small></figcaption></figure>"#
        ));
        let selected = if key == "gojo_board" { " selected" } else { "" };
        options.push_str(&format!(r#"<option value="{key}"{selected}>{key} — {name}</option>"#));
    }
    PAGE.replace("{{CARDS}}", &cards).replace("{{OPTIONS}}", &options).replace("{{BASE}}", &js_string(public_url))
}

const PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Waymark visit counter</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;background:#f6f8fa;color:#1f2328}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}.card,form{background:#161b22!important;border-color:#30363d!important}}
h1{margin-bottom:.2rem}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:1rem}
.card{margin:0;padding:1rem;background:#fff;border:1px solid #d0d7de;border-radius:8px;cursor:pointer}
.card img{max-width:100%;image-rendering:pixelated}form{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1rem;margin:1.5rem 0}
label{display:inline-block;margin:.3rem 1rem .3rem 0}input,select{font:inherit}textarea{width:100%;font-family:monospace;height:4.5rem}
</style></head><body>
<h1>Visit counter</h1><p>Every installed theme, including plugins loaded at run time. Click one to use it.</p>
<form id="f">
<label>site <input name="site" placeholder="example.com"></label>
<label>name <input name="name" value="demo"></label>
<label>theme <select name="theme">{{OPTIONS}}</select></label>
<label>mode <select name="mode"><option>daily</option><option>total</option></select></label>
<label>length <input name="length" type="number" min="4" max="12" value="7"></label>
<label>format <select name="format"><option>svg</option><option>png</option></select></label>
<p><img id="live" alt="preview"></p>
<p>URL<br><textarea id="url" readonly></textarea></p>
<p>Markdown<br><textarea id="md" readonly></textarea></p>
<p>HTML<br><textarea id="html" readonly></textarea></p>
</form>
<div class="grid">{{CARDS}}</div>
<script>
// The configured public URL, else the address this page was loaded from.
const base = {{BASE}} || window.location.origin;
const f = document.getElementById("f");
// namedItem, not f.elements[k]: f.elements.length is the number of fields.
const field = (k) => f.elements.namedItem(k);
function update() {
  const q = new URLSearchParams();
  for (const k of ["site","name","mode","theme","length","format"]) { const v = field(k).value.trim(); if (v) q.set(k, v); }
  const url = base + "/api/visits-counter?" + q.toString();
  document.getElementById("url").value = url;
  document.getElementById("md").value = "![visits](" + url + ")";
  document.getElementById("html").value = '<img src="' + url + '" alt="visits">';
  document.getElementById("live").src = "/counter/preview/" + encodeURIComponent(field("theme").value) + ".svg?length=" + encodeURIComponent(field("length").value);
}
f.addEventListener("input", update);
for (const card of document.querySelectorAll(".card")) card.addEventListener("click", () => { field("theme").value = card.dataset.theme; update(); window.scrollTo(0, 0); });
update();
</script></body></html>
"#;

#[cfg(test)]
mod tests {
    #[test]
    fn theme_names_are_escaped() {
        let page = super::render_page(&[("x".into(), "<script>".into(), "p".into())], Some("http://h"));
        assert!(!page.contains("<script>alert") && page.contains("&lt;script&gt;"));
    }

    #[test]
    fn the_base_url_is_a_script_literal_or_the_page_origin() {
        let page = super::render_page(&[], Some("https://x.example/a\"</script>"));
        assert!(page.contains(r#"const base = "https://x.example/a\"\u003c/script>" ||"#), "{page}");
        assert!(super::render_page(&[], None).contains("const base = null || window.location.origin;"));
    }
}

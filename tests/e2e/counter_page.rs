//! The `/counter` gallery and snippet builder, used in a real browser.

use crate::browser::Browser;
use crate::support::Server;

/// Where the snippets point; the browser never loads it (the boxes only show it).
const PUBLIC_URL: &str = "https://badges.example.org";

/// The three snippet boxes and the live preview, as the page shows them.
const STATE: &str = r#"(() => {
  const img = document.getElementById("live");
  return {
    url: document.getElementById("url").value,
    md: document.getElementById("md").value,
    html: document.getElementById("html").value,
    preview: img.getAttribute("src") || "",
    previewWidth: img.complete ? img.naturalWidth : 0,
  };
})()"#;

fn snippet_url(theme: &str) -> String {
    format!("{PUBLIC_URL}/api/visits-counter?name=demo&mode=daily&theme={theme}&length=7&format=svg")
}

#[tokio::test]
async fn snippet_builder_fills_its_boxes_and_switches_theme_on_a_click() {
    let server = Server::start_with(&[("WAYMARK_PUBLIC_URL", PUBLIC_URL)]).await;
    let mut browser = Browser::launch();
    browser.open(&server.url("/counter"));

    // On load: the boxes hold the default theme's snippets and the preview draws.
    let state = browser.wait_for(
        "the snippet boxes and a drawn preview after load",
        &format!("(() => {{ const s = {STATE}; return s.url && s.previewWidth > 0 ? s : null; }})()"),
    );
    let url = snippet_url("gojo_board");
    assert_eq!(state["url"], url.as_str(), "{state}");
    assert_eq!(state["md"], format!("![visits]({url})").as_str(), "{state}");
    assert_eq!(state["html"], format!(r#"<img src="{url}" alt="visits">"#).as_str(), "{state}");
    assert_eq!(state["preview"], "/counter/preview/gojo_board.svg?length=7", "{state}");

    // A click on another theme's card switches the snippets and the preview to it.
    browser.click(r#".card[data-theme="cursed_night"]"#);
    let state = browser.wait_for(
        "the snippets and a drawn preview of the clicked theme",
        &format!(
            "(() => {{ const s = {STATE}; return s.url.includes('theme=cursed_night') && s.preview.includes('cursed_night') && s.previewWidth > 0 ? s : null; }})()"
        ),
    );
    let url = snippet_url("cursed_night");
    assert_eq!(state["url"], url.as_str(), "{state}");
    assert_eq!(state["md"], format!("![visits]({url})").as_str(), "{state}");
    assert_eq!(state["html"], format!(r#"<img src="{url}" alt="visits">"#).as_str(), "{state}");
    assert_eq!(state["preview"], "/counter/preview/cursed_night.svg?length=7", "{state}");
    assert_eq!(browser.eval(r#"document.querySelector("select[name=theme]").value"#), "cursed_night");

    assert_eq!(browser.exceptions(), Vec::<String>::new(), "the page's script threw");
}

/// Without `public_url` the snippets use the address the page was opened at
/// (the listen address may be `0.0.0.0` or port 0, which no reader can use).
#[tokio::test]
async fn without_a_public_url_snippets_use_the_pages_own_origin() {
    let server = Server::start().await;
    let mut browser = Browser::launch();
    browser.open(&server.url("/counter"));
    let state = browser.wait_for(
        "the snippet boxes after load",
        &format!("(() => {{ const s = {STATE}; return s.url ? s : null; }})()"),
    );
    let expected = server.url("/api/visits-counter?name=demo&mode=daily&theme=gojo_board&length=7&format=svg");
    assert_eq!(state["url"], expected.as_str(), "{state}");
    assert_eq!(browser.exceptions(), Vec::<String>::new(), "the page's script threw");
}

//! Themes that draw their digits with SVG `<text>`: the PNG must show them
//! (the server bundles fonts), the admin preview rasterises too, and a
//! theme whose text no bundled font can draw is refused before it serves.

use crate::support::{Server, header, send, send_raw};

fn component(name: &str) -> Vec<u8> {
    waymark_test_artifacts::bytes(name)
}

/// A PNG decoded to (width, height, RGBA).
fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().expect("a PNG");
    let mut rgba = vec![0; reader.output_buffer_size().expect("sized")];
    let info = reader.next_frame(&mut rgba).expect("a frame");
    assert_eq!(info.color_type, png::ColorType::Rgba);
    rgba.truncate(info.buffer_size());
    (info.width, info.height, rgba)
}

/// Light pixels in the box `x0..x1, y0..y1` (1x coordinates, times `scale`).
fn light_pixels(png: &[u8], scale: u32, (x0, y0, x1, y1): (u32, u32, u32, u32)) -> usize {
    let (width, _, rgba) = decode(png);
    (y0 * scale..y1 * scale)
        .flat_map(|y| (x0 * scale..x1 * scale).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let i = ((y * width + x) * 4) as usize;
            rgba[i..i + 3].iter().map(|&c| u32::from(c)).sum::<u32>() > 3 * 160
        })
        .count()
}

/// Where the SDK template theme writes its digits: 16 px monospace from
/// x 12 on the baseline y 18, light on its dark default card.
const TEMPLATE_DIGITS: (u32, u32, u32, u32) = (12, 5, 80, 19);

async fn upload_template(server: &Server, token: &str) {
    let (status, body) = send(
        server
            .post("/api/admin/plugins")
            .bearer_auth(token)
            .header("content-type", "application/wasm")
            .body(component("template_theme")),
    )
    .await;
    assert_eq!(status, 200, "the SDK's template theme loads: {body}");
}

/// The defect: `format=png` of a `<text>` theme was the card without digits.
#[tokio::test]
async fn a_text_theme_png_shows_its_digits() {
    let server = Server::start_with(&[("WAYMARK_METERING__ENABLED", "false")]).await;
    let token = server.admin_token().await;
    upload_template(&server, &token).await;

    let response =
        send_raw(server.get("/api/visits-counter?theme=template&format=png&name=fonts&no_increment=1")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type").as_deref(), Some("image/png"));
    let png = response.bytes().await.unwrap();
    let (width, height, _) = decode(&png);
    assert_eq!((width, height), (24 + 10 * 7, 28));
    let digits = light_pixels(&png, 1, TEMPLATE_DIGITS);
    assert!(digits > 100, "the seven digits ink the text box: {digits} light pixels");
    assert!(!server.logs().contains("No match for"), "usvg found a font: {}", server.logs());
}

#[tokio::test]
async fn the_admin_preview_answers_png_at_a_scale() {
    let server = Server::start_with(&[("WAYMARK_METERING__ENABLED", "false")]).await;
    let token = server.admin_token().await;
    upload_template(&server, &token).await;

    for scale in [1u32, 3] {
        let path = format!("/api/admin/themes/template/preview?value=42&format=png&scale={scale}");
        let response = send_raw(server.get(&path).bearer_auth(&token)).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "content-type").as_deref(), Some("image/png"));
        let png = response.bytes().await.unwrap();
        let (width, height, _) = decode(&png);
        assert_eq!((width, height), ((24 + 10 * 7) * scale, 28 * scale), "{path}");
        let digits = light_pixels(&png, scale, TEMPLATE_DIGITS);
        assert!(digits as u32 > 100 * scale * scale, "{path}: {digits} light pixels where the digits are");
    }
    // The built-ins rasterise through the preview too; SVG stays the default.
    let response = send_raw(server.get("/api/admin/themes/plain/preview?format=png").bearer_auth(&token)).await;
    assert_eq!(header(&response, "content-type").as_deref(), Some("image/png"));
    let response = send_raw(server.get("/api/admin/themes/plain/preview").bearer_auth(&token)).await;
    assert_eq!(header(&response, "content-type").as_deref(), Some("image/svg+xml"));

    for bad in ["format=gif", "format=png&scale=0", "format=png&scale=5"] {
        let (status, body) =
            send(server.get(&format!("/api/admin/themes/template/preview?{bad}")).bearer_auth(&token)).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
}

/// `theme-tofu` writes CJK numerals no bundled font has: uploaded it gets a
/// 400 naming the character, dropped in the directory it is listed under
/// `failures`, and in neither case does it serve.
#[tokio::test]
async fn a_theme_whose_text_the_png_would_lose_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("theme_tofu.wasm"), component("theme_tofu")).unwrap();
    let server = Server::start_with(&[
        ("WAYMARK_PLUGINS__DIR", dir.path().to_str().unwrap()),
        ("WAYMARK_METERING__ENABLED", "false"),
    ])
    .await;
    let token = server.admin_token().await;

    let (status, body) = send(
        server
            .post("/api/admin/plugins")
            .bearer_auth(&token)
            .header("content-type", "application/wasm")
            .body(component("theme_tofu")),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let msg = body["msg"].as_str().unwrap();
    assert!(msg.contains("smoke test") && msg.contains("U+3007") && msg.contains("no bundled font"), "{msg}");

    let (status, list) = send(server.get("/api/admin/plugins").bearer_auth(&token)).await;
    assert_eq!(status, 200);
    let plugins = list["data"]["plugins"].as_array().unwrap();
    assert!(plugins.iter().all(|p| p["id"] != "test.theme-tofu"), "never serves: {list}");
    let failures = list["data"]["failures"].as_array().unwrap();
    let failure = failures
        .iter()
        .find(|f| f["origin"].as_str().unwrap().ends_with("theme_tofu.wasm"))
        .unwrap_or_else(|| panic!("the dropped file is listed as a failure: {list}"));
    assert!(failure["error"].as_str().unwrap().contains("no bundled font"), "{failure}");
}

//! SVG to PNG: the one place that parses and rasterises SVG with resvg, with
//! the bundled fonts ([`fonts`]), for PNG badges and the theme smoke test
//! ([`text_check`]).

pub mod fonts;
pub mod text_check;

use resvg::usvg::Tree;

#[derive(Debug, Clone, thiserror::Error)]
pub enum RasterError {
    #[error("the SVG does not parse: {0}")]
    Parse(String),
    #[error("the SVG has no area")]
    Empty,
    #[error("cannot allocate {0}x{1} pixels")]
    TooLarge(u32, u32),
    #[error("PNG encoding failed: {0}")]
    Encode(String),
}

/// Parses with the shared options (bundled fonts, `<text>` laid out).
pub fn parse(svg: &str) -> Result<Tree, RasterError> {
    Tree::from_str(svg, fonts::options()).map_err(|e| RasterError::Parse(e.to_string()))
}

/// SVG → PNG at `scale` times the SVG's own pixel size.
pub fn rasterise(svg: &str, scale: u8) -> Result<Vec<u8>, RasterError> {
    encode_png(draw(&parse(svg)?, scale)?)
}

/// The tree drawn onto a transparent pixmap at `scale`.
pub fn draw(tree: &Tree, scale: u8) -> Result<resvg::tiny_skia::Pixmap, RasterError> {
    let size = tree.size().to_int_size().scale_by(scale as f32).ok_or(RasterError::Empty)?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or(RasterError::TooLarge(size.width(), size.height()))?;
    let transform = resvg::tiny_skia::Transform::from_scale(scale as f32, scale as f32);
    resvg::render(tree, transform, &mut pixmap.as_mut());
    Ok(pixmap)
}

/// Encodes with the fast deflate: badges are flat colour, so it compresses
/// them nearly as well as the default at a fraction of the time (the
/// default took a third of a PNG request).
fn encode_png(pixmap: resvg::tiny_skia::Pixmap) -> Result<Vec<u8>, RasterError> {
    let (width, height) = (pixmap.width(), pixmap.height());
    let rgba = pixmap.take_demultiplied();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder
        .write_header()
        .and_then(|mut writer| writer.write_image_data(&rgba))
        .map_err(|e| RasterError::Encode(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes a PNG into (width, height, RGBA bytes).
    pub(crate) fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("sized")];
        let info = reader.next_frame(&mut buf).expect("a frame");
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    #[test]
    fn rasterises_at_each_scale() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="30" height="10"><rect width="30" height="10" fill="#f00"/></svg>"##;
        for scale in 1..=4u8 {
            let (width, height, _) = decode(&rasterise(svg, scale).unwrap());
            assert_eq!((width, height), (30 * scale as u32, 10 * scale as u32));
        }
    }

    /// The defect this module fixes: a badge whose digits are `<text>`
    /// rasterised to its background alone. Counts dark pixels inside the
    /// box the digits occupy on a white card.
    #[test]
    fn text_digits_are_inked_in_the_png() {
        for family in ["sans-serif", "serif", "monospace", "Verdana", "DejaVu Sans"] {
            let svg = format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="80" height="24"><rect width="80" height="24" fill="#fff"/><text x="4" y="18" font-family="{family}" font-size="16" fill="#000">0042</text></svg>"##
            );
            let (width, _, rgba) = decode(&rasterise(&svg, 1).unwrap());
            // The digits sit between x 4..~44 and y ~6..18.
            let inked = (6..19u32)
                .flat_map(|y| (4..48u32).map(move |x| (x, y)))
                .filter(|&(x, y)| rgba[((y * width + x) * 4) as usize] < 128)
                .count();
            assert!(inked > 40, "{family}: only {inked} dark pixels where the digits are");
        }
    }
}

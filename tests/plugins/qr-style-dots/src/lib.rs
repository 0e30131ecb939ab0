//! A minimal QR style proving the `qr-style` kind loads and runs: `dots`
//! draws every dark module as a circle on a 10-pixel grid, the quiet zone
//! included, so the image is `(size + 2 * quiet_zone) * 10` pixels square.
//! The logo and request parameters are ignored.

use waymark_plugin_sdk::qr_style::*;
use waymark_plugin_sdk::svg::{Element, Svg};

/// Pixels per module.
const CELL: u32 = 10;

pub struct Dots;

impl QrStyle for Dots {
    fn styles() -> Vec<Provided> {
        vec![provided("dots", "Test: dots")]
    }

    fn render(input: &QrInput) -> Result<RenderedQr, String> {
        let expected = u64::from(input.size) * u64::from(input.size);
        if input.modules.len() as u64 != expected {
            return Err(format!("expected {expected} modules, got {}", input.modules.len()));
        }
        let side = input
            .quiet_zone
            .checked_mul(2)
            .and_then(|q| q.checked_add(input.size))
            .and_then(|n| n.checked_mul(CELL))
            .ok_or("code too large")?;

        let mut svg = Svg::new(side, side);
        svg.push(
            Element::new("rect")
                .attr_num("width", side as f64)
                .attr_num("height", side as f64)
                .attr("fill", &input.background),
        );
        let mut dots = Element::new("g").attr("fill", &input.foreground);
        for y in 0..input.size {
            for x in 0..input.size {
                if is_dark(input, x, y) {
                    let center = |i: u32| ((input.quiet_zone + i) * CELL) as f64 + CELL as f64 / 2.0;
                    dots.push(
                        Element::new("circle").attr_num("cx", center(x)).attr_num("cy", center(y)).attr_num("r", 4.5),
                    );
                }
            }
        }
        svg.push(dots);
        Ok(RenderedQr { svg: svg.finish(), width: side, height: side })
    }
}

waymark_plugin_sdk::register_qr_style!(Dots);
waymark_plugin_sdk::manifest!("../waymark.toml");

#[cfg(test)]
mod tests {
    use super::*;

    fn input(size: u32, modules: Vec<bool>) -> QrInput {
        QrInput {
            style: "dots".into(),
            size,
            modules,
            quiet_zone: 4,
            foreground: "#000000".into(),
            background: "#ffffff".into(),
            logo: None,
            params: vec![],
        }
    }

    #[test]
    fn one_circle_per_dark_module_and_the_quiet_zone_in_the_size() {
        // 3×3 with the diagonal dark.
        let modules = (0..9).map(|i| i % 4 == 0).collect();
        let out = Dots::render(&input(3, modules)).unwrap();
        assert_eq!((out.width, out.height), (110, 110));
        assert!(out.svg.starts_with("<svg") && out.svg.ends_with("</svg>"), "{}", out.svg);
        assert_eq!(out.svg.matches("<circle").count(), 3, "{}", out.svg);
        assert!(out.svg.contains(r#"cx="45" cy="45""#), "first module sits after the quiet zone: {}", out.svg);
    }

    #[test]
    fn refuses_a_matrix_of_the_wrong_length() {
        assert!(Dots::render(&input(3, vec![true; 8])).is_err());
    }
}

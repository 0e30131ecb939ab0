//! QR styles: draw a QR code's module matrix as SVG.

#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit/since_v0.1.0",
        world: "qr-style-plugin",
        pub_export_macro: true,
        default_bindings_module: "waymark_plugin_sdk::qr_style::bindings",
    });
}

pub use bindings::exports::waymark::plugin::qr_style::{Logo, QrInput, RenderedQr};
pub use bindings::waymark::plugin::types::{LogLevel, Param, Provided};

/// A plugin that draws one or more QR styles.
pub trait QrStyle {
    /// The styles this plugin draws: their keys and display names.
    fn styles() -> Vec<Provided>;

    /// Draws `input.modules` in style `input.style`.
    fn render(input: &QrInput) -> Result<RenderedQr, String>;
}

shared_helpers!(param: QrInput);

/// Whether the module in column `x`, row `y` (from the top left, quiet zone
/// excluded) is dark. Positions outside the matrix are light, like the quiet
/// zone around it.
pub fn is_dark(input: &QrInput, x: u32, y: u32) -> bool {
    if x >= input.size || y >= input.size {
        return false;
    }
    let index = y as usize * input.size as usize + x as usize;
    input.modules.get(index).copied().unwrap_or(false)
}

/// Registers a [`QrStyle`] implementation as the plugin's export.
#[macro_export]
macro_rules! register_qr_style {
    ($style:ty) => {
        #[doc(hidden)]
        pub struct __WaymarkQrStyle;

        impl $crate::qr_style::bindings::exports::waymark::plugin::qr_style::Guest for __WaymarkQrStyle {
            fn describe() -> ::std::vec::Vec<$crate::qr_style::Provided> {
                <$style as $crate::qr_style::QrStyle>::styles()
            }

            fn render(
                input: $crate::qr_style::QrInput,
            ) -> ::std::result::Result<$crate::qr_style::RenderedQr, ::std::string::String> {
                <$style as $crate::qr_style::QrStyle>::render(&input)
            }
        }

        // Only a WebAssembly build exports the world; natively (unit tests,
        // benchmarks) the plugin is an ordinary Rust library.
        #[cfg(target_arch = "wasm32")]
        $crate::qr_style::bindings::export!(__WaymarkQrStyle);
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_dark_reads_the_matrix_row_major_and_outside_is_light() {
        // 2×2: dark top left and bottom left.
        let input = QrInput {
            style: "s".into(),
            size: 2,
            modules: vec![true, false, true, false],
            quiet_zone: 4,
            foreground: "#000000".into(),
            background: "#ffffff".into(),
            logo: None,
            params: vec![],
        };
        assert!(is_dark(&input, 0, 0));
        assert!(!is_dark(&input, 1, 0));
        assert!(is_dark(&input, 0, 1));
        assert!(!is_dark(&input, 1, 1));
        assert!(!is_dark(&input, 2, 0) && !is_dark(&input, 0, 2) && !is_dark(&input, u32::MAX, u32::MAX));
    }
}

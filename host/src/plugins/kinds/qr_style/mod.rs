//! QR styles: a plugin draws a QR code's module matrix as SVG; the host
//! checks the document (size, markup) before anyone sees it.
//!
//! No product serves QR codes yet; the QR-code product will reach styles
//! through [`QrStyles`] and [`QrStyleHandle::draw`], never the registry.

mod bindings;

use std::sync::Arc;

use self::bindings::v0_1::QrStylePlugin;
use self::bindings::v0_1::exports::waymark::plugin::qr_style as wit;
use crate::plugins::error::CallError;
use crate::plugins::kind::{ApiVersion, Pending, PluginKind, PooledWorld, reported};
use crate::plugins::pool::Pooled;
use crate::plugins::registry::{Loaded, Registry};
use crate::plugins::service::Plugins;
use crate::plugins::svg_check;

type StylePlugin = Pooled<QrStylePlugin>;

/// The manifest's `kind` for QR styles.
pub const KIND: &str = "qr-style";

/// Largest matrix a style is asked to draw: version 40 is 177 modules a side.
pub const MAX_MODULES_PER_SIDE: u32 = 177;

/// The QR-style kind.
pub struct QrStyleKind;

/// The API versions that load, oldest first: the only list of them.
static VERSIONS: &[ApiVersion] =
    &[ApiVersion { version: "0.1.0", prepare: |c| Ok(Box::new(c.pool::<QrStylePlugin>()?)) }];

impl PluginKind for QrStyleKind {
    fn name(&self) -> &'static str {
        KIND
    }

    fn listing(&self) -> &'static str {
        "styles()"
    }

    fn versions(&self) -> &'static [ApiVersion] {
        VERSIONS
    }
}

impl PooledWorld for QrStylePlugin {
    /// The listing is the smoke test's counted call; each style then draws
    /// a sample matrix as its instances' warm-up (not counted), and its
    /// output must pass the same check as every later drawing.
    fn smoke_test<'a>(
        pool: &'a StylePlugin,
        id: &'a str,
        provided: &'a [(String, String)],
    ) -> Pending<'a, Result<(), CallError>> {
        Box::pin(async move {
            for (style, _) in provided {
                let request = QrRequest::sample(style);
                let output = pool.call_unrecorded(move |b, s| render(b, s, &request)).await?;
                checked(id, output)?;
            }
            Ok(())
        })
    }
}

/// A square matrix of modules, row-major, dark = `true`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    size: u32,
    modules: Vec<bool>,
}

impl QrMatrix {
    /// `None` unless `modules` has `size * size` entries and `size` is
    /// 1..=[`MAX_MODULES_PER_SIDE`].
    pub fn new(size: u32, modules: Vec<bool>) -> Option<Self> {
        let square = u64::from(size) * u64::from(size) == modules.len() as u64;
        (square && (1..=MAX_MODULES_PER_SIDE).contains(&size)).then_some(Self { size, modules })
    }

    pub fn size(&self) -> u32 {
        self.size
    }
}

/// An image placed in the middle of the code, already checked and
/// re-encoded by the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrLogo {
    /// `data:image/png;base64,…`
    pub data_uri: String,
    pub width: u32,
    pub height: u32,
}

/// One QR code to draw.
#[derive(Debug, Clone)]
pub struct QrRequest {
    pub style: String,
    pub matrix: QrMatrix,
    /// Light modules around the code, on every side.
    pub quiet_zone: u32,
    /// CSS colours, e.g. `#000000`.
    pub foreground: String,
    pub background: String,
    pub logo: Option<QrLogo>,
    pub params: Vec<(String, String)>,
}

impl QrRequest {
    /// What the load-time smoke test draws with every style: a 21×21
    /// (version 1) checkerboard, black on white, standard quiet zone.
    pub fn sample(style: &str) -> Self {
        let modules = (0..21 * 21).map(|i| (i / 21 + i % 21) % 2 == 0).collect();
        Self {
            style: style.to_string(),
            matrix: QrMatrix { size: 21, modules },
            quiet_zone: 4,
            foreground: "#000000".into(),
            background: "#ffffff".into(),
            logo: None,
            params: Vec::new(),
        }
    }
}

/// A style's checked drawing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawnQr {
    pub svg: String,
    pub width: u32,
    pub height: u32,
}

/// The enabled QR styles.
pub struct QrStyles<'a> {
    registry: &'a Registry,
}

impl<'a> QrStyles<'a> {
    pub fn of(plugins: &'a Plugins) -> Self {
        Self { registry: plugins.registry() }
    }

    /// The style `key`, if an enabled plugin draws it.
    pub fn get(&self, key: &str) -> Option<QrStyleHandle> {
        let loaded = self.registry.provider(KIND, key)?;
        Some(QrStyleHandle { loaded })
    }

    /// Every enabled style: (key, display name), sorted by key.
    pub fn list(&self) -> Vec<(String, String)> {
        let all = self.registry.providers(KIND).into_iter();
        all.map(|(key, loaded)| {
            let name = loaded.name_of(&key).unwrap_or_default().to_string();
            (key, name)
        })
        .collect()
    }
}

/// One enabled style's plugin version.
pub struct QrStyleHandle {
    loaded: Arc<Loaded>,
}

impl QrStyleHandle {
    /// Draws `request.matrix` in `request.style`, checked.
    pub async fn draw(&self, request: &QrRequest) -> Result<DrawnQr, CallError> {
        let id = &self.loaded.manifest.id;
        let plugin =
            self.loaded.plugin::<StylePlugin>().ok_or_else(|| CallError::NotProvided(request.style.clone()))?;
        let request = request.clone();
        let output = plugin.call(move |b, s| render(b, s, &request)).await?;
        let drawn = checked(id, output);
        if let Err(error) = &drawn {
            plugin.record_invalid(error);
        }
        drawn
    }
}

/// The plugin's `render` on the generated types.
fn render<'a>(
    bindings: &'a QrStylePlugin,
    store: &'a mut wasmtime::Store<crate::plugins::runtime::Sandbox>,
    request: &QrRequest,
) -> crate::plugins::pool::BoxFuture<'a, Result<wit::RenderedQr, String>> {
    let input = wit::QrInput {
        style: request.style.clone(),
        size: request.matrix.size,
        modules: request.matrix.modules.clone(),
        quiet_zone: request.quiet_zone,
        foreground: request.foreground.clone(),
        background: request.background.clone(),
        logo: request.logo.as_ref().map(|logo| wit::Logo {
            data_uri: logo.data_uri.clone(),
            width: logo.width,
            height: logo.height,
        }),
        params: request
            .params
            .iter()
            .map(|(name, value)| bindings::v0_1::waymark::plugin::types::Param {
                name: name.clone(),
                value: value.clone(),
            })
            .collect(),
    };
    Box::pin(async move { bindings.waymark_plugin_qr_style().call_render(store, &input).await })
}

/// A drawing passes the check every plugin SVG passes.
fn checked(id: &str, output: Result<wit::RenderedQr, String>) -> Result<DrawnQr, CallError> {
    let drawn = output.map_err(|detail| reported(id, &detail))?;
    svg_check::check_document(&drawn.svg, drawn.width, drawn.height)
        .map_err(|detail| CallError::InvalidOutput { plugin: id.to_string(), detail })?;
    Ok(DrawnQr { svg: drawn.svg, width: drawn.width, height: drawn.height })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn(svg: &str, side: u32) -> Result<wit::RenderedQr, String> {
        Ok(wit::RenderedQr { svg: svg.into(), width: side, height: side })
    }

    /// The fixture `qr-style-dots` loads, draws a matrix that passes the
    /// SVG check, counts the call, and a newer version replaces it.
    #[tokio::test]
    async fn the_fixture_loads_draws_and_hot_swaps() {
        use crate::plugins::{PluginsConfig, Registry, Source};
        let bytes = waymark_test_artifacts::bytes("qr-style-dots");
        let registry = Registry::new(PluginsConfig::default()).unwrap();
        let first = registry.prepare(bytes.clone(), Source::Directory, "dots-1", 1).await.unwrap();
        registry.install(first);
        let styles = QrStyles { registry: &registry };
        assert_eq!(styles.list(), [("dots".to_string(), "Test: dots".to_string())]);

        let matrix = QrMatrix::new(3, (0..9).map(|i| i % 4 == 0).collect()).unwrap();
        let request = QrRequest { matrix, ..QrRequest::sample("dots") };
        let drawn = styles.get("dots").unwrap().draw(&request).await.unwrap();
        assert_eq!((drawn.width, drawn.height), (110, 110), "(3 + 2 * 4) * 10 pixels");
        assert_eq!(drawn.svg.matches("<circle").count(), 3, "{}", drawn.svg);
        let (statuses, _) = registry.statuses();
        assert_eq!(statuses[0].calls, 2, "the listing and one draw (warm-up calls are not counted)");

        let second = registry.prepare(bytes, Source::Upload, "upload", 2).await.unwrap();
        registry.install(second);
        let (statuses, _) = registry.statuses();
        assert_eq!(statuses[0].source, Source::Upload, "the newer version serves");
        assert!(styles.get("dots").unwrap().draw(&request).await.is_ok());
        assert!(styles.get("nope").is_none());
    }

    #[test]
    fn a_matrix_must_be_square_and_not_too_large() {
        assert!(QrMatrix::new(2, vec![true; 4]).is_some());
        assert!(QrMatrix::new(2, vec![true; 3]).is_none());
        assert!(QrMatrix::new(0, vec![]).is_none());
        let side = MAX_MODULES_PER_SIDE + 1;
        assert!(QrMatrix::new(side, vec![false; (side * side) as usize]).is_none());
    }

    #[test]
    fn the_sample_is_a_version_1_checkerboard() {
        let sample = QrRequest::sample("dots");
        assert_eq!(sample.matrix.size(), 21);
        assert_eq!(sample.matrix.modules.iter().filter(|dark| **dark).count(), 221);
    }

    #[test]
    fn drawings_pass_the_svg_check_or_are_refused() {
        assert!(checked("p", drawn("<svg><circle r=\"1\"/></svg>", 290)).is_ok());
        let bad = checked("p", drawn("<svg><circle></svg>", 290)).unwrap_err();
        assert!(matches!(bad, CallError::InvalidOutput { .. }), "{bad}");
        assert!(checked("p", drawn("<svg/>", 0)).is_err(), "a zero size");
        assert!(checked("p", drawn("<svg/>", svg_check::MAX_SIDE + 1)).is_err());
        let refused = checked("p", Err("no".into())).unwrap_err();
        assert!(matches!(refused, CallError::Reported { .. }), "{refused}");
    }
}

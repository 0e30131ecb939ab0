//! Checks a plugin's `waymark.toml` the way the server does, so a typo in
//! a key fails `cargo test` in the plugin's own crate, not only the upload.
//!
//! Enable the `manifest-check` feature for tests only (it adds `serde` and
//! `toml`, which the component itself does not need):
//!
//! ```toml
//! [dev-dependencies]
//! waymark-plugin-sdk = { path = "…", features = ["counter-theme", "manifest-check"] }
//! ```
//!
//! and test the file the `manifest!` macro embeds:
//!
//! ```ignore
//! #[test]
//! fn manifest_is_valid() {
//!     waymark_plugin_sdk::manifest::check(include_str!("../waymark.toml")).unwrap();
//! }
//! ```
//!
//! The rules mirror the server's (`host/src/plugins/manifest.rs`); a shared
//! list of good and bad manifests (`plugin-sdk/tests/manifests/`) is tested
//! against both, so they cannot drift apart unnoticed.

use serde::Deserialize;

/// The plugin API versions the server loads, per kind, oldest first (the
/// server's `SUPPORTED_APIS`).
pub const SUPPORTED_APIS: &[(&str, &[&str])] = &[
    ("counter-theme", &["0.1.0", "0.2.0"]),
    ("qr-style", &["0.1.0"]),
    ("unshort-rule", &["0.1.0"]),
    ("analytics-enricher", &["0.1.0"]),
];

/// A manifest that passed every check the server makes before running a
/// plugin.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Format of the file; 1 today.
    pub manifest_version: u32,
    /// Unique id; the same id as a built-in plugin replaces it.
    pub id: String,
    pub version: String,
    /// `counter-theme`, `qr-style`, `unshort-rule` or `analytics-enricher`.
    pub kind: String,
    /// The kind's WIT API version, e.g. `0.2.0` for counter themes.
    pub api: String,
    /// Every key the plugin's listing (`themes()`, `styles()`, `rules()`,
    /// `enrichers()`) returns.
    pub provides: Vec<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub limits: Limits,
    /// Analytics enrichers only: the event fields the plugin looks at (see
    /// [`READABLE`]). The others reach it empty and the server caches its
    /// answers by these, so declare every field `enrich` reads. Absent:
    /// every field, no cache.
    #[serde(default)]
    pub reads: Option<Vec<String>>,
}

/// The event fields `reads` may name (the server's `READABLE`).
pub const READABLE: &[&str] = &[
    "site_id",
    "session_id",
    "user_id",
    "ip",
    "user_agent",
    "url",
    "referrer",
    "screen",
    "event_type",
    "event_value",
    "geo",
];

/// What a plugin asks for; the operator's configuration caps it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub memory_mib: Option<u32>,
    pub timeout_ms: Option<u32>,
}

/// Why a manifest would be refused, in the words the server would use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// Not TOML, an unknown key, or a value of the wrong type.
    #[error("manifest: {0}")]
    Syntax(String),
    /// Well-formed but refused by a rule (version, id, api, provides).
    #[error("manifest: {0}")]
    Rule(String),
    /// Valid, but not what the plugin in this crate is (see the kind
    /// modules' `check_manifest`).
    #[error("manifest: {0}")]
    Mismatch(String),
}

/// Parses and checks a manifest's text exactly as the server will.
pub fn check(text: &str) -> Result<Manifest, ManifestError> {
    let manifest: Manifest = toml::from_str(text).map_err(|e| ManifestError::Syntax(e.message().to_string()))?;
    let bad = |message: String| Err(ManifestError::Rule(message));
    if manifest.manifest_version != 1 {
        return bad(format!("manifest_version {} is not supported (expected 1)", manifest.manifest_version));
    }
    let id_ok = !manifest.id.is_empty()
        && manifest.id.len() <= 64
        && manifest.id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !id_ok {
        return bad("id must be 1-64 characters of a-z, 0-9, '.', '-', '_'".into());
    }
    let Some((_, supported)) = SUPPORTED_APIS.iter().find(|(kind, _)| *kind == manifest.kind) else {
        let kinds: Vec<&str> = SUPPORTED_APIS.iter().map(|(kind, _)| *kind).collect();
        return Err(ManifestError::Syntax(format!(
            "unknown variant `{}`, expected one of {}",
            manifest.kind,
            kinds.join(", ")
        )));
    };
    if !supported.contains(&manifest.api.as_str()) {
        return bad(format!(
            "api {} is not supported for {} plugins (this host loads {})",
            manifest.api,
            manifest.kind,
            supported.join(", ")
        ));
    }
    if manifest.provides.is_empty() {
        return bad("provides must name at least one key".into());
    }
    for key in &manifest.provides {
        let ok = !key.is_empty()
            && key.len() <= 64
            && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
        if !ok {
            return bad(format!("provided key `{key}` must be 1-64 characters of a-z, 0-9, '-', '_'"));
        }
    }
    if let Some(reads) = &manifest.reads {
        if manifest.kind != "analytics-enricher" {
            return bad("reads is for analytics-enricher plugins only".into());
        }
        if let Some(unknown) = reads.iter().find(|field| !READABLE.contains(&field.as_str())) {
            return bad(format!("reads names `{unknown}`; an event has {}", READABLE.join(", ")));
        }
    }
    Ok(manifest)
}

/// [`check`], then that the manifest describes the plugin this crate
/// builds: its `kind`, the `api` this SDK builds that kind against, and
/// `provides` equal to the keys its `listing` (e.g. `themes()`) returns —
/// the server's smoke test refuses the plugin otherwise.
pub fn check_plugin(
    text: &str,
    kind: &str,
    api: &str,
    listing: &str,
    keys: impl IntoIterator<Item = String>,
) -> Result<Manifest, ManifestError> {
    let manifest = check(text)?;
    let mismatch = |message: String| Err(ManifestError::Mismatch(message));
    if manifest.kind != kind {
        return mismatch(format!("kind is {} but this crate builds a {kind} plugin", manifest.kind));
    }
    if manifest.api != api {
        return mismatch(format!("api is {} but this SDK builds {kind} plugins against {api}", manifest.api));
    }
    let listed: std::collections::BTreeSet<String> = keys.into_iter().collect();
    let declared: std::collections::BTreeSet<String> = manifest.provides.iter().cloned().collect();
    if listed != declared {
        return mismatch(format!("{listing} lists {listed:?} but the manifest provides {declared:?}"));
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shared fixtures: every `good/*.toml` passes, every `bad/*.toml`
    /// fails (the server's tests read the same files).
    #[test]
    fn agrees_with_the_shared_fixtures() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/manifests");
        for (folder, good) in [("good", true), ("bad", false)] {
            let mut seen = 0;
            for entry in std::fs::read_dir(root.join(folder)).unwrap() {
                let path = entry.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                assert_eq!(check(&text).is_ok(), good, "{}: {:?}", path.display(), check(&text));
                seen += 1;
            }
            assert!(seen >= 3, "fixtures in {folder}");
        }
    }

    const GOOD: &str = r#"
        manifest_version = 1
        id = "me.neon"
        version = "0.1.0"
        kind = "counter-theme"
        api = "0.2.0"
        provides = ["neon"]
    "#;

    #[test]
    fn an_unknown_key_is_named() {
        let error = check(&format!("{GOOD}\ncolour = \"blue\"")).unwrap_err().to_string();
        assert!(error.contains("colour"), "{error}");
    }

    #[test]
    fn the_plugin_must_match_its_manifest() {
        let keys = |k: &[&str]| k.iter().map(|k| k.to_string()).collect::<Vec<_>>();
        assert!(check_plugin(GOOD, "counter-theme", "0.2.0", "themes()", keys(&["neon"])).is_ok());
        let error = check_plugin(GOOD, "counter-theme", "0.2.0", "themes()", keys(&["neon", "glow"])).unwrap_err();
        assert!(error.to_string().contains("themes() lists"), "{error}");
        assert!(check_plugin(GOOD, "qr-style", "0.1.0", "styles()", keys(&["neon"])).is_err());
        let old = GOOD.replace("0.2.0", "0.1.0");
        assert!(check(&old).is_ok(), "the server still loads 0.1.0 themes");
        assert!(check_plugin(&old, "counter-theme", "0.2.0", "themes()", keys(&["neon"])).is_err());
    }
}

//! A plugin's manifest: TOML embedded in the component's custom section
//! `waymark-manifest` (the SDK's `manifest!` macro puts it there), so one
//! `.wasm` file is a complete plugin. Unknown keys are refused, so a typo
//! never silently means "default".

use serde::{Deserialize, Serialize};

use super::error::LoadError;
use super::kind::unsupported_api;
use super::kinds;

pub const SECTION: &str = "waymark-manifest";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Format of this file; 1 today.
    pub manifest_version: u32,
    /// Reverse-DNS-ish unique id, e.g. `example.neon-themes`.
    pub id: String,
    pub version: String,
    /// One of the kinds in [`kinds::ALL`], e.g. `counter-theme`.
    pub kind: String,
    /// The WIT API version the plugin was built against, e.g. `0.1.0`.
    pub api: String,
    /// What it provides: theme keys, QR style keys, rule keys, enricher keys.
    pub provides: Vec<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub limits: RequestedLimits,
    /// Analytics enrichers only: the event fields the plugin looks at
    /// ([`READABLE`]). The others reach it empty, so its answer depends on
    /// these alone and the host caches it by them. Absent: every field, no
    /// cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reads: Option<Vec<String>>,
}

/// The event fields an enricher's `reads` may name (the WIT `event`'s, in
/// snake case).
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestedLimits {
    pub memory_mib: Option<u32>,
    pub timeout_ms: Option<u32>,
}

impl Manifest {
    /// Reads and checks the manifest embedded in a component's bytes.
    pub fn from_component(bytes: &[u8]) -> Result<Manifest, LoadError> {
        let text = embedded_section(bytes)?
            .ok_or_else(|| LoadError::Manifest(format!("no `{SECTION}` section (use the SDK's manifest! macro)")))?;
        let text = std::str::from_utf8(&text).map_err(|_| LoadError::Manifest("not UTF-8".into()))?;
        let manifest: Manifest = toml::from_str(text).map_err(|e| LoadError::Manifest(e.message().to_string()))?;
        manifest.check()?;
        Ok(manifest)
    }

    fn check(&self) -> Result<(), LoadError> {
        let bad = |m: String| Err(LoadError::Manifest(m));
        if self.manifest_version != 1 {
            return bad(format!("manifest_version {} is not supported (expected 1)", self.manifest_version));
        }
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 64
            && self.id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !id_ok {
            return bad("id must be 1-64 characters of a-z, 0-9, '.', '-', '_'".into());
        }
        let Some(kind) = kinds::find(&self.kind) else {
            let known: Vec<&str> = kinds::ALL.iter().map(|kind| kind.name()).collect();
            return bad(format!("unknown variant `{}`, expected one of {}", self.kind, known.join(", ")));
        };
        let supported = kind.supported_apis();
        if !supported.contains(&self.api.as_str()) {
            return bad(unsupported_api(kind.name(), &self.api, &supported));
        }
        if self.provides.is_empty() {
            return bad("provides must name at least one key".into());
        }
        for key in &self.provides {
            let ok = !key.is_empty()
                && key.len() <= 64
                && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
            if !ok {
                return bad(format!("provided key `{key}` must be 1-64 characters of a-z, 0-9, '-', '_'"));
            }
        }
        if let Some(reads) = &self.reads {
            if self.kind != "analytics-enricher" {
                return bad("reads is for analytics-enricher plugins only".into());
            }
            if let Some(unknown) = reads.iter().find(|field| !READABLE.contains(&field.as_str())) {
                return bad(format!("reads names `{unknown}`; an event has {}", READABLE.join(", ")));
            }
        }
        Ok(())
    }
}

/// The manifest section, looked for in the component and the core modules
/// nested inside it (where the Rust toolchain leaves custom sections).
fn embedded_section(bytes: &[u8]) -> Result<Option<Vec<u8>>, LoadError> {
    if !wasmparser::Parser::is_component(bytes) {
        return Err(LoadError::NotAComponent("expected a component (build for wasm32-wasip2)".into()));
    }
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|e| LoadError::NotAComponent(e.to_string()))?;
        if let wasmparser::Payload::CustomSection(section) = payload
            && section.name() == SECTION
        {
            return Ok(Some(section.data().to_vec()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Manifest, LoadError> {
        let m: Manifest = toml::from_str(text).map_err(|e| LoadError::Manifest(e.to_string()))?;
        m.check()?;
        Ok(m)
    }

    const GOOD: &str = r#"
        manifest_version = 1
        id = "example.neon"
        version = "1.0.0"
        kind = "counter-theme"
        api = "0.1.0"
        provides = ["neon"]
    "#;

    #[test]
    fn accepts_a_good_manifest() {
        let m = parse(GOOD).unwrap();
        assert_eq!(m.kind, "counter-theme");
        assert_eq!(m.provides, ["neon"]);
    }

    #[test]
    fn refuses_unknown_keys_and_bad_values() {
        assert!(parse(&format!("{GOOD}\ncolour = 1")).is_err(), "unknown key");
        assert!(parse(&GOOD.replace("0.1.0", "9.0.0")).is_err(), "unsupported api");
        assert!(parse(&GOOD.replace("example.neon", "bad id!")).is_err());
        assert!(parse(&GOOD.replace("[\"neon\"]", "[]")).is_err());
        assert!(parse(&GOOD.replace("counter-theme", "screensaver")).is_err());
    }

    /// Kinds are versioned one by one: 0.2.0 exists only for counter themes.
    #[test]
    fn api_versions_are_per_kind() {
        assert!(parse(&GOOD.replace("0.1.0", "0.2.0")).is_ok());
        let qr = GOOD.replace("counter-theme", "qr-style");
        assert!(parse(&qr).is_ok());
        let error = parse(&qr.replace("0.1.0", "0.2.0")).unwrap_err().to_string();
        assert!(error.contains("not supported for qr-style plugins"), "{error}");
    }

    /// A version newer than the kind's table is refused, naming what loads
    /// (no version silently runs as another).
    #[test]
    fn an_unknown_version_is_refused_naming_the_supported_ones() {
        let error = parse(&GOOD.replace("0.1.0", "0.3.0")).unwrap_err().to_string();
        assert!(error.contains("api 0.3.0 is not supported for counter-theme plugins"), "{error}");
        assert!(error.contains("this host loads 0.1.0, 0.2.0"), "{error}");
    }

    /// The fixtures the SDK's `manifest::check` is tested with: this host
    /// and the SDK agree on each, and each is what its folder says.
    #[test]
    fn agrees_with_the_sdk_on_the_shared_fixtures() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugin-sdk/tests/manifests");
        for (folder, good) in [("good", true), ("bad", false)] {
            let mut seen = 0;
            for entry in std::fs::read_dir(root.join(folder)).unwrap() {
                let path = entry.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                let ours = parse(&text);
                let sdk = waymark_plugin_sdk::manifest::check(&text);
                assert_eq!(ours.is_ok(), good, "{}: {ours:?}", path.display());
                assert_eq!(sdk.is_ok(), good, "{}: the SDK says {sdk:?}", path.display());
                seen += 1;
            }
            assert!(seen >= 3, "fixtures in {folder}");
        }
    }

    /// The SDK's list of loadable API versions is this host's.
    #[test]
    fn the_sdk_knows_the_supported_apis() {
        let ours: Vec<(&str, Vec<&str>)> = kinds::ALL.iter().map(|kind| (kind.name(), kind.supported_apis())).collect();
        let sdk: Vec<(&str, Vec<&str>)> =
            waymark_plugin_sdk::manifest::SUPPORTED_APIS.iter().map(|(kind, apis)| (*kind, apis.to_vec())).collect();
        assert_eq!(ours, sdk);
    }

    #[test]
    fn refuses_core_modules_and_garbage() {
        assert!(matches!(Manifest::from_component(b"not wasm"), Err(LoadError::NotAComponent(_))));
        let core_module = b"\0asm\x01\0\0\0";
        assert!(matches!(Manifest::from_component(core_module), Err(LoadError::NotAComponent(_))));
    }
}

//! What the two build scripts that make WebAssembly components share: the
//! host's (the built-in plugins it embeds) and the test-artifacts crate's
//! (the fixtures only tests load).
//!
//! Both build crates of the plugin workspace (`plugins/Cargo.toml`) into one
//! target directory next to the host's own, so a crate both need is compiled
//! once, whichever profile (or clippy) asked for it.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The plugins' target.
pub const TARGET: &str = "wasm32-wasip2";

/// The repository root, from a crate `depth` directories below it.
pub fn repository_root(depth: usize) -> PathBuf {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    manifest_dir.ancestors().nth(depth).expect("the crate lies inside the repository").to_path_buf()
}

/// Directories directly under `dir` that hold a crate, sorted.
pub fn crates_in(dir: &Path) -> Vec<PathBuf> {
    let mut crates: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.join("Cargo.toml").is_file()).collect()
        })
        .unwrap_or_default();
    crates.sort();
    crates
}

/// The package name in `dir/Cargo.toml`.
pub fn crate_name(dir: &Path) -> String {
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).expect("reading a plugin's Cargo.toml");
    manifest
        .lines()
        .find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == "name").then(|| value.trim().trim_matches('"').to_string())
        })
        .unwrap_or_else(|| panic!("no package name in {}", dir.display()))
}

/// The component file cargo writes for package `name`.
pub fn component_file(name: &str) -> String {
    format!("{}.wasm", name.replace('-', "_"))
}

/// What every component depends on besides its own crate: the WIT, the
/// plugin workspace's manifest and lock, and the SDK.
pub fn shared_inputs(root: &Path) -> Vec<PathBuf> {
    ["wit", "plugins/Cargo.toml", "plugins/Cargo.lock", "plugin-sdk/src", "plugin-sdk/Cargo.toml"]
        .into_iter()
        .map(|path| root.join(path))
        .collect()
}

/// Asks cargo to rerun the build script when any of `paths`, or the source
/// of any crate in `crates`, changes.
pub fn rerun_if_changed<'a>(paths: impl IntoIterator<Item = &'a PathBuf>, crates: &[PathBuf]) {
    for path in paths {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    for dir in crates {
        for file in ["src", "Cargo.toml", "waymark.toml", "wit", "build.rs"] {
            println!("cargo:rerun-if-changed={}", dir.join(file).display());
        }
    }
}

/// The plugin workspace's build, shared by every profile of the host.
pub struct PluginBuild {
    manifest: PathBuf,
    target_dir: PathBuf,
}

impl PluginBuild {
    pub fn new(root: &Path) -> Self {
        let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
        Self { manifest: root.join("plugins/Cargo.toml"), target_dir: shared_target_dir(&out_dir) }
    }

    /// Where the release components land.
    pub fn artifacts(&self) -> PathBuf {
        self.target_dir.join(TARGET).join("release")
    }

    /// Builds `packages`; `fixture_version` sets `WAYMARK_FIXTURE_VERSION`
    /// for fixtures built in several versions.
    pub fn build(&self, packages: &[String], fixture_version: Option<&str>) {
        let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "--release", "--target", TARGET])
            .arg("--manifest-path")
            .arg(&self.manifest)
            .arg("--target-dir")
            .arg(&self.target_dir);
        for package in packages {
            cmd.args(["--package", package]);
        }
        // Settings meant for the host build must not leak into the guest build.
        match fixture_version {
            Some(version) => cmd.env("WAYMARK_FIXTURE_VERSION", version),
            None => cmd.env_remove("WAYMARK_FIXTURE_VERSION"),
        };
        for var in [
            "CARGO_ENCODED_RUSTFLAGS",
            "RUSTFLAGS",
            "CARGO_BUILD_RUSTFLAGS",
            "CARGO_TARGET_DIR",
            "CARGO_BUILD_TARGET",
            "RUSTC_WORKSPACE_WRAPPER",
            "CARGO_PROFILE_RELEASE_DEBUG",
        ] {
            cmd.env_remove(var);
        }
        let output = cmd.output().expect("running cargo to build the plugins");
        if !output.status.success() {
            panic!(
                "building the plugins for {TARGET} failed (is the target installed? rust-toolchain.toml \
                 asks rustup for it):\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        for package in packages {
            let wasm = self.artifacts().join(component_file(package));
            assert!(wasm.exists(), "plugin {package} did not produce {}", wasm.display());
        }
    }
}

/// `<target>/wasm-plugins`, where `<target>` is the directory holding the
/// profile directories (OUT_DIR is `<target>/<profile>/build/<pkg>/out`).
fn shared_target_dir(out_dir: &Path) -> PathBuf {
    out_dir.ancestors().nth(4).map(|target| target.join("wasm-plugins")).unwrap_or_else(|| out_dir.join("wasm-plugins"))
}

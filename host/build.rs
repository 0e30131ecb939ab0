//! Builds every plugin crate (`plugins/*`, the SDK's template, the test
//! fixtures in `tests/plugins/*`) into WebAssembly components, so no manual
//! step stands between a checkout and a server with its built-in plugins.
//!
//! The built-in plugins (`plugins/*`) are embedded in the binary; the paths of
//! all components are exported to tests through `WAYMARK_PLUGIN_ARTIFACTS`.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-wasip2";

fn main() {
    let host_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = host_dir.parent().unwrap().to_path_buf();
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());

    let builtin = crates_in(&root.join("plugins"));
    let mut watched = vec![
        root.join("wit"),
        root.join("plugins/Cargo.toml"),
        root.join("plugins/Cargo.lock"),
        root.join("plugin-sdk/src"),
        root.join("plugin-sdk/Cargo.toml"),
        root.join("tests/plugins"),
    ];
    let all: Vec<PathBuf> = builtin
        .iter()
        .cloned()
        .chain([root.join("plugin-sdk/template-theme")])
        .chain(crates_in(&root.join("tests/plugins")))
        .collect();
    for dir in &all {
        watched.extend(["src", "Cargo.toml", "waymark.toml", "wit", "build.rs"].map(|f| dir.join(f)));
    }
    for path in &watched {
        println!("cargo:rerun-if-changed={}", path.display());
    }

    // One target directory shared by every profile and by clippy, next to the
    // workspace's own, so plugins are compiled once, not once per profile.
    let target_dir = shared_target_dir(&out_dir);
    let workspace = root.join("plugins/Cargo.toml");
    let artifacts = target_dir.join(TARGET).join("release");
    // The hot-reload tests need several versions of one fixture: build them
    // first, keeping a copy of each, then the whole workspace (version 1).
    for version in ["2", "3", "4"] {
        build_plugins(&workspace, &target_dir, &["--package", "theme-versioned"], Some(version));
        fs::copy(artifacts.join("theme_versioned.wasm"), artifacts.join(format!("theme_versioned_v{version}.wasm")))
            .unwrap();
    }
    build_plugins(&workspace, &target_dir, &["--workspace"], None);
    println!("cargo:rustc-env=WAYMARK_PLUGIN_ARTIFACTS={}", artifacts.display());

    let mut source = String::from("/// Built-in plugins: (crate name, component bytes).\n");
    source.push_str("pub const BUILTIN: &[(&str, &[u8])] = &[\n");
    for dir in &builtin {
        let name = crate_name(dir);
        let wasm = artifacts.join(format!("{}.wasm", name.replace('-', "_")));
        assert!(wasm.exists(), "plugin {name} did not produce {}", wasm.display());
        writeln!(source, "    ({name:?}, include_bytes!({:?})),", wasm.display().to_string()).unwrap();
    }
    source.push_str("];\n");
    fs::write(out_dir.join("builtin_plugins.rs"), source).unwrap();
}

/// Directories directly under `dir` that hold a crate.
fn crates_in(dir: &Path) -> Vec<PathBuf> {
    let mut crates: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.join("Cargo.toml").is_file()).collect()
        })
        .unwrap_or_default();
    crates.sort();
    crates
}

fn crate_name(dir: &Path) -> String {
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    manifest
        .lines()
        .find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == "name").then(|| value.trim().trim_matches('"').to_string())
        })
        .unwrap_or_else(|| panic!("no package name in {}", dir.display()))
}

/// `<target>/wasm-plugins`, where `<target>` is the directory holding the
/// profile directories (OUT_DIR is `<target>/<profile>/build/<pkg>/out`).
fn shared_target_dir(out_dir: &Path) -> PathBuf {
    out_dir.ancestors().nth(4).map(|target| target.join("wasm-plugins")).unwrap_or_else(|| out_dir.join("wasm-plugins"))
}

fn build_plugins(manifest: &Path, target_dir: &Path, which: &[&str], fixture_version: Option<&str>) {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--release", "--target", TARGET])
        .args(which)
        .arg("--manifest-path")
        .arg(manifest)
        .arg("--target-dir")
        .arg(target_dir);
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
}

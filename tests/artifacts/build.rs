//! Builds every test fixture plugin (`tests/plugins/*`) and the SDK's
//! template theme into components. Only tests depend on this crate, so
//! release builds of the server never compile a fixture (the pattern of
//! wasmtime's `crates/test-programs/artifacts`).

use std::fs;

use waymark_wasm_build::{
    PluginBuild, component_file, crate_name, crates_in, repository_root, rerun_if_changed, shared_inputs,
};

/// The fixture the hot-reload tests need in several versions.
const VERSIONED: &str = "theme-versioned";

fn main() {
    let root = repository_root(2);
    let fixtures: Vec<_> =
        crates_in(&root.join("tests/plugins")).into_iter().chain([root.join("plugin-sdk/template-theme")]).collect();
    let mut inputs = shared_inputs(&root);
    inputs.push(root.join("tests/plugins"));
    rerun_if_changed(&inputs, &fixtures);

    let build = PluginBuild::new(&root);
    let artifacts = build.artifacts();
    // Versions 2–4 first, keeping a copy of each; the full build leaves
    // version 1 under the plain name.
    for version in ["2", "3", "4"] {
        build.build(&[VERSIONED.to_string()], Some(version));
        let built = artifacts.join(component_file(VERSIONED));
        let copy = artifacts.join(format!("theme_versioned_v{version}.wasm"));
        fs::copy(&built, &copy).unwrap_or_else(|e| panic!("copying {} to {}: {e}", built.display(), copy.display()));
    }
    let names: Vec<String> = fixtures.iter().map(|dir| crate_name(dir)).collect();
    build.build(&names, None);
    println!("cargo:rustc-env=WAYMARK_TEST_ARTIFACTS={}", artifacts.display());
}

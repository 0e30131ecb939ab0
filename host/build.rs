//! Builds the built-in plugins (`plugins/*`) into WebAssembly components and
//! embeds them, so no manual step stands between a checkout and a server
//! with its built-in plugins.
//!
//! Test fixtures are not built here: the `waymark-test-artifacts` crate
//! (`tests/artifacts`, a dev-dependency) builds them, so a release build
//! never compiles them.

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use waymark_wasm_build::{
    PluginBuild, component_file, crate_name, crates_in, repository_root, rerun_if_changed, shared_inputs,
};

fn main() {
    let root = repository_root(1);
    let builtin = crates_in(&root.join("plugins"));
    rerun_if_changed(&shared_inputs(&root), &builtin);

    let build = PluginBuild::new(&root);
    let names: Vec<String> = builtin.iter().map(|dir| crate_name(dir)).collect();
    build.build(&names, None);

    let mut source = String::from("/// Built-in plugins: (crate name, component bytes).\n");
    source.push_str("pub const BUILTIN: &[(&str, &[u8])] = &[\n");
    for name in &names {
        let wasm = build.artifacts().join(component_file(name));
        writeln!(source, "    ({name:?}, include_bytes!({:?})),", wasm.display().to_string()).unwrap();
    }
    source.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    fs::write(out_dir.join("builtin_plugins.rs"), source).unwrap();
}

//! Bakes the fixture's version in (`WAYMARK_FIXTURE_VERSION`, default 1).

fn main() {
    println!("cargo:rerun-if-env-changed=WAYMARK_FIXTURE_VERSION");
    let version = std::env::var("WAYMARK_FIXTURE_VERSION").unwrap_or_else(|_| "1".into());
    println!("cargo:rustc-env=FIXTURE_VERSION={version}");
}

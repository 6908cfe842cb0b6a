//! The `wasm` suite: the npm package `entra-csa` (bindings/wasm) built as its README says
//! (`npm install && npm run build`, which installs the wasm32 target and the pinned
//! wasm-bindgen-cli when missing), then its Node tests: the API, the output equality with the CLI
//! on every documented example and docs/CLI.md session, the random-input test, the TypeScript
//! types against the CLI's output, and the Microsoft Graph SDK interop test.

use crate::run::{cmd, root, run};

/// Builds the package and runs its tests.
pub fn run_suite() -> Result<(), String> {
    ensure_node()?;
    build_package()?;
    // The CLI whose output the tests compare with.
    run(&mut cmd("cargo", &["build", "--features", "cli"], "."))?;
    let csa = target_dir().join("debug").join("csa");
    run(cmd("npm", &["test"], "bindings/wasm").env("CSA_BIN", csa))
}

/// `npm install && npm run build` in bindings/wasm: pkg/ as `npm pack` packs it.
pub fn build_package() -> Result<(), String> {
    run(&mut cmd(
        "npm",
        &["install", "--no-audit", "--no-fund"],
        "bindings/wasm",
    ))?;
    run(&mut cmd("npm", &["run", "build"], "bindings/wasm"))
}

/// Node and npm, from Debian's packages when the machine has none.
pub fn ensure_node() -> Result<(), String> {
    if have("node") && have("npm") {
        return Ok(());
    }
    apt_install(&["nodejs", "npm"])
}

/// Whether `program --version` runs.
pub fn have(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `apt-get update` then `apt-get install -y PACKAGES`.
pub fn apt_install(packages: &[&str]) -> Result<(), String> {
    run(&mut cmd("apt-get", &["update", "-q"], "."))?;
    let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
    args.extend_from_slice(packages);
    run(cmd("apt-get", &args, ".").env("DEBIAN_FRONTEND", "noninteractive"))
}

/// Cargo's target directory: `$CARGO_TARGET_DIR`, or target/ at the root.
pub fn target_dir() -> std::path::PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

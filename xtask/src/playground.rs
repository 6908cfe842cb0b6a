//! The `playground` suite: the browser playground (playground/) built with Vite on the package
//! `npm run build` makes, then its browser test: playwright-core driving Debian's chromium
//! (installed with apt when missing) against the built page served on 127.0.0.1. Screenshots go
//! to target/playground-test/.

use crate::run::{cmd, run};
use crate::wasm::{apt_install, build_package, ensure_node, target_dir};

/// Debian's Chromium, which the test drives.
const CHROMIUM: &str = "/usr/bin/chromium";

/// Builds the package and the page, then runs the browser test.
pub fn run_suite() -> Result<(), String> {
    ensure_node()?;
    if !std::path::Path::new(CHROMIUM).exists() {
        apt_install(&["chromium"])?;
    }
    build_package()?;
    run(&mut cmd(
        "npm",
        &["install", "--no-audit", "--no-fund"],
        "playground",
    ))?;
    run(&mut cmd("npm", &["run", "build"], "playground"))?;
    let out = target_dir().join("playground-test");
    run(cmd("npm", &["test"], "playground")
        .env("PLAYGROUND_OUT", &out)
        .env("CHROMIUM", CHROMIUM))?;
    eprintln!("playground: screenshots in {}", out.display());
    Ok(())
}

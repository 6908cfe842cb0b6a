//! The `serve` suite: `csa serve` driven by Microsoft's own SDKs for Graph (docs/SERVE.md).
//!
//! 1. builds the `csa` command line with feature `serve`;
//! 2. makes a fresh virtual environment, `target/sdk/venv`, and installs the pinned
//!    `tests/sdk/python/requirements.txt` into it (msgraph-sdk, its kiota packages, pytest);
//! 3. runs pytest on `tests/sdk/python`;
//! 4. installs the pinned `@microsoft/msgraph-sdk` packages of `tests/sdk/node` (`npm ci`, from
//!    its lock file) and runs its `node --test` file.
//!
//! Each test starts its own server, from docs/examples, on port 0. Needs `python3` (3.9 or
//! later, with `venv` and `pip`), Node (installed from Debian's packages when missing) and the
//! package registries.

use std::process::Command;

use crate::python::{exe, fresh_venv, pip, target_dir};
use crate::run::{cmd, root, run};

/// The Python tests, relative to the root.
const PYTHON_TESTS: &str = "tests/sdk/python";
/// The Node tests, relative to the root.
const NODE_TESTS: &str = "tests/sdk/node";

/// Runs the suite.
pub fn run_suite() -> Result<(), String> {
    let target = target_dir();

    // 1. The server.
    run(&mut cmd(
        "cargo",
        &["build", "--features", "serve", "--bin", "csa"],
        ".",
    ))?;
    let csa = target.join("debug").join(exe("csa"));

    // 2. A fresh virtual environment with the pinned SDK.
    let python = fresh_venv(&target.join("sdk").join("venv"))?;
    let requirements = root().join(PYTHON_TESTS).join("requirements.txt");
    let requirements = requirements.to_string_lossy();
    pip(&python, &["install", "--requirement", &requirements])?;

    // 3. The Python SDK's tests.
    run(Command::new(&python)
        .args(["-m", "pytest"])
        .env("CSA_BIN", &csa)
        .current_dir(root().join(PYTHON_TESTS)))?;

    // 4. The JavaScript SDK's tests.
    crate::wasm::ensure_node()?;
    run(&mut cmd(
        "npm",
        &["ci", "--no-audit", "--no-fund"],
        NODE_TESTS,
    ))?;
    run(cmd("npm", &["test"], NODE_TESTS).env("CSA_BIN", &csa))
}

//! The test suites `cargo xtask test` runs, in order. A language package adds its suite here
//! (a module of its own with a `run` function, and a row in [`SUITES`]).

use crate::run::{cmd, run};

/// One test suite.
pub struct Suite {
    /// Its name for `--only` and `--skip`.
    pub name: &'static str,
    /// What it tests.
    pub about: &'static str,
    /// Installs what it needs, then runs it.
    pub run: fn() -> Result<(), String>,
}

/// Every suite, in the order `test` runs them.
pub const SUITES: &[Suite] = &[
    Suite {
        name: "rust",
        about: "the library and the CLI: cargo test --all-features (unit, integration, doc tests)",
        run: rust,
    },
    Suite {
        name: "python",
        about: "the Python package entra-csa: its manylinux wheel built and installed in a fresh venv, pytest, mypy --strict",
        run: crate::python::run_suite,
    },
    Suite {
        name: "wasm",
        about: "the npm package entra-csa: npm run build, then its Node tests (node --test)",
        run: crate::wasm::run_suite,
    },
    Suite {
        name: "serve",
        about: "csa serve driven by Microsoft's Graph SDKs: msgraph-sdk (pytest, in a fresh venv) and @microsoft/msgraph-sdk (node --test)",
        run: crate::serve::run_suite,
    },
    Suite {
        name: "playground",
        about: "the browser playground: vite build, then Playwright on Debian's chromium",
        run: crate::playground::run_suite,
    },
];

fn rust() -> Result<(), String> {
    run(&mut cmd("cargo", &["test", "--all-features"], "."))
}

/// `cargo xtask test [--only A,B] [--skip C]`.
pub fn test(args: &[String]) -> Result<(), String> {
    let mut only: Option<Vec<String>> = None;
    let mut skip: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let list = |v: Option<&String>| -> Result<Vec<String>, String> {
            let v = v.ok_or_else(|| format!("`{a}` needs a list of suites"))?;
            Ok(v.split(',').map(|s| s.trim().to_owned()).collect())
        };
        match a.as_str() {
            "--only" => only = Some(list(it.next())?),
            "--skip" => skip.extend(list(it.next())?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    for name in only.iter().flatten().chain(&skip) {
        if !SUITES.iter().any(|s| s.name == name) {
            return Err(format!(
                "no suite is called `{name}` (see `cargo xtask list`)"
            ));
        }
    }
    let chosen: Vec<&Suite> = SUITES
        .iter()
        .filter(|s| only.as_ref().is_none_or(|o| o.iter().any(|n| n == s.name)))
        .filter(|s| !skip.iter().any(|n| n == s.name))
        .collect();
    for suite in &chosen {
        eprintln!("== xtask test: {} ({})", suite.name, suite.about);
        (suite.run)().map_err(|e| format!("suite `{}`: {e}", suite.name))?;
    }
    let names: Vec<&str> = chosen.iter().map(|s| s.name).collect();
    eprintln!("== xtask test: every suite passed ({})", names.join(", "));
    Ok(())
}

//! The `python` suite: the Python package `entra-csa` (bindings/python), built as users get it
//! and tested installed.
//!
//! 1. builds the `csa` command line (the output-equality tests compare the package with it);
//! 2. makes a fresh virtual environment, `target/python/venv`, and installs maturin and zig
//!    into it (`pip install maturin ziglang`);
//! 3. builds the manylinux2014 abi3 wheel (`maturin build --release --zig --compatibility
//!    manylinux2014`) and the sdist into `target/python/dist`;
//! 4. installs the wheel with its test extra (pytest, hypothesis, mypy, msgraph-sdk);
//! 5. runs pytest on `bindings/python/tests`, then `mypy --strict` over the typed usage
//!    example and `stubtest` of the stubs against the built module.
//!
//! Needs `python3` (3.9 or later, with `venv` and `pip`) and the package registries; nothing
//! else is downloaded.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run::{cmd, root, run};

/// The package's directory, relative to the root.
const PACKAGE: &str = "bindings/python";

/// Runs the suite.
pub fn run_suite() -> Result<(), String> {
    let target = target_dir();
    let work = target.join("python");
    let venv = work.join("venv");
    let dist = work.join("dist");

    // 1. The command line the equality tests run.
    run(&mut cmd(
        "cargo",
        &["build", "--features", "cli", "--bin", "csa"],
        ".",
    ))?;
    let cli = target.join("debug").join(exe("csa"));

    // 2. A fresh virtual environment with the build tools.
    let python = fresh_venv(&venv)?;
    pip(&python, &["install", "maturin>=1.9.4,<2", "ziglang"])?;

    // 3. The wheel and the sdist, from nothing left by an earlier run.
    if dist.exists() {
        std::fs::remove_dir_all(&dist)
            .map_err(|e| format!("cannot empty {}: {e}", dist.display()))?;
    }
    let maturin = venv_bin(&venv, "maturin");
    run(activated(&mut Command::new(&maturin), &venv)?
        .args([
            "build",
            "--release",
            "--zig",
            "--compatibility",
            "manylinux2014",
            "--out",
        ])
        .arg(&dist)
        .current_dir(root().join(PACKAGE)))?;
    run(activated(&mut Command::new(&maturin), &venv)?
        .args(["sdist", "--out"])
        .arg(&dist)
        .current_dir(root().join(PACKAGE)))?;
    let wheel = only_file(&dist, ".whl")?;
    let sdist = only_file(&dist, ".tar.gz")?;
    for built in [&wheel, &sdist] {
        let size = std::fs::metadata(built).map(|m| m.len()).unwrap_or(0);
        eprintln!("built {} ({size} bytes)", built.display());
    }

    // 4. The wheel as users install it, with what the tests need.
    let with_extra = format!("{}[test]", wheel.display());
    pip(&python, &["install", "--force-reinstall", &with_extra])?;

    // 5. The tests, against the installed package (never the source tree's).
    let package = root().join(PACKAGE);
    run(
        activated(&mut Command::new(venv_bin(&venv, "pytest")), &venv)?
            .args(["-p", "no:cacheprovider", "tests"])
            .env("CSA_CLI", &cli)
            .env("CSA_EXPECT_INSTALLED", "1")
            .current_dir(&package),
    )?;
    let mypy_cache = work.join("mypy-cache");
    run(Command::new(&python)
        .args(["-m", "mypy", "--strict", "--cache-dir"])
        .arg(&mypy_cache)
        .arg("tests/typed_usage.py")
        .current_dir(&package))?;
    run(Command::new(&python)
        .args(["-m", "mypy.stubtest"])
        .arg("entra_csa._native")
        .env("MYPY_CACHE_DIR", &mypy_cache)
        .current_dir(&package))?;
    Ok(())
}

/// `c` as in the activated virtual environment: its programs first on `PATH` (maturin runs
/// `python3 -m ziglang` for zig, which pip installed there).
fn activated<'c>(c: &'c mut Command, venv: &Path) -> Result<&'c mut Command, String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![venv_bin(venv, "python")
        .parent()
        .map_or_else(|| venv.to_path_buf(), Path::to_path_buf)];
    dirs.extend(std::env::split_paths(&path));
    let joined = std::env::join_paths(dirs).map_err(|e| format!("cannot set PATH: {e}"))?;
    Ok(c.env("PATH", joined).env("VIRTUAL_ENV", venv))
}

/// A fresh virtual environment at `venv` (emptied if it exists), with an up-to-date pip; its
/// Python.
pub fn fresh_venv(venv: &Path) -> Result<PathBuf, String> {
    if let Some(parent) = venv.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    run(Command::new(python3())
        .args(["-m", "venv", "--clear"])
        .arg(venv)
        .current_dir(root()))?;
    let python = venv_bin(venv, "python");
    pip(&python, &["install", "--upgrade", "pip"])?;
    Ok(python)
}

/// `python -m pip ARGS`, quietly (pip prints a line per package otherwise).
pub fn pip(python: &Path, args: &[&str]) -> Result<(), String> {
    run(Command::new(python)
        .args(["-m", "pip", "--disable-pip-version-check", "--quiet"])
        .args(args)
        .current_dir(root()))
}

/// Cargo's target directory: `$CARGO_TARGET_DIR`, or `target/` at the root.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// The Python that makes the virtual environment: `$PYTHON`, or `python3`.
fn python3() -> PathBuf {
    std::env::var_os("PYTHON").map_or_else(|| PathBuf::from("python3"), PathBuf::from)
}

/// A program of the virtual environment.
fn venv_bin(venv: &Path, name: &str) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join(exe(name))
    } else {
        venv.join("bin").join(name)
    }
}

pub fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

/// The one file in `dir` whose name ends with `suffix`.
fn only_file(dir: &Path, suffix: &str) -> Result<PathBuf, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!(
            "expected one `*{suffix}` in {}, found {}",
            dir.display(),
            found.len()
        )),
    }
}

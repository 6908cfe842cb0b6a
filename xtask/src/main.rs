//! csa's task runner, run as `cargo xtask TASK` (the alias is in `.cargo/config.toml`).
//!
//! ```text
//! cargo xtask test [--only SUITE,...] [--skip SUITE,...]   every test suite of every language
//! cargo xtask list                                         the suites `test` runs, in order
//! ```
//!
//! Each suite installs on a fresh machine what it needs (a toolchain target, a virtual
//! environment, npm packages, a browser) before it runs, so the same command works on a
//! developer's machine and in CI (`.ci/run` calls it).

use std::process::ExitCode;

mod playground;
mod python;
mod run;
mod serve;
mod suites;
mod wasm;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => suites::test(args.get(1..).unwrap_or_default()),
        Some("list") => {
            for suite in suites::SUITES {
                println!("{:<10} {}", suite.name, suite.about);
            }
            Ok(())
        }
        Some("-h" | "--help") | None => {
            println!("{}", USAGE);
            Ok(())
        }
        Some(other) => Err(format!("unknown task `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: cargo xtask test [--only SUITE,...] [--skip SUITE,...]
       cargo xtask list";

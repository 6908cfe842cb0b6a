//! What a run prints and how it exits; library documents as JSON text.

use std::io::Write;
use std::process::ExitCode;

use anstream::AutoStream;
use clap::ColorChoice;
use serde::Serialize;

use crate::style::{self, paint};

/// What a run prints and how it exits.
pub struct Outcome {
    pub stdout: String,
    /// One line for standard error, when there is something to say.
    pub stderr: Option<String>,
    pub code: u8,
}

impl Outcome {
    /// Exit 0 (accepted, valid, legal, shown) or 1 (refused, invalid, illegal).
    pub fn ok(stdout: String, success: bool) -> Self {
        Self {
            stdout,
            stderr: None,
            code: if success { 0 } else { 1 },
        }
    }
}

/// Prints the outcome (stdout, then the stderr line prefixed `csa: `) and exits with its code.
///
/// Each stream keeps the text's styles only if `color` says so for it: `always`, `never`, or
/// `auto`, a terminal where `NO_COLOR` is not set (anstream's rules, which also honour
/// `CLICOLOR` and `CLICOLOR_FORCE`).
pub fn finish(outcome: Outcome, color: ColorChoice) -> ExitCode {
    let color = match color {
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
        _ => anstream::ColorChoice::Auto,
    };
    let mut out = AutoStream::new(std::io::stdout().lock(), color);
    // A closed pipe is not worth a panic: the exit code still tells the outcome.
    let _ = out.write_all(outcome.stdout.as_bytes());
    let _ = out.flush();
    if let Some(reason) = outcome.stderr {
        let mut err = AutoStream::new(std::io::stderr().lock(), color);
        let _ = writeln!(err, "{} {reason}", paint(style::ERROR, "csa:"));
    }
    ExitCode::from(outcome.code)
}

/// A library document as pretty JSON and a newline, written straight from its serde form, so
/// key order is the one csa writes (a `serde_json::Value` would sort keys).
pub fn json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_owned());
    s.push('\n');
    s
}

/// A library document as JSON on one line, and a newline.
pub fn json_line<T: Serialize + ?Sized>(value: &T) -> String {
    let mut s = compact(value);
    s.push('\n');
    s
}

/// A library value as compact JSON, inside a line of text.
pub fn compact<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

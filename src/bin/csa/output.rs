//! What a run prints and how it exits; library documents as JSON text.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

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
pub fn finish(outcome: Outcome) -> ExitCode {
    let mut out = std::io::stdout().lock();
    // A closed pipe is not worth a panic: the exit code still tells the outcome.
    let _ = out.write_all(outcome.stdout.as_bytes());
    let _ = out.flush();
    if let Some(reason) = outcome.stderr {
        let _ = writeln!(std::io::stderr().lock(), "csa: {reason}");
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

//! Shared harness for the `csa` command-line tests (the modules beside it in tests/it/cli/): the
//! built binary run with arguments and standard input, its exit code and output, scratch
//! directories of input files, the documented Graph examples and a few JSON helpers.
//!
//! Use it from a module with `use super::harness::*;`. Every module uses only some of the
//! helpers, hence the `dead_code` allowance.
#![allow(dead_code)]
// clippy.toml allows these in `#[test]` functions; the helpers here are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Documented examples

/// `tests/data/graph-examples` and one of its files, parsed: common's helpers, by the names the
/// CLI tests use.
pub use crate::common::{examples_dir as examples, read_json as example};

/// The sample catalog's path, for `--catalog` (common's `sample_catalog` is the catalog itself).
pub fn sample_catalog() -> String {
    examples()
        .join("sample-catalog.json")
        .to_str()
        .unwrap()
        .to_owned()
}

// ---------------------------------------------------------------------------------------------
// Scratch directories

/// A directory of input files for one test, removed afterwards.
pub struct Scratch {
    pub dir: PathBuf,
}

impl Scratch {
    /// A new directory `csa-<test file>-<pid>-<n>-<name>` under the temporary directory, e.g.
    /// `csa-cli-define-...` for tests/it/cli/cli_define.rs. The process id and the counter `n`
    /// (one for the whole test binary) make it unique; the test file, the caller's, names it.
    #[track_caller]
    pub fn new(name: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let file = Path::new(std::panic::Location::caller().file())
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or("cli");
        let dir = std::env::temp_dir().join(format!(
            "csa-{}-{}-{}-{}",
            file.replace('_', "-"),
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst),
            name
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self { dir }
    }

    pub fn file(&self, name: &str, contents: &str) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_owned()
    }

    pub fn json(&self, name: &str, value: &Value) -> String {
        self.file(name, &serde_json::to_string_pretty(value).unwrap())
    }

    /// A path in the directory where nothing is written yet.
    pub fn path(&self, name: &str) -> String {
        self.dir.join(name).to_str().unwrap().to_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

// ---------------------------------------------------------------------------------------------
// Running the binary

/// One invocation of the built binary.
#[derive(Clone)]
pub struct Csa {
    args: Vec<String>,
    stdin: Option<String>,
    dir: Option<PathBuf>,
    env: Vec<(String, String)>,
}

pub fn csa(args: &[&str]) -> Csa {
    Csa {
        args: args.iter().map(|s| (*s).to_owned()).collect(),
        stdin: None,
        dir: None,
        env: Vec::new(),
    }
}

impl Csa {
    pub fn opt(mut self, name: &str, value: &str) -> Self {
        self.args.push(name.to_owned());
        self.args.push(value.to_owned());
        self
    }
    pub fn flag(mut self, name: &str) -> Self {
        self.args.push(name.to_owned());
        self
    }
    pub fn catalog(self, path: &str) -> Self {
        self.opt("--catalog", path)
    }
    pub fn patch(self, path: &str) -> Self {
        self.opt("--patch", path)
    }
    pub fn object(self, path: &str) -> Self {
        self.opt("--object", path)
    }
    pub fn actor(self, path: &str) -> Self {
        self.opt("--actor", path)
    }
    pub fn policy(self, path: &str) -> Self {
        self.opt("--policy", path)
    }
    pub fn method(self, method: &str) -> Self {
        self.opt("--method", method)
    }
    pub fn path(self, path: &str) -> Self {
        self.opt("--path", path)
    }
    pub fn body(self, path: &str) -> Self {
        self.opt("--body", path)
    }
    pub fn out(self, path: &str) -> Self {
        self.opt("--out", path)
    }
    pub fn from(self, path: &str) -> Self {
        self.opt("--from", path)
    }
    pub fn to(self, path: &str) -> Self {
        self.opt("--to", path)
    }
    pub fn objects(self, path: &str) -> Self {
        self.opt("--objects", path)
    }
    pub fn format(self, format: &str) -> Self {
        self.opt("--format", format)
    }
    pub fn desired(self, path: &str) -> Self {
        self.opt("--desired", path)
    }
    pub fn batch(self, path: &str) -> Self {
        self.opt("--batch", path)
    }
    pub fn jobs(self, n: usize) -> Self {
        self.opt("--jobs", &n.to_string())
    }
    pub fn changes(self, path: &str) -> Self {
        self.opt("--changes", path)
    }
    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.to_owned());
        self
    }
    /// An environment variable for this run (the colour variables are otherwise unset).
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }
    pub fn in_dir(mut self, dir: &Path) -> Self {
        self.dir = Some(dir.to_owned());
        self
    }

    pub fn run(&self) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_csa"));
        cmd.args(&self.args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            });
        if let Some(dir) = &self.dir {
            cmd.current_dir(dir);
        }
        // What the tests see does not depend on the colour settings of whoever runs them.
        for name in COLOR_VARIABLES {
            cmd.env_remove(name);
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        let mut child = cmd.spawn().unwrap();
        if let Some(input) = &self.stdin {
            let mut pipe = child.stdin.take().unwrap();
            // The tool may exit (a usage error) before reading standard input: a closed pipe.
            let _ = pipe.write_all(input.as_bytes());
        }
        let out = child.wait_with_output().unwrap();
        Run {
            args: self.args.clone(),
            code: out.status.code().expect("exited normally"),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }
}

/// The environment variables that turn colour on or off when `--color` is `auto`.
pub const COLOR_VARIABLES: [&str; 3] = ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE"];

/// What one invocation did: its arguments, exit code and output.
pub struct Run {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Stdout as exactly one JSON value (fails on anything before or after it).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "{:?}: stdout is not one JSON value ({e}):\n{}\nstderr: {}",
                self.args, self.stdout, self.stderr
            )
        })
    }

    /// Stdout as JSON lines (a batch's output), each parsed.
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("a batch line is not JSON ({e}): {l:?}"))
            })
            .collect()
    }

    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "{:?}\nstdout:\n{}\nstderr:\n{}",
            self.args, self.stdout, self.stderr
        );
        self
    }

    /// Exit 2 with nothing on stdout and a one-line reason on stderr.
    pub fn expect_input_error(&self) {
        self.expect_code(2);
        assert_eq!(
            self.stdout, "",
            "{:?}: nothing on stdout on exit 2",
            self.args
        );
        self.expect_one_stderr_line();
    }

    pub fn expect_one_stderr_line(&self) {
        assert_eq!(
            self.stderr.trim_end().lines().count(),
            1,
            "{:?}: one line on stderr: {:?}",
            self.args,
            self.stderr
        );
    }

    pub fn first_line(&self) -> &str {
        self.stdout.lines().next().unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------------------------
// Outputs and inputs

/// The keys of a JSON object, sorted.
pub fn keys(value: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

/// The `code` of each violation in a JSON array, in order.
pub fn codes(violations: &Value) -> Vec<&str> {
    violations
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["code"].as_str().unwrap())
        .collect()
}

/// In a text rendering: the source line containing `needle`, and the characters of that line
/// that the caret line under it marks with `^`.
pub fn caret_target(stdout: &str, needle: &str) -> (String, String) {
    let lines: Vec<&str> = stdout.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.contains(needle) && l.contains(" | "))
        .unwrap_or_else(|| panic!("no source line with {needle:?} in:\n{stdout}"));
    let source: Vec<char> = lines[i].chars().collect();
    let caret: Vec<char> = lines[i + 1].chars().collect();
    assert!(
        caret.contains(&'^'),
        "no caret under {:?}:\n{stdout}",
        lines[i]
    );
    assert!(
        caret.iter().all(|c| matches!(c, ' ' | '|' | '^')),
        "the caret line has only the gutter and carets: {:?}",
        lines[i + 1]
    );
    let marked: String = caret
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == '^')
        .map(|(j, _)| source.get(j).copied().unwrap_or(' '))
        .collect();
    (lines[i].to_owned(), marked)
}

/// The set types (`@odata.type` of a set object) of a PATCH request and of a GET response.
pub use crate::common::{REQUEST_SET_TYPE, RESPONSE_SET_TYPE};

/// Attribute Assignment Administrator by display name, as actor files may name a role.
pub const AAA_NAME: &str = "Attribute Assignment Administrator";

/// An actor file's contents: one role assignment.
pub fn actor(role: &str, scope: &str) -> Value {
    json!({"roleAssignments": [{"roleDefinitionId": role, "directoryScopeId": scope}]})
}

/// A catalog that parses but breaks a validity rule (a multi-valued Boolean).
pub const INVALID_CATALOG: &str = r#"{"attributeSets": [{"id": "Eng"}],
 "customSecurityAttributeDefinitions": [
  {"attributeSet": "Eng", "name": "Flag", "type": "Boolean", "isCollection": true,
   "isSearchable": true, "status": "Available", "usePreDefinedValuesOnly": false}]}
"#;

/// `value` without the `offset`, `line` and `column` of its violations and warnings: a single
/// command's output about files, as a `--batch` line (whose documents are parts of the line)
/// shows it. An `invalid_filter` keeps its `offset`.
pub fn without_positions(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(without_positions).collect()),
        Value::Object(map) => {
            let finding = map.contains_key("code") && map.contains_key("pointer");
            let filter = map.get("code") == Some(&Value::from("invalid_filter"));
            Value::Object(
                map.iter()
                    .filter(|(k, _)| {
                        !(finding
                            && (k.as_str() == "line"
                                || k.as_str() == "column"
                                || (k.as_str() == "offset" && !filter)))
                    })
                    .map(|(k, v)| (k.clone(), without_positions(v)))
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

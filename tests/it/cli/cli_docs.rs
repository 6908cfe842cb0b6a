//! docs/CLI.md and README.md cannot go stale: every `$ csa ...` session they show is re-run
//! here and must print exactly what the page says. docs/CLI.md's sessions run from
//! docs/examples/; README.md's from the repository's root, or from the directory a `$ cd DIR`
//! line of the block names.
//!
//! How a page's sessions are read is in `sessions.rs`.
//!
//! docs/CLI.md also shows the content of its input files (a line "`NAME.json`:" followed by a
//! json block); those must be the files in docs/examples/, byte for byte. And every JSON document
//! a session prints matches its schema in docs/schema/ (see `schema.rs`).
// clippy.toml allows these in `#[test]` functions; the helpers here are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::sessions::{parse, Session, Stdin};

// ---------------------------------------------------------------------------------------------
// Harness

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn examples_dir() -> PathBuf {
    root().join("docs/examples")
}

/// A page whose sessions are run: its path from the repository's root, and the directory its
/// blocks start in.
#[derive(Clone, Copy)]
struct Page {
    path: &'static str,
    start: &'static str,
}

const CLI_MD: Page = Page {
    path: "docs/CLI.md",
    start: "docs/examples",
};

const README: Page = Page {
    path: "README.md",
    start: ".",
};

impl Page {
    fn text(self) -> String {
        std::fs::read_to_string(root().join(self.path)).unwrap()
    }

    fn sessions(self) -> Vec<Session> {
        parse(&self.text(), self.start).unwrap_or_else(|why| panic!("{}, {why}", self.path))
    }
}

fn page() -> String {
    CLI_MD.text()
}

/// Runs one session in its directory; returns (stdout, stderr, exit code).
fn run(session: &Session) -> (String, String, Option<i32>) {
    let dir = root().join(&session.dir);
    let input = match &session.stdin {
        Stdin::Empty => None,
        Stdin::Text(text) => Some(text.clone().into_bytes()),
        Stdin::File(file) => Some(std::fs::read(dir.join(file)).unwrap_or_else(|e| {
            panic!(
                "line {}: cannot read `{file}` in {}: {e}",
                session.line, session.dir
            )
        })),
    };
    let mut csa = Command::new(env!("CARGO_BIN_EXE_csa"));
    // The page shows output without colour, whoever runs the tests.
    for name in super::harness::COLOR_VARIABLES {
        csa.env_remove(name);
    }
    let mut child = csa
        .args(&session.args)
        .current_dir(&dir)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = input {
        let mut pipe = child.stdin.take().unwrap();
        // csa may exit (a usage error) before it reads its input.
        if let Err(e) = pipe.write_all(&input) {
            assert_eq!(e.kind(), ErrorKind::BrokenPipe, "writing stdin: {e}");
        }
    }
    let out = child.wait_with_output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code(),
    )
}

/// What is wrong with one session of `page`'s run, if anything: a difference from the page, or a
/// JSON document that does not match its schema.
fn check(page: Page, session: &Session) -> Option<String> {
    let (stdout, stderr, status) = run(session);
    if let Some(why) = schema_mismatch(session, &stdout, status) {
        return Some(format!(
            "{}:{}: `$ {}`: {why}",
            page.path, session.line, session.command
        ));
    }
    let stdout_ok = if session.truncated {
        stdout.starts_with(&session.stdout)
    } else {
        stdout == session.stdout
    };
    if stdout_ok && stderr == session.stderr && status == Some(session.status) {
        return None;
    }
    let mut report = format!(
        "{}:{}: `$ {}` (run in {}/)\n",
        page.path, session.line, session.command, session.dir
    );
    if !stdout_ok {
        let what = if session.truncated {
            "documented beginning of"
        } else {
            "documented"
        };
        report += &format!(
            "--- {what} stdout:\n{}--- actual stdout:\n{stdout}",
            session.stdout
        );
    }
    if stderr != session.stderr {
        report += &format!(
            "--- documented stderr:\n{}--- actual stderr:\n{stderr}",
            session.stderr
        );
    }
    if status != Some(session.status) {
        report += &format!(
            "--- documented exit code: {}, actual: {status:?}\n",
            session.status
        );
    }
    Some(report)
}

/// Why the JSON a session printed does not match its schema in docs/schema/, if it does not:
/// `--format json` output by the subcommand's schema (one per line for `--batch`, by check-batch.json), `--format
/// graph` output by graph.json, a JSON input error (exit 2) by input-error.json, and the `audit: `
/// line of a text output by audit.json.
fn schema_mismatch(session: &Session, stdout: &str, status: Option<i32>) -> Option<String> {
    let format = session
        .args
        .iter()
        .position(|a| a == "--format")
        .and_then(|i| session.args.get(i + 1))
        .map(String::as_str);
    let subcommand = session.args.first().map(String::as_str).unwrap_or("");
    let mut documents: Vec<(String, &str)> = Vec::new();
    if status == Some(2) {
        if format == Some("json") && !stdout.is_empty() {
            documents.push(("input-error.json".to_owned(), stdout));
        }
    } else if session.args.iter().any(|a| a == "--batch") {
        documents.extend(stdout.lines().map(|l| ("check-batch.json".to_owned(), l)));
    } else {
        match format {
            Some("json") => documents.push((format!("{subcommand}.json"), stdout)),
            Some("graph") => documents.push(("graph.json".to_owned(), stdout)),
            _ => documents.extend(
                stdout
                    .lines()
                    .filter_map(|l| l.strip_prefix("audit: "))
                    .map(|l| ("audit.json".to_owned(), l)),
            ),
        }
    }
    let mut why = Vec::new();
    for (name, text) in &documents {
        match serde_json::from_str(text) {
            Ok(json) => {
                if let Some(errors) = crate::schema::schema_errors(name, &json) {
                    why.push(format!(
                        "its output does not match docs/schema/{name}:\n{errors}"
                    ));
                }
            }
            Err(e) => why.push(format!(
                "its output is not the JSON docs/schema/{name} describes: {e}"
            )),
        }
    }
    (!why.is_empty()).then(|| why.join("\n"))
}

/// The input files the page shows: (name, content) for each "`NAME.json`:" line followed by a
/// blank line and a json block.
fn shown_files(page: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = page.lines().collect();
    let mut files = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(name) = line
            .strip_prefix('`')
            .and_then(|l| l.strip_suffix(".json`:"))
        else {
            continue;
        };
        assert!(
            lines.get(i + 1) == Some(&"") && lines.get(i + 2) == Some(&"```json"),
            "docs/CLI.md:{}: `{name}.json` is not followed by a json block",
            i + 1
        );
        let content: String = lines[i + 3..]
            .iter()
            .take_while(|l| **l != "```")
            .map(|l| format!("{l}\n"))
            .collect();
        files.push((format!("{name}.json"), content));
    }
    files
}

// ---------------------------------------------------------------------------------------------
// Tests

#[test]
fn every_documented_session_prints_what_the_page_shows() {
    let sessions = CLI_MD.sessions();
    assert!(!sessions.is_empty(), "docs/CLI.md shows no `$ csa` session");
    let failures: Vec<String> = sessions.iter().filter_map(|s| check(CLI_MD, s)).collect();
    assert!(
        failures.is_empty(),
        "{} of the {} sessions of docs/CLI.md are stale (re-run them from docs/examples/ and \
         paste their output):\n\n{}",
        failures.len(),
        sessions.len(),
        failures.join("\n")
    );
}

#[test]
fn every_readme_session_prints_what_the_readme_shows() {
    let sessions = README.sessions();
    assert!(
        sessions.len() >= 3,
        "README.md shows {} `$ csa` sessions",
        sessions.len()
    );
    let failures: Vec<String> = sessions.iter().filter_map(|s| check(README, s)).collect();
    assert!(
        failures.is_empty(),
        "{} of the {} sessions of README.md are stale (re-run them from the directory they name \
         and paste their output):\n\n{}",
        failures.len(),
        sessions.len(),
        failures.join("\n")
    );
}

/// The block of `page` that starts with the line `first`.
fn block_starting(page: &str, first: &str) -> String {
    let lines: Vec<&str> = page.lines().collect();
    let start = lines
        .iter()
        .position(|l| *l == first)
        .unwrap_or_else(|| panic!("no line `{first}`"));
    lines[start..]
        .iter()
        .take_while(|l| !l.starts_with("```"))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn the_readme_synopsis_is_the_one_of_the_command_line_page() {
    let first =
        "csa check --catalog FILE [--object FILE] [--actor FILE] --patch FILE [--policy FILE]";
    let readme = block_starting(&README.text(), first);
    assert_eq!(readme, block_starting(&page(), first));
    for option in ["--audit", "--policy"] {
        assert!(
            readme.lines().take(3).any(|l| l.contains(option)),
            "{option}"
        );
    }
}

#[test]
fn the_documented_sessions_cover_every_subcommand_and_exit_code() {
    let sessions = CLI_MD.sessions();
    let subcommands: BTreeSet<&str> = sessions
        .iter()
        // The misspelt subcommand the page shows is not one.
        .filter(|s| !s.stderr.contains("unrecognized subcommand"))
        .filter_map(|s| s.args.first().map(String::as_str))
        .collect();
    assert_eq!(
        subcommands,
        BTreeSet::from([
            "apply", "check", "define", "demo", "evolve", "filter", "lint", "plan", "search",
            "view"
        ])
    );
    let statuses: BTreeSet<i32> = sessions.iter().map(|s| s.status).collect();
    assert_eq!(statuses, BTreeSet::from([0, 1, 2]));
    assert!(sessions.iter().any(|s| matches!(s.stdin, Stdin::Text(_))));
    assert!(sessions.iter().any(|s| matches!(s.stdin, Stdin::File(_))));
}

#[test]
fn the_files_the_page_shows_are_the_example_files() {
    let files = shown_files(&page());
    assert!(!files.is_empty(), "docs/CLI.md shows no input file");
    for (name, shown) in &files {
        let actual = std::fs::read_to_string(examples_dir().join(name))
            .unwrap_or_else(|e| panic!("docs/examples/{name}: {e}"));
        assert_eq!(
            &actual, shown,
            "docs/examples/{name} differs from the copy docs/CLI.md shows"
        );
    }
    let catalog = "sample-catalog.json";
    assert_eq!(
        std::fs::read_to_string(examples_dir().join(catalog)).unwrap(),
        std::fs::read_to_string(root().join("tests/data/graph-examples").join(catalog)).unwrap(),
        "docs/examples/{catalog} must be a copy of tests/data/graph-examples/{catalog}"
    );
}

#[test]
fn every_example_file_is_used_by_a_session() {
    let sessions = CLI_MD.sessions();
    let used: BTreeSet<&str> = sessions
        .iter()
        .flat_map(|s| {
            let redirected = match &s.stdin {
                Stdin::File(file) => Some(file.as_str()),
                _ => None,
            };
            s.args.iter().map(String::as_str).chain(redirected)
        })
        .collect();
    for entry in std::fs::read_dir(examples_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            used.contains(name.as_str()),
            "docs/examples/{name} is used by no session of docs/CLI.md"
        );
    }
}

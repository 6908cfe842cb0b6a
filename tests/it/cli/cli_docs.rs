//! docs/CLI.md cannot go stale: every `$ csa ...` session it shows is re-run here, from
//! docs/examples/, and must print exactly what the page says.
//!
//! The parser is deliberately small. What it reads in docs/CLI.md:
//!
//! - A session is a fenced block opened by a line "```console" and closed by a line "```".
//! - In a session, a line starting with `$ ` is a command, and the lines up to the next `$ ` line
//!   (or the end of the block) are its output.
//! - `$ echo $?` is not a command of its own: its one output line is the exit code of the command
//!   before it. A command that is not followed by `$ echo $?` must exit 0.
//! - A command is `csa ARG...`, with arguments separated by spaces and no shell quoting, in one of
//!   three forms: plain (empty standard input), `echo 'TEXT' | csa ARG...` (standard input is
//!   TEXT and a newline, as `echo` writes it), or `csa ARG... < FILE` (standard input is FILE).
//! - The documented output is standard output followed by standard error. csa writes at most one
//!   line to standard error, starting `csa: `, after everything else, so the trailing output lines
//!   that start with `csa: ` are the expected standard error and the others the expected standard
//!   output. Both must match exactly.
//! - An output whose last line is `...` is truncated (the page shows only the beginning of
//!   `csa demo`): the lines before it must be a prefix of standard output, standard error must be
//!   empty, and the exit code is checked as usual.
//!
//! Nothing is skipped: a session or a `$ ` line the parser cannot run (another program, shell
//! syntax beyond the three forms, a `$ ` line outside a console block, an empty session) fails the
//! test, naming its line in docs/CLI.md.
//!
//! The page also shows the content of its input files (a line "`NAME.json`:" followed by a json
//! block); those must be the files in docs/examples/, byte for byte.
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

// ---------------------------------------------------------------------------------------------
// Parser

/// One `$ csa ...` line of docs/CLI.md with what the page says it does.
#[derive(Debug, PartialEq)]
struct Session {
    /// 1-based line of the command in the page.
    line: usize,
    /// The command as written, after `$ `.
    command: String,
    /// The arguments after `csa`.
    args: Vec<String>,
    /// What the command reads on standard input.
    stdin: Stdin,
    /// The expected standard output, each line ending with `\n`.
    stdout: String,
    /// The expected standard error, each line ending with `\n`.
    stderr: String,
    /// Whether `stdout` is only the beginning of the output (the block ended with `...`).
    truncated: bool,
    /// The expected exit code.
    status: i32,
}

#[derive(Debug, PartialEq)]
enum Stdin {
    Empty,
    Text(String),
    File(String),
}

/// Every session of a page, or the first thing the parser cannot read, as `line N: why`.
fn parse(page: &str) -> Result<Vec<Session>, String> {
    let lines: Vec<&str> = page.lines().collect();
    let mut sessions = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.starts_with("$ ") {
            return Err(format!(
                "line {}: `{line}` is outside a ```console block",
                i + 1
            ));
        }
        i += 1;
        if line != "```console" {
            continue;
        }
        let open = i;
        let mut block = Vec::new();
        while i < lines.len() && lines[i] != "```" {
            block.push((i + 1, lines[i]));
            i += 1;
        }
        if i == lines.len() {
            return Err(format!("line {open}: the console block is never closed"));
        }
        i += 1;
        let before = sessions.len();
        parse_block(&block, &mut sessions)?;
        if sessions.len() == before {
            return Err(format!(
                "line {open}: the console block has no `$ csa` command"
            ));
        }
    }
    Ok(sessions)
}

/// The sessions of one console block, given as (line number, text) pairs.
fn parse_block(block: &[(usize, &str)], sessions: &mut Vec<Session>) -> Result<(), String> {
    // Group the block into commands, each with its output lines.
    let mut groups: Vec<(usize, &str, Vec<&str>)> = Vec::new();
    for &(n, text) in block {
        if let Some(command) = text.strip_prefix("$ ") {
            groups.push((n, command, Vec::new()));
        } else if let Some(group) = groups.last_mut() {
            group.2.push(text);
        } else {
            return Err(format!("line {n}: `{text}` comes before any `$ ` command"));
        }
    }
    let mut k = 0;
    while k < groups.len() {
        let (n, command, output) = &groups[k];
        if *command == "echo $?" {
            return Err(format!("line {n}: `$ echo $?` does not follow a command"));
        }
        k += 1;
        let status = match groups.get(k) {
            Some((m, "echo $?", code)) => {
                k += 1;
                match code.as_slice() {
                    [code] => code
                        .parse()
                        .map_err(|_| format!("line {m}: `{code}` is not an exit code"))?,
                    _ => return Err(format!("line {m}: `$ echo $?` needs exactly one line")),
                }
            }
            _ => 0,
        };
        let (args, stdin) = parse_command(command).map_err(|why| format!("line {n}: {why}"))?;
        let truncated = output.last() == Some(&"...");
        let output = if truncated {
            &output[..output.len() - 1]
        } else {
            &output[..]
        };
        let split = if truncated {
            output.len()
        } else {
            output.len()
                - output
                    .iter()
                    .rev()
                    .take_while(|l| l.starts_with("csa: "))
                    .count()
        };
        let join = |lines: &[&str]| lines.iter().map(|l| format!("{l}\n")).collect::<String>();
        sessions.push(Session {
            line: *n,
            command: (*command).to_owned(),
            args,
            stdin,
            stdout: join(&output[..split]),
            stderr: join(&output[split..]),
            truncated,
            status,
        });
    }
    Ok(())
}

/// The arguments and standard input of `csa ARG...`, `echo 'TEXT' | csa ARG...` or
/// `csa ARG... < FILE`.
fn parse_command(command: &str) -> Result<(Vec<String>, Stdin), String> {
    let (stdin, rest) = match command.strip_prefix("echo '") {
        Some(rest) => {
            let (text, rest) = rest
                .split_once("' | ")
                .ok_or_else(|| format!("`{command}`: expected `echo 'TEXT' | csa ...`"))?;
            (Stdin::Text(format!("{text}\n")), rest)
        }
        None => (Stdin::Empty, command),
    };
    let (stdin, rest) = match rest.split_once(" < ") {
        Some((rest, file)) if stdin == Stdin::Empty => (Stdin::File(file.to_owned()), rest),
        Some(_) => return Err(format!("`{command}`: two standard inputs")),
        None => (stdin, rest),
    };
    let mut words = rest.split(' ');
    if words.next() != Some("csa") {
        return Err(format!("`{command}` does not run `csa`"));
    }
    let args: Vec<String> = words.map(str::to_owned).collect();
    let special = |c: char| "'\"`\\|<>$;&*?(){}".contains(c);
    if let Some(arg) = args.iter().find(|a| a.is_empty() || a.contains(special)) {
        return Err(format!(
            "`{command}`: the argument `{arg}` needs a shell; this test does not run one"
        ));
    }
    if let Stdin::File(file) = &stdin {
        if file.is_empty() || file.contains(special) || file.contains(' ') {
            return Err(format!("`{command}`: `< {file}` is not a plain file name"));
        }
    }
    Ok((args, stdin))
}

// ---------------------------------------------------------------------------------------------
// Harness

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn examples_dir() -> PathBuf {
    root().join("docs/examples")
}

fn page() -> String {
    std::fs::read_to_string(root().join("docs/CLI.md")).unwrap()
}

/// Runs one session in docs/examples/; returns (stdout, stderr, exit code).
fn run(session: &Session) -> (String, String, Option<i32>) {
    let input =
        match &session.stdin {
            Stdin::Empty => None,
            Stdin::Text(text) => Some(text.clone().into_bytes()),
            Stdin::File(file) => Some(std::fs::read(examples_dir().join(file)).unwrap_or_else(
                |e| panic!("docs/CLI.md:{}: cannot read `{file}`: {e}", session.line),
            )),
        };
    let mut csa = Command::new(env!("CARGO_BIN_EXE_csa"));
    // The page shows output without colour, whoever runs the tests.
    for name in super::harness::COLOR_VARIABLES {
        csa.env_remove(name);
    }
    let mut child = csa
        .args(&session.args)
        .current_dir(examples_dir())
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

/// What is wrong with one session's run, if anything.
fn check(session: &Session) -> Option<String> {
    let (stdout, stderr, status) = run(session);
    let stdout_ok = if session.truncated {
        stdout.starts_with(&session.stdout)
    } else {
        stdout == session.stdout
    };
    if stdout_ok && stderr == session.stderr && status == Some(session.status) {
        return None;
    }
    let mut report = format!(
        "docs/CLI.md:{}: `$ {}` (run in docs/examples/)\n",
        session.line, session.command
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
    let sessions = parse(&page()).unwrap_or_else(|why| panic!("docs/CLI.md, {why}"));
    assert!(!sessions.is_empty(), "docs/CLI.md shows no `$ csa` session");
    let failures: Vec<String> = sessions.iter().filter_map(check).collect();
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
fn the_documented_sessions_cover_every_subcommand_and_exit_code() {
    let sessions = parse(&page()).unwrap();
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
    let sessions = parse(&page()).unwrap();
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

#[test]
fn the_parser_reads_the_three_command_forms() {
    let page = "text\n\
                ```console\n\
                $ csa check --patch a.json\n\
                allowed\n\
                csa: a reason\n\
                $ echo $?\n\
                2\n\
                $ echo '{\"a\": 1}' | csa check --patch -\n\
                refused\n\
                $ csa check --catalog - < c.json\n\
                $ echo $?\n\
                1\n\
                ```\n\
                ```console\n\
                $ csa demo\n\
                first\n\
                ...\n\
                ```\n";
    let sessions = parse(page).unwrap();
    let session = |line, command: &str, args: &[&str], stdin, stdout: &str, stderr: &str| Session {
        line,
        command: command.to_owned(),
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        stdin,
        stdout: stdout.to_owned(),
        stderr: stderr.to_owned(),
        truncated: false,
        status: 0,
    };
    assert_eq!(
        sessions,
        [
            Session {
                status: 2,
                ..session(
                    3,
                    "csa check --patch a.json",
                    &["check", "--patch", "a.json"],
                    Stdin::Empty,
                    "allowed\n",
                    "csa: a reason\n"
                )
            },
            session(
                8,
                "echo '{\"a\": 1}' | csa check --patch -",
                &["check", "--patch", "-"],
                Stdin::Text("{\"a\": 1}\n".to_owned()),
                "refused\n",
                ""
            ),
            Session {
                status: 1,
                ..session(
                    10,
                    "csa check --catalog - < c.json",
                    &["check", "--catalog", "-"],
                    Stdin::File("c.json".to_owned()),
                    "",
                    ""
                )
            },
            Session {
                truncated: true,
                ..session(15, "csa demo", &["demo"], Stdin::Empty, "first\n", "")
            },
        ]
    );
}

#[test]
fn the_parser_refuses_what_it_cannot_run() {
    let refused = [
        ("```console\n$ ls\n```\n", "line 2: `ls` does not run `csa`"),
        ("```console\nout\n```\n", "line 2: `out` comes before"),
        ("```console\n```\n", "line 1: the console block has no"),
        (
            "```console\n$ csa demo\n",
            "line 1: the console block is never",
        ),
        ("$ csa demo\n", "line 1: `$ csa demo` is outside"),
        (
            "```console\n$ csa check --patch \"a b.json\"\n```\n",
            "line 2: `csa check --patch \"a b.json\"`: the argument `\"a` needs a shell",
        ),
        (
            "```console\n$ csa demo\n$ echo $?\nzero\n```\n",
            "line 3: `zero` is not an exit code",
        ),
        (
            "```console\n$ echo $?\n0\n```\n",
            "line 2: `$ echo $?` does not follow",
        ),
    ];
    for (page, why) in refused {
        let err = parse(page).unwrap_err();
        assert!(err.starts_with(why), "{page:?}: {err}");
    }
}

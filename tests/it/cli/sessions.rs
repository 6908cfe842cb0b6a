//! The sessions of a page (docs/CLI.md, README.md): each `$ csa ...` command with the output the
//! page shows for it, read by a deliberately small parser.
//!
//! What it reads in a page:
//!
//! - A session is a fenced block opened by a line "```console" and closed by a line "```".
//!   A block opened by "```console no-run" is shown, never run: the marker is for what this test
//!   cannot run (the test suite itself, a server, a dev server). Any other info string after
//!   `console` is refused.
//! - In a session, a line starting with `$ ` is a command, and the lines up to the next `$ ` line
//!   (or the end of the block) are its output. A command line ending with ` \` continues on the
//!   next line, as in a shell.
//! - `$ cd DIR` changes the directory the block's later commands run in (relative to where the
//!   block started); it has no output.
//! - `$ echo $?` is not a command of its own: its one output line is the exit code of the command
//!   before it. A command that is not followed by `$ echo $?` must exit 0.
//! - A command is `csa ARG...`, with arguments separated by spaces, in one of three forms: plain
//!   (empty standard input), `echo 'TEXT' | csa ARG...` (standard input is TEXT and a newline, as
//!   `echo` writes it), or `csa ARG... < FILE` (standard input is FILE). An argument may be quoted
//!   whole or in part with `'...'` or `"..."` (no expansion or escape inside); any other shell
//!   syntax is refused.
//! - The documented output is standard output followed by standard error. csa writes at most one
//!   line to standard error, starting `csa: `, after everything else, so the trailing output lines
//!   that start with `csa: ` are the expected standard error and the others the expected standard
//!   output. Both must match exactly.
//! - An output whose last line is `...` is truncated (the page shows only the beginning of
//!   `csa demo`): the lines before it must be a prefix of standard output, standard error must be
//!   empty, and the exit code is checked as usual.
//!
//! Nothing else is skipped: a session or a `$ ` line the parser cannot run (another program, shell
//! syntax beyond the forms above, a `$ ` line outside a console block, an empty session) fails the
//! test, naming its line in the page.
// clippy.toml allows these in `#[test]` functions; the helpers here are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

// ---------------------------------------------------------------------------------------------
// Parser

/// One `$ csa ...` line of a page with what the page says it does.
#[derive(Debug, PartialEq)]
pub(super) struct Session {
    /// 1-based line of the command in the page.
    pub(super) line: usize,
    /// The directory it runs in, relative to the repository's root.
    pub(super) dir: String,
    /// The command as written, after `$ `.
    pub(super) command: String,
    /// The arguments after `csa`.
    pub(super) args: Vec<String>,
    /// What the command reads on standard input.
    pub(super) stdin: Stdin,
    /// The expected standard output, each line ending with `\n`.
    pub(super) stdout: String,
    /// The expected standard error, each line ending with `\n`.
    pub(super) stderr: String,
    /// Whether `stdout` is only the beginning of the output (the block ended with `...`).
    pub(super) truncated: bool,
    /// The expected exit code.
    pub(super) status: i32,
}

#[derive(Debug, PartialEq)]
pub(super) enum Stdin {
    Empty,
    Text(String),
    File(String),
}

/// Every session of a page whose blocks start in `start` (relative to the repository's root), or
/// the first thing the parser cannot read, as `line N: why`.
pub(super) fn parse(page: &str, start: &str) -> Result<Vec<Session>, String> {
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
        let run = match line.strip_prefix("```console") {
            None => continue,
            Some("") => true,
            Some(" no-run") => false,
            Some(other) => {
                return Err(format!(
                    "line {i}: `{other}` after ```console is not `no-run`"
                ))
            }
        };
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
        if !run {
            continue;
        }
        let before = sessions.len();
        parse_block(&block, start, &mut sessions)?;
        if sessions.len() == before {
            return Err(format!(
                "line {open}: the console block has no `$ csa` command"
            ));
        }
    }
    Ok(sessions)
}

/// The sessions of one console block, given as (line number, text) pairs, that starts in `dir`.
fn parse_block(
    block: &[(usize, &str)],
    dir: &str,
    sessions: &mut Vec<Session>,
) -> Result<(), String> {
    // Group the block into commands (continued lines joined), each with its output lines.
    let mut groups: Vec<(usize, String, Vec<&str>)> = Vec::new();
    let mut lines = block.iter();
    while let Some(&(n, text)) = lines.next() {
        if let Some(command) = text.strip_prefix("$ ") {
            let mut command = command.to_owned();
            while let Some(head) = command.strip_suffix(" \\") {
                let Some(&(_, next)) = lines.next() else {
                    return Err(format!("line {n}: the command continues past the block"));
                };
                command = format!("{head} {}", next.trim_start());
            }
            groups.push((n, command, Vec::new()));
        } else if let Some(group) = groups.last_mut() {
            group.2.push(text);
        } else {
            return Err(format!("line {n}: `{text}` comes before any `$ ` command"));
        }
    }
    let mut dir = dir.to_owned();
    let mut k = 0;
    while k < groups.len() {
        let (n, command, output) = &groups[k];
        if command == "echo $?" {
            return Err(format!("line {n}: `$ echo $?` does not follow a command"));
        }
        k += 1;
        if let Some(to) = command.strip_prefix("cd ") {
            if !output.is_empty() || to.is_empty() || to.contains(|c: char| " '\"$~".contains(c)) {
                return Err(format!(
                    "line {n}: `$ {command}` needs a plain directory and no output"
                ));
            }
            dir = Path::new(&dir).join(to).to_str().unwrap().to_owned();
            continue;
        }
        let status = match groups.get(k) {
            Some((m, echo, code)) if echo == "echo $?" => {
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
            dir: dir.clone(),
            command: command.clone(),
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
    let special = |c: char| "'\"`\\|<>$;&*?(){}".contains(c);
    let mut words = rest.split(' ');
    if words.next() != Some("csa") {
        return Err(format!("`{command}` does not run `csa`"));
    }
    let args = words_of(rest.strip_prefix("csa ").unwrap_or("")).map_err(|word| {
        format!("`{command}`: the argument `{word}` needs a shell; this test does not run one")
    })?;
    if let Stdin::File(file) = &stdin {
        if file.is_empty() || file.contains(special) || file.contains(' ') {
            return Err(format!("`{command}`: `< {file}` is not a plain file name"));
        }
    }
    Ok((args, stdin))
}

/// The arguments of a command line: words separated by single spaces, each possibly quoted whole
/// or in part with `'...'` or `"..."`. Quotes only group; nothing inside them is expanded, so
/// `$`, a backquote or a backslash inside double quotes is refused, as is any shell syntax
/// outside quotes. The error is the word that needs a shell.
fn words_of(line: &str) -> Result<Vec<String>, String> {
    let special = |c: char| "`\\|<>$;&*?(){}".contains(c);
    let mut words = Vec::new();
    for raw in split_outside_quotes(line) {
        let mut word = String::new();
        let mut quote = None;
        for c in raw.chars() {
            match (quote, c) {
                (None, '\'' | '"') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (Some('"'), c) if special(c) => return Err(raw),
                (Some(_), c) => word.push(c),
                (None, c) if special(c) => return Err(raw),
                (None, c) => word.push(c),
            }
        }
        if quote.is_some() || raw.is_empty() {
            return Err(raw);
        }
        words.push(word);
    }
    Ok(words)
}

/// `line` split at the spaces that are outside quotes.
fn split_outside_quotes(line: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (None, ' ') => parts.push(String::new()),
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
        if quote.is_some() || c != ' ' {
            parts.last_mut().unwrap().push(c);
        }
    }
    if line.is_empty() {
        parts.clear();
    }
    parts
}

// ---------------------------------------------------------------------------------------------
// Tests

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
    let sessions = parse(page, "start").unwrap();
    let session = |line, command: &str, args: &[&str], stdin, stdout: &str, stderr: &str| Session {
        line,
        dir: "start".to_owned(),
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
fn the_parser_reads_quotes_continuations_directories_and_no_run_blocks() {
    let page = "```console no-run\n\
                $ cargo xtask test\n\
                ```\n\
                ```console\n\
                $ cd docs/examples\n\
                $ csa filter --objects tenant.jsonl \\\n    \
                --filter \"customSecurityAttributes/Marketing/AppCountry eq 'Canada'\" --x='a b'\n\
                2 matches\n\
                $ cd more\n\
                $ csa demo\n\
                ```\n";
    let sessions = parse(page, ".").unwrap();
    let summary: Vec<(usize, &str, Vec<&str>, &str)> = sessions
        .iter()
        .map(|s| {
            let args = s.args.iter().map(String::as_str).collect();
            (s.line, s.dir.as_str(), args, s.stdout.as_str())
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                6,
                "./docs/examples",
                vec![
                    "filter",
                    "--objects",
                    "tenant.jsonl",
                    "--filter",
                    "customSecurityAttributes/Marketing/AppCountry eq 'Canada'",
                    "--x=a b"
                ],
                "2 matches\n"
            ),
            (10, "./docs/examples/more", vec!["demo"], ""),
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
            "```console\n$ csa check --patch $HOME/a.json\n```\n",
            "line 2: `csa check --patch $HOME/a.json`: the argument `$HOME/a.json` needs a shell",
        ),
        (
            "```console\n$ csa filter --filter \"a `b`\"\n```\n",
            "line 2: `csa filter --filter \"a `b`\"`: the argument `\"a `b`\"` needs a shell",
        ),
        (
            "```console\n$ csa filter --filter 'a\n```\n",
            "line 2: `csa filter --filter 'a`: the argument `'a` needs a shell",
        ),
        (
            "```console\n$ csa demo \\\n```\n",
            "line 2: the command continues past the block",
        ),
        (
            "```console\n$ cd ~\n$ csa demo\n```\n",
            "line 2: `$ cd ~` needs a plain directory",
        ),
        (
            "```console run\n$ csa demo\n```\n",
            "line 1: ` run` after ```console is not `no-run`",
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
        let err = parse(page, ".").unwrap_err();
        assert!(err.starts_with(why), "{page:?}: {err}");
    }
}

//! The rule table in docs/RULES.md lists every code and warning the library defines, and every
//! test it cites exists. The repository's docs stand on their own: no tracked file refers to
//! files outside the repository, to issue or task numbers, or to the page tags of planning notes,
//! and every reference to a section of docs/RULES.md names a heading it has.
// clippy.toml allows these in `#[test]` functions; the helpers here are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const RULES: &str = include_str!("../../docs/RULES.md");
const PERFORMANCE: &str = include_str!("../../docs/PERFORMANCE.md");
const README: &str = include_str!("../../README.md");

#[test]
fn every_code_and_warning_has_a_row() {
    for code in csa::Code::ALL {
        let cell = format!("| `{}` |", code.as_str());
        assert!(
            RULES.contains(&cell),
            "docs/RULES.md has no row for `{code}`"
        );
    }
    for code in csa::WarningCode::ALL {
        let cell = format!("| `{}` |", code.as_str());
        assert!(
            RULES.contains(&cell),
            "docs/RULES.md has no row for `{code}`"
        );
    }
}

#[test]
fn every_cited_test_exists() {
    // Every `.rs` file under tests/, in its folders too (the modules of tests/it/), by file name:
    // a citation `file::function` names the file, whatever its module path.
    let mut files = Vec::new();
    let mut dirs = vec![PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests"))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut defined = HashSet::new();
    for path in files {
        let file = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines() {
            if let Some(rest) = line.trim_start().strip_prefix("fn ") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                defined.insert(format!("{file}::{name}"));
            }
        }
    }
    let mut cited = 0;
    for part in [RULES, PERFORMANCE, README]
        .iter()
        .flat_map(|doc| doc.split('`'))
    {
        if part.contains("::")
            && part
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == ':')
        {
            let file = part.split("::").next().unwrap();
            let name = part.split("::").nth(1).unwrap_or("");
            let a_test = name.starts_with(|c: char| c.is_ascii_lowercase()) && name.contains('_');
            if a_test && defined.iter().any(|d| d.starts_with(&format!("{file}::"))) {
                assert!(
                    defined.contains(part),
                    "the docs cite `{part}`, which does not exist"
                );
                cited += 1;
            }
        }
    }
    assert!(cited > 100, "only {cited} test citations found");
}

// ---------------------------------------------------------------------------------------------
// The docs stand on their own

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The repository's tracked files (`git ls-files`), as paths relative to its root. Without git
/// (a source tarball), every file under the root except build output and dependencies.
fn tracked_files() -> Vec<PathBuf> {
    let listed = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root())
        .output()
        .ok()
        .filter(|o| o.status.success() && !o.stdout.is_empty());
    if let Some(out) = listed {
        return out
            .stdout
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
            .collect();
    }
    let skipped = [
        "target",
        "node_modules",
        ".git",
        "pkg",
        "dist",
        "artifacts",
        "corpus",
    ];
    let mut files = Vec::new();
    let mut dirs = vec![PathBuf::new()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(root().join(&dir)).unwrap() {
            let entry = entry.unwrap();
            let rel = dir.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                if !skipped.iter().any(|s| entry.file_name() == *s) {
                    dirs.push(rel);
                }
            } else {
                files.push(rel);
            }
        }
    }
    files
}

/// Every tracked text file (UTF-8 without NUL bytes) with its text.
fn tracked_texts() -> Vec<(PathBuf, String)> {
    tracked_files()
        .into_iter()
        .filter_map(|rel| {
            // A tracked file deleted in the working tree is not there to read.
            let bytes = std::fs::read(root().join(&rel)).ok()?;
            let text = String::from_utf8(bytes).ok()?;
            (!text.contains('\0')).then_some((rel, text))
        })
        .collect()
}

/// Whether the text at `at` is a page tag of the kind planning notes use: at a word start, a
/// capital, a hyphen, then two or more capitals (more hyphenated parts may follow) or four
/// digits, ending at a word end. A phrase of docs never has this shape; `X05` or `UTF-16` do not.
fn tag_at(text: &str, at: usize) -> Option<&str> {
    let b = text.as_bytes();
    let word = |i: usize| {
        b.get(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    };
    if at > 0 && word(at - 1) {
        return None;
    }
    if !b.get(at)?.is_ascii_uppercase() || b.get(at + 1) != Some(&b'-') {
        return None;
    }
    let run = |from: usize, f: fn(&u8) -> bool| b[from..].iter().take_while(|c| f(c)).count();
    let letters = run(at + 2, u8::is_ascii_uppercase);
    let digits = run(at + 2, u8::is_ascii_digit);
    let end = if letters >= 2 {
        at + 2 + letters
    } else if digits == 4 {
        at + 2 + digits
    } else {
        return None;
    };
    (!word(end)).then(|| &text[at..end])
}

/// What no tracked file may say, with why: (line number, the offending text).
fn forbidden(text: &str) -> Vec<(usize, String)> {
    // Built here rather than written out, so this file does not match itself.
    let needles = [
        format!("../{}", "shared"),
        format!("entra-csa-{}", "facts"),
        format!("RULES.md {}", '\u{a7}'),
    ];
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for needle in &needles {
            if line.contains(needle.as_str()) {
                found.push((n + 1, needle.clone()));
            }
        }
        let lower = line.to_ascii_lowercase();
        for word in ["issue ", "issue #", "task ", "task #"] {
            for (i, _) in lower.match_indices(word) {
                let starts_word = i == 0 || !lower.as_bytes()[i - 1].is_ascii_alphanumeric();
                let digit = lower.as_bytes().get(i + word.len());
                if starts_word && digit.is_some_and(u8::is_ascii_digit) {
                    found.push((n + 1, line[i..(i + word.len() + 1)].to_owned()));
                }
            }
        }
        for (i, _) in line.match_indices('-') {
            if let Some(tag) = i.checked_sub(1).and_then(|at| tag_at(line, at)) {
                found.push((n + 1, tag.to_owned()));
            }
        }
    }
    found
}

#[test]
fn no_tracked_file_refers_to_planning_notes_issues_or_files_outside_the_repository() {
    let texts = tracked_texts();
    assert!(
        texts.len() > 100,
        "only {} tracked text files found",
        texts.len()
    );
    // The scan reaches every kind of doc: the README, docs/, the library's doc comments, the
    // language packages' and the playground's docs, the CLI's help (its doc comments).
    for expected in [
        "README.md",
        "docs/RULES.md",
        "docs/schema/common.json",
        "src/lib.rs",
        "src/bin/csa/main.rs",
        "bindings/python/README.md",
        "bindings/wasm/README.md",
        "playground/index.html",
        "playground/src/main.js",
    ] {
        assert!(
            texts.iter().any(|(p, _)| p == Path::new(expected)),
            "{expected} is not scanned"
        );
    }
    let mut failures = Vec::new();
    for (path, text) in &texts {
        for (line, what) in forbidden(text) {
            failures.push(format!("{}:{line}: `{what}`", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "the docs must stand on their own: cite a section of docs/RULES.md by its heading (or a \
         link to its anchor) and Microsoft's pages by title and URL, never a file outside the \
         repository, an issue or task number, or a planning note's page tag:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_scan_finds_what_it_forbids() {
    let tag = |a: &str, b: &str| format!("{a}-{b}");
    for bad in [
        format!("see ../{}/reference/RULES.md", "shared"),
        format!("as entra-csa-{}.md says", "facts"),
        format!("RULES.md {}3.2", '\u{a7}'),
        format!("fixed in {} 5", "issue"),
        format!("{} 2's figure", "Issue"),
        format!("as {} 5 asks", "task"),
        format!("({})", tag("G", "EX")),
        format!("{} limits", tag("E", "OV")),
        format!("{} ex. 1", tag("G", "UPDDEF")),
        format!("{} (X05)", tag("I", "1938")),
        tag("E-R", "AAA"),
        format!("{}-2021", tag("A", "OV")),
    ] {
        assert!(!forbidden(&bad).is_empty(), "not caught: {bad}");
    }
    for fine in [
        "X05, A01 and Q03 are documented examples",
        "UTF-16 code units; SHA-256; x-ms-header; A-Z",
        "the npm package entra-csa",
        "issues/1938 on GitHub; tissue 5; the task runner",
        "docs/RULES.md, Values",
    ] {
        assert_eq!(forbidden(fine), Vec::new(), "caught: {fine}");
    }
}

/// The headings of docs/RULES.md below its title, as written and as GitHub anchors.
fn rules_headings() -> Vec<(String, String)> {
    RULES
        .lines()
        .filter_map(|l| l.strip_prefix("## ").or_else(|| l.strip_prefix("### ")))
        .map(|h| {
            let anchor: String = h
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '-' || *c == ' ' || *c == '_')
                .map(|c| if c == ' ' { '-' } else { c })
                .collect();
            (h.to_owned(), anchor)
        })
        .collect()
}

/// A text with comment markers and line breaks folded into single spaces, so that a reference
/// broken across comment lines reads as one phrase.
fn folded(text: &str) -> String {
    text.lines()
        .map(|l| {
            let l = l.trim_start();
            let l = ["//!", "///", "//", "* ", "#"]
                .iter()
                .find_map(|m| l.strip_prefix(m))
                .unwrap_or(l);
            l.trim()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_reference_to_a_section_of_the_rules_names_one_of_its_headings() {
    let headings = rules_headings();
    assert!(
        headings.len() > 20,
        "docs/RULES.md has {} headings",
        headings.len()
    );
    let mut failures = Vec::new();
    let mut references = 0;
    for (path, text) in tracked_texts() {
        let text = folded(&text);
        // The page's name followed by ", " or " (" and a heading's text. Built here rather than
        // written out, so this file's own code is not read as a reference.
        let page = "docs/RULES.md";
        for form in [format!("{page}, "), format!("{page} (")] {
            for (i, _) in text.match_indices(form.as_str()) {
                let rest = &text[i + form.len()..];
                references += 1;
                if !headings.iter().any(|(h, _)| rest.starts_with(h.as_str())) {
                    let shown: String = rest.chars().take(40).collect();
                    failures.push(format!("{}: `{form}{shown}...`", path.display()));
                }
            }
        }
        // Links: the page's name, `#` and an anchor; and `](#` then an anchor inside the page.
        let link = format!("RULES.md{}", '#');
        let links = text
            .match_indices(link.as_str())
            .map(|(i, m)| i + m.len())
            .chain(
                (path == Path::new("docs/RULES.md"))
                    .then(|| text.match_indices("](#").map(|(i, m)| i + m.len()))
                    .into_iter()
                    .flatten(),
            );
        for start in links {
            let anchor: String = text[start..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            references += 1;
            if !headings.iter().any(|(_, a)| *a == anchor) {
                failures.push(format!("{}: `#{anchor}`", path.display()));
            }
        }
    }
    assert!(
        references > 50,
        "only {references} references to docs/RULES.md found"
    );
    assert!(
        failures.is_empty(),
        "references to sections docs/RULES.md does not have (its headings are: {}):\n{}",
        headings
            .iter()
            .map(|(h, _)| h.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        failures.join("\n")
    );
}

/// The command line's `--help` texts are docs too: `csa --help` and each subcommand's.
#[cfg(feature = "cli")]
#[test]
fn no_help_text_refers_to_planning_notes_issues_or_files_outside_the_repository() {
    let help = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_csa"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "csa {args:?} failed");
        String::from_utf8(out.stdout).unwrap()
    };
    let top = help(&["--help"]);
    // The subcommands, from the "Commands:" section: one per line, indented, name first.
    let subcommands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|c| c != "help")
        .collect();
    assert!(subcommands.len() >= 10, "csa --help lists {subcommands:?}");
    let mut texts = vec![("csa --help".to_owned(), top)];
    for sub in &subcommands {
        texts.push((format!("csa {sub} --help"), help(&[sub, "--help"])));
    }
    let mut failures = Vec::new();
    for (what, text) in &texts {
        for (line, found) in forbidden(text) {
            failures.push(format!("{what}, line {line}: `{found}`"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

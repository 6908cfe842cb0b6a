//! The rule table in docs/RULES.md lists every code and warning the library defines, and every
//! test it cites exists.

use std::collections::HashSet;
use std::path::PathBuf;

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

//! `cargo xtask mutants`: test strength as a figure. cargo-mutants makes small changes to the
//! library's code (mutants) and runs the whole suite on each; a mutant no test notices is a
//! behaviour nothing pins down. Its configuration (what is mutated, the test command, the
//! timeouts) is `.cargo/mutants.toml`; how to read and reproduce the figure is in
//! `docs/TESTING.md`.
//!
//! ```text
//! cargo xtask mutants [--shard K/N] [--file GLOB]... [-- CARGO_MUTANTS_ARGS...]
//! cargo xtask mutants --report DIR...
//! ```
//!
//! A run with `--shard K/N` tests every N-th mutant from the K-th (cargo-mutants'
//! `--sharding round-robin`), a sample spread over the whole crate; its output goes to
//! `target/mutants-runs/shard-K-of-N` (`target/mutants-runs/all` without `--shard`). `--report` only
//! summarises earlier runs' output directories, together (e.g. the shards of one sample).
//! Either way the counts, the score and every missed mutant are printed and written to
//! `target/mutants-summary.md`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run::{cmd, root, run};

/// The cargo-mutants release the figures in docs/TESTING.md were measured with.
pub const MUTANTS_VERSION: &str = "27.1.0";

/// `cargo xtask mutants ...`.
pub fn mutants(args: &[String]) -> Result<(), String> {
    let mut shard: Option<(u32, u32)> = None;
    let mut files: Vec<String> = Vec::new();
    let mut reports: Vec<PathBuf> = Vec::new();
    let mut extra: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("`{a}` needs a value"));
        match a.as_str() {
            "--shard" => shard = Some(parse_shard(value()?)?),
            "--file" | "-f" => files.push(value()?.clone()),
            "--report" => {
                reports.push(PathBuf::from(value()?));
                // Further directories may follow without repeating `--report`.
                while let Some(dir) = it.as_slice().first().filter(|d| !d.starts_with('-')) {
                    reports.push(PathBuf::from(dir));
                    it.next();
                }
            }
            "--" => {
                extra.extend(it.by_ref().cloned());
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let (title, dirs) = if reports.is_empty() {
        let out = run_sample(shard, &files, &extra)?;
        let title = match shard {
            Some((k, n)) => format!("shard {k}/{n} (round-robin)"),
            None => "every mutant".to_owned(),
        };
        (title, vec![out])
    } else {
        let names: Vec<String> = reports.iter().map(|d| d.display().to_string()).collect();
        (names.join(" + "), reports)
    };
    let mut tally = Tally::default();
    for dir in &dirs {
        tally.add(&outcomes_dir(dir)?)?;
    }
    let summary = tally.markdown(&title, &source_revision());
    print!("{summary}");
    let path = root().join("target/mutants-summary.md");
    std::fs::write(&path, &summary).map_err(|e| format!("writing {}: {e}", path.display()))?;
    eprintln!("xtask: written to {}", path.display());
    Ok(())
}

const USAGE: &str =
    "usage: cargo xtask mutants [--shard K/N] [--file GLOB]... [-- CARGO_MUTANTS_ARGS...]
       cargo xtask mutants --report DIR...";

fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("`--shard {s}`: expected K/N with K < N, like 0/48");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n) = (
        k.trim().parse::<u32>().map_err(|_| bad())?,
        n.trim().parse::<u32>().map_err(|_| bad())?,
    );
    if k < n {
        Ok((k, n))
    } else {
        Err(bad())
    }
}

/// Installs cargo-mutants if it is missing (or another release), runs the sample, and returns
/// the directory it wrote. cargo-mutants exits non-zero when a mutant is missed or timed out;
/// that is the figure, not a failure: only a broken baseline or a bad invocation is.
fn run_sample(
    shard: Option<(u32, u32)>,
    files: &[String],
    extra: &[String],
) -> Result<PathBuf, String> {
    ensure_installed()?;
    let label = match shard {
        Some((k, n)) => format!("shard-{k}-of-{n}"),
        None => "all".to_owned(),
    };
    let out = root().join("target/mutants-runs").join(label);
    // cargo-mutants creates `--output` itself, but not its parent.
    std::fs::create_dir_all(&out).map_err(|e| format!("creating {}: {e}", out.display()))?;
    let out_arg = out.display().to_string();
    let mut c = cmd(
        "cargo",
        &["mutants", "--no-shuffle", "--output", &out_arg],
        ".",
    );
    if let Some((k, n)) = shard {
        c.args(["--shard", &format!("{k}/{n}"), "--sharding", "round-robin"]);
    }
    for f in files {
        c.args(["--file", f]);
    }
    c.args(extra);
    eprintln!("$ {c:?}");
    let status = c
        .status()
        .map_err(|e| format!("cannot start cargo mutants: {e}"))?;
    // 0: every mutant caught; 2: some missed; 3: some timed out (cargo-mutants' exit codes).
    match status.code() {
        Some(0 | 2 | 3) => Ok(out),
        _ => Err(format!(
            "cargo mutants failed ({status}); see {}/mutants.out/log/",
            out.display()
        )),
    }
}

fn ensure_installed() -> Result<(), String> {
    let version = Command::new("cargo")
        .args(["mutants", "--version"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if version.as_deref() == Some(&format!("cargo-mutants {MUTANTS_VERSION}")) {
        return Ok(());
    }
    run(&mut cmd(
        "cargo",
        &[
            "install",
            "cargo-mutants",
            "--version",
            MUTANTS_VERSION,
            "--locked",
        ],
        ".",
    ))
}

/// The `mutants.out` directory of a run's output directory (or the directory itself).
fn outcomes_dir(dir: &Path) -> Result<PathBuf, String> {
    let inner = dir.join("mutants.out");
    if inner.join("caught.txt").is_file() {
        Ok(inner)
    } else if dir.join("caught.txt").is_file() {
        Ok(dir.to_path_buf())
    } else {
        Err(format!("{} holds no cargo-mutants output", dir.display()))
    }
}

/// The commit the run is of, `+dirty` when the work tree has changes.
fn source_revision() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(root())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    match git(&["rev-parse", "--short", "HEAD"]) {
        Some(rev) if git(&["status", "--porcelain"]).is_some_and(|s| !s.is_empty()) => {
            format!("{rev}+dirty")
        }
        Some(rev) => rev,
        None => "unknown".to_owned(),
    }
}

/// The outcomes of one or more runs.
#[derive(Debug, Default)]
struct Tally {
    caught: usize,
    timeout: usize,
    unviable: usize,
    /// `file:line:column: mutation`, as cargo-mutants names them.
    missed: Vec<String>,
}

impl Tally {
    fn add(&mut self, outcomes: &Path) -> Result<(), String> {
        let lines = |name: &str| -> Result<Vec<String>, String> {
            let path = outcomes.join(name);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("reading {}: {e}", path.display()))?;
            Ok(text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect())
        };
        self.caught += lines("caught.txt")?.len();
        self.timeout += lines("timeout.txt")?.len();
        self.unviable += lines("unviable.txt")?.len();
        self.missed.extend(lines("missed.txt")?);
        Ok(())
    }

    fn viable(&self) -> usize {
        self.caught + self.timeout + self.missed.len()
    }

    /// (caught + timeout) / viable, in percent.
    fn score(&self) -> Option<f64> {
        let viable = self.viable();
        (viable > 0).then(|| 100.0 * (self.caught + self.timeout) as f64 / viable as f64)
    }

    fn markdown(&self, title: &str, revision: &str) -> String {
        let mut s = String::new();
        let score = self
            .score()
            .map_or_else(|| "n/a".to_owned(), |p| format!("{p:.1} %"));
        let _ = writeln!(s, "# Mutation testing: {title}\n");
        let _ = writeln!(
            s,
            "cargo-mutants {MUTANTS_VERSION}, the tests of .cargo/mutants.toml per mutant \
             (docs/TESTING.md), source {revision}.\n"
        );
        let _ = writeln!(
            s,
            "| caught | missed | timeout | unviable | viable | score |"
        );
        let _ = writeln!(s, "| ---: | ---: | ---: | ---: | ---: | ---: |");
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {score} |\n",
            self.caught,
            self.missed.len(),
            self.timeout,
            self.unviable,
            self.viable()
        );
        let _ = writeln!(
            s,
            "score = (caught + timeout) / viable; viable = caught + missed + timeout.\n"
        );
        let _ = writeln!(s, "## Missed ({})\n", self.missed.len());
        if self.missed.is_empty() {
            let _ = writeln!(s, "None.");
        }
        let mut missed = self.missed.clone();
        missed.sort();
        for m in &missed {
            // `src/names.rs:438:16: delete ! in NameIndex::extend`
            let (place, mutation) = split_place(m);
            let _ = writeln!(s, "- `{place}`: {mutation}");
        }
        s
    }
}

/// `("src/a.rs:1:2", "the mutation")` from cargo-mutants' name of a mutant.
fn split_place(name: &str) -> (&str, &str) {
    let mut colons = name.match_indices(':').map(|(i, _)| i);
    match (colons.next(), colons.next(), colons.next()) {
        (Some(_), Some(_), Some(third)) if name.get(third..third + 2) == Some(": ") => (
            name.get(..third).unwrap_or(name),
            name.get(third + 2..).unwrap_or_default(),
        ),
        _ => (name, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_k_of_n() {
        assert_eq!(parse_shard("0/48"), Ok((0, 48)));
        assert_eq!(parse_shard("47/48"), Ok((47, 48)));
        assert!(parse_shard("48/48").is_err());
        assert!(parse_shard("1").is_err());
    }

    #[test]
    fn summary_counts_and_lists_the_missed() {
        let t = Tally {
            caught: 40,
            timeout: 1,
            unviable: 5,
            missed: vec![
                "src/object.rs:289:16: delete ! in parse_state".to_owned(),
                "src/names.rs:438:16: delete ! in NameIndex::extend".to_owned(),
            ],
        };
        assert_eq!(t.viable(), 43);
        let md = t.markdown("shard 0/48 (round-robin)", "abc1234");
        assert!(md.contains("| 40 | 2 | 1 | 5 | 43 | 95.3 % |"), "{md}");
        let names = md.find("src/names.rs").unwrap_or(usize::MAX);
        let object = md.find("src/object.rs").unwrap_or(0);
        assert!(names < object, "sorted: {md}");
        assert!(md.contains("- `src/names.rs:438:16`: delete ! in NameIndex::extend"));
        assert_eq!(Tally::default().score(), None);
    }
}

//! `cargo xtask bench-count`: every function of every bench group counted in instructions
//! (callgrind), printed as the Markdown table of docs/PERFORMANCE.md, with Criterion's latest
//! wall-clock medians beside them.
//!
//! ```text
//! cargo xtask bench-count [--bench NAME,...] [--group NAME,...] [--jobs N] [--criterion]
//! ```
//!
//! 1. builds the bench binaries (`cargo bench --no-run`), and with `--criterion` runs the
//!    Criterion benches first (`cargo bench --bench NAME`: minutes, and their wall-clock
//!    figures are only as steady as the machine);
//! 2. asks each binary for its groups (`BIN list`: the group, the calls to count, the
//!    baseline, the peer, the functions; `benches/harness/mod.rs`);
//! 3. runs `valgrind --tool=callgrind BIN count GROUP/FUNCTION N` for every function and
//!    `BIN count GROUP/none 0` once per group (`--jobs` at a time, 1 by default; counts do not
//!    depend on the load, so 2 jobs on 2 cores give the same figures sooner);
//! 4. prints, per function, (count − setup count) / N, its ratio to the group's baseline and
//!    to its peer, and Criterion's median from `target/criterion/GROUP/FUNCTION/new/estimates.json`
//!    when there is one, with its ratio to the baseline's median.
//!
//! A group and function already counted from an earlier binary is not counted again: the
//! `evaluate_typical` of `interleaved` adds only `csa_unprepared` to that of `evaluate`. The
//! `allocations` binary is not counted (its instrumented allocator adds instructions of its
//! own). Needs `valgrind` on the `PATH`; CI only builds the benches.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use crate::run::{cmd, root, run};

/// The benches counted, in order, and whether Criterion runs them (`interleaved` times its
/// own rounds, and its Criterion-less run has no estimates to read).
const BENCHES: &[(&str, bool)] = &[
    ("evaluate", true),
    ("interleaved", false),
    ("batch", true),
    ("catalog", true),
    ("plan", true),
    ("filter", true),
];

/// A group, as `BIN list` prints it.
struct Group {
    bench: String,
    binary: PathBuf,
    name: String,
    calls: u64,
    baseline: String,
    peer: Option<String>,
    /// Its functions not counted from an earlier binary.
    functions: Vec<String>,
}

/// One valgrind run: `count GROUP/FUNCTION CALLS` of a binary.
struct Job {
    group: usize,
    /// `None`: the setup alone (`none 0`).
    function: Option<String>,
    calls: u64,
}

/// Options of the task.
struct Options {
    benches: Vec<String>,
    groups: Option<Vec<String>>,
    jobs: usize,
    criterion: bool,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        benches: BENCHES.iter().map(|(b, _)| (*b).to_owned()).collect(),
        groups: None,
        jobs: 1,
        criterion: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("`{a}` needs a value"));
        let list = |v: &String| {
            v.split(',')
                .map(|s| s.trim().to_owned())
                .collect::<Vec<_>>()
        };
        match a.as_str() {
            "--bench" => o.benches = list(value()?),
            "--group" => o.groups = Some(list(value()?)),
            "--jobs" | "-j" => {
                o.jobs = value()?
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or("--jobs takes a number of runs at a time, at least 1")?;
            }
            "--criterion" => o.criterion = true,
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    for b in &o.benches {
        if !BENCHES.iter().any(|(name, _)| name == b) {
            let known: Vec<&str> = BENCHES.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "no bench `{b}` is counted (known: {})",
                known.join(", ")
            ));
        }
    }
    Ok(o)
}

/// The usage line of the task.
pub const USAGE: &str =
    "cargo xtask bench-count [--bench NAME,...] [--group NAME,...] [--jobs N] [--criterion]";

/// `cargo xtask bench-count ...`.
pub fn bench_count(args: &[String]) -> Result<(), String> {
    let o = options(args)?;
    let valgrind = output(Command::new("valgrind").arg("--version"))
        .map_err(|e| format!("valgrind is needed on the PATH ({e})"))?;
    if o.criterion {
        for (bench, _) in BENCHES
            .iter()
            .filter(|(b, criterion)| *criterion && o.benches.iter().any(|c| c == b))
        {
            run(&mut cmd("cargo", &["bench", "--bench", bench], "."))?;
        }
    }
    let binaries = build(&o.benches)?;
    let groups = groups(&o, &binaries)?;
    if groups.is_empty() {
        return Err("no group to count".to_owned());
    }
    let mut jobs = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        jobs.push(Job {
            group: i,
            function: None,
            calls: 0,
        });
        for f in &g.functions {
            jobs.push(Job {
                group: i,
                function: Some(f.clone()),
                calls: g.calls,
            });
        }
    }
    let results = count_all(&groups, &jobs, o.jobs)?;
    // A failed run leaves out its function (or its group, for a failed setup) and the task
    // fails at the end, but the table of every other count is still printed.
    let mut failed = 0;
    let counts: Vec<Option<u64>> = results
        .into_iter()
        .map(|r| {
            r.map_err(|e| {
                failed += 1;
                eprintln!("{e}");
            })
            .ok()
        })
        .collect();
    let criterion_dir = target_dir().join("criterion");
    print_table(&groups, &jobs, &counts, &criterion_dir, valgrind.trim());
    if failed > 0 {
        return Err(format!(
            "{failed} of {} runs failed (above); their functions are not in the table",
            jobs.len()
        ));
    }
    Ok(())
}

/// The target directory of the workspace.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// Builds `benches` and returns each one's binary.
fn build(benches: &[String]) -> Result<Vec<(String, PathBuf)>, String> {
    let mut c = cmd(
        "cargo",
        &[
            "bench",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ],
        ".",
    );
    for b in benches {
        c.args(["--bench", b]);
    }
    eprintln!(
        "$ cargo bench --no-run --bench ... (building {})",
        benches.join(", ")
    );
    let out = c
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo bench --no-run failed ({})", out.status));
    }
    let mut binaries = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let is_bench = msg
            .pointer("/target/kind")
            .and_then(serde_json::Value::as_array)
            .is_some_and(|k| k.iter().any(|k| k == "bench"));
        if let (true, Some(name), Some(exe)) = (
            is_bench,
            msg.pointer("/target/name")
                .and_then(serde_json::Value::as_str),
            msg.get("executable").and_then(serde_json::Value::as_str),
        ) {
            binaries.push((name.to_owned(), PathBuf::from(exe)));
        }
    }
    for b in benches {
        if !binaries.iter().any(|(name, _)| name == b) {
            return Err(format!("cargo did not name the binary of bench `{b}`"));
        }
    }
    Ok(binaries)
}

/// The groups of each binary (`BIN list`), in bench order, each function counted once.
fn groups(o: &Options, binaries: &[(String, PathBuf)]) -> Result<Vec<Group>, String> {
    let mut seen = HashSet::new();
    let mut groups = Vec::new();
    for bench in &o.benches {
        let Some((_, binary)) = binaries.iter().find(|(name, _)| name == bench) else {
            continue;
        };
        let listed = output(Command::new(binary).arg("list"))?;
        for line in listed.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            let [name, calls, baseline, peer, functions] = fields.as_slice() else {
                return Err(format!("`{} list` printed `{line}`", binary.display()));
            };
            if o.groups
                .as_ref()
                .is_some_and(|only| !only.iter().any(|g| g == name))
            {
                continue;
            }
            let functions: Vec<String> = functions
                .split(',')
                .filter(|f| seen.insert(format!("{name}/{f}")))
                .map(str::to_owned)
                .collect();
            if functions.is_empty() {
                continue;
            }
            groups.push(Group {
                bench: bench.clone(),
                binary: binary.clone(),
                name: (*name).to_owned(),
                calls: calls
                    .parse()
                    .map_err(|_| format!("`{} list`: calls `{calls}`", binary.display()))?,
                baseline: (*baseline).to_owned(),
                peer: Some(*peer).filter(|p| *p != "-").map(str::to_owned),
                functions,
            });
        }
    }
    Ok(groups)
}

/// Runs every job, `parallel` at a time; the instructions each counted, in job order.
fn count_all(
    groups: &[Group],
    jobs: &[Job],
    parallel: usize,
) -> Result<Vec<Result<u64, String>>, String> {
    let next = Mutex::new(0_usize);
    let results: Mutex<Vec<Option<Result<u64, String>>>> =
        Mutex::new(jobs.iter().map(|_| None).collect());
    let worker = || loop {
        let i = {
            let Ok(mut n) = next.lock() else { return };
            let i = *n;
            *n += 1;
            i
        };
        let Some(job) = jobs.get(i) else { return };
        let Some(group) = groups.get(job.group) else {
            return;
        };
        let target = format!(
            "{}/{}",
            group.name,
            job.function.as_deref().unwrap_or("none")
        );
        eprintln!(
            "[{}/{}] callgrind {} count {target} {}",
            i + 1,
            jobs.len(),
            group.bench,
            job.calls
        );
        let result = collected(&group.binary, &target, job.calls);
        if let Ok(mut r) = results.lock() {
            if let Some(slot) = r.get_mut(i) {
                *slot = Some(result);
            }
        }
    };
    std::thread::scope(|s| {
        for _ in 0..parallel {
            s.spawn(worker);
        }
    });
    let results = results
        .into_inner()
        .map_err(|_| "a counting thread panicked".to_owned())?;
    Ok(results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err("a run did not happen".to_owned())))
        .collect())
}

/// The instructions callgrind collected for `BIN count TARGET CALLS`.
fn collected(binary: &Path, target: &str, calls: u64) -> Result<u64, String> {
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(binary)
        .args(["count", target, &calls.to_string()])
        .output()
        .map_err(|e| format!("cannot start valgrind: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!(
            "callgrind of `count {target} {calls}` failed ({}):\n{stderr}",
            out.status
        ));
    }
    // `==PID== Collected : 123456789`
    stderr
        .lines()
        .find_map(|l| l.split_once("Collected :").map(|(_, n)| n.trim()))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("callgrind printed no count for `count {target}`:\n{stderr}"))
}

/// The standard output of `c`, which must succeed.
fn output(c: &mut Command) -> Result<String, String> {
    let out = c.output().map_err(|e| format!("cannot start {c:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{c:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Criterion's median of `group/function`, in nanoseconds, and when it was written (seconds
/// since the epoch).
fn criterion_median(dir: &Path, group: &str, function: &str) -> Option<(f64, u64)> {
    let path = dir.join(group).join(function).join("new/estimates.json");
    let text = std::fs::read_to_string(&path).ok()?;
    let estimates: serde_json::Value = serde_json::from_str(&text).ok()?;
    let median = estimates.pointer("/median/point_estimate")?.as_f64()?;
    let written = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    Some((median, written))
}

/// The table, with a line saying what was counted.
fn print_table(
    groups: &[Group],
    jobs: &[Job],
    counts: &[Option<u64>],
    criterion: &Path,
    valgrind: &str,
) {
    let per_call = |group: usize, function: &str| -> Option<f64> {
        let setup = jobs
            .iter()
            .zip(counts)
            .find(|(j, _)| j.group == group && j.function.is_none())?;
        let (job, n) = jobs
            .iter()
            .zip(counts)
            .find(|(j, _)| j.group == group && j.function.as_deref() == Some(function))?;
        let (n, setup) = ((*n)?, (*setup.1)?);
        let calls = job.calls.max(1) as f64;
        Some((n as f64 - setup as f64) / calls)
    };
    // A function of the group, wherever it was counted (a baseline may come from an earlier
    // binary's group of the same name).
    let find = |group: &str, function: &str| -> Option<f64> {
        groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.name == group)
            .find_map(|(i, _)| per_call(i, function))
    };
    let mut written: Vec<u64> = Vec::new();
    let mut rows = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        let base = find(&g.name, &g.baseline);
        let peer = g.peer.as_deref().and_then(|p| find(&g.name, p));
        let base_wall = criterion_median(criterion, &g.name, &g.baseline);
        for f in &g.functions {
            let Some(n) = per_call(i, f) else { continue };
            let ratio = |to: Option<f64>| {
                to.filter(|t| *t > 0.0)
                    .map_or("–".to_owned(), |t| format!("{:.2}×", n / t))
            };
            let wall =
                criterion_median(criterion, &g.name, f).map_or("–".to_owned(), |(ns, w)| {
                    written.push(w);
                    match base_wall {
                        Some((b, _)) if b > 0.0 => format!("{} ({:.2}×)", time(ns), ns / b),
                        _ => time(ns),
                    }
                });
            let role = if *f == g.baseline {
                " (baseline)"
            } else if g.peer.as_deref() == Some(f.as_str()) {
                " (peer)"
            } else {
                ""
            };
            rows.push(format!(
                "| `{}` (`{}.rs`) | `{f}`{role} | {} | {} | {} | {wall} |",
                g.name,
                g.bench,
                instructions(n),
                ratio(base),
                if g.peer.is_some() {
                    ratio(peer)
                } else {
                    "–".to_owned()
                },
            ));
        }
    }
    let commit = output(&mut cmd("git", &["describe", "--always", "--dirty"], "."))
        .map_or_else(|_| "?".to_owned(), |c| c.trim().to_owned());
    let span = match (written.iter().min(), written.iter().max()) {
        (Some(a), Some(b)) => format!(
            "Criterion's medians written {} to {} UTC",
            date(*a),
            date(*b)
        ),
        _ => "no Criterion estimates found".to_owned(),
    };
    println!(
        "Instructions per call: `cargo xtask bench-count` at `{commit}` ({valgrind}, callgrind): \
         (count of N calls − count of the setup alone) / N. Wall-clock: Criterion's median \
         (`target/criterion/GROUP/FUNCTION/new/estimates.json`; {span}), with its ratio to the \
         baseline's median.\n"
    );
    println!(
        "| group (`benches/`) | function | instructions per call | / baseline | / peer | wall-clock (/ baseline) |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for row in rows {
        println!("{row}");
    }
}

/// An instruction count, in k, M or G.
fn instructions(n: f64) -> String {
    if n >= 1e9 {
        format!("{:.2} G", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.2} M", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.1} k", n / 1e3)
    } else {
        format!("{n:.0}")
    }
}

/// A time in nanoseconds, in the unit that suits it.
fn time(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.1} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// `YYYY-MM-DD hh:mm` (UTC) of a time in seconds since the epoch.
fn date(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let (hh, mm) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}")
}

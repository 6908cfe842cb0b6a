//! `batch_100k`: 100,000 JSON lines of `{"object": ..., "patch": ...}` decided one after the
//! other, against parsing each line into a `serde_json::Value`.
//!
//! Run with `cargo bench --bench batch`. Targets: docs/PERFORMANCE.md, "Targets".
//!
//! The lines (generated in the setup, about 1.4 KB each, 140 MB in all): the `evaluate_typical`
//! user (`typical::USER`) and PATCH (`typical::BODY`) on one line each, without their
//! indentation; each line names its own user (`id`) and sends its own `EmployeeId` and
//! `NumVendors`. Every 10th line is refused, with one fault in turn: a value that is not
//! predefined (`Everests`, with its "did you mean"), an integer outside Int32, a string for a
//! Boolean. The catalog, the engine and the actor are `evaluate_typical`'s, built outside the
//! timing; each line's object is not: it is part of the line.
//!
//! Inside the timing, for every line:
//! - `csa_single`: the line split into its two documents (`serde_json`'s `RawValue`, as
//!   `csa plan --batch` splits its lines), `Object::from_json` of the object, then
//!   `Engine::evaluate` of the patch for that object (the object's state read against the
//!   catalog in the call), one thread; the evaluation dropped;
//! - `csa_single_2_threads`: the same, the lines in two halves on two threads (the calling
//!   thread and one scoped thread started in the call): the ideal split, no coordination;
//! - `csa_batch_1_job`, `csa_batch_2_jobs`: the lines as `csa check --batch --jobs N` decides
//!   them: `commands::Batch` (input order, a bounded window) with `BatchLine::check` of each
//!   line (its `{"object", "patch"}` split, the object read, the patch evaluated, the result
//!   line built), on 1 and 2 threads; the results are counted, not written. Their ratio is the
//!   2-thread speed-up of the library's batch API;
//! - `serde_value`: `serde_json::from_slice::<Value>` of the line;
//! - `serde_ignored`: `serde_json::from_slice::<IgnoredAny>` of the line (the JSON syntax alone).
//!
//! Outside the timing: generating the lines, the catalog, the engine, the actor, and checking
//! once that the first 30 lines (every kind of line) take their intended path.
//!
//! `-- count batch_100k/FUNCTION N` and `-- list` (`benches/harness/mod.rs`) count instructions
//! instead; `cargo xtask bench-count` runs them all.

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: a failed setup must stop the run loudly"
)]

use std::convert::Infallible;
use std::fmt::Write as _;
use std::hint::black_box;
use std::num::NonZeroUsize;
use std::time::Duration;

use criterion::{SamplingMode, Throughput};
use csa::commands::{Batch, BatchLine};
use csa::{Actor, Code, Engine, Evaluation, Object};
use serde::de::IgnoredAny;
use serde_json::value::RawValue;
use serde_json::Value as Json;

mod harness;
mod typical;
use harness::{Functions, Group, Runner};

/// Lines per call.
const LINES: usize = 100_000;

const BATCH_100K: Group = Group {
    name: "batch_100k",
    functions: &[
        "csa_single",
        "csa_single_2_threads",
        "csa_batch_1_job",
        "csa_batch_2_jobs",
        "serde_value",
        "serde_ignored",
    ],
    baseline: "serde_value",
    peer: None,
    // Each call reads 140 MB: billions of instructions.
    calls: 1,
};

/// `json` without the whitespace between its tokens (strings kept as they are, duplicate keys
/// too, which a round trip through `serde_json::Value` would not keep).
fn minify(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
    }
    out
}

/// The hole a template leaves for a line's own text.
const HOLE: char = '\u{1}';

/// `text` with its one `what` replaced by `with`; stops the run if `text` does not hold
/// exactly one.
fn replace_one(text: &str, what: &str, with: &str) -> String {
    assert_eq!(text.matches(what).count(), 1, "`{what}` in {text}");
    text.replacen(what, with, 1)
}

/// A line's text with holes, split once: literal, hole, literal, ...
struct Template(Vec<String>);

impl Template {
    fn new(text: &str) -> Self {
        Template(text.split(HOLE).map(str::to_owned).collect())
    }

    /// Appends the template to `out`, its holes filled with `fill` in order.
    fn write(&self, out: &mut String, fill: &[&dyn std::fmt::Display]) {
        let mut fill = fill.iter();
        for (i, literal) in self.0.iter().enumerate() {
            if i > 0 {
                let value = fill.next().expect("a value for every hole");
                write!(out, "{value}").expect("writing to a String");
            }
            out.push_str(literal);
        }
    }
}

/// What line `i` is meant to give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Accepted,
    /// One violation of this code.
    Refused(Code),
}

fn kind(i: usize) -> Kind {
    if i % 10 != 9 {
        return Kind::Accepted;
    }
    Kind::Refused(match (i / 10) % 3 {
        0 => Code::ValueNotPredefined,
        1 => Code::IntegerOutOfRange,
        _ => Code::TypeMismatch,
    })
}

/// The 100,000 lines.
fn lines() -> Vec<String> {
    let user = minify(typical::USER);
    let user = replace_one(
        &user,
        "\"4f1e9a7c-2b3d-4c5e-8f90-a1b2c3d4e5f6\"",
        &format!("\"4f1e9a7c-2b3d-4c5e-8f90-{HOLE}\""),
    );
    let user = Template::new(&replace_one(&user, "\"QN26904\"", &format!("\"QN{HOLE}\"")));
    let body = minify(typical::BODY);
    let body = replace_one(&body, "\"QN26905\"", &format!("\"QN{HOLE}\""));
    let body = replace_one(&body, "\"NumVendors\":8", &format!("\"NumVendors\":{HOLE}"));
    let not_predefined = replace_one(&body, "\"Everest\"", "\"Everests\"");
    let not_a_boolean = replace_one(&body, "\"OnCall\":true", "\"OnCall\":\"yes\"");
    // The body's holes in the order they come: `NumVendors` (before `Marketing`), then
    // `EmployeeId`.
    assert!(
        body.find("NumVendors") < body.find("\"QN"),
        "the holes' order"
    );
    let [accepted, not_predefined, not_a_boolean] =
        [&body, &not_predefined, &not_a_boolean].map(|b| Template::new(b));
    (0..LINES)
        .map(|i| {
            let mut line = String::with_capacity(1500);
            line.push_str("{\"object\":");
            let (held, sent) = (i % 100_000, (i + 1) % 100_000);
            user.write(
                &mut line,
                &[&format_args!("{i:012x}"), &format_args!("{held:05}")],
            );
            line.push_str(",\"patch\":");
            let vendors = 1 + i % 40;
            let sent = format_args!("{sent:05}");
            match kind(i) {
                Kind::Refused(Code::ValueNotPredefined) => {
                    not_predefined.write(&mut line, &[&vendors, &sent]);
                }
                Kind::Refused(Code::IntegerOutOfRange) => {
                    accepted.write(&mut line, &[&3_000_000_000_u64, &sent]);
                }
                Kind::Refused(_) => not_a_boolean.write(&mut line, &[&vendors, &sent]),
                Kind::Accepted => accepted.write(&mut line, &[&vendors, &sent]),
            }
            line.push('}');
            line
        })
        .collect()
}

/// A line's two documents, as they are in the line.
#[derive(serde::Deserialize)]
struct Parts<'a> {
    #[serde(borrow)]
    object: &'a RawValue,
    #[serde(borrow)]
    patch: &'a RawValue,
}

/// `csa_single`'s work on one line: `None` when the line is not a usable
/// `{"object", "patch"}`.
fn decide(engine: &Engine, actor: &Actor, line: &[u8]) -> Option<Evaluation> {
    let parts: Parts<'_> = serde_json::from_slice(line).ok()?;
    let object = Object::from_json(parts.object.get().as_bytes()).ok()?;
    Some(engine.evaluate(&object, Some(actor), parts.patch.get().as_bytes()))
}

/// The accepted lines among `lines`, each decided and dropped in turn.
fn accepted(engine: &Engine, actor: &Actor, lines: &[String]) -> usize {
    lines
        .iter()
        .filter(|line| decide(engine, actor, line.as_bytes()).is_some_and(|e| e.is_allowed()))
        .count()
}

/// The accepted lines among `lines`, decided as `csa check --batch --jobs JOBS` decides them:
/// `commands::Batch` on `jobs` threads with its default window, each line through
/// `BatchLine::check`, results taken in input order (and dropped, not written).
fn batch_accepted(engine: &Engine, actor: &Actor, lines: &[String], jobs: usize) -> usize {
    let jobs = NonZeroUsize::new(jobs).expect("at least one job");
    let mut allowed = 0;
    Batch::new(jobs)
        .run(
            lines.iter().enumerate(),
            |(n, line)| {
                BatchLine::check(engine, Some(actor), (n + 1, line.as_bytes()), None, false)
            },
            |line| {
                allowed += usize::from(line.is_some_and(|l| l.is_allowed()));
                Ok::<(), Infallible>(())
            },
        )
        .unwrap_or_else(|never| match never {});
    allowed
}

/// Checks that each of the first 30 lines (every kind, in turn) takes its intended path.
fn check(engine: &Engine, actor: &Actor, lines: &[String]) {
    for (i, line) in lines.iter().take(30).enumerate() {
        let parts: Parts<'_> = serde_json::from_str(line).expect("the line is {object, patch}");
        let read = Object::from_json(parts.object.get().as_bytes());
        assert!(read.is_ok(), "line {i}: the object is not read: {read:?}");
        let eval = decide(engine, actor, line.as_bytes()).expect("the line is usable");
        let codes: Vec<Code> = eval.violations().iter().map(|v| v.code()).collect();
        match kind(i) {
            Kind::Accepted => {
                assert!(eval.is_allowed(), "line {i}: {:?}", eval.violations());
                let changes = eval.diff().map_or(0, |d| d.changes().len());
                assert_eq!(changes, 10, "line {i}");
            }
            Kind::Refused(code) => assert_eq!(codes, [code], "line {i}"),
        }
        assert!(
            eval.warnings().is_empty(),
            "line {i}: {:?}",
            eval.warnings()
        );
    }
}

fn batch_100k(runner: &mut Runner) {
    let s = typical::setup();
    typical::check_accepted(&s);
    let (engine, actor) = (&s.engine, &s.actor);
    let lines = lines();
    check(engine, actor, &lines);
    let first = lines.get(..300).expect("300 lines");
    for jobs in [1, 2] {
        assert_eq!(
            batch_accepted(engine, actor, first, jobs),
            accepted(engine, actor, first),
            "the batch API decides as `csa_single` does, on {jobs} threads"
        );
    }
    let bytes: usize = lines.iter().map(String::len).sum();
    eprintln!(
        "batch_100k: {LINES} lines, {bytes} bytes ({} per line on average)",
        bytes / LINES
    );
    let lines = lines.as_slice();
    runner.run(
        &BATCH_100K,
        |g| {
            g.throughput(Throughput::Elements(LINES as u64));
            // About a second per call: 10 samples of equal iteration counts.
            g.sampling_mode(SamplingMode::Flat);
            g.sample_size(10);
            g.warm_up_time(Duration::from_secs(2));
            g.measurement_time(Duration::from_secs(10));
        },
        Functions::new()
            .with("csa_single", || {
                black_box(accepted(engine, actor, black_box(lines)));
            })
            .with("csa_single_2_threads", || {
                let (first, second) = black_box(lines).split_at(lines.len() / 2);
                let n = std::thread::scope(|scope| {
                    let other = scope.spawn(|| accepted(engine, actor, second));
                    accepted(engine, actor, first) + other.join().expect("the thread ends")
                });
                black_box(n);
            })
            .with("csa_batch_1_job", || {
                black_box(batch_accepted(engine, actor, black_box(lines), 1));
            })
            .with("csa_batch_2_jobs", || {
                black_box(batch_accepted(engine, actor, black_box(lines), 2));
            })
            .with("serde_value", || {
                let parsed = black_box(lines)
                    .iter()
                    .filter(|line| serde_json::from_slice::<Json>(line.as_bytes()).is_ok())
                    .count();
                black_box(parsed);
            })
            .with("serde_ignored", || {
                let parsed = black_box(lines)
                    .iter()
                    .filter(|line| serde_json::from_slice::<IgnoredAny>(line.as_bytes()).is_ok())
                    .count();
                black_box(parsed);
            }),
    );
}

// What `criterion_group!`/`criterion_main!` expand to, written out so the bench has no
// undocumented public function.
fn main() {
    let mut runner = Runner::from_args(&[BATCH_100K]);
    if runner.wants(BATCH_100K.name) {
        batch_100k(&mut runner);
    }
    runner.finish();
}

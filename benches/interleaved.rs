//! `evaluate_typical`, `csa` against `serde_value`, timed in alternating batches.
//!
//! Criterion times one function after the other, so on a shared machine a change of load
//! between the two shows up as a change of their ratio. Here each round times a batch of
//! `csa` calls and a batch of `serde_value` calls on the same bytes (which goes first
//! alternates), and the figure is the median of the per-round ratios (with the quartiles),
//! which load drifting slowly over the run affects little. A second figure compares the
//! fastest tenth of each function's batches: load only ever adds time, so those are the batches
//! that ran with the least interference. Same inputs and the same work inside the timing as
//! `benches/evaluate.rs`.
//!
//! Run with `cargo bench --bench interleaved` (optionally `-- ROUNDS`, default 400).
//!
//! For instruction counts, `-- count evaluate_typical/FUNCTION N` (`benches/harness/mod.rs`) runs
//! `N` untimed calls of `csa`, `serde_value`, `csa_unprepared` (`Engine::evaluate`, the object
//! read in the timing), `csa_to_json` (`csa` plus `serde_json::to_vec` of
//! `CheckReport::of` the evaluation) or `none` (setup only) and exits; under
//! `valgrind --tool=callgrind`, the difference between `FUNCTION N` and `none 0`, divided by
//! `N`, is the count per call (`cargo xtask bench-count` runs them).
//!
//! `-- dump DIR` writes the inputs as files, for the benches of the language packages:
//! `catalog.json`, `object.json`, `actor.json`, `body.json`, and `schema.json` (the JSON Schema
//! the `jsonschema_peer` of `benches/evaluate.rs` validates against).

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: a failed setup must stop the run loudly"
)]

use std::hint::black_box;
use std::time::Instant;

use csa::commands::CheckReport;
use serde_json::Value as Json;

mod harness;
mod typical;
use harness::{Functions, Group, Mode};
use typical::{check_accepted, setup, ACTOR, BODY, USER};
#[path = "typical/schema.rs"]
#[allow(
    dead_code,
    reason = "only the schema itself is used here, not its validator"
)]
mod schema;

/// The one group: `evaluate_typical`'s `csa` and `serde_value` (timed here), with
/// `csa_unprepared` and `csa_to_json` for counts.
const TYPICAL: Group = Group {
    name: "evaluate_typical",
    functions: &["csa", "serde_value", "csa_unprepared", "csa_to_json"],
    baseline: "serde_value",
    peer: None,
    calls: 1000,
};

/// Calls of each function per batch.
const BATCH: u32 = 500;

/// Nanoseconds per call of `f`, over one batch.
fn batch(mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..BATCH {
        f();
    }
    start.elapsed().as_secs_f64() * 1e9 / f64::from(BATCH)
}

/// First quartile, median and third quartile.
fn quartiles(mut v: Vec<f64>) -> [f64; 3] {
    v.sort_by(f64::total_cmp);
    let at = |q: usize| v.get(v.len() * q / 4).copied().unwrap_or(f64::NAN);
    [at(1), at(2), at(3)]
}

/// The tenth percentile: what a batch takes when little else runs on the machine (load only
/// ever adds time).
fn tenth(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 10).copied().unwrap_or(f64::NAN)
}

/// Writes the inputs into `dir`.
fn dump(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let catalog = typical::catalog_json();
    let parsed = csa::Catalog::from_json(&catalog).expect("the generated catalog is valid");
    let schema = serde_json::to_vec_pretty(&schema::patch_schema(&parsed))?;
    std::fs::write(dir.join("catalog.json"), &catalog)?;
    std::fs::write(dir.join("object.json"), USER)?;
    std::fs::write(dir.join("actor.json"), ACTOR)?;
    std::fs::write(dir.join("body.json"), BODY)?;
    std::fs::write(dir.join("schema.json"), schema)?;
    Ok(())
}

fn main() {
    let mode = harness::mode(&[TYPICAL]);
    let args = match &mode {
        Mode::Run(args) => args.as_slice(),
        Mode::Count(_) => &[],
    };
    if let Some(at) = args.iter().position(|a| a == "dump") {
        let dir = args
            .get(at + 1)
            .map_or("target/bench-inputs", String::as_str);
        dump(std::path::Path::new(dir)).expect("the inputs are written");
        eprintln!("wrote the evaluate_typical inputs to {dir}");
        return;
    }
    let s = setup();
    check_accepted(&s);
    let prepared = s.engine.prepare(&s.object);
    let body = BODY.as_bytes();
    // The two functions compared, as the count mode and the timed batches both run them.
    let csa_call = || {
        drop(black_box(s.engine.evaluate_prepared(
            black_box(&prepared),
            Some(&s.actor),
            black_box(body),
        )));
    };
    let serde_call = || {
        black_box(serde_json::from_slice::<Json>(black_box(body))).ok();
    };
    if let Mode::Count(count) = &mode {
        let functions = Functions::new()
            .with("csa", csa_call)
            .with("serde_value", serde_call)
            .with("csa_unprepared", || {
                drop(black_box(s.engine.evaluate(
                    black_box(&s.object),
                    Some(&s.actor),
                    black_box(body),
                )));
            })
            .with("csa_to_json", || {
                let eval = s.engine.evaluate_prepared(
                    black_box(&prepared),
                    Some(&s.actor),
                    black_box(body),
                );
                drop(black_box(serde_json::to_vec(&CheckReport::of(eval))));
            });
        count.run(&TYPICAL, functions);
        count.finish();
        return;
    }
    // `cargo bench` passes `--bench`; a number is the round count.
    let rounds: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(400);
    let (mut csa, mut serde, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        // Which function goes first alternates, so that neither always follows the other.
        let (c, v) = if round % 2 == 0 {
            let c = batch(csa_call);
            (c, batch(serde_call))
        } else {
            let v = batch(serde_call);
            (batch(csa_call), v)
        };
        csa.push(c);
        serde.push(v);
        ratio.push(c / v);
    }
    let (c10, s10) = (tenth(&csa), tenth(&serde));
    let [c1, c2, c3] = quartiles(csa);
    let [s1, s2, s3] = quartiles(serde);
    let [r1, r2, r3] = quartiles(ratio);
    println!("evaluate_typical, interleaved: {rounds} rounds of {BATCH} calls each");
    println!("  csa          {c2:8.0} ns  (quartiles {c1:.0} .. {c3:.0})");
    println!("  serde_value  {s2:8.0} ns  (quartiles {s1:.0} .. {s3:.0})");
    println!("  csa / serde_value  median {r2:.2}x  (quartiles {r1:.2}x .. {r3:.2}x)");
    println!(
        "  fastest tenth of the batches: csa {c10:.0} ns, serde_value {s10:.0} ns, ratio {:.2}x",
        c10 / s10
    );
}

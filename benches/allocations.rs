//! Heap allocations per call of `evaluate_typical`'s functions, counted by an instrumented
//! global allocator (so this binary's timings would not be comparable; it times nothing).
//!
//! Run with `cargo bench --bench allocations`. `-- count evaluate_typical/FUNCTION N` and
//! `-- list` (`benches/harness/mod.rs`) are there as in every bench, but the instrumented
//! allocator adds its own instructions, so `cargo xtask bench-count` does not count this binary.

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: a failed setup must stop the run loudly"
)]

use std::alloc::System;
use std::hint::black_box;

use csa::commands::CheckReport;
use serde_json::Value as Json;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

mod harness;
mod typical;
use harness::{Functions, Group, Mode};
use typical::{check_accepted, setup, BODY};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The one group, with what each function is called in the printed table.
const TYPICAL: Group = Group {
    name: "evaluate_typical",
    functions: &["csa", "csa_unprepared", "csa_to_json", "serde_value"],
    baseline: "serde_value",
    peer: None,
    calls: 1000,
};

/// How the printed table names each function.
const LABELS: [&str; 4] = [
    "csa (evaluate_prepared)",
    "evaluate (object not prepared)",
    "csa_to_json",
    "serde_value",
];

/// Allocations and reallocations made while running `f` (which drops what it makes).
fn allocations(f: &mut dyn FnMut()) -> usize {
    let region = Region::new(GLOBAL);
    f();
    let stats = region.change();
    stats.allocations + stats.reallocations
}

fn main() {
    let mode = harness::mode(&[TYPICAL]);
    let s = setup();
    check_accepted(&s);
    let prepared = s.engine.prepare(&s.object);
    let body = BODY.as_bytes();
    let mut functions = Functions::new()
        .with("csa", || {
            drop(black_box(s.engine.evaluate_prepared(
                &prepared,
                Some(&s.actor),
                body,
            )));
        })
        .with("csa_unprepared", || {
            drop(black_box(s.engine.evaluate(
                &s.object,
                Some(&s.actor),
                body,
            )));
        })
        .with("csa_to_json", || {
            let eval = s.engine.evaluate_prepared(&prepared, Some(&s.actor), body);
            let json = serde_json::to_vec(&CheckReport::of(eval));
            drop(black_box(json.expect("an evaluation serialises")));
        })
        .with("serde_value", || {
            drop(black_box(
                serde_json::from_slice::<Json>(body).expect("the body is JSON"),
            ));
        });
    if let Mode::Count(count) = &mode {
        count.run(&TYPICAL, functions);
        count.finish();
        return;
    }
    println!("evaluate_typical: heap allocations per call (reallocations included)");
    for ((_, f), label) in functions.iter_mut().zip(LABELS) {
        println!("  {label:32} {}", allocations(f));
    }
}

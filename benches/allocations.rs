//! Heap allocations per call of `evaluate_typical`'s functions, counted by an instrumented
//! global allocator (so this binary's timings would not be comparable; it times nothing).
//!
//! Run with `cargo bench --bench allocations`.

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: a failed setup must stop the run loudly"
)]

use std::alloc::System;
use std::hint::black_box;

use serde_json::Value as Json;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

mod typical;
use typical::{check_accepted, setup, BODY};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Allocations and reallocations made while running `f` and dropping its result.
fn allocations<T>(f: impl FnOnce() -> T) -> usize {
    let region = Region::new(GLOBAL);
    drop(black_box(f()));
    let stats = region.change();
    stats.allocations + stats.reallocations
}

fn main() {
    let s = setup();
    check_accepted(&s);
    let prepared = s.engine.prepare(&s.object);
    let body = BODY.as_bytes();
    let rows = [
        (
            "csa (evaluate_prepared)",
            allocations(|| s.engine.evaluate_prepared(&prepared, Some(&s.actor), body)),
        ),
        (
            "evaluate (object not prepared)",
            allocations(|| s.engine.evaluate(&s.object, Some(&s.actor), body)),
        ),
        (
            "csa_to_json",
            allocations(|| {
                let eval = s.engine.evaluate_prepared(&prepared, Some(&s.actor), body);
                serde_json::to_vec(&eval).expect("an evaluation serialises")
            }),
        ),
        (
            "serde_value",
            allocations(|| serde_json::from_slice::<Json>(body).expect("the body is JSON")),
        ),
    ];
    println!("evaluate_typical: heap allocations per call (reallocations included)");
    for (name, n) in rows {
        println!("  {name:32} {n}");
    }
}

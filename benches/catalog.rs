//! `catalog_build`: reading a tenant-limit catalog (500 active and 4,500 deactivated
//! definitions, 100 allowed values each, in Graph's list-response JSON; `benches/scale/mod.rs`
//! generates it) with `Catalog::from_json`, compared with parsing the same bytes into a
//! `serde_json::Value`.
//!
//! Run with `cargo bench --bench catalog`. Target: `csa` at most 1.5× `serde_value`.
//!
//! Inside the timing: `csa` is `Catalog::from_json` from the bytes to the validated, indexed
//! catalog, dropped inside the timing as the `Value` is; `serde_value` is
//! `serde_json::from_slice::<Value>`; `serde_ignored` is `serde_json::from_slice::<IgnoredAny>`
//! (the JSON syntax alone, the floor). Outside: generating the bytes and checking once that the
//! catalog is accepted with the intended content. Each call reads tens of MB, so the group
//! takes 10 samples of equal iteration counts (`SamplingMode::Flat`).
//!
//! `-- count catalog_build/FUNCTION N` and `-- list` (`benches/harness/mod.rs`) count
//! instructions instead; `cargo xtask bench-count` runs them all.

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: a failed setup must stop the run loudly"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{SamplingMode, Throughput};
use csa::Catalog;
use serde::de::IgnoredAny;
use serde_json::Value as Json;

mod harness;
mod scale;
use harness::{Functions, Group, Runner};

const CATALOG_BUILD: Group = Group {
    name: "catalog_build",
    functions: &["csa", "serde_value", "serde_ignored"],
    baseline: "serde_value",
    peer: None,
    // Each call reads 19.8 MB: billions of instructions.
    calls: 1,
};

fn catalog_build(runner: &mut Runner) {
    let bytes = scale::catalog_json();
    drop(scale::checked_catalog("catalog_build", &bytes));
    let bytes = bytes.as_slice();
    runner.run(
        &CATALOG_BUILD,
        |g| {
            g.throughput(Throughput::Bytes(bytes.len() as u64));
            // Linear sampling would run 55 iterations at least; flat runs 10, which keeps the
            // group within about a minute.
            g.sampling_mode(SamplingMode::Flat);
            g.sample_size(10);
            g.warm_up_time(Duration::from_secs(2));
            g.measurement_time(Duration::from_secs(10));
        },
        Functions::new()
            .with("csa", || {
                drop(black_box(Catalog::from_json(black_box(bytes))));
            })
            .with("serde_value", || {
                drop(black_box(serde_json::from_slice::<Json>(black_box(bytes))));
            })
            .with("serde_ignored", || {
                drop(black_box(serde_json::from_slice::<IgnoredAny>(black_box(
                    bytes,
                ))));
            }),
    );
}

// What `criterion_group!`/`criterion_main!` expand to, written out so the bench has no
// undocumented public function.
fn main() {
    let mut runner = Runner::from_args(&[CATALOG_BUILD]);
    if runner.wants(CATALOG_BUILD.name) {
        catalog_build(&mut runner);
    }
    runner.finish();
}

//! `catalog_build`: reading a tenant-limit catalog (500 active and 4,500 deactivated
//! definitions, 100 allowed values each, in Graph's list-response JSON; `benches/scale/mod.rs`
//! generates it) with `Catalog::from_json`, compared with parsing the same bytes into a
//! `serde_json::Value`.
//!
//! Run with `cargo bench --bench catalog`. Target: `csa` at most 1.5× `serde_value`.
//!
//! Inside the timing: `csa` is `Catalog::from_json` from the bytes to the validated, indexed
//! catalog, dropped inside the timing as the `Value` is; `serde_value` is
//! `serde_json::from_slice::<Value>`. Outside: generating the bytes and checking once that the
//! catalog is accepted with the intended content. Each call reads tens of MB, so the group
//! takes 10 samples of equal iteration counts (`SamplingMode::Flat`).

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: a failed setup must stop the run loudly"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput};
use csa::Catalog;
use serde_json::Value as Json;

mod scale;

fn catalog_build(c: &mut Criterion) {
    let bytes = scale::catalog_json();
    drop(scale::checked_catalog("catalog_build", &bytes));
    let mut group = c.benchmark_group("catalog_build");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    // Linear sampling would run 55 iterations at least; flat runs 10, which keeps the
    // group within about a minute.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("csa", |b| {
        b.iter(|| black_box(Catalog::from_json(black_box(&bytes))))
    });
    group.bench_function("serde_value", |b| {
        b.iter(|| black_box(serde_json::from_slice::<Json>(black_box(&bytes))))
    });
    group.finish();
}

// What `criterion_group!`/`criterion_main!` expand to, written out so the bench has no
// undocumented public function.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    catalog_build(&mut c);
    c.final_summary();
}

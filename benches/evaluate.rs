//! `evaluate_typical`: one ~1 KB Graph PATCH (10 attributes in 3 sets) evaluated against a
//! catalog of 500 active and 4,500 deactivated definitions, compared with parsing the same
//! bytes into a `serde_json::Value`.
//!
//! Run with `cargo bench --bench evaluate`; `docs/PERFORMANCE.md` has the figures.
//!
//! Inside the timing: `csa` is `Engine::evaluate` from the body bytes to the finished
//! `Evaluation` (changes, resulting state, the actor's view of it; the canonical request body
//! is a borrowed view of the changes, rendered on demand); `csa_to_json` adds
//! `serde_json::to_vec` of that evaluation (what `csa check --format json` prints, including
//! the rendered canonical body); `serde_value` is `serde_json::from_slice::<Value>`.
//! Outside the timing: generating and parsing the catalog, building the engine, the object (read
//! against the catalog once with `Engine::prepare`) and the actor, and checking once that the
//! PATCH is accepted with the expected changes.

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: a failed setup must stop the run loudly"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use serde_json::Value as Json;

mod typical;
use typical::{check_accepted, setup, BODY};

fn evaluate_typical(c: &mut Criterion) {
    let s = setup();
    check_accepted(&s);
    // The object state is prepared outside the timing, as the issue allows: its state read
    // against the catalog once, as a service evaluating many requests for one object would.
    let prepared = s.engine.prepare(&s.object);
    let body = BODY.as_bytes();
    let mut group = c.benchmark_group("evaluate_typical");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.warm_up_time(std::time::Duration::from_secs(1));
    group.measurement_time(std::time::Duration::from_secs(3));
    group.bench_function("csa", |b| {
        b.iter(|| {
            black_box(s.engine.evaluate_prepared(
                black_box(&prepared),
                Some(&s.actor),
                black_box(body),
            ))
        })
    });
    group.bench_function("csa_to_json", |b| {
        b.iter(|| {
            let eval =
                s.engine
                    .evaluate_prepared(black_box(&prepared), Some(&s.actor), black_box(body));
            black_box(serde_json::to_vec(&eval))
        })
    });
    group.bench_function("serde_value", |b| {
        b.iter(|| black_box(serde_json::from_slice::<Json>(black_box(body))))
    });
    group.finish();
}

// What `criterion_group!`/`criterion_main!` expand to, written out so the bench has no
// undocumented public function.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    evaluate_typical(&mut c);
    c.final_summary();
}

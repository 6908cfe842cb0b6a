//! Evaluating Graph PATCH bodies against a catalog of 500 active and 4,500 deactivated
//! definitions (50 sets of 100), for a user holding 10 values and a tenant-scope Attribute
//! Assignment Administrator, compared with parsing the same bytes into a `serde_json::Value`
//! and with validating them against a JSON Schema generated from the catalog.
//!
//! Run with `cargo bench --bench evaluate`; `docs/PERFORMANCE.md` has the figures.
//!
//! Groups (throughput in body bytes; 1 s warm-up, 3 s measurement per function):
//! - `evaluate_typical`: one ~1 KB PATCH, 10 attributes in 3 sets (adds, replaces, a removal),
//!   accepted.
//! - `evaluate_small`: one attribute (a single string replaced), accepted.
//! - `evaluate_max`: 50 values (`csa::MAX_VALUES_PER_OBJECT`) in 12 attributes, four of them
//!   multi-valued; every held attribute is replaced, so the object ends up at the maximum.
//!   Accepted.
//! - `evaluate_refusal`: every attribute wrong in some way (types, predefined values, lengths,
//!   removal forms, deactivated attribute and value, unknown attribute and set, a missing set
//!   `@odata.type`, a duplicate key): refused with every violation listed (the setup prints
//!   how many).
//!
//! Inside the timing: `csa` is `Engine::evaluate_prepared` from the body bytes to the finished
//! `Evaluation` (changes, resulting state, the actor's view of it, or every violation; the
//! canonical request body is a borrowed view of the changes, rendered on demand);
//! `csa_to_json` (typical only) adds `serde_json::to_vec` of that evaluation (what
//! `csa check --format json` prints, including the rendered canonical body); `serde_value` is
//! `serde_json::from_slice::<Value>`; `jsonschema_peer` is `serde_json::from_slice::<Value>`
//! then `jsonschema::Validator::is_valid` (only valid or not: no violations, no changes).
//! Outside the timing: generating and parsing the catalog, building the engine, the object (read
//! against the catalog once with `Engine::prepare`) and the actor, generating and compiling the
//! schema (`typical/schema.rs` says what it covers and what it cannot), and checking once
//! that each body takes the intended path, in csa and in the schema alike.
//!
//! Targets: `csa` at most 1.0× `serde_value` in every group but `evaluate_refusal` (where csa
//! builds a violation with message and hint per fault), and `csa` faster than
//! `jsonschema_peer` in every group.

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: a failed setup must stop the run loudly"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use csa::PreparedObject;
use serde_json::Value as Json;

mod typical;
use typical::{check_accepted, setup, Setup, BODY};
// Declared here rather than in `typical/mod.rs`: only this bench uses them, and the other
// benches sharing `typical` would otherwise see them as dead code.
#[path = "typical/bodies.rs"]
mod bodies;
#[path = "typical/schema.rs"]
mod schema;

/// What every group evaluates against, prepared outside the timing.
struct Inputs {
    s: Setup,
    /// The object state read against the catalog once, as a service evaluating many requests
    /// for one object would.
    prepared: PreparedObject,
    peer: jsonschema::Validator,
}

impl Inputs {
    /// The peer's verdict on `body`, the way `jsonschema_peer` reaches it.
    fn peer_accepts(&self, body: &[u8]) -> bool {
        let value: Json = serde_json::from_slice(body).expect("the body is JSON");
        self.peer.is_valid(&value)
    }
}

/// One group: `csa`, `csa_to_json` when asked, `serde_value` and `jsonschema_peer` on `body`.
fn group(c: &mut Criterion, name: &str, inputs: &Inputs, body: &str, with_to_json: bool) {
    let Inputs { s, prepared, peer } = inputs;
    let body = body.as_bytes();
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.warm_up_time(std::time::Duration::from_secs(1));
    group.measurement_time(std::time::Duration::from_secs(3));
    group.bench_function("csa", |b| {
        b.iter(|| {
            black_box(s.engine.evaluate_prepared(
                black_box(prepared),
                Some(&s.actor),
                black_box(body),
            ))
        })
    });
    if with_to_json {
        group.bench_function("csa_to_json", |b| {
            b.iter(|| {
                let eval = s.engine.evaluate_prepared(
                    black_box(prepared),
                    Some(&s.actor),
                    black_box(body),
                );
                black_box(serde_json::to_vec(&eval))
            })
        });
    }
    group.bench_function("serde_value", |b| {
        b.iter(|| black_box(serde_json::from_slice::<Json>(black_box(body))))
    });
    group.bench_function("jsonschema_peer", |b| {
        b.iter(|| {
            let value: Json = serde_json::from_slice(black_box(body)).expect("the body is JSON");
            black_box(peer.is_valid(&value))
        })
    });
    group.finish();
}

/// Checks once that each body takes the intended path in csa, and that the schema agrees
/// (so the peer does the same work: the whole body when accepted).
fn check_bodies(inputs: &Inputs) {
    let Inputs { s, prepared, .. } = inputs;
    let eval = |body: &str| {
        s.engine
            .evaluate_prepared(prepared, Some(&s.actor), body.as_bytes())
    };
    bodies::check_small(&eval(bodies::SMALL));
    bodies::check_max(&eval(bodies::MAX));
    let violations = bodies::check_refused(&eval(bodies::REFUSAL));
    for (body, accepted) in [
        (BODY, true),
        (bodies::SMALL, true),
        (bodies::MAX, true),
        (bodies::REFUSAL, false),
    ] {
        assert_eq!(
            inputs.peer_accepts(body.as_bytes()),
            accepted,
            "the schema disagrees with csa on {body}"
        );
    }
    for (name, body) in [
        ("evaluate_small", bodies::SMALL),
        ("evaluate_max", bodies::MAX),
        ("evaluate_refusal", bodies::REFUSAL),
    ] {
        let (attributes, values) = bodies::carried(body);
        eprintln!(
            "{name}: PATCH body {} bytes; attributes: {attributes}, values: {values}",
            body.len()
        );
    }
    eprintln!("evaluate_refusal: {violations} violations");
}

// What `criterion_group!`/`criterion_main!` expand to, written out so the bench has no
// undocumented public function.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    let s = setup();
    check_accepted(&s);
    let prepared = s.engine.prepare(&s.object);
    let peer = schema::validator(s.engine.catalog());
    let inputs = Inputs { s, prepared, peer };
    check_bodies(&inputs);
    group(&mut c, "evaluate_typical", &inputs, BODY, true);
    group(&mut c, "evaluate_small", &inputs, bodies::SMALL, false);
    group(&mut c, "evaluate_max", &inputs, bodies::MAX, false);
    group(&mut c, "evaluate_refusal", &inputs, bodies::REFUSAL, false);
    c.final_summary();
}

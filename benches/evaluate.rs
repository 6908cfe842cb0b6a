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
//! `Evaluation` (changes or every violation; the resulting state, the actor's view of it and
//! the canonical request body are built when asked for, as `csa_to_json` does);
//! `csa_to_json` (typical only) adds `serde_json::to_vec` of what `csa check --format json`
//! prints (`CheckReport::of` the evaluation, including the rendered canonical body);
//! `serde_value` is `serde_json::from_slice::<Value>`; `serde_ignored` is
//! `serde_json::from_slice::<IgnoredAny>`, the JSON syntax alone (the floor of any reader of the
//! bytes); `jsonschema_peer` is `serde_json::from_slice::<Value>` then
//! `jsonschema::Validator::is_valid` (only valid or not: no violations, no changes).
//! Outside the timing: generating and parsing the catalog, building the engine, the object (read
//! against the catalog once with `Engine::prepare`) and the actor, generating and compiling the
//! schema (`typical/schema.rs` says what it covers and what it cannot), and checking once
//! that each body takes the intended path, in csa and in the schema alike.
//!
//! `-- count GROUP/FUNCTION N` and `-- list` (`benches/harness/mod.rs`) count instructions
//! instead; `cargo xtask bench-count` runs them all.
//!
//! Targets: docs/PERFORMANCE.md, "Targets".

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: a failed setup must stop the run loudly"
)]

use std::hint::black_box;

use criterion::Throughput;
use csa::commands::CheckReport;
use csa::PreparedObject;
use serde::de::IgnoredAny;
use serde_json::Value as Json;

mod harness;
mod typical;
use harness::{Functions, Group, Runner};
use typical::{check_accepted, setup, Setup, BODY};
// Declared here rather than in `typical/mod.rs`: only this bench uses them, and the other
// benches sharing `typical` would otherwise see them as dead code.
#[path = "typical/bodies.rs"]
mod bodies;
#[path = "typical/schema.rs"]
mod schema;

/// The functions of every group but `evaluate_typical`, which adds `csa_to_json`.
const FUNCTIONS: &[&str] = &["csa", "serde_value", "serde_ignored", "jsonschema_peer"];

/// A group of this bench: `name`, its functions, 1,000 calls counted.
const fn group(name: &'static str, functions: &'static [&'static str]) -> Group {
    Group {
        name,
        functions,
        baseline: "serde_value",
        peer: Some("jsonschema_peer"),
        calls: 1000,
    }
}

const GROUPS: &[Group] = &[
    group(
        "evaluate_typical",
        &[
            "csa",
            "csa_to_json",
            "serde_value",
            "serde_ignored",
            "jsonschema_peer",
        ],
    ),
    group("evaluate_small", FUNCTIONS),
    group("evaluate_max", FUNCTIONS),
    group("evaluate_refusal", FUNCTIONS),
];

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

/// The functions of a group on `body`: `csa`, `csa_to_json` when asked, `serde_value`,
/// `serde_ignored` and `jsonschema_peer`.
fn functions<'a>(inputs: &'a Inputs, body: &'a [u8], with_to_json: bool) -> Functions<'a> {
    let Inputs { s, prepared, peer } = inputs;
    let evaluate = move || {
        s.engine
            .evaluate_prepared(black_box(prepared), Some(&s.actor), black_box(body))
    };
    let mut f = Functions::new().with("csa", move || drop(black_box(evaluate())));
    if with_to_json {
        f = f.with("csa_to_json", move || {
            let report = CheckReport::of(evaluate());
            drop(black_box(serde_json::to_vec(&report)));
        });
    }
    f.with("serde_value", move || {
        drop(black_box(serde_json::from_slice::<Json>(black_box(body))));
    })
    .with("serde_ignored", move || {
        drop(black_box(serde_json::from_slice::<IgnoredAny>(black_box(
            body,
        ))));
    })
    .with("jsonschema_peer", move || {
        let value: Json = serde_json::from_slice(black_box(body)).expect("the body is JSON");
        black_box(peer.is_valid(&value));
    })
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
    let mut runner = Runner::from_args(GROUPS);
    // Every group shares one setup; a count sets it up only for a group of this bench.
    if GROUPS.iter().any(|g| runner.wants(g.name)) {
        let s = setup();
        check_accepted(&s);
        let prepared = s.engine.prepare(&s.object);
        let peer = schema::validator(s.engine.catalog());
        let inputs = Inputs { s, prepared, peer };
        check_bodies(&inputs);
        let bodies = [BODY, bodies::SMALL, bodies::MAX, bodies::REFUSAL];
        for (group, body) in GROUPS.iter().zip(bodies) {
            let body = body.as_bytes();
            let with_to_json = group.functions.contains(&"csa_to_json");
            runner.run(
                group,
                |g| {
                    g.throughput(Throughput::Bytes(body.len() as u64));
                    g.warm_up_time(std::time::Duration::from_secs(1));
                    g.measurement_time(std::time::Duration::from_secs(3));
                },
                functions(&inputs, body, with_to_json),
            );
        }
    }
    runner.finish();
}

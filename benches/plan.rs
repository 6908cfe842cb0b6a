//! `plan_max`: `Engine::plan` (managed sets) for a user whose desired state holds 50 values,
//! the per-object maximum, in 5 sets, against the scale catalog of `benches/scale/mod.rs` (500
//! active and 4,500 deactivated definitions, 100 allowed values each), compared with parsing
//! the desired-state bytes into a `serde_json::Value`.
//!
//! Run with `cargo bench --bench plan`.
//!
//! The desired state (Graph's response form, `{"customSecurityAttributes": {...}}`) names
//! `Attr00`..`Attr07` of `Department00`..`Department04`; the user holds `Attr00`..`Attr05` and
//! `Attr08`, `Attr09` of each, so per set the plan keeps 3 attributes, replaces 3, adds 2 and
//! removes 2: 35 changes, 50 values before and 50 after.
//!
//! Inside the timing: `csa` is `Engine::plan` from the desired-state bytes to the finished
//! `Evaluation` of the planned PATCH (reading the user's state against the catalog included, as
//! `plan` takes an `Object`); `serde_value` is `serde_json::from_slice::<Value>`;
//! `serde_ignored` is `serde_json::from_slice::<IgnoredAny>` (the JSON syntax alone). Outside:
//! generating and reading the catalog, building the engine, the user and the actor (tenant-scope
//! Attribute Assignment Administrator), and checking once that the plan is accepted with the
//! intended changes, that applying them reaches the desired state, and that planning again
//! from there plans nothing.
//!
//! `-- count plan_max/FUNCTION N` and `-- list` (`benches/harness/mod.rs`) count instructions
//! instead; `cargo xtask bench-count` runs them all.

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: a failed setup must stop the run loudly"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::Throughput;
use csa::limits::MAX_VALUES_PER_OBJECT;
use csa::{Actor, Engine, Object, Op, PlanMode, Policy, State};
use serde::de::IgnoredAny;
use serde_json::{json, Map, Value as Json};

mod harness;
mod scale;
use harness::{Functions, Group, Runner};
use scale::{active_value, allowed_value, definition_name, set_name, shape};

const PLAN_MAX: Group = Group {
    name: "plan_max",
    functions: &["csa", "serde_value", "serde_ignored"],
    baseline: "serde_value",
    peer: None,
    calls: 200,
};

/// Attribute Assignment Administrator (template id).
const ATTRIBUTE_ASSIGNMENT_ADMINISTRATOR: &str = "58a13ea3-c632-46ae-9ee0-9c0d43cd7f3d";

/// The sets the desired state names.
const SETS: usize = 5;
/// Per set, the attributes the desired state holds (`Attr00`..`Attr07`).
const DESIRED: std::ops::Range<usize> = 0..8;
/// Per set, the attributes the user holds with the desired value.
const KEPT: std::ops::Range<usize> = 0..3;
/// Per set, the attributes the user holds with another value.
const REPLACED: std::ops::Range<usize> = 3..6;
/// Per set, the attributes only the user holds (`Attr08`, `Attr09`).
const REMOVED: std::ops::Range<usize> = 8..10;

/// How many values attribute `d` of set `s` holds: 1 for a single value; for a collection 1 or
/// 2, alternately, so each desired set holds 10 values (4 single and 4 multi-valued
/// attributes), and 2 in the removed ones, so the user holds 10 per set too.
fn value_count(s: usize, d: usize) -> usize {
    if !shape(s, d).is_collection() {
        1
    } else if REMOVED.contains(&d) || (d / 2) % 2 == 1 {
        2
    } else {
        1
    }
}

/// A set object in Graph's response form, holding attribute `d` of set `s` for each `d` in
/// `attributes`, its `k`-th value being the `(2d + k + shift)`-th active allowed value.
fn response_set(s: usize, attributes: impl Iterator<Item = (usize, usize)>) -> Json {
    let mut set = Map::new();
    set.insert(
        "@odata.type".to_owned(),
        json!("#microsoft.graph.customSecurityAttributeValue"),
    );
    for (d, shift) in attributes {
        let name = definition_name(d);
        let values: Vec<Json> = (0..value_count(s, d))
            .map(|k| allowed_value(s, d, active_value(2 * d + k + shift)))
            .collect();
        if shape(s, d).is_collection() {
            let annotation = if values.iter().all(Json::is_number) {
                "#Collection(Int32)"
            } else {
                "#Collection(String)"
            };
            set.insert(format!("{name}@odata.type"), json!(annotation));
            set.insert(name, Json::Array(values));
        } else {
            set.insert(name, values.into_iter().next().unwrap_or(Json::Null));
        }
    }
    Json::Object(set)
}

/// The desired `customSecurityAttributes`: `Attr00`..`Attr07` of each set.
fn desired_sets() -> Json {
    (0..SETS)
        .map(|s| (set_name(s), response_set(s, DESIRED.map(|d| (d, 0)))))
        .collect::<Map<_, _>>()
        .into()
}

/// The user's current `customSecurityAttributes`: the kept attributes as desired, the replaced
/// ones shifted by one allowed value (a collection of 2 keeps one of its values), and
/// `Attr08`, `Attr09`.
fn current_sets() -> Json {
    (0..SETS)
        .map(|s| {
            let held = KEPT
                .map(|d| (d, 0))
                .chain(REPLACED.map(|d| (d, 1)))
                .chain(REMOVED.map(|d| (d, 0)));
            (set_name(s), response_set(s, held))
        })
        .collect::<Map<_, _>>()
        .into()
}

/// Reads a `customSecurityAttributes` value.
fn state(sets: &Json) -> State {
    csa::State::from_json(&serde_json::to_vec(sets).expect("a state serialises"))
        .expect("the generated state is valid")
}

/// Whether two states hold the same values (collections compare as sets, order aside).
fn same_state(a: &State, b: &State) -> bool {
    a.iter().count() == b.iter().count()
        && a.iter()
            .all(|(set, name, v)| b.get(set, name).is_some_and(|w| w == v))
}

struct Setup {
    engine: Engine,
    user: Object,
    actor: Actor,
    desired: Vec<u8>,
}

fn setup() -> Setup {
    let catalog = scale::checked_catalog("plan_max", &scale::catalog_json());
    let engine = Engine::new(catalog, Policy::default());
    let user = json!({
        "@odata.type": "#microsoft.graph.user",
        "id": "4f1e9a7c-2b3d-4c5e-8f90-a1b2c3d4e5f6",
        "displayName": "Adele Vance",
        "userType": "Member",
        "onPremisesSyncEnabled": null,
        "customSecurityAttributes": current_sets(),
    });
    let user = Object::from_json(&serde_json::to_vec(&user).expect("the user serialises"))
        .expect("the user is valid");
    // Pretty-printed, as a desired-state file kept under version control would be.
    let desired = serde_json::to_vec_pretty(&json!({ "customSecurityAttributes": desired_sets() }))
        .expect("the desired state serialises");
    Setup {
        engine,
        user,
        // Tenant scope: the common setup for a service applying desired states.
        actor: Actor::new().with_role(ATTRIBUTE_ASSIGNMENT_ADMINISTRATOR, "/"),
        desired,
    }
}

/// Checks once, outside the timing, that the bench measures an accepted plan with the
/// intended changes, and that the plan does what it says.
fn check_plan(s: &Setup) {
    let plan = |user: &Object| {
        s.engine
            .plan(user, Some(&s.actor), &s.desired, PlanMode::Managed)
    };
    let eval = plan(&s.user);
    assert!(
        eval.is_allowed(),
        "the plan must be accepted: {:?}",
        eval.violations()
    );
    assert!(
        eval.warnings().is_empty(),
        "unexpected warnings: {:?}",
        eval.warnings()
    );
    let diff = eval.diff().expect("an accepted plan has a diff");
    let count = |op: Op| diff.changes().iter().filter(|c| c.op() == op).count();
    let per_set = (
        DESIRED.len() - KEPT.len() - REPLACED.len(),
        REPLACED.len(),
        REMOVED.len(),
    );
    assert_eq!(
        (count(Op::Add), count(Op::Replace), count(Op::Remove)),
        (SETS * per_set.0, SETS * per_set.1, SETS * per_set.2)
    );
    let before = s.user.state().value_count();
    assert_eq!(before, MAX_VALUES_PER_OBJECT);
    let request = serde_json::to_vec(&diff.request().expect("the plan changes something"))
        .expect("the request serialises");
    // Applying the plan gives exactly the desired state, and from there nothing is left to do.
    let desired = state(&desired_sets());
    assert_eq!(desired.value_count(), MAX_VALUES_PER_OBJECT);
    let reached = csa::apply(s.user.state(), diff.changes());
    assert!(
        same_state(&reached, &desired),
        "applying the plan gives {reached:?}"
    );
    assert!(same_state(diff.after(), &desired));
    let again = plan(&s.user.clone().with_state(reached));
    assert!(again.is_allowed(), "{:?}", again.violations());
    assert!(
        again.diff().is_some_and(|d| d.request().is_none()),
        "planning again plans {:?}",
        again.diff()
    );
    eprintln!(
        "plan_max: desired state {} bytes, {} values before, {} after; {} changes \
         ({} added, {} replaced, {} removed); planned PATCH {} bytes",
        s.desired.len(),
        before,
        diff.after().value_count(),
        diff.changes().len(),
        count(Op::Add),
        count(Op::Replace),
        count(Op::Remove),
        request.len(),
    );
}

fn plan_max(runner: &mut Runner) {
    let s = setup();
    check_plan(&s);
    let desired = s.desired.as_slice();
    runner.run(
        &PLAN_MAX,
        |g| {
            g.throughput(Throughput::Bytes(desired.len() as u64));
            g.warm_up_time(Duration::from_secs(1));
            g.measurement_time(Duration::from_secs(3));
        },
        Functions::new()
            .with("csa", || {
                drop(black_box(s.engine.plan(
                    black_box(&s.user),
                    Some(&s.actor),
                    black_box(desired),
                    PlanMode::Managed,
                )));
            })
            .with("serde_value", || {
                drop(black_box(serde_json::from_slice::<Json>(black_box(
                    desired,
                ))));
            })
            .with("serde_ignored", || {
                drop(black_box(serde_json::from_slice::<IgnoredAny>(black_box(
                    desired,
                ))));
            }),
    );
}

// What `criterion_group!`/`criterion_main!` expand to, written out so the bench has no
// undocumented public function.
fn main() {
    let mut runner = Runner::from_args(&[PLAN_MAX]);
    if runner.wants(PLAN_MAX.name) {
        plan_max(&mut runner);
    }
    runner.finish();
}

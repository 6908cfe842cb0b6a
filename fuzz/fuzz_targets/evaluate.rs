//! Any bytes as a PATCH body against the sample catalog, with and without an actor: evaluation
//! must not panic, must be deterministic, and an accepted diff must apply to the resulting state.
#![no_main]

use std::sync::OnceLock;

use csa::{Actor, Catalog, Engine, Object, Policy, State, Value};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    engine: Engine,
    object: Object,
    actor: Actor,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let catalog = Catalog::from_json(include_bytes!(
            "../../tests/data/graph-examples/sample-catalog.json"
        ))
        .expect("the sample catalog is valid");
        let mut state = State::new();
        state.insert(
            "Engineering",
            "Project",
            Value::strings(["Baker", "Cascade"]).unwrap(),
        );
        state.insert("Engineering", "NumVendors", Value::Integer(4));
        state.insert("Marketing", "EmployeeId", Value::String("QN26904".into()));
        Fixture {
            engine: Engine::new(catalog, Policy::default()),
            object: Object::default().with_state(state),
            actor: Actor::new().with_role(
                "Attribute Assignment Administrator",
                "/attributeSets/Engineering",
            ),
        }
    })
}

fuzz_target!(|body: &[u8]| {
    let f = fixture();
    for actor in [None, Some(&f.actor)] {
        let first = f.engine.evaluate(&f.object, actor, body);
        let again = f.engine.evaluate(&f.object, actor, body);
        assert_eq!(first, again, "evaluation is deterministic");
        match first.diff() {
            Some(diff) => {
                assert!(first.violations().is_empty());
                let before = f.engine.view(&f.object, None);
                assert_eq!(
                    &diff.apply(&before),
                    diff.after(),
                    "apply(diff, before) == after"
                );
                // The canonical body must be accepted and give the same state.
                if let Some(req) = diff.request() {
                    let bytes = serde_json::to_vec(&req).expect("serialisable");
                    let replay = f.engine.evaluate(&f.object, None, &bytes);
                    assert_eq!(replay.diff().map(|d| d.after()), Some(diff.after()));
                }
            }
            None => assert!(!first.violations().is_empty()),
        }
        let _ = serde_json::to_vec(&first).expect("serialisable");
    }
});

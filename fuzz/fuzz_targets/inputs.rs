//! Any bytes to every other public parser: object, actor, policy, bare state and catalog lint,
//! then the read projection of any object that parses (without an actor, and with the actor the
//! same bytes give when they parse as one). Nothing may panic, and every documented invariant
//! that is cheap to check must hold:
//! - a refusal (`Err`, or an invalid lint report) carries at least one violation, and a valid
//!   lint report none;
//! - errors, warnings, lint reports and states serialise with serde_json;
//! - a bare state that parses survives its own response form (serialise, parse again);
//! - the view without an actor keeps every set and value of the object; the view with an actor
//!   keeps only sets the actor may read, and nothing the view without an actor lacks.
#![no_main]

use std::sync::OnceLock;

use csa::{Actor, Catalog, Engine, Object, Policy, State};
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let catalog = Catalog::from_json(include_bytes!(
            "../../tests/data/graph-examples/sample-catalog.json"
        ))
        .expect("the sample catalog is valid");
        Engine::new(catalog, Policy::default())
    })
}

fn state_json(state: &State) -> Vec<u8> {
    serde_json::to_vec(&state.response_form()).expect("a state serialises")
}

fuzz_target!(|bytes: &[u8]| {
    let object = match Object::from_json(bytes) {
        Ok(o) => Some(o),
        Err(e) => {
            assert!(
                !e.violations().is_empty(),
                "an object error has a violation"
            );
            let _ = e.to_string();
            serde_json::to_vec(e.violations()).expect("violations serialise");
            None
        }
    };

    let actor = match Actor::from_json(bytes) {
        Ok(a) => {
            serde_json::to_vec(a.warnings()).expect("warnings serialise");
            Some(a)
        }
        Err(e) => {
            assert!(!e.violations().is_empty(), "an actor error has a violation");
            let _ = e.to_string();
            serde_json::to_vec(e.violations()).expect("violations serialise");
            None
        }
    };

    match Policy::from_json(bytes) {
        Ok(p) => {
            assert!(p.max_body_bytes > 0 && p.max_catalog_bytes > 0);
        }
        Err(e) => {
            assert!(!e.violations().is_empty(), "a policy error has a violation");
            let _ = e.to_string();
        }
    }

    match State::from_json(bytes) {
        Ok(state) => {
            let text = state_json(&state);
            let again = State::from_json(&text).expect("a state's response form reads back");
            assert_eq!(again, state, "a state survives its response form");
        }
        Err(e) => {
            assert!(!e.violations().is_empty(), "a state error has a violation");
            let _ = e.to_string();
        }
    }

    let lint = Catalog::lint(bytes, &Policy::default());
    assert_eq!(
        lint.is_valid(),
        lint.violations().is_empty(),
        "a lint report is valid exactly when it has no violation"
    );
    serde_json::to_vec(&lint).expect("a lint report serialises");

    if let Some(object) = object {
        let e = engine();
        let all = e.view(&object, None);
        state_json(&all);
        assert_eq!(all.sets().len(), object.state().sets().len());
        assert_eq!(all.value_count(), object.state().value_count());
        for (set, name, value) in object.state().iter() {
            assert_eq!(
                all.get(set, name),
                Some(value),
                "the view keeps {set}/{name}"
            );
        }
        assert_eq!(e.prepare(&object).state(), &all, "prepare and view agree");

        if let Some(actor) = &actor {
            let seen = e.view(&object, Some(actor));
            state_json(&seen);
            for s in seen.sets() {
                assert!(
                    actor.can_read_assignments(object.kind(), s.name()),
                    "the view shows only readable sets"
                );
                let full = all
                    .sets()
                    .iter()
                    .find(|f| f.name() == s.name())
                    .expect("a shown set is in the full view");
                assert_eq!(full, s, "a shown set is shown whole");
            }
            let readable = all
                .sets()
                .iter()
                .filter(|s| actor.can_read_assignments(object.kind(), s.name()))
                .count();
            assert_eq!(seen.sets().len(), readable, "every readable set is shown");
        }
    }
});

//! Any bytes as a desired state, planned from a documented user over the sample catalog (the first
//! byte picks the mode). No input may panic; an accepted plan must apply to the state it was made
//! from, and planning the same desired state again from the result must change nothing.
#![no_main]

use csa::{apply_checked, Catalog, Engine, Object, PlanMode, Policy};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static SAMPLE: &[u8] = include_bytes!("../../tests/data/graph-examples/sample-catalog.json");
static USER: &[u8] = include_bytes!("../../docs/examples/user.json");

fn fixture() -> &'static (Engine, Object) {
    static F: OnceLock<(Engine, Object)> = OnceLock::new();
    F.get_or_init(|| {
        let catalog = Catalog::from_json(SAMPLE).expect("the sample catalog is valid");
        let user = Object::from_json(USER).expect("the documented user");
        (Engine::new(catalog, Policy::default()), user)
    })
}

fuzz_target!(|bytes: &[u8]| {
    let Some((&mode, desired)) = bytes.split_first() else {
        return;
    };
    let mode = if mode % 2 == 0 {
        PlanMode::Managed
    } else {
        PlanMode::Exclusive
    };
    let (engine, user) = fixture();
    let plan = engine.plan(user, None, desired, mode);
    let _ = serde_json::to_vec(&plan).expect("serialisable");
    let Some(diff) = plan.diff() else {
        assert!(!plan.violations().is_empty());
        return;
    };
    let before = engine.view(user, None);
    let after = apply_checked(&before, diff.changes())
        .into_result()
        .expect("a plan applies to its own state");
    let again = engine.plan(&user.clone().with_state(after), None, desired, mode);
    let again = again
        .diff()
        .expect("the same desired state is still allowed");
    assert!(again.is_empty(), "{:?}", again.changes());
});

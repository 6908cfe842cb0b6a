//! Any text as a `$filter` and as a raw query string, over the documented sample catalog and the
//! users of the documented filter examples. No input may panic; a parsed filter must print to a
//! text that parses back to the same filter; a compiled filter must run over every object.
#![no_main]

use csa::{Actor, Catalog, Engine, Filter, GraphQuery, Object, ObjectKind, Policy};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static SAMPLE: &[u8] = include_bytes!("../../tests/data/graph-examples/sample-catalog.json");
static TENANT: &str = include_str!("../../docs/examples/tenant.jsonl");

struct Fixture {
    engine: Engine,
    objects: Vec<Object>,
    scoped: Actor,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| Fixture {
        engine: Engine::new(
            Catalog::from_json(SAMPLE).expect("the sample catalog is valid"),
            Policy::default(),
        ),
        objects: TENANT
            .lines()
            .map(|l| Object::from_json(l.as_bytes()).expect("a documented user"))
            .collect(),
        scoped: Actor::new().with_role("Attribute Assignment Reader", "/attributeSets/Marketing"),
    })
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let f = fixture();
    if let Ok(filter) = Filter::parse(text) {
        let printed = filter.to_string();
        let again = Filter::parse(&printed).expect("a printed filter parses");
        assert_eq!(again, filter, "{printed}");
        for actor in [None, Some(&f.scoped)] {
            if let Ok(compiled) = f.engine.compile_filter(&filter, actor, &ObjectKind::User) {
                for o in &f.objects {
                    let _ = compiled.matches(o);
                }
            }
        }
    }
    let query = GraphQuery::from_query_string(text).consistency_level(Some("eventual"));
    let answer = f.engine.query(&f.objects, Some(&f.scoped), &query);
    if answer.is_allowed() {
        assert!(answer.returned().len() <= answer.matches().len());
    } else {
        assert!(!answer.violations().is_empty());
    }
    let _ = serde_json::to_vec(&answer).expect("serialisable");
});

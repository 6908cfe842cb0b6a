//! Structured PATCH evaluation: `arbitrary` builds the object (state, sync, kind), the actor (role
//! and scope), the policy knobs and a PATCH body from the sample catalog's own names, allowed
//! values and annotations, so most inputs reach the type, predefined-value, limit and permission
//! rules instead of stopping at `invalid_json`. Names are picked from the catalog, recased or
//! invented; values are picked from allowed ones or invented, of the right type or not.
//!
//! Checked for every input: no panic; an evaluation is deterministic; an accepted one applies
//! (`apply(diff, before) == after`), its canonical body replays to the same state, it holds at
//! most 50 values, and it never changes a set the actor may not assign (no permission widening);
//! a refused one carries at least one violation and no diff.
#![no_main]

use std::sync::OnceLock;

use csa::{Actor, AttributeType, Catalog, Engine, Object, ObjectKind, Policy, State, Value};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value as Json};

struct Fixture {
    engines: [Engine; 2],
    /// (set, name, type, collection, allowed value ids) of every definition.
    defs: Vec<(String, String, AttributeType, bool, Vec<String>)>,
    sets: Vec<String>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let bytes = include_bytes!("../../tests/data/graph-examples/sample-catalog.json");
        let catalog = Catalog::from_json(bytes).expect("the sample catalog is valid");
        let defs = catalog
            .definitions()
            .iter()
            .map(|d| {
                let values = d
                    .allowed_values()
                    .iter()
                    .map(|v| v.id().to_owned())
                    .collect();
                let (set, name) = (d.attribute_set().to_owned(), d.name().to_owned());
                (set, name, d.attribute_type(), d.is_collection(), values)
            })
            .collect();
        let sets = catalog
            .attribute_sets()
            .iter()
            .map(|s| s.id().to_owned())
            .collect();
        // Policy is non-exhaustive: start from the default and set the knobs.
        let mut lenient = Policy::default();
        lenient.allow_synced_objects = true;
        lenient.strict_annotations = false;
        let mut strict = Policy::default();
        strict.strict_annotations = true;
        Fixture {
            engines: [
                Engine::new(catalog.clone(), lenient),
                Engine::new(catalog, strict),
            ],
            defs,
            sets,
        }
    })
}

#[derive(Arbitrary, Debug)]
enum Name {
    Known(u8),
    /// A known name with its letters' case flipped where the mask's bits say.
    Recased(u8, u32),
    Invented(String),
}

#[derive(Arbitrary, Debug)]
enum Scalar {
    /// An allowed value of the attribute (index into its list), in its own type.
    Allowed(u8),
    Text(String),
    Int(i64),
    Bool(bool),
    Float(f64),
    Null,
}

#[derive(Arbitrary, Debug)]
enum Val {
    Scalar(Scalar),
    List(Vec<Scalar>),
    /// Many copies of one scalar, to reach the 50-value and duplicate rules.
    Repeat(Scalar, u8),
    Object,
}

#[derive(Arbitrary, Debug)]
enum Annotation {
    None,
    /// What Graph expects for the attribute's definition.
    Right,
    Raw(u8),
    Invented(String),
}

const ANNOTATIONS: [&str; 6] = [
    "#String",
    "#Int32",
    "#Boolean",
    "#Collection(String)",
    "#Collection(Int32)",
    "#Int64",
];

#[derive(Arbitrary, Debug)]
struct Attr {
    name: Name,
    annotation: Annotation,
    value: Val,
}

#[derive(Arbitrary, Debug)]
struct SetPatch {
    set: Name,
    typed: bool,
    attrs: Vec<Attr>,
}

#[derive(Arbitrary, Debug)]
struct Held {
    def: u8,
    value: Val,
}

#[derive(Arbitrary, Debug)]
enum Role {
    None,
    AssignmentAdmin(Option<u8>),
    AssignmentReader(Option<u8>),
    DefinitionAdmin(Option<u8>),
    Invented(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    strict: bool,
    synced: bool,
    service_principal: bool,
    held: Vec<Held>,
    roles: Vec<Role>,
    patch: Vec<SetPatch>,
    /// Wrap the sets in `customSecurityAttributes` (else send them bare, which Graph refuses).
    wrapped: bool,
}

fn pick(list: &[String], name: &Name) -> String {
    let known = |i: u8| list.get(usize::from(i) % list.len().max(1)).cloned();
    match name {
        Name::Known(i) => known(*i).unwrap_or_default(),
        Name::Recased(i, mask) => known(*i)
            .unwrap_or_default()
            .chars()
            .enumerate()
            .map(|(n, c)| {
                if mask >> (n % 32) & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect(),
        Name::Invented(s) => s.clone(),
    }
}

fn scalar(s: &Scalar, ty: Option<AttributeType>, allowed: &[String]) -> Json {
    match s {
        Scalar::Allowed(i) => match allowed.get(usize::from(*i) % allowed.len().max(1)) {
            Some(v) if ty == Some(AttributeType::Integer) => {
                v.parse::<i64>().map_or_else(|_| json!(v), |n| json!(n))
            }
            Some(v) => json!(v),
            None => json!(i),
        },
        Scalar::Text(t) => json!(t),
        Scalar::Int(n) => json!(n),
        Scalar::Bool(b) => json!(b),
        Scalar::Float(f) => json!(f),
        Scalar::Null => Json::Null,
    }
}

fn value(v: &Val, ty: Option<AttributeType>, allowed: &[String]) -> Json {
    match v {
        Val::Scalar(s) => scalar(s, ty, allowed),
        Val::List(items) => items.iter().map(|s| scalar(s, ty, allowed)).collect(),
        Val::Repeat(s, n) => (0..*n).map(|_| scalar(s, ty, allowed)).collect(),
        Val::Object => json!({"id": 1}),
    }
}

fn right_annotation(ty: AttributeType, collection: bool) -> Option<&'static str> {
    match (ty, collection) {
        (AttributeType::String, true) => Some("#Collection(String)"),
        (AttributeType::Integer, true) => Some("#Collection(Int32)"),
        (AttributeType::Integer, false) => Some("#Int32"),
        _ => None,
    }
}

/// The state the object holds: only values Graph could have returned (right type, one value
/// for single-valued attributes); the rest are skipped.
fn held_state(f: &Fixture, held: &[Held]) -> State {
    let mut state = State::new();
    for h in held.iter().take(16) {
        let Some((set, name, ty, collection, allowed)) =
            f.defs.get(usize::from(h.def) % f.defs.len().max(1))
        else {
            continue;
        };
        let items: Vec<Json> = match value(&h.value, Some(*ty), allowed) {
            Json::Array(a) => a,
            other => vec![other],
        };
        let v = match (ty, collection) {
            (AttributeType::String, true) => {
                Value::strings(items.iter().filter_map(|j| j.as_str()))
            }
            (AttributeType::Integer, true) => Value::integers(
                items
                    .iter()
                    .filter_map(|j| j.as_i64().and_then(|n| i32::try_from(n).ok())),
            ),
            (AttributeType::String, false) => items
                .first()
                .and_then(|j| j.as_str())
                .map(|s| Value::String(s.into())),
            (AttributeType::Integer, false) => items
                .first()
                .and_then(|j| j.as_i64())
                .and_then(|n| i32::try_from(n).ok())
                .map(Value::Integer),
            (AttributeType::Boolean, false) => {
                items.first().and_then(|j| j.as_bool()).map(Value::Boolean)
            }
            _ => None,
        };
        if let Some(v) = v {
            state.insert(set, name, v);
        }
    }
    state
}

/// The actor, and the scopes at which it may assign (`None`: the tenant).
fn actor(f: &Fixture, roles: &[Role]) -> Option<(Actor, Vec<Option<String>>)> {
    if roles.is_empty() {
        return None;
    }
    let mut actor = Actor::new();
    let mut assigns = Vec::new();
    for r in roles.iter().take(4) {
        let scope = |s: &Option<u8>| match s {
            None => "/".to_owned(),
            Some(i) => format!("/attributeSets/{}", pick(&f.sets, &Name::Known(*i))),
        };
        actor = match r {
            Role::None => actor,
            Role::AssignmentAdmin(s) => {
                assigns.push(s.map(|i| pick(&f.sets, &Name::Known(i))));
                actor.with_role("Attribute Assignment Administrator", &scope(s))
            }
            Role::AssignmentReader(s) => actor.with_role("Attribute Assignment Reader", &scope(s)),
            Role::DefinitionAdmin(s) => {
                actor.with_role("Attribute Definition Administrator", &scope(s))
            }
            Role::Invented(name) => actor.with_role(name, "/"),
        };
    }
    Some((actor, assigns))
}

fn body(f: &Fixture, patch: &[SetPatch], wrapped: bool) -> Vec<u8> {
    let mut sets = Map::new();
    for p in patch {
        let set = pick(&f.sets, &p.set);
        let mut members = Map::new();
        if p.typed {
            members.insert(
                "@odata.type".into(),
                json!("#Microsoft.DirectoryServices.CustomSecurityAttributeValue"),
            );
        }
        let in_set: Vec<_> = f
            .defs
            .iter()
            .filter(|d| csa::names_eq(&d.0, &set))
            .collect();
        let names: Vec<String> = in_set.iter().map(|d| d.1.clone()).collect();
        for a in &p.attrs {
            let name = pick(&names, &a.name);
            let def = in_set.iter().find(|d| csa::names_eq(&d.1, &name));
            let (ty, allowed) = match def {
                Some(d) => (Some(d.2), d.4.as_slice()),
                None => (None, &[][..]),
            };
            let annotation = match &a.annotation {
                Annotation::None => None,
                Annotation::Right => def
                    .and_then(|d| right_annotation(d.2, d.3))
                    .map(str::to_owned),
                Annotation::Raw(i) => ANNOTATIONS
                    .get(usize::from(*i) % ANNOTATIONS.len())
                    .map(|s| (*s).to_owned()),
                Annotation::Invented(s) => Some(s.clone()),
            };
            if let Some(annotation) = annotation {
                members.insert(format!("{name}@odata.type"), json!(annotation));
            }
            members.insert(name, value(&a.value, ty, allowed));
        }
        sets.insert(set, Json::Object(members));
    }
    let root = if wrapped {
        json!({ "customSecurityAttributes": sets })
    } else {
        Json::Object(sets)
    };
    serde_json::to_vec(&root).expect("a JSON value serialises")
}

fuzz_target!(|input: Input| {
    let f = fixture();
    let engine = &f.engines[usize::from(input.strict)];
    let kind = if input.service_principal {
        ObjectKind::ServicePrincipal
    } else {
        ObjectKind::User
    };
    let object = Object::new(kind)
        .with_sync(input.synced)
        .with_state(held_state(f, &input.held));
    let (actor, assigns) = actor(f, &input.roles).unzip();
    let body = body(f, &input.patch, input.wrapped);

    let first = engine.evaluate(&object, actor.as_ref(), &body);
    assert_eq!(
        first,
        engine.evaluate(&object, actor.as_ref(), &body),
        "deterministic"
    );
    let _ = serde_json::to_vec(&first).expect("an evaluation serialises");
    let Some(diff) = first.diff() else {
        assert!(!first.violations().is_empty(), "a refusal says why");
        return;
    };
    assert!(
        first.violations().is_empty(),
        "an accepted evaluation has no violation"
    );
    let before = engine.view(&object, None);
    assert_eq!(
        &diff.apply(&before),
        diff.after(),
        "apply(diff, before) == after"
    );
    assert!(
        diff.after().value_count() <= csa::limits::MAX_VALUES_PER_OBJECT.max(before.value_count())
    );
    if let Some(assigns) = &assigns {
        for change in diff.changes() {
            let set = change.attribute_set();
            assert!(
                assigns
                    .iter()
                    .any(|s| s.as_deref().is_none_or(|s| csa::names_eq(s, set))),
                "a change in a set the actor may not assign: {change:?} with {:?}",
                input.roles
            );
        }
    }
    if let Some(req) = diff.request() {
        let bytes = serde_json::to_vec(&req).expect("a request body serialises");
        let replay = engine.evaluate(&object, None, &bytes);
        assert_eq!(
            replay.diff().map(|d| d.after()),
            Some(diff.after()),
            "the canonical body replays"
        );
    }
});

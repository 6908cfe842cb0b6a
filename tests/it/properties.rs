//! Property tests of the assignment engine (docs/RULES.md, Assignments and Authorization) over
//! random catalogs, current states, actors and PATCH bodies.
//!
//! Generators draw raw choices (indices, case bits, weights) and materialise them against the
//! generated catalog, so every body can name real sets and attributes in any casing while still
//! shrinking well. Set names all start with `Q` and no attribute name or value contains a `q`, so
//! a set name found in an output can only come from that set.

// Helpers outside `#[test]` functions unwrap too: `cfg(test)` lets clippy.toml cover them.
#![cfg(test)]

use crate::common::{recase, same_name, AAA, REQUEST_SET_TYPE, RESPONSE_SET_TYPE};

use std::collections::BTreeMap;
use std::fmt;

use csa::{Actor, Catalog, Code, Engine, Evaluation, Object, ObjectKind, Policy, State, Value};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{TestCaseError, TestRunner};
use serde_json::{json, Value as J};

// ---------------------------------------------------------------------------------------------
// Vocabulary

const SET_BASES: [&str; 6] = [
    "QAlpha", "QBravo", "QCharlie", "QDelta", "QEcho", "QFoxtrot",
];
/// A set that is never in a catalog, only in current states.
const GHOST_SET: &str = "QGhost";
/// A set that is never in a catalog, only in bodies.
const NOPE_SET: &str = "QNope";
const ATTR_BASES: [&str; 8] = [
    "Proj", "Level", "Cost", "Flag", "Code", "Tier", "Zone", "Note",
];
/// An attribute no catalog defines.
const STALE_ATTR: &str = "Stale";
const UNKNOWN_ATTR: &str = "Zzz";
const STRINGS: [&str; 8] = [
    "Alpine",
    "Baker",
    "baker",
    "Cascade",
    "Skagit",
    "New York",
    "Ünïcode",
    "x",
];
const INTS: [i32; 7] = [-5, 0, 1, 12, 400, i32::MAX, i32::MIN];

/// Built-in roles as (template id, display name); the assignment roles are drawn more often.
const ROLES: [(&str, &str); 6] = [
    (
        "1d336d2c-4ae8-42ef-9711-b3604ce3fc2c",
        "Attribute Definition Reader",
    ),
    (
        "8424c6f0-a189-499e-bbd0-26c1753c96d4",
        "Attribute Definition Administrator",
    ),
    (
        "ffd52fa5-98dc-465c-991d-fc073eb59f8f",
        "Attribute Assignment Reader",
    ),
    (AAA, "Attribute Assignment Administrator"),
    (
        "9c99539d-8186-4804-835f-fd51ef9e2dcd",
        "Attribute Log Reader",
    ),
    (
        "5b784334-f94b-471a-a387-e7219fc49ca2",
        "Attribute Log Administrator",
    ),
];
const ROLE_WEIGHTS: [usize; 12] = [3, 3, 3, 3, 3, 3, 2, 2, 0, 1, 4, 5];
const APP_PERMISSIONS: [&str; 4] = [
    "CustomSecAttributeAssignment.ReadWrite.All",
    "CustomSecAttributeAssignment.Read.All",
    "CustomSecAttributeDefinition.ReadWrite.All",
    "CustomSecAttributeDefinition.Read.All",
];

// ---------------------------------------------------------------------------------------------
// Raw choices

#[derive(Debug, Clone)]
struct DefRaw {
    name: usize,
    case: u32,
    ty: u8,
    multi: bool,
    predefined: bool,
    searchable: bool,
    deprecated: bool,
    values: Vec<(usize, bool)>,
}

#[derive(Debug, Clone)]
struct SetRaw {
    name: usize,
    case: u32,
    limited: bool,
    defs: Vec<DefRaw>,
}

#[derive(Debug, Clone)]
struct StateRaw {
    kind: u8,
    def: usize,
    set_case: u32,
    name_case: u32,
    elems: Vec<usize>,
    flag: bool,
}

#[derive(Debug, Clone)]
struct GrantRaw {
    app: bool,
    role: usize,
    by_name: bool,
    scope: usize,
    case: u32,
}

#[derive(Debug, Clone)]
struct AttrRaw {
    pick: usize,
    case: u32,
    unknown: bool,
    value: u8,
    elems: Vec<usize>,
    flag: bool,
    annotation: u8,
    duplicate: bool,
}

#[derive(Debug, Clone)]
struct BodySetRaw {
    pick: usize,
    case: u32,
    unknown: bool,
    odata: u8,
    attrs: Vec<AttrRaw>,
    duplicate: bool,
}

#[derive(Debug, Clone)]
enum BodyRaw {
    Structured {
        sets: Vec<BodySetRaw>,
        display_name: bool,
        /// Only well-formed choices: right values and removals, right or no annotations.
        clean: bool,
    },
    Bytes(Vec<u8>),
    Json(J),
    CsaJson(J),
    SetJson(usize, u32, J),
}

fn def_raw() -> impl Strategy<Value = DefRaw> {
    (
        0..ATTR_BASES.len(),
        any::<u32>(),
        0u8..3,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.2),
        vec((0usize..16, prop::bool::weighted(0.75)), 0..=5),
    )
        .prop_map(
            |(name, case, ty, multi, predefined, searchable, deprecated, values)| DefRaw {
                name,
                case,
                ty,
                multi,
                predefined,
                searchable,
                deprecated,
                values,
            },
        )
}

fn catalog_raw() -> impl Strategy<Value = Vec<SetRaw>> {
    vec(
        (
            0..SET_BASES.len(),
            any::<u32>(),
            prop::bool::weighted(0.3),
            vec(def_raw(), 1..=6),
        )
            .prop_map(|(name, case, limited, defs)| SetRaw {
                name,
                case,
                limited,
                defs,
            }),
        1..=4,
    )
}

fn state_raw() -> impl Strategy<Value = StateRaw> {
    (
        0u8..24,
        any::<usize>(),
        any::<u32>(),
        any::<u32>(),
        vec(0usize..16, 1..=3),
        any::<bool>(),
    )
        .prop_map(|(kind, def, set_case, name_case, elems, flag)| StateRaw {
            kind,
            def,
            set_case,
            name_case,
            elems,
            flag,
        })
}

fn grant_raw() -> impl Strategy<Value = GrantRaw> {
    (
        prop::bool::weighted(0.15),
        any::<usize>(),
        any::<bool>(),
        any::<usize>(),
        any::<u32>(),
    )
        .prop_map(|(app, role, by_name, scope, case)| GrantRaw {
            app,
            role,
            by_name,
            scope,
            case,
        })
}

fn attr_raw() -> impl Strategy<Value = AttrRaw> {
    (
        any::<usize>(),
        any::<u32>(),
        prop::bool::weighted(0.08),
        0u8..20,
        vec(0usize..16, 1..=3),
        any::<bool>(),
        0u8..11,
        prop::bool::weighted(0.04),
    )
        .prop_map(
            |(pick, case, unknown, value, elems, flag, annotation, duplicate)| AttrRaw {
                pick,
                case,
                unknown,
                value,
                elems,
                flag,
                annotation,
                duplicate,
            },
        )
}

fn body_set_raw() -> impl Strategy<Value = BodySetRaw> {
    (
        any::<usize>(),
        any::<u32>(),
        prop::bool::weighted(0.08),
        0u8..14,
        vec(attr_raw(), 1..=4),
        prop::bool::weighted(0.04),
    )
        .prop_map(
            |(pick, case, unknown, odata, attrs, duplicate)| BodySetRaw {
                pick,
                case,
                unknown,
                odata,
                attrs,
                duplicate,
            },
        )
}

impl BodySetRaw {
    /// The same choices restricted to well-formed ones.
    fn cleaned(&self) -> BodySetRaw {
        BodySetRaw {
            unknown: false,
            duplicate: false,
            odata: 2 + self.odata % 12,
            attrs: self
                .attrs
                .iter()
                .map(|a| AttrRaw {
                    unknown: false,
                    duplicate: false,
                    value: if a.value >= 14 { 19 } else { a.value },
                    annotation: a.annotation % 8,
                    ..a.clone()
                })
                .collect(),
            ..self.clone()
        }
    }
}

fn arb_json() -> impl Strategy<Value = J> {
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::from),
        any::<i64>().prop_map(J::from),
        (-1e12f64..1e12).prop_map(J::from),
        "[A-Za-z@#.()_ ]{0,10}".prop_map(J::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(J::Array),
            btree_map("[A-Za-z@.]{0,8}", inner, 0..4)
                .prop_map(|m| J::Object(m.into_iter().collect())),
        ]
    })
}

fn body_raw() -> impl Strategy<Value = BodyRaw> {
    prop_oneof![
        16 => (vec(body_set_raw(), 1..=3), prop::bool::weighted(0.1), prop::bool::weighted(0.65))
            .prop_map(|(sets, display_name, clean)| BodyRaw::Structured { sets, display_name, clean }),
        1 => vec(any::<u8>(), 0..48).prop_map(BodyRaw::Bytes),
        1 => arb_json().prop_map(BodyRaw::Json),
        1 => arb_json().prop_map(BodyRaw::CsaJson),
        1 => (any::<usize>(), any::<u32>(), arb_json())
            .prop_map(|(s, c, j)| BodyRaw::SetJson(s, c, j)),
    ]
}

// ---------------------------------------------------------------------------------------------
// Materialised scenarios

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    String,
    Integer,
    Boolean,
}

#[derive(Debug, Clone)]
struct MDef {
    set: String,
    name: String,
    ty: Ty,
    multi: bool,
    predefined: bool,
    searchable: bool,
    deprecated: bool,
    /// (id, isActive)
    values: Vec<(String, bool)>,
}

#[derive(Debug, Clone)]
struct MCatalog {
    sets: Vec<(String, bool)>,
    defs: Vec<MDef>,
}

impl MCatalog {
    fn from_raw(raw: &[SetRaw]) -> MCatalog {
        let mut sets: Vec<(String, bool)> = Vec::new();
        let mut defs: Vec<MDef> = Vec::new();
        for s in raw {
            let set = recase(SET_BASES[s.name], s.case);
            if sets.iter().any(|(x, _)| same_name(x, &set)) {
                continue;
            }
            sets.push((set.clone(), s.limited));
            let mut names: Vec<String> = Vec::new();
            for d in &s.defs {
                let name = recase(ATTR_BASES[d.name], d.case);
                if names.iter().any(|n| same_name(n, &name)) {
                    continue;
                }
                names.push(name.clone());
                let ty = match d.ty {
                    0 => Ty::String,
                    1 => Ty::Integer,
                    _ => Ty::Boolean,
                };
                let boolean = ty == Ty::Boolean;
                let mut values: Vec<(String, bool)> = Vec::new();
                if !boolean {
                    for (i, active) in &d.values {
                        let id = match ty {
                            Ty::Integer => INTS[i % INTS.len()].to_string(),
                            _ => STRINGS[i % STRINGS.len()].to_owned(),
                        };
                        if !values.iter().any(|(v, _)| *v == id) {
                            values.push((id, *active));
                        }
                    }
                }
                defs.push(MDef {
                    set: set.clone(),
                    name,
                    ty,
                    multi: d.multi && !boolean,
                    predefined: d.predefined && !boolean,
                    searchable: d.searchable,
                    deprecated: d.deprecated,
                    values,
                });
            }
        }
        MCatalog { sets, defs }
    }

    fn to_json(&self) -> J {
        let sets: Vec<J> = self
            .sets
            .iter()
            .map(|(s, limited)| {
                json!({"id": s, "description": null,
                    "maxAttributesPerSet": if *limited { json!(25) } else { J::Null }})
            })
            .collect();
        let defs: Vec<J> = self
            .defs
            .iter()
            .map(|d| {
                json!({
                    "id": format!("{}_{}", d.set, d.name),
                    "attributeSet": d.set,
                    "name": d.name,
                    "description": null,
                    "type": match d.ty { Ty::String => "String", Ty::Integer => "Integer", Ty::Boolean => "Boolean" },
                    "isCollection": d.multi,
                    "isSearchable": d.searchable,
                    "status": if d.deprecated { "Deprecated" } else { "Available" },
                    "usePreDefinedValuesOnly": d.predefined,
                    "allowedValues": d.values.iter().map(|(id, a)| json!({"id": id, "isActive": a})).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({
            "attributeSets": {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directory/attributeSets", "value": sets},
            "customSecurityAttributeDefinitions": defs,
        })
    }

    fn defs_in<'a>(&'a self, set: &'a str) -> impl Iterator<Item = &'a MDef> + 'a {
        self.defs.iter().filter(move |d| same_name(&d.set, set))
    }
}

/// How values are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Draw {
    /// For current states: predefined attributes hold allowed values (active or not).
    State,
    /// For clean bodies: predefined attributes get active allowed values.
    Clean,
    /// For other bodies: mostly allowed values, sometimes anything.
    Wild,
}

/// One element for `def`: mostly its allowed values when it has some.
fn element(def: &MDef, idx: usize, draw: Draw) -> Value {
    let active: Vec<&String> = def
        .values
        .iter()
        .filter(|(_, a)| *a)
        .map(|(v, _)| v)
        .collect();
    let text = match draw {
        Draw::Clean if def.predefined && !active.is_empty() => active[idx % active.len()].clone(),
        Draw::State if def.predefined && !def.values.is_empty() => {
            def.values[idx % def.values.len()].0.clone()
        }
        _ if !def.values.is_empty() && idx % 3 != 0 => def.values[idx % def.values.len()].0.clone(),
        _ => match def.ty {
            Ty::Integer => INTS[idx % INTS.len()].to_string(),
            _ => STRINGS[idx % STRINGS.len()].to_owned(),
        },
    };
    match def.ty {
        Ty::Integer => Value::Integer(text.parse().unwrap()),
        _ => Value::String(text.into()),
    }
}

/// A value of the right type and cardinality for `def`.
fn value_for(def: &MDef, elems: &[usize], flag: bool, draw: Draw) -> Value {
    if def.ty == Ty::Boolean {
        return Value::Boolean(flag);
    }
    let mut items: Vec<Value> = Vec::new();
    for &i in elems {
        let e = element(def, i, draw);
        if !items.contains(&e) {
            items.push(e);
        }
    }
    if !def.multi {
        return items.swap_remove(0);
    }
    match def.ty {
        Ty::Integer => Value::integers(items.into_iter().map(|v| match v {
            Value::Integer(i) => i,
            _ => unreachable!(),
        }))
        .unwrap(),
        _ => Value::strings(items.into_iter().map(|v| match v {
            Value::String(s) => s,
            _ => unreachable!(),
        }))
        .unwrap(),
    }
}

fn state_from_raw(cat: &MCatalog, raw: &[StateRaw]) -> State {
    let mut state = State::new();
    for r in raw {
        let def = &cat.defs[r.def % cat.defs.len()];
        match r.kind {
            0 => state.insert(
                &recase(GHOST_SET, r.set_case),
                &recase(STALE_ATTR, r.name_case),
                Value::String("x".into()),
            ),
            1 => state.insert(
                &recase(&def.set, r.set_case),
                &recase(STALE_ATTR, r.name_case),
                Value::Integer(1),
            ),
            2 => {
                // Many values in an attribute the catalog does not define: they count toward
                // the 50-value limit, which is then within reach.
                let n = if r.flag { 49 } else { 45 };
                state.insert(
                    &recase(GHOST_SET, r.set_case),
                    "Bulk",
                    Value::strings((0..n).map(|i| format!("w{i}"))).unwrap(),
                );
            }
            _ => state.insert(
                &recase(&def.set, r.set_case),
                &recase(&def.name, r.name_case),
                value_for(def, &r.elems, r.flag, Draw::State),
            ),
        }
    }
    state
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Grant {
    Role { role: String, scope: String },
    App(&'static str),
}

/// A grant; with `scoped_only`, only role assignments at attribute-set scopes.
fn grant_from_raw(cat: &MCatalog, g: &GrantRaw, scoped_only: bool) -> Grant {
    if g.app && !scoped_only {
        return Grant::App(APP_PERMISSIONS[g.role % APP_PERMISSIONS.len()]);
    }
    let (id, name) = ROLES[ROLE_WEIGHTS[g.role % ROLE_WEIGHTS.len()]];
    let role = if g.by_name { name } else { id }.to_owned();
    let n = cat.sets.len();
    let scope = match g.scope % (n + 5) {
        0 | 4 if !scoped_only => "/".to_owned(),
        1 => format!("/attributeSets/{}", recase(GHOST_SET, g.case)),
        2 if g.case % 8 == 1 => "/administrativeUnits/x".to_owned(),
        i => format!("/attributeSets/{}", recase(&cat.sets[i % n].0, g.case)),
    };
    Grant::Role { role, scope }
}

fn build_actor(grants: &[Grant]) -> Actor {
    grants.iter().fold(Actor::new(), |a, g| match g {
        Grant::Role { role, scope } => a.with_role(role, scope),
        Grant::App(p) => a.with_app_permission(p),
    })
}

/// The body text: JSON written by hand so that duplicate keys can be produced.
fn body_from_raw(cat: &MCatalog, state: &State, raw: &BodyRaw) -> Vec<u8> {
    let (sets, display_name, clean) = match raw {
        BodyRaw::Bytes(b) => return b.clone(),
        BodyRaw::Json(j) => return serde_json::to_vec(j).unwrap(),
        BodyRaw::CsaJson(j) => {
            return serde_json::to_vec(&json!({ "customSecurityAttributes": j })).unwrap()
        }
        BodyRaw::SetJson(s, c, j) => {
            let set = recase(&cat.sets[s % cat.sets.len()].0, *c);
            return serde_json::to_vec(&json!({ "customSecurityAttributes": { set: j } })).unwrap();
        }
        BodyRaw::Structured {
            sets,
            display_name,
            clean,
        } => (sets, *display_name, *clean),
    };
    let q = |s: &str| serde_json::to_string(s).unwrap();
    let mut set_texts: Vec<String> = Vec::new();
    let mut used_sets: Vec<String> = Vec::new();
    for s in sets {
        let s = &if clean { s.cleaned() } else { s.clone() };
        let set_name = if s.unknown {
            recase(NOPE_SET, s.case)
        } else {
            recase(&cat.sets[s.pick % cat.sets.len()].0, s.case)
        };
        if used_sets.iter().any(|u| same_name(u, &set_name)) {
            continue;
        }
        used_sets.push(set_name.clone());
        let mut used_attrs: Vec<String> = Vec::new();
        let defs: Vec<&MDef> = cat.defs_in(&set_name).collect();
        let mut members: Vec<(String, String)> = Vec::new();
        match s.odata % 14 {
            0 => {}
            1 => members.push(("@odata.type".into(), q("#microsoft.graph.user"))),
            2 => members.push(("@odata.type".into(), q(RESPONSE_SET_TYPE))),
            3 => members.push(("@odata.type".into(), q(&REQUEST_SET_TYPE.to_lowercase()))),
            _ => members.push(("@odata.type".into(), q(REQUEST_SET_TYPE))),
        }
        for a in &s.attrs {
            let def = if a.unknown || defs.is_empty() {
                None
            } else {
                Some(defs[a.pick % defs.len()])
            };
            let key = match def {
                Some(d) => recase(&d.name, a.case),
                None => recase(UNKNOWN_ATTR, a.case),
            };
            if used_attrs.iter().any(|u| same_name(u, &key)) {
                continue;
            }
            used_attrs.push(key.clone());
            let value = match def {
                Some(d) => body_value(d, a, state.get(&d.set, &d.name), clean),
                None => q("x"),
            };
            if let Some(d) = def {
                let right = right_annotation(d);
                let annotation = match a.annotation {
                    0..=5 => right,
                    6 | 7 => None,
                    8 => Some(
                        ["#Int32", "#Collection(String)", "#Collection(Int32)"]
                            .into_iter()
                            .find(|x| Some(*x) != right)
                            .unwrap(),
                    ),
                    9 => Some("#Foo"),
                    _ => {
                        members.push(("Zorph@odata.type".into(), q("#Int32")));
                        None
                    }
                };
                if let Some(ann) = annotation {
                    members.push((format!("{key}@odata.type"), q(ann)));
                }
            }
            members.push((key.clone(), value.clone()));
            if a.duplicate {
                members.push((recase(&key, !a.case), value));
            }
        }
        let obj = members
            .iter()
            .map(|(k, v)| format!("{}: {v}", q(k)))
            .collect::<Vec<_>>()
            .join(", ");
        set_texts.push(format!("{}: {{{obj}}}", q(&set_name)));
        if s.duplicate {
            set_texts.push(format!(
                "{}: {{\"@odata.type\": {}}}",
                q(&recase(&set_name, !s.case)),
                q(REQUEST_SET_TYPE)
            ));
        }
    }
    let mut text = String::from("{");
    if display_name {
        text.push_str("\"displayName\": \"x\", ");
    }
    text.push_str("\"customSecurityAttributes\": {");
    text.push_str(&set_texts.join(", "));
    text.push_str("}}");
    text.into_bytes()
}

fn right_annotation(d: &MDef) -> Option<&'static str> {
    match (d.ty, d.multi) {
        (Ty::Integer, false) => Some("#Int32"),
        (Ty::String, true) => Some("#Collection(String)"),
        (Ty::Integer, true) => Some("#Collection(Int32)"),
        _ => None,
    }
}

/// The JSON text of a body value for `d`: mostly right, sometimes wrong in one way.
fn body_value(d: &MDef, a: &AttrRaw, held: Option<&Value>, clean: bool) -> String {
    let draw = if clean { Draw::Clean } else { Draw::Wild };
    let right = || serde_json::to_string(&value_for(d, &a.elems, a.flag, draw)).unwrap();
    let scalar = || {
        let mut one = d.clone();
        one.multi = false;
        serde_json::to_string(&value_for(&one, &a.elems, a.flag, draw)).unwrap()
    };
    let wrap = |s: String| if d.multi { format!("[{s}]") } else { s };
    let no_active = d.predefined && !d.values.iter().any(|(_, active)| *active);
    let choice = if clean && (d.deprecated || no_active) && a.value < 12 {
        // Nothing new can be set here: keep it as it is, or remove it.
        if a.value % 2 == 0 {
            19
        } else {
            12
        }
    } else {
        a.value
    };
    match choice {
        0..=11 => right(),
        12 | 13 => (if d.multi { "[]" } else { "null" }).to_owned(),
        14 => (if d.multi { "null" } else { "[]" }).to_owned(),
        15 => wrap(
            match d.ty {
                Ty::String => "5",
                Ty::Integer => "\"12\"",
                Ty::Boolean => "\"true\"",
            }
            .to_owned(),
        ),
        16 => {
            if d.multi {
                scalar()
            } else {
                format!("[{}]", scalar())
            }
        }
        17 => wrap(
            match d.ty {
                Ty::String => "\"\"",
                Ty::Integer => "3000000000",
                Ty::Boolean => "1",
            }
            .to_owned(),
        ),
        18 => {
            if d.multi {
                let s = scalar();
                format!("[{s}, {s}]")
            } else {
                match d.ty {
                    Ty::String => serde_json::to_string(&"a".repeat(65)).unwrap(),
                    Ty::Integer => "1.5".to_owned(),
                    Ty::Boolean => "0".to_owned(),
                }
            }
        }
        _ => match held {
            Some(v) => serde_json::to_string(v).unwrap(),
            None if clean && (d.deprecated || no_active) => {
                (if d.multi { "[]" } else { "null" }).to_owned()
            }
            None => right(),
        },
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    User,
    ServicePrincipal,
    Device,
    Group,
}

#[derive(Clone)]
struct Scenario {
    cat: MCatalog,
    catalog_json: Vec<u8>,
    state: State,
    kind: Kind,
    synced: bool,
    /// `None`: evaluate without an actor.
    grants: Option<Vec<Grant>>,
    /// Another grant, for adding.
    extra: Grant,
    /// Which grant to drop.
    drop: usize,
    body: Vec<u8>,
}

impl fmt::Debug for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scenario")
            .field("catalog", &String::from_utf8_lossy(&self.catalog_json))
            .field("state", &self.state.to_response_json().to_string())
            .field("kind", &self.kind)
            .field("synced", &self.synced)
            .field("grants", &self.grants)
            .field("extra", &self.extra)
            .field("drop", &self.drop)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

impl Scenario {
    fn engine(&self) -> Engine {
        self.engine_with(Policy::default())
    }
    fn engine_with(&self, policy: Policy) -> Engine {
        let catalog = Catalog::from_json(&self.catalog_json).unwrap();
        Engine::new(catalog, policy)
    }
    fn object(&self) -> Object {
        let kind = match self.kind {
            Kind::User => ObjectKind::User,
            Kind::ServicePrincipal => ObjectKind::ServicePrincipal,
            Kind::Device => ObjectKind::Device,
            Kind::Group => ObjectKind::from_name("group").unwrap(),
        };
        Object::new(kind)
            .with_state(self.state.clone())
            .with_sync(self.synced)
    }
    fn actor(&self) -> Option<Actor> {
        self.grants.as_deref().map(build_actor)
    }
    fn evaluate(&self) -> Evaluation {
        let actor = self.actor();
        self.engine()
            .evaluate(&self.object(), actor.as_ref(), &self.body)
    }
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        catalog_raw(),
        vec(state_raw(), 0..=6),
        (
            prop::bool::weighted(0.8),
            prop::bool::weighted(0.4),
            vec(grant_raw(), 0..=5),
            grant_raw(),
            any::<usize>(),
        ),
        (0u8..30, prop::bool::weighted(0.05)),
        body_raw(),
    )
        .prop_map(
            |(
                cat_raw,
                state_raw,
                (has_actor, scoped_only, grants, extra, drop),
                (kind, synced),
                body,
            )| {
                let cat = MCatalog::from_raw(&cat_raw);
                let state = state_from_raw(&cat, &state_raw);
                let grants: Vec<Grant> = grants
                    .iter()
                    .map(|g| grant_from_raw(&cat, g, scoped_only))
                    .collect();
                let extra = grant_from_raw(&cat, &extra, false);
                let body = body_from_raw(&cat, &state, &body);
                let kind = match kind {
                    0 => Kind::Device,
                    1 => Kind::Group,
                    2..=7 => Kind::ServicePrincipal,
                    _ => Kind::User,
                };
                Scenario {
                    catalog_json: serde_json::to_vec(&cat.to_json()).unwrap(),
                    cat,
                    state,
                    kind,
                    synced,
                    grants: has_actor.then_some(grants),
                    extra,
                    drop,
                    body,
                }
            },
        )
}

// ---------------------------------------------------------------------------------------------
// Normalised model of a state

#[derive(Debug, Clone, PartialEq, Eq)]
enum NV {
    S(String),
    I(i64),
    B(bool),
    Ss(Vec<String>),
    Is(Vec<i64>),
}

type Model = BTreeMap<(String, String), NV>;

fn nv_of_value(v: &Value) -> NV {
    match v {
        Value::String(s) => NV::S(s.to_string()),
        Value::Integer(i) => NV::I(i64::from(*i)),
        Value::Boolean(b) => NV::B(*b),
        Value::Strings(l) => {
            let mut l: Vec<String> = l.iter().map(|s| s.to_string()).collect();
            l.sort();
            NV::Ss(l)
        }
        Value::Integers(l) => {
            let mut l: Vec<i64> = l.iter().map(|i| i64::from(*i)).collect();
            l.sort();
            NV::Is(l)
        }
        other => panic!("a value kind this test does not know: {other:?}"),
    }
}

/// The JSON value of an accepted body as a model value; `None` for a removal.
fn nv_of_json(j: &J) -> Option<NV> {
    match j {
        J::Null => None,
        J::String(s) => Some(NV::S(s.clone())),
        J::Bool(b) => Some(NV::B(*b)),
        J::Number(n) => Some(NV::I(n.as_i64().expect("an accepted integer"))),
        J::Array(items) if items.is_empty() => None,
        J::Array(items) if items[0].is_string() => {
            let mut l: Vec<String> = items
                .iter()
                .map(|x| x.as_str().unwrap().to_owned())
                .collect();
            l.sort();
            Some(NV::Ss(l))
        }
        J::Array(items) => {
            let mut l: Vec<i64> = items.iter().map(|x| x.as_i64().unwrap()).collect();
            l.sort();
            Some(NV::Is(l))
        }
        J::Object(_) => panic!("an accepted value cannot be an object"),
    }
}

fn key(set: &str, name: &str) -> (String, String) {
    (set.to_lowercase(), name.to_lowercase())
}

fn model_of(state: &State) -> Model {
    state
        .iter()
        .map(|(s, n, v)| (key(s, n), nv_of_value(v)))
        .collect()
}

/// The state an accepted body leads to, computed from the body alone.
fn expected_after(before: &State, body: &[u8]) -> Model {
    let mut model = model_of(before);
    let body: J = serde_json::from_slice(body).expect("an accepted body is JSON");
    // A body without `customSecurityAttributes` is accepted and changes nothing.
    let Some(sets) = body.get("customSecurityAttributes") else {
        return model;
    };
    let sets = sets
        .as_object()
        .expect("an accepted body's customSecurityAttributes is an object");
    for (set, attrs) in sets {
        if set.contains('@') {
            continue;
        }
        for (name, value) in attrs.as_object().expect("an accepted set is an object") {
            if name.contains('@') {
                continue;
            }
            match nv_of_json(value) {
                Some(v) => {
                    model.insert(key(set, name), v);
                }
                None => {
                    model.remove(&key(set, name));
                }
            }
        }
    }
    model
}

/// An Attribute Assignment Administrator at the scope of each catalog set the body names.
fn scoped_to_body(s: &Scenario) -> Actor {
    let body = String::from_utf8_lossy(&s.body).to_lowercase();
    s.cat
        .sets
        .iter()
        .filter(|(name, _)| body.contains(&name.to_lowercase()))
        .fold(Actor::new(), |a, (name, _)| {
            a.with_role(AAA, &format!("/attributeSets/{name}"))
        })
}

/// Sets the actor can read neither the assignments nor the definitions of, and that the body
/// does not name.
fn hidden_sets(s: &Scenario, actor: &Actor) -> Vec<String> {
    let kind = s.object().kind().clone();
    let body = String::from_utf8_lossy(&s.body).to_lowercase();
    s.cat
        .sets
        .iter()
        .map(|(n, _)| n.as_str())
        .chain([GHOST_SET])
        .filter(|name| {
            !actor.can_read_assignments(&kind, name)
                && !actor.can_read_definitions(name)
                && !body.contains(&name.to_lowercase())
        })
        .map(str::to_owned)
        .collect()
}

fn no_leak(s: &Scenario, actor: &Actor) -> Result<(), TestCaseError> {
    let e = s.engine().evaluate(&s.object(), Some(actor), &s.body);
    let out = serde_json::to_string(&e).unwrap().to_lowercase();
    for name in hidden_sets(s, actor) {
        prop_assert!(
            !out.contains(&name.to_lowercase()),
            "`{}` is not readable but appears in {}",
            name,
            out
        );
    }
    Ok(())
}

/// Each violation as (code, pointer), in order.
fn codes_and_pointers(e: &Evaluation) -> Vec<(Code, String)> {
    e.violations()
        .iter()
        .map(|v| (v.code(), v.pointer().to_owned()))
        .collect()
}

fn config() -> ProptestConfig {
    // 256 cases by default; `PROPTEST_CASES=N` runs more.
    crate::common::proptest_config("proptest-regressions/properties.txt", 256)
}

// ---------------------------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(config())]

    /// The generators only produce valid catalogs (otherwise nothing below means much).
    #[test]
    fn generated_catalogs_are_valid(s in scenario()) {
        let cat = Catalog::from_json(&s.catalog_json);
        prop_assert!(cat.is_ok(), "{:?}", cat.err().map(|e| e.violations().to_vec()));
        let cat = cat.unwrap();
        prop_assert_eq!(cat.definitions().len(), s.cat.defs.len());
        prop_assert!(cat.warnings().is_empty());
    }

    /// (a) Any bytes, any JSON: no panic, and the same answer twice.
    #[test]
    fn a_evaluation_is_total_and_deterministic(s in scenario()) {
        let engine = s.engine();
        let object = s.object();
        let actor = s.actor();
        let first = engine.evaluate(&object, actor.as_ref(), &s.body);
        let second = engine.evaluate(&object, actor.as_ref(), &s.body);
        prop_assert_eq!(&first, &second);
        let j1 = serde_json::to_string(&first).unwrap();
        let j2 = serde_json::to_string(&second).unwrap();
        prop_assert_eq!(j1, j2);
        // A fresh engine over the same inputs agrees too.
        prop_assert_eq!(&s.evaluate(), &first);
        // And so does evaluating the object prepared once (its positions, its value count).
        let prepared = engine.prepare(&object);
        prop_assert_eq!(&engine.evaluate_prepared(&prepared, actor.as_ref(), &s.body), &first);
    }

    /// (b) A refusal changes nothing and says why; an acceptance has no violations.
    #[test]
    fn b_refusal_is_atomic(s in scenario()) {
        let e = s.evaluate();
        let j: J = serde_json::to_value(&e).unwrap();
        prop_assert_eq!(&j["allowed"], &J::Bool(e.is_allowed()));
        if e.is_allowed() {
            prop_assert!(e.violations().is_empty());
            prop_assert!(e.diff().is_some());
            prop_assert!(e.visible_state().is_some());
            prop_assert!(e.result().is_ok());
            prop_assert!(j.get("violations").is_none());
        } else {
            prop_assert!(!e.violations().is_empty());
            prop_assert!(e.diff().is_none());
            prop_assert!(e.visible_state().is_none());
            prop_assert!(e.result().is_err());
            prop_assert!(j.get("changes").is_none());
            prop_assert!(j.get("request").is_none());
            prop_assert_eq!(
                j["violations"].as_array().map(Vec::len),
                Some(e.violations().len())
            );
            // Ordered by pointer (as strings), then code.
            for w in e.violations().windows(2) {
                let a = (w[0].pointer(), w[0].code().as_str());
                let b = (w[1].pointer(), w[1].code().as_str());
                prop_assert!(a <= b, "{:?} before {:?}", a, b);
            }
        }
    }

    /// (c) The diff's after-state is the before-state with exactly the named attributes set or
    /// removed, in catalog casing; `apply` agrees; one change per attribute that changed.
    #[test]
    fn c_after_state_matches_an_independent_model(s in scenario()) {
        let e = s.evaluate();
        let Some(diff) = e.diff() else { return Ok(()); };
        let engine = s.engine();
        let object = s.object();
        let before = engine.view(&object, None);
        prop_assert_eq!(&diff.apply(&before), diff.after());

        let expected = expected_after(s.object().state(), &s.body);
        let got = model_of(diff.after());
        prop_assert_eq!(&got, &expected);

        // Exactly one change per attribute whose value differs, with the right before/after.
        let old = model_of(s.object().state());
        let mut changed: Vec<(String, String)> = expected
            .keys()
            .chain(old.keys())
            .filter(|k| expected.get(*k) != old.get(*k))
            .cloned()
            .collect();
        changed.sort();
        changed.dedup();
        let mut named: Vec<(String, String)> = diff
            .changes()
            .iter()
            .map(|c| key(c.attribute_set(), c.name()))
            .collect();
        named.sort();
        prop_assert_eq!(&named, &changed);
        for c in diff.changes() {
            let k = key(c.attribute_set(), c.name());
            prop_assert_eq!(c.before().map(nv_of_value), old.get(&k).cloned());
            prop_assert_eq!(c.after().map(nv_of_value), expected.get(&k).cloned());
            // Catalog casing.
            let def = engine.catalog().definition(c.attribute_set(), c.name());
            prop_assert!(def.is_some());
            let def = def.unwrap();
            prop_assert_eq!(c.attribute_set(), def.attribute_set());
            prop_assert_eq!(c.name(), def.name());
        }
        // Defined attributes of the after-state are in catalog casing.
        for (set, name, _) in diff.after().iter() {
            if let Some(def) = engine.catalog().definition(set, name) {
                prop_assert_eq!((set, name), (def.attribute_set(), def.name()));
            }
        }
        // Without an actor the visible state is the whole after-state.
        if s.grants.is_none() {
            prop_assert_eq!(e.visible_state(), Some(diff.after()));
        }
    }

    /// (d) Permissions only ever help: dropping a grant never turns a refusal into an
    /// acceptance, adding one never turns an acceptance into a refusal.
    #[test]
    fn d_more_permissions_never_refuse_more(s in scenario()) {
        let Some(grants) = s.grants.clone() else { return Ok(()); };
        let engine = s.engine();
        let object = s.object();
        let full = engine.evaluate(&object, Some(&build_actor(&grants)), &s.body);

        if !grants.is_empty() {
            let mut fewer = grants.clone();
            fewer.remove(s.drop % grants.len());
            let less = engine.evaluate(&object, Some(&build_actor(&fewer)), &s.body);
            prop_assert!(
                full.is_allowed() || !less.is_allowed(),
                "without {:?}: accepted; with it: {:?}",
                grants[s.drop % grants.len()],
                codes_and_pointers(&full)
            );
            if less.is_allowed() {
                prop_assert_eq!(less.diff(), full.diff());
            }
        }

        let mut more = grants.clone();
        more.push(s.extra.clone());
        let plus = engine.evaluate(&object, Some(&build_actor(&more)), &s.body);
        prop_assert!(
            plus.is_allowed() || !full.is_allowed(),
            "adding {:?} refused: {:?}",
            s.extra,
            codes_and_pointers(&plus)
        );
        if full.is_allowed() {
            prop_assert_eq!(full.diff(), plus.diff());
        }
        // Nothing at all may do nothing: an empty actor is refused whenever the body names a set.
        let none = engine.evaluate(&object, Some(&Actor::new()), &s.body);
        if none.is_allowed() {
            let d = none.diff().unwrap();
            prop_assert!(d.is_empty());
        }
    }

    /// (e) With an actor, the output never names a set the actor can read neither the
    /// assignments nor the definitions of, unless the body itself names it. Checked for the
    /// generated actor and for an Attribute Assignment Administrator scoped to exactly the
    /// catalog sets the body names (so that accepted evaluations over hidden sets are common).
    #[test]
    fn e_no_set_name_leaks(s in scenario()) {
        if let Some(actor) = s.actor() {
            no_leak(&s, &actor)?;
        }
        no_leak(&s, &scoped_to_body(&s))?;
    }

    /// (f) The canonical request body replays the change: on the original state it is accepted
    /// with the same changes (even with strict annotations), on the after-state it changes
    /// nothing.
    #[test]
    fn f_canonical_body_round_trips(s in scenario()) {
        let e = s.evaluate();
        let Some(diff) = e.diff() else { return Ok(()); };
        let request = diff.request();
        prop_assert_eq!(request.is_none(), diff.is_empty());
        let Some(request) = request else { return Ok(()); };
        // The body as `RequestBody` writes it (its own key order), and as `to_json` gives it.
        let canonical = serde_json::to_vec(&request).unwrap();
        let as_value = serde_json::to_vec(&request.to_json()).unwrap();
        prop_assert_eq!(
            serde_json::from_slice::<J>(&canonical).unwrap(),
            request.to_json()
        );
        let actor = s.actor();
        let object = s.object();

        let replay = s.engine().evaluate(&object, actor.as_ref(), &canonical);
        prop_assert!(replay.is_allowed(), "{:?}", codes_and_pointers(&replay));
        let rd = replay.diff().unwrap();
        prop_assert_eq!(model_of(rd.after()), model_of(diff.after()));
        prop_assert_eq!(rd.changes(), diff.changes());
        prop_assert!(
            replay.warnings().iter().all(|w| w.code() != csa::WarningCode::MissingAnnotation),
            "the canonical body is annotated"
        );
        let replay_value = s.engine().evaluate(&object, actor.as_ref(), &as_value);
        prop_assert!(replay_value.is_allowed(), "{:?}", codes_and_pointers(&replay_value));
        prop_assert_eq!(
            model_of(replay_value.diff().unwrap().after()),
            model_of(diff.after())
        );

        let mut strict = Policy::default();
        strict.strict_annotations = true;
        let replay_strict = s.engine_with(strict).evaluate(&object, actor.as_ref(), &canonical);
        prop_assert!(replay_strict.is_allowed(), "strict: {:?}", codes_and_pointers(&replay_strict));

        let after_object = object.clone().with_state(diff.after().clone());
        let again = s.engine().evaluate(&after_object, actor.as_ref(), &canonical);
        prop_assert!(again.is_allowed(), "{:?}", codes_and_pointers(&again));
        let ad = again.diff().unwrap();
        prop_assert!(ad.is_empty(), "{:?}", ad.changes());
        prop_assert!(ad.request().is_none());
        prop_assert_eq!(model_of(ad.after()), model_of(diff.after()));
    }

    /// (g) Authorization aside the rules are the same: no actor and a tenant-wide Attribute
    /// Assignment Administrator get the same answer.
    #[test]
    fn g_no_actor_is_a_tenant_wide_assignment_administrator(s in scenario()) {
        let engine = s.engine();
        let object = s.object();
        let admin = Actor::new().with_role(AAA, "/");
        let without = engine.evaluate(&object, None, &s.body);
        let with = engine.evaluate(&object, Some(&admin), &s.body);
        prop_assert_eq!(without.is_allowed(), with.is_allowed(),
            "no actor: {:?}; admin: {:?}", codes_and_pointers(&without), codes_and_pointers(&with));
        prop_assert_eq!(without.diff(), with.diff());
        prop_assert_eq!(without.visible_state(), with.visible_state());
        if s.kind != Kind::Group {
            prop_assert_eq!(without.violations(), with.violations());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The generators reach the interesting cases

#[test]
fn generators_cover_acceptance_refusal_and_change() {
    let mut runner = TestRunner::deterministic();
    let strategy = scenario();
    let (mut accepted, mut changed, mut refused, mut actor_refused, mut structured) =
        (0, 0, 0, 0, 0);
    let mut actor_changed = 0;
    // (e) accepted with an actor while the object holds a set it may not read and the body
    // does not name: the case where a leak would show.
    let mut hidden_held = 0;
    // (d) dropping one grant turns an acceptance into a refusal: grants matter.
    let mut grant_matters = 0;
    let mut codes_seen: Vec<Code> = Vec::new();
    let n = 1000;
    for _ in 0..n {
        let s = strategy.new_tree(&mut runner).unwrap().current();
        if s.body.starts_with(b"{\"customSecurityAttributes\": {")
            || s.body.starts_with(b"{\"displayName\"")
        {
            structured += 1;
        }
        let e = s.evaluate();
        let scoped = scoped_to_body(&s);
        let object = s.object();
        let scoped_eval = s.engine().evaluate(&object, Some(&scoped), &s.body);
        if scoped_eval.is_allowed() {
            let held_hidden = hidden_sets(&s, &scoped)
                .iter()
                .any(|h| s.state.sets().iter().any(|set| same_name(set.name(), h)));
            if held_hidden {
                hidden_held += 1;
            }
        }
        if let (Some(grants), true) = (&s.grants, e.is_allowed()) {
            if !grants.is_empty() {
                let mut fewer = grants.clone();
                fewer.remove(s.drop % grants.len());
                let less = s
                    .engine()
                    .evaluate(&object, Some(&build_actor(&fewer)), &s.body);
                if !less.is_allowed() {
                    grant_matters += 1;
                }
            }
        }
        if let Some(d) = e.diff() {
            accepted += 1;
            if !d.is_empty() {
                changed += 1;
                if s.grants.is_some() {
                    actor_changed += 1;
                }
            }
        } else {
            refused += 1;
            if e.violations()
                .iter()
                .any(|v| v.code() == Code::PermissionDenied)
            {
                actor_refused += 1;
            }
        }
        for v in e.violations() {
            if !codes_seen.contains(&v.code()) {
                codes_seen.push(v.code());
            }
        }
    }
    println!(
        "accepted {accepted} (changed {changed}, with an actor {actor_changed}), refused {refused} (permission {actor_refused}), structured {structured}; hidden sets held {hidden_held}; grant matters {grant_matters}; codes {codes_seen:?}"
    );
    assert!(hidden_held * 10 > n, "hidden sets held: {hidden_held}");
    assert!(grant_matters * 50 > n, "grant matters: {grant_matters}");
    assert!(structured * 10 > n * 7, "structured bodies: {structured}");
    assert!(accepted * 10 > n, "accepted: {accepted}");
    assert!(changed * 20 > n, "accepted with a change: {changed}");
    assert!(refused * 10 > n, "refused: {refused}");
    assert!(
        actor_changed * 20 > n,
        "accepted with a change and an actor: {actor_changed}"
    );
    assert!(
        actor_refused * 20 > n,
        "refused for permissions: {actor_refused}"
    );
    for code in [
        Code::InvalidJson,
        Code::InvalidShape,
        Code::DuplicateKey,
        Code::MissingOdataType,
        Code::InvalidOdataType,
        Code::AnnotationMismatch,
        Code::UnknownAttributeSet,
        Code::UnknownAttribute,
        Code::TypeMismatch,
        Code::CollectionExpected,
        Code::SingleValueExpected,
        Code::WrongRemoval,
        Code::EmptyString,
        Code::ValueTooLong,
        Code::IntegerOutOfRange,
        Code::DuplicateValue,
        Code::TooManyValues,
        Code::ValueNotPredefined,
        Code::ValueDeactivated,
        Code::AttributeDeactivated,
        Code::SyncedObject,
        Code::UnsupportedObjectType,
        Code::PermissionDenied,
    ] {
        assert!(
            codes_seen.contains(&code),
            "the generators never produce {code}"
        );
    }
}

//! Audit records and redaction (docs/RULES.md, Planning, applying and auditing): the record of an
//! accepted request, and the promise that no value of a set in `redactSets` appears in messages,
//! hints or audit records.

// Helpers outside `#[test]` functions unwrap too: `cfg(test)` lets clippy.toml cover them.
#![cfg(test)]

use crate::common::*;
use csa::{
    apply_checked_with, changes_from_json, Actor, ActorScope, AuditRecord, AuditValue, Catalog,
    Change, CustomRole, Engine, Evaluation, Name, Object, ObjectKind, Op, Policy, State, Value,
    REDACTED,
};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{json, Map, Value as Json};

// ---------------------------------------------------------------------------------------------
// The record's shape

/// A user `u1` holding Engineering and Marketing values.
fn u1() -> Object {
    user_with(json!({
        "Engineering": {"@odata.type": RESPONSE_SET_TYPE,
            "Project": ["Baker", "Cascade", "Alpine"], "NumVendors": 4, "Certification": true},
        "Marketing": {"@odata.type": RESPONSE_SET_TYPE, "EmployeeId": "E1"}
    }))
    .with_id("u1")
}

/// Over [`u1`]: a collection of 3 becomes one of 2, an integer changes, a Boolean is removed,
/// a Marketing value is replaced and one added.
fn body() -> Vec<u8> {
    // Written as text: changes come in body order, which `json!` would sort.
    format!(
        r##"{{"customSecurityAttributes": {{
        "Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}",
            "Project@odata.type": "#Collection(String)", "Project": ["Alpine", "Baker"],
            "NumVendors@odata.type": "#Int32", "NumVendors": 8,
            "Certification": null}},
        "Marketing": {{"@odata.type": "{REQUEST_SET_TYPE}",
            "EmployeeId": "E2",
            "AppCountry@odata.type": "#Collection(String)", "AppCountry": ["Canada"]}}
    }}}}"##
    )
    .into_bytes()
}

/// Rights to assign Engineering (a set-scoped role), to read everywhere (a tenant role by
/// display name), a custom role, a scope that grants nothing, and an app permission that
/// allows the Marketing changes.
fn actor() -> Actor {
    Actor::new()
        .with_custom_role(CustomRole::new("c1").with_display_name("Eng auditors"))
        .with_role(AAA, "/attributeSets/Engineering")
        .with_role("Attribute Assignment Reader", "/")
        .with_role("c1", "/administrativeUnits/x")
        .with_app_permission(APP_ASSIGN_RW)
}

fn expected_changes(masked: bool) -> Json {
    let m = |n: usize| json!(vec![REDACTED; n]);
    let (project_before, project_after, before4, after8, cert) = if masked {
        (
            m(3),
            m(2),
            json!(REDACTED),
            json!(REDACTED),
            json!(REDACTED),
        )
    } else {
        (
            json!(["Baker", "Cascade", "Alpine"]),
            json!(["Alpine", "Baker"]),
            json!(4),
            json!(8),
            json!(true),
        )
    };
    json!([
        {"op": "replace", "attribute": "Engineering_Project", "attributeSet": "Engineering",
            "name": "Project", "before": project_before, "after": project_after},
        {"op": "replace", "attribute": "Engineering_NumVendors", "attributeSet": "Engineering",
            "name": "NumVendors", "before": before4, "after": after8},
        {"op": "remove", "attribute": "Engineering_Certification", "attributeSet": "Engineering",
            "name": "Certification", "before": cert, "after": null},
        {"op": "replace", "attribute": "Marketing_EmployeeId", "attributeSet": "Marketing",
            "name": "EmployeeId", "before": "E1", "after": "E2"},
        {"op": "add", "attribute": "Marketing_AppCountry", "attributeSet": "Marketing",
            "name": "AppCountry", "before": null, "after": ["Canada"]},
    ])
}

#[test]
fn the_record_of_an_accepted_request_names_object_actor_scopes_and_changes() {
    let actor = actor();
    let eval = engine().evaluate(&u1(), Some(&actor), &body());
    assert_accepted(&eval);
    let record = eval.audit(&u1(), Some(&actor), &Policy::default()).unwrap();
    assert_eq!(
        record.to_json(),
        json!({
            "object": {"id": "u1", "kind": "user"},
            "actor": {"scopes": [
                {"role": AAA, "scope": "/attributeSets/Engineering"},
                {"role": "Attribute Assignment Reader", "scope": "/"},
                {"role": "c1", "scope": "/administrativeUnits/x"},
                {"appPermission": APP_ASSIGN_RW},
            ]},
            "changes": expected_changes(false),
        })
    );
    // Keys in the documented order, as a log line shows them.
    let text = serde_json::to_string(&record).unwrap();
    assert!(
        text.starts_with(r#"{"object":{"id":"u1","kind":"user"},"actor":{"scopes":[{"role":"#),
        "{text}"
    );
    assert_eq!(record.object_id(), Some("u1"));
    assert_eq!(record.object_kind(), &ObjectKind::User);
    assert_eq!(record.actor_scopes().map(<[_]>::len), Some(4));
    assert_eq!(
        record.actor_scopes().unwrap()[3],
        ActorScope::AppPermission(APP_ASSIGN_RW.into())
    );
    assert_eq!(record.changes()[2].op(), Op::Remove);
    assert_eq!(record.changes()[2].attribute(), "Engineering_Certification");
}

#[test]
fn without_an_actor_the_record_says_null() {
    let object = service_principal().with_state(u1().state().clone());
    let eval = engine().evaluate(&object, None, &body());
    let record = eval.audit(&object, None, &Policy::default()).unwrap();
    assert_eq!(
        record.to_json(),
        json!({"object": {"id": null, "kind": "servicePrincipal"}, "actor": null,
            "changes": expected_changes(false)})
    );
    assert_eq!(record.actor_scopes(), None);
}

#[test]
fn an_actor_without_grants_has_an_empty_scope_list() {
    // An evaluation with such an actor changes nothing, but a record built for it says who.
    let record = AuditRecord::new(&u1(), Some(&Actor::new()), &[], &Policy::default());
    assert_eq!(
        record.to_json(),
        json!({"object": {"id": "u1", "kind": "user"}, "actor": {"scopes": []}, "changes": []})
    );
}

#[test]
fn a_refused_request_has_no_record() {
    let eval = engine().evaluate(&u1(), None, &eng(r#""NumVendors": "eight""#));
    assert!(!eval.is_allowed());
    assert_eq!(eval.audit(&u1(), None, &Policy::default()), None);
    // Refused for permissions too.
    let eval = engine().evaluate(&u1(), Some(&tenant_reader()), &body());
    assert!(!eval.is_allowed());
    assert_eq!(
        eval.audit(&u1(), Some(&tenant_reader()), &Policy::default()),
        None
    );
}

#[test]
fn an_accepted_request_that_changes_nothing_is_recorded_with_no_changes() {
    let eval = engine().evaluate(
        &u1(),
        None,
        &eng(r##""NumVendors@odata.type": "#Int32", "NumVendors": 4"##),
    );
    assert_accepted(&eval);
    let record = eval.audit(&u1(), None, &Policy::default()).unwrap();
    assert_eq!(record.to_json()["changes"], json!([]));
}

#[test]
fn redacted_sets_are_masked_keeping_counts_and_other_sets_are_not() {
    // The policy names the set in another casing: names are case-insensitive.
    let policy = Policy::from_json(br#"{"redactSets": ["ENGINEERING"]}"#).unwrap();
    let engine = engine_with_policy(policy.clone());
    let actor = actor();
    let eval = engine.evaluate(&u1(), Some(&actor), &body());
    let record = eval.audit(&u1(), Some(&actor), &policy).unwrap();
    assert_eq!(record.to_json()["changes"], expected_changes(true));
    assert_eq!(
        record.changes()[0].before(),
        Some(&AuditValue::MaskedCollection(3))
    );
    assert_eq!(record.changes()[1].after(), Some(&AuditValue::Masked));
    assert_eq!(
        record.changes()[3].after(),
        Some(&AuditValue::Value(Value::String("E2".into())))
    );
    let text = serde_json::to_string(&record).unwrap();
    for secret in ["Baker", "Cascade", "Alpine", "true"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

#[test]
fn changes_read_back_from_json_are_audited_as_the_evaluation_is() {
    let policy = Policy::from_json(br#"{"redactSets": ["Engineering"]}"#).unwrap();
    let eval = engine_with_policy(policy.clone()).evaluate(&u1(), None, &body());
    let changes = changes_from_json(&serde_json::to_vec(&eval).unwrap()).unwrap();
    assert_eq!(
        AuditRecord::new(&u1(), None, &changes, &policy),
        eval.audit(&u1(), None, &policy).unwrap()
    );
}

// ---------------------------------------------------------------------------------------------
// Property: no value of a redacted set leaks
//
// Every set has its own vocabulary of values that occur nowhere else: strings `w{k}q{j}z` (also
// sent in upper case) and integers `70{k}{jjj}` for the set with index `k`. A redacted set's vocabulary found in an
// output can only have come from that set's values (allowed values, the object's state, or the
// body), so searching the output text for it finds any leak.

const SETS: [&str; 4] = ["Alpha", "Bravo", "Charlie", "Delta"];
/// Index of a set that only current states hold (not in any catalog).
const GHOST: usize = 4;
const GHOST_SET: &str = "Ghost";
const ATTRS: [&str; 6] = ["Proj", "Level", "Cost", "Flag", "Code", "Note"];
const VOCABULARY: usize = 8;

fn set_name(k: usize) -> &'static str {
    SETS.get(k).copied().unwrap_or(GHOST_SET)
}
fn word(k: usize, j: usize) -> String {
    format!("w{k}q{j}z")
}
fn number(k: usize, j: usize) -> i32 {
    7_000_000 + (k as i32) * 1000 + j as i32
}
/// Every value of set `k`'s vocabulary as it would be written in JSON text.
fn vocabulary(k: usize) -> Vec<String> {
    (0..VOCABULARY)
        .flat_map(|j| [word(k, j), number(k, j).to_string()])
        .collect()
}

fn recase(s: &str, bits: u32) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if bits >> (i % 32) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    String,
    Integer,
    Boolean,
}

#[derive(Debug, Clone)]
struct Def {
    set: usize,
    name: &'static str,
    ty: Ty,
    multi: bool,
    predefined: bool,
    deprecated: bool,
    /// (vocabulary index, isActive)
    allowed: Vec<(usize, bool)>,
}

impl Def {
    fn element(&self, j: usize) -> Json {
        match self.ty {
            Ty::Integer => json!(number(self.set, j)),
            _ => json!(word(self.set, j)),
        }
    }
    /// A right-typed value from vocabulary indices `js` (Booleans: `flag`).
    fn value(&self, js: &[usize], flag: bool) -> Json {
        if self.ty == Ty::Boolean {
            return json!(flag);
        }
        let mut items: Vec<Json> = Vec::new();
        for j in js {
            let e = self.element(*j);
            if !items.contains(&e) {
                items.push(e);
            }
        }
        if self.multi {
            Json::Array(items)
        } else {
            items.swap_remove(0)
        }
    }
}

/// An actor's role assignments as (role, scope), and its app permissions.
type Grants = (Vec<(String, String)>, Vec<String>);

#[derive(Debug, Clone)]
struct Scenario {
    catalog: Json,
    state: Json,
    body: Json,
    /// `None`: no actor; otherwise role assignments as (role, scope) and app permissions.
    actor: Option<Grants>,
    /// Set names (any casing) in the policy's `redactSets`.
    redact: Vec<String>,
}

impl Scenario {
    fn policy(&self) -> Policy {
        let mut p = Policy::default();
        p.redact_sets = self.redact.iter().map(|s| Name::new(s).unwrap()).collect();
        p
    }
    fn catalog(&self) -> Catalog {
        Catalog::from_json(&serde_json::to_vec(&self.catalog).unwrap()).unwrap()
    }
    fn object(&self) -> Object {
        user_with(self.state.clone()).with_id("o1")
    }
    fn actor(&self) -> Option<Actor> {
        self.actor.as_ref().map(|(roles, apps)| {
            let a = roles
                .iter()
                .fold(Actor::new(), |a, (r, s)| a.with_role(r, s));
            apps.iter().fold(a, |a, p| a.with_app_permission(p))
        })
    }
    fn evaluate(&self, policy: &Policy) -> Evaluation {
        let engine = Engine::new(self.catalog(), policy.clone());
        engine.evaluate(
            &self.object(),
            self.actor().as_ref(),
            &serde_json::to_vec(&self.body).unwrap(),
        )
    }
    /// Indices of the redacted sets (the ghost set included).
    fn redacted(&self) -> Vec<usize> {
        (0..=GHOST)
            .filter(|k| {
                self.redact
                    .iter()
                    .any(|r| r.eq_ignore_ascii_case(set_name(*k)))
            })
            .collect()
    }
}

/// The redacted sets' values found in `text` (in any casing), as (set, value).
fn leaks(s: &Scenario, text: &str) -> Vec<(&'static str, String)> {
    let text = text.to_lowercase();
    s.redacted()
        .into_iter()
        .flat_map(|k| {
            vocabulary(k)
                .into_iter()
                .filter(|v| text.contains(v.as_str()))
                .map(move |v| (set_name(k), v))
        })
        .collect()
}

/// The violations and warnings of an evaluation, as JSON text: where messages and hints are.
fn messages(e: &Evaluation) -> String {
    let j = serde_json::to_value(e).unwrap();
    format!("{} {}", j["violations"], j["warnings"])
}

type DefRaw = (usize, u8, bool, bool, bool, Vec<(usize, bool)>);
type AttrRaw = (usize, u8, Vec<usize>, bool, bool);

fn scenario() -> impl Strategy<Value = Scenario> {
    let def = (
        0..ATTRS.len(),
        0u8..3,
        any::<bool>(),
        prop::bool::weighted(0.7),
        prop::bool::weighted(0.15),
        vec((0..VOCABULARY, prop::bool::weighted(0.75)), 0..=4),
    );
    let set = (0..SETS.len(), vec(def, 1..=4));
    let held = (
        any::<usize>(),
        vec(0..VOCABULARY, 1..=3),
        any::<bool>(),
        0u8..8,
    );
    let attr = (
        any::<usize>(),
        0u8..14,
        vec(0..VOCABULARY, 1..=3),
        any::<bool>(),
        any::<bool>(),
    );
    let body_set = (any::<usize>(), any::<u32>(), vec(attr, 1..=4));
    let body = (vec(body_set, 1..=3), prop::bool::weighted(0.5));
    let grant = (0u8..6, any::<usize>(), any::<u32>());
    (
        vec(set, 1..=3),
        vec(held, 0..=6),
        body,
        (0u8..5, vec(grant, 0..=3)),
        vec(
            (any::<usize>(), any::<u32>(), prop::bool::weighted(0.1)),
            1..=3,
        ),
    )
        .prop_map(|(sets, held, body, (actor_kind, grants), redact)| {
            build(sets, held, body, actor_kind, grants, redact)
        })
}

fn build(
    sets: Vec<(usize, Vec<DefRaw>)>,
    held: Vec<(usize, Vec<usize>, bool, u8)>,
    (body, clean): (Vec<(usize, u32, Vec<AttrRaw>)>, bool),
    actor_kind: u8,
    grants: Vec<(u8, usize, u32)>,
    redact: Vec<(usize, u32, bool)>,
) -> Scenario {
    let mut set_ids: Vec<usize> = Vec::new();
    let mut defs: Vec<Def> = Vec::new();
    for (k, ds) in sets {
        if set_ids.contains(&k) {
            continue;
        }
        set_ids.push(k);
        let mut names: Vec<usize> = Vec::new();
        for (a, ty, multi, predefined, deprecated, allowed) in ds {
            if names.contains(&a) {
                continue;
            }
            names.push(a);
            let ty = match ty {
                0 => Ty::String,
                1 => Ty::Integer,
                _ => Ty::Boolean,
            };
            let boolean = ty == Ty::Boolean;
            let mut av: Vec<(usize, bool)> = Vec::new();
            for (j, active) in allowed {
                if !boolean && !av.iter().any(|(x, _)| *x == j) {
                    av.push((j, active));
                }
            }
            defs.push(Def {
                set: k,
                name: ATTRS[a],
                ty,
                multi: multi && !boolean,
                predefined: predefined && !boolean,
                deprecated,
                allowed: av,
            });
        }
    }
    let catalog = json!({
        "attributeSets": set_ids.iter().map(|k| json!({"id": set_name(*k), "description": null, "maxAttributesPerSet": null})).collect::<Vec<_>>(),
        "customSecurityAttributeDefinitions": defs.iter().map(|d| json!({
            "id": format!("{}_{}", set_name(d.set), d.name),
            "attributeSet": set_name(d.set),
            "name": d.name,
            "description": null,
            "type": match d.ty { Ty::String => "String", Ty::Integer => "Integer", Ty::Boolean => "Boolean" },
            "isCollection": d.multi,
            "isSearchable": true,
            "status": if d.deprecated { "Deprecated" } else { "Available" },
            "usePreDefinedValuesOnly": d.predefined,
            "allowedValues": d.allowed.iter().map(|(j, active)| json!({
                "id": match d.ty { Ty::Integer => number(d.set, *j).to_string(), _ => word(d.set, *j) },
                "isActive": active,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });

    // The object's state: defined attributes (predefined ones hold allowed values, active or
    // not), attributes the catalog does not define, and a set it does not define.
    let mut state: Map<String, Json> = Map::new();
    let mut put = |set: &str, name: &str, v: Json| {
        let entry = state
            .entry(set.to_owned())
            .or_insert_with(|| json!({"@odata.type": RESPONSE_SET_TYPE}));
        entry[name] = v;
    };
    for (pick, js, flag, kind) in &held {
        let d = &defs[pick % defs.len()];
        let js: Vec<usize> = if d.predefined && !d.allowed.is_empty() {
            js.iter()
                .map(|j| d.allowed[j % d.allowed.len()].0)
                .collect()
        } else {
            js.clone()
        };
        match kind {
            0 => put(
                GHOST_SET,
                "Stale",
                json!([word(GHOST, js[0]), word(GHOST, 7)]),
            ),
            1 => put(set_name(d.set), "Stale", json!(number(d.set, js[0]))),
            _ => put(set_name(d.set), d.name, d.value(&js, *flag)),
        }
    }
    let state = Json::Object(state);

    let mut sets_json: Map<String, Json> = Map::new();
    for (pick, case, attrs) in &body {
        let k = set_ids[pick % set_ids.len()];
        let key = recase(set_name(k), *case);
        if sets_json.keys().any(|x| x.eq_ignore_ascii_case(&key)) {
            continue;
        }
        let in_set: Vec<&Def> = defs.iter().filter(|d| d.set == k).collect();
        let mut members: Map<String, Json> = Map::new();
        members.insert("@odata.type".into(), json!(REQUEST_SET_TYPE));
        for (a, choice, js, flag, annotate) in attrs {
            let d = in_set[a % in_set.len()];
            if members.contains_key(d.name) {
                continue;
            }
            let held_value = state.get(set_name(k)).and_then(|s| s.get(d.name)).cloned();
            let token = word(k, js[0]);
            let active: Vec<usize> = d
                .allowed
                .iter()
                .filter(|(_, a)| *a)
                .map(|(j, _)| *j)
                .collect();
            let stuck = d.deprecated || (d.predefined && active.is_empty());
            // A clean body sends only what is accepted: right values (active allowed values
            // where predefined), removals, or what the object holds.
            let choice = match (clean, *choice) {
                (false, c) => c,
                (true, c) if stuck => {
                    if c % 2 == 0 {
                        5
                    } else {
                        10
                    }
                }
                (true, c) if c <= 5 || c == 10 => c,
                (true, _) => 0,
            };
            let js: Vec<usize> = if clean && d.predefined && !active.is_empty() {
                js.iter().map(|j| active[j % active.len()]).collect()
            } else {
                js.clone()
            };
            let js = &js;
            let value = match choice {
                // Upper case: a value that differs from an allowed one only in case.
                4 if d.ty == Ty::String => match d.value(js, *flag) {
                    Json::String(w) => json!(w.to_uppercase()),
                    Json::Array(l) => l
                        .iter()
                        .map(|w| json!(w.as_str().unwrap_or_default().to_uppercase()))
                        .collect(),
                    other => other,
                },
                0..=4 => d.value(js, *flag),
                5 => json!(if d.multi { json!([]) } else { Json::Null }),
                6 => json!(if d.multi { Json::Null } else { json!([]) }),
                // The wrong type, carrying the set's values.
                7 => match d.ty {
                    Ty::String => json!(number(k, js[0])),
                    _ => json!(token),
                },
                8 if d.multi => {
                    let e = d.element(js[0]);
                    json!([e.clone(), e])
                }
                8 => json!([d.element(js[0])]),
                9 => json!(format!("{token}{}", "-".repeat(64))),
                10 => held_value.unwrap_or_else(|| d.value(js, *flag)),
                11 => {
                    members.insert(format!("Zzz{}", ATTRS[a % ATTRS.len()]), json!(token));
                    continue;
                }
                12 => json!(if d.multi { json!([""]) } else { json!("") }),
                _ => json!({"nested": token}),
            };
            let annotation = match (d.ty, d.multi) {
                (Ty::Integer, false) => Some("#Int32"),
                (Ty::String, true) => Some("#Collection(String)"),
                (Ty::Integer, true) => Some("#Collection(Int32)"),
                _ => None,
            };
            if let (Some(ann), true) = (annotation, *annotate) {
                members.insert(format!("{}@odata.type", d.name), json!(ann));
            }
            members.insert(d.name.to_owned(), value);
        }
        sets_json.insert(key, Json::Object(members));
    }
    let body = json!({ "customSecurityAttributes": sets_json });

    let actor = match actor_kind {
        0 | 1 => None,
        2 | 3 => Some((vec![(AAA.to_owned(), "/".to_owned())], vec![])),
        _ => Some((
            grants
                .iter()
                .filter(|(kind, _, _)| *kind < 4)
                .map(|(kind, pick, case)| {
                    let role = if *kind == 3 { AAR } else { AAA };
                    let k = set_ids[pick % set_ids.len()];
                    (
                        role.to_owned(),
                        format!("/attributeSets/{}", recase(set_name(k), *case)),
                    )
                })
                .collect(),
            grants
                .iter()
                .filter(|(kind, _, _)| *kind >= 4)
                .map(|(kind, _, _)| {
                    if *kind == 4 {
                        APP_ASSIGN_RW
                    } else {
                        APP_ASSIGN_R
                    }
                    .to_owned()
                })
                .collect(),
        )),
    };
    // Mostly sets of the catalog, sometimes the set only the object holds.
    let redact = redact
        .into_iter()
        .map(|(pick, case, ghost)| {
            let k = if ghost {
                GHOST
            } else {
                set_ids[pick % set_ids.len()]
            };
            recase(set_name(k), case)
        })
        .collect();
    Scenario {
        catalog,
        state,
        body,
        actor,
        redact,
    }
}

/// Each change's values in the record: masked (with the count kept) exactly when its set is
/// redacted, as they are otherwise.
fn masked_as_policy_says(
    s: &Scenario,
    record: &AuditRecord,
    changes: &[Change],
) -> Result<(), TestCaseError> {
    let policy = s.policy();
    prop_assert_eq!(record.changes().len(), changes.len());
    let written = record.to_json();
    for (i, c) in changes.iter().enumerate() {
        let redacted = policy.is_redacted(c.attribute_set());
        for (got, value) in [
            (&written["changes"][i]["before"], c.before()),
            (&written["changes"][i]["after"], c.after()),
        ] {
            let want = match value {
                None => Json::Null,
                Some(v) if !redacted => v.to_json(),
                Some(v) if v.is_collection() => json!(vec![REDACTED; v.count()]),
                Some(_) => json!(REDACTED),
            };
            prop_assert_eq!(got, &want, "{} of {}", c.attribute(), written);
        }
    }
    Ok(())
}

fn config() -> ProptestConfig {
    crate::common::proptest_config("proptest-regressions/audit.txt", 256)
}

proptest! {
    #![proptest_config(config())]

    /// No value of a redacted set appears in the evaluation's violations and warnings (their
    /// messages and hints), in its audit record, in the `conflict`s of applying its changes to
    /// a state changed meanwhile, or in the errors of reading its changes back broken.
    #[test]
    fn redacted_values_never_leak(s in scenario()) {
        let policy = s.policy();
        let e = s.evaluate(&policy);
        let found = leaks(&s, &messages(&e));
        prop_assert!(found.is_empty(), "{:?} in {}", found, messages(&e));

        let Some(diff) = e.diff() else {
            prop_assert_eq!(e.audit(&s.object(), s.actor().as_ref(), &policy), None);
            return Ok(());
        };
        let record = e.audit(&s.object(), s.actor().as_ref(), &policy).unwrap();
        let text = serde_json::to_string(&record).unwrap();
        let found = leaks(&s, &text);
        prop_assert!(found.is_empty(), "{:?} in {}", found, text);
        masked_as_policy_says(&s, &record, diff.changes())?;

        // Someone else changed every touched attribute to another value of its set.
        let mut meanwhile: State = s.object().state().clone();
        for c in diff.changes() {
            let k = (0..=GHOST).find(|k| set_name(*k).eq_ignore_ascii_case(c.attribute_set())).unwrap();
            let other = match c.before() {
                Some(_) => None,
                None => Some(Value::strings([word(k, 5), word(k, 6)]).unwrap()),
            };
            match other {
                Some(v) => meanwhile.insert(c.attribute_set(), c.name(), v),
                None => { meanwhile.remove(c.attribute_set(), c.name()); }
            }
        }
        if let Err(conflicts) = apply_checked_with(&meanwhile, diff.changes(), &policy).into_result() {
            let text = serde_json::to_string(&conflicts).unwrap();
            let found = leaks(&s, &text);
            prop_assert!(found.is_empty(), "{:?} in {}", found, text);
        }

        // The changes read back with every collection repeating its first element: the
        // errors point at the values and quote none (reading has no policy to go by).
        let mut broken = serde_json::to_value(diff.changes()).unwrap();
        for c in broken.as_array_mut().unwrap() {
            for key in ["before", "after"] {
                if let Some(items) = c[key].as_array_mut() {
                    let first = items[0].clone();
                    items.push(first);
                }
            }
        }
        if let Err(err) = changes_from_json(&serde_json::to_vec(&broken).unwrap()) {
            let text = serde_json::to_string(err.violations()).unwrap().to_lowercase();
            let all: Vec<String> = (0..=GHOST).flat_map(vocabulary).collect();
            let quoted: Vec<&String> = all.iter().filter(|v| text.contains(v.as_str())).collect();
            prop_assert!(quoted.is_empty(), "{:?} in {}", quoted, text);
        }
    }
}

/// The generators make the property mean something: without the policy, the same outputs do
/// show the would-be-redacted values (in messages, in audit records, in conflicts).
#[test]
fn generators_produce_values_that_would_leak_without_redaction() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut in_messages, mut in_records, mut accepted, mut redacted_changes, mut refused) =
        (0, 0, 0, 0, 0);
    let n = 1000;
    for _ in 0..n {
        let s = scenario().new_tree(&mut runner).unwrap().current();
        let plain = s.evaluate(&Policy::default());
        if !leaks(&s, &messages(&plain)).is_empty() {
            in_messages += 1;
        }
        match plain.audit(&s.object(), s.actor().as_ref(), &Policy::default()) {
            Some(r) => {
                accepted += 1;
                if !leaks(&s, &serde_json::to_string(&r).unwrap()).is_empty() {
                    in_records += 1;
                }
                let policy = s.policy();
                if r.changes()
                    .iter()
                    .any(|c| policy.is_redacted(c.attribute_set()))
                {
                    redacted_changes += 1;
                }
            }
            None => refused += 1,
        }
    }
    println!(
        "would leak in messages {in_messages}, in records {in_records}; accepted {accepted} ({redacted_changes} changing a redacted set), refused {refused}"
    );
    assert!(in_messages * 10 > n, "messages: {in_messages}");
    assert!(in_records * 10 > n, "records: {in_records}");
    assert!(
        redacted_changes * 10 > n,
        "redacted changes: {redacted_changes}"
    );
    assert!(refused * 5 > n, "refused: {refused}");
    assert!(accepted * 5 > n, "accepted: {accepted}");
}

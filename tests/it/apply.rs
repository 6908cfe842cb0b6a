//! Applying changes later (docs/RULES.md, Planning, applying and auditing): reading them back from
//! `csa check` / `csa plan` output (`changes_from_json`), and `apply_checked`, which refuses with
//! `conflict` when the object no longer holds what the changes were computed from.

// Helpers outside `#[test]` functions unwrap too: `cfg(test)` lets clippy.toml cover them.
#![cfg(test)]

use crate::common::*;
use csa::{
    apply, apply_checked, apply_checked_with, changes_from_json, Change, Code, Document, Name, Op,
    Policy, State, Value, Violation,
};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{json, Value as Json};

// ---------------------------------------------------------------------------------------------
// Helpers

/// The object's state for the round-trip scenario: something of every value kind.
fn held() -> Json {
    json!({
        "Engineering": {
            "@odata.type": RESPONSE_SET_TYPE,
            "Project@odata.type": "#Collection(String)", "Project": ["Baker", "Cascade"],
            "NumVendors": 4,
            "ProjectDate": "2022-10-01",
            "CostCenter@odata.type": "#Collection(Int32)", "CostCenter": [1001],
            "Certification": true
        },
        "Marketing": {"@odata.type": RESPONSE_SET_TYPE, "EmployeeId": "E1"}
    })
}

/// A PATCH over [`held`] making every kind of change: add, replace, remove; single and
/// multi-valued; strings, integers, Booleans.
fn every_kind_of_change() -> Vec<u8> {
    json_body(json!({"customSecurityAttributes": {
        "Engineering": {
            "@odata.type": REQUEST_SET_TYPE,
            "Project@odata.type": "#Collection(String)", "Project": ["Alpine", "Baker"],
            "NumVendors@odata.type": "#Int32", "NumVendors": 8,
            "ProjectDate": null,
            "CostCenter": [],
            "Certification": false,
            "Datacenter@odata.type": "#Collection(String)", "Datacenter": ["West", "East"]
        },
        "Marketing": {
            "@odata.type": REQUEST_SET_TYPE,
            "AppCountry@odata.type": "#Collection(String)", "AppCountry": ["Canada"],
            "EmployeeId": "E2"
        }
    }}))
}

fn json_body(j: Json) -> Vec<u8> {
    serde_json::to_vec(&j).unwrap()
}

/// The changes of [`every_kind_of_change`] evaluated over [`held`], and that state.
fn evaluated_changes() -> (State, Vec<Change>, Json) {
    let object = user_with(held());
    let eval = engine().evaluate(&object, None, &every_kind_of_change());
    assert_accepted(&eval);
    let changes = eval.diff().unwrap().changes().to_vec();
    assert_eq!(changes.len(), 8, "{changes:?}");
    (object.state().clone(), changes, eval_json(&eval))
}

fn one(set: &str, name: &str, before: Option<Value>, after: Option<Value>) -> Change {
    Change::between(set, name, before, after).expect("a change")
}

fn strings(v: &[&str]) -> Value {
    Value::strings(v.iter().copied()).unwrap()
}

/// (code, pointer) of each violation, in order.
fn located(violations: &[Violation]) -> Vec<(&'static str, &str)> {
    violations
        .iter()
        .map(|v| (v.code().as_str(), v.pointer()))
        .collect()
}

/// The violations of a changes document that must be refused.
fn parse_errors(doc: Json) -> Vec<Violation> {
    let bytes = serde_json::to_vec(&doc).unwrap();
    match changes_from_json(&bytes) {
        Ok(c) => panic!("{doc} was read as {c:?}"),
        Err(e) => e.violations().to_vec(),
    }
}

/// A well-formed change as JSON, for documents that break one thing at a time.
fn change_json(op: &str, set: &str, name: &str, before: Json, after: Json) -> Json {
    json!({"op": op, "attribute": format!("{set}_{name}"), "attributeSet": set, "name": name,
        "before": before, "after": after})
}

// ---------------------------------------------------------------------------------------------
// Reading changes

#[test]
fn changes_read_back_from_the_check_output_are_the_evaluated_changes() {
    let (_, changes, output) = evaluated_changes();
    let whole = changes_from_json(&serde_json::to_vec(&output).unwrap()).unwrap();
    assert_eq!(whole, changes);
    let array = changes_from_json(&serde_json::to_vec(&output["changes"]).unwrap()).unwrap();
    assert_eq!(array, changes);
    // And what is read serialises to exactly the text it was read from.
    assert_eq!(serde_json::to_value(&whole).unwrap(), output["changes"]);
    let ops: Vec<Op> = whole.iter().map(Change::op).collect();
    assert!(ops.contains(&Op::Add) && ops.contains(&Op::Replace) && ops.contains(&Op::Remove));
}

#[test]
fn an_empty_changes_list_reads_as_no_changes() {
    assert_eq!(changes_from_json(b"[]").unwrap(), vec![]);
    assert_eq!(
        changes_from_json(br#"{"allowed": true, "changes": [], "request": null}"#).unwrap(),
        vec![]
    );
}

#[test]
fn a_document_that_is_not_changes_is_refused_at_its_root() {
    let cases: [(&[u8], &str, &str); 7] = [
        (b"{\"changes\": [", "invalid_json", ""),
        (b"\"changes\"", "invalid_shape", ""),
        (b"{\"allowed\": true}", "missing_property", ""),
        (
            b"{\"allowed\": true, \"changes\": {}}",
            "invalid_property",
            "/changes",
        ),
        // Only a check or plan output says `allowed`: an audit record is not a changes document.
        (b"{\"changes\": []}", "missing_property", ""),
        (
            b"{\"object\": {\"id\": \"u1\", \"kind\": \"user\"}, \"actor\": null, \"changes\": []}",
            "missing_property",
            "",
        ),
        (
            b"{\"allowed\": \"yes\", \"changes\": []}",
            "invalid_property",
            "/allowed",
        ),
    ];
    for (bytes, code, pointer) in cases {
        let e = changes_from_json(bytes).unwrap_err();
        assert_eq!(
            located(e.violations()),
            vec![(code, pointer)],
            "{}",
            String::from_utf8_lossy(bytes)
        );
        assert!(e
            .violations()
            .iter()
            .all(|v| v.document() == Document::Changes));
    }
}

#[test]
fn a_refused_evaluation_has_no_changes_to_apply() {
    let eval = engine().evaluate(&user(), None, &eng(r#""NumVendors": "four""#));
    assert!(!eval.is_allowed());
    let e = changes_from_json(&serde_json::to_vec(&eval_json(&eval)).unwrap()).unwrap_err();
    assert_eq!(
        located(e.violations()),
        vec![("invalid_property", "/allowed")]
    );
    assert_eq!(
        e.violations()[0].message(),
        "the document is a refused evaluation: it has no changes to apply"
    );
}

#[test]
fn every_problem_of_every_change_is_reported_with_its_pointer() {
    let ok = |name: &str| change_json("add", "Engineering", name, Json::Null, json!("x"));
    let doc = json!({"allowed": true, "changes": [
        change_json("modify", "Engineering", "A", Json::Null, json!("x")),
        change_json("add", "Bad Set", "A", Json::Null, json!("x")),
        {"op": "add", "attribute": "Engineering_Other", "attributeSet": "Engineering", "name": "B",
            "before": null, "after": "x"},
        {"op": "add", "attribute": "Engineering_C", "attributeSet": "Engineering", "name": "C", "after": "x"},
        change_json("add", "Engineering", "D", json!("was"), json!("x")),
        change_json("replace", "Engineering", "E", json!(["a", "b"]), json!(["b", "a"])),
        change_json("replace", "Engineering", "F", Json::Null, json!([1])),
        change_json("add", "Engineering", "G", Json::Null, json!(1.5)),
        change_json("add", "Engineering", "H", Json::Null, json!([])),
        change_json("add", "Engineering", "I", Json::Null, json!(["a", 1])),
        change_json("add", "Engineering", "J", Json::Null, json!(["a", "b", "a"])),
        change_json("add", "Engineering", "K", Json::Null, json!(3_000_000_000i64)),
        change_json("add", "Engineering", "L", Json::Null, json!("")),
        change_json("add", "Engineering", "M", Json::Null, json!("m".repeat(65))),
        change_json("add", "Engineering", "N", Json::Null, json!({"v": 1})),
        change_json("remove", "Engineering", "O", Json::Null, Json::Null),
        ok("P"),
        ok("p"),
        {"op": 3, "attribute": "Engineering_Q", "attributeSet": "Engineering", "name": "Q",
            "before": null, "after": [true]},
        "not a change",
    ]});
    let v = parse_errors(doc);
    // Ordered by pointer as strings (so `/changes/10` before `/changes/2`), then code.
    assert_eq!(
        located(&v),
        vec![
            ("invalid_property", "/changes/0/op"),
            ("invalid_name", "/changes/1/attributeSet"),
            ("duplicate_value", "/changes/10/after/2"),
            ("integer_out_of_range", "/changes/11/after"),
            ("empty_string", "/changes/12/after"),
            ("value_too_long", "/changes/13/after"),
            ("type_mismatch", "/changes/14/after"),
            ("invalid_property", "/changes/15/before"),
            ("duplicate_key", "/changes/17/attribute"),
            ("type_mismatch", "/changes/18/after/0"),
            ("invalid_property", "/changes/18/op"),
            ("invalid_property", "/changes/19"),
            ("id_mismatch", "/changes/2/attribute"),
            ("missing_property", "/changes/3"),
            ("invalid_property", "/changes/4/before"),
            ("invalid_property", "/changes/5/after"),
            ("invalid_property", "/changes/6/before"),
            ("type_mismatch", "/changes/7/after"),
            ("invalid_property", "/changes/8/after"),
            ("type_mismatch", "/changes/9/after/1"),
        ]
    );
    let message = |ptr: &str| v.iter().find(|x| x.pointer() == ptr).unwrap().message();
    assert_eq!(
        message("/changes/0/op"),
        "`op` must be `add`, `replace` or `remove`, not `modify`"
    );
    assert_eq!(
        message("/changes/2/attribute"),
        "`Engineering_Other` is not `Engineering_B`, the change's `attributeSet` and `name`"
    );
    assert_eq!(
        message("/changes/3"),
        "a change needs `before` (`null` when the attribute is not assigned)"
    );
    assert_eq!(
        message("/changes/5/after"),
        "`before` and `after` hold the same value (collections are sets): this is no change"
    );
    assert_eq!(
        message("/changes/6/before"),
        "a `replace` needs the value before; use `add` for a new assignment"
    );
    assert_eq!(
        message("/changes/17/attribute"),
        "`Engineering_p` is changed more than once (names are case-insensitive)"
    );
}

#[test]
fn a_repeated_value_is_pointed_at_not_quoted() {
    // Parse errors never quote values: they may belong to a redacted set.
    let doc = json!([change_json(
        "add",
        "Engineering",
        "Project",
        Json::Null,
        json!(["TopSecretValue", "TopSecretValue"])
    )]);
    let v = parse_errors(doc);
    assert_eq!(located(&v), vec![("duplicate_value", "/0/after/1")]);
    let text = serde_json::to_string(&v).unwrap();
    assert!(!text.contains("TopSecretValue"), "{text}");
}

#[test]
fn names_must_be_valid_and_attribute_may_differ_in_case_only() {
    let v = parse_errors(json!([
        change_json("add", "Engineering", "Project_Code", Json::Null, json!("x")),
        {"op": "add", "attribute": "ENGINEERING_project", "attributeSet": "Engineering",
            "name": "Project", "before": null, "after": "x"},
    ]));
    assert_eq!(located(&v), vec![("invalid_name", "/0/name")]);
    let ok = changes_from_json(
        &serde_json::to_vec(&json!([{"op": "add", "attribute": "ENGINEERING_project",
        "attributeSet": "Engineering", "name": "Project", "before": null, "after": "x"}]))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(ok[0].attribute(), "Engineering_Project");
}

// ---------------------------------------------------------------------------------------------
// Applying with preconditions

#[test]
fn on_the_unchanged_state_apply_checked_is_apply() {
    let (current, changes, _) = evaluated_changes();
    let after = apply_checked(&current, &changes).into_result().unwrap();
    assert_eq!(after, apply(&current, &changes));
    let eval = engine().evaluate(&user_with(held()), None, &every_kind_of_change());
    assert_eq!(&after, eval.diff().unwrap().after());
}

#[test]
fn changes_read_back_from_json_apply_to_the_state_they_came_from() {
    let (current, _, output) = evaluated_changes();
    let changes = changes_from_json(&serde_json::to_vec(&output).unwrap()).unwrap();
    let after = apply_checked(&current, &changes).into_result().unwrap();
    assert_eq!(
        after.to_response_json(),
        output["customSecurityAttributes"],
        "the state the check promised"
    );
}

#[test]
fn a_concurrent_change_to_touched_attributes_is_one_conflict_each() {
    let (current, changes, _) = evaluated_changes();
    let mut meanwhile = current.clone();
    // Someone else changed two of the attributes the changes touch.
    meanwhile.insert("Engineering", "NumVendors", Value::Integer(5));
    meanwhile.insert("Marketing", "AppCountry", strings(&["France"]));
    let copy = meanwhile.clone();
    let v = apply_checked(&meanwhile, &changes)
        .into_result()
        .unwrap_err();
    assert_eq!(meanwhile, copy, "nothing changed");
    assert_eq!(
        located(&v),
        vec![
            (
                "conflict",
                "/customSecurityAttributes/Engineering/NumVendors"
            ),
            ("conflict", "/customSecurityAttributes/Marketing/AppCountry"),
        ]
    );
    assert_eq!(v[0].attribute(), Some("Engineering_NumVendors"));
    assert_eq!(
        v[0].message(),
        "`Engineering_NumVendors` is not what the changes were computed from: expected `4`, found `5`"
    );
    assert_eq!(
        v[0].hint(),
        Some("the object changed after the changes were computed: plan or check again against its current state, then apply the new changes")
    );
    assert_eq!(v[0].status(), 412);
    assert_eq!(v[0].graph_error(), "Request_PreconditionFailed");
    assert_eq!(v[0].document(), Document::Object);
    assert_eq!(v[1].attribute(), Some("Marketing_AppCountry"));
    assert_eq!(
        v[1].message(),
        "`Marketing_AppCountry` is not what the changes were computed from: expected no value (not assigned), found `[\"France\"]`"
    );
}

#[test]
fn a_concurrent_removal_of_a_touched_attribute_is_a_conflict() {
    let (current, changes, _) = evaluated_changes();
    let mut meanwhile = current.clone();
    meanwhile.remove("Engineering", "Project");
    let v = apply_checked(&meanwhile, &changes)
        .into_result()
        .unwrap_err();
    assert_eq!(
        located(&v),
        vec![("conflict", "/customSecurityAttributes/Engineering/Project")]
    );
    assert_eq!(
        v[0].message(),
        "`Engineering_Project` is not what the changes were computed from: expected `[\"Baker\",\"Cascade\"]`, found no value (not assigned)"
    );
}

#[test]
fn an_untouched_attribute_changed_concurrently_is_kept() {
    let (current, changes, _) = evaluated_changes();
    let mut meanwhile = current.clone();
    meanwhile.insert("Engineering", "Datacenter2", strings(&["North"]));
    meanwhile.insert("Operations", "Level", Value::String("Preview".into()));
    let after = apply_checked(&meanwhile, &changes).into_result().unwrap();
    assert_eq!(after, apply(&meanwhile, &changes));
    assert_eq!(
        after.get("Operations", "Level"),
        Some(&Value::String("Preview".into()))
    );
    assert_eq!(
        after.get("Engineering", "Datacenter2"),
        Some(&strings(&["North"]))
    );
    assert_eq!(
        after.get("Engineering", "NumVendors"),
        Some(&Value::Integer(8))
    );
}

#[test]
fn collection_order_is_not_a_conflict() {
    let current = state(json!({"Engineering": {"@odata.type": RESPONSE_SET_TYPE,
        "Project": ["Cascade", "Baker"], "CostCenter": [1003, 1001]}}));
    let changes = vec![
        one(
            "Engineering",
            "Project",
            Some(strings(&["Baker", "Cascade"])),
            Some(strings(&["Alpine"])),
        ),
        one(
            "Engineering",
            "CostCenter",
            Some(Value::integers([1001, 1003]).unwrap()),
            None,
        ),
    ];
    let after = apply_checked(&current, &changes).into_result().unwrap();
    assert_eq!(
        after.to_response_json(),
        json!({"Engineering": {"@odata.type": RESPONSE_SET_TYPE,
            "Project@odata.type": "#Collection(String)", "Project": ["Alpine"]}})
    );
    // A collection with one element more or less is a conflict, whatever the order.
    let grown = state(json!({"Engineering": {"@odata.type": RESPONSE_SET_TYPE,
        "Project": ["Cascade", "Alpine", "Baker"], "CostCenter": [1003, 1001]}}));
    let v = apply_checked(&grown, &changes).into_result().unwrap_err();
    assert_eq!(
        located(&v),
        vec![("conflict", "/customSecurityAttributes/Engineering/Project")]
    );
}

#[test]
fn names_are_compared_case_insensitively_and_the_state_keeps_its_casing() {
    let current = state(json!({"ENGINEERING": {"@odata.type": RESPONSE_SET_TYPE,
        "numvendors": 4, "Project": ["Baker"]}}));
    let changes = vec![
        one(
            "Engineering",
            "NumVendors",
            Some(Value::Integer(4)),
            Some(Value::Integer(8)),
        ),
        one("engineering", "PROJECT", Some(strings(&["Baker"])), None),
    ];
    let after = apply_checked(&current, &changes).into_result().unwrap();
    assert_eq!(
        after.to_response_json(),
        json!({"ENGINEERING": {"@odata.type": RESPONSE_SET_TYPE, "numvendors": 8}})
    );
    // A conflict points at the attribute as the change names it.
    let moved = state(json!({"ENGINEERING": {"@odata.type": RESPONSE_SET_TYPE,
        "numvendors": 7, "Project": ["Baker"]}}));
    let v = apply_checked(&moved, &changes).into_result().unwrap_err();
    assert_eq!(
        located(&v),
        vec![(
            "conflict",
            "/customSecurityAttributes/Engineering/NumVendors"
        )]
    );
}

#[test]
fn a_change_expecting_nothing_conflicts_with_a_concurrent_assignment() {
    let changes = vec![one(
        "Engineering",
        "ProjectDate",
        None,
        Some(Value::String("2022-10-01".into())),
    )];
    let meanwhile = state(json!({"Engineering": {"@odata.type": RESPONSE_SET_TYPE,
        "ProjectDate": "2023-01-01"}}));
    let v = apply_checked(&meanwhile, &changes)
        .into_result()
        .unwrap_err();
    assert_eq!(
        v[0].message(),
        "`Engineering_ProjectDate` is not what the changes were computed from: expected no value (not assigned), found `\"2023-01-01\"`"
    );
    // And the same add on a state without it applies.
    assert!(apply_checked(&State::new(), &changes).into_result().is_ok());
}

#[test]
fn conflicts_on_redacted_sets_say_what_kind_of_value_not_which() {
    let mut policy = Policy::default();
    policy.redact_sets = vec![Name::new("engineering").unwrap()];
    let changes = vec![
        one(
            "Engineering",
            "Project",
            Some(strings(&["Baker", "Cascade"])),
            Some(strings(&["Alpine"])),
        ),
        one(
            "Engineering",
            "NumVendors",
            Some(Value::Integer(4)),
            Some(Value::Integer(8)),
        ),
        one(
            "Engineering",
            "ProjectDate",
            None,
            Some(Value::String("2022-10-01".into())),
        ),
        one(
            "Marketing",
            "EmployeeId",
            Some(Value::String("E1".into())),
            None,
        ),
    ];
    let meanwhile = state(json!({
        "Engineering": {"@odata.type": RESPONSE_SET_TYPE,
            "Project": ["Baker", "Skagit", "Tahoe"], "NumVendors": 5, "ProjectDate": "2023-01-01"},
        "Marketing": {"@odata.type": RESPONSE_SET_TYPE, "EmployeeId": "E9"}
    }));
    let v = apply_checked_with(&meanwhile, &changes, &policy)
        .into_result()
        .unwrap_err();
    let messages: Vec<&str> = v.iter().map(Violation::message).collect();
    assert_eq!(
        messages,
        vec![
            "`Engineering_NumVendors` is not what the changes were computed from: expected a single value, found a different single value",
            "`Engineering_Project` is not what the changes were computed from: expected a collection of 2 values, found a collection of 3 values",
            "`Engineering_ProjectDate` is not what the changes were computed from: expected no value (not assigned), found a single value",
            "`Marketing_EmployeeId` is not what the changes were computed from: expected `\"E1\"`, found `\"E9\"`",
        ]
    );
    let text = serde_json::to_string(&v).unwrap();
    for secret in [
        "Baker",
        "Cascade",
        "Skagit",
        "Tahoe",
        "Alpine",
        "2023-01-01",
        "2022-10-01",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    // Without the policy the same conflicts show the values.
    let plain = apply_checked(&meanwhile, &changes)
        .into_result()
        .unwrap_err();
    assert!(plain[1]
        .message()
        .contains("[\"Baker\",\"Skagit\",\"Tahoe\"]"));
}

#[test]
fn changes_to_the_same_attribute_are_checked_in_order() {
    // Not something an evaluation produces, but a list built by hand may: the second change's
    // `before` is what the first leaves.
    let changes = vec![
        one("E", "N", Some(Value::Integer(1)), Some(Value::Integer(2))),
        one("e", "n", Some(Value::Integer(2)), Some(Value::Integer(3))),
    ];
    let current = state(json!({"E": {"N": 1}}));
    let after = apply_checked(&current, &changes).into_result().unwrap();
    assert_eq!(after.get("E", "N"), Some(&Value::Integer(3)));
    let stale = vec![
        one("E", "N", Some(Value::Integer(1)), Some(Value::Integer(2))),
        one("E", "N", Some(Value::Integer(1)), Some(Value::Integer(3))),
    ];
    assert_eq!(
        apply_checked(&current, &stale)
            .into_result()
            .unwrap_err()
            .len(),
        1
    );
}

// ---------------------------------------------------------------------------------------------
// Properties

const SETS: [&str; 3] = ["Alpha", "Bravo", "Charlie"];
const ATTRS: [&str; 5] = ["Proj", "Level", "Cost", "Flag", "Note"];
const WORDS: [&str; 6] = ["Alpine", "Baker", "baker", "Cascade", "Ünïcode", "x"];
const NUMBERS: [i32; 5] = [-5, 0, 12, i32::MAX, i32::MIN];

/// A value of any kind, from small vocabularies (so that equal values are common).
fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0..WORDS.len()).prop_map(|i| Value::String(WORDS[i].into())),
        (0..NUMBERS.len()).prop_map(|i| Value::Integer(NUMBERS[i])),
        any::<bool>().prop_map(Value::Boolean),
        proptest::sample::subsequence(WORDS.to_vec(), 1..=4)
            .prop_shuffle()
            .prop_map(|w| Value::strings(w).unwrap()),
        proptest::sample::subsequence(NUMBERS.to_vec(), 1..=4)
            .prop_shuffle()
            .prop_map(|v| Value::integers(v).unwrap()),
    ]
}

/// `base` in upper case when `upper`.
fn cased(base: &str, upper: bool) -> String {
    if upper {
        base.to_uppercase()
    } else {
        base.to_owned()
    }
}

/// An attribute as (set index, attribute index, upper-case set name, upper-case attribute name).
type Slot = (usize, usize, bool, bool);

fn slot() -> impl Strategy<Value = Slot> {
    (0..SETS.len(), 0..ATTRS.len(), any::<bool>(), any::<bool>())
}

#[derive(Debug, Clone)]
struct Case {
    current: State,
    changes: Vec<Change>,
    /// For each change in turn: a value different from its `before` (`None`: not assigned).
    concurrent: Vec<Option<Value>>,
    /// Which changes' attributes another admin changes (at least one).
    hit: Vec<bool>,
    /// An attribute no change touches, and a new value for it.
    untouched: Option<((usize, usize), Value)>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        vec((slot(), value()), 0..8),
        vec((slot(), proptest::option::weighted(0.75, value())), 1..6),
        vec((proptest::option::of(value()), any::<bool>()), 6),
        (0usize..64, slot(), value()),
    )
        .prop_map(|(held, wanted, concurrent, (first_hit, free, new))| {
            let mut current = State::new();
            for ((s, a, us, ua), v) in held {
                current.insert(&cased(SETS[s], us), &cased(ATTRS[a], ua), v);
            }
            // One change per attribute, named in any casing; values that equal what is held
            // (as sets) are no change.
            let mut changes: Vec<Change> = Vec::new();
            let mut touched: Vec<(usize, usize)> = Vec::new();
            for ((s, a, us, ua), after) in wanted {
                if touched.contains(&(s, a)) {
                    continue;
                }
                let (set, name) = (cased(SETS[s], !us), cased(ATTRS[a], !ua));
                let before = current.get(&set, &name).cloned();
                if let Some(c) = Change::between(&set, &name, before, after) {
                    touched.push((s, a));
                    changes.push(c);
                }
            }
            let mut hit: Vec<bool> = concurrent.iter().map(|(_, h)| *h).collect();
            hit.truncate(changes.len());
            if let Some(h) = hit.get_mut(first_hit % changes.len().max(1)) {
                *h = true;
            }
            let concurrent = changes
                .iter()
                .zip(concurrent)
                .map(|(c, (v, _))| match (c.before(), v) {
                    (Some(b), Some(v)) if !(b == &v) => Some(v),
                    (Some(_), _) => None,
                    (None, Some(v)) => Some(v),
                    (None, None) => Some(Value::Boolean(true)),
                })
                .collect();
            let untouched =
                (!touched.contains(&(free.0, free.1))).then_some(((free.0, free.1), new));
            Case {
                current,
                changes,
                concurrent,
                hit,
                untouched,
            }
        })
}

/// Puts `v` at `set`/`name` (`None`: removes it).
fn put(state: &mut State, set: &str, name: &str, v: Option<Value>) {
    match v {
        Some(v) => state.insert(set, name, v),
        None => {
            state.remove(set, name);
        }
    }
}

/// Shuffles every collection of a state (reversing is enough to change the order).
fn reordered(state: &State) -> State {
    let mut out = State::new();
    for (s, n, v) in state.iter() {
        let v = match v {
            Value::Strings(l) => Value::strings(l.iter().rev().cloned()).unwrap(),
            Value::Integers(l) => Value::integers(l.iter().rev().copied()).unwrap(),
            v => v.clone(),
        };
        out.insert(s, n, v);
    }
    out
}

fn config() -> ProptestConfig {
    crate::common::proptest_config("proptest-regressions/apply.txt", 256)
}

proptest! {
    #![proptest_config(config())]

    /// On the state the changes were computed from, `apply_checked` succeeds and is `apply`,
    /// also when collections are held in another order; the changes survive JSON unchanged.
    #[test]
    fn unchanged_state_applies(c in case()) {
        let expected = apply(&c.current, &c.changes);
        prop_assert_eq!(apply_checked(&c.current, &c.changes).into_result(), Ok(expected.clone()));
        let reordered_state = reordered(&c.current);
        prop_assert_eq!(
            apply_checked(&reordered_state, &c.changes).into_result(),
            Ok(apply(&reordered_state, &c.changes))
        );
        let text = serde_json::to_vec(&c.changes).unwrap();
        prop_assert_eq!(changes_from_json(&text).unwrap(), c.changes.clone());
        // Another admin's change to an attribute no change touches is kept.
        if let Some(((s, a), v)) = &c.untouched {
            let mut other = c.current.clone();
            other.insert(SETS[*s], ATTRS[*a], v.clone());
            let after = apply_checked(&other, &c.changes).into_result();
            prop_assert_eq!(after.as_ref(), Ok(&apply(&other, &c.changes)));
            let kept = after.as_ref().ok().and_then(|s2| s2.get(SETS[*s], ATTRS[*a]));
            prop_assert_eq!(kept, Some(v));
        }
    }

    /// On a state changed in touched attributes, `apply_checked` refuses with exactly one
    /// `conflict` per changed attribute, at its pointer, and gives no state.
    #[test]
    fn changed_state_conflicts(c in case()) {
        prop_assume!(!c.changes.is_empty());
        let mut meanwhile = c.current.clone();
        let mut expected: Vec<String> = Vec::new();
        for ((change, v), hit) in c.changes.iter().zip(&c.concurrent).zip(&c.hit) {
            if *hit {
                put(&mut meanwhile, change.attribute_set(), change.name(), v.clone());
                expected.push(format!(
                    "/customSecurityAttributes/{}/{}",
                    change.attribute_set(),
                    change.name()
                ));
            }
        }
        expected.sort();
        let copy = meanwhile.clone();
        let result = apply_checked(&meanwhile, &c.changes).into_result();
        prop_assert_eq!(&meanwhile, &copy);
        let violations = match result {
            Ok(s) => return Err(TestCaseError::fail(format!("applied: {s:?}"))),
            Err(v) => v,
        };
        prop_assert!(violations.iter().all(|v| v.code() == Code::Conflict));
        let pointers: Vec<String> = violations.iter().map(|v| v.pointer().to_owned()).collect();
        prop_assert_eq!(pointers, expected);
    }

    /// Any JSON, any bytes: `changes_from_json` answers without panicking, and what it accepts
    /// serialises back to a document it reads the same.
    #[test]
    fn reading_changes_is_total(doc in arb_changes_doc()) {
        if let Ok(changes) = changes_from_json(&doc) {
            let again = changes_from_json(&serde_json::to_vec(&changes).unwrap());
            prop_assert_eq!(again.ok(), Some(changes));
        }
    }
}

/// Documents near the changes schema: well-formed changes, some with one part replaced by
/// arbitrary JSON; arbitrary JSON; arbitrary bytes.
fn arb_changes_doc() -> impl Strategy<Value = Vec<u8>> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::from),
        any::<i64>().prop_map(Json::from),
        (-1e3f64..1e3).prop_map(Json::from),
        "[A-Za-z_ ]{0,6}".prop_map(Json::from),
    ];
    let any_json = leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Json::Array),
            vec(("[a-zA-Z]{0,8}", inner), 0..4).prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    });
    let key = proptest::sample::select(vec![
        "op",
        "attribute",
        "attributeSet",
        "name",
        "before",
        "after",
    ]);
    let change = (
        proptest::option::weighted(0.4, (key, any_json.clone())),
        0..SETS.len(),
        0..ATTRS.len(),
        value(),
        any::<bool>(),
    )
        .prop_map(|(junk, s, a, v, remove)| {
            let (op, before, after) = if remove {
                ("remove", serde_json::to_value(&v).unwrap(), Json::Null)
            } else {
                ("add", Json::Null, serde_json::to_value(&v).unwrap())
            };
            let mut c = change_json(op, SETS[s], ATTRS[a], before, after);
            if let Some((key, junk)) = junk {
                c[key] = junk;
            }
            c
        });
    prop_oneof![
        vec(change, 0..4)
            .prop_map(|c| serde_json::to_vec(&json!({"allowed": true, "changes": c})).unwrap()),
        any_json.prop_map(|j| serde_json::to_vec(&j).unwrap()),
        vec(any::<u8>(), 0..32),
    ]
}

/// The generators reach the cases the properties are about.
#[test]
fn generators_cover_changes_conflicts_and_accepted_documents() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut with_changes, mut several_hit, mut untouched, mut reordered_matters) = (0, 0, 0, 0);
    let n = 500;
    for _ in 0..n {
        let c = case().new_tree(&mut runner).unwrap().current();
        if !c.changes.is_empty() {
            with_changes += 1;
        }
        if c.hit.iter().filter(|h| **h).count() > 1 {
            several_hit += 1;
        }
        if c.untouched.is_some() {
            untouched += 1;
        }
        if !same_state_order(&reordered(&c.current), &c.current)
            && c.changes
                .iter()
                .any(|ch| ch.before().is_some_and(Value::is_collection))
        {
            reordered_matters += 1;
        }
    }
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..n {
        let doc = arb_changes_doc().new_tree(&mut runner).unwrap().current();
        match changes_from_json(&doc) {
            Ok(c) if !c.is_empty() => accepted += 1,
            Ok(_) => {}
            Err(_) => refused += 1,
        }
    }
    println!(
        "with changes {with_changes}, several hit {several_hit}, untouched {untouched}, reordered {reordered_matters}; documents accepted {accepted}, refused {refused}"
    );
    assert!(with_changes * 10 > n * 9, "with changes: {with_changes}");
    assert!(several_hit * 5 > n, "several hit: {several_hit}");
    assert!(untouched * 3 > n, "untouched: {untouched}");
    assert!(reordered_matters * 10 > n, "reordered: {reordered_matters}");
    assert!(accepted * 20 > n, "accepted documents: {accepted}");
    assert!(refused * 4 > n, "refused documents: {refused}");
}

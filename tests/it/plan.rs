//! Desired-state plans (`Engine::plan`): the documented examples A01–A11 planned from their
//! before and after states, the plan's semantics (managed and exclusive sets, removals,
//! undefined attributes, permissions, invalid desired states with pointers into the desired
//! document), and property tests over random catalogs and states.

// Helpers outside `#[test]` functions unwrap too: `cfg(test)` lets clippy.toml cover them.
#![cfg(test)]

use std::collections::BTreeMap;

use crate::common::*;
use csa::{
    Actor, Catalog, Code, Document, Engine, Evaluation, Object, ObjectKind, Op, PlanMode, Policy,
    State, Value, WarningCode,
};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{json, Value as Json};

use PlanMode::{Exclusive, Managed};

// ---------------------------------------------------------------------------------------------
// Helpers

/// Plans toward a desired document given as JSON.
fn plan(
    engine: &Engine,
    object: &Object,
    desired: &Json,
    actor: Option<&Actor>,
    mode: PlanMode,
) -> Evaluation {
    engine.plan(object, actor, &serde_json::to_vec(desired).unwrap(), mode)
}

/// The request of an accepted plan as JSON (`null` when nothing changes); panics on refusal.
#[track_caller]
fn request(eval: &Evaluation) -> Json {
    let diff = eval
        .diff()
        .unwrap_or_else(|| panic!("expected an accepted plan, got {:?}", eval.violations()));
    diff.request().map_or(Json::Null, |r| r.to_json())
}

/// A set object in request form with `members`.
fn request_set(members: Json) -> Json {
    let mut set = json!({"@odata.type": REQUEST_SET_TYPE});
    for (k, v) in members.as_object().unwrap() {
        set[k] = v.clone();
    }
    set
}

/// The three forms a desired document may take, for a sets map (`null` for nothing):
/// the sets map itself, `{"customSecurityAttributes": ...}`, and the object as Graph returns it.
fn forms(sets: &Json) -> [(Json, &'static str); 3] {
    [
        (sets.clone(), ""),
        (
            json!({ "customSecurityAttributes": sets }),
            "/customSecurityAttributes",
        ),
        (
            json!({
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(customSecurityAttributes)/$entity",
                "@odata.type": "#microsoft.graph.user",
                "id": "u1",
                "displayName": "Alex",
                "customSecurityAttributes": sets,
            }),
            "/customSecurityAttributes",
        ),
    ]
}

/// R01's user: Engineering/Project [Baker, Cascade], Engineering/CostCenter [1001],
/// Engineering/Certification true, Marketing/EmployeeId "QN26904".
fn r01() -> Json {
    read_json("reads/R01-get-user-csa.json")["response"]["body"].clone()
}

/// R01's sets map (response form).
fn r01_sets() -> Json {
    r01()["customSecurityAttributes"].clone()
}

/// An actor with Attribute Assignment Administrator at each of `sets` and Attribute Assignment
/// Reader at each of `read_only`.
fn actor(sets: &[&str], read_only: &[&str]) -> Actor {
    let a = sets.iter().fold(Actor::new(), |a, s| {
        a.with_role(AAA, &format!("/attributeSets/{s}"))
    });
    read_only
        .iter()
        .fold(a, |a, s| a.with_role(AAR, &format!("/attributeSets/{s}")))
}

// ---------------------------------------------------------------------------------------------
// The documented examples A01–A11

/// The object an example targets, holding the state it assumes.
fn example_object(example: &Json) -> Object {
    let url = example["request"]["url"].as_str().unwrap();
    let kind = if url.contains("/servicePrincipals/") {
        ObjectKind::ServicePrincipal
    } else {
        ObjectKind::User
    };
    Object::new(kind).with_state(state(assignment_example_before(example_id(example))))
}

/// A request body without the annotations of removed attributes (`null` / `[]` values).
fn without_removal_annotations(body: &Json) -> Json {
    let mut body = body.clone();
    for set in body["customSecurityAttributes"]
        .as_object_mut()
        .unwrap()
        .values_mut()
    {
        let set = set.as_object_mut().unwrap();
        let removed: Vec<String> = set
            .iter()
            .filter(|(_, v)| v.is_null() || v.as_array().is_some_and(Vec::is_empty))
            .map(|(k, _)| format!("{k}@odata.type"))
            .collect();
        set.retain(|k, _| !removed.contains(k));
    }
    body
}

/// For every example: the state before, the state after the documented PATCH, and the
/// desired document naming the sets the PATCH names with what they hold afterwards.
fn example_plans() -> Vec<(String, Json, Object, State, Json)> {
    let engine = engine();
    examples_in("assignments")
        .into_iter()
        .map(|(_, ex)| {
            let id = example_id(&ex).to_owned();
            let object = example_object(&ex);
            let documented = ex["request"]["body"].clone();
            let eval = engine.evaluate(&object, None, &request_body(&ex));
            let after = eval.diff().unwrap().after().clone();
            let after_json = after.to_response_json();
            let mut desired = serde_json::Map::new();
            for set in documented["customSecurityAttributes"]
                .as_object()
                .unwrap()
                .keys()
            {
                let held = after_json
                    .get(set)
                    .cloned()
                    .unwrap_or_else(|| json!({"@odata.type": RESPONSE_SET_TYPE}));
                desired.insert(set.clone(), held);
            }
            (id, documented, object, after, Json::Object(desired))
        })
        .collect()
}

#[test]
fn plans_for_the_documented_examples_are_their_documented_requests() {
    let engine = engine();
    let plans = example_plans();
    assert_eq!(plans.len(), 11);
    for (id, documented, object, after, desired) in plans {
        for (doc, _) in forms(&desired) {
            let eval = plan(&engine, &object, &doc, None, Managed);
            assert_eq!(
                request(&eval),
                without_removal_annotations(&documented),
                "{id} request"
            );
            assert!(eval.warnings().is_empty(), "{id}: {:?}", eval.warnings());
            let changes = eval.diff().unwrap().changes();
            assert_eq!(changes.len(), 1, "{id}");
            assert_eq!(&csa::apply(object.state(), changes), &after, "{id} applied");
        }
    }
}

#[test]
fn exclusive_plans_to_the_after_states_are_the_documented_requests() {
    // Each example's object holds only Engineering, so the after state alone (in Graph's
    // response form, `null` when empty) says everything.
    let engine = engine();
    for (id, documented, object, after, _) in example_plans() {
        let desired = after.to_response_json();
        let eval = plan(&engine, &object, &desired, Some(&tenant_admin()), Exclusive);
        assert_eq!(
            request(&eval),
            without_removal_annotations(&documented),
            "{id}"
        );
        assert_eq!(
            &csa::apply(object.state(), eval.diff().unwrap().changes()),
            &after,
            "{id}"
        );
    }
}

#[test]
fn planning_again_from_each_documented_after_state_plans_nothing() {
    let engine = engine();
    for (id, _, object, after, desired) in example_plans() {
        let done = object.clone().with_state(after);
        for mode in [Managed, Exclusive] {
            let eval = plan(&engine, &done, &desired, None, mode);
            assert_eq!(request(&eval), Json::Null, "{id} {mode:?}");
            assert!(eval.diff().unwrap().is_empty(), "{id}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What a plan changes

#[test]
fn an_unchanged_state_plans_no_request() {
    let engine = engine();
    for (doc, _) in forms(&r01_sets()) {
        for actor in [None, Some(&tenant_admin())] {
            for mode in [Managed, Exclusive] {
                let eval = plan(&engine, &r01_user(), &doc, actor, mode);
                assert_accepted(&eval);
                assert!(eval.diff().unwrap().changes().is_empty());
                assert!(eval.diff().unwrap().request().is_none());
                let out = eval_json(&eval);
                assert_eq!(out["request"], Json::Null);
                assert_eq!(out["changes"], json!([]));
                assert!(eval.warnings().is_empty(), "{:?}", eval.warnings());
            }
        }
    }
}

#[test]
fn collection_order_is_no_change() {
    let desired = json!({"Engineering": {
        "Project": ["Cascade", "Baker"], "CostCenter": [1001], "Certification": true}});
    let eval = plan(&engine(), &r01_user(), &desired, None, Managed);
    assert_eq!(request(&eval), Json::Null);
}

#[test]
fn a_changed_value_is_the_only_change() {
    let desired = json!({"Engineering": {
        "Project": ["Cascade", "Alpine"], "CostCenter": [1001], "Certification": true}});
    let eval = plan(&engine(), &r01_user(), &desired, None, Managed);
    assert_eq!(
        request(&eval),
        json!({"customSecurityAttributes": {"Engineering": request_set(json!({
            "Project@odata.type": "#Collection(String)", "Project": ["Cascade", "Alpine"]}))}})
    );
    let c = &eval.diff().unwrap().changes()[0];
    assert_eq!(c.op(), Op::Replace);
    assert_eq!(c.attribute(), "Engineering_Project");
}

#[test]
fn attributes_a_managed_set_lacks_are_removed_by_their_cardinality() {
    // CostCenter is multi-valued (`[]`), Certification single-valued (`null`).
    let desired = json!({"Engineering": {"Project": ["Baker", "Cascade"]}});
    for (doc, _) in forms(&desired) {
        let eval = plan(&engine(), &r01_user(), &doc, None, Managed);
        assert_eq!(
            request(&eval),
            json!({"customSecurityAttributes": {"Engineering": request_set(json!({
                "CostCenter": [], "Certification": null}))}})
        );
        let ops: Vec<(Op, String)> = eval
            .diff()
            .unwrap()
            .changes()
            .iter()
            .map(|c| (c.op(), c.attribute()))
            .collect();
        assert_eq!(
            ops,
            // In the order the object holds them (R01's, with its keys sorted).
            [
                (Op::Remove, "Engineering_Certification".to_owned()),
                (Op::Remove, "Engineering_CostCenter".to_owned())
            ]
        );
    }
}

#[test]
fn an_empty_set_object_clears_the_set() {
    let desired = json!({"engineering": {}});
    let eval = plan(&engine(), &r01_user(), &desired, None, Managed);
    assert_eq!(
        request(&eval),
        json!({"customSecurityAttributes": {"Engineering": request_set(json!({
            "Project": [], "CostCenter": [], "Certification": null}))}})
    );
    let after = eval.diff().unwrap().after();
    assert_eq!(after.get("Engineering", "Project"), None);
    assert_eq!(
        after.get("Marketing", "EmployeeId"),
        Some(&Value::String("QN26904".into()))
    );
}

#[test]
fn new_attributes_are_written_in_catalog_casing_with_their_annotations() {
    // A desired state in response form has no `#Int32`: the plan writes it, so strict
    // annotation checking has nothing to refuse and nothing is left to warn about.
    let strict = Policy::from_json(br#"{"strictAnnotations": true}"#).unwrap();
    let desired = json!({"ENGINEERING": {
        "numvendors": 8, "costcenter": [7, 9], "projectdate": "2025-01-01"}});
    for engine in [engine(), engine_with_policy(strict)] {
        let eval = plan(&engine, &user(), &desired, None, Managed);
        assert_eq!(
            request(&eval),
            json!({"customSecurityAttributes": {"Engineering": request_set(json!({
                "NumVendors@odata.type": "#Int32", "NumVendors": 8,
                "CostCenter@odata.type": "#Collection(Int32)", "CostCenter": [7, 9],
                "ProjectDate": "2025-01-01"}))}})
        );
        assert!(eval.warnings().is_empty(), "{:?}", eval.warnings());
    }
}

#[test]
fn sets_the_desired_state_does_not_name_are_left_alone_unless_exclusive() {
    let desired = r01_sets()
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| *k == "Engineering")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect::<serde_json::Map<_, _>>();
    let desired = Json::Object(desired);
    let managed = plan(&engine(), &r01_user(), &desired, None, Managed);
    assert_eq!(request(&managed), Json::Null);
    let exclusive = plan(&engine(), &r01_user(), &desired, None, Exclusive);
    assert_eq!(
        request(&exclusive),
        json!({"customSecurityAttributes": {"Marketing": request_set(json!({"EmployeeId": null}))}})
    );
    // Nothing desired at all: exclusive clears everything, managed touches nothing.
    for (doc, _) in forms(&Json::Null) {
        assert_eq!(
            request(&plan(&engine(), &r01_user(), &doc, None, Managed)),
            Json::Null
        );
        let cleared = plan(&engine(), &r01_user(), &doc, None, Exclusive);
        assert!(cleared.diff().unwrap().after().is_empty());
        assert_eq!(cleared.diff().unwrap().changes().len(), 4);
    }
}

/// R01's user with an attribute the catalog does not define in Engineering, and a set the
/// catalog does not define.
fn user_with_undefined() -> Object {
    let mut sets = r01_sets();
    sets["Engineering"]["Legacy@odata.type"] = json!("#Collection(String)");
    sets["Engineering"]["Legacy"] = json!(["old", "older"]);
    sets["Ghost"] = json!({"@odata.type": RESPONSE_SET_TYPE, "Thing": 3});
    user_with(sets)
}

#[test]
fn exclusive_leaves_undefined_attributes_and_unreadable_sets_alone() {
    let object = user_with_undefined();
    let desired = json!({"Engineering": {"Project": ["Baker"]}});

    // Engineering only: Marketing is not readable, so the plan neither touches nor names it.
    let eng_admin = actor(&["Engineering"], &[]);
    let eval = plan(&engine(), &object, &desired, Some(&eng_admin), Exclusive);
    assert_eq!(
        request(&eval),
        json!({"customSecurityAttributes": {"Engineering": request_set(json!({
            "Project@odata.type": "#Collection(String)", "Project": ["Baker"],
            "CostCenter": [], "Certification": null}))}})
    );
    let after = eval.diff().unwrap().after();
    assert_eq!(
        after.get("Engineering", "Legacy"),
        Some(&Value::strings(["old", "older"]).unwrap())
    );
    assert_eq!(after.get("Ghost", "Thing"), Some(&Value::Integer(3)));
    assert_eq!(
        after.get("Marketing", "EmployeeId"),
        Some(&Value::String("QN26904".into()))
    );
    let out = eval_text(&eval);
    assert!(!out.contains("Marketing"), "{out}");
    assert!(!out.contains("QN26904"), "{out}");

    // Without an actor every set is readable: Marketing is cleared, undefined ones stay.
    let eval = plan(&engine(), &object, &desired, None, Exclusive);
    let after = eval.diff().unwrap().after();
    assert_eq!(after.get("Marketing", "EmployeeId"), None);
    assert_eq!(
        after.get("Engineering", "Legacy"),
        Some(&Value::strings(["old", "older"]).unwrap())
    );
    assert_eq!(after.get("Ghost", "Thing"), Some(&Value::Integer(3)));
    assert!(!request(&eval).to_string().contains("Legacy"));
    assert!(!request(&eval).to_string().contains("Ghost"));
}

#[test]
fn undefined_attributes_repeated_as_held_are_no_change() {
    // A desired state taken from a GET holds them; the plan must not send them (Graph would
    // refuse a PATCH naming them).
    let object = user_with_undefined();
    let desired = object.state().to_response_json();
    for (doc, _) in forms(&desired) {
        for mode in [Managed, Exclusive] {
            let eval = plan(&engine(), &object, &doc, None, mode);
            assert_eq!(request(&eval), Json::Null, "{mode:?}");
            // The object's own warnings about them remain.
            assert!(eval
                .warnings()
                .iter()
                .all(|w| w.code() == WarningCode::UnknownCurrentAttribute));
            assert_eq!(eval.warnings().len(), 2);
        }
    }
}

#[test]
fn an_actor_learns_nothing_from_repeating_what_an_unreadable_set_might_hold() {
    // Whether or not the object holds exactly this, the answer is the same refusal.
    let object = user_with_undefined();
    let marketing = set_admin("Marketing");
    let answers: Vec<String> = [3, 4]
        .into_iter()
        .map(|thing| {
            let desired =
                json!({"Ghost": {"Thing": thing}, "Engineering": {"Legacy": ["old", "older"]}});
            let eval = plan(&engine(), &object, &desired, Some(&marketing), Managed);
            assert_eq!(codes(&eval), ["permission_denied", "permission_denied"]);
            eval_text(&eval)
        })
        .collect();
    assert_eq!(answers[0], answers[1]);
}

#[test]
fn undefined_attributes_given_another_value_are_refused_as_unknown() {
    let object = user_with_undefined();
    let mut desired = object.state().to_response_json();
    desired["Engineering"]["Legacy"] = json!(["old"]);
    desired["Ghost"]["Thing"] = json!(4);
    for (doc, prefix) in forms(&desired) {
        let eval = plan(&engine(), &object, &doc, None, Managed);
        let got: Vec<(&str, String)> = eval
            .violations()
            .iter()
            .map(|v| (v.code().as_str(), v.pointer().to_owned()))
            .collect();
        assert_eq!(
            got,
            [
                ("unknown_attribute", format!("{prefix}/Engineering/Legacy")),
                ("unknown_attribute_set", format!("{prefix}/Ghost")),
            ]
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Invalid desired states: the equivalent PATCH's violations, pointing into the document

/// Plans `desired_set` as Engineering's desired content, in both the bare and wrapped forms,
/// and checks the violations are exactly those of the PATCH sending the same set (pointers
/// moved into the desired document, which the violations say they are about).
#[track_caller]
fn refused_like_the_patch(
    engine: &Engine,
    object: &Object,
    desired_set: Json,
) -> Vec<(Code, String)> {
    let patch =
        json!({"customSecurityAttributes": {"Engineering": request_set(desired_set.clone())}});
    let by_patch = engine.evaluate(object, None, &serde_json::to_vec(&patch).unwrap());
    assert!(!by_patch.is_allowed());
    let mut first = None;
    for (doc, prefix) in forms(&json!({ "Engineering": desired_set })) {
        let eval = plan(engine, object, &doc, None, Managed);
        assert!(!eval.is_allowed(), "{doc}");
        let want: Vec<(Code, String, Option<&str>, &str)> = by_patch
            .violations()
            .iter()
            .map(|v| {
                let p = v
                    .pointer()
                    .strip_prefix("/customSecurityAttributes")
                    .unwrap();
                (v.code(), format!("{prefix}{p}"), v.attribute(), v.message())
            })
            .collect();
        let got: Vec<(Code, String, Option<&str>, &str)> = eval
            .violations()
            .iter()
            .map(|v| (v.code(), v.pointer().to_owned(), v.attribute(), v.message()))
            .collect();
        assert_eq!(got, want, "{doc}");
        let bytes = serde_json::to_vec(&doc).unwrap();
        for v in eval.violations() {
            assert_eq!(v.document(), Document::Desired);
            // Carets land on the text at fault in the desired document.
            let span = v.byte_span().expect("a span in the desired document");
            let at_fault = &bytes[span];
            let value = doc.pointer(v.pointer()).unwrap();
            let key = v.pointer().rsplit('/').next().unwrap();
            assert!(
                at_fault == serde_json::to_vec(value).unwrap().as_slice()
                    || at_fault == serde_json::to_vec(key).unwrap().as_slice(),
                "{v:?} spans `{}`",
                String::from_utf8_lossy(at_fault)
            );
        }
        first.get_or_insert(
            eval.violations()
                .iter()
                .map(|v| (v.code(), v.pointer().to_owned()))
                .collect(),
        );
    }
    first.unwrap()
}

#[test]
fn an_unknown_attribute_is_refused_where_the_desired_state_names_it() {
    let got = refused_like_the_patch(&engine(), &r01_user(), json!({"Projekt": ["Baker"]}));
    assert_eq!(
        got,
        [(Code::UnknownAttribute, "/Engineering/Projekt".to_owned())]
    );
}

#[test]
fn a_value_of_the_wrong_type_is_refused_where_the_desired_state_has_it() {
    let got = refused_like_the_patch(
        &engine(),
        &r01_user(),
        json!({"Project": ["Baker", "Cascade"], "NumVendors": "8", "Certification": "true"}),
    );
    assert_eq!(
        got,
        [
            (Code::TypeMismatch, "/Engineering/Certification".to_owned()),
            (Code::TypeMismatch, "/Engineering/NumVendors".to_owned()),
        ]
    );
}

#[test]
fn wrong_cardinality_and_removal_forms_are_refused_like_the_patch() {
    let got = refused_like_the_patch(
        &engine(),
        &r01_user(),
        json!({"Project": "Baker", "CostCenter": null, "ProjectDate": []}),
    );
    assert_eq!(
        got,
        [
            (Code::WrongRemoval, "/Engineering/CostCenter".to_owned()),
            (Code::CollectionExpected, "/Engineering/Project".to_owned()),
            (Code::WrongRemoval, "/Engineering/ProjectDate".to_owned()),
        ]
    );
}

#[test]
fn an_inactive_value_newly_wanted_is_refused_but_one_already_held_may_stay() {
    let engine = Engine::new(
        catalog_with_inactive_value("Engineering_Project", "Alpine"),
        Policy::default(),
    );
    let got = refused_like_the_patch(
        &engine,
        &r01_user(),
        json!({"Project": ["Baker", "Alpine"], "CostCenter": [1001], "Certification": true}),
    );
    assert_eq!(
        got,
        [(Code::ValueDeactivated, "/Engineering/Project/1".to_owned())]
    );

    let engine = Engine::new(
        catalog_with_inactive_value("Engineering_Project", "Cascade"),
        Policy::default(),
    );
    let desired = json!({"Engineering": {
        "Project": ["Alpine", "Cascade"], "CostCenter": [1001], "Certification": true}});
    let eval = plan(&engine, &r01_user(), &desired, None, Managed);
    assert_eq!(
        request(&eval)["customSecurityAttributes"]["Engineering"]["Project"],
        json!(["Alpine", "Cascade"])
    );
}

#[test]
fn a_deprecated_attribute_may_stay_or_go_but_not_change() {
    let engine = Engine::new(
        catalog_with_deprecated("Engineering_Certification"),
        Policy::default(),
    );
    let got = refused_like_the_patch(
        &engine,
        &r01_user(),
        json!({"Project": ["Baker", "Cascade"], "CostCenter": [1001], "Certification": false}),
    );
    assert_eq!(
        got,
        [(
            Code::AttributeDeactivated,
            "/Engineering/Certification".to_owned()
        )]
    );
    let kept = json!({"Engineering": {
        "Project": ["Baker", "Cascade"], "CostCenter": [1001], "Certification": true}});
    assert_eq!(
        request(&plan(&engine, &r01_user(), &kept, None, Managed)),
        Json::Null
    );
    let dropped = json!({"Engineering": {"Project": ["Baker", "Cascade"], "CostCenter": [1001]}});
    assert_eq!(
        request(&plan(&engine, &r01_user(), &dropped, None, Managed)),
        json!({"customSecurityAttributes": {"Engineering": request_set(json!({"Certification": null}))}})
    );
}

#[test]
fn annotations_in_the_desired_state_are_held_to_the_patch_rules() {
    let got = refused_like_the_patch(
        &engine(),
        &r01_user(),
        json!({"Project@odata.type": "#Int32", "Project": ["Baker"], "Gone@odata.type": "#Int32"}),
    );
    assert_eq!(
        got,
        [
            (
                Code::AnnotationMismatch,
                "/Engineering/Gone@odata.type".to_owned()
            ),
            (
                Code::AnnotationMismatch,
                "/Engineering/Project@odata.type".to_owned()
            ),
        ]
    );
}

#[test]
fn a_dangling_annotation_is_refused_even_for_a_held_attribute() {
    // The user holds Project: a removal written by the plan must not give the desired state's
    // annotation the attribute the document lacks (found by the plan fuzz target: the first plan
    // was accepted, planning again from its result was refused).
    assert!(r01_user().state().get("Engineering", "Project").is_some());
    let got = refused_like_the_patch(
        &engine(),
        &r01_user(),
        json!({"Project@odata.type": "#Collection(String)", "NumVendors": 8}),
    );
    assert_eq!(
        got,
        [(
            Code::AnnotationMismatch,
            "/Engineering/Project@odata.type".to_owned()
        )]
    );
}

#[test]
fn an_unknown_set_is_refused_where_the_desired_state_names_it() {
    let desired = json!({"Enginering": {"Project": ["Baker"]}});
    for (doc, prefix) in forms(&desired) {
        let eval = plan(&engine(), &r01_user(), &doc, None, Managed);
        let v = assert_refused(
            &eval,
            "unknown_attribute_set",
            &format!("{prefix}/Enginering"),
            None,
        );
        assert_eq!(v.hint(), Some("did you mean `Engineering`?"));
    }
}

// ---------------------------------------------------------------------------------------------
// Permissions

#[test]
fn planning_a_set_outside_the_actors_scope_is_permission_denied() {
    let desired = json!({"Engineering": {"Project": ["Alpine"]}});
    for (doc, prefix) in forms(&desired) {
        let eval = plan(
            &engine(),
            &r01_user(),
            &doc,
            Some(&set_admin("Marketing")),
            Managed,
        );
        assert_refused(
            &eval,
            "permission_denied",
            &format!("{prefix}/Engineering"),
            None,
        );
        // Only the refusal: nothing of what Engineering holds.
        let out = eval_text(&eval);
        for held in ["Cascade", "CostCenter", "Certification"] {
            assert!(!out.contains(held), "{out}");
        }
    }
}

#[test]
fn managing_a_set_needs_update_even_when_nothing_in_it_changes() {
    let eval = plan(
        &engine(),
        &r01_user(),
        &r01(),
        Some(&tenant_reader()),
        Managed,
    );
    assert_eq!(codes(&eval), ["permission_denied", "permission_denied"]);
    let pointers: Vec<&str> = eval.violations().iter().map(|v| v.pointer()).collect();
    assert_eq!(
        pointers,
        [
            "/customSecurityAttributes/Engineering",
            "/customSecurityAttributes/Marketing"
        ]
    );
}

#[test]
fn exclusive_removals_in_a_readable_but_not_updatable_set_are_permission_denied() {
    // Exclusive must clear Marketing, which this actor can read but not update. The pointer is
    // the sets map: the document does not name Marketing.
    let desired = json!({"Engineering": r01_sets()["Engineering"].clone()});
    let reader = actor(&["Engineering"], &["Marketing"]);
    for (doc, prefix) in forms(&desired) {
        let eval = plan(&engine(), &r01_user(), &doc, Some(&reader), Exclusive);
        let v = assert_refused(&eval, "permission_denied", prefix, None);
        assert!(v.message().contains("`Marketing`"), "{}", v.message());
        assert_eq!(v.document(), Document::Desired);
        assert_eq!(v.byte_span(), None);
        // Managed leaves Marketing alone: nothing to do.
        assert_eq!(
            request(&plan(&engine(), &r01_user(), &doc, Some(&reader), Managed)),
            Json::Null
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Documents that are not a desired state

#[test]
fn a_desired_document_that_is_not_json_is_invalid_json() {
    let text = br#"{"Engineering": {"Project": ["Baker",]}}"#;
    let eval = engine().plan(&r01_user(), None, text, Managed);
    let v = assert_refused(&eval, "invalid_json", "", None);
    assert_eq!(v.document(), Document::Desired);
    assert!(v
        .message()
        .starts_with("the desired state is not valid JSON"));
    let span = v.byte_span().unwrap();
    assert_eq!(&text[span], b"]");
}

#[test]
fn a_desired_document_of_the_wrong_shape_is_refused() {
    let cases = [
        (json!(["Engineering"]), "invalid_json", ""),
        (json!("x"), "invalid_json", ""),
        (
            json!({"customSecurityAttributes": []}),
            "invalid_shape",
            "/customSecurityAttributes",
        ),
        (
            json!({"Engineering": null}),
            "invalid_shape",
            "/Engineering",
        ),
        (
            json!({"customSecurityAttributes": {"Engineering": "x"}}),
            "invalid_shape",
            "/customSecurityAttributes/Engineering",
        ),
    ];
    for (doc, code, pointer) in cases {
        let eval = plan(&engine(), &r01_user(), &doc, None, Managed);
        let v = assert_refused(&eval, code, pointer, None);
        assert_eq!(v.document(), Document::Desired, "{doc}");
    }
    let twice = br#"{"customSecurityAttributes": {}, "customSecurityAttributes": null}"#;
    let eval = engine().plan(&r01_user(), None, twice, Managed);
    let v = assert_refused(&eval, "duplicate_key", "/customSecurityAttributes", None);
    assert_eq!(
        &twice[v.byte_span().unwrap()],
        br#""customSecurityAttributes""#
    );
}

/// Past the eighth member a desired set's names are looked up through hash indexes: Graph's
/// whole Engineering set (ten members with its annotations) gets the annotations Graph needs
/// (`#Int32`, which a response leaves off) once each, and a set named again after a dozen
/// others is found.
#[test]
fn names_are_found_among_many_members() {
    let desired = json!({"Engineering": {
        "@odata.type": RESPONSE_SET_TYPE,
        "Project@odata.type": "#Collection(String)", "Project": ["Alpine", "Baker"],
        "ProjectDate": "2022-10-01",
        "NumVendors": 4,
        "CostCenter@odata.type": "#Collection(Int32)", "CostCenter": [1001, 1002],
        "Certification": true,
        "Datacenter@odata.type": "#Collection(String)", "Datacenter": ["West"],
    }});
    let want = json!({"customSecurityAttributes": {"Engineering": request_set(json!({
        "Project@odata.type": "#Collection(String)", "Project": ["Alpine", "Baker"],
        "ProjectDate": "2022-10-01",
        "NumVendors@odata.type": "#Int32", "NumVendors": 4,
        "CostCenter@odata.type": "#Collection(Int32)", "CostCenter": [1001, 1002],
        "Certification": true,
        "Datacenter@odata.type": "#Collection(String)", "Datacenter": ["West"],
    }))}});
    for mode in [Managed, Exclusive] {
        let eval = plan(&engine(), &user(), &desired, None, mode);
        assert_eq!(request(&eval), want, "{mode:?}");
        let text = serde_json::to_string(&eval.diff().unwrap().request().unwrap()).unwrap();
        assert_eq!(text.matches("NumVendors@odata.type").count(), 1, "{text}");
    }

    let sets = (0..12)
        .map(|i| format!(r#""Set{i}": {{}}"#))
        .collect::<Vec<_>>()
        .join(", ");
    let desired = format!(r#"{{"customSecurityAttributes": {{{sets}, "set3": {{}}}}}}"#);
    let eval = engine().plan(&user(), None, desired.as_bytes(), Managed);
    assert!(
        eval.violations()
            .iter()
            .any(|v| v.code().as_str() == "duplicate_key"
                && v.pointer() == "/customSecurityAttributes/set3"),
        "{:?}",
        eval.violations()
    );
}

#[test]
fn a_desired_document_over_the_size_limit_is_payload_too_large() {
    // Checked before the document is read, like a PATCH body: here the object's other
    // properties make it too large, though the plan itself would be small.
    let policy = Policy::from_json(br#"{"maxBodyBytes": 160}"#).unwrap();
    let engine = engine_with_policy(policy);
    let desired = json!({"Engineering": {"ProjectDate": "x"}});
    let small = forms(&desired)[1].0.clone();
    assert_eq!(
        request(&plan(&engine, &user(), &small, None, Managed)),
        json!({"customSecurityAttributes": {"Engineering": request_set(json!({"ProjectDate": "x"}))}})
    );
    let mut large = small;
    large["displayName"] = json!("y".repeat(200));
    let eval = plan(&engine, &user(), &large, None, Managed);
    let v = assert_refused(&eval, "payload_too_large", "", None);
    assert!(
        v.message().starts_with("the desired state is"),
        "{}",
        v.message()
    );
    assert_eq!(v.document(), Document::Desired);
}

#[test]
fn a_plan_whose_patch_is_over_the_size_limit_says_so() {
    // The desired document is small; the PATCH the plan writes (annotations, removals) is not.
    let policy = Policy::from_json(br#"{"maxBodyBytes": 150}"#).unwrap();
    let engine = engine_with_policy(policy);
    let desired = br#"{"Engineering": {"NumVendors": 8}}"#;
    let eval = engine.plan(&r01_user(), None, desired, Managed);
    let v = assert_refused(&eval, "payload_too_large", "", None);
    assert!(
        v.message().starts_with("the PATCH this plan writes is"),
        "{}",
        v.message()
    );
    assert_eq!(v.hint(), Some("plan fewer sets or attributes at a time"));
}

#[test]
fn the_objects_own_refusals_come_with_the_documents() {
    let synced = r01_user().with_sync(true);
    let eval = engine().plan(&synced, None, b"{", Managed);
    assert_eq!(codes(&eval), ["invalid_json", "synced_object"]);
    // Pointers of a plan are into its desired document ("" is the whole of it).
    assert!(eval
        .violations()
        .iter()
        .all(|v| v.document() == Document::Desired && v.pointer().is_empty()));
    let eval = plan(&engine(), &synced, &r01(), None, Managed);
    assert_eq!(codes(&eval), ["synced_object"]);
}

#[test]
fn properties_outside_the_sets_are_ignored_silently_but_odd_members_are_not() {
    // The object form carries `id`, `displayName` and OData control information: none of it is
    // part of the desired state. A member of a set object that is not an attribute is reported
    // where the document has it.
    let mut sets = r01_sets();
    sets["Engineering"]["note@example"] = json!("x");
    let (doc, _) = forms(&sets)[2].clone();
    let eval = plan(&engine(), &r01_user(), &doc, None, Managed);
    assert_eq!(request(&eval), Json::Null);
    let w: Vec<(&str, &str)> = eval
        .warnings()
        .iter()
        .map(|w| (w.code().as_str(), w.pointer()))
        .collect();
    assert_eq!(
        w,
        [(
            "ignored_property",
            "/customSecurityAttributes/Engineering/note@example"
        )]
    );
    assert_eq!(eval.warnings()[0].document(), Document::Desired);
}

// ---------------------------------------------------------------------------------------------
// Properties over random catalogs and states
//
// Set names all start with `Q` and no attribute name or value contains a `q`, so a set name
// found in an output can only come from that set.

const SET_BASES: [&str; 6] = [
    "QAlpha", "QBravo", "QCharlie", "QDelta", "QEcho", "QFoxtrot",
];
/// A set no catalog defines, only current states hold.
const GHOST_SET: &str = "QGhost";
const ATTR_BASES: [&str; 8] = [
    "Proj", "Level", "Cost", "Flag", "Code", "Tier", "Zone", "Note",
];
/// An attribute no catalog defines.
const STALE_ATTR: &str = "Stale";
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
    deprecated: bool,
    /// (id, isActive)
    values: Vec<(String, bool)>,
}

/// Raw choices for one definition: name, case, type, multi, predefined, deprecated, values.
type DefRaw = (usize, u32, u8, bool, bool, bool, Vec<(usize, bool)>);
/// Raw choices for one set: name, case, definitions.
type SetRaw = (usize, u32, Vec<DefRaw>);

fn catalog_raw() -> impl Strategy<Value = Vec<SetRaw>> {
    let def = (
        0..ATTR_BASES.len(),
        any::<u32>(),
        0u8..3,
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.2),
        vec((0usize..16, prop::bool::weighted(0.75)), 0..=5),
    );
    vec((0..SET_BASES.len(), any::<u32>(), vec(def, 1..=6)), 1..=4)
}

fn defs_from_raw(raw: &[SetRaw]) -> (Vec<String>, Vec<MDef>) {
    let mut sets: Vec<String> = Vec::new();
    let mut defs: Vec<MDef> = Vec::new();
    for (name, case, raw_defs) in raw {
        let set = recase(SET_BASES[*name], *case);
        if sets.iter().any(|x| same_name(x, &set)) {
            continue;
        }
        sets.push(set.clone());
        let mut names: Vec<String> = Vec::new();
        for (name, case, ty, multi, predefined, deprecated, values) in raw_defs {
            let name = recase(ATTR_BASES[*name], *case);
            if names.iter().any(|n| same_name(n, &name)) {
                continue;
            }
            names.push(name.clone());
            let ty = match ty {
                0 => Ty::String,
                1 => Ty::Integer,
                _ => Ty::Boolean,
            };
            let boolean = ty == Ty::Boolean;
            let mut ids: Vec<(String, bool)> = Vec::new();
            if !boolean {
                for (i, active) in values {
                    let id = match ty {
                        Ty::Integer => INTS[i % INTS.len()].to_string(),
                        _ => STRINGS[i % STRINGS.len()].to_owned(),
                    };
                    if !ids.iter().any(|(v, _)| *v == id) {
                        ids.push((id, *active));
                    }
                }
            }
            defs.push(MDef {
                set: set.clone(),
                name,
                ty,
                multi: *multi && !boolean,
                predefined: *predefined && !boolean,
                deprecated: *deprecated,
                values: ids,
            });
        }
    }
    (sets, defs)
}

fn catalog_json(sets: &[String], defs: &[MDef]) -> Json {
    let defs: Vec<Json> = defs
        .iter()
        .map(|d| {
            json!({
                "id": format!("{}_{}", d.set, d.name),
                "attributeSet": d.set,
                "name": d.name,
                "type": match d.ty { Ty::String => "String", Ty::Integer => "Integer", Ty::Boolean => "Boolean" },
                "isCollection": d.multi,
                "isSearchable": true,
                "status": if d.deprecated { "Deprecated" } else { "Available" },
                "usePreDefinedValuesOnly": d.predefined,
                "allowedValues": d.values.iter().map(|(id, a)| json!({"id": id, "isActive": a})).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "attributeSets": sets.iter().map(|s| json!({"id": s})).collect::<Vec<_>>(),
        "customSecurityAttributeDefinitions": defs,
    })
}

/// An element of `def`'s type: index `idx` into its allowed values or the vocabulary.
fn element(def: &MDef, idx: usize, allowed_only: bool) -> Value {
    let text = if !def.values.is_empty() && (allowed_only || idx % 3 != 0) {
        def.values[idx % def.values.len()].0.clone()
    } else {
        match def.ty {
            Ty::Integer => INTS[idx % INTS.len()].to_string(),
            _ => STRINGS[idx % STRINGS.len()].to_owned(),
        }
    };
    match def.ty {
        Ty::Integer => Value::Integer(text.parse().unwrap()),
        _ => Value::String(text.as_str().into()),
    }
}

/// A value for `def` made of `elements` (deduplicated; the first alone when single-valued).
fn value_of(def: &MDef, elements: Vec<Value>, flag: bool) -> Option<Value> {
    if def.ty == Ty::Boolean {
        return Some(Value::Boolean(flag));
    }
    let mut items: Vec<Value> = Vec::new();
    for e in elements {
        if !items.contains(&e) {
            items.push(e);
        }
    }
    if !def.multi {
        return items.into_iter().next();
    }
    if items.is_empty() {
        return None;
    }
    match def.ty {
        Ty::Integer => Value::integers(items.into_iter().filter_map(|v| match v {
            Value::Integer(i) => Some(i),
            _ => None,
        })),
        _ => Value::strings(items.into_iter().filter_map(|v| match v {
            Value::String(s) => Some(s),
            _ => None,
        })),
    }
}

/// The elements of a value (the value itself when single).
fn elements(v: &Value) -> Vec<Value> {
    match v {
        Value::Strings(l) => l.iter().cloned().map(Value::String).collect(),
        Value::Integers(l) => l.iter().copied().map(Value::Integer).collect(),
        other => vec![other.clone()],
    }
}

/// The same value with its collection reversed (order is no change).
fn reversed(v: &Value) -> Value {
    match v {
        Value::Strings(l) => Value::strings(l.iter().rev().cloned()).unwrap(),
        Value::Integers(l) => Value::integers(l.iter().rev().copied()).unwrap(),
        other => other.clone(),
    }
}

/// Raw choices for a current-state entry: kind, definition, set case, name case, elements,
/// flag.
type HeldRaw = (u8, usize, u32, u32, Vec<usize>, bool);

/// A current state: defined attributes holding allowed values (active or not) where the
/// definition is predefined-only, and now and then an attribute or a set the catalog does not
/// define.
fn current_from_raw(defs: &[MDef], raw: &[HeldRaw]) -> State {
    let mut state = State::new();
    for (kind, def, set_case, name_case, elems, flag) in raw {
        let def = &defs[def % defs.len()];
        match kind {
            0 => state.insert(
                &recase(GHOST_SET, *set_case),
                &recase(STALE_ATTR, *name_case),
                Value::String("x".into()),
            ),
            1 => state.insert(
                &recase(&def.set, *set_case),
                &recase(STALE_ATTR, *name_case),
                Value::Integer(1),
            ),
            // A predefined-only attribute without allowed values cannot hold anything.
            _ if def.predefined && def.values.is_empty() => {}
            _ => {
                let els = elems
                    .iter()
                    .map(|&i| element(def, i, def.predefined))
                    .collect();
                if let Some(v) = value_of(def, els, *flag) {
                    state.insert(
                        &recase(&def.set, *set_case),
                        &recase(&def.name, *name_case),
                        v,
                    );
                }
            }
        }
    }
    state
}

/// Raw choices for one definition's desired value: action, elements, flag, set case, name case.
type WantRaw = (u8, Vec<usize>, bool, u32, u32);

/// A desired state that is valid against the current one: each defined attribute absent,
/// kept as held (perhaps reordered), or given a new value. New values are only for Available
/// attributes, and their new elements are active allowed values where the attribute is
/// predefined-only (elements the attribute already holds may stay).
fn desired_from_raw(defs: &[MDef], current: &State, raw: &[WantRaw]) -> State {
    let mut desired = State::new();
    for (def, (action, elems, flag, set_case, name_case)) in defs.iter().zip(raw) {
        let held = current.get(&def.set, &def.name);
        let keep = || held.map(|v| if *flag { reversed(v) } else { v.clone() });
        let value = match action % 10 {
            0..=2 => None,
            3..=5 => keep(),
            _ if def.deprecated => keep(),
            _ => {
                let mut pool: Vec<Value> = if def.predefined {
                    def.values
                        .iter()
                        .filter(|(_, active)| *active)
                        .map(|(id, _)| match def.ty {
                            Ty::Integer => Value::Integer(id.parse().unwrap()),
                            _ => Value::String(id.as_str().into()),
                        })
                        .collect()
                } else {
                    (0..16).map(|i| element(def, i, false)).collect()
                };
                pool.extend(held.map(elements).unwrap_or_default());
                if pool.is_empty() && def.ty != Ty::Boolean {
                    keep()
                } else {
                    let picked = elems
                        .iter()
                        .filter_map(|&i| pool.get(i % pool.len().max(1)).cloned())
                        .collect();
                    value_of(def, picked, *flag)
                }
            }
        };
        if let Some(v) = value {
            desired.insert(
                &recase(&def.set, *set_case),
                &recase(&def.name, *name_case),
                v,
            );
        }
    }
    desired
}

#[derive(Debug, Clone)]
struct Case {
    catalog: Json,
    defs: Vec<MDef>,
    sets: Vec<String>,
    current: State,
    desired: State,
    /// 0: the sets map, 1: `{"customSecurityAttributes": ...}`, 2: the object.
    form: usize,
    /// 0: no actor, 1: a tenant-wide administrator, 2: an administrator of every catalog set.
    actor: u8,
    /// For the no-leak property: the sets an administrator of some sets is given.
    scoped: Vec<bool>,
}

impl Case {
    fn engine(&self) -> Engine {
        Engine::new(
            Catalog::from_json(&serde_json::to_vec(&self.catalog).unwrap()).unwrap(),
            Policy::default(),
        )
    }
    fn object(&self) -> Object {
        user().with_state(self.current.clone())
    }
    fn actor(&self) -> Option<Actor> {
        match self.actor {
            0 => None,
            1 => Some(tenant_admin()),
            _ => Some(self.sets.iter().fold(Actor::new(), |a, s| {
                a.with_role(AAA, &format!("/attributeSets/{s}"))
            })),
        }
    }
    fn document(&self) -> Vec<u8> {
        let doc = forms(&self.desired.to_response_json())[self.form].0.clone();
        serde_json::to_vec(&doc).unwrap()
    }
    fn plan(&self, object: &Object, mode: PlanMode) -> Evaluation {
        self.engine()
            .plan(object, self.actor().as_ref(), &self.document(), mode)
    }
}

fn case() -> impl Strategy<Value = Case> {
    (
        catalog_raw(),
        vec(
            (
                0u8..12,
                any::<usize>(),
                any::<u32>(),
                any::<u32>(),
                vec(0usize..16, 1..=3),
                any::<bool>(),
            ),
            0..=6,
        ),
        vec(
            (
                0u8..10,
                vec(0usize..32, 1..=3),
                any::<bool>(),
                any::<u32>(),
                any::<u32>(),
            ),
            24,
        ),
        0usize..3,
        0u8..3,
        vec(any::<bool>(), 6),
    )
        .prop_map(|(cat, held, want, form, actor, scoped)| {
            let (sets, defs) = defs_from_raw(&cat);
            let current = current_from_raw(&defs, &held);
            let desired = desired_from_raw(&defs, &current, &want);
            Case {
                catalog: catalog_json(&sets, &defs),
                defs,
                sets,
                current,
                desired,
                form,
                actor,
                scoped,
            }
        })
}

/// A state as (set, attribute) in lower case → JSON value with collections sorted.
type Model = BTreeMap<(String, String), Json>;

fn model_of(state: &State) -> Model {
    state
        .iter()
        .map(|(s, n, v)| {
            let mut j = v.to_json();
            if let Some(items) = j.as_array_mut() {
                items.sort_by_key(|x| x.to_string());
            }
            ((s.to_lowercase(), n.to_lowercase()), j)
        })
        .collect()
}

/// The state a plan must reach: the current one with, in every managed set (every set with
/// `Exclusive`), the defined attributes replaced by the desired ones.
fn expected(c: &Case, mode: PlanMode) -> Model {
    let managed =
        |set: &str| mode == Exclusive || c.desired.sets().iter().any(|s| same_name(s.name(), set));
    let defined = |set: &str, name: &str| {
        c.defs
            .iter()
            .any(|d| same_name(&d.set, set) && same_name(&d.name, name))
    };
    let mut model: Model = model_of(&c.current)
        .into_iter()
        .filter(|((s, n), _)| !(managed(s) && defined(s, n)))
        .collect();
    model.extend(model_of(&c.desired));
    model
}

fn config() -> ProptestConfig {
    // 256 cases by default; `PROPTEST_CASES=N` runs more.
    crate::common::proptest_config("proptest-regressions/plan.txt", 256)
}

proptest! {
    #![proptest_config(config())]

    /// A valid desired state is reached exactly: the plan is accepted, its changes applied to
    /// the current state give the desired state on the managed sets (and, with `Exclusive`,
    /// on every defined attribute) and leave the rest as it was, its request sent as a PATCH
    /// does the same, and planning again from the result plans nothing.
    #[test]
    fn plans_reach_the_desired_state(c in case()) {
        let engine = c.engine();
        for mode in [Managed, Exclusive] {
            let want = expected(&c, mode);
            // The 50-value limit is not what this property is about.
            let count: usize = want.values().map(|v| v.as_array().map_or(1, Vec::len)).sum();
            prop_assume!(count <= 50);
            let object = c.object();
            let eval = c.plan(&object, mode);
            prop_assert!(eval.is_allowed(), "{:?}: {:?}", mode, eval.violations());
            let diff = eval.diff().unwrap();
            let reached = csa::apply(object.state(), diff.changes());
            prop_assert_eq!(&model_of(&reached), &want, "{:?}", mode);
            // Every change is a real one.
            for ch in diff.changes() {
                let real = match (ch.before(), ch.after()) {
                    (Some(b), Some(a)) => !(b == a),
                    (b, a) => b.is_some() || a.is_some(),
                };
                prop_assert!(real, "{:?}", ch);
            }
            // The request is an ordinary PATCH with the same effect.
            if let Some(body) = diff.request() {
                let body = serde_json::to_vec(&body).unwrap();
                let sent = engine.evaluate(&object, c.actor().as_ref(), &body);
                prop_assert!(sent.is_allowed(), "{:?}", sent.violations());
                prop_assert_eq!(sent.diff().unwrap().changes(), diff.changes());
            }
            // From the result there is nothing left to do.
            let again = c.plan(&object.clone().with_state(reached), mode);
            prop_assert!(again.is_allowed(), "{:?}", again.violations());
            prop_assert!(again.diff().unwrap().request().is_none(), "{:?}", again.diff());
        }
    }

    /// A plan never names a set the actor cannot read that the desired state does not name,
    /// in either mode, whether it is accepted or not.
    #[test]
    fn plans_never_name_unreadable_sets(c in case()) {
        let engine = c.engine();
        let actor = c
            .sets
            .iter()
            .zip(&c.scoped)
            .filter(|(_, on)| **on)
            .fold(Actor::new(), |a, (s, _)| a.with_role(AAA, &format!("/attributeSets/{s}")));
        let document = String::from_utf8(c.document()).unwrap().to_lowercase();
        let hidden: Vec<String> = c
            .sets
            .iter()
            .map(String::as_str)
            .chain([GHOST_SET])
            .filter(|s| !actor.can_read_assignments(&ObjectKind::User, s))
            .map(str::to_lowercase)
            .filter(|s| !document.contains(s))
            .collect();
        for mode in [Managed, Exclusive] {
            let eval = engine.plan(&c.object(), Some(&actor), &c.document(), mode);
            let out = serde_json::to_string(&eval).unwrap().to_lowercase();
            for s in &hidden {
                prop_assert!(!out.contains(s), "{} appears in {}", s, out);
            }
        }
    }
}

/// The generators reach the cases the properties are about.
#[test]
fn generators_cover_the_interesting_plans() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = case();
    let n = 1000;
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut count =
        |what: &'static str, yes: bool| *seen.entry(what).or_default() += usize::from(yes);
    for _ in 0..n {
        let c = strategy.new_tree(&mut runner).unwrap().current();
        let object = c.object();
        let managed = c.plan(&object, Managed);
        let exclusive = c.plan(&object, Exclusive);
        let changes = |e: &Evaluation| e.diff().map(|d| d.changes().to_vec()).unwrap_or_default();
        let (m, x) = (changes(&managed), changes(&exclusive));
        let op = |ch: &[csa::Change], op: Op| ch.iter().any(|c| c.op() == op);
        count("managed add", op(&m, Op::Add));
        count("managed replace", op(&m, Op::Replace));
        count("managed remove", op(&m, Op::Remove));
        count("exclusive removes more", x.len() > m.len());
        count("nothing to do", managed.is_allowed() && m.is_empty());
        let held_defined = |set: &str, name: &str| {
            c.defs
                .iter()
                .find(|d| same_name(&d.set, set) && same_name(&d.name, name))
        };
        // A collection desired in another order than it is held.
        count(
            "reordered collection",
            c.desired.iter().any(|(s, n, v)| {
                let held = c.current.get(s, n);
                v.count() > 1 && held.is_some_and(|h| h == v && !same_order(h, v))
            }),
        );
        // An inactive allowed value held and kept while the attribute changes.
        count(
            "inactive value kept in a change",
            m.iter().any(|ch| {
                let def = held_defined(ch.attribute_set(), ch.name()).unwrap();
                let inactive = |v: &Value| {
                    elements(v).iter().any(|e| {
                        let text = match e {
                            Value::String(s) => s.to_string(),
                            Value::Integer(i) => i.to_string(),
                            _ => return false,
                        };
                        def.values.iter().any(|(id, active)| *id == text && !active)
                    })
                };
                ch.before().is_some_and(inactive) && ch.after().is_some_and(inactive)
            }),
        );
        count(
            "deprecated attribute removed",
            x.iter().any(|ch| {
                ch.op() == Op::Remove
                    && held_defined(ch.attribute_set(), ch.name())
                        .unwrap()
                        .deprecated
            }),
        );
        count(
            "undefined attribute in a managed set",
            c.current.iter().any(|(s, n, _)| {
                held_defined(s, n).is_none()
                    && c.desired.sets().iter().any(|d| same_name(d.name(), s))
            }),
        );
        // For the no-leak property: the object holds a set the scoped actor cannot read.
        count(
            "unreadable set held",
            c.sets
                .iter()
                .zip(&c.scoped)
                .any(|(s, on)| !on && c.current.sets().iter().any(|h| same_name(h.name(), s))),
        );
        count(
            "set outside the catalog held",
            c.current
                .sets()
                .iter()
                .any(|s| same_name(s.name(), GHOST_SET)),
        );
        count(
            "refused by the value limit (assumed away)",
            !exclusive.is_allowed() || !managed.is_allowed(),
        );
    }
    println!("{seen:#?}");
    for (what, times) in &seen {
        if what.starts_with("refused") {
            assert!(times * 20 < n, "{what}: {times}");
        } else {
            assert!(times * 50 > n, "{what}: only {times} of {n}");
        }
    }
}

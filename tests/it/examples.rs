//! The documented Graph examples, driven by the files in `tests/data/graph-examples`:
//! every assignment example A01–A11 is accepted with the documented effect, the read examples
//! R01–R02 come out of `Engine::view` exactly as documented, and the observed refusal X05 is
//! refused.

// Helpers outside `#[test]` functions unwrap too: `cfg(test)` lets clippy.toml cover them.
#![cfg(test)]

use crate::common::*;
use csa::{Actor, Authorization, Code, Object, ObjectKind, Op, Value};
use serde_json::{json, Value as Json};

/// The documented assignment example ids, in order.
const ASSIGNMENT_IDS: [&str; 11] = [
    "A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08", "A09", "A10", "A11",
];

/// What an assignment example assumes and what it must produce.
struct Expected {
    /// The object's `customSecurityAttributes` before the PATCH (from `preconditions`).
    before: Json,
    /// The single change: op, `Set_Name`, value before, value after.
    op: Op,
    attribute: &'static str,
    change_before: Option<Value>,
    change_after: Option<Value>,
    /// What a later `GET ...?$select=customSecurityAttributes` shows (response form).
    get_after: Json,
}

/// The state each example assumes (its `preconditions`) and its documented effect.
fn expected(id: &str) -> Expected {
    let eng = |members: Json| {
        let mut m = json!({"@odata.type": RESPONSE_SET_TYPE});
        for (k, v) in members.as_object().unwrap() {
            m[k] = v.clone();
        }
        json!({ "Engineering": m })
    };
    let s = |v: &str| Value::String(v.into());
    let strings = |v: &[&str]| Value::strings(v.iter().copied()).unwrap();
    match id {
        "A01" | "A02" => Expected {
            before: Json::Null,
            op: Op::Add,
            attribute: "Engineering_ProjectDate",
            change_before: None,
            change_after: Some(s("2022-10-01")),
            get_after: eng(json!({"ProjectDate": "2022-10-01"})),
        },
        "A03" => Expected {
            before: Json::Null,
            op: Op::Add,
            attribute: "Engineering_Project",
            change_before: None,
            change_after: Some(strings(&["Baker", "Cascade"])),
            get_after: eng(json!({
                "Project@odata.type": "#Collection(String)",
                "Project": ["Baker", "Cascade"]
            })),
        },
        "A04" => Expected {
            before: Json::Null,
            op: Op::Add,
            attribute: "Engineering_NumVendors",
            change_before: None,
            change_after: Some(Value::Integer(4)),
            // Responses do not annotate single integers.
            get_after: eng(json!({"NumVendors": 4})),
        },
        "A05" => Expected {
            before: Json::Null,
            op: Op::Add,
            attribute: "Engineering_CostCenter",
            change_before: None,
            change_after: Some(Value::integers([1001, 1003]).unwrap()),
            get_after: eng(json!({
                "CostCenter@odata.type": "#Collection(Int32)",
                "CostCenter": [1001, 1003]
            })),
        },
        "A06" => Expected {
            before: Json::Null,
            op: Op::Add,
            attribute: "Engineering_Certification",
            change_before: None,
            change_after: Some(Value::Boolean(true)),
            get_after: eng(json!({"Certification": true})),
        },
        "A07" => Expected {
            before: eng(json!({"NumVendors": 4})),
            op: Op::Replace,
            attribute: "Engineering_NumVendors",
            change_before: Some(Value::Integer(4)),
            change_after: Some(Value::Integer(8)),
            get_after: eng(json!({"NumVendors": 8})),
        },
        "A08" => Expected {
            before: eng(json!({"Certification": true})),
            op: Op::Replace,
            attribute: "Engineering_Certification",
            change_before: Some(Value::Boolean(true)),
            change_after: Some(Value::Boolean(false)),
            get_after: eng(json!({"Certification": false})),
        },
        "A09" => Expected {
            before: eng(json!({
                "Project@odata.type": "#Collection(String)",
                "Project": ["Baker", "Cascade"]
            })),
            op: Op::Replace,
            attribute: "Engineering_Project",
            change_before: Some(strings(&["Baker", "Cascade"])),
            change_after: Some(strings(&["Alpine", "Baker"])),
            get_after: eng(json!({
                "Project@odata.type": "#Collection(String)",
                "Project": ["Alpine", "Baker"]
            })),
        },
        "A10" => Expected {
            before: eng(json!({"ProjectDate": "2022-10-01"})),
            op: Op::Remove,
            attribute: "Engineering_ProjectDate",
            change_before: Some(s("2022-10-01")),
            change_after: None,
            get_after: Json::Null,
        },
        "A11" => Expected {
            before: eng(json!({
                "Project@odata.type": "#Collection(String)",
                "Project": ["Baker", "Cascade"]
            })),
            op: Op::Remove,
            attribute: "Engineering_Project",
            change_before: Some(strings(&["Baker", "Cascade"])),
            change_after: None,
            get_after: Json::Null,
        },
        other => panic!("no expectation for example {other}"),
    }
}

/// The object an example targets: its kind from the request URL, its state from `expected`.
fn target(example: &Json) -> Object {
    let url = example["request"]["url"].as_str().unwrap();
    let kind = if url.contains("/servicePrincipals/") {
        ObjectKind::ServicePrincipal
    } else {
        assert!(url.contains("/users/"), "unexpected target {url}");
        ObjectKind::User
    };
    Object::new(kind).with_state(state(expected(example_id(example)).before))
}

fn assignment_examples() -> Vec<Json> {
    examples_in("assignments")
        .into_iter()
        .map(|(_, e)| e)
        .collect()
}

/// An actor built from a documented role assignment body (D20/D21), with the scope replaced
/// when `scope` is given.
fn actor_from_role_assignment(file: &str, scope: Option<&str>) -> Actor {
    let mut body = read_json(file)["request"]["body"].clone();
    if let Some(s) = scope {
        body["directoryScopeId"] = s.into();
    }
    let doc = json!({ "roleAssignments": [body] });
    Actor::from_json(&serde_json::to_vec(&doc).unwrap()).unwrap()
}

fn tenant_aaa_from_d21() -> Actor {
    actor_from_role_assignment("definitions/D21-role-assignment-tenant-scope.json", None)
}

fn engineering_aaa_from_d20() -> Actor {
    actor_from_role_assignment(
        "definitions/D20-role-assignment-attributeset-scope.json",
        None,
    )
}

fn marketing_aaa_from_d20() -> Actor {
    actor_from_role_assignment(
        "definitions/D20-role-assignment-attributeset-scope.json",
        Some("/attributeSets/Marketing"),
    )
}

#[test]
fn assignment_examples_folder_holds_a01_to_a11() {
    let ids: Vec<String> = assignment_examples()
        .iter()
        .map(|e| example_id(e).to_owned())
        .collect();
    assert_eq!(ids, ASSIGNMENT_IDS);
}

#[test]
fn a02_targets_a_service_principal_and_needs_service_principal_actions() {
    let examples = assignment_examples();
    let a02 = examples.iter().find(|e| example_id(e) == "A02").unwrap();
    let object = target(a02);
    assert_eq!(object.kind(), &ObjectKind::ServicePrincipal);
    let role = |kind: &str| {
        let actions = [
            "microsoft.directory/attributeSets/allProperties/read".to_owned(),
            "microsoft.directory/customSecurityAttributeDefinitions/allProperties/read".to_owned(),
            format!("microsoft.directory/{kind}/customSecurityAttributes/read"),
            format!("microsoft.directory/{kind}/customSecurityAttributes/update"),
        ];
        Actor::new()
            .with_custom_role(
                csa::CustomRole::new("writer").with_allowed_actions(actions.iter().cloned()),
            )
            .with_role("writer", "/")
    };
    let engine = engine();
    let body = request_body(a02);
    assert!(engine
        .evaluate(&object, Some(&role("servicePrincipals")), &body)
        .is_allowed());
    let users_only = engine.evaluate(&object, Some(&role("users")), &body);
    assert_eq!(codes(&users_only), ["permission_denied"]);
}

#[test]
fn every_assignment_example_is_accepted() {
    let engine = engine();
    for ex in assignment_examples() {
        let id = example_id(&ex);
        let eval = engine.evaluate(&target(&ex), None, &request_body(&ex));
        assert!(eval.is_allowed(), "{id} refused: {:?}", eval.violations());
        assert!(eval.violations().is_empty(), "{id}");
        assert_eq!(eval.authorization(), Authorization::NotChecked, "{id}");
        // The documented bodies carry every annotation Graph's examples use: nothing to warn.
        assert!(eval.warnings().is_empty(), "{id}: {:?}", eval.warnings());
    }
}

#[test]
fn every_assignment_example_makes_the_documented_change() {
    let engine = engine();
    for ex in assignment_examples() {
        let id = example_id(&ex);
        let want = expected(id);
        let eval = engine.evaluate(&target(&ex), None, &request_body(&ex));
        let diff = eval.diff().unwrap_or_else(|| panic!("{id} refused"));
        assert_eq!(diff.changes().len(), 1, "{id}: {:?}", diff.changes());
        let c = &diff.changes()[0];
        assert_eq!(c.op(), want.op, "{id} op");
        assert_eq!(c.attribute(), want.attribute, "{id} attribute");
        assert_eq!(c.attribute_set(), "Engineering", "{id} set");
        assert_eq!(c.before(), want.change_before.as_ref(), "{id} before");
        assert_eq!(c.after(), want.change_after.as_ref(), "{id} after");
        assert!(!diff.is_empty(), "{id}");
    }
}

#[test]
fn every_assignment_example_diff_applies_to_its_before_state() {
    let engine = engine();
    for ex in assignment_examples() {
        let id = example_id(&ex);
        let object = target(&ex);
        let eval = engine.evaluate(&object, None, &request_body(&ex));
        let diff = eval.diff().unwrap_or_else(|| panic!("{id} refused"));
        assert_eq!(&diff.apply(object.state()), diff.after(), "{id}");
        assert_eq!(
            &csa::apply(object.state(), diff.changes()),
            diff.after(),
            "{id}"
        );
    }
}

#[test]
fn every_assignment_example_results_in_what_a_later_get_shows() {
    let engine = engine();
    for ex in assignment_examples() {
        let id = example_id(&ex);
        let want = expected(id).get_after;
        let object = target(&ex);
        let eval = engine.evaluate(&object, None, &request_body(&ex));
        let diff = eval.diff().unwrap_or_else(|| panic!("{id} refused"));
        assert_eq!(
            diff.after().to_response_json(),
            want,
            "{id} resulting state"
        );
        // Without an actor the visible state is the whole state.
        assert_eq!(
            eval.visible_state().unwrap().to_response_json(),
            want,
            "{id} visible state"
        );
        assert_eq!(
            eval_json(&eval)["customSecurityAttributes"],
            want,
            "{id} output"
        );
        // A later GET of the updated object by a tenant reader returns the same.
        let later = object.clone().with_state(diff.after().clone());
        assert_eq!(
            engine
                .view(&later, Some(&tenant_reader()))
                .to_response_json(),
            want,
            "{id} later GET"
        );
    }
}

#[test]
fn every_assignment_example_request_body_is_the_documented_body() {
    let engine = engine();
    for ex in assignment_examples() {
        let id = example_id(&ex);
        let eval = engine.evaluate(&target(&ex), None, &request_body(&ex));
        let diff = eval.diff().unwrap_or_else(|| panic!("{id} refused"));
        let canonical = diff
            .request()
            .expect("a change has a request body")
            .to_json();
        assert_eq!(canonical, ex["request"]["body"], "{id} canonical body");
        assert_eq!(eval_json(&eval)["request"], ex["request"]["body"], "{id}");
    }
}

#[test]
fn removal_examples_carry_no_annotation() {
    let engine = engine();
    for ex in assignment_examples()
        .into_iter()
        .filter(|e| matches!(example_id(e), "A10" | "A11"))
    {
        let id = example_id(&ex);
        let eval = engine.evaluate(&target(&ex), None, &request_body(&ex));
        let body = eval.diff().unwrap().request().unwrap().to_json();
        let set = body["customSecurityAttributes"]["Engineering"]
            .as_object()
            .unwrap();
        let annotated: Vec<&String> = set
            .keys()
            .filter(|k| k.ends_with("@odata.type") && *k != "@odata.type")
            .collect();
        assert!(annotated.is_empty(), "{id}: {annotated:?}");
    }
}

#[test]
fn every_assignment_example_is_accepted_for_a_tenant_scope_assignment_administrator() {
    let engine = engine();
    let actor = tenant_aaa_from_d21();
    for ex in assignment_examples() {
        let id = example_id(&ex);
        let eval = engine.evaluate(&target(&ex), Some(&actor), &request_body(&ex));
        assert!(eval.is_allowed(), "{id}: {:?}", eval.violations());
        assert_eq!(eval.authorization(), Authorization::Checked, "{id}");
        assert_eq!(
            eval.diff().unwrap().request().unwrap().to_json(),
            ex["request"]["body"],
            "{id}"
        );
    }
}

#[test]
fn every_assignment_example_is_accepted_for_an_engineering_scoped_assignment_administrator() {
    let engine = engine();
    let actor = engineering_aaa_from_d20();
    for ex in assignment_examples() {
        let id = example_id(&ex);
        let eval = engine.evaluate(&target(&ex), Some(&actor), &request_body(&ex));
        assert!(eval.is_allowed(), "{id}: {:?}", eval.violations());
        assert_eq!(eval.authorization(), Authorization::Checked, "{id}");
        assert_eq!(
            eval.visible_state().unwrap().to_response_json(),
            expected(id).get_after,
            "{id}"
        );
    }
}

#[test]
fn every_assignment_example_is_refused_for_a_marketing_scoped_assignment_administrator() {
    let engine = engine();
    let actor = marketing_aaa_from_d20();
    for ex in assignment_examples() {
        let id = example_id(&ex);
        let eval = engine.evaluate(&target(&ex), Some(&actor), &request_body(&ex));
        assert!(!eval.is_allowed(), "{id} accepted");
        assert_eq!(codes(&eval), ["permission_denied"], "{id}");
        let v = &eval.violations()[0];
        assert_eq!(v.pointer(), "/customSecurityAttributes/Engineering", "{id}");
        assert_eq!(v.attribute(), None, "{id}");
        assert_eq!(v.status(), 403, "{id}");
        assert_eq!(v.graph_error(), "Authorization_RequestDenied", "{id}");
        assert!(eval.diff().is_none(), "{id}");
    }
}

#[test]
fn permission_denied_answers_with_the_documented_x01_error() {
    let x01 = read_json("errors/X01-graph-403-authorization-requestdenied.json");
    let ex = read_json("assignments/A01-user-string.json");
    let eval = engine().evaluate(&user(), Some(&marketing_aaa_from_d20()), &request_body(&ex));
    let v = only_violation(&eval);
    assert_eq!(v.code(), Code::PermissionDenied);
    assert_eq!(u64::from(v.status()), x01["http_status"].as_u64().unwrap());
    assert_eq!(v.graph_error(), x01["error_code"].as_str().unwrap());
    assert_eq!(v.graph_message(), x01["error_message"].as_str().unwrap());
}

#[test]
fn r01_view_for_a_tenant_reader_is_the_documented_response() {
    let r01 = read_json("reads/R01-get-user-csa.json");
    let documented = &r01["response"]["body"]["customSecurityAttributes"];
    let view = engine().view(&r01_user(), Some(&tenant_reader()));
    assert_eq!(
        serde_json::to_value(view.response_form()).unwrap(),
        *documented
    );
    assert_eq!(view.to_response_json(), *documented);
}

#[test]
fn r01_view_for_a_tenant_assignment_administrator_is_the_documented_response() {
    let r01 = read_json("reads/R01-get-user-csa.json");
    let documented = &r01["response"]["body"]["customSecurityAttributes"];
    let view = engine().view(&r01_user(), Some(&tenant_aaa_from_d21()));
    assert_eq!(view.to_response_json(), *documented);
}

#[test]
fn r01_view_without_an_actor_is_the_documented_response() {
    let r01 = read_json("reads/R01-get-user-csa.json");
    let documented = &r01["response"]["body"]["customSecurityAttributes"];
    assert_eq!(
        engine().view(&r01_user(), None).to_response_json(),
        *documented
    );
}

#[test]
fn r01_state_holds_the_documented_values() {
    let object = r01_user();
    let s = object.state();
    assert_eq!(
        s.get("Engineering", "Project"),
        Some(&Value::strings(["Baker", "Cascade"]).unwrap())
    );
    assert_eq!(
        s.get("Engineering", "CostCenter"),
        Some(&Value::integers([1001]).unwrap())
    );
    assert_eq!(
        s.get("Engineering", "Certification"),
        Some(&Value::Boolean(true))
    );
    assert_eq!(
        s.get("Marketing", "EmployeeId"),
        Some(&Value::String("QN26904".into()))
    );
    assert_eq!(s.value_count(), 5);
}

#[test]
fn r01_view_for_an_engineering_reader_shows_engineering_only() {
    let r01 = read_json("reads/R01-get-user-csa.json");
    let documented = &r01["response"]["body"]["customSecurityAttributes"];
    let actor = Actor::new().with_role(AAR, "/attributeSets/Engineering");
    let view = engine().view(&r01_user(), Some(&actor));
    assert_eq!(
        view.to_response_json(),
        json!({ "Engineering": documented["Engineering"].clone() })
    );
}

#[test]
fn r02_nothing_assigned_reads_as_null() {
    let r02 = read_json("reads/R02-get-user-csa-null.json");
    let documented = &r02["response"]["body"]["customSecurityAttributes"];
    assert!(documented.is_null());
    let view = engine().view(&user(), Some(&tenant_reader()));
    assert!(view.is_empty());
    assert_eq!(view.to_response_json(), *documented);
    assert_eq!(
        serde_json::to_value(view.response_form()).unwrap(),
        *documented
    );
}

#[test]
fn r02_no_access_reads_as_null_even_with_values_assigned() {
    let r02 = read_json("reads/R02-get-user-csa-null.json");
    let documented = &r02["response"]["body"]["customSecurityAttributes"];
    let object = r01_user();
    assert!(!object.state().is_empty());
    for actor in [
        Actor::new(),
        Actor::new().with_role(GLOBAL_ADMIN, "/"),
        Actor::new().with_role(ADR, "/"),
    ] {
        assert_eq!(
            engine().view(&object, Some(&actor)).to_response_json(),
            *documented
        );
    }
}

#[test]
fn r02_no_access_looks_exactly_like_no_assignments() {
    let engine = engine();
    let nobody = Actor::new();
    let assigned = engine.view(&r01_user(), Some(&nobody));
    let empty = engine.view(&user(), Some(&tenant_reader()));
    assert_eq!(assigned, empty);
    assert_eq!(assigned.to_response_json(), empty.to_response_json());
}

#[test]
fn x05_empty_string_is_refused_with_empty_string() {
    let x05 = read_json("errors/X05-observed-empty-string.json");
    let eval = engine().evaluate(&user(), None, &request_body(&x05));
    let v = assert_refused(
        &eval,
        "empty_string",
        "/customSecurityAttributes/Engineering/ProjectDate",
        Some("Engineering_ProjectDate"),
    );
    // The observed Graph message names the same attribute id (`ParameterName`).
    let observed = x05["observed_message"].as_str().unwrap();
    assert!(observed.contains(&format!("'{}'", v.attribute().unwrap())));
    assert_eq!(v.status(), 400);
    assert_eq!(v.graph_error(), "Request_BadRequest");
    assert!(v.hint().is_some());
}

#[test]
fn x05_neighbour_non_empty_string_is_accepted() {
    let x05 = read_json("errors/X05-observed-empty-string.json");
    let mut body = x05["request"]["body"].clone();
    body["customSecurityAttributes"]["Engineering"]["ProjectDate"] = "2024-11-15".into();
    let eval = engine().evaluate(&user(), None, &serde_json::to_vec(&body).unwrap());
    assert_accepted(&eval);
}

/// Preparing an object once and evaluating against it gives the same outcome as evaluating the
/// object directly, for every documented example, with and without an actor.
#[test]
fn prepared_objects_evaluate_like_objects() {
    let engine = engine();
    let admin = tenant_aaa_from_d21();
    let outsider = marketing_aaa_from_d20();
    for example in assignment_examples() {
        let id = example_id(&example).to_owned();
        let object = target(&example);
        let body = request_body(&example);
        let prepared = engine.prepare(&object);
        assert_eq!(prepared.state(), &engine.view(&object, None), "{id}");
        for actor in [None, Some(&admin), Some(&outsider)] {
            assert_eq!(
                engine.evaluate_prepared(&prepared, actor, &body),
                engine.evaluate(&object, actor, &body),
                "{id}"
            );
        }
    }
}

/// An object prepared by an engine with another catalog is read again, not trusted: the outcome
/// is the direct evaluation's (here the other catalog knows none of the object's attributes, so
/// its preparation holds no positions and another casing).
#[test]
fn objects_prepared_by_another_engine_evaluate_like_objects() {
    let engine = engine();
    let other = csa::Engine::new(csa::Catalog::empty(), csa::Policy::default());
    let admin = tenant_aaa_from_d21();
    for example in assignment_examples() {
        let id = example_id(&example).to_owned();
        let object = target(&example);
        let body = request_body(&example);
        let prepared = other.prepare(&object);
        assert_eq!(
            engine.evaluate_prepared(&prepared, Some(&admin), &body),
            engine.evaluate(&object, Some(&admin), &body),
            "{id}"
        );
    }
}

//! The assignment rules of docs/RULES.md, Assignments (request shape, values, catalog rules,
//! objects, result): for every code and warning, a test that triggers it (code, pointer into the
//! PATCH body, `Set_Name` attribute, hint where the rules imply one) and a minimally different
//! neighbour that is accepted. Bodies without an actor: authorization is in
//! `tests/it/authorization.rs`.

// Helpers outside `#[test]` functions unwrap too: `cfg(test)` lets clippy.toml cover them.
#![cfg(test)]

use crate::common::*;
use csa::{Engine, Evaluation, Object, ObjectKind, Op, Policy, Value, WarningCode};
use serde_json::json;

/// The Engineering set object's pointer.
const ENG: &str = "/customSecurityAttributes/Engineering";

/// Evaluates `body` for a cloud-only user with nothing assigned, without an actor.
fn ev(body: &[u8]) -> Evaluation {
    engine().evaluate(&user(), None, body)
}

/// Evaluates `body` for `object`, without an actor.
fn ev_on(object: &Object, body: &[u8]) -> Evaluation {
    engine().evaluate(object, None, body)
}

/// Evaluates `body` for a user with nothing assigned under `policy`.
fn ev_policy(policy: Policy, body: &[u8]) -> Evaluation {
    engine_with_policy(policy).evaluate(&user(), None, body)
}

fn strict() -> Policy {
    let mut p = Policy::default();
    p.strict_annotations = true;
    p
}

fn ptr(attr: &str) -> String {
    format!("{ENG}/{attr}")
}

/// A valid body: A01's.
fn valid_body() -> Vec<u8> {
    eng(r#""ProjectDate": "2022-10-01""#)
}

// ---------------------------------------------------------------------------------------------
// invalid_json

#[test]
fn invalid_json_not_json() {
    let eval = ev(b"customSecurityAttributes: Engineering");
    assert_refused(&eval, "invalid_json", "", None);
    assert!(eval.diff().is_none());
}

#[test]
fn invalid_json_neighbour_valid_json_is_accepted() {
    assert_accepted(&ev(&valid_body()));
}

#[test]
fn invalid_json_empty_body() {
    assert_refused(&ev(b""), "invalid_json", "", None);
    assert_refused(&ev(b"   "), "invalid_json", "", None);
}

#[test]
fn invalid_json_trailing_comma() {
    let body = format!(
        r#"{{"customSecurityAttributes": {{"Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "ProjectDate": "2022-10-01",}}}}}}"#
    );
    assert_refused(&ev(body.as_bytes()), "invalid_json", "", None);
}

/// Sets are checked as they are read; a body that breaks JSON after them says only
/// `invalid_json`: nothing about the sets before the error (here an unknown attribute, an
/// ignored property and a valid change), no warning.
#[test]
fn invalid_json_after_checked_sets_says_only_invalid_json() {
    let sets = format!(
        r#""Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "Nope": 1, "x@y": 2}}, "Marketing": {{"@odata.type": "{REQUEST_SET_TYPE}", "EmployeeId": "QN26905"}}"#
    );
    let broken = format!(r#"{{"customSecurityAttributes": {{{sets}}}, "tail": [1,]}}"#);
    let eval = ev(broken.as_bytes());
    assert_refused(&eval, "invalid_json", "", None);
    assert!(eval.warnings().is_empty(), "{:?}", eval.warnings());
    // The same sets in a valid body are refused for the unknown attribute, with a warning.
    let valid = format!(r#"{{"customSecurityAttributes": {{{sets}}}}}"#);
    let eval = ev(valid.as_bytes());
    assert_refused(
        &eval,
        "unknown_attribute",
        "/customSecurityAttributes/Engineering/Nope",
        None,
    );
    assert!(!eval.warnings().is_empty());
}

#[test]
fn invalid_json_neighbour_without_trailing_comma_is_accepted() {
    let body = format!(
        r#"{{"customSecurityAttributes": {{"Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "ProjectDate": "2022-10-01"}}}}}}"#
    );
    assert_accepted(&ev(body.as_bytes()));
}

/// A valid body with an ignored top-level property nested `levels` deep in arrays: the whole
/// document is `levels + 1` levels deep.
fn deep_body(levels: usize) -> Vec<u8> {
    let nested = format!("{}{}", "[".repeat(levels), "]".repeat(levels));
    format!(
        r#"{{"customSecurityAttributes": {{"Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "ProjectDate": "2022-10-01"}}}}, "extra": {nested}}}"#
    )
    .into_bytes()
}

#[test]
fn invalid_json_nesting_deeper_than_128() {
    assert_refused(&ev(&deep_body(128)), "invalid_json", "", None);
}

#[test]
fn invalid_json_neighbour_nesting_of_128_is_accepted() {
    let eval = ev(&deep_body(127));
    assert_accepted(&eval);
    assert_eq!(warning_codes(&eval), ["ignored_property"]);
}

#[test]
fn invalid_json_body_not_an_object() {
    for body in [&b"[]"[..], b"\"customSecurityAttributes\"", b"null", b"42"] {
        assert_refused(&ev(body), "invalid_json", "", None);
    }
}

#[test]
fn invalid_json_neighbour_empty_object_is_read_as_an_object() {
    // `{}` is an object: it gets past JSON, and changes nothing.
    let eval = ev(b"{}");
    assert!(eval.is_allowed(), "{:?}", codes(&eval));
    assert_eq!(warning_codes(&eval), ["no_custom_security_attributes"]);
}

#[test]
fn invalid_json_invalid_utf8() {
    let mut body = eng(r#""ProjectDate": "Z?rich""#);
    let at = body.iter().position(|b| *b == b'?').unwrap();
    body[at] = 0xFF;
    assert_refused(&ev(&body), "invalid_json", "", None);
}

#[test]
fn invalid_json_neighbour_valid_utf8_is_accepted() {
    let eval = ev(&eng(r#""ProjectDate": "Zürich""#));
    assert_accepted(&eval);
    assert_eq!(
        eval.diff().unwrap().changes()[0].after(),
        Some(&Value::String("Zürich".into()))
    );
}

// ---------------------------------------------------------------------------------------------
// invalid_shape

/// Only with `requireCustomSecurityAttributes`: Graph answers a plain `User` update 204.
#[test]
fn invalid_shape_missing_custom_security_attributes() {
    let mut policy = Policy::default();
    policy.require_custom_security_attributes = true;
    for body in [&br#"{"displayName": "Alice"}"#[..], b"{}"] {
        let eval = ev_policy(policy.clone(), body);
        let v = only_violation(&eval);
        assert_eq!(v.code().as_str(), "invalid_shape");
        assert_eq!(v.pointer(), "");
        assert_eq!(v.attribute(), None);
    }
    let eval = ev_policy(policy, br#"{"displayName": "Alice"}"#);
    assert_eq!(warning_codes(&eval), ["ignored_property"]);
}

/// What Microsoft's Python SDK sends for a plain `User` update: accepted, nothing changed, one
/// warning naming what was ignored.
#[test]
fn no_custom_security_attributes_is_accepted_with_a_warning() {
    for (body, named) in [
        (&br#"{"displayName": "Ana"}"#[..], "`displayName` was ignored"),
        (
            br##"{"@odata.type": "#microsoft.graph.user", "displayName": "Ana", "jobTitle": null}"##,
            "`displayName`, `jobTitle` were ignored",
        ),
        (b"{}", "the body is empty"),
    ] {
        let eval = ev(body);
        assert!(eval.is_allowed(), "{:?}", codes(&eval));
        assert!(eval.diff().unwrap().changes().is_empty());
        assert_eq!(warning_codes(&eval), ["no_custom_security_attributes"]);
        let w = &eval.warnings()[0];
        assert_eq!(w.pointer(), "");
        assert!(w.message().contains(named), "{}", w.message());
    }
}

#[test]
fn no_custom_security_attributes_neighbour_empty_custom_security_attributes_has_no_warning() {
    let eval = ev(br#"{"customSecurityAttributes": {}}"#);
    assert!(eval.is_allowed());
    assert!(eval.warnings().is_empty(), "{:?}", warning_codes(&eval));
}

#[test]
fn invalid_shape_custom_security_attributes_null() {
    assert_refused(
        &ev(br#"{"customSecurityAttributes": null}"#),
        "invalid_shape",
        "/customSecurityAttributes",
        None,
    );
}

#[test]
fn invalid_shape_custom_security_attributes_not_an_object() {
    for csa in ["[]", "\"Engineering\"", "1", "true"] {
        let body = format!(r#"{{"customSecurityAttributes": {csa}}}"#);
        assert_refused(
            &ev(body.as_bytes()),
            "invalid_shape",
            "/customSecurityAttributes",
            None,
        );
    }
}

#[test]
fn invalid_shape_neighbour_empty_custom_security_attributes_is_accepted() {
    let eval = ev(br#"{"customSecurityAttributes": {}}"#);
    assert_accepted(&eval);
    assert!(eval.diff().unwrap().is_empty());
}

#[test]
fn invalid_shape_set_null() {
    let holder = user_with(json!({"Engineering": {"ProjectDate": "2022-10-01"}}));
    let eval = ev_on(
        &holder,
        br#"{"customSecurityAttributes": {"Engineering": null}}"#,
    );
    assert_refused(&eval, "invalid_shape", ENG, None);
}

#[test]
fn invalid_shape_set_not_an_object() {
    for set in ["[]", "\"ProjectDate\"", "7"] {
        let body = format!(r#"{{"customSecurityAttributes": {{"Engineering": {set}}}}}"#);
        assert_refused(&ev(body.as_bytes()), "invalid_shape", ENG, None);
    }
}

#[test]
fn invalid_shape_neighbour_attribute_null_in_set_object_is_accepted() {
    let holder = user_with(json!({"Engineering": {"ProjectDate": "2022-10-01"}}));
    let eval = ev_on(&holder, &eng(r#""ProjectDate": null"#));
    assert_accepted(&eval);
    assert_eq!(eval.diff().unwrap().changes()[0].op(), Op::Remove);
}

// ---------------------------------------------------------------------------------------------
// payload_too_large

#[test]
fn payload_too_large_over_max_body_bytes() {
    let body = valid_body();
    let mut p = Policy::default();
    p.max_body_bytes = body.len() - 1;
    assert_refused(&ev_policy(p, &body), "payload_too_large", "", None);
}

#[test]
fn payload_too_large_is_checked_before_parsing() {
    let body = b"this is not JSON at all".to_vec();
    let mut p = Policy::default();
    p.max_body_bytes = 8;
    assert_eq!(codes(&ev_policy(p, &body)), ["payload_too_large"]);
}

#[test]
fn payload_too_large_neighbour_exactly_max_body_bytes_is_accepted() {
    let body = valid_body();
    let mut p = Policy::default();
    p.max_body_bytes = body.len();
    assert_accepted(&ev_policy(p, &body));
}

// ---------------------------------------------------------------------------------------------
// duplicate_key

#[test]
fn duplicate_key_set_exact() {
    let body = format!(
        r##"{{"customSecurityAttributes": {{
            "Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "ProjectDate": "2022-10-01"}},
            "Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "NumVendors@odata.type": "#Int32", "NumVendors": 4}}}}}}"##
    );
    let eval = ev(body.as_bytes());
    assert_refused(&eval, "duplicate_key", ENG, None);
}

#[test]
fn duplicate_key_set_case_insensitive() {
    let body = format!(
        r##"{{"customSecurityAttributes": {{
            "Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "ProjectDate": "2022-10-01"}},
            "engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "NumVendors@odata.type": "#Int32", "NumVendors": 4}}}}}}"##
    );
    assert_refused(
        &ev(body.as_bytes()),
        "duplicate_key",
        "/customSecurityAttributes/engineering",
        None,
    );
}

#[test]
fn duplicate_key_neighbour_two_different_sets_are_accepted() {
    let body = format!(
        r#"{{"customSecurityAttributes": {{
            "Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "ProjectDate": "2022-10-01"}},
            "Marketing": {{"@odata.type": "{REQUEST_SET_TYPE}", "EmployeeId": "QN26904"}}}}}}"#
    );
    let eval = ev(body.as_bytes());
    assert_accepted(&eval);
    assert_eq!(eval.diff().unwrap().changes().len(), 2);
}

#[test]
fn duplicate_key_attribute_exact() {
    let eval = ev(&eng(
        r#""ProjectDate": "2022-10-01", "ProjectDate": "2023-01-01""#,
    ));
    assert_refused(
        &eval,
        "duplicate_key",
        &ptr("ProjectDate"),
        Some("Engineering_ProjectDate"),
    );
}

#[test]
fn duplicate_key_attribute_case_insensitive() {
    let eval = ev(&eng(
        r#""ProjectDate": "2022-10-01", "projectdate": "2023-01-01""#,
    ));
    assert_refused(
        &eval,
        "duplicate_key",
        &ptr("projectdate"),
        Some("Engineering_ProjectDate"),
    );
}

#[test]
fn duplicate_key_neighbour_two_different_attributes_are_accepted() {
    let eval = ev(&eng(
        r##""ProjectDate": "2022-10-01", "NumVendors@odata.type": "#Int32", "NumVendors": 4"##,
    ));
    assert_accepted(&eval);
    assert_eq!(eval.diff().unwrap().changes().len(), 2);
}

#[test]
fn duplicate_key_annotation_exact() {
    let eval = ev(&eng(
        r##""NumVendors@odata.type": "#Int32", "NumVendors@odata.type": "#Int32", "NumVendors": 4"##,
    ));
    assert_refused(
        &eval,
        "duplicate_key",
        &ptr("NumVendors@odata.type"),
        Some("Engineering_NumVendors"),
    );
}

#[test]
fn duplicate_key_annotation_case_insensitive() {
    let eval = ev(&eng(
        r##""NumVendors@odata.type": "#Int32", "numVendors@odata.type": "#Int32", "NumVendors": 4"##,
    ));
    assert_refused(
        &eval,
        "duplicate_key",
        &ptr("numVendors@odata.type"),
        Some("Engineering_NumVendors"),
    );
}

#[test]
fn duplicate_key_neighbour_annotations_of_two_attributes_are_accepted() {
    let eval = ev(&eng(
        r##""NumVendors@odata.type": "#Int32", "CostCenter@odata.type": "#Collection(Int32)", "NumVendors": 4, "CostCenter": [1001]"##,
    ));
    assert_accepted(&eval);
    assert!(eval.warnings().is_empty());
}

#[test]
fn duplicate_key_top_level_custom_security_attributes() {
    let body = format!(
        r#"{{"customSecurityAttributes": {{"Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "ProjectDate": "2022-10-01"}}}},
            "customSecurityAttributes": {{"Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "ProjectDate": "2023-01-01"}}}}}}"#
    );
    assert_refused(
        &ev(body.as_bytes()),
        "duplicate_key",
        "/customSecurityAttributes",
        None,
    );
}

// ---------------------------------------------------------------------------------------------
// missing_odata_type / invalid_odata_type

#[test]
fn missing_odata_type_on_set_object() {
    let body = br#"{"customSecurityAttributes": {"Engineering": {"ProjectDate": "2022-10-01"}}}"#;
    let eval = ev(body);
    let v = assert_refused(&eval, "missing_odata_type", ENG, None);
    assert!(v.hint().unwrap().contains(REQUEST_SET_TYPE));
}

#[test]
fn missing_odata_type_neighbour_with_request_set_type_is_accepted() {
    assert_accepted(&ev(&valid_body()));
}

#[test]
fn invalid_odata_type_on_set_object() {
    let body = br##"{"customSecurityAttributes": {"Engineering": {"@odata.type": "#microsoft.graph.user", "ProjectDate": "2022-10-01"}}}"##;
    assert_refused(
        &ev(body),
        "invalid_odata_type",
        "/customSecurityAttributes/Engineering/@odata.type",
        None,
    );
}

#[test]
fn invalid_odata_type_set_type_not_a_string() {
    let body = br#"{"customSecurityAttributes": {"Engineering": {"@odata.type": 1, "ProjectDate": "2022-10-01"}}}"#;
    assert_refused(
        &ev(body),
        "invalid_odata_type",
        "/customSecurityAttributes/Engineering/@odata.type",
        None,
    );
}

#[test]
fn invalid_odata_type_neighbour_response_form_set_type_is_accepted() {
    let body = format!(
        r#"{{"customSecurityAttributes": {{"Engineering": {{"@odata.type": "{RESPONSE_SET_TYPE}", "ProjectDate": "2022-10-01"}}}}}}"#
    );
    let eval = ev(body.as_bytes());
    assert_accepted(&eval);
    // The canonical request is written in request form anyway.
    assert_eq!(
        eval.diff().unwrap().request().unwrap().to_json(),
        json!({"customSecurityAttributes": {"Engineering": {
            "@odata.type": REQUEST_SET_TYPE, "ProjectDate": "2022-10-01"}}})
    );
}

#[test]
fn invalid_odata_type_neighbour_set_type_compares_case_insensitively() {
    let body = br##"{"customSecurityAttributes": {"Engineering": {"@odata.type": "#MICROSOFT.DIRECTORYSERVICES.CUSTOMSECURITYATTRIBUTEVALUE", "ProjectDate": "2022-10-01"}}}"##;
    assert_accepted(&ev(body));
}

#[test]
fn invalid_odata_type_on_attribute_annotation() {
    let eval = ev(&eng(
        r##""NumVendors@odata.type": "#Int64", "NumVendors": 4"##,
    ));
    assert_refused(
        &eval,
        "invalid_odata_type",
        &ptr("NumVendors@odata.type"),
        Some("Engineering_NumVendors"),
    );
}

#[test]
fn invalid_odata_type_neighbour_int32_annotation_is_accepted() {
    let eval = ev(&eng(
        r##""NumVendors@odata.type": "#Int32", "NumVendors": 4"##,
    ));
    assert_accepted(&eval);
    assert!(eval.warnings().is_empty());
}

// ---------------------------------------------------------------------------------------------
// annotation_mismatch

#[test]
fn annotation_mismatch_int32_on_a_string() {
    let eval = ev(&eng(
        r##""ProjectDate@odata.type": "#Int32", "ProjectDate": "2022-10-01""##,
    ));
    let v = assert_refused(
        &eval,
        "annotation_mismatch",
        &ptr("ProjectDate@odata.type"),
        Some("Engineering_ProjectDate"),
    );
    assert!(v.hint().is_some());
}

#[test]
fn annotation_mismatch_collection_annotation_on_a_single_integer() {
    let eval = ev(&eng(
        r##""NumVendors@odata.type": "#Collection(Int32)", "NumVendors": 4"##,
    ));
    let v = assert_refused(
        &eval,
        "annotation_mismatch",
        &ptr("NumVendors@odata.type"),
        Some("Engineering_NumVendors"),
    );
    assert!(v.hint().unwrap().contains("#Int32"));
}

#[test]
fn annotation_mismatch_string_collection_annotation_on_integers() {
    let eval = ev(&eng(
        r##""CostCenter@odata.type": "#Collection(String)", "CostCenter": [1001]"##,
    ));
    assert_refused(
        &eval,
        "annotation_mismatch",
        &ptr("CostCenter@odata.type"),
        Some("Engineering_CostCenter"),
    );
}

#[test]
fn annotation_mismatch_neighbour_string_without_annotation_is_accepted() {
    let eval = ev(&valid_body());
    assert_accepted(&eval);
    assert!(eval.warnings().is_empty());
}

#[test]
fn annotation_mismatch_annotation_without_attribute() {
    let eval = ev(&eng(r##""Project@odata.type": "#Collection(String)""##));
    assert_refused(
        &eval,
        "annotation_mismatch",
        &ptr("Project@odata.type"),
        Some("Engineering_Project"),
    );
}

#[test]
fn annotation_mismatch_annotation_for_an_attribute_in_another_set_object() {
    let body = format!(
        r##"{{"customSecurityAttributes": {{
            "Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "Project@odata.type": "#Collection(String)"}},
            "Operations": {{"@odata.type": "{REQUEST_SET_TYPE}", "Project": ["Alpine"]}}}}}}"##
    );
    let eval = ev(body.as_bytes());
    assert_eq!(codes(&eval), ["annotation_mismatch"]);
    assert_eq!(eval.violations()[0].pointer(), ptr("Project@odata.type"));
}

#[test]
fn annotation_mismatch_neighbour_annotation_beside_its_attribute_is_accepted() {
    let eval = ev(&eng(
        r##""Project@odata.type": "#Collection(String)", "Project": ["Baker"]"##,
    ));
    assert_accepted(&eval);
    assert!(eval.warnings().is_empty());
}

#[test]
fn annotation_on_an_empty_collection_removal_is_accepted_and_not_echoed() {
    let holder = user_with(json!({"Engineering": {"Project": ["Baker"]}}));
    let eval = ev_on(
        &holder,
        &eng(r##""Project@odata.type": "#Collection(String)", "Project": []"##),
    );
    assert_accepted(&eval);
    assert_eq!(
        eval.diff().unwrap().request().unwrap().to_json(),
        json!({"customSecurityAttributes": {"Engineering": {
            "@odata.type": REQUEST_SET_TYPE, "Project": []}}})
    );
}

// ---------------------------------------------------------------------------------------------
// missing_annotation

#[test]
fn missing_annotation_is_a_warning_by_default_for_a_single_integer() {
    let eval = ev(&eng(r#""NumVendors": 4"#));
    assert_accepted(&eval);
    assert_eq!(warning_codes(&eval), ["missing_annotation"]);
    let w = &eval.warnings()[0];
    assert_eq!(w.code(), WarningCode::MissingAnnotation);
    assert_eq!(w.pointer(), ptr("NumVendors"));
    assert_eq!(w.attribute(), Some("Engineering_NumVendors"));
    // The canonical request adds the annotation.
    assert_eq!(
        eval.diff().unwrap().request().unwrap().to_json(),
        json!({"customSecurityAttributes": {"Engineering": {
            "@odata.type": REQUEST_SET_TYPE, "NumVendors@odata.type": "#Int32", "NumVendors": 4}}})
    );
}

#[test]
fn missing_annotation_is_a_warning_by_default_for_a_collection() {
    let eval = ev(&eng(r#""Project": ["Baker", "Cascade"]"#));
    assert_accepted(&eval);
    assert_eq!(warning_codes(&eval), ["missing_annotation"]);
    assert_eq!(eval.warnings()[0].pointer(), ptr("Project"));
    assert_eq!(eval.warnings()[0].attribute(), Some("Engineering_Project"));
}

#[test]
fn missing_annotation_neighbour_annotated_integer_has_no_warning() {
    let eval = ev(&eng(
        r##""NumVendors@odata.type": "#Int32", "NumVendors": 4"##,
    ));
    assert_accepted(&eval);
    assert!(eval.warnings().is_empty());
}

#[test]
fn missing_annotation_is_a_violation_in_strict_mode() {
    let eval = ev_policy(strict(), &eng(r#""CostCenter": [1001, 1003]"#));
    let v = assert_refused(
        &eval,
        "missing_annotation",
        &ptr("CostCenter"),
        Some("Engineering_CostCenter"),
    );
    assert!(v.hint().unwrap().contains("#Collection(Int32)"));
}

#[test]
fn missing_annotation_neighbour_strict_mode_with_annotation_is_accepted() {
    let eval = ev_policy(
        strict(),
        &eng(r##""CostCenter@odata.type": "#Collection(Int32)", "CostCenter": [1001, 1003]"##),
    );
    assert_accepted(&eval);
}

#[test]
fn missing_annotation_never_for_null_or_empty_collection() {
    let holder = user_with(json!({"Engineering": {"NumVendors": 4, "Project": ["Baker"]}}));
    let eval = engine_with_policy(strict()).evaluate(
        &holder,
        None,
        &eng(r#""NumVendors": null, "Project": []"#),
    );
    assert_accepted(&eval);
    assert!(eval.warnings().is_empty());
    assert_eq!(eval.diff().unwrap().changes().len(), 2);
}

#[test]
fn missing_annotation_never_for_strings_and_booleans() {
    let eval = ev_policy(
        strict(),
        &eng(r#""ProjectDate": "2022-10-01", "Certification": true"#),
    );
    assert_accepted(&eval);
    assert!(eval.warnings().is_empty());
}

#[test]
fn missing_annotation_warns_even_when_the_value_is_unchanged() {
    // The rule is about the body: an unannotated single integer gets the warning whether or
    // not it changes anything.
    let holder = user_with(json!({"Engineering": {"NumVendors": 4}}));
    let eval = ev_on(&holder, &eng(r#""NumVendors": 4"#));
    assert_accepted(&eval);
    assert!(eval.diff().unwrap().is_empty());
    assert_eq!(warning_codes(&eval), ["missing_annotation"]);
}

#[test]
fn missing_annotation_refused_in_strict_mode_even_when_the_value_is_unchanged() {
    let holder = user_with(json!({"Engineering": {"Project": ["Baker"]}}));
    let eval =
        engine_with_policy(strict()).evaluate(&holder, None, &eng(r#""Project": ["Baker"]"#));
    assert_refused(
        &eval,
        "missing_annotation",
        &ptr("Project"),
        Some("Engineering_Project"),
    );
}

#[test]
fn annotation_on_a_single_integer_removal_is_accepted_and_not_echoed() {
    let holder = user_with(json!({"Engineering": {"NumVendors": 4}}));
    let eval = ev_on(
        &holder,
        &eng(r##""NumVendors@odata.type": "#Int32", "NumVendors": null"##),
    );
    assert_accepted(&eval);
    assert_eq!(
        eval.diff().unwrap().request().unwrap().to_json(),
        json!({"customSecurityAttributes": {"Engineering": {
            "@odata.type": REQUEST_SET_TYPE, "NumVendors": null}}})
    );
}

// ---------------------------------------------------------------------------------------------
// unknown_attribute_set / unknown_attribute

#[test]
fn unknown_attribute_set_with_did_you_mean() {
    let eval = ev(&set_body("Engineerin", r#""ProjectDate": "2022-10-01""#));
    let v = assert_refused(
        &eval,
        "unknown_attribute_set",
        "/customSecurityAttributes/Engineerin",
        None,
    );
    let hint = v.hint().expect("a close name gives a hint");
    assert!(hint.contains("did you mean"), "{hint}");
    assert!(hint.contains("Engineering"), "{hint}");
}

#[test]
fn unknown_attribute_set_neighbour_other_casing_is_accepted() {
    let eval = ev(&set_body("engineering", r#""ProjectDate": "2022-10-01""#));
    assert_accepted(&eval);
    assert_eq!(
        eval.diff().unwrap().changes()[0].attribute_set(),
        "Engineering"
    );
}

#[test]
fn unknown_attribute_set_far_from_every_name_gives_no_suggestion() {
    let eval = ev(&set_body("Zzzzzzzzzzzz", r#""ProjectDate": "2022-10-01""#));
    let v = only_violation(&eval);
    assert_eq!(v.code().as_str(), "unknown_attribute_set");
    assert!(!v.hint().unwrap_or("").contains("did you mean"));
}

#[test]
fn unknown_attribute_with_did_you_mean() {
    let eval = ev(&eng(r#""ProjectDat": "2022-10-01""#));
    let v = assert_refused(&eval, "unknown_attribute", &ptr("ProjectDat"), None);
    let hint = v.hint().expect("a close name gives a hint");
    assert!(hint.contains("did you mean"), "{hint}");
    assert!(hint.contains("ProjectDate"), "{hint}");
}

#[test]
fn unknown_attribute_neighbour_other_casing_is_accepted() {
    let eval = ev(&eng(r#""projectdate": "2022-10-01""#));
    assert_accepted(&eval);
    assert_eq!(
        eval.diff().unwrap().changes()[0].attribute(),
        "Engineering_ProjectDate"
    );
}

#[test]
fn unknown_attribute_of_another_set_is_unknown_here() {
    // EmployeeId exists in Marketing, not in Engineering.
    let eval = ev(&eng(r#""EmployeeId": "QN26904""#));
    assert_refused(&eval, "unknown_attribute", &ptr("EmployeeId"), None);
}

#[test]
fn pointers_escape_keys_as_rfc_6901() {
    let eval = ev(&eng(r#""a/b~c": "x""#));
    let v = only_violation(&eval);
    assert_eq!(v.code().as_str(), "unknown_attribute");
    assert_eq!(v.pointer(), ptr("a~1b~0c"));
}

// ---------------------------------------------------------------------------------------------
// type_mismatch

#[test]
fn type_mismatch_integer_given_as_string() {
    let eval = ev(&eng(
        r##""NumVendors@odata.type": "#Int32", "NumVendors": "12""##,
    ));
    assert_refused(
        &eval,
        "type_mismatch",
        &ptr("NumVendors"),
        Some("Engineering_NumVendors"),
    );
}

#[test]
fn type_mismatch_integer_given_with_a_fraction() {
    let eval = ev(&eng(
        r##""NumVendors@odata.type": "#Int32", "NumVendors": 12.0"##,
    ));
    assert_refused(
        &eval,
        "type_mismatch",
        &ptr("NumVendors"),
        Some("Engineering_NumVendors"),
    );
}

#[test]
fn type_mismatch_integer_given_with_an_exponent() {
    let eval = ev(&eng(
        r##""NumVendors@odata.type": "#Int32", "NumVendors": 1e1"##,
    ));
    assert_refused(
        &eval,
        "type_mismatch",
        &ptr("NumVendors"),
        Some("Engineering_NumVendors"),
    );
}

#[test]
fn type_mismatch_neighbour_plain_integer_is_accepted() {
    let eval = ev(&eng(
        r##""NumVendors@odata.type": "#Int32", "NumVendors": 12"##,
    ));
    assert_accepted(&eval);
    assert_eq!(
        eval.diff().unwrap().changes()[0].after(),
        Some(&Value::Integer(12))
    );
}

#[test]
fn type_mismatch_string_given_as_number() {
    let eval = ev(&eng(r#""ProjectDate": 20221001"#));
    assert_refused(
        &eval,
        "type_mismatch",
        &ptr("ProjectDate"),
        Some("Engineering_ProjectDate"),
    );
}

#[test]
fn type_mismatch_neighbour_string_of_digits_is_accepted() {
    assert_accepted(&ev(&eng(r#""ProjectDate": "20221001""#)));
}

#[test]
fn type_mismatch_boolean_given_as_string() {
    let eval = ev(&eng(r#""Certification": "true""#));
    assert_refused(
        &eval,
        "type_mismatch",
        &ptr("Certification"),
        Some("Engineering_Certification"),
    );
}

#[test]
fn type_mismatch_boolean_given_as_number() {
    let eval = ev(&eng(r#""Certification": 1"#));
    assert_refused(
        &eval,
        "type_mismatch",
        &ptr("Certification"),
        Some("Engineering_Certification"),
    );
}

#[test]
fn type_mismatch_neighbour_boolean_is_accepted() {
    assert_accepted(&ev(&eng(r#""Certification": true"#)));
}

#[test]
fn type_mismatch_collection_element_points_at_the_element() {
    let eval = ev(&eng(
        r##""CostCenter@odata.type": "#Collection(Int32)", "CostCenter": [1001, "1003"]"##,
    ));
    assert_refused(
        &eval,
        "type_mismatch",
        &ptr("CostCenter/1"),
        Some("Engineering_CostCenter"),
    );
}

#[test]
fn type_mismatch_neighbour_integer_collection_is_accepted() {
    assert_accepted(&ev(&eng(
        r##""CostCenter@odata.type": "#Collection(Int32)", "CostCenter": [1001, 1003]"##,
    )));
}

// ---------------------------------------------------------------------------------------------
// collection_expected / single_value_expected

#[test]
fn collection_expected_for_a_scalar() {
    let eval = ev(&eng(r#""Project": "Baker""#));
    let v = assert_refused(
        &eval,
        "collection_expected",
        &ptr("Project"),
        Some("Engineering_Project"),
    );
    assert!(v.hint().is_some());
}

#[test]
fn collection_expected_for_a_scalar_with_a_collection_annotation() {
    // A documentation defect of "Manage custom security attributes for an application": a
    // collection annotation on a scalar value.
    let eval = ev(&eng(
        r##""Project@odata.type": "#Collection(String)", "Project": "Baker""##,
    ));
    assert_refused(
        &eval,
        "collection_expected",
        &ptr("Project"),
        Some("Engineering_Project"),
    );
}

#[test]
fn collection_expected_neighbour_array_is_accepted() {
    assert_accepted(&ev(&eng(
        r##""Project@odata.type": "#Collection(String)", "Project": ["Baker"]"##,
    )));
}

#[test]
fn single_value_expected_for_an_array_of_strings() {
    let eval = ev(&eng(r#""ProjectDate": ["2022-10-01"]"#));
    assert_refused(
        &eval,
        "single_value_expected",
        &ptr("ProjectDate"),
        Some("Engineering_ProjectDate"),
    );
}

#[test]
fn single_value_expected_for_an_array_of_integers() {
    let eval = ev(&eng(r#""NumVendors": [4]"#));
    assert_refused(
        &eval,
        "single_value_expected",
        &ptr("NumVendors"),
        Some("Engineering_NumVendors"),
    );
}

#[test]
fn single_value_expected_for_a_boolean_array() {
    let eval = ev(&eng(r#""Certification": [true]"#));
    assert_refused(
        &eval,
        "single_value_expected",
        &ptr("Certification"),
        Some("Engineering_Certification"),
    );
}

#[test]
fn single_value_expected_neighbour_scalar_is_accepted() {
    assert_accepted(&ev(&eng(r#""ProjectDate": "2022-10-01""#)));
}

// ---------------------------------------------------------------------------------------------
// wrong_removal

#[test]
fn wrong_removal_null_on_a_multi_valued_attribute() {
    let holder = user_with(json!({"Engineering": {"Project": ["Baker"]}}));
    let eval = ev_on(&holder, &eng(r#""Project": null"#));
    let v = assert_refused(
        &eval,
        "wrong_removal",
        &ptr("Project"),
        Some("Engineering_Project"),
    );
    assert!(v.hint().unwrap().contains("[]"), "{:?}", v.hint());
}

#[test]
fn wrong_removal_neighbour_empty_collection_removes_a_multi_valued_attribute() {
    let holder = user_with(json!({"Engineering": {"Project": ["Baker"]}}));
    let eval = ev_on(&holder, &eng(r#""Project": []"#));
    assert_accepted(&eval);
    let c = &eval.diff().unwrap().changes()[0];
    assert_eq!(c.op(), Op::Remove);
    assert_eq!(c.after(), None);
}

#[test]
fn wrong_removal_empty_collection_on_a_single_valued_attribute() {
    let holder = user_with(json!({"Engineering": {"ProjectDate": "2022-10-01"}}));
    let eval = ev_on(&holder, &eng(r#""ProjectDate": []"#));
    let v = assert_refused(
        &eval,
        "wrong_removal",
        &ptr("ProjectDate"),
        Some("Engineering_ProjectDate"),
    );
    assert!(v.hint().unwrap().contains("null"), "{:?}", v.hint());
}

#[test]
fn wrong_removal_neighbour_null_removes_a_single_valued_attribute() {
    let holder = user_with(json!({"Engineering": {"ProjectDate": "2022-10-01"}}));
    let eval = ev_on(&holder, &eng(r#""ProjectDate": null"#));
    assert_accepted(&eval);
    assert_eq!(eval.diff().unwrap().changes()[0].op(), Op::Remove);
}

#[test]
fn wrong_removal_even_when_nothing_is_assigned() {
    assert_eq!(codes(&ev(&eng(r#""Project": null"#))), ["wrong_removal"]);
    assert_eq!(codes(&ev(&eng(r#""NumVendors": []"#))), ["wrong_removal"]);
}

// ---------------------------------------------------------------------------------------------
// empty_string / value_too_long

#[test]
fn empty_string_single_value() {
    let eval = ev(&eng(r#""ProjectDate": """#));
    let v = assert_refused(
        &eval,
        "empty_string",
        &ptr("ProjectDate"),
        Some("Engineering_ProjectDate"),
    );
    assert!(v.hint().is_some());
}

#[test]
fn empty_string_collection_element() {
    let eval = ev(&eng(
        r##""Datacenter@odata.type": "#Collection(String)", "Datacenter": ["West", ""]"##,
    ));
    assert_refused(
        &eval,
        "empty_string",
        &ptr("Datacenter/1"),
        Some("Engineering_Datacenter"),
    );
}

#[test]
fn empty_string_neighbour_one_character_is_accepted() {
    assert_accepted(&ev(&eng(r#""ProjectDate": "x""#)));
}

#[test]
fn value_too_long_65_code_units() {
    let body = eng(&format!(r#""ProjectDate": "{}""#, "a".repeat(65)));
    assert_refused(
        &ev(&body),
        "value_too_long",
        &ptr("ProjectDate"),
        Some("Engineering_ProjectDate"),
    );
}

#[test]
fn value_too_long_neighbour_64_code_units_is_accepted() {
    let body = eng(&format!(r#""ProjectDate": "{}""#, "a".repeat(64)));
    assert_accepted(&ev(&body));
}

#[test]
fn value_too_long_counts_utf16_units_not_chars() {
    // 33 astral-plane characters: 33 chars, 66 UTF-16 code units.
    let value = "\u{1F600}".repeat(33);
    assert_eq!(value.chars().count(), 33);
    let body = eng(&format!(r#""ProjectDate": "{value}""#));
    assert_refused(
        &ev(&body),
        "value_too_long",
        &ptr("ProjectDate"),
        Some("Engineering_ProjectDate"),
    );
}

#[test]
fn value_too_long_neighbour_32_astral_chars_are_64_units_and_accepted() {
    let value = "\u{1F600}".repeat(32);
    let body = eng(&format!(r#""ProjectDate": "{value}""#));
    assert_accepted(&ev(&body));
}

#[test]
fn value_too_long_neighbour_64_non_ascii_bmp_chars_are_accepted() {
    // 64 chars, 128 UTF-8 bytes, 64 UTF-16 units.
    let value = "é".repeat(64);
    let body = eng(&format!(r#""ProjectDate": "{value}""#));
    assert_accepted(&ev(&body));
}

#[test]
fn value_too_long_collection_element() {
    let body = eng(&format!(
        r##""Datacenter@odata.type": "#Collection(String)", "Datacenter": ["West", "{}"]"##,
        "b".repeat(65)
    ));
    assert_refused(
        &ev(&body),
        "value_too_long",
        &ptr("Datacenter/1"),
        Some("Engineering_Datacenter"),
    );
}

// ---------------------------------------------------------------------------------------------
// integer_out_of_range

fn num_vendors(n: &str) -> Vec<u8> {
    eng(&format!(
        r##""NumVendors@odata.type": "#Int32", "NumVendors": {n}"##
    ))
}

#[test]
fn integer_out_of_range_above_int32() {
    assert_refused(
        &ev(&num_vendors("2147483648")),
        "integer_out_of_range",
        &ptr("NumVendors"),
        Some("Engineering_NumVendors"),
    );
}

#[test]
fn integer_out_of_range_below_int32() {
    assert_refused(
        &ev(&num_vendors("-2147483649")),
        "integer_out_of_range",
        &ptr("NumVendors"),
        Some("Engineering_NumVendors"),
    );
}

#[test]
fn integer_out_of_range_far_beyond_int64() {
    assert_refused(
        &ev(&num_vendors("123456789012345678901234567890")),
        "integer_out_of_range",
        &ptr("NumVendors"),
        Some("Engineering_NumVendors"),
    );
}

#[test]
fn integer_out_of_range_neighbour_boundaries_are_accepted() {
    for (text, n) in [("2147483647", i32::MAX), ("-2147483648", i32::MIN)] {
        let eval = ev(&num_vendors(text));
        assert_accepted(&eval);
        assert_eq!(
            eval.diff().unwrap().changes()[0].after(),
            Some(&Value::Integer(n))
        );
    }
}

#[test]
fn integer_out_of_range_collection_element() {
    let eval = ev(&eng(
        r##""CostCenter@odata.type": "#Collection(Int32)", "CostCenter": [1, 2147483648]"##,
    ));
    assert_refused(
        &eval,
        "integer_out_of_range",
        &ptr("CostCenter/1"),
        Some("Engineering_CostCenter"),
    );
}

// ---------------------------------------------------------------------------------------------
// duplicate_value

#[test]
fn duplicate_value_strings() {
    let eval = ev(&eng(
        r##""Project@odata.type": "#Collection(String)", "Project": ["Baker", "Baker"]"##,
    ));
    let v = assert_refused(
        &eval,
        "duplicate_value",
        &ptr("Project/1"),
        Some("Engineering_Project"),
    );
    assert!(v.hint().is_some());
}

#[test]
fn duplicate_value_integers() {
    let eval = ev(&eng(
        r##""CostCenter@odata.type": "#Collection(Int32)", "CostCenter": [1001, 1003, 1001]"##,
    ));
    assert_refused(
        &eval,
        "duplicate_value",
        &ptr("CostCenter/2"),
        Some("Engineering_CostCenter"),
    );
}

#[test]
fn duplicate_value_neighbour_distinct_values_are_accepted() {
    assert_accepted(&ev(&eng(
        r##""Project@odata.type": "#Collection(String)", "Project": ["Baker", "Cascade"]"##,
    )));
}

#[test]
fn duplicate_value_neighbour_values_differing_in_case_are_distinct() {
    let eval = ev(&eng(
        r##""Datacenter@odata.type": "#Collection(String)", "Datacenter": ["west", "West"]"##,
    ));
    assert_accepted(&eval);
    assert_eq!(eval.diff().unwrap().after().value_count(), 2);
}

// ---------------------------------------------------------------------------------------------
// too_many_values

fn datacenters(n: usize) -> String {
    let items: Vec<String> = (0..n).map(|i| format!("\"DC{i}\"")).collect();
    format!(
        r##""Datacenter@odata.type": "#Collection(String)", "Datacenter": [{}]"##,
        items.join(", ")
    )
}

fn datacenter_values(n: usize) -> serde_json::Value {
    (0..n).map(|i| json!(format!("DC{i}"))).collect()
}

#[test]
fn too_many_values_51_refused() {
    let eval = ev(&eng(&datacenters(51)));
    let v = assert_refused(&eval, "too_many_values", "/customSecurityAttributes", None);
    assert!(v.hint().is_some());
}

#[test]
fn too_many_values_neighbour_50_accepted() {
    let eval = ev(&eng(&datacenters(50)));
    assert_accepted(&eval);
    assert_eq!(eval.diff().unwrap().after().value_count(), 50);
}

#[test]
fn too_many_values_counts_across_attributes_and_sets() {
    // 49 values in Engineering, then two single values in two sets: 51.
    let holder = user_with(json!({"Engineering": {"Datacenter": datacenter_values(49)}}));
    let body = format!(
        r#"{{"customSecurityAttributes": {{
            "Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "ProjectDate": "2022-10-01"}},
            "Marketing": {{"@odata.type": "{REQUEST_SET_TYPE}", "EmployeeId": "QN26904"}}}}}}"#
    );
    assert_eq!(codes(&ev_on(&holder, body.as_bytes())), ["too_many_values"]);
}

#[test]
fn too_many_values_neighbour_one_more_single_value_reaches_exactly_50() {
    let holder = user_with(json!({"Engineering": {"Datacenter": datacenter_values(49)}}));
    let eval = ev_on(
        &holder,
        &set_body("Marketing", r#""EmployeeId": "QN26904""#),
    );
    assert_accepted(&eval);
}

#[test]
fn too_many_values_state_over_50_that_does_not_grow_is_accepted() {
    let holder = user_with(json!({"Engineering": {"Datacenter": datacenter_values(55)}}));
    // Shrinks from 55 to 54, still over 50.
    let eval = ev_on(&holder, &eng(&datacenters(54)));
    assert_accepted(&eval);
    // Replaces a value without changing the count.
    let holder = user_with(json!({"Engineering": {
        "Datacenter": datacenter_values(55), "ProjectDate": "2022-10-01"}}));
    assert_accepted(&ev_on(&holder, &eng(r#""ProjectDate": "2023-01-01""#)));
}

#[test]
fn too_many_values_state_over_50_that_grows_is_refused() {
    let holder = user_with(json!({"Engineering": {"Datacenter": datacenter_values(55)}}));
    let eval = ev_on(&holder, &eng(r#""ProjectDate": "2022-10-01""#));
    assert_refused(&eval, "too_many_values", "/customSecurityAttributes", None);
}

#[test]
fn too_many_values_unknown_current_attributes_count() {
    let holder = user_with(json!({"Engineering": {"Project3": datacenter_values(49)}}));
    let eval = ev_on(
        &holder,
        &eng(
            r##""ProjectDate": "2022-10-01", "NumVendors@odata.type": "#Int32", "NumVendors": 4"##,
        ),
    );
    assert_eq!(codes(&eval), ["too_many_values"]);
}

#[test]
fn too_many_values_neighbour_unknown_current_attributes_up_to_50() {
    let holder = user_with(json!({"Engineering": {"Project3": datacenter_values(49)}}));
    let eval = ev_on(&holder, &eng(r#""ProjectDate": "2022-10-01""#));
    assert_accepted(&eval);
}

#[test]
fn too_many_values_deprecated_current_attributes_count() {
    let engine = Engine::new(
        catalog_with_deprecated("Engineering_Datacenter"),
        Policy::default(),
    );
    let holder = user_with(json!({"Engineering": {"Datacenter": datacenter_values(49)}}));
    let two =
        eng(r##""ProjectDate": "2022-10-01", "NumVendors@odata.type": "#Int32", "NumVendors": 4"##);
    assert_eq!(
        codes(&engine.evaluate(&holder, None, &two)),
        ["too_many_values"]
    );
    let one = eng(r#""ProjectDate": "2022-10-01""#);
    assert_accepted(&engine.evaluate(&holder, None, &one));
}

// ---------------------------------------------------------------------------------------------
// value_not_predefined / value_deactivated

#[test]
fn value_not_predefined_is_case_sensitive() {
    let eval = ev(&eng(
        r##""Project@odata.type": "#Collection(String)", "Project": ["baker"]"##,
    ));
    let v = assert_refused(
        &eval,
        "value_not_predefined",
        &ptr("Project/0"),
        Some("Engineering_Project"),
    );
    assert!(v.hint().unwrap().contains("Baker"), "{:?}", v.hint());
}

#[test]
fn value_not_predefined_neighbour_exact_case_is_accepted() {
    assert_accepted(&ev(&eng(
        r##""Project@odata.type": "#Collection(String)", "Project": ["Baker"]"##,
    )));
}

#[test]
fn value_not_predefined_single_valued() {
    let eval = ev(&set_body("Operations", r#""Level": "Staging""#));
    assert_refused(
        &eval,
        "value_not_predefined",
        "/customSecurityAttributes/Operations/Level",
        Some("Operations_Level"),
    );
}

#[test]
fn value_not_predefined_neighbour_single_valued_allowed_value_is_accepted() {
    assert_accepted(&ev(&set_body("Operations", r#""Level": "Preview""#)));
}

#[test]
fn value_not_predefined_free_form_attribute_takes_any_value() {
    assert_accepted(&ev(&eng(
        r##""Datacenter@odata.type": "#Collection(String)", "Datacenter": ["Anything"]"##,
    )));
}

#[test]
fn value_not_predefined_reports_every_element() {
    let eval = ev(&eng(
        r##""Project@odata.type": "#Collection(String)", "Project": ["baker", "Alpine", "cascade"]"##,
    ));
    let got: Vec<(&str, &str)> = eval
        .violations()
        .iter()
        .map(|v| (v.pointer(), v.code().as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (ptr("Project/0").as_str(), "value_not_predefined"),
            (ptr("Project/2").as_str(), "value_not_predefined"),
        ]
    );
}

#[test]
fn empty_string_in_a_predefined_collection_is_only_empty_string() {
    let eval = ev(&eng(
        r##""Project@odata.type": "#Collection(String)", "Project": ["Baker", ""]"##,
    ));
    assert_refused(
        &eval,
        "empty_string",
        &ptr("Project/1"),
        Some("Engineering_Project"),
    );
}

fn baker_inactive() -> Engine {
    Engine::new(
        catalog_with_inactive_value("Engineering_Project", "Baker"),
        Policy::default(),
    )
}

#[test]
fn value_deactivated_given_anew_is_refused() {
    let eval = baker_inactive().evaluate(
        &user(),
        None,
        &eng(r##""Project@odata.type": "#Collection(String)", "Project": ["Alpine", "Baker"]"##),
    );
    assert_refused(
        &eval,
        "value_deactivated",
        &ptr("Project/1"),
        Some("Engineering_Project"),
    );
}

#[test]
fn value_deactivated_neighbour_kept_when_already_held_is_accepted() {
    let holder = user_with(json!({"Engineering": {"Project": ["Baker"]}}));
    let eval = baker_inactive().evaluate(
        &holder,
        None,
        &eng(r##""Project@odata.type": "#Collection(String)", "Project": ["Baker", "Cascade"]"##),
    );
    assert_accepted(&eval);
    assert_eq!(
        eval.diff().unwrap().changes()[0].after(),
        Some(&Value::strings(["Baker", "Cascade"]).unwrap())
    );
}

#[test]
fn value_deactivated_held_by_another_attribute_does_not_count() {
    let engine = Engine::new(
        catalog_with_inactive_value("Operations_Project", "Baker"),
        Policy::default(),
    );
    // The object holds Baker in Engineering_Project, not in Operations_Project.
    let holder = user_with(json!({"Engineering": {"Project": ["Baker"]}}));
    let eval = engine.evaluate(
        &holder,
        None,
        &set_body(
            "Operations",
            r##""Project@odata.type": "#Collection(String)", "Project": ["Baker"]"##,
        ),
    );
    assert_refused(
        &eval,
        "value_deactivated",
        "/customSecurityAttributes/Operations/Project/0",
        Some("Operations_Project"),
    );
}

// ---------------------------------------------------------------------------------------------
// attribute_deactivated

fn project_date_deprecated() -> Engine {
    Engine::new(
        catalog_with_deprecated("Engineering_ProjectDate"),
        Policy::default(),
    )
}

#[test]
fn attribute_deactivated_set_is_refused() {
    let eval = project_date_deprecated().evaluate(&user(), None, &valid_body());
    let v = assert_refused(
        &eval,
        "attribute_deactivated",
        &ptr("ProjectDate"),
        Some("Engineering_ProjectDate"),
    );
    assert!(v.hint().is_some());
}

#[test]
fn attribute_deactivated_change_is_refused() {
    let holder = user_with(json!({"Engineering": {"ProjectDate": "2022-10-01"}}));
    let eval =
        project_date_deprecated().evaluate(&holder, None, &eng(r#""ProjectDate": "2023-01-01""#));
    assert_refused(
        &eval,
        "attribute_deactivated",
        &ptr("ProjectDate"),
        Some("Engineering_ProjectDate"),
    );
}

#[test]
fn attribute_deactivated_neighbour_removal_is_accepted() {
    let holder = user_with(json!({"Engineering": {"ProjectDate": "2022-10-01"}}));
    let eval = project_date_deprecated().evaluate(&holder, None, &eng(r#""ProjectDate": null"#));
    assert_accepted(&eval);
    let c = &eval.diff().unwrap().changes()[0];
    assert_eq!(c.op(), Op::Remove);
    assert_eq!(c.attribute(), "Engineering_ProjectDate");
}

#[test]
fn attribute_deactivated_neighbour_same_value_is_no_change() {
    let holder = user_with(json!({"Engineering": {"ProjectDate": "2022-10-01"}}));
    let eval = project_date_deprecated().evaluate(&holder, None, &valid_body());
    assert_accepted(&eval);
    assert!(eval.diff().unwrap().is_empty());
    assert!(eval.diff().unwrap().request().is_none());
}

#[test]
fn attribute_deactivated_neighbour_collection_removal_is_accepted() {
    let engine = Engine::new(
        catalog_with_deprecated("Engineering_Project"),
        Policy::default(),
    );
    let holder = user_with(json!({"Engineering": {"Project": ["Baker", "Cascade"]}}));
    let eval = engine.evaluate(&holder, None, &eng(r#""Project": []"#));
    assert_accepted(&eval);
    assert_eq!(eval.diff().unwrap().changes()[0].op(), Op::Remove);
    assert!(eval.diff().unwrap().after().is_empty());
}

#[test]
fn attribute_deactivated_predefined_collection_kept_in_any_order() {
    let engine = Engine::new(
        catalog_with_deprecated("Engineering_Project"),
        Policy::default(),
    );
    let holder = user_with(json!({"Engineering": {"Project": ["Baker", "Cascade"]}}));
    let same = engine.evaluate(
        &holder,
        None,
        &eng(r##""Project@odata.type": "#Collection(String)", "Project": ["Cascade", "Baker"]"##),
    );
    assert_accepted(&same);
    assert!(same.diff().unwrap().is_empty());
    let changed = engine.evaluate(
        &holder,
        None,
        &eng(r##""Project@odata.type": "#Collection(String)", "Project": ["Baker"]"##),
    );
    assert_eq!(codes(&changed), ["attribute_deactivated"]);
}

// ---------------------------------------------------------------------------------------------
// Objects: synced_object / unsupported_object_type

#[test]
fn synced_object_refused_by_default() {
    let synced = user().with_sync(true);
    let eval = ev_on(&synced, &valid_body());
    assert_refused(&eval, "synced_object", "", None);
}

#[test]
fn synced_object_neighbour_cloud_only_user_is_accepted() {
    assert_accepted(&ev_on(&user().with_sync(false), &valid_body()));
}

#[test]
fn synced_object_accepted_with_allow_synced_objects() {
    let mut p = Policy::default();
    p.allow_synced_objects = true;
    let eval = engine_with_policy(p).evaluate(&user().with_sync(true), None, &valid_body());
    assert_accepted(&eval);
}

#[test]
fn synced_object_read_from_graph_object_json() {
    let object = Object::from_json(
        br##"{"@odata.type": "#microsoft.graph.user", "id": "u1", "onPremisesSyncEnabled": true}"##,
    )
    .unwrap();
    assert_eq!(codes(&ev_on(&object, &valid_body())), ["synced_object"]);
}

#[test]
fn unsupported_object_type_group() {
    let group = Object::new(ObjectKind::Other("group".into()));
    assert_refused(
        &ev_on(&group, &valid_body()),
        "unsupported_object_type",
        "",
        None,
    );
}

#[test]
fn unsupported_object_type_neighbour_user_and_service_principal_are_accepted() {
    assert_accepted(&ev_on(&user(), &valid_body()));
    assert_accepted(&ev_on(&service_principal(), &valid_body()));
}

#[test]
fn unsupported_object_type_device_refused_by_default() {
    let device = Object::new(ObjectKind::Device);
    assert_refused(
        &ev_on(&device, &valid_body()),
        "unsupported_object_type",
        "",
        None,
    );
}

#[test]
fn unsupported_object_type_neighbour_device_accepted_when_policy_includes_it() {
    let p =
        Policy::from_json(br#"{"objectTypes": ["user", "servicePrincipal", "device"]}"#).unwrap();
    let eval =
        engine_with_policy(p).evaluate(&Object::new(ObjectKind::Device), None, &valid_body());
    assert_accepted(&eval);
}

#[test]
fn unsupported_object_type_managed_identity_follows_the_policy() {
    let mi = Object::new(ObjectKind::ManagedIdentity);
    assert_eq!(
        codes(&ev_on(&mi, &valid_body())),
        ["unsupported_object_type"]
    );
    let mut p = Policy::default();
    p.object_types.push(ObjectKind::ManagedIdentity);
    assert_accepted(&engine_with_policy(p).evaluate(&mi, None, &valid_body()));
}

#[test]
fn unsupported_object_type_group_even_when_policy_lists_everything() {
    let mut p = Policy::default();
    p.object_types.push(ObjectKind::Device);
    p.object_types.push(ObjectKind::ManagedIdentity);
    let group = Object::new(ObjectKind::Other("group".into()));
    assert_eq!(
        codes(&engine_with_policy(p).evaluate(&group, None, &valid_body())),
        ["unsupported_object_type"]
    );
}

// ---------------------------------------------------------------------------------------------
// warnings: ignored_property / unknown_current_attribute

#[test]
fn ignored_property_beside_custom_security_attributes() {
    let body = format!(
        r#"{{"displayName": "Alice", "customSecurityAttributes": {{"Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "ProjectDate": "2022-10-01"}}}}}}"#
    );
    let eval = ev(body.as_bytes());
    assert_accepted(&eval);
    assert_eq!(warning_codes(&eval), ["ignored_property"]);
    let w = &eval.warnings()[0];
    assert_eq!(w.pointer(), "/displayName");
    assert_eq!(w.attribute(), None);
    // The ignored property is not part of the canonical request.
    assert!(eval.diff().unwrap().request().unwrap().to_json()["displayName"].is_null());
}

#[test]
fn ignored_property_neighbour_only_custom_security_attributes_has_no_warning() {
    let eval = ev(&valid_body());
    assert_accepted(&eval);
    assert!(eval.warnings().is_empty());
}

#[test]
fn unknown_current_attribute_warning_and_kept() {
    let holder = user_with(json!({"Engineering": {"Project3": ["Baker"]}}));
    let eval = ev_on(&holder, &valid_body());
    assert_accepted(&eval);
    assert_eq!(warning_codes(&eval), ["unknown_current_attribute"]);
    let w = &eval.warnings()[0];
    assert_eq!(w.attribute(), Some("Engineering_Project3"));
    assert_eq!(w.pointer(), ptr("Project3"));
    let after = eval.diff().unwrap().after();
    assert_eq!(
        after.get("Engineering", "Project3"),
        Some(&Value::strings(["Baker"]).unwrap())
    );
    assert_eq!(
        eval_json(&eval)["customSecurityAttributes"]["Engineering"]["Project3"],
        json!(["Baker"])
    );
}

#[test]
fn unknown_current_attribute_neighbour_defined_attribute_has_no_warning() {
    let holder = user_with(json!({"Engineering": {"Project": ["Baker"]}}));
    let eval = ev_on(&holder, &valid_body());
    assert_accepted(&eval);
    assert!(eval.warnings().is_empty());
}

#[test]
fn unknown_current_attribute_in_an_unknown_set_is_kept() {
    let holder = user_with(json!({"Legacy": {"Code": "x"}}));
    let eval = ev_on(&holder, &valid_body());
    assert_accepted(&eval);
    assert_eq!(warning_codes(&eval), ["unknown_current_attribute"]);
    assert_eq!(
        eval.diff().unwrap().after().get("Legacy", "Code"),
        Some(&Value::String("x".into()))
    );
}

// ---------------------------------------------------------------------------------------------
// Result

#[test]
fn atomic_one_valid_and_one_invalid_attribute_changes_nothing() {
    let holder = user_with(json!({"Engineering": {"ProjectDate": "2022-10-01"}}));
    let eval = ev_on(
        &holder,
        &eng(
            r##""ProjectDate": "2023-01-01", "NumVendors@odata.type": "#Int32", "NumVendors": "x""##,
        ),
    );
    assert!(!eval.is_allowed());
    assert!(eval.diff().is_none());
    assert!(eval.visible_state().is_none());
    assert_eq!(codes(&eval), ["type_mismatch"]);
    let out = eval_json(&eval);
    assert!(out.get("changes").is_none(), "{out}");
    assert!(out.get("request").is_none(), "{out}");
    assert_eq!(out["allowed"], json!(false));
    assert!(eval.result().is_err());
}

#[test]
fn atomic_neighbour_both_valid_changes_both() {
    let holder = user_with(json!({"Engineering": {"ProjectDate": "2022-10-01"}}));
    let eval = ev_on(
        &holder,
        &eng(
            r##""ProjectDate": "2023-01-01", "NumVendors@odata.type": "#Int32", "NumVendors": 3"##,
        ),
    );
    assert_accepted(&eval);
    assert_eq!(eval.result().unwrap().changes().len(), 2);
}

#[test]
fn all_violations_reported_at_once_sorted_by_pointer_then_code() {
    let body = format!(
        r##"{{"customSecurityAttributes": {{
            "Marketing": {{"@odata.type": "{REQUEST_SET_TYPE}", "EmployeeId": ""}},
            "Zzz": {{"NumVendors": 1}},
            "Engineering": {{"@odata.type": "{REQUEST_SET_TYPE}",
                "Project": "Baker", "NumVendors@odata.type": "#Int32", "NumVendors": "12",
                "Certification": [], "Bogus": 1}}}}}}"##
    );
    let eval = engine().evaluate(&user().with_sync(true), None, body.as_bytes());
    let got: Vec<(String, &str)> = eval
        .violations()
        .iter()
        .map(|v| (v.pointer().to_owned(), v.code().as_str()))
        .collect();
    let want: Vec<(String, &str)> = vec![
        ("".into(), "synced_object"),
        (ptr("Bogus"), "unknown_attribute"),
        (ptr("Certification"), "wrong_removal"),
        (ptr("NumVendors"), "type_mismatch"),
        (ptr("Project"), "collection_expected"),
        (
            "/customSecurityAttributes/Marketing/EmployeeId".into(),
            "empty_string",
        ),
        ("/customSecurityAttributes/Zzz".into(), "missing_odata_type"),
        (
            "/customSecurityAttributes/Zzz".into(),
            "unknown_attribute_set",
        ),
    ];
    assert_eq!(got, want);
}

#[test]
fn violations_with_the_same_pointer_are_ordered_by_code() {
    // Both at the set object: `missing_odata_type` sorts before `unknown_attribute_set`
    // regardless of which rule ran first.
    let eval = ev(br#"{"customSecurityAttributes": {"Nope": {"X": 1}}}"#);
    let pointers: Vec<&str> = eval.violations().iter().map(|v| v.pointer()).collect();
    assert!(pointers
        .iter()
        .all(|p| *p == "/customSecurityAttributes/Nope"));
    let mut sorted = codes(&eval);
    sorted.sort_unstable();
    assert_eq!(codes(&eval), sorted);
    assert_eq!(codes(&eval).len(), 2);
}

#[test]
fn determinism_same_input_gives_equal_evaluations() {
    let holder = user_with(json!({"Engineering": {"Project3": ["x"], "NumVendors": 4}}));
    let bodies = [
        eng(r#""Project": ["Baker", "Cascade"], "NumVendors": 8"#),
        eng(r#""Project": "Baker", "NumVendors": "8", "Bogus": 1"#),
    ];
    for (body, allowed) in bodies.iter().zip([true, false]) {
        let a = ev_on(&holder, body);
        assert_eq!(a.is_allowed(), allowed);
        let b = ev_on(&holder, body);
        assert_eq!(a, b);
        assert_eq!(eval_text(&a), eval_text(&b));
    }
}

#[test]
fn collection_order_is_not_a_change() {
    let holder = user_with(json!({"Engineering": {"Project": ["Baker", "Cascade"]}}));
    let eval = ev_on(
        &holder,
        &eng(r##""Project@odata.type": "#Collection(String)", "Project": ["Cascade", "Baker"]"##),
    );
    assert_accepted(&eval);
    assert!(eval.diff().unwrap().is_empty());
    assert!(eval.diff().unwrap().request().is_none());
}

#[test]
fn collection_neighbour_different_elements_replace_the_whole_collection() {
    let holder = user_with(json!({"Engineering": {"Project": ["Baker", "Cascade"]}}));
    let eval = ev_on(
        &holder,
        &eng(r##""Project@odata.type": "#Collection(String)", "Project": ["Cascade"]"##),
    );
    assert_accepted(&eval);
    let c = &eval.diff().unwrap().changes()[0];
    assert_eq!(c.op(), Op::Replace);
    assert_eq!(c.after(), Some(&Value::strings(["Cascade"]).unwrap()));
}

#[test]
fn removing_what_is_not_assigned_is_a_no_op() {
    let eval = ev(&eng(r#""ProjectDate": null, "Project": []"#));
    assert_accepted(&eval);
    assert!(eval.diff().unwrap().is_empty());
    assert!(eval.diff().unwrap().request().is_none());
    assert!(eval_json(&eval)["request"].is_null());
    assert!(eval_json(&eval)["customSecurityAttributes"].is_null());
}

#[test]
fn unchanged_value_is_no_change_and_request_null() {
    let holder = user_with(json!({"Engineering": {"ProjectDate": "2022-10-01", "NumVendors": 4}}));
    let eval = ev_on(
        &holder,
        &eng(
            r##""ProjectDate": "2022-10-01", "NumVendors@odata.type": "#Int32", "NumVendors": 4"##,
        ),
    );
    assert_accepted(&eval);
    assert!(eval.diff().unwrap().changes().is_empty());
    let out = eval_json(&eval);
    assert_eq!(out["changes"], json!([]));
    assert!(out["request"].is_null());
    assert_eq!(eval.diff().unwrap().after(), holder.state());
}

#[test]
fn unchanged_neighbour_one_changed_value_is_the_only_change() {
    let holder = user_with(json!({"Engineering": {"ProjectDate": "2022-10-01", "NumVendors": 4}}));
    let eval = ev_on(
        &holder,
        &eng(
            r##""ProjectDate": "2022-10-01", "NumVendors@odata.type": "#Int32", "NumVendors": 5"##,
        ),
    );
    assert_accepted(&eval);
    assert_eq!(
        eval.diff().unwrap().request().unwrap().to_json(),
        json!({"customSecurityAttributes": {"Engineering": {
            "@odata.type": REQUEST_SET_TYPE, "NumVendors@odata.type": "#Int32", "NumVendors": 5}}})
    );
}

#[test]
fn attributes_not_named_are_unchanged() {
    let holder = user_with(json!({"Engineering": {"NumVendors": 4, "Certification": true}}));
    let eval = ev_on(&holder, &valid_body());
    assert_accepted(&eval);
    let after = eval.diff().unwrap().after();
    assert_eq!(
        after.get("Engineering", "NumVendors"),
        Some(&Value::Integer(4))
    );
    assert_eq!(
        after.get("Engineering", "Certification"),
        Some(&Value::Boolean(true))
    );
    assert_eq!(eval.diff().unwrap().changes().len(), 1);
}

#[test]
fn catalog_casing_in_changes_and_request_for_other_body_casing() {
    let body = format!(
        r##"{{"customSecurityAttributes": {{"ENGINEERING": {{"@odata.type": "{REQUEST_SET_TYPE}",
            "projectdate": "2022-10-01", "numVENDORS@odata.type": "#Int32", "numvendors": 4}}}}}}"##
    );
    let eval = ev(body.as_bytes());
    assert_accepted(&eval);
    let diff = eval.diff().unwrap();
    let names: Vec<(String, &str, &str)> = diff
        .changes()
        .iter()
        .map(|c| (c.attribute(), c.attribute_set(), c.name()))
        .collect();
    assert_eq!(
        names,
        [
            (
                "Engineering_ProjectDate".to_owned(),
                "Engineering",
                "ProjectDate"
            ),
            (
                "Engineering_NumVendors".to_owned(),
                "Engineering",
                "NumVendors"
            ),
        ]
    );
    assert_eq!(
        diff.request().unwrap().to_json(),
        json!({"customSecurityAttributes": {"Engineering": {
            "@odata.type": REQUEST_SET_TYPE, "ProjectDate": "2022-10-01",
            "NumVendors@odata.type": "#Int32", "NumVendors": 4}}})
    );
    assert_eq!(
        diff.after().to_response_json(),
        json!({"Engineering": {"@odata.type": RESPONSE_SET_TYPE,
            "ProjectDate": "2022-10-01", "NumVendors": 4}})
    );
}

#[test]
fn catalog_casing_in_violation_attribute_body_casing_in_pointer() {
    let body = format!(
        r#"{{"customSecurityAttributes": {{"engineering": {{"@odata.type": "{REQUEST_SET_TYPE}", "numvendors": "x"}}}}}}"#
    );
    assert_refused(
        &ev(body.as_bytes()),
        "type_mismatch",
        "/customSecurityAttributes/engineering/numvendors",
        Some("Engineering_NumVendors"),
    );
}

#[test]
fn catalog_casing_for_the_current_state_in_other_casing() {
    // The object's state read with other casing is reported in catalog casing.
    let holder = user_with(json!({"engineering": {"numvendors": 4}}));
    let eval = ev_on(
        &holder,
        &eng(r##""NumVendors@odata.type": "#Int32", "NumVendors": 8"##),
    );
    assert_accepted(&eval);
    assert!(eval.warnings().is_empty());
    assert_eq!(
        eval.diff().unwrap().after().to_response_json(),
        json!({"Engineering": {"@odata.type": RESPONSE_SET_TYPE, "NumVendors": 8}})
    );
    assert_eq!(eval.diff().unwrap().changes()[0].op(), Op::Replace);
}

#[test]
fn violations_carry_status_and_graph_error() {
    let eval = ev(&eng(r#""ProjectDate": """#));
    let out = eval_json(&eval);
    let v = &out["violations"][0];
    assert_eq!(v["code"], "empty_string");
    assert_eq!(v["pointer"], ptr("ProjectDate"));
    assert_eq!(v["attribute"], "Engineering_ProjectDate");
    assert_eq!(v["status"], 400);
    assert_eq!(v["graphError"], "Request_BadRequest");
    assert!(v["message"].is_string());
    assert!(v.get("offset").is_none());
}

#[test]
fn changes_serialize_as_the_output_schema() {
    let holder = user_with(json!({"Engineering": {"NumVendors": 4}}));
    let eval = ev_on(
        &holder,
        &eng(r##""NumVendors@odata.type": "#Int32", "NumVendors": 8"##),
    );
    assert_eq!(
        eval_json(&eval)["changes"],
        json!([{"op": "replace", "attribute": "Engineering_NumVendors",
            "attributeSet": "Engineering", "name": "NumVendors", "before": 4, "after": 8}])
    );
}

/// Integer predefined values compare by number: the body's `8` matches the allowed value `8`,
/// and `-0` matches `0`; `12` is refused.
#[test]
fn integer_predefined_values_compare_by_number() {
    let catalog = catalog_with_definition("Engineering_NumVendors", |d| {
        d["usePreDefinedValuesOnly"] = true.into();
        d["allowedValues"] = json!([{"id": "0", "isActive": true}, {"id": "8", "isActive": true}]);
    });
    let engine = Engine::new(catalog, Policy::default());
    let body = |v: &str| {
        eng(&format!(
            r##""NumVendors@odata.type": "#Int32", "NumVendors": {v}"##
        ))
    };
    for accepted in ["8", "0", "-0"] {
        assert_accepted(&engine.evaluate(&user(), None, &body(accepted)));
    }
    let refused = engine.evaluate(&user(), None, &body("12"));
    assert_refused(
        &refused,
        "value_not_predefined",
        "/customSecurityAttributes/Engineering/NumVendors",
        Some("Engineering_NumVendors"),
    );
}

/// With `redactSets`, values of that set never appear in messages or hints (docs/RULES.md, Policy
/// knobs); other sets are unaffected.
#[test]
fn redacted_sets_mask_values_in_messages_and_hints() {
    let policy = Policy::from_json(br#"{"redactSets": ["engineering"]}"#).unwrap();
    let engine = engine_with_policy(policy);
    let body = eng(
        r##""Project@odata.type": "#Collection(String)", "Project": ["Sekrit", "Sekrit"],
            "ProjectDate": "", "NumVendors": "Hush""##,
    );
    let eval = engine.evaluate(&user(), None, &body);
    assert!(!eval.is_allowed());
    let text = serde_json::to_string(&eval).unwrap();
    assert!(!text.contains("Sekrit"), "{text}");
    assert!(
        !text.contains("Alpine") && !text.contains("Baker"),
        "{text}"
    );
    assert!(text.contains(csa::REDACTED), "{text}");
    let unredacted = crate::common::engine().evaluate(&user(), None, &body);
    assert!(serde_json::to_string(&unredacted)
        .unwrap()
        .contains("Sekrit"));
}

#[test]
fn value_too_long_message_counts_utf16_code_units() {
    // 33 astral characters are 66 UTF-16 code units: the message says units, not characters.
    let value = "\u{1F600}".repeat(33);
    let eval = ev(&eng(&format!(r#""ProjectDate": "{value}""#)));
    let v = only_violation(&eval);
    assert_eq!(
        v.message(),
        "a value of `Engineering_ProjectDate` is 66 UTF-16 code units long, more than 64"
    );
    assert_eq!(
        v.hint(),
        Some("shorten the value to at most 64 UTF-16 code units")
    );
}

//! The `csa` command line as a user runs it: files and standard input in, text or JSON out,
//! exit codes 0 / 1 / 2. Inputs are the documented Graph examples where they exist.
// clippy.toml allows these in `#[test]` functions; the helpers here are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{json, Value};

use super::harness::*;

// ---------------------------------------------------------------------------------------------
// Assignment examples, objects and PATCH bodies (the harness is tests/it/cli/harness.rs)

/// The documented `request.body` of an assignment example.
fn documented_body(file: &str) -> Value {
    example(&format!("assignments/{file}"))["request"]["body"].clone()
}

/// An object as Graph returns it.
fn object(odata_type: Option<&str>, synced: bool, csa: Value) -> Value {
    let mut o = json!({"id": "00000000-0000-0000-0000-000000000001",
        "onPremisesSyncEnabled": synced, "customSecurityAttributes": csa});
    if let Some(t) = odata_type {
        o["@odata.type"] = json!(t);
    }
    o
}

/// A current state holding the given Engineering attributes (response form).
fn engineering(attrs: Value) -> Value {
    let mut set = json!({"@odata.type": RESPONSE_SET_TYPE});
    for (k, v) in attrs.as_object().unwrap() {
        set[k] = v.clone();
    }
    json!({ "Engineering": set })
}

/// A PATCH body with one set object.
fn patch(set: &str, attrs: Value) -> Value {
    let mut set_obj = json!({ "@odata.type": REQUEST_SET_TYPE });
    for (k, v) in attrs.as_object().unwrap() {
        set_obj[k] = v.clone();
    }
    json!({"customSecurityAttributes": {set: set_obj}})
}

// ---------------------------------------------------------------------------------------------
// check: accepted

/// Every documented assignment example, with its precondition as the object's state, is accepted,
/// and its canonical request is the documented body itself.
#[test]
fn check_accepts_documented_examples_and_canonical_request_is_the_documented_body() {
    struct Case {
        file: &'static str,
        odata_type: Option<&'static str>,
        state: Value,
        op: &'static str,
        before: Value,
        after: Value,
    }
    let case = |file, state: Value, op, before: Value, after: Value| Case {
        file,
        odata_type: None,
        state,
        op,
        before,
        after,
    };
    let project =
        json!({"Project@odata.type": "#Collection(String)", "Project": ["Baker", "Cascade"]});
    let cases = [
        case(
            "A01-user-string.json",
            Value::Null,
            "add",
            Value::Null,
            json!("2022-10-01"),
        ),
        Case {
            odata_type: Some("#microsoft.graph.servicePrincipal"),
            ..case(
                "A02-serviceprincipal-string.json",
                Value::Null,
                "add",
                Value::Null,
                json!("2022-10-01"),
            )
        },
        case(
            "A03-user-multistring.json",
            Value::Null,
            "add",
            Value::Null,
            json!(["Baker", "Cascade"]),
        ),
        case(
            "A04-user-integer.json",
            Value::Null,
            "add",
            Value::Null,
            json!(4),
        ),
        case(
            "A05-user-multiinteger.json",
            Value::Null,
            "add",
            Value::Null,
            json!([1001, 1003]),
        ),
        case(
            "A06-user-boolean.json",
            Value::Null,
            "add",
            Value::Null,
            json!(true),
        ),
        case(
            "A07-user-update-integer.json",
            engineering(json!({"NumVendors": 4})),
            "replace",
            json!(4),
            json!(8),
        ),
        case(
            "A08-user-update-boolean.json",
            engineering(json!({"Certification": true})),
            "replace",
            json!(true),
            json!(false),
        ),
        case(
            "A09-user-update-multistring.json",
            engineering(project.clone()),
            "replace",
            json!(["Baker", "Cascade"]),
            json!(["Alpine", "Baker"]),
        ),
        case(
            "A10-user-remove-single.json",
            engineering(json!({"ProjectDate": "2022-10-01"})),
            "remove",
            json!("2022-10-01"),
            Value::Null,
        ),
        case(
            "A11-user-remove-multi.json",
            engineering(project),
            "remove",
            json!(["Baker", "Cascade"]),
            Value::Null,
        ),
    ];
    let s = Scratch::new("documented");
    let catalog = sample_catalog();
    for c in cases {
        let body = documented_body(c.file);
        let patch_file = s.json(&format!("{}.patch", c.file), &body);
        let obj = object(c.odata_type, false, c.state);
        let object_file = s.json(&format!("{}.object", c.file), &obj);
        let r = csa(&["check"])
            .catalog(&catalog)
            .object(&object_file)
            .patch(&patch_file)
            .format("json")
            .run();
        r.expect_code(0);
        let out = r.json();
        let file = c.file;
        assert_eq!(out["allowed"], json!(true), "{file}");
        assert_eq!(out["authorization"], json!("not_checked"), "{file}");
        let changes = out["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{file}: {out}");
        assert_eq!(changes[0]["op"], json!(c.op), "{file}");
        assert_eq!(changes[0]["before"], c.before, "{file}");
        assert_eq!(changes[0]["after"], c.after, "{file}");
        assert_eq!(
            out["request"], body,
            "{file}: canonical request = documented body"
        );
    }
}

#[test]
fn check_text_lists_changes_and_says_authorization_not_checked() {
    let s = Scratch::new("text-accepted");
    let body = s.json("p.json", &documented_body("A03-user-multistring.json"));
    let r = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .run();
    r.expect_code(0);
    assert!(r.first_line().starts_with("allowed"), "{}", r.stdout);
    assert!(r.first_line().contains("not checked"), "{}", r.stdout);
    assert_eq!(
        r.stdout
            .lines()
            .filter(|l| l.contains("authorization"))
            .count(),
        1,
        "one line about authorization:\n{}",
        r.stdout
    );
    assert!(
        r.stdout
            .lines()
            .any(|l| l == r#"add Engineering_Project: null -> ["Baker","Cascade"]"#),
        "{}",
        r.stdout
    );
    assert_eq!(r.stderr, "");
}

#[test]
fn check_with_actor_reports_authorization_checked() {
    let s = Scratch::new("actor-checked");
    let body = s.json("p.json", &documented_body("A01-user-string.json"));
    let who = s.json("a.json", &actor(AAA_NAME, "/attributeSets/Engineering"));
    let cmd = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .actor(&who);
    let r = cmd.clone().format("json").run();
    r.expect_code(0);
    assert_eq!(r.json()["authorization"], json!("checked"));
    let t = cmd.run();
    t.expect_code(0);
    let first = t.first_line();
    assert!(first.starts_with("allowed"), "{}", t.stdout);
    assert!(
        first.contains("checked") && !first.contains("not checked"),
        "{first}"
    );
}

#[test]
fn check_graph_accepted_is_204() {
    let s = Scratch::new("graph-204");
    let body = s.json("p.json", &documented_body("A04-user-integer.json"));
    let r = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .format("graph")
        .run();
    r.expect_code(0);
    assert_eq!(r.json(), json!({"status": 204}));
}

#[test]
fn check_no_change_is_accepted_with_null_request() {
    // An attribute given its current value is no change.
    let s = Scratch::new("no-change");
    let body = s.json("p.json", &documented_body("A04-user-integer.json"));
    let obj = s.json(
        "o.json",
        &object(None, false, engineering(json!({"NumVendors": 4}))),
    );
    let r = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .object(&obj)
        .format("json")
        .run();
    r.expect_code(0);
    let out = r.json();
    assert_eq!(out["changes"], json!([]));
    assert_eq!(out["request"], Value::Null);
}

#[test]
fn check_resulting_state_shows_only_the_sets_the_actor_may_read() {
    // docs/RULES.md, Result: with an actor, the resulting customSecurityAttributes hold only
    // readable sets.
    let s = Scratch::new("result-projection");
    let body = s.json("p.json", &documented_body("A01-user-string.json"));
    let current = json!({"Marketing": {"@odata.type": RESPONSE_SET_TYPE, "EmployeeId": "QN26904"}});
    let obj = s.json("o.json", &object(None, false, current));
    let who = s.json("a.json", &actor(AAA_NAME, "/attributeSets/Engineering"));
    let cmd = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .object(&obj)
        .format("json");
    let r = cmd.clone().actor(&who).run();
    r.expect_code(0);
    assert_eq!(
        r.json()["customSecurityAttributes"],
        json!({"Engineering": {"@odata.type": RESPONSE_SET_TYPE, "ProjectDate": "2022-10-01"}})
    );
    // Without an actor: the whole resulting state.
    let r = cmd.run();
    r.expect_code(0);
    assert_eq!(
        r.json()["customSecurityAttributes"],
        json!({"Engineering": {"@odata.type": RESPONSE_SET_TYPE, "ProjectDate": "2022-10-01"},
            "Marketing": {"@odata.type": RESPONSE_SET_TYPE, "EmployeeId": "QN26904"}})
    );
}

// ---------------------------------------------------------------------------------------------
// check: refused

const NOT_PREDEFINED: &str = r##"{
  "customSecurityAttributes": {
    "Engineering": {
      "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
      "Project@odata.type": "#Collection(String)",
      "Project": ["Cascade", "baker", "Denali"]
    }
  }
}
"##;

#[test]
fn check_refused_json_exit_1_with_every_violation() {
    let s = Scratch::new("refused-json");
    let body = s.file("p.json", NOT_PREDEFINED);
    let r = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .format("json")
        .run();
    r.expect_code(1);
    let out = r.json();
    assert_eq!(out["allowed"], json!(false));
    assert_eq!(out["authorization"], json!("not_checked"));
    assert!(out.get("changes").is_none(), "no changes on refusal: {out}");
    assert!(out.get("request").is_none(), "no request on refusal: {out}");
    assert!(out["warnings"].is_array(), "{out}");
    let v = &out["violations"];
    assert_eq!(codes(v), ["value_not_predefined", "value_not_predefined"]);
    assert_eq!(
        v[0]["pointer"],
        json!("/customSecurityAttributes/Engineering/Project/1")
    );
    assert_eq!(
        v[1]["pointer"],
        json!("/customSecurityAttributes/Engineering/Project/2")
    );
    assert_eq!(v[0]["attribute"], json!("Engineering_Project"));
    assert_eq!(v[0]["status"], json!(400));
    assert_eq!(v[0]["graphError"], json!("Request_BadRequest"));
    assert!(v[0]["hint"].as_str().unwrap().contains("Baker"), "{v}");
}

#[test]
fn check_graph_refused_is_400_with_the_first_violation() {
    let s = Scratch::new("graph-400");
    // Two violations: an empty string (as observed in X05) and a value that is not predefined.
    let body = patch(
        "Engineering",
        json!({"ProjectDate": "", "Project": ["Denali"]}),
    );
    let body = s.json("p.json", &body);
    let cmd = csa(&["check"]).catalog(&sample_catalog()).patch(&body);
    let j = cmd.clone().format("json").run();
    j.expect_code(1);
    let violations = j.json()["violations"].clone();
    assert_eq!(violations.as_array().unwrap().len(), 2, "{violations}");
    let g = cmd.format("graph").run();
    g.expect_code(1);
    assert_eq!(
        g.json(),
        json!({"status": 400, "body": {"error": {
            "code": "Request_BadRequest", "message": violations[0]["message"]}}})
    );
}

#[test]
fn check_graph_permission_denied_is_403_as_documented() {
    let s = Scratch::new("graph-403");
    let x01 = example("errors/X01-graph-403-authorization-requestdenied.json");
    let body = s.json("p.json", &documented_body("A01-user-string.json"));
    let who = s.json("a.json", &actor(AAA_NAME, "/attributeSets/Marketing"));
    let r = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .actor(&who)
        .format("graph")
        .run();
    r.expect_code(1);
    assert_eq!(
        r.json(),
        json!({"status": x01["http_status"], "body": {"error": {
            "code": x01["error_code"], "message": x01["error_message"]}}})
    );
}

#[test]
fn check_permission_denied_in_json_and_text() {
    let s = Scratch::new("denied");
    let body = s.json("p.json", &documented_body("A01-user-string.json"));
    let who = s.json("a.json", &actor(AAA_NAME, "/attributeSets/Marketing"));
    let cmd = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .actor(&who);
    let j = cmd.clone().format("json").run();
    j.expect_code(1);
    let out = j.json();
    assert_eq!(out["authorization"], json!("checked"));
    assert_eq!(codes(&out["violations"]), ["permission_denied"]);
    assert_eq!(
        out["violations"][0]["pointer"],
        json!("/customSecurityAttributes/Engineering")
    );
    assert_eq!(out["violations"][0]["status"], json!(403));
    let t = cmd.run();
    t.expect_code(1);
    assert!(t.first_line().starts_with("refused"), "{}", t.stdout);
    assert!(t.stdout.contains("permission_denied"), "{}", t.stdout);
    assert!(
        t.stdout.contains("/customSecurityAttributes/Engineering"),
        "{}",
        t.stdout
    );
}

#[test]
fn check_patch_that_is_not_json_is_refused_exit_1() {
    // A trailing comma, as in the documented D09 body.
    let s = Scratch::new("not-json");
    let body = s.file(
        "p.json",
        r##"{"customSecurityAttributes": {"Engineering": {"@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue", "ProjectDate": "2022-10-01",}}}"##,
    );
    let cmd = csa(&["check"]).catalog(&sample_catalog()).patch(&body);
    let r = cmd.clone().format("json").run();
    r.expect_code(1);
    let out = r.json();
    assert_eq!(out["allowed"], json!(false));
    assert_eq!(codes(&out["violations"]), ["invalid_json"]);
    assert_eq!(out["violations"][0]["pointer"], json!(""));
    let g = cmd.clone().format("graph").run();
    g.expect_code(1);
    let g = g.json();
    assert_eq!(g["status"], json!(400));
    assert_eq!(g["body"]["error"]["code"], json!("Request_BadRequest"));
    let t = cmd.run();
    t.expect_code(1);
    assert!(t.stdout.contains("invalid_json"), "{}", t.stdout);
}

#[test]
fn check_text_shows_each_violation_with_code_pointer_message_and_hint() {
    let s = Scratch::new("text-refused");
    let body = s.file("p.json", NOT_PREDEFINED);
    let cmd = csa(&["check"]).catalog(&sample_catalog()).patch(&body);
    let j = cmd.clone().format("json").run().json();
    let t = cmd.run();
    t.expect_code(1);
    assert!(t.first_line().starts_with("refused"), "{}", t.stdout);
    for v in j["violations"].as_array().unwrap() {
        for key in ["code", "pointer", "message", "hint"] {
            let text = v[key].as_str().unwrap();
            assert!(
                t.stdout.contains(text),
                "text output lacks {key} {text:?}:\n{}",
                t.stdout
            );
        }
    }
}

#[test]
fn check_text_puts_a_caret_under_the_offending_value() {
    let s = Scratch::new("caret");
    let body = s.file("p.json", NOT_PREDEFINED);
    let r = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .run();
    r.expect_code(1);
    let (_, marked) = caret_target(&r.stdout, r#""Project": ["Cascade", "baker", "Denali"]"#);
    // Two violations on that line: the first caret marks `"baker"`.
    assert!(
        marked == "\"baker\"" || marked == "baker",
        "the caret marks {marked:?}:\n{}",
        r.stdout
    );
    // The location names line 6 of the file and the (1-based) column of the value.
    let col = NOT_PREDEFINED
        .lines()
        .nth(5)
        .unwrap()
        .find("\"baker\"")
        .unwrap()
        + 1;
    assert!(
        r.stdout.contains(&format!("p.json:6:{col}"))
            || r.stdout.contains(&format!("p.json:6:{}", col + 1)),
        "{}",
        r.stdout
    );
}

#[test]
fn check_text_caret_columns_count_characters_not_bytes() {
    let s = Scratch::new("caret-utf8");
    let text = r##"{"customSecurityAttributes": {"Engineering": {
  "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
  "ProjectDate": "Zürich→東京", "NumVendors": "x"}}}
"##;
    let body = s.file("p.json", text);
    let r = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .run();
    r.expect_code(1);
    assert!(r.stdout.contains("type_mismatch"), "{}", r.stdout);
    let (_, marked) = caret_target(&r.stdout, "Zürich→東京");
    assert!(
        marked == "\"x\"" || marked == "x",
        "the caret marks {marked:?}:\n{}",
        r.stdout
    );
    let line = text.lines().nth(2).unwrap();
    let col = line[..line.find("\"x\"").unwrap()].chars().count() + 1;
    assert!(
        r.stdout.contains(&format!(":3:{col}")) || r.stdout.contains(&format!(":3:{}", col + 1)),
        "expected column {col} (in characters):\n{}",
        r.stdout
    );
}

#[test]
fn check_text_clips_very_long_lines_around_the_caret() {
    let s = Scratch::new("caret-long");
    let padding = "p".repeat(5000);
    let text = format!(
        r##"{{"displayName": "{padding}", "customSecurityAttributes": {{"Engineering": {{"@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue", "NumVendors": "x", "ProjectDate": "{padding}"}}}}}}"##
    );
    let body = s.file("p.json", &text);
    let r = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .run();
    r.expect_code(1);
    let (source, marked) = caret_target(&r.stdout, "\"NumVendors\": ");
    assert!(
        marked == "\"x\"" || marked == "x",
        "the caret marks {marked:?}:\n{}",
        r.stdout
    );
    assert!(
        source.chars().count() < 300,
        "a 10 kB line is clipped, not printed whole ({} chars)",
        source.chars().count()
    );
    assert!(
        r.stdout.len() < 5000,
        "the output stays short: {} bytes",
        r.stdout.len()
    );
}

#[test]
fn check_text_shows_warnings() {
    // A collection without its `#Collection(String)` annotation: accepted, with a warning.
    let s = Scratch::new("warning");
    let body = s.json(
        "p.json",
        &patch("Engineering", json!({"Project": ["Baker", "Cascade"]})),
    );
    let cmd = csa(&["check"]).catalog(&sample_catalog()).patch(&body);
    let j = cmd.clone().format("json").run();
    j.expect_code(0);
    assert_eq!(codes(&j.json()["warnings"]), ["missing_annotation"]);
    let t = cmd.run();
    t.expect_code(0);
    let warning = t
        .stdout
        .lines()
        .find(|l| l.starts_with("warning:"))
        .unwrap_or_else(|| panic!("no warning line:\n{}", t.stdout));
    assert!(warning.contains("missing_annotation"), "{warning}");
}

// ---------------------------------------------------------------------------------------------
// check: objects, kinds, sync, policy

#[test]
fn object_type_flag_overrides_odata_type_which_overrides_the_user_default() {
    let s = Scratch::new("kinds");
    let body = s.json("p.json", &documented_body("A01-user-string.json"));
    let device = s.json(
        "device.json",
        &object(Some("#microsoft.graph.device"), false, Value::Null),
    );
    let untyped = s.json("untyped.json", &object(None, false, Value::Null));
    let cmd = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .format("json");

    // @odata.type says device, which the default policy does not accept.
    let r = cmd.clone().object(&device).run();
    r.expect_code(1);
    assert_eq!(codes(&r.json()["violations"]), ["unsupported_object_type"]);
    // --object-type wins over @odata.type.
    cmd.clone()
        .object(&device)
        .opt("--object-type", "user")
        .run()
        .expect_code(0);
    // No @odata.type: a user.
    cmd.clone().object(&untyped).run().expect_code(0);
    // --object-type applies to an untyped object, and to the default object.
    for c in [cmd.clone().object(&untyped), cmd.clone()] {
        let r = c.opt("--object-type", "device").run();
        r.expect_code(1);
        assert_eq!(codes(&r.json()["violations"]), ["unsupported_object_type"]);
    }
}

#[test]
fn object_kind_decides_which_role_actions_are_needed() {
    // A custom role that may assign attributes on users only.
    let s = Scratch::new("kind-auth");
    let role_id = "11111111-2222-3333-4444-555555555555";
    let who = s.json(
        "a.json",
        &json!({
            "roleDefinitions": [{"id": role_id, "displayName": "Users CSA", "isEnabled": true,
                "rolePermissions": [{"allowedResourceActions": [
                    "microsoft.directory/attributeSets/allProperties/read",
                    "microsoft.directory/customSecurityAttributeDefinitions/allProperties/read",
                    "microsoft.directory/users/customSecurityAttributes/read",
                    "microsoft.directory/users/customSecurityAttributes/update"]}]}],
            "roleAssignments": [{"roleDefinitionId": role_id, "directoryScopeId": "/"}]
        }),
    );
    let body = s.json(
        "p.json",
        &documented_body("A02-serviceprincipal-string.json"),
    );
    let sp = object(
        Some("#microsoft.graph.servicePrincipal"),
        false,
        Value::Null,
    );
    let sp = s.json("sp.json", &sp);
    let cmd = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .object(&sp)
        .actor(&who)
        .format("graph");
    let r = cmd.clone().run();
    r.expect_code(1);
    assert_eq!(r.json()["status"], json!(403));
    let r = cmd.opt("--object-type", "user").run();
    r.expect_code(0);
    assert_eq!(r.json(), json!({"status": 204}));
}

#[test]
fn allow_synced_flag_accepts_synced_objects() {
    let s = Scratch::new("synced");
    let body = s.json("p.json", &documented_body("A01-user-string.json"));
    let synced = s.json(
        "o.json",
        &object(Some("#microsoft.graph.user"), true, Value::Null),
    );
    let cmd = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .object(&synced)
        .format("json");

    let r = cmd.clone().run();
    r.expect_code(1);
    let out = r.json();
    assert_eq!(codes(&out["violations"]), ["synced_object"]);
    assert_eq!(out["violations"][0]["pointer"], json!(""));

    let r = cmd.clone().flag("--allow-synced").run();
    r.expect_code(0);
    assert_eq!(r.json()["allowed"], json!(true));

    // The policy knob does the same; the flag applies on top of a policy that says false.
    let yes = s.json("yes.json", &json!({"allowSyncedObjects": true}));
    let no = s.json("no.json", &json!({"allowSyncedObjects": false}));
    cmd.clone().policy(&yes).run().expect_code(0);
    cmd.clone().policy(&no).run().expect_code(1);
    cmd.policy(&no).flag("--allow-synced").run().expect_code(0);
}

#[test]
fn policy_object_types_enable_devices() {
    let s = Scratch::new("policy-device");
    let body = s.json("p.json", &documented_body("A01-user-string.json"));
    let policy = s.json(
        "pol.json",
        &json!({"objectTypes": ["user", "servicePrincipal", "device"]}),
    );
    let cmd = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .opt("--object-type", "device");
    cmd.clone().format("json").run().expect_code(1);
    cmd.policy(&policy).format("json").run().expect_code(0);
}

#[test]
fn policy_strict_annotations_turns_the_warning_into_a_refusal() {
    let s = Scratch::new("policy-strict");
    let body = s.json("p.json", &patch("Engineering", json!({"NumVendors": 4})));
    let policy = s.json("pol.json", &json!({"strictAnnotations": true}));
    let cmd = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .format("json");
    cmd.clone().run().expect_code(0);
    let r = cmd.policy(&policy).run();
    r.expect_code(1);
    assert_eq!(codes(&r.json()["violations"]), ["missing_annotation"]);
}

#[test]
fn policy_max_body_bytes_refuses_larger_bodies() {
    let s = Scratch::new("policy-size");
    let body = s.json("p.json", &documented_body("A01-user-string.json"));
    let policy = s.json("pol.json", &json!({"maxBodyBytes": 64}));
    let cmd = csa(&["check"])
        .catalog(&sample_catalog())
        .patch(&body)
        .format("json");
    cmd.clone().run().expect_code(0);
    let r = cmd.policy(&policy).run();
    r.expect_code(1);
    let out = r.json();
    assert_eq!(codes(&out["violations"]), ["payload_too_large"]);
    assert_eq!(out["violations"][0]["pointer"], json!(""));
}

// ---------------------------------------------------------------------------------------------
// Standard input

#[test]
fn patch_or_catalog_can_come_from_stdin() {
    let s = Scratch::new("stdin");
    let catalog = sample_catalog();
    let catalog_text = std::fs::read_to_string(&catalog).unwrap();
    let body_text = serde_json::to_string(&documented_body("A03-user-multistring.json")).unwrap();
    let body = s.file("p.json", &body_text);

    let r = csa(&["check"])
        .catalog(&catalog)
        .patch("-")
        .format("json")
        .stdin(&body_text)
        .run();
    r.expect_code(0);
    assert_eq!(
        r.json()["changes"][0]["attribute"],
        json!("Engineering_Project")
    );

    let r = csa(&["check"])
        .catalog("-")
        .patch(&body)
        .format("json")
        .stdin(&catalog_text)
        .run();
    r.expect_code(0);
    assert_eq!(r.json()["allowed"], json!(true));

    let r = csa(&["lint"])
        .catalog("-")
        .format("json")
        .stdin(&catalog_text)
        .run();
    r.expect_code(0);
    assert_eq!(r.json()["valid"], json!(true));

    let obj =
        serde_json::to_string(&object(None, false, engineering(json!({"NumVendors": 4})))).unwrap();
    let r = csa(&["view"])
        .catalog(&catalog)
        .object("-")
        .format("json")
        .stdin(&obj)
        .run();
    r.expect_code(0);
    assert_eq!(
        r.json()["customSecurityAttributes"]["Engineering"]["NumVendors"],
        json!(4)
    );
}

#[test]
fn two_stdin_files_are_a_usage_error() {
    let body = serde_json::to_string(&documented_body("A01-user-string.json")).unwrap();
    let r = csa(&["check"])
        .catalog("-")
        .patch("-")
        .format("json")
        .stdin(&body)
        .run();
    r.expect_input_error();
    let s = Scratch::new("two-stdin");
    let obj = s.json("o.json", &object(None, false, Value::Null));
    let r = csa(&["view"])
        .catalog("-")
        .object(&obj)
        .actor("-")
        .format("json")
        .stdin(&body)
        .run();
    r.expect_input_error();
}

// ---------------------------------------------------------------------------------------------
// Exit 2: usage and input errors

#[test]
fn usage_errors_exit_2_with_nothing_on_stdout() {
    let catalog = sample_catalog();
    let check = || csa(&["check"]).catalog(&catalog).patch("x.json");
    for c in [
        csa(&[]),
        csa(&["frobnicate"]),
        csa(&["check"]).catalog(&catalog),
        check().flag("--bogus"),
        check().format("yaml"),
        check().opt("--object-type", "group"),
        csa(&["view"]).catalog(&catalog),
        csa(&["lint"]).catalog(&catalog).format("graph"),
    ] {
        c.run().expect_input_error();
    }
}

#[test]
fn help_and_version_exit_0() {
    for args in [
        &["--help"][..],
        &["--version"],
        &["check", "--help"],
        &["view", "--help"],
        &["lint", "--help"],
    ] {
        let r = csa(args).run();
        r.expect_code(0);
        assert!(!r.stdout.is_empty(), "{args:?}");
    }
    let h = csa(&["--help"]).run();
    for sub in ["check", "view", "lint", "demo"] {
        assert!(
            h.stdout.contains(sub),
            "the help lists {sub}:\n{}",
            h.stdout
        );
    }
}

#[test]
fn missing_file_exits_2_and_names_it() {
    let s = Scratch::new("missing");
    let catalog = sample_catalog();
    let nowhere = s.dir.join("no-such-file.json");
    let nowhere = nowhere.to_str().unwrap();
    for format in ["text", "json", "graph"] {
        let r = csa(&["check"])
            .catalog(&catalog)
            .patch(nowhere)
            .format(format)
            .run();
        r.expect_input_error();
        assert!(r.stderr.contains("no-such-file.json"), "{}", r.stderr);
        let r = csa(&["check"])
            .catalog(nowhere)
            .patch(&catalog)
            .format(format)
            .run();
        r.expect_input_error();
        assert!(r.stderr.contains("no-such-file.json"), "{}", r.stderr);
    }
    csa(&["lint"]).catalog(nowhere).run().expect_input_error();
    csa(&["view"])
        .catalog(&catalog)
        .object(nowhere)
        .run()
        .expect_input_error();
}

#[test]
fn invalid_catalog_given_to_check_or_view_exits_2_with_invalid_catalog_json() {
    let s = Scratch::new("bad-catalog");
    let catalog = s.file("c.json", INVALID_CATALOG);
    let body = s.json("p.json", &documented_body("A01-user-string.json"));
    let obj = s.json("o.json", &object(None, false, Value::Null));
    let lint = csa(&["lint"]).catalog(&catalog).format("json").run().json();
    for format in ["json", "graph"] {
        for c in [
            csa(&["check"]).catalog(&catalog).patch(&body),
            csa(&["view"]).catalog(&catalog).object(&obj),
        ] {
            let r = c.format(format).run();
            r.expect_code(2);
            r.expect_one_stderr_line();
            let out = r.json();
            assert_eq!(
                out.as_object().unwrap().keys().collect::<Vec<_>>(),
                ["error", "violations"],
                "{out}"
            );
            assert_eq!(out["error"], json!("invalid_catalog"));
            assert_eq!(codes(&out["violations"]), ["boolean_collection"]);
            assert_eq!(
                out["violations"], lint["violations"],
                "the same violations as lint"
            );
        }
    }
    // Text: the violations, readable, on stdout.
    let r = csa(&["check"]).catalog(&catalog).patch(&body).run();
    r.expect_code(2);
    r.expect_one_stderr_line();
    assert!(r.stdout.contains("boolean_collection"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("/customSecurityAttributeDefinitions/0/isCollection"),
        "{}",
        r.stdout
    );
}

#[test]
fn invalid_actor_object_or_policy_file_exits_2() {
    let s = Scratch::new("bad-inputs");
    let catalog = sample_catalog();
    let body = s.json("p.json", &documented_body("A01-user-string.json"));
    // A role assignment without its scope.
    let bad_actor = s.json(
        "a.json",
        &json!({"roleAssignments": [{"roleDefinitionId": AAA_NAME}]}),
    );
    let bad_object = s.file("o.json", "[1,");
    let bad_policy = s.json("pol.json", &json!({"allowSyncedObjects": "yes"}));
    for format in ["text", "json", "graph"] {
        let cmd = csa(&["check"])
            .catalog(&catalog)
            .patch(&body)
            .format(format);
        cmd.clone().actor(&bad_actor).run().expect_input_error();
        cmd.clone().object(&bad_object).run().expect_input_error();
        cmd.clone().policy(&bad_policy).run().expect_input_error();
    }
    let good_object = s.json("good.json", &object(None, false, Value::Null));
    let view = csa(&["view"]).catalog(&catalog).format("json");
    view.clone()
        .object(&good_object)
        .actor(&bad_actor)
        .run()
        .expect_input_error();
    view.object(&bad_object).run().expect_input_error();
}

// ---------------------------------------------------------------------------------------------
// view

/// The object R01 reads, as Graph returns it.
fn r01_object(odata_type: Option<&str>) -> Value {
    let r01 = example("reads/R01-get-user-csa.json");
    let state = r01["response"]["body"]["customSecurityAttributes"].clone();
    object(odata_type, false, state)
}

#[test]
fn view_graph_is_the_documented_r01_response() {
    let s = Scratch::new("view-r01");
    let r01 = example("reads/R01-get-user-csa.json");
    let obj = s.json("o.json", &r01_object(None));
    let r = csa(&["view"])
        .catalog(&sample_catalog())
        .object(&obj)
        .format("graph")
        .run();
    r.expect_code(0);
    assert_eq!(
        r.json(),
        json!({"status": r01["response"]["status"], "body": r01["response"]["body"]})
    );
}

#[test]
fn view_with_no_access_is_the_documented_r02_response() {
    // Global Administrator has no attribute rights: the read looks like no assignments.
    let s = Scratch::new("view-r02");
    let r02 = example("reads/R02-get-user-csa-null.json");
    let obj = s.json("o.json", &r01_object(Some("#microsoft.graph.user")));
    let who = s.json("a.json", &actor("Global Administrator", "/"));
    let r = csa(&["view"])
        .catalog(&sample_catalog())
        .object(&obj)
        .actor(&who)
        .format("graph")
        .run();
    r.expect_code(0);
    assert_eq!(
        r.json(),
        json!({"status": r02["response"]["status"], "body": r02["response"]["body"]})
    );
}

#[test]
fn view_json_shows_only_the_sets_the_actor_may_read() {
    let s = Scratch::new("view-json");
    let catalog = sample_catalog();
    let obj = s.json("o.json", &r01_object(None));
    let r01 = example("reads/R01-get-user-csa.json");
    let full = r01["response"]["body"]["customSecurityAttributes"].clone();
    let view = csa(&["view"]).catalog(&catalog).format("json");

    let r = view.clone().object(&obj).run();
    r.expect_code(0);
    assert_eq!(r.json(), json!({ "customSecurityAttributes": full }));

    let reader = actor("Attribute Assignment Reader", "/attributeSets/Marketing");
    let who = s.json("a.json", &reader);
    let r = view.clone().object(&obj).actor(&who).run();
    r.expect_code(0);
    assert_eq!(
        r.json(),
        json!({"customSecurityAttributes": {"Marketing": full["Marketing"]}})
    );

    let empty = s.json("empty.json", &object(None, false, Value::Null));
    let r = view.object(&empty).run();
    r.expect_code(0);
    assert_eq!(r.json(), json!({ "customSecurityAttributes": null }));
}

#[test]
fn view_graph_context_names_the_objects_entity_set() {
    let s = Scratch::new("view-sp");
    let sp = s.json(
        "sp.json",
        &r01_object(Some("#microsoft.graph.servicePrincipal")),
    );
    let r = csa(&["view"])
        .catalog(&sample_catalog())
        .object(&sp)
        .format("graph")
        .run();
    r.expect_code(0);
    assert_eq!(
        r.json()["body"]["@odata.context"],
        json!("https://graph.microsoft.com/v1.0/$metadata#servicePrincipals(customSecurityAttributes)/$entity")
    );
}

#[test]
fn view_text_lists_each_attribute_and_says_whether_authorization_was_checked() {
    let s = Scratch::new("view-text");
    let obj = s.json("o.json", &r01_object(None));
    let view = csa(&["view"]).catalog(&sample_catalog()).object(&obj);
    let r = view.clone().run();
    r.expect_code(0);
    assert!(r.first_line().contains("not checked"), "{}", r.stdout);
    for attr in [
        "Marketing_EmployeeId",
        "Engineering_Project",
        "Engineering_CostCenter",
        "Engineering_Certification",
    ] {
        assert!(
            r.stdout.lines().any(|l| l.starts_with(attr)),
            "{attr}:\n{}",
            r.stdout
        );
    }
    assert!(r.stdout.contains("QN26904"), "{}", r.stdout);

    let reader = actor("Attribute Assignment Reader", "/attributeSets/Marketing");
    let who = s.json("a.json", &reader);
    let r = view.actor(&who).run();
    r.expect_code(0);
    assert!(r.stdout.contains("Marketing_EmployeeId"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("Engineering"),
        "no unreadable set shown:\n{}",
        r.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// lint

#[test]
fn lint_sample_catalog_is_valid() {
    let cmd = csa(&["lint"]).catalog(&sample_catalog());
    let r = cmd.clone().format("json").run();
    r.expect_code(0);
    let out = r.json();
    assert_eq!(out["valid"], json!(true));
    assert_eq!(out["violations"], json!([]));
    // Its top-level `description` is not a catalog property: a warning, not an error.
    let warnings = out["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(
            |w| w["code"] == json!("ignored_property") && w["pointer"] == json!("/description")
        ),
        "{out}"
    );
    let t = cmd.run();
    t.expect_code(0);
    assert!(t.first_line().starts_with("valid"), "{}", t.stdout);
    assert!(
        t.stdout
            .lines()
            .any(|l| l.starts_with("warning:") && l.contains("ignored_property")),
        "{}",
        t.stdout
    );
}

#[test]
fn lint_invalid_catalog_exits_1_with_every_violation() {
    let s = Scratch::new("lint-bad");
    let catalog = s.file("c.json", INVALID_CATALOG);
    let r = csa(&["lint"]).catalog(&catalog).format("json").run();
    r.expect_code(1);
    let out = r.json();
    assert_eq!(out["valid"], json!(false));
    assert_eq!(codes(&out["violations"]), ["boolean_collection"]);
    let v = &out["violations"][0];
    assert_eq!(
        v["pointer"],
        json!("/customSecurityAttributeDefinitions/0/isCollection")
    );
    assert_eq!(v["status"], json!(400));
    assert_eq!(v["graphError"], json!("Request_BadRequest"));
    // docs/RULES.md, Output documents: `attribute` is the `Set_Name` id when one is involved.
    assert_eq!(v["attribute"], json!("Eng_Flag"), "{v}");
}

#[test]
fn lint_of_a_catalog_that_is_not_json_exits_1() {
    let s = Scratch::new("lint-not-json");
    let catalog = s.file("c.json", "{\"attributeSets\": [");
    let r = csa(&["lint"]).catalog(&catalog).format("json").run();
    r.expect_code(1);
    assert_eq!(codes(&r.json()["violations"]), ["invalid_json"]);
}

#[test]
fn lint_text_puts_a_caret_in_the_catalog() {
    let s = Scratch::new("lint-caret");
    let catalog = s.file("c.json", INVALID_CATALOG);
    let r = csa(&["lint"]).catalog(&catalog).run();
    r.expect_code(1);
    assert!(r.first_line().starts_with("invalid"), "{}", r.stdout);
    assert!(r.stdout.contains("boolean_collection"), "{}", r.stdout);
    let (_, marked) = caret_target(&r.stdout, "\"isCollection\": true");
    assert!(
        marked == "true" || marked == "\"isCollection\"",
        "the caret marks {marked:?}:\n{}",
        r.stdout
    );
}

/// `duplicate_name` and `unknown_attribute_set` put their caret under the name at fault.
#[test]
fn lint_text_marks_the_name_of_a_duplicate_or_an_unknown_set() {
    let s = Scratch::new("lint-caret-names");
    let catalog = s.file(
        "c.json",
        r#"{"attributeSets": [{"id": "Eng"}, {"id": "ENG"}],
 "customSecurityAttributeDefinitions": [
  {"attributeSet": "Fin", "name": "Budget", "type": "Integer", "isCollection": false,
   "isSearchable": true, "status": "Available", "usePreDefinedValuesOnly": false}]}
"#,
    );
    let r = csa(&["lint"]).catalog(&catalog).run();
    r.expect_code(1);
    assert!(r.stdout.contains("duplicate_name"), "{}", r.stdout);
    assert!(r.stdout.contains("unknown_attribute_set"), "{}", r.stdout);
    assert_eq!(caret_target(&r.stdout, "\"ENG\"").1, "\"ENG\"");
    assert_eq!(caret_target(&r.stdout, "\"Fin\"").1, "\"Fin\"");
}

/// A catalog or an actor given as the object is an input error naming what the file looks like.
#[test]
fn a_catalog_given_as_the_object_is_an_input_error() {
    let s = Scratch::new("object-is-catalog");
    let catalog = sample_catalog();
    let patch = s.file("p.json", r#"{"customSecurityAttributes": {}}"#);
    let r = csa(&["check"])
        .catalog(&catalog)
        .object(&catalog)
        .patch(&patch)
        .run();
    r.expect_input_error();
    assert!(r.stderr.contains("looks like a catalog"), "{}", r.stderr);
    let empty = s.file("o.json", "{}");
    let r = csa(&["check"])
        .catalog(&catalog)
        .object(&empty)
        .patch(&patch)
        .run();
    r.expect_input_error();
    assert!(
        r.stderr.contains("does not look like an object"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// demo

#[test]
fn demo_exits_0_reads_nothing_and_shows_accepted_and_refused_requests() {
    let s = Scratch::new("demo");
    // Run from an empty directory: the demo reads no file.
    let r = csa(&["demo"]).in_dir(&s.dir).run();
    r.expect_code(0);
    assert_eq!(r.stderr, "");
    for id in ["A01", "A03", "A04", "A07", "A09", "A10", "A11"] {
        assert!(r.stdout.contains(id), "the demo runs {id}");
    }
    let verdicts: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("allowed") || l.starts_with("refused"))
        .collect();
    assert!(
        verdicts.iter().any(|l| l.starts_with("refused")),
        "{}",
        r.stdout
    );
    let allowed = verdicts.iter().filter(|l| l.starts_with("allowed")).count();
    assert!(allowed >= 7, "{}", r.stdout);
    for code in ["value_not_predefined", "wrong_removal", "permission_denied"] {
        assert!(
            r.stdout.contains(code),
            "the demo shows {code}:\n{}",
            r.stdout
        );
    }
    // Each documented step applies to the state the previous ones left.
    for line in [
        "replace Engineering_NumVendors: 4 -> 8",
        r#"replace Engineering_Project: ["Baker","Cascade"] -> ["Alpine","Baker"]"#,
        r#"remove Engineering_Project: ["Alpine","Baker"] -> null"#,
        r#"remove Engineering_ProjectDate: "2022-10-01" -> null"#,
    ] {
        assert!(r.stdout.lines().any(|l| l == line), "{line}:\n{}", r.stdout);
    }
}

#[test]
fn an_input_file_over_the_largest_document_bound_is_not_read_further() {
    // Every input file is read to at most max(maxCatalogBytes, maxBodyBytes) bytes: an endless
    // one (/dev/zero) is refused after 64 MiB and one byte, exit 2, whatever file it is.
    let s = Scratch::new("dev-zero");
    let patch = s.json("p.json", &documented_body("A01-user-string.json"));
    for (flag, what) in [
        ("--patch", "patch"),
        ("--object", "object"),
        ("--actor", "actor"),
    ] {
        let mut cmd = csa(&["check"]).catalog(&sample_catalog());
        if flag != "--patch" {
            cmd = cmd.patch(&patch);
        }
        let r = cmd.opt(flag, "/dev/zero").run();
        r.expect_input_error();
        let cap = (64 << 20).to_string();
        assert!(
            r.stderr.contains(what) && r.stderr.contains(&cap),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn the_input_bound_follows_the_policy_and_is_inclusive() {
    // A policy lowering both bounds to 2,000 bytes: an object file of exactly 2,000 bytes is read,
    // one of 2,001 is refused before parsing; raising maxCatalogBytes admits it again.
    let s = Scratch::new("input-cap");
    let small = s.json(
        "small.json",
        &json!({"maxCatalogBytes": 2000, "maxBodyBytes": 1000}),
    );
    let large = s.json(
        "large.json",
        &json!({"maxCatalogBytes": 1 << 20, "maxBodyBytes": 1000}),
    );
    let object = |len: usize| {
        let base = json!({"id": "u1", "displayName": ""}).to_string();
        let name = "x".repeat(len - base.len());
        let text = json!({"id": "u1", "displayName": name}).to_string();
        s.file(&format!("u{len}.json"), &text)
    };
    let catalog = s.file(
        "tiny-catalog.json",
        r#"{"attributeSets": [], "customSecurityAttributeDefinitions": []}"#,
    );
    let patch = s.json("p.json", &json!({"customSecurityAttributes": {}}));
    let run = |policy: &str, len: usize| {
        csa(&["check"])
            .catalog(&catalog)
            .patch(&patch)
            .policy(policy)
            .object(&object(len))
            .run()
    };
    assert_eq!(std::fs::metadata(object(2000)).unwrap().len(), 2000);
    run(&small, 2000).expect_code(0);
    let r = run(&small, 2001);
    r.expect_input_error();
    assert!(r.stderr.contains("2000 bytes"), "{}", r.stderr);
    run(&large, 2001).expect_code(0);
}

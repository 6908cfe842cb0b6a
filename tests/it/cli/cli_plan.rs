//! `csa plan` (one object and `--batch`), `csa apply`, and `--audit` on `plan` and `check`, as a
//! user runs them: exit codes 0 / 1 / 2, the JSON printed (parsed and compared as values), the
//! lines of a batch, and the one `csa: ` line on standard error. Inputs are the documented Graph
//! examples (tests/data/graph-examples/) and the files of docs/CLI.md's sessions.
// clippy.toml allows these in `#[test]` functions; the helpers here are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::harness::*;
use crate::common::{assignment_example_before, examples_in};

use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Objects, desired states, actors and policies

/// A set object in response form holding `members`.
fn rset(members: Value) -> Value {
    let mut set = json!({"@odata.type": RESPONSE_SET_TYPE});
    for (k, v) in members.as_object().unwrap() {
        set[k] = v.clone();
    }
    set
}

/// docs/CLI.md's `user.json`, as written there (the order of changes follows the documents').
const USER_TEXT: &str = r##"{"id": "4a3b...", "@odata.type": "#microsoft.graph.user",
 "customSecurityAttributes": {
  "Marketing": {"@odata.type": "#microsoft.graph.customSecurityAttributeValue", "EmployeeId": "QN26904"},
  "Engineering": {"@odata.type": "#microsoft.graph.customSecurityAttributeValue",
    "Project@odata.type": "#Collection(String)", "Project": ["Baker", "Cascade"],
    "CostCenter@odata.type": "#Collection(Int32)", "CostCenter": [1001], "Certification": true}}}
"##;

/// docs/CLI.md's `desired.json`, as written there.
const DESIRED_TEXT: &str = r##"{"customSecurityAttributes": {
  "Engineering": {"@odata.type": "#microsoft.graph.customSecurityAttributeValue",
    "Project@odata.type": "#Collection(String)", "Project": ["Cascade", "Baker", "Alpine"],
    "NumVendors@odata.type": "#Int32", "NumVendors": 8}}}
"##;

/// `USER_TEXT`: Marketing/EmployeeId "QN26904"; Engineering/Project [Baker, Cascade],
/// Engineering/CostCenter [1001], Engineering/Certification true. Written back as a file, its
/// keys are sorted: order-sensitive assertions use the texts themselves.
fn user() -> Value {
    serde_json::from_str(USER_TEXT).unwrap()
}

/// `user()` with `edit` applied to its Engineering set.
fn user_with_engineering(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
    let mut u = user();
    edit(
        u["customSecurityAttributes"]["Engineering"]
            .as_object_mut()
            .unwrap(),
    );
    u
}

/// `DESIRED_TEXT`.
fn desired() -> Value {
    serde_json::from_str(DESIRED_TEXT).unwrap()
}

/// The request docs/CLI.md shows for `user()` → `desired()`.
fn documented_request() -> Value {
    json!({"customSecurityAttributes": {"Engineering": {
        "@odata.type": REQUEST_SET_TYPE,
        "Project@odata.type": "#Collection(String)",
        "Project": ["Cascade", "Baker", "Alpine"],
        "NumVendors@odata.type": "#Int32", "NumVendors": 8,
        "CostCenter": [], "Certification": null}}})
}

/// The changes docs/CLI.md shows for `user()` → `desired()`.
fn documented_changes() -> Value {
    json!([
        {"op": "replace", "attribute": "Engineering_Project", "attributeSet": "Engineering",
         "name": "Project", "before": ["Baker", "Cascade"], "after": ["Cascade", "Baker", "Alpine"]},
        {"op": "add", "attribute": "Engineering_NumVendors", "attributeSet": "Engineering",
         "name": "NumVendors", "before": null, "after": 8},
        {"op": "remove", "attribute": "Engineering_CostCenter", "attributeSet": "Engineering",
         "name": "CostCenter", "before": [1001], "after": null},
        {"op": "remove", "attribute": "Engineering_Certification", "attributeSet": "Engineering",
         "name": "Certification", "before": true, "after": null}
    ])
}

/// The state after `documented_request()` on `user()`, response form.
fn documented_after() -> Value {
    json!({
        "Marketing": rset(json!({"EmployeeId": "QN26904"})),
        "Engineering": rset(json!({
            "Project@odata.type": "#Collection(String)", "Project": ["Cascade", "Baker", "Alpine"],
            "NumVendors": 8}))
    })
}

fn eng_admin() -> Value {
    actor(AAA_NAME, "/attributeSets/Engineering")
}

/// An invalid desired Engineering set: a string for an integer, a value Project does not offer.
fn invalid_engineering() -> Value {
    json!({"NumVendors": "eight", "Project": ["Alpine", "Skagit"]})
}

/// `csa plan` of one object toward one desired document, as JSON.
fn plan_json(s: &Scratch, object: &Value, desired: &Value) -> Csa {
    let object = s.json("object.json", object);
    let desired = s.json("desired.json", desired);
    csa(&["plan"])
        .catalog(&sample_catalog())
        .object(&object)
        .desired(&desired)
        .format("json")
}

/// `csa plan` of docs/CLI.md's `user.json` toward its `desired.json`, the files as written there.
fn plan_documented(s: &Scratch) -> Csa {
    csa(&["plan"])
        .catalog(&sample_catalog())
        .object(&s.file("user.json", USER_TEXT))
        .desired(&s.file("desired.json", DESIRED_TEXT))
}

/// The lines of a batch's output, each parsed.
fn lines(run: &Run) -> Vec<Value> {
    run.json_lines()
}

/// One batch input line.
fn batch_line(object: &Value, desired: &Value) -> String {
    serde_json::to_string(&json!({"object": object, "desired": desired})).unwrap()
}

/// Every string (keys included) in a JSON value.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(m) => {
            for (k, v) in m {
                out.push(k.clone());
                strings(v, out);
            }
        }
        _ => {}
    }
}

/// Every non-container value of a JSON value (object keys aside).
fn leaves(value: &Value, out: &mut Vec<Value>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| leaves(v, out)),
        Value::Object(m) => m.values().for_each(|v| leaves(v, out)),
        other => out.push(other.clone()),
    }
}

// ---------------------------------------------------------------------------------------------
// The documented examples A01–A11

/// The object an example targets, holding the state its preconditions give.
fn example_object(ex: &Value) -> Value {
    let id = ex["id"].as_str().unwrap();
    let url = ex["request"]["url"].as_str().unwrap();
    let kind = if url.contains("/servicePrincipals/") {
        "#microsoft.graph.servicePrincipal"
    } else {
        "#microsoft.graph.user"
    };
    json!({"id": id, "@odata.type": kind, "customSecurityAttributes": assignment_example_before(id)})
}

#[test]
fn plan_from_each_documented_before_state_to_its_after_state_is_the_documented_patch() {
    let examples = examples_in("assignments");
    assert_eq!(examples.len(), 11, "A01–A11");
    for (name, ex) in examples {
        let s = Scratch::new("examples");
        let object = example_object(&ex);
        let documented = ex["request"]["body"].clone();
        // The state after the documented PATCH, as `csa check` computes it.
        let checked = csa(&["check"])
            .catalog(&sample_catalog())
            .object(&s.json("before.json", &object))
            .patch(&s.json("patch.json", &documented))
            .format("json")
            .run();
        checked.expect_code(0);
        let checked = checked.json();
        let after = &checked["customSecurityAttributes"];
        // The desired state names the sets the PATCH names, with what they hold afterwards.
        let mut sets = serde_json::Map::new();
        for set in documented["customSecurityAttributes"]
            .as_object()
            .unwrap()
            .keys()
        {
            let held = after.get(set).cloned().unwrap_or_else(|| rset(json!({})));
            sets.insert(set.clone(), held);
        }
        let sets = Value::Object(sets);
        for desired in [json!({ "customSecurityAttributes": sets }), sets.clone(), {
            let mut whole = object.clone();
            whole["customSecurityAttributes"] = sets.clone();
            whole
        }] {
            let r = plan_json(&s, &object, &desired).run();
            r.expect_code(0);
            let out = r.json();
            assert_eq!(out["allowed"], json!(true), "{name}");
            assert_eq!(out["request"], documented, "{name}: the documented PATCH");
            assert_eq!(out["changes"], checked["changes"], "{name}: the changes");
            assert_eq!(&out["customSecurityAttributes"], after, "{name}: the state");
            assert_eq!(out["warnings"], json!([]), "{name}");
            assert!(out.get("audit").is_none(), "{name}: no audit unasked");
        }
        // Exclusive, toward the whole after state (each object holds only Engineering).
        let r = plan_json(&s, &object, &json!({ "customSecurityAttributes": after }))
            .flag("--exclusive")
            .run();
        r.expect_code(0);
        assert_eq!(r.json()["request"], documented, "{name}: exclusive");
        // Planning again from the after state: nothing to send.
        let mut done = object.clone();
        done["customSecurityAttributes"] = after.clone();
        let r = plan_json(&s, &done, &json!({ "customSecurityAttributes": sets })).run();
        r.expect_code(0);
        assert_eq!(r.json()["request"], Value::Null, "{name}: again");
        assert_eq!(r.json()["changes"], json!([]), "{name}: again");
    }
}

#[test]
fn plan_a01_from_nothing_is_the_documented_request() {
    let s = Scratch::new("a01");
    let ex = example("assignments/A01-user-string.json");
    let r = plan_json(
        &s,
        &json!({"id": "u1"}),
        &json!({"Engineering": {"ProjectDate": "2022-10-01"}}),
    )
    .run();
    r.expect_code(0);
    assert_eq!(r.stderr, "");
    let out = r.json();
    assert_eq!(
        keys(&out),
        [
            "allowed",
            "authorization",
            "changes",
            "customSecurityAttributes",
            "request",
            "warnings"
        ]
    );
    assert_eq!(out["allowed"], json!(true));
    assert_eq!(out["authorization"], "not_checked");
    assert_eq!(out["request"], ex["request"]["body"]);
    assert_eq!(
        out["changes"],
        json!([{"op": "add", "attribute": "Engineering_ProjectDate", "attributeSet": "Engineering",
                "name": "ProjectDate", "before": null, "after": "2022-10-01"}])
    );
}

// ---------------------------------------------------------------------------------------------
// plan: accepted, nothing to change, refused

#[test]
fn plan_the_documented_session() {
    let s = Scratch::new("documented");
    let eng = s.json("eng-admin.json", &eng_admin());
    let r = plan_documented(&s).actor(&eng).format("json").run();
    r.expect_code(0);
    assert_eq!(r.stderr, "");
    let out = r.json();
    assert_eq!(out["allowed"], json!(true));
    assert_eq!(out["authorization"], "checked");
    assert_eq!(out["request"], documented_request());
    assert_eq!(out["changes"], documented_changes());
    // What the actor may read of the new state: Engineering only.
    assert_eq!(
        out["customSecurityAttributes"],
        json!({"Engineering": documented_after()["Engineering"].clone()})
    );

    // The text format: the verdict, one line per change, then the request.
    let r = plan_documented(&s).actor(&eng).run();
    r.expect_code(0);
    let text: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        text[..6],
        [
            "allowed (authorization checked)",
            r#"replace Engineering_Project: ["Baker","Cascade"] -> ["Cascade","Baker","Alpine"]"#,
            "add Engineering_NumVendors: null -> 8",
            "remove Engineering_CostCenter: [1001] -> null",
            "remove Engineering_Certification: true -> null",
            "request:",
        ]
    );
    let request: Value = serde_json::from_str(&text[6..].join("\n")).unwrap();
    assert_eq!(request, documented_request());
}

#[test]
fn plan_of_the_state_the_object_holds_has_a_null_request() {
    let s = Scratch::new("nothing");
    let sets = user()["customSecurityAttributes"].clone();
    // Collection order is no change; nor are names in another letter case.
    let reordered = json!({"engineering": {"project": ["Cascade", "Baker"], "costCenter": [1001],
                                           "CERTIFICATION": true}});
    let admin = s.json("admin.json", &actor(AAA_NAME, "/"));
    for desired in [
        json!({ "customSecurityAttributes": sets }),
        sets.clone(),
        user(),
        reordered,
        json!({"customSecurityAttributes": null}),
        json!({}),
        Value::Null,
    ] {
        for exclusive in [false, true] {
            if exclusive && !desired.to_string().contains("Marketing") {
                continue; // exclusive would remove what the document leaves out
            }
            let mut cmd = plan_json(&s, &user(), &desired).actor(&admin);
            if exclusive {
                cmd = cmd.flag("--exclusive");
            }
            let r = cmd.run();
            r.expect_code(0);
            let out = r.json();
            assert_eq!(out["allowed"], json!(true), "{desired}");
            assert_eq!(
                out["request"],
                Value::Null,
                "{desired} exclusive={exclusive}"
            );
            assert_eq!(out["changes"], json!([]), "{desired} exclusive={exclusive}");
            assert_eq!(
                out["customSecurityAttributes"], sets,
                "{desired}: the state is kept"
            );
        }
    }
    // The text format has no request section.
    let r = csa(&["plan"])
        .catalog(&sample_catalog())
        .object(&s.path("object.json"))
        .desired(&s.json("same.json", &user()))
        .run();
    r.expect_code(0);
    assert_eq!(
        r.stdout,
        "allowed (authorization not checked: no actor given)\nno changes\n"
    );
}

#[test]
fn plan_of_an_invalid_desired_state_is_refused_with_pointers_into_it() {
    let s = Scratch::new("invalid");
    let wrapped = json!({"customSecurityAttributes": {"Engineering": invalid_engineering()}});
    let bare = json!({"Engineering": invalid_engineering()});
    let mut whole = user();
    whole["customSecurityAttributes"] = json!({"Engineering": invalid_engineering()});
    for (desired, prefix) in [
        (&wrapped, "/customSecurityAttributes"),
        (&bare, ""),
        (&whole, "/customSecurityAttributes"),
    ] {
        let r = plan_json(&s, &user(), desired).run();
        r.expect_code(1);
        assert_eq!(r.stderr, "", "nothing on stderr on exit 1");
        let out = r.json();
        assert_eq!(
            keys(&out),
            ["allowed", "authorization", "violations", "warnings"]
        );
        assert_eq!(out["allowed"], json!(false));
        assert_eq!(
            codes(&out["violations"]),
            ["type_mismatch", "value_not_predefined"]
        );
        let pointers: Vec<&str> = out["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["pointer"].as_str().unwrap())
            .collect();
        assert_eq!(
            pointers,
            [
                format!("{prefix}/Engineering/NumVendors"),
                format!("{prefix}/Engineering/Project/1")
            ]
        );
        // Each pointer names the offending value in the desired document.
        assert_eq!(desired.pointer(pointers[0]), Some(&json!("eight")));
        assert_eq!(desired.pointer(pointers[1]), Some(&json!("Skagit")));
        assert_eq!(out["violations"][1]["attribute"], "Engineering_Project");
        assert_eq!(out["violations"][1]["status"], 400);
    }
    // Names in the document's own letter case stay in the pointers.
    let r = plan_json(&s, &user(), &json!({"engineering": {"numVendors": "x"}})).run();
    r.expect_code(1);
    assert_eq!(
        r.json()["violations"][0]["pointer"],
        "/engineering/numVendors"
    );
    assert_eq!(
        r.json()["violations"][0]["attribute"],
        "Engineering_NumVendors"
    );

    // The text format marks the value in the desired file.
    let r = csa(&["plan"])
        .catalog(&sample_catalog())
        .object(&s.path("object.json"))
        .desired(&s.json("bare.json", &bare))
        .run();
    r.expect_code(1);
    assert!(r.stdout.starts_with("refused"), "{}", r.stdout);
    assert!(
        r.stdout.contains("--> "),
        "located in the file:\n{}",
        r.stdout
    );
    let (_, marked) = caret_target(&r.stdout, "Skagit");
    assert_eq!(marked, "\"Skagit\"");
    assert!(!r.stdout.contains("request:"));
}

#[test]
fn plan_of_a_desired_document_that_is_no_state_is_refused() {
    let s = Scratch::new("no-state");
    for (text, code) in [
        ("[1, 2]", "invalid_json"),
        ("{\"Engineering\": ", "invalid_json"),
        ("{\"customSecurityAttributes\": 5}", "invalid_shape"),
    ] {
        let r = csa(&["plan"])
            .catalog(&sample_catalog())
            .object(&s.json("user.json", &user()))
            .desired(&s.file("desired.json", text))
            .format("json")
            .run();
        r.expect_code(1);
        assert_eq!(codes(&r.json()["violations"]), [code], "{text}");
    }
}

#[test]
fn exclusive_removes_defined_attributes_of_sets_the_desired_state_does_not_name() {
    let s = Scratch::new("exclusive");
    // Engineering as it is; Marketing not named.
    let engineering_only =
        json!({"Engineering": user()["customSecurityAttributes"]["Engineering"]});
    let r = plan_json(&s, &user(), &engineering_only).run();
    r.expect_code(0);
    assert_eq!(
        r.json()["request"],
        Value::Null,
        "managed: Marketing is left alone"
    );

    let r = plan_json(&s, &user(), &engineering_only)
        .flag("--exclusive")
        .run();
    r.expect_code(0);
    let out = r.json();
    assert_eq!(
        out["request"],
        json!({"customSecurityAttributes": {"Marketing": {
            "@odata.type": REQUEST_SET_TYPE, "EmployeeId": null}}})
    );
    assert_eq!(codes_of_ops(&out["changes"]), ["remove"]);
    assert_eq!(out["changes"][0]["attribute"], "Marketing_EmployeeId");

    // Exclusive never touches a set the actor cannot read.
    let r = plan_json(&s, &user(), &engineering_only)
        .flag("--exclusive")
        .actor(&s.json("eng-admin.json", &eng_admin()))
        .run();
    r.expect_code(0);
    assert_eq!(r.json()["request"], Value::Null);

    // Nor an attribute or a set the catalog does not define.
    let odd = json!({"id": "u9", "customSecurityAttributes": {
        "Marketing": rset(json!({"EmployeeId": "E1", "Legacy": "old"})),
        "Retired": rset(json!({"Old": "x"})),
        "Engineering": rset(json!({"NumVendors": 4}))}});
    let r = plan_json(&s, &odd, &json!({"Engineering": {"NumVendors": 4}}))
        .flag("--exclusive")
        .run();
    r.expect_code(0);
    let out = r.json();
    assert_eq!(
        out["request"],
        json!({"customSecurityAttributes": {"Marketing": {
            "@odata.type": REQUEST_SET_TYPE, "EmployeeId": null}}})
    );
    assert_eq!(
        out["customSecurityAttributes"],
        json!({"Marketing": rset(json!({"Legacy": "old"})),
               "Retired": rset(json!({"Old": "x"})),
               "Engineering": rset(json!({"NumVendors": 4}))})
    );
}

/// The `op` of each change.
fn codes_of_ops(changes: &Value) -> Vec<&str> {
    changes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["op"].as_str().unwrap())
        .collect()
}

#[test]
fn an_actor_scoped_to_one_set_cannot_plan_another() {
    let s = Scratch::new("scoped");
    let eng = s.json("eng-admin.json", &eng_admin());
    for (desired, pointer) in [
        (json!({"Marketing": {"EmployeeId": "X1"}}), "/Marketing"),
        (
            json!({"customSecurityAttributes": {"Marketing": {"EmployeeId": "X1"}}}),
            "/customSecurityAttributes/Marketing",
        ),
    ] {
        let r = plan_json(&s, &user(), &desired).actor(&eng).run();
        r.expect_code(1);
        let out = r.json();
        assert_eq!(out["allowed"], json!(false));
        assert_eq!(out["authorization"], "checked");
        assert_eq!(codes(&out["violations"]), ["permission_denied"]);
        assert_eq!(out["violations"][0]["pointer"], pointer);
        assert_eq!(out["violations"][0]["status"], 403);
        assert_eq!(
            out["violations"][0]["graphError"],
            "Authorization_RequestDenied"
        );
        assert!(out.get("request").is_none());
    }
    // Its own set it may plan; without an actor nothing is checked.
    let r = plan_json(&s, &user(), &json!({"Engineering": {"NumVendors": 3}}))
        .actor(&eng)
        .run();
    r.expect_code(0);
    let r = plan_json(&s, &user(), &json!({"Marketing": {"EmployeeId": "X1"}})).run();
    r.expect_code(0);
    assert_eq!(r.json()["authorization"], "not_checked");
}

// ---------------------------------------------------------------------------------------------
// --audit

#[test]
fn plan_audit_records_object_actor_and_changes_with_redacted_values_masked() {
    let s = Scratch::new("audit");
    let eng = s.json("eng-admin.json", &eng_admin());
    let redact = s.json("redact.json", &json!({"redactSets": ["Engineering"]}));
    let r = plan_documented(&s)
        .actor(&eng)
        .policy(&redact)
        .flag("--audit")
        .format("json")
        .run();
    r.expect_code(0);
    let out = r.json();
    // The plan itself is as without --audit.
    assert_eq!(out["request"], documented_request());
    assert_eq!(out["changes"], documented_changes());
    assert_eq!(
        out["audit"],
        json!({
            "object": {"id": "4a3b...", "kind": "user"},
            "actor": {"scopes": [{"role": AAA_NAME, "scope": "/attributeSets/Engineering"}]},
            "changes": [
                {"op": "replace", "attribute": "Engineering_Project", "attributeSet": "Engineering",
                 "name": "Project", "before": ["***", "***"], "after": ["***", "***", "***"]},
                {"op": "add", "attribute": "Engineering_NumVendors", "attributeSet": "Engineering",
                 "name": "NumVendors", "before": null, "after": "***"},
                {"op": "remove", "attribute": "Engineering_CostCenter", "attributeSet": "Engineering",
                 "name": "CostCenter", "before": ["***"], "after": null},
                {"op": "remove", "attribute": "Engineering_Certification", "attributeSet": "Engineering",
                 "name": "Certification", "before": "***", "after": null}
            ]
        })
    );
    // Every value in the audit record is the mask (or `null`: nothing held).
    for change in out["audit"]["changes"].as_array().unwrap() {
        for side in ["before", "after"] {
            let mut values = Vec::new();
            leaves(&change[side], &mut values);
            assert!(
                values.iter().all(|v| v.is_null() || *v == json!("***")),
                "a value in the audit record: {change}"
            );
        }
    }
    let audit_text = out["audit"].to_string();
    for value in ["Baker", "Cascade", "Alpine", "1001", "true", "\"8\"", ":8"] {
        assert!(
            !audit_text.contains(value),
            "{value} leaks into the audit record: {audit_text}"
        );
    }

    // Without the policy, the audit record has the values, as the changes do.
    let r = plan_json(&s, &user(), &desired())
        .actor(&eng)
        .flag("--audit")
        .run();
    r.expect_code(0);
    let out = r.json();
    assert_eq!(out["audit"]["changes"], out["changes"]);

    // Without an actor, the record says so with `null`; the text format has an `audit:` line.
    let r = plan_json(&s, &user(), &desired()).flag("--audit").run();
    r.expect_code(0);
    assert_eq!(r.json()["audit"]["actor"], Value::Null);
    assert_eq!(
        r.json()["audit"]["object"],
        json!({"id": "4a3b...", "kind": "user"})
    );
    let r = plan_documented(&s).flag("--audit").run();
    r.expect_code(0);
    let audit_line = r
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("audit: "))
        .unwrap_or_else(|| panic!("no audit line:\n{}", r.stdout));
    let audit: Value = serde_json::from_str(audit_line).unwrap();
    assert_eq!(audit["changes"], documented_changes());
}

#[test]
fn plan_audit_of_a_service_principal_and_of_an_empty_plan() {
    let s = Scratch::new("audit-kinds");
    let sp = json!({"id": "sp1", "@odata.type": "#microsoft.graph.servicePrincipal"});
    let r = plan_json(
        &s,
        &sp,
        &json!({"Engineering": {"ProjectDate": "2022-10-01"}}),
    )
    .flag("--audit")
    .run();
    r.expect_code(0);
    let out = r.json();
    assert_eq!(
        out["audit"]["object"],
        json!({"id": "sp1", "kind": "servicePrincipal"})
    );
    assert_eq!(out["audit"]["changes"], out["changes"]);
    assert_eq!(
        out["request"],
        example("assignments/A02-serviceprincipal-string.json")["request"]["body"]
    );
    // An accepted plan that changes nothing is still recorded, with no changes.
    let r = plan_json(&s, &user(), &user()).flag("--audit").run();
    r.expect_code(0);
    let out = r.json();
    assert_eq!(out["request"], Value::Null);
    assert_eq!(out["audit"]["changes"], json!([]));
}

#[test]
fn redaction_masks_values_in_refusals_so_none_reaches_stdout() {
    let s = Scratch::new("redact-refused");
    // Values only the desired state holds, in a redacted set.
    let policy = s.json("redact.json", &json!({"redactSets": ["Engineering"]}));
    let desired = json!({"Engineering": {"Project": ["Alpine", "Zanzibar-Secret"],
                                          "NumVendors": "Vendors-Secret"}});
    let r = plan_json(&s, &user(), &desired)
        .policy(&policy)
        .flag("--audit")
        .run();
    r.expect_code(1);
    let out = r.json();
    assert!(out.get("audit").is_none(), "no audit record on a refusal");
    assert_eq!(
        codes(&out["violations"]),
        ["type_mismatch", "value_not_predefined"]
    );
    for secret in ["Zanzibar-Secret", "Vendors-Secret"] {
        assert!(
            !r.stdout.contains(secret),
            "{secret} is on stdout:\n{}",
            r.stdout
        );
    }
    // The same refusal without the policy names the value (so the mask above is the policy's).
    let r = plan_json(&s, &user(), &desired).run();
    r.expect_code(1);
    assert!(r.stdout.contains("Zanzibar-Secret"));
}

#[test]
fn no_audit_on_a_refused_plan() {
    let s = Scratch::new("audit-refused");
    let r = plan_json(&s, &user(), &json!({"Engineering": invalid_engineering()}))
        .flag("--audit")
        .run();
    r.expect_code(1);
    assert!(r.json().get("audit").is_none());
    let r = plan_json(&s, &user(), &json!({"Marketing": {"EmployeeId": "X"}}))
        .actor(&s.json("eng.json", &eng_admin()))
        .flag("--audit")
        .run();
    r.expect_code(1);
    assert!(r.json().get("audit").is_none());
    // Nor in text.
    let r = csa(&["plan"])
        .catalog(&sample_catalog())
        .object(&s.path("object.json"))
        .desired(&s.path("desired.json"))
        .actor(&s.path("eng.json"))
        .flag("--audit")
        .run();
    r.expect_code(1);
    assert!(
        !r.stdout.lines().any(|l| l.starts_with("audit")),
        "{}",
        r.stdout
    );
}

#[test]
fn check_audit_adds_the_record_to_an_accepted_check_only() {
    let s = Scratch::new("check-audit");
    let object = s.json("user.json", &user());
    let eng = s.json("eng-admin.json", &eng_admin());
    let assign = s.json(
        "assign.json",
        &json!({"customSecurityAttributes": {"Engineering": {
            "@odata.type": REQUEST_SET_TYPE,
            "Project@odata.type": "#Collection(String)", "Project": ["Alpine", "Baker"],
            "NumVendors@odata.type": "#Int32", "NumVendors": 8}}}),
    );
    let check = || {
        csa(&["check"])
            .catalog(&sample_catalog())
            .object(&object)
            .actor(&eng)
            .patch(&assign)
            .format("json")
    };
    let plain = check().run();
    plain.expect_code(0);
    let plain = plain.json();
    assert!(plain.get("audit").is_none());
    let r = check().flag("--audit").run();
    r.expect_code(0);
    let out = r.json();
    let mut without = out.clone();
    without.as_object_mut().unwrap().remove("audit");
    assert_eq!(without, plain, "--audit only adds `audit`");
    assert_eq!(
        out["audit"],
        json!({
            "object": {"id": "4a3b...", "kind": "user"},
            "actor": {"scopes": [{"role": AAA_NAME, "scope": "/attributeSets/Engineering"}]},
            "changes": plain["changes"].clone()
        })
    );
    // Redacted.
    let r = check()
        .flag("--audit")
        .policy(&s.json("redact.json", &json!({"redactSets": ["engineering"]})))
        .run();
    r.expect_code(0);
    let audit = r.json()["audit"].clone();
    let change = |attribute: &str| {
        audit["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["attribute"] == attribute)
            .unwrap_or_else(|| panic!("no {attribute} in {audit}"))
            .clone()
    };
    assert_eq!(
        change("Engineering_Project")["before"],
        json!(["***", "***"])
    );
    assert_eq!(
        change("Engineering_Project")["after"],
        json!(["***", "***"])
    );
    assert_eq!(change("Engineering_NumVendors")["before"], Value::Null);
    assert_eq!(change("Engineering_NumVendors")["after"], "***");
    let mut found = Vec::new();
    strings(&audit, &mut found);
    assert!(
        !found.iter().any(|s| s == "Alpine" || s == "Baker"),
        "{audit}"
    );
    // A refused check has no record.
    let r = csa(&["check"])
        .catalog(&sample_catalog())
        .object(&object)
        .actor(&s.json("mkt.json", &actor(AAA_NAME, "/attributeSets/Marketing")))
        .patch(&assign)
        .format("json")
        .flag("--audit")
        .run();
    r.expect_code(1);
    assert!(r.json().get("audit").is_none());
}

// ---------------------------------------------------------------------------------------------
// --batch

/// `csa plan --batch` of `lines` (written as given, newline-terminated).
fn batch(s: &Scratch, lines: &[String]) -> Csa {
    let mut text = lines.join("\n");
    text.push('\n');
    csa(&["plan"])
        .catalog(&sample_catalog())
        .batch(&s.file("batch.jsonl", &text))
}

/// The single-object JSON output of `csa plan` for `object` and `desired`, with `extra` options.
fn single(s: &Scratch, object: &Value, desired: &Value, extra: &[&str]) -> Value {
    let mut cmd = plan_json(s, object, desired);
    for a in extra {
        cmd = cmd.flag(a);
    }
    // As a batch line shows it: its documents are parts of the line, with no places.
    without_positions(&cmd.run().json())
}

#[test]
fn batch_prints_one_line_per_line_and_goes_on_after_a_bad_one() {
    let s = Scratch::new("batch");
    let u2 = json!({"id": "u2", "customSecurityAttributes": null});
    let input = vec![
        batch_line(&user(), &desired()), // 1
        String::new(),                   // 2 (blank)
        "this is not json".to_owned(),   // 3
        batch_line(
            &u2,
            &json!({"Engineering": {"Project": ["Alpine", "Skagit"]}}),
        ), // 4
        "   ".to_owned(),                // 5 (blank)
        r#"{"object": {"id": "u3"}}"#.to_owned(), // 6
        batch_line(
            &json!({"customSecurityAttributes": null}),
            &json!({"Engineering": {"NumVendors": 1}}),
        ), // 7
        batch_line(
            &json!({"id": "u5", "customSecurityAttributes": 5}),
            &json!({}),
        ), // 8
        batch_line(&user(), &user()),    // 9
    ];
    let r = batch(&s, &input).run();
    r.expect_code(1);
    assert_eq!(r.stderr, "");
    let out = lines(&r);
    assert_eq!(out.len(), 7, "one line per non-blank line:\n{}", r.stdout);
    for line in &out {
        assert!(line.get("objectId").is_some(), "{line}");
    }
    let numbers: Vec<&Value> = out.iter().map(|l| &l["line"]).collect();
    assert_eq!(
        numbers,
        [1, 3, 4, 6, 7, 8, 9],
        "every line names its input line"
    );
    let ids: Vec<&Value> = out.iter().map(|l| &l["objectId"]).collect();
    assert_eq!(
        ids,
        [
            &json!("4a3b..."),
            &Value::Null,
            &json!("u2"),
            &Value::Null,
            &Value::Null,
            &json!("u5"),
            &json!("4a3b...")
        ]
    );

    // A planned line is the single-object output plus `line` and `objectId`.
    let strip = |line: &Value| {
        let mut l = line.clone();
        l.as_object_mut().unwrap().remove("objectId");
        l.as_object_mut().unwrap().remove("line");
        l
    };
    assert_eq!(strip(&out[0]), single(&s, &user(), &desired(), &[]));
    assert_eq!(out[0]["request"], documented_request());
    assert_eq!(
        strip(&out[2]),
        single(
            &s,
            &u2,
            &json!({"Engineering": {"Project": ["Alpine", "Skagit"]}}),
            &[]
        )
    );
    assert_eq!(out[2]["allowed"], json!(false));
    assert_eq!(codes(&out[2]["violations"]), ["value_not_predefined"]);
    assert_eq!(out[2]["violations"][0]["pointer"], "/Engineering/Project/1");
    assert_eq!(out[4]["allowed"], json!(true), "an object without id plans");
    assert_eq!(out[4]["changes"][0]["attribute"], "Engineering_NumVendors");
    assert_eq!(out[6]["allowed"], json!(true));
    assert_eq!(out[6]["request"], Value::Null);

    // Error lines: the line number in the file, what is wrong, and why.
    for (i, line_no, code) in [(1, 3, "invalid_json"), (3, 6, "invalid_shape")] {
        assert_eq!(
            keys(&out[i]),
            ["error", "line", "objectId", "violations"],
            "{}",
            out[i]
        );
        assert_eq!(out[i]["line"], line_no);
        assert_eq!(out[i]["error"], "invalid_line");
        assert_eq!(codes(&out[i]["violations"]), [code]);
        let hint = out[i]["violations"][0]["hint"].as_str().unwrap();
        assert!(
            hint.contains(r#"{"object": {...}, "desired": {...}}"#),
            "{hint}"
        );
    }
    assert_eq!(out[5]["line"], 8);
    assert_eq!(out[5]["error"], "invalid_object");
    assert_eq!(codes(&out[5]["violations"]), ["invalid_shape"]);
}

#[test]
fn batch_exits_0_when_every_line_was_planned() {
    let s = Scratch::new("batch-ok");
    let input = vec![
        batch_line(&user(), &desired()),
        batch_line(&user(), &user()),
        batch_line(
            &json!({"id": "sp", "@odata.type": "#microsoft.graph.servicePrincipal"}),
            &json!({"customSecurityAttributes": {"Engineering": {"ProjectDate": "2022-10-01"}}}),
        ),
    ];
    let r = batch(&s, &input).run();
    r.expect_code(0);
    let out = lines(&r);
    assert_eq!(out.len(), 3);
    assert!(out.iter().all(|l| l["allowed"] == json!(true)));
    assert_eq!(out[1]["request"], Value::Null);
    assert_eq!(
        out[2]["request"],
        example("assignments/A02-serviceprincipal-string.json")["request"]["body"]
    );
    // Standard input, and a last line without its newline.
    let r = csa(&["plan"])
        .catalog(&sample_catalog())
        .batch("-")
        .stdin(&input.join("\n"))
        .run();
    r.expect_code(0);
    assert_eq!(lines(&r), out);
    // An empty batch plans nothing and is no failure.
    let r = csa(&["plan"])
        .catalog(&sample_catalog())
        .batch(&s.file("empty.jsonl", "\n\n"))
        .run();
    r.expect_code(0);
    assert_eq!(r.stdout, "");
}

#[test]
fn batch_with_exclusive_actor_and_audit() {
    let s = Scratch::new("batch-opts");
    let engineering_only =
        json!({"Engineering": user()["customSecurityAttributes"]["Engineering"]});
    let input = vec![
        batch_line(&user(), &engineering_only),
        batch_line(&user(), &json!({"Marketing": {"EmployeeId": "X"}})),
        batch_line(&user(), &json!({"Engineering": {"NumVendors": 3}})),
    ];
    // Exclusive, no actor: Marketing removed on the first line.
    let r = batch(&s, &input[..1]).flag("--exclusive").run();
    r.expect_code(0);
    assert_eq!(
        lines(&r)[0]["request"],
        json!({"customSecurityAttributes": {"Marketing": {
            "@odata.type": REQUEST_SET_TYPE, "EmployeeId": null}}})
    );
    // An actor scoped to Engineering: the Marketing line is refused, the others planned.
    let eng = s.json("eng.json", &eng_admin());
    let redact = s.json("redact.json", &json!({"redactSets": ["Engineering"]}));
    let r = batch(&s, &input)
        .actor(&eng)
        .policy(&redact)
        .flag("--audit")
        .run();
    r.expect_code(1);
    let out = lines(&r);
    assert_eq!(out.len(), 3);
    assert_eq!(out[0]["request"], Value::Null);
    assert_eq!(codes(&out[1]["violations"]), ["permission_denied"]);
    assert!(out[1].get("audit").is_none(), "no audit on a refused line");
    assert_eq!(
        out[2]["audit"]["object"],
        json!({"id": "4a3b...", "kind": "user"})
    );
    assert_eq!(out[2]["audit"]["object"]["id"], out[2]["objectId"]);
    assert_eq!(
        out[2]["audit"]["actor"],
        json!({"scopes": [{"role": AAA_NAME, "scope": "/attributeSets/Engineering"}]})
    );
    assert_eq!(out[2]["audit"]["changes"][0]["after"], "***");
    assert_eq!(out[0]["audit"]["changes"], json!([]));
    // The same plan as one object at a time with the same options.
    let one = plan_json(&s, &user(), &json!({"Engineering": {"NumVendors": 3}}))
        .actor(&eng)
        .policy(&redact)
        .flag("--audit")
        .run()
        .json();
    let mut line = out[2].clone();
    line.as_object_mut().unwrap().remove("objectId");
    assert_eq!(line.as_object_mut().unwrap().remove("line"), Some(json!(3)));
    assert_eq!(line, one);
}

#[test]
fn batch_line_over_max_body_bytes_is_its_own_error_line() {
    let s = Scratch::new("batch-big");
    let policy = s.json("small.json", &json!({"maxBodyBytes": 300}));
    let small = batch_line(
        &json!({"id": "s1"}),
        &json!({"Engineering": {"NumVendors": 2}}),
    );
    let big = batch_line(
        &json!({"id": "big", "displayName": "x".repeat(400)}),
        &json!({"Engineering": {"NumVendors": 2}}),
    );
    assert!(small.len() < 300 && big.len() > 300);
    let r = batch(&s, &[small.clone(), big, small])
        .policy(&policy)
        .run();
    r.expect_code(1);
    let out = lines(&r);
    assert_eq!(out.len(), 3, "{}", r.stdout);
    assert_eq!(out[0]["allowed"], json!(true), "{}", out[0]);
    assert_eq!(out[2]["allowed"], json!(true), "{}", out[2]);
    assert_eq!(out[0]["objectId"], "s1");
    assert_eq!(out[1]["line"], 2);
    assert!(out[1].get("objectId").is_some());
    assert!(out[1].get("allowed").is_none());
    assert_eq!(out[1]["error"], "invalid_line");
    assert_eq!(codes(&out[1]["violations"]), ["payload_too_large"]);
    let message = out[1]["violations"][0]["message"].as_str().unwrap();
    assert!(message.contains("300"), "{message}");
}

#[test]
fn batch_line_of_many_mebibytes_is_skipped_and_the_next_line_planned() {
    // A 5 MiB line (5 × maxBodyBytes) with no JSON in it, between two good lines, and a last
    // line without a newline: the long line is one error line with its true length, read past
    // without being kept.
    let s = Scratch::new("batch-huge");
    let good = batch_line(
        &json!({"id": "g"}),
        &json!({"Engineering": {"NumVendors": 2}}),
    );
    let huge = "x".repeat(5 << 20);
    let text = format!("{good}\n{huge}\n{good}");
    let r = csa(&["plan"])
        .catalog(&sample_catalog())
        .batch(&s.file("batch.jsonl", &text))
        .run();
    r.expect_code(1);
    let out = lines(&r);
    assert_eq!(out.len(), 3, "{}", r.stdout);
    assert_eq!(out[0]["allowed"], json!(true));
    assert_eq!(out[2]["allowed"], json!(true));
    assert_eq!(out[1]["line"], 2);
    assert_eq!(codes(&out[1]["violations"]), ["payload_too_large"]);
    let message = out[1]["violations"][0]["message"].as_str().unwrap();
    assert!(message.contains(&(5 << 20).to_string()), "{message}");
}

#[test]
fn batch_line_of_exactly_max_body_bytes_is_planned() {
    // The bound is inclusive: a line of maxBodyBytes bytes (padded with spaces inside the JSON)
    // is planned, one byte more is refused.
    let s = Scratch::new("batch-exact");
    let line = batch_line(
        &json!({"id": "e"}),
        &json!({"Engineering": {"NumVendors": 2}}),
    );
    let max = 400;
    let policy = s.json("p.json", &json!({"maxBodyBytes": max}));
    let pad = |n: usize| format!("{{{}{}", " ".repeat(n - line.len()), &line[1..]);
    for (len, planned) in [(max, true), (max + 1, false)] {
        let text = pad(len);
        assert_eq!(text.len(), len);
        let r = batch(&s, &[text]).policy(&policy).run();
        let out = lines(&r);
        assert_eq!(out.len(), 1, "{}", r.stdout);
        assert_eq!(
            out[0].get("allowed").is_some(),
            planned,
            "{len}: {}",
            out[0]
        );
    }
}

// ---------------------------------------------------------------------------------------------
// apply

/// `csa apply` of the changes in `changes` (a JSON document) to `object`.
fn apply(s: &Scratch, object: &Value, changes: &Value) -> Csa {
    csa(&["apply"])
        .catalog(&sample_catalog())
        .object(&s.json("now.json", object))
        .changes(&s.json("changes.json", changes))
}

#[test]
fn apply_the_output_of_plan_to_the_unchanged_object() {
    let s = Scratch::new("apply-plan");
    let planned = plan_json(&s, &user(), &desired()).flag("--audit").run();
    planned.expect_code(0);
    let planned = planned.json();
    let r = apply(&s, &user(), &planned).format("json").run();
    r.expect_code(0);
    assert_eq!(r.stderr, "");
    let out = r.json();
    assert_eq!(out, json!({"customSecurityAttributes": documented_after()}));
    assert_eq!(
        out["customSecurityAttributes"],
        planned["customSecurityAttributes"]
    );

    // Planning again from the applied state: nothing to send.
    let mut now = user();
    now["customSecurityAttributes"] = out["customSecurityAttributes"].clone();
    let r = plan_json(&s, &now, &desired()).run();
    r.expect_code(0);
    assert_eq!(r.json()["request"], Value::Null);

    // docs/CLI.md's session, in text: a count, then one line per attribute in the object's order.
    let changes = plan_documented(&s).format("json").run();
    changes.expect_code(0);
    let r = csa(&["apply"])
        .catalog(&sample_catalog())
        .object(&s.file("user.json", USER_TEXT))
        .changes(&s.file("changes.json", &changes.stdout))
        .run();
    r.expect_code(0);
    assert_eq!(
        r.stdout,
        "applied (4 changes)\n\
         Marketing_EmployeeId: \"QN26904\"\n\
         Engineering_Project: [\"Cascade\",\"Baker\",\"Alpine\"]\n\
         Engineering_NumVendors: 8\n"
    );
}

#[test]
fn apply_the_output_of_check_and_a_bare_changes_array() {
    let s = Scratch::new("apply-check");
    let patch = example("assignments/A07-user-update-integer.json")["request"]["body"].clone();
    let before = json!({"id": "u7", "customSecurityAttributes": {
        "Engineering": rset(json!({"NumVendors": 4})),
        "Marketing": rset(json!({"EmployeeId": "E7"}))}});
    let checked = csa(&["check"])
        .catalog(&sample_catalog())
        .object(&s.json("before.json", &before))
        .patch(&s.json("patch.json", &patch))
        .flag("--audit")
        .format("json")
        .run();
    checked.expect_code(0);
    let checked = checked.json();
    let expected = json!({"customSecurityAttributes": {
        "Engineering": rset(json!({"NumVendors": 8})),
        "Marketing": rset(json!({"EmployeeId": "E7"}))}});
    for changes in [checked.clone(), checked["changes"].clone()] {
        let r = apply(&s, &before, &changes).format("json").run();
        r.expect_code(0);
        assert_eq!(r.json(), expected);
        assert_eq!(
            r.json()["customSecurityAttributes"],
            checked["customSecurityAttributes"]
        );
    }
    // No changes at all: the state as it is.
    let r = apply(&s, &before, &json!([])).format("json").run();
    r.expect_code(0);
    assert_eq!(
        r.json(),
        json!({"customSecurityAttributes": before["customSecurityAttributes"].clone()})
    );
}

#[test]
fn apply_to_an_object_changed_in_touched_attributes_is_one_conflict_each() {
    let s = Scratch::new("apply-conflict");
    let planned = plan_json(&s, &user(), &desired()).run().json();
    // Meanwhile an admin set Certification to false, Project to [Alpine] and NumVendors to 5.
    let now = user_with_engineering(|e| {
        e.insert("Certification".into(), json!(false));
        e.insert("Project".into(), json!(["Alpine"]));
        e.insert("NumVendors@odata.type".into(), json!("#Int32"));
        e.insert("NumVendors".into(), json!(5));
    });
    let r = apply(&s, &now, &planned).format("json").run();
    r.expect_code(1);
    assert_eq!(r.stderr, "");
    let out = r.json();
    assert_eq!(keys(&out), ["violations"]);
    assert_eq!(
        codes(&out["violations"]),
        ["conflict", "conflict", "conflict"]
    );
    let mut attributes: Vec<&str> = out["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["attribute"].as_str().unwrap())
        .collect();
    attributes.sort_unstable();
    assert_eq!(
        attributes,
        [
            "Engineering_Certification",
            "Engineering_NumVendors",
            "Engineering_Project"
        ]
    );
    for v in out["violations"].as_array().unwrap() {
        assert_eq!(v["status"], 412, "{v}");
        assert_eq!(v["graphError"], "Request_PreconditionFailed");
        let name = v["attribute"]
            .as_str()
            .unwrap()
            .trim_start_matches("Engineering_");
        assert_eq!(
            v["pointer"],
            format!("/customSecurityAttributes/Engineering/{name}")
        );
    }
    let certification = out["violations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["attribute"] == "Engineering_Certification")
        .unwrap();
    assert_eq!(
        certification["message"],
        "`Engineering_Certification` is not what the changes were computed from: expected `true`, found `false`"
    );

    // One mismatch, in text.
    let now = user_with_engineering(|e| {
        e.insert("Certification".into(), json!(false));
    });
    let r = apply(&s, &now, &planned).run();
    r.expect_code(1);
    assert_eq!(
        r.stdout.lines().collect::<Vec<_>>()[..2],
        [
            "refused (1 violation)",
            "error: conflict: `Engineering_Certification` is not what the changes were computed from: expected `true`, found `false`"
        ]
    );

    // A concurrent removal of a touched attribute is a conflict too.
    let now = user_with_engineering(|e| {
        e.remove("CostCenter");
        e.remove("CostCenter@odata.type");
    });
    let r = apply(&s, &now, &planned).format("json").run();
    r.expect_code(1);
    assert_eq!(codes(&r.json()["violations"]), ["conflict"]);
    assert_eq!(
        r.json()["violations"][0]["attribute"],
        "Engineering_CostCenter"
    );
}

#[test]
fn apply_keeps_concurrent_changes_to_untouched_attributes_and_ignores_order() {
    let s = Scratch::new("apply-untouched");
    let planned = plan_json(&s, &user(), &desired()).run().json();
    let mut now = user_with_engineering(|e| {
        e.insert("Project".into(), json!(["Cascade", "Baker"])); // order only
        e.insert("ProjectDate".into(), json!("2030-01-01")); // untouched
    });
    now["customSecurityAttributes"]["Marketing"]["EmployeeId"] = json!("NEW-ID"); // untouched
    let r = apply(&s, &now, &planned).format("json").run();
    r.expect_code(0);
    let out = r.json();
    assert_eq!(
        out["customSecurityAttributes"]["Marketing"]["EmployeeId"],
        "NEW-ID"
    );
    assert_eq!(
        out["customSecurityAttributes"]["Engineering"]["ProjectDate"],
        "2030-01-01"
    );
    assert_eq!(
        out["customSecurityAttributes"]["Engineering"]["Project"],
        json!(["Cascade", "Baker", "Alpine"])
    );
    assert!(out["customSecurityAttributes"]["Engineering"]
        .get("Certification")
        .is_none());
}

#[test]
fn apply_conflicts_on_redacted_sets_say_what_kind_of_value_not_which() {
    let s = Scratch::new("apply-redact");
    let planned = plan_json(&s, &user(), &desired()).run().json();
    let now = user_with_engineering(|e| {
        e.insert("Project".into(), json!(["Concurrent-Secret"]));
    });
    let r = apply(&s, &now, &planned)
        .policy(&s.json("redact.json", &json!({"redactSets": ["Engineering"]})))
        .format("json")
        .run();
    r.expect_code(1);
    assert_eq!(codes(&r.json()["violations"]), ["conflict"]);
    for value in ["Concurrent-Secret", "Baker", "Cascade"] {
        assert!(
            !r.stdout.contains(value),
            "{value} on stdout:\n{}",
            r.stdout
        );
    }
    let r = apply(&s, &now, &planned)
        .policy(&s.path("redact.json"))
        .run();
    r.expect_code(1);
    for value in ["Concurrent-Secret", "Baker", "Cascade"] {
        assert!(
            !r.stdout.contains(value),
            "{value} on stdout:\n{}",
            r.stdout
        );
    }
}

#[test]
fn apply_of_a_document_that_is_not_changes_is_an_input_error() {
    let s = Scratch::new("apply-bad");
    let refused = plan_json(&s, &user(), &json!({"Engineering": invalid_engineering()}))
        .run()
        .json();
    assert_eq!(refused["allowed"], json!(false));
    for changes in [
        json!({"foo": 1}),
        json!("changes"),
        json!(42),
        json!({"changes": 5}),
        json!([{"op": "add"}, 5]),
        refused,
        user(),
    ] {
        let r = apply(&s, &user(), &changes).format("json").run();
        r.expect_input_error();
        assert!(
            r.stderr.starts_with("csa: invalid changes file `"),
            "{}",
            r.stderr
        );
    }
    // Not JSON at all.
    let r = csa(&["apply"])
        .catalog(&sample_catalog())
        .object(&s.json("u.json", &user()))
        .changes(&s.file("text.json", "allowed: yes"))
        .run();
    r.expect_input_error();
    // Over maxBodyBytes.
    let planned = plan_json(&s, &user(), &desired()).run().json();
    let r = apply(&s, &user(), &planned)
        .policy(&s.json("small.json", &json!({"maxBodyBytes": 100})))
        .run();
    r.expect_input_error();
    // A file that is not there.
    let r = csa(&["apply"])
        .catalog(&sample_catalog())
        .object(&s.path("u.json"))
        .changes(&s.path("nowhere.json"))
        .run();
    r.expect_input_error();
    assert!(
        r.stderr.contains("cannot read the changes file"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// Usage errors

#[test]
fn usage_errors_exit_2_with_nothing_on_stdout() {
    let s = Scratch::new("usage");
    let object = s.json("user.json", &user());
    let desired = s.json("desired.json", &desired());
    let lines = s.file(
        "batch.jsonl",
        &format!("{}\n", batch_line(&user(), &self::desired())),
    );
    let plan = || csa(&["plan"]).catalog(&sample_catalog());
    for cmd in [
        plan().object(&object),               // no --desired
        plan().desired(&desired),             // no --object
        plan(),                               // neither
        plan().object(&object).batch(&lines), // --object with --batch
        plan().object(&object).desired(&desired).batch(&lines),
        plan().batch(&lines).format("json"), // --batch with --format
        plan().batch(&lines).format("text"),
        plan().object(&object).desired(&desired).format("graph"),
        plan().object("-").desired("-"), // two FILEs as `-`
        plan().object(&object).desired(&s.path("nowhere.json")),
        plan().batch(&s.path("nowhere.jsonl")),
        plan().object(&object).desired(&desired).actor(&s.file(
            "bad-actor.json",
            r#"{"roleAssignments": [{"roleDefinitionId": "x"}]}"#,
        )),
        plan()
            .object(&object)
            .desired(&desired)
            .policy(&s.file("bad-policy.json", r#"{"maxBodyBytes": "big"}"#)),
        plan()
            .object(&s.file("bad-object.json", "[]"))
            .desired(&desired),
        csa(&["apply"]).catalog(&sample_catalog()).object(&object), // no --changes
        csa(&["apply"])
            .catalog(&sample_catalog())
            .object(&object)
            .changes(&desired)
            .format("graph"),
    ] {
        let r = cmd.stdin("").run();
        r.expect_input_error();
        assert!(r.stderr.starts_with("csa: "), "{:?}: {}", r.args, r.stderr);
    }
    let r = plan().object(&object).run();
    assert!(r.stderr.contains("usage error"), "{}", r.stderr);
    let r = plan().batch(&lines).format("json").run();
    assert!(r.stderr.contains("--format"), "{}", r.stderr);
    let r = plan().object(&object).batch(&lines).run();
    assert!(r.stderr.contains("--batch"), "{}", r.stderr);
}

#[test]
fn plan_keeps_a_held_inactive_value_and_refuses_a_change_to_a_deprecated_attribute() {
    let s = Scratch::new("inactive");
    // The sample catalog with Alpine deactivated and NumVendors deprecated.
    let mut catalog: Value =
        serde_json::from_str(&std::fs::read_to_string(sample_catalog()).unwrap()).unwrap();
    for d in catalog["customSecurityAttributeDefinitions"]["value"]
        .as_array_mut()
        .unwrap()
    {
        if d["id"] == "Engineering_Project" {
            d["allowedValues"][0] = json!({"id": "Alpine", "isActive": false});
        }
        if d["id"] == "Engineering_NumVendors" {
            d["status"] = json!("Deprecated");
        }
    }
    let catalog = s.json("catalog.json", &catalog);
    let object = s.json(
        "object.json",
        &json!({"id": "i1", "customSecurityAttributes": {"Engineering": {
            "Project": ["Alpine"], "NumVendors": 3}}}),
    );
    let plan = |desired: Value| {
        csa(&["plan"])
            .catalog(&catalog)
            .object(&object)
            .desired(&s.json("desired.json", &desired))
            .format("json")
            .run()
    };
    // Alpine is held already: keeping it is no new use of an inactive value.
    let r = plan(json!({"Engineering": {"Project": ["Alpine", "Baker"], "NumVendors": 3}}));
    r.expect_code(0);
    assert_eq!(
        r.json()["request"],
        json!({"customSecurityAttributes": {"Engineering": {
            "@odata.type": REQUEST_SET_TYPE,
            "Project@odata.type": "#Collection(String)", "Project": ["Alpine", "Baker"]}}})
    );
    // A deprecated attribute may be removed (a set's missing attribute)...
    let r = plan(json!({"Engineering": {"Project": ["Alpine"]}}));
    r.expect_code(0);
    assert_eq!(
        r.json()["request"],
        json!({"customSecurityAttributes": {"Engineering": {
            "@odata.type": REQUEST_SET_TYPE, "NumVendors": null}}})
    );
    // ...but not changed; an inactive value newly wanted is refused.
    let r = plan(json!({"Engineering": {"Project": ["Alpine"], "NumVendors": 4}}));
    r.expect_code(1);
    assert_eq!(codes(&r.json()["violations"]), ["attribute_deactivated"]);
    assert_eq!(
        r.json()["violations"][0]["pointer"],
        "/Engineering/NumVendors"
    );
    let object2 = s.json("object2.json", &json!({"id": "i2"}));
    let r = csa(&["plan"])
        .catalog(&catalog)
        .object(&object2)
        .desired(&s.json("d2.json", &json!({"Engineering": {"Project": ["Alpine"]}})))
        .format("json")
        .run();
    r.expect_code(1);
    assert_eq!(
        r.json()["violations"][0]["pointer"],
        "/Engineering/Project/0"
    );
}

#[test]
fn apply_refuses_an_audit_record_and_changes_the_catalog_does_not_allow() {
    let s = Scratch::new("apply-catalog");
    // An audit record (values masked) is not a changes document.
    let planned = plan_json(&s, &user(), &desired())
        .flag("--audit")
        .policy(&s.json("redact.json", &json!({"redactSets": ["Engineering"]})))
        .run()
        .json();
    let r = apply(&s, &user(), &planned["audit"]).run();
    r.expect_input_error();
    // Hand-edited changes: a value of the wrong type, an attribute the catalog lacks.
    let change = |attribute: &str, set: &str, name: &str, after: Value| {
        json!({"allowed": true, "changes": [{"op": "add", "attribute": attribute,
            "attributeSet": set, "name": name, "before": null, "after": after}]})
    };
    let fresh = json!({"id": "u9"});
    for (changes, code) in [
        (
            change(
                "Engineering_NumVendors",
                "Engineering",
                "NumVendors",
                json!("eight"),
            ),
            "type_mismatch",
        ),
        (
            change(
                "Engineering_Project",
                "Engineering",
                "Project",
                json!("Alpine"),
            ),
            "type_mismatch",
        ),
        (
            change("Engineering_Nope", "Engineering", "Nope", json!("x")),
            "unknown_attribute",
        ),
        (
            change("Nope_Project", "Nope", "Project", json!("x")),
            "unknown_attribute_set",
        ),
    ] {
        let r = apply(&s, &fresh, &changes).format("json").run();
        r.expect_code(1);
        assert_eq!(codes(&r.json()["violations"]), [code], "{changes}");
    }
    // Names are put in catalog casing.
    let r = apply(
        &s,
        &fresh,
        &change(
            "engineering_numvendors",
            "engineering",
            "numvendors",
            json!(8),
        ),
    )
    .format("json")
    .run();
    r.expect_code(0);
    assert_eq!(
        r.json()["customSecurityAttributes"]["Engineering"]["NumVendors"],
        json!(8)
    );
}

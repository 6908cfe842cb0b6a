//! The output contract: `docs/schema/` holds a JSON Schema (draft 2020-12) for every document csa
//! prints and reads. The schemas are loaded from that folder into one registry, by their `$id`,
//! and resolve their `$ref`s there, offline. Here: every schema is valid and says what it is; the
//! library's real outputs and the shipped input files validate; broken documents do not; the code
//! enums are the library's codes. The command line's outputs (every docs/CLI.md and README
//! session) are validated in `cli::cli_docs`.
// clippy.toml allows these in `#[test]` functions; the helpers here are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use csa::{Code, Policy, WarningCode};
use serde_json::{json, Value as Json};

use crate::common::*;

/// Where every schema's `$id` lives: an identifier, not an address (`.invalid` never resolves).
pub const BASE: &str = "https://entra-csa.invalid/schema/";

/// The schemas there must be, one per document.
const SCHEMAS: [&str; 21] = [
    "common.json",
    "input-error.json",
    "check.json",
    "check-batch.json",
    "audit.json",
    "plan.json",
    "view.json",
    "lint.json",
    "define.json",
    "evolve.json",
    "search.json",
    "filter.json",
    "apply.json",
    "graph.json",
    "catalog.json",
    "object.json",
    "actor.json",
    "policy.json",
    "changes.json",
    "desired.json",
    "body.json",
];

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema")
}

/// Every schema file, by file name.
fn schema_files() -> &'static Vec<(String, Json)> {
    static FILES: OnceLock<Vec<(String, Json)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut files: Vec<(String, Json)> = std::fs::read_dir(schema_dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| {
                let name = p.file_name().unwrap().to_str().unwrap().to_owned();
                let text = std::fs::read_to_string(&p).unwrap();
                let json = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("docs/schema/{name} is not JSON: {e}"));
                (name, json)
            })
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
    })
}

fn schema(name: &str) -> &'static Json {
    schema_files()
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, s)| s)
        .unwrap_or_else(|| panic!("docs/schema/{name} does not exist"))
}

/// All the schemas, by `$id`: `$ref`s between them resolve here, and nowhere else.
fn registry() -> &'static jsonschema::Registry<'static> {
    static REGISTRY: OnceLock<jsonschema::Registry<'static>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let pairs = schema_files()
            .iter()
            .map(|(name, s)| (format!("{BASE}{name}"), s));
        jsonschema::Registry::new()
            .extend(pairs)
            .unwrap()
            .prepare()
            .unwrap()
    })
}

fn validator(name: &str) -> jsonschema::Validator {
    jsonschema::options()
        .with_registry(registry())
        .offline()
        .build(schema(name))
        .unwrap_or_else(|e| panic!("docs/schema/{name} does not compile: {e}"))
}

/// Why `document` does not match the schema `name` (each error with where), or `None`.
pub fn schema_errors(name: &str, document: &Json) -> Option<String> {
    let v = validator(name);
    let errors: Vec<String> = v
        .iter_errors(document)
        .map(|e| format!("  at `{}`: {e}", e.instance_path()))
        .collect();
    (!errors.is_empty()).then(|| errors.join("\n"))
}

/// Panics, saying what and why, unless `document` matches the schema `name`.
#[track_caller]
pub fn assert_matches(name: &str, what: &str, document: &Json) {
    if let Some(errors) = schema_errors(name, document) {
        panic!(
            "{what} does not match docs/schema/{name}:\n{errors}\n{}",
            serde_json::to_string_pretty(document).unwrap()
        );
    }
}

#[track_caller]
fn assert_refused(name: &str, what: &str, document: &Json) {
    assert!(
        schema_errors(name, document).is_some(),
        "docs/schema/{name} accepts {what}:\n{document}"
    );
}

// ---------------------------------------------------------------------------------------------
// (a) The schemas themselves

#[test]
fn every_schema_is_a_valid_draft_2020_12_schema_that_says_what_it_is() {
    let names: BTreeSet<&str> = schema_files().iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, SCHEMAS.into_iter().collect::<BTreeSet<_>>());
    let index = std::fs::read_to_string(schema_dir().join("README.md")).unwrap();
    for name in SCHEMAS {
        assert!(
            index.contains(&format!("`{name}`")),
            "docs/schema/README.md does not list {name}"
        );
    }
    for (name, s) in schema_files() {
        if let Err(e) = jsonschema::meta::validate(s) {
            panic!("docs/schema/{name} is not a valid schema: {e}");
        }
        assert_eq!(
            s["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        assert_eq!(s["$id"], format!("{BASE}{name}"), "{name}");
        for key in ["title", "description"] {
            assert!(
                s[key].as_str().is_some_and(|t| !t.is_empty()),
                "docs/schema/{name} has no {key}"
            );
        }
        // Compiling resolves every `$ref`, offline: a reference to nothing fails here.
        validator(name);
    }
}

/// The enum of `common.json`'s `$defs/NAME`.
fn common_enum(name: &str) -> BTreeSet<String> {
    schema("common.json")["$defs"][name]["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("common.json has no enum {name}"))
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_code_enums_are_the_library_codes() {
    let codes: BTreeSet<String> = Code::ALL.iter().map(|c| c.as_str().to_owned()).collect();
    assert_eq!(common_enum("violationCode"), codes);
    let warnings: BTreeSet<String> = WarningCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    assert_eq!(common_enum("warningCode"), warnings);
    // A violation's status and Graph error are its code's, and only those.
    let violation = jsonschema::options()
        .with_registry(registry())
        .offline()
        .build(&json!({"$ref": format!("{BASE}common.json#/$defs/violation")}))
        .unwrap();
    for code in Code::ALL {
        let mut v = json!({"code": code.as_str(), "pointer": "", "attribute": null,
                           "message": "m", "hint": null, "status": code.status(),
                           "graphError": code.graph_error()});
        assert!(violation.is_valid(&v), "{code}: {v}");
        v["status"] = json!(if code.status() == 400 { 403 } else { 400 });
        assert!(!violation.is_valid(&v), "{code} with another status: {v}");
        v["status"] = json!(code.status());
        v["graphError"] = json!(if code.graph_error() == "Request_BadRequest" {
            "Request_UnsupportedQuery"
        } else {
            "Request_BadRequest"
        });
        assert!(
            !violation.is_valid(&v),
            "{code} with another Graph error: {v}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// (b) Real documents match

/// Each input file csa ships, with the schema it is read by.
fn shipped_inputs() -> Vec<(String, &'static str, Json)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = Vec::new();
    let mut add = |path: &str, schema: &'static str| {
        let text =
            std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        if path.ends_with(".jsonl") {
            for (n, line) in text.lines().enumerate() {
                let line: Json = serde_json::from_str(line).unwrap();
                if schema == "batch" {
                    inputs.push((
                        format!("{path}:{} object", n + 1),
                        "object.json",
                        line["object"].clone(),
                    ));
                    if !line["desired"].is_null() {
                        inputs.push((
                            format!("{path}:{} desired", n + 1),
                            "desired.json",
                            line["desired"].clone(),
                        ));
                    }
                } else {
                    inputs.push((format!("{path}:{}", n + 1), schema, line));
                }
            }
        } else {
            inputs.push((
                path.to_owned(),
                schema,
                serde_json::from_str(&text).unwrap(),
            ));
        }
    };
    for f in ["sample-catalog", "catalog-v1", "catalog-v2"] {
        add(&format!("docs/examples/{f}.json"), "catalog.json");
    }
    add(
        "tests/data/graph-examples/sample-catalog.json",
        "catalog.json",
    );
    add("src/bin/csa/demo/sample-catalog.json", "catalog.json");
    for f in ["user", "user-now", "synced"] {
        add(&format!("docs/examples/{f}.json"), "object.json");
    }
    add("docs/examples/users.jsonl", "object.json");
    add("docs/examples/tenant.jsonl", "object.json");
    add("docs/examples/batch.jsonl", "batch");
    for f in ["eng-admin", "eng-definer", "mkt-reader"] {
        add(&format!("docs/examples/{f}.json"), "actor.json");
    }
    for f in ["engineering-admin", "global-admin"] {
        add(&format!("src/bin/csa/demo/{f}.json"), "actor.json");
    }
    add("docs/examples/redact.json", "policy.json");
    add("docs/examples/changes.json", "changes.json");
    add("docs/examples/changes.json", "check.json");
    add("docs/examples/desired.json", "desired.json");
    add("docs/examples/assign.json", "body.json");
    for f in [
        "A01-user-string",
        "A03-user-multistring",
        "A04-user-integer",
        "A07-user-update-integer",
        "A09-user-update-multistring",
        "A10-user-remove-single",
        "A11-user-remove-multi",
    ] {
        add(&format!("src/bin/csa/demo/{f}.json"), "body.json");
    }
    inputs
}

#[test]
fn every_shipped_input_file_matches_its_schema() {
    let inputs = shipped_inputs();
    assert!(inputs.len() > 20, "{} inputs", inputs.len());
    for (what, name, document) in &inputs {
        assert_matches(name, what, document);
    }
}

/// The documented PATCH bodies (Microsoft's examples) match body.json; the body Graph refused for
/// its empty string does not.
#[test]
fn the_documented_bodies_match_and_the_refused_one_does_not() {
    let bodies = examples_in("assignments");
    assert_eq!(bodies.len(), 11);
    for (name, example) in &bodies {
        assert_matches("body.json", name, &example["request"]["body"]);
    }
    let x05 = read_json("errors/X05-observed-empty-string.json");
    assert_refused("body.json", "X05's empty string", &x05["request"]["body"]);
    let set = |members: Json| {
        let mut set = json!({"@odata.type": REQUEST_SET_TYPE});
        set.as_object_mut()
            .unwrap()
            .extend(members.as_object().unwrap().clone());
        json!({"customSecurityAttributes": {"Engineering": set}})
    };
    assert_matches(
        "body.json",
        "removals, an ignored property, a lowercase annotation",
        &set(
            json!({"Project": [], "Site": null, "x@y": 1, "@odata.etag": "e",
                    "NumVendors@odata.type": "int32", "NumVendors": 4}),
        ),
    );
    for (what, body) in [
        (
            "a set without @odata.type",
            json!({"customSecurityAttributes": {"Engineering": {"Site": "Oslo"}}}),
        ),
        (
            "an unknown annotation",
            set(json!({"Site@odata.type": "#String", "Site": "Oslo"})),
        ),
        (
            "a value of 65 characters",
            set(json!({"Site": "x".repeat(65)})),
        ),
        (
            "a repeated value",
            set(json!({"Project": ["Alpine", "Alpine"]})),
        ),
        (
            "51 values",
            set(json!({"Project": (0..51).map(|i| format!("v{i}")).collect::<Vec<_>>()})),
        ),
        (
            "an integer beyond Int32",
            set(json!({"NumVendors": 2_147_483_648_i64})),
        ),
        ("an object value", set(json!({"Site": {"city": "Oslo"}}))),
        ("a mixed collection", set(json!({"Project": ["Alpine", 1]}))),
    ] {
        assert_refused("body.json", what, &body);
    }
}

#[test]
fn the_deliberately_broken_example_inputs_do_not_match() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples");
    let read = |f: &str| -> Json {
        serde_json::from_str(&std::fs::read_to_string(root.join(f)).unwrap()).unwrap()
    };
    // A multi-valued Boolean definition; a role assignment without its scope.
    assert_refused(
        "catalog.json",
        "bad-catalog.json",
        &read("bad-catalog.json"),
    );
    assert_refused("actor.json", "bad-actor.json", &read("bad-actor.json"));
    assert_refused(
        "policy.json",
        "an unknown knob",
        &json!({"allowSynced": true}),
    );
    assert_matches(
        "policy.json",
        "every knob",
        &json!({"allowSyncedObjects": true, "objectTypes": ["user", "device"],
                "maxBodyBytes": 10, "maxCatalogBytes": 10, "strictAnnotations": false,
                "requireCustomSecurityAttributes": true, "redactSets": ["Engineering"]}),
    );
}

/// Every documented assignment example, checked by the library with and without an actor and an
/// audit record, refused under a policy that refuses it: each output matches check.json.
#[test]
fn the_library_outputs_for_the_documented_examples_match() {
    let engine = engine();
    let redacting = Policy::from_json(br#"{"redactSets": ["Engineering"]}"#).unwrap();
    let mut checked = 0;
    for (_, example) in examples_in("assignments") {
        let id = example_id(&example);
        let body = request_body(&example);
        let before = assignment_example_before(id);
        let object = user_with(before);
        for actor in [None, Some(tenant_admin()), Some(tenant_reader())] {
            let outcome = engine.evaluate(&object, actor.as_ref(), &body);
            let mut document = serde_json::to_value(&outcome).unwrap();
            assert_matches("check.json", &format!("{id} check"), &document);
            assert_matches("plan.json", &format!("{id} as a plan"), &document);
            for policy in [Policy::default(), redacting.clone()] {
                if let Some(audit) = outcome.audit(&object, actor.as_ref(), &policy) {
                    let audit = audit.to_json();
                    assert_matches("audit.json", &format!("{id} audit"), &audit);
                    document["audit"] = audit;
                    assert_matches("check.json", &format!("{id} check --audit"), &document);
                }
            }
            checked += 1;
        }
        let synced = csa::Object::from_json(br#"{"onPremisesSyncEnabled": true}"#).unwrap();
        let refused = serde_json::to_value(engine.evaluate(&synced, None, &body)).unwrap();
        assert_eq!(refused["allowed"], false, "{id}");
        assert_matches("check.json", &format!("{id} refused"), &refused);
    }
    assert!(checked >= 33, "{checked}");
}

/// Inputs csa cannot use: each reader's error, serialised, is the document input-error.json
/// describes (what `--format json` prints for an invalid catalog); `csa lint` reports the same
/// catalog as lint.json describes.
#[test]
fn the_library_input_errors_match() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples");
    let read = |f: &str| std::fs::read(root.join(f)).unwrap();
    let errors = [
        (
            "bad-catalog.json",
            csa::Catalog::from_json(&read("bad-catalog.json")).err(),
        ),
        (
            "bad-actor.json",
            csa::Actor::from_json(&read("bad-actor.json")).err(),
        ),
        (
            "a policy with an unknown knob",
            csa::Policy::from_json(br#"{"allowSynced": true}"#).err(),
        ),
        (
            "an object list with a bad line",
            csa::Object::list_from_json(b"{}\n[1]\n").err(),
        ),
    ];
    for (what, error) in errors {
        let error = error.unwrap_or_else(|| panic!("{what} was read"));
        assert_matches(
            "input-error.json",
            what,
            &serde_json::to_value(&error).unwrap(),
        );
    }
    let lint = csa::Catalog::lint(&read("bad-catalog.json"), &Policy::default());
    assert_matches(
        "lint.json",
        "bad-catalog.json linted",
        &serde_json::to_value(&lint).unwrap(),
    );
    let lint = csa::Catalog::lint(&read("sample-catalog.json"), &Policy::default());
    assert_matches(
        "lint.json",
        "sample-catalog.json linted",
        &serde_json::to_value(&lint).unwrap(),
    );
}

// ---------------------------------------------------------------------------------------------
// (c) Broken documents do not

#[test]
fn broken_outputs_do_not_match() {
    let refused = json!({
        "allowed": false,
        "authorization": "not_checked",
        "violations": [{
            "code": "value_not_predefined", "pointer": "/customSecurityAttributes/Engineering/Project/0",
            "attribute": "Engineering_Project", "message": "`alpine` is not a predefined value",
            "hint": "values are case-sensitive: did you mean `Alpine`?", "status": 400,
            "graphError": "Request_BadRequest"
        }],
        "warnings": []
    });
    assert_matches("check.json", "a refusal", &refused);
    let mut with_position = refused.clone();
    with_position["violations"][0]["line"] = json!(3);
    with_position["violations"][0]["column"] = json!(17);
    with_position["violations"][0]["offset"] = json!(0);
    assert_matches(
        "check.json",
        "a violation with its position",
        &with_position,
    );

    let broken = |edit: fn(&mut Json)| {
        let mut d = refused.clone();
        edit(&mut d);
        d
    };
    for (what, document) in [
        (
            "a check without `violations`",
            broken(|d| {
                d.as_object_mut().unwrap().remove("violations");
            }),
        ),
        (
            "`allowed` as a string",
            broken(|d| d["allowed"] = json!("false")),
        ),
        (
            "an unknown code",
            broken(|d| d["violations"][0]["code"] = json!("value_not_allowed")),
        ),
        (
            "an extra property in a violation",
            broken(|d| d["violations"][0]["severity"] = json!("error")),
        ),
        (
            "an extra property in the document",
            broken(|d| d["changes"] = json!([])),
        ),
        (
            "a refusal without a violation",
            broken(|d| d["violations"] = json!([])),
        ),
        ("line 0", broken(|d| d["violations"][0]["line"] = json!(0))),
        (
            "a negative offset",
            broken(|d| d["violations"][0]["offset"] = json!(-1)),
        ),
        (
            "an unknown status",
            broken(|d| d["violations"][0]["status"] = json!(500)),
        ),
        (
            "an unknown authorization",
            broken(|d| d["authorization"] = json!("maybe")),
        ),
        (
            "a warning with an unknown code",
            broken(|d| {
                d["warnings"] =
                    json!([{"code": "odd", "pointer": "", "attribute": null, "message": "m"}]);
            }),
        ),
    ] {
        assert_refused("check.json", what, &document);
    }

    let accepted = json!({
        "allowed": true, "authorization": "checked", "changes": [], "warnings": [],
        "customSecurityAttributes": null,
        "request": {"customSecurityAttributes": {}}
    });
    assert_matches("check.json", "an accepted check", &accepted);
    let mut no_request = accepted.clone();
    no_request.as_object_mut().unwrap().remove("request");
    assert_refused(
        "check.json",
        "an accepted check without `request`",
        &no_request,
    );
    let mut bad_change = accepted.clone();
    bad_change["changes"] = json!([{"op": "add", "attribute": "Engineering_Site",
        "attributeSet": "Engineering", "name": "Site", "before": "Oslo", "after": "Bergen"}]);
    assert_refused("check.json", "an `add` with a value before", &bad_change);
    assert_refused(
        "view.json",
        "a view with an extra key",
        &json!({"customSecurityAttributes": null, "x": 1}),
    );
    assert_refused(
        "lint.json",
        "an invalid catalog without violations",
        &json!({"valid": false, "violations": [], "warnings": []}),
    );
    assert_refused(
        "graph.json",
        "a 204 with a body",
        &json!({"status": 204, "body": {}}),
    );
    assert_refused(
        "input-error.json",
        "an unknown input error",
        &json!({"error": "invalid_mood", "violations": []}),
    );
}

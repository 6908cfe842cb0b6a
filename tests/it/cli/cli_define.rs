//! `csa define` and `csa evolve` as a user runs them: files and standard input in, text or JSON
//! out, exit codes 0 / 1 / 2. Inputs are the documented Graph definition examples.
// clippy.toml allows these in `#[test]` functions; the helpers here are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use serde_json::{json, Value};

use super::harness::*;
use crate::common::{definition_mut, sample_catalog_json, values_mut, ADA};

// ---------------------------------------------------------------------------------------------
// Definition examples, catalogs, actors and objects (the harness is tests/it/cli/harness.rs)

const DEFS: &str = "/directory/customSecurityAttributeDefinitions";

/// A documented definition example (`D10-...json`).
fn definition_example(file: &str) -> Value {
    example(&format!("definitions/{file}"))
}

/// `csa define` with a documented example's method, URL and (strict JSON) body, on `catalog`.
fn define_documented(s: &Scratch, file: &str, catalog: &str) -> Csa {
    let request = definition_example(file)["request"].clone();
    let cmd = csa(&["define"])
        .catalog(catalog)
        .method(request["method"].as_str().unwrap())
        .path(request["url"].as_str().unwrap());
    if request["body"].is_null() {
        cmd
    } else {
        cmd.body(&s.json(&format!("{file}.body"), &request["body"]))
    }
}

/// The sample catalog as JSON, edited.
fn sample_with(edit: impl FnOnce(&mut Value)) -> Value {
    let mut c = sample_catalog_json();
    edit(&mut c);
    c
}

/// The sample catalog without the allowed value Alpine of Engineering_Project (D16's state).
fn without_alpine() -> Value {
    sample_with(|c| values_mut(c, "Engineering_Project").retain(|v| v["id"] != json!("Alpine")))
}

/// The sample catalog without the Engineering set and its definitions (D01's state).
fn without_engineering() -> Value {
    sample_with(|c| {
        c["attributeSets"]["value"]
            .as_array_mut()
            .unwrap()
            .retain(|s| s["id"] != json!("Engineering"));
        c["customSecurityAttributeDefinitions"]["value"]
            .as_array_mut()
            .unwrap()
            .retain(|d| d["attributeSet"] != json!("Engineering"));
    })
}

/// A tenant object as Graph returns it, holding `sets` (set name -> attributes).
fn tenant_object(id: &str, sets: Value) -> Value {
    let mut csa = json!({});
    for (set, attrs) in sets.as_object().unwrap() {
        let mut set_obj = json!({ "@odata.type": RESPONSE_SET_TYPE });
        for (k, v) in attrs.as_object().unwrap() {
            set_obj[k] = v.clone();
        }
        csa[set] = set_obj;
    }
    json!({"id": id, "customSecurityAttributes": csa})
}

// ---------------------------------------------------------------------------------------------
// define: accepted writes

/// D10's two documented effects, as changes (docs/RULES.md, Output documents: a change,
/// definitions form).
fn d10_changes() -> Value {
    json!([
        {"path": format!("{DEFS}/Engineering_Project/allowedValues/Baker"), "kind": "changed",
         "property": "isActive", "before": true, "after": false, "allowed": true, "code": null},
        {"path": format!("{DEFS}/Engineering_Project/allowedValues/Skagit"), "kind": "added",
         "property": null, "before": null, "after": {"id": "Skagit", "isActive": true},
         "allowed": true, "code": null}
    ])
}

#[test]
fn define_d10_json_is_allowed_with_the_delta_changes() {
    let s = Scratch::new("d10-json");
    let r = define_documented(
        &s,
        "D10-update-definition-allowedvalues-delta.json",
        &sample_catalog(),
    )
    .format("json")
    .run();
    r.expect_code(0);
    assert_eq!(r.stderr, "");
    let out = r.json();
    assert_eq!(
        keys(&out),
        ["allowed", "authorization", "changes", "warnings"],
        "{out}"
    );
    assert_eq!(out["allowed"], json!(true));
    assert_eq!(out["authorization"], json!("not_checked"));
    assert_eq!(out["changes"], d10_changes());
    assert_eq!(out["warnings"], json!([]));
}

#[test]
fn define_d10_text_lists_each_change_and_says_permissions_were_not_checked() {
    let s = Scratch::new("d10-text");
    let r = define_documented(
        &s,
        "D10-update-definition-allowedvalues-delta.json",
        &sample_catalog(),
    )
    .run();
    r.expect_code(0);
    assert_eq!(r.first_line(), "allowed: 204 (2 changes)", "{}", r.stdout);
    for line in [
        format!("  changed {DEFS}/Engineering_Project/allowedValues/Baker isActive: true -> false"),
        format!("  added {DEFS}/Engineering_Project/allowedValues/Skagit"),
    ] {
        assert!(r.stdout.lines().any(|l| l == line), "{line}:\n{}", r.stdout);
    }
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("note:") && l.contains("--actor")),
        "{}",
        r.stdout
    );
    // Graph answers an update with 204 No Content.
    let g = define_documented(
        &s,
        "D10-update-definition-allowedvalues-delta.json",
        &sample_catalog(),
    )
    .format("graph")
    .run();
    g.expect_code(0);
    assert_eq!(g.json(), json!({"status": 204}));
}

#[test]
fn define_out_writes_a_catalog_that_lint_accepts_and_that_holds_the_new_values() {
    let s = Scratch::new("d10-out");
    let catalog = sample_catalog();
    let out = s.path("new-catalog.json");
    let r = define_documented(
        &s,
        "D10-update-definition-allowedvalues-delta.json",
        &catalog,
    )
    .out(&out)
    .format("json")
    .run();
    r.expect_code(0);
    assert_eq!(
        r.json()["changes"],
        d10_changes(),
        "stdout is unchanged by --out"
    );

    let lint = csa(&["lint"]).catalog(&out).format("json").run();
    lint.expect_code(0);
    assert_eq!(lint.json()["valid"], json!(true));
    assert_eq!(lint.json()["violations"], json!([]));

    // The written catalog holds the allowed values D19 documents after D10 (in any order).
    let values = csa(&["define"])
        .catalog(&out)
        .method("GET")
        .path(&format!("{DEFS}/Engineering_Project/allowedValues"))
        .format("json")
        .run();
    values.expect_code(0);
    let sorted = |v: &Value| {
        let mut items = v.as_array().unwrap().clone();
        items.sort_by_key(|i| i["id"].as_str().unwrap().to_owned());
        items
    };
    let d19 = definition_example("D19-allowedvalues-after-delta.json");
    assert_eq!(
        sorted(&values.json()["value"]),
        sorted(&d19["response"]["body"]["value"])
    );

    // The request and the evolution check agree on what changed.
    let e = csa(&["evolve"])
        .from(&catalog)
        .to(&out)
        .format("json")
        .run();
    e.expect_code(0);
    assert_eq!(
        e.json(),
        json!({"legal": true, "changes": d10_changes(), "impact": []})
    );
}

// ---------------------------------------------------------------------------------------------
// define: refusals

/// D09 as documented: its `body_raw` has a trailing comma.
const D09: &str = "D09-update-definition-description.json";

fn d09_raw() -> String {
    definition_example(D09)["request"]["body_raw"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn define_d09_raw_body_is_refused_with_invalid_json_and_nothing_is_written() {
    let s = Scratch::new("d09-raw");
    let raw = s.file("d09.json", &d09_raw());
    let out = s.path("new-catalog.json");
    let url = definition_example(D09)["request"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let cmd = csa(&["define"])
        .catalog(&sample_catalog())
        .method("PATCH")
        .path(&url)
        .body(&raw)
        .out(&out);
    let r = cmd.clone().format("json").run();
    r.expect_code(1);
    let o = r.json();
    assert_eq!(
        keys(&o),
        ["allowed", "authorization", "violations", "warnings"],
        "{o}"
    );
    assert_eq!(o["allowed"], json!(false));
    assert_eq!(codes(&o["violations"]), ["invalid_json"]);
    let v = &o["violations"][0];
    assert_eq!(v["pointer"], json!(""));
    assert_eq!(v["status"], json!(400));
    assert_eq!(v["graphError"], json!("Request_BadRequest"));
    assert!(
        !Path::new(&out).exists(),
        "a refused request writes no --out"
    );

    let g = cmd.clone().format("graph").run();
    g.expect_code(1);
    assert_eq!(
        g.json(),
        json!({"status": 400, "body": {"error": {
            "code": "Request_BadRequest", "message": v["message"]}}})
    );
    assert!(
        !Path::new(&out).exists(),
        "a refused request writes no --out"
    );

    // The accepted neighbour: D09's repaired body, which is written.
    let r = define_documented(&s, D09, &sample_catalog())
        .out(&out)
        .format("json")
        .run();
    r.expect_code(0);
    assert_eq!(
        r.json()["changes"],
        json!([{"path": format!("{DEFS}/Engineering_ProjectDate"), "kind": "changed",
            "property": "description", "before": "Target completion date",
            "after": "Target completion date (YYYY/MM/DD)", "allowed": true, "code": null}])
    );
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(
        written.contains("Target completion date (YYYY/MM/DD)"),
        "{written}"
    );
}

#[test]
fn define_text_refusal_puts_a_caret_under_the_offending_byte() {
    let s = Scratch::new("d09-caret");
    let raw_text = d09_raw();
    let raw = s.file("d09.json", &raw_text);
    let r = csa(&["define"])
        .catalog(&sample_catalog())
        .method("PATCH")
        .path(&format!("{DEFS}/Engineering_ProjectDate"))
        .body(&raw)
        .run();
    r.expect_code(1);
    assert_eq!(r.first_line(), "refused (1 violation)", "{}", r.stdout);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("error: invalid_json: ")),
        "{}",
        r.stdout
    );
    // The trailing comma, or the `}` it stands before, is marked where the file has it.
    let lines: Vec<&str> = raw_text.lines().collect();
    let comma_line = lines.iter().position(|l| l.ends_with(',')).unwrap();
    let comma_col = lines[comma_line].chars().count();
    let brace_line = lines.iter().position(|l| *l == "}").unwrap();
    let comma_at = format!("d09.json:{}:{comma_col}", comma_line + 1);
    let brace_at = format!("d09.json:{}:1", brace_line + 1);
    let location = r
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("--> "))
        .unwrap_or_else(|| panic!("no location line:\n{}", r.stdout));
    if location.ends_with(&brace_at) {
        let (_, marked) = caret_target(&r.stdout, " | }");
        assert_eq!(marked, "}", "{}", r.stdout);
    } else {
        assert!(location.ends_with(&comma_at), "{location}:\n{}", r.stdout);
        let (_, marked) = caret_target(&r.stdout, "(YYYY/MM/DD)\",");
        assert_eq!(marked, ",", "{}", r.stdout);
    }
}

#[test]
fn define_graph_post_d16_is_201_with_the_documented_body() {
    let s = Scratch::new("d16");
    let d16 = definition_example("D16-create-allowedvalue.json");
    let catalog = s.json("without-alpine.json", &without_alpine());
    let cmd = define_documented(&s, "D16-create-allowedvalue.json", &catalog);
    let g = cmd.clone().format("graph").run();
    g.expect_code(0);
    assert_eq!(
        g.json(),
        json!({"status": d16["response"]["status"], "body": d16["response"]["body"]})
    );
    // The documented string Boolean is accepted with a warning.
    let j = cmd.format("json").run();
    j.expect_code(0);
    let out = j.json();
    assert_eq!(codes(&out["warnings"]), ["coerced_boolean"]);
    assert_eq!(out["warnings"][0]["pointer"], json!("/isActive"));
    assert_eq!(
        out["changes"],
        json!([{"path": format!("{DEFS}/Engineering_Project/allowedValues/Alpine"),
            "kind": "added", "property": null, "before": null,
            "after": {"id": "Alpine", "isActive": true}, "allowed": true, "code": null}])
    );
    // On the sample catalog Alpine exists already: refused.
    let r = define_documented(&s, "D16-create-allowedvalue.json", &sample_catalog())
        .format("graph")
        .run();
    r.expect_code(1);
    let r = r.json();
    assert_eq!(r["status"], json!(400), "{r}");
    assert_eq!(r["body"]["error"]["code"], json!("Request_BadRequest"));
}

#[test]
fn define_graph_delete_is_405_with_a_graph_error_body() {
    for path in [
        format!("{DEFS}/Engineering_Project/allowedValues/Alpine"),
        format!("{DEFS}/Engineering_ProjectDate"),
        "/directory/attributeSets/Engineering".to_owned(),
    ] {
        let cmd = csa(&["define"])
            .catalog(&sample_catalog())
            .method("DELETE")
            .path(&path);
        let j = cmd.clone().format("json").run();
        j.expect_code(1);
        let out = j.json();
        assert_eq!(out["allowed"], json!(false), "{path}");
        assert_eq!(codes(&out["violations"]), ["deleted"], "{path}");
        let v = &out["violations"][0];
        assert_eq!(v["status"], json!(405), "{path}");
        let g = cmd.format("graph").run();
        g.expect_code(1);
        assert_eq!(
            g.json(),
            json!({"status": 405, "body": {"error": {
                "code": v["graphError"], "message": v["message"]}}}),
            "{path}"
        );
        assert_eq!(v["graphError"], json!("Request_BadRequest"), "{path}");
    }
}

// ---------------------------------------------------------------------------------------------
// define: reads

#[test]
fn define_get_json_prints_the_documented_d15_body() {
    let d15 = definition_example("D15-get-definition.json");
    let url = d15["request"]["url"].as_str().unwrap();
    let cmd = csa(&["define"])
        .catalog(&sample_catalog())
        .method("GET")
        .path(url);
    let r = cmd.clone().format("json").run();
    r.expect_code(0);
    assert_eq!(r.stderr, "");
    assert_eq!(r.json(), d15["response"]["body"]);
    let g = cmd.format("graph").run();
    g.expect_code(0);
    assert_eq!(
        g.json(),
        json!({"status": d15["response"]["status"], "body": d15["response"]["body"]})
    );
}

#[test]
fn define_get_of_nothing_is_refused_with_not_found() {
    let cmd = csa(&["define"])
        .catalog(&sample_catalog())
        .method("GET")
        .path(&format!("{DEFS}/Engineering_Nothing"));
    let j = cmd.clone().format("json").run();
    j.expect_code(1);
    let out = j.json();
    assert_eq!(out["allowed"], json!(false));
    assert_eq!(codes(&out["violations"]), ["not_found"]);
    let g = cmd.format("graph").run();
    g.expect_code(1);
    let g = g.json();
    assert_eq!(g["status"], json!(404));
    assert_eq!(
        g["body"]["error"]["code"],
        json!("Request_ResourceNotFound")
    );
}

// ---------------------------------------------------------------------------------------------
// define: standard input, actors

#[test]
fn define_body_can_come_from_stdin() {
    let d10 = definition_example("D10-update-definition-allowedvalues-delta.json");
    let body = serde_json::to_string(&d10["request"]["body"]).unwrap();
    let r = csa(&["define"])
        .catalog(&sample_catalog())
        .method("patch")
        .path(d10["request"]["url"].as_str().unwrap())
        .body("-")
        .format("json")
        .stdin(&body)
        .run();
    r.expect_code(0);
    assert_eq!(r.json()["changes"], d10_changes());

    // The refused D09 body through stdin: the same refusal as from a file.
    let raw = d09_raw();
    let r = csa(&["define"])
        .catalog(&sample_catalog())
        .method("PATCH")
        .path(&format!("{DEFS}/Engineering_ProjectDate"))
        .body("-")
        .format("json")
        .stdin(&raw)
        .run();
    r.expect_code(1);
    assert_eq!(codes(&r.json()["violations"]), ["invalid_json"]);

    // Only one FILE may be `-`.
    let catalog_text = std::fs::read_to_string(sample_catalog()).unwrap();
    csa(&["define"])
        .catalog("-")
        .method("PATCH")
        .path(d10["request"]["url"].as_str().unwrap())
        .body("-")
        .format("json")
        .stdin(&catalog_text)
        .run()
        .expect_input_error();
}

#[test]
fn define_set_scoped_definition_administrator_cannot_create_a_set() {
    let s = Scratch::new("set-scoped");
    let d01 = definition_example("D01-create-attributeset.json");
    let catalog = s.json("without-engineering.json", &without_engineering());
    let out = s.path("new-catalog.json");
    let scoped = s.json("scoped.json", &actor(ADA, "/attributeSets/Engineering"));
    let cmd = define_documented(&s, "D01-create-attributeset.json", &catalog).out(&out);
    let r = cmd.clone().actor(&scoped).format("json").run();
    r.expect_code(1);
    let o = r.json();
    assert_eq!(o["allowed"], json!(false));
    assert_eq!(o["authorization"], json!("checked"));
    assert_eq!(codes(&o["violations"]), ["permission_denied"]);
    assert_eq!(o["violations"][0]["status"], json!(403));
    assert!(
        !Path::new(&out).exists(),
        "a refused request writes no --out"
    );
    let g = cmd.clone().actor(&scoped).format("graph").run();
    g.expect_code(1);
    assert_eq!(
        g.json(),
        json!({"status": 403, "body": {"error": {
            "code": "Authorization_RequestDenied",
            "message": "Insufficient privileges to complete the operation."}}})
    );
    let t = cmd.clone().actor(&scoped).run();
    t.expect_code(1);
    assert!(t.first_line().starts_with("refused"), "{}", t.stdout);
    assert!(t.stdout.contains("permission_denied"), "{}", t.stdout);
    assert!(
        !t.stdout.contains("note:"),
        "authorization was checked:\n{}",
        t.stdout
    );

    // The same role at the tenant creates it, as documented.
    let tenant = s.json("tenant.json", &actor(ADA, "/"));
    let g = cmd.actor(&tenant).format("graph").run();
    g.expect_code(0);
    assert_eq!(
        g.json(),
        json!({"status": d01["response"]["status"], "body": d01["response"]["body"]})
    );
    assert!(Path::new(&out).exists(), "an accepted request writes --out");

    // The set-scoped administrator may still add a value in its own set.
    let catalog = s.json("without-alpine.json", &without_alpine());
    let r = define_documented(&s, "D16-create-allowedvalue.json", &catalog)
        .actor(&scoped)
        .format("json")
        .run();
    r.expect_code(0);
    assert_eq!(r.json()["authorization"], json!("checked"));
}

// ---------------------------------------------------------------------------------------------
// define: exit 2

#[test]
fn define_unknown_method_is_a_usage_error_with_nothing_on_stdout() {
    let d10 = definition_example("D10-update-definition-allowedvalues-delta.json");
    let url = d10["request"]["url"].as_str().unwrap();
    for method in ["HEAD", "FETCH", ""] {
        for format in ["text", "json", "graph"] {
            let r = csa(&["define"])
                .catalog(&sample_catalog())
                .method(method)
                .path(url)
                .format(format)
                .run();
            r.expect_input_error();
            assert!(r.stderr.contains("--method"), "{}", r.stderr);
        }
    }
}

#[test]
fn define_and_evolve_usage_errors_exit_2() {
    let catalog = sample_catalog();
    let define = || csa(&["define"]).catalog(&catalog).method("GET");
    for c in [
        csa(&["define"]),
        define(),
        define().path("/directory/attributeSets").format("yaml"),
        define()
            .path("/directory/attributeSets")
            .opt("--bogus", "x"),
        csa(&["evolve"]).from(&catalog),
        csa(&["evolve"]).from(&catalog).to(&catalog).format("graph"),
    ] {
        c.run().expect_input_error();
    }
    for args in [&["define", "--help"][..], &["evolve", "--help"]] {
        let r = csa(args).run();
        r.expect_code(0);
        assert!(!r.stdout.is_empty(), "{args:?}");
    }
    let h = csa(&["--help"]).run();
    for sub in ["define", "evolve"] {
        assert!(
            h.stdout.contains(sub),
            "the help lists {sub}:\n{}",
            h.stdout
        );
    }
}

#[test]
fn define_invalid_catalog_exits_2_with_invalid_catalog_json() {
    let s = Scratch::new("bad-catalog");
    let catalog = s.file("c.json", INVALID_CATALOG);
    let out = s.path("new-catalog.json");
    let lint = csa(&["lint"]).catalog(&catalog).format("json").run().json();
    let body = s.json("set.json", &json!({"id": "Security"}));
    for format in ["json", "graph"] {
        for c in [
            csa(&["define"])
                .catalog(&catalog)
                .method("GET")
                .path("/directory/attributeSets"),
            csa(&["define"])
                .catalog(&catalog)
                .method("POST")
                .path("/directory/attributeSets")
                .body(&body)
                .out(&out),
        ] {
            let r = c.format(format).run();
            r.expect_code(2);
            r.expect_one_stderr_line();
            let o = r.json();
            assert_eq!(keys(&o), ["error", "violations"], "{o}");
            assert_eq!(o["error"], json!("invalid_catalog"));
            assert_eq!(codes(&o["violations"]), ["boolean_collection"]);
            assert_eq!(
                o["violations"], lint["violations"],
                "the same violations as lint"
            );
            assert!(!Path::new(&out).exists());
        }
    }
    let r = csa(&["define"])
        .catalog(&catalog)
        .method("GET")
        .path("/directory/attributeSets")
        .run();
    r.expect_code(2);
    r.expect_one_stderr_line();
    assert!(r.stdout.contains("boolean_collection"), "{}", r.stdout);
}

#[test]
fn define_missing_or_invalid_input_files_exit_2() {
    let s = Scratch::new("bad-inputs");
    let nowhere = s.path("no-such-file.json");
    let d10 = definition_example("D10-update-definition-allowedvalues-delta.json");
    let url = d10["request"]["url"].as_str().unwrap();
    let body = s.json("d10.json", &d10["request"]["body"]);
    let bad_actor = s.json(
        "a.json",
        &json!({"roleAssignments": [{"roleDefinitionId": ADA}]}),
    );
    let cmd = || csa(&["define"]).method("PATCH").path(url).format("json");
    for c in [
        cmd().catalog(&nowhere).body(&body),
        cmd().catalog(&sample_catalog()).body(&nowhere),
        cmd().catalog(&sample_catalog()).body(&body).actor(&nowhere),
    ] {
        let r = c.run();
        r.expect_input_error();
        assert!(r.stderr.contains("no-such-file.json"), "{}", r.stderr);
    }
    cmd()
        .catalog(&sample_catalog())
        .body(&body)
        .actor(&bad_actor)
        .run()
        .expect_input_error();
}

// ---------------------------------------------------------------------------------------------
// evolve

#[test]
fn evolve_of_a_catalog_into_itself_is_legal_and_empty() {
    let s = Scratch::new("evolve-same");
    let catalog = sample_catalog();
    let objects = s.file(
        "objects.jsonl",
        &serde_json::to_string(&tenant_object(
            "u1",
            json!({"Engineering": {"Project@odata.type": "#Collection(String)",
                "Project": ["Baker"]}}),
        ))
        .unwrap(),
    );
    for c in [
        csa(&["evolve"]).from(&catalog).to(&catalog),
        csa(&["evolve"])
            .from(&catalog)
            .to(&catalog)
            .objects(&objects),
    ] {
        let r = c.clone().format("json").run();
        r.expect_code(0);
        assert_eq!(r.stderr, "");
        assert_eq!(
            r.json(),
            json!({"legal": true, "changes": [], "impact": []})
        );
        let t = c.run();
        t.expect_code(0);
        assert!(t.first_line().starts_with("legal"), "{}", t.stdout);
    }
}

/// The sample catalog with a definition deactivated, an allowed value deactivated and a type
/// changed (the last is illegal).
fn evolved() -> Value {
    sample_with(|c| {
        definition_mut(c, "Engineering_ProjectDate")["status"] = json!("Deprecated");
        for v in values_mut(c, "Engineering_Project") {
            if v["id"] == json!("Baker") {
                v["isActive"] = json!(false);
            }
        }
        definition_mut(c, "Marketing_EmployeeId")["type"] = json!("Integer");
    })
}

fn evolved_changes() -> Value {
    json!([
        {"path": format!("{DEFS}/Engineering_ProjectDate"), "kind": "changed",
         "property": "status", "before": "Available", "after": "Deprecated",
         "allowed": true, "code": null},
        {"path": format!("{DEFS}/Engineering_Project/allowedValues/Baker"), "kind": "changed",
         "property": "isActive", "before": true, "after": false, "allowed": true, "code": null},
        {"path": format!("{DEFS}/Marketing_EmployeeId"), "kind": "changed",
         "property": "type", "before": "String", "after": "Integer",
         "allowed": false, "code": "immutable_changed"}
    ])
}

/// The tenant's objects: u1 holds both affected attributes, u2 one whose type changes (no
/// impact), u3 nothing, u4 the deactivated value only.
fn tenant_objects() -> Vec<Value> {
    vec![
        tenant_object(
            "u1",
            json!({"Engineering": {"ProjectDate": "2022-10-01",
                "Project@odata.type": "#Collection(String)", "Project": ["Cascade", "Baker"]}}),
        ),
        tenant_object("u2", json!({"Marketing": {"EmployeeId": "QN26904"}})),
        json!({"id": "u3", "customSecurityAttributes": null}),
        tenant_object(
            "u4",
            json!({"Engineering": {"Project@odata.type": "#Collection(String)",
                "Project": ["Baker"]}}),
        ),
    ]
}

fn evolved_impact() -> Value {
    json!([
        {"objectId": "u1", "attribute": "Engineering_Project", "value": "Baker",
         "effect": "value_deactivated"},
        {"objectId": "u1", "attribute": "Engineering_ProjectDate", "value": "2022-10-01",
         "effect": "attribute_deactivated"},
        {"objectId": "u4", "attribute": "Engineering_Project", "value": "Baker",
         "effect": "value_deactivated"}
    ])
}

/// The objects as JSON lines, with a blank line after the first.
fn objects_jsonl() -> String {
    let mut lines: Vec<String> = tenant_objects()
        .iter()
        .map(|o| serde_json::to_string(o).unwrap())
        .collect();
    lines.insert(1, String::new());
    lines.join("\n") + "\n"
}

#[test]
fn evolve_classifies_each_change_and_lists_the_affected_assignments() {
    let s = Scratch::new("evolve-impact");
    let to = s.json("to.json", &evolved());
    let objects = s.file("objects.jsonl", &objects_jsonl());
    let cmd = csa(&["evolve"])
        .from(&sample_catalog())
        .to(&to)
        .objects(&objects);
    let r = cmd.clone().format("json").run();
    r.expect_code(1);
    assert_eq!(r.stderr, "");
    assert_eq!(
        r.json(),
        json!({"legal": false, "changes": evolved_changes(), "impact": evolved_impact()})
    );

    let t = cmd.run();
    t.expect_code(1);
    assert!(t.first_line().starts_with("illegal"), "{}", t.stdout);
    assert!(
        t.stdout.lines().any(|l| l.contains("illegal")
            && l.contains("Marketing_EmployeeId")
            && l.contains("immutable_changed")),
        "{}",
        t.stdout
    );
    for (id, attribute, effect) in [
        ("u1", "Engineering_Project", "value_deactivated"),
        ("u1", "Engineering_ProjectDate", "attribute_deactivated"),
        ("u4", "Engineering_Project", "value_deactivated"),
    ] {
        assert!(
            t.stdout
                .lines()
                .any(|l| l.contains(id) && l.contains(attribute) && l.contains(effect)),
            "{id} {attribute} {effect}:\n{}",
            t.stdout
        );
    }

    // Without objects: the same changes, no impact.
    let r = csa(&["evolve"])
        .from(&sample_catalog())
        .to(&to)
        .format("json")
        .run();
    r.expect_code(1);
    assert_eq!(
        r.json(),
        json!({"legal": false, "changes": evolved_changes(), "impact": []})
    );
}

#[test]
fn evolve_objects_as_a_graph_list_response_give_the_same_impact() {
    let s = Scratch::new("evolve-list");
    let to = s.json("to.json", &evolved());
    let list = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,customSecurityAttributes)",
        "value": tenant_objects()
    });
    let objects = s.json("objects.json", &list);
    let r = csa(&["evolve"])
        .from(&sample_catalog())
        .to(&to)
        .objects(&objects)
        .format("json")
        .run();
    r.expect_code(1);
    assert_eq!(r.json()["impact"], evolved_impact());

    // And from standard input.
    let r = csa(&["evolve"])
        .from(&sample_catalog())
        .to(&to)
        .objects("-")
        .format("json")
        .stdin(&objects_jsonl())
        .run();
    r.expect_code(1);
    assert_eq!(r.json()["impact"], evolved_impact());
}

#[test]
fn evolve_to_an_invalid_catalog_is_illegal_not_an_input_error() {
    let s = Scratch::new("evolve-bad-to");
    let bad = s.file("bad.json", INVALID_CATALOG);
    let not_json = s.file("not-json.json", "{\"attributeSets\": [");
    for (to, code) in [(&bad, "boolean_collection"), (&not_json, "invalid_json")] {
        let r = csa(&["evolve"])
            .from(&sample_catalog())
            .to(to)
            .format("json")
            .run();
        r.expect_code(1);
        assert_eq!(r.stderr, "");
        let out = r.json();
        assert_eq!(out["legal"], json!(false), "{out}");
        assert_eq!(out["impact"], json!([]), "{out}");
        let changes = out["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{out}");
        assert_eq!(changes[0]["allowed"], json!(false), "{out}");
        assert_eq!(changes[0]["code"], json!(code), "{out}");
    }
    let t = csa(&["evolve"]).from(&sample_catalog()).to(&bad).run();
    t.expect_code(1);
    assert!(t.first_line().starts_with("illegal"), "{}", t.stdout);
    assert!(t.stdout.contains("boolean_collection"), "{}", t.stdout);
}

#[test]
fn evolve_from_an_invalid_or_missing_catalog_exits_2() {
    let s = Scratch::new("evolve-bad-from");
    let bad = s.file("bad.json", INVALID_CATALOG);
    let r = csa(&["evolve"])
        .from(&bad)
        .to(&sample_catalog())
        .format("json")
        .run();
    r.expect_code(2);
    r.expect_one_stderr_line();
    let out = r.json();
    assert_eq!(keys(&out), ["error", "violations"], "{out}");
    assert_eq!(out["error"], json!("invalid_catalog"));
    assert_eq!(codes(&out["violations"]), ["boolean_collection"]);

    let nowhere = s.path("no-such-file.json");
    for c in [
        csa(&["evolve"]).from(&nowhere).to(&sample_catalog()),
        csa(&["evolve"]).from(&sample_catalog()).to(&nowhere),
        csa(&["evolve"])
            .from(&sample_catalog())
            .to(&sample_catalog())
            .objects(&nowhere),
    ] {
        let r = c.format("json").run();
        r.expect_input_error();
        assert!(r.stderr.contains("no-such-file.json"), "{}", r.stderr);
    }
}

#[test]
fn evolve_malformed_objects_line_exits_2_naming_the_line() {
    let s = Scratch::new("evolve-bad-objects");
    let to = s.json("to.json", &evolved());
    let good = serde_json::to_string(&tenant_objects()[0]).unwrap();
    for (text, line) in [
        (format!("{good}\n\n{{\"id\": \n"), 3),
        (format!("{good}\n[1]\n"), 2),
        (format!("not json\n{good}\n"), 1),
    ] {
        let objects = s.file("objects.jsonl", &text);
        for format in ["text", "json"] {
            let r = csa(&["evolve"])
                .from(&sample_catalog())
                .to(&to)
                .objects(&objects)
                .format(format)
                .run();
            r.expect_input_error();
            assert!(
                r.stderr.contains(&format!("line {line}")),
                "line {line}: {}",
                r.stderr
            );
            assert!(r.stderr.contains("objects.jsonl"), "{}", r.stderr);
        }
    }
}

#[test]
fn define_out_dash_is_a_usage_error() {
    let s = Scratch::new("out-dash");
    let body = s.json("set.json", &json!({"id": "Security"}));
    let r = csa(&["define"])
        .catalog(&sample_catalog())
        .method("POST")
        .path("/directory/attributeSets")
        .body(&body)
        .opt("--out", "-")
        .run();
    r.expect_input_error();
    assert!(r.stderr.contains("--out -"), "{}", r.stderr);
}

#[test]
fn invalid_catalog_violations_keep_the_documented_key_order() {
    let s = Scratch::new("bad-catalog-order");
    let catalog = s.file("c.json", INVALID_CATALOG);
    let r = csa(&["define"])
        .catalog(&catalog)
        .method("GET")
        .path("/directory/attributeSets")
        .format("json")
        .run();
    r.expect_code(2);
    // Key order as printed (a parsed `Value` would sort the keys).
    let first_code = r.stdout.find("\"code\"").unwrap();
    let first_pointer = r.stdout.find("\"pointer\"").unwrap();
    let first_attribute = r.stdout.find("\"attribute\"").unwrap();
    assert!(
        first_code < first_pointer && first_pointer < first_attribute,
        "{}",
        r.stdout
    );
}

#[test]
fn evolve_bad_item_of_a_list_response_is_counted_from_one() {
    let s = Scratch::new("evolve-bad-item");
    let to = s.json("to.json", &evolved());
    let mut items = tenant_objects();
    items.insert(1, json!([1]));
    let objects = s.json("objects.json", &json!({ "value": items }));
    let r = csa(&["evolve"])
        .from(&sample_catalog())
        .to(&to)
        .objects(&objects)
        .run();
    r.expect_input_error();
    assert!(r.stderr.contains("item 2"), "{}", r.stderr);
}

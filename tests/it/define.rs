//! Definition requests (docs/RULES.md, Definition requests and catalog evolution): the documented
//! Graph requests (`graph-examples/definitions/`) applied to the state each assumes, every refusal
//! code next to an accepted neighbour, and the role and scope rules for definitions.

// Helpers outside `#[test]` functions unwrap too: `cfg(test)` lets clippy.toml cover them.
#![cfg(test)]

use crate::common::{
    codes, example_id, examples_in, read_json, sample_catalog, sample_catalog_json, warning_codes,
    AAA, ADA, ADR,
};
use csa::{Actor, Authorization, Catalog, DefineOutcome, DefinitionRequest, Method};
use serde_json::{json, Value as Json};

const SETS: &str = "/directory/attributeSets";
const DEFS: &str = "/directory/customSecurityAttributeDefinitions";
const APP_DEF_RW: &str = "CustomSecAttributeDefinition.ReadWrite.All";
const APP_DEF_R: &str = "CustomSecAttributeDefinition.Read.All";

// ---------------------------------------------------------------------------------------------
// Helpers

fn run(
    catalog: &Catalog,
    method: &str,
    path: &str,
    body: Option<&str>,
    actor: Option<&Actor>,
) -> DefineOutcome {
    let method: Method = method.parse().unwrap();
    let mut req = DefinitionRequest::new(method, path);
    if let Some(b) = body {
        req = req.with_body(b.as_bytes());
    }
    catalog.define(&req, actor)
}

#[track_caller]
fn accepted(o: &DefineOutcome) -> &Catalog {
    assert!(
        o.is_allowed(),
        "refused: {:?}",
        o.violations()
            .iter()
            .map(|v| (v.code().as_str(), v.pointer(), v.message()))
            .collect::<Vec<_>>()
    );
    o.catalog().expect("a write gives a catalog")
}

#[track_caller]
fn refused_with(o: &DefineOutcome, code: &str) {
    assert!(!o.is_allowed(), "accepted, expected {code}");
    assert!(o.catalog().is_none(), "a refusal writes nothing");
    assert!(
        codes(o).contains(&code),
        "expected {code}, got {:?}",
        o.violations()
            .iter()
            .map(|v| (v.code().as_str(), v.message()))
            .collect::<Vec<_>>()
    );
}

/// The sample catalog JSON without the set `set` (and its definitions).
fn without_set(set: &str) -> Json {
    let mut j = sample_catalog_json();
    j["attributeSets"]["value"]
        .as_array_mut()
        .unwrap()
        .retain(|s| s["id"] != set);
    j["customSecurityAttributeDefinitions"]["value"]
        .as_array_mut()
        .unwrap()
        .retain(|d| d["attributeSet"] != set);
    j
}

/// The sample catalog JSON without the definition `id`.
fn without_definition(id: &str) -> Json {
    let mut j = sample_catalog_json();
    j["customSecurityAttributeDefinitions"]["value"]
        .as_array_mut()
        .unwrap()
        .retain(|d| d["id"] != id);
    j
}

fn catalog(j: &Json) -> Catalog {
    Catalog::from_json(&serde_json::to_vec(j).unwrap()).unwrap()
}

/// The state each documented write assumes (tests/data/graph-examples/INDEX.md: the examples are
/// not one history).
fn assumed_state(id: &str) -> Catalog {
    match id {
        "D01" => catalog(&without_set("Engineering")),
        "D06" => catalog(&without_definition("Engineering_ProjectDate")),
        "D07" | "D08" => catalog(&without_definition("Engineering_Project")),
        "D16" => {
            // Engineering_Project exists (predefined only) without Alpine.
            let mut j = sample_catalog_json();
            let d = crate::common::definition_mut(&mut j, "Engineering_Project");
            d["allowedValues"]
                .as_array_mut()
                .unwrap()
                .retain(|v| v["id"] != "Alpine");
            catalog(&j)
        }
        _ => sample_catalog(),
    }
}

fn example_request(e: &Json) -> (String, String, Option<String>) {
    let r = &e["request"];
    let body = match &r["body"] {
        Json::Null => None,
        b => Some(serde_json::to_string(b).unwrap()),
    };
    (
        r["method"].as_str().unwrap().to_owned(),
        r["url"].as_str().unwrap().to_owned(),
        body,
    )
}

fn values_of(c: &Catalog, id: &str) -> Vec<(String, bool)> {
    let mut v: Vec<(String, bool)> = c
        .definition_by_id(id)
        .unwrap()
        .allowed_values()
        .iter()
        .map(|v| (v.id().to_owned(), v.is_active()))
        .collect();
    v.sort();
    v
}

fn tenant_ada() -> Actor {
    Actor::new().with_role(ADA, "/")
}

fn set_ada(set: &str) -> Actor {
    Actor::new().with_role(ADA, &format!("/attributeSets/{set}"))
}

fn set_adr(set: &str) -> Actor {
    Actor::new().with_role(ADR, &format!("/attributeSets/{set}"))
}

// ---------------------------------------------------------------------------------------------
// The documented requests

const DOCUMENTED_WRITES: &[&str] = &[
    "D01", "D02", "D06", "D07", "D08", "D09", "D10", "D11", "D16", "D17",
];

#[test]
fn every_documented_write_is_accepted_on_the_state_it_assumes() {
    let mut seen = Vec::new();
    for (file, e) in examples_in("definitions") {
        let id = example_id(&e).to_owned();
        if !DOCUMENTED_WRITES.contains(&id.as_str()) {
            continue;
        }
        let (method, url, body) = example_request(&e);
        let start = assumed_state(&id);
        let o = run(&start, &method, &url, body.as_deref(), Some(&tenant_ada()));
        let after = accepted(&o);
        assert!(
            !o.changes().is_empty(),
            "{file}: an accepted write changes something"
        );
        assert!(
            o.changes().iter().all(|c| c.is_allowed()),
            "{file}: every change is legal"
        );
        // The status Graph documents, and the body it returns for creations.
        let status = e["response"]["status"].as_u64().unwrap();
        assert_eq!(u64::from(o.status()), status, "{file}");
        if status == 201 {
            assert_eq!(o.response_body(), Some(&e["response"]["body"]), "{file}");
        } else {
            assert_eq!(o.response_body(), None, "{file}");
        }
        // The new catalog is valid and its own evolution from the start is legal.
        let relinted = Catalog::lint(&serde_json::to_vec(after).unwrap(), &csa::Policy::default());
        assert!(relinted.is_valid(), "{file}: {:?}", relinted.violations());
        assert!(start.evolve(after).is_legal(), "{file}");
        seen.push(id);
    }
    assert_eq!(seen, DOCUMENTED_WRITES, "every documented write was run");
}

#[test]
fn d01_creates_the_set_as_documented() {
    let e = read_json("definitions/D01-create-attributeset.json");
    let (m, url, body) = example_request(&e);
    let o = run(&assumed_state("D01"), &m, &url, body.as_deref(), None);
    let set = accepted(&o).attribute_set("engineering").unwrap();
    assert_eq!(set.id(), "Engineering");
    assert_eq!(set.description(), Some("Attributes for engineering team"));
    assert_eq!(set.max_attributes_per_set(), Some(25));
    assert_eq!(o.authorization(), Authorization::NotChecked);
}

#[test]
fn d02_updates_description_and_limit() {
    let e = read_json("definitions/D02-update-attributeset.json");
    let (m, url, body) = example_request(&e);
    let o = run(&sample_catalog(), &m, &url, body.as_deref(), None);
    let set = accepted(&o).attribute_set("Engineering").unwrap();
    assert_eq!(set.max_attributes_per_set(), Some(20));
    assert_eq!(o.status(), 204);
}

#[test]
fn d06_d07_d08_create_definitions() {
    for (id, name, values) in [
        ("D06", "Engineering_ProjectDate", vec![]),
        ("D07", "Engineering_Project", vec![]),
        (
            "D08",
            "Engineering_Project",
            vec![
                ("Alpine".to_owned(), true),
                ("Baker".to_owned(), true),
                ("Cascade".to_owned(), true),
            ],
        ),
    ] {
        let e = examples_in("definitions")
            .into_iter()
            .find(|(_, e)| example_id(e) == id)
            .unwrap()
            .1;
        let (m, url, body) = example_request(&e);
        let start = assumed_state(id);
        assert!(start.definition_by_id(name).is_none());
        let o = run(&start, &m, &url, body.as_deref(), None);
        let after = accepted(&o);
        assert_eq!(values_of(after, name), values, "{id}");
    }
}

#[test]
fn d09_raw_body_is_refused_and_the_repaired_body_accepted() {
    let e = read_json("definitions/D09-update-definition-description.json");
    let (m, url, body) = example_request(&e);
    let raw = e["request"]["body_raw"].as_str().unwrap();
    let o = run(&sample_catalog(), &m, &url, Some(raw), None);
    refused_with(&o, "invalid_json");
    assert_eq!(codes(&o), ["invalid_json"]);
    assert_eq!(o.status(), 400);

    let o = run(&sample_catalog(), &m, &url, body.as_deref(), None);
    let def = accepted(&o)
        .definition_by_id("Engineering_ProjectDate")
        .unwrap();
    assert_eq!(
        def.description(),
        Some("Target completion date (YYYY/MM/DD)")
    );
}

#[test]
fn d10_delta_gives_the_values_of_d19() {
    let e = read_json("definitions/D10-update-definition-allowedvalues-delta.json");
    let (m, url, body) = example_request(&e);
    let o = run(&sample_catalog(), &m, &url, body.as_deref(), None);
    let after = accepted(&o).clone();

    // D19 is the list read after D10: the same values (its order is not significant).
    let d19 = read_json("definitions/D19-allowedvalues-after-delta.json");
    let (m, url, _) = example_request(&d19);
    let read = run(&after, &m, &url, None, None);
    assert!(read.is_read());
    let mut got: Vec<Json> = read.response_body().unwrap()["value"]
        .as_array()
        .unwrap()
        .clone();
    let mut want: Vec<Json> = d19["response"]["body"]["value"].as_array().unwrap().clone();
    let key = |v: &Json| v["id"].as_str().unwrap().to_owned();
    got.sort_by_key(key);
    want.sort_by_key(key);
    assert_eq!(got, want);
}

#[test]
fn d11_deactivates_the_definition() {
    let e = read_json("definitions/D11-deactivate-definition.json");
    let (m, url, body) = example_request(&e);
    let o = run(&sample_catalog(), &m, &url, body.as_deref(), None);
    let def = accepted(&o)
        .definition_by_id("Engineering_Project")
        .unwrap();
    assert_eq!(def.status(), csa::Status::Deprecated);
}

#[test]
fn d16_d17_string_booleans_are_accepted_with_a_warning() {
    for (id, expect_active) in [("D16", true), ("D17", false)] {
        let e = examples_in("definitions")
            .into_iter()
            .find(|(_, e)| example_id(e) == id)
            .unwrap()
            .1;
        let (m, url, body) = example_request(&e);
        let o = run(&assumed_state(id), &m, &url, body.as_deref(), None);
        let after = accepted(&o);
        assert_eq!(warning_codes(&o), ["coerced_boolean"], "{id}");
        assert_eq!(o.warnings()[0].pointer(), "/isActive", "{id}");
        assert_eq!(
            o.warnings()[0].attribute(),
            Some("Engineering_Project"),
            "{id}"
        );
        let alpine = after
            .definition_by_id("Engineering_Project")
            .unwrap()
            .allowed_value("Alpine")
            .unwrap()
            .is_active();
        assert_eq!(alpine, expect_active, "{id}");
    }
}

#[test]
fn documented_reads_return_the_documented_bodies() {
    // D15: one definition, exactly as documented.
    let e = read_json("definitions/D15-get-definition.json");
    let (m, url, _) = example_request(&e);
    let o = run(&sample_catalog(), &m, &url, None, Some(&tenant_ada()));
    assert_eq!(o.status(), 200);
    assert_eq!(o.response_body(), Some(&e["response"]["body"]));

    // D03: the set list, on the two sets the example shows.
    let mut j = sample_catalog_json();
    j["attributeSets"]["value"]
        .as_array_mut()
        .unwrap()
        .retain(|s| s["id"] == "Engineering" || s["id"] == "Marketing");
    j["customSecurityAttributeDefinitions"]["value"]
        .as_array_mut()
        .unwrap()
        .retain(|d| d["attributeSet"] == "Engineering" || d["attributeSet"] == "Marketing");
    let e = read_json("definitions/D03-list-attributesets.json");
    let (m, url, _) = example_request(&e);
    let o = run(&catalog(&j), &m, &url, None, None);
    assert_eq!(o.response_body(), Some(&e["response"]["body"]));

    // D18: the allowed values of the sample's Engineering_Project (order not significant).
    let e = read_json("definitions/D18-list-allowedvalues.json");
    let (m, url, _) = example_request(&e);
    let o = run(&sample_catalog(), &m, &url, None, None);
    let body = o.response_body().unwrap();
    assert_eq!(
        body["@odata.context"],
        e["response"]["body"]["@odata.context"]
    );
    let mut got: Vec<String> = body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect();
    got.sort();
    assert_eq!(got, ["Alpine", "Baker", "Cascade"]);
}

#[test]
fn reads_of_one_set_and_one_value() {
    let c = sample_catalog();
    let o = run(&c, "GET", &format!("{SETS}/engineering"), None, None);
    assert_eq!(
        o.response_body(),
        Some(&json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directory/attributeSets/$entity",
            "id": "Engineering", "description": "Attributes for engineering team", "maxAttributesPerSet": 25
        }))
    );
    let o = run(
        &c,
        "GET",
        &format!("{DEFS}/Engineering_Project/allowedValues/Baker"),
        None,
        None,
    );
    assert_eq!(
        o.response_body(),
        Some(&json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directory/customSecurityAttributeDefinitions('Engineering_Project')/allowedValues/$entity",
            "id": "Baker", "isActive": true
        }))
    );
    // The definition list leaves allowed values out, as Graph does without `$expand`.
    let o = run(&c, "GET", DEFS, None, None);
    let list = o.response_body().unwrap()["value"].as_array().unwrap();
    assert_eq!(list.len(), c.definitions().len());
    assert!(list.iter().all(|d| d.get("allowedValues").is_none()));
}

// ---------------------------------------------------------------------------------------------
// Refusals, each next to an accepted neighbour

#[test]
fn immutable_properties_are_refused_even_with_the_stored_value() {
    let c = sample_catalog();
    let path = format!("{DEFS}/Engineering_ProjectDate");
    for (key, value) in [
        ("type", json!("String")),
        ("isCollection", json!(false)),
        ("isSearchable", json!(true)),
        ("name", json!("ProjectDate")),
        ("attributeSet", json!("Engineering")),
        ("id", json!("Engineering_ProjectDate")),
    ] {
        let body = json!({ key: value, "description": "x" }).to_string();
        let o = run(&c, "PATCH", &path, Some(&body), None);
        refused_with(&o, "immutable_changed");
        assert_eq!(o.violations()[0].pointer(), format!("/{key}"));
        assert_eq!(
            o.violations()[0].attribute(),
            Some("Engineering_ProjectDate")
        );
    }
    accepted(&run(
        &c,
        "PATCH",
        &path,
        Some(r#"{"description": "x"}"#),
        None,
    ));
    // Sets and values: their ids.
    let o = run(
        &c,
        "PATCH",
        &format!("{SETS}/Engineering"),
        Some(r#"{"id": "Engineering"}"#),
        None,
    );
    refused_with(&o, "immutable_changed");
    let o = run(
        &c,
        "PATCH",
        &format!("{DEFS}/Engineering_Project/allowedValues/Alpine"),
        Some(r#"{"id": "Alpine", "isActive": false}"#),
        None,
    );
    refused_with(&o, "immutable_changed");
}

#[test]
fn predefined_only_cannot_be_turned_on() {
    let c = sample_catalog();
    let o = run(
        &c,
        "PATCH",
        &format!("{DEFS}/Engineering_ProjectDate"),
        Some(r#"{"usePreDefinedValuesOnly": true}"#),
        None,
    );
    refused_with(&o, "predefined_only_enabled");
    assert_eq!(o.violations()[0].pointer(), "/usePreDefinedValuesOnly");
    // Turning it off is allowed.
    let o = run(
        &c,
        "PATCH",
        &format!("{DEFS}/Engineering_Project"),
        Some(r#"{"usePreDefinedValuesOnly": false}"#),
        None,
    );
    assert!(!accepted(&o)
        .definition_by_id("Engineering_Project")
        .unwrap()
        .use_predefined_values_only());
}

#[test]
fn delete_is_refused_for_existing_items_and_not_found_otherwise() {
    let c = sample_catalog();
    for path in [
        format!("{SETS}/Engineering"),
        format!("{DEFS}/Engineering_Project"),
        format!("{DEFS}/Engineering_Project/allowedValues/Alpine"),
    ] {
        let o = run(&c, "DELETE", &path, None, Some(&tenant_ada()));
        refused_with(&o, "deleted");
        assert_eq!(o.status(), 405);
        assert!(o.violations()[0].hint().unwrap().len() > 10);
        // The same path can be read.
        assert!(run(&c, "GET", &path, None, Some(&tenant_ada())).is_allowed());
    }
    let o = run(
        &c,
        "DELETE",
        &format!("{DEFS}/Engineering_Nope"),
        None,
        None,
    );
    refused_with(&o, "not_found");
    assert_eq!(o.status(), 404);
}

#[test]
fn paths_that_name_nothing_are_not_found() {
    let c = sample_catalog();
    for (m, path, body) in [
        ("GET", format!("{SETS}/Nope"), None),
        (
            "PATCH",
            format!("{SETS}/Nope"),
            Some(r#"{"description": "x"}"#),
        ),
        ("GET", format!("{DEFS}/Engineering_Nope"), None),
        ("GET", format!("{DEFS}/Nope_Project"), None),
        ("GET", format!("{DEFS}/NoUnderscore"), None),
        ("PATCH", format!("{DEFS}/Engineering_Nope"), Some("{}")),
        (
            "GET",
            format!("{DEFS}/Engineering_Nope/allowedValues"),
            None,
        ),
        (
            "POST",
            format!("{DEFS}/Engineering_Nope/allowedValues"),
            Some(r#"{"id": "A", "isActive": true}"#),
        ),
        (
            "GET",
            format!("{DEFS}/Engineering_Project/allowedValues/alpine"),
            None,
        ),
        (
            "PATCH",
            format!("{DEFS}/Engineering_Project/allowedValues/Zulu"),
            Some(r#"{"isActive": false}"#),
        ),
    ] {
        let o = run(&c, m, &path, body, Some(&tenant_ada()));
        refused_with(&o, "not_found");
        assert_eq!(codes(&o), ["not_found"], "{m} {path}");
    }
    // Names compare case-insensitively, values case-sensitively.
    assert!(run(
        &c,
        "GET",
        &format!("{DEFS}/engineering_PROJECT/allowedValues/Alpine"),
        None,
        None
    )
    .is_allowed());
}

#[test]
fn requests_graph_does_not_offer_are_unsupported() {
    let c = sample_catalog();
    for (m, path) in [
        ("PUT", format!("{SETS}/Engineering")),
        ("POST", format!("{SETS}/Engineering")),
        ("PATCH", SETS.to_owned()),
        ("DELETE", SETS.to_owned()),
        (
            "DELETE",
            format!("{DEFS}/Engineering_Project/allowedValues"),
        ),
        ("GET", "/users/abc".to_owned()),
        ("GET", format!("{SETS}?$top=1")),
        (
            "GET",
            "https://example.com/v1.0/directory/attributeSets".to_owned(),
        ),
    ] {
        let o = run(&c, m, &path, Some("{}"), None);
        refused_with(&o, "unsupported_request");
        assert_eq!(o.status(), 405, "{m} {path}");
    }
    // Full URLs, `/beta` and the key syntax are read.
    for path in [
        "https://graph.microsoft.com/beta/directory/attributeSets('Engineering')",
        "/v1.0/directory/attributeSets/Engineering/",
    ] {
        assert!(run(&c, "GET", path, None, None).is_allowed(), "{path}");
    }
}

#[test]
fn set_limit_cannot_drop_below_the_active_count() {
    // Engineering has 6 active definitions.
    let c = sample_catalog();
    let path = format!("{SETS}/Engineering");
    let o = run(
        &c,
        "PATCH",
        &path,
        Some(r#"{"maxAttributesPerSet": 5}"#),
        None,
    );
    refused_with(&o, "limit_exceeded");
    assert_eq!(o.violations()[0].pointer(), "/maxAttributesPerSet");
    let o = run(
        &c,
        "PATCH",
        &path,
        Some(r#"{"maxAttributesPerSet": 6}"#),
        None,
    );
    assert_eq!(
        accepted(&o)
            .attribute_set("Engineering")
            .unwrap()
            .max_attributes_per_set(),
        Some(6)
    );
    let o = run(
        &c,
        "PATCH",
        &path,
        Some(r#"{"maxAttributesPerSet": 501}"#),
        None,
    );
    refused_with(&o, "invalid_property");
}

#[test]
fn reactivation_and_creation_respect_the_set_limit() {
    // Engineering limited to its 6 active definitions, one more deactivated.
    let mut j = sample_catalog_json();
    j["attributeSets"]["value"][0]["maxAttributesPerSet"] = json!(6);
    let mut extra = crate::common::definition_mut(&mut j, "Engineering_ProjectDate").clone();
    extra["id"] = json!("Engineering_Old");
    extra["name"] = json!("Old");
    extra["status"] = json!("Deprecated");
    j["customSecurityAttributeDefinitions"]["value"]
        .as_array_mut()
        .unwrap()
        .push(extra);
    let c = catalog(&j);
    let o = run(
        &c,
        "PATCH",
        &format!("{DEFS}/Engineering_Old"),
        Some(r#"{"status": "Available"}"#),
        None,
    );
    refused_with(&o, "limit_exceeded");
    assert_eq!(o.violations()[0].pointer(), "/status");
    // After deactivating another one, the reactivation fits.
    let freed = run(
        &c,
        "PATCH",
        &format!("{DEFS}/Engineering_Datacenter"),
        Some(r#"{"status": "Deprecated"}"#),
        None,
    );
    let c2 = accepted(&freed).clone();
    accepted(&run(
        &c2,
        "PATCH",
        &format!("{DEFS}/Engineering_Old"),
        Some(r#"{"status": "Available"}"#),
        None,
    ));
    // Creating a seventh active definition is refused; a deactivated one is not.
    let new_def = |status: &str| {
        json!({"attributeSet": "Engineering", "name": "Extra", "type": "String", "isCollection": false,
               "isSearchable": true, "status": status, "usePreDefinedValuesOnly": false})
        .to_string()
    };
    refused_with(
        &run(&c, "POST", DEFS, Some(&new_def("Available")), None),
        "limit_exceeded",
    );
    accepted(&run(&c, "POST", DEFS, Some(&new_def("Deprecated")), None));
}

#[test]
fn tenant_limit_of_500_sets() {
    let mut j = sample_catalog_json();
    let sets = j["attributeSets"]["value"].as_array_mut().unwrap();
    while sets.len() < 500 {
        let n = sets.len();
        sets.push(json!({"id": format!("Set{n}")}));
    }
    let c = catalog(&j);
    refused_with(
        &run(&c, "POST", SETS, Some(r#"{"id": "OneMore"}"#), None),
        "limit_exceeded",
    );
    let c = catalog(&sample_catalog_json());
    accepted(&run(&c, "POST", SETS, Some(r#"{"id": "OneMore"}"#), None));
}

#[test]
fn duplicates_are_refused() {
    let c = sample_catalog();
    let o = run(&c, "POST", SETS, Some(r#"{"id": "ENGINEERING"}"#), None);
    refused_with(&o, "duplicate_name");
    assert_eq!(o.violations()[0].pointer(), "/id");
    let body = json!({"attributeSet": "Engineering", "name": "project", "type": "String", "isCollection": false,
                      "isSearchable": true, "status": "Available", "usePreDefinedValuesOnly": false});
    let o = run(&c, "POST", DEFS, Some(&body.to_string()), None);
    refused_with(&o, "duplicate_name");
    assert_eq!(o.violations()[0].pointer(), "/name");
    let values = format!("{DEFS}/Engineering_Project/allowedValues");
    refused_with(
        &run(
            &c,
            "POST",
            &values,
            Some(r#"{"id": "Alpine", "isActive": true}"#),
            None,
        ),
        "duplicate_name",
    );
    // Values compare case-sensitively: `alpine` is another value.
    accepted(&run(
        &c,
        "POST",
        &values,
        Some(r#"{"id": "alpine", "isActive": true}"#),
        None,
    ));
    let o = run(
        &c,
        "PATCH",
        &format!("{DEFS}/Engineering_Project"),
        Some(
            r#"{"allowedValues@delta": [{"id": "Zulu", "isActive": true}, {"id": "Zulu", "isActive": false}]}"#,
        ),
        None,
    );
    refused_with(&o, "duplicate_name");
    assert_eq!(o.violations()[0].pointer(), "/allowedValues@delta/1/id");
}

#[test]
fn definitions_need_an_existing_set() {
    let c = sample_catalog();
    let body = |set: &str| {
        json!({"attributeSet": set, "name": "New", "type": "String", "isCollection": false,
               "isSearchable": true, "status": "Available", "usePreDefinedValuesOnly": false})
        .to_string()
    };
    let o = run(&c, "POST", DEFS, Some(&body("Enginering")), None);
    refused_with(&o, "unknown_attribute_set");
    assert_eq!(o.violations()[0].pointer(), "/attributeSet");
    assert!(o.violations()[0].hint().unwrap().contains("Engineering"));
    let o = run(&c, "POST", DEFS, Some(&body("engineering")), None);
    let def = accepted(&o).definition_by_id("Engineering_New").unwrap();
    assert_eq!(def.attribute_set(), "Engineering", "catalog casing wins");
    assert_eq!(o.response_body().unwrap()["id"], "Engineering_New");
}

#[test]
fn the_validity_rules_apply_to_created_items() {
    let c = sample_catalog();
    for (body, code) in [
        (
            json!({"attributeSet": "Engineering", "name": "Bad Name", "type": "String", "isCollection": false, "isSearchable": true, "status": "Available", "usePreDefinedValuesOnly": false}),
            "invalid_name",
        ),
        (
            json!({"attributeSet": "Engineering", "name": "Flag", "type": "Boolean", "isCollection": true, "isSearchable": true, "status": "Available", "usePreDefinedValuesOnly": false}),
            "boolean_collection",
        ),
        (
            json!({"attributeSet": "Engineering", "name": "Flag", "type": "Date", "isCollection": false, "isSearchable": true, "status": "Available", "usePreDefinedValuesOnly": false}),
            "invalid_type",
        ),
        (
            json!({"attributeSet": "Engineering", "name": "Flag", "type": "String", "isCollection": false, "isSearchable": true, "usePreDefinedValuesOnly": false}),
            "missing_property",
        ),
        (
            json!({"id": "Engineering_Other", "attributeSet": "Engineering", "name": "Flag", "type": "String", "isCollection": false, "isSearchable": true, "status": "Available", "usePreDefinedValuesOnly": false}),
            "id_mismatch",
        ),
    ] {
        refused_with(&run(&c, "POST", DEFS, Some(&body.to_string()), None), code);
    }
    refused_with(
        &run(
            &c,
            "POST",
            SETS,
            Some(&json!({"id": "Ok", "description": "x".repeat(129)}).to_string()),
            None,
        ),
        "description_too_long",
    );
    accepted(&run(
        &c,
        "POST",
        SETS,
        Some(&json!({"id": "Ok", "description": "x".repeat(128)}).to_string()),
        None,
    ));
}

#[test]
fn allowed_values_follow_the_definition_type_and_limit() {
    let c = sample_catalog();
    // Engineering_CostCenter is a multi-valued Integer.
    let path = format!("{DEFS}/Engineering_CostCenter/allowedValues");
    refused_with(
        &run(
            &c,
            "POST",
            &path,
            Some(r#"{"id": "012", "isActive": true}"#),
            None,
        ),
        "invalid_allowed_value",
    );
    accepted(&run(
        &c,
        "POST",
        &path,
        Some(r#"{"id": "12", "isActive": true}"#),
        None,
    ));
    // Booleans have none.
    refused_with(
        &run(
            &c,
            "POST",
            &format!("{DEFS}/Engineering_Certification/allowedValues"),
            Some(r#"{"id": "true", "isActive": true}"#),
            None,
        ),
        "invalid_allowed_value",
    );
    // 100 values at most, active or not: 3 + 97 fit, 3 + 98 do not.
    let delta = |n: usize| {
        let items: Vec<Json> = (0..n)
            .map(|i| json!({"id": format!("V{i}"), "isActive": i % 2 == 0}))
            .collect();
        json!({ "allowedValues@delta": items }).to_string()
    };
    let project = format!("{DEFS}/Engineering_Project");
    let o = run(&c, "PATCH", &project, Some(&delta(98)), None);
    refused_with(&o, "too_many_allowed_values");
    let o = run(&c, "PATCH", &project, Some(&delta(97)), None);
    let full = accepted(&o).clone();
    assert_eq!(
        full.definition_by_id("Engineering_Project")
            .unwrap()
            .allowed_values()
            .len(),
        100
    );
    refused_with(
        &run(
            &full,
            "POST",
            &format!("{project}/allowedValues"),
            Some(r#"{"id": "More", "isActive": true}"#),
            None,
        ),
        "too_many_allowed_values",
    );
    // `allowedValues` itself cannot be replaced by an update.
    refused_with(
        &run(
            &c,
            "PATCH",
            &project,
            Some(r#"{"allowedValues": []}"#),
            None,
        ),
        "invalid_property",
    );
}

#[test]
fn unknown_properties_are_ignored_with_a_warning() {
    let c = sample_catalog();
    let o = run(
        &c,
        "PATCH",
        &format!("{DEFS}/Engineering_Project"),
        Some(
            r##"{"description": "x", "colour": "blue", "@odata.type": "#microsoft.graph.customSecurityAttributeDefinition"}"##,
        ),
        None,
    );
    accepted(&o);
    assert_eq!(warning_codes(&o), ["ignored_property"]);
    assert_eq!(o.warnings()[0].pointer(), "/colour");
}

#[test]
fn bodies_are_required_for_writes_and_limited_in_size() {
    let c = sample_catalog();
    refused_with(&run(&c, "POST", SETS, None, None), "invalid_json");
    refused_with(
        &run(&c, "POST", SETS, Some("[1]"), None),
        "invalid_property",
    );
    let big = format!(
        r#"{{"id": "Big", "description": "{}"}}"#,
        "x".repeat(1 << 20)
    );
    refused_with(
        &run(&c, "POST", SETS, Some(&big), None),
        "payload_too_large",
    );
}

#[test]
fn a_write_that_changes_nothing_is_accepted_with_no_changes() {
    let c = sample_catalog();
    let o = run(
        &c,
        "PATCH",
        &format!("{SETS}/Engineering"),
        Some(r#"{"description": "Attributes for engineering team"}"#),
        None,
    );
    accepted(&o);
    assert!(o.changes().is_empty());
}

#[test]
fn outcome_serialises_as_the_cli_prints_it() {
    let c = sample_catalog();
    let o = run(
        &c,
        "PATCH",
        &format!("{DEFS}/Engineering_Project"),
        Some(r#"{"status": "Deprecated"}"#),
        Some(&tenant_ada()),
    );
    let j = serde_json::to_value(&o).unwrap();
    assert_eq!(j["allowed"], true);
    assert_eq!(j["authorization"], "checked");
    assert!(j["changes"].is_array());
    assert_eq!(j["warnings"], json!([]));
    let o = run(
        &c,
        "DELETE",
        &format!("{DEFS}/Engineering_Project"),
        None,
        None,
    );
    let j = serde_json::to_value(&o).unwrap();
    assert_eq!(j["allowed"], false);
    assert_eq!(j["authorization"], "not_checked");
    assert_eq!(j["violations"][0]["code"], "deleted");
    assert_eq!(j["violations"][0]["status"], 405);
}

// ---------------------------------------------------------------------------------------------
// Roles and scopes (docs/RULES.md, What each request needs)

#[test]
fn attribute_sets_need_tenant_scope_to_create_or_change() {
    let c = sample_catalog();
    let body = Some(r#"{"id": "Finance"}"#);
    accepted(&run(&c, "POST", SETS, body, Some(&tenant_ada())));
    accepted(&run(
        &c,
        "POST",
        SETS,
        body,
        Some(&Actor::new().with_app_permission(APP_DEF_RW)),
    ));
    for actor in [
        set_ada("Engineering"),
        Actor::new().with_role(ADR, "/"),
        Actor::new().with_role(AAA, "/"),
        Actor::new().with_app_permission(APP_DEF_R),
        Actor::new(),
    ] {
        let o = run(&c, "POST", SETS, body, Some(&actor));
        refused_with(&o, "permission_denied");
        assert_eq!(o.status(), 403);
    }
    // A set-scoped administrator cannot change even its own set.
    let o = run(
        &c,
        "PATCH",
        &format!("{SETS}/Engineering"),
        Some(r#"{"description": "mine"}"#),
        Some(&set_ada("Engineering")),
    );
    refused_with(&o, "permission_denied");
    accepted(&run(
        &c,
        "PATCH",
        &format!("{SETS}/Engineering"),
        Some(r#"{"description": "mine"}"#),
        Some(&tenant_ada()),
    ));
}

#[test]
fn a_set_scoped_administrator_manages_definitions_in_its_set_only() {
    let c = sample_catalog();
    let actor = set_ada("Engineering");
    let body = |set: &str| {
        json!({"attributeSet": set, "name": "New", "type": "String", "isCollection": false,
               "isSearchable": true, "status": "Available", "usePreDefinedValuesOnly": false})
        .to_string()
    };
    accepted(&run(
        &c,
        "POST",
        DEFS,
        Some(&body("Engineering")),
        Some(&actor),
    ));
    let o = run(&c, "POST", DEFS, Some(&body("Marketing")), Some(&actor));
    refused_with(&o, "permission_denied");
    assert_eq!(codes(&o), ["permission_denied"]);
    // A set that does not exist gets the same answer as one outside the scope.
    let o = run(&c, "POST", DEFS, Some(&body("Finance")), Some(&actor));
    assert_eq!(codes(&o), ["permission_denied"]);
    assert!(!o.violations()[0].message().contains("does not exist"));

    for (method, path, body) in [
        (
            "PATCH",
            format!("{DEFS}/Engineering_Project"),
            r#"{"status": "Deprecated"}"#,
        ),
        (
            "POST",
            format!("{DEFS}/Engineering_Project/allowedValues"),
            r#"{"id": "Denali", "isActive": true}"#,
        ),
        (
            "PATCH",
            format!("{DEFS}/Engineering_Project/allowedValues/Alpine"),
            r#"{"isActive": false}"#,
        ),
    ] {
        accepted(&run(&c, method, &path, Some(body), Some(&actor)));
        let other = path
            .replace("Engineering_Project", "Marketing_AppCountry")
            .replace("Alpine", "Canada");
        refused_with(
            &run(&c, method, &other, Some(body), Some(&actor)),
            "permission_denied",
        );
    }
}

#[test]
fn reads_are_limited_to_the_sets_in_scope() {
    let c = sample_catalog();
    let reader = set_adr("Engineering");
    // Lists show only what the actor may read.
    let o = run(&c, "GET", SETS, None, Some(&reader));
    let ids: Vec<&str> = o.response_body().unwrap()["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["Engineering"]);
    let o = run(&c, "GET", DEFS, None, Some(&reader));
    let sets: Vec<&str> = o.response_body().unwrap()["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["attributeSet"].as_str().unwrap())
        .collect();
    assert!(!sets.is_empty() && sets.iter().all(|s| *s == "Engineering"));
    // A tenant reader sees everything.
    let o = run(
        &c,
        "GET",
        DEFS,
        None,
        Some(&Actor::new().with_role(ADR, "/")),
    );
    assert_eq!(
        o.response_body().unwrap()["value"]
            .as_array()
            .unwrap()
            .len(),
        c.definitions().len()
    );
    // An actor holding no read permission anywhere is refused the list.
    refused_with(
        &run(&c, "GET", DEFS, None, Some(&Actor::new())),
        "permission_denied",
    );
    // Global Administrator has no CSA rights; an assignment administrator reads sets.
    refused_with(
        &run(
            &c,
            "GET",
            SETS,
            None,
            Some(&Actor::new().with_role(crate::common::GLOBAL_ADMIN, "/")),
        ),
        "permission_denied",
    );
    assert!(run(
        &c,
        "GET",
        SETS,
        None,
        Some(&Actor::new().with_role(AAA, "/"))
    )
    .is_allowed());
    // Readers cannot write.
    refused_with(
        &run(
            &c,
            "PATCH",
            &format!("{DEFS}/Engineering_Project"),
            Some(r#"{"description": "x"}"#),
            Some(&reader),
        ),
        "permission_denied",
    );
}

#[test]
fn not_found_only_for_actors_who_could_read_the_item() {
    let c = sample_catalog();
    let reader = set_adr("Engineering");
    // In scope: an existing item is read, a missing one is not found.
    assert!(run(
        &c,
        "GET",
        &format!("{DEFS}/Engineering_Project"),
        None,
        Some(&reader)
    )
    .is_allowed());
    refused_with(
        &run(
            &c,
            "GET",
            &format!("{DEFS}/Engineering_Nope"),
            None,
            Some(&reader),
        ),
        "not_found",
    );
    // Out of scope: existing or not, the same refusal, naming nothing of the catalog.
    let existing = run(
        &c,
        "GET",
        &format!("{DEFS}/Marketing_AppCountry"),
        None,
        Some(&reader),
    );
    let missing = run(
        &c,
        "GET",
        &format!("{DEFS}/Marketing_Nope"),
        None,
        Some(&reader),
    );
    assert_eq!(codes(&existing), ["permission_denied"]);
    assert_eq!(codes(&missing), ["permission_denied"]);
    let strip = |o: &DefineOutcome| o.violations()[0].message().replace("AppCountry", "Nope");
    assert_eq!(strip(&existing), strip(&missing));
    let o = run(
        &c,
        "DELETE",
        &format!("{SETS}/Marketing"),
        None,
        Some(&reader),
    );
    assert_eq!(codes(&o), ["permission_denied"]);
}

#[test]
fn app_permissions_for_definitions() {
    let c = sample_catalog();
    let rw = Actor::new().with_app_permission(APP_DEF_RW);
    let r = Actor::new().with_app_permission(APP_DEF_R);
    let path = format!("{DEFS}/Marketing_AppCountry");
    let body = Some(r#"{"description": "Countries"}"#);
    accepted(&run(&c, "PATCH", &path, body, Some(&rw)));
    refused_with(
        &run(&c, "PATCH", &path, body, Some(&r)),
        "permission_denied",
    );
    assert!(run(&c, "GET", &path, None, Some(&r)).is_allowed());
}

// ---------------------------------------------------------------------------------------------
// Property: requests and the evolution check agree

mod sequences {
    use super::*;
    use proptest::prelude::*;

    /// One request, its names drawn by index from the catalog it is applied to.
    #[derive(Debug, Clone)]
    enum Op {
        CreateSet(u8),
        SetDescription(usize, u8),
        SetMax(usize, u16),
        CreateDefinition(usize, u8, u8, bool, bool, bool),
        DefinitionStatus(usize, bool),
        DefinitionDescription(usize, u8),
        Predefined(usize, bool),
        Delta(usize, Vec<(u8, bool)>),
        CreateValue(usize, u8),
        ValueActive(usize, usize, bool),
        Immutable(usize),
        Delete(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            any::<u8>().prop_map(Op::CreateSet),
            (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Op::SetDescription(a, b)),
            (any::<usize>(), 0u16..12).prop_map(|(a, b)| Op::SetMax(a, b)),
            (
                any::<usize>(),
                any::<u8>(),
                0u8..3,
                any::<bool>(),
                any::<bool>(),
                any::<bool>()
            )
                .prop_map(|(a, b, c, d, e, f)| Op::CreateDefinition(a, b, c, d, e, f)),
            (any::<usize>(), any::<bool>()).prop_map(|(a, b)| Op::DefinitionStatus(a, b)),
            (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Op::DefinitionDescription(a, b)),
            (any::<usize>(), any::<bool>()).prop_map(|(a, b)| Op::Predefined(a, b)),
            (
                any::<usize>(),
                prop::collection::vec((0u8..8, any::<bool>()), 0..4)
            )
                .prop_map(|(a, b)| Op::Delta(a, b)),
            (any::<usize>(), 0u8..8).prop_map(|(a, b)| Op::CreateValue(a, b)),
            (any::<usize>(), any::<usize>(), any::<bool>())
                .prop_map(|(a, b, c)| Op::ValueActive(a, b, c)),
            any::<usize>().prop_map(Op::Immutable),
            any::<usize>().prop_map(Op::Delete),
        ]
    }

    fn pick<T>(items: &[T], i: usize) -> Option<&T> {
        if items.is_empty() {
            None
        } else {
            items.get(i % items.len())
        }
    }

    type Request = (&'static str, String, Option<String>);

    /// The request an op stands for on catalog `c` (None when `c` has nothing to name).
    fn request(c: &Catalog, op: &Op) -> Option<Request> {
        let sets = c.attribute_sets();
        let defs = c.definitions();
        let value_of = |d: &csa::AttributeDefinition, n: u8| match d.attribute_type() {
            csa::AttributeType::Integer => format!("{}", i32::from(n) - 3),
            _ => format!("V{n}"),
        };
        let send =
            |m: &'static str, path: String, body: Json| Some((m, path, Some(body.to_string())));
        let set_path = |i: usize| pick(sets, i).map(|s| format!("{SETS}/{}", s.id()));
        let def = |i: usize| pick(defs, i);
        let def_path = |d: &csa::AttributeDefinition| format!("{DEFS}/{}", d.id());
        match op {
            Op::CreateSet(n) => send("POST", SETS.to_owned(), json!({"id": format!("S{n}")})),
            Op::SetDescription(i, n) => send(
                "PATCH",
                set_path(*i)?,
                json!({"description": format!("d{n}")}),
            ),
            Op::SetMax(i, m) => send("PATCH", set_path(*i)?, json!({"maxAttributesPerSet": m})),
            Op::CreateDefinition(i, n, ty, coll, pre, active) => {
                let s = pick(sets, *i)?;
                let ty = ["String", "Integer", "Boolean"][usize::from(*ty)];
                let body = json!({"attributeSet": s.id(), "name": format!("A{n}"), "type": ty,
                    "isCollection": *coll && ty != "Boolean", "isSearchable": true,
                    "status": if *active { "Available" } else { "Deprecated" },
                    "usePreDefinedValuesOnly": *pre && ty != "Boolean"});
                send("POST", DEFS.to_owned(), body)
            }
            Op::DefinitionStatus(i, active) => {
                let st = if *active { "Available" } else { "Deprecated" };
                send("PATCH", def_path(def(*i)?), json!({"status": st}))
            }
            Op::DefinitionDescription(i, n) => send(
                "PATCH",
                def_path(def(*i)?),
                json!({"description": format!("d{n}")}),
            ),
            Op::Predefined(i, on) => send(
                "PATCH",
                def_path(def(*i)?),
                json!({"usePreDefinedValuesOnly": on}),
            ),
            Op::Delta(i, entries) => {
                let d = def(*i)?;
                let items: Vec<Json> = entries
                    .iter()
                    .map(|(n, a)| json!({"id": value_of(d, *n), "isActive": a}))
                    .collect();
                send("PATCH", def_path(d), json!({"allowedValues@delta": items}))
            }
            Op::CreateValue(i, n) => {
                let d = def(*i)?;
                send(
                    "POST",
                    format!("{}/allowedValues", def_path(d)),
                    json!({"id": value_of(d, *n), "isActive": true}),
                )
            }
            Op::ValueActive(i, j, a) => {
                let d = def(*i)?;
                let v = pick(d.allowed_values(), *j)?;
                send(
                    "PATCH",
                    format!("{}/allowedValues/{}", def_path(d), v.id()),
                    json!({"isActive": a}),
                )
            }
            Op::Immutable(i) => send("PATCH", def_path(def(*i)?), json!({"type": "String"})),
            Op::Delete(i) => Some(("DELETE", def_path(def(*i)?), None)),
        }
    }

    proptest! {
        #![proptest_config(crate::common::proptest_config("proptest-regressions/define.txt", 64))]

        /// Any sequence of accepted requests gives a catalog that passes `lint` and whose
        /// evolution from the start is legal; each accepted step's changes are the evolution
        /// of that step; a refused step writes nothing.
        #[test]
        fn accepted_requests_evolve_legally(ops in prop::collection::vec(op(), 1..24)) {
            let start = sample_catalog();
            let mut current = start.clone();
            for op in &ops {
                let Some((m, path, body)) = request(&current, op) else { continue };
                let o = run(&current, m, &path, body.as_deref(), None);
                match o.catalog() {
                    Some(next) => {
                        prop_assert!(o.is_allowed());
                        let step = current.evolve(next);
                        prop_assert!(step.is_legal(), "{m} {path} {body:?}: {:?}", step.changes());
                        prop_assert_eq!(step.changes(), o.changes());
                        current = next.clone();
                    }
                    None => prop_assert!(!o.is_allowed() && !o.violations().is_empty()),
                }
            }
            let bytes = serde_json::to_vec(&current).unwrap();
            let lint = Catalog::lint(&bytes, &csa::Policy::default());
            prop_assert!(lint.is_valid(), "{:?}", lint.violations());
            prop_assert!(start.evolve(&current).is_legal());
        }
    }
}

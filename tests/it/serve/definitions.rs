//! Attribute sets, definitions and allowed values over HTTP, each answered as `csa define`
//! answers it, and each accepted write swapping the catalog the later PATCHes are decided on.

use serde_json::{json, Value};

use super::*;
use csa::commands::{Check, Define};
use csa::Method;

/// The documented definition requests, in an order that makes one history, each answered as
/// `csa define` answers it on the catalog the requests before it left.
#[test]
fn definitions_are_decided_as_csa_define_decides_them() {
    let s = Scratch::new("define");
    let d = double(&s);
    let mut catalog = catalog_bytes();
    let definitions = crate::common::examples_in("definitions");
    let example = |id: &str| {
        definitions
            .iter()
            .find(|(name, _)| name.starts_with(id))
            .map(|(_, e)| e.clone())
            .unwrap()
    };
    let mut steps: Vec<(String, String, Option<Value>, &str)> = Vec::new();
    for id in [
        "D01", "D02", "D03", "D06", "D08", "D09", "D12", "D15", "D16", "D17", "D18",
    ] {
        let e = example(id);
        let url = e["request"]["url"].as_str().unwrap();
        let path = url
            .trim_start_matches("https://graph.microsoft.com")
            .to_owned();
        let body = e["request"]["body"].clone();
        steps.push((
            e["request"]["method"].as_str().unwrap().to_owned(),
            path,
            (!body.is_null()).then_some(body),
            "definer",
        ));
    }
    steps.extend([
        ("DELETE".to_owned(), "/v1.0/directory/attributeSets/Engineering".to_owned(), None, "definer"),
        ("POST".to_owned(), "/v1.0/directory/attributeSets".to_owned(), Some(json!({"id": "Finance"})), "eng"),
        ("GET".to_owned(), "/v1.0/directory/attributeSets/Nope".to_owned(), None, "definer"),
        ("POST".to_owned(), "/v1.0/directory/attributeSets".to_owned(), Some(json!({"id": "Engineering"})), "definer"),
        // A new set and a definition in it: the PATCH below assigns it.
        ("POST".to_owned(), "/v1.0/directory/attributeSets".to_owned(), Some(json!({"id": "Finance", "description": "Finance", "maxAttributesPerSet": 10})), "definer"),
        ("POST".to_owned(), "/v1.0/directory/customSecurityAttributeDefinitions".to_owned(), Some(json!({
            "attributeSet": "Finance", "name": "CostCode", "description": "Cost code", "type": "String",
            "status": "Available", "isCollection": false, "isSearchable": true, "usePreDefinedValuesOnly": false
        })), "definer"),
        ("GET".to_owned(), "/beta/directory/customSecurityAttributeDefinitions('Engineering_Project')/allowedValues".to_owned(), None, "admin"),
        ("GET".to_owned(), "/v1.0/directory/attributeSets?$top=1".to_owned(), None, "admin"),
        ("GET".to_owned(), "/v1.0/directory/deletedItems".to_owned(), None, "admin"),
    ]);
    // Before the definition exists, assigning it is refused.
    let cost_code = assign("Finance", json!({"CostCode": "CC-7"}));
    let alain = format!("/v1.0/users/{ALAIN}");
    assert_eq!(d.patch(&alain, "admin", &cost_code).status, 400);
    let mut writes = 0;
    let mut statuses = Vec::new();
    for (method, path, body, token) in &steps {
        let bytes = body.as_ref().map(|b| serde_json::to_vec(b).unwrap());
        let a = d.call(method, path, Some(token), &[], bytes.as_deref());
        statuses.push(a.status);
        let lib_path = path.trim_start_matches("/v1.0").trim_start_matches("/beta");
        let mut define = Define::new(&catalog, method.parse::<Method>().unwrap(), lib_path);
        if let Some(b) = &bytes {
            define = define.body(b);
        }
        let actor = actor_of(token);
        if let Some(actor) = &actor {
            define = define.actor(actor);
        }
        let report = define.run().unwrap();
        let graph = report.graph_answer();
        assert_eq!(a.status, graph.status(), "{method} {path}: {}", a.text);
        match graph.body_json() {
            Some(expected) if a.status < 400 => assert_eq!(a.body, expected, "{method} {path}"),
            Some(expected) => {
                assert_eq!(a.code(), expected["error"]["code"], "{method} {path}");
                assert_eq!(a.message(), expected["error"]["message"], "{method} {path}");
                has_inner_error(&a);
            }
            None => assert_eq!(a.text, "", "{method} {path}"),
        }
        if let Some(new) = report.catalog() {
            catalog = serde_json::to_vec(new).unwrap();
            writes += 1;
        }
    }
    // D01 (the set exists), DELETE (refused as Graph refuses it), the eng token's POST (403),
    // Engineering again (conflict) and the unknown set (404) are refused; D02, D09, D17 and
    // Finance's set and definition are accepted.
    assert_eq!(writes, 5, "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|&&s| s == 201).count(),
        2,
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&403) && statuses.contains(&404),
        "{statuses:?}"
    );
    let health = d.call("GET", "/$csa/health", None, &[], None);
    assert_eq!(health.body["catalogVersion"], writes + 1);

    // Assignments are decided on the new catalog: D17 deactivated Engineering_Project's Alpine.
    let a = d.patch(
        &format!("/v1.0/users/{ALAIN}"),
        "admin",
        &assign(
            "Engineering",
            json!({"Project@odata.type": "#Collection(String)", "Project": ["Alpine"]}),
        ),
    );
    assert_eq!(a.status, 400, "{}", a.text);
    let check = Check::new(
        &catalog,
        &serde_json::to_vec(&assign(
            "Engineering",
            json!({"Project@odata.type": "#Collection(String)", "Project": ["Alpine"]}),
        ))
        .unwrap(),
    )
    .run()
    .unwrap();
    assert_eq!(
        a.message(),
        check.graph_answer().body_json().unwrap()["error"]["message"]
    );
    // And the definition created is assignable now.
    assert_eq!(d.patch(&alain, "admin", &cost_code).status, 204);
    let a = d.get(
        &format!("{alain}?$select=customSecurityAttributes"),
        "admin",
    );
    assert_eq!(
        a.body["customSecurityAttributes"]["Finance"]["CostCode"],
        "CC-7"
    );
}

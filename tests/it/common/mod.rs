//! Shared helpers for the integration tests: the documented Graph examples, the sample catalog,
//! engines, actors, objects and PATCH bodies.
//!
//! Use it from a test module with `use crate::common::*;` (or the helpers by name). Every module
//! uses only some of the helpers, hence the `dead_code` allowance. `cfg(test)` puts the helpers
//! under clippy's `allow-unwrap-in-tests` (and friends), which otherwise cover only `#[test]`
//! functions.
#![cfg(test)]
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use csa::{
    Actor, Catalog, DefineOutcome, Engine, Evaluation, Object, ObjectKind, Policy, State,
    Violation, Warning,
};
use serde_json::{json, Value as Json};

/// The request-form set type (`@odata.type` of a set object in a PATCH).
pub const REQUEST_SET_TYPE: &str = "#Microsoft.DirectoryServices.CustomSecurityAttributeValue";
/// The response-form set type (`@odata.type` of a set object in a GET response).
pub const RESPONSE_SET_TYPE: &str = "#microsoft.graph.customSecurityAttributeValue";

/// Attribute Definition Reader (template id).
pub const ADR: &str = "1d336d2c-4ae8-42ef-9711-b3604ce3fc2c";
/// Attribute Definition Administrator (template id).
pub const ADA: &str = "8424c6f0-a189-499e-bbd0-26c1753c96d4";
/// Attribute Assignment Reader (template id).
pub const AAR: &str = "ffd52fa5-98dc-465c-991d-fc073eb59f8f";
/// Attribute Assignment Administrator (template id).
pub const AAA: &str = "58a13ea3-c632-46ae-9ee0-9c0d43cd7f3d";
/// Global Administrator (template id): grants no CSA rights.
pub const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
/// User Administrator (template id): grants no CSA rights.
pub const USER_ADMIN: &str = "fe930be7-5e62-47db-91af-98c3a49a38b1";

/// The app permission that allows reading and assigning everywhere.
pub const APP_ASSIGN_RW: &str = "CustomSecAttributeAssignment.ReadWrite.All";
/// The app permission that allows reading assignments everywhere.
pub const APP_ASSIGN_R: &str = "CustomSecAttributeAssignment.Read.All";

/// `tests/data/graph-examples` in the repository.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/graph-examples")
}

/// Reads a JSON file under `tests/data/graph-examples` (path relative to it).
pub fn read_json(relative: &str) -> Json {
    let path = examples_dir().join(relative);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// Every example envelope in a folder of `graph-examples` (e.g. `assignments`), sorted by
/// file name, as `(file name, envelope)`.
pub fn examples_in(folder: &str) -> Vec<(String, Json)> {
    let dir = examples_dir().join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let rel = format!("{folder}/{name}");
            (name, read_json(&rel))
        })
        .collect()
}

/// An example's id (`"A01"`).
pub fn example_id(example: &Json) -> &str {
    example["id"].as_str().expect("example has an id")
}

/// The state each documented assignment example (A01–A11) assumes, its preconditions, in
/// response form (`null`: nothing assigned), as `tests/it/examples.rs` builds it.
pub fn assignment_example_before(id: &str) -> Json {
    let eng = |members: Json| {
        let mut m = json!({"@odata.type": RESPONSE_SET_TYPE});
        for (k, v) in members.as_object().unwrap() {
            m[k] = v.clone();
        }
        json!({ "Engineering": m })
    };
    match id {
        "A01" | "A02" | "A03" | "A04" | "A05" | "A06" => Json::Null,
        "A07" => eng(json!({"NumVendors": 4})),
        "A08" => eng(json!({"Certification": true})),
        "A09" | "A11" => eng(json!({
            "Project@odata.type": "#Collection(String)",
            "Project": ["Baker", "Cascade"]
        })),
        "A10" => eng(json!({"ProjectDate": "2022-10-01"})),
        other => panic!("no before state for {other}"),
    }
}

/// An example's documented `request.body`, as bytes ready for [`Engine::evaluate`].
pub fn request_body(example: &Json) -> Vec<u8> {
    serde_json::to_vec(&example["request"]["body"]).unwrap()
}

/// The sample catalog's JSON (`sample-catalog.json`), to be edited by tests that need a
/// special catalog.
pub fn sample_catalog_json() -> Json {
    read_json("sample-catalog.json")
}

/// The sample catalog, compiled.
pub fn sample_catalog() -> Catalog {
    catalog_from(&sample_catalog_json())
}

/// Compiles a catalog from its JSON; panics with the violations when it is invalid.
pub fn catalog_from(json: &Json) -> Catalog {
    let bytes = serde_json::to_vec(json).unwrap();
    match Catalog::from_json(&bytes) {
        Ok(c) => c,
        Err(e) => panic!("catalog is invalid: {:?}", e.violations()),
    }
}

/// The attribute sets of a catalog JSON (as the sample writes it), for editing.
pub fn sets_mut(catalog: &mut Json) -> &mut Vec<Json> {
    catalog["attributeSets"]["value"].as_array_mut().unwrap()
}

/// The definitions of a catalog JSON (as the sample writes it), for editing.
pub fn defs_mut(catalog: &mut Json) -> &mut Vec<Json> {
    catalog["customSecurityAttributeDefinitions"]["value"]
        .as_array_mut()
        .unwrap()
}

/// The definition with id `Set_Name` in a catalog JSON (as the sample writes it), for editing.
pub fn definition_mut<'j>(catalog: &'j mut Json, id: &str) -> &'j mut Json {
    catalog["customSecurityAttributeDefinitions"]["value"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|d| d["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("no definition {id} in the catalog"))
}

/// The allowed values of the definition with id `Set_Name` in a catalog JSON, for editing.
pub fn values_mut<'j>(catalog: &'j mut Json, id: &str) -> &'j mut Vec<Json> {
    definition_mut(catalog, id)["allowedValues"]
        .as_array_mut()
        .unwrap()
}

/// The sample catalog with one definition edited by `edit`.
pub fn catalog_with_definition(id: &str, edit: impl FnOnce(&mut Json)) -> Catalog {
    let mut json = sample_catalog_json();
    edit(definition_mut(&mut json, id));
    catalog_from(&json)
}

/// The sample catalog with definition `id` deactivated (`status: Deprecated`).
pub fn catalog_with_deprecated(id: &str) -> Catalog {
    catalog_with_definition(id, |d| d["status"] = "Deprecated".into())
}

/// The sample catalog with the allowed value `value` of definition `id` made inactive.
pub fn catalog_with_inactive_value(id: &str, value: &str) -> Catalog {
    catalog_with_definition(id, |d| {
        let v = d["allowedValues"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|v| v["id"].as_str() == Some(value))
            .unwrap_or_else(|| panic!("no allowed value {value} on {id}"));
        v["isActive"] = false.into();
    })
}

/// An engine over the sample catalog with the default policy.
pub fn engine() -> Engine {
    Engine::new(sample_catalog(), Policy::default())
}

/// An engine over the sample catalog with `policy`.
pub fn engine_with_policy(policy: Policy) -> Engine {
    Engine::new(sample_catalog(), policy)
}

/// A cloud-only user with nothing assigned.
pub fn user() -> Object {
    Object::new(ObjectKind::User)
}

/// A cloud-only service principal with nothing assigned.
pub fn service_principal() -> Object {
    Object::new(ObjectKind::ServicePrincipal)
}

/// A state from a `customSecurityAttributes` JSON value (request or response form).
pub fn state(json: Json) -> State {
    csa::State::from_json(&serde_json::to_vec(&json).unwrap()).unwrap()
}

/// A cloud-only user holding `csa` (a `customSecurityAttributes` JSON value).
pub fn user_with(csa: Json) -> Object {
    user().with_state(state(csa))
}

/// The user of the R01 read example, from its documented response body: the state is what the
/// response holds (Engineering/Project [Baker, Cascade], Engineering/CostCenter [1001],
/// Engineering/Certification true, Marketing/EmployeeId "QN26904"), read through a JSON value,
/// which does not keep the file's key order (search.rs's `r01_user_in_file_order` does).
pub fn r01_user() -> Object {
    let r01 = read_json("reads/R01-get-user-csa.json");
    let body = serde_json::to_vec(&r01["response"]["body"]).unwrap();
    Object::from_json(&body).unwrap()
}

/// A PATCH body with one Engineering set object whose members (after the request-form set type)
/// are the raw JSON text `members`, e.g. `r#""ProjectDate": "2022-10-01""#`.
pub fn eng(members: &str) -> Vec<u8> {
    set_body("Engineering", members)
}

/// A PATCH body with one set object named `set` whose members (after the request-form set type)
/// are the raw JSON text `members`.
pub fn set_body(set: &str, members: &str) -> Vec<u8> {
    let sep = if members.trim().is_empty() { "" } else { ", " };
    format!(
        r#"{{"customSecurityAttributes": {{"{set}": {{"@odata.type": "{REQUEST_SET_TYPE}"{sep}{members}}}}}}}"#
    )
    .into_bytes()
}

/// An Attribute Assignment Administrator at the tenant scope.
pub fn tenant_admin() -> Actor {
    Actor::new().with_role(AAA, "/")
}

/// An Attribute Assignment Administrator scoped to one attribute set.
pub fn set_admin(set: &str) -> Actor {
    Actor::new().with_role(AAA, &format!("/attributeSets/{set}"))
}

/// An Attribute Assignment Reader at the tenant scope.
pub fn tenant_reader() -> Actor {
    Actor::new().with_role(AAR, "/")
}

/// What reports violations, for [`codes`]: an evaluation, a define outcome, or the violations
/// themselves (a refused reader's error).
pub trait HasViolations {
    fn violation_list(&self) -> &[Violation];
}

impl HasViolations for Evaluation {
    fn violation_list(&self) -> &[Violation] {
        self.violations()
    }
}

impl HasViolations for DefineOutcome {
    fn violation_list(&self) -> &[Violation] {
        self.violations()
    }
}

impl HasViolations for [Violation] {
    fn violation_list(&self) -> &[Violation] {
        self
    }
}

/// What reports warnings, for [`warning_codes`]: an evaluation or a define outcome.
pub trait HasWarnings {
    fn warning_list(&self) -> &[Warning];
}

impl HasWarnings for Evaluation {
    fn warning_list(&self) -> &[Warning] {
        self.warnings()
    }
}

impl HasWarnings for DefineOutcome {
    fn warning_list(&self) -> &[Warning] {
        self.warnings()
    }
}

/// The violation codes of an outcome, in order.
pub fn codes(outcome: &(impl HasViolations + ?Sized)) -> Vec<&'static str> {
    outcome
        .violation_list()
        .iter()
        .map(|v| v.code().as_str())
        .collect()
}

/// The warning codes of an outcome, in order.
pub fn warning_codes(outcome: &(impl HasWarnings + ?Sized)) -> Vec<&'static str> {
    outcome
        .warning_list()
        .iter()
        .map(|w| w.code().as_str())
        .collect()
}

/// The only violation of a refused evaluation; panics when there is not exactly one.
pub fn only_violation(eval: &Evaluation) -> &Violation {
    assert!(!eval.is_allowed(), "expected a refusal, got {eval:?}");
    assert_eq!(
        eval.violations().len(),
        1,
        "expected exactly one violation, got {:?}",
        eval.violations()
    );
    &eval.violations()[0]
}

/// Asserts that the evaluation is accepted and returns it (for chaining).
#[track_caller]
pub fn assert_accepted(eval: &Evaluation) -> &Evaluation {
    assert!(
        eval.is_allowed(),
        "expected acceptance, got violations {:?}",
        eval.violations()
    );
    eval
}

/// Asserts exactly one violation with this code, pointer and attribute; returns it.
#[track_caller]
pub fn assert_refused<'e>(
    eval: &'e Evaluation,
    code: &str,
    pointer: &str,
    attribute: Option<&str>,
) -> &'e Violation {
    let v = only_violation(eval);
    assert_eq!(v.code().as_str(), code, "code of {v:?}");
    assert_eq!(v.pointer(), pointer, "pointer of {v:?}");
    assert_eq!(v.attribute(), attribute, "attribute of {v:?}");
    v
}

/// The evaluation as the JSON the CLI prints (`serde_json::to_value`).
pub fn eval_json(eval: &Evaluation) -> Json {
    serde_json::to_value(eval).unwrap()
}

/// The evaluation serialised to a string (for leak checks).
pub fn eval_text(eval: &Evaluation) -> String {
    serde_json::to_string(eval).unwrap()
}

/// proptest's configuration for a property file: `default_cases` cases (`PROPTEST_CASES=N` runs
/// N), failing cases kept in `regressions` (a path under `proptest-regressions/`).
pub fn proptest_config(
    regressions: &'static str,
    default_cases: u32,
) -> proptest::test_runner::Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    proptest::test_runner::Config {
        cases,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(regressions),
        )),
        ..proptest::test_runner::Config::default()
    }
}

/// `base` with the case of each letter chosen by `bits`; `bits % 4 == 0` keeps it as it is.
pub fn recase(base: &str, bits: u32) -> String {
    if bits % 4 == 0 {
        return base.to_owned();
    }
    base.chars()
        .enumerate()
        .map(|(i, c)| {
            if (bits >> (i % 30 + 2)) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Whether two generated (ASCII) names are the same name.
pub fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Whether two values hold the same elements in the same order (`==` compares collections as
/// sets, as Graph does; outputs keep the order given).
pub fn same_order(a: &csa::Value, b: &csa::Value) -> bool {
    serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
}

/// Whether two states hold the same values with collections in the same order.
pub fn same_state_order(a: &State, b: &State) -> bool {
    a == b
        && a.iter()
            .zip(b.iter())
            .all(|((_, _, x), (_, _, y))| same_order(x, y))
}

//! Catalog validity (docs/RULES.md, Names and Catalogs): every catalog code and warning, each next
//! to a neighbouring catalog that is accepted. Catalogs are built by editing the documented sample
//! catalog (`tests/data/graph-examples/sample-catalog.json`) or from documented Graph list
//! responses.

// Helpers outside `#[test]` functions unwrap too: `cfg(test)` lets clippy.toml cover them.
#![cfg(test)]

// `sample()`: the documented sample catalog (list-response form), as JSON.
use crate::common::{defs_mut, read_json, sample_catalog_json as sample, sets_mut};
use csa::{Catalog, Code, Document, InputError, Policy, Status, Violation, WarningCode};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Helpers

/// Index of each attribute set in the sample.
const ENGINEERING: usize = 0;
const APPLICATION: usize = 2; // no definition refers to it: editing it cascades nowhere
/// Index of each definition in the sample.
const PROJECT_DATE: usize = 0; // Engineering_ProjectDate: String, single, free-form
const PROJECT: usize = 1; // Engineering_Project: String, multi, predefined Alpine/Baker/Cascade
const NUM_VENDORS: usize = 2; // Engineering_NumVendors: Integer, single
const CERTIFICATION: usize = 4; // Engineering_Certification: Boolean

fn set_ptr(i: usize) -> String {
    format!("/attributeSets/value/{i}")
}

fn def_ptr(i: usize) -> String {
    format!("/customSecurityAttributeDefinitions/value/{i}")
}

fn set_mut(c: &mut Value, i: usize) -> &mut serde_json::Map<String, Value> {
    c["attributeSets"]["value"][i].as_object_mut().unwrap()
}

fn def_mut(c: &mut Value, i: usize) -> &mut serde_json::Map<String, Value> {
    c["customSecurityAttributeDefinitions"]["value"][i]
        .as_object_mut()
        .unwrap()
}

fn value_mut(c: &mut Value, def: usize, v: usize) -> &mut serde_json::Map<String, Value> {
    c["customSecurityAttributeDefinitions"]["value"][def]["allowedValues"][v]
        .as_object_mut()
        .unwrap()
}

fn bytes(c: &Value) -> Vec<u8> {
    serde_json::to_vec(c).unwrap()
}

fn parse(c: &Value) -> Result<Catalog, InputError> {
    Catalog::from_json(&bytes(c))
}

/// The catalog must be accepted; its warnings other than the sample's own top-level
/// `description` are returned.
#[track_caller]
fn accepted(c: &Value) -> Catalog {
    match parse(c) {
        Ok(cat) => cat,
        Err(e) => panic!(
            "expected the catalog to be accepted, got {:#?}",
            summary(e.violations())
        ),
    }
}

/// The catalog must be refused; its violations.
#[track_caller]
fn refused(c: &Value) -> Vec<Violation> {
    refused_bytes(&bytes(c))
}

#[track_caller]
fn refused_bytes(b: &[u8]) -> Vec<Violation> {
    match Catalog::from_json(b) {
        Ok(_) => panic!(
            "expected the catalog to be refused: {}",
            String::from_utf8_lossy(b)
        ),
        Err(e) => {
            let v = e.violations().to_vec();
            assert!(
                !v.is_empty(),
                "a refused catalog names at least one problem"
            );
            v
        }
    }
}

fn summary(v: &[Violation]) -> Vec<(String, String, Option<String>)> {
    v.iter()
        .map(|v| {
            (
                v.code().as_str().to_owned(),
                v.pointer().to_owned(),
                v.attribute().map(str::to_owned),
            )
        })
        .collect()
}

/// What a violation's `attribute` must be.
#[derive(Clone, Copy)]
enum Attr<'a> {
    /// No attribute is involved.
    None,
    /// The `Set_Name` id of the definition involved.
    Is(&'a str),
    /// Not asserted.
    Any,
}

/// The catalog is refused with exactly one violation: `code` at `pointer`.
#[track_caller]
fn only(c: &Value, code: Code, pointer: &str, attr: Attr<'_>) {
    let v = refused(c);
    assert_eq!(
        v.len(),
        1,
        "expected exactly one violation ({code} at {pointer}), got {:#?}",
        summary(&v)
    );
    check(&v[0], code, pointer, attr);
}

#[track_caller]
fn check(v: &Violation, code: Code, pointer: &str, attr: Attr<'_>) {
    assert_eq!(
        (v.code(), v.pointer()),
        (code, pointer),
        "violation: {:?}",
        summary(std::slice::from_ref(v))
    );
    assert_eq!(v.document(), Document::Catalog);
    assert_eq!(v.status(), code.status());
    assert!(!v.message().is_empty());
    match attr {
        Attr::None => assert_eq!(v.attribute(), None, "{code} at {pointer}: attribute"),
        Attr::Is(a) => assert_eq!(v.attribute(), Some(a), "{code} at {pointer}: attribute"),
        Attr::Any => {}
    }
}

/// The catalog is refused, and one of its violations is `code` at `pointer`.
#[track_caller]
fn has(c: &Value, code: Code, pointer: &str) -> Violation {
    let v = refused(c);
    v.iter()
        .find(|v| v.code() == code && v.pointer() == pointer)
        .cloned()
        .unwrap_or_else(|| panic!("expected {code} at {pointer}, got {:#?}", summary(&v)))
}

/// A definition for `set` named `name` with every required property, no id, no values.
fn def(set: &str, name: &str, ty: &str, status: &str) -> Value {
    json!({
        "attributeSet": set, "name": name, "description": null, "type": ty,
        "isCollection": false, "isSearchable": true, "status": status,
        "usePreDefinedValuesOnly": false, "allowedValues": []
    })
}

fn warnings_except_sample(cat: &Catalog) -> Vec<(WarningCode, String)> {
    cat.warnings()
        .iter()
        .filter(|w| w.pointer() != "/description")
        .map(|w| (w.code(), w.pointer().to_owned()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The documented catalogs

#[test]
fn sample_catalog_is_valid_and_indexed() {
    let cat = accepted(&sample());
    assert_eq!(cat.attribute_sets().len(), 5);
    assert_eq!(cat.definitions().len(), 11);
    // The sample's own top-level `description` is not part of a catalog.
    let w: Vec<_> = cat
        .warnings()
        .iter()
        .map(|w| (w.code(), w.pointer().to_owned()))
        .collect();
    assert_eq!(
        w,
        vec![(WarningCode::IgnoredProperty, "/description".to_owned())]
    );

    let eng = cat.attribute_set("Engineering").unwrap();
    assert_eq!(eng.description(), Some("Attributes for engineering team"));
    assert_eq!(eng.max_attributes_per_set(), Some(25));
    assert_eq!(
        cat.attribute_set("Operations")
            .unwrap()
            .max_attributes_per_set(),
        None
    );

    let project = cat.definition("Engineering", "Project").unwrap();
    assert_eq!(project.id(), "Engineering_Project");
    assert!(project.is_collection());
    assert!(project.use_predefined_values_only());
    assert_eq!(project.status(), Status::Available);
    let ids: Vec<&str> = project.allowed_values().iter().map(|v| v.id()).collect();
    assert_eq!(ids, ["Alpine", "Baker", "Cascade"]);
    // Allowed values are case-sensitive.
    assert!(project
        .allowed_value("Baker")
        .is_some_and(|v| v.is_active()));
    assert!(project.allowed_value("baker").is_none());

    let in_eng: Vec<&str> = cat
        .definitions_in("engineering")
        .map(|d| d.name())
        .collect();
    assert_eq!(
        in_eng,
        [
            "ProjectDate",
            "Project",
            "NumVendors",
            "CostCenter",
            "Certification",
            "Datacenter"
        ]
    );
}

/// D12's documented list response, with the attribute sets of D03 plus `Operations`: the
/// `Deployment level` name (a documentation defect) is refused.
#[test]
fn catalog_from_documented_d12_refuses_deployment_level() {
    let d03 = read_json("definitions/D03-list-attributesets.json");
    let d12 = read_json("definitions/D12-list-definitions.json");
    let mut sets = d03["response"]["body"].clone();
    sets["value"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "Operations", "description": null, "maxAttributesPerSet": null}));
    let mut c = json!({
        "attributeSets": sets,
        "customSecurityAttributeDefinitions": d12["response"]["body"].clone(),
    });
    let v = refused(&c);
    let name = def_ptr(2) + "/name";
    check(
        v.iter().find(|v| v.pointer() == name).unwrap(),
        Code::InvalidName,
        &name,
        Attr::Any,
    );
    // Every problem is in that entry: its name is invalid, and its id `Operations_Level` is
    // not `{attributeSet}_{name}` either.
    assert_eq!(
        summary(&v)
            .into_iter()
            .map(|(c, p, _)| (c, p))
            .collect::<Vec<_>>(),
        vec![
            ("id_mismatch".to_owned(), def_ptr(2) + "/id"),
            ("invalid_name".to_owned(), def_ptr(2) + "/name"),
        ]
    );

    // The sample's fix (rename to `Level`) makes it valid.
    def_mut(&mut c, 2).insert("name".into(), json!("Level"));
    let cat = accepted(&c);
    assert!(cat.warnings().is_empty());
    assert_eq!(cat.definitions().len(), 3);
    assert_eq!(
        cat.definition_by_id("operations_level")
            .unwrap()
            .description(),
        Some("Target completion date")
    );
}

/// D13: the same name in two sets is legal.
#[test]
fn documented_d13_same_name_in_two_sets_is_accepted() {
    let d13 = read_json("definitions/D13-filter-definitions-name-status.json");
    let c = json!({
        "attributeSets": [{"id": "Engineering"}, {"id": "Operations"}],
        "customSecurityAttributeDefinitions": d13["response"]["body"].clone(),
    });
    let cat = accepted(&c);
    assert!(cat.definition("Engineering", "Project").is_some());
    assert!(cat.definition("Operations", "Project").is_some());
}

#[test]
fn bare_arrays_are_accepted_like_list_responses() {
    let s = sample();
    let c = json!({
        "attributeSets": s["attributeSets"]["value"].clone(),
        "customSecurityAttributeDefinitions": s["customSecurityAttributeDefinitions"]["value"].clone(),
    });
    let cat = accepted(&c);
    assert!(cat.warnings().is_empty());
    assert_eq!(cat.definitions().len(), 11);
}

// ---------------------------------------------------------------------------------------------
// missing_property

#[test]
fn missing_set_id_absent_or_null() {
    let mut c = sample();
    set_mut(&mut c, APPLICATION).remove("id");
    only(&c, Code::MissingProperty, &set_ptr(APPLICATION), Attr::None);

    let mut c = sample();
    set_mut(&mut c, APPLICATION).insert("id".into(), Value::Null);
    only(
        &c,
        Code::MissingProperty,
        &(set_ptr(APPLICATION) + "/id"),
        Attr::None,
    );
}

#[test]
fn missing_definition_properties_absent_or_null() {
    for key in [
        "attributeSet",
        "name",
        "type",
        "isCollection",
        "isSearchable",
        "status",
        "usePreDefinedValuesOnly",
    ] {
        let mut c = sample();
        def_mut(&mut c, PROJECT_DATE).remove(key);
        only(&c, Code::MissingProperty, &def_ptr(PROJECT_DATE), Attr::Any);

        let mut c = sample();
        def_mut(&mut c, PROJECT_DATE).insert(key.into(), Value::Null);
        only(
            &c,
            Code::MissingProperty,
            &format!("{}/{key}", def_ptr(PROJECT_DATE)),
            Attr::Any,
        );
    }
}

#[test]
fn optional_definition_properties_may_be_absent_or_null() {
    for key in ["id", "description", "allowedValues"] {
        let mut c = sample();
        def_mut(&mut c, PROJECT_DATE).remove(key);
        accepted(&c);
        let mut c = sample();
        def_mut(&mut c, PROJECT_DATE).insert(key.into(), Value::Null);
        accepted(&c);
    }
    for key in ["description", "maxAttributesPerSet"] {
        let mut c = sample();
        set_mut(&mut c, APPLICATION).remove(key);
        accepted(&c);
    }
}

#[test]
fn missing_allowed_value_properties_absent_or_null() {
    for key in ["id", "isActive"] {
        let mut c = sample();
        value_mut(&mut c, PROJECT, 0).remove(key);
        only(
            &c,
            Code::MissingProperty,
            &format!("{}/allowedValues/0", def_ptr(PROJECT)),
            Attr::Any,
        );

        let mut c = sample();
        value_mut(&mut c, PROJECT, 0).insert(key.into(), Value::Null);
        only(
            &c,
            Code::MissingProperty,
            &format!("{}/allowedValues/0/{key}", def_ptr(PROJECT)),
            Attr::Any,
        );
    }
}

#[test]
fn missing_property_in_bare_arrays_points_without_value() {
    let s = sample();
    let mut c = json!({
        "attributeSets": s["attributeSets"]["value"].clone(),
        "customSecurityAttributeDefinitions": s["customSecurityAttributeDefinitions"]["value"].clone(),
    });
    c["attributeSets"][APPLICATION]
        .as_object_mut()
        .unwrap()
        .remove("id");
    c["customSecurityAttributeDefinitions"][NUM_VENDORS]["type"] = Value::Null;
    let v = refused(&c);
    assert_eq!(v.len(), 2, "{:#?}", summary(&v));
    check(
        &v[0],
        Code::MissingProperty,
        &format!("/attributeSets/{APPLICATION}"),
        Attr::None,
    );
    check(
        &v[1],
        Code::MissingProperty,
        &format!("/customSecurityAttributeDefinitions/{NUM_VENDORS}/type"),
        Attr::Any,
    );
}

// ---------------------------------------------------------------------------------------------
// invalid_property

#[test]
fn invalid_property_wrong_json_types_on_sets() {
    for (key, bad) in [
        ("id", json!(42)),
        ("id", json!(["Application"])),
        ("description", json!(7)),
        ("description", json!({"text": "x"})),
        ("maxAttributesPerSet", json!("25")),
        ("maxAttributesPerSet", json!(true)),
        ("maxAttributesPerSet", json!(2.5)),
    ] {
        let mut c = sample();
        set_mut(&mut c, APPLICATION).insert(key.into(), bad);
        only(
            &c,
            Code::InvalidProperty,
            &format!("{}/{key}", set_ptr(APPLICATION)),
            Attr::None,
        );
    }
}

#[test]
fn max_attributes_per_set_range_is_1_to_500() {
    for bad in [0, 501, -1] {
        let mut c = sample();
        set_mut(&mut c, APPLICATION).insert("maxAttributesPerSet".into(), json!(bad));
        only(
            &c,
            Code::InvalidProperty,
            &(set_ptr(APPLICATION) + "/maxAttributesPerSet"),
            Attr::None,
        );
    }
    for good in [1, 500] {
        let mut c = sample();
        set_mut(&mut c, APPLICATION).insert("maxAttributesPerSet".into(), json!(good));
        let cat = accepted(&c);
        assert_eq!(
            cat.attribute_set("Application")
                .unwrap()
                .max_attributes_per_set(),
            Some(good)
        );
    }
}

#[test]
fn invalid_property_wrong_json_types_on_definitions() {
    for (key, bad) in [
        ("attributeSet", json!(1)),
        ("name", json!(["ProjectDate"])),
        ("type", json!(1)),
        ("description", json!(false)),
        ("isCollection", json!(0)),
        ("isSearchable", json!("yes")),
        ("status", json!(true)),
        ("usePreDefinedValuesOnly", json!([])),
        ("allowedValues", json!({"id": "x"})),
        ("id", json!(5)),
    ] {
        let mut c = sample();
        def_mut(&mut c, PROJECT_DATE).insert(key.into(), bad);
        let pointer = format!("{}/{key}", def_ptr(PROJECT_DATE));
        let v = refused(&c);
        assert_eq!(v.len(), 1, "{key}: {:#?}", summary(&v));
        check(&v[0], Code::InvalidProperty, &pointer, Attr::Any);
    }
}

#[test]
fn invalid_property_wrong_json_types_on_allowed_values() {
    for (key, bad) in [("id", json!(5)), ("isActive", json!(1))] {
        let mut c = sample();
        value_mut(&mut c, PROJECT, 1).insert(key.into(), bad);
        only(
            &c,
            Code::InvalidProperty,
            &format!("{}/allowedValues/1/{key}", def_ptr(PROJECT)),
            Attr::Any,
        );
    }
}

#[test]
fn invalid_property_items_and_lists_of_the_wrong_shape() {
    let mut c = sample();
    sets_mut(&mut c).push(json!("Finance"));
    only(&c, Code::InvalidProperty, &set_ptr(5), Attr::None);

    let mut c = sample();
    defs_mut(&mut c).push(json!(null));
    only(&c, Code::InvalidProperty, &def_ptr(11), Attr::None);

    let mut c = sample();
    c["customSecurityAttributeDefinitions"]["value"] = json!({"x": 1});
    let v = refused(&c);
    assert!(
        v.iter().any(|v| v.code() == Code::InvalidProperty
            && v.pointer() == "/customSecurityAttributeDefinitions/value"),
        "{:#?}",
        summary(&v)
    );

    let mut c = sample();
    c["attributeSets"] = json!("Engineering");
    let v = refused(&c);
    assert!(
        v.iter()
            .any(|v| v.code() == Code::InvalidProperty && v.pointer() == "/attributeSets"),
        "{:#?}",
        summary(&v)
    );
}

// ---------------------------------------------------------------------------------------------
// invalid_name

fn with_set_id(id: &str) -> Value {
    let mut c = sample();
    set_mut(&mut c, APPLICATION).insert("id".into(), json!(id));
    c
}

/// The sample with definition ProjectDate renamed (its id removed, which is allowed).
fn with_def_name(name: &str) -> Value {
    let mut c = sample();
    let d = def_mut(&mut c, PROJECT_DATE);
    d.remove("id");
    d.insert("name".into(), json!(name));
    c
}

fn bad_names() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        "App lication",
        " Application",
        "Application\t",
        "App\u{3000}lication", // ideographic space
        "App_lication",
        "App-lication",
        "App.lication",
        "App/lication",
        "App@lication",
        "App#lication",
        "App:lication",
        "App'lication",
        "App\"lication",
        "App`lication",
        "App\\lication",
        "App\u{0007}lication",
        "App\u{007f}lication",
        "1Application",
        "9",
        "\u{0661}Application", // ARABIC-INDIC DIGIT ONE
        "\u{ff11}Application", // FULLWIDTH DIGIT ONE
        "\u{2167}Application", // ROMAN NUMERAL EIGHT (numeric)
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("A".repeat(33));
    // 17 characters but 34 UTF-16 code units.
    v.push("\u{1d49c}".repeat(17));
    // 17 characters, 33 UTF-16 code units.
    v.push(format!("A{}", "\u{1d49c}".repeat(16)));
    v
}

fn good_names() -> Vec<String> {
    let mut v: Vec<String> = [
        "A",
        "Application2",
        "Ingeniería",
        "Инженерия",
        "工程部",
        "Straße",
        "Ωmega",
        "\u{1d49c}pp", // astral letter
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("A".repeat(32));
    v.push("\u{1d49c}".repeat(16)); // 16 characters, 32 UTF-16 code units
    v.push(format!("{}é", "A".repeat(31)));
    v
}

#[test]
fn invalid_set_names() {
    for name in bad_names() {
        let c = with_set_id(&name);
        let v = refused(&c);
        assert_eq!(v.len(), 1, "{name:?}: {:#?}", summary(&v));
        check(
            &v[0],
            Code::InvalidName,
            &(set_ptr(APPLICATION) + "/id"),
            Attr::None,
        );
    }
}

#[test]
fn valid_set_names() {
    for name in good_names() {
        let cat = accepted(&with_set_id(&name));
        assert_eq!(
            cat.attribute_set(&name).map(|s| s.id()),
            Some(name.as_str())
        );
    }
}

#[test]
fn invalid_definition_names() {
    for name in bad_names() {
        let c = with_def_name(&name);
        let v = refused(&c);
        assert_eq!(v.len(), 1, "{name:?}: {:#?}", summary(&v));
        check(
            &v[0],
            Code::InvalidName,
            &(def_ptr(PROJECT_DATE) + "/name"),
            Attr::Any,
        );
    }
}

#[test]
fn valid_definition_names() {
    for name in good_names() {
        let cat = accepted(&with_def_name(&name));
        let d = cat.definition("Engineering", &name).unwrap();
        assert_eq!(d.name(), name);
        assert_eq!(d.id(), format!("Engineering_{name}"));
    }
}

#[test]
fn names_in_error_spans_point_at_the_name() {
    let c = with_set_id("App lication");
    let b = bytes(&c);
    let v = refused_bytes(&b);
    let span = v[0].byte_span().expect("a span into the catalog");
    assert_eq!(&b[span], b"\"App lication\"");
}

// ---------------------------------------------------------------------------------------------
// description_too_long

#[test]
fn set_description_too_long() {
    for desc in ["a".repeat(129), "é".repeat(129), "\u{1d49c}".repeat(65)] {
        let mut c = sample();
        set_mut(&mut c, APPLICATION).insert("description".into(), json!(desc));
        only(
            &c,
            Code::DescriptionTooLong,
            &(set_ptr(APPLICATION) + "/description"),
            Attr::None,
        );
    }
    for desc in ["a".repeat(128), "é".repeat(128), "\u{1d49c}".repeat(64)] {
        let mut c = sample();
        set_mut(&mut c, APPLICATION).insert("description".into(), json!(desc));
        let cat = accepted(&c);
        assert_eq!(
            cat.attribute_set("Application").unwrap().description(),
            Some(desc.as_str())
        );
    }
}

#[test]
fn definition_description_too_long() {
    for desc in ["a".repeat(129), "\u{1d49c}".repeat(65)] {
        let mut c = sample();
        def_mut(&mut c, PROJECT_DATE).insert("description".into(), json!(desc));
        only(
            &c,
            Code::DescriptionTooLong,
            &(def_ptr(PROJECT_DATE) + "/description"),
            Attr::Any,
        );
    }
    for desc in ["a".repeat(128), "\u{1d49c}".repeat(64)] {
        let mut c = sample();
        def_mut(&mut c, PROJECT_DATE).insert("description".into(), json!(desc));
        accepted(&c);
    }
}

// ---------------------------------------------------------------------------------------------
// duplicate_name

#[test]
fn duplicate_set_names_compare_case_insensitively() {
    for dup in ["Engineering", "engineering", "ENGINEERING"] {
        let mut c = sample();
        sets_mut(&mut c).push(json!({"id": dup}));
        only(&c, Code::DuplicateName, &(set_ptr(5) + "/id"), Attr::None);
    }
    let mut c = sample();
    sets_mut(&mut c).push(json!({"id": "Engineering2"}));
    accepted(&c);
}

#[test]
fn duplicate_definition_names_per_set_compare_case_insensitively() {
    for dup in ["ProjectDate", "projectdate", "PROJECTDATE"] {
        let mut c = sample();
        defs_mut(&mut c).push(def("Engineering", dup, "String", "Available"));
        let v = refused(&c);
        assert_eq!(v.len(), 1, "{dup}: {:#?}", summary(&v));
        check(
            &v[0],
            Code::DuplicateName,
            &(def_ptr(11) + "/name"),
            Attr::Any,
        );
        assert!(v[0]
            .attribute()
            .is_some_and(|a| a.eq_ignore_ascii_case("Engineering_ProjectDate")));
    }
    // Also when the set is named in another casing.
    let mut c = sample();
    defs_mut(&mut c).push(def("ENGINEERING", "Project", "String", "Deprecated"));
    let v = refused(&c);
    assert_eq!(v.len(), 1, "{:#?}", summary(&v));
    check(
        &v[0],
        Code::DuplicateName,
        &(def_ptr(11) + "/name"),
        Attr::Any,
    );
}

#[test]
fn same_definition_name_in_two_sets_is_accepted() {
    let mut c = sample();
    defs_mut(&mut c).push(def("Marketing", "ProjectDate", "Integer", "Available"));
    let cat = accepted(&c);
    assert_eq!(
        cat.definition("Marketing", "projectdate")
            .unwrap()
            .attribute_type()
            .as_str(),
        "Integer"
    );
    assert_eq!(
        cat.definition("Engineering", "projectdate")
            .unwrap()
            .attribute_type()
            .as_str(),
        "String"
    );
}

#[test]
fn allowed_values_compare_case_sensitively() {
    let mut c = sample();
    c["customSecurityAttributeDefinitions"]["value"][PROJECT]["allowedValues"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "baker", "isActive": true}));
    let cat = accepted(&c);
    let d = cat.definition("Engineering", "Project").unwrap();
    assert!(d.allowed_value("Baker").is_some());
    assert!(d.allowed_value("baker").is_some());
    assert_eq!(d.allowed_values().len(), 4);

    let mut c = sample();
    c["customSecurityAttributeDefinitions"]["value"][PROJECT]["allowedValues"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "Baker", "isActive": false}));
    only(
        &c,
        Code::DuplicateName,
        &(def_ptr(PROJECT) + "/allowedValues/3/id"),
        Attr::Any,
    );
}

#[test]
fn integer_allowed_values_compare_by_number() {
    let mut c = sample();
    def_mut(&mut c, NUM_VENDORS).insert(
        "allowedValues".into(),
        json!([{"id": "12", "isActive": true}, {"id": "-12", "isActive": true}, {"id": "0", "isActive": false}]),
    );
    accepted(&c);

    let mut c = sample();
    def_mut(&mut c, NUM_VENDORS).insert(
        "allowedValues".into(),
        json!([{"id": "12", "isActive": true}, {"id": "7", "isActive": true}, {"id": "12", "isActive": false}]),
    );
    only(
        &c,
        Code::DuplicateName,
        &(def_ptr(NUM_VENDORS) + "/allowedValues/2/id"),
        Attr::Any,
    );
}

// ---------------------------------------------------------------------------------------------
// unknown_attribute_set

#[test]
fn definition_in_an_unknown_set() {
    let mut c = sample();
    defs_mut(&mut c).push(def("Finance", "Budget", "Integer", "Available"));
    let v = refused(&c);
    assert_eq!(v.len(), 1, "{:#?}", summary(&v));
    check(
        &v[0],
        Code::UnknownAttributeSet,
        &(def_ptr(11) + "/attributeSet"),
        Attr::Is("Finance_Budget"),
    );

    // Once the set exists the definition is accepted.
    sets_mut(&mut c).push(json!({"id": "Finance"}));
    let cat = accepted(&c);
    assert_eq!(
        cat.definition_by_id("Finance_Budget").unwrap().name(),
        "Budget"
    );
}

#[test]
fn definition_names_its_set_in_another_casing() {
    let mut c = sample();
    defs_mut(&mut c).push(def("mArKeTiNg", "Budget", "Integer", "Available"));
    let cat = accepted(&c);
    assert!(cat.definition("Marketing", "Budget").is_some());
    assert_eq!(cat.definitions_in("Marketing").count(), 3);
}

// ---------------------------------------------------------------------------------------------
// id_mismatch

#[test]
fn definition_id_must_be_set_and_name() {
    for bad in [
        "Engineering_Project",
        "Marketing_ProjectDate",
        "EngineeringProjectDate",
        "",
    ] {
        let mut c = sample();
        def_mut(&mut c, PROJECT_DATE).insert("id".into(), json!(bad));
        only(
            &c,
            Code::IdMismatch,
            &(def_ptr(PROJECT_DATE) + "/id"),
            Attr::Any,
        );
    }
}

#[test]
fn definition_id_absent_or_differing_in_case_is_accepted() {
    let mut c = sample();
    def_mut(&mut c, PROJECT_DATE).remove("id");
    let cat = accepted(&c);
    assert_eq!(
        cat.definition("Engineering", "ProjectDate").unwrap().id(),
        "Engineering_ProjectDate"
    );
    for id in ["engineering_projectdate", "ENGINEERING_PROJECTDATE"] {
        let mut c = sample();
        def_mut(&mut c, PROJECT_DATE).insert("id".into(), json!(id));
        let cat = accepted(&c);
        // The id is derived from the stored set and name, in catalog casing.
        assert_eq!(
            cat.definition_by_id(id).unwrap().id(),
            "Engineering_ProjectDate"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// invalid_type, invalid_status, boolean_collection, boolean_predefined

#[test]
fn invalid_type() {
    for bad in ["Text", "Int32", "Bool", "Double", ""] {
        let mut c = sample();
        def_mut(&mut c, PROJECT_DATE).insert("type".into(), json!(bad));
        only(
            &c,
            Code::InvalidType,
            &(def_ptr(PROJECT_DATE) + "/type"),
            Attr::Any,
        );
    }
    for good in ["String", "Integer", "Boolean"] {
        let mut c = sample();
        def_mut(&mut c, PROJECT_DATE).insert("type".into(), json!(good));
        let cat = accepted(&c);
        assert_eq!(
            cat.definition("Engineering", "ProjectDate")
                .unwrap()
                .attribute_type()
                .as_str(),
            good
        );
    }
}

#[test]
fn invalid_status() {
    for bad in ["Active", "Disabled", "Inactive", ""] {
        let mut c = sample();
        def_mut(&mut c, PROJECT_DATE).insert("status".into(), json!(bad));
        only(
            &c,
            Code::InvalidStatus,
            &(def_ptr(PROJECT_DATE) + "/status"),
            Attr::Any,
        );
    }
    let mut c = sample();
    def_mut(&mut c, PROJECT_DATE).insert("status".into(), json!("Deprecated"));
    let cat = accepted(&c);
    assert_eq!(
        cat.definition("Engineering", "ProjectDate")
            .unwrap()
            .status(),
        Status::Deprecated
    );
}

#[test]
fn boolean_cannot_be_a_collection() {
    let mut c = sample();
    def_mut(&mut c, CERTIFICATION).insert("isCollection".into(), json!(true));
    only(
        &c,
        Code::BooleanCollection,
        &(def_ptr(CERTIFICATION) + "/isCollection"),
        Attr::Any,
    );
    // The sample's single-valued Boolean is fine.
    let cat = accepted(&sample());
    assert!(!cat
        .definition("Engineering", "Certification")
        .unwrap()
        .is_collection());
}

#[test]
fn boolean_cannot_be_predefined_only() {
    let mut c = sample();
    def_mut(&mut c, CERTIFICATION).insert("usePreDefinedValuesOnly".into(), json!(true));
    only(
        &c,
        Code::BooleanPredefined,
        &(def_ptr(CERTIFICATION) + "/usePreDefinedValuesOnly"),
        Attr::Any,
    );
}

#[test]
fn boolean_collection_and_predefined_are_both_reported() {
    let mut c = sample();
    let d = def_mut(&mut c, CERTIFICATION);
    d.insert("isCollection".into(), json!(true));
    d.insert("usePreDefinedValuesOnly".into(), json!(true));
    let v = refused(&c);
    assert_eq!(v.len(), 2, "{:#?}", summary(&v));
    check(
        &v[0],
        Code::BooleanCollection,
        &(def_ptr(CERTIFICATION) + "/isCollection"),
        Attr::Any,
    );
    check(
        &v[1],
        Code::BooleanPredefined,
        &(def_ptr(CERTIFICATION) + "/usePreDefinedValuesOnly"),
        Attr::Any,
    );
}

// ---------------------------------------------------------------------------------------------
// invalid_allowed_value

fn with_values(def: usize, ids: &[&str]) -> Value {
    let mut c = sample();
    let values: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, "isActive": true}))
        .collect();
    def_mut(&mut c, def).insert("allowedValues".into(), Value::Array(values));
    c
}

#[test]
fn invalid_string_allowed_values() {
    let too_long = "a".repeat(65);
    let astral_too_long = "\u{1d49c}".repeat(33);
    for bad in [
        "",
        too_long.as_str(),
        astral_too_long.as_str(),
        "Al\u{0001}pine",
        "Alpine\n",
    ] {
        let c = with_values(PROJECT, &["Alpine2", bad]);
        only(
            &c,
            Code::InvalidAllowedValue,
            &(def_ptr(PROJECT) + "/allowedValues/1/id"),
            Attr::Any,
        );
    }
    let max = "a".repeat(64);
    let astral_max = "\u{1d49c}".repeat(32);
    // Values are not names: spaces, punctuation and leading digits are fine.
    let c = with_values(
        PROJECT,
        &[
            max.as_str(),
            astral_max.as_str(),
            "New York",
            "1st-choice_x.y",
            "a",
        ],
    );
    let cat = accepted(&c);
    assert_eq!(
        cat.definition("Engineering", "Project")
            .unwrap()
            .allowed_values()
            .len(),
        5
    );
}

#[test]
fn integer_allowed_values_are_canonical_int32() {
    for bad in [
        "012",
        "+1",
        "1.0",
        "2147483648",
        "-2147483649",
        "1e1",
        "twelve",
        " 12",
        "-0",
    ] {
        let c = with_values(NUM_VENDORS, &["5", bad]);
        only(
            &c,
            Code::InvalidAllowedValue,
            &(def_ptr(NUM_VENDORS) + "/allowedValues/1/id"),
            Attr::Any,
        );
    }
    let c = with_values(NUM_VENDORS, &["-5", "0", "12", "2147483647", "-2147483648"]);
    let cat = accepted(&c);
    let d = cat.definition("Engineering", "NumVendors").unwrap();
    assert!(d.allowed_value("-5").is_some());
}

#[test]
fn boolean_definitions_have_no_allowed_values() {
    for id in ["true", "false", "x"] {
        let c = with_values(CERTIFICATION, &[id]);
        let v = refused(&c);
        assert_eq!(v.len(), 1, "{id}: {:#?}", summary(&v));
        assert_eq!(v[0].code(), Code::InvalidAllowedValue);
        assert!(
            v[0].pointer()
                .starts_with(&(def_ptr(CERTIFICATION) + "/allowedValues")),
            "{}",
            v[0].pointer()
        );
    }
    // An empty list (as the sample has) is fine.
    let c = with_values(CERTIFICATION, &[]);
    accepted(&c);
}

#[test]
fn allowed_values_on_a_free_form_definition_are_accepted() {
    let c = with_values(PROJECT_DATE, &["2024-01-01", "Q3"]);
    let cat = accepted(&c);
    let d = cat.definition("Engineering", "ProjectDate").unwrap();
    assert!(!d.use_predefined_values_only());
    assert_eq!(d.allowed_values().len(), 2);
}

// ---------------------------------------------------------------------------------------------
// too_many_allowed_values

fn many_values(active: usize, inactive: usize) -> Value {
    let mut c = sample();
    let values: Vec<Value> = (0..active + inactive)
        .map(|i| json!({"id": format!("V{i}"), "isActive": i < active}))
        .collect();
    def_mut(&mut c, PROJECT).insert("allowedValues".into(), Value::Array(values));
    c
}

#[test]
fn at_most_100_allowed_values() {
    only(
        &many_values(101, 0),
        Code::TooManyAllowedValues,
        &(def_ptr(PROJECT) + "/allowedValues"),
        Attr::Any,
    );
    let cat = accepted(&many_values(100, 0));
    assert_eq!(
        cat.definition("Engineering", "Project")
            .unwrap()
            .allowed_values()
            .len(),
        100
    );
}

#[test]
fn inactive_allowed_values_count_toward_100() {
    only(
        &many_values(50, 51),
        Code::TooManyAllowedValues,
        &(def_ptr(PROJECT) + "/allowedValues"),
        Attr::Any,
    );
    only(
        &many_values(100, 1),
        Code::TooManyAllowedValues,
        &(def_ptr(PROJECT) + "/allowedValues"),
        Attr::Any,
    );
    accepted(&many_values(50, 50));
}

// ---------------------------------------------------------------------------------------------
// limit_exceeded

fn sets_catalog(n: usize) -> Value {
    let sets: Vec<Value> = (0..n).map(|i| json!({"id": format!("Set{i}")})).collect();
    json!({"attributeSets": sets, "customSecurityAttributeDefinitions": []})
}

#[test]
fn at_most_500_attribute_sets() {
    let v = refused(&sets_catalog(501));
    assert_eq!(v.len(), 1, "{:#?}", summary(&v));
    assert_eq!(v[0].code(), Code::LimitExceeded);
    assert!(v[0].pointer().starts_with("/attributeSets"));
    assert_eq!(v[0].attribute(), None);
    let cat = accepted(&sets_catalog(500));
    assert_eq!(cat.attribute_sets().len(), 500);
}

/// A catalog of one unlimited set holding `available` Available and `deprecated` Deprecated
/// definitions, Deprecated ones first when `deprecated_first`.
fn defs_catalog(available: usize, deprecated: usize, deprecated_first: bool) -> Value {
    let mut defs: Vec<Value> = (0..available)
        .map(|i| def("Big", &format!("Active{i}"), "String", "Available"))
        .collect();
    let old = (0..deprecated).map(|i| def("Big", &format!("Old{i}"), "Integer", "Deprecated"));
    if deprecated_first {
        let mut all: Vec<Value> = old.collect();
        all.append(&mut defs);
        defs = all;
    } else {
        defs.extend(old);
    }
    json!({"attributeSets": [{"id": "Big"}], "customSecurityAttributeDefinitions": defs})
}

#[test]
fn at_most_500_available_definitions() {
    let v = refused(&defs_catalog(501, 0, false));
    assert_eq!(v.len(), 1, "{:#?}", summary(&v));
    assert_eq!(v[0].code(), Code::LimitExceeded);
    assert!(v[0]
        .pointer()
        .starts_with("/customSecurityAttributeDefinitions"));

    let v = refused(&defs_catalog(501, 40, true));
    assert_eq!(v.len(), 1, "{:#?}", summary(&v));
    assert_eq!(v[0].code(), Code::LimitExceeded);
}

#[test]
fn deprecated_definitions_do_not_count_toward_500() {
    let cat = accepted(&defs_catalog(500, 0, false));
    assert_eq!(cat.definitions().len(), 500);
    let cat = accepted(&defs_catalog(500, 300, false));
    assert_eq!(cat.definitions().len(), 800);
    let cat = accepted(&defs_catalog(500, 300, true));
    assert_eq!(
        cat.definitions()
            .iter()
            .filter(|d| d.status() == Status::Deprecated)
            .count(),
        300
    );
    accepted(&defs_catalog(0, 700, false));
}

#[test]
fn per_set_limit_counts_available_definitions() {
    // Engineering allows 25: lower it to its 6 definitions, then add a seventh.
    let mut c = sample();
    set_mut(&mut c, ENGINEERING).insert("maxAttributesPerSet".into(), json!(6));
    accepted(&c);
    defs_mut(&mut c).push(def("Engineering", "Seventh", "String", "Available"));
    let v = refused(&c);
    assert_eq!(v.len(), 1, "{:#?}", summary(&v));
    assert_eq!(v[0].code(), Code::LimitExceeded);
    assert!(v[0]
        .pointer()
        .starts_with("/customSecurityAttributeDefinitions/value/"));
    assert!(v[0]
        .attribute()
        .is_some_and(|a| a.starts_with("Engineering_")));

    // Deprecated definitions do not count toward the set's limit.
    let mut c = sample();
    set_mut(&mut c, ENGINEERING).insert("maxAttributesPerSet".into(), json!(6));
    for i in 0..10 {
        defs_mut(&mut c).push(def(
            "Engineering",
            &format!("Old{i}"),
            "String",
            "Deprecated",
        ));
    }
    accepted(&c);
    // Neither do other sets' definitions.
    set_mut(&mut c, APPLICATION).insert("maxAttributesPerSet".into(), json!(1));
    defs_mut(&mut c).push(def("Application", "Only", "Boolean", "Available"));
    accepted(&c);
    defs_mut(&mut c).push(def("Application", "Second", "Boolean", "Available"));
    let v = refused(&c);
    assert_eq!(v.len(), 1, "{:#?}", summary(&v));
    assert_eq!(v[0].code(), Code::LimitExceeded);
    assert_eq!(v[0].attribute(), Some("Application_Second"));
}

// ---------------------------------------------------------------------------------------------
// payload_too_large, invalid_json

#[test]
fn catalog_over_max_catalog_bytes() {
    let b = bytes(&sample());
    let mut policy = Policy::default();
    policy.max_catalog_bytes = b.len() - 1;
    let err = Catalog::from_json_with(&b, &policy).unwrap_err();
    let v = err.violations();
    assert_eq!(v.len(), 1, "{:#?}", summary(v));
    check(&v[0], Code::PayloadTooLarge, "", Attr::None);

    policy.max_catalog_bytes = b.len();
    let cat = Catalog::from_json_with(&b, &policy).unwrap();
    assert_eq!(cat.definitions().len(), 11);

    // The limit is in bytes, and holds even for text that is not JSON.
    policy.max_catalog_bytes = 4;
    let err = Catalog::from_json_with(b"not json at all", &policy).unwrap_err();
    assert_eq!(err.violations()[0].code(), Code::PayloadTooLarge);
}

#[test]
fn catalog_that_is_not_json_or_not_an_object() {
    let sample_text = bytes(&sample());
    let mut trailing = sample_text.clone();
    trailing.truncate(trailing.len() - 1);
    trailing.extend_from_slice(b",}");
    let inputs: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"not json".to_vec(),
        b"{\"attributeSets\": [}".to_vec(),
        trailing,
        vec![0xff, 0xfe, b'{', b'}'],
        b"[]".to_vec(),
        b"null".to_vec(),
        b"42".to_vec(),
        b"\"catalog\"".to_vec(),
    ];
    for input in inputs {
        let v = refused_bytes(&input);
        assert_eq!(v.len(), 1, "{:?}: {:#?}", input, summary(&v));
        check(&v[0], Code::InvalidJson, "", Attr::None);
    }
}

// ---------------------------------------------------------------------------------------------
// Warnings: ignored_property, coerced_boolean

#[test]
fn unknown_properties_are_ignored_with_a_warning() {
    let mut c = sample();
    c.as_object_mut()
        .unwrap()
        .insert("extra".into(), json!(true));
    set_mut(&mut c, APPLICATION).insert("color".into(), json!("blue"));
    def_mut(&mut c, PROJECT_DATE).insert("owner".into(), json!(null));
    value_mut(&mut c, PROJECT, 2).insert("note".into(), json!(1));
    c["attributeSets"]
        .as_object_mut()
        .unwrap()
        .insert("count".into(), json!(5));
    let cat = accepted(&c);
    let mut got: Vec<(WarningCode, String)> = cat
        .warnings()
        .iter()
        .map(|w| (w.code(), w.pointer().to_owned()))
        .collect();
    got.sort();
    let mut want = vec![
        (WarningCode::IgnoredProperty, "/description".to_owned()),
        (WarningCode::IgnoredProperty, "/extra".to_owned()),
        (
            WarningCode::IgnoredProperty,
            "/attributeSets/count".to_owned(),
        ),
        (
            WarningCode::IgnoredProperty,
            set_ptr(APPLICATION) + "/color",
        ),
        (
            WarningCode::IgnoredProperty,
            def_ptr(PROJECT_DATE) + "/owner",
        ),
        (
            WarningCode::IgnoredProperty,
            def_ptr(PROJECT) + "/allowedValues/2/note",
        ),
    ];
    want.sort();
    assert_eq!(got, want);
    // The ignored properties change nothing.
    let plain = accepted(&sample());
    assert_eq!(cat.attribute_sets(), plain.attribute_sets());
    assert_eq!(cat.definitions(), plain.definitions());
    for w in cat.warnings() {
        assert_eq!(w.document(), Document::Catalog);
        assert!(!w.message().is_empty());
    }
}

#[test]
fn odata_control_information_is_ignored_silently() {
    let mut c = sample();
    c.as_object_mut().unwrap().insert(
        "@odata.context".into(),
        json!("https://graph.microsoft.com/v1.0/$metadata"),
    );
    c["attributeSets"].as_object_mut().unwrap().insert(
        "@odata.nextLink".into(),
        json!("https://graph.microsoft.com/v1.0/directory/attributeSets?$top=2&$skiptoken=x"),
    );
    set_mut(&mut c, APPLICATION)
        .insert("@odata.type".into(), json!("#microsoft.graph.attributeSet"));
    def_mut(&mut c, PROJECT_DATE).insert("@odata.etag".into(), json!("W/\"1\""));
    def_mut(&mut c, PROJECT).insert(
        "allowedValues@odata.context".into(),
        json!("https://graph.microsoft.com/v1.0/$metadata#x"),
    );
    value_mut(&mut c, PROJECT, 0)
        .insert("@odata.type".into(), json!("#microsoft.graph.allowedValue"));
    let cat = accepted(&c);
    assert_eq!(warnings_except_sample(&cat), vec![]);
}

#[test]
fn documented_string_booleans_on_allowed_values_are_coerced() {
    // D16 creates `Alpine` with `"isActive": "true"`; D17 deactivates it with `"false"`.
    let d16 = read_json("definitions/D16-create-allowedvalue.json");
    let d17 = read_json("definitions/D17-deactivate-allowedvalue.json");
    let created = d16["request"]["body"].clone();
    assert_eq!(created["isActive"], json!("true"));
    let mut deactivated = created.clone();
    deactivated["isActive"] = d17["request"]["body"]["isActive"].clone();
    assert_eq!(deactivated["isActive"], json!("false"));

    for (value, active) in [(created, true), (deactivated, false)] {
        let mut c = sample();
        c["customSecurityAttributeDefinitions"]["value"][PROJECT]["allowedValues"][0] = value;
        let cat = accepted(&c);
        let alpine = cat
            .definition("Engineering", "Project")
            .unwrap()
            .allowed_value("Alpine")
            .unwrap();
        assert_eq!(alpine.is_active(), active);
        assert_eq!(
            warnings_except_sample(&cat),
            vec![(
                WarningCode::CoercedBoolean,
                def_ptr(PROJECT) + "/allowedValues/0/isActive"
            )]
        );
    }
}

#[test]
fn string_booleans_on_definitions_are_coerced() {
    for (key, text, value) in [
        ("isCollection", "false", false),
        ("isSearchable", "false", false),
        ("usePreDefinedValuesOnly", "true", true),
    ] {
        let mut c = sample();
        def_mut(&mut c, PROJECT_DATE).insert(key.into(), json!(text));
        let cat = accepted(&c);
        let d = cat.definition("Engineering", "ProjectDate").unwrap();
        let got = match key {
            "isCollection" => d.is_collection(),
            "isSearchable" => d.is_searchable(),
            _ => d.use_predefined_values_only(),
        };
        assert_eq!(got, value, "{key}");
        let w: Vec<_> = cat
            .warnings()
            .iter()
            .filter(|w| w.pointer() != "/description")
            .collect();
        assert_eq!(w.len(), 1, "{key}");
        assert_eq!(w[0].code(), WarningCode::CoercedBoolean);
        assert_eq!(w[0].pointer(), format!("{}/{key}", def_ptr(PROJECT_DATE)));
    }
    // Other strings are not Booleans.
    for text in ["yes", "1", ""] {
        let mut c = sample();
        def_mut(&mut c, PROJECT_DATE).insert("isCollection".into(), json!(text));
        only(
            &c,
            Code::InvalidProperty,
            &(def_ptr(PROJECT_DATE) + "/isCollection"),
            Attr::Any,
        );
    }
}

#[test]
fn coerced_boolean_still_obeys_boolean_rules() {
    // `"isCollection": "true"` on a Boolean is read as true, which a Boolean may not be.
    let mut c = sample();
    def_mut(&mut c, CERTIFICATION).insert("isCollection".into(), json!("true"));
    let err = parse(&c).unwrap_err();
    assert_eq!(
        summary(err.violations())
            .into_iter()
            .map(|(c, p, _)| (c, p))
            .collect::<Vec<_>>(),
        vec![(
            "boolean_collection".to_owned(),
            def_ptr(CERTIFICATION) + "/isCollection"
        )]
    );
    assert!(err
        .warnings()
        .iter()
        .any(|w| w.code() == WarningCode::CoercedBoolean));
}

/// docs/RULES.md, Output documents: a violation's `attribute` is the `Set_Name` id "when one is
/// involved". Every rule about one definition (or one of its allowed values) involves that
/// definition.
#[test]
fn definition_level_problems_name_their_attribute() {
    type Edit = fn(&mut Value);
    let cases: Vec<(Code, &str, String, Edit)> = vec![
        (
            Code::IdMismatch,
            "Engineering_ProjectDate",
            def_ptr(PROJECT_DATE) + "/id",
            |c| {
                def_mut(c, PROJECT_DATE).insert("id".into(), json!("Engineering_Project"));
            },
        ),
        (
            Code::InvalidType,
            "Engineering_ProjectDate",
            def_ptr(PROJECT_DATE) + "/type",
            |c| {
                def_mut(c, PROJECT_DATE).insert("type".into(), json!("Text"));
            },
        ),
        (
            Code::InvalidStatus,
            "Engineering_ProjectDate",
            def_ptr(PROJECT_DATE) + "/status",
            |c| {
                def_mut(c, PROJECT_DATE).insert("status".into(), json!("Active"));
            },
        ),
        (
            Code::DescriptionTooLong,
            "Engineering_ProjectDate",
            def_ptr(PROJECT_DATE) + "/description",
            |c| {
                def_mut(c, PROJECT_DATE).insert("description".into(), json!("a".repeat(129)));
            },
        ),
        (
            Code::BooleanCollection,
            "Engineering_Certification",
            def_ptr(CERTIFICATION) + "/isCollection",
            |c| {
                def_mut(c, CERTIFICATION).insert("isCollection".into(), json!(true));
            },
        ),
        (
            Code::BooleanPredefined,
            "Engineering_Certification",
            def_ptr(CERTIFICATION) + "/usePreDefinedValuesOnly",
            |c| {
                def_mut(c, CERTIFICATION).insert("usePreDefinedValuesOnly".into(), json!(true));
            },
        ),
        (
            Code::InvalidAllowedValue,
            "Engineering_Project",
            def_ptr(PROJECT) + "/allowedValues/1/id",
            |c| {
                value_mut(c, PROJECT, 1).insert("id".into(), json!(""));
            },
        ),
        (
            Code::InvalidAllowedValue,
            "Engineering_NumVendors",
            def_ptr(NUM_VENDORS) + "/allowedValues/0/id",
            |c| {
                def_mut(c, NUM_VENDORS).insert(
                    "allowedValues".into(),
                    json!([{"id": "012", "isActive": true}]),
                );
            },
        ),
        (
            Code::DuplicateName,
            "Engineering_Project",
            def_ptr(PROJECT) + "/allowedValues/2/id",
            |c| {
                value_mut(c, PROJECT, 2).insert("id".into(), json!("Alpine"));
            },
        ),
        (
            Code::TooManyAllowedValues,
            "Engineering_Project",
            def_ptr(PROJECT) + "/allowedValues",
            |c| {
                let values: Vec<Value> = (0..101)
                    .map(|i| json!({"id": format!("V{i}"), "isActive": true}))
                    .collect();
                def_mut(c, PROJECT).insert("allowedValues".into(), Value::Array(values));
            },
        ),
    ];
    let mut wrong = Vec::new();
    for (code, attribute, pointer, edit) in cases {
        let mut c = sample();
        edit(&mut c);
        let v = has(&c, code, &pointer);
        if v.attribute() != Some(attribute) {
            wrong.push(format!(
                "{code} at {pointer}: attribute {:?}, expected {attribute:?}",
                v.attribute()
            ));
        }
    }
    // Warnings too: `{"code", "pointer", "attribute", "message"}` "as above".
    let mut c = sample();
    def_mut(&mut c, PROJECT_DATE).insert("isCollection".into(), json!("false"));
    value_mut(&mut c, PROJECT, 0).insert("isActive".into(), json!("true"));
    let cat = accepted(&c);
    for (pointer, attribute) in [
        (
            def_ptr(PROJECT_DATE) + "/isCollection",
            "Engineering_ProjectDate",
        ),
        (
            def_ptr(PROJECT) + "/allowedValues/0/isActive",
            "Engineering_Project",
        ),
    ] {
        let w = cat
            .warnings()
            .iter()
            .find(|w| w.pointer() == pointer)
            .unwrap_or_else(|| panic!("a warning at {pointer}"));
        assert_eq!(w.code(), WarningCode::CoercedBoolean);
        if w.attribute() != Some(attribute) {
            wrong.push(format!(
                "coerced_boolean at {pointer}: attribute {:?}, expected {attribute:?}",
                w.attribute()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Reporting: every problem at once, sorted

#[test]
fn every_problem_is_reported_at_once() {
    let mut c = sample();
    set_mut(&mut c, APPLICATION).insert("description".into(), json!("d".repeat(200)));
    def_mut(&mut c, PROJECT_DATE).insert("type".into(), json!("Text"));
    value_mut(&mut c, PROJECT, 1).insert("id".into(), json!(""));
    let v = refused(&c);
    assert_eq!(
        summary(&v)
            .into_iter()
            .map(|(c, p, _)| (c, p))
            .collect::<Vec<_>>(),
        vec![
            (
                "description_too_long".to_owned(),
                set_ptr(APPLICATION) + "/description"
            ),
            ("invalid_type".to_owned(), def_ptr(PROJECT_DATE) + "/type"),
            (
                "invalid_allowed_value".to_owned(),
                def_ptr(PROJECT) + "/allowedValues/1/id"
            ),
        ]
    );
}

#[test]
fn violations_are_sorted_by_pointer_then_code() {
    // Problems placed so that document order, numeric order and string order differ:
    // definition 10 sorts before definition 2 as a string.
    let mut c = sample();
    def_mut(&mut c, 10).insert("status".into(), json!("Gone"));
    def_mut(&mut c, NUM_VENDORS).insert("type".into(), json!("Number"));
    def_mut(&mut c, NUM_VENDORS).insert("status".into(), json!("Gone"));
    let d = def_mut(&mut c, CERTIFICATION);
    d.insert("isCollection".into(), json!(true));
    d.insert("usePreDefinedValuesOnly".into(), json!(true));
    set_mut(&mut c, APPLICATION).insert("maxAttributesPerSet".into(), json!(0));
    sets_mut(&mut c).push(json!({"id": "marketing"}));
    let v = refused(&c);
    assert_eq!(v.len(), 7, "{:#?}", summary(&v));
    for pair in v.windows(2) {
        let a = (pair[0].pointer(), pair[0].code().as_str());
        let b = (pair[1].pointer(), pair[1].code().as_str());
        assert!(a <= b, "{a:?} before {b:?}");
    }
    assert_eq!(
        v[0].pointer(),
        set_ptr(APPLICATION) + "/maxAttributesPerSet"
    );
    assert_eq!(v[2].pointer(), def_ptr(10) + "/status");
}

// ---------------------------------------------------------------------------------------------
// Serialisation, lookups, lint

#[test]
fn catalog_round_trips_through_its_serialisation() {
    let mut c = sample();
    // Exercise every field: a deprecated definition, an inactive value, no limit, non-ASCII.
    def_mut(&mut c, PROJECT_DATE).insert("status".into(), json!("Deprecated"));
    value_mut(&mut c, PROJECT, 1).insert("isActive".into(), json!(false));
    sets_mut(&mut c).push(json!({"id": "Straße", "description": "Größe ✓"}));
    defs_mut(&mut c).push(def("Straße", "Größe", "Integer", "Available"));
    let cat = accepted(&c);
    let out = serde_json::to_vec(&cat).unwrap();
    let again = Catalog::from_json(&out).unwrap();
    assert_eq!(again.attribute_sets(), cat.attribute_sets());
    assert_eq!(again.definitions(), cat.definitions());
    assert!(again.warnings().is_empty(), "{:?}", again.warnings());
    assert_eq!(again.to_json(), cat.to_json());
    assert_eq!(
        serde_json::to_value(&again).unwrap(),
        serde_json::to_value(&cat).unwrap()
    );
    // It is Graph's list-response form.
    let j = cat.to_json();
    assert_eq!(j["attributeSets"]["value"].as_array().unwrap().len(), 6);
    assert_eq!(
        j["customSecurityAttributeDefinitions"]["value"][PROJECT]["allowedValues"][1],
        json!({"id": "Baker", "isActive": false})
    );
    assert_eq!(
        j["customSecurityAttributeDefinitions"]["value"][PROJECT_DATE]["id"],
        json!("Engineering_ProjectDate")
    );
}

#[test]
fn empty_catalog_round_trips() {
    let empty = Catalog::empty();
    let again = Catalog::from_json(&serde_json::to_vec(&empty).unwrap()).unwrap();
    assert!(again.attribute_sets().is_empty());
    assert!(again.definitions().is_empty());
    let c = json!({"attributeSets": [], "customSecurityAttributeDefinitions": []});
    assert!(accepted(&c).definitions().is_empty());
}

#[test]
fn lookups_are_case_insensitive_and_case_preserving() {
    let mut c = sample();
    sets_mut(&mut c).push(json!({"id": "Ärzte"}));
    defs_mut(&mut c).push(def("Ärzte", "Öffnung", "String", "Available"));
    let cat = accepted(&c);
    for id in [
        "Engineering_ProjectDate",
        "engineering_projectdate",
        "ENGINEERING_PROJECTDATE",
        "eNgInEeRiNg_PrOjEcTdAtE",
    ] {
        let d = cat.definition_by_id(id).unwrap();
        assert_eq!(
            (d.attribute_set(), d.name()),
            ("Engineering", "ProjectDate")
        );
    }
    for (set, name) in [("marketing", "appcountry"), ("MARKETING", "AppCountry")] {
        let d = cat.definition(set, name).unwrap();
        assert_eq!(d.id(), "Marketing_AppCountry");
    }
    assert_eq!(
        cat.definition_by_id("ärzte_öffnung").map(|d| d.id()),
        Some("Ärzte_Öffnung")
    );
    assert_eq!(cat.attribute_set("ÄRZTE").map(|s| s.id()), Some("Ärzte"));
    assert_eq!(
        cat.attribute_set("application").map(|s| s.id()),
        Some("Application")
    );
    // Not there: other set, no separator, a name that merely starts the same.
    assert!(cat.definition("Marketing", "ProjectDate").is_none());
    assert!(cat.definition_by_id("EngineeringProjectDate").is_none());
    assert!(cat.definition_by_id("Engineering_Project_Date").is_none());
    assert!(cat.definition("Engineering", "Proj").is_none());
    assert!(cat.attribute_set("Engineer").is_none());
}

#[test]
fn lint_agrees_with_from_json() {
    let policy = Policy::default();
    let mut catalogs: Vec<Vec<u8>> = vec![bytes(&sample()), b"not json".to_vec()];
    let mut c = sample();
    def_mut(&mut c, PROJECT_DATE).insert("type".into(), json!("Text"));
    set_mut(&mut c, APPLICATION).insert("extra".into(), json!(1));
    catalogs.push(bytes(&c));
    catalogs.push(bytes(&with_set_id("App lication")));
    catalogs.push(bytes(&many_values(101, 0)));
    let mut c = sample();
    value_mut(&mut c, PROJECT, 0).insert("isActive".into(), json!("false"));
    catalogs.push(bytes(&c));
    for b in catalogs {
        let lint = Catalog::lint(&b, &policy);
        match Catalog::from_json_with(&b, &policy) {
            Ok(cat) => {
                assert!(lint.is_valid());
                assert!(lint.violations().is_empty());
                assert_eq!(lint.warnings(), cat.warnings());
            }
            Err(e) => {
                assert!(!lint.is_valid());
                assert_eq!(lint.violations(), e.violations());
                assert_eq!(lint.warnings(), e.warnings());
            }
        }
    }
    // And the lint report serialises as `csa lint` prints it.
    let report = Catalog::lint(&bytes(&with_set_id("App lication")), &policy);
    let j = serde_json::to_value(&report).unwrap();
    assert_eq!(j["valid"], json!(false));
    assert_eq!(j["violations"][0]["code"], json!("invalid_name"));
    assert_eq!(
        j["violations"][0]["pointer"],
        json!(set_ptr(APPLICATION) + "/id")
    );
    assert_eq!(j["violations"][0]["status"], json!(400));
    assert_eq!(
        j["violations"][0]["graphError"],
        json!("Request_BadRequest")
    );
}

#[test]
fn catalog_codes_are_graph_bad_requests() {
    for code in [
        Code::MissingProperty,
        Code::InvalidProperty,
        Code::InvalidName,
        Code::DescriptionTooLong,
        Code::DuplicateName,
        Code::IdMismatch,
        Code::InvalidType,
        Code::InvalidStatus,
        Code::BooleanCollection,
        Code::BooleanPredefined,
        Code::InvalidAllowedValue,
        Code::TooManyAllowedValues,
        Code::LimitExceeded,
    ] {
        assert_eq!(code.status(), 400, "{code}");
        assert_eq!(code.graph_error(), "Request_BadRequest", "{code}");
    }
    let v = has(
        &with_set_id("App lication"),
        Code::InvalidName,
        &(set_ptr(APPLICATION) + "/id"),
    );
    assert_eq!(v.graph_error(), "Request_BadRequest");
}

/// Every length the catalog's messages state is in UTF-16 code units, as Graph counts: an
/// allowed value, a description and a name of astral characters say so.
#[test]
fn catalog_lengths_are_worded_in_utf16_code_units() {
    let astral_value = "\u{1d49c}".repeat(33);
    let v = refused(&with_values(PROJECT, &["Alpine2", &astral_value]));
    assert_eq!(
        v[0].message(),
        "the allowed value is 66 UTF-16 code units long, more than 64"
    );

    let mut c = sample();
    set_mut(&mut c, APPLICATION).insert("description".into(), json!("\u{1d49c}".repeat(65)));
    let v = refused(&c);
    assert_eq!(
        v[0].message(),
        "the description is 130 UTF-16 code units long, more than 128"
    );

    let v = refused(&with_set_id(&"\u{1d49c}".repeat(17)));
    assert!(
        v[0].message()
            .ends_with("a name is at most 32 UTF-16 code units long"),
        "{}",
        v[0].message()
    );
}

/// "All violations at once": a definition broken in itself (a wrong `status`, `type` or a
/// property of the wrong type) in a set that does not exist is refused for both at once; the
/// cross-item rules see what could be read of it.
#[test]
fn a_broken_definition_in_an_unknown_set_reports_both() {
    for (key, bad, code) in [
        ("status", json!("Active"), Code::InvalidStatus),
        ("type", json!("Text"), Code::InvalidType),
        ("isCollection", json!("yes"), Code::InvalidProperty),
        (
            "description",
            json!("d".repeat(129)),
            Code::DescriptionTooLong,
        ),
    ] {
        let mut c = sample();
        let mut d = def("Finance", "Budget", "Integer", "Available");
        d[key] = bad;
        defs_mut(&mut c).push(d);
        let v = refused(&c);
        let found: Vec<(Code, &str)> = v.iter().map(|v| (v.code(), v.pointer())).collect();
        let at = def_ptr(11);
        assert!(
            found.contains(&(code, &format!("{at}/{key}"))),
            "{key}: {found:?}"
        );
        let unknown = has(&c, Code::UnknownAttributeSet, &format!("{at}/attributeSet"));
        assert_eq!(unknown.attribute(), Some("Finance_Budget"), "{key}");
        assert_eq!(v.len(), 2, "{key}: {found:?}");
    }
    // A broken definition repeating a name in its set is a duplicate too.
    let mut c = sample();
    defs_mut(&mut c).push(def("Engineering", "ProjectDate", "Text", "Available"));
    has(&c, Code::InvalidType, &(def_ptr(11) + "/type"));
    has(&c, Code::DuplicateName, &(def_ptr(11) + "/name"));
}

/// What could not be read says nothing across items: an unreadable `attributeSet` or name is
/// not called unknown or a duplicate, and a set whose id cannot be read could be the one a
/// definition names, so no definition is called unknown beside it.
#[test]
fn a_half_read_item_invents_no_cross_item_violation() {
    let mut c = sample();
    let mut d = def("Finance", "Budget", "Integer", "Available");
    d["attributeSet"] = json!(5);
    defs_mut(&mut c).push(d);
    let v = refused(&c);
    assert_eq!(
        summary(&v),
        [(
            "invalid_property".to_owned(),
            def_ptr(11) + "/attributeSet",
            None
        )]
    );

    let mut c = sample();
    defs_mut(&mut c).push(def("Finance", "Bud get", "Integer", "Available"));
    defs_mut(&mut c).push(def("Finance", "Bud get", "Integer", "Available"));
    let v = refused(&c);
    assert!(
        v.iter().all(|v| v.code() == Code::InvalidName),
        "{:#?}",
        summary(&v)
    );

    let mut c = sample();
    sets_mut(&mut c).push(json!({"id": 7}));
    defs_mut(&mut c).push(def("Finance", "Budget", "Integer", "Available"));
    let v = refused(&c);
    assert_eq!(
        summary(&v),
        [("invalid_property".to_owned(), set_ptr(5) + "/id", None)]
    );
}

/// `duplicate_name` and `unknown_attribute_set` mark the name at fault in the catalog's text.
#[test]
fn cross_item_violations_have_spans() {
    let text = br#"{"attributeSets": [{"id": "Eng"}, {"id": "ENG"}],
 "customSecurityAttributeDefinitions": [
  {"attributeSet": "Eng", "name": "Site", "type": "String", "isCollection": false,
   "isSearchable": true, "status": "Available", "usePreDefinedValuesOnly": false},
  {"attributeSet": "Eng", "name": "site", "type": "String", "isCollection": false,
   "isSearchable": true, "status": "Available", "usePreDefinedValuesOnly": false},
  {"attributeSet": "Fin", "name": "Budget", "type": "Integer", "isCollection": false,
   "isSearchable": true, "status": "Available", "usePreDefinedValuesOnly": false}]}"#;
    let v = refused_bytes(text);
    let marked = |code: Code| -> Vec<String> {
        v.iter()
            .filter(|v| v.code() == code)
            .map(|v| {
                let span = v
                    .byte_span()
                    .unwrap_or_else(|| panic!("{code} has no span"));
                String::from_utf8_lossy(&text[span]).into_owned()
            })
            .collect()
    };
    assert_eq!(marked(Code::DuplicateName), ["\"ENG\"", "\"site\""]);
    assert_eq!(marked(Code::UnknownAttributeSet), ["\"Fin\""]);
}

//! Catalog evolution and impact (docs/RULES.md, Definition requests and catalog evolution): every
//! difference between two catalogs is classified as Entra treats it, and the assignments a change
//! deactivates are listed. Target catalogs are built by editing the documented sample catalog
//! (`tests/data/graph-examples/sample-catalog.json`).

// Helpers outside `#[test]` functions unwrap too: `cfg(test)` lets clippy.toml cover them.
#![cfg(test)]

use crate::common::{
    catalog_from, definition_mut, defs_mut, sample_catalog, sample_catalog_json, sets_mut, state,
    user, values_mut,
};
use csa::{
    Catalog, ChangeKind, Code, DefinitionChange, Evolution, Impact, ImpactEffect, Object,
    ObjectKind,
};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{json, Value as Json};

// ---------------------------------------------------------------------------------------------
// Helpers

const SETS: &str = "/directory/attributeSets";
const DEFS: &str = "/directory/customSecurityAttributeDefinitions";

fn set_mut<'j>(c: &'j mut Json, id: &str) -> &'j mut Json {
    sets_mut(c)
        .iter_mut()
        .find(|s| s["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("no set {id}"))
}

fn value_mut<'j>(c: &'j mut Json, def: &str, value: &str) -> &'j mut Json {
    values_mut(c, def)
        .iter_mut()
        .find(|v| v["id"].as_str() == Some(value))
        .unwrap_or_else(|| panic!("no value {value} on {def}"))
}

fn remove_set(c: &mut Json, id: &str) {
    sets_mut(c).retain(|s| s["id"].as_str() != Some(id));
}

fn remove_def(c: &mut Json, id: &str) {
    defs_mut(c).retain(|d| d["id"].as_str() != Some(id));
}

fn remove_value(c: &mut Json, def: &str, value: &str) {
    values_mut(c, def).retain(|v| v["id"].as_str() != Some(value));
}

/// The sample catalog edited by `edit`.
fn sample_with(edit: impl FnOnce(&mut Json)) -> Catalog {
    let mut json = sample_catalog_json();
    edit(&mut json);
    catalog_from(&json)
}

/// The evolution from the sample catalog to the sample edited by `edit`.
fn evolve_sample(edit: impl FnOnce(&mut Json)) -> Evolution {
    sample_catalog().evolve(&sample_with(edit))
}

/// A change as `(path, kind, property, before, after, code)`, for whole-list comparisons.
type Summary = (
    String,
    ChangeKind,
    Option<String>,
    Option<Json>,
    Option<Json>,
    Option<Code>,
);

fn summary(c: &DefinitionChange) -> Summary {
    (
        c.path().to_owned(),
        c.kind(),
        c.property().map(str::to_owned),
        c.before().cloned(),
        c.after().cloned(),
        c.code(),
    )
}

/// The only change of an evolution; panics when there is not exactly one.
#[track_caller]
fn only_change(e: &Evolution) -> &DefinitionChange {
    assert_eq!(
        e.changes().len(),
        1,
        "expected one change, got {:#?}",
        e.changes().iter().map(summary).collect::<Vec<_>>()
    );
    &e.changes()[0]
}

/// A changed property: the only change of `e`, with its code (`None` = allowed).
#[track_caller]
fn assert_changed(
    e: &Evolution,
    path: &str,
    property: &str,
    before: Json,
    after: Json,
    code: Option<Code>,
) {
    let c = only_change(e);
    assert_eq!(
        summary(c),
        (
            path.to_owned(),
            ChangeKind::Changed,
            Some(property.to_owned()),
            Some(before),
            Some(after),
            code
        )
    );
    assert_eq!(c.is_allowed(), code.is_none());
    assert_eq!(e.is_legal(), code.is_none());
}

fn def_path(id: &str) -> String {
    format!("{DEFS}/{id}")
}

fn value_path(def: &str, value: &str) -> String {
    format!("{DEFS}/{def}/allowedValues/{value}")
}

/// Impacts as `(objectId, attribute, value, effect)`.
fn impacts(list: &[Impact]) -> Vec<(String, String, Json, ImpactEffect)> {
    list.iter()
        .map(|i| {
            (
                i.object_id().to_owned(),
                i.attribute().to_owned(),
                i.value().to_json(),
                i.effect(),
            )
        })
        .collect()
}

/// A user with this id holding `csa` (a `customSecurityAttributes` value, response form).
fn holder(id: &str, csa: Json) -> Object {
    user().with_id(id).with_state(state(csa))
}

fn impact_of(edit: impl FnOnce(&mut Json), objects: &[Object]) -> Vec<Impact> {
    sample_catalog().impact(&sample_with(edit), objects)
}

// ---------------------------------------------------------------------------------------------
// Identity

#[test]
fn a_catalog_evolved_into_itself_has_no_change() {
    let c = sample_catalog();
    for to in [c.clone(), sample_catalog()] {
        let e = c.evolve(&to);
        assert!(e.changes().is_empty(), "{:?}", e.changes());
        assert!(e.is_legal());
    }
}

// ---------------------------------------------------------------------------------------------
// Added items: allowed

#[test]
fn an_added_set_is_allowed_and_carries_the_set() {
    let set = json!({"id": "Security", "description": "Clearances", "maxAttributesPerSet": 10});
    let e = evolve_sample(|c| sets_mut(c).push(set.clone()));
    let c = only_change(&e);
    assert_eq!(
        summary(c),
        (
            format!("{SETS}/Security"),
            ChangeKind::Added,
            None,
            None,
            Some(set),
            None
        )
    );
    assert!(e.is_legal());
}

#[test]
fn an_added_definition_is_allowed_and_carries_its_values() {
    let def = json!({
        "id": "Engineering_Region", "attributeSet": "Engineering", "name": "Region",
        "description": "Where", "type": "String", "isCollection": false, "isSearchable": true,
        "status": "Available", "usePreDefinedValuesOnly": true,
        "allowedValues": [{"id": "North", "isActive": true}, {"id": "South", "isActive": false}]
    });
    let e = evolve_sample(|c| defs_mut(c).push(def.clone()));
    // The values are part of the definition, not changes of their own.
    let c = only_change(&e);
    assert_eq!(
        summary(c),
        (
            def_path("Engineering_Region"),
            ChangeKind::Added,
            None,
            None,
            Some(def),
            None
        )
    );
    assert!(e.is_legal());
}

#[test]
fn an_added_allowed_value_is_allowed() {
    let e = evolve_sample(|c| {
        values_mut(c, "Engineering_Project").push(json!({"id": "Denali", "isActive": true}));
    });
    let c = only_change(&e);
    assert_eq!(
        summary(c),
        (
            value_path("Engineering_Project", "Denali"),
            ChangeKind::Added,
            None,
            None,
            Some(json!({"id": "Denali", "isActive": true})),
            None
        )
    );
    assert!(e.is_legal());
}

/// Value ids are any text: their path segment is percent-encoded.
#[test]
fn value_ids_are_percent_encoded_in_paths() {
    let e = evolve_sample(|c| {
        values_mut(c, "Engineering_Project").push(json!({"id": "New York/2", "isActive": true}));
        values_mut(c, "Engineering_Project").push(json!({"id": "Zürich 100%", "isActive": true}));
    });
    let paths: Vec<&str> = e.changes().iter().map(DefinitionChange::path).collect();
    assert_eq!(
        paths,
        [
            value_path("Engineering_Project", "New%20York%2F2"),
            value_path("Engineering_Project", "Z%C3%BCrich%20100%25"),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Removed items: Entra offers no delete

#[test]
fn a_removed_set_is_refused_as_deleted() {
    let e = evolve_sample(|c| remove_set(c, "Application"));
    let c = only_change(&e);
    assert_eq!(
        summary(c),
        (
            format!("{SETS}/Application"),
            ChangeKind::Removed,
            None,
            Some(
                json!({"id": "Application", "description": "Attributes for applications", "maxAttributesPerSet": 25})
            ),
            None,
            Some(Code::Deleted)
        )
    );
    assert!(!c.is_allowed());
    assert!(!e.is_legal());
}

#[test]
fn a_removed_definition_is_refused_as_deleted_without_listing_its_values() {
    let before = definition_mut(&mut sample_catalog_json(), "Engineering_Project").clone();
    let e = evolve_sample(|c| remove_def(c, "Engineering_Project"));
    let c = only_change(&e);
    assert_eq!(
        summary(c),
        (
            def_path("Engineering_Project"),
            ChangeKind::Removed,
            None,
            Some(before),
            None,
            Some(Code::Deleted)
        )
    );
    assert!(!e.is_legal());
}

#[test]
fn a_removed_allowed_value_is_refused_as_deleted() {
    let e = evolve_sample(|c| remove_value(c, "Engineering_Project", "Baker"));
    let c = only_change(&e);
    assert_eq!(
        summary(c),
        (
            value_path("Engineering_Project", "Baker"),
            ChangeKind::Removed,
            None,
            Some(json!({"id": "Baker", "isActive": true})),
            None,
            Some(Code::Deleted)
        )
    );
    assert!(!e.is_legal());
}

/// Values compare case-sensitively: another casing is another value.
#[test]
fn a_value_in_another_casing_is_a_removal_and_an_addition() {
    let e = evolve_sample(|c| {
        value_mut(c, "Engineering_Project", "Baker")["id"] = "baker".into();
    });
    let got: Vec<(String, ChangeKind, Option<Code>)> = e
        .changes()
        .iter()
        .map(|c| (c.path().to_owned(), c.kind(), c.code()))
        .collect();
    assert_eq!(
        got,
        [
            (
                value_path("Engineering_Project", "Baker"),
                ChangeKind::Removed,
                Some(Code::Deleted)
            ),
            (
                value_path("Engineering_Project", "baker"),
                ChangeKind::Added,
                None
            ),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Immutable properties

#[test]
fn a_changed_type_is_immutable() {
    let e =
        evolve_sample(|c| definition_mut(c, "Engineering_NumVendors")["type"] = "String".into());
    assert_changed(
        &e,
        &def_path("Engineering_NumVendors"),
        "type",
        json!("Integer"),
        json!("String"),
        Some(Code::ImmutableChanged),
    );
}

#[test]
fn a_changed_collection_flag_is_immutable() {
    let e = evolve_sample(|c| {
        definition_mut(c, "Engineering_ProjectDate")["isCollection"] = true.into();
    });
    assert_changed(
        &e,
        &def_path("Engineering_ProjectDate"),
        "isCollection",
        json!(false),
        json!(true),
        Some(Code::ImmutableChanged),
    );
}

#[test]
fn a_changed_searchable_flag_is_immutable() {
    let e = evolve_sample(|c| {
        definition_mut(c, "Marketing_EmployeeId")["isSearchable"] = false.into();
    });
    assert_changed(
        &e,
        &def_path("Marketing_EmployeeId"),
        "isSearchable",
        json!(true),
        json!(false),
        Some(Code::ImmutableChanged),
    );
}

/// Names are case-insensitive for identity, so the same definition is renamed, which Entra
/// does not allow; the path uses the new casing.
#[test]
fn a_definition_name_in_another_casing_is_an_immutable_change() {
    let e = evolve_sample(|c| {
        let d = definition_mut(c, "Engineering_ProjectDate");
        d["name"] = "projectDATE".into();
        d["id"] = "Engineering_projectDATE".into();
    });
    assert_changed(
        &e,
        &def_path("Engineering_projectDATE"),
        "name",
        json!("ProjectDate"),
        json!("projectDATE"),
        Some(Code::ImmutableChanged),
    );
}

#[test]
fn a_set_id_in_another_casing_is_an_immutable_change() {
    let e = evolve_sample(|c| set_mut(c, "Application")["id"] = "APPLICATION".into());
    assert_changed(
        &e,
        &format!("{SETS}/APPLICATION"),
        "id",
        json!("Application"),
        json!("APPLICATION"),
        Some(Code::ImmutableChanged),
    );
}

/// A set renamed in casing renames its definitions' `attributeSet` too: each is reported.
#[test]
fn a_recased_set_changes_the_attribute_set_of_its_definitions() {
    let e = evolve_sample(|c| {
        set_mut(c, "Operations")["id"] = "OPERATIONS".into();
        for d in defs_mut(c) {
            if d["attributeSet"] == "Operations" {
                d["attributeSet"] = "OPERATIONS".into();
                d.as_object_mut().unwrap().remove("id");
            }
        }
    });
    let got: Vec<Summary> = e.changes().iter().map(summary).collect();
    let immutable = |path: String, property: &str, before: &str, after: &str| {
        (
            path,
            ChangeKind::Changed,
            Some(property.to_owned()),
            Some(json!(before)),
            Some(json!(after)),
            Some(Code::ImmutableChanged),
        )
    };
    assert_eq!(
        got,
        [
            immutable(
                format!("{SETS}/OPERATIONS"),
                "id",
                "Operations",
                "OPERATIONS"
            ),
            immutable(
                def_path("OPERATIONS_Level"),
                "attributeSet",
                "Operations",
                "OPERATIONS"
            ),
            immutable(
                def_path("OPERATIONS_Project"),
                "attributeSet",
                "Operations",
                "OPERATIONS"
            ),
        ]
    );
    assert!(!e.is_legal());
}

// ---------------------------------------------------------------------------------------------
// Allowed updates

#[test]
fn updates_entra_offers_are_allowed() {
    type Edit = fn(&mut Json);
    let cases: [(&str, Edit, String, &str, Json, Json); 8] = [
        (
            "set description",
            |c| set_mut(c, "Engineering")["description"] = "Engineers".into(),
            format!("{SETS}/Engineering"),
            "description",
            json!("Attributes for engineering team"),
            json!("Engineers"),
        ),
        (
            "set description added",
            |c| set_mut(c, "Operations")["description"] = "Ops".into(),
            format!("{SETS}/Operations"),
            "description",
            Json::Null,
            json!("Ops"),
        ),
        (
            "set maxAttributesPerSet",
            |c| set_mut(c, "Engineering")["maxAttributesPerSet"] = 10.into(),
            format!("{SETS}/Engineering"),
            "maxAttributesPerSet",
            json!(25),
            json!(10),
        ),
        (
            "definition description",
            |c| definition_mut(c, "Engineering_Project")["description"] = Json::Null,
            def_path("Engineering_Project"),
            "description",
            json!("Active projects for user"),
            Json::Null,
        ),
        (
            "definition deactivated",
            |c| definition_mut(c, "Engineering_Project")["status"] = "Deprecated".into(),
            def_path("Engineering_Project"),
            "status",
            json!("Available"),
            json!("Deprecated"),
        ),
        (
            "predefined values no longer enforced",
            |c| {
                definition_mut(c, "Engineering_Project")["usePreDefinedValuesOnly"] = false.into();
            },
            def_path("Engineering_Project"),
            "usePreDefinedValuesOnly",
            json!(true),
            json!(false),
        ),
        (
            "value deactivated",
            |c| value_mut(c, "Engineering_Project", "Baker")["isActive"] = false.into(),
            value_path("Engineering_Project", "Baker"),
            "isActive",
            json!(true),
            json!(false),
        ),
        (
            "set maxAttributesPerSet removed",
            |c| set_mut(c, "Marketing")["maxAttributesPerSet"] = Json::Null,
            format!("{SETS}/Marketing"),
            "maxAttributesPerSet",
            json!(25),
            Json::Null,
        ),
    ];
    for (what, edit, path, property, before, after) in cases {
        let e = evolve_sample(edit);
        let c = only_change(&e);
        assert_eq!(
            summary(c),
            (
                path,
                ChangeKind::Changed,
                Some(property.to_owned()),
                Some(before),
                Some(after),
                None
            ),
            "{what}"
        );
        assert!(e.is_legal(), "{what}");
    }
}

/// Reactivation is the same change the other way, and allowed too.
#[test]
fn reactivations_are_allowed() {
    let inactive = sample_with(|c| {
        definition_mut(c, "Engineering_Project")["status"] = "Deprecated".into();
        value_mut(c, "Operations_Level", "Preview")["isActive"] = false.into();
    });
    let e = inactive.evolve(&sample_catalog());
    let got: Vec<Summary> = e.changes().iter().map(summary).collect();
    assert_eq!(
        got,
        [
            (
                def_path("Engineering_Project"),
                ChangeKind::Changed,
                Some("status".to_owned()),
                Some(json!("Deprecated")),
                Some(json!("Available")),
                None
            ),
            (
                value_path("Operations_Level", "Preview"),
                ChangeKind::Changed,
                Some("isActive".to_owned()),
                Some(json!(false)),
                Some(json!(true)),
                None
            ),
        ]
    );
    assert!(e.is_legal());
}

#[test]
fn enforcing_predefined_values_is_refused() {
    let e = evolve_sample(|c| {
        definition_mut(c, "Engineering_Datacenter")["usePreDefinedValuesOnly"] = true.into();
    });
    assert_changed(
        &e,
        &def_path("Engineering_Datacenter"),
        "usePreDefinedValuesOnly",
        json!(false),
        json!(true),
        Some(Code::PredefinedOnlyEnabled),
    );
}

// ---------------------------------------------------------------------------------------------
// Output

#[test]
fn a_change_and_an_evolution_serialise_as_documented() {
    let e = evolve_sample(|c| {
        definition_mut(c, "Engineering_Project")["status"] = "Deprecated".into();
        remove_value(c, "Engineering_Project", "Baker");
    });
    assert_eq!(
        serde_json::to_value(&e.changes()[0]).unwrap(),
        json!({
            "path": "/directory/customSecurityAttributeDefinitions/Engineering_Project",
            "kind": "changed",
            "property": "status",
            "before": "Available",
            "after": "Deprecated",
            "allowed": true,
            "code": null
        })
    );
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({
            "legal": false,
            "changes": [
                {
                    "path": "/directory/customSecurityAttributeDefinitions/Engineering_Project",
                    "kind": "changed",
                    "property": "status",
                    "before": "Available",
                    "after": "Deprecated",
                    "allowed": true,
                    "code": null
                },
                {
                    "path": "/directory/customSecurityAttributeDefinitions/Engineering_Project/allowedValues/Baker",
                    "kind": "removed",
                    "property": null,
                    "before": {"id": "Baker", "isActive": true},
                    "after": null,
                    "allowed": false,
                    "code": "deleted"
                }
            ]
        })
    );
}

#[test]
fn changes_are_ordered_sets_then_definitions_then_additions() {
    let security = json!({"id": "Security", "description": null, "maxAttributesPerSet": null});
    let clearance = json!({
        "attributeSet": "Security", "name": "Clearance", "description": null, "type": "Integer",
        "isCollection": false, "isSearchable": true, "status": "Available",
        "usePreDefinedValuesOnly": false, "allowedValues": []
    });
    let to = sample_with(|c| {
        set_mut(c, "Engineering")["description"] = "Engineers".into();
        remove_set(c, "Application");
        // Additions come first in `to`, yet are listed after what `from` holds.
        sets_mut(c).insert(0, security.clone());
        defs_mut(c).insert(0, clearance.clone());
        let d = definition_mut(c, "Engineering_ProjectDate");
        d["isSearchable"] = false.into();
        d["description"] = "When".into();
        definition_mut(c, "Engineering_Project")["status"] = "Deprecated".into();
        remove_value(c, "Engineering_Project", "Baker");
        value_mut(c, "Engineering_Project", "Cascade")["isActive"] = false.into();
        values_mut(c, "Engineering_Project").insert(0, json!({"id": "Denali", "isActive": true}));
        remove_def(c, "Marketing_EmployeeId");
    });
    let from = sample_catalog();
    let e = from.evolve(&to);
    let got: Vec<(String, ChangeKind, Option<String>)> = e
        .changes()
        .iter()
        .map(|c| {
            (
                c.path().to_owned(),
                c.kind(),
                c.property().map(str::to_owned),
            )
        })
        .collect();
    let changed = |p: String, prop: &str| (p, ChangeKind::Changed, Some(prop.to_owned()));
    assert_eq!(
        got,
        [
            changed(format!("{SETS}/Engineering"), "description"),
            (format!("{SETS}/Application"), ChangeKind::Removed, None),
            (format!("{SETS}/Security"), ChangeKind::Added, None),
            changed(def_path("Engineering_ProjectDate"), "description"),
            changed(def_path("Engineering_ProjectDate"), "isSearchable"),
            changed(def_path("Engineering_Project"), "status"),
            (
                value_path("Engineering_Project", "Baker"),
                ChangeKind::Removed,
                None
            ),
            changed(value_path("Engineering_Project", "Cascade"), "isActive"),
            (
                value_path("Engineering_Project", "Denali"),
                ChangeKind::Added,
                None
            ),
            (def_path("Marketing_EmployeeId"), ChangeKind::Removed, None),
            (def_path("Security_Clearance"), ChangeKind::Added, None),
        ]
    );
    // Deterministic.
    assert_eq!(from.evolve(&to), e);
    let codes: Vec<Option<Code>> = e.changes().iter().map(DefinitionChange::code).collect();
    assert_eq!(
        codes,
        [
            None,
            Some(Code::Deleted),
            None,
            None,
            Some(Code::ImmutableChanged),
            None,
            Some(Code::Deleted),
            None,
            None,
            Some(Code::Deleted),
            None
        ]
    );
}

/// An invalid target (here: a set limit lowered below its active count) is reported as its
/// violations, each an illegal change at the violation's pointer.
#[test]
fn an_invalid_target_is_reported_as_illegal_changes() {
    let mut json = sample_catalog_json();
    set_mut(&mut json, "Engineering")["maxAttributesPerSet"] = 2.into();
    set_mut(&mut json, "Marketing")["description"] = "x".repeat(129).into();
    let err = Catalog::from_json(&serde_json::to_vec(&json).unwrap()).unwrap_err();
    let e = Evolution::from_invalid(err.violations());
    assert!(!e.is_legal());
    let got: Vec<Summary> = e.changes().iter().map(summary).collect();
    let expected: Vec<Summary> = err
        .violations()
        .iter()
        .map(|v| {
            (
                v.pointer().to_owned(),
                ChangeKind::Changed,
                None,
                None,
                None,
                Some(v.code()),
            )
        })
        .collect();
    assert_eq!(got, expected);
    let codes: Vec<Code> = e.changes().iter().filter_map(|c| c.code()).collect();
    assert!(codes.contains(&Code::LimitExceeded), "{codes:?}");
    assert!(codes.contains(&Code::DescriptionTooLong), "{codes:?}");
    assert!(Evolution::from_invalid(&[]).is_legal());
}

// ---------------------------------------------------------------------------------------------
// Impact

#[test]
fn a_deactivated_single_valued_attribute_affects_its_holders() {
    let objects = [
        holder("u1", json!({"Engineering": {"ProjectDate": "2022-10-01"}})),
        holder("u2", json!({"Engineering": {"NumVendors": 4}})),
    ];
    let deprecated = || {
        sample_with(|c| {
            definition_mut(c, "Engineering_ProjectDate")["status"] = "Deprecated".into()
        })
    };
    let got = sample_catalog().impact(&deprecated(), &objects);
    assert_eq!(
        impacts(&got),
        [(
            "u1".to_owned(),
            "Engineering_ProjectDate".to_owned(),
            json!("2022-10-01"),
            ImpactEffect::AttributeDeactivated
        )]
    );
    // Deactivated already: nothing changes for its holders.
    assert!(deprecated().impact(&deprecated(), &objects).is_empty());
}

/// A deactivated attribute is one entry with its whole value, even when its held values are
/// deactivated too.
#[test]
fn a_deactivated_collection_is_one_entry_with_the_whole_value() {
    let objects = [holder(
        "u1",
        json!({"Engineering": {"Project@odata.type": "#Collection(String)", "Project": ["Baker", "Alpine"]}}),
    )];
    let got = impact_of(
        |c| {
            definition_mut(c, "Engineering_Project")["status"] = "Deprecated".into();
            value_mut(c, "Engineering_Project", "Baker")["isActive"] = false.into();
        },
        &objects,
    );
    assert_eq!(
        impacts(&got),
        [(
            "u1".to_owned(),
            "Engineering_Project".to_owned(),
            json!(["Baker", "Alpine"]),
            ImpactEffect::AttributeDeactivated
        )]
    );
}

#[test]
fn a_deactivated_value_in_a_collection_affects_only_that_element() {
    let objects = [holder(
        "u1",
        json!({"Engineering": {"Project@odata.type": "#Collection(String)", "Project": ["Alpine", "Baker", "Cascade"]}}),
    )];
    let got = impact_of(
        |c| value_mut(c, "Engineering_Project", "Baker")["isActive"] = false.into(),
        &objects,
    );
    assert_eq!(
        impacts(&got),
        [(
            "u1".to_owned(),
            "Engineering_Project".to_owned(),
            json!("Baker"),
            ImpactEffect::ValueDeactivated
        )]
    );
}

/// Only values the evolution deactivates count: one inactive already is no news.
#[test]
fn a_value_inactive_before_is_not_reported() {
    let objects = [holder(
        "u1",
        json!({"Engineering": {"Project@odata.type": "#Collection(String)", "Project": ["Baker", "Cascade"]}}),
    )];
    let inactive = |values: &'static [&'static str]| {
        sample_with(|c| {
            for v in values {
                value_mut(c, "Engineering_Project", v)["isActive"] = false.into();
            }
        })
    };
    let got = inactive(&["Baker"]).impact(&inactive(&["Baker", "Cascade"]), &objects);
    assert_eq!(
        impacts(&got),
        [(
            "u1".to_owned(),
            "Engineering_Project".to_owned(),
            json!("Cascade"),
            ImpactEffect::ValueDeactivated
        )]
    );
}

/// Integer values are matched by number.
#[test]
fn a_deactivated_integer_value_is_found() {
    let with_levels = |active: bool| {
        move |c: &mut Json| {
            let d = definition_mut(c, "Engineering_CostCenter");
            d["usePreDefinedValuesOnly"] = true.into();
            d["allowedValues"] = json!([
                {"id": "-5", "isActive": true},
                {"id": "1001", "isActive": active},
            ]);
        }
    };
    let objects = [holder(
        "u1",
        json!({"Engineering": {"CostCenter@odata.type": "#Collection(Int32)", "CostCenter": [1001, -5]}}),
    )];
    let got = sample_with(with_levels(true)).impact(&sample_with(with_levels(false)), &objects);
    assert_eq!(
        impacts(&got),
        [(
            "u1".to_owned(),
            "Engineering_CostCenter".to_owned(),
            json!(1001),
            ImpactEffect::ValueDeactivated
        )]
    );
}

/// A value that is only offered, not enforced, can still be assigned: nothing is affected.
#[test]
fn a_deactivated_value_of_a_free_form_attribute_affects_nothing() {
    let objects = [holder(
        "u1",
        json!({"Engineering": {"Project@odata.type": "#Collection(String)", "Project": ["Baker"]}}),
    )];
    let got = impact_of(
        |c| {
            let d = definition_mut(c, "Engineering_Project");
            d["usePreDefinedValuesOnly"] = false.into();
            value_mut(c, "Engineering_Project", "Baker")["isActive"] = false.into();
        },
        &objects,
    );
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn an_object_without_id_is_reported_with_an_empty_id() {
    let objects = [Object::new(ObjectKind::ServicePrincipal)
        .with_state(state(json!({"Operations": {"Level": "Preview"}})))];
    let got = impact_of(
        |c| value_mut(c, "Operations_Level", "Preview")["isActive"] = false.into(),
        &objects,
    );
    assert_eq!(
        impacts(&got),
        [(
            String::new(),
            "Operations_Level".to_owned(),
            json!("Preview"),
            ImpactEffect::ValueDeactivated
        )]
    );
}

/// Attributes a catalog does not define (stale assignments, or definitions only the new
/// catalog has) are skipped; held names in another casing are reported in the catalog's.
#[test]
fn only_attributes_both_catalogs_define_are_looked_at() {
    let objects = [holder(
        "u1",
        json!({
            "Ghost": {"Level": "Preview"},
            "Engineering": {"Stale": "Preview", "Region": "North"},
            "OPERATIONS": {"level": "Preview"}
        }),
    )];
    let got = impact_of(
        |c| {
            value_mut(c, "Operations_Level", "Preview")["isActive"] = false.into();
            defs_mut(c).push(json!({
                "attributeSet": "Engineering", "name": "Region", "description": null,
                "type": "String", "isCollection": false, "isSearchable": true,
                "status": "Deprecated", "usePreDefinedValuesOnly": true,
                "allowedValues": [{"id": "North", "isActive": false}]
            }));
        },
        &objects,
    );
    assert_eq!(
        impacts(&got),
        [(
            "u1".to_owned(),
            "Operations_Level".to_owned(),
            json!("Preview"),
            ImpactEffect::ValueDeactivated
        )]
    );
}

/// By object in input order, then attribute id ignoring case, then value in held order.
#[test]
fn impacts_are_ordered_by_object_attribute_and_value() {
    let alpha = |active: bool| {
        json!({
            "attributeSet": "Engineering", "name": "alpha", "description": null,
            "type": "String", "isCollection": false, "isSearchable": true,
            "status": "Available", "usePreDefinedValuesOnly": true,
            "allowedValues": [{"id": "A", "isActive": active}]
        })
    };
    let from = sample_with(|c| defs_mut(c).push(alpha(true)));
    let to = sample_with(|c| {
        defs_mut(c).push(alpha(false));
        for v in ["Canada", "Mexico"] {
            value_mut(c, "Marketing_AppCountry", v)["isActive"] = false.into();
        }
        for v in ["Alpine", "Cascade"] {
            value_mut(c, "Engineering_Project", v)["isActive"] = false.into();
        }
        definition_mut(c, "Engineering_ProjectDate")["status"] = "Deprecated".into();
    });
    let objects = [
        holder(
            "u2",
            json!({
                "Marketing": {"AppCountry@odata.type": "#Collection(String)", "AppCountry": ["Mexico", "France", "Canada"]},
                "Engineering": {
                    "Project@odata.type": "#Collection(String)", "Project": ["Cascade", "Alpine"],
                    "alpha": "A",
                    "ProjectDate": "2024-01-01"
                }
            }),
        ),
        holder("u1", json!({"Engineering": {"alpha": "A"}})),
    ];
    let got = from.impact(&to, &objects);
    let row =
        |o: &str, a: &str, v: &str, e: ImpactEffect| (o.to_owned(), a.to_owned(), json!(v), e);
    use ImpactEffect::{AttributeDeactivated as Attr, ValueDeactivated as Val};
    assert_eq!(
        impacts(&got),
        [
            // `alpha` before `Project` ignoring case (ordinal order would put `P` first).
            row("u2", "Engineering_alpha", "A", Val),
            row("u2", "Engineering_Project", "Cascade", Val),
            row("u2", "Engineering_Project", "Alpine", Val),
            row("u2", "Engineering_ProjectDate", "2024-01-01", Attr),
            row("u2", "Marketing_AppCountry", "Mexico", Val),
            row("u2", "Marketing_AppCountry", "Canada", Val),
            row("u1", "Engineering_alpha", "A", Val),
        ]
    );
}

#[test]
fn an_impact_serialises_as_documented() {
    let objects = [holder(
        "u1",
        json!({"Engineering": {"Project@odata.type": "#Collection(String)", "Project": ["Baker"]}}),
    )];
    let got = impact_of(
        |c| definition_mut(c, "Engineering_Project")["status"] = "Deprecated".into(),
        &objects,
    );
    assert_eq!(
        serde_json::to_value(&got).unwrap(),
        json!([{
            "objectId": "u1",
            "attribute": "Engineering_Project",
            "value": ["Baker"],
            "effect": "attribute_deactivated"
        }])
    );
}

// ---------------------------------------------------------------------------------------------
// Properties

const SET_NAMES: [&str; 4] = ["Alpha", "Bravo", "Charlie", "Delta"];
const ATTR_NAMES: [&str; 5] = ["Proj", "Level", "Cost", "Flag", "Note"];
const STRINGS: [&str; 6] = ["Alpine", "Baker", "baker", "New York", "Ünïcode/1", "x"];
const INTS: [i32; 5] = [-5, 0, 12, i32::MAX, i32::MIN];

#[derive(Debug, Clone)]
struct DefGen {
    name: usize,
    upper: bool,
    ty: u8,
    multi: bool,
    predefined: bool,
    deprecated: bool,
    /// (value index, isActive)
    values: Vec<(usize, bool)>,
    description: Option<String>,
}

fn def_gen() -> impl Strategy<Value = DefGen> {
    (
        0..ATTR_NAMES.len(),
        any::<bool>(),
        0u8..3,
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.2),
        vec((0usize..8, any::<bool>()), 0..=4),
        prop::option::of("[a-z ]{0,12}"),
    )
        .prop_map(
            |(name, upper, ty, multi, predefined, deprecated, values, description)| DefGen {
                name,
                upper,
                ty,
                multi,
                predefined,
                deprecated,
                values,
                description,
            },
        )
}

/// A valid catalog (names unique ignoring case, Booleans neither multi-valued nor predefined,
/// value ids unique and canonical), as JSON.
fn catalog_gen() -> impl Strategy<Value = Json> {
    vec(
        (0..SET_NAMES.len(), any::<bool>(), vec(def_gen(), 0..=4)),
        1..=4,
    )
    .prop_map(|raw| {
        let mut sets: Vec<Json> = Vec::new();
        let mut defs: Vec<Json> = Vec::new();
        let mut seen_sets: Vec<usize> = Vec::new();
        for (s, upper, gens) in raw {
            if seen_sets.contains(&s) {
                continue;
            }
            seen_sets.push(s);
            let set = if upper {
                SET_NAMES[s].to_uppercase()
            } else {
                SET_NAMES[s].to_owned()
            };
            sets.push(json!({"id": set, "description": null, "maxAttributesPerSet": null}));
            let mut seen_names: Vec<usize> = Vec::new();
            for g in gens {
                if seen_names.contains(&g.name) {
                    continue;
                }
                seen_names.push(g.name);
                let name = if g.upper {
                    ATTR_NAMES[g.name].to_uppercase()
                } else {
                    ATTR_NAMES[g.name].to_owned()
                };
                let ty = ["String", "Integer", "Boolean"][usize::from(g.ty)];
                let boolean = ty == "Boolean";
                let mut ids: Vec<String> = Vec::new();
                let mut values: Vec<Json> = Vec::new();
                if !boolean {
                    for (i, active) in g.values {
                        let id = if ty == "Integer" {
                            INTS[i % INTS.len()].to_string()
                        } else {
                            STRINGS[i % STRINGS.len()].to_owned()
                        };
                        if !ids.contains(&id) {
                            ids.push(id.clone());
                            values.push(json!({"id": id, "isActive": active}));
                        }
                    }
                }
                defs.push(json!({
                    "attributeSet": set, "name": name, "description": g.description,
                    "type": ty, "isCollection": g.multi && !boolean, "isSearchable": true,
                    "status": if g.deprecated { "Deprecated" } else { "Available" },
                    "usePreDefinedValuesOnly": g.predefined && !boolean,
                    "allowedValues": values
                }));
            }
        }
        json!({"attributeSets": sets, "customSecurityAttributeDefinitions": defs})
    })
}

/// Toggles some values' `isActive` and rewrites some descriptions (of sets and definitions),
/// driven by `flips`; returns the edited catalog and how many properties it changed.
fn soft_edit(catalog: &Json, flips: &[bool]) -> (Json, usize) {
    let mut out = catalog.clone();
    let mut flip = flips.iter().copied().cycle();
    let mut changed = 0;
    fn rewrite(item: &mut Json, changed: &mut usize) {
        let new = json!("rewritten");
        if item["description"] != new {
            item["description"] = new;
            *changed += 1;
        }
    }
    for s in out["attributeSets"].as_array_mut().unwrap() {
        if flip.next().unwrap_or(false) {
            rewrite(s, &mut changed);
        }
    }
    for d in out["customSecurityAttributeDefinitions"]
        .as_array_mut()
        .unwrap()
    {
        if flip.next().unwrap_or(false) {
            rewrite(d, &mut changed);
        }
        for v in d["allowedValues"].as_array_mut().unwrap() {
            if flip.next().unwrap_or(false) {
                let active = v["isActive"].as_bool().unwrap();
                v["isActive"] = (!active).into();
                changed += 1;
            }
        }
    }
    (out, changed)
}

fn config() -> ProptestConfig {
    // 256 cases by default; `PROPTEST_CASES=N` runs more.
    crate::common::proptest_config("proptest-regressions/evolve.txt", 256)
}

proptest! {
    #![proptest_config(config())]

    /// Evolving a catalog into itself, or into the same catalog read again, changes nothing.
    #[test]
    fn a_catalog_evolved_into_itself_is_empty_and_legal(json in catalog_gen()) {
        let c = catalog_from(&json);
        let again = Catalog::from_json(&serde_json::to_vec(&c).unwrap()).unwrap();
        for to in [&c, &c.clone(), &again] {
            let e = c.evolve(to);
            prop_assert!(e.changes().is_empty(), "{:?}", e.changes());
            prop_assert!(e.is_legal());
        }
    }

    /// (De)activating values and rewriting descriptions is always allowed, and each edit is
    /// reported once as a change of that property.
    #[test]
    fn activations_and_descriptions_are_legal(
        json in catalog_gen(),
        flips in vec(any::<bool>(), 1..32),
    ) {
        let (edited, count) = soft_edit(&json, &flips);
        let from = catalog_from(&json);
        let e = from.evolve(&catalog_from(&edited));
        prop_assert!(e.is_legal(), "{:?}", e.changes());
        prop_assert_eq!(e.changes().len(), count);
        for c in e.changes() {
            prop_assert_eq!(c.kind(), ChangeKind::Changed);
            prop_assert!(matches!(c.property(), Some("isActive" | "description")), "{:?}", c);
        }
    }
}

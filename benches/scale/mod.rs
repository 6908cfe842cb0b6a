//! The scale catalog shared by `catalog_build` and `plan_max`: Graph's list response for 50
//! sets of 100 definitions, 10 `Available` per set (500, the tenant limit) and 90 `Deprecated`
//! (4,500), every definition predefined-only with 100 allowed values (the per-definition limit).
//!
//! Every definition has allowed values, so there are no Booleans (a Boolean can have none,
//! `invalid_allowed_value`); the shapes cycle through single and multi-valued String and
//! Integer. Every 10th allowed value is inactive.

#![allow(
    dead_code,
    reason = "each bench uses a different part of the shared generator"
)]

use csa::{Catalog, Policy, Status};
use serde_json::{json, Value as Json};

/// Number of attribute sets.
pub(crate) const SETS: usize = 50;
/// Definitions per set (50 × 100 = 5,000).
pub(crate) const DEFINITIONS_PER_SET: usize = 100;
/// `Available` definitions per set (50 × 10 = 500, the tenant limit); the rest are `Deprecated`.
pub(crate) const ACTIVE_PER_SET: usize = 10;
/// Allowed values per definition (the limit, `csa::MAX_ALLOWED_VALUES`).
pub(crate) const VALUES_PER_DEFINITION: usize = 100;

/// A definition's type and cardinality.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    Text,
    Texts,
    Int,
    Ints,
}

impl Shape {
    pub(crate) fn is_collection(self) -> bool {
        matches!(self, Shape::Texts | Shape::Ints)
    }

    fn type_name(self) -> &'static str {
        match self {
            Shape::Text | Shape::Texts => "String",
            Shape::Int | Shape::Ints => "Integer",
        }
    }
}

/// The name of set `s`.
pub(crate) fn set_name(s: usize) -> String {
    format!("Department{s:02}")
}

/// The name of definition `d` of a set: `Attr00`..`Attr09` are `Available`, `Legacy10`..
/// `Legacy99` `Deprecated`.
pub(crate) fn definition_name(d: usize) -> String {
    if d < ACTIVE_PER_SET {
        format!("Attr{d:02}")
    } else {
        format!("Legacy{d:02}")
    }
}

/// The shape of definition `d` of set `s`; shifted per set so that an attribute name does not
/// always have the same type.
pub(crate) fn shape(s: usize, d: usize) -> Shape {
    match (s + d) % 4 {
        0 => Shape::Text,
        1 => Shape::Texts,
        2 => Shape::Int,
        _ => Shape::Ints,
    }
}

/// Whether allowed value `v` is active (every 10th is not).
pub(crate) fn value_is_active(v: usize) -> bool {
    v % 10 != 9
}

/// The index of the `n`-th active allowed value.
pub(crate) fn active_value(n: usize) -> usize {
    n + n / 9
}

/// Allowed value `v` of definition `d` of set `s`, as a value is assigned: a string, or a
/// number for an Integer definition.
pub(crate) fn allowed_value(s: usize, d: usize, v: usize) -> Json {
    match shape(s, d) {
        Shape::Int | Shape::Ints => json!(100_000 + 1_000 * d + v),
        Shape::Text | Shape::Texts => json!(format!("{}Value{v:03}", definition_name(d))),
    }
}

/// Definition `d` of set `s` as Graph lists it with `$expand=allowedValues`.
fn definition(s: usize, d: usize) -> Json {
    let set = set_name(s);
    let name = definition_name(d);
    let shape = shape(s, d);
    let values: Vec<Json> = (0..VALUES_PER_DEFINITION)
        .map(|v| {
            // An allowed value's id is text even for an Integer definition.
            let id = match allowed_value(s, d, v) {
                Json::String(text) => text,
                number => number.to_string(),
            };
            json!({"id": id, "isActive": value_is_active(v)})
        })
        .collect();
    json!({
        "id": format!("{set}_{name}"),
        "attributeSet": set,
        "name": name,
        "description": format!("{name} of the {set} attribute set"),
        "type": shape.type_name(),
        "isCollection": shape.is_collection(),
        "isSearchable": true,
        "status": if d < ACTIVE_PER_SET { "Available" } else { "Deprecated" },
        "usePreDefinedValuesOnly": true,
        "allowedValues": values,
    })
}

/// The catalog's bytes, in the shape `GET /directory/attributeSets` and
/// `GET /directory/customSecurityAttributeDefinitions?$expand=allowedValues` return.
pub(crate) fn catalog_json() -> Vec<u8> {
    let sets: Vec<Json> = (0..SETS)
        .map(|s| {
            json!({
                "id": set_name(s),
                "description": format!("Attributes for {}", set_name(s)),
                // The per-set limit counts Available definitions only: 10 fit under 25.
                "maxAttributesPerSet": if s % 2 == 0 { json!(25) } else { json!(null) },
            })
        })
        .collect();
    let definitions: Vec<Json> = (0..SETS)
        .flat_map(|s| (0..DEFINITIONS_PER_SET).map(move |d| definition(s, d)))
        .collect();
    let catalog = json!({
        "attributeSets": {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directory/attributeSets",
            "value": sets,
        },
        "customSecurityAttributeDefinitions": {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directory/customSecurityAttributeDefinitions(allowedValues())",
            "value": definitions,
        },
    });
    serde_json::to_vec(&catalog).expect("the generated catalog serialises")
}

/// Reads the catalog once and checks it is what the benches claim: accepted without warnings,
/// within the default size limit, 5,000 definitions of which 500 `Available`, each with 100
/// allowed values. Prints its size to stderr under `bench`.
pub(crate) fn checked_catalog(bench: &str, bytes: &[u8]) -> Catalog {
    let max = Policy::default().max_catalog_bytes;
    assert!(
        bytes.len() < max,
        "the catalog is {} bytes, over the default maxCatalogBytes {max}",
        bytes.len()
    );
    let catalog = Catalog::from_json(bytes).expect("the generated catalog is valid");
    assert!(
        catalog.warnings().is_empty(),
        "unexpected warnings: {:?}",
        catalog.warnings()
    );
    let definitions = catalog.definitions();
    let active = definitions
        .iter()
        .filter(|d| d.status() == Status::Available)
        .count();
    assert_eq!(catalog.attribute_sets().len(), SETS);
    assert_eq!(definitions.len(), SETS * DEFINITIONS_PER_SET);
    assert_eq!(active, SETS * ACTIVE_PER_SET);
    assert!(definitions.iter().all(
        |d| d.use_predefined_values_only() && d.allowed_values().len() == VALUES_PER_DEFINITION
    ));
    eprintln!(
        "{bench}: catalog {} bytes ({:.1} MiB; default maxCatalogBytes {max}), {} sets, {} definitions ({active} Available), {VALUES_PER_DEFINITION} allowed values each",
        bytes.len(),
        bytes.len() as f64 / f64::from(1 << 20),
        catalog.attribute_sets().len(),
        definitions.len(),
    );
    catalog
}

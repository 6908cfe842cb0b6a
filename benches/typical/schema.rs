//! A JSON Schema (draft 2020-12) for Graph PATCH bodies, generated from a `csa::Catalog`: the
//! `jsonschema_peer` of `benches/evaluate.rs`, i.e. what a team would write with a generic JSON
//! Schema validator instead of csa.
//!
//! What it expresses: the body's shape (`customSecurityAttributes`, one object per set, the
//! set's `@odata.type` required), unknown sets and attributes (`additionalProperties: false`,
//! only `Available` definitions listed), each attribute's JSON type, single- or multi-valued,
//! removal (`null` for single-valued, `[]` for multi-valued), non-empty strings of at most 64
//! characters, the Int32 range, predefined-only attributes as an `enum` of the active allowed
//! values, `uniqueItems` and at most 50 items per collection, and the per-attribute
//! `@odata.type` annotations as optional constants that need their attribute.
//!
//! What it cannot express, and csa checks: names and annotations in another letter case or
//! spelling (`Edm.Int32`, no `#`); duplicate keys (`serde_json::Value` keeps the last); lengths
//! in UTF-16 code units (JSON Schema counts code points); `12.0` refused as an Integer (JSON
//! Schema calls it an integer); anything that depends on the object (50 values per object
//! counted over the resulting state, keeping a deactivated value or resending a deactivated
//! attribute's current value, directory-synced objects, the object's kind) or on the actor
//! (permissions, read scopes); and it says only valid or not, where csa lists every violation
//! with its pointer and hint and computes the changes.

use csa::limits::{MAX_VALUES_PER_OBJECT, MAX_VALUE_LEN};
use csa::{AttributeDefinition, AttributeType, Catalog, Status};
use serde_json::{json, Map, Value as Json};

/// The set `@odata.type` values Graph documents: the request form and the response form.
const SET_TYPES: [&str; 2] = [
    "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
    "#microsoft.graph.customSecurityAttributeValue",
];

/// The schema for a PATCH body under `catalog`.
pub(crate) fn patch_schema(catalog: &Catalog) -> Json {
    let mut sets = Map::new();
    for set in catalog.attribute_sets() {
        let mut properties = Map::new();
        properties.insert("@odata.type".to_owned(), json!({ "enum": SET_TYPES }));
        // An annotation without its attribute is refused (csa: `annotation_mismatch`).
        let mut dependent = Map::new();
        for def in catalog
            .definitions_in(set.id())
            .filter(|d| d.status() == Status::Available)
        {
            properties.insert(def.name().to_owned(), attribute(def));
            if let Some(annotation) = annotation(def) {
                let key = format!("{}@odata.type", def.name());
                properties.insert(key.clone(), json!({ "const": annotation }));
                dependent.insert(key, json!([def.name()]));
            }
        }
        sets.insert(
            set.id().to_owned(),
            json!({
                "type": "object",
                "required": ["@odata.type"],
                "properties": properties,
                "dependentRequired": dependent,
                "additionalProperties": false,
            }),
        );
    }
    // Other root properties are left open: a user PATCH may carry them (csa warns and ignores).
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["customSecurityAttributes"],
        "properties": {
            "customSecurityAttributes": {
                "type": "object",
                "properties": sets,
                "additionalProperties": false,
            },
        },
    })
}

/// The annotation Graph's examples send with an attribute, if any.
fn annotation(def: &AttributeDefinition) -> Option<&'static str> {
    match (def.attribute_type(), def.is_collection()) {
        (AttributeType::Integer, false) => Some("#Int32"),
        (AttributeType::String, true) => Some("#Collection(String)"),
        (AttributeType::Integer, true) => Some("#Collection(Int32)"),
        _ => None,
    }
}

/// One attribute's value: an array of items (`[]` removes) or one item (`null` removes).
fn attribute(def: &AttributeDefinition) -> Json {
    if def.is_collection() {
        json!({
            "type": "array",
            "items": item(def),
            "uniqueItems": true,
            "maxItems": MAX_VALUES_PER_OBJECT,
        })
    } else {
        json!({ "anyOf": [{ "type": "null" }, item(def)] })
    }
}

/// One value of the attribute.
fn item(def: &AttributeDefinition) -> Json {
    let predefined = def.use_predefined_values_only();
    match def.attribute_type() {
        AttributeType::String if predefined => {
            json!({ "enum": active_values(def, |id| json!(id)) })
        }
        AttributeType::String => json!({
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_VALUE_LEN,
        }),
        AttributeType::Integer if predefined => json!({
            // Integer allowed values are canonical Int32 text in the catalog.
            "enum": active_values(def, |id| {
                json!(id.parse::<i32>().expect("an Integer allowed value is an Int32"))
            }),
        }),
        AttributeType::Integer => json!({
            "type": "integer",
            "minimum": i32::MIN,
            "maximum": i32::MAX,
        }),
        AttributeType::Boolean => json!({ "type": "boolean" }),
        // A type csa learns later needs its schema written here before the peer is fair.
        other => unimplemented!("no JSON Schema for {other} attributes yet"),
    }
}

/// The active allowed values, as JSON. (csa also accepts an inactive one the object already
/// holds; a schema has no object to look at.)
fn active_values(def: &AttributeDefinition, value: impl Fn(&str) -> Json) -> Vec<Json> {
    def.allowed_values()
        .iter()
        .filter(|v| v.is_active())
        .map(|v| value(v.id()))
        .collect()
}

/// The compiled validator for `catalog` (compiled once, outside the timing).
pub(crate) fn validator(catalog: &Catalog) -> jsonschema::Validator {
    jsonschema::draft202012::new(&patch_schema(catalog)).expect("the generated schema compiles")
}

//! The `evaluate_typical` inputs, shared by the benches: one ~1 KB Graph PATCH (10 attributes
//! in 3 sets), a generated catalog of 500 active and 4,500 deactivated definitions, a user
//! holding 10 values, and a tenant-scope Attribute Assignment Administrator.

use csa::{Actor, Catalog, Engine, Evaluation, Object, Op, Policy};
use serde_json::{json, Value as Json};

/// Number of attribute sets in the catalog.
const SETS: usize = 50;
/// Definitions per set (50 × 100 = 5,000).
const DEFINITIONS_PER_SET: usize = 100;
/// `Available` definitions per set (50 × 10 = 500, the tenant limit); the rest are `Deprecated`.
const ACTIVE_PER_SET: usize = 10;

/// The ~1 KB PATCH, in Graph's request form with annotations, formatted as the documented
/// examples are. Engineering: a predefined multi-string replaced, an integer added, a
/// multi-integer replaced, a Boolean replaced. Marketing: a string replaced, a predefined
/// multi-string added, a string removed. Operations: a predefined string replaced, a
/// predefined multi-integer added, a Boolean added.
pub(crate) const BODY: &str = r##"{
  "customSecurityAttributes": {
    "Engineering": {
      "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
      "Project@odata.type": "#Collection(String)",
      "Project": ["Alpine", "Denali", "Everest"],
      "NumVendors@odata.type": "#Int32",
      "NumVendors": 8,
      "CostCenter@odata.type": "#Collection(Int32)",
      "CostCenter": [1001, 1002],
      "Certification": false
    },
    "Marketing": {
      "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
      "EmployeeId": "QN26905",
      "AppCountry@odata.type": "#Collection(String)",
      "AppCountry": ["Canada", "Germany", "France"],
      "Campaign": null
    },
    "Operations": {
      "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
      "Region": "WestEurope",
      "Shifts@odata.type": "#Collection(Int32)",
      "Shifts": [6, 14, 22],
      "OnCall": true
    }
  }
}"##;

/// The user's current state (response form, as `GET ...?$select=customSecurityAttributes`
/// returns it): 10 values across the three sets; the PATCH replaces some and removes one.
pub(crate) const USER: &str = r##"{
  "@odata.type": "#microsoft.graph.user",
  "id": "4f1e9a7c-2b3d-4c5e-8f90-a1b2c3d4e5f6",
  "displayName": "Adele Vance",
  "userType": "Member",
  "onPremisesSyncEnabled": null,
  "customSecurityAttributes": {
    "Engineering": {
      "@odata.type": "#microsoft.graph.customSecurityAttributeValue",
      "Project@odata.type": "#Collection(String)",
      "Project": ["Alpine", "Baker", "Cascade"],
      "ProjectDate": "2024-06-30",
      "CostCenter@odata.type": "#Collection(Int32)",
      "CostCenter": [1001],
      "Certification": true
    },
    "Marketing": {
      "@odata.type": "#microsoft.graph.customSecurityAttributeValue",
      "EmployeeId": "QN26904",
      "Campaign": "Spring24"
    },
    "Operations": {
      "@odata.type": "#microsoft.graph.customSecurityAttributeValue",
      "Region": "EastUS",
      "Level": "L2"
    }
  }
}"##;

/// What a definition looks like, for the generator.
#[derive(Clone, Copy)]
enum Shape {
    /// Single free-form string.
    Text,
    /// Multi-valued string, predefined values only, with this many allowed values.
    TextsPredefined(usize),
    /// Single string, predefined values only, with this many allowed values.
    TextPredefined(usize),
    /// Single integer.
    Int,
    /// Multi-valued integer, free-form.
    Ints,
    /// Multi-valued integer, predefined values only, with this many allowed values.
    IntsPredefined(usize),
    /// Boolean.
    Bool,
}

/// One definition as Graph lists it with `$expand=allowedValues`. Allowed values are
/// `named` first, then generated ones up to `count`; every 7th generated value is inactive.
fn definition(set: &str, name: &str, shape: Shape, active: bool, named: &[&str]) -> Json {
    let (ty, collection, predefined, count) = match shape {
        Shape::Text => ("String", false, false, 0),
        Shape::TextsPredefined(n) => ("String", true, true, n),
        Shape::TextPredefined(n) => ("String", false, true, n),
        Shape::Int => ("Integer", false, false, 0),
        Shape::Ints => ("Integer", true, false, 0),
        Shape::IntsPredefined(n) => ("Integer", true, true, n),
        Shape::Bool => ("Boolean", false, false, 0),
    };
    let mut values: Vec<Json> = named
        .iter()
        .map(|id| json!({"id": id, "isActive": true}))
        .collect();
    for i in values.len()..count {
        let id = if ty == "Integer" {
            (100_000 + i).to_string()
        } else {
            format!("{name}Value{i:03}")
        };
        values.push(json!({"id": id, "isActive": i % 7 != 3}));
    }
    json!({
        "id": format!("{set}_{name}"),
        "attributeSet": set,
        "name": name,
        "description": format!("{name} of the {set} attribute set"),
        "type": ty,
        "isCollection": collection,
        "isSearchable": true,
        "status": if active { "Available" } else { "Deprecated" },
        "usePreDefinedValuesOnly": predefined,
        "allowedValues": values,
    })
}

/// A generated (filler) definition's shape, cycling through the kinds a tenant uses.
fn filler_shape(i: usize) -> Shape {
    match i % 7 {
        0 => Shape::Text,
        1 => Shape::TextsPredefined(20 + (i * 37) % 81),
        2 => Shape::Int,
        3 => Shape::Ints,
        4 => Shape::Bool,
        5 => Shape::TextPredefined(5 + (i * 13) % 96),
        _ => Shape::IntsPredefined(10 + (i * 17) % 91),
    }
}

/// The attributes the PATCH and the current state use, per named set.
fn named_definitions(set: &str) -> Vec<Json> {
    let countries = [
        "Canada", "Germany", "France", "Norway", "Spain", "Italy", "Japan", "Brazil",
    ];
    let regions = [
        "EastUS",
        "WestUS",
        "WestEurope",
        "NorthEurope",
        "SoutheastAsia",
    ];
    let shifts: Vec<String> = (0..24).map(|h| h.to_string()).collect();
    let shifts: Vec<&str> = shifts.iter().map(String::as_str).collect();
    let projects = ["Alpine", "Baker", "Cascade", "Denali", "Everest"];
    match set {
        "Engineering" => vec![
            definition(set, "Project", Shape::TextsPredefined(100), true, &projects),
            definition(set, "ProjectDate", Shape::Text, true, &[]),
            definition(set, "NumVendors", Shape::Int, true, &[]),
            definition(set, "CostCenter", Shape::Ints, true, &[]),
            definition(set, "Certification", Shape::Bool, true, &[]),
        ],
        "Marketing" => vec![
            definition(set, "EmployeeId", Shape::Text, true, &[]),
            definition(
                set,
                "AppCountry",
                Shape::TextsPredefined(60),
                true,
                &countries,
            ),
            definition(set, "Campaign", Shape::Text, true, &[]),
        ],
        "Operations" => vec![
            definition(set, "Region", Shape::TextPredefined(40), true, &regions),
            definition(set, "Shifts", Shape::IntsPredefined(24), true, &shifts),
            definition(set, "OnCall", Shape::Bool, true, &[]),
            definition(set, "Level", Shape::Text, true, &[]),
        ],
        _ => Vec::new(),
    }
}

/// The catalog: 50 sets of 100 definitions each, 10 of them `Available` (500 in all), the
/// other 90 `Deprecated` (4,500); Engineering, Marketing and Operations hold the attributes
/// the PATCH names.
pub(crate) fn catalog_json() -> Vec<u8> {
    let mut set_names = vec![
        "Engineering".to_owned(),
        "Marketing".to_owned(),
        "Operations".to_owned(),
    ];
    set_names.extend((set_names.len()..SETS).map(|i| format!("Department{i:02}")));
    let mut sets = Vec::new();
    let mut definitions = Vec::new();
    for (s, set) in set_names.iter().enumerate() {
        sets.push(json!({
            "id": set,
            "description": format!("Attributes for {set}"),
            "maxAttributesPerSet": if s % 2 == 0 { json!(25) } else { json!(null) },
        }));
        let mut defs = named_definitions(set);
        let named = defs.len();
        for i in named..DEFINITIONS_PER_SET {
            let active = i < ACTIVE_PER_SET;
            let name = if active {
                format!("Attr{i:02}")
            } else {
                format!("Legacy{i:02}")
            };
            defs.push(definition(
                set,
                &name,
                filler_shape(s * 100 + i),
                active,
                &[],
            ));
        }
        definitions.extend(defs);
    }
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

/// The actor document: a tenant-scope Attribute Assignment Administrator.
pub(crate) const ACTOR: &str = r#"{"roleAssignments": [{"roleDefinitionId": "58a13ea3-c632-46ae-9ee0-9c0d43cd7f3d", "directoryScopeId": "/"}]}"#;

/// Everything prepared outside the timing.
pub(crate) struct Setup {
    pub(crate) engine: Engine,
    pub(crate) object: Object,
    pub(crate) actor: Actor,
}

pub(crate) fn setup() -> Setup {
    let bytes = catalog_json();
    let catalog = Catalog::from_json(&bytes).expect("the generated catalog is valid");
    let active = catalog
        .definitions()
        .iter()
        .filter(|d| d.status() == csa::Status::Available)
        .count();
    assert_eq!(catalog.attribute_sets().len(), SETS);
    assert_eq!(catalog.definitions().len(), SETS * DEFINITIONS_PER_SET);
    assert_eq!(active, SETS * ACTIVE_PER_SET);
    eprintln!(
        "evaluate_typical: catalog {} bytes, {} sets, {} definitions ({active} Available); PATCH body {} bytes",
        bytes.len(),
        catalog.attribute_sets().len(),
        catalog.definitions().len(),
        BODY.len()
    );
    let engine = Engine::new(catalog, Policy::default());
    let object = Object::from_json(USER.as_bytes()).expect("the user is valid");
    // Tenant scope: the common production setup for an assignment service.
    let actor = Actor::from_json(ACTOR.as_bytes()).expect("the actor is valid");
    Setup {
        engine,
        object,
        actor,
    }
}

/// Checks once, outside the timing, that the bench measures the success path with the
/// intended changes.
pub(crate) fn check_accepted(s: &Setup) {
    let eval = s
        .engine
        .evaluate(&s.object, Some(&s.actor), BODY.as_bytes());
    // Every attribute changes and the body carries exactly Graph's annotations, so the
    // canonical request body is the body itself.
    check_accepted_as_sent(&eval, BODY);
    let diff = eval.diff().expect("an accepted evaluation has a diff");
    let count = |op: Op| diff.changes().iter().filter(|c| c.op() == op).count();
    assert_eq!(diff.changes().len(), 10);
    assert_eq!(
        (count(Op::Add), count(Op::Replace), count(Op::Remove)),
        (4, 5, 1)
    );
    // 10 values before; +1 NumVendors, +1 CostCenter, +3 AppCountry, -1 Campaign,
    // +3 Shifts, +1 OnCall.
    assert_eq!(diff.after().value_count(), 18);
}

/// Checks that `eval` accepts `body` without warnings and that its canonical request body is
/// `body` itself: the success path, nothing rewritten.
pub(crate) fn check_accepted_as_sent(eval: &Evaluation, body: &str) {
    assert!(
        eval.is_allowed(),
        "the benchmark PATCH must be accepted: {:?}",
        eval.violations()
    );
    assert!(
        eval.warnings().is_empty(),
        "unexpected warnings: {:?}",
        eval.warnings()
    );
    let diff = eval.diff().expect("an accepted evaluation has a diff");
    let canonical = diff
        .request()
        .expect("changes give a request body")
        .to_json();
    let sent: Json = serde_json::from_str(body).expect("the body is JSON");
    assert_eq!(canonical, sent);
}

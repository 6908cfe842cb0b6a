//! The bodies of `evaluate_small`, `evaluate_max` and `evaluate_refusal`, for the same
//! catalog, user and actor as `evaluate_typical` (`typical::setup`), with the checks that they
//! take the intended path.

use csa::limits::MAX_VALUES_PER_OBJECT;
use csa::{Code, Evaluation, Op};
use serde_json::Value as Json;

use crate::typical::check_accepted_as_sent;

/// One attribute, as Graph's first assignment example: a single string replaced.
pub(crate) const SMALL: &str = r##"{
  "customSecurityAttributes": {
    "Engineering": {
      "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
      "ProjectDate": "2024-11-15"
    }
  }
}"##;

/// 50 values (`csa::MAX_VALUES_PER_OBJECT`) in 12 attributes: every attribute the user holds
/// is replaced (so the resulting state holds exactly these 50), and NumVendors and OnCall are
/// added. Four multi-valued attributes carry 42 of the values.
pub(crate) const MAX: &str = r##"{
  "customSecurityAttributes": {
    "Engineering": {
      "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
      "Project@odata.type": "#Collection(String)",
      "Project": [
        "Alpine", "Baker", "Cascade", "Denali", "Everest", "ProjectValue005",
        "ProjectValue006", "ProjectValue007", "ProjectValue008", "ProjectValue009",
        "ProjectValue011", "ProjectValue012"
      ],
      "ProjectDate": "2025-03-31",
      "NumVendors@odata.type": "#Int32",
      "NumVendors": 12,
      "CostCenter@odata.type": "#Collection(Int32)",
      "CostCenter": [1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010],
      "Certification": false
    },
    "Marketing": {
      "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
      "EmployeeId": "QN26906",
      "AppCountry@odata.type": "#Collection(String)",
      "AppCountry": [
        "Canada", "Germany", "France", "Norway", "Spain", "Italy", "Japan", "Brazil",
        "AppCountryValue008", "AppCountryValue009"
      ],
      "Campaign": "Autumn25"
    },
    "Operations": {
      "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
      "Region": "NorthEurope",
      "Shifts@odata.type": "#Collection(Int32)",
      "Shifts": [0, 2, 4, 6, 8, 10, 12, 14, 16, 18],
      "OnCall": true,
      "Level": "L3"
    }
  }
}"##;

/// One or two faults per attribute, in the same three sets plus an unknown one. Engineering:
/// values not in the predefined list (one differing only in case) and a deactivated one, an
/// empty string, an integer outside Int32, a scalar for a collection, a string for a Boolean,
/// a deactivated attribute, an unknown attribute. Marketing: a value over 64 characters, a
/// repeated value and one not predefined, `[]` on a single-valued attribute, a duplicate key.
/// Operations: no set `@odata.type`, predefined values not in the list (the collection's
/// annotation missing too, a warning under the default policy), a number for a Boolean, an
/// array for a single-valued attribute.
/// Finance: an unknown set.
pub(crate) const REFUSAL: &str = r##"{
  "customSecurityAttributes": {
    "Engineering": {
      "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
      "Project@odata.type": "#Collection(String)",
      "Project": ["Alpine", "Zermatt", "alpine", "ProjectValue010"],
      "ProjectDate": "",
      "NumVendors@odata.type": "#Int32",
      "NumVendors": 3000000000,
      "CostCenter@odata.type": "#Collection(Int32)",
      "CostCenter": 1001,
      "Certification": "yes",
      "Legacy14": "Retired",
      "Budget": 5000
    },
    "Marketing": {
      "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
      "EmployeeId": "QN26905-QN26905-QN26905-QN26905-QN26905-QN26905-QN26905-QN26905-QN",
      "AppCountry@odata.type": "#Collection(String)",
      "AppCountry": ["Canada", "Canada", "Atlantis"],
      "Campaign": [],
      "Campaign": "Summer25"
    },
    "Operations": {
      "Region": "Mars",
      "Shifts": [6, 25],
      "OnCall": 1,
      "Level": ["L1", "L2"]
    },
    "Finance": {
      "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
      "CostCode": "F-100"
    }
  }
}"##;

/// The attributes and values a body carries (annotations aside; `null` and `[]` carry none),
/// as `serde_json::Value` reads it: a repeated key counts once, with its last value.
pub(crate) fn carried(body: &str) -> (usize, usize) {
    let body: Json = serde_json::from_str(body).expect("the body is JSON");
    let sets = body
        .get("customSecurityAttributes")
        .and_then(Json::as_object)
        .expect("the body has sets");
    let attributes = sets
        .values()
        .filter_map(Json::as_object)
        .flat_map(|set| set.iter().filter(|(key, _)| !key.contains('@')));
    attributes.fold((0, 0), |(n, values), (_, value)| {
        let count = match value {
            Json::Array(items) => items.len(),
            Json::Null => 0,
            _ => 1,
        };
        (n + 1, values + count)
    })
}

/// `SMALL` replaces the one attribute it names.
pub(crate) fn check_small(eval: &Evaluation) {
    check_accepted_as_sent(eval, SMALL);
    let diff = eval.diff().expect("an accepted evaluation has a diff");
    let ops: Vec<Op> = diff.changes().iter().map(|c| c.op()).collect();
    assert_eq!(ops, [Op::Replace]);
}

/// `MAX` carries the per-object maximum, and the object ends up holding exactly that many.
pub(crate) fn check_max(eval: &Evaluation) {
    check_accepted_as_sent(eval, MAX);
    assert_eq!(carried(MAX).1, MAX_VALUES_PER_OBJECT);
    let diff = eval.diff().expect("an accepted evaluation has a diff");
    assert_eq!(diff.after().value_count(), MAX_VALUES_PER_OBJECT);
}

/// `REFUSAL` is refused with at least 10 violations, among them every kind it was written to
/// show; returns the number of violations.
pub(crate) fn check_refused(eval: &Evaluation) -> usize {
    assert!(!eval.is_allowed(), "the refusal PATCH must be refused");
    let codes: Vec<Code> = eval.violations().iter().map(|v| v.code()).collect();
    for code in [
        Code::ValueNotPredefined,
        Code::ValueDeactivated,
        Code::EmptyString,
        Code::IntegerOutOfRange,
        Code::CollectionExpected,
        Code::TypeMismatch,
        Code::AttributeDeactivated,
        Code::UnknownAttribute,
        Code::ValueTooLong,
        Code::DuplicateValue,
        Code::WrongRemoval,
        Code::DuplicateKey,
        Code::MissingOdataType,
        Code::SingleValueExpected,
        Code::UnknownAttributeSet,
    ] {
        assert!(
            codes.contains(&code),
            "no {code:?} among the violations: {codes:?}"
        );
    }
    assert!(codes.len() >= 10, "only {} violations", codes.len());
    codes.len()
}

//! The catalog's items as Graph defines them (docs/RULES.md, Catalogs): [`Status`],
//! [`AttributeSet`], [`AllowedValue`] and [`AttributeDefinition`] with its allowed-value indexes
//! (by id, and by value for Integer attributes), and their Graph JSON form.

use std::fmt;

use hashbrown::HashMap;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::names::Name;
use crate::text::{bytes_eq, Text};
use crate::value::check::int32;
use crate::value::AttributeType;

/// Whether a definition can be assigned anew.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// Active: can be assigned.
    Available,
    /// Deactivated: existing assignments stay, nothing new can be set.
    Deprecated,
}

impl Status {
    /// Graph's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Available => "Available",
            Status::Deprecated => "Deprecated",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An attribute set (`microsoft.graph.attributeSet`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeSet {
    pub(crate) id: Name,
    pub(crate) description: Option<String>,
    pub(crate) max_attributes_per_set: Option<u32>,
}

impl AttributeSet {
    /// The set's name, as stored.
    pub fn id(&self) -> &str {
        self.id.as_str()
    }
    /// Its description.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// The most active definitions it may hold, when limited.
    pub fn max_attributes_per_set(&self) -> Option<u32> {
        self.max_attributes_per_set
    }
}

impl Serialize for AttributeSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("description", &self.description)?;
        m.serialize_entry("maxAttributesPerSet", &self.max_attributes_per_set)?;
        m.end()
    }
}

/// A predefined value of a definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedValue {
    pub(crate) id: Text,
    pub(crate) is_active: bool,
}

impl AllowedValue {
    /// The value (case-sensitive).
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Whether it can be assigned anew.
    pub fn is_active(&self) -> bool {
        self.is_active
    }
}

impl Serialize for AllowedValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("isActive", &self.is_active)?;
        m.end()
    }
}

/// An attribute definition (`microsoft.graph.customSecurityAttributeDefinition`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeDefinition {
    /// `{attributeSet}_{name}`, kept so lookups and messages need not format it.
    pub(crate) id: Box<str>,
    pub(crate) attribute_set: Name,
    pub(crate) name: Name,
    pub(crate) description: Option<String>,
    pub(crate) attribute_type: AttributeType,
    pub(crate) is_collection: bool,
    pub(crate) is_searchable: bool,
    pub(crate) status: Status,
    pub(crate) use_predefined_values_only: bool,
    pub(crate) allowed_values: Vec<AllowedValue>,
    /// Allowed value id → index in `allowed_values` (case-sensitive; Integer ids are canonical).
    pub(crate) value_index: HashMap<Text, usize>,
    /// For an Integer attribute, the entries of `value_index` whose id is a canonical Int32,
    /// by value (sorted): an integer is looked up without writing it in decimal and hashing it.
    pub(crate) int_index: Vec<(i32, usize)>,
}

impl AttributeDefinition {
    /// The set it belongs to, in catalog casing.
    pub fn attribute_set(&self) -> &str {
        self.attribute_set.as_str()
    }
    /// Its name, in catalog casing.
    pub fn name(&self) -> &str {
        self.name.as_str()
    }
    /// `{attributeSet}_{name}`.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Its description.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// Its data type.
    pub fn attribute_type(&self) -> AttributeType {
        self.attribute_type
    }
    /// Whether it is multi-valued.
    pub fn is_collection(&self) -> bool {
        self.is_collection
    }
    /// Whether `$filter` may use it.
    pub fn is_searchable(&self) -> bool {
        self.is_searchable
    }
    /// Active or deactivated.
    pub fn status(&self) -> Status {
        self.status
    }
    /// Whether only allowed values may be assigned.
    pub fn use_predefined_values_only(&self) -> bool {
        self.use_predefined_values_only
    }
    /// Its allowed values, active and inactive.
    pub fn allowed_values(&self) -> &[AllowedValue] {
        &self.allowed_values
    }
    /// The allowed value with exactly this id (case-sensitive).
    #[inline]
    pub fn allowed_value(&self, id: &str) -> Option<&AllowedValue> {
        self.value_index
            .get(&ExactRef(id))
            .and_then(|&i| self.allowed_values.get(i))
    }

    /// What its values are, for messages: `single-valued string`, `multi-valued integer`, ...
    pub(crate) fn describe(&self) -> String {
        let card = if self.is_collection {
            "multi-valued"
        } else {
            "single-valued"
        };
        format!("{card} {}", self.attribute_type().noun())
    }

    /// Whether `v` has this definition's type and cardinality.
    pub(crate) fn fits(&self, v: &crate::value::Value) -> bool {
        v.attribute_type() == self.attribute_type() && v.is_collection() == self.is_collection()
    }

    /// The allowed value whose id is `n` in canonical decimal, for an Integer attribute: the
    /// same as [`AttributeDefinition::allowed_value`] of that text.
    pub(crate) fn allowed_int(&self, n: i32) -> Option<&AllowedValue> {
        let at = self.int_index.binary_search_by_key(&n, |&(v, _)| v).ok()?;
        let &(_, i) = self.int_index.get(at)?;
        self.allowed_values.get(i)
    }

    /// Rebuilds both allowed-value indexes after `allowed_values` changed.
    pub(crate) fn rebuild_value_index(&mut self) {
        self.value_index = self
            .allowed_values
            .iter()
            .enumerate()
            .map(|(i, v)| (v.id.clone(), i))
            .collect();
        self.rebuild_int_index();
    }

    /// The integer index, from the id index (which the caller has built).
    pub(super) fn rebuild_int_index(&mut self) {
        // Built from the id index, so that both agree on which of two equal ids is found.
        self.int_index = if self.attribute_type == AttributeType::Integer {
            let mut ints: Vec<(i32, usize)> = self
                .value_index
                .iter()
                .filter_map(|(id, &i)| Some((parse_canonical_int32(id)?, i)))
                .collect();
            ints.sort_unstable();
            ints
        } else {
            Vec::new()
        };
    }
}

/// An allowed value id looked up in [`AttributeDefinition::value_index`]: hashed as the key
/// is, compared without a `memcmp` call for short ids.
#[derive(Hash)]
struct ExactRef<'a>(&'a str);

impl hashbrown::Equivalent<Text> for ExactRef<'_> {
    fn equivalent(&self, key: &Text) -> bool {
        bytes_eq(self.0.as_bytes(), key.as_bytes())
    }
}

impl Serialize for AttributeDefinition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(10))?;
        m.serialize_entry("id", self.id())?;
        m.serialize_entry("attributeSet", &self.attribute_set)?;
        m.serialize_entry("name", &self.name)?;
        m.serialize_entry("description", &self.description)?;
        m.serialize_entry("type", &self.attribute_type)?;
        m.serialize_entry("isCollection", &self.is_collection)?;
        m.serialize_entry("isSearchable", &self.is_searchable)?;
        m.serialize_entry("status", &self.status)?;
        m.serialize_entry("usePreDefinedValuesOnly", &self.use_predefined_values_only)?;
        m.serialize_entry("allowedValues", &self.allowed_values)?;
        m.end()
    }
}

/// An item (or a property value) in Graph's JSON form. The items' `Serialize` writes only
/// strings, numbers, booleans, `null` and maps with string keys, which cannot fail; `null`
/// stands in should that ever change.
pub(crate) fn to_json<T: Serialize>(item: &T) -> serde_json::Value {
    serde_json::to_value(item).unwrap_or(serde_json::Value::Null)
}

/// `12`, `-5`, `0`; not `012`, `+1`, `-0`, `1.0`, or anything outside Int32.
pub(crate) fn is_canonical_int32(s: &str) -> bool {
    parse_canonical_int32(s).is_some()
}

/// The Int32 `s` writes in canonical decimal ([`is_canonical_int32`]): digits only, after an
/// optional `-`, without a leading zero (but for `0` itself) and not `-0`. Checked on the text,
/// so that reading a catalog's integer values writes nothing out.
fn parse_canonical_int32(s: &str) -> Option<i32> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let canonical = match digits.as_bytes() {
        [] => false,
        [b'0'] => digits.len() == s.len(),
        [first, rest @ ..] => (b'1'..=b'9').contains(first) && rest.iter().all(u8::is_ascii_digit),
    };
    if canonical {
        int32(s).ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    /// Integers are looked up by value; that finds what looking up their decimal text finds.
    #[test]
    fn integer_allowed_values_are_found_by_value_as_by_text() {
        let ids = [
            "-2147483648",
            "-5",
            "0",
            "1",
            "7",
            "12",
            "1001",
            "2147483647",
        ];
        let allowed: Vec<String> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| format!(r#"{{"id":"{id}","isActive":{}}}"#, i % 3 != 0))
            .collect();
        let json = format!(
            r#"{{"attributeSets":[{{"id":"Ops"}}],"customSecurityAttributeDefinitions":[{{"attributeSet":"Ops","name":"Level","type":"Integer","isCollection":true,"isSearchable":true,"status":"Available","usePreDefinedValuesOnly":true,"allowedValues":[{}]}}]}}"#,
            allowed.join(",")
        );
        let c = Catalog::from_json(json.as_bytes()).unwrap();
        let d = c.definition("Ops", "Level").unwrap();
        let mut found = 0;
        for n in (-20..=1010).chain([i32::MIN, i32::MIN + 1, 2_147_483_646, i32::MAX]) {
            let by_value = d.allowed_int(n).map(AllowedValue::id);
            assert_eq!(
                by_value,
                d.allowed_value(&n.to_string()).map(AllowedValue::id),
                "{n}"
            );
            found += usize::from(by_value.is_some());
        }
        assert_eq!(
            found,
            ids.len(),
            "every id is in the range looked at, and found"
        );
    }

    #[test]
    fn canonical_int32() {
        assert!(is_canonical_int32("12"));
        assert!(is_canonical_int32("-5"));
        assert!(is_canonical_int32("0"));
        assert!(!is_canonical_int32("012"));
        assert!(!is_canonical_int32("+1"));
        assert!(!is_canonical_int32("-0"));
        assert!(!is_canonical_int32("1.0"));
        assert!(!is_canonical_int32("2147483648"));
        assert!(is_canonical_int32("2147483647"));
        assert!(is_canonical_int32("-2147483648"));
        assert!(!is_canonical_int32("-2147483649"));
        assert!(!is_canonical_int32("-"));
        assert!(!is_canonical_int32(""));
        assert!(!is_canonical_int32("1e3"));
        assert!(!is_canonical_int32("-012"));
        assert!(!is_canonical_int32("12a"));
        assert!(!is_canonical_int32(" 12"));
    }
}

//! Typed attribute values ([`Value`], [`AttributeType`]) and an object's assignment state
//! ([`State`]), with the rules a value obeys written once ([`check`]) and Graph's type
//! annotations ([`odata`]).

use std::fmt;

use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};

use crate::text::Text;

pub(crate) mod check;
pub(crate) mod odata;
mod state;

pub(crate) use state::ResponseForm;
pub use state::{Assignment, SetAssignments, State};

/// The data type of an attribute definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AttributeType {
    /// Strings of 1..=64 UTF-16 code units.
    String,
    /// 32-bit signed integers.
    Integer,
    /// `true` / `false`; never multi-valued, never predefined-only.
    Boolean,
}

impl AttributeType {
    /// Graph's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributeType::String => "String",
            AttributeType::Integer => "Integer",
            AttributeType::Boolean => "Boolean",
        }
    }
}

impl AttributeType {
    /// The type as messages name its values: `string`, `integer`, `Boolean`.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            AttributeType::String => "string",
            AttributeType::Integer => "integer",
            AttributeType::Boolean => "Boolean",
        }
    }
}

impl fmt::Display for AttributeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AttributeType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An assigned value. A value knows its type and cardinality; collections are never empty
/// (an empty collection is no assignment: [`Collection::new`] refuses one).
///
/// Equality is Graph's: a collection is a set, so `["a", "b"] == ["b", "a"]` (outputs keep the
/// order they were given in; compare their JSON to compare order).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Value {
    /// A single string.
    String(Text),
    /// A single Int32.
    Integer(i32),
    /// A Boolean.
    Boolean(bool),
    /// A collection of strings.
    Strings(Collection<Text>),
    /// A collection of Int32s.
    Integers(Collection<i32>),
}

/// The elements of a multi-valued attribute's value, in the order given: never empty.
/// Compares as a set (order aside). Derefs to a slice.
///
/// ```
/// use csa::{Collection, Text, Value};
///
/// assert!(Collection::<Text>::new(Vec::new()).is_none());
/// let a = Value::strings(["Alpine", "Baker"]).unwrap();
/// let b = Value::strings(["Baker", "Alpine"]).unwrap();
/// assert_eq!(a, b);
/// assert_eq!(serde_json::to_string(&b).unwrap(), r#"["Baker","Alpine"]"#);
/// ```
#[derive(Debug, Clone, Eq)]
pub struct Collection<T>(Vec<T>);

impl<T> Collection<T> {
    /// The collection of `elements`, or `None` when there are none.
    pub fn new(elements: Vec<T>) -> Option<Self> {
        (!elements.is_empty()).then_some(Self(elements))
    }
    /// The elements, in order.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }
    /// The elements, by value.
    pub fn into_vec(self) -> Vec<T> {
        self.0
    }
}

impl<T> std::ops::Deref for Collection<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<'a, T> IntoIterator for &'a Collection<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Set equality: the same elements, in any order. Collections hold no repeats (the rules refuse
/// them), so equal lengths and inclusion one way suffice; at most 50 elements, so a quadratic
/// check is cheapest.
impl<T: PartialEq> PartialEq for Collection<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().all(|x| other.0.contains(x))
    }
}

impl<T: Serialize> Serialize for Collection<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for x in &self.0 {
            seq.serialize_element(x)?;
        }
        seq.end()
    }
}

impl Value {
    /// A multi-valued string value, or `None` for no strings.
    pub fn strings<I, S>(elements: I) -> Option<Value>
    where
        I: IntoIterator<Item = S>,
        S: Into<Text>,
    {
        Collection::new(elements.into_iter().map(Into::into).collect()).map(Value::Strings)
    }

    /// A multi-valued integer value, or `None` for no integers.
    pub fn integers(elements: impl IntoIterator<Item = i32>) -> Option<Value> {
        Collection::new(elements.into_iter().collect()).map(Value::Integers)
    }

    /// How many of the object's 50 values this value uses.
    pub fn count(&self) -> usize {
        match self {
            Value::Strings(v) => v.len(),
            Value::Integers(v) => v.len(),
            _ => 1,
        }
    }

    /// Whether this is a collection.
    pub fn is_collection(&self) -> bool {
        matches!(self, Value::Strings(_) | Value::Integers(_))
    }

    /// The element type.
    pub fn attribute_type(&self) -> AttributeType {
        match self {
            Value::String(_) | Value::Strings(_) => AttributeType::String,
            Value::Integer(_) | Value::Integers(_) => AttributeType::Integer,
            Value::Boolean(_) => AttributeType::Boolean,
        }
    }

    /// The value as `serde_json::Value`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::String(s) => s.as_str().into(),
            Value::Integer(i) => (*i).into(),
            Value::Boolean(b) => (*b).into(),
            Value::Strings(v) => v
                .iter()
                .map(|s| serde_json::Value::from(s.as_str()))
                .collect(),
            Value::Integers(v) => v.iter().map(|i| serde_json::Value::from(*i)).collect(),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::String(v) => s.serialize_str(v),
            Value::Integer(v) => s.serialize_i32(*v),
            Value::Boolean(v) => s.serialize_bool(*v),
            Value::Strings(v) => v.serialize(s),
            Value::Integers(v) => v.serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_types_display_as_graph_names_them() {
        for (t, name) in [
            (AttributeType::String, "String"),
            (AttributeType::Integer, "Integer"),
            (AttributeType::Boolean, "Boolean"),
        ] {
            assert_eq!(t.to_string(), name);
            assert_eq!(format!("`{t}`"), format!("`{name}`"));
        }
    }
}

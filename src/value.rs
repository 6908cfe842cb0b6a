//! Typed attribute values and an object's assignment state.

use std::fmt;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::names::names_eq;
use crate::text::Text;

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

    /// The Graph annotation a request writes for this value, if any.
    pub(crate) fn request_annotation(&self) -> Option<&'static str> {
        match self {
            Value::Integer(_) => Some("#Int32"),
            Value::Strings(_) => Some("#Collection(String)"),
            Value::Integers(_) => Some("#Collection(Int32)"),
            _ => None,
        }
    }

    /// The Graph annotation a response writes for this value, if any (collections only).
    pub(crate) fn response_annotation(&self) -> Option<&'static str> {
        match self {
            Value::Strings(_) => Some("#Collection(String)"),
            Value::Integers(_) => Some("#Collection(Int32)"),
            _ => None,
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

/// One attribute assigned to an object. Short names and strings are stored inline (see
/// [`Text`]), so copying a state (the resulting state of every evaluation starts as one)
/// allocates only its lists and collections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub(crate) name: Text,
    pub(crate) value: Value,
}

impl Assignment {
    /// The attribute name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Its value.
    pub fn value(&self) -> &Value {
        &self.value
    }
}

/// The assignments of one attribute set on an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAssignments {
    pub(crate) name: Text,
    pub(crate) attributes: Vec<Assignment>,
}

impl SetAssignments {
    /// The attribute set name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Its assigned attributes.
    pub fn attributes(&self) -> &[Assignment] {
        &self.attributes
    }
}

/// An object's `customSecurityAttributes`: sets of assigned attributes, in a stable order
/// (existing entries keep their place, new ones are appended).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct State {
    pub(crate) sets: Vec<SetAssignments>,
}

impl State {
    /// Nothing assigned.
    pub fn new() -> Self {
        Self::default()
    }

    /// The assigned sets.
    pub fn sets(&self) -> &[SetAssignments] {
        &self.sets
    }

    /// Whether nothing is assigned.
    pub fn is_empty(&self) -> bool {
        self.sets.iter().all(|s| s.attributes.is_empty())
    }

    /// The value of `set`/`name` (names compare case-insensitively).
    pub fn get(&self, set: &str, name: &str) -> Option<&Value> {
        self.sets
            .iter()
            .find(|s| names_eq(&s.name, set))?
            .attributes
            .iter()
            .find(|a| names_eq(&a.name, name))
            .map(|a| &a.value)
    }

    /// Whether `(si, ai)` holds `set`/`name`.
    pub(crate) fn holds_at(&self, (si, ai): (usize, usize), set: &str, name: &str) -> bool {
        self.sets.get(si).is_some_and(|s| {
            names_eq(&s.name, set)
                && s.attributes
                    .get(ai)
                    .is_some_and(|a| names_eq(&a.name, name))
        })
    }

    /// The value at a position: (set index, attribute index).
    pub(crate) fn at(&self, (si, ai): (usize, usize)) -> Option<&Value> {
        Some(&self.sets.get(si)?.attributes.get(ai)?.value)
    }

    /// Replaces the value at a position: (set index, attribute index).
    pub(crate) fn replace_at(&mut self, (si, ai): (usize, usize), value: Value) -> bool {
        match self.sets.get_mut(si).and_then(|s| s.attributes.get_mut(ai)) {
            Some(a) => {
                a.value = value;
                true
            }
            None => false,
        }
    }

    /// Every assignment as `(set, attribute, value)`.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &Value)> {
        self.sets.iter().flat_map(|s| {
            s.attributes
                .iter()
                .map(move |a| (&*s.name, &*a.name, &a.value))
        })
    }

    /// Total number of values (a single value counts 1, a collection its length).
    pub fn value_count(&self) -> usize {
        self.iter().map(|(_, _, v)| v.count()).sum()
    }

    /// Assigns `value` to `set`/`name`, replacing what was there (keeping its place).
    pub fn insert(&mut self, set: &str, name: &str, value: Value) {
        let Some(entry) = self.set_entry(set) else {
            return;
        };
        match entry
            .attributes
            .iter_mut()
            .find(|a| names_eq(&a.name, name))
        {
            Some(a) => a.value = value,
            None => entry.attributes.push(Assignment {
                name: name.into(),
                value,
            }),
        }
    }

    /// Assigns `value` to `set`/`name`, which the caller knows the state does not hold (so
    /// the set's attributes are not searched).
    pub(crate) fn push_new(&mut self, set: &str, name: &Text, value: Value) {
        debug_assert!(self.get(set, name).is_none(), "{set}_{name} is new");
        if let Some(entry) = self.set_entry(set) {
            entry.attributes.push(Assignment {
                name: name.clone(),
                value,
            });
        }
    }

    /// The assignments of `set`, a new empty entry at the end when the state has none.
    fn set_entry(&mut self, set: &str) -> Option<&mut SetAssignments> {
        match self.sets.iter().position(|s| names_eq(&s.name, set)) {
            Some(i) => self.sets.get_mut(i),
            None => {
                self.sets.push(SetAssignments {
                    name: set.into(),
                    attributes: Vec::new(),
                });
                self.sets.last_mut()
            }
        }
    }

    /// Removes `set`/`name`; returns the removed value. A set left empty disappears.
    pub fn remove(&mut self, set: &str, name: &str) -> Option<Value> {
        let si = self.sets.iter().position(|s| names_eq(&s.name, set))?;
        let entry = self.sets.get_mut(si)?;
        let ai = entry
            .attributes
            .iter()
            .position(|a| names_eq(&a.name, name))?;
        let removed = entry.attributes.remove(ai);
        if entry.attributes.is_empty() {
            self.sets.remove(si);
        }
        Some(removed.value)
    }

    /// A copy with room for `extra` more sets and `extra` more attributes in each set, so that
    /// applying that many changes does not reallocate. Values at the positions (set index,
    /// attribute index) where `replaced` is true are left as `Value::Boolean(false)`, for the
    /// caller to replace.
    pub(crate) fn clone_with_room(
        &self,
        extra: usize,
        mut replaced: impl FnMut((usize, usize)) -> bool,
    ) -> State {
        let mut sets = Vec::with_capacity(self.sets.len() + extra);
        sets.extend(self.sets.iter().enumerate().map(|(si, s)| {
            let mut attributes = Vec::with_capacity(s.attributes.len() + extra);
            attributes.extend(s.attributes.iter().enumerate().map(|(ai, a)| Assignment {
                name: a.name.clone(),
                value: if replaced((si, ai)) {
                    Value::Boolean(false)
                } else {
                    a.value.clone()
                },
            }));
            SetAssignments {
                name: s.name.clone(),
                attributes,
            }
        }));
        State { sets }
    }

    /// Makes room for `extra` more sets and `extra` more attributes in each set.
    pub(crate) fn reserve(&mut self, extra: usize) {
        self.sets.reserve(extra);
        for s in &mut self.sets {
            s.attributes.reserve(extra);
        }
    }

    /// Keeps only the sets for which `keep` is true.
    pub(crate) fn retain_sets(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.sets.retain(|s| keep(&s.name));
    }

    /// The state in Graph's response form (`null` when empty), as `GET` returns it.
    pub fn to_response_json(&self) -> serde_json::Value {
        serde_json::to_value(ResponseForm(self)).unwrap_or(serde_json::Value::Null)
    }

    /// A serialisable view in Graph's response form.
    pub fn response_form(&self) -> impl Serialize + '_ {
        ResponseForm(self)
    }
}

/// Response-form rendering: `null` when empty; set type and collection annotations.
pub(crate) struct ResponseForm<'a>(pub(crate) &'a State);

pub(crate) const RESPONSE_SET_TYPE: &str = "#microsoft.graph.customSecurityAttributeValue";
pub(crate) const REQUEST_SET_TYPE: &str =
    "#Microsoft.DirectoryServices.CustomSecurityAttributeValue";

impl Serialize for ResponseForm<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_empty() {
            return s.serialize_none();
        }
        let mut m = s.serialize_map(None)?;
        for set in &self.0.sets {
            if set.attributes.is_empty() {
                continue;
            }
            m.serialize_entry(&*set.name, &ResponseSet(set))?;
        }
        m.end()
    }
}

struct ResponseSet<'a>(&'a SetAssignments);

impl Serialize for ResponseSet<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("@odata.type", RESPONSE_SET_TYPE)?;
        for a in &self.0.attributes {
            if let Some(ann) = a.value.response_annotation() {
                m.serialize_entry(&format!("{}@odata.type", a.name), ann)?;
            }
            m.serialize_entry(&*a.name, &a.value)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_edits_keep_order_and_fold_case() {
        let mut s = State::new();
        s.insert("Engineering", "Project", Value::strings(["A"]).unwrap());
        s.insert("Engineering", "NumVendors", Value::Integer(4));
        s.insert("ENGINEERING", "project", Value::strings(["B"]).unwrap());
        assert_eq!(s.sets.len(), 1);
        assert_eq!(&*s.sets[0].attributes[0].name, "Project");
        assert_eq!(
            s.get("engineering", "PROJECT"),
            Some(&Value::strings(["B"]).unwrap())
        );
        assert_eq!(s.value_count(), 2);
        assert_eq!(
            s.remove("Engineering", "Project"),
            Some(Value::strings(["B"]).unwrap())
        );
        assert_eq!(
            s.remove("Engineering", "NumVendors"),
            Some(Value::Integer(4))
        );
        assert!(s.sets.is_empty());
        assert_eq!(s.to_response_json(), serde_json::Value::Null);
    }

    #[test]
    fn collections_compare_as_sets() {
        let a = Value::strings(["a", "b"]).unwrap();
        let b = Value::strings(["b", "a"]).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, Value::strings(["a"]).unwrap());
        assert_ne!(Value::Integer(1), Value::integers([1]).unwrap());
    }

    #[test]
    fn response_form_annotates_collections_only() {
        let mut s = State::new();
        s.insert(
            "Engineering",
            "CostCenter",
            Value::integers([1001]).unwrap(),
        );
        s.insert("Engineering", "NumVendors", Value::Integer(8));
        assert_eq!(
            s.to_response_json(),
            serde_json::json!({"Engineering": {
                "@odata.type": "#microsoft.graph.customSecurityAttributeValue",
                "CostCenter@odata.type": "#Collection(Int32)", "CostCenter": [1001],
                "NumVendors": 8}})
        );
    }
}

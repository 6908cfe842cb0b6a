//! An object's `customSecurityAttributes`: sets of attributes, each with its value, and their
//! rendering in Graph's response form.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::odata::{Annotation, RESPONSE_SET_TYPE};
use super::Value;
use crate::names::names_eq;
use crate::text::{Joined, Text};

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
    /// applying that many changes does not reallocate.
    pub(crate) fn clone_with_room(&self, extra: usize) -> State {
        let mut sets = Vec::with_capacity(self.sets.len() + extra);
        sets.extend(self.sets.iter().map(|s| {
            let mut attributes = Vec::with_capacity(s.attributes.len() + extra);
            attributes.extend(s.attributes.iter().cloned());
            SetAssignments {
                name: s.name.clone(),
                attributes,
            }
        }));
        State { sets }
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
            if let Some(ann) = Annotation::of_collection(&a.value) {
                m.serialize_entry(&Joined(&a.name, "@odata.type", ""), ann.as_str())?;
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

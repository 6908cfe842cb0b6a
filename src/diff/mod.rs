//! Changes, diffs and the canonical request body: what an accepted PATCH does ([`Diff`]: one
//! [`Change`] per attribute, and the resulting state), and [`apply`].
//!
//! Changes travel: `csa check` and `csa plan` print them, `csa apply` reads them back later
//! ([`changes_from_json`], in `changes`), when the object may have changed meanwhile;
//! [`apply_checked`] (in `precondition`) applies them only if every touched attribute still
//! holds the value the change was computed from (Graph has no ETag to do this for us).

mod after;
mod changes;
mod precondition;

pub(crate) use after::After;
pub use changes::changes_from_json;
pub use precondition::{apply_checked, apply_checked_with, Applied};

use std::fmt;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::text::{Joined, Text};
use crate::value::odata::{Annotation, REQUEST_SET_TYPE};
use crate::value::{State, Value};

/// What a change does to one attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Op {
    /// The attribute was not assigned and now is.
    Add,
    /// The attribute's value changes.
    Replace,
    /// The assignment is removed.
    Remove,
}

impl Op {
    /// What changes between a value before and after (`None` = not assigned), if anything
    /// could: `None` when neither is assigned. Whether two values differ is the caller's.
    pub(crate) fn between(before: bool, after: bool) -> Option<Op> {
        match (before, after) {
            (false, false) => None,
            (false, true) => Some(Op::Add),
            (true, false) => Some(Op::Remove),
            (true, true) => Some(Op::Replace),
        }
    }

    /// `add`, `replace` or `remove`.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Add => "add",
            Op::Replace => "replace",
            Op::Remove => "remove",
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Op {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One attribute actually changed, with its value before and after (catalog casing).
///
/// Values are [`Value`]s; an audit record's changes are `Change<AuditValue>`
/// ([`crate::AuditChange`]), whose values may be masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change<V = Value> {
    pub(crate) op: Op,
    pub(crate) attribute_set: Text,
    pub(crate) name: Text,
    pub(crate) before: Option<V>,
    pub(crate) after: Option<V>,
}

impl Change {
    /// A change from `before` to `after` (`None` = not assigned); `None` when they are equal.
    pub fn between(
        set: &str,
        name: &str,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Option<Change> {
        if let (Some(b), Some(a)) = (&before, &after) {
            if b == a {
                return None;
            }
        }
        Change::known(set.into(), name.into(), before, after)
    }

    /// A change already known to be one (`before` and `after` differ).
    pub(crate) fn known(
        set: Text,
        name: Text,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Option<Change> {
        let op = Op::between(before.is_some(), after.is_some())?;
        Some(Change {
            op,
            attribute_set: set,
            name,
            before,
            after,
        })
    }
}

impl<V> Change<V> {
    /// `add`, `replace` or `remove`.
    pub fn op(&self) -> Op {
        self.op
    }
    /// The attribute set, in catalog casing.
    pub fn attribute_set(&self) -> &str {
        &self.attribute_set
    }
    /// The attribute name, in catalog casing.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// `Set_Name`.
    pub fn attribute(&self) -> String {
        format!("{}_{}", self.attribute_set, self.name)
    }
    /// The value before (`None` when not assigned).
    pub fn before(&self) -> Option<&V> {
        self.before.as_ref()
    }
    /// The value after (`None` when removed).
    pub fn after(&self) -> Option<&V> {
        self.after.as_ref()
    }
}

/// `{"op", "attribute", "attributeSet", "name", "before", "after"}`, whatever the values' form.
impl<V: Serialize> Serialize for Change<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (set, name) = (&*self.attribute_set, &*self.name);
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("op", &self.op)?;
        m.serialize_entry("attribute", &Joined(set, "_", name))?;
        m.serialize_entry("attributeSet", set)?;
        m.serialize_entry("name", name)?;
        m.serialize_entry("before", &self.before)?;
        m.serialize_entry("after", &self.after)?;
        m.end()
    }
}

/// Applies changes to a state: the new state. Changes name attributes case-insensitively.
#[must_use]
pub fn apply(state: &State, changes: &[Change]) -> State {
    // Room for every change, so that the additions do not reallocate.
    let mut out = state.clone_with_room(changes.len());
    for c in changes {
        match &c.after {
            Some(v) => {
                out.insert(&c.attribute_set, &c.name, v.clone());
            }
            None => {
                out.remove(&c.attribute_set, &c.name);
            }
        }
    }
    out
}

/// An accepted PATCH: what changes and the whole resulting state.
#[derive(Clone)]
#[must_use]
pub struct Diff {
    pub(crate) changes: Vec<Change>,
    /// The resulting state, built when first asked for.
    pub(crate) after: After,
}

impl PartialEq for Diff {
    fn eq(&self, other: &Self) -> bool {
        self.changes == other.changes && self.after() == other.after()
    }
}

impl Eq for Diff {}

impl fmt::Debug for Diff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Diff")
            .field("changes", &self.changes)
            .field("after", self.after())
            .finish()
    }
}

impl Diff {
    /// One change per attribute actually changed, in body order.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }
    /// The complete resulting state (not projected to any actor).
    pub fn after(&self) -> &State {
        self.after.get(&self.changes)
    }
    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
    /// Applies this diff's changes to `before`.
    pub fn apply(&self, before: &State) -> State {
        apply(before, &self.changes)
    }
    /// The canonical request body holding exactly the changes, `None` when nothing changes.
    pub fn request(&self) -> Option<RequestBody<'_>> {
        (!self.changes.is_empty()).then_some(RequestBody(&self.changes))
    }
}

/// The canonical Graph PATCH body for a list of changes (request form, catalog casing,
/// annotations as the Graph examples write them).
#[derive(Debug, Clone, Copy)]
pub struct RequestBody<'a>(pub(crate) &'a [Change]);

impl RequestBody<'_> {
    /// As a `serde_json::Value`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

impl Serialize for RequestBody<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Sets<'a>(&'a [Change]);
        struct OneSet<'a>(&'a [Change], &'a str);
        impl Serialize for Sets<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(None)?;
                let mut seen: Vec<&str> = Vec::new();
                for c in self.0 {
                    if seen.contains(&&*c.attribute_set) {
                        continue;
                    }
                    seen.push(&c.attribute_set);
                    m.serialize_entry(&*c.attribute_set, &OneSet(self.0, &c.attribute_set))?;
                }
                m.end()
            }
        }
        impl Serialize for OneSet<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("@odata.type", REQUEST_SET_TYPE)?;
                for c in self.0.iter().filter(|c| &*c.attribute_set == self.1) {
                    match &c.after {
                        Some(v) => {
                            if let Some(ann) = Annotation::of_value(v).map(Annotation::as_str) {
                                m.serialize_entry(&Joined(&c.name, "@odata.type", ""), ann)?;
                            }
                            m.serialize_entry(&*c.name, v)?;
                        }
                        // Removal: `[]` for collections, `null` for single values, no annotation.
                        None => match &c.before {
                            Some(b) if b.is_collection() => {
                                m.serialize_entry(&*c.name, &[(); 0])?;
                            }
                            _ => m.serialize_entry(&*c.name, &())?,
                        },
                    }
                }
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("customSecurityAttributes", &Sets(self.0))?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_body_is_canonical() {
        let changes = vec![
            Change::between("Engineering", "NumVendors", None, Some(Value::Integer(4))).unwrap(),
            Change::between(
                "Engineering",
                "Project",
                Some(Value::strings(["A"]).unwrap()),
                None,
            )
            .unwrap(),
            Change::between(
                "Marketing",
                "EmployeeId",
                Some(Value::String("x".into())),
                None,
            )
            .unwrap(),
        ];
        let body = RequestBody(&changes).to_json();
        assert_eq!(
            body,
            serde_json::json!({"customSecurityAttributes": {
                "Engineering": {"@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
                    "NumVendors@odata.type": "#Int32", "NumVendors": 4, "Project": []},
                "Marketing": {"@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
                    "EmployeeId": null}}})
        );
    }

    #[test]
    fn equal_values_are_no_change() {
        assert!(Change::between(
            "E",
            "P",
            Some(Value::strings(["a", "b"]).unwrap()),
            Some(Value::strings(["b", "a"]).unwrap())
        )
        .is_none());
        assert!(Change::between("E", "P", None, None).is_none());
    }
}

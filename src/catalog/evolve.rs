//! Catalog evolution (docs/RULES.md, Definition requests and catalog evolution, and Output
//! documents): every difference between two catalogs, classified as Entra would treat it, and the
//! assignments such a change affects.
//!
//! Definition-as-code tools need to know before they apply a catalog whether Entra will accept
//! each difference (it offers no delete and few updates), and platform teams need to know which
//! existing assignments a deactivation touches.

use std::cmp::Ordering;
use std::fmt;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::model::{to_json, AttributeDefinition, AttributeSet, Status};
use super::path::{definition_path, set_path, value_path};
use super::Catalog;
use crate::names::fold_char;
use crate::object::Object;
use crate::value::Value;
use crate::violation::{Code, Violation};

/// How an item differs between two catalogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChangeKind {
    /// Only in the new catalog.
    Added,
    /// Only in the old catalog.
    Removed,
    /// In both, with a property that differs.
    Changed,
}

impl ChangeKind {
    /// `added`, `removed` or `changed`, as outputs write it.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ChangeKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One difference between two catalogs (docs/RULES.md, Output documents: a change, definitions
/// form).
#[derive(Debug, Clone, PartialEq)]
pub struct DefinitionChange {
    pub(crate) path: String,
    pub(crate) kind: ChangeKind,
    pub(crate) property: Option<String>,
    pub(crate) before: Option<serde_json::Value>,
    pub(crate) after: Option<serde_json::Value>,
    pub(crate) code: Option<Code>,
}

impl DefinitionChange {
    /// The Graph path of the item, its segments percent-encoded.
    pub fn path(&self) -> &str {
        &self.path
    }
    /// Added, removed or changed.
    pub fn kind(&self) -> ChangeKind {
        self.kind
    }
    /// For a changed item, the Graph property that differs.
    pub fn property(&self) -> Option<&str> {
        self.property.as_deref()
    }
    /// The item (removed) or property value (changed) before, as Graph's JSON.
    pub fn before(&self) -> Option<&serde_json::Value> {
        self.before.as_ref()
    }
    /// The item (added) or property value (changed) after, as Graph's JSON.
    pub fn after(&self) -> Option<&serde_json::Value> {
        self.after.as_ref()
    }
    /// Whether Entra allows this change.
    pub fn is_allowed(&self) -> bool {
        self.code.is_none()
    }
    /// Why Entra refuses it, when it does.
    pub fn code(&self) -> Option<Code> {
        self.code
    }
}

impl Serialize for DefinitionChange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(7))?;
        m.serialize_entry("path", &self.path)?;
        m.serialize_entry("kind", &self.kind)?;
        m.serialize_entry("property", &self.property)?;
        m.serialize_entry("before", &self.before)?;
        m.serialize_entry("after", &self.after)?;
        m.serialize_entry("allowed", &self.is_allowed())?;
        m.serialize_entry("code", &self.code)?;
        m.end()
    }
}

/// Every difference from one catalog to another, and whether Entra allows them all.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Evolution {
    pub(crate) changes: Vec<DefinitionChange>,
}

impl Evolution {
    /// Whether every change is allowed (an empty evolution is legal).
    pub fn is_legal(&self) -> bool {
        self.changes.iter().all(DefinitionChange::is_allowed)
    }

    /// The changes: sets first, then definitions with their allowed values.
    pub fn changes(&self) -> &[DefinitionChange] {
        &self.changes
    }

    /// The validity violations of an invalid target catalog as illegal changes, so that a
    /// target that Entra could never reach is reported in the same shape as one it refuses.
    pub fn from_invalid(violations: &[Violation]) -> Evolution {
        Evolution {
            changes: violations
                .iter()
                .map(|v| DefinitionChange {
                    path: v.pointer().to_owned(),
                    kind: ChangeKind::Changed,
                    property: None,
                    before: None,
                    after: None,
                    code: Some(v.code()),
                })
                .collect(),
        }
    }
}

impl Serialize for Evolution {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("legal", &self.is_legal())?;
        m.serialize_entry("changes", &self.changes)?;
        m.end()
    }
}

/// What an evolution does to an existing assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImpactEffect {
    /// A held predefined value becomes inactive: it stays, but cannot be assigned anew.
    ValueDeactivated,
    /// The attribute is deactivated: its value stays, but cannot be set or changed.
    AttributeDeactivated,
}

impl ImpactEffect {
    /// `value_deactivated` or `attribute_deactivated`, as outputs write it.
    pub fn as_str(self) -> &'static str {
        match self {
            ImpactEffect::ValueDeactivated => "value_deactivated",
            ImpactEffect::AttributeDeactivated => "attribute_deactivated",
        }
    }
}

impl fmt::Display for ImpactEffect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ImpactEffect {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One existing assignment an evolution affects (docs/RULES.md, Output documents: an impact).
#[derive(Debug, Clone, PartialEq)]
pub struct Impact {
    pub(crate) object_id: String,
    pub(crate) attribute: String,
    pub(crate) value: Value,
    pub(crate) effect: ImpactEffect,
}

impl Impact {
    /// The object's id (`""` when the object has none).
    pub fn object_id(&self) -> &str {
        &self.object_id
    }
    /// `Set_Name`, in the new catalog's casing.
    pub fn attribute(&self) -> &str {
        &self.attribute
    }
    /// The element that became inactive, or the attribute's whole value when it is deactivated.
    pub fn value(&self) -> &Value {
        &self.value
    }
    /// What happens to it.
    pub fn effect(&self) -> ImpactEffect {
        self.effect
    }
}

impl Serialize for Impact {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("objectId", &self.object_id)?;
        m.serialize_entry("attribute", &self.attribute)?;
        m.serialize_entry("value", &self.value)?;
        m.serialize_entry("effect", &self.effect)?;
        m.end()
    }
}

/// Collects the changes of one evolution in order.
#[derive(Default)]
struct Changes(Vec<DefinitionChange>);

impl Changes {
    fn added<T: Serialize>(&mut self, path: String, item: &T) {
        self.0.push(DefinitionChange {
            path,
            kind: ChangeKind::Added,
            property: None,
            before: None,
            after: Some(to_json(item)),
            code: None,
        });
    }

    /// Entra offers no delete: a missing item is always refused.
    fn removed<T: Serialize>(&mut self, path: String, item: &T) {
        self.0.push(DefinitionChange {
            path,
            kind: ChangeKind::Removed,
            property: None,
            before: Some(to_json(item)),
            after: None,
            code: Some(Code::Deleted),
        });
    }

    /// Records a change of `property` when `before` and `after` differ.
    fn property<T: PartialEq + Serialize>(
        &mut self,
        path: &str,
        property: &str,
        before: T,
        after: T,
        code: Option<Code>,
    ) {
        if before == after {
            return;
        }
        self.0.push(DefinitionChange {
            path: path.to_owned(),
            kind: ChangeKind::Changed,
            property: Some(property.to_owned()),
            before: Some(to_json(&before)),
            after: Some(to_json(&after)),
            code,
        });
    }
}

impl Catalog {
    /// Classifies every difference from `self` to `to` (docs/RULES.md, Definition requests and
    /// catalog evolution): what a tool that manages definitions as code would have to do, and
    /// whether Entra allows each step.
    ///
    /// Both catalogs are valid, so limits hold in `to` and are not checked again.
    pub fn evolve(&self, to: &Catalog) -> Evolution {
        let mut out = Changes::default();
        for from_set in &self.sets {
            match to.attribute_set(from_set.id()) {
                None => out.removed(set_path(from_set.id()), from_set),
                Some(to_set) => set_changes(from_set, to_set, &mut out),
            }
        }
        for to_set in &to.sets {
            if self.attribute_set(to_set.id()).is_none() {
                out.added(set_path(to_set.id()), to_set);
            }
        }
        for from_def in &self.definitions {
            match to.definition(from_def.attribute_set(), from_def.name()) {
                None => out.removed(definition_path(from_def.id()), from_def),
                Some(to_def) => definition_changes(from_def, to_def, &mut out),
            }
        }
        for to_def in &to.definitions {
            if self
                .definition(to_def.attribute_set(), to_def.name())
                .is_none()
            {
                out.added(definition_path(to_def.id()), to_def);
            }
        }
        Evolution { changes: out.0 }
    }

    /// The assignments of `objects` that `self -> to` affects (docs/RULES.md, Output documents: an
    /// impact): held values that become inactive and attributes that become deactivated. They stay
    /// assigned but can no longer be set anew, which is what a catalog owner must review first.
    ///
    /// Attributes either catalog does not define are skipped.
    #[must_use]
    pub fn impact(&self, to: &Catalog, objects: &[Object]) -> Vec<Impact> {
        let mut out = Vec::new();
        for object in objects {
            let object_id = object.id().unwrap_or_default();
            let mut found: Vec<(&str, Value, ImpactEffect)> = Vec::new();
            for (set, name, held) in object.state().iter() {
                let (Some(from_def), Some(to_def)) =
                    (self.definition(set, name), to.definition(set, name))
                else {
                    continue;
                };
                if from_def.status == Status::Available && to_def.status == Status::Deprecated {
                    found.push((
                        to_def.id(),
                        held.clone(),
                        ImpactEffect::AttributeDeactivated,
                    ));
                } else if to_def.use_predefined_values_only {
                    for element in elements(held) {
                        if deactivated(from_def, to_def, &element) {
                            found.push((to_def.id(), element, ImpactEffect::ValueDeactivated));
                        }
                    }
                }
            }
            // Stable: the values of one attribute keep the order they are held in.
            found.sort_by(|a, b| cmp_ignore_case(a.0, b.0));
            out.extend(found.into_iter().map(|(attribute, value, effect)| Impact {
                object_id: object_id.to_owned(),
                attribute: attribute.to_owned(),
                value,
                effect,
            }));
        }
        out
    }
}

fn set_changes(from: &AttributeSet, to: &AttributeSet, out: &mut Changes) {
    let path = set_path(to.id());
    out.property(
        &path,
        "description",
        &from.description,
        &to.description,
        None,
    );
    out.property(
        &path,
        "maxAttributesPerSet",
        from.max_attributes_per_set,
        to.max_attributes_per_set,
        None,
    );
    out.property(
        &path,
        "id",
        from.id(),
        to.id(),
        Some(Code::ImmutableChanged),
    );
}

fn definition_changes(from: &AttributeDefinition, to: &AttributeDefinition, out: &mut Changes) {
    let path = definition_path(to.id());
    let immutable = Some(Code::ImmutableChanged);
    out.property(
        &path,
        "description",
        &from.description,
        &to.description,
        None,
    );
    out.property(&path, "status", from.status, to.status, None);
    let predefined_code = (!from.use_predefined_values_only && to.use_predefined_values_only)
        .then_some(Code::PredefinedOnlyEnabled);
    out.property(
        &path,
        "usePreDefinedValuesOnly",
        from.use_predefined_values_only,
        to.use_predefined_values_only,
        predefined_code,
    );
    out.property(
        &path,
        "type",
        from.attribute_type,
        to.attribute_type,
        immutable,
    );
    out.property(
        &path,
        "isCollection",
        from.is_collection,
        to.is_collection,
        immutable,
    );
    out.property(
        &path,
        "isSearchable",
        from.is_searchable,
        to.is_searchable,
        immutable,
    );
    out.property(&path, "name", from.name(), to.name(), immutable);
    out.property(
        &path,
        "attributeSet",
        from.attribute_set(),
        to.attribute_set(),
        immutable,
    );
    for value in &from.allowed_values {
        match to.allowed_value(value.id()) {
            None => out.removed(value_path(from.id(), value.id()), value),
            Some(after) => out.property(
                &value_path(to.id(), after.id()),
                "isActive",
                value.is_active,
                after.is_active,
                None,
            ),
        }
    }
    for value in &to.allowed_values {
        if from.allowed_value(value.id()).is_none() {
            out.added(value_path(to.id(), value.id()), value);
        }
    }
}

/// The single values a held value is made of: itself, or each element of a collection.
fn elements(held: &Value) -> Vec<Value> {
    match held {
        Value::Strings(v) => v.iter().cloned().map(Value::String).collect(),
        Value::Integers(v) => v.iter().copied().map(Value::Integer).collect(),
        single => vec![single.clone()],
    }
}

/// Whether `element` is an allowed value that is active in `from` and inactive in `to`.
fn deactivated(from: &AttributeDefinition, to: &AttributeDefinition, element: &Value) -> bool {
    let (before, after) = match element {
        Value::String(s) => (from.allowed_value(s), to.allowed_value(s)),
        Value::Integer(n) => (from.allowed_int(*n), to.allowed_int(*n)),
        _ => (None, None),
    };
    matches!((before, after), (Some(b), Some(a)) if b.is_active && !a.is_active)
}

/// Orders names as .NET's OrdinalIgnoreCase does: by their simple uppercase mapping.
fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    a.chars().map(fold_char).cmp(b.chars().map(fold_char))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_case_order_is_by_uppercase() {
        assert_eq!(cmp_ignore_case("alpha", "Bravo"), Ordering::Less);
        assert_eq!(cmp_ignore_case("Bravo", "alpha"), Ordering::Greater);
        assert_eq!(
            cmp_ignore_case("Engineering_x", "ENGINEERING_X"),
            Ordering::Equal
        );
        // `_` (0x5F) sorts after every uppercase letter.
        assert_eq!(cmp_ignore_case("A_b", "AB_c"), Ordering::Greater);
    }
}

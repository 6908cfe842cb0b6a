//! Portal search on one object's assignments (docs/RULES.md, Search and filter): a case-insensitive
//! "starts with" over attribute names and values, optionally limited to attribute sets by name
//! prefix, over what the actor may read.

use serde::Serialize;

use crate::auth::Actor;
use crate::engine::Engine;
use crate::names::fold_char;
use crate::object::Object;
use crate::value::{Assignment, Value};

/// One portal-search hit (docs/RULES.md, Search and filter). Names are in catalog casing (in the
/// object's casing for what the catalog does not define). Serialises as `{"attribute",
/// "attributeSet", "name", "value"}` with the value as plain JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchMatch {
    attribute: String,
    attribute_set: String,
    name: String,
    value: Value,
}

impl SearchMatch {
    /// The attribute's id, `Set_Name`.
    pub fn attribute(&self) -> &str {
        &self.attribute
    }
    /// The attribute set.
    pub fn attribute_set(&self) -> &str {
        &self.attribute_set
    }
    /// The attribute name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// For a match on the name, the attribute's whole value; for a match on a value, the
    /// matching element (a single value is its own element).
    pub fn value(&self) -> &Value {
        &self.value
    }
}

impl Engine {
    /// Portal search on one object's assignments, as `actor` sees them ([`Engine::view`]:
    /// nothing from a set it may not read; without an actor, everything).
    ///
    /// `text` matches, ignoring case (.NET `OrdinalIgnoreCase`, like names), the start of an
    /// attribute name or of a value: each element of a collection separately, integers and
    /// booleans by their JSON text (`12`, `-5`, `true`). A name match yields the attribute once,
    /// with its whole value; otherwise each matching element is a match of its own. `text` is
    /// taken literally (not trimmed); an empty `text` matches every name, so it lists every
    /// attribute searched, as the portal does before anything is typed. Set names are not
    /// searched: `set_prefix` keeps only the sets whose name starts with it, ignoring case
    /// (`None` or `""` keeps all). Matches come in the state's order: sets, attributes, elements.
    #[must_use]
    pub fn search(
        &self,
        object: &Object,
        actor: Option<&Actor>,
        text: &str,
        set_prefix: Option<&str>,
    ) -> Vec<SearchMatch> {
        let state = self.view(object, actor);
        let mut matches = Vec::new();
        for set in state.sets() {
            if !set_prefix.is_none_or(|p| starts_with_ignore_case(set.name(), p)) {
                continue;
            }
            for a in set.attributes() {
                search_attribute(set.name(), a, text, &mut matches);
            }
        }
        matches
    }
}

/// Appends the matches of one attribute: the whole value for a name match, else each matching
/// element.
fn search_attribute(set: &str, a: &Assignment, text: &str, out: &mut Vec<SearchMatch>) {
    let hit = |value: Value| SearchMatch {
        attribute: format!("{set}_{}", a.name()),
        attribute_set: set.to_owned(),
        name: a.name().to_owned(),
        value,
    };
    if starts_with_ignore_case(a.name(), text) {
        out.push(hit(a.value().clone()));
        return;
    }
    match a.value() {
        Value::Strings(elements) => out.extend(
            elements
                .iter()
                .filter(|s| starts_with_ignore_case(s, text))
                .map(|s| hit(Value::String(s.clone()))),
        ),
        Value::Integers(elements) => out.extend(
            elements
                .iter()
                .filter(|i| starts_with_ignore_case(&i.to_string(), text))
                .map(|&i| hit(Value::Integer(i))),
        ),
        Value::String(s) if starts_with_ignore_case(s, text) => out.push(hit(a.value().clone())),
        Value::Integer(i) if starts_with_ignore_case(&i.to_string(), text) => {
            out.push(hit(a.value().clone()));
        }
        Value::Boolean(b) if starts_with_ignore_case(if *b { "true" } else { "false" }, text) => {
            out.push(hit(a.value().clone()));
        }
        _ => {}
    }
}

/// Whether `s` starts with `prefix`, comparing characters as [`crate::names_eq`] does (.NET
/// `OrdinalIgnoreCase`: each character's simple uppercase mapping).
fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    if s.is_ascii() && prefix.is_ascii() {
        return s
            .as_bytes()
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()));
    }
    let mut chars = s.chars().map(fold_char);
    prefix
        .chars()
        .map(fold_char)
        .all(|p| chars.next() == Some(p))
}

#[cfg(test)]
mod tests {
    use super::starts_with_ignore_case as sw;

    #[test]
    fn starts_with_folds_case_per_character() {
        assert!(sw("Engineering", "eNG"));
        assert!(sw("Engineering", ""));
        assert!(sw("", ""));
        assert!(!sw("", "E"));
        assert!(!sw("Eng", "Engineering"));
        assert!(!sw("Engineering", "ngi"));
        assert!(sw("Ärger", "äR"));
        assert!(!sw("Ärger", "Ar"));
        // U+017F LONG S uppercases to `S`, as `names_eq` has it.
        assert!(sw("\u{17f}et", "SE"));
        assert!(sw("Set", "\u{17f}"));
        // `ß` has no single-character uppercase: it matches only itself, never `ss`.
        assert!(sw("Straße", "STRAß"));
        assert!(!sw("Strasse", "STRAß"));
        assert!(!sw("Straße", "STRASS"));
        // A non-ASCII text against an ASCII prefix that differs.
        assert!(!sw("Zürich", "Zu"));
    }
}

//! Predefined values: a predefined-only attribute takes only its active allowed values (values
//! are case-sensitive), or a deactivated one the object already holds.

use super::Cx;
use crate::catalog::{AllowedValue, AttributeDefinition};
use crate::engine::wire::Loc;
use crate::json::{self, IntText, Shallow, ShallowKind};
use crate::limits::MAX_VALUE_LEN;
use crate::names::{closest, utf16_len};
use crate::value::{AttributeType, Value};
use crate::violation::{cold, push_decimal, Code, Violation};

impl Cx<'_> {
    pub(super) fn check_predefined(
        &mut self,
        def: &AttributeDefinition,
        held: Option<&Value>,
        node: &Shallow<'_>,
        items: &[Shallow<'_>],
        loc: Loc<'_>,
        id: &str,
    ) {
        match &node.kind {
            ShallowKind::Array => {
                for (i, item) in items.iter().enumerate() {
                    self.check_predefined_one(def, held, item, loc.index(i), id);
                }
            }
            _ => self.check_predefined_one(def, held, node, loc, id),
        }
    }

    pub(super) fn check_predefined_one(
        &mut self,
        def: &AttributeDefinition,
        held: Option<&Value>,
        node: &Shallow<'_>,
        ptr: Loc<'_>,
        id: &str,
    ) {
        // Only elements that are valid on their own: the others already have their violation.
        // `text` is the element as messages show it.
        let (text, verdict) = match (&node.kind, def.attribute_type()) {
            (ShallowKind::String(s), AttributeType::String)
                if !s.is_empty() && (s.len() <= MAX_VALUE_LEN || utf16_len(s) <= MAX_VALUE_LEN) =>
            {
                (&**s, assignable_text(def, held, s))
            }
            (ShallowKind::Number(t), AttributeType::Integer) => match json::int_text(t) {
                // JSON integers are written canonically (no `+`, no leading zeros), so the
                // body's own text reads as the allowed value's id would; only `-0` is not.
                IntText::Int(v) => match i32::try_from(v) {
                    Ok(0) => ("0", assignable_int(def, held, 0)),
                    Ok(v) => (*t, assignable_int(def, held, v)),
                    Err(_) => return,
                },
                _ => return,
            },
            _ => return,
        };
        let violation = match verdict {
            Ok(()) => return,
            Err(Refusal::Deactivated) => Violation::new(
                Code::ValueDeactivated,
                ptr,
                [
                    "the predefined value `",
                    self.show(def, text),
                    "` of `",
                    id,
                    "` is deactivated and cannot be assigned anew",
                ]
                .concat(),
            )
            .with_hint("choose an active value, or reactivate this one (`isActive: true`)"),
            Err(Refusal::NotPredefined) => Violation::new(
                Code::ValueNotPredefined,
                ptr,
                [
                    "`",
                    self.show(def, text),
                    "` is not a predefined value of `",
                    id,
                    "`",
                ]
                .concat(),
            )
            .maybe_hint(self.allowed_hint(def, text)),
        };
        self.push(cold(|| violation.attr(id).span(node.start..node.end)));
    }

    pub(super) fn allowed_hint(&self, def: &AttributeDefinition, wanted: &str) -> Option<String> {
        if self.policy().is_redacted(def.attribute_set()) || !self.may_suggest() {
            return Some("use one of the attribute's active predefined values".to_owned());
        }
        // The active values, read from the definition on each pass rather than collected.
        let active = || {
            def.allowed_values()
                .iter()
                .filter(|v| v.is_active())
                .map(AllowedValue::id)
        };
        if active().next().is_none() {
            return Some(
                "the attribute has no active predefined values yet; add one first".to_owned(),
            );
        }
        // A value that differs only in case is the likeliest mistake: values are case-sensitive.
        if let Some(c) = active().find(|v| v.eq_ignore_ascii_case(wanted)) {
            return Some(["values are case-sensitive: did you mean `", c, "`?"].concat());
        }
        if let Some(c) = closest(wanted, active()) {
            return Some(["did you mean `", c, "`?"].concat());
        }
        Some(use_one_of(active()))
    }
}

/// `use one of `a`, `b` and 3 more`: the first [`SHOWN`] of `values` (at least one), written
/// into one string sized for them.
fn use_one_of<'v>(values: impl Iterator<Item = &'v str> + Clone) -> String {
    const SHOWN: usize = 10;
    const HEAD: &str = "use one of ";
    let shown = values.clone().take(SHOWN);
    let size = shown.clone().map(|v| v.len() + 4).sum::<usize>() + HEAD.len() + 16;
    let mut hint = String::with_capacity(size);
    hint.push_str(HEAD);
    for (i, v) in shown.enumerate() {
        if i > 0 {
            hint.push_str(", ");
        }
        hint.push('`');
        hint.push_str(v);
        hint.push('`');
    }
    let more = values.skip(SHOWN).count();
    if more > 0 {
        hint.push_str(" and ");
        push_decimal(&mut hint, more);
        hint.push_str(" more");
    }
    hint
}

/// Why an element may not be assigned to a predefined-values-only attribute.
enum Refusal {
    /// It is an allowed value, deactivated, and the object does not already hold it.
    Deactivated,
    /// It is not an allowed value.
    NotPredefined,
}

/// Whether an element may be assigned to `def`, given the allowed value it names (`found`):
/// it must be an allowed value that is active, or one the object already holds (`held_has`).
fn assignable(
    found: Option<&AllowedValue>,
    held_has: impl FnOnce() -> bool,
) -> Result<(), Refusal> {
    match found {
        Some(av) if av.is_active() || held_has() => Ok(()),
        Some(_) => Err(Refusal::Deactivated),
        None => Err(Refusal::NotPredefined),
    }
}

/// [`assignable`] for an element of a String attribute.
#[inline]
fn assignable_text(
    def: &AttributeDefinition,
    held: Option<&Value>,
    t: &str,
) -> Result<(), Refusal> {
    assignable(def.allowed_value(t), || match held {
        Some(Value::String(s)) => s == t,
        Some(Value::Strings(l)) => l.iter().any(|s| s == t),
        _ => false,
    })
}

/// [`assignable`] for an element of an Integer attribute (looked up by value).
#[inline]
fn assignable_int(def: &AttributeDefinition, held: Option<&Value>, n: i32) -> Result<(), Refusal> {
    assignable(def.allowed_int(n), || match held {
        Some(Value::Integer(i)) => *i == n,
        Some(Value::Integers(l)) => l.contains(&n),
        _ => false,
    })
}

/// Whether every element of a typed value may be assigned ([`assignable`]), checked on the
/// typed value so that accepted values are not read from the body twice.
pub(super) fn predefined_ok(def: &AttributeDefinition, held: Option<&Value>, v: &Value) -> bool {
    match v {
        Value::String(s) => assignable_text(def, held, s).is_ok(),
        Value::Strings(list) => list.iter().all(|s| assignable_text(def, held, s).is_ok()),
        Value::Integer(i) => assignable_int(def, held, *i).is_ok(),
        Value::Integers(list) => list.iter().all(|i| assignable_int(def, held, *i).is_ok()),
        Value::Boolean(_) => true,
    }
}

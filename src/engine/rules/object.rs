//! Rules on the object as a whole: its kind, its sync status, and the 50 values it may hold.

use std::ops::Range;

use super::Cx;
use crate::diff::Change;
use crate::limits::MAX_VALUES_PER_OBJECT;
use crate::object::ObjectKind;
use crate::value::{SetAssignments, State, Value};
use crate::violation::{cold, Code, Violation};

impl Cx<'_> {
    /// The object's kind is one the policy accepts, and it is not synced (unless the policy
    /// allows synced objects).
    pub(super) fn check_object(&mut self) {
        let kind = &self.object.kind;
        if !self.policy().accepts(kind) {
            let hint = match kind {
                ObjectKind::Device | ObjectKind::ManagedIdentity => {
                    format!("add `{kind}` to the policy's `objectTypes` to accept it")
                }
                _ => "custom security attributes can be assigned to users and service principals"
                    .to_owned(),
            };
            self.push(cold(|| {
                Violation::new(
                    Code::UnsupportedObjectType,
                    "",
                    format!("objects of type `{kind}` cannot hold custom security attributes"),
                )
                .with_hint(hint)
            }));
        }
        if self.object.on_premises_sync_enabled && !self.policy().allow_synced_objects {
            self.push(cold(||
                Violation::new(
                    Code::SyncedObject,
                    "",
                    "the object is synchronised from on-premises Active Directory and cannot be assigned custom security attributes",
                )
                .with_hint("set `allowSyncedObjects` in the policy (or pass `--allow-synced`) to follow newer Entra behaviour, which allows synced users")));
        }
    }

    /// The 50-value limit, on the state after the whole PATCH (`changes`), for a body whose
    /// sets span `sets_span`.
    pub(super) fn check_value_limit(
        &mut self,
        current: &State,
        changes: &[Change],
        sets_span: Range<usize>,
    ) {
        let before = self.value_count;
        let count = |v: &Option<Value>| v.as_ref().map_or(0, Value::count);
        let after = changes.iter().fold(before, |n, c| {
            (n + count(&c.after)).saturating_sub(count(&c.before))
        });
        if after > MAX_VALUES_PER_OBJECT && after > before {
            // Counts include values in sets the actor may not read: state them only when it can
            // read every set, so the message reveals nothing it could not see.
            let sees_all = self.actor.is_none_or(|a| {
                current
                    .sets()
                    .iter()
                    .map(SetAssignments::name)
                    .chain(changes.iter().map(Change::attribute_set))
                    .all(|s| a.can_read_assignments(&self.object.kind, s))
            });
            let (message, hint) = if sees_all {
                (
                    format!(
                        "the object would hold {after} values, more than {MAX_VALUES_PER_OBJECT}"
                    ),
                    format!(
                        "remove at least {} values (single values count 1, collections their length)",
                        after - MAX_VALUES_PER_OBJECT.max(before)
                    ),
                )
            } else {
                (
                    format!("the object would hold more than {MAX_VALUES_PER_OBJECT} values"),
                    "send fewer values (single values count 1, collections their length)"
                        .to_owned(),
                )
            };
            self.push(cold(|| {
                Violation::new(Code::TooManyValues, "/customSecurityAttributes", message)
                    .with_hint(hint)
                    .span(sets_span.clone())
            }));
        }
    }
}

//! The caller's permission on a set: assigning in a set needs the source page's four actions
//! (read the set and its definitions, read and update the object kind's attributes) at a scope
//! covering it. It is decided before anything else about the set, and a set the caller may not
//! assign in gets `permission_denied` and nothing else, so no refusal leaks what it holds.

use super::Cx;
use crate::engine::wire::SetEntry;
use crate::violation::{cold, Code, Violation};

impl Cx<'_> {
    /// Whether the caller (if any) may assign in `set`; `permission_denied` when not (once per
    /// set name, however often the body repeats it).
    pub(super) fn authorized(&mut self, set: &SetEntry<'_>) -> bool {
        if let Some(actor) = self.actor {
            let missing = actor.missing_for_update(&self.object.kind, &set.key);
            if !missing.is_empty() {
                if !set.repeated {
                    self.push(cold(||
                        Violation::new(
                            Code::PermissionDenied,
                            set.loc(),
                            format!(
                                "insufficient privileges to assign attributes in the attribute set `{}`: missing {}",
                                set.key,
                                missing
                                    .iter()
                                    .map(|m| format!("`{m}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        )
                        .with_hint(format!(
                            "assign the Attribute Assignment Administrator role at the tenant (`/`) or at `/attributeSets/{}`",
                            set.key
                        ))
                        .span(set.key_span.clone())));
                }
                return false;
            }
        }
        true
    }
}

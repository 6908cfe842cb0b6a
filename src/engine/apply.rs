//! `csa apply`: changes read back from a check or plan output, checked against the catalog, then
//! applied to the object only if it still holds what they were computed from.

use super::Engine;
use crate::diff::{apply_checked_with, Applied, Change};
use crate::object::Object;
use crate::violation::{Code, Pointer, Violation};

impl Engine {
    /// Applies changes read back from a check or plan output to `object`, as `csa apply` does:
    /// each change must name an attribute the catalog defines and carry an `after` of its type
    /// and cardinality (a changes file may have been edited by hand; the engine never writes
    /// anything else), names are put in catalog casing, and then the preconditions of
    /// [`apply_checked_with`] hold on the object's current state or nothing is applied.
    /// Values of the policy's `redactSets` are masked in messages.
    pub fn apply_changes(&self, object: &Object, changes: &[Change]) -> Applied {
        let catalog = self.catalog();
        let mut resolved = Vec::with_capacity(changes.len());
        let mut violations = Vec::new();
        for (i, c) in changes.iter().enumerate() {
            let ptr = Pointer::root().index(i);
            let Some(def) = catalog.definition(c.attribute_set(), c.name()) else {
                let code = if catalog.attribute_set(c.attribute_set()).is_some() {
                    Code::UnknownAttribute
                } else {
                    Code::UnknownAttributeSet
                };
                violations.push(
                    Violation::new(
                        code,
                        ptr.key("attribute"),
                        format!("the catalog does not define `{}`", c.attribute()),
                    )
                    .with_hint("apply only the changes `csa check` or `csa plan` computed against this catalog"),
                );
                continue;
            };
            if let Some(after) = &c.after {
                if !def.fits(after) {
                    let what = if self.policy().is_redacted(def.attribute_set()) {
                        "a value".to_owned()
                    } else {
                        format!("`{}`", serde_json::to_string(after).unwrap_or_default())
                    };
                    violations.push(
                        Violation::new(
                            Code::TypeMismatch,
                            ptr.key("after"),
                            format!(
                                "{what} does not fit `{}`, a {}",
                                def.id(),
                                def.describe()
                            ),
                        )
                        .attr(def.id())
                        .with_hint("apply only the changes `csa check` or `csa plan` computed against this catalog"),
                    );
                    continue;
                }
            }
            resolved.push(Change {
                op: c.op,
                attribute_set: def.attribute_set.text().clone(),
                name: def.name.text().clone(),
                before: c.before.clone(),
                after: c.after.clone(),
            });
        }
        if !violations.is_empty() {
            return Applied::refused(violations);
        }
        apply_checked_with(&self.view(object, None), &resolved, self.policy())
    }
}

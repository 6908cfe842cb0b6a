//! `csa apply`: changes computed by `check` or `plan`, applied to an object if it has not
//! changed meanwhile.

use super::{located, read_catalog, read_object, read_policy, Input};
use crate::diff::{changes_from_json, Applied};
use crate::engine::Engine;
use crate::violation::{Code, Document, InputError, Violation};

/// `csa apply`: reads a changes document (the JSON output of `csa check` or `csa plan`, or its
/// `changes` array) and applies it to the object's current state ([`Engine::apply_changes`]);
/// [`Applied`] is what it prints with `--format json`.
#[derive(Debug, Clone)]
#[must_use]
pub struct Apply<'a> {
    catalog: Input<'a>,
    object: Input<'a>,
    changes: Input<'a>,
    policy: Option<Input<'a>>,
}

impl<'a> Apply<'a> {
    /// `changes` applied to `object` (as Graph returns it now), against `catalog`.
    pub fn new(
        catalog: impl Into<Input<'a>>,
        object: impl Into<Input<'a>>,
        changes: impl Into<Input<'a>>,
    ) -> Self {
        Self {
            catalog: catalog.into(),
            object: object.into(),
            changes: changes.into(),
            policy: None,
        }
    }
    document!(
        /// The policy knobs (`--policy`; `redactSets` masks values in conflict messages).
        'a, policy
    );

    /// Reads the policy, the catalog, the object and the changes (bounded like a PATCH body),
    /// then applies.
    pub fn run(&self) -> Result<Applied, InputError> {
        let policy = read_policy(self.policy)?;
        let catalog = read_catalog(self.catalog, &policy)?;
        let object = read_object(self.object)?;
        let bytes = self.changes.bytes();
        if bytes.len() > policy.max_body_bytes {
            return Err(InputError::new(
                Document::Changes,
                vec![Violation::new(
                    Code::PayloadTooLarge,
                    "",
                    format!(
                        "the changes document is {} bytes, more than the {} bytes allowed",
                        bytes.len(),
                        policy.max_body_bytes
                    ),
                )
                .in_doc(Document::Changes)],
            ));
        }
        let changes = changes_from_json(bytes).map_err(|e| self.changes.locate_error(e))?;
        let engine = Engine::new(catalog, policy);
        Ok(located(
            engine.apply_changes(&object, &changes),
            &[(Document::Object, Some(self.object))],
        ))
    }
}

//! `DELETE`: Entra offers none for custom security attributes, so an existing set, definition
//! or allowed value is refused as `deleted`, with how to deactivate it instead; one that does
//! not exist (for an actor who could read it) is `not_found`.

use super::access::not_found_internal;
use super::{one, Answer, Define};
use crate::catalog::path::Target;
use crate::violation::{Code, Document, Violation};

impl Define<'_> {
    pub(super) fn delete(&mut self, target: &Target) -> Result<Answer, Vec<Violation>> {
        let (what, hint) = match target {
            Target::Set(id) => {
                self.find_set(id).map_err(one)?;
                (
                    format!("the attribute set `{id}`"),
                    "attribute sets cannot be deleted or renamed; leave it unused".to_owned(),
                )
            }
            Target::Definition(id) => {
                self.find_definition(id).map_err(one)?;
                (
                    format!("the attribute `{id}`"),
                    "deactivate it instead: PATCH it with `{\"status\": \"Deprecated\"}`"
                        .to_owned(),
                )
            }
            Target::Value(id, v) => {
                self.find_value(id, v).map_err(one)?;
                (
                    format!("the allowed value `{v}` of `{id}`"),
                    "deactivate it instead: PATCH it with `{\"isActive\": false}`".to_owned(),
                )
            }
            _ => return Err(vec![not_found_internal()]),
        };
        Err(vec![Violation::new(
            Code::Deleted,
            "",
            format!(
                "{what} cannot be deleted: Entra offers no delete for custom security attributes"
            ),
        )
        .with_hint(hint)
        .in_doc(Document::Definition)])
    }
}

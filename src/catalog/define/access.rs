//! Who may do what, and finding the item a path names (docs/RULES.md, What each request needs):
//! reading sets and definitions (tenant or set scope), managing sets (tenant scope only) and
//! definitions (tenant or set scope). Refusals are `permission_denied`, the same whether the item
//! exists or not; `not_found` only for an actor who could read the item if it existed.

use super::{Define, Found};
use crate::auth::Actions;
use crate::violation::{Code, Document, Violation};

// The actions refusals name, as Entra's role definitions spell them.
/// Create and update attribute sets (at tenant scope).
pub(super) const SETS_ALL_TASKS: &str = "microsoft.directory/attributeSets/allProperties/allTasks";
/// Create, update and deactivate definitions and allowed values.
pub(super) const DEFS_ALL_TASKS: &str =
    "microsoft.directory/customSecurityAttributeDefinitions/allProperties/allTasks";
/// Read attribute sets.
pub(super) const SETS_READ: &str = "microsoft.directory/attributeSets/allProperties/read";
/// Read definitions and their allowed values.
pub(super) const DEFS_READ: &str =
    "microsoft.directory/customSecurityAttributeDefinitions/allProperties/read";

impl Define<'_> {
    pub(super) fn reads_set(&self, set: &str) -> bool {
        self.actor.is_none_or(|a| a.can_read_attribute_set(set))
    }

    pub(super) fn reads_definitions(&self, set: &str) -> bool {
        self.actor.is_none_or(|a| a.can_read_definitions(set))
    }

    /// A list needs the read action somewhere; holding it nowhere is refused outright.
    pub(super) fn require_any(&self, action: Actions, name: &str) -> Result<(), Vec<Violation>> {
        match self.actor {
            Some(a) if !a.holds_anywhere(action) => Err(vec![denied(
                format!("insufficient privileges to read this list: missing `{name}`"),
                "assign the Attribute Definition Reader role at the tenant (`/`) or at an attribute set".to_owned(),
            )]),
            _ => Ok(()),
        }
    }

    pub(super) fn require_manage_sets(&self) -> Found<()> {
        match self.actor {
            Some(a) if !a.can_manage_attribute_sets() => Err(Box::new(denied(
                format!("insufficient privileges to create or change attribute sets: missing `{SETS_ALL_TASKS}` at tenant scope"),
                "assign the Attribute Definition Administrator role at the tenant (`/`); a role scoped to an attribute set cannot create or change attribute sets".to_owned(),
            ))),
            _ => Ok(()),
        }
    }

    pub(super) fn require_manage(&self, set: &str) -> Found<()> {
        match self.actor {
            Some(a) if !a.can_manage_definitions(set) => Err(Box::new(manage_denied(set))),
            _ => Ok(()),
        }
    }

    /// The set `id` names: `not_found` only for an actor who could read it if it existed.
    pub(super) fn find_set(&self, id: &str) -> Found<usize> {
        if !self.reads_set(id) {
            return Err(Box::new(read_denied(
                &format!("the attribute set `{id}`"),
                SETS_READ,
            )));
        }
        self.catalog
            .set_position(id)
            .ok_or_else(|| Box::new(not_found(&format!("the attribute set `{id}`"))))
    }

    /// The definition `id` (`Set_Name`) names, by its index in the catalog.
    pub(super) fn find_definition(&self, id: &str) -> Found<usize> {
        let split = id.split_once('_');
        let set = split.map_or("", |(s, _)| s);
        if !self.reads_definitions(set) {
            return Err(Box::new(read_denied(
                &format!("the attribute `{id}`"),
                DEFS_READ,
            )));
        }
        split
            .and_then(|(s, n)| {
                let pos = self.catalog.set_position(s)?;
                self.catalog.definition_index_in(pos, n)
            })
            .ok_or_else(|| Box::new(not_found(&format!("the attribute `{id}`"))))
    }

    pub(super) fn find_value(&self, id: &str, value_id: &str) -> Found<(usize, usize)> {
        let i = self.find_definition(id)?;
        self.catalog
            .definitions
            .get(i)
            .and_then(|d| {
                let v = d.allowed_value(value_id)?;
                d.allowed_values
                    .iter()
                    .position(|o| std::ptr::eq(o, v))
                    .map(|j| (i, j))
            })
            .ok_or_else(|| {
                Box::new(not_found(&format!(
                    "the allowed value `{value_id}` of `{id}`"
                )))
            })
    }
}

pub(super) fn not_found(what: &str) -> Violation {
    Violation::new(Code::NotFound, "", format!("{what} does not exist"))
        .with_hint(
            "check the path: ids compare case-insensitively, allowed values case-sensitively",
        )
        .in_doc(Document::Definition)
}

/// Not reached: an index found a moment ago is always valid.
pub(super) fn not_found_internal() -> Violation {
    not_found("the item")
}

pub(super) fn denied(message: String, hint: String) -> Violation {
    Violation::new(Code::PermissionDenied, "", message)
        .with_hint(hint)
        .in_doc(Document::Definition)
}

/// The same refusal whether the item exists or not, so that nothing is revealed.
pub(super) fn read_denied(what: &str, action: &str) -> Violation {
    denied(
        format!(
            "insufficient privileges to read {what}: missing `{action}` at a scope covering it"
        ),
        "assign the Attribute Definition Reader role at the tenant (`/`) or at the attribute set"
            .to_owned(),
    )
}

pub(super) fn manage_denied(set: &str) -> Violation {
    denied(
        format!(
            "insufficient privileges to manage definitions in the attribute set `{set}`: missing `{DEFS_ALL_TASKS}`"
        ),
        format!("assign the Attribute Definition Administrator role at the tenant (`/`) or at `/attributeSets/{set}`"),
    )
}

//! A write's end: the edited item put into a copy of the catalog, which is checked with the
//! catalog's cross-item rules (`duplicate_name`, `unknown_attribute_set`, `limit_exceeded`), the
//! changed item last so that a limit it breaks is reported on it, then built. The changes an
//! accepted write reports are [`Catalog::evolve`]'s from the old catalog to the new one.

use serde_json::Value as Json;

use super::access::not_found_internal;
use super::{one, Answer, Define};
use crate::catalog::model::{AttributeDefinition, AttributeSet};
use crate::catalog::validate::{validate_catalog, DefKey, SetKey};
use crate::catalog::Catalog;
use crate::violation::{Pointer, Violation};

impl Define<'_> {
    /// A copy of definition `i` to edit, once the actor may manage its set.
    pub(super) fn editable(&self, i: usize) -> Result<AttributeDefinition, Vec<Violation>> {
        let def = self
            .catalog
            .definitions
            .get(i)
            .cloned()
            .ok_or_else(|| vec![not_found_internal()])?;
        self.require_manage(def.attribute_set()).map_err(one)?;
        Ok(def)
    }

    /// Puts the edited definition `i` back into a copy of the catalog and commits it.
    pub(super) fn write_definition(
        &mut self,
        i: usize,
        mut def: AttributeDefinition,
        status: u16,
        entity: Option<Json>,
    ) -> Result<Answer, Vec<Violation>> {
        def.rebuild_value_index();
        let mut defs = self.catalog.definitions.clone();
        if let Some(slot) = defs.get_mut(i) {
            *slot = def;
        }
        let catalog = self.commit(self.catalog.sets.clone(), defs, None, Some(i))?;
        Ok(self.written(status, entity, catalog))
    }

    /// Checks the cross-item rules (uniqueness, set existence, limits) on the catalog the
    /// request would give, with the item it adds or changes checked last so that a limit it
    /// breaks is reported on it, at its place in the body; then builds that catalog.
    pub(super) fn commit(
        &mut self,
        sets: Vec<AttributeSet>,
        defs: Vec<AttributeDefinition>,
        changed_set: Option<usize>,
        changed_def: Option<usize>,
    ) -> Result<Catalog, Vec<Violation>> {
        let at = Pointer::root();
        let mut set_pairs: Vec<(AttributeSet, Pointer)> =
            sets.into_iter().map(|s| (s, at.clone())).collect();
        let mut def_pairs: Vec<(AttributeDefinition, Pointer)> =
            defs.into_iter().map(|d| (d, at.clone())).collect();
        let moved_set = changed_set.filter(|&i| i < set_pairs.len());
        let moved_def = changed_def.filter(|&i| i < def_pairs.len());
        if let Some(i) = moved_set {
            let item = set_pairs.remove(i);
            set_pairs.push(item);
        }
        if let Some(i) = moved_def {
            let item = def_pairs.remove(i);
            def_pairs.push(item);
        }
        let set_keys: Vec<SetKey> = set_pairs
            .iter()
            .map(|(s, p)| SetKey::of(s, p.clone()))
            .collect();
        let def_keys: Vec<DefKey> = def_pairs
            .iter()
            .map(|(d, p)| DefKey::of(d, p.clone()))
            .collect();
        validate_catalog(&set_keys, &def_keys, &mut self.d);
        self.no_violations()?;
        // Back to catalog order (popping only what was moved).
        if let Some(i) = moved_set {
            if let Some(item) = set_pairs.pop() {
                set_pairs.insert(i, item);
            }
        }
        if let Some(i) = moved_def {
            if let Some(item) = def_pairs.pop() {
                def_pairs.insert(i, item);
            }
        }
        Ok(Catalog::build(
            set_pairs.into_iter().map(|(s, _)| s).collect(),
            def_pairs.into_iter().map(|(d, _)| d).collect(),
        ))
    }

    /// An accepted write: its status, the created item's body, the new catalog and what
    /// changed from the old one.
    pub(super) fn written(&self, status: u16, entity: Option<Json>, catalog: Catalog) -> Answer {
        let changes = self.catalog.evolve(&catalog).changes;
        Answer::Written {
            status,
            entity,
            catalog: Box::new(catalog),
            changes,
        }
    }
}

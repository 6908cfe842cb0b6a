//! `POST` and `PATCH` of attribute sets. Both need the sets' `allTasks` action at tenant scope
//! (a set-scoped role never suffices); an update changes `description` and
//! `maxAttributesPerSet`, which cannot drop below the set's active definitions
//! (`limit_exceeded`).

use super::access::not_found_internal;
use super::body::check_unknown_and_immutable;
use super::read::with_context;
use super::{one, Answer, Define};
use crate::catalog::model::{to_json, Status};
use crate::catalog::parse::{parse_max_attributes, parse_set};
use crate::catalog::path::{entity_context, SETS};
use crate::violation::{Code, Pointer, Violation};

impl Define<'_> {
    pub(super) fn create_set(&mut self, body: Option<&[u8]>) -> Result<Answer, Vec<Violation>> {
        self.require_manage_sets().map_err(one)?;
        let root = self.body(body)?;
        let set = parse_set(&root, &Pointer::root(), &mut self.d);
        let set = self.ok(set)?;
        let entity_body = to_json(&set);
        let mut sets = self.catalog.sets.clone();
        sets.push(set);
        let last = sets.len().checked_sub(1);
        let catalog = self.commit(sets, self.catalog.definitions.clone(), last, None)?;
        Ok(self.written(
            201,
            Some(with_context(entity_body, entity_context(SETS))),
            catalog,
        ))
    }

    pub(super) fn update_set(
        &mut self,
        id: &str,
        body: Option<&[u8]>,
    ) -> Result<Answer, Vec<Violation>> {
        let i = self.find_set(id).map_err(one)?;
        self.require_manage_sets().map_err(one)?;
        let root = self.body(body)?;
        let p = self.props(&root, "an attribute set update")?;
        check_unknown_and_immutable(
            &p,
            (&["description", "maxAttributesPerSet"], &[]),
            &["id"],
            "an attribute set update",
            &mut self.d,
        );
        let mut set = self
            .catalog
            .sets
            .get(i)
            .cloned()
            .ok_or_else(|| vec![not_found_internal()])?;
        if p.get("description").is_some() {
            if let Ok(desc) = p.description(&mut self.d) {
                set.description = desc;
            }
        }
        if let Some(node) = p.get("maxAttributesPerSet") {
            if let Ok(max) = parse_max_attributes(&p, &mut self.d) {
                let active = self
                    .catalog
                    .definitions
                    .iter()
                    .filter(|d| d.status == Status::Available && d.attribute_set == set.id)
                    .count();
                match max {
                    Some(m) if usize::try_from(m).is_ok_and(|m| m < active) => {
                        self.d.push(
                            Violation::new(
                                Code::LimitExceeded,
                                "/maxAttributesPerSet",
                                format!(
                                    "`{}` has {active} active definitions, more than the {m} asked for",
                                    set.id
                                ),
                            )
                            .with_hint("deactivate definitions first, or choose a larger limit")
                            .span(node.start..node.end),
                        );
                    }
                    _ => set.max_attributes_per_set = max,
                }
            }
        }
        self.no_violations()?;
        let mut sets = self.catalog.sets.clone();
        if let Some(slot) = sets.get_mut(i) {
            *slot = set;
        }
        let catalog = self.commit(sets, self.catalog.definitions.clone(), None, None)?;
        Ok(self.written(204, None, catalog))
    }
}

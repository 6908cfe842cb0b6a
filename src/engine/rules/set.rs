//! Rules on a set and its attributes: both exist in the catalog (`unknown_attribute_set`,
//! `unknown_attribute`, with a "did you mean"), and the structural problems found while
//! reading the set.

use super::Cx;
use crate::catalog::{set_hint, AttributeDefinition};
use crate::diff::Change;
use crate::engine::wire::{Request, SetEntry};
use crate::engine::Position;
use crate::names::closest;
use crate::value::State;
use crate::violation::{cold, Code, Violation};

impl Cx<'_> {
    pub(super) fn check_set(
        &mut self,
        set: &SetEntry<'_>,
        request: &Request<'_>,
        current: &State,
        changes: &mut Vec<Change>,
    ) {
        // Authorization first: for a set outside the actor's scope nothing else is said.
        if !self.authorized(set) {
            return;
        }
        let set_pos = self.catalog().set_position(&set.key);
        for (problem, attr) in &set.problems {
            let mut v = problem.clone();
            if let (Some(pos), Some(attr)) = (set_pos, attr.as_deref()) {
                v.attribute = self
                    .catalog()
                    .definition_in(pos, attr)
                    .map(|d| d.id().to_owned());
            }
            self.push(v);
        }
        self.warnings.extend(set.warnings.iter().cloned());
        if set.repeated {
            return;
        }
        let Some(set_pos) = set_pos else {
            let hint = self.unknown_set_hint(&set.key);
            self.push(cold(|| {
                Violation::new(
                    Code::UnknownAttributeSet,
                    set.loc(),
                    ["the attribute set `", &set.key, "` does not exist"].concat(),
                )
                .maybe_hint(hint)
                .span(set.key_span.clone())
            }));
            return;
        };
        let catalog = self.catalog();
        let set_name = catalog.attribute_sets().get(set_pos).map_or("", |s| s.id());
        let set_loc = set.loc();
        for attr in &request.attrs {
            if attr.repeated {
                continue;
            }
            let index = catalog.definition_index_in(set_pos, &attr.key);
            let Some((index, def)) = index.and_then(|i| Some((i, catalog.definitions().get(i)?)))
            else {
                let hint = self
                    .may_suggest()
                    .then(|| closest(&attr.key, self.catalog().active_names_in(set_pos)))
                    .flatten()
                    .map(|c| ["did you mean `", c, "`?"].concat());
                self.push(cold(|| {
                    Violation::new(
                        Code::UnknownAttribute,
                        set_loc.key(&attr.key),
                        [
                            "the attribute `",
                            &attr.key,
                            "` does not exist in `",
                            set_name,
                            "`",
                        ]
                        .concat(),
                    )
                    .maybe_hint(hint.or_else(|| {
                        Some(
                            [
                                "define it first, or check the attribute names of `",
                                set_name,
                                "`",
                            ]
                            .concat(),
                        )
                    }))
                    .span(attr.key_span.clone())
                }));
                continue;
            };
            self.check_attr(def, index, attr, request, set_loc, current, changes);
        }
    }

    /// Where `current` holds `def` (catalog index `index`), if it does.
    pub(super) fn held_at(
        &self,
        current: &State,
        def: &AttributeDefinition,
        index: usize,
    ) -> Option<Position> {
        let (set, name) = (def.attribute_set(), def.name());
        match self.held.binary_search_by_key(&index, |&(i, _)| i) {
            Ok(at) => {
                let p = self.held.get(at).map(|&(_, p)| p);
                // The positions were taken from this very state (see `Held`).
                debug_assert!(p.is_some_and(|p| current.holds_at(p, set, name)));
                p
            }
            Err(_) => None,
        }
    }

    pub(super) fn unknown_set_hint(&self, key: &str) -> Option<String> {
        if !self.may_suggest() {
            return Some("check the set's name against the catalog".to_owned());
        }
        let actor = self.actor;
        set_hint(
            key,
            self.catalog()
                .attribute_sets()
                .iter()
                .map(|s| s.id())
                .filter(|s| actor.is_none_or(|a| a.can_read_definitions(s))),
        )
    }
}

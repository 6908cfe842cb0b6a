//! `POST` and `PATCH` of definitions. A new definition's set must exist
//! (`unknown_attribute_set`) and be one the actor manages. An update changes only
//! `description`, `status` (`invalid_status`), `usePreDefinedValuesOnly` (true to false only:
//! `predefined_only_enabled`) and the allowed values through `allowedValues@delta` (see
//! [`super::value`]); any other property is `immutable_changed`.

use super::access::{denied, manage_denied, DEFS_ALL_TASKS};
use super::body::check_unknown_and_immutable;
use super::read::{definition_json, with_context};
use super::{one, Answer, Define};
use crate::auth::Actions;
use crate::catalog::model::AttributeSet;
use crate::catalog::parse::{parse_definition, parse_status};
use crate::catalog::path::{entity_context, DEFINITIONS, VALUES};
use crate::catalog::validate::set_hint;
use crate::json::Node;
use crate::violation::{Code, Document, Pointer, Violation};

impl Define<'_> {
    pub(super) fn create_definition(
        &mut self,
        body: Option<&[u8]>,
    ) -> Result<Answer, Vec<Violation>> {
        if let Some(actor) = self.actor {
            if !actor.holds_anywhere(Actions::DEFS_ALL) {
                return Err(vec![denied(
                    format!("insufficient privileges to create definitions: missing `{DEFS_ALL_TASKS}`"),
                    "assign the Attribute Definition Administrator role at the tenant (`/`) or at the attribute set (`/attributeSets/{set}`)".to_owned(),
                )]);
            }
        }
        let root = self.body(body)?;
        let parsed = parse_definition(&root, &Pointer::root(), &mut self.d);
        // Authorization depends on the set the body names; for a set outside the actor's scope
        // nothing else is said (it may not even exist).
        if let (Some(actor), Some(set)) = (self.actor, root.get(SET_KEY).and_then(Node::as_str)) {
            if !actor.can_manage_definitions(set) {
                self.d.violations.clear();
                self.d.warnings.clear();
                return Err(vec![manage_denied(set)]);
            }
        }
        let def = self.ok(parsed)?;
        if self.catalog.set_position(def.attribute_set()).is_none() {
            let hint = set_hint(
                def.attribute_set(),
                self.catalog
                    .sets
                    .iter()
                    .map(AttributeSet::id)
                    .filter(|s| self.reads_set(s)),
            );
            let node = root.get(SET_KEY);
            let mut v = Violation::new(
                Code::UnknownAttributeSet,
                "/attributeSet",
                format!("the attribute set `{}` does not exist", def.attribute_set()),
            )
            .maybe_hint(hint.or_else(|| Some("create the attribute set first".to_owned())))
            .attr(def.id())
            .in_doc(Document::Definition);
            if let Some(n) = node {
                v = v.span(n.start..n.end);
            }
            return Err(vec![v]);
        }
        let mut defs = self.catalog.definitions.clone();
        defs.push(def);
        let last = defs.len().checked_sub(1);
        let catalog = self.commit(self.catalog.sets.clone(), defs, None, last)?;
        let created = last
            .and_then(|i| catalog.definitions.get(i))
            .map(definition_json)
            .map(|e| with_context(e, entity_context(DEFINITIONS)));
        Ok(self.written(201, created, catalog))
    }

    pub(super) fn update_definition(
        &mut self,
        id: &str,
        body: Option<&[u8]>,
    ) -> Result<Answer, Vec<Violation>> {
        let i = self.find_definition(id).map_err(one)?;
        let mut def = self.editable(i)?;
        let root = self.body(body)?;
        let what = "a definition update";
        let p = self.props(&root, what)?;
        check_unknown_and_immutable(
            &p,
            (
                &[
                    "description",
                    "status",
                    "usePreDefinedValuesOnly",
                    "allowedValues@delta",
                ],
                &[VALUES],
            ),
            &[
                "id",
                SET_KEY,
                "name",
                "type",
                "isCollection",
                "isSearchable",
            ],
            what,
            &mut self.d,
        );
        if let Some(n) = p.get(VALUES) {
            self.d.push(
                Violation::new(
                    Code::InvalidProperty,
                    "/allowedValues",
                    "an update cannot replace `allowedValues`",
                )
                .with_hint("send `allowedValues@delta`: an entry with an existing id updates `isActive`, a new id adds a value")
                .span(n.start..n.end),
            );
        }
        if p.get("description").is_some() {
            if let Ok(desc) = p.description(&mut self.d) {
                def.description = desc;
            }
        }
        if let Some(n) = p.get("status") {
            if let Some(status) = parse_status(&p, n, &mut self.d) {
                def.status = status;
            }
        }
        if let Some(n) = p.get("usePreDefinedValuesOnly") {
            if let Some(b) = p.boolean("usePreDefinedValuesOnly", n, &mut self.d) {
                if b && !def.use_predefined_values_only {
                    self.d.push(
                        Violation::new(
                            Code::PredefinedOnlyEnabled,
                            "/usePreDefinedValuesOnly",
                            format!(
                                "`{}` accepts any value; it cannot be limited to predefined values after it is created",
                                def.id()
                            ),
                        )
                        .with_hint("create a new attribute with `usePreDefinedValuesOnly: true` and deactivate this one")
                        .span(n.start..n.end),
                    );
                } else {
                    def.use_predefined_values_only = b;
                }
            }
        }
        if let Some(n) = p.get("allowedValues@delta") {
            self.apply_delta(&mut def, n);
        }
        self.name_attribute(def.id());
        self.no_violations()?;
        self.write_definition(i, def, 204, None)
    }
}

pub(super) const SET_KEY: &str = "attributeSet";

//! `GET` of the lists and items, as Graph's response bodies with their `@odata.context`, showing
//! only what the actor may read (a list needs the read action at some scope); and the same
//! bodies for the items writes create.

use serde::Serialize;
use serde_json::{Map, Value as Json};

use super::access::{DEFS_READ, SETS_READ};
use super::{one, Answer, Define};
use crate::auth::Actions;
use crate::catalog::model::{to_json, AttributeDefinition};
use crate::catalog::path::{
    entity_context, list_context, values_context, Target, DEFINITIONS, SETS, VALUES,
};
use crate::violation::Violation;

impl Define<'_> {
    pub(super) fn read(&mut self, target: &Target) -> Result<Answer, Vec<Violation>> {
        let c = self.catalog;
        let body = match target {
            Target::Sets => {
                self.require_any(Actions::SETS_READ, SETS_READ)?;
                let value = c
                    .sets
                    .iter()
                    .filter(|s| self.reads_set(s.id()))
                    .map(to_json)
                    .collect();
                list(list_context(SETS), value)
            }
            Target::Set(id) => {
                let i = self.find_set(id).map_err(one)?;
                entity(entity_context(SETS), c.sets.get(i))
            }
            Target::Definitions => {
                self.require_any(Actions::DEFS_READ, DEFS_READ)?;
                let value = c
                    .definitions
                    .iter()
                    .filter(|d| self.reads_definitions(d.attribute_set()))
                    .map(definition_json)
                    .collect();
                list(list_context(DEFINITIONS), value)
            }
            Target::Definition(id) => {
                let i = self.find_definition(id).map_err(one)?;
                let body = c.definitions.get(i).map(definition_json);
                with_context(body.unwrap_or(Json::Null), entity_context(DEFINITIONS))
            }
            Target::Values(id) => {
                let i = self.find_definition(id).map_err(one)?;
                let def = c.definitions.get(i);
                let value = def
                    .map(|d| d.allowed_values.iter().map(to_json).collect())
                    .unwrap_or_default();
                list(values_context(def.map_or("", |d| d.id()), ""), value)
            }
            Target::Value(id, vid) => {
                let (i, j) = self.find_value(id, vid).map_err(one)?;
                let def = c.definitions.get(i);
                entity(
                    values_context(def.map_or("", |d| d.id()), "/$entity"),
                    def.and_then(|d| d.allowed_values.get(j)),
                )
            }
        };
        Ok(Answer::Read(body))
    }
}

/// A definition as Graph returns it without `$expand=allowedValues`.
pub(super) fn definition_json(def: &AttributeDefinition) -> Json {
    let mut j = to_json(def);
    if let Json::Object(m) = &mut j {
        m.remove(VALUES);
    }
    j
}

/// `item` with its `@odata.context` (`null`, for an item not found, stays `null`).
pub(super) fn with_context(mut item: Json, context: String) -> Json {
    if let Json::Object(m) = &mut item {
        m.insert("@odata.context".to_owned(), Json::String(context));
    }
    item
}

pub(super) fn list(context: String, value: Vec<Json>) -> Json {
    let mut m = Map::new();
    m.insert("@odata.context".to_owned(), Json::String(context));
    m.insert("value".to_owned(), Json::Array(value));
    Json::Object(m)
}

pub(super) fn entity<T: Serialize>(context: String, item: Option<&T>) -> Json {
    with_context(item.map(to_json).unwrap_or(Json::Null), context)
}

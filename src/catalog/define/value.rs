//! Allowed values: `POST` of one, `PATCH` of its `isActive`, and the `allowedValues@delta` of a
//! definition update. Ids follow the definition's type (`invalid_allowed_value`, through the
//! catalog's parser), are unique in the definition (`duplicate_name`), and a definition holds
//! at most 100, inactive ones included (`too_many_allowed_values`).

use super::body::check_unknown_and_immutable;
use super::read::entity;
use super::{one, Answer, Define};
use crate::catalog::model::AttributeDefinition;
use crate::catalog::parse::parse_allowed_value;
use crate::catalog::path::values_context;
use crate::json::Node;
use crate::limits::MAX_ALLOWED_VALUES;
use crate::text::Text;
use crate::violation::{Code, Document, Pointer, Violation};

impl Define<'_> {
    /// `allowedValues@delta`: an entry whose id exists updates `isActive`, a new id adds a value.
    pub(super) fn apply_delta(&mut self, def: &mut AttributeDefinition, node: &Node<'_>) {
        let ptr = Pointer::root().key("allowedValues@delta");
        let Some(items) = node.as_array() else {
            self.d.push(
                Violation::new(
                    Code::InvalidProperty,
                    &ptr,
                    format!(
                        "`allowedValues@delta` must be an array, not {}",
                        node.kind_name()
                    ),
                )
                .span(node.start..node.end),
            );
            return;
        };
        let ty = Some(def.attribute_type());
        // Hashed: a delta may list any number of values (the limit is checked after).
        let mut seen: hashbrown::HashSet<Text> = hashbrown::HashSet::new();
        let mut at: hashbrown::HashMap<Text, usize> = (def.allowed_values.iter())
            .enumerate()
            .map(|(i, v)| (v.id.clone(), i))
            .collect();
        for (k, item) in items.iter().enumerate() {
            let ip = ptr.index(k);
            let Some(v) = parse_allowed_value(item, &ip, ty, &mut self.d) else {
                continue;
            };
            if seen.contains(&v.id) {
                self.d.push(
                    Violation::new(
                        Code::DuplicateName,
                        ip.key("id"),
                        format!("the allowed value `{}` is listed twice", v.id),
                    )
                    .with_hint("list each value once")
                    .span(item.start..item.end),
                );
                continue;
            }
            seen.insert(v.id.clone());
            match at.get(&v.id).and_then(|&i| def.allowed_values.get_mut(i)) {
                Some(existing) => existing.is_active = v.is_active,
                None => {
                    at.insert(v.id.clone(), def.allowed_values.len());
                    def.allowed_values.push(v);
                }
            }
        }
        if def.allowed_values.len() > MAX_ALLOWED_VALUES {
            self.d.push(
                Violation::new(
                    Code::TooManyAllowedValues,
                    &ptr,
                    format!(
                        "`{}` would have {} allowed values, more than {MAX_ALLOWED_VALUES}",
                        def.id(),
                        def.allowed_values.len()
                    ),
                )
                .with_hint("deactivated values count too; reuse an inactive value instead")
                .span(node.start..node.end),
            );
        }
    }

    pub(super) fn create_value(
        &mut self,
        id: &str,
        body: Option<&[u8]>,
    ) -> Result<Answer, Vec<Violation>> {
        let i = self.find_definition(id).map_err(one)?;
        let mut def = self.editable(i)?;
        let root = self.body(body)?;
        let parsed = parse_allowed_value(
            &root,
            &Pointer::root(),
            Some(def.attribute_type()),
            &mut self.d,
        );
        self.name_attribute(def.id());
        let value = self.ok(parsed)?;
        if def.allowed_value(&value.id).is_some() {
            let mut v = Violation::new(
                Code::DuplicateName,
                "/id",
                format!(
                    "`{}` already has the allowed value `{}`",
                    def.id(),
                    value.id
                ),
            )
            .with_hint("to change whether it is active, PATCH the value instead")
            .attr(def.id())
            .in_doc(Document::Definition);
            if let Some(n) = root.get("id") {
                v = v.span(n.start..n.end);
            }
            return Err(vec![v]);
        }
        if def.allowed_values.len() >= MAX_ALLOWED_VALUES {
            return Err(vec![Violation::new(
                Code::TooManyAllowedValues,
                "",
                format!(
                    "`{}` already has {MAX_ALLOWED_VALUES} allowed values (active and inactive)",
                    def.id()
                ),
            )
            .with_hint("reactivate an inactive value instead of adding one")
            .attr(def.id())
            .in_doc(Document::Definition)]);
        }
        let created = entity(values_context(def.id(), "/$entity"), Some(&value));
        def.allowed_values.push(value);
        self.write_definition(i, def, 201, Some(created))
    }

    pub(super) fn update_value(
        &mut self,
        id: &str,
        value_id: &str,
        body: Option<&[u8]>,
    ) -> Result<Answer, Vec<Violation>> {
        let (i, j) = self.find_value(id, value_id).map_err(one)?;
        let mut def = self.editable(i)?;
        let root = self.body(body)?;
        let what = "an allowed value update";
        let p = self.props(&root, what)?;
        check_unknown_and_immutable(&p, (&["isActive"], &[]), &["id"], what, &mut self.d);
        if let Some(n) = p.get("isActive") {
            let active = if n.is_null() {
                self.d.push(
                    Violation::new(
                        Code::InvalidProperty,
                        "/isActive",
                        "`isActive` cannot be null",
                    )
                    .span(n.start..n.end),
                );
                None
            } else {
                p.boolean("isActive", n, &mut self.d)
            };
            if let (Some(b), Some(v)) = (active, def.allowed_values.get_mut(j)) {
                v.is_active = b;
            }
        }
        self.name_attribute(def.id());
        self.no_violations()?;
        self.write_definition(i, def, 204, None)
    }
}

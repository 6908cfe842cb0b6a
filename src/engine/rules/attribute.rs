//! Rules on one attribute: its annotation agrees with the definition (or is missing), a
//! deactivated attribute cannot be set or changed, and an unchanged value is no change.

use super::predefined::predefined_ok;
use super::Cx;
use crate::catalog::{AttributeDefinition, Status};
use crate::diff::{Change, Op};
use crate::engine::wire::{AnnotationEntry, AttrEntry, Loc, Request};
use crate::value::odata::Annotation;
use crate::value::{State, Value};
use crate::violation::{cold, Code, Violation, Warning, WarningCode};

impl Cx<'_> {
    /// Checks one attribute; a change goes to `changes` (built in place there: a change is
    /// large, and every move of it costs).
    #[allow(
        clippy::too_many_arguments,
        reason = "one evaluation's parts, all borrowed"
    )]
    pub(super) fn check_attr(
        &mut self,
        def: &AttributeDefinition,
        index: usize,
        attr: &AttrEntry<'_>,
        request: &Request<'_>,
        set_loc: Loc<'_>,
        current: &State,
        changes: &mut Vec<Change>,
    ) {
        let id = def.id();
        let loc = set_loc.key(&attr.key);
        let items = request.items(attr);
        let before_len = self.violations.len();
        let annotation = request.annotation(attr);
        self.check_annotation(def, annotation, set_loc, id);
        let node = &attr.value;
        let held = self
            .held_at(current, def, index)
            .and_then(|p| current.at(p));
        let new = self.typed_value(def, node, items, loc, id);
        let typed_ok = self.violations.len() == before_len;
        let predefined = def.use_predefined_values_only() && def.status() == Status::Available;
        if !typed_ok {
            if predefined {
                self.check_predefined(def, held, node, items, loc, id);
            }
            return;
        }
        let Some(new) = new else { return };
        // The annotation rule is about the body: it applies whether or not the value changes.
        if let Some(v) = &new {
            if annotation.is_none() {
                self.check_missing_annotation(v, attr, loc, id);
            }
            if self.violations.len() != before_len {
                return;
            }
        }
        let unchanged = match (&new, held) {
            (None, None) => true,
            (Some(n), Some(h)) => n == h,
            _ => false,
        };
        if unchanged {
            return;
        }
        if def.status() == Status::Deprecated && new.is_some() {
            self.push(cold(|| {
                Violation::new(
                    Code::AttributeDeactivated,
                    loc,
                    [
                        "the attribute `",
                        id,
                        "` is deactivated: its value cannot be set or changed",
                    ]
                    .concat(),
                )
                .attr(id)
                .with_hint(
                    "remove the assignment, or reactivate the attribute (`status: Available`)",
                )
                .span(node.start..node.end)
            }));
            return;
        }
        if predefined && new.as_ref().is_some_and(|v| !predefined_ok(def, held, v)) {
            // Some element is refused: go through the body's elements for the violations.
            self.check_predefined(def, held, node, items, loc, id);
        }
        if self.violations.len() != before_len {
            return;
        }
        // Equal values returned above, so this is a change.
        let Some(op) = Op::between(held.is_some(), new.is_some()) else {
            return;
        };
        changes.push(Change {
            op,
            attribute_set: def.attribute_set.text().clone(),
            name: def.name.text().clone(),
            before: held.cloned(),
            after: new,
        });
    }

    pub(super) fn check_annotation(
        &mut self,
        def: &AttributeDefinition,
        annotation: Option<&AnnotationEntry<'_>>,
        set_loc: Loc<'_>,
        id: &str,
    ) {
        let Some(ann) = annotation else { return };
        if !ann.kind.fits(def.attribute_type(), def.is_collection()) {
            let right = Annotation::for_type(def.attribute_type(), def.is_collection())
                .map(|a| format!("use `{}`", a.as_str()))
                .unwrap_or_else(|| "send no annotation".to_owned());
            self.push(cold(|| {
                Violation::new(
                    Code::AnnotationMismatch,
                    set_loc.key(&ann.key),
                    format!(
                        "the annotation `{}` does not fit `{id}`, a {}",
                        ann.kind.as_str(),
                        def.describe()
                    ),
                )
                .attr(id)
                .with_hint(format!("{right} for this attribute"))
                .span(ann.span.clone())
            }));
        }
    }

    pub(super) fn check_missing_annotation(
        &mut self,
        v: &Value,
        attr: &AttrEntry<'_>,
        loc: Loc<'_>,
        id: &str,
    ) {
        let Some(expected) = Annotation::of_value(v).map(Annotation::as_str) else {
            return;
        };
        let message = ["`", id, "` is sent without its annotation `", expected, "`"].concat();
        let ptr = String::from(loc);
        if self.policy().strict_annotations {
            self.push(cold(|| {
                Violation::new(Code::MissingAnnotation, ptr, message)
                    .attr(id)
                    .with_hint(format!("add `\"{}@odata.type\": \"{expected}\"`", attr.key))
                    .span(attr.key_span.clone())
            }));
        } else {
            self.warnings.push(
                Warning::new(WarningCode::MissingAnnotation, ptr, message)
                    .attr(id)
                    .span(attr.key_span.clone()),
            );
        }
    }
}

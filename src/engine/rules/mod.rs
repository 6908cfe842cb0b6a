//! The assignment rules, one file per family: the object as a whole ([`object`]: kind, sync
//! status, the 50-value limit), the caller's permission on a set ([`authorize`]), the set and
//! its attributes existing ([`set`]), each attribute's annotation and status
//! ([`attribute`]), its value's type, cardinality, removal form and bounds ([`typed`]), and
//! predefined values ([`predefined`]). [`Cx`] carries one evaluation through them and collects
//! every violation and warning.

mod attribute;
mod authorize;
mod object;
mod predefined;
mod set;
mod typed;

use std::cell::Cell;
use std::ops::Range;

use crate::auth::Actor;
use crate::catalog::{AttributeDefinition, Catalog};
use crate::diff::Change;
use crate::engine::wire::{self};
use crate::engine::{Engine, Position};
use crate::object::Object;
use crate::policy::{Policy, REDACTED};
use crate::value::State;
use crate::violation::{cold, Code, Document, Violation, Warning, WarningCode};

/// One evaluation in progress.
pub(super) struct Cx<'e> {
    pub(super) engine: &'e Engine,
    pub(super) object: &'e Object,
    pub(super) actor: Option<&'e Actor>,
    /// Where the current state holds each defined attribute (see [`Held`](crate::engine::Held)).
    pub(super) held: &'e [(usize, Position)],
    /// How many values the current state holds.
    pub(super) value_count: usize,
    pub(super) violations: Vec<Violation>,
    pub(super) warnings: Vec<Warning>,
    /// How many more "did you mean" searches this evaluation may make: each compares a name
    /// with a whole list, so a body of thousands of unknown names gets a generic hint after
    /// the first [`MAX_SUGGESTIONS`](crate::limits::MAX_SUGGESTIONS) instead of costing thousands of list scans.
    pub(super) suggestions_left: Cell<u16>,
}

impl<'e> Cx<'e> {
    fn policy(&self) -> &'e Policy {
        &self.engine.policy
    }

    fn catalog(&self) -> &'e Catalog {
        &self.engine.catalog
    }

    fn push(&mut self, v: Violation) {
        // A refused body usually breaks several rules: the first violation makes room for
        // some, rather than the list growing from four and copying its violations each time.
        if self.violations.capacity() == 0 {
            self.violations.reserve(16);
        }
        self.violations.push(v);
    }

    pub(super) fn run(&mut self, current: &State, body: &[u8], max_depth: usize) -> Vec<Change> {
        self.check_object();
        if body.len() > self.policy().max_body_bytes {
            self.push(cold(|| {
                Violation::payload_too_large(
                    Document::Body,
                    Some(body.len()),
                    self.policy().max_body_bytes,
                )
                .with_hint("send fewer attributes per request")
            }));
            return Vec::new();
        }
        // Sets are checked as they are read; if the body turns out not to be JSON, what was
        // made of them is dropped and only `invalid_json` is said.
        let (violations, warnings) = (self.violations.len(), self.warnings.len());
        // About one attribute per 64 bytes of body; the lists grow if there are more.
        let guess = (body.len() / 64).clamp(4, 64);
        let mut changes = Vec::with_capacity(guess);
        let read = wire::read_request(body, max_depth, |set, request| {
            self.check_set(set, request, current, &mut changes);
        });
        let read = match read {
            Ok(r) => r,
            Err(e) => {
                self.violations.truncate(violations);
                self.warnings.truncate(warnings);
                self.push(cold(|| {
                    Violation::new(
                        Code::InvalidJson,
                        "",
                        format!("the body is not valid JSON: {}", e.message),
                    )
                    .with_hint("send a JSON object like `{\"customSecurityAttributes\": {...}}`")
                    .span(e.offset..e.offset.saturating_add(1))
                }));
                return Vec::new();
            }
        };
        self.violations.extend(read.violations);
        if let Some((span, ignored)) = read.no_sets {
            self.no_sets(span, &ignored, read.warnings);
            return changes;
        }
        self.warnings.extend(read.warnings);
        let Some(sets_span) = read.sets_span else {
            return changes;
        };
        // The 50-value limit applies to the state after the whole PATCH.
        self.check_value_limit(current, &changes, sets_span);
        changes
    }

    /// A body without `customSecurityAttributes`: refused only when the policy requires them
    /// (with the `ignored_property` warnings the body's other keys got); otherwise one warning
    /// naming what was ignored, instead of those.
    #[cold]
    fn no_sets(&mut self, span: Range<usize>, ignored: &[String], warnings: Vec<Warning>) {
        if self.policy().require_custom_security_attributes {
            self.warnings.extend(warnings);
            self.push(
                Violation::new(
                    Code::InvalidShape,
                    "",
                    "the body has no `customSecurityAttributes`",
                )
                .with_hint("put the attribute sets under `customSecurityAttributes`")
                .span(span),
            );
            return;
        }
        let what = match ignored {
            [] => "the body is empty".to_owned(),
            [one] => format!("`{one}` was ignored"),
            many => format!(
                "{} were ignored",
                many.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.warnings.push(
            Warning::new(
                WarningCode::NoCustomSecurityAttributes,
                "",
                format!("the body has no `customSecurityAttributes`: nothing is changed ({what})"),
            )
            .span(span),
        );
    }

    /// Whether one more "did you mean" search may be made (and counts it).
    fn may_suggest(&self) -> bool {
        let left = self.suggestions_left.get();
        self.suggestions_left.set(left.saturating_sub(1));
        left > 0
    }

    /// Masks a value for messages when its set is redacted.
    fn show<'t>(&self, def: &AttributeDefinition, text: &'t str) -> &'t str {
        if self.policy().is_redacted(def.attribute_set()) {
            REDACTED
        } else {
            text
        }
    }
}

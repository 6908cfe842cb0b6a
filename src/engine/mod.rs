//! The assignment engine: a catalog compiled with a policy ([`Engine`]), which decides PATCH
//! bodies ([`Engine::evaluate`] → [`Evaluation`]) and projects objects for readers
//! ([`Engine::view`]).
//!
//! Flow: the body's bytes are read in one pass, without a tree ([`wire`]), into sets,
//! attributes and annotations, each set handed to the rules as soon as it is read
//! ([`rules`]: one file per family of rules); then the resulting state is built only if no
//! rule was broken ([`evaluate`]), so a request is never half-applied.

mod apply;
mod evaluate;
mod evaluation;
mod rules;
pub(crate) mod wire;

pub use evaluation::Evaluation;

use std::sync::Arc;

use crate::auth::Actor;
use crate::catalog::Catalog;
use crate::object::{Object, ObjectKind};
use crate::policy::Policy;
use crate::value::{Assignment, SetAssignments, State};
use crate::violation::{Document, Pointer, Warning, WarningCode};

/// An object read against an engine's catalog once; see [`Engine::prepare`].
#[derive(Debug, Clone)]
pub struct PreparedObject {
    /// The object without its state (kind, sync status, id).
    object: Object,
    /// Its state in catalog casing (shared with the evaluations' resulting states, which are
    /// built from it when asked for).
    state: Arc<State>,
    /// Warnings about attributes the catalog does not define.
    warnings: Vec<Warning>,
    /// Where the state holds each defined attribute, by definition.
    held: Held,
    /// How many values the state holds (for the 50-value limit).
    value_count: usize,
    /// The catalog build `held` refers to.
    catalog_build: u64,
}

/// Where a state holds each attribute the catalog defines: (definition index in the catalog,
/// (set index, attribute index) in the state), sorted by definition index. It spares the
/// evaluation a search of the state per attribute.
type Held = Vec<(usize, Position)>;

/// Where a state holds an attribute: (set index, attribute index).
type Position = (usize, usize);

impl PreparedObject {
    /// The object's current state, in catalog casing.
    pub fn state(&self) -> &State {
        &self.state
    }
    /// The object's kind.
    pub fn kind(&self) -> &ObjectKind {
        self.object.kind()
    }
}

/// A compiled catalog with a policy: evaluates many requests without re-parsing anything.
#[derive(Debug, Clone)]
pub struct Engine {
    catalog: Catalog,
    policy: Policy,
}

impl Engine {
    /// An engine for `catalog` under `policy`.
    pub fn new(catalog: Catalog, policy: Policy) -> Self {
        Self { catalog, policy }
    }

    /// The catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// What `GET /{kind}/{id}?$select=customSecurityAttributes` returns to `actor`: only the
    /// sets it may read; without an actor, everything. Catalog casing. Never an error.
    #[must_use]
    pub fn view(&self, object: &Object, actor: Option<&Actor>) -> State {
        let (mut state, _, _) = self.normalise(object);
        if let Some(actor) = actor {
            state.retain_sets(|set| actor.can_read_assignments(&object.kind, set));
        }
        state
    }

    /// The object's state in catalog casing, with a warning per attribute the catalog lacks.
    /// The object's state holds no duplicate names (reading it refuses them), so entries are
    /// pushed without searching.
    fn normalise(&self, object: &Object) -> (State, Vec<Warning>, Held) {
        let mut warnings = Vec::new();
        let mut held = Vec::new();
        let sets = object
            .state
            .sets
            .iter()
            .enumerate()
            .map(|(si, set)| {
                let pos = self.catalog.set_position(&set.name);
                let set_name = pos
                    .and_then(|p| self.catalog.attribute_sets().get(p))
                    .map_or_else(|| set.name.clone(), |s| s.id.text().clone());
                let attributes = set
                    .attributes
                    .iter()
                    .enumerate()
                    .map(|(ai, a)| {
                        let index = pos.and_then(|p| self.catalog.definition_index_in(p, &a.name));
                        let def = index.and_then(|i| self.catalog.definitions().get(i));
                        if let Some(i) = index {
                            held.push((i, (si, ai)));
                        }
                        if def.is_none() {
                            warnings.push(unknown_current(&set.name, &a.name));
                        }
                        Assignment {
                            name: def.map_or_else(|| a.name.clone(), |d| d.name.text().clone()),
                            value: a.value.clone(),
                        }
                    })
                    .collect();
                SetAssignments {
                    name: set_name,
                    attributes,
                }
            })
            .collect();
        held.sort_unstable_by_key(|&(i, _)| i);
        (State { sets }, warnings, held)
    }

    /// Evaluates a PATCH body against the object's current state, as `actor` (or, with `None`,
    /// validity only). Decides every rule; returns the diff or every violation.
    pub fn evaluate(&self, object: &Object, actor: Option<&Actor>, body: &[u8]) -> Evaluation {
        self.evaluate_nested(object, actor, body, crate::limits::MAX_JSON_DEPTH)
    }

    /// [`Engine::evaluate`] reading the body to `max_depth` levels: a plan wraps a desired
    /// document (itself checked against the usual 128) in one more level.
    pub(crate) fn evaluate_nested(
        &self,
        object: &Object,
        actor: Option<&Actor>,
        body: &[u8],
        max_depth: usize,
    ) -> Evaluation {
        let (state, state_warnings, held) = self.normalise(object);
        let value_count = state.value_count();
        self.evaluate_state(
            object,
            Arc::new(state),
            (&held, value_count),
            state_warnings,
            actor,
            (body, max_depth),
        )
    }

    /// Reads `object` against this engine's catalog once (its state in catalog casing, and the
    /// warnings about attributes the catalog does not define), for evaluating many bodies
    /// against the same object with [`Engine::evaluate_prepared`].
    #[must_use]
    pub fn prepare(&self, object: &Object) -> PreparedObject {
        let (state, warnings, held) = self.normalise(object);
        PreparedObject {
            object: object.clone().with_state(State::new()),
            value_count: state.value_count(),
            state: Arc::new(state),
            warnings,
            held,
            catalog_build: self.catalog.build_id,
        }
    }

    /// [`Engine::evaluate`] for an object prepared by this engine with [`Engine::prepare`].
    pub fn evaluate_prepared(
        &self,
        prepared: &PreparedObject,
        actor: Option<&Actor>,
        body: &[u8],
    ) -> Evaluation {
        if prepared.catalog_build != self.catalog.build_id {
            // Prepared by an engine with another catalog: its casing and positions do not
            // apply here, so read the object again.
            let object = prepared
                .object
                .clone()
                .with_state(State::clone(&prepared.state));
            return self.evaluate(&object, actor, body);
        }
        self.evaluate_state(
            &prepared.object,
            Arc::clone(&prepared.state),
            (&prepared.held, prepared.value_count),
            prepared.warnings.clone(),
            actor,
            (body, crate::limits::MAX_JSON_DEPTH),
        )
    }
}

fn unknown_current(set: &str, name: &str) -> Warning {
    Warning::new(
        WarningCode::UnknownCurrentAttribute,
        Pointer::root()
            .key("customSecurityAttributes")
            .key(set)
            .key(name),
        format!(
            "the object holds `{set}_{name}`, which the catalog does not define; it is kept as it is"
        ),
    )
    .attr(format!("{set}_{name}"))
    .in_doc(Document::Object)
}

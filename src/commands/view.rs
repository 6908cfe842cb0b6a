//! `csa view`: an object's `customSecurityAttributes` as a caller may read them.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{read_actor, read_catalog, read_object, read_policy, GraphAnswer, Input};
use crate::engine::Engine;
use crate::object::ObjectKind;
use crate::value::{ResponseForm, State};
use crate::violation::Authorization;
use crate::violation::InputError;

/// `csa view`: what `GET /{kind}/{id}?$select=customSecurityAttributes` returns to the caller
/// (without an actor, everything).
#[derive(Debug, Clone)]
#[must_use]
pub struct View<'a> {
    catalog: Input<'a>,
    object: Input<'a>,
    actor: Option<Input<'a>>,
    policy: Option<Input<'a>>,
}

impl<'a> View<'a> {
    /// `object` as Graph returns it, read against `catalog`.
    pub fn new(catalog: impl Into<Input<'a>>, object: impl Into<Input<'a>>) -> Self {
        Self {
            catalog: catalog.into(),
            object: object.into(),
            actor: None,
            policy: None,
        }
    }
    document!(
        /// The reader's role assignments and permissions (`--actor`).
        'a, actor
    );
    document!(
        /// The policy knobs (`--policy`).
        'a, policy
    );

    /// Reads the policy, the catalog, the object and the actor, then projects.
    pub fn run(&self) -> Result<ViewReport, InputError> {
        let policy = read_policy(self.policy)?;
        let catalog = read_catalog(self.catalog, &policy)?;
        let object = read_object(self.object)?;
        let actor = read_actor(self.actor)?;
        let engine = Engine::new(catalog, policy);
        Ok(ViewReport {
            state: engine.view(&object, actor.as_ref()),
            kind: object.kind().clone(),
            authorization: if actor.is_some() {
                Authorization::Checked
            } else {
                Authorization::NotChecked
            },
        })
    }
}

/// What `csa view` prints with `--format json`: `{"customSecurityAttributes": ...}` in Graph's
/// response form (`null` when nothing is left to see).
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct ViewReport {
    state: State,
    kind: ObjectKind,
    authorization: Authorization,
}

impl ViewReport {
    /// The report of a view made on an engine: `state` is what [`Engine::view`] gave for an
    /// object of `kind`, `authorization` whether an actor was given (the language packages
    /// view with a compiled engine and print the same document).
    pub fn new(state: State, kind: ObjectKind, authorization: Authorization) -> Self {
        Self {
            state,
            kind,
            authorization,
        }
    }
    /// What the caller may read, in catalog casing.
    pub fn state(&self) -> &State {
        &self.state
    }
    /// The object's kind.
    pub fn kind(&self) -> &ObjectKind {
        &self.kind
    }
    /// Whether an actor was given (and only the sets it may read are shown).
    pub fn authorization(&self) -> Authorization {
        self.authorization
    }
    /// What `--format graph` prints: `200` with `@odata.context` and the sets.
    pub fn graph_answer(&self) -> GraphAnswer<'_> {
        GraphAnswer::view(&self.kind, &self.state)
    }
}

impl Serialize for ViewReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("customSecurityAttributes", &ResponseForm(&self.state))?;
        m.end()
    }
}

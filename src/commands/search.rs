//! `csa search`: the portal's search on one object.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{read_actor, read_catalog, read_object, read_policy, Input};
use crate::engine::Engine;
use crate::query::SearchMatch;
use crate::violation::InputError;

/// `csa search`: attribute names and values of one object starting with a text
/// ([`Engine::search`]), in the sets the caller may read.
#[derive(Debug, Clone)]
#[must_use]
pub struct Search<'a> {
    catalog: Input<'a>,
    object: Input<'a>,
    text: &'a str,
    set: Option<&'a str>,
    actor: Option<Input<'a>>,
    policy: Option<Input<'a>>,
}

impl<'a> Search<'a> {
    /// What in `object` starts with `text` (case-insensitive; empty lists everything).
    pub fn new(catalog: impl Into<Input<'a>>, object: impl Into<Input<'a>>, text: &'a str) -> Self {
        Self {
            catalog: catalog.into(),
            object: object.into(),
            text,
            set: None,
            actor: None,
            policy: None,
        }
    }
    /// Only attribute sets whose name starts with this (`--set`).
    pub fn set(mut self, prefix: &'a str) -> Self {
        self.set = Some(prefix);
        self
    }
    document!(
        /// The searcher's role assignments and permissions (`--actor`).
        'a, actor
    );
    document!(
        /// The policy knobs (`--policy`).
        'a, policy
    );

    /// Reads the policy, the catalog, the object and the actor, then searches.
    pub fn run(&self) -> Result<SearchReport, InputError> {
        let policy = read_policy(self.policy)?;
        let catalog = read_catalog(self.catalog, &policy)?;
        let object = read_object(self.object)?;
        let actor = read_actor(self.actor)?;
        let engine = Engine::new(catalog, policy);
        Ok(SearchReport {
            matches: engine.search(&object, actor.as_ref(), self.text, self.set),
        })
    }
}

/// What `csa search` prints with `--format json`: `{"matches": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct SearchReport {
    matches: Vec<SearchMatch>,
}

impl SearchReport {
    /// The matches, in the object's order.
    pub fn matches(&self) -> &[SearchMatch] {
        &self.matches
    }
}

impl Serialize for SearchReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("matches", &self.matches)?;
        m.end()
    }
}

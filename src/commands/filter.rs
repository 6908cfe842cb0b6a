//! `csa filter`: Graph's list query with `$filter` over many objects.

use serde::{Serialize, Serializer};

use super::{located, read_actor, read_catalog, read_objects, read_policy, GraphAnswer, Input};
use crate::engine::Engine;
use crate::object::{Object, ObjectKind};
use crate::query::{GraphQuery, QueryOutcome};
use crate::violation::{Document, InputError, Verdict, Violation, Warning};

/// `csa filter`: Graph's answer to `GET /users?$filter=...` (or `/servicePrincipals`) over the
/// given objects ([`Engine::query`]): the filter and its options, or a raw query string.
#[derive(Debug, Clone)]
#[must_use]
pub struct Filter<'a> {
    catalog: Input<'a>,
    objects: Input<'a>,
    filter: Option<&'a str>,
    query: Option<&'a str>,
    count: bool,
    select: Option<Vec<&'a str>>,
    top: Option<usize>,
    consistency_level: Option<&'a str>,
    object_type: ObjectKind,
    actor: Option<Input<'a>>,
    policy: Option<Input<'a>>,
}

impl<'a> Filter<'a> {
    /// A query over `objects` (JSON Lines, a JSON array or a Graph list response) of users.
    pub fn new(catalog: impl Into<Input<'a>>, objects: impl Into<Input<'a>>) -> Self {
        Self {
            catalog: catalog.into(),
            objects: objects.into(),
            filter: None,
            query: None,
            count: false,
            select: None,
            top: None,
            consistency_level: None,
            object_type: ObjectKind::User,
            actor: None,
            policy: None,
        }
    }
    /// The `$filter` text (`--filter`).
    pub fn filter(mut self, filter: &'a str) -> Self {
        self.filter = Some(filter);
        self
    }
    /// A raw query string (`--query`: `$count=true&$filter=...`, URL-decoded as Graph does);
    /// it replaces the filter and `count`, `select` and `top`.
    pub fn query(mut self, query: &'a str) -> Self {
        self.query = Some(query);
        self
    }
    flag!(
        /// `$count=true` (`--count`).
        count
    );
    /// `$select` (`--select`; default `id,displayName,customSecurityAttributes`).
    pub fn select(mut self, properties: impl IntoIterator<Item = &'a str>) -> Self {
        self.select = Some(properties.into_iter().collect());
        self
    }
    /// `$top` (`--top`).
    pub fn top(mut self, n: usize) -> Self {
        self.top = Some(n);
        self
    }
    /// The `ConsistencyLevel` header (`--consistency-level`).
    pub fn consistency_level(mut self, level: &'a str) -> Self {
        self.consistency_level = Some(level);
        self
    }
    /// The objects' kind: the Graph collection queried (`--object-type`; default users).
    pub fn object_type(mut self, kind: ObjectKind) -> Self {
        self.object_type = kind;
        self
    }
    document!(
        /// The caller's role assignments and permissions (`--actor`).
        'a, actor
    );
    document!(
        /// The policy knobs (`--policy`).
        'a, policy
    );

    /// The Graph query these options make.
    pub fn graph_query(&self) -> GraphQuery {
        let query = match (self.query, self.filter) {
            (Some(raw), _) => GraphQuery::from_query_string(raw),
            (None, filter) => {
                let mut q = GraphQuery::new().count(self.count);
                if let Some(text) = filter {
                    q = q.filter(text);
                }
                if let Some(list) = &self.select {
                    q = q.select(list.iter().map(|p| p.trim()));
                }
                if let Some(n) = self.top {
                    q = q.top(n);
                }
                q
            }
        };
        query
            .consistency_level(self.consistency_level)
            .kind(self.object_type.clone())
    }

    /// Reads the policy, the catalog, the objects and the actor, then answers the query.
    pub fn run(&self) -> Result<FilterReport, InputError> {
        let policy = read_policy(self.policy)?;
        let catalog = read_catalog(self.catalog, &policy)?;
        let objects = read_objects(self.objects)?;
        let actor = read_actor(self.actor)?;
        let engine = Engine::new(catalog, policy);
        let query = self.graph_query();
        let outcome = engine.query(&objects, actor.as_ref(), &query);
        let filter = query.filter_text().map(|t| Input::text(t.as_bytes()));
        let outcome = located(outcome, &[(Document::Filter, filter)]);
        Ok(FilterReport {
            outcome,
            objects,
            filter: query.filter_text().map(str::to_owned),
        })
    }
}

/// What `csa filter` prints with `--format json`: Graph's list body (`{"@odata.context",
/// "@odata.count"?, "value"}`) or `{"violations": [...]}`.
#[derive(Debug, Clone)]
#[must_use]
pub struct FilterReport {
    outcome: QueryOutcome,
    objects: Vec<Object>,
    filter: Option<String>,
}

impl FilterReport {
    /// The query's outcome.
    pub fn outcome(&self) -> &QueryOutcome {
        &self.outcome
    }
    /// The objects queried, in input order ([`QueryOutcome::matches`] indexes them).
    pub fn objects(&self) -> &[Object] {
        &self.objects
    }
    /// The `$filter` text the violations' offsets point into, when there was one.
    pub fn filter_text(&self) -> Option<&str> {
        self.filter.as_deref()
    }
    /// Whether Graph would answer (rather than refuse).
    pub fn is_allowed(&self) -> bool {
        self.outcome.is_allowed()
    }
    /// What `--format graph` prints: `200` with the list, or the first violation's refusal.
    pub fn graph_answer(&self) -> GraphAnswer<'_> {
        GraphAnswer::query(&self.outcome)
    }
}

impl Verdict for FilterReport {
    fn violations(&self) -> &[Violation] {
        self.outcome.violations()
    }
    fn warnings(&self) -> &[Warning] {
        &[]
    }
}

impl Serialize for FilterReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.outcome.serialize(s)
    }
}

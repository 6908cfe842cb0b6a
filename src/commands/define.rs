//! `csa define`: a Graph request on attribute sets, definitions and allowed values.

use serde::{Serialize, Serializer};

use super::{located, read_actor, read_catalog, read_policy, GraphAnswer, Input};
use crate::catalog::{Catalog, DefineOutcome, DefinitionRequest, Method};
use crate::violation::{Document, InputError, Verdict, Violation, Warning};

/// `csa define`: decides a definition request as Graph would ([`Catalog::define_with`]).
#[derive(Debug, Clone)]
#[must_use]
pub struct Define<'a> {
    catalog: Input<'a>,
    method: Method,
    path: &'a str,
    body: Option<Input<'a>>,
    actor: Option<Input<'a>>,
    policy: Option<Input<'a>>,
}

impl<'a> Define<'a> {
    /// `method` on the Graph path or URL `path`, against `catalog`.
    pub fn new(catalog: impl Into<Input<'a>>, method: Method, path: &'a str) -> Self {
        Self {
            catalog: catalog.into(),
            method,
            path,
            body: None,
            actor: None,
            policy: None,
        }
    }
    document!(
        /// The request body, for `POST` and `PATCH` (`--body`).
        'a, body
    );
    document!(
        /// The caller's role assignments and permissions (`--actor`).
        'a, actor
    );
    document!(
        /// The policy knobs (`--policy`).
        'a, policy
    );

    /// Reads the policy, the catalog and the actor, then decides the request.
    pub fn run(&self) -> Result<DefineReport, InputError> {
        let policy = read_policy(self.policy)?;
        let catalog = read_catalog(self.catalog, &policy)?;
        let actor = read_actor(self.actor)?;
        let mut request = DefinitionRequest::new(self.method, self.path);
        if let Some(body) = self.body {
            request = request.with_body(body.bytes());
        }
        let outcome = catalog.define_with(&request, actor.as_ref(), &policy);
        Ok(DefineReport {
            outcome: located(
                outcome,
                &[
                    (Document::Definition, self.body),
                    (Document::Catalog, Some(self.catalog)),
                ],
            ),
        })
    }
}

/// What `csa define` prints with `--format json`: for a read, Graph's response body itself;
/// otherwise the outcome (`{"allowed", "authorization", "changes" | "violations",
/// "warnings"}`).
#[derive(Debug, Clone)]
#[must_use]
pub struct DefineReport {
    outcome: DefineOutcome,
}

impl DefineReport {
    /// The report of an outcome.
    pub fn of(outcome: DefineOutcome) -> Self {
        Self { outcome }
    }
    /// The outcome.
    pub fn outcome(&self) -> &DefineOutcome {
        &self.outcome
    }
    /// The outcome, by value (with the new catalog of an accepted write).
    pub fn into_outcome(self) -> DefineOutcome {
        self.outcome
    }
    /// The catalog after an accepted write.
    pub fn catalog(&self) -> Option<&Catalog> {
        self.outcome.catalog()
    }
    /// Whether Graph would accept the request.
    pub fn is_allowed(&self) -> bool {
        self.outcome.is_allowed()
    }
    /// What `--format graph` prints: the status, with the body Graph sends (a list or item
    /// read, a created item), or the first violation's refusal.
    pub fn graph_answer(&self) -> GraphAnswer<'_> {
        if let Some(v) = self.outcome.violations().first() {
            return GraphAnswer::refusal(v);
        }
        match self.outcome.response_body() {
            Some(body) => GraphAnswer::json(self.outcome.status(), body),
            None => GraphAnswer::empty(self.outcome.status()),
        }
    }
}

impl Verdict for DefineReport {
    fn violations(&self) -> &[Violation] {
        self.outcome.violations()
    }
    fn warnings(&self) -> &[Warning] {
        self.outcome.warnings()
    }
}

impl Serialize for DefineReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.outcome.response_body() {
            Some(body) if self.outcome.is_read() => body.serialize(s),
            _ => self.outcome.serialize(s),
        }
    }
}

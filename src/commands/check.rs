//! `csa check` and `csa plan`: a PATCH body (given, or planned from a desired state) decided
//! against a catalog, an object and an actor.

use serde::{Serialize, Serializer};

use super::{located, read_actor, read_catalog, read_object, read_policy, GraphAnswer, Input};
use crate::audit::AuditRecord;
use crate::auth::Actor;
use crate::engine::{Engine, Evaluation};
use crate::object::{Object, ObjectKind};
use crate::plan::PlanMode;
use crate::violation::{Document, InputError, Verdict, Violation, Warning};

/// The policy of a command that decides a PATCH, with `--allow-synced` on top.
fn read_policy_for_patches(
    policy: Option<Input<'_>>,
    allow_synced: bool,
) -> Result<crate::policy::Policy, InputError> {
    let mut policy = read_policy(policy)?;
    policy.allow_synced_objects |= allow_synced;
    Ok(policy)
}

/// `csa check`: a PATCH body against a catalog, the target object (by default a cloud-only
/// user with nothing assigned) and the caller (by default, authorization is not checked).
#[derive(Debug, Clone)]
#[must_use]
pub struct Check<'a> {
    catalog: Input<'a>,
    patch: Input<'a>,
    object: Option<Input<'a>>,
    actor: Option<Input<'a>>,
    policy: Option<Input<'a>>,
    object_type: Option<ObjectKind>,
    allow_synced: bool,
    audit: bool,
}

impl<'a> Check<'a> {
    /// The PATCH body `patch` against `catalog`.
    pub fn new(catalog: impl Into<Input<'a>>, patch: impl Into<Input<'a>>) -> Self {
        Self {
            catalog: catalog.into(),
            patch: patch.into(),
            object: None,
            actor: None,
            policy: None,
            object_type: None,
            allow_synced: false,
            audit: false,
        }
    }
    document!(
        /// The target object as Graph returns it (`--object`).
        'a, object
    );
    document!(
        /// The caller's role assignments and permissions (`--actor`).
        'a, actor
    );
    document!(
        /// The policy knobs (`--policy`).
        'a, policy
    );
    /// The object's kind, over its `@odata.type` (`--object-type`).
    pub fn object_type(mut self, kind: ObjectKind) -> Self {
        self.object_type = Some(kind);
        self
    }
    flag!(
        /// Accept directory-synced objects, on top of the policy (`--allow-synced`).
        allow_synced
    );
    flag!(
        /// Add the audit record of an accepted request (`--audit`).
        audit
    );

    /// Reads the policy, the catalog, the object and the actor, then evaluates the body.
    pub fn run(&self) -> Result<CheckReport, InputError> {
        let policy = read_policy_for_patches(self.policy, self.allow_synced)?;
        let catalog = read_catalog(self.catalog, &policy)?;
        let mut object = match self.object {
            Some(o) => read_object(o)?,
            None => Object::default(),
        };
        if let Some(kind) = &self.object_type {
            object = object.with_kind(kind.clone());
        }
        let actor = read_actor(self.actor)?;
        let engine = Engine::new(catalog, policy);
        let evaluation = engine.evaluate(&object, actor.as_ref(), self.patch.bytes());
        let evaluation = located(
            evaluation,
            &[
                (Document::Body, Some(self.patch)),
                (Document::Object, self.object),
            ],
        );
        Ok(CheckReport::new(
            &engine,
            &object,
            actor.as_ref(),
            evaluation,
            self.audit,
        ))
    }
}

/// `csa plan`: the minimal PATCH from an object's current state to a desired state, decided
/// like any PATCH ([`Engine::plan`]).
#[derive(Debug, Clone)]
#[must_use]
pub struct Plan<'a> {
    catalog: Input<'a>,
    object: Input<'a>,
    desired: Input<'a>,
    actor: Option<Input<'a>>,
    policy: Option<Input<'a>>,
    allow_synced: bool,
    exclusive: bool,
    audit: bool,
}

impl<'a> Plan<'a> {
    /// From `object`'s current state to `desired` (Graph's response form: the
    /// `customSecurityAttributes` wrapper, the object, or the sets map).
    pub fn new(
        catalog: impl Into<Input<'a>>,
        object: impl Into<Input<'a>>,
        desired: impl Into<Input<'a>>,
    ) -> Self {
        Self {
            catalog: catalog.into(),
            object: object.into(),
            desired: desired.into(),
            actor: None,
            policy: None,
            allow_synced: false,
            exclusive: false,
            audit: false,
        }
    }
    document!(
        /// The caller's role assignments and permissions (`--actor`).
        'a, actor
    );
    document!(
        /// The policy knobs (`--policy`).
        'a, policy
    );
    flag!(
        /// Accept directory-synced objects, on top of the policy (`--allow-synced`).
        allow_synced
    );
    flag!(
        /// Also remove every readable defined attribute the desired state does not hold, in sets it
        /// does not name (`--exclusive`).
        exclusive
    );
    flag!(
        /// Add the audit record of an accepted plan (`--audit`).
        audit
    );

    /// Reads the policy, the catalog, the actor and the object, then plans.
    pub fn run(&self) -> Result<CheckReport, InputError> {
        let policy = read_policy_for_patches(self.policy, self.allow_synced)?;
        let catalog = read_catalog(self.catalog, &policy)?;
        let actor = read_actor(self.actor)?;
        let object = read_object(self.object)?;
        let engine = Engine::new(catalog, policy);
        let mode = if self.exclusive {
            PlanMode::Exclusive
        } else {
            PlanMode::Managed
        };
        let evaluation = engine.plan(&object, actor.as_ref(), self.desired.bytes(), mode);
        let evaluation = located(
            evaluation,
            &[
                (Document::Desired, Some(self.desired)),
                (Document::Object, Some(self.object)),
            ],
        );
        Ok(CheckReport::new(
            &engine,
            &object,
            actor.as_ref(),
            evaluation,
            self.audit,
        ))
    }
}

/// What `csa check` and `csa plan` print with `--format json`: the evaluation
/// (`{"allowed", "authorization", "changes", "warnings", "customSecurityAttributes",
/// "request"}` or `{"allowed": false, "authorization", "violations", "warnings"}`), with the
/// `audit` record when one was asked for and the request was accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct CheckReport {
    evaluation: Evaluation,
    audit: Option<AuditRecord>,
}

impl CheckReport {
    /// The report of `evaluation`, made on `engine` for `object` as `actor`, with its audit
    /// record when `audit` is asked for (and the request accepted).
    pub fn new(
        engine: &Engine,
        object: &Object,
        actor: Option<&Actor>,
        evaluation: Evaluation,
        audit: bool,
    ) -> Self {
        let audit = if audit {
            evaluation.audit(object, actor, engine.policy())
        } else {
            None
        };
        Self { evaluation, audit }
    }

    /// The report of an evaluation alone (no audit record).
    pub fn of(evaluation: Evaluation) -> Self {
        Self {
            evaluation,
            audit: None,
        }
    }

    /// The evaluation.
    pub fn evaluation(&self) -> &Evaluation {
        &self.evaluation
    }

    /// The audit record, when one was asked for and the request was accepted.
    pub fn audit(&self) -> Option<&AuditRecord> {
        self.audit.as_ref()
    }

    /// Whether the request is accepted.
    pub fn is_allowed(&self) -> bool {
        self.evaluation.is_allowed()
    }

    /// What `--format graph` prints: Graph's `204 No Content`, or the first violation's status
    /// and Graph's error body.
    pub fn graph_answer(&self) -> GraphAnswer<'_> {
        GraphAnswer::of_evaluation(&self.evaluation)
    }
}

impl Verdict for CheckReport {
    fn violations(&self) -> &[Violation] {
        self.evaluation.violations()
    }
    fn warnings(&self) -> &[Warning] {
        self.evaluation.warnings()
    }
}

impl Serialize for CheckReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct WithAudit<'a> {
            #[serde(flatten)]
            evaluation: &'a Evaluation,
            #[serde(skip_serializing_if = "Option::is_none")]
            audit: Option<&'a AuditRecord>,
        }
        match &self.audit {
            None => self.evaluation.serialize(s),
            Some(audit) => WithAudit {
                evaluation: &self.evaluation,
                audit: Some(audit),
            }
            .serialize(s),
        }
    }
}

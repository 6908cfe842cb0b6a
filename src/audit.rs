//! Audit records: for each accepted request, which object changed, who acted and
//! what changed, with the values of the policy's `redactSets` masked (docs/RULES.md, Policy knobs),
//! so that the record can go to a log that must not hold those values.
//!
//! ```json
//! {"object": {"id": "u1", "kind": "user"},
//!  "actor": {"scopes": [{"role": "Attribute Assignment Administrator", "scope": "/attributeSets/Engineering"},
//!                       {"appPermission": "CustomSecAttributeAssignment.ReadWrite.All"}]},
//!  "changes": [{"op": "replace", "attribute": "Engineering_Project", "attributeSet": "Engineering",
//!               "name": "Project", "before": ["Alpine"], "after": ["Alpine", "Baker"]}]}
//! ```

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::auth::{Actor, Scope};
use crate::diff::Change;
use crate::engine::Evaluation;
use crate::object::{Object, ObjectKind};
use crate::policy::{Policy, REDACTED};
use crate::text::Text;
use crate::value::Value;

/// What one accepted request did, for an audit log: the object, the actor's grants and the
/// changes (docs/RULES.md, Output documents: changes), with the values of redacted sets masked.
///
/// Serialises as `{"object": {"id", "kind"}, "actor": {"scopes": [...]}, "changes": [...]}`;
/// `"id"` is `null` when the object document has none, `"actor"` is `null` when no actor was
/// given (validity was checked, not authorization). An accepted request that changes nothing
/// still has a record, with `"changes": []`: it was accepted, and an audit log says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    object_id: Option<String>,
    object_kind: ObjectKind,
    actor: Option<Vec<ActorScope>>,
    changes: Vec<AuditChange>,
}

/// One grant of the actor, as the audit record lists it: every role assignment (in the actor's
/// order) then every app permission, as the actor document gives them, including assignments
/// that grant nothing here. A log reader sees whose rights were used, not csa's compiled view.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ActorScope {
    /// `{"role": ..., "scope": ...}`: a role assignment. `role` is the `roleDefinitionId` as
    /// given (template id, custom role id or display name); `scope` its `directoryScopeId`
    /// (`/`, `/attributeSets/{Set}`, or any other scope as given).
    Role {
        /// The role as the actor document names it.
        role: String,
        /// Where the assignment applies.
        scope: String,
    },
    /// `{"appPermission": ...}`: an application permission (always tenant-wide).
    AppPermission(String),
}

impl Serialize for ActorScope {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ActorScope::Role { role, scope } => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("role", role)?;
                m.serialize_entry("scope", scope)?;
                m.end()
            }
            ActorScope::AppPermission(p) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("appPermission", p)?;
                m.end()
            }
        }
    }
}

/// A value as the audit record writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuditValue {
    /// A value of a set that is not redacted, written as it is.
    Value(Value),
    /// A single value of a redacted set, written as [`REDACTED`].
    Masked,
    /// A collection of a redacted set, written as one [`REDACTED`] per element: the count stays
    /// (it matters for the 50-value limit) while the values do not.
    MaskedCollection(usize),
}

impl AuditValue {
    fn of(v: &Value, redacted: bool) -> AuditValue {
        match (redacted, v) {
            (false, v) => AuditValue::Value(v.clone()),
            (true, v) if v.is_collection() => AuditValue::MaskedCollection(v.count()),
            (true, _) => AuditValue::Masked,
        }
    }
}

impl Serialize for AuditValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            AuditValue::Value(v) => v.serialize(s),
            AuditValue::Masked => s.serialize_str(REDACTED),
            AuditValue::MaskedCollection(n) => {
                let mut seq = s.serialize_seq(Some(*n))?;
                for _ in 0..*n {
                    seq.serialize_element(REDACTED)?;
                }
                seq.end()
            }
        }
    }
}

/// One change as the audit record writes it: a [`Change`] whose values may be masked.
pub type AuditChange = Change<AuditValue>;

impl AuditRecord {
    /// The record of `changes` made to `object` by `actor` (`None`: no actor given), with the
    /// values of `policy`'s redacted sets masked. For changes that did not come from an
    /// [`Evaluation`] (an applied plan, say); [`Evaluation::audit`] is the usual way.
    pub fn new(
        object: &Object,
        actor: Option<&Actor>,
        changes: &[Change],
        policy: &Policy,
    ) -> AuditRecord {
        let changes = changes
            .iter()
            .map(|c| {
                let redacted = policy.is_redacted(c.attribute_set());
                AuditChange {
                    op: c.op(),
                    attribute_set: Text::new(c.attribute_set()),
                    name: Text::new(c.name()),
                    before: c.before().map(|v| AuditValue::of(v, redacted)),
                    after: c.after().map(|v| AuditValue::of(v, redacted)),
                }
            })
            .collect();
        AuditRecord {
            object_id: object.id().map(str::to_owned),
            object_kind: object.kind().clone(),
            actor: actor.map(actor_scopes),
            changes,
        }
    }

    /// The object's id, when its document has one.
    pub fn object_id(&self) -> Option<&str> {
        self.object_id.as_deref()
    }
    /// The object's kind.
    pub fn object_kind(&self) -> &ObjectKind {
        &self.object_kind
    }
    /// The actor's grants; `None` when no actor was given.
    pub fn actor_scopes(&self) -> Option<&[ActorScope]> {
        self.actor.as_deref()
    }
    /// The changes, in the order the request made them.
    pub fn changes(&self) -> &[AuditChange] {
        &self.changes
    }
    /// As a `serde_json::Value`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

fn actor_scopes(actor: &Actor) -> Vec<ActorScope> {
    let roles = actor.role_assignments().iter().map(|ra| ActorScope::Role {
        role: ra.role_definition_id().to_owned(),
        scope: match ra.scope() {
            Scope::Tenant => "/".to_owned(),
            Scope::AttributeSet(set) => format!("/attributeSets/{set}"),
            Scope::Other(s) => s.clone(),
        },
    });
    let apps = actor
        .app_permissions()
        .iter()
        .map(|p| ActorScope::AppPermission(p.clone()));
    roles.chain(apps).collect()
}

impl Serialize for AuditRecord {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct ObjectRef<'a>(&'a AuditRecord);
        impl Serialize for ObjectRef<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("id", &self.0.object_id)?;
                m.serialize_entry("kind", self.0.object_kind.as_str())?;
                m.end()
            }
        }
        struct ActorRef<'a>(&'a [ActorScope]);
        impl Serialize for ActorRef<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("scopes", self.0)?;
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("object", &ObjectRef(self))?;
        m.serialize_entry("actor", &self.actor.as_deref().map(ActorRef))?;
        m.serialize_entry("changes", &self.changes)?;
        m.end()
    }
}

impl Evaluation {
    /// The audit record of this request, `None` when it was refused (nothing happened, so
    /// there is nothing to record). `object` and `actor` are those the request was evaluated
    /// with; `policy` decides which sets are masked (normally the engine's, [`Engine::policy`]).
    ///
    /// [`Engine::policy`]: crate::Engine::policy
    pub fn audit(
        &self,
        object: &Object,
        actor: Option<&Actor>,
        policy: &Policy,
    ) -> Option<AuditRecord> {
        let diff = self.diff()?;
        Some(AuditRecord::new(object, actor, diff.changes(), policy))
    }
}

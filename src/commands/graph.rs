//! What Microsoft Graph would answer: a status and, where Graph sends one, a body.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::engine::Evaluation;
use crate::object::ObjectKind;
use crate::query::QueryOutcome;
use crate::value::{ResponseForm, State};
use crate::violation::Violation;

/// Graph's answer to a request, as `csa ... --format graph` prints it:
/// `{"status": 204}` or `{"status": 400, "body": {"error": {"code", "message"}}}`.
///
/// The body keeps Graph's key order; [`GraphAnswer::body_json`] gives it as a
/// `serde_json::Value`, [`GraphAnswer::body_bytes`] as the bytes Graph would send.
#[derive(Debug, Clone)]
#[must_use]
pub struct GraphAnswer<'a> {
    status: u16,
    body: Body<'a>,
}

#[derive(Debug, Clone)]
enum Body<'a> {
    /// No content (`204`, or a refusal that says nothing, which csa never gives).
    None,
    /// `{"error": {"code", "message"}}` for a violation.
    Error(&'a Violation),
    /// `GET .../{id}?$select=customSecurityAttributes`.
    View { context: String, state: &'a State },
    /// A list query's answer.
    Query(&'a QueryOutcome),
    /// A body Graph gives as it is (definition reads and creations).
    Json(&'a serde_json::Value),
}

impl<'a> GraphAnswer<'a> {
    /// The answer to a PATCH: `204`, or the first violation's refusal.
    pub fn of_evaluation(evaluation: &'a Evaluation) -> Self {
        match evaluation.violations().first() {
            None if evaluation.is_allowed() => Self::empty(204),
            None => Self::empty(400),
            Some(v) => Self::refusal(v),
        }
    }

    /// Graph's refusal for a violation: its status and error body.
    pub fn refusal(violation: &'a Violation) -> Self {
        Self {
            status: violation.status(),
            body: Body::Error(violation),
        }
    }

    /// A status with no body.
    pub(crate) fn empty(status: u16) -> Self {
        Self {
            status,
            body: Body::None,
        }
    }

    /// `200` with a JSON body as it is.
    pub(crate) fn json(status: u16, body: &'a serde_json::Value) -> Self {
        Self {
            status,
            body: Body::Json(body),
        }
    }

    /// `200` with the `$select=customSecurityAttributes` body of an object of `kind`.
    pub(crate) fn view(kind: &ObjectKind, state: &'a State) -> Self {
        Self {
            status: 200,
            body: Body::View {
                context: format!(
                    "https://graph.microsoft.com/v1.0/$metadata#{}(customSecurityAttributes)/$entity",
                    entity_set(kind)
                ),
                state,
            },
        }
    }

    /// The answer to a list query: `200` with the listing, or the first violation's refusal.
    pub(crate) fn query(outcome: &'a QueryOutcome) -> Self {
        match outcome.violations().first() {
            Some(v) => Self::refusal(v),
            None => Self {
                status: 200,
                body: Body::Query(outcome),
            },
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether Graph sends a body.
    pub fn has_body(&self) -> bool {
        !matches!(self.body, Body::None)
    }

    /// The body as Graph sends it (keys in Graph's order), or `None` for no content.
    pub fn body_bytes(&self) -> Option<Vec<u8>> {
        self.has_body()
            .then(|| serde_json::to_vec(&BodyRef(&self.body)).unwrap_or_default())
    }

    /// The body as a `serde_json::Value` (whose maps sort their keys), or `None`.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        self.has_body()
            .then(|| serde_json::to_value(BodyRef(&self.body)).unwrap_or_default())
    }
}

/// The Graph entity set of a kind: `users`, `servicePrincipals`, ...
pub(crate) fn entity_set(kind: &ObjectKind) -> String {
    match kind {
        ObjectKind::User => "users".to_owned(),
        ObjectKind::ServicePrincipal => "servicePrincipals".to_owned(),
        ObjectKind::Device => "devices".to_owned(),
        ObjectKind::ManagedIdentity => "managedIdentities".to_owned(),
        other => format!("{}s", other.as_str()),
    }
}

impl Serialize for GraphAnswer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("status", &self.status)?;
        if self.has_body() {
            m.serialize_entry("body", &BodyRef(&self.body))?;
        }
        m.end()
    }
}

struct BodyRef<'b, 'a>(&'b Body<'a>);

impl Serialize for BodyRef<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Body::None => s.serialize_unit(),
            Body::Error(v) => {
                struct Error<'v>(&'v Violation);
                impl Serialize for Error<'_> {
                    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                        let mut m = s.serialize_map(Some(2))?;
                        m.serialize_entry("code", self.0.graph_error())?;
                        m.serialize_entry("message", self.0.graph_message())?;
                        m.end()
                    }
                }
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("error", &Error(v))?;
                m.end()
            }
            Body::View { context, state } => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("@odata.context", context)?;
                m.serialize_entry("customSecurityAttributes", &ResponseForm(state))?;
                m.end()
            }
            Body::Query(outcome) => outcome.serialize(s),
            Body::Json(body) => body.serialize(s),
        }
    }
}

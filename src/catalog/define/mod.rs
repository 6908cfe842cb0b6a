//! Definition requests (docs/RULES.md, Definition requests and catalog evolution, and What each
//! request needs): Graph's own requests on attribute sets, definitions and allowed values, decided
//! as Graph would decide them.
//!
//! A request never changes the catalog it is given. An accepted write returns a new catalog and
//! the changes it made, which are computed by [`Catalog::evolve`], so a request and a catalog diff
//! can never disagree about what changed.
//!
//! This file owns the request ([`Method`], [`DefinitionRequest`]), the answer
//! ([`DefineOutcome`]) and [`Catalog::define`], which reads the path (see `catalog::path`;
//! `unsupported_request` for what Graph does not offer) and hands the request to the file that
//! decides it:
//!
//! - [`read`]: `GET` of lists and items;
//! - [`set`], [`definition`], [`value`]: `POST` and `PATCH` of each kind of item;
//! - [`delete`]: `DELETE`, always refused (`deleted`);
//!
//! with the steps they share: [`access`] (who may do what, finding the item: `not_found`,
//! `permission_denied`), [`body`] (reading the body; `immutable_changed` in updates) and
//! [`commit`] (the new catalog through the cross-item rules, and its changes).

mod access;
mod body;
mod commit;
mod definition;
mod delete;
mod read;
mod set;
mod value;

use std::fmt;
use std::str::FromStr;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value as Json;

use super::evolve::DefinitionChange;
use super::path::{parse_path, Target};
use super::Catalog;
use crate::auth::Actor;
use crate::policy::Policy;
use crate::reader::Diag;
use crate::violation::{
    sort_violations, sort_warnings, Authorization, Code, Document, Verdict, Violation, Warning,
};

/// The HTTP method of a definition request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET`: read a list or an item.
    Get,
    /// `POST`: create an item.
    Post,
    /// `PATCH`: update an item.
    Patch,
    /// `PUT`: not offered by Graph for these resources.
    Put,
    /// `DELETE`: not offered by Entra for these resources (they are deactivated instead).
    Delete,
}

impl Method {
    /// The method as written in HTTP (`GET`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A method name that is not `GET`, `POST`, `PATCH`, `PUT` or `DELETE`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a method csa knows: use GET, POST, PATCH, PUT or DELETE")]
pub struct UnknownMethod(String);

impl FromStr for Method {
    type Err = UnknownMethod;

    /// Reads a method name, in any letter case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            Method::Get,
            Method::Post,
            Method::Patch,
            Method::Put,
            Method::Delete,
        ]
        .into_iter()
        .find(|m| m.as_str().eq_ignore_ascii_case(s))
        .ok_or_else(|| UnknownMethod(s.to_owned()))
    }
}

/// One definition request: a method, a Graph path and, for writes, the JSON body.
///
/// Paths may be relative (`/directory/attributeSets/Engineering`) or full Graph URLs
/// (`https://graph.microsoft.com/v1.0/...` or `/beta/...`); segments are percent-decoded, and
/// Graph's key syntax (`attributeSets('Engineering')`) is read too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct DefinitionRequest<'a> {
    method: Method,
    path: &'a str,
    body: Option<&'a [u8]>,
}

impl<'a> DefinitionRequest<'a> {
    /// A request without a body.
    pub fn new(method: Method, path: &'a str) -> Self {
        Self {
            method,
            path,
            body: None,
        }
    }

    /// The same request with a JSON body (the bytes as sent).
    pub fn with_body(self, body: &'a [u8]) -> Self {
        Self {
            body: Some(body),
            ..self
        }
    }

    /// The method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The path, as given.
    pub fn path(&self) -> &'a str {
        self.path
    }

    /// The body, if any.
    pub fn body(&self) -> Option<&'a [u8]> {
        self.body
    }
}

/// What a definition request gave: a read, an accepted write with its new catalog and changes,
/// or every violation (and then nothing was written).
#[derive(Debug, Clone)]
#[must_use]
pub struct DefineOutcome {
    authorization: Authorization,
    warnings: Vec<Warning>,
    answer: Answer,
}

#[derive(Debug, Clone)]
enum Answer {
    Read(Json),
    Written {
        status: u16,
        entity: Option<Json>,
        catalog: Box<Catalog>,
        changes: Vec<DefinitionChange>,
    },
    Refused(Vec<Violation>),
}

impl crate::violation::Parts for DefineOutcome {
    fn parts_mut(&mut self) -> (&mut [Violation], &mut [Warning]) {
        let violations: &mut [Violation] = match &mut self.answer {
            Answer::Refused(v) => v,
            _ => &mut [],
        };
        (violations, &mut self.warnings)
    }
}

impl DefineOutcome {
    /// Whether Graph would accept the request.
    pub fn is_allowed(&self) -> bool {
        !matches!(self.answer, Answer::Refused(_))
    }

    /// Whether the actor's permissions were evaluated.
    pub fn authorization(&self) -> Authorization {
        self.authorization
    }

    /// Warnings (also for accepted requests).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Every violation of a refused request (empty when accepted).
    pub fn violations(&self) -> &[Violation] {
        match &self.answer {
            Answer::Refused(v) => v,
            _ => &[],
        }
    }

    /// The HTTP status Graph answers with: 200 for a read, 201 for a creation, 204 for an
    /// update, or the first violation's status.
    pub fn status(&self) -> u16 {
        match &self.answer {
            Answer::Read(_) => 200,
            Answer::Written { status, .. } => *status,
            Answer::Refused(v) => v.first().map_or(400, Violation::status),
        }
    }

    /// The body Graph answers with on success: the list or item read, or the created item.
    /// `None` for an update (204 No Content) and for a refusal.
    pub fn response_body(&self) -> Option<&Json> {
        match &self.answer {
            Answer::Read(body) => Some(body),
            Answer::Written { entity, .. } => entity.as_ref(),
            Answer::Refused(_) => None,
        }
    }

    /// Whether this was a read (`GET`).
    pub fn is_read(&self) -> bool {
        matches!(self.answer, Answer::Read(_))
    }

    /// The catalog after an accepted write.
    pub fn catalog(&self) -> Option<&Catalog> {
        match &self.answer {
            Answer::Written { catalog, .. } => Some(catalog),
            _ => None,
        }
    }

    /// The catalog after an accepted write, by value.
    pub fn into_catalog(self) -> Option<Catalog> {
        match self.answer {
            Answer::Written { catalog, .. } => Some(*catalog),
            _ => None,
        }
    }

    /// What an accepted write changed (docs/RULES.md, Output documents: a change, definitions
    /// form); empty for reads, refusals and writes that change nothing.
    pub fn changes(&self) -> &[DefinitionChange] {
        match &self.answer {
            Answer::Written { changes, .. } => changes,
            _ => &[],
        }
    }
}

impl Verdict for DefineOutcome {
    fn violations(&self) -> &[Violation] {
        DefineOutcome::violations(self)
    }
    fn warnings(&self) -> &[Warning] {
        DefineOutcome::warnings(self)
    }
}

impl Serialize for DefineOutcome {
    /// `{"allowed": true, "authorization", "changes", "warnings"}` for a write,
    /// `{"allowed": true, "authorization", "body", "warnings"}` for a read,
    /// `{"allowed": false, "authorization", "violations", "warnings"}` for a refusal.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("allowed", &self.is_allowed())?;
        m.serialize_entry("authorization", &self.authorization)?;
        match &self.answer {
            Answer::Read(body) => m.serialize_entry("body", body)?,
            Answer::Written { changes, .. } => m.serialize_entry("changes", changes)?,
            Answer::Refused(v) => m.serialize_entry("violations", v)?,
        }
        m.serialize_entry("warnings", &self.warnings)?;
        m.end()
    }
}

impl Catalog {
    /// Decides a definition request with the default policy (see [`Catalog::define_with`]).
    pub fn define(&self, request: &DefinitionRequest<'_>, actor: Option<&Actor>) -> DefineOutcome {
        self.define_with(request, actor, &Policy::default())
    }

    /// Decides a definition request as Graph would (docs/RULES.md, Definition requests and catalog
    /// evolution): a read gives Graph's response body, restricted to what `actor` may read; an
    /// accepted write gives the new catalog and its changes; a refusal gives every violation.
    /// Without an actor, permissions are not evaluated. Bodies over `policy.max_body_bytes` are
    /// refused.
    pub fn define_with(
        &self,
        request: &DefinitionRequest<'_>,
        actor: Option<&Actor>,
        policy: &Policy,
    ) -> DefineOutcome {
        let mut cx = Define {
            catalog: self,
            actor,
            policy,
            d: Diag::for_doc(Document::Definition),
        };
        let answer = cx.run(request);
        let mut warnings = cx.d.warnings;
        if let Some(a) = actor {
            warnings.extend(a.warnings().iter().cloned());
        }
        let answer = match answer {
            Answer::Refused(mut v) => {
                sort_violations(&mut v);
                Answer::Refused(v)
            }
            other => other,
        };
        sort_warnings(&mut warnings);
        DefineOutcome {
            authorization: if actor.is_some() {
                Authorization::Checked
            } else {
                Authorization::NotChecked
            },
            warnings,
            answer,
        }
    }
}

/// One request being decided.
struct Define<'c> {
    catalog: &'c Catalog,
    actor: Option<&'c Actor>,
    policy: &'c Policy,
    d: Diag,
}

/// What a lookup or a permission check gives: the item's position, or the one violation that
/// refuses the request.
type Found<T> = Result<T, Box<Violation>>;

impl Define<'_> {
    fn run(&mut self, req: &DefinitionRequest<'_>) -> Answer {
        let target = match parse_path(req.path) {
            Ok(t) => t,
            Err(reason) => return Answer::Refused(vec![unsupported(req, &reason)]),
        };
        let result = match (req.method, &target) {
            (Method::Get, t) => self.read(t),
            (Method::Post, Target::Sets) => self.create_set(req.body),
            (Method::Patch, Target::Set(id)) => self.update_set(id, req.body),
            (Method::Post, Target::Definitions) => self.create_definition(req.body),
            (Method::Patch, Target::Definition(id)) => self.update_definition(id, req.body),
            (Method::Post, Target::Values(id)) => self.create_value(id, req.body),
            (Method::Patch, Target::Value(id, v)) => self.update_value(id, v, req.body),
            (Method::Delete, t @ (Target::Set(_) | Target::Definition(_) | Target::Value(..))) => {
                self.delete(t)
            }
            _ => Err(vec![unsupported(
                req,
                "Graph does not offer this method on this path",
            )]),
        };
        match result {
            Ok(answer) => answer,
            Err(mut v) => {
                // Violations found while reading the body come first in `d`.
                let mut all = std::mem::take(&mut self.d.violations);
                all.append(&mut v);
                Answer::Refused(all)
            }
        }
    }
}

/// The violation of a [`Found`] as the list a refusal carries.
#[allow(clippy::boxed_local, reason = "takes the error as `Found` carries it")]
fn one(v: Box<Violation>) -> Vec<Violation> {
    vec![*v]
}

/// `unsupported_request`: a path that names nothing here, or a method Graph does not offer on it.
fn unsupported(req: &DefinitionRequest<'_>, reason: &str) -> Violation {
    Violation::new(
        Code::UnsupportedRequest,
        "",
        format!("`{} {}`: {reason}", req.method, req.path),
    )
    .with_hint("Graph offers GET on sets, definitions and allowed values; POST to `/directory/attributeSets`, `/directory/customSecurityAttributeDefinitions` and `.../{id}/allowedValues`; PATCH on one set, definition or allowed value")
    .in_doc(Document::Definition)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods() {
        assert_eq!("patch".parse::<Method>(), Ok(Method::Patch));
        assert_eq!("DELETE".parse::<Method>(), Ok(Method::Delete));
        assert!("HEAD".parse::<Method>().is_err());
    }
}

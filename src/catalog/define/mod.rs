//! Definition requests (RULES.md §2.1 and §4 "Definitions"): Graph's own requests on attribute
//! sets, definitions and allowed values, decided as Graph would decide them.
//!
//! A request never changes the catalog it is given. An accepted write returns a new catalog and
//! the changes it made, which are computed by [`Catalog::evolve`], so a request and a catalog diff
//! can never disagree about what changed.

use std::fmt;
use std::str::FromStr;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value as Json};

use super::evolve::DefinitionChange;
use super::model::{to_json, AttributeDefinition, AttributeSet, Status};
use super::parse::{
    parse_allowed_value, parse_definition, parse_max_attributes, parse_set, parse_status,
};
use super::path::{
    entity_context, list_context, parse_path, values_context, Target, DEFINITIONS, SETS, VALUES,
};
use super::validate::{set_hint, validate_catalog};
use super::Catalog;
use crate::auth::{Actions, Actor};
use crate::json::Node;
use crate::limits::MAX_ALLOWED_VALUES;
use crate::policy::Policy;
use crate::reader::{Diag, Props};
use crate::violation::{
    sort_violations, sort_warnings, Authorization, Code, Document, Pointer, Verdict, Violation,
    Warning,
};

const SETS_ALL_TASKS: &str = "microsoft.directory/attributeSets/allProperties/allTasks";
const DEFS_ALL_TASKS: &str =
    "microsoft.directory/customSecurityAttributeDefinitions/allProperties/allTasks";
const SETS_READ: &str = "microsoft.directory/attributeSets/allProperties/read";
const DEFS_READ: &str = "microsoft.directory/customSecurityAttributeDefinitions/allProperties/read";

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

    /// What an accepted write changed (RULES.md §9 "change", definitions form); empty for
    /// reads, refusals and writes that change nothing.
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

    /// Decides a definition request as Graph would (RULES.md §2.1): a read gives Graph's
    /// response body, restricted to what `actor` may read; an accepted write gives the new
    /// catalog and its changes; a refusal gives every violation. Without an actor, permissions
    /// are not evaluated. Bodies over `policy.max_body_bytes` are refused.
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

/// A located definition: its index in the catalog.
type Found<T> = Result<T, Box<Violation>>;

impl<'c> Define<'c> {
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

    // -- reads -----------------------------------------------------------------------------

    fn read(&mut self, target: &Target) -> Result<Answer, Vec<Violation>> {
        let c = self.catalog;
        let body = match target {
            Target::Sets => {
                self.require_any(Actions::SETS_READ, SETS_READ)?;
                let value = c
                    .sets
                    .iter()
                    .filter(|s| self.reads_set(s.id()))
                    .map(to_json)
                    .collect();
                list(list_context(SETS), value)
            }
            Target::Set(id) => {
                let i = self.find_set(id).map_err(one)?;
                entity(entity_context(SETS), c.sets.get(i))
            }
            Target::Definitions => {
                self.require_any(Actions::DEFS_READ, DEFS_READ)?;
                let value = c
                    .definitions
                    .iter()
                    .filter(|d| self.reads_definitions(d.attribute_set()))
                    .map(definition_json)
                    .collect();
                list(list_context(DEFINITIONS), value)
            }
            Target::Definition(id) => {
                let i = self.find_definition(id).map_err(one)?;
                let body = c.definitions.get(i).map(definition_json);
                with_context(body.unwrap_or(Json::Null), entity_context(DEFINITIONS))
            }
            Target::Values(id) => {
                let i = self.find_definition(id).map_err(one)?;
                let def = c.definitions.get(i);
                let value = def
                    .map(|d| d.allowed_values.iter().map(to_json).collect())
                    .unwrap_or_default();
                list(values_context(def.map_or("", |d| d.id()), ""), value)
            }
            Target::Value(id, vid) => {
                let (i, j) = self.find_value(id, vid).map_err(one)?;
                let def = c.definitions.get(i);
                entity(
                    values_context(def.map_or("", |d| d.id()), "/$entity"),
                    def.and_then(|d| d.allowed_values.get(j)),
                )
            }
        };
        Ok(Answer::Read(body))
    }

    // -- writes ----------------------------------------------------------------------------

    fn create_set(&mut self, body: Option<&[u8]>) -> Result<Answer, Vec<Violation>> {
        self.require_manage_sets().map_err(one)?;
        let root = self.body(body)?;
        let set = parse_set(&root, &Pointer::root(), &mut self.d);
        let set = self.ok(set)?;
        let entity_body = to_json(&set);
        let mut sets = self.catalog.sets.clone();
        sets.push(set);
        let last = sets.len().checked_sub(1);
        let catalog = self.commit(sets, self.catalog.definitions.clone(), last, None)?;
        Ok(self.written(
            201,
            Some(with_context(entity_body, entity_context(SETS))),
            catalog,
        ))
    }

    fn update_set(&mut self, id: &str, body: Option<&[u8]>) -> Result<Answer, Vec<Violation>> {
        let i = self.find_set(id).map_err(one)?;
        self.require_manage_sets().map_err(one)?;
        let root = self.body(body)?;
        let p = self.props(&root, "an attribute set update")?;
        check_unknown_and_immutable(
            &p,
            (&["description", "maxAttributesPerSet"], &[]),
            &["id"],
            "an attribute set update",
            &mut self.d,
        );
        let mut set = self
            .catalog
            .sets
            .get(i)
            .cloned()
            .ok_or_else(|| vec![not_found_internal()])?;
        if p.get("description").is_some() {
            if let Ok(desc) = p.description(&mut self.d) {
                set.description = desc;
            }
        }
        if let Some(node) = p.get("maxAttributesPerSet") {
            if let Ok(max) = parse_max_attributes(&p, &mut self.d) {
                let active = self
                    .catalog
                    .definitions
                    .iter()
                    .filter(|d| d.status == Status::Available && d.attribute_set == set.id)
                    .count();
                match max {
                    Some(m) if usize::try_from(m).is_ok_and(|m| m < active) => {
                        self.d.push(
                            Violation::new(
                                Code::LimitExceeded,
                                "/maxAttributesPerSet",
                                format!(
                                    "`{}` has {active} active definitions, more than the {m} asked for",
                                    set.id
                                ),
                            )
                            .with_hint("deactivate definitions first, or choose a larger limit")
                            .span(node.start..node.end),
                        );
                    }
                    _ => set.max_attributes_per_set = max,
                }
            }
        }
        self.no_violations()?;
        let mut sets = self.catalog.sets.clone();
        if let Some(slot) = sets.get_mut(i) {
            *slot = set;
        }
        let catalog = self.commit(sets, self.catalog.definitions.clone(), None, None)?;
        Ok(self.written(204, None, catalog))
    }

    fn create_definition(&mut self, body: Option<&[u8]>) -> Result<Answer, Vec<Violation>> {
        if let Some(actor) = self.actor {
            if !actor.holds_anywhere(Actions::DEFS_ALL) {
                return Err(vec![denied(
                    format!("insufficient privileges to create definitions: missing `{DEFS_ALL_TASKS}`"),
                    "assign the Attribute Definition Administrator role at the tenant (`/`) or at the attribute set (`/attributeSets/{set}`)".to_owned(),
                )]);
            }
        }
        let root = self.body(body)?;
        let parsed = parse_definition(&root, &Pointer::root(), &mut self.d);
        // Authorization depends on the set the body names; for a set outside the actor's scope
        // nothing else is said (it may not even exist).
        if let (Some(actor), Some(set)) = (self.actor, root.get(SET_KEY).and_then(Node::as_str)) {
            if !actor.can_manage_definitions(set) {
                self.d.violations.clear();
                self.d.warnings.clear();
                return Err(vec![manage_denied(set)]);
            }
        }
        let def = self.ok(parsed)?;
        if self.catalog.set_position(def.attribute_set()).is_none() {
            let hint = set_hint(
                def.attribute_set(),
                self.catalog
                    .sets
                    .iter()
                    .map(AttributeSet::id)
                    .filter(|s| self.reads_set(s)),
            );
            let node = root.get(SET_KEY);
            let mut v = Violation::new(
                Code::UnknownAttributeSet,
                "/attributeSet",
                format!("the attribute set `{}` does not exist", def.attribute_set()),
            )
            .maybe_hint(hint.or_else(|| Some("create the attribute set first".to_owned())))
            .attr(def.id())
            .in_doc(Document::Definition);
            if let Some(n) = node {
                v = v.span(n.start..n.end);
            }
            return Err(vec![v]);
        }
        let mut defs = self.catalog.definitions.clone();
        defs.push(def);
        let last = defs.len().checked_sub(1);
        let catalog = self.commit(self.catalog.sets.clone(), defs, None, last)?;
        let created = last
            .and_then(|i| catalog.definitions.get(i))
            .map(definition_json)
            .map(|e| with_context(e, entity_context(DEFINITIONS)));
        Ok(self.written(201, created, catalog))
    }

    fn update_definition(
        &mut self,
        id: &str,
        body: Option<&[u8]>,
    ) -> Result<Answer, Vec<Violation>> {
        let i = self.find_definition(id).map_err(one)?;
        let mut def = self.editable(i)?;
        let root = self.body(body)?;
        let what = "a definition update";
        let p = self.props(&root, what)?;
        check_unknown_and_immutable(
            &p,
            (
                &[
                    "description",
                    "status",
                    "usePreDefinedValuesOnly",
                    "allowedValues@delta",
                ],
                &[VALUES],
            ),
            &[
                "id",
                SET_KEY,
                "name",
                "type",
                "isCollection",
                "isSearchable",
            ],
            what,
            &mut self.d,
        );
        if let Some(n) = p.get(VALUES) {
            self.d.push(
                Violation::new(
                    Code::InvalidProperty,
                    "/allowedValues",
                    "an update cannot replace `allowedValues`",
                )
                .with_hint("send `allowedValues@delta`: an entry with an existing id updates `isActive`, a new id adds a value")
                .span(n.start..n.end),
            );
        }
        if p.get("description").is_some() {
            if let Ok(desc) = p.description(&mut self.d) {
                def.description = desc;
            }
        }
        if let Some(n) = p.get("status") {
            if let Some(s) = p.string("status", n, &mut self.d) {
                match parse_status(s) {
                    Some(st) => def.status = st,
                    None => self.d.push(
                        Violation::new(
                            Code::InvalidStatus,
                            "/status",
                            format!("`{s}` is not a status; use `Available` or `Deprecated`"),
                        )
                        .span(n.start..n.end),
                    ),
                }
            }
        }
        if let Some(n) = p.get("usePreDefinedValuesOnly") {
            if let Some(b) = p.boolean("usePreDefinedValuesOnly", n, &mut self.d) {
                if b && !def.use_predefined_values_only {
                    self.d.push(
                        Violation::new(
                            Code::PredefinedOnlyEnabled,
                            "/usePreDefinedValuesOnly",
                            format!(
                                "`{}` accepts any value; it cannot be limited to predefined values after it is created",
                                def.id()
                            ),
                        )
                        .with_hint("create a new attribute with `usePreDefinedValuesOnly: true` and deactivate this one")
                        .span(n.start..n.end),
                    );
                } else {
                    def.use_predefined_values_only = b;
                }
            }
        }
        if let Some(n) = p.get("allowedValues@delta") {
            self.apply_delta(&mut def, n);
        }
        self.name_attribute(def.id());
        self.no_violations()?;
        self.write_definition(i, def, 204, None)
    }

    /// `allowedValues@delta`: an entry whose id exists updates `isActive`, a new id adds a value.
    fn apply_delta(&mut self, def: &mut AttributeDefinition, node: &Node<'_>) {
        let ptr = Pointer::root().key("allowedValues@delta");
        let Some(items) = node.as_array() else {
            self.d.push(
                Violation::new(
                    Code::InvalidProperty,
                    &ptr,
                    format!(
                        "`allowedValues@delta` must be an array, not {}",
                        node.kind_name()
                    ),
                )
                .span(node.start..node.end),
            );
            return;
        };
        let ty = Some(def.attribute_type());
        // Hashed: a delta may list any number of values (the limit is checked after).
        let mut seen: hashbrown::HashSet<String> = hashbrown::HashSet::new();
        let mut at: hashbrown::HashMap<String, usize> = (def.allowed_values.iter())
            .enumerate()
            .map(|(i, v)| (v.id.clone(), i))
            .collect();
        for (k, item) in items.iter().enumerate() {
            let ip = ptr.index(k);
            let Some(v) = parse_allowed_value(item, &ip, ty, &mut self.d) else {
                continue;
            };
            if seen.contains(&v.id) {
                self.d.push(
                    Violation::new(
                        Code::DuplicateName,
                        ip.key("id"),
                        format!("the allowed value `{}` is listed twice", v.id),
                    )
                    .with_hint("list each value once")
                    .span(item.start..item.end),
                );
                continue;
            }
            seen.insert(v.id.clone());
            match at.get(&v.id).and_then(|&i| def.allowed_values.get_mut(i)) {
                Some(existing) => existing.is_active = v.is_active,
                None => {
                    at.insert(v.id.clone(), def.allowed_values.len());
                    def.allowed_values.push(v);
                }
            }
        }
        if def.allowed_values.len() > MAX_ALLOWED_VALUES {
            self.d.push(
                Violation::new(
                    Code::TooManyAllowedValues,
                    &ptr,
                    format!(
                        "`{}` would have {} allowed values, more than {MAX_ALLOWED_VALUES}",
                        def.id(),
                        def.allowed_values.len()
                    ),
                )
                .with_hint("deactivated values count too; reuse an inactive value instead")
                .span(node.start..node.end),
            );
        }
    }

    fn create_value(&mut self, id: &str, body: Option<&[u8]>) -> Result<Answer, Vec<Violation>> {
        let i = self.find_definition(id).map_err(one)?;
        let mut def = self.editable(i)?;
        let root = self.body(body)?;
        let parsed = parse_allowed_value(
            &root,
            &Pointer::root(),
            Some(def.attribute_type()),
            &mut self.d,
        );
        self.name_attribute(def.id());
        let value = self.ok(parsed)?;
        if def.allowed_value(&value.id).is_some() {
            let mut v = Violation::new(
                Code::DuplicateName,
                "/id",
                format!(
                    "`{}` already has the allowed value `{}`",
                    def.id(),
                    value.id
                ),
            )
            .with_hint("to change whether it is active, PATCH the value instead")
            .attr(def.id())
            .in_doc(Document::Definition);
            if let Some(n) = root.get("id") {
                v = v.span(n.start..n.end);
            }
            return Err(vec![v]);
        }
        if def.allowed_values.len() >= MAX_ALLOWED_VALUES {
            return Err(vec![Violation::new(
                Code::TooManyAllowedValues,
                "",
                format!(
                    "`{}` already has {MAX_ALLOWED_VALUES} allowed values (active and inactive)",
                    def.id()
                ),
            )
            .with_hint("reactivate an inactive value instead of adding one")
            .attr(def.id())
            .in_doc(Document::Definition)]);
        }
        let created = entity(values_context(def.id(), "/$entity"), Some(&value));
        def.allowed_values.push(value);
        self.write_definition(i, def, 201, Some(created))
    }

    fn update_value(
        &mut self,
        id: &str,
        value_id: &str,
        body: Option<&[u8]>,
    ) -> Result<Answer, Vec<Violation>> {
        let (i, j) = self.find_value(id, value_id).map_err(one)?;
        let mut def = self.editable(i)?;
        let root = self.body(body)?;
        let what = "an allowed value update";
        let p = self.props(&root, what)?;
        check_unknown_and_immutable(&p, (&["isActive"], &[]), &["id"], what, &mut self.d);
        if let Some(n) = p.get("isActive") {
            let active = if n.is_null() {
                self.d.push(
                    Violation::new(
                        Code::InvalidProperty,
                        "/isActive",
                        "`isActive` cannot be null",
                    )
                    .span(n.start..n.end),
                );
                None
            } else {
                p.boolean("isActive", n, &mut self.d)
            };
            if let (Some(b), Some(v)) = (active, def.allowed_values.get_mut(j)) {
                v.is_active = b;
            }
        }
        self.name_attribute(def.id());
        self.no_violations()?;
        self.write_definition(i, def, 204, None)
    }

    fn delete(&mut self, target: &Target) -> Result<Answer, Vec<Violation>> {
        let (what, hint) = match target {
            Target::Set(id) => {
                self.find_set(id).map_err(one)?;
                (
                    format!("the attribute set `{id}`"),
                    "attribute sets cannot be deleted or renamed; leave it unused".to_owned(),
                )
            }
            Target::Definition(id) => {
                self.find_definition(id).map_err(one)?;
                (
                    format!("the attribute `{id}`"),
                    "deactivate it instead: PATCH it with `{\"status\": \"Deprecated\"}`"
                        .to_owned(),
                )
            }
            Target::Value(id, v) => {
                self.find_value(id, v).map_err(one)?;
                (
                    format!("the allowed value `{v}` of `{id}`"),
                    "deactivate it instead: PATCH it with `{\"isActive\": false}`".to_owned(),
                )
            }
            _ => return Err(vec![not_found_internal()]),
        };
        Err(vec![Violation::new(
            Code::Deleted,
            "",
            format!(
                "{what} cannot be deleted: Entra offers no delete for custom security attributes"
            ),
        )
        .with_hint(hint)
        .in_doc(Document::Definition)])
    }

    // -- shared steps ----------------------------------------------------------------------

    /// A copy of definition `i` to edit, once the actor may manage its set.
    fn editable(&self, i: usize) -> Result<AttributeDefinition, Vec<Violation>> {
        let def = self
            .catalog
            .definitions
            .get(i)
            .cloned()
            .ok_or_else(|| vec![not_found_internal()])?;
        self.require_manage(def.attribute_set()).map_err(one)?;
        Ok(def)
    }

    /// Puts the edited definition `i` back into a copy of the catalog and commits it.
    fn write_definition(
        &mut self,
        i: usize,
        mut def: AttributeDefinition,
        status: u16,
        entity: Option<Json>,
    ) -> Result<Answer, Vec<Violation>> {
        def.rebuild_value_index();
        let mut defs = self.catalog.definitions.clone();
        if let Some(slot) = defs.get_mut(i) {
            *slot = def;
        }
        let catalog = self.commit(self.catalog.sets.clone(), defs, None, Some(i))?;
        Ok(self.written(status, entity, catalog))
    }

    /// Every violation and warning found in a body about one definition names it.
    fn name_attribute(&mut self, id: &str) {
        for v in &mut self.d.violations {
            v.attribute.get_or_insert_with(|| id.to_owned());
        }
        for w in &mut self.d.warnings {
            w.attribute.get_or_insert_with(|| id.to_owned());
        }
    }

    fn reads_set(&self, set: &str) -> bool {
        self.actor.is_none_or(|a| a.can_read_attribute_set(set))
    }

    fn reads_definitions(&self, set: &str) -> bool {
        self.actor.is_none_or(|a| a.can_read_definitions(set))
    }

    /// A list needs the read action somewhere; holding it nowhere is refused outright.
    fn require_any(&self, action: Actions, name: &str) -> Result<(), Vec<Violation>> {
        match self.actor {
            Some(a) if !a.holds_anywhere(action) => Err(vec![denied(
                format!("insufficient privileges to read this list: missing `{name}`"),
                "assign the Attribute Definition Reader role at the tenant (`/`) or at an attribute set".to_owned(),
            )]),
            _ => Ok(()),
        }
    }

    fn require_manage_sets(&self) -> Found<()> {
        match self.actor {
            Some(a) if !a.can_manage_attribute_sets() => Err(Box::new(denied(
                format!("insufficient privileges to create or change attribute sets: missing `{SETS_ALL_TASKS}` at tenant scope"),
                "assign the Attribute Definition Administrator role at the tenant (`/`); a role scoped to an attribute set cannot create or change attribute sets".to_owned(),
            ))),
            _ => Ok(()),
        }
    }

    fn require_manage(&self, set: &str) -> Found<()> {
        match self.actor {
            Some(a) if !a.can_manage_definitions(set) => Err(Box::new(manage_denied(set))),
            _ => Ok(()),
        }
    }

    /// The set `id` names: `not_found` only for an actor who could read it if it existed.
    fn find_set(&self, id: &str) -> Found<usize> {
        if !self.reads_set(id) {
            return Err(Box::new(read_denied(
                &format!("the attribute set `{id}`"),
                SETS_READ,
            )));
        }
        self.catalog
            .set_position(id)
            .ok_or_else(|| Box::new(not_found(&format!("the attribute set `{id}`"))))
    }

    /// The definition `id` (`Set_Name`) names, by its index in the catalog.
    fn find_definition(&self, id: &str) -> Found<usize> {
        let split = id.split_once('_');
        let set = split.map_or("", |(s, _)| s);
        if !self.reads_definitions(set) {
            return Err(Box::new(read_denied(
                &format!("the attribute `{id}`"),
                DEFS_READ,
            )));
        }
        split
            .and_then(|(s, n)| {
                let pos = self.catalog.set_position(s)?;
                self.catalog.definition_index_in(pos, n)
            })
            .ok_or_else(|| Box::new(not_found(&format!("the attribute `{id}`"))))
    }

    fn find_value(&self, id: &str, value_id: &str) -> Found<(usize, usize)> {
        let i = self.find_definition(id)?;
        self.catalog
            .definitions
            .get(i)
            .and_then(|d| {
                let v = d.allowed_value(value_id)?;
                d.allowed_values
                    .iter()
                    .position(|o| std::ptr::eq(o, v))
                    .map(|j| (i, j))
            })
            .ok_or_else(|| {
                Box::new(not_found(&format!(
                    "the allowed value `{value_id}` of `{id}`"
                )))
            })
    }

    /// Parses the request body (required for writes), within the policy's size limit.
    fn body<'b>(&mut self, body: Option<&'b [u8]>) -> Result<Node<'b>, Vec<Violation>> {
        let Some(bytes) = body else {
            return Err(vec![Violation::new(
                Code::InvalidJson,
                "",
                "the request needs a JSON body",
            )
            .with_hint("send the item's properties as a JSON object")
            .in_doc(Document::Definition)]);
        };
        if bytes.len() > self.policy.max_body_bytes {
            return Err(vec![Violation::new(
                Code::PayloadTooLarge,
                "",
                format!(
                    "the body is {} bytes, more than the {} bytes allowed",
                    bytes.len(),
                    self.policy.max_body_bytes
                ),
            )
            .in_doc(Document::Definition)]);
        }
        match self.d.parse(bytes, "body") {
            Some(n) => Ok(n),
            None => Err(Vec::new()),
        }
    }

    fn props<'n, 'a>(
        &mut self,
        root: &'n Node<'a>,
        what: &str,
    ) -> Result<Props<'n, 'a>, Vec<Violation>> {
        Props::new(root, &Pointer::root(), what, &mut self.d).ok_or_else(Vec::new)
    }

    fn ok<T>(&mut self, parsed: Option<T>) -> Result<T, Vec<Violation>> {
        match parsed {
            Some(t) if self.d.violations.is_empty() => Ok(t),
            _ => Err(Vec::new()),
        }
    }

    fn no_violations(&self) -> Result<(), Vec<Violation>> {
        if self.d.violations.is_empty() {
            Ok(())
        } else {
            Err(Vec::new())
        }
    }

    /// Checks the cross-item rules (uniqueness, set existence, limits) on the catalog the
    /// request would give, with the item it adds or changes checked last so that a limit it
    /// breaks is reported on it, at its place in the body; then builds that catalog.
    fn commit(
        &mut self,
        sets: Vec<AttributeSet>,
        defs: Vec<AttributeDefinition>,
        changed_set: Option<usize>,
        changed_def: Option<usize>,
    ) -> Result<Catalog, Vec<Violation>> {
        let at = Pointer::root();
        let mut set_pairs: Vec<(AttributeSet, Pointer)> =
            sets.into_iter().map(|s| (s, at.clone())).collect();
        let mut def_pairs: Vec<(AttributeDefinition, Pointer)> =
            defs.into_iter().map(|d| (d, at.clone())).collect();
        let moved_set = changed_set.filter(|&i| i < set_pairs.len());
        let moved_def = changed_def.filter(|&i| i < def_pairs.len());
        if let Some(i) = moved_set {
            let item = set_pairs.remove(i);
            set_pairs.push(item);
        }
        if let Some(i) = moved_def {
            let item = def_pairs.remove(i);
            def_pairs.push(item);
        }
        validate_catalog(&set_pairs, &def_pairs, &mut self.d);
        self.no_violations()?;
        // Back to catalog order (popping only what was moved).
        if let Some(i) = moved_set {
            if let Some(item) = set_pairs.pop() {
                set_pairs.insert(i, item);
            }
        }
        if let Some(i) = moved_def {
            if let Some(item) = def_pairs.pop() {
                def_pairs.insert(i, item);
            }
        }
        Ok(Catalog::build(
            set_pairs.into_iter().map(|(s, _)| s).collect(),
            def_pairs.into_iter().map(|(d, _)| d).collect(),
        ))
    }

    fn written(&self, status: u16, entity: Option<Json>, catalog: Catalog) -> Answer {
        let changes = self.catalog.evolve(&catalog).changes;
        Answer::Written {
            status,
            entity,
            catalog: Box::new(catalog),
            changes,
        }
    }
}

/// For an update body: warns about unknown members (via [`Props::check_unknown`]) and refuses
/// every member naming a property that cannot change (`immutable_changed`), even when it
/// carries the stored value: Graph's update accepts only the `known` properties.
fn check_unknown_and_immutable(
    p: &Props<'_, '_>,
    (known, refused): (&[&str], &[&str]),
    immutable: &[&str],
    what: &str,
    d: &mut Diag,
) {
    // `refused`: known properties the caller refuses itself (not warned about as unknown).
    let all: Vec<&str> = known
        .iter()
        .chain(refused)
        .chain(immutable)
        .copied()
        .collect();
    p.check_unknown(&all, what, d);
    for m in p.members {
        let k = m.key.as_ref();
        if immutable.contains(&k) {
            d.push(
                Violation::new(
                    Code::ImmutableChanged,
                    p.ptr.key(k),
                    format!(
                        "`{k}` cannot be changed: {what} accepts only {}",
                        known
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .with_hint(format!("remove `{k}` from the body"))
                .span(m.key_start..m.key_end),
            );
        }
    }
}

const SET_KEY: &str = "attributeSet";

#[allow(clippy::boxed_local, reason = "takes the error as `Found` carries it")]
fn one(v: Box<Violation>) -> Vec<Violation> {
    vec![*v]
}

/// A definition as Graph returns it without `$expand=allowedValues`.
fn definition_json(def: &AttributeDefinition) -> Json {
    let mut j = to_json(def);
    if let Json::Object(m) = &mut j {
        m.remove(VALUES);
    }
    j
}

/// `item` with its `@odata.context` (`null`, for an item not found, stays `null`).
fn with_context(mut item: Json, context: String) -> Json {
    if let Json::Object(m) = &mut item {
        m.insert("@odata.context".to_owned(), Json::String(context));
    }
    item
}

fn list(context: String, value: Vec<Json>) -> Json {
    let mut m = Map::new();
    m.insert("@odata.context".to_owned(), Json::String(context));
    m.insert("value".to_owned(), Json::Array(value));
    Json::Object(m)
}

fn entity<T: Serialize>(context: String, item: Option<&T>) -> Json {
    with_context(item.map(to_json).unwrap_or(Json::Null), context)
}

fn unsupported(req: &DefinitionRequest<'_>, reason: &str) -> Violation {
    Violation::new(
        Code::UnsupportedRequest,
        "",
        format!("`{} {}`: {reason}", req.method, req.path),
    )
    .with_hint("Graph offers GET on sets, definitions and allowed values; POST to `/directory/attributeSets`, `/directory/customSecurityAttributeDefinitions` and `.../{id}/allowedValues`; PATCH on one set, definition or allowed value")
    .in_doc(Document::Definition)
}

fn not_found(what: &str) -> Violation {
    Violation::new(Code::NotFound, "", format!("{what} does not exist"))
        .with_hint(
            "check the path: ids compare case-insensitively, allowed values case-sensitively",
        )
        .in_doc(Document::Definition)
}

/// Not reached: an index found a moment ago is always valid.
fn not_found_internal() -> Violation {
    not_found("the item")
}

fn denied(message: String, hint: String) -> Violation {
    Violation::new(Code::PermissionDenied, "", message)
        .with_hint(hint)
        .in_doc(Document::Definition)
}

/// The same refusal whether the item exists or not, so that nothing is revealed.
fn read_denied(what: &str, action: &str) -> Violation {
    denied(
        format!(
            "insufficient privileges to read {what}: missing `{action}` at a scope covering it"
        ),
        "assign the Attribute Definition Reader role at the tenant (`/`) or at the attribute set"
            .to_owned(),
    )
}

fn manage_denied(set: &str) -> Violation {
    denied(
        format!(
            "insufficient privileges to manage definitions in the attribute set `{set}`: missing `{DEFS_ALL_TASKS}`"
        ),
        format!("assign the Attribute Definition Administrator role at the tenant (`/`) or at `/attributeSets/{set}`"),
    )
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

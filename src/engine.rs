//! The assignment rules (RULES.md §3, §4): from PATCH body bytes to a diff or all violations.
//!
//! Flow: bytes → [`json`](crate::json) tree (one pass, spans kept) → [`wire`](crate::wire)
//! request (sets, attributes, annotations; structural problems noted per set) → rules against
//! the catalog, the object and the actor → [`Diff`] or violations, never half-applied.

use std::borrow::Cow;
use std::cell::Cell;

use smallvec::SmallVec;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::auth::Actor;
use crate::catalog::{set_hint, AllowedValue, AttributeDefinition, Catalog, Status};
use crate::diff::{Change, Diff, Op};
use crate::json::{self, IntText, Shallow, ShallowKind};
use crate::names::{closest, utf16_len};
use crate::object::{Object, ObjectKind};
use crate::policy::Policy;
use crate::text::Text;
use crate::value::{Assignment, AttributeType, ResponseForm, SetAssignments, State, Value};
use crate::violation::{
    cold, sort_violations, sort_warnings, Code, Document, Pointer, Verdict, Violation, Warning,
    WarningCode,
};
use crate::wire::{self, Annotation, AnnotationEntry, AttrEntry, Loc, Request, SetEntry};

/// Most values an object may hold across all its attributes.
pub const MAX_VALUES_PER_OBJECT: usize = 50;
/// Longest string value, in UTF-16 code units.
pub const MAX_VALUE_LEN: usize = 64;
/// What a redacted value is replaced with in messages and hints.
pub const REDACTED: &str = "***";

/// Whether authorization was evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Authorization {
    /// An actor was given and its permissions were checked.
    Checked,
    /// No actor was given: only validity was checked.
    NotChecked,
}

impl Authorization {
    /// `checked` / `not_checked`.
    pub fn as_str(self) -> &'static str {
        match self {
            Authorization::Checked => "checked",
            Authorization::NotChecked => "not_checked",
        }
    }
}

impl Serialize for Authorization {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The result of evaluating one PATCH: a diff, or every violation. Warnings either way.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Evaluation {
    authorization: Authorization,
    warnings: Vec<Warning>,
    outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// `visible` is `None` when the actor sees the whole resulting state.
    Accepted {
        diff: Diff,
        visible: Option<State>,
    },
    Refused(Vec<Violation>),
}

impl Evaluation {
    /// Whether the PATCH is accepted.
    pub fn is_allowed(&self) -> bool {
        matches!(self.outcome, Outcome::Accepted { .. })
    }
    /// Whether the actor's permissions were checked.
    pub fn authorization(&self) -> Authorization {
        self.authorization
    }
    /// The diff, when accepted.
    pub fn diff(&self) -> Option<&Diff> {
        match &self.outcome {
            Outcome::Accepted { diff, .. } => Some(diff),
            Outcome::Refused(_) => None,
        }
    }
    /// The resulting state as the actor may read it (the whole state without an actor).
    pub fn visible_state(&self) -> Option<&State> {
        match &self.outcome {
            Outcome::Accepted { diff, visible } => Some(visible.as_ref().unwrap_or(&diff.after)),
            Outcome::Refused(_) => None,
        }
    }
    /// Every violation (empty when accepted), ordered by pointer then code.
    pub fn violations(&self) -> &[Violation] {
        match &self.outcome {
            Outcome::Refused(v) => v,
            Outcome::Accepted { .. } => &[],
        }
    }
    /// Warnings, ordered by pointer then code.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
    /// The outcome as a `Result`.
    pub fn result(&self) -> Result<&Diff, &[Violation]> {
        match &self.outcome {
            Outcome::Accepted { diff, .. } => Ok(diff),
            Outcome::Refused(v) => Err(v),
        }
    }

    /// The same evaluation with every violation and warning passed through `violation` and
    /// `warning` (a plan points them back into its desired document), in order again after.
    pub(crate) fn repoint(
        mut self,
        violation: impl FnMut(&mut Violation),
        warning: impl FnMut(&mut Warning),
    ) -> Evaluation {
        if let Outcome::Refused(v) = &mut self.outcome {
            v.iter_mut().for_each(violation);
            sort_violations(v);
        }
        self.warnings.iter_mut().for_each(warning);
        sort_warnings(&mut self.warnings);
        self
    }

    /// The same evaluation refused, with `extra` added to its violations (a plan whose desired
    /// document cannot be read still reports what is wrong with the object).
    pub(crate) fn refuse(mut self, extra: Vec<Violation>) -> Evaluation {
        debug_assert!(!extra.is_empty(), "a refusal says why");
        let mut violations = match self.outcome {
            Outcome::Refused(v) => v,
            Outcome::Accepted { .. } => Vec::new(),
        };
        violations.extend(extra);
        sort_violations(&mut violations);
        self.outcome = Outcome::Refused(violations);
        self
    }
}

impl Verdict for Evaluation {
    fn violations(&self) -> &[Violation] {
        Evaluation::violations(self)
    }
    fn warnings(&self) -> &[Warning] {
        Evaluation::warnings(self)
    }
}

/// Serialises as `csa check --format json` prints it (RULES.md §9).
impl Serialize for Evaluation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("allowed", &self.is_allowed())?;
        m.serialize_entry("authorization", &self.authorization)?;
        match &self.outcome {
            Outcome::Accepted { diff, visible } => {
                m.serialize_entry("changes", &diff.changes)?;
                m.serialize_entry("warnings", &self.warnings)?;
                let visible = visible.as_ref().unwrap_or(&diff.after);
                m.serialize_entry("customSecurityAttributes", &ResponseForm(visible))?;
                m.serialize_entry("request", &diff.request())?;
            }
            Outcome::Refused(v) => {
                m.serialize_entry("violations", v)?;
                m.serialize_entry("warnings", &self.warnings)?;
            }
        }
        m.end()
    }
}

/// An object read against an engine's catalog once; see [`Engine::prepare`].
#[derive(Debug, Clone)]
pub struct PreparedObject {
    /// The object without its state (kind, sync status, id).
    object: Object,
    /// Its state in catalog casing.
    state: State,
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
        self.evaluate_nested(object, actor, body, json::DEFAULT_MAX_DEPTH)
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
            Cow::Owned(state),
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
            state,
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
            let object = prepared.object.clone().with_state(prepared.state.clone());
            return self.evaluate(&object, actor, body);
        }
        self.evaluate_state(
            &prepared.object,
            Cow::Borrowed(&prepared.state),
            (&prepared.held, prepared.value_count),
            prepared.warnings.clone(),
            actor,
            (body, json::DEFAULT_MAX_DEPTH),
        )
    }

    /// The evaluation proper, on the object's normalised state (which becomes the result).
    fn evaluate_state(
        &self,
        object: &Object,
        state: Cow<'_, State>,
        (held, value_count): (&[(usize, Position)], usize),
        state_warnings: Vec<Warning>,
        actor: Option<&Actor>,
        (body, max_depth): (&[u8], usize),
    ) -> Evaluation {
        let mut cx = Cx {
            engine: self,
            object,
            actor,
            held,
            value_count,
            violations: Vec::new(),
            warnings: Vec::new(),
            held_at: SmallVec::new(),
            suggestions_left: Cell::new(SUGGESTIONS),
        };
        let changes = cx.run(&state, body, max_depth);
        let authorization = if actor.is_some() {
            Authorization::Checked
        } else {
            Authorization::NotChecked
        };
        let mut warnings = cx.warnings;
        if let Some(a) = actor {
            warnings.extend(a.warnings().iter().cloned());
        }
        // Warnings about the object only matter for attributes the actor may read.
        warnings.extend(state_warnings.into_iter().filter(|w| {
            let set = w
                .attribute()
                .and_then(|a| a.split_once('_'))
                .map(|(s, _)| s);
            match (actor, set) {
                (Some(a), Some(set)) => a.can_read_assignments(&object.kind, set),
                _ => true,
            }
        }));
        sort_warnings(&mut warnings);
        let mut violations = cx.violations;
        if !violations.is_empty() {
            sort_violations(&mut violations);
            return Evaluation {
                authorization,
                warnings,
                outcome: Outcome::Refused(violations),
            };
        }
        // The resulting state: the current one (copied only now, with room for the additions)
        // changed in place.
        let mut held_at = cx.held_at;
        debug_assert_eq!(held_at.len(), changes.len(), "one position per change");
        let mut state = match state {
            Cow::Owned(mut s) => {
                s.reserve(changes.len());
                s
            }
            // A value about to be replaced is not copied (it would be dropped at once); the
            // replacement below puts the new one there.
            Cow::Borrowed(s) => s.clone_with_room(changes.len(), |p| {
                held_at
                    .iter()
                    .zip(&changes)
                    .any(|(at, c)| *at == Some(p) && c.after.is_some())
            }),
        };
        // Replacements keep their place, so they go straight to where the check found the
        // attribute (the state is still laid out as it was then); additions and removals follow,
        // in order, which gives what applying every change in order gives.
        // Every defined attribute the state holds has its position, and a body changes an
        // attribute once, so an attribute without one is new to the state.
        let mut positions_hold = true;
        for (c, at) in changes.iter().zip(held_at.iter_mut()) {
            if let (Some(v), Some(p)) = (&c.after, *at) {
                if !state.replace_at(p, v.clone()) {
                    // Not reached (the positions come from this state); were it reached, the
                    // searching insertion below still gives the right state.
                    *at = None;
                    positions_hold = false;
                }
            }
        }
        for (c, at) in changes.iter().zip(held_at.iter()) {
            match (&c.after, at) {
                (Some(_), Some(_)) => {}
                (Some(v), None) if positions_hold => {
                    state.push_new(&c.attribute_set, &c.name, v.clone());
                }
                (Some(v), None) => {
                    state.insert(&c.attribute_set, &c.name, v.clone());
                }
                (None, _) => {
                    state.remove(&c.attribute_set, &c.name);
                }
            }
        }
        // The actor's view is a separate copy only when some set is hidden from it.
        let visible = actor
            .filter(|a| {
                !state
                    .sets
                    .iter()
                    .all(|s| a.can_read_assignments(&object.kind, &s.name))
            })
            .map(|a| {
                let mut v = state.clone();
                v.retain_sets(|set| a.can_read_assignments(&object.kind, set));
                v
            });
        Evaluation {
            authorization,
            warnings,
            outcome: Outcome::Accepted {
                diff: Diff {
                    changes,
                    after: state,
                },
                visible,
            },
        }
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

/// One evaluation in progress.
struct Cx<'e> {
    engine: &'e Engine,
    object: &'e Object,
    actor: Option<&'e Actor>,
    /// Where the current state holds each defined attribute (see [`Held`]).
    held: &'e [(usize, Position)],
    /// How many values the current state holds.
    value_count: usize,
    violations: Vec<Violation>,
    warnings: Vec<Warning>,
    /// For each change, where the current state holds its attribute, if it does.
    held_at: SmallVec<[Option<Position>; 16]>,
    /// How many more "did you mean" searches this evaluation may make: each compares a name
    /// with a whole list, so a body of thousands of unknown names gets a generic hint after
    /// the first [`SUGGESTIONS`] instead of costing thousands of list scans.
    suggestions_left: Cell<u16>,
}

/// "Did you mean" searches per evaluation.
pub(crate) const SUGGESTIONS: u16 = 32;

impl<'e> Cx<'e> {
    fn policy(&self) -> &'e Policy {
        &self.engine.policy
    }

    fn catalog(&self) -> &'e Catalog {
        &self.engine.catalog
    }

    fn push(&mut self, v: Violation) {
        self.violations.push(v);
    }

    fn run(&mut self, current: &State, body: &[u8], max_depth: usize) -> Vec<Change> {
        self.check_object();
        if body.len() > self.policy().max_body_bytes {
            self.push(cold(|| {
                Violation::new(
                    Code::PayloadTooLarge,
                    "",
                    format!(
                        "the body is {} bytes, more than the {} bytes allowed",
                        body.len(),
                        self.policy().max_body_bytes
                    ),
                )
                .with_hint("send fewer attributes per request")
            }));
            return Vec::new();
        }
        // Sets are checked as they are read; if the body turns out not to be JSON, what was
        // made of them is dropped and only `invalid_json` is said.
        let (violations, warnings) = (self.violations.len(), self.warnings.len());
        // About one attribute per 64 bytes of body; the lists grow if there are more.
        let guess = (body.len() / 64).clamp(4, 64);
        let mut changes = Vec::with_capacity(guess);
        let read = wire::read_request(body, max_depth, |set, request| {
            self.check_set(set, request, current, &mut changes);
        });
        let read = match read {
            Ok(r) => r,
            Err(e) => {
                self.violations.truncate(violations);
                self.warnings.truncate(warnings);
                self.held_at.clear();
                self.push(cold(|| {
                    Violation::new(
                        Code::InvalidJson,
                        "",
                        format!("the body is not valid JSON: {}", e.message),
                    )
                    .with_hint("send a JSON object like `{\"customSecurityAttributes\": {...}}`")
                    .span(e.offset..e.offset.saturating_add(1))
                }));
                return Vec::new();
            }
        };
        self.violations.extend(read.violations);
        self.warnings.extend(read.warnings);
        let Some(sets_span) = read.sets_span else {
            return changes;
        };
        // The 50-value limit applies to the state after the whole PATCH.
        let before = self.value_count;
        let count = |v: &Option<Value>| v.as_ref().map_or(0, Value::count);
        let after = changes.iter().fold(before, |n, c| {
            (n + count(&c.after)).saturating_sub(count(&c.before))
        });
        if after > MAX_VALUES_PER_OBJECT && after > before {
            // Counts include values in sets the actor may not read: state them only when it can
            // read every set, so the message reveals nothing it could not see.
            let sees_all = self.actor.is_none_or(|a| {
                current
                    .sets()
                    .iter()
                    .map(SetAssignments::name)
                    .chain(changes.iter().map(Change::attribute_set))
                    .all(|s| a.can_read_assignments(&self.object.kind, s))
            });
            let (message, hint) = if sees_all {
                (
                    format!(
                        "the object would hold {after} values, more than {MAX_VALUES_PER_OBJECT}"
                    ),
                    format!(
                        "remove at least {} values (single values count 1, collections their length)",
                        after - MAX_VALUES_PER_OBJECT.max(before)
                    ),
                )
            } else {
                (
                    format!("the object would hold more than {MAX_VALUES_PER_OBJECT} values"),
                    "send fewer values (single values count 1, collections their length)"
                        .to_owned(),
                )
            };
            self.push(cold(|| {
                Violation::new(Code::TooManyValues, "/customSecurityAttributes", message)
                    .with_hint(hint)
                    .span(sets_span.clone())
            }));
        }
        changes
    }

    fn check_object(&mut self) {
        let kind = &self.object.kind;
        if !self.policy().accepts(kind) {
            let hint = match kind {
                ObjectKind::Device | ObjectKind::ManagedIdentity => {
                    format!("add `{kind}` to the policy's `objectTypes` to accept it")
                }
                _ => "custom security attributes can be assigned to users and service principals"
                    .to_owned(),
            };
            self.push(cold(|| {
                Violation::new(
                    Code::UnsupportedObjectType,
                    "",
                    format!("objects of type `{kind}` cannot hold custom security attributes"),
                )
                .with_hint(hint)
            }));
        }
        if self.object.on_premises_sync_enabled && !self.policy().allow_synced_objects {
            self.push(cold(||
                Violation::new(
                    Code::SyncedObject,
                    "",
                    "the object is synchronised from on-premises Active Directory and cannot be assigned custom security attributes",
                )
                .with_hint("set `allowSyncedObjects` in the policy (or pass `--allow-synced`) to follow newer Entra behaviour, which allows synced users")));
        }
    }

    fn check_set(
        &mut self,
        set: &SetEntry<'_>,
        request: &Request<'_>,
        current: &State,
        changes: &mut Vec<Change>,
    ) {
        // Authorization first: for a set outside the actor's scope nothing else is said.
        if let Some(actor) = self.actor {
            let missing = actor.missing_for_update(&self.object.kind, &set.key);
            if !missing.is_empty() {
                if !set.repeated {
                    self.push(cold(||
                        Violation::new(
                            Code::PermissionDenied,
                            set.loc(),
                            format!(
                                "insufficient privileges to assign attributes in the attribute set `{}`: missing {}",
                                set.key,
                                missing
                                    .iter()
                                    .map(|m| format!("`{m}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        )
                        .with_hint(format!(
                            "assign the Attribute Assignment Administrator role at the tenant (`/`) or at `/attributeSets/{}`",
                            set.key
                        ))
                        .span(set.key_span.clone())));
                }
                return;
            }
        }
        let set_pos = self.catalog().set_position(&set.key);
        for (problem, attr) in &set.problems {
            let mut v = problem.clone();
            if let (Some(pos), Some(attr)) = (set_pos, attr.as_deref()) {
                v.attribute = self
                    .catalog()
                    .definition_in(pos, attr)
                    .map(|d| d.id().to_owned());
            }
            self.push(v);
        }
        self.warnings.extend(set.warnings.iter().cloned());
        if set.repeated {
            return;
        }
        let Some(set_pos) = set_pos else {
            let hint = self.unknown_set_hint(&set.key);
            self.push(cold(|| {
                Violation::new(
                    Code::UnknownAttributeSet,
                    set.loc(),
                    format!("the attribute set `{}` does not exist", set.key),
                )
                .maybe_hint(hint)
                .span(set.key_span.clone())
            }));
            return;
        };
        let catalog = self.catalog();
        let set_name = catalog.attribute_sets().get(set_pos).map_or("", |s| s.id());
        let set_loc = set.loc();
        for attr in &request.attrs {
            if attr.repeated {
                continue;
            }
            let index = catalog.definition_index_in(set_pos, &attr.key);
            let Some((index, def)) = index.and_then(|i| Some((i, catalog.definitions().get(i)?)))
            else {
                let hint = self
                    .may_suggest()
                    .then(|| closest(&attr.key, self.catalog().active_names_in(set_pos)))
                    .flatten()
                    .map(|c| format!("did you mean `{c}`?"));
                self.push(cold(|| {
                    Violation::new(
                        Code::UnknownAttribute,
                        set_loc.key(&attr.key),
                        format!(
                            "the attribute `{}` does not exist in `{set_name}`",
                            attr.key
                        ),
                    )
                    .maybe_hint(hint.or_else(|| {
                        Some(format!(
                            "define it first, or check the attribute names of `{set_name}`"
                        ))
                    }))
                    .span(attr.key_span.clone())
                }));
                continue;
            };
            self.check_attr(def, index, attr, request, set_loc, current, changes);
        }
    }

    /// Where `current` holds `def` (catalog index `index`), if it does.
    fn held_at(
        &self,
        current: &State,
        def: &AttributeDefinition,
        index: usize,
    ) -> Option<Position> {
        let (set, name) = (def.attribute_set(), def.name());
        match self.held.binary_search_by_key(&index, |&(i, _)| i) {
            Ok(at) => {
                let p = self.held.get(at).map(|&(_, p)| p);
                // The positions were taken from this very state (see `Held`).
                debug_assert!(p.is_some_and(|p| current.holds_at(p, set, name)));
                p
            }
            Err(_) => None,
        }
    }

    /// Whether one more "did you mean" search may be made (and counts it).
    fn may_suggest(&self) -> bool {
        let left = self.suggestions_left.get();
        self.suggestions_left.set(left.saturating_sub(1));
        left > 0
    }

    fn unknown_set_hint(&self, key: &str) -> Option<String> {
        if !self.may_suggest() {
            return Some("check the set's name against the catalog".to_owned());
        }
        let actor = self.actor;
        set_hint(
            key,
            self.catalog()
                .attribute_sets()
                .iter()
                .map(|s| s.id())
                .filter(|s| actor.is_none_or(|a| a.can_read_definitions(s))),
        )
    }

    /// Masks a value for messages when its set is redacted.
    fn show(&self, def: &AttributeDefinition, text: &str) -> String {
        if self.policy().is_redacted(def.attribute_set()) {
            REDACTED.to_owned()
        } else {
            text.to_owned()
        }
    }

    /// Checks one attribute; a change goes to `changes` (built in place there: a change is
    /// large, and every move of it costs).
    #[allow(
        clippy::too_many_arguments,
        reason = "one evaluation's parts, all borrowed"
    )]
    fn check_attr(
        &mut self,
        def: &AttributeDefinition,
        index: usize,
        attr: &AttrEntry<'_>,
        request: &Request<'_>,
        set_loc: Loc<'_>,
        current: &State,
        changes: &mut Vec<Change>,
    ) {
        let id = def.id();
        let loc = set_loc.key(&attr.key);
        let items = request.items(attr);
        let before_len = self.violations.len();
        let annotation = request.annotation(attr);
        self.check_annotation(def, annotation, set_loc, id);
        let node = &attr.value;
        let held_at = self.held_at(current, def, index);
        let held = held_at.and_then(|p| current.at(p));
        let new = self.typed_value(def, node, items, loc, id);
        let typed_ok = self.violations.len() == before_len;
        let predefined = def.use_predefined_values_only() && def.status() == Status::Available;
        if !typed_ok {
            if predefined {
                self.check_predefined(def, held, node, items, loc, id);
            }
            return;
        }
        let Some(new) = new else { return };
        // The annotation rule is about the body: it applies whether or not the value changes.
        if let Some(v) = &new {
            if annotation.is_none() {
                self.check_missing_annotation(v, attr, loc, id);
            }
            if self.violations.len() != before_len {
                return;
            }
        }
        let unchanged = match (&new, held) {
            (None, None) => true,
            (Some(n), Some(h)) => n == h,
            _ => false,
        };
        if unchanged {
            return;
        }
        if def.status() == Status::Deprecated && new.is_some() {
            self.push(cold(|| {
                Violation::new(
                    Code::AttributeDeactivated,
                    loc,
                    format!(
                        "the attribute `{id}` is deactivated: its value cannot be set or changed"
                    ),
                )
                .attr(id)
                .with_hint(
                    "remove the assignment, or reactivate the attribute (`status: Available`)",
                )
                .span(node.start..node.end)
            }));
            return;
        }
        if predefined && new.as_ref().is_some_and(|v| !predefined_ok(def, held, v)) {
            // Some element is refused: go through the body's elements for the violations.
            self.check_predefined(def, held, node, items, loc, id);
        }
        if self.violations.len() != before_len {
            return;
        }
        // Equal values returned above, so this is a change.
        let Some(op) = Op::between(held.is_some(), new.is_some()) else {
            return;
        };
        changes.push(Change {
            op,
            attribute_set: def.attribute_set.text().clone(),
            name: def.name.text().clone(),
            before: held.cloned(),
            after: new,
        });
        self.held_at.push(held_at);
    }

    fn check_annotation(
        &mut self,
        def: &AttributeDefinition,
        annotation: Option<&AnnotationEntry<'_>>,
        set_loc: Loc<'_>,
        id: &str,
    ) {
        let Some(ann) = annotation else { return };
        let fits = match ann.kind {
            Annotation::Int32 => {
                def.attribute_type() == AttributeType::Integer && !def.is_collection()
            }
            Annotation::CollectionString => {
                def.attribute_type() == AttributeType::String && def.is_collection()
            }
            Annotation::CollectionInt32 => {
                def.attribute_type() == AttributeType::Integer && def.is_collection()
            }
        };
        if !fits {
            let right = expected_annotation(def)
                .map(|a| format!("use `{a}`"))
                .unwrap_or_else(|| "send no annotation".to_owned());
            self.push(cold(|| {
                Violation::new(
                    Code::AnnotationMismatch,
                    set_loc.key(&ann.key),
                    format!(
                        "the annotation `{}` does not fit `{id}`, a {}",
                        ann.kind.as_str(),
                        describe(def)
                    ),
                )
                .attr(id)
                .with_hint(format!("{right} for this attribute"))
                .span(ann.span.clone())
            }));
        }
    }

    fn check_missing_annotation(
        &mut self,
        v: &Value,
        attr: &AttrEntry<'_>,
        loc: Loc<'_>,
        id: &str,
    ) {
        let Some(expected) = v.request_annotation() else {
            return;
        };
        let message = format!("`{id}` is sent without its annotation `{expected}`");
        let ptr = String::from(loc);
        if self.policy().strict_annotations {
            self.push(cold(|| {
                Violation::new(Code::MissingAnnotation, ptr, message)
                    .attr(id)
                    .with_hint(format!("add `\"{}@odata.type\": \"{expected}\"`", attr.key))
                    .span(attr.key_span.clone())
            }));
        } else {
            self.warnings.push(
                Warning::new(WarningCode::MissingAnnotation, ptr, message)
                    .attr(id)
                    .span(attr.key_span.clone()),
            );
        }
    }

    /// The typed value: `Some(None)` for a removal, `Some(Some(v))` for a value, `None` after
    /// pushing violations.
    fn typed_value(
        &mut self,
        def: &AttributeDefinition,
        node: &Shallow<'_>,
        items: &[Shallow<'_>],
        ptr: Loc<'_>,
        id: &str,
    ) -> Option<Option<Value>> {
        let span = node.start..node.end;
        if def.is_collection() {
            match &node.kind {
                ShallowKind::Null => {
                    self.push(cold(|| {
                        Violation::new(
                            Code::WrongRemoval,
                            ptr,
                            format!("`{id}` is multi-valued: `null` does not remove it"),
                        )
                        .attr(id)
                        .with_hint("remove a multi-valued attribute with an empty collection `[]`")
                        .span(span)
                    }));
                    None
                }
                ShallowKind::Array if items.is_empty() => Some(None),
                ShallowKind::Array => self.typed_collection(def, items, ptr, id).map(Some),
                _ => {
                    self.push(cold(|| {
                        Violation::new(
                            Code::CollectionExpected,
                            ptr,
                            format!(
                                "`{id}` is multi-valued and needs an array, not {}",
                                node.kind_name()
                            ),
                        )
                        .attr(id)
                        .with_hint("wrap the value in an array, like `[...]`")
                        .span(span)
                    }));
                    None
                }
            }
        } else {
            match &node.kind {
                ShallowKind::Null => Some(None),
                ShallowKind::Array if items.is_empty() => {
                    self.push(cold(|| {
                        Violation::new(
                            Code::WrongRemoval,
                            ptr,
                            format!("`{id}` is single-valued: `[]` does not remove it"),
                        )
                        .attr(id)
                        .with_hint("remove a single-valued attribute with `null`")
                        .span(span)
                    }));
                    None
                }
                ShallowKind::Array => {
                    self.push(cold(|| {
                        Violation::new(
                            Code::SingleValueExpected,
                            ptr,
                            format!("`{id}` is single-valued and cannot hold an array"),
                        )
                        .attr(id)
                        .with_hint(format!("send one {}", describe_type(def.attribute_type())))
                        .span(span)
                    }));
                    None
                }
                _ => self.typed_scalar(def, node, ptr, id).map(Some),
            }
        }
    }

    fn typed_collection(
        &mut self,
        def: &AttributeDefinition,
        items: &[Shallow<'_>],
        ptr: Loc<'_>,
        id: &str,
    ) -> Option<Value> {
        let mut ok = true;
        // Only the list of the attribute's type is filled.
        let (mut strings, mut ints) = match def.attribute_type() {
            AttributeType::Integer => (Vec::new(), Vec::with_capacity(items.len())),
            _ => (Vec::with_capacity(items.len()), Vec::new()),
        };
        for (i, item) in items.iter().enumerate() {
            let ip = ptr.index(i);
            if matches!(
                item.kind,
                ShallowKind::Null | ShallowKind::Array | ShallowKind::Object
            ) {
                self.push(cold(|| {
                    Violation::new(
                        Code::TypeMismatch,
                        ip,
                        format!(
                            "the elements of `{id}` must be {}s, not {}",
                            describe_type(def.attribute_type()),
                            item.kind_name()
                        ),
                    )
                    .attr(id)
                    .span(item.start..item.end)
                }));
                ok = false;
                continue;
            }
            // Elements are typed straight into the list of their type.
            match def.attribute_type() {
                AttributeType::String => match self.typed_string(def, item, ip, id) {
                    Some(s) if strings.contains(&s) => {
                        self.duplicate(def, id, ip, item, &s);
                        ok = false;
                    }
                    Some(s) => strings.push(s),
                    None => ok = false,
                },
                AttributeType::Integer => match self.typed_int(def, item, ip, id) {
                    Some(v) if ints.contains(&v) => {
                        self.duplicate(def, id, ip, item, &v.to_string());
                        ok = false;
                    }
                    Some(v) => ints.push(v),
                    None => ok = false,
                },
                // Not a collection type (the catalog refuses such definitions).
                AttributeType::Boolean => {
                    self.typed_scalar(def, item, ip, id);
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        match def.attribute_type() {
            AttributeType::Integer => Value::integers(ints),
            _ => Value::strings(strings),
        }
    }

    fn duplicate(
        &mut self,
        def: &AttributeDefinition,
        id: &str,
        ptr: Loc<'_>,
        item: &Shallow<'_>,
        text: &str,
    ) {
        let shown = self.show(def, text);
        self.push(cold(|| {
            Violation::new(
                Code::DuplicateValue,
                ptr,
                format!("`{id}` lists `{shown}` more than once"),
            )
            .attr(id)
            .with_hint("list each value once")
            .span(item.start..item.end)
        }));
    }

    fn typed_scalar(
        &mut self,
        def: &AttributeDefinition,
        node: &Shallow<'_>,
        ptr: Loc<'_>,
        id: &str,
    ) -> Option<Value> {
        match def.attribute_type() {
            AttributeType::String => self.typed_string(def, node, ptr, id).map(Value::String),
            AttributeType::Integer => self.typed_int(def, node, ptr, id).map(Value::Integer),
            AttributeType::Boolean => match node.kind {
                ShallowKind::Bool(b) => Some(Value::Boolean(b)),
                _ => {
                    self.mismatch(def, node, ptr, id, None);
                    None
                }
            },
        }
    }

    /// A value of a String attribute (or an element of one), checked.
    fn typed_string(
        &mut self,
        def: &AttributeDefinition,
        node: &Shallow<'_>,
        ptr: Loc<'_>,
        id: &str,
    ) -> Option<Text> {
        let ShallowKind::String(s) = &node.kind else {
            self.mismatch(def, node, ptr, id, None);
            return None;
        };
        let span = node.start..node.end;
        if s.is_empty() {
            self.push(cold(|| {
                Violation::new(
                    Code::EmptyString,
                    ptr,
                    format!("`{id}` cannot be an empty string"),
                )
                .attr(id)
                .with_hint(if def.is_collection() {
                    "leave the empty string out; remove the attribute with `[]`"
                } else {
                    "remove the attribute with `null` instead"
                })
                .span(span)
            }));
            return None;
        }
        // UTF-16 never needs more units than UTF-8 needs bytes.
        let len = if s.len() <= MAX_VALUE_LEN {
            s.len()
        } else {
            utf16_len(s)
        };
        if len > MAX_VALUE_LEN {
            self.push(cold(|| {
                Violation::new(
                    Code::ValueTooLong,
                    ptr,
                    format!(
                        "a value of `{id}` is {len} characters long, more than {MAX_VALUE_LEN}"
                    ),
                )
                .attr(id)
                .with_hint("shorten the value to at most 64 characters (UTF-16 code units)")
                .span(span)
            }));
            return None;
        }
        Some(Text::new(s))
    }

    /// A value of an Integer attribute (or an element of one), checked.
    fn typed_int(
        &mut self,
        def: &AttributeDefinition,
        node: &Shallow<'_>,
        ptr: Loc<'_>,
        id: &str,
    ) -> Option<i32> {
        let ShallowKind::Number(t) = node.kind else {
            self.mismatch(def, node, ptr, id, None);
            return None;
        };
        let span = node.start..node.end;
        match json::int_text(t) {
            IntText::Int(v) => match i32::try_from(v) {
                Ok(v) => Some(v),
                Err(_) => {
                    self.push(cold(|| out_of_range(ptr, id, span)));
                    None
                }
            },
            IntText::TooBig => {
                self.push(cold(|| out_of_range(ptr, id, span)));
                None
            }
            IntText::NotInteger => {
                self.mismatch(
                    def,
                    node,
                    ptr,
                    id,
                    Some("send a whole number without a fraction or exponent, like `12`"),
                );
                None
            }
        }
    }

    /// `type_mismatch` for a value of the wrong JSON type (or a number that is not an
    /// integer, with its own hint).
    fn mismatch(
        &mut self,
        def: &AttributeDefinition,
        node: &Shallow<'_>,
        ptr: Loc<'_>,
        id: &str,
        hint: Option<&'static str>,
    ) {
        let ty = def.attribute_type();
        let hint = hint.or(match (ty, &node.kind) {
            (AttributeType::Integer, ShallowKind::String(_)) => {
                Some("send the number without quotes")
            }
            (AttributeType::Boolean, ShallowKind::String(_)) => {
                Some("send `true` or `false` without quotes")
            }
            (AttributeType::String, ShallowKind::Number(_) | ShallowKind::Bool(_)) => {
                Some("send the value as a JSON string, in quotes")
            }
            _ => None,
        });
        self.push(cold(|| {
            Violation::new(
                Code::TypeMismatch,
                ptr,
                format!(
                    "`{id}` holds {}s, not {}",
                    describe_type(ty),
                    node.kind_name()
                ),
            )
            .attr(id)
            .maybe_hint(hint.map(str::to_owned))
            .span(node.start..node.end)
        }));
    }

    fn check_predefined(
        &mut self,
        def: &AttributeDefinition,
        held: Option<&Value>,
        node: &Shallow<'_>,
        items: &[Shallow<'_>],
        loc: Loc<'_>,
        id: &str,
    ) {
        match &node.kind {
            ShallowKind::Array => {
                for (i, item) in items.iter().enumerate() {
                    self.check_predefined_one(def, held, item, loc.index(i), id);
                }
            }
            _ => self.check_predefined_one(def, held, node, loc, id),
        }
    }

    fn check_predefined_one(
        &mut self,
        def: &AttributeDefinition,
        held: Option<&Value>,
        node: &Shallow<'_>,
        ptr: Loc<'_>,
        id: &str,
    ) {
        // Only elements that are valid on their own: the others already have their violation.
        // `text` is the element as messages show it.
        let (text, verdict) = match (&node.kind, def.attribute_type()) {
            (ShallowKind::String(s), AttributeType::String)
                if !s.is_empty() && (s.len() <= MAX_VALUE_LEN || utf16_len(s) <= MAX_VALUE_LEN) =>
            {
                (&**s, assignable_text(def, held, s))
            }
            (ShallowKind::Number(t), AttributeType::Integer) => match json::int_text(t) {
                // JSON integers are written canonically (no `+`, no leading zeros), so the
                // body's own text reads as the allowed value's id would; only `-0` is not.
                IntText::Int(v) => match i32::try_from(v) {
                    Ok(0) => ("0", assignable_int(def, held, 0)),
                    Ok(v) => (*t, assignable_int(def, held, v)),
                    Err(_) => return,
                },
                _ => return,
            },
            _ => return,
        };
        let violation = match verdict {
            Ok(()) => return,
            Err(Refusal::Deactivated) => Violation::new(
                Code::ValueDeactivated,
                ptr,
                format!(
                    "the predefined value `{}` of `{id}` is deactivated and cannot be assigned anew",
                    self.show(def, text)
                ),
            )
            .with_hint("choose an active value, or reactivate this one (`isActive: true`)"),
            Err(Refusal::NotPredefined) => Violation::new(
                Code::ValueNotPredefined,
                ptr,
                format!(
                    "`{}` is not a predefined value of `{id}`",
                    self.show(def, text)
                ),
            )
            .maybe_hint(self.allowed_hint(def, text)),
        };
        self.push(cold(|| violation.attr(id).span(node.start..node.end)));
    }

    fn allowed_hint(&self, def: &AttributeDefinition, wanted: &str) -> Option<String> {
        if self.policy().is_redacted(def.attribute_set()) || !self.may_suggest() {
            return Some("use one of the attribute's active predefined values".to_owned());
        }
        let active: Vec<&str> = def
            .allowed_values()
            .iter()
            .filter(|v| v.is_active())
            .map(|v| v.id())
            .collect();
        if active.is_empty() {
            return Some(
                "the attribute has no active predefined values yet; add one first".to_owned(),
            );
        }
        // A value that differs only in case is the likeliest mistake: values are case-sensitive.
        if let Some(c) = active.iter().find(|v| v.eq_ignore_ascii_case(wanted)) {
            return Some(format!("values are case-sensitive: did you mean `{c}`?"));
        }
        if let Some(c) = closest(wanted, active.iter().copied()) {
            return Some(format!("did you mean `{c}`?"));
        }
        const SHOWN: usize = 10;
        let mut list = active
            .iter()
            .take(SHOWN)
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if active.len() > SHOWN {
            list.push_str(&format!(" and {} more", active.len() - SHOWN));
        }
        Some(format!("use one of {list}"))
    }
}

/// Why an element may not be assigned to a predefined-values-only attribute.
enum Refusal {
    /// It is an allowed value, deactivated, and the object does not already hold it.
    Deactivated,
    /// It is not an allowed value.
    NotPredefined,
}

/// Whether an element may be assigned to `def`, given the allowed value it names (`found`):
/// it must be an allowed value that is active, or one the object already holds (`held_has`).
fn assignable(
    found: Option<&AllowedValue>,
    held_has: impl FnOnce() -> bool,
) -> Result<(), Refusal> {
    match found {
        Some(av) if av.is_active() || held_has() => Ok(()),
        Some(_) => Err(Refusal::Deactivated),
        None => Err(Refusal::NotPredefined),
    }
}

/// [`assignable`] for an element of a String attribute.
fn assignable_text(
    def: &AttributeDefinition,
    held: Option<&Value>,
    t: &str,
) -> Result<(), Refusal> {
    assignable(def.allowed_value(t), || match held {
        Some(Value::String(s)) => s == t,
        Some(Value::Strings(l)) => l.iter().any(|s| s == t),
        _ => false,
    })
}

/// [`assignable`] for an element of an Integer attribute (looked up by value).
fn assignable_int(def: &AttributeDefinition, held: Option<&Value>, n: i32) -> Result<(), Refusal> {
    assignable(def.allowed_int(n), || match held {
        Some(Value::Integer(i)) => *i == n,
        Some(Value::Integers(l)) => l.contains(&n),
        _ => false,
    })
}

/// Whether every element of a typed value may be assigned ([`assignable`]), checked on the
/// typed value so that accepted values are not read from the body twice.
fn predefined_ok(def: &AttributeDefinition, held: Option<&Value>, v: &Value) -> bool {
    match v {
        Value::String(s) => assignable_text(def, held, s).is_ok(),
        Value::Strings(list) => list.iter().all(|s| assignable_text(def, held, s).is_ok()),
        Value::Integer(i) => assignable_int(def, held, *i).is_ok(),
        Value::Integers(list) => list.iter().all(|i| assignable_int(def, held, *i).is_ok()),
        Value::Boolean(_) => true,
    }
}

fn out_of_range(ptr: Loc<'_>, id: &str, span: std::ops::Range<usize>) -> Violation {
    Violation::new(
        Code::IntegerOutOfRange,
        ptr,
        format!("a value of `{id}` is outside the Int32 range"),
    )
    .attr(id)
    .with_hint("use a whole number from -2147483648 to 2147483647")
    .span(span)
}

pub(crate) fn expected_annotation(def: &AttributeDefinition) -> Option<&'static str> {
    match (def.attribute_type(), def.is_collection()) {
        (AttributeType::Integer, false) => Some("#Int32"),
        (AttributeType::String, true) => Some("#Collection(String)"),
        (AttributeType::Integer, true) => Some("#Collection(Int32)"),
        _ => None,
    }
}

fn describe_type(t: AttributeType) -> &'static str {
    match t {
        AttributeType::String => "string",
        AttributeType::Integer => "integer",
        AttributeType::Boolean => "Boolean",
    }
}

pub(crate) fn describe(def: &AttributeDefinition) -> String {
    match (def.attribute_type(), def.is_collection()) {
        (t, true) => format!("multi-valued {}", describe_type(t)),
        (t, false) => format!("single-valued {}", describe_type(t)),
    }
}

//! Applying changes with preconditions: each change applies only if the attribute still holds
//! what the change was computed from; otherwise every mismatch is a `conflict` and nothing is
//! applied.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::Change;
use crate::policy::Policy;
use crate::value::{State, Value};
use crate::violation::{sort_violations, Code, Document, Pointer, Verdict, Violation};

/// [`apply`](super::apply) with preconditions: each change's `before` must be what the state holds when the
/// change is applied (names compared case-insensitively, collections as sets, `None` meaning not
/// assigned). For changes to distinct attributes, which is all an evaluation or a plan produces,
/// that is the value in `current`. Any mismatch refuses everything, with one `conflict` per
/// mismatch (ordered by pointer), so that a concurrent admin's change is never overwritten.
/// Otherwise the new state, exactly what [`apply`](super::apply) gives.
///
/// Messages show the values involved; use [`apply_checked_with`] to mask redacted sets.
///
/// ```
/// use csa::{apply_checked, Change, State, Value};
///
/// let mut current = State::new();
/// current.insert("Engineering", "NumVendors", Value::Integer(4));
/// let four_to_eight = Change::between(
///     "Engineering", "NumVendors", Some(Value::Integer(4)), Some(Value::Integer(8)),
/// );
/// let changes: Vec<Change> = four_to_eight.into_iter().collect();
/// let applied = apply_checked(&current, &changes);
/// assert_eq!(applied.state().unwrap().get("engineering", "numvendors"), Some(&Value::Integer(8)));
///
/// // Someone set 5 meanwhile: the change was computed from 4, so it is refused.
/// current.insert("Engineering", "NumVendors", Value::Integer(5));
/// let refused = apply_checked(&current, &changes);
/// assert!(!refused.is_allowed());
/// assert_eq!(refused.violations()[0].code().as_str(), "conflict");
/// ```
pub fn apply_checked(current: &State, changes: &[Change]) -> Applied {
    apply_checked_with(current, changes, &Policy::default())
}

/// [`apply_checked`], with the values of the policy's `redactSets` left out of the `conflict`
/// messages: they say only "a single value" or "a collection of 3 values", as the rest of
/// csa's output does for those sets (docs/RULES.md, Policy knobs).
pub fn apply_checked_with(current: &State, changes: &[Change], policy: &Policy) -> Applied {
    let mut out = current.clone();
    let mut violations = Vec::new();
    for c in changes {
        let found = out.get(&c.attribute_set, &c.name);
        let holds = match (&c.before, found) {
            (None, None) => true,
            (Some(b), Some(f)) => b == f,
            _ => false,
        };
        if !holds {
            violations.push(conflict(c, found, policy.is_redacted(&c.attribute_set)));
        }
        // Applied even after a conflict, so that a later change to the same attribute is
        // checked against what the earlier one would leave; the result is dropped anyway.
        match &c.after {
            Some(v) => out.insert(&c.attribute_set, &c.name, v.clone()),
            None => {
                out.remove(&c.attribute_set, &c.name);
            }
        }
    }
    if violations.is_empty() {
        Applied::new(out, changes.len())
    } else {
        Applied::refused(violations)
    }
}

/// What applying changes gave: the new state, or every violation (and then nothing changed).
///
/// Serialises as `csa apply --format json` prints it: `{"customSecurityAttributes": ...}` (the
/// new state in Graph's response form) or `{"violations": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Applied {
    outcome: Result<(State, usize), Vec<Violation>>,
}

impl crate::violation::Parts for Applied {
    fn parts_mut(&mut self) -> (&mut [Violation], &mut [crate::violation::Warning]) {
        crate::violation::result_parts(&mut self.outcome)
    }
}

impl Applied {
    fn new(state: State, changes: usize) -> Self {
        Self {
            outcome: Ok((state, changes)),
        }
    }

    pub(crate) fn refused(mut violations: Vec<Violation>) -> Self {
        debug_assert!(!violations.is_empty(), "a refusal says why");
        sort_violations(&mut violations);
        Self {
            outcome: Err(violations),
        }
    }

    /// Whether the changes were applied.
    pub fn is_allowed(&self) -> bool {
        self.outcome.is_ok()
    }

    /// The new state, when applied.
    pub fn state(&self) -> Option<&State> {
        self.outcome.as_ref().ok().map(|(s, _)| s)
    }

    /// Every violation (empty when applied), ordered by pointer then code.
    pub fn violations(&self) -> &[Violation] {
        self.outcome.as_ref().err().map_or(&[], Vec::as_slice)
    }

    /// How many changes were applied (0 when refused).
    pub fn applied_changes(&self) -> usize {
        self.outcome.as_ref().map_or(0, |(_, n)| *n)
    }

    /// The outcome as a `Result`.
    pub fn result(&self) -> Result<&State, &[Violation]> {
        match &self.outcome {
            Ok((s, _)) => Ok(s),
            Err(v) => Err(v),
        }
    }

    /// The outcome as a `Result`, by value.
    pub fn into_result(self) -> Result<State, Vec<Violation>> {
        self.outcome.map(|(s, _)| s)
    }
}

impl Verdict for Applied {
    fn violations(&self) -> &[Violation] {
        Applied::violations(self)
    }
    fn warnings(&self) -> &[crate::violation::Warning] {
        &[]
    }
}

impl Serialize for Applied {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        match &self.outcome {
            Ok((state, _)) => {
                m.serialize_entry("customSecurityAttributes", &state.response_form())?;
            }
            Err(v) => m.serialize_entry("violations", v)?,
        }
        m.end()
    }
}

/// The `conflict` for a change whose `before` is not what the state holds (`found`).
fn conflict(c: &Change, found: Option<&Value>, redacted: bool) -> Violation {
    let id = c.attribute();
    let expected = describe_held(c.before.as_ref(), redacted);
    let mut seen = describe_held(found, redacted);
    if seen == expected {
        // Only masked descriptions can coincide ("a single value" both times).
        seen = format!("a different {}", seen.trim_start_matches("a "));
    }
    Violation::new(
        Code::Conflict,
        Pointer::root()
            .key("customSecurityAttributes")
            .key(&c.attribute_set)
            .key(&c.name),
        format!("`{id}` is not what the changes were computed from: expected {expected}, found {seen}"),
    )
    .attr(id)
    .with_hint(
        "the object changed after the changes were computed: plan or check again against its current state, then apply the new changes",
    )
    .in_doc(Document::Object)
}

/// A value as a conflict message shows it: its JSON, or with `redacted` only its shape and count.
fn describe_held(v: Option<&Value>, redacted: bool) -> String {
    match v {
        None => "no value (not assigned)".to_owned(),
        Some(v) if !redacted => format!("`{}`", v.to_json()),
        Some(v) if v.is_collection() => match v.count() {
            1 => "a collection of 1 value".to_owned(),
            n => format!("a collection of {n} values"),
        },
        Some(_) => "a single value".to_owned(),
    }
}

//! Changes, diffs, the canonical request body, `apply`, and applying with preconditions.
//!
//! Changes travel: `csa check` and `csa plan` print them, `csa apply` reads them back later,
//! when the object may have changed meanwhile. [`changes_from_json`] reads them (RULES.md §9),
//! and [`apply_checked`] applies them only if every touched attribute still holds the value the
//! change was computed from (Graph has no ETag to do this for us).

use std::fmt;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::json::{Kind, Node};
use crate::limits::MAX_VALUE_LEN;
use crate::names::names_eq;
use crate::policy::Policy;
use crate::reader::{check_name_at, Diag, Props};
use crate::text::Text;
use crate::value::check::{self, IntProblem, StringProblem};
use crate::value::odata::{Annotation, REQUEST_SET_TYPE};
use crate::value::{State, Value};
use crate::violation::{sort_violations, Code, Document, InputError, Pointer, Verdict, Violation};

/// What a change does to one attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Op {
    /// The attribute was not assigned and now is.
    Add,
    /// The attribute's value changes.
    Replace,
    /// The assignment is removed.
    Remove,
}

impl Op {
    /// What changes between a value before and after (`None` = not assigned), if anything
    /// could: `None` when neither is assigned. Whether two values differ is the caller's.
    pub(crate) fn between(before: bool, after: bool) -> Option<Op> {
        match (before, after) {
            (false, false) => None,
            (false, true) => Some(Op::Add),
            (true, false) => Some(Op::Remove),
            (true, true) => Some(Op::Replace),
        }
    }

    /// `add`, `replace` or `remove`.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Add => "add",
            Op::Replace => "replace",
            Op::Remove => "remove",
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Op {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One attribute actually changed, with its value before and after (catalog casing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub(crate) op: Op,
    pub(crate) attribute_set: Text,
    pub(crate) name: Text,
    pub(crate) before: Option<Value>,
    pub(crate) after: Option<Value>,
}

impl Change {
    /// A change from `before` to `after` (`None` = not assigned); `None` when they are equal.
    pub fn between(
        set: &str,
        name: &str,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Option<Change> {
        if let (Some(b), Some(a)) = (&before, &after) {
            if b == a {
                return None;
            }
        }
        Change::known(set.into(), name.into(), before, after)
    }

    /// A change already known to be one (`before` and `after` differ).
    pub(crate) fn known(
        set: Text,
        name: Text,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Option<Change> {
        let op = Op::between(before.is_some(), after.is_some())?;
        Some(Change {
            op,
            attribute_set: set,
            name,
            before,
            after,
        })
    }

    /// `add`, `replace` or `remove`.
    pub fn op(&self) -> Op {
        self.op
    }
    /// The attribute set, in catalog casing.
    pub fn attribute_set(&self) -> &str {
        &self.attribute_set
    }
    /// The attribute name, in catalog casing.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// `Set_Name`.
    pub fn attribute(&self) -> String {
        format!("{}_{}", self.attribute_set, self.name)
    }
    /// The value before (`None` when not assigned).
    pub fn before(&self) -> Option<&Value> {
        self.before.as_ref()
    }
    /// The value after (`None` when removed).
    pub fn after(&self) -> Option<&Value> {
        self.after.as_ref()
    }
}

impl Serialize for Change {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_change(
            s,
            self.op,
            (&self.attribute_set, &self.name),
            &self.before,
            &self.after,
        )
    }
}

/// A change as RULES.md §9 writes it, with values of any form (plain, or masked for an audit
/// record): one place for the schema.
pub(crate) fn serialize_change<S: Serializer, V: Serialize>(
    s: S,
    op: Op,
    (set, name): (&str, &str),
    before: &Option<V>,
    after: &Option<V>,
) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(6))?;
    m.serialize_entry("op", &op)?;
    m.serialize_entry("attribute", &format!("{set}_{name}"))?;
    m.serialize_entry("attributeSet", set)?;
    m.serialize_entry("name", name)?;
    m.serialize_entry("before", before)?;
    m.serialize_entry("after", after)?;
    m.end()
}

/// Applies changes to a state: the new state. Changes name attributes case-insensitively.
#[must_use]
pub fn apply(state: &State, changes: &[Change]) -> State {
    let mut out = state.clone();
    for c in changes {
        match &c.after {
            Some(v) => {
                out.insert(&c.attribute_set, &c.name, v.clone());
            }
            None => {
                out.remove(&c.attribute_set, &c.name);
            }
        }
    }
    out
}

/// [`apply`] with preconditions: each change's `before` must be what the state holds when the
/// change is applied (names compared case-insensitively, collections as sets, `None` meaning not
/// assigned). For changes to distinct attributes, which is all an evaluation or a plan produces,
/// that is the value in `current`. Any mismatch refuses everything, with one `conflict` per
/// mismatch (ordered by pointer), so that a concurrent admin's change is never overwritten.
/// Otherwise the new state, exactly what [`apply`] gives.
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
/// csa's output does for those sets (RULES.md §6).
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

const CHANGE_KEYS: &[&str] = &["op", "attribute", "attributeSet", "name", "before", "after"];

/// Reads changes written as RULES.md §9 writes them: the JSON output of `csa check` or
/// `csa plan` (`{"allowed": true, "changes": [...], ...}`; other keys are ignored), or just its
/// `changes` array. Each change needs all six keys (`before` and `after` may be `null`, never
/// left out: a missing `before` would be a precondition nobody stated); unknown keys are
/// ignored. Checked: names, values (as the PATCH rules type them: non-empty strings of at most
/// 64 characters, Int32s, Booleans, non-empty collections of strings or Int32s without
/// repeats), that `op` agrees with which of `before` and `after` are present, that a `replace`
/// changes the value, that `attribute` is `{attributeSet}_{name}`, and that no
/// attribute is changed twice. Every problem is reported; messages never quote values (they may
/// belong to redacted sets). Never panics.
pub fn changes_from_json(bytes: &[u8]) -> Result<Vec<Change>, InputError> {
    let mut d = Diag::for_doc(Document::Changes);
    let mut changes = Vec::new();
    if let Some(root) = d.parse(bytes, "changes document") {
        read_changes(&root, &mut d, &mut changes);
    }
    if d.violations.is_empty() {
        Ok(changes.into_iter().map(|(_, c)| c).collect())
    } else {
        Err(d.into_error())
    }
}

/// Reads the document's changes into `out`, each with its pointer.
fn read_changes(root: &Node<'_>, d: &mut Diag, out: &mut Vec<(Pointer, Change)>) {
    let root_ptr = Pointer::root();
    let (items, base) = match &root.kind {
        Kind::Array(items) => (items.as_slice(), root_ptr),
        Kind::Object(_) => {
            let Some(p) = Props::new(root, &root_ptr, "a changes document", d) else {
                return;
            };
            p.check_unknown(&["allowed", "changes"], "a changes document", d);
            d.warnings.clear();
            // Only a check or plan output says `"allowed": true`; an audit record (whose values
            // may be masked) or any other object with `changes` is not a changes document.
            let Some(n) = p.required(
                "allowed",
                "a changes document (the output of check or plan)",
                d,
            ) else {
                return;
            };
            {
                match n.as_bool() {
                    Some(true) => {}
                    Some(false) => {
                        d.push(
                            Violation::new(
                                Code::InvalidProperty,
                                root_ptr.key("allowed"),
                                "the document is a refused evaluation: it has no changes to apply",
                            )
                            .with_hint("fix the violations it lists, then check or plan again")
                            .span(n.start..n.end),
                        );
                        return;
                    }
                    None => d.push(
                        Violation::new(
                            Code::InvalidProperty,
                            root_ptr.key("allowed"),
                            format!("`allowed` must be a Boolean, not {}", n.kind_name()),
                        )
                        .span(n.start..n.end),
                    ),
                }
            }
            let Some(n) = p.required("changes", "a changes document", d) else {
                return;
            };
            match n.as_array() {
                Some(items) => (items, root_ptr.key("changes")),
                None => {
                    d.push(
                        Violation::new(
                            Code::InvalidProperty,
                            root_ptr.key("changes"),
                            format!("`changes` must be an array, not {}", n.kind_name()),
                        )
                        .span(n.start..n.end),
                    );
                    return;
                }
            }
        }
        _ => {
            d.push(
                Violation::new(
                    Code::InvalidShape,
                    "",
                    format!(
                        "changes are an array, or an object with `changes`, not {}",
                        root.kind_name()
                    ),
                )
                .with_hint("pass the JSON output of `csa check` or `csa plan`, or its `changes`")
                .span(root.start..root.end),
            );
            return;
        }
    };
    let (mut keys, mut names) = (Vec::new(), crate::names::NameIndex::default());
    for (i, item) in items.iter().enumerate() {
        let ptr = base.index(i);
        let Some(change) = read_change(item, &ptr, d) else {
            continue;
        };
        // `Set_Name` is one name per attribute (names have no `_`): indexed, so thousands of
        // changes are checked in linear time.
        let key = format!("{}_{}", change.attribute_set, change.name);
        let repeated = names
            .first(keys.len(), |i| keys.get(i).map(String::as_str), &key)
            .is_some();
        keys.push(key);
        if repeated {
            d.push(
                Violation::new(
                    Code::DuplicateKey,
                    ptr.key("attribute"),
                    format!(
                        "`{}` is changed more than once (names are case-insensitive)",
                        change.attribute()
                    ),
                )
                .attr(change.attribute())
                .with_hint("keep one change per attribute")
                .span(item.start..item.end),
            );
            continue;
        }
        out.push((ptr, change));
    }
}

/// One change; `None` after recording what is wrong with it.
fn read_change(node: &Node<'_>, ptr: &Pointer, d: &mut Diag) -> Option<Change> {
    let p = Props::new(node, ptr, "a change", d)?;
    let before_count = d.violations.len();
    p.check_unknown(CHANGE_KEYS, "a change", d);
    d.warnings.clear();
    let text = |key: &str, d: &mut Diag| {
        p.required(key, "a change", d)
            .and_then(|n| p.string(key, n, d).map(|s| (s, n)))
    };
    let op = text("op", d).and_then(|(s, n)| {
        let op = match s {
            "add" => Some(Op::Add),
            "replace" => Some(Op::Replace),
            "remove" => Some(Op::Remove),
            _ => None,
        };
        if op.is_none() {
            d.push(
                Violation::new(
                    Code::InvalidProperty,
                    ptr.key("op"),
                    format!("`op` must be `add`, `replace` or `remove`, not `{s}`"),
                )
                .span(n.start..n.end),
            );
        }
        op
    });
    let set = text("attributeSet", d)
        .filter(|(s, n)| check_name_at(s, &ptr.key("attributeSet"), n, "attribute set", d));
    let name =
        text("name", d).filter(|(s, n)| check_name_at(s, &ptr.key("name"), n, "attribute", d));
    let attribute = text("attribute", d);
    let value = |key: &str, d: &mut Diag| match p.get(key) {
        Some(n) => read_value(n, &ptr.key(key), d),
        None => {
            d.push(
                Violation::new(
                    Code::MissingProperty,
                    ptr,
                    format!("a change needs `{key}` (`null` when the attribute is not assigned)"),
                )
                .span(node.start..node.end),
            );
            None
        }
    };
    let before = value("before", d);
    let after = value("after", d);
    let ((set, _), (name, _)) = (set?, name?);
    if let Some((attribute, n)) = attribute {
        let names_it = attribute
            .split_once('_')
            .is_some_and(|(s, a)| names_eq(s, set) && names_eq(a, name));
        if !names_it {
            d.push(
                Violation::new(
                    Code::IdMismatch,
                    ptr.key("attribute"),
                    format!("`{attribute}` is not `{set}_{name}`, the change's `attributeSet` and `name`"),
                )
                .with_hint("write `attribute` as `{attributeSet}_{name}`")
                .span(n.start..n.end),
            );
        }
    }
    let (op, before, after) = (op?, before?, after?);
    check_op(op, before.as_ref(), after.as_ref(), ptr, d);
    (d.violations.len() == before_count).then(|| Change {
        op,
        attribute_set: Text::new(set),
        name: Text::new(name),
        before,
        after,
    })
}

/// Whether `op` agrees with the values before and after; a violation when not.
fn check_op(op: Op, before: Option<&Value>, after: Option<&Value>, ptr: &Pointer, d: &mut Diag) {
    let problem = match (op, before, after) {
        (Op::Add, None, Some(_)) | (Op::Remove, Some(_), None) => None,
        (Op::Replace, Some(b), Some(a)) if b == a => Some((
            Code::InvalidProperty,
            "after",
            "`before` and `after` hold the same value (collections are sets): this is no change"
                .to_owned(),
        )),
        (Op::Replace, Some(_), Some(_)) => None,
        (_, _, _) => {
            let (key, what) = match (op, before.is_some()) {
                (Op::Add, true) => (
                    "before",
                    "an `add` has no value before: `before` must be null",
                ),
                (Op::Add, false) => ("after", "an `add` needs a value after"),
                (Op::Remove, false) => ("before", "a `remove` needs the value before"),
                (Op::Remove, true) => (
                    "after",
                    "a `remove` has no value after: `after` must be null",
                ),
                (_, false) => (
                    "before",
                    "a `replace` needs the value before; use `add` for a new assignment",
                ),
                (_, true) => (
                    "after",
                    "a `replace` needs a value after; use `remove` to remove",
                ),
            };
            Some((Code::InvalidProperty, key, what.to_owned()))
        }
    };
    if let Some((code, key, message)) = problem {
        d.push(Violation::new(code, ptr.key(key), message));
    }
}

/// A `before` or `after`: `Some(None)` for `null`, `None` after recording what is wrong.
fn read_value(n: &Node<'_>, ptr: &Pointer, d: &mut Diag) -> Option<Option<Value>> {
    let bad = |d: &mut Diag, code: Code, ptr: &Pointer, n: &Node<'_>, message: String| {
        d.push(Violation::new(code, ptr, message).span(n.start..n.end));
    };
    match &n.kind {
        Kind::Null => Some(None),
        Kind::Bool(b) => Some(Some(Value::Boolean(*b))),
        Kind::String(_) | Kind::Number(_) => scalar(n, ptr, d).map(Some),
        Kind::Array(items) => {
            let Some(first) = items.first() else {
                bad(
                    d,
                    Code::InvalidProperty,
                    ptr,
                    n,
                    "an empty collection is no value: write `null` for an attribute not assigned"
                        .to_owned(),
                );
                return None;
            };
            let strings = match first.kind {
                Kind::String(_) => true,
                Kind::Number(_) => false,
                _ => {
                    bad(
                        d,
                        Code::TypeMismatch,
                        &ptr.index(0),
                        first,
                        format!(
                            "a collection holds strings or integers, not {}",
                            first.kind_name()
                        ),
                    );
                    return None;
                }
            };
            let mut ok = true;
            let mut elements: Vec<Value> = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let ip = ptr.index(i);
                let fits = matches!(
                    (&item.kind, strings),
                    (Kind::String(_), true) | (Kind::Number(_), false)
                );
                if !fits {
                    let want = if strings { "strings" } else { "integers" };
                    bad(
                        d,
                        Code::TypeMismatch,
                        &ip,
                        item,
                        format!(
                            "the collection holds {want} (as its first element shows), not {}",
                            item.kind_name()
                        ),
                    );
                    ok = false;
                    continue;
                }
                match scalar(item, &ip, d) {
                    Some(v) if check::repeats(&elements, &v) => {
                        bad(
                            d,
                            Code::DuplicateValue,
                            &ip,
                            item,
                            "the collection lists this value more than once".to_owned(),
                        );
                        ok = false;
                    }
                    Some(v) => elements.push(v),
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            let value = if strings {
                Value::strings(elements.into_iter().filter_map(|v| match v {
                    Value::String(s) => Some(s),
                    _ => None,
                }))
            } else {
                Value::integers(elements.into_iter().filter_map(|v| match v {
                    Value::Integer(i) => Some(i),
                    _ => None,
                }))
            };
            Some(value)
        }
        Kind::Object(_) => {
            bad(
                d,
                Code::TypeMismatch,
                ptr,
                n,
                "a value is a string, an integer, a Boolean, an array of strings or integers, or null; not an object".to_owned(),
            );
            None
        }
    }
}

/// A string or an integer, checked as the PATCH rules check them ([`check`]).
fn scalar(n: &Node<'_>, ptr: &Pointer, d: &mut Diag) -> Option<Value> {
    let problem = match &n.kind {
        Kind::String(s) => match check::check_string(s) {
            Ok(()) => return Some(Value::String(Text::new(s))),
            Err(StringProblem::Empty) => (
                Code::EmptyString,
                "a value cannot be an empty string".to_owned(),
            ),
            Err(StringProblem::TooLong { .. }) => (
                Code::ValueTooLong,
                format!("a value is at most {MAX_VALUE_LEN} characters (UTF-16 code units) long"),
            ),
        },
        Kind::Number(t) => match check::int32(t) {
            Ok(v) => return Some(Value::Integer(v)),
            Err(IntProblem::OutOfRange) => (
                Code::IntegerOutOfRange,
                "a value is outside the Int32 range".to_owned(),
            ),
            Err(IntProblem::NotWhole) => (
                Code::TypeMismatch,
                "a number value must be a whole number without a fraction or exponent".to_owned(),
            ),
        },
        _ => (
            Code::TypeMismatch,
            format!("expected a string or an integer, not {}", n.kind_name()),
        ),
    };
    let (code, message) = problem;
    d.push(Violation::new(code, ptr, message).span(n.start..n.end));
    None
}

/// An accepted PATCH: what changes and the whole resulting state.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Diff {
    pub(crate) changes: Vec<Change>,
    pub(crate) after: State,
}

impl Diff {
    /// One change per attribute actually changed, in body order.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }
    /// The complete resulting state (not projected to any actor).
    pub fn after(&self) -> &State {
        &self.after
    }
    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
    /// Applies this diff's changes to `before`.
    pub fn apply(&self, before: &State) -> State {
        apply(before, &self.changes)
    }
    /// The canonical request body holding exactly the changes, `None` when nothing changes.
    pub fn request(&self) -> Option<RequestBody<'_>> {
        (!self.changes.is_empty()).then_some(RequestBody(&self.changes))
    }
}

/// The canonical Graph PATCH body for a list of changes (request form, catalog casing,
/// annotations as the Graph examples write them).
#[derive(Debug, Clone, Copy)]
pub struct RequestBody<'a>(pub(crate) &'a [Change]);

impl RequestBody<'_> {
    /// As a `serde_json::Value`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

impl Serialize for RequestBody<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Sets<'a>(&'a [Change]);
        struct OneSet<'a>(&'a [Change], &'a str);
        impl Serialize for Sets<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(None)?;
                let mut seen: Vec<&str> = Vec::new();
                for c in self.0 {
                    if seen.contains(&&*c.attribute_set) {
                        continue;
                    }
                    seen.push(&c.attribute_set);
                    m.serialize_entry(&*c.attribute_set, &OneSet(self.0, &c.attribute_set))?;
                }
                m.end()
            }
        }
        impl Serialize for OneSet<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("@odata.type", REQUEST_SET_TYPE)?;
                for c in self.0.iter().filter(|c| &*c.attribute_set == self.1) {
                    match &c.after {
                        Some(v) => {
                            if let Some(ann) = Annotation::of_value(v).map(Annotation::as_str) {
                                m.serialize_entry(&format!("{}@odata.type", c.name), ann)?;
                            }
                            m.serialize_entry(&*c.name, v)?;
                        }
                        // Removal: `[]` for collections, `null` for single values, no annotation.
                        None => match &c.before {
                            Some(b) if b.is_collection() => {
                                m.serialize_entry(&*c.name, &[(); 0])?;
                            }
                            _ => m.serialize_entry(&*c.name, &())?,
                        },
                    }
                }
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("customSecurityAttributes", &Sets(self.0))?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_body_is_canonical() {
        let changes = vec![
            Change::between("Engineering", "NumVendors", None, Some(Value::Integer(4))).unwrap(),
            Change::between(
                "Engineering",
                "Project",
                Some(Value::strings(["A"]).unwrap()),
                None,
            )
            .unwrap(),
            Change::between(
                "Marketing",
                "EmployeeId",
                Some(Value::String("x".into())),
                None,
            )
            .unwrap(),
        ];
        let body = RequestBody(&changes).to_json();
        assert_eq!(
            body,
            serde_json::json!({"customSecurityAttributes": {
                "Engineering": {"@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
                    "NumVendors@odata.type": "#Int32", "NumVendors": 4, "Project": []},
                "Marketing": {"@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
                    "EmployeeId": null}}})
        );
    }

    #[test]
    fn equal_values_are_no_change() {
        assert!(Change::between(
            "E",
            "P",
            Some(Value::strings(["a", "b"]).unwrap()),
            Some(Value::strings(["b", "a"]).unwrap())
        )
        .is_none());
        assert!(Change::between("E", "P", None, None).is_none());
    }
}

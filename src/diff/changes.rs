//! Reading changes back: the JSON output of `csa check` or `csa plan` (or its `changes` array),
//! every change checked as the PATCH rules type values, every problem reported.

use super::{Change, Op};
use crate::json::{Kind, Node};
use crate::limits::MAX_VALUE_LEN;
use crate::names::names_eq;
use crate::reader::{check_name_at, Diag, Props};
use crate::text::Text;
use crate::value::check::{self, IntProblem, StringProblem};
use crate::value::Value;
use crate::violation::{Code, Document, InputError, Pointer, Violation};

const CHANGE_KEYS: &[&str] = &["op", "attribute", "attributeSet", "name", "before", "after"];

/// Reads changes as docs/RULES.md (Output documents) writes them: the JSON output of `csa check` or
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
                format!("a value is at most {MAX_VALUE_LEN} UTF-16 code units long"),
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

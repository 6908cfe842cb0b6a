//! Graph's wire format for assignment PATCH bodies: from the JSON tree to a typed request with
//! pointers and spans. Structural problems inside a set are kept with the set, because they may
//! only be reported once the actor is known to be allowed to see that set (RULES.md §4).

use std::ops::Range;

use crate::json::Node;
use crate::names::names_eq;
use crate::value::{REQUEST_SET_TYPE, RESPONSE_SET_TYPE};
use crate::violation::{Code, Pointer, Violation, Warning, WarningCode};

/// The property that carries assignments.
pub(crate) const CSA: &str = "customSecurityAttributes";
const ODATA_TYPE: &str = "@odata.type";

/// Where something is in the body: a set, optionally a key inside it, optionally an element.
/// Building the JSON Pointer allocates, so it is only done when a violation or warning needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Loc<'k> {
    set: &'k str,
    key: Option<&'k str>,
    index: Option<usize>,
}

impl<'k> Loc<'k> {
    pub(crate) fn set(set: &'k str) -> Self {
        Self {
            set,
            key: None,
            index: None,
        }
    }
    pub(crate) fn key(self, key: &'k str) -> Self {
        Self {
            key: Some(key),
            ..self
        }
    }
    pub(crate) fn index(self, index: usize) -> Self {
        Self {
            index: Some(index),
            ..self
        }
    }
    pub(crate) fn pointer(self) -> Pointer {
        let mut p = Pointer::root().key(CSA).key(self.set);
        if let Some(k) = self.key {
            p = p.key(k);
        }
        if let Some(i) = self.index {
            p = p.index(i);
        }
        p
    }
}

impl From<Loc<'_>> for String {
    fn from(l: Loc<'_>) -> String {
        l.pointer().into()
    }
}

/// A per-attribute type annotation Graph knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Annotation {
    Int32,
    CollectionString,
    CollectionInt32,
}

impl Annotation {
    fn parse(s: &str) -> Option<Annotation> {
        let s = s.strip_prefix('#').unwrap_or(s);
        let eq = |t: &str| s.eq_ignore_ascii_case(t);
        if eq("Int32") || eq("Edm.Int32") {
            Some(Annotation::Int32)
        } else if eq("Collection(String)") || eq("Collection(Edm.String)") {
            Some(Annotation::CollectionString)
        } else if eq("Collection(Int32)") || eq("Collection(Edm.Int32)") {
            Some(Annotation::CollectionInt32)
        } else {
            None
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Annotation::Int32 => "#Int32",
            Annotation::CollectionString => "#Collection(String)",
            Annotation::CollectionInt32 => "#Collection(Int32)",
        }
    }
}

/// An annotation attached to an attribute.
#[derive(Debug, Clone)]
pub(crate) struct AnnotationEntry<'n> {
    pub(crate) kind: Annotation,
    pub(crate) loc: Loc<'n>,
    pub(crate) span: Range<usize>,
}

/// One attribute named in a set object.
#[derive(Debug)]
pub(crate) struct AttrEntry<'n, 'a> {
    pub(crate) key: &'n str,
    pub(crate) loc: Loc<'n>,
    pub(crate) key_span: Range<usize>,
    pub(crate) value: &'n Node<'a>,
    pub(crate) annotation: Option<AnnotationEntry<'n>>,
    /// A second key naming the same attribute (its `duplicate_key` is in the set's problems).
    pub(crate) repeated: bool,
}

/// One attribute set named in the body.
#[derive(Debug)]
pub(crate) struct SetEntry<'n, 'a> {
    pub(crate) key: &'n str,
    pub(crate) loc: Loc<'n>,
    pub(crate) key_span: Range<usize>,
    pub(crate) attrs: Vec<AttrEntry<'n, 'a>>,
    /// Violations inside this set, reported only when the actor may act on the set; each with
    /// the body's spelling of the attribute it concerns, if any.
    pub(crate) problems: Vec<(Violation, Option<&'n str>)>,
    /// Warnings inside this set, likewise held back.
    pub(crate) warnings: Vec<Warning>,
    /// A second key naming the same set.
    pub(crate) repeated: bool,
}

impl<'n> SetEntry<'n, '_> {
    fn problem(&mut self, v: Violation) {
        self.problems.push((v, None));
    }
    fn attr_problem(&mut self, v: Violation, attr: &'n str) {
        self.problems.push((v, Some(attr)));
    }
}

/// A PATCH body read into sets and attributes.
#[derive(Debug)]
pub(crate) struct Request<'n, 'a> {
    pub(crate) sets: Vec<SetEntry<'n, 'a>>,
    /// Span of the `customSecurityAttributes` value.
    pub(crate) span: Range<usize>,
}

fn ignored(ptr: impl Into<String>, key: &str, span: Range<usize>, what: &str) -> Warning {
    Warning::new(
        WarningCode::IgnoredProperty,
        ptr,
        format!("the property `{key}` {what} and was ignored"),
    )
    .span(span)
}

/// Reads the body's structure. Document-level problems go to `violations` (and `None` is
/// returned when nothing further can be read); set-level ones stay with their set.
pub(crate) fn read_request<'n, 'a>(
    root: &'n Node<'a>,
    violations: &mut Vec<Violation>,
    warnings: &mut Vec<Warning>,
) -> Option<Request<'n, 'a>> {
    let root_ptr = Pointer::root();
    let Some(members) = root.as_object() else {
        violations.push(
            Violation::new(
                Code::InvalidJson,
                "",
                format!("the body must be a JSON object, not {}", root.kind_name()),
            )
            .with_hint("send `{\"customSecurityAttributes\": {...}}`")
            .span(root.start..root.end),
        );
        return None;
    };
    let mut csa = None;
    for (i, m) in members.iter().enumerate() {
        let key = m.key.as_ref();
        if members.iter().take(i).any(|p| p.key == m.key) {
            violations.push(
                Violation::new(
                    Code::DuplicateKey,
                    root_ptr.key(key),
                    format!("the property `{key}` appears more than once"),
                )
                .with_hint("keep one of them: Graph would silently use only one")
                .span(m.key_start..m.key_end),
            );
            continue;
        }
        if key == CSA {
            csa = Some(m);
        } else if !key.starts_with("@odata.") {
            warnings.push(ignored(
                root_ptr.key(key),
                key,
                m.key_start..m.key_end,
                "is outside custom security attributes",
            ));
        }
    }
    let Some(csa) = csa else {
        violations.push(
            Violation::new(
                Code::InvalidShape,
                "",
                "the body has no `customSecurityAttributes`",
            )
            .with_hint("put the attribute sets under `customSecurityAttributes`")
            .span(root.start..root.end),
        );
        return None;
    };
    let Some(sets) = csa.value.as_object() else {
        violations.push(
            Violation::new(
                Code::InvalidShape,
                root_ptr.key(CSA),
                format!(
                    "`customSecurityAttributes` must be an object, not {}",
                    csa.value.kind_name()
                ),
            )
            .with_hint("Graph has no bulk removal: remove each attribute with `null` or `[]`")
            .span(csa.value.start..csa.value.end),
        );
        return None;
    };
    let mut out = Vec::with_capacity(sets.len());
    for (i, m) in sets.iter().enumerate() {
        let key = m.key.as_ref();
        let loc = Loc::set(key);
        if key.contains('@') {
            if !key.starts_with("@odata.") {
                warnings.push(ignored(
                    loc,
                    key,
                    m.key_start..m.key_end,
                    "is not an attribute set",
                ));
            }
            continue;
        }
        let repeated = sets
            .iter()
            .take(i)
            .any(|p| !p.key.contains('@') && names_eq(&p.key, key));
        let mut entry = SetEntry {
            key,
            loc,
            key_span: m.key_start..m.key_end,
            attrs: Vec::new(),
            problems: Vec::new(),
            warnings: Vec::new(),
            repeated,
        };
        if repeated {
            entry.problem(
                Violation::new(
                    Code::DuplicateKey,
                    entry.loc,
                    format!("the attribute set `{key}` appears more than once (names are case-insensitive)"),
                )
                .with_hint("merge the two set objects into one")
                .span(m.key_start..m.key_end),
            );
        } else {
            read_set(&m.value, &mut entry);
        }
        out.push(entry);
    }
    Some(Request {
        sets: out,
        span: csa.value.start..csa.value.end,
    })
}

fn read_set<'n, 'a>(node: &'n Node<'a>, entry: &mut SetEntry<'n, 'a>) {
    let Some(members) = node.as_object() else {
        entry.problem(
            Violation::new(
                Code::InvalidShape,
                entry.loc,
                format!(
                    "the attribute set `{}` must be an object, not {}",
                    entry.key,
                    node.kind_name()
                ),
            )
            .with_hint("Graph has no bulk removal: remove each attribute with `null` or `[]`")
            .span(node.start..node.end),
        );
        return;
    };
    let mut set_type: Option<&Node<'a>> = None;
    let mut annotations: Vec<(&str, &'n crate::json::Member<'a>)> = Vec::new();
    for m in members {
        let key: &'n str = m.key.as_ref();
        let ptr = entry.loc.key(key);
        let key_span = m.key_start..m.key_end;
        if key.eq_ignore_ascii_case(ODATA_TYPE) {
            if set_type.is_some() {
                entry.problem(
                    Violation::new(
                        Code::DuplicateKey,
                        ptr,
                        "`@odata.type` appears more than once",
                    )
                    .span(key_span),
                );
            } else {
                set_type = Some(&m.value);
            }
            continue;
        }
        if let Some(attr) =
            strip_suffix_ci(key, ODATA_TYPE).filter(|a| !a.is_empty() && !a.contains('@'))
        {
            if annotations.iter().any(|(a, _)| names_eq(a, attr)) {
                entry.attr_problem(
                    Violation::new(
                        Code::DuplicateKey,
                        ptr,
                        format!("the annotation of `{attr}` appears more than once"),
                    )
                    .with_hint("keep one annotation per attribute")
                    .span(key_span),
                    attr,
                );
            } else {
                annotations.push((attr, m));
            }
            continue;
        }
        if key.contains('@') {
            if !key.starts_with("@odata.") {
                entry
                    .warnings
                    .push(ignored(ptr, key, key_span, "is not an attribute"));
            }
            continue;
        }
        let repeated = entry.attrs.iter().any(|a| names_eq(a.key, key));
        if repeated {
            entry.attr_problem(
                Violation::new(
                    Code::DuplicateKey,
                    ptr,
                    format!(
                        "the attribute `{key}` appears more than once (names are case-insensitive)"
                    ),
                )
                .with_hint("keep one of them")
                .span(key_span.clone()),
                key,
            );
        }
        entry.attrs.push(AttrEntry {
            key,
            loc: ptr,
            key_span,
            value: &m.value,
            annotation: None,
            repeated,
        });
    }
    match set_type {
        None => entry.problem(
            Violation::new(
                Code::MissingOdataType,
                entry.loc,
                format!("the attribute set `{}` has no `@odata.type`", entry.key),
            )
            .with_hint(format!("add `\"@odata.type\": \"{REQUEST_SET_TYPE}\"`"))
            .span(entry.key_span.clone()),
        ),
        Some(t) => {
            let ok = t.as_str().is_some_and(|s| {
                s.eq_ignore_ascii_case(REQUEST_SET_TYPE)
                    || s.eq_ignore_ascii_case(RESPONSE_SET_TYPE)
            });
            if !ok {
                entry.problem(
                    Violation::new(
                        Code::InvalidOdataType,
                        entry.loc.key(ODATA_TYPE),
                        format!(
                            "the attribute set `{}` has the type {}, not a custom security attribute value",
                            entry.key,
                            t.as_str().map_or_else(|| t.kind_name().to_owned(), |s| format!("`{s}`"))
                        ),
                    )
                    .with_hint(format!("use `{REQUEST_SET_TYPE}`"))
                    .span(t.start..t.end),
                );
            }
        }
    }
    for (attr, m) in annotations {
        let ptr = entry.loc.key(&m.key);
        let span = m.value.start..m.value.end;
        let Some(kind) = m.value.as_str().and_then(Annotation::parse) else {
            entry.attr_problem(
                Violation::new(
                    Code::InvalidOdataType,
                    ptr,
                    format!(
                        "{} is not an attribute annotation Graph knows",
                        m.value
                            .as_str()
                            .map_or_else(|| m.value.kind_name().to_owned(), |s| format!("`{s}`"))
                    ),
                )
                .with_hint(
                    "use `#Int32`, `#Collection(String)` or `#Collection(Int32)`, or leave it out",
                )
                .span(span),
                attr,
            );
            continue;
        };
        match entry
            .attrs
            .iter_mut()
            .find(|a| !a.repeated && names_eq(a.key, attr))
        {
            Some(a) => {
                a.annotation = Some(AnnotationEntry {
                    kind,
                    loc: ptr,
                    span,
                })
            }
            None => entry.attr_problem(
                Violation::new(
                    Code::AnnotationMismatch,
                    ptr,
                    format!(
                        "the annotation `{}` names `{attr}`, which is not in this set object",
                        m.key
                    ),
                )
                .with_hint("put the annotation beside its attribute, or remove it")
                .span(m.key_start..m.key_end),
                attr,
            ),
        }
    }
}

fn strip_suffix_ci<'s>(s: &'s str, suffix: &str) -> Option<&'s str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let (head, tail) = (s.get(..cut)?, s.get(cut..)?);
    tail.eq_ignore_ascii_case(suffix).then_some(head)
}

//! Graph's wire format for assignment PATCH bodies, read in one pass over the bytes with the
//! JSON reader's steps (no tree is built): the top level, each set's `@odata.type`, attributes,
//! annotations and array elements, with their locations and spans. Each set is handed to the
//! rules as soon as it is read. Structural problems inside a set are kept with the set, because they may
//! only be reported once the actor is known to be allowed to see that set (docs/RULES.md,
//! Authorization).

use std::borrow::Cow;
use std::ops::Range;

use smallvec::SmallVec;

use crate::json::{ParseError, Parser, Shallow, ShallowKind};
use crate::names::NameIndex;
pub(crate) use crate::value::odata::Annotation;
use crate::value::odata::{REQUEST_SET_TYPE, RESPONSE_SET_TYPE};
use crate::violation::{cold, Code, Pointer, Violation, Warning, WarningCode, MAX_DECIMAL};

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
    /// The JSON Pointer, written into one string sized for it.
    pub(crate) fn pointer(self) -> Pointer {
        let key = self.key.map_or(0, |k| k.len() + 1);
        let index = self.index.map_or(0, |_| 1 + MAX_DECIMAL);
        let mut p = Pointer::with_capacity(CSA.len() + self.set.len() + 2 + key + index);
        p.push_plain_key(CSA);
        p.push_key(self.set);
        if let Some(k) = self.key {
            p.push_key(k);
        }
        if let Some(i) = self.index {
            p.push_index(i);
        }
        p
    }
}

impl From<Loc<'_>> for String {
    fn from(l: Loc<'_>) -> String {
        l.pointer().into()
    }
}

/// An annotation attached to an attribute.
#[derive(Debug, Clone)]
pub(crate) struct AnnotationEntry<'a> {
    pub(crate) kind: Annotation,
    /// The annotation's key, as sent (`Name@odata.type`).
    pub(crate) key: Cow<'a, str>,
    pub(crate) span: Range<usize>,
}

/// One attribute named in a set object.
#[derive(Debug)]
pub(crate) struct AttrEntry<'a> {
    pub(crate) key: Cow<'a, str>,
    pub(crate) key_span: Range<usize>,
    pub(crate) value: Shallow<'a>,
    /// For an array value, where its elements are in [`Request::items`] (empty otherwise).
    pub(crate) items: Range<usize>,
    /// Its annotation's position in [`Request::annotations`], if it has one.
    pub(crate) annotation: Option<u32>,
    /// A second key naming the same attribute (its `duplicate_key` is in the set's problems).
    pub(crate) repeated: bool,
}

/// One attribute set named in the body.
#[derive(Debug)]
pub(crate) struct SetEntry<'a> {
    pub(crate) key: Cow<'a, str>,
    pub(crate) key_span: Range<usize>,
    /// Violations inside this set, reported only when the actor may act on the set; each with
    /// the body's spelling of the attribute it concerns, if any.
    pub(crate) problems: Vec<(Violation, Option<Cow<'a, str>>)>,
    /// Warnings inside this set, likewise held back.
    pub(crate) warnings: Vec<Warning>,
    /// A second key naming the same set.
    pub(crate) repeated: bool,
}

impl<'a> SetEntry<'a> {
    /// Where the set is in the body.
    pub(crate) fn loc(&self) -> Loc<'_> {
        Loc::set(&self.key)
    }
    fn problem(&mut self, v: Violation) {
        self.problems.push((v, None));
    }
    fn attr_problem(&mut self, v: Violation, attr: Cow<'a, str>) {
        self.problems.push((v, Some(attr)));
    }
}

/// The attributes of the set just read, for [`read_request`]'s callback. The lists are
/// reused from set to set and hold a typical set without allocating (a set object names a
/// few attributes; larger ones spill to the heap).
#[derive(Debug, Default)]
pub(crate) struct Request<'a> {
    /// The set's attributes.
    pub(crate) attrs: SmallVec<[AttrEntry<'a>; 8]>,
    /// The elements of attribute values that are arrays.
    pub(crate) items: SmallVec<[Shallow<'a>; 16]>,
    /// The attributes' annotations (kept apart: half the attributes have none).
    pub(crate) annotations: SmallVec<[AnnotationEntry<'a>; 8]>,
    /// Scratch list of the annotations of the set being read.
    pending: SmallVec<[PendingAnnotation<'a>; 8]>,
    /// Finds the set's attributes by name once there are many of them.
    names: NameIndex,
    /// Likewise for the attributes the pending annotations name.
    pending_names: NameIndex,
}

impl<'a> Request<'a> {
    /// Empties the lists (keeping their room) for the next set.
    fn start_set(&mut self) {
        self.names.clear();
        self.pending_names.clear();
        self.attrs.clear();
        self.items.clear();
        self.annotations.clear();
        self.pending.clear();
    }
    /// The first of the set's attributes named `key` (case-insensitively).
    fn find_attr(&mut self, key: &str) -> Option<usize> {
        let attrs = &self.attrs;
        self.names
            .first(attrs.len(), |i| attrs.get(i).map(|a| &*a.key), key)
    }
    /// The annotation sent with `attr`, if any.
    pub(crate) fn annotation(&self, attr: &AttrEntry<'_>) -> Option<&AnnotationEntry<'a>> {
        self.annotations
            .get(usize::try_from(attr.annotation?).ok()?)
    }
    /// The elements of `attr`'s value, when it is an array.
    pub(crate) fn items(&self, attr: &AttrEntry<'_>) -> &[Shallow<'a>] {
        self.items.get(attr.items.clone()).unwrap_or(&[])
    }
}

/// What reading a body gives when it is valid JSON: document-level problems, and the span of
/// the `customSecurityAttributes` object when it was read (`None` when the problems prevent it).
#[derive(Debug, Default)]
pub(crate) struct Read {
    pub(crate) sets_span: Option<Range<usize>>,
    /// For a body (an object) without `customSecurityAttributes`: its span, and the keys it
    /// holds instead (their `ignored_property` warnings are not in `warnings`). The caller
    /// decides, by its policy, whether that is a violation or a warning.
    pub(crate) no_sets: Option<(Range<usize>, Vec<String>)>,
    pub(crate) violations: Vec<Violation>,
    pub(crate) warnings: Vec<Warning>,
}

#[cold]
#[inline(never)]
fn ignored(ptr: impl Into<String>, key: &str, span: Range<usize>, what: &str) -> Warning {
    Warning::new(
        WarningCode::IgnoredProperty,
        ptr,
        format!("the property `{key}` {what} and was ignored"),
    )
    .span(span)
}

/// The first `len` bytes of a key, borrowed from the input when the key is.
fn key_prefix<'a>(key: &Cow<'a, str>, len: usize) -> Cow<'a, str> {
    match key {
        Cow::Borrowed(k) => Cow::Borrowed(k.get(..len).unwrap_or(k)),
        Cow::Owned(k) => Cow::Owned(k.get(..len).unwrap_or(k).to_owned()),
    }
}

/// Reads a PATCH body in one pass, straight into sets and attributes (no JSON tree), handing
/// each set to `on_set` as soon as it is read. A body that is not JSON gives the same error
/// [`crate::json::parse`] would (after `on_set` may have seen sets before the error: the caller
/// discards what it made of them); otherwise document-level problems are in the result and
/// set-level ones stay with their set.
pub(crate) fn read_request<'a>(
    body: &'a [u8],
    max_depth: usize,
    mut on_set: impl FnMut(&SetEntry<'a>, &Request<'a>),
) -> Result<Read, ParseError> {
    let mut p = Parser::new(body, max_depth)?;
    let mut read = Read::default();
    if p.peek_value()? != b'{' {
        let root = p.shallow(0)?;
        p.finish()?;
        read.violations.push(cold(|| {
            Violation::new(
                Code::InvalidJson,
                "",
                format!("the body must be a JSON object, not {}", root.kind_name()),
            )
            .with_hint("send `{\"customSecurityAttributes\": {...}}`")
            .span(root.start..root.end)
        }));
        return Ok(read);
    }
    let root_start = p.pos();
    // Root keys seen so far, for exact duplicates (a body has one or two).
    let mut seen: SmallVec<[Cow<'_, str>; 2]> = SmallVec::new();
    let mut seen_set: Option<hashbrown::HashSet<Cow<'_, str>>> = None;
    // The first `customSecurityAttributes`: read when it is an object, else its shallow value.
    let mut csa: Option<Result<Range<usize>, Shallow<'_>>> = None;
    if p.open_object(0)? {
        loop {
            let (key, key_start, key_end) = p.member_key()?;
            // Exact duplicates; a hash set only for a body with many root keys.
            let duplicate = if seen.len() <= 16 {
                seen.contains(&key)
            } else {
                seen_set
                    .get_or_insert_with(|| seen.iter().cloned().collect())
                    .contains(&key)
            };
            if duplicate {
                p.shallow(1)?;
                read.violations.push(cold(|| {
                    Violation::new(
                        Code::DuplicateKey,
                        Pointer::root().key(&key),
                        format!("the property `{key}` appears more than once"),
                    )
                    .with_hint("keep one of them: Graph would silently use only one")
                    .span(key_start..key_end)
                }));
            } else if key == CSA {
                csa = Some(if p.peek_value()? == b'{' {
                    Ok(read_sets(&mut p, &mut read.warnings, &mut on_set)?)
                } else {
                    Err(p.shallow(1)?)
                });
            } else {
                p.shallow(1)?;
                if !key.starts_with("@odata.") {
                    read.warnings.push(ignored(
                        Pointer::root().key(&key),
                        &key,
                        key_start..key_end,
                        "is outside custom security attributes",
                    ));
                }
            }
            if !duplicate {
                if let Some(set) = &mut seen_set {
                    set.insert(key.clone());
                }
                seen.push(key);
            }
            if !p.next_member()? {
                break;
            }
        }
    }
    let root_end = p.pos();
    p.finish()?;
    match csa {
        None => {
            // Every key was ignored (or is a duplicate, already a violation).
            let ignored: Vec<String> = seen
                .iter()
                .filter(|k| !k.starts_with("@odata."))
                .map(|k| k.to_string())
                .collect();
            read.no_sets = Some((root_start..root_end, ignored));
        }
        Some(Err(value)) => read.violations.push(cold(|| {
            Violation::new(
                Code::InvalidShape,
                Pointer::root().key(CSA),
                format!(
                    "`customSecurityAttributes` must be an object, not {}",
                    value.kind_name()
                ),
            )
            .with_hint("Graph has no bulk removal: remove each attribute with `null` or `[]`")
            .span(value.start..value.end)
        })),
        Some(Ok(span)) => read.sets_span = Some(span),
    }
    Ok(read)
}

/// Reads the `customSecurityAttributes` object; the cursor is on its `{`.
fn read_sets<'a>(
    p: &mut Parser<'a>,
    warnings: &mut Vec<Warning>,
    on_set: &mut impl FnMut(&SetEntry<'a>, &Request<'a>),
) -> Result<Range<usize>, ParseError> {
    let start = p.pos();
    let mut request = Request::default();
    // The keys of the sets read so far, for duplicates.
    let mut seen: SmallVec<[Cow<'a, str>; 4]> = SmallVec::new();
    let mut seen_names = NameIndex::default();
    if p.open_object(1)? {
        loop {
            let (key, key_start, key_end) = p.member_key()?;
            if key.bytes().any(|b| b == b'@') {
                p.shallow(2)?;
                if !key.starts_with("@odata.") {
                    warnings.push(ignored(
                        Loc::set(&key),
                        &key,
                        key_start..key_end,
                        "is not an attribute set",
                    ));
                }
            } else {
                let repeated = seen_names
                    .first(seen.len(), |i| seen.get(i).map(|s| &**s), &key)
                    .is_some();
                request.start_set();
                let mut entry = SetEntry {
                    key,
                    key_span: key_start..key_end,
                    problems: Vec::new(),
                    warnings: Vec::new(),
                    repeated,
                };
                if repeated {
                    p.shallow(2)?;
                    let key = &entry.key;
                    let v = cold(|| {
                        Violation::new(
                        Code::DuplicateKey,
                        Loc::set(key),
                        format!("the attribute set `{key}` appears more than once (names are case-insensitive)"),
                    )
                    .with_hint("merge the two set objects into one")
                    .span(key_start..key_end)
                    });
                    entry.problem(v);
                } else {
                    read_set(p, &mut entry, &mut request)?;
                }
                on_set(&entry, &request);
                seen.push(entry.key);
            }
            if !p.next_member()? {
                break;
            }
        }
    }
    Ok(start..p.pos())
}

/// An `Name@odata.type` member, checked once the whole set object is read.
#[derive(Debug)]
struct PendingAnnotation<'a> {
    attr: Cow<'a, str>,
    key: Cow<'a, str>,
    key_span: Range<usize>,
    value: Shallow<'a>,
}

/// Reads one set's value into `entry` and `request`; the cursor is on the value.
fn read_set<'a>(
    p: &mut Parser<'a>,
    entry: &mut SetEntry<'a>,
    request: &mut Request<'a>,
) -> Result<(), ParseError> {
    if p.peek_value()? != b'{' {
        let node = p.shallow(2)?;
        let v = cold(|| {
            Violation::new(
                Code::InvalidShape,
                entry.loc(),
                format!(
                    "the attribute set `{}` must be an object, not {}",
                    entry.key,
                    node.kind_name()
                ),
            )
            .with_hint("Graph has no bulk removal: remove each attribute with `null` or `[]`")
            .span(node.start..node.end)
        });
        entry.problem(v);
        return Ok(());
    }
    let mut set_type: Option<Shallow<'a>> = None;
    if p.open_object(2)? {
        loop {
            let (key, key_start, key_end) = p.member_key()?;
            let key_span = key_start..key_end;
            read_member(p, entry, request, &mut set_type, key, key_span)?;
            if !p.next_member()? {
                break;
            }
        }
    }
    match set_type {
        None => {
            let v = cold(|| {
                Violation::new(
                    Code::MissingOdataType,
                    entry.loc(),
                    format!("the attribute set `{}` has no `@odata.type`", entry.key),
                )
                .with_hint(format!("add `\"@odata.type\": \"{REQUEST_SET_TYPE}\"`"))
                .span(entry.key_span.clone())
            });
            entry.problem(v);
        }
        Some(t) => {
            let ok = t
                .as_str()
                .is_some_and(|s| eq_ci(s, REQUEST_SET_TYPE) || eq_ci(s, RESPONSE_SET_TYPE));
            if !ok {
                let v = cold(|| {
                    Violation::new(
                    Code::InvalidOdataType,
                    entry.loc().key(ODATA_TYPE),
                    format!(
                        "the attribute set `{}` has the type {}, not a custom security attribute value",
                        entry.key,
                        t.as_str().map_or_else(|| t.kind_name().to_owned(), |s| format!("`{s}`"))
                    ),
                )
                .with_hint(format!("use `{REQUEST_SET_TYPE}`"))
                .span(t.start..t.end)
                });
                entry.problem(v);
            }
        }
    }
    request.annotations.reserve(request.pending.len());
    // Taken out so that attributes can be looked up meanwhile (it is empty after, as before).
    let mut pending = std::mem::take(&mut request.pending);
    for a in pending.drain(..) {
        let span = a.value.start..a.value.end;
        let Some(kind) = a.value.as_str().and_then(Annotation::parse) else {
            let v = cold(|| {
                Violation::new(
                    Code::InvalidOdataType,
                    entry.loc().key(&a.key),
                    format!(
                        "{} is not an attribute annotation Graph knows",
                        a.value
                            .as_str()
                            .map_or_else(|| a.value.kind_name().to_owned(), |s| format!("`{s}`"))
                    ),
                )
                .with_hint(
                    "use `#Int32`, `#Collection(String)` or `#Collection(Int32)`, or leave it out",
                )
                .span(span)
            });
            entry.attr_problem(v, a.attr);
            continue;
        };
        // The first attribute of a name is never `repeated`: the one the annotation names.
        let first = request.find_attr(&a.attr);
        match first.and_then(|i| request.attrs.get_mut(i)) {
            Some(t) => {
                t.annotation = u32::try_from(request.annotations.len()).ok();
                request.annotations.push(AnnotationEntry {
                    kind,
                    key: a.key,
                    span,
                });
            }
            None => {
                let v = cold(|| {
                    Violation::new(
                        Code::AnnotationMismatch,
                        entry.loc().key(&a.key),
                        format!(
                            "the annotation `{}` names `{}`, which is not in this set object",
                            a.key, a.attr
                        ),
                    )
                    .with_hint("put the annotation beside its attribute, or remove it")
                    .span(a.key_span)
                });
                entry.attr_problem(v, a.attr);
            }
        }
    }
    Ok(())
}

/// Reads one member of a set object: the set's type, an annotation, an attribute, or
/// something ignored.
fn read_member<'a>(
    p: &mut Parser<'a>,
    entry: &mut SetEntry<'a>,
    request: &mut Request<'a>,
    set_type: &mut Option<Shallow<'a>>,
    key: Cow<'a, str>,
    key_span: Range<usize>,
) -> Result<(), ParseError> {
    // Most keys are attribute names: one scan for `@` settles them.
    if let Some(at) = key.bytes().position(|b| b == b'@') {
        let pending = (&mut request.pending, &mut request.pending_names);
        return read_annotated(p, entry, set_type, pending, key, key_span, at);
    }
    let repeated = request.find_attr(&key).is_some();
    if repeated {
        let v = cold(|| {
            Violation::new(
                Code::DuplicateKey,
                entry.loc().key(&key),
                format!(
                    "the attribute `{key}` appears more than once (names are case-insensitive)"
                ),
            )
            .with_hint("keep one of them")
            .span(key_span.clone())
        });
        entry.attr_problem(v, key.clone());
    }
    let (value, items) = if p.peek_value()? == b'[' {
        let start = p.pos();
        let first_item = request.items.len();
        if p.open_array(3)? {
            loop {
                request.items.push(p.shallow(4)?);
                if !p.next_item()? {
                    break;
                }
            }
        }
        let value = Shallow {
            start,
            end: p.pos(),
            kind: ShallowKind::Array,
        };
        (value, first_item..request.items.len())
    } else {
        (p.shallow(3)?, 0..0)
    };
    request.attrs.push(AttrEntry {
        key,
        key_span,
        value,
        items,
        annotation: None,
        repeated,
    });
    Ok(())
}

/// Reads a set-object member whose key has an `@` at byte `at`: the set's `@odata.type`, an
/// attribute's annotation, or an ignored property.
fn read_annotated<'a>(
    p: &mut Parser<'a>,
    entry: &mut SetEntry<'a>,
    set_type: &mut Option<Shallow<'a>>,
    annotations: (&mut SmallVec<[PendingAnnotation<'a>; 8]>, &mut NameIndex),
    key: Cow<'a, str>,
    key_span: Range<usize>,
    at: usize,
) -> Result<(), ParseError> {
    let suffix = key.get(at..).unwrap_or_default();
    let attr = key.get(..at).unwrap_or_default();
    let is_type = eq_ci(suffix, ODATA_TYPE);
    if is_type && attr.is_empty() {
        let value = p.shallow(3)?;
        if set_type.is_some() {
            let v = cold(|| {
                Violation::new(
                    Code::DuplicateKey,
                    entry.loc().key(&key),
                    "`@odata.type` appears more than once",
                )
                .span(key_span)
            });
            entry.problem(v);
        } else {
            *set_type = Some(value);
        }
        return Ok(());
    }
    if is_type {
        let attr = key_prefix(&key, at);
        let value = p.shallow(3)?;
        let (annotations, names) = annotations;
        let earlier = names.first(
            annotations.len(),
            |i| annotations.get(i).map(|a| &*a.attr),
            &attr,
        );
        if earlier.is_some() {
            let v = cold(|| {
                Violation::new(
                    Code::DuplicateKey,
                    entry.loc().key(&key),
                    format!("the annotation of `{attr}` appears more than once"),
                )
                .with_hint("keep one annotation per attribute")
                .span(key_span)
            });
            entry.attr_problem(v, attr);
        } else {
            annotations.push(PendingAnnotation {
                attr,
                key,
                key_span,
                value,
            });
        }
        return Ok(());
    }
    p.shallow(3)?;
    if !key.starts_with("@odata.") {
        let w = ignored(entry.loc().key(&key), &key, key_span, "is not an attribute");
        entry.warnings.push(w);
    }
    Ok(())
}

/// ASCII case-insensitive equality, with the exact spelling (the usual case) checked first.
#[inline]
fn eq_ci(s: &str, expected: &str) -> bool {
    s == expected || s.eq_ignore_ascii_case(expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    use proptest::prelude::*;

    /// A body using every kind of member the reader tells apart.
    const BODY: &str = r##"{"@odata.context": "x", "other": [1, {"a": null}],
  "customSecurityAttributes": {
    "@odata.type": "#x", "x@y": {"deep": [[]]},
    "Engineering": {
      "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue",
      "Project@odata.type": "#Collection(String)", "Project": ["Alpine", "Baker\u00e9"],
      "NumVendors@odata.type": "#Int32", "NumVendors": 8, "b@c": true,
      "Nested": [[1], {"k": "v"}, -0.5e3], "Obj": {"a": [1, 2]}
    },
    "engineering": {"Dup": 1},
    "Marketing": null
  }
}"##;

    /// The one-pass reader refuses exactly the documents the tree parser refuses, with the
    /// same offset and message.
    fn same_verdict_as_tree(bytes: &[u8]) -> Result<(), TestCaseError> {
        let tree = parse(bytes, crate::limits::MAX_JSON_DEPTH).err();
        let read = read_request(bytes, crate::limits::MAX_JSON_DEPTH, |_, _| {}).err();
        prop_assert_eq!(read, tree, "for {:?}", String::from_utf8_lossy(bytes));
        Ok(())
    }

    #[test]
    fn the_sample_body_reads() {
        let mut sets = Vec::new();
        let read = read_request(
            BODY.as_bytes(),
            crate::limits::MAX_JSON_DEPTH,
            |set, request| {
                sets.push((
                    set.key.to_string(),
                    set.repeated,
                    request.attrs.len(),
                    set.problems.len(),
                    set.warnings.len(),
                ));
            },
        )
        .expect("valid JSON");
        assert!(read.sets_span.is_some());
        assert!(read.violations.is_empty(), "{:?}", read.violations);
        // `other` is ignored at the top, `x@y` among the sets.
        assert_eq!(read.warnings.len(), 2, "{:?}", read.warnings);
        assert_eq!(
            sets,
            [
                ("Engineering".to_owned(), false, 4, 0, 1),
                ("engineering".to_owned(), true, 0, 1, 0),
                ("Marketing".to_owned(), false, 0, 1, 0),
            ]
        );
    }

    #[test]
    fn nesting_limit_is_the_tree_parsers() {
        for levels in 120..=130 {
            let nested = format!("{}{}", "[".repeat(levels), "]".repeat(levels));
            for body in [
                format!(r#"{{"customSecurityAttributes": {{"S": {{"a": {nested}}}}}}}"#),
                format!(r#"{{"customSecurityAttributes": {{"S": {{"a@odata.type": {nested}}}}}}}"#),
                format!(r#"{{"customSecurityAttributes": {{"x@y": {nested}}}}}"#),
                format!(r#"{{"other": {nested}, "customSecurityAttributes": {{}}}}"#),
                nested.clone(),
            ] {
                same_verdict_as_tree(body.as_bytes()).expect("same verdict");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        /// Cut, doubled or replaced bytes anywhere in the sample body.
        #[test]
        fn edited_bodies_get_the_tree_parsers_verdict(
            at in 0usize..BODY.len(),
            len in 0usize..4,
            with in prop::sample::select(vec!["", ",", "}", "]", "\"", ":", "{", "[", "x", "\\", "1", " ", "\u{e9}"]),
        ) {
            let mut bytes = BODY.as_bytes().to_vec();
            let end = (at + len).min(bytes.len());
            bytes.splice(at..end, with.bytes());
            same_verdict_as_tree(&bytes)?;
        }

        /// Arbitrary short byte strings.
        #[test]
        fn arbitrary_bytes_get_the_tree_parsers_verdict(
            bytes in prop::collection::vec(any::<u8>(), 0..48)
        ) {
            same_verdict_as_tree(&bytes)?;
        }
    }
}

//! Desired-state plans: the minimal PATCH from an object's current state to a desired one,
//! decided by the engine like any PATCH (so a plan has one output schema with `csa check`).
//!
//! A plan writes a PATCH body: the desired document's sets copied as they are written (so an
//! invalid desired value gets exactly the violation the same PATCH would get), with what Graph
//! needs added (set types, annotations) and the removals the desired state implies. The engine
//! evaluates that body; its canonical request then holds only the real changes. Reports are
//! pointed back into the desired document afterwards.

use std::cell::{OnceCell, RefCell};
use std::ops::Range;

use hashbrown::HashMap;
use smallvec::SmallVec;

use crate::auth::Actor;
use crate::catalog::AttributeDefinition;
use crate::engine::wire::CSA;
use crate::engine::{Engine, Evaluation};
use crate::json::{self, Kind, Member, Node};
use crate::names::NameIndex;
use crate::object::{stored_value, Object};
use crate::value::odata::{Annotation, REQUEST_SET_TYPE};
use crate::value::SetAssignments;
use crate::violation::{Code, Document, Violation, Warning};

/// How a plan treats the attribute sets the desired state does not name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum PlanMode {
    /// Only the sets the desired state names are managed: in them, attributes the desired
    /// state lacks are removed; other sets are left as they are, so a plan for one team's set
    /// never touches another team's.
    #[default]
    Managed,
    /// The desired state is the whole state: every attribute the catalog defines, in a set the
    /// actor may read, that the desired state does not hold is removed. Sets the actor cannot
    /// read are left alone (a plan never names them), and so are attributes the catalog does
    /// not define (docs/RULES.md, Catalog-dependent rules).
    Exclusive,
}

/// A body naming no set: evaluating it still applies the object's own checks.
const EMPTY_BODY: &[u8] = br#"{"customSecurityAttributes":{}}"#;

/// The `customSecurityAttributes` pointer of a PATCH body.
const CSA_POINTER: &str = "/customSecurityAttributes";

impl Engine {
    /// Plans the minimal PATCH from `object`'s current state to `desired` (Graph's response
    /// form: `{"customSecurityAttributes": {...}}`, the object itself, or just the sets map,
    /// `null` for nothing), and evaluates it as `actor` would send it.
    ///
    /// The result is the evaluation of that PATCH: `diff().request()` is the plan's body
    /// (`None` when nothing needs to change); violations and warnings point into `desired`
    /// ([`Document::Desired`]). Every set the desired state names is managed, so the actor must
    /// be allowed to update it, as Graph requires for every set a PATCH names.
    pub fn plan(
        &self,
        object: &Object,
        actor: Option<&Actor>,
        desired: &[u8],
        mode: PlanMode,
    ) -> Evaluation {
        let (root, wrapped) = match self.read_desired(desired) {
            Ok(read) => read,
            Err(v) => {
                // The object's own refusals are reported too, as for any PATCH.
                return self
                    .evaluate(object, actor, EMPTY_BODY)
                    .refuse(vec![*v])
                    .repoint(about_desired, about_desired_warning);
            }
        };
        let sets = if wrapped { root.get(CSA) } else { Some(&root) }
            .and_then(Node::as_object)
            .unwrap_or(&[]);
        let mut body = Writer::new(desired);
        self.write_body(&mut body, sets, object, actor, mode);
        let prefix = if wrapped { CSA_POINTER } else { "" };
        let resolver = Resolver::new(&root);
        let point = |pointer: &mut String| *pointer = resolver.desired_pointer(prefix, pointer);
        // The desired document was read within the usual depth; the body may add one level.
        let depth = crate::limits::MAX_JSON_DEPTH + 1;
        self.evaluate_nested(object, actor, &body.out, depth)
            .repoint(
                |v| {
                    if v.document == Document::Body {
                        point(&mut v.pointer);
                        v.span = v.span.take().and_then(|s| body.source_span(s));
                    }
                    if v.code == Code::PayloadTooLarge {
                        // The body is the one the plan wrote, not one the caller sent.
                        v.message =
                            v.message
                                .replacen("the body is", "the PATCH this plan writes is", 1);
                        v.hint = Some("plan fewer sets or attributes at a time".to_owned());
                    }
                    about_desired(v);
                },
                |w| {
                    if w.document == Document::Body {
                        point(&mut w.pointer);
                        w.span = w.span.take().and_then(|s| body.source_span(s));
                    }
                    about_desired_warning(w);
                },
            )
    }

    /// Reads the desired document: its tree, and whether its sets are under
    /// `customSecurityAttributes` (else the document is the sets map itself).
    fn read_desired<'a>(&self, bytes: &'a [u8]) -> Result<(Node<'a>, bool), Box<Violation>> {
        let max = self.policy().max_body_bytes;
        if bytes.len() > max {
            return Err(Box::new(
                Violation::new(
                    Code::PayloadTooLarge,
                    "",
                    format!(
                        "the desired state is {} bytes, more than the {max} bytes allowed",
                        bytes.len()
                    ),
                )
                .with_hint("plan fewer attributes at a time"),
            ));
        }
        let root = json::parse(bytes, crate::limits::MAX_JSON_DEPTH).map_err(|e| {
            Box::new(
                Violation::new(
                    Code::InvalidJson,
                    "",
                    format!("the desired state is not valid JSON: {}", e.message),
                )
                .with_hint(
                    "give the state as Graph returns it: `{\"customSecurityAttributes\": {...}}`",
                )
                .span(e.offset..e.offset.saturating_add(1)),
            )
        })?;
        let wrapped = match &root.kind {
            Kind::Null => false,
            Kind::Object(members) => {
                let mut csa = members.iter().filter(|m| m.key == CSA);
                match (csa.next(), csa.next()) {
                    (None, _) => false,
                    (Some(_), Some(again)) => {
                        return Err(Box::new(
                            Violation::new(
                                Code::DuplicateKey,
                                CSA_POINTER,
                                "the property `customSecurityAttributes` appears more than once",
                            )
                            .with_hint("keep one of them")
                            .span(again.key_start..again.key_end),
                        ))
                    }
                    (Some(m), None) if matches!(m.value.kind, Kind::Null | Kind::Object(_)) => true,
                    (Some(m), None) => {
                        return Err(Box::new(
                            Violation::new(
                                Code::InvalidShape,
                                CSA_POINTER,
                                format!(
                                    "`customSecurityAttributes` must be an object or null, not {}",
                                    m.value.kind_name()
                                ),
                            )
                            .with_hint("give each attribute set as an object of its attributes")
                            .span(m.value.start..m.value.end),
                        ))
                    }
                }
            }
            _ => return Err(Box::new(
                Violation::new(
                    Code::InvalidJson,
                    "",
                    format!(
                        "the desired state must be a JSON object or null, not {}",
                        root.kind_name()
                    ),
                )
                .with_hint(
                    "give the state as Graph returns it: `{\"customSecurityAttributes\": {...}}`",
                )
                .span(root.start..root.end),
            )),
        };
        Ok((root, wrapped))
    }

    /// Writes the PATCH body that turns the object's state into the desired one.
    fn write_body(
        &self,
        w: &mut Writer<'_>,
        sets: &[Member<'_>],
        object: &Object,
        actor: Option<&Actor>,
        mode: PlanMode,
    ) {
        let catalog = self.catalog();
        let readable = |set: &str| actor.is_none_or(|a| a.can_read_assignments(object.kind(), set));
        let current = object.state().sets();
        w.text(r#"{"customSecurityAttributes":"#);
        w.open();
        // Names are looked up through indexes: a desired document naming thousands of sets or
        // attributes costs linear time, not quadratic.
        let set_key = |i: usize| sets.get(i).map(|m| &*m.key).filter(|k| !has_at(k));
        let set_names = NameIndex::of(sets.len(), set_key);
        let current_names = NameIndex::of(current.len(), |i| current.get(i).map(|s| s.name()));
        for (i, m) in sets.iter().enumerate() {
            let repeated = !has_at(&m.key)
                && set_names
                    .get(sets.len(), set_key, &m.key)
                    .is_some_and(|first| first < i);
            let members = match m.value.as_object() {
                Some(members) if !has_at(&m.key) && !repeated => members,
                // Not a set, a second key for one, or not an object: as written, for the
                // engine to say what it says of them.
                _ => {
                    w.copy_member(m);
                    continue;
                }
            };
            // What the object holds in the set, when the actor may see it.
            let held = current_names
                .get(current.len(), |i| current.get(i).map(|s| s.name()), &m.key)
                .and_then(|i| current.get(i))
                .filter(|_| readable(&m.key));
            let held_attrs = held.map_or(&[][..], SetAssignments::attributes);
            let held_key = |i: usize| held_attrs.get(i).map(|a| a.name());
            // Only an attribute the catalog does not define is looked up in what the object
            // holds, so the index is built on the first such lookup.
            let held_names = OnceCell::new();
            let held_value = |name: &str| {
                held_names
                    .get_or_init(|| NameIndex::of(held_attrs.len(), held_key))
                    .get(held_attrs.len(), held_key, name)
                    .and_then(|i| held_attrs.get(i))
                    .map(|a| a.value())
            };
            // Each member's key read once: an attribute, or the attribute an annotation names
            // (`""` for the set's own type).
            let targets: SmallVec<[Option<&str>; 16]> =
                members.iter().map(|a| annotation_target(&a.key)).collect();
            let is_attr = |i: usize| members.get(i).is_some_and(|a| !has_at(&a.key));
            let attr_key = |i: usize| members.get(i).map(|a| &*a.key).filter(|_| is_attr(i));
            let attr_names = NameIndex::of(members.len(), attr_key);
            let named = |name: &str| attr_names.get(members.len(), attr_key, name);
            let target_key = |i: usize| targets.get(i).copied().flatten().filter(|t| !t.is_empty());
            let target_names = NameIndex::of(members.len(), target_key);
            let annotated =
                |name: &str| target_names.get(members.len(), target_key, name).is_some();
            let pos = catalog.set_position(&m.key);
            let defined = |name: &str| pos.and_then(|p| catalog.definition_in(p, name));
            // The definition of each attribute member, looked up once.
            let defs: SmallVec<[Option<&AttributeDefinition>; 16]> = (0..members.len())
                .map(|i| attr_key(i).and_then(defined))
                .collect();
            // An attribute the catalog does not define, given the value the object holds: it
            // stays as it is (docs/RULES.md, Catalog-dependent rules), so it is no change, and
            // sending it would be refused.
            let unchanged = |i: usize| {
                held.is_some()
                    && is_attr(i)
                    && defs.get(i).copied().flatten().is_none()
                    && members.get(i).is_some_and(|a| {
                        matches!(
                            (stored_value(&a.value), held_value(&a.key)),
                            (Ok(Some(want)), Some(have)) if want == *have
                        )
                    })
            };
            if pos.is_none()
                && held.is_some()
                && (0..members.len()).all(|i| !is_attr(i) || unchanged(i))
            {
                // A set the catalog does not define, repeated as the object holds it.
                continue;
            }
            w.copy_key(m);
            w.open();
            let mut typed = false;
            for (j, a) in members.iter().enumerate() {
                match targets.get(j).copied().flatten() {
                    Some("") => typed = true,
                    Some(attr) if named(attr).is_some_and(&unchanged) => continue,
                    _ if unchanged(j) => continue,
                    _ => {}
                }
                w.copy_member(a);
            }
            if !typed {
                w.key("@odata.type");
                w.string(REQUEST_SET_TYPE);
            }
            // The annotations Graph needs (a desired state in response form has no `#Int32`);
            // the canonical request leaves them off removals.
            for (j, a) in members.iter().enumerate() {
                let needed = defs
                    .get(j)
                    .copied()
                    .flatten()
                    .and_then(|d| Annotation::for_type(d.attribute_type(), d.is_collection()))
                    .map(Annotation::as_str)
                    .filter(|_| named(&a.key) == Some(j));
                if let Some(annotation) = needed.filter(|_| !annotated(&a.key)) {
                    w.key(&format!("{}@odata.type", a.key));
                    w.string(annotation);
                }
            }
            // What the set holds that the desired state lacks is removed.
            for h in held.map_or(&[][..], SetAssignments::attributes) {
                if named(h.name()).is_some() {
                    continue;
                }
                // An annotation the document gives without its attribute is the document's
                // error (`annotation_mismatch`, as in a PATCH); a removal written here would
                // hand it an attribute and hide it while the object still holds one.
                if annotated(h.name()) {
                    continue;
                }
                if let Some(def) = defined(h.name()) {
                    w.removal(def);
                }
            }
            w.close();
        }
        if mode == PlanMode::Exclusive {
            for set in current {
                let named = set_names.get(sets.len(), set_key, set.name()).is_some();
                let Some(pos) = catalog.set_position(set.name()) else {
                    continue;
                };
                if named || !readable(set.name()) {
                    continue;
                }
                let mut removals = set
                    .attributes()
                    .iter()
                    .filter_map(|a| catalog.definition_in(pos, a.name()))
                    .peekable();
                let Some(first) = removals.peek() else {
                    continue;
                };
                w.key(first.attribute_set());
                w.open();
                w.key("@odata.type");
                w.string(REQUEST_SET_TYPE);
                removals.for_each(|def| w.removal(def));
                w.close();
            }
        }
        w.close();
        w.text("}");
    }
}

/// A violation about the PATCH body is, in a plan, about the desired document (reports about
/// the object, the actor or the catalog stay theirs).
fn about_desired(v: &mut Violation) {
    if v.document == Document::Body {
        v.document = Document::Desired;
    }
}

/// [`about_desired`] for a warning.
fn about_desired_warning(w: &mut Warning) {
    if w.document == Document::Body {
        w.document = Document::Desired;
    }
}

/// Whether a key holds `@` (an annotation or other control information, not an attribute).
fn has_at(key: &str) -> bool {
    key.bytes().any(|b| b == b'@')
}

/// For a key `X@odata.type` (any case), the attribute it annotates (`""` for the set's own
/// type); `None` for any other key. Split at the first `@`, as the body reader does.
fn annotation_target(key: &str) -> Option<&str> {
    let at = key.bytes().position(|b| b == b'@')?;
    let (attr, suffix) = key.split_at(at);
    suffix.eq_ignore_ascii_case("@odata.type").then_some(attr)
}

/// Resolves pointers in the desired document. A plan may answer thousands of violations, each
/// pointer resolved here: a large object's members are found through a key index built once
/// (keyed by where the object starts in the document, which no other object shares), not by
/// a scan per pointer.
struct Resolver<'n, 'a> {
    root: &'n Node<'a>,
    index: RefCell<HashMap<usize, HashMap<&'n str, usize>>>,
}

impl<'n, 'a> Resolver<'n, 'a> {
    fn new(root: &'n Node<'a>) -> Self {
        Self {
            root,
            index: RefCell::new(HashMap::new()),
        }
    }

    /// A pointer into the PATCH body as a pointer into the desired document: the sets map
    /// moved to where the document has it, and a pointer to text the plan wrote itself (a
    /// removal, a set only `Exclusive` names) moved up to the nearest value the document has.
    fn desired_pointer(&self, prefix: &str, body_pointer: &str) -> String {
        let mut p = match body_pointer.strip_prefix(CSA_POINTER) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("{prefix}{rest}"),
            _ => body_pointer.to_owned(),
        };
        // The root (the empty pointer) always resolves, so this ends after at most as many
        // steps as the pointer has tokens.
        while !p.is_empty() && !self.resolves(&p) {
            match p.rfind('/') {
                Some(at) => p.truncate(at),
                None => p.clear(),
            }
        }
        p
    }

    /// Whether an RFC 6901 pointer names a value in the document.
    fn resolves(&self, pointer: &str) -> bool {
        let mut node = self.root;
        for token in pointer.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            let next = match &node.kind {
                Kind::Object(members) => self.member(node, members, &token),
                Kind::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => return false,
            }
        }
        true
    }

    /// The first member of `node` (an object with `members`) named exactly `key`.
    fn member(
        &self,
        node: &'n Node<'a>,
        members: &'n [Member<'a>],
        key: &str,
    ) -> Option<&'n Node<'a>> {
        if members.len() <= 16 {
            return members.iter().find(|m| m.key == key).map(|m| &m.value);
        }
        let mut index = self.index.borrow_mut();
        let keys = index.entry(node.start).or_insert_with(|| {
            let mut keys = HashMap::with_capacity(members.len());
            for (i, m) in members.iter().enumerate() {
                keys.entry(&*m.key).or_insert(i);
            }
            keys
        });
        keys.get(key)
            .and_then(|&i| members.get(i))
            .map(|m| &m.value)
    }
}

/// The PATCH body being written, with where each piece of text copied from the desired
/// document came from (so that byte spans can be pointed back into it).
struct Writer<'d> {
    source: &'d [u8],
    out: Vec<u8>,
    /// Copied text: (start in `out`, start in `source`, length), in order of `out`.
    copies: Vec<(usize, usize, usize)>,
    /// Whether the object being written has no member yet (else a comma goes first).
    empty: bool,
}

impl<'d> Writer<'d> {
    fn new(source: &'d [u8]) -> Self {
        Self {
            source,
            // The copied document plus a little for what the plan adds.
            out: Vec::with_capacity(source.len() + 128),
            copies: Vec::new(),
            empty: true,
        }
    }

    fn text(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }

    fn string(&mut self, s: &str) {
        // Writing a string to a vector cannot fail.
        let _ = serde_json::to_writer(&mut self.out, s);
    }

    fn copy(&mut self, range: Range<usize>) {
        if let Some(text) = self.source.get(range.clone()) {
            self.copies.push((self.out.len(), range.start, text.len()));
            self.out.extend_from_slice(text);
        }
    }

    fn separate(&mut self) {
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
    }

    fn open(&mut self) {
        self.out.push(b'{');
        self.empty = true;
    }

    fn close(&mut self) {
        self.out.push(b'}');
        self.empty = false;
    }

    /// A member key the plan writes, and its colon.
    fn key(&mut self, key: &str) {
        self.separate();
        self.string(key);
        self.out.push(b':');
    }

    /// A member key as the document writes it, and its colon.
    fn copy_key(&mut self, m: &Member<'_>) {
        self.separate();
        self.copy(m.key_start..m.key_end);
        self.out.push(b':');
    }

    /// A member as the document writes it.
    fn copy_member(&mut self, m: &Member<'_>) {
        self.copy_key(m);
        self.copy(m.value.start..m.value.end);
    }

    /// The removal of `def`: `[]` for a multi-valued attribute, `null` for a single one.
    fn removal(&mut self, def: &AttributeDefinition) {
        self.key(def.name());
        self.text(if def.is_collection() { "[]" } else { "null" });
    }

    /// A span in the written body as a span in the document, when it lies in copied text.
    fn source_span(&self, span: Range<usize>) -> Option<Range<usize>> {
        let at = self
            .copies
            .partition_point(|&(out, _, _)| out <= span.start)
            .checked_sub(1)?;
        let &(out, src, len) = self.copies.get(at)?;
        (span.end <= out + len).then(|| src + (span.start - out)..src + (span.end - out))
    }
}

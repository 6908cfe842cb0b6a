//! csa on WebAssembly: the raw functions behind the npm package `entra-csa`.
//!
//! Every function here is one of `csa::commands` (or the compiled [`csa::Engine`]) taking its
//! documents from JavaScript and giving back the report's JSON text, exactly what `csa <command>
//! --format json` prints. The package's JavaScript wrapper (`bindings/wasm/js/`) turns its
//! arguments into what these take and the text into plain objects:
//!
//! - a document is a JavaScript string or a `Uint8Array` (the wrapper turns a plain object into
//!   its `JSON.stringify` text first); bit `i` of `data` says that document `i`, in the order of
//!   the function's parameters, is JSON serialised from parsed data ([`Input::data`]) rather
//!   than text a person wrote ([`Input::text`]);
//! - a document the command cannot use at all (csa's exit 2) throws a string, the JSON of
//!   `{"cli": {"error", "item"?, "violations"}, "message", "document", "warnings"}`, which the wrapper
//!   turns into a `CsaInputError`; an argument of the wrong kind throws a JavaScript `Error`.
//!
//! - with `locate`, the text is `{"report": ..., "spans": ...}` (and a thrown error carries
//!   `"spans"`): for each violation and warning, in the report's order, `[document, start, end]`
//!   with the offsets in UTF-16 code units of that document's text (what an editor counts), or
//!   `null` where the library knows no span. The wrapper puts them on the violations.
//!
//! No path from JavaScript input reaches a panic: the workspace lints deny `unwrap`, `expect`,
//! `panic!` and indexing, and the package's tests feed every function random input.

#![allow(
    clippy::too_many_arguments,
    reason = "each raw function takes its documents and flags positionally; js/core.js names them"
)]

use csa::commands::{
    Apply, Check, CheckReport, Define, Evolve, Filter, Input, Lint, Plan, Search, View,
};
use csa::{
    Actor, Document, InputError, Locate, Method, Object, ObjectKind, PlanMode, Policy, Verdict,
    Violation, Warning,
};
use std::cell::RefCell;
use std::rc::Rc;

use csa::PreparedObject;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A document's bytes, read from a JavaScript string or `Uint8Array`.
struct Doc {
    bytes: Vec<u8>,
    data: bool,
}

impl Doc {
    fn input(&self) -> Input<'_> {
        if self.data {
            Input::data(&self.bytes)
        } else {
            Input::text(&self.bytes)
        }
    }
}

/// Reads document number `index` (its bit in `data`) from `value`.
fn doc(value: &JsValue, what: &str, index: u32, data: u32) -> Result<Doc, JsValue> {
    let data = index < 32 && data & (1 << index) != 0;
    if let Some(text) = value.as_string() {
        return Ok(Doc {
            bytes: text.into_bytes(),
            data,
        });
    }
    if let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(Doc {
            bytes: bytes.to_vec(),
            data,
        });
    }
    Err(usage(&format!(
        "the {what} must be a string, a Uint8Array or a plain object"
    )))
}

/// An optional document: `undefined` or `null` is none.
fn optional(value: &JsValue, what: &str, index: u32, data: u32) -> Result<Option<Doc>, JsValue> {
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else {
        doc(value, what, index, data).map(Some)
    }
}

/// A JavaScript `Error` for an argument of the wrong kind.
fn usage(message: &str) -> JsValue {
    JsError::new(message).into()
}

/// The JSON text of a report.
fn json<T: Serialize + ?Sized>(report: &T) -> Result<String, JsValue> {
    serde_json::to_string(report).map_err(|e| usage(&format!("cannot serialise the result: {e}")))
}

/// The documents of one call, by what they are: where violations' spans point.
#[derive(Default, Clone, Copy)]
struct Sources<'a> {
    body: Option<&'a [u8]>,
    catalog: Option<&'a [u8]>,
    object: Option<&'a [u8]>,
    actor: Option<&'a [u8]>,
    policy: Option<&'a [u8]>,
    definition: Option<&'a [u8]>,
    filter: Option<&'a [u8]>,
    desired: Option<&'a [u8]>,
    changes: Option<&'a [u8]>,
}

impl<'a> Sources<'a> {
    /// The text of `document`, and its name for JavaScript.
    fn get(&self, document: Document) -> Option<(&'static str, &'a [u8])> {
        let (name, text) = match document {
            Document::Body => ("body", self.body),
            Document::Catalog => ("catalog", self.catalog),
            Document::Object => ("object", self.object),
            Document::Actor => ("actor", self.actor),
            Document::Policy => ("policy", self.policy),
            Document::Definition => ("definition", self.definition),
            Document::Filter => ("filter", self.filter),
            Document::Desired => ("desired", self.desired),
            Document::Changes => ("changes", self.changes),
            _ => return None,
        };
        text.map(|t| (name, t))
    }
}

/// A document's bytes, when it was given.
fn bytes(d: Option<&Doc>) -> Option<&[u8]> {
    d.map(|d| d.bytes.as_slice())
}

/// Byte offset `at` of `text` in UTF-16 code units, as a JavaScript string of it counts.
fn utf16(text: &[u8], at: usize) -> usize {
    let prefix = text.get(..at.min(text.len())).unwrap_or_default();
    match std::str::from_utf8(prefix) {
        Ok(s) => s.encode_utf16().count(),
        Err(_) => String::from_utf8_lossy(prefix).encode_utf16().count(),
    }
}

/// A span as JavaScript gets it: `[document, start, end]` (UTF-16 offsets), or null.
type Span = Option<(&'static str, usize, usize)>;

/// `{"violations": [...], "warnings": [...]}`: the span of each, in order.
#[derive(Serialize)]
struct Spans {
    violations: Vec<Span>,
    warnings: Vec<Span>,
}

/// The spans of `violations` and `warnings` in `sources`.
fn spans(violations: &[Violation], warnings: &[Warning], sources: &Sources<'_>) -> Spans {
    let one = |span: Option<std::ops::Range<usize>>, document: Document| {
        span.and_then(|r| {
            sources
                .get(document)
                .map(|(name, text)| (name, utf16(text, r.start), utf16(text, r.end)))
        })
    };
    Spans {
        violations: violations
            .iter()
            .map(|v| one(v.byte_span(), v.document()))
            .collect(),
        warnings: warnings
            .iter()
            .map(|w| one(w.byte_span(), w.document()))
            .collect(),
    }
}

/// What a `CsaInputError` carries, thrown as JSON text (with the spans, when asked for).
fn input_error(e: &InputError, located: Option<&Sources<'_>>) -> JsValue {
    struct Thrown<'a>(&'a InputError, Option<Spans>);
    impl Serialize for Thrown<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            // The CLI's `{"error", "item"?, "violations"}` as it is, then what a JavaScript
            // error adds.
            let mut m = s.serialize_map(None)?;
            m.serialize_entry("cli", self.0)?;
            m.serialize_entry("message", &self.0.to_string())?;
            m.serialize_entry("document", self.0.document().as_str())?;
            m.serialize_entry("warnings", Verdict::warnings(self.0))?;
            if let Some(spans) = &self.1 {
                m.serialize_entry("spans", spans)?;
            }
            m.end()
        }
    }
    let spans = located.map(|sources| spans(e.violations(), Verdict::warnings(e), sources));
    match serde_json::to_string(&Thrown(e, spans)) {
        Ok(text) => JsValue::from_str(&text),
        Err(_) => usage(&e.to_string()),
    }
}

/// The report of a command, or its input error thrown; with `locate`, the spans of its
/// violations and warnings (`found` lists them) in `sources`.
fn finish<T: Serialize>(
    result: Result<T, InputError>,
    found: impl Fn(&T) -> (&[Violation], &[Warning]),
    sources: Sources<'_>,
    locate: bool,
) -> Result<String, JsValue> {
    match result {
        Ok(r) if locate => {
            let (violations, warnings) = found(&r);
            Ok(format!(
                r#"{{"report":{},"spans":{}}}"#,
                json(&r)?,
                json(&spans(violations, warnings, &sources))?
            ))
        }
        Ok(r) => json(&r),
        Err(e) => Err(input_error(&e, locate.then_some(&sources))),
    }
}

/// [`finish`] for a report of the [`Verdict`] kind.
fn verdict<T: Serialize + Verdict>(
    result: Result<T, InputError>,
    sources: Sources<'_>,
    locate: bool,
) -> Result<String, JsValue> {
    finish(result, |r| (r.violations(), r.warnings()), sources, locate)
}

/// [`finish`] for a report that holds no violations (only its input errors can).
fn plain<T: Serialize>(
    result: Result<T, InputError>,
    sources: Sources<'_>,
    locate: bool,
) -> Result<String, JsValue> {
    finish(result, |_| (&[], &[]), sources, locate)
}

/// The object kinds `--object-type` takes.
fn object_kind(name: &str) -> Result<ObjectKind, JsValue> {
    match name {
        "user" => Ok(ObjectKind::User),
        "servicePrincipal" => Ok(ObjectKind::ServicePrincipal),
        "device" => Ok(ObjectKind::Device),
        "managedIdentity" => Ok(ObjectKind::ManagedIdentity),
        other => Err(usage(&format!(
            "objectType must be user, servicePrincipal, device or managedIdentity, not `{other}`"
        ))),
    }
}

/// `csa check`: documents `catalog` (0), `patch` (1), `object` (2), `actor` (3), `policy` (4).
#[wasm_bindgen(js_name = check)]
pub fn check(
    catalog: &JsValue,
    patch: &JsValue,
    object: &JsValue,
    actor: &JsValue,
    policy: &JsValue,
    object_type: Option<String>,
    allow_synced: bool,
    audit: bool,
    locate: bool,
    data: u32,
) -> Result<String, JsValue> {
    let catalog = doc(catalog, "catalog", 0, data)?;
    let patch = doc(patch, "patch", 1, data)?;
    let object = optional(object, "object", 2, data)?;
    let actor = optional(actor, "actor", 3, data)?;
    let policy = optional(policy, "policy", 4, data)?;
    let mut c = Check::new(catalog.input(), patch.input())
        .allow_synced(allow_synced)
        .audit(audit);
    if let Some(o) = &object {
        c = c.object(o.input());
    }
    if let Some(a) = &actor {
        c = c.actor(a.input());
    }
    if let Some(p) = &policy {
        c = c.policy(p.input());
    }
    if let Some(kind) = object_type {
        c = c.object_type(object_kind(&kind)?);
    }
    let sources = Sources {
        catalog: Some(&catalog.bytes),
        body: Some(&patch.bytes),
        object: bytes(object.as_ref()),
        actor: bytes(actor.as_ref()),
        policy: bytes(policy.as_ref()),
        ..Sources::default()
    };
    verdict(c.run(), sources, locate)
}

/// `csa view`: `catalog` (0), `object` (1), `actor` (2), `policy` (3).
#[wasm_bindgen(js_name = view)]
pub fn view(
    catalog: &JsValue,
    object: &JsValue,
    actor: &JsValue,
    policy: &JsValue,
    locate: bool,
    data: u32,
) -> Result<String, JsValue> {
    let catalog = doc(catalog, "catalog", 0, data)?;
    let object = doc(object, "object", 1, data)?;
    let actor = optional(actor, "actor", 2, data)?;
    let policy = optional(policy, "policy", 3, data)?;
    let mut v = View::new(catalog.input(), object.input());
    if let Some(a) = &actor {
        v = v.actor(a.input());
    }
    if let Some(p) = &policy {
        v = v.policy(p.input());
    }
    let sources = Sources {
        catalog: Some(&catalog.bytes),
        object: Some(&object.bytes),
        actor: bytes(actor.as_ref()),
        policy: bytes(policy.as_ref()),
        ..Sources::default()
    };
    plain(v.run(), sources, locate)
}

/// `csa lint`: `catalog` (0), `policy` (1).
#[wasm_bindgen(js_name = lint)]
pub fn lint(
    catalog: &JsValue,
    policy: &JsValue,
    locate: bool,
    data: u32,
) -> Result<String, JsValue> {
    let catalog = doc(catalog, "catalog", 0, data)?;
    let policy = optional(policy, "policy", 1, data)?;
    let mut l = Lint::new(catalog.input());
    if let Some(p) = &policy {
        l = l.policy(p.input());
    }
    let sources = Sources {
        catalog: Some(&catalog.bytes),
        policy: bytes(policy.as_ref()),
        ..Sources::default()
    };
    verdict(l.run(), sources, locate)
}

/// `csa plan`: `catalog` (0), `object` (1), `desired` (2), `actor` (3), `policy` (4).
#[wasm_bindgen(js_name = plan)]
pub fn plan(
    catalog: &JsValue,
    object: &JsValue,
    desired: &JsValue,
    actor: &JsValue,
    policy: &JsValue,
    exclusive: bool,
    audit: bool,
    locate: bool,
    data: u32,
) -> Result<String, JsValue> {
    let catalog = doc(catalog, "catalog", 0, data)?;
    let object = doc(object, "object", 1, data)?;
    let desired = doc(desired, "desired state", 2, data)?;
    let actor = optional(actor, "actor", 3, data)?;
    let policy = optional(policy, "policy", 4, data)?;
    let mut p = Plan::new(catalog.input(), object.input(), desired.input())
        .exclusive(exclusive)
        .audit(audit);
    if let Some(a) = &actor {
        p = p.actor(a.input());
    }
    if let Some(doc) = &policy {
        p = p.policy(doc.input());
    }
    let sources = Sources {
        catalog: Some(&catalog.bytes),
        object: Some(&object.bytes),
        desired: Some(&desired.bytes),
        actor: bytes(actor.as_ref()),
        policy: bytes(policy.as_ref()),
        ..Sources::default()
    };
    verdict(p.run(), sources, locate)
}

/// `csa apply`: `catalog` (0), `object` (1), `changes` (2), `policy` (3).
#[wasm_bindgen(js_name = apply)]
pub fn apply(
    catalog: &JsValue,
    object: &JsValue,
    changes: &JsValue,
    policy: &JsValue,
    locate: bool,
    data: u32,
) -> Result<String, JsValue> {
    let catalog = doc(catalog, "catalog", 0, data)?;
    let object = doc(object, "object", 1, data)?;
    let changes = doc(changes, "changes", 2, data)?;
    let policy = optional(policy, "policy", 3, data)?;
    let mut a = Apply::new(catalog.input(), object.input(), changes.input());
    if let Some(p) = &policy {
        a = a.policy(p.input());
    }
    let sources = Sources {
        catalog: Some(&catalog.bytes),
        object: Some(&object.bytes),
        changes: Some(&changes.bytes),
        policy: bytes(policy.as_ref()),
        ..Sources::default()
    };
    verdict(a.run(), sources, locate)
}

/// `csa define`: `catalog` (0), `body` (1), `actor` (2), `policy` (3).
#[wasm_bindgen(js_name = define)]
pub fn define(
    catalog: &JsValue,
    method: &str,
    path: &str,
    body: &JsValue,
    actor: &JsValue,
    policy: &JsValue,
    locate: bool,
    data: u32,
) -> Result<String, JsValue> {
    let catalog = doc(catalog, "catalog", 0, data)?;
    let body = optional(body, "body", 1, data)?;
    let actor = optional(actor, "actor", 2, data)?;
    let policy = optional(policy, "policy", 3, data)?;
    let method: Method = method
        .parse()
        .map_err(|e: csa::UnknownMethod| usage(&e.to_string()))?;
    let mut d = Define::new(catalog.input(), method, path);
    if let Some(b) = &body {
        d = d.body(b.input());
    }
    if let Some(a) = &actor {
        d = d.actor(a.input());
    }
    if let Some(p) = &policy {
        d = d.policy(p.input());
    }
    let sources = Sources {
        catalog: Some(&catalog.bytes),
        definition: bytes(body.as_ref()),
        actor: bytes(actor.as_ref()),
        policy: bytes(policy.as_ref()),
        ..Sources::default()
    };
    verdict(d.run(), sources, locate)
}

/// `csa evolve`: `from` (0), `to` (1), `objects` (2), `policy` (3).
#[wasm_bindgen(js_name = evolve)]
pub fn evolve(
    from: &JsValue,
    to: &JsValue,
    objects: &JsValue,
    policy: &JsValue,
    locate: bool,
    data: u32,
) -> Result<String, JsValue> {
    let from = doc(from, "old catalog", 0, data)?;
    let to = doc(to, "new catalog", 1, data)?;
    let objects = optional(objects, "objects", 2, data)?;
    let policy = optional(policy, "policy", 3, data)?;
    let mut e = Evolve::new(from.input(), to.input());
    if let Some(o) = &objects {
        e = e.objects(o.input());
    }
    if let Some(p) = &policy {
        e = e.policy(p.input());
    }
    let sources = Sources {
        catalog: Some(&from.bytes),
        policy: bytes(policy.as_ref()),
        ..Sources::default()
    };
    plain(e.run(), sources, locate)
}

/// `csa search`: `catalog` (0), `object` (1), `actor` (2), `policy` (3).
#[wasm_bindgen(js_name = search)]
pub fn search(
    catalog: &JsValue,
    object: &JsValue,
    text: &str,
    set: Option<String>,
    actor: &JsValue,
    policy: &JsValue,
    locate: bool,
    data: u32,
) -> Result<String, JsValue> {
    let catalog = doc(catalog, "catalog", 0, data)?;
    let object = doc(object, "object", 1, data)?;
    let actor = optional(actor, "actor", 2, data)?;
    let policy = optional(policy, "policy", 3, data)?;
    let mut s = Search::new(catalog.input(), object.input(), text);
    if let Some(prefix) = &set {
        s = s.set(prefix);
    }
    if let Some(a) = &actor {
        s = s.actor(a.input());
    }
    if let Some(p) = &policy {
        s = s.policy(p.input());
    }
    let sources = Sources {
        catalog: Some(&catalog.bytes),
        object: Some(&object.bytes),
        actor: bytes(actor.as_ref()),
        policy: bytes(policy.as_ref()),
        ..Sources::default()
    };
    plain(s.run(), sources, locate)
}

/// The options of `csa filter` (and [`Engine::filter`]), as the wrapper passes them.
#[wasm_bindgen]
#[derive(Debug, Default)]
pub struct FilterOptions {
    filter: Option<String>,
    query: Option<String>,
    count: bool,
    select: Option<Vec<String>>,
    top: Option<usize>,
    consistency_level: Option<String>,
    object_type: Option<String>,
}

#[wasm_bindgen]
impl FilterOptions {
    /// No option given.
    #[wasm_bindgen(constructor)]
    pub fn new() -> FilterOptions {
        FilterOptions::default()
    }
    /// `--filter`.
    #[wasm_bindgen(setter)]
    pub fn set_filter(&mut self, v: Option<String>) {
        self.filter = v;
    }
    /// `--query`.
    #[wasm_bindgen(setter)]
    pub fn set_query(&mut self, v: Option<String>) {
        self.query = v;
    }
    /// `--count`.
    #[wasm_bindgen(setter)]
    pub fn set_count(&mut self, v: bool) {
        self.count = v;
    }
    /// `--select`, as a list.
    #[wasm_bindgen(setter)]
    pub fn set_select(&mut self, v: Option<Vec<String>>) {
        self.select = v;
    }
    /// `--top`.
    #[wasm_bindgen(setter)]
    pub fn set_top(&mut self, v: Option<u32>) {
        self.top = v.and_then(|n| usize::try_from(n).ok());
    }
    /// `--consistency-level`.
    #[wasm_bindgen(setter = consistencyLevel)]
    pub fn set_consistency_level(&mut self, v: Option<String>) {
        self.consistency_level = v;
    }
    /// `--object-type`.
    #[wasm_bindgen(setter = objectType)]
    pub fn set_object_type(&mut self, v: Option<String>) {
        self.object_type = v;
    }
}

impl FilterOptions {
    /// These options on a [`Filter`].
    fn on<'a>(&'a self, mut f: Filter<'a>) -> Result<Filter<'a>, JsValue> {
        if let Some(text) = &self.filter {
            f = f.filter(text);
        }
        if let Some(raw) = &self.query {
            f = f.query(raw);
        }
        f = f.count(self.count);
        if let Some(list) = &self.select {
            f = f.select(list.iter().map(String::as_str));
        }
        if let Some(n) = self.top {
            f = f.top(n);
        }
        if let Some(level) = &self.consistency_level {
            f = f.consistency_level(level);
        }
        if let Some(kind) = &self.object_type {
            f = f.object_type(object_kind(kind)?);
        }
        Ok(f)
    }
}

/// `csa filter`: `catalog` (0), `objects` (1), `actor` (2), `policy` (3).
#[wasm_bindgen(js_name = filter)]
pub fn filter(
    catalog: &JsValue,
    objects: &JsValue,
    options: &FilterOptions,
    actor: &JsValue,
    policy: &JsValue,
    locate: bool,
    data: u32,
) -> Result<String, JsValue> {
    let catalog = doc(catalog, "catalog", 0, data)?;
    let objects = doc(objects, "objects", 1, data)?;
    let actor = optional(actor, "actor", 2, data)?;
    let policy = optional(policy, "policy", 3, data)?;
    let mut f = options.on(Filter::new(catalog.input(), objects.input()))?;
    if let Some(a) = &actor {
        f = f.actor(a.input());
    }
    if let Some(p) = &policy {
        f = f.policy(p.input());
    }
    let sources = Sources {
        catalog: Some(&catalog.bytes),
        filter: options.filter.as_deref().map(str::as_bytes),
        actor: bytes(actor.as_ref()),
        policy: bytes(policy.as_ref()),
        ..Sources::default()
    };
    verdict(f.run(), sources, locate)
}

/// A valid catalog with nothing in it.
const EMPTY_CATALOG: &str = r#"{"attributeSets": [], "customSecurityAttributeDefinitions": []}"#;

/// A catalog compiled once under a policy, for many requests: [`csa::Engine`].
///
/// It keeps the last object and the last actor it read, with their bytes: a caller checking
/// many bodies against the same object as the same actor (the common case: a form, an editor, a
/// provider's plan) passes the same documents again, and they are then not read again. The
/// object is kept prepared ([`csa::Engine::prepare`]), so each check is
/// [`csa::Engine::evaluate_prepared`]: the same decision as [`csa::Engine::evaluate`].
#[wasm_bindgen]
pub struct Engine {
    engine: csa::Engine,
    object: RefCell<Option<Rc<Read>>>,
    actor: RefCell<Option<Rc<ReadActor>>>,
}

/// An actor document read: its bytes (the key) and the actor.
type ReadActor = (Vec<u8>, Actor);

/// An object document read and prepared: its bytes, kind override and whether it was given as
/// data (the key), the object.
struct Read {
    bytes: Vec<u8>,
    kind: Option<ObjectKind>,
    data: bool,
    object: Object,
    prepared: PreparedObject,
}

impl Engine {
    /// The object of `doc` (a fresh user without one) with `kind` over its own, prepared;
    /// from the cache when it holds the same bytes and kind.
    fn object(&self, doc: Option<&Doc>, kind: Option<ObjectKind>) -> Result<Rc<Read>, InputError> {
        let bytes = doc.map_or(&[][..], |d| d.bytes.as_slice());
        let data = doc.is_none_or(|d| d.data);
        if let Some(read) = self.object.borrow().as_ref() {
            if read.bytes == bytes && read.kind == kind && read.data == data {
                return Ok(Rc::clone(read));
            }
        }
        let mut object = read_object(doc)?;
        if let Some(k) = &kind {
            object = object.with_kind(k.clone());
        }
        let prepared = self.engine.prepare(&object);
        let read = Rc::new(Read {
            bytes: bytes.to_vec(),
            kind,
            data,
            object,
            prepared,
        });
        *self.object.borrow_mut() = Some(Rc::clone(&read));
        Ok(read)
    }

    /// The actor of `doc`, if one is given; from the cache when it holds the same bytes.
    fn actor(&self, doc: Option<&Doc>) -> Result<Option<Rc<ReadActor>>, InputError> {
        let Some(doc) = doc else {
            return Ok(None);
        };
        if let Some(cached) = self.actor.borrow().as_ref() {
            if cached.0 == doc.bytes {
                return Ok(Some(Rc::clone(cached)));
            }
        }
        let actor = Actor::from_json(&doc.bytes).map_err(|e| doc.input().locate_error(e))?;
        let read = Rc::new((doc.bytes.clone(), actor));
        *self.actor.borrow_mut() = Some(Rc::clone(&read));
        Ok(Some(read))
    }
}

/// The object document, or a cloud-only user with nothing assigned.
fn read_object(object: Option<&Doc>) -> Result<Object, InputError> {
    object.map_or_else(
        || Ok(Object::default()),
        |o| Object::from_json(&o.bytes).map_err(|e| o.input().locate_error(e)),
    )
}

/// The actor document, if one is given.
fn read_actor(actor: Option<&Doc>) -> Result<Option<Actor>, InputError> {
    actor
        .map(|a| Actor::from_json(&a.bytes).map_err(|e| a.input().locate_error(e)))
        .transpose()
}

/// `{"matches": [...]}`, as `csa search --format json` prints it.
struct Matches(Vec<csa::SearchMatch>);

impl Serialize for Matches {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("matches", &self.0)?;
        m.end()
    }
}

/// `{"customSecurityAttributes": ...}`, as `csa view --format json` prints it.
struct Viewed(csa::State);

impl Serialize for Viewed {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("customSecurityAttributes", &self.0.response_form())?;
        m.end()
    }
}

#[wasm_bindgen]
impl Engine {
    /// Compiles `catalog` (0) under `policy` (1; the default policy when absent).
    #[wasm_bindgen(constructor)]
    pub fn new(
        catalog: &JsValue,
        policy: &JsValue,
        locate: bool,
        data: u32,
    ) -> Result<Engine, JsValue> {
        let catalog = doc(catalog, "catalog", 0, data)?;
        let policy_doc = optional(policy, "policy", 1, data)?;
        let sources = Sources {
            catalog: Some(&catalog.bytes),
            policy: bytes(policy_doc.as_ref()),
            ..Sources::default()
        };
        let located = locate.then_some(&sources);
        let policy = match &policy_doc {
            Some(p) => Policy::from_json(&p.bytes)
                .map_err(|e| input_error(&p.input().locate_error(e), located))?,
            None => Policy::default(),
        };
        let catalog = csa::Catalog::from_json_with(&catalog.bytes, &policy)
            .map_err(|e| input_error(&catalog.input().locate_error(e), located))?;
        Ok(Engine {
            engine: csa::Engine::new(catalog, policy),
            object: RefCell::new(None),
            actor: RefCell::new(None),
        })
    }

    /// `csa check` on this catalog: `patch` (0), `object` (1), `actor` (2). Bit 0 of `again`
    /// says the object is the one (with the same `object_type`) the last successful check read,
    /// bit 1 the same of the actor: the wrapper knows, so it does not pass them again.
    pub fn check(
        &self,
        patch: &JsValue,
        object: &JsValue,
        actor: &JsValue,
        object_type: Option<String>,
        audit: bool,
        locate: bool,
        again: u32,
        data: u32,
    ) -> Result<String, JsValue> {
        let patch = doc(patch, "patch", 0, data)?;
        let object = optional(object, "object", 1, data)?;
        let actor = optional(actor, "actor", 2, data)?;
        let kind = object_type.as_deref().map(object_kind).transpose()?;
        let cached_object = match again & 1 {
            0 => None,
            _ => Some(
                self.object
                    .borrow()
                    .clone()
                    .ok_or_else(|| usage("no object read yet"))?,
            ),
        };
        let cached_actor = match again & 2 {
            0 => None,
            _ => Some(
                self.actor
                    .borrow()
                    .clone()
                    .ok_or_else(|| usage("no actor read yet"))?,
            ),
        };
        let decided = (|| {
            // Read in the order `csa check` reads them: the object, then the actor.
            let read = match &cached_object {
                Some(read) => Rc::clone(read),
                None => self.object(object.as_ref(), kind)?,
            };
            let actor = match &cached_actor {
                Some(actor) => Some(Rc::clone(actor)),
                None => self.actor(actor.as_ref())?,
            };
            let actor = actor.as_ref().map(|a| &a.1);
            let mut evaluation = self
                .engine
                .evaluate_prepared(&read.prepared, actor, &patch.bytes);
            patch.input().locate(Document::Body, &mut evaluation);
            if !read.data {
                evaluation.locate(Document::Object, &read.bytes);
            }
            Ok(CheckReport::new(
                &self.engine,
                &read.object,
                actor,
                evaluation,
                audit,
            ))
        })();
        let sources = Sources {
            body: Some(&patch.bytes),
            object: cached_object
                .as_ref()
                .map(|r| r.bytes.as_slice())
                .or(bytes(object.as_ref())),
            actor: cached_actor
                .as_ref()
                .map(|a| a.0.as_slice())
                .or(bytes(actor.as_ref())),
            ..Sources::default()
        };
        verdict(decided, sources, locate)
    }

    /// `csa view` on this catalog: `object` (0), `actor` (1).
    pub fn view(
        &self,
        object: &JsValue,
        actor: &JsValue,
        locate: bool,
        data: u32,
    ) -> Result<String, JsValue> {
        let object = doc(object, "object", 0, data)?;
        let actor = optional(actor, "actor", 1, data)?;
        let viewed = (|| {
            let object = read_object(Some(&object))?;
            let actor = read_actor(actor.as_ref())?;
            Ok(Viewed(self.engine.view(&object, actor.as_ref())))
        })();
        let sources = Sources {
            object: Some(&object.bytes),
            actor: bytes(actor.as_ref()),
            ..Sources::default()
        };
        plain(viewed, sources, locate)
    }

    /// `csa plan` on this catalog: `object` (0), `desired` (1), `actor` (2).
    pub fn plan(
        &self,
        object: &JsValue,
        desired: &JsValue,
        actor: &JsValue,
        exclusive: bool,
        audit: bool,
        locate: bool,
        data: u32,
    ) -> Result<String, JsValue> {
        let object = doc(object, "object", 0, data)?;
        let desired = doc(desired, "desired state", 1, data)?;
        let actor = optional(actor, "actor", 2, data)?;
        let mode = if exclusive {
            PlanMode::Exclusive
        } else {
            PlanMode::Managed
        };
        let planned = (|| {
            let actor = read_actor(actor.as_ref())?;
            let read = read_object(Some(&object))?;
            let mut evaluation = self
                .engine
                .plan(&read, actor.as_ref(), &desired.bytes, mode);
            desired.input().locate(Document::Desired, &mut evaluation);
            object.input().locate(Document::Object, &mut evaluation);
            Ok(CheckReport::new(
                &self.engine,
                &read,
                actor.as_ref(),
                evaluation,
                audit,
            ))
        })();
        let sources = Sources {
            object: Some(&object.bytes),
            desired: Some(&desired.bytes),
            actor: bytes(actor.as_ref()),
            ..Sources::default()
        };
        verdict(planned, sources, locate)
    }

    /// `csa apply` on this catalog: `object` (0), `changes` (1).
    pub fn apply(
        &self,
        object: &JsValue,
        changes: &JsValue,
        locate: bool,
        data: u32,
    ) -> Result<String, JsValue> {
        let object = doc(object, "object", 0, data)?;
        let changes = doc(changes, "changes", 1, data)?;
        let sources = Sources {
            object: Some(&object.bytes),
            changes: Some(&changes.bytes),
            ..Sources::default()
        };
        if changes.bytes.len() > self.engine.policy().max_body_bytes {
            // Refused before it is read: `csa apply`'s own error, from the command itself on
            // an empty catalog (the object is read first, as the command reads it).
            let policy = format!(
                r#"{{"maxBodyBytes": {}}}"#,
                self.engine.policy().max_body_bytes
            );
            return verdict(
                Apply::new(EMPTY_CATALOG, object.input(), changes.input())
                    .policy(policy.as_str())
                    .run(),
                sources,
                locate,
            );
        }
        let applied = (|| {
            let read = read_object(Some(&object))?;
            let parsed = csa::changes_from_json(&changes.bytes)
                .map_err(|e| changes.input().locate_error(e))?;
            let mut applied = self.engine.apply_changes(&read, &parsed);
            object.input().locate(Document::Object, &mut applied);
            Ok(applied)
        })();
        verdict(applied, sources, locate)
    }

    /// `csa search` on this catalog: `object` (0), `actor` (1).
    pub fn search(
        &self,
        object: &JsValue,
        text: &str,
        set: Option<String>,
        actor: &JsValue,
        locate: bool,
        data: u32,
    ) -> Result<String, JsValue> {
        let object = doc(object, "object", 0, data)?;
        let actor = optional(actor, "actor", 1, data)?;
        let found = (|| {
            let object = read_object(Some(&object))?;
            let actor = read_actor(actor.as_ref())?;
            Ok(Matches(self.engine.search(
                &object,
                actor.as_ref(),
                text,
                set.as_deref(),
            )))
        })();
        let sources = Sources {
            object: Some(&object.bytes),
            actor: bytes(actor.as_ref()),
            ..Sources::default()
        };
        plain(found, sources, locate)
    }

    /// `csa filter` on this catalog: `objects` (0), `actor` (1).
    pub fn filter(
        &self,
        objects: &JsValue,
        options: &FilterOptions,
        actor: &JsValue,
        locate: bool,
        data: u32,
    ) -> Result<String, JsValue> {
        let objects = doc(objects, "objects", 0, data)?;
        let actor = optional(actor, "actor", 1, data)?;
        // The query these options make, as `csa filter` makes it.
        let query = options
            .on(Filter::new(&[][..], objects.input()))?
            .graph_query();
        let answered = (|| {
            let list = Object::list_from_json(&objects.bytes)
                .map_err(|e| objects.input().locate_error(e))?;
            let actor = read_actor(actor.as_ref())?;
            let mut outcome = self.engine.query(&list, actor.as_ref(), &query);
            if let Some(filter) = query.filter_text() {
                outcome.locate(Document::Filter, filter.as_bytes());
            }
            Ok(outcome)
        })();
        let sources = Sources {
            filter: options.filter.as_deref().map(str::as_bytes),
            actor: bytes(actor.as_ref()),
            ..Sources::default()
        };
        verdict(answered, sources, locate)
    }
}

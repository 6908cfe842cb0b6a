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
//!   `{"error", "message", "document", "item"?, "violations", "warnings"}`, which the wrapper
//!   turns into a `CsaInputError`; an argument of the wrong kind throws a JavaScript `Error`.
//!
//! No path from JavaScript input reaches a panic: the workspace lints deny `unwrap`, `expect`,
//! `panic!` and indexing, and the package's tests feed every function random input.

use csa::commands::{
    Apply, Check, CheckReport, Define, Evolve, Filter, Input, Lint, Plan, Search, View,
};
use csa::{Actor, InputError, Method, Object, ObjectKind, PlanMode, Policy, Verdict};
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

/// What a `CsaInputError` carries, thrown as JSON text.
fn input_error(e: &InputError) -> JsValue {
    struct Thrown<'a>(&'a InputError);
    impl Serialize for Thrown<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            // The CLI's `{"error", "item"?, "violations"}`, then what a JavaScript error adds.
            let report = serde_json::to_value(self.0).map_err(serde::ser::Error::custom)?;
            let mut m = s.serialize_map(None)?;
            if let serde_json::Value::Object(fields) = &report {
                for (k, v) in fields {
                    if k != "violations" {
                        m.serialize_entry(k, v)?;
                    }
                }
            }
            m.serialize_entry("message", &self.0.to_string())?;
            m.serialize_entry("document", self.0.document().as_str())?;
            m.serialize_entry("violations", self.0.violations())?;
            m.serialize_entry("warnings", Verdict::warnings(self.0))?;
            m.end()
        }
    }
    match serde_json::to_string(&Thrown(e)) {
        Ok(text) => JsValue::from_str(&text),
        Err(_) => usage(&e.to_string()),
    }
}

/// The report of a command, or its input error thrown.
fn report<T: Serialize>(result: Result<T, InputError>) -> Result<String, JsValue> {
    match result {
        Ok(r) => json(&r),
        Err(e) => Err(input_error(&e)),
    }
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
#[allow(clippy::too_many_arguments)]
pub fn check(
    catalog: &JsValue,
    patch: &JsValue,
    object: &JsValue,
    actor: &JsValue,
    policy: &JsValue,
    object_type: Option<String>,
    allow_synced: bool,
    audit: bool,
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
    report(c.run())
}

/// `csa view`: `catalog` (0), `object` (1), `actor` (2), `policy` (3).
#[wasm_bindgen(js_name = view)]
pub fn view(
    catalog: &JsValue,
    object: &JsValue,
    actor: &JsValue,
    policy: &JsValue,
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
    report(v.run())
}

/// `csa lint`: `catalog` (0), `policy` (1).
#[wasm_bindgen(js_name = lint)]
pub fn lint(catalog: &JsValue, policy: &JsValue, data: u32) -> Result<String, JsValue> {
    let catalog = doc(catalog, "catalog", 0, data)?;
    let policy = optional(policy, "policy", 1, data)?;
    let mut l = Lint::new(catalog.input());
    if let Some(p) = &policy {
        l = l.policy(p.input());
    }
    report(l.run())
}

/// `csa plan`: `catalog` (0), `object` (1), `desired` (2), `actor` (3), `policy` (4).
#[wasm_bindgen(js_name = plan)]
#[allow(clippy::too_many_arguments)]
pub fn plan(
    catalog: &JsValue,
    object: &JsValue,
    desired: &JsValue,
    actor: &JsValue,
    policy: &JsValue,
    exclusive: bool,
    audit: bool,
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
    report(p.run())
}

/// `csa apply`: `catalog` (0), `object` (1), `changes` (2), `policy` (3).
#[wasm_bindgen(js_name = apply)]
pub fn apply(
    catalog: &JsValue,
    object: &JsValue,
    changes: &JsValue,
    policy: &JsValue,
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
    report(a.run())
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
    report(d.run())
}

/// `csa evolve`: `from` (0), `to` (1), `objects` (2), `policy` (3).
#[wasm_bindgen(js_name = evolve)]
pub fn evolve(
    from: &JsValue,
    to: &JsValue,
    objects: &JsValue,
    policy: &JsValue,
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
    report(e.run())
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
    report(s.run())
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
    report(f.run())
}

/// A valid catalog with nothing in it.
const EMPTY_CATALOG: &str = r#"{"attributeSets": [], "customSecurityAttributeDefinitions": []}"#;

/// A catalog compiled once under a policy, for many requests: [`csa::Engine`].
#[wasm_bindgen]
pub struct Engine {
    engine: csa::Engine,
}

/// The object document, or a cloud-only user with nothing assigned.
fn read_object(object: Option<&Doc>) -> Result<Object, InputError> {
    object.map_or_else(|| Ok(Object::default()), |o| Object::from_json(&o.bytes))
}

/// The actor document, if one is given.
fn read_actor(actor: Option<&Doc>) -> Result<Option<Actor>, InputError> {
    actor.map(|a| Actor::from_json(&a.bytes)).transpose()
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
    pub fn new(catalog: &JsValue, policy: &JsValue, data: u32) -> Result<Engine, JsValue> {
        let catalog = doc(catalog, "catalog", 0, data)?;
        let policy = optional(policy, "policy", 1, data)?;
        let policy = match &policy {
            Some(p) => Policy::from_json(&p.bytes).map_err(|e| input_error(&e))?,
            None => Policy::default(),
        };
        let catalog =
            csa::Catalog::from_json_with(&catalog.bytes, &policy).map_err(|e| input_error(&e))?;
        Ok(Engine {
            engine: csa::Engine::new(catalog, policy),
        })
    }

    /// `csa check` on this catalog: `patch` (0), `object` (1), `actor` (2).
    #[allow(clippy::too_many_arguments)]
    pub fn check(
        &self,
        patch: &JsValue,
        object: &JsValue,
        actor: &JsValue,
        object_type: Option<String>,
        audit: bool,
        data: u32,
    ) -> Result<String, JsValue> {
        let patch = doc(patch, "patch", 0, data)?;
        let object = optional(object, "object", 1, data)?;
        let actor = optional(actor, "actor", 2, data)?;
        let kind = object_type.as_deref().map(object_kind).transpose()?;
        let decided = (|| {
            let mut object = read_object(object.as_ref())?;
            if let Some(kind) = kind {
                object = object.with_kind(kind);
            }
            let actor = read_actor(actor.as_ref())?;
            let evaluation = self.engine.evaluate(&object, actor.as_ref(), &patch.bytes);
            Ok(CheckReport::new(
                &self.engine,
                &object,
                actor.as_ref(),
                evaluation,
                audit,
            ))
        })();
        report(decided)
    }

    /// `csa view` on this catalog: `object` (0), `actor` (1).
    pub fn view(&self, object: &JsValue, actor: &JsValue, data: u32) -> Result<String, JsValue> {
        let object = doc(object, "object", 0, data)?;
        let actor = optional(actor, "actor", 1, data)?;
        report((|| {
            let object = read_object(Some(&object))?;
            let actor = read_actor(actor.as_ref())?;
            Ok(Viewed(self.engine.view(&object, actor.as_ref())))
        })())
    }

    /// `csa plan` on this catalog: `object` (0), `desired` (1), `actor` (2).
    pub fn plan(
        &self,
        object: &JsValue,
        desired: &JsValue,
        actor: &JsValue,
        exclusive: bool,
        audit: bool,
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
        report((|| {
            let actor = read_actor(actor.as_ref())?;
            let object = read_object(Some(&object))?;
            let evaluation = self
                .engine
                .plan(&object, actor.as_ref(), &desired.bytes, mode);
            Ok(CheckReport::new(
                &self.engine,
                &object,
                actor.as_ref(),
                evaluation,
                audit,
            ))
        })())
    }

    /// `csa apply` on this catalog: `object` (0), `changes` (1).
    pub fn apply(&self, object: &JsValue, changes: &JsValue, data: u32) -> Result<String, JsValue> {
        let object = doc(object, "object", 0, data)?;
        let changes = doc(changes, "changes", 1, data)?;
        if changes.bytes.len() > self.engine.policy().max_body_bytes {
            // Refused before it is read: `csa apply`'s own error, from the command itself on
            // an empty catalog (the object is read first, as the command reads it).
            let policy = format!(
                r#"{{"maxBodyBytes": {}}}"#,
                self.engine.policy().max_body_bytes
            );
            return report(
                Apply::new(EMPTY_CATALOG, object.input(), changes.input())
                    .policy(policy.as_str())
                    .run(),
            );
        }
        report((|| {
            let object = read_object(Some(&object))?;
            let changes = csa::changes_from_json(&changes.bytes)?;
            Ok(self.engine.apply_changes(&object, &changes))
        })())
    }

    /// `csa search` on this catalog: `object` (0), `actor` (1).
    pub fn search(
        &self,
        object: &JsValue,
        text: &str,
        set: Option<String>,
        actor: &JsValue,
        data: u32,
    ) -> Result<String, JsValue> {
        let object = doc(object, "object", 0, data)?;
        let actor = optional(actor, "actor", 1, data)?;
        report((|| {
            let object = read_object(Some(&object))?;
            let actor = read_actor(actor.as_ref())?;
            Ok(Matches(self.engine.search(
                &object,
                actor.as_ref(),
                text,
                set.as_deref(),
            )))
        })())
    }

    /// `csa filter` on this catalog: `objects` (0), `actor` (1).
    pub fn filter(
        &self,
        objects: &JsValue,
        options: &FilterOptions,
        actor: &JsValue,
        data: u32,
    ) -> Result<String, JsValue> {
        let objects = doc(objects, "objects", 0, data)?;
        let actor = optional(actor, "actor", 1, data)?;
        // The query these options make, as `csa filter` makes it.
        let query = options
            .on(Filter::new(&[][..], objects.input()))?
            .graph_query();
        report((|| {
            let list = Object::list_from_json(&objects.bytes)?;
            let actor = read_actor(actor.as_ref())?;
            Ok(self.engine.query(&list, actor.as_ref(), &query))
        })())
    }
}

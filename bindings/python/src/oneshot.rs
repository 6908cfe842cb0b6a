//! The one-shot functions: one per `csa` command, each returning the JSON document that
//! `csa <command> --format json` prints, as Python dicts and lists. They call the library's
//! `csa::commands`, as the command line does, with the GIL released while csa works.

use csa::commands::{self, Input};
use csa::Method;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use serde::Serialize;

use crate::doc::{count, doc, opt_doc, opt_kind, select as select_list, Doc};
use crate::errors::{input_error, to_py};

/// The report as Python objects, or `InputError`.
fn answer<'py, T: Serialize>(
    py: Python<'py>,
    result: Result<T, csa::InputError>,
) -> PyResult<Bound<'py, PyAny>> {
    match result {
        Ok(report) => to_py(py, &report),
        Err(e) => Err(input_error(py, &e)),
    }
}

fn input<'a>(d: &'a Option<Doc<'_>>) -> Option<Input<'a>> {
    d.as_ref().map(Doc::input)
}

/// Checks a PATCH body as Microsoft Graph would decide it (`csa check --format json`).
///
/// Every document may be a ``str``, ``bytes`` or ``bytearray`` (JSON text as written) or a
/// ``dict``/``list`` (data already parsed). Returns ``{"allowed", "authorization", "changes",
/// "warnings", "customSecurityAttributes", "request"}`` for an accepted body, or
/// ``{"allowed": False, "authorization", "violations", "warnings"}``; with ``audit=True`` an
/// accepted body adds its ``"audit"`` record.
///
/// ``object`` is the target as Graph returns it (default: a cloud-only user with nothing
/// assigned); ``actor`` the caller's role assignments (default: authorization is not checked);
/// ``object_type`` overrides the object's kind (``"user"``, ``"servicePrincipal"``,
/// ``"device"``, ``"managedIdentity"``); ``allow_synced`` accepts directory-synced objects.
///
/// Raises ``InputError`` for a catalog, object, actor or policy csa cannot use.
#[pyfunction]
#[pyo3(signature = (catalog, patch, *, object=None, actor=None, policy=None, object_type=None, allow_synced=false, audit=false))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn check<'py>(
    py: Python<'py>,
    catalog: &Bound<'py, PyAny>,
    patch: &Bound<'py, PyAny>,
    object: Option<&Bound<'py, PyAny>>,
    actor: Option<&Bound<'py, PyAny>>,
    policy: Option<&Bound<'py, PyAny>>,
    object_type: Option<String>,
    allow_synced: bool,
    audit: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let (catalog, patch) = (doc(catalog, "catalog")?, doc(patch, "patch")?);
    let object = opt_doc(object, "object")?;
    let actor = opt_doc(actor, "actor")?;
    let policy = opt_doc(policy, "policy")?;
    let kind = opt_kind(object_type.as_deref())?;
    let (catalog, patch) = (catalog.input(), patch.input());
    let (object, actor, policy) = (input(&object), input(&actor), input(&policy));
    let result = py.detach(move || {
        let mut c = commands::Check::new(catalog, patch)
            .allow_synced(allow_synced)
            .audit(audit);
        if let Some(o) = object {
            c = c.object(o);
        }
        if let Some(a) = actor {
            c = c.actor(a);
        }
        if let Some(p) = policy {
            c = c.policy(p);
        }
        if let Some(k) = kind {
            c = c.object_type(k);
        }
        c.run()
    });
    answer(py, result)
}

/// What ``GET /users/{id}?$select=customSecurityAttributes`` returns to the caller
/// (``csa view --format json``): ``{"customSecurityAttributes": ...}`` in Graph's response
/// form, ``None`` when nothing is left to see. Without ``actor``, everything.
///
/// Raises ``InputError`` for a catalog, object, actor or policy csa cannot use.
#[pyfunction]
#[pyo3(signature = (catalog, object, *, actor=None, policy=None))]
pub(crate) fn view<'py>(
    py: Python<'py>,
    catalog: &Bound<'py, PyAny>,
    object: &Bound<'py, PyAny>,
    actor: Option<&Bound<'py, PyAny>>,
    policy: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (catalog, object) = (doc(catalog, "catalog")?, doc(object, "object")?);
    let (actor, policy) = (opt_doc(actor, "actor")?, opt_doc(policy, "policy")?);
    let (catalog, object) = (catalog.input(), object.input());
    let (actor, policy) = (input(&actor), input(&policy));
    let result = py.detach(move || {
        let mut v = commands::View::new(catalog, object);
        if let Some(a) = actor {
            v = v.actor(a);
        }
        if let Some(p) = policy {
            v = v.policy(p);
        }
        v.run()
    });
    answer(py, result)
}

/// Every problem of a catalog (``csa lint --format json``): ``{"valid", "violations",
/// "warnings"}``. Any document can be linted: what is wrong with it is the report.
///
/// Raises ``InputError`` only for a policy csa cannot use.
#[pyfunction]
#[pyo3(signature = (catalog, *, policy=None))]
pub(crate) fn lint<'py>(
    py: Python<'py>,
    catalog: &Bound<'py, PyAny>,
    policy: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let catalog = doc(catalog, "catalog")?;
    let policy = opt_doc(policy, "policy")?;
    let (catalog, policy) = (catalog.input(), input(&policy));
    let result = py.detach(move || {
        let mut l = commands::Lint::new(catalog);
        if let Some(p) = policy {
            l = l.policy(p);
        }
        l.run()
    });
    answer(py, result)
}

/// The minimal PATCH from an object's current state to a desired state, decided like any
/// PATCH (``csa plan --format json``; the same document as ``check``).
///
/// ``desired`` is in Graph's response form: ``{"customSecurityAttributes": ...}``, the object,
/// or the sets map. ``exclusive`` also removes every readable defined attribute the desired
/// state does not hold, in sets it does not name.
///
/// Raises ``InputError`` for a catalog, object, actor or policy csa cannot use.
#[pyfunction]
#[pyo3(signature = (catalog, object, desired, *, actor=None, policy=None, exclusive=false, audit=false))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn plan<'py>(
    py: Python<'py>,
    catalog: &Bound<'py, PyAny>,
    object: &Bound<'py, PyAny>,
    desired: &Bound<'py, PyAny>,
    actor: Option<&Bound<'py, PyAny>>,
    policy: Option<&Bound<'py, PyAny>>,
    exclusive: bool,
    audit: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let (catalog, object) = (doc(catalog, "catalog")?, doc(object, "object")?);
    let desired = doc(desired, "desired")?;
    let (actor, policy) = (opt_doc(actor, "actor")?, opt_doc(policy, "policy")?);
    let (catalog, object, desired) = (catalog.input(), object.input(), desired.input());
    let (actor, policy) = (input(&actor), input(&policy));
    let result = py.detach(move || {
        let mut p = commands::Plan::new(catalog, object, desired)
            .exclusive(exclusive)
            .audit(audit);
        if let Some(a) = actor {
            p = p.actor(a);
        }
        if let Some(pol) = policy {
            p = p.policy(pol);
        }
        p.run()
    });
    answer(py, result)
}

/// Applies changes computed by ``check`` or ``plan`` (their whole result, or its
/// ``"changes"`` list) to an object, refusing with ``conflict`` if it changed meanwhile
/// (``csa apply --format json``): ``{"customSecurityAttributes": ...}`` or
/// ``{"violations": [...]}``.
///
/// Raises ``InputError`` for a catalog, object, changes document or policy csa cannot use.
#[pyfunction]
#[pyo3(signature = (catalog, object, changes, *, policy=None))]
pub(crate) fn apply<'py>(
    py: Python<'py>,
    catalog: &Bound<'py, PyAny>,
    object: &Bound<'py, PyAny>,
    changes: &Bound<'py, PyAny>,
    policy: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (catalog, object) = (doc(catalog, "catalog")?, doc(object, "object")?);
    let changes = doc(changes, "changes")?;
    let policy = opt_doc(policy, "policy")?;
    let (catalog, object, changes) = (catalog.input(), object.input(), changes.input());
    let policy = input(&policy);
    let result = py.detach(move || {
        let mut a = commands::Apply::new(catalog, object, changes);
        if let Some(p) = policy {
            a = a.policy(p);
        }
        a.run()
    });
    answer(py, result)
}

/// Decides a Graph request on attribute sets, definitions or allowed values as Graph would
/// (``csa define --format json``): for a read (``GET``), Graph's response body itself;
/// otherwise ``{"allowed", "authorization", "changes" | "violations", "warnings"}``.
///
/// ``method`` is ``"GET"``, ``"POST"``, ``"PATCH"``, ``"PUT"`` or ``"DELETE"`` (any letter
/// case); ``path`` a Graph path or URL such as
/// ``"/directory/customSecurityAttributeDefinitions/Engineering_Project"``; ``body`` the
/// request body of a ``POST`` or ``PATCH``.
///
/// Raises ``InputError`` for a catalog, actor or policy csa cannot use.
#[pyfunction]
#[pyo3(signature = (catalog, method, path, *, body=None, actor=None, policy=None))]
pub(crate) fn define<'py>(
    py: Python<'py>,
    catalog: &Bound<'py, PyAny>,
    method: String,
    path: String,
    body: Option<&Bound<'py, PyAny>>,
    actor: Option<&Bound<'py, PyAny>>,
    policy: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let catalog = doc(catalog, "catalog")?;
    let method: Method = method
        .parse()
        .map_err(|e: csa::UnknownMethod| PyValueError::new_err(e.to_string()))?;
    let (body, actor) = (opt_doc(body, "body")?, opt_doc(actor, "actor")?);
    let policy = opt_doc(policy, "policy")?;
    let catalog = catalog.input();
    let (body, actor, policy) = (input(&body), input(&actor), input(&policy));
    let path = path.as_str();
    let result = py.detach(move || {
        let mut d = commands::Define::new(catalog, method, path);
        if let Some(b) = body {
            d = d.body(b);
        }
        if let Some(a) = actor {
            d = d.actor(a);
        }
        if let Some(p) = policy {
            d = d.policy(p);
        }
        d.run()
    });
    answer(py, result)
}

/// Every difference from catalog ``old`` to catalog ``new``, each allowed or refused as Entra
/// would, and (given the tenant's ``objects``) the assignments it affects
/// (``csa evolve --format json``): ``{"legal", "changes", "impact"}``.
///
/// ``objects`` is JSON Lines text, a JSON array, a Graph list response, or a ``list`` of
/// objects. A ``new`` that is not a valid catalog is an illegal evolution, not an error.
///
/// Raises ``InputError`` for an invalid ``old`` catalog, objects or a policy csa cannot use.
#[pyfunction]
#[pyo3(signature = (old, new, *, objects=None, policy=None))]
pub(crate) fn evolve<'py>(
    py: Python<'py>,
    old: &Bound<'py, PyAny>,
    new: &Bound<'py, PyAny>,
    objects: Option<&Bound<'py, PyAny>>,
    policy: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (old, new) = (doc(old, "old")?, doc(new, "new")?);
    let (objects, policy) = (opt_doc(objects, "objects")?, opt_doc(policy, "policy")?);
    let (old, new) = (old.input(), new.input());
    let (objects, policy) = (input(&objects), input(&policy));
    let result = py.detach(move || {
        let mut e = commands::Evolve::new(old, new);
        if let Some(o) = objects {
            e = e.objects(o);
        }
        if let Some(p) = policy {
            e = e.policy(p);
        }
        e.run()
    });
    answer(py, result)
}

/// The portal's search on one object (``csa search --format json``): ``{"matches": [...]}``,
/// the attribute names and values starting with ``text`` (case-insensitive; ``""`` lists
/// everything), in the sets whose name starts with ``set`` and the caller may read.
///
/// Raises ``InputError`` for a catalog, object, actor or policy csa cannot use.
#[pyfunction]
#[pyo3(signature = (catalog, object, text, *, set=None, actor=None, policy=None))]
pub(crate) fn search<'py>(
    py: Python<'py>,
    catalog: &Bound<'py, PyAny>,
    object: &Bound<'py, PyAny>,
    text: String,
    set: Option<String>,
    actor: Option<&Bound<'py, PyAny>>,
    policy: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (catalog, object) = (doc(catalog, "catalog")?, doc(object, "object")?);
    let (actor, policy) = (opt_doc(actor, "actor")?, opt_doc(policy, "policy")?);
    let (catalog, object) = (catalog.input(), object.input());
    let (actor, policy) = (input(&actor), input(&policy));
    let (text, set) = (text.as_str(), set.as_deref());
    let result = py.detach(move || {
        let mut s = commands::Search::new(catalog, object, text);
        if let Some(prefix) = set {
            s = s.set(prefix);
        }
        if let Some(a) = actor {
            s = s.actor(a);
        }
        if let Some(p) = policy {
            s = s.policy(p);
        }
        s.run()
    });
    answer(py, result)
}

/// The options of a list query, shared by ``filter`` and ``Engine.filter``.
pub(crate) struct QueryArgs {
    pub(crate) filter: Option<String>,
    pub(crate) query: Option<String>,
    pub(crate) count: bool,
    pub(crate) select: Option<Vec<String>>,
    pub(crate) top: Option<usize>,
    pub(crate) consistency_level: Option<String>,
    pub(crate) object_type: csa::ObjectKind,
}

impl QueryArgs {
    /// The options as Python gives them, checked as the command line checks its flags: one of
    /// `filter` and `query`, and `query` without `count`, `select` or `top` (it has its own).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        filter: Option<String>,
        query: Option<String>,
        count: bool,
        select: Option<&Bound<'_, PyAny>>,
        top: Option<&Bound<'_, PyAny>>,
        consistency_level: Option<String>,
        object_type: Option<String>,
    ) -> PyResult<Self> {
        match (&filter, &query) {
            (None, None) => {
                return Err(PyTypeError::new_err(
                    "give the $filter text as `filter`, or a raw query string as `query`",
                ))
            }
            (Some(_), Some(_)) => {
                return Err(PyTypeError::new_err(
                    "give `filter` or `query`, not both (a query string has its own $filter)",
                ))
            }
            _ => {}
        }
        let select = select.filter(|s| !s.is_none());
        let top = top.filter(|t| !t.is_none());
        if query.is_some() && (count || select.is_some() || top.is_some()) {
            return Err(PyTypeError::new_err(
                "`query` is a whole query string: give $count, $select and $top in it, not as `count`, `select` or `top`",
            ));
        }
        Ok(Self {
            filter,
            query,
            count,
            select: select.map(select_list).transpose()?,
            top: top.map(|t| self::count(t, "top", 0)).transpose()?,
            consistency_level,
            object_type: opt_kind(object_type.as_deref())?.unwrap_or(csa::ObjectKind::User),
        })
    }

    /// The command with these options.
    pub(crate) fn command<'a>(
        &'a self,
        catalog: Input<'a>,
        objects: Input<'a>,
    ) -> commands::Filter<'a> {
        let mut f = commands::Filter::new(catalog, objects)
            .count(self.count)
            .object_type(self.object_type.clone());
        if let Some(text) = &self.filter {
            f = f.filter(text);
        }
        if let Some(raw) = &self.query {
            f = f.query(raw);
        }
        if let Some(list) = &self.select {
            f = f.select(list.iter().map(String::as_str));
        }
        if let Some(n) = self.top {
            f = f.top(n);
        }
        if let Some(level) = &self.consistency_level {
            f = f.consistency_level(level);
        }
        f
    }
}

/// Graph's answer to ``GET /users?$filter=...`` over the given objects (``csa filter --format
/// json``): Graph's list body ``{"@odata.context", "@odata.count"?, "value"}`` or
/// ``{"violations": [...]}`` for a query Graph refuses.
///
/// Give the ``$filter`` text as ``filter`` (with ``count``, ``select``: a comma-separated
/// ``str`` or a list, and ``top``), or a raw query string as ``query``
/// (``"$count=true&$filter=..."``, URL-decoded as Graph does). ``consistency_level`` is the
/// ``ConsistencyLevel`` header (Graph needs ``"eventual"`` for these filters). ``objects`` is
/// JSON Lines text, a JSON array, a Graph list response, or a ``list`` of objects.
///
/// Raises ``InputError`` for a catalog, objects, actor or policy csa cannot use.
#[pyfunction]
#[pyo3(signature = (catalog, objects, *, filter=None, query=None, actor=None, count=false, consistency_level=None, select=None, top=None, object_type=None, policy=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn filter<'py>(
    py: Python<'py>,
    catalog: &Bound<'py, PyAny>,
    objects: &Bound<'py, PyAny>,
    filter: Option<String>,
    query: Option<String>,
    actor: Option<&Bound<'py, PyAny>>,
    count: bool,
    consistency_level: Option<String>,
    select: Option<&Bound<'py, PyAny>>,
    top: Option<&Bound<'py, PyAny>>,
    object_type: Option<String>,
    policy: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let args = QueryArgs::new(
        filter,
        query,
        count,
        select,
        top,
        consistency_level,
        object_type,
    )?;
    let (catalog, objects) = (doc(catalog, "catalog")?, doc(objects, "objects")?);
    let (actor, policy) = (opt_doc(actor, "actor")?, opt_doc(policy, "policy")?);
    let (catalog, objects) = (catalog.input(), objects.input());
    let (actor, policy) = (input(&actor), input(&policy));
    let args = &args;
    let result = py.detach(move || {
        let mut f = args.command(catalog, objects);
        if let Some(a) = actor {
            f = f.actor(a);
        }
        if let Some(p) = policy {
            f = f.policy(p);
        }
        f.run()
    });
    answer(py, result)
}

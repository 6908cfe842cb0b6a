//! The compiled form for hot loops: `Engine` (a catalog compiled once), `Object` and `Actor`
//! (parsed once), and the typed results `Evaluation`, `View` and `QueryResult`.
//!
//! Every class is immutable (`frozen`) and its Rust value `Send + Sync`, so one engine is
//! shared by every Python thread; each method releases the GIL while csa works.

use std::borrow::Cow;

use csa::commands::{CheckReport, GraphAnswer, Input, ViewReport};
use csa::{
    Actor, Authorization, Catalog, Document, Engine, Locate, Object, ObjectKind, PlanMode, Policy,
    QueryOutcome, Verdict,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use serde::Serialize;

use crate::doc::{count, doc, opt_doc, opt_kind, type_name, Doc};
use crate::errors::{input_error, input_error_in_item, to_py};
use crate::oneshot::QueryArgs;
use crate::parallel;

/// A catalog compiled once, with its policy: decides any number of requests without reading
/// the catalog again. Immutable; share one across threads.
///
/// ``catalog`` and ``policy`` are documents (``str``, ``bytes``, ``dict``, ...). Raises
/// ``InputError`` for a catalog or policy csa cannot use.
#[pyclass(frozen, module = "entra_csa", name = "Engine")]
pub(crate) struct PyEngine {
    engine: Engine,
}

/// The target object of a request: parsed already, a document to read, or the default (a
/// cloud-only user with nothing assigned).
enum ObjectArg<'py> {
    Default,
    Parsed(Bound<'py, PyCsaObject>),
    Doc(Doc<'py>),
}

impl<'py> ObjectArg<'py> {
    fn new(value: Option<&Bound<'py, PyAny>>, name: &str) -> PyResult<Self> {
        match value {
            None => Ok(ObjectArg::Default),
            Some(v) if v.is_none() => Ok(ObjectArg::Default),
            Some(v) => match v.cast::<PyCsaObject>() {
                Ok(o) => Ok(ObjectArg::Parsed(o.clone())),
                Err(_) => doc(v, name).map(ObjectArg::Doc),
            },
        }
    }

    /// A required object.
    fn required(value: &Bound<'py, PyAny>, name: &str) -> PyResult<Self> {
        Self::new(Some(value), name).and_then(|o| match o {
            ObjectArg::Default => Err(PyTypeError::new_err(format!(
                "{name} must be an Object or a document, not None"
            ))),
            o => Ok(o),
        })
    }

    fn source(&self) -> ObjectSource<'_> {
        match self {
            ObjectArg::Default => ObjectSource::Default,
            ObjectArg::Parsed(o) => ObjectSource::Parsed(&o.get().object),
            ObjectArg::Doc(d) => ObjectSource::Doc(d.input()),
        }
    }
}

/// An object as csa reads it while the GIL is released.
#[derive(Clone, Copy)]
enum ObjectSource<'a> {
    Default,
    Parsed(&'a Object),
    Doc(Input<'a>),
}

impl<'a> ObjectSource<'a> {
    fn read(self, kind: Option<&ObjectKind>) -> Result<Cow<'a, Object>, csa::InputError> {
        let object = match self {
            ObjectSource::Default => Cow::Owned(Object::default()),
            ObjectSource::Parsed(o) => Cow::Borrowed(o),
            ObjectSource::Doc(d) => {
                Cow::Owned(Object::from_json(d.bytes()).map_err(|e| d.locate_error(e))?)
            }
        };
        Ok(match kind {
            Some(k) => Cow::Owned(object.into_owned().with_kind(k.clone())),
            None => object,
        })
    }

    /// Places what `outcome` says about the object in its text, when it was given as text.
    fn locate(self, outcome: &mut impl Locate) {
        if let ObjectSource::Doc(d) = self {
            d.locate(Document::Object, outcome);
        }
    }
}

/// The caller: parsed already, a document to read, or none (authorization is not checked).
enum ActorArg<'py> {
    None,
    Parsed(Bound<'py, PyActor>),
    Doc(Doc<'py>),
}

impl<'py> ActorArg<'py> {
    fn new(value: Option<&Bound<'py, PyAny>>) -> PyResult<Self> {
        match value {
            None => Ok(ActorArg::None),
            Some(v) if v.is_none() => Ok(ActorArg::None),
            Some(v) => match v.cast::<PyActor>() {
                Ok(a) => Ok(ActorArg::Parsed(a.clone())),
                Err(_) => doc(v, "actor").map(ActorArg::Doc),
            },
        }
    }

    fn source(&self) -> ActorSource<'_> {
        match self {
            ActorArg::None => ActorSource::None,
            ActorArg::Parsed(a) => ActorSource::Parsed(&a.get().actor),
            ActorArg::Doc(d) => ActorSource::Doc(d.input()),
        }
    }
}

#[derive(Clone, Copy)]
enum ActorSource<'a> {
    None,
    Parsed(&'a Actor),
    Doc(Input<'a>),
}

impl<'a> ActorSource<'a> {
    fn read(self) -> Result<Option<Cow<'a, Actor>>, csa::InputError> {
        Ok(match self {
            ActorSource::None => None,
            ActorSource::Parsed(a) => Some(Cow::Borrowed(a)),
            ActorSource::Doc(d) => Some(Cow::Owned(
                Actor::from_json(d.bytes()).map_err(|e| d.locate_error(e))?,
            )),
        })
    }
}

/// One request of `check_many`, as csa reads it while the GIL is released.
struct Work<'a> {
    object: ObjectSource<'a>,
    patch: Input<'a>,
    actor: ActorSource<'a>,
}

impl PyEngine {
    /// `check` on this engine: reads the object and the actor (object first, as `csa check`
    /// does), then evaluates.
    fn decide(
        &self,
        (object, actor): (ObjectSource<'_>, ActorSource<'_>),
        kind: Option<&ObjectKind>,
        patch: Input<'_>,
        audit: bool,
    ) -> Result<CheckReport, csa::InputError> {
        let read = object.read(kind)?;
        let actor = actor.read()?;
        let mut evaluation = self.engine.evaluate(&read, actor.as_deref(), patch.bytes());
        patch.locate(Document::Body, &mut evaluation);
        object.locate(&mut evaluation);
        let object = read;
        Ok(CheckReport::new(
            &self.engine,
            &object,
            actor.as_deref(),
            evaluation,
            audit,
        ))
    }
}

#[pymethods]
impl PyEngine {
    #[new]
    #[pyo3(signature = (catalog, policy=None))]
    fn new(
        py: Python<'_>,
        catalog: &Bound<'_, PyAny>,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let catalog = doc(catalog, "catalog")?;
        let policy = opt_doc(policy, "policy")?;
        let (catalog, policy) = (catalog.input(), policy.as_ref().map(Doc::input));
        // As the commands read them: the policy first, then the catalog under it.
        let engine = py.detach(move || -> Result<Engine, csa::InputError> {
            let policy = match policy {
                Some(p) => Policy::from_json(p.bytes()).map_err(|e| p.locate_error(e))?,
                None => Policy::default(),
            };
            let catalog = Catalog::from_json_with(catalog.bytes(), &policy)
                .map_err(|e| catalog.locate_error(e))?;
            Ok(Engine::new(catalog, policy))
        });
        match engine {
            Ok(engine) => Ok(Self { engine }),
            Err(e) => Err(input_error(py, &e)),
        }
    }

    /// Checks a PATCH body against this catalog as Microsoft Graph would decide it.
    ///
    /// ``object`` is an ``Object`` or a document (default: a cloud-only user with nothing
    /// assigned), ``actor`` an ``Actor`` or a document (default: authorization is not
    /// checked), ``object_type`` overrides the object's kind. Returns an ``Evaluation``, whose
    /// ``to_dict()`` is what ``entra_csa.check`` returns. Raises ``InputError`` for an object
    /// or actor csa cannot read.
    #[pyo3(signature = (patch, *, object=None, actor=None, object_type=None, audit=false))]
    fn check(
        &self,
        py: Python<'_>,
        patch: &Bound<'_, PyAny>,
        object: Option<&Bound<'_, PyAny>>,
        actor: Option<&Bound<'_, PyAny>>,
        object_type: Option<String>,
        audit: bool,
    ) -> PyResult<PyEvaluation> {
        let patch = doc(patch, "patch")?;
        let object = ObjectArg::new(object, "object")?;
        let actor = ActorArg::new(actor)?;
        let kind = opt_kind(object_type.as_deref())?;
        let (patch, sources) = (patch.input(), (object.source(), actor.source()));
        let report = py.detach(|| self.decide(sources, kind.as_ref(), patch, audit));
        match report {
            Ok(report) => Ok(PyEvaluation { report }),
            Err(e) => Err(input_error(py, &e)),
        }
    }

    /// Checks many PATCH bodies on the machine's cores, with the GIL released.
    ///
    /// ``items`` is an iterable of ``(object, patch)`` or ``(object, patch, actor)`` tuples;
    /// each ``object`` and ``actor`` an ``Object``/``Actor``, a document or ``None``. An item
    /// without its own actor uses ``actor``. ``threads`` is how many threads work (default: the
    /// machine's cores; at most 256). Returns one ``Evaluation`` per item, in input order; an
    /// object or actor csa cannot read raises ``InputError`` naming its item (``"item 3"``,
    /// counted from 1).
    #[pyo3(signature = (items, *, actor=None, object_type=None, audit=false, threads=None))]
    fn check_many(
        &self,
        py: Python<'_>,
        items: &Bound<'_, PyAny>,
        actor: Option<&Bound<'_, PyAny>>,
        object_type: Option<String>,
        audit: bool,
        threads: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<PyEvaluation>> {
        let threads = match threads.filter(|t| !t.is_none()) {
            Some(t) => count(t, "threads", 1)?,
            None => parallel::cores(),
        };
        let kind = opt_kind(object_type.as_deref())?;
        let default_actor = ActorArg::new(actor)?;
        let mut held = Vec::new();
        for (i, item) in items.try_iter()?.enumerate() {
            let item = item?;
            let Some((object, patch, actor)) = item_parts(&item)? else {
                return Err(PyTypeError::new_err(format!(
                    "item {} must be a tuple (object, patch) or (object, patch, actor), not {}",
                    i + 1,
                    type_name(&item)
                )));
            };
            let object = ObjectArg::new(Some(&object), "object")?;
            let patch = doc(&patch, "patch")?;
            let actor = match actor {
                Some(a) => Some(ActorArg::new(Some(&a))?),
                None => None,
            };
            held.push((object, patch, actor));
        }
        let work: Vec<Work<'_>> = held
            .iter()
            .map(|(object, patch, actor)| Work {
                object: object.source(),
                patch: patch.input(),
                actor: actor.as_ref().unwrap_or(&default_actor).source(),
            })
            .collect();
        let kind = kind.as_ref();
        let reports = py.detach(|| {
            parallel::map(&work, threads, |w| {
                self.decide((w.object, w.actor), kind, w.patch, audit)
            })
        });
        let mut out = Vec::with_capacity(reports.len());
        for (i, report) in reports.into_iter().enumerate() {
            match report {
                Ok(report) => out.push(PyEvaluation { report }),
                Err(e) => return Err(input_error_in_item(py, &e, &format!("item {}", i + 1))),
            }
        }
        Ok(out)
    }

    /// What ``GET ...?$select=customSecurityAttributes`` returns to ``actor`` (without one,
    /// everything). Returns a ``View``. Raises ``InputError`` for an object or actor csa cannot
    /// read.
    #[pyo3(signature = (object, *, actor=None))]
    fn view(
        &self,
        py: Python<'_>,
        object: &Bound<'_, PyAny>,
        actor: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyView> {
        let object = ObjectArg::required(object, "object")?;
        let actor = ActorArg::new(actor)?;
        let (object, actor) = (object.source(), actor.source());
        let report = py.detach(|| -> Result<ViewReport, csa::InputError> {
            let object = object.read(None)?;
            let actor = actor.read()?;
            let authorization = if actor.is_some() {
                Authorization::Checked
            } else {
                Authorization::NotChecked
            };
            let state = self.engine.view(&object, actor.as_deref());
            Ok(ViewReport::new(state, object.kind().clone(), authorization))
        });
        match report {
            Ok(report) => Ok(PyView { report }),
            Err(e) => Err(input_error(py, &e)),
        }
    }

    /// The minimal PATCH from ``object``'s current state to ``desired`` (Graph's response
    /// form), decided like any PATCH. Returns an ``Evaluation`` (its ``request`` is the
    /// PATCH to send). Raises ``InputError`` for an object or actor csa cannot read.
    #[pyo3(signature = (object, desired, *, actor=None, exclusive=false, audit=false))]
    fn plan(
        &self,
        py: Python<'_>,
        object: &Bound<'_, PyAny>,
        desired: &Bound<'_, PyAny>,
        actor: Option<&Bound<'_, PyAny>>,
        exclusive: bool,
        audit: bool,
    ) -> PyResult<PyEvaluation> {
        let object = ObjectArg::required(object, "object")?;
        let desired = doc(desired, "desired")?;
        let actor = ActorArg::new(actor)?;
        let (object, actor, desired) = (object.source(), actor.source(), desired.input());
        let mode = if exclusive {
            PlanMode::Exclusive
        } else {
            PlanMode::Managed
        };
        // As `csa plan` reads them: the actor, then the object.
        let report = py.detach(|| -> Result<CheckReport, csa::InputError> {
            let actor = actor.read()?;
            let read = object.read(None)?;
            let mut evaluation = self
                .engine
                .plan(&read, actor.as_deref(), desired.bytes(), mode);
            desired.locate(Document::Desired, &mut evaluation);
            object.locate(&mut evaluation);
            let object = read;
            Ok(CheckReport::new(
                &self.engine,
                &object,
                actor.as_deref(),
                evaluation,
                audit,
            ))
        });
        match report {
            Ok(report) => Ok(PyEvaluation { report }),
            Err(e) => Err(input_error(py, &e)),
        }
    }

    /// Graph's answer to a list query with ``$filter`` over ``objects`` (a list of ``Object``,
    /// or a document: JSON Lines, a JSON array, a Graph list response, a ``list``). The options
    /// are ``entra_csa.filter``'s. Returns a ``QueryResult``. Raises ``InputError`` for objects
    /// or an actor csa cannot read.
    #[pyo3(signature = (objects, *, filter=None, query=None, actor=None, count=false, consistency_level=None, select=None, top=None, object_type=None))]
    #[allow(clippy::too_many_arguments)]
    fn filter(
        &self,
        py: Python<'_>,
        objects: &Bound<'_, PyAny>,
        filter: Option<String>,
        query: Option<String>,
        actor: Option<&Bound<'_, PyAny>>,
        count: bool,
        consistency_level: Option<String>,
        select: Option<&Bound<'_, PyAny>>,
        top: Option<&Bound<'_, PyAny>>,
        object_type: Option<String>,
    ) -> PyResult<PyQueryResult> {
        let args = QueryArgs::new(
            filter,
            query,
            count,
            select,
            top,
            consistency_level,
            object_type,
        )?;
        let parsed = parsed_objects(objects)?;
        let objects = match &parsed {
            Some(_) => None,
            None => Some(doc(objects, "objects")?),
        };
        let actor = ActorArg::new(actor)?;
        let (objects, actor) = (objects.as_ref().map(Doc::input), actor.source());
        let query = args
            .command(Input::text(b""), Input::text(b""))
            .graph_query();
        // As `csa filter` reads them: the objects, then the actor.
        let outcome = py.detach(|| -> Result<QueryOutcome, csa::InputError> {
            let objects = match (objects, &parsed) {
                (Some(d), _) => Object::list_from_json(d.bytes()).map_err(|e| d.locate_error(e))?,
                (None, Some(list)) => list.clone(),
                (None, None) => Vec::new(),
            };
            let actor = actor.read()?;
            let mut outcome = self.engine.query(&objects, actor.as_deref(), &query);
            if let Some(filter) = query.filter_text() {
                outcome.locate(Document::Filter, filter.as_bytes());
            }
            Ok(outcome)
        });
        match outcome {
            Ok(outcome) => Ok(PyQueryResult { outcome }),
            Err(e) => Err(input_error(py, &e)),
        }
    }

    /// The portal's search on one object: ``{"matches": [...]}`` as ``entra_csa.search``
    /// returns it. Raises ``InputError`` for an object or actor csa cannot read.
    #[pyo3(signature = (object, text, *, set=None, actor=None))]
    fn search<'py>(
        &self,
        py: Python<'py>,
        object: &Bound<'py, PyAny>,
        text: String,
        set: Option<String>,
        actor: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let object = ObjectArg::required(object, "object")?;
        let actor = ActorArg::new(actor)?;
        let (object, actor) = (object.source(), actor.source());
        let (text, set) = (text.as_str(), set.as_deref());
        let matches = py.detach(|| -> Result<_, csa::InputError> {
            let object = object.read(None)?;
            let actor = actor.read()?;
            Ok(self.engine.search(&object, actor.as_deref(), text, set))
        });
        match matches {
            Ok(matches) => {
                let report = PyDict::new(py);
                report.set_item("matches", to_py(py, &matches)?)?;
                Ok(report.into_any())
            }
            Err(e) => Err(input_error(py, &e)),
        }
    }

    fn __repr__(&self) -> String {
        let catalog = self.engine.catalog();
        format!(
            "<entra_csa.Engine: {} attribute sets, {} definitions>",
            catalog.attribute_sets().len(),
            catalog.definitions().len()
        )
    }
}

/// The `(object, patch)` or `(object, patch, actor)` of a `check_many` item (a tuple or a
/// list); `None` for anything else.
#[allow(clippy::type_complexity)]
fn item_parts<'py>(
    item: &Bound<'py, PyAny>,
) -> PyResult<
    Option<(
        Bound<'py, PyAny>,
        Bound<'py, PyAny>,
        Option<Bound<'py, PyAny>>,
    )>,
> {
    let (len, get): (usize, &dyn Fn(usize) -> PyResult<Bound<'py, PyAny>>) =
        if let Ok(tuple) = item.cast::<PyTuple>() {
            (tuple.len(), &|i| tuple.get_item(i))
        } else if let Ok(list) = item.cast::<PyList>() {
            (list.len(), &|i| list.get_item(i))
        } else {
            return Ok(None);
        };
    Ok(match len {
        2 => Some((get(0)?, get(1)?, None)),
        3 => Some((get(0)?, get(1)?, Some(get(2)?))),
        _ => None,
    })
}

/// A `list` whose items are all `Object`s, copied out; `None` for anything else (a document).
fn parsed_objects(objects: &Bound<'_, PyAny>) -> PyResult<Option<Vec<Object>>> {
    let Ok(list) = objects.cast::<PyList>() else {
        return Ok(None);
    };
    let parsed: Vec<Object> = list
        .iter()
        .filter_map(|o| o.cast::<PyCsaObject>().ok().map(|o| o.get().object.clone()))
        .collect();
    match parsed.len() {
        0 => Ok(None),
        n if n == list.len() => Ok(Some(parsed)),
        _ => Err(PyTypeError::new_err(
            "objects must be all Object instances or all documents, not a mix",
        )),
    }
}

/// A directory object (user, service principal, ...) as Graph returns it, parsed once.
///
/// ``document`` is a ``str``, ``bytes`` or ``dict``; ``object_type`` overrides its
/// ``@odata.type``. Raises ``InputError`` for an object csa cannot read.
#[pyclass(frozen, module = "entra_csa", name = "Object")]
pub(crate) struct PyCsaObject {
    object: Object,
}

#[pymethods]
impl PyCsaObject {
    #[new]
    #[pyo3(signature = (document, *, object_type=None))]
    fn new(
        py: Python<'_>,
        document: &Bound<'_, PyAny>,
        object_type: Option<String>,
    ) -> PyResult<Self> {
        let document = doc(document, "document")?;
        let kind = opt_kind(object_type.as_deref())?;
        let input = document.input();
        let object =
            py.detach(|| Object::from_json(input.bytes()).map_err(|e| input.locate_error(e)));
        match object {
            Ok(o) => Ok(Self {
                object: match kind {
                    Some(k) => o.with_kind(k),
                    None => o,
                },
            }),
            Err(e) => Err(input_error(py, &e)),
        }
    }

    /// The object's ``id``, when it has one.
    #[getter]
    fn id(&self) -> Option<&str> {
        self.object.id()
    }

    /// The object's ``displayName``, when it has one.
    #[getter]
    fn display_name(&self) -> Option<&str> {
        self.object.display_name()
    }

    /// The object's kind: ``"user"``, ``"servicePrincipal"``, ``"device"``,
    /// ``"managedIdentity"``, or another Graph type name.
    #[getter]
    fn object_type(&self) -> &str {
        self.object.kind().as_str()
    }

    /// The object's ``customSecurityAttributes`` in Graph's response form (``None`` when it
    /// holds none), as read (before any catalog's casing).
    #[getter]
    fn custom_security_attributes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.object.state().response_form())
    }

    fn __repr__(&self) -> String {
        format!(
            "<entra_csa.Object {} id={:?}>",
            self.object.kind(),
            self.object.id().unwrap_or("")
        )
    }
}

/// A caller: its role assignments and app permissions, parsed once.
///
/// ``document`` is a ``str``, ``bytes`` or ``dict``. Raises ``InputError`` for an actor csa
/// cannot read.
#[pyclass(frozen, module = "entra_csa", name = "Actor")]
pub(crate) struct PyActor {
    actor: Actor,
}

#[pymethods]
impl PyActor {
    #[new]
    fn new(py: Python<'_>, document: &Bound<'_, PyAny>) -> PyResult<Self> {
        let document = doc(document, "document")?;
        let input = document.input();
        match py.detach(|| Actor::from_json(input.bytes()).map_err(|e| input.locate_error(e))) {
            Ok(actor) => Ok(Self { actor }),
            Err(e) => Err(input_error(py, &e)),
        }
    }

    /// Warnings about the actor (a role assignment csa does not understand grants nothing).
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.actor.warnings())
    }

    fn __repr__(&self) -> String {
        format!(
            "<entra_csa.Actor: {} role assignments>",
            self.actor.role_assignments().len()
        )
    }
}

/// `(status, body)` of Graph's answer; `body` is `None` when Graph sends none.
fn graph_response<'py>(
    py: Python<'py>,
    answer: &GraphAnswer<'_>,
) -> PyResult<(u16, Bound<'py, PyAny>)> {
    let whole = to_py(py, answer)?;
    let body = whole
        .cast::<PyDict>()?
        .get_item("body")?
        .unwrap_or_else(|| py.None().into_bound(py));
    Ok((answer.status(), body))
}

/// One key of a serialised report (`None` when it is absent).
fn key<'py, T: Serialize>(py: Python<'py>, value: &T, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let whole = to_py(py, value)?;
    Ok(whole
        .cast::<PyDict>()?
        .get_item(name)?
        .unwrap_or_else(|| py.None().into_bound(py)))
}

/// The decision on one PATCH (``Engine.check``) or plan (``Engine.plan``).
///
/// Properties convert on each access; ``to_dict()`` is the document ``entra_csa.check`` returns
/// (``csa check --format json``).
#[pyclass(frozen, module = "entra_csa", name = "Evaluation")]
pub(crate) struct PyEvaluation {
    report: CheckReport,
}

#[pymethods]
impl PyEvaluation {
    /// Whether Graph would accept the request.
    #[getter]
    fn allowed(&self) -> bool {
        self.report.is_allowed()
    }

    /// ``"checked"`` when an actor was given, ``"not_checked"`` otherwise.
    #[getter]
    fn authorization(&self) -> &'static str {
        self.report.evaluation().authorization().as_str()
    }

    /// The changes (one per attribute: ``op``, ``attribute``, ``before``, ``after``...); empty
    /// when refused.
    #[getter]
    fn changes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.report.evaluation().diff() {
            Some(diff) => to_py(py, diff.changes()),
            None => Ok(PyList::empty(py).into_any()),
        }
    }

    /// Every violation (``code``, ``pointer``, ``attribute``, ``message``, ``hint``,
    /// ``status``, ``graphError``); empty when accepted.
    #[getter]
    fn violations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.report.violations())
    }

    /// Every warning; warnings never refuse anything.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.report.warnings())
    }

    /// The canonical PATCH body of the changes (``None`` when refused or when nothing
    /// changes).
    #[getter]
    fn request<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.report.evaluation().diff() {
            Some(diff) => to_py(py, &diff.request()),
            None => Ok(py.None().into_bound(py)),
        }
    }

    /// The resulting ``customSecurityAttributes`` as the caller may read them, in Graph's
    /// response form (``None`` when refused, or when nothing is left to see).
    #[getter]
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.report.evaluation().visible_state() {
            Some(state) => to_py(py, &state.response_form()),
            None => Ok(py.None().into_bound(py)),
        }
    }

    /// The audit record, when one was asked for (``audit=True``) and the request accepted.
    #[getter]
    fn audit<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.report.audit() {
            Some(audit) => to_py(py, audit),
            None => Ok(py.None().into_bound(py)),
        }
    }

    /// What Graph would answer, as ``csa check --format graph`` prints it: ``(204, None)``,
    /// or the first violation's ``(status, {"error": {"code", "message"}})``.
    fn graph_response<'py>(&self, py: Python<'py>) -> PyResult<(u16, Bound<'py, PyAny>)> {
        graph_response(py, &self.report.graph_answer())
    }

    /// The document ``entra_csa.check`` returns (``csa check --format json``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.report)
    }

    fn __repr__(&self) -> String {
        match self.report.evaluation().diff() {
            Some(diff) => format!(
                "<entra_csa.Evaluation allowed, {} changes>",
                diff.changes().len()
            ),
            None => format!(
                "<entra_csa.Evaluation refused, {} violations>",
                self.report.violations().len()
            ),
        }
    }
}

/// What a caller may read of an object (``Engine.view``).
#[pyclass(frozen, module = "entra_csa", name = "View")]
pub(crate) struct PyView {
    report: ViewReport,
}

#[pymethods]
impl PyView {
    /// The ``customSecurityAttributes`` the caller may read, in Graph's response form
    /// (``None`` when nothing is left to see).
    #[getter]
    fn custom_security_attributes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.report.state().response_form())
    }

    /// ``"checked"`` when an actor was given (only the sets it may read are shown),
    /// ``"not_checked"`` otherwise.
    #[getter]
    fn authorization(&self) -> &'static str {
        self.report.authorization().as_str()
    }

    /// What Graph would answer (``csa view --format graph``): ``(200, {"@odata.context",
    /// "customSecurityAttributes"})``.
    fn graph_response<'py>(&self, py: Python<'py>) -> PyResult<(u16, Bound<'py, PyAny>)> {
        graph_response(py, &self.report.graph_answer())
    }

    /// The document ``entra_csa.view`` returns (``csa view --format json``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.report)
    }

    fn __repr__(&self) -> String {
        format!(
            "<entra_csa.View: {} attributes>",
            self.report.state().iter().count()
        )
    }
}

/// Graph's answer to a list query (``Engine.filter``).
#[pyclass(frozen, module = "entra_csa", name = "QueryResult")]
pub(crate) struct PyQueryResult {
    outcome: QueryOutcome,
}

#[pymethods]
impl PyQueryResult {
    /// Whether Graph would answer the query (rather than refuse it).
    #[getter]
    fn allowed(&self) -> bool {
        self.outcome.is_allowed()
    }

    /// ``@odata.count`` (every match, whatever ``top`` returns), when ``$count`` was asked.
    #[getter]
    fn count<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        key(py, &self.outcome, "@odata.count")
    }

    /// The objects returned, with the ``$select``-ed properties (empty when refused).
    #[getter]
    fn value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if !self.outcome.is_allowed() {
            return Ok(PyList::empty(py).into_any());
        }
        key(py, &self.outcome, "value")
    }

    /// Every violation; empty when answered.
    #[getter]
    fn violations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.outcome.violations())
    }

    /// What Graph would answer (``csa filter --format graph``): ``(200, list body)`` or the
    /// first violation's ``(status, {"error": ...})``.
    fn graph_response<'py>(&self, py: Python<'py>) -> PyResult<(u16, Bound<'py, PyAny>)> {
        match self.outcome.violations().first() {
            Some(v) => graph_response(py, &GraphAnswer::refusal(v)),
            None => Ok((200, to_py(py, &self.outcome)?)),
        }
    }

    /// The document ``entra_csa.filter`` returns (``csa filter --format json``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.outcome)
    }

    fn __repr__(&self) -> String {
        match self.outcome.count() {
            _ if !self.outcome.is_allowed() => format!(
                "<entra_csa.QueryResult refused, {} violations>",
                self.outcome.violations().len()
            ),
            _ => format!(
                "<entra_csa.QueryResult {} returned>",
                self.outcome.returned().len()
            ),
        }
    }
}

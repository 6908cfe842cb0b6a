//! The arguments Python gives: documents (`str`, `bytes`, `bytearray`, `dict`, `list`) and the
//! small options (object kinds, counts, lists of names).
//!
//! A `str`, `bytes` or `bytearray` is text a person or a program wrote: csa reads it as it is
//! ([`Input::text`]). A `dict` or `list` is data already parsed: it is written as JSON by
//! Python's own `json.dumps` (`ensure_ascii=False`, `allow_nan=False`, compact separators),
//! which keeps the order of its keys (a plan copies the desired document's order into its
//! request), refuses what JSON cannot hold (`TypeError` for a `datetime`, `ValueError` for
//! `nan` or a circular reference), and is then read as data ([`Input::data`]), so line and
//! column numbers, which only text has, are left out.

use csa::commands::Input;
use csa::ObjectKind;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString};

/// One document given from Python, held for as long as csa reads it.
pub(crate) enum Doc<'py> {
    /// A Python `bytes` object: a `bytes` argument as it is, a `str` encoded as UTF-8, or a
    /// `dict`/`list` written as JSON. Immutable, so csa reads it while the GIL is released.
    Bytes {
        bytes: Bound<'py, PyBytes>,
        text: bool,
    },
    /// A copy of a `bytearray`, which another thread could change while the GIL is released.
    Owned(Vec<u8>),
}

impl Doc<'_> {
    /// The document as csa's commands take it.
    pub(crate) fn input(&self) -> Input<'_> {
        match self {
            Doc::Bytes { bytes, text: true } => Input::text(bytes.as_bytes()),
            Doc::Bytes { bytes, text: false } => Input::data(bytes.as_bytes()),
            Doc::Owned(bytes) => Input::text(bytes),
        }
    }
}

/// The document `value`, given as the argument `name`.
pub(crate) fn doc<'py>(value: &Bound<'py, PyAny>, name: &str) -> PyResult<Doc<'py>> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(Doc::Bytes {
            bytes: bytes.clone(),
            text: true,
        });
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Doc::Bytes {
            bytes: text.encode_utf8()?,
            text: true,
        });
    }
    if let Ok(array) = value.cast::<PyByteArray>() {
        return Ok(Doc::Owned(array.to_vec()));
    }
    if value.is_instance_of::<PyDict>() || value.is_instance_of::<PyList>() {
        let json = dumps(value)?;
        return Ok(Doc::Bytes {
            bytes: json.encode_utf8()?,
            text: false,
        });
    }
    Err(PyTypeError::new_err(format!(
        "{name} must be a str, bytes, dict or list (a JSON document), not {}",
        type_name(value)
    )))
}

/// An optional document.
pub(crate) fn opt_doc<'py>(
    value: Option<&Bound<'py, PyAny>>,
    name: &str,
) -> PyResult<Option<Doc<'py>>> {
    value
        .filter(|v| !v.is_none())
        .map(|v| doc(v, name))
        .transpose()
}

/// `json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))`.
fn dumps<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
    static DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    static OPTIONS: PyOnceLock<Py<PyDict>> = PyOnceLock::new();
    let py = value.py();
    let dumps = DUMPS.import(py, "json", "dumps")?;
    let options = OPTIONS.get_or_try_init(py, || -> PyResult<Py<PyDict>> {
        let options = PyDict::new(py);
        options.set_item("ensure_ascii", false)?;
        options.set_item("allow_nan", false)?;
        options.set_item("separators", (",", ":"))?;
        Ok(options.unbind())
    })?;
    Ok(dumps
        .call((value,), Some(options.bind(py)))?
        .cast_into::<PyString>()?)
}

/// The name of `value`'s type, for messages.
pub(crate) fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "an object".to_owned(), |n| n.to_string())
}

/// The kinds `--object-type` takes, by their CLI names.
pub(crate) fn object_kind(name: &str) -> PyResult<ObjectKind> {
    match name {
        "user" => Ok(ObjectKind::User),
        "servicePrincipal" => Ok(ObjectKind::ServicePrincipal),
        "device" => Ok(ObjectKind::Device),
        "managedIdentity" => Ok(ObjectKind::ManagedIdentity),
        other => Err(PyValueError::new_err(format!(
            "object_type must be 'user', 'servicePrincipal', 'device' or 'managedIdentity', not {other:?}"
        ))),
    }
}

/// An optional object kind.
pub(crate) fn opt_kind(name: Option<&str>) -> PyResult<Option<ObjectKind>> {
    name.map(object_kind).transpose()
}

/// A count given as a Python `int` (not a `bool`), at least `min`.
pub(crate) fn count(value: &Bound<'_, PyAny>, name: &str, min: usize) -> PyResult<usize> {
    if value.is_instance_of::<pyo3::types::PyBool>()
        || !value.is_instance_of::<pyo3::types::PyInt>()
    {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an int, not {}",
            type_name(value)
        )));
    }
    match value.extract::<usize>() {
        Ok(n) if n >= min => Ok(n),
        _ => Err(PyValueError::new_err(format!(
            "{name} must be at least {min} (and fit in {} bits), not {value}",
            usize::BITS
        ))),
    }
}

/// `$select`: a comma-separated `str`, as `--select` takes it, or a list or tuple of names.
pub(crate) fn select(value: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(text
            .to_cow()?
            .split(',')
            .map(|p| p.trim().to_owned())
            .collect());
    }
    let wrong = || {
        PyTypeError::new_err(format!(
            "select must be a str (comma-separated) or a list of str, not {}",
            type_name(value)
        ))
    };
    if !(value.is_instance_of::<PyList>() || value.is_instance_of::<pyo3::types::PyTuple>()) {
        return Err(wrong());
    }
    value
        .try_iter()?
        .map(|item| {
            let item = item?;
            item.cast::<PyString>()
                .map_err(|_| wrong())
                .and_then(|s| Ok(s.to_cow()?.into_owned()))
        })
        .collect()
}

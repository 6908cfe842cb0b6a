//! csa's values as Python objects, and its `InputError` as `entra_csa.InputError`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use serde::Serialize;

/// `value` as Python dicts, lists, strings, numbers, booleans and `None`, keys in the order
/// csa writes them (the same document `csa ... --format json` prints).
pub(crate) fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(pythonize::pythonize(py, value)?)
}

/// `entra_csa.InputError` for a document csa cannot use (the CLI exits 2 on it).
pub(crate) fn input_error(py: Python<'_>, e: &csa::InputError) -> PyErr {
    raise(py, e, None).unwrap_or_else(|err| err)
}

/// `entra_csa.InputError` for a document of item `item` (`item 3`) of a batch.
pub(crate) fn input_error_in_item(py: Python<'_>, e: &csa::InputError, item: &str) -> PyErr {
    raise(py, e, Some(item)).unwrap_or_else(|err| err)
}

/// The exception: its message is the CLI's without a file name (`InputError`'s `Display`),
/// with the document, the JSON document `csa ... --format json` prints for it
/// (`{"error": "invalid_catalog", "violations": [...]}`) and the warnings.
fn raise(py: Python<'_>, e: &csa::InputError, item: Option<&str>) -> PyResult<PyErr> {
    static CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let class = CLASS.import(py, "entra_csa._errors", "InputError")?;
    let data = to_py(py, e)?;
    let message = match item {
        None => e.to_string(),
        Some(item) => {
            // The same document and message as an error the library names an item in.
            let data = data.cast::<PyDict>()?;
            let with_item = PyDict::new(py);
            for (k, v) in data.iter() {
                if k.extract::<String>().is_ok_and(|k| k == "violations") {
                    with_item.set_item("item", item)?;
                }
                with_item.set_item(k, v)?;
            }
            let instance = class.call1((
                format!("invalid {} ({item}): {}", e.document(), e.summary()),
                e.document().as_str(),
                with_item,
                to_py(py, e.warnings())?,
            ))?;
            return Ok(PyErr::from_value(instance));
        }
    };
    let instance = class.call1((
        message,
        e.document().as_str(),
        data,
        to_py(py, e.warnings())?,
    ))?;
    Ok(PyErr::from_value(instance))
}

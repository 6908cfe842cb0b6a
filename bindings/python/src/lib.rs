//! `entra_csa._native`: the Python package of csa (PyPI: `entra-csa`).
//!
//! The one-shot functions (`check`, `view`, `lint`, `plan`, `apply`, `define`, `evolve`,
//! `search`, `filter`) call `csa::commands`, as the `csa` command line does, and return the
//! document `csa <command> --format json` prints as Python dicts and lists; the classes
//! (`Engine`, `Object`, `Actor`, and the results `Evaluation`, `View`, `QueryResult`) are the
//! compiled form for hot loops and threads. The pure-Python part of the package
//! (`python/entra_csa`) re-exports them with `InputError` and the type stubs.

mod doc;
mod engine;
mod errors;
mod oneshot;
mod parallel;

use pyo3::prelude::*;

/// Rust's allocations in the extension (not Python's) go to mimalloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The native part of ``entra_csa``; import ``entra_csa`` instead.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(oneshot::check, m)?)?;
    m.add_function(wrap_pyfunction!(oneshot::view, m)?)?;
    m.add_function(wrap_pyfunction!(oneshot::lint, m)?)?;
    m.add_function(wrap_pyfunction!(oneshot::plan, m)?)?;
    m.add_function(wrap_pyfunction!(oneshot::apply, m)?)?;
    m.add_function(wrap_pyfunction!(oneshot::define, m)?)?;
    m.add_function(wrap_pyfunction!(oneshot::evolve, m)?)?;
    m.add_function(wrap_pyfunction!(oneshot::search, m)?)?;
    m.add_function(wrap_pyfunction!(oneshot::filter, m)?)?;
    m.add_class::<engine::PyEngine>()?;
    m.add_class::<engine::PyCsaObject>()?;
    m.add_class::<engine::PyActor>()?;
    m.add_class::<engine::PyEvaluation>()?;
    m.add_class::<engine::PyView>()?;
    m.add_class::<engine::PyQueryResult>()?;
    Ok(())
}

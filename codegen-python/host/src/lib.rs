//! `weft._weft`: weft-runtime as a Python extension module, the native
//! half of the `weft` package (`weft/__init__.py` adds the generic classes
//! `ResultError`, `Ok`, `Err` and `Some` and re-exports this module).
//!
//! It implements the contract `codegen-python/runtime-api/weft.pyi`
//! (rules in `codegen-python/RUNTIME_API.md`): type descriptors
//! ([`desc`]), checked against a component's function types and compiled
//! into conversion plans ([`plan`]), which move Python objects straight
//! into and out of linear memory through the runtime's raw API
//! ([`convert`]); components, instances and host functions
//! ([`instance`]); exported functions ([`func`]); resources ([`resource`]); Ctrl-C during a
//! call ([`interrupt`]); scalars and the fast path of all-scalar calls
//! ([`scalar`]); the on-disk compile cache ([`engine`],
//! [`cache_dir`]).

// PyO3's generated code and the few FFI calls that make objects without
// `__init__` need `unsafe`; every other use is an error.
#![deny(unsafe_code)]

mod convert;
mod desc;
mod errors;
mod fastcall;
mod func;
mod instance;
mod interrupt;
mod plan;
mod resource;
mod scalar;
mod store_lock;

use std::sync::OnceLock;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyString, PyType};
use weft_runtime::{Config, Engine};

/// The one engine every component and instance of the process uses, made
/// when the first component is loaded. Its code checks the epoch at
/// function entries and loop headers, so that Ctrl-C can interrupt a call
/// ([`interrupt`]); compiled code is kept in the cache directory every weft
/// host uses ([`Config::default_cache_dir`]: `$WEFT_CACHE_DIR`, else
/// `~/.cache/weft`; none under `$WEFT_NO_CACHE=1`), read from the
/// environment then.
pub(crate) fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let config = Config {
            epoch_interruption: true,
            cache_dir: Config::default_cache_dir(),
            ..Config::default()
        };
        Engine::new(&config).expect("the host architecture is supported")
    })
}

/// The Python classes `weft/__init__.py` defines and hands over on import:
/// `Ok`, `Err`, `Some`.
pub(crate) struct PyClasses {
    pub ok: Py<PyType>,
    pub err: Py<PyType>,
    pub some: Py<PyType>,
}

pub(crate) static CLASSES: PyOnceLock<PyClasses> = PyOnceLock::new();

/// The classes registered by `_init`.
pub(crate) fn classes(py: Python<'_>) -> PyResult<&PyClasses> {
    CLASSES
        .get(py)
        .ok_or_else(|| errors::Error::new_err("weft._weft used before weft was imported"))
}

/// Registers the pure-Python classes the conversions make (called once by
/// `weft/__init__.py`).
#[pyfunction]
#[pyo3(name = "_init")]
fn init(py: Python<'_>, ok: Py<PyType>, err: Py<PyType>, some: Py<PyType>) -> PyResult<()> {
    let _ = CLASSES.set(py, PyClasses { ok, err, some });
    Ok(())
}

/// `weft.cache_dir()`: the directory compiled components are kept in, or
/// `None` without a cache. Decided from the environment when the first
/// component is loaded (or by this call, if none has been).
#[pyfunction]
fn cache_dir(py: Python<'_>) -> Option<Bound<'_, PyString>> {
    let dir = py.detach(|| engine().config().cache_dir.as_deref())?;
    // A `str`, decoded as `os.fsdecode` does (PyO3 makes a `pathlib.Path`
    // of a `Path`).
    let Ok(dir) = dir.as_os_str().into_pyobject(py);
    Some(dir)
}

#[pymodule]
fn _weft(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("API_VERSION", 1)?;
    m.add("Error", py.get_type::<errors::Error>())?;
    m.add("Trap", py.get_type::<errors::Trap>())?;
    m.add_function(wrap_pyfunction!(init, m)?)?;
    m.add_function(wrap_pyfunction!(cache_dir, m)?)?;
    desc::register(m)?;
    resource::register(m)?;
    instance::register(m)?;
    Ok(())
}

//! Resources: `weft.Resource`, the base of the classes of resources a
//! component exports (an object holds one handle of one instance), and
//! the slab that keeps the host's objects for resources the host
//! implements while a component holds handles to them.

use std::sync::{Arc, Mutex, PoisonError};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use weft_runtime::component::Resource as RtResource;

use crate::instance::Core;

/// What a bound `Resource` object holds.
pub struct Held {
    /// The instance (kept alive by its resources).
    pub core: Arc<Core>,
    /// The resource, owned by the host (or lent, `borrowed`).
    pub res: RtResource,
    /// Lent to a host function for one call: not the object's to drop.
    pub borrowed: bool,
}

/// `weft.Resource`: base of the classes of exported resources.
#[pyclass(subclass, module = "weft", name = "Resource")]
pub struct Resource {
    pub held: Option<Held>,
}

#[pymethods]
impl Resource {
    /// An unbound object (the generated `__init__` then binds it through
    /// `Instance.constructor`).
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>) -> Resource {
        Resource { held: None }
    }

    /// Drops the handle now (the component's destructor runs); closing
    /// twice does nothing.
    fn close(&mut self, py: Python<'_>) -> PyResult<()> {
        match self.held.take() {
            Some(held) if !held.borrowed => held.core.drop_resource(py, held.res),
            _ => Ok(()),
        }
    }

    fn __enter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_exc_info))]
    fn __exit__(&mut self, py: Python<'_>, _exc_info: &Bound<'_, PyTuple>) -> PyResult<()> {
        self.close(py)
    }
}

impl Drop for Resource {
    fn drop(&mut self) {
        if let Some(held) = self.held.take() {
            if !held.borrowed {
                Python::attach(|py| {
                    if let Err(err) = held.core.drop_resource_soon(py, held.res) {
                        err.write_unraisable(py, None);
                    }
                });
            }
        }
    }
}

/// The host's objects for resources it implements, by rep, while a
/// component holds handles to them.
#[derive(Default)]
pub struct Slab {
    entries: Mutex<SlabEntries>,
}

/// The objects by rep, and the free reps.
type SlabEntries = (Vec<Option<Py<PyAny>>>, Vec<u32>);

impl Slab {
    /// Keeps `obj`, returning its rep.
    pub fn insert(&self, obj: Py<PyAny>) -> u32 {
        let mut guard = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let (entries, free) = &mut *guard;
        if let Some(rep) = free.pop() {
            entries[rep as usize] = Some(obj);
            rep
        } else {
            entries.push(Some(obj));
            entries.len() as u32 - 1
        }
    }

    /// The object of `rep`.
    pub fn get(&self, py: Python<'_>, rep: u32) -> Option<Py<PyAny>> {
        let guard = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        guard
            .0
            .get(rep as usize)
            .and_then(Option::as_ref)
            .map(|o| o.clone_ref(py))
    }

    /// Forgets `rep` (its last handle was dropped).
    pub fn remove(&self, rep: u32) -> Option<Py<PyAny>> {
        let mut guard = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let (entries, free) = &mut *guard;
        let obj = entries.get_mut(rep as usize).and_then(Option::take);
        if obj.is_some() {
            free.push(rep);
        }
        obj
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Resource>()
}

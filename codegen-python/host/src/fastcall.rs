//! The callable of an all-scalar function: a builtin method of its
//! [`Func`], called with CPython's vectorcall convention (`METH_FASTCALL`).
//!
//! Calling a `Func` object goes through `tp_call`: CPython packs the
//! arguments into a tuple and PyO3 unpacks `*args` from it, about 8 ns of
//! a 55 ns `noop()`. A builtin method made with `METH_FASTCALL` gets the
//! caller's argument array as it is, as C functions of the standard
//! library do. `Instance.func` hands out such a method for the functions
//! that take [`Func::call_scalars`]; the others keep `Func.__call__`.

use std::any::Any;
use std::ffi::CString;
use std::panic::{self, AssertUnwindSafe};
use std::ptr;

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3::Borrowed;

use crate::func::Func;

/// The `PyMethodDef` of one function's builtin method, and the name it
/// points to. Boxed in its [`Func`], which the method holds as its
/// `self`, so both outlive the method.
pub(crate) struct MethodDef {
    def: ffi::PyMethodDef,
    _name: CString,
}

// SAFETY: the definition is written once, here, and only read afterwards
// (by CPython, with the GIL held); its pointers are to a static function
// and to the name it owns.
#[allow(unsafe_code)]
unsafe impl Send for MethodDef {}
// SAFETY: as above.
#[allow(unsafe_code)]
unsafe impl Sync for MethodDef {}

impl MethodDef {
    /// The definition of a method named `name` (the WIT name; a name with
    /// a NUL in it, which WIT does not allow, is shown as `call`).
    pub(crate) fn new(name: &str) -> Box<MethodDef> {
        let name = CString::new(name).unwrap_or_else(|_| c"call".to_owned());
        Box::new(MethodDef {
            def: ffi::PyMethodDef {
                ml_name: name.as_ptr(),
                ml_meth: ffi::PyMethodDefPointer {
                    PyCFunctionFast: call_fast,
                },
                ml_flags: ffi::METH_FASTCALL,
                ml_doc: ptr::null(),
            },
            _name: name,
        })
    }
}

/// The builtin method calling `func` (which must have a [`MethodDef`]).
#[allow(unsafe_code)]
pub(crate) fn method(py: Python<'_>, func: Py<Func>) -> PyResult<Py<PyAny>> {
    let Some(def) = func.get().fast_def.as_ref() else {
        return Ok(func.into_any());
    };
    let def = ptr::from_ref(&def.def).cast_mut();
    // SAFETY: `def` lives in `func`'s box and `func` is the method's
    // `self`, kept alive by it; CPython only reads the definition.
    unsafe {
        let method = ffi::PyCFunction_New(def, func.as_ptr());
        Bound::from_owned_ptr_or_err(py, method).map(Bound::unbind)
    }
}

/// `METH_FASTCALL` entry: `slf` is the `Func`, `args` its `nargs`
/// arguments.
#[allow(unsafe_code)]
unsafe extern "C" fn call_fast(
    slf: *mut ffi::PyObject,
    args: *mut *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
) -> *mut ffi::PyObject {
    // SAFETY: CPython calls a builtin method with the GIL held.
    let py = unsafe { Python::assume_attached() };
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: `slf` is the `Func` the method was made with (`method`).
        let func = unsafe { Borrowed::from_ptr(py, slf).cast_unchecked::<Func>() };
        let func = func.get();
        let count = usize::try_from(nargs).unwrap_or(0);
        let expected = func.signature.params.len();
        if count != expected {
            return Err(PyTypeError::new_err(format!(
                "{}() takes {expected} arguments ({count} given)",
                func.name
            )));
        }
        func.call_scalars(py, |i| {
            // SAFETY: `i < nargs` (checked above, and `call_scalars` asks
            // for its parameters only); CPython keeps the arguments alive
            // for the call.
            Ok(unsafe { Borrowed::from_ptr(py, *args.add(i)) })
        })
    }));
    match outcome {
        Ok(Ok(value)) => value.into_ptr(),
        Ok(Err(err)) => {
            err.restore(py);
            ptr::null_mut()
        }
        Err(payload) => {
            PanicException::new_err(panic_message(payload.as_ref())).restore(py);
            ptr::null_mut()
        }
    }
}

/// What a panic said, for the `PanicException` raised in its place.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic in the weft module".to_string()
    }
}

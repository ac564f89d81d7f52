//! The module's exceptions, and conversions of the runtime's errors.

use pyo3::prelude::*;
use pyo3::{create_exception, exceptions::PyException};

create_exception!(
    weft,
    Error,
    PyException,
    "An error of the runtime itself: a component that cannot be loaded or instantiated, a function or type that does not match the component, a value that does not fit its WIT type, a closed resource."
);
create_exception!(
    weft,
    Trap,
    Error,
    "The component trapped (or a host function raised while the component was calling it): the instance must not be used again."
);

/// A `weft.Error` for a runtime error that is not a trap.
pub fn runtime_error(err: &weft_runtime::Error) -> PyErr {
    Error::new_err(err.to_string())
}

/// A `weft.Trap` for `trap`, with the trap's kind as its `kind` attribute
/// (the spec's wording, `"unreachable"`, or the host's message) and the
/// wasm backtrace in its message.
pub fn trap_error(py: Python<'_>, trap: &weft_runtime::Trap) -> PyErr {
    let err = Trap::new_err(trap.to_string());
    let kind = match &trap.kind {
        weft_runtime::TrapKind::Host(_) => "host",
        weft_runtime::TrapKind::Component(_) => "component",
        other => other.spec_message(),
    };
    let _ = err.value(py).setattr("kind", kind);
    err
}

//! `weft-capi`: a C ABI over weft's runtime, declared in
//! `include/weft.h` (written by hand; `tests/header.rs` checks that it
//! declares exactly the functions defined here).
//!
//! The API is the raw component API of `weft_runtime::component::raw`
//! made callable from C: opaque objects behind pointers (`weft_engine_t`,
//! `weft_component_t`, `weft_linker_t`, `weft_store_t`,
//! `weft_instance_t`, `weft_func_t`, `weft_call_t`, ...), a staged call
//! (`weft_call_begin` → `weft_lower_*` → `weft_call_invoke` →
//! `weft_lift_*` → `weft_call_finish`/`weft_call_discard`), and host
//! functions as C callbacks that read their arguments and write their
//! result with the same `weft_lift_*`/`weft_lower_*` functions.
//!
//! Conventions, for every function:
//!
//! - A function that can fail returns `weft_error_t *`: NULL on success,
//!   else an error the caller owns (`weft_error_delete`). Results come
//!   through out-pointers, written only on success.
//! - Nothing aborts the process: every entry point catches panics (an
//!   error of kind `WEFT_ERROR_PANIC`), and a NULL pointer, a name that is
//!   not UTF-8 or a step out of order is an error of kind
//!   `WEFT_ERROR_INVALID_ARGUMENT`. A pointer that is not NULL must point
//!   to a live object of the right type (that cannot be detected).
//! - Strings and byte arrays are a pointer and a length (no NUL needed);
//!   a NULL pointer is allowed with length 0. Bytes weft hands over to
//!   keep (an artifact from `weft_component_serialize`) are a pointer and
//!   a length the caller frees with `weft_bytes_free`.
//! - Threads: an engine and a component may be shared by threads. A store
//!   and everything made in it (instances, functions, calls, resources) is
//!   used by one thread at a time, not necessarily the same one: the steps
//!   of a staged call may run on different threads (Go moves goroutines
//!   between threads from one cgo call to the next), since each entry into
//!   wasm sets up what it needs of its thread (the stack limit, the trap
//!   entry, the alternate signal stack) and keeps none of it. A linker is
//!   not changed while it is used to instantiate.
//! - Flat values in one crossing (`weft_func_call_flat`,
//!   `weft_call_invoke_flat`, `weft_lower_push_flat`,
//!   `weft_lift_take_flat`) are `uint64_t` slots: an `i32` zero-extended,
//!   an `i64` as it is, an `f32`'s bits in the low half, an `f64`'s bits,
//!   NaNs made canonical, typed by the core signature.
//!
//! # Safety
//!
//! Every `unsafe extern "C"` function here has the same contract: its
//! pointer arguments are NULL or valid for the access the header
//! describes, objects are used only until they are deleted, and the
//! thread rules above are kept.

#![allow(non_camel_case_types)]

mod artifact;
mod call;
mod error;
mod host;
mod objects;
mod port;
mod resource;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

pub use artifact::*;
pub use call::*;
pub use error::*;
pub use host::*;
pub use objects::*;
pub use port::*;
pub use resource::*;

/// The result of an internal step: a value, or the error to hand to C.
pub(crate) type Res<T> = Result<T, Box<weft_error_t>>;

/// Runs an entry point's body, turning its error or panic into the
/// pointer C receives.
pub(crate) fn guard(body: impl FnOnce() -> Res<()>) -> *mut weft_error_t {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => ptr::null_mut(),
        Ok(Err(err)) => Box::into_raw(err),
        Err(payload) => Box::into_raw(weft_error_t::panic(payload.as_ref())),
    }
}

/// Runs an entry point that returns a plain value, `default` on a panic.
pub(crate) fn guard_value<T>(default: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(default)
}

/// `ptr` as a shared reference, or an error naming `what` if it is NULL.
///
/// # Safety
///
/// `ptr` is NULL or points to a live `T` not mutated for `'a`.
pub(crate) unsafe fn get<'a, T>(ptr: *const T, what: &str) -> Res<&'a T> {
    // SAFETY: the caller's contract.
    unsafe { ptr.as_ref() }.ok_or_else(|| weft_error_t::invalid(format!("{what} is NULL")))
}

/// `ptr` as a unique reference, or an error naming `what` if it is NULL.
///
/// # Safety
///
/// `ptr` is NULL or points to a live `T` not otherwise used for `'a`.
pub(crate) unsafe fn get_mut<'a, T>(ptr: *mut T, what: &str) -> Res<&'a mut T> {
    // SAFETY: the caller's contract.
    unsafe { ptr.as_mut() }.ok_or_else(|| weft_error_t::invalid(format!("{what} is NULL")))
}

/// The `len` bytes at `data` (NULL allowed when `len` is 0).
///
/// # Safety
///
/// `data` is NULL or valid for reads of `len` bytes for `'a`.
pub(crate) unsafe fn bytes<'a>(data: *const u8, len: usize, what: &str) -> Res<&'a [u8]> {
    // SAFETY: the caller's contract.
    unsafe { values(data, len, what) }
}

/// The `len` values at `data` (NULL allowed when `len` is 0).
///
/// # Safety
///
/// `data` is NULL or aligned and valid for reads of `len` values for
/// `'a`.
#[inline]
pub(crate) unsafe fn values<'a, T>(data: *const T, len: usize, what: &str) -> Res<&'a [T]> {
    if len == 0 {
        return Ok(&[]);
    }
    if data.is_null() {
        return Err(weft_error_t::invalid(format!("{what} is NULL")));
    }
    // SAFETY: non-null, and valid for `len` values by the caller's
    // contract.
    Ok(unsafe { std::slice::from_raw_parts(data, len) })
}

/// The `len` values at `data` for writing (NULL allowed when `len` is 0).
///
/// # Safety
///
/// `data` is NULL or aligned and valid for writes of `len` values for
/// `'a`, and not otherwise used meanwhile.
#[inline]
pub(crate) unsafe fn values_mut<'a, T>(data: *mut T, len: usize, what: &str) -> Res<&'a mut [T]> {
    if len == 0 {
        return Ok(&mut []);
    }
    if data.is_null() {
        return Err(weft_error_t::invalid(format!("{what} is NULL")));
    }
    // SAFETY: non-null, and valid for `len` values by the caller's
    // contract.
    Ok(unsafe { std::slice::from_raw_parts_mut(data, len) })
}

/// The UTF-8 text of `len` bytes at `data`.
///
/// # Safety
///
/// As [`bytes`].
pub(crate) unsafe fn text<'a>(data: *const u8, len: usize, what: &str) -> Res<&'a str> {
    // SAFETY: the caller's contract.
    let bytes = unsafe { bytes(data, len, what) }?;
    std::str::from_utf8(bytes)
        .map_err(|err| weft_error_t::invalid(format!("{what} is not valid UTF-8: {err}")))
}

/// Writes `value` through the out-pointer `out`, an error if it is NULL.
///
/// # Safety
///
/// `out` is NULL or valid for a write of a `T`.
pub(crate) unsafe fn put<T>(out: *mut T, value: T, what: &str) -> Res<()> {
    if out.is_null() {
        return Err(weft_error_t::invalid(format!("{what} is NULL")));
    }
    // SAFETY: non-null, valid for writes by the caller's contract.
    unsafe { out.write(value) };
    Ok(())
}

/// Checks that an out-pointer is not NULL before any work is done.
pub(crate) fn check_out<T>(out: *mut T, what: &str) -> Res<()> {
    if out.is_null() {
        return Err(weft_error_t::invalid(format!("{what} is NULL")));
    }
    Ok(())
}

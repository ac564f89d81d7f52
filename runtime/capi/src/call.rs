//! `weft_call_t`: a call of an exported function in stages, over the
//! runtime's `RawCall`.

use std::ptr;

use weft_runtime::component::{LiftError, RawCall, RawFunc, RawLifter, RawLowerer};

use crate::objects::{weft_func_t, weft_store_t};
use crate::port::{Tag, TAG_CALL};
use crate::{check_out, get, get_mut, guard, put, weft_error_t, Res};

/// Where a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Arguments are being lowered.
    Lowering,
    /// The callee returned; the result is being lifted.
    Returned,
    /// The call is over (`weft_call_invoke` failed).
    Over,
}

/// A call in progress, from `weft_call_begin`: lower the arguments
/// (`weft_call_args`), `weft_call_invoke`, lift the result
/// (`weft_call_results`), then `weft_call_finish` or `weft_call_discard`,
/// which delete it. It holds its store until then.
#[repr(C)]
pub struct weft_call_t {
    /// First, so that a `weft_lower_t`/`weft_lift_t` pointer (this
    /// object's address) says what it is.
    pub(crate) tag: Tag,
    /// The runtime's call, borrowing `func` and the store (`'static`
    /// stands for "until this object is dropped": both outlive it).
    call: Option<RawCall<'static>>,
    func: *mut RawFunc,
    store: *mut weft_store_t,
    phase: Phase,
    /// A step failed with the runtime's error: only ending is left.
    failed: bool,
    /// Strings lifted that had to be transcoded, kept until the call ends.
    pub(crate) strings: Vec<Box<str>>,
}

impl weft_call_t {
    /// Runs a lowering step, if the call is at that stage.
    pub(crate) fn lower<R>(
        &mut self,
        step: impl FnOnce(&mut RawLowerer<'_>) -> Result<R, LiftError>,
    ) -> Res<R> {
        self.check(Phase::Lowering, "lower an argument")?;
        let call = self.call.as_mut().expect("a call in progress");
        let outcome = step(&mut call.lowerer());
        self.failed = outcome.is_err();
        Ok(outcome?)
    }

    /// Runs a lifting step, if the call is at that stage.
    pub(crate) fn lift<R>(
        &mut self,
        step: impl FnOnce(&mut RawLifter<'_>, &mut Vec<Box<str>>) -> Result<R, LiftError>,
    ) -> Res<R> {
        self.check(Phase::Returned, "lift the result")?;
        let call = self.call.as_mut().expect("a call in progress");
        let outcome = step(&mut call.lifter(), &mut self.strings);
        self.failed = outcome.is_err();
        Ok(outcome?)
    }

    fn check(&self, phase: Phase, what: &str) -> Res<()> {
        if self.failed {
            return Err(weft_error_t::invalid(format!(
                "cannot {what}: a step of this call failed; discard it"
            )));
        }
        if self.phase != phase {
            let now = match self.phase {
                Phase::Lowering => "before weft_call_invoke",
                Phase::Returned => "after weft_call_invoke",
                Phase::Over => "after the call failed",
            };
            return Err(weft_error_t::invalid(format!("cannot {what} {now}")));
        }
        Ok(())
    }
}

impl Drop for weft_call_t {
    fn drop(&mut self) {
        // The runtime's call first (it borrows the function and store):
        // dropping it cleans up by stage.
        drop(self.call.take());
        // SAFETY: made by Box::into_raw in weft_call_begin, freed once.
        drop(unsafe { Box::from_raw(self.func) });
        // SAFETY: the store outlives its calls (the header's rule); only
        // the flag is written.
        unsafe { ptr::addr_of_mut!((*self.store).busy).write(false) };
    }
}

/// Starts a call of `func` in `store` into `*out`: the callee's instance
/// is entered and the store is held by the call until it is finished or
/// discarded (other uses of the store fail meanwhile). Then lower the
/// arguments through `weft_call_args(call)`. Errors: the store is in use;
/// the instance cannot be entered (a call into it is in progress).
///
/// # Safety
///
/// `store` and `func` are live, `func` from `store`; `out` valid for a
/// write. The store outlives the call.
#[no_mangle]
pub unsafe extern "C" fn weft_call_begin(
    store: *mut weft_store_t,
    func: *const weft_func_t,
    out: *mut *mut weft_call_t,
) -> *mut weft_error_t {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: the caller's contract.
        let func = unsafe { get(func, "func") }?;
        if store.is_null() {
            return Err(weft_error_t::invalid("store is NULL"));
        }
        // SAFETY: a live store; only the flag is touched.
        let busy = unsafe { ptr::addr_of_mut!((*store).busy) };
        // SAFETY: as above.
        if unsafe { busy.read() } {
            return Err(weft_error_t::invalid(
                "the store is in use: a call in progress holds it (finish or discard it first)",
            ));
        }
        let raw: *mut RawFunc = Box::into_raw(Box::new(func.raw.clone()));
        // SAFETY: `raw` lives until the call is dropped, which drops the
        // runtime's call first; the store outlives the call (contract) and
        // is not otherwise used while the flag is set.
        let (raw_ref, store_ref) = unsafe { (&*raw, &mut *ptr::addr_of_mut!((*store).store)) };
        match raw_ref.begin(store_ref) {
            Ok(call) => {
                // SAFETY: as above.
                unsafe { busy.write(true) };
                let made = weft_call_t {
                    tag: TAG_CALL,
                    call: Some(call),
                    func: raw,
                    store,
                    phase: Phase::Lowering,
                    failed: false,
                    strings: Vec::new(),
                };
                // SAFETY: checked above.
                unsafe { put(out, Box::into_raw(Box::new(made)), "out") }
            }
            Err(err) => {
                // SAFETY: made above, not shared.
                drop(unsafe { Box::from_raw(raw) });
                Err(err.into())
            }
        }
    })
}

/// Calls the callee with the arguments lowered (every flat value pushed,
/// or the parameters stored at `weft_lower_area`). Then lift the result
/// through `weft_call_results(call)`. On an error (a trap in the callee,
/// arguments that break the signature) the call is over: discard it.
///
/// # Safety
///
/// `call` is a live call.
#[no_mangle]
pub unsafe extern "C" fn weft_call_invoke(call: *mut weft_call_t) -> *mut weft_error_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let call = unsafe { get_mut(call, "call") }?;
        call.check(Phase::Lowering, "invoke")?;
        let raw = call.call.as_mut().expect("a call in progress");
        match raw.invoke() {
            Ok(()) => {
                call.phase = Phase::Returned;
                Ok(())
            }
            Err(err) => {
                call.phase = Phase::Over;
                Err(err.into())
            }
        }
    })
}

/// Ends a call whose result was lifted, and deletes it: checks that the
/// callee dropped the borrows it was lent, runs its post-return (a trap
/// there is the error) and releases the store. Own resources lifted are
/// the host's. Memory pointers and strings lifted are invalid from here.
/// A call not at that stage (not invoked, or a step failed) is discarded
/// instead, with an error saying so.
///
/// # Safety
///
/// `call` is a live call; it is deleted.
#[no_mangle]
pub unsafe extern "C" fn weft_call_finish(call: *mut weft_call_t) -> *mut weft_error_t {
    guard(|| {
        if call.is_null() {
            return Err(weft_error_t::invalid("call is NULL"));
        }
        // SAFETY: made by Box::into_raw in weft_call_begin; deleted here.
        let mut call = unsafe { Box::from_raw(call) };
        call.check(Phase::Returned, "finish the call")?;
        let raw = call.call.take().expect("a call in progress");
        Ok(raw.finish()?)
    })
}

/// Ends a call at any stage without a result, and deletes it: before
/// `weft_call_invoke` the call is not made and the resources lowered are
/// the host's again; after it, the callee's post-return runs (a trap
/// there is the error) and own resources lifted are dropped. NULL is
/// ignored.
///
/// # Safety
///
/// `call` is NULL or a live call; it is deleted.
#[no_mangle]
pub unsafe extern "C" fn weft_call_discard(call: *mut weft_call_t) -> *mut weft_error_t {
    guard(|| {
        if call.is_null() {
            return Ok(());
        }
        // SAFETY: made by Box::into_raw in weft_call_begin; deleted here.
        let mut call = unsafe { Box::from_raw(call) };
        match call.call.take() {
            Some(raw) if call.phase != Phase::Over => Ok(raw.discard()?),
            _ => Ok(()),
        }
    })
}

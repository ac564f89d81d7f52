//! `weft_call_t`: a call of an exported function in stages, over the
//! runtime's `RawCall`.

use std::convert::Infallible;
use std::ptr;

use weft_runtime::component::{
    CallError, LiftError, RawCall, RawFunc, RawLifter, RawLowerer, Type,
};
use weft_runtime::ValType;

use crate::objects::{weft_func_t, weft_store_t, StoreHold};
use crate::port::{flat_slot, Tag, TAG_CALL};
use crate::{check_out, get, get_mut, guard, put, values, weft_error_t, Res};

/// Where a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Arguments are being lowered.
    Lowering,
    /// The callee returned; the result is being lifted.
    Returned,
    /// The call is over (`weft_call_invoke` failed).
    Over,
    /// Ended: the object waits in its store for the next call.
    Spare,
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
    /// The function's `RawFunc`, inside its `weft_func_t` (which outlives
    /// the call: the header's rule).
    func: *const RawFunc,
    store: *mut weft_store_t,
    phase: Phase,
    /// A step failed with the runtime's error: only ending is left.
    failed: bool,
    /// Strings lifted that had to be transcoded, kept until the call ends.
    pub(crate) strings: Vec<Box<str>>,
}

impl weft_call_t {
    /// Runs a lowering step, if the call is at that stage, with the core
    /// types of the parameters.
    #[inline]
    pub(crate) fn lower<R>(
        &mut self,
        step: impl FnOnce(&mut RawLowerer<'_>, &[ValType]) -> Result<R, LiftError>,
    ) -> Res<R> {
        self.check(Phase::Lowering, "lower an argument")?;
        // SAFETY: the `weft_func_t` outlives the call (the header's rule).
        let func = unsafe { &*self.func };
        let call = self.call.as_mut().expect("a call in progress");
        let outcome = step(&mut call.lowerer(), &func.signature().params);
        self.failed = outcome.is_err();
        Ok(outcome?)
    }

    /// Runs a lifting step, if the call is at that stage, with the kept
    /// strings and the core types of the results.
    #[inline]
    pub(crate) fn lift<R>(
        &mut self,
        step: impl FnOnce(&mut RawLifter<'_>, &mut Vec<Box<str>>, &[ValType]) -> Result<R, LiftError>,
    ) -> Res<R> {
        self.check(Phase::Returned, "lift the result")?;
        // SAFETY: as in `lower`.
        let func = unsafe { &*self.func };
        let call = self.call.as_mut().expect("a call in progress");
        let outcome = step(
            &mut call.lifter(),
            &mut self.strings,
            &func.signature().results,
        );
        self.failed = outcome.is_err();
        Ok(outcome?)
    }

    /// Calls the callee, if the call is at that stage; an error ends it.
    #[inline]
    fn invoke(&mut self) -> Res<()> {
        self.check(Phase::Lowering, "invoke")?;
        let raw = self.call.as_mut().expect("a call in progress");
        match raw.invoke() {
            Ok(()) => {
                self.phase = Phase::Returned;
                Ok(())
            }
            Err(err) => {
                self.phase = Phase::Over;
                Err(err.into())
            }
        }
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
                Phase::Spare => "after the call ended",
            };
            return Err(weft_error_t::invalid(format!("cannot {what} {now}")));
        }
        Ok(())
    }
}

impl weft_call_t {
    /// Ends the call: the runtime's call is dropped (in place: it cleans
    /// up by stage) and the store released. Idempotent.
    fn end(&mut self) {
        if let Some(raw) = self.call.take() {
            drop(raw);
            // SAFETY: the store outlives its calls (the header's rule);
            // only the flag is written.
            unsafe { ptr::addr_of_mut!((*self.store).busy).write(false) };
        } else if self.phase != Phase::Spare {
            // SAFETY: as above: begun, its runtime call taken by
            // finish/discard; the store is live.
            unsafe { ptr::addr_of_mut!((*self.store).busy).write(false) };
        }
        self.phase = Phase::Spare;
        self.strings.clear();
    }

    /// Ends the call and keeps its object in the store for the next one.
    fn recycle(mut self: Box<Self>) {
        self.end();
        let store = self.store;
        // SAFETY: the store outlives its calls (the header's rule), and is
        // not otherwise used while this runs.
        unsafe { (*store).spare_call = Some(self) };
    }
}

impl Drop for weft_call_t {
    fn drop(&mut self) {
        self.end();
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
        let raw: *const RawFunc = &func.raw;
        // The last call's object if there is one, else a new one; boxed
        // first, the runtime's call written in place (it is large).
        // SAFETY: a live store, not otherwise used while this runs.
        let spare = unsafe { (*store).spare_call.take() };
        let made = match spare {
            Some(mut object) => {
                object.func = raw;
                object.phase = Phase::Lowering;
                object.failed = false;
                Box::into_raw(object)
            }
            None => Box::into_raw(Box::new(weft_call_t {
                tag: TAG_CALL,
                call: None,
                func: raw,
                store,
                phase: Phase::Lowering,
                failed: false,
                strings: Vec::new(),
            })),
        };
        // SAFETY: `raw` and the store outlive the call (contract); the
        // store is not otherwise used while the flag is set.
        let (raw_ref, store_ref) = unsafe { (&*raw, &mut *ptr::addr_of_mut!((*store).store)) };
        match raw_ref.begin(store_ref) {
            Ok(call) => {
                // SAFETY: made above, not shared yet; the flag as above.
                unsafe {
                    (*made).call = Some(call);
                    busy.write(true);
                    put(out, made, "out")
                }
            }
            Err(err) => {
                // SAFETY: made above, not shared. The flag was not set, and
                // its clearing (by recycling) does no harm.
                unsafe { Box::from_raw(made) }.recycle();
                Err(err.into())
            }
        }
    })
}

/// `weft_call_begin` and `weft_lower_alloc` in one crossing: starts a
/// call and allocates `size` bytes aligned to `align` in the callee for
/// its first argument, giving the address and the callee's memory after
/// the allocation. On an error no call is left (`*out` is not written).
///
/// # Safety
///
/// As `weft_call_begin` and `weft_lower_alloc`.
#[no_mangle]
pub unsafe extern "C" fn weft_call_begin_alloc(
    store: *mut weft_store_t,
    func: *const weft_func_t,
    size: u32,
    align: u32,
    out: *mut *mut weft_call_t,
    at: *mut u32,
    mem: *mut *mut u8,
    mem_len: *mut usize,
) -> *mut weft_error_t {
    if out.is_null() {
        return Box::into_raw(weft_error_t::invalid("out is NULL"));
    }
    let mut call = ptr::null_mut();
    // SAFETY: the caller's contract.
    let err = unsafe { weft_call_begin(store, func, &mut call) };
    if !err.is_null() {
        return err;
    }
    // SAFETY: a call just begun; the rest is the caller's contract.
    let err = unsafe {
        crate::port::weft_lower_alloc(
            crate::port::weft_call_args(call),
            size,
            align,
            at,
            mem,
            mem_len,
        )
    };
    if err.is_null() {
        // SAFETY: not NULL (checked), valid for a write by the contract.
        unsafe { out.write(call) };
        ptr::null_mut()
    } else {
        // SAFETY: live; ended by the discard, whose own error is secondary.
        unsafe { crate::error::weft_error_delete(weft_call_discard(call)) };
        err
    }
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
        call.invoke()
    })
}

/// `weft_lower_push_flat`, `weft_call_invoke` and taking the result in one
/// crossing: pushes the `nargs` flat values at `args` (the slot encoding
/// of `weft_lower_push_flat`) after those already pushed, calls the
/// callee, and writes its `nresults` core results to `results`: the flat
/// result (taken: `weft_lift_take_*` has nothing more), or, when the
/// result is in memory, its address, checked for the result's size and
/// alignment (the same as `weft_lift_area` gives afterwards). If `mem`
/// and `mem_len` are not NULL, they get the callee's linear memory after
/// the call (NULL and 0 without one), valid until the call ends.
///
/// `nargs` is the number of flat parameters still to push: the
/// signature's (`weft_func_param_count`) less those pushed with
/// `weft_lower_push_*`, and 0 when the parameters are in memory (stored at
/// `weft_lower_area`); `nresults` is `weft_func_result_count`. Other
/// counts are `WEFT_ERROR_TYPE` naming the expected and given counts,
/// before anything is pushed. Otherwise as `weft_call_invoke`: on an
/// error the call is over (discard it); after success, lift the rest of
/// the result (strings, handles) and finish the call.
///
/// # Safety
///
/// `call` is a live call; `args` valid for reads of `nargs` values,
/// `results` for writes of `nresults`; `mem` and `mem_len` NULL or valid
/// for writes.
#[no_mangle]
pub unsafe extern "C" fn weft_call_invoke_flat(
    call: *mut weft_call_t,
    args: *const u64,
    nargs: usize,
    results: *mut u64,
    nresults: usize,
    mem: *mut *const u8,
    mem_len: *mut usize,
) -> *mut weft_error_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let call = unsafe { get_mut(call, "call") }?;
        // SAFETY: the caller's contract.
        let args = unsafe { values(args, nargs, "args") }?;
        if nresults > 0 {
            check_out(results, "results")?;
        }
        // SAFETY: the `weft_func_t` outlives the call (the header's rule).
        let func = unsafe { &*call.func };
        let signature = func.signature();
        let pushed = call.lower(|l, _| Ok(l.flat_len()))?;
        let expected = if signature.params_in_memory {
            0
        } else {
            signature.params.len().saturating_sub(pushed)
        };
        if nargs != expected {
            let already = if pushed > 0 {
                format!(" ({pushed} were pushed already)")
            } else if signature.params_in_memory {
                " (the parameters go through memory, at weft_lower_area)".to_string()
            } else {
                String::new()
            };
            return Err(weft_error_t::wrong_type(format!(
                "{} takes {expected} more flat parameters{already}, {nargs} given",
                func.ty()
            )));
        }
        if nresults != signature.results.len() {
            return Err(weft_error_t::wrong_type(format!(
                "{} has {} core results, room for {nresults} given",
                func.ty(),
                signature.results.len()
            )));
        }
        if !args.is_empty() {
            call.lower(|l, kinds| {
                for (i, &bits) in args.iter().enumerate() {
                    l.push_flat(flat_slot(kinds[pushed + i], bits))?;
                }
                Ok(())
            })?;
        }
        call.invoke()?;
        let in_memory = signature.result_in_memory;
        let (flat, (base, len)) = call.lift(|l, _, kinds| {
            let mut flat = [0u64; 1];
            if in_memory {
                flat[0] = u64::from(l.spill_area()?);
            } else {
                for (slot, &kind) in flat.iter_mut().zip(kinds) {
                    *slot = flat_slot(kind, l.take_flat()?);
                }
            }
            // Read-only from here: the lifter's memory is the callee's.
            let memory = l.memory();
            let parts = if memory.is_empty() {
                (ptr::null(), 0)
            } else {
                (memory.as_ptr(), memory.len())
            };
            Ok((flat, parts))
        })?;
        if nresults > 0 {
            // SAFETY: checked above: valid for `nresults` (at most one)
            // writes.
            unsafe { results.copy_from_nonoverlapping(flat.as_ptr(), nresults) };
        }
        if !mem.is_null() {
            // SAFETY: not NULL, valid for a write by the contract.
            unsafe { mem.write(base) };
        }
        if !mem_len.is_null() {
            // SAFETY: as above.
            unsafe { mem_len.write(len) };
        }
        Ok(())
    })
}

/// `weft_call_invoke_flat` and `weft_call_finish` in one crossing, for a
/// call whose result is flat (not in memory) and needs nothing lifted but
/// its flat values: pushes the `nargs` values at `args`, calls, writes the
/// `nresults` results, runs post-return and ends the call. The call is
/// deleted in every case: on an error (a result in memory is
/// `WEFT_ERROR_TYPE`; a trap in the callee or its post-return) it is
/// discarded first.
///
/// # Safety
///
/// `call` is a live call; it is deleted. `args` valid for reads of
/// `nargs` values, `results` for writes of `nresults`.
#[no_mangle]
pub unsafe extern "C" fn weft_call_invoke_finish_flat(
    call: *mut weft_call_t,
    args: *const u64,
    nargs: usize,
    results: *mut u64,
    nresults: usize,
) -> *mut weft_error_t {
    if call.is_null() {
        return Box::into_raw(weft_error_t::invalid("call is NULL"));
    }
    // SAFETY: a live call (the caller's contract); the function outlives
    // it (the header's rule). Only read here.
    let in_memory = unsafe { (*(*call).func).signature().result_in_memory };
    let err = if in_memory {
        Box::into_raw(weft_error_t::wrong_type(
            "weft_call_invoke_finish_flat: the result is in memory; use weft_call_invoke_flat and weft_call_finish",
        ))
    } else {
        // SAFETY: the caller's contract.
        unsafe {
            weft_call_invoke_flat(
                call,
                args,
                nargs,
                results,
                nresults,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        }
    };
    if err.is_null() {
        // SAFETY: live; deleted by it.
        unsafe { weft_call_finish(call) }
    } else {
        // SAFETY: live, and deleted by the discard; the discard's own
        // error (a post-return trap after a failed step) is secondary to
        // `err` and deleted once.
        unsafe { crate::error::weft_error_delete(weft_call_discard(call)) };
        err
    }
}

/// What `weft_call_invoke_finish_bytes` copies out: a string (as UTF-8)
/// or a list of scalars of this size (their little-endian bytes).
#[derive(Clone, Copy)]
enum BytesResult {
    Text,
    Scalars(u32),
}

impl BytesResult {
    /// For a function whose result is a string or a list of integers or
    /// floats; `None` for anything else.
    fn of(result: Option<&Type>) -> Option<BytesResult> {
        match result? {
            Type::String => Some(BytesResult::Text),
            Type::List(element) => match **element {
                Type::U8 | Type::S8 => Some(BytesResult::Scalars(1)),
                Type::U16 | Type::S16 => Some(BytesResult::Scalars(2)),
                Type::U32 | Type::S32 | Type::F32 => Some(BytesResult::Scalars(4)),
                Type::U64 | Type::S64 | Type::F64 => Some(BytesResult::Scalars(8)),
                _ => None,
            },
            _ => None,
        }
    }
}

/// `weft_call_invoke_flat`, lifting and `weft_call_finish` in one
/// crossing, for a function whose result is a string or a list of
/// integers or floats: calls, copies the result into the store (a string
/// validated and as UTF-8, whatever the component's encoding; a list's
/// elements as their little-endian bytes), runs post-return and ends the
/// call. `*data` and `*len` then give the copy, valid until the store's
/// next call. The call is deleted in every case (discarded on an error;
/// another result type is `WEFT_ERROR_TYPE`; an invalid result is
/// `WEFT_ERROR_LIFT`, as `weft_lift_read_string` gives).
///
/// # Safety
///
/// `call` is a live call; it is deleted. `args` valid for reads of
/// `nargs` values; `data` and `len` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn weft_call_invoke_finish_bytes(
    call: *mut weft_call_t,
    args: *const u64,
    nargs: usize,
    data: *mut *const u8,
    len: *mut usize,
) -> *mut weft_error_t {
    if call.is_null() {
        return Box::into_raw(weft_error_t::invalid("call is NULL"));
    }
    // Ends the call after a failed step; its own error is secondary.
    let fail = |err: *mut weft_error_t| {
        // SAFETY: live; deleted by the discard.
        unsafe { crate::error::weft_error_delete(weft_call_discard(call)) };
        err
    };
    if data.is_null() || len.is_null() {
        return fail(Box::into_raw(weft_error_t::invalid("data or len is NULL")));
    }
    // SAFETY: a live call; its function outlives it (the header's rule).
    let (func, store) = unsafe { (&*(*call).func, (*call).store) };
    let Some(kind) = BytesResult::of(func.ty().result.as_ref()) else {
        return fail(Box::into_raw(weft_error_t::wrong_type(format!(
            "weft_call_invoke_finish_bytes: {} does not return a string or a list of numbers",
            func.ty()
        ))));
    };
    let mut area = 0u64;
    // SAFETY: the caller's contract.
    let err = unsafe {
        weft_call_invoke_flat(
            call,
            args,
            nargs,
            &mut area,
            1,
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    if !err.is_null() {
        return fail(err);
    }
    let err = guard(|| {
        // SAFETY: a live call, not otherwise used.
        let call = unsafe { get_mut(call, "call") }?;
        call.lift(|l, _, _| {
            let area = l.spill_area()?;
            let (p, n) = (l.read::<u32>(area)?, l.read::<u32>(area + 4)?);
            // SAFETY: the store outlives the call; this field is not the
            // one the runtime's call borrows.
            let out = unsafe { &mut *ptr::addr_of_mut!((*store).result_bytes) };
            out.clear();
            match kind {
                BytesResult::Text => out.extend_from_slice(l.load_str(p, n)?.as_bytes()),
                BytesResult::Scalars(size) => {
                    out.extend_from_slice(l.list_bytes(p, n, size, size)?)
                }
            }
            Ok(())
        })
    });
    if !err.is_null() {
        return fail(err);
    }
    // SAFETY: live; deleted by it.
    let err = unsafe { weft_call_finish(call) };
    if err.is_null() {
        // SAFETY: the store outlives the call; the copy stays until its
        // next call. `data` and `len` checked above.
        unsafe {
            let out = &*ptr::addr_of!((*store).result_bytes);
            data.write(out.as_ptr());
            len.write(out.len());
        }
    }
    err
}

/// A block of host bytes for `weft_func_call_blobs` to store in the
/// callee as one argument: a string (`is_string`, UTF-8, stored in the
/// callee's encoding) or a list of `len / elem_size` numbers (their
/// little-endian bytes, aligned to `align`). Its address and length word
/// go to flat arguments `at` and `at + 1`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct weft_blob_t {
    /// The bytes (NULL allowed when `len` is 0).
    pub data: *const u8,
    /// How many bytes.
    pub len: usize,
    /// Where the address goes among the flat arguments (the length word
    /// follows it).
    pub at: u32,
    /// A list's alignment (1 for a string).
    pub align: u32,
    /// A list element's size (1 for a string).
    pub elem_size: u32,
    /// Nonzero for a string.
    pub is_string: u32,
}

/// A whole call in one crossing, for a function whose parameters are flat
/// scalars, strings and lists of numbers (not through memory) and whose
/// result is flat, a string or a list of numbers: begins, stores each of
/// the `nblobs` blobs in the callee (`weft_lower_store_string` or
/// `weft_lower_alloc`), puts their addresses and length words into the
/// `nargs` flat arguments at their places (the values there are
/// ignored), then as `weft_call_invoke_finish_flat` (when `out` is NULL:
/// `nresults` flat results) or `weft_call_invoke_finish_bytes` (when it
/// is not: the result copied into the store, valid until its next call).
/// Nothing of the call is left after it, whatever happens.
///
/// # Safety
///
/// `store` and `func` live, `func` from `store`; `blobs` valid for
/// `nblobs` reads and each blob's `data` for `len` bytes; `args` for
/// `nargs` reads; `results` for `nresults` writes; `out` and `out_len`
/// NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn weft_func_call_blobs(
    store: *mut weft_store_t,
    func: *const weft_func_t,
    blobs: *const weft_blob_t,
    nblobs: usize,
    args: *const u64,
    nargs: usize,
    results: *mut u64,
    nresults: usize,
    out: *mut *const u8,
    out_len: *mut usize,
) -> *mut weft_error_t {
    let invalid = |message: &str| Box::into_raw(weft_error_t::invalid(message));
    let mut flat = [0u64; 16];
    if nargs > flat.len() {
        return invalid("more than 16 flat arguments: the parameters go through memory");
    }
    // SAFETY: the caller's contract.
    let (args, blobs) =
        match unsafe { (values(args, nargs, "args"), values(blobs, nblobs, "blobs")) } {
            (Ok(args), Ok(blobs)) => (args, blobs),
            (Err(err), _) | (_, Err(err)) => return Box::into_raw(err),
        };
    flat[..nargs].copy_from_slice(args);
    if blobs.iter().any(|b| b.at as usize + 1 >= nargs.max(1)) {
        return invalid("a blob's place is past the flat arguments");
    }
    let mut call = ptr::null_mut();
    // SAFETY: the caller's contract.
    let err = unsafe { weft_call_begin(store, func, &mut call) };
    if !err.is_null() {
        return err;
    }
    let lower = crate::port::weft_call_args(call);
    for blob in blobs {
        let (mut at, mut n) = (0u32, 0u32);
        let err = if blob.is_string != 0 {
            // SAFETY: the caller's contract for `data`; a live call.
            unsafe {
                crate::port::weft_lower_store_string(lower, blob.data, blob.len, &mut at, &mut n)
            }
        } else {
            let (mut mem, mut mem_len) = (ptr::null_mut(), 0usize);
            let size = u32::try_from(blob.len).unwrap_or(u32::MAX);
            // SAFETY: a live call; the out-pointers are locals.
            let err = unsafe {
                crate::port::weft_lower_alloc(
                    lower,
                    size,
                    blob.align.max(1),
                    &mut at,
                    &mut mem,
                    &mut mem_len,
                )
            };
            if err.is_null() && blob.len > 0 {
                // SAFETY: the runtime checked that `len` bytes at `at`
                // lie in the memory it gave; `data` is the caller's.
                unsafe { ptr::copy_nonoverlapping(blob.data, mem.add(at as usize), blob.len) };
            }
            n = (blob.len / blob.elem_size.max(1) as usize) as u32;
            err
        };
        if !err.is_null() {
            // SAFETY: live; ended by the discard, whose error is secondary.
            unsafe { crate::error::weft_error_delete(weft_call_discard(call)) };
            return err;
        }
        flat[blob.at as usize] = u64::from(at);
        flat[blob.at as usize + 1] = u64::from(n);
    }
    if out.is_null() {
        // SAFETY: live; ended by it. `results` is the caller's.
        unsafe { weft_call_invoke_finish_flat(call, flat.as_ptr(), nargs, results, nresults) }
    } else {
        // SAFETY: as above.
        unsafe { weft_call_invoke_finish_bytes(call, flat.as_ptr(), nargs, out, out_len) }
    }
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
        // SAFETY: made by Box::into_raw in weft_call_begin; ended here
        // (its object kept for the store's next call).
        let mut call = unsafe { Box::from_raw(call) };
        let outcome = (|| -> Res<()> {
            call.check(Phase::Returned, "finish the call")?;
            let raw = call.call.take().expect("a call in progress");
            Ok(raw.finish()?)
        })();
        call.recycle();
        outcome
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
        // SAFETY: made by Box::into_raw in weft_call_begin; ended here
        // (its object kept for the store's next call).
        let mut call = unsafe { Box::from_raw(call) };
        let outcome = match call.call.take() {
            Some(raw) if call.phase != Phase::Over => raw.discard().map_err(Into::into),
            _ => Ok(()),
        };
        call.recycle();
        outcome
    })
}

/// Calls `func` in one crossing, for a function whose parameters and
/// result are all flat values (no parameters or result in memory): begin,
/// push the `nargs` values at `args`, invoke, take the `nresults` results
/// into `results`, and finish (post-return). Values are in the slot
/// encoding of `weft_lower_push_flat` (an `i32` zero-extended, an `f32`'s
/// bits in the low 32 bits, NaNs made canonical both ways), typed by the
/// core signature. `nargs` and `nresults` must be the signature's counts
/// (`weft_func_param_count`, `weft_func_result_count`), else
/// `WEFT_ERROR_TYPE` naming both; so is a function whose values go through
/// memory or hold resource handles (which need `weft_lower_own`/`borrow`
/// and `weft_lift_own`/`borrow`). The values are bits: what their types
/// require beyond that (a `char`'s range, an enum's case count) is the
/// caller's to check, as with `weft_lift_take_flat`. A trap is the error (`WEFT_ERROR_TRAP`), after which the store
/// is free and the instance usable, as after a discarded call. The store
/// must not be held by a call in progress. `results` is written only on
/// success.
///
/// This is the runtime's raw call (`RawFunc::call`) with nothing between:
/// no allocation, no call object.
///
/// # Safety
///
/// `store` and `func` are live, `func` from `store`; `args` valid for
/// reads of `nargs` values, `results` for writes of `nresults`.
#[no_mangle]
pub unsafe extern "C" fn weft_func_call_flat(
    store: *mut weft_store_t,
    func: *const weft_func_t,
    args: *const u64,
    nargs: usize,
    results: *mut u64,
    nresults: usize,
) -> *mut weft_error_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let func = unsafe { get(func, "func") }?;
        let raw = &func.raw;
        let signature = raw.signature();
        if signature.params_in_memory || signature.result_in_memory {
            let what = if signature.params_in_memory {
                "parameters"
            } else {
                "result"
            };
            return Err(weft_error_t::wrong_type(format!(
                "{} has its {what} in memory, not flat: call it with weft_call_begin",
                raw.ty()
            )));
        }
        if func.handles {
            return Err(weft_error_t::wrong_type(format!(
                "{} passes resource handles, which are moved with weft_lower_own/borrow \
                 and weft_lift_own/borrow: call it with weft_call_begin",
                raw.ty()
            )));
        }
        if nargs != signature.params.len() || nresults != signature.results.len() {
            return Err(weft_error_t::wrong_type(format!(
                "{} takes {} flat parameters and has {} flat results; \
                 {nargs} and {nresults} given",
                raw.ty(),
                signature.params.len(),
                signature.results.len()
            )));
        }
        // SAFETY: the caller's contract.
        let args = unsafe { values(args, nargs, "args") }?;
        if nresults > 0 {
            check_out(results, "results")?;
        }
        // SAFETY: the caller's contract.
        let mut held = unsafe { StoreHold::new(store) }?;
        let outcome = raw.call(
            held.store(),
            |lower| {
                for (&bits, &kind) in args.iter().zip(&signature.params) {
                    lower.push_flat(flat_slot(kind, bits))?;
                }
                Ok::<(), CallError<Infallible>>(())
            },
            |lift| {
                let mut flat = [0u64; 1];
                for (slot, &kind) in flat.iter_mut().zip(&signature.results) {
                    *slot = flat_slot(kind, lift.take_flat()?);
                }
                Ok(flat)
            },
        );
        drop(held);
        let flat = outcome.map_err(|err| match err {
            CallError::Runtime(err) => Box::<weft_error_t>::from(err),
            CallError::Host(never) => match never {},
        })?;
        if nresults > 0 {
            // SAFETY: checked above: valid for `nresults` (at most one)
            // writes.
            unsafe { results.copy_from_nonoverlapping(flat.as_ptr(), nresults) };
        }
        Ok(())
    })
}

//! `weft_lower_t` and `weft_lift_t`: moving values into and out of a
//! component, the same functions for a call's arguments and result and a
//! host function's arguments and result.
//!
//! A `weft_lower_t *` or `weft_lift_t *` is the address of the call or
//! host call it belongs to; the first field of both says which
//! ([`Tag`]).

use std::ffi::c_char;
use std::ptr;

use weft_runtime::component::{LiftError, RawLifter, RawLowerer, RawScalar};
use weft_runtime::ValType;

use crate::call::weft_call_t;
use crate::host::weft_host_call_t;
use crate::resource::weft_resource_t;
use crate::{bytes, check_out, get, guard, put, values, values_mut, weft_error_t, Res};

/// What a call object is, its first field.
pub(crate) type Tag = u32;
/// A `weft_call_t`.
pub(crate) const TAG_CALL: Tag = 0x5746_4331;
/// A `weft_host_call_t`.
pub(crate) const TAG_HOST: Tag = 0x5746_4832;

/// Where values are lowered: a call's arguments (`weft_call_args`) or a
/// host function's result (`weft_host_call_results`).
pub struct weft_lower_t {
    _private: [u8; 0],
}

/// Where values are lifted from: a call's result (`weft_call_results`)
/// or a host function's arguments (`weft_host_call_args`).
pub struct weft_lift_t {
    _private: [u8; 0],
}

/// The tag of the object at `port`.
///
/// # Safety
///
/// `port` is NULL or a live call or host call.
unsafe fn tag<T>(port: *mut T) -> Res<Tag> {
    if port.is_null() {
        return Err(weft_error_t::invalid("the call is NULL"));
    }
    // SAFETY: both call objects are `repr(C)` with the tag first.
    Ok(unsafe { port.cast::<Tag>().read() })
}

/// Runs `step` on the lowerer of the call or host call at `port`.
///
/// # Safety
///
/// `port` is NULL or from `weft_call_args`/`weft_host_call_results` of a
/// live call.
#[inline]
unsafe fn lowering<R>(
    port: *mut weft_lower_t,
    step: impl FnOnce(&mut RawLowerer<'_>) -> Result<R, LiftError>,
) -> Res<R> {
    // SAFETY: the caller's contract.
    unsafe { lowering_kinds(port, |lower, _| step(lower)) }
}

/// Runs `step` on the lowerer of the call or host call at `port`, with
/// the core types of the flat values it writes (a call's parameters, a
/// host function's results).
///
/// # Safety
///
/// As [`lowering`].
#[inline]
unsafe fn lowering_kinds<R>(
    port: *mut weft_lower_t,
    step: impl FnOnce(&mut RawLowerer<'_>, &[ValType]) -> Result<R, LiftError>,
) -> Res<R> {
    // SAFETY: the caller's contract.
    match unsafe { tag(port) }? {
        TAG_CALL => {
            // SAFETY: tagged as a call.
            let call = unsafe { &mut *port.cast::<weft_call_t>() };
            call.lower(step)
        }
        TAG_HOST => {
            // SAFETY: tagged as a host call, live during its callback.
            let host = unsafe { &mut *port.cast::<weft_host_call_t>() };
            let raw = host.raw();
            let kinds = &raw.signature().results;
            Ok(step(&mut raw.results(), kinds)?)
        }
        _ => Err(weft_error_t::invalid("not a call or host call")),
    }
}

/// Runs `step` on the lifter of the call or host call at `port`, with
/// where to keep transcoded strings.
///
/// # Safety
///
/// `port` is NULL or from `weft_call_results`/`weft_host_call_args` of a
/// live call.
#[inline]
unsafe fn lifting<R>(
    port: *mut weft_lift_t,
    step: impl FnOnce(&mut RawLifter<'_>, &mut Vec<Box<str>>) -> Result<R, LiftError>,
) -> Res<R> {
    // SAFETY: the caller's contract.
    unsafe { lifting_kinds(port, |lift, strings, _| step(lift, strings)) }
}

/// Runs `step` on the lifter of the call or host call at `port`, with
/// where to keep transcoded strings and the core types of the flat
/// values it reads (a call's results, a host function's parameters).
///
/// # Safety
///
/// As [`lifting`].
#[inline]
unsafe fn lifting_kinds<R>(
    port: *mut weft_lift_t,
    step: impl FnOnce(&mut RawLifter<'_>, &mut Vec<Box<str>>, &[ValType]) -> Result<R, LiftError>,
) -> Res<R> {
    // SAFETY: the caller's contract.
    match unsafe { tag(port) }? {
        TAG_CALL => {
            // SAFETY: tagged as a call.
            let call = unsafe { &mut *port.cast::<weft_call_t>() };
            call.lift(step)
        }
        TAG_HOST => {
            // SAFETY: tagged as a host call, live during its callback.
            let host = unsafe { &mut *port.cast::<weft_host_call_t>() };
            let (raw, strings) = host.parts();
            let kinds = &raw.signature().params;
            Ok(step(&mut raw.args(), strings, kinds)?)
        }
        _ => Err(weft_error_t::invalid("not a call or host call")),
    }
}

/// A flat value of core type `kind` in the slot encoding of the `_flat`
/// functions (both ways): an `i32` zero-extended (only its low 32 bits
/// count), an `i64` as it is, an `f32`'s bits in the low 32 bits, an
/// `f64`'s bits; NaNs made canonical, as `weft_lower_push_f32`/`f64` and
/// `weft_lift_take_f32`/`f64` make them.
#[inline]
pub(crate) fn flat_slot(kind: ValType, bits: u64) -> u64 {
    match kind {
        ValType::I32 => u64::from(bits as u32),
        ValType::F32 => RawScalar::to_bits(f32::from_bits(bits as u32)),
        ValType::F64 => RawScalar::to_bits(f64::from_bits(bits)),
        _ => bits,
    }
}

/// A linear memory as the base and length C receives: NULL and 0 when
/// there is none (or it is empty).
#[inline]
pub(crate) fn memory_parts(memory: &mut [u8]) -> (*mut u8, usize) {
    if memory.is_empty() {
        (ptr::null_mut(), 0)
    } else {
        (memory.as_mut_ptr(), memory.len())
    }
}

/// Where a call's arguments are lowered (the call's own address).
///
/// # Safety
///
/// None: the pointer is only converted.
#[no_mangle]
pub extern "C" fn weft_call_args(call: *mut weft_call_t) -> *mut weft_lower_t {
    call.cast()
}

/// Where a call's result is lifted from (the call's own address).
///
/// # Safety
///
/// None: the pointer is only converted.
#[no_mangle]
pub extern "C" fn weft_call_results(call: *mut weft_call_t) -> *mut weft_lift_t {
    call.cast()
}

/// Where a host function's arguments are lifted from.
///
/// # Safety
///
/// None: the pointer is only converted.
#[no_mangle]
pub extern "C" fn weft_host_call_args(call: *mut weft_host_call_t) -> *mut weft_lift_t {
    call.cast()
}

/// Where a host function's result is lowered.
///
/// # Safety
///
/// None: the pointer is only converted.
#[no_mangle]
pub extern "C" fn weft_host_call_results(call: *mut weft_host_call_t) -> *mut weft_lower_t {
    call.cast()
}

macro_rules! push {
    ($($(#[$doc:meta])* $name:ident($ty:ty);)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        ///
        /// `lower` is from a live call or host call.
        #[no_mangle]
        pub unsafe extern "C" fn $name(lower: *mut weft_lower_t, value: $ty) -> *mut weft_error_t {
            // SAFETY: the caller's contract.
            guard(|| unsafe { lowering(lower, |l| l.push(value)) })
        }
    )*};
}

push! {
    /// Appends a flat `i32` (also `bool`, integers of 32 bits or less and
    /// `char`, as their bits). Errors (`WEFT_ERROR_LIFT`): more values
    /// than the signature's, or values that go through memory.
    weft_lower_push_i32(i32);
    /// Appends a flat `i64` (`s64`/`u64`).
    weft_lower_push_i64(i64);
    /// Appends a flat `f32` (NaNs made canonical).
    weft_lower_push_f32(f32);
    /// Appends a flat `f64` (NaNs made canonical).
    weft_lower_push_f64(f64);
}

/// Appends the `n` flat values at `vals`, in the slot encoding: each a
/// `uint64_t`, an `i32` in the low 32 bits (the high ones are ignored), an
/// `i64` as it is, an `f32`'s bits in the low 32 bits, an `f64`'s bits;
/// NaNs made canonical. The core types are the signature's (a call's
/// parameters, a host function's results), from where the pushing stands.
/// As many `weft_lower_push_*` calls in one: the same errors
/// (`WEFT_ERROR_LIFT` past the signature's count or when the values go
/// through memory; the values before the one refused were pushed).
///
/// # Safety
///
/// `lower` is from a live call or host call; `vals` valid for reads of
/// `n` values.
#[no_mangle]
pub unsafe extern "C" fn weft_lower_push_flat(
    lower: *mut weft_lower_t,
    vals: *const u64,
    n: usize,
) -> *mut weft_error_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let vals = unsafe { values(vals, n, "vals") }?;
        // SAFETY: the caller's contract.
        unsafe {
            lowering_kinds(lower, |l, kinds| {
                let at = l.flat_len();
                for (i, &bits) in vals.iter().enumerate() {
                    // Past the signature's count push_flat refuses anyway.
                    let kind = kinds.get(at + i).copied().unwrap_or(ValType::I64);
                    l.push_flat(flat_slot(kind, bits))?;
                }
                Ok(())
            })
        }
    })
}

macro_rules! write_scalar {
    ($($(#[$doc:meta])* $name:ident($ty:ty);)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        ///
        /// `lower` is from a live call or host call.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            lower: *mut weft_lower_t,
            ptr: u32,
            value: $ty,
        ) -> *mut weft_error_t {
            // SAFETY: the caller's contract.
            guard(|| unsafe { lowering(lower, |l| l.write(ptr, value)) })
        }
    )*};
}

write_scalar! {
    /// Writes an `i32` at guest address `ptr` (aligned to 4, inside
    /// memory; else `WEFT_ERROR_LIFT` naming address and size).
    weft_lower_write_i32(i32);
    /// Writes an `i64` at `ptr` (aligned to 8).
    weft_lower_write_i64(i64);
    /// Writes an `f32` at `ptr` (aligned to 4; NaNs made canonical).
    weft_lower_write_f32(f32);
    /// Writes an `f64` at `ptr` (aligned to 8; NaNs made canonical).
    weft_lower_write_f64(f64);
}

/// The guest address where the values go when the signature sends them
/// through memory, into `*ptr`: for a call's parameters past 16 flat
/// values, a block for the parameter tuple allocated in the callee (once);
/// for a host function's result past one flat value, the address the
/// caller passed (checked). `WEFT_ERROR_LIFT` when the values go flat.
///
/// # Safety
///
/// `lower` is from a live call or host call; `ptr` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_lower_area(
    lower: *mut weft_lower_t,
    ptr: *mut u32,
) -> *mut weft_error_t {
    guard(|| {
        check_out(ptr, "ptr")?;
        // SAFETY: the caller's contract.
        let at = unsafe { lowering(lower, |l| l.spill_area()) }?;
        // SAFETY: checked above.
        unsafe { put(ptr, at, "ptr") }
    })
}

/// Allocates `size` bytes aligned to `align` (a power of two) in the
/// component with its `realloc`, the address into `*ptr`. The result is
/// checked (`WEFT_ERROR_LIFT`: `realloc return: ...`); a trap in
/// `realloc` is a `WEFT_ERROR_LIFT` too. This runs wasm: memory pointers
/// taken before may be stale.
///
/// # Safety
///
/// `lower` is from a live call or host call; `ptr` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_lower_realloc(
    lower: *mut weft_lower_t,
    size: u32,
    align: u32,
    ptr: *mut u32,
) -> *mut weft_error_t {
    guard(|| {
        check_out(ptr, "ptr")?;
        // SAFETY: the caller's contract.
        let at = unsafe { lowering(lower, |l| l.allocate(size, align)) }?;
        // SAFETY: checked above.
        unsafe { put(ptr, at, "ptr") }
    })
}

/// `weft_lower_realloc` and `weft_lower_memory` in one: allocates `size`
/// bytes aligned to `align` with the component's `realloc`, the address
/// into `*ptr`, then gives the linear memory as it is after the
/// allocation (which may have grown it): its base into `*mem` and its
/// length in bytes into `*mem_len` (NULL and 0 when the component has no
/// memory), for writing the block through `*mem + *ptr` at once. The
/// base and length are valid until the next call into wasm, as
/// `weft_lower_memory`'s. Errors as `weft_lower_realloc`.
///
/// # Safety
///
/// `lower` is from a live call or host call; `ptr`, `mem` and `mem_len`
/// valid for writes.
#[no_mangle]
pub unsafe extern "C" fn weft_lower_alloc(
    lower: *mut weft_lower_t,
    size: u32,
    align: u32,
    ptr: *mut u32,
    mem: *mut *mut u8,
    mem_len: *mut usize,
) -> *mut weft_error_t {
    guard(|| {
        check_out(ptr, "ptr")?;
        check_out(mem, "mem")?;
        check_out(mem_len, "mem_len")?;
        // SAFETY: the caller's contract.
        let (at, (base, len)) = unsafe {
            lowering(lower, |l| {
                let at = l.allocate(size, align)?;
                Ok((at, memory_parts(l.memory())))
            })
        }?;
        // SAFETY: checked above.
        unsafe {
            put(ptr, at, "ptr")?;
            put(mem, base, "mem")?;
            put(mem_len, len, "mem_len")
        }
    })
}

/// Copies `len` bytes from `data` to guest address `ptr` (checked: the
/// range lies in memory).
///
/// # Safety
///
/// `lower` is from a live call or host call; `data` valid for `len`
/// bytes.
#[no_mangle]
pub unsafe extern "C" fn weft_lower_write_bytes(
    lower: *mut weft_lower_t,
    ptr: u32,
    data: *const u8,
    len: usize,
) -> *mut weft_error_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let data = unsafe { bytes(data, len, "data") }?;
        // SAFETY: the caller's contract.
        unsafe { lowering(lower, |l| l.write_bytes(ptr, data)) }
    })
}

/// Stores the UTF-8 text `data` (`len` bytes) in the component, encoded
/// as it wants strings, in one block from its `realloc`; the address and
/// the length word to pass (the string's two flat values, or its memory
/// form) into `*ptr` and `*len_word`. Text that is not UTF-8 is
/// `WEFT_ERROR_INVALID_ARGUMENT`, before anything is allocated.
///
/// # Safety
///
/// `lower` is from a live call or host call; `data` valid for `len`
/// bytes; `ptr` and `len_word` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn weft_lower_store_string(
    lower: *mut weft_lower_t,
    data: *const u8,
    len: usize,
    ptr: *mut u32,
    len_word: *mut u32,
) -> *mut weft_error_t {
    guard(|| {
        check_out(ptr, "ptr")?;
        check_out(len_word, "len_word")?;
        // SAFETY: the caller's contract.
        let text = unsafe { crate::text(data, len, "the string") }?;
        // SAFETY: the caller's contract.
        let (at, word) = unsafe { lowering(lower, |l| l.store_string(text)) }?;
        // SAFETY: checked above.
        unsafe {
            put(ptr, at, "ptr")?;
            put(len_word, word, "len_word")
        }
    })
}

/// Hands the resource `resource` (which the host owns) to the component
/// as an own handle of the resource type in handle slot `slot`, the
/// handle into `*handle`. The host no longer owns the resource: delete
/// `resource` with `weft_resource_delete`, never drop it. (Should the
/// call not be made after all, the resource is the host's again.)
///
/// # Safety
///
/// `lower` is from a live call or host call; `resource` live; `handle`
/// valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_lower_own(
    lower: *mut weft_lower_t,
    slot: u32,
    resource: *const weft_resource_t,
    handle: *mut u32,
) -> *mut weft_error_t {
    guard(|| {
        check_out(handle, "handle")?;
        // SAFETY: the caller's contract.
        let resource = unsafe { get(resource, "resource") }?.resource;
        // SAFETY: the caller's contract.
        let h = unsafe { lowering(lower, |l| l.lower_own(slot, resource)) }?;
        // SAFETY: checked above.
        unsafe { put(handle, h, "handle") }
    })
}

/// Lends `resource` to the component for the call, as a borrow of the
/// resource type in handle slot `slot`, the handle into `*handle`. Only a
/// call's parameters may hold borrows.
///
/// # Safety
///
/// `lower` is from a live call or host call; `resource` live; `handle`
/// valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_lower_borrow(
    lower: *mut weft_lower_t,
    slot: u32,
    resource: *const weft_resource_t,
    handle: *mut u32,
) -> *mut weft_error_t {
    guard(|| {
        check_out(handle, "handle")?;
        // SAFETY: the caller's contract.
        let resource = unsafe { get(resource, "resource") }?.resource;
        // SAFETY: the caller's contract.
        let h = unsafe { lowering(lower, |l| l.lower_borrow(slot, resource)) }?;
        // SAFETY: checked above.
        unsafe { put(handle, h, "handle") }
    })
}

/// The component's whole linear memory, for bulk writes: its base into
/// `*base` and its length in bytes into `*len` (guest address `a` is
/// `base + a`). Valid until the next call into wasm: `weft_lower_realloc`,
/// `weft_lower_store_string`, `weft_lower_area` of a call,
/// `weft_call_invoke`, the end of the call (the base never moves, but the
/// memory may grow, and writes past `len` are never allowed).
///
/// # Safety
///
/// `lower` is from a live call or host call; `base` and `len` valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn weft_lower_memory(
    lower: *mut weft_lower_t,
    base: *mut *mut u8,
    len: *mut usize,
) -> *mut weft_error_t {
    guard(|| {
        check_out(base, "base")?;
        check_out(len, "len")?;
        // SAFETY: the caller's contract.
        let (b, l) = unsafe {
            lowering(lower, |l| {
                let memory = l.memory();
                Ok((memory.as_mut_ptr(), memory.len()))
            })
        }?;
        // SAFETY: checked above.
        unsafe {
            put(base, b, "base")?;
            put(len, l, "len")
        }
    })
}

macro_rules! take {
    ($($(#[$doc:meta])* $name:ident($ty:ty);)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        ///
        /// `lift` is from a live call or host call; `out` valid for a
        /// write.
        #[no_mangle]
        pub unsafe extern "C" fn $name(lift: *mut weft_lift_t, out: *mut $ty) -> *mut weft_error_t {
            guard(|| {
                check_out(out, "out")?;
                // SAFETY: the caller's contract.
                let value = unsafe { lifting(lift, |l, _| l.take::<$ty>()) }?;
                // SAFETY: checked above.
                unsafe { put(out, value, "out") }
            })
        }
    )*};
}

take! {
    /// Reads the next flat value as an `i32` into `*out`. Errors
    /// (`WEFT_ERROR_LIFT`): no value left (the values come through memory,
    /// or all were read).
    weft_lift_take_i32(i32);
    /// Reads the next flat value as an `i64`.
    weft_lift_take_i64(i64);
    /// Reads the next flat value as an `f32` (NaNs made canonical).
    weft_lift_take_f32(f32);
    /// Reads the next flat value as an `f64` (NaNs made canonical).
    weft_lift_take_f64(f64);
}

/// Reads the next `n` flat values into `out`, in the slot encoding of
/// `weft_lower_push_flat` (an `i32` zero-extended, an `f32`'s bits in the
/// low 32 bits, NaNs made canonical), by the signature's core types (a
/// call's results, a host function's parameters). As many
/// `weft_lift_take_*` calls in one, except that fewer than `n` values left
/// is an error before any is taken (`WEFT_ERROR_LIFT`, also when the
/// values come through memory).
///
/// # Safety
///
/// `lift` is from a live call or host call; `out` valid for writes of `n`
/// values.
#[no_mangle]
pub unsafe extern "C" fn weft_lift_take_flat(
    lift: *mut weft_lift_t,
    out: *mut u64,
    n: usize,
) -> *mut weft_error_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { values_mut(out, n, "out") }?;
        // SAFETY: the caller's contract.
        unsafe {
            lifting_kinds(lift, |l, _, kinds| {
                let at = l.flat_taken();
                let left = l.flat_len().saturating_sub(at);
                if n > left {
                    let through_memory = if l.spill_area().is_ok() {
                        " (the values come through memory: read them at the area)"
                    } else {
                        ""
                    };
                    return Err(LiftError::Signature(format!(
                        "{n} flat values asked for, {left} left{through_memory}"
                    )));
                }
                for (i, slot) in out.iter_mut().enumerate() {
                    let kind = kinds.get(at + i).copied().unwrap_or(ValType::I64);
                    *slot = flat_slot(kind, l.take_flat()?);
                }
                Ok(())
            })
        }
    })
}

macro_rules! read {
    ($($(#[$doc:meta])* $name:ident($ty:ty);)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        ///
        /// `lift` is from a live call or host call; `out` valid for a
        /// write.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            lift: *mut weft_lift_t,
            ptr: u32,
            out: *mut $ty,
        ) -> *mut weft_error_t {
            guard(|| {
                check_out(out, "out")?;
                // SAFETY: the caller's contract.
                let value = unsafe { lifting(lift, |l, _| l.read::<$ty>(ptr)) }?;
                // SAFETY: checked above.
                unsafe { put(out, value, "out") }
            })
        }
    )*};
}

read! {
    /// Reads the `i32` at guest address `ptr` (aligned to 4, inside
    /// memory; else `WEFT_ERROR_LIFT` naming address and size).
    weft_lift_read_i32(i32);
    /// Reads the `i64` at `ptr` (aligned to 8).
    weft_lift_read_i64(i64);
    /// Reads the `f32` at `ptr` (aligned to 4).
    weft_lift_read_f32(f32);
    /// Reads the `f64` at `ptr` (aligned to 8).
    weft_lift_read_f64(f64);
}

/// The guest address of the values when the signature sends them through
/// memory (a call's result past one flat value, a host function's
/// parameters past 16), already checked for their size and alignment,
/// into `*ptr`. `WEFT_ERROR_LIFT` when they come flat.
///
/// # Safety
///
/// `lift` is from a live call or host call; `ptr` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_lift_area(
    lift: *mut weft_lift_t,
    ptr: *mut u32,
) -> *mut weft_error_t {
    guard(|| {
        check_out(ptr, "ptr")?;
        // SAFETY: the caller's contract.
        let at = unsafe { lifting(lift, |l, _| l.spill_area()) }?;
        // SAFETY: checked above.
        unsafe { put(ptr, at, "ptr") }
    })
}

/// The `len` bytes at guest address `ptr` (checked: inside memory), as a
/// pointer into the component's memory into `*data`, valid until the
/// call (or host call) ends. Copy what you keep.
///
/// # Safety
///
/// `lift` is from a live call or host call; `data` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_lift_read_bytes(
    lift: *mut weft_lift_t,
    ptr: u32,
    len: u32,
    data: *mut *const u8,
) -> *mut weft_error_t {
    guard(|| {
        check_out(data, "data")?;
        // SAFETY: the caller's contract.
        let at = unsafe { lifting(lift, |l, _| l.read_bytes(ptr, len).map(<[u8]>::as_ptr)) }?;
        // SAFETY: checked above.
        unsafe { put(data, at, "data") }
    })
}

/// The string at guest address `ptr` with length word `len_word` (in the
/// component's encoding's units; tagged for latin1+utf16), checked and
/// validated (`WEFT_ERROR_LIFT` for invalid UTF-8 or UTF-16, naming the
/// string), as UTF-8: `*data` and `*len` (bytes, no NUL). A UTF-8 string
/// points into the component's memory; another is transcoded and kept by
/// the call. Valid until the call (or host call) ends.
///
/// # Safety
///
/// `lift` is from a live call or host call; `data` and `len` valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn weft_lift_read_string(
    lift: *mut weft_lift_t,
    ptr: u32,
    len_word: u32,
    data: *mut *const c_char,
    len: *mut usize,
) -> *mut weft_error_t {
    guard(|| {
        check_out(data, "data")?;
        check_out(len, "len")?;
        // SAFETY: the caller's contract.
        let (at, n) = unsafe {
            lifting(lift, |l, strings| {
                let text = l.load_str(ptr, len_word)?;
                let (at, n) = (text.as_ptr(), text.len());
                if let std::borrow::Cow::Owned(owned) = text {
                    let kept = owned.into_boxed_str();
                    let at = kept.as_ptr();
                    strings.push(kept);
                    return Ok((at, n));
                }
                Ok((at, n))
            })
        }?;
        // SAFETY: checked above.
        unsafe {
            put(data, at.cast::<c_char>(), "data")?;
            put(len, n, "len")
        }
    })
}

/// Takes the own handle `handle` of the resource type in handle slot
/// `slot` out of the component's table, into a new `*resource` the host
/// owns: drop it (`weft_resource_drop`) or pass it on as own, then delete
/// it. Should the call be discarded instead of finished, the runtime
/// drops the resource (the handle object must still be deleted).
///
/// # Safety
///
/// `lift` is from a live call or host call; `resource` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_lift_own(
    lift: *mut weft_lift_t,
    slot: u32,
    handle: u32,
    resource: *mut *mut weft_resource_t,
) -> *mut weft_error_t {
    guard(|| {
        check_out(resource, "resource")?;
        // SAFETY: the caller's contract.
        let taken = unsafe { lifting(lift, |l, _| l.lift_own(slot, handle)) }?;
        let made = Box::into_raw(Box::new(weft_resource_t { resource: taken }));
        // SAFETY: checked above.
        unsafe { put(resource, made, "resource") }
    })
}

/// The resource behind the borrow (or own) handle `handle` of the
/// resource type in handle slot `slot`, lent for the call, into a new
/// `*resource` (delete it with `weft_resource_delete`; never drop it).
///
/// # Safety
///
/// `lift` is from a live call or host call; `resource` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn weft_lift_borrow(
    lift: *mut weft_lift_t,
    slot: u32,
    handle: u32,
    resource: *mut *mut weft_resource_t,
) -> *mut weft_error_t {
    guard(|| {
        check_out(resource, "resource")?;
        // SAFETY: the caller's contract.
        let lent = unsafe { lifting(lift, |l, _| l.lift_borrow(slot, handle)) }?;
        let made = Box::into_raw(Box::new(weft_resource_t { resource: lent }));
        // SAFETY: checked above.
        unsafe { put(resource, made, "resource") }
    })
}

/// The component's whole linear memory, for bulk reads: `*base` and
/// `*len`, valid until the call (or host call) ends; nothing runs in the
/// component while values are lifted.
///
/// # Safety
///
/// `lift` is from a live call or host call; `base` and `len` valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn weft_lift_memory(
    lift: *mut weft_lift_t,
    base: *mut *const u8,
    len: *mut usize,
) -> *mut weft_error_t {
    guard(|| {
        check_out(base, "base")?;
        check_out(len, "len")?;
        // SAFETY: the caller's contract.
        let (b, l) = unsafe {
            lifting(lift, |l, _| {
                let memory = l.memory();
                Ok((memory.as_ptr(), memory.len()))
            })
        }?;
        // SAFETY: checked above.
        unsafe {
            put(base, b, "base")?;
            put(len, l, "len")
        }
    })
}

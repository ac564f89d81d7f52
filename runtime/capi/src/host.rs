//! Host functions as C callbacks: `weft_linker_define_func` and the
//! `weft_host_call_t` a callback is given.

use std::ffi::c_void;

use weft_runtime::component::RawHostCall;
use weft_runtime::Trap;

use crate::objects::{encoding, weft_linker_t, weft_string_encoding_t, WEFT_STRING_UTF8};
use crate::port::{Tag, TAG_HOST};
use crate::resource::weft_resource_t;
use crate::{get_mut, guard, text, weft_error_t};

/// A host function: reads its arguments through
/// `weft_host_call_args(call)`, writes its result through
/// `weft_host_call_results(call)`, and returns NULL, or an error, which
/// traps the calling component (`weft_error_new` for the host's own
/// errors; an error a `weft_lift_*`/`weft_lower_*` function returned
/// becomes the trap it stands for). It must not unwind.
pub type weft_host_func_callback_t = Option<
    unsafe extern "C" fn(env: *mut c_void, call: *mut weft_host_call_t) -> *mut weft_error_t,
>;

/// Called once with a callback's `env` when nothing uses the callback
/// any more.
pub type weft_finalizer_t = Option<unsafe extern "C" fn(env: *mut c_void)>;

/// A component's call of a host function, given to its callback and
/// valid only while the callback runs.
#[repr(C)]
pub struct weft_host_call_t {
    /// First: see `port.rs`.
    tag: Tag,
    /// The runtime's host call, alive while the callback runs.
    call: *mut RawHostCall<'static>,
    /// Strings lifted that had to be transcoded.
    strings: Vec<Box<str>>,
}

impl weft_host_call_t {
    /// The runtime's host call.
    pub(crate) fn raw(&mut self) -> &mut RawHostCall<'static> {
        // SAFETY: set from a live `&mut RawHostCall` for the callback's
        // duration, which is the only time C holds this object.
        unsafe { &mut *self.call }
    }

    /// The runtime's host call and the kept strings.
    pub(crate) fn parts(&mut self) -> (&mut RawHostCall<'static>, &mut Vec<Box<str>>) {
        // SAFETY: as in `raw`.
        (unsafe { &mut *self.call }, &mut self.strings)
    }
}

/// A callback with its environment, finalized when dropped.
pub(crate) struct Callback<F: Copy> {
    pub func: F,
    pub env: *mut c_void,
    pub finalizer: weft_finalizer_t,
}

// SAFETY: the header requires a callback's `env` to be usable from any
// thread that uses the store (the C side's promise, as with any C
// callback registered with a library).
unsafe impl<F: Copy> Send for Callback<F> {}
// SAFETY: as above.
unsafe impl<F: Copy> Sync for Callback<F> {}

impl<F: Copy> Drop for Callback<F> {
    fn drop(&mut self) {
        if let Some(finalize) = self.finalizer {
            // SAFETY: called once, with the env it was registered with.
            unsafe { finalize(self.env) };
        }
    }
}

/// The trap for the error a callback returned (NULL: none).
///
/// # Safety
///
/// `err` is NULL or an error the callback gives up.
pub(crate) unsafe fn callback_outcome(err: *mut weft_error_t) -> Result<(), Trap> {
    if err.is_null() {
        return Ok(());
    }
    // SAFETY: an error made by this crate, owned by us from here.
    Err(unsafe { Box::from_raw(err) }.into_trap())
}

/// Defines the function `name` in `linker`, in the instance `interface`
/// (such as `ns:pkg/iface@1.0.0`; NULL or length 0 for the top level), as
/// the host function `callback` with `env`. It takes the type of the
/// import it satisfies; the callback reads the arguments and writes the
/// result by that type. `finalizer` (may be NULL) is called with `env`
/// when the function is no longer used (the linker and every instance
/// using it deleted); on an error it is called before returning. `env`
/// is used from whichever thread uses the store.
///
/// # Safety
///
/// `linker` is live; names valid for their lengths; `callback` a valid
/// function.
#[no_mangle]
pub unsafe extern "C" fn weft_linker_define_func(
    linker: *mut weft_linker_t,
    interface: *const u8,
    interface_len: usize,
    name: *const u8,
    name_len: usize,
    callback: weft_host_func_callback_t,
    env: *mut c_void,
    finalizer: weft_finalizer_t,
) -> *mut weft_error_t {
    // Owned from here: finalized on any error.
    let owned = Callback {
        func: callback,
        env,
        finalizer,
    };
    guard(move || {
        // SAFETY: the caller's contract.
        let linker = unsafe { get_mut(linker, "linker") }?;
        // SAFETY: the caller's contract.
        let interface = unsafe { text(interface, interface_len, "interface") }?;
        // SAFETY: the caller's contract.
        let name = unsafe { text(name, name_len, "name") }?;
        let Some(func) = owned.func else {
            return Err(weft_error_t::invalid("callback is NULL"));
        };
        let body = move |call: &mut RawHostCall<'_>| {
            // The whole callback is moved in (not only its fields), so
            // that it is finalized when the function is dropped.
            let owned = &owned;
            let mut host = weft_host_call_t {
                tag: TAG_HOST,
                call: (call as *mut RawHostCall<'_>).cast(),
                strings: Vec::new(),
            };
            // SAFETY: the callback as registered, with its env; the host
            // call lives until it returns.
            let err = unsafe { func(owned.env, &mut host) };
            // SAFETY: what the callback returned is NULL or an error it
            // gives up.
            unsafe { callback_outcome(err) }
        };
        let mut target = if interface.is_empty() {
            linker.linker.root()
        } else {
            linker.linker.instance(interface)
        };
        target.func_raw(name, None, body);
        Ok(())
    })
}

/// How the calling component encodes strings (`WEFT_STRING_*`).
///
/// # Safety
///
/// `call` is NULL or the live host call of a running callback.
#[no_mangle]
pub unsafe extern "C" fn weft_host_call_string_encoding(
    call: *mut weft_host_call_t,
) -> weft_string_encoding_t {
    // SAFETY: the caller's contract.
    match unsafe { call.as_mut() } {
        Some(host) => encoding(host.raw().encoding()),
        None => WEFT_STRING_UTF8,
    }
}

/// Whether the host function's parameters come through memory (past 16
/// flat values: read them at `weft_lift_area`).
///
/// # Safety
///
/// `call` is NULL or the live host call of a running callback.
#[no_mangle]
pub unsafe extern "C" fn weft_host_call_params_in_memory(call: *mut weft_host_call_t) -> bool {
    // SAFETY: the caller's contract.
    unsafe { call.as_mut() }.is_some_and(|h| h.raw().signature().params_in_memory)
}

/// Whether the host function's result goes through memory (past one flat
/// value: store it at `weft_lower_area`).
///
/// # Safety
///
/// `call` is NULL or the live host call of a running callback.
#[no_mangle]
pub unsafe extern "C" fn weft_host_call_result_in_memory(call: *mut weft_host_call_t) -> bool {
    // SAFETY: the caller's contract.
    unsafe { call.as_mut() }.is_some_and(|h| h.raw().signature().result_in_memory)
}

/// Drops an own resource the host holds, from inside a callback (where
/// the store is held by the call), running its destructor; deletes
/// `resource` in any case.
///
/// # Safety
///
/// `call` is the live host call of a running callback; `resource` live.
#[no_mangle]
pub unsafe extern "C" fn weft_host_call_drop_resource(
    call: *mut weft_host_call_t,
    resource: *mut weft_resource_t,
) -> *mut weft_error_t {
    guard(|| {
        if resource.is_null() {
            return Err(weft_error_t::invalid("resource is NULL"));
        }
        // SAFETY: made by this crate; deleted here.
        let resource = unsafe { Box::from_raw(resource) }.resource;
        // SAFETY: the caller's contract.
        let host = unsafe { get_mut(call, "call") }?;
        Ok(host.raw().store().drop_resource(resource)?)
    })
}

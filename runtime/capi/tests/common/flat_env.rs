//! The instance of `flat.wat` that the one-crossing tests (`flat.rs`,
//! `fused.rs`) call, with its host import `host-mix`.

// SAFETY (for every unsafe block in this file): each calls the C API with
// objects this file made and has not deleted: the header's contract.
#![allow(clippy::undocumented_unsafe_blocks)]

use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicU32, Ordering};

use weft_capi::*;

use super::{error, ok};

/// Returns early from a callback with the error of a C API call.
macro_rules! check {
    ($e:expr) => {{
        let err = $e;
        if !err.is_null() {
            return err;
        }
    }};
}

/// `host-mix(a: u32, b: s64, c: f32, d: f64) -> f64`: `a + b + c + d`,
/// with its arguments taken and its result pushed as flat slots; counts
/// its calls in `env`.
pub unsafe extern "C" fn mix(env: *mut c_void, call: *mut weft_host_call_t) -> *mut weft_error_t {
    unsafe {
        (*env.cast::<AtomicU32>()).fetch_add(1, Ordering::SeqCst);
        let args = weft_host_call_args(call);
        let mut slots = [0u64; 5];
        // More than there are: refused, and nothing is taken.
        let (kind, _, text) = error(weft_lift_take_flat(args, slots.as_mut_ptr(), 5));
        assert_eq!(kind, WEFT_ERROR_LIFT);
        assert!(text.contains("5 flat values asked for, 4 left"), "{text}");
        check!(weft_lift_take_flat(args, slots.as_mut_ptr(), 4));
        // All taken now.
        let mut rest = 0;
        assert_eq!(
            weft_error_kind_of(weft_lift_take_i32(args, &mut rest)),
            WEFT_ERROR_LIFT
        );
        let a = slots[0];
        assert!(
            a <= u64::from(u32::MAX),
            "an i32 slot is zero-extended: {a:#x}"
        );
        let b = slots[1] as i64;
        let c = f32::from_bits(slots[2] as u32);
        assert_eq!(slots[2] >> 32, 0, "an f32 slot has its bits low");
        let d = f64::from_bits(slots[3]);
        let sum = a as f64 + b as f64 + f64::from(c) + d;
        let results = weft_host_call_results(call);
        check!(weft_lower_push_flat(results, &sum.to_bits(), 1));
        // One more than the signature's one result.
        let (kind, _, _) = error(weft_lower_push_flat(results, &0, 1));
        assert_eq!(kind, WEFT_ERROR_LIFT);
        ptr::null_mut()
    }
}

/// The kind of an error that may be NULL (0), deleting it.
pub fn weft_error_kind_of(err: *mut weft_error_t) -> u32 {
    let kind = unsafe { weft_error_kind(err) };
    unsafe { weft_error_delete(err) };
    kind
}

pub unsafe extern "C" fn finalize(env: *mut c_void) {
    drop(unsafe { Box::from_raw(env.cast::<AtomicU32>()) });
}

/// An instance of the flat test component.
pub struct Env {
    pub engine: *mut weft_engine_t,
    pub component: *mut weft_component_t,
    pub linker: *mut weft_linker_t,
    pub store: *mut weft_store_t,
    pub instance: *mut weft_instance_t,
    pub mixes: *const AtomicU32,
}

impl Env {
    pub fn new() -> Env {
        let bytes = super::flat_component_bytes();
        unsafe {
            let mut engine = ptr::null_mut();
            ok(weft_engine_new(&mut engine));
            let mut component = ptr::null_mut();
            ok(weft_component_new(
                engine,
                bytes.as_ptr(),
                bytes.len(),
                &mut component,
            ));
            Env::instantiate(engine, component)
        }
    }

    /// An instance of `component` (the flat component, made for
    /// `engine`, compiled or loaded); the `Env` deletes both when dropped.
    pub fn instantiate(engine: *mut weft_engine_t, component: *mut weft_component_t) -> Env {
        unsafe {
            let mut linker = ptr::null_mut();
            ok(weft_linker_new(engine, &mut linker));
            let mixes = Box::into_raw(Box::new(AtomicU32::new(0)));
            let name = "host-mix";
            ok(weft_linker_define_func(
                linker,
                ptr::null(),
                0,
                name.as_ptr(),
                name.len(),
                Some(mix),
                mixes.cast(),
                Some(finalize),
            ));
            let mut store = ptr::null_mut();
            ok(weft_store_new(engine, &mut store));
            let mut instance = ptr::null_mut();
            ok(weft_linker_instantiate(
                linker,
                store,
                component,
                &mut instance,
            ));
            Env {
                engine,
                component,
                linker,
                store,
                instance,
                mixes,
            }
        }
    }

    pub fn func(&self, name: &str) -> Func {
        let mut func = ptr::null_mut();
        ok(unsafe {
            weft_instance_get_func(
                self.store,
                self.instance,
                name.as_ptr(),
                name.len(),
                &mut func,
            )
        });
        Func(func)
    }

    /// `weft_func_call_flat` of `name` with `args`, for `nresults`
    /// results.
    pub fn call_flat(
        &self,
        name: &str,
        args: &[u64],
        nresults: usize,
    ) -> Result<Vec<u64>, (u32, u32, String)> {
        let func = self.func(name);
        let mut results = vec![0u64; nresults];
        let err = unsafe {
            weft_func_call_flat(
                self.store,
                func.0,
                args.as_ptr(),
                args.len(),
                results.as_mut_ptr(),
                results.len(),
            )
        };
        if err.is_null() {
            Ok(results)
        } else {
            Err(error(err))
        }
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        unsafe {
            weft_instance_delete(self.instance);
            weft_store_delete(self.store);
            weft_linker_delete(self.linker);
            weft_component_delete(self.component);
            weft_engine_delete(self.engine);
        }
    }
}

/// A function handle, deleted when dropped.
pub struct Func(pub *mut weft_func_t);

impl Drop for Func {
    fn drop(&mut self) {
        unsafe { weft_func_delete(self.0) };
    }
}

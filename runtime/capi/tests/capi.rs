//! The C API called from Rust, function by function, on the WAT
//! component of `common/component.wat`: numbers, strings, lists, a record,
//! host imports through C callbacks, a resource, traps and misuse.

// SAFETY (for every unsafe block in this file): each calls the C API with
// objects this file made and has not deleted, and out-pointers to locals:
// the header's contract. One comment here rather than fifty.
#![allow(clippy::undocumented_unsafe_blocks)]

mod common;

use common::{error, message, ok};
use std::ffi::{c_void, CStr};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use weft_capi::*;

/// Returns early from a callback with the error of a C API call.
macro_rules! check {
    ($e:expr) => {{
        let err = $e;
        if !err.is_null() {
            return err;
        }
    }};
}

/// `host-decorate(s) -> string`: `<s>`.
unsafe extern "C" fn decorate(_env: *mut c_void, call: *mut weft_host_call_t) -> *mut weft_error_t {
    unsafe {
        assert_eq!(weft_host_call_string_encoding(call), WEFT_STRING_UTF8);
        assert!(weft_host_call_result_in_memory(call));
        assert!(!weft_host_call_params_in_memory(call));
        let args = weft_host_call_args(call);
        let (mut p, mut n) = (0, 0);
        check!(weft_lift_take_i32(args, &mut p));
        check!(weft_lift_take_i32(args, &mut n));
        let (mut data, mut len) = (ptr::null(), 0);
        check!(weft_lift_read_string(
            args, p as u32, n as u32, &mut data, &mut len
        ));
        let text = std::str::from_utf8(std::slice::from_raw_parts(data.cast::<u8>(), len)).unwrap();
        let decorated = format!("<{text}>");
        let results = weft_host_call_results(call);
        let (mut at, mut ptr_, mut word) = (0, 0, 0);
        check!(weft_lower_store_string(
            results,
            decorated.as_ptr(),
            decorated.len(),
            &mut ptr_,
            &mut word
        ));
        check!(weft_lower_area(results, &mut at));
        check!(weft_lower_write_i32(results, at, ptr_ as i32));
        check!(weft_lower_write_i32(results, at + 4, word as i32));
        ptr::null_mut()
    }
}

/// `host-double(x) -> u32`: `2 * x`, counting calls in `env`; 13 is an
/// error.
unsafe extern "C" fn double(env: *mut c_void, call: *mut weft_host_call_t) -> *mut weft_error_t {
    unsafe {
        (*env.cast::<AtomicU32>()).fetch_add(1, Ordering::SeqCst);
        let mut x = 0;
        check!(weft_lift_take_i32(weft_host_call_args(call), &mut x));
        if x == 13 {
            let text = "unlucky number";
            return weft_error_new(text.as_ptr(), text.len());
        }
        check!(weft_lower_push_i32(weft_host_call_results(call), x * 2));
        ptr::null_mut()
    }
}

static FINALIZED: AtomicBool = AtomicBool::new(false);

unsafe extern "C" fn finalize(env: *mut c_void) {
    drop(unsafe { Box::from_raw(env.cast::<AtomicU32>()) });
    FINALIZED.store(true, Ordering::SeqCst);
}

/// An instance of the test component, with what it was made of.
struct Env {
    engine: *mut weft_engine_t,
    component: *mut weft_component_t,
    linker: *mut weft_linker_t,
    store: *mut weft_store_t,
    instance: *mut weft_instance_t,
    doubles: *const AtomicU32,
}

impl Env {
    fn new() -> Env {
        let bytes = common::component_bytes();
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
            let mut linker = ptr::null_mut();
            ok(weft_linker_new(engine, &mut linker));
            let name = "host-decorate";
            ok(weft_linker_define_func(
                linker,
                ptr::null(),
                0,
                name.as_ptr(),
                name.len(),
                Some(decorate),
                ptr::null_mut(),
                None,
            ));
            let doubles = Box::into_raw(Box::new(AtomicU32::new(0)));
            let name = "host-double";
            ok(weft_linker_define_func(
                linker,
                ptr::null(),
                0,
                name.as_ptr(),
                name.len(),
                Some(double),
                doubles.cast(),
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
                doubles,
            }
        }
    }

    fn func(&self, name: &str) -> *mut weft_func_t {
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
        func
    }

    /// Calls `name`: `lower` lowers the arguments, `lift` lifts the
    /// result, then the call is finished.
    fn call<R>(
        &self,
        name: &str,
        lower: impl FnOnce(*mut weft_lower_t),
        lift: impl FnOnce(*mut weft_lift_t) -> R,
    ) -> Result<R, (u32, u32, String)> {
        let func = self.func(name);
        let mut call = ptr::null_mut();
        unsafe {
            ok(weft_call_begin(self.store, func, &mut call));
            lower(weft_call_args(call));
            let err = weft_call_invoke(call);
            if !err.is_null() {
                ok(weft_call_discard(call));
                // The function outlives its calls (weft.h).
                weft_func_delete(func);
                return Err(error(err));
            }
            let result = lift(weft_call_results(call));
            let err = weft_call_finish(call);
            weft_func_delete(func);
            if err.is_null() {
                Ok(result)
            } else {
                Err(error(err))
            }
        }
    }

    fn u32_call(&self, name: &str, args: &[i32]) -> Result<i32, (u32, u32, String)> {
        self.call(
            name,
            |lower| {
                args.iter()
                    .for_each(|a| ok(unsafe { weft_lower_push_i32(lower, *a) }))
            },
            |lift| {
                let mut out = 0;
                ok(unsafe { weft_lift_take_i32(lift, &mut out) });
                out
            },
        )
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

/// Lowers `text` as a string's two flat values.
fn push_string(lower: *mut weft_lower_t, text: &[u8]) -> *mut weft_error_t {
    let (mut p, mut n) = (0, 0);
    unsafe {
        let err = weft_lower_store_string(lower, text.as_ptr(), text.len(), &mut p, &mut n);
        if !err.is_null() {
            return err;
        }
        ok(weft_lower_push_i32(lower, p as i32));
        ok(weft_lower_push_i32(lower, n as i32));
    }
    ptr::null_mut()
}

/// Lifts a string returned through memory.
fn lift_string(lift: *mut weft_lift_t) -> Result<String, (u32, u32, String)> {
    let (mut at, mut p, mut n) = (0, 0, 0);
    unsafe {
        ok(weft_lift_area(lift, &mut at));
        ok(weft_lift_read_i32(lift, at, &mut p));
        ok(weft_lift_read_i32(lift, at + 4, &mut n));
        let (mut data, mut len) = (ptr::null(), 0);
        let err = weft_lift_read_string(lift, p as u32, n as u32, &mut data, &mut len);
        if !err.is_null() {
            return Err(error(err));
        }
        let bytes = std::slice::from_raw_parts(data.cast::<u8>(), len);
        Ok(String::from_utf8(bytes.to_vec()).unwrap())
    }
}

#[test]
fn numbers_and_the_core_signature() {
    let env = Env::new();
    assert_eq!(env.u32_call("add", &[2, 40]), Ok(42));
    let func = env.func("add");
    unsafe {
        assert_eq!(weft_func_param_count(func), 2);
        assert_eq!(weft_func_param_kind(func, 0), WEFT_I32);
        assert_eq!(weft_func_param_kind(func, 2), u32::MAX);
        assert_eq!(weft_func_result_count(func), 1);
        assert_eq!(weft_func_result_kind(func, 0), WEFT_I32);
        assert!(!weft_func_params_in_memory(func));
        assert!(!weft_func_result_in_memory(func));
        assert_eq!(weft_func_string_encoding(func), WEFT_STRING_UTF8);
        weft_func_delete(func);
    }
    let reverse = env.func("reverse");
    unsafe {
        assert!(weft_func_result_in_memory(reverse));
        assert_eq!(weft_func_result_count(reverse), 1);
        weft_func_delete(reverse);
    }
}

#[test]
fn export_names() {
    let env = Env::new();
    let names =
        |count: usize, name: &dyn Fn(usize, *mut *const u8, *mut usize) -> *mut weft_error_t| {
            (0..count)
                .map(|i| {
                    let (mut data, mut len) = (ptr::null(), 0);
                    ok(name(i, &mut data, &mut len));
                    let bytes = unsafe { std::slice::from_raw_parts(data, len) };
                    String::from_utf8(bytes.to_vec()).unwrap()
                })
                .collect::<Vec<_>>()
        };
    let exports = names(
        unsafe { weft_component_export_count(env.component) },
        &|i, d, l| unsafe { weft_component_export_name(env.component, i, d, l) },
    );
    assert!(exports.contains(&"add".to_string()), "{exports:?}");
    assert!(exports.contains(&"counter".to_string()), "{exports:?}");
    let imports = names(
        unsafe { weft_component_import_count(env.component) },
        &|i, d, l| unsafe { weft_component_import_name(env.component, i, d, l) },
    );
    assert_eq!(imports, ["host-decorate", "host-double"]);
    let funcs = names(
        unsafe { weft_instance_export_count(env.instance) },
        &|i, d, l| unsafe { weft_instance_export_name(env.instance, i, d, l) },
    );
    assert!(funcs.contains(&"reverse".to_string()), "{funcs:?}");
    let (mut data, mut len) = (ptr::null(), 0);
    let (kind, _, _) =
        error(unsafe { weft_component_export_name(env.component, 999, &mut data, &mut len) });
    assert_eq!(kind, WEFT_ERROR_NOT_FOUND);
    let mut func = ptr::null_mut();
    let name = "nope";
    let (kind, _, text) = error(unsafe {
        weft_instance_get_func(
            env.store,
            env.instance,
            name.as_ptr(),
            name.len(),
            &mut func,
        )
    });
    assert_eq!(kind, WEFT_ERROR_NOT_FOUND);
    assert!(text.contains("nope"), "{text}");
}

#[test]
fn strings_round_trip_and_post_return_runs() {
    let env = Env::new();
    let reversed = env
        .call(
            "reverse",
            |lower| ok(push_string(lower, b"hello, world")),
            lift_string,
        )
        .unwrap();
    assert_eq!(reversed, Ok("dlrow ,olleh".to_string()));
    assert_eq!(env.u32_call("posts", &[]), Ok(1));
}

#[test]
fn invalid_utf8_from_the_guest_is_a_lift_error() {
    let env = Env::new();
    // "ö" reversed byte by byte is not UTF-8.
    let outcome = env.call(
        "reverse",
        |lower| ok(push_string(lower, "ö".as_bytes())),
        lift_string,
    );
    // The failed lift leaves the call unfinishable: finish discards it and
    // says so; the lift's own error came first.
    let (kind, _, text) = outcome.unwrap_err();
    assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT, "{text}");
    assert!(text.contains("failed"), "{text}");
    // post-return ran all the same, and the instance is usable.
    assert_eq!(env.u32_call("posts", &[]), Ok(1));
}

#[test]
fn the_lift_error_names_the_string() {
    let env = Env::new();
    let func = env.func("reverse");
    let mut call = ptr::null_mut();
    unsafe {
        ok(weft_call_begin(env.store, func, &mut call));
        ok(push_string(weft_call_args(call), "ö".as_bytes()));
        ok(weft_call_invoke(call));
        let (kind, trap, text) = lift_string(weft_call_results(call)).unwrap_err();
        assert_eq!((kind, trap), (WEFT_ERROR_LIFT, WEFT_TRAP_NONE));
        assert!(text.contains("invalid utf-8"), "{text}");
        ok(weft_call_discard(call));
        weft_func_delete(func);
    }
}

#[test]
fn invalid_utf8_input_is_refused_before_the_call() {
    let env = Env::new();
    let func = env.func("reverse");
    let mut call = ptr::null_mut();
    unsafe {
        ok(weft_call_begin(env.store, func, &mut call));
        let (kind, _, text) = error(push_string(weft_call_args(call), b"\xff\xfe"));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        assert!(text.contains("not valid UTF-8"), "{text}");
        // Not a failure of the call: lowering may go on.
        ok(push_string(weft_call_args(call), b"ok"));
        ok(weft_call_discard(call));
        weft_func_delete(func);
    }
    assert_eq!(env.u32_call("posts", &[]), Ok(0), "the call was never made");
}

#[test]
fn lists_both_ways() {
    let env = Env::new();
    let values: [u32; 4] = [1, 2, 3, 40];
    let sum = env.call(
        "sum",
        |lower| unsafe {
            let mut at = 0;
            ok(weft_lower_realloc(lower, 16, 4, &mut at));
            let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
            ok(weft_lower_write_bytes(
                lower,
                at,
                bytes.as_ptr(),
                bytes.len(),
            ));
            ok(weft_lower_push_i32(lower, at as i32));
            ok(weft_lower_push_i32(lower, values.len() as i32));
        },
        |lift| {
            let mut out = 0;
            ok(unsafe { weft_lift_take_i32(lift, &mut out) });
            out
        },
    );
    assert_eq!(sum, Ok(46));

    let range = env.call(
        "range",
        |lower| ok(unsafe { weft_lower_push_i32(lower, 5) }),
        |lift| unsafe {
            let (mut at, mut p, mut n) = (0, 0, 0);
            ok(weft_lift_area(lift, &mut at));
            ok(weft_lift_read_i32(lift, at, &mut p));
            ok(weft_lift_read_i32(lift, at + 4, &mut n));
            let mut data = ptr::null();
            ok(weft_lift_read_bytes(
                lift,
                p as u32,
                n as u32 * 4,
                &mut data,
            ));
            let bytes = std::slice::from_raw_parts(data, n as usize * 4);
            // Bulk access agrees.
            let (mut base, mut len) = (ptr::null(), 0);
            ok(weft_lift_memory(lift, &mut base, &mut len));
            assert_eq!(base.add(p as usize), data);
            assert!(len >= 65536);
            // Out of bounds is refused, naming the address.
            let mut none = ptr::null();
            let (kind, _, text) = error(weft_lift_read_bytes(lift, 65530, 16, &mut none));
            assert_eq!(kind, WEFT_ERROR_LIFT);
            assert!(text.contains("0xfffa"), "{text}");
            bytes
                .chunks(4)
                .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
                .collect::<Vec<_>>()
        },
    );
    // The failed read above marks the call failed: finish refuses.
    let (kind, _, _) = range.unwrap_err();
    assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
}

#[test]
fn a_list_result() {
    let env = Env::new();
    let range = env.call(
        "range",
        |lower| ok(unsafe { weft_lower_push_i32(lower, 5) }),
        |lift| unsafe {
            let (mut at, mut p, mut n) = (0, 0, 0);
            ok(weft_lift_area(lift, &mut at));
            ok(weft_lift_read_i32(lift, at, &mut p));
            ok(weft_lift_read_i32(lift, at + 4, &mut n));
            (0..n)
                .map(|i| {
                    let mut v = 0;
                    ok(weft_lift_read_i32(lift, p as u32 + 4 * i as u32, &mut v));
                    v
                })
                .collect::<Vec<_>>()
        },
    );
    assert_eq!(range, Ok(vec![0, 1, 2, 3, 4]));
}

#[test]
fn a_record() {
    let env = Env::new();
    let swapped = env.call(
        "swap",
        |lower| unsafe {
            ok(weft_lower_push_i32(lower, 1));
            ok(weft_lower_push_i32(lower, -2));
            // One more than the signature's two.
            let (kind, _, _) = error(weft_lower_push_i32(lower, 3));
            assert_eq!(kind, WEFT_ERROR_LIFT);
        },
        |lift| unsafe {
            let (mut at, mut x, mut y) = (0, 0, 0);
            ok(weft_lift_area(lift, &mut at));
            ok(weft_lift_read_i32(lift, at, &mut x));
            ok(weft_lift_read_i32(lift, at + 4, &mut y));
            (x, y)
        },
    );
    // The extra push failed, so the call is failed: invoke refuses.
    let (kind, _, _) = swapped.unwrap_err();
    assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);

    let swapped = env.call(
        "swap",
        |lower| unsafe {
            ok(weft_lower_push_i32(lower, 1));
            ok(weft_lower_push_i32(lower, -2));
        },
        |lift| unsafe {
            let (mut at, mut x, mut y) = (0, 0, 0);
            ok(weft_lift_area(lift, &mut at));
            ok(weft_lift_read_i32(lift, at, &mut x));
            ok(weft_lift_read_i32(lift, at + 4, &mut y));
            (x, y)
        },
    );
    assert_eq!(swapped, Ok((-2, 1)));
}

#[test]
fn host_imports_through_c_callbacks() {
    let env = Env::new();
    let greeting = env
        .call("greet", |lower| ok(push_string(lower, b"ada")), lift_string)
        .unwrap();
    assert_eq!(greeting, Ok("<ada>".to_string()));
    assert_eq!(env.u32_call("quadruple", &[5]), Ok(20));
    assert_eq!(unsafe { (*env.doubles).load(Ordering::SeqCst) }, 2);
    // The host's error traps the caller.
    let (kind, trap, text) = env.u32_call("quadruple", &[13]).unwrap_err();
    assert_eq!((kind, trap), (WEFT_ERROR_TRAP, WEFT_TRAP_HOST));
    assert!(text.contains("unlucky number"), "{text}");
    // The instance is usable afterwards.
    assert_eq!(env.u32_call("quadruple", &[1]), Ok(4));
}

#[test]
fn the_finalizer_runs_when_nothing_uses_the_callback() {
    FINALIZED.store(false, Ordering::SeqCst);
    let env = Env::new();
    assert_eq!(env.u32_call("quadruple", &[1]), Ok(4));
    unsafe {
        weft_linker_delete(env.linker);
        assert_eq!(
            env.u32_call("quadruple", &[2]),
            Ok(8),
            "the instance keeps it"
        );
    }
    let Env {
        store,
        instance,
        component,
        engine,
        ..
    } = env;
    std::mem::forget(env);
    // Other tests may run the finalizer of their own Env: only `true`
    // after this store's deletion is checked.
    unsafe {
        weft_instance_delete(instance);
        weft_store_delete(store);
        weft_component_delete(component);
        weft_engine_delete(engine);
    }
    assert!(FINALIZED.load(Ordering::SeqCst));
}

#[test]
fn traps_have_a_kind_a_message_and_a_backtrace() {
    let env = Env::new();
    let func = env.func("boom");
    let mut call = ptr::null_mut();
    unsafe {
        ok(weft_call_begin(env.store, func, &mut call));
        let err = weft_call_invoke(call);
        assert_eq!(weft_error_kind(err), WEFT_ERROR_TRAP);
        assert_eq!(weft_error_trap_kind(err), WEFT_TRAP_UNREACHABLE);
        assert_eq!(message(err), "unreachable");
        let backtrace = CStr::from_ptr(weft_error_backtrace(err))
            .to_string_lossy()
            .into_owned();
        assert!(backtrace.contains("0:"), "{backtrace}");
        weft_error_delete(err);
        // After a failed invoke only ending is left.
        let mut out = 0;
        let (kind, _, _) = error(weft_lift_take_i32(weft_call_results(call), &mut out));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        ok(weft_call_discard(call));
        weft_func_delete(func);
    }
    assert_eq!(env.u32_call("add", &[1, 1]), Ok(2));
}

#[test]
fn a_resource_own_and_borrow() {
    let env = Env::new();
    let make = env.func("make");
    let counter = unsafe {
        let mut call = ptr::null_mut();
        ok(weft_call_begin(env.store, make, &mut call));
        ok(weft_lower_push_i32(weft_call_args(call), 7));
        ok(weft_call_invoke(call));
        let lift = weft_call_results(call);
        let mut handle = 0;
        ok(weft_lift_take_i32(lift, &mut handle));
        let mut resource = ptr::null_mut();
        ok(weft_lift_own(lift, 0, handle as u32, &mut resource));
        ok(weft_call_finish(call));
        resource
    };
    unsafe {
        assert_eq!(weft_resource_rep(counter), 7);
        // Its type is the exported one, and the function's slot 0.
        let (mut exported, mut of_func, mut of_resource) =
            (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
        let name = "counter";
        ok(weft_instance_get_resource_type(
            env.store,
            env.instance,
            name.as_ptr(),
            name.len(),
            &mut exported,
        ));
        ok(weft_func_resource_type(make, 0, &mut of_func));
        ok(weft_resource_type(counter, &mut of_resource));
        assert!(weft_resource_type_equal(exported, of_func));
        assert!(weft_resource_type_equal(exported, of_resource));
        let mut none = ptr::null_mut();
        let (kind, _, _) = error(weft_func_resource_type(make, 1, &mut none));
        assert_eq!(kind, WEFT_ERROR_NOT_FOUND);
        for ty in [exported, of_func, of_resource] {
            weft_resource_type_delete(ty);
        }
        weft_func_delete(make);
    }
    let value = env.call(
        "value",
        |lower| unsafe {
            let mut handle = 0;
            ok(weft_lower_borrow(lower, 0, counter, &mut handle));
            ok(weft_lower_push_i32(lower, handle as i32));
        },
        |lift| {
            let mut out = 0;
            ok(unsafe { weft_lift_take_i32(lift, &mut out) });
            out
        },
    );
    assert_eq!(value, Ok(7));
    assert_eq!(env.u32_call("drops", &[]), Ok(0));
    ok(unsafe { weft_resource_drop(env.store, counter) });
    assert_eq!(env.u32_call("drops", &[]), Ok(1));
}

#[test]
fn an_own_result_of_a_discarded_call_is_dropped() {
    let env = Env::new();
    let make = env.func("make");
    unsafe {
        let mut call = ptr::null_mut();
        ok(weft_call_begin(env.store, make, &mut call));
        ok(weft_lower_push_i32(weft_call_args(call), 9));
        ok(weft_call_invoke(call));
        let lift = weft_call_results(call);
        let mut handle = 0;
        ok(weft_lift_take_i32(lift, &mut handle));
        let mut resource = ptr::null_mut();
        ok(weft_lift_own(lift, 0, handle as u32, &mut resource));
        ok(weft_call_discard(call));
        weft_resource_delete(resource);
        weft_func_delete(make);
    }
    assert_eq!(env.u32_call("drops", &[]), Ok(1));
}

#[test]
fn misuse_is_an_error_never_a_crash() {
    let env = Env::new();
    let add = env.func("add");
    unsafe {
        let mut call = ptr::null_mut();
        // NULL pointers.
        let (kind, _, _) = error(weft_call_begin(ptr::null_mut(), add, &mut call));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        let (kind, _, _) = error(weft_call_begin(env.store, ptr::null(), &mut call));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        let (kind, _, _) = error(weft_call_begin(env.store, add, ptr::null_mut()));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        let (kind, _, _) = error(weft_lower_push_i32(ptr::null_mut(), 1));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        let (kind, _, _) = error(weft_call_invoke(ptr::null_mut()));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        let mut engine = ptr::null_mut();
        ok(weft_engine_new(&mut engine));
        let mut component = ptr::null_mut();
        let (kind, _, text) = error(weft_component_new(
            engine,
            b"\0asm".as_ptr(),
            4,
            &mut component,
        ));
        assert_eq!(kind, WEFT_ERROR_COMPILE, "{text}");
        weft_engine_delete(engine);

        ok(weft_call_begin(env.store, add, &mut call));
        // The store is held by the call.
        let mut other = ptr::null_mut();
        let (kind, _, text) = error(weft_call_begin(env.store, add, &mut other));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        assert!(text.contains("in use"), "{text}");
        // Lifting before the call.
        let mut out = 0;
        let (kind, _, _) = error(weft_lift_take_i32(weft_call_results(call), &mut out));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        // Invoking with arguments missing breaks the signature.
        ok(weft_lower_push_i32(weft_call_args(call), 1));
        let (kind, _, text) = error(weft_call_invoke(call));
        assert_eq!(kind, WEFT_ERROR_TRAP, "{text}");
        ok(weft_call_discard(call));

        // Finishing before invoking discards, with an error.
        ok(weft_call_begin(env.store, add, &mut call));
        let (kind, _, _) = error(weft_call_finish(call));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        weft_func_delete(add);
        // Deleting NULL does nothing.
        weft_func_delete(ptr::null_mut());
        weft_error_delete(ptr::null_mut());
        ok(weft_call_discard(ptr::null_mut()));
    }
    // The store is free again.
    assert_eq!(env.u32_call("add", &[1, 2]), Ok(3));
}

#[test]
fn a_missing_import_is_a_link_error() {
    let bytes = common::component_bytes();
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
        let mut linker = ptr::null_mut();
        ok(weft_linker_new(engine, &mut linker));
        let mut store = ptr::null_mut();
        ok(weft_store_new(engine, &mut store));
        let mut instance = ptr::null_mut();
        let (kind, _, text) = error(weft_linker_instantiate(
            linker,
            store,
            component,
            &mut instance,
        ));
        assert_eq!(kind, WEFT_ERROR_LINK, "{text}");
        assert!(text.contains("host-decorate"), "{text}");
        weft_store_delete(store);
        weft_linker_delete(linker);
        weft_component_delete(component);
        weft_engine_delete(engine);
    }
}

#[test]
fn call_flat_refuses_resource_handles() {
    let env = Env::new();
    // A handle is moved with weft_lower_own/borrow and weft_lift_own,
    // never as bare bits: an own result would stay in the component's
    // table, a borrow would not be lent.
    for (name, args) in [("make", &[7u64][..]), ("value", &[0u64][..])] {
        let func = env.func(name);
        let mut out = 0u64;
        let (kind, _, text) = error(unsafe {
            weft_func_call_flat(env.store, func, args.as_ptr(), args.len(), &mut out, 1)
        });
        assert_eq!(kind, WEFT_ERROR_TYPE, "{name}");
        assert!(text.contains("resource handles"), "{text}");
        unsafe { weft_func_delete(func) };
    }
    assert_eq!(env.u32_call("drops", &[]), Ok(0));
    let add = env.func("add");
    let mut out = 0u64;
    ok(unsafe { weft_func_call_flat(env.store, add, [3u64, 4].as_ptr(), 2, &mut out, 1) });
    assert_eq!(out, 7);
    unsafe { weft_func_delete(add) };
}

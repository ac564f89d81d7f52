//! The one-crossing paths of the C API, called from Rust on the WAT
//! component of `common/flat.wat`: `weft_func_call_flat` on every core
//! type, wrong counts, a trap and a stack overflow; `weft_lower_alloc` and
//! `weft_call_invoke_flat` with a string both ways and parameters in
//! memory; `weft_lower_push_flat`/`weft_lift_take_flat` in a staged call
//! and in a host callback; and the steps of one call on different threads.
//! The calls that fuse several steps are in `fused.rs`; the instance both
//! use is `common/flat_env.rs`.

// SAFETY (for every unsafe block in this file): each calls the C API with
// objects this file made and has not deleted, and pointers to locals or
// to guest memory the API gave, within the bounds it gave: the header's
// contract.
#![allow(clippy::undocumented_unsafe_blocks)]

mod common;

use common::flat_env::Env;
use common::{error, ok};

use std::ptr;
use std::sync::atomic::Ordering;

use weft_capi::*;

#[test]
fn call_flat_on_every_core_type() {
    let env = Env::new();
    // No values at all: NULL pointers are fine.
    let noop = env.func("noop");
    ok(unsafe { weft_func_call_flat(env.store, noop.0, ptr::null(), 0, ptr::null_mut(), 0) });
    assert_eq!(env.call_flat("add", &[2, 40], 1), Ok(vec![42]));
    // An i32 slot's high bits are ignored on the way in; the result is
    // zero-extended on the way out.
    assert_eq!(
        env.call_flat("add", &[0xdead_beef_0000_0002, 40], 1),
        Ok(vec![42])
    );
    assert_eq!(
        env.call_flat("negate", &[5], 1),
        Ok(vec![u64::from((-5i32) as u32)])
    );
    assert_eq!(
        env.call_flat("wide", &[u64::MAX - 1], 1),
        Ok(vec![u64::MAX])
    );
    let scaled = env
        .call_flat(
            "scale",
            &[
                u64::from(1.5f32.to_bits()),
                2.25f64.to_bits(),
                (-4i64) as u64,
            ],
            1,
        )
        .unwrap();
    assert_eq!(f64::from_bits(scaled[0]), -15.0);
    // NaNs are made canonical on the way in...
    assert_eq!(
        env.call_flat("f32-bits", &[0x7fa0_0001], 1),
        Ok(vec![0x7fc0_0000])
    );
    assert_eq!(
        env.call_flat("f32-bits", &[u64::from(1.0f32.to_bits())], 1),
        Ok(vec![u64::from(1.0f32.to_bits())])
    );
    // ...and on the way out.
    assert_eq!(
        env.call_flat("f64-nan", &[], 1),
        Ok(vec![0x7ff8_0000_0000_0000])
    );
    // Post-return runs: each call sees the ones before it.
    for n in 0..3 {
        assert_eq!(env.call_flat("counted", &[], 1), Ok(vec![n]));
    }
    // A host function underneath (its callback takes and pushes flat).
    let mixed = env
        .call_flat(
            "mix",
            &[
                7,
                (-3i64) as u64,
                u64::from(0.5f32.to_bits()),
                0.25f64.to_bits(),
            ],
            1,
        )
        .unwrap();
    assert_eq!(f64::from_bits(mixed[0]), 4.75);
    assert_eq!(unsafe { (*env.mixes).load(Ordering::SeqCst) }, 1);
}

#[test]
fn call_flat_refuses_wrong_counts() {
    let env = Env::new();
    let (kind, _, text) = env.call_flat("add", &[1], 1).unwrap_err();
    assert_eq!(kind, WEFT_ERROR_TYPE);
    assert!(
        text.contains("takes 2 flat parameters and has 1 flat results; 1 and 1 given"),
        "{text}"
    );
    let (kind, _, text) = env.call_flat("add", &[1, 2], 0).unwrap_err();
    assert_eq!(kind, WEFT_ERROR_TYPE);
    assert!(text.contains("2 and 0 given"), "{text}");
    let (kind, _, _) = env.call_flat("noop", &[1], 0).unwrap_err();
    assert_eq!(kind, WEFT_ERROR_TYPE);
    // Values in memory are not for this path.
    let (kind, _, text) = env.call_flat("upper", &[0, 0], 1).unwrap_err();
    assert_eq!(kind, WEFT_ERROR_TYPE);
    assert!(text.contains("result in memory"), "{text}");
    let (kind, _, text) = env.call_flat("sum17", &[0], 1).unwrap_err();
    assert_eq!(kind, WEFT_ERROR_TYPE);
    assert!(text.contains("parameters in memory"), "{text}");
    // NULL where values are expected; NULL objects.
    let add = env.func("add");
    unsafe {
        let mut out = 0u64;
        let (kind, _, _) = error(weft_func_call_flat(
            env.store,
            add.0,
            ptr::null(),
            2,
            &mut out,
            1,
        ));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        let args = [1u64, 2];
        let (kind, _, _) = error(weft_func_call_flat(
            env.store,
            add.0,
            args.as_ptr(),
            2,
            ptr::null_mut(),
            1,
        ));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        let (kind, _, _) = error(weft_func_call_flat(
            ptr::null_mut(),
            add.0,
            args.as_ptr(),
            2,
            &mut out,
            1,
        ));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        let (kind, _, _) = error(weft_func_call_flat(
            env.store,
            ptr::null(),
            args.as_ptr(),
            2,
            &mut out,
            1,
        ));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        // A store held by a staged call.
        let mut call = ptr::null_mut();
        ok(weft_call_begin(env.store, add.0, &mut call));
        let (kind, _, text) = error(weft_func_call_flat(
            env.store,
            add.0,
            args.as_ptr(),
            2,
            &mut out,
            1,
        ));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        assert!(text.contains("in use"), "{text}");
        ok(weft_call_discard(call));
    }
    // Nothing was called; the store is free.
    assert_eq!(env.call_flat("counted", &[], 1), Ok(vec![0]));
    assert_eq!(env.call_flat("add", &[1, 2], 1), Ok(vec![3]));
}

#[test]
fn a_trap_in_call_flat_leaves_the_store_usable() {
    let env = Env::new();
    let divide = env.func("divide");
    let args = [7u64, 0];
    let mut out = 99u64;
    let (kind, trap, text) =
        error(unsafe { weft_func_call_flat(env.store, divide.0, args.as_ptr(), 2, &mut out, 1) });
    assert_eq!(
        (kind, trap),
        (WEFT_ERROR_TRAP, WEFT_TRAP_INTEGER_DIVISION_BY_ZERO),
        "{text}"
    );
    assert_eq!(out, 99, "results are written only on success");
    // The store and the instance are usable again, staged or not.
    assert_eq!(env.call_flat("divide", &[7, 2], 1), Ok(vec![3]));
    let mut call = ptr::null_mut();
    unsafe {
        ok(weft_call_begin(env.store, divide.0, &mut call));
        ok(weft_lower_push_flat(
            weft_call_args(call),
            [9u64, 3].as_ptr(),
            2,
        ));
        ok(weft_call_invoke(call));
        let mut result = 0u64;
        ok(weft_lift_take_flat(weft_call_results(call), &mut result, 1));
        assert_eq!(result, 3);
        ok(weft_call_finish(call));
    }
    // A stack overflow is a trap of its own kind, and harmless too.
    let (kind, trap, _) = env.call_flat("recurse", &[0], 1).unwrap_err();
    assert_eq!((kind, trap), (WEFT_ERROR_TRAP, WEFT_TRAP_STACK_OVERFLOW));
    assert_eq!(env.call_flat("add", &[20, 22], 1), Ok(vec![42]));
}

/// Calls `upper` on `text` with `weft_lower_alloc` and
/// `weft_call_invoke_flat`, reading the result through the memory
/// returned; checks it against `weft_lift_area` and
/// `weft_lift_read_string`.
fn upper(env: &Env, text: &[u8]) -> String {
    let func = env.func("upper");
    unsafe {
        let mut call = ptr::null_mut();
        ok(weft_call_begin(env.store, func.0, &mut call));
        let args = weft_call_args(call);
        let (mut at, mut mem, mut mem_len) = (0u32, ptr::null_mut(), 0usize);
        ok(weft_lower_alloc(
            args,
            text.len() as u32,
            1,
            &mut at,
            &mut mem,
            &mut mem_len,
        ));
        assert!(!mem.is_null());
        assert!(at as usize + text.len() <= mem_len);
        ptr::copy_nonoverlapping(text.as_ptr(), mem.add(at as usize), text.len());
        let flat = [u64::from(at), text.len() as u64];
        let mut result = 0u64;
        let (mut base, mut len) = (ptr::null(), 0usize);
        ok(weft_call_invoke_flat(
            call,
            flat.as_ptr(),
            2,
            &mut result,
            1,
            &mut base,
            &mut len,
        ));
        // The result's address, checked, as weft_lift_area has it.
        let lift = weft_call_results(call);
        let mut area = 0u32;
        ok(weft_lift_area(lift, &mut area));
        assert_eq!(result, u64::from(area));
        // Read it through the memory given.
        assert!(!base.is_null());
        let memory = std::slice::from_raw_parts(base, len);
        let word = |at: usize| u32::from_le_bytes(memory[at..at + 4].try_into().unwrap());
        let (p, n) = (word(area as usize), word(area as usize + 4));
        let bytes = memory[p as usize..(p + n) as usize].to_vec();
        // The same as weft_lift_read_string, which validates it.
        let (mut data, mut data_len) = (ptr::null(), 0);
        ok(weft_lift_read_string(lift, p, n, &mut data, &mut data_len));
        assert_eq!(
            std::slice::from_raw_parts(data.cast::<u8>(), data_len),
            &bytes[..]
        );
        ok(weft_call_finish(call));
        String::from_utf8(bytes).unwrap()
    }
}

#[test]
fn invoke_flat_with_a_string_both_ways() {
    let env = Env::new();
    assert_eq!(upper(&env, b"hello, weft"), "HELLO, WEFT");
    assert_eq!(upper(&env, b""), "");
    // post-return ran for both.
    assert_eq!(env.call_flat("counted", &[], 1), Ok(vec![2]));
    // A block past the end of memory: the allocation grows it, and the
    // length given is the grown one.
    let big = vec![b'a'; 100_000];
    assert_eq!(upper(&env, &big), "A".repeat(100_000));
}

#[test]
fn invoke_flat_counts_and_flat_results() {
    let env = Env::new();
    let add = env.func("add");
    unsafe {
        // A flat result; `add` is lifted without memory: NULL and 0.
        let mut call = ptr::null_mut();
        ok(weft_call_begin(env.store, add.0, &mut call));
        let mut result = 0u64;
        let (mut base, mut len) = (ptr::NonNull::<u8>::dangling().as_ptr().cast_const(), 1usize);
        ok(weft_call_invoke_flat(
            call,
            [40u64, 2].as_ptr(),
            2,
            &mut result,
            1,
            &mut base,
            &mut len,
        ));
        assert_eq!((result, base, len), (42, ptr::null(), 0));
        // The flat result was taken.
        let mut again = 0u64;
        let (kind, _, _) = error(weft_lift_take_flat(weft_call_results(call), &mut again, 1));
        assert_eq!(kind, WEFT_ERROR_LIFT);
        ok(weft_call_discard(call));

        // Some arguments pushed before: the rest go with invoke_flat; the
        // memory pointers may be NULL.
        ok(weft_call_begin(env.store, add.0, &mut call));
        ok(weft_lower_push_i32(weft_call_args(call), 30));
        // Both counts are checked before anything is pushed.
        let (kind, _, text) = error(weft_call_invoke_flat(
            call,
            [1u64, 2].as_ptr(),
            2,
            &mut result,
            1,
            ptr::null_mut(),
            ptr::null_mut(),
        ));
        assert_eq!(kind, WEFT_ERROR_TYPE);
        assert!(
            text.contains("takes 1 more flat parameters (1 were pushed already), 2 given"),
            "{text}"
        );
        let (kind, _, text) = error(weft_call_invoke_flat(
            call,
            [12u64].as_ptr(),
            1,
            ptr::null_mut(),
            0,
            ptr::null_mut(),
            ptr::null_mut(),
        ));
        assert_eq!(kind, WEFT_ERROR_TYPE);
        assert!(text.contains("1 core results, room for 0 given"), "{text}");
        ok(weft_call_invoke_flat(
            call,
            [12u64].as_ptr(),
            1,
            &mut result,
            1,
            ptr::null_mut(),
            ptr::null_mut(),
        ));
        assert_eq!(result, 42);
        ok(weft_call_finish(call));

        // A trap ends the call as weft_call_invoke's does.
        let divide = env.func("divide");
        ok(weft_call_begin(env.store, divide.0, &mut call));
        let (kind, trap, _) = error(weft_call_invoke_flat(
            call,
            [1u64, 0].as_ptr(),
            2,
            &mut result,
            1,
            ptr::null_mut(),
            ptr::null_mut(),
        ));
        assert_eq!(
            (kind, trap),
            (WEFT_ERROR_TRAP, WEFT_TRAP_INTEGER_DIVISION_BY_ZERO)
        );
        let (kind, _, _) = error(weft_call_invoke_flat(
            call,
            [1u64, 1].as_ptr(),
            2,
            &mut result,
            1,
            ptr::null_mut(),
            ptr::null_mut(),
        ));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT, "only ending is left");
        ok(weft_call_discard(call));
    }
    assert_eq!(env.call_flat("add", &[1, 2], 1), Ok(vec![3]));
}

#[test]
fn invoke_flat_with_parameters_in_memory() {
    let env = Env::new();
    let sum17 = env.func("sum17");
    unsafe {
        assert!(weft_func_params_in_memory(sum17.0));
        let mut call = ptr::null_mut();
        ok(weft_call_begin(env.store, sum17.0, &mut call));
        let args = weft_call_args(call);
        let mut area = 0u32;
        ok(weft_lower_area(args, &mut area));
        for i in 0..17u32 {
            ok(weft_lower_write_i32(args, area + 4 * i, i as i32 + 1));
        }
        // The parameters are in memory: no flat values to pass.
        let (kind, _, text) = error(weft_call_invoke_flat(
            call,
            [0u64].as_ptr(),
            1,
            ptr::null_mut(),
            1,
            ptr::null_mut(),
            ptr::null_mut(),
        ));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT, "{text}"); // results NULL
        let mut result = 0u64;
        let (kind, _, text) = error(weft_call_invoke_flat(
            call,
            [0u64].as_ptr(),
            1,
            &mut result,
            1,
            ptr::null_mut(),
            ptr::null_mut(),
        ));
        assert_eq!(kind, WEFT_ERROR_TYPE);
        assert!(text.contains("go through memory"), "{text}");
        // Pushing flat values is refused too.
        let (kind, _, _) = error(weft_lower_push_flat(args, [1u64].as_ptr(), 1));
        assert_eq!(kind, WEFT_ERROR_LIFT);
        ok(weft_call_discard(call));

        ok(weft_call_begin(env.store, sum17.0, &mut call));
        let args = weft_call_args(call);
        ok(weft_lower_area(args, &mut area));
        for i in 0..17u32 {
            ok(weft_lower_write_i32(args, area + 4 * i, i as i32 + 1));
        }
        ok(weft_call_invoke_flat(
            call,
            ptr::null(),
            0,
            &mut result,
            1,
            ptr::null_mut(),
            ptr::null_mut(),
        ));
        assert_eq!(result, 17 * 18 / 2);
        ok(weft_call_finish(call));
    }
}

#[test]
fn push_flat_and_take_flat_in_a_staged_call() {
    let env = Env::new();
    let scale = env.func("scale");
    unsafe {
        let mut call = ptr::null_mut();
        ok(weft_call_begin(env.store, scale.0, &mut call));
        let args = weft_call_args(call);
        // In two steps: typed by where the pushing stands.
        ok(weft_lower_push_flat(
            args,
            [u64::from(0x7fa0_0001u32)].as_ptr(),
            1,
        ));
        ok(weft_lower_push_flat(
            args,
            [1.0f64.to_bits(), 2].as_ptr(),
            2,
        ));
        // Past the signature's count.
        let (kind, _, _) = error(weft_lower_push_flat(args, [0u64].as_ptr(), 1));
        assert_eq!(kind, WEFT_ERROR_LIFT);
        ok(weft_call_discard(call));

        ok(weft_call_begin(env.store, scale.0, &mut call));
        let args = weft_call_args(call);
        ok(weft_lower_push_flat(
            args,
            [u64::from(2.5f32.to_bits()), 0.5f64.to_bits(), 3].as_ptr(),
            3,
        ));
        ok(weft_call_invoke(call));
        let mut out = 0u64;
        ok(weft_lift_take_flat(weft_call_results(call), &mut out, 1));
        assert_eq!(f64::from_bits(out), 9.0);
        // Nothing to take: a zero count is fine.
        ok(weft_lift_take_flat(
            weft_call_results(call),
            ptr::null_mut(),
            0,
        ));
        ok(weft_call_finish(call));
    }
}

#[test]
fn push_flat_and_take_flat_in_a_host_callback() {
    let env = Env::new();
    let func = env.func("mix");
    unsafe {
        let mut call = ptr::null_mut();
        ok(weft_call_begin(env.store, func.0, &mut call));
        let mut result = 0u64;
        ok(weft_call_invoke_flat(
            call,
            [
                u64::from(u32::MAX),
                1u64 << 40,
                u64::from((-1.5f32).to_bits()),
                0x7ff4_0000_0000_0001,
            ]
            .as_ptr(),
            4,
            &mut result,
            1,
            ptr::null_mut(),
            ptr::null_mut(),
        ));
        // The NaN made it through canonical.
        assert_eq!(result, 0x7ff8_0000_0000_0000);
        ok(weft_call_finish(call));
    }
    let mixed = env
        .call_flat(
            "mix",
            &[
                u64::from(u32::MAX),
                1u64 << 40,
                u64::from((-1.5f32).to_bits()),
                1.0f64.to_bits(),
            ],
            1,
        )
        .unwrap();
    let expected = f64::from(u32::MAX) + (1u64 << 40) as f64 - 1.5 + 1.0;
    assert_eq!(f64::from_bits(mixed[0]), expected);
    assert_eq!(unsafe { (*env.mixes).load(Ordering::SeqCst) }, 2);
}

/// A pointer moved to another thread (the store is used by one thread at
/// a time: each step waits for the one before).
#[derive(Clone, Copy)]
struct Shared(usize);

/// Runs `step` on a new thread and waits for it.
fn on_a_thread<R: Send>(step: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|scope| scope.spawn(step).join().unwrap())
}

#[test]
fn the_steps_of_a_call_may_run_on_different_threads() {
    let env = Env::new();
    let upper = env.func("upper");
    let store = Shared(env.store as usize);
    let func = Shared(upper.0 as usize);
    let text = b"threads";
    // begin here; the allocation (which runs wasm), the invoke, the lift
    // and the finish (post-return: wasm again) each on a thread of its
    // own.
    let mut call = ptr::null_mut();
    ok(unsafe {
        weft_call_begin(
            store.0 as *mut weft_store_t,
            func.0 as *const weft_func_t,
            &mut call,
        )
    });
    let call = Shared(call as usize);
    let at = on_a_thread(|| unsafe {
        let args = weft_call_args(call.0 as *mut weft_call_t);
        let (mut at, mut mem, mut mem_len) = (0u32, ptr::null_mut(), 0usize);
        ok(weft_lower_alloc(
            args,
            text.len() as u32,
            1,
            &mut at,
            &mut mem,
            &mut mem_len,
        ));
        ptr::copy_nonoverlapping(text.as_ptr(), mem.add(at as usize), text.len());
        at
    });
    let area = on_a_thread(|| unsafe {
        let mut result = 0u64;
        ok(weft_call_invoke_flat(
            call.0 as *mut weft_call_t,
            [u64::from(at), text.len() as u64].as_ptr(),
            2,
            &mut result,
            1,
            ptr::null_mut(),
            ptr::null_mut(),
        ));
        result as u32
    });
    let lifted = on_a_thread(|| unsafe {
        let lift = weft_call_results(call.0 as *mut weft_call_t);
        let (mut p, mut n) = (0, 0);
        ok(weft_lift_read_i32(lift, area, &mut p));
        ok(weft_lift_read_i32(lift, area + 4, &mut n));
        let (mut data, mut len) = (ptr::null(), 0);
        ok(weft_lift_read_string(
            lift, p as u32, n as u32, &mut data, &mut len,
        ));
        String::from_utf8(std::slice::from_raw_parts(data.cast::<u8>(), len).to_vec()).unwrap()
    });
    assert_eq!(lifted, "THREADS");
    on_a_thread(|| ok(unsafe { weft_call_finish(call.0 as *mut weft_call_t) }));
    assert_eq!(env.call_flat("counted", &[], 1), Ok(vec![1]));

    // The stack limit is the invoking thread's, not the beginning one's:
    // a deep recursion is a stack overflow trap wherever the call began
    // (a limit taken from another thread's stack would let it run into
    // this thread's guard page instead).
    let recurse = env.func("recurse");
    let mut call = ptr::null_mut();
    ok(unsafe { weft_call_begin(env.store, recurse.0, &mut call) });
    let call = Shared(call as usize);
    let (kind, trap, _) = on_a_thread(|| {
        error(unsafe {
            weft_call_invoke_flat(
                call.0 as *mut weft_call_t,
                [0u64].as_ptr(),
                1,
                &mut 0,
                1,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        })
    });
    assert_eq!((kind, trap), (WEFT_ERROR_TRAP, WEFT_TRAP_STACK_OVERFLOW));
    on_a_thread(|| ok(unsafe { weft_call_discard(call.0 as *mut weft_call_t) }));
    // And call_flat on yet other threads.
    let recurse_func = Shared(recurse.0 as usize);
    for n in 0..3u64 {
        let (kind, trap, _) = on_a_thread(|| env_call_flat(store, recurse_func, &[n])).unwrap_err();
        assert_eq!((kind, trap), (WEFT_ERROR_TRAP, WEFT_TRAP_STACK_OVERFLOW));
    }
    let add = env.func("add");
    let add_func = Shared(add.0 as usize);
    assert_eq!(
        on_a_thread(|| env_call_flat(store, add_func, &[5, 6])),
        Ok(vec![11])
    );
}

/// `weft_func_call_flat` with one result, from any thread.
fn env_call_flat(
    store: Shared,
    func: Shared,
    args: &[u64],
) -> Result<Vec<u64>, (u32, u32, String)> {
    let mut result = vec![0u64];
    let err = unsafe {
        weft_func_call_flat(
            store.0 as *mut weft_store_t,
            func.0 as *const weft_func_t,
            args.as_ptr(),
            args.len(),
            result.as_mut_ptr(),
            1,
        )
    };
    if err.is_null() {
        Ok(result)
    } else {
        Err(error(err))
    }
}

/// A rough per-call cost of `weft_func_call_flat` against the runtime's
/// own raw and typed calls of the same functions (`cargo test --release
/// -p weft-capi --test flat -- --ignored --nocapture`); no assertion on
/// time.
#[test]
#[ignore]
fn timing_of_call_flat() {
    use weft_runtime::component::{CallError, Component, Linker};
    use weft_runtime::{Engine, Store};

    let n: u32 = std::env::var("TIMING_N").map_or(2_000_000, |n| n.parse().unwrap());
    // TIMING_ONLY=label runs one loop alone (for `perf`).
    let only = std::env::var("TIMING_ONLY").ok();
    let time = |label: &str, f: &mut dyn FnMut()| {
        if only.as_deref().is_some_and(|only| only != label) {
            return;
        }
        for _ in 0..n / 10 {
            f();
        }
        let start = std::time::Instant::now();
        for _ in 0..n {
            f();
        }
        let per_call = start.elapsed().as_nanos() as f64 / f64::from(n);
        println!("{label:>24}: {per_call:7.1} ns/call");
    };
    let env = Env::new();
    let noop = env.func("noop");
    let add = env.func("add");
    time("noop call_flat", &mut || {
        ok(unsafe { weft_func_call_flat(env.store, noop.0, ptr::null(), 0, ptr::null_mut(), 0) })
    });
    let args = [2u64, 40];
    let mut out = 0u64;
    time("add call_flat", &mut || {
        ok(unsafe { weft_func_call_flat(env.store, add.0, args.as_ptr(), 2, &mut out, 1) })
    });
    time("add staged, 5 crossings", &mut || unsafe {
        let mut call = ptr::null_mut();
        ok(weft_call_begin(env.store, add.0, &mut call));
        ok(weft_lower_push_i32(weft_call_args(call), 2));
        ok(weft_lower_push_i32(weft_call_args(call), 40));
        ok(weft_call_invoke(call));
        let mut sum = 0;
        ok(weft_lift_take_i32(weft_call_results(call), &mut sum));
        ok(weft_call_finish(call));
    });
    time("add staged, invoke_flat", &mut || unsafe {
        let mut call = ptr::null_mut();
        ok(weft_call_begin(env.store, add.0, &mut call));
        ok(weft_call_invoke_flat(
            call,
            args.as_ptr(),
            2,
            &mut out,
            1,
            ptr::null_mut(),
            ptr::null_mut(),
        ));
        ok(weft_call_finish(call));
    });

    // The runtime's own paths, on the same component.
    let engine = Engine::default();
    let component = Component::new(&engine, &common::flat_component_bytes()).unwrap();
    let mut linker = Linker::new(&engine);
    linker.root().func_raw("host-mix", None, |call| {
        call.results().push(0f64)?;
        Ok(())
    });
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let noop = instance.get_func(&mut store, "noop").unwrap();
    let add = instance.get_func(&mut store, "add").unwrap();
    let noop_raw = noop.raw(&store).unwrap();
    let add_raw = add.raw(&store).unwrap();
    let add_typed = add.typed::<(u32, u32), u32, _>(&store).unwrap();
    time("noop raw", &mut || {
        noop_raw
            .call(
                &mut store,
                |_| Ok::<_, CallError<std::convert::Infallible>>(()),
                |_| Ok(()),
            )
            .unwrap()
    });
    time("add raw", &mut || {
        let sum: u32 = add_raw
            .call(
                &mut store,
                |args| {
                    args.push(2u32)?;
                    args.push(40u32)?;
                    Ok::<_, CallError<std::convert::Infallible>>(())
                },
                |result| Ok(result.take::<u32>()?),
            )
            .unwrap();
        assert_eq!(sum, 42);
    });
    time("add typed", &mut || {
        assert_eq!(add_typed.call(&mut store, (2, 40)).unwrap(), 42);
    });
}

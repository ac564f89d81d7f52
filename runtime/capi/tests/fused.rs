//! The C API's calls that do several steps in one crossing, for hosts
//! whose calls into C are costly (cgo): `weft_call_invoke_finish_flat`,
//! `weft_call_begin_alloc`, `weft_call_invoke_finish_bytes` and
//! `weft_func_call_blobs`, on the component of `common/flat.wat`.

// SAFETY (for every unsafe block in this file): each calls the C API with
// objects this file made and has not deleted, and pointers to locals or
// to guest memory the API gave, within the bounds it gave: the header's
// contract.
#![allow(clippy::undocumented_unsafe_blocks)]

mod common;

use std::ptr;

use common::flat_env::Env;
use common::{error, ok};
use weft_capi::*;

#[test]
fn invoke_finish_flat_ends_the_call_in_every_case() {
    let env = Env::new();
    let (add, divide, upper) = (env.func("add"), env.func("divide"), env.func("upper"));
    let counted = env.func("counted");
    unsafe {
        let mut call = ptr::null_mut();
        let mut result = 0u64;
        ok(weft_call_begin(env.store, add.0, &mut call));
        ok(weft_call_invoke_finish_flat(
            call,
            [40u64, 2].as_ptr(),
            2,
            &mut result,
            1,
        ));
        assert_eq!(result, 42);
        // Post-return runs (`counted` gives how many ran before it) and
        // the store is free.
        let mut posts = [0u64; 2];
        for slot in &mut posts {
            ok(weft_call_begin(env.store, counted.0, &mut call));
            ok(weft_call_invoke_finish_flat(call, ptr::null(), 0, slot, 1));
        }
        assert_eq!(posts[1], posts[0] + 1);

        // A trap: the error, the call deleted, the store usable.
        ok(weft_call_begin(env.store, divide.0, &mut call));
        let (kind, trap, _) = error(weft_call_invoke_finish_flat(
            call,
            [1u64, 0].as_ptr(),
            2,
            &mut result,
            1,
        ));
        assert_eq!(
            (kind, trap),
            (WEFT_ERROR_TRAP, WEFT_TRAP_INTEGER_DIVISION_BY_ZERO)
        );
        assert_eq!(env.call_flat("add", &[1, 2], 1), Ok(vec![3]));

        // Wrong counts: an error, and the call is gone all the same.
        ok(weft_call_begin(env.store, add.0, &mut call));
        let (kind, _, _) = error(weft_call_invoke_finish_flat(
            call,
            [1u64].as_ptr(),
            1,
            &mut result,
            1,
        ));
        assert_eq!(kind, WEFT_ERROR_TYPE);
        assert_eq!(env.call_flat("add", &[2, 2], 1), Ok(vec![4]));

        // A result in memory needs lifting: refused, the call discarded.
        ok(weft_call_begin(env.store, upper.0, &mut call));
        let (kind, _, text) = error(weft_call_invoke_finish_flat(
            call,
            ptr::null(),
            0,
            &mut result,
            1,
        ));
        assert_eq!(kind, WEFT_ERROR_TYPE);
        assert!(text.contains("in memory"), "{text}");
        assert_eq!(env.call_flat("add", &[3, 2], 1), Ok(vec![5]));

        let (kind, _, _) = error(weft_call_invoke_finish_flat(
            ptr::null_mut(),
            ptr::null(),
            0,
            ptr::null_mut(),
            0,
        ));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
    }
}

#[test]
fn begin_alloc_starts_a_call_with_its_first_block_and_objects_are_reused() {
    let env = Env::new();
    let func = env.func("upper");
    unsafe {
        // Several calls in a row: the store reuses the ended call's object.
        for text in ["one", "", "three ✓"] {
            let mut call = ptr::null_mut();
            let (mut at, mut mem, mut mem_len) = (0u32, ptr::null_mut(), 0usize);
            ok(weft_call_begin_alloc(
                env.store,
                func.0,
                text.len() as u32,
                1,
                &mut call,
                &mut at,
                &mut mem,
                &mut mem_len,
            ));
            assert!(at as usize + text.len() <= mem_len);
            ptr::copy_nonoverlapping(text.as_ptr(), mem.add(at as usize), text.len());
            let mut result = 0u64;
            ok(weft_call_invoke_flat(
                call,
                [u64::from(at), text.len() as u64].as_ptr(),
                2,
                &mut result,
                1,
                ptr::null_mut(),
                ptr::null_mut(),
            ));
            let lift = weft_call_results(call);
            let (mut p, mut n) = (0i32, 0i32);
            ok(weft_lift_read_i32(lift, result as u32, &mut p));
            ok(weft_lift_read_i32(lift, result as u32 + 4, &mut n));
            let (mut data, mut len) = (ptr::null(), 0);
            ok(weft_lift_read_string(
                lift, p as u32, n as u32, &mut data, &mut len,
            ));
            let got =
                std::str::from_utf8(std::slice::from_raw_parts(data.cast::<u8>(), len)).unwrap();
            assert_eq!(got, text.to_uppercase());
            ok(weft_call_finish(call));
        }
        // A failed allocation leaves no call behind: the store is free.
        let mut call = ptr::null_mut();
        let (mut at, mut mem, mut mem_len) = (0u32, ptr::null_mut(), 0usize);
        let err = weft_call_begin_alloc(
            env.store,
            func.0,
            u32::MAX,
            1,
            &mut call,
            &mut at,
            &mut mem,
            &mut mem_len,
        );
        assert!(!err.is_null());
        weft_error_delete(err);
        assert!(call.is_null());
        assert_eq!(env.call_flat("add", &[1, 2], 1), Ok(vec![3]));
        // NULL out: refused before anything starts.
        let (kind, _, _) = error(weft_call_begin_alloc(
            env.store,
            func.0,
            1,
            1,
            ptr::null_mut(),
            &mut at,
            &mut mem,
            &mut mem_len,
        ));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        assert_eq!(env.call_flat("add", &[2, 2], 1), Ok(vec![4]));
    }
}

#[test]
fn invoke_finish_bytes_copies_a_string_result_out() {
    let env = Env::new();
    let (upper, add, counted) = (env.func("upper"), env.func("add"), env.func("counted"));
    unsafe {
        let posts_before = env.call_flat("counted", &[], 1).unwrap()[0];
        for text in ["hello, weft", "", "ünïcode ✓"] {
            let mut call = ptr::null_mut();
            let (mut at, mut mem, mut mem_len) = (0u32, ptr::null_mut(), 0usize);
            ok(weft_call_begin_alloc(
                env.store,
                upper.0,
                text.len() as u32,
                1,
                &mut call,
                &mut at,
                &mut mem,
                &mut mem_len,
            ));
            ptr::copy_nonoverlapping(text.as_ptr(), mem.add(at as usize), text.len());
            let (mut data, mut len) = (ptr::null(), 0usize);
            ok(weft_call_invoke_finish_bytes(
                call,
                [u64::from(at), text.len() as u64].as_ptr(),
                2,
                &mut data,
                &mut len,
            ));
            let got = std::str::from_utf8(std::slice::from_raw_parts(data, len)).unwrap();
            // `upper` upper-cases ASCII only.
            assert_eq!(got, text.to_ascii_uppercase());
        }
        // Post-return ran for each (and once for the first `counted`).
        let mut call = ptr::null_mut();
        let mut posts = 0u64;
        ok(weft_call_begin(env.store, counted.0, &mut call));
        ok(weft_call_invoke_finish_flat(
            call,
            ptr::null(),
            0,
            &mut posts,
            1,
        ));
        assert_eq!(posts, posts_before + 4);

        // Another result type: refused, the call discarded, the store free.
        ok(weft_call_begin(env.store, add.0, &mut call));
        let (mut data, mut len) = (ptr::null(), 0usize);
        let (kind, _, text) = error(weft_call_invoke_finish_bytes(
            call,
            [1u64, 2].as_ptr(),
            2,
            &mut data,
            &mut len,
        ));
        assert_eq!(kind, WEFT_ERROR_TYPE);
        assert!(text.contains("does not return a string"), "{text}");
        assert_eq!(env.call_flat("add", &[1, 2], 1), Ok(vec![3]));
    }
}

#[test]
fn call_blobs_is_a_whole_call_in_one_crossing() {
    let env = Env::new();
    let (upper, add) = (env.func("upper"), env.func("add"));
    unsafe {
        for text in ["blob", "", "ünï ✓"] {
            let blob = weft_blob_t {
                data: text.as_ptr(),
                len: text.len(),
                at: 0,
                align: 1,
                elem_size: 1,
                is_string: 1,
            };
            let (mut out, mut out_len) = (ptr::null(), 0usize);
            ok(weft_func_call_blobs(
                env.store,
                upper.0,
                &blob,
                1,
                [0u64, 0].as_ptr(),
                2,
                ptr::null_mut(),
                0,
                &mut out,
                &mut out_len,
            ));
            let got = std::str::from_utf8(std::slice::from_raw_parts(out, out_len)).unwrap();
            assert_eq!(got, text.to_ascii_uppercase());
        }
        // No blobs, a flat result.
        let mut result = 0u64;
        ok(weft_func_call_blobs(
            env.store,
            add.0,
            ptr::null(),
            0,
            [40u64, 2].as_ptr(),
            2,
            &mut result,
            1,
            ptr::null_mut(),
            ptr::null_mut(),
        ));
        assert_eq!(result, 42);
        // Invalid UTF-8 and a blob placed past the arguments: errors, and
        // nothing of the call is left.
        let bad = [0xffu8, b'a'];
        let blob = weft_blob_t {
            data: bad.as_ptr(),
            len: 2,
            at: 0,
            align: 1,
            elem_size: 1,
            is_string: 1,
        };
        let (mut out, mut out_len) = (ptr::null(), 0usize);
        let (kind, _, _) = error(weft_func_call_blobs(
            env.store,
            upper.0,
            &blob,
            1,
            [0u64, 0].as_ptr(),
            2,
            ptr::null_mut(),
            0,
            &mut out,
            &mut out_len,
        ));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        let blob = weft_blob_t { at: 1, ..blob };
        let (kind, _, _) = error(weft_func_call_blobs(
            env.store,
            upper.0,
            &blob,
            1,
            [0u64, 0].as_ptr(),
            2,
            ptr::null_mut(),
            0,
            &mut out,
            &mut out_len,
        ));
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT);
        assert_eq!(env.call_flat("add", &[1, 2], 1), Ok(vec![3]));
    }
}

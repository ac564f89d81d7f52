//! Precompiled components and the compiled-code cache through the C API,
//! on the WAT component of `common/flat.wat`: serialise, deserialise in a
//! fresh engine, instantiate and call (flat values, a host import, a trap
//! whose kind comes from the loaded trap table); a cache directory that a
//! second engine loads from; the default directory from the environment
//! (in a child process, so that no other test thread reads the
//! environment meanwhile); and artifacts refused with
//! `WEFT_ERROR_ARTIFACT`: damaged, truncated, a wasm binary, garbage, one
//! made for an engine that counts fuel.

// SAFETY (for every unsafe block in this file): each calls the C API with
// objects this file made and has not deleted, byte buffers it owns or the
// API gave (freed once, with their length), and out-pointers to locals:
// the header's contract. Every artifact deserialised was serialised by
// this process (or is refused before any code is mapped).
#![allow(clippy::undocumented_unsafe_blocks)]

mod common;
#[path = "../../tests/common/scratch.rs"]
mod scratch;

use common::flat_env::Env;
use common::{error, ok};
use scratch::Scratch;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::ptr;
use std::sync::atomic::Ordering;

use weft_capi::*;

/// An engine with the default settings.
fn engine() -> *mut weft_engine_t {
    let mut engine = ptr::null_mut();
    ok(unsafe { weft_engine_new(&mut engine) });
    engine
}

/// An engine whose cache is `dir` (`None`: the settings' default, none).
fn engine_with_cache(dir: Option<&Path>) -> *mut weft_engine_t {
    unsafe {
        let mut config = ptr::null_mut();
        ok(weft_config_new(&mut config));
        if let Some(dir) = dir {
            let dir = dir.to_str().unwrap();
            ok(weft_config_set_cache_dir(config, dir.as_ptr(), dir.len()));
        }
        let mut engine = ptr::null_mut();
        ok(weft_engine_new_with_config(config, &mut engine));
        // The engine keeps a copy of the settings.
        weft_config_delete(config);
        engine
    }
}

/// `weft_component_new` of `wasm` for `engine`.
fn compile(engine: *const weft_engine_t, wasm: &[u8]) -> *mut weft_component_t {
    let mut component = ptr::null_mut();
    ok(unsafe { weft_component_new(engine, wasm.as_ptr(), wasm.len(), &mut component) });
    component
}

/// The artifact of `component`, copied out of the buffer the API gave
/// (which is freed).
fn serialize(component: *const weft_component_t) -> Vec<u8> {
    unsafe {
        let (mut data, mut len) = (ptr::null_mut(), 0);
        ok(weft_component_serialize(component, &mut data, &mut len));
        assert!(!data.is_null() && len > 0);
        let copy = std::slice::from_raw_parts(data, len).to_vec();
        weft_bytes_free(data, len);
        copy
    }
}

/// `weft_component_deserialize` of `artifact` for `engine`.
fn deserialize(
    engine: *const weft_engine_t,
    artifact: &[u8],
) -> Result<*mut weft_component_t, (u32, u32, String)> {
    let mut component = ptr::null_mut();
    let err = unsafe {
        weft_component_deserialize(engine, artifact.as_ptr(), artifact.len(), &mut component)
    };
    if err.is_null() {
        Ok(component)
    } else {
        assert!(component.is_null(), "no component on an error");
        Err(error(err))
    }
}

/// The component's export names.
fn exports(component: *const weft_component_t) -> Vec<String> {
    let n = unsafe { weft_component_export_count(component) };
    (0..n)
        .map(|i| unsafe {
            let (mut name, mut len) = (ptr::null(), 0);
            ok(weft_component_export_name(
                component, i, &mut name, &mut len,
            ));
            String::from_utf8(std::slice::from_raw_parts(name, len).to_vec()).unwrap()
        })
        .collect()
}

/// Calls of every kind the flat component has, on an instance of it
/// however it was made: flat values, a host import, a trap.
fn check_calls(env: &Env) {
    assert_eq!(env.call_flat("add", &[2, 40], 1), Ok(vec![42]));
    assert_eq!(
        env.call_flat("wide", &[u64::MAX - 1], 1),
        Ok(vec![u64::MAX])
    );
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
    // The trap table came along: a division by zero has its kind, and the
    // store is usable after it.
    let (kind, trap, text) = env.call_flat("divide", &[7, 0], 1).unwrap_err();
    assert_eq!(
        (kind, trap),
        (WEFT_ERROR_TRAP, WEFT_TRAP_INTEGER_DIVISION_BY_ZERO),
        "{text}"
    );
    let (kind, trap, _) = env.call_flat("recurse", &[0], 1).unwrap_err();
    assert_eq!((kind, trap), (WEFT_ERROR_TRAP, WEFT_TRAP_STACK_OVERFLOW));
    assert_eq!(env.call_flat("divide", &[7, 2], 1), Ok(vec![3]));
}

/// The cache entries in `dir`.
fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|read| read.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

#[test]
fn serialize_deserialize_instantiate_call() {
    let wasm = common::flat_component_bytes();
    let first = engine();
    let compiled = compile(first, &wasm);
    assert!(!unsafe { weft_component_from_cache(compiled) });
    let artifact = serialize(compiled);
    assert!(unsafe { weft_is_artifact(artifact.as_ptr(), artifact.len()) });
    assert!(!unsafe { weft_is_artifact(wasm.as_ptr(), wasm.len()) });
    assert!(!unsafe { weft_is_artifact(ptr::null(), 0) });
    // The same bytes again: serialising is deterministic.
    assert_eq!(serialize(compiled), artifact);
    let names = exports(compiled);
    unsafe {
        weft_component_delete(compiled);
        weft_engine_delete(first);
    }

    // Loaded in another engine, which compiled nothing.
    let second = engine();
    let loaded = deserialize(second, &artifact).unwrap();
    assert!(!unsafe { weft_component_from_cache(loaded) });
    assert_eq!(exports(loaded), names);
    // A loaded component serialises to the same artifact.
    assert_eq!(serialize(loaded), artifact);
    let env = Env::instantiate(second, loaded);
    check_calls(&env);
}

#[test]
fn one_artifact_many_components_and_threads() {
    let wasm = common::flat_component_bytes();
    let engine = engine();
    let compiled = compile(engine, &wasm);
    let artifact = serialize(compiled);
    unsafe {
        weft_component_delete(compiled);
        weft_engine_delete(engine);
    }
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let artifact = artifact.clone();
            std::thread::spawn(move || {
                let engine = self::engine();
                let component = deserialize(engine, &artifact).unwrap();
                check_calls(&Env::instantiate(engine, component));
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn a_cache_dir_serves_a_second_engine() {
    let dir = Scratch::vacant("capi", "cache");
    let wasm = common::flat_component_bytes();

    let first = engine_with_cache(Some(&dir));
    let compiled = compile(first, &wasm);
    assert!(!unsafe { weft_component_from_cache(compiled) }, "cold");
    let stored = entries(&dir);
    assert_eq!(stored.len(), 1, "one entry, no temporary file: {stored:?}");
    // The same engine again loads from the cache too.
    let again = compile(first, &wasm);
    assert!(unsafe { weft_component_from_cache(again) });
    unsafe {
        weft_component_delete(again);
        weft_component_delete(compiled);
        weft_engine_delete(first);
    }

    let second = engine_with_cache(Some(&dir));
    let cached = compile(second, &wasm);
    assert!(unsafe { weft_component_from_cache(cached) }, "warm");
    // The entry is an artifact as serialize makes them.
    let entry = std::fs::read(&stored[0]).unwrap();
    assert!(unsafe { weft_is_artifact(entry.as_ptr(), entry.len()) });
    assert_eq!(serialize(cached), entry);
    check_calls(&Env::instantiate(second, cached));

    // A damaged entry: compiled again (not an error), and replaced.
    let mut damaged = entry.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0xff;
    std::fs::write(&stored[0], &damaged).unwrap();
    let third = engine_with_cache(Some(&dir));
    let recompiled = compile(third, &wasm);
    assert!(!unsafe { weft_component_from_cache(recompiled) });
    assert_eq!(std::fs::read(&stored[0]).unwrap(), entry);
    check_calls(&Env::instantiate(third, recompiled));

    // No directory (NULL, or length 0): no cache.
    for unset in [None, Some("")] {
        unsafe {
            let mut config = ptr::null_mut();
            ok(weft_config_new(&mut config));
            let d = dir.to_str().unwrap();
            ok(weft_config_set_cache_dir(config, d.as_ptr(), d.len()));
            match unset {
                None => ok(weft_config_set_cache_dir(config, ptr::null(), 5)),
                Some(s) => ok(weft_config_set_cache_dir(config, s.as_ptr(), 0)),
            }
            let mut engine = ptr::null_mut();
            ok(weft_engine_new_with_config(config, &mut engine));
            weft_config_delete(config);
            let component = compile(engine, &wasm);
            assert!(!weft_component_from_cache(component));
            weft_component_delete(component);
            weft_engine_delete(engine);
        }
    }
}

/// The child's part of `the_default_cache_follows_the_environment`.
const CHILD: &str = "WEFT_CAPI_DEFAULT_CACHE_CHILD";

/// `weft_default_cache_dir`, as text (`None`: no cache).
fn default_cache_dir() -> Option<String> {
    unsafe {
        let (mut data, mut len) = (ptr::null_mut(), 99);
        ok(weft_default_cache_dir(&mut data, &mut len));
        if data.is_null() {
            assert_eq!(len, 0);
            return None;
        }
        let text = String::from_utf8(std::slice::from_raw_parts(data, len).to_vec()).unwrap();
        weft_bytes_free(data, len);
        Some(text)
    }
}

/// A component made by an engine with `weft_config_set_default_cache`:
/// whether it came from the cache.
fn default_cache_compile(wasm: &[u8]) -> bool {
    unsafe {
        let mut config = ptr::null_mut();
        ok(weft_config_new(&mut config));
        ok(weft_config_set_default_cache(config));
        let mut engine = ptr::null_mut();
        ok(weft_engine_new_with_config(config, &mut engine));
        weft_config_delete(config);
        let component = compile(engine, wasm);
        let cached = weft_component_from_cache(component);
        weft_component_delete(component);
        weft_engine_delete(engine);
        cached
    }
}

#[test]
fn the_default_cache_follows_the_environment() {
    if let Ok(mode) = std::env::var(CHILD) {
        // In the child, whose environment the parent set.
        let wasm = common::flat_component_bytes();
        match mode.as_str() {
            "dir" => {
                let dir = std::env::var("WEFT_CACHE_DIR").unwrap();
                assert_eq!(default_cache_dir().as_deref(), Some(dir.as_str()));
                assert!(!default_cache_compile(&wasm), "cold");
                assert!(default_cache_compile(&wasm), "warm");
                assert_eq!(entries(Path::new(&dir)).len(), 1);
            }
            "again" => {
                let dir = std::env::var("WEFT_CACHE_DIR").unwrap();
                assert_eq!(default_cache_dir().as_deref(), Some(dir.as_str()));
                assert!(default_cache_compile(&wasm), "warm from the first child");
            }
            "none" => {
                assert_eq!(default_cache_dir(), None);
                assert!(!default_cache_compile(&wasm));
                assert!(!default_cache_compile(&wasm));
            }
            other => panic!("unknown mode {other}"),
        }
        return;
    }
    let dir = Scratch::vacant("capi", "default");
    let run = |mode: &str, extra: &[(&str, &str)]| {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args([
                "--exact",
                "the_default_cache_follows_the_environment",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, mode)
            .env("WEFT_CACHE_DIR", dir.as_os_str())
            .env_remove("WEFT_NO_CACHE");
        for (k, v) in extra {
            command.env(k, v);
        }
        let out = command.output().unwrap();
        assert!(
            out.status.success(),
            "child ({mode}) failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("1 passed"),
            "the child ran the test"
        );
    };
    run("dir", &[]);
    // WEFT_NO_CACHE wins over WEFT_CACHE_DIR; "0" does not count.
    run("none", &[("WEFT_NO_CACHE", "1")]);
    run("again", &[("WEFT_NO_CACHE", "0")]);
}

#[test]
fn refused_artifacts_are_artifact_errors() {
    let wasm = common::flat_component_bytes();
    let engine = engine();
    let compiled = compile(engine, &wasm);
    let artifact = serialize(compiled);
    unsafe { weft_component_delete(compiled) };

    let refused = |bytes: &[u8], wanted: &str| {
        let (kind, trap, text) = deserialize(engine, bytes).unwrap_err();
        assert_eq!(
            (kind, trap),
            (WEFT_ERROR_ARTIFACT, WEFT_TRAP_NONE),
            "{text}"
        );
        assert!(text.contains(wanted), "{text:?} should say {wanted:?}");
    };
    let mut damaged = artifact.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x01;
    refused(&damaged, "checksum does not match");
    refused(&artifact[..artifact.len() - 1], "checksum does not match");
    refused(&artifact[..20], "");
    refused(&wasm, "this is a wasm binary, not a precompiled artifact");
    refused(b"garbage", "not a weft artifact");
    refused(&[], "not a weft artifact");

    // Made for an engine that counts fuel (through the Rust API, as the
    // C API has no fuel setting): its code charges fuel, this engine's
    // stores have none.
    let fuel = weft_runtime::Engine::new(&weft_runtime::Config {
        consume_fuel: true,
        ..weft_runtime::Config::default()
    })
    .unwrap();
    let fueled = weft_runtime::component::Component::new(&fuel, &wasm)
        .unwrap()
        .serialize();
    assert!(unsafe { weft_is_artifact(fueled.as_ptr(), fueled.len()) });
    refused(&fueled, "made for another engine");
    // The intact artifact still loads in this engine.
    let loaded = deserialize(engine, &artifact).unwrap();
    check_calls(&Env::instantiate(engine, loaded));
}

#[test]
fn misuse_is_an_invalid_argument() {
    let invalid = |err| {
        let (kind, _, text) = error(err);
        assert_eq!(kind, WEFT_ERROR_INVALID_ARGUMENT, "{text}");
        text
    };
    let wasm = common::flat_component_bytes();
    let engine = engine();
    let component = compile(engine, &wasm);
    unsafe {
        let (mut data, mut len) = (ptr::null_mut(), 0);
        assert!(
            invalid(weft_component_serialize(ptr::null(), &mut data, &mut len))
                .contains("component is NULL")
        );
        assert!(invalid(weft_component_serialize(
            component,
            ptr::null_mut(),
            &mut len
        ))
        .contains("data is NULL"));
        assert!(invalid(weft_component_serialize(
            component,
            &mut data,
            ptr::null_mut()
        ))
        .contains("len is NULL"));
        assert!(data.is_null(), "nothing written on an error");
        let mut out = ptr::null_mut();
        invalid(weft_component_deserialize(
            ptr::null(),
            wasm.as_ptr(),
            wasm.len(),
            &mut out,
        ));
        invalid(weft_component_deserialize(engine, ptr::null(), 5, &mut out));
        invalid(weft_component_deserialize(
            engine,
            wasm.as_ptr(),
            wasm.len(),
            ptr::null_mut(),
        ));
        invalid(weft_config_new(ptr::null_mut()));
        invalid(weft_config_set_cache_dir(ptr::null_mut(), ptr::null(), 0));
        invalid(weft_config_set_default_cache(ptr::null_mut()));
        invalid(weft_engine_new_with_config(
            ptr::null(),
            &mut ptr::null_mut(),
        ));
        invalid(weft_default_cache_dir(ptr::null_mut(), &mut len));
        assert!(!weft_component_from_cache(ptr::null()));
        assert!(!weft_is_artifact(ptr::null(), 8));
        // NULL is ignored.
        weft_bytes_free(ptr::null_mut(), 0);
        weft_bytes_free(ptr::null_mut(), 8);
        weft_config_delete(ptr::null_mut());
        weft_component_delete(component);
        weft_engine_delete(engine);
    }
}

//! Malformed component binaries: every truncation and a single-bit flip
//! of every byte of a real component outside its core modules (whose own
//! bytes `malformed.rs` covers) is rejected with an error (invalid, or a
//! feature weft does not support), or loads, instantiates and runs, each
//! call returning or failing; none panics.
//! The component, shared with the C API's tests, has strings, lists, a
//! record, a resource with a destructor, host imports and post-return.

use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};

use weft_runtime::component::{Component, Linker, Val};
use weft_runtime::{Engine, Error, Store};

const COMPONENT: &str = include_str!("../capi/tests/common/component.wat");

fn component() -> Vec<u8> {
    wat::parse_str(COMPONENT).expect("valid component text")
}

/// The payloads of the component's core modules.
fn module_payloads(bytes: &[u8]) -> Vec<Range<usize>> {
    wasmparser::Parser::new(0)
        .parse_all(bytes)
        .filter_map(|payload| match payload {
            Ok(wasmparser::Payload::ModuleSection {
                unchecked_range, ..
            }) => Some(unchecked_range.start as usize..unchecked_range.end as usize),
            _ => None,
        })
        .collect()
}

/// Loads `bytes`; if that works, instantiates them (unknown imports trap)
/// and calls each export the component has with arguments of its original
/// types. Returns whether it loaded.
fn exercise(engine: &Engine, bytes: &[u8]) -> bool {
    let component = match Component::new(engine, bytes) {
        Ok(component) => component,
        Err(Error::Invalid { message, .. }) => {
            assert!(!message.is_empty(), "Error::Invalid without a message");
            return false;
        }
        // A flip may make a valid component that uses a feature weft
        // names as unsupported (a value export, a start function).
        Err(Error::Unsupported(what)) => {
            assert!(!what.is_empty(), "Error::Unsupported without a name");
            return false;
        }
        Err(other) => panic!("neither Error::Invalid nor Error::Unsupported: {other}"),
    };
    let mut store = Store::new(engine, ());
    let Ok(instance) = Linker::new(engine).instantiate_trapping_unknown(&mut store, &component)
    else {
        return true;
    };
    let point = Val::Record(vec![("x".into(), Val::S32(1)), ("y".into(), Val::S32(-2))]);
    let calls: [(&str, Vec<Val>); 8] = [
        ("add", vec![Val::U32(3), Val::U32(4)]),
        ("reverse", vec![Val::String("weft ✓".into())]),
        ("sum", vec![Val::List(vec![Val::U32(1), Val::U32(2)])]),
        ("range", vec![Val::U32(5)]),
        ("swap", vec![point]),
        ("greet", vec![Val::String("you".into())]),
        ("quadruple", vec![Val::U32(2)]),
        ("make", vec![Val::U32(9)]),
    ];
    for (name, args) in calls {
        if let Some(func) = instance.get_func(&mut store, name) {
            let results = func.call(&mut store, &args);
            if let (Ok(results), Some(value)) = (results, instance.get_func(&mut store, "value")) {
                let _ = value.call(&mut store, &results);
            }
        }
    }
    true
}

/// Runs `exercise` on each case, and fails naming every case that
/// panicked (by its description) rather than stopping at the first.
/// Returns whether each case loaded.
fn never_panics(cases: impl Iterator<Item = (String, Vec<u8>)>) -> Vec<bool> {
    let engine = Engine::default();
    let mut loaded = Vec::new();
    let mut panicked = Vec::new();
    for (case, bytes) in cases {
        match catch_unwind(AssertUnwindSafe(|| exercise(&engine, &bytes))) {
            Ok(did) => loaded.push(did),
            Err(panic) => {
                loaded.push(false);
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                panicked.push(format!("{case}: {message}"));
            }
        }
    }
    assert!(
        panicked.is_empty(),
        "{} of {} cases panicked:\n{}",
        panicked.len(),
        loaded.len(),
        panicked.join("\n")
    );
    loaded
}

#[test]
fn the_original_loads_and_runs() {
    let engine = Engine::default();
    assert!(exercise(&engine, &component()));
}

#[test]
fn a_module_section_past_the_end_is_invalid() {
    let mut bytes = component();
    let payload = module_payloads(&bytes)[0].clone();
    // The section's size is the LEB128 just before the payload. Put in its
    // place a size one byte larger than what follows it, written in five
    // bytes (as LEB128 allows), so that it is easy to compute.
    let size_at = bytes[..payload.start - 1]
        .iter()
        .rposition(|b| b & 0x80 == 0)
        .map_or(0, |i| i + 1);
    let start = size_at + 5;
    let claim = (bytes.len() - payload.start) + 1;
    let leb = [
        (claim & 0x7f) as u8 | 0x80,
        ((claim >> 7) & 0x7f) as u8 | 0x80,
        ((claim >> 14) & 0x7f) as u8 | 0x80,
        ((claim >> 21) & 0x7f) as u8 | 0x80,
        (claim >> 28) as u8,
    ];
    bytes.splice(size_at..payload.start, leb);
    assert_eq!(bytes.len() - start + 1, claim);
    match Component::new(&Engine::default(), &bytes) {
        Err(Error::Invalid { message, offset }) => {
            assert!(message.contains("past the end"), "{message}");
            assert_eq!(offset, start);
        }
        Err(other) => panic!("not Error::Invalid: {other}"),
        Ok(_) => panic!("loaded a component whose module runs past its end"),
    }
}

#[test]
fn every_truncation_is_rejected_without_panicking() {
    let bytes = component();
    let cases = (0..bytes.len()).map(|len| (format!("first {len} bytes"), bytes[..len].to_vec()));
    let loaded = never_panics(cases);
    // A prefix ending between two top-level sections is a smaller valid
    // component; nothing else may load.
    for (len, did) in loaded.iter().enumerate() {
        let valid = wasmparser::Validator::new()
            .validate_all(&bytes[..len])
            .is_ok();
        assert_eq!(*did, valid, "the first {len} bytes");
    }
    assert!(loaded.iter().any(|did| *did) && !loaded[0]);
}

#[test]
fn a_bit_flip_in_any_component_byte_never_panics() {
    let bytes = component();
    let payloads = module_payloads(&bytes);
    let outside: Vec<usize> = (0..bytes.len())
        .filter(|i| !payloads.iter().any(|p| p.contains(i)))
        .collect();
    // One bit per byte, varied along the binary; every byte is hit.
    let cases = outside.iter().map(|&at| {
        let bit = (at * 5) % 8;
        let mut flipped = bytes.clone();
        flipped[at] ^= 1 << bit;
        (format!("bit {bit} of byte {at:#x}"), flipped)
    });
    let loaded = never_panics(cases);
    assert_eq!(loaded.len(), outside.len());
    // Some flips (in names, numbers) leave a valid component.
    assert!(loaded.iter().any(|did| *did), "no flipped component loaded");
}

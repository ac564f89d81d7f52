//! Precompiled artifacts and the on-disk cache: a module or component
//! serialized, loaded by another engine without compiling, and run (calls
//! between functions, data segments, traps with backtraces, the kitchen
//! sink's exports and imports); every way an artifact is refused; and
//! `Config::cache_dir` compiling once and loading after.

mod common;
#[path = "common/scratch.rs"]
mod scratch;

use std::path::Path;

use common::kitchen_sink::{kitchen_sink, Sink, COMPOUND, RESOURCES};
use scratch::Scratch;
use weft_runtime::component::{Component, Val as CVal};
use weft_runtime::{Config, Engine, Error, Linker, Module, Store, TrapKind, Val};

/// Functions that call each other (patched relocations), read a data
/// segment, and trap two calls deep.
const WAT: &str = r#"
    (module $m
      (memory 1)
      (data (i32.const 16) "\2a")
      (func $double (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
      (func $answer (export "answer") (result i32)
        (call $double (i32.load8_u (i32.const 16))))
      (func $inner (unreachable))
      (func $outer (export "outer") (call $inner)))
"#;

fn serialized_module() -> Vec<u8> {
    let engine = Engine::default();
    let wasm = wat::parse_str(WAT).unwrap();
    Module::new(&engine, &wasm).unwrap().serialize()
}

fn run_module(engine: &Engine, module: &Module) {
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine).instantiate(&mut store, module).unwrap();
    let answer = instance.get_func(&mut store, "answer").unwrap();
    let mut result = [Val::I32(0)];
    answer.call(&mut store, &[], &mut result).unwrap();
    assert_eq!(result, [Val::I32(84)]);

    let outer = instance.get_func(&mut store, "outer").unwrap();
    let Err(Error::Trap(trap)) = outer.call(&mut store, &[], &mut []) else {
        panic!("`outer` does not trap");
    };
    assert_eq!(trap.kind, TrapKind::Unreachable);
    let names: Vec<_> = trap.backtrace.iter().map(|f| f.to_string()).collect();
    assert_eq!(names, ["m!inner", "m!outer"]);
}

#[test]
fn a_module_runs_from_its_artifact_on_another_engine() {
    let artifact = serialized_module();
    let engine = Engine::default();
    let module = load_module(&engine, &artifact).unwrap();
    run_module(&engine, &module);
    assert_eq!(
        module.serialize(),
        artifact,
        "serializing again gives the same bytes"
    );
}

#[test]
fn the_kitchen_sink_runs_from_its_artifact() {
    let artifact = kitchen_sink().serialize();
    let engine = Engine::default();
    let component = load_component(&engine, &artifact).unwrap();
    assert!(!component.from_cache());
    assert_eq!(
        component.exports().collect::<Vec<_>>(),
        kitchen_sink().exports().collect::<Vec<_>>()
    );
    let mut sink = Sink::of(&component);
    let reverse = sink
        .instance
        .get_func(&mut sink.store, &format!("{COMPOUND}#reverse-string"));
    let result = reverse
        .unwrap()
        .call(&mut sink.store, &[CVal::String("héllo".into())])
        .unwrap();
    assert_eq!(result, [CVal::String("olléh".into())]);
    // An export that calls the host's imports, and one with resources.
    let greet = sink.func("greet-all");
    let names = CVal::List(vec![CVal::String("a".into()), CVal::String("b".into())]);
    let result = greet.call(&mut sink.store, &[names]).unwrap();
    assert_eq!(
        result,
        [CVal::List(vec![
            CVal::String("hello, a!".into()),
            CVal::String("hello, b!".into())
        ])]
    );
    let from_list = sink.func(&format!("{RESOURCES}#[static]accumulator.from-list"));
    let values = CVal::List(vec![CVal::S64(2), CVal::S64(5)]);
    let acc = from_list
        .call(&mut sink.store, &[values])
        .unwrap()
        .remove(0);
    let total = sink.func(&format!("{RESOURCES}#total-of"));
    let CVal::Own(acc) = acc else {
        panic!("not a resource: {acc:?}")
    };
    let result = total.call(&mut sink.store, &[CVal::Borrow(acc)]).unwrap();
    assert_eq!(result, [CVal::S64(7)]);
    // A trap in guest code, with a backtrace through the guest.
    let fail = sink.func("weft-test:kitchen-sink/faults@0.1.0#recurse");
    let err = fail
        .call(&mut sink.store, &[CVal::U64(u64::MAX)])
        .unwrap_err();
    let trap = err.as_trap().expect("a trap");
    assert_eq!(trap.kind, TrapKind::StackOverflow, "{trap}");
    assert!(!trap.backtrace.is_empty());
}

/// `Module::deserialize`, for inputs that are made by `serialize` or are
/// refused before any code is mapped (which is what the tests check).
fn load_module(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
    // SAFETY: see above; no input here is crafted code.
    unsafe { Module::deserialize(engine, bytes) }
}

/// `Component::deserialize`, on the same terms as [`load_module`].
fn load_component(engine: &Engine, bytes: &[u8]) -> Result<Component, Error> {
    // SAFETY: see `load_module`.
    unsafe { Component::deserialize(engine, bytes) }
}

fn refusal(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Ok(loaded) => panic!("loaded: {loaded:?}"),
        Err(Error::Artifact(message)) => message,
        Err(other) => panic!("refused, but not as an artifact error: {other}"),
    }
}

#[test]
fn artifacts_are_refused_with_the_reason() {
    let artifact = serialized_module();
    let engine = Engine::default();
    let fuel = Engine::new(&Config {
        consume_fuel: true,
        ..Config::default()
    })
    .unwrap();
    let message = refusal(load_module(&fuel, &artifact));
    assert!(
        message.contains("fuel=false, this engine has fuel=true"),
        "{message}"
    );

    let message = refusal(load_component(&engine, &artifact));
    assert!(
        message.contains("core module artifact, not a component one"),
        "{message}"
    );

    let wasm = wat::parse_str(WAT).unwrap();
    let message = refusal(load_module(&engine, &wasm));
    assert!(
        message.contains("wasm binary, not a precompiled artifact"),
        "{message}"
    );

    for at in [
        20,
        artifact.len() / 2,
        artifact.len() - 40,
        artifact.len() - 1,
    ] {
        let mut damaged = artifact.clone();
        damaged[at] ^= 0x40;
        let message = refusal(load_module(&engine, &damaged));
        assert!(message.contains("checksum"), "byte {at}: {message}");
    }

    let message = refusal(load_module(&engine, &artifact[..artifact.len() - 3]));
    assert!(message.contains("truncated"), "{message}");
    assert!(weft_runtime::is_artifact(&artifact));
    assert!(!weft_runtime::is_artifact(&wasm));
}

fn cached_engine(dir: &Path) -> Engine {
    Engine::new(&Config {
        cache_dir: Some(dir.to_path_buf()),
        ..Config::default()
    })
    .unwrap()
}

#[test]
fn the_cache_compiles_once_per_component_and_settings() {
    let dir = Scratch::vacant("artifacts", "component");
    let bytes = common::guests::component("kitchen-sink");
    let first = Component::new(&cached_engine(&dir), &bytes).unwrap();
    assert!(!first.from_cache());
    let entries = || std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(entries(), 1);

    // A new engine, as a new process would have.
    let second = Component::new(&cached_engine(&dir), &bytes).unwrap();
    assert!(second.from_cache());
    let mut sink = Sink::of(&second);
    let sum = sink.func(&format!("{COMPOUND}#sum-u32"));
    let values = CVal::List((1..=100).map(CVal::U32).collect());
    assert_eq!(
        sum.call(&mut sink.store, &[values]).unwrap(),
        [CVal::U64(5050)]
    );

    // Other settings, other code: a second entry, not a wrong hit.
    let fuel = Engine::new(&Config {
        cache_dir: Some(dir.to_path_buf()),
        consume_fuel: true,
        ..Config::default()
    })
    .unwrap();
    assert!(!Component::new(&fuel, &bytes).unwrap().from_cache());
    assert_eq!(entries(), 2);

    // A damaged entry is compiled again and replaced.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let mut data = std::fs::read(&path).unwrap();
        data.truncate(data.len() / 2);
        std::fs::write(&path, data).unwrap();
    }
    assert!(!Component::new(&cached_engine(&dir), &bytes)
        .unwrap()
        .from_cache());
    assert!(Component::new(&cached_engine(&dir), &bytes)
        .unwrap()
        .from_cache());
}

#[test]
fn the_cache_serves_core_modules_and_reports_invalid_wasm() {
    let dir = Scratch::vacant("artifacts", "module");
    let wasm = wat::parse_str(WAT).unwrap();
    let engine = cached_engine(&dir);
    assert!(!Module::new(&engine, &wasm).unwrap().from_cache());
    let again = cached_engine(&dir);
    let module = Module::new(&again, &wasm).unwrap();
    assert!(module.from_cache());
    run_module(&again, &module);

    let err = Module::new(&engine, b"\0asm\x01\0\0\0\x7f").unwrap_err();
    assert!(matches!(err, Error::Invalid { .. }), "{err}");
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "nothing cached for bad wasm"
    );
}

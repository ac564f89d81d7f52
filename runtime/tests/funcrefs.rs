//! Function references: a defined function's `VMFuncRef` is written on
//! first use (an export looked up, `ref.func`, an active or passive element
//! segment, the start function), not at instantiation. Whichever use comes
//! first, every use must see the same function, bound to its own instance.

use weft_runtime::{Engine, Func, FuncType, Instance, Linker, Module, Store, Val, ValType};

const MODULE: &str = r#"(module
    (global $calls (mut i32) (i32.const 0))
    (global $started (mut i32) (i32.const 0))
    (table $t 2 funcref)
    (elem (table $t) (i32.const 0) func $seven $count)
    (elem declare func $hidden)
    (func $seven (result i32) i32.const 7)
    (func $count (export "count") (result i32)
      (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
      (global.get $calls))
    (func $hidden (result i32) i32.const 11)
    (func $start (global.set $started (i32.const 1)))
    (start $start)
    (func (export "started") (result i32) global.get $started)
    (func (export "ref_count") (result funcref) ref.func $count)
    (func (export "ref_hidden") (result funcref) ref.func $hidden)
    (func (export "call_slot") (param i32) (result i32)
      (call_indirect $t (result i32) (local.get 0))))"#;

fn setup() -> (Store<()>, Module) {
    let engine = Engine::default();
    let wasm = wat::parse_str(MODULE).expect("valid wat");
    let module = Module::new(&engine, &wasm).expect("compiles");
    (Store::new(&engine, ()), module)
}

fn instantiate(store: &mut Store<()>, module: &Module) -> Instance {
    Linker::new(store.engine())
        .instantiate(&mut *store, module)
        .expect("instantiates")
}

fn call(store: &mut Store<()>, func: Func, args: &[Val]) -> Val {
    let mut results = [Val::I32(0)];
    func.call(&mut *store, args, &mut results).expect("no trap");
    results[0]
}

fn call_export(store: &mut Store<()>, instance: Instance, name: &str, args: &[Val]) -> Val {
    let func = instance.get_func(&mut *store, name).expect("exported");
    call(store, func, args)
}

fn funcref(val: Val) -> Func {
    match val {
        Val::FuncRef(Some(func)) => func,
        other => panic!("expected a non-null funcref, got {other:?}"),
    }
}

#[test]
fn the_start_function_and_element_segments_need_no_export() {
    let (mut store, module) = setup();
    let instance = instantiate(&mut store, &module);
    assert_eq!(
        call_export(&mut store, instance, "started", &[]),
        Val::I32(1)
    );
    assert_eq!(
        call_export(&mut store, instance, "call_slot", &[Val::I32(0)]),
        Val::I32(7)
    );
    assert_eq!(
        call_export(&mut store, instance, "call_slot", &[Val::I32(1)]),
        Val::I32(1)
    );
}

#[test]
fn ref_func_of_an_unexported_function_is_stable_and_callable() {
    let (mut store, module) = setup();
    let instance = instantiate(&mut store, &module);
    let first = funcref(call_export(&mut store, instance, "ref_hidden", &[]));
    let second = funcref(call_export(&mut store, instance, "ref_hidden", &[]));
    assert_eq!(first, second);
    assert_eq!(call(&mut store, first, &[]), Val::I32(11));
}

/// Functions reached only through exports and `ref.func` (in no active
/// or passive segment): compiled `ref.func` finds their funcref null and
/// makes it, through the `ref_func` builtin. The import shifts defined
/// functions' indices.
const EXPORTED_ONLY: &str = r#"(module
    (import "host" "seven" (func $seven (result i32)))
    (export "seven" (func $seven))
    (global $calls (mut i32) (i32.const 0))
    (func $count (export "count") (result i32)
      (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
      (global.get $calls))
    (func $five (export "five") (result i32) i32.const 5)
    (func (export "ref_count") (result funcref) ref.func $count)
    (func (export "ref_seven") (result funcref) ref.func $seven)
    (func (export "ref_in_loop") (param $n i32) (result funcref)
      (local $last funcref)
      (loop $again
        (local.set $last (ref.func $five))
        (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (local.get $last)))"#;

/// A store, `EXPORTED_ONLY` compiled, and a linker holding its import: a
/// host function returning 7 (also returned, to compare funcrefs with).
fn exported_only() -> (Store<()>, Module, Linker<()>, Func) {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let seven = Func::new(
        &mut store,
        FuncType::new([], [ValType::I32]),
        |_, results| {
            results[0] = Val::I32(7);
            Ok(())
        },
    )
    .expect("a host function");
    let wasm = wat::parse_str(EXPORTED_ONLY).expect("valid wat");
    let module = Module::new(&engine, &wasm).expect("compiles");
    let mut linker = Linker::new(&engine);
    linker.define("host", "seven", seven).expect("defines");
    (store, module, linker, seven)
}

#[test]
fn ref_func_and_export_agree_in_either_order() {
    let (mut store, module, linker, _) = exported_only();

    // `ref.func` first (the builtin makes the funcref), then the export.
    let a = linker
        .instantiate(&mut store, &module)
        .expect("instantiates");
    let by_ref = funcref(call_export(&mut store, a, "ref_count", &[]));
    let by_name = a.get_func(&mut store, "count").expect("exported");
    assert_eq!(by_ref, by_name);

    // The export first, then `ref.func` (the pointer is already there).
    let b = linker
        .instantiate(&mut store, &module)
        .expect("instantiates");
    let by_name_b = b.get_func(&mut store, "count").expect("exported");
    let by_ref_b = funcref(call_export(&mut store, b, "ref_count", &[]));
    assert_eq!(by_ref_b, by_name_b);

    // Each instance's function runs on that instance's state, however it
    // was reached.
    assert_ne!(by_ref, by_ref_b);
    assert_eq!(call(&mut store, by_ref, &[]), Val::I32(1));
    assert_eq!(call(&mut store, by_name, &[]), Val::I32(2));
    assert_eq!(call(&mut store, by_ref_b, &[]), Val::I32(1));
}

#[test]
fn ref_func_in_a_loop_and_of_an_import() {
    let (mut store, module, linker, seven) = exported_only();
    let instance = linker
        .instantiate(&mut store, &module)
        .expect("instantiates");

    let looped = funcref(call_export(
        &mut store,
        instance,
        "ref_in_loop",
        &[Val::I32(3)],
    ));
    assert_eq!(Some(looped), instance.get_func(&mut store, "five"));
    assert_eq!(call(&mut store, looped, &[]), Val::I32(5));

    // An imported function's funcref is the one the host made.
    let imported = funcref(call_export(&mut store, instance, "ref_seven", &[]));
    assert_eq!(imported, seven);
    assert_eq!(Some(imported), instance.get_func(&mut store, "seven"));
    assert_eq!(call(&mut store, imported, &[]), Val::I32(7));
}

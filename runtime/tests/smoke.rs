//! First end-to-end checks of the runtime: compile, instantiate, call,
//! trap.

use weft_runtime::{Engine, Linker, Module, Store, TrapKind, Val};

fn instance(wat: &str) -> (Store<()>, weft_runtime::Instance) {
    let engine = Engine::default();
    let wasm = wat::parse_str(wat).expect("valid wat");
    let module = Module::new(&engine, &wasm).expect("compiles");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("instantiates");
    (store, instance)
}

fn call(
    store: &mut Store<()>,
    instance: weft_runtime::Instance,
    name: &str,
    args: &[Val],
) -> Result<Val, weft_runtime::Error> {
    let func = instance.get_func(store, name).expect("exported");
    let mut results = [Val::I32(0)];
    func.call(store, args, &mut results)?;
    Ok(results[0])
}

#[test]
fn adds_and_recurses() {
    let (mut store, instance) = instance(
        r#"(module
            (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
            (func $fib (export "fib") (param i64) (result i64)
              (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
                (then (local.get 0))
                (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1)))
                               (call $fib (i64.sub (local.get 0) (i64.const 2))))))))"#,
    );
    assert_eq!(
        call(&mut store, instance, "add", &[Val::I32(40), Val::I32(2)]).unwrap(),
        Val::I32(42)
    );
    assert_eq!(
        call(&mut store, instance, "fib", &[Val::I64(20)]).unwrap(),
        Val::I64(6765)
    );
}

#[test]
fn memory_loads_stores_and_traps_out_of_bounds() {
    let (mut store, instance) = instance(
        r#"(module (memory 1)
            (func (export "poke") (param i32 i32) (result i32)
              (i32.store (local.get 0) (local.get 1)) (i32.load (local.get 0))))"#,
    );
    assert_eq!(
        call(&mut store, instance, "poke", &[Val::I32(8), Val::I32(7)]).unwrap(),
        Val::I32(7)
    );
    let err = call(
        &mut store,
        instance,
        "poke",
        &[Val::I32(65536), Val::I32(7)],
    )
    .unwrap_err();
    assert_eq!(
        err.as_trap().expect("a trap").kind,
        TrapKind::MemoryOutOfBounds
    );
    // The instance stays usable after a trap.
    assert_eq!(
        call(&mut store, instance, "poke", &[Val::I32(0), Val::I32(9)]).unwrap(),
        Val::I32(9)
    );
}

#[test]
fn deep_recursion_is_call_stack_exhausted() {
    let (mut store, instance) = instance(
        r#"(module (func $f (export "f") (param i32) (result i32) (call $f (local.get 0))))"#,
    );
    let err = call(&mut store, instance, "f", &[Val::I32(1)]).unwrap_err();
    assert_eq!(err.as_trap().expect("a trap").kind, TrapKind::StackOverflow);
    let err = call(&mut store, instance, "f", &[Val::I32(1)]).unwrap_err();
    assert_eq!(err.as_trap().expect("a trap").kind, TrapKind::StackOverflow);
}

#[test]
fn typed_calls_check_the_type_once_and_pass_native_values() {
    let (mut store, instance) = instance(
        r#"(module
            (func (export "mix") (param i32 i64 f32 f64) (result f64)
              (f64.add (f64.add (f64.convert_i32_s (local.get 0)) (f64.convert_i64_s (local.get 1)))
                       (f64.add (f64.promote_f32 (local.get 2)) (local.get 3))))
            (func (export "pair") (param i32) (result i32 i64)
              (local.get 0) (i64.extend_i32_s (i32.mul (local.get 0) (i32.const 2))))
            (func (export "nothing"))
            (func (export "boom") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0))))"#,
    );
    let mix = instance.get_func(&mut store, "mix").unwrap();
    let typed = mix.typed::<(i32, i64, f32, f64), f64, _>(&store).unwrap();
    assert_eq!(typed.call(&mut store, (1, 2, 0.5, 0.25)).unwrap(), 3.75);

    let pair = instance.get_func(&mut store, "pair").unwrap();
    let typed = pair.typed::<i32, (i32, i64), _>(&store).unwrap();
    assert_eq!(typed.call(&mut store, -21).unwrap(), (-21, -42));

    let nothing = instance.get_func(&mut store, "nothing").unwrap();
    nothing
        .typed::<(), (), _>(&store)
        .unwrap()
        .call(&mut store, ())
        .unwrap();

    // A wrong type is refused when the handle is made, not per call.
    let err = mix
        .typed::<(i32, i32), f64, _>(&store)
        .err()
        .expect("type mismatch");
    assert!(
        err.to_string()
            .contains("not (func (param i32 i32) (result f64))"),
        "{err}"
    );

    // Traps come back through the typed path too.
    let boom = instance
        .get_func(&mut store, "boom")
        .unwrap()
        .typed::<i32, i32, _>(&store)
        .unwrap();
    let err = boom.call(&mut store, 0).unwrap_err();
    assert_eq!(err.as_trap().unwrap().kind, TrapKind::IntegerDivisionByZero);
    assert_eq!(boom.call(&mut store, 1).unwrap(), 1);
}

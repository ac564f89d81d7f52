//! Every trap kind the runtime produces from wasm, with its backtrace, and
//! the store staying usable after each.

use weft_runtime::{
    Engine, Error, FuncType, Instance, Linker, Module, Store, Trap, TrapKind, Val, ValType,
};

fn instantiate(wat: &str) -> (Store<()>, Instance) {
    let engine = Engine::default();
    let wasm = wat::parse_str(wat).expect("valid wat");
    let module = Module::new(&engine, &wasm).expect("compiles");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("instantiates");
    (store, instance)
}

/// Calls `name` with `args`; its results.
fn call(
    store: &mut Store<()>,
    instance: Instance,
    name: &str,
    args: &[Val],
) -> Result<Vec<Val>, Error> {
    let func = instance
        .get_func(store, name)
        .unwrap_or_else(|| panic!("`{name}` is exported"));
    let mut results: Vec<Val> = func
        .ty(store)
        .results()
        .iter()
        .map(|t| Val::default_for(*t))
        .collect();
    func.call(store, args, &mut results)?;
    Ok(results)
}

/// Calls `name`, which must trap; the trap.
fn trap(store: &mut Store<()>, instance: Instance, name: &str, args: &[Val]) -> Trap {
    match call(store, instance, name, args) {
        Ok(results) => panic!("`{name}` returned {results:?} instead of trapping"),
        Err(Error::Trap(trap)) => trap,
        Err(other) => panic!("`{name}` failed without a trap: {other}"),
    }
}

/// Checks that each of `names` traps with `kind`, naming the trapping
/// function first in the backtrace, and that `ok` still runs afterwards.
fn assert_traps(wat: &str, names: &[&str], kind: TrapKind) {
    let (mut store, instance) = instantiate(wat);
    for name in names {
        let trap = trap(&mut store, instance, name, &[]);
        assert_eq!(trap.kind, kind, "`{name}`: {trap}");
        let top = trap
            .backtrace
            .first()
            .unwrap_or_else(|| panic!("`{name}`: no backtrace: {trap}"));
        assert_eq!(top.func_name.as_deref(), Some(*name), "`{name}`: {trap}");
        assert_eq!(
            call(&mut store, instance, "ok", &[]).expect("`ok` runs after a trap"),
            [Val::I32(7)]
        );
    }
}

const OK: &str = r#"(func $ok (export "ok") (result i32) i32.const 7)"#;

#[test]
fn unreachable() {
    assert_traps(
        &format!(r#"(module {OK} (func $boom (export "boom") unreachable))"#),
        &["boom"],
        TrapKind::Unreachable,
    );
}

#[test]
fn memory_out_of_bounds() {
    assert_traps(
        &format!(
            r#"(module {OK}
              (memory 1)
              (data $d "abcd")
              (func $load (export "load") (drop (i32.load (i32.const 65533))))
              (func $load_offset (export "load_offset")
                (drop (i64.load offset=0xffff_fff0 (i32.const 0x100))))
              (func $store (export "store") (i32.store8 (i32.const 65536) (i32.const 1)))
              (func $store_negative (export "store_negative")
                (f64.store (i32.const -1) (f64.const 1)))
              (func $fill (export "fill")
                (memory.fill (i32.const 65000) (i32.const 0) (i32.const 537)))
              (func $copy (export "copy")
                (memory.copy (i32.const 0) (i32.const 65535) (i32.const 2)))
              (func $init (export "init")
                (memory.init $d (i32.const 65534) (i32.const 0) (i32.const 4)))
              (func $init_past_segment (export "init_past_segment")
                (memory.init $d (i32.const 0) (i32.const 2) (i32.const 3))))"#
        ),
        &[
            "load",
            "load_offset",
            "store",
            "store_negative",
            "fill",
            "copy",
            "init",
            "init_past_segment",
        ],
        TrapKind::MemoryOutOfBounds,
    );
}

#[test]
fn memory_bulk_operations_in_bounds_do_not_trap() {
    let (mut store, instance) = instantiate(
        r#"(module (memory (export "mem") 1)
          (data $d "abcd")
          (func (export "run") (result i32)
            (memory.fill (i32.const 65532) (i32.const 0x61) (i32.const 4))
            (memory.copy (i32.const 0) (i32.const 65532) (i32.const 4))
            (memory.init $d (i32.const 65532) (i32.const 0) (i32.const 4))
            ;; Zero-length operations at the very end are in bounds.
            (memory.fill (i32.const 65536) (i32.const 0) (i32.const 0))
            (memory.copy (i32.const 65536) (i32.const 65536) (i32.const 0))
            (memory.init $d (i32.const 65536) (i32.const 4) (i32.const 0))
            (i32.add (i32.load (i32.const 0)) (i32.load (i32.const 65532)))))"#,
    );
    let expected = i32::from_le_bytes(*b"aaaa").wrapping_add(i32::from_le_bytes(*b"abcd"));
    assert_eq!(
        call(&mut store, instance, "run", &[]).unwrap(),
        [Val::I32(expected)]
    );
}

#[test]
fn table_out_of_bounds() {
    assert_traps(
        &format!(
            r#"(module {OK}
              (table $t 2 funcref)
              (table $u 3 externref)
              (elem $e func $ok $ok)
              (func $get (export "get") (drop (table.get $t (i32.const 2))))
              (func $set (export "set") (table.set $u (i32.const 3) (ref.null extern)))
              (func $fill (export "fill")
                (table.fill $u (i32.const 2) (ref.null extern) (i32.const 2)))
              (func $copy (export "copy")
                (table.copy $t $t (i32.const 1) (i32.const 0) (i32.const 2)))
              (func $init (export "init")
                (table.init $t $e (i32.const 1) (i32.const 0) (i32.const 2)))
              (func $init_past_segment (export "init_past_segment")
                (table.init $t $e (i32.const 0) (i32.const 1) (i32.const 2))))"#
        ),
        &["get", "set", "fill", "copy", "init", "init_past_segment"],
        TrapKind::TableOutOfBounds,
    );
}

#[test]
fn call_indirect_traps() {
    let wat = format!(
        r#"(module {OK}
          (type $v (func))
          (table 3 funcref)
          (elem (i32.const 0) $ok $f)
          (func $f)
          (func $past_end (export "past_end") (call_indirect (type $v) (i32.const 3)))
          (func $far_past_end (export "far_past_end")
            (call_indirect (type $v) (i32.const -1)))
          (func $null (export "null") (call_indirect (type $v) (i32.const 2)))
          (func $bad_signature (export "bad_signature")
            (call_indirect (type $v) (i32.const 0)))
          (func $good (export "good") (result i32)
            (call_indirect (result i32) (i32.const 0))))"#
    );
    assert_traps(
        &wat,
        &["past_end", "far_past_end"],
        TrapKind::UndefinedElement,
    );
    assert_traps(&wat, &["null"], TrapKind::IndirectCallToNull);
    assert_traps(&wat, &["bad_signature"], TrapKind::BadSignature);
    let (mut store, instance) = instantiate(&wat);
    assert_eq!(
        call(&mut store, instance, "good", &[]).unwrap(),
        [Val::I32(7)]
    );
}

#[test]
fn integer_overflow() {
    assert_traps(
        &format!(
            r#"(module {OK}
              (func $div_s (export "div_s")
                (drop (i32.div_s (i32.const 0x8000_0000) (i32.const -1))))
              (func $div_s_64 (export "div_s_64")
                (drop (i64.div_s (i64.const 0x8000_0000_0000_0000) (i64.const -1))))
              (func $trunc (export "trunc") (drop (i32.trunc_f32_s (f32.const 3e9))))
              (func $trunc_negative (export "trunc_negative")
                (drop (i32.trunc_f64_u (f64.const -1))))
              (func $trunc_inf (export "trunc_inf") (drop (i64.trunc_f64_s (f64.const inf)))))"#
        ),
        &["div_s", "div_s_64", "trunc", "trunc_negative", "trunc_inf"],
        TrapKind::IntegerOverflow,
    );
}

#[test]
fn near_misses_of_integer_traps_do_not_trap() {
    let (mut store, instance) = instantiate(
        r#"(module
          (func (export "rem_s") (result i32) (i32.rem_s (i32.const 0x8000_0000) (i32.const -1)))
          (func (export "rem_s_64") (result i64)
            (i64.rem_s (i64.const 0x8000_0000_0000_0000) (i64.const -1)))
          (func (export "trunc") (result i32) (i32.trunc_f32_s (f32.const -2147483648)))
          (func (export "trunc_u") (result i32) (i32.trunc_f64_u (f64.const -0.9)))
          (func (export "trunc_sat") (result i32) (i32.trunc_sat_f32_s (f32.const nan))))"#,
    );
    for (name, expected) in [
        ("rem_s", Val::I32(0)),
        ("rem_s_64", Val::I64(0)),
        ("trunc", Val::I32(i32::MIN)),
        ("trunc_u", Val::I32(0)),
        ("trunc_sat", Val::I32(0)),
    ] {
        assert_eq!(
            call(&mut store, instance, name, &[]).unwrap(),
            [expected],
            "{name}"
        );
    }
}

#[test]
fn integer_division_by_zero() {
    assert_traps(
        &format!(
            r#"(module {OK}
              (func $div_s (export "div_s") (drop (i32.div_s (i32.const 1) (i32.const 0))))
              (func $div_u (export "div_u") (drop (i32.div_u (i32.const 1) (i32.const 0))))
              (func $rem_s (export "rem_s") (drop (i64.rem_s (i64.const 1) (i64.const 0))))
              (func $rem_u (export "rem_u") (drop (i64.rem_u (i64.const 1) (i64.const 0))))
              (func $div_min (export "div_min")
                (drop (i32.div_s (i32.const 0x8000_0000) (i32.const 0)))))"#
        ),
        &["div_s", "div_u", "rem_s", "rem_u", "div_min"],
        TrapKind::IntegerDivisionByZero,
    );
}

#[test]
fn bad_conversion_to_integer() {
    assert_traps(
        &format!(
            r#"(module {OK}
              (func $f32 (export "f32") (drop (i32.trunc_f32_s (f32.const nan))))
              (func $f64_u (export "f64_u") (drop (i64.trunc_f64_u (f64.const -nan:0x4))))
              (func $f32_u_64 (export "f32_u_64") (drop (i64.trunc_f32_u (f32.const nan)))))"#
        ),
        &["f32", "f64_u", "f32_u_64"],
        TrapKind::BadConversionToInteger,
    );
}

#[test]
fn stack_overflow_then_the_instance_runs_again() {
    let (mut store, instance) = instantiate(
        r#"(module
          (global $depth (mut i32) (i32.const 0))
          (func $recurse (export "recurse") (param i32) (result i32)
            (global.set $depth (i32.add (global.get $depth) (i32.const 1)))
            (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
          (func $countdown (export "countdown") (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0))
              (then (i32.const 0))
              (else (i32.add (call $countdown (i32.sub (local.get 0) (i32.const 1)))
                             (i32.const 1)))))
          (func (export "depth") (result i32) (global.get $depth)))"#,
    );
    for round in 0..10 {
        let trap = trap(&mut store, instance, "recurse", &[Val::I32(0)]);
        assert_eq!(trap.kind, TrapKind::StackOverflow, "round {round}: {trap}");
        assert!(
            trap.backtrace
                .iter()
                .all(|f| f.func_name.as_deref() == Some("recurse")),
            "round {round}: {trap}"
        );
        assert!(trap.backtrace.len() > 10, "round {round}: {trap}");
        // Moderate recursion works right after.
        assert_eq!(
            call(&mut store, instance, "countdown", &[Val::I32(1000)]).unwrap(),
            [Val::I32(1000)],
            "round {round}"
        );
    }
    let Val::I32(depth) = call(&mut store, instance, "depth", &[]).unwrap()[0] else {
        panic!("depth is an i32");
    };
    assert!(depth > 10 * 100, "the recursion went {depth} calls deep");
}

#[test]
fn backtrace_is_innermost_first_with_names() {
    let (mut store, instance) = instantiate(
        r#"(module $named
          (memory 1)
          (func $inner (param i32) (result i32)
            (i32.load (local.get 0)))
          (func $middle (param i32) (result i32)
            (i32.add (call $inner (local.get 0)) (i32.const 1)))
          (func $outer (export "outer") (param i32) (result i32)
            (i32.add (call $middle (local.get 0)) (i32.const 2))))"#,
    );
    assert_eq!(
        call(&mut store, instance, "outer", &[Val::I32(0)]).unwrap(),
        [Val::I32(3)]
    );
    let trap = trap(&mut store, instance, "outer", &[Val::I32(-4)]);
    assert_eq!(trap.kind, TrapKind::MemoryOutOfBounds, "{trap}");
    let frames: Vec<(Option<&str>, u32, Option<&str>)> = trap
        .backtrace
        .iter()
        .map(|f| (f.module.as_deref(), f.func_index, f.func_name.as_deref()))
        .collect();
    assert_eq!(
        frames,
        [
            (Some("named"), 0, Some("inner")),
            (Some("named"), 1, Some("middle")),
            (Some("named"), 2, Some("outer")),
        ],
        "{trap}"
    );
    let text = trap.to_string();
    assert!(
        text.starts_with("wasm trap: out of bounds memory access\nwasm backtrace:\n"),
        "{text}"
    );
    let inner = text.find("named!inner").expect("inner is listed");
    let middle = text.find("named!middle").expect("middle is listed");
    let outer = text.find("named!outer").expect("outer is listed");
    assert!(inner < middle && middle < outer, "{text}");
}

#[test]
fn backtrace_through_a_trap_in_a_leaf_function() {
    // `unreachable` alone in a function: the smallest frame there is.
    let (mut store, instance) = instantiate(
        r#"(module
          (func $inner unreachable)
          (func $middle (call $inner))
          (func $outer (export "outer") (call $middle)))"#,
    );
    let trap = trap(&mut store, instance, "outer", &[]);
    assert_eq!(trap.kind, TrapKind::Unreachable, "{trap}");
    let names: Vec<Option<&str>> = trap
        .backtrace
        .iter()
        .map(|f| f.func_name.as_deref())
        .collect();
    assert_eq!(
        names,
        [Some("inner"), Some("middle"), Some("outer")],
        "{trap}"
    );
}

#[test]
fn backtrace_without_a_name_section_gives_indices() {
    let engine = Engine::default();
    let wasm = wat::parse_str(
        r#"(module
          (func (export "f") (call 1))
          (func (drop (i32.div_u (i32.const 1) (i32.const 0))) (nop)))"#,
    )
    .unwrap();
    // wat emits no name section for a module without names; be sure.
    assert!(!wasm.windows(4).any(|w| w == b"name"));
    let module = Module::new(&engine, &wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let trap = trap(&mut store, instance, "f", &[]);
    assert_eq!(trap.kind, TrapKind::IntegerDivisionByZero);
    let frames: Vec<(u32, Option<&str>)> = trap
        .backtrace
        .iter()
        .map(|f| (f.func_index, f.func_name.as_deref()))
        .collect();
    assert_eq!(frames, [(1, None), (0, None)], "{trap}");
    assert!(
        trap.to_string().contains("<module>!<wasm function 1>"),
        "{trap}"
    );
}

#[test]
fn trap_in_the_start_function_fails_instantiation() {
    let engine = Engine::default();
    let wasm = wat::parse_str(r#"(module (func $start (unreachable)) (start $start))"#).unwrap();
    let module = Module::new(&engine, &wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let err = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap_err();
    let trap = err.as_trap().unwrap_or_else(|| panic!("a trap: {err}"));
    assert_eq!(trap.kind, TrapKind::Unreachable);
    assert_eq!(
        trap.backtrace.first().and_then(|f| f.func_name.as_deref()),
        Some("start"),
        "{trap}"
    );
}

/// A module importing `host`.`f` (i32) -> i32 and calling it from named
/// functions; `ok` after a trap shows the store still works.
const CALLS_HOST: &str = r#"(module
  (import "host" "f" (func $host (param i32) (result i32)))
  (func $via (param i32) (result i32) (i32.add (call $host (local.get 0)) (i32.const 1)))
  (func $run (export "run") (param i32) (result i32) (call $via (local.get 0)))
  (func $ok (export "ok") (result i32) i32.const 7))"#;

fn with_host(
    func: impl Fn(&[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
) -> (Store<()>, Instance) {
    let engine = Engine::default();
    let module = Module::new(&engine, &wat::parse_str(CALLS_HOST).unwrap()).unwrap();
    let mut store = Store::new(&engine, ());
    let ty = FuncType::new([ValType::I32], [ValType::I32]);
    let host = weft_runtime::Func::new(&mut store, ty, func).unwrap();
    let mut linker = Linker::new(&engine);
    linker.define("host", "f", host).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (store, instance)
}

#[test]
fn host_function_error_is_a_host_trap() {
    let (mut store, instance) = with_host(|params, results| {
        let Val::I32(n) = params[0] else {
            unreachable!("the type says i32")
        };
        if n < 0 {
            return Err(Trap {
                kind: TrapKind::Host(format!("negative input {n}")),
                backtrace: Vec::new(),
            });
        }
        results[0] = Val::I32(n * 2);
        Ok(())
    });
    assert_eq!(
        call(&mut store, instance, "run", &[Val::I32(20)]).unwrap(),
        [Val::I32(41)]
    );
    for _ in 0..3 {
        let trap = trap(&mut store, instance, "run", &[Val::I32(-3)]);
        assert_eq!(trap.kind, TrapKind::Host("negative input -3".into()));
        assert_eq!(
            trap.to_string().lines().next(),
            Some("wasm trap: host function failed: negative input -3")
        );
        assert_eq!(
            call(&mut store, instance, "run", &[Val::I32(1)]).unwrap(),
            [Val::I32(3)]
        );
        assert_eq!(
            call(&mut store, instance, "ok", &[]).unwrap(),
            [Val::I32(7)]
        );
    }
}

#[test]
fn host_function_trap_backtrace_names_the_wasm_callers() {
    let (mut store, instance) = with_host(|_, _| {
        Err(Trap {
            kind: TrapKind::Host("no".into()),
            backtrace: Vec::new(),
        })
    });
    let trap = trap(&mut store, instance, "run", &[Val::I32(0)]);
    assert_eq!(trap.kind, TrapKind::Host("no".into()));
    let names: Vec<Option<&str>> = trap
        .backtrace
        .iter()
        .map(|f| f.func_name.as_deref())
        .collect();
    assert_eq!(names, [Some("via"), Some("run")], "{trap}");
}

#[test]
fn host_function_panic_is_a_host_trap() {
    let (mut store, instance) = with_host(|params, results| {
        if params[0] == Val::I32(13) {
            panic!("unlucky");
        }
        results[0] = params[0];
        Ok(())
    });
    for _ in 0..3 {
        let trap = trap(&mut store, instance, "run", &[Val::I32(13)]);
        assert!(
            matches!(&trap.kind, TrapKind::Host(message) if message.contains("panicked")),
            "{trap}"
        );
        assert_eq!(
            call(&mut store, instance, "run", &[Val::I32(4)]).unwrap(),
            [Val::I32(5)]
        );
    }
}

#[test]
fn host_function_returning_a_wrong_type_is_a_host_trap() {
    let (mut store, instance) = with_host(|_, results| {
        results[0] = Val::I64(1);
        Ok(())
    });
    let trap = trap(&mut store, instance, "run", &[Val::I32(0)]);
    assert!(
        matches!(&trap.kind, TrapKind::Host(message) if message.contains("i64")),
        "{trap}"
    );
    assert_eq!(
        call(&mut store, instance, "ok", &[]).unwrap(),
        [Val::I32(7)]
    );
}

#[test]
fn traps_in_one_store_leave_another_alone() {
    let (mut a, ia) = instantiate(&format!(
        r#"(module {OK} (func (export "boom") unreachable))"#
    ));
    let (mut b, ib) = instantiate(&format!(
        r#"(module {OK} (func (export "boom") unreachable))"#
    ));
    let trap = trap(&mut a, ia, "boom", &[]);
    assert_eq!(trap.kind, TrapKind::Unreachable);
    assert_eq!(call(&mut b, ib, "ok", &[]).unwrap(), [Val::I32(7)]);
    assert_eq!(call(&mut a, ia, "ok", &[]).unwrap(), [Val::I32(7)]);
}

#[test]
fn traps_on_other_threads() {
    let handles: Vec<_> = (0..4)
        .map(|i| {
            std::thread::spawn(move || {
                let (mut store, instance) = instantiate(&format!(
                    r#"(module {OK}
                      (func $f (export "f") (param i32) (result i32)
                        (i32.div_u (i32.const 10) (local.get 0))))"#
                ));
                for _ in 0..50 {
                    let trap = trap(&mut store, instance, "f", &[Val::I32(0)]);
                    assert_eq!(trap.kind, TrapKind::IntegerDivisionByZero);
                    assert_eq!(
                        call(&mut store, instance, "f", &[Val::I32(i + 1)]).unwrap(),
                        [Val::I32(10 / (i + 1))]
                    );
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("no panic on the thread");
    }
}

/// Code is registered for the trap handler while it is mapped: modules
/// compiled and dropped on several threads at once never see a stale
/// registration (a freed code range reused by the next module's code).
#[test]
fn modules_compiled_and_dropped_on_many_threads_trap_correctly() {
    let engine = Engine::new(&weft_runtime::Config {
        parallel_compilation: false,
        ..weft_runtime::Config::default()
    })
    .unwrap();
    let wasm = wat::parse_str(
        r#"(module (func $f (export "f") (param i32) (result i32)
              (i32.div_s (i32.const 100) (local.get 0))))"#,
    )
    .unwrap();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (engine, wasm) = (engine.clone(), wasm.clone());
            std::thread::spawn(move || {
                for _ in 0..2000 {
                    let module = Module::new(&engine, &wasm).expect("compiles");
                    let mut store = Store::new(&engine, ());
                    let instance = Linker::new(&engine)
                        .instantiate(&mut store, &module)
                        .expect("instantiates");
                    let trap = trap(&mut store, instance, "f", &[Val::I32(0)]);
                    assert_eq!(trap.kind, TrapKind::IntegerDivisionByZero);
                    assert_eq!(
                        call(&mut store, instance, "f", &[Val::I32(4)]).unwrap(),
                        [Val::I32(25)]
                    );
                }
            })
        })
        .collect();
    for handle in handles {
        if let Err(panic) = handle.join() {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("a thread panicked: {message}");
        }
    }
}

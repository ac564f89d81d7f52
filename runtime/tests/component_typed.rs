//! Typed calls (`Func::typed`) on a component: flat and spilled
//! parameters and results, strings and lists moved straight between Rust
//! and linear memory, post-return, type checks, traps.

use weft_runtime::component::{Component, Linker, TypedFunc, Val};
use weft_runtime::{Engine, Error, Store};

const COMPONENT: &str = r#"
(component
  (core module $m
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 1024))
    (global $post_returns (mut i32) (i32.const 0))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $ptr i32)
      (local.set $ptr
        (i32.and
          (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
          (i32.xor (i32.sub (local.get 2) (i32.const 1)) (i32.const -1))))
      (global.set $next (i32.add (local.get $ptr) (local.get 3)))
      (local.get $ptr))
    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1)))
    ;; reverse(s: string) -> string: bytes reversed (for ASCII input)
    (func (export "reverse") (param $ptr i32) (param $len i32) (result i32)
      (local $out i32) (local $i i32)
      (local.set $out (call 0 (i32.const 0) (i32.const 0) (i32.const 1) (local.get $len)))
      (block $done
        (loop $copy
          (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
          (i32.store8
            (i32.add (local.get $out) (local.get $i))
            (i32.load8_u
              (i32.sub
                (i32.add (local.get $ptr) (local.get $len))
                (i32.add (local.get $i) (i32.const 1)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $copy)))
      (i32.store (i32.const 8) (local.get $out))
      (i32.store (i32.const 12) (local.get $len))
      (i32.const 8))
    (func (export "post-return") (param i32)
      (global.set $post_returns (i32.add (global.get $post_returns) (i32.const 1))))
    (func (export "post-returns") (result i32) (global.get $post_returns))
    ;; sum(items: list<u32>) -> u64
    (func (export "sum") (param $ptr i32) (param $len i32) (result i64)
      (local $total i64)
      (block $done
        (loop $next
          (br_if $done (i32.eqz (local.get $len)))
          (local.set $total
            (i64.add (local.get $total) (i64.extend_i32_u (i32.load (local.get $ptr)))))
          (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
          (local.set $len (i32.sub (local.get $len) (i32.const 1)))
          (br $next)))
      (local.get $total))
    ;; twenty(a0 .. a19: u32) -> u32: the weighted sum of its parameters,
    ;; which arrive in memory (more than 16 flat values)
    (func (export "twenty") (param $ptr i32) (result i32)
      (local $i i32) (local $total i32)
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (i32.const 20)))
          (local.set $total
            (i32.add (local.get $total)
              (i32.mul
                (i32.add (local.get $i) (i32.const 1))
                (i32.load (i32.add (local.get $ptr) (i32.shl (local.get $i) (i32.const 2)))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (local.get $total))
    ;; split(x: option<u64>) -> result<u32, string>: the high and low
    ;; words added, or an error string when absent (spilled result)
    (data (i32.const 200) "none")
    (func (export "split") (param $some i32) (param $x i64) (result i32)
      (if (local.get $some)
        (then
          (i32.store8 (i32.const 64) (i32.const 0))
          (i32.store (i32.const 68)
            (i32.add
              (i32.wrap_i64 (local.get $x))
              (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 32))))))
        (else
          (i32.store8 (i32.const 64) (i32.const 1))
          (i32.store (i32.const 68) (i32.const 200))
          (i32.store (i32.const 72) (i32.const 4))))
      (i32.const 64))
    ;; a string result that is not UTF-8
    (data (i32.const 100) "\ff\fe")
    (func (export "broken") (result i32)
      (i32.store (i32.const 32) (i32.const 100))
      (i32.store (i32.const 36) (i32.const 2))
      (i32.const 32))
    (func (export "boom") (param i32) (result i32) unreachable))
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "realloc" (core func $realloc))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "add")))
  (func (export "reverse") (param "s" string) (result string)
    (canon lift (core func $i "reverse") (memory $mem) (realloc $realloc)
      (post-return (core func $i "post-return"))))
  (func (export "post-returns") (result u32)
    (canon lift (core func $i "post-returns")))
  (func (export "sum") (param "items" (list u32)) (result u64)
    (canon lift (core func $i "sum") (memory $mem) (realloc $realloc)))
  (func (export "twenty")
    (param "a0" u32) (param "a1" u32) (param "a2" u32) (param "a3" u32)
    (param "a4" u32) (param "a5" u32) (param "a6" u32) (param "a7" u32)
    (param "a8" u32) (param "a9" u32) (param "a10" u32) (param "a11" u32)
    (param "a12" u32) (param "a13" u32) (param "a14" u32) (param "a15" u32)
    (param "a16" u32) (param "a17" u32) (param "a18" u32) (param "a19" u32)
    (result u32)
    (canon lift (core func $i "twenty") (memory $mem) (realloc $realloc)))
  (func (export "split") (param "x" (option u64)) (result (result u32 (error string)))
    (canon lift (core func $i "split") (memory $mem) (realloc $realloc)))
  (func (export "broken") (result string)
    (canon lift (core func $i "broken") (memory $mem)))
  (func (export "boom") (param "x" u32) (result u32)
    (canon lift (core func $i "boom")))
)
"#;

fn setup() -> (Store<()>, weft_runtime::component::Instance) {
    let engine = Engine::default();
    let bytes = wat::parse_str(COMPONENT).expect("valid text");
    let component = Component::new(&engine, &bytes).expect("valid component");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &component)
        .expect("instantiates");
    (store, instance)
}

fn typed<P, R>(
    store: &mut Store<()>,
    instance: &weft_runtime::component::Instance,
    name: &str,
) -> TypedFunc<P, R>
where
    P: weft_runtime::component::ComponentParams,
    R: weft_runtime::component::Lift,
{
    let func = instance.get_func(store, name).expect("exported");
    func.typed::<P, R, _>(store).expect("types match")
}

#[test]
fn flat_scalars() {
    let (mut store, instance) = setup();
    let add = typed::<(u32, u32), u32>(&mut store, &instance, "add");
    assert_eq!(add.call(&mut store, (2, 40)).unwrap(), 42);
    assert_eq!(add.call(&mut store, (u32::MAX, 1)).unwrap(), 0);
}

#[test]
fn strings_in_and_spilled_out_with_post_return() {
    let (mut store, instance) = setup();
    let reverse = typed::<(&str,), String>(&mut store, &instance, "reverse");
    let post_returns = typed::<(), u32>(&mut store, &instance, "post-returns");
    assert_eq!(reverse.call(&mut store, ("stressed",)).unwrap(), "desserts");
    assert_eq!(reverse.call(&mut store, ("",)).unwrap(), "");
    let long: String = (0..4096)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let expected: String = long.chars().rev().collect();
    assert_eq!(
        reverse.call(&mut store, (long.as_str(),)).unwrap(),
        expected
    );
    assert_eq!(post_returns.call(&mut store, ()).unwrap(), 3);
    // The same function through the dynamic API agrees.
    let func = instance.get_func(&mut store, "reverse").unwrap();
    let dynamic = func.call(&mut store, &[Val::String("abc".into())]).unwrap();
    assert_eq!(dynamic, vec![Val::String("cba".into())]);
}

#[test]
fn lists_and_params_in_memory() {
    let (mut store, instance) = setup();
    let sum = typed::<(&[u32],), u64>(&mut store, &instance, "sum");
    let items: Vec<u32> = (0..1000).map(|i| i * 7 + u32::MAX / 2).collect();
    let expected: u64 = items.iter().map(|v| u64::from(*v)).sum();
    assert_eq!(sum.call(&mut store, (&items,)).unwrap(), expected);
    assert_eq!(sum.call(&mut store, (&[],)).unwrap(), 0);

    type Twenty = (
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
    );
    let twenty = typed::<Twenty, u32>(&mut store, &instance, "twenty");
    let args: Twenty = (3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4);
    let values = [
        3u32, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4,
    ];
    let expected: u32 = values
        .iter()
        .enumerate()
        .map(|(i, v)| (i as u32 + 1) * v)
        .sum();
    assert_eq!(twenty.call(&mut store, args).unwrap(), expected);
}

#[test]
fn variants_flat_in_and_spilled_out() {
    let (mut store, instance) = setup();
    let split = typed::<(Option<u64>,), Result<u32, String>>(&mut store, &instance, "split");
    let x = 0x0000_0005_0000_0007u64;
    assert_eq!(split.call(&mut store, (Some(x),)).unwrap(), Ok(12));
    assert_eq!(split.call(&mut store, (None,)).unwrap(), Err("none".into()));
}

#[test]
fn type_mismatches_are_refused_with_the_difference() {
    let (mut store, instance) = setup();
    let add = instance.get_func(&mut store, "add").unwrap();
    let err = add.typed::<(u32, &str), u32, _>(&store).err().unwrap();
    assert!(
        err.to_string()
            .contains("parameter `b`: expected string, found u32"),
        "{err}"
    );
    let err = add.typed::<(u32, u32), (), _>(&store).err().unwrap();
    assert!(
        err.to_string()
            .contains("result: expected no value, found u32"),
        "{err}"
    );
    let err = add.typed::<(u32,), u32, _>(&store).err().unwrap();
    assert!(err.to_string().contains("takes 2 parameters"), "{err}");
}

#[test]
fn traps_and_invalid_data_leave_the_store_usable() {
    let (mut store, instance) = setup();
    let broken = typed::<(), String>(&mut store, &instance, "broken");
    let err = broken.call(&mut store, ()).unwrap_err();
    assert!(matches!(err, Error::Trap(_)), "{err}");
    assert!(err.to_string().contains("invalid utf-8"), "{err}");
    let boom = typed::<(u32,), u32>(&mut store, &instance, "boom");
    let err = boom.call(&mut store, (1,)).unwrap_err();
    assert!(err.to_string().contains("unreachable"), "{err}");
    let add = typed::<(u32, u32), u32>(&mut store, &instance, "add");
    assert_eq!(add.call(&mut store, (1, 2)).unwrap(), 3);
}

#[test]
fn a_typed_func_is_refused_by_another_store() {
    let (mut store, instance) = setup();
    let add = typed::<(u32, u32), u32>(&mut store, &instance, "add");
    let (mut other, _) = setup();
    assert!(add.call(&mut other, (1, 2)).is_err());
}

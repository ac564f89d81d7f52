//! Strings between components of every pair of string encodings: a
//! caller passes a string to a callee that echoes it back, so each string
//! crosses host → caller → callee → caller → host, transcoded at each
//! step. The callee's post-return clobbers the memory its result was in,
//! so the caller must have its copy before post-return runs.

use weft_runtime::component::{Component, Linker, Val};
use weft_runtime::{Engine, Error, Store};

const ENCODINGS: [&str; 3] = ["utf8", "utf16", "latin1+utf16"];

/// A bump allocator that moves what it reallocates.
const REALLOC: &str = r#"
  (global $next (mut i32) (i32.const 1024))
  (func (export "realloc") (param $old i32) (param $old_size i32) (param $align i32)
        (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr
      (i32.and
        (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
        (i32.xor (i32.sub (local.get $align) (i32.const 1)) (i32.const -1))))
    (global.set $next (i32.add (local.get $ptr) (local.get $size)))
    (memory.copy (local.get $ptr) (local.get $old)
      (select (local.get $old_size) (local.get $size)
        (i32.lt_u (local.get $old_size) (local.get $size))))
    (local.get $ptr))"#;

/// The caller (encoding `caller`) of an echo in another component
/// (encoding `callee`), exported as `run`.
fn echo_pair(caller: &str, callee: &str) -> String {
    format!(
        r#"(component
  (component $callee
    (core module $m
      (memory (export "mem") 4)
      {REALLOC}
      (func (export "echo") (param i32 i32) (result i32)
        (i32.store (i32.const 8) (local.get 0))
        (i32.store (i32.const 12) (local.get 1))
        (i32.const 8))
      (func (export "post") (param i32)
        (memory.fill (i32.const 1024) (i32.const 0xff) (i32.const 65536))))
    (core instance $i (instantiate $m))
    (func (export "echo") (param "s" string) (result string)
      (canon lift (core func $i "echo") (memory (core memory $i "mem"))
        (realloc (core func $i "realloc")) string-encoding={callee}
        (post-return (core func $i "post")))))
  (component $caller
    (import "echo" (func $echo (param "s" string) (result string)))
    (core module $libc
      (memory (export "mem") 4)
      {REALLOC})
    (core instance $libc (instantiate $libc))
    (core func $echo (canon lower (func $echo) (memory (core memory $libc "mem"))
      (realloc (core func $libc "realloc")) string-encoding={caller}))
    (core module $m
      (import "libc" "mem" (memory 4))
      (import "" "echo" (func $echo (param i32 i32 i32)))
      (func (export "run") (param i32 i32) (result i32)
        (call $echo (local.get 0) (local.get 1) (i32.const 16))
        (i32.const 16)))
    (core instance $i (instantiate $m
      (with "libc" (instance $libc))
      (with "" (instance (export "echo" (func $echo))))))
    (func (export "run") (param "s" string) (result string)
      (canon lift (core func $i "run") (memory (core memory $libc "mem"))
        (realloc (core func $libc "realloc")) string-encoding={caller})))
  (instance $callee (instantiate $callee))
  (instance $caller (instantiate $caller (with "echo" (func $callee "echo"))))
  (export "run" (func $caller "run")))"#
    )
}

/// Calls `run` of the echo pair with `text`.
fn echo(engine: &Engine, caller: &str, callee: &str, text: &str) -> Result<Vec<Val>, Error> {
    let bytes = wat::parse_str(echo_pair(caller, callee)).expect("valid text");
    let component = Component::new(engine, &bytes).expect("valid component");
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine)
        .instantiate(&mut store, &component)
        .expect("instantiates");
    let run = instance.get_func(&mut store, "run").expect("exported");
    run.call(&mut store, &[Val::String(text.into())])
}

#[test]
fn strings_cross_every_pair_of_encodings_intact() {
    let engine = Engine::default();
    let long: String = "aé€😀".repeat(300);
    let texts = [
        "",
        "plain ASCII",
        "Latin-1: café, ÿ",
        "beyond: Σ, €, 😀",
        "ÿ then Ā",
        long.as_str(),
    ];
    for caller in ENCODINGS {
        for callee in ENCODINGS {
            for text in texts {
                let result = echo(&engine, caller, callee, text)
                    .unwrap_or_else(|e| panic!("{caller} -> {callee}, {text:?}: {e}"));
                assert_eq!(result, [Val::String(text.into())], "{caller} -> {callee}");
            }
        }
    }
}

#[test]
fn an_unpaired_surrogate_between_components_traps() {
    let engine = Engine::default();
    // The caller passes UTF-16 with a lone surrogate, straight from its
    // memory.
    let text = r#"(component
      (component $callee
        (core module $m
          (memory (export "mem") 1)
          (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 64))
          (func (export "take") (param i32 i32)))
        (core instance $i (instantiate $m))
        (func (export "take") (param "s" string)
          (canon lift (core func $i "take") (memory (core memory $i "mem"))
            (realloc (core func $i "realloc")))))
      (component $caller
        (import "take" (func $take (param "s" string)))
        (core module $libc
          (memory (export "mem") 1)
          (data (i32.const 0) "\61\00\00\d8"))
        (core instance $libc (instantiate $libc))
        (core func $take (canon lower (func $take) (memory (core memory $libc "mem"))
          string-encoding=utf16))
        (core module $m
          (import "" "take" (func $take (param i32 i32)))
          (func (export "run") (call $take (i32.const 0) (i32.const 2))))
        (core instance $i (instantiate $m (with "" (instance (export "take" (func $take))))))
        (func (export "run") (canon lift (core func $i "run"))))
      (instance $callee (instantiate $callee))
      (instance $caller (instantiate $caller (with "take" (func $callee "take"))))
      (export "run" (func $caller "run")))"#;
    let bytes = wat::parse_str(text).expect("valid text");
    let component = Component::new(&engine, &bytes).expect("valid component");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &component)
        .expect("instantiates");
    let run = instance.get_func(&mut store, "run").unwrap();
    let err = run.call(&mut store, &[]).unwrap_err();
    assert!(err.to_string().contains("invalid utf-16"), "{err}");
}

#[test]
fn a_huge_string_reaches_the_callees_realloc_before_it_is_read() {
    let engine = Engine::default();
    // The caller grows its memory to 1 GiB and passes nearly all of it as
    // UTF-16, starting with an unpaired surrogate; the callee's realloc
    // traps. Validating (or copying) the string first would take long and
    // fail differently: it is read only once there is room for it.
    let text = r#"(component
      (component $callee
        (core module $m
          (memory (export "mem") 1)
          (func (export "realloc") (param i32 i32 i32 i32) (result i32) unreachable)
          (func (export "take") (param i32 i32)))
        (core instance $i (instantiate $m))
        (func (export "take") (param "s" string)
          (canon lift (core func $i "take") (memory (core memory $i "mem"))
            (realloc (core func $i "realloc")))))
      (component $caller
        (import "take" (func $take (param "s" string)))
        (core module $libc (memory (export "mem") 1))
        (core instance $libc (instantiate $libc))
        (core func $take (canon lower (func $take) (memory (core memory $libc "mem"))
          string-encoding=utf16))
        (core module $m
          (import "libc" "mem" (memory 1))
          (import "" "take" (func $take (param i32 i32)))
          (func (export "run")
            (drop (memory.grow (i32.const 16383)))
            (i32.store16 (i32.const 0) (i32.const 0xd800))
            (call $take (i32.const 0) (i32.const 0x1fff_0000))))
        (core instance $i (instantiate $m
          (with "libc" (instance $libc))
          (with "" (instance (export "take" (func $take))))))
        (func (export "run") (canon lift (core func $i "run"))))
      (instance $callee (instantiate $callee))
      (instance $caller (instantiate $caller (with "take" (func $callee "take"))))
      (export "run" (func $caller "run")))"#;
    let bytes = wat::parse_str(text).expect("valid text");
    let component = Component::new(&engine, &bytes).expect("valid component");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &component)
        .expect("instantiates");
    let run = instance.get_func(&mut store, "run").unwrap();
    let started = std::time::Instant::now();
    let err = run.call(&mut store, &[]).unwrap_err();
    assert!(err.to_string().contains("unreachable"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

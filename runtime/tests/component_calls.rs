//! Components through the public API: instantiation with host functions,
//! calls with component values both ways, resources, and a guest handing
//! back invalid data (a trap that names the problem, after which the store
//! still works).

use weft_runtime::component::{Component, Linker, Val};
use weft_runtime::{Engine, Store};

/// A component with a bump allocator, a string echo that goes out to a
/// host `greet` import, a function returning an invalid string, and a
/// resource with a destructor.
const COMPONENT: &str = r#"
(component
  (import "greet" (func $greet (param "name" string) (result string)))
  (import "drop-counter" (func $drop_counter (param "rep" u32)))
  (core module $libc
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $ptr i32)
      (local.set $ptr
        (i32.and
          (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
          (i32.xor (i32.sub (local.get 2) (i32.const 1)) (i32.const -1))))
      (global.set $next (i32.add (local.get $ptr) (local.get 3)))
      (local.get $ptr)))
  (core instance $libc_i (instantiate $libc))
  (alias core export $libc_i "memory" (core memory $mem))
  (alias core export $libc_i "realloc" (core func $realloc))
  (core func $greet_lowered (canon lower (func $greet) (memory $mem) (realloc $realloc)))
  (core func $dropped (canon lower (func $drop_counter)))
  (core module $m
    (import "libc" "memory" (memory 1))
    (import "host" "greet" (func $greet (param i32 i32 i32)))
    (import "host" "drop-counter" (func $dropped (param i32)))
    ;; hello(name) = greet(name), through the host
    (func (export "hello") (param i32 i32) (result i32)
      (call $greet (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16))
    ;; a string that is not UTF-8
    (data (i32.const 100) "\ff\fe")
    (func (export "broken") (result i32)
      (i32.store (i32.const 32) (i32.const 100))
      (i32.store (i32.const 36) (i32.const 2))
      (i32.const 32))
    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1)))
    (func (export "dtor") (param i32) (call $dropped (local.get 0))))
  (core instance $inst (instantiate $m
    (with "libc" (instance $libc_i))
    (with "host" (instance
      (export "greet" (func $greet_lowered))
      (export "drop-counter" (func $dropped))))))
  (func (export "hello") (param "name" string) (result string)
    (canon lift (core func $inst "hello") (memory $mem) (realloc $realloc)))
  (func (export "broken") (result string)
    (canon lift (core func $inst "broken") (memory $mem)))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $inst "add")))
  (type $counter (resource (rep i32) (dtor (core func $inst "dtor"))))
  (core func $new (canon resource.new $counter))
  (core func $drop (canon resource.drop $counter))
  (core module $r
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
    (func (export "drop") (param i32) (call $drop (local.get 0))))
  (core instance $ri (instantiate $r
    (with "" (instance (export "new" (func $new)) (export "drop" (func $drop))))))
  (export $counter_export "counter" (type $counter))
  (func (export "make") (param "rep" u32) (result (own $counter_export))
    (canon lift (core func $ri "make")))
)
"#;

fn setup() -> (
    Store<()>,
    weft_runtime::component::Instance,
    std::sync::Arc<std::sync::Mutex<Vec<u32>>>,
) {
    let engine = Engine::default();
    let bytes = wat::parse_str(COMPONENT).expect("valid text");
    let component = Component::new(&engine, &bytes).expect("valid component");
    let dropped = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut linker = Linker::new(&engine);
    linker.root().func_new("greet", |_, args| match args {
        [Val::String(name)] => Ok(vec![Val::String(format!("hello, {name}!"))]),
        _ => unreachable!("type checked"),
    });
    let seen = dropped.clone();
    linker.root().func_new("drop-counter", move |_, args| {
        if let [Val::U32(rep)] = args {
            seen.lock().unwrap().push(*rep);
        }
        Ok(vec![])
    });
    let mut store = Store::new(&engine, ());
    let instance = linker
        .instantiate(&mut store, &component)
        .expect("instantiates");
    (store, instance, dropped)
}

#[test]
fn strings_go_through_guest_and_host() {
    let (mut store, instance, _) = setup();
    let hello = instance.get_func(&mut store, "hello").expect("exported");
    let result = hello
        .call(&mut store, &[Val::String("wörld".into())])
        .expect("call succeeds");
    assert_eq!(result, vec![Val::String("hello, wörld!".into())]);
    assert_eq!(hello.ty(&store).to_string(), "func(name: string) -> string");
}

#[test]
fn invalid_utf8_from_a_guest_traps_and_the_store_goes_on() {
    let (mut store, instance, _) = setup();
    let broken = instance.get_func(&mut store, "broken").unwrap();
    let err = broken.call(&mut store, &[]).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("invalid utf-8"), "{message}");
    assert!(
        message.contains("0x64"),
        "names the string's address: {message}"
    );
    let add = instance.get_func(&mut store, "add").unwrap();
    assert_eq!(
        add.call(&mut store, &[Val::U32(2), Val::U32(3)]).unwrap(),
        vec![Val::U32(5)]
    );
}

#[test]
fn arguments_of_the_wrong_type_are_refused() {
    let (mut store, instance, _) = setup();
    let add = instance.get_func(&mut store, "add").unwrap();
    let err = add
        .call(&mut store, &[Val::String("2".into()), Val::U32(3)])
        .unwrap_err();
    assert!(matches!(err, weft_runtime::Error::Type { .. }), "{err}");
}

#[test]
fn owned_resources_reach_the_host_and_their_destructor_runs() {
    let (mut store, instance, dropped) = setup();
    let make = instance.get_func(&mut store, "make").unwrap();
    let result = make.call(&mut store, &[Val::U32(42)]).unwrap();
    let [Val::Own(resource)] = result.as_slice() else {
        panic!("an own handle: {result:?}")
    };
    assert_eq!(resource.rep(), 42);
    resource.drop(&mut store).unwrap();
    assert_eq!(*dropped.lock().unwrap(), vec![42]);
}

#[test]
fn a_missing_import_is_a_link_error_naming_it() {
    let engine = Engine::default();
    let bytes = wat::parse_str(COMPONENT).unwrap();
    let component = Component::new(&engine, &bytes).unwrap();
    let mut store = Store::new(&engine, ());
    let err = match Linker::new(&engine).instantiate(&mut store, &component) {
        Err(err) => err,
        Ok(_) => panic!("instantiated without its imports"),
    };
    assert!(err.to_string().contains("missing import `greet`"), "{err}");
}

#[test]
fn a_core_module_is_not_a_component() {
    let engine = Engine::default();
    let bytes = wat::parse_str("(module)").unwrap();
    let err = match Component::new(&engine, &bytes) {
        Err(err) => err,
        Ok(_) => panic!("a module loaded as a component"),
    };
    assert!(err.to_string().contains("not a component"), "{err}");
}

#[test]
fn unknown_imports_can_be_made_to_trap_when_called() {
    let engine = Engine::default();
    let bytes = wat::parse_str(COMPONENT).unwrap();
    let component = Component::new(&engine, &bytes).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate_trapping_unknown(&mut store, &component)
        .expect("every function import is filled in");
    let add = instance.get_func(&mut store, "add").unwrap();
    assert_eq!(
        add.call(&mut store, &[Val::U32(1), Val::U32(1)]).unwrap(),
        vec![Val::U32(2)]
    );
    let hello = instance.get_func(&mut store, "hello").unwrap();
    let err = hello
        .call(&mut store, &[Val::String("x".into())])
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown import `greet` was called"),
        "{err}"
    );
}

//! Link-time checks of what components are given for their imports:
//! core modules against module types, instances export by export,
//! resource types declared equal, imports nobody needs to supply; outer
//! aliases of imported modules; calls back into a component while it
//! starts.

use weft_runtime::component::{Component, Instance, Linker, ResourceType, Val};
use weft_runtime::{Engine, Error, Module, Store};

/// Compiles the component in `text`.
fn component(engine: &Engine, text: &str) -> Component {
    let bytes = wat::parse_str(text).expect("valid text");
    Component::new(engine, &bytes).expect("valid component")
}

/// Instantiates the component in `text` with `linker`.
fn instantiate(engine: &Engine, linker: &Linker<()>, text: &str) -> Result<Instance, Error> {
    let mut store = Store::new(engine, ());
    linker.instantiate(&mut store, &component(engine, text))
}

/// A linker whose instance `host` exports the core module in `module`.
fn linker_with_module(engine: &Engine, module: &str) -> Linker<()> {
    let bytes = wat::parse_str(module).expect("valid module");
    let module = Module::new(engine, &bytes).expect("valid module");
    let mut linker = Linker::new(engine);
    linker.instance("host").module("m", module);
    linker
}

/// A component importing `host` with a module `m` of `module_type`.
fn importing_module(module_type: &str) -> String {
    format!(r#"(component (import "host" (instance (export "m" (core module {module_type})))))"#)
}

/// The link error of `result`, which must be one.
fn link_error(result: Result<Instance, Error>) -> String {
    match result {
        Err(err @ Error::Link { .. }) => err.to_string(),
        Err(other) => panic!("expected a link error, got {other}"),
        Ok(_) => panic!("expected a link error, but it linked"),
    }
}

#[test]
fn core_modules_are_checked_against_their_module_type() {
    let engine = Engine::default();
    let linker = linker_with_module(
        &engine,
        r#"(module
             (import "env" "f" (func))
             (func (export "f"))
             (table (export "t") 2 funcref)
             (memory (export "mem") 1)
             (global (export "g") i32 i32.const 0))"#,
    );
    // Fewer exports, more imports, smaller limits: a supertype.
    let fits = importing_module(
        r#"(import "env" "f" (func)) (import "env" "g" (global i32))
           (export "t" (table 1 funcref)) (export "mem" (memory 0))"#,
    );
    instantiate(&engine, &linker, &fits).expect("the module fits its type");

    let cases = [
        (
            r#"(import "env" "f" (func)) (export "x" (func))"#,
            "module export `x` not defined",
        ),
        ("", "module import `env::f` not defined"),
        (
            r#"(import "env" "f" (func)) (export "f" (global i32))"#,
            "expected global found func",
        ),
        (
            r#"(import "env" "f" (func)) (export "f" (func (param i32)))"#,
            "export `f` has the wrong type",
        ),
        (
            r#"(import "env" "f" (func)) (export "t" (table 3 funcref))"#,
            "export `t` has the wrong type",
        ),
        (
            r#"(import "env" "f" (global i32))"#,
            "expected func found global",
        ),
        (
            r#"(import "env" "f" (func (param i32)))"#,
            "module import `env::f` has the wrong type",
        ),
    ];
    for (module_type, expected) in cases {
        let err = link_error(instantiate(
            &engine,
            &linker,
            &importing_module(module_type),
        ));
        assert!(err.contains(expected), "{module_type}: {err}");
    }
}

#[test]
fn instance_exports_must_be_given_unless_they_need_nothing() {
    let engine = Engine::default();
    let mut linker = Linker::new(&engine);
    linker
        .instance("host")
        .func_new("f", |_, _| Ok(vec![Val::U32(1)]));
    let missing = r#"(component (import "host" (instance (export "g" (func)))))"#;
    let err = link_error(instantiate(&engine, &linker, missing));
    assert!(err.contains("`g`") && err.contains("not found"), "{err}");

    let kind = r#"(component (import "host" (instance (export "f" (instance)))))"#;
    let err = link_error(instantiate(&engine, &linker, kind));
    assert!(err.contains("expected instance found func"), "{err}");

    // Nobody supplies `types`, but it exports only plain types and
    // instances of nothing.
    let vacuous = r#"(component
      (import "types" (instance
        (type $t u64)
        (export "t" (type (eq $t)))
        (export "i" (instance))))
      (import "host" (instance (export "f" (func (result u32))))))"#;
    instantiate(&engine, &linker, vacuous).expect("plain types need no definition");
}

#[test]
fn resource_types_declared_equal_must_be_equal() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let (a, b) = (
        ResourceType::host(&mut store),
        ResourceType::host(&mut store),
    );
    let mut linker = Linker::new(&engine);
    linker
        .instance("host")
        .resource("a", a)
        .resource("a-again", a)
        .resource("b", b);
    let declared = |second: &str| {
        format!(
            r#"(component (import "host" (instance
                 (export "a" (type $a (sub resource)))
                 (export "{second}" (type (eq $a))))))"#
        )
    };
    let text = declared("a-again");
    linker
        .instantiate(&mut store, &component(&engine, &text))
        .expect("the same type under two names");
    let text = declared("b");
    let result = linker.instantiate(&mut store, &component(&engine, &text));
    assert!(link_error(result).contains("mismatched resource types"));
    // A type declared equal to one already given may be left out.
    let text = declared("not-defined");
    linker
        .instantiate(&mut store, &component(&engine, &text))
        .expect("an equal type needs no definition");
}

#[test]
fn nested_components_close_over_imported_modules() {
    let engine = Engine::default();
    let text = r#"(component
      (component $outer
        (import "m" (core module $m (export "g" (global i32))))
        (component $inner
          (alias outer $outer $m (core module $m))
          (core instance $i (instantiate $m))
          (alias core export $i "g" (core global $g))
          (core module $get
            (import "" "g" (global i32))
            (func (export "get") (result i32) (global.get 0)))
          (core instance $get (instantiate $get
            (with "" (instance (export "g" (global $g))))))
          (func (export "get") (result u32) (canon lift (core func $get "get"))))
        (instance $i (instantiate $inner))
        (export "get" (func $i "get")))
      (core module $one (global (export "g") i32 i32.const 1))
      (core module $two (global (export "g") i32 i32.const 2))
      (instance $a (instantiate $outer (with "m" (core module $one))))
      (instance $b (instantiate $outer (with "m" (core module $two))))
      (export "one" (func $a "get"))
      (export "two" (func $b "get")))"#;
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &component(&engine, text))
        .expect("instantiates");
    for (name, value) in [("one", 1), ("two", 2)] {
        let get = instance.get_func(&mut store, name).expect("exported");
        assert_eq!(get.call(&mut store, &[]).unwrap(), [Val::U32(value)]);
    }
}

#[test]
fn a_start_function_cannot_call_back_into_its_component() {
    let engine = Engine::default();
    let text = r#"(component
      (core module $m (func (export "")))
      (core instance $m (instantiate $m))
      (func $f (canon lift (core func $m "")))
      (core func $g (canon lower (func $f)))
      (core module $start
        (import "" "" (func $g))
        (start $g))
      (core instance (instantiate $start (with "" (instance (export "" (func $g)))))))"#;
    let err = instantiate(&engine, &Linker::new(&engine), text)
        .err()
        .expect("a trap");
    assert!(
        err.to_string().contains("cannot enter component instance"),
        "{err}"
    );
}

#[test]
fn functions_aliased_together_keep_their_own_types() {
    let engine = Engine::default();
    let mut linker = Linker::new(&engine);
    linker
        .instance("host")
        .func_new("two", |_, _| Ok(vec![Val::U32(2)]))
        .func_new("negate", |_, args| match args {
            [Val::S64(v)] => Ok(vec![Val::S64(-v)]),
            _ => unreachable!("type checked"),
        });
    // Both aliases are in one alias section.
    let text = r#"(component
      (import "host" (instance $host
        (export "two" (func (result u32)))
        (export "negate" (func (param "v" s64) (result s64)))))
      (alias export $host "two" (func $two))
      (alias export $host "negate" (func $negate))
      (export "two" (func $two))
      (export "negate" (func $negate)))"#;
    let mut store = Store::new(&engine, ());
    let instance = linker
        .instantiate(&mut store, &component(&engine, text))
        .expect("instantiates");
    let two = instance.get_func(&mut store, "two").unwrap();
    assert_eq!(two.call(&mut store, &[]).unwrap(), [Val::U32(2)]);
    let negate = instance.get_func(&mut store, "negate").unwrap();
    assert_eq!(
        negate.call(&mut store, &[Val::S64(5)]).unwrap(),
        [Val::S64(-5)]
    );
}

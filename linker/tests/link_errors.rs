//! Every way `weft link` refuses its inputs, on small components written
//! as WAT: a library exports an interface by re-exporting an instance it
//! imports, so that only the types matter. Each message must name both
//! sides (file names and WIT types); nothing may panic.

use weft_linker::{Against, Composer, LinkError, TypeMismatch};

/// A component importing interface `iface` with instance type `body`.
fn importer(iface: &str, body: &str) -> String {
    format!(r#"(component (import "{iface}" (instance {body})))"#)
}

/// A component exporting interface `iface` with instance type `body`.
fn exporter(iface: &str, body: &str) -> String {
    format!(r#"(component (import "impl" (instance $i {body})) (export "{iface}" (instance $i)))"#)
}

fn composer(inputs: &[(&str, &str)]) -> Composer {
    let mut composer = Composer::new();
    for (name, wat) in inputs {
        let bytes = wat::parse_str(wat).unwrap_or_else(|e| panic!("{name}: {e}"));
        composer.input(*name, bytes);
    }
    composer
}

fn link_fails(inputs: &[(&str, &str)]) -> LinkError {
    match composer(inputs).link() {
        Ok(_) => panic!("linking {inputs:?} succeeded"),
        Err(err) => err,
    }
}

/// The one type mismatch linking `app` and `lib` gives.
fn mismatch(app: &str, lib: &str) -> TypeMismatch {
    match link_fails(&[("app.wasm", app), ("lib.wasm", lib)]) {
        LinkError::Mismatch(mismatches) => {
            assert_eq!(mismatches.len(), 1, "{mismatches:#?}");
            let m = mismatches.into_iter().next().unwrap();
            let text = m.to_string();
            assert!(
                text.contains("app.wasm") && text.contains("lib.wasm"),
                "{text}"
            );
            m
        }
        other => panic!("expected a type mismatch, got: {other}"),
    }
}

const KV: &str = "demo:kv/store";

#[test]
fn a_result_mismatch_reads_as_wit_on_both_sides() {
    let m = mismatch(
        &importer(
            KV,
            r#"(export "get" (func (param "key" string) (result (option (list u8)))))"#,
        ),
        &exporter(
            KV,
            r#"(export "get" (func (param "key" string) (result (list u8))))"#,
        ),
    );
    assert_eq!(
        m.to_string(),
        "app.wasm imports demo:kv/store.get: func(key: string) -> option<list<u8>>, \
         but lib.wasm exports demo:kv/store.get: func(key: string) -> list<u8>\n  \
         the result: option<list<u8>> in app.wasm, list<u8> in lib.wasm"
    );
    assert_eq!(m.item.as_deref(), Some("get"));
    assert_eq!(m.against, Against::Export);

    // No result on one side.
    let m = mismatch(
        &importer(KV, r#"(export "put" (func (param "key" string)))"#),
        &exporter(
            KV,
            r#"(export "put" (func (param "key" string) (result bool)))"#,
        ),
    );
    assert_eq!(m.expected, "func(key: string)");
    assert_eq!(m.found.as_deref(), Some("func(key: string) -> bool"));
    assert!(
        m.to_string()
            .contains("the result: no result in app.wasm, bool in lib.wasm"),
        "{m}"
    );
}

#[test]
fn parameter_mismatches_name_the_parameter() {
    // A parameter's type.
    let m = mismatch(
        &importer(
            KV,
            r#"(export "get" (func (param "key" string) (param "n" u32)))"#,
        ),
        &exporter(
            KV,
            r#"(export "get" (func (param "key" string) (param "n" u64)))"#,
        ),
    );
    assert_eq!(
        m.to_string(),
        "app.wasm imports demo:kv/store.get: func(key: string, n: u32), \
         but lib.wasm exports demo:kv/store.get: func(key: string, n: u64)\n  \
         parameter `n`: u32 in app.wasm, u64 in lib.wasm"
    );
    // A parameter's name.
    let m = mismatch(
        &importer(KV, r#"(export "get" (func (param "key" string)))"#),
        &exporter(KV, r#"(export "get" (func (param "k" string)))"#),
    );
    assert!(
        m.to_string()
            .contains("the parameter names: (key) in app.wasm, (k) in lib.wasm"),
        "{m}"
    );
    // Their number.
    let m = mismatch(
        &importer(KV, r#"(export "get" (func (param "key" string)))"#),
        &exporter(
            KV,
            r#"(export "get" (func (param "key" string) (param "default" string)))"#,
        ),
    );
    assert_eq!(m.expected, "func(key: string)");
    assert_eq!(
        m.found.as_deref(),
        Some("func(key: string, default: string)")
    );
}

const GEO: &str = "demo:geo/shapes@1.0.0";

#[test]
fn a_record_field_mismatch_shows_both_records() {
    let body = |y: &str| {
        format!(
            r#"(type $p (record (field "x" s32) (field "y" {y})))
               (export "point" (type $point (eq $p)))
               (export "norm" (func (param "p" $point) (result f64)))"#
        )
    };
    let m = mismatch(&importer(GEO, &body("s32")), &exporter(GEO, &body("f32")));
    assert_eq!(
        m.to_string(),
        "app.wasm imports demo:geo/shapes@1.0.0.point: record point { x: s32, y: s32 }, \
         but lib.wasm exports demo:geo/shapes@1.0.0.point: record point { x: s32, y: f32 }\n  \
         record `point`, field `y`: s32 in app.wasm, f32 in lib.wasm\n  \
         app.wasm: record point { x: s32, y: s32 }\n  \
         lib.wasm: record point { x: s32, y: f32 }"
    );

    // A field missing: the records differ as a whole.
    let m = mismatch(
        &importer(GEO, &body("s32")),
        &exporter(
            GEO,
            r#"(type $p (record (field "x" s32)))
               (export "point" (type $point (eq $p)))
               (export "norm" (func (param "p" $point) (result f64)))"#,
        ),
    );
    assert!(m.to_string().contains("record point { x: s32 }"), "{m}");
}

#[test]
fn a_variant_case_mismatch_names_the_case() {
    let body = |cases: &str| {
        format!(
            r#"(type $s (variant {cases}))
               (export "shape" (type $shape (eq $s)))
               (export "area" (func (param "s" $shape) (result f64)))"#
        )
    };
    // A case's payload.
    let m = mismatch(
        &importer(GEO, &body(r#"(case "circle" f64) (case "none")"#)),
        &exporter(GEO, &body(r#"(case "circle" f32) (case "none")"#)),
    );
    assert!(
        m.to_string()
            .contains("variant `shape`, case `circle`: f64 in app.wasm, f32 in lib.wasm"),
        "{m}"
    );
    // A case's name.
    let m = mismatch(
        &importer(GEO, &body(r#"(case "circle" f64) (case "none")"#)),
        &exporter(GEO, &body(r#"(case "circle" f64) (case "empty")"#)),
    );
    assert!(
        m.to_string().contains(
            "variant `shape`: variant { circle(f64), none } in app.wasm, \
             variant { circle(f64), empty } in lib.wasm"
        ),
        "{m}"
    );
    // A payload on one side only.
    let m = mismatch(
        &importer(GEO, &body(r#"(case "circle" f64) (case "none")"#)),
        &exporter(GEO, &body(r#"(case "circle" f64) (case "none" u8)"#)),
    );
    assert!(
        m.to_string()
            .contains("case `none`: no payload in app.wasm, u8 in lib.wasm"),
        "{m}"
    );
}

#[test]
fn a_resource_is_not_a_record() {
    let m = mismatch(
        &importer(
            KV,
            r#"(export "thing" (type $t (sub resource)))
               (export "make" (func (result (own $t))))"#,
        ),
        &exporter(
            KV,
            r#"(type $r (record (field "id" u32)))
               (export "thing" (type $t (eq $r)))
               (export "make" (func (result $t)))"#,
        ),
    );
    let text = m.to_string();
    assert!(
        text.starts_with(
            "app.wasm imports demo:kv/store.thing: resource, \
             but lib.wasm exports demo:kv/store.thing: record thing { id: u32 }"
        ),
        "{text}"
    );
    assert!(
        text.contains("a resource in app.wasm, record { id: u32 }, not a resource in lib.wasm"),
        "{text}"
    );

    // In a function's type: an owned handle against a list.
    match link_fails(&[
        (
            "app.wasm",
            &importer(
                KV,
                r#"(export "thing" (type $t (sub resource)))
                   (export "make" (func (result (own $t))))"#,
            ),
        ),
        (
            "lib.wasm",
            &exporter(
                KV,
                r#"(export "thing" (type $t (sub resource)))
                   (export "make" (func (result (list u8))))"#,
            ),
        ),
    ]) {
        LinkError::Mismatch(m) => {
            let text = m[0].to_string();
            assert!(
                text.contains("the result: thing (a resource) in app.wasm, list<u8> in lib.wasm"),
                "{text}"
            );
        }
        other => panic!("{other}"),
    }
}

#[test]
fn resources_must_be_the_same_resource() {
    // The app's `demo:r/b` uses the resource of its import `demo:r/a`;
    // the library's `demo:r/b` uses a resource of its own.
    let app = r#"(component
        (import "demo:r/a" (instance $a (export "r" (type (sub resource)))))
        (alias export $a "r" (type $r))
        (import "demo:r/b" (instance
            (alias outer 1 $r (type $outer))
            (export "r" (type $rr (eq $outer)))
            (export "use" (func (param "x" (borrow $rr))))))
    )"#;
    let lib = exporter(
        "demo:r/b",
        r#"(export "r" (type $rr (sub resource)))
           (export "use" (func (param "x" (borrow $rr))))"#,
    );
    match link_fails(&[("app.wasm", app), ("lib.wasm", &lib)]) {
        LinkError::Mismatch(m) => {
            let text = m[0].to_string();
            assert!(text.starts_with("app.wasm imports demo:r/b.r: resource, but lib.wasm exports demo:r/b.r: resource"), "{text}");
            assert!(
                text.contains("`r`, the resource `r` of the import demo:r/a in app.wasm"),
                "{text}"
            );
            assert!(text.contains("in lib.wasm"), "{text}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn a_missing_item_is_named() {
    let m = mismatch(
        &importer(
            KV,
            r#"(export "get" (func (param "key" string) (result string)))
               (export "set" (func (param "key" string) (param "value" string)))"#,
        ),
        &exporter(
            KV,
            r#"(export "get" (func (param "key" string) (result string)))"#,
        ),
    );
    assert_eq!(
        m.to_string(),
        "app.wasm imports demo:kv/store.set: func(key: string, value: string), \
         but the demo:kv/store that lib.wasm exports has no `set`"
    );
    assert_eq!(m.found, None);

    // Exports the import does not list are fine.
    composer(&[
        (
            "app.wasm",
            &importer(KV, r#"(export "get" (func (result string)))"#),
        ),
        (
            "lib.wasm",
            &exporter(
                KV,
                r#"(export "get" (func (result string))) (export "more" (func))"#,
            ),
        ),
    ])
    .link()
    .unwrap();
}

#[test]
fn every_mismatch_is_reported_at_once() {
    let err = link_fails(&[
        (
            "app.wasm",
            &importer(
                KV,
                r#"(export "a" (func (result u8))) (export "b" (func (result u8)))"#,
            ),
        ),
        (
            "lib.wasm",
            &exporter(
                KV,
                r#"(export "a" (func (result s8))) (export "b" (func (result s8)))"#,
            ),
        ),
    ]);
    let text = err.to_string();
    assert!(text.starts_with("2 type mismatches:\n"), "{text}");
    assert!(text.contains("demo:kv/store.a: func() -> u8"), "{text}");
    assert!(text.contains("demo:kv/store.b: func() -> s8"), "{text}");
}

#[test]
fn versions_match_when_semver_compatible() {
    let body = r#"(export "get" (func (result u32)))"#;
    let plan = composer(&[
        ("app.wasm", &importer("demo:kv/store@1.0.0", body)),
        ("lib.wasm", &exporter("demo:kv/store@1.3.2", body)),
    ])
    .plan()
    .unwrap();
    let text = plan.to_string();
    assert!(
        text.contains(
            "demo:kv/store@1.0.0  <- lib.wasm exports demo:kv/store@1.3.2 (semver-compatible)"
        ),
        "{text}"
    );

    let err = link_fails(&[
        ("app.wasm", &importer("demo:kv/store@1.0.0", body)),
        ("lib.wasm", &exporter("demo:kv/store@2.0.0", body)),
    ]);
    assert!(matches!(err, LinkError::VersionMismatch { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "app.wasm imports demo:kv/store@1.0.0, but lib.wasm exports only demo:kv/store@2.0.0 of it, \
         which is not semver-compatible (a version satisfies an import of the same major version, \
         of the same minor version for 0.x, or exactly for 0.0.x)"
    );
    let err = link_fails(&[
        ("app.wasm", &importer("demo:kv/store@0.2.0", body)),
        ("lib.wasm", &exporter("demo:kv/store@0.3.0", body)),
    ]);
    assert!(
        err.to_string().contains("exports only demo:kv/store@0.3.0"),
        "{err}"
    );
}

/// A component importing `imports` and exporting `exports` (each a
/// one-function interface).
fn node(imports: &[&str], exports: &[&str]) -> String {
    let mut wat = String::from("(component\n");
    for import in imports {
        wat.push_str(&format!(
            "  (import \"{import}\" (instance (export \"f\" (func))))\n"
        ));
    }
    wat.push_str("  (import \"impl\" (instance $i (export \"f\" (func))))\n");
    for export in exports {
        wat.push_str(&format!("  (export \"{export}\" (instance $i))\n"));
    }
    wat.push(')');
    wat
}

#[test]
fn a_cycle_is_named() {
    let err = link_fails(&[
        ("a.wasm", &node(&["x:y/b"], &["x:y/a"])),
        ("b.wasm", &node(&["x:y/a"], &["x:y/b"])),
    ]);
    assert!(matches!(err, LinkError::Cycle(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "the inputs import from each other in a cycle: a.wasm imports x:y/b from b.wasm, \
         b.wasm imports x:y/a from a.wasm (and so back to a.wasm)"
    );

    // Three long, entered from a component outside it.
    let err = link_fails(&[
        ("app.wasm", &node(&["x:y/a"], &[])),
        ("a.wasm", &node(&["x:y/b"], &["x:y/a"])),
        ("b.wasm", &node(&["x:y/c"], &["x:y/b"])),
        ("c.wasm", &node(&["x:y/a"], &["x:y/c"])),
    ]);
    assert_eq!(
        err.to_string(),
        "the inputs import from each other in a cycle: a.wasm imports x:y/b from b.wasm, \
         b.wasm imports x:y/c from c.wasm, c.wasm imports x:y/a from a.wasm (and so back to a.wasm)"
    );

    // A chain is not a cycle.
    let linked = composer(&[
        ("app.wasm", &node(&["x:y/a"], &[])),
        ("a.wasm", &node(&["x:y/b"], &["x:y/a"])),
        ("b.wasm", &node(&[], &["x:y/b"])),
    ])
    .link()
    .unwrap();
    assert_eq!(linked.plan.order(), ["b.wasm", "a.wasm", "app.wasm"]);
}

#[test]
fn unsatisfied_imports_are_listed_with_require_all() {
    let mut composer = composer(&[
        ("app.wasm", &node(&["x:y/a", "wasi:cli/stdout@0.2.0"], &[])),
        ("a.wasm", &node(&["wasi:cli/stdout@0.2.0"], &["x:y/a"])),
    ]);
    let plan = composer.plan().unwrap();
    assert_eq!(plan.imports(), ["wasi:cli/stdout@0.2.0", "impl"]);
    composer.require_all(true);
    let err = composer.link().err().unwrap();
    assert_eq!(
        err.to_string(),
        "4 imports are satisfied by no input:\n  \
         app.wasm imports wasi:cli/stdout@0.2.0\n  \
         a.wasm imports wasi:cli/stdout@0.2.0\n  \
         app.wasm imports impl\n  \
         a.wasm imports impl"
    );
}

#[test]
fn one_import_of_the_result_cannot_have_two_types() {
    // Both import `wasi:x/y`, which becomes one import of the result.
    let err = match composer(&[
        (
            "app.wasm",
            r#"(component
                (import "wasi:x/y" (instance (export "f" (func (result u32)))))
                (import "demo:z/z" (instance (export "f" (func (result u64))))))"#,
        ),
        (
            "lib.wasm",
            r#"(component
                (import "wasi:x/y" (instance $w (export "f" (func (result u64)))))
                (export "demo:z/z" (instance $w)))"#,
        ),
    ])
    .link()
    {
        Err(err) => err,
        Ok(_) => panic!("linked"),
    };
    let LinkError::Mismatch(m) = &err else {
        panic!("{err}")
    };
    assert_eq!(m[0].against, Against::Import);
    let text = err.to_string();
    assert!(
        text.starts_with(
            "lib.wasm imports wasi:x/y.f: func() -> u64, but app.wasm imports wasi:x/y.f: func() -> u32"
        ),
        "{text}"
    );
    assert!(
        text.contains("one import of the result, which cannot have both types"),
        "{text}"
    );
}

#[test]
fn imports_of_one_interface_are_merged() {
    // Each needs a different function of the same interface: the result
    // imports it once, with both.
    let linked = composer(&[
        (
            "app.wasm",
            r#"(component
                (import "wasi:x/y" (instance (export "f" (func (result u32)))))
                (import "demo:z/z" (instance (export "g" (func (result u64))))))"#,
        ),
        (
            "lib.wasm",
            r#"(component
                (import "wasi:x/y" (instance $w (export "g" (func (result u64)))))
                (export "demo:z/z" (instance $w)))"#,
        ),
    ])
    .link()
    .unwrap();
    assert_eq!(linked.plan.imports(), ["wasi:x/y"]);
    let wit = weft_wit::Wit::from_binary(&linked.component, "out.wasm").unwrap();
    let text = wit.to_wit_text(None).unwrap();
    assert!(
        text.contains("f: func() -> u32;") && text.contains("g: func() -> u64;"),
        "{text}"
    );
}

#[test]
fn malformed_inputs_are_named() {
    let good = wat::parse_str(node(&[], &["x:y/a"])).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "garbage.wasm",
            b"not wasm at all".to_vec(),
            "is not a WebAssembly binary",
        ),
        ("empty.wasm", Vec::new(), "is not a WebAssembly binary"),
        (
            "module.wasm",
            wat::parse_str("(module)").unwrap(),
            "is a core WebAssembly module, not a component (make one with `weft componentize`)",
        ),
        (
            "truncated.wasm",
            good[..good.len() - 3].to_vec(),
            "is not a valid component:",
        ),
        (
            "future.wasm",
            b"\0asm\x0e\x00\x02\x00".to_vec(),
            "is not a component",
        ),
    ];
    for (name, bytes, reason) in cases {
        for position in 0..2 {
            let mut composer = Composer::new();
            if position == 0 {
                composer
                    .input(name, bytes.clone())
                    .input("good.wasm", good.clone());
            } else {
                composer
                    .input("good.wasm", good.clone())
                    .input(name, bytes.clone());
            }
            let err = composer.link().err().expect("malformed input refused");
            let text = err.to_string();
            assert!(matches!(err, LinkError::Malformed { .. }), "{text}");
            assert!(text.starts_with(&format!("{name} {reason}")), "{text}");
        }
    }
    // A bit flipped in a valid binary: an error, never a panic.
    for at in 8..good.len() {
        for bit in [0x01, 0x80] {
            let mut bytes = good.clone();
            bytes[at] ^= bit;
            let mut composer = Composer::new();
            composer
                .input("flipped.wasm", bytes)
                .input("good.wasm", good.clone());
            let _ = composer.link();
        }
    }
}

#[test]
fn other_mistakes() {
    assert!(matches!(Composer::new().link(), Err(LinkError::NoInputs)));

    let a = node(&[], &["x:y/a"]);
    let err = composer(&[("a.wasm", &a), ("a.wasm", &a)])
        .link()
        .err()
        .unwrap();
    assert_eq!(err.to_string(), "a.wasm is given twice");

    let mut c = composer(&[("a.wasm", &a)]);
    c.export("x:y/nope");
    assert_eq!(
        c.link().err().unwrap().to_string(),
        "no input exports x:y/nope (the inputs export: x:y/a (a.wasm))"
    );
}

/// A component defining resource `r` (rep 7 for the first one made) and
/// exporting it in `demo:t/types` with a function making one.
const DEFINES_R: &str = r#"(component
    (type $r (resource (rep i32)))
    (core func $new (canon resource.new $r))
    (core module $m
        (import "" "new" (func $new (param i32) (result i32)))
        (func (export "make") (result i32) i32.const 7 call $new))
    (core instance $i (instantiate $m (with "" (instance (export "new" (func $new))))))
    (func $make (result (own $r)) (canon lift (core func $i "make")))
    (instance $types (export "r" (type $r)) (export "make" (func $make)))
    (export "demo:t/types" (instance $types))
)"#;

#[test]
fn an_export_using_an_inputs_resource_brings_its_interface_along() {
    // The app's `demo:t/api` passes `r` of `demo:t/types` through.
    let app = r#"(component
        (import "demo:t/types" (instance $t
            (export "r" (type (sub resource)))
            (export "make" (func (result (own 0))))))
        (alias export $t "r" (type $r))
        (core module $m (func (export "id") (param i32) (result i32) local.get 0))
        (core instance $i (instantiate $m))
        (type $f (func (param "x" (own $r)) (result (own $r))))
        (func $id (type $f) (canon lift (core func $i "id")))
        (instance $api (export "id" (func $id)))
        (export "demo:t/api" (instance $api))
    )"#;
    let linked = composer(&[("app.wasm", app), ("lib.wasm", DEFINES_R)])
        .link()
        .unwrap();
    assert_eq!(linked.plan.exports(), ["demo:t/types", "demo:t/api"]);
    assert!(
        linked.plan.to_string().contains(
            "  demo:t/types (instance), from lib.wasm (as demo:t/api uses its resources)\n  \
             demo:t/api (instance), from app.wasm\n"
        ),
        "{}",
        linked.plan
    );
    let wit = weft_wit::Wit::from_binary(&linked.component, "out.wasm").unwrap();
    let text = wit.to_wit_text(None).unwrap();
    assert!(
        text.contains("export demo:t/types;\n  export demo:t/api;"),
        "{text}"
    );

    // With `--export demo:t/api` alone, the same.
    let mut c = composer(&[("app.wasm", app), ("lib.wasm", DEFINES_R)]);
    c.export("demo:t/api");
    assert_eq!(
        c.link().unwrap().plan.exports(),
        ["demo:t/types", "demo:t/api"]
    );
}

#[test]
fn an_import_of_the_result_cannot_use_an_inputs_resource() {
    let app = r#"(component
        (import "demo:t/types" (instance $t (export "r" (type (sub resource)))))
        (alias export $t "r" (type $r))
        (import "demo:t/more" (instance
            (alias outer 1 $r (type $outer))
            (export "r" (type $rr (eq $outer)))
            (export "eat" (func (param "x" (own $rr))))))
    )"#;
    let err = link_fails(&[("app.wasm", app), ("lib.wasm", DEFINES_R)]);
    assert!(
        matches!(err, LinkError::ImportUsesInputResource { .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "app.wasm imports demo:t/more, which no input exports, but its types use the resource `r` \
         that lib.wasm defines, so it cannot be an import of the result (give an input that \
         exports demo:t/more)"
    );

    // A resource the input passes on from its own import is the result's
    // import: that works.
    let passes_on = r#"(component
        (import "impl" (instance $i (export "r" (type (sub resource)))))
        (export "demo:t/types" (instance $i)))"#;
    let linked = composer(&[("app.wasm", app), ("lib.wasm", passes_on)])
        .link()
        .unwrap();
    assert_eq!(linked.plan.imports(), ["demo:t/more", "impl"]);
}

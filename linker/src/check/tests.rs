//! The checks on small modules written as WAT, their world embedded by
//! wit-component as a guest toolchain would: a complete module first, then
//! the same module with one thing taken away or changed.

use weft_wit::Wit;
use wit_component::StringEncoding;

use super::edit_distance;
use crate::{componentize, ComponentizeError, Componentizer, CoreItem, Problem};

const WIT: &str = "
package demo:kv;

interface store {
    resource bucket {
        constructor(name: string);
        get: func(key: string) -> option<list<u8>>;
        count: static func() -> u32;
    }
    get: func(key: string) -> option<list<u8>>;
    size: func() -> u32;
}

world kv {
    import log: func(msg: string);
    import name: func() -> string;
    export store;
    export add: func(a: u32, b: u64) -> u64;
}
";

/// The module's exports: name and core type, all the canonical ABI's.
const EXPORTS: &[(&str, &str)] = &[
    ("add", "(param i32 i64) (result i64)"),
    (
        "demo:kv/store#[constructor]bucket",
        "(param i32 i32) (result i32)",
    ),
    (
        "demo:kv/store#[method]bucket.get",
        "(param i32 i32 i32) (result i32)",
    ),
    ("demo:kv/store#[static]bucket.count", "(result i32)"),
    ("demo:kv/store#get", "(param i32 i32) (result i32)"),
    ("cabi_post_demo:kv/store#get", "(param i32)"),
    ("demo:kv/store#size", "(result i32)"),
    ("demo:kv/store#[dtor]bucket", "(param i32)"),
    ("cabi_realloc", "(param i32 i32 i32 i32) (result i32)"),
];

/// The module's imports: `$root` functions, name and core type.
const IMPORTS: &[(&str, &str)] = &[("log", "(param i32 i32)"), ("name", "(param i32)")];

/// A module with `exports` and `imports` (each function's body traps),
/// an exported memory if `memory`, and no `component-type` section.
fn bare(exports: &[(&str, &str)], imports: &[(&str, &str)], memory: bool) -> Vec<u8> {
    let mut text = String::from("(module\n");
    for (name, ty) in imports {
        text.push_str(&format!("  (import \"$root\" \"{name}\" (func {ty}))\n"));
    }
    if memory {
        text.push_str("  (memory (export \"memory\") 1)\n");
    }
    for (name, ty) in exports {
        text.push_str(&format!("  (func (export \"{name}\") {ty} unreachable)\n"));
    }
    text.push(')');
    wat::parse_str(&text).expect("test WAT assembles")
}

/// `bare` with `wit`'s only world embedded.
fn module_of(wit: &str, exports: &[(&str, &str)], imports: &[(&str, &str)]) -> Vec<u8> {
    let mut bytes = bare(exports, imports, true);
    let wit = Wit::parse("kv.wit", wit).expect("test WIT parses");
    let world = wit.world(None).expect("one world");
    wit_component::embed_component_metadata(
        &mut bytes,
        &wit.resolve,
        world,
        StringEncoding::UTF8,
        false,
    )
    .expect("the world embeds");
    bytes
}

/// The KV module with `exports` and `imports`.
fn module(exports: &[(&str, &str)], imports: &[(&str, &str)]) -> Vec<u8> {
    module_of(WIT, exports, imports)
}

/// [`EXPORTS`] less `name`.
fn exports_without(names: &[&str]) -> Vec<(&'static str, &'static str)> {
    EXPORTS
        .iter()
        .copied()
        .filter(|(export, _)| !names.contains(export))
        .collect()
}

/// [`EXPORTS`] with `name`'s type replaced.
fn exports_with(name: &str, ty: &'static str) -> Vec<(&'static str, &'static str)> {
    EXPORTS
        .iter()
        .map(|&(export, old)| (export, if export == name { ty } else { old }))
        .collect()
}

/// The problems componentizing `bytes` finds.
fn problems(bytes: &[u8]) -> Vec<Problem> {
    match componentize("lib.wasm", bytes) {
        Err(ComponentizeError::Mismatch { problems, .. }) => problems,
        Err(other) => panic!("expected a mismatch, got: {other}"),
        Ok(_) => panic!("expected a mismatch, but the module componentized"),
    }
}

fn message(bytes: &[u8]) -> String {
    match componentize("lib.wasm", bytes) {
        Err(err) => err.to_string(),
        Ok(_) => panic!("expected an error, but the module componentized"),
    }
}

fn validate_component(bytes: &[u8]) {
    let mut validator = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all());
    validator
        .validate_all(bytes)
        .expect("the component validates");
    assert!(wasmparser::Parser::is_component(bytes));
}

#[test]
fn complete_module_componentizes() {
    let done = componentize("lib.wasm", &module(EXPORTS, IMPORTS)).expect("componentizes");
    validate_component(&done.component);
    assert_eq!(done.world, "demo:kv/kv");
    assert!(done.warnings.is_empty(), "{:?}", done.warnings);
}

#[test]
fn unused_imports_need_nothing() {
    // Without imports, nothing comes back from the host.
    let done = componentize("lib.wasm", &module(EXPORTS, &[])).expect("componentizes");
    validate_component(&done.component);
}

#[test]
fn missing_export_is_named_with_its_wit_type() {
    let bytes = module(
        &exports_without(&["demo:kv/store#get", "cabi_post_demo:kv/store#get"]),
        IMPORTS,
    );
    assert_eq!(
        message(&bytes),
        "lib.wasm does not implement export `demo:kv/store#get` \
         (func(key: string) -> option<list<u8>>)"
    );
}

#[test]
fn every_missing_export_is_listed() {
    let bytes = module(
        &exports_without(&[
            "add",
            "demo:kv/store#[constructor]bucket",
            "demo:kv/store#[method]bucket.get",
            "demo:kv/store#[static]bucket.count",
        ]),
        IMPORTS,
    );
    let found = problems(&bytes);
    let missing: Vec<&str> = found
        .iter()
        .map(|problem| match problem {
            Problem::MissingExport { export, .. } => export.as_str(),
            other => panic!("unexpected {other}"),
        })
        .collect();
    let mut sorted = missing.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "add",
            "demo:kv/store#[constructor]bucket",
            "demo:kv/store#[method]bucket.get",
            "demo:kv/store#[static]bucket.count",
        ]
    );
    let text = message(&bytes);
    assert!(
        text.starts_with("lib.wasm does not implement its WIT world `demo:kv/kv` (4 problems):"),
        "{text}"
    );
    assert!(
        text.contains("\n  - does not implement export `demo:kv/store#[method]bucket.get` (func(self: borrow<bucket>, key: string) -> option<list<u8>>)"),
        "{text}"
    );
    assert!(
        text.contains("`demo:kv/store#[constructor]bucket` (func(name: string) -> bucket)"),
        "{text}"
    );
}

#[test]
fn wrong_signature_names_expected_and_found() {
    let bytes = module(
        &exports_with("add", "(param i32 i32) (result i64)"),
        IMPORTS,
    );
    assert_eq!(
        problems(&bytes),
        [Problem::WrongSignature {
            item: CoreItem::Export,
            name: "add".into(),
            wit: Some("add: func(a: u32, b: u64) -> u64".into()),
            expected: "(func (param i32 i64) (result i64))".into(),
            found: "(func (param i32 i32) (result i64))".into(),
        }]
    );
    assert_eq!(
        message(&bytes),
        "lib.wasm has the wrong core signature for export `add` \
         (WIT `add: func(a: u32, b: u64) -> u64`): expected \
         `(func (param i32 i64) (result i64))`, found `(func (param i32 i32) (result i64))`"
    );
}

#[test]
fn spilled_results_return_a_pointer() {
    // option<list<u8>> flattens to three values: the export returns where
    // they are stored instead.
    let bytes = module(
        &exports_with("demo:kv/store#get", "(param i32 i32) (result i32 i32 i32)"),
        IMPORTS,
    );
    let found = problems(&bytes);
    assert!(
        matches!(&found[..], [Problem::WrongSignature { expected, found, .. }]
            if expected == "(func (param i32 i32) (result i32))"
            && found == "(func (param i32 i32) (result i32 i32 i32))"),
        "{found:?}"
    );
}

#[test]
fn post_return_destructor_and_realloc_signatures_are_checked() {
    let mut exports = exports_with("cabi_post_demo:kv/store#get", "(param i64)");
    exports.retain(|(name, _)| *name != "demo:kv/store#[dtor]bucket");
    exports.push(("demo:kv/store#[dtor]bucket", "(param i32) (result i32)"));
    exports.retain(|(name, _)| *name != "cabi_realloc");
    exports.push(("cabi_realloc", "(param i32 i32 i32) (result i32)"));
    let found = problems(&module(&exports, IMPORTS));
    let items: Vec<(CoreItem, &str)> = found
        .iter()
        .map(|problem| match problem {
            Problem::WrongSignature { item, name, .. } => (*item, name.as_str()),
            other => panic!("unexpected {other}"),
        })
        .collect();
    assert_eq!(
        items,
        [
            (CoreItem::PostReturn, "cabi_post_demo:kv/store#get"),
            (CoreItem::Destructor, "demo:kv/store#[dtor]bucket"),
            (CoreItem::Realloc, "cabi_realloc"),
        ]
    );
}

#[test]
fn import_signatures_are_checked() {
    let bytes = module(EXPORTS, &[("name", "(result i32 i32)")]);
    assert_eq!(
        message(&bytes),
        "lib.wasm has the wrong core signature for import `$root#name` \
         (WIT `name: func() -> string`): expected `(func (param i32))`, \
         found `(func (result i32 i32))`"
    );
}

#[test]
fn realloc_is_required_for_string_arguments() {
    let bytes = module(&exports_without(&["cabi_realloc"]), &[]);
    let text = message(&bytes);
    assert!(
        text.starts_with("lib.wasm does not export `cabi_realloc`"),
        "{text}"
    );
    assert!(
        text.contains("export `demo:kv/store#[constructor]bucket` (func(name: string) -> bucket) takes a string or list argument"),
        "{text}"
    );
    assert!(text.contains("weft::world!()"), "{text}");
}

#[test]
fn realloc_is_required_for_spilled_parameters() {
    let params = (0..17)
        .map(|i| format!("p{i}: u32"))
        .collect::<Vec<_>>()
        .join(", ");
    let wit = format!("package demo:many; world many {{ export many: func({params}) -> u32; }}");
    let without = module_of(&wit, &[("many", "(param i32) (result i32)")], &[]);
    let text = message(&without);
    assert!(
        text.contains("takes more than 16 flat parameters, which the caller stores in its memory"),
        "{text}"
    );
    let with = module_of(
        &wit,
        &[
            ("many", "(param i32) (result i32)"),
            ("cabi_realloc", "(param i32 i32 i32 i32) (result i32)"),
        ],
        &[],
    );
    validate_component(
        &componentize("lib.wasm", &with)
            .expect("componentizes")
            .component,
    );
}

#[test]
fn realloc_is_required_for_strings_from_imports() {
    let wit = "package demo:imp; world imp { import name: func() -> string; export run: func(); }";
    let without = module_of(wit, &[("run", "")], &[("name", "(param i32)")]);
    let text = message(&without);
    assert!(
        text.contains("import `$root#name` (func() -> string) returns a string or list"),
        "{text}"
    );
    // The same module, not calling `name`, needs none.
    let unused = module_of(wit, &[("run", "")], &[]);
    componentize("lib.wasm", &unused).expect("componentizes");
}

#[test]
fn realloc_is_not_required_for_string_results() {
    let wit = "package demo:res; world res { export hello: func() -> string; }";
    let bytes = module_of(wit, &[("hello", "(result i32)")], &[]);
    validate_component(
        &componentize("lib.wasm", &bytes)
            .expect("componentizes")
            .component,
    );
}

#[test]
fn memory_is_required_for_strings() {
    let wit = "package demo:res; world res { export hello: func() -> string; }";
    let mut bytes = bare(&[("hello", "(result i32)")], &[], false);
    let wit = Wit::parse("res.wit", wit).unwrap();
    let world = wit.world(None).unwrap();
    let done = Componentizer::new()
        .world(wit.resolve, world)
        .componentize("lib.wasm", &bytes);
    let text = done.unwrap_err().to_string();
    assert_eq!(
        text,
        "lib.wasm does not export its linear memory as `memory`, which the canonical ABI \
         needs: `hello` (func() -> string) passes values through memory"
    );
    bytes = bare(&[("hello", "(result i32)")], &[], true);
    let wit = Wit::parse(
        "res.wit",
        "package demo:res; world res { export hello: func() -> string; }",
    )
    .unwrap();
    let world = wit.world(None).unwrap();
    Componentizer::new()
        .world(wit.resolve, world)
        .componentize("lib.wasm", &bytes)
        .expect("componentizes");
}

#[test]
fn missing_destructor_is_a_warning() {
    let bytes = module(&exports_without(&["demo:kv/store#[dtor]bucket"]), IMPORTS);
    let done = componentize("lib.wasm", &bytes).expect("componentizes");
    assert_eq!(
        done.warnings,
        [
            "lib.wasm exports resource `bucket` of `demo:kv/store` without a destructor \
          (`demo:kv/store#[dtor]bucket`): it is never told when a handle to one is dropped"
        ]
    );
}

#[test]
fn standard_mangling_is_accepted() {
    let wit = "package demo:std; world w { export add: func(a: u32, b: u32) -> u32; }";
    let good = module_of(wit, &[("cm32p2||add", "(param i32 i32) (result i32)")], &[]);
    validate_component(
        &componentize("lib.wasm", &good)
            .expect("componentizes")
            .component,
    );
    let bad = module_of(wit, &[("cm32p2||add", "(param i64 i32) (result i32)")], &[]);
    assert!(
        matches!(&problems(&bad)[..], [Problem::WrongSignature { name, .. }] if name == "cm32p2||add")
    );
}

#[test]
fn near_names_are_offered_for_missing_exports() {
    let mut exports = exports_without(&["demo:kv/store#get", "cabi_post_demo:kv/store#get", "add"]);
    exports.push(("demo:kv/store#gte", "(param i32 i32) (result i32)"));
    exports.push(("store#add", "(param i32 i64) (result i64)"));
    let found = problems(&module(&exports, IMPORTS));
    let near: Vec<(&str, Option<&str>)> = found
        .iter()
        .map(|problem| match problem {
            Problem::MissingExport { export, near, .. } => (export.as_str(), near.as_deref()),
            other => panic!("unexpected {other}"),
        })
        .collect();
    assert!(
        near.contains(&("demo:kv/store#get", Some("demo:kv/store#gte"))),
        "{near:?}"
    );
    assert!(near.contains(&("add", Some("store#add"))), "{near:?}");
    assert!(message(&module(&exports, IMPORTS))
        .contains("; it exports `demo:kv/store#gte`, a misspelling?"));
}

#[test]
fn a_module_without_a_world_says_how_to_get_one() {
    let text = componentize("lib.wasm", &bare(EXPORTS, IMPORTS, true))
        .unwrap_err()
        .to_string();
    assert!(
        text.starts_with("lib.wasm has no `component-type` custom section"),
        "{text}"
    );
    assert!(text.contains("weft::world!();"), "{text}");
    assert!(text.contains("wit-bindgen"), "{text}");
}

#[test]
fn a_given_world_replaces_the_sections() {
    // A module without a section gets one.
    let wit = Wit::parse("kv.wit", WIT).unwrap();
    let world = wit.world(None).unwrap();
    let done = Componentizer::new()
        .world(wit.resolve.clone(), world)
        .componentize("lib.wasm", &bare(EXPORTS, IMPORTS, true))
        .expect("componentizes");
    validate_component(&done.component);
    assert_eq!(done.world, "demo:kv/kv");
    // A module whose section describes another world is judged by the
    // given one.
    let other = module_of(
        "package demo:other; world other { export nothing: func(); }",
        EXPORTS,
        IMPORTS,
    );
    assert!(componentize("lib.wasm", &other).is_err());
    Componentizer::new()
        .world(wit.resolve, world)
        .componentize("lib.wasm", &other)
        .expect("componentizes with the given world");
}

#[test]
fn malformed_input_is_an_error_never_a_panic() {
    let good = module(EXPORTS, IMPORTS);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("garbage", b"garbage, not wasm".to_vec()),
        ("header only", b"\0asm\x01\0\0\0".to_vec()),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("bad version", b"\0asm\x09\0\0\0".to_vec()),
    ];
    for (what, bytes) in &cases {
        match componentize("lib.wasm", bytes) {
            Err(
                ComponentizeError::NotWasm { .. }
                | ComponentizeError::InvalidModule { .. }
                | ComponentizeError::NoWorld { .. },
            ) => {}
            other => panic!("{what}: unexpected {other:?}"),
        }
    }
    let component = componentize("lib.wasm", &good).unwrap().component;
    assert!(matches!(
        componentize("lib.wasm", &component),
        Err(ComponentizeError::AlreadyComponent { .. })
    ));
    // Every byte of the module flipped in turn (the custom section's
    // included): an error or a component, never a panic.
    for at in 0..good.len() {
        let mut bytes = good.clone();
        bytes[at] ^= 0x5a;
        let _ = componentize("lib.wasm", &bytes);
    }
}

#[test]
fn edit_distance_counts_swaps_as_one() {
    assert_eq!(edit_distance("get", "get"), 0);
    assert_eq!(edit_distance("get", "gte"), 1);
    assert_eq!(edit_distance("set", "gte"), 2);
    assert_eq!(edit_distance("", "abc"), 3);
    assert_eq!(edit_distance("kitten", "sitting"), 3);
}

#[test]
fn adapters_satisfy_core_imports() {
    // The main module imports `answer` from core module `shim`, which the
    // adapter provides; the adapter's own world is empty.
    let wit = "package demo:ad; world w { export run: func() -> u32; }";
    let main = {
        let mut bytes = wat::parse_str(
            r#"(module
                 (import "shim" "answer" (func $answer (result i32)))
                 (func (export "run") (result i32) (call $answer)))"#,
        )
        .unwrap();
        let wit = Wit::parse("ad.wit", wit).unwrap();
        let world = wit.world(None).unwrap();
        wit_component::embed_component_metadata(
            &mut bytes,
            &wit.resolve,
            world,
            StringEncoding::UTF8,
            false,
        )
        .unwrap();
        bytes
    };
    let adapter = {
        let mut bytes =
            wat::parse_str(r#"(module (func (export "answer") (result i32) (i32.const 42)))"#)
                .unwrap();
        let wit = Wit::parse("shim.wit", "package demo:shim; world shim {}").unwrap();
        let world = wit.world(None).unwrap();
        wit_component::embed_component_metadata(
            &mut bytes,
            &wit.resolve,
            world,
            StringEncoding::UTF8,
            false,
        )
        .unwrap();
        bytes
    };
    // Without the adapter, wit-component cannot place the import.
    let err = componentize("lib.wasm", &main).unwrap_err();
    assert!(matches!(err, ComponentizeError::Encode { .. }), "{err}");
    let done = Componentizer::new()
        .adapter("shim", "shim.wasm", adapter)
        .componentize("lib.wasm", &main)
        .expect("componentizes with the adapter");
    validate_component(&done.component);
    // A broken adapter is named.
    let err = Componentizer::new()
        .adapter("shim", "broken.wasm", b"not wasm".to_vec())
        .componentize("lib.wasm", &main)
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot use `broken.wasm` as the adapter for `shim`: "),
        "{err}"
    );
}

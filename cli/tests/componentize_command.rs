//! `weft componentize` on real guests built from source: `guests/weft-basics`
//! (weft's own guest macros) and `guests/kitchen-sink` (wit-bindgen 0.63),
//! each built for `wasm32-unknown-unknown`, componentized by the `weft`
//! binary, validated by wasmparser, loaded by weft's runtime, instantiated
//! with a few host imports and called through the dynamic API. Then every
//! way it can fail: exports taken out of a real module, a real world over a
//! module that implements none of it, wrong signatures, no world, `--wit`,
//! and malformed input of every kind.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, OnceLock};

use wasm_encoder::Encode;
use weft_runtime::component::{Component, Instance, Linker, ResourceType, Val};
use weft_runtime::{Engine, Store, Trap, TrapKind};

#[path = "../../runtime/tests/common/scratch.rs"]
mod scratch;

use scratch::Scratch;

/// The target the guests are built for: it gives core modules.
const TARGET: &str = "wasm32-unknown-unknown";

const BASICS_HOST: &str = "weft-test:basics/host@0.1.0";
const BASICS_TALLIES: &str = "weft-test:basics/tallies@0.1.0";
const SINK_HOST: &str = "weft-test:kitchen-sink/host@0.1.0";
const SINK_SCALARS: &str = "weft-test:kitchen-sink/scalars@0.1.0";
const SINK_COMPOUND: &str = "weft-test:kitchen-sink/compound@0.1.0";
const SINK_RESOURCES: &str = "weft-test:kitchen-sink/resources@0.1.0";

// ---- building the guests ---------------------------------------------------

/// The `guests/` workspace.
fn guests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the cli crate sits in the repository root")
        .join("guests")
}

/// The core module of guest `name` (a member of `guests/`), the workspace
/// built once per test process into `guests/target` (its own target
/// directory, so the nested cargo never waits on the outer one's lock).
fn guest_module(name: &str) -> Vec<u8> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        let guests = guests_dir();
        let target_dir = guests.join("target");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let output = Command::new(&cargo)
            .args(["build", "--release", "--locked", "--target", TARGET])
            .arg("--manifest-path")
            .arg(guests.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&target_dir)
            // Settings meant for the outer build are not the guests'.
            .env_remove("CARGO_BUILD_TARGET")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("RUSTFLAGS")
            .env_remove("WEFT_WIT")
            .env_remove("WEFT_WORLD")
            .output()
            .map_err(|e| format!("running {cargo:?}: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "building the guests failed with {}:\n{}\n(hint: `rustup target add {TARGET}`)",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        Ok(target_dir.join(TARGET).join("release"))
    });
    let dir = dir.as_ref().unwrap_or_else(|message| panic!("{message}"));
    let path = dir.join(format!("{}.wasm", name.replace('-', "_")));
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

// ---- running weft ----------------------------------------------------------

/// A fresh scratch directory for one test, removed when dropped.
fn scratch(test: &str) -> Scratch {
    Scratch::new("componentize", test)
}

/// Writes `bytes` to `dir/file`; its path as text.
fn write(dir: &Path, file: &str, bytes: impl AsRef<[u8]>) -> String {
    let path = dir.join(file);
    std::fs::write(&path, bytes).expect("write input");
    path.display().to_string()
}

fn weft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("componentize")
        .args(args)
        .output()
        .expect("weft runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `weft componentize ARGS`, which must succeed; its standard output.
fn componentize_ok(args: &[&str]) -> String {
    let output = weft(args);
    assert!(
        output.status.success(),
        "weft componentize {args:?} failed: {}",
        stderr(&output)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `weft componentize ARGS`, which must fail with exit status 1 and an
/// error (not a crash); its standard error.
fn componentize_fails(args: &[&str]) -> String {
    let output = weft(args);
    let text = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "weft componentize {args:?}: {text}"
    );
    assert!(text.starts_with("error: "), "{text}");
    assert!(!text.contains("internal error"), "{text}");
    text
}

/// Componentizes guest `name` with the `weft` binary (default output
/// path); the component's bytes, validated with the component model's
/// features.
fn componentized_guest(test: &str, name: &str) -> Vec<u8> {
    let dir = scratch(test);
    let input = write(&dir, "lib.wasm", guest_module(name));
    let output = weft(&[&input]);
    assert!(output.status.success(), "{}", stderr(&output));
    // Both guests export a destructor for each resource: no warnings.
    assert_eq!(stderr(&output), "");
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    let output = dir.join("lib.component.wasm");
    assert!(printed.contains(&output.display().to_string()), "{printed}");
    let bytes = std::fs::read(&output).expect("the component was written beside the input");
    validate(&bytes);
    bytes
}

/// Validates a component with every feature wasmparser knows, the
/// component model's included.
fn validate(component: &[u8]) {
    assert!(wasmparser::Parser::is_component(component));
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(component)
        .expect("the component validates");
}

fn trap(message: &str) -> Trap {
    Trap {
        kind: TrapKind::Host(message.to_string()),
        backtrace: Vec::new(),
    }
}

/// Loads `component` on weft's runtime with `define` giving some host
/// functions; every other import traps when used.
fn instantiate(
    component: &[u8],
    define: impl FnOnce(&mut Linker<()>, &mut Store<()>),
) -> (Store<()>, Instance) {
    let engine = Engine::default();
    let component = Component::new(&engine, component).expect("the component loads");
    let mut linker = Linker::new(&engine);
    let mut store = Store::new(&engine, ());
    define(&mut linker, &mut store);
    let instance = linker
        .instantiate_trapping_unknown(&mut store, &component)
        .expect("the component instantiates");
    (store, instance)
}

/// Calls export `name` with `args`; its one result.
fn call(store: &mut Store<()>, instance: &Instance, name: &str, args: &[Val]) -> Val {
    let func = instance
        .get_func(store, name)
        .unwrap_or_else(|| panic!("no export `{name}`"));
    let mut results = func
        .call(store, args)
        .unwrap_or_else(|e| panic!("`{name}` failed: {e}"));
    assert_eq!(results.len(), 1, "`{name}` returned {results:?}");
    results.remove(0)
}

fn string(s: &str) -> Val {
    Val::String(s.into())
}

fn strings(items: &[&str]) -> Val {
    Val::List(items.iter().map(|s| string(s)).collect())
}

/// A host `greet` that also records each name in `seen`.
fn define_greet(linker: &mut Linker<()>, host: &str, seen: &Arc<Mutex<Vec<String>>>) {
    let mut instance = linker.instance(host);
    let names = seen.clone();
    instance.func_new("greet", move |_, args| match args {
        [Val::String(name)] => {
            names.lock().unwrap().push(name.clone());
            Ok(vec![Val::String(format!("hello, {name}!"))])
        }
        _ => Err(trap("greet: wrong arguments")),
    });
    let logged = seen.clone();
    instance.func_new("log", move |_, args| match args {
        [Val::String(message)] => {
            logged.lock().unwrap().push(format!("log: {message}"));
            Ok(vec![])
        }
        _ => Err(trap("log: wrong arguments")),
    });
}

// ---- real guests -----------------------------------------------------------

#[test]
fn weft_basics_componentizes_and_runs() {
    let component = componentized_guest("basics", "weft-basics");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (mut store, instance) = instantiate(&component, |linker, store| {
        define_greet(linker, BASICS_HOST, &seen);
        // The host's resource, never made in these calls, which the
        // world uses at its top level too (`use tallies.{tally}`): given
        // once, in its interface, it is bound to the top-level import too.
        let tally = ResourceType::host(store);
        linker.instance(BASICS_TALLIES).resource("tally", tally);
    });
    assert_eq!(
        call(&mut store, &instance, "reverse", &[string("héllo")]),
        string("olléh")
    );
    assert_eq!(
        call(&mut store, &instance, "negate", &[Val::S32(41)]),
        Val::S32(-41)
    );
    // Through the host's imports.
    assert_eq!(
        call(
            &mut store,
            &instance,
            "greet-all",
            &[strings(&["ada", "grace"])]
        ),
        strings(&["hello, ada!", "hello, grace!"])
    );
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "ada",
            "log: greeted: hello, ada!",
            "grace",
            "log: greeted: hello, grace!"
        ]
    );
    // An exported resource: constructed, used through a method.
    let counter = call(
        &mut store,
        &instance,
        "weft-test:basics/counters@0.1.0#[constructor]counter",
        &[string("c"), Val::U32(5)],
    );
    let Val::Own(counter) = counter else {
        panic!("the constructor returned {counter:?}");
    };
    assert_eq!(
        call(
            &mut store,
            &instance,
            "weft-test:basics/counters@0.1.0#[method]counter.get",
            &[Val::Borrow(counter)]
        ),
        Val::U32(5)
    );
}

#[test]
fn kitchen_sink_componentizes_and_runs() {
    let component = componentized_guest("sink", "kitchen-sink");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (mut store, instance) = instantiate(&component, |linker, _store| {
        define_greet(linker, SINK_HOST, &seen);
        // The host's resource (used by the world at its top level too)
        // and the `types` interface, which holds only types, are left to
        // `instantiate_trapping_unknown`.
    });
    assert_eq!(
        call(
            &mut store,
            &instance,
            &format!("{SINK_SCALARS}#add-u32"),
            &[Val::U32(u32::MAX), Val::U32(2)]
        ),
        Val::U32(1)
    );
    assert_eq!(
        call(
            &mut store,
            &instance,
            &format!("{SINK_COMPOUND}#reverse-string"),
            &[string("wasm")]
        ),
        string("msaw")
    );
    assert_eq!(
        call(&mut store, &instance, "greet-all", &[strings(&["lin"])]),
        strings(&["hello, lin!"])
    );
    assert_eq!(*seen.lock().unwrap(), ["lin"]);
    let acc = call(
        &mut store,
        &instance,
        &format!("{SINK_RESOURCES}#[static]accumulator.from-list"),
        &[Val::List(vec![Val::S64(2), Val::S64(40)])],
    );
    let Val::Own(acc) = acc else {
        panic!("from-list returned {acc:?}");
    };
    assert_eq!(
        call(
            &mut store,
            &instance,
            &format!("{SINK_RESOURCES}#total-of"),
            &[Val::Borrow(acc)]
        ),
        Val::S64(42)
    );
}

#[test]
fn output_goes_where_asked() {
    let dir = scratch("output");
    let input = write(&dir, "kitchen_sink.wasm", guest_module("kitchen-sink"));
    let output = dir.join("out").join("sink.wasm");
    std::fs::create_dir_all(output.parent().unwrap()).unwrap();
    let printed = componentize_ok(&[&input, "-o", &output.display().to_string()]);
    assert!(
        printed.contains("component of world `weft-test:kitchen-sink/kitchen-sink@0.1.0`"),
        "{printed}"
    );
    validate(&std::fs::read(&output).expect("written where asked"));
    assert!(!dir.join("kitchen_sink.component.wasm").exists());
}

// ---- modules that do not implement their world ----------------------------

/// `module` with its export `name` taken out (every other section kept as
/// it is, the `component-type` section included).
fn without_export(module: &[u8], name: &str) -> Vec<u8> {
    let mut out = wasm_encoder::Module::new();
    let mut removed = false;
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        let payload = payload.expect("the guest parses");
        if let wasmparser::Payload::ExportSection(reader) = &payload {
            let mut exports = wasm_encoder::ExportSection::new();
            for export in reader.clone() {
                let export = export.unwrap();
                if export.name == name {
                    removed = true;
                    continue;
                }
                let kind = match export.kind {
                    wasmparser::ExternalKind::Func => wasm_encoder::ExportKind::Func,
                    wasmparser::ExternalKind::Memory => wasm_encoder::ExportKind::Memory,
                    wasmparser::ExternalKind::Global => wasm_encoder::ExportKind::Global,
                    wasmparser::ExternalKind::Table => wasm_encoder::ExportKind::Table,
                    other => panic!("unexpected export kind {other:?}"),
                };
                exports.export(export.name, kind, export.index);
            }
            out.section(&exports);
        } else if let Some((id, range)) = payload.as_section() {
            out.section(&wasm_encoder::RawSection {
                id,
                data: &module[range.start as usize..range.end as usize],
            });
        }
    }
    assert!(removed, "the guest has no export `{name}`");
    out.finish()
}

/// The `component-type` custom sections of `module`, as (name, data).
fn world_sections(module: &[u8]) -> Vec<(String, Vec<u8>)> {
    wasmparser::Parser::new(0)
        .parse_all(module)
        .filter_map(|payload| match payload.expect("the guest parses") {
            wasmparser::Payload::CustomSection(section)
                if section.name().starts_with("component-type") =>
            {
                Some((section.name().to_string(), section.data().to_vec()))
            }
            _ => None,
        })
        .collect()
}

/// `wat` assembled, with `sections` appended as custom sections.
fn with_sections(wat: &str, sections: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut bytes = wat::parse_str(wat).expect("test WAT assembles");
    for (name, data) in sections {
        let section = wasm_encoder::CustomSection {
            name: Cow::Borrowed(name),
            data: Cow::Borrowed(data),
        };
        bytes.push(wasm_encoder::Section::id(&section));
        section.encode(&mut bytes);
    }
    bytes
}

#[test]
fn a_missing_world_function_is_named() {
    let dir = scratch("missing-reverse");
    let module = without_export(&guest_module("weft-basics"), "reverse");
    let input = write(&dir, "lib.wasm", module);
    let text = componentize_fails(&[&input]);
    assert_eq!(
        text.trim_end(),
        format!("error: {input} does not implement export `reverse` (func(s: string) -> string)")
    );
    assert!(!dir.join("lib.component.wasm").exists());
}

#[test]
fn a_missing_resource_method_is_named() {
    let dir = scratch("missing-method");
    let export = format!("{SINK_RESOURCES}#[method]accumulator.push");
    let module = without_export(&guest_module("kitchen-sink"), &export);
    let input = write(&dir, "lib.wasm", module);
    let text = componentize_fails(&[&input]);
    assert_eq!(
        text.trim_end(),
        format!(
            "error: {input} does not implement export `{export}` \
             (func(self: borrow<accumulator>, value: s64) -> u32)"
        )
    );
}

#[test]
fn every_missing_export_of_a_real_world_is_listed() {
    // The kitchen sink's world over a module that implements none of it.
    let sections = world_sections(&guest_module("kitchen-sink"));
    assert!(!sections.is_empty());
    let module = with_sections(
        r#"(module (memory (export "memory") 1)
             (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) unreachable))"#,
        &sections,
    );
    let dir = scratch("missing-all");
    let input = write(&dir, "lib.wasm", module);
    let text = componentize_fails(&[&input]);

    // Every exported function of the world, counted from its WIT.
    let wit = weft_wit::Wit::load(guests_dir().join("kitchen-sink/wit")).expect("the WIT loads");
    let world = &wit.resolve.worlds[wit.world(Some("kitchen-sink")).unwrap()];
    let functions: usize = world
        .exports
        .values()
        .map(|item| match item {
            weft_wit::wit_parser::WorldItem::Function(_) => 1,
            weft_wit::wit_parser::WorldItem::Interface { id, .. } => {
                wit.resolve.interfaces[*id].functions.len()
            }
            weft_wit::wit_parser::WorldItem::Type { .. } => 0,
        })
        .sum();
    assert!(functions > 50, "{functions}");
    assert!(
        text.starts_with(&format!(
            "error: {input} does not implement its WIT world \
             `weft-test:kitchen-sink/kitchen-sink@0.1.0` ({functions} problems):"
        )),
        "{text}"
    );
    assert_eq!(
        text.matches("\n  - does not implement export `").count(),
        functions,
        "{text}"
    );
    for expected in [
        "`weighted-sum` (func(a1: u32, a2: u32, ",
        "`weft-test:kitchen-sink/scalars@0.1.0#add-u32` (func(a: u32, b: u32) -> u32)",
        "`weft-test:kitchen-sink/resources@0.1.0#[constructor]tag` (func(text: string) -> tag)",
        "`weft-test:kitchen-sink/compound@0.1.0#halve` (func(n: option<u32>) -> option<u32>)",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
}

#[test]
fn a_wrong_signature_names_expected_and_found() {
    // weft-basics' world; `negate: func(x: s32) -> s32` takes an i64 here.
    let sections = world_sections(&guest_module("weft-basics"));
    let module = with_sections(
        r#"(module (memory (export "memory") 1)
             (func (export "negate") (param i64) (result i32) unreachable))"#,
        &sections,
    );
    let dir = scratch("wrong-signature");
    let input = write(&dir, "lib.wasm", module);
    let text = componentize_fails(&[&input]);
    assert!(
        text.contains(
            "\n  - has the wrong core signature for export `negate` (WIT `negate: func(x: s32) -> s32`): \
             expected `(func (param i32) (result i32))`, found `(func (param i64) (result i32))`"
        ),
        "{text}"
    );
    // And alone, against a small world given with `--wit`.
    let wit = write(
        &dir,
        "w.wit",
        "package demo:calc; world calc { export add: func(a: u32, b: u32) -> u32; }",
    );
    let input = write(
        &dir,
        "calc.wat",
        r#"(module (func (export "add") (param f32 i32) (result i32) unreachable))"#,
    );
    let text = componentize_fails(&[&input, "--wit", &wit]);
    assert_eq!(
        text.trim_end(),
        format!(
            "error: {input} has the wrong core signature for export `add` \
             (WIT `add: func(a: u32, b: u32) -> u32`): expected `(func (param i32 i32) (result i32))`, \
             found `(func (param f32 i32) (result i32))`"
        )
    );
}

#[test]
fn a_missing_realloc_is_explained() {
    let module = without_export(&guest_module("weft-basics"), "cabi_realloc");
    let dir = scratch("realloc");
    let input = write(&dir, "lib.wasm", module);
    let text = componentize_fails(&[&input]);
    assert!(
        text.starts_with(&format!("error: {input} does not export `cabi_realloc`")),
        "{text}"
    );
    assert!(text.contains("takes a string or list argument"), "{text}");
}

// ---- where the world comes from --------------------------------------------

#[test]
fn a_module_without_a_world_says_how_to_get_one() {
    let dir = scratch("no-world");
    let input = write(
        &dir,
        "plain.wat",
        r#"(module (func (export "add") (param i32 i32) (result i32)
             (i32.add (local.get 0) (local.get 1))))"#,
    );
    let text = componentize_fails(&[&input]);
    assert!(
        text.contains("has no `component-type` custom section"),
        "{text}"
    );
    assert!(text.contains("weft::world!();"), "{text}");
    assert!(text.contains("wit-bindgen"), "{text}");
    assert!(text.contains("--wit PATH"), "{text}");
}

#[test]
fn wit_given_on_the_command_line_makes_a_component_that_runs() {
    let dir = scratch("given-wit");
    let input = write(
        &dir,
        "plain.wat",
        r#"(module (func (export "add") (param i32 i32) (result i32)
             (i32.add (local.get 0) (local.get 1))))"#,
    );
    let wit = write(
        &dir,
        "calc.wit",
        "package demo:calc;
         world small { export add: func(a: u32, b: u32) -> u32; }
         world big { export add: func(a: u32, b: u32) -> u32; export sub: func(a: u32, b: u32) -> u32; }",
    );
    // Two worlds: which one must be said.
    let text = componentize_fails(&[&input, "--wit", &wit]);
    assert!(text.contains("small") && text.contains("big"), "{text}");
    let text = componentize_fails(&[&input, "--wit", &wit, "--world", "big"]);
    assert!(
        text.contains("does not implement export `sub` (func(a: u32, b: u32) -> u32)"),
        "{text}"
    );
    componentize_ok(&[&input, "--wit", &wit, "--world", "small"]);
    let component = std::fs::read(dir.join("plain.component.wasm")).unwrap();
    validate(&component);
    let (mut store, instance) = instantiate(&component, |_, _| {});
    assert_eq!(
        call(&mut store, &instance, "add", &[Val::U32(40), Val::U32(2)]),
        Val::U32(42)
    );
    // `--world` alone is refused by the argument parser.
    let output = weft(&[&input, "--world", "small"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

/// `wat` with `wit`'s only world embedded, as a guest toolchain would.
fn with_world(wat: &str, wit: &str) -> Vec<u8> {
    let mut bytes = wat::parse_str(wat).expect("test WAT assembles");
    let wit = weft_wit::Wit::parse("test.wit", wit).expect("test WIT parses");
    let world = wit.world(None).expect("one world");
    wit_component::embed_component_metadata(
        &mut bytes,
        &wit.resolve,
        world,
        wit_component::StringEncoding::UTF8,
        false,
    )
    .expect("the world embeds");
    bytes
}

#[test]
fn an_adapter_satisfies_core_imports() {
    // The module imports `answer` from the core module `shim`; the
    // adapter (whose own world is empty) provides it.
    let dir = scratch("adapt");
    let main = with_world(
        r#"(module
             (import "shim" "answer" (func $answer (result i32)))
             (func (export "run") (result i32) (call $answer)))"#,
        "package demo:ad; world w { export run: func() -> u32; }",
    );
    let adapter = with_world(
        r#"(module (func (export "answer") (result i32) (i32.const 42)))"#,
        "package demo:shim; world shim {}",
    );
    let input = write(&dir, "main.wasm", main);
    let adapter = write(&dir, "shim.wasm", adapter);
    let text = componentize_fails(&[&input]);
    assert!(
        text.contains("wit-component cannot make a component of"),
        "{text}"
    );
    componentize_ok(&[&input, "--adapt", &format!("shim={adapter}")]);
    let component = std::fs::read(dir.join("main.component.wasm")).unwrap();
    validate(&component);
    let (mut store, instance) = instantiate(&component, |_, _| {});
    assert_eq!(call(&mut store, &instance, "run", &[]), Val::U32(42));
}

#[test]
fn a_bad_adapter_argument_is_an_error() {
    let dir = scratch("adapter");
    let input = write(&dir, "lib.wasm", guest_module("weft-basics"));
    let text = componentize_fails(&[&input, "--adapt", "no-equals-sign"]);
    assert!(text.contains("NAME=PATH"), "{text}");
    let missing = dir.join("missing.wasm").display().to_string();
    let text = componentize_fails(&[
        &input,
        "--adapt",
        &format!("wasi_snapshot_preview1={missing}"),
    ]);
    assert!(text.contains("cannot read the adapter"), "{text}");
}

// ---- malformed input -------------------------------------------------------

#[test]
fn malformed_input_is_an_error_never_a_crash() {
    let dir = scratch("malformed");
    let module = guest_module("weft-basics");
    let component = componentized_guest("malformed-component", "weft-basics");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "garbage.wasm",
            b"this is not wasm at all".to_vec(),
            "is not a WebAssembly binary",
        ),
        ("empty.wasm", Vec::new(), "is not a WebAssembly binary"),
        (
            "truncated.wasm",
            module[..module.len() / 2].to_vec(),
            "is not a valid core WebAssembly module",
        ),
        (
            "component.wasm",
            component,
            "is already a component; componentize takes a core WebAssembly module",
        ),
    ];
    for (file, bytes, expected) in cases {
        let input = write(&dir, file, bytes);
        let text = componentize_fails(&[&input]);
        assert!(text.contains(expected), "{file}: {text}");
    }
    let text = componentize_fails(&[&dir.join("absent.wasm").display().to_string()]);
    assert!(text.contains("cannot read"), "{text}");
}

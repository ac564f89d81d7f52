//! `guests/weft-basics`, written with `weft::world!` and
//! `#[weft::export]`, built for `wasm32-unknown-unknown`, componentized by
//! wit-component, validated by wasmparser, and run on weft's runtime
//! through the dynamic API. Expected values are computed here from the
//! inputs.

mod common;

use std::sync::OnceLock;

use std::sync::{Arc, Mutex};

use std::collections::HashMap;

use weft_runtime::component::{
    Component, Instance, Linker, LinkerInstance, Resource, ResourceType, Val,
};
use weft_runtime::{Config, Engine, Store, Trap, TrapKind};

const SHAPES: &str = "weft-test:basics/shapes@0.1.0";
const HOST: &str = "weft-test:basics/host@0.1.0";
const COUNTERS: &str = "weft-test:basics/counters@0.1.0";
const TALLIES: &str = "weft-test:basics/tallies@0.1.0";

/// What the host's `now` returns.
const NOW: u64 = 1_000_000;

fn module() -> Vec<u8> {
    common::build("weft-basics", common::CORE)
}

fn component_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| common::componentize(&module()).expect("weft-basics componentizes"))
}

struct Basics {
    store: Store<()>,
    instance: Instance,
    /// What the guest logged through `host.log`.
    log: Arc<Mutex<Vec<String>>>,
    /// The host's tallies.
    tallies: Arc<Mutex<Tallies>>,
    /// The host's `tally` resource type.
    tally: ResourceType,
}

/// The host's tallies (the `tally` resource it defines), by rep.
#[derive(Default)]
struct Tallies {
    next: u32,
    /// Label and value of each live tally.
    live: HashMap<u32, (String, i64)>,
    /// The reps whose destructor ran, in order.
    dropped: Vec<u32>,
}

impl Tallies {
    fn create(&mut self, label: String, value: i64) -> u32 {
        let rep = 500 + self.next;
        self.next += 1;
        self.live.insert(rep, (label, value));
        rep
    }
}

/// The `tallies` interface: the `tally` resource type and its functions.
fn define_tallies(
    things: &mut LinkerInstance<'_>,
    tally: ResourceType,
    state: &Arc<Mutex<Tallies>>,
) {
    things.resource("tally", tally);
    let tallies = state.clone();
    things.func_new("[constructor]tally", move |_, args| match args {
        [Val::String(label), Val::S64(start)] => {
            let rep = tallies.lock().unwrap().create(label.clone(), *start);
            Ok(vec![Val::Own(Resource::new(tally, rep))])
        }
        _ => Err(host_trap("[constructor]tally")),
    });
    let tallies = state.clone();
    things.func_new("[method]tally.add", move |_, args| match args {
        [Val::Borrow(t), Val::S64(by)] => {
            tallies
                .lock()
                .unwrap()
                .live
                .get_mut(&t.rep())
                .expect("live")
                .1 += by;
            Ok(vec![])
        }
        _ => Err(host_trap("[method]tally.add")),
    });
    let tallies = state.clone();
    things.func_new("[method]tally.value", move |_, args| match args {
        [Val::Borrow(t)] => Ok(vec![Val::S64(tallies.lock().unwrap().live[&t.rep()].1)]),
        _ => Err(host_trap("[method]tally.value")),
    });
    let tallies = state.clone();
    things.func_new("[method]tally.label", move |_, args| match args {
        [Val::Borrow(t)] => Ok(vec![string(&tallies.lock().unwrap().live[&t.rep()].0)]),
        _ => Err(host_trap("[method]tally.label")),
    });
    let tallies = state.clone();
    things.func_new("[static]tally.merge", move |_, args| match args {
        [Val::Borrow(a), Val::Borrow(b)] => {
            let mut state = tallies.lock().unwrap();
            let (la, va) = state.live[&a.rep()].clone();
            let (lb, vb) = state.live[&b.rep()].clone();
            let rep = state.create(format!("{la}+{lb}"), va + vb);
            Ok(vec![Val::Own(Resource::new(tally, rep))])
        }
        _ => Err(host_trap("[static]tally.merge")),
    });
    let tallies = state.clone();
    things.func_new("describe-all", move |_, args| {
        let [Val::List(items)] = args else {
            return Err(host_trap("describe-all"));
        };
        let state = tallies.lock().unwrap();
        let mut out = Vec::new();
        for item in items {
            let Val::Borrow(t) = item else {
                return Err(host_trap("describe-all"));
            };
            let (label, value) = &state.live[&t.rep()];
            out.push(Val::String(format!("{label} = {value}")));
        }
        Ok(vec![Val::List(out)])
    });
    let tallies = state.clone();
    things.func_new("describe", move |_, args| match args {
        [Val::Borrow(t)] => {
            let state = tallies.lock().unwrap();
            Ok(vec![Val::String(format!(
                "tally #{} = {}",
                t.rep(),
                state.live[&t.rep()].1
            ))])
        }
        _ => Err(host_trap("describe")),
    });
}

fn host_trap(func: &str) -> Trap {
    Trap {
        kind: TrapKind::Host(format!("`{func}` called with unexpected arguments")),
        backtrace: Vec::new(),
    }
}

/// The host's side of the world's imports: the `host` interface and the
/// world's own `now`.
fn define_host(linker: &mut Linker<()>, log: &Arc<Mutex<Vec<String>>>) {
    linker.root().func_new("now", |_, args| match args {
        [] => Ok(vec![Val::U64(NOW)]),
        _ => Err(host_trap("now")),
    });
    let mut host = linker.instance(HOST);
    let seen = log.clone();
    host.func_new("log", move |_, args| match args {
        [Val::String(message)] => {
            seen.lock().unwrap().push(message.clone());
            Ok(vec![])
        }
        _ => Err(host_trap("log")),
    });
    host.func_new("greet", |_, args| match args {
        [Val::String(name)] => Ok(vec![Val::String(format!("hello, {name}!"))]),
        _ => Err(host_trap("greet")),
    });
    host.func_new("split-at", |_, args| match args {
        [Val::String(s), Val::U32(at)] => match s.split_at_checked(*at as usize) {
            Some((a, b)) => Ok(vec![Val::Tuple(vec![string(a), string(b)])]),
            None => Err(host_trap("split-at")),
        },
        _ => Err(host_trap("split-at")),
    });
    // The values, plus the keys' lengths (so that the keys are read too).
    host.func_new("sum", |_, args| {
        let [Val::List(entries)] = args else {
            return Err(host_trap("sum"));
        };
        let mut sum = 0i64;
        for entry in entries {
            match entry {
                Val::Record(fields) => match fields.as_slice() {
                    [(_, Val::String(key)), (_, Val::S64(value))] => {
                        sum += value + key.len() as i64;
                    }
                    _ => return Err(host_trap("sum")),
                },
                _ => return Err(host_trap("sum")),
            }
        }
        Ok(vec![Val::S64(sum)])
    });
    host.func_new("sum-many", |_, args| {
        let mut sum = 0u64;
        for arg in args {
            match arg {
                Val::U64(v) => sum += v,
                _ => return Err(host_trap("sum-many")),
            }
        }
        Ok(vec![Val::U64(sum)])
    });
}

impl Basics {
    fn new() -> Basics {
        static COMPONENT: OnceLock<Component> = OnceLock::new();
        let component = COMPONENT.get_or_init(|| {
            Component::new(&Engine::default(), component_bytes()).expect("the component loads")
        });
        Basics::instantiate(component)
    }

    fn instantiate(component: &Component) -> Basics {
        let mut store = Store::new(component.engine(), ());
        let log = Arc::new(Mutex::new(Vec::new()));
        let tallies = Arc::new(Mutex::new(Tallies::default()));
        let state = tallies.clone();
        let tally = ResourceType::host_with_destructor(&mut store, move |_, rep| {
            let mut state = state.lock().unwrap();
            state.live.remove(&rep).expect("a live tally is destroyed");
            state.dropped.push(rep);
            Ok(())
        });
        let mut linker = Linker::new(component.engine());
        define_host(&mut linker, &log);
        define_tallies(&mut linker.instance(TALLIES), tally, &tallies);
        let instance = linker
            .instantiate(&mut store, component)
            .expect("the component instantiates");
        Basics {
            store,
            instance,
            log,
            tallies,
            tally,
        }
    }

    fn call(&mut self, name: &str, args: &[Val]) -> Vec<Val> {
        let func = self
            .instance
            .get_func(&mut self.store, name)
            .unwrap_or_else(|| panic!("no export `{name}`"));
        func.call(&mut self.store, args)
            .unwrap_or_else(|e| panic!("`{name}` failed: {e}"))
    }

    fn call1(&mut self, name: &str, args: &[Val]) -> Val {
        let mut results = self.call(name, args);
        assert_eq!(results.len(), 1, "`{name}` returned {results:?}");
        results.remove(0)
    }

    fn shapes(&mut self, name: &str, args: &[Val]) -> Val {
        self.call1(&format!("{SHAPES}#{name}"), args)
    }
}

impl Basics {
    /// Calls the function `name` of the `counters` interface.
    fn counters(&mut self, name: &str, args: &[Val]) -> Vec<Val> {
        self.call(&format!("{COUNTERS}#{name}"), args)
    }

    fn counter(&mut self, name: &str, args: &[Val]) -> Val {
        let mut results = self.counters(name, args);
        assert_eq!(results.len(), 1, "`{name}` returned {results:?}");
        results.remove(0)
    }

    fn live(&mut self) -> u32 {
        match self.counter("live", &[]) {
            Val::U32(n) => n,
            other => panic!("{other:?}"),
        }
    }
}

fn own(v: Val) -> Resource {
    match v {
        Val::Own(r) => r,
        other => panic!("not an own handle: {other:?}"),
    }
}

fn string(s: &str) -> Val {
    Val::String(s.to_string())
}

fn strings(items: &[&str]) -> Val {
    Val::List(items.iter().map(|s| string(s)).collect())
}

fn some(v: Val) -> Val {
    Val::Option(Some(Box::new(v)))
}

fn point(x: i32, y: i32) -> Val {
    Val::Record(vec![("x".into(), Val::S32(x)), ("y".into(), Val::S32(y))])
}

fn case(name: &str, payload: Option<Val>) -> Val {
    Val::Variant(name.into(), payload.map(Box::new))
}

fn flag_names(v: &Val) -> Vec<String> {
    match v {
        Val::Flags(names) => {
            let mut names = names.clone();
            names.sort();
            names
        }
        other => panic!("not flags: {other:?}"),
    }
}

#[test]
fn module_carries_its_world_and_the_abi_exports() {
    let module = module();
    let mut sections = Vec::new();
    let mut exports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&module) {
        match payload.expect("the module parses") {
            wasmparser::Payload::CustomSection(s) => sections.push(s.name().to_string()),
            wasmparser::Payload::ExportSection(reader) => {
                for export in reader {
                    exports.push(export.expect("an export").name.to_string());
                }
            }
            _ => {}
        }
    }
    assert!(
        sections
            .iter()
            .any(|s| s.starts_with("component-type:weft:")),
        "{sections:?}"
    );
    for name in [
        "cabi_realloc",
        "reverse",
        "cabi_post_reverse",
        "negate",
        "echo-many",
        "cabi_post_echo-many",
        "weft-test:basics/shapes@0.1.0#area",
        "cabi_post_weft-test:basics/shapes@0.1.0#paint",
        "weft-test:basics/counters@0.1.0#[constructor]counter",
        "weft-test:basics/counters@0.1.0#[method]counter.get",
        "weft-test:basics/counters@0.1.0#[dtor]counter",
    ] {
        assert!(
            exports.iter().any(|e| e == name),
            "no export `{name}` in {exports:?}"
        );
    }
    // A single flat result needs no post-return.
    assert!(!exports.iter().any(|e| e == "cabi_post_negate"));
}

#[test]
fn component_validates_and_describes_the_world() {
    let bytes = component_bytes();
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(bytes)
        .expect("the component validates");
    let component = Component::new(&Engine::default(), bytes).expect("the component loads");
    let mut exports: Vec<&str> = component.exports().collect();
    exports.sort();
    assert!(exports.contains(&"reverse"), "{exports:?}");
    assert!(exports.contains(&SHAPES), "{exports:?}");
    assert!(exports.contains(&COUNTERS), "{exports:?}");
    let mut imports: Vec<&str> = component.imports().collect();
    imports.sort();
    assert_eq!(
        imports,
        ["held", "noted", "now", "stats", "tally", HOST, TALLIES]
    );
}

/// Built for `wasm32-wasip2`, the crate is a component straight from
/// the toolchain's linker (which reads the same custom section), with
/// the same exports. It imports the WASI interfaces Rust's std brings
/// (`wasi:io/poll` and others, with resources), which the runtime cannot
/// provide yet, so it is loaded and validated here, not run.
#[test]
fn wasip2_build_is_a_component() {
    let bytes = common::build("weft-basics", common::WASIP2);
    assert!(wasmparser::Parser::is_component(&bytes));
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(&bytes)
        .expect("the component validates");
    let component = Component::new(&Engine::default(), &bytes).expect("the component loads");
    let exports: Vec<&str> = component.exports().collect();
    for name in ["reverse", "echo-many", SHAPES] {
        assert!(exports.contains(&name), "no export `{name}` in {exports:?}");
    }
    // Besides WASI, the world's own imports (a world's types are among
    // them).
    let mut others: Vec<&str> = component
        .imports()
        .filter(|i| !i.starts_with("wasi:"))
        .collect();
    others.sort();
    assert_eq!(
        others,
        ["held", "noted", "now", "stats", "tally", HOST, TALLIES]
    );
}

#[test]
fn strings_cross_both_ways() {
    let mut b = Basics::new();
    assert_eq!(
        b.call1("reverse", &[string("héllo 🦀")]),
        string("🦀 olléh")
    );
    assert_eq!(b.call1("reverse", &[string("")]), string(""));
    assert_eq!(
        b.call1("count-words", &[string(" one two  three ")]),
        Val::U32(3)
    );
    assert_eq!(
        b.call1("split", &[string("a,b,,c"), Val::Char(',')]),
        strings(&["a", "b", "", "c"])
    );
    assert_eq!(
        b.call1("shout", &[strings(&["hi", "weft"])]),
        strings(&["HI!", "WEFT!"])
    );
    assert_eq!(b.call1("shout", &[strings(&[])]), strings(&[]));
}

#[test]
fn scalars_and_options() {
    let mut b = Basics::new();
    assert_eq!(b.call1("negate", &[Val::S32(5)]), Val::S32(-5));
    assert_eq!(b.call1("negate", &[Val::S32(i32::MIN)]), Val::S32(i32::MIN));
    assert!(b.call("nothing", &[]).is_empty());
    assert_eq!(
        b.call1("maybe-char", &[Val::U32(0x1F980)]),
        some(Val::Char('🦀'))
    );
    assert_eq!(
        b.call1("maybe-char", &[Val::U32(0xD800)]),
        Val::Option(None)
    );
}

fn bytes(data: &[u8]) -> Val {
    Val::List(data.iter().map(|&b| Val::U8(b)).collect())
}

#[test]
fn lists_of_numbers() {
    let mut b = Basics::new();
    let data: Vec<u8> = (0..=255).collect();
    let expected = data.iter().fold(0u32, |sum, &b| {
        sum.wrapping_mul(31).wrapping_add(u32::from(b))
    });
    assert_eq!(b.call1("checksum", &[bytes(&data)]), Val::U32(expected));
    assert_eq!(b.call1("checksum", &[bytes(&[])]), Val::U32(0));
    let reversed: Vec<u8> = data.iter().rev().copied().collect();
    assert_eq!(b.call1("reverse-bytes", &[bytes(&data)]), bytes(&reversed));
    assert_eq!(b.call1("reverse-bytes", &[bytes(&[])]), bytes(&[]));
    let values = Val::List(vec![Val::F64(1.5), Val::F64(-2.0), Val::F64(0.25)]);
    assert_eq!(
        b.call1("scale", &[values, Val::F64(4.0)]),
        Val::List(vec![Val::F64(6.0), Val::F64(-8.0), Val::F64(1.0)])
    );
}

#[test]
fn records_and_results() {
    let mut b = Basics::new();
    let values = Val::List(vec![Val::S64(4), Val::S64(-1), Val::S64(10)]);
    assert_eq!(
        b.call1("stats", &[values, string("three")]),
        Val::Record(vec![
            ("count".into(), Val::U32(3)),
            ("total".into(), Val::S64(13)),
            ("mean".into(), some(Val::F64(13.0 / 3.0))),
            ("label".into(), string("three")),
        ])
    );
    assert_eq!(
        b.call1("stats", &[Val::List(vec![]), string("")]),
        Val::Record(vec![
            ("count".into(), Val::U32(0)),
            ("total".into(), Val::S64(0)),
            ("mean".into(), Val::Option(None)),
            ("label".into(), string("")),
        ])
    );
    assert_eq!(
        b.call1("parse-u8", &[string("200")]),
        Val::Result(Ok(Some(Box::new(Val::U8(200)))))
    );
    let expected = format!("{:?}: {}", "300", "300".parse::<u8>().unwrap_err());
    assert_eq!(
        b.call1("parse-u8", &[string("300")]),
        Val::Result(Err(Some(Box::new(string(&expected)))))
    );
}

#[test]
fn imported_functions_call_the_host() {
    let mut b = Basics::new();
    assert_eq!(
        b.call1("greet-all", &[strings(&["ann", "bo"])]),
        strings(&["hello, ann!", "hello, bo!"])
    );
    assert_eq!(
        *b.log.lock().unwrap(),
        ["greeted: hello, ann!", "greeted: hello, bo!"]
    );
    assert_eq!(
        b.call1("split-greeting", &[string("weft"), Val::U32(5)]),
        Val::Tuple(vec![string("hello"), string(", weft!")])
    );
    // Entries: values 0, 1, 2 plus key lengths 1, 2, 3; `sum-many` of 1
    // to 17 is 153.
    let keys = strings(&["a", "bb", "ccc"]);
    assert_eq!(b.call1("total", &[keys]), Val::U64(3 + 6 + 153 + NOW));
    assert_eq!(b.call1("total", &[strings(&[])]), Val::U64(153 + NOW));
}

#[test]
fn exported_resources_live_in_the_guest() {
    let mut b = Basics::new();
    let a = own(b.counter("[constructor]counter", &[string("a"), Val::U32(5)]));
    assert_eq!(b.live(), 1);
    assert!(b
        .counters("[method]counter.add", &[Val::Borrow(a), Val::U32(3)])
        .is_empty());
    assert_eq!(
        b.counter("[method]counter.get", &[Val::Borrow(a)]),
        Val::U32(8)
    );
    assert_eq!(
        b.counter("[method]counter.label", &[Val::Borrow(a)]),
        string("a")
    );

    let made = own(b.counter("make", &[Val::U32(10)]));
    assert_eq!(b.live(), 2);
    assert_eq!(
        b.counter("sum", &[Val::Borrow(a), Val::Borrow(made)]),
        Val::U32(18)
    );

    // `merge` takes `a` (destroyed in the guest) and reads `made`.
    let merged = own(b.counter("[static]counter.merge", &[Val::Own(a), Val::Borrow(made)]));
    assert_eq!(b.live(), 2, "a is gone, merged is new");
    assert_eq!(
        b.counter("[method]counter.get", &[Val::Borrow(merged)]),
        Val::U32(18)
    );
    assert_eq!(
        b.counter("[method]counter.label", &[Val::Borrow(merged)]),
        string("a+made")
    );

    // Dropping a handle runs the guest's destructor.
    merged.drop(&mut b.store).expect("drops");
    assert_eq!(b.live(), 1);
    made.drop(&mut b.store).expect("drops");
    assert_eq!(b.live(), 0);
}

#[test]
fn imported_resources_are_the_hosts() {
    let mut b = Basics::new();
    // Made, used and dropped inside one call: the destructor ran.
    let values = Val::List(vec![Val::S64(4), Val::S64(-1), Val::S64(10)]);
    assert_eq!(
        b.call1("count-with-host", &[string("t"), values]),
        Val::S64(13)
    );
    assert_eq!(b.tallies.lock().unwrap().dropped, [500]);

    // Lent to the guest, which merges them through the host.
    let rep_a = b.tallies.lock().unwrap().create("a".into(), 1);
    let rep_b = b.tallies.lock().unwrap().create("b".into(), 2);
    let (a, c) = (Resource::new(b.tally, rep_a), Resource::new(b.tally, rep_b));
    let merged = own(b.call1("merge-tallies", &[Val::Borrow(a), Val::Borrow(c)]));
    assert_eq!(
        b.tallies.lock().unwrap().live[&merged.rep()],
        ("a+b".to_string(), 3)
    );
    assert_eq!(
        b.call1("describe-tally", &[Val::Borrow(merged)]),
        string(&format!("tally #{} = 3 (a+b)", merged.rep()))
    );
    assert_eq!(
        b.tallies.lock().unwrap().dropped,
        [500],
        "lending is not dropping"
    );

    // Moved into the guest and given back.
    let back = own(b.call1("bump-tally", &[Val::Own(merged), Val::S64(10)]));
    assert_eq!(back.rep(), merged.rep());
    assert_eq!(b.tallies.lock().unwrap().live[&back.rep()].1, 13);
    back.drop(&mut b.store).expect("drops");
    assert_eq!(b.tallies.lock().unwrap().dropped, [500, back.rep()]);
}

#[test]
fn parameters_spilled_to_memory() {
    let mut b = Basics::new();
    let args = [
        Val::U8(200),
        Val::S16(-300),
        Val::U32(70_000),
        Val::S64(-(1 << 40)),
        Val::F32(1.5),
        Val::F64(-2.25),
        Val::Char('ß'),
        Val::Bool(true),
        string("spilled"),
        Val::List(vec![Val::U8(1), Val::U8(2), Val::U8(3)]),
        some(string("maybe")),
        Val::U64(u64::MAX),
        Val::S8(-8),
    ];
    let mut expected: Vec<Val> = args[..12].to_vec();
    expected[7] = Val::Bool(false);
    assert_eq!(b.call1("echo-many", &args), Val::Tuple(expected));
}

#[test]
fn interface_functions_with_generated_types() {
    let mut b = Basics::new();
    let rect = case("rect", Some(Val::Tuple(vec![point(-1, -2), point(3, 4)])));
    assert_eq!(b.shapes("area", &[rect]), Val::F64(24.0));
    assert_eq!(
        b.shapes("area", &[case("circle", Some(Val::F64(2.0)))]),
        Val::F64(std::f64::consts::PI * 4.0)
    );
    assert_eq!(b.shapes("area", &[case("empty", None)]), Val::F64(0.0));
    assert_eq!(
        b.shapes(
            "bounding-box",
            &[Val::List(vec![point(1, 5), point(-2, 7), point(4, -3)])]
        ),
        some(Val::Tuple(vec![point(-2, -3), point(4, 7)]))
    );
    assert_eq!(
        b.shapes("bounding-box", &[Val::List(vec![])]),
        Val::Option(None)
    );
    let dot = case("dot", Some(point(9, -9)));
    assert_eq!(
        b.shapes("paint", &[dot.clone(), Val::Enum("blue".into())]),
        Val::Tuple(vec![Val::Enum("blue".into()), dot])
    );
    assert_eq!(
        b.shapes("next-color", &[Val::Enum("blue".into())]),
        Val::Enum("red".into())
    );
    let granted = b.shapes(
        "grant",
        &[
            Val::Flags(vec!["read".into()]),
            Val::Flags(vec!["exec".into(), "read".into()]),
        ],
    );
    assert_eq!(flag_names(&granted), ["exec", "read"]);
}

/// Arguments the guest takes and results it hands back are freed (by the
/// guest, and by its post-return functions), and so are the arguments
/// and results of its calls to the host: 200 rounds moving about 700 KiB
/// each fit in a memory limit of 4 MiB.
#[test]
fn many_calls_free_what_they_allocate() {
    let config = Config {
        memory_limit: Some(4 << 20),
        ..Config::default()
    };
    let engine = Engine::new(&config).expect("an engine");
    let component = Component::new(&engine, component_bytes()).expect("the component loads");
    let mut b = Basics::instantiate(&component);
    let text = "weft ".repeat(10_000);
    let words: Vec<&str> = text.split_whitespace().collect();
    let names = Val::List(vec![string(&text); 4]);
    let data = bytes(&[7; 50_000]);
    for _ in 0..200 {
        // Plain lists, adopted and handed over as blocks.
        match b.call1("reverse-bytes", std::slice::from_ref(&data)) {
            Val::List(items) => assert_eq!(items.len(), 50_000),
            other => panic!("{other:?}"),
        }
        assert_eq!(b.call1("count-words", &[string(&text)]), Val::U32(10_000));
        // Import arguments and results, freed by the guest.
        match b.call1("greet-all", std::slice::from_ref(&names)) {
            Val::List(items) => assert_eq!(items.len(), 4),
            other => panic!("{other:?}"),
        }
        b.log.lock().unwrap().clear();
        match b.call1("split", &[string(&text), Val::Char(' ')]) {
            Val::List(items) => assert_eq!(items.len(), words.len() + 1),
            other => panic!("{other:?}"),
        }
    }
}

fn record(fields: &[(&str, Val)]) -> Val {
    Val::Record(
        fields
            .iter()
            .map(|(name, v)| (name.to_string(), v.clone()))
            .collect(),
    )
}

/// The fields of a record, by name.
fn fields(v: Val) -> HashMap<String, Val> {
    match v {
        Val::Record(fields) => fields.into_iter().collect(),
        other => panic!("not a record: {other:?}"),
    }
}

fn ok(v: Val) -> Val {
    match v {
        Val::Result(Ok(Some(v))) => *v,
        other => panic!("not ok: {other:?}"),
    }
}

impl Basics {
    fn get(&mut self, counter: Resource) -> Val {
        self.counter("[method]counter.get", &[Val::Borrow(counter)])
    }
}

/// Owned handles of the guest's resource inside the types its functions
/// return (a record, a list alias, an option, a result, a variant, and
/// records in results in a list), and inside the types they take, which
/// the guest takes the values out of (each taken counter is destroyed
/// when the guest is done with it).
#[test]
fn owned_exported_handles_inside_types() {
    let mut b = Basics::new();
    let notes = strings(&["a", "b"]);
    let tagged = b.counter("make-tagged", &[string("t"), Val::U32(5), notes.clone()]);
    let mut parts = fields(tagged.clone());
    let counter = own(parts.remove("counter").expect("a `counter` field"));
    assert_eq!(parts.remove("notes"), Some(notes.clone()));
    assert_eq!(b.live(), 1);
    assert_eq!(b.get(counter), Val::U32(5));
    assert_eq!(
        b.counter("[method]counter.label", &[Val::Borrow(counter)]),
        string("t")
    );
    assert_eq!(
        b.counter("open", &[tagged]),
        Val::Tuple(vec![Val::U32(5), notes])
    );
    assert_eq!(b.live(), 0, "`open` took the counter");

    // A list (through the alias `counter-list`), taken back whole.
    let many = match b.counter(
        "make-many",
        &[Val::List(vec![Val::U32(1), Val::U32(2), Val::U32(3)])],
    ) {
        Val::List(items) => items,
        other => panic!("{other:?}"),
    };
    assert_eq!(many.len(), 3);
    assert_eq!(b.live(), 3);
    let handles: Vec<Resource> = many.iter().cloned().map(own).collect();
    assert_eq!(b.get(handles[2]), Val::U32(3));
    assert_eq!(b.counter("total", &[Val::List(many)]), Val::U32(6));
    assert_eq!(b.live(), 0);
    assert_eq!(b.counter("total", &[Val::List(vec![])]), Val::U32(0));

    // Options and results.
    let maybe = match b.counter("maybe-make", &[some(Val::U32(7))]) {
        Val::Option(Some(v)) => own(*v),
        other => panic!("{other:?}"),
    };
    assert_eq!(b.get(maybe), Val::U32(7));
    assert_eq!(
        b.counter("maybe-make", &[Val::Option(None)]),
        Val::Option(None)
    );
    let tried = own(ok(b.counter("try-make", &[Val::S64(9)])));
    assert_eq!(b.get(tried), Val::U32(9));
    assert_eq!(b.live(), 2);
    let refused = format!("-1: {}", u32::try_from(-1i64).unwrap_err());
    assert_eq!(
        b.counter("try-make", &[Val::S64(-1)]),
        Val::Result(Err(Some(Box::new(string(&refused)))))
    );
    maybe.drop(&mut b.store).expect("drops");
    tried.drop(&mut b.store).expect("drops");
    assert_eq!(b.live(), 0);

    // A variant's payload, out and back in.
    let made = b.counter("attempt", &[Val::S64(3)]);
    let Val::Variant(case, Some(payload)) = &made else {
        panic!("{made:?}");
    };
    assert_eq!(case, "made");
    assert_eq!(b.get(own((**payload).clone())), Val::U32(3));
    assert_eq!(b.live(), 1);
    assert_eq!(b.counter("settle", &[made]), string("tried=3"));
    assert_eq!(b.live(), 0, "`settle` took the counter");
    let no = b.counter("attempt", &[Val::S64(-2)]);
    let message = format!("-2: {}", u32::try_from(-2i64).unwrap_err());
    assert_eq!(no, case_of("refused", string(&message)));
    assert_eq!(b.counter("settle", &[no]), string(&message));

    // Records inside results inside a list.
    let batch = match b.counter(
        "batch",
        &[Val::List(vec![Val::S64(4), Val::S64(-4), Val::S64(6)])],
    ) {
        Val::List(items) => items,
        other => panic!("{other:?}"),
    };
    assert_eq!(batch.len(), 3);
    assert_eq!(b.live(), 2);
    assert!(
        matches!(&batch[1], Val::Result(Err(Some(_)))),
        "{:?}",
        batch[1]
    );
    let first = ok(batch[0].clone());
    assert_eq!(fields(first.clone())["notes"], strings(&["from 4"]));
    assert_eq!(
        b.counter("open", &[first]),
        Val::Tuple(vec![Val::U32(4), strings(&["from 4"])])
    );
    // A method taking a record: the counter inside is absorbed.
    let keeper = own(b.counter("[constructor]counter", &[string("k"), Val::U32(1)]));
    let absorbed = ok(batch[2].clone());
    assert!(b
        .counters("[method]counter.absorb", &[Val::Borrow(keeper), absorbed])
        .is_empty());
    assert_eq!(b.get(keeper), Val::U32(7));
    assert_eq!(b.live(), 1, "only the keeper is left");
    keeper.drop(&mut b.store).expect("drops");
    assert_eq!(b.live(), 0);
}

fn case_of(name: &str, payload: impl Into<Option<Val>>) -> Val {
    case(name, payload.into())
}

/// Borrows of the guest's resource inside a parameter's record, a list
/// of tuples and an option: the guest reads the lent counters, which
/// stay the host's.
#[test]
fn borrowed_exported_handles_inside_parameters() {
    let mut b = Basics::new();
    let heavy = own(b.counter("[constructor]counter", &[string("h"), Val::U32(2)]));
    let light = own(b.counter("[constructor]counter", &[string("l"), Val::U32(3)]));
    let weighing = record(&[
        ("heavy", Val::Borrow(heavy)),
        ("light", Val::Borrow(light)),
        ("factor", Val::U32(10)),
    ]);
    assert_eq!(b.counter("weigh", &[weighing]), Val::U32(23));
    let items = Val::List(vec![
        Val::Tuple(vec![Val::Borrow(heavy), Val::U32(2)]),
        Val::Tuple(vec![Val::Borrow(light), Val::U32(5)]),
        Val::Tuple(vec![Val::Borrow(heavy), Val::U32(100)]),
    ]);
    assert_eq!(b.counter("weigh-all", &[items]), Val::U32(4 + 15 + 200));
    assert_eq!(b.counter("weigh-all", &[Val::List(vec![])]), Val::U32(0));
    assert_eq!(
        b.counter("peek", &[some(Val::Borrow(light))]),
        some(Val::U32(3))
    );
    assert_eq!(b.counter("peek", &[Val::Option(None)]), Val::Option(None));
    assert_eq!(b.live(), 2, "lending is not giving");
    assert_eq!(b.get(heavy), Val::U32(2));
    heavy.drop(&mut b.store).expect("drops");
    light.drop(&mut b.store).expect("drops");
    assert_eq!(b.live(), 0);
}

/// The host's resource inside a record both ways, and lent handles
/// passed on to the host inside a list.
#[test]
fn imported_handles_inside_types() {
    let mut b = Basics::new();
    let rep = b.tallies.lock().unwrap().create("t".into(), 1);
    let tally = Resource::new(b.tally, rep);
    let noted = b.call1("note-tally", &[Val::Own(tally), string("hi")]);
    let mut parts = fields(noted.clone());
    assert_eq!(
        own(parts.remove("tally").expect("a `tally` field")).rep(),
        rep
    );
    assert_eq!(parts.remove("note"), Some(string("hi")));
    // Bumped by 10 and the note's length.
    let back = own(b.call1("unnote-tally", &[noted, Val::S64(10)]));
    assert_eq!(back.rep(), rep);
    assert_eq!(b.tallies.lock().unwrap().live[&rep].1, 13);

    let held = b.call1("hold", &[some(Val::Own(back))]);
    let Val::Variant(case, Some(payload)) = held else {
        panic!("{held:?}");
    };
    assert_eq!(case, "one");
    let back = own(*payload);
    assert_eq!(back.rep(), rep);
    assert_eq!(
        b.call1("hold", &[Val::Option(None)]),
        case_of("nothing", None)
    );

    let other = b.tallies.lock().unwrap().create("o".into(), 5);
    let other = Resource::new(b.tally, other);
    assert_eq!(
        b.call1("describe-both", &[Val::Borrow(back), Val::Borrow(other)]),
        string("t = 13; o = 5")
    );
    assert!(b.tallies.lock().unwrap().dropped.is_empty());
    back.drop(&mut b.store).expect("drops");
    assert_eq!(b.tallies.lock().unwrap().dropped, [rep]);
}

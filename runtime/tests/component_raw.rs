//! The raw call API (`Func::raw`, `RawFunc::call`, `RawHostCall`), where
//! the host lowers arguments and lifts results itself, driven by type
//! descriptors, as the Python and Go hosts do: every export of the
//! kitchen-sink guest (built from source with wit-bindgen) is called
//! through the descriptor-driven host of `common/raw_host.rs` and compared
//! with the dynamic API; the guest's imports are raw host functions, some
//! hand-written. Resources, spilled parameters, type descriptors and
//! failures in the host's own code (after which the instance must still
//! work). `component_raw_wat.rs` covers hand-written components.

mod common;

use std::sync::{Arc, Mutex};

use common::kitchen_sink::{
    greeting, kitchen_sink, Sink, Tallies, COMPOUND, HOST, HOST_THINGS, RESOURCES, SCALARS, TYPES,
};
use common::raw_host::{self as host, host_trap, instantiate, HostError};
use weft_runtime::component::{
    CallError, Func, FuncType, Instance, Linker, LinkerInstance, Resource, ResourceType,
    StringEncoding, Type, Val,
};
use weft_runtime::{Engine, Error, Store, ValType};

// ---- the kitchen sink with raw host functions -----------------------------

/// The kitchen sink, its imports defined with `func_raw`.
struct RawSink {
    store: Store<()>,
    instance: Instance,
    log: Arc<Mutex<Vec<String>>>,
    tallies: Arc<Mutex<Tallies>>,
    tally: ResourceType,
}

impl RawSink {
    fn new() -> RawSink {
        let component = kitchen_sink();
        let engine = component.engine().clone();
        let mut store = Store::new(&engine, ());
        let log = Arc::new(Mutex::new(Vec::new()));
        let tallies = Arc::new(Mutex::new(Tallies::default()));
        let state = tallies.clone();
        let tally = ResourceType::host_with_destructor(&mut store, move |_, rep| {
            let mut state = state.lock().unwrap();
            let (label, value) = state
                .live
                .remove(&rep)
                .ok_or_else(|| host_trap(format!("tally {rep} is not live")))?;
            state.dropped.push((rep, label, value));
            Ok(())
        });
        let mut linker = Linker::new(&engine);
        linker.instance(TYPES);
        define_host(&mut linker.instance(HOST), &log);
        define_host_things(&mut linker.instance(HOST_THINGS), tally, &tallies);
        let instance = linker
            .instantiate(&mut store, component)
            .expect("the kitchen sink instantiates with raw host functions");
        RawSink {
            store,
            instance,
            log,
            tallies,
            tally,
        }
    }

    fn func(&mut self, name: &str) -> Func {
        self.instance
            .get_func(&mut self.store, name)
            .unwrap_or_else(|| panic!("no export `{name}`"))
    }

    /// Calls `name` raw through the host's movers.
    fn call(&mut self, name: &str, args: &[Val]) -> Result<Option<Val>, CallError<HostError>> {
        let func = self.func(name);
        host::call(&mut self.store, func, args)
    }

    /// Calls `name`, which returns a value.
    fn value(&mut self, name: &str, args: &[Val]) -> Val {
        match self.call(name, args) {
            Ok(Some(value)) => value,
            other => panic!("`{name}`: {other:?}"),
        }
    }
}

fn string_type() -> FuncType {
    FuncType {
        params: vec![("name".into(), Type::String)],
        result: Some(Type::String),
    }
}

/// The `host` interface as raw host functions: `greet`, `points` and
/// `add` written against the raw API by hand, the others through the
/// host's movers.
fn define_host(host: &mut LinkerInstance<'_>, log: &Arc<Mutex<Vec<String>>>) {
    let seen = log.clone();
    host.func_raw("log", None, move |call| {
        let mut args = call.args();
        let (ptr, len) = (args.take::<u32>()?, args.take::<u32>()?);
        let msg = args.load_str(ptr, len)?;
        seen.lock().unwrap().push(msg.into_owned());
        Ok(())
    });
    host.func_raw("add", None, |call| {
        let (a, b) = {
            let mut args = call.args();
            (args.take::<u64>()?, args.take::<u64>()?)
        };
        call.results().push(a.wrapping_add(b))?;
        Ok(())
    });
    host.func_raw("greet", Some(string_type()), |call| {
        let name = {
            let mut args = call.args();
            let (ptr, len) = (args.take::<u32>()?, args.take::<u32>()?);
            args.load_str(ptr, len)?.into_owned()
        };
        let mut result = call.results();
        let (ptr, len) = result.store_string(&greeting(&name))?;
        // Two flat values: the result goes where the caller asked.
        let at = result.spill_area()?;
        result.write(at, ptr)?;
        result.write(at + 4, len)?;
        Ok(())
    });
    host.func_raw("points", None, |call| {
        let n = call.args().take::<u32>()?;
        let mut result = call.results();
        let data = result.allocate_list(n as usize, 8, 4)?;
        for i in 0..n {
            result.write(data + 8 * i, i as i32)?;
            result.write(data + 8 * i + 4, -(i as i32))?;
        }
        let at = result.spill_area()?;
        result.write(at, data)?;
        result.write(at + 4, n)?;
        Ok(())
    });
    host.func_raw(
        "split-at",
        None,
        host::func(|_, args| match args.as_slice() {
            [Val::String(s), Val::U32(at)] => match s.split_at_checked(*at as usize) {
                Some((front, back)) => Ok(Some(Val::Tuple(vec![
                    Val::String(front.into()),
                    Val::String(back.into()),
                ]))),
                None => Err(host_trap(format!("cannot split {s:?} at {at}"))),
            },
            _ => Err(host_trap("split-at")),
        }),
    );
}

/// The `host-things` interface as raw host functions (through the host's
/// movers: own results, borrowed arguments).
fn define_host_things(
    things: &mut LinkerInstance<'_>,
    tally: ResourceType,
    tallies: &Arc<Mutex<Tallies>>,
) {
    things.resource("tally", tally);
    let state = tallies.clone();
    things.func_raw(
        "[constructor]tally",
        None,
        host::func(move |_, args| match args.as_slice() {
            [Val::String(label), Val::S64(start)] => {
                let rep = state.lock().unwrap().create(label.clone(), *start);
                Ok(Some(Val::Own(Resource::new(tally, rep))))
            }
            _ => Err(host_trap("[constructor]tally")),
        }),
    );
    let state = tallies.clone();
    things.func_raw(
        "[method]tally.add",
        None,
        host::func(move |_, args| match args.as_slice() {
            [Val::Borrow(t), Val::S64(by)] => {
                let mut state = state.lock().unwrap();
                let entry = state.live.get_mut(&t.rep()).expect("a live tally");
                entry.1 += by;
                Ok(Some(Val::S64(entry.1)))
            }
            _ => Err(host_trap("[method]tally.add")),
        }),
    );
    let state = tallies.clone();
    things.func_raw(
        "[method]tally.value",
        None,
        host::func(move |_, args| match args.as_slice() {
            [Val::Borrow(t)] => Ok(Some(Val::S64(state.lock().unwrap().live[&t.rep()].1))),
            _ => Err(host_trap("[method]tally.value")),
        }),
    );
    let state = tallies.clone();
    things.func_raw(
        "[method]tally.label",
        None,
        host::func(move |_, args| match args.as_slice() {
            [Val::Borrow(t)] => Ok(Some(Val::String(
                state.lock().unwrap().live[&t.rep()].0.clone(),
            ))),
            _ => Err(host_trap("[method]tally.label")),
        }),
    );
    let state = tallies.clone();
    things.func_raw(
        "[static]tally.merge",
        None,
        host::func(move |call, args| match args.as_slice() {
            [Val::Borrow(a), Val::Borrow(b)] => {
                // The resource type of the result's slot is the host's.
                let Some(Type::Own(slot)) = call.ty().result.clone() else {
                    return Err(host_trap("merge returns an own handle"));
                };
                assert_eq!(call.resource_type(slot), Some(tally));
                let mut state = state.lock().unwrap();
                let (la, va) = state.live[&a.rep()].clone();
                let (lb, vb) = state.live[&b.rep()].clone();
                let rep = state.create(format!("{la}+{lb}"), va + vb);
                Ok(Some(Val::Own(Resource::new(tally, rep))))
            }
            _ => Err(host_trap("[static]tally.merge")),
        }),
    );
}

// ---- values ----------------------------------------------------------------

fn string(s: &str) -> Val {
    Val::String(s.into())
}

fn strings(items: &[&str]) -> Val {
    Val::List(items.iter().map(|s| string(s)).collect())
}

fn point(x: i32, y: i32) -> Val {
    Val::Record(vec![("x".into(), Val::S32(x)), ("y".into(), Val::S32(y))])
}

fn some(v: Val) -> Val {
    Val::Option(Some(Box::new(v)))
}

fn flags(names: &[&str]) -> Val {
    Val::Flags(names.iter().map(|n| n.to_string()).collect())
}

fn shape(case: &str, payload: Option<Val>) -> Val {
    Val::Variant(case.into(), payload.map(Box::new))
}

fn person(name: &str, age: u8, tags: &[&str]) -> Val {
    Val::Record(vec![
        ("name".into(), string(name)),
        ("age".into(), Val::U8(age)),
        ("tags".into(), strings(tags)),
    ])
}

fn own(v: Option<Val>) -> Resource {
    match v {
        Some(Val::Own(r)) => r,
        other => panic!("expected an own handle, got {other:?}"),
    }
}

/// Calls of every kind of value, pure functions of their arguments.
fn pure_calls() -> Vec<(String, Vec<Val>)> {
    let scalars = |f: &str| format!("{SCALARS}#{f}");
    let compound = |f: &str| format!("{COMPOUND}#{f}");
    let people = Val::List(vec![
        person("ada", 36, &["math", "code"]),
        person("bob", 7, &[]),
        person("cyd", 36, &["code", "ünïcode"]),
    ]);
    let drawing = Val::Record(vec![
        ("title".into(), string("sketch")),
        (
            "shapes".into(),
            Val::List(vec![
                shape("empty", None),
                shape("dot", Some(Val::U8(3))),
                shape("line", Some(Val::U64(1 << 40))),
                shape("label", Some(string("hé"))),
                shape("rect", Some(point(4, -5))),
                shape("ratio", Some(Val::F32(0.25))),
            ]),
        ),
        (
            "palette".into(),
            Val::List(vec![Val::Enum("red".into()), Val::Enum("blue".into())]),
        ),
    ]);
    let mut calls = vec![
        (scalars("negate"), vec![Val::Bool(true)]),
        (scalars("add-s8"), vec![Val::S8(-100), Val::S8(-100)]),
        (scalars("add-u8"), vec![Val::U8(200), Val::U8(100)]),
        (scalars("add-s16"), vec![Val::S16(-30000), Val::S16(-30000)]),
        (scalars("add-u16"), vec![Val::U16(65000), Val::U16(1000)]),
        (scalars("add-s32"), vec![Val::S32(i32::MIN), Val::S32(-1)]),
        (scalars("add-u32"), vec![Val::U32(u32::MAX), Val::U32(2)]),
        (scalars("add-s64"), vec![Val::S64(i64::MAX), Val::S64(1)]),
        (scalars("add-u64"), vec![Val::U64(u64::MAX), Val::U64(3)]),
        (scalars("mul-f32"), vec![Val::F32(1.5), Val::F32(-2.0)]),
        (scalars("mul-f64"), vec![Val::F64(1e300), Val::F64(1e10)]),
        (scalars("identity-f32"), vec![Val::F32(f32::NAN)]),
        (scalars("identity-f64"), vec![Val::F64(-0.0)]),
        (scalars("next-char"), vec![Val::Char('\u{d7ff}')]),
        (
            scalars("step-all"),
            vec![
                Val::Bool(false),
                Val::S8(-8),
                Val::U8(255),
                Val::S16(-16),
                Val::U16(16),
                Val::S32(-32),
                Val::U32(32),
                Val::S64(-64),
                Val::U64(64),
                Val::F32(3.0),
                Val::F64(-7.0),
                Val::Char('λ'),
            ],
        ),
        (compound("reverse-string"), vec![string("héllo wörld 😀")]),
        (compound("measure"), vec![string("aé€😀")]),
        (
            compound("reverse-bytes"),
            vec![Val::List((0..=255u8).map(Val::U8).collect())],
        ),
        (
            compound("sum-u32"),
            vec![Val::List((0..1000).map(Val::U32).collect())],
        ),
        (
            compound("prefix-sums"),
            vec![Val::List(vec![
                Val::U32(1),
                Val::U32(u32::MAX),
                Val::U32(5),
            ])],
        ),
        (
            compound("join"),
            vec![strings(&["a", "bé", "", "c"]), string("--")],
        ),
        (compound("split"), vec![string("a,b,,c"), Val::Char(',')]),
        (
            compound("reverse-words"),
            vec![strings(&["one", "twö", "three"])],
        ),
        (compound("rotate"), vec![point(3, -4)]),
        (
            compound("reverse-tuple"),
            vec![Val::Tuple(vec![Val::U8(255), string("up"), Val::F64(9.0)])],
        ),
        (compound("next-color"), vec![Val::Enum("blue".into())]),
        (
            compound("invert-permissions"),
            vec![flags(&["read", "execute"])],
        ),
        (compound("invert-nine"), vec![flags(&["b0", "b8"])]),
        (compound("rotate-wide"), vec![flags(&["w0", "w31", "w7"])]),
        (compound("halve"), vec![some(Val::U32(8))]),
        (compound("halve"), vec![some(Val::U32(7))]),
        (compound("halve"), vec![Val::Option(None)]),
        (compound("bump-nested"), vec![some(some(Val::U32(41)))]),
        (compound("bump-nested"), vec![some(Val::Option(None))]),
        (compound("bump-nested"), vec![Val::Option(None)]),
        (compound("checked-div"), vec![Val::S32(7), Val::S32(2)]),
        (compound("checked-div"), vec![Val::S32(1), Val::S32(0)]),
        (
            compound("flip"),
            vec![Val::Result(Ok(Some(Box::new(string("x")))))],
        ),
        (
            compound("flip"),
            vec![Val::Result(Err(Some(Box::new(Val::U32(3)))))],
        ),
        (
            compound("append-error"),
            vec![Val::Result(Err(Some(Box::new(string("bad"))))), string("!")],
        ),
        (
            compound("double-ok"),
            vec![Val::Result(Ok(Some(Box::new(Val::U32(21)))))],
        ),
        (compound("negate-result"), vec![Val::Result(Err(None))]),
        (compound("total-age"), vec![people.clone()]),
        (compound("age-all"), vec![people.clone()]),
        (compound("oldest"), vec![people.clone()]),
        (compound("oldest"), vec![Val::List(vec![])]),
        (compound("tag-counts"), vec![people]),
        (compound("advance-drawing"), vec![drawing]),
        (
            "weighted-sum".into(),
            (1..=20).map(|i| Val::U32(i * 1000)).collect(),
        ),
        (
            "describe-all".into(),
            vec![
                Val::Bool(true),
                Val::S8(-8),
                Val::U8(200),
                Val::S16(-16000),
                Val::U16(65000),
                Val::S32(-2_000_000_000),
                Val::U32(4_000_000_000),
                Val::S64(i64::MIN),
                Val::U64(u64::MAX),
                Val::F32(1.5),
                Val::F64(-2.25e100),
                Val::Char('λ'),
                string("strïng"),
                Val::List(vec![Val::U8(0), Val::U8(0xab)]),
                point(-3, 7),
                some(Val::U32(42)),
                Val::Enum("green".into()),
                flags(&["read", "execute"]),
            ],
        ),
        (
            "compute-stats".into(),
            vec![Val::List(
                [5, -3, 12, 0].iter().map(|v| Val::S32(*v)).collect(),
            )],
        ),
        ("compute-stats".into(), vec![Val::List(vec![])]),
    ];
    for case in [
        shape("empty", None),
        shape("dot", Some(Val::U8(9))),
        shape("line", Some(Val::U64(12))),
        shape("label", Some(string("abc"))),
        shape("rect", Some(point(2, 3))),
        shape("ratio", Some(Val::F32(1.5))),
    ] {
        calls.push((compound("next-shape"), vec![case]));
    }
    calls
}

// ---- round trips -----------------------------------------------------------

#[test]
fn every_kind_of_value_round_trips_as_the_dynamic_api_moves_it() {
    let mut raw = RawSink::new();
    let mut dynamic = Sink::new();
    for (name, args) in pure_calls() {
        let expected = dynamic
            .func(&name)
            .call(&mut dynamic.store, &args)
            .unwrap_or_else(|e| panic!("`{name}` (dynamic): {e}"));
        let got = raw
            .call(&name, &args)
            .unwrap_or_else(|e| panic!("`{name}` (raw): {e}"));
        // Debug text, so that NaNs compare equal.
        assert_eq!(
            format!("{:?}", got.into_iter().collect::<Vec<_>>()),
            format!("{expected:?}"),
            "`{name}`({args:?})"
        );
    }
}

#[test]
fn scalars_by_hand_with_typed_flat_values() {
    let mut sink = RawSink::new();
    let add = sink
        .func(&format!("{SCALARS}#add-u32"))
        .raw(&sink.store)
        .unwrap();
    assert_eq!(add.signature().params, [ValType::I32, ValType::I32]);
    assert_eq!(add.signature().results, [ValType::I32]);
    assert!(!add.signature().params_in_memory && !add.signature().result_in_memory);
    let sum: u32 = add
        .call(
            &mut sink.store,
            |args| {
                args.push(u32::MAX)?;
                args.push(7u32)?;
                Ok::<_, CallError<HostError>>(())
            },
            |result| Ok(result.take::<u32>()?),
        )
        .unwrap();
    assert_eq!(sum, 6);

    // Smaller signed integers go sign-extended and come back truncated.
    let add_s8 = sink.func(&format!("{SCALARS}#add-s8"));
    let sum: i8 = add_s8
        .call_raw(
            &mut sink.store,
            |args| {
                args.push(-100i8)?;
                args.push(-50i8)?;
                Ok::<_, CallError<HostError>>(())
            },
            |result| Ok(result.take::<i8>()?),
        )
        .unwrap();
    assert_eq!(sum, (-100i8).wrapping_add(-50));

    // NaNs come back canonical; chars are checked.
    let identity = sink.func(&format!("{SCALARS}#identity-f32"));
    let bits = identity
        .call_raw(
            &mut sink.store,
            |args| Ok::<_, CallError<HostError>>(args.push(f32::from_bits(0x7fa0_0001))?),
            |result| Ok(result.take::<f32>()?.to_bits()),
        )
        .unwrap();
    assert_eq!(bits, 0x7fc0_0000);
    let next_char = sink.func(&format!("{SCALARS}#next-char"));
    let c = next_char
        .call_raw(
            &mut sink.store,
            |args| Ok::<_, CallError<HostError>>(args.push('\u{10ffff}')?),
            |result| Ok(result.take::<char>()?),
        )
        .unwrap();
    assert_eq!(c, '\0');
}

#[test]
fn strings_and_lists_by_hand() {
    let mut sink = RawSink::new();
    let reverse = sink.func(&format!("{COMPOUND}#reverse-string"));
    let text = "añb€😀";
    let reversed = reverse
        .call_raw(
            &mut sink.store,
            |args| {
                assert_eq!(args.encoding(), StringEncoding::Utf8);
                let (ptr, len) = args.store_string(text)?;
                args.push(ptr)?;
                args.push(len)?;
                Ok::<_, CallError<HostError>>(())
            },
            |result| {
                let at = result.spill_area()?;
                let (ptr, len) = (result.read::<u32>(at)?, result.read::<u32>(at + 4)?);
                let s = result.load_str(ptr, len)?;
                // A UTF-8 string is read where it lies.
                assert!(matches!(s, std::borrow::Cow::Borrowed(_)));
                Ok(s.into_owned())
            },
        )
        .unwrap();
    assert_eq!(reversed, text.chars().rev().collect::<String>());

    // list<u32> in, list<u32> out, the elements read in one slice.
    let prefix = sink.func(&format!("{COMPOUND}#prefix-sums"));
    let values: Vec<u32> = (1..=1000).collect();
    let sums = prefix
        .call_raw(
            &mut sink.store,
            |args| {
                let data = args.allocate_list(values.len(), 4, 4)?;
                let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
                args.write_bytes(data, &bytes)?;
                args.push(data)?;
                args.push(values.len() as u32)?;
                Ok::<_, CallError<HostError>>(())
            },
            |result| {
                let at = result.spill_area()?;
                let (ptr, len) = (result.read::<u32>(at)?, result.read::<u32>(at + 4)?);
                let bytes = result.list_bytes(ptr, len, 4, 4)?;
                Ok(bytes
                    .chunks_exact(4)
                    .map(|b| u32::from_le_bytes(b.try_into().unwrap()))
                    .collect::<Vec<_>>())
            },
        )
        .unwrap();
    let expected: Vec<u32> = values
        .iter()
        .scan(0u32, |s, v| {
            *s = s.wrapping_add(*v);
            Some(*s)
        })
        .collect();
    assert_eq!(sums, expected);
}

#[test]
fn spilled_parameters_go_in_the_block_spill_area_allocates() {
    let mut sink = RawSink::new();
    let weighted = sink.func("weighted-sum").raw(&sink.store).unwrap();
    assert!(weighted.signature().params_in_memory);
    assert_eq!(weighted.signature().params, [ValType::I32]);
    assert_eq!(weighted.ty().params_size_align(), (80, 4));
    let offsets = weighted.ty().param_offsets();
    let sum = weighted
        .call(
            &mut sink.store,
            |args| {
                let base = args.spill_area()?;
                assert_eq!(args.spill_area()?, base, "allocated once");
                for (i, offset) in offsets.iter().enumerate() {
                    args.write(base + offset, i as u32 + 1)?;
                }
                Ok::<_, CallError<HostError>>(())
            },
            |result| Ok(result.take::<u64>()?),
        )
        .unwrap();
    assert_eq!(sum, (1..=20u64).map(|i| i * i).sum::<u64>());

    // Flat values where the parameters go through memory, or nothing at
    // all, are refused before the call; the instance goes on.
    let err = weighted
        .call(
            &mut sink.store,
            |args| Ok::<_, CallError<HostError>>(args.push(1u32)?),
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("raw call: values that go through memory"),
        "{err}"
    );
    let err = weighted
        .call(
            &mut sink.store,
            |_| Ok::<_, CallError<HostError>>(()),
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("none were stored at spill_area()"),
        "{err}"
    );
    let add = sink.func(&format!("{SCALARS}#add-u32"));
    let err = add
        .call_raw(
            &mut sink.store,
            |args| Ok::<_, CallError<HostError>>(args.push(1u32)?),
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("1 flat values were pushed"),
        "{err}"
    );
    assert!(sink
        .call("weighted-sum", &(1..=20).map(Val::U32).collect::<Vec<_>>())
        .is_ok());
}

#[test]
fn type_descriptors_give_layouts_and_signatures() {
    let sink = RawSink::new();
    let stats = sink
        .instance
        .get_func(&mut Store::new(sink.store.engine(), ()), "compute-stats");
    assert!(stats.is_none(), "functions belong to their store");
    let mut sink = sink;
    let stats = sink.func("compute-stats").raw(&sink.store).unwrap();
    let result = stats.ty().result.clone().unwrap();
    // record stats { count: u32, sum: s64, min: s32, max: s32, mean: f64 }
    assert_eq!((result.size(), result.align()), (32, 8));
    assert_eq!(result.field_offsets().unwrap(), [0, 8, 16, 20, 24]);
    assert_eq!(
        result.flat_types().unwrap(),
        [
            ValType::I32,
            ValType::I64,
            ValType::I32,
            ValType::I32,
            ValType::F64
        ]
    );
    let signature = stats.signature();
    assert!(signature.result_in_memory && !signature.params_in_memory);
    assert_eq!(signature.results, [ValType::I32]);
    // The same function as an import: the return pointer is a parameter.
    let lowered = stats.ty().lower_signature();
    assert_eq!(lowered.params, [ValType::I32, ValType::I32, ValType::I32]);
    assert!(lowered.results.is_empty());

    let shape_ty = sink
        .func(&format!("{COMPOUND}#next-shape"))
        .raw(&sink.store)
        .unwrap()
        .ty()
        .params[0]
        .1
        .clone();
    // Six cases: a one-byte discriminant; the payload (u64 at most) at 8.
    assert_eq!(shape_ty.discriminant_size(), Some(1));
    assert_eq!(shape_ty.payload_offset(), Some(8));
    assert_eq!(shape_ty.size(), 16);
    assert_eq!(
        shape_ty.flat_types().unwrap(),
        [ValType::I32, ValType::I64, ValType::I32]
    );
    assert_eq!(Type::U8.discriminant_size(), None);
    let many = Type::Tuple(vec![Type::U64; 17]);
    assert_eq!(many.flat_types(), None, "past 16 flat values");
    assert_eq!(many.flat_count(), None);
}

#[test]
fn parts_of_values_can_move_as_vals() {
    let mut raw = RawSink::new();
    let mut dynamic = Sink::new();
    for (name, args) in pure_calls() {
        let func = raw.func(&name).raw(&raw.store).unwrap();
        let (ty, signature) = (func.ty().clone(), func.signature().clone());
        let got = func
            .call(
                &mut raw.store,
                |l| {
                    if signature.params_in_memory {
                        let base = l.spill_area()?;
                        for (((_, t), v), offset) in
                            ty.params.iter().zip(&args).zip(ty.param_offsets())
                        {
                            l.store_val(v, t, base + offset)?;
                        }
                    } else {
                        for ((_, t), v) in ty.params.iter().zip(&args) {
                            l.push_val(v, t)?;
                        }
                    }
                    Ok::<_, CallError<HostError>>(())
                },
                |l| match &ty.result {
                    None => Ok(None),
                    Some(t) if signature.result_in_memory => {
                        let at = l.spill_area()?;
                        Ok(Some(l.load_val(t, at)?))
                    }
                    Some(t) => Ok(Some(l.take_val(t)?)),
                },
            )
            .unwrap_or_else(|e| panic!("`{name}`: {e}"));
        let expected = dynamic.func(&name).call(&mut dynamic.store, &args).unwrap();
        assert_eq!(
            format!("{:?}", got.into_iter().collect::<Vec<_>>()),
            format!("{expected:?}"),
            "`{name}`"
        );
    }
}

// ---- resources -------------------------------------------------------------

fn live(sink: &mut RawSink) -> u32 {
    match sink.value(&format!("{RESOURCES}#live-accumulators"), &[]) {
        Val::U32(n) => n,
        other => panic!("{other:?}"),
    }
}

fn acc(method: &str) -> String {
    format!("{RESOURCES}#[method]accumulator.{method}")
}

#[test]
fn guest_resources_own_and_borrow() {
    let mut sink = RawSink::new();
    let ctor = format!("{RESOURCES}#[constructor]accumulator");
    let a = own(sink.call(&ctor, &[Val::S64(10)]).unwrap());
    let b = own(sink.call(&ctor, &[Val::S64(1)]).unwrap());
    assert_eq!(live(&mut sink), 2);
    // The host tells resources apart by type: the exported type, the type
    // of the constructor's result slot and the resource's are the same.
    let accumulator = sink
        .instance
        .get_resource_type(&sink.store, &format!("{RESOURCES}#accumulator"))
        .expect("an exported resource type");
    let tag = sink
        .instance
        .get_resource_type(&sink.store, &format!("{RESOURCES}.tag"))
        .expect("an exported resource type");
    assert_ne!(accumulator, tag);
    assert_eq!(a.ty(), accumulator);
    let raw_ctor = sink.func(&ctor).raw(&sink.store).unwrap();
    let Some(Type::Own(slot)) = raw_ctor.ty().result else {
        panic!("a constructor returns an own handle");
    };
    assert_eq!(raw_ctor.resource_type(slot), Some(accumulator));
    assert!(sink
        .instance
        .get_resource_type(&sink.store, &format!("{RESOURCES}#merge"))
        .is_none());
    assert_eq!(
        sink.value(&acc("push"), &[Val::Borrow(a), Val::S64(5)]),
        Val::U32(2)
    );
    sink.call(&acc("absorb"), &[Val::Borrow(a), Val::Borrow(b)])
        .unwrap();
    assert_eq!(
        sink.value(&acc("values"), &[Val::Borrow(a)]),
        Val::List(vec![Val::S64(10), Val::S64(5), Val::S64(1)])
    );
    // Both moved into merge; the result is a new accumulator.
    let merged = own(sink
        .call(&format!("{RESOURCES}#merge"), &[Val::Own(a), Val::Own(b)])
        .unwrap());
    assert_eq!(
        sink.value(&format!("{RESOURCES}#total-of"), &[Val::Borrow(merged)]),
        Val::S64(17)
    );
    // a was moved: the host may not use it again.
    let err = sink.call(&acc("total"), &[Val::Borrow(a)]).unwrap_err();
    assert!(
        err.to_string().contains("already dropped or moved"),
        "{err}"
    );
    merged.drop(&mut sink.store).unwrap();
    assert_eq!(live(&mut sink), 0);
}

#[test]
fn host_resources_lent_moved_and_made_by_raw_host_functions() {
    let mut sink = RawSink::new();
    let t = {
        let rep = sink.tallies.lock().unwrap().create("äpples".into(), 3);
        Resource::new(sink.tally, rep)
    };
    assert_eq!(
        sink.value("describe-tally", &[Val::Borrow(t)]),
        string("äpples=3")
    );
    let back = own(sink
        .call("bump-tally", &[Val::Own(t), Val::S64(4)])
        .unwrap());
    assert_eq!(back, t);
    assert_eq!(sink.tallies.lock().unwrap().live[&t.rep()].1, 7);
    let u = {
        let rep = sink.tallies.lock().unwrap().create("pears".into(), 10);
        Resource::new(sink.tally, rep)
    };
    // The guest calls the raw [static]tally.merge with two borrows, and
    // its own result comes back to the host.
    let merged = own(sink
        .call("merge-tallies", &[Val::Borrow(t), Val::Borrow(u)])
        .unwrap());
    assert_eq!(
        sink.tallies.lock().unwrap().live[&merged.rep()],
        ("äpples+pears".to_string(), 18)
    );
    // The guest makes a tally with the raw constructor, bumps it with the
    // raw method (a borrow argument) and drops it: the destructor runs.
    assert_eq!(
        sink.value(
            "count-with-host",
            &[string("count"), Val::List(vec![Val::S64(2), Val::S64(3)])]
        ),
        Val::S64(5)
    );
    let dropped = sink.tallies.lock().unwrap().dropped.clone();
    assert_eq!(dropped.len(), 1);
    assert_eq!((dropped[0].1.as_str(), dropped[0].2), ("count", 5));
}

// ---- raw host functions ----------------------------------------------------

#[test]
fn raw_host_functions_take_and_return_strings_and_lists() {
    let mut sink = RawSink::new();
    assert_eq!(
        sink.value("log-all", &[strings(&["one", "twö", ""])]),
        Val::U32(3)
    );
    assert_eq!(*sink.log.lock().unwrap(), ["one", "twö", ""]);
    assert_eq!(
        sink.value(
            "host-sum",
            &[Val::List(vec![
                Val::U64(u64::MAX),
                Val::U64(2),
                Val::U64(5)
            ])]
        ),
        Val::U64(6)
    );
    assert_eq!(
        sink.value("greet-all", &[strings(&["ada", "bøb"])]),
        strings(&[&greeting("ada"), &greeting("bøb")])
    );
    assert_eq!(
        sink.value("host-points-sum", &[Val::U32(100)]),
        Val::S64((0..100).map(|i| 2 * i).sum())
    );
    // split-at returns a tuple of two strings: through the pointer the
    // guest passes.
    assert_eq!(
        sink.value("host-split-swap", &[string("héllo"), Val::U32(3)]),
        string("llohé")
    );
    // A raw host function's trap fails the guest's call, and the
    // instance goes on.
    let err = sink
        .call("host-split-swap", &[string("äbc"), Val::U32(1)])
        .unwrap_err();
    assert!(err.to_string().contains("cannot split"), "{err}");
    assert_eq!(
        sink.value("host-split-swap", &[string("ab"), Val::U32(1)]),
        string("ba")
    );
}

#[test]
fn a_raw_host_function_reads_spilled_parameters() {
    let engine = Engine::default();
    let mut linker = Linker::new(&engine);
    let params: Vec<(String, Type)> = (0..17).map(|i| (format!("a{i}"), Type::U32)).collect();
    let ty = FuncType {
        params,
        result: Some(Type::U64),
    };
    linker
        .root()
        .func_raw("weigh", Some(ty.clone()), move |call| {
            assert!(call.signature().params_in_memory);
            assert_eq!(call.signature().params, [ValType::I32]);
            let sum = {
                let args = call.args();
                assert_eq!(args.flat_len(), 0, "through memory");
                let base = args.spill_area()?;
                let mut sum = 0u64;
                for (i, offset) in ty.param_offsets().into_iter().enumerate() {
                    sum += (i as u64 + 1) * u64::from(args.read::<u32>(base + offset)?);
                }
                sum
            };
            call.results().push(sum)?;
            Ok(())
        });
    let text = format!(
        r#"(component
      (import "weigh" (func $weigh {named} (result u64)))
      (core module $libc (memory (export "mem") 1))
      (core instance $libc (instantiate $libc))
      (core func $weigh (canon lower (func $weigh) (memory (core memory $libc "mem"))))
      (core module $m
        (import "libc" "mem" (memory 1))
        (import "" "weigh" (func $weigh (param i32) (result i64)))
        (func (export "run") (result i64)
          (local $i i32)
          (loop $fill
            (i32.store (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 2)))
              (i32.add (local.get $i) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $fill (i32.lt_u (local.get $i) (i32.const 17))))
          (call $weigh (i32.const 64))))
      (core instance $i (instantiate $m
        (with "libc" (instance $libc))
        (with "" (instance (export "weigh" (func $weigh))))))
      (func (export "run") (result u64) (canon lift (core func $i "run"))))"#,
        named = (0..17)
            .map(|i| format!("(param \"a{i}\" u32)"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let (mut store, instance) = instantiate(&engine, &text, &linker);
    let run = instance.get_func(&mut store, "run").unwrap();
    assert_eq!(
        host::call(&mut store, run, &[]).unwrap(),
        Some(Val::U64((1..=17u64).map(|i| i * i).sum()))
    );
}

#[test]
fn a_declared_type_is_checked_against_the_import() {
    let component = kitchen_sink();
    let engine = component.engine().clone();
    let mut store = Store::new(&engine, ());
    let tally = ResourceType::host(&mut store);
    let mut linker = Linker::new(&engine);
    linker.instance(TYPES);
    define_host(&mut linker.instance(HOST), &Arc::default());
    define_host_things(&mut linker.instance(HOST_THINGS), tally, &Arc::default());
    // `log` takes a string and returns nothing; declared otherwise.
    linker
        .instance(HOST)
        .func_raw("log", Some(string_type()), |_| Ok(()));
    let Err(err) = linker.instantiate(&mut store, component) else {
        panic!("a mismatched declared type must not link");
    };
    assert!(matches!(err, Error::Link { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("declared func(name: string) -> string"),
        "{err}"
    );
}

// ---- failures in the host's own code ------------------------------------

#[test]
fn a_host_error_after_a_realloc_leaves_the_call_unmade() {
    let mut sink = RawSink::new();
    let reverse = sink.func(&format!("{COMPOUND}#reverse-string"));
    let err = reverse
        .call_raw(
            &mut sink.store,
            |args| {
                let (ptr, len) = args.store_string("made in guest memory")?;
                args.push(ptr)?;
                args.push(len)?;
                Err(CallError::Host("TypeError: expected str".to_string()))
            },
            |_| -> Result<(), _> { panic!("the call must not be made") },
        )
        .unwrap_err();
    assert!(
        matches!(&err, CallError::Host(e) if e == "TypeError: expected str"),
        "{err}"
    );
    assert_eq!(
        sink.value(&format!("{COMPOUND}#reverse-string"), &[string("abc")]),
        string("cba")
    );
}

#[test]
fn own_handles_passed_before_a_host_error_come_back() {
    let mut sink = RawSink::new();
    let ctor = format!("{RESOURCES}#[constructor]accumulator");
    let a = own(sink.call(&ctor, &[Val::S64(10)]).unwrap());
    let b = own(sink.call(&ctor, &[Val::S64(20)]).unwrap());
    let merge = sink
        .func(&format!("{RESOURCES}#merge"))
        .raw(&sink.store)
        .unwrap();
    let Type::Own(slot) = merge.ty().params[0].1 else {
        panic!("merge takes own handles");
    };
    let err = merge
        .call(
            &mut sink.store,
            |args| {
                let handle = args.lower_own(slot, a)?;
                args.push(handle)?;
                // `b` turns out not to be an accumulator, say.
                Err(CallError::Host("TypeError".to_string()))
            },
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(matches!(err, CallError::Host(_)));
    // `a` is the host's again: it can be lent, moved and dropped.
    assert_eq!(
        sink.value(&format!("{RESOURCES}#total-of"), &[Val::Borrow(a)]),
        Val::S64(10)
    );
    // The same with a borrow and a trap from a write out of bounds.
    let absorb = sink.func(&acc("absorb"));
    let err = absorb
        .call_raw(
            &mut sink.store,
            |args| {
                let handle = args.lower_borrow(slot, a)?;
                args.push(handle)?;
                // absorb has no memory: any address is out of bounds.
                assert!(args.memory().is_empty());
                args.write(64, 0u32)?;
                Ok::<_, CallError<HostError>>(())
            },
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(err.as_trap().is_some(), "{err}");
    let merged = own(sink
        .call(&format!("{RESOURCES}#merge"), &[Val::Own(a), Val::Own(b)])
        .unwrap());
    assert_eq!(
        sink.value(&format!("{RESOURCES}#total-of"), &[Val::Borrow(merged)]),
        Val::S64(30)
    );
    merged.drop(&mut sink.store).unwrap();
    assert_eq!(live(&mut sink), 0);
}

#[test]
fn an_own_handle_lifted_before_a_host_error_is_dropped() {
    let mut sink = RawSink::new();
    let ctor = sink.func(&format!("{RESOURCES}#[constructor]accumulator"));
    let slot = match ctor.ty(&sink.store).result {
        Some(Type::Own(slot)) => slot,
        other => panic!("{other:?}"),
    };
    let err = ctor
        .call_raw(
            &mut sink.store,
            |args| Ok::<_, CallError<HostError>>(args.push(1i64)?),
            |result| {
                let handle = result.take::<u32>()?;
                result.lift_own(slot, handle)?;
                Err::<(), _>(CallError::Host("MemoryError".to_string()))
            },
        )
        .unwrap_err();
    assert!(matches!(err, CallError::Host(_)));
    assert_eq!(live(&mut sink), 0, "the runtime dropped what the host lost");
}

#[test]
fn a_panic_in_a_closure_propagates_and_the_instance_goes_on() {
    let mut sink = RawSink::new();
    let reverse = sink.func(&format!("{COMPOUND}#reverse-string"));
    let store = &mut sink.store;
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = reverse.call_raw(
            store,
            |args| -> Result<(), CallError<HostError>> {
                args.store_string("x")?;
                panic!("a bug in the host")
            },
            |_| Ok(()),
        );
    }));
    assert!(panicked.is_err());
    assert_eq!(
        sink.value(&format!("{COMPOUND}#reverse-string"), &[string("ab")]),
        string("ba")
    );
}

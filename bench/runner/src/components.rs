//! Component calls: the cost of crossing the component boundary with
//! values of several shapes, on weft (dynamic `Func::call` with `Val`s,
//! and `TypedFunc::call` with Rust values) beside wasmtime (the same two
//! APIs), all on one guest built with wit-bindgen (`bench/calls`).
//!
//! Each case first checks that all four paths return the same value, then
//! times batches of calls, alternating engines, and reports the median
//! time per call.
//!
//! [`measure_weft_typed`] times weft's typed API alone, on calls checked
//! against values computed here: the Rust side of `bench/go`, which runs
//! it in a process of its own (`weft-bench --only component-typed`).

use std::time::{Duration, Instant};

use weft_runtime::component as weft;

/// `item` of calls.wit, for weft's typed API.
#[derive(Debug, Clone, PartialEq, Eq, weft::ComponentType, weft::Lower, weft::Lift)]
#[component(record)]
pub struct Item {
    pub name: String,
    pub value: u32,
}

/// `item` of calls.wit, for wasmtime's typed API.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    wasmtime::component::ComponentType,
    wasmtime::component::Lift,
    wasmtime::component::Lower,
)]
#[component(record)]
pub struct WasmtimeItem {
    name: String,
    value: u32,
}

/// The inputs every engine gets.
struct Inputs {
    short: String,
    long: String,
    numbers: Vec<u32>,
    items: Vec<Item>,
}

impl Inputs {
    fn new() -> Inputs {
        let text = |len: usize| -> String {
            (0..len)
                .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
                .collect()
        };
        Inputs {
            short: text(64),
            long: text(4096),
            numbers: (0..1000)
                .map(|i| i * 2_654_435_761u32.wrapping_add(i))
                .collect(),
            items: (0..100)
                .map(|i| Item {
                    name: format!("item number {i}"),
                    value: i * 3,
                })
                .collect(),
        }
    }

    /// What case `case` of [`CASES`] must return, computed in Rust.
    fn expected(&self, case: usize) -> Outcome {
        let reversed = |s: &str| Outcome::Text(s.chars().rev().collect());
        match case {
            0 => Outcome::Unit,
            1 => Outcome::U32(42),
            2 => reversed(&self.short),
            3 => reversed(&self.long),
            4 => Outcome::U64(self.numbers.iter().map(|v| u64::from(*v)).sum()),
            _ => Outcome::Items(
                self.items
                    .iter()
                    .map(|item| (item.name.to_uppercase(), item.value.wrapping_mul(2)))
                    .collect(),
            ),
        }
    }

    fn wasmtime_items(&self) -> Vec<WasmtimeItem> {
        self.items
            .iter()
            .map(|item| WasmtimeItem {
                name: item.name.clone(),
                value: item.value,
            })
            .collect()
    }
}

/// One benchmark case: a short name (for machine-readable output), its
/// label and how many calls make a batch.
pub struct Case {
    pub id: &'static str,
    pub label: &'static str,
    pub calls: u32,
}

impl Case {
    /// Calls per batch (`quick`: a tenth).
    pub fn batch_calls(&self, quick: bool) -> u32 {
        if quick {
            (self.calls / 10).max(1)
        } else {
            self.calls
        }
    }
}

pub const CASES: [Case; 6] = [
    Case {
        id: "noop",
        label: "noop()",
        calls: 100_000,
    },
    Case {
        id: "add",
        label: "add(u32, u32)",
        calls: 100_000,
    },
    Case {
        id: "reverse-64",
        label: "reverse(string of 64 B)",
        calls: 50_000,
    },
    Case {
        id: "reverse-4k",
        label: "reverse(string of 4 KiB)",
        calls: 5_000,
    },
    Case {
        id: "sum-1000",
        label: "sum(list<u32> of 1,000)",
        calls: 10_000,
    },
    Case {
        id: "update-100",
        label: "update(list of 100 records with a string)",
        calls: 1_000,
    },
];

/// What a case returned, the same for every engine and API.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Unit,
    U32(u32),
    U64(u64),
    Text(String),
    Items(Vec<(String, u32)>),
}

/// A batch runner: calls case `i` `n` times and returns the last result.
type Batch<'a> = Box<dyn FnMut(usize, u32) -> Outcome + 'a>;

/// weft's side: a store, an instance and the functions looked up once.
struct WeftSide {
    store: weft_runtime::Store<()>,
    funcs: Vec<weft::Func>,
}

impl WeftSide {
    fn new(bytes: &[u8]) -> WeftSide {
        let engine = weft_runtime::Engine::default();
        let component = weft::Component::new(&engine, bytes).expect("weft loads the component");
        let mut store = weft_runtime::Store::new(&engine, ());
        let instance = weft::Linker::new(&engine)
            .instantiate(&mut store, &component)
            .expect("weft instantiates the component");
        let funcs = ["noop", "add", "reverse", "reverse", "sum", "update"]
            .iter()
            .map(|name| {
                instance
                    .get_func(&mut store, name)
                    .unwrap_or_else(|| panic!("weft: no export `{name}`"))
            })
            .collect();
        WeftSide { store, funcs }
    }

    fn dynamic<'a>(&'a mut self, inputs: &'a Inputs) -> Batch<'a> {
        use weft::Val;
        let args: Vec<Vec<Val>> = vec![
            vec![],
            vec![Val::U32(20), Val::U32(22)],
            vec![Val::String(inputs.short.clone())],
            vec![Val::String(inputs.long.clone())],
            vec![Val::List(
                inputs.numbers.iter().map(|v| Val::U32(*v)).collect(),
            )],
            vec![Val::List(
                inputs
                    .items
                    .iter()
                    .map(|item| {
                        Val::Record(vec![
                            ("name".into(), Val::String(item.name.clone())),
                            ("value".into(), Val::U32(item.value)),
                        ])
                    })
                    .collect(),
            )],
        ];
        Box::new(move |case, n| {
            let mut last = Vec::new();
            for _ in 0..n {
                last = self.funcs[case]
                    .call(&mut self.store, &args[case])
                    .expect("weft call");
            }
            match last.pop() {
                None => Outcome::Unit,
                Some(Val::U32(v)) => Outcome::U32(v),
                Some(Val::U64(v)) => Outcome::U64(v),
                Some(Val::String(s)) => Outcome::Text(s),
                Some(Val::List(items)) => Outcome::Items(
                    items
                        .into_iter()
                        .map(|item| match item {
                            Val::Record(mut fields) => match (fields.pop(), fields.pop()) {
                                (Some((_, Val::U32(v))), Some((_, Val::String(s)))) => (s, v),
                                other => panic!("weft: unexpected fields {other:?}"),
                            },
                            other => panic!("weft: unexpected item {other:?}"),
                        })
                        .collect(),
                ),
                Some(other) => panic!("weft: unexpected result {other:?}"),
            }
        })
    }

    fn typed<'a>(&'a mut self, inputs: &'a Inputs) -> Batch<'a> {
        let store = &mut self.store;
        let noop = self.funcs[0].typed::<(), (), _>(store).expect("noop types");
        let add = self.funcs[1]
            .typed::<(u32, u32), u32, _>(store)
            .expect("add types");
        let reverse = self.funcs[2]
            .typed::<(&str,), String, _>(store)
            .expect("reverse types");
        let sum = self.funcs[4]
            .typed::<(&[u32],), u64, _>(store)
            .expect("sum types");
        let update = self.funcs[5]
            .typed::<(&[Item],), Vec<Item>, _>(store)
            .expect("update types");
        Box::new(move |case, n| {
            let mut outcome = Outcome::Unit;
            for _ in 0..n {
                outcome = match case {
                    0 => {
                        noop.call(store, ()).expect("weft call");
                        Outcome::Unit
                    }
                    1 => Outcome::U32(add.call(store, (20, 22)).expect("weft call")),
                    2 => Outcome::Text(reverse.call(store, (&inputs.short,)).expect("weft call")),
                    3 => Outcome::Text(reverse.call(store, (&inputs.long,)).expect("weft call")),
                    4 => Outcome::U64(sum.call(store, (&inputs.numbers,)).expect("weft call")),
                    _ => Outcome::Items(
                        update
                            .call(store, (&inputs.items,))
                            .expect("weft call")
                            .into_iter()
                            .map(|item| (item.name, item.value))
                            .collect(),
                    ),
                };
            }
            outcome
        })
    }
}

/// wasmtime's side.
struct WasmtimeSide {
    store: wasmtime::Store<()>,
    funcs: Vec<wasmtime::component::Func>,
}

impl WasmtimeSide {
    fn new(bytes: &[u8]) -> WasmtimeSide {
        let mut config = wasmtime::Config::new();
        config
            .strategy(wasmtime::Strategy::Cranelift)
            .cranelift_opt_level(wasmtime::OptLevel::Speed)
            .wasm_component_model(true);
        let engine = wasmtime::Engine::new(&config).expect("wasmtime supports this host");
        let component = wasmtime::component::Component::new(&engine, bytes)
            .expect("wasmtime loads the component");
        let mut store = wasmtime::Store::new(&engine, ());
        let instance = wasmtime::component::Linker::new(&engine)
            .instantiate(&mut store, &component)
            .expect("wasmtime instantiates the component");
        let funcs = ["noop", "add", "reverse", "reverse", "sum", "update"]
            .iter()
            .map(|name| {
                instance
                    .get_func(&mut store, name)
                    .unwrap_or_else(|| panic!("wasmtime: no export `{name}`"))
            })
            .collect();
        WasmtimeSide { store, funcs }
    }

    fn dynamic<'a>(&'a mut self, inputs: &'a Inputs) -> Batch<'a> {
        use wasmtime::component::Val;
        let args: Vec<Vec<Val>> = vec![
            vec![],
            vec![Val::U32(20), Val::U32(22)],
            vec![Val::String(inputs.short.clone())],
            vec![Val::String(inputs.long.clone())],
            vec![Val::List(
                inputs.numbers.iter().map(|v| Val::U32(*v)).collect(),
            )],
            vec![Val::List(
                inputs
                    .items
                    .iter()
                    .map(|item| {
                        Val::Record(vec![
                            ("name".into(), Val::String(item.name.clone())),
                            ("value".into(), Val::U32(item.value)),
                        ])
                    })
                    .collect(),
            )],
        ];
        Box::new(move |case, n| {
            let results_len = usize::from(case != 0);
            let mut results = vec![Val::Bool(false); results_len];
            for _ in 0..n {
                self.funcs[case]
                    .call(&mut self.store, &args[case], &mut results)
                    .expect("wasmtime call");
            }
            match results.pop() {
                None => Outcome::Unit,
                Some(Val::U32(v)) => Outcome::U32(v),
                Some(Val::U64(v)) => Outcome::U64(v),
                Some(Val::String(s)) => Outcome::Text(s),
                Some(Val::List(items)) => Outcome::Items(
                    items
                        .into_iter()
                        .map(|item| match item {
                            Val::Record(mut fields) => match (fields.pop(), fields.pop()) {
                                (Some((_, Val::U32(v))), Some((_, Val::String(s)))) => (s, v),
                                other => panic!("wasmtime: unexpected fields {other:?}"),
                            },
                            other => panic!("wasmtime: unexpected item {other:?}"),
                        })
                        .collect(),
                ),
                Some(other) => panic!("wasmtime: unexpected result {other:?}"),
            }
        })
    }

    fn typed<'a>(&'a mut self, inputs: &'a Inputs) -> Batch<'a> {
        let store = &mut self.store;
        let noop = self.funcs[0].typed::<(), ()>(&*store).expect("noop types");
        let add = self.funcs[1]
            .typed::<(u32, u32), (u32,)>(&*store)
            .expect("add types");
        let reverse = self.funcs[2]
            .typed::<(&str,), (String,)>(&*store)
            .expect("reverse types");
        let sum = self.funcs[4]
            .typed::<(&[u32],), (u64,)>(&*store)
            .expect("sum types");
        let update = self.funcs[5]
            .typed::<(&[WasmtimeItem],), (Vec<WasmtimeItem>,)>(&*store)
            .expect("update types");
        let items = inputs.wasmtime_items();
        Box::new(move |case, n| {
            let mut outcome = Outcome::Unit;
            for _ in 0..n {
                outcome = match case {
                    0 => {
                        noop.call(&mut *store, ()).expect("wasmtime call");
                        Outcome::Unit
                    }
                    1 => Outcome::U32(add.call(&mut *store, (20, 22)).expect("wasmtime call").0),
                    2 => Outcome::Text(
                        reverse
                            .call(&mut *store, (&inputs.short,))
                            .expect("wasmtime call")
                            .0,
                    ),
                    3 => Outcome::Text(
                        reverse
                            .call(&mut *store, (&inputs.long,))
                            .expect("wasmtime call")
                            .0,
                    ),
                    4 => Outcome::U64(
                        sum.call(&mut *store, (&inputs.numbers,))
                            .expect("wasmtime call")
                            .0,
                    ),
                    _ => Outcome::Items(
                        update
                            .call(&mut *store, (&items,))
                            .expect("wasmtime call")
                            .0
                            .into_iter()
                            .map(|item| (item.name, item.value))
                            .collect(),
                    ),
                };
            }
            outcome
        })
    }
}

/// Per-call times of one case: weft typed, wasmtime typed, weft dynamic,
/// wasmtime dynamic, in seconds.
pub type Times = [f64; 4];

/// Times every case of [`CASES`] on the component `bytes`, `batches`
/// batches each (`quick` divides the batch sizes by ten).
pub fn measure(bytes: &[u8], batches: usize, quick: bool) -> Vec<Times> {
    let inputs = Inputs::new();
    let mut weft_side = WeftSide::new(bytes);
    let mut weft_dynamic_side = WeftSide::new(bytes);
    let mut wasmtime_side = WasmtimeSide::new(bytes);
    let mut wasmtime_dynamic_side = WasmtimeSide::new(bytes);
    let mut runners: [Batch<'_>; 4] = [
        weft_side.typed(&inputs),
        wasmtime_side.typed(&inputs),
        weft_dynamic_side.dynamic(&inputs),
        wasmtime_dynamic_side.dynamic(&inputs),
    ];
    CASES
        .iter()
        .enumerate()
        .map(|(case, info)| {
            eprintln!("component call {} ...", info.label);
            let outcomes: Vec<Outcome> = runners.iter_mut().map(|run| run(case, 1)).collect();
            assert!(
                outcomes.iter().all(|o| *o == outcomes[0]),
                "{}: the engines disagree: {outcomes:?}",
                info.label
            );
            assert!(
                outcomes[0] == inputs.expected(case),
                "{}: the engines return {:?}, expected {:?}",
                info.label,
                outcomes[0],
                inputs.expected(case)
            );
            let calls = info.batch_calls(quick);
            sample(&mut runners, case, calls, batches)
                .map(|s| crate::median(s).as_secs_f64() / f64::from(calls))
        })
        .collect()
}

/// Times `batches` batches of `calls` calls of case `case` on each runner,
/// alternating runners, after a warm-up of a tenth of a batch each.
fn sample<const N: usize>(
    runners: &mut [Batch<'_>; N],
    case: usize,
    calls: u32,
    batches: usize,
) -> [Vec<Duration>; N] {
    for run in runners.iter_mut() {
        run(case, calls / 10 + 1);
    }
    let mut samples: [Vec<Duration>; N] = std::array::from_fn(|_| Vec::with_capacity(batches));
    for _ in 0..batches {
        for (run, samples) in runners.iter_mut().zip(samples.iter_mut()) {
            let start = Instant::now();
            run(case, calls);
            samples.push(start.elapsed());
        }
    }
    samples
}

/// weft's typed API alone (the Rust side of `bench/go`): every case of
/// [`CASES`] is first checked against the value computed in Rust, then
/// timed; gives, per case, the time per call of each batch in seconds.
pub fn measure_weft_typed(bytes: &[u8], batches: usize, quick: bool) -> Vec<Vec<f64>> {
    let inputs = Inputs::new();
    let mut side = WeftSide::new(bytes);
    let mut runners: [Batch<'_>; 1] = [side.typed(&inputs)];
    CASES
        .iter()
        .enumerate()
        .map(|(case, info)| {
            eprintln!("component call {} (weft typed) ...", info.label);
            let expected = inputs.expected(case);
            for _ in 0..2 {
                let got = runners[0](case, 1);
                assert!(
                    got == expected,
                    "{}: weft returned {got:?}, expected {expected:?}",
                    info.label
                );
            }
            let calls = info.batch_calls(quick);
            let [samples] = sample(&mut runners, case, calls, batches);
            samples
                .into_iter()
                .map(|d| d.as_secs_f64() / f64::from(calls))
                .collect()
        })
        .collect()
}

/// Turns the core module wit-bindgen made into a component.
pub fn componentize(core: &[u8]) -> Vec<u8> {
    wit_component::ComponentEncoder::default()
        .module(core)
        .expect("the guest carries its component type")
        .validate(true)
        .encode()
        .expect("the guest componentizes")
}

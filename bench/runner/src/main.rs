//! `weft-bench`: runs the benchmark kernels on weft and on wasmtime in one
//! process and prints a table of times and ratios (weft / wasmtime: below
//! 1 means weft is faster).
//!
//! ```text
//! weft-bench [--kernels K.wasm] [--big B.wasm] [--no-big] [--runs N] [--quick]
//!            [--only compile|run|call|component|component-typed]
//!            [--component C.wasm] [--batches N]
//! ```
//!
//! `--only compile` measures compilation and instantiation (and checks the
//! big module), `--only run` the kernels, `--only call` the per-call
//! overhead, `--only component` component calls (see `components.rs`);
//! `--quick` does fewer repetitions, for a smoke test.
//!
//! `--only component-typed` times the component calls on weft's typed API
//! alone and prints, instead of a table, one JSON object a line per call
//! (`{"impl":"rust-typed","case":"noop","label":"noop()","calls":100000,
//! "ns":[...]}`: the time per call of each batch, in nanoseconds); it is the
//! Rust side of `bench/go/run.sh`, which runs it in alternation with the Go
//! side. `--component` takes the component from a file instead of building
//! and componentizing `bench/calls`; `--batches` sets the number of batches
//! of the component sections (9, `--quick` 3).
//!
//! Without `--kernels`/`--big` it first builds `bench/kernels` and
//! `bench/big` for wasm32-unknown-unknown (release, opt-level 3) with
//! cargo. What is measured, per engine:
//!
//! - compile: `Module::new` on the bytes (validation and compilation),
//!   median of several;
//! - load from an artifact: `Module::deserialize` of what the engine's own
//!   `Module::serialize` wrote (a second process's start with a warm
//!   cache), median of several;
//! - instantiate: a new `Store` plus an instance of the module, median of
//!   many (dropping them is not timed);
//! - run: one call of each kernel with fixed arguments, median of `--runs`
//!   after one warm-up call; both engines' results must be identical;
//! - call: the time per call of `noop()` and `fib(1)` in a tight loop,
//!   median of several batches;
//! - component: the time per call of component functions taking and
//!   returning scalars, strings, lists and records, on a guest built with
//!   wit-bindgen (`bench/calls`), typed and dynamic on both engines.

mod components;
mod engines;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use engines::{Call, CallLoop, ResultKind, Runtime, Value, Wasmtime, Weft};

/// Command-line options.
struct Options {
    kernels: Option<PathBuf>,
    big: Option<PathBuf>,
    no_big: bool,
    runs: usize,
    quick: bool,
    only: Option<String>,
    component: Option<PathBuf>,
    batches: Option<usize>,
}

fn usage() -> ! {
    eprintln!(
        "usage: weft-bench [--kernels K.wasm] [--big B.wasm] [--no-big] [--runs N] [--quick]\n\
         \x20                 [--only compile|run|call|component|component-typed]\n\
         \x20                 [--component C.wasm] [--batches N]"
    );
    std::process::exit(2)
}

fn parse_options() -> Options {
    let mut options = Options {
        kernels: None,
        big: None,
        no_big: false,
        runs: 11,
        quick: false,
        only: None,
        component: None,
        batches: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--kernels" => options.kernels = Some(args.next().unwrap_or_else(|| usage()).into()),
            "--big" => options.big = Some(args.next().unwrap_or_else(|| usage()).into()),
            "--no-big" => options.no_big = true,
            "--runs" => {
                options.runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .unwrap_or_else(|| usage())
            }
            "--quick" => options.quick = true,
            "--only" => {
                let section = args.next().unwrap_or_else(|| usage());
                if !["compile", "run", "call", "component", "component-typed"]
                    .contains(&section.as_str())
                {
                    usage()
                }
                options.only = Some(section)
            }
            "--component" => {
                options.component = Some(args.next().unwrap_or_else(|| usage()).into())
            }
            "--batches" => {
                options.batches = Some(
                    args.next()
                        .and_then(|n| n.parse().ok())
                        .filter(|n| *n > 0)
                        .unwrap_or_else(|| usage()),
                )
            }
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    if options.quick {
        options.runs = options.runs.min(3);
    }
    options
}

/// The `bench/` directory (the runner's crate is `bench/runner`).
fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("runner sits in bench/")
        .to_path_buf()
}

/// Builds `bench/<krate>` for wasm32-unknown-unknown and returns the
/// `.wasm` path.
fn build_wasm(krate: &str, artifact: &str) -> PathBuf {
    let bench = bench_dir();
    let target_dir = bench.join("target").join("wasm");
    eprintln!("building {krate} for wasm32-unknown-unknown ...");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--target", "wasm32-unknown-unknown"])
        .arg("--manifest-path")
        .arg(bench.join(krate).join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir)
        .status()
        .unwrap_or_else(|e| panic!("running cargo: {e}"));
    assert!(status.success(), "building {krate} failed");
    target_dir
        .join("wasm32-unknown-unknown")
        .join("release")
        .join(format!("{artifact}.wasm"))
}

fn median(mut samples: Vec<Duration>) -> Duration {
    assert!(!samples.is_empty());
    samples.sort();
    let n = samples.len();
    if n % 2 == 1 {
        samples[n / 2]
    } else {
        (samples[n / 2 - 1] + samples[n / 2]) / 2
    }
}

/// Human-readable duration (in seconds) with three significant figures.
fn fmt_duration(seconds: f64) -> String {
    let ns = seconds * 1e9;
    let (value, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    let digits = if value < 10.0 {
        2
    } else if value < 100.0 {
        1
    } else {
        0
    };
    format!("{value:.digits$} {unit}")
}

fn fmt_size(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{:.2} MiB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{:.0} KiB", bytes as f64 / 1024.0)
    }
}

/// One line of the table.
struct Row {
    metric: String,
    /// Seconds.
    weft: Result<f64, String>,
    /// Seconds.
    wasmtime: Result<f64, String>,
}

impl Row {
    fn ratio(&self) -> Option<f64> {
        match (&self.weft, &self.wasmtime) {
            (Ok(a), Ok(b)) if *b > 0.0 => Some(a / b),
            _ => None,
        }
    }
}

/// Runs `a` and `b` alternately, `reps` times each, and returns the median
/// of each in seconds. Alternating puts both engines under the same load,
/// clock frequency and cache state, which on a shared machine matters more
/// than the order of a few hundred milliseconds of work.
fn interleave(
    reps: usize,
    mut a: impl FnMut() -> Duration,
    mut b: impl FnMut() -> Duration,
) -> (f64, f64) {
    let (mut sa, mut sb) = (Vec::with_capacity(reps), Vec::with_capacity(reps));
    for _ in 0..reps {
        sa.push(a());
        sb.push(b());
    }
    (median(sa).as_secs_f64(), median(sb).as_secs_f64())
}

/// The time `f` takes; what it returns is dropped after the clock stops.
fn timed<T>(f: impl FnOnce() -> T) -> Duration {
    let start = Instant::now();
    let value = f();
    let elapsed = start.elapsed();
    drop(value);
    elapsed
}

/// Median compile times over `reps` compilations (after one untimed one
/// each), and the modules. An engine that cannot compile the module gets
/// its error, and the other is timed alone.
#[allow(clippy::type_complexity)]
fn compile_times(
    weft: &Weft,
    wasmtime: &Wasmtime,
    wasm: &[u8],
    reps: usize,
) -> (
    Result<(f64, <Weft as Runtime>::Module), String>,
    Result<(f64, <Wasmtime as Runtime>::Module), String>,
) {
    let wm = weft.compile(wasm);
    let tm = wasmtime.compile(wasm);
    let compile_weft = || timed(|| weft.compile(wasm).expect("compiled before"));
    let compile_wasmtime = || timed(|| wasmtime.compile(wasm).expect("compiled before"));
    let (a, b) = match (&wm, &tm) {
        (Ok(_), Ok(_)) => interleave(reps, compile_weft, compile_wasmtime),
        (Ok(_), Err(_)) => interleave(reps, compile_weft, || Duration::ZERO),
        (Err(_), Ok(_)) => interleave(reps, || Duration::ZERO, compile_wasmtime),
        (Err(_), Err(_)) => (0.0, 0.0),
    };
    (wm.map(|m| (a, m)), tm.map(|m| (b, m)))
}

/// Median time of loading each engine's module from its own precompiled
/// artifact, over `reps` (after one untimed load each); and the artifacts'
/// sizes.
fn deserialize_times(
    weft: &Weft,
    weft_module: &<Weft as Runtime>::Module,
    wasmtime: &Wasmtime,
    wasmtime_module: &<Wasmtime as Runtime>::Module,
    reps: usize,
) -> Result<((f64, usize), (f64, usize)), String> {
    let weft_artifact = weft.serialize(weft_module);
    let wasmtime_artifact = wasmtime.serialize(wasmtime_module);
    drop(weft.deserialize(&weft_artifact)?);
    drop(wasmtime.deserialize(&wasmtime_artifact)?);
    let (a, b) = interleave(
        reps,
        || timed(|| weft.deserialize(&weft_artifact).expect("loaded before")),
        || timed(|| wasmtime.deserialize(&wasmtime_artifact).expect("loaded before")),
    );
    Ok(((a, weft_artifact.len()), (b, wasmtime_artifact.len())))
}

/// Median time of a new store plus an instance, over `reps` (dropping
/// them is not timed).
fn instantiate_times(
    weft: &Weft,
    weft_module: &<Weft as Runtime>::Module,
    wasmtime: &Wasmtime,
    wasmtime_module: &<Wasmtime as Runtime>::Module,
    reps: usize,
) -> Result<(f64, f64), String> {
    drop(weft.instantiate(weft_module)?);
    drop(wasmtime.instantiate(wasmtime_module)?);
    Ok(interleave(
        reps,
        || timed(|| weft.instantiate(weft_module).expect("instantiated before")),
        || {
            timed(|| {
                wasmtime
                    .instantiate(wasmtime_module)
                    .expect("instantiated before")
            })
        },
    ))
}

/// Median time of one call of `call` on each engine (after a warm-up
/// call), and the result, which must be the same on both.
fn run_times(
    weft: &Weft,
    weft_instance: &mut <Weft as Runtime>::Instance,
    wasmtime: &Wasmtime,
    wasmtime_instance: &mut <Wasmtime as Runtime>::Instance,
    call: &Call,
    runs: usize,
) -> Result<(f64, f64, Value), String> {
    let mut f = weft.prepare(weft_instance, call)?;
    let mut g = wasmtime.prepare(wasmtime_instance, call)?;
    let expected = f(weft_instance);
    let other = g(wasmtime_instance);
    if expected != other {
        return Err(format!(
            "{}{:?}: weft returned {expected}, wasmtime {other}",
            call.export, call.args
        ));
    }
    let check = |value: Value| {
        assert_eq!(value, expected, "`{}` is not deterministic", call.export);
    };
    let (a, b) = interleave(
        runs,
        || {
            let start = Instant::now();
            let value = f(weft_instance);
            let elapsed = start.elapsed();
            check(value);
            elapsed
        },
        || {
            let start = Instant::now();
            let value = g(wasmtime_instance);
            let elapsed = start.elapsed();
            check(value);
            elapsed
        },
    );
    Ok((a, b, expected))
}

/// Median time per call (in seconds, below a nanosecond's resolution) over
/// `batches` batches of `calls` calls: weft's one call API against
/// wasmtime's `fast` and `dynamic` loops. Returns the three times.
fn per_call_times(
    weft: &Weft,
    weft_instance: &mut <Weft as Runtime>::Instance,
    wasmtime: &Wasmtime,
    wasmtime_instance: &mut <Wasmtime as Runtime>::Instance,
    (fast, dynamic): (CallLoop, CallLoop),
    calls: u32,
    batches: usize,
) -> [f64; 4] {
    weft.call_loop(weft_instance, fast, calls / 10 + 1);
    weft.call_loop(weft_instance, dynamic, calls / 10 + 1);
    wasmtime.call_loop(wasmtime_instance, fast, calls / 10 + 1);
    wasmtime.call_loop(wasmtime_instance, dynamic, calls / 10 + 1);
    let mut samples: [Vec<Duration>; 4] = Default::default();
    for _ in 0..batches {
        samples[0].push(weft.call_loop(weft_instance, fast, calls));
        samples[1].push(wasmtime.call_loop(wasmtime_instance, fast, calls));
        samples[2].push(weft.call_loop(weft_instance, dynamic, calls));
        samples[3].push(wasmtime.call_loop(wasmtime_instance, dynamic, calls));
    }
    samples.map(|s| median(s).as_secs_f64() / f64::from(calls))
}

/// The kernels and the arguments they run with: chosen so that one run
/// takes roughly 50 to 200 ms on weft on a current x86-64 core.
fn kernels() -> Vec<(String, Call)> {
    let call = |export: &str, args: &[u32], result| Call {
        export: export.to_string(),
        args: args.to_vec(),
        result,
    };
    vec![
        ("fib(36)".into(), call("fib", &[36], ResultKind::I64)),
        (
            "sha256_bench(64 KiB, 200 rounds)".into(),
            call("sha256_bench", &[64 * 1024, 200], ResultKind::I32),
        ),
        (
            "mandelbrot(500, 400, 500)".into(),
            call("mandelbrot", &[500, 400, 500], ResultKind::I32),
        ),
        (
            "quicksort_bench(1000000, 42)".into(),
            call("quicksort_bench", &[1_000_000, 42], ResultKind::I32),
        ),
        (
            "nbody(1000000)".into(),
            call("nbody", &[1_000_000], ResultKind::F64),
        ),
    ]
}

/// Calls every `big_N` of the big module and folds the results into one
/// checksum: the big module's code must compute the same on both engines.
/// Returns the number of functions and the checksum.
fn big_checksum<R: Runtime>(rt: &R, instance: &mut R::Instance) -> Result<(u32, u32), String> {
    let mut count = rt.prepare(
        instance,
        &Call {
            export: "big_count".into(),
            args: vec![],
            result: ResultKind::I32,
        },
    )?;
    let Value::I32(count) = count(instance) else {
        return Err("big_count returned the wrong type".into());
    };
    let mut checksum = 0u32;
    for i in 0..count {
        let mut f = rt.prepare(
            instance,
            &Call {
                export: format!("big_{i}"),
                args: vec![i.wrapping_mul(0x9e37_79b9), 0x1234_5678 ^ i],
                result: ResultKind::I32,
            },
        )?;
        let Value::I32(v) = f(instance) else {
            return Err(format!("big_{i} returned the wrong type"));
        };
        checksum = checksum.rotate_left(7) ^ v;
    }
    Ok((count, checksum))
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

fn main() {
    let options = parse_options();
    if options.only.as_deref() == Some("component-typed") {
        component_typed_section(&options);
        return;
    }
    let section = |name: &str| options.only.as_deref().is_none_or(|only| only == name);
    let kernels_path = options
        .kernels
        .clone()
        .unwrap_or_else(|| build_wasm("kernels", "weft_bench_kernels"));
    let big_path = if options.no_big || !section("compile") {
        None
    } else {
        Some(
            options
                .big
                .clone()
                .unwrap_or_else(|| build_wasm("big", "weft_bench_big")),
        )
    };
    let read = |path: &Path| {
        std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
    };
    let kernels_wasm = read(&kernels_path);
    let big_wasm = big_path.as_deref().map(read);

    let weft = Weft::new();
    let wasmtime = Wasmtime::new();
    let (compile_reps, inst_reps, call_count, batches) = if options.quick {
        (2, 20, 20_000, 3)
    } else {
        (9, 301, 200_000, 9)
    };
    let mut rows: Vec<Row> = Vec::new();
    let weft_module = weft
        .compile(&kernels_wasm)
        .unwrap_or_else(|e| panic!("{e}"));
    let wasmtime_module = wasmtime
        .compile(&kernels_wasm)
        .unwrap_or_else(|e| panic!("{e}"));

    if section("compile") {
        compile_section(
            &weft,
            &wasmtime,
            &kernels_wasm,
            big_wasm.as_deref(),
            compile_reps,
            inst_reps,
            &mut rows,
        );
    }

    // Run the kernels, each engine with one instance.
    let mut weft_instance = weft.instantiate(&weft_module).expect("weft instantiates");
    let mut wasmtime_instance = wasmtime
        .instantiate(&wasmtime_module)
        .expect("wasmtime instantiates");
    let mut run_ratios = Vec::new();
    let mut results = Vec::new();
    for (label, call) in kernels().into_iter().filter(|_| section("run")) {
        eprintln!("running {label} ...");
        let (a, b, value) = run_times(
            &weft,
            &mut weft_instance,
            &wasmtime,
            &mut wasmtime_instance,
            &call,
            options.runs,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        results.push(format!("{label} = {value}"));
        let row = Row {
            metric: format!("run {label}"),
            weft: Ok(a),
            wasmtime: Ok(b),
        };
        run_ratios.push(row.ratio().expect("both ran"));
        rows.push(row);
    }

    // Per-call overhead.
    if section("call") {
        eprintln!("calling ...");
        for (label, loops) in [
            ("noop()", (CallLoop::Noop, CallLoop::NoopDynamic)),
            ("fib(1)", (CallLoop::Fib1, CallLoop::Fib1Dynamic)),
        ] {
            let [typed_weft, typed_wasmtime, dyn_weft, dyn_wasmtime] = per_call_times(
                &weft,
                &mut weft_instance,
                &wasmtime,
                &mut wasmtime_instance,
                loops,
                call_count,
                batches,
            );
            rows.push(Row {
                metric: format!("call {label}, per call (TypedFunc::call)"),
                weft: Ok(typed_weft),
                wasmtime: Ok(typed_wasmtime),
            });
            rows.push(Row {
                metric: format!("call {label}, per call (Func::call with Vals)"),
                weft: Ok(dyn_weft),
                wasmtime: Ok(dyn_wasmtime),
            });
        }
    }

    if section("component") {
        component_section(&options, batches, &mut rows);
    }

    print_table(&options, &rows, &run_ratios);
    if !results.is_empty() {
        println!(
            "results (identical on both engines): {}",
            results.join("; ")
        );
    }
}

/// The `bench/calls` component: `--component`'s file, or the guest built
/// and componentized here.
fn calls_component(options: &Options) -> Vec<u8> {
    if let Some(path) = &options.component {
        return std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    }
    let core = std::fs::read(build_wasm("calls", "weft_bench_calls"))
        .unwrap_or_else(|e| panic!("reading the calls guest: {e}"));
    components::componentize(&core)
}

/// Per-call times of component functions, typed and dynamic.
fn component_section(options: &Options, batches: usize, rows: &mut Vec<Row>) {
    let component = calls_component(options);
    let batches = options.batches.unwrap_or(batches);
    let times = components::measure(&component, batches, options.quick);
    for (case, [typed_weft, typed_wasmtime, dyn_weft, dyn_wasmtime]) in
        components::CASES.iter().zip(times)
    {
        rows.push(Row {
            metric: format!("component {}, per call (TypedFunc::call)", case.label),
            weft: Ok(typed_weft),
            wasmtime: Ok(typed_wasmtime),
        });
        rows.push(Row {
            metric: format!("component {}, per call (Func::call with Vals)", case.label),
            weft: Ok(dyn_weft),
            wasmtime: Ok(dyn_wasmtime),
        });
    }
}

/// `--only component-typed`: the component calls on weft's typed API
/// alone, one JSON line per call with the time per call of each batch.
fn component_typed_section(options: &Options) {
    let component = calls_component(options);
    let batches = options.batches.unwrap_or(if options.quick { 3 } else { 9 });
    let times = components::measure_weft_typed(&component, batches, options.quick);
    for (case, samples) in components::CASES.iter().zip(times) {
        let ns: Vec<String> = samples.iter().map(|s| format!("{:.3}", s * 1e9)).collect();
        println!(
            "{{\"impl\":\"rust-typed\",\"case\":\"{}\",\"label\":\"{}\",\"calls\":{},\"ns\":[{}]}}",
            case.id,
            case.label,
            case.batch_calls(options.quick),
            ns.join(",")
        );
    }
}

/// Compile and instantiation times of the kernels and the big module, and
/// the check that every function of the big module agrees.
fn compile_section(
    weft: &Weft,
    wasmtime: &Wasmtime,
    kernels_wasm: &[u8],
    big_wasm: Option<&[u8]>,
    compile_reps: usize,
    inst_reps: usize,
    rows: &mut Vec<Row>,
) {
    eprintln!("compiling kernels ...");
    let kernels_label = format!("kernels.wasm ({})", fmt_size(kernels_wasm.len()));
    let (a, b) = compile_times(weft, wasmtime, kernels_wasm, compile_reps);
    let ((a, weft_module), (b, wasmtime_module)) = match (a, b) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => panic!("compiling the kernels: {:?} {:?}", a.err(), b.err()),
    };
    rows.push(Row {
        metric: format!("compile {kernels_label}"),
        weft: Ok(a),
        wasmtime: Ok(b),
    });
    let mut big_modules = None;
    if let Some(big_wasm) = big_wasm {
        eprintln!("compiling big ({}) ...", fmt_size(big_wasm.len()));
        let (a, b) = compile_times(weft, wasmtime, big_wasm, compile_reps.min(5));
        rows.push(Row {
            metric: format!("compile big.wasm ({})", fmt_size(big_wasm.len())),
            weft: a.as_ref().map(|(t, _)| *t).map_err(Clone::clone),
            wasmtime: b.as_ref().map(|(t, _)| *t).map_err(Clone::clone),
        });
        if let (Ok((_, wm)), Ok((_, tm))) = (a, b) {
            big_modules = Some((wm, tm));
        }
    }
    eprintln!("loading from artifacts ...");
    let mut artifact_rows = |name: &str, weft_module, wasmtime_module, reps| {
        let ((a, a_size), (b, b_size)) =
            deserialize_times(weft, weft_module, wasmtime, wasmtime_module, reps)
                .unwrap_or_else(|e| panic!("{e}"));
        rows.push(Row {
            metric: format!(
                "load {name} from an artifact (weft {}, wasmtime {})",
                fmt_size(a_size),
                fmt_size(b_size)
            ),
            weft: Ok(a),
            wasmtime: Ok(b),
        });
    };
    artifact_rows("kernels.wasm", &weft_module, &wasmtime_module, compile_reps);
    if let Some((wm, tm)) = &big_modules {
        artifact_rows("big.wasm", wm, tm, compile_reps.min(5));
    }
    eprintln!("instantiating ...");
    let (a, b) = instantiate_times(weft, &weft_module, wasmtime, &wasmtime_module, inst_reps)
        .unwrap_or_else(|e| panic!("{e}"));
    rows.push(Row {
        metric: "instantiate kernels.wasm (new store + instance)".into(),
        weft: Ok(a),
        wasmtime: Ok(b),
    });
    if let Some((wm, tm)) = &big_modules {
        let (a, b) = instantiate_times(weft, wm, wasmtime, tm, inst_reps / 3)
            .unwrap_or_else(|e| panic!("{e}"));
        rows.push(Row {
            metric: "instantiate big.wasm (new store + instance)".into(),
            weft: Ok(a),
            wasmtime: Ok(b),
        });
        let mut wi = weft.instantiate(wm).expect("weft instantiates big");
        let mut ti = wasmtime.instantiate(tm).expect("wasmtime instantiates big");
        let (count, weft_sum) = big_checksum(weft, &mut wi).expect("weft runs big");
        let (_, wasmtime_sum) = big_checksum(wasmtime, &mut ti).expect("wasmtime runs big");
        assert_eq!(
            weft_sum, wasmtime_sum,
            "big.wasm: the engines compute different results"
        );
        eprintln!("big.wasm: every function agrees (checksum {weft_sum:#010x})");
        let names: Vec<String> = (0..count).map(|i| format!("big_{i}")).collect();
        let lookups = |has: &mut dyn FnMut(&str) -> bool| {
            timed(|| {
                for name in &names {
                    assert!(has(name), "{name} is exported");
                }
            })
        };
        let (a, b) = interleave(
            compile_reps.min(5),
            || lookups(&mut |name| weft.has_func(&mut wi, name)),
            || lookups(&mut |name| wasmtime.has_func(&mut ti, name)),
        );
        rows.push(Row {
            metric: format!(
                "get_func by name, each of big.wasm's {} exports",
                names.len()
            ),
            weft: Ok(a),
            wasmtime: Ok(b),
        });
    }
}

fn print_table(options: &Options, rows: &[Row], run_ratios: &[f64]) {
    println!();
    println!(
        "weft vs wasmtime 48.0.8 — {} ({} threads); runs: median of {}",
        cpu_model(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        options.runs
    );
    println!();
    let width = rows
        .iter()
        .map(|r| r.metric.chars().count())
        .chain(["geometric mean of the run ratios".len()])
        .max()
        .unwrap_or(6);
    println!(
        "| {:width$} | {:>10} | {:>10} | {:>13} |",
        "metric", "weft", "wasmtime", "weft/wasmtime"
    );
    println!(
        "|{:-<w$}|{:->12}|{:->12}|{:->15}|",
        ":",
        ":",
        ":",
        ":",
        w = width + 2
    );
    let cell = |t: &Result<f64, String>| match t {
        Ok(d) => fmt_duration(*d),
        Err(_) => "error".to_string(),
    };
    for row in rows {
        let ratio = row.ratio().map_or("—".to_string(), |r| format!("{r:.2}"));
        println!(
            "| {:width$} | {:>10} | {:>10} | {:>13} |",
            row.metric,
            cell(&row.weft),
            cell(&row.wasmtime),
            ratio
        );
    }
    if !run_ratios.is_empty() {
        let geomean =
            (run_ratios.iter().map(|r| r.ln()).sum::<f64>() / run_ratios.len() as f64).exp();
        println!(
            "| {:width$} | {:>10} | {:>10} | {:>13} |",
            "geometric mean of the run ratios",
            "",
            "",
            format!("{geomean:.2}")
        );
    }
    println!();
    for row in rows {
        for (engine, t) in [("weft", &row.weft), ("wasmtime", &row.wasmtime)] {
            if let Err(e) = t {
                println!("{}: {engine} failed: {e}", row.metric);
            }
        }
    }
}

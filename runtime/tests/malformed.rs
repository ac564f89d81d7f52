//! Malformed and invalid binaries: every truncation and thousands of
//! single-bit flips of real modules are rejected or run, never panic and
//! never crash the process; handcrafted invalid modules are rejected with
//! a message and the offset of the fault.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use weft_runtime::{Config, Engine, Error, Extern, Linker, Module, Store, TrapKind, Val};

/// Memory, data segments (active and passive), globals, and the bulk
/// memory instructions.
const MEMORY: &str = r#"(module $memory
  (memory (export "mem") 1 4)
  (global $counter (mut i32) (i32.const 0))
  (global $base i32 (i32.const 16))
  (global $wide (mut i64) (i64.const 0x1122334455667788))
  (global $ratio f64 (f64.const 0.25))
  (data (i32.const 0) "weft")
  (data (i32.const 16) "\01\02\03\04\05\06\07\08")
  (data $passive "passive bytes")
  (func $sum (export "sum") (result i32)
    (local $i i32) (local $acc i32)
    (loop $next
      (local.set $acc (i32.add (local.get $acc)
        (i32.load8_u offset=16 (local.get $i))))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                             (i32.const 8))))
    (local.get $acc))
  (func $bulk (export "bulk") (result i32)
    (memory.init $passive (i32.const 100) (i32.const 0) (i32.const 13))
    (memory.copy (i32.const 200) (i32.const 100) (i32.const 13))
    (memory.fill (i32.const 300) (i32.const 0x2a) (i32.const 64))
    (data.drop $passive)
    (i32.add (i32.load (i32.const 200)) (i32.load8_u (i32.const 363))))
  (func $grow (export "grow") (result i32)
    (drop (memory.grow (i32.const 1)))
    (i64.store (i32.const 65536) (global.get $wide))
    (memory.size))
  (func $count (export "count") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter))
  (func $wide (export "wide") (result i64 f64)
    (global.set $wide (i64.rotl (global.get $wide) (i64.const 8)))
    (global.get $wide)
    (f64.mul (global.get $ratio) (f64.convert_i64_s (global.get $wide))))
  (func $oob (export "oob") (result i32)
    (i32.load (i32.const 0x3fffc)))
  (func $store (export "store") (param i32 i32)
    (i32.store (local.get 0) (local.get 1))))"#;

/// Tables of both reference types, element segments of every mode, and
/// indirect calls.
const TABLES: &str = r#"(module $tables
  (type $unary (func (param i32) (result i32)))
  (table $funcs (export "funcs") 8 16 funcref)
  (table $refs 4 externref)
  (elem (table $funcs) (i32.const 0) func $double $square $negate)
  (elem $later funcref (ref.func $square) (ref.null func) (ref.func $double))
  (elem declare func $declared)
  (func $double (type $unary) (i32.shl (local.get 0) (i32.const 1)))
  (func $square (type $unary) (i32.mul (local.get 0) (local.get 0)))
  (func $negate (type $unary) (i32.sub (i32.const 0) (local.get 0)))
  (func $declared (result i32) (i32.const 99))
  (func $apply (export "apply") (result i32)
    (i32.add
      (call_indirect (type $unary) (i32.const 5) (i32.const 0))
      (call_indirect (type $unary) (i32.const 6) (i32.const 1))))
  (func $init (export "init") (result i32)
    (table.init $funcs $later (i32.const 4) (i32.const 0) (i32.const 3))
    (elem.drop $later)
    (call_indirect (type $unary) (i32.const 7) (i32.const 4)))
  (func $grow (export "grow") (result i32)
    (drop (table.grow $funcs (ref.func $negate) (i32.const 2)))
    (table.fill $refs (i32.const 0) (ref.null extern) (i32.const 4))
    (table.copy $funcs $funcs (i32.const 8) (i32.const 0) (i32.const 2))
    (i32.add (table.size $funcs)
      (ref.is_null (table.get $refs (i32.const 3)))))
  (func $null (export "null") (result i32)
    (call_indirect (type $unary) (i32.const 1) (i32.const 5)))
  (func $reference (export "reference") (result funcref)
    (ref.func $declared))
  (func $set (export "set") (result i32)
    (table.set $funcs (i32.const 3) (ref.func $double))
    (call_indirect (type $unary) (i32.const 21) (i32.const 3))))"#;

/// Structured control flow, multi-value blocks, recursion and a start
/// function.
const CONTROL: &str = r#"(module $control
  (global $started (mut i32) (i32.const 0))
  (func $start (global.set $started (i32.const 1)))
  (start $start)
  (func $fib (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $fib10 (export "fib10") (result i32) (call $fib (i32.const 10)))
  (func $classify (param i32) (result i32)
    (block $c (block $b (block $a
      (br_table $a $b $c (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 20)))
    (i32.const 30))
  (func $switch (export "switch") (result i32)
    (i32.add (i32.add (call $classify (i32.const 0)) (call $classify (i32.const 1)))
             (call $classify (i32.const 7))))
  (func $pair (param i32) (result i32 i32)
    (local.get 0) (i32.mul (local.get 0) (i32.const 3)))
  (func $multi (export "multi") (result i32 i64)
    (block (result i32 i32) (call $pair (i32.const 5)))
    (i32.sub)
    (i64.const 9))
  (func $select (export "select") (result f32)
    (select (f32.const 1.5) (f32.const -2.5) (global.get $started)))
  (func $nested (export "nested") (result i32)
    (local $i i32) (local $j i32) (local $n i32)
    (block $done
      (loop $outer
        (local.set $j (i32.const 0))
        (block $inner_done
          (loop $inner
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $inner_done (i32.ge_u (local.get $j) (i32.const 5)))
            (br $inner)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $done (i32.ge_u (local.get $i) (i32.const 5)))
        (br $outer)))
    (local.get $n))
  (func $trap (export "trap") (unreachable)))"#;

/// Arithmetic of every type, conversions, and saturating and
/// sign-extending operators.
const NUMERIC: &str = r#"(module $numeric
  (func $ints (export "ints") (result i32)
    (i32.xor
      (i32.rotr (i32.popcnt (i32.const 0x0f0f)) (i32.const 3))
      (i32.wrap_i64 (i64.div_u (i64.const -1) (i64.extend_i32_u (i32.clz (i32.const 1)))))))
  (func $longs (export "longs") (result i64)
    (i64.add (i64.extend16_s (i64.const 0x8001))
             (i64.rem_s (i64.const -17) (i64.ctz (i64.const 64)))))
  (func $floats (export "floats") (result f32 f64)
    (f32.copysign (f32.sqrt (f32.const 2)) (f32.const -0))
    (f64.nearest (f64.div (f64.const 7) (f64.promote_f32 (f32.const 2)))))
  (func $convert (export "convert") (result i32 i64)
    (i32.trunc_sat_f32_u (f32.const -5))
    (i64.trunc_f64_s (f64.min (f64.const 1e10) (f64.const -3.75))))
  (func $bits (export "bits") (result i64)
    (i64.reinterpret_f64 (f64.convert_i32_u (i32.extend8_s (i32.const 0x80)))))
  (func $compare (export "compare") (result i32)
    (i32.add (f64.lt (f64.const nan) (f64.const 1))
      (i32.add (i64.ge_s (i64.const -1) (i64.const 0))
               (f32.ne (f32.const 0) (f32.const -0)))))
  (func $divide (export "divide") (result i32)
    (i32.div_s (i32.const 7) (i32.sub (i32.const 3) (i32.const 3)))))"#;

const MODULES: [(&str, &str); 4] = [
    ("memory", MEMORY),
    ("tables", TABLES),
    ("control", CONTROL),
    ("numeric", NUMERIC),
];

/// Bit flips per module.
const FLIPS: usize = 2500;

fn engine() -> Engine {
    Engine::new(&Config {
        parallel_compilation: false,
        ..Config::default()
    })
    .expect("engine")
}

/// Fuel per store when a flip that ran too long is run again with fuel.
const FUEL: u64 = 50_000_000;

/// Aborts the test process, naming the case, if one case runs longer than
/// its limit. Truncation adds no loops, so that would be the runtime
/// stuck: better a clear failure than a hung test run.
struct Watchdog {
    current: Arc<Mutex<(String, Instant)>>,
}

impl Watchdog {
    fn new(limit: Duration) -> Watchdog {
        let current = Arc::new(Mutex::new((String::new(), Instant::now())));
        let watched = Arc::downgrade(&current);
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(200));
            let Some(current) = watched.upgrade() else {
                return;
            };
            let (case, since) = current.lock().unwrap_or_else(|e| e.into_inner()).clone();
            if since.elapsed() > limit {
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "malformed: {case} ran longer than {limit:?}; aborting"
                );
                std::process::abort();
            }
        });
        Watchdog { current }
    }

    fn set(&self, case: String) {
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = (case, Instant::now());
    }
}

/// What happened to one mutated binary.
#[derive(Debug, Default)]
struct Tally {
    rejected: usize,
    unsupported: usize,
    compiled: usize,
    instantiated: usize,
    calls: usize,
    /// Instantiations and calls stopped by running out of fuel.
    out_of_fuel: usize,
}

/// Compiles `wasm`; if it compiles, instantiates it and calls every
/// exported function without parameters. A panic anywhere is returned as
/// an error naming `case`; an error other than `Error::Invalid` or
/// `Error::Unsupported` from compiling is one too.
fn exercise(engine: &Engine, wasm: &[u8], case: &str, tally: &mut Tally) -> Result<(), String> {
    let compiled = catch_unwind(AssertUnwindSafe(|| Module::new(engine, wasm)))
        .map_err(|panic| format!("{case}: Module::new panicked: {}", message(&panic)))?;
    let module = match compiled {
        Ok(module) => module,
        Err(Error::Invalid { message, .. }) => {
            if message.is_empty() {
                return Err(format!("{case}: Error::Invalid without a message"));
            }
            tally.rejected += 1;
            return Ok(());
        }
        Err(Error::Unsupported(_)) => {
            tally.unsupported += 1;
            return Ok(());
        }
        // Valid SIMD operators come back as compile errors for now (see
        // `simd_is_reported_as_unsupported`); any other compile error is
        // a failure.
        Err(Error::Compile { message, .. }) if message.ends_with("is not supported yet") => {
            tally.unsupported += 1;
            return Ok(());
        }
        Err(other) => return Err(format!("{case}: Module::new failed with {other:?}")),
    };
    tally.compiled += 1;
    catch_unwind(AssertUnwindSafe(|| {
        let mut store = Store::new(engine, ());
        if engine.config().consume_fuel {
            store.set_fuel(FUEL).expect("fuel is on");
        }
        // Traps in the start function or segments, missing imports and
        // memory limits are all fine: only a panic is not.
        let instance = Linker::new(engine).instantiate(&mut store, &module);
        if out_of_fuel(&instance) {
            tally.out_of_fuel += 1;
        }
        let Ok(instance) = instance else {
            return;
        };
        tally.instantiated += 1;
        for (_, export) in instance.exports(&mut store) {
            let Extern::Func(func) = export else {
                continue;
            };
            let ty = func.ty(&store);
            if !ty.params().is_empty() {
                continue;
            }
            let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
            let result = func.call(&mut store, &[], &mut results);
            if out_of_fuel(&result) {
                tally.out_of_fuel += 1;
            }
            tally.calls += 1;
        }
    }))
    .map_err(|panic| format!("{case}: running panicked: {}", message(&panic)))
}

fn out_of_fuel<T>(result: &Result<T, Error>) -> bool {
    matches!(result, Err(Error::Trap(trap)) if trap.kind == TrapKind::OutOfFuel)
}

fn message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no message)".into())
}

/// The original modules compile, instantiate and run as written (so the
/// mutations below start from something real).
#[test]
fn originals_run() {
    let engine = engine();
    for (name, wat) in MODULES {
        let wasm = wat::parse_str(wat).unwrap_or_else(|e| panic!("{name}: {e}"));
        let module = Module::new(&engine, &wasm).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut outcomes = Vec::new();
        for (export, item) in instance.exports(&mut store) {
            let Extern::Func(func) = item else { continue };
            let ty = func.ty(&store);
            if !ty.params().is_empty() {
                continue;
            }
            let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
            let outcome = func
                .call(&mut store, &[], &mut results)
                .map(|()| results)
                .map_err(|e| e.as_trap().map(|t| t.kind.clone()));
            outcomes.push((export, outcome));
        }
        let expected: &[(&str, &str)] = match name {
            "memory" => &[
                ("sum", "Ok([I32(36)])"),
                ("bulk", "Ok([I32(1936941466)])"),
                ("grow", "Ok([I32(2)])"),
                ("count", "Ok([I32(1)])"),
                (
                    "wide",
                    "Ok([I64(2464388554683811857), F64(4873204456083372996)])",
                ),
                ("oob", "Err(Some(MemoryOutOfBounds))"),
            ],
            "tables" => &[
                ("apply", "Ok([I32(46)])"),
                ("init", "Ok([I32(49)])"),
                ("grow", "Ok([I32(11)])"),
                ("null", "Err(Some(IndirectCallToNull))"),
                ("reference", "Ok([FuncRef(Some(Func { .. }))])"),
                ("set", "Ok([I32(42)])"),
            ],
            "control" => &[
                ("fib10", "Ok([I32(55)])"),
                ("switch", "Ok([I32(60)])"),
                ("multi", "Ok([I32(-10), I64(9)])"),
                ("select", "Ok([F32(1069547520)])"),
                ("nested", "Ok([I32(25)])"),
                ("trap", "Err(Some(Unreachable))"),
            ],
            _ => &[
                ("ints", "Ok([I32(554189329)])"),
                ("longs", "Ok([I64(-32772)])"),
                ("floats", "Ok([F32(3216311539), F64(4616189618054758400)])"),
                ("convert", "Ok([I32(0), I64(-3)])"),
                ("bits", "Ok([I64(4751297606607437824)])"),
                ("compare", "Ok([I32(0)])"),
                ("divide", "Err(Some(IntegerDivisionByZero))"),
            ],
        };
        let actual: Vec<(String, String)> = outcomes
            .into_iter()
            .map(|(export, outcome)| {
                let text = format!("{outcome:?}");
                // Function handles print their store and index: keep only
                // that there is one.
                let text = match text.find("Func {") {
                    Some(at) => format!("{}Func {{ .. }}))])", &text[..at]),
                    None => text,
                };
                (export, text)
            })
            .collect();
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(actual, expected, "{name}");
    }
}

#[test]
fn every_truncation_is_rejected_without_panicking() {
    let engine = engine();
    let watchdog = Watchdog::new(Duration::from_secs(60));
    let mut failures = Vec::new();
    for (name, wat) in MODULES {
        let wasm = wat::parse_str(wat).unwrap();
        let mut tally = Tally::default();
        for len in 0..wasm.len() {
            let case = format!("{name} truncated to {len} of {} bytes", wasm.len());
            watchdog.set(case.clone());
            if let Err(failure) = exercise(&engine, &wasm[..len], &case, &mut tally) {
                failures.push(failure);
            }
        }
        // Only a cut that drops the whole name section (the last section)
        // or part of it leaves a module that still validates.
        let name_section = find_name_section(&wasm).expect("wat writes a name section");
        let accepted = tally.compiled;
        assert!(
            accepted <= wasm.len() - name_section,
            "{name}: {tally:?}, name section at {name_section}"
        );
        assert_eq!(tally.unsupported, 0, "{name}: {tally:?}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The offset of the custom section named `name`, found by walking the
/// sections.
fn find_name_section(wasm: &[u8]) -> Option<usize> {
    let mut at = 8;
    while at < wasm.len() {
        let start = at;
        let id = wasm[at];
        at += 1;
        let (size, used) = leb(&wasm[at..]);
        at += used;
        if id == 0 && wasm[at..].starts_with(b"\x04name") {
            return Some(start);
        }
        at += size;
    }
    None
}

fn leb(bytes: &[u8]) -> (usize, usize) {
    let mut value = 0usize;
    for (i, byte) in bytes.iter().enumerate() {
        value |= usize::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return (value, i + 1);
        }
    }
    (value, bytes.len())
}

/// xorshift64: a fixed sequence, so every run flips the same bits.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// One bit flip: which module, which byte, which bit.
#[derive(Debug, Clone, Copy)]
struct Flip {
    module: usize,
    byte: usize,
    bit: u8,
}

/// The flips of every module, the same on every run.
fn flips(binaries: &[Vec<u8>]) -> Vec<Flip> {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut flips = Vec::new();
    for (module, wasm) in binaries.iter().enumerate() {
        for _ in 0..FLIPS {
            let bit = (rng.next() % (wasm.len() as u64 * 8)) as usize;
            flips.push(Flip {
                module,
                byte: bit / 8,
                bit: (bit % 8) as u8,
            });
        }
    }
    flips
}

fn binaries() -> Vec<Vec<u8>> {
    MODULES
        .iter()
        .map(|(name, wat)| wat::parse_str(wat).unwrap_or_else(|e| panic!("{name}: {e}")))
        .collect()
}

fn describe(binaries: &[Vec<u8>], flip: Flip) -> String {
    let original = binaries[flip.module][flip.byte];
    format!(
        "{} with bit {} of byte {:#x} flipped ({original:#04x} -> {:#04x})",
        MODULES[flip.module].0,
        flip.bit,
        flip.byte,
        original ^ (1 << flip.bit)
    )
}

/// Set in the environment of the worker process: the first flip to run.
const WORKER_ENV: &str = "WEFT_MALFORMED_FLIP_WORKER";
/// Also set, for a worker that runs only that flip, with fuel.
const WORKER_FUEL_ENV: &str = "WEFT_MALFORMED_FLIP_FUEL";
/// Prefix of the worker's protocol lines on stdout.
const LINE: &str = "malformed-flip";
/// How long one flipped module may take to compile, instantiate and run.
/// A flip can make a loop endless (`local.tee $i` becoming `local.tee
/// $acc`, say), which is not the runtime's fault; such flips are run again
/// with fuel, which must stop them.
const CASE_LIMIT: Duration = Duration::from_millis(500);

/// Not a test of its own: the worker process of
/// `single_bit_flips_never_panic_or_crash`, which runs the flips from the
/// index in its environment, one line before and one after each. Does
/// nothing in a normal test run.
#[test]
fn flip_worker() {
    let Ok(first) = std::env::var(WORKER_ENV) else {
        return;
    };
    let first: usize = first.parse().expect("a flip index");
    let with_fuel = std::env::var_os(WORKER_FUEL_ENV).is_some();
    let binaries = binaries();
    let engine = Engine::new(&Config {
        parallel_compilation: false,
        consume_fuel: with_fuel,
        ..Config::default()
    })
    .expect("engine");
    let mut out = std::io::stdout().lock();
    let flips = flips(&binaries);
    let last = if with_fuel { first + 1 } else { flips.len() };
    for (index, flip) in flips.into_iter().enumerate().take(last).skip(first) {
        use std::io::Write;
        // On a line of its own: libtest may have begun one.
        writeln!(out, "\n{LINE} start {index}").unwrap();
        out.flush().unwrap();
        let mut wasm = binaries[flip.module].clone();
        wasm[flip.byte] ^= 1 << flip.bit;
        let mut tally = Tally::default();
        let outcome = match exercise(&engine, &wasm, &describe(&binaries, flip), &mut tally) {
            Ok(()) => format!(
                "{} {} {} {} {} {}",
                tally.rejected,
                tally.unsupported,
                tally.compiled,
                tally.instantiated,
                tally.calls,
                tally.out_of_fuel
            ),
            Err(failure) => format!("failed {}", failure.replace('\n', " ")),
        };
        writeln!(out, "{LINE} done {index} {outcome}").unwrap();
        out.flush().unwrap();
    }
}

/// What a worker reported about one flip.
enum Report {
    Done(Tally),
    Failed(String),
}

/// Reads a protocol line: the flip index and, for `done`, the report.
fn parse_line(line: &str) -> Option<(usize, Option<Report>)> {
    let words: Vec<&str> = line.strip_prefix(LINE)?.split_whitespace().collect();
    let index: usize = words[1].parse().ok()?;
    if words[0] == "start" {
        return Some((index, None));
    }
    if words[2] == "failed" {
        return Some((index, Some(Report::Failed(words[3..].join(" ")))));
    }
    let n: Vec<usize> = words[2..].iter().map(|w| w.parse().unwrap()).collect();
    let tally = Tally {
        rejected: n[0],
        unsupported: n[1],
        compiled: n[2],
        instantiated: n[3],
        calls: n[4],
        out_of_fuel: n[5],
    };
    Some((index, Some(Report::Done(tally))))
}

/// A worker process, killed if the test fails while it runs.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A few thousand single-bit flips of each module: each compiles or is
/// rejected without a panic, and what compiles instantiates and runs its
/// exported functions without a panic or a crash. The flips run in a
/// worker process (this test binary again, running `flip_worker`), so a
/// crash is reported with the flip that caused it, and a flip that loops
/// forever is stopped, then run again with fuel to show that it was wasm
/// looping and not the runtime stuck.
#[test]
fn single_bit_flips_never_panic_or_crash() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    use std::sync::mpsc;

    let binaries = binaries();
    let flips = flips(&binaries);
    let mut tallies: Vec<Tally> = MODULES.iter().map(|_| Tally::default()).collect();
    let mut failures = Vec::new();
    let mut endless = Vec::new();
    let spawn = |first: usize, with_fuel: bool| {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args(["flip_worker", "--exact", "--nocapture", "--test-threads=1"])
            .env(WORKER_ENV, first.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if with_fuel {
            command.env(WORKER_FUEL_ENV, "1");
        }
        let mut child = KillOnDrop(command.spawn().expect("the test binary runs as the worker"));
        let stdout = child.0.stdout.take().unwrap();
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(parsed) = parse_line(&line) {
                    if send.send(parsed).is_err() {
                        break;
                    }
                }
            }
        });
        (child, lines)
    };

    let mut next = 0;
    while next < flips.len() {
        let (mut child, lines) = spawn(next, false);
        // The flip the worker is on, if any.
        let mut current: Option<usize> = None;
        let mut waited = Duration::ZERO;
        loop {
            match lines.recv_timeout(CASE_LIMIT) {
                Ok((index, None)) => {
                    current = Some(index);
                    waited = Duration::ZERO;
                }
                Ok((index, Some(report))) => {
                    current = None;
                    waited = Duration::ZERO;
                    next = index + 1;
                    match report {
                        Report::Failed(failure) => failures.push(failure),
                        Report::Done(tally) => tallies[flips[index].module].add(&tally),
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    // Between flips (starting up, say) the limit is a
                    // generous one.
                    let Some(index) = current else {
                        waited += CASE_LIMIT;
                        assert!(waited < Duration::from_secs(120), "the worker is stuck");
                        continue;
                    };
                    drop(child);
                    endless.push(index);
                    next = index + 1;
                    break;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = child.0.wait().unwrap();
                    if let Some(index) = current {
                        failures.push(format!(
                            "{}: the process died ({status})",
                            describe(&binaries, flips[index])
                        ));
                        next = index + 1;
                    } else {
                        assert!(status.success(), "the worker failed: {status}");
                        assert_eq!(next, flips.len(), "the worker stopped early");
                    }
                    break;
                }
            }
        }
    }

    // Each flip that ran too long runs out of fuel when it has some.
    for &index in &endless {
        let (_child, lines) = spawn(index, true);
        let case = describe(&binaries, flips[index]);
        let deadline = Instant::now() + Duration::from_secs(60);
        let report = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok((_, None)) => continue,
                Ok((_, Some(report))) => break Some(report),
                Err(_) => break None,
            }
        };
        match report {
            Some(Report::Done(tally)) if tally.out_of_fuel > 0 => {}
            Some(Report::Done(tally)) => failures.push(format!(
                "{case}: ran too long without fuel, but with fuel ran to the end: {tally:?}"
            )),
            Some(Report::Failed(failure)) => failures.push(failure),
            None => failures.push(format!("{case}: runs on even with fuel {FUEL}")),
        }
    }

    for ((name, _), tally) in MODULES.iter().zip(&tallies) {
        println!("{name}: {tally:?}");
        // The flips reach past the header and the validator: a fair share
        // of them still compiles and runs.
        assert!(tally.rejected > FLIPS / 10, "{name}: {tally:?}");
        assert!(tally.instantiated > FLIPS / 10, "{name}: {tally:?}");
    }
    let endless: Vec<String> = endless
        .iter()
        .map(|&i| describe(&binaries, flips[i]))
        .collect();
    println!("ran too long, then out of fuel when run with fuel: {endless:#?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.rejected += other.rejected;
        self.unsupported += other.unsupported;
        self.compiled += other.compiled;
        self.instantiated += other.instantiated;
        self.calls += other.calls;
        self.out_of_fuel += other.out_of_fuel;
    }
}

/// A module from raw sections: the header, then `(id, contents)` each.
fn binary(sections: &[(u8, &[u8])]) -> Vec<u8> {
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    for (id, contents) in sections {
        wasm.push(*id);
        assert!(contents.len() < 128, "one-byte section sizes only");
        wasm.push(contents.len() as u8);
        wasm.extend_from_slice(contents);
    }
    wasm
}

/// Offset where `needle` (a section's contents) starts in `wasm`.
fn offset_of(wasm: &[u8], needle: &[u8]) -> usize {
    wasm.windows(needle.len())
        .position(|w| w == needle)
        .expect("the section is in the binary")
}

/// Expects `Error::Invalid` whose message contains `words` and whose
/// offset lies in `range`.
fn assert_invalid(wasm: &[u8], words: &str, range: std::ops::Range<usize>) {
    let engine = engine();
    match Module::new(&engine, wasm) {
        Err(Error::Invalid { message, offset }) => {
            assert!(
                message.contains(words),
                "expected a message with `{words}`, got `{message}`"
            );
            assert!(
                range.contains(&offset),
                "`{message}` at offset {offset:#x}, expected in {range:x?}"
            );
            let text = Error::Invalid {
                message: message.clone(),
                offset,
            }
            .to_string();
            assert!(text.contains(&format!("{offset:#x}")), "{text}");
        }
        Err(other) => panic!("expected Error::Invalid with `{words}`, got {other:?}"),
        Ok(_) => panic!("expected Error::Invalid with `{words}`, the module compiled"),
    }
}

const TYPE_SECTION: (u8, &[u8]) = (1, &[1, 0x60, 0, 1, 0x7f]); // (func (result i32))
const FUNCTION_SECTION: (u8, &[u8]) = (3, &[1, 0]);

#[test]
fn type_mismatch_in_a_function_body() {
    // (func (result i32) i64.const 0)
    let body: &[u8] = &[1, 4, 0, 0x42, 0, 0x0b];
    let wasm = binary(&[TYPE_SECTION, FUNCTION_SECTION, (10, body)]);
    let at = offset_of(&wasm, body);
    assert_invalid(&wasm, "type mismatch", at..at + body.len());
}

#[test]
fn unknown_function_index() {
    // (func (result i32) call 5)
    let body: &[u8] = &[1, 4, 0, 0x10, 5, 0x0b];
    let wasm = binary(&[TYPE_SECTION, FUNCTION_SECTION, (10, body)]);
    let at = offset_of(&wasm, body);
    assert_invalid(&wasm, "unknown function", at..at + body.len());
}

#[test]
fn duplicate_export() {
    // (export "f" (func 0)) twice.
    let exports: &[u8] = &[2, 1, b'f', 0, 0, 1, b'f', 0, 0];
    let code: &[u8] = &[1, 4, 0, 0x41, 1, 0x0b];
    let wasm = binary(&[TYPE_SECTION, FUNCTION_SECTION, (7, exports), (10, code)]);
    let at = offset_of(&wasm, exports);
    assert_invalid(&wasm, "duplicate export", at..at + exports.len());
}

#[test]
fn other_malformed_binaries() {
    // A wrong magic number, then a wrong version.
    assert_invalid(b"\0wasm\x01\0\0", "magic", 0..4);
    assert_invalid(b"\0asm\x02\0\0\0", "version", 4..8);
    // Sections out of order: a memory before the types.
    let wasm = binary(&[(5, &[1, 0, 1]), TYPE_SECTION]);
    assert_invalid(&wasm, "out of order", 8..wasm.len());
    // A function section without a code section.
    let wasm = binary(&[TYPE_SECTION, FUNCTION_SECTION]);
    assert_invalid(&wasm, "code section is absent", 0..wasm.len() + 1);
    // A body whose size runs past the section.
    let wasm = binary(&[
        TYPE_SECTION,
        FUNCTION_SECTION,
        (10, &[1, 9, 0, 0x41, 1, 0x0b]),
    ]);
    assert_invalid(&wasm, "", 8..wasm.len() + 1);
    // An unknown opcode.
    let body: &[u8] = &[1, 4, 0, 0xff, 0, 0x0b];
    let wasm = binary(&[TYPE_SECTION, FUNCTION_SECTION, (10, body)]);
    let at = offset_of(&wasm, body);
    assert_invalid(&wasm, "", at..at + body.len());
}

/// Valid modules using what weft does not compile yet (SIMD instructions)
/// are `Error::Unsupported`, neither invalid nor a compiler failure.
#[test]
fn simd_is_reported_as_unsupported() {
    let engine = engine();
    let mut failures = Vec::new();
    for wat in [
        r#"(module (func (export "f") (result i32)
             (i32x4.extract_lane 1 (v128.const i32x4 1 2 3 4))))"#,
        r#"(module (func (export "f") (param v128) (result v128) (local.get 0)))"#,
        r#"(module (global v128 (v128.const i64x2 0 0)))"#,
    ] {
        let wasm = wat::parse_str(wat).unwrap();
        let outcome = catch_unwind(AssertUnwindSafe(|| Module::new(&engine, &wasm)));
        match outcome {
            Ok(Err(Error::Unsupported(message))) => assert!(!message.is_empty()),
            Ok(Err(other)) => failures.push(format!("{wat}: {other:?}")),
            // Moving v128 values around needs no SIMD instruction, so
            // this may compile; then it must work.
            Ok(Ok(module)) if wat.contains("(param v128)") => {
                let mut store = Store::new(&engine, ());
                let instance = Linker::new(&engine)
                    .instantiate(&mut store, &module)
                    .unwrap();
                let f = instance.get_func(&mut store, "f").unwrap();
                let value = Val::V128(0x0123_4567_89ab_cdef_fedc_ba98_7654_3210);
                let mut results = [Val::V128(0)];
                f.call(&mut store, &[value], &mut results).unwrap();
                assert_eq!(results, [value]);
            }
            Ok(Ok(_)) => failures.push(format!("{wat}: compiled")),
            Err(panic) => failures.push(format!("{wat}: panicked: {}", message(&panic))),
        }
    }
    assert!(
        failures.is_empty(),
        "expected Error::Unsupported:\n{}",
        failures.join("\n")
    );
}

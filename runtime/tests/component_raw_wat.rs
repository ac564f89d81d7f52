//! The raw call API on hand-written components: the three string
//! encodings both ways, invalid guest data, bad `realloc` results, calls in
//! stages and out of order, post-return, out-of-bounds reads and writes,
//! traps, functions without memory, and raw host functions re-exported;
//! after each failure the instance must still work.

mod common;

use std::sync::{Arc, Mutex};

use common::raw_host::{self as host, host_trap, instantiate, HostError};
use weft_runtime::component::{CallError, Func, Instance, Linker, StringEncoding, Val};
use weft_runtime::{Engine, Error, Store, TrapKind};

fn string(s: &str) -> Val {
    Val::String(s.into())
}

// ---- hand-written components -------------------------------------------

/// A bump allocator exported as `realloc`, which moves what it
/// reallocates.
const REALLOC: &str = r#"
  (global $next (mut i32) (i32.const 1024))
  (func (export "realloc") (param $old i32) (param $old_size i32) (param $align i32)
        (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr
      (i32.and
        (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
        (i32.xor (i32.sub (local.get $align) (i32.const 1)) (i32.const -1))))
    (global.set $next (i32.add (local.get $ptr) (local.get $size)))
    (memory.copy (local.get $ptr) (local.get $old)
      (select (local.get $old_size) (local.get $size)
        (i32.lt_u (local.get $old_size) (local.get $size))))
    (local.get $ptr))"#;

/// `run(s) -> string` in a component with string encoding `encoding`: it
/// passes `s` to the imported `host-echo` and returns what that returns.
fn echo_through_host(encoding: &str) -> String {
    format!(
        r#"(component
  (import "host-echo" (func $echo (param "s" string) (result string)))
  (core module $libc
    (memory (export "mem") 1)
    {REALLOC})
  (core instance $libc (instantiate $libc))
  (core func $echo (canon lower (func $echo) (memory (core memory $libc "mem"))
    (realloc (core func $libc "realloc")) string-encoding={encoding}))
  (core module $m
    (import "libc" "mem" (memory 1))
    (import "" "echo" (func $echo (param i32 i32 i32)))
    (func (export "run") (param i32 i32) (result i32)
      (call $echo (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16)))
  (core instance $i (instantiate $m
    (with "libc" (instance $libc))
    (with "" (instance (export "echo" (func $echo))))))
  (func (export "run") (param "s" string) (result string)
    (canon lift (core func $i "run") (memory (core memory $libc "mem"))
      (realloc (core func $libc "realloc")) string-encoding={encoding})))"#
    )
}

#[test]
fn strings_in_all_three_encodings_both_ways() {
    let engine = Engine::default();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut linker = Linker::new(&engine);
    let record = seen.clone();
    linker.root().func_raw("host-echo", None, move |call| {
        let encoding = call.encoding();
        let (text, len) = {
            let mut args = call.args();
            let (ptr, len) = (args.take::<u32>()?, args.take::<u32>()?);
            (args.load_str(ptr, len)?.into_owned(), len)
        };
        record.lock().unwrap().push((encoding, len));
        let mut result = call.results();
        let (ptr, len) = result.store_string(&text)?;
        let at = result.spill_area()?;
        result.write(at, ptr)?;
        result.write(at + 4, len)?;
        Ok(())
    });
    let texts = ["", "plain", "café ÿ", "beyond: Σ € 😀"];
    for (name, encoding) in [
        ("utf8", StringEncoding::Utf8),
        ("utf16", StringEncoding::Utf16),
        ("latin1+utf16", StringEncoding::Latin1Utf16),
    ] {
        let (mut store, instance) = instantiate(&engine, &echo_through_host(name), &linker);
        let run = instance
            .get_func(&mut store, "run")
            .unwrap()
            .raw(&store)
            .unwrap();
        assert_eq!(run.encoding(), encoding);
        for text in texts {
            seen.lock().unwrap().clear();
            let (back, len, units) = run
                .call(
                    &mut store,
                    |args| {
                        let (ptr, len) = args.store_string(text)?;
                        args.push(ptr)?;
                        args.push(len)?;
                        Ok::<_, CallError<HostError>>(())
                    },
                    |result| {
                        let at = result.spill_area()?;
                        let (ptr, len) = (result.read::<u32>(at)?, result.read::<u32>(at + 4)?);
                        let units = result.read_bytes(ptr, len.min(4))?.to_vec();
                        Ok((result.load_str(ptr, len)?.into_owned(), len, units))
                    },
                )
                .unwrap_or_else(|e| panic!("{name}, {text:?}: {e}"));
            assert_eq!(back, text, "{name}");
            // The length word in the encoding's own units, as the host
            // function saw it too.
            let expected = match encoding {
                StringEncoding::Utf8 => text.len() as u32,
                StringEncoding::Utf16 => text.encode_utf16().count() as u32,
                StringEncoding::Latin1Utf16 if text.chars().all(|c| c <= '\u{ff}') => {
                    text.chars().count() as u32
                }
                StringEncoding::Latin1Utf16 => text.encode_utf16().count() as u32 | 1 << 31,
            };
            assert_eq!(len, expected, "{name}, {text:?}");
            assert_eq!(*seen.lock().unwrap(), [(encoding, expected)]);
            if text == "café ÿ" {
                let first = match encoding {
                    StringEncoding::Utf16 => vec![b'c', 0, b'a', 0],
                    _ => b"caf".to_vec(),
                };
                assert_eq!(units[..first.len()], first[..], "{name}");
            }
        }
    }
}

/// A component with a settable misbehaving `realloc`, functions returning
/// a valid and an invalid string (with a counting post-return), one that
/// traps, and one that measures a string.
const MISC: &str = r#"
(component
  (core module $m
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 1024))
    (global $mode (mut i32) (i32.const 0))
    (global $posts (mut i32) (i32.const 0))
    (data (i32.const 100) "\ff\fehi")
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $ptr i32)
      ;; mode 1: past the end of memory; mode 2: misaligned
      (if (i32.eq (global.get $mode) (i32.const 1)) (then (return (i32.const 0xfffc))))
      (if (i32.eq (global.get $mode) (i32.const 2)) (then (return (i32.const 1025))))
      (local.set $ptr
        (i32.and
          (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
          (i32.xor (i32.sub (local.get 2) (i32.const 1)) (i32.const -1))))
      (global.set $next (i32.add (local.get $ptr) (local.get 3)))
      (local.get $ptr))
    (func (export "set-mode") (param i32) (global.set $mode (local.get 0)))
    (func (export "bad-utf8") (result i32)
      (i32.store (i32.const 8) (i32.const 100))
      (i32.store (i32.const 12) (i32.const 2))
      (i32.const 8))
    (func (export "good") (result i32)
      (i32.store (i32.const 8) (i32.const 102))
      (i32.store (i32.const 12) (i32.const 2))
      (i32.const 8))
    (func (export "post") (param i32)
      (global.set $posts (i32.add (global.get $posts) (i32.const 1))))
    (func (export "posts") (result i32) (global.get $posts))
    (func (export "boom") unreachable)
    (func (export "length") (param i32 i32) (result i32) (local.get 1)))
  (core instance $i (instantiate $m))
  (func (export "set-mode") (param "mode" u32) (canon lift (core func $i "set-mode")))
  (func (export "bad-utf8") (result string)
    (canon lift (core func $i "bad-utf8") (memory (core memory $i "mem"))
      (realloc (core func $i "realloc")) (post-return (core func $i "post"))))
  (func (export "good") (result string)
    (canon lift (core func $i "good") (memory (core memory $i "mem"))
      (realloc (core func $i "realloc")) (post-return (core func $i "post"))))
  (func (export "posts") (result u32) (canon lift (core func $i "posts")))
  (func (export "boom") (canon lift (core func $i "boom")))
  (func (export "length") (param "s" string) (result u32)
    (canon lift (core func $i "length") (memory (core memory $i "mem"))
      (realloc (core func $i "realloc")))))
"#;

struct Misc {
    store: Store<()>,
    instance: Instance,
}

impl Misc {
    fn new() -> Misc {
        let engine = Engine::default();
        let (store, instance) = instantiate(&engine, MISC, &Linker::new(&engine));
        Misc { store, instance }
    }

    fn func(&mut self, name: &str) -> Func {
        self.instance.get_func(&mut self.store, name).unwrap()
    }

    fn call(&mut self, name: &str, args: &[Val]) -> Option<Val> {
        let func = self.func(name);
        host::call(&mut self.store, func, args).unwrap_or_else(|e| panic!("`{name}`: {e}"))
    }

    fn posts(&mut self) -> Val {
        self.call("posts", &[]).unwrap()
    }

    /// `length(text)`, lowered by hand.
    fn length(&mut self, text: &str) -> Result<u32, CallError<HostError>> {
        let func = self.func("length");
        func.call_raw(
            &mut self.store,
            |args| {
                let (ptr, len) = args.store_string(text)?;
                args.push(ptr)?;
                args.push(len)?;
                Ok(())
            },
            |result| Ok(result.take::<u32>()?),
        )
    }
}

#[test]
fn invalid_utf8_from_the_guest_traps_naming_the_string() {
    let mut misc = Misc::new();
    let bad = misc.func("bad-utf8");
    let err = bad
        .call_raw(
            &mut misc.store,
            |_| Ok::<_, CallError<HostError>>(()),
            |result| {
                let at = result.spill_area()?;
                let (ptr, len) = (result.read::<u32>(at)?, result.read::<u32>(at + 4)?);
                Ok(result.load_str(ptr, len)?.into_owned())
            },
        )
        .unwrap_err();
    let trap = err.as_trap().expect("a trap");
    assert!(matches!(trap.kind, TrapKind::Component(_)));
    assert!(
        err.to_string()
            .contains("invalid utf-8: the string at 0x64 of 2 bytes"),
        "{err}"
    );
    // The callee returned: its post-return ran all the same.
    assert_eq!(misc.posts(), Val::U32(1));
    assert_eq!(misc.call("good", &[]), Some(string("hi")));
}

#[test]
fn a_call_in_stages() {
    let mut misc = Misc::new();
    let length = misc.func("length").raw(&misc.store).unwrap();
    let mut call = length.begin(&mut misc.store).unwrap();
    let (ptr, len) = call.lowerer().store_string("staged").unwrap();
    // Writing goes on where the last writer stopped.
    call.lowerer().push(ptr).unwrap();
    call.lowerer().push(len).unwrap();
    call.invoke().unwrap();
    assert_eq!(call.lifter().take::<u32>().unwrap(), 6);
    assert!(call.lifter().take::<u32>().is_err(), "one flat result");
    call.finish().unwrap();

    // Dropped after the call: post-return runs.
    let good = misc.func("good").raw(&misc.store).unwrap();
    let mut call = good.begin(&mut misc.store).unwrap();
    call.invoke().unwrap();
    let at = call.lifter().spill_area().unwrap();
    assert_eq!(call.lifter().read::<u32>(at + 4).unwrap(), 2);
    drop(call);
    assert_eq!(misc.posts(), Val::U32(1));

    // Dropped before the call: it is not made; discarding says so too.
    let mut call = length.begin(&mut misc.store).unwrap();
    call.lowerer().store_string("never").unwrap();
    drop(call);
    let call = length.begin(&mut misc.store).unwrap();
    call.discard().unwrap();
    assert_eq!(misc.length("after").unwrap(), 5);

    // A failed invoke ends the call.
    let boom = misc.func("boom").raw(&misc.store).unwrap();
    let mut call = boom.begin(&mut misc.store).unwrap();
    let err = call.invoke().unwrap_err();
    assert_eq!(err.as_trap().map(|t| &t.kind), Some(&TrapKind::Unreachable));
    call.discard().unwrap();
    assert_eq!(misc.posts(), Val::U32(1));
    assert_eq!(misc.length("again").unwrap(), 5);
}

#[test]
#[should_panic(expected = "RawCall::lifter before the callee returned")]
fn stages_out_of_order_are_a_bug_in_the_host() {
    let mut misc = Misc::new();
    let length = misc.func("length").raw(&misc.store).unwrap();
    let mut call = length.begin(&mut misc.store).unwrap();
    call.lifter();
}

#[test]
fn post_return_runs_after_the_lift_also_when_the_host_fails() {
    let mut misc = Misc::new();
    assert_eq!(misc.call("good", &[]), Some(string("hi")));
    assert_eq!(misc.posts(), Val::U32(1));
    let good = misc.func("good");
    let err = good
        .call_raw(
            &mut misc.store,
            |_| Ok::<_, CallError<HostError>>(()),
            |result| {
                let at = result.spill_area()?;
                let (ptr, len) = (result.read::<u32>(at)?, result.read::<u32>(at + 4)?);
                let text = result.load_str(ptr, len)?;
                Err::<(), _>(CallError::Host(format!("UnicodeError: {text}")))
            },
        )
        .unwrap_err();
    assert!(matches!(&err, CallError::Host(e) if e == "UnicodeError: hi"));
    assert_eq!(misc.posts(), Val::U32(2));
}

#[test]
fn bad_realloc_results_are_refused_and_the_instance_goes_on() {
    let mut misc = Misc::new();
    assert_eq!(misc.length("abc").unwrap(), 3);
    misc.call("set-mode", &[Val::U32(1)]);
    let err = misc.length(&"x".repeat(100)).unwrap_err();
    assert!(
        err.to_string()
            .contains("realloc return: beyond end of memory"),
        "{err}"
    );
    misc.call("set-mode", &[Val::U32(2)]);
    let func = misc.func("length");
    let err = func
        .call_raw(
            &mut misc.store,
            |args| {
                args.allocate(8, 4)?;
                Ok::<_, CallError<HostError>>(())
            },
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("realloc return: result not aligned"),
        "{err}"
    );
    misc.call("set-mode", &[Val::U32(0)]);
    assert_eq!(misc.length("abcd").unwrap(), 4);
}

#[test]
fn writes_and_reads_out_of_bounds_name_the_address_and_size() {
    let mut misc = Misc::new();
    let func = misc.func("length");
    let err = func
        .call_raw(
            &mut misc.store,
            |args| {
                let end = args.memory().len() as u32;
                assert_eq!(end, 65536);
                args.write(end - 2, 1u16)?;
                args.write(end, 1u32)?;
                Ok::<_, CallError<HostError>>(())
            },
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("value at 0x10000 of 4 bytes lies outside linear memory of 65536 bytes"),
        "{err}"
    );
    let err = func
        .call_raw(
            &mut misc.store,
            |args| {
                args.write_bytes(65530, &[0; 10])?;
                Ok::<_, CallError<HostError>>(())
            },
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("value at 0xfffa of 10 bytes"),
        "{err}"
    );
    // Misaligned is refused too.
    let err = func
        .call_raw(
            &mut misc.store,
            |args| {
                args.write(1026, 1u32)?;
                Ok::<_, CallError<HostError>>(())
            },
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(err.to_string().contains("unaligned pointer"), "{err}");
    // Reads likewise, and a bad discriminant.
    let good = misc.func("good");
    let err = good
        .call_raw(
            &mut misc.store,
            |_| Ok::<_, CallError<HostError>>(()),
            |result| {
                assert!(result.read_discriminant(100, 1, 3).is_err());
                assert!(result.read::<u64>(0xfffc).is_err());
                Ok(result.read_bytes(0xfff0, 0x20)?.len())
            },
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("value at 0xfff0 of 32 bytes"),
        "{err}"
    );
    assert_eq!(misc.length("ok").unwrap(), 2);
}

#[test]
fn a_trap_in_the_guest_comes_back_as_a_trap() {
    let mut misc = Misc::new();
    let boom = misc.func("boom");
    let err = boom
        .call_raw(
            &mut misc.store,
            |_| Ok::<_, CallError<HostError>>(()),
            |_| Ok(()),
        )
        .unwrap_err();
    assert_eq!(err.as_trap().map(|t| &t.kind), Some(&TrapKind::Unreachable));
    assert_eq!(misc.length("again").unwrap(), 5);
}

/// A component exporting `noop` and `add` (no memory), and `via-host`
/// and `via-val-host` calling the host's `measure` import, raw and
/// dynamic.
const TINY: &str = r#"
(component
  (import "measure" (func $measure (param "a" u32) (param "b" u32) (result u32)))
  (import "measure-val" (func $measure_val (param "a" u32) (param "b" u32) (result u32)))
  (core func $measure (canon lower (func $measure)))
  (core func $measure_val (canon lower (func $measure_val)))
  (core module $m
    (import "" "measure" (func $measure (param i32 i32) (result i32)))
    (import "" "measure-val" (func $measure_val (param i32 i32) (result i32)))
    (func (export "noop"))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "via-host") (param i32 i32) (result i32)
      (call $measure (local.get 0) (local.get 1)))
    (func (export "via-val-host") (param i32 i32) (result i32)
      (call $measure_val (local.get 0) (local.get 1))))
  (core instance $i (instantiate $m (with "" (instance
    (export "measure" (func $measure))
    (export "measure-val" (func $measure_val))))))
  (func (export "noop") (canon lift (core func $i "noop")))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "add")))
  (func (export "via-host") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "via-host")))
  (func (export "via-val-host") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "via-val-host"))))
"#;

fn tiny() -> (Store<()>, Instance) {
    let engine = Engine::default();
    let mut linker = Linker::new(&engine);
    linker.root().func_raw("measure", None, |call| {
        let (a, b) = {
            let mut args = call.args();
            (args.take::<u32>()?, args.take::<u32>()?)
        };
        call.results().push(a * 10 + b)?;
        Ok(())
    });
    linker.root().func_new("measure-val", |_, args| match args {
        [Val::U32(a), Val::U32(b)] => Ok(vec![Val::U32(a * 10 + b)]),
        _ => Err(host_trap("measure-val")),
    });
    instantiate(&engine, TINY, &linker)
}

#[test]
fn functions_without_memory_and_raw_imports_with_flat_values() {
    let (mut store, instance) = tiny();
    let add = instance
        .get_func(&mut store, "add")
        .unwrap()
        .raw(&store)
        .unwrap();
    let sum = add
        .call(
            &mut store,
            |args| {
                args.push(2u32)?;
                args.push(3u32)?;
                Ok::<_, CallError<HostError>>(())
            },
            |result| Ok(result.take::<u32>()?),
        )
        .unwrap();
    assert_eq!(sum, 5);
    let via = instance.get_func(&mut store, "via-host").unwrap();
    assert_eq!(
        host::call(&mut store, via, &[Val::U32(4), Val::U32(2)]).unwrap(),
        Some(Val::U32(42))
    );
    // Without memory there is nothing to allocate in.
    let err = add
        .call(
            &mut store,
            |args| {
                args.store_string("x")?;
                Ok::<_, CallError<HostError>>(())
            },
            |_| Ok(0),
        )
        .unwrap_err();
    assert!(err.to_string().contains("no realloc"), "{err}");
}

#[test]
fn a_raw_host_function_re_exported_is_for_components_only() {
    let engine = Engine::default();
    let mut linker = Linker::new(&engine);
    linker.root().func_raw("f", None, |call| {
        call.results().push(7u32)?;
        Ok(())
    });
    let (mut store, instance) = instantiate(
        &engine,
        r#"(component
          (import "f" (func $f (result u32)))
          (export "f" (func $f)))"#,
        &linker,
    );
    let f = instance.get_func(&mut store, "f").unwrap();
    let err = f.call(&mut store, &[]).unwrap_err();
    assert!(err.to_string().contains("called by components"), "{err}");
    assert!(matches!(f.raw(&store), Err(Error::Type { .. })));
}

/// A rough per-call cost of the raw path against the typed and dynamic
/// ones (`cargo test --release -p weft-runtime --test component_raw_wat --
/// --ignored --nocapture`); no assertion on time.
#[test]
#[ignore = "a timing printout, run by hand in release; timed assertions do not belong in tests"]
fn timing_of_raw_typed_and_dynamic_calls() {
    let (mut store, instance) = tiny();
    let n: u32 = std::env::var("TIMING_N").map_or(2_000_000, |n| n.parse().unwrap());
    // TIMING_ONLY=label runs one loop alone (for counting instructions
    // with `perf stat`, which a loaded machine does not disturb).
    let only = std::env::var("TIMING_ONLY").ok();
    let time = |label: &str, f: &mut dyn FnMut()| {
        if only.as_deref().is_some_and(|only| only != label) {
            return;
        }
        for _ in 0..n / 10 {
            f();
        }
        let start = std::time::Instant::now();
        for _ in 0..n {
            f();
        }
        let per_call = start.elapsed().as_nanos() as f64 / f64::from(n);
        println!("{label:>24}: {per_call:7.1} ns/call");
    };
    let noop = instance.get_func(&mut store, "noop").unwrap();
    let add = instance.get_func(&mut store, "add").unwrap();
    let noop_typed = noop.typed::<(), (), _>(&store).unwrap();
    let add_typed = add.typed::<(u32, u32), u32, _>(&store).unwrap();
    let noop_raw = noop.raw(&store).unwrap();
    let add_raw = add.raw(&store).unwrap();
    let via = instance
        .get_func(&mut store, "via-host")
        .unwrap()
        .raw(&store)
        .unwrap();
    time("noop typed", &mut || {
        noop_typed.call(&mut store, ()).unwrap()
    });
    time("noop raw", &mut || {
        noop_raw
            .call(
                &mut store,
                |_| Ok::<_, CallError<HostError>>(()),
                |_| Ok(()),
            )
            .unwrap()
    });
    time("noop dynamic", &mut || {
        noop.call(&mut store, &[]).unwrap();
    });
    let mut i = 0u32;
    time("add typed", &mut || {
        i = add_typed.call(&mut store, (i, 1)).unwrap();
    });
    time("add raw", &mut || {
        i = add_raw
            .call(
                &mut store,
                |args| {
                    args.push(i)?;
                    args.push(1u32)?;
                    Ok::<_, CallError<HostError>>(())
                },
                |result| Ok(result.take::<u32>()?),
            )
            .unwrap();
    });
    time("add dynamic", &mut || {
        add.call(&mut store, &[Val::U32(1), Val::U32(2)]).unwrap();
    });
    time("add via raw host import", &mut || {
        i = via
            .call(
                &mut store,
                |args| {
                    args.push(1u32)?;
                    args.push(2u32)?;
                    Ok::<_, CallError<HostError>>(())
                },
                |result| Ok(result.take::<u32>()?),
            )
            .unwrap();
    });
    let via_val = instance
        .get_func(&mut store, "via-val-host")
        .unwrap()
        .raw(&store)
        .unwrap();
    time("add via Val host import", &mut || {
        i = via_val
            .call(
                &mut store,
                |args| {
                    args.push(1u32)?;
                    args.push(2u32)?;
                    Ok::<_, CallError<HostError>>(())
                },
                |result| Ok(result.take::<u32>()?),
            )
            .unwrap();
    });
    std::hint::black_box(i);
}

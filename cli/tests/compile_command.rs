//! `weft compile` and what loads its artifacts: `weft run` on a compiled
//! module and component gives what running the wasm gives; damaged,
//! truncated and misused artifacts are refused with the reason; and the
//! compile cache `weft run` keeps (`WEFT_CACHE_DIR`, `--no-cache`,
//! `WEFT_NO_CACHE`).

use std::path::Path;
use std::process::{Command, Output};

#[path = "../../runtime/tests/common/scratch.rs"]
mod scratch;

use scratch::Scratch;

/// A fresh scratch directory for one test, removed when dropped.
fn scratch(name: &str) -> Scratch {
    Scratch::new("compile", name)
}

/// Runs `weft` with its cache in `cache` (or off).
fn weft(args: &[&str], cache: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_weft"));
    command.args(args).env_remove("WEFT_NO_CACHE");
    match cache {
        Some(dir) => command.env("WEFT_CACHE_DIR", dir),
        None => command.env("WEFT_NO_CACHE", "1"),
    };
    command.output().expect("weft runs")
}

fn ok(args: &[&str], cache: Option<&Path>) -> String {
    let output = weft(args, cache);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "weft {args:?} failed: {stderr}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn fails(args: &[&str]) -> String {
    let output = weft(args, None);
    assert_eq!(output.status.code(), Some(1), "weft {args:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A component whose `shout` upper-cases ASCII in place and returns it.
const SHOUT: &str = r#"(component
  (core module $m
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $ptr i32)
      (local.set $ptr (global.get $next))
      (global.set $next (i32.add (global.get $next) (local.get 3)))
      (local.get $ptr))
    (func (export "shout") (param $ptr i32) (param $len i32) (result i32)
      (local $i i32) (local $c i32)
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
          (local.set $c (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
          (if (i32.and (i32.ge_u (local.get $c) (i32.const 97))
                       (i32.le_u (local.get $c) (i32.const 122)))
            (then (i32.store8 (i32.add (local.get $ptr) (local.get $i))
                              (i32.sub (local.get $c) (i32.const 32)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (i32.store (i32.const 0) (local.get $ptr))
      (i32.store (i32.const 4) (local.get $len))
      (i32.const 0)))
  (core instance $i (instantiate $m))
  (func (export "shout") (param "s" string) (result string)
    (canon lift (core func $i "shout") (memory (core memory $i "memory"))
      (realloc (core func $i "realloc")))))"#;

const ADD: &str = r#"(module
  (func $double (param i32) (result i32) (i32.add (local.get 0) (local.get 0)))
  (func (export "twice-plus") (param i32 i32) (result i32)
    (i32.add (call $double (local.get 0)) (local.get 1))))"#;

#[test]
fn compiled_components_and_modules_run_as_their_wasm_does() {
    let dir = scratch("run");
    let component = dir.join("shout.wat");
    std::fs::write(&component, SHOUT).unwrap();
    let component = component.display().to_string();
    let printed = ok(&["compile", &component], None);
    let artifact = dir.join("shout.weftbin").display().to_string();
    assert!(
        printed.starts_with(&format!("wrote {artifact} (")),
        "{printed}"
    );
    let call = ["--invoke", "shout(\"hello, wörld\")"];
    let from_wasm = ok(&[&["run", &component][..], &call].concat(), None);
    let from_artifact = ok(&[&["run", &artifact][..], &call].concat(), None);
    assert_eq!(from_wasm, "\"HELLO, WöRLD\"\n");
    assert_eq!(from_artifact, from_wasm);

    let module = dir.join("add.wat");
    std::fs::write(&module, ADD).unwrap();
    let output = dir.join("elsewhere.bin").display().to_string();
    ok(
        &["compile", &module.display().to_string(), "-o", &output],
        None,
    );
    assert_eq!(
        ok(&["run", &output, "--invoke", "twice-plus", "20", "2"], None),
        "42\n"
    );
}

#[test]
fn bad_artifacts_are_refused_with_the_reason() {
    let dir = scratch("bad");
    let module = dir.join("add.wat");
    std::fs::write(&module, ADD).unwrap();
    ok(&["compile", &module.display().to_string()], None);
    let artifact = dir.join("add.weftbin");
    let bytes = std::fs::read(&artifact).unwrap();

    let damaged = dir.join("damaged.weftbin");
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 1;
    std::fs::write(&damaged, flipped).unwrap();
    let text = fails(&["run", &damaged.display().to_string()]);
    assert!(text.contains("cannot load the precompiled"), "{text}");
    assert!(text.contains("damaged.weftbin"), "{text}");
    assert!(text.contains("checksum does not match"), "{text}");

    let truncated = dir.join("truncated.weftbin");
    std::fs::write(&truncated, &bytes[..10]).unwrap();
    let text = fails(&["run", &truncated.display().to_string()]);
    assert!(text.contains("truncated"), "{text}");

    let text = fails(&["compile", &artifact.display().to_string()]);
    assert!(text.contains("is already compiled"), "{text}");

    let text = fails(&["compile", &dir.join("missing.wasm").display().to_string()]);
    assert!(
        text.contains("cannot read") && text.contains("missing.wasm"),
        "{text}"
    );
}

#[test]
fn run_compiles_once_into_the_cache() {
    let dir = scratch("cache");
    let cache = dir.join("cache");
    let component = dir.join("shout.wat");
    std::fs::write(&component, SHOUT).unwrap();
    let component = component.display().to_string();
    let args = ["run", &component, "--invoke", "shout(\"abc\")"];
    let entries = || std::fs::read_dir(&cache).map_or(0, |d| d.count());

    ok(&[&args[..], &["--no-cache"]].concat(), Some(&cache));
    assert_eq!(entries(), 0, "--no-cache writes nothing");
    assert_eq!(ok(&args, Some(&cache)), "\"ABC\"\n");
    assert_eq!(entries(), 1);
    assert_eq!(ok(&args, Some(&cache)), "\"ABC\"\n");
    assert_eq!(entries(), 1, "the second run loads the entry");

    // A damaged entry is compiled again and replaced.
    let entry = std::fs::read_dir(&cache)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&entry, b"\0weftbin junk").unwrap();
    assert_eq!(ok(&args, Some(&cache)), "\"ABC\"\n");
    assert_ne!(std::fs::read(&entry).unwrap(), b"\0weftbin junk");
}

//! `weft run` on modules written for each case: results of every type,
//! traps with their backtraces, argument errors, exports and imports.

use std::path::PathBuf;
use std::process::{Command, Output};

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("weft-run-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Writes `wat` to `<test>/module.wat` and returns its path.
fn module(test: &str, wat: &str) -> String {
    let path = scratch(test).join("module.wat");
    std::fs::write(&path, wat).expect("write module");
    path.display().to_string()
}

fn weft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .output()
        .expect("weft runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `weft run` and expects success; its standard output.
fn run_ok(args: &[&str]) -> String {
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    let output = weft(&all);
    assert!(
        output.status.success(),
        "weft {all:?} failed: {}",
        stderr(&output)
    );
    assert_eq!(stderr(&output), "", "weft {all:?}");
    stdout(&output)
}

/// Runs `weft run` and expects exit status 1 (not a crash); its standard
/// error.
fn run_fails(args: &[&str]) -> String {
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    let output = weft(&all);
    assert_eq!(
        output.status.code(),
        Some(1),
        "weft {all:?}: {}\n{}",
        stdout(&output),
        stderr(&output)
    );
    let text = stderr(&output);
    assert!(text.starts_with("error: "), "{text}");
    assert!(!text.contains("internal error"), "{text}");
    text
}

const VALUES: &str = r#"(module
  (func (export "i32") (param i32) (result i32) (local.get 0))
  (func (export "i64") (param i64) (result i64) (local.get 0))
  (func (export "f32") (param f32) (result f32) (local.get 0))
  (func (export "f64") (param f64) (result f64) (local.get 0))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "mixed") (param i64 f64 i32 f32) (result f64)
    (f64.add
      (f64.add (f64.convert_i64_s (local.get 0)) (local.get 1))
      (f64.add (f64.convert_i32_s (local.get 2)) (f64.promote_f32 (local.get 3)))))
  (func (export "divmod") (param i32 i32) (result i32 i32 i64 f32)
    (i32.div_u (local.get 0) (local.get 1))
    (i32.rem_u (local.get 0) (local.get 1))
    (i64.const -1)
    (f32.const 0.5))
  (func (export "nothing"))
  (func (export "refs") (param externref funcref) (result funcref externref)
    (local.get 1) (local.get 0))
  (func (export "nan") (result f32 f64 f64)
    (f32.const nan) (f64.const -nan) (f64.const nan:0x4)))"#;

#[test]
fn prints_results_of_each_type() {
    let file = module("values", VALUES);
    let cases: &[(&str, &[&str], &str)] = &[
        ("i32", &["42"], "42\n"),
        ("i32", &["-7"], "-7\n"),
        ("i32", &["0xffffffff"], "-1\n"),
        ("i32", &["-0x80000000"], "-2147483648\n"),
        ("i32", &["4294967295"], "-1\n"),
        ("i64", &["-9223372036854775808"], "-9223372036854775808\n"),
        ("i64", &["0x7fffffffffffffff"], "9223372036854775807\n"),
        ("f32", &["1.5"], "1.5\n"),
        ("f32", &["-inf"], "-inf\n"),
        ("f32", &["3"], "3.0\n"),
        ("f64", &["-0.0"], "-0.0\n"),
        ("f64", &["inf"], "inf\n"),
        ("f64", &["nan"], "NaN\n"),
        ("f64", &["1e300"], "1e300\n"),
        ("f64", &["0.1"], "0.1\n"),
        ("add", &["40", "2"], "42\n"),
        ("add", &["2147483647", "1"], "-2147483648\n"),
        ("mixed", &["1", "0.5", "-3", "0.25"], "-1.25\n"),
        ("refs", &["null", "null"], "null\nnull\n"),
        ("nothing", &[], ""),
    ];
    for (name, args, expected) in cases {
        let mut all = vec![file.as_str(), "--invoke", name];
        all.extend_from_slice(args);
        assert_eq!(run_ok(&all), *expected, "{name} {args:?}");
    }
}

#[test]
fn prints_multiple_results_one_per_line() {
    let file = module("multi", VALUES);
    assert_eq!(
        run_ok(&[&file, "--invoke", "divmod", "17", "5"]),
        "3\n2\n-1\n0.5\n"
    );
    // A NaN other than the canonical one shows its bits.
    assert_eq!(
        run_ok(&[&file, "--invoke", "nan"]),
        "NaN\nNaN (bits 0xfff8000000000000)\nNaN (bits 0x7ff0000000000004)\n"
    );
}

#[test]
fn options_may_come_before_the_module() {
    let file = module("order", VALUES);
    assert_eq!(run_ok(&["--invoke", "add", &file, "-1", "-2"]), "-3\n");
}

#[test]
fn reads_binary_modules() {
    let dir = scratch("binary");
    let path = dir.join("module.wasm");
    std::fs::write(&path, wat::parse_str(VALUES).unwrap()).unwrap();
    let file = path.display().to_string();
    assert_eq!(run_ok(&[&file, "--invoke", "add", "1", "2"]), "3\n");
}

#[test]
fn a_trap_prints_its_kind_and_backtrace() {
    let file = module(
        "trap",
        r#"(module
          (func $innermost (param i32) (result i32)
            (i32.div_s (i32.const 1) (local.get 0)))
          (func $middle (param i32) (result i32)
            (i32.add (call $innermost (local.get 0)) (i32.const 1)))
          (func $outermost (export "run") (param i32) (result i32)
            (i32.mul (call $middle (local.get 0)) (i32.const 2))))"#,
    );
    assert_eq!(run_ok(&[&file, "--invoke", "run", "1"]), "4\n");
    let text = run_fails(&[&file, "--invoke", "run", "0"]);
    assert!(
        text.starts_with("error: wasm trap: integer divide by zero\nwasm backtrace:\n"),
        "{text}"
    );
    let frames: Vec<&str> = text
        .lines()
        .skip(2)
        .map(|line| line.split_once(": ").map_or(line, |(_, frame)| frame))
        .collect();
    assert_eq!(
        frames,
        [
            "<module>!innermost",
            "<module>!middle",
            "<module>!outermost"
        ],
        "{text}"
    );
}

#[test]
fn a_trap_names_the_module_when_it_has_a_name() {
    let file = module(
        "trap-named",
        r#"(module $calc (func $fail (export "fail") unreachable))"#,
    );
    let text = run_fails(&[&file, "--invoke", "fail"]);
    assert!(
        text.starts_with("error: wasm trap: unreachable\nwasm backtrace:\n"),
        "{text}"
    );
    assert!(text.contains("calc!fail"), "{text}");
}

#[test]
fn stack_overflow_is_a_trap_not_a_crash() {
    let file = module(
        "overflow",
        r#"(module (func $down (export "down") (param i64) (result i64)
              (i64.add (call $down (i64.add (local.get 0) (i64.const 1))) (i64.const 1))))"#,
    );
    let text = run_fails(&[&file, "--invoke", "down", "0"]);
    assert!(
        text.starts_with("error: wasm trap: call stack exhausted\n"),
        "{text}"
    );
    assert!(text.contains("<module>!down"), "{text}");
}

#[test]
fn without_invoke_runs_the_start_function_and_start_export() {
    // Nothing to run: nothing happens.
    let file = module("quiet", VALUES);
    assert_eq!(run_ok(&[&file]), "");
    // The start function runs while instantiating.
    let file = module(
        "start-fn",
        r#"(module (func $init unreachable) (start $init))"#,
    );
    let text = run_fails(&[&file]);
    assert!(text.starts_with("error: wasm trap: unreachable"), "{text}");
    assert!(text.contains("<module>!init"), "{text}");
    // `_start` runs after the start function, which it can see.
    let file = module(
        "start-export",
        r#"(module
          (global $ready (mut i32) (i32.const 0))
          (func $init (global.set $ready (i32.const 1)))
          (start $init)
          (func $main (export "_start")
            (if (i32.eqz (global.get $ready)) (then unreachable))
            (drop (i32.div_u (i32.const 1) (i32.const 0)))))"#,
    );
    let text = run_fails(&[&file]);
    assert!(
        text.starts_with("error: wasm trap: integer divide by zero"),
        "{text}"
    );
    // A `_start` that needs arguments is not called.
    let file = module(
        "start-params",
        r#"(module (func (export "_start") (param i32) unreachable))"#,
    );
    assert_eq!(run_ok(&[&file]), "");
}

#[test]
fn wrong_argument_count() {
    let file = module("count", VALUES);
    let text = run_fails(&[&file, "--invoke", "add", "1"]);
    assert!(text.contains("`add` takes 2 arguments"), "{text}");
    assert!(text.contains("(param i32 i32)"), "{text}");
    assert!(text.contains("1 given"), "{text}");
    let text = run_fails(&[&file, "--invoke", "nothing", "1"]);
    assert!(text.contains("`nothing` takes 0 arguments"), "{text}");
    let text = run_fails(&[&file, "1", "2"]);
    assert!(text.contains("without --invoke"), "{text}");
}

#[test]
fn wrong_argument_types() {
    let file = module("types", VALUES);
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "add",
            &["1", "x"],
            "parameter 1 of `add` is not a valid i32",
        ),
        (
            "add",
            &["1.5", "1"],
            "parameter 0 of `add` is not a valid i32",
        ),
        (
            "i32",
            &["4294967296"],
            "parameter 0 of `i32` is not a valid i32",
        ),
        ("i32", &["-2147483649"], "out of range"),
        ("i64", &["0x"], "parameter 0 of `i64` is not a valid i64"),
        (
            "mixed",
            &["1", "2", "3", "four"],
            "parameter 3 of `mixed` is not a valid f32",
        ),
        (
            "mixed",
            &["1", "half", "3", "4"],
            "parameter 1 of `mixed` is not a valid f64",
        ),
        (
            "refs",
            &["0", "null"],
            "parameter 0 of `refs` is not a valid externref",
        ),
        (
            "refs",
            &["null", "1"],
            "parameter 1 of `refs` is not a valid funcref",
        ),
    ];
    for (name, args, expected) in cases {
        let mut all = vec![file.as_str(), "--invoke", name];
        all.extend_from_slice(args);
        let text = run_fails(&all);
        assert!(text.contains(expected), "{name} {args:?}: {text}");
    }
}

#[test]
fn unknown_export_lists_the_exported_functions() {
    let file = module(
        "unknown",
        r#"(module (memory (export "memory") 1)
          (func (export "alpha") (param i32) (result i64) (i64.const 0))
          (func (export "beta")))"#,
    );
    let text = run_fails(&[&file, "--invoke", "gamma"]);
    assert!(text.contains("no export named `gamma`"), "{text}");
    assert!(
        text.contains("alpha: (func (param i32) (result i64))"),
        "{text}"
    );
    assert!(text.contains("beta: (func)"), "{text}");
    assert!(!text.contains("memory:"), "{text}");
    let text = run_fails(&[&file, "--invoke", "memory"]);
    assert!(
        text.contains("export `memory` is a memory, not a function"),
        "{text}"
    );
    assert!(text.contains("alpha"), "{text}");

    let file = module("no-funcs", r#"(module (memory (export "memory") 1))"#);
    let text = run_fails(&[&file, "--invoke", "main"]);
    assert!(text.contains("exports no functions"), "{text}");
}

const IMPORTS: &str = r#"(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "now" (func $now (result i64)))
  (func $quiet (export "quiet") (result i32) (i32.const 5))
  (func $chatty (export "chatty") (call $log (i32.const 1))))"#;

#[test]
fn imports_are_listed_as_an_error() {
    let file = module("imports", IMPORTS);
    let text = run_fails(&[&file, "--invoke", "quiet"]);
    assert!(text.contains("imports 2 items"), "{text}");
    assert!(text.contains("`env`.`log`: (func (param i32))"), "{text}");
    assert!(text.contains("`env`.`now`: (func (result i64))"), "{text}");
    assert!(text.contains("--trap-unknown-imports"), "{text}");
}

#[test]
fn trap_unknown_imports_defines_trapping_functions() {
    let file = module("trap-imports", IMPORTS);
    assert_eq!(
        run_ok(&[&file, "--trap-unknown-imports", "--invoke", "quiet"]),
        "5\n"
    );
    let text = run_fails(&[&file, "--trap-unknown-imports", "--invoke", "chatty"]);
    assert!(
        text.starts_with(
            "error: wasm trap: host function failed: unknown import `env`.`log` was called"
        ),
        "{text}"
    );
}

#[test]
fn trap_unknown_imports_still_rejects_other_imports() {
    let file = module(
        "other-imports",
        r#"(module
          (import "env" "memory" (memory 1))
          (import "env" "f" (func))
          (import "env" "g" (global i32))
          (func (export "main")))"#,
    );
    let text = run_fails(&[&file, "--trap-unknown-imports", "--invoke", "main"]);
    assert!(text.contains("2 items that are not functions"), "{text}");
    assert!(text.contains("`env`.`memory`: (memory 1)"), "{text}");
    assert!(text.contains("`env`.`g`: (global i32)"), "{text}");
    assert!(!text.contains("`env`.`f`"), "{text}");
}

#[test]
fn invalid_and_missing_modules() {
    let dir = scratch("invalid");
    let path = dir.join("bad.wasm");
    std::fs::write(&path, b"\0asm\x01\0\0\0\x01\x05\x01\x60\0\x01").unwrap();
    let text = run_fails(&[&path.display().to_string()]);
    assert!(text.contains("cannot compile"), "{text}");
    assert!(text.contains("invalid module at offset"), "{text}");

    let path = dir.join("bad.wat");
    std::fs::write(&path, "(module (func (result i32) i64.const 1))").unwrap();
    let text = run_fails(&[&path.display().to_string()]);
    assert!(text.contains("type mismatch"), "{text}");

    let path = dir.join("syntax.wat");
    std::fs::write(&path, "(module (func (oops)))").unwrap();
    let text = run_fails(&[&path.display().to_string()]);
    assert!(text.contains("syntax.wat"), "{text}");

    let text = run_fails(&[&dir.join("missing.wasm").display().to_string()]);
    assert!(text.contains("missing.wasm"), "{text}");

    let path = dir.join("component.wat");
    std::fs::write(&path, "(component)").unwrap();
    let text = run_fails(&[&path.display().to_string()]);
    assert!(text.contains("is a component"), "{text}");
}

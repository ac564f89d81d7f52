//! `weft run` on modules and components written for each case: results
//! of every type (components' in WAVE), traps with their backtraces,
//! argument errors, exports and imports.

use std::process::{Command, Output};

#[path = "../../runtime/tests/common/scratch.rs"]
mod scratch;

use scratch::Scratch;

/// A fresh scratch directory for one test, removed when dropped.
fn scratch(name: &str) -> Scratch {
    Scratch::new("run", name)
}

/// Writes `wat` to `<test>/module.wat`: the scratch directory, which must
/// be kept as long as the file is used, and the file's path.
fn module(test: &str, wat: &str) -> (Scratch, String) {
    let dir = scratch(test);
    let path = dir.join("module.wat");
    std::fs::write(&path, wat).expect("write module");
    (dir, path.display().to_string())
}

/// Runs `weft` without the compile cache (`compile_command.rs` tests it),
/// so tests leave nothing in the user's cache.
fn weft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .env("WEFT_NO_CACHE", "1")
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
    let (_dir, file) = module("values", VALUES);
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
    let (_dir, file) = module("multi", VALUES);
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
    let (_dir, file) = module("order", VALUES);
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
    let (_dir, file) = module(
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
    let (_dir, file) = module(
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
    let (_dir, file) = module(
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
    let (_dir, file) = module("quiet", VALUES);
    assert_eq!(run_ok(&[&file]), "");
    // The start function runs while instantiating.
    let (_dir, file) = module(
        "start-fn",
        r#"(module (func $init unreachable) (start $init))"#,
    );
    let text = run_fails(&[&file]);
    assert!(text.starts_with("error: wasm trap: unreachable"), "{text}");
    assert!(text.contains("<module>!init"), "{text}");
    // `_start` runs after the start function, which it can see.
    let (_dir, file) = module(
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
    let (_dir, file) = module(
        "start-params",
        r#"(module (func (export "_start") (param i32) unreachable))"#,
    );
    assert_eq!(run_ok(&[&file]), "");
}

#[test]
fn wrong_argument_count() {
    let (_dir, file) = module("count", VALUES);
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
    let (_dir, file) = module("types", VALUES);
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
    let (_dir, file) = module(
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

    let (_dir, file) = module("no-funcs", r#"(module (memory (export "memory") 1))"#);
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
    let (_dir, file) = module("imports", IMPORTS);
    let text = run_fails(&[&file, "--invoke", "quiet"]);
    assert!(text.contains("imports 2 items"), "{text}");
    assert!(text.contains("`env`.`log`: (func (param i32))"), "{text}");
    assert!(text.contains("`env`.`now`: (func (result i64))"), "{text}");
    assert!(text.contains("--trap-unknown-imports"), "{text}");
}

#[test]
fn trap_unknown_imports_defines_trapping_functions() {
    let (_dir, file) = module("trap-imports", IMPORTS);
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
    let (_dir, file) = module(
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
    std::fs::write(
        &path,
        "(component (core module (func (result i32) i64.const 1)))",
    )
    .unwrap();
    let text = run_fails(&[&path.display().to_string()]);
    assert!(text.contains("cannot compile"), "{text}");
    assert!(text.contains("type mismatch"), "{text}");
}

// Components.

/// A component with a bump allocator and functions over every kind of
/// value. `echo-person` takes a record of more than 16 flat values, so
/// the argument arrives in memory by pointer and the result leaves the
/// same way: returning the pointer echoes the record.
const CALC: &str = r#"(component
  (core module $m
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 1024))
    (func $realloc (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $ptr i32)
      (local.set $ptr
        (i32.and
          (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
          (i32.xor (i32.sub (local.get 2) (i32.const 1)) (i32.const -1))))
      (global.set $next (i32.add (local.get $ptr) (local.get 3)))
      (local.get $ptr))
    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1)))
    (func (export "div") (param i32 i32) (result i32)
      (i32.div_u (local.get 0) (local.get 1)))
    (func $fail (export "fail") unreachable)
    (func (export "id-i32") (param i32) (result i32) (local.get 0))
    (func (export "id-i64") (param i64) (result i64) (local.get 0))
    (func (export "id-f32") (param f32) (result f32) (local.get 0))
    (func (export "id-f64") (param f64) (result f64) (local.get 0))
    (func (export "nothing"))
    (func (export "add-self") (param i32) (result i32)
      (i32.add (local.get 0) (local.get 0)))
    ;; greet(name) = "hello, " ++ name ++ "!"
    (data (i32.const 0) "hello, ")
    (func (export "greet") (param $ptr i32) (param $len i32) (result i32)
      (local $out i32) (local $ret i32)
      (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1)
        (i32.add (local.get $len) (i32.const 8))))
      (memory.copy (local.get $out) (i32.const 0) (i32.const 7))
      (memory.copy (i32.add (local.get $out) (i32.const 7)) (local.get $ptr) (local.get $len))
      (i32.store8 (i32.add (local.get $out) (i32.add (local.get $len) (i32.const 7)))
        (i32.const 33))
      (local.set $ret (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 8)))
      (i32.store (local.get $ret) (local.get $out))
      (i32.store offset=4 (local.get $ret) (i32.add (local.get $len) (i32.const 8)))
      (local.get $ret))
    ;; sum(xs: list<u32>) -> u64
    (func (export "sum") (param $ptr i32) (param $len i32) (result i64)
      (local $acc i64)
      (block $done
        (loop $next
          (br_if $done (i32.eqz (local.get $len)))
          (local.set $acc
            (i64.add (local.get $acc) (i64.extend_i32_u (i32.load (local.get $ptr)))))
          (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
          (local.set $len (i32.sub (local.get $len) (i32.const 1)))
          (br $next)))
      (local.get $acc))
    ;; first(xs: list<string>) -> option<string>
    (func (export "first") (param $ptr i32) (param $len i32) (result i32)
      (local $ret i32)
      (local.set $ret (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 12)))
      (if (i32.eqz (local.get $len))
        (then (i32.store8 (local.get $ret) (i32.const 0)))
        (else
          (i32.store8 (local.get $ret) (i32.const 1))
          (i32.store offset=4 (local.get $ret) (i32.load (local.get $ptr)))
          (i32.store offset=8 (local.get $ret) (i32.load offset=4 (local.get $ptr)))))
      (local.get $ret))
    ;; checked-div(a, b) -> result<u32, string>
    (data (i32.const 16) "division by zero")
    (func (export "checked-div") (param i32 i32) (result i32)
      (local $ret i32)
      (local.set $ret (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 12)))
      (if (i32.eqz (local.get 1))
        (then
          (i32.store8 (local.get $ret) (i32.const 1))
          (i32.store offset=4 (local.get $ret) (i32.const 16))
          (i32.store offset=8 (local.get $ret) (i32.const 16)))
        (else
          (i32.store8 (local.get $ret) (i32.const 0))
          (i32.store offset=4 (local.get $ret) (i32.div_u (local.get 0) (local.get 1)))))
      (local.get $ret))
    (func (export "echo-pointer") (param i32) (result i32) (local.get 0)))
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "realloc" (core func $realloc))

  (type $perms' (flags "read" "write" "exec"))
  (export $perms "perms" (type $perms'))
  (type $color' (enum "red" "green" "blue"))
  (export $color "color" (type $color'))
  (type $shape' (variant (case "circle" f64) (case "rect" (tuple f64 f64)) (case "point")))
  (export $shape "shape" (type $shape'))
  (type $person' (record
    (field "name" string)
    (field "age" u8)
    (field "tags" (list string))
    (field "email" (option string))
    (field "score" (result u32 (error string)))
    (field "shape" $shape)
    (field "perms" $perms)
    (field "color" $color)
    (field "nick" (option string))))
  (export $person "person" (type $person'))

  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "add")))
  (func (export "div") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "div")))
  (func (export "fail") (canon lift (core func $i "fail")))
  (func (export "nothing") (canon lift (core func $i "nothing")))
  (func (export "echo-bool") (param "x" bool) (result bool)
    (canon lift (core func $i "id-i32")))
  (func (export "echo-s8") (param "x" s8) (result s8) (canon lift (core func $i "id-i32")))
  (func (export "echo-u16") (param "x" u16) (result u16) (canon lift (core func $i "id-i32")))
  (func (export "echo-s64") (param "x" s64) (result s64) (canon lift (core func $i "id-i64")))
  (func (export "echo-f32") (param "x" f32) (result f32) (canon lift (core func $i "id-f32")))
  (func (export "echo-f64") (param "x" f64) (result f64) (canon lift (core func $i "id-f64")))
  (func (export "echo-char") (param "c" char) (result char) (canon lift (core func $i "id-i32")))
  (func (export "echo-perms") (param "p" $perms) (result $perms)
    (canon lift (core func $i "id-i32")))
  (func (export "echo-color") (param "c" $color) (result $color)
    (canon lift (core func $i "id-i32")))
  (func (export "greet") (param "name" string) (result string)
    (canon lift (core func $i "greet") (memory $mem) (realloc $realloc)))
  (func (export "sum") (param "xs" (list u32)) (result u64)
    (canon lift (core func $i "sum") (memory $mem) (realloc $realloc)))
  (func (export "first") (param "xs" (list string)) (result (option string))
    (canon lift (core func $i "first") (memory $mem) (realloc $realloc)))
  (func (export "checked-div") (param "a" u32) (param "b" u32) (result (result u32 (error string)))
    (canon lift (core func $i "checked-div") (memory $mem) (realloc $realloc)))
  (func (export "echo-person") (param "p" $person) (result $person)
    (canon lift (core func $i "echo-pointer") (memory $mem) (realloc $realloc)))

  (func $double (param "x" s32) (result s32) (canon lift (core func $i "add-self")))
  (func $hello (param "name" string) (result string)
    (canon lift (core func $i "greet") (memory $mem) (realloc $realloc)))
  (instance $ops (export "double" (func $double)))
  (export "ops" (instance $ops))
  (instance $text (export "hello" (func $hello)))
  (export "my:words/text@1.0.0" (instance $text)))"#;

/// Writes `wat` to `<test>/component.wat`: the scratch directory, which
/// must be kept as long as the file is used, and the file's path.
fn component(test: &str, wat: &str) -> (Scratch, String) {
    let dir = scratch(test);
    let path = dir.join("component.wat");
    std::fs::write(&path, wat).expect("write component");
    (dir, path.display().to_string())
}

/// `weft run FILE --invoke CALL`'s standard output.
fn invoke(file: &str, call: &str) -> String {
    run_ok(&[file, "--invoke", call])
}

#[test]
fn component_functions_take_and_return_wave_values() {
    let (_dir, file) = component("component-values", CALC);
    let cases: &[(&str, &str)] = &[
        ("add(40, 2)", "42\n"),
        ("add(4294967295, 1)", "0\n"),
        ("nothing()", ""),
        ("nothing", ""),
        ("echo-bool(true)", "true\n"),
        ("echo-bool(false)", "false\n"),
        ("echo-s8(-128)", "-128\n"),
        ("echo-u16(65535)", "65535\n"),
        ("echo-s64(-9223372036854775808)", "-9223372036854775808\n"),
        ("echo-f32(1.5)", "1.5\n"),
        ("echo-f64(-inf)", "-inf\n"),
        ("echo-f64(nan)", "nan\n"),
        ("echo-f64(0.1)", "0.1\n"),
        ("echo-char('\\u{1F44B}')", "'👋'\n"),
        ("echo-char('\\'')", "'\\''\n"),
        ("echo-perms({exec, read})", "{read, exec}\n"),
        ("echo-perms({})", "{}\n"),
        ("echo-color(green)", "green\n"),
        (r#"greet("wörld")"#, "\"hello, wörld!\"\n"),
        (
            r#"greet("say \"hi\"\n")"#,
            "\"hello, say \\\"hi\\\"\\n!\"\n",
        ),
        ("sum([1, 2, 3, 4294967295])", "4294967301\n"),
        ("sum([])", "0\n"),
        (r#"first(["a", "b"])"#, "some(\"a\")\n"),
        ("first([])", "none\n"),
        ("checked-div(7, 2)", "ok(3)\n"),
        ("checked-div(7, 0)", "err(\"division by zero\")\n"),
    ];
    for (call, expected) in cases {
        assert_eq!(invoke(&file, call), *expected, "{call}");
    }
}

#[test]
fn component_records_and_variants_round_trip() {
    let (_dir, file) = component("component-record", CALC);
    let person = r#"{name: "ada", age: 36, tags: ["math", "engines"], email: some("ada@example.org"), score: err("none yet"), shape: rect((1.5, 2)), perms: {read, write}, color: blue}"#;
    // The option field left out is written as none (and so left out).
    assert_eq!(
        invoke(&file, &format!("echo-person({person})")),
        format!("{person}\n")
    );
    let other = r#"{nick: some("bo"), color: red, perms: {}, shape: point, score: ok(7), age: 0, tags: [], name: ""}"#;
    assert_eq!(
        invoke(&file, &format!("echo-person({other})")),
        "{name: \"\", age: 0, tags: [], score: ok(7), shape: point, perms: {}, color: red, nick: some(\"bo\")}\n"
    );
}

#[test]
fn component_interface_functions_by_short_and_full_name() {
    let (_dir, file) = component("component-interfaces", CALC);
    for call in ["ops.double(21)", "ops#double(21)", "double(21)"] {
        assert_eq!(invoke(&file, call), "42\n", "{call}");
    }
    for call in [
        "my:words/text@1.0.0#hello(\"you\")",
        "my:words/text@1.0.0.hello(\"you\")",
        "my:words/text.hello(\"you\")",
        "text.hello(\"you\")",
        "text#hello(\"you\")",
        "hello(\"you\")",
    ] {
        assert_eq!(invoke(&file, call), "\"hello, you!\"\n", "{call}");
    }
}

#[test]
fn component_traps_are_reported() {
    let (_dir, file) = component("component-trap", CALC);
    assert_eq!(invoke(&file, "div(7, 2)"), "3\n");
    let text = run_fails(&[&file, "--invoke", "div(7, 0)"]);
    assert!(
        text.starts_with("error: wasm trap: integer divide by zero"),
        "{text}"
    );
    let text = run_fails(&[&file, "--invoke", "fail()"]);
    assert!(text.starts_with("error: wasm trap: unreachable"), "{text}");
    assert!(text.contains("!fail"), "{text}");
}

#[test]
fn component_arguments_that_do_not_fit() {
    let (_dir, file) = component("component-args", CALC);
    let cases: &[(&str, &str)] = &[
        (
            "add(1, \"x\")",
            "argument `\"x\"` for parameter `b` of `add` is not a valid u32",
        ),
        (
            "add(-1, 2)",
            "argument `-1` for parameter `a` of `add` is not a valid u32: invalid value",
        ),
        (
            "add(1)",
            "`add` takes 2 arguments (func(a: u32, b: u32) -> u32), 1 given",
        ),
        ("add(1, 2, 3)", "3 given"),
        ("add", "0 given"),
        (
            "sum([1, x])",
            "parameter `xs` of `sum` is not a valid list<u32>: invalid value type at `x`",
        ),
        (
            "echo-color(purple)",
            "parameter `c` of `echo-color` is not a valid enum { red, green, blue }: unknown case \"purple\"",
        ),
        (
            "echo-person({name: \"x\"})",
            "is not a valid record { name: string, age: u8",
        ),
        ("echo-person({name: \"x\"})", "missing field \"age\""),
        ("echo-perms({read, delete})", "unknown flag \"delete\""),
        (
            "echo-char(\"a\")",
            "parameter `c` of `echo-char` is not a valid char: invalid value type",
        ),
        ("echo-char('ab')", "invalid token at `'ab'`"),
        ("add(1, 2", "cannot read the arguments of --invoke `add(1, 2`"),
        ("add(1 2)", "at `2`"),
        ("(1, 2)", "names no function"),
    ];
    for (call, expected) in cases {
        let text = run_fails(&[&file, "--invoke", call]);
        assert!(text.contains(expected), "{call}: {text}");
    }
    // Arguments after the name belong inside the call.
    let text = run_fails(&[&file, "--invoke", "add", "1", "2"]);
    assert!(text.contains("--invoke 'add(1, 2)'"), "{text}");
}

#[test]
fn component_unknown_function_lists_the_exports() {
    let (_dir, file) = component("component-unknown", CALC);
    let text = run_fails(&[&file, "--invoke", "gamma(1)"]);
    assert!(
        text.starts_with("error: no exported function named `gamma`; exported functions:\n"),
        "{text}"
    );
    assert!(
        text.contains("\n  add: func(a: u32, b: u32) -> u32\n"),
        "{text}"
    );
    assert!(
        text.contains("\n  ops#double: func(x: s32) -> s32\n"),
        "{text}"
    );
    assert!(
        text.contains("\n  my:words/text@1.0.0#hello: func(name: string) -> string"),
        "{text}"
    );
    // Exported types are not functions.
    assert!(!text.contains("  color"), "{text}");

    let (_dir, file) = component("component-empty", "(component)");
    assert_eq!(run_ok(&[&file]), "");
    let text = run_fails(&[&file, "--invoke", "main()"]);
    assert!(
        text.contains("the component exports no functions"),
        "{text}"
    );
}

/// A component with an imported function, which only `chatty` calls, and
/// the same with an imported instance.
const IMPORTS_COMPONENT: &str = r#"(component
  (import "log" (func $log (param "message" string)))
  (core module $libc (memory (export "memory") 1))
  (core instance $libc_i (instantiate $libc))
  (alias core export $libc_i "memory" (core memory $mem))
  (core func $log_lowered (canon lower (func $log) (memory $mem)))
  (core module $m
    (import "libc" "memory" (memory 1))
    (import "host" "log" (func $log (param i32 i32)))
    (data (i32.const 0) "hi")
    (func (export "quiet") (result i32) (i32.const 5))
    (func (export "chatty") (call $log (i32.const 0) (i32.const 2))))
  (core instance $i (instantiate $m
    (with "libc" (instance $libc_i))
    (with "host" (instance (export "log" (func $log_lowered))))))
  (func (export "quiet") (result u32) (canon lift (core func $i "quiet")))
  (func (export "chatty") (canon lift (core func $i "chatty"))))"#;

const INSTANCE_IMPORT_COMPONENT: &str = r#"(component
  (import "wasi:cli/stdout@0.2.0" (instance $stdout
    (export "stream" (type $stream (sub resource)))
    (export "flush" (func))
    (export "open" (func (result (own $stream))))))
  (alias export $stdout "flush" (func $flush))
  (core func $flush_lowered (canon lower (func $flush)))
  (core module $m
    (import "host" "flush" (func $flush))
    (func (export "quiet") (result i32) (i32.const 5))
    (func (export "chatty") (call $flush)))
  (core instance $i (instantiate $m
    (with "host" (instance (export "flush" (func $flush_lowered))))))
  (func (export "quiet") (result u32) (canon lift (core func $i "quiet")))
  (func (export "chatty") (canon lift (core func $i "chatty"))))"#;

/// A component that imports a core module, which `weft run` cannot make up.
const MODULE_IMPORT_COMPONENT: &str = r#"(component
  (import "helper" (core module $h (export "f" (func (result i32)))))
  (core instance $i (instantiate $h))
  (func (export "quiet") (result u32) (canon lift (core func $i "f"))))"#;

#[test]
fn component_imports_are_an_error_naming_them() {
    let (_dir, file) = component("component-imports", IMPORTS_COMPONENT);
    let text = run_fails(&[&file, "--invoke", "quiet()"]);
    assert!(text.contains("cannot instantiate"), "{text}");
    assert!(text.contains("missing import `log`"), "{text}");
    assert!(text.contains("\n  log: func(message: string)\n"), "{text}");
    assert!(text.contains("--trap-unknown-imports"), "{text}");
    // Also without --invoke: instantiating needs the imports.
    let text = run_fails(&[&file]);
    assert!(text.contains("missing import `log`"), "{text}");
}

#[test]
fn component_trap_unknown_imports_defines_trapping_functions() {
    let (_dir, file) = component("component-trap-imports", IMPORTS_COMPONENT);
    assert_eq!(
        run_ok(&[&file, "--trap-unknown-imports", "--invoke", "quiet()"]),
        "5\n"
    );
    let text = run_fails(&[&file, "--trap-unknown-imports", "--invoke", "chatty()"]);
    assert!(
        text.starts_with("error: wasm trap: unknown import `log` was called"),
        "{text}"
    );
    // Imported instances are filled in too: their functions trap when
    // called, their resource types are host types.
    let (_dir, file) = component("component-instance-import", INSTANCE_IMPORT_COMPONENT);
    assert_eq!(
        run_ok(&[&file, "--trap-unknown-imports", "--invoke", "quiet()"]),
        "5\n"
    );
    let text = run_fails(&[&file, "--trap-unknown-imports", "--invoke", "chatty()"]);
    assert!(
        text.starts_with(
            "error: wasm trap: unknown import `wasi:cli/stdout@0.2.0#flush` was called"
        ),
        "{text}"
    );
    let text = run_fails(&[&file, "--invoke", "quiet()"]);
    assert!(
        text.contains("missing import `wasi:cli/stdout@0.2.0`"),
        "{text}"
    );
    assert!(text.contains("\n  wasi:cli/stdout@0.2.0\n"), "{text}");
}

#[test]
fn component_trap_unknown_imports_cannot_make_up_modules() {
    let (_dir, file) = component("component-module-import", MODULE_IMPORT_COMPONENT);
    let text = run_fails(&[&file, "--trap-unknown-imports", "--invoke", "quiet()"]);
    assert!(text.contains("missing import `helper`"), "{text}");
    assert!(
        text.contains("cannot provide imported modules or components"),
        "{text}"
    );
}

/// Resources: `make` hands one out, `use` takes one, and a `bomb`'s
/// destructor traps.
const RESOURCES: &str = r#"(component
  (core module $d
    (func (export "dtor") (param i32))
    (func (export "boom") (param i32) unreachable))
  (core instance $di (instantiate $d))
  (type $counter' (resource (rep i32) (dtor (core func $di "dtor"))))
  (type $bomb' (resource (rep i32) (dtor (core func $di "boom"))))
  (core func $new (canon resource.new $counter'))
  (core func $new_bomb (canon resource.new $bomb'))
  (core module $r
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "new-bomb" (func $new_bomb (param i32) (result i32)))
    (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
    (func (export "make-bomb") (param i32) (result i32) (call $new_bomb (local.get 0)))
    (func (export "use") (param i32) (result i32) (i32.const 1)))
  (core instance $ri (instantiate $r
    (with "" (instance
      (export "new" (func $new))
      (export "new-bomb" (func $new_bomb))))))
  (export $counter "counter" (type $counter'))
  (export $bomb "bomb" (type $bomb'))
  (func (export "make") (param "rep" u32) (result (own $counter))
    (canon lift (core func $ri "make")))
  (func (export "make-bomb") (param "rep" u32) (result (own $bomb))
    (canon lift (core func $ri "make-bomb")))
  (func (export "use") (param "c" (borrow $counter)) (result u32)
    (canon lift (core func $ri "use"))))"#;

#[test]
fn component_resources_are_printed_but_cannot_be_passed() {
    let (_dir, file) = component("component-resources", RESOURCES);
    assert_eq!(invoke(&file, "make(42)"), "own<resource #42>\n");
    // The owned resource is dropped after it is printed: its destructor
    // runs.
    let output = weft(&["run", &file, "--invoke", "make-bomb(7)"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(stdout(&output), "own<resource #7>\n");
    assert!(
        stderr(&output).starts_with(
            "error: cannot drop the resource `make-bomb` returned: wasm trap: unreachable"
        ),
        "{}",
        stderr(&output)
    );
    let text = run_fails(&[&file, "--invoke", "use(1)"]);
    assert!(
        text.contains(
            "`use` cannot be called from the command line: parameter `c` has type borrow<"
        ),
        "{text}"
    );
}

#[test]
fn component_binaries_run_too() {
    let dir = scratch("component-binary");
    let path = dir.join("component.wasm");
    std::fs::write(&path, wat::parse_str(CALC).unwrap()).unwrap();
    let file = path.display().to_string();
    assert_eq!(invoke(&file, "add(1, 2)"), "3\n");
}

//! The harness over small scripts written for it: every directive kind
//! passes when weft behaves, and failures are counted at their lines with
//! messages that say what went wrong.

use std::path::Path;

use weft_wast::{FileReport, WastRunner};

fn run(text: &str) -> FileReport {
    let runner = WastRunner::new().expect("engine");
    runner.run_text(Path::new("test.wast"), text)
}

/// The failures as `line: message`, for assertion messages.
fn failures(report: &FileReport) -> String {
    report
        .failures
        .iter()
        .map(|f| f.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_directive_kind_passes() {
    let report = run(r#"
(module $A
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "wide") (param i64) (result i64 f32 f64)
    (local.get 0) (f32.const 1.5) (f64.const -0))
  (func (export "nan") (result f32 f64)
    (f32.div (f32.const 0) (f32.const 0))
    (f64.div (f64.const 0) (f64.const 0)))
  (func (export "trap") unreachable)
  (func (export "div") (param i32) (result i32)
    (i32.div_s (i32.const 1) (local.get 0)))
  (func $loop (export "loop") (call $loop))
  (func (export "ext") (param externref) (result externref) (local.get 0))
  (func (export "null") (result funcref) (ref.null func))
  (global (export "g") i32 (i32.const 42))
)
(invoke "add" (i32.const 1) (i32.const 2))
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
(assert_return (invoke $A "add" (i32.const -1) (i32.const 1)) (i32.const 0))
(assert_return (invoke "wide" (i64.const -7))
  (i64.const -7) (f32.const 1.5) (f64.const -0))
(assert_return (invoke "nan") (f32.const nan:arithmetic) (f64.const nan:arithmetic))
(assert_return (invoke "add" (i32.const 2) (i32.const 2))
  (either (i32.const 3) (i32.const 4)))
(assert_return (invoke "ext" (ref.extern 7)) (ref.extern 7))
(assert_return (invoke "ext" (ref.null extern)) (ref.null extern))
(assert_return (invoke "null") (ref.null func))
(assert_return (get "g") (i32.const 42))
(assert_return (get $A "g") (i32.const 42))
(assert_trap (invoke "trap") "unreachable")
(assert_trap (invoke "div" (i32.const 0)) "integer divide by zero")
(assert_exhaustion (invoke "loop") "call stack exhausted")

(register "a" $A)
(module $B
  (import "a" "add" (func $add (param i32 i32) (result i32)))
  (import "spectest" "print_i32" (func $print (param i32)))
  (import "spectest" "global_i32" (global $g i32))
  (import "spectest" "table" (table 10 funcref))
  (import "spectest" "memory" (memory 1))
  (func (export "twice") (param i32) (result i32)
    (call $print (local.get 0))
    (call $add (local.get 0) (local.get 0)))
  (func (export "g") (result i32) (global.get $g))
)
(assert_return (invoke "twice" (i32.const 21)) (i32.const 42))
(assert_return (invoke "g") (i32.const 666))
(assert_return (invoke $A "add" (i32.const 2) (i32.const 3)) (i32.const 5))

(assert_trap (module (func $start unreachable) (start $start)) "unreachable")
(assert_trap
  (module (memory 1) (data (i32.const 65536) "x"))
  "out of bounds memory access")
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_malformed (module quote "(func (i32.nonsense))") "unknown operator")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
(assert_unlinkable (module (import "a" "missing" (func))) "unknown import")
(assert_unlinkable
  (module (import "a" "add" (func (param i64))))
  "incompatible import type")
"#);
    assert_eq!(report.failed, 0, "{}", failures(&report));
    assert_eq!(report.passed, 27);
}

#[test]
fn failures_are_counted_at_their_lines() {
    let report = run(r#"(module
  (func (export "one") (result i32) (i32.const 1))
  (func (export "trap") unreachable))
(assert_return (invoke "one") (i32.const 2))
(assert_return (invoke "one") (i64.const 1))
(assert_return (invoke "one"))
(assert_trap (invoke "one") "unreachable")
(assert_trap (invoke "trap") "integer overflow")
(assert_return (invoke "missing"))
(assert_return (invoke $nobody "one") (i32.const 1))
(assert_invalid (module (func)) "type mismatch")
(assert_return (invoke "one") (i32.const 1))
"#);
    let lines: Vec<usize> = report.failures.iter().map(|f| f.line).collect();
    assert_eq!(lines, [4, 5, 6, 7, 8, 9, 10, 11], "{}", failures(&report));
    assert_eq!((report.passed, report.failed), (2, 8));
    let messages: Vec<&str> = report.failures.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(messages[0], "result 0: expected i32 2, got i32 1");
    assert_eq!(messages[1], "result 0: expected i64 1, got i32 1");
    assert_eq!(messages[2], "expected 0 result(s), got 1: (i32 1)");
    assert_eq!(
        messages[3],
        "expected the trap \"unreachable\", but the call returned (i32 1)"
    );
    assert_eq!(
        messages[4],
        "expected the trap \"integer overflow\", got the trap \"unreachable\""
    );
    assert_eq!(
        messages[5],
        "the instance has no function export named \"missing\""
    );
    assert_eq!(messages[6], "no module named $nobody");
    assert!(messages[7].starts_with("expected the module to be invalid"));
}

#[test]
fn a_failed_module_fails_the_directives_that_use_it() {
    let report = run(r#"(module $ok (func (export "f")))
(module $bad (import "nowhere" "f" (func)))
(invoke "f")
(invoke $bad "f")
(invoke $ok "f")
"#);
    assert_eq!(
        (report.passed, report.failed),
        (2, 3),
        "{}",
        failures(&report)
    );
    assert_eq!(report.failures[0].line, 2);
    assert!(report.failures[0]
        .message
        .starts_with("the module does not instantiate"));
    assert_eq!(report.failures[1].message, "the module at line 2 failed");
    assert_eq!(report.failures[2].message, "the module at line 2 failed");
}

#[test]
fn directives_of_other_proposals_are_unsupported_failures() {
    let report = run(r#"(module)
(thread $t (module))
(wait $t)
(assert_exception (invoke "f"))
"#);
    assert_eq!(
        (report.passed, report.failed),
        (1, 3),
        "{}",
        failures(&report)
    );
    for failure in &report.failures {
        assert!(failure.message.starts_with("unsupported: "), "{failure}");
    }
    let lines: Vec<usize> = report.failures.iter().map(|f| f.line).collect();
    assert_eq!(lines, [2, 3, 4]);
}

#[test]
fn component_directives_pass() {
    let report = run(r#"
(component definition $C
  (core module $m
    (memory (export "mem") 1)
    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1)))
    (func (export "bad-char") (result i32) (i32.const 0xd800))
    (func (export "pick") (param i32) (result i32) (local.get 0)))
  (core instance $i (instantiate $m))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "add")))
  (func (export "bad-char") (result char) (canon lift (core func $i "bad-char")))
  (type $e (enum "a" "b"))
  (export $e2 "e" (type $e))
  (func (export "pick") (param "x" u32) (result $e2) (canon lift (core func $i "pick")))
)
(component instance $c $C)
(assert_return (invoke "add" (u32.const 2) (u32.const 40)) (u32.const 42))
(assert_return (invoke "pick" (u32.const 1)) (enum.const "b"))
(assert_trap (invoke "bad-char") "invalid `char` bit pattern")
(assert_trap (invoke "pick" (u32.const 2)) "invalid variant discriminant")
(component
  (import "host-return-two" (func $f (result u32)))
  (export "two" (func $f)))
(assert_return (invoke "two") (u32.const 2))
(assert_invalid (component (export "x" (func 0))) "function index out of bounds")
(assert_unlinkable
  (component (import "nowhere" (func)))
  "missing import")
"#);
    assert_eq!(
        (report.passed, report.failed),
        (10, 0),
        "{}",
        failures(&report)
    );
}

#[test]
fn the_host_resources_of_wasmtimes_harness_are_defined() {
    let report = run(r#"
(component
  (import "host" (instance $host
    (export "resource1" (type $r (sub resource)))
    (export "resource1-again" (type (eq $r)))
    (export "[constructor]resource1" (func (param "r" u32) (result (own $r))))
    (export "[static]resource1.assert" (func (param "r" (own $r)) (param "rep" u32)))
    (export "[static]resource1.drops" (func (result u32)))
    (export "[static]resource1.last-drop" (func (result u32)))
    (export "[method]resource1.simple" (func (param "self" (borrow $r)) (param "rep" u32)))))
  (alias export $host "resource1" (type $r))
  (alias export $host "[constructor]resource1" (func $ctor))
  (alias export $host "[static]resource1.assert" (func $assert))
  (alias export $host "[static]resource1.drops" (func $drops))
  (alias export $host "[static]resource1.last-drop" (func $last))
  (alias export $host "[method]resource1.simple" (func $simple))
  (core func $ctor (canon lower (func $ctor)))
  (core func $assert (canon lower (func $assert)))
  (core func $drops (canon lower (func $drops)))
  (core func $last (canon lower (func $last)))
  (core func $simple (canon lower (func $simple)))
  (core func $drop (canon resource.drop $r))
  (core module $m
    (import "" "ctor" (func $ctor (param i32) (result i32)))
    (import "" "assert" (func $assert (param i32 i32)))
    (import "" "drops" (func $drops (result i32)))
    (import "" "last" (func $last (result i32)))
    (import "" "simple" (func $simple (param i32 i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "run") (result i32)
      (local $h i32)
      (local.set $h (call $ctor (i32.const 7)))
      (call $simple (local.get $h) (i32.const 7))
      (call $drop (local.get $h))
      (call $assert (call $ctor (i32.const 9)) (i32.const 9))
      (i32.add (i32.mul (call $drops) (i32.const 100)) (call $last)))
    (func (export "wrong-rep")
      (call $assert (call $ctor (i32.const 1)) (i32.const 2))))
  (core instance $i (instantiate $m (with "" (instance
    (export "ctor" (func $ctor)) (export "assert" (func $assert))
    (export "drops" (func $drops)) (export "last" (func $last))
    (export "simple" (func $simple)) (export "drop" (func $drop))))))
  (func (export "run") (result u32) (canon lift (core func $i "run")))
  (func (export "wrong-rep") (canon lift (core func $i "wrong-rep"))))
(assert_return (invoke "run") (u32.const 107))
(assert_trap (invoke "wrong-rep") "resource rep 1 is not the expected 2")
(assert_unlinkable
  (component (import "host" (instance
    (export "resource1" (type $r (sub resource)))
    (export "resource2" (type (eq $r))))))
  "mismatched resource types")
"#);
    assert_eq!(
        (report.passed, report.failed),
        (4, 0),
        "{}",
        failures(&report)
    );
}

#[test]
fn a_script_that_does_not_parse_is_one_failure_at_its_line() {
    let report = run("(module)\n\n(assert_return (invoke \"f\") (i32.const))\n");
    assert_eq!((report.passed, report.failed), (0, 1));
    assert_eq!(report.failures[0].line, 3);
    assert!(report.failures[0]
        .message
        .starts_with("the script does not parse"));
}

#[test]
fn an_unreadable_file_is_an_error() {
    let runner = WastRunner::new().expect("engine");
    let err = runner
        .run_file(Path::new("/nonexistent/x.wast"))
        .unwrap_err();
    assert!(err
        .to_string()
        .starts_with("cannot read /nonexistent/x.wast"));
}

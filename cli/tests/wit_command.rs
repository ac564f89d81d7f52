//! `weft wit` options and error paths, on the example library's WIT and
//! on inputs made for each error.

use std::path::Path;
use std::process::{Command, Output};

#[path = "../../runtime/tests/common/scratch.rs"]
mod scratch;

use scratch::Scratch;

fn weft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .output()
        .expect("weft runs")
}

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/text-kit/wit")
        .display()
        .to_string()
}

/// A fresh scratch directory for one test, removed when dropped.
fn scratch(name: &str) -> Scratch {
    Scratch::new("cli", name)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn prints_a_package_directory() {
    let output = weft(&["wit", &example()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("package demo:text-kit@0.1.0;"), "{text}");
    assert!(text.contains("world text-kit {"), "{text}");
    assert!(
        text.contains("/// Counts words across calls."),
        "docs are kept: {text}"
    );
}

#[test]
fn world_option_keeps_only_that_world() {
    let dir = scratch("two-worlds");
    let file = dir.join("two.wit");
    std::fs::write(
        &file,
        "package t:two;\ninterface i { f: func(); }\nworld a { export i; }\nworld b { import i; }\n",
    )
    .unwrap();
    let file = file.display().to_string();

    let output = weft(&["wit", &file, "--world", "b"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("world b {") && !text.contains("world a {"),
        "{text}"
    );

    let output = weft(&["wit", &file, "--world", "c"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("no world named `c`") && message.contains("a, b"),
        "{message}"
    );

    // --abi needs one world: with two and none named, it says so.
    let output = weft(&["wit", &file, "--abi"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("several worlds"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn abi_report_shows_layouts_and_signatures() {
    let output = weft(&["wit", "--abi", &example()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let line = |prefix: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .unwrap_or_else(|| panic!("no line `{prefix}` in:\n{text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // variant shape { circle(f64), rectangle(tuple<f64, f64>), polygon(list<point>) }:
    // u8 discriminant, payload at 8, largest payload 16 -> 24; slots
    // f64|f64|i32 -> i64 and f64|i32 -> i64.
    assert_eq!(
        line("type shape"),
        "type shape size 24 align 8 flat [i32, i64, i64]"
    );
    // The shape flattens to 3 values; f64 comes back flat.
    assert_eq!(
        line("func area"),
        "func area lift (func (param i32 i64 i64) (result f64))"
    );
    // Imported: lowered; enum + string = 3 i32.
    assert_eq!(
        line("func log"),
        "func log lower (func (param i32 i32 i32))"
    );
    // A list result spills to memory: the lifted function returns a pointer.
    assert_eq!(
        line("export func words"),
        "export func words lift (func (param i32 i32 i32) (result i32)) ; results in memory"
    );
}

#[test]
fn errors_name_the_input_and_exit_with_status_1() {
    let dir = scratch("errors");
    let core = dir.join("core.wasm");
    // The smallest core module: magic and version 1.
    std::fs::write(&core, b"\0asm\x01\0\0\0").unwrap();
    let garbage = dir.join("garbage.wasm");
    std::fs::write(&garbage, b"\0asm\x0d\0\x01\0\x07garbage").unwrap();
    let binary = dir.join("binary.wit");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let missing = dir.join("missing.wit");

    let cases = [
        (core, "is a core WebAssembly module, not a component"),
        (garbage, "is not a valid component"),
        (binary, "is neither WIT text"),
        (missing, "cannot read"),
    ];
    for (path, expected) in cases {
        let path = path.display().to_string();
        let output = weft(&["wit", &path]);
        assert_eq!(output.status.code(), Some(1), "{path}: {}", stderr(&output));
        let message = stderr(&output);
        assert!(message.starts_with("error: "), "{message}");
        assert!(message.contains(&path), "{path} is not named: {message}");
        assert!(
            message.contains(expected),
            "{path}: expected `{expected}`: {message}"
        );
    }
}

//! `weft link` end to end: the three `link-*` guests (built from source,
//! componentized) linked by the `weft` binary, the result validated, its
//! WIT printed by `weft wit`, run on weft's runtime (through the API and
//! through `weft run`) with results equal to the same logic called
//! natively; `--explain`, `--export`, `--require-all`, and errors: exit
//! status 1, a message naming both sides, never a crash.

use std::path::Path;
use std::process::{Command, Output};

#[path = "../../guests/link-logic/src/lib.rs"]
#[allow(dead_code)]
mod logic;

mod common {
    #[path = "../../../linker/tests/common/guests.rs"]
    pub mod guests;
    #[path = "../../../linker/tests/common/scenario.rs"]
    pub mod scenario;
    #[path = "../../../runtime/tests/common/scratch.rs"]
    pub mod scratch;
}

use common::guests::{component, validate, INDEX, REPORT, TEXT};
use common::scenario::{scenario, Linked, Native};
use common::scratch::Scratch;

/// A fresh scratch directory holding the three guests as components:
/// `app.wasm`, `lib.wasm` and `base.wasm`; removed when dropped.
fn scratch(test: &str) -> Scratch {
    let dir = Scratch::new("link", test);
    for (file, guest) in [
        ("app.wasm", "link-app"),
        ("lib.wasm", "link-lib"),
        ("base.wasm", "link-base"),
    ] {
        std::fs::write(dir.join(file), component(guest)).expect("write input");
    }
    dir
}

/// `weft ARGS` run in `dir`.
fn weft(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .current_dir(dir)
        // `weft run` would otherwise cache in the user's cache directory.
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

fn ok(dir: &Path, args: &[&str]) -> String {
    let output = weft(dir, args);
    assert!(
        output.status.success(),
        "weft {args:?}: {}",
        stderr(&output)
    );
    stdout(&output)
}

/// `weft ARGS`, which must fail with status 1 and an error (not a crash);
/// its standard error.
fn fails(dir: &Path, args: &[&str]) -> String {
    let output = weft(dir, args);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "weft {args:?}: {text}");
    assert!(text.starts_with("error: "), "{text}");
    assert!(!text.contains("internal error"), "{text}");
    text
}

#[test]
fn weft_link_gives_a_component_that_computes_what_the_logic_does() {
    let dir = scratch("run");
    let printed = ok(
        &dir,
        &[
            "link",
            "app.wasm",
            "lib.wasm",
            "base.wasm",
            "-o",
            "out.wasm",
        ],
    );
    let bytes = std::fs::read(dir.join("out.wasm")).expect("the output was written");
    assert_eq!(
        printed,
        format!(
            "linked base.wasm, lib.wasm, app.wasm into out.wasm ({} bytes)\n  imports: none\n  exports: {REPORT}\n",
            bytes.len()
        )
    );
    validate(&bytes);
    assert_eq!(
        scenario(&mut Linked::new(&bytes, false)),
        scenario(&mut Native)
    );

    // And through `weft run`.
    let docs = ["The cat sat.", "A cat, a hat!"];
    let printed = ok(
        &dir,
        &[
            "run",
            "out.wasm",
            "--invoke",
            r#"report.describe("docs", ["The cat sat.", "A cat, a hat!"])"#,
        ],
    );
    let docs: Vec<String> = docs.iter().map(|d| d.to_string()).collect();
    let expected = logic::app::describe(&logic::app::Native, "docs", &docs);
    assert_eq!(printed.trim(), format!("{expected:?}"));
}

#[test]
fn weft_wit_shows_the_result_as_a_user_expects() {
    let dir = scratch("wit");
    ok(
        &dir,
        &[
            "link",
            "app.wasm",
            "lib.wasm",
            "base.wasm",
            "-o",
            "out.wasm",
        ],
    );
    let wit = ok(&dir, &["wit", "out.wasm"]);
    assert!(
        wit.starts_with(&format!(
            "package root:component;\n\nworld root {{\n  export {REPORT};\n}}\n"
        )),
        "{wit}"
    );
    for line in [
        "  interface report {",
        "    resource session {",
        "      constructor(name: string);",
        "      complete: func(prefix: string) -> list<line>;",
        "    analyze: func(docs: list<string>, stopwords: list<string>, n: u32) -> list<line>;",
    ] {
        assert!(wit.contains(line), "{line:?} missing from\n{wit}");
    }
    assert!(
        !wit.contains("link-lib") && !wit.contains("link-base"),
        "{wit}"
    );

    // Linking only two keeps the base's interface as an import.
    ok(&dir, &["link", "app.wasm", "lib.wasm", "-o", "two.wasm"]);
    let wit = ok(&dir, &["wit", "two.wasm"]);
    assert!(wit.contains(&format!("  import {TEXT};\n")), "{wit}");
}

#[test]
fn explain_prints_the_plan_and_writes_nothing() {
    let dir = scratch("explain");
    let plan = ok(
        &dir,
        &["link", "app.wasm", "lib.wasm", "base.wasm", "--explain"],
    );
    assert_eq!(
        plan,
        format!(
            "link plan for app.wasm, lib.wasm, base.wasm\n\
             instantiate, in this order:\n  \
             1. base.wasm (imports nothing)\n  \
             2. lib.wasm\n       \
             {TEXT}  <- base.wasm exports {TEXT}\n  \
             3. app.wasm\n       \
             {INDEX}  <- lib.wasm exports {INDEX}\n\
             imports of the result:\n  \
             (none)\n\
             exports of the result:\n  \
             {REPORT} (instance), from app.wasm\n"
        )
    );
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(files.len(), 3, "nothing written");

    let plan = ok(
        &dir,
        &[
            "link",
            "app.wasm",
            "lib.wasm",
            "--explain",
            "--export",
            INDEX,
        ],
    );
    assert!(
        plan.ends_with(&format!(
            "imports of the result:\n  {TEXT} (instance), for lib.wasm\n\
             exports of the result:\n  {INDEX} (instance), from lib.wasm\n"
        )),
        "{plan}"
    );
}

#[test]
fn export_and_require_all() {
    let dir = scratch("options");
    ok(
        &dir,
        &[
            "link",
            "app.wasm",
            "lib.wasm",
            "base.wasm",
            "-o",
            "out.wasm",
            "--export",
            REPORT,
            "--export",
            INDEX,
        ],
    );
    let wit = ok(&dir, &["wit", "out.wasm"]);
    assert!(
        wit.contains(&format!("  export {REPORT};\n  export {INDEX};\n")),
        "{wit}"
    );

    let text = fails(
        &dir,
        &[
            "link",
            "app.wasm",
            "lib.wasm",
            "-o",
            "out.wasm",
            "--require-all",
        ],
    );
    assert_eq!(
        text,
        format!("error: 1 import is satisfied by no input:\n  lib.wasm imports {TEXT}\n")
    );
    let text = fails(
        &dir,
        &[
            "link", "app.wasm", "lib.wasm", "-o", "x.wasm", "--export", "nope",
        ],
    );
    assert!(
        text.starts_with("error: no input exports nope (the inputs export: "),
        "{text}"
    );
    assert!(!dir.join("x.wasm").exists());
}

#[test]
fn errors_name_both_sides_and_exit_1() {
    let dir = scratch("errors");
    let write = |file: &str, text: &str| std::fs::write(dir.join(file), text).unwrap();
    write(
        "app.wat",
        r#"(component (import "demo:kv/store" (instance
            (export "get" (func (param "key" string) (result (option (list u8))))))))"#,
    );
    write(
        "lib.wat",
        r#"(component (import "impl" (instance $i
            (export "get" (func (param "key" string) (result (list u8))))))
          (export "demo:kv/store" (instance $i)))"#,
    );
    let text = fails(&dir, &["link", "app.wat", "lib.wat", "-o", "out.wasm"]);
    assert_eq!(
        text,
        "error: app.wat imports demo:kv/store.get: func(key: string) -> option<list<u8>>, \
         but lib.wat exports demo:kv/store.get: func(key: string) -> list<u8>\n  \
         the result: option<list<u8>> in app.wat, list<u8> in lib.wat\n"
    );
    // `--explain` checks as much as linking does.
    assert_eq!(
        fails(&dir, &["link", "app.wat", "lib.wat", "--explain"]),
        text
    );

    // A cycle.
    write(
        "a.wat",
        r#"(component (import "x:y/b" (instance)) (import "impl" (instance $i))
          (export "x:y/a" (instance $i)))"#,
    );
    write(
        "b.wat",
        r#"(component (import "x:y/a" (instance)) (import "impl" (instance $i))
          (export "x:y/b" (instance $i)))"#,
    );
    let text = fails(&dir, &["link", "a.wat", "b.wat", "-o", "out.wasm"]);
    assert!(
        text.contains("a.wat imports x:y/b from b.wat, b.wat imports x:y/a from a.wat"),
        "{text}"
    );

    // Malformed, missing, not a component.
    write("garbage.wasm", "garbage");
    let text = fails(
        &dir,
        &["link", "garbage.wasm", "app.wasm", "-o", "out.wasm"],
    );
    assert!(
        text.starts_with("error: garbage.wasm is not a WebAssembly binary"),
        "{text}"
    );
    let text = fails(
        &dir,
        &["link", "app.wasm", "missing.wasm", "-o", "out.wasm"],
    );
    assert!(
        text.starts_with("error: cannot read `missing.wasm`"),
        "{text}"
    );
    write("module.wat", "(module)");
    let text = fails(&dir, &["link", "module.wat", "-o", "out.wasm"]);
    assert!(
        text.contains("is a core WebAssembly module, not a component"),
        "{text}"
    );
    write("bad.wat", "(component (oops))");
    let text = fails(&dir, &["link", "bad.wat", "-o", "out.wasm"]);
    assert!(
        text.starts_with("error: `bad.wat` is not valid WebAssembly text"),
        "{text}"
    );
    assert!(!dir.join("out.wasm").exists());

    // No output and no `--explain` is a usage error.
    let output = weft(&dir, &["link", "app.wasm", "lib.wasm"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

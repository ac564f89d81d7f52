//! A real C program against `include/weft.h` and the static library:
//! `tests/c/smoke.c`, compiled with `cc` and run on the test component.

mod common;

use std::process::Command;

#[test]
fn the_c_smoke_program_runs() {
    let dir = common::built_libraries();
    let crate_dir = common::crate_dir();
    let work = dir.join("weft-capi-smoke");
    std::fs::create_dir_all(&work).unwrap();
    let wasm = work.join("component.wasm");
    std::fs::write(&wasm, common::component_bytes()).unwrap();
    let exe = work.join("smoke");
    let compiled = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I"])
        .arg(crate_dir.join("include"))
        .arg(crate_dir.join("tests/c/smoke.c"))
        .arg(dir.join("libweft_capi.a"))
        // What Rust's standard library needs from the system.
        .args(["-lpthread", "-ldl", "-lm", "-lrt", "-lutil", "-o"])
        .arg(&exe)
        .status()
        .expect("cc runs");
    assert!(compiled.success(), "cc failed");
    let output = Command::new(&exe).arg(&wasm).output().expect("smoke runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "smoke failed:\n{stdout}\n{stderr}");
    let expected = "\
add(2, 40) = 42
reverse(\"hello, weft\") = \"tfew ,olleh\"
boom: trap kind 1 (WEFT_TRAP_UNREACHABLE): unreachable
invalid input: kind 9 (WEFT_ERROR_INVALID_ARGUMENT)
greet(\"c\") = \"[c]\"
call_flat add(20, 22) = 42
call_flat quadruple(5) = 20
invoke_flat reverse(\"flat\") = \"talf\"
artifact: yes, wasm: no
reverse(\"precompiled\") = \"delipmocerp\"
damaged artifact: kind 12 (WEFT_ERROR_ARTIFACT)
done
";
    assert_eq!(stdout, expected, "stderr:\n{stderr}");
}

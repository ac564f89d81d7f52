//! `weft wast` over the WebAssembly 2.0 core spec test suite
//! (`../shared/testsuite/core/2.0`), run as CI and users run it: every
//! file but the SIMD ones, with zero failures.

mod common;

use std::path::PathBuf;
use std::process::Command;

/// Files not run, with the reason. Only SIMD may be left out.
fn skipped(name: &str) -> Option<&'static str> {
    name.starts_with("simd_")
        .then_some("128-bit SIMD is not compiled yet (v128 is kept in the design for it)")
}

fn suite() -> PathBuf {
    common::testsuite("core/2.0")
}

#[test]
fn core_2_0_passes_without_failures() {
    let dir = suite();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("readable suite")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "wast"))
        .collect();
    files.sort();
    let total = files.len();
    files.retain(|p| skipped(&p.file_name().unwrap().to_string_lossy()).is_none());
    assert!(files.len() >= 85, "only {} files to run", files.len());
    eprintln!("running {} of {total} files (SIMD left out)", files.len());

    let output = Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("wast")
        .args(&files)
        .output()
        .expect("weft runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let failing: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains(" failed") && !l.ends_with(" 0 failed") || l.starts_with("  "))
        .collect();
    let last = stdout.lines().last().unwrap_or_default();
    eprintln!("{last}");
    assert!(
        output.status.success() && last.ends_with(" passed, 0 failed"),
        "spec failures:\n{}\n{}",
        failing.join("\n"),
        String::from_utf8_lossy(&output.stderr)
    );
    let passed: usize = last
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert!(passed > 25_000, "only {passed} assertions ran");
}

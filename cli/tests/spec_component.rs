//! `weft wast` over the component-model test suites
//! (`../shared/testsuite/component-model`: the Component Model's own tests
//! and wasmtime's). Every file runs; a file not listed below must pass
//! with zero failures. Files needing features outside the synchronous
//! component model are listed with the reason; files weft cannot pass yet
//! are listed as work in progress, with what is missing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Files that need features outside the synchronous component model.
const OUT_OF_SCOPE: &[(&str, &str)] = &[
    ("spec/async/", "async, streams and futures (Preview 3)"),
    ("wasmtime/async/", "async, streams and futures (Preview 3)"),
    ("spec/linking/tags.wast", "core exception tags"),
    ("wasmtime/tags.wast", "core exception tags"),
    (
        "wasmtime/exceptions.wast",
        "core exceptions across components",
    ),
    (
        "spec/validation/attributes.wast",
        "the cm-implements extension",
    ),
    ("wasmtime/implements.wast", "the cm-implements extension"),
    ("wasmtime/gc/", "the cm-gc canonical option"),
    ("wasmtime/map-types.wast", "map types"),
    ("wasmtime/fixed_length_lists.wast", "fixed-length lists"),
    (
        "spec/validation/max-value-size.wast",
        "fixed-length lists and maps",
    ),
    ("wasmtime/memory64.wast", "64-bit memories"),
    (
        "wasmtime/error-context-trap-in-post-return.wast",
        "error-context",
    ),
    (
        "wasmtime/alias-region-",
        "core GC reference types in shared tables",
    ),
    (
        "wasmtime/restrictions.wast",
        "wasmtime's own restrictions on valid components",
    ),
    // wasmtime's implementation limits, not Component Model rules: the
    // Explainer allows components as root imports and exports, and
    // re-exporting an imported function.
    (
        "wasmtime/simple.wast",
        "wasmtime refuses a root-level component import (line 24) and a root-level \
         component export (line 30), which the spec allows",
    ),
    (
        "wasmtime/import.wast",
        "wasmtime refuses re-exporting an imported function (line 1), which the spec allows",
    ),
    (
        "spec/validation/kebab.wast",
        "the spec is newer than wasmparser 0.263's name rules",
    ),
    // Files mixing in-scope tests with some out of scope.
    (
        "spec/binary/binary.wast",
        "some components use async, maps, GC",
    ),
    ("spec/validation/indicies.wast", "some components use async"),
    (
        "wasmtime/modules.wast",
        "core exception tags in module types (lines 482-489)",
    ),
    ("spec/values/concat.wast", "some components use maps"),
    ("spec/values/post-return.wast", "most components use async"),
    ("spec/values/variants.wast", "some components use async"),
    (
        "spec/linking/unit.wast",
        "some components use multiple memories",
    ),
    (
        "spec/validation/instantiation.wast",
        "one component uses multiple memories",
    ),
];

/// Files weft does not pass yet, with what is missing.
const IN_PROGRESS: &[(&str, &str)] = &[];

fn listed(relative: &str) -> Option<&'static str> {
    OUT_OF_SCOPE
        .iter()
        .chain(IN_PROGRESS)
        .find(|(prefix, _)| relative.starts_with(prefix))
        .map(|(_, reason)| *reason)
}

fn suite() -> PathBuf {
    common::testsuite("component-model")
}

fn wast_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable suite") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            wast_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "wast") {
            out.push(path);
        }
    }
}

#[test]
fn component_suites_pass_except_listed_files() {
    let dir = suite();
    let mut files = Vec::new();
    wast_files(&dir, &mut files);
    files.sort();
    let relative = |p: &Path| {
        p.strip_prefix(&dir)
            .expect("inside the suite")
            .to_string_lossy()
            .replace('\\', "/")
    };
    let required: Vec<&PathBuf> = files
        .iter()
        .filter(|p| listed(&relative(p)).is_none())
        .collect();
    assert!(
        required.len() >= 20,
        "only {} files must pass",
        required.len()
    );
    eprintln!(
        "{} of {} files must pass; the rest are listed with reasons",
        required.len(),
        files.len()
    );
    let output = Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("wast")
        .args(&required)
        .output()
        .expect("weft runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    eprintln!("{last}");
    assert!(
        output.status.success() && last.ends_with(" passed, 0 failed"),
        "component suite failures:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let passed: usize = last
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert!(passed > 400, "only {passed} assertions ran");
}

/// Every listed file exists, so the lists do not rot.
#[test]
fn listed_files_exist() {
    let dir = suite();
    for (prefix, _) in OUT_OF_SCOPE.iter().chain(IN_PROGRESS) {
        let path = dir.join(prefix);
        let exists = path.exists()
            || path
                .parent()
                .and_then(|parent| std::fs::read_dir(parent).ok())
                .is_some_and(|mut entries| {
                    let stem = path.file_name().unwrap().to_string_lossy().to_string();
                    entries.any(|e| {
                        e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with(&stem))
                    })
                });
        assert!(exists, "listed but missing: {prefix}");
    }
}

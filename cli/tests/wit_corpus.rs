//! `weft wit` over the shared WIT corpus (`../shared/testsuite/wit`), run
//! as a user runs it: the real binary, one process per input.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use weft_wit::{Features, Wit};

/// Valid inputs of `wit-parser-ui/` that weft rejects, with the reason.
const EXPECTED_REJECTIONS: &[(&str, &str)] = &[
    (
        "kinds-of-deps",
        "the corpus copy lacks `deps/e.wasm` (binary files were not copied)",
    ),
    ("multi-file", EMPTY_RECORD),
    ("types.wit", EMPTY_RECORD),
    ("union-fuzz-2.wit", EMPTY_RECORD),
    ("use-chain.wit", EMPTY_RECORD),
];

const EMPTY_RECORD: &str = "declares `record r {}`: the Component Model forbids empty records \
     (component-model/spec/validation/defined-types.wast) and wit-parser 0.263 enforces it";

fn weft_wit(input: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .arg("wit")
        .args(extra)
        .arg(input)
        .output()
        .expect("weft runs")
}

fn wit_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("readable corpus")
        .map(|e| e.expect("readable entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            wit_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "wit") {
            out.push(path);
        }
    }
}

/// The outcome of one run: `Ok(stdout)` or `Err(stderr)`, after checking
/// the run neither crashed nor failed without saying where.
fn check_run(input: &Path, output: &Output, problems: &mut Vec<String>) -> Result<String, String> {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    match output.status.code() {
        Some(0) => Ok(stdout),
        Some(1) => {
            if !stderr.starts_with("error: ") || !names_a_line(&stderr, input) {
                problems.push(format!(
                    "{}: error does not name file and line:\n{stderr}",
                    input.display()
                ));
            }
            Err(stderr)
        }
        other => {
            problems.push(format!(
                "{}: exit status {other:?} (a crash or panic):\n{stderr}",
                input.display()
            ));
            Err(stderr)
        }
    }
}

/// Whether `message` contains `FILE:LINE:` for `input` or a file below it.
fn names_a_line(message: &str, input: &Path) -> bool {
    let input = input.display().to_string();
    message.match_indices(&input).any(|(at, _)| {
        let rest = &message[at + input.len()..];
        let rest = rest.split_once(':').map_or("", |(path_tail, after)| {
            // A directory input: the error names a file below it.
            if path_tail.is_empty() || path_tail.starts_with('/') {
                after
            } else {
                ""
            }
        });
        rest.chars().next().is_some_and(|c| c.is_ascii_digit())
    })
}

/// The printed WIT parses again and prints the same: output is faithful.
fn check_round_trip(input: &Path, printed: &str, features: &Features, problems: &mut Vec<String>) {
    let reprinted = Wit::parse_with(input, printed, features).and_then(|wit| wit.to_wit_text(None));
    match reprinted {
        Ok(text) if text == printed => {}
        Ok(text) => problems.push(format!(
            "{}: printed WIT prints differently after re-parsing:\n{printed}\n---\n{text}",
            input.display()
        )),
        Err(err) => problems.push(format!(
            "{}: printed WIT does not parse: {err}\n{printed}",
            input.display()
        )),
    }
}

#[test]
fn every_wit_file_prints_or_names_file_and_line() {
    let mut files = Vec::new();
    wit_files(&common::testsuite("wit"), &mut files);
    assert!(files.len() >= 300, "only {} .wit files found", files.len());
    let mut problems = Vec::new();
    let (mut printed, mut rejected) = (0, 0);
    for file in &files {
        let output = weft_wit(file, &[]);
        match check_run(file, &output, &mut problems) {
            Ok(text) => {
                printed += 1;
                check_round_trip(file, &text, &Features::default(), &mut problems);
            }
            Err(_) => rejected += 1,
        }
    }
    eprintln!(
        "{} files: {printed} printed, {rejected} rejected",
        files.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// Runs `weft wit` as wit-parser's own UI tests load their inputs: with
/// the feature `active` on.
fn ui_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable corpus")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name != "parse-fail" && (p.is_dir() || name.ends_with(".wit") || name.ends_with(".wat"))
        })
        .collect();
    entries.sort();
    entries
}

#[test]
fn valid_wit_packages_load() {
    let dir = common::testsuite("wit/wit-parser-ui");
    let entries = ui_entries(&dir);
    assert!(entries.len() >= 60, "only {} entries found", entries.len());
    let mut problems = Vec::new();
    for entry in &entries {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let expected_to_fail = EXPECTED_REJECTIONS.iter().any(|(n, _)| *n == name);
        let output = weft_wit(entry, &["--features", "active"]);
        match (check_run(entry, &output, &mut problems), expected_to_fail) {
            (Ok(text), false) => {
                if entry.extension().is_some_and(|e| e == "wit") {
                    let active = Features {
                        enabled: vec!["active".to_string()],
                        all: false,
                    };
                    check_round_trip(entry, &text, &active, &mut problems);
                }
            }
            (Err(stderr), false) => problems.push(format!("{name}: rejected:\n{stderr}")),
            (Ok(_), true) => problems.push(format!(
                "{name}: listed in EXPECTED_REJECTIONS but now loads; remove it from the list"
            )),
            (Err(_), true) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn invalid_wit_is_rejected_with_a_location() {
    let dir = common::testsuite("wit/wit-parser-ui/parse-fail");
    let entries = ui_entries(&dir);
    assert!(entries.len() >= 100, "only {} entries found", entries.len());
    let mut problems = Vec::new();
    for entry in &entries {
        let output = weft_wit(entry, &["--features", "active"]);
        if check_run(entry, &output, &mut problems).is_ok() {
            problems.push(format!("{}: invalid WIT was accepted", entry.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

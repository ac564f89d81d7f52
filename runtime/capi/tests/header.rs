//! `include/weft.h` declares exactly the functions the library exports:
//! the header's function declarations against the dynamic symbols of the
//! built shared library (`nm -D`), both ways. (cbindgen is not available
//! offline; this keeps the hand-written header honest.)

mod common;

use std::collections::BTreeSet;
use std::process::Command;

/// The runtime's own C helpers (`vm/trap_entry.c`), which are not part of
/// the API.
const INTERNAL: &[&str] = &[
    "weft_catch_traps",
    "weft_call_trampoline",
    "weft_unwind",
    "weft_clear_cache",
];

/// The names of the functions `weft.h` declares: `weft_name(` at the
/// start of a declaration, after its return type.
fn declared() -> BTreeSet<String> {
    let header = std::fs::read_to_string(common::crate_dir().join("include/weft.h")).unwrap();
    let mut names = BTreeSet::new();
    // Declarations may span lines: join them, and drop comments.
    let mut text = String::new();
    let mut rest = header.as_str();
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = &rest[start + 2..];
        rest = &rest[rest.find("*/").map_or(rest.len(), |end| end + 2)..];
    }
    text.push_str(rest);
    for statement in text.split(';') {
        let statement = statement.trim();
        if statement.starts_with('#') || statement.starts_with("typedef") {
            continue;
        }
        let Some(open) = statement.find('(') else {
            continue;
        };
        let name = statement[..open]
            .rsplit(|c: char| c.is_whitespace() || c == '*')
            .next()
            .unwrap_or("");
        if name.starts_with("weft_") {
            names.insert(name.to_string());
        }
    }
    names
}

/// The `weft_` functions the shared library exports.
fn exported() -> BTreeSet<String> {
    let library = common::built_libraries().join("libweft_capi.so");
    let output = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&library)
        .output()
        .expect("nm runs");
    assert!(output.status.success(), "nm failed on {library:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| {
            let mut parts = line.split_whitespace();
            let (_, kind, name) = (parts.next()?, parts.next()?, parts.next()?);
            (kind == "T" && name.starts_with("weft_") && !INTERNAL.contains(&name))
                .then(|| name.to_string())
        })
        .collect()
}

#[test]
fn the_header_declares_exactly_the_exported_functions() {
    let declared = declared();
    let exported = exported();
    assert!(declared.len() > 60, "few declarations found: {declared:?}");
    let undeclared: Vec<_> = exported.difference(&declared).collect();
    let missing: Vec<_> = declared.difference(&exported).collect();
    assert!(
        undeclared.is_empty() && missing.is_empty(),
        "exported but not in weft.h: {undeclared:?}\nin weft.h but not exported: {missing:?}"
    );
}

//! Handles inside generated types, compiled by trybuild against
//! `tests/handles/wit/handles.wit` (a world of its own: every crate using
//! it implements its exported resource, which `tests/ui`'s cases do not):
//! owned and borrowed handles of exported and imported resources in
//! records, variants, options, results, lists, tuples and aliases
//! (`tests/handles/pass/*.rs`, which also deny `missing_docs`), and the
//! errors around them (`tests/handles/fail/*.rs`).

#[test]
fn handles() {
    let wit = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/handles/wit");
    std::env::set_var("WEFT_WIT", wit);
    std::env::remove_var("WEFT_WORLD");
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/handles/fail/*.rs");
    cases.pass("tests/handles/pass/*.rs");
}

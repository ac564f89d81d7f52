//! `#[weft::export]` and `weft::world!` as guests use them, compiled by
//! trybuild against `tests/ui/wit/ui.wit`: signatures that do not match
//! the WIT fail to compile, with the message at the Rust type or name and
//! the WIT signature shown (`tests/ui/*.stderr`); correct ones compile,
//! and the generated types work on the host (`tests/pass/*.rs`).

#[test]
fn ui() {
    // The cases compile in a crate trybuild makes elsewhere: point the
    // macros at the cases' WIT.
    let wit = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/wit");
    std::env::set_var("WEFT_WIT", wit);
    std::env::remove_var("WEFT_WORLD");
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
    cases.pass("tests/pass/*.rs");
}

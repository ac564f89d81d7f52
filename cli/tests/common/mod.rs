//! Shared by the conformance tests: where the test suites are.

use std::path::{Path, PathBuf};

/// The folder `sub` of the shared test suites (`../shared/testsuite`, or
/// `$WEFT_TESTSUITE`), which must exist.
pub fn testsuite(sub: &str) -> PathBuf {
    let root = match std::env::var_os("WEFT_TESTSUITE") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testsuite"),
    };
    let dir = root.join(sub);
    assert!(
        dir.is_dir(),
        "the {sub} tests are missing: looked for {} (set WEFT_TESTSUITE)",
        dir.display()
    );
    dir
}

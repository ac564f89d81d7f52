//! Scratch directories for the tests that run `weft` on files they write.
//!
//! The tests that need it include this file on its own (with `#[path]`,
//! or in `link_command.rs`'s own `mod common`) rather than through
//! `common/mod.rs`, so that the test crates that only use
//! `common::testsuite` do not see it as dead code, nor these `testsuite`.

use std::ops::Deref;
use std::path::{Path, PathBuf};

/// A fresh, empty directory under the system's temporary one for one
/// test, removed with everything in it when dropped: when the test
/// returns, and also when a failed assertion unwinds it, so that test runs
/// leave nothing behind in the temporary directory.
///
/// Derefs to its [`Path`] (`dir.join(..)`, `&dir` where a `&Path` is
/// wanted). Whatever uses the files in it must keep the `Scratch` alive.
pub struct Scratch(PathBuf);

impl Scratch {
    /// `weft-{suite}-{pid}-{test}`: unique to the test within this test
    /// process, and to this process among those running at once. Anything
    /// already there (left by an earlier process killed before its guards
    /// ran, that had the same id) is removed first.
    pub fn new(suite: &str, test: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("weft-{suite}-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }
}

impl Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Best effort: a directory that cannot be removed must not turn a
        // passing test into a failing one (or a panic into an abort).
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

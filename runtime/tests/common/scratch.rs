//! Scratch directories under the system's temporary one, for the tests of
//! the runtime, the C API, the CLI, the macros and the WIT loader that
//! write files; each includes this file by path (`#[path = ...] mod
//! scratch;`) rather than through a `common/mod.rs`, so that tests which do
//! not use it do not see it as dead code. (The bindgen tests keep their
//! output under `CARGO_TARGET_TMPDIR` to be looked at.)

#![allow(dead_code)] // Each includer uses the constructors it needs.

use std::ops::Deref;
use std::path::{Path, PathBuf};

/// A path under the system's temporary directory for one test,
/// `weft-{suite}-{pid}-{test}` (unique among the tests of a process and
/// the processes running at once), removed with everything in it when
/// dropped: when the test returns, and also when a failed assertion unwinds
/// it, so that test runs leave nothing behind.
///
/// Derefs to its [`Path`]. Whatever uses the files in it must keep the
/// `Scratch` alive.
pub struct Scratch(PathBuf);

impl Scratch {
    /// A fresh, empty directory. Anything already there (left by an
    /// earlier process with the same id, killed before its guards ran) is
    /// removed first.
    pub fn new(suite: &str, test: &str) -> Scratch {
        let scratch = Scratch::vacant(suite, test);
        std::fs::create_dir_all(&scratch.0).expect("scratch dir");
        scratch
    }

    /// The path only, with nothing there: for code under test that makes
    /// the directory (or a file) itself.
    pub fn vacant(suite: &str, test: &str) -> Scratch {
        let path = std::env::temp_dir().join(format!("weft-{suite}-{}-{test}", std::process::id()));
        remove(&path);
        Scratch(path)
    }
}

/// Removes a directory with its contents, or a file.
fn remove(path: &Path) {
    if std::fs::remove_dir_all(path).is_err() {
        let _ = std::fs::remove_file(path);
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
        // Best effort: a path that cannot be removed must not turn a
        // passing test into a failing one (or a panic into an abort).
        remove(&self.0);
    }
}

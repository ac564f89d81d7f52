//! The outcome of a script: counts and failures.

use std::fmt;
use std::path::{Path, PathBuf};

/// What running one `.wast` script gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The script.
    pub path: PathBuf,
    /// Directives that passed.
    pub passed: usize,
    /// Directives that failed; always `failures.len()`.
    pub failed: usize,
    /// Every failure, in script order.
    pub failures: Vec<Failure>,
}

/// One failed directive (or a problem with the script as a whole, such as
/// a parse error, at the line where it was found).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The 1-based line of the directive in the script.
    pub line: usize,
    /// What went wrong.
    pub message: String,
}

impl FileReport {
    /// An empty report for `path`.
    pub fn new(path: &Path) -> Self {
        FileReport {
            path: path.to_path_buf(),
            passed: 0,
            failed: 0,
            failures: Vec::new(),
        }
    }

    /// Whether nothing failed.
    pub fn is_success(&self) -> bool {
        self.failed == 0
    }

    /// Counts one passed directive.
    pub(crate) fn pass(&mut self) {
        self.passed += 1;
    }

    /// Counts one failed directive.
    pub(crate) fn fail(&mut self, line: usize, message: impl Into<String>) {
        self.failed += 1;
        self.failures.push(Failure {
            line,
            message: message.into(),
        });
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

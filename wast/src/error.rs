//! Errors: [`WastError`] when a script cannot be run at all, and the
//! crate-internal [`Failed`], the reason one directive failed.

use std::path::PathBuf;

/// Why the harness could not run a script at all.
///
/// Problems inside a script (a parse error, a failing assertion) are not
/// errors: they are [`Failure`](crate::Failure)s in its
/// [`FileReport`](crate::FileReport).
#[derive(Debug, thiserror::Error)]
pub enum WastError {
    /// The script file could not be read (or is not UTF-8).
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// weft's engine could not be created.
    #[error("cannot create the weft engine: {0}")]
    Engine(String),
}

/// Why one directive of a script failed. Its `Display` is the message of
/// the [`Failure`](crate::Failure).
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failed {
    /// The directive, argument or result pattern is outside core
    /// WebAssembly 2.0.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// weft panicked.
    #[error("panic in weft: {0}")]
    Panic(String),
    /// The `wast` crate could not turn the module text into a binary.
    #[error("the module text does not encode: {0}")]
    Encode(String),
    /// weft rejected a module that should compile.
    #[error("the module does not compile: {0}")]
    Compile(weft_runtime::Error),
    /// Instantiating a module that should instantiate failed.
    #[error("the module does not instantiate: {0}")]
    Instantiate(weft_runtime::Error),
    /// `register` failed.
    #[error("cannot register the instance as {name:?}: {error}")]
    Register {
        /// The name it was registered under.
        name: String,
        /// weft's error.
        error: weft_runtime::Error,
    },
    /// The host could not set up the `spectest` module.
    #[error("cannot define the spectest module: {0}")]
    Spectest(weft_runtime::Error),
    /// There is no usable instance for the directive.
    #[error("{0}")]
    NoInstance(String),
    /// The instance has no export of that name and kind.
    #[error("the instance has no {kind} export named {name:?}")]
    NoExport {
        /// `function` or `global`.
        kind: &'static str,
        /// The export's name.
        name: String,
    },
    /// A call that should return failed.
    #[error("the call failed: {0}")]
    Call(weft_runtime::Error),
    /// A call returned a different number of values than expected.
    #[error("expected {expected} result(s), got {got}: {values}")]
    ResultCount {
        /// How many the script expects.
        expected: usize,
        /// How many came back.
        got: usize,
        /// The values that came back.
        values: String,
    },
    /// A returned value does not match its pattern.
    #[error("result {index}: expected {expected}, got {got}")]
    ResultMismatch {
        /// Which result (from 0).
        index: usize,
        /// The pattern, as text.
        expected: String,
        /// The value, as text.
        got: String,
    },
    /// An assert_trap or assert_exhaustion that did not trap.
    #[error("expected the trap {expected:?}, but {outcome}")]
    NoTrap {
        /// The script's trap message.
        expected: String,
        /// What happened instead.
        outcome: String,
    },
    /// A trap happened, but not the expected one.
    #[error("expected the trap {expected:?}, got the trap {got:?}")]
    WrongTrap {
        /// The script's trap message.
        expected: String,
        /// weft's trap, as text.
        got: String,
    },
    /// A module that should be rejected compiled (or, for unlinkable,
    /// instantiated).
    #[error("expected the module to be {expected} ({message:?}), but weft accepted it")]
    Accepted {
        /// `malformed`, `invalid` or `unlinkable`.
        expected: &'static str,
        /// The script's message.
        message: String,
    },
    /// A module was rejected, but in a different way than expected.
    #[error("expected the module to be {expected} ({message:?}), but got: {error}")]
    WrongError {
        /// `malformed`, `invalid` or `unlinkable`.
        expected: &'static str,
        /// The script's message.
        message: String,
        /// weft's error.
        error: weft_runtime::Error,
    },
}

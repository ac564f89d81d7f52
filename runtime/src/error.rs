//! The runtime's errors.

use crate::trap::Trap;

/// Why a module could not be compiled, linked, instantiated or run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The binary is malformed or does not validate.
    #[error("invalid module at offset {offset:#x}: {message}")]
    Invalid {
        /// What is wrong.
        message: String,
        /// Byte offset in the binary.
        offset: usize,
    },
    /// The module uses a feature weft does not run yet.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// Cranelift could not compile a function.
    #[error("cannot compile function {func}: {message}")]
    Compile {
        /// Function index.
        func: u32,
        /// Cranelift's reason.
        message: String,
    },
    /// An import is missing or has the wrong type.
    #[error("link error: {message}")]
    Link {
        /// Which import and why.
        message: String,
    },
    /// Values of the wrong type or number were passed.
    #[error("type mismatch: {message}")]
    Type {
        /// What was expected.
        message: String,
    },
    /// A resource limit was reached (memory, table, instances).
    #[error("limit reached: {0}")]
    Limit(String),
    /// A precompiled artifact is damaged, or was made by another weft
    /// build, for another CPU or with other engine settings.
    #[error("cannot load artifact: {0}")]
    Artifact(String),
    /// WebAssembly trapped.
    #[error(transparent)]
    Trap(#[from] Trap),
    /// The operating system refused memory or code space.
    #[error("system error: {0}")]
    System(#[from] std::io::Error),
}

impl Error {
    pub(crate) fn unsupported(message: impl Into<String>) -> Error {
        Error::Unsupported(message.into())
    }

    /// The trap, if this error is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        match self {
            Error::Trap(trap) => Some(trap),
            _ => None,
        }
    }
}

/// The call path carries traps boxed (see `StoreInner::call_raw`); the
/// public API unboxes them here.
impl From<Box<Trap>> for Error {
    fn from(trap: Box<Trap>) -> Error {
        Error::Trap(*trap)
    }
}

impl From<wasmparser::BinaryReaderError> for Error {
    fn from(err: wasmparser::BinaryReaderError) -> Error {
        Error::Invalid {
            message: err.message().to_string(),
            offset: usize::try_from(err.offset()).unwrap_or(usize::MAX),
        }
    }
}

//! Errors of loading WIT, each naming the file and, where the WIT text is
//! at fault, the line, column and offending source line.

use std::fmt;
use std::path::PathBuf;

/// Where in a WIT source an error was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, as it was named when loaded.
    pub file: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The source line the error points into.
    pub snippet: String,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// Why WIT could not be loaded or a world not chosen.
#[derive(Debug, thiserror::Error)]
pub enum WitError {
    /// The input could not be read.
    #[error("cannot read `{}`", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The file is neither UTF-8 text nor WebAssembly.
    #[error("`{}` is neither WIT text (it is not UTF-8) nor a WebAssembly binary", path.display())]
    NotText {
        /// The file.
        path: PathBuf,
    },
    /// The WIT is invalid: a syntax error, an unknown name, a type cycle, a
    /// missing dependency…
    #[error("{rendered}")]
    Invalid {
        /// Where the error is, when the parser could point at it.
        location: Option<Location>,
        /// What is wrong, without the location.
        message: String,
        /// The full report: message, location and the source line marked.
        rendered: String,
    },
    /// A core module was given where a component was expected.
    #[error(
        "`{}` is a core WebAssembly module, not a component (make one with `weft componentize`)",
        path.display()
    )]
    CoreModule {
        /// The file.
        path: PathBuf,
    },
    /// The binary is not a valid component or encoded WIT package.
    #[error("`{}` is not a valid component: {message}", path.display())]
    Binary {
        /// The file.
        path: PathBuf,
        /// The decoder's reason, with the byte offset where it has one.
        message: String,
    },
    /// The requested world does not exist.
    #[error(
        "no world named `{requested}` in package `{package}`; {}",
        list_worlds(available)
    )]
    WorldNotFound {
        /// The name asked for.
        requested: String,
        /// The package searched.
        package: String,
        /// The worlds it does define.
        available: Vec<String>,
    },
    /// A qualified world name (`ns:pkg/world`) could not be resolved.
    #[error("cannot select world `{requested}`: {reason}")]
    WorldSelection {
        /// The name asked for.
        requested: String,
        /// Why: no such package, no such world, an ambiguous version…
        reason: String,
    },
    /// No world was named and the package has several.
    #[error(
        "package `{package}` defines several worlds, so one must be named; {}",
        list_worlds(available)
    )]
    AmbiguousWorld {
        /// The package.
        package: String,
        /// Its worlds.
        available: Vec<String>,
    },
    /// The canonical ABI of a type or function could not be computed.
    #[error(transparent)]
    Abi(#[from] crate::abi::AbiError),
    /// The WIT could not be printed back as text.
    #[error("cannot print the WIT of package `{package}`: {message}")]
    Print {
        /// The package.
        package: String,
        /// The printer's reason.
        message: String,
    },
}

fn list_worlds(worlds: &[String]) -> String {
    if worlds.is_empty() {
        "it defines no world".to_string()
    } else {
        format!("it defines: {}", worlds.join(", "))
    }
}

impl WitError {
    /// The source location of the error, when it is in WIT text.
    pub fn location(&self) -> Option<&Location> {
        match self {
            WitError::Invalid { location, .. } => location.as_ref(),
            _ => None,
        }
    }
}

//! Why a core module could not be made into a component.

use std::fmt;

use weft_wit::abi::AbiError;

/// Why componentizing failed. `name` is the module as the caller named it
/// (a file name, typically), so that every message says which input is
/// at fault.
#[derive(Debug, thiserror::Error)]
pub enum ComponentizeError {
    /// The bytes are not WebAssembly at all.
    #[error("{name} is not a WebAssembly binary (it does not start with `\\0asm`)")]
    NotWasm {
        /// The module's name.
        name: String,
    },
    /// The input is a component already.
    #[error("{name} is already a component; componentize takes a core WebAssembly module")]
    AlreadyComponent {
        /// The module's name.
        name: String,
    },
    /// The core module is malformed or invalid.
    #[error(
        "{name} is not a valid core WebAssembly module: {message} (at byte offset {offset:#x})"
    )]
    InvalidModule {
        /// The module's name.
        name: String,
        /// Where the decoder or validator stopped.
        offset: u64,
        /// Its reason.
        message: String,
    },
    /// The module carries no `component-type` custom section, and no WIT
    /// was given: there is no world to make a component of.
    #[error(
        "{name} has no `component-type` custom section, so it does not say which WIT world it \
         implements: build it from a crate that writes `weft::world!();` (weft's guest macros) \
         or uses wit-bindgen's `generate!`, or give its WIT separately"
    )]
    NoWorld {
        /// The module's name.
        name: String,
    },
    /// A `component-type` custom section could not be decoded.
    #[error("the WIT world in the `component-type` custom sections of {name} cannot be decoded: {message}")]
    BadWorld {
        /// The module's name.
        name: String,
        /// wit-component's reason.
        message: String,
    },
    /// The WIT given to replace the module's own could not be encoded into
    /// it.
    #[error("cannot embed the given WIT world in {name}: {message}")]
    EmbedWorld {
        /// The module's name.
        name: String,
        /// wit-component's reason.
        message: String,
    },
    /// The canonical ABI of the world could not be computed.
    #[error("the WIT world of {name} has no canonical ABI")]
    Abi {
        /// The module's name.
        name: String,
        /// Why.
        #[source]
        source: AbiError,
    },
    /// The module does not implement its world: exports missing or with
    /// the wrong core signatures, `cabi_realloc` or memory missing. Every
    /// problem found is listed.
    #[error("{}", mismatch_text(name, world, problems))]
    Mismatch {
        /// The module's name.
        name: String,
        /// The world, as `ns:pkg/world`.
        world: String,
        /// What is wrong, in the world's order (at least one).
        problems: Vec<Problem>,
    },
    /// An adapter module was refused by wit-component.
    #[error("cannot use `{adapter}` as the adapter for `{module}`: {message}")]
    Adapter {
        /// The core module name the adapter stands for, such as
        /// `wasi_snapshot_preview1`.
        module: String,
        /// The adapter as the caller named it.
        adapter: String,
        /// wit-component's reason.
        message: String,
    },
    /// wit-component could not encode or validate the component.
    #[error("wit-component cannot make a component of {name}: {message}")]
    Encode {
        /// The module's name.
        name: String,
        /// wit-component's reason, with its context.
        message: String,
    },
}

fn mismatch_text(name: &str, world: &str, problems: &[Problem]) -> String {
    match problems {
        [one] => format!("{name} {one}"),
        _ => {
            let mut text = format!(
                "{name} does not implement its WIT world `{world}` ({} problems):",
                problems.len()
            );
            for problem in problems {
                text.push_str("\n  - ");
                text.push_str(&problem.to_string());
            }
            text
        }
    }
}

/// One way a core module falls short of its world. Displayed as a
/// predicate of the module: "does not implement export ...".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A WIT function the world exports has no core export.
    MissingExport {
        /// The core export name expected, such as `demo:kv/store#get`.
        export: String,
        /// The function's WIT type, such as `func(key: string) -> u32`.
        wit: String,
        /// A core export with a similar name that matches nothing, if any:
        /// probably a misspelling.
        near: Option<String>,
    },
    /// A core item has another core type than the canonical ABI gives.
    WrongSignature {
        /// What the item is.
        item: CoreItem,
        /// Its core name (for an import, `module`.`name`).
        name: String,
        /// The WIT function it stands for, as `name: func(...)`, if any.
        wit: Option<String>,
        /// The core type the canonical ABI gives.
        expected: String,
        /// The core type the module has.
        found: String,
    },
    /// The canonical ABI must allocate in the module's memory, which takes
    /// an exported `cabi_realloc`.
    MissingRealloc {
        /// The first function that needs it, and why.
        needed_by: String,
    },
    /// The canonical ABI must read or write the module's memory, which the
    /// module does not export.
    MissingMemory {
        /// The first function that needs it, and why.
        needed_by: String,
    },
}

/// The kinds of core items the checks look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoreItem {
    /// The export implementing a WIT function.
    Export,
    /// `cabi_post_<export>`, run after the caller has read the results.
    PostReturn,
    /// `<interface>#[dtor]<resource>`, an exported resource's destructor.
    Destructor,
    /// `cabi_realloc` (or one of its variants).
    Realloc,
    /// A core import standing for an imported WIT function.
    Import,
}

impl fmt::Display for CoreItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CoreItem::Export | CoreItem::Realloc => "export",
            CoreItem::PostReturn => "post-return export",
            CoreItem::Destructor => "destructor export",
            CoreItem::Import => "import",
        })
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::MissingExport { export, wit, near } => {
                write!(f, "does not implement export `{export}` ({wit})")?;
                if let Some(near) = near {
                    write!(f, "; it exports `{near}`, a misspelling?")?;
                }
                Ok(())
            }
            Problem::WrongSignature {
                item,
                name,
                wit,
                expected,
                found,
            } => {
                write!(f, "has the wrong core signature for {item} `{name}`")?;
                if let Some(wit) = wit {
                    write!(f, " (WIT `{wit}`)")?;
                }
                write!(f, ": expected `{expected}`, found `{found}`")
            }
            Problem::MissingRealloc { needed_by } => write!(
                f,
                "does not export `cabi_realloc` (func (param i32 i32 i32 i32) (result i32)), \
                 which the canonical ABI calls to allocate in its memory: {needed_by}; \
                 `weft::world!()` exports it, as does wit-bindgen with its `realloc` feature"
            ),
            Problem::MissingMemory { needed_by } => write!(
                f,
                "does not export its linear memory as `memory`, which the canonical ABI \
                 needs: {needed_by}"
            ),
        }
    }
}

//! Why components could not be linked. Every message names the inputs
//! involved by the names the caller gave them (file names, typically).

use std::fmt;

/// Why linking failed.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// No input was given.
    #[error("nothing to link: give the component whose imports to satisfy, then the components that satisfy them")]
    NoInputs,
    /// Two inputs have the same name, so messages could not tell them
    /// apart.
    #[error("{name} is given twice")]
    DuplicateInput {
        /// The name given twice.
        name: String,
    },
    /// An input is not a valid component.
    #[error("{name} {reason}")]
    Malformed {
        /// The input.
        name: String,
        /// What is wrong with it, with the byte offset where there is one.
        reason: String,
    },
    /// `require_all` is set and imports remain that no input satisfies.
    #[error("{}", unsatisfied_message(.imports))]
    Unsatisfied {
        /// Each import no input exports: the importing input and the name.
        imports: Vec<(String, String)>,
    },
    /// An import names an interface another input exports only under a
    /// version that is not semver-compatible with the one imported.
    #[error(
        "{importer} imports {import}, but {exporter} exports only {} of it, \
         which {} not semver-compatible (a version satisfies an import of the same major \
         version, of the same minor version for 0.x, or exactly for 0.0.x)",
        .exports.join(", "),
        if .exports.len() == 1 { "is" } else { "are" }
    )]
    VersionMismatch {
        /// The importing input.
        importer: String,
        /// The import's full name.
        import: String,
        /// The input exporting other versions.
        exporter: String,
        /// The versions it exports, as full names.
        exports: Vec<String>,
    },
    /// Imports and the exports that satisfy them have different types.
    #[error("{}", mismatches_message(.0))]
    Mismatch(Vec<TypeMismatch>),
    /// The inputs import from each other in a cycle.
    #[error("{}", cycle_message(.0))]
    Cycle(Vec<CycleEdge>),
    /// An export asked for is not exported by any input.
    #[error(
        "no input exports {name} (the inputs export: {})",
        if .available.is_empty() { "nothing".to_string() } else { .available.join(", ") }
    )]
    UnknownExport {
        /// The export asked for.
        name: String,
        /// Every export of the inputs.
        available: Vec<String>,
    },
    /// Two chosen exports of the result have the same name.
    #[error("{name} would be exported twice (by {first} and by {second})")]
    DuplicateExport {
        /// The name.
        name: String,
        /// The first input exporting it.
        first: String,
        /// The second.
        second: String,
    },
    /// An import no input satisfies uses a resource that an input
    /// provides: the result cannot import it (an import of a component
    /// may only use resources it imports).
    #[error(
        "{importer} imports {import}, which no input exports, but its types use the resource \
         `{resource}` that {provider} defines, so it cannot be an import of the result \
         (give an input that exports {import})"
    )]
    ImportUsesInputResource {
        /// The importing input.
        importer: String,
        /// The import.
        import: String,
        /// The resource, as the importer names it.
        resource: String,
        /// The input defining it.
        provider: String,
    },
    /// Something valid that weft's linker does not handle.
    #[error("{name}: {what} is not supported by weft link")]
    Unsupported {
        /// The input.
        name: String,
        /// What.
        what: String,
    },
    /// The linked component failed validation: a bug in weft's linker,
    /// reported rather than written out.
    #[error("the linked component is invalid (this is a bug in weft link; please report it with the inputs): {message} (at byte offset {offset:#x})")]
    InvalidOutput {
        /// wasmparser's reason.
        message: String,
        /// Where in the output.
        offset: u64,
    },
}

fn unsatisfied_message(imports: &[(String, String)]) -> String {
    let mut text = format!(
        "{} {} satisfied by no input:",
        imports.len(),
        if imports.len() == 1 {
            "import is"
        } else {
            "imports are"
        }
    );
    for (input, name) in imports {
        text.push_str(&format!("\n  {input} imports {name}"));
    }
    text
}

fn mismatches_message(mismatches: &[TypeMismatch]) -> String {
    let mut text = String::new();
    if mismatches.len() > 1 {
        text.push_str(&format!("{} type mismatches:\n", mismatches.len()));
    }
    for (n, mismatch) in mismatches.iter().enumerate() {
        if n > 0 {
            text.push('\n');
        }
        text.push_str(&mismatch.to_string());
    }
    text
}

fn cycle_message(edges: &[CycleEdge]) -> String {
    let mut text = String::from("the inputs import from each other in a cycle: ");
    for (n, edge) in edges.iter().enumerate() {
        if n > 0 {
            text.push_str(", ");
        }
        text.push_str(&format!(
            "{} imports {} from {}",
            edge.importer, edge.import, edge.exporter
        ));
    }
    if let Some(first) = edges.first() {
        text.push_str(&format!(" (and so back to {})", first.importer));
    }
    text
}

/// One step of a cycle: `importer` imports `import` from `exporter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleEdge {
    /// The importing input.
    pub importer: String,
    /// The import.
    pub import: String,
    /// The input exporting it.
    pub exporter: String,
}

/// Which two things were compared: an import and the export given for it,
/// or two inputs' imports of the same name, which become one import of
/// the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    /// The second side is an export satisfying the import.
    Export,
    /// The second side is another input's import of the same name.
    Import,
}

/// An import and what satisfies it, whose types differ: both sides as WIT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeMismatch {
    /// The importing input.
    pub importer: String,
    /// The import (an interface, or a world-level item), as imported.
    pub import: String,
    /// The input on the other side.
    pub exporter: String,
    /// The other side's name for it (its version may differ).
    pub export: String,
    /// What the other side is.
    pub against: Against,
    /// The item of the interface that differs (`get`, `index.add`), if
    /// the difference is inside an interface.
    pub item: Option<String>,
    /// The item's type in the importer, as WIT.
    pub expected: String,
    /// The item's type on the other side, as WIT; `None` when it lacks
    /// the item.
    pub found: Option<String>,
    /// Where inside the item the types part (`parameter key`, `record
    /// point, field y`), and the two parts as WIT.
    pub detail: Option<String>,
    /// Named types on the way there, as each side defines them.
    pub definitions: Vec<(String, String)>,
}

impl fmt::Display for TypeMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let qualified = |name: &str| match &self.item {
            Some(item) => format!("{name}.{item}"),
            None => name.to_string(),
        };
        let verb = match self.against {
            Against::Export => "exports",
            Against::Import => "imports",
        };
        match &self.found {
            Some(found) => write!(
                f,
                "{} imports {}: {}, but {} {verb} {}: {found}",
                self.importer,
                qualified(&self.import),
                self.expected,
                self.exporter,
                qualified(&self.export),
            )?,
            None => write!(
                f,
                "{} imports {}: {}, but the {} that {} {verb} has no `{}`",
                self.importer,
                qualified(&self.import),
                self.expected,
                self.export,
                self.exporter,
                self.item.as_deref().unwrap_or_default(),
            )?,
        }
        if let Some(detail) = &self.detail {
            write!(f, "\n  {detail}")?;
        }
        for (expected, found) in &self.definitions {
            write!(
                f,
                "\n  {}: {expected}\n  {}: {found}",
                self.importer, self.exporter
            )?;
        }
        if self.against == Against::Import {
            write!(
                f,
                "\n  (both become one import of the result, which cannot have both types)"
            )?;
        }
        Ok(())
    }
}

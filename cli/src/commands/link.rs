//! `weft link`: components → one component, the first one's imports
//! satisfied by the others' exports.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use weft_linker::Composer;

/// Arguments of `weft link`.
#[derive(Debug, clap::Args)]
pub struct LinkArgs {
    /// The components (`.wasm`, or `.wat` text): first the one whose
    /// imports to satisfy, then those that satisfy them (which may import
    /// from each other in turn).
    #[arg(required = true, value_name = "COMPONENT")]
    inputs: Vec<PathBuf>,
    /// Where to write the linked component.
    #[arg(long, short, required_unless_present = "explain")]
    output: Option<PathBuf>,
    /// Prints the plan (which import goes to which export, the order of
    /// instantiation, the imports and exports of the result) without
    /// writing anything.
    #[arg(long)]
    explain: bool,
    /// Fails if an import is satisfied by no input, instead of keeping it
    /// as an import of the result.
    #[arg(long)]
    require_all: bool,
    /// Exports NAME from the result (repeatable) instead of all of the
    /// first component's exports.
    #[arg(long, value_name = "NAME")]
    export: Vec<String>,
}

impl LinkArgs {
    /// Links the inputs and writes the result (or prints the plan).
    pub fn run(self, out: &mut dyn Write) -> anyhow::Result<()> {
        let mut composer = Composer::new();
        for path in &self.inputs {
            composer.input(display_name(path), read_component(path)?);
        }
        for name in &self.export {
            composer.export(name);
        }
        composer.require_all(self.require_all);

        if self.explain {
            let plan = composer.plan()?;
            write!(out, "{plan}")
                .and_then(|()| out.flush())
                .context("cannot write to standard output")?;
            return Ok(());
        }
        let Some(output) = &self.output else {
            bail!("no output: give `-o OUT.wasm` (or `--explain`)");
        };
        let linked = composer.link()?;
        std::fs::write(output, &linked.component)
            .with_context(|| format!("cannot write `{}`", output.display()))?;
        let unused = linked.plan.unused();
        if !unused.is_empty() {
            eprintln!(
                "warning: nothing imports from {}, so {} left out",
                unused.join(", "),
                if unused.len() == 1 {
                    "it is"
                } else {
                    "they are"
                }
            );
        }
        let list = |names: Vec<String>| {
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        };
        writeln!(
            out,
            "linked {} into {} ({} bytes)\n  imports: {}\n  exports: {}",
            linked.plan.order().join(", "),
            output.display(),
            linked.component.len(),
            list(linked.plan.imports()),
            list(linked.plan.exports()),
        )
        .and_then(|()| out.flush())
        .context("cannot write to standard output")?;
        Ok(())
    }
}

/// How messages name an input: its path as given.
fn display_name(path: &Path) -> String {
    path.display().to_string()
}

/// The component's bytes: a binary as it is, `.wat` text assembled.
fn read_component(path: &Path) -> anyhow::Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    if path.extension().is_some_and(|ext| ext == "wat") && !bytes.starts_with(b"\0asm") {
        return wat::parse_bytes(&bytes)
            .map(|binary| binary.into_owned())
            .with_context(|| format!("`{}` is not valid WebAssembly text", path.display()));
    }
    Ok(bytes)
}

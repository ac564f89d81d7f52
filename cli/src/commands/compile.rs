//! `weft compile`: compile a module or component ahead of time into an
//! artifact that `weft run` (and the C, Go and Rust APIs' `deserialize`)
//! load without compiling.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use weft_runtime::component::Component;
use weft_runtime::{Config, Engine, Module};

use super::load::{is_component, load_wasm};

/// Arguments of `weft compile`.
#[derive(Debug, clap::Args)]
pub struct CompileArgs {
    /// The module or component: a `.wasm` binary or `.wat` text.
    input: PathBuf,
    /// Where to write the artifact (default: the input's name with the
    /// extension `.weftbin`).
    #[arg(long, short)]
    output: Option<PathBuf>,
}

impl CompileArgs {
    /// Compiles the input for this machine and writes the artifact. It
    /// loads only with the same weft build, on a machine with the same CPU
    /// features, with the default engine settings.
    pub fn run(self, out: &mut dyn Write) -> anyhow::Result<()> {
        let wasm = load_wasm(&self.input)?;
        // Always compiled, never taken from the cache: the artifact is
        // the point, and compiling is what is asked.
        let engine = Engine::new(&Config::default()).context("cannot make an engine")?;
        let context = || format!("cannot compile {}", self.input.display());
        let artifact = if is_component(&wasm) {
            Component::new(&engine, &wasm)
                .with_context(context)?
                .serialize()
        } else {
            Module::new(&engine, &wasm)
                .with_context(context)?
                .serialize()
        };
        let output = self
            .output
            .unwrap_or_else(|| self.input.with_extension("weftbin"));
        std::fs::write(&output, &artifact)
            .with_context(|| format!("cannot write {}", output.display()))?;
        writeln!(out, "wrote {} ({} bytes)", output.display(), artifact.len())?;
        Ok(())
    }
}

//! `weft componentize`: a core module carrying its WIT world → a component.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use weft_linker::{ComponentizeError, Componentizer};
use weft_wit::Wit;

/// Arguments of `weft componentize`.
#[derive(Debug, clap::Args)]
pub struct ComponentizeArgs {
    /// The core module (`.wasm`, or `.wat` text), built with
    /// `weft::world!()` or wit-bindgen so that it carries its WIT world
    /// in a `component-type` custom section.
    input: PathBuf,
    /// Where to write the component [default: `<stem>.component.wasm`
    /// beside the input].
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// The WIT world the module implements, in place of its
    /// `component-type` sections: a `.wit` file, a WIT package directory
    /// or a component.
    #[arg(long, value_name = "PATH")]
    wit: Option<PathBuf>,
    /// The world of `--wit` (by name, or qualified as `ns:pkg/world`),
    /// when it holds several.
    #[arg(long, requires = "wit")]
    world: Option<String>,
    /// Satisfies the module's imports from core module NAME with a
    /// wit-component adapter, e.g.
    /// `wasi_snapshot_preview1=wasi_snapshot_preview1.reactor.wasm`
    /// (repeatable).
    #[arg(long, value_name = "NAME=PATH")]
    adapt: Vec<String>,
}

impl ComponentizeArgs {
    /// Componentizes the input and writes the component; says where on
    /// `out`, warnings on standard error.
    pub fn run(self, out: &mut dyn Write) -> anyhow::Result<()> {
        let input = &self.input;
        let name = input.display().to_string();
        let bytes = read_module(input)?;

        let mut componentizer = Componentizer::new();
        if let Some(path) = &self.wit {
            let wit = Wit::load(path)?;
            let world = wit.world(self.world.as_deref())?;
            componentizer.world(wit.resolve, world);
        }
        for adapt in &self.adapt {
            let Some((module, path)) = adapt.split_once('=') else {
                bail!("`--adapt {adapt}` is not of the form NAME=PATH (such as wasi_snapshot_preview1=adapter.wasm)");
            };
            let adapter =
                std::fs::read(path).with_context(|| format!("cannot read the adapter `{path}`"))?;
            componentizer.adapter(module, path, adapter);
        }

        let done = match componentizer.componentize(&name, &bytes) {
            Ok(done) => done,
            Err(err @ ComponentizeError::NoWorld { .. }) => {
                bail!("{err}\nhint: or pass the WIT with `--wit PATH` (and `--world NAME`)")
            }
            Err(err) => return Err(err.into()),
        };
        for warning in &done.warnings {
            eprintln!("warning: {warning}");
        }
        let output = self.output.unwrap_or_else(|| default_output(input));
        std::fs::write(&output, &done.component)
            .with_context(|| format!("cannot write `{}`", output.display()))?;
        writeln!(
            out,
            "{}: component of world `{}` written to {} ({} bytes)",
            name,
            done.world,
            output.display(),
            done.component.len()
        )
        .and_then(|()| out.flush())
        .context("cannot write to standard output")?;
        Ok(())
    }
}

/// The module's bytes: a binary as it is, `.wat` text assembled.
fn read_module(path: &Path) -> anyhow::Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    if path.extension().is_some_and(|ext| ext == "wat") && !bytes.starts_with(b"\0asm") {
        return wat::parse_bytes(&bytes)
            .map(|binary| binary.into_owned())
            .with_context(|| format!("`{}` is not valid WebAssembly text", path.display()));
    }
    Ok(bytes)
}

/// `dir/lib.wasm` → `dir/lib.component.wasm`.
fn default_output(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "module".into());
    input.with_file_name(format!("{stem}.component.wasm"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_sits_beside_the_input() {
        assert_eq!(
            default_output(Path::new("dir/lib.wasm")),
            Path::new("dir/lib.component.wasm")
        );
        assert_eq!(
            default_output(Path::new("lib.wat")),
            Path::new("lib.component.wasm")
        );
        assert_eq!(
            default_output(Path::new("a.b.wasm")),
            Path::new("a.b.component.wasm")
        );
    }
}

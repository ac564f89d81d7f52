//! `weft wit`: print resolved WIT.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use weft_wit::Wit;

/// Arguments of `weft wit`.
#[derive(Debug, clap::Args)]
pub struct WitArgs {
    /// A `.wit` file, a directory holding a WIT package (and its `deps/`),
    /// or a `.wasm` component or encoded WIT package.
    input: PathBuf,
    /// Print only this world (by name, or qualified as `ns:pkg/world`)
    /// beside the interfaces of its package.
    #[arg(long, short)]
    world: Option<String>,
}

impl WitArgs {
    /// Loads the input and prints its WIT to `out`.
    pub fn run(self, out: &mut dyn Write) -> anyhow::Result<()> {
        let wit = Wit::load(&self.input)?;
        let world = match &self.world {
            Some(name) => Some(wit.world(Some(name))?),
            None => None,
        };
        let text = wit.to_wit_text(world)?;
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .context("cannot write to standard output")?;
        Ok(())
    }
}

//! `weft wit`: print resolved WIT.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use weft_wit::abi::{world_report, AbiTable};
use weft_wit::{Features, Wit};

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
    /// Keep the `@unstable(feature = NAME)` items of these features
    /// (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    features: Vec<String>,
    /// Keep the unstable items of every feature.
    #[arg(long)]
    all_features: bool,
    /// Instead of the WIT, show the canonical ABI of the world: the size,
    /// alignment and flat core types of each type, and the core signature
    /// of each function.
    #[arg(long)]
    abi: bool,
}

impl WitArgs {
    /// Loads the input and prints its WIT to `out`.
    pub fn run(self, out: &mut dyn Write) -> anyhow::Result<()> {
        let features = Features {
            enabled: self.features,
            all: self.all_features,
        };
        let wit = Wit::load_with(&self.input, &features)?;
        let world = match &self.world {
            Some(name) => Some(wit.world(Some(name))?),
            None => None,
        };
        let text = if self.abi {
            let world = match world {
                Some(world) => world,
                None => wit.world(None)?,
            };
            let table = AbiTable::new(&wit.resolve)?;
            world_report(&wit.resolve, &table, world)?
        } else {
            wit.to_wit_text(world)?
        };
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .context("cannot write to standard output")?;
        Ok(())
    }
}

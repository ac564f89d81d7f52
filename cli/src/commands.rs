//! The subcommands.

mod wast;
mod wit;

use std::io::Write;

/// A `weft` subcommand.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print the resolved WIT of a `.wit` file, a WIT package directory or a
    /// component.
    Wit(wit::WitArgs),
    /// Run WebAssembly spec test scripts (`.wast`) on weft's runtime.
    Wast(wast::WastArgs),
}

impl Command {
    /// Runs the subcommand, writing its output to `out`.
    pub fn run(self, out: &mut dyn Write) -> anyhow::Result<()> {
        match self {
            Command::Wit(args) => args.run(out),
            Command::Wast(args) => args.run(out),
        }
    }
}

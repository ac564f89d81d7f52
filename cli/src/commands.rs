//! The subcommands.

mod bindgen;
mod compile;
mod componentize;
mod link;
mod load;
mod run;
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
    /// Run a core WebAssembly module or a component (`.wasm` or `.wat`):
    /// instantiate it and call `--invoke NAME ARGS...` (a module; else its
    /// `_start`) or `--invoke 'NAME(ARGS)'` (a component, arguments and
    /// result in WAVE), printing the results.
    Run(run::RunArgs),
    /// Compile a module or component ahead of time into an artifact
    /// (`.weftbin`) that `weft run` and the runtime APIs load without
    /// compiling, on machines like this one with the same weft build.
    Compile(compile::CompileArgs),
    /// Make a component of a core module that carries its WIT world (built
    /// with `weft::world!()` or wit-bindgen), after checking that it
    /// implements every export with the canonical ABI's core signature.
    Componentize(componentize::ComponentizeArgs),
    /// Link components into one: the first one's imports satisfied by the
    /// exports of the others (type-checked), each instantiated once, in
    /// dependency order.
    Link(link::LinkArgs),
    /// Write bindings for a WIT world in another language: `--lang python`
    /// makes a pip-installable package (with the component inside, given
    /// `--wasm`).
    Bindgen(bindgen::BindgenArgs),
}

impl Command {
    /// Runs the subcommand, writing its output to `out`.
    pub fn run(self, out: &mut dyn Write) -> anyhow::Result<()> {
        match self {
            Command::Wit(args) => args.run(out),
            Command::Wast(args) => args.run(out),
            Command::Run(args) => args.run(out),
            Command::Compile(args) => args.run(out),
            Command::Componentize(args) => args.run(out),
            Command::Link(args) => args.run(out),
            Command::Bindgen(args) => args.run(out),
        }
    }
}

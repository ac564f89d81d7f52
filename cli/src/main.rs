//! `weft`: the command line of weft. Each subcommand parses its arguments
//! and makes one call into a library crate; errors are reported here, with
//! their context, and give exit status 1.

mod commands;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// weft: universal WebAssembly libraries, described in WIT and used from
/// Python, Go and Rust.
#[derive(Debug, Parser)]
#[command(name = "weft", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: commands::Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = std::io::stdout().lock();
    match cli.command.run(&mut stdout) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = stdout.flush();
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

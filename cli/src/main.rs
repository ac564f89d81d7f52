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
    report_panics_as_bugs();
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

/// A panic is a bug in weft, never the user's fault: say so plainly.
fn report_panics_as_bugs() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!("error: internal error in weft{location}: {message}\nThis is a bug in weft; please report it with the input that caused it.");
    }));
}

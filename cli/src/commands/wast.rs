//! `weft wast`: run WebAssembly spec test scripts on weft's runtime.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use weft_wast::WastRunner;

/// Arguments of `weft wast`.
#[derive(Debug, clap::Args)]
pub struct WastArgs {
    /// The `.wast` scripts to run.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print every failure, not only the first of each file.
    #[arg(long, short)]
    verbose: bool,
}

impl WastArgs {
    /// Runs every script and prints, per file, `PATH: N passed, M failed`
    /// (with the first failure, if any, or every failure with `--verbose`),
    /// then the totals alone on the last line. Fails if any directive
    /// failed.
    pub fn run(self, out: &mut dyn Write) -> anyhow::Result<()> {
        let runner = WastRunner::new()?;
        let (mut passed, mut failed) = (0usize, 0usize);
        for path in &self.files {
            match runner.run_file(path) {
                Ok(report) => {
                    passed += report.passed;
                    failed += report.failed;
                    writeln!(
                        out,
                        "{}: {} passed, {} failed",
                        path.display(),
                        report.passed,
                        report.failed
                    )?;
                    if self.verbose {
                        for failure in &report.failures {
                            writeln!(out, "  line {}: {}", failure.line, indent(&failure.message))?;
                        }
                    } else if let Some(first) = report.failures.first() {
                        writeln!(
                            out,
                            "  first failure at line {}: {}",
                            first.line,
                            indent(&first.message)
                        )?;
                    }
                }
                Err(err) => {
                    // A script that cannot be read counts as one failure,
                    // so that it cannot go unnoticed in the totals.
                    failed += 1;
                    writeln!(out, "{}: 0 passed, 1 failed", path.display())?;
                    writeln!(out, "  {err}")?;
                }
            }
            out.flush().context("cannot write to standard output")?;
        }
        writeln!(out, "{passed} passed, {failed} failed")?;
        out.flush().context("cannot write to standard output")?;
        if failed > 0 {
            anyhow::bail!(
                "{failed} of {} spec test directives failed",
                passed + failed
            );
        }
        Ok(())
    }
}

/// A message's later lines indented under its first.
fn indent(message: &str) -> String {
    message.replace('\n', "\n    ")
}

//! [`WastRunner`]: runs whole scripts and counts their directives.

use std::path::Path;

use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::token::Span;
use wast::Wast;
use weft_runtime::{Config, Engine};

use crate::error::WastError;
use crate::guard::guard;
use crate::report::FileReport;
use crate::session::Session;

/// Runs `.wast` scripts on one weft engine. Each script gets a fresh store
/// and linker (with [`spectest`](crate::define_spectest) defined), so
/// scripts do not see each other's modules.
pub struct WastRunner {
    engine: Engine,
}

impl WastRunner {
    /// A runner on an engine with the default configuration.
    pub fn new() -> Result<Self, WastError> {
        Self::with_config(&Config::default())
    }

    /// A runner on an engine with the configuration `config`.
    pub fn with_config(config: &Config) -> Result<Self, WastError> {
        let engine = guard(|| Engine::new(config))
            .map_err(|panic| WastError::Engine(panic.to_string()))?
            .map_err(|err| WastError::Engine(err.to_string()))?;
        Ok(WastRunner { engine })
    }

    /// Runs the script in the file `path`.
    ///
    /// Only reading the file is an error; everything that goes wrong in the
    /// script is in the report.
    pub fn run_file(&self, path: &Path) -> Result<FileReport, WastError> {
        let text = std::fs::read_to_string(path).map_err(|source| WastError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(self.run_text(path, &text))
    }

    /// Runs the script `text`; `path` names it in the report.
    ///
    /// A script that does not parse is one failure, at the line of the parse
    /// error.
    pub fn run_text(&self, path: &Path, text: &str) -> FileReport {
        let mut report = FileReport::new(path);
        // The spec tests name exports with bidirectional-text controls on
        // purpose (names.wast), which the lexer rejects by default.
        let mut lexer = Lexer::new(text);
        lexer.allow_confusing_unicode(true);
        let buffer = match ParseBuffer::new_with_lexer(lexer) {
            Ok(buffer) => buffer,
            Err(err) => {
                report.fail(
                    line_of(err.span(), text),
                    format!("the script does not parse: {}", err.message()),
                );
                return report;
            }
        };
        let script = match parser::parse::<Wast<'_>>(&buffer) {
            Ok(script) => script,
            Err(err) => {
                report.fail(
                    line_of(err.span(), text),
                    format!("the script does not parse: {}", err.message()),
                );
                return report;
            }
        };

        let mut session = match Session::new(&self.engine) {
            Ok(session) => session,
            Err(failed) => {
                report.fail(1, failed.to_string());
                return report;
            }
        };
        if let Err(failed) = session.define_spectest() {
            // Modules importing from spectest will fail to link, each with
            // its own failure; the others can still run.
            report.fail(1, failed.to_string());
        }
        for directive in script.directives {
            let line = line_of(directive.span(), text);
            match session.run(directive, line) {
                Ok(()) => report.pass(),
                Err(failed) => report.fail(line, failed.to_string()),
            }
        }
        report
    }
}

/// The 1-based line of `span` in `text`.
fn line_of(span: Span, text: &str) -> usize {
    span.linecol_in(text).0 + 1
}

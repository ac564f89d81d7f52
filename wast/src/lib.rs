//! `weft-wast`: runs WebAssembly spec test scripts (`.wast` files) on weft's
//! runtime and counts what passes.
//!
//! A script is parsed with the `wast` crate; each directive (a module, a
//! `register`, an `invoke`, an assertion) is one test that passes or fails.
//! A failure is recorded with its line and the run goes on: a module that
//! failed to instantiate makes the later directives that use it fail, each
//! with a message saying why, and a panic inside weft is caught and reported
//! as a failure of the directive that caused it.
//!
//! ```no_run
//! # fn main() -> Result<(), weft_wast::WastError> {
//! let runner = weft_wast::WastRunner::new()?;
//! let report = runner.run_file("i32.wast".as_ref())?;
//! println!("{} passed, {} failed", report.passed, report.failed);
//! # Ok(())
//! # }
//! ```
//!
//! Core WebAssembly 2.0 scripts and component-model scripts run; directives
//! of other proposals (threads, exceptions, stack switching, custom-section
//! assertions) are reported as failures that say they are unsupported, so a
//! count never hides them.

mod component;
mod error;
mod expect;
mod guard;
mod report;
mod runner;
mod session;
mod spectest;
mod values;

pub use error::WastError;
pub use report::{Failure, FileReport};
pub use runner::WastRunner;
pub use spectest::define_spectest;

//! `weft-wit`: WIT for weft.
//!
//! Loads and resolves WIT (through wit-parser) from `.wit` files, package
//! directories and component binaries ([`Wit`]); computes the Component
//! Model's canonical ABI as data ([`abi`]); prints WIT back as text, and
//! single types and signatures for messages ([`text`]); and
//! names WIT items in each target language ([`names`]). It runs nothing and
//! generates no code: the runtime, the linker and the binding generators
//! build on it.

pub mod abi;
pub mod bindgen;
mod error;
mod load;
pub mod names;
mod print;
pub mod text;

pub use error::{Location, WitError};
pub use load::{Features, Wit};
pub use wit_parser;

//! The Component Model on weft's runtime. So far: component value types,
//! component values, and the canonical ABI that moves values between Rust
//! and a component's linear memory or flat core values, validating what a
//! guest hands back.

mod abi;
mod types;
mod values;

pub use abi::{LiftError, Lifter, Lowerer};
pub use types::Type;
pub use values::Val;

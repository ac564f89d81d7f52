//! `weft-linker`: from core modules to components.
//!
//! [`Componentizer`] turns a core WebAssembly module that carries its WIT
//! world in `component-type` custom sections (written by weft's
//! `weft::world!()`, or by wit-bindgen) into a component. Before anything
//! is encoded, the module is checked against its world here, so that a
//! mistake is reported in WIT's terms: every WIT export missing from the
//! module, by name and WIT signature; a core export, post-return,
//! destructor or import whose core signature is not the canonical ABI's
//! (from `weft-wit`'s [`AbiTable`](weft_wit::abi::AbiTable)), expected
//! against found; a `cabi_realloc` or memory the canonical ABI needs but
//! the module lacks. The encoding itself is wit-component's, the
//! ecosystem's reference, with its validation on.
//!
//! [`Composer`] links components (`weft link`): the first input's imports
//! satisfied by the others' exports, type-checked, in one component; see
//! [`link`].

mod check;
mod componentize;
mod error;
pub mod link;
mod module;

pub use componentize::{componentize, Componentized, Componentizer};
pub use error::{ComponentizeError, CoreItem, Problem};
pub use link::{Against, Composer, CycleEdge, LinkError, LinkPlan, Linked, TypeMismatch};

//! `weft`: write a WebAssembly component library in Rust, with its WIT as
//! the contract.
//!
//! A library crate keeps its WIT in `wit/` beside its `Cargo.toml` (or
//! names another place in `[package.metadata.weft]`, see [`world!`]),
//! writes `weft::world!();` once at its root, and marks the functions
//! that implement the world's exports with [`#[weft::export]`](export):
//!
//! ```ignore
//! weft::world!();
//!
//! #[weft::export]
//! fn reverse(s: &str) -> String {
//!     s.chars().rev().collect()
//! }
//!
//! // Every `pub fn` of the module implements a function of the exported
//! // interface `shapes`; its types are generated in `wit::shapes`.
//! #[weft::export]
//! mod shapes {
//!     use crate::wit::shapes::Point;
//!
//!     pub fn norm(p: Point) -> f64 {
//!         f64::from(p.x).hypot(f64::from(p.y))
//!     }
//! }
//! ```
//!
//! A type implements an exported resource through `#[weft::export]` on
//! its `impl` block (`pub fn new` the constructor, `&self` methods,
//! static functions). `world!` also generates the world's imported
//! functions (in `wit::<interface>` for an imported interface), which
//! call the host; an imported resource is a handle type (dropping it
//! drops the handle) with the resource's functions as methods.
//!
//! Built for `wasm32-unknown-unknown`, the crate (a `cdylib`) is a core
//! module that exports the canonical-ABI functions, `cabi_realloc` and
//! the post-return functions, and carries its WIT in the standard
//! `component-type` custom section, so that `wit-component` (or
//! `weft componentize`) turns it into a component.
//!
//! The crate is `no_std` with `alloc`. [`rt`] holds what the generated
//! code calls: lifting arguments from the guest's own linear memory and
//! lowering results into it.

#![no_std]

extern crate alloc;

pub mod rt;

pub use weft_macros::{export, world};

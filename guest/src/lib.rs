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
//! # Resources inside generated types
//!
//! An exported resource is the crate's own type everywhere, inside
//! generated types too. `world!` cannot name that type itself, so it
//! generates `wit::<interface>::Schema` as an alias that `#[weft::export]`
//! on `impl Schema` makes the crate's `Schema` (through the trait
//! [`rt::resource::Exported`], implemented for a hidden marker type of the
//! resource). A record `parsed { schema: schema, warnings: list<string> }`
//! holds the crate's `Schema` by value:
//!
//! ```ignore
//! pub struct Schema(Document);
//!
//! #[weft::export]
//! impl Schema { /* ... */ }
//!
//! #[weft::export]
//! mod graphql {
//!     use crate::wit::graphql::{Lent, Parsed};
//!     use super::Schema;
//!
//!     // Returned: the schema leaves the guest behind a new handle.
//!     pub fn parse(sdl: &str) -> Parsed {
//!         Parsed { schema: Schema(Document::parse(sdl)), warnings: vec![] }
//!     }
//!
//!     // Taken: the guest takes the value back (the handle is dropped).
//!     pub fn into_sdl(p: Parsed) -> String {
//!         p.schema.0.to_string()
//!     }
//!
//!     // `record lent { schema: borrow<schema>, depth: u32 }`: a borrow is
//!     // `&Schema`, and a type holding one takes a lifetime.
//!     pub fn depth(l: Lent<'_>) -> u32 {
//!         l.depth + l.schema.0.depth()
//!     }
//!
//!     // `tuple<borrow<schema>, u32>`, `option<borrow<schema>>`,
//!     // `list<borrow<schema>>` likewise.
//!     pub fn first(items: &[(&Schema, u32)]) -> Option<u32> {
//!         items.first().map(|(_, n)| *n)
//!     }
//! }
//! ```
//!
//! The same holds for variants, options, results, lists, tuples and
//! aliases (`type schemas = list<schema>` is `Vec<Schema>`). A borrow
//! lives for the call only: a function taking one for `'static` does not
//! compile. A crate whose generated types hold an exported resource must
//! implement it (`#[weft::export] impl Schema`), or the compiler says
//! "the exported WIT resource `schema` has no Rust type". A generated
//! record or variant holding handles is `Clone`, `Debug` or `PartialEq`
//! when what it holds is (an imported resource's handle is `Debug`
//! only; the crate's own type is what the crate makes it).
//!
//! Every generated item is documented (with the WIT documentation, or a
//! line naming the WIT item), so a crate may deny `missing_docs`.
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

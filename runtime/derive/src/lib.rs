//! Derive macros for weft-runtime's typed component API: `ComponentType`,
//! `Lower` and `Lift` for Rust types that stand for WIT records, variants,
//! enums and flags. Use them through `weft_runtime::component`, which
//! re-exports them beside the traits of the same names:
//!
//! ```ignore
//! use weft_runtime::component::{ComponentType, Lift, Lower};
//!
//! #[derive(ComponentType, Lower, Lift)]
//! #[component(record)]
//! struct Person {
//!     name: String,
//!     #[component(name = "age-in-years")]
//!     age: u8,
//! }
//!
//! #[derive(ComponentType, Lower, Lift)]
//! #[component(variant)]
//! enum Shape {
//!     Empty,
//!     Dot(u8),
//!     Label(String),
//! }
//!
//! #[derive(ComponentType, Lower, Lift)]
//! #[component(enum)]
//! enum Color {
//!     Red,
//!     Green,
//! }
//!
//! #[derive(ComponentType, Lower, Lift)]
//! #[component(flags)]
//! struct Permissions {
//!     read: bool,
//!     write: bool,
//! }
//! ```
//!
//! Field names go from snake_case and case names from CamelCase to WIT's
//! kebab-case; `#[component(name = "...")]` on a field or case gives the
//! WIT name instead. The generated code names the runtime as
//! `::weft_runtime`; `#[component(crate = "path")]` on the type changes
//! that, for crates that re-export the runtime.
//!
//! Each derive parses its input into a checked model (`ast`), reporting
//! every mistake at once at its own tokens, then generates the impl
//! (`expand`) inside an anonymous `const _` block.

mod ast;
mod ctxt;
mod expand;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

use expand::Trait;

/// Derives `ComponentType`: the canonical ABI layout (`SIZE`, `ALIGN`,
/// `FLAT`, computed at compile time from the fields' or payloads' own)
/// and the type check against a component type.
#[proc_macro_derive(ComponentType, attributes(component))]
pub fn derive_component_type(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input, Trait::ComponentType)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `Lower`: the value stored into a component's memory or
/// lowered to flat core values.
#[proc_macro_derive(Lower, attributes(component))]
pub fn derive_lower(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input, Trait::Lower)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `Lift`: the value loaded from a component's memory or lifted
/// from flat core values, every discriminant checked.
#[proc_macro_derive(Lift, attributes(component))]
pub fn derive_lift(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input, Trait::Lift)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

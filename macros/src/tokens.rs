//! Small pieces of generated code shared by the generators.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use weft_wit::abi::FlatType;

/// The Rust type of a core value type.
pub fn core_type(ty: FlatType) -> TokenStream {
    match ty {
        FlatType::I32 => quote!(i32),
        FlatType::I64 => quote!(i64),
        FlatType::F32 => quote!(f32),
        FlatType::F64 => quote!(f64),
    }
}

/// A `usize` literal for a size, alignment or offset.
pub fn usize_lit(value: u32) -> Literal {
    Literal::usize_unsuffixed(value as usize)
}

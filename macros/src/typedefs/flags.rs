//! Flags: a bitflags-style struct over the WIT layout's integer (`u8` up
//! to 8 members, `u16` up to 16, `u32` up to 32), a constant per member.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;
use weft_wit::abi::{Layout, MAX_FLAGS};
use weft_wit::names::rust as names;
use weft_wit::wit_parser::Flags;

use super::docs;
use crate::rust_types::{ident, unsupported};
use crate::tokens::usize_lit;

/// The struct for `flags` and its impls.
pub fn define(
    type_docs: &TokenStream,
    name: &Ident,
    layout: Layout,
    flags: &Flags,
) -> Result<TokenStream, String> {
    let count = flags.flags.len();
    let repr = match count {
        1..=8 => quote!(u8),
        9..=16 => quote!(u16),
        17..=MAX_FLAGS => quote!(u32),
        _ => return Err(unsupported("flags of more than 32 members")),
    };
    let consts: Vec<Ident> = flags
        .flags
        .iter()
        .map(|f| ident(&names::const_name(&f.name)))
        .collect();
    let const_docs = flags
        .flags
        .iter()
        .map(|f| docs(&f.docs, || format!("The WIT flag `{}`.", f.name)));
    let bits = (0..count as u32).map(Literal::u32_unsuffixed);
    let wit_names = flags.flags.iter().map(|f| f.name.as_str());
    let mask = Literal::u64_unsuffixed(if count == 64 {
        u64::MAX
    } else {
        (1u64 << count) - 1
    });
    let (size, align) = (usize_lit(layout.size), usize_lit(layout.align));
    Ok(quote! {
        #type_docs
        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::cmp::PartialEq, ::core::cmp::Eq, ::core::hash::Hash, ::core::default::Default)]
        pub struct #name {
            bits: #repr,
        }

        #[allow(dead_code)]
        impl #name {
            #(#const_docs pub const #consts: Self = Self { bits: 1 << #bits };)*
            const NAMES: &'static [(&'static str, Self)] = &[#((#wit_names, Self::#consts)),*];

            /// No flag set.
            pub const fn empty() -> Self {
                Self { bits: 0 }
            }
            /// Every flag set.
            pub const fn all() -> Self {
                Self { bits: #mask }
            }
            /// The flags as bits, the first flag the lowest.
            pub const fn bits(self) -> #repr {
                self.bits
            }
            /// The flags whose bits are set in `bits`; other bits are ignored.
            pub const fn from_bits_truncate(bits: #repr) -> Self {
                Self { bits: bits & #mask }
            }
            /// Whether no flag is set.
            pub const fn is_empty(self) -> bool {
                self.bits == 0
            }
            /// Whether every flag of `other` is set in `self`.
            pub const fn contains(self, other: Self) -> bool {
                self.bits & other.bits == other.bits
            }
            /// Sets the flags of `other`.
            pub fn insert(&mut self, other: Self) {
                self.bits |= other.bits;
            }
            /// Clears the flags of `other`.
            pub fn remove(&mut self, other: Self) {
                self.bits &= !other.bits;
            }
        }

        impl ::core::ops::BitOr for #name {
            type Output = Self;
            fn bitor(self, other: Self) -> Self {
                Self { bits: self.bits | other.bits }
            }
        }

        impl ::core::ops::BitOrAssign for #name {
            fn bitor_assign(&mut self, other: Self) {
                self.bits |= other.bits;
            }
        }

        impl ::core::ops::BitAnd for #name {
            type Output = Self;
            fn bitand(self, other: Self) -> Self {
                Self { bits: self.bits & other.bits }
            }
        }

        impl ::core::ops::Sub for #name {
            type Output = Self;
            fn sub(self, other: Self) -> Self {
                Self { bits: self.bits & !other.bits }
            }
        }

        impl ::core::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(::core::stringify!(#name))?;
                f.write_str("(")?;
                let mut first = true;
                for (name, flag) in Self::NAMES {
                    if self.contains(*flag) {
                        if !first {
                            f.write_str(" | ")?;
                        }
                        f.write_str(name)?;
                        first = false;
                    }
                }
                f.write_str(")")
            }
        }

        impl ::weft::rt::ComponentType for #name {
            const SIZE: usize = #size;
            const ALIGN: usize = #align;
            const FLAT: usize = 1;
        }

        impl ::weft::rt::Lift for #name {
            unsafe fn lift_flat(src: &mut ::weft::rt::FlatReader<'_>) -> Self {
                Self::from_bits_truncate(src.take() as #repr)
            }
            unsafe fn load(ptr: *const u8) -> Self {
                Self::from_bits_truncate(#repr::from_le(unsafe { ::weft::rt::memory::read::<#repr>(ptr) }))
            }
        }

        impl ::weft::rt::Lower for #name {
            fn lower_flat(self, dst: &mut ::weft::rt::FlatWriter<'_>) {
                dst.push(<u64 as ::core::convert::From<#repr>>::from(self.bits));
            }
            unsafe fn store(self, ptr: *mut u8) {
                unsafe { ::weft::rt::memory::write(ptr, self.bits.to_le()) }
            }
        }
    })
}

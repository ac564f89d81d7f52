//! Flags: one bit per `bool` field in declaration order, stored in one,
//! two or four bytes (up to 8, 16 and 32 flags); flat, one `i32`. Bits
//! past the last flag are ignored when lifting, as the dynamic ABI does.

use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Cx, Trait};
use crate::ast::Field;

pub fn expand(cx: &Cx<'_>, fields: &[Field<'_>], which: Trait) -> TokenStream {
    let rt = &cx.rt;
    let size: usize = match fields.len() {
        0..=8 => 1,
        9..=16 => 2,
        _ => 4,
    };
    let size_u32 = Literal::u32_suffixed(size as u32);
    let masks: Vec<_> = (0..fields.len())
        .map(|i| Literal::u32_suffixed(1 << i))
        .collect();
    // Spanned to each field's type, so that a field that is not a `bool`
    // is reported there.
    let set: Vec<_> = fields
        .iter()
        .zip(&masks)
        .map(|(field, mask)| {
            let ident = field.ident;
            quote_spanned!(field.ty.span()=> (if self.#ident { #mask } else { 0u32 }))
        })
        .collect();
    let get: Vec<_> = fields
        .iter()
        .zip(&masks)
        .map(|(field, mask)| {
            let ident = field.ident;
            quote_spanned!(field.ty.span()=> #ident: (__bits & #mask) != 0)
        })
        .collect();
    let bits = quote! {
        let __bits: u32 = 0u32 #( | #set )*;
    };
    let from_bits = quote! {
        ::core::result::Result::Ok(Self { #(#get,)* })
    };
    match which {
        Trait::ComponentType => {
            let header = cx.impl_header(Trait::ComponentType);
            let names: Vec<_> = fields.iter().map(|f| f.name.as_str()).collect();
            let count = names.len();
            let expected = format!("flags {} {{ {} }}", cx.rust_name(), names.join(", "));
            quote! {
                #header {
                    const SIZE: u32 = #size_u32;
                    const ALIGN: u32 = #size_u32;
                    const FLAT: usize = 1;

                    fn typecheck(
                        __ty: &#rt::Type,
                    ) -> ::core::result::Result<(), ::std::string::String> {
                        match __ty {
                            #rt::Type::Flags(__names)
                                if __names.len() == #count
                                    && __names
                                        .iter()
                                        .zip([#(#names),*])
                                        .all(|(__a, __b)| __a == __b) =>
                            {
                                ::core::result::Result::Ok(())
                            }
                            __other => ::core::result::Result::Err(::std::format!(
                                "expected {}, found {}", #expected, __other,
                            )),
                        }
                    }
                }
            }
        }
        Trait::Lower => {
            let header = cx.impl_header(Trait::Lower);
            quote! {
                #header {
                    fn lower_flat<__Lowerer: #rt::Lowerer + ?Sized>(
                        &self,
                        __cx: &mut __Lowerer,
                        __ty: &#rt::Type,
                        __out: &mut #rt::FlatWriter<'_>,
                    ) -> ::core::result::Result<(), #rt::LiftError> {
                        #bits
                        __out.push(u64::from(__bits))
                    }

                    fn store<__Lowerer: #rt::Lowerer + ?Sized>(
                        &self,
                        __cx: &mut __Lowerer,
                        __ty: &#rt::Type,
                        __at: usize,
                    ) -> ::core::result::Result<(), #rt::LiftError> {
                        #bits
                        __cx.memory()[__at..__at + #size]
                            .copy_from_slice(&__bits.to_le_bytes()[..#size]);
                        ::core::result::Result::Ok(())
                    }
                }
            }
        }
        Trait::Lift => {
            let header = cx.impl_header(Trait::Lift);
            quote! {
                #header {
                    fn lift_flat(
                        __cx: &mut #rt::Lifter<'_>,
                        __ty: &#rt::Type,
                        __src: &mut #rt::FlatReader<'_>,
                    ) -> ::core::result::Result<Self, #rt::LiftError> {
                        let __bits = __src.take()? as u32;
                        #from_bits
                    }

                    fn load(
                        __cx: &mut #rt::Lifter<'_>,
                        __ty: &#rt::Type,
                        __at: usize,
                    ) -> ::core::result::Result<Self, #rt::LiftError> {
                        let mut __bytes = [0u8; 4];
                        __bytes[..#size].copy_from_slice(&__cx.memory()[__at..__at + #size]);
                        let __bits = u32::from_le_bytes(__bytes);
                        #from_bits
                    }
                }
            }
        }
    }
}

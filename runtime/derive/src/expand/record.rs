//! Records: fields one after another, each at its offset aligned to the
//! field's alignment; flat values the fields' own, in order.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Cx, Trait};
use crate::ast::Field;

pub fn expand(cx: &Cx<'_>, fields: &[Field<'_>], which: Trait) -> TokenStream {
    match which {
        Trait::ComponentType => component_type(cx, fields),
        Trait::Lower => lower(cx, fields),
        Trait::Lift => lift(cx, fields),
    }
}

fn component_type(cx: &Cx<'_>, fields: &[Field<'_>]) -> TokenStream {
    let rt = &cx.rt;
    let header = cx.impl_header(Trait::ComponentType);
    let types: Vec<_> = fields.iter().map(|f| f.ty).collect();
    let names: Vec<_> = fields.iter().map(|f| f.name.as_str()).collect();
    let indices = 0..fields.len();
    let count = fields.len();
    let expected = format!("record {} {{ {} }}", cx.rust_name(), names.join(", "));
    quote! {
        #header {
            const SIZE: u32 = {
                let __size = 0u32;
                #(
                    let __size = #rt::align_to(__size, <#types as #rt::ComponentType>::ALIGN)
                        + <#types as #rt::ComponentType>::SIZE;
                )*
                #rt::align_to(__size, <Self as #rt::ComponentType>::ALIGN)
            };
            const ALIGN: u32 = {
                let __align = 1u32;
                #( let __align = #rt::max(__align, <#types as #rt::ComponentType>::ALIGN); )*
                __align
            };
            const FLAT: usize = 0usize #( + <#types as #rt::ComponentType>::FLAT )*;

            fn typecheck(__ty: &#rt::Type) -> ::core::result::Result<(), ::std::string::String> {
                match __ty {
                    #rt::Type::Record(__fields) if __fields.len() == #count => {
                        #(
                            let (__name, __field) = &__fields[#indices];
                            if __name.as_str() != #names {
                                return ::core::result::Result::Err(::std::format!(
                                    "{} field {}: expected `{}`, found `{}`",
                                    #expected, #indices, #names, __name,
                                ));
                            }
                            <#types as #rt::ComponentType>::typecheck(__field).map_err(|__e| {
                                ::std::format!("field `{}`: {}", #names, __e)
                            })?;
                        )*
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

/// `fn __fields`: the field types of the record type `ty`.
fn fields_helper(cx: &Cx<'_>, count: usize) -> TokenStream {
    let rt = &cx.rt;
    let rust = cx.rust_name();
    let mismatch = cx.mismatch_helper();
    quote! {
        #mismatch

        fn __fields(
            __ty: &#rt::Type,
        ) -> ::core::result::Result<&[(::std::string::String, #rt::Type)], #rt::LiftError> {
            match __ty {
                #rt::Type::Record(__fields) if __fields.len() == #count => {
                    ::core::result::Result::Ok(__fields)
                }
                __other => ::core::result::Result::Err(__type_mismatch(#rust, __other)),
            }
        }
    }
}

/// `let __offset_i = ...;` for each field: its byte offset.
fn offsets(cx: &Cx<'_>, fields: &[Field<'_>]) -> (Vec<syn::Ident>, TokenStream) {
    let rt = &cx.rt;
    let names: Vec<_> = (0..fields.len())
        .map(|i| format_ident!("__offset_{}", i))
        .collect();
    let mut lets = TokenStream::new();
    let mut end = quote!(0u32);
    for (field, name) in fields.iter().zip(&names) {
        let ty = field.ty;
        lets.extend(quote! {
            let #name = #rt::align_to(#end, <#ty as #rt::ComponentType>::ALIGN);
        });
        end = quote!(#name + <#ty as #rt::ComponentType>::SIZE);
    }
    (names, lets)
}

fn lower(cx: &Cx<'_>, fields: &[Field<'_>]) -> TokenStream {
    let rt = &cx.rt;
    let header = cx.impl_header(Trait::Lower);
    let helper = fields_helper(cx, fields.len());
    let types: Vec<_> = fields.iter().map(|f| f.ty).collect();
    let idents: Vec<_> = fields.iter().map(|f| f.ident).collect();
    let indices: Vec<_> = (0..fields.len()).collect();
    let (offsets, offset_lets) = offsets(cx, fields);
    quote! {
        #helper

        #header {
            fn lower_flat<__Lowerer: #rt::Lowerer + ?Sized>(
                &self,
                __cx: &mut __Lowerer,
                __ty: &#rt::Type,
                __out: &mut #rt::FlatWriter<'_>,
            ) -> ::core::result::Result<(), #rt::LiftError> {
                let __fields = __fields(__ty)?;
                #(
                    <#types as #rt::Lower>::lower_flat(
                        &self.#idents, __cx, &__fields[#indices].1, __out,
                    )?;
                )*
                ::core::result::Result::Ok(())
            }

            fn store<__Lowerer: #rt::Lowerer + ?Sized>(
                &self,
                __cx: &mut __Lowerer,
                __ty: &#rt::Type,
                __at: usize,
            ) -> ::core::result::Result<(), #rt::LiftError> {
                let __fields = __fields(__ty)?;
                #offset_lets
                #(
                    <#types as #rt::Lower>::store(
                        &self.#idents, __cx, &__fields[#indices].1, __at + #offsets as usize,
                    )?;
                )*
                ::core::result::Result::Ok(())
            }
        }
    }
}

fn lift(cx: &Cx<'_>, fields: &[Field<'_>]) -> TokenStream {
    let rt = &cx.rt;
    let header = cx.impl_header(Trait::Lift);
    let helper = fields_helper(cx, fields.len());
    let types: Vec<_> = fields.iter().map(|f| f.ty).collect();
    let idents: Vec<_> = fields.iter().map(|f| f.ident).collect();
    let indices: Vec<_> = (0..fields.len()).collect();
    let (offsets, offset_lets) = offsets(cx, fields);
    quote! {
        #helper

        #header {
            fn lift_flat(
                __cx: &mut #rt::Lifter<'_>,
                __ty: &#rt::Type,
                __src: &mut #rt::FlatReader<'_>,
            ) -> ::core::result::Result<Self, #rt::LiftError> {
                let __fields = __fields(__ty)?;
                // Fields are evaluated in order, as their flat values come.
                ::core::result::Result::Ok(Self {
                    #(
                        #idents: <#types as #rt::Lift>::lift_flat(
                            __cx, &__fields[#indices].1, __src,
                        )?,
                    )*
                })
            }

            fn load(
                __cx: &mut #rt::Lifter<'_>,
                __ty: &#rt::Type,
                __at: usize,
            ) -> ::core::result::Result<Self, #rt::LiftError> {
                let __fields = __fields(__ty)?;
                #offset_lets
                ::core::result::Result::Ok(Self {
                    #(
                        #idents: <#types as #rt::Lift>::load(
                            __cx, &__fields[#indices].1, __at + #offsets as usize,
                        )?,
                    )*
                })
            }
        }
    }
}

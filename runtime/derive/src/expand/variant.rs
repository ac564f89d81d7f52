//! Variants and enums: a discriminant of 1, 2 or 4 bytes (by case
//! count), then the payload at the discriminant's size aligned to the
//! most aligned payload. Flat: the discriminant, then the payloads'
//! joined slots, which a shorter payload leaves zero. An enum is a
//! variant without payloads, type-checked as an enum.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{Cx, Trait};
use crate::ast::{Case, Kind};

pub fn expand(cx: &Cx<'_>, cases: &[Case<'_>], which: Trait) -> TokenStream {
    let variant = Variant::new(cx, cases);
    match which {
        Trait::ComponentType => variant.component_type(),
        Trait::Lower => variant.lower(),
        Trait::Lift => variant.lift(),
    }
}

struct Variant<'a> {
    cx: &'a Cx<'a>,
    cases: &'a [Case<'a>],
    /// The discriminant's size in bytes.
    discriminant: usize,
    /// The payload types.
    payloads: Vec<&'a syn::Type>,
}

impl<'a> Variant<'a> {
    fn new(cx: &'a Cx<'a>, cases: &'a [Case<'a>]) -> Variant<'a> {
        let discriminant = match cases.len() {
            0..=0x100 => 1,
            0x101..=0x1_0000 => 2,
            _ => 4,
        };
        Variant {
            cx,
            cases,
            discriminant,
            payloads: cases.iter().filter_map(|c| c.payload).collect(),
        }
    }

    fn is_enum(&self) -> bool {
        self.cx.input.kind == Kind::Enum
    }

    /// The alignment of the payloads: a const expression.
    fn payload_align(&self) -> TokenStream {
        let rt = &self.cx.rt;
        let payloads = &self.payloads;
        quote! {{
            let __align = 1u32;
            #( let __align = #rt::max(__align, <#payloads as #rt::ComponentType>::ALIGN); )*
            __align
        }}
    }

    fn component_type(&self) -> TokenStream {
        let rt = &self.cx.rt;
        let header = self.cx.impl_header(Trait::ComponentType);
        let payloads = &self.payloads;
        let discriminant = Literal::u32_suffixed(self.discriminant as u32);
        let payload_align = self.payload_align();
        let typecheck = if self.is_enum() {
            self.typecheck_enum()
        } else {
            self.typecheck_variant()
        };
        quote! {
            #header {
                const SIZE: u32 = {
                    let __payload_size = 0u32;
                    #(
                        let __payload_size = #rt::max(
                            __payload_size,
                            <#payloads as #rt::ComponentType>::SIZE,
                        );
                    )*
                    #rt::align_to(
                        #rt::align_to(#discriminant, #payload_align) + __payload_size,
                        <Self as #rt::ComponentType>::ALIGN,
                    )
                };
                const ALIGN: u32 = #rt::max(#discriminant, #payload_align);
                const FLAT: usize = {
                    let __flat = 0usize;
                    #(
                        let __flat = #rt::max_count(
                            __flat,
                            <#payloads as #rt::ComponentType>::FLAT,
                        );
                    )*
                    1 + __flat
                };

                fn typecheck(
                    __ty: &#rt::Type,
                ) -> ::core::result::Result<(), ::std::string::String> {
                    #typecheck
                }
            }
        }
    }

    fn names(&self) -> Vec<&str> {
        self.cases.iter().map(|c| c.name.as_str()).collect()
    }

    fn typecheck_enum(&self) -> TokenStream {
        let rt = &self.cx.rt;
        let names = self.names();
        let count = names.len();
        let expected = format!("enum {} {{ {} }}", self.cx.rust_name(), names.join(", "));
        quote! {
            match __ty {
                #rt::Type::Enum(__names)
                    if __names.len() == #count
                        && __names.iter().zip([#(#names),*]).all(|(__a, __b)| __a == __b) =>
                {
                    ::core::result::Result::Ok(())
                }
                __other => ::core::result::Result::Err(::std::format!(
                    "expected {}, found {}", #expected, __other,
                )),
            }
        }
    }

    fn typecheck_variant(&self) -> TokenStream {
        let rt = &self.cx.rt;
        let names = self.names();
        let count = names.len();
        let expected = format!("variant {} {{ {} }}", self.cx.rust_name(), names.join(", "));
        let checks = self.cases.iter().enumerate().map(|(i, case)| {
            let name = &case.name;
            let payload = match case.payload {
                Some(ty) => quote! {
                    <#ty as #rt::ComponentType>::typecheck_payload(__payload.as_ref())
                        .map_err(|__e| ::std::format!("case `{}`: {}", #name, __e))?;
                },
                None => quote! {
                    if let ::core::option::Option::Some(__payload) = __payload {
                        return ::core::result::Result::Err(::std::format!(
                            "case `{}`: expected no payload, found {}", #name, __payload,
                        ));
                    }
                },
            };
            quote! {
                let (__name, __payload) = &__cases[#i];
                if __name.as_str() != #name {
                    return ::core::result::Result::Err(::std::format!(
                        "{} case {}: expected `{}`, found `{}`", #expected, #i, #name, __name,
                    ));
                }
                #payload
            }
        });
        quote! {
            match __ty {
                #rt::Type::Variant(__cases) if __cases.len() == #count => {
                    #(#checks)*
                    ::core::result::Result::Ok(())
                }
                __other => ::core::result::Result::Err(::std::format!(
                    "expected {}, found {}", #expected, __other,
                )),
            }
        }
    }

    /// `fn __cases` and `fn __payload`: the case payload types of the
    /// variant type `ty`, when some case has a payload.
    fn helpers(&self) -> TokenStream {
        if self.payloads.is_empty() {
            return TokenStream::new();
        }
        let rt = &self.cx.rt;
        let rust = self.cx.rust_name();
        let count = self.cases.len();
        let mismatch = self.cx.mismatch_helper();
        quote! {
            #mismatch

            fn __cases(
                __ty: &#rt::Type,
            ) -> ::core::result::Result<
                &[(::std::string::String, ::core::option::Option<#rt::Type>)],
                #rt::LiftError,
            > {
                match __ty {
                    #rt::Type::Variant(__cases) if __cases.len() == #count => {
                        ::core::result::Result::Ok(__cases)
                    }
                    __other => ::core::result::Result::Err(__type_mismatch(#rust, __other)),
                }
            }

            fn __payload<'t>(
                __ty: &'t #rt::Type,
                __case: &'t ::core::option::Option<#rt::Type>,
            ) -> ::core::result::Result<&'t #rt::Type, #rt::LiftError> {
                __case
                    .as_ref()
                    .ok_or_else(|| __type_mismatch(#rust, __ty))
            }
        }
    }

    /// `let __cases = ...;` where payload types are needed.
    fn cases_let(&self) -> TokenStream {
        if self.payloads.is_empty() {
            TokenStream::new()
        } else {
            quote!(let __cases = __cases(__ty)?;)
        }
    }

    /// The case index `i` as the discriminant's type.
    fn discriminant_literal(&self, i: usize) -> Literal {
        match self.discriminant {
            1 => Literal::u8_suffixed(i as u8),
            2 => Literal::u16_suffixed(i as u16),
            _ => Literal::u32_suffixed(i as u32),
        }
    }

    fn lower(&self) -> TokenStream {
        let rt = &self.cx.rt;
        let header = self.cx.impl_header(Trait::Lower);
        let helpers = self.helpers();
        let cases_let = self.cases_let();
        let size = self.discriminant;
        let flat_arms = self.cases.iter().enumerate().map(|(i, case)| {
            let ident = case.ident;
            let index = Literal::u64_suffixed(i as u64);
            match case.payload {
                None => quote! {
                    Self::#ident => __out.push(#index)?,
                },
                Some(ty) => quote! {
                    Self::#ident(__value) => {
                        __out.push(#index)?;
                        <#ty as #rt::Lower>::lower_flat(
                            __value, __cx, __payload(__ty, &__cases[#i].1)?, __out,
                        )?;
                    }
                },
            }
        });
        let store_arms = self.cases.iter().enumerate().map(|(i, case)| {
            let ident = case.ident;
            let bytes = self.discriminant_literal(i);
            let write = quote! {
                __cx.memory()[__at..__at + #size].copy_from_slice(&#bytes.to_le_bytes());
            };
            match case.payload {
                None => quote! {
                    Self::#ident => { #write }
                },
                Some(ty) => quote! {
                    Self::#ident(__value) => {
                        #write
                        <#ty as #rt::Lower>::store(
                            __value, __cx, __payload(__ty, &__cases[#i].1)?, __at + __offset,
                        )?;
                    }
                },
            }
        });
        let (pad, offset) = if self.payloads.is_empty() {
            (quote!(::core::result::Result::Ok(())), TokenStream::new())
        } else {
            let payload_align = self.payload_align();
            (
                quote!(__out.pad_to(__start + <Self as #rt::ComponentType>::FLAT)),
                quote!(let __offset = #rt::align_to(#size as u32, #payload_align) as usize;),
            )
        };
        let start = if self.payloads.is_empty() {
            TokenStream::new()
        } else {
            quote!(let __start = __out.len();)
        };
        quote! {
            #helpers

            #header {
                fn lower_flat<__Lowerer: #rt::Lowerer + ?Sized>(
                    &self,
                    __cx: &mut __Lowerer,
                    __ty: &#rt::Type,
                    __out: &mut #rt::FlatWriter<'_>,
                ) -> ::core::result::Result<(), #rt::LiftError> {
                    #cases_let
                    #start
                    match self {
                        #(#flat_arms)*
                    }
                    // The joined payload slots a shorter payload leaves
                    // unused are zero.
                    #pad
                }

                fn store<__Lowerer: #rt::Lowerer + ?Sized>(
                    &self,
                    __cx: &mut __Lowerer,
                    __ty: &#rt::Type,
                    __at: usize,
                ) -> ::core::result::Result<(), #rt::LiftError> {
                    #cases_let
                    #offset
                    match self {
                        #(#store_arms)*
                    }
                    ::core::result::Result::Ok(())
                }
            }
        }
    }

    fn lift(&self) -> TokenStream {
        let rt = &self.cx.rt;
        let header = self.cx.impl_header(Trait::Lift);
        let helpers = self.helpers();
        let cases_let = self.cases_let();
        let size = self.discriminant;
        let count = self.cases.len();
        let flat_arms = self.cases.iter().enumerate().map(|(i, case)| {
            let ident = case.ident;
            let index = Literal::u32_suffixed(i as u32);
            match case.payload {
                None => quote! {
                    #index => ::core::result::Result::Ok(Self::#ident),
                },
                Some(ty) => quote! {
                    #index => ::core::result::Result::Ok(Self::#ident(
                        <#ty as #rt::Lift>::lift_flat(
                            __cx, __payload(__ty, &__cases[#i].1)?, &mut __payload_slots,
                        )?,
                    )),
                },
            }
        });
        let load_arms = self.cases.iter().enumerate().map(|(i, case)| {
            let ident = case.ident;
            let index = Literal::u32_suffixed(i as u32);
            match case.payload {
                None => quote! {
                    #index => ::core::result::Result::Ok(Self::#ident),
                },
                Some(ty) => quote! {
                    #index => ::core::result::Result::Ok(Self::#ident(
                        <#ty as #rt::Lift>::load(
                            __cx, __payload(__ty, &__cases[#i].1)?, __at + __offset,
                        )?,
                    )),
                },
            }
        });
        let (split, offset) = if self.payloads.is_empty() {
            (TokenStream::new(), TokenStream::new())
        } else {
            let payload_align = self.payload_align();
            (
                quote! {
                    let mut __payload_slots =
                        __src.split(<Self as #rt::ComponentType>::FLAT - 1)?;
                },
                quote!(let __offset = #rt::align_to(#size as u32, #payload_align) as usize;),
            )
        };
        quote! {
            #helpers

            #header {
                fn lift_flat(
                    __cx: &mut #rt::Lifter<'_>,
                    __ty: &#rt::Type,
                    __src: &mut #rt::FlatReader<'_>,
                ) -> ::core::result::Result<Self, #rt::LiftError> {
                    #cases_let
                    let __discriminant = __src.take()? as u32;
                    #split
                    match __discriminant {
                        #(#flat_arms)*
                        __value => ::core::result::Result::Err(#rt::LiftError::BadDiscriminant {
                            value: __value,
                            cases: #count,
                        }),
                    }
                }

                fn load(
                    __cx: &mut #rt::Lifter<'_>,
                    __ty: &#rt::Type,
                    __at: usize,
                ) -> ::core::result::Result<Self, #rt::LiftError> {
                    #cases_let
                    let mut __bytes = [0u8; 4];
                    __bytes[..#size].copy_from_slice(&__cx.memory()[__at..__at + #size]);
                    let __discriminant = u32::from_le_bytes(__bytes);
                    #offset
                    match __discriminant {
                        #(#load_arms)*
                        __value => ::core::result::Result::Err(#rt::LiftError::BadDiscriminant {
                            value: __value,
                            cases: #count,
                        }),
                    }
                }
            }
        }
    }
}

//! Variants and enums: a Rust enum with a case per WIT case, a payload
//! case holding one value. An enum (no case has a payload) is also `Copy`,
//! `Eq` and `Hash`.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;
use weft_wit::abi::{Discriminant, Layout};
use weft_wit::names::rust as names;
use weft_wit::wit_parser::{Docs, Type};

use super::{bounded_impls, docs, Cx, Shape};
use crate::rust_types::ident;
use crate::tokens::usize_lit;

/// One WIT case: name, docs, payload.
pub type CaseDef<'a> = (&'a str, &'a Docs, Option<Type>);

/// The enum for a variant (or enum) named `wit_name` and its impls.
pub fn define(
    cx: &Cx<'_>,
    type_docs: &TokenStream,
    name: &Ident,
    wit_name: &str,
    shape: &Shape,
    layout: Layout,
    cases: &[CaseDef<'_>],
) -> Result<TokenStream, String> {
    let case_names: Vec<Ident> = cases
        .iter()
        .map(|(n, ..)| ident(&names::variant_case(n)))
        .collect();
    let payloads = cases
        .iter()
        .map(|(_, _, ty)| ty.as_ref().map(|ty| cx.rust_type(ty)).transpose())
        .collect::<Result<Vec<_>, _>>()?;
    let payload_layouts: Vec<Option<Layout>> = cases
        .iter()
        .map(|(_, _, ty)| ty.as_ref().map(|t| cx.layout(t)))
        .collect();
    let payload_offset = Layout::variant_payload_offset(payload_layouts.iter().map(Option::as_ref))
        .map_err(|_| format!("weft: variant `{wit_name}` is too large"))?;
    let disc = Discriminant::for_cases(cases.len());
    let (size, align, offset) = (
        usize_lit(layout.size),
        usize_lit(layout.align),
        usize_lit(payload_offset),
    );
    let what = format!("`{wit_name}` discriminant");

    let definitions = cases.iter().zip(&case_names).zip(&payloads).map(
        |(((wit_case, case_docs, _), case), payload)| {
            let case_docs = docs(case_docs, || format!("The WIT case `{wit_case}`."));
            match payload {
                Some(ty) => quote!(#case_docs #case(#ty)),
                None => quote!(#case_docs #case),
            }
        },
    );
    let is_enum = payloads.iter().all(Option::is_none);
    let generics = &shape.generics;
    let derives = if is_enum {
        quote!(#[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug, ::core::cmp::PartialEq, ::core::cmp::Eq, ::core::hash::Hash)])
    } else if !shape.handles.any {
        quote!(#[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)])
    } else {
        quote!()
    };
    let impls = (!is_enum && shape.handles.any).then(|| {
        let parts: Vec<TokenStream> = cases
            .iter()
            .zip(&payloads)
            .filter_map(|((_, _, ty), payload)| {
                let handles = cx.paths.handles(&cx.loaded.wit.resolve, ty.as_ref()?);
                handles.any.then(|| payload.clone()).flatten()
            })
            .collect();
        let labels = case_names.iter().map(|c| c.to_string().trim_start_matches("r#").to_string());
        let (mut clone, mut fmt, mut eq) = (Vec::new(), Vec::new(), Vec::new());
        for ((case, payload), label) in case_names.iter().zip(&payloads).zip(labels) {
            match payload {
                Some(_) => {
                    clone.push(quote!(#name::#case(value) => #name::#case(::core::clone::Clone::clone(value))));
                    fmt.push(quote!(#name::#case(value) => f.debug_tuple(#label).field(value).finish()));
                    eq.push(quote!((#name::#case(a), #name::#case(b)) => a == b));
                }
                None => {
                    clone.push(quote!(#name::#case => #name::#case));
                    fmt.push(quote!(#name::#case => f.write_str(#label)));
                    eq.push(quote!((#name::#case, #name::#case) => true));
                }
            }
        }
        bounded_impls(
            name,
            generics,
            &parts,
            quote!(match self { #(#clone,)* }),
            quote!(match self { #(#fmt,)* }),
            quote! {
                match (self, other) {
                    #(#eq,)*
                    _ => false,
                }
            },
        )
    });
    let payload_flats: Vec<TokenStream> = payloads
        .iter()
        .map(|p| match p {
            Some(ty) => quote!(<#ty as ::weft::rt::ComponentType>::FLAT),
            None => quote!(0),
        })
        .collect();
    let indices: Vec<u32> = (0..cases.len() as u32).collect();
    let index_lits: Vec<Literal> = indices
        .iter()
        .map(|&i| Literal::u32_unsuffixed(i))
        .collect();
    let disc_lits: Vec<Literal> = indices.iter().map(|&i| disc_literal(disc, i)).collect();
    let disc_read = disc_read(disc);

    // `payload_flat` is the flat count of the joined payload slots.
    let lift_flat =
        case_names
            .iter()
            .zip(&payloads)
            .zip(&payload_flats)
            .map(|((case, payload), flat)| match payload {
                Some(ty) => quote! {{
                    let value = unsafe { <#ty as ::weft::rt::Lift>::lift_flat(src) };
                    src.skip(payload_flat - #flat);
                    #name::#case(value)
                }},
                None => quote! {{ src.skip(payload_flat); #name::#case }},
            });
    let load = case_names
        .iter()
        .zip(&payloads)
        .map(|(case, payload)| match payload {
            Some(ty) => {
                quote!(#name::#case(unsafe { <#ty as ::weft::rt::Lift>::load(ptr.add(#offset)) }))
            }
            None => quote!(#name::#case),
        });
    let patterns: Vec<TokenStream> = case_names
        .iter()
        .zip(&payloads)
        .map(|(case, payload)| match payload {
            Some(_) => quote!(#name::#case(value)),
            None => quote!(#name::#case),
        })
        .collect();
    let lower_flat = payloads
        .iter()
        .zip(&payload_flats)
        .map(|(payload, flat)| match payload {
            Some(_) => quote! {
                ::weft::rt::Lower::lower_flat(value, dst);
                dst.pad(payload_flat - #flat);
            },
            None => quote!(dst.pad(payload_flat);),
        });
    let store = payloads.iter().map(|payload| match payload {
        Some(_) => quote!(unsafe { ::weft::rt::Lower::store(value, ptr.add(#offset)) }),
        None => quote!(),
    });
    let free_flat = payloads
        .iter()
        .zip(&payload_flats)
        .map(|(payload, flat)| match payload {
            Some(ty) => quote! {{
                unsafe { <#ty as ::weft::rt::Lower>::free_flat(src) };
                src.skip(payload_flat - #flat);
            }},
            None => quote!(src.skip(payload_flat)),
        });
    let post_return = payloads.iter().map(|payload| match payload {
        Some(ty) => quote!(unsafe { <#ty as ::weft::rt::Lower>::post_return(ptr.add(#offset)) }),
        None => quote!(),
    });

    let lift = shape.lift().then(|| {
        quote! {
            impl #generics ::weft::rt::Lift for #name #generics {
                #[allow(unused_unsafe)]
                unsafe fn lift_flat(src: &mut ::weft::rt::FlatReader<'_>) -> Self {
                    let payload_flat = <Self as ::weft::rt::ComponentType>::FLAT - 1;
                    match src.take() as u32 {
                        #(#index_lits => #lift_flat,)*
                        other => ::weft::rt::invalid(#what, other),
                    }
                }
                #[allow(unused_unsafe)]
                unsafe fn load(ptr: *const u8) -> Self {
                    match unsafe { #disc_read } {
                        #(#index_lits => #load,)*
                        other => ::weft::rt::invalid(#what, other),
                    }
                }
            }
        }
    });
    let lower = shape.lower().then(|| {
        quote! {
            impl #generics ::weft::rt::Lower for #name #generics {
                fn lower_flat(self, dst: &mut ::weft::rt::FlatWriter<'_>) {
                    let payload_flat = <Self as ::weft::rt::ComponentType>::FLAT - 1;
                    match self {
                        #(#patterns => {
                            dst.push(#index_lits);
                            #lower_flat
                        })*
                    }
                }
                #[allow(unused_unsafe)]
                unsafe fn store(self, ptr: *mut u8) {
                    match self {
                        #(#patterns => {
                            unsafe { ::weft::rt::memory::write(ptr, #disc_lits.to_le()) };
                            #store
                        })*
                    }
                }
                #[allow(unused_unsafe, unreachable_patterns)]
                unsafe fn free_flat(src: &mut ::weft::rt::FlatReader<'_>) {
                    let payload_flat = <Self as ::weft::rt::ComponentType>::FLAT - 1;
                    match src.take() as u32 {
                        #(#index_lits => #free_flat,)*
                        _ => src.skip(payload_flat),
                    }
                }
                #[allow(unused_unsafe, unreachable_patterns)]
                unsafe fn post_return(ptr: *const u8) {
                    match unsafe { #disc_read } {
                        #(#index_lits => { #post_return })*
                        _ => {}
                    }
                }
            }
        }
    });

    Ok(quote! {
        #type_docs
        #derives
        pub enum #name #generics {
            #(#definitions,)*
        }

        #impls

        impl #generics ::weft::rt::ComponentType for #name #generics {
            const SIZE: usize = #size;
            const ALIGN: usize = #align;
            const FLAT: usize = 1 + {
                let mut max = 0;
                #(max = ::weft::rt::max(max, #payload_flats);)*
                max
            };
        }

        #lift
        #lower
    })
}

/// The discriminant `index` as a literal of the discriminant's width.
fn disc_literal(disc: Discriminant, index: u32) -> Literal {
    match disc {
        Discriminant::U8 => Literal::u8_suffixed(index as u8),
        Discriminant::U16 => Literal::u16_suffixed(index as u16),
        Discriminant::U32 => Literal::u32_suffixed(index),
    }
}

/// Reads the discriminant at `ptr` as a `u32`.
fn disc_read(disc: Discriminant) -> TokenStream {
    let ty = match disc {
        Discriminant::U8 => quote!(u8),
        Discriminant::U16 => quote!(u16),
        Discriminant::U32 => quote!(u32),
    };
    quote!(<u32 as ::core::convert::From<#ty>>::from(#ty::from_le(::weft::rt::memory::read::<#ty>(ptr))))
}

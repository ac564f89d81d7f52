//! Records: a struct with a public field per WIT field, in WIT order.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use weft_wit::abi::Layout;
use weft_wit::names::rust as names;
use weft_wit::wit_parser::Record;

use super::{bounded_impls, docs, Cx, Shape};
use crate::rust_types::ident;
use crate::tokens::usize_lit;

/// The struct for `record` and its impls.
pub fn define(
    cx: &Cx<'_>,
    type_docs: &TokenStream,
    name: &Ident,
    shape: &Shape,
    layout: Layout,
    record: &Record,
) -> Result<TokenStream, String> {
    let fields: Vec<Ident> = record
        .fields
        .iter()
        .map(|f| ident(&names::field_name(&f.name)))
        .collect();
    let types = record
        .fields
        .iter()
        .map(|f| cx.rust_type(&f.ty))
        .collect::<Result<Vec<_>, _>>()?;
    let field_docs = record
        .fields
        .iter()
        .map(|f| docs(&f.docs, || format!("The WIT field `{}`.", f.name)));
    let offsets = cx
        .loaded
        .abi
        .field_offsets(record.fields.iter().map(|f| &f.ty))
        .into_iter()
        .map(usize_lit);
    let offsets: Vec<_> = offsets.collect();
    let (size, align) = (usize_lit(layout.size), usize_lit(layout.align));
    let generics = &shape.generics;
    let names: Vec<String> = fields
        .iter()
        .map(|f| f.to_string().trim_start_matches("r#").to_string())
        .collect();
    let (derives, impls) = match shape.handles.any {
        false => (
            quote!(#[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]),
            quote!(),
        ),
        true => {
            let label = name.to_string();
            let clone = quote!(#name { #(#fields: ::core::clone::Clone::clone(&self.#fields),)* });
            let fmt = quote! {
                f.debug_struct(#label)
                    #(.field(#names, &self.#fields))*
                    .finish()
            };
            let eq = quote!(#(self.#fields == other.#fields)&&*);
            let parts: Vec<TokenStream> = record
                .fields
                .iter()
                .zip(&types)
                .filter(|(f, _)| cx.paths.handles(&cx.loaded.wit.resolve, &f.ty).any)
                .map(|(_, ty)| ty.clone())
                .collect();
            (
                quote!(),
                bounded_impls(name, generics, &parts, clone, fmt, eq),
            )
        }
    };
    let lift = shape.lift().then(|| {
        quote! {
            impl #generics ::weft::rt::Lift for #name #generics {
                unsafe fn lift_flat(src: &mut ::weft::rt::FlatReader<'_>) -> Self {
                    // Fields are lifted in the order written: WIT order.
                    unsafe { #name { #(#fields: <#types as ::weft::rt::Lift>::lift_flat(src),)* } }
                }
                unsafe fn load(ptr: *const u8) -> Self {
                    unsafe { #name { #(#fields: <#types as ::weft::rt::Lift>::load(ptr.add(#offsets)),)* } }
                }
            }
        }
    });
    let lower = shape.lower().then(|| {
        quote! {
            impl #generics ::weft::rt::Lower for #name #generics {
                fn lower_flat(self, dst: &mut ::weft::rt::FlatWriter<'_>) {
                    #(::weft::rt::Lower::lower_flat(self.#fields, dst);)*
                }
                unsafe fn store(self, ptr: *mut u8) {
                    unsafe { #(::weft::rt::Lower::store(self.#fields, ptr.add(#offsets));)* }
                }
                unsafe fn post_return(ptr: *const u8) {
                    unsafe { #(<#types as ::weft::rt::Lower>::post_return(ptr.add(#offsets));)* }
                }
                unsafe fn free_flat(src: &mut ::weft::rt::FlatReader<'_>) {
                    unsafe { #(<#types as ::weft::rt::Lower>::free_flat(src);)* }
                }
            }
        }
    });
    Ok(quote! {
        #type_docs
        #derives
        pub struct #name #generics {
            #(#field_docs pub #fields: #types,)*
        }

        #impls

        impl #generics ::weft::rt::ComponentType for #name #generics {
            const SIZE: usize = #size;
            const ALIGN: usize = #align;
            const FLAT: usize = 0 #(+ <#types as ::weft::rt::ComponentType>::FLAT)*;
        }

        #lift
        #lower
    })
}

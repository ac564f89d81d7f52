//! Code generation from a checked [`Input`]: one impl per derive, inside
//! an anonymous `const _` block, naming everything by absolute path
//! (the runtime as `::weft_runtime::component`, std items under `::core`
//! and `::std`) so that nothing at the call site can shadow it.
//!
//! Generated locals and generic parameters start with `__`, and the
//! layout constants are const expressions over the field or payload
//! types' own, so the compiler checks them once per type.

mod flags;
mod record;
mod variant;

use proc_macro2::TokenStream;
use quote::quote;
use syn::{parse_quote, DeriveInput, Generics};

use crate::ast::{Body, Input, Kind};

/// Which trait a derive implements.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Trait {
    ComponentType,
    Lower,
    Lift,
}

/// What every generator needs: the runtime's path and the impl header.
pub struct Cx<'a> {
    input: &'a Input<'a>,
    /// `::weft_runtime::component` (or the overridden crate's).
    rt: TokenStream,
}

impl Cx<'_> {
    /// `impl<...> #rt::#trait for Type<...> where ...`, with each type
    /// parameter bound by the trait.
    fn impl_header(&self, which: Trait) -> TokenStream {
        let rt = &self.rt;
        let trait_path = match which {
            Trait::ComponentType => quote!(#rt::ComponentType),
            Trait::Lower => quote!(#rt::Lower),
            Trait::Lift => quote!(#rt::Lift),
        };
        let generics = bounded(self.input.generics, &trait_path);
        let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
        let ident = self.input.ident;
        quote! {
            #[automatically_derived]
            impl #impl_generics #trait_path for #ident #ty_generics #where_clause
        }
    }

    /// The Rust type's name, for messages.
    fn rust_name(&self) -> String {
        self.input.ident.to_string()
    }

    /// `fn __type_mismatch`: the error for a value lowered or lifted as a
    /// component type that is not its own (possible only if the caller
    /// skipped the type check).
    fn mismatch_helper(&self) -> TokenStream {
        let rt = &self.rt;
        quote! {
            fn __type_mismatch(__rust: &str, __ty: &#rt::Type) -> #rt::LiftError {
                #rt::LiftError::TypeMismatch {
                    value: ::std::format!("`{}` (as {})", __rust, __ty),
                }
            }
        }
    }
}

fn bounded(generics: &Generics, bound: &TokenStream) -> Generics {
    let mut generics = generics.clone();
    let params: Vec<_> = generics
        .type_params()
        .map(|param| param.ident.clone())
        .collect();
    let where_clause = generics.make_where_clause();
    for param in params {
        where_clause.predicates.push(parse_quote!(#param: #bound));
    }
    generics
}

/// Expands one derive of `input`.
pub fn derive(input: &DeriveInput, which: Trait) -> syn::Result<TokenStream> {
    let input = Input::from_syn(input)?;
    let krate = &input.krate;
    let cx = Cx {
        input: &input,
        rt: quote!(#krate::component),
    };
    let body = match (&input.body, input.kind) {
        (Body::Fields(fields), Kind::Record) => record::expand(&cx, fields, which),
        (Body::Fields(fields), _) => flags::expand(&cx, fields, which),
        (Body::Cases(cases), _) => variant::expand(&cx, cases, which),
    };
    Ok(quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_qualifications)]
        const _: () = {
            #body
        };
    })
}

//! The Rust definition of each named WIT type, with its `ComponentType`,
//! `Lift` and `Lower` impls (`weft::rt`): records as structs, variants and
//! enums as enums, flags as a bitflags-style struct, imported resources
//! as handle types, exported resources as an alias of the crate's type
//! (through a marker type), other named types as type aliases.
//!
//! A type holding a `borrow` takes the lifetime `'a`, and has `Lift` only
//! if the borrowed resources are exported (the type is an export's
//! parameter) and `Lower` only if they are imported (an import's). A
//! record or variant holding any handle gets `Clone`, `Debug` and
//! `PartialEq` impls bounded on its parts (an owned handle is neither
//! `Clone` nor `PartialEq`; the crate's resource type may be anything)
//! instead of the derives.
//!
//! Every item gets documentation: the WIT's, or a line naming the WIT
//! item, so that a crate denying `missing_docs` compiles.
//!
//! Sizes, alignments and offsets are literals from `weft-wit`'s
//! `AbiTable`; flat counts are constant expressions over the parts'
//! `ComponentType::FLAT`, so they agree with the std impls by
//! construction.

mod flags;
mod record;
mod resource;
mod variant;

use proc_macro2::TokenStream;
use quote::quote;
use weft_wit::abi::Layout;
use weft_wit::names::rust as names;
use weft_wit::wit_parser::{Docs, Type, TypeDefKind, TypeId};

use crate::config::Loaded;
use crate::rust_types::{ident, Handles, TypePaths};

/// What the generators of one type need.
pub struct Cx<'a> {
    pub loaded: &'a Loaded,
    pub paths: &'a TypePaths,
}

/// The generic parameters and handles of the type being defined.
pub struct Shape {
    /// `<'a>` for a type holding a borrow, else nothing.
    pub generics: TokenStream,
    /// The handles it holds.
    pub handles: Handles,
}

impl Shape {
    /// Whether the type gets `Lift`.
    pub fn lift(&self) -> bool {
        !self.handles.imported_borrow
    }

    /// Whether the type gets `Lower`.
    pub fn lower(&self) -> bool {
        !self.handles.exported_borrow
    }
}

impl Cx<'_> {
    /// The Rust type of `ty`, inside a generated type (borrows live for
    /// `'a`).
    fn rust_type(&self, ty: &Type) -> Result<TokenStream, String> {
        self.paths
            .rust_type(&self.loaded.wit.resolve, ty, &quote!('a))
    }

    /// The layout of `ty`.
    fn layout(&self, ty: &Type) -> Layout {
        self.loaded.abi.layout(ty)
    }
}

/// The definition of the named type `id`.
pub fn define(cx: &Cx<'_>, id: TypeId) -> Result<TokenStream, String> {
    let resolve = &cx.loaded.wit.resolve;
    let def = &resolve.types[id];
    let wit_name = def.name.as_deref().unwrap_or_default();
    let name = ident(&names::type_name(wit_name));
    let what = match &def.kind {
        TypeDefKind::Record(_) => "record",
        TypeDefKind::Variant(_) => "variant",
        TypeDefKind::Enum(_) => "enum",
        TypeDefKind::Flags(_) => "flags",
        TypeDefKind::Resource => "resource",
        _ => "type",
    };
    let docs = docs(&def.docs, || format!("The WIT {what} `{wit_name}`."));
    let layout = cx.layout(&Type::Id(id));
    let shape = Shape {
        generics: cx.paths.generics(resolve, id),
        handles: cx.paths.handles(resolve, &Type::Id(id)),
    };
    match &def.kind {
        TypeDefKind::Record(record) => record::define(cx, &docs, &name, &shape, layout, record),
        TypeDefKind::Variant(variant) => {
            let cases: Vec<_> = variant
                .cases
                .iter()
                .map(|c| (c.name.as_str(), &c.docs, c.ty))
                .collect();
            variant::define(cx, &docs, &name, wit_name, &shape, layout, &cases)
        }
        TypeDefKind::Enum(e) => {
            let cases: Vec<_> = e
                .cases
                .iter()
                .map(|c| (c.name.as_str(), &c.docs, None))
                .collect();
            variant::define(cx, &docs, &name, wit_name, &shape, layout, &cases)
        }
        TypeDefKind::Flags(f) => flags::define(&docs, &name, layout, f),
        TypeDefKind::Resource => match cx.paths.imported_resource(resolve, id) {
            Some(module) => Ok(resource::define(&docs, &name, wit_name, module)),
            None if cx.paths.is_exported_resource(resolve, id) => Ok(resource::exported(
                &def.docs,
                &name,
                wit_name,
                &cx.paths.marker(resolve, id),
            )),
            // A resource of the world itself.
            None => Err(crate::rust_types::unsupported("world-level resource")),
        },
        kind => {
            let target = cx.paths.anonymous(resolve, kind, &quote!('a))?;
            let generics = &shape.generics;
            Ok(quote! {
                #docs
                pub type #name #generics = #target;
            })
        }
    }
}

/// The marker type of the exported resource `wit_name`.
pub fn marker(wit_name: &str) -> TokenStream {
    resource::marker(&ident(&names::module_name(wit_name)), wit_name)
}

/// WIT documentation as `#[doc]` attributes; where the WIT has none, the
/// line `fallback` makes.
fn docs(docs: &Docs, fallback: impl FnOnce() -> String) -> TokenStream {
    match docs.contents.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(text) => {
            let lines = text.lines();
            quote!(#(#[doc = #lines])*)
        }
        None => {
            let line = format!(" {}", fallback());
            quote!(#[doc = #line])
        }
    }
}

/// `Clone`, `Debug` and `PartialEq` for a record or variant holding
/// handles, each bounded on the types of the parts holding handles
/// (`for<'w>` keeps a bound on concrete types from being an error where
/// it does not hold: the impl is then just missing). `clone`, `fmt` and
/// `eq` are the bodies, over `self` and `other`.
fn bounded_impls(
    name: &proc_macro2::Ident,
    generics: &TokenStream,
    parts: &[TokenStream],
    clone: TokenStream,
    fmt: TokenStream,
    eq: TokenStream,
) -> TokenStream {
    let mut seen = std::collections::HashSet::new();
    let parts: Vec<&TokenStream> = parts
        .iter()
        .filter(|p| seen.insert(p.to_string()))
        .collect();
    quote! {
        impl #generics ::core::clone::Clone for #name #generics
        where
            #(for<'w> #parts: ::core::clone::Clone,)*
        {
            fn clone(&self) -> Self { #clone }
        }

        impl #generics ::core::fmt::Debug for #name #generics
        where
            #(for<'w> #parts: ::core::fmt::Debug,)*
        {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result { #fmt }
        }

        impl #generics ::core::cmp::PartialEq for #name #generics
        where
            #(for<'w> #parts: ::core::cmp::PartialEq,)*
        {
            #[allow(unreachable_patterns)]
            fn eq(&self, other: &Self) -> bool { #eq }
        }
    }
}

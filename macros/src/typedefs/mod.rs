//! The Rust definition of each named WIT type, with its `ComponentType`,
//! `Lift` and `Lower` impls (`weft::rt`): records as structs, variants and
//! enums as enums, flags as a bitflags-style struct, imported resources
//! as handle types, other named types as type aliases.
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
use crate::rust_types::{ident, unsupported, TypePaths};

/// What the generators of one type need.
pub struct Cx<'a> {
    pub loaded: &'a Loaded,
    pub paths: &'a TypePaths,
}

impl Cx<'_> {
    /// The Rust type of `ty`.
    fn rust_type(&self, ty: &Type) -> Result<TokenStream, String> {
        self.paths.rust_type(&self.loaded.wit.resolve, ty)
    }

    /// The layout of `ty`.
    fn layout(&self, ty: &Type) -> Layout {
        self.loaded.abi.layout(ty)
    }
}

/// The definition of the named type `id`.
pub fn define(cx: &Cx<'_>, id: TypeId) -> Result<TokenStream, String> {
    let def = &cx.loaded.wit.resolve.types[id];
    let wit_name = def.name.as_deref().unwrap_or_default();
    let name = ident(&names::type_name(wit_name));
    let docs = docs(&def.docs);
    let layout = cx.layout(&Type::Id(id));
    match &def.kind {
        TypeDefKind::Record(record) => record::define(cx, &docs, &name, layout, record),
        TypeDefKind::Variant(variant) => {
            let cases: Vec<_> = variant
                .cases
                .iter()
                .map(|c| (c.name.as_str(), &c.docs, c.ty))
                .collect();
            variant::define(cx, &docs, &name, wit_name, layout, &cases)
        }
        TypeDefKind::Enum(e) => {
            let cases: Vec<_> = e
                .cases
                .iter()
                .map(|c| (c.name.as_str(), &c.docs, None))
                .collect();
            variant::define(cx, &docs, &name, wit_name, layout, &cases)
        }
        TypeDefKind::Flags(f) => flags::define(&docs, &name, layout, f),
        TypeDefKind::Resource => match cx.paths.imported_resource(&cx.loaded.wit.resolve, id) {
            Some(module) => Ok(resource::define(&docs, &name, wit_name, module)),
            None => Err(unsupported("resource")),
        },
        kind => {
            let target = cx.paths.anonymous(&cx.loaded.wit.resolve, kind)?;
            Ok(quote! {
                #docs
                pub type #name = #target;
            })
        }
    }
}

/// WIT documentation as `#[doc]` attributes.
fn docs(docs: &Docs) -> TokenStream {
    let lines = docs.contents.iter().flat_map(|text| text.lines());
    quote!(#(#[doc = #lines])*)
}

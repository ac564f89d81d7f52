//! `world!()`: the world's types and imported functions in Rust, and the
//! world itself as the `component-type` custom section that
//! wit-component reads.

use std::collections::HashSet;

use proc_macro2::{Literal, Span, TokenStream};
use quote::quote;
use weft_wit::wit_parser::{TypeDefKind, TypeId, WorldItem};
use wit_component::StringEncoding;

use crate::config::{self, Loaded};
use crate::imports;
use crate::rust_types::TypePaths;
use crate::typedefs::{self, Cx};

/// Expands `world!(input)`.
pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    if !input.is_empty() {
        return Err(syn::Error::new_spanned(
            input,
            "weft::world! takes no arguments: the WIT is `wit/` beside Cargo.toml, or \
             `[package.metadata.weft] wit = \"...\"` and `world = \"...\"`",
        ));
    }
    let call_site = |message: String| syn::Error::new(Span::call_site(), message);
    let loaded = config::load().map_err(call_site)?;
    let bindings = bindings(&loaded).map_err(call_site)?;
    let section = custom_section(&loaded).map_err(call_site)?;
    let files = loaded.files.iter().map(|f| f.display().to_string());
    Ok(quote! {
        #bindings
        #section
        // Rebuild the crate when its WIT changes.
        const _: () = { #(let _ = ::core::include_bytes!(#files);)* };
    })
}

/// The Rust side of the world: its own types and imported functions at
/// the crate root, each interface's types (and, if imported, functions)
/// in a module of its own.
fn bindings(loaded: &Loaded) -> Result<TokenStream, String> {
    let resolve = &loaded.wit.resolve;
    let world = &resolve.worlds[loaded.world];
    let paths = TypePaths::new(loaded)?;
    let cx = Cx {
        loaded,
        paths: &paths,
    };
    let mut seen: HashSet<TypeId> = HashSet::new();
    let mut root = Vec::new();
    let mut modules = Vec::new();
    let imports = world.imports.iter().map(|(key, item)| (key, item, true));
    let exports = world.exports.iter().map(|(key, item)| (key, item, false));
    for (key, item, imported) in imports.chain(exports) {
        match item {
            WorldItem::Type { id, .. } => {
                if seen.insert(*id) {
                    root.push(typedefs::define(&cx, *id)?);
                }
            }
            WorldItem::Function(func) if imported => {
                root.push(imports::function(loaded, &paths, "$root", func)?);
            }
            WorldItem::Function(_) => {}
            WorldItem::Interface { id, .. } => {
                let interface = &resolve.interfaces[*id];
                // A world names an interface once: among its imports or
                // among its exports.
                let Some(module) = paths.module(*id) else {
                    continue;
                };
                let mut items = interface
                    .types
                    .values()
                    .map(|ty| typedefs::define(&cx, *ty))
                    .collect::<Result<Vec<_>, _>>()?;
                // An exported resource is the crate's own type, made one by
                // `#[export]` on its `impl` block through its marker.
                let markers: Vec<TokenStream> = interface
                    .types
                    .iter()
                    .filter(|(_, ty)| {
                        !imported && matches!(resolve.types[**ty].kind, TypeDefKind::Resource)
                    })
                    .map(|(name, _)| typedefs::marker(name))
                    .collect();
                if !markers.is_empty() {
                    items.push(quote! {
                        /// Marker types of the interface's exported resources.
                        #[doc(hidden)]
                        pub mod __resources {
                            #(#markers)*
                        }
                    });
                }
                if imported {
                    let core_module = resolve.name_world_key(key);
                    for func in interface.functions.values() {
                        items.push(imports::function(loaded, &paths, &core_module, func)?);
                    }
                }
                let docs = interface.docs.contents.iter().flat_map(|d| d.lines());
                let name = interface.name.as_deref().unwrap_or_default();
                let summary = match imported {
                    true => {
                        format!(" The WIT interface `{name}` (imported): its types and functions.")
                    }
                    false => format!(" Types of the WIT interface `{name}` (exported)."),
                };
                modules.push(quote! {
                    #[doc = #summary]
                    #(#[doc = #docs])*
                    #[allow(dead_code, clippy::all)]
                    pub mod #module {
                        #(#items)*
                    }
                });
            }
        }
    }
    Ok(quote! {
        #(#root)*

        /// The WIT interfaces the world imports and exports, a module per
        /// interface: their types, and the imported ones' functions.
        #[allow(dead_code)]
        pub mod wit {
            #(#modules)*
        }
    })
}

/// The world encoded by wit-component's metadata encoder, in a custom
/// section whose name starts with `component-type`, as wit-component
/// expects (the rest keeps sections of different crates apart: wasm-ld
/// concatenates sections of the same name).
fn custom_section(loaded: &Loaded) -> Result<TokenStream, String> {
    let resolve = &loaded.wit.resolve;
    let bytes =
        wit_component::metadata::encode(resolve, loaded.world, StringEncoding::UTF8, None, false)
            .map_err(|err| {
            format!(
                "weft: encoding the world `{}`: {err:#}",
                loaded.world_name()
            )
        })?;
    let world = &resolve.worlds[loaded.world];
    let package = world
        .package
        .map(|p| resolve.packages[p].name.to_string())
        .unwrap_or_default();
    let name = format!(
        "component-type:weft:{}:{package}:{}:encoded world",
        env!("CARGO_PKG_VERSION"),
        world.name
    );
    let len = bytes.len();
    let literal = Literal::byte_string(&bytes);
    Ok(quote! {
        #[cfg(target_arch = "wasm32")]
        #[unsafe(link_section = #name)]
        #[used]
        #[doc(hidden)]
        static __WEFT_COMPONENT_TYPE: [u8; #len] = *#literal;
    })
}

//! Imported resources: a handle type the guest owns (dropping it drops
//! the handle, through the core import `[resource-drop]<name>` of the
//! interface's module), passed by value for `own<r>` and by reference for
//! `borrow<r>`. Its constructor, methods and static functions are
//! generated with the interface's other imports.
//!
//! Exported resources: the crate's own type, named by an alias through
//! the resource's marker type (`world.rs` puts the markers in the
//! interface's hidden module `__resources`), which `#[export]` on the
//! type's `impl` block ties to the type.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use weft_wit::wit_parser::Docs;

/// The alias standing for the crate's type implementing the exported
/// resource `wit_name`, whose marker type is at `marker`.
pub fn exported(
    wit_docs: &Docs,
    name: &Ident,
    wit_name: &str,
    marker: &TokenStream,
) -> TokenStream {
    let docs = wit_docs
        .contents
        .iter()
        .flat_map(|d| d.lines())
        .map(str::to_string)
        .chain(wit_docs.contents.iter().map(|_| String::new()))
        .chain([format!(
            " The WIT resource `{wit_name}`, exported: the crate's own type `{name}`, \
             whose `impl` block is marked `#[weft::export]`. Generated types holding \
             the resource hold that type (a `borrow<{wit_name}>` is a `&{name}`)."
        )]);
    quote! {
        #(#[doc = #docs])*
        pub type #name = <#marker as ::weft::rt::resource::Exported>::Rust;
    }
}

/// The hidden marker type of the exported resource `name` (its Rust
/// module name: `counter`, `my_res`), which names the resource in the
/// compiler's message when the crate has no type for it.
pub fn marker(name: &Ident, wit_name: &str) -> TokenStream {
    let doc = format!(" The marker of the exported WIT resource `{wit_name}`.");
    quote! {
        #[doc = #doc]
        #[allow(non_camel_case_types)]
        pub enum #name {}
    }
}

/// The handle type of the imported resource `wit_name`, whose built-ins
/// are imported from `module`.
pub fn define(type_docs: &TokenStream, name: &Ident, wit_name: &str, module: &str) -> TokenStream {
    let drop_name = format!("[resource-drop]{wit_name}");
    quote! {
        #type_docs
        #[derive(::core::fmt::Debug)]
        pub struct #name {
            handle: u32,
        }

        impl #name {
            /// The handle, as the component model numbers it.
            pub fn handle(&self) -> u32 {
                self.handle
            }
        }

        impl ::core::ops::Drop for #name {
            fn drop(&mut self) {
                #[cfg(target_arch = "wasm32")]
                {
                    #[link(wasm_import_module = #module)]
                    unsafe extern "C" {
                        #[link_name = #drop_name]
                        fn drop(handle: i32);
                    }
                    unsafe { drop(self.handle as i32) }
                }
            }
        }

        impl ::weft::rt::ComponentType for #name {
            const SIZE: usize = 4;
            const ALIGN: usize = 4;
            const FLAT: usize = 1;
        }

        impl ::weft::rt::Lift for #name {
            unsafe fn lift_flat(src: &mut ::weft::rt::FlatReader<'_>) -> Self {
                #name { handle: src.take() as u32 }
            }
            unsafe fn load(ptr: *const u8) -> Self {
                #name { handle: u32::from_le(unsafe { ::weft::rt::memory::read::<u32>(ptr) }) }
            }
        }

        /// An owned handle moves to the host.
        impl ::weft::rt::Lower for #name {
            fn lower_flat(self, dst: &mut ::weft::rt::FlatWriter<'_>) {
                let handle = ::core::mem::ManuallyDrop::new(self).handle;
                dst.push(<u64 as ::core::convert::From<u32>>::from(handle));
            }
            unsafe fn store(self, ptr: *mut u8) {
                let handle = ::core::mem::ManuallyDrop::new(self).handle;
                unsafe { ::weft::rt::memory::write(ptr, handle.to_le()) }
            }
        }

        impl ::weft::rt::ComponentType for &#name {
            const SIZE: usize = 4;
            const ALIGN: usize = 4;
            const FLAT: usize = 1;
        }

        /// A borrowed handle is lent for the call.
        impl ::weft::rt::Lower for &#name {
            fn lower_flat(self, dst: &mut ::weft::rt::FlatWriter<'_>) {
                dst.push(<u64 as ::core::convert::From<u32>>::from(self.handle));
            }
            unsafe fn store(self, ptr: *mut u8) {
                unsafe { ::weft::rt::memory::write(ptr, self.handle.to_le()) }
            }
        }
    }
}

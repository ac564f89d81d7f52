//! `#[export]` on an `impl` block: a Rust type implementing a resource of
//! an exported interface. `pub fn new` is the constructor, `pub fn`s with
//! `&self` its methods, other `pub fn`s its static functions; each is
//! checked and gets its glue. The type gets what makes it a resource:
//! `weft::rt::resource::Resource` over the core imports
//! `[export]<iface>` `[resource-new|rep|drop]<name>`, the value traits for
//! owned handles, and the destructor export `<iface>#[dtor]<name>`.
//! It also implements `weft::rt::resource::Exported` for the resource's
//! marker type (which `world!` generated), so that generated types
//! holding the resource hold this type (`weft::rt::resource` lifts a
//! `&T`, a `borrow<name>` inside a parameter's type, for any `Resource`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{FnArg, ImplItem, ItemImpl, LitStr, Visibility};

use super::{check, glue, lookup};
use crate::config::Loaded;
use crate::rust_types::TypePaths;

/// The impl block, its glue and the resource's support.
pub fn expand(
    loaded: &Loaded,
    interface: Option<&LitStr>,
    item: ItemImpl,
) -> syn::Result<TokenStream> {
    let self_ty = &*item.self_ty;
    let syn::Type::Path(path) = self_ty else {
        return Err(syn::Error::new_spanned(
            self_ty,
            "weft::export: a resource is a named type",
        ));
    };
    let Some(type_ident) = path.path.segments.last().map(|s| s.ident.clone()) else {
        return Err(syn::Error::new_spanned(
            self_ty,
            "weft::export: a resource is a named type",
        ));
    };
    if let Some(generics) = item.generics.params.first() {
        return Err(syn::Error::new_spanned(
            generics,
            "weft::export: a resource type cannot be generic",
        ));
    }
    if let Some((trait_path, _)) = &item.trait_ {
        return Err(syn::Error::new_spanned(
            trait_path,
            "weft::export goes on the type's own `impl` block, not a trait's",
        ));
    }
    let interface_name = interface.map(LitStr::value);
    let resource = lookup::resource(loaded, interface_name.as_deref(), &type_ident.to_string())
        .map_err(|m| syn::Error::new_spanned(&type_ident, format!("weft: {m}")))?;

    let paths = TypePaths::new(loaded).map_err(|m| syn::Error::new_spanned(&type_ident, m))?;
    let marker = paths.marker(&loaded.wit.resolve, resource.id);
    let mut generated = vec![support(
        &resource,
        self_ty,
        &type_ident.to_string(),
        &marker,
    )];
    for impl_item in &item.items {
        let ImplItem::Fn(function) = impl_item else {
            continue;
        };
        if !matches!(function.vis, Visibility::Public(_)) {
            continue;
        }
        let ident = &function.sig.ident;
        let has_self = matches!(function.sig.inputs.first(), Some(FnArg::Receiver(_)));
        let target = match lookup::resource_function(&resource, &ident.to_string(), has_self) {
            Ok(target) => target,
            Err(message) => {
                generated.push(
                    syn::Error::new_spanned(ident, format!("weft: {message}")).into_compile_error(),
                );
                continue;
            }
        };
        let checked = match check::check(loaded, &target, &function.sig, Some(self_ty)) {
            Ok(checked) => checked,
            Err(error) => {
                generated.push(error.into_compile_error());
                continue;
            }
        };
        let name = format!("{type_ident}_{ident}");
        let callee = quote!(<#self_ty>::#ident);
        generated.push(
            glue::generate(loaded, &callee, &name, &target, &checked).unwrap_or_else(|err| {
                syn::Error::new_spanned(ident, format!("weft: {err}")).into_compile_error()
            }),
        );
    }
    Ok(quote! {
        #item
        #(#generated)*
    })
}

/// `Resource`, the owned-handle value traits and the destructor export.
fn support(
    resource: &lookup::ResourceTarget<'_>,
    self_ty: &syn::Type,
    type_name: &str,
    marker: &TokenStream,
) -> TokenStream {
    let module = format!("[export]{}", resource.interface);
    let name = resource.name;
    let (new, rep, drop) = (
        format!("[resource-new]{name}"),
        format!("[resource-rep]{name}"),
        format!("[resource-drop]{name}"),
    );
    let dtor_name = format!("{}#[dtor]{name}", resource.interface);
    let dtor = format_ident!("__weft_dtor_{}", type_name);
    let message = format!("the resource `{name}` lives in wasm32 guests only");
    // One core import, or a panic off wasm32.
    let import = |field: &str, params: TokenStream, result: TokenStream, call: TokenStream| {
        quote! {
            #[cfg(target_arch = "wasm32")]
            {
                #[link(wasm_import_module = #module)]
                unsafe extern "C" {
                    #[link_name = #field]
                    fn import(#params) #result;
                }
                unsafe { #call }
            }
            #[cfg(not(target_arch = "wasm32"))]
            {
                ::core::panic!(#message)
            }
        }
    };
    let new_body = import(
        &new,
        quote!(rep: i32),
        quote!(-> i32),
        quote!(import(rep as i32) as u32),
    );
    let rep_body = import(
        &rep,
        quote!(handle: i32),
        quote!(-> i32),
        quote!(import(handle as i32) as u32),
    );
    let drop_body = import(
        &drop,
        quote!(handle: i32),
        quote!(),
        quote!(import(handle as i32)),
    );
    quote! {
        // SAFETY: the functions are the resource type's core built-ins.
        unsafe impl ::weft::rt::resource::Resource for #self_ty {
            #[allow(unused_variables)]
            fn new_handle(rep: u32) -> u32 { #new_body }
            #[allow(unused_variables)]
            fn rep(handle: u32) -> u32 { #rep_body }
            #[allow(unused_variables)]
            fn drop_handle(handle: u32) { #drop_body }
        }

        impl ::weft::rt::ComponentType for #self_ty {
            const SIZE: usize = 4;
            const ALIGN: usize = 4;
            const FLAT: usize = 1;
        }

        impl ::weft::rt::Lift for #self_ty {
            unsafe fn lift_flat(src: &mut ::weft::rt::FlatReader<'_>) -> Self {
                unsafe { ::weft::rt::resource::from_handle::<Self>(src.take() as u32) }
            }
            unsafe fn load(ptr: *const u8) -> Self {
                let handle = u32::from_le(unsafe { ::weft::rt::memory::read::<u32>(ptr) });
                unsafe { ::weft::rt::resource::from_handle::<Self>(handle) }
            }
        }

        impl ::weft::rt::Lower for #self_ty {
            fn lower_flat(self, dst: &mut ::weft::rt::FlatWriter<'_>) {
                dst.push(<u64 as ::core::convert::From<u32>>::from(
                    ::weft::rt::resource::into_handle(self),
                ));
            }
            unsafe fn store(self, ptr: *mut u8) {
                let handle = ::weft::rt::resource::into_handle(self);
                unsafe { ::weft::rt::memory::write(ptr, handle.to_le()) }
            }
        }

        // Generated types holding the resource name it through its marker.
        impl ::weft::rt::resource::Exported for #marker {
            type Rust = #self_ty;
        }

        #[doc(hidden)]
        #[allow(non_snake_case, dead_code)]
        #[cfg_attr(target_arch = "wasm32", unsafe(export_name = #dtor_name))]
        unsafe extern "C" fn #dtor(rep: i32) {
            unsafe { ::weft::rt::resource::destroy::<#self_ty>(rep as u32) }
        }
    }
}

//! The world's imported functions as Rust functions the guest calls:
//! the world's own at the crate root, an imported interface's in its
//! module `wit::<interface>`, an imported resource's as associated
//! functions of its handle type (`new` for the constructor, `&self`
//! methods).
//!
//! Each lowers its arguments into the guest's memory and flat core values
//! (`weft-wit`'s core signature for `Direction::Lower`: spilled
//! parameters in a tuple the guest allocates, spilled results in a return
//! area it passes), calls the core import (module `$root` or the
//! interface's name, field the function's name), frees what the arguments
//! held, and lifts the result, taking ownership of what the host
//! allocated in the guest's memory. Outside wasm32 there is no host: the
//! functions exist, so that code calling them checks and tests on the
//! host, but panic if called.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use weft_wit::abi::Direction;
use weft_wit::names::rust as names;
use weft_wit::wit_parser::{Function, FunctionKind};

use crate::config::Loaded;
use crate::rust_types::{ident, unsupported, TypePaths};
use crate::tokens::{core_type, usize_lit};

/// The Rust function for the imported `func`, in the core import module
/// `module`.
pub fn function(
    loaded: &Loaded,
    paths: &TypePaths,
    module: &str,
    func: &Function,
) -> Result<TokenStream, String> {
    let resolve = &loaded.wit.resolve;
    let resource = match func.kind {
        FunctionKind::Freestanding => None,
        FunctionKind::Constructor(r) | FunctionKind::Method(r) | FunctionKind::Static(r) => Some(r),
        _ => return Err(unsupported("async function")),
    };
    let is_method = matches!(func.kind, FunctionKind::Method(_));
    let abi = &loaded.abi;
    let signature = abi
        .signature(func, Direction::Lower)
        .map_err(|err| format!("weft: {err}"))?;
    let name = match func.kind {
        FunctionKind::Constructor(_) => ident("new"),
        _ => ident(&names::function_name(func.item_name())),
    };
    // A method's `self: borrow<r>` is `&self`.
    let params: Vec<TokenStream> = func
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| match is_method && i == 0 {
            true => quote!(self),
            false => {
                let param = ident(&names::param_name(&p.name));
                quote!(#param)
            }
        })
        .collect();
    // A borrow (or a type holding one) is lent for the call.
    let lifetime = quote!('_);
    let types = func
        .params
        .iter()
        .map(|p| paths.rust_type(resolve, &p.ty, &lifetime))
        .collect::<Result<Vec<_>, _>>()?;
    let result = func
        .result
        .as_ref()
        .map(|ty| paths.rust_type(resolve, ty, &lifetime))
        .transpose()?;
    let docs: Vec<String> = match func.docs.contents.as_deref() {
        Some(text) if !text.trim().is_empty() => text.lines().map(str::to_string).collect(),
        _ => vec![match func.kind {
            FunctionKind::Constructor(_) => format!(
                " Calls the imported WIT constructor of `{}`.",
                func.name.trim_start_matches("[constructor]")
            ),
            FunctionKind::Method(_) | FunctionKind::Static(_) => format!(
                " Calls the imported WIT function `{}`.",
                &func.name[func.name.find(']').map_or(0, |i| i + 1)..]
            ),
            _ => format!(" Calls the imported WIT function `{}`.", func.name),
        }],
    };
    let field = &func.name;

    let core_params: Vec<Ident> = (0..signature.params.len())
        .map(|i| format_ident!("p{}", i))
        .collect();
    let core_types: Vec<TokenStream> = signature.params.iter().map(|&t| core_type(t)).collect();
    let core_result = signature.results.first().map(|&t| core_type(t));
    let core_ret = core_result.as_ref().map(|t| quote!(-> #t));

    // Arguments: lowered flat, or stored in a tuple the guest allocates.
    let flat_args = signature.params.len() - usize::from(signature.results_in_memory);
    let (lower, args, free) = if signature.params_in_memory {
        let wit_types = func.params.iter().map(|p| &p.ty);
        let tuple = abi
            .tuple(wit_types.clone())
            .map_err(|err| format!("weft: {err}"))?;
        let offsets: Vec<Literal> = abi
            .field_offsets(wit_types)
            .into_iter()
            .map(usize_lit)
            .collect();
        let (size, align) = (usize_lit(tuple.size), usize_lit(tuple.align));
        (
            quote! {
                let args = ::weft::rt::memory::allocate(#size, #align);
                #(unsafe { ::weft::rt::Lower::store(#params, args.add(#offsets)) };)*
            },
            vec![quote!(::weft::rt::memory::address(args) as i32)],
            quote! {
                #(unsafe { <#types as ::weft::rt::Lower>::post_return(args.add(#offsets)) };)*
                unsafe { ::weft::rt::memory::free(args, #size, #align) };
            },
        )
    } else {
        let count = flat_args;
        let args = signature.params[..count].iter().enumerate().map(|(i, &t)| {
            let to = format_ident!("to_{}", t.to_string());
            quote!(::weft::rt::flat::#to(slots[#i]))
        });
        (
            quote! {
                let mut slots = [0u64; #count];
                {
                    let mut dst = ::weft::rt::FlatWriter::new(&mut slots);
                    #(::weft::rt::Lower::lower_flat(#params, &mut dst);)*
                }
            },
            args.collect(),
            quote! {
                let mut src = ::weft::rt::FlatReader::new(&slots);
                #(unsafe { <#types as ::weft::rt::Lower>::free_flat(&mut src) };)*
            },
        )
    };

    // The call and the result: the one flat result, or a return area.
    let (call, lift) = match (&result, &core_result) {
        (None, _) => (quote!(unsafe { import(#(#args),*) };), quote!()),
        (Some(ty), Some(_)) => {
            let from = format_ident!("from_{}", signature.results[0].to_string());
            (
                quote!(let ret = unsafe { import(#(#args),*) };),
                quote! {
                    let slots = [::weft::rt::flat::#from(ret)];
                    unsafe { <#ty as ::weft::rt::Lift>::lift_flat(&mut ::weft::rt::FlatReader::new(&slots)) }
                },
            )
        }
        (Some(ty), None) => (
            quote! {
                let area = ::weft::rt::memory::return_area::<#ty>();
                unsafe { import(#(#args,)* ::weft::rt::memory::address(area) as i32) };
            },
            quote! {
                let result = unsafe { <#ty as ::weft::rt::Lift>::load(area) };
                unsafe {
                    ::weft::rt::memory::free(
                        area,
                        <#ty as ::weft::rt::ComponentType>::SIZE,
                        <#ty as ::weft::rt::ComponentType>::ALIGN,
                    )
                };
                result
            },
        ),
    };
    let ret = result.as_ref().map(|ty| quote!(-> #ty));
    let message = format!("the WIT import `{field}` can only be called in a wasm32 guest");

    let decls = params
        .iter()
        .zip(&types)
        .enumerate()
        .map(|(i, (param, ty))| match is_method && i == 0 {
            true => quote!(&self),
            false => quote!(#param: #ty),
        });
    let function = quote! {
        #(#[doc = #docs])*
        #[allow(clippy::too_many_arguments, unused_mut, unused_variables)]
        pub fn #name(#(#decls),*) #ret {
            #[cfg(target_arch = "wasm32")]
            {
                #[link(wasm_import_module = #module)]
                unsafe extern "C" {
                    #[link_name = #field]
                    fn import(#(#core_params: #core_types),*) #core_ret;
                }
                #lower
                #call
                #free
                #lift
            }
            #[cfg(not(target_arch = "wasm32"))]
            {
                let _ = (#(#params,)*);
                ::core::panic!(#message)
            }
        }
    };
    // A resource's functions are its associated functions.
    Ok(match resource {
        Some(r) => {
            let path = paths.path(resolve, r);
            quote!(impl #path { #function })
        }
        None => function,
    })
}

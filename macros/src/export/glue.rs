//! The canonical-ABI export glue of one function: a core function named
//! as wit-component expects (`name`, or `iface#name` for an interface's),
//! whose core signature is `weft-wit`'s for the WIT function
//! (`Direction::Lift`), and, when the results go through memory, its
//! `cabi_post_` function.
//!
//! The glue lifts the arguments (from the flat core parameters, or from
//! the parameter tuple the host stored in memory, which it then frees),
//! calls the Rust function, and lowers the result (to the one flat
//! result, or into a return area whose address it returns, freed with
//! everything the result owns by the post-return function). Constant
//! assertions tie the Rust types' layouts to `weft-wit`'s, so a layout the
//! traits and the ABI tables disagree on fails to compile.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use weft_wit::abi::{AbiError, Direction};
use weft_wit::wit_parser::Type;

use super::check::{Checked, Pass};
use super::lookup::Target;
use crate::config::Loaded;
use crate::tokens::{core_type, usize_lit};

/// The glue calling `callee` (a path to the Rust function) for `target`;
/// `name` makes the glue's own names unique in their scope.
pub fn generate(
    loaded: &Loaded,
    callee: &TokenStream,
    name: &str,
    target: &Target<'_>,
    checked: &Checked,
) -> Result<TokenStream, AbiError> {
    let abi = &loaded.abi;
    let func = target.func;
    let signature = abi.signature(func, Direction::Lift)?;
    let export_name = func
        .legacy_core_export_name(target.interface.as_deref())
        .into_owned();
    let glue = format_ident!("__weft_export_{}", name);
    let post = format_ident!("__weft_post_return_{}", name);

    let lifted: Vec<&syn::Type> = checked.params.iter().map(|p| &p.lifted).collect();
    let wit_types: Vec<&Type> = func.params.iter().map(|p| &p.ty).collect();
    let args: Vec<Ident> = (0..lifted.len())
        .map(|i| format_ident!("arg{}", i))
        .collect();
    let core_params: Vec<Ident> = (0..signature.params.len())
        .map(|i| format_ident!("p{}", i))
        .collect();
    let core_types = signature.params.iter().map(|&t| core_type(t));

    let layout_checks = lifted.iter().zip(&wit_types).map(|(ty, wit)| {
        let layout = abi.layout(wit);
        let (size, align) = (usize_lit(layout.size), usize_lit(layout.align));
        quote! {
            ::core::assert!(<#ty as ::weft::rt::ComponentType>::SIZE == #size);
            ::core::assert!(<#ty as ::weft::rt::ComponentType>::ALIGN == #align);
        }
    });

    let lift = if signature.params_in_memory {
        let offsets = abi
            .field_offsets(wit_types.iter().copied())
            .into_iter()
            .map(usize_lit);
        let tuple = abi.tuple(wit_types.iter().copied())?;
        let (size, align) = (usize_lit(tuple.size), usize_lit(tuple.align));
        let base = &core_params[0];
        quote! {
            let base = ::weft::rt::memory::pointer(#base as u32);
            #(let #args = unsafe { <#lifted as ::weft::rt::Lift>::load(base.add(#offsets)) };)*
            // The host allocated the parameter tuple with `cabi_realloc`.
            unsafe { ::weft::rt::memory::free(base, #size, #align) };
        }
    } else {
        let count = core_params.len();
        let slots = signature.params.iter().zip(&core_params).map(|(&t, p)| {
            let from = format_ident!("from_{}", t.to_string());
            quote!(::weft::rt::flat::#from(#p))
        });
        quote! {
            const _: () = ::core::assert!(0 #(+ <#lifted as ::weft::rt::ComponentType>::FLAT)* == #count);
            let slots: [u64; #count] = [#(#slots),*];
            let mut src = ::weft::rt::FlatReader::new(&slots);
            #(let #args = unsafe { <#lifted as ::weft::rt::Lift>::lift_flat(&mut src) };)*
        }
    };

    let call_args: Vec<TokenStream> = checked
        .params
        .iter()
        .zip(&args)
        .map(|(p, a)| match p.pass {
            Pass::Value => quote!(#a),
            Pass::Ref => quote!(&#a),
            Pass::Deref => quote!(&*#a),
        })
        .collect();
    let call = match checked.params.iter().any(|p| p.generic.is_some()) {
        false => quote!(#callee(#(#call_args),*)),
        // Borrows inside the arguments: the function is called through a
        // helper generic over their lifetime, so it must take them for
        // any lifetime, and cannot keep them past the call.
        true => {
            let types = checked
                .params
                .iter()
                .map(|p| p.generic.as_ref().unwrap_or(&p.lifted));
            let ret = checked.result.as_ref().map(|ty| quote!(-> #ty));
            quote!({
                #[inline(always)]
                fn call<'a>(#(#args: #types),*) #ret {
                    #callee(#(#call_args),*)
                }
                call(#(#args),*)
            })
        }
    };
    let export_attr =
        quote!(#[cfg_attr(target_arch = "wasm32", unsafe(export_name = #export_name))]);

    let (ret, body_end, post_return) = match (&checked.result, signature.results.first()) {
        (None, _) | (_, None) => (quote!(), quote!(#call;), quote!()),
        (Some(ty), Some(&core)) if !signature.results_in_memory => {
            let to = format_ident!("to_{}", core.to_string());
            let core = core_type(core);
            (
                quote!(-> #core),
                quote! {
                    const _: () = ::core::assert!(<#ty as ::weft::rt::ComponentType>::FLAT == 1);
                    let result = #call;
                    let mut out = [0u64; 1];
                    ::weft::rt::Lower::lower_flat(result, &mut ::weft::rt::FlatWriter::new(&mut out));
                    ::weft::rt::flat::#to(out[0])
                },
                quote!(),
            )
        }
        (Some(ty), Some(_)) => {
            let layout = abi.layout(
                func.result
                    .as_ref()
                    .expect("checked: the function has a result"),
            );
            let (size, align) = (usize_lit(layout.size), usize_lit(layout.align));
            let post_name = format!("cabi_post_{export_name}");
            (
                quote!(-> i32),
                quote! {
                    const _: () = {
                        ::core::assert!(<#ty as ::weft::rt::ComponentType>::SIZE == #size);
                        ::core::assert!(<#ty as ::weft::rt::ComponentType>::ALIGN == #align);
                    };
                    let result = #call;
                    let area = ::weft::rt::memory::return_area::<#ty>();
                    unsafe { ::weft::rt::Lower::store(result, area) };
                    ::weft::rt::memory::address(area) as i32
                },
                quote! {
                    #[doc(hidden)]
                    #[allow(non_snake_case, dead_code)]
                    #[cfg_attr(target_arch = "wasm32", unsafe(export_name = #post_name))]
                    unsafe extern "C" fn #post(area: i32) {
                        unsafe { ::weft::rt::memory::post_return::<#ty>(::weft::rt::memory::pointer(area as u32)) }
                    }
                },
            )
        }
    };

    Ok(quote! {
        #[doc(hidden)]
        #[allow(non_snake_case, dead_code, unused_mut, clippy::all)]
        #export_attr
        unsafe extern "C" fn #glue(#(#core_params: #core_types),*) #ret {
            const _: () = { #(#layout_checks)* };
            #lift
            #body_end
        }
        #post_return
    })
}

//! `#[export]`: a Rust function (or every `pub fn` of an inline module)
//! implementing an exported WIT function, checked against it, with the
//! canonical-ABI glue generated beside it.
//!
//! | file | concern |
//! |---|---|
//! | `lookup.rs` | which WIT function is meant; near names when none |
//! | `check.rs` | the Rust signature against the WIT one |
//! | `glue.rs` | the core export and its post-return function |
//! | `resource.rs` | an `impl` block implementing an exported resource |

mod check;
mod glue;
mod lookup;
mod resource;

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::{Item, ItemFn, ItemMod, LitStr, Visibility};

use crate::config::{self, Loaded};

/// The attribute's arguments.
#[derive(Default)]
struct Args {
    /// `interface = "name"`: the exported interface (short or full name).
    interface: Option<LitStr>,
    /// `name = "wit-name"`: the WIT function, when the Rust name differs.
    name: Option<LitStr>,
}

impl Args {
    fn parse(attr: TokenStream) -> syn::Result<Args> {
        let mut args = Args::default();
        let parser = syn::meta::parser(|meta| {
            if meta.path.is_ident("interface") {
                args.interface = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("name") {
                args.name = Some(meta.value()?.parse()?);
            } else {
                return Err(
                    meta.error("weft::export takes `interface = \"...\"` and `name = \"...\"`")
                );
            }
            Ok(())
        });
        syn::parse::Parser::parse2(parser, attr)?;
        Ok(args)
    }
}

/// Expands `#[export(attr)] item`.
pub fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args = Args::parse(attr)?;
    let item: Item = syn::parse2(item)?;
    let loaded = config::load().map_err(|m| syn::Error::new(proc_macro2::Span::call_site(), m))?;
    match item {
        Item::Fn(function) => {
            let interface = args.interface.as_ref().map(LitStr::value);
            let glue = export_fn(&loaded, interface.as_deref(), args.name.as_ref(), &function);
            Ok(quote!(#function #glue))
        }
        Item::Mod(module) => export_mod(&loaded, &args, module),
        Item::Impl(block) => {
            if let Some(name) = &args.name {
                return Err(syn::Error::new_spanned(
                    name,
                    "`name` applies to a function",
                ));
            }
            resource::expand(&loaded, args.interface.as_ref(), block)
        }
        other => Err(syn::Error::new_spanned(
            other,
            "weft::export goes on a function, an inline module of an interface's functions, \
             or the `impl` block of a resource's type",
        )),
    }
}

/// Every `pub fn` of `module` as a function of an exported interface:
/// `interface = "..."`, else the module's name in kebab-case.
fn export_mod(loaded: &Loaded, args: &Args, mut module: ItemMod) -> syn::Result<TokenStream> {
    if let Some(name) = &args.name {
        return Err(syn::Error::new_spanned(
            name,
            "`name` applies to a function, not a module",
        ));
    }
    let interface = match &args.interface {
        Some(name) => name.value(),
        None => kebab(&module.ident.to_string()),
    };
    if let Err(message) = lookup::interface(loaded, &interface) {
        let message = format!("weft: {message}");
        return Err(match &args.interface {
            Some(name) => syn::Error::new_spanned(name, message),
            None => syn::Error::new_spanned(&module.ident, message),
        });
    }
    let Some((_, items)) = &mut module.content else {
        return Err(syn::Error::new_spanned(
            &module,
            "weft::export needs the module's functions: write the module inline (`mod name { ... }`)",
        ));
    };
    let mut glue = Vec::new();
    for item in items.iter() {
        if let Item::Fn(function) = item {
            if matches!(function.vis, Visibility::Public(_)) {
                glue.push(export_fn(loaded, Some(&interface), None, function));
            }
        }
    }
    for tokens in glue {
        items.push(Item::Verbatim(tokens));
    }
    Ok(module.into_token_stream())
}

/// The glue for one function, or the errors that stop it.
fn export_fn(
    loaded: &Loaded,
    interface: Option<&str>,
    name: Option<&LitStr>,
    function: &ItemFn,
) -> TokenStream {
    let ident = &function.sig.ident;
    let rust_name = ident.to_string();
    // An explicit name is the only one tried; else the Rust name, as is
    // and in kebab-case.
    let (wit_name, by_rust_name) = match name {
        Some(name) => (name.value(), None),
        None => (kebab(&rust_name), Some(rust_name.as_str())),
    };
    let target = match lookup::find(loaded, interface, &wit_name, by_rust_name) {
        Ok(target) => target,
        Err(message) => {
            let span = name.map_or(ident.span(), LitStr::span);
            return syn::Error::new(span, format!("weft: {message}")).into_compile_error();
        }
    };
    let checked = match check::check(loaded, &target, &function.sig, None) {
        Ok(checked) => checked,
        Err(error) => return error.into_compile_error(),
    };
    glue::generate(loaded, &quote!(#ident), &rust_name, &target, &checked).unwrap_or_else(|err| {
        syn::Error::new_spanned(ident, format!("weft: {err}")).into_compile_error()
    })
}

/// A Rust name as a WIT name: `count_words` → `count-words`.
fn kebab(rust_name: &str) -> String {
    rust_name.trim_start_matches("r#").replace('_', "-")
}

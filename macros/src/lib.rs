//! `weft-macros`: the proc-macros of weft's guest crate, `weft`, which
//! re-exports them. Use them through `weft` (`weft::world!`,
//! `#[weft::export]`): the generated code names `::weft::rt`.
//!
//! Both macros read the crate's WIT at compile time (see `config.rs` for
//! where it is found) through `weft-wit`, and use its canonical-ABI
//! tables for every size, offset and core signature.
//!
//! | module | concern |
//! |---|---|
//! | `config` | where the WIT is, loading it once per compiler process |
//! | `world` | `world!`: the world's types, the `component-type` section |
//! | `rust_types`, `typedefs/` | the Rust type of every WIT type; generated records, variants, enums, flags |
//! | `imports` | the world's imported functions, callable from the guest |
//! | `export/` | `#[export]`: lookup, signature check, glue |
//! | `tokens` | small shared pieces of generated code |

mod config;
mod export;
mod imports;
mod rust_types;
mod tokens;
mod typedefs;
mod world;

use proc_macro::TokenStream;

/// Generates the Rust side of the crate's WIT world. Invoke it once, at
/// the crate root: `weft::world!();`. Exported resources are the crate's
/// own types (see [`macro@export`]); an imported resource is a generated
/// handle type whose constructor, methods and static functions call the
/// host.
///
/// The WIT is read from `wit/` beside the crate's `Cargo.toml`, or from
/// `[package.metadata.weft] wit = "path"` (a directory or a `.wit` file,
/// relative to the manifest); the world is the package's only one, or
/// `[package.metadata.weft] world = "name"`. The environment variables
/// `WEFT_WIT` and `WEFT_WORLD` override both, for tools and tests.
///
/// It generates:
///
/// - a Rust type for each record (a struct), variant and enum (an enum),
///   flags type (a bitflags-style struct) and type alias of the world, at
///   the crate root for the world's own types and in a module named after
///   each interface inside the module `wit` (`wit::shapes::Point` for
///   `interface shapes`), each with
///   the `weft::rt` traits that move it across the boundary, and
///   documented (the WIT's documentation, or a line naming the WIT item);
/// - for each exported resource, an alias (`wit::graph::Schema`) that
///   `#[export]` on the crate's `impl Schema` makes the crate's type, so
///   that records, variants, lists, ... holding the resource hold that
///   type; a `borrow<schema>` inside a type is `&'a Schema`, and a type
///   holding one has the lifetime `'a`;
/// - a Rust function for each imported function (the world's own at the
///   crate root, an interface's in its module), taking owned values;
///   outside wasm32 it panics, there being no host to call;
/// - the world, encoded by wit-component, in a `component-type` custom
///   section of the wasm module, from which wit-component (or
///   `weft componentize`) makes the component.
#[proc_macro]
pub fn world(input: TokenStream) -> TokenStream {
    world::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Exports a Rust function as the WIT function of the same name (in
/// kebab-case: `count_words` is `count-words`), or `name = "..."`.
///
/// On a function, it implements a function the world exports itself;
/// with `interface = "name"`, a function of the exported interface
/// `name` (its short or full name). On an inline module, every `pub fn`
/// of the module implements a function of the interface named by
/// `interface = "..."`, or by the module's name.
///
/// The signature is checked against the WIT at compile time: a type that
/// does not match is an error at that Rust type, showing the WIT
/// signature; a name the world does not export is an error listing the
/// near names. Parameters may be taken by value or by reference (`&str`
/// for `string`, `&[T]` for `list<T>`, `&T`).
///
/// On an `impl` block, the type implements the exported resource of the
/// same name (`Counter` for `counter`; `interface = "..."` if several
/// exported interfaces have one): `pub fn new` is its constructor,
/// `pub fn`s taking `&self` its methods, other `pub fn`s its static
/// functions. `Counter` stands for `own<counter>` and `&Counter` for a
/// `borrow<counter>` parameter, inside other types too (`Vec<Counter>`,
/// `Option<&Counter>`, a generated record holding either); a function
/// taking borrows inside a parameter's type may not keep them past the
/// call.
///
/// The generated glue is the core function wit-component expects
/// (`name` or `ns:pkg/iface#name`) and, when the result is returned
/// through memory, its `cabi_post_` function.
#[proc_macro_attribute]
pub fn export(attr: TokenStream, item: TokenStream) -> TokenStream {
    let item: proc_macro2::TokenStream = item.into();
    match export::expand(attr.into(), item.clone()) {
        Ok(tokens) => tokens.into(),
        // Keep the item, so that one error does not cascade into others.
        Err(error) => {
            let error = error.into_compile_error();
            quote::quote!(#item #error).into()
        }
    }
}

//! A Rust signature checked against its WIT function, at compile time.
//!
//! The check is on the written types: `u32` for `u32`, `i32` for `s32`,
//! `String` (or `&str` as a parameter) for `string`, `Vec<T>` (or `&[T]`)
//! for `list<T>`, `Option<T>`, `Result<T, E>` with `()` for a missing
//! type, tuples, and a generated type by its name (the last path segment:
//! `Point` or `shapes::Point`). An exported resource is its Rust type
//! (`Counter`, or `Self` in its `impl`) for `own<counter>`, and `&Counter`
//! for a `borrow<counter>` parameter; a method's `self: borrow<counter>`
//! is `&self`. An imported resource is its generated handle type, the
//! same way. A mismatch is an error at the innermost
//! Rust type that differs, naming what the WIT wants there and showing the
//! WIT signature. The generated glue then asks the compiler to prove the
//! rest (that the named types implement `Lift`/`Lower`).
//!
//! Inside a parameter's type (a record, tuple, option, list, ...), a
//! `borrow<counter>` of an exported resource is `&Counter` (generated
//! types holding one take a lifetime: `Pair<'_>`); the glue lifts the
//! parameter as the generated Rust type of its WIT type and hands it to
//! the function through a helper generic over the borrows' lifetime, so
//! that a function wanting them for longer than the call (`'static`) does
//! not compile. A borrow of an imported resource there is not supported
//! yet (it would be a handle the guest must drop before returning).

use quote::ToTokens;
use syn::{FnArg, GenericArgument, PathArguments, ReceiverKind, ReturnType, Signature};
use weft_wit::names::rust as names;
use weft_wit::wit_parser::{
    FunctionKind, Handle, InterfaceId, Resolve, Type, TypeDefKind, TypeOwner, WorldItem,
};

use super::lookup::Target;
use crate::config::Loaded;
use crate::rust_types::{resource_def, TypePaths};
use weft_wit::text::{signature_text, type_text};

/// How the glue passes one parameter to the Rust function.
pub struct Param {
    /// The type lifted from the host (owned; borrows inside it for `'_`).
    pub lifted: syn::Type,
    /// How the lifted value is passed.
    pub pass: Pass,
    /// For a type holding borrows: the lifted type with the borrows'
    /// lifetime `'a`, a generic parameter of the helper that calls the
    /// function.
    pub generic: Option<syn::Type>,
}

/// How a lifted argument is passed to the Rust function.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// `arg`
    Value,
    /// `&arg`
    Ref,
    /// `&*arg`: a borrowed resource.
    Deref,
}

/// The checked signature: how each parameter is passed, and the result
/// type if the WIT function has one.
pub struct Checked {
    pub params: Vec<Param>,
    pub result: Option<syn::Type>,
}

/// Checks `sig` against the WIT function of `target`; in an `impl` block,
/// `self_ty` is the block's type, which `Self` stands for.
pub fn check(
    loaded: &Loaded,
    target: &Target<'_>,
    sig: &Signature,
    self_ty: Option<&syn::Type>,
) -> syn::Result<Checked> {
    let sig = &match self_ty {
        Some(self_ty) => replace_self(sig, self_ty),
        None => sig.clone(),
    };
    let resolve = &loaded.wit.resolve;
    let wit_sig = signature_text(resolve, target.func);
    let note = |message: String| format!("{message}\n  = note: the WIT function is `{wit_sig}`");
    // Errors over tokens span them all, not only their first token.
    let at =
        |tokens: &dyn ToTokens, message: String| syn::Error::new_spanned(tokens, note(message));
    if let Some(asyncness) = &sig.asyncness {
        return Err(at(
            asyncness,
            "weft: async exports are not supported yet".into(),
        ));
    }
    if sig
        .generics
        .params
        .iter()
        .any(|p| !matches!(p, syn::GenericParam::Lifetime(_)))
    {
        return Err(at(
            &sig.generics,
            "weft: an exported function cannot be generic".into(),
        ));
    }
    let wit_params = &target.func.params;
    if sig.inputs.len() != wit_params.len() {
        let message = format!(
            "weft: the WIT function takes {} parameter(s), this function takes {}",
            wit_params.len(),
            sig.inputs.len()
        );
        return Err(match sig.inputs.is_empty() {
            true => at(&sig.ident, message),
            false => at(&sig.inputs, message),
        });
    }
    let world = &resolve.worlds[loaded.world];
    let imported = world
        .imports
        .values()
        .filter_map(|item| match item {
            WorldItem::Interface { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    let paths = TypePaths::new(loaded).map_err(|m| at(&sig.ident, m))?;
    let cx = Cx {
        resolve,
        imported,
        paths,
    };
    let mut params = Vec::new();
    let is_method = matches!(target.func.kind, FunctionKind::Method(_));
    for (i, (input, wit)) in sig.inputs.iter().zip(wit_params).enumerate() {
        let input = match (input, is_method && i == 0, self_ty) {
            (FnArg::Receiver(receiver), true, Some(self_ty)) => {
                if !matches!(receiver.kind, ReceiverKind::Reference(_, _, None)) {
                    return Err(at(
                        receiver,
                        "weft: a resource method takes `&self` (a borrow; use interior \
                         mutability to change the value)"
                            .into(),
                    ));
                }
                params.push(Param {
                    lifted: syn::parse_quote!(::weft::rt::resource::Borrowed<#self_ty>),
                    pass: Pass::Deref,
                    generic: None,
                });
                continue;
            }
            (_, true, _) => {
                return Err(at(
                    input,
                    "weft: a resource method takes `&self` first".into(),
                ));
            }
            (FnArg::Receiver(receiver), false, _) => {
                return Err(at(
                    receiver,
                    "weft: this WIT function takes no `self`".into(),
                ));
            }
            (FnArg::Typed(input), false, _) => input,
        };
        let param = cx.param(&input.ty, &wit.ty).map_err(|m| {
            let message = match m.message {
                Some(message) => format!("weft: {message}, in parameter `{}`", wit.name),
                None => format!(
                    "weft: expected `{}` here: the WIT type is `{}`, in parameter `{}`",
                    m.rust_expected, m.wit, wit.name
                ),
            };
            at(m.rust, message)
        })?;
        params.push(param);
    }
    let result = match (&sig.output, &target.func.result) {
        (ReturnType::Default, None) => None,
        (ReturnType::Type(_, ty), None) if is_unit(ty) => None,
        (ReturnType::Type(_, ty), None) => {
            return Err(at(ty, "weft: the WIT function returns nothing".into()));
        }
        (ReturnType::Default, Some(wit)) => {
            let message = format!(
                "weft: the WIT function returns `{}`: add `-> {}`",
                type_text(resolve, wit),
                cx.spelling(wit)
            );
            return Err(syn::Error::new(sig.paren_token.span.close(), note(message)));
        }
        (ReturnType::Type(_, ty), Some(wit)) => {
            cx.check(ty, wit).map_err(|m| {
                let message = match m.message {
                    Some(message) => format!("weft: {message}, in the result"),
                    None => format!(
                        "weft: expected `{}` here: the WIT type is `{}`, in the result",
                        m.rust_expected, m.wit
                    ),
                };
                at(m.rust, message)
            })?;
            Some((**ty).clone())
        }
    };
    Ok(Checked { params, result })
}

/// A Rust type that differs from its WIT type.
struct Mismatch<'r> {
    rust: &'r syn::Type,
    wit: String,
    rust_expected: String,
    /// What is wrong, when it is not a different type.
    message: Option<String>,
}

struct Cx<'a> {
    resolve: &'a Resolve,
    /// The interfaces the world imports.
    imported: Vec<InterfaceId>,
    /// The generated types.
    paths: TypePaths,
}

impl Cx<'_> {
    /// A parameter: the type itself, or a reference to it (`&str` for a
    /// `String`, `&[T]` for a `Vec<T>`); a type holding borrows is lifted
    /// as the generated type of its WIT type.
    fn param<'r>(&self, rust: &'r syn::Type, wit: &Type) -> Result<Param, Mismatch<'r>> {
        let mut param = self.param_type(rust, wit)?;
        let handles = self.paths.handles(self.resolve, wit);
        if !handles.borrow() || self.borrowed(wit).is_some() {
            return Ok(param);
        }
        if handles.imported_borrow {
            return Err(Mismatch {
                message: Some(format!(
                    "a borrow of an imported resource inside a parameter's type (`{}`) is not \
                     supported yet; take the handle itself (`borrow<r>` as the parameter)",
                    type_text(self.resolve, wit)
                )),
                ..self.mismatch(rust, wit)
            });
        }
        let of = |lifetime: proc_macro2::TokenStream| {
            let tokens = self
                .paths
                .rust_type(self.resolve, wit, &lifetime)
                .map_err(|m| Mismatch {
                    message: Some(m),
                    ..self.mismatch(rust, wit)
                })?;
            syn::parse2::<syn::Type>(tokens).map_err(|e| Mismatch {
                message: Some(e.to_string()),
                ..self.mismatch(rust, wit)
            })
        };
        param.lifted = of(quote::quote!('_))?;
        param.generic = Some(of(quote::quote!('a))?);
        Ok(param)
    }

    /// [`Cx::param`] before the lifted type of borrows.
    fn param_type<'r>(&self, rust: &'r syn::Type, wit: &Type) -> Result<Param, Mismatch<'r>> {
        let rust_ref = peel(rust);
        if let syn::Type::Reference(reference) = rust_ref {
            if reference.mutability.is_none() {
                let elem = peel(&reference.elem);
                let lifted: syn::Type = match elem {
                    syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident("str") => {
                        return match self.is_string(wit) {
                            true => Ok(Param {
                                lifted: syn::parse_quote!(::weft::rt::alloc::String),
                                pass: Pass::Ref,
                                generic: None,
                            }),
                            false => Err(self.mismatch(rust, wit)),
                        };
                    }
                    syn::Type::Slice(slice) => {
                        let inner = &slice.elem;
                        let Some(item) = self.list_item(wit) else {
                            return Err(self.mismatch(rust, wit));
                        };
                        self.check(inner, &item)?;
                        syn::parse_quote!(::weft::rt::alloc::Vec<#inner>)
                    }
                    other => {
                        if let Some((resource, imported)) = self.borrowed(wit) {
                            if !generic(other, &names::type_name(resource))
                                .is_some_and(|a| a.is_empty())
                            {
                                return Err(self.mismatch(rust, wit));
                            }
                            if names_static(rust) {
                                return Err(self.outlives(rust, wit));
                            }
                            // An imported resource's borrow is a handle the
                            // guest drops before returning (the lifted value
                            // does, when the glue ends); an exported one's is
                            // the rep of a value the guest keeps.
                            return Ok(match imported {
                                true => Param {
                                    lifted: other.clone(),
                                    pass: Pass::Ref,
                                    generic: None,
                                },
                                false => Param {
                                    lifted: syn::parse_quote!(::weft::rt::resource::Borrowed<#other>),
                                    pass: Pass::Deref,
                                    generic: None,
                                },
                            });
                        }
                        self.check(other, wit)?;
                        other.clone()
                    }
                };
                return Ok(Param {
                    lifted,
                    pass: Pass::Ref,
                    generic: None,
                });
            }
        }
        self.check(rust, wit)?;
        Ok(Param {
            lifted: rust.clone(),
            pass: Pass::Value,
            generic: None,
        })
    }

    /// If `wit` is `borrow<r>`, the resource's name and whether the world
    /// imports it (else it exports it).
    fn borrowed(&self, wit: &Type) -> Option<(&str, bool)> {
        let Type::Id(id) = wit else {
            return None;
        };
        match &self.resolve.types[*id].kind {
            TypeDefKind::Handle(Handle::Borrow(r)) => {
                let def = &self.resolve.types[resource_def(self.resolve, *r)];
                let imported = match def.owner {
                    TypeOwner::Interface(iface) => self.imported.contains(&iface),
                    _ => false,
                };
                Some((def.name.as_deref()?, imported))
            }
            TypeDefKind::Type(inner) => self.borrowed(inner),
            _ => None,
        }
    }

    fn is_string(&self, wit: &Type) -> bool {
        match wit {
            Type::String => true,
            Type::Id(id) => {
                matches!(&self.resolve.types[*id].kind, TypeDefKind::Type(inner) if self.is_string(inner))
            }
            _ => false,
        }
    }

    fn list_item(&self, wit: &Type) -> Option<Type> {
        match &self.resolve.types[match wit {
            Type::Id(id) => *id,
            _ => return None,
        }]
        .kind
        {
            TypeDefKind::List(item) => Some(*item),
            TypeDefKind::Type(inner) => self.list_item(inner),
            _ => None,
        }
    }

    fn mismatch<'r>(&self, rust: &'r syn::Type, wit: &Type) -> Mismatch<'r> {
        Mismatch {
            rust,
            wit: type_text(self.resolve, wit),
            rust_expected: self.spelling(wit),
            message: None,
        }
    }

    /// A type holding borrows for `'static`.
    fn outlives<'r>(&self, rust: &'r syn::Type, wit: &Type) -> Mismatch<'r> {
        Mismatch {
            message: Some(format!(
                "a borrow lives for the call only: `{}` (the WIT type `{}`) cannot be \
                 `'static`",
                self.spelling(wit),
                type_text(self.resolve, wit),
            )),
            ..self.mismatch(rust, wit)
        }
    }

    /// Checks `rust` against `wit`, down to the innermost difference.
    fn check<'r>(&self, rust: &'r syn::Type, wit: &Type) -> Result<(), Mismatch<'r>> {
        let rust = peel(rust);
        if self.paths.handles(self.resolve, wit).borrow() && names_static(rust) {
            return Err(self.outlives(rust, wit));
        }
        let primitive = match wit {
            Type::Bool => Some("bool"),
            Type::U8 => Some("u8"),
            Type::U16 => Some("u16"),
            Type::U32 => Some("u32"),
            Type::U64 => Some("u64"),
            Type::S8 => Some("i8"),
            Type::S16 => Some("i16"),
            Type::S32 => Some("i32"),
            Type::S64 => Some("i64"),
            Type::F32 => Some("f32"),
            Type::F64 => Some("f64"),
            Type::Char => Some("char"),
            Type::String => Some("String"),
            Type::ErrorContext | Type::Id(_) => None,
        };
        if let Some(name) = primitive {
            return match generic(rust, name) {
                Some(args) if args.is_empty() => Ok(()),
                _ => Err(self.mismatch(rust, wit)),
            };
        }
        let Type::Id(id) = wit else {
            return Err(self.mismatch(rust, wit));
        };
        let def = &self.resolve.types[*id];
        if let Some(name) = &def.name {
            if generic(rust, &names::type_name(name)).is_some_and(|args| args.is_empty()) {
                return Ok(());
            }
        }
        let with_args = |name: &str, count: usize| match generic(rust, name) {
            Some(args) if args.len() == count => Ok(args),
            _ => Err(self.mismatch(rust, wit)),
        };
        match &def.kind {
            TypeDefKind::Type(inner) => self.check(rust, inner),
            TypeDefKind::List(item) => self.check(with_args("Vec", 1)?[0], item),
            TypeDefKind::Option(item) => self.check(with_args("Option", 1)?[0], item),
            TypeDefKind::Result(r) => {
                let args = with_args("Result", 2)?;
                self.check_maybe(args[0], r.ok.as_ref())?;
                self.check_maybe(args[1], r.err.as_ref())
            }
            TypeDefKind::Handle(Handle::Own(r)) => {
                let name = self.resolve.types[*r].name.as_deref().unwrap_or_default();
                match generic(rust, &names::type_name(name)) {
                    Some(args) if args.is_empty() => Ok(()),
                    _ => Err(self.mismatch(rust, wit)),
                }
            }
            // Inside a parameter's type (WIT allows borrows nowhere else).
            TypeDefKind::Handle(Handle::Borrow(r)) => {
                let name = self.resolve.types[*r].name.as_deref().unwrap_or_default();
                match rust {
                    syn::Type::Reference(reference)
                        if reference.mutability.is_none()
                            && generic(&reference.elem, &names::type_name(name))
                                .is_some_and(|args| args.is_empty()) =>
                    {
                        Ok(())
                    }
                    _ => Err(self.mismatch(rust, wit)),
                }
            }
            TypeDefKind::Tuple(t) => match rust {
                syn::Type::Tuple(tuple) if tuple.elems.len() == t.types.len() => tuple
                    .elems
                    .iter()
                    .zip(&t.types)
                    .try_for_each(|(r, w)| self.check(r, w)),
                _ => Err(self.mismatch(rust, wit)),
            },
            _ => Err(self.mismatch(rust, wit)),
        }
    }

    /// A `result` payload: the type, or `()` where WIT has none.
    fn check_maybe<'r>(&self, rust: &'r syn::Type, wit: Option<&Type>) -> Result<(), Mismatch<'r>> {
        match wit {
            Some(wit) => self.check(rust, wit),
            None if is_unit(rust) => Ok(()),
            None => Err(Mismatch {
                rust,
                wit: "_".into(),
                rust_expected: "()".into(),
                message: None,
            }),
        }
    }

    /// How the Rust side spells the WIT type `wit`.
    fn spelling(&self, wit: &Type) -> String {
        match wit {
            Type::S8 => "i8".into(),
            Type::S16 => "i16".into(),
            Type::S32 => "i32".into(),
            Type::S64 => "i64".into(),
            Type::String => "String".into(),
            Type::Id(id) => {
                let def = &self.resolve.types[*id];
                if let Some(name) = &def.name {
                    return match self.paths.handles(self.resolve, wit).borrow() {
                        true => format!("{}<'_>", names::type_name(name)),
                        false => names::type_name(name),
                    };
                }
                let maybe = |t: &Option<Type>| {
                    t.as_ref()
                        .map_or_else(|| "()".to_string(), |t| self.spelling(t))
                };
                match &def.kind {
                    TypeDefKind::List(t) => format!("Vec<{}>", self.spelling(t)),
                    TypeDefKind::Option(t) => format!("Option<{}>", self.spelling(t)),
                    TypeDefKind::Result(r) => {
                        format!("Result<{}, {}>", maybe(&r.ok), maybe(&r.err))
                    }
                    TypeDefKind::Tuple(t) => {
                        let items: Vec<String> = t.types.iter().map(|t| self.spelling(t)).collect();
                        if items.len() == 1 {
                            format!("({},)", items[0])
                        } else {
                            format!("({})", items.join(", "))
                        }
                    }
                    TypeDefKind::Type(t) => self.spelling(t),
                    TypeDefKind::Handle(Handle::Own(r)) => {
                        names::type_name(self.resolve.types[*r].name.as_deref().unwrap_or_default())
                    }
                    TypeDefKind::Handle(Handle::Borrow(r)) => format!(
                        "&{}",
                        names::type_name(
                            self.resolve.types[*r].name.as_deref().unwrap_or_default()
                        )
                    ),
                    _ => type_text(self.resolve, wit),
                }
            }
            other => type_text(self.resolve, other),
        }
    }
}

/// `ty` without invisible groups and parentheses.
fn peel(ty: &syn::Type) -> &syn::Type {
    match ty {
        syn::Type::Group(group) => peel(&group.elem),
        syn::Type::Paren(paren) => peel(&paren.elem),
        other => other,
    }
}

/// Whether `ty` names the lifetime `'static`.
fn names_static(ty: &syn::Type) -> bool {
    fn walk(tokens: proc_macro2::TokenStream) -> bool {
        let mut apostrophe = false;
        for token in tokens {
            match token {
                proc_macro2::TokenTree::Punct(p) => apostrophe = p.as_char() == '\'',
                proc_macro2::TokenTree::Ident(i) if apostrophe && i == "static" => return true,
                proc_macro2::TokenTree::Group(g) if walk(g.stream()) => return true,
                _ => apostrophe = false,
            }
        }
        false
    }
    walk(ty.to_token_stream())
}

fn is_unit(ty: &syn::Type) -> bool {
    matches!(peel(ty), syn::Type::Tuple(t) if t.elems.is_empty())
}

/// If `ty` is a path whose last segment is `name`, its type arguments
/// (lifetimes left out: `Pair<'_>` is `Pair`).
fn generic<'r>(ty: &'r syn::Type, name: &str) -> Option<Vec<&'r syn::Type>> {
    let syn::Type::Path(path) = peel(ty) else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    match &last.arguments {
        PathArguments::None => Some(Vec::new()),
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter(|arg| !matches!(arg, GenericArgument::Lifetime(_)))
            .map(|arg| match arg {
                GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
        PathArguments::Parenthesized(_) => None,
    }
}

/// `sig` with `Self` replaced by `self_ty`, so that the glue, outside the
/// `impl` block, names the type.
fn replace_self(sig: &Signature, self_ty: &syn::Type) -> Signature {
    let mut sig = sig.clone();
    for input in &mut sig.inputs {
        if let FnArg::Typed(input) = input {
            replace_in(&mut input.ty, self_ty);
        }
    }
    if let ReturnType::Type(_, ty) = &mut sig.output {
        replace_in(ty, self_ty);
    }
    sig
}

fn replace_in(ty: &mut syn::Type, self_ty: &syn::Type) {
    match ty {
        syn::Type::Path(path) if path.qself.is_none() && path.path.is_ident("Self") => {
            *ty = self_ty.clone();
        }
        syn::Type::Path(path) => {
            for segment in &mut path.path.segments {
                if let PathArguments::AngleBracketed(args) = &mut segment.arguments {
                    for arg in &mut args.args {
                        if let GenericArgument::Type(ty) = arg {
                            replace_in(ty, self_ty);
                        }
                    }
                }
            }
        }
        syn::Type::Reference(reference) => replace_in(&mut reference.elem, self_ty),
        syn::Type::Slice(slice) => replace_in(&mut slice.elem, self_ty),
        syn::Type::Paren(paren) => replace_in(&mut paren.elem, self_ty),
        syn::Type::Group(group) => replace_in(&mut group.elem, self_ty),
        syn::Type::Tuple(tuple) => tuple.elems.iter_mut().for_each(|t| replace_in(t, self_ty)),
        _ => {}
    }
}

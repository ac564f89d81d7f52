//! Where `world!` puts the Rust type of each named WIT type, and the Rust
//! type (as tokens) of any WIT type.
//!
//! A world's own types go to the crate root; an interface's types go to
//! a module named after the interface inside the module `wit`
//! (`wit::shapes` for `ns:pkg/shapes`), which leaves the interface's own
//! name free for the crate's module of `#[export]`ed functions.
//! Generated code names them by absolute path from the crate root, which
//! is why `world!` must be invoked there.

use std::collections::HashMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use weft_wit::names::rust as names;
use weft_wit::wit_parser::{
    Handle, InterfaceId, Resolve, Type, TypeDefKind, TypeId, TypeOwner, WorldItem,
};

use crate::config::Loaded;

/// The module of each interface the world imports or exports.
pub struct TypePaths {
    modules: HashMap<InterfaceId, Ident>,
    /// The imported interfaces, by the name the component gives them
    /// (`ns:pkg/iface@1.0.0`).
    imported: HashMap<InterfaceId, String>,
}

impl TypePaths {
    /// Names a module for every interface of the world; an error if two
    /// interfaces would share one.
    pub fn new(loaded: &Loaded) -> Result<TypePaths, String> {
        let resolve = &loaded.wit.resolve;
        let world = &resolve.worlds[loaded.world];
        let mut modules = HashMap::new();
        let mut imported = HashMap::new();
        let mut taken: HashMap<String, String> = HashMap::new();
        for (key, item) in &world.imports {
            if let WorldItem::Interface { id, .. } = item {
                imported.insert(*id, resolve.name_world_key(key));
            }
        }
        for (key, item) in world.imports.iter().chain(&world.exports) {
            let WorldItem::Interface { id, .. } = item else {
                continue;
            };
            if modules.contains_key(id) {
                continue;
            }
            let short = resolve.interfaces[*id]
                .name
                .clone()
                .unwrap_or_else(|| resolve.name_world_key(key));
            let module = names::module_name(&short);
            let full = resolve.name_world_key(key);
            if let Some(other) = taken.insert(module.clone(), full.clone()) {
                return Err(format!(
                    "weft: the interfaces `{other}` and `{full}` would both be the module \
                     `{module}`; interfaces of the same name are not supported yet"
                ));
            }
            modules.insert(*id, ident(&module));
        }
        Ok(TypePaths { modules, imported })
    }

    /// The name of the imported interface `id`, which is also its core
    /// import module; `None` if the world does not import it.
    pub fn imported(&self, id: InterfaceId) -> Option<&str> {
        self.imported.get(&id).map(String::as_str)
    }

    /// The import module of the resource type `id`'s built-ins, if the
    /// world imports the interface that defines it.
    pub fn imported_resource(&self, resolve: &Resolve, id: TypeId) -> Option<&str> {
        match resolve.types[resource_def(resolve, id)].owner {
            TypeOwner::Interface(iface) => self.imported(iface),
            _ => None,
        }
    }

    /// The module for the interface `id`, if the world has it.
    pub fn module(&self, id: InterfaceId) -> Option<&Ident> {
        self.modules.get(&id)
    }

    /// The absolute path of the named type `id`.
    pub fn path(&self, resolve: &Resolve, id: TypeId) -> TokenStream {
        let def = &resolve.types[id];
        let name = ident(&names::type_name(
            def.name.as_deref().unwrap_or("anonymous"),
        ));
        match def.owner {
            TypeOwner::Interface(iface) => match self.modules.get(&iface) {
                Some(module) => quote!(crate::wit::#module::#name),
                None => quote!(crate::#name),
            },
            TypeOwner::World(_) | TypeOwner::None => quote!(crate::#name),
        }
    }

    /// The Rust type standing for the WIT type `ty`.
    pub fn rust_type(&self, resolve: &Resolve, ty: &Type) -> Result<TokenStream, String> {
        Ok(match ty {
            Type::Bool => quote!(bool),
            Type::U8 => quote!(u8),
            Type::U16 => quote!(u16),
            Type::U32 => quote!(u32),
            Type::U64 => quote!(u64),
            Type::S8 => quote!(i8),
            Type::S16 => quote!(i16),
            Type::S32 => quote!(i32),
            Type::S64 => quote!(i64),
            Type::F32 => quote!(f32),
            Type::F64 => quote!(f64),
            Type::Char => quote!(char),
            Type::String => quote!(::weft::rt::alloc::String),
            Type::ErrorContext => return Err(unsupported("error-context")),
            Type::Id(id) => {
                let def = &resolve.types[*id];
                if def.name.is_some() {
                    return Ok(self.path(resolve, *id));
                }
                self.anonymous(resolve, &def.kind)?
            }
        })
    }

    /// The Rust type of an unnamed type definition (or of what a named
    /// alias stands for).
    pub fn anonymous(&self, resolve: &Resolve, kind: &TypeDefKind) -> Result<TokenStream, String> {
        let of = |ty: &Type| self.rust_type(resolve, ty);
        let of_maybe = |ty: &Option<Type>| match ty {
            Some(ty) => of(ty),
            None => Ok(quote!(())),
        };
        let resource = |r: &TypeId| match self.imported_resource(resolve, *r) {
            Some(_) => Ok(self.path(resolve, *r)),
            None => Err(unsupported("handles of exported resources inside")),
        };
        Ok(match kind {
            TypeDefKind::Type(inner) => of(inner)?,
            TypeDefKind::Handle(Handle::Own(r)) => resource(r)?,
            TypeDefKind::Handle(Handle::Borrow(r)) => {
                let path = resource(r)?;
                quote!(&#path)
            }
            TypeDefKind::List(t) => {
                let t = of(t)?;
                quote!(::weft::rt::alloc::Vec<#t>)
            }
            TypeDefKind::Option(t) => {
                let t = of(t)?;
                quote!(::core::option::Option<#t>)
            }
            TypeDefKind::Result(r) => {
                let (ok, err) = (of_maybe(&r.ok)?, of_maybe(&r.err)?);
                quote!(::core::result::Result<#ok, #err>)
            }
            TypeDefKind::Tuple(t) => {
                let items = t.types.iter().map(of).collect::<Result<Vec<_>, _>>()?;
                quote!((#(#items,)*))
            }
            other => return Err(unsupported(other.as_str())),
        })
    }
}

/// The resource type `id` names, following aliases (`use iface.{r}` in a
/// world makes one).
pub fn resource_def(resolve: &Resolve, id: TypeId) -> TypeId {
    match resolve.types[id].kind {
        TypeDefKind::Type(Type::Id(inner)) => resource_def(resolve, inner),
        _ => id,
    }
}

/// The message for a WIT type `world!` cannot generate yet.
pub fn unsupported(kind: &str) -> String {
    format!("weft: WIT `{kind}` types are not supported by weft's Rust guests yet")
}

/// An identifier from a name that `weft_wit::names::rust` made (possibly
/// raw, `r#type`).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => format_ident!("{}", name),
    }
}

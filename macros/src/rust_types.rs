//! Where `world!` puts the Rust type of each named WIT type, and the Rust
//! type (as tokens) of any WIT type.
//!
//! A world's own types go to the crate root; an interface's types go to
//! a module named after the interface inside the module `wit`
//! (`wit::shapes` for `ns:pkg/shapes`), which leaves the interface's own
//! name free for the crate's module of `#[export]`ed functions.
//! Generated code names them by absolute path from the crate root, which
//! is why `world!` must be invoked there.
//!
//! An exported resource is the crate's own type, which `world!` cannot
//! name: it generates a marker type per exported resource
//! (`wit::<iface>::__resources::<resource>`) and an alias
//! `wit::<iface>::<Resource>` = `<marker as weft::rt::resource::Exported>::Rust`,
//! which `#[export]` on the type's `impl` block makes the crate's type.
//! A `borrow<r>` is `&'a R`; a named type holding one (directly or
//! through other types) takes the lifetime `'a`.

use std::cell::RefCell;
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
    /// The handles each named type holds, once worked out.
    handles: RefCell<HashMap<TypeId, Handles>>,
}

/// The resource handles a type holds, directly or inside its parts.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Handles {
    /// Any handle, `own` or `borrow`, of any resource.
    pub any: bool,
    /// A `borrow` of an imported resource: the type can be lowered (an
    /// import's parameter) but not lifted.
    pub imported_borrow: bool,
    /// A `borrow` of an exported resource: the type can be lifted (an
    /// export's parameter) but not lowered.
    pub exported_borrow: bool,
}

impl Handles {
    /// Whether the type holds a `borrow`, and so takes a lifetime.
    pub fn borrow(self) -> bool {
        self.imported_borrow || self.exported_borrow
    }

    fn or(self, other: Handles) -> Handles {
        Handles {
            any: self.any || other.any,
            imported_borrow: self.imported_borrow || other.imported_borrow,
            exported_borrow: self.exported_borrow || other.exported_borrow,
        }
    }
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
        Ok(TypePaths {
            modules,
            imported,
            handles: RefCell::default(),
        })
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

    /// The absolute path of the named type `id`, without its lifetime.
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

    /// Whether the resource type `id` (or an alias of one) is exported:
    /// defined by an interface the world does not import.
    pub fn is_exported_resource(&self, resolve: &Resolve, id: TypeId) -> bool {
        let def = &resolve.types[resource_def(resolve, id)];
        match (&def.kind, def.owner) {
            (TypeDefKind::Resource, TypeOwner::Interface(iface)) => self.imported(iface).is_none(),
            _ => false,
        }
    }

    /// The marker type of the exported resource `id`, for which
    /// `#[export]` implements `weft::rt::resource::Exported`.
    pub fn marker(&self, resolve: &Resolve, id: TypeId) -> TokenStream {
        let def = &resolve.types[resource_def(resolve, id)];
        let name = ident(&names::module_name(def.name.as_deref().unwrap_or_default()));
        match def.owner {
            TypeOwner::Interface(iface) => match self.modules.get(&iface) {
                Some(module) => quote!(crate::wit::#module::__resources::#name),
                None => quote!(crate::__resources::#name),
            },
            _ => quote!(crate::__resources::#name),
        }
    }

    /// The handles the WIT type `ty` holds.
    pub fn handles(&self, resolve: &Resolve, ty: &Type) -> Handles {
        match ty {
            Type::Id(id) => self.handles_of(resolve, *id),
            _ => Handles::default(),
        }
    }

    fn handles_of(&self, resolve: &Resolve, id: TypeId) -> Handles {
        if let Some(known) = self.handles.borrow().get(&id) {
            return *known;
        }
        let of = |ty: &Type| self.handles(resolve, ty);
        let of_maybe = |ty: &Option<Type>| ty.as_ref().map(of).unwrap_or_default();
        let handles = match &resolve.types[id].kind {
            TypeDefKind::Handle(Handle::Own(_)) => Handles {
                any: true,
                ..Handles::default()
            },
            TypeDefKind::Handle(Handle::Borrow(r)) => {
                let exported = self.is_exported_resource(resolve, *r);
                Handles {
                    any: true,
                    imported_borrow: !exported,
                    exported_borrow: exported,
                }
            }
            TypeDefKind::Record(r) => r
                .fields
                .iter()
                .fold(Handles::default(), |h, f| h.or(of(&f.ty))),
            TypeDefKind::Variant(v) => v
                .cases
                .iter()
                .fold(Handles::default(), |h, c| h.or(of_maybe(&c.ty))),
            TypeDefKind::Tuple(t) => t.types.iter().fold(Handles::default(), |h, t| h.or(of(t))),
            TypeDefKind::Type(t) | TypeDefKind::List(t) | TypeDefKind::Option(t) => of(t),
            TypeDefKind::Result(r) => of_maybe(&r.ok).or(of_maybe(&r.err)),
            _ => Handles::default(),
        };
        self.handles.borrow_mut().insert(id, handles);
        handles
    }

    /// The generic parameters of the named type `id`: `<'a>` if it holds
    /// a borrow, else nothing.
    pub fn generics(&self, resolve: &Resolve, id: TypeId) -> TokenStream {
        match self.handles_of(resolve, id).borrow() {
            true => quote!(<'a>),
            false => quote!(),
        }
    }

    /// The Rust type standing for the WIT type `ty`, `lifetime` (`'a`,
    /// `'_`, `'static`) being the lifetime of the borrows in it.
    pub fn rust_type(
        &self,
        resolve: &Resolve,
        ty: &Type,
        lifetime: &TokenStream,
    ) -> Result<TokenStream, String> {
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
                    let path = self.path(resolve, *id);
                    return Ok(match self.handles_of(resolve, *id).borrow() {
                        true => quote!(#path<#lifetime>),
                        false => path,
                    });
                }
                self.anonymous(resolve, &def.kind, lifetime)?
            }
        })
    }

    /// The Rust type of an unnamed type definition (or of what a named
    /// alias stands for).
    pub fn anonymous(
        &self,
        resolve: &Resolve,
        kind: &TypeDefKind,
        lifetime: &TokenStream,
    ) -> Result<TokenStream, String> {
        let of = |ty: &Type| self.rust_type(resolve, ty, lifetime);
        let of_maybe = |ty: &Option<Type>| match ty {
            Some(ty) => of(ty),
            None => Ok(quote!(())),
        };
        Ok(match kind {
            TypeDefKind::Type(inner) => of(inner)?,
            // An imported resource's handle type, or the alias of an
            // exported resource's Rust type.
            TypeDefKind::Handle(Handle::Own(r)) => self.path(resolve, *r),
            TypeDefKind::Handle(Handle::Borrow(r)) => {
                let path = self.path(resolve, *r);
                quote!(&#lifetime #path)
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

//! The model of a generated package, decided before any code is written:
//! which modules there are, what each WIT item is called in each of them,
//! and which exception classes exist.
//!
//! A module holds one interface as the world sees it: exported (the guest
//! implements it; the package calls it) or imported (the host implements
//! it; the package declares its `Protocol`). An interface both imported and
//! exported gets a module for each side, since the component model gives
//! the two sides distinct types. The world's own types and functions live
//! in the package's `__init__`, the root module.

use std::collections::{HashMap, HashSet};

use weft_wit::bindgen::{interfaces, world_types};
use weft_wit::names::python::{
    attr_name, class_name, enum_member, function_name, module_name, param_name,
};
use weft_wit::wit_parser::{
    Function, FunctionKind, InterfaceId, Resolve, Type, TypeDefKind, TypeId, TypeOwner, WorldId,
    WorldItem, WorldKey,
};

use crate::naming::Namespace;
use crate::Error;

/// Index of the root module (`__init__`) in [`Plan::modules`].
pub(crate) const ROOT: usize = 0;

/// Python tuples have any length.
const MAX_TUPLE: usize = usize::MAX;

/// Private names of generated modules that module aliases and WIT names
/// must leave alone.
const HELPERS: &[&str] = &[
    "_INTERFACE",
    "_component",
    "_default",
    "_default_exports",
    "_functools",
    "_imports",
    "_os",
    "_resources",
    "_support",
];

/// Which side of the world a module's interface is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Role {
    /// The host implements it (and the world's own items, which the
    /// component imports).
    Import,
    /// The guest implements it.
    Export,
}

/// One generated Python module.
#[derive(Debug)]
pub(crate) struct Module {
    /// The file stem (`geometry`), or `__init__` for the root.
    pub name: String,
    /// The private name other modules import it under (`_geometry`).
    pub alias: String,
    /// The interface, or `None` for the root.
    pub iface: Option<InterfaceId>,
    /// The side of the world the interface is on (the root counts as
    /// imported for the types it refers to).
    pub role: Role,
    /// The name the component imports or exports the interface under
    /// (`demo:text-kit/geometry@0.1.0`, or a plain name for an inline
    /// interface); empty for the root.
    pub wit_name: String,
    /// The world's name for it (`geometry`): the keyword argument or the
    /// attribute on the world class.
    pub key: String,
    /// Names taken at the module's top level.
    pub ns: Namespace,
    /// The class binding an exported interface to an instance, or the
    /// `Protocol` the host implements for an imported one.
    pub class: Option<String>,
    /// The named types defined (or `use`d) here, in WIT order.
    pub types: Vec<TypeId>,
    /// Module-level names of functions callable without an instance
    /// (worlds without imports), by WIT function name.
    pub free_functions: HashMap<String, String>,
}

/// What a named WIT type is called in the module that holds it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Named {
    /// The class, or the alias for aliases and variants' unions.
    pub class: String,
    /// The module-level variable holding its `weft` type descriptor.
    pub descriptor: String,
    /// One class per case, for variants.
    pub cases: Vec<String>,
    /// For an imported resource with a constructor or static functions:
    /// the `Protocol` of the class the host provides.
    pub class_protocol: Option<String>,
    /// The exception raised with a value of this type as a `result`'s
    /// error, if some function does.
    pub exception: Option<String>,
}

/// Where the exception for a function's error type is declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ErrorClass {
    /// `result<T>` without an error type: `weft.ResultError` itself.
    Base,
    /// Beside the named type, in module `.0`.
    Named(usize, TypeId),
    /// For an anonymous error type: in module `.0`, named `.1`.
    Anonymous(usize, String),
}

/// Everything decided about a package before writing it.
#[derive(Debug)]
pub(crate) struct Plan<'a> {
    pub resolve: &'a Resolve,
    pub world: WorldId,
    /// The import name of the package (`text_kit`).
    pub package: String,
    /// The class named after the world (`TextKit`).
    pub world_class: String,
    /// Index 0 is the root; then exported, then imported interfaces.
    pub modules: Vec<Module>,
    module_of: HashMap<(InterfaceId, Role), usize>,
    module_by_key: HashMap<(String, Role), usize>,
    named: HashMap<(usize, TypeId), Named>,
    /// Exception classes for anonymous error types: per module, the type
    /// (keyed by its descriptor expression) and the class name, in order.
    pub anonymous_errors: Vec<Vec<(Type, String)>>,
    anonymous_index: HashMap<(usize, String), String>,
    /// Attribute of the world class per exported interface module.
    pub world_attrs: HashMap<usize, String>,
    /// World-class method name per exported world function.
    pub world_methods: HashMap<String, String>,
    /// Keyword argument per imported interface module (`Some(module)`)
    /// or imported world function (`None`, by function name), in order.
    pub kwargs: Vec<(Kwarg, String)>,
    /// Whether the world needs nothing from the host, so that a default
    /// instance and module-level functions exist.
    pub import_free: bool,
}

/// What a world-class keyword argument provides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kwarg {
    /// An imported interface's implementation (its module).
    Interface(usize),
    /// An imported world function (its WIT name).
    Function(String),
}

impl<'a> Plan<'a> {
    /// Plans the package for `world`, named `package` or after the world.
    pub(crate) fn new(
        resolve: &'a Resolve,
        world: WorldId,
        package: Option<&str>,
    ) -> Result<Plan<'a>, Error> {
        check_supported(resolve, world)?;
        let w = &resolve.worlds[world];
        let package = match package {
            Some(name) => valid_package_name(name)?,
            None => module_name(&w.name),
        };

        let exported = interfaces(&w.exports);
        let imported = interfaces(&w.imports);
        let short_name = |key: &WorldKey, id: &InterfaceId| match key {
            WorldKey::Name(name) => name.clone(),
            WorldKey::Interface(_) => resolve.interfaces[*id].name.clone().unwrap_or_default(),
        };
        // Names both imported and exported: the imported side's module
        // says so.
        let both: HashSet<String> = exported
            .iter()
            .map(|(key, id)| short_name(key, id))
            .filter(|name| {
                imported
                    .iter()
                    .any(|(key, id)| short_name(key, id) == *name)
            })
            .collect();

        // Module aliases are used in every module, so they are unique
        // across the package and clear of the helpers' names.
        let mut aliases = Namespace::with(HELPERS);
        let mut root_ns = Namespace::with(HELPERS);
        let world_class = root_ns.claim(class_name(&w.name));
        let mut modules = vec![Module {
            name: "__init__".into(),
            alias: String::new(),
            iface: None,
            role: Role::Import,
            wit_name: String::new(),
            key: String::new(),
            ns: Namespace::new(),
            class: None,
            types: world_types(w),
            free_functions: HashMap::new(),
        }];
        let mut module_of = HashMap::new();
        let mut module_by_key = HashMap::new();
        let sides = exported
            .iter()
            .map(|entry| (entry, Role::Export))
            .chain(imported.iter().map(|entry| (entry, Role::Import)));
        for ((key, id), role) in sides {
            let iface = &resolve.interfaces[*id];
            let short = short_name(key, id);
            let suffix = if role == Role::Import && both.contains(&short) {
                "-import"
            } else {
                ""
            };
            let mut candidates = vec![module_name(&format!("{short}{suffix}"))];
            if let Some(pkg) = iface.package.map(|p| &resolve.packages[p].name) {
                candidates.push(module_name(&format!("{}-{short}{suffix}", pkg.name)));
                candidates.push(module_name(&format!(
                    "{}-{}-{short}{suffix}",
                    pkg.namespace, pkg.name
                )));
            }
            let name = root_ns.claim_first(&candidates);
            let alias = aliases.claim(format!("_{name}"));
            let wit_name = resolve.name_world_key(key);
            // An interface the world takes under several names is found,
            // from other interfaces, under the first.
            module_of.entry((*id, role)).or_insert(modules.len());
            module_by_key.insert((wit_name.clone(), role), modules.len());
            modules.push(Module {
                name,
                alias,
                iface: Some(*id),
                role,
                wit_name,
                key: short,
                ns: Namespace::new(),
                class: None,
                types: iface.types.values().copied().collect(),
                free_functions: HashMap::new(),
            });
        }
        modules[ROOT].ns = root_ns;
        let all_aliases: Vec<String> = modules.iter().map(|m| m.alias.clone()).collect();
        let mut taken: Vec<&str> = HELPERS.to_vec();
        taken.extend(
            all_aliases
                .iter()
                .map(String::as_str)
                .filter(|a| !a.is_empty()),
        );
        for module in &mut modules[1..] {
            module.ns = Namespace::with(&taken);
        }

        let mut plan = Plan {
            resolve,
            world,
            package,
            world_class,
            modules,
            module_of,
            module_by_key,
            named: HashMap::new(),
            anonymous_errors: Vec::new(),
            anonymous_index: HashMap::new(),
            world_attrs: HashMap::new(),
            world_methods: HashMap::new(),
            kwargs: Vec::new(),
            import_free: true,
        };
        plan.anonymous_errors = plan.modules.iter().map(|_| Vec::new()).collect();
        for m in 0..plan.modules.len() {
            plan.name_types(m);
        }
        plan.name_world_members();
        for m in 0..plan.modules.len() {
            plan.name_module_class(m);
        }
        plan.name_exceptions();
        for m in 0..plan.modules.len() {
            plan.name_free_functions(m);
        }
        Ok(plan)
    }

    /// The module that holds interface `id` on the side `role` looks at:
    /// an exported interface sees the exported side of another interface
    /// when the world exports that one too, and the imported side
    /// otherwise.
    pub(crate) fn interface_module(&self, id: InterfaceId, role: Role) -> usize {
        let wanted = self.module_of.get(&(id, role)).copied();
        wanted
            .or_else(|| self.module_of.get(&(id, Role::Import)).copied())
            .or_else(|| self.module_of.get(&(id, Role::Export)).copied())
            .unwrap_or(ROOT)
    }

    /// The module of the world's import or export `key`.
    pub(crate) fn module_for_key(&self, key: &WorldKey, role: Role) -> usize {
        self.module_by_key[&(self.resolve.name_world_key(key), role)]
    }

    /// The module holding the named type `id`, as module `from` sees it:
    /// `from` itself for its interface's own types.
    pub(crate) fn home(&self, id: TypeId, from: usize) -> usize {
        match self.resolve.types[id].owner {
            TypeOwner::Interface(iface) if self.modules[from].iface == Some(iface) => from,
            TypeOwner::Interface(iface) => self.interface_module(iface, self.modules[from].role),
            TypeOwner::World(_) | TypeOwner::None => ROOT,
        }
    }

    /// The names of the named type `id` in module `module`.
    pub(crate) fn named(&self, module: usize, id: TypeId) -> &Named {
        self.named
            .get(&(module, id))
            .unwrap_or_else(|| panic!("type {id:?} is not named in module {module}"))
    }

    /// The named type `id` as seen from `from`: its home and names.
    pub(crate) fn lookup(&self, id: TypeId, from: usize) -> (usize, &Named) {
        let home = self.home(id, from);
        (home, self.named(home, id))
    }

    /// Where the exception for error type `err` of a function of module
    /// `module` is declared.
    pub(crate) fn error_class(&self, module: usize, err: Option<&Type>) -> ErrorClass {
        let Some(err) = err else {
            return ErrorClass::Base;
        };
        match final_named(self.resolve, err) {
            Some(id) => ErrorClass::Named(self.home(id, module), id),
            None => {
                let key = self.error_key(module, err);
                let name = self.anonymous_index[&(module, key)].clone();
                ErrorClass::Anonymous(module, name)
            }
        }
    }

    /// The functions of module `m` (an interface's, or the world's
    /// exported and imported ones for the root), with the side each is
    /// on.
    pub(crate) fn functions(&self, m: usize) -> Vec<(&'a Function, Role)> {
        let resolve = self.resolve;
        match self.modules[m].iface {
            Some(id) => {
                let role = self.modules[m].role;
                resolve.interfaces[id]
                    .functions
                    .values()
                    .map(|f| (f, role))
                    .collect()
            }
            None => {
                let w = &resolve.worlds[self.world];
                let exports = w.exports.values().map(|item| (item, Role::Export));
                let imports = w.imports.values().map(|item| (item, Role::Import));
                exports
                    .chain(imports)
                    .filter_map(|(item, role)| match item {
                        WorldItem::Function(f) => Some((f, role)),
                        _ => None,
                    })
                    .collect()
            }
        }
    }

    /// Whether module `m` has anything the host must implement (functions
    /// or resources), on the imported side.
    pub(crate) fn needs_host(&self, m: usize) -> bool {
        let module = &self.modules[m];
        module.role == Role::Import
            && module.iface.is_some()
            && (!self.functions(m).is_empty() || self.resources(m).next().is_some())
    }

    /// The resources defined in module `m` (not aliases of them).
    pub(crate) fn resources(&self, m: usize) -> impl Iterator<Item = TypeId> + '_ {
        self.modules[m]
            .types
            .iter()
            .copied()
            .filter(|id| matches!(self.resolve.types[*id].kind, TypeDefKind::Resource))
    }

    fn name_types(&mut self, m: usize) {
        let resolve = self.resolve;
        let ids = self.modules[m].types.clone();
        let role = self.modules[m].role;
        // Imported resources whose class the host provides: those with a
        // constructor or static functions.
        let with_class: Vec<bool> = ids
            .iter()
            .map(|id| {
                role == Role::Import
                    && matches!(resolve.types[*id].kind, TypeDefKind::Resource)
                    && resource_functions(resolve, &self.modules[m], *id)
                        .any(|f| !matches!(f.kind, FunctionKind::Method(_)))
            })
            .collect();
        let ns = &mut self.modules[m].ns;
        let wit_name = |id: &TypeId| resolve.types[*id].name.as_deref().unwrap_or("anonymous");
        let mut names: Vec<Named> = ids
            .iter()
            .map(|id| Named {
                class: ns.claim(class_name(wit_name(id))),
                ..Named::default()
            })
            .collect();
        for (id, named) in ids.iter().zip(&mut names) {
            named.descriptor = ns.claim(format!("_{}", enum_member(wit_name(id))));
        }
        for ((id, named), with_class) in ids.iter().zip(&mut names).zip(with_class) {
            if let TypeDefKind::Variant(v) = &resolve.types[*id].kind {
                named.cases = v
                    .cases
                    .iter()
                    .map(|c| ns.claim(class_name(&format!("{}-{}", wit_name(id), c.name))))
                    .collect();
            }
            if with_class {
                named.class_protocol = Some(ns.claim(format!("{}Class", named.class)));
            }
        }
        for (id, named) in ids.into_iter().zip(names) {
            self.named.insert((m, id), named);
        }
    }

    fn name_module_class(&mut self, m: usize) {
        if m == ROOT {
            return;
        }
        let wanted = match self.modules[m].role {
            Role::Export => true,
            Role::Import => self.needs_host(m),
        };
        if wanted {
            let key = self.modules[m].key.clone();
            let module = &mut self.modules[m];
            module.class = Some(module.ns.claim(class_name(&key)));
        }
    }

    fn name_world_members(&mut self) {
        let resolve = self.resolve;
        let w = &resolve.worlds[self.world];
        let mut members = Namespace::with(&["from_file"]);
        for (key, item) in &w.exports {
            match item {
                WorldItem::Interface { .. } => {
                    let m = self.module_for_key(key, Role::Export);
                    let attr = members.claim(attr_name(&self.modules[m].key));
                    self.world_attrs.insert(m, attr);
                }
                WorldItem::Function(f) => {
                    let method = members.claim(function_name(&f.name));
                    self.world_methods.insert(f.name.clone(), method);
                }
                WorldItem::Type { .. } => {}
            }
        }
        let mut params = Namespace::with(&["self", "cls", "component", "instance", "path"]);
        for (key, item) in &w.imports {
            match item {
                WorldItem::Interface { .. } => {
                    let m = self.module_for_key(key, Role::Import);
                    if self.needs_host(m) {
                        let name = params.claim(param_name(&self.modules[m].key));
                        self.kwargs.push((Kwarg::Interface(m), name));
                    }
                }
                WorldItem::Function(f) => {
                    let name = params.claim(param_name(&f.name));
                    self.kwargs.push((Kwarg::Function(f.name.clone()), name));
                }
                WorldItem::Type { .. } => {}
            }
        }
        self.import_free = self.kwargs.is_empty();
    }

    /// Names an exception class for every error type some function
    /// raises: beside the type for named ones, in the function's module
    /// for anonymous ones.
    fn name_exceptions(&mut self) {
        for m in 0..self.modules.len() {
            for (f, _) in self.functions(m) {
                let Some((_, Some(err))) = raising(self.resolve, f) else {
                    continue;
                };
                match final_named(self.resolve, &err) {
                    Some(id) => {
                        let home = self.home(id, m);
                        let class = self.named(home, id).class.clone();
                        let module = &mut self.modules[home];
                        let named = self.named.get_mut(&(home, id)).expect("named");
                        if named.exception.is_none() {
                            let stem = class.trim_end_matches('_');
                            named.exception =
                                Some(module.ns.claim(crate::naming::exception_name(stem)));
                        }
                    }
                    None => {
                        let key = self.error_key(m, &err);
                        if !self.anonymous_index.contains_key(&(m, key.clone())) {
                            let stem = crate::types::Renderer::new(self, m).stem(&err);
                            let name = self.modules[m]
                                .ns
                                .claim(crate::naming::exception_name(&stem));
                            self.anonymous_index.insert((m, key), name.clone());
                            self.anonymous_errors[m].push((err, name));
                        }
                    }
                }
            }
        }
    }

    fn name_free_functions(&mut self, m: usize) {
        if !self.import_free {
            return;
        }
        let names: Vec<(String, String)> = self
            .functions(m)
            .into_iter()
            .filter(|(f, role)| {
                *role == Role::Export && matches!(f.kind, FunctionKind::Freestanding)
            })
            .map(|(f, _)| (f.name.clone(), function_name(&f.name)))
            .collect();
        let module = &mut self.modules[m];
        if m != ROOT && module.role != Role::Export {
            return;
        }
        for (wit, py) in names {
            let name = module.ns.claim(py);
            module.free_functions.insert(wit, name);
        }
    }

    /// A key telling anonymous error types apart: their descriptor.
    fn error_key(&self, module: usize, err: &Type) -> String {
        crate::types::Renderer::new(self, module).descriptor(err)
    }
}

/// If `f` returns a `result`, its ok and error types.
pub(crate) fn raising(resolve: &Resolve, f: &Function) -> Option<(Option<Type>, Option<Type>)> {
    let result = f.result?;
    match &resolve.types[unalias_id(resolve, &result)?].kind {
        TypeDefKind::Result(r) => Some((r.ok, r.err)),
        _ => None,
    }
}

/// The type definition `ty` is, after following aliases; `None` for a
/// primitive.
pub(crate) fn unalias_id(resolve: &Resolve, ty: &Type) -> Option<TypeId> {
    let mut ty = *ty;
    loop {
        match ty {
            Type::Id(id) => match &resolve.types[id].kind {
                TypeDefKind::Type(inner) => ty = *inner,
                _ => return Some(id),
            },
            _ => return None,
        }
    }
}

/// Whether `ty` is an `option` (after following aliases), whose Python
/// value may be `None`.
pub(crate) fn is_option(resolve: &Resolve, ty: &Type) -> bool {
    unalias_id(resolve, ty)
        .is_some_and(|id| matches!(resolve.types[id].kind, TypeDefKind::Option(_)))
}

/// The named type an error type stands for: `ty` itself if named,
/// followed through aliases of other named types (`use`s, `type a = b`),
/// so every interface using one WIT type raises the same class.
pub(crate) fn final_named(resolve: &Resolve, ty: &Type) -> Option<TypeId> {
    let Type::Id(mut id) = *ty else {
        return None;
    };
    resolve.types[id].name.as_ref()?;
    while let TypeDefKind::Type(Type::Id(next)) = resolve.types[id].kind {
        if resolve.types[next].name.is_none() {
            break;
        }
        id = next;
    }
    Some(id)
}

/// The resource functions (constructor, methods, static functions) of
/// resource `id` in module `m`.
pub(crate) fn resource_functions<'r>(
    resolve: &'r Resolve,
    module: &Module,
    id: TypeId,
) -> impl Iterator<Item = &'r Function> {
    let iface = module.iface;
    iface
        .into_iter()
        .flat_map(move |i| resolve.interfaces[i].functions.values())
        .filter(move |f| resource_of(f) == Some(id))
}

/// The resource a constructor, method or static function belongs to.
pub(crate) fn resource_of(f: &Function) -> Option<TypeId> {
    match f.kind {
        FunctionKind::Method(id) | FunctionKind::Static(id) | FunctionKind::Constructor(id) => {
            Some(id)
        }
        _ => None,
    }
}

/// `name` if it can name a Python package: an ASCII identifier, not a
/// keyword, not private.
fn valid_package_name(name: &str) -> Result<String, Error> {
    let invalid = |reason: &str| Error::InvalidName {
        name: name.to_string(),
        reason: reason.to_string(),
    };
    let mut chars = name.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !starts_well || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(invalid(
            "a package name is ASCII letters, digits and `_`, not starting with a digit",
        ));
    }
    if module_name(name) == format!("{name}_") || ["False", "None", "True"].contains(&name) {
        return Err(invalid("it is a Python keyword"));
    }
    if name.starts_with('_') {
        return Err(invalid("a leading `_` marks a private module"));
    }
    if name == "weft" {
        return Err(invalid("`weft` is the runtime module the bindings import"));
    }
    Ok(name.to_string())
}

/// Refuses worlds using what the bindings cannot express yet
/// ([`weft_wit::bindgen::first_unsupported`]).
fn check_supported(resolve: &Resolve, world: WorldId) -> Result<(), Error> {
    weft_wit::bindgen::first_unsupported(resolve, world, MAX_TUPLE).map_err(|u| {
        Error::Unsupported {
            item: u.item,
            feature: u.feature,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names() {
        assert_eq!(valid_package_name("text_kit").unwrap(), "text_kit");
        assert_eq!(valid_package_name("Kit2").unwrap(), "Kit2");
        for bad in ["", "1kit", "text-kit", "class", "_private", "weft", "é"] {
            assert!(valid_package_name(bad).is_err(), "{bad:?} accepted");
        }
    }
}

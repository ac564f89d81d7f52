//! The model of a generated Go package, decided before any code is
//! written: which files there are, what each WIT item is called, which
//! resources the world's instance keeps track of, and which functions
//! each Go object has.
//!
//! A module is one interface as the world sees it: exported (the guest
//! implements it; the package calls it through a Go struct) or imported
//! (the host implements it as a Go interface). An interface both imported
//! and exported gets a module for each side, since the component model
//! gives the two sides distinct types. The world's own types and
//! functions belong to the root module. All modules share one Go package,
//! so every package-level name is claimed in one [`Namespace`].

use std::collections::{HashMap, HashSet};

use weft_wit::abi::AbiTable;
use weft_wit::bindgen::{interfaces, world_types};
use weft_wit::names::go::{exported, package_name, unexported};
use weft_wit::wit_parser::{
    Function, FunctionKind, Handle, InterfaceId, Resolve, Type, TypeDefKind, TypeId, TypeOwner,
    WorldId, WorldItem, WorldKey,
};

use crate::naming::Namespace;
use crate::{Error, Opts};

/// Index of the root module (the world's file) in [`Plan::modules`].
pub(crate) const ROOT: usize = 0;

/// The longest tuple nested in another type: the runtime package has
/// `weft.Tuple2` to `weft.Tuple12`.
const MAX_TUPLE: usize = 12;

/// Package-level names the generated code defines or imports itself.
pub(crate) const PACKAGE_NAMES: &[&str] = &[
    // Imported packages.
    "embed",
    "errors",
    "fmt",
    "math",
    "sync",
    "utf8",
    "weft",
    // Fixed declarations of the world file.
    "New",
    "NewFromBytes",
    "NewFromArtifact",
    "Precompile",
    "Imports",
    "wasmBytes",
    "wasmOnce",
    "wasmEngine",
    "wasmComponent",
    "wasmErr",
    "compileEmbedded",
    "newInstance",
    "callState",
    "gift",
    "handleTable",
    "flatBool",
    "listBytes",
    "checkList",
    "giveHost",
    "takeHost",
    "borrowHost",
    "findFunc",
    "hostSlots",
    "Tuple1",
];

/// Which side of the world a module's interface is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Role {
    /// The host implements it (and the world's own items).
    Import,
    /// The guest implements it.
    Export,
}

/// One interface as the world sees it, or the world itself.
#[derive(Debug)]
pub(crate) struct Module {
    /// The interface, or `None` for the root.
    pub iface: Option<InterfaceId>,
    /// The side of the world it is on.
    pub role: Role,
    /// The name the component imports or exports it under
    /// (`demo:kv/store@0.1.0`, or a plain name); empty for the root.
    pub wit_name: String,
    /// The world's short name for it (`store`), or the world's name.
    pub key: String,
    /// The file it is written to.
    pub file: String,
    /// The named types defined (or `use`d) here, in WIT order.
    pub types: Vec<TypeId>,
    /// The exported interface's Go struct, or the Go interface the host
    /// implements for an imported one (when it has functions).
    pub object: Option<String>,
    /// The world struct's field for an exported interface, or the
    /// `Imports` field for an imported one.
    pub field: Option<String>,
    /// The WIT docs of the interface.
    pub docs: Option<String>,
    /// The unexported function making an exported interface's object, or
    /// the world method defining an imported interface's functions.
    pub ctor: String,
    /// The world's accessor method for an exported interface.
    pub accessor: String,
}

/// What a named WIT type is called and how it is declared.
#[derive(Debug, Clone)]
pub(crate) struct Named {
    /// The Go type.
    pub go: String,
    /// The Go names of its cases: a struct per variant case, a constant
    /// per enum case or flag.
    pub cases: Vec<String>,
    /// Whether a value of it holds resource handles (its helpers then
    /// take the call's state).
    pub handles: bool,
    /// The global index of the resource, for resource types.
    pub resource: Option<usize>,
}

/// A resource type the world's instance knows.
#[derive(Debug, Clone)]
pub(crate) struct ResourcePlan {
    /// The module declaring it.
    pub module: usize,
    /// Implemented by the host (imported) or by the guest (exported).
    pub role: Role,
    /// Its WIT name.
    pub wit: String,
    /// Its Go type: a struct for an exported one, an interface for an
    /// imported one.
    pub go: String,
    /// For an imported resource: the world struct's field holding its
    /// table of Go objects by rep.
    pub table: String,
}

/// A function the package calls (exported) or the host implements
/// (imported).
#[derive(Debug, Clone)]
pub(crate) struct FuncPlan<'a> {
    /// The WIT function.
    pub func: &'a Function,
    /// Its module.
    pub module: usize,
    /// The side it is on.
    pub role: Role,
    /// The Go method (or `Imports` field, for imported world functions).
    pub go: String,
    /// For exports: the object's field holding the `*weft.Func`.
    pub fn_field: String,
    /// For functions moving handles: the field holding its handle slots.
    pub sl_field: Option<String>,
    /// The global indices of the resources its type mentions.
    pub resources: Vec<usize>,
    /// How errors name it (`kitchen-sink compound.reverse-string`).
    pub what: String,
    /// The name the runtime knows it by (`iface#name` or `name`).
    pub runtime_name: String,
}

/// Everything decided about a package before writing it.
#[derive(Debug)]
pub(crate) struct Plan<'a> {
    pub resolve: &'a Resolve,
    pub world: WorldId,
    pub abi: AbiTable,
    /// The Go package name.
    pub package: String,
    /// The Go module path.
    pub module_path: String,
    /// The world's Go struct.
    pub world_type: String,
    /// Index 0 is the root; then exported, then imported interfaces.
    pub modules: Vec<Module>,
    module_of: HashMap<(InterfaceId, Role), usize>,
    named: HashMap<(usize, TypeId), Named>,
    /// Every resource type, by global index.
    pub resources: Vec<ResourcePlan>,
    /// Every function, exported and imported, in world order.
    pub funcs: Vec<FuncPlan<'a>>,
    /// Unexported package-level names (helpers), which locals must not
    /// hide.
    pub helpers: HashSet<String>,
    /// Whether any imported function or resource needs the host.
    pub has_imports: bool,
}

impl<'a> Plan<'a> {
    /// Plans the package for `world`.
    pub(crate) fn new(
        resolve: &'a Resolve,
        world: WorldId,
        opts: &Opts,
    ) -> Result<Plan<'a>, Error> {
        check_supported(resolve, world)?;
        let abi = AbiTable::new(resolve)?;
        let w = &resolve.worlds[world];
        let module_path = match &opts.module {
            Some(path) => valid_module_path(path)?,
            None => w.name.clone(),
        };
        // Go's convention: a package is named after the last element of
        // its import path (a major-version suffix such as `/v2` aside).
        let last = module_path
            .rsplit('/')
            .find(|seg| !is_major_version(seg))
            .unwrap_or(&w.name);
        let package = package_name(last);
        let mut ns = Namespace::with(PACKAGE_NAMES);
        let world_type = ns.claim(exported(&w.name));

        let exported_ifaces = interfaces(&w.exports);
        let imported_ifaces = interfaces(&w.imports);
        let short_name = |key: &WorldKey, id: &InterfaceId| match key {
            WorldKey::Name(name) => name.clone(),
            WorldKey::Interface(_) => resolve.interfaces[*id].name.clone().unwrap_or_default(),
        };
        let both: HashSet<String> = exported_ifaces
            .iter()
            .map(|(key, id)| short_name(key, id))
            .filter(|name| {
                imported_ifaces
                    .iter()
                    .any(|(key, id)| short_name(key, id) == *name)
            })
            .collect();

        let mut files = Namespace::with(&[&package]);
        let mut modules = vec![Module {
            iface: None,
            role: Role::Import,
            wit_name: String::new(),
            key: w.name.clone(),
            file: format!("{package}.go"),
            types: world_types(w),
            object: None,
            field: None,
            docs: w.docs.contents.clone(),
            ctor: String::new(),
            accessor: String::new(),
        }];
        let mut module_of = HashMap::new();
        let sides = exported_ifaces
            .iter()
            .map(|entry| (entry, Role::Export))
            .chain(imported_ifaces.iter().map(|entry| (entry, Role::Import)));
        for ((key, id), role) in sides {
            let iface = &resolve.interfaces[*id];
            let short = short_name(key, id);
            let suffix = if role == Role::Import && both.contains(&short) {
                "-import"
            } else {
                ""
            };
            let stem = files.claim(package_name(&format!("{short}{suffix}")));
            module_of.insert((*id, role), modules.len());
            modules.push(Module {
                iface: Some(*id),
                role,
                wit_name: resolve.name_world_key(key),
                key: format!("{short}{suffix}"),
                file: format!("{stem}.go"),
                types: iface.types.values().copied().collect(),
                object: None,
                field: None,
                docs: iface.docs.contents.clone(),
                ctor: String::new(),
                accessor: String::new(),
            });
        }

        let mut plan = Plan {
            resolve,
            world,
            abi,
            package,
            module_path,
            world_type,
            modules,
            module_of,
            named: HashMap::new(),
            resources: Vec::new(),
            funcs: Vec::new(),
            helpers: PACKAGE_NAMES
                .iter()
                .filter(|n| n.starts_with(|c: char| c.is_ascii_lowercase()))
                .map(|n| n.to_string())
                .collect(),
            has_imports: false,
        };
        // Interface objects first, so that they get the plain names.
        let mut world_fields = Namespace::with(WORLD_FIELDS);
        let mut import_fields = Namespace::default();
        for m in 1..plan.modules.len() {
            let wanted = match plan.modules[m].role {
                Role::Export => true,
                Role::Import => plan.needs_host(m),
            };
            let key = plan.modules[m].key.clone();
            let ctor = match plan.modules[m].role {
                Role::Export => ns.claim(format!("new{}", exported(&key))),
                Role::Import => format!("define{}", exported(&key)),
            };
            plan.helpers.insert(ctor.clone());
            plan.modules[m].ctor = ctor;
            if wanted {
                plan.modules[m].object = Some(ns.claim(exported(&key)));
                plan.modules[m].field = Some(match plan.modules[m].role {
                    Role::Export => world_fields.claim(unexported(&key)),
                    Role::Import => import_fields.claim(exported(&key)),
                });
            }
        }
        for m in 0..plan.modules.len() {
            plan.name_types(m, &mut ns);
        }
        plan.mark_handles();
        for r in 0..plan.resources.len() {
            if plan.resources[r].role == Role::Import {
                let go = plan.resources[r].go.clone();
                plan.resources[r].table = world_fields.claim(format!("table{go}"));
            }
        }
        plan.plan_functions(&mut world_fields, &mut import_fields);
        plan.has_imports = plan.funcs.iter().any(|f| f.role == Role::Import);
        Ok(plan)
    }

    /// Whether imported module `m` needs an implementation from the host:
    /// it has freestanding functions, constructors or static functions.
    fn needs_host(&self, m: usize) -> bool {
        let Some(iface) = self.modules[m].iface else {
            return false;
        };
        self.resolve.interfaces[iface]
            .functions
            .values()
            .any(|f| !matches!(f.kind, FunctionKind::Method(_)))
    }

    fn name_types(&mut self, m: usize, ns: &mut Namespace) {
        let resolve = self.resolve;
        let prefix = if m == ROOT {
            String::new()
        } else {
            self.modules[m].key.clone()
        };
        let ids: Vec<TypeId> = self.modules[m]
            .types
            .iter()
            .copied()
            .filter(|id| !is_use(resolve, *id))
            .collect();
        for id in ids {
            let def = &resolve.types[id];
            let name = def.name.clone().unwrap_or_default();
            let go = ns.claim_first(&[exported(&name), exported(&format!("{prefix}-{name}"))]);
            let cases = match &def.kind {
                TypeDefKind::Variant(v) => v
                    .cases
                    .iter()
                    .map(|c| ns.claim(format!("{go}{}", exported(&c.name))))
                    .collect(),
                TypeDefKind::Enum(e) => e
                    .cases
                    .iter()
                    .map(|c| ns.claim(format!("{go}{}", exported(&c.name))))
                    .collect(),
                TypeDefKind::Flags(f) => f
                    .flags
                    .iter()
                    .map(|c| ns.claim(format!("{go}{}", exported(&c.name))))
                    .collect(),
                _ => Vec::new(),
            };
            let resource = if matches!(def.kind, TypeDefKind::Resource) {
                self.resources.push(ResourcePlan {
                    module: m,
                    role: self.modules[m].role,
                    wit: name.clone(),
                    go: go.clone(),
                    table: String::new(),
                });
                Some(self.resources.len() - 1)
            } else {
                None
            };
            if matches!(
                def.kind,
                TypeDefKind::Record(_)
                    | TypeDefKind::Variant(_)
                    | TypeDefKind::Enum(_)
                    | TypeDefKind::Flags(_)
            ) {
                for verb in ["lower", "store", "lift", "load"] {
                    self.helpers.insert(format!("{verb}{go}"));
                }
            }
            self.named.insert(
                (m, id),
                Named {
                    go,
                    cases,
                    handles: false,
                    resource,
                },
            );
        }
    }

    /// Works out which named types hold handles.
    fn mark_handles(&mut self) {
        let keys: Vec<(usize, TypeId)> = self.named.keys().copied().collect();
        for (m, id) in keys {
            let handles = self.has_handles(&Type::Id(id), m, &mut HashSet::new());
            self.named.get_mut(&(m, id)).expect("named").handles = handles;
        }
    }

    /// Whether a value of `ty`, seen from module `from`, holds handles.
    pub(crate) fn has_handles(
        &self,
        ty: &Type,
        from: usize,
        seen: &mut HashSet<(usize, TypeId)>,
    ) -> bool {
        let mut found = false;
        self.walk(ty, from, seen, &mut |_, _, kind| {
            if matches!(kind, TypeDefKind::Handle(_)) {
                found = true;
            }
        });
        found
    }

    /// The global indices of the resources whose handles a value of `ty`
    /// holds.
    pub(crate) fn resources_in(&self, ty: &Type, from: usize, out: &mut Vec<usize>) {
        let mut found = Vec::new();
        self.walk(ty, from, &mut HashSet::new(), &mut |plan, m, kind| {
            if let TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) = kind {
                found.push(plan.resource_index(*r, m));
            }
        });
        for r in found {
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }

    /// Calls `visit` on every type definition a value of `ty` reaches,
    /// with the module it is seen from.
    fn walk(
        &self,
        ty: &Type,
        from: usize,
        seen: &mut HashSet<(usize, TypeId)>,
        visit: &mut dyn FnMut(&Plan<'a>, usize, &TypeDefKind),
    ) {
        let Type::Id(id) = ty else { return };
        let m = if self.resolve.types[*id].name.is_some() {
            self.home(*id, from)
        } else {
            from
        };
        if !seen.insert((m, *id)) {
            return;
        }
        let kind = &self.resolve.types[*id].kind;
        visit(self, m, kind);
        let mut go = |t: &Type, seen: &mut HashSet<(usize, TypeId)>| self.walk(t, m, seen, visit);
        match kind {
            TypeDefKind::Record(r) => r.fields.iter().for_each(|f| go(&f.ty, seen)),
            TypeDefKind::Tuple(t) => t.types.iter().for_each(|t| go(t, seen)),
            TypeDefKind::Variant(v) => v
                .cases
                .iter()
                .filter_map(|c| c.ty.as_ref())
                .for_each(|t| go(t, seen)),
            TypeDefKind::Option(t) | TypeDefKind::List(t) | TypeDefKind::Type(t) => go(t, seen),
            TypeDefKind::Result(r) => r.ok.iter().chain(r.err.iter()).for_each(|t| go(t, seen)),
            _ => {}
        }
    }

    /// The global index of resource `r` seen from module `from`.
    pub(crate) fn resource_index(&self, r: TypeId, from: usize) -> usize {
        let (m, id) = self.target(r, from);
        self.named(m, id)
            .resource
            .unwrap_or_else(|| panic!("type {id:?} is not a resource"))
    }

    fn plan_functions(&mut self, world_fields: &mut Namespace, import_fields: &mut Namespace) {
        let resolve = self.resolve;
        let w = &resolve.worlds[self.world];
        let world_name = w.name.clone();
        // Method namespaces: per object (module) and per resource.
        let mut objects: HashMap<usize, Namespace> = HashMap::new();
        let mut fields: HashMap<usize, Namespace> = HashMap::new();
        let mut resource_ns: HashMap<usize, Namespace> = HashMap::new();
        let mut world_methods = Namespace::with(&["Close", "FromCache"]);
        let mut entries: Vec<(usize, &'a Function)> = Vec::new();
        for (key, item) in w.exports.iter().chain(&w.imports) {
            match item {
                WorldItem::Function(f) => entries.push((ROOT, f)),
                WorldItem::Interface { id, .. } => {
                    let role = if w.exports.contains_key(key) {
                        Role::Export
                    } else {
                        Role::Import
                    };
                    let m = self.module_of[&(*id, role)];
                    for f in resolve.interfaces[*id].functions.values() {
                        entries.push((m, f));
                    }
                }
                WorldItem::Type { .. } => {}
            }
        }
        // World-level functions: exported ones first in `w.exports`.
        let exported_world: HashSet<&str> = w
            .exports
            .values()
            .filter_map(|item| match item {
                WorldItem::Function(f) => Some(f.name.as_str()),
                _ => None,
            })
            .collect();
        // Accessors of exported interfaces are world methods.
        for m in 1..self.modules.len() {
            if self.modules[m].role == Role::Export {
                let key = self.modules[m].key.clone();
                self.modules[m].accessor = world_methods.claim(exported(&key));
            }
        }
        for (m, f) in entries {
            let role = if m == ROOT {
                if exported_world.contains(f.name.as_str()) {
                    Role::Export
                } else {
                    Role::Import
                }
            } else {
                self.modules[m].role
            };
            let resource = match f.kind {
                FunctionKind::Method(r)
                | FunctionKind::Static(r)
                | FunctionKind::Constructor(r) => Some(self.resource_index(r, m)),
                _ => None,
            };
            let res_go = resource.map(|r| self.resources[r].go.clone());
            let plain = plain_name(f);
            let wanted = match (&f.kind, &res_go) {
                (FunctionKind::Constructor(_), Some(go)) => format!("New{go}"),
                (FunctionKind::Static(_), Some(go)) => format!("{go}{}", exported(plain)),
                _ => exported(plain),
            };
            let go = match (&f.kind, resource) {
                (FunctionKind::Method(_), Some(r)) => resource_ns
                    .entry(r)
                    .or_insert_with(|| match self.resources[r].role {
                        Role::Export => Namespace::with(&["Close"]),
                        Role::Import => Namespace::default(),
                    })
                    .claim(wanted),
                _ if m == ROOT && role == Role::Import => import_fields.claim(wanted),
                _ if m == ROOT => world_methods.claim(wanted),
                _ => objects.entry(m).or_default().claim(wanted),
            };
            let field_ns = if m == ROOT {
                &mut *world_fields
            } else {
                fields.entry(m).or_insert_with(|| Namespace::with(&["w"]))
            };
            let stem = match &res_go {
                Some(r) if matches!(f.kind, FunctionKind::Method(_)) => format!("{r}{go}"),
                _ => go.clone(),
            };
            let fn_field = if role == Role::Export {
                field_ns.claim(format!("fn{stem}"))
            } else {
                String::new()
            };
            let mut resources = Vec::new();
            for ty in f.params.iter().map(|p| &p.ty).chain(f.result.iter()) {
                self.resources_in(ty, m, &mut resources);
            }
            let sl_field = (role == Role::Export && !resources.is_empty())
                .then(|| field_ns.claim(format!("sl{stem}")));
            let what = if m == ROOT {
                format!("{world_name} {}", f.name)
            } else {
                let key = &self.modules[m].key;
                match &f.kind {
                    FunctionKind::Method(_) | FunctionKind::Static(_) => {
                        let res = self.resources[resource.expect("resource")].wit.clone();
                        format!("{world_name} {key}.{res}.{plain}")
                    }
                    FunctionKind::Constructor(_) => {
                        let res = self.resources[resource.expect("resource")].wit.clone();
                        format!("{world_name} {key}.{res}.constructor")
                    }
                    _ => format!("{world_name} {key}.{}", f.name),
                }
            };
            let runtime_name = if m == ROOT {
                f.name.clone()
            } else {
                format!("{}#{}", self.modules[m].wit_name, f.name)
            };
            self.funcs.push(FuncPlan {
                func: f,
                module: m,
                role,
                go,
                fn_field,
                sl_field,
                resources,
                what,
                runtime_name,
            });
        }
    }

    /// The module holding interface `id` on the side `role` looks at: an
    /// exported interface sees the exported side of another interface
    /// when the world exports that one too, and the imported side
    /// otherwise.
    pub(crate) fn interface_module(&self, id: InterfaceId, role: Role) -> usize {
        let wanted = self.module_of.get(&(id, role)).copied();
        wanted
            .or_else(|| self.module_of.get(&(id, Role::Import)).copied())
            .or_else(|| self.module_of.get(&(id, Role::Export)).copied())
            .unwrap_or(ROOT)
    }

    /// The module holding the named type `id`, as module `from` sees it.
    pub(crate) fn home(&self, id: TypeId, from: usize) -> usize {
        match self.resolve.types[id].owner {
            TypeOwner::Interface(iface) if self.modules[from].iface == Some(iface) => from,
            TypeOwner::Interface(iface) => self.interface_module(iface, self.modules[from].role),
            TypeOwner::World(_) | TypeOwner::None => ROOT,
        }
    }

    /// The declared type that named type `id` stands for as seen from
    /// `from`: `use`s followed to the type they name.
    pub(crate) fn target(&self, id: TypeId, from: usize) -> (usize, TypeId) {
        let home = self.home(id, from);
        match self.resolve.types[id].kind {
            TypeDefKind::Type(Type::Id(next)) if is_use(self.resolve, id) => {
                self.target(next, home)
            }
            _ => (home, id),
        }
    }

    /// The names of the declared type `id` of module `module`.
    pub(crate) fn named(&self, module: usize, id: TypeId) -> &Named {
        self.named
            .get(&(module, id))
            .unwrap_or_else(|| panic!("type {id:?} is not declared in module {module}"))
    }

    /// The declared types of module `m`, in order, with their names.
    pub(crate) fn declared(&self, m: usize) -> Vec<(TypeId, &Named)> {
        self.modules[m]
            .types
            .iter()
            .filter_map(|id| self.named.get(&(m, *id)).map(|n| (*id, n)))
            .collect()
    }

    /// The functions of module `m`.
    pub(crate) fn funcs_of(&self, m: usize) -> impl Iterator<Item = &FuncPlan<'a>> {
        self.funcs.iter().filter(move |f| f.module == m)
    }

    /// The file name of the embedded component.
    pub(crate) fn wasm_file(&self) -> String {
        format!("{}.wasm", self.package)
    }
}

/// Fields of the world struct the generated code uses itself.
const WORLD_FIELDS: &[&str] = &[
    "engine",
    "component",
    "owned",
    "store",
    "linker",
    "inst",
    "rts",
];

/// The function's name without its resource prefix (`[method]r.push` →
/// `push`).
pub(crate) fn plain_name(f: &Function) -> &str {
    match f.kind {
        FunctionKind::Constructor(_) => "new",
        FunctionKind::Method(_) | FunctionKind::Static(_) => {
            f.name.rsplit('.').next().unwrap_or(&f.name)
        }
        _ => &f.name,
    }
}

/// Whether named type `id` is only another name for a named type (a
/// `use`, or `type a = b`), which Go refers to by the original's name.
pub(crate) fn is_use(resolve: &Resolve, id: TypeId) -> bool {
    match resolve.types[id].kind {
        TypeDefKind::Type(Type::Id(next)) => resolve.types[next].name.is_some(),
        _ => false,
    }
}

/// `path` if it can be a Go module path: non-empty, slash-separated
/// elements of letters, digits and `-._~`, none empty or starting with a
/// dot.
fn valid_module_path(path: &str) -> Result<String, Error> {
    let invalid = |reason: &str| Error::InvalidModule {
        path: path.to_string(),
        reason: reason.to_string(),
    };
    if path.is_empty() {
        return Err(invalid("it is empty"));
    }
    for element in path.split('/') {
        if element.is_empty() {
            return Err(invalid("it has an empty path element"));
        }
        if element.starts_with('.') || element.ends_with('.') {
            return Err(invalid("a path element starts or ends with a dot"));
        }
        if !element
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
        {
            return Err(invalid(
                "a module path is ASCII letters, digits, `-`, `.`, `_`, `~` and `/`",
            ));
        }
    }
    Ok(path.to_string())
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

/// Whether `segment` of a module path is a major-version suffix (`v2`).
fn is_major_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_version_suffixes() {
        assert!(is_major_version("v2") && is_major_version("v10"));
        assert!(!is_major_version("v") && !is_major_version("vx") && !is_major_version("graphql"));
    }

    #[test]
    fn module_paths() {
        for good in ["kitchen-sink", "example.com/x/y", "a_b~c.d"] {
            assert_eq!(valid_module_path(good).unwrap(), good);
        }
        for bad in ["", "a//b", "/a", ".a", "a b", "é"] {
            assert!(valid_module_path(bad).is_err(), "{bad:?} accepted");
        }
    }
}

//! The Component Model on weft's runtime: loading and validating
//! components, instantiating them with host functions and other
//! components' exports, and calling their functions with component values
//! moved by the canonical ABI.
//!
//! ```no_run
//! use weft_runtime::{Engine, Store};
//! use weft_runtime::component::{Component, Linker, Val};
//! let engine = Engine::default();
//! let component = Component::new(&engine, &std::fs::read("lib.wasm")?)?;
//! let mut linker = Linker::new(&engine);
//! linker.root().func_new("log", |_store, args| {
//!     println!("{args:?}");
//!     Ok(vec![])
//! });
//! let mut store = Store::new(&engine, ());
//! let instance = linker.instantiate(&mut store, &component)?;
//! let greet = instance.get_func(&mut store, "greet").expect("exported");
//! let result = greet.call(&mut store, &[Val::String("world".into())])?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod abi;
mod call;
mod convert;
mod instance;
mod plan;
mod resources;
pub(crate) mod state;
mod types;
mod values;

use std::collections::HashMap;
use std::sync::Arc;

pub use abi::{LiftError, LiftHandles, Lifter, Lowerer, StringEncoding};
pub use resources::{Resource, ResourceType};
pub use types::{FuncType, Type};
pub use values::Val;

use crate::engine::Engine;
use crate::error::Error;
use crate::store::{Store, StoreInner};
use crate::trap::Trap;
use instance::{export, Exports, Item};
use plan::{Definition, ImportKind};

/// A validated, compiled component, ready to instantiate any number of
/// times.
#[derive(Clone)]
pub struct Component {
    engine: Engine,
    definition: Arc<Definition>,
}

impl Component {
    /// Validates and compiles the component binary `bytes`.
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Component, Error> {
        let definition = plan::load(engine, bytes)?;
        Ok(Component {
            engine: engine.clone(),
            definition,
        })
    }

    /// The engine it was compiled for.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The names of its imports, in order.
    pub fn imports(&self) -> impl Iterator<Item = &str> + '_ {
        self.definition.imports.iter().map(|(n, _)| n.as_str())
    }

    /// The type of each function it imports at the top level or in an
    /// imported instance is checked when it is instantiated; this gives
    /// the types of its top-level function imports.
    pub fn import_func_type(&self, name: &str) -> Option<&FuncType> {
        self.definition
            .imports
            .iter()
            .find_map(|(n, kind)| match kind {
                ImportKind::Func(ty) if n == name => Some(&**ty),
                _ => None,
            })
    }

    /// The names of its exports, in order.
    pub fn exports(&self) -> impl Iterator<Item = &str> + '_ {
        self.definition.exports.iter().map(|(n, _)| n.as_str())
    }
}

/// A host function for components: the store's data and the arguments in,
/// the results (none or one) out.
pub type HostFunc = dyn Fn(&mut StoreContext<'_>, &[Val]) -> Result<Vec<Val>, Trap> + Send + Sync;

/// What a host function may do with the store while it runs.
pub struct StoreContext<'a> {
    inner: &'a mut StoreInner,
}

impl StoreContext<'_> {
    /// Drops an owned resource the host holds, running its destructor.
    pub fn drop_resource(&mut self, resource: Resource) -> Result<(), Trap> {
        call::run_destructor(self.inner, resource)
    }

    /// A new resource type defined by the host.
    pub fn new_resource_type(&mut self) -> ResourceType {
        let id = self.inner.id;
        self.inner.component.new_resource_type(id, None, None)
    }
}

/// What a linker holds under a name.
#[derive(Clone)]
enum Definition2 {
    Func(Arc<HostFunc>),
    Instance(LinkerInstanceData),
    Resource(ResourceType),
    Item(Item),
}

#[derive(Clone, Default)]
struct LinkerInstanceData {
    items: Vec<(String, Definition2)>,
}

impl LinkerInstanceData {
    fn entry(&mut self, name: &str) -> &mut Definition2 {
        let position = match self.items.iter().position(|(n, _)| n == name) {
            Some(p) => p,
            None => {
                self.items.push((
                    name.to_string(),
                    Definition2::Instance(LinkerInstanceData::default()),
                ));
                self.items.len() - 1
            }
        };
        &mut self.items[position].1
    }

    fn set(&mut self, name: &str, definition: Definition2) {
        *self.entry(name) = definition;
    }

    /// The items as an instance's exports.
    fn to_item(&self) -> Item {
        Item::Instance(Arc::new(
            self.items
                .iter()
                .map(|(n, d)| (n.clone(), to_item(d)))
                .collect(),
        ))
    }
}

fn to_item(definition: &Definition2) -> Item {
    match definition {
        Definition2::Func(f) => {
            let f = f.clone();
            Item::HostFunc(Arc::new(move |inner: &mut StoreInner, args: &[Val]| {
                f(&mut StoreContext { inner }, args)
            }))
        }
        Definition2::Instance(instance) => instance.to_item(),
        Definition2::Resource(ty) => Item::Type(Some(*ty)),
        Definition2::Item(item) => item.clone(),
    }
}

/// Host functions, resources and instances by name, for instantiating
/// components that import them.
pub struct Linker<T> {
    engine: Engine,
    root: LinkerInstanceData,
    _data: std::marker::PhantomData<fn(T)>,
}

/// The definitions under one instance name of a [`Linker`].
pub struct LinkerInstance<'a> {
    data: &'a mut LinkerInstanceData,
}

impl<T> Linker<T> {
    /// An empty linker.
    pub fn new(engine: &Engine) -> Linker<T> {
        Linker {
            engine: engine.clone(),
            root: LinkerInstanceData::default(),
            _data: std::marker::PhantomData,
        }
    }

    /// The top level, where a component's plain imports are looked up.
    pub fn root(&mut self) -> LinkerInstance<'_> {
        LinkerInstance {
            data: &mut self.root,
        }
    }

    /// The instance `name` (an interface such as `wasi:cli/stdout`),
    /// created empty if new.
    pub fn instance(&mut self, name: &str) -> LinkerInstance<'_> {
        let entry = self.root.entry(name);
        if !matches!(entry, Definition2::Instance(_)) {
            *entry = Definition2::Instance(LinkerInstanceData::default());
        }
        let Definition2::Instance(data) = entry else {
            unreachable!("just made an instance")
        };
        LinkerInstance { data }
    }

    /// Defines `name` as the exports of an instantiated component (so one
    /// component's exports satisfy another's imports).
    pub fn define_instance(&mut self, name: &str, instance: &Instance) {
        self.root.set(
            name,
            Definition2::Item(Item::Instance(instance.exports.clone())),
        );
    }

    /// Instantiates `component`, satisfying its imports from this linker.
    pub fn instantiate(
        &self,
        store: &mut Store<T>,
        component: &Component,
    ) -> Result<Instance, Error> {
        if !Engine::same(&component.engine, &self.engine)
            || !Engine::same(&component.engine, store.engine())
        {
            return Err(Error::Link {
                message: "the component, linker and store belong to different engines".into(),
            });
        }
        let imports: Vec<(String, Item)> = self
            .root
            .items
            .iter()
            .map(|(n, d)| (n.clone(), to_item(d)))
            .collect();
        let exports = instance::instantiate(
            &mut store.inner,
            &component.definition,
            &imports,
            &HashMap::new(),
        )?;
        Ok(Instance {
            store_id: store.inner.id,
            exports: Arc::new(exports),
        })
    }

    /// Instantiates `component` with every import it names that this
    /// linker lacks defined as a function that traps when called (a
    /// missing instance gets such functions for what it must export).
    pub fn instantiate_trapping_unknown(
        &self,
        store: &mut Store<T>,
        component: &Component,
    ) -> Result<Instance, Error> {
        let mut filled = Linker {
            engine: self.engine.clone(),
            root: self.root.clone(),
            _data: std::marker::PhantomData,
        };
        for (name, kind) in &component.definition.imports {
            if filled.root.items.iter().any(|(n, _)| n == name) {
                continue;
            }
            if let ImportKind::Func(_) = kind {
                let what = name.clone();
                filled.root().func_new(name, move |_, _| {
                    Err(state::trap(format!("unknown import `{what}` was called")))
                });
            }
        }
        filled.instantiate(store, component)
    }
}

impl LinkerInstance<'_> {
    /// Defines the function `name`: it takes the type of the import it
    /// satisfies, and its arguments and results are checked against it.
    pub fn func_new(
        &mut self,
        name: &str,
        func: impl Fn(&mut StoreContext<'_>, &[Val]) -> Result<Vec<Val>, Trap> + Send + Sync + 'static,
    ) -> &mut Self {
        self.data.set(name, Definition2::Func(Arc::new(func)));
        self
    }

    /// Defines the resource type `name` (one made with
    /// [`ResourceType::host`]).
    pub fn resource(&mut self, name: &str, ty: ResourceType) -> &mut Self {
        self.data.set(name, Definition2::Resource(ty));
        self
    }

    /// Defines the core module `name`.
    pub fn module(&mut self, name: &str, module: crate::Module) -> &mut Self {
        self.data.set(name, Definition2::Item(Item::Module(module)));
        self
    }

    /// The nested instance `name`, created empty if new.
    pub fn instance(&mut self, name: &str) -> LinkerInstance<'_> {
        let entry = self.data.entry(name);
        if !matches!(entry, Definition2::Instance(_)) {
            *entry = Definition2::Instance(LinkerInstanceData::default());
        }
        let Definition2::Instance(data) = entry else {
            unreachable!("just made an instance")
        };
        LinkerInstance { data }
    }
}

impl ResourceType {
    /// A new resource type defined by the host, for host functions to
    /// hand resources of to guests.
    pub fn host<T>(store: &mut Store<T>) -> ResourceType {
        let id = store.inner.id;
        store.inner.component.new_resource_type(id, None, None)
    }
}

impl Resource {
    /// Drops an owned resource the host holds, running its destructor in
    /// the component that defined it.
    pub fn drop<T>(self, store: &mut Store<T>) -> Result<(), Error> {
        call::run_destructor(&mut store.inner, self).map_err(Error::Trap)
    }
}

/// An instance of a component.
#[derive(Clone)]
pub struct Instance {
    store_id: u64,
    exports: Arc<Exports>,
}

impl Instance {
    /// The exported function `name`: a top-level export, or one inside an
    /// exported instance named `instance#func` (also `instance.func`, or
    /// the function's name alone if only one instance exports it).
    pub fn get_func<T>(&self, store: &mut Store<T>, name: &str) -> Option<Func> {
        if store.inner.id != self.store_id {
            return None;
        }
        let index = find_func(&self.exports, name)?;
        Some(Func {
            store_id: self.store_id,
            index,
        })
    }

    /// The names of its exports, in order (functions inside exported
    /// instances as `instance#func`).
    pub fn exports(&self) -> Vec<String> {
        let mut names = Vec::new();
        for (name, item) in self.exports.iter() {
            match item {
                Item::Instance(inner) => {
                    for (func, item) in inner.iter() {
                        if matches!(item, Item::Func(_)) {
                            names.push(format!("{name}#{func}"));
                        }
                    }
                }
                _ => names.push(name.clone()),
            }
        }
        names
    }
}

fn find_func(exports: &Exports, name: &str) -> Option<u32> {
    if let Some(Item::Func(f)) = export(exports, name) {
        return Some(*f);
    }
    for separator in ['#', '.'] {
        if let Some((instance, func)) = name.rsplit_once(separator) {
            if let Some(Item::Instance(inner)) = export(exports, instance) {
                if let Some(Item::Func(f)) = export(inner, func) {
                    return Some(*f);
                }
            }
        }
    }
    // A function name alone, exported by exactly one instance.
    let mut found = exports.iter().filter_map(|(_, item)| match item {
        Item::Instance(inner) => match export(inner, name) {
            Some(Item::Func(f)) => Some(*f),
            _ => None,
        },
        _ => None,
    });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// A component function in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Func {
    store_id: u64,
    index: u32,
}

impl Func {
    /// The function's type.
    pub fn ty<T>(&self, store: &Store<T>) -> FuncType {
        (**store.inner.component.funcs[self.index as usize].ty()).clone()
    }

    /// Calls the function with `args`, returning its results (none or
    /// one). A trap, in the callee or in moving the values, comes back as
    /// [`Error::Trap`]; the store stays usable.
    pub fn call<T>(&self, store: &mut Store<T>, args: &[Val]) -> Result<Vec<Val>, Error> {
        store.inner.check(self.store_id, "component function")?;
        let ty = store.inner.component.funcs[self.index as usize]
            .ty()
            .clone();
        if args.len() != ty.params.len()
            || args
                .iter()
                .zip(&ty.params)
                .any(|(arg, (_, t))| !arg.has_type(t))
        {
            return Err(Error::Type {
                message: format!("{ty} called with {args:?}"),
            });
        }
        let result = call::call(&mut store.inner, self.index, args)?;
        Ok(result.into_iter().collect())
    }
}

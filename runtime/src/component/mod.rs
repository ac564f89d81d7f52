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
mod check;
mod convert;
mod instance;
mod linker;
mod plan;
mod raw;
mod resources;
pub(crate) mod state;
mod typed;
mod types;
mod values;

use std::sync::Arc;

pub use abi::{LiftError, LiftHandles, Lifter, Lowerer, StringEncoding};
pub use linker::{HostFunc, Linker, LinkerInstance, StoreContext};
pub use raw::{CallError, RawCall, RawFunc, RawHostCall, RawLifter, RawLowerer, RawScalar};
pub use resources::{Resource, ResourceType};
pub use typed::{align_to, max, max_count};
pub use typed::{ComponentParams, ComponentType, FlatReader, FlatWriter, Lift, Lower, TypedFunc};
pub use types::{CoreSignature, FuncType, Type};
pub use values::Val;
pub use weft_derive::{ComponentType, Lift, Lower};

use crate::artifact::{self, Cache, Kind};
use crate::engine::Engine;
use crate::error::Error;
use crate::module::Module;
use crate::store::Store;
use instance::{export, Exports, Item};
use plan::{Definition, ImportKind};

/// A validated, compiled component, ready to instantiate any number of
/// times.
#[derive(Clone)]
pub struct Component {
    engine: Engine,
    definition: Arc<Definition>,
    /// The binary, kept for [`Component::serialize`].
    bytes: Arc<[u8]>,
    /// Every core module, in the order they appear in `bytes`.
    modules: Arc<[Module]>,
    from_cache: bool,
}

impl std::fmt::Debug for Component {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Component")
            .field("imports", &self.imports().collect::<Vec<_>>())
            .field("exports", &self.exports().collect::<Vec<_>>())
            .field("modules", &self.modules.len())
            .field("from_cache", &self.from_cache)
            .finish()
    }
}

impl Component {
    /// Validates and compiles the component binary `bytes` (or loads its
    /// code from the engine's [`crate::Config::cache_dir`]).
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Component, Error> {
        let Some(cache) = Cache::of(engine, Kind::Component, bytes) else {
            return Self::compile(engine, bytes);
        };
        let load = |artifact: &[u8]| {
            // SAFETY: cache entries are trusted (`Config::cache_dir`).
            let component = unsafe { Component::deserialize(engine, artifact) }?;
            (*component.bytes == *bytes)
                .then_some(component)
                .ok_or_else(|| Error::Artifact("the cache entry holds another component".into()))
        };
        let compile = || Self::compile(engine, bytes);
        let (mut component, from_cache) =
            cache.load_or_compile(load, compile, Component::serialize)?;
        component.from_cache = from_cache;
        Ok(component)
    }

    /// Validates and compiles, without the cache.
    fn compile(engine: &Engine, bytes: &[u8]) -> Result<Component, Error> {
        let (definition, modules) = plan::load(bytes, &mut |wasm| Module::compile(engine, wasm))?;
        Ok(Component {
            engine: engine.clone(),
            definition,
            bytes: bytes.into(),
            modules: modules.into(),
            from_cache: false,
        })
    }

    /// The component with the compiled code of its core modules, as an
    /// artifact that [`Component::deserialize`] loads without compiling, in
    /// this or another process using the same weft build on a like
    /// machine.
    pub fn serialize(&self) -> Vec<u8> {
        let images: Vec<_> = self.modules.iter().map(|m| m.code().image()).collect();
        artifact::encode(&self.engine, Kind::Component, &self.bytes, &images)
    }

    /// Loads a component from an artifact made by
    /// [`Component::serialize`]. The component's structure is validated
    /// as [`Component::new`] does (core function bodies excepted, their
    /// code being in the artifact). An artifact from another weft build,
    /// for another CPU, with other settings (fuel, epochs) or damaged is
    /// refused with [`Error::Artifact`] saying which.
    ///
    /// # Safety
    ///
    /// The machine code in `bytes` is mapped and run as it is. `bytes`
    /// must come from `serialize` (of this or a compatible weft), not from
    /// anyone who could choose its contents.
    pub unsafe fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Component, Error> {
        let artifact = artifact::decode(engine, Kind::Component, bytes)?;
        let count = artifact.images.len();
        let mut images = artifact.images.into_iter();
        let (definition, modules) = plan::load(artifact.wasm, &mut |wasm| {
            let image = images.next().ok_or_else(|| {
                Error::Artifact(format!(
                    "the component has more than the {count} modules compiled"
                ))
            })?;
            Module::precompiled(engine, wasm, image)
        })?;
        if modules.len() != count {
            return Err(Error::Artifact(format!(
                "the component has {} modules, the artifact code for {count}",
                modules.len()
            )));
        }
        Ok(Component {
            engine: engine.clone(),
            definition,
            bytes: artifact.wasm.into(),
            modules: modules.into(),
            from_cache: false,
        })
    }

    /// Whether [`Component::new`] loaded this component's code from the
    /// engine's cache rather than compiling it.
    pub fn from_cache(&self) -> bool {
        self.from_cache
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

impl ResourceType {
    /// A new resource type defined by the host, for host functions to
    /// hand resources of to guests.
    pub fn host<T>(store: &mut Store<T>) -> ResourceType {
        let id = store.inner.id;
        store.inner.component.new_resource_type(id, None, None)
    }

    /// A new resource type defined by the host whose resources, when a
    /// guest drops its own handle to one (or the host drops one with
    /// [`Resource::drop`]), are passed by rep to `destructor`.
    pub fn host_with_destructor<T>(
        store: &mut Store<T>,
        destructor: impl Fn(&mut StoreContext<'_>, u32) -> Result<(), crate::trap::Trap>
            + Send
            + Sync
            + 'static,
    ) -> ResourceType {
        let id = store.inner.id;
        let dtor = state::Dtor::Host(Arc::new(move |inner, rep| {
            destructor(&mut StoreContext::new(inner), rep)
        }));
        store
            .inner
            .component
            .new_resource_type(id, None, Some(dtor))
    }
}

impl Resource {
    /// Drops an owned resource the host holds, running its destructor in
    /// the component that defined it.
    pub fn drop<T>(self, store: &mut Store<T>) -> Result<(), Error> {
        call::drop_host_resource(&mut store.inner, self).map_err(Error::Trap)
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

    /// The resource type exported as `name`: at the top level, or inside
    /// an exported instance as `instance#name` (also `instance.name`). A
    /// host that lifts and lowers handles itself (the raw API) tells
    /// resources apart by type: [`RawFunc::resource_type`] gives the type
    /// of each of a function's handle slots, to compare with these.
    pub fn get_resource_type<T>(&self, store: &Store<T>, name: &str) -> Option<ResourceType> {
        if store.inner.id != self.store_id {
            return None;
        }
        let resource = |item: Option<&Item>| match item {
            Some(Item::Type(Some(ty))) => Some(*ty),
            _ => None,
        };
        resource(export(&self.exports, name)).or_else(|| {
            ['#', '.'].into_iter().find_map(|separator| {
                let (instance, resource_name) = name.rsplit_once(separator)?;
                match export(&self.exports, instance) {
                    Some(Item::Instance(inner)) => resource(export(inner, resource_name)),
                    _ => None,
                }
            })
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

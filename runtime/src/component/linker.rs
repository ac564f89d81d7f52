//! The component [`Linker`]: host functions, resources, core modules and
//! instances by name (nested by interface), for instantiating components
//! that import them.

use std::collections::HashMap;
use std::sync::Arc;

use super::instance::{self, Item};
use super::plan::ImportKind;
use super::resources::{Resource, ResourceType};
use super::values::Val;
use super::{call, state, Component, Instance};
use crate::engine::Engine;
use crate::error::Error;
use crate::store::{Store, StoreInner};
use crate::trap::Trap;
use wasmparser::component_types::ResourceId;

/// A host function for components: a handle on the store and the
/// arguments in, the results (none or one) out.
pub type HostFunc = dyn Fn(&mut StoreContext<'_>, &[Val]) -> Result<Vec<Val>, Trap> + Send + Sync;

/// What a host function may do with the store while it runs.
pub struct StoreContext<'a> {
    inner: &'a mut StoreInner,
}

impl<'a> StoreContext<'a> {
    pub(crate) fn new(inner: &'a mut StoreInner) -> StoreContext<'a> {
        StoreContext { inner }
    }

    /// Drops an owned resource the host holds, running its destructor.
    pub fn drop_resource(&mut self, resource: Resource) -> Result<(), Trap> {
        call::drop_host_resource(self.inner, resource)
    }
}

/// A name in a linker: an item, or a namespace (an instance being
/// defined item by item).
#[derive(Clone)]
enum Entry {
    Item(Item),
    Namespace(Namespace),
}

/// The definitions under one instance name, in order.
#[derive(Clone, Default)]
struct Namespace {
    entries: Vec<(String, Entry)>,
}

impl Namespace {
    fn set(&mut self, name: &str, entry: Entry) {
        match self.entries.iter_mut().find(|(n, _)| n == name) {
            Some((_, existing)) => *existing = entry,
            None => self.entries.push((name.to_string(), entry)),
        }
    }

    /// The namespace `name`, replacing whatever else had the name.
    fn namespace(&mut self, name: &str) -> &mut Namespace {
        let position = self.entries.iter().position(|(n, _)| n == name);
        let index = match position {
            Some(i) if matches!(self.entries[i].1, Entry::Namespace(_)) => i,
            Some(i) => {
                self.entries[i].1 = Entry::Namespace(Namespace::default());
                i
            }
            None => {
                self.entries
                    .push((name.to_string(), Entry::Namespace(Namespace::default())));
                self.entries.len() - 1
            }
        };
        match &mut self.entries[index].1 {
            Entry::Namespace(namespace) => namespace,
            Entry::Item(_) => unreachable!("made a namespace above"),
        }
    }

    fn get(&self, name: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find_map(|(n, entry)| (n == name).then_some(entry))
    }

    /// The entries as imports (namespaces become instances).
    fn items(&self) -> Vec<(String, Item)> {
        self.entries
            .iter()
            .map(|(name, entry)| {
                let item = match entry {
                    Entry::Item(item) => item.clone(),
                    Entry::Namespace(namespace) => Item::Instance(Arc::new(namespace.items())),
                };
                (name.clone(), item)
            })
            .collect()
    }
}

/// Host functions, resources, modules and instances by name, for
/// instantiating components that import them.
pub struct Linker<T> {
    engine: Engine,
    root: Namespace,
    _data: std::marker::PhantomData<fn(T)>,
}

/// The definitions under one instance name of a [`Linker`].
pub struct LinkerInstance<'a> {
    namespace: &'a mut Namespace,
}

impl<T> Linker<T> {
    /// An empty linker.
    pub fn new(engine: &Engine) -> Linker<T> {
        Linker {
            engine: engine.clone(),
            root: Namespace::default(),
            _data: std::marker::PhantomData,
        }
    }

    /// The top level, where a component's plain imports are looked up.
    pub fn root(&mut self) -> LinkerInstance<'_> {
        LinkerInstance {
            namespace: &mut self.root,
        }
    }

    /// The instance `name` (an interface such as `wasi:cli/stdout`),
    /// created empty if new.
    pub fn instance(&mut self, name: &str) -> LinkerInstance<'_> {
        LinkerInstance {
            namespace: self.root.namespace(name),
        }
    }

    /// Defines `name` as the exports of an instantiated component (so one
    /// component's exports satisfy another's imports).
    pub fn define_instance(&mut self, name: &str, instance: &Instance) {
        self.root
            .set(name, Entry::Item(Item::Instance(instance.exports.clone())));
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
        let exports = instance::instantiate(
            &mut store.inner,
            &instance::Closure::root(component.definition.clone()),
            &self.root.items(),
            &HashMap::new(),
        )?;
        Ok(Instance {
            store_id: store.inner.id,
            exports: Arc::new(exports),
        })
    }

    /// Instantiates `component`, defining each import this linker lacks
    /// so that it traps when used: functions (at the top level or in
    /// imported instances, such as WASI interfaces) trap when called, and
    /// imported resource types become host types of which the host never
    /// makes a resource. For running components whose imports the host
    /// cannot satisfy. Imported modules and components cannot be made up
    /// and stay missing.
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
        fill_trapping(
            &mut filled.root,
            None,
            &component.definition.imports,
            &mut store.inner,
            &mut Vec::new(),
        );
        filled.instantiate(store, component)
    }
}

/// Defines in `namespace` each of `imports` it lacks as an item that traps
/// when used (see [`Linker::instantiate_trapping_unknown`]); `instance`
/// names the imported instance `namespace` stands for, if any. `bound`
/// collects the resource types met so far: an import of one of them again
/// (a world's `use iface.{r}` imports `r` at the top level, equal to the
/// interface's) is bound by instantiation to the same type, so it is
/// left undefined rather than given a second, different type.
fn fill_trapping(
    namespace: &mut Namespace,
    instance: Option<&str>,
    imports: &[(String, ImportKind)],
    store: &mut StoreInner,
    bound: &mut Vec<ResourceId>,
) {
    for (name, kind) in imports {
        let existing = namespace.get(name);
        match kind {
            ImportKind::Func(_) | ImportKind::AnyFunc if existing.is_none() => {
                let what = match instance {
                    Some(instance) => format!("{instance}#{name}"),
                    None => name.clone(),
                };
                let func = Item::HostFunc(Arc::new(move |_: &mut StoreInner, _: &[Val]| {
                    Err(state::trap(format!("unknown import `{what}` was called")))
                }));
                namespace.set(name, Entry::Item(func));
            }
            ImportKind::Instance(exports) if !matches!(existing, Some(Entry::Item(_))) => {
                let path = match instance {
                    Some(instance) => format!("{instance}#{name}"),
                    None => name.clone(),
                };
                fill_trapping(
                    namespace.namespace(name),
                    Some(&path),
                    exports,
                    store,
                    bound,
                );
            }
            // Given whole by the linker: its resource types are bound.
            ImportKind::Instance(exports) => collect_resources(exports, bound),
            ImportKind::Type(Some(resource)) if bound.contains(resource) => {}
            ImportKind::Type(Some(resource)) => {
                bound.push(*resource);
                if existing.is_none() {
                    let id = store.id;
                    let ty = store.component.new_resource_type(id, None, None);
                    namespace.set(name, Entry::Item(Item::Type(Some(ty))));
                }
            }
            _ => {}
        }
    }
}

/// Adds the resource types among `imports` (and inside their instances)
/// to `bound`.
fn collect_resources(imports: &[(String, ImportKind)], bound: &mut Vec<ResourceId>) {
    for (_, kind) in imports {
        match kind {
            ImportKind::Type(Some(resource)) => bound.push(*resource),
            ImportKind::Instance(exports) => collect_resources(exports, bound),
            _ => {}
        }
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
        let func = Item::HostFunc(Arc::new(move |inner: &mut StoreInner, args: &[Val]| {
            func(&mut StoreContext { inner }, args)
        }));
        self.namespace.set(name, Entry::Item(func));
        self
    }

    /// Defines `name` as `item` (for definitions made elsewhere in the
    /// component module, such as `func_raw`).
    pub(super) fn define_item(&mut self, name: &str, item: Item) -> &mut Self {
        self.namespace.set(name, Entry::Item(item));
        self
    }

    /// Defines the resource type `name` (one made with
    /// [`ResourceType::host`]).
    pub fn resource(&mut self, name: &str, ty: ResourceType) -> &mut Self {
        self.namespace.set(name, Entry::Item(Item::Type(Some(ty))));
        self
    }

    /// Defines the core module `name`.
    pub fn module(&mut self, name: &str, module: crate::Module) -> &mut Self {
        self.namespace.set(name, Entry::Item(Item::Module(module)));
        self
    }

    /// The nested instance `name`, created empty if new.
    pub fn instance(&mut self, name: &str) -> LinkerInstance<'_> {
        LinkerInstance {
            namespace: self.namespace.namespace(name),
        }
    }
}

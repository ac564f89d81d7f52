//! What a store holds for components: component functions, resource
//! types, and per component instance its handle table and the flags that
//! guard entering and leaving it.

use std::collections::HashSet;
use std::sync::Arc;

use super::abi::{LiftError, StringEncoding};
use super::resources::{HandleTable, Resource, ResourceType};
use super::types::{CoreSignature, FuncType};
use super::values::Val;
use crate::externals::Memory;
use crate::func::Func;
use crate::store::StoreInner;
use crate::trap::{Trap, TrapKind};

/// A host function for components: it gets the store's state and the
/// arguments, and returns the results.
pub(crate) type HostComponentFn =
    dyn Fn(&mut StoreInner, &[Val]) -> Result<Vec<Val>, Trap> + Send + Sync;

/// The runtime `canon` options of a lift or lower.
#[derive(Clone, Default)]
pub(crate) struct RuntimeOptions {
    pub memory: Option<Memory>,
    pub realloc: Option<Func>,
    pub post_return: Option<Func>,
    pub encoding: StringEncoding,
}

/// A core function lifted into a component function.
pub(crate) struct Lifted {
    pub core: Func,
    pub ty: Arc<FuncType>,
    pub signature: CoreSignature,
    pub options: RuntimeOptions,
    /// The component instance the function belongs to.
    pub instance: u32,
    /// The runtime resource type of each of its definition's slots.
    pub resources: Arc<[Option<ResourceType>]>,
}

/// A component function.
#[derive(Clone)]
pub(crate) enum ComponentFuncData {
    /// Lifted from a component's core function.
    Lifted(Arc<Lifted>),
    /// Defined by the host, with the type of the import it satisfies.
    Host {
        ty: Arc<FuncType>,
        func: Arc<HostComponentFn>,
    },
    /// Defined by the host as a raw function (`func_raw`), with the type
    /// of the import it satisfies.
    RawHost {
        ty: Arc<FuncType>,
        func: Arc<super::raw::RawHostFn>,
    },
}

impl ComponentFuncData {
    /// The function's type.
    pub fn ty(&self) -> &Arc<FuncType> {
        match self {
            ComponentFuncData::Lifted(lifted) => &lifted.ty,
            ComponentFuncData::Host { ty, .. } | ComponentFuncData::RawHost { ty, .. } => ty,
        }
    }
}

/// A destructor the host gives a resource type it defines.
pub(crate) type HostDtor = dyn Fn(&mut StoreInner, u32) -> Result<(), Trap> + Send + Sync;

/// A resource type's destructor.
#[derive(Clone)]
pub(crate) enum Dtor {
    /// A core function of the defining component, taking the rep.
    Guest(Func),
    /// A host function, taking the rep.
    Host(Arc<HostDtor>),
}

/// A resource type's runtime data.
pub(crate) struct ResourceTypeData {
    /// The component instance that defined it (`None`: the host).
    pub owner: Option<u32>,
    /// Its destructor.
    pub dtor: Option<Dtor>,
}

/// One component instance's state.
pub(crate) struct InstanceState {
    pub handles: HandleTable,
    /// Clear while the instance is running a call: components may not be
    /// re-entered.
    pub may_enter: bool,
    /// Clear while the instance runs `realloc` or `post-return`, which
    /// may not call out of it.
    pub may_leave: bool,
}

/// A call into a lifted function in progress: the borrows lent into the
/// callee, which it must drop before it returns.
pub(crate) struct CallScope {
    pub id: u64,
    pub borrows: u32,
}

/// The component-model state of a store.
#[derive(Default)]
pub(crate) struct ComponentStore {
    pub funcs: Vec<ComponentFuncData>,
    pub resource_types: Vec<ResourceTypeData>,
    pub instances: Vec<InstanceState>,
    pub calls: Vec<CallScope>,
    pub next_call: u64,
    /// The owned resources the host took from guests and has neither
    /// dropped nor passed on, by their [`Resource::held`] key.
    pub held: HashSet<u64>,
    pub next_held: u64,
}

impl ComponentStore {
    /// A new component instance's state, by index.
    pub fn new_instance(&mut self) -> u32 {
        self.instances.push(InstanceState {
            handles: HandleTable::default(),
            may_enter: true,
            may_leave: true,
        });
        self.instances.len() as u32 - 1
    }

    /// Records that the host now owns `resource`, taken from a guest.
    pub fn hold(&mut self, mut resource: Resource) -> Resource {
        self.next_held += 1;
        resource.held = self.next_held;
        self.held.insert(resource.held);
        resource
    }

    /// Checks that the host still owns `resource` (not dropped, not
    /// moved into a guest); resources the host made itself always pass.
    pub fn check_held(&self, resource: &Resource) -> Result<(), LiftError> {
        if resource.held == 0 || self.held.contains(&resource.held) {
            Ok(())
        } else {
            Err(LiftError::Handle(format!(
                "resource {} (of resource type {}) was already dropped or moved into a component",
                resource.rep, resource.ty.index
            )))
        }
    }

    /// Gives up the host's ownership of `resource` (it is being dropped
    /// or moved into a guest).
    pub fn release(&mut self, resource: &Resource) -> Result<(), LiftError> {
        self.check_held(resource)?;
        self.held.remove(&resource.held);
        Ok(())
    }

    /// A new resource type.
    pub fn new_resource_type(
        &mut self,
        store_id: u64,
        owner: Option<u32>,
        dtor: Option<Dtor>,
    ) -> ResourceType {
        self.resource_types.push(ResourceTypeData { owner, dtor });
        ResourceType {
            store_id,
            index: self.resource_types.len() as u32 - 1,
        }
    }

    /// Adds a component function.
    pub fn add_func(&mut self, func: ComponentFuncData) -> u32 {
        self.funcs.push(func);
        self.funcs.len() as u32 - 1
    }
}

/// A trap raised by the component model's rules.
pub(crate) fn trap(message: impl Into<String>) -> Trap {
    Trap {
        kind: TrapKind::Component(message.into()),
        backtrace: Vec::new(),
    }
}

impl From<LiftError> for Trap {
    fn from(err: LiftError) -> Trap {
        trap(err.to_string())
    }
}

/// For the call paths, which carry traps boxed (see `StoreInner::call_raw`).
impl From<LiftError> for Box<Trap> {
    fn from(err: LiftError) -> Box<Trap> {
        Box::new(err.into())
    }
}

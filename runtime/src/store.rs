//! Stores: everything instances create lives here, and dies with it.
//! Handles (`Func`, `Memory`, …) are a store id and an index, so a handle
//! used with the wrong store is caught instead of trusted.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::compile::CompiledCode;
use crate::engine::Engine;
use crate::error::Error;
use crate::func::{Func, HostFuncData};
use crate::module::Module;
use crate::trap::{FrameInfo, Trap, TrapKind};
use crate::types::{FuncType, GlobalType, MemoryType};
use crate::vm::instance::{InstanceData, TableData, VMFuncRef, VMGlobal, VMStoreContext};
use crate::vm::linear_memory::LinearMemory;
use crate::vm::traps::TrapRecord;

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

/// A store of WebAssembly state with host data `T`.
pub struct Store<T> {
    pub(crate) inner: Box<StoreInner>,
    data: T,
}

/// Where an instance's entities live in its store.
#[derive(Debug, Default)]
pub(crate) struct InstanceHandles {
    pub globals: Vec<u32>,
    pub tables: Vec<u32>,
    pub memories: Vec<u32>,
}

/// Where a global's value lives.
pub(crate) enum GlobalStorage {
    /// Made by the host with `Global::new`: boxed in the store.
    Host(Box<VMGlobal>),
    /// Defined by an instance: inline in its vmctx block, which the store
    /// keeps until it is dropped.
    Instance(*mut VMGlobal),
}

impl GlobalStorage {
    /// The storage's address (stable for the store's life).
    pub fn ptr(&self) -> *mut VMGlobal {
        match self {
            GlobalStorage::Host(global) => &**global as *const VMGlobal as *mut VMGlobal,
            GlobalStorage::Instance(ptr) => *ptr,
        }
    }

    /// The value's bits.
    pub fn bits(&self) -> u128 {
        // SAFETY: the storage is live while the store is, and nothing
        // writes it while the host holds `&self` of the store.
        unsafe { (*self.ptr()).bits }
    }

    /// Sets the value's bits.
    pub fn set_bits(&mut self, bits: u128) {
        // SAFETY: as for `bits`; the host holds the store mutably.
        unsafe { (*self.ptr()).bits = bits }
    }
}

/// A function known to a store.
pub(crate) struct FuncData {
    pub funcref: *const VMFuncRef,
    pub ty: FuncType,
}

/// The store's state, apart from the host data. Entities are boxed so
/// their addresses stay put: compiled code and vmctx blocks point at them.
#[allow(clippy::vec_box)]
pub(crate) struct StoreInner {
    pub id: u64,
    pub engine: Engine,
    pub ctx: Box<VMStoreContext>,
    pub instances: Vec<Box<InstanceData>>,
    /// Per instance: the store index of each of its globals, tables and
    /// memories, in the instance's index spaces.
    pub instance_handles: Vec<InstanceHandles>,
    pub funcs: Vec<FuncData>,
    pub funcref_index: HashMap<usize, u32>,
    pub host_funcs: Vec<Box<HostFuncData>>,
    pub host_funcrefs: Vec<Box<VMFuncRef>>,
    pub host_code: Vec<Arc<CompiledCode>>,
    pub globals: Vec<(GlobalStorage, GlobalType)>,
    pub tables: Vec<Box<TableData>>,
    pub memories: Vec<(Box<LinearMemory>, MemoryType)>,
    /// Nesting of host-to-wasm calls on this store.
    pub depth: u32,
    /// Component functions, resource types and instance state.
    pub component: crate::component::state::ComponentStore,
}

impl<T> Store<T> {
    /// An empty store for `engine`, holding `data`.
    pub fn new(engine: &Engine, data: T) -> Store<T> {
        Store {
            inner: Box::new(StoreInner {
                id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
                engine: engine.clone(),
                ctx: Box::new(VMStoreContext {
                    stack_limit: usize::MAX,
                    fuel: i64::MAX,
                    epoch_deadline: u64::MAX,
                    epoch_counter: engine.epoch_counter(),
                    memory_used: 0,
                    memory_limit: engine.config().memory_limit.unwrap_or(usize::MAX),
                }),
                instances: Vec::new(),
                instance_handles: Vec::new(),
                funcs: Vec::new(),
                funcref_index: HashMap::new(),
                host_funcs: Vec::new(),
                host_funcrefs: Vec::new(),
                host_code: Vec::new(),
                globals: Vec::new(),
                tables: Vec::new(),
                memories: Vec::new(),
                depth: 0,
                component: Default::default(),
            }),
            data,
        }
    }

    /// The host data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The host data, to change.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// Sets the fuel left: each wasm operator executed consumes one unit,
    /// and running out traps with [`TrapKind::OutOfFuel`]. Needs
    /// [`crate::Config::consume_fuel`].
    pub fn set_fuel(&mut self, fuel: u64) -> Result<(), Error> {
        self.require_fuel()?;
        self.inner.ctx.fuel = i64::try_from(fuel).unwrap_or(i64::MAX);
        Ok(())
    }

    /// The fuel left.
    pub fn get_fuel(&self) -> Result<u64, Error> {
        self.require_fuel()?;
        Ok(self.inner.ctx.fuel.max(0) as u64)
    }

    fn require_fuel(&self) -> Result<(), Error> {
        if self.inner.engine.config().consume_fuel {
            Ok(())
        } else {
            Err(Error::Unsupported(
                "fuel is off: enable Config::consume_fuel".into(),
            ))
        }
    }

    /// Interrupts wasm running in this store (with
    /// [`TrapKind::Interrupted`]) once the engine's epoch has advanced
    /// `ticks` times from now. Needs [`crate::Config::epoch_interruption`].
    /// Until this is called, the deadline is never reached.
    pub fn set_epoch_deadline(&mut self, ticks: u64) {
        let now = self.inner.engine.current_epoch();
        self.inner.ctx.epoch_deadline = now.saturating_add(ticks);
    }
}

impl StoreInner {
    /// Checks that a handle belongs to this store.
    pub fn check(&self, store_id: u64, what: &str) -> Result<(), Error> {
        if store_id == self.id {
            Ok(())
        } else {
            Err(Error::Type {
                message: format!("{what} belongs to another store"),
            })
        }
    }

    /// Registers a function by its `VMFuncRef`, once.
    pub fn add_func(&mut self, funcref: *const VMFuncRef, ty: FuncType) -> Func {
        if let Some(index) = self.funcref_index.get(&(funcref as usize)) {
            return Func::from_parts(self.id, *index);
        }
        let index = self.funcs.len() as u32;
        self.funcs.push(FuncData { funcref, ty });
        self.funcref_index.insert(funcref as usize, index);
        Func::from_parts(self.id, index)
    }

    /// The `VMFuncRef` address of `func`.
    pub fn funcref_of(&self, func: Func) -> Result<usize, Error> {
        self.check(func.store_id(), "function")?;
        Ok(self.funcs[func.index() as usize].funcref as usize)
    }

    /// The function a non-null funcref value refers to.
    pub fn func_of_funcref(&mut self, funcref: usize) -> Option<Func> {
        if funcref == 0 {
            return None;
        }
        if let Some(index) = self.funcref_index.get(&funcref) {
            return Some(Func::from_parts(self.id, *index));
        }
        // SAFETY: non-null funcref values are addresses of live VMFuncRefs
        // of this store's instances or host functions.
        let type_id = unsafe { (*(funcref as *const VMFuncRef)).type_id };
        let ty = self.engine.type_of_id(type_id)?;
        Some(self.add_func(funcref as *const VMFuncRef, ty))
    }

    /// Turns a caught fault into a [`Trap`] with its kind and backtrace.
    pub fn trap_from_record(&self, record: &TrapRecord) -> Trap {
        let code = record
            .trap_code
            .and_then(std::num::NonZeroU8::new)
            .map(cranelift_codegen::ir::TrapCode::from_raw);
        let kind = match code {
            Some(crate::trap::codes::LIBCALL) => crate::vm::builtins::take_pending_trap()
                .unwrap_or_else(|| TrapKind::Host("a runtime call failed".into())),
            Some(code) => crate::trap::kind_of_code(code)
                .unwrap_or_else(|| TrapKind::Host(format!("unknown trap code {code:?}"))),
            None => TrapKind::MemoryOutOfBounds,
        };
        Trap {
            kind,
            backtrace: self.backtrace(record),
        }
    }

    /// Finds the module and defined function whose code holds `pc`.
    fn frame_at(&self, pc: usize) -> Option<FrameInfo> {
        self.instances.iter().find_map(|instance| {
            let module = &instance.module;
            let (defined, offset) = module.code().func_at(pc)?;
            let func_index = module.info().imported_funcs + defined;
            Some(FrameInfo {
                module: module.name().map(str::to_string),
                func_index,
                func_name: module.info().func_names.get(&func_index).cloned(),
                code_offset: offset,
            })
        })
    }

    /// The wasm frames of a trap, from the return addresses the signal
    /// handler collected (frames of trampolines are left out).
    fn backtrace(&self, record: &TrapRecord) -> Vec<FrameInfo> {
        // A return address points after its call instruction, which may be
        // the last of its function: look up the byte before it.
        record.frames[..record.frame_count]
            .iter()
            .enumerate()
            .filter_map(|(i, pc)| self.frame_at(if i == 0 { *pc } else { pc - 1 }))
            .collect()
    }

    /// Calls a function through its array trampoline with values in
    /// `slots`, catching traps.
    ///
    /// The trap comes boxed: a `Result` of one pointer returns in a
    /// register, where one holding a whole `Trap` is copied through memory
    /// at every level of the call path.
    pub fn call_raw(
        &mut self,
        funcref: *const VMFuncRef,
        slots: &mut [u128],
    ) -> Result<(), Box<Trap>> {
        // SAFETY: `funcref` belongs to this store (checked by the caller).
        let func = unsafe { *funcref };
        // SAFETY: `array_call` is the trampoline for the function's type;
        // `slots` has room for its parameters and results.
        self.entered(|| unsafe {
            let trampoline: crate::vm::traps::ArrayCall = std::mem::transmute(func.array_call);
            crate::vm::traps::call_trampoline(
                trampoline,
                func.code as *const std::ffi::c_void,
                func.vmctx as *mut std::ffi::c_void,
                slots.as_mut_ptr(),
            )
        })
    }

    /// Runs `body`, which calls compiled code of this store, with the
    /// stack limit set and traps caught.
    ///
    /// # Safety
    ///
    /// `body` may only call compiled code of this store and write its
    /// results through references: a trap unwinds it without running
    /// destructors.
    pub unsafe fn enter_wasm(&mut self, body: impl FnOnce()) -> Result<(), Box<Trap>> {
        // SAFETY: as the caller promises.
        self.entered(|| unsafe { crate::vm::traps::catch_traps(body) })
    }

    /// Runs `enter` (an entry into compiled code of this store, catching
    /// traps) with the stack limit set at an outermost entry (below the
    /// current stack pointer by the configured maximum), and makes its
    /// trap record a `Trap`.
    #[inline(always)]
    fn entered(
        &mut self,
        enter: impl FnOnce() -> Result<(), Box<crate::vm::traps::TrapRecord>>,
    ) -> Result<(), Box<Trap>> {
        if self.depth == 0 {
            let sp = crate::vm::traps::current_stack_pointer();
            self.ctx.stack_limit = sp.saturating_sub(self.engine.config().max_wasm_stack);
        }
        self.depth += 1;
        let result = enter();
        self.depth -= 1;
        result.map_err(|record| Box::new(self.trap_from_record(&record)))
    }
}

impl Module {
    /// Whether `module`'s code belongs to this store's instances (for
    /// backtraces); used by tests.
    pub fn is_instantiated_in<T>(&self, store: &Store<T>) -> bool {
        store
            .inner
            .instances
            .iter()
            .any(|i| Module::same(&i.module, self))
    }
}

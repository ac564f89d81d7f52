//! Instances: a module's code joined with its imports and its own
//! memories, tables and globals, then initialised.

use crate::compile::vmoffsets;
use crate::error::Error;
use crate::externals::{Global, Memory, Table};
use crate::func::Func;
use crate::module::info::{ConstOp, EntityIndex, SegmentMode};
use crate::module::Module;
use crate::store::{GlobalStorage, Store, StoreInner};
use crate::trap::{Trap, TrapKind};
use crate::types::ExternType;
use crate::vm::builtins::BUILTINS;
use crate::vm::instance::{InstanceData, TableData, VMFuncRef, VMGlobal};
use crate::vm::linear_memory::LinearMemory;

/// Something an instance exports or a linker provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A global.
    Global(Global),
    /// A table.
    Table(Table),
    /// A memory.
    Memory(Memory),
}

impl From<Func> for Extern {
    fn from(f: Func) -> Extern {
        Extern::Func(f)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Extern {
        Extern::Global(g)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Extern {
        Extern::Table(t)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Extern {
        Extern::Memory(m)
    }
}

impl Extern {
    /// The item's type, as an import would be checked against.
    pub fn ty<T>(&self, store: &Store<T>) -> ExternType {
        self.ty_in(&store.inner)
    }

    /// [`Extern::ty`] on the store's state.
    pub(crate) fn ty_in(&self, inner: &StoreInner) -> ExternType {
        match self {
            Extern::Func(f) => ExternType::Func(inner.funcs[f.index() as usize].ty.clone()),
            Extern::Global(g) => ExternType::Global(inner.globals[g.index as usize].1),
            Extern::Table(t) => {
                let table = &inner.tables[t.index as usize];
                ExternType::Table(crate::types::TableType {
                    minimum: table.elements().len() as u32,
                    ..table.ty
                })
            }
            Extern::Memory(m) => {
                let (memory, ty) = &inner.memories[m.index as usize];
                ExternType::Memory(crate::types::MemoryType {
                    minimum: memory.size_in_pages(),
                    ..*ty
                })
            }
        }
    }
}

/// An instance of a module in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Instance {
    store_id: u64,
    index: u32,
}

impl Instance {
    /// The export `name`.
    pub fn get_export<T>(&self, store: &mut Store<T>, name: &str) -> Option<Extern> {
        self.export_in(&mut store.inner, name)
    }

    /// [`Instance::get_export`] on the store's state.
    pub(crate) fn export_in(&self, inner: &mut StoreInner, name: &str) -> Option<Extern> {
        if inner.id != self.store_id {
            return None;
        }
        let module = inner.instances[self.index as usize].module.clone();
        let position = *module.info().export_index.get(name)?;
        Some(self.resolve(inner, module.info().exports[position].1))
    }

    /// The store handle of an entity of this instance.
    fn resolve(&self, store: &mut StoreInner, index: EntityIndex) -> Extern {
        let store_id = store.id;
        let handles = &store.instance_handles[self.index as usize];
        match index {
            EntityIndex::Global(g) => Extern::Global(Global {
                store_id,
                index: handles.globals[g as usize],
            }),
            EntityIndex::Table(t) => Extern::Table(Table {
                store_id,
                index: handles.tables[t as usize],
            }),
            EntityIndex::Memory(m) => Extern::Memory(Memory {
                store_id,
                index: handles.memories[m as usize],
            }),
            EntityIndex::Func(f) => {
                let data = &mut store.instances[self.index as usize];
                let funcref = data.funcref(f) as *const VMFuncRef;
                let ty = data.module.info().func_type(f).clone();
                Extern::Func(store.add_func(funcref, ty))
            }
        }
    }

    /// The exported function `name`.
    pub fn get_func<T>(&self, store: &mut Store<T>, name: &str) -> Option<Func> {
        match self.get_export(store, name)? {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }

    /// The exported global `name`.
    pub fn get_global<T>(&self, store: &mut Store<T>, name: &str) -> Option<Global> {
        match self.get_export(store, name)? {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }

    /// The exported memory `name`.
    pub fn get_memory<T>(&self, store: &mut Store<T>, name: &str) -> Option<Memory> {
        match self.get_export(store, name)? {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }

    /// The exported table `name`.
    pub fn get_table<T>(&self, store: &mut Store<T>, name: &str) -> Option<Table> {
        match self.get_export(store, name)? {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }

    /// Every export, in order.
    pub fn exports<T>(&self, store: &mut Store<T>) -> Vec<(String, Extern)> {
        let module = store.inner.instances[self.index as usize].module.clone();
        module
            .info()
            .exports
            .iter()
            .map(|(name, index)| (name.clone(), self.resolve(&mut store.inner, *index)))
            .collect()
    }

    /// Instantiates `module` with `imports`, one per import in order.
    pub fn new<T>(
        store: &mut Store<T>,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance, Error> {
        let types: Vec<ExternType> = imports.iter().map(|e| e.ty(store)).collect();
        instantiate(&mut store.inner, module, imports, &types)
    }
}

/// Creates a memory of type `ty` within the store's memory limit.
pub(crate) fn new_memory(
    ctx: &mut crate::vm::instance::VMStoreContext,
    ty: crate::types::MemoryType,
) -> Result<LinearMemory, Error> {
    let bytes = ty.minimum as usize * 65536;
    if !ctx.reserve_memory(bytes) {
        return Err(Error::Limit(format!(
            "a memory of {} pages passes the store's limit of {} bytes",
            ty.minimum, ctx.memory_limit
        )));
    }
    LinearMemory::new(ty.minimum, ty.maximum, None).map_err(|e| {
        ctx.memory_used -= bytes;
        Error::Limit(format!("cannot create memory: {e}"))
    })
}

fn link_error(module: &Module, index: usize, message: String) -> Error {
    let import = &module.info().imports[index];
    Error::Link {
        message: format!("import `{}`.`{}`: {message}", import.module, import.name),
    }
}

/// Whether a table or memory of `actual` limits can stand in for an import
/// requiring `required` limits.
pub(crate) fn limits_match(actual: (u32, Option<u32>), required: (u32, Option<u32>)) -> bool {
    actual.0 >= required.0
        && match (actual.1, required.1) {
            (_, None) => true,
            (Some(a), Some(r)) => a <= r,
            (None, Some(_)) => false,
        }
}

fn check_import(module: &Module, index: usize, given: &ExternType) -> Result<(), Error> {
    let expected = module.entity_type(module.info().imports[index].kind);
    let ok = match (&expected, given) {
        (ExternType::Func(a), ExternType::Func(b)) => a == b,
        (ExternType::Global(a), ExternType::Global(b)) => a == b,
        (ExternType::Table(r), ExternType::Table(a)) => {
            r.element == a.element && limits_match((a.minimum, a.maximum), (r.minimum, r.maximum))
        }
        (ExternType::Memory(r), ExternType::Memory(a)) => {
            limits_match((a.minimum, a.maximum), (r.minimum, r.maximum))
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(link_error(
            module,
            index,
            format!("incompatible import type: expected {expected}, given {given}"),
        ))
    }
}

/// Evaluates a constant expression to slot bits.
fn eval(
    data: &mut InstanceData,
    offsets: &crate::vm::offsets::VMOffsets,
    expr: &[ConstOp],
) -> u128 {
    let mut stack: Vec<u128> = Vec::new();
    for op in expr {
        let value = match *op {
            ConstOp::I32(v) => u128::from(v as u32),
            ConstOp::I64(v) => u128::from(v as u64),
            ConstOp::F32(bits) => u128::from(bits),
            ConstOp::F64(bits) => u128::from(bits),
            ConstOp::RefNull(_) => 0,
            ConstOp::RefFunc(f) => data.funcref(f) as u128,
            ConstOp::GlobalGet(g) => {
                let ptr = data.vmctx_field(offsets.global(g)) as *const VMGlobal;
                // SAFETY: global fields point at live globals of the store.
                unsafe { (*ptr).bits }
            }
            binary => {
                let b = stack.pop().unwrap_or(0);
                let a = stack.pop().unwrap_or(0);
                let (a32, b32) = (a as u32, b as u32);
                let (a64, b64) = (a as u64, b as u64);
                match binary {
                    ConstOp::I32Add => u128::from(a32.wrapping_add(b32)),
                    ConstOp::I32Sub => u128::from(a32.wrapping_sub(b32)),
                    ConstOp::I32Mul => u128::from(a32.wrapping_mul(b32)),
                    ConstOp::I64Add => u128::from(a64.wrapping_add(b64)),
                    ConstOp::I64Sub => u128::from(a64.wrapping_sub(b64)),
                    _ => u128::from(a64.wrapping_mul(b64)),
                }
            }
        };
        stack.push(value);
    }
    stack.pop().unwrap_or(0)
}

fn trap(kind: TrapKind) -> Error {
    Error::Trap(Trap {
        kind,
        backtrace: Vec::new(),
    })
}

pub(crate) fn instantiate(
    store: &mut StoreInner,
    module: &Module,
    imports: &[Extern],
    import_types: &[ExternType],
) -> Result<Instance, Error> {
    let info = module.info();
    if !std::ptr::eq(module.engine().isa(), store.engine.isa()) {
        return Err(Error::Link {
            message: "the module was compiled by another engine than the store's".into(),
        });
    }
    if imports.len() != info.imports.len() {
        return Err(Error::Link {
            message: format!(
                "the module has {} imports, {} given",
                info.imports.len(),
                imports.len()
            ),
        });
    }
    for (i, ty) in import_types.iter().enumerate() {
        check_import(module, i, ty)?;
    }
    let offsets = vmoffsets(info);
    let words = (offsets.size() as usize).div_ceil(16).max(1);
    let mut data = Box::new(InstanceData {
        module: module.clone(),
        vmctx: vec![0u128; words].into_boxed_slice(),
        memories: Vec::new(),
        tables: Vec::new(),
        dropped_data: vec![false; info.data.len()],
        dropped_elements: vec![false; info.elements.len()],
        element_items: Vec::new(),
    });
    let data_ptr: *mut InstanceData = &mut *data;
    data.set_vmctx_field(offsets.store_context(), &*store.ctx as *const _ as usize);
    data.set_vmctx_field(offsets.builtins(), &BUILTINS as *const _ as usize);
    data.set_vmctx_field(offsets.type_ids(), module.type_ids().as_ptr() as usize);
    data.set_vmctx_field(offsets.instance(), data_ptr as usize);
    let vmctx = data.vmctx_ptr() as usize;

    // Imports, in their index spaces.
    let (mut funcs, mut globals, mut tables, mut memories) = (0, 0, 0, 0);
    let mut handles = crate::store::InstanceHandles::default();
    for (i, import) in imports.iter().enumerate() {
        match *import {
            Extern::Func(f) => {
                store.check(f.store_id(), "imported function")?;
                let funcref = store.funcref_of(f)?;
                data.set_vmctx_field(offsets.func(funcs), funcref);
                funcs += 1;
            }
            Extern::Global(g) => {
                store.check(g.store_id, "imported global")?;
                let ptr: *const VMGlobal = store.globals[g.index as usize].0.ptr();
                data.set_vmctx_field(offsets.global(globals), ptr as usize);
                handles.globals.push(g.index);
                globals += 1;
            }
            Extern::Table(t) => {
                store.check(t.store_id, "imported table")?;
                let table: *mut TableData = &mut *store.tables[t.index as usize];
                // SAFETY: the table is boxed in the store.
                let vm = unsafe { (*table).vm_table_ptr() };
                data.set_vmctx_field(offsets.table(tables), vm as usize);
                data.tables.push(table);
                handles.tables.push(t.index);
                tables += 1;
            }
            Extern::Memory(m) => {
                store.check(m.store_id, "imported memory")?;
                let memory: *mut LinearMemory = &mut *store.memories[m.index as usize].0;
                // SAFETY: the memory is boxed in the store.
                let vm = unsafe { (*memory).vm_memory_ptr() };
                data.set_vmctx_field(offsets.memory(memories), vm as usize);
                data.memories.push(memory);
                handles.memories.push(m.index);
                memories += 1;
            }
        }
        let _ = i;
    }

    // Defined functions get their `VMFuncRef` on first use
    // (`InstanceData::funcref`).

    // Defined memories.
    for ty in &info.memories[info.imported_memories as usize..] {
        let mut memory = Box::new(new_memory(&mut store.ctx, *ty)?);
        let ptr: *mut LinearMemory = &mut *memory;
        data.set_vmctx_field(
            offsets.memory(data.memories.len() as u32),
            memory.vm_memory_ptr() as usize,
        );
        data.memories.push(ptr);
        handles.memories.push(store.memories.len() as u32);
        store.memories.push((memory, *ty));
    }

    // Defined globals, in order (an initialiser may read earlier ones).
    for (i, init) in info.global_inits.iter().enumerate() {
        let index = info.imported_globals + i as u32;
        let bits = eval(&mut data, &offsets, init);
        let ptr = (vmctx + offsets.defined_global(index) as usize) as *mut VMGlobal;
        // SAFETY: the global's storage lies inside the vmctx block,
        // 16-byte aligned; the block lives as long as the store.
        unsafe { (*ptr).bits = bits };
        data.set_vmctx_field(offsets.global(index), ptr as usize);
        handles.globals.push(store.globals.len() as u32);
        store
            .globals
            .push((GlobalStorage::Instance(ptr), info.globals[index as usize]));
    }

    // Defined tables.
    for (i, init) in info.table_inits.iter().enumerate() {
        let index = info.imported_tables + i as u32;
        let init = init
            .as_ref()
            .map_or(0, |e| eval(&mut data, &offsets, e) as usize);
        let mut table = Box::new(TableData::new(info.tables[index as usize], init));
        let ptr: *mut TableData = &mut *table;
        data.set_vmctx_field(offsets.table(index), table.vm_table_ptr() as usize);
        data.tables.push(ptr);
        handles.tables.push(store.tables.len() as u32);
        store.tables.push(table);
    }

    // Element segment items; a declared segment's are never read (it is
    // dropped below), so its functions keep their lazy funcrefs.
    let items: Vec<Vec<usize>> = info
        .elements
        .iter()
        .map(|seg| match seg.mode {
            SegmentMode::Declared => Vec::new(),
            _ => seg
                .items
                .iter()
                .map(|e| eval(&mut data, &offsets, e) as usize)
                .collect(),
        })
        .collect();
    data.element_items = items;

    let store_id = store.id;
    store.instances.push(data);
    store.instance_handles.push(handles);
    let instance_index = store.instances.len() as u32 - 1;
    let data = &mut store.instances[instance_index as usize];

    // Active element segments, then data segments, in order; a segment out
    // of bounds traps, and what earlier ones wrote stays.
    for (i, segment) in info.elements.iter().enumerate() {
        match &segment.mode {
            SegmentMode::Active { index, offset } => {
                let offset = eval(data, &offsets, offset) as u32;
                let len = data.element_items[i].len() as u32;
                data.table_init(*index, i as u32, offset, 0, len)
                    .map_err(trap)?;
                data.drop_elements(i as u32);
            }
            SegmentMode::Declared => data.drop_elements(i as u32),
            SegmentMode::Passive => {}
        }
    }
    for (i, segment) in info.data.iter().enumerate() {
        if let SegmentMode::Active { index, offset } = &segment.mode {
            let offset = eval(data, &offsets, offset) as u32;
            let len = segment.bytes.len() as u32;
            data.memory_init(*index, i as u32, offset, 0, len)
                .map_err(trap)?;
            data.drop_data(i as u32);
        }
    }

    let instance = Instance {
        store_id,
        index: instance_index,
    };
    if let Some(start) = info.start {
        let funcref = data.funcref(start) as *const VMFuncRef;
        let mut slots = [0u128; 1];
        store.call_raw(funcref, &mut slots)?;
    }
    Ok(instance)
}

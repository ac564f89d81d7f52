//! The runtime structures compiled code reads through the vmctx, and an
//! instance's own state: its vmctx block, its memories and tables, and its
//! segments.

use std::sync::atomic::AtomicU64;

use super::linear_memory::LinearMemory;
use crate::module::Module;
use crate::trap::TrapKind;
use crate::types::TableType;
use crate::vm::builtins::checked_range;

/// A function as compiled code and tables see it (`funcref` values are
/// pointers to these).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct VMFuncRef {
    /// Native code with the wasm calling convention.
    pub code: usize,
    /// Host-to-wasm trampoline for the function's type.
    pub array_call: usize,
    /// The vmctx to call it with (host function data for host functions).
    pub vmctx: usize,
    /// Engine-wide type id.
    pub type_id: u32,
    _pad: u32,
}

impl VMFuncRef {
    /// A function reference.
    pub fn new(code: usize, array_call: usize, vmctx: usize, type_id: u32) -> VMFuncRef {
        VMFuncRef {
            code,
            array_call,
            vmctx,
            type_id,
            _pad: 0,
        }
    }
}

// The offsets compiled code uses are those of these structs.
const _: () = {
    use super::offsets::{funcref, store_context, table};
    use std::mem::offset_of;
    assert!(offset_of!(VMFuncRef, code) == funcref::CODE as usize);
    assert!(offset_of!(VMFuncRef, array_call) == funcref::ARRAY_CALL as usize);
    assert!(offset_of!(VMFuncRef, vmctx) == funcref::VMCTX as usize);
    assert!(offset_of!(VMFuncRef, type_id) == funcref::TYPE_ID as usize);
    assert!(std::mem::size_of::<VMFuncRef>() == super::offsets::FUNCREF_SIZE as usize);
    assert!(std::mem::size_of::<VMGlobal>() == super::offsets::GLOBAL_SIZE as usize);
    assert!(offset_of!(VMTable, base) == table::BASE as usize);
    assert!(offset_of!(VMTable, length) == table::LENGTH as usize);
    assert!(offset_of!(VMStoreContext, stack_limit) == store_context::STACK_LIMIT as usize);
    assert!(offset_of!(VMStoreContext, fuel) == store_context::FUEL as usize);
    assert!(offset_of!(VMStoreContext, epoch_deadline) == store_context::EPOCH_DEADLINE as usize);
    assert!(offset_of!(VMStoreContext, epoch_counter) == store_context::EPOCH_COUNTER as usize);
};

/// A global's storage: any value, in the low bytes, little-endian.
#[repr(C, align(16))]
#[derive(Debug, Default)]
pub struct VMGlobal {
    /// The value's bits.
    pub bits: u128,
}

/// What compiled code reads of a table.
#[repr(C)]
#[derive(Debug)]
pub struct VMTable {
    /// The elements (funcref pointers or externref tokens; 0 is null).
    pub base: *mut usize,
    /// The number of elements.
    pub length: usize,
}

/// Per-store state compiled code reads: the stack limit, fuel, epoch.
#[repr(C)]
#[derive(Debug)]
pub struct VMStoreContext {
    /// Lowest stack address wasm may use.
    pub stack_limit: usize,
    /// Fuel left.
    pub fuel: i64,
    /// Epoch deadline.
    pub epoch_deadline: u64,
    /// The engine's epoch counter.
    pub epoch_counter: *const AtomicU64,
    /// Bytes of linear memory the store's memories hold.
    pub memory_used: usize,
    /// The most bytes of linear memory the store may hold.
    pub memory_limit: usize,
}

impl VMStoreContext {
    /// Accounts for `bytes` more linear memory, if the limit allows.
    pub fn reserve_memory(&mut self, bytes: usize) -> bool {
        match self.memory_used.checked_add(bytes) {
            Some(total) if total <= self.memory_limit => {
                self.memory_used = total;
                true
            }
            _ => false,
        }
    }
}

/// A table and its elements.
#[derive(Debug)]
pub struct TableData {
    elements: Vec<usize>,
    /// The table's type (its minimum is the initial size).
    pub ty: TableType,
    vm: Box<VMTable>,
}

impl TableData {
    /// A table of `ty.minimum` elements, each `init`.
    pub fn new(ty: TableType, init: usize) -> TableData {
        let mut elements = vec![init; ty.minimum as usize];
        let vm = Box::new(VMTable {
            base: elements.as_mut_ptr(),
            length: elements.len(),
        });
        TableData { elements, ty, vm }
    }

    /// The address compiled code reaches the table by.
    pub fn vm_table_ptr(&mut self) -> *mut VMTable {
        &mut *self.vm
    }

    /// The elements.
    pub fn elements(&self) -> &[usize] {
        &self.elements
    }

    /// The elements, to write.
    pub fn elements_mut(&mut self) -> &mut [usize] {
        &mut self.elements
    }

    /// Grows by `delta` elements of `init`; returns the old size, or
    /// `None` past the maximum.
    pub fn grow(&mut self, delta: u32, init: usize) -> Option<u32> {
        let old = self.elements.len() as u32;
        let new = old.checked_add(delta)?;
        if new > self.ty.maximum.unwrap_or(u32::MAX) || new > 10_000_000 {
            return None;
        }
        self.elements.resize(new as usize, init);
        self.vm.base = self.elements.as_mut_ptr();
        self.vm.length = self.elements.len();
        Some(old)
    }
}

/// An instance's own state. Its vmctx block points back at it, so library
/// calls can find it.
pub struct InstanceData {
    /// The module instantiated.
    pub module: Module,
    /// The vmctx block (16-byte aligned).
    pub vmctx: Box<[u128]>,
    /// Every memory, imported or defined.
    pub memories: Vec<*mut LinearMemory>,
    /// Every table, imported or defined.
    pub tables: Vec<*mut TableData>,
    /// Data segments dropped (or applied, for active ones).
    pub dropped_data: Vec<bool>,
    /// Element segments dropped (or applied, for active and declared ones).
    pub dropped_elements: Vec<bool>,
    /// The evaluated items of each element segment.
    pub element_items: Vec<Vec<usize>>,
}

impl InstanceData {
    /// The vmctx address.
    pub fn vmctx_ptr(&self) -> *mut u8 {
        self.vmctx.as_ptr() as *mut u8
    }

    /// Writes a pointer-sized field of the vmctx.
    pub fn set_vmctx_field(&mut self, offset: u32, value: usize) {
        let bytes = value.to_le_bytes();
        let block = self.vmctx_bytes_mut();
        block[offset as usize..offset as usize + 8].copy_from_slice(&bytes);
    }

    /// Reads a pointer-sized field of the vmctx.
    pub fn vmctx_field(&self, offset: u32) -> usize {
        let ptr = self.vmctx.as_ptr() as *const u8;
        let len = self.vmctx.len() * 16;
        // SAFETY: the block is `len` initialised bytes.
        let block = unsafe { std::slice::from_raw_parts(ptr, len) };
        usize::from_le_bytes(
            block[offset as usize..offset as usize + 8]
                .try_into()
                .expect("8"),
        )
    }

    fn vmctx_bytes_mut(&mut self) -> &mut [u8] {
        let len = self.vmctx.len() * 16;
        // SAFETY: the block is `len` initialised bytes owned by `self`.
        unsafe { std::slice::from_raw_parts_mut(self.vmctx.as_mut_ptr() as *mut u8, len) }
    }

    /// The `VMFuncRef` address of function `index` (imported or defined),
    /// as `funcref` values hold it.
    ///
    /// A defined function's `VMFuncRef` is written on first use, not at
    /// instantiation: a module with thousands of functions would otherwise
    /// pay for all of them, where most are only ever called directly.
    /// Until then its pointer field in the vmctx is null; compiled
    /// `ref.func` checks that field and calls the `ref_func` builtin when
    /// it is.
    pub fn funcref(&mut self, index: u32) -> usize {
        let offsets = crate::compile::vmoffsets(self.module.info());
        let field = offsets.func(index);
        let ptr = self.vmctx_field(field);
        if ptr != 0 {
            return ptr;
        }
        let info = self.module.info();
        let defined = index
            .checked_sub(info.imported_funcs)
            .expect("imported functions are set at instantiation");
        let type_index = info.funcs[index as usize] as usize;
        let code = self.module.code();
        let vmctx = self.vmctx_ptr() as usize;
        let funcref = VMFuncRef::new(
            code.address(code.funcs[defined as usize]),
            code.address(code.array_calls[type_index]),
            vmctx,
            self.module.type_ids()[type_index],
        );
        let offset = offsets.defined_funcref(defined) as usize;
        // SAFETY: the `VMFuncRef` lies inside the vmctx block (which
        // `offsets` laid out), 16-byte aligned; nothing refers to it before
        // the pointer below is set. Written through the block's mutable
        // pointer, as the block is owned by `self`.
        let at = unsafe {
            let at = self.vmctx.as_mut_ptr().cast::<u8>().add(offset);
            at.cast::<VMFuncRef>().write(funcref);
            at as usize
        };
        self.set_vmctx_field(field, at);
        at
    }

    /// The instance a vmctx belongs to.
    ///
    /// # Safety
    ///
    /// `vmctx` must be the vmctx of a live instance.
    pub unsafe fn from_vmctx<'a>(vmctx: *mut u8) -> &'a mut InstanceData {
        let offset = crate::vm::offsets::VMOffsets::new(0, 0, 0, 0, 0, 0).instance() as usize;
        // SAFETY: the instance field holds the address of the boxed
        // `InstanceData`, which the store keeps alive.
        unsafe { &mut *(*(vmctx.add(offset) as *const *mut InstanceData)) }
    }

    /// Memory `index`.
    pub fn memory_mut(&mut self, index: u32) -> &mut LinearMemory {
        // SAFETY: memories are owned by the store, which outlives its
        // instances, and boxed at stable addresses.
        unsafe { &mut *self.memories[index as usize] }
    }

    /// Table `index`.
    pub fn table_mut(&mut self, index: u32) -> &mut TableData {
        // SAFETY: as for memories.
        unsafe { &mut *self.tables[index as usize] }
    }

    /// The store context this instance runs with.
    pub fn store_context(&mut self) -> &mut VMStoreContext {
        let ptr = self.vmctx_field(0) as *mut VMStoreContext;
        // SAFETY: field 0 of every vmctx is its store's boxed context,
        // alive as long as the store.
        unsafe { &mut *ptr }
    }

    /// Grows memory `index` by `delta` pages within the store's memory
    /// limit; returns the old size in pages.
    pub fn grow_memory(&mut self, index: u32, delta: u32) -> Option<u32> {
        let bytes = (delta as usize).checked_mul(65536)?;
        if !self.store_context().reserve_memory(bytes) {
            return None;
        }
        let grown = self.memory_mut(index).grow(delta);
        if grown.is_none() {
            self.store_context().memory_used -= bytes;
        }
        grown
    }

    /// `memory.init`: copies part of a data segment into memory.
    pub fn memory_init(
        &mut self,
        mem: u32,
        segment: u32,
        dst: u32,
        src: u32,
        len: u32,
    ) -> Result<(), TrapKind> {
        let module = self.module.clone();
        let bytes = if self.dropped_data[segment as usize] {
            &[][..]
        } else {
            let range = module.info().data[segment as usize].bytes.clone();
            &module.wasm()[range]
        };
        let src_range = checked_range(src, len, bytes.len(), TrapKind::MemoryOutOfBounds)?;
        let data = self.memory_mut(mem).data_mut();
        let dst_range = checked_range(dst, len, data.len(), TrapKind::MemoryOutOfBounds)?;
        data[dst_range].copy_from_slice(&bytes[src_range]);
        Ok(())
    }

    /// `data.drop`.
    pub fn drop_data(&mut self, segment: u32) {
        self.dropped_data[segment as usize] = true;
    }

    /// `table.init`: copies part of an element segment into a table.
    pub fn table_init(
        &mut self,
        table: u32,
        segment: u32,
        dst: u32,
        src: u32,
        len: u32,
    ) -> Result<(), TrapKind> {
        let items = if self.dropped_elements[segment as usize] {
            Vec::new()
        } else {
            self.element_items[segment as usize].clone()
        };
        let src_range = checked_range(src, len, items.len(), TrapKind::TableOutOfBounds)?;
        let elements = self.table_mut(table).elements_mut();
        let dst_range = checked_range(dst, len, elements.len(), TrapKind::TableOutOfBounds)?;
        elements[dst_range].copy_from_slice(&items[src_range]);
        Ok(())
    }

    /// `elem.drop`.
    pub fn drop_elements(&mut self, segment: u32) {
        self.dropped_elements[segment as usize] = true;
    }
}

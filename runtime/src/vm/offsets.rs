//! The layout of an instance's `VMContext`, the one block of memory that
//! compiled code reaches everything through. The compiler emits loads at
//! these offsets and the runtime fills the block at the same offsets, so
//! this struct is the single source of truth for both.
//!
//! ```text
//! offset  field
//! 0       store context: *mut VMStoreContext (stack limit, fuel, epoch)
//! 8       builtins: *const Builtins (runtime library functions)
//! 16      type ids: *const u32, engine-wide id of each module type
//! 24      instance: *mut InstanceData (for library calls)
//! 32      memories: [*mut VMMemory; memories]
//! ..      globals: [*mut VMGlobal; globals]
//! ..      tables: [*mut VMTable; tables]
//! ..      funcs: [*const VMFuncRef; funcs]
//! ..      defined funcrefs: [VMFuncRef; defined funcs]
//! ..      defined globals: [VMGlobal; defined globals]
//! ```
//!
//! Compiled code reaches a defined global inline, at a constant offset
//! from the vmctx (so no pointer to it stays live in registers), and an
//! imported one through its pointer; the pointer array covers every
//! global, so the runtime reaches them all the same way.

/// Offsets of the fields of one module's `VMContext`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VMOffsets {
    memories: u32,
    globals: u32,
    tables: u32,
    funcs: u32,
    imported_funcs: u32,
    imported_globals: u32,
}

const POINTER: u32 = 8;

/// Size of a `VMGlobal`.
pub const GLOBAL_SIZE: u32 = 16;

/// Size of a `VMFuncRef`.
pub const FUNCREF_SIZE: u32 = 32;

impl VMOffsets {
    /// The layout for a module with these entity counts.
    pub fn new(
        memories: u32,
        globals: u32,
        tables: u32,
        funcs: u32,
        imported_funcs: u32,
        imported_globals: u32,
    ) -> Self {
        VMOffsets {
            memories,
            globals,
            tables,
            funcs,
            imported_funcs,
            imported_globals,
        }
    }

    /// `*mut VMStoreContext`.
    pub const fn store_context(&self) -> u32 {
        0
    }
    /// `*const Builtins`.
    pub const fn builtins(&self) -> u32 {
        8
    }
    /// `*const u32`: engine type ids.
    pub const fn type_ids(&self) -> u32 {
        16
    }
    /// `*mut InstanceData`.
    pub const fn instance(&self) -> u32 {
        24
    }
    /// The pointer to memory `index`'s `VMMemory`.
    pub fn memory(&self, index: u32) -> u32 {
        debug_assert!(index < self.memories);
        32 + index * POINTER
    }
    /// The pointer to global `index`'s `VMGlobal`.
    pub fn global(&self, index: u32) -> u32 {
        debug_assert!(index < self.globals);
        32 + (self.memories + index) * POINTER
    }
    /// The pointer to table `index`'s `VMTable`.
    pub fn table(&self, index: u32) -> u32 {
        debug_assert!(index < self.tables);
        32 + (self.memories + self.globals + index) * POINTER
    }
    /// The pointer to function `index`'s `VMFuncRef`.
    pub fn func(&self, index: u32) -> u32 {
        debug_assert!(index < self.funcs);
        32 + (self.memories + self.globals + self.tables + index) * POINTER
    }
    /// Start of the defined functions' `VMFuncRef`s (16-byte aligned).
    fn funcrefs_start(&self) -> u32 {
        let end = 32 + (self.memories + self.globals + self.tables + self.funcs) * POINTER;
        end.next_multiple_of(16)
    }
    /// The `VMFuncRef` of defined function `defined_index`, inside the block.
    pub fn defined_funcref(&self, defined_index: u32) -> u32 {
        debug_assert!(defined_index < self.funcs - self.imported_funcs);
        self.funcrefs_start() + defined_index * FUNCREF_SIZE
    }
    /// Start of the defined globals' `VMGlobal`s (16-byte aligned, as
    /// `FUNCREF_SIZE` is a multiple of 16).
    fn globals_start(&self) -> u32 {
        self.funcrefs_start() + (self.funcs - self.imported_funcs) * FUNCREF_SIZE
    }
    /// Whether global `index` is defined by the module (else imported).
    pub fn is_defined_global(&self, index: u32) -> bool {
        index >= self.imported_globals
    }
    /// The `VMGlobal` of defined global `index` (in the module's global
    /// index space), inside the block.
    pub fn defined_global(&self, index: u32) -> u32 {
        debug_assert!(self.is_defined_global(index) && index < self.globals);
        self.globals_start() + (index - self.imported_globals) * GLOBAL_SIZE
    }
    /// Total size of the block in bytes.
    pub fn size(&self) -> u32 {
        self.globals_start() + (self.globals - self.imported_globals) * GLOBAL_SIZE
    }
}

/// Fields of `VMStoreContext`.
pub mod store_context {
    /// `usize`: the lowest stack address wasm may use.
    pub const STACK_LIMIT: i32 = 0;
    /// `i64`: fuel left; trap when it goes negative.
    pub const FUEL: i32 = 8;
    /// `u64`: the epoch at which to interrupt.
    pub const EPOCH_DEADLINE: i32 = 16;
    /// `*const AtomicU64`: the engine's current epoch.
    pub const EPOCH_COUNTER: i32 = 24;
}

/// Fields of `VMFuncRef`.
pub mod funcref {
    /// Native code, wasm calling convention.
    pub const CODE: i32 = 0;
    /// Host-to-wasm trampoline for this signature.
    pub const ARRAY_CALL: i32 = 8;
    /// The callee's vmctx (or host function data).
    pub const VMCTX: i32 = 16;
    /// Engine-wide type id, `u32`.
    pub const TYPE_ID: i32 = 24;
}

/// Fields of `VMMemory`.
pub mod memory {
    use crate::vm::linear_memory::VMMemory;

    /// `*mut u8`: base address (never moves).
    pub const BASE: i32 = VMMemory::OFFSET_BASE as i32;
    /// `usize`: current length in bytes.
    pub const LENGTH: i32 = VMMemory::OFFSET_CURRENT_LENGTH as i32;
}

/// Fields of `VMTable`.
pub mod table {
    /// `*mut usize`: the elements.
    pub const BASE: i32 = 0;
    /// `u32` (in a `usize` slot): the current number of elements.
    pub const LENGTH: i32 = 8;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_follow_each_other_without_overlap() {
        let o = VMOffsets::new(1, 2, 3, 5, 2, 1);
        assert_eq!(o.memory(0), 32);
        assert_eq!(o.global(0), 40);
        assert_eq!(o.global(1), 48);
        assert_eq!(o.table(0), 56);
        assert_eq!(o.func(0), 80);
        assert_eq!(o.func(4), 112);
        // 120 rounded up to 16 for the funcref array.
        assert_eq!(o.defined_funcref(0), 128);
        // One imported global (reached by pointer), one defined inline
        // after the three defined funcrefs.
        assert!(!o.is_defined_global(0));
        assert!(o.is_defined_global(1));
        assert_eq!(o.defined_global(1), 128 + 3 * FUNCREF_SIZE);
        assert_eq!(o.size(), 128 + 3 * FUNCREF_SIZE + GLOBAL_SIZE);
    }
}

//! Runtime library functions that compiled code calls for what is not
//! worth inlining: growing, filling, copying and initialising memories and
//! tables, and dropping segments.
//!
//! Each takes the caller's vmctx first. A function that can fail records
//! the trap kind in a thread-local and returns non-zero; the compiled code
//! then traps with `codes::LIBCALL`, and the trap handler reads the kind
//! back. No Rust frame is ever unwound by a trap.

use std::cell::RefCell;

use cranelift_codegen::ir::{types, Type};

use super::instance::InstanceData;
use crate::trap::TrapKind;

thread_local! {
    static PENDING: RefCell<Option<TrapKind>> = const { RefCell::new(None) };
}

/// Records why the current library call or host function failed.
pub fn set_pending_trap(kind: TrapKind) {
    PENDING.with(|p| *p.borrow_mut() = Some(kind));
}

/// Takes the reason recorded by [`set_pending_trap`].
pub fn take_pending_trap() -> Option<TrapKind> {
    PENDING.with(|p| p.borrow_mut().take())
}

/// The library functions, in the order of [`BUILTINS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// `(mem, delta) -> old pages or -1`.
    MemoryGrow,
    /// `(mem, dst, val, len) -> status`.
    MemoryFill,
    /// `(dst mem, src mem, dst, src, len) -> status`.
    MemoryCopy,
    /// `(mem, segment, dst, src, len) -> status`.
    MemoryInit,
    /// `(segment)`.
    DataDrop,
    /// `(table, init, delta) -> old size or -1`.
    TableGrow,
    /// `(table, dst, val, len) -> status`.
    TableFill,
    /// `(dst table, src table, dst, src, len) -> status`.
    TableCopy,
    /// `(table, segment, dst, src, len) -> status`.
    TableInit,
    /// `(segment)`.
    ElemDrop,
    /// `(function) -> funcref`: a defined function's `VMFuncRef`, written
    /// on first use.
    RefFunc,
}

impl Builtin {
    /// Parameter types after the vmctx.
    pub fn params(self) -> &'static [Type] {
        use types::{I32, I64};
        match self {
            Builtin::MemoryGrow => &[I32, I32],
            Builtin::MemoryFill => &[I32, I32, I32, I32],
            Builtin::MemoryCopy | Builtin::MemoryInit => &[I32, I32, I32, I32, I32],
            Builtin::DataDrop | Builtin::ElemDrop | Builtin::RefFunc => &[I32],
            Builtin::TableGrow => &[I32, I64, I32],
            Builtin::TableFill => &[I32, I32, I64, I32],
            Builtin::TableCopy | Builtin::TableInit => &[I32, I32, I32, I32, I32],
        }
    }

    /// Result types.
    pub fn results(self) -> &'static [Type] {
        match self {
            Builtin::DataDrop | Builtin::ElemDrop => &[],
            Builtin::RefFunc => &[types::I64],
            _ => &[types::I32],
        }
    }

    /// Offset of this function's pointer in [`BUILTINS`].
    pub const fn offset(self) -> i32 {
        self as i32 * 8
    }
}

/// The table whose address every vmctx holds: one function pointer per
/// [`Builtin`], in order.
#[repr(C)]
pub struct Builtins {
    memory_grow: unsafe extern "C" fn(*mut u8, u32, u32) -> u32,
    memory_fill: unsafe extern "C" fn(*mut u8, u32, u32, u32, u32) -> u32,
    memory_copy: unsafe extern "C" fn(*mut u8, u32, u32, u32, u32, u32) -> u32,
    memory_init: unsafe extern "C" fn(*mut u8, u32, u32, u32, u32, u32) -> u32,
    data_drop: unsafe extern "C" fn(*mut u8, u32),
    table_grow: unsafe extern "C" fn(*mut u8, u32, u64, u32) -> u32,
    table_fill: unsafe extern "C" fn(*mut u8, u32, u32, u64, u32) -> u32,
    table_copy: unsafe extern "C" fn(*mut u8, u32, u32, u32, u32, u32) -> u32,
    table_init: unsafe extern "C" fn(*mut u8, u32, u32, u32, u32, u32) -> u32,
    elem_drop: unsafe extern "C" fn(*mut u8, u32),
    ref_func: unsafe extern "C" fn(*mut u8, u32) -> usize,
}

// Compiled code finds each function at its `Builtin::offset`: the enum
// and the struct must list them in the same order.
const _: () = {
    use std::mem::offset_of;
    let offsets = [
        (offset_of!(Builtins, memory_grow), Builtin::MemoryGrow),
        (offset_of!(Builtins, memory_fill), Builtin::MemoryFill),
        (offset_of!(Builtins, memory_copy), Builtin::MemoryCopy),
        (offset_of!(Builtins, memory_init), Builtin::MemoryInit),
        (offset_of!(Builtins, data_drop), Builtin::DataDrop),
        (offset_of!(Builtins, table_grow), Builtin::TableGrow),
        (offset_of!(Builtins, table_fill), Builtin::TableFill),
        (offset_of!(Builtins, table_copy), Builtin::TableCopy),
        (offset_of!(Builtins, table_init), Builtin::TableInit),
        (offset_of!(Builtins, elem_drop), Builtin::ElemDrop),
        (offset_of!(Builtins, ref_func), Builtin::RefFunc),
    ];
    let mut i = 0;
    while i < offsets.len() {
        assert!(offsets[i].0 == offsets[i].1.offset() as usize);
        i += 1;
    }
    assert!(std::mem::size_of::<Builtins>() == offsets.len() * 8);
};

/// The library functions.
pub static BUILTINS: Builtins = Builtins {
    memory_grow,
    memory_fill,
    memory_copy,
    memory_init,
    data_drop,
    table_grow,
    table_fill,
    table_copy,
    table_init,
    elem_drop,
    ref_func,
};

/// Runs a library call body, turning a panic (a bug) into a trap instead
/// of unwinding into compiled code.
fn guarded(body: impl FnOnce() -> Result<u32, TrapKind>) -> u32 {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(Ok(value)) => value,
        Ok(Err(kind)) => {
            set_pending_trap(kind);
            1
        }
        Err(_) => {
            set_pending_trap(TrapKind::Host(
                "internal error in a runtime library call".into(),
            ));
            1
        }
    }
}

/// # Safety
///
/// `vmctx` must be the vmctx of a live instance.
unsafe fn instance<'a>(vmctx: *mut u8) -> &'a mut InstanceData {
    // SAFETY: the caller passes a live vmctx, whose instance field points
    // at its `InstanceData`, owned by the store for as long as code runs.
    unsafe { InstanceData::from_vmctx(vmctx) }
}

unsafe extern "C" fn memory_grow(vmctx: *mut u8, mem: u32, delta: u32) -> u32 {
    // SAFETY: called by compiled code with its own vmctx.
    let instance = unsafe { instance(vmctx) };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        instance.grow_memory(mem, delta)
    })) {
        Ok(Some(old)) => old,
        _ => u32::MAX,
    }
}

unsafe extern "C" fn memory_fill(vmctx: *mut u8, mem: u32, dst: u32, val: u32, len: u32) -> u32 {
    // SAFETY: called by compiled code with its own vmctx.
    let instance = unsafe { instance(vmctx) };
    guarded(|| {
        let data = instance.memory_mut(mem).data_mut();
        fill_items(data, dst, val as u8, len, TrapKind::MemoryOutOfBounds)
    })
}

unsafe extern "C" fn memory_copy(
    vmctx: *mut u8,
    dst_mem: u32,
    src_mem: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> u32 {
    // SAFETY: called by compiled code with its own vmctx.
    let instance = unsafe { instance(vmctx) };
    guarded(|| {
        let to = raw_slice(instance.memory_mut(dst_mem).data_mut());
        let from = raw_slice(instance.memory_mut(src_mem).data_mut());
        // SAFETY: both are live memories of this instance.
        unsafe { copy_items(to, from, dst, src, len, TrapKind::MemoryOutOfBounds) }
    })
}

unsafe extern "C" fn memory_init(
    vmctx: *mut u8,
    mem: u32,
    segment: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> u32 {
    // SAFETY: called by compiled code with its own vmctx.
    let instance = unsafe { instance(vmctx) };
    guarded(|| {
        instance
            .memory_init(mem, segment, dst, src, len)
            .map(|()| 0)
    })
}

unsafe extern "C" fn ref_func(vmctx: *mut u8, func: u32) -> usize {
    // SAFETY: called by compiled code with its own vmctx.
    let instance = unsafe { instance(vmctx) };
    // Validation guarantees `func` is a defined function of the module: a
    // panic here is a bug, reported as a trap (the caller traps on null).
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| instance.funcref(func)))
        .unwrap_or_else(|_| {
            set_pending_trap(TrapKind::Host(
                "internal error in a runtime library call".into(),
            ));
            0
        })
}

unsafe extern "C" fn data_drop(vmctx: *mut u8, segment: u32) {
    // SAFETY: called by compiled code with its own vmctx.
    let instance = unsafe { instance(vmctx) };
    instance.drop_data(segment);
}

unsafe extern "C" fn table_grow(vmctx: *mut u8, table: u32, init: u64, delta: u32) -> u32 {
    // SAFETY: called by compiled code with its own vmctx.
    let instance = unsafe { instance(vmctx) };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        instance.table_mut(table).grow(delta, init as usize)
    })) {
        Ok(Some(old)) => old,
        _ => u32::MAX,
    }
}

unsafe extern "C" fn table_fill(vmctx: *mut u8, table: u32, dst: u32, val: u64, len: u32) -> u32 {
    // SAFETY: called by compiled code with its own vmctx.
    let instance = unsafe { instance(vmctx) };
    guarded(|| {
        let elements = instance.table_mut(table).elements_mut();
        fill_items(elements, dst, val as usize, len, TrapKind::TableOutOfBounds)
    })
}

unsafe extern "C" fn table_copy(
    vmctx: *mut u8,
    dst_table: u32,
    src_table: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> u32 {
    // SAFETY: called by compiled code with its own vmctx.
    let instance = unsafe { instance(vmctx) };
    guarded(|| {
        let to = raw_slice(instance.table_mut(dst_table).elements_mut());
        let from = raw_slice(instance.table_mut(src_table).elements_mut());
        // SAFETY: both are live tables of this instance.
        unsafe { copy_items(to, from, dst, src, len, TrapKind::TableOutOfBounds) }
    })
}

unsafe extern "C" fn table_init(
    vmctx: *mut u8,
    table: u32,
    segment: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> u32 {
    // SAFETY: called by compiled code with its own vmctx.
    let instance = unsafe { instance(vmctx) };
    guarded(|| {
        instance
            .table_init(table, segment, dst, src, len)
            .map(|()| 0)
    })
}

unsafe extern "C" fn elem_drop(vmctx: *mut u8, segment: u32) {
    // SAFETY: called by compiled code with its own vmctx.
    let instance = unsafe { instance(vmctx) };
    instance.drop_elements(segment);
}

/// A slice as a raw pointer and length, so that two views of possibly the
/// same memory or table can be used together.
fn raw_slice<T>(slice: &mut [T]) -> (*mut T, usize) {
    (slice.as_mut_ptr(), slice.len())
}

/// `memory.fill` and `table.fill`: `len` copies of `value` from `dst`.
fn fill_items<T: Copy>(
    items: &mut [T],
    dst: u32,
    value: T,
    len: u32,
    out_of_bounds: TrapKind,
) -> Result<u32, TrapKind> {
    let range = checked_range(dst, len, items.len(), out_of_bounds)?;
    items[range].fill(value);
    Ok(0)
}

/// `memory.copy` and `table.copy`: `len` items from `src` in `from` to
/// `dst` in `to`, which may be the same sequence and overlap (copied as
/// if through a temporary buffer).
///
/// # Safety
///
/// Both pointers must address live sequences of the given lengths.
unsafe fn copy_items<T: Copy>(
    to: (*mut T, usize),
    from: (*mut T, usize),
    dst: u32,
    src: u32,
    len: u32,
    out_of_bounds: TrapKind,
) -> Result<u32, TrapKind> {
    let src = checked_range(src, len, from.1, out_of_bounds.clone())?;
    let dst = checked_range(dst, len, to.1, out_of_bounds)?;
    // SAFETY: both ranges were checked against their sequences' lengths;
    // `ptr::copy` allows overlap.
    unsafe { std::ptr::copy(from.0.add(src.start), to.0.add(dst.start), src.len()) };
    Ok(0)
}

/// `start..start + len` if it lies within `0..bound`, else `kind`.
pub fn checked_range(
    start: u32,
    len: u32,
    bound: usize,
    kind: TrapKind,
) -> Result<std::ops::Range<usize>, TrapKind> {
    let end = start as usize + len as usize;
    if end > bound {
        return Err(kind);
    }
    Ok(start as usize..end)
}

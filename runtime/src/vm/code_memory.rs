//! Executable memory for compiled code, and the global registry of code
//! ranges that the signal handler consults.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io;
use std::ops::Range;
use std::sync::{Arc, PoisonError, RwLock};

use super::mmap::{round_up_to_pages, Mmap};

/// Machine code copied into its own read+execute mapping, unmapped on drop.
#[derive(Debug)]
pub struct CodeMemory {
    mmap: Mmap,
    len: usize,
}

impl CodeMemory {
    /// Map `code` read+execute: map it read/write, copy it in, make it
    /// read+execute (never writable and executable at once). Empty code
    /// still gets one page, so the range has a real, unique address.
    pub fn new(code: &[u8]) -> io::Result<CodeMemory> {
        let size = round_up_to_pages(code.len().max(1))
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "code too large"))?;
        let mut mmap = Mmap::reserve(size)?;
        mmap.make_accessible(0, size)?;
        // SAFETY: the mapping is at least `code.len()` bytes, read/write and
        // owned by `mmap`; it cannot overlap `code`, a live borrow elsewhere.
        unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), mmap.as_mut_ptr(), code.len()) };
        clear_instruction_cache(mmap.as_ptr(), code.len());
        mmap.make_executable(0, size)?;
        Ok(CodeMemory {
            mmap,
            len: code.len(),
        })
    }

    /// Address of the first byte of code.
    pub fn as_ptr(&self) -> *const u8 {
        self.mmap.as_ptr()
    }

    /// The code's address range (`len` bytes from `as_ptr`).
    pub fn range(&self) -> Range<usize> {
        let start = self.mmap.as_ptr() as usize;
        start..start + self.len
    }

    /// Length of the code in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the code is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

unsafe extern "C" {
    fn weft_clear_cache(start: *const u8, end: *const u8);
}

/// Make freshly written code visible to instruction fetch on this core (a
/// no-op on x86_64; `__builtin___clear_cache` on aarch64).
fn clear_instruction_cache(start: *const u8, len: usize) {
    // SAFETY: `start..start + len` is mapped memory that we own; cache
    // maintenance does not change its contents.
    unsafe { weft_clear_cache(start, start.wrapping_add(len)) };
}

/// Trap sites of one code region: code offset → trap code, sorted.
///
/// The trap code is opaque here (the compiler maps Cranelift's `TrapCode`
/// to a `u8` and back).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrapTable {
    /// Sorted by offset, offsets unique.
    entries: Vec<(u32, u8)>,
}

impl TrapTable {
    /// Build a table from `(offset, trap code)` pairs in any order. Offsets
    /// are relative to the start of the registered code range (Cranelift's
    /// `MachTrap::offset` plus the function's offset in the region). For a
    /// repeated offset, the last pair wins.
    pub fn new(entries: impl IntoIterator<Item = (u32, u8)>) -> TrapTable {
        let mut entries: Vec<(u32, u8)> = entries.into_iter().collect();
        // Stable sort keeps insertion order among equal offsets; reverse
        // first so that dedup (which keeps the first) keeps the last given.
        entries.reverse();
        entries.sort_by_key(|&(offset, _)| offset);
        entries.dedup_by_key(|&mut (offset, _)| offset);
        TrapTable { entries }
    }

    /// The trap code at exactly `offset`, if that is a trap site.
    pub fn lookup(&self, offset: usize) -> Option<u8> {
        let offset = u32::try_from(offset).ok()?;
        let index = self
            .entries
            .binary_search_by_key(&offset, |&(o, _)| o)
            .ok()?;
        Some(self.entries[index].1)
    }

    /// The `(offset, trap code)` pairs in offset order.
    pub fn entries(&self) -> &[(u32, u8)] {
        &self.entries
    }

    /// Number of trap sites.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no trap sites.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// One registered code range: its end and its trap table, keyed by start.
struct Registered {
    end: usize,
    trap_table: Arc<TrapTable>,
}

/// Every registered range of compiled wasm code, keyed by start address.
///
/// The signal handler takes a read lock. That is acceptable because:
/// - writers (`register_code`, dropping a `CodeRegistration`) hold the lock
///   only for a `BTreeMap` insert or remove, never while running wasm or
///   anything that can fault, so a handler on another thread waits at most
///   that long;
/// - a handler on the thread that holds the write lock would deadlock, so
///   `REGISTRY_WRITER` marks that window and the handler then treats the
///   fault as not coming from wasm (it cannot be: no wasm runs inside it);
/// - the handler ignores signals sent by `kill`/`raise` (it handles only
///   faults the kernel generates for the instruction at the PC), so it is
///   never entered asynchronously while this thread holds a read lock;
/// - std's `RwLock` on Linux is a futex: lock and unlock are atomics and,
///   under contention, the `futex` system call, all async-signal-safe.
static REGISTRY: RwLock<BTreeMap<usize, Registered>> = RwLock::new(BTreeMap::new());

thread_local! {
    /// Set while this thread holds the registry's write lock. `const` and
    /// without `Drop`, so reading it in a signal handler allocates nothing.
    static REGISTRY_WRITER: Cell<bool> = const { Cell::new(false) };
}

fn with_registry_write<R>(f: impl FnOnce(&mut BTreeMap<usize, Registered>) -> R) -> R {
    /// Clears the flag even if `f` unwinds.
    struct ClearOnDrop;
    impl Drop for ClearOnDrop {
        fn drop(&mut self) {
            REGISTRY_WRITER.set(false);
        }
    }
    // Set before locking and cleared after unlocking (locals drop in
    // reverse order), so the flag covers the whole time the lock is held.
    REGISTRY_WRITER.set(true);
    let _clear = ClearOnDrop;
    let mut map = REGISTRY.write().unwrap_or_else(PoisonError::into_inner);
    f(&mut map)
}

/// Keeps a code range registered; unregisters it on drop. Drop it before the
/// code memory is unmapped.
#[derive(Debug)]
#[must_use = "the code is unregistered when the registration is dropped"]
pub struct CodeRegistration {
    start: usize,
}

impl Drop for CodeRegistration {
    fn drop(&mut self) {
        let removed = with_registry_write(|map| map.remove(&self.start));
        // Dropped outside the lock: the last `Arc` may free the table.
        drop(removed);
    }
}

/// Register `range` as compiled wasm code whose trap sites are `trap_table`
/// (offsets relative to `range.start`). Faults at a PC inside a registered
/// range, on a thread running wasm, become traps.
///
/// # Panics
///
/// If `range` is empty or overlaps a range that is already registered.
pub fn register_code(range: Range<usize>, trap_table: Arc<TrapTable>) -> CodeRegistration {
    assert!(range.start < range.end, "empty code range {range:?}");
    let inserted = with_registry_write(|map| {
        // Registered ranges are disjoint, so only the last one starting
        // before `range.end` can overlap `range`.
        let overlaps = map
            .range(..range.end)
            .next_back()
            .is_some_and(|(_, prev)| prev.end > range.start);
        if !overlaps {
            let end = range.end;
            map.insert(range.start, Registered { end, trap_table });
        }
        !overlaps
    });
    assert!(inserted, "code range {range:?} overlaps a registered range");
    CodeRegistration { start: range.start }
}

/// The registered code range containing `pc`: its start and trap table.
pub fn lookup_pc(pc: usize) -> Option<(usize, Arc<TrapTable>)> {
    with_code_at(pc, |start, table| (start, Arc::clone(table)))
}

/// Run `f` on the registered range containing `pc` under the read lock.
/// Clones no `Arc` (dropping the last one would free memory), so the signal
/// handler can use it. Returns `None` when `pc` is not in registered code
/// or when this thread is in the middle of a registry write.
pub(crate) fn with_code_at<R>(pc: usize, f: impl FnOnce(usize, &Arc<TrapTable>) -> R) -> Option<R> {
    if REGISTRY_WRITER.get() {
        return None;
    }
    let map = REGISTRY.read().unwrap_or_else(PoisonError::into_inner);
    let (&start, registered) = map.range(..=pc).next_back()?;
    (pc < registered.end).then(|| f(start, &registered.trap_table))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trap_table_lookup() {
        let table = TrapTable::new([(30, 3), (0, 1), (10, 2), (10, 9)]);
        assert_eq!(table.entries(), &[(0, 1), (10, 9), (30, 3)]);
        assert_eq!(table.lookup(0), Some(1));
        assert_eq!(table.lookup(10), Some(9));
        assert_eq!(table.lookup(30), Some(3));
        assert_eq!(table.lookup(5), None);
        assert_eq!(table.lookup(31), None);
        assert_eq!(table.lookup(usize::MAX), None);
        assert!(TrapTable::default().is_empty());
    }

    #[test]
    fn code_memory_is_executable_and_readable() {
        let code = CodeMemory::new(&[0xC3, 0x90]).unwrap();
        assert_eq!(code.len(), 2);
        let range = code.range();
        assert_eq!(range.start, code.as_ptr() as usize);
        assert_eq!(range.len(), 2);
        // SAFETY: the two bytes were copied in and the page is readable.
        assert_eq!(unsafe { *code.as_ptr().add(1) }, 0x90);
        let empty = CodeMemory::new(&[]).unwrap();
        assert!(empty.is_empty());
        assert!(!empty.as_ptr().is_null());
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn call_code() {
        // mov eax, 42; ret
        let code = CodeMemory::new(&[0xB8, 42, 0, 0, 0, 0xC3]).unwrap();
        // SAFETY: the bytes are a complete function of this signature.
        let f: extern "C" fn() -> u32 = unsafe { std::mem::transmute(code.as_ptr()) };
        assert_eq!(f(), 42);
    }

    #[test]
    fn register_lookup_unregister() {
        let code = CodeMemory::new(&[0u8; 100]).unwrap();
        let range = code.range();
        let table = Arc::new(TrapTable::new([(4, 7)]));
        let registration = register_code(range.clone(), table.clone());
        assert!(lookup_pc(range.start - 1).is_none());
        assert!(lookup_pc(range.end).is_none());
        let (start, found) = lookup_pc(range.start + 4).unwrap();
        assert_eq!(start, range.start);
        assert!(Arc::ptr_eq(&found, &table));
        assert_eq!(found.lookup(4), Some(7));
        assert!(lookup_pc(range.end - 1).is_some());
        drop(registration);
        assert!(lookup_pc(range.start + 4).is_none());
        assert_eq!(Arc::strong_count(&table), 2);
    }

    #[test]
    fn overlapping_registration_panics() {
        let code = CodeMemory::new(&[0u8; 100]).unwrap();
        let range = code.range();
        let _registration = register_code(range.clone(), Arc::default());
        let again = std::panic::catch_unwind(|| {
            register_code(range.start + 10..range.start + 20, Arc::default())
        });
        assert!(again.is_err());
        let before = std::panic::catch_unwind(|| {
            register_code(range.start - 10..range.start + 1, Arc::default())
        });
        assert!(before.is_err());
        // The failed attempts left the original registration intact.
        assert_eq!(lookup_pc(range.start).unwrap().0, range.start);
    }
}

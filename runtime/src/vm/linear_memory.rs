//! Linear memory for 32-bit WebAssembly memories.
//!
//! A memory reserves [`MEMORY_RESERVATION`] bytes of address space up front:
//! 4 GiB that addresses can reach, then a guard region of 4 GiB plus one wasm
//! page. A wasm access computes `base + zext(addr) + offset` in 64 bits, with
//! `addr` and the static `offset` both `u32` and an access of at most 16
//! bytes, so its last byte is below `base + 2 * (2^32 - 1) + 16`, which lies
//! inside the reservation. Bytes past the current length are inaccessible, so
//! an out-of-bounds access faults and the signal handler turns it into a
//! trap: compiled code needs no bounds checks.
//!
//! Only the first `size_in_pages * 64 KiB` bytes are committed (read/write);
//! `grow` opens more pages in place, so the base address never moves and
//! compiled code or foreign hosts may keep pointers into the memory.

use std::io;
use std::ptr::NonNull;

use super::mmap::Mmap;

/// Bytes in a WebAssembly page.
pub const WASM_PAGE_SIZE: usize = 65536;

/// Most pages a 32-bit memory can have (4 GiB).
pub const WASM32_MAX_PAGES: u32 = 65536;

/// Bytes that wasm addresses can reach: 4 GiB.
pub const ADDRESSABLE_SIZE: usize = 1 << 32;

/// Guard bytes after the addressable range: 4 GiB for any `u32` static
/// offset, plus one wasm page for the width of the access itself.
pub const GUARD_SIZE: usize = (1 << 32) + WASM_PAGE_SIZE;

/// Address space reserved for each memory.
pub const MEMORY_RESERVATION: usize = ADDRESSABLE_SIZE + GUARD_SIZE;

/// The part of a memory that compiled code reads: its base and its current
/// length in bytes. Lives at a stable heap address for the life of the
/// [`LinearMemory`] (see [`LinearMemory::vm_memory_ptr`]).
#[repr(C)]
#[derive(Debug)]
pub struct VMMemory {
    /// Address of byte 0; never changes.
    pub base: *mut u8,
    /// Accessible bytes, `size_in_pages * WASM_PAGE_SIZE`.
    pub current_length: usize,
}

impl VMMemory {
    /// Offset of `base` in the struct, for compiled code.
    pub const OFFSET_BASE: usize = std::mem::offset_of!(VMMemory, base);
    /// Offset of `current_length` in the struct, for compiled code.
    pub const OFFSET_CURRENT_LENGTH: usize = std::mem::offset_of!(VMMemory, current_length);
}

/// A 32-bit wasm linear memory backed by a guarded reservation.
#[derive(Debug)]
pub struct LinearMemory {
    mmap: Mmap,
    /// Heap-allocated with `Box::into_raw` so that its address is stable and
    /// raw pointers handed out by `vm_memory_ptr` are never invalidated by a
    /// unique borrow of a `Box`. Freed in `Drop`.
    vm: NonNull<VMMemory>,
    /// Maximum pages: the declared maximum, capped at 65536.
    maximum_pages: u32,
    /// Optional limit on the memory's size in bytes (e.g. a store limit).
    byte_limit: Option<usize>,
}

// SAFETY: the memory exclusively owns its mapping and its `VMMemory`; the raw
// pointers are not tied to a thread. Accesses through pointers handed out by
// `vm_memory_ptr` are governed by those users' own contracts.
unsafe impl Send for LinearMemory {}
// SAFETY: every `&self` method only reads `VMMemory`, which is mutated only
// through `&mut self` (`grow`).
unsafe impl Sync for LinearMemory {}

impl LinearMemory {
    /// Create a memory of `minimum` pages that may grow to `maximum` pages
    /// (none: 65536) and to at most `byte_limit` bytes (none: no limit).
    ///
    /// Errors: `InvalidInput` when `minimum` exceeds the maximum or 65536
    /// pages; `OutOfMemory` when it exceeds `byte_limit`; the OS error when
    /// the reservation or the commit fails.
    pub fn new(
        minimum: u32,
        maximum: Option<u32>,
        byte_limit: Option<usize>,
    ) -> io::Result<LinearMemory> {
        let maximum_pages = maximum.map_or(WASM32_MAX_PAGES, |m| m.min(WASM32_MAX_PAGES));
        if minimum > maximum_pages {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("memory minimum of {minimum} pages exceeds its maximum of {maximum_pages}"),
            ));
        }
        let initial_bytes = pages_to_bytes(minimum);
        if byte_limit.is_some_and(|limit| initial_bytes > limit) {
            return Err(io::Error::new(
                io::ErrorKind::OutOfMemory,
                format!(
                    "memory minimum of {minimum} pages ({initial_bytes} bytes) exceeds the limit \
                     of {} bytes",
                    byte_limit.unwrap_or(0)
                ),
            ));
        }
        let mut mmap = Mmap::reserve(MEMORY_RESERVATION)?;
        mmap.make_accessible(0, initial_bytes)?;
        let vm = Box::new(VMMemory {
            base: mmap.as_mut_ptr(),
            current_length: initial_bytes,
        });
        Ok(LinearMemory {
            mmap,
            vm: NonNull::from(Box::leak(vm)),
            maximum_pages,
            byte_limit,
        })
    }

    /// Grow by `delta_pages`, returning the previous size in pages, or `None`
    /// (nothing changed) when the new size would pass the maximum, 65536
    /// pages or the byte limit, or the OS refuses to commit the pages.
    /// Growing by 0 returns the current size. The base never moves.
    pub fn grow(&mut self, delta_pages: u32) -> Option<u32> {
        let old_pages = self.size_in_pages();
        let new_pages = old_pages.checked_add(delta_pages)?;
        if new_pages > self.maximum_pages {
            return None;
        }
        let old_bytes = pages_to_bytes(old_pages);
        let new_bytes = pages_to_bytes(new_pages);
        if self.byte_limit.is_some_and(|limit| new_bytes > limit) {
            return None;
        }
        self.mmap
            .make_accessible(old_bytes, new_bytes - old_bytes)
            .ok()?;
        // SAFETY: `vm` points to the live `VMMemory` this memory owns;
        // `&mut self` excludes every safe reader. Compiled code reading it
        // through `vm_memory_ptr` runs on this thread (it is what called
        // `grow`), so there is no concurrent access.
        unsafe { (*self.vm.as_ptr()).current_length = new_bytes };
        Some(old_pages)
    }

    /// Current size in wasm pages.
    pub fn size_in_pages(&self) -> u32 {
        // Cannot truncate: the length is at most 65536 pages.
        (self.byte_size() / WASM_PAGE_SIZE) as u32
    }

    /// Current size in bytes.
    pub fn byte_size(&self) -> usize {
        self.vm().current_length
    }

    /// Maximum size in pages (the declared maximum capped at 65536; the byte
    /// limit may stop growth earlier).
    pub fn maximum_pages(&self) -> u32 {
        self.maximum_pages
    }

    /// Address of byte 0. Never changes for the life of the memory.
    pub fn base(&self) -> *mut u8 {
        self.vm().base
    }

    /// The `VMMemory` that compiled code reads. The pointer is stable and
    /// valid until this `LinearMemory` is dropped; its fields change only in
    /// [`LinearMemory::grow`]. Writers through it must not change `base`.
    pub fn vm_memory_ptr(&self) -> *mut VMMemory {
        self.vm.as_ptr()
    }

    /// The accessible bytes.
    ///
    /// Compiled code may write this memory through raw pointers; callers
    /// must not hold this slice across a call into wasm.
    pub fn data(&self) -> &[u8] {
        let vm = self.vm();
        // SAFETY: `base..base + current_length` is committed read/write
        // memory owned by this mapping, alive as long as `self`. When the
        // length is 0, `base` is still a non-null, aligned address.
        unsafe { std::slice::from_raw_parts(vm.base, vm.current_length) }
    }

    /// The accessible bytes, mutably. See [`LinearMemory::data`].
    pub fn data_mut(&mut self) -> &mut [u8] {
        let vm = self.vm();
        // SAFETY: as in `data`; `&mut self` makes this the only safe view.
        unsafe { std::slice::from_raw_parts_mut(vm.base, vm.current_length) }
    }

    fn vm(&self) -> &VMMemory {
        // SAFETY: `vm` is a live allocation owned by `self`, only mutated
        // through `&mut self`.
        unsafe { self.vm.as_ref() }
    }
}

impl Drop for LinearMemory {
    fn drop(&mut self) {
        // SAFETY: `vm` came from `Box::leak` in `new` and is freed only here.
        drop(unsafe { Box::from_raw(self.vm.as_ptr()) });
    }
}

fn pages_to_bytes(pages: u32) -> usize {
    pages as usize * WASM_PAGE_SIZE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_of_vm_memory() {
        assert_eq!(VMMemory::OFFSET_BASE, 0);
        assert_eq!(
            VMMemory::OFFSET_CURRENT_LENGTH,
            std::mem::size_of::<usize>()
        );
        // The farthest a wasm32 access can reach stays inside the reservation.
        let farthest = u32::MAX as usize + u32::MAX as usize + 16;
        assert!(farthest <= MEMORY_RESERVATION);
    }

    #[test]
    fn initial_size_and_data() {
        let mut mem = LinearMemory::new(2, Some(10), None).unwrap();
        assert_eq!(mem.size_in_pages(), 2);
        assert_eq!(mem.byte_size(), 2 * WASM_PAGE_SIZE);
        assert!(mem.data().iter().all(|&b| b == 0));
        mem.data_mut()[2 * WASM_PAGE_SIZE - 1] = 9;
        assert_eq!(mem.data()[2 * WASM_PAGE_SIZE - 1], 9);
        // SAFETY: the pointer is valid while `mem` lives.
        let vm = unsafe { &*mem.vm_memory_ptr() };
        assert_eq!(vm.base, mem.base());
        assert_eq!(vm.current_length, 2 * WASM_PAGE_SIZE);
    }

    #[test]
    fn grow_up_to_maximum_then_refuse() {
        let mut mem = LinearMemory::new(0, Some(3), None).unwrap();
        let base = mem.base();
        let vm_ptr = mem.vm_memory_ptr();
        assert!(mem.data().is_empty());
        assert_eq!(mem.grow(0), Some(0));
        assert_eq!(mem.grow(1), Some(0));
        mem.data_mut()[0] = 1;
        assert_eq!(mem.grow(2), Some(1));
        assert_eq!(mem.size_in_pages(), 3);
        assert_eq!(mem.grow(1), None);
        assert_eq!(mem.grow(u32::MAX), None);
        assert_eq!(mem.size_in_pages(), 3);
        assert_eq!(mem.grow(0), Some(3));
        // The base and the VMMemory never move, and the old data stays.
        assert_eq!(mem.base(), base);
        assert_eq!(mem.vm_memory_ptr(), vm_ptr);
        assert_eq!(mem.data()[0], 1);
        mem.data_mut()[3 * WASM_PAGE_SIZE - 1] = 5;
        // SAFETY: the pointer is valid while `mem` lives.
        assert_eq!(unsafe { (*vm_ptr).current_length }, 3 * WASM_PAGE_SIZE);
    }

    #[test]
    fn no_maximum_means_65536_pages() {
        let mut mem = LinearMemory::new(1, None, None).unwrap();
        assert_eq!(mem.maximum_pages(), WASM32_MAX_PAGES);
        assert_eq!(mem.grow(WASM32_MAX_PAGES), None);
        let mem = LinearMemory::new(0, Some(100_000), None).unwrap();
        assert_eq!(mem.maximum_pages(), WASM32_MAX_PAGES);
    }

    #[test]
    fn byte_limit() {
        let limit = 3 * WASM_PAGE_SIZE + 100;
        let mut mem = LinearMemory::new(1, None, Some(limit)).unwrap();
        assert_eq!(mem.grow(3), None);
        assert_eq!(mem.grow(2), Some(1));
        assert_eq!(mem.grow(1), None);
        assert_eq!(mem.size_in_pages(), 3);
        let err = LinearMemory::new(4, None, Some(limit)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::OutOfMemory);
    }

    #[test]
    fn minimum_past_maximum_is_rejected() {
        let err = LinearMemory::new(5, Some(4), None).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let err = LinearMemory::new(WASM32_MAX_PAGES + 1, None, None).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn guard_region_and_uncommitted_pages_fault() {
        use super::super::traps::{catch_traps, testing::TestCode};

        let code = TestCode::new();
        let mut mem = LinearMemory::new(1, None, None).unwrap();
        let base = mem.base();
        let read = |addr: *const u8| {
            let mut value = 0;
            // SAFETY: `addr` is either committed memory or inside the
            // reservation, where the load faults inside registered JIT code
            // and is caught; only the JIT frame lies in the window.
            let result = unsafe { catch_traps(|| value = code.load(addr)) };
            result.map(|()| value)
        };

        // In the guard region: 4 GiB + 100 bytes past the base.
        let guard = base.wrapping_add(ADDRESSABLE_SIZE + 100);
        let trap = read(guard).unwrap_err();
        assert_eq!(trap.signal, libc::SIGSEGV);
        assert_eq!(trap.fault_address, guard as usize);
        assert_eq!(trap.trap_code, Some(TestCode::LOAD_TRAP));

        // At the end of the reservation.
        let last = base.wrapping_add(MEMORY_RESERVATION - 1);
        assert_eq!(read(last).unwrap_err().fault_address, last as usize);

        // Just past the current length, then committed after a grow.
        let next_page = base.wrapping_add(WASM_PAGE_SIZE);
        assert!(read(next_page).is_err());
        mem.data_mut()[WASM_PAGE_SIZE - 1] = 3;
        assert_eq!(read(base.wrapping_add(WASM_PAGE_SIZE - 1)), Ok(3));
        assert_eq!(mem.grow(1), Some(1));
        assert_eq!(read(next_page), Ok(0));
        assert!(read(base.wrapping_add(2 * WASM_PAGE_SIZE)).is_err());
    }
}

//! Anonymous private memory mappings.
//!
//! [`Mmap`] reserves address space with no access rights and no commit
//! charge (`PROT_NONE`, `MAP_NORESERVE`); parts of it are then made
//! accessible with `mprotect`. Linear memories, code memory and alternate
//! signal stacks are all built on it.

use std::io;
use std::ptr;
use std::sync::OnceLock;

/// The host's page size in bytes.
pub fn page_size() -> usize {
    static PAGE_SIZE: OnceLock<usize> = OnceLock::new();
    *PAGE_SIZE.get_or_init(|| {
        // SAFETY: `sysconf` has no preconditions; `_SC_PAGESIZE` is always
        // supported on Linux.
        let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        usize::try_from(size).unwrap_or(4096)
    })
}

/// Round `len` up to a whole number of host pages, or `None` on overflow.
pub fn round_up_to_pages(len: usize) -> Option<usize> {
    let page = page_size();
    Some(len.checked_add(page - 1)? & !(page - 1))
}

/// An owned anonymous private mapping, unmapped on drop.
///
/// A fresh reservation is inaccessible: reading or writing it faults until a
/// range is opened with [`Mmap::make_accessible`]. The mapping never moves,
/// so raw pointers into it stay valid for as long as the `Mmap` lives.
#[derive(Debug)]
pub struct Mmap {
    /// Start of the mapping; null when `len == 0`.
    ptr: *mut u8,
    /// Length of the mapping in bytes, a multiple of the page size.
    len: usize,
}

// SAFETY: an `Mmap` exclusively owns its mapping (like a `Box<[u8]>` would),
// and exposes it only through raw pointers whose users take on the aliasing
// rules; nothing about it is tied to the thread that created it.
unsafe impl Send for Mmap {}
// SAFETY: `&Mmap` gives out only the address and length; the one method that
// changes the mapping, `make_accessible`, takes `&mut self`.
unsafe impl Sync for Mmap {}

impl Mmap {
    /// Reserve `len` bytes (rounded up to whole pages) of inaccessible
    /// address space. A zero `len` gives an empty `Mmap` that maps nothing.
    pub fn reserve(len: usize) -> io::Result<Mmap> {
        let len = round_up_to_pages(len)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "mapping too large"))?;
        if len == 0 {
            return Ok(Mmap {
                ptr: ptr::null_mut(),
                len: 0,
            });
        }
        // SAFETY: an anonymous mapping at an address of the kernel's choice
        // cannot alias any existing Rust object; the arguments are valid.
        let ptr = unsafe {
            libc::mmap(
                ptr::null_mut(),
                len,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(Mmap {
            ptr: ptr.cast(),
            len,
        })
    }

    /// Make `len` bytes at `offset` readable and writable. Both must be
    /// multiples of the page size and the range must lie inside the mapping.
    /// Newly opened pages read as zero.
    pub fn make_accessible(&mut self, offset: usize, len: usize) -> io::Result<()> {
        self.protect(offset, len, libc::PROT_READ | libc::PROT_WRITE)
    }

    /// Make `len` bytes at `offset` readable and executable (and no longer
    /// writable). Same alignment rules as [`Mmap::make_accessible`].
    pub fn make_executable(&mut self, offset: usize, len: usize) -> io::Result<()> {
        self.protect(offset, len, libc::PROT_READ | libc::PROT_EXEC)
    }

    fn protect(&mut self, offset: usize, len: usize, prot: libc::c_int) -> io::Result<()> {
        let page = page_size();
        let end = offset.checked_add(len);
        if !offset.is_multiple_of(page)
            || !len.is_multiple_of(page)
            || end.is_none_or(|end| end > self.len)
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "mprotect range {offset:#x}+{len:#x} is not page-aligned or not inside a \
                     mapping of {:#x} bytes",
                    self.len
                ),
            ));
        }
        if len == 0 {
            return Ok(());
        }
        // SAFETY: the range was checked to be page-aligned and inside this
        // mapping, which `self` owns; changing its protection cannot affect
        // memory owned by anything else. `&mut self` ensures no other user
        // of this `Mmap` is reading through a reference while it changes.
        let rc = unsafe { libc::mprotect(self.ptr.add(offset).cast(), len, prot) };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Start of the mapping (null for an empty `Mmap`).
    pub fn as_ptr(&self) -> *const u8 {
        self.ptr
    }

    /// Start of the mapping, for writing (null for an empty `Mmap`).
    pub fn as_mut_ptr(&self) -> *mut u8 {
        self.ptr
    }

    /// Length of the mapping in bytes (a multiple of the page size).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the mapping is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Drop for Mmap {
    fn drop(&mut self) {
        if self.len == 0 {
            return;
        }
        // SAFETY: `ptr`/`len` describe a mapping this `Mmap` created and
        // owns; after drop nothing refers to it through this value.
        let rc = unsafe { libc::munmap(self.ptr.cast(), self.len) };
        debug_assert_eq!(rc, 0, "munmap failed: {}", io::Error::last_os_error());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserve_commit_read_write() {
        let page = page_size();
        let mut m = Mmap::reserve(4 * page).unwrap();
        assert_eq!(m.len(), 4 * page);
        assert!(!m.as_ptr().is_null());
        m.make_accessible(page, 2 * page).unwrap();
        // SAFETY: pages 1 and 2 were just made read/write.
        unsafe {
            let p = m.as_mut_ptr().add(page);
            assert_eq!(*p, 0);
            *p = 42;
            *p.add(2 * page - 1) = 7;
            assert_eq!(*p, 42);
            assert_eq!(*p.add(2 * page - 1), 7);
        }
    }

    #[test]
    fn rounds_up_and_rejects_bad_ranges() {
        let page = page_size();
        let mut m = Mmap::reserve(1).unwrap();
        assert_eq!(m.len(), page);
        assert!(m.make_accessible(1, page).is_err());
        assert!(m.make_accessible(0, page + 1).is_err());
        assert!(m.make_accessible(page, page).is_err());
        assert!(m.make_accessible(usize::MAX - page + 1, page).is_err());
        m.make_accessible(0, page).unwrap();
        m.make_accessible(0, 0).unwrap();
    }

    #[test]
    fn empty_and_huge() {
        let m = Mmap::reserve(0).unwrap();
        assert!(m.is_empty());
        assert!(Mmap::reserve(usize::MAX).is_err());
    }

    #[test]
    fn large_reservation_is_cheap() {
        // 8 GiB of PROT_NONE + MAP_NORESERVE address space costs no memory.
        let m = Mmap::reserve(8 << 30).unwrap();
        assert_eq!(m.len(), 8 << 30);
    }
}

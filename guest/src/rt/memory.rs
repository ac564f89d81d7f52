//! The guest's linear memory as the canonical ABI uses it: `cabi_realloc`
//! (through which the host allocates the arguments it passes in), the
//! return areas of spilled results (freed by the post-return functions),
//! and typed reads and writes at canonical-ABI addresses.
//!
//! Allocation goes through the global allocator, so memory the host
//! allocated with `cabi_realloc` is memory Rust can own: a `String`
//! argument becomes the `String` the export receives, without a copy.

use alloc::alloc::{alloc, dealloc, handle_alloc_error, realloc as grow, Layout};

use super::traits::{ComponentType, Lower};

/// `cabi_realloc`, the allocation function a component's canonical
/// options name: `(old_ptr, old_len, align, new_len) -> new_ptr`.
///
/// Zero-sized requests allocate nothing and return `align`, a dangling
/// but aligned address; a zero-sized old block was never allocated.
///
/// # Safety
///
/// `old_ptr` and `old_len` (with `align`) describe a block this function
/// returned, or `old_len` is 0; `align` is a power of two.
pub unsafe fn realloc(old_ptr: *mut u8, old_len: usize, align: usize, new_len: usize) -> *mut u8 {
    let Ok(new_layout) = Layout::from_size_align(new_len, align) else {
        crate::rt::invalid("allocation size or alignment", new_len as u32)
    };
    if new_len == 0 {
        // SAFETY: the caller guarantees `old_ptr`/`old_len` came from here.
        unsafe { free(old_ptr, old_len, align) };
        return dangling(align);
    }
    let ptr = if old_len == 0 {
        // SAFETY: `new_len` is not zero.
        unsafe { alloc(new_layout) }
    } else {
        // SAFETY: the caller guarantees the old block came from here with
        // this alignment; `new_len` is not zero.
        unsafe {
            grow(
                old_ptr,
                Layout::from_size_align_unchecked(old_len, align),
                new_len,
            )
        }
    };
    if ptr.is_null() {
        handle_alloc_error(new_layout);
    }
    ptr
}

/// The `cabi_realloc` export of the core module.
#[cfg(target_arch = "wasm32")]
#[export_name = "cabi_realloc"]
unsafe extern "C" fn cabi_realloc(
    old_ptr: *mut u8,
    old_len: usize,
    align: usize,
    new_len: usize,
) -> *mut u8 {
    // SAFETY: the host calls `cabi_realloc` as the canonical ABI says:
    // with a block it got from here, or none.
    unsafe { realloc(old_ptr, old_len, align, new_len) }
}

/// A fresh block of `size` bytes aligned to `align` (a dangling, aligned
/// address for `size` 0).
pub fn allocate(size: usize, align: usize) -> *mut u8 {
    // SAFETY: no old block.
    unsafe { realloc(core::ptr::null_mut(), 0, align, size) }
}

/// Frees a block of `size` bytes aligned to `align`; nothing for `size` 0.
///
/// # Safety
///
/// The block was allocated by [`allocate`] or [`realloc`] (by the guest or
/// by the host through `cabi_realloc`) with this size and alignment, and
/// is not used afterwards.
pub unsafe fn free(ptr: *mut u8, size: usize, align: usize) {
    if size != 0 {
        // SAFETY: the caller guarantees the block and its layout.
        unsafe { dealloc(ptr, Layout::from_size_align_unchecked(size, align)) }
    }
}

fn dangling(align: usize) -> *mut u8 {
    core::ptr::without_provenance_mut(align)
}

/// A return area for a result of type `T` stored in memory; the
/// post-return function frees it with [`post_return`].
pub fn return_area<T: ComponentType>() -> *mut u8 {
    allocate(T::SIZE, T::ALIGN)
}

/// The post-return of a function whose result of type `T` was stored at
/// `area`: frees what the stored value owns, then the area itself.
///
/// # Safety
///
/// `area` came from [`return_area::<T>`](return_area) and holds a `T`
/// stored by [`Lower::store`], which the host has finished reading.
pub unsafe fn post_return<T: Lower>(area: *mut u8) {
    // SAFETY: the caller guarantees `area` holds a stored `T`.
    unsafe {
        T::post_return(area);
        free(area, T::SIZE, T::ALIGN);
    }
}

/// The canonical-ABI address (an `i32`) of `ptr`.
pub fn address(ptr: *const u8) -> u32 {
    // Addresses are 32-bit on wasm32, the only target where they cross
    // the boundary.
    ptr.expose_provenance() as u32
}

/// The pointer for the canonical-ABI address `addr`.
pub fn pointer(addr: u32) -> *mut u8 {
    core::ptr::with_exposed_provenance_mut(addr as usize)
}

/// Reads a `T` at `ptr`, whatever its alignment.
///
/// # Safety
///
/// `ptr` is valid for reading `size_of::<T>()` bytes that hold a valid `T`.
pub unsafe fn read<T: Copy>(ptr: *const u8) -> T {
    // SAFETY: guaranteed by the caller.
    unsafe { ptr.cast::<T>().read_unaligned() }
}

/// Writes `value` at `ptr`, whatever its alignment.
///
/// # Safety
///
/// `ptr` is valid for writing `size_of::<T>()` bytes.
pub unsafe fn write<T: Copy>(ptr: *mut u8, value: T) {
    // SAFETY: guaranteed by the caller.
    unsafe { ptr.cast::<T>().write_unaligned(value) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_sized_blocks_are_dangling_and_aligned() {
        let ptr = allocate(0, 8);
        assert_eq!(ptr.addr(), 8);
        // SAFETY: a zero-sized block is never freed.
        unsafe { free(ptr, 0, 8) };
    }

    #[test]
    fn realloc_grows_and_keeps_contents() {
        let ptr = allocate(4, 4);
        // SAFETY: `ptr` holds 4 bytes; after growing, 16.
        unsafe {
            write(ptr, 0x1234_5678u32);
            let grown = realloc(ptr, 4, 4, 16);
            assert_eq!(read::<u32>(grown), 0x1234_5678);
            assert_eq!(grown.addr() % 4, 0);
            free(grown, 16, 4);
        }
    }
}

//! The traits that move Rust values across the component boundary from
//! inside the guest.
//!
//! An export's arguments are *lifted*: the host lowered them into the
//! guest's memory (through `cabi_realloc`) and its flat core parameters,
//! and the guest takes ownership of them as Rust values. Its result is
//! *lowered*: stored into memory the guest allocates (or written to the
//! single flat result), and freed by the post-return function once the
//! host has read it.
//!
//! An import goes the other way: its arguments are lowered (and freed
//! once the host returns), its result lifted from what the host wrote
//! into the guest's memory.

use super::flat::{FlatReader, FlatWriter};

/// A Rust type standing for a WIT type: its canonical-ABI layout.
///
/// The constants must be those CanonicalABI.md gives the WIT type (for
/// the types `world!` generates, they come from `weft-wit`'s `AbiTable`).
pub trait ComponentType {
    /// Bytes a value occupies in linear memory (`elem_size`).
    const SIZE: usize;
    /// Alignment in linear memory (`alignment`): 1, 2, 4 or 8.
    const ALIGN: usize;
    /// How many flat core values the value takes (`flatten_type`), not
    /// capped at 16.
    const FLAT: usize;
    /// The Rust value's bytes are its canonical-ABI bytes (same size and
    /// alignment, every bit pattern valid), so a list of them moves as a
    /// block, without a copy: the numbers on a little-endian target.
    const PLAIN: bool = false;
}

/// A value the guest can take from the host.
pub trait Lift: ComponentType + Sized {
    /// Lifts a value from its [`ComponentType::FLAT`] flat values.
    ///
    /// # Safety
    ///
    /// The values are what the host lowered for this type: any addresses
    /// among them point to memory the host allocated with `cabi_realloc`,
    /// which the lifted value now owns.
    unsafe fn lift_flat(src: &mut FlatReader<'_>) -> Self;

    /// Loads a value stored at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` points to [`ComponentType::SIZE`] bytes the host stored for
    /// this type, with the same ownership as for [`Lift::lift_flat`].
    unsafe fn load(ptr: *const u8) -> Self;
}

/// A value the guest can give to the host.
pub trait Lower: ComponentType + Sized {
    /// Writes the value's [`ComponentType::FLAT`] flat values. Memory it
    /// allocates (for strings and lists) is handed over: whoever reads the
    /// values frees it.
    fn lower_flat(self, dst: &mut FlatWriter<'_>);

    /// Stores the value at `ptr`. Memory it allocates is freed by
    /// [`Lower::post_return`] on the stored value.
    ///
    /// # Safety
    ///
    /// `ptr` is valid for writing [`ComponentType::SIZE`] bytes.
    unsafe fn store(self, ptr: *mut u8);

    /// Frees the memory that a value stored at `ptr` by [`Lower::store`]
    /// owns (not the `SIZE` bytes at `ptr` themselves). Nothing, for
    /// types that own no memory.
    ///
    /// # Safety
    ///
    /// `ptr` holds a value stored by [`Lower::store`], not freed before.
    unsafe fn post_return(ptr: *const u8) {
        let _ = ptr;
    }

    /// Frees the memory that flat values written by [`Lower::lower_flat`]
    /// own, reading (or skipping) the value's [`ComponentType::FLAT`]
    /// values: what an import's arguments hold once the host has read
    /// them. Only skips, for types that own no memory.
    ///
    /// # Safety
    ///
    /// The values were written by [`Lower::lower_flat`] for this type and
    /// are not freed before.
    unsafe fn free_flat(src: &mut FlatReader<'_>) {
        src.skip(Self::FLAT);
    }
}

//! [`RawLowerer`]: the host writes values into a component, the
//! canonical ABI's lower direction, step by step.

use super::RawScalar;
use crate::component::abi::{checked, LiftError, Lowerer, StringEncoding};
use crate::component::call::GuestLowerer;
use crate::component::resources::Resource;
use crate::component::types::Type;
use crate::component::values::Val;

/// Where a [`RawLowerer`]'s values go when they do not go flat.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Spill {
    /// Flat values only.
    Flat,
    /// A call's parameters past 16 flat values: a block of `size` bytes
    /// aligned to `align`, allocated in the callee on first use.
    Params {
        size: u32,
        align: u32,
        ptr: Option<u32>,
    },
    /// A host function's result past one flat value: where the calling
    /// guest asked for it, checked on first use.
    Result { ptr: u32, size: u32, align: u32 },
}

/// A handle the lowering added to a component's handle table, to take
/// back if the call is not made after all.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Added {
    /// The component instance whose table holds it.
    pub state: usize,
    /// The handle.
    pub handle: u32,
    /// The resource, with the host's `held` key for an own one.
    pub resource: Resource,
    /// An own handle (else a borrow lent for call scope `scope`).
    pub own: bool,
    pub scope: Option<usize>,
}

/// Writes values into a component, as the host's own code lowers them
/// (the canonical ABI's lower direction, without a [`Val`] tree): the
/// arguments of a [`RawFunc`](super::RawFunc) call, or the result of a
/// host function defined with
/// [`LinkerInstance::func_raw`](crate::component::LinkerInstance::func_raw).
///
/// Values go out as flat core values ([`push`](Self::push), in order,
/// each as its bits; a variant's unused joined payload slots as zeros), or,
/// past the signature's limit, into memory at
/// [`spill_area`](Self::spill_area). Strings, lists and other values in
/// memory are written into blocks from [`allocate`](Self::allocate) (the
/// component's `realloc`, its result checked). Every write is
/// bounds-checked and every error names the address and size; an error
/// from any method is meant to be returned with `?` (it becomes a trap),
/// after which the call is not made.
pub struct RawLowerer<'a> {
    pub(super) guest: GuestLowerer<'a>,
    /// Room for the flat values expected (none when they go through
    /// memory).
    pub(super) slots: &'a mut [u128],
    /// How many flat values were pushed.
    pub(super) len: &'a mut usize,
    pub(super) spill: &'a mut Spill,
    pub(super) added: &'a mut Vec<Added>,
}

impl<'a> RawLowerer<'a> {
    /// How the component encodes strings (what
    /// [`store_string`](Self::store_string) writes).
    #[inline]
    pub fn encoding(&self) -> StringEncoding {
        self.guest.options.encoding
    }

    /// Appends a flat value: `value`'s bits as its flat core type carries
    /// them (`bool`, integers of 32 bits or less and `char` as an `i32`,
    /// `i64`/`u64` as an `i64`, floats as themselves, NaNs made
    /// canonical).
    #[inline]
    pub fn push<T: RawScalar>(&mut self, value: T) -> Result<(), LiftError> {
        self.push_flat(value.to_bits())
    }

    /// Appends a flat value given as its bits (an `i32` or `f32` in the
    /// low half, the high half zero), such as a variant's zero padding.
    #[inline]
    pub fn push_flat(&mut self, bits: u64) -> Result<(), LiftError> {
        let len = *self.len;
        match self.slots.get_mut(len) {
            Some(slot) => {
                *slot = u128::from(bits);
                *self.len = len + 1;
                Ok(())
            }
            None if matches!(self.spill, Spill::Flat) => Err(LiftError::Signature(format!(
                "more flat values than the signature's {len}"
            ))),
            None => Err(LiftError::Signature(
                "values that go through memory were pushed as flat values; \
                 store them at spill_area()"
                    .into(),
            )),
        }
    }

    /// How many flat values have been pushed.
    #[inline]
    pub fn flat_len(&self) -> usize {
        *self.len
    }

    /// Where the values go when the signature sends them through memory:
    /// for a call's parameters past 16 flat values, a block for the
    /// parameter tuple allocated in the callee (once; store each parameter
    /// at its offset, [`FuncType::param_offsets`]); for a host function's
    /// result past one flat value, the address the calling guest passed
    /// (checked for the result's size and alignment). An error when the
    /// values go flat.
    ///
    /// [`FuncType::param_offsets`]: crate::component::FuncType::param_offsets
    pub fn spill_area(&mut self) -> Result<u32, LiftError> {
        match *self.spill {
            Spill::Flat => Err(LiftError::Signature(
                "the values go as flat values, not through memory".into(),
            )),
            Spill::Params { ptr: Some(ptr), .. } => Ok(ptr),
            Spill::Params { size, align, .. } => {
                let ptr = self.guest.allocate("parameters", size, align)?;
                *self.spill = Spill::Params {
                    size,
                    align,
                    ptr: Some(ptr),
                };
                Ok(ptr)
            }
            Spill::Result { ptr, size, align } => {
                let memory = self.guest.memory().len();
                checked("value", ptr, u64::from(size), align, memory)?;
                Ok(ptr)
            }
        }
    }

    /// Allocates `size` bytes aligned to `align` (a power of two) in the
    /// component with its `realloc`, returning the address. The result is
    /// checked: misaligned or outside memory is an error (`realloc return:
    /// ...`), as is a component without `realloc`.
    pub fn allocate(&mut self, size: u32, align: u32) -> Result<u32, LiftError> {
        self.guest.allocate("value", size, align)
    }

    /// Allocates a list's elements: `count` elements of `element_size`
    /// bytes aligned to `align`, returning the address.
    pub fn allocate_list(
        &mut self,
        count: usize,
        element_size: u32,
        align: u32,
    ) -> Result<u32, LiftError> {
        let bytes = u32::try_from(count)
            .ok()
            .and_then(|count| count.checked_mul(element_size))
            .ok_or(LiftError::OutOfBounds {
                what: "list",
                ptr: 0,
                len: count as u64 * u64::from(element_size),
                memory: self.guest.memory().len(),
            })?;
        self.guest.allocate("list", bytes, align)
    }

    /// The component's whole linear memory, for bulk writes (valid until
    /// the next call that may run the component, such as
    /// [`allocate`](Self::allocate); addresses are offsets into it).
    #[inline]
    pub fn memory(&mut self) -> &mut [u8] {
        self.guest.memory()
    }

    /// Writes `value` at `ptr`, which must be aligned to its size and lie
    /// in memory.
    #[inline]
    pub fn write<T: RawScalar>(&mut self, ptr: u32, value: T) -> Result<(), LiftError> {
        let memory = self.guest.memory();
        let at = checked("value", ptr, u64::from(T::SIZE), T::SIZE, memory.len())?;
        let bytes = value.to_bits().to_le_bytes();
        memory[at..at + T::SIZE as usize].copy_from_slice(&bytes[..T::SIZE as usize]);
        Ok(())
    }

    /// Copies `bytes` to `ptr`, which must lie in memory with them.
    pub fn write_bytes(&mut self, ptr: u32, bytes: &[u8]) -> Result<(), LiftError> {
        let memory = self.guest.memory();
        let at = checked("value", ptr, bytes.len() as u64, 1, memory.len())?;
        memory[at..at + bytes.len()].copy_from_slice(bytes);
        Ok(())
    }

    /// Allocates and fills a `list<u8>` (or any list of one-byte
    /// elements) with `bytes`, returning its address and length.
    pub fn store_bytes(&mut self, bytes: &[u8]) -> Result<(u32, u32), LiftError> {
        let ptr = self.allocate_list(bytes.len(), 1, 1)?;
        self.write_bytes(ptr, bytes)?;
        Ok((ptr, bytes.len() as u32))
    }

    /// Stores `text` in the component, encoded as it wants strings (UTF-8,
    /// UTF-16, or Latin-1 where latin1+utf16 allows, else tagged UTF-16),
    /// in one allocation of its exact size; returns the address and the
    /// length word to pass (the `(ptr, len)` of a string's flat values or
    /// memory form).
    pub fn store_string(&mut self, text: &str) -> Result<(u32, u32), LiftError> {
        self.guest.lower_string(text)
    }

    /// Hands `resource` (which the host owns) to the component as an own
    /// handle of the resource type in slot `slot` (the `n` of
    /// [`Type::Own`]), returning the handle. The host no longer owns it.
    pub fn lower_own(&mut self, slot: u32, resource: Resource) -> Result<u32, LiftError> {
        self.journaled().lower_own(slot, resource)
    }

    /// Lends `resource` to the component for the call, as a borrow of the
    /// resource type in slot `slot` (the `n` of [`Type::Borrow`]),
    /// returning the handle (the rep itself for the component that
    /// defines the type). Only a call's parameters may hold borrows.
    pub fn lower_borrow(&mut self, slot: u32, resource: Resource) -> Result<u32, LiftError> {
        self.journaled().lower_borrow(slot, resource)
    }

    /// Appends `val`, of type `ty`, as flat values: the dynamic path for
    /// a part of a value a host has as a [`Val`].
    pub fn push_val(&mut self, val: &Val, ty: &Type) -> Result<(), LiftError> {
        let mut flat = Vec::new();
        self.journaled().lower_flat(val, ty, &mut flat)?;
        flat.into_iter().try_for_each(|bits| self.push_flat(bits))
    }

    /// Stores `val`, of type `ty`, at `ptr` (checked for its size and
    /// alignment).
    pub fn store_val(&mut self, val: &Val, ty: &Type, ptr: u32) -> Result<(), LiftError> {
        self.journaled().store(val, ty, ptr)
    }

    fn journaled(&mut self) -> Journaled<'_, 'a> {
        Journaled {
            guest: &mut self.guest,
            added: &mut *self.added,
        }
    }
}

/// A guest lowerer that records the handles it adds to tables.
struct Journaled<'r, 'a> {
    guest: &'r mut GuestLowerer<'a>,
    added: &'r mut Vec<Added>,
}

impl Lowerer for Journaled<'_, '_> {
    fn memory(&mut self) -> &mut [u8] {
        self.guest.memory()
    }

    fn realloc(&mut self, size: u32, align: u32) -> Result<u32, LiftError> {
        self.guest.realloc(size, align)
    }

    fn encoding(&self) -> StringEncoding {
        self.guest.encoding()
    }

    fn lower_string(&mut self, text: &str) -> Result<(u32, u32), LiftError> {
        self.guest.lower_string(text)
    }

    fn lower_own(&mut self, slot: u32, resource: Resource) -> Result<u32, LiftError> {
        let handle = self.guest.lower_own(slot, resource)?;
        self.added.push(Added {
            state: self.guest.state,
            handle,
            resource,
            own: true,
            scope: None,
        });
        Ok(handle)
    }

    fn lower_borrow(&mut self, slot: u32, resource: Resource) -> Result<u32, LiftError> {
        let handle = self.guest.lower_borrow(slot, resource)?;
        // The defining component gets the rep itself: no handle to take
        // back.
        let owner = self.guest.inner.component.resource_types[resource.ty.index as usize].owner;
        if owner != Some(self.guest.state as u32) {
            self.added.push(Added {
                state: self.guest.state,
                handle,
                resource,
                own: false,
                scope: self.guest.scope,
            });
        }
        Ok(handle)
    }
}

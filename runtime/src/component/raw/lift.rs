//! [`RawLifter`]: the host reads values out of a component, the
//! canonical ABI's lift direction, step by step.

use std::borrow::Cow;

use super::RawScalar;
use crate::component::abi::strings::{self, StringRange, Units};
use crate::component::abi::{checked, LiftError, LiftHandles, Lifter, StringEncoding};
use crate::component::call::GuestHandles;
use crate::component::resources::Resource;
use crate::component::types::Type;
use crate::component::values::Val;

/// Reads values out of a component, as the host's own code lifts them
/// (the canonical ABI's lift direction, without a [`Val`] tree): the
/// result of a [`RawFunc`](super::RawFunc) call, or the arguments of a
/// host function defined with
/// [`LinkerInstance::func_raw`](crate::component::LinkerInstance::func_raw).
///
/// Values come as flat core values ([`take`](Self::take), in order) or,
/// past the signature's limit, from memory at
/// [`spill_area`](Self::spill_area) (checked for the values' size and
/// alignment before the host sees it). Every read is checked as the
/// canonical ABI requires (bounds, alignment, UTF-8 or UTF-16, `char`s,
/// discriminants, handles) and fails with the [`LiftError`] that names the
/// value; returned with `?`, it becomes a trap. Nothing runs in the
/// component while values are lifted, so what [`memory`](Self::memory),
/// [`read_bytes`](Self::read_bytes) and [`load_str`](Self::load_str) give
/// may be kept while lifting goes on; the host copies what it needs before
/// the lift returns (the callee's post-return runs then).
pub struct RawLifter<'a> {
    pub(super) memory: &'a [u8],
    pub(super) encoding: StringEncoding,
    pub(super) handles: GuestHandles<'a>,
    /// The flat values to read, as bits (none when the values come
    /// through memory), and how many were read.
    pub(super) flat: &'a [u64],
    pub(super) position: &'a mut usize,
    /// The checked address of the values when they come through memory.
    pub(super) spill: Option<u32>,
    /// The own handles lifted, for the host to drop should the lift fail.
    pub(super) owns: &'a mut Vec<Resource>,
}

impl<'a> RawLifter<'a> {
    /// How the component encodes strings (what
    /// [`load_str`](Self::load_str) reads).
    #[inline]
    pub fn encoding(&self) -> StringEncoding {
        self.encoding
    }

    /// How many flat values there are to read (none when the values come
    /// through memory).
    #[inline]
    pub fn flat_len(&self) -> usize {
        self.flat.len()
    }

    /// How many of the flat values were read so far (the index of the
    /// next one).
    #[inline]
    pub fn flat_taken(&self) -> usize {
        *self.position
    }

    /// Reads the next flat value as a `T` (an `i32` truncated to smaller
    /// integers, nonzero as `true`, a `char` checked, NaNs made
    /// canonical).
    #[inline]
    pub fn take<T: RawScalar>(&mut self) -> Result<T, LiftError> {
        T::from_bits(self.take_flat()?)
    }

    /// Reads the next flat value's bits (an `i32` or `f32` in the low
    /// half).
    #[inline]
    pub fn take_flat(&mut self) -> Result<u64, LiftError> {
        let position = *self.position;
        let bits = *self
            .flat
            .get(position)
            .ok_or(LiftError::MissingFlatValue { ty: "value" })?;
        *self.position = position + 1;
        Ok(bits)
    }

    /// Skips `count` flat values (the joined payload slots a variant's
    /// case leaves unused).
    pub fn skip_flat(&mut self, count: usize) -> Result<(), LiftError> {
        (0..count).try_for_each(|_| self.take_flat().map(drop))
    }

    /// The address of the values when the signature sends them through
    /// memory (a call's result past one flat value, a host function's
    /// parameters past 16), already checked for their size and alignment;
    /// an error when they come flat.
    #[inline]
    pub fn spill_area(&self) -> Result<u32, LiftError> {
        self.spill.ok_or_else(|| {
            LiftError::Signature("the values come as flat values, not through memory".into())
        })
    }

    /// The component's whole linear memory (addresses are offsets into
    /// it).
    #[inline]
    pub fn memory(&self) -> &'a [u8] {
        self.memory
    }

    /// Reads a `T` stored at `ptr`, which must be aligned to its size and
    /// lie in memory (a `bool` is any nonzero byte, a `char` is checked,
    /// NaNs are made canonical).
    #[inline]
    pub fn read<T: RawScalar>(&self, ptr: u32) -> Result<T, LiftError> {
        let size = T::SIZE as usize;
        let at = checked("value", ptr, u64::from(T::SIZE), T::SIZE, self.memory.len())?;
        let mut word = [0u8; 8];
        word[..size].copy_from_slice(&self.memory[at..at + size]);
        T::from_bits(u64::from_le_bytes(word))
    }

    /// The `len` bytes at `ptr`, which must lie in memory.
    pub fn read_bytes(&self, ptr: u32, len: u32) -> Result<&'a [u8], LiftError> {
        let at = checked("value", ptr, u64::from(len), 1, self.memory.len())?;
        Ok(&self.memory[at..at + len as usize])
    }

    /// The bytes of a list of `count` elements of `element_size` bytes at
    /// `ptr`, checked as a list is (aligned to `align`, inside memory);
    /// element `i` starts at `i * element_size`, at address
    /// `ptr + i * element_size` for [`read`](Self::read).
    pub fn list_bytes(
        &self,
        ptr: u32,
        count: u32,
        element_size: u32,
        align: u32,
    ) -> Result<&'a [u8], LiftError> {
        let bytes = u64::from(count) * u64::from(element_size);
        let at = checked("list", ptr, bytes, align, self.memory.len())?;
        Ok(&self.memory[at..at + bytes as usize])
    }

    /// Checks a variant's discriminant `value` against its number of
    /// cases (an enum's, option's or result's too).
    #[inline]
    pub fn check_discriminant(&self, value: u32, cases: usize) -> Result<u32, LiftError> {
        if (value as usize) < cases {
            Ok(value)
        } else {
            Err(LiftError::BadDiscriminant { value, cases })
        }
    }

    /// Reads a discriminant of `size` bytes (1, 2 or 4:
    /// [`Type::discriminant_size`]) at `ptr` and checks it against the
    /// number of cases.
    pub fn read_discriminant(&self, ptr: u32, size: u32, cases: usize) -> Result<u32, LiftError> {
        let value = match size {
            1 => u32::from(self.read::<u8>(ptr)?),
            2 => u32::from(self.read::<u16>(ptr)?),
            _ => self.read::<u32>(ptr)?,
        };
        self.check_discriminant(value, cases)
    }

    /// The string at `ptr` with length word `len` (in the component's
    /// encoding's units; for latin1+utf16, tagged), checked for bounds,
    /// alignment and length and validated (UTF-8 or UTF-16); a UTF-8
    /// string is not copied.
    pub fn load_str(&self, ptr: u32, len: u32) -> Result<Cow<'a, str>, LiftError> {
        let range = StringRange {
            ptr,
            tagged_len: len,
            encoding: self.encoding,
        };
        let at = range.check(self.memory.len())?;
        if range.units().0 == Units::Utf8 {
            let data = &self.memory[at..at + range.byte_len() as usize];
            return strings::validate_utf8(data, ptr).map(Cow::Borrowed);
        }
        strings::load(self.memory, self.encoding, ptr, len).map(Cow::Owned)
    }

    /// Takes the own handle `handle` of the resource type in slot `slot`
    /// (the `n` of [`Type::Own`]) out of the component's table: the host
    /// now owns the resource, and must drop it
    /// ([`Resource::drop`](crate::component::Resource::drop)) or pass it
    /// on. Should the lift fail afterwards, the runtime drops it.
    pub fn lift_own(&mut self, slot: u32, handle: u32) -> Result<Resource, LiftError> {
        let resource = self.handles.lift_own(slot, handle)?;
        self.owns.push(resource);
        Ok(resource)
    }

    /// The resource behind the borrow (or own) handle `handle` of the
    /// resource type in slot `slot` (the `n` of [`Type::Borrow`]), lent
    /// for the duration of the call.
    pub fn lift_borrow(&mut self, slot: u32, handle: u32) -> Result<Resource, LiftError> {
        self.handles.lift_borrow(slot, handle)
    }

    /// Lifts a value of type `ty` from the next flat values: the dynamic
    /// path for a part of a value a host wants as a [`Val`].
    pub fn take_val(&mut self, ty: &Type) -> Result<Val, LiftError> {
        let all = self.flat;
        let mut flat = all[(*self.position).min(all.len())..].iter().copied();
        let value = self.val_lifter(|lifter| lifter.lift_flat(ty, &mut flat))?;
        *self.position = all.len() - flat.len();
        Ok(value)
    }

    /// Loads a value of type `ty` stored at `ptr` (checked for its size
    /// and alignment) as a [`Val`].
    pub fn load_val(&mut self, ty: &Type, ptr: u32) -> Result<Val, LiftError> {
        self.val_lifter(|lifter| lifter.load(ty, ptr))
    }

    fn val_lifter<R>(
        &mut self,
        lift: impl FnOnce(&mut Lifter<'_>) -> Result<R, LiftError>,
    ) -> Result<R, LiftError> {
        let mut handles = Recording {
            handles: &mut self.handles,
            owns: &mut *self.owns,
        };
        let mut lifter = Lifter::new(self.memory)
            .with_encoding(self.encoding)
            .with_handles(&mut handles);
        lift(&mut lifter)
    }
}

/// Guest handles that record the own handles lifted.
struct Recording<'r, 'a> {
    handles: &'r mut GuestHandles<'a>,
    owns: &'r mut Vec<Resource>,
}

impl LiftHandles for Recording<'_, '_> {
    fn lift_own(&mut self, slot: u32, handle: u32) -> Result<Resource, LiftError> {
        let resource = self.handles.lift_own(slot, handle)?;
        self.owns.push(resource);
        Ok(resource)
    }

    fn lift_borrow(&mut self, slot: u32, handle: u32) -> Result<Resource, LiftError> {
        self.handles.lift_borrow(slot, handle)
    }
}

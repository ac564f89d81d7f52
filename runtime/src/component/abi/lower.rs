//! Lowering: writing component values into a component's linear memory
//! (allocating with its `realloc`) and into flat core values.

use super::strings::{self, StringEncoding};
use super::{
    canonical_f32, canonical_f64, checked, describe, discriminant_size, field_offsets,
    payload_offset, LiftError,
};
use crate::component::resources::Resource;
use crate::component::types::Type;
use crate::component::values::Val;

/// Where lowered values go: a component's memory, its allocator, its
/// string encoding and its handle table.
pub trait Lowerer {
    /// The component's linear memory.
    fn memory(&mut self) -> &mut [u8];

    /// Allocates `size` bytes aligned to `align` in the component (its
    /// `cabi_realloc`), returning the address.
    fn realloc(&mut self, size: u32, align: u32) -> Result<u32, LiftError>;

    /// How the component encodes strings.
    fn encoding(&self) -> StringEncoding {
        StringEncoding::Utf8
    }

    /// Hands `resource` to the component as an own handle of the resource
    /// type in slot `slot` (`lower_own`), returning the handle.
    fn lower_own(&mut self, slot: u32, resource: Resource) -> Result<u32, LiftError> {
        let _ = (slot, resource);
        Err(LiftError::Handle(
            "no handle table to pass an own handle into".into(),
        ))
    }

    /// Lends `resource` to the component for the call (`lower_borrow`),
    /// returning the handle.
    fn lower_borrow(&mut self, slot: u32, resource: Resource) -> Result<u32, LiftError> {
        let _ = (slot, resource);
        Err(LiftError::Handle(
            "no handle table to pass a borrow handle into".into(),
        ))
    }

    /// Stores `val` of type `ty` at `ptr` (`store` in the spec).
    fn store(&mut self, val: &Val, ty: &Type, ptr: u32) -> Result<(), LiftError> {
        let layout = ty.layout();
        let memory_len = self.memory().len();
        let at = checked(
            "value",
            ptr,
            u64::from(layout.size),
            layout.align,
            memory_len,
        )?;
        let mismatch = || LiftError::TypeMismatch {
            value: describe(val),
        };
        let put = |this: &mut Self, bytes: &[u8]| {
            this.memory()[at..at + bytes.len()].copy_from_slice(bytes);
        };
        match (val, ty) {
            (Val::Bool(v), Type::Bool) => put(self, &[u8::from(*v)]),
            (Val::S8(v), Type::S8) => put(self, &v.to_le_bytes()),
            (Val::U8(v), Type::U8) => put(self, &[*v]),
            (Val::S16(v), Type::S16) => put(self, &v.to_le_bytes()),
            (Val::U16(v), Type::U16) => put(self, &v.to_le_bytes()),
            (Val::S32(v), Type::S32) => put(self, &v.to_le_bytes()),
            (Val::U32(v), Type::U32) => put(self, &v.to_le_bytes()),
            (Val::S64(v), Type::S64) => put(self, &v.to_le_bytes()),
            (Val::U64(v), Type::U64) => put(self, &v.to_le_bytes()),
            (Val::F32(v), Type::F32) => put(self, &canonical_f32(*v).to_le_bytes()),
            (Val::F64(v), Type::F64) => put(self, &canonical_f64(*v).to_le_bytes()),
            (Val::Char(c), Type::Char) => put(self, &u32::from(*c).to_le_bytes()),
            (Val::Own(r), Type::Own(slot)) => {
                let handle = self.lower_own(*slot, *r)?;
                put(self, &handle.to_le_bytes());
            }
            (Val::Borrow(r), Type::Borrow(slot)) => {
                let handle = self.lower_borrow(*slot, *r)?;
                put(self, &handle.to_le_bytes());
            }
            (Val::String(_) | Val::List(_), Type::String | Type::List(_)) => {
                let (data, len) = self.store_sequence(val, ty)?;
                put(self, &data.to_le_bytes());
                self.memory()[at + 4..at + 8].copy_from_slice(&len.to_le_bytes());
            }
            (Val::Flags(_), Type::Flags(names)) => {
                let bits = flag_bits(val, names).ok_or_else(mismatch)?;
                let bytes = bits.to_le_bytes();
                put(self, &bytes[..layout.size as usize]);
            }
            (Val::Record(_) | Val::Tuple(_), Type::Record(_) | Type::Tuple(_)) => {
                let values = record_values(val, ty).ok_or_else(mismatch)?;
                let fields = ty.fields().expect("a record");
                let offsets = field_offsets(ty, ptr, memory_len)?;
                for ((value, field), offset) in values.iter().zip(fields).zip(offsets) {
                    self.store(value, field, ptr + offset)?;
                }
            }
            _ => {
                let cases = ty.cases().ok_or_else(mismatch)?;
                let (index, payload) = case_of(val, ty).ok_or_else(mismatch)?;
                let bytes = (index as u32).to_le_bytes();
                put(self, &bytes[..discriminant_size(cases.len()) as usize]);
                let offset = payload_offset(ty, ptr, memory_len)?;
                match (payload, cases[index].1) {
                    (Some(v), Some(t)) => self.store(v, t, ptr + offset)?,
                    (None, None) => {}
                    _ => return Err(mismatch()),
                }
            }
        }
        Ok(())
    }

    /// Allocates and writes a string's bytes or a list's elements,
    /// returning their address and length.
    fn store_sequence(&mut self, val: &Val, ty: &Type) -> Result<(u32, u32), LiftError> {
        let mismatch = || LiftError::TypeMismatch {
            value: describe(val),
        };
        match (val, ty) {
            (Val::String(s), Type::String) => {
                let encoded = strings::encode(s, self.encoding())?;
                let size = encoded.bytes.len() as u32;
                let data = self.allocate("string", size, encoded.align)?;
                self.memory()[data as usize..(data + size) as usize]
                    .copy_from_slice(&encoded.bytes);
                Ok((data, encoded.len))
            }
            (Val::List(items), Type::List(element)) => {
                let layout = element.layout();
                let len = u32::try_from(items.len()).map_err(|_| mismatch())?;
                let bytes = len.checked_mul(layout.size).ok_or_else(mismatch)?;
                let data = self.allocate("list", bytes, layout.align)?;
                for (i, item) in items.iter().enumerate() {
                    self.store(item, element, data + i as u32 * layout.size)?;
                }
                Ok((data, len))
            }
            _ => Err(mismatch()),
        }
    }

    /// `realloc`, with its result checked.
    fn allocate(&mut self, what: &'static str, size: u32, align: u32) -> Result<u32, LiftError> {
        let ptr = self.realloc(size, align)?;
        let memory = self.memory().len();
        checked(what, ptr, u64::from(size), align, memory).map_err(|e| {
            let problem = match e {
                LiftError::Misaligned { .. } => "result not aligned",
                _ => "beyond end of memory",
            };
            LiftError::Realloc(format!(
                "{problem}: the guest's realloc returned {ptr:#x} for {size} bytes of {what}"
            ))
        })?;
        Ok(ptr)
    }

    /// Lowers `val` of type `ty` to flat core values (bits in `u64`s).
    fn lower_flat(&mut self, val: &Val, ty: &Type, out: &mut Vec<u64>) -> Result<(), LiftError> {
        let mismatch = || LiftError::TypeMismatch {
            value: describe(val),
        };
        match (val, ty) {
            (Val::Bool(v), Type::Bool) => out.push(u64::from(*v)),
            (Val::S8(v), Type::S8) => out.push(u64::from(*v as i32 as u32)),
            (Val::U8(v), Type::U8) => out.push(u64::from(*v)),
            (Val::S16(v), Type::S16) => out.push(u64::from(*v as i32 as u32)),
            (Val::U16(v), Type::U16) => out.push(u64::from(*v)),
            (Val::S32(v), Type::S32) => out.push(u64::from(*v as u32)),
            (Val::U32(v), Type::U32) => out.push(u64::from(*v)),
            (Val::S64(v), Type::S64) => out.push(*v as u64),
            (Val::U64(v), Type::U64) => out.push(*v),
            (Val::F32(v), Type::F32) => out.push(u64::from(canonical_f32(*v).to_bits())),
            (Val::F64(v), Type::F64) => out.push(canonical_f64(*v).to_bits()),
            (Val::Char(c), Type::Char) => out.push(u64::from(u32::from(*c))),
            (Val::Own(r), Type::Own(slot)) => out.push(u64::from(self.lower_own(*slot, *r)?)),
            (Val::Borrow(r), Type::Borrow(slot)) => {
                out.push(u64::from(self.lower_borrow(*slot, *r)?))
            }
            (Val::String(_) | Val::List(_), Type::String | Type::List(_)) => {
                let (data, len) = self.store_sequence(val, ty)?;
                out.push(u64::from(data));
                out.push(u64::from(len));
            }
            (Val::Flags(_), Type::Flags(names)) => {
                let bits = flag_bits(val, names).ok_or_else(mismatch)?;
                let words = ty.layout().flat.count().unwrap_or(0);
                for word in 0..words {
                    out.push((bits >> (32 * word)) & 0xffff_ffff);
                }
            }
            (Val::Record(_) | Val::Tuple(_), Type::Record(_) | Type::Tuple(_)) => {
                let values = record_values(val, ty).ok_or_else(mismatch)?;
                for (value, field) in values.iter().zip(ty.fields().expect("a record")) {
                    self.lower_flat(value, field, out)?;
                }
            }
            _ => {
                let cases = ty.cases().ok_or_else(mismatch)?;
                let (index, payload) = case_of(val, ty).ok_or_else(mismatch)?;
                out.push(index as u64);
                let slots = ty.layout().flat.count().unwrap_or(1) - 1;
                let start = out.len();
                match (payload, cases[index].1) {
                    (Some(v), Some(t)) => self.lower_flat(v, t, out)?,
                    (None, None) => {}
                    _ => return Err(mismatch()),
                }
                // Unused joined slots are zero.
                out.resize(start + slots, 0);
            }
        }
        Ok(())
    }
}

fn flag_bits(val: &Val, names: &[String]) -> Option<u64> {
    let Val::Flags(set) = val else { return None };
    set.iter().try_fold(0u64, |bits, name| {
        // Flags types have at most 32 members (64 in older binaries).
        let i = names.iter().position(|n| n == name).filter(|i| *i < 64)?;
        Some(bits | 1 << i)
    })
}

fn record_values<'v>(val: &'v Val, ty: &Type) -> Option<Vec<&'v Val>> {
    match (val, ty) {
        (Val::Record(fields), Type::Record(types)) if fields.len() == types.len() => fields
            .iter()
            .zip(types)
            .map(|((n, v), (m, _))| (n == m).then_some(v))
            .collect(),
        (Val::Tuple(items), Type::Tuple(types)) if items.len() == types.len() => {
            Some(items.iter().collect())
        }
        _ => None,
    }
}

/// The case index and payload of a variant-like value of type `ty`.
fn case_of<'v>(val: &'v Val, ty: &Type) -> Option<(usize, Option<&'v Val>)> {
    match (val, ty) {
        (Val::Variant(name, payload), Type::Variant(cases)) => cases
            .iter()
            .position(|(n, _)| n == name)
            .map(|i| (i, payload.as_deref())),
        (Val::Enum(name), Type::Enum(cases)) => {
            cases.iter().position(|n| n == name).map(|i| (i, None))
        }
        (Val::Option(None), Type::Option(_)) => Some((0, None)),
        (Val::Option(Some(v)), Type::Option(_)) => Some((1, Some(&**v))),
        (Val::Result(Ok(v)), Type::Result { .. }) => Some((0, v.as_deref())),
        (Val::Result(Err(v)), Type::Result { .. }) => Some((1, v.as_deref())),
        _ => None,
    }
}

//! Lowering: writing component values into a component's linear memory
//! (allocating with its `realloc`) and into flat core values.

use super::strings::{StringEncoding, MAX_STRING_BYTES, UTF16_TAG};
use super::type_layout::TypeLayout;
use super::{canonical_f32, canonical_f64, checked, describe, too_large, LiftError};
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

    /// Stores a string's code units, encoded as the component wants them,
    /// returning their address and the length word.
    fn lower_string(&mut self, text: &str) -> Result<(u32, u32), LiftError> {
        store_host_string(self, text)
    }

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
        let laid_out = TypeLayout::of(ty).ok_or_else(|| too_large(ptr, layout.size, memory_len))?;
        store_laid_out(self, val, &laid_out, at)
    }

    /// Allocates and writes a string's bytes or a list's elements,
    /// returning their address and length.
    fn store_sequence(&mut self, val: &Val, ty: &Type) -> Result<(u32, u32), LiftError> {
        let mismatch = || LiftError::TypeMismatch {
            value: describe(val),
        };
        match (val, ty) {
            (Val::String(s), Type::String) => self.lower_string(s),
            (Val::List(items), Type::List(element)) => {
                let memory = self.memory().len();
                let laid_out = TypeLayout::of(element)
                    .ok_or_else(|| too_large(0, element.layout().size, memory))?;
                let size = laid_out.layout.size;
                let len = u32::try_from(items.len()).map_err(|_| mismatch())?;
                let bytes = len.checked_mul(size).ok_or_else(mismatch)?;
                let data = self.allocate("list", bytes, laid_out.layout.align)?;
                let start = data as usize;
                let stored = self
                    .memory()
                    .get_mut(start..start + bytes as usize)
                    .and_then(|region| store_scalars(region, items, element));
                match stored {
                    Some(true) => {}
                    Some(false) => return Err(mismatch()),
                    None => {
                        for (i, item) in items.iter().enumerate() {
                            store_laid_out(self, item, &laid_out, start + i * size as usize)?;
                        }
                    }
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
        checked(what, ptr, u64::from(size), align, memory).map_err(realloc_error)?;
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
                for (value, field) in values.zip(ty.fields().expect("a record")) {
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

/// Stores a list of scalars into `region` (their bytes, in order) in one
/// pass, without a call per item: whether every item had the type
/// `element`, or `None` when `element` is not a scalar.
fn store_scalars(region: &mut [u8], items: &[Val], element: &Type) -> Option<bool> {
    // `each!(Case(x) => bytes)`: every item must be `Val::Case`, stored as
    // `bytes` of its payload `x`.
    macro_rules! each {
        ($case:ident($x:ident) => $bytes:expr) => {
            store_each(region, items, |v| match v {
                Val::$case($x) => Some($bytes),
                _ => None,
            })
        };
    }
    Some(match element {
        Type::Bool => each!(Bool(b) => [u8::from(*b)]),
        Type::S8 => each!(S8(x) => x.to_le_bytes()),
        Type::U8 => each!(U8(x) => [*x]),
        Type::S16 => each!(S16(x) => x.to_le_bytes()),
        Type::U16 => each!(U16(x) => x.to_le_bytes()),
        Type::S32 => each!(S32(x) => x.to_le_bytes()),
        Type::U32 => each!(U32(x) => x.to_le_bytes()),
        Type::S64 => each!(S64(x) => x.to_le_bytes()),
        Type::U64 => each!(U64(x) => x.to_le_bytes()),
        Type::F32 => each!(F32(x) => canonical_f32(*x).to_le_bytes()),
        Type::F64 => each!(F64(x) => canonical_f64(*x).to_le_bytes()),
        Type::Char => each!(Char(c) => u32::from(*c).to_le_bytes()),
        _ => return None,
    })
}

/// Writes `bytes(item)` for each item, `N` bytes apiece, into `region`;
/// false at the first item `bytes` refuses.
#[inline(always)]
fn store_each<const N: usize>(
    region: &mut [u8],
    items: &[Val],
    bytes: impl Fn(&Val) -> Option<[u8; N]>,
) -> bool {
    for (item, slot) in items.iter().zip(region.chunks_exact_mut(N)) {
        match bytes(item) {
            Some(value) => slot.copy_from_slice(&value),
            None => return false,
        }
    }
    true
}

/// Stores `val` as a value of the type `laid_out` lays out at offset
/// `at`, which is aligned and in bounds for the whole value.
fn store_laid_out<L: Lowerer + ?Sized>(
    lowerer: &mut L,
    val: &Val,
    laid_out: &TypeLayout<'_>,
    at: usize,
) -> Result<(), LiftError> {
    let ty = laid_out.ty;
    let mismatch = || LiftError::TypeMismatch {
        value: describe(val),
    };
    let put = |lowerer: &mut L, offset: usize, bytes: &[u8]| {
        lowerer.memory()[offset..offset + bytes.len()].copy_from_slice(bytes);
    };
    match (val, ty) {
        (Val::Bool(v), Type::Bool) => put(lowerer, at, &[u8::from(*v)]),
        (Val::S8(v), Type::S8) => put(lowerer, at, &v.to_le_bytes()),
        (Val::U8(v), Type::U8) => put(lowerer, at, &[*v]),
        (Val::S16(v), Type::S16) => put(lowerer, at, &v.to_le_bytes()),
        (Val::U16(v), Type::U16) => put(lowerer, at, &v.to_le_bytes()),
        (Val::S32(v), Type::S32) => put(lowerer, at, &v.to_le_bytes()),
        (Val::U32(v), Type::U32) => put(lowerer, at, &v.to_le_bytes()),
        (Val::S64(v), Type::S64) => put(lowerer, at, &v.to_le_bytes()),
        (Val::U64(v), Type::U64) => put(lowerer, at, &v.to_le_bytes()),
        (Val::F32(v), Type::F32) => put(lowerer, at, &canonical_f32(*v).to_le_bytes()),
        (Val::F64(v), Type::F64) => put(lowerer, at, &canonical_f64(*v).to_le_bytes()),
        (Val::Char(c), Type::Char) => put(lowerer, at, &u32::from(*c).to_le_bytes()),
        (Val::Own(r), Type::Own(slot)) => {
            let handle = lowerer.lower_own(*slot, *r)?;
            put(lowerer, at, &handle.to_le_bytes());
        }
        (Val::Borrow(r), Type::Borrow(slot)) => {
            let handle = lowerer.lower_borrow(*slot, *r)?;
            put(lowerer, at, &handle.to_le_bytes());
        }
        (Val::String(_) | Val::List(_), Type::String | Type::List(_)) => {
            let (data, len) = lowerer.store_sequence(val, ty)?;
            put(lowerer, at, &data.to_le_bytes());
            put(lowerer, at + 4, &len.to_le_bytes());
        }
        (Val::Flags(_), Type::Flags(names)) => {
            let bits = flag_bits(val, names).ok_or_else(mismatch)?;
            put(
                lowerer,
                at,
                &bits.to_le_bytes()[..laid_out.layout.size as usize],
            );
        }
        (Val::Record(_) | Val::Tuple(_), Type::Record(_) | Type::Tuple(_)) => {
            let values = record_values(val, ty).ok_or_else(mismatch)?;
            for (value, (field, offset)) in values.zip(laid_out.fields()) {
                store_laid_out(lowerer, value, field, at + offset as usize)?;
            }
        }
        _ => {
            let (index, payload) = case_of(val, ty).ok_or_else(mismatch)?;
            let bytes = (index as u32).to_le_bytes();
            put(lowerer, at, &bytes[..laid_out.discriminant as usize]);
            let offset = at + laid_out.payload_offset() as usize;
            match (payload, &laid_out.parts[index]) {
                (Some(v), Some(part)) => store_laid_out(lowerer, v, part, offset)?,
                (None, None) => {}
                _ => return Err(mismatch()),
            }
        }
    }
    Ok(())
}

/// Stores the host's string `text` into the component behind `lowerer`
/// (what [`Lowerer::lower_string`] does by default): in one allocation of
/// exactly its encoded size, Latin-1 where latin1+utf16 allows. This is
/// the canonical ABI's `store_string_copy`, the host's string being taken
/// to be in the destination's encoding already; strings that come from
/// another component's memory take the spec's transcoding steps instead
/// (`transcode::store`).
pub(crate) fn store_host_string<L: Lowerer + ?Sized>(
    lowerer: &mut L,
    text: &str,
) -> Result<(u32, u32), LiftError> {
    let too_long = |bytes: u64| LiftError::StringTooLong { ptr: 0, bytes };
    let encoding = lowerer.encoding();
    let latin1 = encoding == StringEncoding::Latin1Utf16
        && (text.is_ascii() || text.chars().all(|c| c <= '\u{ff}'));
    let (units, unit) = match encoding {
        StringEncoding::Utf8 => (text.len() as u64, 1),
        _ if latin1 => (text.chars().count() as u64, 1),
        _ => (text.chars().map(|c| c.len_utf16() as u64).sum(), 2),
    };
    let bytes = units * unit;
    if bytes > MAX_STRING_BYTES {
        return Err(too_long(bytes));
    }
    let ptr = lowerer.allocate("string", bytes as u32, encoding.align())?;
    let out = &mut lowerer.memory()[ptr as usize..ptr as usize + bytes as usize];
    match (encoding, latin1) {
        (StringEncoding::Utf8, _) => out.copy_from_slice(text.as_bytes()),
        (_, true) if text.is_ascii() => out.copy_from_slice(text.as_bytes()),
        (_, true) => {
            for (slot, c) in out.iter_mut().zip(text.chars()) {
                *slot = c as u8;
            }
        }
        _ => {
            for (pair, unit) in out.chunks_exact_mut(2).zip(text.encode_utf16()) {
                pair.copy_from_slice(&unit.to_le_bytes());
            }
        }
    }
    let tag = if encoding == StringEncoding::Latin1Utf16 && !latin1 {
        UTF16_TAG
    } else {
        0
    };
    Ok((ptr, units as u32 | tag))
}

/// The error for a `realloc` result that failed the alignment or bounds
/// check `error`: wasmtime's wordings for a call from the host
/// ("realloc return: ...") and from another component (the check's own),
/// so that both kinds of test find theirs.
pub(crate) fn realloc_error(error: LiftError) -> LiftError {
    let problem = match error {
        LiftError::Misaligned { .. } => "result not aligned",
        _ => "beyond end of memory",
    };
    LiftError::Realloc(format!("{problem}: {error}"))
}

fn flag_bits(val: &Val, names: &[String]) -> Option<u64> {
    let Val::Flags(set) = val else { return None };
    set.iter().try_fold(0u64, |bits, name| {
        // Flags types have at most 32 members (64 in older binaries).
        let i = names.iter().position(|n| n == name).filter(|i| *i < 64)?;
        Some(bits | 1 << i)
    })
}

/// The field values of a record or tuple value of type `ty`, in order; `None`
/// unless the value has the type's shape (its fields' names and number).
/// Checked in full before the first value is returned, without allocating.
fn record_values<'v>(val: &'v Val, ty: &Type) -> Option<FieldValues<'v>> {
    match (val, ty) {
        (Val::Record(fields), Type::Record(types))
            if fields.len() == types.len()
                && fields.iter().zip(types).all(|((n, _), (m, _))| n == m) =>
        {
            Some(FieldValues::Record(fields.iter()))
        }
        (Val::Tuple(items), Type::Tuple(types)) if items.len() == types.len() => {
            Some(FieldValues::Tuple(items.iter()))
        }
        _ => None,
    }
}

/// The values of a record's fields or a tuple's items.
enum FieldValues<'v> {
    Record(std::slice::Iter<'v, (String, Val)>),
    Tuple(std::slice::Iter<'v, Val>),
}

impl<'v> Iterator for FieldValues<'v> {
    type Item = &'v Val;

    fn next(&mut self) -> Option<&'v Val> {
        match self {
            FieldValues::Record(fields) => fields.next().map(|(_, value)| value),
            FieldValues::Tuple(items) => items.next(),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_realloc_results_name_both_wordings() {
        let misaligned = realloc_error(checked("list", 2, 8, 4, 64).unwrap_err());
        let text = misaligned.to_string();
        assert!(
            text.starts_with("realloc return: result not aligned"),
            "{text}"
        );
        assert!(text.contains("unaligned pointer"), "{text}");
        let outside = realloc_error(checked("list", 60, 8, 4, 64).unwrap_err());
        let text = outside.to_string();
        assert!(
            text.starts_with("realloc return: beyond end of memory"),
            "{text}"
        );
        assert!(text.contains("list content out-of-bounds"), "{text}");
    }

    #[test]
    fn lists_of_scalars_are_stored_little_endian_in_one_pass() {
        let mut region = [0u8; 12];
        let items = [Val::U32(1), Val::U32(0x0102_0304), Val::U32(u32::MAX)];
        assert_eq!(store_scalars(&mut region, &items, &Type::U32), Some(true));
        assert_eq!(region, [1, 0, 0, 0, 4, 3, 2, 1, 255, 255, 255, 255]);

        let mut region = [0u8; 8];
        let nan = f32::from_bits(0x7fc0_0001);
        assert_eq!(
            store_scalars(&mut region, &[Val::F32(nan), Val::F32(-1.5)], &Type::F32),
            Some(true)
        );
        assert_eq!(&region[..4], &canonical_f32(nan).to_le_bytes());
        assert_eq!(&region[4..], &(-1.5f32).to_le_bytes());

        let mut region = [0u8; 3];
        let flags = [Val::Bool(true), Val::Bool(false), Val::Bool(true)];
        assert_eq!(store_scalars(&mut region, &flags, &Type::Bool), Some(true));
        assert_eq!(region, [1, 0, 1]);
    }

    #[test]
    fn a_list_item_of_another_type_is_refused_and_non_scalars_take_the_general_path() {
        let mut region = [0u8; 8];
        let items = [Val::U32(1), Val::S32(2)];
        assert_eq!(store_scalars(&mut region, &items, &Type::U32), Some(false));
        assert_eq!(store_scalars(&mut region, &[], &Type::String), None);
        assert!(!Val::List(items.to_vec()).has_type(&Type::List(Box::new(Type::U32))));
        assert!(Val::List(vec![Val::U32(1)]).has_type(&Type::List(Box::new(Type::U32))));
    }
}

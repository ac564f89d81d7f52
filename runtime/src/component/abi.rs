//! The canonical ABI for component values: lifting values out of a
//! component's linear memory or flat core values (validating everything a
//! guest may get wrong) and lowering values into them. Strings are UTF-8
//! here; the other encodings come with `canon` options.

use super::types::Type;
use super::values::Val;

/// Why a value could not be lifted from, or lowered into, a component.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LiftError {
    /// A value, string or list lies (partly) outside linear memory.
    #[error("{what} at {ptr:#x} of {len} bytes lies outside linear memory of {memory} bytes")]
    OutOfBounds {
        /// What was being read or written.
        what: &'static str,
        /// Its address.
        ptr: u64,
        /// Its length in bytes.
        len: u64,
        /// The memory's size.
        memory: usize,
    },
    /// A value, string or list is not aligned as its type requires.
    #[error("{what} at {ptr:#x} is not aligned to {align} bytes")]
    Misaligned {
        /// What was being read or written.
        what: &'static str,
        /// Its address.
        ptr: u32,
        /// The alignment required.
        align: u32,
    },
    /// A string's bytes are not UTF-8.
    #[error("string at {ptr:#x} of {len} bytes is not valid UTF-8 (at byte {valid_up_to})")]
    InvalidUtf8 {
        /// The string's address.
        ptr: u32,
        /// Its length.
        len: u32,
        /// Bytes before the first invalid one.
        valid_up_to: usize,
    },
    /// A variant, enum, option or result discriminant names no case.
    #[error("discriminant {value} is out of range for a type with {cases} cases")]
    BadDiscriminant {
        /// The discriminant read.
        value: u32,
        /// How many cases the type has.
        cases: usize,
    },
    /// A `char` that is not a Unicode scalar value.
    #[error("{value:#x} is not a Unicode scalar value, so not a char")]
    BadChar {
        /// The code point read.
        value: u32,
    },
    /// Fewer flat values than the type needs (a signature mismatch).
    #[error("expected more flat core values for a {ty}")]
    MissingFlatValue {
        /// The type being lifted.
        ty: &'static str,
    },
    /// A value does not have the type it is lowered as.
    #[error("value {value} does not have the type it is passed as")]
    TypeMismatch {
        /// The value, printed.
        value: String,
    },
    /// The guest's allocator failed or returned an unusable pointer.
    #[error("the guest's realloc failed: {0}")]
    Realloc(String),
}

/// Reads component values out of linear memory and flat core values.
pub struct Lifter<'a> {
    memory: &'a [u8],
}

fn checked(
    what: &'static str,
    ptr: u32,
    len: u64,
    align: u32,
    memory: usize,
) -> Result<usize, LiftError> {
    if !ptr.is_multiple_of(align) {
        return Err(LiftError::Misaligned { what, ptr, align });
    }
    if u64::from(ptr) + len > memory as u64 {
        return Err(LiftError::OutOfBounds {
            what,
            ptr: u64::from(ptr),
            len,
            memory,
        });
    }
    Ok(ptr as usize)
}

impl<'a> Lifter<'a> {
    /// A lifter over a component's linear memory.
    pub fn new(memory: &'a [u8]) -> Lifter<'a> {
        Lifter { memory }
    }

    fn bytes<const N: usize>(&self, at: usize) -> [u8; N] {
        self.memory[at..at + N].try_into().expect("bounds checked")
    }

    /// Loads a value of type `ty` stored at `ptr` (`load` in the spec).
    pub fn load(&self, ty: &Type, ptr: u32) -> Result<Val, LiftError> {
        let layout = ty.layout();
        let at = checked(
            "value",
            ptr,
            u64::from(layout.size),
            layout.align,
            self.memory.len(),
        )?;
        Ok(match ty {
            Type::Bool => Val::Bool(self.memory[at] != 0),
            Type::S8 => Val::S8(self.memory[at] as i8),
            Type::U8 => Val::U8(self.memory[at]),
            Type::S16 => Val::S16(i16::from_le_bytes(self.bytes(at))),
            Type::U16 => Val::U16(u16::from_le_bytes(self.bytes(at))),
            Type::S32 => Val::S32(i32::from_le_bytes(self.bytes(at))),
            Type::U32 => Val::U32(u32::from_le_bytes(self.bytes(at))),
            Type::S64 => Val::S64(i64::from_le_bytes(self.bytes(at))),
            Type::U64 => Val::U64(u64::from_le_bytes(self.bytes(at))),
            Type::F32 => Val::F32(canonical_f32(f32::from_le_bytes(self.bytes(at)))),
            Type::F64 => Val::F64(canonical_f64(f64::from_le_bytes(self.bytes(at)))),
            Type::Char => Val::Char(to_char(u32::from_le_bytes(self.bytes(at)))?),
            Type::Own(_) => Val::Own(u32::from_le_bytes(self.bytes(at))),
            Type::Borrow(_) => Val::Borrow(u32::from_le_bytes(self.bytes(at))),
            Type::String | Type::List(_) => {
                let data = u32::from_le_bytes(self.bytes(at));
                let len = u32::from_le_bytes(self.bytes(at + 4));
                self.sequence(ty, data, len)?
            }
            Type::Flags(names) => {
                let bits = match layout.size {
                    0 => 0,
                    1 => u64::from(self.memory[at]),
                    2 => u64::from(u16::from_le_bytes(self.bytes(at))),
                    _ => u64::from(u32::from_le_bytes(self.bytes(at))),
                };
                flags_from_bits(names, bits)
            }
            Type::Record(_) | Type::Tuple(_) => {
                let fields = ty.fields().expect("a record");
                let layouts: Vec<_> = fields.iter().map(|t| t.layout()).collect();
                let offsets = weft_wit::abi::Layout::field_offsets(&layouts)
                    .map_err(|_| too_large(ptr, layout.size, self.memory.len()))?;
                let mut values = Vec::with_capacity(fields.len());
                for (field, offset) in fields.iter().zip(offsets) {
                    values.push(self.load(field, ptr + offset)?);
                }
                rebuild_record(ty, values)
            }
            _ => {
                let cases = ty.cases().expect("a variant");
                let disc_size = weft_wit::abi::Discriminant::for_cases(cases.len()).size();
                let value = match disc_size {
                    1 => u32::from(self.memory[at]),
                    2 => u32::from(u16::from_le_bytes(self.bytes(at))),
                    _ => u32::from_le_bytes(self.bytes(at)),
                };
                let (_, payload_ty) =
                    *cases
                        .get(value as usize)
                        .ok_or(LiftError::BadDiscriminant {
                            value,
                            cases: cases.len(),
                        })?;
                let payloads: Vec<_> = cases.iter().map(|(_, t)| t.map(Type::layout)).collect();
                let offset = weft_wit::abi::Layout::variant_payload_offset(
                    payloads.iter().map(Option::as_ref),
                )
                .map_err(|_| too_large(ptr, layout.size, self.memory.len()))?;
                let payload = match payload_ty {
                    Some(t) => Some(self.load(t, ptr + offset)?),
                    None => None,
                };
                case_value(ty, value as usize, payload)
            }
        })
    }

    /// A string or list whose elements are at `data`.
    fn sequence(&self, ty: &Type, data: u32, len: u32) -> Result<Val, LiftError> {
        match ty {
            Type::String => {
                let at = checked("string", data, u64::from(len), 1, self.memory.len())?;
                let bytes = &self.memory[at..at + len as usize];
                let text = std::str::from_utf8(bytes).map_err(|e| LiftError::InvalidUtf8 {
                    ptr: data,
                    len,
                    valid_up_to: e.valid_up_to(),
                })?;
                Ok(Val::String(text.to_string()))
            }
            Type::List(element) => {
                let layout = element.layout();
                let bytes = u64::from(len) * u64::from(layout.size);
                checked("list", data, bytes, layout.align, self.memory.len())?;
                let items = (0..len)
                    .map(|i| self.load(element, data + i * layout.size))
                    .collect::<Result<_, _>>()?;
                Ok(Val::List(items))
            }
            _ => unreachable!("only strings and lists are sequences"),
        }
    }

    /// Lifts a value of type `ty` from flat core values (each as its bits
    /// in a `u64`; 32-bit values in the low half), consuming exactly the
    /// type's flat count.
    pub fn lift_flat(
        &self,
        ty: &Type,
        flat: &mut impl Iterator<Item = u64>,
    ) -> Result<Val, LiftError> {
        let mut next = || {
            flat.next()
                .ok_or(LiftError::MissingFlatValue { ty: type_name(ty) })
        };
        Ok(match ty {
            Type::Bool => Val::Bool(next()? as u32 != 0),
            Type::S8 => Val::S8(next()? as i8),
            Type::U8 => Val::U8(next()? as u8),
            Type::S16 => Val::S16(next()? as i16),
            Type::U16 => Val::U16(next()? as u16),
            Type::S32 => Val::S32(next()? as i32),
            Type::U32 => Val::U32(next()? as u32),
            Type::S64 => Val::S64(next()? as i64),
            Type::U64 => Val::U64(next()?),
            Type::F32 => Val::F32(canonical_f32(f32::from_bits(next()? as u32))),
            Type::F64 => Val::F64(canonical_f64(f64::from_bits(next()?))),
            Type::Char => Val::Char(to_char(next()? as u32)?),
            Type::Own(_) => Val::Own(next()? as u32),
            Type::Borrow(_) => Val::Borrow(next()? as u32),
            Type::String | Type::List(_) => {
                let data = next()? as u32;
                let len = next()? as u32;
                self.sequence(ty, data, len)?
            }
            Type::Flags(names) => {
                let words = ty.layout().flat.count().unwrap_or(0);
                let mut bits = 0u64;
                for word in 0..words {
                    bits |= (next()? & 0xffff_ffff) << (32 * word);
                }
                flags_from_bits(names, bits)
            }
            Type::Record(_) | Type::Tuple(_) => {
                let fields = ty.fields().expect("a record");
                let values = fields
                    .iter()
                    .map(|t| self.lift_flat(t, flat))
                    .collect::<Result<Vec<_>, _>>()?;
                rebuild_record(ty, values)
            }
            _ => {
                let cases = ty.cases().expect("a variant");
                let value = next()? as u32;
                // The payload slots are joined across cases: read them all,
                // then lift the case's payload from their low bits.
                let slots = ty.layout().flat.count().unwrap_or(1) - 1;
                let payload_bits: Vec<u64> =
                    (0..slots).map(|_| next()).collect::<Result<_, _>>()?;
                let (_, payload_ty) =
                    *cases
                        .get(value as usize)
                        .ok_or(LiftError::BadDiscriminant {
                            value,
                            cases: cases.len(),
                        })?;
                let payload = match payload_ty {
                    Some(t) => Some(self.lift_flat(t, &mut payload_bits.into_iter())?),
                    None => None,
                };
                case_value(ty, value as usize, payload)
            }
        })
    }
}

fn too_large(ptr: u32, size: u32, memory: usize) -> LiftError {
    LiftError::OutOfBounds {
        what: "value",
        ptr: u64::from(ptr),
        len: u64::from(size),
        memory,
    }
}

fn type_name(ty: &Type) -> &'static str {
    match ty {
        Type::String => "string",
        Type::List(_) => "list",
        Type::Record(_) => "record",
        Type::Tuple(_) => "tuple",
        Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. } => "variant",
        Type::Flags(_) => "flags",
        _ => "scalar",
    }
}

fn to_char(value: u32) -> Result<char, LiftError> {
    char::from_u32(value).ok_or(LiftError::BadChar { value })
}

/// NaNs cross the boundary as the canonical NaN (CanonicalABI.md).
fn canonical_f32(value: f32) -> f32 {
    if value.is_nan() {
        f32::from_bits(0x7fc0_0000)
    } else {
        value
    }
}

fn canonical_f64(value: f64) -> f64 {
    if value.is_nan() {
        f64::from_bits(0x7ff8_0000_0000_0000)
    } else {
        value
    }
}

fn flags_from_bits(names: &[String], bits: u64) -> Val {
    Val::Flags(
        names
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < 64 && bits >> i & 1 == 1)
            .map(|(_, n)| n.clone())
            .collect(),
    )
}

fn rebuild_record(ty: &Type, values: Vec<Val>) -> Val {
    match ty {
        Type::Record(fields) => {
            Val::Record(fields.iter().map(|(n, _)| n.clone()).zip(values).collect())
        }
        _ => Val::Tuple(values),
    }
}

fn case_value(ty: &Type, index: usize, payload: Option<Val>) -> Val {
    let payload = payload.map(Box::new);
    match ty {
        Type::Variant(cases) => Val::Variant(cases[index].0.clone(), payload),
        Type::Enum(cases) => Val::Enum(cases[index].clone()),
        Type::Option(_) => Val::Option(if index == 0 { None } else { payload }),
        _ => Val::Result(if index == 0 {
            Ok(payload)
        } else {
            Err(payload)
        }),
    }
}

/// Where lowered values go: a component's memory and its allocator.
pub trait Lowerer {
    /// The component's linear memory.
    fn memory(&mut self) -> &mut [u8];
    /// Allocates `size` bytes aligned to `align` in the component (its
    /// `cabi_realloc`), returning the address.
    fn realloc(&mut self, size: u32, align: u32) -> Result<u32, LiftError>;

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
            value: format!("{val:?}"),
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
            (Val::U32(v), Type::U32)
            | (Val::Own(v), Type::Own(_))
            | (Val::Borrow(v), Type::Borrow(_)) => put(self, &v.to_le_bytes()),
            (Val::S64(v), Type::S64) => put(self, &v.to_le_bytes()),
            (Val::U64(v), Type::U64) => put(self, &v.to_le_bytes()),
            (Val::F32(v), Type::F32) => put(self, &canonical_f32(*v).to_le_bytes()),
            (Val::F64(v), Type::F64) => put(self, &canonical_f64(*v).to_le_bytes()),
            (Val::Char(c), Type::Char) => put(self, &u32::from(*c).to_le_bytes()),
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
                let layouts: Vec<_> = fields.iter().map(|t| t.layout()).collect();
                let offsets = weft_wit::abi::Layout::field_offsets(&layouts)
                    .map_err(|_| too_large(ptr, layout.size, memory_len))?;
                for ((value, field), offset) in values.iter().zip(fields).zip(offsets) {
                    self.store(value, field, ptr + offset)?;
                }
            }
            _ => {
                let cases = ty.cases().ok_or_else(mismatch)?;
                let (index, payload) = case_of(val, ty).ok_or_else(mismatch)?;
                let disc_size = weft_wit::abi::Discriminant::for_cases(cases.len()).size();
                let bytes = (index as u32).to_le_bytes();
                put(self, &bytes[..disc_size as usize]);
                let payloads: Vec<_> = cases.iter().map(|(_, t)| t.map(Type::layout)).collect();
                let offset = weft_wit::abi::Layout::variant_payload_offset(
                    payloads.iter().map(Option::as_ref),
                )
                .map_err(|_| too_large(ptr, layout.size, memory_len))?;
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
            value: format!("{val:?}"),
        };
        match (val, ty) {
            (Val::String(s), Type::String) => {
                let len = u32::try_from(s.len()).map_err(|_| mismatch())?;
                let data = self.allocate("string", len, 1)?;
                self.memory()[data as usize..(data + len) as usize].copy_from_slice(s.as_bytes());
                Ok((data, len))
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
            LiftError::Realloc(format!("it returned {ptr:#x} for {size} bytes: {e}"))
        })?;
        Ok(ptr)
    }

    /// Lowers `val` of type `ty` to flat core values (bits in `u64`s).
    fn lower_flat(&mut self, val: &Val, ty: &Type, out: &mut Vec<u64>) -> Result<(), LiftError> {
        let mismatch = || LiftError::TypeMismatch {
            value: format!("{val:?}"),
        };
        match (val, ty) {
            (Val::Bool(v), Type::Bool) => out.push(u64::from(*v)),
            (Val::S8(v), Type::S8) => out.push(u64::from(*v as i32 as u32)),
            (Val::U8(v), Type::U8) => out.push(u64::from(*v)),
            (Val::S16(v), Type::S16) => out.push(u64::from(*v as i32 as u32)),
            (Val::U16(v), Type::U16) => out.push(u64::from(*v)),
            (Val::S32(v), Type::S32) => out.push(u64::from(*v as u32)),
            (Val::U32(v), Type::U32)
            | (Val::Own(v), Type::Own(_))
            | (Val::Borrow(v), Type::Borrow(_)) => out.push(u64::from(*v)),
            (Val::S64(v), Type::S64) => out.push(*v as u64),
            (Val::U64(v), Type::U64) => out.push(*v),
            (Val::F32(v), Type::F32) => out.push(u64::from(canonical_f32(*v).to_bits())),
            (Val::F64(v), Type::F64) => out.push(canonical_f64(*v).to_bits()),
            (Val::Char(c), Type::Char) => out.push(u64::from(u32::from(*c))),
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

//! Lifting: reading component values out of a component's linear memory
//! and flat core values, validating what a guest may get wrong.

use super::strings::{self, StringEncoding, StringRange};
use super::type_layout::TypeLayout;
use super::{canonical_f32, canonical_f64, checked, too_large, LiftError};
use crate::component::resources::Resource;
use crate::component::types::Type;
use crate::component::values::Val;

/// Turns the handles a guest passes into resources: the guest's handle
/// table, seen from the call that lifts them.
pub trait LiftHandles {
    /// Takes the own handle `handle` of the resource type in slot
    /// `resource` out of the table (`lift_own`).
    fn lift_own(&mut self, resource: u32, handle: u32) -> Result<Resource, LiftError>;
    /// Lends the handle `handle` of the resource type in slot `resource`
    /// for the duration of the call (`lift_borrow`).
    fn lift_borrow(&mut self, resource: u32, handle: u32) -> Result<Resource, LiftError>;
}

/// Reads component values out of linear memory and flat core values.
pub struct Lifter<'a> {
    memory: &'a [u8],
    encoding: StringEncoding,
    handles: Option<&'a mut dyn LiftHandles>,
    /// Where strings go that are checked but left in memory, to be copied
    /// straight into another component (`None`: strings are read).
    deferred: Option<&'a mut Vec<StringRange>>,
}

impl<'a> Lifter<'a> {
    /// A lifter over a component's linear memory, with UTF-8 strings and
    /// no handle table.
    pub fn new(memory: &'a [u8]) -> Lifter<'a> {
        Lifter {
            memory,
            encoding: StringEncoding::Utf8,
            handles: None,
            deferred: None,
        }
    }

    /// Reads strings in `encoding`.
    pub fn with_encoding(mut self, encoding: StringEncoding) -> Lifter<'a> {
        self.encoding = encoding;
        self
    }

    /// Resolves handles through `handles`.
    pub fn with_handles(mut self, handles: &'a mut dyn LiftHandles) -> Lifter<'a> {
        self.handles = Some(handles);
        self
    }

    /// Leaves strings in memory: each is checked (bounds, alignment,
    /// length) and its range added to `ranges`, in the order lifting meets
    /// them, and lifts as an empty string. For a call into another
    /// component, whose lowering copies each range straight across, as
    /// the canonical ABI's strings carry their source encoding.
    pub(crate) fn with_deferred_strings(mut self, ranges: &'a mut Vec<StringRange>) -> Lifter<'a> {
        self.deferred = Some(ranges);
        self
    }

    /// The component's linear memory.
    pub fn memory(&self) -> &'a [u8] {
        self.memory
    }

    /// How the component encodes strings.
    pub fn encoding(&self) -> StringEncoding {
        self.encoding
    }

    /// The resource behind `handle`, passed as `ty` (`own` or `borrow`).
    pub fn lift_handle(&mut self, ty: &Type, handle: u32) -> Result<Resource, LiftError> {
        match self.handle(ty, handle)? {
            Val::Own(resource) | Val::Borrow(resource) => Ok(resource),
            _ => unreachable!("handles lift as resources"),
        }
    }

    fn bytes<const N: usize>(&self, at: usize) -> [u8; N] {
        self.memory[at..at + N].try_into().expect("bounds checked")
    }

    fn handle(&mut self, ty: &Type, handle: u32) -> Result<Val, LiftError> {
        let handles = self
            .handles
            .as_deref_mut()
            .ok_or_else(|| LiftError::Handle(format!("handle {handle} with no handle table")))?;
        Ok(match ty {
            Type::Own(resource) => Val::Own(handles.lift_own(*resource, handle)?),
            Type::Borrow(resource) => Val::Borrow(handles.lift_borrow(*resource, handle)?),
            other => {
                return Err(LiftError::TypeMismatch {
                    value: format!("handle {handle} lifted as {other}"),
                })
            }
        })
    }

    /// Loads a value of type `ty` stored at `ptr` (`load` in the spec).
    pub fn load(&mut self, ty: &Type, ptr: u32) -> Result<Val, LiftError> {
        let layout = ty.layout();
        let memory_len = self.memory.len();
        let at = checked(
            "value",
            ptr,
            u64::from(layout.size),
            layout.align,
            memory_len,
        )?;
        let laid_out = TypeLayout::of(ty).ok_or_else(|| too_large(ptr, layout.size, memory_len))?;
        self.load_laid_out(&laid_out, at)
    }

    /// Loads a value of the type `laid_out` lays out at offset `at`, which
    /// is aligned and in bounds for the whole value (so for every part).
    fn load_laid_out(&mut self, laid_out: &TypeLayout<'_>, at: usize) -> Result<Val, LiftError> {
        let ty = laid_out.ty;
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
            Type::Own(_) | Type::Borrow(_) => {
                let handle = u32::from_le_bytes(self.bytes(at));
                self.handle(ty, handle)?
            }
            Type::String | Type::List(_) => {
                let data = u32::from_le_bytes(self.bytes(at));
                let len = u32::from_le_bytes(self.bytes(at + 4));
                self.sequence(ty, data, len)?
            }
            Type::Flags(names) => {
                let bits = match laid_out.layout.size {
                    0 => 0,
                    1 => u64::from(self.memory[at]),
                    2 => u64::from(u16::from_le_bytes(self.bytes(at))),
                    4 => u64::from(u32::from_le_bytes(self.bytes(at))),
                    _ => u64::from_le_bytes(self.bytes(at)),
                };
                flags_from_bits(names, bits)
            }
            Type::Record(names) => {
                // The named fields made at once (not values, then pairs).
                let mut fields = Vec::with_capacity(names.len());
                for ((name, _), (field, offset)) in names.iter().zip(laid_out.fields()) {
                    let value = self.load_laid_out(field, at + offset as usize)?;
                    fields.push((name.clone(), value));
                }
                Val::Record(fields)
            }
            Type::Tuple(_) => {
                let mut values = Vec::with_capacity(laid_out.parts.len());
                for (field, offset) in laid_out.fields() {
                    values.push(self.load_laid_out(field, at + offset as usize)?);
                }
                Val::Tuple(values)
            }
            _ => {
                let value = match laid_out.discriminant {
                    1 => u32::from(self.memory[at]),
                    2 => u32::from(u16::from_le_bytes(self.bytes(at))),
                    _ => u32::from_le_bytes(self.bytes(at)),
                };
                let case =
                    laid_out
                        .parts
                        .get(value as usize)
                        .ok_or(LiftError::BadDiscriminant {
                            value,
                            cases: laid_out.parts.len(),
                        })?;
                let payload = match case {
                    Some(payload) => {
                        let offset = at + laid_out.payload_offset() as usize;
                        Some(self.load_laid_out(payload, offset)?)
                    }
                    None => None,
                };
                case_value(ty, value as usize, payload)
            }
        })
    }

    /// A string or list whose elements are at `data`.
    fn sequence(&mut self, ty: &Type, data: u32, len: u32) -> Result<Val, LiftError> {
        match ty {
            Type::String => match self.deferred.as_deref_mut() {
                Some(ranges) => {
                    let range = StringRange {
                        ptr: data,
                        tagged_len: len,
                        encoding: self.encoding,
                    };
                    range.check(self.memory.len())?;
                    ranges.push(range);
                    Ok(Val::String(String::new()))
                }
                None => Ok(Val::String(strings::load(
                    self.memory,
                    self.encoding,
                    data,
                    len,
                )?)),
            },
            Type::List(element) => {
                let memory_len = self.memory.len();
                let laid_out = TypeLayout::of(element)
                    .ok_or_else(|| too_large(data, element.layout().size, memory_len))?;
                let size = laid_out.layout.size;
                let bytes = u64::from(len) * u64::from(size);
                let start = checked("list", data, bytes, laid_out.layout.align, memory_len)?;
                let mut items = Vec::new();
                items
                    .try_reserve_exact(len as usize)
                    .map_err(|_| LiftError::TooManyElements { len })?;
                for i in 0..len as usize {
                    items.push(self.load_laid_out(&laid_out, start + i * size as usize)?);
                }
                Ok(Val::List(items))
            }
            _ => unreachable!("only strings and lists are sequences"),
        }
    }

    /// Lifts a value of type `ty` from flat core values (each as its bits
    /// in a `u64`; 32-bit values in the low half), consuming exactly the
    /// type's flat count.
    pub fn lift_flat(
        &mut self,
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
            Type::Own(_) | Type::Borrow(_) => {
                let handle = next()? as u32;
                self.handle(ty, handle)?
            }
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
                let payload_ty = case_payload(&cases, value)?;
                let payload = match payload_ty {
                    Some(t) => Some(self.lift_flat(t, &mut payload_bits.into_iter())?),
                    None => None,
                };
                case_value(ty, value as usize, payload)
            }
        })
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
        Type::Own(_) | Type::Borrow(_) => "handle",
        _ => "scalar",
    }
}

/// The payload type of case `value`, which must exist.
fn case_payload<'t>(
    cases: &[(&str, Option<&'t Type>)],
    value: u32,
) -> Result<Option<&'t Type>, LiftError> {
    cases
        .get(value as usize)
        .map(|(_, payload)| *payload)
        .ok_or(LiftError::BadDiscriminant {
            value,
            cases: cases.len(),
        })
}

fn to_char(value: u32) -> Result<char, LiftError> {
    char::from_u32(value).ok_or(LiftError::BadChar { value })
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

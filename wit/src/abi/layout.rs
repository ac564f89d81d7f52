//! Size, alignment and flat types of component values: the arithmetic of
//! CanonicalABI.md's `alignment`, `elem_size` and `flatten_type`, as
//! combinators over the layouts of a type's parts.
//!
//! Nothing here knows where types come from: [`super::AbiTable`] drives these
//! functions over a WIT `Resolve`, and a runtime may drive them over the
//! types of a component binary.

use super::flat::{Flat, FlatType};

/// Where a value of some type sits in linear memory, and what it flattens to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Layout {
    /// Bytes the value occupies in memory (`elem_size`), a multiple of `align`.
    pub size: u32,
    /// Required alignment in bytes (`alignment`): 1, 2, 4 or 8.
    pub align: u32,
    /// The core values it flattens to when passed on the stack.
    pub flat: Flat,
}

/// How a variant stores its case index (`discriminant_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Discriminant {
    /// Up to 256 cases.
    U8,
    /// Up to 65 536 cases.
    U16,
    /// More cases.
    U32,
}

impl Discriminant {
    /// The narrowest discriminant that can number `case_count` cases.
    pub fn for_cases(case_count: usize) -> Discriminant {
        match case_count {
            0..=0x100 => Discriminant::U8,
            0x101..=0x1_0000 => Discriminant::U16,
            _ => Discriminant::U32,
        }
    }

    /// Size (and alignment) in bytes.
    pub fn size(self) -> u32 {
        match self {
            Discriminant::U8 => 1,
            Discriminant::U16 => 2,
            Discriminant::U32 => 4,
        }
    }
}

/// Flags types with at most this many members are valid in the current
/// Component Model; larger ones are laid out in 32-bit words, as before the
/// limit was introduced (wasmparser's `cm-more-flags` feature).
pub const MAX_FLAGS: usize = 32;

/// How many 32-bit words a flags type of `member_count` members occupies
/// when it is wider than 16 members (`num_i32_flags`).
pub fn flag_word_count(member_count: usize) -> usize {
    member_count.div_ceil(32)
}

/// A size or offset passed `u32::MAX`: the value cannot live in a 32-bit
/// linear memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("value size overflows 32 bits")]
pub struct SizeOverflow;

/// Rounds `offset` up to a multiple of `align` (`align_to`).
pub fn align_to(offset: u32, align: u32) -> Result<u32, SizeOverflow> {
    offset.checked_next_multiple_of(align).ok_or(SizeOverflow)
}

impl Layout {
    /// `bool`, `u8` and `s8`.
    pub const BYTE: Layout = Layout::scalar(1, FlatType::I32);
    /// `u16` and `s16`.
    pub const HALF: Layout = Layout::scalar(2, FlatType::I32);
    /// `u32`, `s32`, `char`, resource handles and other 32-bit handles.
    pub const WORD: Layout = Layout::scalar(4, FlatType::I32);
    /// `u64` and `s64`.
    pub const DOUBLE_WORD: Layout = Layout::scalar(8, FlatType::I64);
    /// `f32`.
    pub const F32: Layout = Layout::scalar(4, FlatType::F32);
    /// `f64`.
    pub const F64: Layout = Layout::scalar(8, FlatType::F64);
    /// `string` and `list<T>`: a pointer and a length, both `i32`.
    pub const POINTER_PAIR: Layout = Layout {
        size: 8,
        align: 4,
        flat: Flat::POINTER_PAIR,
    };

    const fn scalar(size: u32, flat: FlatType) -> Layout {
        Layout {
            size,
            align: size,
            flat: Flat::one(flat),
        }
    }

    /// A record (or tuple) whose fields have the given layouts, in order.
    pub fn record<'a>(
        fields: impl IntoIterator<Item = &'a Layout>,
    ) -> Result<Layout, SizeOverflow> {
        let mut size = 0u32;
        let mut align = 1u32;
        let mut flat = Flat::EMPTY;
        for field in fields {
            size = align_to(size, field.align)?
                .checked_add(field.size)
                .ok_or(SizeOverflow)?;
            align = align.max(field.align);
            flat.extend(&field.flat);
        }
        Ok(Layout {
            size: align_to(size, align)?,
            align,
            flat,
        })
    }

    /// Byte offsets of each field of a record with the given field layouts.
    pub fn field_offsets<'a>(
        fields: impl IntoIterator<Item = &'a Layout>,
    ) -> Result<Vec<u32>, SizeOverflow> {
        let mut offset = 0u32;
        fields
            .into_iter()
            .map(|field| {
                let start = align_to(offset, field.align)?;
                offset = start.checked_add(field.size).ok_or(SizeOverflow)?;
                Ok(start)
            })
            .collect()
    }

    /// A variant whose cases carry payloads with the given layouts (`None`
    /// for a case without payload). Enums, options and results are variants
    /// once despecialized.
    pub fn variant<'a>(
        cases: impl ExactSizeIterator<Item = Option<&'a Layout>> + Clone,
    ) -> Result<Layout, SizeOverflow> {
        let discriminant = Discriminant::for_cases(cases.len());
        let payload_align = Self::max_case_align(cases.clone());
        let mut payload_size = 0u32;
        let mut payload_flat = Flat::EMPTY;
        for case in cases.flatten() {
            payload_size = payload_size.max(case.size);
            payload_flat.join_case(&case.flat);
        }
        let align = discriminant.size().max(payload_align);
        let size = align_to(discriminant.size(), payload_align)?
            .checked_add(payload_size)
            .ok_or(SizeOverflow)?;
        let mut flat = Flat::one(FlatType::I32);
        flat.extend(&payload_flat);
        Ok(Layout {
            size: align_to(size, align)?,
            align,
            flat,
        })
    }

    /// Byte offset of a variant's payload: after the discriminant, aligned
    /// to the most aligned case.
    pub fn variant_payload_offset<'a>(
        cases: impl ExactSizeIterator<Item = Option<&'a Layout>> + Clone,
    ) -> Result<u32, SizeOverflow> {
        let discriminant = Discriminant::for_cases(cases.len());
        align_to(discriminant.size(), Self::max_case_align(cases))
    }

    fn max_case_align<'a>(cases: impl Iterator<Item = Option<&'a Layout>>) -> u32 {
        cases.flatten().map(|c| c.align).max().unwrap_or(1)
    }

    /// A flags type with `member_count` members: one byte up to 8, two up to
    /// 16, then 32-bit words (a single word in the current Component Model,
    /// which allows at most [`MAX_FLAGS`]; more in the older layout).
    pub fn flags(member_count: usize) -> Layout {
        match member_count {
            0 => Layout {
                size: 0,
                align: 1,
                flat: Flat::EMPTY,
            },
            1..=8 => Layout::BYTE,
            9..=16 => Layout::HALF,
            n => {
                let words = flag_word_count(n);
                Layout {
                    // At most `usize::MAX / 32` words: `n` members are named,
                    // so this fits in `u32` for any type that exists.
                    size: u32::try_from(words * 4).unwrap_or(u32::MAX),
                    align: 4,
                    flat: Flat::from_types(std::iter::repeat_n(FlatType::I32, words)),
                }
            }
        }
    }

    /// A fixed-length list `list<T, N>`: `N` elements inline, flattened as
    /// `N` copies of the element.
    pub fn fixed_list(element: &Layout, length: u32) -> Result<Layout, SizeOverflow> {
        let size = element.size.checked_mul(length).ok_or(SizeOverflow)?;
        let mut flat = Flat::EMPTY;
        for _ in 0..length {
            flat.extend(&element.flat);
            if flat.count().is_none() {
                break;
            }
        }
        Ok(Layout {
            size,
            align: element.align,
            flat,
        })
    }
}

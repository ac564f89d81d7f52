//! A type's memory layout worked out once, bottom-up: its size and
//! alignment, and for records and variants the layout and offset of every
//! part. Loading or storing a value walks this tree instead of
//! recomputing layouts at every level, and a list's elements share one.

use weft_wit::abi::{Discriminant, Layout};

use crate::component::types::Type;

/// A type with its layout and its parts' layouts and offsets.
pub(crate) struct TypeLayout<'t> {
    /// The type.
    pub ty: &'t Type,
    /// Its size, alignment and flat types.
    pub layout: Layout,
    /// Records and tuples: the fields. Variants (and enums, options,
    /// results): each case's payload, if it has one. Others: none.
    pub parts: Vec<Option<TypeLayout<'t>>>,
    /// Records and tuples: each field's offset. Variants: the payload's.
    pub offsets: Vec<u32>,
    /// Variants: the size of the discriminant in bytes.
    pub discriminant: u32,
}

impl<'t> TypeLayout<'t> {
    /// `ty` laid out, or `None` for a type too large for a 32-bit
    /// memory.
    pub(crate) fn of(ty: &'t Type) -> Option<TypeLayout<'t>> {
        if let Some(fields) = ty.fields() {
            let parts = fields
                .into_iter()
                .map(TypeLayout::of)
                .collect::<Option<Vec<_>>>()?;
            let layouts = || parts.iter().map(|p| &p.layout);
            let layout = Layout::record(layouts()).ok()?;
            let offsets = Layout::field_offsets(layouts()).ok()?;
            return Some(TypeLayout {
                ty,
                layout,
                parts: parts.into_iter().map(Some).collect(),
                offsets,
                discriminant: 0,
            });
        }
        if let Some(cases) = ty.cases() {
            let parts = cases
                .iter()
                .map(|(_, payload)| {
                    payload
                        .map(TypeLayout::of)
                        .map_or(Some(None), |s| s.map(Some))
                })
                .collect::<Option<Vec<_>>>()?;
            let layouts = || parts.iter().map(|p| p.as_ref().map(|s| &s.layout));
            let layout = Layout::variant(layouts()).ok()?;
            let payload = Layout::variant_payload_offset(layouts()).ok()?;
            return Some(TypeLayout {
                ty,
                layout,
                parts,
                offsets: vec![payload],
                discriminant: Discriminant::for_cases(cases.len()).size(),
            });
        }
        Some(TypeLayout {
            ty,
            layout: ty.layout(),
            parts: Vec::new(),
            offsets: Vec::new(),
            discriminant: 0,
        })
    }

    /// The record's fields, with their offsets.
    pub(crate) fn fields(&self) -> impl Iterator<Item = (&TypeLayout<'t>, u32)> + '_ {
        self.parts
            .iter()
            .flatten()
            .zip(self.offsets.iter().copied())
    }

    /// The offset of a variant's payload.
    pub(crate) fn payload_offset(&self) -> u32 {
        self.offsets[0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trees_agree_with_type_layouts() {
        let ty = Type::Record(vec![
            ("a".into(), Type::U8),
            (
                "b".into(),
                Type::Result {
                    ok: Some(Box::new(Type::U64)),
                    err: None,
                },
            ),
            ("c".into(), Type::Tuple(vec![Type::U16, Type::String])),
        ]);
        let laid_out = TypeLayout::of(&ty).unwrap();
        assert_eq!(laid_out.layout, ty.layout());
        assert_eq!(laid_out.offsets, [0, 8, 24]);
        let result = laid_out.parts[1].as_ref().unwrap();
        assert_eq!((result.discriminant, result.payload_offset()), (1, 8));
        assert!(result.parts[1].is_none(), "error has no payload");
        let fields: Vec<u32> = laid_out.fields().map(|(_, offset)| offset).collect();
        assert_eq!(fields, [0, 8, 24]);
    }
}

//! Component value types, and their canonical ABI layout.

use weft_wit::abi::{Flat, Layout};

/// The type of a component value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    /// `bool`.
    Bool,
    /// `s8`.
    S8,
    /// `u8`.
    U8,
    /// `s16`.
    S16,
    /// `u16`.
    U16,
    /// `s32`.
    S32,
    /// `u32`.
    U32,
    /// `s64`.
    S64,
    /// `u64`.
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `char`: a Unicode scalar value.
    Char,
    /// `string`.
    String,
    /// `list<T>`.
    List(Box<Type>),
    /// `record { name: T, ... }`.
    Record(Vec<(String, Type)>),
    /// `tuple<T, ...>`.
    Tuple(Vec<Type>),
    /// `variant { case(T), case, ... }`.
    Variant(Vec<(String, Option<Type>)>),
    /// `enum { case, ... }`.
    Enum(Vec<String>),
    /// `option<T>`.
    Option(Box<Type>),
    /// `result<T, E>`, either side possibly absent.
    Result {
        /// The success payload.
        ok: Option<Box<Type>>,
        /// The error payload.
        err: Option<Box<Type>>,
    },
    /// `flags { name, ... }`.
    Flags(Vec<String>),
    /// `own<R>`: a handle, by resource type index.
    Own(u32),
    /// `borrow<R>`.
    Borrow(u32),
}

impl Type {
    /// The cases of a type that despecializes to a variant, with their
    /// payloads (`none`/`some`, `ok`/`error`, enum cases).
    pub(crate) fn cases(&self) -> Option<Vec<(&str, Option<&Type>)>> {
        Some(match self {
            Type::Variant(cases) => cases
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_ref()))
                .collect(),
            Type::Enum(cases) => cases.iter().map(|n| (n.as_str(), None)).collect(),
            Type::Option(t) => vec![("none", None), ("some", Some(&**t))],
            Type::Result { ok, err } => vec![("ok", ok.as_deref()), ("error", err.as_deref())],
            _ => return None,
        })
    }

    /// The field types of a type that despecializes to a record.
    pub(crate) fn fields(&self) -> Option<Vec<&Type>> {
        match self {
            Type::Record(fields) => Some(fields.iter().map(|(_, t)| t).collect()),
            Type::Tuple(types) => Some(types.iter().collect()),
            _ => None,
        }
    }

    /// Size, alignment and flat types in the canonical ABI.
    pub fn layout(&self) -> Layout {
        match self {
            Type::Bool | Type::S8 | Type::U8 => Layout::BYTE,
            Type::S16 | Type::U16 => Layout::HALF,
            Type::S32 | Type::U32 | Type::Char | Type::Own(_) | Type::Borrow(_) => Layout::WORD,
            Type::S64 | Type::U64 => Layout::DOUBLE_WORD,
            Type::F32 => Layout::F32,
            Type::F64 => Layout::F64,
            Type::String | Type::List(_) => Layout::POINTER_PAIR,
            Type::Flags(names) => Layout::flags(names.len()),
            Type::Record(_) | Type::Tuple(_) => {
                let fields: Vec<Layout> = self
                    .fields()
                    .unwrap_or_default()
                    .into_iter()
                    .map(Type::layout)
                    .collect();
                Layout::record(&fields).unwrap_or(OVERSIZED)
            }
            _ => {
                let cases = self.cases().unwrap_or_default();
                let payloads: Vec<Option<Layout>> =
                    cases.iter().map(|(_, t)| t.map(Type::layout)).collect();
                Layout::variant(payloads.iter().map(Option::as_ref)).unwrap_or(OVERSIZED)
            }
        }
    }
}

/// The layout of a type too large for a 32-bit memory: any access to it is
/// out of bounds.
const OVERSIZED: Layout = Layout {
    size: u32::MAX,
    align: 8,
    flat: Flat::TOO_MANY,
};

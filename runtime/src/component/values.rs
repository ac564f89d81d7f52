//! Component values.

use super::types::Type;

/// A component value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// `bool`.
    Bool(bool),
    /// `s8`.
    S8(i8),
    /// `u8`.
    U8(u8),
    /// `s16`.
    S16(i16),
    /// `u16`.
    U16(u16),
    /// `s32`.
    S32(i32),
    /// `u32`.
    U32(u32),
    /// `s64`.
    S64(i64),
    /// `u64`.
    U64(u64),
    /// `f32`.
    F32(f32),
    /// `f64`.
    F64(f64),
    /// `char`.
    Char(char),
    /// `string`.
    String(String),
    /// `list<T>`.
    List(Vec<Val>),
    /// A record's fields, by name, in order.
    Record(Vec<(String, Val)>),
    /// A tuple's elements.
    Tuple(Vec<Val>),
    /// A variant case and its payload.
    Variant(String, Option<Box<Val>>),
    /// An enum case.
    Enum(String),
    /// `option<T>`.
    Option(Option<Box<Val>>),
    /// `result<T, E>`.
    Result(Result<Option<Box<Val>>, Option<Box<Val>>>),
    /// The names of the flags that are set.
    Flags(Vec<String>),
    /// An owned resource.
    Own(super::resources::Resource),
    /// A borrowed resource (valid for the call it is passed to).
    Borrow(super::resources::Resource),
}

/// For a type whose values are told apart by their variant alone (the
/// scalars and `string`), a value of it.
fn scalar_sample(ty: &Type) -> Option<Val> {
    Some(match ty {
        Type::Bool => Val::Bool(false),
        Type::S8 => Val::S8(0),
        Type::U8 => Val::U8(0),
        Type::S16 => Val::S16(0),
        Type::U16 => Val::U16(0),
        Type::S32 => Val::S32(0),
        Type::U32 => Val::U32(0),
        Type::S64 => Val::S64(0),
        Type::U64 => Val::U64(0),
        Type::F32 => Val::F32(0.0),
        Type::F64 => Val::F64(0.0),
        Type::Char => Val::Char('\0'),
        Type::String => Val::String(String::new()),
        _ => return None,
    })
}

impl Val {
    /// Whether the value has type `ty`.
    pub fn has_type(&self, ty: &Type) -> bool {
        match (self, ty) {
            (Val::Bool(_), Type::Bool)
            | (Val::S8(_), Type::S8)
            | (Val::U8(_), Type::U8)
            | (Val::S16(_), Type::S16)
            | (Val::U16(_), Type::U16)
            | (Val::S32(_), Type::S32)
            | (Val::U32(_), Type::U32)
            | (Val::S64(_), Type::S64)
            | (Val::U64(_), Type::U64)
            | (Val::F32(_), Type::F32)
            | (Val::F64(_), Type::F64)
            | (Val::Char(_), Type::Char)
            | (Val::String(_), Type::String)
            | (Val::Own(_), Type::Own(_))
            | (Val::Borrow(_), Type::Borrow(_)) => true,
            (Val::List(items), Type::List(t)) => match scalar_sample(t) {
                // A list of scalars: one tag compare per item, not a call.
                Some(sample) => {
                    let tag = std::mem::discriminant(&sample);
                    items.iter().all(|v| std::mem::discriminant(v) == tag)
                }
                None => items.iter().all(|v| v.has_type(t)),
            },
            (Val::Record(fields), Type::Record(types)) => {
                fields.len() == types.len()
                    && fields
                        .iter()
                        .zip(types)
                        .all(|((n, v), (m, t))| n == m && v.has_type(t))
            }
            (Val::Tuple(items), Type::Tuple(types)) => {
                items.len() == types.len() && items.iter().zip(types).all(|(v, t)| v.has_type(t))
            }
            (Val::Variant(name, payload), Type::Variant(cases)) => cases.iter().any(|(case, t)| {
                case == name
                    && match (payload, t) {
                        (None, None) => true,
                        (Some(v), Some(t)) => v.has_type(t),
                        _ => false,
                    }
            }),
            (Val::Enum(name), Type::Enum(cases)) => cases.contains(name),
            (Val::Option(v), Type::Option(t)) => v.as_ref().is_none_or(|v| v.has_type(t)),
            (Val::Result(r), Type::Result { ok, err }) => {
                let (v, t) = match r {
                    Ok(v) => (v, ok),
                    Err(v) => (v, err),
                };
                match (v, t) {
                    (None, None) => true,
                    (Some(v), Some(t)) => v.has_type(t),
                    _ => false,
                }
            }
            (Val::Flags(set), Type::Flags(names)) => set.iter().all(|f| names.contains(f)),
            _ => false,
        }
    }
}

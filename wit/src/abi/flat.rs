//! Core WebAssembly value types that component values flatten to.

use std::fmt;

/// The most core parameters a lifted or lowered function takes before its
/// parameters are passed through linear memory instead (`MAX_FLAT_PARAMS`).
pub const MAX_FLAT_PARAMS: usize = 16;

/// The most core results a function returns before its results are passed
/// through linear memory instead (`MAX_FLAT_RESULTS`).
pub const MAX_FLAT_RESULTS: usize = 1;

/// A core WebAssembly value type, as component values flatten to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlatType {
    /// `i32`: booleans, integers up to 32 bits, chars, pointers, lengths,
    /// handles, discriminants and flag words.
    I32,
    /// `i64`: 64-bit integers, and variant payload slots whose cases disagree.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
}

impl FlatType {
    /// The type one flat slot of a variant takes when two cases put `self`
    /// and `other` there (`join` in CanonicalABI.md): equal types stay, an
    /// `i32`/`f32` pair shares an `i32`, anything else widens to `i64`.
    pub fn join(self, other: FlatType) -> FlatType {
        match (self, other) {
            (a, b) if a == b => a,
            (FlatType::I32, FlatType::F32) | (FlatType::F32, FlatType::I32) => FlatType::I32,
            _ => FlatType::I64,
        }
    }
}

impl fmt::Display for FlatType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FlatType::I32 => "i32",
            FlatType::I64 => "i64",
            FlatType::F32 => "f32",
            FlatType::F64 => "f64",
        })
    }
}

/// The flat core types of one component value, or the fact that there are
/// more than [`MAX_FLAT_PARAMS`] of them.
///
/// Past that count a value is always passed through memory, so the exact
/// list is never needed; capping keeps the type `Copy` and bounded even for
/// `list<u64, 1000000>`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Flat {
    /// Number of valid entries in `types`, or `OVERFLOW`.
    len: u8,
    types: [FlatType; MAX_FLAT_PARAMS],
}

const OVERFLOW: u8 = u8::MAX;

impl Flat {
    /// No core values at all (an empty flags type, for instance).
    pub const EMPTY: Flat = Flat {
        len: 0,
        types: [FlatType::I32; MAX_FLAT_PARAMS],
    };

    /// More core values than [`MAX_FLAT_PARAMS`].
    pub const TOO_MANY: Flat = Flat {
        len: OVERFLOW,
        types: [FlatType::I32; MAX_FLAT_PARAMS],
    };

    /// Two `i32`s: a pointer and a length.
    pub const POINTER_PAIR: Flat = Flat {
        len: 2,
        types: [FlatType::I32; MAX_FLAT_PARAMS],
    };

    /// A single core value.
    pub const fn one(ty: FlatType) -> Flat {
        let mut types = [FlatType::I32; MAX_FLAT_PARAMS];
        types[0] = ty;
        Flat { len: 1, types }
    }

    /// Builds the flat list from core types, capping past [`MAX_FLAT_PARAMS`].
    pub fn from_types(types: impl IntoIterator<Item = FlatType>) -> Flat {
        let mut flat = Flat::EMPTY;
        for ty in types {
            flat.push(ty);
        }
        flat
    }

    /// The core types, or `None` if there are more than [`MAX_FLAT_PARAMS`].
    pub fn types(&self) -> Option<&[FlatType]> {
        (self.len != OVERFLOW).then(|| &self.types[..usize::from(self.len)])
    }

    /// The number of core values, or `None` past [`MAX_FLAT_PARAMS`].
    pub fn count(&self) -> Option<usize> {
        self.types().map(<[FlatType]>::len)
    }

    /// Appends one core type.
    pub fn push(&mut self, ty: FlatType) {
        match self.len {
            OVERFLOW => {}
            n if usize::from(n) == MAX_FLAT_PARAMS => self.len = OVERFLOW,
            n => {
                self.types[usize::from(n)] = ty;
                self.len = n + 1;
            }
        }
    }

    /// Appends all of `other` (record fields flatten by concatenation).
    pub fn extend(&mut self, other: &Flat) {
        match other.types() {
            Some(types) => types.iter().for_each(|&ty| self.push(ty)),
            None => self.len = OVERFLOW,
        }
    }

    /// Merges one variant case's payload into the payload slots: slot `i`
    /// becomes the [`FlatType::join`] of both, and a longer case adds slots.
    pub fn join_case(&mut self, case: &Flat) {
        let (Some(existing), Some(case)) = (self.count(), case.types()) else {
            self.len = OVERFLOW;
            return;
        };
        for (i, &ty) in case.iter().enumerate() {
            if i < existing {
                self.types[i] = self.types[i].join(ty);
            } else {
                self.push(ty);
            }
        }
    }
}

impl fmt::Debug for Flat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.types() {
            Some(types) => f.debug_list().entries(types).finish(),
            None => write!(f, "[more than {MAX_FLAT_PARAMS}]"),
        }
    }
}

impl fmt::Display for Flat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(types) = self.types() else {
            return write!(f, "(more than {MAX_FLAT_PARAMS} core values)");
        };
        f.write_str("[")?;
        for (i, ty) in types.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{ty}")?;
        }
        f.write_str("]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FlatType::*;

    #[test]
    fn join_follows_the_spec() {
        assert_eq!(I32.join(I32), I32);
        assert_eq!(I32.join(F32), I32);
        assert_eq!(F32.join(I32), I32);
        assert_eq!(F32.join(F32), F32);
        assert_eq!(F32.join(F64), I64);
        assert_eq!(I32.join(I64), I64);
        assert_eq!(F64.join(F64), F64);
        assert_eq!(I64.join(F64), I64);
    }

    #[test]
    fn push_caps_at_max_flat_params() {
        let mut flat = Flat::from_types(std::iter::repeat_n(I32, MAX_FLAT_PARAMS));
        assert_eq!(flat.count(), Some(MAX_FLAT_PARAMS));
        flat.push(I64);
        assert_eq!(flat.count(), None);
        flat.push(I64);
        assert_eq!(flat, Flat::TOO_MANY);
    }

    #[test]
    fn join_case_widens_and_extends() {
        let mut slots = Flat::from_types([F32, I64]);
        slots.join_case(&Flat::from_types([I32, I64, F64]));
        assert_eq!(slots.types(), Some(&[I32, I64, F64][..]));
        slots.join_case(&Flat::TOO_MANY);
        assert_eq!(slots.count(), None);
    }
}

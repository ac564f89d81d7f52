//! The canonical ABI for component values: lifting values out of a
//! component's linear memory or flat core values (validating everything a
//! guest may get wrong) and lowering values into them, per CanonicalABI.md.

mod lift;
mod lower;
pub(crate) mod strings;
pub(crate) mod transcode;
mod type_layout;

pub use lift::{LiftHandles, Lifter};
pub(crate) use lower::store_host_string;
pub use lower::Lowerer;
pub use strings::StringEncoding;

use super::values::Val;

/// Why a value could not be lifted from, or lowered into, a component.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LiftError {
    /// A value, string or list lies (partly) outside linear memory.
    #[error("{what} content out-of-bounds: {what} at {ptr:#x} of {len} bytes lies outside linear memory of {memory} bytes")]
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
    #[error("unaligned pointer: {what} at {ptr:#x} is not aligned to {align} bytes")]
    Misaligned {
        /// What was being read or written.
        what: &'static str,
        /// Its address.
        ptr: u32,
        /// The alignment required.
        align: u32,
    },
    /// A string's bytes are not UTF-8.
    #[error("invalid utf-8: the string at {ptr:#x} of {len} bytes is not valid UTF-8 (at byte {valid_up_to})")]
    InvalidUtf8 {
        /// The string's address.
        ptr: u32,
        /// Its length.
        len: u32,
        /// Bytes before the first invalid one.
        valid_up_to: usize,
    },
    /// A UTF-16 string holds an unpaired surrogate.
    #[error("invalid utf-16: the string at {ptr:#x} holds the unpaired surrogate {unit:#x}")]
    InvalidUtf16 {
        /// The string's address.
        ptr: u32,
        /// The unpaired surrogate.
        unit: u16,
    },
    /// A string longer than the canonical ABI allows (2^31 - 1 bytes).
    #[error("string content out-of-bounds: a string of {bytes} bytes (at {ptr:#x}) is longer than the canonical ABI allows")]
    StringTooLong {
        /// The string's address.
        ptr: u32,
        /// Its length in bytes.
        bytes: u64,
    },
    /// A list with more elements than the host can hold as values (only
    /// lists of zero-sized elements can be that long in a 32-bit memory).
    #[error("list of {len} elements is too long to lift")]
    TooManyElements {
        /// Its length.
        len: u32,
    },
    /// A variant, enum, option or result discriminant names no case.
    #[error("invalid variant discriminant: discriminant {value} out of range [0..{cases})")]
    BadDiscriminant {
        /// The discriminant read.
        value: u32,
        /// How many cases the type has.
        cases: usize,
    },
    /// A `char` that is not a Unicode scalar value.
    #[error("invalid `char` bit pattern: {value:#x} is not a Unicode scalar value")]
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
    #[error("realloc return: {0}")]
    Realloc(String),
    /// A resource handle is unknown, dead, of another type, or may not be
    /// used this way.
    #[error("{0}")]
    Handle(String),
    /// The component trapped while a value was being moved (in its
    /// `realloc`, for instance).
    #[error("{0}")]
    Trap(String),
    /// A host moving values itself (the raw call API) went against the
    /// function's core signature: more flat values than it has, flat
    /// values where they go through memory, or the reverse.
    #[error("raw call: {0}")]
    Signature(String),
}

/// Checks that `len` bytes at `ptr`, aligned to `align`, lie in a memory
/// of `memory` bytes, returning the offset.
pub(crate) fn checked(
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

/// The error for a value whose type is too large for a 32-bit memory.
fn too_large(ptr: u32, size: u32, memory: usize) -> LiftError {
    LiftError::OutOfBounds {
        what: "value",
        ptr: u64::from(ptr),
        len: u64::from(size),
        memory,
    }
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

/// A value's printed form for error messages, cut short.
fn describe(val: &Val) -> String {
    let mut text = format!("{val:?}");
    if text.len() > 80 {
        let mut end = 77;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str("...");
    }
    text
}

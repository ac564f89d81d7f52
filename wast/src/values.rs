//! Values: script arguments to weft's [`Val`], and values as text for
//! failure messages.

use wast::core::{AbstractHeapType, HeapType, WastArgCore};
use wast::WastArg;
use weft_runtime::Val;

use crate::error::Failed;

/// The two reference hierarchies of core WebAssembly 2.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefKind {
    /// `funcref` (and its bottom type `nofunc`).
    Func,
    /// `externref` (and its bottom type `noextern`).
    Extern,
}

/// Which hierarchy a heap type of `ref.null` belongs to, if it is one of
/// core 2.0's.
pub(crate) fn ref_kind(heap: &HeapType<'_>) -> Option<RefKind> {
    match heap {
        HeapType::Abstract {
            shared: false,
            ty: AbstractHeapType::Func | AbstractHeapType::NoFunc,
        } => Some(RefKind::Func),
        HeapType::Abstract {
            shared: false,
            ty: AbstractHeapType::Extern | AbstractHeapType::NoExtern,
        } => Some(RefKind::Extern),
        _ => None,
    }
}

/// The value of an `invoke` argument.
pub(crate) fn arg_to_val(arg: &WastArg<'_>) -> Result<Val, Failed> {
    let WastArg::Core(arg) = arg else {
        return Err(Failed::Unsupported(
            "a component-model value as an argument".to_string(),
        ));
    };
    Ok(match arg {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(v.bits),
        WastArgCore::F64(v) => Val::F64(v.bits),
        WastArgCore::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes())),
        WastArgCore::RefNull(heap) => match ref_kind(heap) {
            Some(RefKind::Func) => Val::FuncRef(None),
            Some(RefKind::Extern) => Val::ExternRef(None),
            None => {
                return Err(Failed::Unsupported(format!(
                    "the argument (ref.null {heap:?}) is not a core 2.0 reference"
                )))
            }
        },
        WastArgCore::RefExtern(token) => Val::ExternRef(Some(*token)),
        WastArgCore::RefHost(_) => {
            return Err(Failed::Unsupported(
                "the argument ref.host (GC proposal)".to_string(),
            ))
        }
    })
}

/// `bits` as an `f32`, with its bits (NaN payloads matter in the tests).
pub(crate) fn describe_f32(bits: u32) -> String {
    format!("{} ({bits:#010x})", f32::from_bits(bits))
}

/// `bits` as an `f64`, with its bits.
pub(crate) fn describe_f64(bits: u64) -> String {
    format!("{} ({bits:#018x})", f64::from_bits(bits))
}

/// A value as text: `i32 5`, `f32 1.5 (0x3fc00000)`, `ref.null func`, ...
pub(crate) fn describe_val(val: &Val) -> String {
    match val {
        Val::I32(v) => format!("i32 {v}"),
        Val::I64(v) => format!("i64 {v}"),
        Val::F32(bits) => format!("f32 {}", describe_f32(*bits)),
        Val::F64(bits) => format!("f64 {}", describe_f64(*bits)),
        Val::V128(bits) => format!("v128 {bits:#034x}"),
        Val::FuncRef(None) => "ref.null func".to_string(),
        Val::FuncRef(Some(_)) => "ref.func".to_string(),
        Val::ExternRef(None) => "ref.null extern".to_string(),
        Val::ExternRef(Some(token)) => format!("ref.extern {token}"),
    }
}

/// Values as text, in parentheses: `(i32 1, i64 2)`.
pub(crate) fn describe_vals(vals: &[Val]) -> String {
    let parts: Vec<String> = vals.iter().map(describe_val).collect();
    format!("({})", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_show_their_bits() {
        assert_eq!(describe_f32(0x3fc0_0000), "1.5 (0x3fc00000)");
        assert_eq!(describe_f32(0x7fc0_0001), "NaN (0x7fc00001)");
        assert_eq!(
            describe_f64(0x8000_0000_0000_0000),
            "-0 (0x8000000000000000)"
        );
    }

    #[test]
    fn values_as_text() {
        assert_eq!(
            describe_vals(&[Val::I32(-1), Val::ExternRef(Some(3)), Val::FuncRef(None)]),
            "(i32 -1, ref.extern 3, ref.null func)"
        );
        assert_eq!(
            describe_val(&Val::V128(1)),
            "v128 0x00000000000000000000000000000001"
        );
    }
}

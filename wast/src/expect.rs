//! What the script expects: result patterns (NaN patterns, lanes,
//! references, `either`) and trap messages.

use wast::core::{NanPattern, V128Pattern, WastRetCore};
use wast::token::{F32, F64};
use wast::WastRet;
use weft_runtime::Val;

use crate::error::Failed;
use crate::values::{describe_f32, describe_f64, describe_val, describe_vals, ref_kind, RefKind};

/// Checks the values a call returned against the script's patterns.
pub(crate) fn check_results(got: &[Val], expected: &[WastRet<'_>]) -> Result<(), Failed> {
    if got.len() != expected.len() {
        return Err(Failed::ResultCount {
            expected: expected.len(),
            got: got.len(),
            values: describe_vals(got),
        });
    }
    for (index, (val, ret)) in got.iter().zip(expected).enumerate() {
        let WastRet::Core(ret) = ret else {
            return Err(Failed::Unsupported(
                "a component-model value as a result".to_string(),
            ));
        };
        if !matches(val, ret)? {
            return Err(Failed::ResultMismatch {
                index,
                expected: describe_ret(ret),
                got: describe_got(val, ret),
            });
        }
    }
    Ok(())
}

/// Whether `val` matches `ret`; an error for patterns outside core 2.0.
fn matches(val: &Val, ret: &WastRetCore<'_>) -> Result<bool, Failed> {
    Ok(match ret {
        WastRetCore::I32(want) => matches!(val, Val::I32(got) if got == want),
        WastRetCore::I64(want) => matches!(val, Val::I64(got) if got == want),
        WastRetCore::F32(pattern) => matches!(val, Val::F32(bits) if f32_matches(pattern, *bits)),
        WastRetCore::F64(pattern) => matches!(val, Val::F64(bits) if f64_matches(pattern, *bits)),
        WastRetCore::V128(pattern) => {
            matches!(val, Val::V128(bits) if v128_matches(pattern, *bits))
        }
        WastRetCore::RefNull(None) => matches!(val, Val::FuncRef(None) | Val::ExternRef(None)),
        WastRetCore::RefNull(Some(heap)) => match ref_kind(heap) {
            Some(RefKind::Func) => matches!(val, Val::FuncRef(None)),
            Some(RefKind::Extern) => matches!(val, Val::ExternRef(None)),
            None => {
                return Err(Failed::Unsupported(format!(
                    "the result pattern (ref.null {heap:?}) is not a core 2.0 reference"
                )))
            }
        },
        WastRetCore::RefExtern(want) => match val {
            Val::ExternRef(Some(got)) => want.is_none_or(|want| want == *got),
            _ => false,
        },
        // weft's values do not say which function a funcref is, so a
        // `(ref.func $f)` pattern checks only that the reference is not null.
        WastRetCore::RefFunc(_) => matches!(val, Val::FuncRef(Some(_))),
        WastRetCore::Either(cases) => {
            for case in cases {
                if matches(val, case)? {
                    return Ok(true);
                }
            }
            false
        }
        WastRetCore::RefHost(_)
        | WastRetCore::RefAny
        | WastRetCore::RefEq
        | WastRetCore::RefArray
        | WastRetCore::RefStruct
        | WastRetCore::RefI31
        | WastRetCore::RefI31Shared => {
            return Err(Failed::Unsupported(format!(
                "the result pattern {} (GC proposal)",
                describe_ret(ret)
            )))
        }
    })
}

/// Whether the `f32` with these bits matches the pattern. A value pattern
/// compares bits, so the sign of zero and NaN payloads must agree.
pub(crate) fn f32_matches(pattern: &NanPattern<F32>, bits: u32) -> bool {
    match pattern {
        // Any sign, quiet bit set, the rest of the payload zero.
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        // Any sign, all-ones exponent, quiet bit set, any payload.
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(want) => want.bits == bits,
    }
}

/// Whether the `f64` with these bits matches the pattern.
pub(crate) fn f64_matches(pattern: &NanPattern<F64>, bits: u64) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(want) => want.bits == bits,
    }
}

/// Lane `i` of a vector, `N` bytes wide, little-endian.
fn lane<const N: usize>(bytes: &[u8; 16], i: usize) -> [u8; N] {
    let mut out = [0; N];
    out.copy_from_slice(&bytes[i * N..(i + 1) * N]);
    out
}

/// Whether a `v128` matches a lane-wise pattern.
pub(crate) fn v128_matches(pattern: &V128Pattern, bits: u128) -> bool {
    let b = bits.to_le_bytes();
    match pattern {
        V128Pattern::I8x16(want) => (0..16).all(|i| i8::from_le_bytes(lane(&b, i)) == want[i]),
        V128Pattern::I16x8(want) => (0..8).all(|i| i16::from_le_bytes(lane(&b, i)) == want[i]),
        V128Pattern::I32x4(want) => (0..4).all(|i| i32::from_le_bytes(lane(&b, i)) == want[i]),
        V128Pattern::I64x2(want) => (0..2).all(|i| i64::from_le_bytes(lane(&b, i)) == want[i]),
        V128Pattern::F32x4(want) => {
            (0..4).all(|i| f32_matches(&want[i], u32::from_le_bytes(lane(&b, i))))
        }
        V128Pattern::F64x2(want) => {
            (0..2).all(|i| f64_matches(&want[i], u64::from_le_bytes(lane(&b, i))))
        }
    }
}

/// A NaN pattern as text.
fn describe_pattern<T>(pattern: &NanPattern<T>, value: impl Fn(&T) -> String) -> String {
    match pattern {
        NanPattern::CanonicalNan => "nan:canonical".to_string(),
        NanPattern::ArithmeticNan => "nan:arithmetic".to_string(),
        NanPattern::Value(v) => value(v),
    }
}

/// Lanes as text: `i32x4 [1, 2, 3, 4]`.
fn describe_lanes<T>(shape: &str, lanes: &[T], show: impl Fn(&T) -> String) -> String {
    let parts: Vec<String> = lanes.iter().map(show).collect();
    format!("{shape} [{}]", parts.join(", "))
}

/// A `v128` pattern as text.
fn describe_v128_pattern(pattern: &V128Pattern) -> String {
    match pattern {
        V128Pattern::I8x16(l) => describe_lanes("i8x16", l, |v| v.to_string()),
        V128Pattern::I16x8(l) => describe_lanes("i16x8", l, |v| v.to_string()),
        V128Pattern::I32x4(l) => describe_lanes("i32x4", l, |v| v.to_string()),
        V128Pattern::I64x2(l) => describe_lanes("i64x2", l, |v| v.to_string()),
        V128Pattern::F32x4(l) => describe_lanes("f32x4", l, |p| {
            describe_pattern(p, |v| describe_f32(v.bits))
        }),
        V128Pattern::F64x2(l) => describe_lanes("f64x2", l, |p| {
            describe_pattern(p, |v| describe_f64(v.bits))
        }),
    }
}

/// A `v128` value in the lane shape of `pattern`, so that the two compare
/// at a glance.
fn describe_v128_as(pattern: &V128Pattern, bits: u128) -> String {
    let b = bits.to_le_bytes();
    let ints = |shape: &str, n: usize, f: &dyn Fn(usize) -> String| {
        let lanes: Vec<usize> = (0..n).collect();
        describe_lanes(shape, &lanes, |i| f(*i))
    };
    match pattern {
        V128Pattern::I8x16(_) => ints("i8x16", 16, &|i| i8::from_le_bytes(lane(&b, i)).to_string()),
        V128Pattern::I16x8(_) => ints("i16x8", 8, &|i| i16::from_le_bytes(lane(&b, i)).to_string()),
        V128Pattern::I32x4(_) => ints("i32x4", 4, &|i| i32::from_le_bytes(lane(&b, i)).to_string()),
        V128Pattern::I64x2(_) => ints("i64x2", 2, &|i| i64::from_le_bytes(lane(&b, i)).to_string()),
        V128Pattern::F32x4(_) => ints("f32x4", 4, &|i| {
            describe_f32(u32::from_le_bytes(lane(&b, i)))
        }),
        V128Pattern::F64x2(_) => ints("f64x2", 2, &|i| {
            describe_f64(u64::from_le_bytes(lane(&b, i)))
        }),
    }
}

/// A result pattern as text.
pub(crate) fn describe_ret(ret: &WastRetCore<'_>) -> String {
    match ret {
        WastRetCore::I32(v) => format!("i32 {v}"),
        WastRetCore::I64(v) => format!("i64 {v}"),
        WastRetCore::F32(p) => format!("f32 {}", describe_pattern(p, |v| describe_f32(v.bits))),
        WastRetCore::F64(p) => format!("f64 {}", describe_pattern(p, |v| describe_f64(v.bits))),
        WastRetCore::V128(p) => format!("v128 {}", describe_v128_pattern(p)),
        WastRetCore::RefNull(None) => "ref.null".to_string(),
        WastRetCore::RefNull(Some(heap)) => match ref_kind(heap) {
            Some(RefKind::Func) => "ref.null func".to_string(),
            Some(RefKind::Extern) => "ref.null extern".to_string(),
            None => format!("ref.null {heap:?}"),
        },
        WastRetCore::RefExtern(None) => "ref.extern".to_string(),
        WastRetCore::RefExtern(Some(token)) => format!("ref.extern {token}"),
        WastRetCore::RefHost(token) => format!("ref.host {token}"),
        WastRetCore::RefFunc(_) => "ref.func".to_string(),
        WastRetCore::RefAny => "ref.any".to_string(),
        WastRetCore::RefEq => "ref.eq".to_string(),
        WastRetCore::RefArray => "ref.array".to_string(),
        WastRetCore::RefStruct => "ref.struct".to_string(),
        WastRetCore::RefI31 => "ref.i31".to_string(),
        WastRetCore::RefI31Shared => "ref.i31_shared".to_string(),
        WastRetCore::Either(cases) => {
            let parts: Vec<String> = cases.iter().map(describe_ret).collect();
            format!("either ({})", parts.join(") ("))
        }
    }
}

/// A returned value as text, in the shape of its pattern where that helps.
fn describe_got(val: &Val, ret: &WastRetCore<'_>) -> String {
    match (val, ret) {
        (Val::V128(bits), WastRetCore::V128(pattern)) => {
            format!("v128 {}", describe_v128_as(pattern, *bits))
        }
        _ => describe_val(val),
    }
}

/// Whether weft's trap message `actual` (its `TrapKind::spec_message`)
/// satisfies the script's `expected` message.
///
/// Lenient as the spec interpreter is: `actual` may be a prefix of
/// `expected` (the script's "uninitialized element 2" is weft's
/// "uninitialized element"), or contain it. Causes the spec tells apart
/// stay apart: "undefined element" (`call_indirect` past the end of the
/// table) is not "out of bounds table access".
pub(crate) fn trap_message_matches(actual: &str, expected: &str) -> bool {
    let (actual, expected) = (actual.trim(), expected.trim());
    // wasmtime's component tests prefix some messages so.
    let expected = expected.strip_prefix("wasm trap: ").unwrap_or(expected);
    // The component-model spec tests word some traps differently from
    // wasmtime's tests, whose wording weft's messages carry.
    let expected = match expected {
        "string pointer/length out of bounds of memory" => "string content out-of-bounds",
        "string pointer not aligned to 2" => "unaligned pointer",
        "incomplete utf-8 byte sequence" => "invalid utf-8",
        "wasm `unreachable` instruction executed" => "unreachable",
        other => other,
    };
    if actual.is_empty() || expected.is_empty() {
        return false;
    }
    expected.starts_with(actual) || actual.contains(expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f32p(bits: u32) -> NanPattern<F32> {
        NanPattern::Value(F32 { bits })
    }

    fn f64p(bits: u64) -> NanPattern<F64> {
        NanPattern::Value(F64 { bits })
    }

    #[test]
    fn f32_nan_patterns() {
        let canonical = NanPattern::CanonicalNan;
        let arithmetic = NanPattern::ArithmeticNan;
        // The canonical NaN, either sign.
        assert!(f32_matches(&canonical, 0x7fc0_0000));
        assert!(f32_matches(&canonical, 0xffc0_0000));
        assert!(f32_matches(&arithmetic, 0x7fc0_0000));
        assert!(f32_matches(&arithmetic, 0xffc0_0000));
        // A quiet NaN with a payload: arithmetic, not canonical.
        assert!(!f32_matches(&canonical, 0x7fc0_0001));
        assert!(f32_matches(&arithmetic, 0x7fc0_0001));
        assert!(f32_matches(&arithmetic, 0xffff_ffff));
        // A signalling NaN is neither.
        assert!(!f32_matches(&canonical, 0x7fa0_0000));
        assert!(!f32_matches(&arithmetic, 0x7fa0_0000));
        assert!(!f32_matches(&arithmetic, 0x7f80_0001));
        // Infinity and numbers are neither.
        assert!(!f32_matches(&canonical, 0x7f80_0000));
        assert!(!f32_matches(&arithmetic, 0x7f80_0000));
        assert!(!f32_matches(&arithmetic, 0x3f80_0000));
        // Values compare bits: zero's sign and NaN payloads count.
        assert!(f32_matches(&f32p(0x8000_0000), 0x8000_0000));
        assert!(!f32_matches(&f32p(0x8000_0000), 0));
        assert!(f32_matches(&f32p(0x7fa0_0000), 0x7fa0_0000));
        assert!(!f32_matches(&f32p(0x7fa0_0000), 0x7fc0_0000));
    }

    #[test]
    fn f64_nan_patterns() {
        let canonical = NanPattern::CanonicalNan;
        let arithmetic = NanPattern::ArithmeticNan;
        assert!(f64_matches(&canonical, 0x7ff8_0000_0000_0000));
        assert!(f64_matches(&canonical, 0xfff8_0000_0000_0000));
        assert!(!f64_matches(&canonical, 0x7ff8_0000_0000_0001));
        assert!(f64_matches(&arithmetic, 0x7ff8_0000_0000_0001));
        assert!(f64_matches(&arithmetic, 0xffff_ffff_ffff_ffff));
        assert!(!f64_matches(&canonical, 0x7ff4_0000_0000_0000));
        assert!(!f64_matches(&arithmetic, 0x7ff4_0000_0000_0000));
        assert!(!f64_matches(&arithmetic, 0x7ff0_0000_0000_0000));
        assert!(!f64_matches(&arithmetic, 0x3ff0_0000_0000_0000));
        assert!(f64_matches(
            &f64p(0x3ff0_0000_0000_0000),
            0x3ff0_0000_0000_0000
        ));
        assert!(!f64_matches(&f64p(0), 0x8000_0000_0000_0000));
    }

    #[test]
    fn v128_lanes() {
        let bits = u128::from_le_bytes([
            1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0xc0, 0x7f, 0, 0, 0x80, 0x3f,
        ]);
        assert!(v128_matches(
            &V128Pattern::I32x4([1, -1, 0x7fc0_0000, 0x3f80_0000]),
            bits
        ));
        assert!(!v128_matches(&V128Pattern::I32x4([1, -1, 0, 0]), bits));
        assert!(v128_matches(
            &V128Pattern::I16x8([1, 0, -1, -1, 0, 0x7fc0, 0, 0x3f80]),
            bits
        ));
        assert!(v128_matches(
            &V128Pattern::F32x4([
                f32p(1),
                f32p(0xffff_ffff),
                NanPattern::CanonicalNan,
                f32p(0x3f80_0000)
            ]),
            bits
        ));
        assert!(!v128_matches(
            &V128Pattern::F32x4([
                f32p(1),
                NanPattern::CanonicalNan,
                NanPattern::CanonicalNan,
                f32p(0x3f80_0000)
            ]),
            bits
        ));
        assert!(v128_matches(
            &V128Pattern::F32x4([
                f32p(1),
                NanPattern::ArithmeticNan,
                NanPattern::ArithmeticNan,
                f32p(0x3f80_0000)
            ]),
            bits
        ));
        let i8s: [i8; 16] = [1, 0, 0, 0, -1, -1, -1, -1, 0, 0, -64, 127, 0, 0, -128, 63];
        assert!(v128_matches(&V128Pattern::I8x16(i8s), bits));
        assert!(v128_matches(
            &V128Pattern::I64x2([0xffff_ffff_0000_0001_u64 as i64, 0x3f80_0000_7fc0_0000]),
            bits
        ));
        assert_eq!(
            describe_v128_as(&V128Pattern::I32x4([0; 4]), bits),
            "i32x4 [1, -1, 2143289344, 1065353216]"
        );
    }

    #[test]
    fn result_values() {
        assert!(matches(&Val::I32(-5), &WastRetCore::I32(-5)).unwrap());
        assert!(!matches(&Val::I64(-5), &WastRetCore::I32(-5)).unwrap());
        assert!(matches(&Val::ExternRef(Some(3)), &WastRetCore::RefExtern(Some(3))).unwrap());
        assert!(!matches(&Val::ExternRef(Some(3)), &WastRetCore::RefExtern(Some(4))).unwrap());
        assert!(matches(&Val::ExternRef(Some(3)), &WastRetCore::RefExtern(None)).unwrap());
        assert!(!matches(&Val::ExternRef(None), &WastRetCore::RefExtern(None)).unwrap());
        assert!(matches(&Val::FuncRef(None), &WastRetCore::RefNull(None)).unwrap());
        assert!(!matches(&Val::FuncRef(None), &WastRetCore::RefFunc(None)).unwrap());
        let either = WastRetCore::Either(vec![WastRetCore::I32(1), WastRetCore::I32(2)]);
        assert!(matches(&Val::I32(2), &either).unwrap());
        assert!(!matches(&Val::I32(3), &either).unwrap());
        assert!(matches(&Val::I32(3), &WastRetCore::RefAny).is_err());
    }

    #[test]
    fn result_counts_and_messages() {
        let expected = [WastRet::Core(WastRetCore::F32(NanPattern::CanonicalNan))];
        assert!(check_results(&[Val::F32(0x7fc0_0000)], &expected).is_ok());
        let err = check_results(&[Val::F32(0x3f80_0000)], &expected).unwrap_err();
        assert_eq!(
            err.to_string(),
            "result 0: expected f32 nan:canonical, got f32 1 (0x3f800000)"
        );
        let err = check_results(&[], &expected).unwrap_err();
        assert_eq!(err.to_string(), "expected 1 result(s), got 0: ()");
    }

    #[test]
    fn trap_messages() {
        assert!(trap_message_matches("unreachable", "unreachable"));
        assert!(trap_message_matches(
            "uninitialized element",
            "uninitialized element 2"
        ));
        assert!(trap_message_matches(
            "out of bounds memory access",
            "out of bounds memory access"
        ));
        assert!(!trap_message_matches(
            "out of bounds table access",
            "undefined element"
        ));
        assert!(!trap_message_matches("unreachable", "integer overflow"));
        assert!(!trap_message_matches(
            "uninitialized element",
            "undefined element"
        ));
        assert!(!trap_message_matches(
            "integer divide by zero",
            "integer overflow"
        ));
        assert!(!trap_message_matches("", "unreachable"));
        assert!(!trap_message_matches("unreachable", ""));
    }
}

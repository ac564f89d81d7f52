//! Scalars (`bool`, the integers, the floats, `char`) between Python and
//! the canonical ABI: the one place their conversion lives, used by
//! [`crate::convert`] for scalars anywhere in a value and by the fast path
//! of calls whose parameters and result are all scalars, which converts
//! before and after the wasm call so that nothing in between needs the
//! GIL.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};
use weft_runtime::component::{RawLifter, RawLowerer};

use crate::convert::{get, mismatch, put, At, Exc, Fail};
use crate::plan::{Kind, Plan};

/// One scalar, converted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    Bool(bool),
    S8(i8),
    U8(u8),
    S16(i16),
    U16(u16),
    S32(i32),
    U32(u32),
    S64(i64),
    U64(u64),
    F32(f32),
    F64(f64),
    Char(char),
}

/// Whether values of `kind` are scalars.
pub fn is_scalar(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::Bool
            | Kind::S8
            | Kind::U8
            | Kind::S16
            | Kind::U16
            | Kind::S32
            | Kind::U32
            | Kind::S64
            | Kind::U64
            | Kind::F32
            | Kind::F64
            | Kind::Char
    )
}

/// An `int` (not a `bool`) in `min..=max`.
fn int(plan: &Plan, obj: &Bound<'_, PyAny>, min: i128, max: i128) -> Result<i128, Fail> {
    if obj.is_instance_of::<PyBool>() {
        return Err(mismatch(plan, obj));
    }
    let Ok(int) = obj.cast::<PyInt>() else {
        return Err(mismatch(plan, obj));
    };
    // Most ints fit in an i64, whose conversion is much cheaper than an
    // i128's; only a u64 past i64::MAX (or an int out of every range)
    // takes the second.
    let value: i128 = match int.extract::<i64>() {
        Ok(value) => value.into(),
        Err(_) => int.extract().map_err(|_| out_of_range(plan, obj))?,
    };
    if value < min || value > max {
        return Err(out_of_range(plan, obj));
    }
    Ok(value)
}

fn out_of_range(plan: &Plan, obj: &Bound<'_, PyAny>) -> Fail {
    let shown = obj.str().map(|s| s.to_string()).unwrap_or_default();
    Fail::value(
        Exc::Overflow,
        format!("{shown} is out of range for {}", plan.desc),
    )
}

/// A `float`, or an `int` (not a `bool`) as one.
fn float(plan: &Plan, obj: &Bound<'_, PyAny>) -> Result<f64, Fail> {
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(f.value());
    }
    if obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>() {
        return Ok(obj.extract::<f64>()?);
    }
    Err(mismatch(plan, obj))
}

impl Scalar {
    /// Converts `obj` as a value of `plan`, a scalar type: a `TypeError`
    /// for another Python type, an `OverflowError` for an integer out of
    /// range, a `ValueError` for a `str` that is not one character.
    ///
    /// # Panics
    ///
    /// If `plan` is not a scalar type ([`is_scalar`]).
    pub fn from_py(plan: &Plan, obj: &Bound<'_, PyAny>) -> Result<Scalar, Fail> {
        Ok(match &plan.kind {
            Kind::Bool => match obj.cast::<PyBool>() {
                Ok(b) => Scalar::Bool(b.is_true()),
                Err(_) => return Err(mismatch(plan, obj)),
            },
            Kind::S8 => Scalar::S8(int(plan, obj, i8::MIN.into(), i8::MAX.into())? as i8),
            Kind::U8 => Scalar::U8(int(plan, obj, 0, u8::MAX.into())? as u8),
            Kind::S16 => Scalar::S16(int(plan, obj, i16::MIN.into(), i16::MAX.into())? as i16),
            Kind::U16 => Scalar::U16(int(plan, obj, 0, u16::MAX.into())? as u16),
            Kind::S32 => Scalar::S32(int(plan, obj, i32::MIN.into(), i32::MAX.into())? as i32),
            Kind::U32 => Scalar::U32(int(plan, obj, 0, u32::MAX.into())? as u32),
            Kind::S64 => Scalar::S64(int(plan, obj, i64::MIN.into(), i64::MAX.into())? as i64),
            Kind::U64 => Scalar::U64(int(plan, obj, 0, u64::MAX.into())? as u64),
            Kind::F32 => Scalar::F32(float(plan, obj)? as f32),
            Kind::F64 => Scalar::F64(float(plan, obj)?),
            Kind::Char => {
                let s = obj.cast::<PyString>().map_err(|_| mismatch(plan, obj))?;
                let text = s.to_str()?;
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Scalar::Char(c),
                    _ => {
                        return Err(Fail::value(
                            Exc::Value,
                            format!(
                                "expected char (a str of one character), got a str of {}",
                                text.chars().count()
                            ),
                        ))
                    }
                }
            }
            _ => unreachable!("Scalar::from_py on a type that is no scalar"),
        })
    }

    /// Reads a scalar of `kind` at `at`: the next flat value, or in the
    /// caller's memory (checked as the canonical ABI says: a `char` must
    /// be a Unicode scalar value).
    #[inline]
    pub fn get(kind: &Kind, lif: &mut RawLifter<'_>, at: At) -> Result<Scalar, Fail> {
        Ok(match kind {
            Kind::Bool => Scalar::Bool(get(lif, at)?),
            Kind::S8 => Scalar::S8(get(lif, at)?),
            Kind::U8 => Scalar::U8(get(lif, at)?),
            Kind::S16 => Scalar::S16(get(lif, at)?),
            Kind::U16 => Scalar::U16(get(lif, at)?),
            Kind::S32 => Scalar::S32(get(lif, at)?),
            Kind::U32 => Scalar::U32(get(lif, at)?),
            Kind::S64 => Scalar::S64(get(lif, at)?),
            Kind::U64 => Scalar::U64(get(lif, at)?),
            Kind::F32 => Scalar::F32(get(lif, at)?),
            Kind::F64 => Scalar::F64(get(lif, at)?),
            Kind::Char => Scalar::Char(get(lif, at)?),
            _ => unreachable!("Scalar::get of a type that is no scalar"),
        })
    }

    /// Puts the scalar at `at`: the next flat value, or in the callee's
    /// memory.
    #[inline]
    pub fn put(self, low: &mut RawLowerer<'_>, at: At) -> Result<(), Fail> {
        match self {
            Scalar::Bool(v) => put(low, at, v),
            Scalar::S8(v) => put(low, at, v),
            Scalar::U8(v) => put(low, at, v),
            Scalar::S16(v) => put(low, at, v),
            Scalar::U16(v) => put(low, at, v),
            Scalar::S32(v) => put(low, at, v),
            Scalar::U32(v) => put(low, at, v),
            Scalar::S64(v) => put(low, at, v),
            Scalar::U64(v) => put(low, at, v),
            Scalar::F32(v) => put(low, at, v),
            Scalar::F64(v) => put(low, at, v),
            Scalar::Char(v) => put(low, at, v),
        }
    }

    /// The Python object: `bool`, `int`, `float` or a one-character `str`.
    pub fn into_py(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        Ok(match self {
            Scalar::Bool(v) => PyBool::new(py, v).to_owned().into_any(),
            Scalar::S8(v) => v.into_pyobject(py)?.into_any(),
            Scalar::U8(v) => v.into_pyobject(py)?.into_any(),
            Scalar::S16(v) => v.into_pyobject(py)?.into_any(),
            Scalar::U16(v) => v.into_pyobject(py)?.into_any(),
            Scalar::S32(v) => v.into_pyobject(py)?.into_any(),
            Scalar::U32(v) => v.into_pyobject(py)?.into_any(),
            Scalar::S64(v) => v.into_pyobject(py)?.into_any(),
            Scalar::U64(v) => v.into_pyobject(py)?.into_any(),
            Scalar::F32(v) => PyFloat::new(py, f64::from(v)).into_any(),
            Scalar::F64(v) => PyFloat::new(py, v).into_any(),
            Scalar::Char(v) => PyString::new(py, v.encode_utf8(&mut [0; 4])).into_any(),
        })
    }
}

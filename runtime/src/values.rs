//! Values passed between the host and WebAssembly.

use crate::func::Func;
use crate::store::StoreInner;
use crate::types::{RefType, ValType};

/// A WebAssembly value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, as its bits (so NaN payloads survive).
    F32(u32),
    /// An `f64`, as its bits.
    F64(u64),
    /// A `v128`.
    V128(u128),
    /// A `funcref`: a function or null.
    FuncRef(Option<Func>),
    /// An `externref`: a host-chosen token or null.
    ExternRef(Option<u32>),
}

impl Val {
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FUNCREF,
            Val::ExternRef(_) => ValType::EXTERNREF,
        }
    }

    /// The null reference of `ty`.
    pub fn null(ty: RefType) -> Val {
        match ty {
            RefType::FuncRef => Val::FuncRef(None),
            RefType::ExternRef => Val::ExternRef(None),
        }
    }

    /// The zero value of `ty` (null for references).
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::Ref(r) => Val::null(r),
        }
    }

    /// The value's bits as compiled code stores them in a 16-byte slot.
    pub(crate) fn to_raw(self, store: &StoreInner) -> Result<u128, crate::Error> {
        Ok(match self {
            Val::I32(v) => u128::from(v as u32),
            Val::I64(v) => u128::from(v as u64),
            Val::F32(bits) => u128::from(bits),
            Val::F64(bits) => u128::from(bits),
            Val::V128(bits) => bits,
            Val::FuncRef(None) | Val::ExternRef(None) => 0,
            Val::FuncRef(Some(func)) => store.funcref_of(func)? as u128,
            Val::ExternRef(Some(token)) => u128::from(token) + 1,
        })
    }

    /// Reads a value of type `ty` from its slot bits.
    pub(crate) fn from_raw(store: &mut StoreInner, raw: u128, ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(raw as u32 as i32),
            ValType::I64 => Val::I64(raw as u64 as i64),
            ValType::F32 => Val::F32(raw as u32),
            ValType::F64 => Val::F64(raw as u64),
            ValType::V128 => Val::V128(raw),
            ValType::Ref(RefType::ExternRef) => {
                Val::ExternRef((raw as usize).checked_sub(1).map(|t| t as u32))
            }
            ValType::Ref(RefType::FuncRef) => Val::FuncRef(store.func_of_funcref(raw as usize)),
        }
    }
}

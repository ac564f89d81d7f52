//! The types of WebAssembly values and entities, as the public API and the
//! compiler see them.

use std::fmt;

/// A reference type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefType {
    /// `funcref`: a function, or null.
    FuncRef,
    /// `externref`: an opaque host value, or null.
    ExternRef,
}

/// The type of a WebAssembly value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE float.
    F32,
    /// 64-bit IEEE float.
    F64,
    /// 128-bit vector (SIMD; not compiled yet).
    V128,
    /// A reference.
    Ref(RefType),
}

impl ValType {
    /// The `funcref` value type.
    pub const FUNCREF: ValType = ValType::Ref(RefType::FuncRef);
    /// The `externref` value type.
    pub const EXTERNREF: ValType = ValType::Ref(RefType::ExternRef);

    pub(crate) fn from_wasm(ty: wasmparser::ValType) -> Result<ValType, String> {
        Ok(match ty {
            wasmparser::ValType::I32 => ValType::I32,
            wasmparser::ValType::I64 => ValType::I64,
            wasmparser::ValType::F32 => ValType::F32,
            wasmparser::ValType::F64 => ValType::F64,
            wasmparser::ValType::V128 => ValType::V128,
            wasmparser::ValType::Ref(r) => ValType::Ref(RefType::from_wasm(r)?),
        })
    }
}

impl RefType {
    pub(crate) fn from_wasm(ty: wasmparser::RefType) -> Result<RefType, String> {
        if ty == wasmparser::RefType::FUNCREF {
            Ok(RefType::FuncRef)
        } else if ty == wasmparser::RefType::EXTERNREF {
            Ok(RefType::ExternRef)
        } else {
            Err(format!("reference type {ty} is not supported"))
        }
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RefType::FuncRef => "funcref",
            RefType::ExternRef => "externref",
        })
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValType::I32 => f.write_str("i32"),
            ValType::I64 => f.write_str("i64"),
            ValType::F32 => f.write_str("f32"),
            ValType::F64 => f.write_str("f64"),
            ValType::V128 => f.write_str("v128"),
            ValType::Ref(r) => r.fmt(f),
        }
    }
}

/// The type of a function: parameters and results.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    params: Box<[ValType]>,
    results: Box<[ValType]>,
}

impl FuncType {
    /// A function type from its parameter and result types.
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> FuncType {
        FuncType {
            params: params.into_iter().collect(),
            results: results.into_iter().collect(),
        }
    }

    /// Parameter types.
    pub fn params(&self) -> &[ValType] {
        &self.params
    }

    /// Result types.
    pub fn results(&self) -> &[ValType] {
        &self.results
    }

    pub(crate) fn from_wasm(ty: &wasmparser::FuncType) -> Result<FuncType, String> {
        Ok(FuncType {
            params: ty
                .params()
                .iter()
                .map(|t| ValType::from_wasm(*t))
                .collect::<Result<_, _>>()?,
            results: ty
                .results()
                .iter()
                .map(|t| ValType::from_wasm(*t))
                .collect::<Result<_, _>>()?,
        })
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(func")?;
        for (keyword, types) in [("param", &self.params), ("result", &self.results)] {
            if !types.is_empty() {
                write!(f, " ({keyword}")?;
                for ty in types.iter() {
                    write!(f, " {ty}")?;
                }
                f.write_str(")")?;
            }
        }
        f.write_str(")")
    }
}

/// Whether a global may be assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mutability {
    /// Immutable.
    Const,
    /// Mutable.
    Var,
}

/// The type of a global.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GlobalType {
    /// The type of its value.
    pub content: ValType,
    /// Whether it may be assigned.
    pub mutability: Mutability,
}

/// The type of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableType {
    /// The type of its elements.
    pub element: RefType,
    /// Initial number of elements.
    pub minimum: u32,
    /// Maximum number of elements, if bounded.
    pub maximum: Option<u32>,
}

/// The type of a linear memory, in 64 KiB pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemoryType {
    /// Initial size in pages.
    pub minimum: u32,
    /// Maximum size in pages, if bounded.
    pub maximum: Option<u32>,
}

/// The type of an import or export.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExternType {
    /// A function.
    Func(FuncType),
    /// A global.
    Global(GlobalType),
    /// A table.
    Table(TableType),
    /// A memory.
    Memory(MemoryType),
}

impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternType::Func(t) => t.fmt(f),
            ExternType::Global(g) => match g.mutability {
                Mutability::Const => write!(f, "(global {})", g.content),
                Mutability::Var => write!(f, "(global (mut {}))", g.content),
            },
            ExternType::Table(t) => match t.maximum {
                Some(max) => write!(f, "(table {} {max} {})", t.minimum, t.element),
                None => write!(f, "(table {} {})", t.minimum, t.element),
            },
            ExternType::Memory(m) => match m.maximum {
                Some(max) => write!(f, "(memory {} {max})", m.minimum),
                None => write!(f, "(memory {})", m.minimum),
            },
        }
    }
}

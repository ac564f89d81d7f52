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

    /// Its size in linear memory, in bytes (CanonicalABI.md
    /// `elem_size`; `u32::MAX` for a type too large for a 32-bit memory).
    pub fn size(&self) -> u32 {
        self.layout().size
    }

    /// Its alignment in linear memory, in bytes.
    pub fn align(&self) -> u32 {
        self.layout().align
    }

    /// Its flat core types (CanonicalABI.md `flatten_type`): variants'
    /// payload slots joined across cases. `None` past 16 values, where a
    /// value always goes through memory.
    pub fn flat_types(&self) -> Option<Vec<crate::types::ValType>> {
        self.layout()
            .flat
            .types()
            .map(|types| types.iter().map(|t| flat_val_type(*t)).collect::<Vec<_>>())
    }

    /// How many flat core values it takes; `None` past 16.
    pub fn flat_count(&self) -> Option<usize> {
        self.layout().flat.count()
    }

    /// For a record or tuple, the offset of each field in memory.
    pub fn field_offsets(&self) -> Option<Vec<u32>> {
        let fields = self.fields()?;
        let layouts: Vec<Layout> = fields.into_iter().map(Type::layout).collect();
        Layout::field_offsets(&layouts).ok()
    }

    /// For a variant, enum, option or result, the size in bytes of its
    /// discriminant in memory (1, 2 or 4; in flat values it is one
    /// `i32`).
    pub fn discriminant_size(&self) -> Option<u32> {
        let cases = self.cases()?;
        Some(weft_wit::abi::Discriminant::for_cases(cases.len()).size())
    }

    /// For a variant, enum, option or result, the offset of the payload
    /// in memory (the same for every case).
    pub fn payload_offset(&self) -> Option<u32> {
        let cases = self.cases()?;
        let payloads: Vec<Option<Layout>> =
            cases.iter().map(|(_, t)| t.map(Type::layout)).collect();
        Layout::variant_payload_offset(payloads.iter().map(Option::as_ref)).ok()
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

/// The core value type of a flat type.
fn flat_val_type(ty: weft_wit::abi::FlatType) -> crate::types::ValType {
    use crate::types::ValType;
    match ty {
        weft_wit::abi::FlatType::I32 => ValType::I32,
        weft_wit::abi::FlatType::I64 => ValType::I64,
        weft_wit::abi::FlatType::F32 => ValType::F32,
        weft_wit::abi::FlatType::F64 => ValType::F64,
    }
}

/// A component function's type: named parameters and an optional result.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    /// The parameters, by name.
    pub params: Vec<(String, Type)>,
    /// The result, if any.
    pub result: Option<Type>,
}

/// How a component function's values travel as core values: its core
/// signature, and whether parameters or results go through memory
/// (CanonicalABI.md `flatten_functype`). A host that moves values itself
/// (the raw call API, [`RawFunc`](super::RawFunc) and
/// [`LinkerInstance::func_raw`](super::LinkerInstance::func_raw)) reads
/// here where each value goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreSignature {
    /// The core parameter types.
    pub params: Vec<crate::types::ValType>,
    /// The core result types.
    pub results: Vec<crate::types::ValType>,
    /// More than 16 flat parameters: they are stored as a tuple in memory
    /// and passed by pointer.
    pub params_in_memory: bool,
    /// More than one flat result: the result is stored in memory, at a
    /// pointer the callee returns (lift) or the caller passes (lower).
    pub result_in_memory: bool,
}

impl FuncType {
    /// The core signature of a function a component exports (lifts), as
    /// a host calls it: past 16 flat parameters one pointer to the
    /// parameter tuple, which the caller allocates in the callee; past one
    /// flat result one returned pointer to it.
    pub fn lift_signature(&self) -> CoreSignature {
        self.signature(false)
    }

    /// The core signature of a function a component imports (lowers), as
    /// a host that implements it is called: past 16 flat parameters one
    /// pointer to the parameter tuple in the caller's memory; past one flat
    /// result a last parameter pointing where the callee stores the
    /// result, no core result.
    pub fn lower_signature(&self) -> CoreSignature {
        self.signature(true)
    }

    /// The size and alignment of the parameters stored as a tuple (how
    /// they go through memory past 16 flat values).
    pub fn params_size_align(&self) -> (u32, u32) {
        let layout = self.params_tuple().layout();
        (layout.size, layout.align)
    }

    /// The offset of each parameter in the parameter tuple (see
    /// [`FuncType::params_size_align`]); empty for parameters too large
    /// for a 32-bit memory.
    pub fn param_offsets(&self) -> Vec<u32> {
        let layouts: Vec<Layout> = self.params.iter().map(|(_, t)| t.layout()).collect();
        Layout::field_offsets(&layouts).unwrap_or_default()
    }

    /// The parameter types as one tuple (how they are spilled to memory).
    pub(crate) fn params_tuple(&self) -> Type {
        Type::Tuple(self.params.iter().map(|(_, t)| t.clone()).collect())
    }

    /// The core signature of this function lifted from (`lowering` false)
    /// or lowered into (`lowering` true) a core function.
    pub(crate) fn signature(&self, lowering: bool) -> CoreSignature {
        use crate::types::ValType;
        let core = |flat: &[weft_wit::abi::FlatType]| -> Vec<ValType> {
            flat.iter().map(|t| flat_val_type(*t)).collect()
        };
        let params_flat = self.params_tuple().layout().flat;
        let (mut params, params_in_memory) = match params_flat.types() {
            Some(types) => (core(types), false),
            None => (vec![ValType::I32], true),
        };
        let result_flat = self.result.as_ref().map(|t| t.layout().flat);
        let result_types = result_flat.as_ref().and_then(|f| f.types());
        let (results, result_in_memory) = match (self.result.is_some(), result_types) {
            (false, _) => (Vec::new(), false),
            (true, Some(types)) if types.len() <= weft_wit::abi::MAX_FLAT_RESULTS => {
                (core(types), false)
            }
            (true, _) if lowering => {
                params.push(ValType::I32);
                (Vec::new(), true)
            }
            (true, _) => (vec![ValType::I32], true),
        };
        CoreSignature {
            params,
            results,
            params_in_memory,
            result_in_memory,
        }
    }
}

impl std::fmt::Display for FuncType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "func(")?;
        for (i, (name, ty)) in self.params.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{name}: {ty}")?;
        }
        write!(f, ")")?;
        if let Some(result) = &self.result {
            write!(f, " -> {result}")?;
        }
        Ok(())
    }
}

impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |f: &mut std::fmt::Formatter<'_>, items: &[&Type]| {
            for (i, t) in items.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{t}")?;
            }
            Ok(())
        };
        match self {
            Type::Bool => write!(f, "bool"),
            Type::S8 => write!(f, "s8"),
            Type::U8 => write!(f, "u8"),
            Type::S16 => write!(f, "s16"),
            Type::U16 => write!(f, "u16"),
            Type::S32 => write!(f, "s32"),
            Type::U32 => write!(f, "u32"),
            Type::S64 => write!(f, "s64"),
            Type::U64 => write!(f, "u64"),
            Type::F32 => write!(f, "f32"),
            Type::F64 => write!(f, "f64"),
            Type::Char => write!(f, "char"),
            Type::String => write!(f, "string"),
            Type::List(t) => write!(f, "list<{t}>"),
            Type::Record(fields) => {
                write!(f, "record {{ ")?;
                for (i, (n, t)) in fields.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{n}: {t}")?;
                }
                write!(f, " }}")
            }
            Type::Tuple(types) => {
                write!(f, "tuple<")?;
                list(f, &types.iter().collect::<Vec<_>>())?;
                write!(f, ">")
            }
            Type::Variant(cases) => {
                write!(f, "variant {{ ")?;
                for (i, (n, t)) in cases.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    match t {
                        Some(t) => write!(f, "{n}({t})")?,
                        None => write!(f, "{n}")?,
                    }
                }
                write!(f, " }}")
            }
            Type::Enum(cases) => write!(f, "enum {{ {} }}", cases.join(", ")),
            Type::Flags(names) => write!(f, "flags {{ {} }}", names.join(", ")),
            Type::Option(t) => write!(f, "option<{t}>"),
            Type::Result { ok, err } => match (ok, err) {
                (None, None) => write!(f, "result"),
                (Some(ok), None) => write!(f, "result<{ok}>"),
                (None, Some(err)) => write!(f, "result<_, {err}>"),
                (Some(ok), Some(err)) => write!(f, "result<{ok}, {err}>"),
            },
            Type::Own(r) => write!(f, "own<resource {r}>"),
            Type::Borrow(r) => write!(f, "borrow<resource {r}>"),
        }
    }
}

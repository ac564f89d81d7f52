//! The canonical ABI as data (CanonicalABI.md): the layout of every WIT
//! type in linear memory, what it flattens to on the core stack, and the
//! core signature of every function.
//!
//! [`AbiTable`] computes a [`Layout`] for every type of a `Resolve` once;
//! the runtime, the linker and the binding generators read it instead of
//! re-deriving sizes and offsets. [`Shape`] is the despecialized view they
//! match on.

mod flat;
mod layout;
mod report;
mod shape;
mod signature;

pub use flat::{Flat, FlatType, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS};
pub use layout::{align_to, flag_word_count, Discriminant, Layout, SizeOverflow, MAX_FLAGS};
pub use report::world_report;
pub use shape::{Case, Field, Shape};
pub use signature::{CoreSignature, Direction};

use wit_parser::{Resolve, Type, TypeId};

/// Why the canonical ABI of a type or function could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AbiError {
    /// A value of the type would not fit in a 32-bit linear memory.
    #[error("type `{ty}` is larger than 4 GiB, more than a 32-bit linear memory holds")]
    TooLarge {
        /// The type, as WIT names it.
        ty: String,
    },
    /// The type was never resolved (only unresolved packages contain these).
    #[error("type `{ty}` has unknown structure")]
    Unresolved {
        /// The type, as WIT names it.
        ty: String,
    },
    /// Async functions use the async canonical ABI, which these tables do
    /// not cover yet.
    #[error(
        "function `{function}` is async; only synchronous functions have a core signature here"
    )]
    Async {
        /// The function name.
        function: String,
    },
}

/// The [`Layout`] of every type in one `Resolve`, computed once.
#[derive(Debug, Clone)]
pub struct AbiTable {
    /// Indexed by `TypeId::index()`.
    layouts: Vec<Layout>,
}

impl AbiTable {
    /// Lays out every type of `resolve`.
    pub fn new(resolve: &Resolve) -> Result<AbiTable, AbiError> {
        let mut slots = vec![None; resolve.types.len()];
        for (id, _) in resolve.types.iter() {
            layout_def(resolve, id, &mut slots)?;
        }
        Ok(AbiTable {
            layouts: slots.into_iter().flatten().collect(),
        })
    }

    /// The layout of `ty`.
    ///
    /// # Panics
    ///
    /// If `ty` names a type of another `Resolve` than the table's.
    pub fn layout(&self, ty: &Type) -> Layout {
        match ty {
            Type::Id(id) => self.layouts[id.index()],
            primitive => primitive_layout(primitive),
        }
    }

    /// Size in bytes of a value of `ty` in linear memory.
    pub fn size(&self, ty: &Type) -> u32 {
        self.layout(ty).size
    }

    /// Alignment in bytes of a value of `ty` in linear memory.
    pub fn align(&self, ty: &Type) -> u32 {
        self.layout(ty).align
    }

    /// The layout of a tuple of `types`, as a function's parameters are
    /// stored when they do not fit on the core stack.
    pub fn tuple<'a>(&self, types: impl IntoIterator<Item = &'a Type>) -> Result<Layout, AbiError> {
        let layouts: Vec<Layout> = types.into_iter().map(|t| self.layout(t)).collect();
        Layout::record(&layouts).map_err(|SizeOverflow| AbiError::TooLarge {
            ty: "tuple of parameters".to_string(),
        })
    }

    /// Byte offsets of the fields of a record, tuple or parameter tuple
    /// whose fields have the types `types`.
    pub fn field_offsets<'a>(&self, types: impl IntoIterator<Item = &'a Type>) -> Vec<u32> {
        let layouts: Vec<Layout> = types.into_iter().map(|t| self.layout(t)).collect();
        // Every field list here belongs to a type whose layout was computed
        // without overflow, or to a parameter tuple checked by `tuple`.
        Layout::field_offsets(&layouts).unwrap_or_default()
    }
}

fn primitive_layout(ty: &Type) -> Layout {
    match ty {
        Type::Bool | Type::U8 | Type::S8 => Layout::BYTE,
        Type::U16 | Type::S16 => Layout::HALF,
        Type::U32 | Type::S32 | Type::Char | Type::ErrorContext => Layout::WORD,
        Type::U64 | Type::S64 => Layout::DOUBLE_WORD,
        Type::F32 => Layout::F32,
        Type::F64 => Layout::F64,
        Type::String => Layout::POINTER_PAIR,
        Type::Id(_) => unreachable!("primitive_layout is only called on primitives"),
    }
}

/// Computes (and memoizes in `slots`) the layout of type definition `id`.
///
/// Types only refer to types defined before them or to types that do not
/// refer back (WIT has no recursive types), so the recursion terminates.
fn layout_def(
    resolve: &Resolve,
    id: TypeId,
    slots: &mut Vec<Option<Layout>>,
) -> Result<Layout, AbiError> {
    if let Some(layout) = slots[id.index()] {
        return Ok(layout);
    }
    let mut of = |ty: &Type| match ty {
        Type::Id(inner) => layout_def(resolve, *inner, slots),
        primitive => Ok(primitive_layout(primitive)),
    };
    let too_large = |SizeOverflow| AbiError::TooLarge {
        ty: type_name(resolve, id),
    };
    let shape = Shape::of_def(resolve, id).ok_or_else(|| AbiError::Unresolved {
        ty: type_name(resolve, id),
    })?;
    let layout = match shape {
        Shape::Primitive(ty) => primitive_layout(&ty),
        Shape::Record(fields) => {
            let fields = fields
                .iter()
                .map(|f| of(&f.ty))
                .collect::<Result<Vec<_>, _>>()?;
            Layout::record(&fields).map_err(too_large)?
        }
        Shape::Variant(cases) => {
            let payloads = cases
                .iter()
                .map(|c| c.ty.as_ref().map(&mut of).transpose())
                .collect::<Result<Vec<_>, _>>()?;
            Layout::variant(payloads.iter().map(Option::as_ref)).map_err(too_large)?
        }
        Shape::Flags(flags) => Layout::flags(flags.flags.len()),
        Shape::List(_) | Shape::Map(..) => Layout::POINTER_PAIR,
        Shape::FixedList(element, length) => {
            Layout::fixed_list(&of(&element)?, length).map_err(too_large)?
        }
        Shape::Own(_)
        | Shape::Borrow(_)
        | Shape::Resource
        | Shape::Future(_)
        | Shape::Stream(_) => Layout::WORD,
    };
    slots[id.index()] = Some(layout);
    Ok(layout)
}

/// The WIT name of type definition `id`, or its kind for anonymous types.
fn type_name(resolve: &Resolve, id: TypeId) -> String {
    let def = &resolve.types[id];
    match &def.name {
        Some(name) => name.clone(),
        None => def.kind.as_str().to_string(),
    }
}

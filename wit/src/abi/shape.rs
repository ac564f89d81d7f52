//! Despecialization: every WIT type seen as one of the few shapes the
//! canonical ABI actually lays out (CanonicalABI.md, "Despecialization").
//!
//! `tuple` is a record with fields named `0`, `1`, …; `enum` a variant whose
//! cases carry nothing; `option<T>` the variant `none | some(T)`;
//! `result<T, E>` the variant `ok(T) | error(E)`. Type aliases are followed.
//! Code that lifts, lowers or lays out values matches on [`Shape`] and so
//! handles each of those once.

use std::borrow::Cow;

use wit_parser::{Flags, Handle, Resolve, Type, TypeDefKind, TypeId};

/// The despecialized form of a WIT type.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape<'a> {
    /// A primitive: `bool`, integers, floats, `char`, `string` or
    /// `error-context`.
    Primitive(Type),
    /// Named fields laid out in order (records and tuples).
    Record(Vec<Field<'a>>),
    /// One of several cases, each with an optional payload (variants, enums,
    /// options and results).
    Variant(Vec<Case<'a>>),
    /// A set of named bits.
    Flags(&'a Flags),
    /// `list<T>`.
    List(Type),
    /// `list<T, N>`, stored inline.
    FixedList(Type, u32),
    /// `map<K, V>`, passed as a list of key-value pairs.
    Map(Type, Type),
    /// `own<R>` of the resource type `R`.
    Own(TypeId),
    /// `borrow<R>` of the resource type `R`.
    Borrow(TypeId),
    /// The resource type itself (not a value type: values are handles).
    Resource,
    /// `future<T>` (a handle).
    Future(Option<Type>),
    /// `stream<T>` (a handle).
    Stream(Option<Type>),
}

/// A field of a despecialized record.
#[derive(Debug, Clone, PartialEq)]
pub struct Field<'a> {
    /// The field name; tuple fields are named by position.
    pub name: Cow<'a, str>,
    /// The field type.
    pub ty: Type,
}

/// A case of a despecialized variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Case<'a> {
    /// The case name (`none`/`some`, `ok`/`error` for options and results).
    pub name: Cow<'a, str>,
    /// The payload type, if the case carries one.
    pub ty: Option<Type>,
}

impl<'a> Shape<'a> {
    /// The shape of `ty`, following type aliases.
    ///
    /// Returns `None` only for a type of unknown structure, which a resolved
    /// `Resolve` never contains.
    pub fn of(resolve: &'a Resolve, ty: &Type) -> Option<Shape<'a>> {
        match ty {
            Type::Id(id) => Shape::of_def(resolve, *id),
            primitive => Some(Shape::Primitive(*primitive)),
        }
    }

    /// The shape of the type definition `id`, following type aliases.
    pub fn of_def(resolve: &'a Resolve, id: TypeId) -> Option<Shape<'a>> {
        let shape = match &resolve.types.get(id)?.kind {
            TypeDefKind::Type(inner) => return Shape::of(resolve, inner),
            TypeDefKind::Record(r) => Shape::Record(
                r.fields
                    .iter()
                    .map(|f| Field {
                        name: Cow::Borrowed(&f.name),
                        ty: f.ty,
                    })
                    .collect(),
            ),
            TypeDefKind::Tuple(t) => Shape::Record(
                t.types
                    .iter()
                    .enumerate()
                    .map(|(i, ty)| Field {
                        name: Cow::Owned(i.to_string()),
                        ty: *ty,
                    })
                    .collect(),
            ),
            TypeDefKind::Variant(v) => Shape::Variant(
                v.cases
                    .iter()
                    .map(|c| Case {
                        name: Cow::Borrowed(&c.name),
                        ty: c.ty,
                    })
                    .collect(),
            ),
            TypeDefKind::Enum(e) => Shape::Variant(
                e.cases
                    .iter()
                    .map(|c| Case {
                        name: Cow::Borrowed(&c.name),
                        ty: None,
                    })
                    .collect(),
            ),
            TypeDefKind::Option(t) => Shape::Variant(vec![
                Case::named("none", None),
                Case::named("some", Some(*t)),
            ]),
            TypeDefKind::Result(r) => {
                Shape::Variant(vec![Case::named("ok", r.ok), Case::named("error", r.err)])
            }
            TypeDefKind::Flags(f) => Shape::Flags(f),
            TypeDefKind::List(t) => Shape::List(*t),
            TypeDefKind::FixedLengthList(t, n) => Shape::FixedList(*t, *n),
            TypeDefKind::Map(k, v) => Shape::Map(*k, *v),
            TypeDefKind::Handle(Handle::Own(r)) => Shape::Own(*r),
            TypeDefKind::Handle(Handle::Borrow(r)) => Shape::Borrow(*r),
            TypeDefKind::Resource => Shape::Resource,
            TypeDefKind::Future(t) => Shape::Future(*t),
            TypeDefKind::Stream(t) => Shape::Stream(*t),
            TypeDefKind::Unknown => return None,
        };
        Some(shape)
    }
}

impl Case<'static> {
    fn named(name: &'static str, ty: Option<Type>) -> Self {
        Case {
            name: Cow::Borrowed(name),
            ty,
        }
    }
}

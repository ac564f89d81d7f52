//! Conversion plans: a descriptor checked against the component's type of
//! the same value, with the layout facts the conversions need (sizes,
//! offsets, flat counts, discriminant sizes) worked out once, when
//! `Instance.func` (or a host function's first call) asks.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyString, PyType};
use weft_runtime::component::{ResourceType, Type};

use crate::desc::{Desc, ResourceDesc};
use crate::resource::Slab;

/// How one value converts.
pub struct Plan {
    pub kind: Kind,
    /// Its size and alignment in memory.
    pub size: u32,
    pub align: u32,
    /// How many flat values it takes (`usize::MAX` past 16).
    pub flat: usize,
    /// The descriptor, for messages.
    pub desc: Arc<Desc>,
}

/// What a value is, with what converting it needs.
pub enum Kind {
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    F32,
    F64,
    Char,
    String,
    Bytes,
    List(Box<Plan>),
    /// A tuple's elements at their offsets.
    Tuple(Vec<(u32, Plan)>),
    Record {
        cls: Py<PyType>,
        /// Attribute, offset, plan.
        fields: Vec<(Py<PyString>, u32, Plan)>,
    },
    /// A variant, enum, option or result.
    Variant {
        /// Discriminant size in memory.
        disc: u32,
        payload_offset: u32,
        cases: Vec<Option<Plan>>,
        style: Style,
    },
    Flags {
        cls: Py<PyType>,
        count: usize,
    },
    Own(Res),
    Borrow(Res),
}

/// What kind of variant.
pub enum Style {
    /// One class per case.
    Variant(Vec<Py<PyType>>),
    /// Members by index.
    Enum {
        cls: Py<PyType>,
        members: Vec<Py<PyAny>>,
    },
    Option {
        wrap: bool,
    },
    Result,
}

/// A resource type in a plan: the component's handle slot and who
/// implements it.
pub struct Res {
    pub slot: u32,
    pub desc: Arc<ResourceDesc>,
    pub kind: ResKind,
}

/// Who implements a resource type.
#[derive(Clone)]
pub enum ResKind {
    /// The component: objects of a `weft.Resource` class.
    Exported(Option<ResourceType>),
    /// The host: its own objects, kept in a slab while the component has
    /// a handle.
    Host(ResourceType, Arc<Slab>),
}

/// How an instance resolves a resource descriptor met in a function type
/// with handle slot `slot`.
pub trait Resolve {
    fn resolve(&self, desc: &Arc<ResourceDesc>, slot: u32) -> Result<ResKind, String>;
}

/// Builds the plan of `desc` against the component's `ty`; the error says
/// where they differ (the caller adds which function and parameter).
pub fn build(
    py: Python<'_>,
    desc: &Arc<Desc>,
    ty: &Type,
    resolve: &dyn Resolve,
) -> Result<Plan, String> {
    let kind = match (&**desc, ty) {
        (Desc::Bool, Type::Bool) => Kind::Bool,
        (Desc::S8, Type::S8) => Kind::S8,
        (Desc::U8, Type::U8) => Kind::U8,
        (Desc::S16, Type::S16) => Kind::S16,
        (Desc::U16, Type::U16) => Kind::U16,
        (Desc::S32, Type::S32) => Kind::S32,
        (Desc::U32, Type::U32) => Kind::U32,
        (Desc::S64, Type::S64) => Kind::S64,
        (Desc::U64, Type::U64) => Kind::U64,
        (Desc::F32, Type::F32) => Kind::F32,
        (Desc::F64, Type::F64) => Kind::F64,
        (Desc::Char, Type::Char) => Kind::Char,
        (Desc::String, Type::String) => Kind::String,
        (Desc::Bytes, Type::List(t)) if **t == Type::U8 => Kind::Bytes,
        (Desc::List(d), Type::List(t)) => Kind::List(Box::new(
            build(py, d, t, resolve).map_err(|e| at("element", e))?,
        )),
        (Desc::Tuple(ds), Type::Tuple(ts)) => {
            if ds.len() != ts.len() {
                return Err(format!(
                    "a tuple of {} in the component, of {} here",
                    ts.len(),
                    ds.len()
                ));
            }
            let offsets = ty.field_offsets().unwrap_or_default();
            let mut items = Vec::new();
            for (i, (d, t)) in ds.iter().zip(ts).enumerate() {
                let plan = build(py, d, t, resolve).map_err(|e| at(&format!("[{i}]"), e))?;
                items.push((offsets.get(i).copied().unwrap_or(0), plan));
            }
            Kind::Tuple(items)
        }
        (Desc::Record { cls, fields }, Type::Record(ts)) => {
            if fields.len() != ts.len() {
                return Err(format!(
                    "record with {} fields in the component, {} here",
                    ts.len(),
                    fields.len()
                ));
            }
            let offsets = ty.field_offsets().unwrap_or_default();
            let mut out = Vec::new();
            for (i, (f, (name, t))) in fields.iter().zip(ts).enumerate() {
                if f.wit != *name {
                    return Err(format!(
                        "field {} is \"{name}\" in the component, \"{}\" here",
                        i + 1,
                        f.wit
                    ));
                }
                let plan = build(py, &f.ty, t, resolve).map_err(|e| at(&f.wit, e))?;
                out.push((
                    f.attr.clone_ref(py),
                    offsets.get(i).copied().unwrap_or(0),
                    plan,
                ));
            }
            Kind::Record {
                cls: cls.clone_ref(py),
                fields: out,
            }
        }
        (Desc::Variant { cases }, Type::Variant(ts)) => {
            if cases.len() != ts.len() {
                return Err(format!(
                    "variant of {} cases in the component, {} here",
                    ts.len(),
                    cases.len()
                ));
            }
            let mut plans = Vec::new();
            for (i, (c, (name, t))) in cases.iter().zip(ts).enumerate() {
                if c.wit != *name {
                    return Err(format!(
                        "case {} is \"{name}\" in the component, \"{}\" here",
                        i + 1,
                        c.wit
                    ));
                }
                plans.push(payload(
                    py,
                    c.payload.as_ref(),
                    t.as_ref(),
                    resolve,
                    &c.wit,
                )?);
            }
            let classes = cases.iter().map(|c| c.cls.clone_ref(py)).collect();
            variant(ty, plans, Style::Variant(classes))
        }
        (
            Desc::Enum {
                cls,
                cases,
                members,
            },
            Type::Enum(names),
        ) => {
            same_names("case", names, cases)?;
            let style = Style::Enum {
                cls: cls.clone_ref(py),
                members: members.iter().map(|m| m.clone_ref(py)).collect(),
            };
            variant(ty, names.iter().map(|_| None).collect(), style)
        }
        (Desc::Flags { cls, names }, Type::Flags(wit)) => {
            same_names("flag", wit, names)?;
            Kind::Flags {
                cls: cls.clone_ref(py),
                count: names.len(),
            }
        }
        (Desc::Option { some, wrap }, Type::Option(t)) => {
            let plan = build(py, some, t, resolve).map_err(|e| at("some", e))?;
            variant(ty, vec![None, Some(plan)], Style::Option { wrap: *wrap })
        }
        (Desc::Result { ok, err }, Type::Result { ok: tok, err: terr }) => {
            let ok = payload(py, ok.as_ref(), tok.as_deref(), resolve, "ok")?;
            let err = payload(py, err.as_ref(), terr.as_deref(), resolve, "error")?;
            variant(ty, vec![ok, err], Style::Result)
        }
        (Desc::Own(r), Type::Own(slot)) => Kind::Own(Res {
            slot: *slot,
            desc: r.clone(),
            kind: resolve.resolve(r, *slot)?,
        }),
        (Desc::Borrow(r), Type::Borrow(slot)) => Kind::Borrow(Res {
            slot: *slot,
            desc: r.clone(),
            kind: resolve.resolve(r, *slot)?,
        }),
        (d, t) => return Err(format!("{} in the component, {d} here", wit_type(t))),
    };
    Ok(Plan {
        kind,
        size: ty.size(),
        align: ty.align(),
        flat: ty.flat_count().unwrap_or(usize::MAX),
        desc: desc.clone(),
    })
}

/// A case's payload plan, both sides agreeing on whether there is one.
fn payload(
    py: Python<'_>,
    desc: Option<&Arc<Desc>>,
    ty: Option<&Type>,
    resolve: &dyn Resolve,
    case: &str,
) -> Result<Option<Plan>, String> {
    match (desc, ty) {
        (None, None) => Ok(None),
        (Some(d), Some(t)) => build(py, d, t, resolve).map(Some).map_err(|e| at(case, e)),
        (None, Some(t)) => Err(format!(
            "{case} has a payload ({}) in the component, none here",
            wit_type(t)
        )),
        (Some(d), None) => Err(format!("{case} has no payload in the component, {d} here")),
    }
}

fn variant(ty: &Type, cases: Vec<Option<Plan>>, style: Style) -> Kind {
    Kind::Variant {
        disc: ty.discriminant_size().unwrap_or(4),
        payload_offset: ty.payload_offset().unwrap_or(0),
        cases,
        style,
    }
}

fn same_names(what: &str, wit: &[String], here: &[String]) -> Result<(), String> {
    if wit.len() != here.len() {
        return Err(format!(
            "{} {what}s in the component, {} here",
            wit.len(),
            here.len()
        ));
    }
    for (i, (a, b)) in wit.iter().zip(here).enumerate() {
        if a != b {
            return Err(format!(
                "{what} {} is \"{a}\" in the component, \"{b}\" here",
                i + 1
            ));
        }
    }
    Ok(())
}

/// Prefixes a place to a mismatch message.
fn at(place: &str, message: String) -> String {
    format!("{place}: {message}")
}

/// The component's type in WIT terms (records and variants abbreviated).
fn wit_type(ty: &Type) -> String {
    match ty {
        Type::Record(_) => "a record".into(),
        Type::Variant(_) => "a variant".into(),
        Type::Enum(_) => "an enum".into(),
        Type::Flags(_) => "flags".into(),
        Type::Own(_) => "own<...>".into(),
        Type::Borrow(_) => "borrow<...>".into(),
        other => other.to_string(),
    }
}

/// The runtime's type for a descriptor, for declaring a host function's
/// type (resource slots are not compared, so all are 0).
pub fn runtime_type(desc: &Desc) -> Type {
    let b = |d: &Arc<Desc>| Box::new(runtime_type(d));
    match desc {
        Desc::Bool => Type::Bool,
        Desc::S8 => Type::S8,
        Desc::U8 => Type::U8,
        Desc::S16 => Type::S16,
        Desc::U16 => Type::U16,
        Desc::S32 => Type::S32,
        Desc::U32 => Type::U32,
        Desc::S64 => Type::S64,
        Desc::U64 => Type::U64,
        Desc::F32 => Type::F32,
        Desc::F64 => Type::F64,
        Desc::Char => Type::Char,
        Desc::String => Type::String,
        Desc::Bytes => Type::List(Box::new(Type::U8)),
        Desc::List(d) => Type::List(b(d)),
        Desc::Tuple(ds) => Type::Tuple(ds.iter().map(|d| runtime_type(d)).collect()),
        Desc::Option { some, .. } => Type::Option(b(some)),
        Desc::Result { ok, err } => Type::Result {
            ok: ok.as_ref().map(b),
            err: err.as_ref().map(b),
        },
        Desc::Record { fields, .. } => Type::Record(
            fields
                .iter()
                .map(|f| (f.wit.clone(), runtime_type(&f.ty)))
                .collect(),
        ),
        Desc::Variant { cases } => Type::Variant(
            cases
                .iter()
                .map(|c| (c.wit.clone(), c.payload.as_deref().map(runtime_type)))
                .collect(),
        ),
        Desc::Enum { cases, .. } => Type::Enum(cases.clone()),
        Desc::Flags { names, .. } => Type::Flags(names.clone()),
        Desc::Own(_) => Type::Own(0),
        Desc::Borrow(_) => Type::Borrow(0),
    }
}

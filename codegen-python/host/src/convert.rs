//! Conversions between Python objects and a component's values, driven
//! by [`Plan`]s: lowering writes an object straight into the component
//! (flat values or linear memory) through a [`RawLowerer`]; lifting reads
//! a value through a [`RawLifter`] and makes the Python object. No `Val`
//! tree in between.

use std::sync::Arc;

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PySequence, PyString, PyTuple, PyType};
use weft_runtime::component::{
    LiftError, RawLifter, RawLowerer, RawScalar, Resource as RtResource,
};

use crate::desc::type_name;
use crate::errors::Error;
use crate::instance::{Core, Shared};
use crate::plan::{Kind, Plan, Res, ResKind, Style};
use crate::resource::{Held, Resource, Slab};
use crate::scalar::Scalar;

/// Where a value goes or comes from: the next flat values, or memory.
#[derive(Clone, Copy)]
pub enum At {
    Flat,
    Mem(u32),
}

/// Which Python exception a value that does not fit raises.
#[derive(Clone, Copy)]
pub enum Exc {
    Type,
    Overflow,
    Value,
    Weft,
}

/// Why a conversion failed.
pub enum Fail {
    /// The value does not fit: the exception, the message and the place
    /// in the value (innermost last, prepended on the way out).
    Value {
        exc: Exc,
        message: String,
        path: Vec<String>,
    },
    /// A Python error raised by the object itself (`__getattr__`, a lone
    /// surrogate, ...).
    Py(PyErr),
    /// The runtime refused (a bad `realloc` result, invalid guest data):
    /// a trap.
    Lift(LiftError),
}

impl From<LiftError> for Fail {
    fn from(err: LiftError) -> Fail {
        Fail::Lift(err)
    }
}

impl From<std::convert::Infallible> for Fail {
    fn from(never: std::convert::Infallible) -> Fail {
        match never {}
    }
}

impl From<PyErr> for Fail {
    fn from(err: PyErr) -> Fail {
        Fail::Py(err)
    }
}

impl Fail {
    pub(crate) fn value(exc: Exc, message: impl Into<String>) -> Fail {
        Fail::Value {
            exc,
            message: message.into(),
            path: Vec::new(),
        }
    }

    /// Adds a place (`.x`, `[3]`) in front of the path.
    pub fn at(mut self, place: impl FnOnce() -> String) -> Fail {
        if let Fail::Value { path, .. } = &mut self {
            path.push(place());
        }
        self
    }

    /// The Python exception, its message naming the function and the place
    /// (`area: shape.value[3].x: expected float, got str`).
    pub fn into_pyerr(self, func: &str) -> PyErr {
        match self {
            Fail::Value { exc, message, path } => {
                let place: String = path.iter().rev().map(String::as_str).collect();
                let text = if place.is_empty() {
                    format!("{func}: {message}")
                } else {
                    format!("{func}: {place}: {message}")
                };
                match exc {
                    Exc::Type => PyTypeError::new_err(text),
                    Exc::Overflow => PyOverflowError::new_err(text),
                    Exc::Value => PyValueError::new_err(text),
                    Exc::Weft => Error::new_err(text),
                }
            }
            Fail::Py(err) => err,
            Fail::Lift(err) => crate::errors::Trap::new_err(format!("{func}: wasm trap: {err}")),
        }
    }
}

/// A `TypeError` for `obj`, which is not a `plan`'s value.
pub(crate) fn mismatch(plan: &Plan, obj: &Bound<'_, PyAny>) -> Fail {
    Fail::value(
        Exc::Type,
        format!("expected {}, got {}", plan.desc, type_name(obj)),
    )
}

/// What one call's conversions share: the instance, and what the call
/// must clean up or undo.
pub struct Ctx<'a> {
    pub shared: &'a Shared,
    /// The instance, to bind the exported resources lifted.
    pub core: Option<&'a Arc<Core>>,
    /// Exported resources moved into the component, to give back to their
    /// objects if the call is not made.
    pub moved: Vec<(Py<Resource>, RtResource)>,
    /// The host's objects lent as borrows, forgotten after the call.
    pub lent: Vec<(Arc<Slab>, u32)>,
    /// Own handles of host resources that came back: dropped after the
    /// call (the host holds the object itself).
    pub host_owns: Vec<RtResource>,
}

impl<'a> Ctx<'a> {
    pub fn new(shared: &'a Shared, core: Option<&'a Arc<Core>>) -> Ctx<'a> {
        Ctx {
            shared,
            core,
            moved: Vec::new(),
            lent: Vec::new(),
            host_owns: Vec::new(),
        }
    }

    /// After the call: forgets the lent objects.
    pub fn release_lent(&mut self) {
        for (slab, rep) in self.lent.drain(..) {
            slab.remove(rep);
        }
    }

    /// The call was not made: the moved resources are their objects'
    /// again.
    pub fn restore_moved(&mut self, py: Python<'_>) {
        let Some(core) = self.core else { return };
        for (obj, res) in self.moved.drain(..) {
            let mut r = obj.bind(py).borrow_mut();
            r.held = Some(Held {
                core: core.clone(),
                res,
                borrowed: false,
            });
        }
    }
}

#[inline]
pub(crate) fn put<T: RawScalar>(low: &mut RawLowerer<'_>, at: At, value: T) -> Result<(), Fail> {
    match at {
        At::Flat => low.push(value)?,
        At::Mem(ptr) => low.write(ptr, value)?,
    }
    Ok(())
}

#[inline]
pub(crate) fn get<T: RawScalar>(lif: &mut RawLifter<'_>, at: At) -> Result<T, Fail> {
    Ok(match at {
        At::Flat => lif.take::<T>()?,
        At::Mem(ptr) => lif.read::<T>(ptr)?,
    })
}

/// Moves on `at` by `offset` bytes (flat values are sequential).
#[inline]
fn offset(at: At, offset: u32) -> At {
    match at {
        At::Flat => At::Flat,
        At::Mem(ptr) => At::Mem(ptr + offset),
    }
}

/// A sequence that is not a `str` or `bytes`.
fn sequence<'b, 'py>(
    plan: &Plan,
    obj: &'b Bound<'py, PyAny>,
) -> Result<&'b Bound<'py, PySequence>, Fail> {
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return Err(mismatch(plan, obj));
    }
    obj.cast::<PySequence>().map_err(|_| mismatch(plan, obj))
}

/// Lowers `obj` as a value of `plan` into `at`.
pub fn lower(
    obj: &Bound<'_, PyAny>,
    plan: &Plan,
    low: &mut RawLowerer<'_>,
    at: At,
    ctx: &mut Ctx<'_>,
) -> Result<(), Fail> {
    match &plan.kind {
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
        | Kind::Char => Scalar::from_py(plan, obj)?.put(low, at),
        Kind::String => {
            let s = obj.cast::<PyString>().map_err(|_| mismatch(plan, obj))?;
            let (ptr, len) = low.store_string(s.to_str()?)?;
            put(low, at, ptr)?;
            put(low, offset(at, 4), len)
        }
        Kind::Bytes => {
            let (ptr, len) = if let Ok(b) = obj.cast::<PyBytes>() {
                low.store_bytes(b.as_bytes())?
            } else if let Ok(b) = obj.cast::<PyByteArray>() {
                low.store_bytes(&b.to_vec())?
            } else if let Ok(buffer) = pyo3::buffer::PyBuffer::<u8>::get(obj) {
                low.store_bytes(&buffer.to_vec(obj.py())?)?
            } else {
                return Err(mismatch(plan, obj));
            };
            put(low, at, ptr)?;
            put(low, offset(at, 4), len)
        }
        Kind::List(element) => {
            let seq = sequence(plan, obj)?;
            let len = seq.len()?;
            let ptr = low.allocate_list(len, element.size, element.align)?;
            for i in 0..len {
                let item = seq.get_item(i)?;
                let dest = At::Mem(ptr + i as u32 * element.size);
                lower(&item, element, low, dest, ctx).map_err(|e| e.at(|| format!("[{i}]")))?;
            }
            put(low, at, ptr)?;
            put(low, offset(at, 4), len as u32)
        }
        Kind::Tuple(items) => {
            let seq = sequence(plan, obj)?;
            if seq.len()? != items.len() {
                return Err(Fail::value(
                    Exc::Type,
                    format!(
                        "expected {}, got {} of {}",
                        plan.desc,
                        type_name(obj),
                        seq.len()?
                    ),
                ));
            }
            for (i, (off, item_plan)) in items.iter().enumerate() {
                let item = seq.get_item(i)?;
                lower(&item, item_plan, low, offset(at, *off), ctx)
                    .map_err(|e| e.at(|| format!("[{i}]")))?;
            }
            Ok(())
        }
        Kind::Record { fields, .. } => {
            for (attr, off, field_plan) in fields {
                let attr = attr.bind(obj.py());
                let value = obj.getattr(attr).map_err(|_| mismatch(plan, obj))?;
                lower(&value, field_plan, low, offset(at, *off), ctx)
                    .map_err(|e| e.at(|| format!(".{attr}")))?;
            }
            Ok(())
        }
        Kind::Variant { cases, style, .. } => {
            let py = obj.py();
            let (index, payload) = match style {
                Style::Variant(classes) => {
                    let ty = obj.get_type();
                    let index = classes
                        .iter()
                        .position(|c| ty.is(c.bind(py)))
                        .ok_or_else(|| mismatch(plan, obj))?;
                    let payload = match cases[index] {
                        Some(_) => Some(obj.getattr("value").map_err(|_| mismatch(plan, obj))?),
                        None => None,
                    };
                    (index, payload)
                }
                Style::Enum { cls, members } => {
                    if !obj.is_instance(cls.bind(py))? {
                        return Err(mismatch(plan, obj));
                    }
                    let index = members
                        .iter()
                        .position(|m| obj.is(m.bind(py)))
                        .ok_or_else(|| mismatch(plan, obj))?;
                    (index, None)
                }
                Style::Option { wrap } => {
                    if obj.is_none() {
                        (0, None)
                    } else if *wrap {
                        let some = crate::classes(py)?.some.bind(py);
                        if !obj.get_type().is(some) {
                            return Err(Fail::value(
                                Exc::Type,
                                format!(
                                    "expected None or weft.Some for {}, got {}",
                                    plan.desc,
                                    type_name(obj)
                                ),
                            ));
                        }
                        (1, Some(obj.getattr("value")?))
                    } else {
                        (1, Some(obj.clone()))
                    }
                }
                Style::Result => {
                    let classes = crate::classes(py)?;
                    let ty = obj.get_type();
                    let index = if ty.is(classes.ok.bind(py)) {
                        0
                    } else if ty.is(classes.err.bind(py)) {
                        1
                    } else {
                        return Err(Fail::value(
                            Exc::Type,
                            format!(
                                "expected weft.Ok or weft.Err for {}, got {}",
                                plan.desc,
                                type_name(obj)
                            ),
                        ));
                    };
                    (index, Some(obj.getattr("value")?))
                }
            };
            lower_case(plan, index, payload.as_ref(), low, at, ctx).map_err(|e| {
                e.at(|| match style {
                    Style::Variant(_) => ".value".into(),
                    Style::Option { wrap: true } => ".value".into(),
                    Style::Result => ".value".into(),
                    _ => String::new(),
                })
            })
        }
        Kind::Flags { cls, count } => {
            if !obj.is_instance(cls.bind(obj.py()))? {
                return Err(mismatch(plan, obj));
            }
            let bits: u64 = obj.getattr("value")?.extract()?;
            let mask = if *count >= 32 {
                u32::MAX
            } else {
                (1u32 << count) - 1
            };
            let bits = bits as u32 & mask;
            match (at, plan.size) {
                (At::Flat, _) => put(low, at, bits),
                (At::Mem(_), 1) => put(low, at, bits as u8),
                (At::Mem(_), 2) => put(low, at, bits as u16),
                (At::Mem(_), 0) => Ok(()),
                (At::Mem(_), _) => put(low, at, bits),
            }
        }
        Kind::Own(res) => {
            let handle = lower_resource(obj, plan, res, true, low, ctx)?;
            put(low, at, handle)
        }
        Kind::Borrow(res) => {
            let handle = lower_resource(obj, plan, res, false, low, ctx)?;
            put(low, at, handle)
        }
    }
}

/// Lowers case `index` of the variant `plan` with `payload`.
pub fn lower_case(
    plan: &Plan,
    index: usize,
    payload: Option<&Bound<'_, PyAny>>,
    low: &mut RawLowerer<'_>,
    at: At,
    ctx: &mut Ctx<'_>,
) -> Result<(), Fail> {
    let Kind::Variant {
        disc,
        payload_offset,
        cases,
        ..
    } = &plan.kind
    else {
        return Err(Fail::value(Exc::Weft, "not a variant"));
    };
    match at {
        At::Flat => {
            low.push(index as u32)?;
            let mut used = 0;
            if let (Some(case), Some(value)) = (&cases[index], payload) {
                lower(value, case, low, At::Flat, ctx)?;
                used = case.flat;
            }
            for _ in used + 1..plan.flat {
                low.push_flat(0)?;
            }
        }
        At::Mem(ptr) => {
            match disc {
                1 => low.write(ptr, index as u8)?,
                2 => low.write(ptr, index as u16)?,
                _ => low.write(ptr, index as u32)?,
            }
            if let (Some(case), Some(value)) = (&cases[index], payload) {
                lower(value, case, low, At::Mem(ptr + payload_offset), ctx)?;
            }
        }
    }
    Ok(())
}

/// Lowers a resource object, returning the handle to pass.
fn lower_resource(
    obj: &Bound<'_, PyAny>,
    plan: &Plan,
    res: &Res,
    own: bool,
    low: &mut RawLowerer<'_>,
    ctx: &mut Ctx<'_>,
) -> Result<u32, Fail> {
    match &res.kind {
        ResKind::Exported(ty) => {
            let r = obj.cast::<Resource>().map_err(|_| mismatch(plan, obj))?;
            if let Some(cls) = &res.desc.cls {
                if !obj.is_instance(cls.bind(obj.py()))? {
                    return Err(mismatch(plan, obj));
                }
            }
            let mut r = r.borrow_mut();
            let Some(held) = &r.held else {
                return Err(Fail::value(
                    Exc::Weft,
                    format!(
                        "the {} is closed (closed, or moved into the component)",
                        res.desc.name
                    ),
                ));
            };
            if Some(held.res.ty()) != *ty {
                return Err(Fail::value(
                    Exc::Weft,
                    format!(
                        "the {} belongs to another instance of the component",
                        res.desc.name
                    ),
                ));
            }
            if own {
                if held.borrowed {
                    return Err(Fail::value(
                        Exc::Weft,
                        "a borrowed resource cannot be moved",
                    ));
                }
                let held = r.held.take().expect("checked above");
                let handle = low.lower_own(res.slot, held.res)?;
                ctx.moved.push((
                    obj.cast::<Resource>()
                        .map_err(|_| mismatch(plan, obj))?
                        .clone()
                        .unbind(),
                    held.res,
                ));
                Ok(handle)
            } else {
                Ok(low.lower_borrow(res.slot, held.res)?)
            }
        }
        ResKind::Host(ty, slab) => {
            let rep = slab.insert(obj.clone().unbind());
            let resource = RtResource::new(*ty, rep);
            if own {
                Ok(low.lower_own(res.slot, resource)?)
            } else {
                ctx.lent.push((slab.clone(), rep));
                Ok(low.lower_borrow(res.slot, resource)?)
            }
        }
    }
}

/// Makes an object of `cls` without calling `__init__`: the type's
/// `tp_alloc`, as `object.__new__` does (RUNTIME_API.md: "made without
/// `__init__`").
#[allow(unsafe_code)]
fn alloc<'py>(cls: &Bound<'py, PyType>) -> PyResult<Bound<'py, PyAny>> {
    let py = cls.py();
    // SAFETY: `cls` is a live type object; `tp_alloc` (or the generic
    // allocator, which every heap type's `tp_alloc` is unless set) returns
    // a new reference or NULL with an exception set.
    unsafe {
        let tp = cls.as_type_ptr();
        let alloc = (*tp).tp_alloc.unwrap_or(pyo3::ffi::PyType_GenericAlloc);
        Bound::from_owned_ptr_or_err(py, alloc(tp, 0))
    }
}

/// Sets `name` on `obj` as `object.__setattr__` does, past a frozen
/// dataclass's `__setattr__`.
#[allow(unsafe_code)]
fn set_slot(
    obj: &Bound<'_, PyAny>,
    name: &Bound<'_, PyString>,
    value: &Bound<'_, PyAny>,
) -> PyResult<()> {
    // SAFETY: three live objects; the call returns -1 with an exception
    // set on failure.
    let status =
        unsafe { pyo3::ffi::PyObject_GenericSetAttr(obj.as_ptr(), name.as_ptr(), value.as_ptr()) };
    if status < 0 {
        Err(PyErr::fetch(obj.py()))
    } else {
        Ok(())
    }
}

/// Lifts a value of `plan` from `at`.
pub fn lift<'py>(
    py: Python<'py>,
    plan: &Plan,
    lif: &mut RawLifter<'_>,
    at: At,
    ctx: &mut Ctx<'_>,
) -> Result<Bound<'py, PyAny>, Fail> {
    Ok(match &plan.kind {
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
        | Kind::Char => Scalar::get(&plan.kind, lif, at)?.into_py(py)?,
        Kind::String => {
            let ptr = get::<u32>(lif, at)?;
            let len = get::<u32>(lif, offset(at, 4))?;
            PyString::new(py, &lif.load_str(ptr, len)?).into_any()
        }
        Kind::Bytes => {
            let ptr = get::<u32>(lif, at)?;
            let len = get::<u32>(lif, offset(at, 4))?;
            PyBytes::new(py, lif.list_bytes(ptr, len, 1, 1)?).into_any()
        }
        Kind::List(element) => {
            let ptr = get::<u32>(lif, at)?;
            let len = get::<u32>(lif, offset(at, 4))?;
            lif.list_bytes(ptr, len, element.size, element.align)?;
            let list = PyList::empty(py);
            for i in 0..len {
                let item = lift(py, element, lif, At::Mem(ptr + i * element.size), ctx)?;
                list.append(item)?;
            }
            list.into_any()
        }
        Kind::Tuple(items) => {
            let mut values = Vec::with_capacity(items.len());
            for (off, item) in items {
                values.push(lift(py, item, lif, offset(at, *off), ctx)?);
            }
            PyTuple::new(py, values)?.into_any()
        }
        Kind::Record { cls, fields } => {
            let obj = alloc(cls.bind(py))?;
            for (attr, off, field) in fields {
                let value = lift(py, field, lif, offset(at, *off), ctx)?;
                set_slot(&obj, attr.bind(py), &value)?;
            }
            obj
        }
        Kind::Variant { cases, style, .. } => {
            let (index, payload) = lift_case(py, plan, lif, at, ctx)?;
            match style {
                Style::Variant(classes) => {
                    let obj = alloc(classes[index].bind(py))?;
                    if let Some(value) = payload {
                        set_slot(&obj, &PyString::intern(py, "value"), &value)?;
                    }
                    obj
                }
                Style::Enum { members, .. } => members[index].bind(py).clone(),
                Style::Option { wrap } => match payload {
                    None => py.None().into_bound(py),
                    Some(value) if *wrap => crate::classes(py)?.some.bind(py).call1((value,))?,
                    Some(value) => value,
                },
                Style::Result => {
                    let classes = crate::classes(py)?;
                    let cls = if index == 0 {
                        &classes.ok
                    } else {
                        &classes.err
                    };
                    let value = payload.unwrap_or_else(|| py.None().into_bound(py));
                    let _ = cases;
                    cls.bind(py).call1((value,))?
                }
            }
        }
        Kind::Flags { cls, count } => {
            let bits: u32 = match (at, plan.size) {
                (At::Flat, _) => get::<u32>(lif, at)?,
                (At::Mem(_), 1) => get::<u8>(lif, at)?.into(),
                (At::Mem(_), 2) => get::<u16>(lif, at)?.into(),
                (At::Mem(_), 0) => 0,
                (At::Mem(_), _) => get::<u32>(lif, at)?,
            };
            let mask = if *count >= 32 {
                u32::MAX
            } else {
                (1u32 << count) - 1
            };
            cls.bind(py).call1((bits & mask,))?
        }
        Kind::Own(res) => {
            let handle = get::<u32>(lif, at)?;
            let resource = lif.lift_own(res.slot, handle)?;
            lifted_resource(py, res, resource, false, ctx)?
        }
        Kind::Borrow(res) => {
            let handle = get::<u32>(lif, at)?;
            let resource = lif.lift_borrow(res.slot, handle)?;
            lifted_resource(py, res, resource, true, ctx)?
        }
    })
}

/// Lifts a variant's case: its index and payload.
pub fn lift_case<'py>(
    py: Python<'py>,
    plan: &Plan,
    lif: &mut RawLifter<'_>,
    at: At,
    ctx: &mut Ctx<'_>,
) -> Result<(usize, Option<Bound<'py, PyAny>>), Fail> {
    let Kind::Variant {
        disc,
        payload_offset,
        cases,
        ..
    } = &plan.kind
    else {
        return Err(Fail::value(Exc::Weft, "not a variant"));
    };
    match at {
        At::Flat => {
            let index = lif.take::<u32>()?;
            let index = lif.check_discriminant(index, cases.len())? as usize;
            let mut used = 0;
            let payload = match &cases[index] {
                Some(case) => {
                    used = case.flat;
                    Some(lift(py, case, lif, At::Flat, ctx)?)
                }
                None => None,
            };
            lif.skip_flat(plan.flat - 1 - used)?;
            Ok((index, payload))
        }
        At::Mem(ptr) => {
            let index = lif.read_discriminant(ptr, *disc, cases.len())? as usize;
            let payload = match &cases[index] {
                Some(case) => Some(lift(py, case, lif, At::Mem(ptr + payload_offset), ctx)?),
                None => None,
            };
            Ok((index, payload))
        }
    }
}

/// The Python object for a resource handle that came out of the
/// component.
fn lifted_resource<'py>(
    py: Python<'py>,
    res: &Res,
    resource: RtResource,
    borrowed: bool,
    ctx: &mut Ctx<'_>,
) -> Result<Bound<'py, PyAny>, Fail> {
    match &res.kind {
        ResKind::Host(_, slab) => {
            let obj = slab.get(py, resource.rep()).ok_or_else(|| {
                Fail::Lift(LiftError::Handle(format!(
                    "no host object for {} rep {}",
                    res.desc.name,
                    resource.rep()
                )))
            })?;
            if !borrowed {
                ctx.host_owns.push(resource);
            }
            Ok(obj.into_bound(py))
        }
        ResKind::Exported(_) => {
            let core = ctx
                .core
                .cloned()
                .ok_or_else(|| Fail::value(Exc::Weft, "no instance to bind the resource to"))?;
            let cls = ctx.shared.class_of(py, &res.desc).ok_or_else(|| {
                Fail::value(
                    Exc::Weft,
                    format!("no class registered for the resource {}", res.desc.name),
                )
            })?;
            let obj = cls.call_method1("__new__", (&cls,))?;
            let r = obj.cast::<Resource>().map_err(PyErr::from)?;
            r.borrow_mut().held = Some(Held {
                core,
                res: resource,
                borrowed,
            });
            Ok(obj)
        }
    }
}

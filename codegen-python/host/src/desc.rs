//! Type descriptors: what generated code registers on import (`weft.U32`,
//! `weft.record(...)`, ...), as an immutable tree shared by every
//! instance. Checked against a component's types and compiled into a
//! [`Plan`](crate::plan::Plan) when a function is asked for.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple, PyType};

/// A type descriptor.
pub enum Desc {
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
    /// `list<u8>` as `bytes`.
    Bytes,
    List(Arc<Desc>),
    Tuple(Vec<Arc<Desc>>),
    Option {
        some: Arc<Desc>,
        wrap: bool,
    },
    Result {
        ok: Option<Arc<Desc>>,
        err: Option<Arc<Desc>>,
    },
    Record {
        cls: Py<PyType>,
        fields: Vec<Field>,
    },
    Variant {
        cases: Vec<Case>,
    },
    Enum {
        cls: Py<PyType>,
        cases: Vec<String>,
        /// The members, by case index.
        members: Vec<Py<PyAny>>,
    },
    Flags {
        cls: Py<PyType>,
        names: Vec<String>,
    },
    Own(Arc<ResourceDesc>),
    Borrow(Arc<ResourceDesc>),
}

/// A record's field: its WIT name, Python attribute and type.
pub struct Field {
    pub wit: String,
    pub attr: Py<PyString>,
    pub ty: Arc<Desc>,
}

/// A variant's case: its WIT name, class and payload type.
pub struct Case {
    pub wit: String,
    pub cls: Py<PyType>,
    pub payload: Option<Arc<Desc>>,
}

/// A resource type as registered: where the component has it, and the
/// class of its objects for an exported one (`None`: the host's).
pub struct ResourceDesc {
    /// Unique per `weft.resource(...)` call: instances key their resource
    /// state by it.
    pub id: u64,
    pub interface: Option<String>,
    pub name: String,
    pub cls: Option<Py<PyType>>,
}

impl ResourceDesc {
    /// The name the runtime finds the exported type under.
    pub fn export_path(&self) -> String {
        match &self.interface {
            Some(interface) => format!("{interface}#{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// WIT's spelling of the type, for messages.
impl fmt::Display for Desc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let py_name = |cls: &Py<PyType>| {
            Python::attach(|py| {
                cls.bind(py)
                    .qualname()
                    .map(|n| n.to_string())
                    .unwrap_or_else(|_| "?".into())
            })
        };
        match self {
            Desc::Bool => f.write_str("bool"),
            Desc::S8 => f.write_str("s8"),
            Desc::U8 => f.write_str("u8"),
            Desc::S16 => f.write_str("s16"),
            Desc::U16 => f.write_str("u16"),
            Desc::S32 => f.write_str("s32"),
            Desc::U32 => f.write_str("u32"),
            Desc::S64 => f.write_str("s64"),
            Desc::U64 => f.write_str("u64"),
            Desc::F32 => f.write_str("f32"),
            Desc::F64 => f.write_str("f64"),
            Desc::Char => f.write_str("char"),
            Desc::String => f.write_str("string"),
            Desc::Bytes => f.write_str("list<u8>"),
            Desc::List(t) => write!(f, "list<{t}>"),
            Desc::Tuple(items) => {
                f.write_str("tuple<")?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str(">")
            }
            Desc::Option { some, .. } => write!(f, "option<{some}>"),
            Desc::Result { ok, err } => match (ok, err) {
                (None, None) => f.write_str("result"),
                (Some(ok), None) => write!(f, "result<{ok}>"),
                (None, Some(err)) => write!(f, "result<_, {err}>"),
                (Some(ok), Some(err)) => write!(f, "result<{ok}, {err}>"),
            },
            Desc::Record { cls, .. } => write!(f, "record {}", py_name(cls)),
            Desc::Variant { cases } => {
                let names: Vec<&str> = cases.iter().map(|c| c.wit.as_str()).collect();
                write!(f, "variant {{ {} }}", names.join(", "))
            }
            Desc::Enum { cls, .. } => write!(f, "enum {}", py_name(cls)),
            Desc::Flags { cls, .. } => write!(f, "flags {}", py_name(cls)),
            Desc::Own(r) => write!(f, "own<{}>", r.name),
            Desc::Borrow(r) => write!(f, "borrow<{}>", r.name),
        }
    }
}

/// `weft.Type`: a descriptor made by the module's constants and functions.
#[pyclass(frozen, module = "weft", name = "Type")]
pub struct TypeDesc {
    pub desc: Arc<Desc>,
}

#[pymethods]
impl TypeDesc {
    fn __repr__(&self) -> String {
        format!("weft.Type({})", self.desc)
    }
}

/// `weft.ResourceType`: a resource type made by `weft.resource`.
#[pyclass(frozen, module = "weft", name = "ResourceType")]
pub struct ResourceTypeDesc {
    pub desc: Arc<ResourceDesc>,
}

#[pymethods]
impl ResourceTypeDesc {
    fn __repr__(&self) -> String {
        match &self.desc.interface {
            Some(i) => format!("weft.ResourceType({i:?}, {:?})", self.desc.name),
            None => format!("weft.ResourceType(None, {:?})", self.desc.name),
        }
    }
}

fn new_type(py: Python<'_>, desc: Desc) -> PyResult<Py<TypeDesc>> {
    Py::new(
        py,
        TypeDesc {
            desc: Arc::new(desc),
        },
    )
}

/// The descriptor inside a `weft.Type` argument, or a `TypeError`.
pub fn desc_of(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Arc<Desc>> {
    match obj.cast::<TypeDesc>() {
        Ok(t) => Ok(t.get().desc.clone()),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{what} must be a weft.Type, not {}",
            type_name(obj)
        ))),
    }
}

/// The descriptors of a sequence of `weft.Type`s.
pub fn descs_of(seq: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Arc<Desc>>> {
    let mut out = Vec::new();
    for (i, item) in seq.try_iter()?.enumerate() {
        out.push(desc_of(&item?, &format!("{what} {i}"))?);
    }
    Ok(out)
}

/// An optional descriptor (`None` for a missing type).
pub fn opt_desc_of(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<Arc<Desc>>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => desc_of(o, what).map(Some),
    }
}

/// The name of `obj`'s type, for messages.
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

#[pyfunction]
fn list_of(py: Python<'_>, element: &Bound<'_, PyAny>) -> PyResult<Py<TypeDesc>> {
    new_type(py, Desc::List(desc_of(element, "a list's element type")?))
}

#[pyfunction]
#[pyo3(signature = (*elements))]
fn tuple_of(py: Python<'_>, elements: &Bound<'_, PyTuple>) -> PyResult<Py<TypeDesc>> {
    new_type(py, Desc::Tuple(descs_of(elements, "tuple element")?))
}

#[pyfunction]
#[pyo3(signature = (some, *, wrap = false))]
fn option_of(py: Python<'_>, some: &Bound<'_, PyAny>, wrap: bool) -> PyResult<Py<TypeDesc>> {
    let some = desc_of(some, "an option's payload type")?;
    new_type(py, Desc::Option { some, wrap })
}

#[pyfunction]
fn result_of(
    py: Python<'_>,
    ok: Option<Bound<'_, PyAny>>,
    err: Option<Bound<'_, PyAny>>,
) -> PyResult<Py<TypeDesc>> {
    let ok = opt_desc_of(ok.as_ref(), "a result's ok type")?;
    let err = opt_desc_of(err.as_ref(), "a result's error type")?;
    new_type(py, Desc::Result { ok, err })
}

#[pyfunction]
fn record(
    py: Python<'_>,
    cls: Bound<'_, PyType>,
    fields: &Bound<'_, PyAny>,
) -> PyResult<Py<TypeDesc>> {
    let mut out = Vec::new();
    for field in fields.try_iter()? {
        let (wit, attr, ty): (String, Bound<'_, PyString>, Bound<'_, PyAny>) = field?.extract()?;
        let ty = desc_of(&ty, &format!("the type of field {wit}"))?;
        out.push(Field {
            wit,
            attr: attr.unbind(),
            ty,
        });
    }
    new_type(
        py,
        Desc::Record {
            cls: cls.unbind(),
            fields: out,
        },
    )
}

#[pyfunction]
fn variant(py: Python<'_>, cases: &Bound<'_, PyAny>) -> PyResult<Py<TypeDesc>> {
    let mut out = Vec::new();
    for case in cases.try_iter()? {
        let (wit, cls, payload): (String, Bound<'_, PyType>, Option<Bound<'_, PyAny>>) =
            case?.extract()?;
        let payload = opt_desc_of(payload.as_ref(), &format!("the payload of case {wit}"))?;
        out.push(Case {
            wit,
            cls: cls.unbind(),
            payload,
        });
    }
    if out.is_empty() {
        return Err(PyTypeError::new_err("a variant needs at least one case"));
    }
    new_type(py, Desc::Variant { cases: out })
}

#[pyfunction]
fn r#enum(py: Python<'_>, cls: Bound<'_, PyType>, cases: Vec<String>) -> PyResult<Py<TypeDesc>> {
    let mut members = Vec::with_capacity(cases.len());
    for i in 0..cases.len() {
        // Member i has the value i.
        members.push(cls.call1((i,))?.unbind());
    }
    new_type(
        py,
        Desc::Enum {
            cls: cls.unbind(),
            cases,
            members,
        },
    )
}

#[pyfunction]
fn flags(py: Python<'_>, cls: Bound<'_, PyType>, names: Vec<String>) -> PyResult<Py<TypeDesc>> {
    if names.len() > 32 {
        return Err(PyTypeError::new_err("flags of more than 32 names"));
    }
    new_type(
        py,
        Desc::Flags {
            cls: cls.unbind(),
            names,
        },
    )
}

#[pyfunction]
#[pyo3(signature = (interface, name, cls = None))]
fn resource(
    py: Python<'_>,
    interface: Option<String>,
    name: String,
    cls: Option<Bound<'_, PyType>>,
) -> PyResult<Py<ResourceTypeDesc>> {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    if let Some(cls) = &cls {
        if !cls.is_subclass_of::<crate::resource::Resource>()? {
            return Err(PyTypeError::new_err(format!(
                "resource class {} is not a weft.Resource",
                cls.qualname()?
            )));
        }
    }
    Py::new(
        py,
        ResourceTypeDesc {
            desc: Arc::new(ResourceDesc {
                id: NEXT.fetch_add(1, Ordering::Relaxed),
                interface,
                name,
                cls: cls.map(Bound::unbind),
            }),
        },
    )
}

fn resource_of(obj: &Bound<'_, PyAny>) -> PyResult<Arc<ResourceDesc>> {
    match obj.cast::<ResourceTypeDesc>() {
        Ok(r) => Ok(r.get().desc.clone()),
        Err(_) => Err(PyTypeError::new_err(format!(
            "expected a weft.ResourceType, not {}",
            type_name(obj)
        ))),
    }
}

#[pyfunction]
fn own(py: Python<'_>, resource: &Bound<'_, PyAny>) -> PyResult<Py<TypeDesc>> {
    new_type(py, Desc::Own(resource_of(resource)?))
}

#[pyfunction]
fn borrow(py: Python<'_>, resource: &Bound<'_, PyAny>) -> PyResult<Py<TypeDesc>> {
    new_type(py, Desc::Borrow(resource_of(resource)?))
}

/// Adds the descriptor classes, constants and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<TypeDesc>()?;
    m.add_class::<ResourceTypeDesc>()?;
    let constants = [
        ("BOOL", Desc::Bool),
        ("S8", Desc::S8),
        ("U8", Desc::U8),
        ("S16", Desc::S16),
        ("U16", Desc::U16),
        ("S32", Desc::S32),
        ("U32", Desc::U32),
        ("S64", Desc::S64),
        ("U64", Desc::U64),
        ("F32", Desc::F32),
        ("F64", Desc::F64),
        ("CHAR", Desc::Char),
        ("STRING", Desc::String),
        ("BYTES", Desc::Bytes),
    ];
    for (name, desc) in constants {
        m.add(name, new_type(py, desc)?)?;
    }
    m.add_function(wrap_pyfunction!(list_of, m)?)?;
    m.add_function(wrap_pyfunction!(tuple_of, m)?)?;
    m.add_function(wrap_pyfunction!(option_of, m)?)?;
    m.add_function(wrap_pyfunction!(result_of, m)?)?;
    m.add_function(wrap_pyfunction!(record, m)?)?;
    m.add_function(wrap_pyfunction!(variant, m)?)?;
    m.add_function(wrap_pyfunction!(r#enum, m)?)?;
    m.add_function(wrap_pyfunction!(flags, m)?)?;
    m.add_function(wrap_pyfunction!(resource, m)?)?;
    m.add_function(wrap_pyfunction!(own, m)?)?;
    m.add_function(wrap_pyfunction!(borrow, m)?)?;
    Ok(())
}

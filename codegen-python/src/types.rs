//! WIT types as Python: the annotation a value has, the `weft` type
//! descriptor the runtime converts it by, and the stem of an exception
//! class name; and the imports a module needs for them.
//!
//! | WIT | annotation | descriptor |
//! |---|---|---|
//! | `bool`, `s8`…`u64`, `f32`/`f64`, `char`, `string` | `bool`, `int`, `float`, `str` | `weft.BOOL`, `weft.S8`, …, `weft.STRING` |
//! | `list<u8>` | `bytes` | `weft.BYTES` |
//! | `list<T>` | `list[T]` | `weft.list_of(T)` |
//! | `tuple<A, B>` | `tuple[A, B]` | `weft.tuple_of(A, B)` |
//! | `option<T>` | `Optional[T]` | `weft.option_of(T)` |
//! | `option<option<T>>` | `Optional[weft.Some[Optional[T]]]` | `weft.option_of(..., wrap=True)` |
//! | `result<T, E>` (not returned) | `Union[weft.Ok[T], weft.Err[E]]` | `weft.result_of(T, E)` |
//! | named types, `own<R>`, `borrow<R>` | the class | its descriptor; `weft.own(R)`, `weft.borrow(R)` |

use std::cell::RefCell;
use std::collections::BTreeSet;

use weft_wit::wit_parser::{Handle, Type, TypeDefKind, TypeId};

use crate::plan::{is_option, ErrorClass, Plan};

/// What a module imports, collected while its code is written.
#[derive(Debug, Default)]
pub(crate) struct Imports {
    /// Names from `typing`.
    pub typing: BTreeSet<&'static str>,
    /// `Callable` from `collections.abc`.
    pub callable: bool,
    /// `dataclass` from `dataclasses`.
    pub dataclass: bool,
    /// Names from `enum`.
    pub enums: BTreeSet<&'static str>,
    /// `import functools as _functools`.
    pub functools: bool,
    /// `import os as _os`.
    pub os: bool,
    /// `from importlib import resources as _resources`.
    pub resources: bool,
    /// `import weft`.
    pub weft: bool,
    /// `from . import _support`.
    pub support: bool,
    /// Sibling modules, as (module, alias).
    pub modules: BTreeSet<(String, String)>,
    /// Sibling modules re-exported under their own names.
    pub public_modules: BTreeSet<String>,
    /// Names from sibling modules, as (module, name, local name).
    pub names: BTreeSet<(String, String, String)>,
}

impl Imports {
    /// The import statements, grouped as isort does: the standard
    /// library, `weft`, then the package's own modules.
    pub(crate) fn render(&self) -> String {
        let mut stdlib = Vec::new();
        // Under private names: a WIT interface may be called `os`.
        if self.functools {
            stdlib.push("import functools as _functools".to_string());
        }
        if self.os {
            stdlib.push("import os as _os".to_string());
        }
        if self.callable {
            stdlib.push("from collections.abc import Callable".to_string());
        }
        if self.dataclass {
            stdlib.push("from dataclasses import dataclass".to_string());
        }
        if !self.enums.is_empty() {
            stdlib.push(from_import("enum", &self.enums));
        }
        if self.resources {
            stdlib.push("from importlib import resources as _resources".to_string());
        }
        if !self.typing.is_empty() {
            stdlib.push(from_import("typing", &self.typing));
        }
        let mut groups = vec!["from __future__ import annotations".to_string()];
        if !stdlib.is_empty() {
            groups.push(stdlib.join("\n"));
        }
        if self.weft {
            groups.push("import weft".to_string());
        }
        let mut local = Vec::new();
        if self.support {
            local.push("from . import _support".to_string());
        }
        for module in &self.public_modules {
            local.push(format!("from . import {module} as {module}"));
        }
        for (module, alias) in &self.modules {
            local.push(format!("from . import {module} as {alias}"));
        }
        for (module, name, local_name) in &self.names {
            local.push(format!("from .{module} import {name} as {local_name}"));
        }
        if !local.is_empty() {
            groups.push(local.join("\n"));
        }
        groups.join("\n\n")
    }
}

fn from_import(module: &str, names: &BTreeSet<&'static str>) -> String {
    let names: Vec<&str> = names.iter().copied().collect();
    format!("from {module} import {}", names.join(", "))
}

/// Renders types as seen from one module, noting what it must import.
pub(crate) struct Renderer<'p, 'a> {
    plan: &'p Plan<'a>,
    module: usize,
    imports: RefCell<Imports>,
}

impl<'p, 'a> Renderer<'p, 'a> {
    /// A renderer for module `module` of `plan`.
    pub(crate) fn new(plan: &'p Plan<'a>, module: usize) -> Renderer<'p, 'a> {
        Renderer {
            plan,
            module,
            imports: RefCell::new(Imports::default()),
        }
    }

    /// Notes imports, for code written outside this renderer.
    pub(crate) fn imports(&self) -> std::cell::RefMut<'_, Imports> {
        self.imports.borrow_mut()
    }

    /// What the module imports, once its code is written.
    pub(crate) fn into_imports(self) -> Imports {
        self.imports.into_inner()
    }

    /// The Python type of a value of `ty`.
    pub(crate) fn annotation(&self, ty: &Type) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::U8
            | Type::U16
            | Type::U32
            | Type::U64
            | Type::S8
            | Type::S16
            | Type::S32
            | Type::S64 => "int".into(),
            Type::F32 | Type::F64 => "float".into(),
            Type::Char | Type::String => "str".into(),
            Type::ErrorContext => "object".into(),
            Type::Id(id) if self.plan.resolve.types[*id].name.is_some() => self.class(*id),
            Type::Id(id) => self.kind_annotation(&self.plan.resolve.types[*id].kind),
        }
    }

    /// The Python type of the structure `kind` (the right-hand side of an
    /// alias, or an anonymous type).
    pub(crate) fn kind_annotation(&self, kind: &TypeDefKind) -> String {
        let resolve = self.plan.resolve;
        match kind {
            TypeDefKind::List(Type::U8) => "bytes".into(),
            TypeDefKind::List(t) => format!("list[{}]", self.annotation(t)),
            TypeDefKind::Tuple(t) if t.types.is_empty() => "tuple[()]".into(),
            TypeDefKind::Tuple(t) => {
                let items: Vec<String> = t.types.iter().map(|t| self.annotation(t)).collect();
                format!("tuple[{}]", items.join(", "))
            }
            TypeDefKind::Option(t) => {
                self.typing("Optional");
                if is_option(resolve, t) {
                    self.imports().weft = true;
                    format!("Optional[weft.Some[{}]]", self.annotation(t))
                } else {
                    format!("Optional[{}]", self.annotation(t))
                }
            }
            TypeDefKind::Result(r) => {
                self.typing("Union");
                self.imports().weft = true;
                format!(
                    "Union[weft.Ok[{}], weft.Err[{}]]",
                    self.optional_annotation(r.ok.as_ref()),
                    self.optional_annotation(r.err.as_ref())
                )
            }
            TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => self.class(*r),
            TypeDefKind::Type(t) => self.annotation(t),
            // Named kinds are rendered by name; the rest are refused by
            // the plan before anything is written.
            _ => "object".into(),
        }
    }

    /// The annotation of `ty`, or `None` for a missing type.
    pub(crate) fn optional_annotation(&self, ty: Option<&Type>) -> String {
        ty.map_or_else(|| "None".into(), |t| self.annotation(t))
    }

    /// The `weft` descriptor of `ty`.
    pub(crate) fn descriptor(&self, ty: &Type) -> String {
        let primitive = match ty {
            Type::Bool => "BOOL",
            Type::U8 => "U8",
            Type::U16 => "U16",
            Type::U32 => "U32",
            Type::U64 => "U64",
            Type::S8 => "S8",
            Type::S16 => "S16",
            Type::S32 => "S32",
            Type::S64 => "S64",
            Type::F32 => "F32",
            Type::F64 => "F64",
            Type::Char => "CHAR",
            Type::String => "STRING",
            Type::ErrorContext => "ERROR_CONTEXT",
            Type::Id(id) if self.plan.resolve.types[*id].name.is_some() => {
                return self.named_descriptor(*id)
            }
            Type::Id(id) => return self.kind_descriptor(&self.plan.resolve.types[*id].kind),
        };
        self.imports().weft = true;
        format!("weft.{primitive}")
    }

    /// The descriptor of the structure `kind`.
    pub(crate) fn kind_descriptor(&self, kind: &TypeDefKind) -> String {
        let resolve = self.plan.resolve;
        let d = match kind {
            TypeDefKind::List(Type::U8) => "weft.BYTES".into(),
            TypeDefKind::List(t) => format!("weft.list_of({})", self.descriptor(t)),
            TypeDefKind::Tuple(t) => {
                let items: Vec<String> = t.types.iter().map(|t| self.descriptor(t)).collect();
                format!("weft.tuple_of({})", items.join(", "))
            }
            TypeDefKind::Option(t) if is_option(resolve, t) => {
                format!("weft.option_of({}, wrap=True)", self.descriptor(t))
            }
            TypeDefKind::Option(t) => format!("weft.option_of({})", self.descriptor(t)),
            TypeDefKind::Result(r) => format!(
                "weft.result_of({}, {})",
                self.optional_descriptor(r.ok.as_ref()),
                self.optional_descriptor(r.err.as_ref())
            ),
            TypeDefKind::Handle(Handle::Own(r)) => {
                format!("weft.own({})", self.named_descriptor(*r))
            }
            TypeDefKind::Handle(Handle::Borrow(r)) => {
                format!("weft.borrow({})", self.named_descriptor(*r))
            }
            TypeDefKind::Type(t) => return self.descriptor(t),
            _ => "None".into(),
        };
        self.imports().weft = true;
        d
    }

    /// The descriptor of `ty`, or `None` for a missing type.
    pub(crate) fn optional_descriptor(&self, ty: Option<&Type>) -> String {
        ty.map_or_else(|| "None".into(), |t| self.descriptor(t))
    }

    /// A word naming `ty` in CapWords, for the exception class of an
    /// anonymous error type (`String`, `PointList`, `OptionalU32`).
    pub(crate) fn stem(&self, ty: &Type) -> String {
        let resolve = self.plan.resolve;
        match ty {
            Type::Bool => "Bool".into(),
            Type::U8 => "U8".into(),
            Type::U16 => "U16".into(),
            Type::U32 => "U32".into(),
            Type::U64 => "U64".into(),
            Type::S8 => "S8".into(),
            Type::S16 => "S16".into(),
            Type::S32 => "S32".into(),
            Type::S64 => "S64".into(),
            Type::F32 => "F32".into(),
            Type::F64 => "F64".into(),
            Type::Char => "Char".into(),
            Type::String => "String".into(),
            Type::ErrorContext => "ErrorContext".into(),
            Type::Id(id) if resolve.types[*id].name.is_some() => {
                let named = self.plan.lookup(*id, self.module).1;
                named.class.trim_end_matches('_').to_string()
            }
            Type::Id(id) => match &resolve.types[*id].kind {
                TypeDefKind::List(Type::U8) => "Bytes".into(),
                TypeDefKind::List(t) => format!("{}List", self.stem(t)),
                TypeDefKind::Tuple(t) => {
                    let items: String = t.types.iter().map(|t| self.stem(t)).collect();
                    format!("{items}Tuple")
                }
                TypeDefKind::Option(t) => format!("Optional{}", self.stem(t)),
                TypeDefKind::Result(_) => "Result".into(),
                TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => self.stem(&Type::Id(*r)),
                TypeDefKind::Type(t) => self.stem(t),
                _ => "Value".into(),
            },
        }
    }

    /// The exception class for `class`, as this module names it.
    pub(crate) fn exception(&self, class: &ErrorClass) -> String {
        match class {
            ErrorClass::Base => {
                self.imports().weft = true;
                "weft.ResultError".into()
            }
            ErrorClass::Named(home, id) => {
                let name = self.plan.named(*home, *id).exception.clone();
                self.qualify(*home, &name.unwrap_or_default())
            }
            ErrorClass::Anonymous(home, name) => self.qualify(*home, name),
        }
    }

    /// The class (or alias) of the named type `id`.
    pub(crate) fn class(&self, id: TypeId) -> String {
        let (home, named) = self.plan.lookup(id, self.module);
        self.qualify(home, &named.class)
    }

    /// The descriptor variable of the named type `id`.
    pub(crate) fn named_descriptor(&self, id: TypeId) -> String {
        let (home, named) = self.plan.lookup(id, self.module);
        self.qualify(home, &named.descriptor)
    }

    /// `name` of module `home`, qualified by its alias unless it is this
    /// module.
    pub(crate) fn qualify(&self, home: usize, name: &str) -> String {
        if home == self.module {
            return name.to_string();
        }
        let module = &self.plan.modules[home];
        self.imports()
            .modules
            .insert((module.name.clone(), module.alias.clone()));
        format!("{}.{name}", module.alias)
    }

    /// Notes a name imported from `typing`.
    pub(crate) fn typing(&self, name: &'static str) {
        self.imports().typing.insert(name);
    }
}

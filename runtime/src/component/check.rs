//! Link-time checks: whether an item given for an import (by the linker,
//! or by an enclosing component's `instantiate`) is what the import's
//! type asks for. Core modules are checked by their module type (exports
//! covariantly, imports contravariantly, as the Component Model's
//! subtyping has it), instances export by export, functions by shape.
//! Resource types are checked where they are bound (in `instance.rs`).

use std::collections::HashMap;
use std::sync::Arc;

use wasmparser::component_types::{ComponentCoreModuleTypeId, ResourceId};
use wasmparser::types::{EntityType, TypesRef};

use super::instance::{export, Item};
use super::plan::ImportKind;
use super::resources::ResourceType;
use super::types::{FuncType, Type};
use crate::instance::limits_match;
use crate::module::info::{global_type, memory_type, table_type};
use crate::module::Module;
use crate::store::StoreInner;
use crate::types::{ExternType, FuncType as CoreFuncType};

/// The type of a core module an import asks for: the imports it may have
/// and the exports it must have.
#[derive(Debug, Clone, Default)]
pub(crate) struct CoreModuleType {
    /// Imports, as (module, name, type).
    pub imports: Vec<(String, String, ExternType)>,
    /// Exports, as (name, type).
    pub exports: Vec<(String, ExternType)>,
}

impl CoreModuleType {
    /// The module type `id` as the validator resolved it. Entities weft
    /// cannot run (tags, 64-bit memories) are left out, so they go
    /// unchecked.
    pub fn from_types(types: TypesRef<'_>, id: ComponentCoreModuleTypeId) -> CoreModuleType {
        let ty = &types[id];
        CoreModuleType {
            imports: ty
                .imports
                .iter()
                .filter_map(|((module, name), entity)| {
                    Some((module.clone(), name.clone(), extern_type(types, entity)?))
                })
                .collect(),
            exports: ty
                .exports
                .iter()
                .filter_map(|(name, entity)| Some((name.clone(), extern_type(types, entity)?)))
                .collect(),
        }
    }
}

/// weft's type of a core entity type, if weft runs such entities.
fn extern_type(types: TypesRef<'_>, entity: &EntityType) -> Option<ExternType> {
    Some(match entity {
        EntityType::Func(id) | EntityType::FuncExact(id) => {
            let func = types[*id].unwrap_func();
            ExternType::Func(CoreFuncType::from_wasm(func).ok()?)
        }
        EntityType::Table(t) => ExternType::Table(table_type(t).ok()?),
        EntityType::Memory(m) => ExternType::Memory(memory_type(m).ok()?),
        EntityType::Global(g) => ExternType::Global(global_type(g).ok()?),
        EntityType::Tag(_) => return None,
    })
}

/// A link error with `message`.
fn link(message: impl Into<String>) -> crate::error::Error {
    crate::error::Error::Link {
        message: message.into(),
    }
}

/// Checks that `given` satisfies an import (or imported instance export)
/// `name` that asks for `expected`; `bound` are the resource types bound
/// so far.
pub(crate) fn check_item(
    inner: &StoreInner,
    name: &str,
    expected: &ImportKind,
    given: &Item,
    bound: &HashMap<ResourceId, ResourceType>,
) -> Result<(), crate::error::Error> {
    match (expected, given) {
        (ImportKind::Module(ty), Item::Module(module)) => {
            check_module(ty, module).map_err(|e| link(format!("import `{name}`: {e}")))
        }
        (ImportKind::Func(ty), Item::Func(f)) => {
            let actual = inner.component.funcs[*f as usize].ty();
            if same_shape(actual, ty) {
                Ok(())
            } else {
                Err(link(format!(
                    "import `{name}` expects {ty}, but was given {actual}"
                )))
            }
        }
        (ImportKind::Func(ty), Item::RawHostFunc(def)) => match &def.ty {
            Some(declared) if !same_shape(declared, ty) => Err(link(format!(
                "import `{name}` expects {ty}, but the raw host function given was declared {declared}"
            ))),
            _ => Ok(()),
        },
        (
            ImportKind::Func(_) | ImportKind::AnyFunc,
            Item::Func(_) | Item::HostFunc(_) | Item::RawHostFunc(_),
        )
        | (ImportKind::Component, Item::Component(_)) => Ok(()),
        (ImportKind::Instance(exports), Item::Instance(items)) => {
            for (export_name, kind) in exports.iter() {
                let path = format!("{name}/{export_name}");
                match export(items, export_name) {
                    Some(item) => check_item(inner, &path, kind, item, bound)?,
                    // Resource types are checked, and may be absent, where
                    // they are bound; what needs nothing may be absent.
                    None if matches!(kind, ImportKind::Type(_)) || is_vacuous(kind, bound) => {}
                    None => {
                        return Err(link(format!(
                            "instance export `{export_name}` of import `{name}` was not found"
                        )))
                    }
                }
            }
            Ok(())
        }
        (ImportKind::Type(_), Item::Type(_)) => Ok(()),
        (expected, given) => Err(link(format!(
            "import `{name}`: expected {} found {}",
            expected.describe(),
            given.kind()
        ))),
    }
}

/// Whether an import of `kind` that nobody supplied can still be
/// satisfied: plain types, resource types already bound (`eq` to an
/// earlier one), and instances of nothing but those need no definition.
pub(crate) fn is_vacuous(kind: &ImportKind, bound: &HashMap<ResourceId, ResourceType>) -> bool {
    match kind {
        ImportKind::Type(None) => true,
        ImportKind::Type(Some(id)) => bound.contains_key(id),
        ImportKind::Instance(exports) => exports.iter().all(|(_, k)| is_vacuous(k, bound)),
        _ => false,
    }
}

/// Checks that `module` can stand in for a module of type `expected`:
/// it has every export `expected` lists, each of a subtype, and imports
/// nothing `expected` does not list, each of a supertype.
pub(crate) fn check_module(expected: &CoreModuleType, module: &Module) -> Result<(), String> {
    for (name, want) in &expected.exports {
        let actual = module
            .exports()
            .find(|(n, _)| n == name)
            .map(|(_, ty)| ty)
            .ok_or_else(|| format!("module export `{name}` not defined"))?;
        if kind_of(&actual) != kind_of(want) {
            return Err(format!(
                "expected {} found {}",
                kind_of(want),
                kind_of(&actual)
            ));
        }
        if !is_subtype(&actual, want) {
            return Err(format!(
                "export `{name}` has the wrong type: expected type `{want}`, found type `{actual}`"
            ));
        }
    }
    for (module_name, name, needed) in module.imports() {
        let declared = expected
            .imports
            .iter()
            .find(|(m, n, _)| m == module_name && n == name)
            .map(|(_, _, ty)| ty)
            .ok_or_else(|| format!("module import `{module_name}::{name}` not defined"))?;
        if kind_of(declared) != kind_of(&needed) {
            return Err(format!(
                "expected {} found {}",
                kind_of(&needed),
                kind_of(declared)
            ));
        }
        if !is_subtype(declared, &needed) {
            return Err(format!(
                "module import `{module_name}::{name}` has the wrong type: expected type `{needed}`, found type `{declared}`"
            ));
        }
    }
    Ok(())
}

/// The kind of a core entity, as error messages name it.
fn kind_of(ty: &ExternType) -> &'static str {
    match ty {
        ExternType::Func(_) => "func",
        ExternType::Table(_) => "table",
        ExternType::Memory(_) => "memory",
        ExternType::Global(_) => "global",
    }
}

/// Whether an entity of type `a` can be used where `b` is asked for:
/// functions and globals must agree exactly, tables and memories may be
/// larger and more tightly bounded.
fn is_subtype(a: &ExternType, b: &ExternType) -> bool {
    match (a, b) {
        (ExternType::Func(a), ExternType::Func(b)) => a == b,
        (ExternType::Global(a), ExternType::Global(b)) => a == b,
        (ExternType::Table(a), ExternType::Table(b)) => {
            a.element == b.element && limits_match((a.minimum, a.maximum), (b.minimum, b.maximum))
        }
        (ExternType::Memory(a), ExternType::Memory(b)) => {
            limits_match((a.minimum, a.maximum), (b.minimum, b.maximum))
        }
        _ => false,
    }
}

/// Whether two function types agree apart from which resource slots
/// their handles name (slots are numbered per component definition).
pub(crate) fn same_shape(a: &FuncType, b: &FuncType) -> bool {
    a.params.len() == b.params.len()
        && a.params
            .iter()
            .zip(&b.params)
            .all(|(x, y)| same_type(&x.1, &y.1))
        && same_option(a.result.as_ref(), b.result.as_ref())
}

/// Whether both are absent, or both present and of the same shape.
fn same_option(a: Option<&Type>, b: Option<&Type>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => same_type(x, y),
        (None, None) => true,
        _ => false,
    }
}

/// Whether two value types agree apart from resource slots.
fn same_type(a: &Type, b: &Type) -> bool {
    match (a, b) {
        (Type::Own(_), Type::Own(_)) | (Type::Borrow(_), Type::Borrow(_)) => true,
        (Type::List(a), Type::List(b)) | (Type::Option(a), Type::Option(b)) => same_type(a, b),
        (Type::Record(a), Type::Record(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| x.0 == y.0 && same_type(&x.1, &y.1))
        }
        (Type::Tuple(a), Type::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_type(x, y))
        }
        (Type::Variant(a), Type::Variant(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| x.0 == y.0 && same_option(x.1.as_ref(), y.1.as_ref()))
        }
        (Type::Result { ok: a1, err: a2 }, Type::Result { ok: b1, err: b2 }) => {
            same_option(a1.as_deref(), b1.as_deref()) && same_option(a2.as_deref(), b2.as_deref())
        }
        (a, b) => a == b,
    }
}

impl ImportKind {
    /// What an import of this kind asks for, as error messages name it.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            ImportKind::Module(_) => "module",
            ImportKind::Func(_) | ImportKind::AnyFunc => "func",
            ImportKind::Component => "component",
            ImportKind::Instance(_) => "instance",
            ImportKind::Type(Some(_)) => "resource",
            ImportKind::Type(None) => "type",
        }
    }
}

/// An instance type of no exports, for imports nobody supplied that need
/// nothing.
pub(crate) fn empty_instance() -> Item {
    Item::Instance(Arc::new(Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{GlobalType, MemoryType, Mutability, RefType, TableType, ValType};

    fn table(minimum: u32, maximum: Option<u32>) -> ExternType {
        ExternType::Table(TableType {
            element: RefType::FuncRef,
            minimum,
            maximum,
        })
    }

    #[test]
    fn larger_tables_and_memories_are_subtypes() {
        assert!(is_subtype(&table(2, None), &table(1, None)));
        assert!(!is_subtype(&table(0, None), &table(1, None)));
        assert!(is_subtype(&table(1, Some(2)), &table(1, Some(3))));
        assert!(!is_subtype(&table(1, None), &table(1, Some(3))));
        let memory = |minimum| {
            ExternType::Memory(MemoryType {
                minimum,
                maximum: None,
            })
        };
        assert!(is_subtype(&memory(2), &memory(1)));
        assert!(!is_subtype(&memory(1), &memory(2)));
        let global = |mutability| {
            ExternType::Global(GlobalType {
                content: ValType::I32,
                mutability,
            })
        };
        assert!(is_subtype(
            &global(Mutability::Const),
            &global(Mutability::Const)
        ));
        assert!(!is_subtype(
            &global(Mutability::Var),
            &global(Mutability::Const)
        ));
        assert!(!is_subtype(&memory(1), &table(1, None)));
    }

    #[test]
    fn shapes_ignore_resource_slots_only() {
        let f = |t: Type| FuncType {
            params: vec![("x".into(), t)],
            result: None,
        };
        assert!(same_shape(&f(Type::Own(0)), &f(Type::Own(3))));
        assert!(!same_shape(&f(Type::Own(0)), &f(Type::Borrow(0))));
        assert!(same_shape(
            &f(Type::List(Box::new(Type::Borrow(1)))),
            &f(Type::List(Box::new(Type::Borrow(2))))
        ));
        assert!(!same_shape(&f(Type::U32), &f(Type::S32)));
    }

    #[test]
    fn vacuous_imports_need_nothing_but_plain_or_bound_types() {
        let none = HashMap::new();
        let nested = ImportKind::Instance(Arc::from(vec![
            ("t".to_string(), ImportKind::Type(None)),
            ("i".to_string(), ImportKind::Instance(Arc::from(Vec::new()))),
        ]));
        assert!(is_vacuous(&nested, &none));
        let with_func =
            ImportKind::Instance(Arc::from(vec![("f".to_string(), ImportKind::AnyFunc)]));
        assert!(!is_vacuous(&with_func, &none));
    }
}

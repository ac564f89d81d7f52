//! Instantiating a component: running a definition's plan, step by step,
//! over fresh index spaces, with the imports the linker (or an enclosing
//! component) supplies.

use std::collections::HashMap;
use std::sync::Arc;

use wasmparser::component_types::ResourceId;
use wasmparser::ComponentExternalKind;

use super::call::{call_lowered, resource_drop, Lowered};
use super::check::{check_item, empty_instance, is_vacuous};
use super::plan::{
    Capture, CoreSort, Definition, ImportKind, ItemRef, OuterSort, ResourceOp, Step,
};
use super::raw::RawTarget;
use super::resources::{Handle, ResourceType};
use super::state::{trap, ComponentFuncData, Dtor, Lifted, RuntimeOptions};
use crate::error::Error;
use crate::externals::{Global, Memory, Table};
use crate::func::{Func, HostCallable};
use crate::instance::{instantiate as instantiate_module, Extern, Instance as CoreInstance};
use crate::module::Module;
use crate::store::StoreInner;
use crate::types::{FuncType as CoreFuncType, ValType};
use crate::values::Val as CoreVal;

/// An item a component instance exports or an import is given.
#[derive(Clone)]
pub(crate) enum Item {
    /// A core module.
    Module(Module),
    /// A component function, by store index.
    Func(u32),
    /// A component: its definition and what its outer aliases captured.
    Component(Arc<Closure>),
    /// A component instance's exports.
    Instance(Arc<Exports>),
    /// A type: the resource type, if it is one.
    Type(Option<ResourceType>),
    /// A host function not yet given a type (it takes the type of the
    /// import it satisfies).
    HostFunc(Arc<super::state::HostComponentFn>),
    /// A raw host function (`func_raw`), likewise.
    RawHostFunc(Arc<super::raw::RawHostDef>),
}

impl Item {
    /// The item's kind, as link errors name it.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Item::Module(_) => "module",
            Item::Func(_) | Item::HostFunc(_) | Item::RawHostFunc(_) => "func",
            Item::Component(_) => "component",
            Item::Instance(_) => "instance",
            Item::Type(Some(_)) => "resource",
            Item::Type(None) => "type",
        }
    }
}

/// A component as a value: a definition, and the modules and components
/// of enclosing components its outer aliases refer to (taken when the
/// enclosing component made it).
pub(crate) struct Closure {
    /// The definition.
    pub def: Arc<Definition>,
    /// The captured items, in the order of `def.captures`.
    pub captured: Vec<Item>,
}

impl Closure {
    /// A definition that captures nothing (a root component).
    pub fn root(def: Arc<Definition>) -> Arc<Closure> {
        Arc::new(Closure {
            def,
            captured: Vec::new(),
        })
    }
}

/// A component instance's exports, in order.
pub(crate) type Exports = Vec<(String, Item)>;

/// Finds the export `name`.
pub(crate) fn export<'a>(exports: &'a Exports, name: &str) -> Option<&'a Item> {
    exports.iter().find(|(n, _)| n == name).map(|(_, i)| i)
}

/// A core instance in a component's index space.
enum CoreInstanceItem {
    /// An instance of a core module.
    Module(CoreInstance),
    /// Core items bundled under names.
    Bag(Vec<(String, Extern)>),
}

/// A component instance's index spaces while its plan runs.
#[derive(Default)]
struct Frame {
    modules: Vec<Module>,
    core_instances: Vec<CoreInstanceItem>,
    core_funcs: Vec<Func>,
    core_memories: Vec<Memory>,
    core_tables: Vec<Table>,
    core_globals: Vec<Global>,
    funcs: Vec<u32>,
    components: Vec<Arc<Closure>>,
    instances: Vec<Arc<Exports>>,
    resources: HashMap<ResourceId, ResourceType>,
    exports: Exports,
    /// What the component's outer aliases captured.
    captured: Vec<Item>,
}

fn link(message: impl Into<String>) -> Error {
    Error::Link {
        message: message.into(),
    }
}

/// Instantiates `component` with `imports` (by name), inheriting the
/// resource bindings of an enclosing component.
pub(crate) fn instantiate(
    inner: &mut StoreInner,
    component: &Closure,
    imports: &[(String, Item)],
    inherited: &HashMap<ResourceId, ResourceType>,
) -> Result<Exports, Error> {
    if let Some(name) = first_missing_import(&component.def, imports) {
        return Err(link(format!("missing import `{name}`")));
    }
    let state = inner.component.new_instance();
    let mut frame = Frame {
        resources: inherited.clone(),
        captured: component.captured.clone(),
        ..Frame::default()
    };
    // While its core instances start, the instance is running: calls back
    // into it (its own lifted functions, lowered and called from a start
    // function) would re-enter it.
    inner.component.instances[state as usize].may_enter = false;
    let outcome = component
        .def
        .steps
        .iter()
        .try_for_each(|step| run_step(inner, &component.def, state, &mut frame, imports, step));
    inner.component.instances[state as usize].may_enter = true;
    outcome.map(|()| frame.exports)
}

/// The first import of `def` that nobody supplied and that certainly
/// needs a definition (so that a missing import is reported as such,
/// before the exports of the imports that were given are checked).
/// Resource types may be left out when declared equal to types bound
/// while instantiating, so they are left to the steps to judge.
fn first_missing_import<'d>(def: &'d Definition, imports: &[(String, Item)]) -> Option<&'d str> {
    def.imports
        .iter()
        .find(|(name, kind)| {
            !imports.iter().any(|(given, _)| given == name) && needs_definition(kind)
        })
        .map(|(name, _)| name.as_str())
}

/// Whether an import of `kind` needs a definition whatever resource types
/// are bound.
fn needs_definition(kind: &ImportKind) -> bool {
    match kind {
        ImportKind::Type(_) => false,
        ImportKind::Instance(exports) => exports.iter().any(|(_, k)| needs_definition(k)),
        _ => true,
    }
}

fn run_step(
    inner: &mut StoreInner,
    def: &Definition,
    state: u32,
    frame: &mut Frame,
    imports: &[(String, Item)],
    step: &Step,
) -> Result<(), Error> {
    match step {
        Step::Import { name, kind, binds } => {
            let given = imports
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, item)| item.clone());
            let item = match (given, kind) {
                (Some(item), _) => item,
                // An import of a plain (non-resource) type needs no value,
                // nor does one equal to a resource type already bound
                // (`(type (eq ..))`, as `use` in a world makes), nor an
                // instance of nothing but such types.
                (None, ImportKind::Type(id)) if is_vacuous(kind, &frame.resources) => {
                    Item::Type(id.and_then(|id| frame.resources.get(&id).copied()))
                }
                (None, ImportKind::Instance(_)) if is_vacuous(kind, &frame.resources) => {
                    empty_instance()
                }
                (None, _) => {
                    return Err(link(format!("missing import `{name}`: it was not found")))
                }
            };
            check_item(inner, name, kind, &item, &frame.resources)?;
            push_import(inner, frame, kind, item.clone());
            bind(frame, &item, binds, name)?;
        }
        Step::Module(i) => frame.modules.push(def.modules[*i].clone()),
        Step::Component(i) => {
            let closure = close(frame, &def.components[*i]);
            frame.components.push(closure);
        }
        Step::Captured(sort, k) => {
            let item = frame.captured[*k as usize].clone();
            push_outer(frame, *sort, item);
        }
        Step::Duplicate(sort, index) => {
            let item = frame_item(frame, *sort, *index);
            push_outer(frame, *sort, item);
        }
        Step::CoreInstantiate { module, args } => {
            let module = frame.modules[*module as usize].clone();
            let mut externs = Vec::new();
            let mut types = Vec::new();
            for (module_name, name, _) in module.imports() {
                let instance = args
                    .iter()
                    .find(|(n, _)| n == module_name)
                    .map(|(_, i)| *i)
                    .ok_or_else(|| link(format!("no core instance given for `{module_name}`")))?;
                let item = core_export(inner, frame, instance, name).ok_or_else(|| {
                    link(format!(
                        "core instance `{module_name}` has no export `{name}`"
                    ))
                })?;
                types.push(item.ty_in(inner));
                externs.push(item);
            }
            let instance = instantiate_module(inner, &module, &externs, &types)?;
            frame
                .core_instances
                .push(CoreInstanceItem::Module(instance));
        }
        Step::CoreInstanceFromExports(exports) => {
            let items = exports
                .iter()
                .map(|(name, sort, index)| (name.clone(), core_item(frame, *sort, *index)))
                .collect();
            frame.core_instances.push(CoreInstanceItem::Bag(items));
        }
        Step::CoreAlias {
            instance,
            name,
            sort,
        } => {
            let item = core_export(inner, frame, *instance, name)
                .ok_or_else(|| link(format!("core instance has no export `{name}`")))?;
            match (sort, item) {
                (CoreSort::Func, Extern::Func(f)) => frame.core_funcs.push(f),
                (CoreSort::Memory, Extern::Memory(m)) => frame.core_memories.push(m),
                (CoreSort::Table, Extern::Table(t)) => frame.core_tables.push(t),
                (CoreSort::Global, Extern::Global(g)) => frame.core_globals.push(g),
                _ => return Err(link(format!("core export `{name}` is of another kind"))),
            }
        }
        Step::Instantiate {
            component,
            args,
            binds,
        } => {
            let child = frame.components[*component as usize].clone();
            let args: Vec<(String, Item)> = args
                .iter()
                .map(|(name, r)| Ok((name.clone(), resolve(frame, r)?)))
                .collect::<Result<_, Error>>()?;
            let exports = instantiate(inner, &child, &args, &frame.resources)?;
            let item = Item::Instance(Arc::new(exports));
            bind(frame, &item, binds, "instance")?;
            if let Item::Instance(exports) = item {
                frame.instances.push(exports);
            }
        }
        Step::InstanceFromExports(exports) => {
            let items = exports
                .iter()
                .map(|(name, r)| Ok((name.clone(), resolve(frame, r)?)))
                .collect::<Result<Exports, Error>>()?;
            frame.instances.push(Arc::new(items));
        }
        Step::Alias {
            instance,
            name,
            kind,
            binds,
            func_type,
        } => {
            let item = match export(&frame.instances[*instance as usize], name) {
                Some(item) => item.clone(),
                // A plain type, or one equal to a resource type already
                // bound, needs no definition.
                None if *kind == ComponentExternalKind::Type
                    && binds.iter().all(|(_, id)| frame.resources.contains_key(id)) =>
                {
                    return Ok(());
                }
                None => return Err(link(format!("instance has no export `{name}`"))),
            };
            bind(frame, &item, binds, name)?;
            match (kind, item) {
                (ComponentExternalKind::Func, Item::Func(f)) => frame.funcs.push(f),
                (ComponentExternalKind::Func, Item::HostFunc(func)) => {
                    let ty = func_type
                        .clone()
                        .ok_or_else(|| link(format!("function `{name}` has no type")))?;
                    let index = inner
                        .component
                        .add_func(ComponentFuncData::Host { ty, func });
                    frame.funcs.push(index);
                }
                (ComponentExternalKind::Func, Item::RawHostFunc(def)) => {
                    let ty = func_type
                        .clone()
                        .ok_or_else(|| link(format!("function `{name}` has no type")))?;
                    let func = def.func.clone();
                    let index = inner
                        .component
                        .add_func(ComponentFuncData::RawHost { ty, func });
                    frame.funcs.push(index);
                }
                (ComponentExternalKind::Module, Item::Module(m)) => frame.modules.push(m),
                (ComponentExternalKind::Component, Item::Component(c)) => frame.components.push(c),
                (ComponentExternalKind::Instance, Item::Instance(i)) => frame.instances.push(i),
                (ComponentExternalKind::Type, Item::Type(_)) => {}
                (_, item) => {
                    return Err(link(format!(
                        "export `{name}` is a {}, not what was aliased",
                        item.kind()
                    )))
                }
            }
        }
        Step::Lift {
            core_func,
            ty,
            options,
        } => {
            let lifted = Lifted {
                core: frame.core_funcs[*core_func as usize],
                signature: ty.signature(false),
                ty: ty.clone(),
                options: runtime_options(frame, options),
                instance: state,
                resources: slot_types(def, frame),
            };
            let index = inner
                .component
                .add_func(ComponentFuncData::Lifted(Arc::new(lifted)));
            frame.funcs.push(index);
        }
        Step::Lower { func, ty, options } => {
            let signature = ty.signature(true);
            let core_ty = CoreFuncType::new(signature.params.clone(), signature.results.clone());
            let target = frame.funcs[*func as usize];
            let raw = match &inner.component.funcs[target as usize] {
                ComponentFuncData::RawHost { func, .. } => Some(RawTarget::new(func.clone(), ty)),
                _ => None,
            };
            let lowered = Lowered {
                target,
                raw,
                ty: ty.clone(),
                signature,
                options: runtime_options(frame, options),
                instance: state,
                resources: slot_types(def, frame),
            };
            let callable = HostCallable::WithStore(Box::new(move |inner, args, results| {
                call_lowered(inner, &lowered, args, results)
            }));
            let f = Func::new_host(inner, core_ty, callable)?;
            frame.core_funcs.push(f);
        }
        Step::DefineResource { id, dtor } => {
            let dtor = dtor.map(|i| Dtor::Guest(frame.core_funcs[i as usize]));
            let ty = inner
                .component
                .new_resource_type(inner.id, Some(state), dtor);
            frame.resources.insert(*id, ty);
        }
        Step::ResourceIntrinsic { op, resource } => {
            let ty = *frame
                .resources
                .get(resource)
                .ok_or_else(|| link("a resource type used before it is defined"))?;
            let f = resource_intrinsic(inner, *op, ty, state)?;
            frame.core_funcs.push(f);
        }
        Step::Export { name, item } => {
            let item = resolve(frame, item)?;
            match &item {
                Item::Func(f) => frame.funcs.push(*f),
                Item::Instance(i) => frame.instances.push(i.clone()),
                Item::Component(c) => frame.components.push(c.clone()),
                Item::Module(m) => frame.modules.push(m.clone()),
                Item::Type(_) | Item::HostFunc(_) | Item::RawHostFunc(_) => {}
            }
            frame.exports.push((name.clone(), item));
        }
    }
    Ok(())
}

/// Takes an import's item, checked against `kind`, into its index space.
fn push_import(inner: &mut StoreInner, frame: &mut Frame, kind: &ImportKind, item: Item) {
    match (kind, item) {
        (ImportKind::Func(ty), Item::HostFunc(func)) => {
            let index = inner.component.add_func(ComponentFuncData::Host {
                ty: ty.clone(),
                func,
            });
            frame.funcs.push(index);
        }
        (ImportKind::Func(ty), Item::RawHostFunc(def)) => {
            let index = inner.component.add_func(ComponentFuncData::RawHost {
                ty: ty.clone(),
                func: def.func.clone(),
            });
            frame.funcs.push(index);
        }
        (_, Item::Func(f)) => frame.funcs.push(f),
        (_, Item::Module(m)) => frame.modules.push(m),
        (_, Item::Component(c)) => frame.components.push(c),
        (_, Item::Instance(i)) => frame.instances.push(i),
        (_, Item::Type(_) | Item::HostFunc(_) | Item::RawHostFunc(_)) => {}
    }
}

/// The nested definition `def`, closed over the items of `frame` its
/// outer aliases refer to.
fn close(frame: &Frame, def: &Arc<Definition>) -> Arc<Closure> {
    let captured = def
        .captures
        .iter()
        .map(|(sort, capture)| match capture {
            Capture::Frame(index) => frame_item(frame, *sort, *index),
            Capture::Captured(k) => frame.captured[*k as usize].clone(),
        })
        .collect();
    Arc::new(Closure {
        def: def.clone(),
        captured,
    })
}

/// The module or component at `index` of `frame`'s index space.
fn frame_item(frame: &Frame, sort: OuterSort, index: u32) -> Item {
    match sort {
        OuterSort::Module => Item::Module(frame.modules[index as usize].clone()),
        OuterSort::Component => Item::Component(frame.components[index as usize].clone()),
    }
}

/// Pushes an outer-aliased module or component into its index space.
fn push_outer(frame: &mut Frame, sort: OuterSort, item: Item) {
    match (sort, item) {
        (OuterSort::Module, Item::Module(m)) => frame.modules.push(m),
        (OuterSort::Component, Item::Component(c)) => frame.components.push(c),
        _ => unreachable!("captures keep their sort"),
    }
}

/// Binds the resource types an item brings into scope. A resource type
/// bound already (one the type declares equal to an earlier one) must be
/// given the same type, or may be left out.
fn bind(
    frame: &mut Frame,
    item: &Item,
    binds: &[(Vec<String>, ResourceId)],
    what: &str,
) -> Result<(), Error> {
    for (path, id) in binds {
        let bound = frame.resources.get(id).copied();
        let Some(current) = lookup(item, path) else {
            if bound.is_some() {
                continue;
            }
            return Err(link(format!(
                "`{what}` has no export `{}` (a resource type), which was not found",
                path.join("/")
            )));
        };
        let ty = match current {
            Item::Type(Some(ty)) => *ty,
            other => {
                return Err(link(format!(
                    "`{what}`{}{}: expected resource found {}",
                    if path.is_empty() { "" } else { " export " },
                    path.join("/"),
                    other.kind()
                )))
            }
        };
        match bound {
            Some(existing) if existing != ty => {
                return Err(link(format!(
                    "mismatched resource types: `{what}`{}{} is not the resource type it is declared equal to",
                    if path.is_empty() { "" } else { " export " },
                    path.join("/")
                )))
            }
            _ => {
                frame.resources.insert(*id, ty);
            }
        }
    }
    Ok(())
}

/// The item at the export `path` inside `item` (itself for an empty path).
fn lookup<'a>(item: &'a Item, path: &[String]) -> Option<&'a Item> {
    path.iter().try_fold(item, |current, name| match current {
        Item::Instance(exports) => export(exports, name),
        _ => None,
    })
}

fn core_item(frame: &Frame, sort: CoreSort, index: u32) -> Extern {
    let i = index as usize;
    match sort {
        CoreSort::Func => Extern::Func(frame.core_funcs[i]),
        CoreSort::Memory => Extern::Memory(frame.core_memories[i]),
        CoreSort::Table => Extern::Table(frame.core_tables[i]),
        CoreSort::Global => Extern::Global(frame.core_globals[i]),
    }
}

fn core_export(inner: &mut StoreInner, frame: &Frame, instance: u32, name: &str) -> Option<Extern> {
    match &frame.core_instances[instance as usize] {
        CoreInstanceItem::Module(i) => i.export_in(inner, name),
        CoreInstanceItem::Bag(items) => items.iter().find(|(n, _)| n == name).map(|(_, e)| *e),
    }
}

fn resolve(frame: &Frame, item: &ItemRef) -> Result<Item, Error> {
    Ok(match item {
        ItemRef::Module(i) => Item::Module(frame.modules[*i as usize].clone()),
        ItemRef::Func(i) => Item::Func(frame.funcs[*i as usize]),
        ItemRef::Component(i) => Item::Component(frame.components[*i as usize].clone()),
        ItemRef::Instance(i) => Item::Instance(frame.instances[*i as usize].clone()),
        ItemRef::Type(None) => Item::Type(None),
        ItemRef::Type(Some(id)) => Item::Type(Some(
            *frame
                .resources
                .get(id)
                .ok_or_else(|| link("a resource type that is not bound"))?,
        )),
    })
}

fn runtime_options(frame: &Frame, options: &super::plan::Options) -> RuntimeOptions {
    RuntimeOptions {
        memory: options.memory.map(|i| frame.core_memories[i as usize]),
        realloc: options.realloc.map(|i| frame.core_funcs[i as usize]),
        post_return: options.post_return.map(|i| frame.core_funcs[i as usize]),
        encoding: options.encoding,
    }
}

/// The runtime resource type of each slot of `def`, as bound so far.
fn slot_types(def: &Definition, frame: &Frame) -> Arc<[Option<ResourceType>]> {
    def.resources
        .ids()
        .iter()
        .map(|id| frame.resources.get(id).copied())
        .collect()
}

/// `canon resource.new`, `resource.drop` or `resource.rep` for `ty` in
/// component instance `state`, as a core function.
fn resource_intrinsic(
    inner: &mut StoreInner,
    op: ResourceOp,
    ty: ResourceType,
    state: u32,
) -> Result<Func, Error> {
    let state = state as usize;
    let (results, callable): (Vec<ValType>, HostCallable) = match op {
        ResourceOp::New => (
            vec![ValType::I32],
            HostCallable::WithStore(Box::new(move |inner, args, results| {
                let rep = int(&args[0]);
                let handle = inner.component.instances[state].handles.add(Handle {
                    resource: super::resources::Resource::new(ty, rep),
                    own: true,
                    lends: 0,
                    scope: None,
                })?;
                results[0] = CoreVal::I32(handle as i32);
                Ok(())
            })),
        ),
        ResourceOp::Rep => (
            vec![ValType::I32],
            HostCallable::WithStore(Box::new(move |inner, args, results| {
                let index = int(&args[0]);
                let handle = inner.component.instances[state].handles.get(index)?;
                super::resources::check_type(index, handle, ty)?;
                results[0] = CoreVal::I32(handle.resource.rep as i32);
                Ok(())
            })),
        ),
        ResourceOp::Drop => (
            Vec::new(),
            HostCallable::WithStore(Box::new(move |inner, args, _| {
                if !inner.component.instances[state].may_leave {
                    return Err(trap("cannot leave component instance"));
                }
                resource_drop(inner, state, ty, int(&args[0]))
            })),
        ),
    };
    Func::new_host(
        inner,
        CoreFuncType::new(vec![ValType::I32], results),
        callable,
    )
}

fn int(value: &CoreVal) -> u32 {
    match value {
        CoreVal::I32(v) => *v as u32,
        _ => 0,
    }
}

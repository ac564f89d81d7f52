//! Instantiating a component: running a definition's plan, step by step,
//! over fresh index spaces, with the imports the linker (or an enclosing
//! component) supplies.

use std::collections::HashMap;
use std::sync::Arc;

use wasmparser::component_types::ResourceId;
use wasmparser::ComponentExternalKind;

use super::call::{call_lowered, resource_drop, Lowered};
use super::plan::{CoreSort, Definition, ImportKind, ItemRef, ResourceOp, Step};
use super::resources::{Handle, ResourceType};
use super::state::{trap, ComponentFuncData, Dtor, Lifted, RuntimeOptions};
use super::types::FuncType;
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
    /// A component (definition).
    Component(Arc<Definition>),
    /// A component instance's exports.
    Instance(Arc<Exports>),
    /// A type: the resource type, if it is one.
    Type(Option<ResourceType>),
    /// A host function not yet given a type (it takes the type of the
    /// import it satisfies).
    HostFunc(Arc<super::state::HostComponentFn>),
}

impl Item {
    fn kind(&self) -> &'static str {
        match self {
            Item::Module(_) => "a core module",
            Item::Func(_) | Item::HostFunc(_) => "a function",
            Item::Component(_) => "a component",
            Item::Instance(_) => "an instance",
            Item::Type(_) => "a type",
        }
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
    components: Vec<Arc<Definition>>,
    instances: Vec<Arc<Exports>>,
    resources: HashMap<ResourceId, ResourceType>,
    exports: Exports,
}

fn link(message: impl Into<String>) -> Error {
    Error::Link {
        message: message.into(),
    }
}

/// Instantiates `def` with `imports` (by name), inheriting the resource
/// bindings of an enclosing component.
pub(crate) fn instantiate(
    inner: &mut StoreInner,
    def: &Definition,
    imports: &[(String, Item)],
    inherited: &HashMap<ResourceId, ResourceType>,
) -> Result<Exports, Error> {
    let state = inner.component.new_instance();
    let mut frame = Frame {
        resources: inherited.clone(),
        ..Frame::default()
    };
    for step in &def.steps {
        run_step(inner, def, state, &mut frame, imports, step)?;
    }
    Ok(frame.exports)
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
                // An import of a plain (non-resource) type needs no value.
                (None, ImportKind::Type(None)) => Item::Type(None),
                // Nor does one equal to a resource type already bound
                // (`(type (eq ..))`, as `use` in a world makes).
                (None, ImportKind::Type(Some(id))) if frame.resources.contains_key(id) => {
                    Item::Type(frame.resources.get(id).copied())
                }
                (None, _) => return Err(link(format!("missing import `{name}`"))),
            };
            push_import(inner, frame, name, kind, item.clone())?;
            bind(frame, &item, binds, name)?;
        }
        Step::Module(i) => frame.modules.push(def.modules[*i].clone()),
        Step::Component(i) => frame.components.push(def.components[*i].clone()),
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
                (ComponentExternalKind::Module, Item::Module(m)) => frame.modules.push(m),
                (ComponentExternalKind::Component, Item::Component(c)) => frame.components.push(c),
                (ComponentExternalKind::Instance, Item::Instance(i)) => frame.instances.push(i),
                (ComponentExternalKind::Type, Item::Type(_)) => {}
                (_, item) => {
                    return Err(link(format!(
                        "export `{name}` is {}, not what was aliased",
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
            let lowered = Lowered {
                target: frame.funcs[*func as usize],
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
                Item::Type(_) | Item::HostFunc(_) => {}
            }
            frame.exports.push((name.clone(), item));
        }
    }
    Ok(())
}

/// Takes an import's item into its index space.
fn push_import(
    inner: &mut StoreInner,
    frame: &mut Frame,
    name: &str,
    kind: &ImportKind,
    item: Item,
) -> Result<(), Error> {
    match (kind, item) {
        (ImportKind::Func(ty), Item::HostFunc(func)) => {
            let index = inner.component.add_func(ComponentFuncData::Host {
                ty: ty.clone(),
                func,
            });
            frame.funcs.push(index);
        }
        (ImportKind::Func(ty), Item::Func(f)) => {
            let given = inner.component.funcs[f as usize].ty().clone();
            if !same_shape(&given, ty) {
                return Err(link(format!(
                    "import `{name}` expects {ty}, but was given {given}"
                )));
            }
            frame.funcs.push(f);
        }
        (ImportKind::Module, Item::Module(m)) => frame.modules.push(m),
        (ImportKind::Component, Item::Component(c)) => frame.components.push(c),
        (ImportKind::Instance, Item::Instance(i)) => frame.instances.push(i),
        (ImportKind::Type(_), Item::Type(_)) => {}
        (_, item) => {
            return Err(link(format!(
                "import `{name}` was given {}, which is not what it expects",
                item.kind()
            )))
        }
    }
    Ok(())
}

/// Whether two function types agree apart from which resource slots
/// their handles name (slots are numbered per component definition).
fn same_shape(a: &FuncType, b: &FuncType) -> bool {
    use super::types::Type;
    fn eq(a: &Type, b: &Type) -> bool {
        match (a, b) {
            (Type::Own(_), Type::Own(_)) | (Type::Borrow(_), Type::Borrow(_)) => true,
            (Type::List(a), Type::List(b)) | (Type::Option(a), Type::Option(b)) => eq(a, b),
            (Type::Record(a), Type::Record(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.0 == y.0 && eq(&x.1, &y.1))
            }
            (Type::Tuple(a), Type::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| eq(x, y))
            }
            (Type::Variant(a), Type::Variant(b)) => {
                a.len() == b.len()
                    && a.iter().zip(b).all(|(x, y)| {
                        x.0 == y.0
                            && match (&x.1, &y.1) {
                                (Some(p), Some(q)) => eq(p, q),
                                (None, None) => true,
                                _ => false,
                            }
                    })
            }
            (Type::Result { ok: a1, err: a2 }, Type::Result { ok: b1, err: b2 }) => {
                let side = |x: &Option<Box<Type>>, y: &Option<Box<Type>>| match (x, y) {
                    (Some(p), Some(q)) => eq(p, q),
                    (None, None) => true,
                    _ => false,
                };
                side(a1, b1) && side(a2, b2)
            }
            (a, b) => a == b,
        }
    }
    a.params.len() == b.params.len()
        && a.params.iter().zip(&b.params).all(|(x, y)| eq(&x.1, &y.1))
        && match (&a.result, &b.result) {
            (Some(x), Some(y)) => eq(x, y),
            (None, None) => true,
            _ => false,
        }
}

/// Binds the resource types an item brings into scope.
fn bind(
    frame: &mut Frame,
    item: &Item,
    binds: &[(Vec<String>, ResourceId)],
    what: &str,
) -> Result<(), Error> {
    for (path, id) in binds {
        let mut current = item;
        for name in path {
            current = match current {
                Item::Instance(exports) => export(exports, name)
                    .ok_or_else(|| link(format!("`{what}` has no export `{}`", path.join("/"))))?,
                _ => return Err(link(format!("`{what}` is not an instance"))),
            };
        }
        match current {
            Item::Type(Some(ty)) => {
                frame.resources.insert(*id, *ty);
            }
            _ => {
                return Err(link(format!(
                    "`{what}`{}{} is not a resource type",
                    if path.is_empty() { "" } else { " export " },
                    path.join("/")
                )))
            }
        }
    }
    Ok(())
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

//! Loading a component: the binary is validated and its section graph
//! turned, once, into a plan per component definition: the steps that
//! build its index spaces when it is instantiated. Core modules are
//! compiled here; nested components get plans of their own.

use std::sync::Arc;

use wasmparser::component_types::{ComponentAnyTypeId, ComponentEntityType, ResourceId};
use wasmparser::types::TypesRef;
use wasmparser::{
    CanonicalFunction, CanonicalOption, ComponentAlias, ComponentExternalKind,
    ComponentOuterAliasKind, Encoding, ExternalKind, Parser, Payload, Validator, WasmFeatures,
};

use super::abi::StringEncoding;
use super::check::CoreModuleType;
use super::convert::{self, ResourceSlots};
use super::types::FuncType;
use crate::error::Error;
use crate::module::Module;

/// The index spaces of a component whose items are core entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CoreSort {
    /// A core function.
    Func,
    /// A core table.
    Table,
    /// A core memory.
    Memory,
    /// A core global.
    Global,
}

impl CoreSort {
    fn of(kind: ExternalKind) -> Result<CoreSort, Error> {
        Ok(match kind {
            ExternalKind::Func | ExternalKind::FuncExact => CoreSort::Func,
            ExternalKind::Table => CoreSort::Table,
            ExternalKind::Memory => CoreSort::Memory,
            ExternalKind::Global => CoreSort::Global,
            ExternalKind::Tag => return Err(Error::unsupported("exception tags")),
        })
    }
}

/// A reference to an item in a component's index spaces, as an
/// instantiation argument or an export.
#[derive(Debug, Clone)]
pub(crate) enum ItemRef {
    /// A core module.
    Module(u32),
    /// A component function.
    Func(u32),
    /// A component.
    Component(u32),
    /// A component instance.
    Instance(u32),
    /// A type: the resource it is, if it is one (other types have no
    /// runtime presence).
    Type(Option<ResourceId>),
}

/// Resource types an item brings into scope: the path of export names
/// from the item to each, and its id.
pub(crate) type Binds = Vec<(Vec<String>, ResourceId)>;

/// The `canon` options of a lift or lower.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    /// The core memory index.
    pub memory: Option<u32>,
    /// The core function index of `realloc`.
    pub realloc: Option<u32>,
    /// The core function index of `post-return`.
    pub post_return: Option<u32>,
    /// The string encoding.
    pub encoding: StringEncoding,
}

/// One step of instantiating a component definition.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    /// Takes the import `name` into its index space.
    Import {
        name: String,
        kind: ImportKind,
        binds: Binds,
    },
    /// Pushes the definition's inline core module `0`.
    Module(usize),
    /// Pushes the definition's inline component `0`, closing over the
    /// items its outer aliases capture.
    Component(usize),
    /// Pushes the item the enclosing component captured for an outer
    /// alias (`captures[1]` of this definition).
    Captured(OuterSort, u32),
    /// Pushes again the module or component at an index of its own index
    /// space (an outer alias of count 0).
    Duplicate(OuterSort, u32),
    /// Instantiates a core module with core instances as arguments.
    CoreInstantiate {
        module: u32,
        args: Vec<(String, u32)>,
    },
    /// Makes a core instance out of core items.
    CoreInstanceFromExports(Vec<(String, CoreSort, u32)>),
    /// Pushes the export `name` of a core instance.
    CoreAlias {
        instance: u32,
        name: String,
        sort: CoreSort,
    },
    /// Instantiates a component.
    Instantiate {
        component: u32,
        args: Vec<(String, ItemRef)>,
        binds: Binds,
    },
    /// Makes a component instance out of items.
    InstanceFromExports(Vec<(String, ItemRef)>),
    /// Pushes the export `name` of a component instance.
    Alias {
        instance: u32,
        name: String,
        kind: ComponentExternalKind,
        binds: Binds,
        /// For a function: its type (a host function in a linker's
        /// instance takes it).
        func_type: Option<Arc<FuncType>>,
    },
    /// Lifts a core function into a component function.
    Lift {
        core_func: u32,
        ty: Arc<FuncType>,
        options: Options,
    },
    /// Lowers a component function into a core function.
    Lower {
        func: u32,
        ty: Arc<FuncType>,
        options: Options,
    },
    /// Defines a resource type.
    DefineResource { id: ResourceId, dtor: Option<u32> },
    /// `canon resource.new`, `.drop` or `.rep` as a core function.
    ResourceIntrinsic {
        op: ResourceOp,
        resource: ResourceId,
    },
    /// Exports an item (which also enters its index space).
    Export { name: String, item: ItemRef },
}

/// What an import asks for: the index space it enters and, where weft
/// checks it at link time, its type.
#[derive(Debug, Clone)]
pub(crate) enum ImportKind {
    /// A core module of this module type.
    Module(Arc<CoreModuleType>),
    /// A function of this type.
    Func(Arc<FuncType>),
    /// A function whose type weft cannot represent (an export of an
    /// imported instance that the component may never use).
    AnyFunc,
    /// A component.
    Component,
    /// An instance with these exports.
    Instance(Arc<[(String, ImportKind)]>),
    /// A type (a resource when `Some`).
    Type(Option<ResourceId>),
}

/// The index spaces outer aliases of items with runtime identity reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OuterSort {
    /// Core modules.
    Module,
    /// Components.
    Component,
}

/// Where the enclosing component finds an item a nested component's outer
/// alias refers to, when it makes the nested component (at its
/// `Step::Component`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Capture {
    /// Its own index space, at this index.
    Frame(u32),
    /// What it captured itself, at this position (an alias reaching
    /// further out).
    Captured(u32),
}

/// The `canon resource.*` built-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResourceOp {
    /// `resource.new`: rep to a new own handle.
    New,
    /// `resource.drop`: drops a handle.
    Drop,
    /// `resource.rep`: a handle's rep.
    Rep,
}

/// The plan of one component definition.
#[derive(Debug, Default)]
pub(crate) struct Definition {
    /// The imports, in order, as (name, kind).
    pub imports: Vec<(String, ImportKind)>,
    /// The steps, in section order.
    pub steps: Vec<Step>,
    /// The exports, in order.
    pub exports: Vec<(String, ItemRef)>,
    /// Inline core modules.
    pub modules: Vec<Module>,
    /// Inline nested components.
    pub components: Vec<Arc<Definition>>,
    /// What its outer aliases of modules and components capture from the
    /// enclosing components, in the order `Step::Captured` numbers them.
    pub captures: Vec<(OuterSort, Capture)>,
    /// The resource types its function types mention, by slot.
    pub resources: ResourceSlots,
}

/// A definition being built, with the counts of the index spaces whose
/// items are looked up by index while planning.
#[derive(Default)]
struct Builder {
    def: Definition,
    types: u32,
    instances: u32,
    funcs: u32,
}

/// The core and component features weft runs.
pub(crate) fn features() -> WasmFeatures {
    crate::module::info::features() | WasmFeatures::COMPONENT_MODEL
}

/// Validates `bytes` as a component and plans its instantiation. Each core
/// module's bytes go to `module`, which compiles them (or loads code
/// compiled earlier); the modules are also returned in the order they
/// appear in `bytes`, nested components' included.
pub(crate) fn load(
    bytes: &[u8],
    module: &mut dyn FnMut(&[u8]) -> Result<Module, Error>,
) -> Result<(Arc<Definition>, Vec<Module>), Error> {
    let mut all_modules = Vec::new();
    let mut validator = Validator::new_with_features(features());
    let mut stack: Vec<Builder> = Vec::new();
    let mut module_depth = 0usize;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload?;
        validator.payload(&payload)?;
        if module_depth > 0 {
            if let Payload::End(_) = payload {
                module_depth -= 1;
            }
            continue;
        }
        match payload {
            Payload::Version { encoding, .. } => match encoding {
                Encoding::Component => stack.push(Builder::default()),
                Encoding::Module if stack.is_empty() => {
                    return Err(Error::Invalid {
                        message: "this is a core module, not a component".into(),
                        offset: 0,
                    })
                }
                Encoding::Module => module_depth += 1,
            },
            Payload::ModuleSection {
                unchecked_range, ..
            } => {
                // The size is the section's own claim, not yet checked
                // against the input.
                let range = unchecked_range.start as usize..unchecked_range.end as usize;
                let Some(module_bytes) = bytes.get(range.clone()) else {
                    return Err(Error::Invalid {
                        message: format!(
                            "a core module section of {} bytes runs past the end of the \
                             binary ({} bytes)",
                            range.len(),
                            bytes.len()
                        ),
                        offset: range.start,
                    });
                };
                let module = module(module_bytes)?;
                all_modules.push(module.clone());
                let top = top(&mut stack);
                top.def.modules.push(module);
                let index = top.def.modules.len() - 1;
                top.def.steps.push(Step::Module(index));
            }
            Payload::ComponentSection { .. } => {}
            Payload::End(_) => {
                let finished = stack.pop().expect("a component ends");
                match stack.last_mut() {
                    Some(parent) => {
                        parent.def.components.push(Arc::new(finished.def));
                        let index = parent.def.components.len() - 1;
                        parent.def.steps.push(Step::Component(index));
                    }
                    None => return Ok((Arc::new(finished.def), all_modules)),
                }
            }
            other => {
                let types = validator.types(0).expect("inside a component");
                section(&mut stack, types, other)?;
            }
        }
    }
    Err(Error::Invalid {
        message: "the component ends early".into(),
        offset: bytes.len(),
    })
}

fn top(stack: &mut [Builder]) -> &mut Builder {
    stack.last_mut().expect("inside a component")
}

/// Plans one section of the innermost component.
fn section(stack: &mut [Builder], types: TypesRef<'_>, payload: Payload<'_>) -> Result<(), Error> {
    match payload {
        Payload::ComponentTypeSection(reader) => {
            for ty in reader {
                let index = top(stack).types;
                top(stack).types += 1;
                if let wasmparser::ComponentType::Resource { dtor, .. } = ty? {
                    let id = convert::resource_at(types, index).expect("a resource type");
                    top(stack).def.steps.push(Step::DefineResource { id, dtor });
                }
            }
        }
        Payload::CoreTypeSection(_) | Payload::CustomSection(_) => {}
        Payload::ComponentImportSection(reader) => {
            for import in reader {
                let import = import?;
                let name = import.name.name.to_string();
                let entity = types
                    .component_item_for_import(&name)
                    .map(|item| item.ty)
                    .expect("a validated import");
                let builder = top(stack);
                match entity {
                    ComponentEntityType::Instance(_) => builder.instances += 1,
                    ComponentEntityType::Type { .. } => builder.types += 1,
                    ComponentEntityType::Func(_) => builder.funcs += 1,
                    _ => {}
                }
                let kind = convert::import_kind(types, &entity, &mut builder.def.resources, false)?;
                let binds = resource_binds(types, &entity);
                builder.def.imports.push((name.clone(), kind.clone()));
                builder.def.steps.push(Step::Import { name, kind, binds });
            }
        }
        Payload::InstanceSection(reader) => {
            for instance in reader {
                let step = match instance? {
                    wasmparser::Instance::Instantiate { module_index, args } => {
                        Step::CoreInstantiate {
                            module: module_index,
                            args: args.iter().map(|a| (a.name.to_string(), a.index)).collect(),
                        }
                    }
                    wasmparser::Instance::FromExports(exports) => Step::CoreInstanceFromExports(
                        exports
                            .iter()
                            .map(|e| Ok((e.name.to_string(), CoreSort::of(e.kind)?, e.index)))
                            .collect::<Result<_, Error>>()?,
                    ),
                };
                top(stack).def.steps.push(step);
            }
        }
        Payload::ComponentInstanceSection(reader) => {
            for instance in reader {
                let builder = top(stack);
                let index = builder.instances;
                builder.instances += 1;
                let step = match instance? {
                    wasmparser::ComponentInstance::Instantiate {
                        component_index,
                        args,
                    } => Step::Instantiate {
                        component: component_index,
                        args: args
                            .iter()
                            .map(|a| Ok((a.name.to_string(), item_ref(types, a.kind, a.index)?)))
                            .collect::<Result<_, Error>>()?,
                        binds: instance_binds(types, index),
                    },
                    wasmparser::ComponentInstance::FromExports(exports) => {
                        Step::InstanceFromExports(
                            exports
                                .iter()
                                .map(|e| {
                                    Ok((e.name.name.to_string(), item_ref(types, e.kind, e.index)?))
                                })
                                .collect::<Result<_, Error>>()?,
                        )
                    }
                };
                builder.def.steps.push(step);
            }
        }
        Payload::ComponentAliasSection(reader) => {
            for alias in reader {
                alias_step(stack, types, alias?)?;
            }
        }
        Payload::ComponentCanonicalSection(reader) => {
            for canon in reader {
                canon_step(top(stack), types, canon?)?;
            }
        }
        Payload::ComponentExportSection(reader) => {
            for export in reader {
                let export = export?;
                let item = item_ref(types, export.kind, export.index)?;
                let builder = top(stack);
                match export.kind {
                    ComponentExternalKind::Instance => builder.instances += 1,
                    ComponentExternalKind::Type => builder.types += 1,
                    ComponentExternalKind::Func => builder.funcs += 1,
                    ComponentExternalKind::Module | ComponentExternalKind::Component => {}
                    ComponentExternalKind::Value => {
                        return Err(Error::unsupported("value exports"))
                    }
                }
                let name = export.name.name.to_string();
                builder.def.exports.push((name.clone(), item.clone()));
                builder.def.steps.push(Step::Export { name, item });
            }
        }
        Payload::ComponentStartSection { .. } => {
            return Err(Error::unsupported("component start functions"))
        }
        Payload::CodeSectionStart { .. } | Payload::CodeSectionEntry(_) => {}
        other => {
            return Err(Error::unsupported(format!(
                "section {:?} in a component",
                std::mem::discriminant(&other)
            )))
        }
    }
    Ok(())
}

fn item_ref(
    types: TypesRef<'_>,
    kind: ComponentExternalKind,
    index: u32,
) -> Result<ItemRef, Error> {
    Ok(match kind {
        ComponentExternalKind::Module => ItemRef::Module(index),
        ComponentExternalKind::Func => ItemRef::Func(index),
        ComponentExternalKind::Component => ItemRef::Component(index),
        ComponentExternalKind::Instance => ItemRef::Instance(index),
        ComponentExternalKind::Type => ItemRef::Type(convert::resource_at(types, index)),
        ComponentExternalKind::Value => return Err(Error::unsupported("component values")),
    })
}

/// The resource types inside an item of type `entity`, by path.
fn resource_binds(types: TypesRef<'_>, entity: &ComponentEntityType) -> Binds {
    let mut out = Vec::new();
    collect_binds(types, entity, &mut Vec::new(), &mut out);
    out
}

fn collect_binds(
    types: TypesRef<'_>,
    entity: &ComponentEntityType,
    path: &mut Vec<String>,
    out: &mut Binds,
) {
    match entity {
        ComponentEntityType::Type {
            created: ComponentAnyTypeId::Resource(id),
            ..
        } => out.push((path.clone(), id.resource())),
        ComponentEntityType::Instance(id) => {
            for (name, item) in &types[*id].exports {
                path.push(name.clone());
                collect_binds(types, &item.ty, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn instance_binds(types: TypesRef<'_>, index: u32) -> Binds {
    let id = types.component_instance_at(index);
    resource_binds(types, &ComponentEntityType::Instance(id))
}

fn alias_step(
    stack: &mut [Builder],
    types: TypesRef<'_>,
    alias: ComponentAlias<'_>,
) -> Result<(), Error> {
    let depth = stack.len();
    let builder = top(stack);
    match alias {
        ComponentAlias::CoreInstanceExport {
            kind,
            instance_index,
            name,
        } => {
            let sort = CoreSort::of(kind)?;
            builder.def.steps.push(Step::CoreAlias {
                instance: instance_index,
                name: name.to_string(),
                sort,
            });
        }
        ComponentAlias::InstanceExport {
            kind,
            instance_index,
            name,
        } => {
            let binds = match kind {
                ComponentExternalKind::Module | ComponentExternalKind::Component => Vec::new(),
                ComponentExternalKind::Instance => {
                    let index = builder.instances;
                    builder.instances += 1;
                    instance_binds(types, index)
                }
                ComponentExternalKind::Type => {
                    let index = builder.types;
                    builder.types += 1;
                    convert::resource_at(types, index)
                        .map(|id| vec![(Vec::new(), id)])
                        .unwrap_or_default()
                }
                ComponentExternalKind::Func => Vec::new(),
                ComponentExternalKind::Value => return Err(Error::unsupported("component values")),
            };
            let func_type = match kind {
                ComponentExternalKind::Func => {
                    // The validator has seen the whole section, so the
                    // function is found by the count of those before it.
                    let id = types.component_function_at(builder.funcs);
                    builder.funcs += 1;
                    Some(Arc::new(convert::func_type(
                        types,
                        id,
                        &mut builder.def.resources,
                    )?))
                }
                _ => None,
            };
            builder.def.steps.push(Step::Alias {
                instance: instance_index,
                name: name.to_string(),
                kind,
                binds,
                func_type,
            });
        }
        ComponentAlias::Outer { kind, count, index } => {
            let sort = match kind {
                ComponentOuterAliasKind::CoreModule => OuterSort::Module,
                ComponentOuterAliasKind::Component => OuterSort::Component,
                ComponentOuterAliasKind::Type => {
                    top(stack).types += 1;
                    return Ok(());
                }
                ComponentOuterAliasKind::CoreType => return Ok(()),
            };
            let step = match count {
                0 => Step::Duplicate(sort, index),
                _ => Step::Captured(sort, capture(stack, depth - 1, count, sort, index)),
            };
            top(stack).def.steps.push(step);
        }
    }
    Ok(())
}

/// Makes the definition at `level` of the stack capture the module or
/// component at `index` of the component `count` levels out, returning
/// the capture's position; the definitions in between capture it too.
fn capture(stack: &mut [Builder], level: usize, count: u32, sort: OuterSort, index: u32) -> u32 {
    let source = match count {
        1 => Capture::Frame(index),
        _ => Capture::Captured(capture(stack, level - 1, count - 1, sort, index)),
    };
    let captures = &mut stack[level].def.captures;
    let position = match captures.iter().position(|c| *c == (sort, source)) {
        Some(position) => position,
        None => {
            captures.push((sort, source));
            captures.len() - 1
        }
    };
    position as u32
}

fn options(list: &[CanonicalOption]) -> Result<Options, Error> {
    let mut options = Options::default();
    for option in list {
        match *option {
            CanonicalOption::UTF8 => options.encoding = StringEncoding::Utf8,
            CanonicalOption::UTF16 => options.encoding = StringEncoding::Utf16,
            CanonicalOption::CompactUTF16 => options.encoding = StringEncoding::Latin1Utf16,
            CanonicalOption::Memory(m) => options.memory = Some(m),
            CanonicalOption::Realloc(f) => options.realloc = Some(f),
            CanonicalOption::PostReturn(f) => options.post_return = Some(f),
            CanonicalOption::CoreType(_) => {}
            CanonicalOption::Async | CanonicalOption::Callback(_) => {
                return Err(Error::unsupported("async canonical options"))
            }
            CanonicalOption::Gc => return Err(Error::unsupported("the gc canonical option")),
        }
    }
    Ok(options)
}

fn canon_step(
    builder: &mut Builder,
    types: TypesRef<'_>,
    canon: CanonicalFunction,
) -> Result<(), Error> {
    let step = match canon {
        CanonicalFunction::Lift {
            core_func_index,
            type_index,
            options: list,
        } => {
            let id = match types.component_any_type_at(type_index) {
                ComponentAnyTypeId::Func(id) => id,
                _ => unreachable!("validated: lift takes a function type"),
            };
            builder.funcs += 1;
            Step::Lift {
                core_func: core_func_index,
                ty: Arc::new(convert::func_type(types, id, &mut builder.def.resources)?),
                options: options(&list)?,
            }
        }
        CanonicalFunction::Lower {
            func_index,
            options: list,
        } => {
            let id = types.component_function_at(func_index);
            Step::Lower {
                func: func_index,
                ty: Arc::new(convert::func_type(types, id, &mut builder.def.resources)?),
                options: options(&list)?,
            }
        }
        CanonicalFunction::ResourceNew { resource }
        | CanonicalFunction::ResourceDrop { resource }
        | CanonicalFunction::ResourceRep { resource } => {
            let op = match canon {
                CanonicalFunction::ResourceNew { .. } => ResourceOp::New,
                CanonicalFunction::ResourceDrop { .. } => ResourceOp::Drop,
                _ => ResourceOp::Rep,
            };
            let resource = convert::resource_at(types, resource).expect("a resource type");
            builder.def.resources.slot(resource);
            Step::ResourceIntrinsic { op, resource }
        }
        other => {
            return Err(Error::unsupported(format!(
                "canon {}",
                format!("{other:?}")
                    .split([' ', '{', '('])
                    .next()
                    .unwrap_or("built-in")
            )))
        }
    };
    builder.def.steps.push(step);
    Ok(())
}

//! Writing the linked component.
//!
//! The result declares the imports nothing satisfies (their types written
//! anew from wasmparser's types of the inputs: an interface imported by
//! several inputs becomes one instance import whose type has every item
//! any of them needs), embeds each input used as a nested component, as
//! it is, instantiates them providers first, passing each import either
//! an import of the result or an export of an instance made before it,
//! and exports what the plan chose by aliasing it out of its instance.
//! Each input's resources stay its own: an instance defines its
//! resources, and they reach others only through its exports.
//!
//! Types are keyed by (input, wasmparser type id): an id is meaningful
//! only within its input's `Types`. A resource a type refers to must be
//! in scope (an import's own resource, or one aliased out of an earlier
//! import); defined types are written by structure unless they are in
//! scope under a name, so the result's WIT keeps the inputs' names.

use std::borrow::Cow;
use std::collections::HashMap;

use wasm_encoder::{
    Alias, Component, ComponentAliasSection, ComponentExportKind, ComponentExportSection,
    ComponentExternName, ComponentImportSection, ComponentInstanceSection, ComponentOuterAliasKind,
    ComponentSectionId, ComponentTypeEncoder, ComponentTypeRef, ComponentTypeSection, InstanceType,
    PrimitiveValType, RawSection, TypeBounds,
};
use wasmparser::component_types::{
    ComponentAnyTypeId, ComponentDefinedType, ComponentDefinedTypeId, ComponentEntityType,
    ComponentFuncTypeId, ComponentInstanceTypeId, ComponentItem, ComponentValType, ResourceId,
};
use wasmparser::{Validator, WasmFeatures};

use super::check::{resources, Identity};
use super::error::LinkError;
use super::input::{kind_name, Input, Item};
use super::plan::{LinkPlan, Source, TopImport};

/// A type of one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum TypeKey {
    Defined(ComponentDefinedTypeId),
    Resource(ResourceId),
    Func(ComponentFuncTypeId),
}

type Key = (usize, TypeKey);

fn type_key(id: ComponentAnyTypeId) -> Option<TypeKey> {
    match id {
        ComponentAnyTypeId::Resource(r) => Some(TypeKey::Resource(r.resource())),
        ComponentAnyTypeId::Defined(d) => Some(TypeKey::Defined(d)),
        ComponentAnyTypeId::Func(f) => Some(TypeKey::Func(f)),
        ComponentAnyTypeId::Instance(_) | ComponentAnyTypeId::Component(_) => None,
    }
}

/// Where types are written: the result's own type index space, or an
/// instance type declared in it.
trait Space {
    /// A new type: its index, and the encoder to write it with.
    fn new_type(&mut self) -> (u32, ComponentTypeEncoder<'_>);
    /// Brings type `index` of the enclosing component into this space.
    fn alias_outer(&mut self, index: u32) -> u32;
}

/// The result's own index spaces and sections.
#[derive(Default)]
struct Top {
    component: Component,
    /// Types not yet written out as a section.
    types: ComponentTypeSection,
    type_count: u32,
    func_count: u32,
    instance_count: u32,
    component_count: u32,
    module_count: u32,
}

impl Top {
    /// Writes pending types, before a section that may use them.
    fn flush(&mut self) {
        if !self.types.is_empty() {
            self.component.section(&self.types);
            self.types = ComponentTypeSection::new();
        }
    }

    /// The next index in `kind`'s index space, counted.
    fn next(&mut self, kind: ComponentExportKind) -> u32 {
        let count = match kind {
            ComponentExportKind::Type => &mut self.type_count,
            ComponentExportKind::Func => &mut self.func_count,
            ComponentExportKind::Instance => &mut self.instance_count,
            ComponentExportKind::Component => &mut self.component_count,
            ComponentExportKind::Module => &mut self.module_count,
            // No plan makes values: `export_kind` refuses them.
            ComponentExportKind::Value => return u32::MAX,
        };
        *count += 1;
        *count - 1
    }
}

impl Space for Top {
    fn new_type(&mut self) -> (u32, ComponentTypeEncoder<'_>) {
        self.type_count += 1;
        (self.type_count - 1, self.types.ty())
    }

    fn alias_outer(&mut self, index: u32) -> u32 {
        // The result's own space encloses nothing to alias from.
        index
    }
}

/// An instance type being declared.
#[derive(Default)]
struct InstanceSpace {
    ty: InstanceType,
}

impl Space for InstanceSpace {
    fn new_type(&mut self) -> (u32, ComponentTypeEncoder<'_>) {
        (self.ty.type_count(), self.ty.ty())
    }

    fn alias_outer(&mut self, index: u32) -> u32 {
        let new = self.ty.type_count();
        self.ty.alias(Alias::Outer {
            kind: ComponentOuterAliasKind::Type,
            count: 1,
            index,
        });
        new
    }
}

/// Writes the inputs' types into one space.
struct Writer<'a, S> {
    inputs: &'a [Input],
    space: S,
    /// Types in this space.
    map: HashMap<Key, u32>,
    /// Types of the enclosing space, aliased in when used.
    outer: Option<&'a HashMap<Key, u32>>,
}

/// Why a type could not be written: for [`LinkError::Unsupported`].
type Unwritable = String;

impl<S: Space> Writer<'_, S> {
    fn lookup(&mut self, key: Key) -> Option<u32> {
        if let Some(&index) = self.map.get(&key) {
            return Some(index);
        }
        let outer = *self.outer?.get(&key)?;
        let index = self.space.alias_outer(outer);
        self.map.insert(key, index);
        Some(index)
    }

    fn val(
        &mut self,
        input: usize,
        ty: &ComponentValType,
    ) -> Result<wasm_encoder::ComponentValType, Unwritable> {
        Ok(match ty {
            ComponentValType::Primitive(p) => {
                wasm_encoder::ComponentValType::Primitive(primitive(*p))
            }
            ComponentValType::Type(id) => {
                wasm_encoder::ComponentValType::Type(self.defined(input, *id)?)
            }
        })
    }

    fn opt(
        &mut self,
        input: usize,
        ty: &Option<ComponentValType>,
    ) -> Result<Option<wasm_encoder::ComponentValType>, Unwritable> {
        ty.as_ref().map(|ty| self.val(input, ty)).transpose()
    }

    fn resource(&mut self, input: usize, id: ResourceId) -> Result<u32, Unwritable> {
        self.lookup((input, TypeKey::Resource(id))).ok_or_else(|| {
            "a type refers to a resource that is not imported by the result (an input defines it), \
             so it cannot stay an import"
                .to_string()
        })
    }

    fn defined(&mut self, input: usize, id: ComponentDefinedTypeId) -> Result<u32, Unwritable> {
        let types = &self.inputs[input].types;
        let mut current = Some(id);
        while let Some(c) = current {
            if let Some(index) = self.lookup((input, TypeKey::Defined(c))) {
                self.map.insert((input, TypeKey::Defined(id)), index);
                return Ok(index);
            }
            current = types.peel_alias(c);
        }
        use ComponentDefinedType as D;
        let index = match &types[id] {
            D::Primitive(p) => {
                let (index, ty) = self.space.new_type();
                ty.defined_type().primitive(primitive(*p));
                index
            }
            D::Record(record) => {
                let mut fields = Vec::new();
                for (name, ty) in &record.fields {
                    fields.push((name.as_str(), self.val(input, ty)?));
                }
                let (index, ty) = self.space.new_type();
                ty.defined_type().record(fields);
                index
            }
            D::Variant(variant) => {
                let mut cases = Vec::new();
                for (name, case) in &variant.cases {
                    cases.push((name.as_str(), self.opt(input, &case.ty)?));
                }
                let (index, ty) = self.space.new_type();
                ty.defined_type().variant(cases);
                index
            }
            D::List { element, .. } => {
                let element = self.val(input, element)?;
                let (index, ty) = self.space.new_type();
                ty.defined_type().list(element);
                index
            }
            D::FixedLengthList {
                element, length, ..
            } => {
                let element = self.val(input, element)?;
                let (index, ty) = self.space.new_type();
                ty.defined_type().fixed_length_list(element, *length);
                index
            }
            D::Map { key, value, .. } => {
                let (key, value) = (self.val(input, key)?, self.val(input, value)?);
                let (index, ty) = self.space.new_type();
                ty.defined_type().map(key, value);
                index
            }
            D::Tuple(tuple) => {
                let mut elements = Vec::new();
                for ty in tuple.types.iter() {
                    elements.push(self.val(input, ty)?);
                }
                let (index, ty) = self.space.new_type();
                ty.defined_type().tuple(elements);
                index
            }
            D::Flags(names) => {
                let (index, ty) = self.space.new_type();
                ty.defined_type().flags(names.iter().map(|n| n.as_str()));
                index
            }
            D::Enum(names) => {
                let (index, ty) = self.space.new_type();
                ty.defined_type()
                    .enum_type(names.iter().map(|n| n.as_str()));
                index
            }
            D::Option { ty: payload, .. } => {
                let payload = self.val(input, payload)?;
                let (index, ty) = self.space.new_type();
                ty.defined_type().option(payload);
                index
            }
            D::Result { ok, err, .. } => {
                let (ok, err) = (self.opt(input, ok)?, self.opt(input, err)?);
                let (index, ty) = self.space.new_type();
                ty.defined_type().result(ok, err);
                index
            }
            D::Own(r) => {
                let resource = self.resource(input, r.resource())?;
                let (index, ty) = self.space.new_type();
                ty.defined_type().own(resource);
                index
            }
            D::Borrow(r) => {
                let resource = self.resource(input, r.resource())?;
                let (index, ty) = self.space.new_type();
                ty.defined_type().borrow(resource);
                index
            }
            D::Future { ty: payload, .. } => {
                let payload = self.opt(input, payload)?;
                let (index, ty) = self.space.new_type();
                ty.defined_type().future(payload);
                index
            }
            D::Stream { ty: payload, .. } => {
                let payload = self.opt(input, payload)?;
                let (index, ty) = self.space.new_type();
                ty.defined_type().stream(payload);
                index
            }
        };
        self.map.insert((input, TypeKey::Defined(id)), index);
        Ok(index)
    }

    fn func(&mut self, input: usize, id: ComponentFuncTypeId) -> Result<u32, Unwritable> {
        if let Some(index) = self.lookup((input, TypeKey::Func(id))) {
            return Ok(index);
        }
        let func = &self.inputs[input].types[id];
        let mut params = Vec::new();
        for (name, ty) in func.params.iter() {
            params.push((name.as_str(), self.val(input, ty)?));
        }
        let result = self.opt(input, &func.result)?;
        let (index, ty) = self.space.new_type();
        let mut encoder = ty.function();
        encoder.async_(func.async_).params(params).result(result);
        self.map.insert((input, TypeKey::Func(id)), index);
        Ok(index)
    }

    /// The bound a type import or export is declared with: a fresh
    /// resource, or equal to a type written here.
    fn bounds(
        &mut self,
        input: usize,
        referenced: ComponentAnyTypeId,
    ) -> Result<TypeBounds, Unwritable> {
        Ok(match referenced {
            ComponentAnyTypeId::Resource(r) => {
                match self.lookup((input, TypeKey::Resource(r.resource()))) {
                    Some(index) => TypeBounds::Eq(index),
                    None => TypeBounds::SubResource,
                }
            }
            ComponentAnyTypeId::Defined(d) => TypeBounds::Eq(self.defined(input, d)?),
            ComponentAnyTypeId::Func(f) => TypeBounds::Eq(self.func(input, f)?),
            ComponentAnyTypeId::Instance(_) | ComponentAnyTypeId::Component(_) => {
                return Err("an instance or component type as an import".into())
            }
        })
    }

    /// Records that (`input`'s) `referenced` and `created` are type
    /// `index`. `replace`: whether a type already known by these ids is
    /// now to be referred to by `index` (a declared export, in place of
    /// the alias it was declared equal to), or keeps its first index (a
    /// type aliased out of an import that merely re-exports it).
    fn name_type(
        &mut self,
        input: usize,
        referenced: ComponentAnyTypeId,
        created: ComponentAnyTypeId,
        index: u32,
        replace: bool,
    ) {
        for id in [referenced, created] {
            if let Some(key) = type_key(id) {
                if replace {
                    self.map.insert((input, key), index);
                } else {
                    self.map.entry((input, key)).or_insert(index);
                }
            }
        }
    }
}

impl Writer<'_, InstanceSpace> {
    /// Declares export `name` of an instance type, as `input` types it.
    /// The type index of a type export.
    fn export(
        &mut self,
        input: usize,
        name: &str,
        item: &ComponentItem,
    ) -> Result<Option<u32>, Unwritable> {
        let extern_name = ComponentExternName {
            name: Cow::Borrowed(name),
            implements: item.implements.as_deref().map(Cow::Borrowed),
            version_suffix: item.version_suffix.as_deref().map(Cow::Borrowed),
            external_id: item.external_id.as_deref().map(Cow::Borrowed),
        };
        match item.ty {
            ComponentEntityType::Func(f) => {
                let index = self.func(input, f)?;
                self.space
                    .ty
                    .export(extern_name, ComponentTypeRef::Func(index));
                Ok(None)
            }
            ComponentEntityType::Type {
                referenced,
                created,
            } => {
                let bounds = self.bounds(input, referenced)?;
                let index = self.space.ty.type_count();
                self.space
                    .ty
                    .export(extern_name, ComponentTypeRef::Type(bounds));
                self.name_type(input, referenced, created, index, true);
                Ok(Some(index))
            }
            other => Err(format!(
                "an imported instance exporting a {} (`{name}`)",
                kind_name(&other)
            )),
        }
    }
}

/// The kind an import or export is passed and aliased as.
fn export_kind(input: &Input, item: &Item) -> Result<ComponentExportKind, LinkError> {
    Ok(match item.ty {
        ComponentEntityType::Module(_) => ComponentExportKind::Module,
        ComponentEntityType::Func(_) => ComponentExportKind::Func,
        ComponentEntityType::Type { .. } => ComponentExportKind::Type,
        ComponentEntityType::Instance(_) => ComponentExportKind::Instance,
        ComponentEntityType::Component(_) => ComponentExportKind::Component,
        ComponentEntityType::Value(_) => {
            return Err(LinkError::Unsupported {
                name: input.name.clone(),
                what: format!("the value import or export `{}`", item.name),
            })
        }
    })
}

/// Writes the component `plan` describes, and validates it.
pub(crate) fn encode(plan: &LinkPlan) -> Result<Vec<u8>, LinkError> {
    let inputs = &plan.inputs;
    let mut top = Writer {
        inputs,
        space: Top::default(),
        map: HashMap::new(),
        outer: None,
    };

    // The imports of the result, each after those its types refer to.
    let mut import_index = vec![(ComponentExportKind::Instance, 0); plan.imports.len()];
    for t in import_order(plan) {
        import_index[t] = import(&mut top, plan, &plan.imports[t])?;
    }

    // The inputs, embedded as they are.
    let mut component_index = vec![0; inputs.len()];
    for &i in &plan.order {
        top.space.flush();
        top.space.component.section(&RawSection {
            id: ComponentSectionId::Component.into(),
            data: &inputs[i].bytes,
        });
        component_index[i] = top.space.next(ComponentExportKind::Component);
    }

    // Instances, providers first; exports of instances aliased once.
    let mut instance_index = vec![0; inputs.len()];
    let mut aliased: HashMap<(usize, usize), u32> = HashMap::new();
    let mut alias = |top: &mut Top,
                     k: usize,
                     export: usize,
                     instance: u32|
     -> Result<(ComponentExportKind, u32), LinkError> {
        let item = &inputs[k].exports[export];
        let kind = export_kind(&inputs[k], item)?;
        if let Some(&index) = aliased.get(&(k, export)) {
            return Ok((kind, index));
        }
        let mut aliases = ComponentAliasSection::new();
        aliases.alias(Alias::InstanceExport {
            instance,
            kind,
            name: &item.name,
        });
        top.component.section(&aliases);
        let index = top.next(kind);
        aliased.insert((k, export), index);
        Ok((kind, index))
    };
    for &i in &plan.order {
        top.space.flush();
        let mut args = Vec::new();
        for (import, source) in inputs[i].imports.iter().zip(&plan.wiring[i]) {
            let (kind, index) = match *source {
                Source::Import(t) => import_index[t],
                Source::Export { input, export } => {
                    alias(&mut top.space, input, export, instance_index[input])?
                }
            };
            args.push((import.name.as_str(), kind, index));
        }
        let mut instances = ComponentInstanceSection::new();
        instances.instantiate(component_index[i], args);
        top.space.component.section(&instances);
        instance_index[i] = top.space.next(ComponentExportKind::Instance);
    }

    // The exports.
    let mut exports = ComponentExportSection::new();
    for export in &plan.exports {
        let (kind, index) = alias(
            &mut top.space,
            export.input,
            export.export,
            instance_index[export.input],
        )?;
        let item = &inputs[export.input].exports[export.export];
        exports.export(item.extern_name(), kind, index, None);
    }
    top.space.component.section(&exports);

    let bytes = top.space.component.finish();
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(&bytes)
        .map_err(|err| LinkError::InvalidOutput {
            message: err.message().to_string(),
            offset: err.offset(),
        })?;
    Ok(bytes)
}

/// The order to declare the result's imports in: each input's imports
/// keep their relative order (a type may refer to an earlier import's),
/// otherwise first come, first declared.
fn import_order(plan: &LinkPlan) -> Vec<usize> {
    let count = plan.imports.len();
    let mut before: Vec<Vec<usize>> = vec![Vec::new(); count];
    for &i in &plan.order {
        let mut previous: Option<usize> = None;
        for source in &plan.wiring[i] {
            if let Source::Import(t) = *source {
                if let Some(p) = previous {
                    if p != t && !before[t].contains(&p) {
                        before[t].push(p);
                    }
                }
                previous = Some(t);
            }
        }
    }
    // A type may use a resource of another import, through any input.
    for (t, import) in plan.imports.iter().enumerate() {
        for &(i, j) in &import.sources {
            for r in resources(&plan.inputs, i, &plan.inputs[i].imports[j].ty) {
                if let Some(Identity::Import { name, .. }) = plan.identities[i].get(&r) {
                    if let Some(p) = plan.imports.iter().position(|o| o.full == *name) {
                        if p != t && !before[t].contains(&p) {
                            before[t].push(p);
                        }
                    }
                }
            }
        }
    }
    let mut done = vec![false; count];
    let mut order = Vec::with_capacity(count);
    while order.len() < count {
        let ready = (0..count).find(|&t| !done[t] && before[t].iter().all(|&p| done[p]));
        // A cycle between two inputs' orders: take the first left.
        let next = ready.unwrap_or_else(|| (0..count).find(|&t| !done[t]).unwrap_or(0));
        done[next] = true;
        order.push(next);
    }
    order
}

/// Declares import `t` of the result; its kind and index.
fn import(
    top: &mut Writer<'_, Top>,
    plan: &LinkPlan,
    t: &TopImport,
) -> Result<(ComponentExportKind, u32), LinkError> {
    let inputs = &plan.inputs;
    let (first, first_import) = t.sources[0];
    let item = &inputs[first].imports[first_import];
    let unsupported = |what: String| LinkError::Unsupported {
        name: inputs[first].name.clone(),
        what: format!("importing {}: {what}", item.full),
    };
    match item.ty {
        ComponentEntityType::Instance(_) => {
            let sources: Vec<(usize, ComponentInstanceTypeId)> = t
                .sources
                .iter()
                .filter_map(|&(i, j)| match inputs[i].imports[j].ty {
                    ComponentEntityType::Instance(id) => Some((i, id)),
                    _ => None,
                })
                .collect();
            let ty = instance_type(inputs, &top.map, &sources).map_err(unsupported)?;
            let (index, encoder) = top.space.new_type();
            encoder.instance(&ty);
            top.space.flush();
            let mut imports = ComponentImportSection::new();
            imports.import(item.extern_name(), ComponentTypeRef::Instance(index));
            top.space.component.section(&imports);
            let instance = top.space.next(ComponentExportKind::Instance);

            // Its types, aliased out for the imports declared after it.
            let mut aliases = ComponentAliasSection::new();
            let mut names: Vec<&str> = Vec::new();
            for &(i, id) in &sources {
                for (name, export) in &inputs[i].types[id].exports {
                    if matches!(export.ty, ComponentEntityType::Type { .. })
                        && !names.contains(&name.as_str())
                    {
                        names.push(name);
                    }
                }
            }
            for name in names {
                aliases.alias(Alias::InstanceExport {
                    instance,
                    kind: ComponentExportKind::Type,
                    name,
                });
                let index = top.space.next(ComponentExportKind::Type);
                bind_imported(top, plan, &t.full, &[name], index);
                for &(i, id) in &sources {
                    if let Some(ComponentEntityType::Type {
                        referenced,
                        created,
                    }) = inputs[i].types[id].exports.get(name).map(|e| e.ty)
                    {
                        top.name_type(i, referenced, created, index, false);
                    }
                }
            }
            if !aliases.is_empty() {
                top.space.component.section(&aliases);
            }
            Ok((ComponentExportKind::Instance, instance))
        }
        ComponentEntityType::Func(f) => {
            let index = top.func(first, f).map_err(unsupported)?;
            top.space.flush();
            let mut imports = ComponentImportSection::new();
            imports.import(item.extern_name(), ComponentTypeRef::Func(index));
            top.space.component.section(&imports);
            Ok((
                ComponentExportKind::Func,
                top.space.next(ComponentExportKind::Func),
            ))
        }
        ComponentEntityType::Type { referenced, .. } => {
            let bounds = top.bounds(first, referenced).map_err(unsupported)?;
            top.space.flush();
            let mut imports = ComponentImportSection::new();
            imports.import(item.extern_name(), ComponentTypeRef::Type(bounds));
            top.space.component.section(&imports);
            let index = top.space.next(ComponentExportKind::Type);
            bind_imported(top, plan, &t.full, &[], index);
            for &(i, j) in &t.sources {
                if let ComponentEntityType::Type {
                    referenced,
                    created,
                } = inputs[i].imports[j].ty
                {
                    top.name_type(i, referenced, created, index, false);
                }
            }
            Ok((ComponentExportKind::Type, index))
        }
        other => Err(unsupported(format!("a {} import", kind_name(&other)))),
    }
}

/// Records type `index` of the result as every input's resource that is
/// the resource at `path` in import `name` of the result, however the
/// input came by it (its own import of the name, or an export of another
/// input that passes it on).
fn bind_imported(
    top: &mut Writer<'_, Top>,
    plan: &LinkPlan,
    name: &str,
    path: &[&str],
    index: u32,
) {
    for (input, identities) in plan.identities.iter().enumerate() {
        for (id, identity) in identities {
            if let Identity::Import { name: n, path: p } = identity {
                if n == name && p.iter().map(String::as_str).eq(path.iter().copied()) {
                    top.map
                        .entry((input, TypeKey::Resource(*id)))
                        .or_insert(index);
                }
            }
        }
    }
}

/// The type of an instance import: every export of the first input's
/// type, then the exports only others need.
fn instance_type(
    inputs: &[Input],
    outer: &HashMap<Key, u32>,
    sources: &[(usize, ComponentInstanceTypeId)],
) -> Result<InstanceType, Unwritable> {
    let mut writer = Writer {
        inputs,
        space: InstanceSpace::default(),
        map: HashMap::new(),
        outer: Some(outer),
    };
    let mut declared: HashMap<&str, Option<u32>> = HashMap::new();
    for &(i, id) in sources {
        for (name, item) in &inputs[i].types[id].exports {
            match declared.get(name.as_str()) {
                Some(existing) => {
                    // Declared for another input: this input's ids name
                    // the same type.
                    if let (
                        Some(index),
                        ComponentEntityType::Type {
                            referenced,
                            created,
                        },
                    ) = (existing, item.ty)
                    {
                        writer.name_type(i, referenced, created, *index, true);
                    }
                }
                None => {
                    let index = writer.export(i, name, item)?;
                    declared.insert(name, index);
                }
            }
        }
    }
    Ok(writer.space.ty)
}

fn primitive(p: wasmparser::PrimitiveValType) -> PrimitiveValType {
    use wasmparser::PrimitiveValType as P;
    match p {
        P::Bool => PrimitiveValType::Bool,
        P::S8 => PrimitiveValType::S8,
        P::U8 => PrimitiveValType::U8,
        P::S16 => PrimitiveValType::S16,
        P::U16 => PrimitiveValType::U16,
        P::S32 => PrimitiveValType::S32,
        P::U32 => PrimitiveValType::U32,
        P::S64 => PrimitiveValType::S64,
        P::U64 => PrimitiveValType::U64,
        P::F32 => PrimitiveValType::F32,
        P::F64 => PrimitiveValType::F64,
        P::Char => PrimitiveValType::Char,
        P::String => PrimitiveValType::String,
        P::ErrorContext => PrimitiveValType::ErrorContext,
    }
}

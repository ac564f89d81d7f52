//! Component types as WIT text, for messages and `--explain`, read from
//! wasmparser's types of one input. Named types print by the name their
//! interface (or the component, for world-level types) gives them; a
//! named type's definition prints with [`Namer::definition`].

use std::collections::HashMap;

use wasmparser::component_types::{
    ComponentAnyTypeId, ComponentDefinedType, ComponentDefinedTypeId, ComponentEntityType,
    ComponentFuncTypeId, ComponentInstanceTypeId, ComponentValType, ResourceId,
};
use wasmparser::types::Types;
use wasmparser::PrimitiveValType;

use super::input::Input;

/// Names of the types in scope of one import or export of an input.
pub(crate) struct Namer<'a> {
    types: &'a Types,
    defined: HashMap<ComponentDefinedTypeId, String>,
    resources: HashMap<ResourceId, String>,
}

impl<'a> Namer<'a> {
    /// The names of `input`'s world-level types (type imports and
    /// exports), and of the types every imported and exported instance
    /// exports.
    pub fn new(input: &'a Input) -> Namer<'a> {
        let mut namer = Namer {
            types: &input.types,
            defined: HashMap::new(),
            resources: HashMap::new(),
        };
        for item in input.imports.iter().chain(&input.exports) {
            if let ComponentEntityType::Instance(id) = item.ty {
                namer.add_instance(id);
            }
        }
        // World-level names last, so that they win.
        for item in input.imports.iter().chain(&input.exports) {
            namer.add(&item.name, &item.ty);
        }
        namer
    }

    /// A namer that prefers the names `instance` gives its types.
    pub fn for_instance(input: &'a Input, instance: ComponentInstanceTypeId) -> Namer<'a> {
        let mut namer = Namer::new(input);
        namer.add_instance(instance);
        namer
    }

    fn add_instance(&mut self, id: ComponentInstanceTypeId) {
        let types = self.types;
        for (name, item) in &types[id].exports {
            self.add(name, &item.ty);
        }
    }

    fn add(&mut self, name: &str, ty: &ComponentEntityType) {
        if let ComponentEntityType::Type {
            referenced,
            created,
        } = ty
        {
            for id in [referenced, created] {
                match id {
                    ComponentAnyTypeId::Defined(id) => {
                        self.defined.insert(*id, name.to_string());
                    }
                    ComponentAnyTypeId::Resource(id) => {
                        self.resources.insert(id.resource(), name.to_string());
                    }
                    _ => {}
                }
            }
        }
    }

    /// The name of defined type `id`, if it has one.
    pub fn name(&self, id: ComponentDefinedTypeId) -> Option<&str> {
        let mut id = Some(id);
        while let Some(current) = id {
            if let Some(name) = self.defined.get(&current) {
                return Some(name);
            }
            id = self.types.peel_alias(current);
        }
        None
    }

    /// The name of resource `id`.
    pub fn resource(&self, id: ResourceId) -> &str {
        self.resources.get(&id).map_or("resource", String::as_str)
    }

    /// A value type as WIT writes it in a signature.
    pub fn val(&self, ty: &ComponentValType) -> String {
        match ty {
            ComponentValType::Primitive(p) => primitive(*p).to_string(),
            ComponentValType::Type(id) => self.defined(*id),
        }
    }

    /// A defined type by name, else by structure.
    pub fn defined(&self, id: ComponentDefinedTypeId) -> String {
        match self.name(id) {
            Some(name) => name.to_string(),
            None => self.structure(id),
        }
    }

    /// A defined type by structure: `list<u8>`, `record { x: s32 }`.
    pub fn structure(&self, id: ComponentDefinedTypeId) -> String {
        let opt = |ty: &Option<ComponentValType>| ty.as_ref().map_or("_".into(), |t| self.val(t));
        match &self.types[id] {
            ComponentDefinedType::Primitive(p) => primitive(*p).to_string(),
            ComponentDefinedType::Record(record) => {
                let fields: Vec<String> = record
                    .fields
                    .iter()
                    .map(|(name, ty)| format!("{name}: {}", self.val(ty)))
                    .collect();
                format!("record {{ {} }}", fields.join(", "))
            }
            ComponentDefinedType::Variant(variant) => {
                let cases: Vec<String> = variant
                    .cases
                    .iter()
                    .map(|(name, case)| match &case.ty {
                        Some(ty) => format!("{name}({})", self.val(ty)),
                        None => name.to_string(),
                    })
                    .collect();
                format!("variant {{ {} }}", cases.join(", "))
            }
            ComponentDefinedType::List { element, .. } => format!("list<{}>", self.val(element)),
            ComponentDefinedType::FixedLengthList {
                element, length, ..
            } => format!("list<{}, {length}>", self.val(element)),
            ComponentDefinedType::Map { key, value, .. } => {
                format!("map<{}, {}>", self.val(key), self.val(value))
            }
            ComponentDefinedType::Tuple(tuple) => {
                let types: Vec<String> = tuple.types.iter().map(|t| self.val(t)).collect();
                format!("tuple<{}>", types.join(", "))
            }
            ComponentDefinedType::Flags(names) => {
                let names: Vec<&str> = names.iter().map(|n| n.as_str()).collect();
                format!("flags {{ {} }}", names.join(", "))
            }
            ComponentDefinedType::Enum(names) => {
                let names: Vec<&str> = names.iter().map(|n| n.as_str()).collect();
                format!("enum {{ {} }}", names.join(", "))
            }
            ComponentDefinedType::Option { ty, .. } => format!("option<{}>", self.val(ty)),
            ComponentDefinedType::Result { ok, err, .. } => match (ok, err) {
                (None, None) => "result".into(),
                (ok, None) => format!("result<{}>", opt(ok)),
                (ok, err) => format!("result<{}, {}>", opt(ok), opt(err)),
            },
            ComponentDefinedType::Own(r) => self.resource(r.resource()).to_string(),
            ComponentDefinedType::Borrow(r) => format!("borrow<{}>", self.resource(r.resource())),
            ComponentDefinedType::Future { ty, .. } => match ty {
                Some(ty) => format!("future<{}>", self.val(ty)),
                None => "future".into(),
            },
            ComponentDefinedType::Stream { ty, .. } => match ty {
                Some(ty) => format!("stream<{}>", self.val(ty)),
                None => "stream".into(),
            },
        }
    }

    /// A named type's definition as WIT: `record point { x: s32, y: s32 }`
    /// (`type name = list<u8>` for an alias-like type).
    pub fn definition(&self, name: &str, id: ComponentDefinedTypeId) -> String {
        let structure = self.structure(id);
        for keyword in ["record", "variant", "flags", "enum"] {
            if let Some(body) = structure.strip_prefix(keyword) {
                return format!("{keyword} {name}{body}");
            }
        }
        format!("type {name} = {structure}")
    }

    /// A function type: `func(key: string) -> option<u32>`.
    pub fn func(&self, id: ComponentFuncTypeId) -> String {
        let func = &self.types[id];
        let params: Vec<String> = func
            .params
            .iter()
            .map(|(name, ty)| format!("{name}: {}", self.val(ty)))
            .collect();
        let result = match &func.result {
            Some(ty) => format!(" -> {}", self.val(ty)),
            None => String::new(),
        };
        let asynchronous = if func.async_ { "async " } else { "" };
        format!("{asynchronous}func({}){result}", params.join(", "))
    }

    /// An import's or export's type, for a message: a function's type, a
    /// type's definition (`resource`, `record { ... }`), or its kind.
    pub fn entity(&self, name: &str, ty: &ComponentEntityType) -> String {
        match ty {
            ComponentEntityType::Func(id) => self.func(*id),
            ComponentEntityType::Type { referenced, .. } => match referenced {
                ComponentAnyTypeId::Resource(_) => "resource".into(),
                ComponentAnyTypeId::Defined(id) => self.definition(name, *id),
                ComponentAnyTypeId::Func(id) => self.func(*id),
                ComponentAnyTypeId::Instance(_) => "instance type".into(),
                ComponentAnyTypeId::Component(_) => "component type".into(),
            },
            ComponentEntityType::Instance(id) => {
                let names: Vec<&str> = self.types[*id].exports.keys().map(String::as_str).collect();
                format!("instance {{ {} }}", names.join(", "))
            }
            ComponentEntityType::Module(_) => "core module".into(),
            ComponentEntityType::Component(_) => "component".into(),
            ComponentEntityType::Value(ty) => format!("value {}", self.val(ty)),
        }
    }
}

/// An interface member's name as WIT users say it: `get`, `index.add`,
/// `index.constructor`.
pub(crate) fn item_label(name: &str) -> String {
    if let Some(resource) = name.strip_prefix("[constructor]") {
        return format!("{resource}.constructor");
    }
    for prefix in ["[method]", "[static]"] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return rest.to_string();
        }
    }
    name.to_string()
}

fn primitive(p: PrimitiveValType) -> &'static str {
    match p {
        PrimitiveValType::Bool => "bool",
        PrimitiveValType::S8 => "s8",
        PrimitiveValType::U8 => "u8",
        PrimitiveValType::S16 => "s16",
        PrimitiveValType::U16 => "u16",
        PrimitiveValType::S32 => "s32",
        PrimitiveValType::U32 => "u32",
        PrimitiveValType::S64 => "s64",
        PrimitiveValType::U64 => "u64",
        PrimitiveValType::F32 => "f32",
        PrimitiveValType::F64 => "f64",
        PrimitiveValType::Char => "char",
        PrimitiveValType::String => "string",
        PrimitiveValType::ErrorContext => "error-context",
    }
}

#[cfg(test)]
mod tests {
    use super::item_label;

    #[test]
    fn items_read_as_wit_names() {
        assert_eq!(item_label("get"), "get");
        assert_eq!(item_label("[method]index.add"), "index.add");
        assert_eq!(item_label("[static]index.merge"), "index.merge");
        assert_eq!(item_label("[constructor]index"), "index.constructor");
    }
}

//! Component types as wasmparser's validator resolved them, turned into
//! weft's [`Type`]s. Resource types become slots: each distinct resource
//! a component definition mentions gets a number, bound to a runtime
//! resource type when the component is instantiated.

use std::sync::Arc;

use wasmparser::component_types::ResourceId;
use wasmparser::component_types::{
    ComponentAnyTypeId, ComponentDefinedType, ComponentEntityType, ComponentFuncTypeId,
    ComponentValType,
};
use wasmparser::types::TypesRef;
use wasmparser::PrimitiveValType;

use super::check::CoreModuleType;
use super::plan::ImportKind;
use super::types::{FuncType, Type};
use crate::error::Error;

/// The resource types a component definition mentions, numbered.
#[derive(Debug, Default, Clone)]
pub(crate) struct ResourceSlots {
    ids: Vec<ResourceId>,
}

impl ResourceSlots {
    /// The slot of `id`, adding it if new.
    pub fn slot(&mut self, id: ResourceId) -> u32 {
        match self.ids.iter().position(|known| *known == id) {
            Some(slot) => slot as u32,
            None => {
                self.ids.push(id);
                self.ids.len() as u32 - 1
            }
        }
    }

    /// The resource ids, by slot.
    pub fn ids(&self) -> &[ResourceId] {
        &self.ids
    }
}

/// Converts the function type `id`.
pub(crate) fn func_type(
    types: TypesRef<'_>,
    id: ComponentFuncTypeId,
    slots: &mut ResourceSlots,
) -> Result<FuncType, Error> {
    let ty = &types[id];
    if ty.async_ {
        return Err(Error::unsupported("async functions"));
    }
    let params = ty
        .params
        .iter()
        .map(|(name, t)| Ok((name.to_string(), val_type(types, t, slots)?)))
        .collect::<Result<_, Error>>()?;
    let result = ty
        .result
        .as_ref()
        .map(|t| val_type(types, t, slots))
        .transpose()?;
    Ok(FuncType { params, result })
}

/// What an import of type `entity` asks for. A function type weft cannot
/// represent is an error for an import of its own (`nested` false), and
/// left unchecked inside an instance type, whose other exports may still
/// be used.
pub(crate) fn import_kind(
    types: TypesRef<'_>,
    entity: &ComponentEntityType,
    slots: &mut ResourceSlots,
    nested: bool,
) -> Result<ImportKind, Error> {
    Ok(match entity {
        ComponentEntityType::Module(id) => {
            ImportKind::Module(Arc::new(CoreModuleType::from_types(types, *id)))
        }
        ComponentEntityType::Func(id) => match func_type(types, *id, slots) {
            Ok(ty) => ImportKind::Func(Arc::new(ty)),
            Err(_) if nested => ImportKind::AnyFunc,
            Err(err) => return Err(err),
        },
        ComponentEntityType::Component(_) => ImportKind::Component,
        ComponentEntityType::Instance(id) => ImportKind::Instance(
            types[*id]
                .exports
                .iter()
                .map(|(name, item)| Ok((name.clone(), import_kind(types, &item.ty, slots, true)?)))
                .collect::<Result<Vec<_>, Error>>()?
                .into(),
        ),
        ComponentEntityType::Type { created, .. } => ImportKind::Type(match created {
            ComponentAnyTypeId::Resource(id) => Some(id.resource()),
            _ => None,
        }),
        ComponentEntityType::Value(_) => return Err(Error::unsupported("component values")),
    })
}

/// The resource id of the type at index `index`, if it is a resource.
pub(crate) fn resource_at(types: TypesRef<'_>, index: u32) -> Option<ResourceId> {
    match types.component_any_type_at(index) {
        ComponentAnyTypeId::Resource(id) => Some(id.resource()),
        _ => None,
    }
}

/// Converts a value type.
pub(crate) fn val_type(
    types: TypesRef<'_>,
    ty: &ComponentValType,
    slots: &mut ResourceSlots,
) -> Result<Type, Error> {
    let id = match ty {
        ComponentValType::Primitive(p) => return primitive(*p),
        ComponentValType::Type(id) => *id,
    };
    let mut convert = |t: &ComponentValType| val_type(types, t, slots);
    Ok(match &types[id] {
        ComponentDefinedType::Primitive(p) => primitive(*p)?,
        ComponentDefinedType::Record(record) => Type::Record(
            record
                .fields
                .iter()
                .map(|(name, t)| Ok((name.to_string(), convert(t)?)))
                .collect::<Result<_, Error>>()?,
        ),
        ComponentDefinedType::Variant(variant) => Type::Variant(
            variant
                .cases
                .iter()
                .map(|(name, case)| {
                    Ok((
                        name.to_string(),
                        case.ty.as_ref().map(&mut convert).transpose()?,
                    ))
                })
                .collect::<Result<_, Error>>()?,
        ),
        ComponentDefinedType::List { element, .. } => Type::List(Box::new(convert(element)?)),
        ComponentDefinedType::Tuple(tuple) => Type::Tuple(
            tuple
                .types
                .iter()
                .map(&mut convert)
                .collect::<Result<_, Error>>()?,
        ),
        ComponentDefinedType::Flags(names) => {
            Type::Flags(names.iter().map(|n| n.to_string()).collect())
        }
        ComponentDefinedType::Enum(names) => {
            Type::Enum(names.iter().map(|n| n.to_string()).collect())
        }
        ComponentDefinedType::Option { ty, .. } => Type::Option(Box::new(convert(ty)?)),
        ComponentDefinedType::Result { ok, err, .. } => Type::Result {
            ok: ok.as_ref().map(&mut convert).transpose()?.map(Box::new),
            err: err.as_ref().map(&mut convert).transpose()?.map(Box::new),
        },
        ComponentDefinedType::Own(id) => Type::Own(slots.slot(id.resource())),
        ComponentDefinedType::Borrow(id) => Type::Borrow(slots.slot(id.resource())),
        ComponentDefinedType::Map { .. } => return Err(Error::unsupported("map types")),
        ComponentDefinedType::FixedLengthList { .. } => {
            return Err(Error::unsupported("fixed-length lists"))
        }
        ComponentDefinedType::Future { .. } => return Err(Error::unsupported("futures")),
        ComponentDefinedType::Stream { .. } => return Err(Error::unsupported("streams")),
    })
}

fn primitive(p: PrimitiveValType) -> Result<Type, Error> {
    Ok(match p {
        PrimitiveValType::Bool => Type::Bool,
        PrimitiveValType::S8 => Type::S8,
        PrimitiveValType::U8 => Type::U8,
        PrimitiveValType::S16 => Type::S16,
        PrimitiveValType::U16 => Type::U16,
        PrimitiveValType::S32 => Type::S32,
        PrimitiveValType::U32 => Type::U32,
        PrimitiveValType::S64 => Type::S64,
        PrimitiveValType::U64 => Type::U64,
        PrimitiveValType::F32 => Type::F32,
        PrimitiveValType::F64 => Type::F64,
        PrimitiveValType::Char => Type::Char,
        PrimitiveValType::String => Type::String,
        PrimitiveValType::ErrorContext => return Err(Error::unsupported("error-context")),
    })
}

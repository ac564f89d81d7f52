//! A schema's named types, described as plain data.

use apollo_compiler::ast::{FieldDefinition, InputValueDefinition};
use apollo_compiler::schema::ExtendedType;
use apollo_compiler::Node;
use serde::Serialize;

/// A named, typed input: a variable, an argument, or an input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct InputValue {
    /// Its name.
    pub name: String,
    /// Its type as written, e.g. `[ID!]!`.
    pub type_ref: String,
    /// The default value as a GraphQL literal.
    pub default_value: Option<String>,
    /// The description, for schema definitions that have one.
    pub description: Option<String>,
}

/// The kind of a named type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TypeKind {
    /// A scalar type.
    Scalar,
    /// An object type.
    Object,
    /// An interface type.
    Interface,
    /// A union type.
    Union,
    /// An enum type.
    Enum,
    /// An input object type.
    InputObject,
}

/// A field of an object or interface type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct FieldInfo {
    /// Its name.
    pub name: String,
    /// Its type as written.
    pub type_ref: String,
    /// Its arguments, in order.
    pub arguments: Vec<InputValue>,
    /// Its description.
    pub description: Option<String>,
    /// The reason given by `@deprecated`, if deprecated.
    pub deprecation: Option<String>,
}

/// A named type of a schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct TypeInfo {
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: TypeKind,
    /// Its description.
    pub description: Option<String>,
    /// The fields of an object or interface type.
    pub fields: Vec<FieldInfo>,
    /// The fields of an input object type.
    pub input_fields: Vec<InputValue>,
    /// The interfaces an object or interface type implements.
    pub interfaces: Vec<String>,
    /// The members of a union type.
    pub members: Vec<String>,
    /// The values of an enum type.
    pub values: Vec<String>,
}

/// The reason `@deprecated` gives when none is written.
const DEFAULT_DEPRECATION: &str = "No longer supported";

impl TypeInfo {
    /// `ty`, described.
    pub(crate) fn of(ty: &ExtendedType) -> TypeInfo {
        let mut info = TypeInfo {
            name: ty.name().to_string(),
            kind: TypeKind::Scalar,
            description: text(ty.description()),
            fields: Vec::new(),
            input_fields: Vec::new(),
            interfaces: Vec::new(),
            members: Vec::new(),
            values: Vec::new(),
        };
        match ty {
            ExtendedType::Scalar(_) => {}
            ExtendedType::Object(object) => {
                info.kind = TypeKind::Object;
                info.fields = object.fields.values().map(|f| field(f)).collect();
                info.interfaces = object
                    .implements_interfaces
                    .iter()
                    .map(|i| i.to_string())
                    .collect();
            }
            ExtendedType::Interface(interface) => {
                info.kind = TypeKind::Interface;
                info.fields = interface.fields.values().map(|f| field(f)).collect();
                info.interfaces = interface
                    .implements_interfaces
                    .iter()
                    .map(|i| i.to_string())
                    .collect();
            }
            ExtendedType::Union(union) => {
                info.kind = TypeKind::Union;
                info.members = union.members.iter().map(|m| m.to_string()).collect();
            }
            ExtendedType::Enum(enumeration) => {
                info.kind = TypeKind::Enum;
                info.values = enumeration.values.keys().map(|v| v.to_string()).collect();
            }
            ExtendedType::InputObject(input) => {
                info.kind = TypeKind::InputObject;
                info.input_fields = input.fields.values().map(|f| input_value(f)).collect();
            }
        }
        info
    }
}

fn field(definition: &FieldDefinition) -> FieldInfo {
    FieldInfo {
        name: definition.name.to_string(),
        type_ref: definition.ty.to_string(),
        arguments: definition
            .arguments
            .iter()
            .map(|a| input_value(a))
            .collect(),
        description: text(definition.description.as_ref()),
        deprecation: definition.directives.get("deprecated").map(|directive| {
            directive
                .specified_argument_by_name("reason")
                .and_then(|reason| reason.as_str().map(str::to_string))
                .unwrap_or_else(|| DEFAULT_DEPRECATION.to_string())
        }),
    }
}

pub(crate) fn input_value(definition: &InputValueDefinition) -> InputValue {
    InputValue {
        name: definition.name.to_string(),
        type_ref: definition.ty.to_string(),
        default_value: definition.default_value.as_ref().map(|v| v.to_string()),
        description: text(definition.description.as_ref()),
    }
}

fn text(description: Option<&Node<str>>) -> Option<String> {
    description.map(|d| d.to_string())
}

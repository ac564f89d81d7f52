//! The GraphQL toolkit as a WebAssembly component: `graphql-kit`'s API
//! exported through `wit/graphql.wit` with weft's guest crate. Every
//! function is a conversion around the same call into `graphql-kit`
//! that a native Rust program makes, so the component and the native
//! library give the same answers (`tests/native_and_component.rs`
//! checks it over the corpus).

weft::world!();

#[cfg(target_arch = "wasm32")]
mod entropy;

use graphql_kit as kit;
use wit::graphql as gql;

/// The `schema` resource: a schema parsed and validated once.
pub struct Schema(kit::Schema);

#[weft::export]
impl Schema {
    /// Parses and validates SDL.
    pub fn parse(sdl: &str) -> Result<Schema, Vec<gql::GqlError>> {
        kit::Schema::parse(sdl).map(Schema).map_err(errors)
    }

    /// The schema as SDL.
    pub fn sdl(&self) -> String {
        self.0.sdl()
    }

    /// The named types, built-ins left out.
    pub fn types(&self) -> Vec<gql::TypeInfo> {
        self.0.types().into_iter().map(type_info).collect()
    }

    /// The named type `name`.
    pub fn lookup(&self, name: &str) -> Option<gql::TypeInfo> {
        self.0.lookup(name).map(type_info)
    }

    /// Validates `query` against the schema.
    pub fn validate(&self, query: &str) -> Result<(), Vec<gql::GqlError>> {
        self.0.validate(query).map_err(errors)
    }

    /// Validates `query` and prints it in canonical form.
    pub fn normalize(
        &self,
        query: &str,
        options: gql::NormalizeOptions,
    ) -> Result<String, Vec<gql::GqlError>> {
        let options = kit::NormalizeOptions {
            style: match options.style {
                gql::PrintStyle::Pretty => kit::PrintStyle::Pretty,
                gql::PrintStyle::Compact => kit::PrintStyle::Compact,
            },
            operation_name: options.operation_name,
        };
        self.0.normalize(query, &options).map_err(errors)
    }

    /// Executes `request` against the JSON `data`.
    pub fn execute(
        &self,
        request: gql::Request,
        data: &str,
    ) -> Result<gql::Response, Vec<gql::GqlError>> {
        let request = kit::Request {
            query: request.query,
            operation_name: request.operation_name,
            variables: request.variables,
        };
        self.0
            .execute(&request, data)
            .map(|response| gql::Response {
                data: response.data,
                errors: errors(response.errors),
            })
            .map_err(errors)
    }
}

/// The functions of the `graphql` interface.
#[weft::export]
mod graphql {
    use super::{errors, gql, input_value, kit, location};

    /// Parses and summarises an executable document.
    pub fn parse(query: &str) -> Result<gql::DocumentSummary, Vec<gql::GqlError>> {
        let summary = kit::parse(query).map_err(errors)?;
        Ok(gql::DocumentSummary {
            operations: summary
                .operations
                .into_iter()
                .map(|op| gql::OperationSummary {
                    name: op.name,
                    kind: match op.kind {
                        kit::OperationKind::Query => gql::OperationKind::Query,
                        kit::OperationKind::Mutation => gql::OperationKind::Mutation,
                        kit::OperationKind::Subscription => gql::OperationKind::Subscription,
                    },
                    variables: op.variables.into_iter().map(input_value).collect(),
                    root_fields: op.root_fields,
                    fragment_spreads: op.fragment_spreads,
                    depth: op.depth,
                    location: op.location.map(location),
                })
                .collect(),
            fragments: summary
                .fragments
                .into_iter()
                .map(|fragment| gql::FragmentSummary {
                    name: fragment.name,
                    type_condition: fragment.type_condition,
                    fragment_spreads: fragment.fragment_spreads,
                    depth: fragment.depth,
                    location: fragment.location.map(location),
                })
                .collect(),
        })
    }
}

fn errors(errors: Vec<kit::GqlError>) -> Vec<gql::GqlError> {
    errors.into_iter().map(error).collect()
}

fn error(error: kit::GqlError) -> gql::GqlError {
    gql::GqlError {
        kind: match error.kind {
            kit::ErrorKind::Syntax => gql::ErrorKind::Syntax,
            kit::ErrorKind::Validation => gql::ErrorKind::Validation,
            kit::ErrorKind::Request => gql::ErrorKind::Request,
            kit::ErrorKind::Field => gql::ErrorKind::Field,
            kit::ErrorKind::Json => gql::ErrorKind::Json,
        },
        message: error.message,
        locations: error.locations.into_iter().map(location).collect(),
        path: error
            .path
            .into_iter()
            .map(|segment| match segment {
                kit::PathSegment::Field(name) => gql::PathSegment::Field(name),
                kit::PathSegment::Index(i) => gql::PathSegment::Index(i),
            })
            .collect(),
    }
}

fn location(at: kit::Location) -> gql::Location {
    gql::Location {
        line: at.line,
        column: at.column,
    }
}

fn input_value(value: kit::InputValue) -> gql::InputValue {
    gql::InputValue {
        name: value.name,
        type_ref: value.type_ref,
        default_value: value.default_value,
        description: value.description,
    }
}

fn type_info(info: kit::TypeInfo) -> gql::TypeInfo {
    gql::TypeInfo {
        name: info.name,
        kind: match info.kind {
            kit::TypeKind::Scalar => gql::TypeKind::Scalar,
            kit::TypeKind::Object => gql::TypeKind::Object,
            kit::TypeKind::Interface => gql::TypeKind::Interface,
            kit::TypeKind::Union => gql::TypeKind::Union,
            kit::TypeKind::Enum => gql::TypeKind::Enum,
            kit::TypeKind::InputObject => gql::TypeKind::InputObject,
        },
        description: info.description,
        fields: info
            .fields
            .into_iter()
            .map(|field| gql::FieldInfo {
                name: field.name,
                type_ref: field.type_ref,
                arguments: field.arguments.into_iter().map(input_value).collect(),
                description: field.description,
                deprecation: field.deprecation,
            })
            .collect(),
        input_fields: info.input_fields.into_iter().map(input_value).collect(),
        interfaces: info.interfaces,
        members: info.members,
        values: info.values,
    }
}

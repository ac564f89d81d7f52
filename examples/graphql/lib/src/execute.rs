//! Execution against JSON data, with no resolvers to write: the data is
//! the root value, and every field reads the same-named key.
//!
//! apollo-compiler's executor (`resolvers::Execution`) does the GraphQL
//! part (field collection, fragments, `@skip`/`@include`, aliases,
//! variables and argument coercion, result coercion, null propagation,
//! introspection); [`JsonObject`] answers its questions from the JSON.
//!
//! Arguments filter the JSON arrays: see [`Schema::execute`].

use apollo_compiler::ast::Type;
use apollo_compiler::parser::SourceMap;
use apollo_compiler::request::RequestError;
use apollo_compiler::resolvers::{Execution, FieldError, ObjectValue, ResolveInfo, ResolvedValue};
use apollo_compiler::response::{JsonMap, JsonValue};
use apollo_compiler::schema::ExtendedType;
use serde::Serialize;

use crate::error::{ErrorKind, GqlError, Location};
use crate::schema::Schema;

/// A GraphQL request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Request {
    /// The executable document.
    pub query: String,
    /// The operation to run; may be none when there is one.
    pub operation_name: Option<String>,
    /// The variables' values as a JSON object.
    pub variables: Option<String>,
}

/// The outcome of a request that passed validation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Response {
    /// The response's `data` as one line of JSON; none when it is null.
    pub data: Option<String>,
    /// The field errors, in the order they arose.
    pub errors: Vec<GqlError>,
}

/// The argument that keeps at most n items of a list.
const FIRST: &str = "first";
/// The argument that skips n items of a list.
const OFFSET: &str = "offset";

impl Schema {
    /// Validates and executes `request` against the JSON object `data`,
    /// the root value of every operation type.
    ///
    /// Fields resolve to the same-named keys (an absent key is null);
    /// arrays are lists and objects objects. An object for an interface
    /// or union type names its type in a `__typename` key. An integer
    /// where a `Float` is expected is converted.
    ///
    /// Arguments filter: on a field whose JSON value is an array of
    /// objects, each non-null argument keeps the items whose same-named
    /// key equals it (numbers by value; an ID string equals a number with
    /// those digits; a list argument matches any of its items; an input
    /// object matches key by key, against the item itself when the item
    /// has no key of the argument's name; an array in the data matches if
    /// any element does). `first` and `offset` page instead, after
    /// filtering. On a field of a single object type whose JSON value is
    /// an array, the value is the first item that the arguments match
    /// (the first item when none filters; null if none matches).
    /// Arguments of scalar and enum fields are ignored. Introspection is
    /// answered from the schema.
    ///
    /// Errors that stop the request (`syntax`, `validation`, `request`,
    /// `json`) are the `Err` case; field errors come with the data.
    pub fn execute(&self, request: &Request, data: &str) -> Result<Response, Vec<GqlError>> {
        let document = self.document(&request.query)?;
        let operation = document
            .operations
            .get(request.operation_name.as_deref())
            .map_err(|error| request_error(&error, &document.sources, &request.query))?;
        let variables = match &request.variables {
            Some(text) => json_object(text, "variables")?,
            None => JsonMap::new(),
        };
        let data = json_object(data, "data")?;
        let root = JsonObject {
            type_name: operation.object_type().as_str(),
            fields: &data,
        };
        let response = Execution::new(self.apollo(), &document)
            .operation(operation)
            .raw_variable_values(&variables)
            .enable_schema_introspection(true)
            .execute_sync(&root)
            .map_err(|error| request_error(&error, &document.sources, &request.query))?;
        Ok(Response {
            data: response
                .data
                .map(|data| serde_json::to_string(&data).expect("JSON values always serialise")),
            errors: response
                .errors
                .into_iter()
                .map(|error| GqlError::from_graphql(ErrorKind::Field, error, &request.query))
                .collect(),
        })
    }
}

/// A request error (no such operation, variables that do not coerce).
pub(crate) fn request_error(
    error: &RequestError,
    sources: &SourceMap,
    query: &str,
) -> Vec<GqlError> {
    vec![GqlError::from_graphql(
        ErrorKind::Request,
        error.to_graphql_error(sources),
        query,
    )]
}

/// `text` as a JSON object; `what` names it in errors.
fn json_object(text: &str, what: &str) -> Result<JsonMap, Vec<GqlError>> {
    match serde_json::from_str::<JsonValue>(text) {
        Ok(JsonValue::Object(map)) => Ok(map),
        Ok(other) => Err(vec![GqlError::new(
            ErrorKind::Json,
            format!("{what}: expected a JSON object, found {}", describe(&other)),
            None,
        )]),
        Err(error) => {
            let full = error.to_string();
            let message = full.rsplit_once(" at line ").map_or(&*full, |(m, _)| m);
            Err(vec![GqlError::new(
                ErrorKind::Json,
                format!("{what}: {message}"),
                json_location(text, error.line(), error.column()),
            )])
        }
    }
}

/// serde_json's position (line from 1, column in bytes from 1) with the
/// column counted in characters.
fn json_location(text: &str, line: usize, column: usize) -> Option<Location> {
    let source_line = text.split('\n').nth(line.checked_sub(1)?)?;
    let chars = source_line
        .char_indices()
        .take_while(|(at, _)| *at < column.saturating_sub(1))
        .count();
    Some(Location {
        line: u32::try_from(line).ok()?,
        column: u32::try_from(chars + 1).ok()?,
    })
}

/// A JSON value's kind, for messages.
fn describe(value: &JsonValue) -> &'static str {
    match value {
        JsonValue::Null => "null",
        JsonValue::Bool(_) => "a boolean",
        JsonValue::Number(_) => "a number",
        JsonValue::String(_) => "a string",
        JsonValue::Array(_) => "an array",
        JsonValue::Object(_) => "an object",
    }
}

/// A JSON object standing for an object of the GraphQL type `type_name`.
struct JsonObject<'a> {
    type_name: &'a str,
    fields: &'a JsonMap,
}

static NULL: JsonValue = JsonValue::Null;

impl ObjectValue for JsonObject<'_> {
    fn type_name(&self) -> &str {
        self.type_name
    }

    fn resolve_field<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
    ) -> Result<ResolvedValue<'a>, FieldError> {
        let value = self.fields.get(info.field_name()).unwrap_or(&NULL);
        resolve(
            info.schema(),
            &info.field_definition().ty,
            value,
            Some(info.arguments()),
        )
    }
}

/// `value` as a value of type `ty`, `arguments` filtering where they do.
fn resolve<'a>(
    schema: &'a apollo_compiler::Schema,
    ty: &'a Type,
    value: &'a JsonValue,
    arguments: Option<&'a JsonMap>,
) -> Result<ResolvedValue<'a>, FieldError> {
    let named = ty.inner_named_type();
    let definition = schema.types.get(named);
    let composite = matches!(
        definition,
        Some(ExtendedType::Object(_) | ExtendedType::Interface(_) | ExtendedType::Union(_))
    );
    if value.is_null() {
        return Ok(ResolvedValue::null());
    }
    if let Type::List(inner) | Type::NonNullList(inner) = ty {
        let JsonValue::Array(items) = value else {
            return Err(FieldError {
                message: format!("expected a JSON array for {ty}, found {}", describe(value)),
            });
        };
        let mut kept: Vec<&'a JsonValue> = items
            .iter()
            .filter(|item| !composite || arguments.is_none_or(|args| matches_arguments(item, args)))
            .collect();
        if let Some(args) = arguments {
            page(&mut kept, args);
        }
        let inner: &'a Type = inner;
        return Ok(ResolvedValue::List(Box::new(
            kept.into_iter()
                .map(move |item| resolve(schema, inner, item, None)),
        )));
    }
    // A single object from an array: the first item that the arguments
    // match (the first item, when no argument filters).
    let value = match (value, arguments) {
        (JsonValue::Array(items), Some(args)) if composite => {
            match items.iter().find(|item| matches_arguments(item, args)) {
                Some(item) => item,
                None => return Ok(ResolvedValue::null()),
            }
        }
        _ => value,
    };
    match (definition, value) {
        (Some(ExtendedType::Object(_)), JsonValue::Object(fields)) => {
            Ok(ResolvedValue::object(JsonObject {
                type_name: named.as_str(),
                fields,
            }))
        }
        (Some(ExtendedType::Interface(_) | ExtendedType::Union(_)), JsonValue::Object(fields)) => {
            match fields.get("__typename").and_then(JsonValue::as_str) {
                Some(type_name) => Ok(ResolvedValue::object(JsonObject { type_name, fields })),
                None => Err(FieldError {
                    message: format!(
                        "the JSON object for the abstract type {named} has no string `__typename`"
                    ),
                }),
            }
        }
        (Some(ExtendedType::Scalar(_)), JsonValue::Number(n))
            if named == "Float" && !value.is_f64() =>
        {
            match n.as_f64().and_then(serde_json::Number::from_f64) {
                Some(float) => Ok(ResolvedValue::leaf(JsonValue::Number(float))),
                None => Ok(ResolvedValue::leaf(value.clone())),
            }
        }
        _ => Ok(ResolvedValue::leaf(value.clone())),
    }
}

fn is_paging(name: &str) -> bool {
    name == FIRST || name == OFFSET
}

/// Whether `item` passes every filtering argument: its same-named key
/// matches the argument's value; an input object for which the item has
/// no key is matched against the item itself (`filter: {genre: FANTASY}`
/// keeps the items whose `genre` is `FANTASY`).
///
/// With no filtering argument every item passes, null included.
fn matches_arguments(item: &JsonValue, arguments: &JsonMap) -> bool {
    let mut filters = arguments
        .iter()
        .filter(|(name, wanted)| !is_paging(name.as_str()) && !wanted.is_null())
        .peekable();
    if filters.peek().is_none() {
        return true;
    }
    let JsonValue::Object(fields) = item else {
        return false;
    };
    filters.all(|(name, wanted)| match fields.get(name.as_str()) {
        Some(value) => matches(value, wanted),
        None if wanted.is_object() => matches(item, wanted),
        None => false,
    })
}

/// Whether the data's `value` matches the argument value `wanted`.
fn matches(value: &JsonValue, wanted: &JsonValue) -> bool {
    match (value, wanted) {
        (_, JsonValue::Null) => true,
        (_, JsonValue::Array(options)) => options.iter().any(|o| matches(value, o)),
        (JsonValue::Array(items), _) => items.iter().any(|item| matches(item, wanted)),
        (JsonValue::Object(fields), JsonValue::Object(wanted)) => wanted
            .iter()
            .all(|(name, w)| matches(fields.get(name.as_str()).unwrap_or(&NULL), w)),
        (JsonValue::Number(a), JsonValue::Number(b)) => a.as_f64() == b.as_f64(),
        (JsonValue::Number(n), JsonValue::String(s))
        | (JsonValue::String(s), JsonValue::Number(n)) => n.to_string() == s.as_str(),
        _ => value == wanted,
    }
}

/// Applies `offset` then `first`.
fn page(items: &mut Vec<&JsonValue>, arguments: &JsonMap) {
    let count = |name: &str| {
        arguments
            .get(name)
            .and_then(JsonValue::as_i64)
            .map(|n| usize::try_from(n.max(0)).unwrap_or(usize::MAX))
    };
    if let Some(offset) = count(OFFSET) {
        items.drain(..offset.min(items.len()));
    }
    if let Some(first) = count(FIRST) {
        items.truncate(first);
    }
}

//! A GraphQL toolkit: parse, validate, normalise and execute GraphQL
//! documents against a schema, with a JSON document as the data.
//!
//! Built on apollo-compiler (parsing, validation with error locations,
//! printing, and its resolver-based executor), with a resolver-less
//! execution over JSON: fields read the same-named keys of the JSON
//! objects. This is the plain Rust library; the crate one directory up
//! exports the same API as a WebAssembly component (`wit/graphql.wit`),
//! so that Python, Go and Rust hosts run this very code.
//!
//! ```
//! use graphql_kit::{Request, Schema};
//!
//! let schema = Schema::parse("type Query { greeting: String }").unwrap();
//! let request = Request {
//!     query: "{ greeting }".into(),
//!     ..Request::default()
//! };
//! let response = schema.execute(&request, r#"{"greeting": "hi"}"#).unwrap();
//! assert_eq!(response.data.as_deref(), Some(r#"{"greeting":"hi"}"#));
//! ```

mod error;
mod execute;
mod reference;
mod schema;
mod summary;
mod types;

pub use error::{ErrorKind, GqlError, Location, PathSegment};
pub use execute::{Request, Response};
pub use schema::{NormalizeOptions, PrintStyle, Schema};
pub use summary::{parse, DocumentSummary, FragmentSummary, OperationKind, OperationSummary};
pub use types::{FieldInfo, InputValue, TypeInfo, TypeKind};

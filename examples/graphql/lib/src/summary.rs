//! `parse`: an executable document read without a schema, summarised.

use apollo_compiler::ast::{self, Definition, Selection};
use serde::Serialize;

use crate::error::{GqlError, Location};
use crate::reference::syntax_errors;
use crate::types::InputValue;

/// The file name apollo-compiler is given for a query (it appears in no
/// message this crate returns).
pub(crate) const QUERY_PATH: &str = "query.graphql";

/// The kind of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OperationKind {
    /// `query`, or a shorthand `{ ... }`.
    Query,
    /// `mutation`.
    Mutation,
    /// `subscription`.
    Subscription,
}

impl From<ast::OperationType> for OperationKind {
    fn from(kind: ast::OperationType) -> Self {
        match kind {
            ast::OperationType::Query => OperationKind::Query,
            ast::OperationType::Mutation => OperationKind::Mutation,
            ast::OperationType::Subscription => OperationKind::Subscription,
        }
    }
}

/// One operation of an executable document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct OperationSummary {
    /// The name; none for an anonymous operation.
    pub name: Option<String>,
    /// Query, mutation or subscription.
    pub kind: OperationKind,
    /// The variables it declares, in order.
    pub variables: Vec<InputValue>,
    /// The response keys of its top-level fields, in order.
    pub root_fields: Vec<String>,
    /// The fragments it spreads directly, each once, in order of first use.
    pub fragment_spreads: Vec<String>,
    /// The deepest nesting of fields, not following fragment spreads.
    pub depth: u32,
    /// Where the operation starts.
    pub location: Option<Location>,
}

/// One fragment definition of an executable document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct FragmentSummary {
    /// The fragment's name.
    pub name: String,
    /// The type it applies to.
    pub type_condition: String,
    /// The fragments it spreads directly, each once, in order of first use.
    pub fragment_spreads: Vec<String>,
    /// The deepest nesting of fields, not following fragment spreads.
    pub depth: u32,
    /// Where the fragment starts.
    pub location: Option<Location>,
}

/// The structure of an executable document, read without a schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentSummary {
    /// The operations, in document order.
    pub operations: Vec<OperationSummary>,
    /// The fragment definitions, in document order.
    pub fragments: Vec<FragmentSummary>,
}

/// Parses `query` as an executable document (syntax only) and summarises
/// it; type-system definitions in it are left out.
pub fn parse(query: &str) -> Result<DocumentSummary, Vec<GqlError>> {
    let document = parse_ast(query)?;
    let at = |span| Location::of_span(span, &document.sources, query);
    let mut summary = DocumentSummary {
        operations: Vec::new(),
        fragments: Vec::new(),
    };
    for definition in &document.definitions {
        match definition {
            Definition::OperationDefinition(op) => summary.operations.push(OperationSummary {
                name: op.name.as_ref().map(|n| n.to_string()),
                kind: op.operation_type.into(),
                variables: op
                    .variables
                    .iter()
                    .map(|v| InputValue {
                        name: v.name.to_string(),
                        type_ref: v.ty.to_string(),
                        default_value: v.default_value.as_ref().map(|d| d.to_string()),
                        description: None,
                    })
                    .collect(),
                root_fields: op
                    .selection_set
                    .iter()
                    .filter_map(|selection| match selection {
                        Selection::Field(field) => {
                            Some(field.alias.as_ref().unwrap_or(&field.name).to_string())
                        }
                        _ => None,
                    })
                    .collect(),
                fragment_spreads: spreads(&op.selection_set),
                depth: depth(&op.selection_set),
                location: at(op.location()),
            }),
            Definition::FragmentDefinition(fragment) => summary.fragments.push(FragmentSummary {
                name: fragment.name.to_string(),
                type_condition: fragment.type_condition.to_string(),
                fragment_spreads: spreads(&fragment.selection_set),
                depth: depth(&fragment.selection_set),
                location: at(fragment.location()),
            }),
            _ => {}
        }
    }
    Ok(summary)
}

/// `text` as a GraphQL AST, or its syntax errors.
pub(crate) fn parse_ast(text: &str) -> Result<ast::Document, Vec<GqlError>> {
    ast::Document::parse(text, QUERY_PATH).map_err(|with| syntax_errors(&with.errors, text))
}

/// The deepest nesting of fields in `selections`, spreads not followed.
fn depth(selections: &[Selection]) -> u32 {
    selections
        .iter()
        .map(|selection| match selection {
            Selection::Field(field) => 1 + depth(&field.selection_set),
            Selection::InlineFragment(inline) => depth(&inline.selection_set),
            Selection::FragmentSpread(_) => 0,
        })
        .max()
        .unwrap_or(0)
}

/// The fragments spread in `selections`, each once, in order of first use.
fn spreads(selections: &[Selection]) -> Vec<String> {
    fn walk(selections: &[Selection], found: &mut Vec<String>) {
        for selection in selections {
            match selection {
                Selection::Field(field) => walk(&field.selection_set, found),
                Selection::InlineFragment(inline) => walk(&inline.selection_set, found),
                Selection::FragmentSpread(spread) => {
                    let name = spread.fragment_name.as_str();
                    if !found.iter().any(|f| f == name) {
                        found.push(name.to_string());
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(selections, &mut found);
    found
}

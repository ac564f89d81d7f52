//! A schema parsed once from SDL, and what it does with documents:
//! describe its types, validate, normalise.

use apollo_compiler::executable::{Selection, SelectionSet};
use apollo_compiler::validation::Valid;
use apollo_compiler::{ast, ExecutableDocument};
use serde::Serialize;

use crate::error::{from_diagnostics, ErrorKind, GqlError};
use crate::reference::{syntax_errors, validation_errors};
use crate::summary::parse_ast;
use crate::types::TypeInfo;

/// The file name apollo-compiler is given for a schema.
const SCHEMA_PATH: &str = "schema.graphql";

/// A GraphQL schema, parsed and validated once.
#[derive(Debug, Clone)]
pub struct Schema {
    inner: Valid<apollo_compiler::Schema>,
}

/// How `normalize` lays out the text it prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrintStyle {
    /// Indented by two spaces, one field per line.
    #[default]
    Pretty,
    /// Each definition on one line.
    Compact,
}

/// Options of [`Schema::normalize`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct NormalizeOptions {
    /// The layout.
    pub style: PrintStyle,
    /// Keep only the operation of this name and the fragments it uses.
    pub operation_name: Option<String>,
}

impl Schema {
    /// Parses and validates SDL: errors of kind `syntax`, else
    /// `validation`, with locations in `sdl`.
    pub fn parse(sdl: &str) -> Result<Schema, Vec<GqlError>> {
        let document = ast::Document::parse(sdl, SCHEMA_PATH)
            .map_err(|with| syntax_errors(&with.errors, sdl))?;
        let inner = document
            .to_schema_validate()
            .map_err(|with| from_diagnostics(ErrorKind::Validation, &with.errors, sdl))?;
        Ok(Schema { inner })
    }

    /// The validated apollo-compiler schema, for Rust code that goes
    /// further than this crate.
    pub fn apollo(&self) -> &Valid<apollo_compiler::Schema> {
        &self.inner
    }

    /// The schema as SDL, in canonical form, built-in types left out.
    pub fn sdl(&self) -> String {
        self.inner.to_string()
    }

    /// The named types in definition order, built-in types left out.
    pub fn types(&self) -> Vec<TypeInfo> {
        self.inner
            .types
            .values()
            .filter(|ty| !ty.is_built_in())
            .map(TypeInfo::of)
            .collect()
    }

    /// The named type `name`, built-in or not.
    pub fn lookup(&self, name: &str) -> Option<TypeInfo> {
        self.inner.types.get(name).map(TypeInfo::of)
    }

    /// Checks an executable document against the schema.
    pub fn validate(&self, query: &str) -> Result<(), Vec<GqlError>> {
        self.document(query).map(drop)
    }

    /// `query` parsed and validated against the schema.
    pub(crate) fn document(&self, query: &str) -> Result<Valid<ExecutableDocument>, Vec<GqlError>> {
        let document = parse_ast(query)?;
        document
            .to_executable_validate(&self.inner)
            .map_err(|with| validation_errors(&with.errors, query, &document))
    }

    /// Validates `query` and prints it in canonical form.
    pub fn normalize(
        &self,
        query: &str,
        options: &NormalizeOptions,
    ) -> Result<String, Vec<GqlError>> {
        let valid = self.document(query)?;
        let mut document = match &options.operation_name {
            None => valid.into_inner(),
            Some(name) => only_operation(&valid, name, query)?,
        };
        // The printed text does not depend on where it came from.
        document.sources = Default::default();
        Ok(match options.style {
            PrintStyle::Pretty => document.serialize().to_string(),
            PrintStyle::Compact => document.serialize().no_indent().to_string(),
        })
    }
}

/// `document` reduced to its operation `name` and the fragments it uses,
/// directly or through other fragments, in document order.
fn only_operation(
    document: &Valid<ExecutableDocument>,
    name: &str,
    query: &str,
) -> Result<ExecutableDocument, Vec<GqlError>> {
    let operation = document
        .operations
        .get(Some(name))
        .map_err(|error| crate::execute::request_error(&error, &document.sources, query))?;
    let mut used: Vec<&str> = Vec::new();
    let mut pending = vec![&operation.selection_set];
    while let Some(set) = pending.pop() {
        for spread in direct_spreads(set) {
            if !used.contains(&spread) {
                used.push(spread);
                if let Some(fragment) = document.fragments.get(spread) {
                    pending.push(&fragment.selection_set);
                }
            }
        }
    }
    let mut reduced = ExecutableDocument::new();
    match &operation.name {
        Some(name) => {
            reduced
                .operations
                .named
                .insert(name.clone(), operation.clone());
        }
        None => reduced.operations.anonymous = Some(operation.clone()),
    }
    reduced.fragments = document
        .fragments
        .iter()
        .filter(|(name, _)| used.contains(&name.as_str()))
        .map(|(name, fragment)| (name.clone(), fragment.clone()))
        .collect();
    Ok(reduced)
}

/// The fragments spread in `set`, not looking into fragments.
fn direct_spreads(set: &SelectionSet) -> Vec<&str> {
    let mut found = Vec::new();
    let mut pending = vec![set];
    while let Some(set) = pending.pop() {
        for selection in &set.selections {
            match selection {
                Selection::Field(field) => pending.push(&field.selection_set),
                Selection::InlineFragment(inline) => pending.push(&inline.selection_set),
                Selection::FragmentSpread(spread) => found.push(spread.fragment_name.as_str()),
            }
        }
    }
    found
}

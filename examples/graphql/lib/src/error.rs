//! Errors with their stage, message, position and response path, made
//! from apollo-compiler's diagnostics and GraphQL errors.

use std::fmt;

use apollo_compiler::parser::{LineColumn, SourceMap, SourceSpan};
use apollo_compiler::response::{GraphQLError, ResponseDataPathSegment};
use apollo_compiler::validation::DiagnosticList;
use serde::Serialize;

/// A position in a source text: line and column, both from 1, columns in
/// Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1, in characters.
    pub column: u32,
}

impl Location {
    /// apollo-compiler's position in `text` (line, and column in bytes:
    /// it counts with ariadne's `get_byte_line`) with the column counted
    /// in characters.
    fn in_text(at: LineColumn, text: &str) -> Location {
        let column = line_start(text, at.line)
            .and_then(|start| text.get(start..start + at.column.saturating_sub(1)))
            .map_or(at.column, |before| before.chars().count() + 1);
        Location {
            line: saturate(at.line),
            column: saturate(column),
        }
    }

    /// Where `span` starts in `sources`, `text` being its source text.
    pub(crate) fn of_span(
        span: Option<SourceSpan>,
        sources: &SourceMap,
        text: &str,
    ) -> Option<Location> {
        span.and_then(|span| span.line_column(sources))
            .map(|at| Location::in_text(at, text))
    }
}

/// The byte offset where line `line` (from 1) of `text` starts, lines
/// ending as ariadne ends them (apollo-compiler numbers lines with it):
/// at CR, LF, CRLF, VT, FF, NEL, LS and PS.
fn line_start(text: &str, line: usize) -> Option<usize> {
    const SEPARATORS: [char; 7] = [
        '\r', '\n', '\x0B', '\x0C', '\u{0085}', '\u{2028}', '\u{2029}',
    ];
    let mut start = 0;
    let mut lines = text.split_inclusive(SEPARATORS).peekable();
    for _ in 1..line {
        let mut piece = lines.next()?;
        start += piece.len();
        if piece.ends_with('\r') && lines.peek() == Some(&"\n") {
            piece = lines.next()?;
            start += piece.len();
        }
    }
    Some(start)
}

/// The stage at which an error arose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// Not well-formed GraphQL, or over the parser's limits.
    Syntax,
    /// Well-formed but invalid against the schema (or an invalid schema).
    Validation,
    /// The request cannot run as asked (operation, variables).
    Request,
    /// A field error raised while executing.
    Field,
    /// A JSON text is not valid JSON, or not an object.
    Json,
}

/// One step of a path from the root of a response's data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathSegment {
    /// A field, by its response key.
    Field(String),
    /// An element of a list, from 0.
    Index(u32),
}

/// An error in a GraphQL text, a request, or execution.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct GqlError {
    /// The stage at which it arose.
    pub kind: ErrorKind,
    /// What is wrong, in one line.
    pub message: String,
    /// Where in the text, if anywhere in particular.
    pub location: Option<Location>,
    /// For field errors, the path to the field in the response data.
    pub path: Vec<PathSegment>,
}

impl GqlError {
    /// An error of `kind` at `location`, with no path.
    pub fn new(kind: ErrorKind, message: impl Into<String>, location: Option<Location>) -> Self {
        GqlError {
            kind,
            message: message.into(),
            location,
            path: Vec::new(),
        }
    }

    /// A field error (or, with no path, a request error) from a GraphQL
    /// response error about `text`.
    pub(crate) fn from_graphql(kind: ErrorKind, error: GraphQLError, text: &str) -> GqlError {
        GqlError {
            kind,
            message: one_line(&error.message),
            location: error
                .locations
                .first()
                .map(|at| Location::in_text(*at, text)),
            path: error
                .path
                .into_iter()
                .map(|segment| match segment {
                    ResponseDataPathSegment::Field(name) => PathSegment::Field(name.to_string()),
                    ResponseDataPathSegment::ListIndex(i) => PathSegment::Index(saturate(i)),
                })
                .collect(),
        }
    }
}

impl fmt::Display for GqlError {
    /// `line:column: message`, or the message alone.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Some(at) => write!(f, "{}:{}: {}", at.line, at.column, self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for GqlError {}

/// Every diagnostic of `list` about `text` as an error of `kind`, sorted
/// by position (then message, so that the order never depends on
/// hashing).
pub(crate) fn from_diagnostics(
    kind: ErrorKind,
    list: &DiagnosticList,
    text: &str,
) -> Vec<GqlError> {
    let mut errors: Vec<GqlError> = list
        .iter()
        .map(|diagnostic| GqlError {
            kind,
            message: one_line(&diagnostic.error.to_string()),
            location: diagnostic
                .line_column_range()
                .map(|range| Location::in_text(range.start, text)),
            path: Vec::new(),
        })
        .collect();
    sort(&mut errors);
    errors
}

/// Sorts errors by position, then message; errors without a position
/// come first.
pub(crate) fn sort(errors: &mut [GqlError]) {
    errors.sort_by(|a, b| {
        (a.location, &a.message, a.kind as u8).cmp(&(b.location, &b.message, b.kind as u8))
    });
}

/// `text` with line breaks (and the indentation after them) folded into
/// single spaces: a message is one line.
fn one_line(text: &str) -> String {
    if !text.contains('\n') {
        return text.to_string();
    }
    text.split('\n')
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

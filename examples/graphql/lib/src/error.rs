//! Errors with their stage, message, position and response path, made
//! from apollo-compiler's diagnostics and GraphQL errors.

use std::fmt;

use apollo_compiler::diagnostic::ToCliReport;
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
        // The end of input after a final line break: apollo-compiler puts
        // it past the break on the last line; it is the start of the
        // (empty) line after, where the reference implementation puts it.
        if let (Some(start), Some(next)) =
            (line_start(text, at.line), line_start(text, at.line + 1))
        {
            if next == text.len()
                && text.ends_with(LINE_SEPARATORS)
                && start + at.column.saturating_sub(1) >= text.len()
            {
                return Location {
                    line: saturate(at.line + 1),
                    column: 1,
                };
            }
        }
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

/// What ends a line for apollo-compiler (ariadne): CR, LF (and CRLF), VT,
/// FF, NEL, LS and PS.
const LINE_SEPARATORS: [char; 7] = [
    '\r', '\n', '\x0B', '\x0C', '\u{0085}', '\u{2028}', '\u{2029}',
];

/// The byte offset where line `line` (from 1) of `text` starts, lines
/// ending as ariadne ends them (apollo-compiler numbers lines with it):
/// at CR, LF, CRLF, VT, FF, NEL, LS and PS.
pub(crate) fn line_start(text: &str, line: usize) -> Option<usize> {
    let mut start = 0;
    let mut lines = text.split_inclusive(LINE_SEPARATORS).peekable();
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
    /// Every place in the text the error concerns, in order (as the
    /// GraphQL response format's `locations`); empty if none in particular.
    pub locations: Vec<Location>,
    /// For field errors, the path to the field in the response data.
    pub path: Vec<PathSegment>,
}

impl GqlError {
    /// An error of `kind` at `location`, with no path.
    pub fn new(kind: ErrorKind, message: impl Into<String>, location: Option<Location>) -> Self {
        GqlError {
            kind,
            message: message.into(),
            locations: location.into_iter().collect(),
            path: Vec::new(),
        }
    }

    /// The first place the error concerns, if any.
    pub fn location(&self) -> Option<Location> {
        self.locations.first().copied()
    }

    /// A field error (or, with no path, a request error) from a GraphQL
    /// response error about `text`.
    pub(crate) fn from_graphql(kind: ErrorKind, error: GraphQLError, text: &str) -> GqlError {
        GqlError {
            kind,
            message: one_line(&error.message),
            locations: error
                .locations
                .iter()
                .map(|at| Location::in_text(*at, text))
                .collect(),
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
        match self.location() {
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
    errors_of(kind, list, text, |_, _, _| Verdict::Keep)
}

/// What becomes of one diagnostic.
pub(crate) enum Verdict {
    /// Kept where apollo-compiler puts it.
    Keep,
    /// Not reported.
    Drop,
    /// Kept, at this byte offset.
    MoveTo(usize),
    /// Kept, at these byte offsets (every place it concerns, in order).
    Places(Vec<usize>),
}

/// The diagnostics of `list` as errors of `kind`, sorted, each as
/// `verdict` says (given apollo-compiler's name for the error, if any, the
/// byte offset where it is, and its message).
pub(crate) fn errors_of(
    kind: ErrorKind,
    list: &DiagnosticList,
    text: &str,
    verdict: impl Fn(Option<&str>, usize, &str) -> Verdict,
) -> Vec<GqlError> {
    let mut errors: Vec<GqlError> = list
        .iter()
        .filter_map(|diagnostic| {
            let name = diagnostic.error.unstable_error_name();
            let offset = diagnostic
                .error
                .location()
                .map_or(usize::MAX, |span| span.offset());
            let message = one_line(&diagnostic.error.to_string());
            let at: Vec<LineColumn> = match verdict(name, offset, &message) {
                Verdict::Drop => return None,
                Verdict::Keep => diagnostic
                    .line_column_range()
                    .map(|range| range.start)
                    .into_iter()
                    .collect(),
                Verdict::MoveTo(offset) => vec![line_column_at(text, offset)],
                Verdict::Places(offsets) => offsets
                    .into_iter()
                    .map(|offset| line_column_at(text, offset))
                    .collect(),
            };
            Some(GqlError {
                kind,
                message,
                locations: at
                    .into_iter()
                    .map(|start| Location::in_text(start, text))
                    .collect(),
                path: Vec::new(),
            })
        })
        .collect();
    sort(&mut errors);
    errors
}

/// The line (from 1) and byte column (from 1) of byte `offset` of `text`,
/// lines ending as in [`line_start`].
pub(crate) fn line_column_at(text: &str, offset: usize) -> LineColumn {
    let (mut line, mut start) = (1, 0);
    let mut pieces = text.split_inclusive(LINE_SEPARATORS).peekable();
    while let Some(mut piece) = pieces.next() {
        let mut end = start + piece.len();
        if piece.ends_with('\r') && pieces.peek() == Some(&"\n") {
            piece = pieces.next().unwrap_or_default();
            end += piece.len();
        }
        if end > offset || !piece.ends_with(LINE_SEPARATORS) {
            break;
        }
        line += 1;
        start = end;
    }
    LineColumn {
        line,
        column: offset.saturating_sub(start) + 1,
    }
}

/// Sorts errors by position, then message; errors without a position
/// come first.
pub(crate) fn sort(errors: &mut [GqlError]) {
    errors.sort_by(|a, b| {
        (&a.locations, &a.message, a.kind as u8).cmp(&(&b.locations, &b.message, b.kind as u8))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> LineColumn {
        LineColumn { line, column }
    }

    #[test]
    fn the_end_of_input_after_a_final_line_break_starts_the_next_line() {
        let text = "{\n  books {\n    title\n  }\n";
        assert_eq!(
            Location::in_text(at(4, 5), text),
            Location { line: 5, column: 1 }
        );
        // Elsewhere on the last line, nothing moves.
        assert_eq!(
            Location::in_text(at(4, 3), text),
            Location { line: 4, column: 3 }
        );
        // Without a final line break the end stays on the last line.
        let text = "{\n  books {";
        assert_eq!(
            Location::in_text(at(2, 10), text),
            Location {
                line: 2,
                column: 10
            }
        );
    }

    #[test]
    fn byte_offsets_map_to_lines_as_apollo_compiler_numbers_them() {
        let text = "a\r\nb\u{2028}c\n";
        assert_eq!(line_column_at(text, 0), at(1, 1));
        assert_eq!(line_column_at(text, 3), at(2, 1));
        // LS (3 bytes) ends line 2.
        assert_eq!(line_column_at(text, 7), at(3, 1));
        assert_eq!(line_column_at(text, text.len()), at(4, 1));
    }
}

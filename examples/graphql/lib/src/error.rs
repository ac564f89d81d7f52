//! Errors with their stage, message, position and response path, made
//! from apollo-compiler's diagnostics and GraphQL errors.

use std::collections::HashMap;
use std::fmt;

use apollo_compiler::ast;
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
fn line_start(text: &str, line: usize) -> Option<usize> {
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
    errors_of(kind, list, text, |_, _| Verdict::Keep)
}

/// The validation errors of the executable document `document`, parsed
/// from `text`, without apollo-compiler's follow-ups: when every field of
/// a written selection set is dropped (an unknown field, a fragment on an
/// unknown type), apollo-compiler also reports the field that held it as
/// lacking a selection set, which the query does not (the reference
/// implementation, and so graphql-core, reports only the first error).
pub(crate) fn validation_errors(
    list: &DiagnosticList,
    text: &str,
    document: &ast::Document,
) -> Vec<GqlError> {
    let mut written = HashMap::new();
    for definition in &document.definitions {
        match definition {
            ast::Definition::OperationDefinition(op) => {
                fields_with_selections(&op.selection_set, &mut written);
            }
            ast::Definition::FragmentDefinition(fragment) => {
                fields_with_selections(&fragment.selection_set, &mut written);
            }
            _ => {}
        }
    }
    errors_of(ErrorKind::Validation, list, text, |name, offset| {
        match name {
            Some("MissingSubselection") if written.contains_key(&offset) => Verdict::Drop,
            // A selection set on a scalar or enum field: the reference
            // implementation points at the set's `{`, not at the field.
            Some("SubselectionOnScalarType" | "SubselectionOnEnumType") => written
                .get(&offset)
                .and_then(|&first| opening_brace(text, offset, first))
                .map_or(Verdict::Keep, Verdict::MoveTo),
            _ => Verdict::Keep,
        }
    })
}

/// What becomes of one diagnostic.
enum Verdict {
    Keep,
    Drop,
    /// Kept, at this byte offset.
    MoveTo(usize),
}

/// The byte offset of the `{` that opens the selection set of the field
/// at `field`, whose first selection is at `first`: the last `{` between
/// them outside strings and comments (an argument's input object closes
/// before it).
fn opening_brace(text: &str, field: usize, first: usize) -> Option<usize> {
    let head = text.get(field..first)?;
    let mut brace = None;
    let mut rest = head.char_indices().peekable();
    while let Some((i, c)) = rest.next() {
        match c {
            '{' => brace = Some(field + i),
            '#' => while rest.next_if(|&(_, c)| c != '\n' && c != '\r').is_some() {},
            '"' if head[i..].starts_with("\"\"\"") => {
                rest.next();
                rest.next();
                while let Some((j, c)) = rest.next() {
                    if c == '\\' && head[j..].starts_with("\\\"\"\"") {
                        rest.nth(2);
                    } else if head[j..].starts_with("\"\"\"") {
                        rest.nth(1);
                        break;
                    }
                }
            }
            '"' => {
                while let Some((_, c)) = rest.next() {
                    match c {
                        '\\' => {
                            rest.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    brace
}

/// The fields in `set` (and below) written with a selection set of their
/// own: the byte offset of each, to that of its first selection.
fn fields_with_selections(set: &[ast::Selection], offsets: &mut HashMap<usize, usize>) {
    for selection in set {
        match selection {
            ast::Selection::Field(field) => {
                let first = field.selection_set.first().and_then(selection_offset);
                if let (Some(span), Some(first)) = (field.location(), first) {
                    offsets.insert(span.offset(), first);
                }
                fields_with_selections(&field.selection_set, offsets);
            }
            ast::Selection::InlineFragment(fragment) => {
                fields_with_selections(&fragment.selection_set, offsets);
            }
            ast::Selection::FragmentSpread(_) => {}
        }
    }
}

/// Where `selection` starts (byte offset).
fn selection_offset(selection: &ast::Selection) -> Option<usize> {
    let span = match selection {
        ast::Selection::Field(node) => node.location(),
        ast::Selection::FragmentSpread(node) => node.location(),
        ast::Selection::InlineFragment(node) => node.location(),
    };
    span.map(|span| span.offset())
}

/// The diagnostics of `list` that `keep` accepts (given apollo-compiler's
/// name for the error, if any, and the byte offset where it is), as
/// errors of `kind`, sorted.
fn errors_of(
    kind: ErrorKind,
    list: &DiagnosticList,
    text: &str,
    verdict: impl Fn(Option<&str>, usize) -> Verdict,
) -> Vec<GqlError> {
    let mut errors: Vec<GqlError> = list
        .iter()
        .filter_map(|diagnostic| {
            let name = diagnostic.error.unstable_error_name();
            let offset = diagnostic
                .error
                .location()
                .map_or(usize::MAX, |span| span.offset());
            let mut at = diagnostic.line_column_range().map(|range| range.start);
            match verdict(name, offset) {
                Verdict::Drop => return None,
                Verdict::MoveTo(offset) => at = Some(line_column_at(text, offset)),
                Verdict::Keep => {}
            }
            // An undefined fragment is reported at its spread's `...`; the
            // reference implementation (and so graphql-core) points at the
            // fragment's name. (The error's name is apollo-compiler's
            // debugging aid; should it change, the position stays at `...`
            // and the comparison with graphql-core says so.)
            if name == Some("UndefinedFragment") {
                at = at.map(|start| spread_name(start, text));
            }
            Some(GqlError {
                kind,
                message: one_line(&diagnostic.error.to_string()),
                location: at.map(|start| Location::in_text(start, text)),
                path: Vec::new(),
            })
        })
        .collect();
    sort(&mut errors);
    errors
}

/// Where the name of the fragment spread at `at` (its `...`) starts: past
/// the dots and what GraphQL ignores between tokens (white space, line
/// breaks, commas, comments). `at` itself when the text there is not a
/// spread.
fn spread_name(at: LineColumn, text: &str) -> LineColumn {
    let Some(dots) = line_start(text, at.line).map(|start| start + at.column.saturating_sub(1))
    else {
        return at;
    };
    let Some(rest) = text.get(dots..).and_then(|t| t.strip_prefix("...")) else {
        return at;
    };
    let mut name = rest.len();
    let mut in_comment = false;
    for (i, c) in rest.char_indices() {
        match c {
            '\n' | '\r' => in_comment = false,
            _ if in_comment => {}
            '#' => in_comment = true,
            ' ' | '\t' | ',' | '\u{feff}' => {}
            _ => {
                name = i;
                break;
            }
        }
    }
    line_column_at(text, dots + 3 + name)
}

/// The line (from 1) and byte column (from 1) of byte `offset` of `text`,
/// lines ending as in [`line_start`].
fn line_column_at(text: &str, offset: usize) -> LineColumn {
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
    fn a_spread_points_at_its_fragment_name() {
        let text = "{\n  book {\n    ...Missing\n  }\n}\n";
        assert_eq!(spread_name(at(3, 5), text), at(3, 8));
        // Past white space, commas, comments and line breaks.
        let text = "{ ... , # note\r\n  Other }";
        assert_eq!(spread_name(at(1, 3), text), at(2, 3));
        // Not a spread: unchanged.
        assert_eq!(spread_name(at(1, 1), text), at(1, 1));
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

    #[test]
    fn the_brace_of_a_selection_set_is_found_past_arguments_strings_and_comments() {
        let text = r#"{ title(format: "{x}", o: {a: """{"""}) # {
  { length } }"#;
        let field = text.find("title").expect("field");
        let first = text.find("length").expect("selection");
        let brace = opening_brace(text, field, first).expect("a brace");
        assert_eq!(line_column_at(text, brace), at(2, 3));
        assert_eq!(opening_brace(text, field, field + 5), None);
    }
}

//! Syntax and validation errors where the reference implementation
//! (graphql-js, and so graphql-core and most servers) reports them.
//!
//! apollo-compiler finds the same invalid queries, but sometimes points
//! at another node of the query, points at one place where the reference
//! names several, or reports a follow-up of an error it already reported. The errors are moved or dropped here, from
//! apollo-compiler's name for each error (its debugging aid: should a name
//! change, that error stays where apollo-compiler put it, and the
//! comparison with graphql-core in the Python tests says so) and the
//! query's syntax tree.

use std::collections::HashMap;

use apollo_compiler::ast;
use apollo_compiler::validation::DiagnosticList;

use crate::error::{errors_of, ErrorKind, GqlError, Verdict};

/// The validation errors of the executable document `document`, parsed
/// from `text`, placed as the reference implementation places them.
pub(crate) fn validation_errors(
    list: &DiagnosticList,
    text: &str,
    document: &ast::Document,
) -> Vec<GqlError> {
    let tree = Tree::of(document);
    errors_of(
        ErrorKind::Validation,
        list,
        text,
        |name, offset, message| {
            let Some(name) = name else {
                return Verdict::Keep;
            };
            place(&tree, text, name, offset, message).unwrap_or(Verdict::Keep)
        },
    )
}

/// The syntax errors of `text`, as the reference implementation reports
/// them: the first only (its parser stops there; apollo-compiler's goes
/// on and reports what follows from it too), a bad escape sequence at its
/// backslash and an unterminated string where its line ends, not at the
/// string's start.
pub(crate) fn syntax_errors(list: &DiagnosticList, text: &str) -> Vec<GqlError> {
    let mut errors = errors_of(ErrorKind::Syntax, list, text, |_, offset, message| {
        let place = match message {
            "syntax error: unexpected escaped character" => bad_escape(text, offset),
            "syntax error: unterminated string value" => line_end(text, offset),
            _ => None,
        };
        place.map_or(Verdict::Keep, Verdict::MoveTo)
    });
    errors.truncate(1);
    errors
}

/// Where the error `name` that apollo-compiler reports at `offset` goes;
/// `None` to leave it there.
fn place(tree: &Tree<'_>, text: &str, name: &str, offset: usize, message: &str) -> Option<Verdict> {
    Some(match name {
        // At the spread's `...`: the reference points at the name.
        "UndefinedFragment" => Verdict::MoveTo(spread_name(text, offset)?),
        // When every selection written under a field was dropped (an
        // unknown field, a fragment on an unknown type), apollo-compiler
        // also reports the field as lacking a selection set.
        "MissingSubselection" => {
            tree.fields.get(&offset)?.selection_set.first()?;
            Verdict::Drop
        }
        // A selection set on a scalar or enum field: at the set's `{`.
        "SubselectionOnScalarType" | "SubselectionOnEnumType" => {
            let first = selection_offset(tree.fields.get(&offset)?.selection_set.first()?)?;
            Verdict::MoveTo(opening_brace(text, offset, first)?)
        }
        // A required argument given as `null`: apollo-compiler reports it
        // as not provided too; the reference reports only the `null`.
        "RequiredArgument" => {
            let argument = required_argument(message)?;
            let field = tree.fields.get(&offset)?;
            field
                .arguments
                .iter()
                .any(|a| a.name == argument)
                .then_some(Verdict::Drop)?
        }
        // A variable of an output type: at its type, not at `$name`.
        "VariableInputType" => Verdict::MoveTo(*tree.variable_types.get(&offset)?),
        // A subscription with more than one root field: at the second
        // (the first extra one), not at the operation.
        "SubscriptionUsesMultipleFields" => {
            let operation = tree.operations.iter().find(|op| op.start == offset)?;
            Verdict::MoveTo(operation.second_root?)
        }
        // An unknown field of an input object: at its name, not its value.
        "UndefinedInputValue" => Verdict::MoveTo(object_field_name(text, offset)?),
        // A fragment that spreads itself: at each spread along the cycle,
        // not at the definition.
        "RecursiveFragmentDefinition" => Verdict::Places(tree.cycle(offset)?),
        // An undefined variable: its use, then the operation.
        "UndefinedVariable" => Verdict::Places(vec![offset, tree.operation_at(offset)?.start]),
        // A variable used where its type does not fit: at its definition
        // and its use, not at the argument.
        "DisallowedVariableUsage" => {
            let (name, value) = tree.argument_variables.get(&offset)?;
            let definition = *tree.operation_at(offset)?.variables.get(name)?;
            Verdict::Places(vec![definition, *value])
        }
        // Names given twice: at both, not at the second alone.
        "OperationNameCollision" => {
            let first = tree.first_operation_named(offset)?;
            Verdict::Places(vec![first, offset])
        }
        "ConflictingFieldType" | "ConflictingFieldName" => {
            Verdict::Places(vec![*tree.first_same_response_name.get(&offset)?, offset])
        }
        "UniqueArgument" => Verdict::Places(vec![*tree.first_same_argument.get(&offset)?, offset]),
        _ => return None,
    })
}

/// An operation's extent and variables.
struct Operation<'a> {
    /// Where it starts and ends (byte offsets).
    start: usize,
    end: usize,
    /// Its name and where the name is, if it has one.
    name: Option<(&'a str, usize)>,
    /// Each variable's definition, by name.
    variables: HashMap<&'a str, usize>,
    /// Where its second root selection starts, if it has one.
    second_root: Option<usize>,
}

/// A fragment's definition and the spreads in it, in order.
struct Fragment<'a> {
    name: &'a str,
    spreads: Vec<(&'a str, usize)>,
}

/// What of the query's syntax tree the placement rules need, by byte
/// offset.
struct Tree<'a> {
    /// Every field, where it starts (its alias or name).
    fields: HashMap<usize, &'a ast::Field>,
    /// Each variable definition's start, to where its type starts.
    variable_types: HashMap<usize, usize>,
    operations: Vec<Operation<'a>>,
    /// Fragments by where their definition starts.
    fragments: HashMap<usize, Fragment<'a>>,
    /// A field whose response name an earlier field of the same selection
    /// set has, to that field.
    first_same_response_name: HashMap<usize, usize>,
    /// An argument given before in the same field, to the first.
    first_same_argument: HashMap<usize, usize>,
    /// An argument whose value is a variable, to the variable's name and
    /// where the value is.
    argument_variables: HashMap<usize, (&'a str, usize)>,
}

impl<'a> Tree<'a> {
    fn of(document: &'a ast::Document) -> Tree<'a> {
        let mut tree = Tree {
            fields: HashMap::new(),
            variable_types: HashMap::new(),
            operations: Vec::new(),
            fragments: HashMap::new(),
            first_same_response_name: HashMap::new(),
            first_same_argument: HashMap::new(),
            argument_variables: HashMap::new(),
        };
        for definition in &document.definitions {
            match definition {
                ast::Definition::OperationDefinition(op) => {
                    let mut variables = HashMap::new();
                    for variable in &op.variables {
                        if let (Some(at), Some(ty)) = (variable.location(), variable.ty.location())
                        {
                            tree.variable_types.insert(at.offset(), ty.offset());
                            variables.insert(variable.name.as_str(), at.offset());
                        }
                    }
                    let Some(at) = op.location() else { continue };
                    let name = op.name.as_ref().and_then(|name| {
                        name.location().map(|span| (name.as_str(), span.offset()))
                    });
                    tree.operations.push(Operation {
                        start: at.offset(),
                        end: at.end_offset(),
                        name,
                        variables,
                        second_root: op.selection_set.get(1).and_then(selection_offset),
                    });
                    tree.add_selections(&op.selection_set, &mut Vec::new());
                }
                ast::Definition::FragmentDefinition(fragment) => {
                    let mut spreads = Vec::new();
                    tree.add_selections(&fragment.selection_set, &mut spreads);
                    if let Some(at) = fragment.location() {
                        let name = fragment.name.as_str();
                        tree.fragments
                            .insert(at.offset(), Fragment { name, spreads });
                    }
                }
                _ => {}
            }
        }
        tree
    }

    /// Records the fields of `set` and below, and the spreads in it.
    fn add_selections(&mut self, set: &'a [ast::Selection], spreads: &mut Vec<(&'a str, usize)>) {
        let mut response_names: HashMap<&str, usize> = HashMap::new();
        for selection in set {
            match selection {
                ast::Selection::Field(field) => {
                    let Some(at) = field.location().map(|span| span.offset()) else {
                        continue;
                    };
                    self.fields.insert(at, field);
                    let key = field.alias.as_ref().unwrap_or(&field.name).as_str();
                    if let Some(&first) = response_names.get(key) {
                        self.first_same_response_name.insert(at, first);
                    } else {
                        response_names.insert(key, at);
                    }
                    self.add_arguments(&field.arguments);
                    self.add_selections(&field.selection_set, spreads);
                }
                ast::Selection::InlineFragment(fragment) => {
                    self.add_selections(&fragment.selection_set, spreads);
                }
                ast::Selection::FragmentSpread(spread) => {
                    if let Some(at) = spread.location() {
                        spreads.push((spread.fragment_name.as_str(), at.offset()));
                    }
                }
            }
        }
    }

    fn add_arguments(&mut self, arguments: &'a [apollo_compiler::Node<ast::Argument>]) {
        let mut names: HashMap<&str, usize> = HashMap::new();
        for argument in arguments {
            let Some(at) = argument.location().map(|span| span.offset()) else {
                continue;
            };
            match names.get(argument.name.as_str()) {
                Some(&first) => {
                    self.first_same_argument.insert(at, first);
                }
                None => {
                    names.insert(argument.name.as_str(), at);
                }
            }
            if let (ast::Value::Variable(name), Some(value)) =
                (&*argument.value, argument.value.location())
            {
                self.argument_variables
                    .insert(at, (name.as_str(), value.offset()));
            }
        }
    }

    /// The operation that `offset` lies in.
    fn operation_at(&self, offset: usize) -> Option<&Operation<'a>> {
        self.operations
            .iter()
            .find(|op| op.start <= offset && offset < op.end)
    }

    /// Where the name of the first operation named as the one whose name
    /// is at `offset` is.
    fn first_operation_named(&self, offset: usize) -> Option<usize> {
        let (name, _) = self
            .operations
            .iter()
            .find_map(|op| op.name.filter(|&(_, at)| at == offset))?;
        self.operations
            .iter()
            .find_map(|op| op.name.filter(|&(n, _)| n == name).map(|(_, at)| at))
    }

    /// The spreads along a cycle from the fragment defined at `offset`
    /// back to it, in the order the reference implementation finds them
    /// (spreads in document order, depth first).
    fn cycle(&self, offset: usize) -> Option<Vec<usize>> {
        let start = self.fragments.get(&offset)?;
        let by_name: HashMap<&str, &Fragment<'a>> =
            self.fragments.values().map(|f| (f.name, f)).collect();
        let mut path = Vec::new();
        let mut visited = Vec::new();
        self.find_cycle(start.name, start, &by_name, &mut path, &mut visited)
            .then_some(path)
    }

    fn find_cycle(
        &self,
        target: &str,
        fragment: &Fragment<'a>,
        by_name: &HashMap<&str, &Fragment<'a>>,
        path: &mut Vec<usize>,
        visited: &mut Vec<&'a str>,
    ) -> bool {
        for &(name, at) in &fragment.spreads {
            path.push(at);
            if name == target {
                return true;
            }
            if !visited.contains(&name) {
                visited.push(name);
                if let Some(next) = by_name.get(name) {
                    if self.find_cycle(target, next, by_name, path, visited) {
                        return true;
                    }
                }
            }
            path.pop();
        }
        false
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

/// The argument named in apollo-compiler's "the required argument
/// `Type.field(name:)` is not provided".
fn required_argument(message: &str) -> Option<&str> {
    let inside = message.split_once('(')?.1;
    inside.split_once(":)").map(|(name, _)| name)
}

/// The backslash of the first escape sequence GraphQL does not define in
/// the string that starts at `quote`.
fn bad_escape(text: &str, quote: usize) -> Option<usize> {
    let body = text.get(quote..)?.strip_prefix('"')?;
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' | '\n' | '\r' => return None,
            '\\' => {
                let valid = match chars.next()?.1 {
                    '"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't' => true,
                    'u' => body
                        .get(i + 2..i + 6)
                        .is_some_and(|hex| hex.chars().all(|h| h.is_ascii_hexdigit())),
                    _ => false,
                };
                if !valid {
                    return Some(quote + 1 + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Where the line that `offset` lies in ends (its line break, or the end
/// of the text).
fn line_end(text: &str, offset: usize) -> Option<usize> {
    let rest = text.get(offset..)?;
    Some(offset + rest.find(['\n', '\r']).unwrap_or(rest.len()))
}

/// Where the name of the fragment spread whose `...` is at `dots` starts:
/// past the dots and what GraphQL ignores between tokens (white space,
/// line breaks, commas, comments).
fn spread_name(text: &str, dots: usize) -> Option<usize> {
    let rest = text.get(dots..)?.strip_prefix("...")?;
    let mut in_comment = false;
    for (i, c) in rest.char_indices() {
        match c {
            '\n' | '\r' => in_comment = false,
            _ if in_comment => {}
            '#' => in_comment = true,
            ' ' | '\t' | ',' | '\u{feff}' => {}
            _ => return Some(dots + 3 + i),
        }
    }
    None
}

/// Where the name of the input object field whose value is at `value`
/// starts: back over `name:` and the white space and commas around the
/// colon. `None` if the text there is not that.
fn object_field_name(text: &str, value: usize) -> Option<usize> {
    let before = text.get(..value)?;
    let before = before.trim_end_matches([' ', '\t', '\n', '\r', ',']);
    let before = before.strip_suffix(':')?;
    let before = before.trim_end_matches([' ', '\t', '\n', '\r', ',']);
    let name = before.len()
        - before
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .map(char::len_utf8)
            .sum::<usize>();
    (name < before.len()).then_some(name)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spread_points_at_its_fragment_name() {
        let text = "{\n  book {\n    ...Missing\n  }\n}\n";
        let dots = text.find("...").expect("a spread");
        assert_eq!(spread_name(text, dots), text.find("Missing"));
        // Past white space, commas, comments and line breaks.
        let text = "{ ... , # note\r\n  Other }";
        assert_eq!(spread_name(text, 2), text.find("Other"));
        // Not a spread.
        assert_eq!(spread_name(text, 0), None);
    }

    #[test]
    fn the_brace_of_a_selection_set_is_found_past_arguments_strings_and_comments() {
        let text = r#"{ title(format: "{x}", o: {a: """{"""}) # {
  { length } }"#;
        let field = text.find("title").expect("field");
        let first = text.find("length").expect("selection");
        assert_eq!(
            opening_brace(text, field, first),
            text.find("\n  {").map(|i| i + 3)
        );
        assert_eq!(opening_brace(text, field, field + 5), None);
    }

    #[test]
    fn an_input_field_is_found_from_its_value() {
        let text = r#"{ products(filter: {colour : "red"}) { sku } }"#;
        let value = text.find("\"red\"").expect("value");
        assert_eq!(object_field_name(text, value), text.find("colour"));
        // Not after `name:`.
        let value = text.find("sku").expect("a field");
        assert_eq!(object_field_name(text, value), None);
    }

    #[test]
    fn bad_escapes_and_string_ends_are_found() {
        let text = r#"{ a(s: "ok\n\u00e9 TEE\q1") }"#;
        let quote = text.find('"').expect("a string");
        assert_eq!(bad_escape(text, quote), text.find("\\q"));
        let text = r#"{ a(s: "\u12G4") }"#;
        assert_eq!(bad_escape(text, 7), Some(8));
        assert_eq!(bad_escape(r#""fine\t""#, 0), None);
        let text = "{ a(s: \"open) }\n}\n";
        assert_eq!(line_end(text, 7), text.find('\n'));
        assert_eq!(line_end("no break", 3), Some(8));
    }

    #[test]
    fn the_argument_of_a_required_argument_message() {
        let message = "the required argument `Query.product(sku:)` is not provided";
        assert_eq!(required_argument(message), Some("sku"));
        assert_eq!(required_argument("something else"), None);
    }
}

//! Names in generated Python: unique within a scope, never hiding a name
//! the generated code itself uses; docstrings and string literals.
//!
//! The spelling of each WIT identifier is `weft_wit::names::python`'s; this
//! module only keeps names apart. A [`Namespace`] is one Python scope (a
//! module or a class body): the names generated code refers to there are
//! taken from the start, and a WIT-derived name that is taken gets `_`
//! appended (PEP 8's way around a clash) until it is free.

use std::collections::HashSet;

/// Names every scope keeps free for generated code.
///
/// In a module or class body a definition named like a builtin or an
/// imported helper would hide it from the annotations after it (mypy
/// reports "Function ... is not valid as a type"), so such WIT names are
/// escaped instead: a field `list` becomes `list_`.
const RESERVED: &[&str] = &[
    // Builtins used in annotations and bodies.
    "bool",
    "bytes",
    "float",
    "int",
    "list",
    "object",
    "str",
    "super",
    "tuple",
    "type",
    // Names the generated modules import.
    "annotations",
    "Any",
    "Callable",
    "dataclass",
    "Enum",
    "Flag",
    "Optional",
    "Protocol",
    "TypeAlias",
    "Union",
    "weft",
];

/// One Python scope: the names taken in it.
#[derive(Debug, Clone)]
pub(crate) struct Namespace {
    taken: HashSet<String>,
}

impl Namespace {
    /// A scope where only [`RESERVED`] names are taken.
    pub(crate) fn new() -> Namespace {
        Namespace {
            taken: RESERVED.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// A scope with `extra` taken as well (the members a base class
    /// defines, say).
    pub(crate) fn with(extra: &[&str]) -> Namespace {
        let mut ns = Namespace::new();
        ns.taken.extend(extra.iter().map(|s| s.to_string()));
        ns
    }

    /// Takes `wanted`, or `wanted` with as many `_` appended as make it
    /// free, and returns the name taken.
    pub(crate) fn claim(&mut self, wanted: impl Into<String>) -> String {
        let mut name = wanted.into();
        while self.taken.contains(&name) {
            name.push('_');
        }
        self.taken.insert(name.clone());
        name
    }

    /// Whether `name` is taken.
    pub(crate) fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Takes the first free name of `candidates`, or else the first one
    /// made free by [`Namespace::claim`].
    pub(crate) fn claim_first(&mut self, candidates: &[String]) -> String {
        match candidates.iter().find(|c| !self.taken.contains(*c)) {
            Some(free) => self.claim(free.clone()),
            None => self.claim(candidates[0].clone()),
        }
    }
}

/// A docstring holding `text` (a WIT doc comment), written as a Python
/// triple-quoted string literal: one line, or a summary line, the rest,
/// and the closing quotes on a line of their own (PEP 257).
pub(crate) fn docstring(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let start = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1);
    let body = lines.get(start..end).unwrap_or_default().join("\n");
    // A quote is escaped where it would start `"""` or touch the closing
    // quotes; backslashes are doubled so that none escapes anything.
    let chars: Vec<char> = body.chars().collect();
    let mut escaped = String::with_capacity(body.len());
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '"' if i + 1 == chars.len() || chars[i + 1..].starts_with(&['"', '"']) => {
                escaped.push_str("\\\"")
            }
            c => escaped.push(c),
        }
    }
    if escaped.contains('\n') {
        format!("\"\"\"{escaped}\n\"\"\"")
    } else {
        format!("\"\"\"{escaped}\"\"\"")
    }
}

/// `text` as a Python string literal in double quotes.
pub(crate) fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The name of the exception class raised for an error value whose type
/// is called `stem` (`Refusal`, `String`, `GqlErrorList`): `RefusalError`,
/// or `GqlErrorListException` when the stem already says `Error`.
pub(crate) fn exception_name(stem: &str) -> String {
    if stem.contains("Error") {
        format!("{stem}Exception")
    } else {
        format!("{stem}Error")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_unique_and_escape_reserved_names() {
        let mut ns = Namespace::new();
        assert_eq!(ns.claim("point"), "point");
        assert_eq!(ns.claim("point"), "point_");
        assert_eq!(ns.claim("point"), "point__");
        assert_eq!(ns.claim("list"), "list_");
        assert_eq!(ns.claim("Optional"), "Optional_");
        assert_eq!(ns.claim("weft"), "weft_");
        let mut ns = Namespace::with(&["close"]);
        assert_eq!(ns.claim("close"), "close_");
        assert_eq!(
            ns.claim_first(&["geometry".into(), "demo_geometry".into()]),
            "geometry"
        );
        assert_eq!(
            ns.claim_first(&["geometry".into(), "demo_geometry".into()]),
            "demo_geometry"
        );
        assert_eq!(ns.claim_first(&["geometry".into()]), "geometry_");
        assert!(ns.is_taken("geometry_") && !ns.is_taken("geometry__"));
    }

    #[test]
    fn docstrings() {
        assert_eq!(docstring("A point."), r#""""A point.""""#);
        assert_eq!(
            docstring("\nSummary.\n\nMore `x`.   \n\n"),
            "\"\"\"Summary.\n\nMore `x`.\n\"\"\""
        );
        // Backslashes, triple quotes and a closing quote stay inside.
        assert_eq!(docstring(r"a\b"), r#""""a\\b""""#);
        assert_eq!(docstring(r#"say """hi""""#), r#""""say \"""hi\""\"""""#);
        assert_eq!(docstring(r#"4 """" q"#), r#""""4 \"\""" q""""#);
        assert_eq!(docstring(r#"ends in ""#), r#""""ends in \"""""#);
        assert_eq!(docstring("crlf\r\nline"), "\"\"\"crlf\nline\n\"\"\"");
    }

    #[test]
    fn string_literals() {
        assert_eq!(
            string_literal("demo:kit/geometry@0.1.0"),
            "\"demo:kit/geometry@0.1.0\""
        );
        assert_eq!(string_literal("a\"b\\c\nd\u{1}"), r#""a\"b\\c\nd\u0001""#);
    }

    #[test]
    fn exception_names() {
        assert_eq!(exception_name("Refusal"), "RefusalError");
        assert_eq!(exception_name("String"), "StringError");
        assert_eq!(exception_name("GqlError"), "GqlErrorException");
        assert_eq!(exception_name("GqlErrorList"), "GqlErrorListException");
        assert_eq!(exception_name("Mirror"), "MirrorError");
    }
}

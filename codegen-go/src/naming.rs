//! Names in generated Go, kept apart within each scope, and the text
//! pieces every file uses: doc comments, string literals, aligned fields.
//!
//! The spelling of each WIT identifier is `weft_wit::names::go`'s; a
//! [`Namespace`] is one Go scope (the package, a struct's fields and
//! methods, a function's locals), and a WIT-derived name that is taken
//! gets `_` appended until it is free.

use std::collections::HashSet;

/// One Go scope: the names taken in it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Namespace {
    taken: HashSet<String>,
}

impl Namespace {
    /// A scope with `taken` already used.
    pub(crate) fn with(taken: &[&str]) -> Namespace {
        Namespace {
            taken: taken.iter().map(|s| s.to_string()).collect(),
        }
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

    /// Takes the first free name of `candidates`, or the first with `_`
    /// appended.
    pub(crate) fn claim_first(&mut self, candidates: &[String]) -> String {
        match candidates.iter().find(|c| !self.taken.contains(*c)) {
            Some(free) => self.claim(free.clone()),
            None => self.claim(candidates[0].clone()),
        }
    }

    /// Whether `name` is taken.
    pub(crate) fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

/// A doc comment for `name`: `lead` as its first sentence (`Point is the
/// record `point``), followed by the WIT docs when there are some (`:
/// a point on a grid.`), each line prefixed by `indent` and `// `.
///
/// The WIT text is made safe from gofmt's doc comment reformatting: lines
/// lose leading spaces (which would make code blocks), and list markers
/// and headings are escaped by their position after other words.
pub(crate) fn doc(indent: &str, lead: &str, docs: Option<&str>) -> String {
    let mut lines: Vec<String> = Vec::new();
    let text: Vec<String> = docs
        .unwrap_or("")
        .lines()
        .map(|l| l.trim().to_string())
        .collect();
    // Drop leading and trailing empty lines.
    let start = text.iter().position(|l| !l.is_empty());
    let end = text.iter().rposition(|l| !l.is_empty());
    let text: &[String] = match (start, end) {
        (Some(s), Some(e)) => &text[s..=e],
        _ => &[],
    };
    match text.first() {
        None => lines.push(format!("{lead}.")),
        Some(first) => {
            lines.push(format!("{lead}: {}", lower_first(first)));
            let mut blank = false;
            for line in &text[1..] {
                if line.is_empty() {
                    blank = true;
                    continue;
                }
                if blank {
                    lines.push(String::new());
                    blank = false;
                }
                lines.push(safe_line(line));
            }
        }
    }
    let mut out = String::new();
    for line in lines {
        if line.is_empty() {
            out.push_str(&format!("{indent}//\n"));
        } else {
            out.push_str(&format!("{indent}// {line}\n"));
        }
    }
    out
}

/// `line` with a leading list marker or heading sign neutralised, so that
/// gofmt leaves the comment as written.
fn safe_line(line: &str) -> String {
    let first_word = line.split_whitespace().next().unwrap_or("");
    let list_marker = matches!(first_word, "-" | "*" | "+" | "•")
        || (first_word.len() > 1
            && (first_word.ends_with('.') || first_word.ends_with(')'))
            && first_word[..first_word.len() - 1]
                .chars()
                .all(|c| c.is_ascii_digit()));
    if list_marker || line.starts_with('#') {
        format!("({line})")
    } else {
        line.to_string()
    }
}

/// `text` with its first letter in lower case when it starts a sentence
/// (`Red.` → `red.`), left alone for acronyms and code (`HTTP`, `` `s` ``).
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_ascii_uppercase() && !b.is_ascii_uppercase() => {
            let mut out = a.to_ascii_lowercase().to_string();
            out.push_str(&text[1..]);
            out
        }
        _ => text.to_string(),
    }
}

/// `s` as a Go interpreted string literal.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Lines `name type` of a struct or `name value` pairs, aligned as gofmt
/// aligns consecutive lines: each name padded to the longest.
pub(crate) fn aligned(indent: &str, pairs: &[(String, String)]) -> String {
    let width = pairs.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (name, ty) in pairs {
        out.push_str(&format!("{indent}{name:width$} {ty}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_escape_clashes() {
        let mut ns = Namespace::with(&["New"]);
        assert_eq!(ns.claim("New"), "New_");
        assert_eq!(ns.claim("New"), "New__");
        assert_eq!(ns.claim("Point"), "Point");
        assert_eq!(
            ns.claim_first(&["Point".into(), "TypesPoint".into()]),
            "TypesPoint"
        );
        assert!(ns.is_taken("TypesPoint"));
    }

    #[test]
    fn doc_comments() {
        assert_eq!(doc("", "X is x", None), "// X is x.\n");
        assert_eq!(
            doc(
                "\t",
                "Point is the record `point`",
                Some("A point.\n\nMore.\n")
            ),
            "\t// Point is the record `point`: a point.\n\t//\n\t// More.\n"
        );
        assert_eq!(
            doc("", "F calls `f`", Some("HTTP things.\n  - one\n")),
            "// F calls `f`: HTTP things.\n// (- one)\n"
        );
    }

    #[test]
    fn quoting_and_alignment() {
        assert_eq!(quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(
            aligned(
                "\t",
                &[("a".into(), "int".into()), ("long".into(), "string".into())]
            ),
            "\ta    int\n\tlong string\n"
        );
    }
}

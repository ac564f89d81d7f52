//! Idiomatic identifiers for Rust, Python and Go, made from WIT identifiers.
//!
//! WIT identifiers are kebab-case: words separated by `-`, each word starting
//! with a letter and written all lowercase or all UPPERCASE, with digits
//! allowed after the first letter (`get-HTTP-header`, `utf8-len`, `a1-b2`).
//! Each submodule turns such an identifier into the spelling a programmer of
//! that language would choose, and escapes the language's keywords (and, where
//! generated code needs them, its builtin names):
//!
//! | WIT              | [`rust`]                   | [`python`]          | [`go`]               |
//! |------------------|----------------------------|---------------------|----------------------|
//! | `get-HTTP-header`| `get_http_header`          | `get_http_header`   | `GetHTTPHeader`      |
//! | `type`           | `r#type` / `Type`          | `type_` / `Type`    | `type_` / `Type`     |
//!
//! Every function is total: any `&str` gives a valid identifier of the target
//! language, and none panics. Input that is not a WIT identifier is handled
//! best effort: each character other than an ASCII letter or digit separates
//! words, and a result that would be empty or start with a digit gets a
//! prefix (`_`, or `X` where Go needs an exported name).
//!
//! All three languages split an identifier into the same words, so a name
//! keeps its word boundaries wherever it is used.

pub mod go;
pub mod python;
pub mod rust;

use heck::{ToKebabCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Rewrites `id` as kebab-case made only of ASCII letters, digits and `-`.
///
/// For a WIT identifier this is the identifier itself; anything else is
/// reduced to its ASCII alphanumeric runs, joined by `-`.
fn ascii_kebab(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|run| !run.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Splits a WIT identifier into its words, each in lowercase.
///
/// `get-HTTP-header` gives `["get", "http", "header"]`. Word boundaries are
/// heck's, so they match [`snake`], [`upper_camel`] and [`shouty_snake`].
pub(crate) fn words(id: &str) -> Vec<String> {
    ascii_kebab(id)
        .to_kebab_case()
        .split('-')
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `snake_case` spelling of `id`, guarded by [`guard_start`] with `_`.
pub(crate) fn snake(id: &str) -> String {
    guard_start(ascii_kebab(id).to_snake_case(), "_")
}

/// `UpperCamelCase` spelling of `id`, guarded by [`guard_start`] with `_`.
pub(crate) fn upper_camel(id: &str) -> String {
    guard_start(ascii_kebab(id).to_upper_camel_case(), "_")
}

/// `SHOUTY_SNAKE_CASE` spelling of `id`, guarded by [`guard_start`] with `_`.
pub(crate) fn shouty_snake(id: &str) -> String {
    guard_start(ascii_kebab(id).to_shouty_snake_case(), "_")
}

/// Puts `prefix` in front of `name` if `name` is empty or starts with a
/// character that cannot begin an identifier (a digit).
///
/// WIT identifiers always start with a letter, so this only matters for
/// input that is not one.
pub(crate) fn guard_start(name: String, prefix: &str) -> String {
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => name,
        _ => format!("{prefix}{name}"),
    }
}

/// Identifiers that every language's tests run through every function.
///
/// The first part holds WIT identifiers chosen to be awkward; the rest is
/// input that is not WIT at all, to show the functions stay total.
#[cfg(test)]
pub(crate) const TRICKY: &[&str] = &[
    "x",
    "X",
    "a1-b2",
    "utf8-len",
    "UTF8",
    "get-HTTP-header",
    "HTTP-request",
    "http-url",
    "id",
    "user-id",
    "type",
    "self",
    "super",
    "crate",
    "async",
    "await",
    "gen",
    "match",
    "case",
    "none",
    "true",
    "false",
    "nil",
    "string",
    "error",
    "len",
    "init",
    "main",
    "func",
    "range",
    "import",
    "self-type",
    "a-b-c-d-e",
    "ABC-def-GHI",
    "v2",
    "list-u8",
    // Not WIT identifiers.
    "",
    "-",
    "_",
    "1abc",
    "a--b",
    "%type",
    "été",
    "aB",
    "snake_case",
    "Self",
    "None",
    "9",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_into_lowercase_words() {
        let cases: &[(&str, &[&str])] = &[
            ("x", &["x"]),
            ("get-HTTP-header", &["get", "http", "header"]),
            ("HTTP-request", &["http", "request"]),
            ("utf8-len", &["utf8", "len"]),
            ("a1-b2", &["a1", "b2"]),
            ("%type", &["type"]),
            ("a--b", &["a", "b"]),
            ("", &[]),
            ("été", &["t"]),
        ];
        for (id, expected) in cases {
            assert_eq!(words(id), *expected, "words({id:?})");
        }
    }

    #[test]
    fn shared_spellings() {
        let cases = [
            (
                "get-HTTP-header",
                "get_http_header",
                "GetHttpHeader",
                "GET_HTTP_HEADER",
            ),
            ("a1-b2", "a1_b2", "A1B2", "A1_B2"),
            ("utf8-len", "utf8_len", "Utf8Len", "UTF8_LEN"),
            ("x", "x", "X", "X"),
            ("", "_", "_", "_"),
            ("1abc", "_1abc", "_1abc", "_1ABC"),
        ];
        for (id, s, c, u) in cases {
            assert_eq!(snake(id), s, "snake({id:?})");
            assert_eq!(upper_camel(id), c, "upper_camel({id:?})");
            assert_eq!(shouty_snake(id), u, "shouty_snake({id:?})");
        }
    }

    #[test]
    fn guard_start_prefixes_only_when_needed() {
        assert_eq!(guard_start("abc".into(), "_"), "abc");
        assert_eq!(guard_start("_abc".into(), "X"), "_abc");
        assert_eq!(guard_start("9".into(), "X"), "X9");
        assert_eq!(guard_start(String::new(), "_"), "_");
    }
}

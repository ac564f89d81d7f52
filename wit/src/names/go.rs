//! Go identifiers, after Effective Go: `MixedCaps`, upper case first for
//! exported names and lower case first for unexported ones, and short
//! all-lowercase package names.
//!
//! A word that is one of Go's common initialisms stays in capitals
//! (`get-http-url` is `GetHTTPURL`, `user-id` is `UserID`). A name that is a
//! Go keyword or predeclared identifier gets a trailing `_` (`type_`,
//! `string_`), because generated function bodies use the predeclared names.

use super::{guard_start, words};

/// Go's keywords.
const KEYWORDS: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

/// Go's predeclared identifiers: types, constants, the zero value and
/// builtin functions.
const PREDECLARED: &[&str] = &[
    "any",
    "bool",
    "byte",
    "comparable",
    "complex64",
    "complex128",
    "error",
    "float32",
    "float64",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "rune",
    "string",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
    "true",
    "false",
    "iota",
    "nil",
    "append",
    "cap",
    "clear",
    "close",
    "complex",
    "copy",
    "delete",
    "imag",
    "len",
    "make",
    "max",
    "min",
    "new",
    "panic",
    "print",
    "println",
    "real",
    "recover",
];

/// Words written all in capitals inside a Go name.
const INITIALISMS: &[&str] = &[
    "ACL", "API", "ASCII", "CPU", "CSS", "DNS", "EOF", "GUID", "HTML", "HTTP", "HTTPS", "ID", "IP",
    "JSON", "LHS", "QPS", "RAM", "RHS", "RPC", "SLA", "SMTP", "SQL", "SSH", "TCP", "TLS", "TTL",
    "UDP", "UI", "UID", "UUID", "URI", "URL", "UTF8", "VM", "XML", "XMPP", "XSRF", "XSS",
];

/// Appends `_` to `name` if it is a keyword, a predeclared identifier, the
/// blank identifier `_` or in `extra`.
fn escape(name: String, extra: &[&str]) -> String {
    let reserved = |list: &[&str]| list.contains(&name.as_str());
    if name == "_" || reserved(KEYWORDS) || reserved(PREDECLARED) || reserved(extra) {
        name + "_"
    } else {
        name
    }
}

/// Appends one lowercase `word` to `out` with a capital first letter, or
/// in capitals if it is an initialism.
fn push_capitalized(out: &mut String, word: &str) {
    let upper = word.to_ascii_uppercase();
    if INITIALISMS.contains(&upper.as_str()) {
        out.push_str(&upper);
    } else {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
}

/// Name of an exported Go identifier (type, function, method, struct field,
/// constant) for a WIT item, in `MixedCaps` starting with a capital.
///
/// ```
/// use weft_wit::names::go::exported;
/// assert_eq!(exported("get-http-url"), "GetHTTPURL");
/// assert_eq!(exported("user-id"), "UserID");
/// assert_eq!(exported("utf8-len"), "UTF8Len");
/// ```
pub fn exported(id: &str) -> String {
    let mut out = String::new();
    for word in words(id) {
        push_capitalized(&mut out, &word);
    }
    // A name must start with an upper-case letter to be exported.
    if !out.starts_with(|c: char| c.is_ascii_uppercase()) {
        out.insert(0, 'X');
    }
    escape(out, &[])
}

/// Name of an unexported Go identifier (parameter, local variable,
/// unexported function or field) for a WIT item, in `mixedCaps` with the
/// first word all in lower case.
///
/// Keywords, predeclared identifiers and `init` (which Go reserves for
/// package initialisers) get a trailing `_`.
///
/// ```
/// use weft_wit::names::go::unexported;
/// assert_eq!(unexported("http-request"), "httpRequest");
/// assert_eq!(unexported("user-id"), "userID");
/// assert_eq!(unexported("string"), "string_");
/// ```
pub fn unexported(id: &str) -> String {
    let mut out = String::new();
    for (i, word) in words(id).into_iter().enumerate() {
        if i == 0 {
            out.push_str(&word);
        } else {
            push_capitalized(&mut out, &word);
        }
    }
    escape(guard_start(out, "_"), &["init"])
}

/// Name of a Go package for a WIT package, interface or world: all lower
/// case, words run together.
///
/// Keywords, predeclared identifiers and `main` (which would make a
/// command, not a library) get a trailing `_`.
///
/// ```
/// use weft_wit::names::go::package_name;
/// assert_eq!(package_name("text-kit"), "textkit");
/// assert_eq!(package_name("type"), "type_");
/// ```
pub fn package_name(id: &str) -> String {
    escape(guard_start(words(id).concat(), "_"), &["main"])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::TRICKY;

    /// Go's keywords and predeclared identifiers, written out from the
    /// specification independently of the tables above.
    const KEYWORDS_ORACLE: &str = "break default func interface select case defer go map \
        struct chan else goto package switch const fallthrough if range type continue for \
        import return var";
    const PREDECLARED_ORACLE: &str = "any bool byte comparable complex64 complex128 error \
        float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 \
        uintptr true false iota nil append cap clear close complex copy delete imag len make \
        max min new panic print println real recover";

    fn is_ident(s: &str) -> bool {
        let mut chars = s.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
            && s != "_"
            && !KEYWORDS_ORACLE.split_whitespace().any(|k| k == s)
    }

    /// A Go identifier that neither is a keyword nor hides a predeclared
    /// identifier.
    fn is_valid(s: &str) -> bool {
        is_ident(s) && !PREDECLARED_ORACLE.split_whitespace().any(|k| k == s)
    }

    #[test]
    fn exported_names() {
        let cases = [
            ("x", "X"),
            ("get-http-url", "GetHTTPURL"),
            ("get-HTTP-header", "GetHTTPHeader"),
            ("HTTP-request", "HTTPRequest"),
            ("user-id", "UserID"),
            ("id", "ID"),
            ("utf8-len", "UTF8Len"),
            ("a1-b2", "A1B2"),
            ("json-api-uuid", "JSONAPIUUID"),
            ("ids", "Ids"),
            ("type", "Type"),
            ("string", "String"),
            ("", "X"),
            ("1abc", "X1abc"),
        ];
        for (id, expected) in cases {
            assert_eq!(exported(id), expected, "exported({id:?})");
        }
    }

    #[test]
    fn unexported_names() {
        let cases = [
            ("x", "x"),
            ("http-request", "httpRequest"),
            ("HTTP-request", "httpRequest"),
            ("get-HTTP-header", "getHTTPHeader"),
            ("id", "id"),
            ("user-id", "userID"),
            ("utf8-len", "utf8Len"),
            ("a1-b2", "a1B2"),
            // Keywords.
            ("type", "type_"),
            ("func", "func_"),
            ("range", "range_"),
            ("map", "map_"),
            // Predeclared types, constants and functions.
            ("string", "string_"),
            ("error", "error_"),
            ("any", "any_"),
            ("nil", "nil_"),
            ("iota", "iota_"),
            ("len", "len_"),
            ("new", "new_"),
            ("clear", "clear_"),
            ("init", "init_"),
            ("main", "main"),
            ("", "__"),
            ("1abc", "_1abc"),
        ];
        for (id, expected) in cases {
            assert_eq!(unexported(id), expected, "unexported({id:?})");
        }
    }

    #[test]
    fn package_names() {
        let cases = [
            ("x", "x"),
            ("text-kit", "textkit"),
            ("HTTP-client", "httpclient"),
            ("utf8-len", "utf8len"),
            ("a1-b2", "a1b2"),
            ("type", "type_"),
            ("string", "string_"),
            ("main", "main_"),
            ("init", "init"),
            ("", "__"),
        ];
        for (id, expected) in cases {
            assert_eq!(package_name(id), expected, "package_name({id:?})");
        }
    }

    #[test]
    fn every_reserved_name_is_escaped() {
        let oracle = KEYWORDS_ORACLE.split_whitespace();
        for name in oracle.chain(PREDECLARED_ORACLE.split_whitespace()) {
            assert!(!is_valid(name), "checker accepts {name:?}");
            assert_eq!(unexported(name), format!("{name}_"));
            assert_eq!(package_name(name), format!("{name}_"));
        }
    }

    #[test]
    fn always_valid() {
        for id in TRICKY {
            let out = exported(id);
            assert!(is_ident(&out), "exported({id:?}) = {out:?}");
            assert!(out.starts_with(|c: char| c.is_ascii_uppercase()), "{out:?}");
            let out = unexported(id);
            assert!(is_valid(&out), "unexported({id:?}) = {out:?}");
            let out = package_name(id);
            assert!(is_valid(&out), "package_name({id:?}) = {out:?}");
            assert!(
                !out.starts_with(|c: char| c.is_ascii_uppercase()),
                "{out:?}"
            );
        }
    }
}

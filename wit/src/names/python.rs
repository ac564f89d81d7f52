//! Python identifiers, after PEP 8: `CapWords` for classes, `snake_case`
//! for functions, attributes, parameters and modules, and
//! `SCREAMING_SNAKE_CASE` for enum members.
//!
//! A name that is a keyword (Python 3.11's `keyword.kwlist`) or a soft
//! keyword (`match`, `case`, `type`, `_`) gets a trailing `_`, as PEP 8
//! recommends (`class_`). Parameters also avoid the builtins a generated
//! function body may call.

use super::{shouty_snake, snake, upper_camel};

/// `keyword.kwlist` of Python 3.11.
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Soft keywords: `keyword.softkwlist` of Python 3.11 plus `type`, which is
/// one from Python 3.12.
const SOFT_KEYWORDS: &[&str] = &["_", "case", "match", "type"];

/// Names a generated function body may need, so a parameter must not hide
/// them: builtins used to convert and check values, and the receiver names
/// of methods.
const PARAM_RESERVED: &[&str] = &[
    "bool",
    "bytearray",
    "bytes",
    "cls",
    "dict",
    "float",
    "frozenset",
    "int",
    "isinstance",
    "len",
    "list",
    "memoryview",
    "object",
    "range",
    "self",
    "set",
    "str",
    "super",
    "tuple",
    "type",
];

/// Appends `_` to `name` if it is a keyword, a soft keyword or in `extra`.
fn escape(name: String, extra: &[&str]) -> String {
    let reserved = |list: &[&str]| list.contains(&name.as_str());
    if reserved(KEYWORDS) || reserved(SOFT_KEYWORDS) || reserved(extra) {
        name + "_"
    } else {
        name
    }
}

/// Name of the Python class for a WIT record, variant, variant case, enum,
/// flags or resource type, in `CapWords`.
///
/// ```
/// use weft_wit::names::python::class_name;
/// assert_eq!(class_name("get-HTTP-header"), "GetHttpHeader");
/// assert_eq!(class_name("none"), "None_");
/// ```
pub fn class_name(id: &str) -> String {
    escape(upper_camel(id), &[])
}

/// Name of a Python function or method for a WIT function, in
/// `snake_case`.
///
/// ```
/// use weft_wit::names::python::function_name;
/// assert_eq!(function_name("get-HTTP-header"), "get_http_header");
/// assert_eq!(function_name("import"), "import_");
/// ```
pub fn function_name(id: &str) -> String {
    escape(snake(id), &[])
}

/// Name of a Python attribute, such as a dataclass field for a WIT record
/// field, in `snake_case`.
///
/// ```
/// use weft_wit::names::python::attr_name;
/// assert_eq!(attr_name("from"), "from_");
/// assert_eq!(attr_name("len"), "len");
/// ```
pub fn attr_name(id: &str) -> String {
    escape(snake(id), &[])
}

/// Name of a Python parameter for a WIT parameter, in `snake_case`.
///
/// Besides keywords, this escapes the builtins a generated function body
/// may call (`len`, `isinstance`, `bytes`, ...) and `self`, `cls` and
/// `super`, so the parameter hides none of them.
///
/// ```
/// use weft_wit::names::python::param_name;
/// assert_eq!(param_name("len"), "len_");
/// assert_eq!(param_name("user-id"), "user_id");
/// ```
pub fn param_name(id: &str) -> String {
    escape(snake(id), PARAM_RESERVED)
}

/// Name of a Python enum member for a WIT enum case or flag, in
/// `SCREAMING_SNAKE_CASE`.
///
/// ```
/// use weft_wit::names::python::enum_member;
/// assert_eq!(enum_member("read-only"), "READ_ONLY");
/// ```
pub fn enum_member(id: &str) -> String {
    escape(shouty_snake(id), &[])
}

/// Name of a Python module for a WIT package, interface or world, in
/// `snake_case`.
///
/// ```
/// use weft_wit::names::python::module_name;
/// assert_eq!(module_name("text-kit"), "text_kit");
/// assert_eq!(module_name("with"), "with_");
/// ```
pub fn module_name(id: &str) -> String {
    escape(snake(id), &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::TRICKY;

    /// `keyword.kwlist` and `keyword.softkwlist` of Python 3.11, plus
    /// `type`, written out independently of the tables above.
    const ALL_KEYWORDS: &str = "False None True and as assert async await break class \
        continue def del elif else except finally for from global if import in is lambda \
        nonlocal not or pass raise return try while with yield _ case match type";

    /// Whether `s` is an ASCII Python identifier that is not a keyword or
    /// soft keyword.
    fn is_valid(s: &str) -> bool {
        let mut chars = s.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !ALL_KEYWORDS.split_whitespace().any(|k| k == s)
    }

    /// A naming function of this module.
    type Namer = fn(&str) -> String;

    const ALL: [(&str, Namer); 6] = [
        ("class_name", class_name),
        ("function_name", function_name),
        ("attr_name", attr_name),
        ("param_name", param_name),
        ("enum_member", enum_member),
        ("module_name", module_name),
    ];

    #[test]
    fn snake_case_names() {
        let cases = [
            ("x", "x"),
            ("get-HTTP-header", "get_http_header"),
            ("HTTP-request", "http_request"),
            ("utf8-len", "utf8_len"),
            ("a1-b2", "a1_b2"),
            // Keywords.
            ("class", "class_"),
            ("lambda", "lambda_"),
            ("async", "async_"),
            ("nonlocal", "nonlocal_"),
            // Soft keywords.
            ("match", "match_"),
            ("case", "case_"),
            ("type", "type_"),
            ("", "__"),
            // Capitalised keywords cannot come out of snake_case.
            ("none", "none"),
            ("1abc", "_1abc"),
        ];
        for (id, expected) in cases {
            for (name, f) in &ALL[1..4] {
                assert_eq!(f(id), expected, "{name}({id:?})");
            }
            assert_eq!(module_name(id), expected, "module_name({id:?})");
        }
    }

    #[test]
    fn params_avoid_builtins() {
        let builtins = "bool bytes dict float int list object str tuple type len isinstance \
            range set frozenset memoryview bytearray self cls super";
        for builtin in builtins.split_whitespace() {
            assert_eq!(param_name(builtin), format!("{builtin}_"));
        }
        assert_eq!(attr_name("len"), "len");
        assert_eq!(function_name("list"), "list");
        assert_eq!(param_name("id"), "id");
    }

    #[test]
    fn class_names() {
        let cases = [
            ("x", "X"),
            ("get-HTTP-header", "GetHttpHeader"),
            ("HTTP-request", "HttpRequest"),
            ("utf8-len", "Utf8Len"),
            ("a1-b2", "A1B2"),
            ("class", "Class"),
            ("none", "None_"),
            ("true", "True_"),
            ("false", "False_"),
        ];
        for (id, expected) in cases {
            assert_eq!(class_name(id), expected, "class_name({id:?})");
        }
    }

    #[test]
    fn enum_members() {
        let cases = [
            ("x", "X"),
            ("read-only", "READ_ONLY"),
            ("get-HTTP-header", "GET_HTTP_HEADER"),
            ("utf8-len", "UTF8_LEN"),
            ("a1-b2", "A1_B2"),
            ("none", "NONE"),
            ("class", "CLASS"),
        ];
        for (id, expected) in cases {
            assert_eq!(enum_member(id), expected, "enum_member({id:?})");
        }
        // The keyword check stays general even though uppercasing avoids it.
        assert_eq!(escape("None".to_owned(), &[]), "None_");
    }

    #[test]
    fn every_keyword_is_escaped() {
        for kw in ALL_KEYWORDS.split_whitespace() {
            assert!(!is_valid(kw), "checker accepts keyword {kw:?}");
            assert!(is_valid(&escape(kw.to_owned(), &[])), "escape({kw:?})");
        }
    }

    #[test]
    fn always_valid() {
        for id in TRICKY {
            for (name, f) in ALL {
                let out = f(id);
                assert!(
                    is_valid(&out),
                    "{name}({id:?}) = {out:?} is not a Python identifier"
                );
            }
        }
    }
}

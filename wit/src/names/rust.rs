//! Rust identifiers: `UpperCamelCase` for types and variant cases,
//! `snake_case` for functions, fields, parameters and modules, and
//! `SHOUTY_SNAKE_CASE` for constants.
//!
//! A name that is a Rust keyword is written as a raw identifier (`r#type`).
//! The few keywords that cannot be raw (`self`, `Self`, `super`, `crate`
//! and `_`) get a trailing `_` instead (`self_`).

use super::{shouty_snake, snake, upper_camel};

/// Keywords of Rust 2021 and 2024 that may be written as raw identifiers:
/// strict keywords, the 2018 additions and every reserved keyword.
const RAW_KEYWORDS: &[&str] = &[
    // Strict keywords.
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while",
    // Strict since the 2018 edition.
    "async", "await", "dyn", // Reserved for future use.
    "abstract", "become", "box", "do", "final", "gen", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be written as raw identifiers.
const NON_RAW_KEYWORDS: &[&str] = &["_", "Self", "crate", "self", "super"];

/// Makes `name` usable as a Rust identifier: `r#name` for a keyword that
/// may be raw, `name_` for one that may not, `name` otherwise.
fn escape(name: String) -> String {
    if NON_RAW_KEYWORDS.contains(&name.as_str()) {
        name + "_"
    } else if RAW_KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Name of the Rust type for a WIT record, variant, enum, resource or flags
/// type, in `UpperCamelCase`.
///
/// ```
/// use weft_wit::names::rust::type_name;
/// assert_eq!(type_name("get-HTTP-header"), "GetHttpHeader");
/// assert_eq!(type_name("self"), "Self_");
/// ```
pub fn type_name(id: &str) -> String {
    escape(upper_camel(id))
}

/// Name of a Rust enum variant for a WIT variant or enum case, in
/// `UpperCamelCase`.
///
/// ```
/// use weft_wit::names::rust::variant_case;
/// assert_eq!(variant_case("not-found"), "NotFound");
/// ```
pub fn variant_case(id: &str) -> String {
    escape(upper_camel(id))
}

/// Name of a Rust function or method for a WIT function, in `snake_case`.
///
/// ```
/// use weft_wit::names::rust::function_name;
/// assert_eq!(function_name("get-HTTP-header"), "get_http_header");
/// assert_eq!(function_name("await"), "r#await");
/// ```
pub fn function_name(id: &str) -> String {
    escape(snake(id))
}

/// Name of a Rust struct field for a WIT record field, in `snake_case`.
///
/// ```
/// use weft_wit::names::rust::field_name;
/// assert_eq!(field_name("type"), "r#type");
/// ```
pub fn field_name(id: &str) -> String {
    escape(snake(id))
}

/// Name of a Rust function parameter for a WIT parameter, in `snake_case`.
///
/// ```
/// use weft_wit::names::rust::param_name;
/// assert_eq!(param_name("self"), "self_");
/// ```
pub fn param_name(id: &str) -> String {
    escape(snake(id))
}

/// Name of a Rust module for a WIT package, interface or world, in
/// `snake_case`.
///
/// A keyword comes back raw (`r#type`); a file holding that module is named
/// without the `r#` (`type.rs`).
///
/// ```
/// use weft_wit::names::rust::module_name;
/// assert_eq!(module_name("text-kit"), "text_kit");
/// assert_eq!(module_name("crate"), "crate_");
/// ```
pub fn module_name(id: &str) -> String {
    escape(snake(id))
}

/// Name of a Rust constant, such as one flag of a WIT flags type, in
/// `SHOUTY_SNAKE_CASE`.
///
/// ```
/// use weft_wit::names::rust::const_name;
/// assert_eq!(const_name("read-only"), "READ_ONLY");
/// ```
pub fn const_name(id: &str) -> String {
    escape(shouty_snake(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::TRICKY;

    /// Every Rust keyword, written out from the Reference independently of
    /// the tables above, so that a keyword missing there is caught here.
    const ALL_KEYWORDS: &str = "as break const continue crate else enum extern false fn for \
        if impl in let loop match mod move mut pub ref return self Self static struct super \
        trait true type unsafe use where while async await dyn abstract become box do final \
        macro override priv typeof unsized virtual yield try gen _";

    /// Keywords that `r#` cannot make into identifiers.
    const NOT_RAW: &str = "self Self super crate _";

    fn is_plain_ident(s: &str) -> bool {
        let mut chars = s.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    }

    /// Whether `s` is a Rust identifier or raw identifier that names
    /// something, as opposed to a keyword.
    fn is_valid(s: &str) -> bool {
        match s.strip_prefix("r#") {
            Some(raw) => is_plain_ident(raw) && !NOT_RAW.split(' ').any(|k| k == raw),
            None => is_plain_ident(s) && !ALL_KEYWORDS.split_whitespace().any(|k| k == s),
        }
    }

    /// A naming function of this module.
    type Namer = fn(&str) -> String;

    const ALL: [(&str, Namer); 7] = [
        ("type_name", type_name),
        ("variant_case", variant_case),
        ("function_name", function_name),
        ("field_name", field_name),
        ("param_name", param_name),
        ("module_name", module_name),
        ("const_name", const_name),
    ];

    #[test]
    fn snake_case_names() {
        let cases = [
            ("x", "x"),
            ("get-HTTP-header", "get_http_header"),
            ("HTTP-request", "http_request"),
            ("utf8-len", "utf8_len"),
            ("a1-b2", "a1_b2"),
            ("list-u8", "list_u8"),
            // Strict keywords.
            ("type", "r#type"),
            ("match", "r#match"),
            ("fn", "r#fn"),
            ("true", "r#true"),
            // 2018 keywords.
            ("async", "r#async"),
            ("await", "r#await"),
            ("dyn", "r#dyn"),
            // Reserved keywords, including `try` and 2024's `gen`.
            ("try", "r#try"),
            ("gen", "r#gen"),
            ("abstract", "r#abstract"),
            ("yield", "r#yield"),
            ("unsized", "r#unsized"),
            // Keywords that cannot be raw.
            ("self", "self_"),
            ("super", "super_"),
            ("crate", "crate_"),
            // Weak keywords are ordinary identifiers.
            ("union", "union"),
            ("raw", "raw"),
            ("self-type", "self_type"),
            ("", "__"),
            ("1abc", "_1abc"),
        ];
        for (id, expected) in cases {
            for (name, f) in &ALL[2..6] {
                assert_eq!(f(id), expected, "{name}({id:?})");
            }
        }
    }

    #[test]
    fn upper_camel_names() {
        let cases = [
            ("x", "X"),
            ("get-HTTP-header", "GetHttpHeader"),
            ("HTTP-request", "HttpRequest"),
            ("utf8-len", "Utf8Len"),
            ("a1-b2", "A1B2"),
            ("type", "Type"),
            ("self", "Self_"),
            ("Self", "Self_"),
            ("option", "Option"),
        ];
        for (id, expected) in cases {
            assert_eq!(type_name(id), expected, "type_name({id:?})");
            assert_eq!(variant_case(id), expected, "variant_case({id:?})");
        }
    }

    #[test]
    fn const_names() {
        let cases = [
            ("x", "X"),
            ("read-only", "READ_ONLY"),
            ("get-HTTP-header", "GET_HTTP_HEADER"),
            ("utf8-len", "UTF8_LEN"),
            ("a1-b2", "A1_B2"),
            ("self", "SELF"),
            ("type", "TYPE"),
        ];
        for (id, expected) in cases {
            assert_eq!(const_name(id), expected, "const_name({id:?})");
        }
    }

    #[test]
    fn every_keyword_is_escaped() {
        for kw in ALL_KEYWORDS.split_whitespace() {
            assert!(!is_valid(kw), "checker accepts keyword {kw:?}");
            assert!(is_valid(&escape(kw.to_owned())), "escape({kw:?})");
        }
    }

    #[test]
    fn always_valid() {
        for id in TRICKY {
            for (name, f) in ALL {
                let out = f(id);
                assert!(
                    is_valid(&out),
                    "{name}({id:?}) = {out:?} is not a Rust identifier"
                );
            }
        }
    }
}

//! The derive's input as a model: which component type it is (from
//! `#[component(...)]`), its fields or cases with their WIT names, and
//! the path to the runtime. Everything is checked here, before any code
//! is generated.

use heck::ToKebabCase;
use syn::{Attribute, Data, DeriveInput, Fields, Generics, Ident, LitStr, Path};

use crate::ctxt::Ctxt;

/// Flags types have at most this many members (the Component Model's
/// limit, which WIT enforces).
pub const MAX_FLAGS: usize = 32;

/// The kind of component type a Rust type stands for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `#[component(record)]` on a struct with named fields.
    Record,
    /// `#[component(variant)]` on an enum whose cases have no field or
    /// one unnamed field.
    Variant,
    /// `#[component(enum)]` on an enum of unit cases.
    Enum,
    /// `#[component(flags)]` on a struct of `bool` fields.
    Flags,
}

impl Kind {
    fn keyword(self) -> &'static str {
        match self {
            Kind::Record => "record",
            Kind::Variant => "variant",
            Kind::Enum => "enum",
            Kind::Flags => "flags",
        }
    }
}

/// A derive's input, checked.
pub struct Input<'a> {
    pub ident: &'a Ident,
    pub generics: &'a Generics,
    pub kind: Kind,
    /// The path of the `weft_runtime` crate.
    pub krate: Path,
    pub body: Body<'a>,
}

/// A record's or flags type's fields, or a variant's or enum's cases.
pub enum Body<'a> {
    Fields(Vec<Field<'a>>),
    Cases(Vec<Case<'a>>),
}

/// A named field.
pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a syn::Type,
    /// Its WIT name.
    pub name: String,
}

/// An enum case, with its payload type if it has one.
pub struct Case<'a> {
    pub ident: &'a Ident,
    pub payload: Option<&'a syn::Type>,
    /// Its WIT name.
    pub name: String,
}

impl<'a> Input<'a> {
    /// Reads and checks `input`, reporting every problem at once.
    pub fn from_syn(input: &'a DeriveInput) -> syn::Result<Input<'a>> {
        let cx = Ctxt::new();
        let parsed = parse(&cx, input);
        cx.check()?;
        Ok(parsed.expect("no errors, so parsed"))
    }
}

fn parse<'a>(cx: &Ctxt, input: &'a DeriveInput) -> Option<Input<'a>> {
    let (kind, krate) = container_attrs(cx, &input.attrs);
    let kind = match kind {
        Some(kind) => kind,
        None => {
            cx.error(
                &input.ident,
                "say which component type this is: #[component(record)], \
                 #[component(variant)], #[component(enum)] or #[component(flags)]",
            );
            return None;
        }
    };
    let body = match (&input.data, kind) {
        (Data::Struct(data), Kind::Record | Kind::Flags) => {
            Body::Fields(fields(cx, kind, &input.ident, &data.fields)?)
        }
        (Data::Enum(data), Kind::Variant | Kind::Enum) => {
            let cases: Vec<Case<'a>> = data
                .variants
                .iter()
                .filter_map(|variant| case(cx, kind, variant))
                .collect();
            if data.variants.is_empty() {
                cx.error(
                    &input.ident,
                    format!("a WIT {} has at least one case", kind.keyword()),
                );
            }
            check_unique(cx, cases.iter().map(|c| (c.ident, c.name.as_str())));
            Body::Cases(cases)
        }
        (_, kind) => {
            let wants = match kind {
                Kind::Record | Kind::Flags => "a struct with named fields",
                Kind::Variant | Kind::Enum => "an enum",
            };
            cx.error(
                &input.ident,
                format!("#[component({})] derives for {wants}", kind.keyword()),
            );
            return None;
        }
    };
    Some(Input {
        ident: &input.ident,
        generics: &input.generics,
        kind,
        krate: krate.unwrap_or_else(|| syn::parse_quote!(::weft_runtime)),
        body,
    })
}

/// The container's `#[component(...)]` attributes: the kind, and
/// `crate = "..."` (the path of `weft_runtime`, for code that re-exports
/// it).
fn container_attrs(cx: &Ctxt, attrs: &[Attribute]) -> (Option<Kind>, Option<Path>) {
    let mut kind: Option<Kind> = None;
    let mut krate = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("component")) {
        let parsed = attr.parse_nested_meta(|meta| {
            let found = [Kind::Record, Kind::Variant, Kind::Enum, Kind::Flags]
                .into_iter()
                .find(|k| meta.path.is_ident(k.keyword()));
            if let Some(found) = found {
                match kind {
                    Some(earlier) if earlier != found => cx.error(
                        &meta.path,
                        format!(
                            "a type is one of record, variant, enum or flags, \
                             here both {} and {}",
                            earlier.keyword(),
                            found.keyword()
                        ),
                    ),
                    _ => kind = Some(found),
                }
            } else if meta.path.is_ident("crate") {
                let path: LitStr = meta.value()?.parse()?;
                krate = Some(path.parse::<Path>()?);
            } else {
                return Err(meta
                    .error("expected `record`, `variant`, `enum`, `flags` or `crate = \"...\"`"));
            }
            Ok(())
        });
        if let Err(err) = parsed {
            cx.push(err);
        }
    }
    (kind, krate)
}

/// A field's or case's `#[component(name = "...")]`.
fn name_attr(cx: &Ctxt, attrs: &[Attribute]) -> Option<LitStr> {
    let mut name = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("component")) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                name = Some(meta.value()?.parse::<LitStr>()?);
                Ok(())
            } else {
                Err(meta.error("expected `name = \"...\"`"))
            }
        });
        if let Err(err) = parsed {
            cx.push(err);
        }
    }
    name
}

/// The WIT name of a field or case: the one given, else `default`; an
/// error if it is not a WIT identifier.
fn wit_name(cx: &Ctxt, ident: &Ident, given: Option<LitStr>, default: String) -> String {
    match given {
        Some(lit) => {
            let name = lit.value();
            if !is_wit_identifier(&name) {
                cx.error(
                    &lit,
                    format!("`{name}` is not a WIT identifier (kebab-case words)"),
                );
            }
            name
        }
        None => {
            if !is_wit_identifier(&default) {
                cx.error(
                    ident,
                    format!(
                        "`{ident}` gives the WIT name `{default}`, which is not a WIT \
                         identifier; give one with #[component(name = \"...\")]"
                    ),
                );
            }
            default
        }
    }
}

/// Whether `name` is a WIT identifier: words joined by `-`, each a letter
/// then letters and digits, all lower case or all upper case.
pub fn is_wit_identifier(name: &str) -> bool {
    !name.is_empty()
        && name.split('-').all(|word| {
            let mut chars = word.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && word.chars().all(|c| c.is_ascii_alphanumeric())
                && (word.chars().all(|c| !c.is_ascii_uppercase())
                    || word.chars().all(|c| !c.is_ascii_lowercase()))
        })
}

fn fields<'a>(
    cx: &Ctxt,
    kind: Kind,
    container: &Ident,
    fields: &'a Fields,
) -> Option<Vec<Field<'a>>> {
    let Fields::Named(named) = fields else {
        cx.error(
            container,
            format!(
                "a WIT {} needs named fields (a struct `{{ a: T, ... }}`)",
                kind.keyword()
            ),
        );
        return None;
    };
    let parsed: Vec<Field<'a>> = named
        .named
        .iter()
        .map(|field| {
            let ident = field.ident.as_ref().expect("named fields have names");
            let given = name_attr(cx, &field.attrs);
            let default = ident.to_string();
            let default = default
                .strip_prefix("r#")
                .unwrap_or(&default)
                .replace('_', "-");
            let name = wit_name(cx, ident, given, default);
            Field {
                ident,
                ty: &field.ty,
                name,
            }
        })
        .collect();
    if parsed.is_empty() {
        cx.error(
            container,
            format!("a WIT {} has at least one field", kind.keyword()),
        );
    }
    if kind == Kind::Flags && parsed.len() > MAX_FLAGS {
        cx.error(
            container,
            format!(
                "WIT flags have at most {MAX_FLAGS} members, this has {}",
                parsed.len()
            ),
        );
    }
    check_unique(cx, parsed.iter().map(|f| (f.ident, f.name.as_str())));
    Some(parsed)
}

fn case<'a>(cx: &Ctxt, kind: Kind, variant: &'a syn::Variant) -> Option<Case<'a>> {
    let given = name_attr(cx, &variant.attrs);
    let default = variant.ident.to_string();
    let default = default
        .strip_prefix("r#")
        .unwrap_or(&default)
        .to_kebab_case();
    let name = wit_name(cx, &variant.ident, given, default);
    let payload = match (&variant.fields, kind) {
        (Fields::Unit, _) => None,
        (Fields::Unnamed(fields), Kind::Variant) if fields.unnamed.len() == 1 => {
            Some(&fields.unnamed[0].ty)
        }
        (_, Kind::Enum) => {
            cx.error(&variant.fields, "the cases of a WIT enum carry no payload");
            return None;
        }
        _ => {
            cx.error(
                &variant.fields,
                "a case of a WIT variant carries no payload or one, as `Case(T)`",
            );
            return None;
        }
    };
    Some(Case {
        ident: &variant.ident,
        payload,
        name,
    })
}

fn check_unique<'a>(cx: &Ctxt, names: impl Iterator<Item = (&'a Ident, &'a str)>) {
    let mut seen: Vec<&str> = Vec::new();
    for (ident, name) in names {
        if seen.contains(&name) {
            cx.error(ident, format!("the WIT name `{name}` is used twice"));
        }
        seen.push(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> syn::Result<String> {
        let input: DeriveInput = syn::parse_str(text)?;
        let input = Input::from_syn(&input)?;
        let names: Vec<&str> = match &input.body {
            Body::Fields(fields) => fields.iter().map(|f| f.name.as_str()).collect(),
            Body::Cases(cases) => cases.iter().map(|c| c.name.as_str()).collect(),
        };
        Ok(names.join(" "))
    }

    #[test]
    fn names_are_kebab_case_or_given() {
        let names = parse(
            "#[component(record)] struct S { a: u8, long_name: u8, r#type: u8, \
             #[component(name = \"given-NAME\")] x: u8 }",
        );
        assert_eq!(names.unwrap(), "a long-name type given-NAME");
        let names = parse(
            "#[component(variant)] enum V { A, LongName(u8), HTTPRequest, W0, \
             #[component(name = \"z\")] Y }",
        );
        assert_eq!(names.unwrap(), "a long-name http-request w0 z");
    }

    #[test]
    fn every_error_is_reported() {
        let err = parse(
            "#[component(record)] struct S { _a: u8, b: u8, #[component(name = \"b\")] c: u8, \
             #[component(name = \"9\")] d: u8 }",
        )
        .unwrap_err();
        let messages: Vec<String> = err.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("`-a`"), "{messages:?}");
        assert!(
            messages[1].contains("`9` is not a WIT identifier"),
            "{messages:?}"
        );
        assert!(messages[2].contains("`b` is used twice"), "{messages:?}");
        let err = parse("#[component(enum)] enum E { A(u8) }").unwrap_err();
        assert!(err.to_string().contains("no payload"), "{err}");
        let err = parse("#[component(flags)] enum E { A }").unwrap_err();
        assert!(
            err.to_string().contains("a struct with named fields"),
            "{err}"
        );
        let err = parse("struct S { a: u8 }").unwrap_err();
        assert!(err.to_string().contains("#[component(record)]"), "{err}");
    }

    #[test]
    fn wit_identifiers() {
        for ok in ["a", "a-b", "abc1-DEF", "x9"] {
            assert!(is_wit_identifier(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "a--b", "1a", "aB", "a_b", "%a"] {
            assert!(!is_wit_identifier(bad), "{bad}");
        }
    }
}

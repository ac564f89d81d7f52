//! WIT types and function types written as WIT text, for messages that
//! show a user the WIT they wrote (compile errors of the guest macros,
//! componentize and link errors).

use wit_parser::{Function, Handle, Resolve, Type, TypeDefKind};

/// `ty` as WIT writes it: `list<option<u8>>`, `result<_, string>`,
/// `borrow<counter>`, or a named type's name.
pub fn type_text(resolve: &Resolve, ty: &Type) -> String {
    let id = match ty {
        Type::Id(id) => *id,
        Type::Bool => return "bool".into(),
        Type::U8 => return "u8".into(),
        Type::U16 => return "u16".into(),
        Type::U32 => return "u32".into(),
        Type::U64 => return "u64".into(),
        Type::S8 => return "s8".into(),
        Type::S16 => return "s16".into(),
        Type::S32 => return "s32".into(),
        Type::S64 => return "s64".into(),
        Type::F32 => return "f32".into(),
        Type::F64 => return "f64".into(),
        Type::Char => return "char".into(),
        Type::String => return "string".into(),
        Type::ErrorContext => return "error-context".into(),
    };
    let Some(def) = resolve.types.get(id) else {
        return "<unknown type>".into();
    };
    if let Some(name) = &def.name {
        return name.clone();
    }
    let text = |ty: &Type| type_text(resolve, ty);
    let maybe = |ty: &Option<Type>| ty.as_ref().map_or_else(|| "_".to_string(), text);
    match &def.kind {
        TypeDefKind::List(t) => format!("list<{}>", text(t)),
        TypeDefKind::FixedLengthList(t, n) => format!("list<{}, {n}>", text(t)),
        TypeDefKind::Map(k, v) => format!("map<{}, {}>", text(k), text(v)),
        TypeDefKind::Option(t) => format!("option<{}>", text(t)),
        TypeDefKind::Result(r) => match (&r.ok, &r.err) {
            (None, None) => "result".into(),
            (ok, None) => format!("result<{}>", maybe(ok)),
            (ok, err) => format!("result<{}, {}>", maybe(ok), maybe(err)),
        },
        TypeDefKind::Tuple(t) => {
            let items: Vec<String> = t.types.iter().map(text).collect();
            format!("tuple<{}>", items.join(", "))
        }
        TypeDefKind::Handle(Handle::Own(r)) => text(&Type::Id(*r)),
        TypeDefKind::Handle(Handle::Borrow(r)) => format!("borrow<{}>", text(&Type::Id(*r))),
        TypeDefKind::Future(t) => format!("future<{}>", maybe(t)),
        TypeDefKind::Stream(t) => format!("stream<{}>", maybe(t)),
        TypeDefKind::Type(t) => text(t),
        other => other.as_str().to_string(),
    }
}

/// `func`'s type as WIT writes it: `func(key: string) -> option<u32>`
/// (`async func(...)` for an async function).
pub fn func_text(resolve: &Resolve, func: &Function) -> String {
    let params: Vec<String> = func
        .params
        .iter()
        .map(|p| format!("{}: {}", p.name, type_text(resolve, &p.ty)))
        .collect();
    let result = match &func.result {
        Some(ty) => format!(" -> {}", type_text(resolve, ty)),
        None => String::new(),
    };
    let asynchronous = if func.kind.is_async() { "async " } else { "" };
    format!("{asynchronous}func({}){result}", params.join(", "))
}

/// `func`'s signature as WIT writes it in an interface:
/// `name: func(a: u32) -> string`.
pub fn signature_text(resolve: &Resolve, func: &Function) -> String {
    format!("{}: {}", func.name, func_text(resolve, func))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Wit;

    #[test]
    fn functions_read_as_wit() {
        let wit = Wit::parse(
            "t.wit",
            "package t:t;
             interface i {
                 resource r { constructor(n: u32); get: func() -> option<list<u8>>; }
                 f: func(a: tuple<u8, string>, b: result<_, r>, c: borrow<r>) -> result;
             }
             world w { export i; }",
        )
        .unwrap();
        let iface = wit.resolve.interfaces.iter().next().unwrap().1;
        let text = |name: &str| func_text(&wit.resolve, &iface.functions[name]);
        assert_eq!(
            text("f"),
            "func(a: tuple<u8, string>, b: result<_, r>, c: borrow<r>) -> result"
        );
        assert_eq!(text("[constructor]r"), "func(n: u32) -> r");
        assert_eq!(
            text("[method]r.get"),
            "func(self: borrow<r>) -> option<list<u8>>"
        );
        assert_eq!(
            signature_text(&wit.resolve, &iface.functions["f"]),
            "f: func(a: tuple<u8, string>, b: result<_, r>, c: borrow<r>) -> result"
        );
    }
}

//! WIT types and function signatures written as WIT text, for error
//! messages.

use weft_wit::wit_parser::{Function, Resolve, Type, TypeDefKind};

/// `ty` as WIT writes it: `list<option<u8>>`, `result<_, string>`, or a
/// named type's name.
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
    let def = &resolve.types[id];
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
        TypeDefKind::Handle(weft_wit::wit_parser::Handle::Own(r)) => {
            type_text(resolve, &Type::Id(*r))
        }
        TypeDefKind::Handle(weft_wit::wit_parser::Handle::Borrow(r)) => {
            format!("borrow<{}>", type_text(resolve, &Type::Id(*r)))
        }
        TypeDefKind::Future(t) => format!("future<{}>", maybe(t)),
        TypeDefKind::Stream(t) => format!("stream<{}>", maybe(t)),
        TypeDefKind::Type(t) => text(t),
        other => other.as_str().to_string(),
    }
}

/// `func`'s signature as WIT writes it: `name: func(a: u32) -> string`.
pub fn signature_text(resolve: &Resolve, func: &Function) -> String {
    let params: Vec<String> = func
        .params
        .iter()
        .map(|p| format!("{}: {}", p.name, type_text(resolve, &p.ty)))
        .collect();
    let result = match &func.result {
        Some(ty) => format!(" -> {}", type_text(resolve, ty)),
        None => String::new(),
    };
    format!("{}: func({}){result}", func.name, params.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use weft_wit::Wit;

    #[test]
    fn signatures_read_as_wit() {
        let wit = Wit::parse(
            "t.wit",
            "package t:t;
             interface i {
                 record point { x: s32 }
                 f: func(a: list<option<point>>, b: result<_, string>, c: tuple<u8, char>) -> result<u64>;
                 g: func();
             }",
        )
        .unwrap();
        let resolve = &wit.resolve;
        let interface = resolve.interfaces.iter().next().unwrap().1;
        assert_eq!(
            signature_text(resolve, &interface.functions["f"]),
            "f: func(a: list<option<point>>, b: result<_, string>, c: tuple<u8, char>) -> result<u64>"
        );
        assert_eq!(
            signature_text(resolve, &interface.functions["g"]),
            "g: func()"
        );
    }
}

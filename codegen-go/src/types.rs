//! Go types for WIT types, and the declarations of named ones.
//!
//! | WIT | Go |
//! |---|---|
//! | `record` | struct with exported fields |
//! | `variant` | interface with an unexported marker method, a struct per case |
//! | `enum` | `uint8`/`uint16`/`uint32` type with constants and `String()` |
//! | `flags` | bit set type with constants, `Has` and `String()` |
//! | `option<T>` | `weft.Option[T]` |
//! | `result<T, E>` | `weft.Result[T, E]` (`(T, error)` at the top of a function's results) |
//! | `tuple<...>` | `weft.Tuple2`..`weft.Tuple12` (a struct literal type otherwise) |
//! | `list<u8>` / `list<T>` | `[]byte` / `[]T` |
//! | exported resource | struct with methods and `Close()` |
//! | imported resource | interface the host implements |

use std::fmt::Write as _;

use weft_wit::wit_parser::{Handle, Type, TypeDefKind, TypeId};

use crate::abi::{field_names, helpers, Kind};
use crate::naming::{aligned, doc, quote};
use crate::plan::{Plan, Role};

impl<'a> Plan<'a> {
    /// The Go type of `ty` as module `from` sees it.
    pub(crate) fn go_type(&self, ty: &Type, from: usize) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::U8 => "uint8".into(),
            Type::U16 => "uint16".into(),
            Type::U32 => "uint32".into(),
            Type::U64 => "uint64".into(),
            Type::S8 => "int8".into(),
            Type::S16 => "int16".into(),
            Type::S32 => "int32".into(),
            Type::S64 => "int64".into(),
            Type::F32 => "float32".into(),
            Type::F64 => "float64".into(),
            Type::Char => "rune".into(),
            Type::String => "string".into(),
            Type::ErrorContext => unreachable!("refused by check_supported"),
            Type::Id(id) => {
                if self.resolve.types[*id].name.is_some() {
                    let (m, t) = self.target(*id, from);
                    let named = self.named(m, t);
                    return match named.resource {
                        Some(r) => self.resource_go(r),
                        None => named.go.clone(),
                    };
                }
                self.structural(*id, from)
            }
        }
    }

    /// The Go type of the anonymous (or aliased) type definition `id`.
    fn structural(&self, id: TypeId, from: usize) -> String {
        match &self.resolve.types[id].kind {
            TypeDefKind::Type(t) => self.go_type(t, from),
            TypeDefKind::List(Type::U8) => "[]byte".into(),
            TypeDefKind::List(t) => format!("[]{}", self.go_type(t, from)),
            TypeDefKind::Option(t) => format!("weft.Option[{}]", self.go_type(t, from)),
            TypeDefKind::Result(r) => format!(
                "weft.Result[{}, {}]",
                self.opt_type(r.ok.as_ref(), from),
                self.opt_type(r.err.as_ref(), from)
            ),
            TypeDefKind::Tuple(t) => self.tuple_type(&t.types, from),
            TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => {
                self.resource_go(self.resource_index(*r, from))
            }
            other => unreachable!("{} has no structural Go type", other.as_str()),
        }
    }

    /// The Go type of a handle to resource `r`.
    pub(crate) fn resource_go(&self, r: usize) -> String {
        let res = &self.resources[r];
        match res.role {
            Role::Export => format!("*{}", res.go),
            Role::Import => res.go.clone(),
        }
    }

    /// `T`, or `weft.Unit` for a missing type.
    pub(crate) fn opt_type(&self, ty: Option<&Type>, from: usize) -> String {
        match ty {
            Some(t) => self.go_type(t, from),
            None => "weft.Unit".into(),
        }
    }

    /// `weft.TupleN[...]`; the package's own `Tuple1` for one element,
    /// `struct{}` for none (longer tuples are refused by the plan).
    pub(crate) fn tuple_type(&self, types: &[Type], from: usize) -> String {
        let parts: Vec<String> = types.iter().map(|t| self.go_type(t, from)).collect();
        match parts.len() {
            0 => "struct{}".into(),
            1 => format!("Tuple1[{}]", parts[0]),
            n => format!("weft.Tuple{n}[{}]", parts.join(", ")),
        }
    }

    /// The zero value of `ty`'s Go type.
    pub(crate) fn zero(&self, ty: &Type, from: usize) -> String {
        match self.classify(ty, from) {
            Kind::Prim(Type::Bool) => "false".into(),
            Kind::Prim(Type::String) => "\"\"".into(),
            Kind::Prim(_) => "0".into(),
            Kind::Named(_, TypeDefKind::Record(_)) => format!("{}{{}}", self.go_type(ty, from)),
            Kind::Named(_, TypeDefKind::Variant(_)) => "nil".into(),
            Kind::Named(..) => "0".into(),
            Kind::List(..) | Kind::Own(_) | Kind::Borrow(_) => "nil".into(),
            Kind::Option(..) | Kind::Result(..) | Kind::Tuple(..) => {
                format!("{}{{}}", self.go_type(ty, from))
            }
        }
    }
}

/// The declarations of module `m`'s named types, with their helpers and
/// methods.
pub(crate) fn declarations(plan: &Plan<'_>, m: usize) -> String {
    let mut out = String::new();
    for (id, named) in plan.declared(m) {
        let def = &plan.resolve.types[id];
        let wit = def.name.as_deref().unwrap_or("");
        let docs = def.docs.contents.as_deref();
        let go = &named.go;
        out.push('\n');
        match &def.kind {
            TypeDefKind::Record(r) => {
                out.push_str(&doc("", &format!("{go} is the record `{wit}`"), docs));
                let _ = writeln!(out, "type {go} struct {{");
                for (f, field) in r.fields.iter().zip(field_names(plan, m, id)) {
                    out.push_str(&doc(
                        "\t",
                        &format!("{field} is the field `{}`", f.name),
                        f.docs.contents.as_deref(),
                    ));
                    let _ = writeln!(out, "\t{field} {}", plan.go_type(&f.ty, m));
                }
                out.push_str("}\n\n");
                out.push_str(&helpers(plan, m, id, named));
            }
            TypeDefKind::Variant(v) => {
                let marker = format!("is{go}");
                out.push_str(&doc("", &format!("{go} is the variant `{wit}`"), docs));
                let cases: Vec<String> = named.cases.iter().map(|c| format!("[{c}]")).collect();
                let _ = writeln!(out, "//\n// Its cases are {}.", cases.join(", "));
                let _ = writeln!(out, "type {go} interface {{\n\t{marker}()\n}}");
                for (c, case) in v.cases.iter().zip(&named.cases) {
                    out.push('\n');
                    out.push_str(&doc(
                        "",
                        &format!("{case} is the case `{}` of [{go}]", c.name),
                        c.docs.contents.as_deref(),
                    ));
                    match &c.ty {
                        Some(t) => {
                            let _ = writeln!(out, "type {case} struct {{");
                            out.push_str(&doc("\t", "Value is the case's payload", None));
                            let _ = writeln!(out, "\tValue {}\n}}", plan.go_type(t, m));
                        }
                        None => {
                            let _ = writeln!(out, "type {case} struct{{}}");
                        }
                    }
                    let _ = writeln!(out, "\nfunc ({case}) {marker}() {{}}");
                }
                out.push('\n');
                out.push_str(&helpers(plan, m, id, named));
            }
            TypeDefKind::Enum(e) => {
                let bits = enum_bits(e.cases.len());
                out.push_str(&doc("", &format!("{go} is the enum `{wit}`"), docs));
                let _ = writeln!(out, "type {go} uint{bits}\n\nconst (");
                for (i, (c, case)) in e.cases.iter().zip(&named.cases).enumerate() {
                    out.push_str(&doc(
                        "\t",
                        &format!("{case} is the case `{}`", c.name),
                        c.docs.contents.as_deref(),
                    ));
                    if i == 0 {
                        let _ = writeln!(out, "\t{case} {go} = iota");
                    } else {
                        let _ = writeln!(out, "\t{case}");
                    }
                }
                out.push_str(")\n\n");
                let _ = writeln!(out, "// String gives the case's WIT name.");
                let _ = writeln!(out, "func (v {go}) String() string {{\n\tswitch v {{");
                for (c, case) in e.cases.iter().zip(&named.cases) {
                    let _ = writeln!(out, "\tcase {case}:\n\t\treturn {}", quote(&c.name));
                }
                let _ = writeln!(
                    out,
                    "\t}}\n\treturn fmt.Sprintf({}, uint{bits}(v))\n}}\n",
                    quote(&format!("{go}(%d)"))
                );
                out.push_str(&helpers(plan, m, id, named));
            }
            TypeDefKind::Flags(f) => {
                let bits = plan.layout(&Type::Id(id)).size * 8;
                out.push_str(&doc("", &format!("{go} is the flags `{wit}`"), docs));
                let _ = writeln!(out, "type {go} uint{bits}\n\nconst (");
                for (i, (c, case)) in f.flags.iter().zip(&named.cases).enumerate() {
                    out.push_str(&doc(
                        "\t",
                        &format!("{case} is the flag `{}`", c.name),
                        c.docs.contents.as_deref(),
                    ));
                    if i == 0 {
                        let _ = writeln!(out, "\t{case} {go} = 1 << iota");
                    } else {
                        let _ = writeln!(out, "\t{case}");
                    }
                }
                out.push_str(")\n\n");
                let _ = writeln!(out, "// Has reports whether every flag of f is set in v.");
                let _ = writeln!(
                    out,
                    "func (v {go}) Has(f {go}) bool {{\n\treturn v&f == f\n}}\n"
                );
                let _ = writeln!(
                    out,
                    "// String gives the WIT names of the flags set, joined by `|`."
                );
                let _ = writeln!(out, "func (v {go}) String() string {{");
                let names: Vec<String> = f.flags.iter().map(|c| quote(&c.name)).collect();
                let _ = writeln!(out, "\tnames := [...]string{{{}}}", names.join(", "));
                out.push_str("\ts := \"\"\n\tfor i, name := range names {\n");
                let _ = writeln!(out, "\t\tif v&(1<<i) != 0 {{");
                out.push_str("\t\t\tif s != \"\" {\n\t\t\t\ts += \"|\"\n\t\t\t}\n");
                out.push_str("\t\t\ts += name\n\t\t}\n\t}\n");
                let mask = if f.flags.len() >= 32 {
                    "0xffffffff".to_string()
                } else {
                    format!("{:#x}", (1u64 << f.flags.len()) - 1)
                };
                if f.flags.len() < bits as usize {
                    let _ = writeln!(out, "\tif rest := v &^ {mask}; rest != 0 {{");
                    out.push_str("\t\tif s != \"\" {\n\t\t\ts += \"|\"\n\t\t}\n");
                    out.push_str("\t\ts += fmt.Sprintf(\"%#x\", uint64(rest))\n\t}\n");
                }
                out.push_str("\treturn s\n}\n\n");
                out.push_str(&helpers(plan, m, id, named));
            }
            TypeDefKind::Resource => {
                let r = named.resource.expect("resource");
                out.push_str(&resource_decl(plan, r, docs));
            }
            _ => {
                out.push_str(&doc("", &format!("{go} is the WIT type `{wit}`"), docs));
                let _ = writeln!(out, "type {go} = {}", plan.structural_named(id, m));
            }
        }
    }
    out
}

impl<'a> Plan<'a> {
    /// The Go type a named alias stands for.
    fn structural_named(&self, id: TypeId, m: usize) -> String {
        self.structural(id, m)
    }
}

/// The Go type behind an enum of `n` cases.
pub(crate) fn enum_bits(n: usize) -> u32 {
    weft_wit::abi::Discriminant::for_cases(n).size() * 8
}

/// An exported resource's struct (its methods are written with the
/// interface's functions), or an imported resource's interface.
fn resource_decl(plan: &Plan<'_>, r: usize, docs: Option<&str>) -> String {
    let res = &plan.resources[r];
    let go = &res.go;
    let mut out = String::new();
    match res.role {
        Role::Export => {
            out.push_str(&doc(
                "",
                &format!(
                    "{go} is a handle to the resource `{}` the component implements; Close drops it",
                    res.wit
                ),
                docs,
            ));
            let _ = writeln!(out, "type {go} struct {{");
            out.push_str(&aligned(
                "\t",
                &[
                    ("w".into(), format!("*{}", plan.world_type)),
                    ("r".into(), "*weft.Resource".into()),
                ],
            ));
            out.push_str("}\n\n");
            let _ = writeln!(
                out,
                "// Close drops the {} (its destructor runs in the component); later calls fail.",
                res.wit
            );
            let _ = writeln!(out, "func (v *{go}) Close() error {{");
            out.push_str("\tif v == nil || v.r == nil {\n\t\treturn nil\n\t}\n");
            // Dropping again, or after the handle moved into the component
            // or its instance closed, is weft.ErrClosed: nothing to do.
            out.push_str(
                "\tif err := v.r.Drop(v.w.store); err != nil && !errors.Is(err, weft.ErrClosed) {\n",
            );
            let _ = writeln!(
                out,
                "\t\treturn fmt.Errorf({}, err)\n\t}}\n\treturn nil\n}}",
                quote(&format!("dropping {}: %w", res.wit))
            );
        }
        Role::Import => {
            out.push_str(&doc(
                "",
                &format!(
                    "{go} is the resource `{}` the host implements (an object of it may also implement io.Closer, called when the component drops its last handle)",
                    res.wit
                ),
                docs,
            ));
            let _ = writeln!(out, "type {go} interface {{");
            let mut first = true;
            for f in plan.funcs.iter().filter(|f| {
                matches!(f.func.kind, weft_wit::wit_parser::FunctionKind::Method(_))
                    && method_of(plan, f) == Some(r)
            }) {
                if !first {
                    out.push('\n');
                }
                first = false;
                out.push_str(&doc(
                    "\t",
                    &format!("{} implements `{}`", f.go, f.func.name),
                    f.func.docs.contents.as_deref(),
                ));
                let _ = writeln!(out, "\t{}", crate::module::signature(plan, f, true));
            }
            out.push_str("}\n");
        }
    }
    out
}

/// The resource whose method `f` is.
pub(crate) fn method_of(plan: &Plan<'_>, f: &crate::plan::FuncPlan<'_>) -> Option<usize> {
    match f.func.kind {
        weft_wit::wit_parser::FunctionKind::Method(r)
        | weft_wit::wit_parser::FunctionKind::Static(r)
        | weft_wit::wit_parser::FunctionKind::Constructor(r) => {
            Some(plan.resource_index(r, f.module))
        }
        _ => None,
    }
}

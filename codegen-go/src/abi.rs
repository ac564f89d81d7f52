//! Go code that moves values by the canonical ABI: lowering into flat
//! `uint64` slots (`lower_flat`) or guest memory (`store`), lifting from
//! slots (`lift_flat`) or memory (`load`).
//!
//! A [`Body`] collects the statements of one Go function. Named records,
//! variants, enums and flags go through their helpers (`lowerPoint`,
//! `storePoint`, `liftPoint`, `loadPoint`); lists, options, results,
//! tuples and handles are written inline. Lowering may fail (invalid
//! UTF-8, an invalid char, an enum or flags value out of range, a nil
//! variant or resource): each failure returns through the body's error
//! template. Lifting never branches on errors: `*weft.Lift` keeps the
//! first failure, which the caller checks once.

use std::fmt::Write as _;

use weft_wit::abi::{Discriminant, Layout};
use weft_wit::wit_parser::{Handle, Type, TypeDefKind, TypeId};

use crate::naming::{quote, Namespace};
use crate::plan::{Named, Plan, Role};

/// What a WIT type is, for moving its values.
pub(crate) enum Kind<'p> {
    /// A primitive.
    Prim(Type),
    /// A declared record, variant, enum or flags, with its helpers.
    Named(&'p Named, &'p TypeDefKind),
    /// `list<T>`, the element seen from the module given.
    List(Type, usize),
    /// `option<T>`.
    Option(Type, usize),
    /// `result<T, E>`.
    Result(Option<Type>, Option<Type>, usize),
    /// `tuple<...>`.
    Tuple(Vec<Type>, usize),
    /// `own<R>`, by global resource index.
    Own(usize),
    /// `borrow<R>`.
    Borrow(usize),
}

impl<'a> Plan<'a> {
    /// What `ty`, seen from module `from`, is, aliases followed.
    pub(crate) fn classify(&self, ty: &Type, from: usize) -> Kind<'_> {
        let Type::Id(id) = ty else {
            return Kind::Prim(*ty);
        };
        let (m, id) = if self.resolve.types[*id].name.is_some() {
            self.target(*id, from)
        } else {
            (from, *id)
        };
        let def = &self.resolve.types[id];
        match &def.kind {
            TypeDefKind::Record(_)
            | TypeDefKind::Variant(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Flags(_) => Kind::Named(self.named(m, id), &def.kind),
            TypeDefKind::Type(inner) => self.classify(inner, m),
            TypeDefKind::List(t) => Kind::List(*t, m),
            TypeDefKind::Option(t) => Kind::Option(*t, m),
            TypeDefKind::Result(r) => Kind::Result(r.ok, r.err, m),
            TypeDefKind::Tuple(t) => Kind::Tuple(t.types.clone(), m),
            TypeDefKind::Handle(Handle::Own(r)) => Kind::Own(self.resource_index(*r, m)),
            TypeDefKind::Handle(Handle::Borrow(r)) => Kind::Borrow(self.resource_index(*r, m)),
            other => unreachable!("{} refused by check_supported", other.as_str()),
        }
    }

    /// The layout of `ty`.
    pub(crate) fn layout(&self, ty: &Type) -> Layout {
        self.abi.layout(ty)
    }

    /// How many flat values `ty` takes (it fits: at most 16).
    pub(crate) fn flat_count(&self, ty: &Type) -> usize {
        self.layout(ty).flat.count().unwrap_or(usize::MAX)
    }

    /// The payload offset of a variant whose cases carry `payloads`.
    pub(crate) fn payload_offset(&self, payloads: &[Option<Type>]) -> u32 {
        let layouts: Vec<Option<Layout>> = payloads
            .iter()
            .map(|p| p.as_ref().map(|t| self.layout(t)))
            .collect();
        Layout::variant_payload_offset(layouts.iter().map(Option::as_ref)).unwrap_or(0)
    }
}

/// The bulk method suffix for a list of the primitive `ty`
/// (`PutU32s`/`U32s`), if it has one.
fn bulk(ty: &Type) -> Option<&'static str> {
    Some(match ty {
        Type::U8 => "Bytes",
        Type::U16 => "U16s",
        Type::U32 => "U32s",
        Type::U64 => "U64s",
        Type::S8 => "S8s",
        Type::S16 => "S16s",
        Type::S32 => "S32s",
        Type::S64 => "S64s",
        Type::F32 => "F32s",
        Type::F64 => "F64s",
        _ => return None,
    })
}

/// A guest address: a variable, an element index scaled by the element
/// size, and a constant offset.
#[derive(Debug, Clone)]
pub(crate) struct Addr {
    base: String,
    index: Option<(String, u32)>,
    off: u32,
}

impl Addr {
    /// The address in variable `base`.
    pub(crate) fn var(base: &str) -> Addr {
        Addr {
            base: base.to_string(),
            index: None,
            off: 0,
        }
    }

    /// Element `index` of size `size` of the list at `base`.
    fn element(base: &str, index: &str, size: u32) -> Addr {
        Addr {
            base: base.to_string(),
            index: Some((index.to_string(), size)),
            off: 0,
        }
    }

    /// `off` bytes further.
    pub(crate) fn at(&self, off: u32) -> Addr {
        Addr {
            off: self.off + off,
            ..self.clone()
        }
    }

    /// The Go expression, spaced as gofmt spaces a binary expression at
    /// expression depth `depth` (1 at the top of a statement or a
    /// composite literal's element, more inside a call of several
    /// arguments or an operand): `+` gets blanks only at depth 1, `*`
    /// never does here.
    fn go(&self, depth: u8) -> String {
        let plus = if depth == 1 { " + " } else { "+" };
        let mut out = self.base.clone();
        if let Some((i, size)) = &self.index {
            out.push_str(&format!("{plus}uint32({i})*{size}"));
        }
        if self.off != 0 {
            out.push_str(&format!("{plus}{}", self.off));
        }
        out
    }
}

/// The statements of one Go function under construction.
pub(crate) struct Body<'p, 'a> {
    pub plan: &'p Plan<'a>,
    pub out: String,
    indent: usize,
    locals: Namespace,
    counter: usize,
    /// The statement returning an error, with `ERR` standing for the
    /// error expression.
    pub err_tpl: String,
}

impl<'p, 'a> Body<'p, 'a> {
    /// A body indented by `indent` tabs in which `taken` (parameters,
    /// receivers, the fixed locals) and the package's helpers are taken.
    pub(crate) fn new(plan: &'p Plan<'a>, indent: usize, taken: &[&str]) -> Body<'p, 'a> {
        let mut locals = Namespace::with(taken);
        for h in &plan.helpers {
            locals.claim(h.clone());
        }
        Body {
            plan,
            out: String::new(),
            indent,
            locals,
            counter: 0,
            err_tpl: "return ERR".into(),
        }
    }

    /// Takes a local name (a parameter) as it comes or escaped.
    pub(crate) fn claim(&mut self, name: &str) -> String {
        self.locals.claim(name)
    }

    /// A fresh local: `stem` and a number.
    pub(crate) fn fresh(&mut self, stem: &str) -> String {
        loop {
            let name = format!("{stem}{}", self.counter);
            self.counter += 1;
            if !self.locals.is_taken(&name) {
                return self.locals.claim(name);
            }
        }
    }

    /// One line at the current indentation.
    pub(crate) fn line(&mut self, text: impl AsRef<str>) {
        for _ in 0..self.indent {
            self.out.push('\t');
        }
        self.out.push_str(text.as_ref());
        self.out.push('\n');
    }

    /// A line opening a block.
    pub(crate) fn open(&mut self, text: impl AsRef<str>) {
        self.line(text);
        self.indent += 1;
    }

    /// A line closing a block.
    pub(crate) fn close(&mut self, text: impl AsRef<str>) {
        self.indent -= 1;
        self.line(text);
    }

    /// A line between blocks (`} else {`, `case 1:`).
    pub(crate) fn mid(&mut self, text: impl AsRef<str>) {
        self.indent -= 1;
        self.line(text);
        self.indent += 1;
    }

    /// Returns `err` (an expression) through the error template.
    pub(crate) fn fail(&mut self, err: &str) {
        let stmt = self.err_tpl.replace("ERR", err);
        self.line(stmt);
    }

    /// `if err != nil { <fail> }`.
    pub(crate) fn check_err(&mut self) {
        self.open("if err != nil {");
        self.fail("err");
        self.close("}");
    }

    fn helper_args(named: &Named) -> &'static str {
        if named.handles {
            "cx, "
        } else {
            ""
        }
    }

    /// Lowers `val` of `ty` into `out[off..]`.
    pub(crate) fn lower_flat(&mut self, ty: &Type, from: usize, val: &str, out: &str, off: usize) {
        let plan = self.plan;
        match plan.classify(ty, from) {
            Kind::Prim(p) => {
                let slot = format!("{out}[{off}]");
                match p {
                    Type::Bool => self.line(format!("{slot} = flatBool({val})")),
                    Type::S8 | Type::S16 => {
                        self.line(format!("{slot} = uint64(uint32(int32({val})))"))
                    }
                    Type::S32 | Type::Char => {
                        if p == Type::Char {
                            self.check_char(val);
                        }
                        self.line(format!("{slot} = uint64(uint32({val}))"))
                    }
                    Type::U8 | Type::U16 | Type::U32 | Type::S64 => {
                        self.line(format!("{slot} = uint64({val})"))
                    }
                    Type::U64 => self.line(format!("{slot} = {val}")),
                    Type::F32 => self.line(format!("{slot} = uint64(math.Float32bits({val}))")),
                    Type::F64 => self.line(format!("{slot} = math.Float64bits({val})")),
                    Type::String => {
                        let (p, n) = self.lower_string(val);
                        self.line(format!("{slot} = uint64({p})"));
                        self.line(format!("{out}[{}] = uint64({n})", off + 1));
                    }
                    Type::ErrorContext | Type::Id(_) => unreachable!("not a primitive here"),
                }
            }
            Kind::Named(named, _) => {
                let args = Self::helper_args(named);
                self.open(format!(
                    "if err := lower{}({args}lo, {val}, {out}[{off}:]); err != nil {{",
                    named.go
                ));
                self.fail("err");
                self.close("}");
            }
            Kind::List(elem, m) => {
                let p = self.lower_list(&elem, m, val);
                self.line(format!("{out}[{off}] = uint64({p})"));
                self.line(format!("{out}[{}] = uint64(len({val}))", off + 1));
            }
            Kind::Option(t, m) => {
                let v = self.fresh("v");
                self.open(format!("if {v}, ok := {val}.Get(); ok {{"));
                self.line(format!("{out}[{off}] = 1"));
                self.lower_flat(&t, m, &v, out, off + 1);
                self.close("}");
            }
            Kind::Result(ok, err, m) => {
                self.open(format!("if {val}.IsErr {{"));
                self.line(format!("{out}[{off}] = 1"));
                if let Some(e) = err {
                    self.lower_flat(&e, m, &format!("{val}.Err"), out, off + 1);
                }
                if let Some(o) = ok {
                    self.mid("} else {");
                    self.lower_flat(&o, m, &format!("{val}.Ok"), out, off + 1);
                }
                self.close("}");
            }
            Kind::Tuple(types, m) => {
                let mut o = off;
                for (i, t) in types.iter().enumerate() {
                    self.lower_flat(t, m, &format!("{val}.F{i}"), out, o);
                    o += plan.flat_count(t);
                }
            }
            Kind::Own(r) | Kind::Borrow(r) => {
                let own = matches!(plan.classify(ty, from), Kind::Own(_));
                let h = self.lower_handle(r, own, val);
                self.line(format!("{out}[{off}] = uint64({h})"));
            }
        }
    }

    fn check_char(&mut self, val: &str) {
        self.open(format!("if !utf8.ValidRune({val}) {{"));
        self.fail(&format!(
            "fmt.Errorf(\"invalid char %U: not a Unicode scalar value\", {val})"
        ));
        self.close("}");
    }

    fn lower_string(&mut self, val: &str) -> (String, String) {
        let p = self.fresh("p");
        let n = self.fresh("n");
        self.line(format!("{p}, {n}, err := lo.String({val})"));
        self.check_err();
        (p, n)
    }

    /// Stores the list `val` in a new block of guest memory; gives the
    /// variable holding its address (its length is `len(val)`).
    fn lower_list(&mut self, elem: &Type, m: usize, val: &str) -> String {
        let layout = self.plan.layout(elem);
        let b = self.fresh("b");
        let p = self.fresh("p");
        self.line(format!(
            "{b}, err := listBytes(len({val}), {})",
            layout.size
        ));
        self.check_err();
        self.line(format!("{p}, err := lo.Alloc({b}, {})", layout.align));
        self.check_err();
        let bulk_method = match self.plan.classify(elem, m) {
            Kind::Prim(p) => bulk(&p),
            _ => None,
        };
        if let Some(method) = bulk_method {
            self.line(format!("lo.Put{method}({p}, {val})"));
        } else if layout.size > 0 {
            let i = self.fresh("i");
            let e = self.fresh("e");
            self.open(format!("for {i}, {e} := range {val} {{"));
            let base = Addr::element(&p, &i, layout.size);
            self.store(elem, m, &e, &base);
            self.close("}");
        }
        p
    }

    /// Gives the handle for resource `val` of resource `r`, passed as own
    /// or borrowed.
    fn lower_handle(&mut self, r: usize, own: bool, val: &str) -> String {
        let res = &self.plan.resources[r];
        let h = self.fresh("h");
        match res.role {
            Role::Export => {
                // A closed or moved handle is refused by the runtime
                // (weft.ErrClosed, saying which); only nil is caught here.
                self.open(format!("if {val} == nil || {val}.r == nil {{"));
                let msg = format!("{} is nil", res.go);
                self.fail(&format!("errors.New({})", quote(&msg)));
                self.close("}");
                let method = if own { "Own" } else { "Borrow" };
                self.line(format!("{h}, err := lo.{method}(cx.sl[{r}], {val}.r)"));
                self.check_err();
            }
            Role::Import => {
                self.line(format!(
                    "{h}, err := giveHost(cx, lo, {r}, &cx.w.{}, {val}, {own})",
                    res.table
                ));
                self.check_err();
            }
        }
        h
    }

    /// Stores `val` of `ty` at `base`.
    pub(crate) fn store(&mut self, ty: &Type, from: usize, val: &str, base: &Addr) {
        let plan = self.plan;
        let a = base.go(2);
        match plan.classify(ty, from) {
            Kind::Prim(p) => match p {
                Type::Bool => self.line(format!("lo.PutU8({a}, uint8(flatBool({val})))")),
                Type::U8 => self.line(format!("lo.PutU8({a}, {val})")),
                Type::S8 => self.line(format!("lo.PutU8({a}, uint8({val}))")),
                Type::U16 => self.line(format!("lo.PutU16({a}, {val})")),
                Type::S16 => self.line(format!("lo.PutU16({a}, uint16({val}))")),
                Type::U32 => self.line(format!("lo.PutU32({a}, {val})")),
                Type::S32 => self.line(format!("lo.PutU32({a}, uint32({val}))")),
                Type::U64 => self.line(format!("lo.PutU64({a}, {val})")),
                Type::S64 => self.line(format!("lo.PutU64({a}, uint64({val}))")),
                Type::F32 => self.line(format!("lo.PutF32({a}, {val})")),
                Type::F64 => self.line(format!("lo.PutF64({a}, {val})")),
                Type::Char => {
                    self.check_char(val);
                    self.line(format!("lo.PutU32({a}, uint32({val}))"));
                }
                Type::String => {
                    let (p, n) = self.lower_string(val);
                    self.line(format!("lo.PutU32({a}, {p})"));
                    self.line(format!("lo.PutU32({}, {n})", base.at(4).go(2)));
                }
                Type::ErrorContext | Type::Id(_) => unreachable!("not a primitive here"),
            },
            Kind::Named(named, _) => {
                let args = Self::helper_args(named);
                self.open(format!(
                    "if err := store{}({args}lo, {val}, {a}); err != nil {{",
                    named.go
                ));
                self.fail("err");
                self.close("}");
            }
            Kind::List(elem, m) => {
                let p = self.lower_list(&elem, m, val);
                self.line(format!("lo.PutU32({a}, {p})"));
                self.line(format!(
                    "lo.PutU32({}, uint32(len({val})))",
                    base.at(4).go(2)
                ));
            }
            Kind::Option(t, m) => {
                let po = plan.payload_offset(&[None, Some(t)]);
                let v = self.fresh("v");
                self.open(format!("if {v}, ok := {val}.Get(); ok {{"));
                self.line(format!("lo.PutU8({a}, 1)"));
                self.store(&t, m, &v, &base.at(po));
                self.mid("} else {");
                self.line(format!("lo.PutU8({a}, 0)"));
                self.close("}");
            }
            Kind::Result(ok, err, m) => {
                let po = plan.payload_offset(&[ok, err]);
                self.open(format!("if {val}.IsErr {{"));
                self.line(format!("lo.PutU8({a}, 1)"));
                if let Some(e) = err {
                    self.store(&e, m, &format!("{val}.Err"), &base.at(po));
                }
                self.mid("} else {");
                self.line(format!("lo.PutU8({a}, 0)"));
                if let Some(o) = ok {
                    self.store(&o, m, &format!("{val}.Ok"), &base.at(po));
                }
                self.close("}");
            }
            Kind::Tuple(types, m) => {
                let offsets = plan.abi.field_offsets(&types);
                for (i, (t, fo)) in types.iter().zip(offsets).enumerate() {
                    self.store(t, m, &format!("{val}.F{i}"), &base.at(fo));
                }
            }
            Kind::Own(r) => {
                let h = self.lower_handle(r, true, val);
                self.line(format!("lo.PutU32({a}, {h})"));
            }
            Kind::Borrow(r) => {
                let h = self.lower_handle(r, false, val);
                self.line(format!("lo.PutU32({a}, {h})"));
            }
        }
    }

    /// Lifts a value of `ty` from `inp[off..]`; gives the Go expression
    /// (statements it needs come first).
    pub(crate) fn lift_flat(&mut self, ty: &Type, from: usize, inp: &str, off: usize) -> String {
        let plan = self.plan;
        let s = format!("{inp}[{off}]");
        match plan.classify(ty, from) {
            Kind::Prim(p) => match p {
                Type::Bool => format!("uint32({s}) != 0"),
                Type::U8 => format!("uint8({s})"),
                Type::S8 => format!("int8({s})"),
                Type::U16 => format!("uint16({s})"),
                Type::S16 => format!("int16({s})"),
                Type::U32 => format!("uint32({s})"),
                Type::S32 => format!("int32({s})"),
                Type::U64 => s,
                Type::S64 => format!("int64({s})"),
                Type::F32 => format!("math.Float32frombits(uint32({s}))"),
                Type::F64 => format!("math.Float64frombits({s})"),
                Type::Char => format!("li.Char(uint32({s}))"),
                Type::String => format!("li.String(uint32({s}), uint32({inp}[{}]))", off + 1),
                Type::ErrorContext | Type::Id(_) => unreachable!("not a primitive here"),
            },
            Kind::Named(named, _) => {
                let args = Self::helper_args(named);
                format!("lift{}({args}li, {inp}[{off}:])", named.go)
            }
            Kind::List(elem, m) => self.lift_list(
                &elem,
                m,
                &format!("uint32({s})"),
                &format!("uint32({inp}[{}])", off + 1),
            ),
            Kind::Option(t, m) => {
                let go = plan.go_type(ty, from);
                let inner = plan.go_type(&t, m);
                let v = self.fresh("v");
                self.line(format!("var {v} {go}"));
                self.open(format!("switch uint32({s}) {{"));
                self.mid("case 0:");
                self.mid("case 1:");
                let e = self.lift_flat(&t, m, inp, off + 1);
                self.line(format!("{v} = weft.Some[{inner}]({e})"));
                self.mid("default:");
                self.line("li.Fail(\"invalid option discriminant\")");
                self.close("}");
                v
            }
            Kind::Result(ok, err, m) => {
                let go = plan.go_type(ty, from);
                let v = self.fresh("v");
                self.line(format!("var {v} {go}"));
                self.open(format!("switch uint32({s}) {{"));
                self.mid("case 0:");
                if let Some(o) = ok {
                    let e = self.lift_flat(&o, m, inp, off + 1);
                    self.line(format!("{v}.Ok = {e}"));
                }
                self.mid("case 1:");
                self.line(format!("{v}.IsErr = true"));
                if let Some(er) = err {
                    let e = self.lift_flat(&er, m, inp, off + 1);
                    self.line(format!("{v}.Err = {e}"));
                }
                self.mid("default:");
                self.line("li.Fail(\"invalid result discriminant\")");
                self.close("}");
                v
            }
            Kind::Tuple(types, m) => {
                let go = plan.go_type(ty, from);
                let mut o = off;
                let mut fields = Vec::new();
                for (i, t) in types.iter().enumerate() {
                    let e = self.lift_flat(t, m, inp, o);
                    fields.push(format!("F{i}: {e}"));
                    o += plan.flat_count(t);
                }
                format!("{go}{{{}}}", fields.join(", "))
            }
            Kind::Own(r) => self.lift_handle(r, true, &format!("uint32({s})")),
            Kind::Borrow(r) => self.lift_handle(r, false, &format!("uint32({s})")),
        }
    }

    /// Loads a value of `ty` from `base`; gives the Go expression, meant
    /// for expression depth 1 (see [`Addr::go`]).
    pub(crate) fn load(&mut self, ty: &Type, from: usize, base: &Addr) -> String {
        let plan = self.plan;
        let a = base.go(1);
        let a2 = base.go(2);
        match plan.classify(ty, from) {
            Kind::Prim(p) => match p {
                Type::Bool => format!("li.U8({a2}) != 0"),
                Type::U8 => format!("li.U8({a})"),
                Type::S8 => format!("int8(li.U8({a}))"),
                Type::U16 => format!("li.U16({a})"),
                Type::S16 => format!("int16(li.U16({a}))"),
                Type::U32 => format!("li.U32({a})"),
                Type::S32 => format!("int32(li.U32({a}))"),
                Type::U64 => format!("li.U64({a})"),
                Type::S64 => format!("int64(li.U64({a}))"),
                Type::F32 => format!("li.F32({a})"),
                Type::F64 => format!("li.F64({a})"),
                Type::Char => format!("li.Char(li.U32({a}))"),
                Type::String => format!("li.String(li.U32({a2}), li.U32({}))", base.at(4).go(2)),
                Type::ErrorContext | Type::Id(_) => unreachable!("not a primitive here"),
            },
            Kind::Named(named, _) => {
                let args = Self::helper_args(named);
                format!("load{}({args}li, {a2})", named.go)
            }
            Kind::List(elem, m) => self.lift_list(
                &elem,
                m,
                &format!("li.U32({a2})"),
                &format!("li.U32({})", base.at(4).go(2)),
            ),
            Kind::Option(t, m) => {
                let po = plan.payload_offset(&[None, Some(t)]);
                let go = plan.go_type(ty, from);
                let inner = plan.go_type(&t, m);
                let v = self.fresh("v");
                self.line(format!("var {v} {go}"));
                self.open(format!("switch li.U8({a}) {{"));
                self.mid("case 0:");
                self.mid("case 1:");
                let e = self.load(&t, m, &base.at(po));
                self.line(format!("{v} = weft.Some[{inner}]({e})"));
                self.mid("default:");
                self.line("li.Fail(\"invalid option discriminant\")");
                self.close("}");
                v
            }
            Kind::Result(ok, err, m) => {
                let po = plan.payload_offset(&[ok, err]);
                let go = plan.go_type(ty, from);
                let v = self.fresh("v");
                self.line(format!("var {v} {go}"));
                self.open(format!("switch li.U8({a}) {{"));
                self.mid("case 0:");
                if let Some(o) = ok {
                    let e = self.load(&o, m, &base.at(po));
                    self.line(format!("{v}.Ok = {e}"));
                }
                self.mid("case 1:");
                self.line(format!("{v}.IsErr = true"));
                if let Some(er) = err {
                    let e = self.load(&er, m, &base.at(po));
                    self.line(format!("{v}.Err = {e}"));
                }
                self.mid("default:");
                self.line("li.Fail(\"invalid result discriminant\")");
                self.close("}");
                v
            }
            Kind::Tuple(types, m) => {
                let go = plan.go_type(ty, from);
                let offsets = plan.abi.field_offsets(&types);
                let mut fields = Vec::new();
                for (i, (t, fo)) in types.iter().zip(offsets).enumerate() {
                    let e = self.load(t, m, &base.at(fo));
                    fields.push(format!("F{i}: {e}"));
                }
                format!("{go}{{{}}}", fields.join(", "))
            }
            Kind::Own(r) => self.lift_handle(r, true, &format!("li.U32({a2})")),
            Kind::Borrow(r) => self.lift_handle(r, false, &format!("li.U32({a2})")),
        }
    }

    /// Lifts the list at `p` of `n` elements.
    fn lift_list(&mut self, elem: &Type, m: usize, p: &str, n: &str) -> String {
        let plan = self.plan;
        if let Kind::Prim(prim) = plan.classify(elem, m) {
            if let Some(method) = bulk(&prim) {
                return format!("li.{method}({p}, {n})");
            }
        }
        let layout = plan.layout(elem);
        let go = plan.go_type(elem, m);
        let pv = self.fresh("p");
        let nv = self.fresh("n");
        let v = self.fresh("v");
        self.line(format!("{pv}, {nv} := {p}, {n}"));
        self.line(format!("var {v} []{go}"));
        self.open(format!(
            "if checkList(li, {pv}, {nv}, {}, {}) {{",
            layout.size, layout.align
        ));
        self.line(format!("{v} = make([]{go}, {nv})"));
        let i = self.fresh("i");
        self.open(format!("for {i} := range {v} {{"));
        let base = Addr::element(&pv, &i, layout.size);
        let e = self.load(elem, m, &base);
        self.line(format!("{v}[{i}] = {e}"));
        self.close("}");
        self.close("}");
        v
    }

    /// The Go value for handle `h` of resource `r`.
    fn lift_handle(&mut self, r: usize, own: bool, h: &str) -> String {
        let res = &self.plan.resources[r];
        let method = if own { "Own" } else { "Borrow" };
        match res.role {
            Role::Export => format!("&{}{{w: cx.w, r: li.{method}(cx.sl[{r}], {h})}}", res.go),
            Role::Import => {
                let helper = if own { "takeHost" } else { "borrowHost" };
                format!(
                    "{helper}(li, &cx.w.{}, li.{method}(cx.sl[{r}], {h}))",
                    res.table
                )
            }
        }
    }
}

/// Writes the four helpers of a declared record, variant, enum or flags
/// type: `lowerX`, `storeX`, `liftX` and `loadX`.
pub(crate) fn helpers(plan: &Plan<'_>, m: usize, id: TypeId, named: &Named) -> String {
    let def = &plan.resolve.types[id];
    let go = &named.go;
    let cx = if named.handles { "cx *callState, " } else { "" };
    let layout = plan.layout(&Type::Id(id));
    let mut out = String::new();
    let fixed = ["cx", "lo", "li", "v", "out", "in", "at", "err", "ok"];

    // lower
    let mut b = Body::new(plan, 1, &fixed);
    match &def.kind {
        TypeDefKind::Record(r) => {
            let mut o = 0;
            for (f, field) in r.fields.iter().zip(field_names(plan, m, id)) {
                b.lower_flat(&f.ty, m, &format!("v.{field}"), "out", o);
                o += plan.flat_count(&f.ty);
            }
        }
        TypeDefKind::Variant(v) => {
            b.open("switch v := v.(type) {");
            for (i, (c, case)) in v.cases.iter().zip(&named.cases).enumerate() {
                b.mid(format!("case {case}:"));
                b.line(format!("out[0] = {i}"));
                if let Some(t) = &c.ty {
                    b.lower_flat(t, m, "v.Value", "out", 1);
                }
            }
            b.mid("case nil:");
            b.line(format!(
                "return errors.New({})",
                quote(&format!("{go} is nil"))
            ));
            b.mid("default:");
            b.line(format!(
                "return fmt.Errorf({}, v)",
                quote(&format!("%T is not a case of {go}"))
            ));
            b.close("}");
        }
        TypeDefKind::Enum(e) => {
            let n = e.cases.len();
            enum_check(&mut b, n, go);
            b.line("out[0] = uint64(v)");
        }
        TypeDefKind::Flags(f) => {
            let mask = flags_mask(f.flags.len());
            b.open(format!("if v&^{mask} != 0 {{"));
            b.line(format!(
                "return fmt.Errorf({}, uint32(v&^{mask}))",
                quote(&format!("unknown flags %#x in {go}"))
            ));
            b.close("}");
            b.line("out[0] = uint64(v)");
        }
        _ => unreachable!("helpers of declared types only"),
    }
    b.line("return nil");
    let _ = write!(
        out,
        "func lower{go}({cx}lo *weft.Lower, v {go}, out []uint64) error {{\n{}}}\n\n",
        b.out
    );

    // store
    let mut b = Body::new(plan, 1, &fixed);
    match &def.kind {
        TypeDefKind::Record(r) => {
            let types: Vec<Type> = r.fields.iter().map(|f| f.ty).collect();
            let offsets = plan.abi.field_offsets(&types);
            for ((f, field), fo) in r.fields.iter().zip(field_names(plan, m, id)).zip(offsets) {
                b.store(&f.ty, m, &format!("v.{field}"), &Addr::var("at").at(fo));
            }
        }
        TypeDefKind::Variant(v) => {
            let payloads: Vec<Option<Type>> = v.cases.iter().map(|c| c.ty).collect();
            let po = plan.payload_offset(&payloads);
            let put = disc_put(v.cases.len());
            b.open("switch v := v.(type) {");
            for (i, (c, case)) in v.cases.iter().zip(&named.cases).enumerate() {
                b.mid(format!("case {case}:"));
                b.line(format!("lo.{put}(at, {i})"));
                if let Some(t) = &c.ty {
                    b.store(t, m, "v.Value", &Addr::var("at").at(po));
                }
            }
            b.mid("case nil:");
            b.line(format!(
                "return errors.New({})",
                quote(&format!("{go} is nil"))
            ));
            b.mid("default:");
            b.line(format!(
                "return fmt.Errorf({}, v)",
                quote(&format!("%T is not a case of {go}"))
            ));
            b.close("}");
        }
        TypeDefKind::Enum(e) => {
            let n = e.cases.len();
            enum_check(&mut b, n, go);
            b.line(format!("lo.{}(at, uint{}(v))", disc_put(n), disc_bits(n)));
        }
        TypeDefKind::Flags(f) => {
            let mask = flags_mask(f.flags.len());
            b.open(format!("if v&^{mask} != 0 {{"));
            b.line(format!(
                "return fmt.Errorf({}, uint32(v&^{mask}))",
                quote(&format!("unknown flags %#x in {go}"))
            ));
            b.close("}");
            let bits = layout.size * 8;
            b.line(format!("lo.PutU{bits}(at, uint{bits}(v))"));
        }
        _ => unreachable!(),
    }
    b.line("return nil");
    let _ = write!(
        out,
        "func store{go}({cx}lo *weft.Lower, v {go}, at uint32) error {{\n{}}}\n\n",
        b.out
    );

    // lift
    let mut b = Body::new(plan, 1, &fixed);
    match &def.kind {
        TypeDefKind::Record(r) => {
            let mut o = 0;
            let mut fields = Vec::new();
            for (f, field) in r.fields.iter().zip(field_names(plan, m, id)) {
                let e = b.lift_flat(&f.ty, m, "in", o);
                fields.push(format!("{field}: {e}"));
                o += plan.flat_count(&f.ty);
            }
            b.line(format!("return {go}{{{}}}", fields.join(", ")));
        }
        TypeDefKind::Variant(v) => {
            b.open("switch uint32(in[0]) {");
            for (i, (c, case)) in v.cases.iter().zip(&named.cases).enumerate() {
                b.mid(format!("case {i}:"));
                match &c.ty {
                    Some(t) => {
                        let e = b.lift_flat(t, m, "in", 1);
                        b.line(format!("return {case}{{Value: {e}}}"));
                    }
                    None => b.line(format!("return {case}{{}}")),
                }
            }
            b.close("}");
            b.line(format!(
                "li.Fail(fmt.Sprintf({}, uint32(in[0])))",
                quote(&format!("invalid discriminant %d of {go}"))
            ));
            b.line("return nil");
        }
        TypeDefKind::Enum(e) => {
            let n = e.cases.len();
            b.open(format!("if uint32(in[0]) >= {n} {{"));
            b.line(format!(
                "li.Fail(fmt.Sprintf({}, uint32(in[0])))",
                quote(&format!("invalid case %d of {go}"))
            ));
            b.close("}");
            b.line(format!("return {go}(in[0])"));
        }
        TypeDefKind::Flags(f) => {
            let mask = flags_mask(f.flags.len());
            b.line(format!("return {go}(in[0]) & {mask}"));
        }
        _ => unreachable!(),
    }
    let _ = write!(
        out,
        "func lift{go}({cx}li *weft.Lift, in []uint64) {go} {{\n{}}}\n\n",
        b.out
    );

    // load
    let mut b = Body::new(plan, 1, &fixed);
    match &def.kind {
        TypeDefKind::Record(r) => {
            let types: Vec<Type> = r.fields.iter().map(|f| f.ty).collect();
            let offsets = plan.abi.field_offsets(&types);
            let mut fields = Vec::new();
            for ((f, field), fo) in r.fields.iter().zip(field_names(plan, m, id)).zip(offsets) {
                let e = b.load(&f.ty, m, &Addr::var("at").at(fo));
                fields.push(format!("{field}: {e}"));
            }
            b.line(format!("return {go}{{{}}}", fields.join(", ")));
        }
        TypeDefKind::Variant(v) => {
            let payloads: Vec<Option<Type>> = v.cases.iter().map(|c| c.ty).collect();
            let po = plan.payload_offset(&payloads);
            let get = disc_get(v.cases.len());
            let d = b.fresh("d");
            b.line(format!("{d} := uint32(li.{get}(at))"));
            b.open(format!("switch {d} {{"));
            for (i, (c, case)) in v.cases.iter().zip(&named.cases).enumerate() {
                b.mid(format!("case {i}:"));
                match &c.ty {
                    Some(t) => {
                        let e = b.load(t, m, &Addr::var("at").at(po));
                        b.line(format!("return {case}{{Value: {e}}}"));
                    }
                    None => b.line(format!("return {case}{{}}")),
                }
            }
            b.close("}");
            b.line(format!(
                "li.Fail(fmt.Sprintf({}, {d}))",
                quote(&format!("invalid discriminant %d of {go}"))
            ));
            b.line("return nil");
        }
        TypeDefKind::Enum(e) => {
            let n = e.cases.len();
            let d = b.fresh("d");
            b.line(format!("{d} := uint32(li.{}(at))", disc_get(n)));
            b.open(format!("if {d} >= {n} {{"));
            b.line(format!(
                "li.Fail(fmt.Sprintf({}, {d}))",
                quote(&format!("invalid case %d of {go}"))
            ));
            b.close("}");
            b.line(format!("return {go}({d})"));
        }
        TypeDefKind::Flags(f) => {
            let mask = flags_mask(f.flags.len());
            let bits = layout.size * 8;
            b.line(format!("return {go}(li.U{bits}(at)) & {mask}"));
        }
        _ => unreachable!(),
    }
    let _ = write!(
        out,
        "func load{go}({cx}li *weft.Lift, at uint32) {go} {{\n{}}}\n",
        b.out
    );
    out
}

/// The Go field names of record `id`.
pub(crate) fn field_names(plan: &Plan<'_>, _m: usize, id: TypeId) -> Vec<String> {
    match &plan.resolve.types[id].kind {
        TypeDefKind::Record(r) => {
            let mut ns = Namespace::default();
            r.fields
                .iter()
                .map(|f| ns.claim(weft_wit::names::go::exported(&f.name)))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The mask of a flags type's defined bits, as a Go constant.
fn flags_mask(n: usize) -> String {
    if n >= 32 {
        "0xffffffff".into()
    } else {
        format!("{:#x}", (1u64 << n) - 1)
    }
}

fn disc_bits(cases: usize) -> u32 {
    Discriminant::for_cases(cases).size() * 8
}

fn disc_put(cases: usize) -> String {
    format!("PutU{}", disc_bits(cases))
}

fn disc_get(cases: usize) -> String {
    format!("U{}", disc_bits(cases))
}

/// Refuses an enum value past the last case (when the Go type can hold
/// one).
fn enum_check(b: &mut Body<'_, '_>, n: usize, go: &str) {
    if n < 1usize << disc_bits(n) {
        b.open(format!("if v >= {n} {{"));
        b.line(format!(
            "return fmt.Errorf({}, uint32(v))",
            quote(&format!("%d is not a case of {go}"))
        ));
        b.close("}");
    }
}

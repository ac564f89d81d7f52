//! Component values as WAVE text (the WebAssembly Value Encoding of the
//! `wasm-wave` crate): the `--invoke 'name(arg, ...)'` call of
//! `weft run`, its arguments read against the parameter types, and
//! results written back.
//!
//! weft's [`Type`] and [`Val`] are wrapped in [`WaveType`] and [`WaveVal`],
//! which implement wasm-wave's `WasmType` and `WasmValue`, so wasm-wave's
//! own parser and writer work on them directly.
//!
//! Resources have no WAVE syntax. A function with a resource anywhere in
//! its parameter types cannot be called ([`Call::args`] says which
//! parameter). A resource in a result is written `own<resource #N>` (or
//! `borrow<resource #N>`), N being the resource's representation, the
//! `i32` its defining component gave it: text for reading, which does not
//! parse back.

use std::borrow::Cow;
use std::ops::Range;

use wasm_wave::ast::Node;
use wasm_wave::parser::ParserError;
use wasm_wave::untyped::UntypedFuncCall;
use wasm_wave::wasm::{WasmType, WasmTypeKind, WasmValue, WasmValueError};
use weft_runtime::component::{FuncType, Type, Val};

/// A component value type, as wasm-wave sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct WaveType(pub Type);

/// A component value, as wasm-wave sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct WaveVal(pub Val);

/// A value as WAVE text.
pub fn to_string(val: &Val) -> String {
    // Every value has a WAVE form (resources go through as enum cases, see
    // `WaveVal::kind`), so the writer cannot fail on one.
    wasm_wave::to_string(&WaveVal(val.clone()))
        .unwrap_or_else(|err| format!("<value WAVE cannot write: {err}>"))
}

/// `text` as a value of type `ty`; the reason it is not one.
#[cfg(test)]
pub fn from_str(ty: &Type, text: &str) -> Result<Val, String> {
    wasm_wave::from_str::<WaveVal>(&WaveType(ty.clone()), text)
        .map(|v| v.0)
        .map_err(|err| reason(&err, text, 0..text.len()))
}

/// A parsed `--invoke` call: the function's name and its arguments, not
/// yet checked against the function's type.
pub struct Call {
    name: String,
    /// The arguments as wasm-wave's parser reads them: `f(args)`.
    args: UntypedFuncCall<'static>,
}

impl Call {
    /// Parses `name(arg, ...)`, or a name alone for a call without
    /// arguments. The name is everything before the first `(` (so it may
    /// be any export name, such as `my:pkg/iface@1.0.0#func`), the
    /// arguments are WAVE values.
    pub fn parse(text: &str) -> anyhow::Result<Call> {
        let (name, args) = match text.find('(') {
            Some(open) => (text[..open].trim(), &text[open..]),
            None => (text.trim(), "()"),
        };
        if name.is_empty() {
            anyhow::bail!("--invoke `{text}` names no function: write `name(arg, ...)`");
        }
        // wasm-wave's parser takes a WIT-style name only, so the call is
        // parsed with a stand-in name.
        let source = format!("f{args}");
        let args = UntypedFuncCall::parse(&source)
            .map_err(|err| {
                anyhow::anyhow!(
                    "cannot read the arguments of --invoke `{text}` as WAVE values: {}",
                    reason(&err, &source, 0..source.len())
                )
            })?
            .into_owned();
        Ok(Call {
            name: name.to_string(),
            args,
        })
    }

    /// The function's name, as written.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The arguments as values of the parameter types of `ty`. Trailing
    /// arguments of option type may be left out (they are `none`).
    pub fn args(&self, ty: &FuncType) -> anyhow::Result<Vec<Val>> {
        let name = &self.name;
        if let Some((param, param_ty)) = ty.params.iter().find(|(_, t)| holds_resource(t)) {
            anyhow::bail!(
                "`{name}` cannot be called from the command line: parameter `{param}` \
                 has type {param_ty}, and resources cannot be written as WAVE values"
            );
        }
        let source = self.args.source();
        let nodes: Vec<&Node> = match self.args.params_node() {
            Some(tuple) => tuple
                .as_tuple()
                .map_err(|err| anyhow::anyhow!("{}", reason(&err, source, 0..source.len())))?
                .collect(),
            None => Vec::new(),
        };
        let required = ty
            .params
            .iter()
            .rposition(|(_, t)| !matches!(t, Type::Option(_)))
            .map_or(0, |last| last + 1);
        if nodes.len() > ty.params.len() || nodes.len() < required {
            let count = ty.params.len();
            let expected = if required < count {
                format!("{required} to {count} arguments")
            } else if count == 1 {
                "1 argument".to_string()
            } else {
                format!("{count} arguments")
            };
            anyhow::bail!("`{name}` takes {expected} ({ty}), {} given", nodes.len());
        }
        let mut vals = Vec::with_capacity(ty.params.len());
        for (i, (param, param_ty)) in ty.params.iter().enumerate() {
            let Some(node) = nodes.get(i) else {
                vals.push(Val::Option(None));
                continue;
            };
            let span = node.span();
            let val = node
                .to_wasm_value::<WaveVal>(&WaveType(param_ty.clone()), source)
                .map_err(|err| {
                    anyhow::anyhow!(
                        "argument `{}` for parameter `{param}` of `{name}` is not a valid {param_ty}: {}",
                        &source[span.clone()],
                        reason(&err, source, span.clone())
                    )
                })?;
            vals.push(val.0);
        }
        Ok(vals)
    }
}

/// Whether a value of type `ty` may hold a resource handle.
pub fn holds_resource(ty: &Type) -> bool {
    match ty {
        Type::Own(_) | Type::Borrow(_) => true,
        Type::List(t) | Type::Option(t) => holds_resource(t),
        Type::Record(fields) => fields.iter().any(|(_, t)| holds_resource(t)),
        Type::Tuple(types) => types.iter().any(holds_resource),
        Type::Variant(cases) => cases
            .iter()
            .any(|(_, t)| t.as_ref().is_some_and(holds_resource)),
        Type::Result { ok, err } => [ok, err]
            .into_iter()
            .any(|t| t.as_deref().is_some_and(holds_resource)),
        _ => false,
    }
}

/// Why wasm-wave refused `source`, pointing at the part of it that is
/// wrong when that is not all of `whole`.
fn reason(err: &ParserError, source: &str, whole: Range<usize>) -> String {
    let mut text = match (std::error::Error::source(err), err.detail()) {
        // A value of the right shape that does not fit the type (unknown
        // case, missing field, ...): wasm-wave's kind adds nothing.
        (Some(cause), _) => cause.to_string(),
        (None, Some(detail)) => format!("{}: {detail}", err.kind()),
        (None, None) => err.kind().to_string(),
    };
    let span = err.span();
    if span != whole {
        if let Some(part) = source.get(span).filter(|part| !part.is_empty()) {
            text.push_str(&format!(" at `{part}`"));
        }
    }
    text
}

/// A part of a type (an element, field, case or payload type), wrapped.
fn boxed(ty: &Type) -> WaveType {
    WaveType(ty.clone())
}

impl WasmType for WaveType {
    fn kind(&self) -> WasmTypeKind {
        match &self.0 {
            Type::Bool => WasmTypeKind::Bool,
            Type::S8 => WasmTypeKind::S8,
            Type::U8 => WasmTypeKind::U8,
            Type::S16 => WasmTypeKind::S16,
            Type::U16 => WasmTypeKind::U16,
            Type::S32 => WasmTypeKind::S32,
            Type::U32 => WasmTypeKind::U32,
            Type::S64 => WasmTypeKind::S64,
            Type::U64 => WasmTypeKind::U64,
            Type::F32 => WasmTypeKind::F32,
            Type::F64 => WasmTypeKind::F64,
            Type::Char => WasmTypeKind::Char,
            Type::String => WasmTypeKind::String,
            Type::List(_) => WasmTypeKind::List,
            Type::Record(_) => WasmTypeKind::Record,
            Type::Tuple(_) => WasmTypeKind::Tuple,
            Type::Variant(_) => WasmTypeKind::Variant,
            Type::Enum(_) => WasmTypeKind::Enum,
            Type::Option(_) => WasmTypeKind::Option,
            Type::Result { .. } => WasmTypeKind::Result,
            Type::Flags(_) => WasmTypeKind::Flags,
            // wasm-wave's parser refuses a type of this kind.
            Type::Own(_) | Type::Borrow(_) => WasmTypeKind::Unsupported,
        }
    }

    fn list_element_type(&self) -> Option<Self> {
        match &self.0 {
            Type::List(t) => Some(boxed(t)),
            _ => None,
        }
    }

    fn record_fields(&self) -> Box<dyn Iterator<Item = (Cow<'_, str>, Self)> + '_> {
        match &self.0 {
            Type::Record(fields) => Box::new(
                fields
                    .iter()
                    .map(|(name, t)| (Cow::Borrowed(name.as_str()), boxed(t))),
            ),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn tuple_element_types(&self) -> Box<dyn Iterator<Item = Self> + '_> {
        match &self.0 {
            Type::Tuple(types) => Box::new(types.iter().map(boxed)),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn variant_cases(&self) -> Box<dyn Iterator<Item = (Cow<'_, str>, Option<Self>)> + '_> {
        match &self.0 {
            Type::Variant(cases) => Box::new(
                cases
                    .iter()
                    .map(|(name, t)| (Cow::Borrowed(name.as_str()), t.as_ref().map(boxed))),
            ),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn enum_cases(&self) -> Box<dyn Iterator<Item = Cow<'_, str>> + '_> {
        match &self.0 {
            Type::Enum(cases) => Box::new(cases.iter().map(|c| Cow::Borrowed(c.as_str()))),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn option_some_type(&self) -> Option<Self> {
        match &self.0 {
            Type::Option(t) => Some(boxed(t)),
            _ => None,
        }
    }

    fn result_types(&self) -> Option<(Option<Self>, Option<Self>)> {
        match &self.0 {
            Type::Result { ok, err } => Some((ok.as_deref().map(boxed), err.as_deref().map(boxed))),
            _ => None,
        }
    }

    fn flags_names(&self) -> Box<dyn Iterator<Item = Cow<'_, str>> + '_> {
        match &self.0 {
            Type::Flags(names) => Box::new(names.iter().map(|n| Cow::Borrowed(n.as_str()))),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn map_key_value_types(&self) -> Option<(Self, Self)> {
        // The component model weft runs has no maps.
        None
    }
}

/// A value whose `unwrap_*` does not match its kind: wasm-wave asked for
/// the wrong kind of value, a bug.
fn wrong_kind(val: &Val, wanted: &str) -> ! {
    unreachable!("wasm-wave asked for a {wanted} but the value is {val:?}")
}

/// An `unwrap_*` of a scalar value.
macro_rules! unwrap_scalar {
    ($name:ident, $case:ident, $t:ty) => {
        fn $name(&self) -> $t {
            match &self.0 {
                Val::$case(v) => v.clone(),
                other => wrong_kind(other, stringify!($case)),
            }
        }
    };
}

/// The value wrapped, for wasm-wave's iterators.
fn wrapped(val: &Val) -> Cow<'_, WaveVal> {
    Cow::Owned(WaveVal(val.clone()))
}

fn payload(val: Option<WaveVal>) -> Option<Box<Val>> {
    val.map(|v| Box::new(v.0))
}

impl WasmValue for WaveVal {
    type Type = WaveType;

    fn kind(&self) -> WasmTypeKind {
        match &self.0 {
            Val::Bool(_) => WasmTypeKind::Bool,
            Val::S8(_) => WasmTypeKind::S8,
            Val::U8(_) => WasmTypeKind::U8,
            Val::S16(_) => WasmTypeKind::S16,
            Val::U16(_) => WasmTypeKind::U16,
            Val::S32(_) => WasmTypeKind::S32,
            Val::U32(_) => WasmTypeKind::U32,
            Val::S64(_) => WasmTypeKind::S64,
            Val::U64(_) => WasmTypeKind::U64,
            Val::F32(_) => WasmTypeKind::F32,
            Val::F64(_) => WasmTypeKind::F64,
            Val::Char(_) => WasmTypeKind::Char,
            Val::String(_) => WasmTypeKind::String,
            Val::List(_) => WasmTypeKind::List,
            Val::Record(_) => WasmTypeKind::Record,
            Val::Tuple(_) => WasmTypeKind::Tuple,
            Val::Variant(..) => WasmTypeKind::Variant,
            Val::Enum(_) => WasmTypeKind::Enum,
            Val::Option(_) => WasmTypeKind::Option,
            Val::Result(_) => WasmTypeKind::Result,
            Val::Flags(_) => WasmTypeKind::Flags,
            // WAVE has no resources, and its writer refuses a value of an
            // unsupported kind. As an enum case, whose name it writes as it
            // is, a handle is written `own<resource #N>` wherever it is.
            Val::Own(_) | Val::Borrow(_) => WasmTypeKind::Enum,
        }
    }

    fn make_bool(val: bool) -> Self {
        WaveVal(Val::Bool(val))
    }
    fn make_s8(val: i8) -> Self {
        WaveVal(Val::S8(val))
    }
    fn make_s16(val: i16) -> Self {
        WaveVal(Val::S16(val))
    }
    fn make_s32(val: i32) -> Self {
        WaveVal(Val::S32(val))
    }
    fn make_s64(val: i64) -> Self {
        WaveVal(Val::S64(val))
    }
    fn make_u8(val: u8) -> Self {
        WaveVal(Val::U8(val))
    }
    fn make_u16(val: u16) -> Self {
        WaveVal(Val::U16(val))
    }
    fn make_u32(val: u32) -> Self {
        WaveVal(Val::U32(val))
    }
    fn make_u64(val: u64) -> Self {
        WaveVal(Val::U64(val))
    }
    fn make_f32(val: f32) -> Self {
        WaveVal(Val::F32(val))
    }
    fn make_f64(val: f64) -> Self {
        WaveVal(Val::F64(val))
    }
    fn make_char(val: char) -> Self {
        WaveVal(Val::Char(val))
    }
    fn make_string(val: Cow<'_, str>) -> Self {
        WaveVal(Val::String(val.into_owned()))
    }

    fn make_list(
        _ty: &WaveType,
        vals: impl IntoIterator<Item = Self>,
    ) -> Result<Self, WasmValueError> {
        Ok(WaveVal(Val::List(vals.into_iter().map(|v| v.0).collect())))
    }

    fn make_record<'a>(
        ty: &WaveType,
        fields: impl IntoIterator<Item = (&'a str, Self)>,
    ) -> Result<Self, WasmValueError> {
        let Type::Record(types) = &ty.0 else {
            return Err(not_a(ty, "record"));
        };
        let mut given: Vec<(&str, Option<Val>)> =
            fields.into_iter().map(|(n, v)| (n, Some(v.0))).collect();
        if let Some((unknown, _)) = given
            .iter()
            .find(|(n, _)| !types.iter().any(|(name, _)| name == n))
        {
            return Err(WasmValueError::UnknownField(unknown.to_string()));
        }
        // In the type's order, whatever the order given.
        let mut record = Vec::with_capacity(types.len());
        for (name, _) in types {
            let val = given
                .iter_mut()
                .find(|(n, _)| n == name)
                .and_then(|(_, v)| v.take())
                .ok_or_else(|| WasmValueError::MissingField(name.clone()))?;
            record.push((name.clone(), val));
        }
        Ok(WaveVal(Val::Record(record)))
    }

    fn make_tuple(
        ty: &WaveType,
        vals: impl IntoIterator<Item = Self>,
    ) -> Result<Self, WasmValueError> {
        let Type::Tuple(types) = &ty.0 else {
            return Err(not_a(ty, "tuple"));
        };
        let vals: Vec<Val> = vals.into_iter().map(|v| v.0).collect();
        if vals.len() != types.len() {
            return Err(WasmValueError::WrongNumberOfTupleValues {
                want: types.len(),
                got: vals.len(),
            });
        }
        Ok(WaveVal(Val::Tuple(vals)))
    }

    fn make_variant(ty: &WaveType, case: &str, val: Option<Self>) -> Result<Self, WasmValueError> {
        let Type::Variant(cases) = &ty.0 else {
            return Err(not_a(ty, "variant"));
        };
        let Some((_, payload_ty)) = cases.iter().find(|(name, _)| name == case) else {
            return Err(WasmValueError::UnknownCase(case.to_string()));
        };
        match (payload_ty, &val) {
            (Some(_), None) => Err(WasmValueError::MissingPayload(case.to_string())),
            (None, Some(_)) => Err(WasmValueError::UnexpectedPayload(case.to_string())),
            _ => Ok(WaveVal(Val::Variant(case.to_string(), payload(val)))),
        }
    }

    fn make_enum(ty: &WaveType, case: &str) -> Result<Self, WasmValueError> {
        let Type::Enum(cases) = &ty.0 else {
            return Err(not_a(ty, "enum"));
        };
        if !cases.iter().any(|name| name == case) {
            return Err(WasmValueError::UnknownCase(case.to_string()));
        }
        Ok(WaveVal(Val::Enum(case.to_string())))
    }

    fn make_option(_ty: &WaveType, val: Option<Self>) -> Result<Self, WasmValueError> {
        Ok(WaveVal(Val::Option(payload(val))))
    }

    fn make_result(
        ty: &WaveType,
        val: Result<Option<Self>, Option<Self>>,
    ) -> Result<Self, WasmValueError> {
        let Type::Result { ok, err } = &ty.0 else {
            return Err(not_a(ty, "result"));
        };
        let (case, expected, given) = match &val {
            Ok(v) => ("ok", ok, v),
            Err(v) => ("err", err, v),
        };
        match (expected, given) {
            (Some(_), None) => return Err(WasmValueError::MissingPayload(case.to_string())),
            (None, Some(_)) => return Err(WasmValueError::UnexpectedPayload(case.to_string())),
            _ => {}
        }
        Ok(WaveVal(Val::Result(match val {
            Ok(v) => Ok(payload(v)),
            Err(v) => Err(payload(v)),
        })))
    }

    fn make_flags<'a>(
        ty: &WaveType,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, WasmValueError> {
        let Type::Flags(all) = &ty.0 else {
            return Err(not_a(ty, "flags"));
        };
        let given: Vec<&str> = names.into_iter().collect();
        if let Some(unknown) = given.iter().find(|n| !all.iter().any(|name| name == *n)) {
            return Err(WasmValueError::Other(format!("unknown flag {unknown:?}")));
        }
        // In the type's order, each once.
        let set = all
            .iter()
            .filter(|name| given.contains(&name.as_str()))
            .cloned()
            .collect();
        Ok(WaveVal(Val::Flags(set)))
    }

    unwrap_scalar!(unwrap_bool, Bool, bool);
    unwrap_scalar!(unwrap_s8, S8, i8);
    unwrap_scalar!(unwrap_s16, S16, i16);
    unwrap_scalar!(unwrap_s32, S32, i32);
    unwrap_scalar!(unwrap_s64, S64, i64);
    unwrap_scalar!(unwrap_u8, U8, u8);
    unwrap_scalar!(unwrap_u16, U16, u16);
    unwrap_scalar!(unwrap_u32, U32, u32);
    unwrap_scalar!(unwrap_u64, U64, u64);
    unwrap_scalar!(unwrap_f32, F32, f32);
    unwrap_scalar!(unwrap_f64, F64, f64);
    unwrap_scalar!(unwrap_char, Char, char);

    fn unwrap_string(&self) -> Cow<'_, str> {
        match &self.0 {
            Val::String(s) => Cow::Borrowed(s),
            other => wrong_kind(other, "string"),
        }
    }

    fn unwrap_list(&self) -> Box<dyn Iterator<Item = Cow<'_, Self>> + '_> {
        match &self.0 {
            Val::List(items) => Box::new(items.iter().map(wrapped)),
            other => wrong_kind(other, "list"),
        }
    }

    fn unwrap_record(&self) -> Box<dyn Iterator<Item = (Cow<'_, str>, Cow<'_, Self>)> + '_> {
        match &self.0 {
            Val::Record(fields) => Box::new(
                fields
                    .iter()
                    .map(|(name, v)| (Cow::Borrowed(name.as_str()), wrapped(v))),
            ),
            other => wrong_kind(other, "record"),
        }
    }

    fn unwrap_tuple(&self) -> Box<dyn Iterator<Item = Cow<'_, Self>> + '_> {
        match &self.0 {
            Val::Tuple(items) => Box::new(items.iter().map(wrapped)),
            other => wrong_kind(other, "tuple"),
        }
    }

    fn unwrap_variant(&self) -> (Cow<'_, str>, Option<Cow<'_, Self>>) {
        match &self.0 {
            Val::Variant(case, val) => (Cow::Borrowed(case), val.as_deref().map(wrapped)),
            other => wrong_kind(other, "variant"),
        }
    }

    fn unwrap_enum(&self) -> Cow<'_, str> {
        match &self.0 {
            Val::Enum(case) => Cow::Borrowed(case),
            Val::Own(r) => Cow::Owned(format!("own<resource #{}>", r.rep())),
            Val::Borrow(r) => Cow::Owned(format!("borrow<resource #{}>", r.rep())),
            other => wrong_kind(other, "enum"),
        }
    }

    fn unwrap_option(&self) -> Option<Cow<'_, Self>> {
        match &self.0 {
            Val::Option(val) => val.as_deref().map(wrapped),
            other => wrong_kind(other, "option"),
        }
    }

    fn unwrap_result(&self) -> Result<Option<Cow<'_, Self>>, Option<Cow<'_, Self>>> {
        match &self.0 {
            Val::Result(Ok(val)) => Ok(val.as_deref().map(wrapped)),
            Val::Result(Err(val)) => Err(val.as_deref().map(wrapped)),
            other => wrong_kind(other, "result"),
        }
    }

    fn unwrap_flags(&self) -> Box<dyn Iterator<Item = Cow<'_, str>> + '_> {
        match &self.0 {
            Val::Flags(names) => Box::new(names.iter().map(|n| Cow::Borrowed(n.as_str()))),
            other => wrong_kind(other, "flags"),
        }
    }
}

fn not_a(ty: &WaveType, kind: &str) -> WasmValueError {
    WasmValueError::Other(format!("expected a {kind} type, not {}", ty.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(val: Val) -> Option<Box<Val>> {
        Some(Box::new(val))
    }

    fn s(text: &str) -> Val {
        Val::String(text.into())
    }

    /// `text` reads as `val` of type `ty`, and `val` writes as `written`
    /// (which reads as `val` again).
    #[track_caller]
    fn round_trip(ty: &Type, text: &str, val: Val, written: &str) {
        assert_eq!(from_str(ty, text), Ok(val.clone()), "reading `{text}`");
        assert!(val.has_type(ty), "{val:?}: {ty}");
        assert_eq!(to_string(&val), written, "writing {val:?}");
        assert_eq!(from_str(ty, written), Ok(val), "reading back `{written}`");
    }

    #[track_caller]
    fn refused(ty: &Type, text: &str) -> String {
        match from_str(ty, text) {
            Ok(val) => panic!("`{text}` read as a {ty}: {val:?}"),
            Err(why) => why,
        }
    }

    #[test]
    fn bools() {
        round_trip(&Type::Bool, "true", Val::Bool(true), "true");
        round_trip(&Type::Bool, "false", Val::Bool(false), "false");
        refused(&Type::Bool, "1");
    }

    #[test]
    fn integers_of_every_width() {
        let cases: &[(Type, &str, Val)] = &[
            (Type::U8, "255", Val::U8(255)),
            (Type::S8, "-128", Val::S8(-128)),
            (Type::U16, "65535", Val::U16(u16::MAX)),
            (Type::S16, "-32768", Val::S16(i16::MIN)),
            (Type::U32, "4294967295", Val::U32(u32::MAX)),
            (Type::S32, "-2147483648", Val::S32(i32::MIN)),
            (Type::U64, "18446744073709551615", Val::U64(u64::MAX)),
            (Type::S64, "-9223372036854775808", Val::S64(i64::MIN)),
            (Type::U32, "0", Val::U32(0)),
        ];
        for (ty, text, val) in cases {
            round_trip(ty, text, val.clone(), text);
        }
        // Out of range, negative unsigned, fractions, words.
        assert_eq!(refused(&Type::U8, "256"), "invalid value");
        refused(&Type::S8, "128");
        refused(&Type::U32, "-1");
        refused(&Type::U64, "18446744073709551616");
        refused(&Type::S32, "1.5");
        assert_eq!(refused(&Type::S64, "x"), "invalid value type");
        refused(&Type::U16, "\"1\"");
    }

    #[test]
    fn floats_with_nan_and_infinities() {
        round_trip(&Type::F32, "1.5", Val::F32(1.5), "1.5");
        round_trip(&Type::F64, "-0.25", Val::F64(-0.25), "-0.25");
        round_trip(&Type::F64, "3", Val::F64(3.0), "3");
        round_trip(&Type::F64, "1e300", Val::F64(1e300), &format!("{}", 1e300));
        round_trip(&Type::F32, "inf", Val::F32(f32::INFINITY), "inf");
        round_trip(&Type::F64, "-inf", Val::F64(f64::NEG_INFINITY), "-inf");
        round_trip(&Type::F64, "-0", Val::F64(-0.0), "-0");
        assert!(matches!(from_str(&Type::F32, "nan"), Ok(Val::F32(v)) if v.is_nan()));
        assert!(matches!(from_str(&Type::F64, "nan"), Ok(Val::F64(v)) if v.is_nan()));
        assert_eq!(to_string(&Val::F32(f32::NAN)), "nan");
        assert_eq!(to_string(&Val::F64(-f64::NAN)), "nan");
        refused(&Type::F32, "one");
        refused(&Type::F64, "'1'");
    }

    #[test]
    fn chars_and_strings_with_escapes() {
        round_trip(&Type::Char, "'x'", Val::Char('x'), "'x'");
        round_trip(&Type::Char, "'\\u{1F44B}'", Val::Char('👋'), "'👋'");
        round_trip(&Type::Char, "'\\''", Val::Char('\''), "'\\''");
        round_trip(&Type::Char, "'\\n'", Val::Char('\n'), "'\\n'");
        refused(&Type::Char, "'ab'");
        refused(&Type::Char, "\"a\"");
        round_trip(&Type::String, "\"\"", s(""), "\"\"");
        round_trip(&Type::String, "\"wörld\"", s("wörld"), "\"wörld\"");
        round_trip(
            &Type::String,
            r#""say \"hi\"\t\\ \u{7}""#,
            s("say \"hi\"\t\\ \u{7}"),
            r#""say \"hi\"\t\\ \u{7}""#,
        );
        refused(&Type::String, "hello");
    }

    #[test]
    fn lists() {
        let ty = Type::List(Box::new(Type::U32));
        round_trip(&ty, "[]", Val::List(vec![]), "[]");
        round_trip(
            &ty,
            "[1,2, 3,]",
            Val::List(vec![Val::U32(1), Val::U32(2), Val::U32(3)]),
            "[1, 2, 3]",
        );
        let nested = Type::List(Box::new(Type::List(Box::new(Type::String))));
        round_trip(
            &nested,
            r#"[["a"], []]"#,
            Val::List(vec![Val::List(vec![s("a")]), Val::List(vec![])]),
            r#"[["a"], []]"#,
        );
        assert_eq!(refused(&ty, "[1, x]"), "invalid value type at `x`");
        refused(&ty, "(1, 2)");
    }

    #[test]
    fn records_in_any_order_with_optional_fields() {
        let ty = Type::Record(vec![
            ("name".into(), Type::String),
            ("age".into(), Type::U8),
            ("email".into(), Type::Option(Box::new(Type::String))),
        ]);
        let val = Val::Record(vec![
            ("name".into(), s("ada")),
            ("age".into(), Val::U8(36)),
            ("email".into(), Val::Option(b(s("ada@example.org")))),
        ]);
        round_trip(
            &ty,
            r#"{age: 36, email: some("ada@example.org"), name: "ada"}"#,
            val,
            r#"{name: "ada", age: 36, email: some("ada@example.org")}"#,
        );
        // An option field left out is `none`, and is left out when written.
        let none = Val::Record(vec![
            ("name".into(), s("bo")),
            ("age".into(), Val::U8(7)),
            ("email".into(), Val::Option(None)),
        ]);
        round_trip(
            &ty,
            r#"{name: "bo", age: 7}"#,
            none,
            r#"{name: "bo", age: 7}"#,
        );
        assert_eq!(refused(&ty, r#"{name: "x"}"#), "missing field \"age\"");
        refused(&ty, r#"{name: "x", age: 1, shoe: 2}"#);
        refused(&ty, r#"{name: "x", age: 1, age: 2}"#);
        assert_eq!(
            refused(&ty, r#"{name: "x", age: 300}"#),
            "invalid value at `300`"
        );
    }

    #[test]
    fn tuples() {
        let ty = Type::Tuple(vec![Type::U8, Type::String, Type::Bool]);
        let val = Val::Tuple(vec![Val::U8(1), s("two"), Val::Bool(false)]);
        round_trip(&ty, r#"(1, "two", false)"#, val, r#"(1, "two", false)"#);
        assert_eq!(
            refused(&ty, "(1, \"two\")"),
            "expected 3 tuple elements; got 2"
        );
    }

    #[test]
    fn variants_with_and_without_payloads() {
        let ty = Type::Variant(vec![
            ("circle".into(), Some(Type::F64)),
            ("point".into(), None),
            ("none".into(), None),
        ]);
        round_trip(
            &ty,
            "circle(2.5)",
            Val::Variant("circle".into(), b(Val::F64(2.5))),
            "circle(2.5)",
        );
        round_trip(&ty, "point", Val::Variant("point".into(), None), "point");
        // A case named like a keyword is written with `%`.
        round_trip(&ty, "%none", Val::Variant("none".into(), None), "%none");
        assert_eq!(refused(&ty, "square"), "unknown case \"square\"");
        assert_eq!(
            refused(&ty, "circle"),
            "missing payload for \"circle\" case"
        );
        assert_eq!(
            refused(&ty, "point(1)"),
            "unexpected payload for \"point\" case"
        );
    }

    #[test]
    fn enums() {
        let ty = Type::Enum(vec!["red".into(), "green".into(), "ok".into()]);
        round_trip(&ty, "green", Val::Enum("green".into()), "green");
        round_trip(&ty, "%ok", Val::Enum("ok".into()), "%ok");
        assert_eq!(refused(&ty, "blue"), "unknown case \"blue\"");
        refused(&ty, "\"red\"");
    }

    #[test]
    fn options() {
        let ty = Type::Option(Box::new(Type::U16));
        round_trip(&ty, "some(7)", Val::Option(b(Val::U16(7))), "some(7)");
        round_trip(&ty, "none", Val::Option(None), "none");
        // A payload that is not itself an option or result may stand alone.
        round_trip(&ty, "7", Val::Option(b(Val::U16(7))), "some(7)");
        let nested = Type::Option(Box::new(Type::Option(Box::new(Type::Bool))));
        round_trip(
            &nested,
            "some(none)",
            Val::Option(b(Val::Option(None))),
            "some(none)",
        );
        refused(&ty, "some(x)");
        refused(&ty, "some");
    }

    #[test]
    fn results_of_every_shape() {
        let both = Type::Result {
            ok: Some(Box::new(Type::U32)),
            err: Some(Box::new(Type::String)),
        };
        round_trip(&both, "ok(3)", Val::Result(Ok(b(Val::U32(3)))), "ok(3)");
        round_trip(
            &both,
            "err(\"no\")",
            Val::Result(Err(b(s("no")))),
            "err(\"no\")",
        );
        round_trip(&both, "3", Val::Result(Ok(b(Val::U32(3)))), "ok(3)");
        assert_eq!(refused(&both, "ok"), "missing payload for \"ok\" case");
        let bare = Type::Result {
            ok: None,
            err: None,
        };
        round_trip(&bare, "ok", Val::Result(Ok(None)), "ok");
        round_trip(&bare, "err", Val::Result(Err(None)), "err");
        assert_eq!(
            refused(&bare, "ok(1)"),
            "unexpected payload for \"ok\" case"
        );
        let err_only = Type::Result {
            ok: None,
            err: Some(Box::new(Type::Enum(vec!["denied".into()]))),
        };
        round_trip(
            &err_only,
            "err(denied)",
            Val::Result(Err(b(Val::Enum("denied".into())))),
            "err(denied)",
        );
    }

    #[test]
    fn flags_in_the_types_order() {
        let ty = Type::Flags(vec!["read".into(), "write".into(), "exec".into()]);
        round_trip(&ty, "{}", Val::Flags(vec![]), "{}");
        round_trip(
            &ty,
            "{exec, read}",
            Val::Flags(vec!["read".into(), "exec".into()]),
            "{read, exec}",
        );
        assert_eq!(refused(&ty, "{read, delete}"), "unknown flag \"delete\"");
        refused(&ty, "{read, read}");
        refused(&ty, "read");
    }

    #[test]
    fn resources_cannot_be_read_and_are_written_for_reading() {
        assert!(holds_resource(&Type::Own(0)));
        assert!(holds_resource(&Type::List(Box::new(Type::Borrow(1)))));
        assert!(holds_resource(&Type::Result {
            ok: None,
            err: Some(Box::new(Type::Own(0)))
        }));
        assert!(!holds_resource(&Type::Tuple(vec![Type::U8, Type::String])));
        refused(&Type::Own(0), "0");
        let mut store = weft_runtime::Store::new(&weft_runtime::Engine::default(), ());
        let ty = weft_runtime::component::ResourceType::host(&mut store);
        let own = Val::Own(weft_runtime::component::Resource::new(ty, 5));
        assert_eq!(to_string(&own), "own<resource #5>");
        let borrow = Val::Borrow(weft_runtime::component::Resource::new(ty, 6));
        let nested = Val::Record(vec![
            ("all".into(), Val::List(vec![own.clone(), own])),
            ("one".into(), Val::Option(b(borrow))),
        ]);
        assert_eq!(
            to_string(&nested),
            "{all: [own<resource #5>, own<resource #5>], one: some(borrow<resource #6>)}"
        );
    }

    #[test]
    fn calls_and_their_arguments() {
        let ty = FuncType {
            params: vec![
                ("a".into(), Type::U32),
                ("b".into(), Type::List(Box::new(Type::String))),
                ("c".into(), Type::Option(Box::new(Type::Bool))),
            ],
            result: None,
        };
        let call = Call::parse("my:pkg/iface@1.0.0#f(1, [\"x\", \"(\"], some(true))").unwrap();
        assert_eq!(call.name(), "my:pkg/iface@1.0.0#f");
        assert_eq!(
            call.args(&ty).unwrap(),
            vec![
                Val::U32(1),
                Val::List(vec![s("x"), s("(")]),
                Val::Option(b(Val::Bool(true)))
            ]
        );
        // A trailing option may be left out.
        let call = Call::parse("f(1, [])").unwrap();
        assert_eq!(
            call.args(&ty).unwrap(),
            vec![Val::U32(1), Val::List(vec![]), Val::Option(None)]
        );
        let err = Call::parse("f(1)").unwrap().args(&ty).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`f` takes 2 to 3 arguments (func(a: u32, b: list<string>, c: option<bool>)), 1 given"
        );
        let err = Call::parse("f(1, [], none, 4)")
            .unwrap()
            .args(&ty)
            .unwrap_err();
        assert!(err.to_string().contains("4 given"), "{err}");
        let err = Call::parse("f(1, [2])").unwrap().args(&ty).unwrap_err();
        assert_eq!(
            err.to_string(),
            "argument `[2]` for parameter `b` of `f` is not a valid list<string>: \
             invalid value type at `2`"
        );
        // A name alone calls without arguments.
        let call = Call::parse(" run ").unwrap();
        assert_eq!(call.name(), "run");
        let no_params = FuncType {
            params: vec![],
            result: None,
        };
        assert_eq!(call.args(&no_params).unwrap(), vec![]);
        let err = call.args(&ty).unwrap_err();
        assert!(err.to_string().contains("0 given"), "{err}");
        // Syntax errors and missing names.
        let err = Call::parse("f(1,").err().unwrap();
        assert!(err.to_string().contains("unexpected end of input"), "{err}");
        let err = Call::parse("f(1) x").err().unwrap();
        assert!(err.to_string().contains("at `x`"), "{err}");
        let err = Call::parse("(1)").err().unwrap();
        assert!(err.to_string().contains("names no function"), "{err}");
        // Resources cannot be passed.
        let takes_resource = FuncType {
            params: vec![("r".into(), Type::Borrow(0))],
            result: None,
        };
        let err = Call::parse("f(0)")
            .unwrap()
            .args(&takes_resource)
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("parameter `r` has type borrow<resource 0>"),
            "{err}"
        );
    }
}

//! Component-model scripts: component values in `invoke` and
//! `assert_return`, and the host items the component tests import (the
//! root function `host-return-two` and the `host` instance of wasmtime's
//! test harness, with its host resources).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use wast::component::WastVal;
use wast::{WastArg, WastRet};
use weft_runtime::component::{Linker, LinkerInstance, Resource, ResourceType, Val};
use weft_runtime::{Engine, Module, Store, Trap, TrapKind};

use crate::error::Failed;

/// A script argument as a component value.
pub(crate) fn arg_to_val(arg: &WastArg<'_>) -> Result<Val, Failed> {
    match arg {
        WastArg::Component(v) => wast_to_val(v),
        WastArg::Core(_) => Err(Failed::Unsupported(
            "a core value as an argument of a component function".into(),
        )),
        _ => Err(Failed::Unsupported("this kind of argument".into())),
    }
}

fn wast_to_val(v: &WastVal<'_>) -> Result<Val, Failed> {
    let boxed = |v: &Option<Box<WastVal<'_>>>| -> Result<Option<Box<Val>>, Failed> {
        v.as_deref()
            .map(wast_to_val)
            .transpose()
            .map(|v| v.map(Box::new))
    };
    Ok(match v {
        WastVal::Bool(b) => Val::Bool(*b),
        WastVal::U8(n) => Val::U8(*n),
        WastVal::S8(n) => Val::S8(*n),
        WastVal::U16(n) => Val::U16(*n),
        WastVal::S16(n) => Val::S16(*n),
        WastVal::U32(n) => Val::U32(*n),
        WastVal::S32(n) => Val::S32(*n),
        WastVal::U64(n) => Val::U64(*n),
        WastVal::S64(n) => Val::S64(*n),
        WastVal::F32(f) => Val::F32(f32::from_bits(f.bits)),
        WastVal::F64(f) => Val::F64(f64::from_bits(f.bits)),
        WastVal::Char(c) => Val::Char(*c),
        WastVal::String(s) => Val::String((*s).to_string()),
        WastVal::List(items) => Val::List(items.iter().map(wast_to_val).collect::<Result<_, _>>()?),
        WastVal::Record(fields) => Val::Record(
            fields
                .iter()
                .map(|(n, v)| Ok(((*n).to_string(), wast_to_val(v)?)))
                .collect::<Result<_, Failed>>()?,
        ),
        WastVal::Tuple(items) => {
            Val::Tuple(items.iter().map(wast_to_val).collect::<Result<_, _>>()?)
        }
        WastVal::Variant(name, payload) => Val::Variant((*name).to_string(), boxed(payload)?),
        WastVal::Enum(name) => Val::Enum((*name).to_string()),
        WastVal::Option(v) => Val::Option(boxed(v)?),
        WastVal::Result(Ok(v)) => Val::Result(Ok(boxed(v)?)),
        WastVal::Result(Err(v)) => Val::Result(Err(boxed(v)?)),
        WastVal::Flags(names) => Val::Flags(names.iter().map(|n| (*n).to_string()).collect()),
        WastVal::Map(_) => return Err(Failed::Unsupported("map values".into())),
    })
}

/// Checks a component function's results against the script's.
pub(crate) fn check_results(got: &[Val], expected: &[WastRet<'_>]) -> Result<(), Failed> {
    if got.len() != expected.len() {
        return Err(Failed::ResultCount {
            expected: expected.len(),
            got: got.len(),
            values: format!("{got:?}"),
        });
    }
    for (index, (val, ret)) in got.iter().zip(expected).enumerate() {
        let WastRet::Component(want) = ret else {
            return Err(Failed::Unsupported(
                "a core value as the result of a component function".into(),
            ));
        };
        let want_val = wast_to_val(want)?;
        if !same(val, &want_val) {
            return Err(Failed::ResultMismatch {
                index,
                expected: format!("{want_val:?}"),
                got: format!("{val:?}"),
            });
        }
    }
    Ok(())
}

/// Equality of component values: floats bit for bit (NaNs are canonical
/// after lifting), flags as sets.
fn same(a: &Val, b: &Val) -> bool {
    let both = |a: &Option<Box<Val>>, b: &Option<Box<Val>>| match (a, b) {
        (Some(a), Some(b)) => same(a, b),
        (None, None) => true,
        _ => false,
    };
    let all = |a: &[Val], b: &[Val]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y));
    match (a, b) {
        (Val::F32(x), Val::F32(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
        (Val::F64(x), Val::F64(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
        (Val::List(x), Val::List(y)) | (Val::Tuple(x), Val::Tuple(y)) => all(x, y),
        (Val::Record(x), Val::Record(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((n, v), (m, w))| n == m && same(v, w))
        }
        (Val::Variant(n, x), Val::Variant(m, y)) => n == m && both(x, y),
        (Val::Option(x), Val::Option(y)) => both(x, y),
        (Val::Result(Ok(x)), Val::Result(Ok(y))) | (Val::Result(Err(x)), Val::Result(Err(y))) => {
            both(x, y)
        }
        (Val::Flags(x), Val::Flags(y)) => x.len() == y.len() && x.iter().all(|f| y.contains(f)),
        _ => a == b,
    }
}

/// The text of wasmtime's `host` test module `simple-module`.
const SIMPLE_MODULE: &str = r#"(module
  (global (export "g") i32 i32.const 100)
  (func (export "f") (result i32) i32.const 101))"#;

/// Defines what the component tests import from the host: `host-return-two`
/// at the root, and the `host` instance (`return-three`,
/// `nested.return-four`, `simple-module`, and the resources of
/// [`define_host_resources`]).
pub(crate) fn define_host(
    engine: &Engine,
    store: &mut Store<()>,
    linker: &mut Linker<()>,
) -> Result<(), Failed> {
    linker
        .root()
        .func_new("host-return-two", |_, _| Ok(vec![Val::U32(2)]));
    let bytes = wat::parse_str(SIMPLE_MODULE).map_err(|e| Failed::Encode(e.to_string()))?;
    let module = Module::new(engine, &bytes).map_err(Failed::Compile)?;
    let mut host = linker.instance("host");
    host.func_new("return-three", |_, _| Ok(vec![Val::U32(3)]));
    host.module("simple-module", module);
    host.instance("nested")
        .func_new("return-four", |_, _| Ok(vec![Val::U32(4)]));
    define_host_resources(store, &mut linker.instance("host"));
    Ok(())
}

/// How many `resource1`s guests have dropped, and the rep of the last.
#[derive(Default)]
struct DropCounter {
    drops: AtomicU32,
    last_drop: AtomicU32,
}

/// The resources of wasmtime's test harness, in the `host` instance:
/// `resource1` (whose destructor counts drops), `resource2` (another
/// type), `resource1-again` (`resource1` under a second name), and the
/// functions on `resource1`: `[constructor]` (an own handle of the given
/// rep), `[static]assert` (takes an own handle, checks its rep),
/// `[static]last-drop` and `[static]drops` (the drop counter),
/// `[method]simple` (a borrow, checks its rep), `[method]take-borrow`
/// (two borrows) and `[method]take-own` (a borrow and an own handle).
/// Own handles the host is given are kept, never dropped.
fn define_host_resources(store: &mut Store<()>, host: &mut LinkerInstance<'_>) {
    let counter = Arc::new(DropCounter::default());
    let resource1 = {
        let counter = counter.clone();
        ResourceType::host_with_destructor(store, move |_, rep| {
            counter.drops.fetch_add(1, Ordering::SeqCst);
            counter.last_drop.store(rep, Ordering::SeqCst);
            Ok(())
        })
    };
    let resource2 = ResourceType::host(store);
    host.resource("resource1", resource1)
        .resource("resource2", resource2)
        .resource("resource1-again", resource1);
    host.func_new("[constructor]resource1", move |_, args| {
        let rep = u32_arg(args, 0)?;
        Ok(vec![Val::Own(Resource::new(resource1, rep))])
    });
    host.func_new("[static]resource1.assert", |_, args| {
        let resource = handle_arg(args, 0, true)?;
        expect_rep(resource, u32_arg(args, 1)?)?;
        Ok(Vec::new())
    });
    let last = counter.clone();
    host.func_new("[static]resource1.last-drop", move |_, _| {
        Ok(vec![Val::U32(last.last_drop.load(Ordering::SeqCst))])
    });
    host.func_new("[static]resource1.drops", move |_, _| {
        Ok(vec![Val::U32(counter.drops.load(Ordering::SeqCst))])
    });
    host.func_new("[method]resource1.simple", |_, args| {
        let resource = handle_arg(args, 0, false)?;
        expect_rep(resource, u32_arg(args, 1)?)?;
        Ok(Vec::new())
    });
    host.func_new("[method]resource1.take-borrow", |_, args| {
        handle_arg(args, 0, false)?;
        handle_arg(args, 1, false)?;
        Ok(Vec::new())
    });
    host.func_new("[method]resource1.take-own", |_, args| {
        handle_arg(args, 0, false)?;
        handle_arg(args, 1, true)?;
        Ok(Vec::new())
    });
}

/// A trap raised by a harness function.
fn host_trap(message: String) -> Trap {
    Trap {
        kind: TrapKind::Host(message),
        backtrace: Vec::new(),
    }
}

/// Argument `index`, which must be a `u32`.
fn u32_arg(args: &[Val], index: usize) -> Result<u32, Trap> {
    match args.get(index) {
        Some(Val::U32(v)) => Ok(*v),
        other => Err(host_trap(format!(
            "argument {index}: expected a u32, got {other:?}"
        ))),
    }
}

/// Argument `index`, which must be an own handle (`own`) or a borrow.
fn handle_arg(args: &[Val], index: usize, own: bool) -> Result<Resource, Trap> {
    match (args.get(index), own) {
        (Some(Val::Own(r)), true) | (Some(Val::Borrow(r)), false) => Ok(*r),
        (other, _) => Err(host_trap(format!(
            "argument {index}: expected {} handle, got {other:?}",
            if own { "an own" } else { "a borrow" }
        ))),
    }
}

/// Checks that `resource` has the rep a guest says it has.
fn expect_rep(resource: Resource, rep: u32) -> Result<(), Trap> {
    if resource.rep() == rep {
        Ok(())
    } else {
        Err(host_trap(format!(
            "resource rep {} is not the expected {rep}",
            resource.rep()
        )))
    }
}

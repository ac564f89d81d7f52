//! The raw call API (`Func::raw`, `RawFunc::call`, `LinkerInstance::func_raw`):
//! the host lowers arguments and lifts results itself, driven by type
//! descriptors, as the Python and Go hosts do.
//!
//! `host` below is such a host, written against the raw API alone: it
//! walks a `Type` and moves a value of the host's own (here a `Val`,
//! standing in for a Python object or a Go value) to and from flat values
//! and linear memory with `RawLowerer`/`RawLifter`. Every export of the
//! kitchen-sink guest (built from source with wit-bindgen) is called
//! through it and compared with the dynamic API; the guest's imports are
//! raw host functions, some hand-written. Hand-written WAT components
//! cover the three string encodings, invalid guest data, bad `realloc`
//! results, traps, and failures in the host's own code (after which the
//! instance must still work).

mod common;

use std::sync::{Arc, Mutex};

use common::kitchen_sink::{
    greeting, kitchen_sink, Sink, Tallies, COMPOUND, HOST, HOST_THINGS, RESOURCES, SCALARS, TYPES,
};
use weft_runtime::component::{
    CallError, Component, Func, FuncType, Instance, LiftError, Linker, LinkerInstance, RawHostCall,
    RawLifter, RawLowerer, Resource, ResourceType, StringEncoding, Type, Val,
};
use weft_runtime::{Engine, Error, Store, Trap, TrapKind, ValType};

/// The host's own error type in these tests (a Python exception, say).
type HostError = String;

// ---- a host driven by type descriptors ------------------------------------

/// The host's value movers, as a Python or Go host writes them: one case
/// per component type, using only the raw API and the type's layout.
mod host {
    use super::*;

    /// The cases of a variant-like type, with their payload types.
    pub fn cases(ty: &Type) -> Vec<(String, Option<Type>)> {
        match ty {
            Type::Variant(cases) => cases.clone(),
            Type::Enum(names) => names.iter().map(|n| (n.clone(), None)).collect(),
            Type::Option(t) => vec![("none".into(), None), ("some".into(), Some((**t).clone()))],
            Type::Result { ok, err } => vec![
                ("ok".into(), ok.as_deref().cloned()),
                ("error".into(), err.as_deref().cloned()),
            ],
            other => panic!("{other} is not a variant"),
        }
    }

    fn case_of<'v>(ty: &Type, val: &'v Val) -> (usize, Option<&'v Val>) {
        match (ty, val) {
            (Type::Variant(cases), Val::Variant(name, payload)) => (
                cases.iter().position(|(n, _)| n == name).unwrap(),
                payload.as_deref(),
            ),
            (Type::Enum(names), Val::Enum(name)) => {
                (names.iter().position(|n| n == name).unwrap(), None)
            }
            (Type::Option(_), Val::Option(None)) => (0, None),
            (Type::Option(_), Val::Option(Some(v))) => (1, Some(v)),
            (Type::Result { .. }, Val::Result(Ok(v))) => (0, v.as_deref()),
            (Type::Result { .. }, Val::Result(Err(v))) => (1, v.as_deref()),
            (ty, val) => panic!("{val:?} is not a {ty}"),
        }
    }

    fn make_case(ty: &Type, index: usize, payload: Option<Val>) -> Val {
        let payload = payload.map(Box::new);
        match ty {
            Type::Variant(cases) => Val::Variant(cases[index].0.clone(), payload),
            Type::Enum(names) => Val::Enum(names[index].clone()),
            Type::Option(_) => Val::Option(payload),
            _ if index == 0 => Val::Result(Ok(payload)),
            _ => Val::Result(Err(payload)),
        }
    }

    fn field_types(ty: &Type) -> Vec<Type> {
        match ty {
            Type::Record(fields) => fields.iter().map(|(_, t)| t.clone()).collect(),
            Type::Tuple(types) => types.clone(),
            other => panic!("{other} is not a record"),
        }
    }

    fn field_values(val: &Val) -> Vec<&Val> {
        match val {
            Val::Record(fields) => fields.iter().map(|(_, v)| v).collect(),
            Val::Tuple(items) => items.iter().collect(),
            other => panic!("{other:?} is not a record"),
        }
    }

    fn rebuild(ty: &Type, values: Vec<Val>) -> Val {
        match ty {
            Type::Record(fields) => {
                Val::Record(fields.iter().map(|(n, _)| n.clone()).zip(values).collect())
            }
            _ => Val::Tuple(values),
        }
    }

    fn flag_bits(names: &[String], set: &[String]) -> u64 {
        set.iter().fold(0, |bits, name| {
            bits | 1 << names.iter().position(|n| n == name).unwrap()
        })
    }

    fn flags(names: &[String], bits: u64) -> Val {
        Val::Flags(
            names
                .iter()
                .enumerate()
                .filter(|(i, _)| bits >> i & 1 == 1)
                .map(|(_, n)| n.clone())
                .collect(),
        )
    }

    /// Appends `val` of type `ty` as flat values.
    pub fn lower_flat(l: &mut RawLowerer<'_>, ty: &Type, val: &Val) -> Result<(), LiftError> {
        match (ty, val) {
            (Type::Bool, Val::Bool(x)) => l.push(*x),
            (Type::S8, Val::S8(x)) => l.push(*x),
            (Type::U8, Val::U8(x)) => l.push(*x),
            (Type::S16, Val::S16(x)) => l.push(*x),
            (Type::U16, Val::U16(x)) => l.push(*x),
            (Type::S32, Val::S32(x)) => l.push(*x),
            (Type::U32, Val::U32(x)) => l.push(*x),
            (Type::S64, Val::S64(x)) => l.push(*x),
            (Type::U64, Val::U64(x)) => l.push(*x),
            (Type::F32, Val::F32(x)) => l.push(*x),
            (Type::F64, Val::F64(x)) => l.push(*x),
            (Type::Char, Val::Char(x)) => l.push(*x),
            (Type::String | Type::List(_), _) => {
                let (ptr, len) = store_sequence(l, ty, val)?;
                l.push(ptr)?;
                l.push(len)
            }
            (Type::Record(_) | Type::Tuple(_), _) => field_types(ty)
                .iter()
                .zip(field_values(val))
                .try_for_each(|(t, v)| lower_flat(l, t, v)),
            (Type::Flags(names), Val::Flags(set)) => {
                let bits = flag_bits(names, set);
                (0..ty.flat_count().unwrap())
                    .try_for_each(|word| l.push((bits >> (32 * word)) as u32))
            }
            (Type::Own(slot), Val::Own(r)) => {
                let handle = l.lower_own(*slot, *r)?;
                l.push(handle)
            }
            (Type::Borrow(slot), Val::Borrow(r)) => {
                let handle = l.lower_borrow(*slot, *r)?;
                l.push(handle)
            }
            _ => {
                let (index, payload) = case_of(ty, val);
                l.push(index as u32)?;
                let end = l.flat_len() + ty.flat_count().unwrap() - 1;
                if let (Some(v), Some(t)) = (payload, &cases(ty)[index].1) {
                    lower_flat(l, t, v)?;
                }
                while l.flat_len() < end {
                    l.push_flat(0)?;
                }
                Ok(())
            }
        }
    }

    /// Stores `val` of type `ty` at `ptr`.
    pub fn store(l: &mut RawLowerer<'_>, ty: &Type, val: &Val, ptr: u32) -> Result<(), LiftError> {
        match (ty, val) {
            (Type::Bool, Val::Bool(x)) => l.write(ptr, *x),
            (Type::S8, Val::S8(x)) => l.write(ptr, *x),
            (Type::U8, Val::U8(x)) => l.write(ptr, *x),
            (Type::S16, Val::S16(x)) => l.write(ptr, *x),
            (Type::U16, Val::U16(x)) => l.write(ptr, *x),
            (Type::S32, Val::S32(x)) => l.write(ptr, *x),
            (Type::U32, Val::U32(x)) => l.write(ptr, *x),
            (Type::S64, Val::S64(x)) => l.write(ptr, *x),
            (Type::U64, Val::U64(x)) => l.write(ptr, *x),
            (Type::F32, Val::F32(x)) => l.write(ptr, *x),
            (Type::F64, Val::F64(x)) => l.write(ptr, *x),
            (Type::Char, Val::Char(x)) => l.write(ptr, *x),
            (Type::String | Type::List(_), _) => {
                let (data, len) = store_sequence(l, ty, val)?;
                l.write(ptr, data)?;
                l.write(ptr + 4, len)
            }
            (Type::Record(_) | Type::Tuple(_), _) => field_types(ty)
                .iter()
                .zip(field_values(val))
                .zip(ty.field_offsets().unwrap())
                .try_for_each(|((t, v), offset)| store(l, t, v, ptr + offset)),
            (Type::Flags(names), Val::Flags(set)) => {
                let bits = flag_bits(names, set);
                match ty.size() {
                    0 => Ok(()),
                    1 => l.write(ptr, bits as u8),
                    2 => l.write(ptr, bits as u16),
                    _ => l.write(ptr, bits as u32),
                }
            }
            (Type::Own(slot), Val::Own(r)) => {
                let handle = l.lower_own(*slot, *r)?;
                l.write(ptr, handle)
            }
            (Type::Borrow(slot), Val::Borrow(r)) => {
                let handle = l.lower_borrow(*slot, *r)?;
                l.write(ptr, handle)
            }
            _ => {
                let (index, payload) = case_of(ty, val);
                match ty.discriminant_size().unwrap() {
                    1 => l.write(ptr, index as u8)?,
                    2 => l.write(ptr, index as u16)?,
                    _ => l.write(ptr, index as u32)?,
                }
                match (payload, &cases(ty)[index].1) {
                    (Some(v), Some(t)) => store(l, t, v, ptr + ty.payload_offset().unwrap()),
                    _ => Ok(()),
                }
            }
        }
    }

    fn store_sequence(
        l: &mut RawLowerer<'_>,
        ty: &Type,
        val: &Val,
    ) -> Result<(u32, u32), LiftError> {
        match (ty, val) {
            (Type::String, Val::String(s)) => l.store_string(s),
            (Type::List(t), Val::List(items)) if **t == Type::U8 => {
                let bytes: Vec<u8> = items
                    .iter()
                    .map(|v| match v {
                        Val::U8(b) => *b,
                        other => panic!("{other:?} in a list<u8>"),
                    })
                    .collect();
                l.store_bytes(&bytes)
            }
            (Type::List(t), Val::List(items)) => {
                let size = t.size();
                let data = l.allocate_list(items.len(), size, t.align())?;
                for (i, item) in items.iter().enumerate() {
                    store(l, t, item, data + i as u32 * size)?;
                }
                Ok((data, items.len() as u32))
            }
            (ty, val) => panic!("{val:?} is not a {ty}"),
        }
    }

    /// Lifts a value of type `ty` from the next flat values.
    pub fn lift_flat(l: &mut RawLifter<'_>, ty: &Type) -> Result<Val, LiftError> {
        Ok(match ty {
            Type::Bool => Val::Bool(l.take()?),
            Type::S8 => Val::S8(l.take()?),
            Type::U8 => Val::U8(l.take()?),
            Type::S16 => Val::S16(l.take()?),
            Type::U16 => Val::U16(l.take()?),
            Type::S32 => Val::S32(l.take()?),
            Type::U32 => Val::U32(l.take()?),
            Type::S64 => Val::S64(l.take()?),
            Type::U64 => Val::U64(l.take()?),
            Type::F32 => Val::F32(l.take()?),
            Type::F64 => Val::F64(l.take()?),
            Type::Char => Val::Char(l.take()?),
            Type::String | Type::List(_) => {
                let ptr = l.take::<u32>()?;
                let len = l.take::<u32>()?;
                load_sequence(l, ty, ptr, len)?
            }
            Type::Record(_) | Type::Tuple(_) => {
                let values = field_types(ty)
                    .iter()
                    .map(|t| lift_flat(l, t))
                    .collect::<Result<_, _>>()?;
                rebuild(ty, values)
            }
            Type::Flags(names) => {
                let mut bits = 0u64;
                for word in 0..ty.flat_count().unwrap() {
                    bits |= u64::from(l.take::<u32>()?) << (32 * word);
                }
                flags(names, bits)
            }
            Type::Own(slot) => {
                let handle = l.take()?;
                Val::Own(l.lift_own(*slot, handle)?)
            }
            Type::Borrow(slot) => {
                let handle = l.take()?;
                Val::Borrow(l.lift_borrow(*slot, handle)?)
            }
            _ => {
                let cases = cases(ty);
                let index = l.take::<u32>()?;
                l.check_discriminant(index, cases.len())?;
                let slots = ty.flat_count().unwrap() - 1;
                let payload = match &cases[index as usize].1 {
                    Some(t) => {
                        let value = lift_flat(l, t)?;
                        l.skip_flat(slots - t.flat_count().unwrap())?;
                        Some(value)
                    }
                    None => {
                        l.skip_flat(slots)?;
                        None
                    }
                };
                make_case(ty, index as usize, payload)
            }
        })
    }

    /// Loads a value of type `ty` stored at `ptr`.
    pub fn load(l: &mut RawLifter<'_>, ty: &Type, ptr: u32) -> Result<Val, LiftError> {
        Ok(match ty {
            Type::Bool => Val::Bool(l.read(ptr)?),
            Type::S8 => Val::S8(l.read(ptr)?),
            Type::U8 => Val::U8(l.read(ptr)?),
            Type::S16 => Val::S16(l.read(ptr)?),
            Type::U16 => Val::U16(l.read(ptr)?),
            Type::S32 => Val::S32(l.read(ptr)?),
            Type::U32 => Val::U32(l.read(ptr)?),
            Type::S64 => Val::S64(l.read(ptr)?),
            Type::U64 => Val::U64(l.read(ptr)?),
            Type::F32 => Val::F32(l.read(ptr)?),
            Type::F64 => Val::F64(l.read(ptr)?),
            Type::Char => Val::Char(l.read(ptr)?),
            Type::String | Type::List(_) => {
                let (data, len) = (l.read::<u32>(ptr)?, l.read::<u32>(ptr + 4)?);
                load_sequence(l, ty, data, len)?
            }
            Type::Record(_) | Type::Tuple(_) => {
                let values = field_types(ty)
                    .iter()
                    .zip(ty.field_offsets().unwrap())
                    .map(|(t, offset)| load(l, t, ptr + offset))
                    .collect::<Result<_, _>>()?;
                rebuild(ty, values)
            }
            Type::Flags(names) => {
                let bits = match ty.size() {
                    0 => 0,
                    1 => u64::from(l.read::<u8>(ptr)?),
                    2 => u64::from(l.read::<u16>(ptr)?),
                    _ => u64::from(l.read::<u32>(ptr)?),
                };
                flags(names, bits)
            }
            Type::Own(slot) => {
                let handle = l.read(ptr)?;
                Val::Own(l.lift_own(*slot, handle)?)
            }
            Type::Borrow(slot) => {
                let handle = l.read(ptr)?;
                Val::Borrow(l.lift_borrow(*slot, handle)?)
            }
            _ => {
                let cases = cases(ty);
                let size = ty.discriminant_size().unwrap();
                let index = l.read_discriminant(ptr, size, cases.len())? as usize;
                let payload = match &cases[index].1 {
                    Some(t) => Some(load(l, t, ptr + ty.payload_offset().unwrap())?),
                    None => None,
                };
                make_case(ty, index, payload)
            }
        })
    }

    fn load_sequence(
        l: &mut RawLifter<'_>,
        ty: &Type,
        ptr: u32,
        len: u32,
    ) -> Result<Val, LiftError> {
        match ty {
            Type::String => Ok(Val::String(l.load_str(ptr, len)?.into_owned())),
            Type::List(t) => {
                let size = t.size();
                let bytes = l.list_bytes(ptr, len, size, t.align())?;
                if **t == Type::U8 {
                    return Ok(Val::List(bytes.iter().map(|b| Val::U8(*b)).collect()));
                }
                (0..len)
                    .map(|i| load(l, t, ptr + i * size))
                    .collect::<Result<_, _>>()
                    .map(Val::List)
            }
            other => panic!("{other} is not a sequence"),
        }
    }

    /// Lowers a call's arguments (`spilled`: as the parameter tuple in
    /// memory).
    pub fn lower_params(
        l: &mut RawLowerer<'_>,
        ty: &FuncType,
        spilled: bool,
        args: &[Val],
    ) -> Result<(), LiftError> {
        if spilled {
            let base = l.spill_area()?;
            for (((_, t), v), offset) in ty.params.iter().zip(args).zip(ty.param_offsets()) {
                store(l, t, v, base + offset)?;
            }
            Ok(())
        } else {
            ty.params
                .iter()
                .zip(args)
                .try_for_each(|((_, t), v)| lower_flat(l, t, v))
        }
    }

    /// Lifts a host function's arguments.
    pub fn lift_params(
        l: &mut RawLifter<'_>,
        ty: &FuncType,
        spilled: bool,
    ) -> Result<Vec<Val>, LiftError> {
        if spilled {
            let base = l.spill_area()?;
            ty.params
                .iter()
                .zip(ty.param_offsets())
                .map(|((_, t), offset)| load(l, t, base + offset))
                .collect()
        } else {
            ty.params.iter().map(|(_, t)| lift_flat(l, t)).collect()
        }
    }

    /// Lowers a host function's result.
    pub fn lower_result(
        l: &mut RawLowerer<'_>,
        ty: &Type,
        spilled: bool,
        val: &Val,
    ) -> Result<(), LiftError> {
        if spilled {
            let at = l.spill_area()?;
            store(l, ty, val, at)
        } else {
            lower_flat(l, ty, val)
        }
    }

    /// Lifts a call's result.
    pub fn lift_result(l: &mut RawLifter<'_>, ty: &Type, spilled: bool) -> Result<Val, LiftError> {
        if spilled {
            let at = l.spill_area()?;
            load(l, ty, at)
        } else {
            lift_flat(l, ty)
        }
    }

    /// Calls `func` raw with `args`.
    pub fn call<T>(
        store: &mut Store<T>,
        func: Func,
        args: &[Val],
    ) -> Result<Option<Val>, CallError<HostError>> {
        let raw = func.raw(store)?;
        let ty = raw.ty().clone();
        let signature = raw.signature().clone();
        raw.call(
            store,
            |l| Ok(lower_params(l, &ty, signature.params_in_memory, args)?),
            |l| match &ty.result {
                None => Ok(None),
                Some(t) => Ok(Some(lift_result(l, t, signature.result_in_memory)?)),
            },
        )
    }

    /// A raw host function made of `f` over the host's values.
    pub fn func(
        f: impl Fn(&mut RawHostCall<'_>, Vec<Val>) -> Result<Option<Val>, Trap> + Send + Sync + 'static,
    ) -> impl Fn(&mut RawHostCall<'_>) -> Result<(), Trap> + Send + Sync + 'static {
        move |call| {
            let ty = call.ty().clone();
            let signature = call.signature().clone();
            let args = lift_params(&mut call.args(), &ty, signature.params_in_memory)?;
            let result = f(call, args)?;
            if let (Some(t), Some(v)) = (&ty.result, result) {
                lower_result(&mut call.results(), t, signature.result_in_memory, &v)?;
            }
            Ok(())
        }
    }
}

// ---- the kitchen sink with raw host functions -----------------------------

fn host_trap(message: impl Into<String>) -> Trap {
    Trap {
        kind: TrapKind::Host(message.into()),
        backtrace: Vec::new(),
    }
}

/// The kitchen sink, its imports defined with `func_raw`.
struct RawSink {
    store: Store<()>,
    instance: Instance,
    log: Arc<Mutex<Vec<String>>>,
    tallies: Arc<Mutex<Tallies>>,
    tally: ResourceType,
}

impl RawSink {
    fn new() -> RawSink {
        let component = kitchen_sink();
        let engine = component.engine().clone();
        let mut store = Store::new(&engine, ());
        let log = Arc::new(Mutex::new(Vec::new()));
        let tallies = Arc::new(Mutex::new(Tallies::default()));
        let state = tallies.clone();
        let tally = ResourceType::host_with_destructor(&mut store, move |_, rep| {
            let mut state = state.lock().unwrap();
            let (label, value) = state
                .live
                .remove(&rep)
                .ok_or_else(|| host_trap(format!("tally {rep} is not live")))?;
            state.dropped.push((rep, label, value));
            Ok(())
        });
        let mut linker = Linker::new(&engine);
        linker.instance(TYPES);
        define_host(&mut linker.instance(HOST), &log);
        define_host_things(&mut linker.instance(HOST_THINGS), tally, &tallies);
        let instance = linker
            .instantiate(&mut store, component)
            .expect("the kitchen sink instantiates with raw host functions");
        RawSink {
            store,
            instance,
            log,
            tallies,
            tally,
        }
    }

    fn func(&mut self, name: &str) -> Func {
        self.instance
            .get_func(&mut self.store, name)
            .unwrap_or_else(|| panic!("no export `{name}`"))
    }

    /// Calls `name` raw through the host's movers.
    fn call(&mut self, name: &str, args: &[Val]) -> Result<Option<Val>, CallError<HostError>> {
        let func = self.func(name);
        host::call(&mut self.store, func, args)
    }

    /// Calls `name`, which returns a value.
    fn value(&mut self, name: &str, args: &[Val]) -> Val {
        match self.call(name, args) {
            Ok(Some(value)) => value,
            other => panic!("`{name}`: {other:?}"),
        }
    }
}

fn string_type() -> FuncType {
    FuncType {
        params: vec![("name".into(), Type::String)],
        result: Some(Type::String),
    }
}

/// The `host` interface as raw host functions: `greet`, `points` and
/// `add` written against the raw API by hand, the others through the
/// host's movers.
fn define_host(host: &mut LinkerInstance<'_>, log: &Arc<Mutex<Vec<String>>>) {
    let seen = log.clone();
    host.func_raw("log", None, move |call| {
        let mut args = call.args();
        let (ptr, len) = (args.take::<u32>()?, args.take::<u32>()?);
        let msg = args.load_str(ptr, len)?;
        seen.lock().unwrap().push(msg.into_owned());
        Ok(())
    });
    host.func_raw("add", None, |call| {
        let (a, b) = {
            let mut args = call.args();
            (args.take::<u64>()?, args.take::<u64>()?)
        };
        call.results().push(a.wrapping_add(b))?;
        Ok(())
    });
    host.func_raw("greet", Some(string_type()), |call| {
        let name = {
            let mut args = call.args();
            let (ptr, len) = (args.take::<u32>()?, args.take::<u32>()?);
            args.load_str(ptr, len)?.into_owned()
        };
        let mut result = call.results();
        let (ptr, len) = result.store_string(&greeting(&name))?;
        // Two flat values: the result goes where the caller asked.
        let at = result.spill_area()?;
        result.write(at, ptr)?;
        result.write(at + 4, len)?;
        Ok(())
    });
    host.func_raw("points", None, |call| {
        let n = call.args().take::<u32>()?;
        let mut result = call.results();
        let data = result.allocate_list(n as usize, 8, 4)?;
        for i in 0..n {
            result.write(data + 8 * i, i as i32)?;
            result.write(data + 8 * i + 4, -(i as i32))?;
        }
        let at = result.spill_area()?;
        result.write(at, data)?;
        result.write(at + 4, n)?;
        Ok(())
    });
    host.func_raw(
        "split-at",
        None,
        host::func(|_, args| match args.as_slice() {
            [Val::String(s), Val::U32(at)] => match s.split_at_checked(*at as usize) {
                Some((front, back)) => Ok(Some(Val::Tuple(vec![
                    Val::String(front.into()),
                    Val::String(back.into()),
                ]))),
                None => Err(host_trap(format!("cannot split {s:?} at {at}"))),
            },
            _ => Err(host_trap("split-at")),
        }),
    );
}

/// The `host-things` interface as raw host functions (through the host's
/// movers: own results, borrowed arguments).
fn define_host_things(
    things: &mut LinkerInstance<'_>,
    tally: ResourceType,
    tallies: &Arc<Mutex<Tallies>>,
) {
    things.resource("tally", tally);
    let state = tallies.clone();
    things.func_raw(
        "[constructor]tally",
        None,
        host::func(move |_, args| match args.as_slice() {
            [Val::String(label), Val::S64(start)] => {
                let rep = state.lock().unwrap().create(label.clone(), *start);
                Ok(Some(Val::Own(Resource::new(tally, rep))))
            }
            _ => Err(host_trap("[constructor]tally")),
        }),
    );
    let state = tallies.clone();
    things.func_raw(
        "[method]tally.add",
        None,
        host::func(move |_, args| match args.as_slice() {
            [Val::Borrow(t), Val::S64(by)] => {
                let mut state = state.lock().unwrap();
                let entry = state.live.get_mut(&t.rep()).expect("a live tally");
                entry.1 += by;
                Ok(Some(Val::S64(entry.1)))
            }
            _ => Err(host_trap("[method]tally.add")),
        }),
    );
    let state = tallies.clone();
    things.func_raw(
        "[method]tally.value",
        None,
        host::func(move |_, args| match args.as_slice() {
            [Val::Borrow(t)] => Ok(Some(Val::S64(state.lock().unwrap().live[&t.rep()].1))),
            _ => Err(host_trap("[method]tally.value")),
        }),
    );
    let state = tallies.clone();
    things.func_raw(
        "[method]tally.label",
        None,
        host::func(move |_, args| match args.as_slice() {
            [Val::Borrow(t)] => Ok(Some(Val::String(
                state.lock().unwrap().live[&t.rep()].0.clone(),
            ))),
            _ => Err(host_trap("[method]tally.label")),
        }),
    );
    let state = tallies.clone();
    things.func_raw(
        "[static]tally.merge",
        None,
        host::func(move |call, args| match args.as_slice() {
            [Val::Borrow(a), Val::Borrow(b)] => {
                // The resource type of the result's slot is the host's.
                let Some(Type::Own(slot)) = call.ty().result.clone() else {
                    return Err(host_trap("merge returns an own handle"));
                };
                assert_eq!(call.resource_type(slot), Some(tally));
                let mut state = state.lock().unwrap();
                let (la, va) = state.live[&a.rep()].clone();
                let (lb, vb) = state.live[&b.rep()].clone();
                let rep = state.create(format!("{la}+{lb}"), va + vb);
                Ok(Some(Val::Own(Resource::new(tally, rep))))
            }
            _ => Err(host_trap("[static]tally.merge")),
        }),
    );
}

// ---- values ----------------------------------------------------------------

fn string(s: &str) -> Val {
    Val::String(s.into())
}

fn strings(items: &[&str]) -> Val {
    Val::List(items.iter().map(|s| string(s)).collect())
}

fn point(x: i32, y: i32) -> Val {
    Val::Record(vec![("x".into(), Val::S32(x)), ("y".into(), Val::S32(y))])
}

fn some(v: Val) -> Val {
    Val::Option(Some(Box::new(v)))
}

fn flags(names: &[&str]) -> Val {
    Val::Flags(names.iter().map(|n| n.to_string()).collect())
}

fn shape(case: &str, payload: Option<Val>) -> Val {
    Val::Variant(case.into(), payload.map(Box::new))
}

fn person(name: &str, age: u8, tags: &[&str]) -> Val {
    Val::Record(vec![
        ("name".into(), string(name)),
        ("age".into(), Val::U8(age)),
        ("tags".into(), strings(tags)),
    ])
}

fn own(v: Option<Val>) -> Resource {
    match v {
        Some(Val::Own(r)) => r,
        other => panic!("expected an own handle, got {other:?}"),
    }
}

/// Calls of every kind of value, pure functions of their arguments.
fn pure_calls() -> Vec<(String, Vec<Val>)> {
    let scalars = |f: &str| format!("{SCALARS}#{f}");
    let compound = |f: &str| format!("{COMPOUND}#{f}");
    let people = Val::List(vec![
        person("ada", 36, &["math", "code"]),
        person("bob", 7, &[]),
        person("cyd", 36, &["code", "ünïcode"]),
    ]);
    let drawing = Val::Record(vec![
        ("title".into(), string("sketch")),
        (
            "shapes".into(),
            Val::List(vec![
                shape("empty", None),
                shape("dot", Some(Val::U8(3))),
                shape("line", Some(Val::U64(1 << 40))),
                shape("label", Some(string("hé"))),
                shape("rect", Some(point(4, -5))),
                shape("ratio", Some(Val::F32(0.25))),
            ]),
        ),
        (
            "palette".into(),
            Val::List(vec![Val::Enum("red".into()), Val::Enum("blue".into())]),
        ),
    ]);
    let mut calls = vec![
        (scalars("negate"), vec![Val::Bool(true)]),
        (scalars("add-s8"), vec![Val::S8(-100), Val::S8(-100)]),
        (scalars("add-u8"), vec![Val::U8(200), Val::U8(100)]),
        (scalars("add-s16"), vec![Val::S16(-30000), Val::S16(-30000)]),
        (scalars("add-u16"), vec![Val::U16(65000), Val::U16(1000)]),
        (scalars("add-s32"), vec![Val::S32(i32::MIN), Val::S32(-1)]),
        (scalars("add-u32"), vec![Val::U32(u32::MAX), Val::U32(2)]),
        (scalars("add-s64"), vec![Val::S64(i64::MAX), Val::S64(1)]),
        (scalars("add-u64"), vec![Val::U64(u64::MAX), Val::U64(3)]),
        (scalars("mul-f32"), vec![Val::F32(1.5), Val::F32(-2.0)]),
        (scalars("mul-f64"), vec![Val::F64(1e300), Val::F64(1e10)]),
        (scalars("identity-f32"), vec![Val::F32(f32::NAN)]),
        (scalars("identity-f64"), vec![Val::F64(-0.0)]),
        (scalars("next-char"), vec![Val::Char('\u{d7ff}')]),
        (
            scalars("step-all"),
            vec![
                Val::Bool(false),
                Val::S8(-8),
                Val::U8(255),
                Val::S16(-16),
                Val::U16(16),
                Val::S32(-32),
                Val::U32(32),
                Val::S64(-64),
                Val::U64(64),
                Val::F32(3.0),
                Val::F64(-7.0),
                Val::Char('λ'),
            ],
        ),
        (compound("reverse-string"), vec![string("héllo wörld 😀")]),
        (compound("measure"), vec![string("aé€😀")]),
        (
            compound("reverse-bytes"),
            vec![Val::List((0..=255u8).map(Val::U8).collect())],
        ),
        (
            compound("sum-u32"),
            vec![Val::List((0..1000).map(Val::U32).collect())],
        ),
        (
            compound("prefix-sums"),
            vec![Val::List(vec![
                Val::U32(1),
                Val::U32(u32::MAX),
                Val::U32(5),
            ])],
        ),
        (
            compound("join"),
            vec![strings(&["a", "bé", "", "c"]), string("--")],
        ),
        (compound("split"), vec![string("a,b,,c"), Val::Char(',')]),
        (
            compound("reverse-words"),
            vec![strings(&["one", "twö", "three"])],
        ),
        (compound("rotate"), vec![point(3, -4)]),
        (
            compound("reverse-tuple"),
            vec![Val::Tuple(vec![Val::U8(255), string("up"), Val::F64(9.0)])],
        ),
        (compound("next-color"), vec![Val::Enum("blue".into())]),
        (
            compound("invert-permissions"),
            vec![flags(&["read", "execute"])],
        ),
        (compound("invert-nine"), vec![flags(&["b0", "b8"])]),
        (compound("rotate-wide"), vec![flags(&["w0", "w31", "w7"])]),
        (compound("halve"), vec![some(Val::U32(8))]),
        (compound("halve"), vec![some(Val::U32(7))]),
        (compound("halve"), vec![Val::Option(None)]),
        (compound("bump-nested"), vec![some(some(Val::U32(41)))]),
        (compound("bump-nested"), vec![some(Val::Option(None))]),
        (compound("bump-nested"), vec![Val::Option(None)]),
        (compound("checked-div"), vec![Val::S32(7), Val::S32(2)]),
        (compound("checked-div"), vec![Val::S32(1), Val::S32(0)]),
        (
            compound("flip"),
            vec![Val::Result(Ok(Some(Box::new(string("x")))))],
        ),
        (
            compound("flip"),
            vec![Val::Result(Err(Some(Box::new(Val::U32(3)))))],
        ),
        (
            compound("append-error"),
            vec![Val::Result(Err(Some(Box::new(string("bad"))))), string("!")],
        ),
        (
            compound("double-ok"),
            vec![Val::Result(Ok(Some(Box::new(Val::U32(21)))))],
        ),
        (compound("negate-result"), vec![Val::Result(Err(None))]),
        (compound("total-age"), vec![people.clone()]),
        (compound("age-all"), vec![people.clone()]),
        (compound("oldest"), vec![people.clone()]),
        (compound("oldest"), vec![Val::List(vec![])]),
        (compound("tag-counts"), vec![people]),
        (compound("advance-drawing"), vec![drawing]),
        (
            "weighted-sum".into(),
            (1..=20).map(|i| Val::U32(i * 1000)).collect(),
        ),
        (
            "describe-all".into(),
            vec![
                Val::Bool(true),
                Val::S8(-8),
                Val::U8(200),
                Val::S16(-16000),
                Val::U16(65000),
                Val::S32(-2_000_000_000),
                Val::U32(4_000_000_000),
                Val::S64(i64::MIN),
                Val::U64(u64::MAX),
                Val::F32(1.5),
                Val::F64(-2.25e100),
                Val::Char('λ'),
                string("strïng"),
                Val::List(vec![Val::U8(0), Val::U8(0xab)]),
                point(-3, 7),
                some(Val::U32(42)),
                Val::Enum("green".into()),
                flags(&["read", "execute"]),
            ],
        ),
        (
            "compute-stats".into(),
            vec![Val::List(
                [5, -3, 12, 0].iter().map(|v| Val::S32(*v)).collect(),
            )],
        ),
        ("compute-stats".into(), vec![Val::List(vec![])]),
    ];
    for case in [
        shape("empty", None),
        shape("dot", Some(Val::U8(9))),
        shape("line", Some(Val::U64(12))),
        shape("label", Some(string("abc"))),
        shape("rect", Some(point(2, 3))),
        shape("ratio", Some(Val::F32(1.5))),
    ] {
        calls.push((compound("next-shape"), vec![case]));
    }
    calls
}

// ---- round trips -----------------------------------------------------------

#[test]
fn every_kind_of_value_round_trips_as_the_dynamic_api_moves_it() {
    let mut raw = RawSink::new();
    let mut dynamic = Sink::new();
    for (name, args) in pure_calls() {
        let expected = dynamic
            .func(&name)
            .call(&mut dynamic.store, &args)
            .unwrap_or_else(|e| panic!("`{name}` (dynamic): {e}"));
        let got = raw
            .call(&name, &args)
            .unwrap_or_else(|e| panic!("`{name}` (raw): {e}"));
        // Debug text, so that NaNs compare equal.
        assert_eq!(
            format!("{:?}", got.into_iter().collect::<Vec<_>>()),
            format!("{expected:?}"),
            "`{name}`({args:?})"
        );
    }
}

#[test]
fn scalars_by_hand_with_typed_flat_values() {
    let mut sink = RawSink::new();
    let add = sink
        .func(&format!("{SCALARS}#add-u32"))
        .raw(&sink.store)
        .unwrap();
    assert_eq!(add.signature().params, [ValType::I32, ValType::I32]);
    assert_eq!(add.signature().results, [ValType::I32]);
    assert!(!add.signature().params_in_memory && !add.signature().result_in_memory);
    let sum: u32 = add
        .call(
            &mut sink.store,
            |args| {
                args.push(u32::MAX)?;
                args.push(7u32)?;
                Ok::<_, CallError<HostError>>(())
            },
            |result| Ok(result.take::<u32>()?),
        )
        .unwrap();
    assert_eq!(sum, 6);

    // Smaller signed integers go sign-extended and come back truncated.
    let add_s8 = sink.func(&format!("{SCALARS}#add-s8"));
    let sum: i8 = add_s8
        .call_raw(
            &mut sink.store,
            |args| {
                args.push(-100i8)?;
                args.push(-50i8)?;
                Ok::<_, CallError<HostError>>(())
            },
            |result| Ok(result.take::<i8>()?),
        )
        .unwrap();
    assert_eq!(sum, (-100i8).wrapping_add(-50));

    // NaNs come back canonical; chars are checked.
    let identity = sink.func(&format!("{SCALARS}#identity-f32"));
    let bits = identity
        .call_raw(
            &mut sink.store,
            |args| Ok::<_, CallError<HostError>>(args.push(f32::from_bits(0x7fa0_0001))?),
            |result| Ok(result.take::<f32>()?.to_bits()),
        )
        .unwrap();
    assert_eq!(bits, 0x7fc0_0000);
    let next_char = sink.func(&format!("{SCALARS}#next-char"));
    let c = next_char
        .call_raw(
            &mut sink.store,
            |args| Ok::<_, CallError<HostError>>(args.push('\u{10ffff}')?),
            |result| Ok(result.take::<char>()?),
        )
        .unwrap();
    assert_eq!(c, '\0');
}

#[test]
fn strings_and_lists_by_hand() {
    let mut sink = RawSink::new();
    let reverse = sink.func(&format!("{COMPOUND}#reverse-string"));
    let text = "añb€😀";
    let reversed = reverse
        .call_raw(
            &mut sink.store,
            |args| {
                assert_eq!(args.encoding(), StringEncoding::Utf8);
                let (ptr, len) = args.store_string(text)?;
                args.push(ptr)?;
                args.push(len)?;
                Ok::<_, CallError<HostError>>(())
            },
            |result| {
                let at = result.spill_area()?;
                let (ptr, len) = (result.read::<u32>(at)?, result.read::<u32>(at + 4)?);
                let s = result.load_str(ptr, len)?;
                // A UTF-8 string is read where it lies.
                assert!(matches!(s, std::borrow::Cow::Borrowed(_)));
                Ok(s.into_owned())
            },
        )
        .unwrap();
    assert_eq!(reversed, text.chars().rev().collect::<String>());

    // list<u32> in, list<u32> out, the elements read in one slice.
    let prefix = sink.func(&format!("{COMPOUND}#prefix-sums"));
    let values: Vec<u32> = (1..=1000).collect();
    let sums = prefix
        .call_raw(
            &mut sink.store,
            |args| {
                let data = args.allocate_list(values.len(), 4, 4)?;
                let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
                args.write_bytes(data, &bytes)?;
                args.push(data)?;
                args.push(values.len() as u32)?;
                Ok::<_, CallError<HostError>>(())
            },
            |result| {
                let at = result.spill_area()?;
                let (ptr, len) = (result.read::<u32>(at)?, result.read::<u32>(at + 4)?);
                let bytes = result.list_bytes(ptr, len, 4, 4)?;
                Ok(bytes
                    .chunks_exact(4)
                    .map(|b| u32::from_le_bytes(b.try_into().unwrap()))
                    .collect::<Vec<_>>())
            },
        )
        .unwrap();
    let expected: Vec<u32> = values
        .iter()
        .scan(0u32, |s, v| {
            *s = s.wrapping_add(*v);
            Some(*s)
        })
        .collect();
    assert_eq!(sums, expected);
}

#[test]
fn spilled_parameters_go_in_the_block_spill_area_allocates() {
    let mut sink = RawSink::new();
    let weighted = sink.func("weighted-sum").raw(&sink.store).unwrap();
    assert!(weighted.signature().params_in_memory);
    assert_eq!(weighted.signature().params, [ValType::I32]);
    assert_eq!(weighted.ty().params_size_align(), (80, 4));
    let offsets = weighted.ty().param_offsets();
    let sum = weighted
        .call(
            &mut sink.store,
            |args| {
                let base = args.spill_area()?;
                assert_eq!(args.spill_area()?, base, "allocated once");
                for (i, offset) in offsets.iter().enumerate() {
                    args.write(base + offset, i as u32 + 1)?;
                }
                Ok::<_, CallError<HostError>>(())
            },
            |result| Ok(result.take::<u64>()?),
        )
        .unwrap();
    assert_eq!(sum, (1..=20u64).map(|i| i * i).sum::<u64>());

    // Flat values where the parameters go through memory, or nothing at
    // all, are refused before the call; the instance goes on.
    let err = weighted
        .call(
            &mut sink.store,
            |args| Ok::<_, CallError<HostError>>(args.push(1u32)?),
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("raw call: values that go through memory"),
        "{err}"
    );
    let err = weighted
        .call(
            &mut sink.store,
            |_| Ok::<_, CallError<HostError>>(()),
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("none were stored at spill_area()"),
        "{err}"
    );
    let add = sink.func(&format!("{SCALARS}#add-u32"));
    let err = add
        .call_raw(
            &mut sink.store,
            |args| Ok::<_, CallError<HostError>>(args.push(1u32)?),
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("1 flat values were pushed"),
        "{err}"
    );
    assert!(sink
        .call("weighted-sum", &(1..=20).map(Val::U32).collect::<Vec<_>>())
        .is_ok());
}

#[test]
fn type_descriptors_give_layouts_and_signatures() {
    let sink = RawSink::new();
    let stats = sink
        .instance
        .get_func(&mut Store::new(sink.store.engine(), ()), "compute-stats");
    assert!(stats.is_none(), "functions belong to their store");
    let mut sink = sink;
    let stats = sink.func("compute-stats").raw(&sink.store).unwrap();
    let result = stats.ty().result.clone().unwrap();
    // record stats { count: u32, sum: s64, min: s32, max: s32, mean: f64 }
    assert_eq!((result.size(), result.align()), (32, 8));
    assert_eq!(result.field_offsets().unwrap(), [0, 8, 16, 20, 24]);
    assert_eq!(
        result.flat_types().unwrap(),
        [
            ValType::I32,
            ValType::I64,
            ValType::I32,
            ValType::I32,
            ValType::F64
        ]
    );
    let signature = stats.signature();
    assert!(signature.result_in_memory && !signature.params_in_memory);
    assert_eq!(signature.results, [ValType::I32]);
    // The same function as an import: the return pointer is a parameter.
    let lowered = stats.ty().lower_signature();
    assert_eq!(lowered.params, [ValType::I32, ValType::I32, ValType::I32]);
    assert!(lowered.results.is_empty());

    let shape_ty = sink
        .func(&format!("{COMPOUND}#next-shape"))
        .raw(&sink.store)
        .unwrap()
        .ty()
        .params[0]
        .1
        .clone();
    // Six cases: a one-byte discriminant; the payload (u64 at most) at 8.
    assert_eq!(shape_ty.discriminant_size(), Some(1));
    assert_eq!(shape_ty.payload_offset(), Some(8));
    assert_eq!(shape_ty.size(), 16);
    assert_eq!(
        shape_ty.flat_types().unwrap(),
        [ValType::I32, ValType::I64, ValType::I32]
    );
    assert_eq!(Type::U8.discriminant_size(), None);
    let many = Type::Tuple(vec![Type::U64; 17]);
    assert_eq!(many.flat_types(), None, "past 16 flat values");
    assert_eq!(many.flat_count(), None);
}

#[test]
fn parts_of_values_can_move_as_vals() {
    let mut raw = RawSink::new();
    let mut dynamic = Sink::new();
    for (name, args) in pure_calls() {
        let func = raw.func(&name).raw(&raw.store).unwrap();
        let (ty, signature) = (func.ty().clone(), func.signature().clone());
        let got = func
            .call(
                &mut raw.store,
                |l| {
                    if signature.params_in_memory {
                        let base = l.spill_area()?;
                        for (((_, t), v), offset) in
                            ty.params.iter().zip(&args).zip(ty.param_offsets())
                        {
                            l.store_val(v, t, base + offset)?;
                        }
                    } else {
                        for ((_, t), v) in ty.params.iter().zip(&args) {
                            l.push_val(v, t)?;
                        }
                    }
                    Ok::<_, CallError<HostError>>(())
                },
                |l| match &ty.result {
                    None => Ok(None),
                    Some(t) if signature.result_in_memory => {
                        let at = l.spill_area()?;
                        Ok(Some(l.load_val(t, at)?))
                    }
                    Some(t) => Ok(Some(l.take_val(t)?)),
                },
            )
            .unwrap_or_else(|e| panic!("`{name}`: {e}"));
        let expected = dynamic.func(&name).call(&mut dynamic.store, &args).unwrap();
        assert_eq!(
            format!("{:?}", got.into_iter().collect::<Vec<_>>()),
            format!("{expected:?}"),
            "`{name}`"
        );
    }
}

// ---- resources -------------------------------------------------------------

fn live(sink: &mut RawSink) -> u32 {
    match sink.value(&format!("{RESOURCES}#live-accumulators"), &[]) {
        Val::U32(n) => n,
        other => panic!("{other:?}"),
    }
}

fn acc(method: &str) -> String {
    format!("{RESOURCES}#[method]accumulator.{method}")
}

#[test]
fn guest_resources_own_and_borrow() {
    let mut sink = RawSink::new();
    let ctor = format!("{RESOURCES}#[constructor]accumulator");
    let a = own(sink.call(&ctor, &[Val::S64(10)]).unwrap());
    let b = own(sink.call(&ctor, &[Val::S64(1)]).unwrap());
    assert_eq!(live(&mut sink), 2);
    // The host tells resources apart by type: the exported type, the type
    // of the constructor's result slot and the resource's are the same.
    let accumulator = sink
        .instance
        .get_resource_type(&sink.store, &format!("{RESOURCES}#accumulator"))
        .expect("an exported resource type");
    let tag = sink
        .instance
        .get_resource_type(&sink.store, &format!("{RESOURCES}.tag"))
        .expect("an exported resource type");
    assert_ne!(accumulator, tag);
    assert_eq!(a.ty(), accumulator);
    let raw_ctor = sink.func(&ctor).raw(&sink.store).unwrap();
    let Some(Type::Own(slot)) = raw_ctor.ty().result else {
        panic!("a constructor returns an own handle");
    };
    assert_eq!(raw_ctor.resource_type(slot), Some(accumulator));
    assert!(sink
        .instance
        .get_resource_type(&sink.store, &format!("{RESOURCES}#merge"))
        .is_none());
    assert_eq!(
        sink.value(&acc("push"), &[Val::Borrow(a), Val::S64(5)]),
        Val::U32(2)
    );
    sink.call(&acc("absorb"), &[Val::Borrow(a), Val::Borrow(b)])
        .unwrap();
    assert_eq!(
        sink.value(&acc("values"), &[Val::Borrow(a)]),
        Val::List(vec![Val::S64(10), Val::S64(5), Val::S64(1)])
    );
    // Both moved into merge; the result is a new accumulator.
    let merged = own(sink
        .call(&format!("{RESOURCES}#merge"), &[Val::Own(a), Val::Own(b)])
        .unwrap());
    assert_eq!(
        sink.value(&format!("{RESOURCES}#total-of"), &[Val::Borrow(merged)]),
        Val::S64(17)
    );
    // a was moved: the host may not use it again.
    let err = sink.call(&acc("total"), &[Val::Borrow(a)]).unwrap_err();
    assert!(
        err.to_string().contains("already dropped or moved"),
        "{err}"
    );
    merged.drop(&mut sink.store).unwrap();
    assert_eq!(live(&mut sink), 0);
}

#[test]
fn host_resources_lent_moved_and_made_by_raw_host_functions() {
    let mut sink = RawSink::new();
    let t = {
        let rep = sink.tallies.lock().unwrap().create("äpples".into(), 3);
        Resource::new(sink.tally, rep)
    };
    assert_eq!(
        sink.value("describe-tally", &[Val::Borrow(t)]),
        string("äpples=3")
    );
    let back = own(sink
        .call("bump-tally", &[Val::Own(t), Val::S64(4)])
        .unwrap());
    assert_eq!(back, t);
    assert_eq!(sink.tallies.lock().unwrap().live[&t.rep()].1, 7);
    let u = {
        let rep = sink.tallies.lock().unwrap().create("pears".into(), 10);
        Resource::new(sink.tally, rep)
    };
    // The guest calls the raw [static]tally.merge with two borrows, and
    // its own result comes back to the host.
    let merged = own(sink
        .call("merge-tallies", &[Val::Borrow(t), Val::Borrow(u)])
        .unwrap());
    assert_eq!(
        sink.tallies.lock().unwrap().live[&merged.rep()],
        ("äpples+pears".to_string(), 18)
    );
    // The guest makes a tally with the raw constructor, bumps it with the
    // raw method (a borrow argument) and drops it: the destructor runs.
    assert_eq!(
        sink.value(
            "count-with-host",
            &[string("count"), Val::List(vec![Val::S64(2), Val::S64(3)])]
        ),
        Val::S64(5)
    );
    let dropped = sink.tallies.lock().unwrap().dropped.clone();
    assert_eq!(dropped.len(), 1);
    assert_eq!((dropped[0].1.as_str(), dropped[0].2), ("count", 5));
}

// ---- raw host functions ----------------------------------------------------

#[test]
fn raw_host_functions_take_and_return_strings_and_lists() {
    let mut sink = RawSink::new();
    assert_eq!(
        sink.value("log-all", &[strings(&["one", "twö", ""])]),
        Val::U32(3)
    );
    assert_eq!(*sink.log.lock().unwrap(), ["one", "twö", ""]);
    assert_eq!(
        sink.value(
            "host-sum",
            &[Val::List(vec![
                Val::U64(u64::MAX),
                Val::U64(2),
                Val::U64(5)
            ])]
        ),
        Val::U64(6)
    );
    assert_eq!(
        sink.value("greet-all", &[strings(&["ada", "bøb"])]),
        strings(&[&greeting("ada"), &greeting("bøb")])
    );
    assert_eq!(
        sink.value("host-points-sum", &[Val::U32(100)]),
        Val::S64((0..100).map(|i| 2 * i).sum())
    );
    // split-at returns a tuple of two strings: through the pointer the
    // guest passes.
    assert_eq!(
        sink.value("host-split-swap", &[string("héllo"), Val::U32(3)]),
        string("llohé")
    );
    // A raw host function's trap fails the guest's call, and the
    // instance goes on.
    let err = sink
        .call("host-split-swap", &[string("äbc"), Val::U32(1)])
        .unwrap_err();
    assert!(err.to_string().contains("cannot split"), "{err}");
    assert_eq!(
        sink.value("host-split-swap", &[string("ab"), Val::U32(1)]),
        string("ba")
    );
}

#[test]
fn a_raw_host_function_reads_spilled_parameters() {
    let engine = Engine::default();
    let mut linker = Linker::new(&engine);
    let params: Vec<(String, Type)> = (0..17).map(|i| (format!("a{i}"), Type::U32)).collect();
    let ty = FuncType {
        params,
        result: Some(Type::U64),
    };
    linker
        .root()
        .func_raw("weigh", Some(ty.clone()), move |call| {
            assert!(call.signature().params_in_memory);
            assert_eq!(call.signature().params, [ValType::I32]);
            let sum = {
                let args = call.args();
                assert_eq!(args.flat_len(), 0, "through memory");
                let base = args.spill_area()?;
                let mut sum = 0u64;
                for (i, offset) in ty.param_offsets().into_iter().enumerate() {
                    sum += (i as u64 + 1) * u64::from(args.read::<u32>(base + offset)?);
                }
                sum
            };
            call.results().push(sum)?;
            Ok(())
        });
    let text = format!(
        r#"(component
      (import "weigh" (func $weigh {named} (result u64)))
      (core module $libc (memory (export "mem") 1))
      (core instance $libc (instantiate $libc))
      (core func $weigh (canon lower (func $weigh) (memory (core memory $libc "mem"))))
      (core module $m
        (import "libc" "mem" (memory 1))
        (import "" "weigh" (func $weigh (param i32) (result i64)))
        (func (export "run") (result i64)
          (local $i i32)
          (loop $fill
            (i32.store (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 2)))
              (i32.add (local.get $i) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $fill (i32.lt_u (local.get $i) (i32.const 17))))
          (call $weigh (i32.const 64))))
      (core instance $i (instantiate $m
        (with "libc" (instance $libc))
        (with "" (instance (export "weigh" (func $weigh))))))
      (func (export "run") (result u64) (canon lift (core func $i "run"))))"#,
        named = (0..17)
            .map(|i| format!("(param \"a{i}\" u32)"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let (mut store, instance) = instantiate(&engine, &text, &linker);
    let run = instance.get_func(&mut store, "run").unwrap();
    assert_eq!(
        host::call(&mut store, run, &[]).unwrap(),
        Some(Val::U64((1..=17u64).map(|i| i * i).sum()))
    );
}

#[test]
fn a_declared_type_is_checked_against_the_import() {
    let component = kitchen_sink();
    let engine = component.engine().clone();
    let mut store = Store::new(&engine, ());
    let tally = ResourceType::host(&mut store);
    let mut linker = Linker::new(&engine);
    linker.instance(TYPES);
    define_host(&mut linker.instance(HOST), &Arc::default());
    define_host_things(&mut linker.instance(HOST_THINGS), tally, &Arc::default());
    // `log` takes a string and returns nothing; declared otherwise.
    linker
        .instance(HOST)
        .func_raw("log", Some(string_type()), |_| Ok(()));
    let Err(err) = linker.instantiate(&mut store, component) else {
        panic!("a mismatched declared type must not link");
    };
    assert!(matches!(err, Error::Link { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("declared func(name: string) -> string"),
        "{err}"
    );
}

// ---- failures in the host's own code ------------------------------------

#[test]
fn a_host_error_after_a_realloc_leaves_the_call_unmade() {
    let mut sink = RawSink::new();
    let reverse = sink.func(&format!("{COMPOUND}#reverse-string"));
    let err = reverse
        .call_raw(
            &mut sink.store,
            |args| {
                let (ptr, len) = args.store_string("made in guest memory")?;
                args.push(ptr)?;
                args.push(len)?;
                Err(CallError::Host("TypeError: expected str".to_string()))
            },
            |_| -> Result<(), _> { panic!("the call must not be made") },
        )
        .unwrap_err();
    assert!(
        matches!(&err, CallError::Host(e) if e == "TypeError: expected str"),
        "{err}"
    );
    assert_eq!(
        sink.value(&format!("{COMPOUND}#reverse-string"), &[string("abc")]),
        string("cba")
    );
}

#[test]
fn own_handles_passed_before_a_host_error_come_back() {
    let mut sink = RawSink::new();
    let ctor = format!("{RESOURCES}#[constructor]accumulator");
    let a = own(sink.call(&ctor, &[Val::S64(10)]).unwrap());
    let b = own(sink.call(&ctor, &[Val::S64(20)]).unwrap());
    let merge = sink
        .func(&format!("{RESOURCES}#merge"))
        .raw(&sink.store)
        .unwrap();
    let Type::Own(slot) = merge.ty().params[0].1 else {
        panic!("merge takes own handles");
    };
    let err = merge
        .call(
            &mut sink.store,
            |args| {
                let handle = args.lower_own(slot, a)?;
                args.push(handle)?;
                // `b` turns out not to be an accumulator, say.
                Err(CallError::Host("TypeError".to_string()))
            },
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(matches!(err, CallError::Host(_)));
    // `a` is the host's again: it can be lent, moved and dropped.
    assert_eq!(
        sink.value(&format!("{RESOURCES}#total-of"), &[Val::Borrow(a)]),
        Val::S64(10)
    );
    // The same with a borrow and a trap from a write out of bounds.
    let absorb = sink.func(&acc("absorb"));
    let err = absorb
        .call_raw(
            &mut sink.store,
            |args| {
                let handle = args.lower_borrow(slot, a)?;
                args.push(handle)?;
                // absorb has no memory: any address is out of bounds.
                assert!(args.memory().is_empty());
                args.write(64, 0u32)?;
                Ok::<_, CallError<HostError>>(())
            },
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(err.as_trap().is_some(), "{err}");
    let merged = own(sink
        .call(&format!("{RESOURCES}#merge"), &[Val::Own(a), Val::Own(b)])
        .unwrap());
    assert_eq!(
        sink.value(&format!("{RESOURCES}#total-of"), &[Val::Borrow(merged)]),
        Val::S64(30)
    );
    merged.drop(&mut sink.store).unwrap();
    assert_eq!(live(&mut sink), 0);
}

#[test]
fn an_own_handle_lifted_before_a_host_error_is_dropped() {
    let mut sink = RawSink::new();
    let ctor = sink.func(&format!("{RESOURCES}#[constructor]accumulator"));
    let slot = match ctor.ty(&sink.store).result {
        Some(Type::Own(slot)) => slot,
        other => panic!("{other:?}"),
    };
    let err = ctor
        .call_raw(
            &mut sink.store,
            |args| Ok::<_, CallError<HostError>>(args.push(1i64)?),
            |result| {
                let handle = result.take::<u32>()?;
                result.lift_own(slot, handle)?;
                Err::<(), _>(CallError::Host("MemoryError".to_string()))
            },
        )
        .unwrap_err();
    assert!(matches!(err, CallError::Host(_)));
    assert_eq!(live(&mut sink), 0, "the runtime dropped what the host lost");
}

#[test]
fn a_panic_in_a_closure_propagates_and_the_instance_goes_on() {
    let mut sink = RawSink::new();
    let reverse = sink.func(&format!("{COMPOUND}#reverse-string"));
    let store = &mut sink.store;
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = reverse.call_raw(
            store,
            |args| -> Result<(), CallError<HostError>> {
                args.store_string("x")?;
                panic!("a bug in the host")
            },
            |_| Ok(()),
        );
    }));
    assert!(panicked.is_err());
    assert_eq!(
        sink.value(&format!("{COMPOUND}#reverse-string"), &[string("ab")]),
        string("ba")
    );
}

// ---- hand-written components -------------------------------------------

/// A bump allocator exported as `realloc`, which moves what it
/// reallocates.
const REALLOC: &str = r#"
  (global $next (mut i32) (i32.const 1024))
  (func (export "realloc") (param $old i32) (param $old_size i32) (param $align i32)
        (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr
      (i32.and
        (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
        (i32.xor (i32.sub (local.get $align) (i32.const 1)) (i32.const -1))))
    (global.set $next (i32.add (local.get $ptr) (local.get $size)))
    (memory.copy (local.get $ptr) (local.get $old)
      (select (local.get $old_size) (local.get $size)
        (i32.lt_u (local.get $old_size) (local.get $size))))
    (local.get $ptr))"#;

fn instantiate(engine: &Engine, text: &str, linker: &Linker<()>) -> (Store<()>, Instance) {
    let bytes = wat::parse_str(text).expect("valid text");
    let component = Component::new(engine, &bytes).expect("valid component");
    let mut store = Store::new(engine, ());
    let instance = linker
        .instantiate(&mut store, &component)
        .expect("instantiates");
    (store, instance)
}

/// `run(s) -> string` in a component with string encoding `encoding`: it
/// passes `s` to the imported `host-echo` and returns what that returns.
fn echo_through_host(encoding: &str) -> String {
    format!(
        r#"(component
  (import "host-echo" (func $echo (param "s" string) (result string)))
  (core module $libc
    (memory (export "mem") 1)
    {REALLOC})
  (core instance $libc (instantiate $libc))
  (core func $echo (canon lower (func $echo) (memory (core memory $libc "mem"))
    (realloc (core func $libc "realloc")) string-encoding={encoding}))
  (core module $m
    (import "libc" "mem" (memory 1))
    (import "" "echo" (func $echo (param i32 i32 i32)))
    (func (export "run") (param i32 i32) (result i32)
      (call $echo (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16)))
  (core instance $i (instantiate $m
    (with "libc" (instance $libc))
    (with "" (instance (export "echo" (func $echo))))))
  (func (export "run") (param "s" string) (result string)
    (canon lift (core func $i "run") (memory (core memory $libc "mem"))
      (realloc (core func $libc "realloc")) string-encoding={encoding})))"#
    )
}

#[test]
fn strings_in_all_three_encodings_both_ways() {
    let engine = Engine::default();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut linker = Linker::new(&engine);
    let record = seen.clone();
    linker.root().func_raw("host-echo", None, move |call| {
        let encoding = call.encoding();
        let (text, len) = {
            let mut args = call.args();
            let (ptr, len) = (args.take::<u32>()?, args.take::<u32>()?);
            (args.load_str(ptr, len)?.into_owned(), len)
        };
        record.lock().unwrap().push((encoding, len));
        let mut result = call.results();
        let (ptr, len) = result.store_string(&text)?;
        let at = result.spill_area()?;
        result.write(at, ptr)?;
        result.write(at + 4, len)?;
        Ok(())
    });
    let texts = ["", "plain", "café ÿ", "beyond: Σ € 😀"];
    for (name, encoding) in [
        ("utf8", StringEncoding::Utf8),
        ("utf16", StringEncoding::Utf16),
        ("latin1+utf16", StringEncoding::Latin1Utf16),
    ] {
        let (mut store, instance) = instantiate(&engine, &echo_through_host(name), &linker);
        let run = instance
            .get_func(&mut store, "run")
            .unwrap()
            .raw(&store)
            .unwrap();
        assert_eq!(run.encoding(), encoding);
        for text in texts {
            seen.lock().unwrap().clear();
            let (back, len, units) = run
                .call(
                    &mut store,
                    |args| {
                        let (ptr, len) = args.store_string(text)?;
                        args.push(ptr)?;
                        args.push(len)?;
                        Ok::<_, CallError<HostError>>(())
                    },
                    |result| {
                        let at = result.spill_area()?;
                        let (ptr, len) = (result.read::<u32>(at)?, result.read::<u32>(at + 4)?);
                        let units = result.read_bytes(ptr, len.min(4))?.to_vec();
                        Ok((result.load_str(ptr, len)?.into_owned(), len, units))
                    },
                )
                .unwrap_or_else(|e| panic!("{name}, {text:?}: {e}"));
            assert_eq!(back, text, "{name}");
            // The length word in the encoding's own units, as the host
            // function saw it too.
            let expected = match encoding {
                StringEncoding::Utf8 => text.len() as u32,
                StringEncoding::Utf16 => text.encode_utf16().count() as u32,
                StringEncoding::Latin1Utf16 if text.chars().all(|c| c <= '\u{ff}') => {
                    text.chars().count() as u32
                }
                StringEncoding::Latin1Utf16 => text.encode_utf16().count() as u32 | 1 << 31,
            };
            assert_eq!(len, expected, "{name}, {text:?}");
            assert_eq!(*seen.lock().unwrap(), [(encoding, expected)]);
            if text == "café ÿ" {
                let first = match encoding {
                    StringEncoding::Utf16 => vec![b'c', 0, b'a', 0],
                    _ => b"caf".to_vec(),
                };
                assert_eq!(units[..first.len()], first[..], "{name}");
            }
        }
    }
}

/// A component with a settable misbehaving `realloc`, functions returning
/// a valid and an invalid string (with a counting post-return), one that
/// traps, and one that measures a string.
const MISC: &str = r#"
(component
  (core module $m
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 1024))
    (global $mode (mut i32) (i32.const 0))
    (global $posts (mut i32) (i32.const 0))
    (data (i32.const 100) "\ff\fehi")
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $ptr i32)
      ;; mode 1: past the end of memory; mode 2: misaligned
      (if (i32.eq (global.get $mode) (i32.const 1)) (then (return (i32.const 0xfffc))))
      (if (i32.eq (global.get $mode) (i32.const 2)) (then (return (i32.const 1025))))
      (local.set $ptr
        (i32.and
          (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
          (i32.xor (i32.sub (local.get 2) (i32.const 1)) (i32.const -1))))
      (global.set $next (i32.add (local.get $ptr) (local.get 3)))
      (local.get $ptr))
    (func (export "set-mode") (param i32) (global.set $mode (local.get 0)))
    (func (export "bad-utf8") (result i32)
      (i32.store (i32.const 8) (i32.const 100))
      (i32.store (i32.const 12) (i32.const 2))
      (i32.const 8))
    (func (export "good") (result i32)
      (i32.store (i32.const 8) (i32.const 102))
      (i32.store (i32.const 12) (i32.const 2))
      (i32.const 8))
    (func (export "post") (param i32)
      (global.set $posts (i32.add (global.get $posts) (i32.const 1))))
    (func (export "posts") (result i32) (global.get $posts))
    (func (export "boom") unreachable)
    (func (export "length") (param i32 i32) (result i32) (local.get 1)))
  (core instance $i (instantiate $m))
  (func (export "set-mode") (param "mode" u32) (canon lift (core func $i "set-mode")))
  (func (export "bad-utf8") (result string)
    (canon lift (core func $i "bad-utf8") (memory (core memory $i "mem"))
      (realloc (core func $i "realloc")) (post-return (core func $i "post"))))
  (func (export "good") (result string)
    (canon lift (core func $i "good") (memory (core memory $i "mem"))
      (realloc (core func $i "realloc")) (post-return (core func $i "post"))))
  (func (export "posts") (result u32) (canon lift (core func $i "posts")))
  (func (export "boom") (canon lift (core func $i "boom")))
  (func (export "length") (param "s" string) (result u32)
    (canon lift (core func $i "length") (memory (core memory $i "mem"))
      (realloc (core func $i "realloc")))))
"#;

struct Misc {
    store: Store<()>,
    instance: Instance,
}

impl Misc {
    fn new() -> Misc {
        let engine = Engine::default();
        let (store, instance) = instantiate(&engine, MISC, &Linker::new(&engine));
        Misc { store, instance }
    }

    fn func(&mut self, name: &str) -> Func {
        self.instance.get_func(&mut self.store, name).unwrap()
    }

    fn call(&mut self, name: &str, args: &[Val]) -> Option<Val> {
        let func = self.func(name);
        host::call(&mut self.store, func, args).unwrap_or_else(|e| panic!("`{name}`: {e}"))
    }

    fn posts(&mut self) -> Val {
        self.call("posts", &[]).unwrap()
    }

    /// `length(text)`, lowered by hand.
    fn length(&mut self, text: &str) -> Result<u32, CallError<HostError>> {
        let func = self.func("length");
        func.call_raw(
            &mut self.store,
            |args| {
                let (ptr, len) = args.store_string(text)?;
                args.push(ptr)?;
                args.push(len)?;
                Ok(())
            },
            |result| Ok(result.take::<u32>()?),
        )
    }
}

#[test]
fn invalid_utf8_from_the_guest_traps_naming_the_string() {
    let mut misc = Misc::new();
    let bad = misc.func("bad-utf8");
    let err = bad
        .call_raw(
            &mut misc.store,
            |_| Ok::<_, CallError<HostError>>(()),
            |result| {
                let at = result.spill_area()?;
                let (ptr, len) = (result.read::<u32>(at)?, result.read::<u32>(at + 4)?);
                Ok(result.load_str(ptr, len)?.into_owned())
            },
        )
        .unwrap_err();
    let trap = err.as_trap().expect("a trap");
    assert!(matches!(trap.kind, TrapKind::Component(_)));
    assert!(
        err.to_string()
            .contains("invalid utf-8: the string at 0x64 of 2 bytes"),
        "{err}"
    );
    // The callee returned: its post-return ran all the same.
    assert_eq!(misc.posts(), Val::U32(1));
    assert_eq!(misc.call("good", &[]), Some(string("hi")));
}

#[test]
fn a_call_in_stages() {
    let mut misc = Misc::new();
    let length = misc.func("length").raw(&misc.store).unwrap();
    let mut call = length.begin(&mut misc.store).unwrap();
    let (ptr, len) = call.lowerer().store_string("staged").unwrap();
    // Writing goes on where the last writer stopped.
    call.lowerer().push(ptr).unwrap();
    call.lowerer().push(len).unwrap();
    call.invoke().unwrap();
    assert_eq!(call.lifter().take::<u32>().unwrap(), 6);
    assert!(call.lifter().take::<u32>().is_err(), "one flat result");
    call.finish().unwrap();

    // Dropped after the call: post-return runs.
    let good = misc.func("good").raw(&misc.store).unwrap();
    let mut call = good.begin(&mut misc.store).unwrap();
    call.invoke().unwrap();
    let at = call.lifter().spill_area().unwrap();
    assert_eq!(call.lifter().read::<u32>(at + 4).unwrap(), 2);
    drop(call);
    assert_eq!(misc.posts(), Val::U32(1));

    // Dropped before the call: it is not made; discarding says so too.
    let mut call = length.begin(&mut misc.store).unwrap();
    call.lowerer().store_string("never").unwrap();
    drop(call);
    let call = length.begin(&mut misc.store).unwrap();
    call.discard().unwrap();
    assert_eq!(misc.length("after").unwrap(), 5);

    // A failed invoke ends the call.
    let boom = misc.func("boom").raw(&misc.store).unwrap();
    let mut call = boom.begin(&mut misc.store).unwrap();
    let err = call.invoke().unwrap_err();
    assert_eq!(err.as_trap().map(|t| &t.kind), Some(&TrapKind::Unreachable));
    call.discard().unwrap();
    assert_eq!(misc.posts(), Val::U32(1));
    assert_eq!(misc.length("again").unwrap(), 5);
}

#[test]
#[should_panic(expected = "RawCall::lifter before the callee returned")]
fn stages_out_of_order_are_a_bug_in_the_host() {
    let mut misc = Misc::new();
    let length = misc.func("length").raw(&misc.store).unwrap();
    let mut call = length.begin(&mut misc.store).unwrap();
    call.lifter();
}

#[test]
fn post_return_runs_after_the_lift_also_when_the_host_fails() {
    let mut misc = Misc::new();
    assert_eq!(misc.call("good", &[]), Some(string("hi")));
    assert_eq!(misc.posts(), Val::U32(1));
    let good = misc.func("good");
    let err = good
        .call_raw(
            &mut misc.store,
            |_| Ok::<_, CallError<HostError>>(()),
            |result| {
                let at = result.spill_area()?;
                let (ptr, len) = (result.read::<u32>(at)?, result.read::<u32>(at + 4)?);
                let text = result.load_str(ptr, len)?;
                Err::<(), _>(CallError::Host(format!("UnicodeError: {text}")))
            },
        )
        .unwrap_err();
    assert!(matches!(&err, CallError::Host(e) if e == "UnicodeError: hi"));
    assert_eq!(misc.posts(), Val::U32(2));
}

#[test]
fn bad_realloc_results_are_refused_and_the_instance_goes_on() {
    let mut misc = Misc::new();
    assert_eq!(misc.length("abc").unwrap(), 3);
    misc.call("set-mode", &[Val::U32(1)]);
    let err = misc.length(&"x".repeat(100)).unwrap_err();
    assert!(
        err.to_string()
            .contains("realloc return: beyond end of memory"),
        "{err}"
    );
    misc.call("set-mode", &[Val::U32(2)]);
    let func = misc.func("length");
    let err = func
        .call_raw(
            &mut misc.store,
            |args| {
                args.allocate(8, 4)?;
                Ok::<_, CallError<HostError>>(())
            },
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("realloc return: result not aligned"),
        "{err}"
    );
    misc.call("set-mode", &[Val::U32(0)]);
    assert_eq!(misc.length("abcd").unwrap(), 4);
}

#[test]
fn writes_and_reads_out_of_bounds_name_the_address_and_size() {
    let mut misc = Misc::new();
    let func = misc.func("length");
    let err = func
        .call_raw(
            &mut misc.store,
            |args| {
                let end = args.memory().len() as u32;
                assert_eq!(end, 65536);
                args.write(end - 2, 1u16)?;
                args.write(end, 1u32)?;
                Ok::<_, CallError<HostError>>(())
            },
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("value at 0x10000 of 4 bytes lies outside linear memory of 65536 bytes"),
        "{err}"
    );
    let err = func
        .call_raw(
            &mut misc.store,
            |args| {
                args.write_bytes(65530, &[0; 10])?;
                Ok::<_, CallError<HostError>>(())
            },
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("value at 0xfffa of 10 bytes"),
        "{err}"
    );
    // Misaligned is refused too.
    let err = func
        .call_raw(
            &mut misc.store,
            |args| {
                args.write(1026, 1u32)?;
                Ok::<_, CallError<HostError>>(())
            },
            |_| Ok(()),
        )
        .unwrap_err();
    assert!(err.to_string().contains("unaligned pointer"), "{err}");
    // Reads likewise, and a bad discriminant.
    let good = misc.func("good");
    let err = good
        .call_raw(
            &mut misc.store,
            |_| Ok::<_, CallError<HostError>>(()),
            |result| {
                assert!(result.read_discriminant(100, 1, 3).is_err());
                assert!(result.read::<u64>(0xfffc).is_err());
                Ok(result.read_bytes(0xfff0, 0x20)?.len())
            },
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("value at 0xfff0 of 32 bytes"),
        "{err}"
    );
    assert_eq!(misc.length("ok").unwrap(), 2);
}

#[test]
fn a_trap_in_the_guest_comes_back_as_a_trap() {
    let mut misc = Misc::new();
    let boom = misc.func("boom");
    let err = boom
        .call_raw(
            &mut misc.store,
            |_| Ok::<_, CallError<HostError>>(()),
            |_| Ok(()),
        )
        .unwrap_err();
    assert_eq!(err.as_trap().map(|t| &t.kind), Some(&TrapKind::Unreachable));
    assert_eq!(misc.length("again").unwrap(), 5);
}

/// A component exporting `noop` and `add` (no memory), and `via-host`
/// and `via-val-host` calling the host's `measure` import, raw and
/// dynamic.
const TINY: &str = r#"
(component
  (import "measure" (func $measure (param "a" u32) (param "b" u32) (result u32)))
  (import "measure-val" (func $measure_val (param "a" u32) (param "b" u32) (result u32)))
  (core func $measure (canon lower (func $measure)))
  (core func $measure_val (canon lower (func $measure_val)))
  (core module $m
    (import "" "measure" (func $measure (param i32 i32) (result i32)))
    (import "" "measure-val" (func $measure_val (param i32 i32) (result i32)))
    (func (export "noop"))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "via-host") (param i32 i32) (result i32)
      (call $measure (local.get 0) (local.get 1)))
    (func (export "via-val-host") (param i32 i32) (result i32)
      (call $measure_val (local.get 0) (local.get 1))))
  (core instance $i (instantiate $m (with "" (instance
    (export "measure" (func $measure))
    (export "measure-val" (func $measure_val))))))
  (func (export "noop") (canon lift (core func $i "noop")))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "add")))
  (func (export "via-host") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "via-host")))
  (func (export "via-val-host") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "via-val-host"))))
"#;

fn tiny() -> (Store<()>, Instance) {
    let engine = Engine::default();
    let mut linker = Linker::new(&engine);
    linker.root().func_raw("measure", None, |call| {
        let (a, b) = {
            let mut args = call.args();
            (args.take::<u32>()?, args.take::<u32>()?)
        };
        call.results().push(a * 10 + b)?;
        Ok(())
    });
    linker.root().func_new("measure-val", |_, args| match args {
        [Val::U32(a), Val::U32(b)] => Ok(vec![Val::U32(a * 10 + b)]),
        _ => Err(host_trap("measure-val")),
    });
    instantiate(&engine, TINY, &linker)
}

#[test]
fn functions_without_memory_and_raw_imports_with_flat_values() {
    let (mut store, instance) = tiny();
    let add = instance
        .get_func(&mut store, "add")
        .unwrap()
        .raw(&store)
        .unwrap();
    let sum = add
        .call(
            &mut store,
            |args| {
                args.push(2u32)?;
                args.push(3u32)?;
                Ok::<_, CallError<HostError>>(())
            },
            |result| Ok(result.take::<u32>()?),
        )
        .unwrap();
    assert_eq!(sum, 5);
    let via = instance.get_func(&mut store, "via-host").unwrap();
    assert_eq!(
        host::call(&mut store, via, &[Val::U32(4), Val::U32(2)]).unwrap(),
        Some(Val::U32(42))
    );
    // Without memory there is nothing to allocate in.
    let err = add
        .call(
            &mut store,
            |args| {
                args.store_string("x")?;
                Ok::<_, CallError<HostError>>(())
            },
            |_| Ok(0),
        )
        .unwrap_err();
    assert!(err.to_string().contains("no realloc"), "{err}");
}

#[test]
fn a_raw_host_function_re_exported_is_for_components_only() {
    let engine = Engine::default();
    let mut linker = Linker::new(&engine);
    linker.root().func_raw("f", None, |call| {
        call.results().push(7u32)?;
        Ok(())
    });
    let (mut store, instance) = instantiate(
        &engine,
        r#"(component
          (import "f" (func $f (result u32)))
          (export "f" (func $f)))"#,
        &linker,
    );
    let f = instance.get_func(&mut store, "f").unwrap();
    let err = f.call(&mut store, &[]).unwrap_err();
    assert!(err.to_string().contains("called by components"), "{err}");
    assert!(matches!(f.raw(&store), Err(Error::Type { .. })));
}

/// A rough per-call cost of the raw path against the typed and dynamic
/// ones (`cargo test --release -p weft-runtime --test component_raw --
/// --ignored --nocapture`); no assertion on time.
#[test]
#[ignore]
fn timing_of_raw_typed_and_dynamic_calls() {
    let (mut store, instance) = tiny();
    let n: u32 = std::env::var("TIMING_N").map_or(2_000_000, |n| n.parse().unwrap());
    // TIMING_ONLY=label runs one loop alone (for counting instructions
    // with `perf stat`, which a loaded machine does not disturb).
    let only = std::env::var("TIMING_ONLY").ok();
    let time = |label: &str, f: &mut dyn FnMut()| {
        if only.as_deref().is_some_and(|only| only != label) {
            return;
        }
        for _ in 0..n / 10 {
            f();
        }
        let start = std::time::Instant::now();
        for _ in 0..n {
            f();
        }
        let per_call = start.elapsed().as_nanos() as f64 / f64::from(n);
        println!("{label:>24}: {per_call:7.1} ns/call");
    };
    let noop = instance.get_func(&mut store, "noop").unwrap();
    let add = instance.get_func(&mut store, "add").unwrap();
    let noop_typed = noop.typed::<(), (), _>(&store).unwrap();
    let add_typed = add.typed::<(u32, u32), u32, _>(&store).unwrap();
    let noop_raw = noop.raw(&store).unwrap();
    let add_raw = add.raw(&store).unwrap();
    let via = instance
        .get_func(&mut store, "via-host")
        .unwrap()
        .raw(&store)
        .unwrap();
    time("noop typed", &mut || {
        noop_typed.call(&mut store, ()).unwrap()
    });
    time("noop raw", &mut || {
        noop_raw
            .call(
                &mut store,
                |_| Ok::<_, CallError<HostError>>(()),
                |_| Ok(()),
            )
            .unwrap()
    });
    time("noop dynamic", &mut || {
        noop.call(&mut store, &[]).unwrap();
    });
    let mut i = 0u32;
    time("add typed", &mut || {
        i = add_typed.call(&mut store, (i, 1)).unwrap();
    });
    time("add raw", &mut || {
        i = add_raw
            .call(
                &mut store,
                |args| {
                    args.push(i)?;
                    args.push(1u32)?;
                    Ok::<_, CallError<HostError>>(())
                },
                |result| Ok(result.take::<u32>()?),
            )
            .unwrap();
    });
    time("add dynamic", &mut || {
        add.call(&mut store, &[Val::U32(1), Val::U32(2)]).unwrap();
    });
    time("add via raw host import", &mut || {
        i = via
            .call(
                &mut store,
                |args| {
                    args.push(1u32)?;
                    args.push(2u32)?;
                    Ok::<_, CallError<HostError>>(())
                },
                |result| Ok(result.take::<u32>()?),
            )
            .unwrap();
    });
    let via_val = instance
        .get_func(&mut store, "via-val-host")
        .unwrap()
        .raw(&store)
        .unwrap();
    time("add via Val host import", &mut || {
        i = via_val
            .call(
                &mut store,
                |args| {
                    args.push(1u32)?;
                    args.push(2u32)?;
                    Ok::<_, CallError<HostError>>(())
                },
                |result| Ok(result.take::<u32>()?),
            )
            .unwrap();
    });
    std::hint::black_box(i);
}

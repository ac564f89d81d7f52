//! A host driven by type descriptors, as the Python and Go hosts are: its
//! value movers walk a component `Type` and move a value of the host's own
//! (here a `Val`, standing in for a Python object or a Go value) to and
//! from flat values and linear memory with `RawLowerer`/`RawLifter`,
//! using only the raw API and the type's layout. Shared by
//! `component_raw.rs` (the kitchen sink) and `component_raw_wat.rs`
//! (hand-written components).

// Each test file uses part of this.
#![allow(dead_code)]

use weft_runtime::component::{
    CallError, Component, Func, FuncType, Instance, LiftError, Linker, RawHostCall, RawLifter,
    RawLowerer, Type, Val,
};
use weft_runtime::{Engine, Store, Trap, TrapKind};

/// The host's own error type in these tests (a Python exception, say).
pub type HostError = String;

/// An instance of the component written as `text`, in a new store.
pub fn instantiate(engine: &Engine, text: &str, linker: &Linker<()>) -> (Store<()>, Instance) {
    let bytes = wat::parse_str(text).expect("valid text");
    let component = Component::new(engine, &bytes).expect("valid component");
    let mut store = Store::new(engine, ());
    let instance = linker
        .instantiate(&mut store, &component)
        .expect("instantiates");
    (store, instance)
}

/// A trap a host function returns.
pub fn host_trap(message: impl Into<String>) -> Trap {
    Trap {
        kind: TrapKind::Host(message.into()),
        backtrace: Vec::new(),
    }
}

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
            (0..ty.flat_count().unwrap()).try_for_each(|word| l.push((bits >> (32 * word)) as u32))
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

fn store_sequence(l: &mut RawLowerer<'_>, ty: &Type, val: &Val) -> Result<(u32, u32), LiftError> {
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

fn load_sequence(l: &mut RawLifter<'_>, ty: &Type, ptr: u32, len: u32) -> Result<Val, LiftError> {
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

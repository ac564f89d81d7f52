//! Calls across the component boundary: into a lifted function (values
//! lowered into the callee, results lifted out, post-return run), and out
//! of a component through a lowered import (arguments lifted from the
//! caller, results lowered back into it). A call from one component into
//! another is both: lifted from the caller's memory, lowered into the
//! callee's.

use std::collections::VecDeque;
use std::sync::Arc;

use weft_wit::abi::Layout;

use super::abi::strings::StringRange;
use super::abi::transcode::{self, Source, StringDest};
use super::abi::{
    checked, store_host_string, LiftError, LiftHandles, Lifter, Lowerer, StringEncoding,
};
use super::resources::{check_type, Handle, Resource, ResourceType};
use super::state::{
    trap, CallScope, ComponentFuncData, ComponentStore, Dtor, Lifted, RuntimeOptions,
};
use super::typed::{ComponentParams, FlatReader, FlatWriter, Lift};
use super::types::{CoreSignature, FuncType};
use super::values::Val;
use crate::externals::Memory;
use crate::store::StoreInner;
use crate::trap::Trap;
use crate::types::ValType;
use crate::values::Val as CoreVal;

/// Calls the component function `index` with `args`, which the caller
/// checked against its type, returning its result.
pub(crate) fn call(inner: &mut StoreInner, index: u32, args: &[Val]) -> Result<Option<Val>, Trap> {
    let func = inner.component.funcs[index as usize].clone();
    let ty = func.ty().clone();
    match func {
        ComponentFuncData::Lifted(lifted) => {
            let mut result = None;
            call_lifted(inner, &lifted, args, VecDeque::new(), &mut |inner, bits| {
                result = lift_result(inner, &lifted, bits, None)?;
                Ok(())
            })?;
            Ok(result)
        }
        ComponentFuncData::Host { func, .. } => {
            let results = func(inner, args)?;
            match (&ty.result, results.as_slice()) {
                (None, []) => Ok(None),
                (Some(t), [value]) if value.has_type(t) => Ok(Some(value.clone())),
                _ => Err(trap(format!(
                    "host function returned {results:?}, which does not match {ty}"
                ))),
            }
        }
        ComponentFuncData::RawHost { .. } => Err(trap(format!(
            "a raw host function ({ty}) re-exported by a component is called by components, \
             not with values"
        ))),
    }
}

/// The bytes of a component's memory (empty without a `memory` option).
///
/// # Safety
///
/// The slice must not outlive the memory, nor be used across a call that
/// may grow it (memories never move, but their length changes).
pub(super) unsafe fn guest_memory<'a>(inner: &StoreInner, memory: Option<Memory>) -> &'a mut [u8] {
    match memory {
        Some(m) => {
            let linear = &inner.memories[m.index as usize].0;
            // SAFETY: the memory's bytes stay put; the caller limits use.
            unsafe { std::slice::from_raw_parts_mut(linear.base(), linear.byte_size()) }
        }
        None => &mut [],
    }
}

pub(super) fn to_core(bits: u64, ty: ValType) -> CoreVal {
    match ty {
        ValType::I64 => CoreVal::I64(bits as i64),
        ValType::F32 => CoreVal::F32(bits as u32),
        ValType::F64 => CoreVal::F64(bits),
        _ => CoreVal::I32(bits as u32 as i32),
    }
}

pub(super) fn to_bits(value: &CoreVal) -> u64 {
    match value {
        CoreVal::I32(v) => u64::from(*v as u32),
        CoreVal::I64(v) => *v as u64,
        CoreVal::F32(v) => u64::from(*v),
        CoreVal::F64(v) => *v,
        _ => 0,
    }
}

fn core_trap(err: crate::Error) -> Trap {
    match err {
        crate::Error::Trap(trap) => trap,
        other => trap(other.to_string()),
    }
}

/// Runs `lift` over component instance `state`'s memory, string encoding
/// and handle table; own handles lent for the call are added to `lends`.
/// With `deferred`, strings are checked but left in memory, their ranges
/// added there.
fn lift_from<R>(
    inner: &mut StoreInner,
    options: &RuntimeOptions,
    state: usize,
    resources: &[Option<ResourceType>],
    lends: &mut Vec<(usize, u32)>,
    deferred: Option<&mut Vec<StringRange>>,
    lift: impl FnOnce(&mut Lifter<'_>) -> Result<R, LiftError>,
) -> Result<R, LiftError> {
    // SAFETY: used only while lifting, which calls no wasm.
    let memory = unsafe { guest_memory(inner, options.memory) };
    let mut handles = GuestHandles {
        component: &mut inner.component,
        state,
        resources,
        lends,
    };
    let mut lifter = Lifter::new(memory)
        .with_encoding(options.encoding)
        .with_handles(&mut handles);
    if let Some(ranges) = deferred {
        lifter = lifter.with_deferred_strings(ranges);
    }
    lift(&mut lifter)
}

/// A string left in one component's memory, to be copied straight into
/// another's: the memory, and where in it the string lies.
#[derive(Debug, Clone, Copy)]
pub(super) struct DeferredString {
    memory: Option<Memory>,
    range: StringRange,
}

/// The strings lifted from `memory` with `ranges`, in lifting order.
fn deferred(memory: Option<Memory>, ranges: Vec<StringRange>) -> VecDeque<DeferredString> {
    ranges
        .into_iter()
        .map(|range| DeferredString { memory, range })
        .collect()
}

/// What a lifted call does with its core results, before its
/// post-return runs: lift them for the host, or lift and lower them into
/// the calling component.
type Deliver<'d> = dyn FnMut(&mut StoreInner, &[u64]) -> Result<(), Trap> + 'd;

/// Calls into a lifted function; the arguments' strings that are empty
/// placeholders come from `strings`, in order. `deliver` takes the
/// results.
fn call_lifted(
    inner: &mut StoreInner,
    lifted: &Lifted,
    args: &[Val],
    strings: VecDeque<DeferredString>,
    deliver: &mut Deliver<'_>,
) -> Result<(), Trap> {
    let state = lifted.instance as usize;
    if !inner.component.instances[state].may_enter {
        return Err(trap("cannot enter component instance"));
    }
    inner.component.instances[state].may_enter = false;
    let id = inner.component.next_call;
    inner.component.next_call += 1;
    inner.component.calls.push(CallScope { id, borrows: 0 });
    let scope = inner.component.calls.len() - 1;
    let outcome = run_lifted(inner, lifted, args, strings, scope, deliver);
    inner.component.calls.truncate(scope);
    inner.component.instances[state].may_enter = true;
    outcome
}

fn run_lifted(
    inner: &mut StoreInner,
    lifted: &Lifted,
    args: &[Val],
    strings: VecDeque<DeferredString>,
    scope: usize,
    deliver: &mut Deliver<'_>,
) -> Result<(), Trap> {
    let state = lifted.instance as usize;
    let (ty, signature) = (&lifted.ty, &lifted.signature);
    let mut flat = Vec::with_capacity(signature.params.len());
    {
        let mut lowerer = GuestLowerer {
            inner,
            options: &lifted.options,
            state,
            resources: &lifted.resources,
            scope: Some(scope),
            strings,
        };
        if signature.params_in_memory {
            let ptr = store_params(&mut lowerer, ty, args)?;
            flat.push(u64::from(ptr));
        } else {
            for (arg, (_, t)) in args.iter().zip(&ty.params) {
                lowerer.lower_flat(arg, t, &mut flat)?;
            }
        }
    }
    // The core call goes through a slot array on the stack, as a typed
    // call's does: the flat values are already of the core signature's
    // types, so they need no per-call vectors or checks.
    let mut slots = [0u128; MAX_CORE_SLOTS];
    for (slot, bits) in slots.iter_mut().zip(&flat) {
        *slot = u128::from(*bits);
    }
    let count = signature.params.len().max(signature.results.len());
    let funcref = inner.funcs[lifted.core.index() as usize].funcref;
    inner
        .call_raw(funcref, &mut slots[..count])
        .map_err(|trap| *trap)?;
    let mut results = [0u64; MAX_CORE_SLOTS];
    for ((bits, slot), ty) in results.iter_mut().zip(slots).zip(&signature.results) {
        *bits = slot_bits(slot, *ty);
    }
    deliver(inner, &results[..signature.results.len()])?;
    if inner.component.calls[scope].borrows > 0 {
        return Err(trap("borrow handles still remain at the end of the call"));
    }
    post_return(inner, lifted, &mut slots[..count.max(1)]).map_err(|trap| *trap)
}

/// Runs `lifted`'s post-return function, if it has one, on the core
/// results still in `slots` (the call's slots, at least one long), with
/// the instance barred from leaving meanwhile.
fn post_return(
    inner: &mut StoreInner,
    lifted: &Lifted,
    slots: &mut [u128],
) -> Result<(), Box<Trap>> {
    let Some(post_return) = lifted.options.post_return else {
        return Ok(());
    };
    let state = lifted.instance as usize;
    inner.component.instances[state].may_leave = false;
    let funcref = inner.funcs[post_return.index() as usize].funcref;
    let outcome = inner.call_raw(funcref, slots);
    inner.component.instances[state].may_leave = true;
    outcome
}

/// The bits of a core result of type `ty` in its call slot, as
/// [`to_bits`] gives them (a 32-bit value zero-extended).
fn slot_bits(slot: u128, ty: ValType) -> u64 {
    match ty {
        ValType::I64 | ValType::F64 => slot as u64,
        _ => u64::from(slot as u32),
    }
}

/// Stores the arguments of a call to `ty` as its parameter tuple, in
/// memory `realloc` gives, returning the address.
fn store_params(lowerer: &mut GuestLowerer<'_>, ty: &FuncType, args: &[Val]) -> Result<u32, Trap> {
    let layouts: Vec<Layout> = ty.params.iter().map(|(_, t)| t.layout()).collect();
    let tuple = Layout::record(&layouts).map_err(|_| trap("the parameters are too large"))?;
    let offsets =
        Layout::field_offsets(&layouts).map_err(|_| trap("the parameters are too large"))?;
    let ptr = lowerer.allocate("parameters", tuple.size, tuple.align)?;
    for ((arg, (_, t)), offset) in args.iter().zip(&ty.params).zip(offsets) {
        lowerer.store(arg, t, ptr + offset)?;
    }
    Ok(ptr)
}

/// Lifts a lifted call's result from its core results `bits` (strings
/// left in memory when `deferred` is given).
fn lift_result(
    inner: &mut StoreInner,
    lifted: &Lifted,
    bits: &[u64],
    deferred: Option<&mut Vec<StringRange>>,
) -> Result<Option<Val>, Trap> {
    let Some(t) = &lifted.ty.result else {
        return Ok(None);
    };
    // Results hold no borrows, so nothing is lent.
    let mut lends = Vec::new();
    let in_memory = lifted.signature.result_in_memory;
    let value = lift_from(
        inner,
        &lifted.options,
        lifted.instance as usize,
        &lifted.resources,
        &mut lends,
        deferred,
        |lifter| {
            if in_memory {
                lifter.load(t, bits[0] as u32)
            } else {
                lifter.lift_flat(t, &mut bits.iter().copied())
            }
        },
    )?;
    Ok(Some(value))
}

/// The most core values a lifted call passes or returns: 16 flat
/// parameters (a pointer past that), one flat result.
pub(super) const MAX_CORE_SLOTS: usize = weft_wit::abi::MAX_FLAT_PARAMS;

/// Calls into a lifted function with Rust values (a [`TypedFunc`] call):
/// the same steps as [`call_lifted`], moving the values straight between
/// Rust and the callee's memory.
///
/// [`TypedFunc`]: super::TypedFunc
pub(crate) fn call_typed<P: ComponentParams, R: Lift>(
    inner: &mut StoreInner,
    lifted: &Lifted,
    params: &P,
) -> Result<R, Box<Trap>> {
    let state = lifted.instance as usize;
    if !inner.component.instances[state].may_enter {
        return Err(Box::new(trap("cannot enter component instance")));
    }
    inner.component.instances[state].may_enter = false;
    let id = inner.component.next_call;
    inner.component.next_call += 1;
    inner.component.calls.push(CallScope { id, borrows: 0 });
    let scope = inner.component.calls.len() - 1;
    let outcome = run_typed(inner, lifted, params, scope);
    inner.component.calls.truncate(scope);
    inner.component.instances[state].may_enter = true;
    outcome
}

fn run_typed<P: ComponentParams, R: Lift>(
    inner: &mut StoreInner,
    lifted: &Lifted,
    params: &P,
    scope: usize,
) -> Result<R, Box<Trap>> {
    let state = lifted.instance as usize;
    let (ty, signature) = (&lifted.ty, &lifted.signature);
    let mut slots = [0u128; MAX_CORE_SLOTS];
    {
        let mut lowerer = GuestLowerer {
            inner,
            options: &lifted.options,
            state,
            resources: &lifted.resources,
            scope: Some(scope),
            strings: VecDeque::new(),
        };
        if signature.params_in_memory {
            let ptr = lowerer.allocate("parameters", P::SIZE, P::ALIGN)?;
            params.store(&mut lowerer, &ty.params, ptr as usize)?;
            slots[0] = u128::from(ptr);
        } else {
            params.lower_flat(&mut lowerer, &ty.params, &mut FlatWriter::new(&mut slots))?;
        }
    }
    let count = signature.params.len().max(signature.results.len());
    let funcref = inner.funcs[lifted.core.index() as usize].funcref;
    inner.call_raw(funcref, &mut slots[..count])?;
    let results = &slots[..signature.results.len()];
    let mut lends = Vec::new();
    let result = lift_from(
        inner,
        &lifted.options,
        state,
        &lifted.resources,
        &mut lends,
        None,
        |lifter| {
            let result_ty = ty.result.as_ref().unwrap_or(&NO_RESULT);
            if signature.result_in_memory {
                let ptr = results[0] as u32;
                let memory = lifter.memory().len();
                let at = checked("value", ptr, u64::from(R::SIZE), R::ALIGN, memory)?;
                R::load(lifter, result_ty, at)
            } else {
                R::lift_flat(lifter, result_ty, &mut FlatReader::new(results))
            }
        },
    )?;
    if inner.component.calls[scope].borrows > 0 {
        return Err(Box::new(trap(
            "borrow handles still remain at the end of the call",
        )));
    }
    post_return(inner, lifted, &mut slots[..count.max(1)])?;
    Ok(result)
}

/// The type a function without result is lifted with (as `()`).
static NO_RESULT: super::types::Type = super::types::Type::Tuple(Vec::new());

/// A lowered import: what a guest's call of it needs.
pub(crate) struct Lowered {
    /// The component function called.
    pub target: u32,
    pub ty: Arc<FuncType>,
    pub signature: CoreSignature,
    pub options: RuntimeOptions,
    /// The calling component instance.
    pub instance: u32,
    pub resources: Arc<[Option<ResourceType>]>,
    /// The raw host function the target is, if it is one.
    pub raw: Option<super::raw::RawTarget>,
}

/// Runs a guest's call of a lowered import. A call into another
/// component's lifted function (with its own memory) passes strings
/// straight from memory to memory, and lowers the results into the caller
/// before the callee's post-return, as the canonical ABI orders it.
pub(crate) fn call_lowered(
    inner: &mut StoreInner,
    lowered: &Lowered,
    core_args: &[CoreVal],
    core_results: &mut [CoreVal],
) -> Result<(), Trap> {
    let state = lowered.instance as usize;
    if !inner.component.instances[state].may_leave {
        return Err(trap("cannot leave component instance"));
    }
    if let Some(raw) = &lowered.raw {
        return super::raw::call_host(inner, lowered, raw, core_args, core_results);
    }
    let fused = match &inner.component.funcs[lowered.target as usize] {
        ComponentFuncData::Lifted(lifted) if lifted.options.memory != lowered.options.memory => {
            Some(lifted.clone())
        }
        _ => None,
    };
    let bits: Vec<u64> = core_args.iter().map(to_bits).collect();
    let mut lends = Vec::new();
    let mut ranges = Vec::new();
    let args = lift_args(
        inner,
        lowered,
        &bits,
        &mut lends,
        fused.as_ref().map(|_| &mut ranges),
    )?;
    let outcome = match fused {
        Some(lifted) => {
            let strings = deferred(lowered.options.memory, ranges);
            let from = lifted.options.memory;
            call_lifted(inner, &lifted, &args, strings, &mut |inner, result| {
                let mut ranges = Vec::new();
                let value = lift_result(inner, &lifted, result, Some(&mut ranges))?;
                let strings = deferred(from, ranges);
                lower_result(inner, lowered, &bits, core_results, value, strings)
            })
        }
        None => call(inner, lowered.target, &args).and_then(|value| {
            lower_result(inner, lowered, &bits, core_results, value, VecDeque::new())
        }),
    };
    for (owner, handle) in lends {
        if let Ok(h) = inner.component.instances[owner].handles.get_mut(handle) {
            h.lends -= 1;
        }
    }
    outcome
}

/// Lifts a lowered call's arguments from the caller's core arguments
/// `bits` (strings left in memory when `deferred` is given).
fn lift_args(
    inner: &mut StoreInner,
    lowered: &Lowered,
    bits: &[u64],
    lends: &mut Vec<(usize, u32)>,
    deferred: Option<&mut Vec<StringRange>>,
) -> Result<Vec<Val>, Trap> {
    let (ty, signature) = (&lowered.ty, &lowered.signature);
    let args = lift_from(
        inner,
        &lowered.options,
        lowered.instance as usize,
        &lowered.resources,
        lends,
        deferred,
        |lifter| {
            if signature.params_in_memory {
                match lifter.load(&ty.params_tuple(), bits[0] as u32)? {
                    Val::Tuple(values) => Ok(values),
                    _ => unreachable!("a tuple type loads as a tuple"),
                }
            } else {
                let mut flat = bits.iter().copied();
                ty.params
                    .iter()
                    .map(|(_, t)| lifter.lift_flat(t, &mut flat))
                    .collect()
            }
        },
    )?;
    Ok(args)
}

/// Lowers a lowered call's result `value` into the caller: as its core
/// results, or at the return pointer, the last of its core arguments
/// `bits`. Placeholder strings come from `strings`.
fn lower_result(
    inner: &mut StoreInner,
    lowered: &Lowered,
    bits: &[u64],
    core_results: &mut [CoreVal],
    value: Option<Val>,
    strings: VecDeque<DeferredString>,
) -> Result<(), Trap> {
    let (ty, signature) = (&lowered.ty, &lowered.signature);
    let (Some(value), Some(t)) = (value, &ty.result) else {
        return Ok(());
    };
    let mut lowerer = GuestLowerer {
        inner,
        options: &lowered.options,
        state: lowered.instance as usize,
        resources: &lowered.resources,
        scope: None,
        strings,
    };
    if signature.result_in_memory {
        let ptr = *bits.last().expect("a return pointer") as u32;
        lowerer.store(&value, t, ptr)?;
    } else {
        let mut flat = Vec::with_capacity(1);
        lowerer.lower_flat(&value, t, &mut flat)?;
        for ((slot, bits), ty) in core_results.iter_mut().zip(flat).zip(&signature.results) {
            *slot = to_core(bits, *ty);
        }
    }
    Ok(())
}

/// Lowers values into a component instance: its memory, realloc and
/// handle table.
pub(super) struct GuestLowerer<'a> {
    pub(super) inner: &'a mut StoreInner,
    pub(super) options: &'a RuntimeOptions,
    pub(super) state: usize,
    pub(super) resources: &'a [Option<ResourceType>],
    /// The call scope borrows are lent for (when lowering arguments).
    pub(super) scope: Option<usize>,
    /// Where the values' placeholder strings really are, in order.
    pub(super) strings: VecDeque<DeferredString>,
}

fn slot_type(resources: &[Option<ResourceType>], slot: u32) -> Result<ResourceType, LiftError> {
    resources
        .get(slot as usize)
        .copied()
        .flatten()
        .ok_or_else(|| LiftError::Handle(format!("resource type {slot} is not bound")))
}

impl GuestLowerer<'_> {
    fn checked_resource(&self, slot: u32, resource: Resource) -> Result<ResourceType, LiftError> {
        let ty = slot_type(self.resources, slot)?;
        if resource.ty != ty {
            return Err(LiftError::Handle(
                "a resource of another type than the parameter's".into(),
            ));
        }
        Ok(ty)
    }

    /// Calls the component's `realloc(old_ptr, old_size, align,
    /// new_size)`; it may not call out of the component meanwhile.
    fn realloc_from(
        &mut self,
        old_ptr: u32,
        old_size: u32,
        align: u32,
        new_size: u32,
    ) -> Result<u32, LiftError> {
        let realloc = self
            .options
            .realloc
            .ok_or_else(|| LiftError::Realloc("the component has no realloc option".into()))?;
        let args = [
            CoreVal::I32(old_ptr as i32),
            CoreVal::I32(old_size as i32),
            CoreVal::I32(align as i32),
            CoreVal::I32(new_size as i32),
        ];
        let mut result = [CoreVal::I32(0)];
        self.inner.component.instances[self.state].may_leave = false;
        let outcome = realloc.call_in(self.inner, &args, &mut result);
        self.inner.component.instances[self.state].may_leave = true;
        outcome.map_err(|e| LiftError::Trap(core_trap(e).to_string()))?;
        Ok(to_bits(&result[0]) as u32)
    }
}

impl Lowerer for GuestLowerer<'_> {
    fn memory(&mut self) -> &mut [u8] {
        // SAFETY: the slice is used before the next realloc call.
        unsafe { guest_memory(self.inner, self.options.memory) }
    }

    fn realloc(&mut self, size: u32, align: u32) -> Result<u32, LiftError> {
        self.realloc_from(0, 0, align, size)
    }

    fn encoding(&self) -> StringEncoding {
        self.options.encoding
    }

    fn lower_string(&mut self, text: &str) -> Result<(u32, u32), LiftError> {
        match self.strings.pop_front() {
            Some(from) => {
                let source = Source::of_range(&from.range);
                let encoding = self.options.encoding;
                transcode::store(
                    &mut Transfer {
                        lowerer: self,
                        from,
                    },
                    source,
                    encoding,
                )
            }
            None => store_host_string(self, text),
        }
    }

    fn lower_own(&mut self, slot: u32, resource: Resource) -> Result<u32, LiftError> {
        self.checked_resource(slot, resource)?;
        self.inner.component.release(&resource)?;
        let resource = Resource::new(resource.ty, resource.rep);
        self.inner.component.instances[self.state]
            .handles
            .add(Handle {
                resource,
                own: true,
                lends: 0,
                scope: None,
            })
    }

    fn lower_borrow(&mut self, slot: u32, resource: Resource) -> Result<u32, LiftError> {
        let ty = self.checked_resource(slot, resource)?;
        self.inner.component.check_held(&resource)?;
        let resource = Resource::new(resource.ty, resource.rep);
        let component = &mut self.inner.component;
        if component.resource_types[ty.index as usize].owner == Some(self.state as u32) {
            return Ok(resource.rep);
        }
        let scope = self
            .scope
            .ok_or_else(|| LiftError::Handle("a borrow outside of a call".into()))?;
        let id = component.calls[scope].id;
        let handle = component.instances[self.state].handles.add(Handle {
            resource,
            own: false,
            lends: 0,
            scope: Some(id),
        })?;
        component.calls[scope].borrows += 1;
        Ok(handle)
    }
}

/// A string copied from one component's memory straight into another's.
struct Transfer<'l, 'a> {
    lowerer: &'l mut GuestLowerer<'a>,
    from: DeferredString,
}

impl StringDest for Transfer<'_, '_> {
    fn realloc(
        &mut self,
        old_ptr: u32,
        old_size: u32,
        align: u32,
        new_size: u32,
    ) -> Result<u32, LiftError> {
        self.lowerer
            .realloc_from(old_ptr, old_size, align, new_size)
    }

    fn buffers(&mut self) -> (&[u8], &mut [u8]) {
        let start = self.from.range.ptr as usize;
        let end = start + self.from.range.byte_len() as usize;
        // SAFETY: strings are deferred only between components with
        // different memories, so the two slices do not overlap; both are
        // used only until the next realloc. Memories never shrink, so the
        // range, checked when it was lifted, is still inside its memory.
        let (source, dest) = unsafe {
            (
                guest_memory(self.lowerer.inner, self.from.memory),
                guest_memory(self.lowerer.inner, self.lowerer.options.memory),
            )
        };
        (&source[start..end], dest)
    }
}

/// Lifts handles out of a component instance's table.
pub(super) struct GuestHandles<'a> {
    pub(super) component: &'a mut ComponentStore,
    pub(super) state: usize,
    pub(super) resources: &'a [Option<ResourceType>],
    /// Own handles lent for the call, to give back after it.
    pub(super) lends: &'a mut Vec<(usize, u32)>,
}

impl LiftHandles for GuestHandles<'_> {
    fn lift_own(&mut self, slot: u32, handle: u32) -> Result<Resource, LiftError> {
        let ty = slot_type(self.resources, slot)?;
        let resource = self.component.instances[self.state]
            .handles
            .take_own(handle, ty)?;
        Ok(self.component.hold(resource))
    }

    fn lift_borrow(&mut self, slot: u32, handle: u32) -> Result<Resource, LiftError> {
        let ty = slot_type(self.resources, slot)?;
        let entry = self.component.instances[self.state]
            .handles
            .get_mut(handle)?;
        check_type(handle, entry, ty)?;
        if entry.own {
            entry.lends += 1;
            self.lends.push((self.state, handle));
        }
        Ok(entry.resource)
    }
}

/// Drops the handle `index` of resource type `ty` in component instance
/// `state` (`canon resource.drop`), running the destructor of an own
/// handle's resource.
pub(crate) fn resource_drop(
    inner: &mut StoreInner,
    state: usize,
    ty: ResourceType,
    index: u32,
) -> Result<(), Trap> {
    let table = &mut inner.component.instances[state].handles;
    let handle = table.get(index)?;
    check_type(index, handle, ty)?;
    if handle.own && handle.lends > 0 {
        return Err(trap(format!(
            "cannot remove owned resource while borrowed: handle {index} is lent out"
        )));
    }
    let handle = table.remove(index)?;
    if !handle.own {
        let scope = handle.scope;
        if let Some(call) = inner
            .component
            .calls
            .iter_mut()
            .find(|c| Some(c.id) == scope)
        {
            call.borrows -= 1;
        }
        return Ok(());
    }
    run_destructor(inner, handle.resource, Some(state))
}

/// Drops an owned resource the host holds (`Resource::drop`): it must
/// still be the host's, and its destructor runs.
pub(crate) fn drop_host_resource(inner: &mut StoreInner, resource: Resource) -> Result<(), Trap> {
    inner.component.release(&resource)?;
    run_destructor(inner, resource, None)
}

/// Runs the destructor of `resource`'s type, if it has one, for a drop by
/// component instance `dropper` (`None`: the host). The defining instance
/// runs its own destructor directly; anyone else enters it, which it must
/// allow (it may not be running a call).
pub(crate) fn run_destructor(
    inner: &mut StoreInner,
    resource: Resource,
    dropper: Option<usize>,
) -> Result<(), Trap> {
    let data = &inner.component.resource_types[resource.ty.index as usize];
    let (dtor, owner) = (data.dtor.clone(), data.owner.map(|o| o as usize));
    let entering = owner.filter(|o| Some(*o) != dropper);
    if let Some(owner) = entering {
        if !inner.component.instances[owner].may_enter {
            return Err(trap(
                "cannot enter component instance (to run a destructor)",
            ));
        }
        inner.component.instances[owner].may_enter = false;
    }
    let outcome = match dtor {
        None => Ok(()),
        Some(Dtor::Guest(f)) => f
            .call_in(inner, &[CoreVal::I32(resource.rep as i32)], &mut [])
            .map_err(core_trap),
        Some(Dtor::Host(f)) => f(inner, resource.rep),
    };
    if let Some(owner) = entering {
        inner.component.instances[owner].may_enter = true;
    }
    outcome
}

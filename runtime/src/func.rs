//! Functions: calling wasm from the host, and host functions wasm calls.

use crate::error::Error;
use crate::store::{Store, StoreInner};
use crate::trap::{Trap, TrapKind};
use crate::types::FuncType;
use crate::values::Val;
use crate::vm::instance::VMFuncRef;

/// A function in a store: exported by an instance or defined by the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Func {
    store_id: u64,
    index: u32,
}

/// A host function's behaviour.
pub type HostFn = dyn Fn(&[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync;

/// A host function that works on the store it is called in (the
/// component model's lowered functions and built-ins).
pub(crate) type StoreHostFn =
    dyn Fn(&mut StoreInner, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync;

/// The behaviour behind a host function.
pub(crate) enum HostCallable {
    /// A function of the values alone.
    Plain(Box<HostFn>),
    /// A function of the store and the values.
    WithStore(Box<StoreHostFn>),
}

/// What a host function's `VMFuncRef.vmctx` points at. The wasm-to-host
/// trampoline calls `dispatch` (at offset 0) with this and the value slots.
#[repr(C)]
pub(crate) struct HostFuncData {
    dispatch: unsafe extern "C" fn(*mut HostFuncData, *mut u128) -> u32,
    func: HostCallable,
    ty: FuncType,
    store: *mut StoreInner,
}

/// Runs a host function for compiled code: slots in, slots out. Failure
/// (an error or a panic) is recorded for the trap handler and reported as
/// a non-zero status; nothing unwinds into wasm frames.
unsafe extern "C" fn dispatch(data: *mut HostFuncData, slots: *mut u128) -> u32 {
    // SAFETY: `data` is the HostFuncData this trampoline was made for, and
    // its store is alive while its code runs.
    let data = unsafe { &*data };
    let count = data.ty.params().len().max(data.ty.results().len()).max(1);
    // SAFETY: the trampoline reserved `count` slots.
    let slots = unsafe { std::slice::from_raw_parts_mut(slots, count) };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: the store outlives calls into its functions.
        let store = unsafe { &mut *data.store };
        let params: Vec<Val> = data
            .ty
            .params()
            .iter()
            .zip(slots.iter())
            .map(|(ty, raw)| Val::from_raw(store, *raw, *ty))
            .collect();
        let mut results: Vec<Val> = data
            .ty
            .results()
            .iter()
            .map(|ty| Val::default_for(*ty))
            .collect();
        match &data.func {
            HostCallable::Plain(func) => func(&params, &mut results),
            HostCallable::WithStore(func) => func(store, &params, &mut results),
        }
        .map_err(|trap| trap.kind)?;
        for (i, (result, ty)) in results.iter().zip(data.ty.results()).enumerate() {
            if result.ty() != *ty {
                return Err(TrapKind::Host(format!(
                    "host function returned {} for result {i}, expected {ty}",
                    result.ty()
                )));
            }
            slots[i] = result
                .to_raw(store)
                .map_err(|e| TrapKind::Host(e.to_string()))?;
        }
        Ok(())
    }));
    let failure = match outcome {
        Ok(Ok(())) => return 0,
        Ok(Err(kind)) => kind,
        Err(_) => TrapKind::Host("host function panicked".into()),
    };
    crate::vm::builtins::set_pending_trap(failure);
    1
}

impl Func {
    pub(crate) fn from_parts(store_id: u64, index: u32) -> Func {
        Func { store_id, index }
    }

    pub(crate) fn store_id(&self) -> u64 {
        self.store_id
    }

    pub(crate) fn index(&self) -> u32 {
        self.index
    }

    /// A host function of type `ty`.
    pub fn new<T>(
        store: &mut Store<T>,
        ty: FuncType,
        func: impl Fn(&[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> Result<Func, Error> {
        Func::new_host(&mut store.inner, ty, HostCallable::Plain(Box::new(func)))
    }

    /// A host function in `inner`.
    pub(crate) fn new_host(
        inner: &mut StoreInner,
        ty: FuncType,
        func: HostCallable,
    ) -> Result<Func, Error> {
        let code = inner.engine.host_trampolines(&ty)?;
        let type_id = inner.engine.type_id(&ty);
        let mut data = Box::new(HostFuncData {
            dispatch,
            func,
            ty: ty.clone(),
            store: inner as *mut StoreInner,
        });
        let funcref = Box::new(VMFuncRef::new(
            code.address(code.host_calls[0]),
            code.address(code.array_calls[0]),
            &mut *data as *mut HostFuncData as usize,
            type_id,
        ));
        let funcref_ptr: *const VMFuncRef = &*funcref;
        inner.host_funcs.push(data);
        inner.host_funcrefs.push(funcref);
        inner.host_code.push(code);
        Ok(inner.add_func(funcref_ptr, ty))
    }

    /// The function's type.
    pub fn ty<T>(&self, store: &Store<T>) -> FuncType {
        store.inner.funcs[self.index as usize].ty.clone()
    }

    /// Calls the function with `params`, writing its results into
    /// `results`. A trap comes back as [`Error::Trap`].
    pub fn call<T>(
        &self,
        store: &mut Store<T>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error> {
        self.call_in(&mut store.inner, params, results)
    }

    /// [`Func::call`] on the store's state.
    pub(crate) fn call_in(
        &self,
        inner: &mut StoreInner,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error> {
        inner.check(self.store_id, "function")?;
        let data = &inner.funcs[self.index as usize];
        let funcref = data.funcref;
        let (param_count, result_count) = (data.ty.params().len(), data.ty.results().len());
        if params.len() != param_count
            || params
                .iter()
                .zip(data.ty.params())
                .any(|(v, t)| v.ty() != *t)
        {
            let given: Vec<String> = params.iter().map(|v| v.ty().to_string()).collect();
            return Err(Error::Type {
                message: format!("function {} called with ({})", data.ty, given.join(" ")),
            });
        }
        if results.len() != result_count {
            return Err(Error::Type {
                message: format!(
                    "function {} returns {result_count} values, {} slots given",
                    data.ty,
                    results.len()
                ),
            });
        }
        // Up to eight values travel in a stack buffer; more need the heap.
        let count = param_count.max(result_count).max(1);
        let mut small = [0u128; 8];
        let mut large = Vec::new();
        let slots: &mut [u128] = if count <= small.len() {
            &mut small[..count]
        } else {
            large.resize(count, 0);
            &mut large
        };
        for (slot, value) in slots.iter_mut().zip(params) {
            *slot = value.to_raw(inner)?;
        }
        inner.call_raw(funcref, slots)?;
        for (i, (result, raw)) in results.iter_mut().zip(slots.iter()).enumerate() {
            let ty = inner.funcs[self.index as usize].ty.results()[i];
            *result = Val::from_raw(inner, *raw, ty);
        }
        Ok(())
    }
}

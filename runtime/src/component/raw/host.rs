//! Raw host functions: a host function that components import, which
//! reads its arguments out of the calling component and writes its result
//! back into it itself ([`LinkerInstance::func_raw`]), the canonical
//! ABI's lower direction (`call::call_lowered` does the same with
//! [`Val`](crate::component::Val)s).

use std::collections::VecDeque;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use super::lower::{Added, Spill};
use super::{signature_error, size_align, RawLifter, RawLowerer};
use crate::component::abi::{checked, StringEncoding};
use crate::component::call::{guest_memory, to_bits, to_core, GuestHandles, GuestLowerer, Lowered};
use crate::component::instance::Item;
use crate::component::linker::{LinkerInstance, StoreContext};
use crate::component::resources::{Resource, ResourceType};
use crate::component::types::{CoreSignature, FuncType};
use crate::store::StoreInner;
use crate::trap::{Trap, TrapKind};
use crate::values::Val as CoreVal;

/// The most core arguments a lowered import takes: 16 flat parameters and
/// a return pointer.
const MAX_CORE_ARGS: usize = weft_wit::abi::MAX_FLAT_PARAMS + 1;

/// A raw host function's behaviour.
pub(crate) type RawHostFn = dyn Fn(&mut RawHostCall<'_>) -> Result<(), Trap> + Send + Sync;

/// A raw host function as a linker holds it: the type it was declared
/// with, if any (checked against the import it satisfies), and its
/// behaviour.
pub(crate) struct RawHostDef {
    pub ty: Option<FuncType>,
    pub func: Arc<RawHostFn>,
}

/// A lowered import that reaches a raw host function: the function, and
/// the layouts its calls check, worked out when the import is lowered.
pub(crate) struct RawTarget {
    pub func: Arc<RawHostFn>,
    /// Size and alignment of the parameter tuple.
    params: (u32, u32),
    /// Size and alignment of the result.
    result: (u32, u32),
}

impl RawTarget {
    /// `func` reached through an import of type `ty`.
    pub fn new(func: Arc<RawHostFn>, ty: &FuncType) -> RawTarget {
        RawTarget {
            func,
            params: ty.params_size_align(),
            result: size_align(ty.result.as_ref()),
        }
    }
}

impl LinkerInstance<'_> {
    /// Defines the function `name` as a raw host function: `func` reads
    /// the arguments out of the calling component and writes the result
    /// into it itself, through the [`RawHostCall`] it is given (see
    /// [`RawFunc`](super::RawFunc) for the other direction). It takes the
    /// type of the import it satisfies ([`RawHostCall::ty`]); with `ty`,
    /// instantiation checks that the import has that type (resource types
    /// aside, which are numbered per component), so that `func` may rely
    /// on it. An `Err` from `func` traps the calling component.
    pub fn func_raw(
        &mut self,
        name: &str,
        ty: Option<FuncType>,
        func: impl Fn(&mut RawHostCall<'_>) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> &mut Self {
        let def = RawHostDef {
            ty,
            func: Arc::new(func),
        };
        self.define_item(name, Item::RawHostFunc(Arc::new(def)))
    }
}

/// A component's call of a raw host function
/// ([`LinkerInstance::func_raw`]): the arguments to read, with
/// [`args`](Self::args), and the result to write, with
/// [`results`](Self::results), in the calling component's memory, string
/// encoding and handle table. Read the arguments first: the reader must be
/// dropped before the writer is made, since writing runs the caller's
/// `realloc`.
pub struct RawHostCall<'a> {
    inner: &'a mut StoreInner,
    lowered: &'a Lowered,
    /// The caller's core arguments as bits, how many of them are flat
    /// values to read (none when they come through memory) and how many
    /// were read.
    flat: [u64; MAX_CORE_ARGS],
    flat_len: usize,
    position: usize,
    /// The checked address of the arguments, when they come through
    /// memory.
    args_spill: Option<u32>,
    result: [u128; weft_wit::abi::MAX_FLAT_RESULTS],
    result_len: usize,
    result_spill: Spill,
    /// Own handles lent to this call by the caller, to give back after it.
    lends: Vec<(usize, u32)>,
    owns: Vec<Resource>,
    added: Vec<Added>,
}

impl<'a> RawHostCall<'a> {
    /// The type of the import the caller calls.
    pub fn ty(&self) -> &'a FuncType {
        &self.lowered.ty
    }

    /// Its core signature, as the caller lowered it: where the arguments
    /// come from and where the result goes. It lives as long as the call
    /// (not only as this borrow), so its core types can be consulted while
    /// the arguments are read or the result written.
    pub fn signature(&self) -> &'a CoreSignature {
        &self.lowered.signature
    }

    /// How the calling component encodes strings.
    pub fn encoding(&self) -> StringEncoding {
        self.lowered.options.encoding
    }

    /// The resource type that slot `slot` of the function's handle types
    /// ([`Type::Own`](crate::component::Type::Own),
    /// [`Type::Borrow`](crate::component::Type::Borrow)) stands for.
    pub fn resource_type(&self, slot: u32) -> Option<ResourceType> {
        self.lowered.resources.get(slot as usize).copied().flatten()
    }

    /// The reader of the arguments: the caller's flat values (the return
    /// pointer, when there is one, is not among them) or, past 16, the
    /// parameter tuple at [`RawLifter::spill_area`]. Reading goes on where
    /// the last reader stopped.
    pub fn args(&mut self) -> RawLifter<'_> {
        let lowered = self.lowered;
        // SAFETY: the lifter borrows this call, so no wasm runs while the
        // slice is in use.
        let memory = unsafe { guest_memory(self.inner, lowered.options.memory) };
        RawLifter {
            memory,
            encoding: lowered.options.encoding,
            handles: GuestHandles {
                component: &mut self.inner.component,
                state: lowered.instance as usize,
                resources: &lowered.resources,
                lends: &mut self.lends,
            },
            flat: &self.flat[..self.flat_len],
            position: &mut self.position,
            spill: self.args_spill,
            owns: &mut self.owns,
        }
    }

    /// The writer of the result: one flat value, or, past that, the
    /// result stored at [`RawLowerer::spill_area`] (the address the caller
    /// passed), with strings and lists in blocks from the caller's
    /// `realloc`.
    pub fn results(&mut self) -> RawLowerer<'_> {
        let lowered = self.lowered;
        let capacity = if lowered.signature.result_in_memory {
            0
        } else {
            lowered.signature.results.len()
        };
        RawLowerer {
            guest: GuestLowerer {
                inner: &mut *self.inner,
                options: &lowered.options,
                state: lowered.instance as usize,
                resources: &lowered.resources,
                scope: None,
                strings: VecDeque::new(),
            },
            slots: &mut self.result[..capacity],
            len: &mut self.result_len,
            spill: &mut self.result_spill,
            added: &mut self.added,
        }
    }

    /// The store, for what a host function may do with it (drop
    /// resources it holds).
    pub fn store(&mut self) -> StoreContext<'_> {
        StoreContext::new(self.inner)
    }

    /// After the host function returned: its result checked and handed to
    /// the caller as `core_results`.
    fn finish(&self, core_results: &mut [CoreVal], target: &RawTarget) -> Result<(), Trap> {
        let signature = &self.lowered.signature;
        if let Spill::Result { ptr, .. } = self.result_spill {
            // The caller's return pointer is checked even if the host
            // function wrote nothing there.
            // SAFETY: only its length is read.
            let memory = unsafe { guest_memory(self.inner, self.lowered.options.memory) };
            let (size, align) = target.result;
            checked("value", ptr, u64::from(size), align, memory.len())?;
            return Ok(());
        }
        if self.result_len != signature.results.len() {
            return Err(signature_error(format!(
                "the host function for {} pushed {} flat results, its type has {}",
                self.lowered.ty,
                self.result_len,
                signature.results.len()
            )));
        }
        for ((slot, bits), ty) in core_results
            .iter_mut()
            .zip(&self.result)
            .zip(&signature.results)
        {
            *slot = to_core(*bits as u64, *ty);
        }
        Ok(())
    }
}

/// Runs a guest's call of the raw host function `target` through the
/// lowered import `lowered`.
pub(crate) fn call_host(
    inner: &mut StoreInner,
    lowered: &Lowered,
    target: &RawTarget,
    core_args: &[CoreVal],
    core_results: &mut [CoreVal],
) -> Result<(), Trap> {
    let signature = &lowered.signature;
    let value_args = core_args.len() - usize::from(signature.result_in_memory);
    let flat_len = if signature.params_in_memory {
        0
    } else {
        value_args
    };
    let args_spill = if signature.params_in_memory {
        let ptr = to_bits(&core_args[0]) as u32;
        // SAFETY: only its length is read.
        let memory = unsafe { guest_memory(inner, lowered.options.memory) };
        let (size, align) = target.params;
        checked("value", ptr, u64::from(size), align, memory.len())?;
        Some(ptr)
    } else {
        None
    };
    let result_spill = match core_args.last() {
        Some(ptr) if signature.result_in_memory => Spill::Result {
            ptr: to_bits(ptr) as u32,
            size: target.result.0,
            align: target.result.1,
        },
        _ => Spill::Flat,
    };
    let mut call = RawHostCall {
        inner,
        lowered,
        flat: [0; MAX_CORE_ARGS],
        flat_len: flat_len.min(MAX_CORE_ARGS),
        position: 0,
        args_spill,
        result: [0; weft_wit::abi::MAX_FLAT_RESULTS],
        result_len: 0,
        result_spill,
        lends: Vec::new(),
        owns: Vec::new(),
        added: Vec::new(),
    };
    for (bits, arg) in call.flat.iter_mut().zip(core_args) {
        *bits = to_bits(arg);
    }
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| (target.func)(&mut call)))
        .unwrap_or_else(|_| {
            Err(Trap {
                kind: TrapKind::Host("host function panicked".into()),
                backtrace: Vec::new(),
            })
        })
        .and_then(|()| call.finish(core_results, target));
    for (owner, handle) in call.lends.drain(..) {
        if let Ok(h) = call.inner.component.instances[owner]
            .handles
            .get_mut(handle)
        {
            h.lends -= 1;
        }
    }
    outcome
}

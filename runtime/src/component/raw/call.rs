//! A raw call into a lifted function, in stages: [`RawCall`] lowers the
//! arguments, calls, lifts the result and ends the call, the same steps as
//! `call::call_typed`, with the clean-up a failure (or a panic) in the
//! host's code needs whenever it stops.

use std::collections::VecDeque;

use super::lower::{Added, Spill};
use super::{signature_error, RawFunc, RawLifter, RawLowerer};
use crate::component::abi::checked;
use crate::component::call::{
    drop_host_resource, guest_memory, GuestHandles, GuestLowerer, MAX_CORE_SLOTS,
};
use crate::component::resources::Resource;
use crate::component::state::{trap, CallScope};
use crate::error::Error;
use crate::store::{Store, StoreInner};
use crate::trap::Trap;

/// Where a [`RawCall`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// The arguments are being lowered; the callee has not run.
    Lowering,
    /// The callee was called (and trapped, if the phase stays).
    Called,
    /// The callee returned; its result is being lifted.
    Returned,
    /// The call is over: finished, discarded, or failed.
    Ended,
}

/// A raw call of a [`RawFunc`] in progress, from [`RawFunc::begin`]: the
/// staged form of [`RawFunc::call`], for hosts that cannot hand the
/// runtime closures (a C API, whose caller would otherwise be called back
/// for each step). Lower the arguments with [`lowerer`](Self::lowerer),
/// call with [`invoke`](Self::invoke), lift the result with
/// [`lifter`](Self::lifter), then end the call with
/// [`finish`](Self::finish) (the lift succeeded) or
/// [`discard`](Self::discard) (it did not). Dropping the call discards it:
/// a call dropped before [`invoke`](Self::invoke) is not made and the
/// handles the lowering passed are taken back; after it, the callee's
/// post-return runs and the own handles lifted are dropped. The instance
/// may not be entered otherwise until the call ends.
///
/// The stages must come in order: [`lowerer`](Self::lowerer) and
/// [`invoke`](Self::invoke) before the call is made,
/// [`lifter`](Self::lifter) and [`finish`](Self::finish) after; anything
/// else is a bug in the host and panics.
pub struct RawCall<'s> {
    inner: &'s mut StoreInner,
    func: &'s RawFunc,
    /// The call scope borrows are lent for.
    scope: usize,
    phase: Phase,
    /// The core parameters, then results, in the slots of an array call.
    slots: [u128; MAX_CORE_SLOTS],
    /// How many flat parameters were pushed.
    len: usize,
    spill: Spill,
    /// Handles the lowering added to the callee's table.
    added: Vec<Added>,
    /// The flat result's bits, and the checked result pointer.
    result: [u64; 1],
    result_flat: usize,
    result_ptr: Option<u32>,
    /// How many flat results were read.
    position: usize,
    /// Own handles the lifting took from the callee, and borrows lent (none
    /// for results, which hold no borrows).
    lifted: Vec<Resource>,
    lends: Vec<(usize, u32)>,
}

impl RawFunc {
    /// Starts a call of this function in stages (see [`RawCall`]): the
    /// instance is entered, and arguments may be lowered.
    pub fn begin<'s, T>(&'s self, store: &'s mut Store<T>) -> Result<RawCall<'s>, Error> {
        store.inner.check(self.store_id, "component function")?;
        let scope = self.enter(&mut store.inner)?;
        Ok(RawCall::new(self, &mut store.inner, scope))
    }

    /// Enters the callee's instance for a call, returning the call's
    /// scope.
    #[inline(always)]
    pub(super) fn enter(&self, inner: &mut StoreInner) -> Result<usize, Error> {
        let state = self.lifted.instance as usize;
        if !inner.component.instances[state].may_enter {
            return Err(trap("cannot enter component instance").into());
        }
        inner.component.instances[state].may_enter = false;
        let id = inner.component.next_call;
        inner.component.next_call += 1;
        inner.component.calls.push(CallScope { id, borrows: 0 });
        Ok(inner.component.calls.len() - 1)
    }
}

impl<'s> RawCall<'s> {
    /// A call of `func`, whose instance was entered with call scope
    /// `scope` (made in place: the call is large).
    #[inline(always)]
    pub(super) fn new(func: &'s RawFunc, inner: &'s mut StoreInner, scope: usize) -> RawCall<'s> {
        let spill = if func.lifted.signature.params_in_memory {
            let (size, align) = func.params;
            Spill::Params {
                size,
                align,
                ptr: None,
            }
        } else {
            Spill::Flat
        };
        RawCall {
            inner,
            func,
            scope,
            phase: Phase::Lowering,
            slots: [0; MAX_CORE_SLOTS],
            len: 0,
            spill,
            added: Vec::new(),
            result: [0],
            result_flat: 0,
            result_ptr: None,
            position: 0,
            lifted: Vec::new(),
            lends: Vec::new(),
        }
    }

    /// The writer of the arguments (before [`invoke`](Self::invoke)):
    /// flat values, or the parameter tuple at
    /// [`RawLowerer::spill_area`]. Writing goes on where the last writer
    /// stopped.
    #[inline(always)]
    pub fn lowerer(&mut self) -> RawLowerer<'_> {
        assert_eq!(
            self.phase,
            Phase::Lowering,
            "RawCall::lowerer after the call was made"
        );
        let lifted = &*self.func.lifted;
        let capacity = if lifted.signature.params_in_memory {
            0
        } else {
            lifted.signature.params.len()
        };
        RawLowerer {
            guest: GuestLowerer {
                inner: &mut *self.inner,
                options: &lifted.options,
                state: lifted.instance as usize,
                resources: &lifted.resources,
                scope: Some(self.scope),
                strings: VecDeque::new(),
            },
            slots: &mut self.slots[..capacity],
            len: &mut self.len,
            spill: &mut self.spill,
            added: &mut self.added,
        }
    }

    /// Calls the callee with the arguments lowered, which must be
    /// complete (every flat value pushed, or the parameter tuple
    /// allocated at [`RawLowerer::spill_area`]). On an error (a trap in
    /// the callee, a result pointer out of bounds, arguments that break
    /// the signature) the call is over: discarding it does nothing more.
    #[inline(always)]
    pub fn invoke(&mut self) -> Result<(), Error> {
        assert_eq!(self.phase, Phase::Lowering, "RawCall::invoke twice");
        let outcome = self.run();
        if outcome.is_err() {
            let _ = self.close(false); // no post-return: cannot fail
        }
        outcome.map_err(Error::from)
    }

    #[inline(always)]
    fn run(&mut self) -> Result<(), Box<Trap>> {
        let lifted = &*self.func.lifted;
        let signature = &lifted.signature;
        match self.spill {
            Spill::Params { ptr: Some(ptr), .. } => self.slots[0] = u128::from(ptr),
            Spill::Params { ptr: None, .. } => {
                return Err(Box::new(signature_error(
                    "the parameters go through memory, but none were stored at spill_area()",
                )))
            }
            _ if self.len != signature.params.len() => {
                return Err(Box::new(signature_error(format!(
                    "{} flat values were pushed for {}, which takes {}",
                    self.len,
                    lifted.ty,
                    signature.params.len()
                ))))
            }
            _ => {}
        }
        // From here the callee owns what it was given.
        self.phase = Phase::Called;
        self.added.clear();
        let count = signature.params.len().max(signature.results.len());
        let funcref = self.inner.funcs[lifted.core.index() as usize].funcref;
        self.inner.call_raw(funcref, &mut self.slots[..count])?;
        if signature.result_in_memory {
            let ptr = self.slots[0] as u32;
            // SAFETY: only its length is read.
            let memory = unsafe { guest_memory(self.inner, lifted.options.memory) }.len();
            let (size, align) = self.func.result;
            checked("value", ptr, u64::from(size), align, memory)?;
            self.result_ptr = Some(ptr);
        } else {
            self.result = [self.slots[0] as u64];
            self.result_flat = signature.results.len();
        }
        self.phase = Phase::Returned;
        Ok(())
    }

    /// The reader of the result (after [`invoke`](Self::invoke)): one flat
    /// value, or, past that, the result at [`RawLifter::spill_area`].
    /// Reading goes on where the last reader stopped.
    #[inline(always)]
    pub fn lifter(&mut self) -> RawLifter<'_> {
        assert_eq!(
            self.phase,
            Phase::Returned,
            "RawCall::lifter before the callee returned"
        );
        let lifted = &*self.func.lifted;
        // SAFETY: the lifter borrows this call, so no wasm runs while the
        // slice is in use (post-return runs when the call ends).
        let memory = unsafe { guest_memory(self.inner, lifted.options.memory) };
        RawLifter {
            memory,
            encoding: lifted.options.encoding,
            handles: GuestHandles {
                component: &mut self.inner.component,
                state: lifted.instance as usize,
                resources: &lifted.resources,
                lends: &mut self.lends,
            },
            flat: &self.result[..self.result_flat],
            position: &mut self.position,
            spill: self.result_ptr,
            owns: &mut self.lifted,
        }
    }

    /// Ends the call after the result was lifted: checks that the callee
    /// dropped the borrows it was lent, runs its post-return and leaves
    /// the instance. The own handles lifted are the host's.
    #[inline]
    pub fn finish(mut self) -> Result<(), Error> {
        self.end()
    }

    /// [`RawCall::finish`], in place.
    #[inline(always)]
    pub(super) fn end(&mut self) -> Result<(), Error> {
        assert_eq!(
            self.phase,
            Phase::Returned,
            "RawCall::finish before the callee returned"
        );
        if self.inner.component.calls[self.scope].borrows > 0 {
            let _ = self.close(false); // no post-return: cannot fail
            return Err(trap("borrow handles still remain at the end of the call").into());
        }
        self.lifted.clear();
        self.close(true).map_err(Error::from)
    }

    /// Ends the call without a result, whatever its stage: before the call
    /// is made, it is not made and the handles the lowering passed are
    /// taken back (own resources are the host's again); after, the
    /// callee's post-return runs (its trap is the error) and the own
    /// handles lifted are dropped. Blocks the callee allocated for the
    /// arguments stay allocated: the canonical ABI cannot free them.
    #[inline]
    pub fn discard(mut self) -> Result<(), Error> {
        self.abandon()
    }

    /// [`RawCall::discard`], in place.
    #[inline(always)]
    pub(super) fn abandon(&mut self) -> Result<(), Error> {
        self.close(true).map_err(Error::from)
    }

    /// Ends the call, running post-return if `post_return` and the callee
    /// returned.
    #[inline(always)]
    fn close(&mut self, post_return: bool) -> Result<(), Box<Trap>> {
        let phase = std::mem::replace(&mut self.phase, Phase::Ended);
        if phase == Phase::Ended {
            return Ok(());
        }
        let lifted = &*self.func.lifted;
        if phase == Phase::Lowering && !self.added.is_empty() {
            take_back(self.inner, &self.added);
        }
        let outcome = match lifted.options.post_return {
            Some(post) if post_return && phase == Phase::Returned => self.post_return(post),
            _ => Ok(()),
        };
        let component = &mut self.inner.component;
        component.calls.truncate(self.scope);
        if let Some(instance) = component.instances.get_mut(lifted.instance as usize) {
            instance.may_enter = true;
        }
        if !self.lifted.is_empty() {
            // The host never got these: drop them (their destructors may
            // enter the callee, which is allowed again now).
            for resource in std::mem::take(&mut self.lifted) {
                let _ = drop_host_resource(self.inner, resource);
            }
        }
        outcome
    }

    /// Runs the callee's post-return `post` with its core results.
    fn post_return(&mut self, post: crate::func::Func) -> Result<(), Box<Trap>> {
        let lifted = &*self.func.lifted;
        let state = lifted.instance as usize;
        let signature = &lifted.signature;
        let count = signature.params.len().max(signature.results.len()).max(1);
        self.inner.component.instances[state].may_leave = false;
        let funcref = self.inner.funcs[post.index() as usize].funcref;
        let outcome = self.inner.call_raw(funcref, &mut self.slots[..count]);
        self.inner.component.instances[state].may_leave = true;
        outcome
    }
}

impl Drop for RawCall<'_> {
    #[inline]
    fn drop(&mut self) {
        if self.phase == Phase::Ended {
            return;
        }
        let _ = self.close(true);
    }
}

/// Removes the handles a lowering added, giving the host back the own
/// resources it had passed.
fn take_back(inner: &mut StoreInner, added: &[Added]) {
    for entry in added.iter().rev() {
        let component = &mut inner.component;
        if component.instances[entry.state]
            .handles
            .remove(entry.handle)
            .is_err()
        {
            continue;
        }
        if entry.own {
            if entry.resource.held != 0 {
                component.held.insert(entry.resource.held);
            }
        } else if let Some(call) = entry.scope.and_then(|s| component.calls.get_mut(s)) {
            call.borrows = call.borrows.saturating_sub(1);
        }
    }
}

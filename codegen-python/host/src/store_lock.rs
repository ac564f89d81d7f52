//! The lock on an instance's store, kept under the GIL.
//!
//! One call at a time may use a store. A mutex would do, but taking and
//! giving back an uncontended mutex are two atomic read-modify-writes,
//! about 13 ns of a 65 ns no-op call. Every call takes the store with the
//! GIL held and gives it back with the GIL held (it is released only while
//! wasm runs, with the store already taken), so the lock's state can live
//! under the GIL instead: plain reads and writes, ordered by the GIL's own
//! acquire and release. A thread that finds the store busy waits on a
//! condition variable without the GIL and tries again when woken.
//!
//! This relies on the module running with the GIL (PyO3's default,
//! `gil_used = true`: on a free-threaded interpreter the GIL is turned
//! back on when `weft` is imported).

use std::cell::UnsafeCell;
use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use pyo3::Python;
use weft_runtime::Store;

/// Who holds the store. Read and written only with the GIL held.
struct State {
    /// A thread holds the store.
    busy: bool,
    /// The holder (its `interrupt::current_thread`), when busy.
    owner: u64,
    /// Threads waiting without the GIL for the store.
    waiters: u32,
}

/// A store, and who may use it (see the module docs).
pub(crate) struct StoreLock {
    store: UnsafeCell<Store<()>>,
    state: UnsafeCell<State>,
    /// How many times a holder gave the store back to waiters: a waiter
    /// sleeps until this moves past what it saw before letting go of the
    /// GIL, so a give-back in between is not missed.
    released: Mutex<u64>,
    wake: Condvar,
}

// SAFETY: `state` is only touched with the GIL held (every method takes a
// `Python` token, and `StoreGuard`, which holds one, is dropped with it
// held), and the store only by the thread that set `busy`, until it
// clears it. The GIL orders those accesses between threads. A store's raw
// pointers point into memory the store owns (vmctx blocks, linear
// memories, code), valid on any thread, and the runtime keeps its
// per-thread state (trap handling, the alternate signal stack) per call.
#[allow(unsafe_code)]
unsafe impl Sync for StoreLock {}
// SAFETY: as above.
#[allow(unsafe_code)]
unsafe impl Send for StoreLock {}

/// Why the store cannot be had.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// This thread holds it already (a host function called back into
    /// the instance that called it).
    Reentrant,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl StoreLock {
    /// A lock holding `store`, free.
    pub(crate) fn new(store: Store<()>) -> StoreLock {
        StoreLock {
            store: UnsafeCell::new(store),
            state: UnsafeCell::new(State {
                busy: false,
                owner: 0,
                waiters: 0,
            }),
            released: Mutex::new(0),
            wake: Condvar::new(),
        }
    }

    #[allow(unsafe_code)]
    fn state<'a>(&'a self, _py: Python<'a>) -> &'a mut State {
        // SAFETY: the GIL is held (the token), and no reference to the
        // state outlives the method that took it: the GIL serialises them.
        unsafe { &mut *self.state.get() }
    }

    /// Takes the store: at once if free; if another thread holds it,
    /// waits for it without the GIL.
    pub(crate) fn lock<'py>(
        &self,
        py: Python<'py>,
        me: u64,
    ) -> Result<StoreGuard<'_, 'py>, Refused> {
        loop {
            if let Some(guard) = self.try_lock(py, me) {
                return Ok(guard);
            }
            let state = self.state(py);
            if state.owner == me {
                return Err(Refused::Reentrant);
            }
            state.waiters += 1;
            let seen = *lock(&self.released);
            py.detach(|| {
                let mut released = lock(&self.released);
                while *released == seen {
                    released = self
                        .wake
                        .wait(released)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            });
            self.state(py).waiters -= 1;
        }
    }

    /// Takes the store if it is free.
    pub(crate) fn try_lock<'py>(&self, py: Python<'py>, me: u64) -> Option<StoreGuard<'_, 'py>> {
        let state = self.state(py);
        if state.busy {
            return None;
        }
        state.busy = true;
        state.owner = me;
        Some(StoreGuard { lock: self, py })
    }
}

/// The store, held by the current thread; given back when dropped, which
/// happens with the GIL held (the guard holds the token and is not `Send`,
/// so it cannot go into a closure that runs without the GIL; the store it
/// lends can).
pub(crate) struct StoreGuard<'a, 'py> {
    lock: &'a StoreLock,
    py: Python<'py>,
}

impl Deref for StoreGuard<'_, '_> {
    type Target = Store<()>;
    #[allow(unsafe_code)]
    fn deref(&self) -> &Store<()> {
        // SAFETY: this thread set `busy`, so no other reference exists.
        unsafe { &*self.lock.store.get() }
    }
}

impl DerefMut for StoreGuard<'_, '_> {
    #[allow(unsafe_code)]
    fn deref_mut(&mut self) -> &mut Store<()> {
        // SAFETY: as for `deref`; `&mut self` makes it unique here.
        unsafe { &mut *self.lock.store.get() }
    }
}

impl Drop for StoreGuard<'_, '_> {
    fn drop(&mut self) {
        let state = self.lock.state(self.py);
        state.busy = false;
        state.owner = 0;
        if state.waiters > 0 {
            *lock(&self.lock.released) += 1;
            self.lock.wake.notify_all();
        }
    }
}

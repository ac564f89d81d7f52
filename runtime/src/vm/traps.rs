//! Turning faults in compiled wasm code into traps.
//!
//! [`catch_traps`] enters wasm: the C helper `weft_catch_traps`
//! (`trap_entry.c`) saves a context with `sigsetjmp`, pushes it as this
//! thread's innermost entry, and runs the body. [`call_trampoline`] is the
//! same for the one body every host-to-wasm call has, an array-call
//! trampoline, called straight from C (`weft_call_trampoline`): no closure
//! is moved and no panic guard is set up (8 of a component no-op call's
//! 27 ns went to those). Out-of-bounds accesses fault
//! in a memory's guard region, and Cranelift's traps (`ud2` on x86_64, `udf`
//! on aarch64, integer division) raise signals. The handler installed by
//! [`init`] takes a signal only when
//!
//! 1. the kernel raised it for the faulting instruction (not `kill`/`raise`),
//! 2. this thread is running wasm (it has an innermost entry), and
//! 3. the PC lies in code registered with
//!    [`register_code`](super::code_memory::register_code).
//!
//! It then records a [`TrapRecord`] in thread-local state and `siglongjmp`s
//! to the innermost entry, whose [`catch_traps`] returns `Err(record)`.
//! Every other signal goes to the handler that was installed before ours;
//! if that was the default action, the default is restored and the fault
//! re-executes, so the process dies as it would have without weft.
//!
//! The handler runs on an alternate signal stack, so a stack overflow inside
//! wasm is caught too: [`catch_traps`] makes sure of one for each thread the
//! first time it enters wasm, keeping one the thread already has if it is at
//! least [`MIN_ALT_STACK_SIZE`] bytes (such as the Go runtime's 32 KiB
//! signal stacks), else installing its own of [`ALT_STACK_SIZE`] bytes.
//!
//! Other runtimes' signal handling in the same process (the Go runtime,
//! when weft runs under cgo) is kept: weft's handlers are installed with
//! `SA_ONSTACK` (a signal never lands on a small goroutine stack), the
//! handlers found at installation get every signal that is not a wasm trap
//! (Go's then handles its own faults, or crashes as it would without weft),
//! and an existing alternate stack large enough is used rather than
//! replaced. Nothing of a thread is kept between two entries into wasm: the
//! entry state is this thread's innermost [`catch_traps`] and lives on its
//! stack, and the store recomputes its stack limit at each outermost entry
//! (`StoreInner::enter_wasm`), so a host may make the steps of one call on
//! different threads (as Go does when it moves a goroutine between threads
//! from one cgo call to the next).

use std::any::Any;
use std::cell::{Cell, RefCell, UnsafeCell};
use std::ffi::{c_int, c_void};
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::ptr;
use std::sync::Once;

use super::code_memory;
use super::mmap::{page_size, Mmap};

/// What the signal handler saw when it caught a fault in wasm code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrapRecord {
    /// `SIGSEGV`, `SIGBUS`, `SIGILL` or `SIGFPE`.
    pub signal: i32,
    /// Address of the faulting instruction.
    pub pc: usize,
    /// Frame pointer at the fault (`rbp` / `x29`), for walking wasm frames.
    pub fp: usize,
    /// `si_addr`: the faulting data address for `SIGSEGV`/`SIGBUS`, the
    /// instruction address for `SIGILL`/`SIGFPE`.
    pub fault_address: usize,
    /// The trap code registered for `pc` in its [`TrapTable`], if any.
    ///
    /// [`TrapTable`]: super::code_memory::TrapTable
    pub trap_code: Option<u8>,
    /// `pc`, then the return addresses of the frames above it that lie in
    /// registered code, innermost first; walked in the handler, while the
    /// frames still exist. The first `frame_count` entries are valid.
    pub frames: [usize; MAX_FRAMES],
    /// How many entries of `frames` are valid.
    pub frame_count: usize,
}

/// The most frames a [`TrapRecord`] keeps (a deep recursion is cut).
pub const MAX_FRAMES: usize = 128;

/// Walks the frame-pointer chain from a fault: `[fp]` holds the caller's
/// frame pointer and `[fp + 8]` the return address (frame pointers are
/// kept in all compiled code). Stops at the first return address outside
/// registered code, which is the host's call into the entry trampoline.
///
/// # Safety
///
/// `fp` must be the frame pointer of a frame of registered compiled code.
unsafe fn walk_frames(pc: usize, mut fp: usize, frames: &mut [usize; MAX_FRAMES]) -> usize {
    frames[0] = pc;
    let mut count = 1;
    while count < MAX_FRAMES && fp != 0 && fp.is_multiple_of(std::mem::align_of::<usize>()) {
        // SAFETY: `fp` is a frame pointer of compiled code (the caller's
        // promise for the first, the loop's check for the rest), so the
        // two words at it are the saved frame pointer and return address.
        let (next_fp, return_address) =
            unsafe { (*(fp as *const usize), *((fp + 8) as *const usize)) };
        if code_memory::with_code_at(return_address, |_, _| ()).is_none() {
            break;
        }
        frames[count] = return_address;
        count += 1;
        fp = next_fp;
    }
    count
}

unsafe extern "C" {
    fn weft_catch_traps(
        jmp_buf_slot: *mut *mut c_void,
        body: unsafe extern "C" fn(*mut c_void),
        payload: *mut c_void,
    ) -> c_int;
    fn weft_call_trampoline(
        jmp_buf_slot: *mut *mut c_void,
        trampoline: ArrayCall,
        code: *const c_void,
        vmctx: *mut c_void,
        slots: *mut u128,
    ) -> c_int;
    fn weft_unwind(jmp_buf: *mut c_void) -> !;
}

/// Per-thread trap state. `const`-initialised and without `Drop`, so the
/// signal handler can read it without allocating or registering anything.
struct CallState {
    /// The innermost `sigjmp_buf` of a running `catch_traps`, or null when
    /// no wasm is running on this thread. Each `catch_traps` saves the
    /// previous value on its own stack and restores it on return, so nested
    /// entries (wasm → host → wasm) form a stack.
    jmp_buf: Cell<*mut c_void>,
    /// Written by the handler just before it unwinds.
    trap: Cell<Option<TrapRecord>>,
}

thread_local! {
    static CALL_STATE: CallState = const {
        CallState {
            jmp_buf: Cell::new(ptr::null_mut()),
            trap: Cell::new(None),
        }
    };
}

/// Run `body`, which calls compiled wasm code, catching traps.
///
/// Returns `Ok(())` when `body` returns, or `Err` with what the signal
/// handler recorded when wasm code faulted. Installs the signal handlers
/// ([`init`]) and this thread's alternate signal stack on first use. Calls
/// nest: a trap unwinds only to the innermost `catch_traps` on this thread.
/// If `body` panics (outside wasm), the panic resumes here after the entry
/// state is restored.
///
/// # Safety
///
/// A trap leaves `body` with `siglongjmp`, deallocating every frame between
/// this call and the fault without running destructors. So:
///
/// - Only wasm frames, and frames without pending destructors, may lie
///   between `body`'s start and a fault. `body` itself should do nothing
///   but call into wasm (through a trampoline) and write results through
///   references or raw pointers; values it owns are leaked on a trap.
/// - Rust code called *from* wasm (host functions, libcalls) must not let a
///   panic escape into wasm frames: catch it at the boundary, return a
///   status that makes the compiled code trap, and re-raise it in the host
///   after `catch_traps` returns. To call wasm again, such code must go
///   through its own `catch_traps` (a trap then stops at that entry).
/// - Compiled code must be registered with
///   [`register_code`](super::code_memory::register_code) for its faults to
///   be caught; a fault anywhere else is not swallowed.
pub unsafe fn catch_traps<F: FnOnce()>(body: F) -> Result<(), Box<TrapRecord>> {
    let mut payload = Payload {
        body: Some(body),
        panic: None,
    };
    // SAFETY: `trampoline::<F>` expects exactly a `*mut Payload<F>`, and
    // `payload` outlives the call. A trap returns through `siglongjmp`,
    // across only the frames the caller vouched for (see `# Safety`).
    let result = unsafe {
        enter(|slot| weft_catch_traps(slot, trampoline::<F>, ptr::addr_of_mut!(payload).cast()))
    };
    if let Some(panic) = payload.panic {
        panic::resume_unwind(panic);
    }
    result
}

/// What [`catch_traps`] and [`call_trampoline`] share: installs the
/// handlers and this thread's alternate stack, runs `run` (a C entry
/// given this thread's entry slot, returning nonzero after a trap), puts
/// back the enclosing entry, and takes the trap's record.
///
/// # Safety
///
/// `run` must be one of the C entries of `trap_entry.c`, called as the
/// caller of [`catch_traps`] promises.
#[inline(always)]
unsafe fn enter(run: impl FnOnce(*mut *mut c_void) -> c_int) -> Result<(), Box<TrapRecord>> {
    init();
    // Without an alternate stack only a stack overflow goes uncaught (and
    // kills the process); everything else still works.
    let _ = ensure_alt_stack();
    let slot = CALL_STATE.with(|state| state.jmp_buf.as_ptr());
    // SAFETY: `slot` points to this thread's `CallState::jmp_buf`, which
    // lives as long as the thread.
    let outer = unsafe { *slot };
    let trapped = run(slot);
    // SAFETY: as above; restores the enclosing entry (or "no wasm").
    unsafe { *slot = outer };
    if trapped == 0 {
        return Ok(());
    }
    let record = CALL_STATE.with(|state| state.trap.take());
    Err(Box::new(record.expect(
        "the signal handler records a trap before unwinding",
    )))
}

/// An array-call trampoline: calls the compiled function at `code` with
/// the callee `vmctx`, reading its parameters from `slots` and writing its
/// results there.
pub type ArrayCall = unsafe extern "C" fn(*const c_void, *mut c_void, *mut u128);

/// [`catch_traps`] for the commonest body, one call of an array-call
/// trampoline, without a closure or a panic guard in between: the fast
/// path of every host-to-wasm call.
///
/// # Safety
///
/// As for [`catch_traps`]; and `trampoline` must be the array-call
/// trampoline for `code`'s type, `vmctx` the callee's, and `slots` large
/// enough for its parameters and results.
pub unsafe fn call_trampoline(
    trampoline: ArrayCall,
    code: *const c_void,
    vmctx: *mut c_void,
    slots: *mut u128,
) -> Result<(), Box<TrapRecord>> {
    // SAFETY: as the caller promises; compiled code does not unwind, and
    // a trap returns through `siglongjmp` across compiled frames only.
    unsafe { enter(|slot| weft_call_trampoline(slot, trampoline, code, vmctx, slots)) }
}

struct Payload<F> {
    body: Option<F>,
    panic: Option<Box<dyn Any + Send>>,
}

/// Runs the body for `weft_catch_traps`, keeping panics from unwinding into
/// C frames.
///
/// # Safety
///
/// `payload` must be a valid, exclusive `*mut Payload<F>`.
unsafe extern "C" fn trampoline<F: FnOnce()>(payload: *mut c_void) {
    // SAFETY: guaranteed by the caller (`catch_traps`).
    let payload = unsafe { &mut *payload.cast::<Payload<F>>() };
    let Some(body) = payload.body.take() else {
        return;
    };
    if let Err(panic) = panic::catch_unwind(AssertUnwindSafe(body)) {
        payload.panic = Some(panic);
    }
}

/// An approximation of the current stack pointer (exact on x86_64 and
/// aarch64), for computing a stack limit for compiled code.
#[inline(always)]
pub fn current_stack_pointer() -> usize {
    let sp: usize;
    #[cfg(target_arch = "x86_64")]
    // SAFETY: reads a register into a local; touches no memory.
    unsafe {
        std::arch::asm!("mov {}, rsp", out(reg) sp, options(nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: reads a register into a local; touches no memory.
    unsafe {
        std::arch::asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags));
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        let local = 0u8;
        sp = std::hint::black_box(ptr::addr_of!(local)) as usize;
    }
    sp
}

// ---------------------------------------------------------------------------
// Signal handlers

/// The signals we handle, in the order of `PREVIOUS`.
const SIGNALS: [c_int; 4] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE];

/// The actions that were installed before ours, one per entry of `SIGNALS`.
struct PreviousActions(UnsafeCell<[libc::sigaction; SIGNALS.len()]>);

// SAFETY: each entry is written once, inside `INIT`, before our handler for
// that signal is installed; afterwards it is only read.
unsafe impl Sync for PreviousActions {}

static PREVIOUS: PreviousActions = PreviousActions(UnsafeCell::new(
    // SAFETY: `libc::sigaction` is plain old data; all zeroes is `SIG_DFL`
    // with no flags and an empty mask.
    unsafe { std::mem::zeroed() },
));

fn previous_action(index: usize) -> *mut libc::sigaction {
    assert!(index < SIGNALS.len());
    // SAFETY: in bounds of the array (checked above).
    unsafe { PREVIOUS.0.get().cast::<libc::sigaction>().add(index) }
}

/// Install weft's handlers for `SIGSEGV`, `SIGBUS`, `SIGILL` and `SIGFPE`,
/// once per process (later calls do nothing; safe from any thread). The
/// previous handlers are kept and called for every fault that is not a
/// wasm trap. [`catch_traps`] calls this itself.
///
/// # Panics
///
/// If `sigaction` fails, which it cannot for these signals.
pub fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        for (index, &signal) in SIGNALS.iter().enumerate() {
            // SAFETY: `sigaction` with valid pointers. The previous action is
            // saved before ours is installed, so the handler never reads an
            // unwritten entry; `INIT` serialises the writes.
            unsafe {
                let previous = previous_action(index);
                let rc = libc::sigaction(signal, ptr::null(), previous);
                assert_eq!(rc, 0, "sigaction: {}", io::Error::last_os_error());

                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = handler as *const () as libc::sighandler_t;
                action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
                libc::sigemptyset(&mut action.sa_mask);
                let rc = libc::sigaction(signal, &action, ptr::null_mut());
                assert_eq!(rc, 0, "sigaction: {}", io::Error::last_os_error());
            }
        }
    });
}

/// The signal handler. Unwinds to the innermost `catch_traps` for a fault
/// in wasm code; otherwise hands the signal to the previous handler.
///
/// Async-signal-safety: it reads `const` thread-locals, takes the code
/// registry's read lock (see `code_memory::REGISTRY`), and calls only
/// `sigaction`, `raise` and `siglongjmp`. It allocates nothing.
extern "C" fn handler(signal: c_int, info: *mut libc::siginfo_t, context: *mut c_void) {
    // SAFETY: `errno_location` is valid for this thread; we restore errno on
    // return so the interrupted code does not see it change.
    let saved_errno = unsafe { *libc::__errno_location() };
    // SAFETY: the kernel passes a valid `siginfo_t` and `ucontext_t` to an
    // `SA_SIGINFO` handler.
    if let Some(jmp_buf) = unsafe { trap_in_wasm(signal, info, context) } {
        // SAFETY: `jmp_buf` is the innermost live `sigjmp_buf` of this
        // thread (its `weft_catch_traps` frame is below us on the stack);
        // the frames in between are wasm frames or frames whose owner
        // promised, through `catch_traps`'s contract, that they may be
        // deallocated without running anything.
        unsafe { weft_unwind(jmp_buf) };
    }
    // SAFETY: forwarding the kernel's arguments unchanged.
    unsafe { chain(signal, info, context) };
    // SAFETY: as above.
    unsafe { *libc::__errno_location() = saved_errno };
}

/// If this signal is a fault in wasm code on a thread running wasm, record
/// it and return the `sigjmp_buf` to unwind to.
///
/// # Safety
///
/// `info` and `context` must be the handler's arguments.
unsafe fn trap_in_wasm(
    signal: c_int,
    info: *mut libc::siginfo_t,
    context: *mut c_void,
) -> Option<*mut c_void> {
    // SAFETY: `info` is valid (caller).
    let info = unsafe { &*info };
    // `si_code <= 0` means the signal was sent (`kill`, `tgkill`,
    // `sigqueue`), not raised by the instruction at the PC.
    if info.si_code <= 0 {
        return None;
    }
    let jmp_buf = CALL_STATE.with(|state| state.jmp_buf.get());
    if jmp_buf.is_null() {
        return None;
    }
    // SAFETY: `context` is the handler's `ucontext_t` (caller).
    let (pc, fp) = unsafe { pc_and_fp(context) };
    let trap_code =
        code_memory::with_code_at(pc, |start, trap_table| trap_table.lookup(pc - start))?;
    let mut frames = [0; MAX_FRAMES];
    // SAFETY: `pc` is in registered code (checked above), so `fp` belongs
    // to a frame of compiled code.
    let frame_count = unsafe { walk_frames(pc, fp, &mut frames) };
    let record = TrapRecord {
        signal,
        pc,
        fp,
        // SAFETY: `si_addr` is meaningful for the four signals we handle.
        fault_address: unsafe { info.si_addr() } as usize,
        trap_code,
        frames,
        frame_count,
    };
    CALL_STATE.with(|state| state.trap.set(Some(record)));
    Some(jmp_buf)
}

/// The interrupted PC and frame pointer.
///
/// # Safety
///
/// `context` must point to the `ucontext_t` given to an `SA_SIGINFO` handler.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
unsafe fn pc_and_fp(context: *mut c_void) -> (usize, usize) {
    // SAFETY: guaranteed by the caller.
    let context = unsafe { &*context.cast::<libc::ucontext_t>() };
    let regs = &context.uc_mcontext.gregs;
    (
        regs[libc::REG_RIP as usize] as usize,
        regs[libc::REG_RBP as usize] as usize,
    )
}

/// The interrupted PC and frame pointer.
///
/// # Safety
///
/// `context` must point to the `ucontext_t` given to an `SA_SIGINFO` handler.
#[cfg(all(target_os = "linux", target_arch = "aarch64"))]
unsafe fn pc_and_fp(context: *mut c_void) -> (usize, usize) {
    // SAFETY: guaranteed by the caller.
    let context = unsafe { &*context.cast::<libc::ucontext_t>() };
    let mcontext = &context.uc_mcontext;
    (mcontext.pc as usize, mcontext.regs[29] as usize)
}

#[cfg(not(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
compile_error!("weft's trap handling supports Linux on x86_64 and aarch64 only");

/// Hand a signal that is not a wasm trap to the handler installed before
/// ours. If that was the default action (or "ignore"), reinstate it and
/// return: a fault re-executes and now gets the default action; a sent
/// signal is raised again.
///
/// # Safety
///
/// The arguments must be the handler's, for one of `SIGNALS`.
unsafe fn chain(signal: c_int, info: *mut libc::siginfo_t, context: *mut c_void) {
    let Some(index) = SIGNALS.iter().position(|&s| s == signal) else {
        return;
    };
    // SAFETY: written before our handler was installed, read-only since.
    let previous = unsafe { &*previous_action(index) };
    match previous.sa_sigaction {
        libc::SIG_DFL | libc::SIG_IGN => {
            // SAFETY: reinstating an action the process had before, and
            // re-raising a sent signal (async-signal-safe calls).
            unsafe {
                libc::sigaction(signal, previous, ptr::null_mut());
                if (*info).si_code <= 0 {
                    libc::raise(signal);
                }
            }
        }
        action if previous.sa_flags & libc::SA_SIGINFO != 0 => {
            // SAFETY: an `SA_SIGINFO` action is a three-argument handler;
            // we pass the kernel's arguments through.
            unsafe {
                let action: extern "C" fn(c_int, *mut libc::siginfo_t, *mut c_void) =
                    std::mem::transmute(action);
                action(signal, info, context);
            }
        }
        action => {
            // SAFETY: without `SA_SIGINFO`, the action is `void (*)(int)`.
            unsafe {
                let action: extern "C" fn(c_int) = std::mem::transmute(action);
                action(signal);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Alternate signal stack

/// Usable size of the alternate signal stack weft installs.
pub const ALT_STACK_SIZE: usize = 64 * 1024;

/// The smallest alternate signal stack a thread already has that weft uses
/// instead of installing its own: room for the kernel's signal frame (a
/// few KiB with AVX-512 state), weft's handler (its trap record and frame
/// walk take about 2 KiB) and a chained handler. The Go runtime gives each
/// of its threads a 32 KiB one; Rust's standard library gives its threads
/// one of `SIGSTKSZ` (8 KiB), which is replaced.
pub const MIN_ALT_STACK_SIZE: usize = 16 * 1024;

enum AltStack {
    /// Not looked at yet on this thread.
    Unchecked,
    /// The thread already had one at least `MIN_ALT_STACK_SIZE` bytes
    /// large; its owner keeps it (it must stay installed while the thread
    /// runs wasm).
    Existing,
    /// Ours: a guard page, then `ALT_STACK_SIZE` bytes; kept to be freed
    /// when the thread exits.
    Ours { _stack: OwnedAltStack },
}

struct OwnedAltStack {
    mmap: Mmap,
}

impl Drop for OwnedAltStack {
    fn drop(&mut self) {
        // Disable the alternate stack if it is still ours, before unmapping
        // it. (The one it replaced may already be freed, e.g. std's, which
        // std disables and unmaps before thread-locals are destroyed, so it
        // is not reinstated.)
        // SAFETY: querying and disabling this thread's alternate stack with
        // valid pointers; we are not running on it (this is thread exit).
        unsafe {
            let mut current: libc::stack_t = std::mem::zeroed();
            let ours = self.mmap.as_mut_ptr().add(page_size()).cast::<c_void>();
            if libc::sigaltstack(ptr::null(), &mut current) == 0
                && current.ss_flags & libc::SS_DISABLE == 0
                && current.ss_sp == ours
            {
                let disable = libc::stack_t {
                    ss_sp: ptr::null_mut(),
                    ss_flags: libc::SS_DISABLE,
                    ss_size: ALT_STACK_SIZE,
                };
                libc::sigaltstack(&disable, ptr::null_mut());
            }
        }
    }
}

thread_local! {
    static ALT_STACK: RefCell<AltStack> = const { RefCell::new(AltStack::Unchecked) };
    /// Whether `ALT_STACK` is set up: a flag without a destructor, so the
    /// check on every entry into wasm is one thread-local read.
    static ALT_STACK_READY: Cell<bool> = const { Cell::new(false) };
}

/// Make sure this thread has an alternate signal stack: one it already has
/// of at least [`MIN_ALT_STACK_SIZE`] bytes is kept, else one of
/// [`ALT_STACK_SIZE`] bytes is installed (and freed when the thread exits). [`catch_traps`] calls this and ignores failure; call it
/// yourself to see the error.
#[inline]
pub fn ensure_alt_stack() -> io::Result<()> {
    if ALT_STACK_READY.get() {
        return Ok(());
    }
    set_up_alt_stack_once()
}

#[cold]
fn set_up_alt_stack_once() -> io::Result<()> {
    ALT_STACK
        .try_with(|state| {
            let mut state = state.borrow_mut();
            if matches!(*state, AltStack::Unchecked) {
                *state = set_up_alt_stack()?;
            }
            ALT_STACK_READY.set(true);
            Ok(())
        })
        // During thread teardown: nothing more to do.
        .unwrap_or(Ok(()))
}

fn set_up_alt_stack() -> io::Result<AltStack> {
    // SAFETY: an all-zero `stack_t` is valid; `sigaltstack` only writes it.
    let mut current: libc::stack_t = unsafe { std::mem::zeroed() };
    // SAFETY: valid pointer; a query changes nothing.
    if unsafe { libc::sigaltstack(ptr::null(), &mut current) } != 0 {
        return Err(io::Error::last_os_error());
    }
    if current.ss_flags & libc::SS_DISABLE == 0 && current.ss_size >= MIN_ALT_STACK_SIZE {
        return Ok(AltStack::Existing);
    }
    let guard = page_size();
    let mut mmap = Mmap::reserve(guard + ALT_STACK_SIZE)?;
    mmap.make_accessible(guard, ALT_STACK_SIZE)?;
    let stack = libc::stack_t {
        // In bounds: the mapping is `guard + ALT_STACK_SIZE` bytes.
        ss_sp: mmap.as_mut_ptr().wrapping_add(guard).cast(),
        ss_flags: 0,
        ss_size: ALT_STACK_SIZE,
    };
    // SAFETY: the stack is mapped read/write and owned by the returned
    // `OwnedAltStack`, which disables it before unmapping it.
    if unsafe { libc::sigaltstack(&stack, ptr::null_mut()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(AltStack::Ours {
        _stack: OwnedAltStack { mmap },
    })
}

// ---------------------------------------------------------------------------
// Tests

/// Hand-assembled x86_64 functions in registered code memory.
#[cfg(all(test, target_arch = "x86_64"))]
pub(crate) mod testing {
    use std::sync::Arc;

    use super::super::code_memory::{register_code, CodeMemory, CodeRegistration, TrapTable};

    const UD2: usize = 0;
    const LOAD: usize = 2;
    const RET: usize = 5;
    const RECURSE: usize = 6;
    const FRAMED_UD2: usize = 11;
    const DIVIDE: usize = 17;

    #[rustfmt::skip]
    const CODE: [u8; 27] = [
        0x0F, 0x0B,                   //  0: ud2
        0x8A, 0x07,                   //  2: mov al, [rdi]
        0xC3,                         //  4: ret
        0xC3,                         //  5: ret
        0xE8, 0xFB, 0xFF, 0xFF, 0xFF, //  6: call 6 (itself, forever)
        0x55,                         // 11: push rbp
        0x48, 0x89, 0xE5,             // 12: mov rbp, rsp
        0x0F, 0x0B,                   // 15: ud2
        0x31, 0xD2,                   // 17: xor edx, edx
        0xB8, 0x01, 0x00, 0x00, 0x00, // 19: mov eax, 1
        0xF7, 0xF7,                   // 24: div edi
        0xC3,                         // 26: ret
    ];

    /// The functions, registered as wasm code. Fields drop in order, so the
    /// registration goes before the memory is unmapped.
    pub(crate) struct TestCode {
        _registration: CodeRegistration,
        code: CodeMemory,
    }

    impl TestCode {
        pub(crate) const UD2_TRAP: u8 = 1;
        pub(crate) const LOAD_TRAP: u8 = 2;
        pub(crate) const FRAMED_TRAP: u8 = 3;
        pub(crate) const DIVIDE_TRAP: u8 = 4;
        pub(crate) const FRAMED_UD2_OFFSET: usize = 15;
        pub(crate) const DIV_OFFSET: usize = 24;

        pub(crate) fn new() -> TestCode {
            let code = CodeMemory::new(&CODE).unwrap();
            let table = TrapTable::new([
                (UD2 as u32, Self::UD2_TRAP),
                (LOAD as u32, Self::LOAD_TRAP),
                (Self::FRAMED_UD2_OFFSET as u32, Self::FRAMED_TRAP),
                (Self::DIV_OFFSET as u32, Self::DIVIDE_TRAP),
            ]);
            let registration = register_code(code.range(), Arc::new(table));
            TestCode {
                _registration: registration,
                code,
            }
        }

        pub(crate) fn start(&self) -> usize {
            self.code.range().start
        }

        fn function(&self, offset: usize) -> *const u8 {
            self.code.as_ptr().wrapping_add(offset)
        }

        /// Executes `ud2`: traps with `SIGILL`. Only call inside `catch_traps`.
        pub(crate) fn ud2(&self) {
            // SAFETY: `UD2` starts a function of this signature.
            let f: extern "C" fn() = unsafe { std::mem::transmute(self.function(UD2)) };
            f()
        }

        /// `push rbp; mov rbp, rsp; ud2`. Only call inside `catch_traps`.
        pub(crate) fn framed_ud2(&self) {
            // SAFETY: `FRAMED_UD2` starts a function of this signature.
            let f: extern "C" fn() = unsafe { std::mem::transmute(self.function(FRAMED_UD2)) };
            f()
        }

        /// Loads the byte at `addr`. Faults when it is not readable: only
        /// call with such an address inside `catch_traps`.
        pub(crate) fn load(&self, addr: *const u8) -> u8 {
            // SAFETY: `LOAD` starts a function of this signature.
            let f: extern "C" fn(*const u8) -> u8 =
                unsafe { std::mem::transmute(self.function(LOAD)) };
            f(addr)
        }

        /// Returns at once.
        pub(crate) fn ret(&self) {
            // SAFETY: `RET` starts a function of this signature.
            let f: extern "C" fn() = unsafe { std::mem::transmute(self.function(RET)) };
            f()
        }

        /// Recurses until the stack overflows. Only call inside `catch_traps`.
        pub(crate) fn recurse(&self) {
            // SAFETY: `RECURSE` starts a function of this signature.
            let f: extern "C" fn() = unsafe { std::mem::transmute(self.function(RECURSE)) };
            f()
        }

        /// `1 / divisor` (unsigned). Divisor 0 traps with `SIGFPE`: only
        /// call so inside `catch_traps`.
        pub(crate) fn divide(&self, divisor: u32) -> u32 {
            // SAFETY: `DIVIDE` starts a function of this signature.
            let f: extern "C" fn(u32) -> u32 =
                unsafe { std::mem::transmute(self.function(DIVIDE)) };
            f(divisor)
        }
    }
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::testing::TestCode;
    use super::*;
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};

    #[test]
    fn ud2_traps_with_sigill_and_trap_code() {
        let code = TestCode::new();
        // SAFETY: only the JIT frame lies between entry and fault.
        let trap = unsafe { catch_traps(|| code.ud2()) }.unwrap_err();
        assert_eq!(trap.signal, libc::SIGILL);
        assert_eq!(trap.pc, code.start());
        assert_eq!(trap.fault_address, code.start());
        assert_eq!(trap.trap_code, Some(TestCode::UD2_TRAP));
    }

    #[test]
    fn frame_pointer_is_recorded() {
        let code = TestCode::new();
        let sp = current_stack_pointer();
        // SAFETY: only the JIT frame lies between entry and fault.
        let trap = unsafe { catch_traps(|| code.framed_ud2()) }.unwrap_err();
        assert_eq!(trap.pc, code.start() + TestCode::FRAMED_UD2_OFFSET);
        assert_eq!(trap.trap_code, Some(TestCode::FRAMED_TRAP));
        // `rbp` was set to the JIT frame, a little below our stack pointer
        // (below `catch_traps`'s own frame, which holds a trap record).
        assert!(
            trap.fp < sp && sp - trap.fp < 16 * 1024,
            "fp {:#x} sp {sp:#x}",
            trap.fp
        );
    }

    #[test]
    fn load_from_inaccessible_memory_traps_with_sigsegv() {
        let code = TestCode::new();
        let reservation = Mmap::reserve(page_size()).unwrap();
        let addr = reservation.as_ptr().wrapping_add(17);
        // SAFETY: only the JIT frame lies between entry and fault.
        let trap = unsafe { catch_traps(|| _ = code.load(addr)) }.unwrap_err();
        assert_eq!(trap.signal, libc::SIGSEGV);
        assert_eq!(trap.fault_address, addr as usize);
        assert_eq!(trap.pc, code.start() + 2);
        assert_eq!(trap.trap_code, Some(TestCode::LOAD_TRAP));
    }

    #[test]
    fn division_by_zero_traps_with_sigfpe() {
        let code = TestCode::new();
        let mut quotient = 0;
        // SAFETY: only the JIT frame lies between entry and fault.
        unsafe { catch_traps(|| quotient = code.divide(1)) }.unwrap();
        assert_eq!(quotient, 1);
        // SAFETY: as above.
        let trap = unsafe { catch_traps(|| quotient = code.divide(0)) }.unwrap_err();
        assert_eq!(trap.signal, libc::SIGFPE);
        assert_eq!(trap.pc, code.start() + TestCode::DIV_OFFSET);
        assert_eq!(trap.trap_code, Some(TestCode::DIVIDE_TRAP));
    }

    #[test]
    fn returning_code_is_ok() {
        let code = TestCode::new();
        // SAFETY: nothing faults.
        assert_eq!(unsafe { catch_traps(|| code.ret()) }, Ok(()));
        let value = 5u8;
        let mut loaded = 0;
        // SAFETY: nothing faults.
        unsafe { catch_traps(|| loaded = code.load(&value)) }.unwrap();
        assert_eq!(loaded, 5);
    }

    #[test]
    fn nested_trap_unwinds_only_the_inner_entry() {
        let code = TestCode::new();
        let mut inner = None;
        let mut after_inner = false;
        // SAFETY: the outer body's own frames hold nothing to drop; the
        // inner trap never crosses them.
        let outer = unsafe {
            catch_traps(|| {
                inner = Some(catch_traps(|| code.ud2()));
                code.ret();
                after_inner = true;
            })
        };
        assert_eq!(outer, Ok(()));
        assert!(after_inner);
        assert_eq!(inner.take().unwrap().unwrap_err().signal, libc::SIGILL);

        // A trap in the outer body after an inner entry returned normally.
        // SAFETY: as above.
        let outer = unsafe {
            catch_traps(|| {
                inner = Some(catch_traps(|| code.ret()));
                code.ud2();
            })
        };
        assert_eq!(inner, Some(Ok(())));
        assert_eq!(outer.unwrap_err().trap_code, Some(TestCode::UD2_TRAP));
        // No entry is left behind.
        assert!(CALL_STATE.with(|state| state.jmp_buf.get().is_null()));
    }

    #[test]
    fn traps_repeat() {
        let code = TestCode::new();
        let reservation = Mmap::reserve(page_size()).unwrap();
        for i in 0..100 {
            // SAFETY: only the JIT frame lies between entry and fault.
            let trap = unsafe {
                if i % 2 == 0 {
                    catch_traps(|| code.ud2())
                } else {
                    catch_traps(|| _ = code.load(reservation.as_ptr()))
                }
            };
            assert!(trap.is_err());
        }
        // SAFETY: nothing faults.
        assert_eq!(unsafe { catch_traps(|| code.ret()) }, Ok(()));
    }

    #[test]
    fn stack_overflow_in_wasm_is_caught_on_the_alternate_stack() {
        let code = TestCode::new();
        let thread = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                for _ in 0..3 {
                    // SAFETY: only JIT frames lie between entry and fault.
                    let trap = unsafe { catch_traps(|| code.recurse()) }.unwrap_err();
                    assert_eq!(trap.signal, libc::SIGSEGV);
                    assert_eq!(trap.pc, code.start() + 6);
                    assert_eq!(trap.trap_code, None);
                }
                // SAFETY: querying the alternate stack.
                let mut current: libc::stack_t = unsafe { std::mem::zeroed() };
                // SAFETY: valid pointer.
                assert_eq!(unsafe { libc::sigaltstack(ptr::null(), &mut current) }, 0);
                assert!(current.ss_size >= MIN_ALT_STACK_SIZE);
                assert_eq!(current.ss_flags & libc::SS_ONSTACK, 0);
            })
            .unwrap();
        thread.join().unwrap();
    }

    /// Installs an alternate signal stack of `size` bytes on this thread
    /// (as the Go runtime does on its threads), returning its mapping.
    fn install_alt_stack(size: usize) -> Mmap {
        let mut mmap = Mmap::reserve(size).unwrap();
        mmap.make_accessible(0, size).unwrap();
        let stack = libc::stack_t {
            ss_sp: mmap.as_mut_ptr().cast(),
            ss_flags: 0,
            ss_size: size,
        };
        // SAFETY: the mapping is read/write and outlives its use (the
        // callers disable it before dropping the mapping, or weft replaced
        // it).
        assert_eq!(unsafe { libc::sigaltstack(&stack, ptr::null_mut()) }, 0);
        mmap
    }

    /// This thread's alternate signal stack.
    fn current_alt_stack() -> libc::stack_t {
        // SAFETY: an all-zero `stack_t` is valid; the query writes it.
        let mut current: libc::stack_t = unsafe { std::mem::zeroed() };
        // SAFETY: valid pointer.
        assert_eq!(unsafe { libc::sigaltstack(ptr::null(), &mut current) }, 0);
        current
    }

    #[test]
    fn an_existing_alternate_stack_large_enough_is_kept() {
        let code = TestCode::new();
        let thread = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                // Go's size for its threads' signal stacks; then the
                // smallest kept, which must do for a stack overflow.
                for size in [32 * 1024, MIN_ALT_STACK_SIZE] {
                    let theirs = install_alt_stack(size);
                    // Looked at once per thread: start afresh.
                    ALT_STACK.with(|state| *state.borrow_mut() = AltStack::Unchecked);
                    ALT_STACK_READY.set(false);
                    for _ in 0..3 {
                        // SAFETY: only JIT frames lie between entry and
                        // fault.
                        let trap = unsafe { catch_traps(|| code.recurse()) }.unwrap_err();
                        assert_eq!(trap.signal, libc::SIGSEGV);
                        assert_eq!(trap.trap_code, None);
                    }
                    let current = current_alt_stack();
                    assert_eq!(current.ss_sp, theirs.as_mut_ptr().cast());
                    assert_eq!(current.ss_size, size);
                    // Ours to take down again.
                    let disable = libc::stack_t {
                        ss_sp: ptr::null_mut(),
                        ss_flags: libc::SS_DISABLE,
                        ss_size: 0,
                    };
                    // SAFETY: disabling this thread's alternate stack,
                    // which is not in use.
                    assert_eq!(unsafe { libc::sigaltstack(&disable, ptr::null_mut()) }, 0);
                    drop(theirs);
                }
            })
            .unwrap();
        thread.join().unwrap();
    }

    #[test]
    fn a_small_alternate_stack_is_replaced() {
        let code = TestCode::new();
        let thread = std::thread::Builder::new()
            .spawn(move || {
                let small = install_alt_stack(8 * 1024);
                // SAFETY: nothing faults.
                unsafe { catch_traps(|| code.ret()) }.unwrap();
                let current = current_alt_stack();
                assert_ne!(current.ss_sp, small.as_mut_ptr().cast());
                assert_eq!(current.ss_size, ALT_STACK_SIZE);
                // No longer installed: the mapping may go.
                drop(small);
            })
            .unwrap();
        thread.join().unwrap();
    }

    #[test]
    fn the_handlers_run_on_the_alternate_stack() {
        init();
        for &signal in &SIGNALS {
            // SAFETY: an all-zero `sigaction` is valid; the query writes it.
            let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
            // SAFETY: valid pointers; a query changes nothing.
            let rc = unsafe { libc::sigaction(signal, ptr::null(), &mut action) };
            assert_eq!(rc, 0);
            assert_eq!(action.sa_sigaction, handler as *const () as usize);
            assert_ne!(action.sa_flags & libc::SA_ONSTACK, 0, "signal {signal}");
            assert_ne!(action.sa_flags & libc::SA_SIGINFO, 0, "signal {signal}");
        }
    }

    #[test]
    fn panic_in_body_resumes_after_entry_state_is_restored() {
        // SAFETY: nothing faults.
        let result = panic::catch_unwind(|| unsafe { catch_traps(|| panic!("boom")) });
        assert!(result.is_err());
        assert!(CALL_STATE.with(|state| state.jmp_buf.get().is_null()));
    }

    #[test]
    fn stack_pointer_is_near_a_local() {
        let local = 0u8;
        let sp = current_stack_pointer();
        let addr = ptr::addr_of!(local) as usize;
        assert!(addr.abs_diff(sp) < 64 * 1024);
    }

    const CHILD_ENV: &str = "WEFT_TRAPS_TEST_CHILD";

    /// Faults that are not wasm traps must reach the previous handler (and
    /// by default kill the process). Each case runs in a child process: this
    /// same test binary, running only this test, with `CHILD_ENV` set.
    #[test]
    fn faults_outside_wasm_are_not_swallowed() {
        if let Ok(case) = std::env::var(CHILD_ENV) {
            // SAFETY: the cases deliberately crash this child process.
            unsafe { child_case(&case) };
            // Surviving is the failure the parent looks for.
            std::process::exit(0);
        }
        let test = concat!(module_path!(), "::faults_outside_wasm_are_not_swallowed");
        // The harness names tests without the crate name.
        let test = test.split_once("::").map_or(test, |(_, rest)| rest);
        let cases: [(&str, Option<i32>, Option<i32>); 7] = [
            ("rust-fault-inside-catch-traps", Some(libc::SIGSEGV), None),
            ("fault-without-wasm", Some(libc::SIGSEGV), None),
            ("jit-fault-outside-catch-traps", Some(libc::SIGSEGV), None),
            ("jit-ud2-outside-catch-traps", Some(libc::SIGILL), None),
            ("sent-signal-inside-catch-traps", Some(libc::SIGILL), None),
            ("previous-siginfo-handler", None, Some(42)),
            ("previous-plain-handler", None, Some(43)),
        ];
        for (case, signal, exit_code) in cases {
            let status = Command::new(std::env::current_exe().unwrap())
                .args([test, "--exact", "--test-threads=1", "--nocapture"])
                .env(CHILD_ENV, case)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .unwrap();
            assert_eq!(status.signal(), signal, "{case}: {status}");
            assert_eq!(status.code(), exit_code, "{case}: {status}");
        }
    }

    extern "C" fn exit_42(_: c_int, _: *mut libc::siginfo_t, _: *mut c_void) {
        // SAFETY: `_exit` is async-signal-safe.
        unsafe { libc::_exit(42) }
    }

    extern "C" fn exit_43(_: c_int) {
        // SAFETY: `_exit` is async-signal-safe.
        unsafe { libc::_exit(43) }
    }

    /// # Safety
    ///
    /// Crashes the process on purpose; only for the child.
    unsafe fn child_case(case: &str) {
        // SAFETY: plain libc calls with valid arguments.
        unsafe {
            // No core dumps from the deliberate crashes.
            let no_core = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &no_core);
            let install = |handler: usize, flags: c_int| {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = handler;
                action.sa_flags = flags;
                libc::sigaction(libc::SIGSEGV, &action, ptr::null_mut());
            };
            match case {
                "previous-siginfo-handler" => {
                    install(exit_42 as *const () as usize, libc::SA_SIGINFO)
                }
                "previous-plain-handler" => install(exit_43 as *const () as usize, 0),
                _ => {}
            }
            init();
        }
        let code = TestCode::new();
        let reservation = Mmap::reserve(page_size()).unwrap();
        let bad = reservation.as_ptr();
        // SAFETY: each case faults on purpose, outside what catch_traps may
        // catch; the child is expected to die (or exit from a handler).
        unsafe {
            match case {
                "rust-fault-inside-catch-traps"
                | "previous-siginfo-handler"
                | "previous-plain-handler" => {
                    let _ = catch_traps(|| _ = ptr::read_volatile(bad));
                }
                "fault-without-wasm" => _ = ptr::read_volatile(bad),
                "jit-fault-outside-catch-traps" => _ = code.load(bad),
                "jit-ud2-outside-catch-traps" => code.ud2(),
                "sent-signal-inside-catch-traps" => {
                    let _ = catch_traps(|| _ = libc::raise(libc::SIGILL));
                }
                _ => panic!("unknown case {case}"),
            }
        }
    }
}

//! Ctrl-C during a call: epoch interruption driven by `SIGINT`.
//!
//! While the main thread runs wasm (without the GIL), Python's C-level
//! `SIGINT` handler only sets a flag that nothing looks at. So the module
//! installs a wakeup fd (`signal.set_wakeup_fd`), to which that handler
//! writes the signal's number even then: a pipe, whose reading end a
//! watcher thread blocks on, advancing the engine's epoch for each batch
//! of bytes holding `SIGINT`. Calls made on the main thread set their
//! store's epoch deadline to the current epoch + 1, so only a `SIGINT`
//! arriving during the call interrupts it (`TrapKind::Interrupted`);
//! calls on other threads set no deadline (Python delivers signals to the
//! main thread only). An interrupted call runs the pending Python signal
//! handlers (`py.check_signals()`), whose exception (`KeyboardInterrupt`
//! by default) it raises; the instance is poisoned, as after any trap.
//!
//! The wakeup fd is installed once, at the first call from the main
//! thread, and only if no other one is set (another owner's fd could be
//! closed and its number reused: forwarding bytes to it is not safe). If
//! one is set (an asyncio loop with signal handlers, for instance), calls
//! are not interruptible: `KeyboardInterrupt` comes when the call
//! returns, as before. After `os.fork()` the child installs its own.

use std::io::{PipeWriter, Read};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Mutex;

use pyo3::exceptions::PyKeyboardInterrupt;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Not tried yet (or forked since).
const UNTRIED: u8 = 0;
/// Tried: installed (then `ARMED_THREAD` is set) or not.
const TRIED: u8 = 1;

static STATE: AtomicU8 = AtomicU8::new(UNTRIED);

/// The thread (`PyThread_get_thread_ident`) whose calls are
/// interruptible: Python's main thread once the wakeup fd is installed,
/// else 0 (no thread has that number).
static ARMED_THREAD: AtomicU64 = AtomicU64::new(0);

/// Python's main thread (its `threading` ident), once asked; 0: not yet.
static MAIN_THREAD: AtomicU64 = AtomicU64::new(0);

/// The installed pipe: the writing end (the wakeup fd) and the reading
/// end's number (the watcher thread owns it).
struct Installed {
    writer: PipeWriter,
    reader_fd: i32,
}

static INSTALLED: Mutex<Option<Installed>> = Mutex::new(None);

/// The current thread's Python ident (`threading.get_ident()`).
#[inline]
pub(crate) fn current_thread() -> u64 {
    // SAFETY: a plain FFI call with no arguments and no preconditions
    // (`pthread_self`); it neither needs nor touches Python state.
    #[allow(unsafe_code)]
    let ident = unsafe { pyo3::ffi::PyThread_get_thread_ident() };
    // A `c_ulong`: 64 bits where the runtime runs (Unix, 64-bit).
    ident as u64
}

/// Whether a call made now on thread `me` (its [`current_thread`]) is
/// interruptible: the main thread, with the wakeup fd installed
/// (installing it on the first call from the main thread). An atomic load
/// when settled.
#[inline]
pub fn armed(py: Python<'_>, me: u64) -> bool {
    if ARMED_THREAD.load(Ordering::Relaxed) == me {
        return true;
    }
    if STATE.load(Ordering::Relaxed) != UNTRIED {
        return false;
    }
    let mut main = MAIN_THREAD.load(Ordering::Relaxed);
    if main == 0 {
        main = main_thread(py).unwrap_or(u64::MAX);
        MAIN_THREAD.store(main, Ordering::Relaxed);
    }
    if me != main {
        return false;
    }
    // On the main thread, with the GIL: no other thread gets here now.
    STATE.store(TRIED, Ordering::Relaxed);
    if install(py).unwrap_or(false) {
        ARMED_THREAD.store(me, Ordering::Relaxed);
        return true;
    }
    false
}

/// `threading.main_thread().ident`.
fn main_thread(py: Python<'_>) -> PyResult<u64> {
    py.import("threading")?
        .call_method0("main_thread")?
        .getattr("ident")?
        .extract()
}

/// Makes the pipe, sets its writing end as the wakeup fd if none is set,
/// and starts the watcher thread. `Ok(false)`: another wakeup fd is set.
fn install(py: Python<'_>) -> PyResult<bool> {
    let signal = py.import("signal")?;
    let os = py.import("os")?;
    let sigint: u8 = signal.getattr("SIGINT")?.extract()?;
    // Once per process (a child inherits the registration).
    static AT_FORK: std::sync::Once = std::sync::Once::new();
    let mut registered: PyResult<()> = Ok(());
    AT_FORK.call_once(|| {
        registered = (|| {
            let hook = wrap_pyfunction!(after_fork_in_child, py)?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("after_in_child", hook)?;
            os.call_method("register_at_fork", (), Some(&kwargs))?;
            Ok(())
        })();
    });
    registered?;
    let (mut reader, writer) = std::io::pipe()?;
    // Python requires a non-blocking wakeup fd (a full pipe must not block
    // the signal handler); the reading end blocks, for the watcher.
    os.call_method1("set_blocking", (writer.as_raw_fd(), false))?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("warn_on_full_buffer", false)?;
    let old: i32 = signal
        .call_method("set_wakeup_fd", (writer.as_raw_fd(),), Some(&kwargs))?
        .extract()?;
    if old != -1 {
        // Someone else's: put it back and stay out of the way.
        signal.call_method("set_wakeup_fd", (old,), Some(&kwargs))?;
        return Ok(false);
    }
    let reader_fd = reader.as_raw_fd();
    let spawned = std::thread::Builder::new()
        .name("weft-sigint".into())
        .spawn(move || {
            let mut buf = [0u8; 64];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => return,
                    Ok(n) => {
                        if buf[..n].contains(&sigint) {
                            crate::engine().increment_epoch();
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => return,
                }
            }
        });
    if spawned.is_err() {
        signal.call_method1("set_wakeup_fd", (-1,))?;
        return Ok(false);
    }
    *INSTALLED.lock().unwrap_or_else(|e| e.into_inner()) = Some(Installed { writer, reader_fd });
    Ok(true)
}

/// In a child made by `os.fork()`: the watcher thread is gone and the pipe
/// is the parent's. Takes the wakeup fd back, closes the child's copies
/// of the pipe; the next call from the main thread installs anew.
#[pyfunction]
fn after_fork_in_child(py: Python<'_>) -> PyResult<()> {
    let installed = INSTALLED.lock().unwrap_or_else(|e| e.into_inner()).take();
    // The forking thread is the child's main thread.
    ARMED_THREAD.store(0, Ordering::Relaxed);
    MAIN_THREAD.store(0, Ordering::Relaxed);
    STATE.store(UNTRIED, Ordering::Relaxed);
    let Some(installed) = installed else {
        return Ok(());
    };
    let signal = py.import("signal")?;
    let old: i32 = signal.call_method1("set_wakeup_fd", (-1,))?.extract()?;
    if old != installed.writer.as_raw_fd() {
        // Someone replaced it since: theirs stays (-1 included).
        let kwargs = PyDict::new(py);
        kwargs.set_item("warn_on_full_buffer", false)?;
        signal.call_method("set_wakeup_fd", (old,), Some(&kwargs))?;
    }
    py.import("os")?
        .call_method1("close", (installed.reader_fd,))?;
    drop(installed.writer);
    Ok(())
}

/// The error of a call the epoch interrupted: the exception of the
/// pending Python signal handlers (`KeyboardInterrupt` by default). If
/// none raises (the handler already ran, seeing the signal just before the
/// call, or a handler of the program's returned normally):
/// `KeyboardInterrupt` under Python's default handler, else `trap`.
pub fn error(py: Python<'_>, trap: PyErr) -> PyErr {
    if let Err(err) = py.check_signals() {
        return err;
    }
    let default = (|| -> PyResult<bool> {
        let signal = py.import("signal")?;
        let handler = signal.call_method1("getsignal", (signal.getattr("SIGINT")?,))?;
        Ok(handler.is(&signal.getattr("default_int_handler")?))
    })();
    if default.unwrap_or(false) {
        PyKeyboardInterrupt::new_err(())
    } else {
        trap
    }
}

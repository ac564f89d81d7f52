//! `weft_error_t`: what every fallible function returns on failure.

use std::any::Any;
use std::ffi::{c_char, CString};
use std::fmt::Write as _;

use weft_runtime::component::LiftError;
use weft_runtime::{Error, Trap, TrapKind};

use crate::{bytes, guard_value};

/// The kind of a `weft_error_t` (`WEFT_ERROR_*` in the header).
pub type weft_error_kind_t = u32;
/// WebAssembly trapped; `weft_error_trap_kind` says how.
pub const WEFT_ERROR_TRAP: weft_error_kind_t = 1;
/// An import is missing or has the wrong type.
pub const WEFT_ERROR_LINK: weft_error_kind_t = 2;
/// A binary is invalid, unsupported, or did not compile.
pub const WEFT_ERROR_COMPILE: weft_error_kind_t = 3;
/// An error made by the host (`weft_error_new`).
pub const WEFT_ERROR_HOST: weft_error_kind_t = 4;
/// Moving a value failed (bounds, alignment, invalid guest data,
/// a bad `realloc` result, a handle, flat values against the signature).
pub const WEFT_ERROR_LIFT: weft_error_kind_t = 5;
/// Values or functions of the wrong type.
pub const WEFT_ERROR_TYPE: weft_error_kind_t = 6;
/// A resource limit was reached.
pub const WEFT_ERROR_LIMIT: weft_error_kind_t = 7;
/// The operating system refused memory or code space.
pub const WEFT_ERROR_SYSTEM: weft_error_kind_t = 8;
/// A NULL pointer, text that is not UTF-8, a step out of order, a store
/// in use.
pub const WEFT_ERROR_INVALID_ARGUMENT: weft_error_kind_t = 9;
/// No export or item of that name.
pub const WEFT_ERROR_NOT_FOUND: weft_error_kind_t = 10;
/// weft panicked (a bug in weft); the process goes on.
pub const WEFT_ERROR_PANIC: weft_error_kind_t = 11;
/// A precompiled artifact is damaged or was made by another weft build,
/// for another CPU or with other engine settings.
pub const WEFT_ERROR_ARTIFACT: weft_error_kind_t = 12;

/// The kind of a trap (`WEFT_TRAP_*` in the header); `WEFT_TRAP_NONE`
/// for an error that is not a trap.
pub type weft_trap_kind_t = u32;
/// Not a trap.
pub const WEFT_TRAP_NONE: weft_trap_kind_t = 0;
/// `unreachable` was executed.
pub const WEFT_TRAP_UNREACHABLE: weft_trap_kind_t = 1;
/// A memory access out of bounds.
pub const WEFT_TRAP_MEMORY_OUT_OF_BOUNDS: weft_trap_kind_t = 2;
/// A table access out of bounds.
pub const WEFT_TRAP_TABLE_OUT_OF_BOUNDS: weft_trap_kind_t = 3;
/// `call_indirect` past the end of the table.
pub const WEFT_TRAP_UNDEFINED_ELEMENT: weft_trap_kind_t = 4;
/// `call_indirect` on a null entry.
pub const WEFT_TRAP_INDIRECT_CALL_TO_NULL: weft_trap_kind_t = 5;
/// `call_indirect` of the wrong type.
pub const WEFT_TRAP_BAD_SIGNATURE: weft_trap_kind_t = 6;
/// Signed division overflow.
pub const WEFT_TRAP_INTEGER_OVERFLOW: weft_trap_kind_t = 7;
/// Division by zero.
pub const WEFT_TRAP_INTEGER_DIVISION_BY_ZERO: weft_trap_kind_t = 8;
/// A float-to-int conversion out of range.
pub const WEFT_TRAP_BAD_CONVERSION_TO_INTEGER: weft_trap_kind_t = 9;
/// A null reference.
pub const WEFT_TRAP_NULL_REFERENCE: weft_trap_kind_t = 10;
/// The call stack is exhausted.
pub const WEFT_TRAP_STACK_OVERFLOW: weft_trap_kind_t = 11;
/// Fuel ran out.
pub const WEFT_TRAP_OUT_OF_FUEL: weft_trap_kind_t = 12;
/// The epoch deadline passed.
pub const WEFT_TRAP_INTERRUPTED: weft_trap_kind_t = 13;
/// A host function failed.
pub const WEFT_TRAP_HOST: weft_trap_kind_t = 14;
/// A component broke a rule of the component model or handed over an
/// invalid value.
pub const WEFT_TRAP_COMPONENT: weft_trap_kind_t = 15;

/// Where an error came from, kept so that an error a host callback
/// returns becomes the trap it stands for.
enum Origin {
    Trap(Trap),
    Lift(LiftError),
    Other,
}

/// An error: its kind, message, trap kind and wasm backtrace.
pub struct weft_error_t {
    kind: weft_error_kind_t,
    trap: weft_trap_kind_t,
    message: CString,
    backtrace: CString,
    origin: Origin,
}

/// A C string of `text`, with any NUL replaced.
fn c_string(text: &str) -> CString {
    CString::new(text.replace('\0', "\u{fffd}")).unwrap_or_default()
}

impl weft_error_t {
    fn new(kind: weft_error_kind_t, message: &str, origin: Origin) -> Box<weft_error_t> {
        Box::new(weft_error_t {
            kind,
            trap: WEFT_TRAP_NONE,
            message: c_string(message),
            backtrace: CString::default(),
            origin,
        })
    }

    /// A misused argument or step.
    pub(crate) fn invalid(message: impl AsRef<str>) -> Box<weft_error_t> {
        weft_error_t::new(WEFT_ERROR_INVALID_ARGUMENT, message.as_ref(), Origin::Other)
    }

    /// Values or functions of the wrong type (such as counts of flat
    /// values that do not match a signature).
    pub(crate) fn wrong_type(message: impl AsRef<str>) -> Box<weft_error_t> {
        weft_error_t::new(WEFT_ERROR_TYPE, message.as_ref(), Origin::Other)
    }

    /// Something asked for by name is not there.
    pub(crate) fn not_found(message: impl AsRef<str>) -> Box<weft_error_t> {
        weft_error_t::new(WEFT_ERROR_NOT_FOUND, message.as_ref(), Origin::Other)
    }

    /// A panic caught at an entry point.
    pub(crate) fn panic(payload: &(dyn Any + Send)) -> Box<weft_error_t> {
        let what = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(no message)");
        weft_error_t::new(
            WEFT_ERROR_PANIC,
            &format!("weft panicked (a bug in weft): {what}"),
            Origin::Other,
        )
    }

    /// A failure to move a value.
    pub(crate) fn lift(err: LiftError) -> Box<weft_error_t> {
        weft_error_t::new(WEFT_ERROR_LIFT, &err.to_string(), Origin::Lift(err))
    }

    /// A trap.
    pub(crate) fn trap(trap: Trap) -> Box<weft_error_t> {
        let mut backtrace = String::new();
        for (i, frame) in trap.backtrace.iter().enumerate() {
            let _ = writeln!(backtrace, "{i:>3}: {frame}");
        }
        Box::new(weft_error_t {
            kind: WEFT_ERROR_TRAP,
            trap: trap_kind(&trap.kind),
            message: c_string(&trap.kind.to_string()),
            backtrace: c_string(&backtrace),
            origin: Origin::Trap(trap),
        })
    }

    /// The runtime's error.
    pub(crate) fn runtime(err: Error) -> Box<weft_error_t> {
        let kind = match &err {
            Error::Trap(_) => {
                let Error::Trap(trap) = err else {
                    unreachable!()
                };
                return weft_error_t::trap(trap);
            }
            Error::Invalid { .. } | Error::Unsupported(_) | Error::Compile { .. } => {
                WEFT_ERROR_COMPILE
            }
            Error::Link { .. } => WEFT_ERROR_LINK,
            Error::Type { .. } => WEFT_ERROR_TYPE,
            Error::Limit(_) => WEFT_ERROR_LIMIT,
            Error::System(_) => WEFT_ERROR_SYSTEM,
            Error::Artifact(_) => WEFT_ERROR_ARTIFACT,
        };
        weft_error_t::new(kind, &err.to_string(), Origin::Other)
    }

    /// The trap a host callback's error stands for: a trap as it was, a
    /// failure to move a value as the trap it is in Rust, anything else
    /// as a host function's failure with the error's message.
    pub(crate) fn into_trap(self) -> Trap {
        match self.origin {
            Origin::Trap(trap) => trap,
            Origin::Lift(err) => Trap::from(err),
            Origin::Other => Trap {
                kind: TrapKind::Host(self.message.to_string_lossy().into_owned()),
                backtrace: Vec::new(),
            },
        }
    }
}

impl From<Error> for Box<weft_error_t> {
    fn from(err: Error) -> Self {
        weft_error_t::runtime(err)
    }
}

impl From<LiftError> for Box<weft_error_t> {
    fn from(err: LiftError) -> Self {
        weft_error_t::lift(err)
    }
}

impl From<Trap> for Box<weft_error_t> {
    fn from(trap: Trap) -> Self {
        weft_error_t::trap(trap)
    }
}

fn trap_kind(kind: &TrapKind) -> weft_trap_kind_t {
    match kind {
        TrapKind::Unreachable => WEFT_TRAP_UNREACHABLE,
        TrapKind::MemoryOutOfBounds => WEFT_TRAP_MEMORY_OUT_OF_BOUNDS,
        TrapKind::TableOutOfBounds => WEFT_TRAP_TABLE_OUT_OF_BOUNDS,
        TrapKind::UndefinedElement => WEFT_TRAP_UNDEFINED_ELEMENT,
        TrapKind::IndirectCallToNull => WEFT_TRAP_INDIRECT_CALL_TO_NULL,
        TrapKind::BadSignature => WEFT_TRAP_BAD_SIGNATURE,
        TrapKind::IntegerOverflow => WEFT_TRAP_INTEGER_OVERFLOW,
        TrapKind::IntegerDivisionByZero => WEFT_TRAP_INTEGER_DIVISION_BY_ZERO,
        TrapKind::BadConversionToInteger => WEFT_TRAP_BAD_CONVERSION_TO_INTEGER,
        TrapKind::NullReference => WEFT_TRAP_NULL_REFERENCE,
        TrapKind::StackOverflow => WEFT_TRAP_STACK_OVERFLOW,
        TrapKind::OutOfFuel => WEFT_TRAP_OUT_OF_FUEL,
        TrapKind::Interrupted => WEFT_TRAP_INTERRUPTED,
        TrapKind::Host(_) => WEFT_TRAP_HOST,
        TrapKind::Component(_) => WEFT_TRAP_COMPONENT,
    }
}

/// Makes a host error with the UTF-8 message `message` (`len` bytes; text
/// that is not UTF-8 is replaced), for a host callback to return: the
/// calling component traps with kind `WEFT_TRAP_HOST` and this message.
/// Never returns NULL.
///
/// # Safety
///
/// `message` is NULL (with `len` 0) or valid for reads of `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn weft_error_new(message: *const u8, len: usize) -> *mut weft_error_t {
    let made = guard_value(None, || {
        // SAFETY: the caller's contract.
        let text = unsafe { bytes(message, len, "message") }.unwrap_or(b"(NULL message)");
        Some(weft_error_t::new(
            WEFT_ERROR_HOST,
            &String::from_utf8_lossy(text),
            Origin::Other,
        ))
    });
    let err = made.unwrap_or_else(|| weft_error_t::invalid("weft_error_new failed"));
    Box::into_raw(err)
}

/// Deletes an error (NULL is ignored).
///
/// # Safety
///
/// `err` is NULL or an error not yet deleted.
#[no_mangle]
pub unsafe extern "C" fn weft_error_delete(err: *mut weft_error_t) {
    if !err.is_null() {
        // SAFETY: made by Box::into_raw, deleted once by the contract.
        guard_value((), || drop(unsafe { Box::from_raw(err) }));
    }
}

/// The error's kind (`WEFT_ERROR_*`); 0 for NULL.
///
/// # Safety
///
/// `err` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn weft_error_kind(err: *const weft_error_t) -> weft_error_kind_t {
    // SAFETY: the caller's contract.
    unsafe { err.as_ref() }.map_or(0, |e| e.kind)
}

/// The trap's kind (`WEFT_TRAP_*`), or `WEFT_TRAP_NONE` when the error is
/// not a trap (or NULL).
///
/// # Safety
///
/// `err` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn weft_error_trap_kind(err: *const weft_error_t) -> weft_trap_kind_t {
    // SAFETY: the caller's contract.
    unsafe { err.as_ref() }.map_or(WEFT_TRAP_NONE, |e| e.trap)
}

/// The error's message, NUL-terminated UTF-8, owned by the error (valid
/// until it is deleted); "" for NULL. For a trap, the trap's reason
/// ("unreachable", "host function failed: ...").
///
/// # Safety
///
/// `err` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn weft_error_message(err: *const weft_error_t) -> *const c_char {
    // SAFETY: the caller's contract.
    match unsafe { err.as_ref() } {
        Some(e) => e.message.as_ptr(),
        None => c"".as_ptr(),
    }
}

/// A trap's wasm backtrace as text, one frame a line, innermost first
/// (`  0: module!function`), NUL-terminated and owned by the error; ""
/// when there is none.
///
/// # Safety
///
/// `err` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn weft_error_backtrace(err: *const weft_error_t) -> *const c_char {
    // SAFETY: the caller's contract.
    match unsafe { err.as_ref() } {
        Some(e) => e.backtrace.as_ptr(),
        None => c"".as_ptr(),
    }
}

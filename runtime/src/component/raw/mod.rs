//! Raw canonical-ABI calls: the host moves values itself, straight
//! between its own objects and a component's linear memory and flat core
//! values ([`RawFunc`], [`RawLowerer`], [`RawLifter`], and
//! [`RawHostCall`] for host functions defined with `func_raw`). The
//! public overview is on [`RawFunc`].

mod call;
mod host;
mod lift;
mod lower;

use std::sync::Arc;

pub use call::RawCall;
pub use host::RawHostCall;
pub(crate) use host::{call_host, RawHostDef, RawHostFn, RawTarget};
pub use lift::RawLifter;
pub use lower::RawLowerer;

use super::abi::{LiftError, StringEncoding};
use super::resources::ResourceType;
use super::state::{trap, ComponentFuncData, Lifted};
use super::types::{CoreSignature, FuncType, Type};
use super::Func;
use crate::error::Error;
use crate::store::Store;
use crate::trap::Trap;

/// Why a raw call failed: the host's own error, or the runtime's.
#[derive(Debug)]
pub enum CallError<E> {
    /// An error the host's `lower` or `lift` closure returned for its own
    /// reasons (a value of the wrong type, say), unchanged.
    Host(E),
    /// The runtime's error: a trap in the callee, in its `realloc` or
    /// post-return, or in moving values (bounds, invalid strings, handles:
    /// [`LiftError`]s become traps), or a function of another store.
    Runtime(Error),
}

impl<E> CallError<E> {
    /// The trap, if the runtime's error is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        match self {
            CallError::Runtime(err) => err.as_trap(),
            CallError::Host(_) => None,
        }
    }
}

impl<E> From<LiftError> for CallError<E> {
    fn from(err: LiftError) -> CallError<E> {
        CallError::Runtime(Error::Trap(Trap::from(err)))
    }
}

impl<E> From<Trap> for CallError<E> {
    fn from(trap: Trap) -> CallError<E> {
        CallError::Runtime(Error::Trap(trap))
    }
}

impl<E> From<Error> for CallError<E> {
    fn from(err: Error) -> CallError<E> {
        CallError::Runtime(err)
    }
}

impl<E: std::fmt::Display> std::fmt::Display for CallError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Host(err) => err.fmt(f),
            CallError::Runtime(err) => err.fmt(f),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for CallError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CallError::Host(err) => Some(err),
            CallError::Runtime(err) => Some(err),
        }
    }
}

mod sealed {
    /// Only the scalar types of the canonical ABI are [`super::RawScalar`]s.
    pub trait Sealed {}
}

/// A scalar the raw API reads and writes: a component scalar type's Rust
/// counterpart, with its size in memory (also its alignment) and its bits
/// as a flat core value.
pub trait RawScalar: Copy + sealed::Sealed {
    /// Its size and alignment in linear memory, in bytes.
    const SIZE: u32;

    /// Its flat value's bits: 32-bit core values zero-extended (so a
    /// variant's joined payload slots need no conversion), smaller signed
    /// integers sign-extended to 32 bits first, NaNs canonical. Its bytes in
    /// memory are the low [`Self::SIZE`] bytes, little-endian.
    fn to_bits(self) -> u64;

    /// The value of the bits of a flat value or of the bytes in memory
    /// (zero-extended): smaller integers truncated, nonzero as `true`,
    /// NaNs made canonical, a `char` checked.
    fn from_bits(bits: u64) -> Result<Self, LiftError>;
}

macro_rules! raw_scalars {
    ($($rust:ty, $size:literal, |$v:ident| $to_bits:expr, |$b:ident| $from_bits:expr;)*) => {$(
        impl sealed::Sealed for $rust {}

        impl RawScalar for $rust {
            const SIZE: u32 = $size;

            #[inline]
            fn to_bits(self) -> u64 {
                let $v = self;
                $to_bits
            }

            #[inline]
            fn from_bits($b: u64) -> Result<Self, LiftError> {
                $from_bits
            }
        }
    )*};
}

raw_scalars! {
    bool, 1, |v| u64::from(v), |b| Ok(b as u32 != 0);
    i8, 1, |v| u64::from(v as i32 as u32), |b| Ok(b as i8);
    u8, 1, |v| u64::from(v), |b| Ok(b as u8);
    i16, 2, |v| u64::from(v as i32 as u32), |b| Ok(b as i16);
    u16, 2, |v| u64::from(v), |b| Ok(b as u16);
    i32, 4, |v| u64::from(v as u32), |b| Ok(b as i32);
    u32, 4, |v| u64::from(v), |b| Ok(b as u32);
    i64, 8, |v| v as u64, |b| Ok(b as i64);
    u64, 8, |v| v, |b| Ok(b);
    f32, 4,
        |v| u64::from(canonical_f32(v).to_bits()),
        |b| Ok(canonical_f32(f32::from_bits(b as u32)));
    f64, 8,
        |v| canonical_f64(v).to_bits(),
        |b| Ok(canonical_f64(f64::from_bits(b)));
    char, 4,
        |v| u64::from(u32::from(v)),
        |b| char::from_u32(b as u32).ok_or(LiftError::BadChar { value: b as u32 });
}

/// NaNs cross the boundary as the canonical NaN (CanonicalABI.md).
fn canonical_f32(value: f32) -> f32 {
    if value.is_nan() {
        f32::from_bits(0x7fc0_0000)
    } else {
        value
    }
}

fn canonical_f64(value: f64) -> f64 {
    if value.is_nan() {
        f64::from_bits(0x7ff8_0000_0000_0000)
    } else {
        value
    }
}

/// A component function prepared for raw calls: its type, core signature
/// and the layouts its calls check, worked out once.
///
/// In a raw call the host moves values itself, straight between its own
/// objects and a component's linear memory and flat core values, with no [`Val`](super::Val) tree in between and no Rust type
/// known at compile time. This is the path for hosts that bring their own
/// type descriptors and values (a Python extension converting Python
/// objects, a Go package going through a C API): they build, once, what
/// to do for each type from [`FuncType`] and [`Type`] (sizes, alignments,
/// flat types, field offsets, discriminant sizes, the core signature),
/// and at each call lower and lift by those descriptions.
///
/// - [`Func::raw`] gives a [`RawFunc`], whose [`call`](RawFunc::call)
///   takes two closures: `lower` writes the arguments through a
///   [`RawLowerer`] (flat values, or the parameter tuple in memory; strings
///   and lists in blocks from the callee's `realloc`; resources as
///   handles), `lift` reads the result through a [`RawLifter`] (the flat
///   result or the returned pointer; every read checked). The callee's
///   post-return runs after `lift` returns, so `lift` copies what it
///   needs.
/// - [`RawFunc::begin`] gives the same call in stages, a [`RawCall`]
///   (lower, invoke, lift, finish), for a host that cannot hand the
///   runtime closures, such as a C API's caller.
/// - [`LinkerInstance::func_raw`] defines a host function that components
///   import, called with a [`RawHostCall`]: its arguments are read from
///   the calling component's flat values and memory, and its result is
///   written into the caller's memory through the caller's `realloc`.
///
/// Errors keep their origin. A closure returns [`CallError::Host`] for the
/// host's own errors (a Python `TypeError`), which comes back unchanged;
/// the raw API's own failures ([`LiftError`]s: a bad `realloc` result, a
/// write out of bounds, invalid UTF-8 from the guest) convert with `?`
/// into [`CallError::Runtime`] traps, as traps in the callee are. A call
/// whose lowering fails is not made, and the handles the lowering passed
/// are taken back: the instance stays usable (only blocks the callee
/// allocated for arguments remain allocated, as the canonical ABI has no
/// way to free them).
///
/// ```no_run
/// # use weft_runtime::{Engine, Store};
/// # use weft_runtime::component::{CallError, Component, Linker};
/// # let engine = Engine::default();
/// # let component = Component::new(&engine, &[])?;
/// # let mut store = Store::new(&engine, ());
/// # let instance = Linker::new(&engine).instantiate(&mut store, &component)?;
/// // reverse: func(s: string) -> string
/// let reverse = instance.get_func(&mut store, "reverse").unwrap().raw(&store)?;
/// let reversed: String = reverse.call(
///     &mut store,
///     |args| {
///         let (ptr, len) = args.store_string("abc")?;
///         args.push(ptr)?;
///         args.push(len)?;
///         Ok::<(), CallError<std::convert::Infallible>>(())
///     },
///     |result| {
///         // A string result is two flat values: through memory.
///         let at = result.spill_area()?;
///         let (ptr, len) = (result.read::<u32>(at)?, result.read::<u32>(at + 4)?);
///         Ok(result.load_str(ptr, len)?.into_owned())
///     },
/// )?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`LinkerInstance::func_raw`]: super::LinkerInstance::func_raw
/// [`Val`]: super::Val
#[derive(Clone)]
pub struct RawFunc {
    store_id: u64,
    lifted: Arc<Lifted>,
    /// Size and alignment of the parameter tuple.
    params: (u32, u32),
    /// Size and alignment of the result.
    result: (u32, u32),
}

impl Func {
    /// This function, prepared for raw calls. Functions a component lifts
    /// can be called raw; a host function a component re-exports is called
    /// through [`Func::call`].
    pub fn raw<T>(&self, store: &Store<T>) -> Result<RawFunc, Error> {
        store.inner.check(self.store_id, "component function")?;
        let ComponentFuncData::Lifted(lifted) = &store.inner.component.funcs[self.index as usize]
        else {
            return Err(Error::Type {
                message: "a host function re-exported by a component has no raw form; \
                          use Func::call"
                    .into(),
            });
        };
        Ok(RawFunc {
            store_id: self.store_id,
            lifted: lifted.clone(),
            params: lifted.ty.params_size_align(),
            result: size_align(lifted.ty.result.as_ref()),
        })
    }

    /// Calls the function raw: [`Func::raw`] then [`RawFunc::call`] (a
    /// host calling a function often keeps the [`RawFunc`] instead).
    pub fn call_raw<T, R, E>(
        &self,
        store: &mut Store<T>,
        lower: impl FnOnce(&mut RawLowerer<'_>) -> Result<(), CallError<E>>,
        lift: impl FnOnce(&mut RawLifter<'_>) -> Result<R, CallError<E>>,
    ) -> Result<R, CallError<E>> {
        self.raw(store)?.call(store, lower, lift)
    }
}

impl RawFunc {
    /// The function's type.
    pub fn ty(&self) -> &FuncType {
        &self.lifted.ty
    }

    /// Its core signature: where the arguments and the result go.
    pub fn signature(&self) -> &CoreSignature {
        &self.lifted.signature
    }

    /// How the component encodes strings.
    pub fn encoding(&self) -> StringEncoding {
        self.lifted.options.encoding
    }

    /// The resource type that slot `slot` of its handle types
    /// ([`Type::Own`], [`Type::Borrow`]) stands for in this instance, for
    /// a host that wraps resources of each type in its own class.
    pub fn resource_type(&self, slot: u32) -> Option<ResourceType> {
        self.lifted.resources.get(slot as usize).copied().flatten()
    }

    /// Calls the function: `lower` writes the arguments, the callee runs,
    /// `lift` reads the result, then the callee's post-return runs (also
    /// when `lift` fails). A failed lowering leaves the call unmade and
    /// takes back the handles it passed; own handles lifted before a
    /// failure are dropped. A panic in a closure propagates after the same
    /// clean-up. [`RawFunc::begin`] gives the same call in stages.
    pub fn call<T, R, E>(
        &self,
        store: &mut Store<T>,
        lower: impl FnOnce(&mut RawLowerer<'_>) -> Result<(), CallError<E>>,
        lift: impl FnOnce(&mut RawLifter<'_>) -> Result<R, CallError<E>>,
    ) -> Result<R, CallError<E>> {
        store.inner.check(self.store_id, "component function")?;
        let scope = self.enter(&mut store.inner)?;
        // Made in place and ended in place: the call is too large to move
        // around on every call.
        let mut call = RawCall::new(self, &mut store.inner, scope);
        lower(&mut call.lowerer())?;
        call.invoke()?;
        match lift(&mut call.lifter()) {
            Ok(result) => {
                call.end()?;
                Ok(result)
            }
            Err(err) => {
                // The callee did its part: it still gets to clean up.
                let ended = call.abandon();
                if let CallError::Host(_) = err {
                    ended?;
                }
                Err(err)
            }
        }
    }
}

/// The error for a raw call that went against the signature.
fn signature_error(message: impl Into<String>) -> Trap {
    trap(LiftError::Signature(message.into()).to_string())
}

/// `ty`'s size and alignment, or none's.
fn size_align(ty: Option<&Type>) -> (u32, u32) {
    ty.map_or((0, 1), |t| (t.size(), t.align()))
}

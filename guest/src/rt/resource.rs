//! Resources the guest defines and exports: a Rust type whose values
//! live in the guest, handed to the host as handles.
//!
//! A value's rep (the address the component model keeps for it) points
//! to a `Box<Option<T>>`: `[resource-new]` makes a handle for it when an
//! owned value leaves the guest; an owned handle coming back is turned
//! into its rep with `[resource-rep]`, the value is taken out (leaving
//! `None`) and the handle dropped with `[resource-drop]`, which runs the
//! destructor export on the now empty box. A borrow arrives as the rep
//! itself. `#[weft::export]` on the type's `impl` block implements
//! [`Resource`] (and the value traits) for it.
//!
//! Generated types name an exported resource without knowing its Rust
//! type: `world!` generates a marker type for each exported resource and
//! an alias through [`Exported`] (`wit::<interface>::Counter`), and
//! `#[weft::export]` on the `impl` block implements [`Exported`] for the
//! marker, so that the alias is the crate's own type. A record holding a
//! `counter` holds the crate's `Counter` itself; a `borrow<counter>`
//! inside a parameter's type is a `&Counter` for the call.

use alloc::boxed::Box;
use core::marker::PhantomData;
use core::ops::Deref;

use super::flat::FlatReader;
use super::memory::{address, pointer, read};
use super::traits::{ComponentType, Lift};

/// A Rust type implementing a WIT resource the guest exports: the
/// canonical built-ins of its resource type.
///
/// # Safety
///
/// The functions are the core imports `[resource-new]`,
/// `[resource-rep]` and `[resource-drop]` of this resource type (as
/// `#[weft::export]` generates them).
pub unsafe trait Resource: Sized + 'static {
    /// A new owned handle for `rep`.
    fn new_handle(rep: u32) -> u32;
    /// The rep of the owned handle `handle`.
    fn rep(handle: u32) -> u32;
    /// Drops the owned handle `handle` (running the destructor export).
    fn drop_handle(handle: u32);
}

/// The Rust type implementing an exported WIT resource, found from the
/// marker type that `world!` generates for the resource (in the hidden
/// module `wit::<interface>::__resources`, named after the resource).
/// `#[weft::export]` on the type's `impl` block implements it; the alias
/// `wit::<interface>::Counter` that generated types use is
/// `<marker as Exported>::Rust`.
#[diagnostic::on_unimplemented(
    message = "the exported WIT resource `{Self}` has no Rust type",
    label = "a generated type holds the resource `{Self}`",
    note = "mark the `impl` block of the Rust type implementing the resource with \
            `#[weft::export]` (the type is named after the resource: `Counter` for `counter`)"
)]
pub trait Exported {
    /// The Rust type implementing the resource.
    type Rust: Resource;
}

/// Moves `value` behind a new owned handle.
pub fn into_handle<T: Resource>(value: T) -> u32 {
    let rep: *mut Option<T> = Box::into_raw(Box::new(Some(value)));
    T::new_handle(address(rep.cast()))
}

/// Takes the value of the owned handle `handle`, which is dropped.
///
/// # Safety
///
/// `handle` is an owned handle of `T`'s resource type, made by
/// [`into_handle`] (so its rep points to a `Box<Option<T>>`).
pub unsafe fn from_handle<T: Resource>(handle: u32) -> T {
    let rep = pointer(T::rep(handle)).cast::<Option<T>>();
    // SAFETY: the rep came from `into_handle`; the box is alive while
    // the handle is.
    let value = unsafe { (*rep).take() };
    T::drop_handle(handle);
    value.unwrap_or_else(|| super::invalid("resource handle whose value was moved out", handle))
}

/// The destructor: frees the box behind `rep`, dropping the value if it
/// is still there.
///
/// # Safety
///
/// `rep` came from [`into_handle`] and its handle is gone.
pub unsafe fn destroy<T: Resource>(rep: u32) {
    // SAFETY: guaranteed by the caller.
    drop(unsafe { Box::from_raw(pointer(rep).cast::<Option<T>>()) });
}

/// The value behind the rep of a borrowed handle.
///
/// # Safety
///
/// `rep` is the rep of a handle made by [`into_handle`] for `T` (the
/// host lends only handles the guest made, and passes their rep), and the
/// reference is used only during the call that lent it, while the value
/// is alive.
pub unsafe fn borrow<'a, T: Resource>(rep: u32) -> &'a T {
    // SAFETY: guaranteed by the caller.
    match unsafe { &*pointer(rep).cast::<Option<T>>() } {
        Some(value) => value,
        None => super::invalid("borrow of a moved resource", rep),
    }
}

/// A `borrow<r>` of an exported resource inside an argument's type (a
/// record, tuple, option, list, ...): the value behind the rep, for the
/// call. The export glue hands such arguments to the function through a
/// helper generic over their lifetime, so the function cannot keep them.
impl<T: Resource> ComponentType for &T {
    const SIZE: usize = 4;
    const ALIGN: usize = 4;
    const FLAT: usize = 1;
}

impl<T: Resource> Lift for &T {
    unsafe fn lift_flat(src: &mut FlatReader<'_>) -> Self {
        // SAFETY: the caller lifts a borrow the host lent for the call.
        unsafe { borrow(src.take() as u32) }
    }
    unsafe fn load(ptr: *const u8) -> Self {
        // SAFETY: the caller guarantees four readable bytes, a borrow the
        // host lent for the call.
        unsafe { borrow(u32::from_le(read::<u32>(ptr))) }
    }
}

/// A borrowed resource argument: the value behind a rep, for the call.
pub struct Borrowed<T> {
    rep: *const Option<T>,
    _value: PhantomData<T>,
}

impl<T: Resource> Deref for Borrowed<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the rep came from `into_handle` (the host lends only
        // handles the guest made) and the value lives for the call, which
        // `Borrowed` (made by the glue only) does not outlive.
        unsafe { borrow(address(self.rep.cast())) }
    }
}

impl<T: Resource> ComponentType for Borrowed<T> {
    const SIZE: usize = 4;
    const ALIGN: usize = 4;
    const FLAT: usize = 1;
}

impl<T: Resource> Lift for Borrowed<T> {
    unsafe fn lift_flat(src: &mut FlatReader<'_>) -> Self {
        Borrowed {
            rep: pointer(src.take() as u32).cast(),
            _value: PhantomData,
        }
    }
    unsafe fn load(ptr: *const u8) -> Self {
        // SAFETY: the caller guarantees four readable bytes.
        let rep = u32::from_le(unsafe { read::<u32>(ptr) });
        Borrowed {
            rep: pointer(rep).cast(),
            _value: PhantomData,
        }
    }
}

//! Typed component calls: a function's type is checked once, when the
//! [`TypedFunc`] is made, and each call then moves Rust values straight
//! into and out of the component's linear memory and flat core values,
//! with no [`Val`](super::Val) tree in between.
//!
//! The traits are implemented for the Rust std types that have a
//! component counterpart (integers, floats, `bool`, `char`, `String` and
//! `&str`, `Vec<T>` and `&[T]`, `Option`, `Result`, tuples) and for
//! [`Resource`](super::Resource); generated bindings implement them for
//! records, variants, enums and flags.
//!
//! ```no_run
//! # use weft_runtime::{Engine, Store};
//! # use weft_runtime::component::{Component, Linker};
//! # let engine = Engine::default();
//! # let component = Component::new(&engine, &[])?;
//! # let mut store = Store::new(&engine, ());
//! # let instance = Linker::new(&engine).instantiate(&mut store, &component)?;
//! let func = instance.get_func(&mut store, "reverse").expect("exported");
//! let reverse = func.typed::<(&str,), String, _>(&store)?;
//! assert_eq!(reverse.call(&mut store, ("abc",))?, "cba");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod params;
mod std_impls;
#[cfg(test)]
mod tests;

use std::marker::PhantomData;
use std::sync::Arc;

pub use params::ComponentParams;

use super::abi::{LiftError, Lifter, Lowerer};
use super::state::{ComponentFuncData, Lifted};
use super::types::Type;
use super::Func;
use crate::error::Error;
use crate::store::Store;

/// A Rust type with a component value type: its canonical ABI layout, and
/// a check that a component type is its own.
pub trait ComponentType {
    /// Its size in linear memory, in bytes.
    const SIZE: u32;
    /// Its alignment in linear memory, in bytes.
    const ALIGN: u32;
    /// How many flat core values it takes.
    const FLAT: usize;

    /// Checks that `ty` is this Rust type's component type, saying what
    /// differs if not.
    fn typecheck(ty: &Type) -> Result<(), String>;

    /// Checks a payload that may be absent (a result's `ok`/`error` or a
    /// function's result): absent is only right for `()`.
    fn typecheck_payload(ty: Option<&Type>) -> Result<(), String> {
        match ty {
            Some(ty) => Self::typecheck(ty),
            None => Err(format!(
                "expected a value of {}, found none",
                short_name::<Self>()
            )),
        }
    }
}

/// A Rust value that can be lowered into a component.
pub trait Lower: ComponentType {
    /// Lowers the value, of component type `ty`, to flat core values.
    fn lower_flat<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        ty: &Type,
        out: &mut FlatWriter<'_>,
    ) -> Result<(), LiftError>;

    /// Stores the value, of component type `ty`, at `at` in the
    /// component's memory. The caller has checked that [`Self::SIZE`]
    /// bytes at `at` lie in memory, aligned to [`Self::ALIGN`].
    fn store<L: Lowerer + ?Sized>(&self, cx: &mut L, ty: &Type, at: usize)
        -> Result<(), LiftError>;

    /// Stores `items` one after another from `at` (checked as for
    /// [`Lower::store`]); scalar types copy them in one pass.
    fn store_list<L: Lowerer + ?Sized>(
        items: &[Self],
        cx: &mut L,
        element: &Type,
        at: usize,
    ) -> Result<(), LiftError>
    where
        Self: Sized,
    {
        for (i, item) in items.iter().enumerate() {
            item.store(cx, element, at + i * Self::SIZE as usize)?;
        }
        Ok(())
    }
}

/// A Rust value that can be lifted out of a component.
pub trait Lift: ComponentType + Sized {
    /// Lifts a value of component type `ty` from flat core values.
    fn lift_flat(
        cx: &mut Lifter<'_>,
        ty: &Type,
        src: &mut FlatReader<'_>,
    ) -> Result<Self, LiftError>;

    /// Loads a value of component type `ty` stored at `at` (checked as for
    /// [`Lower::store`]).
    fn load(cx: &mut Lifter<'_>, ty: &Type, at: usize) -> Result<Self, LiftError>;

    /// Loads `len` values stored one after another from `at` (checked);
    /// scalar types read them in one pass.
    fn load_list(
        cx: &mut Lifter<'_>,
        element: &Type,
        at: usize,
        len: usize,
    ) -> Result<Vec<Self>, LiftError> {
        (0..len)
            .map(|i| Self::load(cx, element, at + i * Self::SIZE as usize))
            .collect()
    }
}

/// Flat core values being written, each as its bits in the low end of a
/// 16-byte slot (the layout compiled code's array calls use).
pub struct FlatWriter<'a> {
    slots: &'a mut [u128],
    len: usize,
}

impl<'a> FlatWriter<'a> {
    /// A writer filling `slots` from the start.
    pub fn new(slots: &'a mut [u128]) -> FlatWriter<'a> {
        FlatWriter { slots, len: 0 }
    }

    /// Appends a flat value's bits (32-bit values in the low half).
    pub fn push(&mut self, bits: u64) -> Result<(), LiftError> {
        let slot = self
            .slots
            .get_mut(self.len)
            .ok_or(LiftError::MissingFlatValue { ty: "value" })?;
        *slot = u128::from(bits);
        self.len += 1;
        Ok(())
    }

    /// How many values have been written.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Writes zeros up to `len` values (the unused slots of a variant
    /// whose case has a shorter payload than others).
    pub fn pad_to(&mut self, len: usize) -> Result<(), LiftError> {
        while self.len < len {
            self.push(0)?;
        }
        Ok(())
    }
}

/// Flat core values being read (see [`FlatWriter`]).
pub struct FlatReader<'a> {
    slots: &'a [u128],
    position: usize,
}

impl<'a> FlatReader<'a> {
    /// A reader over `slots` from the start.
    pub fn new(slots: &'a [u128]) -> FlatReader<'a> {
        FlatReader { slots, position: 0 }
    }

    /// Takes the next flat value's bits.
    pub fn take(&mut self) -> Result<u64, LiftError> {
        let slot = self
            .slots
            .get(self.position)
            .ok_or(LiftError::MissingFlatValue { ty: "value" })?;
        self.position += 1;
        Ok(*slot as u64)
    }

    /// A reader over the next `count` values, which this one skips (a
    /// variant's joined payload slots).
    pub fn split(&mut self, count: usize) -> Result<FlatReader<'a>, LiftError> {
        let end = self.position + count;
        let slots = self
            .slots
            .get(self.position..end)
            .ok_or(LiftError::MissingFlatValue { ty: "variant" })?;
        self.position = end;
        Ok(FlatReader { slots, position: 0 })
    }
}

/// `offset` rounded up to `align` (a power of two), at compile time.
pub const fn align_to(offset: u32, align: u32) -> u32 {
    (offset + align - 1) & !(align - 1)
}

/// The larger of two numbers, at compile time.
pub const fn max(a: u32, b: u32) -> u32 {
    if a > b {
        a
    } else {
        b
    }
}

/// The larger of two counts, at compile time.
pub const fn max_count(a: usize, b: usize) -> usize {
    if a > b {
        a
    } else {
        b
    }
}

/// A type's name without its module path, for type-check messages.
fn short_name<T: ?Sized>() -> String {
    let full = std::any::type_name::<T>();
    let mut name = String::with_capacity(full.len());
    let mut segment = String::new();
    for c in full.chars() {
        if c.is_alphanumeric() || c == '_' {
            segment.push(c);
        } else if c == ':' {
            segment.clear();
        } else {
            name.push_str(&segment);
            segment.clear();
            name.push(c);
        }
    }
    name.push_str(&segment);
    name
}

/// A component function whose type was checked against the Rust types
/// `Params -> Result` (`()` for a function without result).
pub struct TypedFunc<Params, Result> {
    store_id: u64,
    lifted: Arc<Lifted>,
    // Covariant in `Params`, so a function typed once takes arguments
    // borrowed for each call.
    _types: PhantomData<fn() -> (Params, Result)>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        TypedFunc {
            store_id: self.store_id,
            lifted: self.lifted.clone(),
            _types: PhantomData,
        }
    }
}

impl Func {
    /// This function as a [`TypedFunc`] taking `P` (a tuple) and returning
    /// `R` (`()` for none), if its component type is theirs. Functions a
    /// component lifts can be typed; a host function a component re-exports
    /// is called through [`Func::call`].
    pub fn typed<P: ComponentParams, R: Lift, T>(
        &self,
        store: &Store<T>,
    ) -> Result<TypedFunc<P, R>, Error> {
        store.inner.check(self.store_id, "component function")?;
        let ComponentFuncData::Lifted(lifted) = &store.inner.component.funcs[self.index as usize]
        else {
            return Err(Error::Type {
                message: "a host function re-exported by a component has no typed form; \
                          use Func::call"
                    .into(),
            });
        };
        let ty = &lifted.ty;
        let mismatch = |what: String| Error::Type {
            message: format!(
                "{ty} is not ({}) -> {}: {what}",
                short_name::<P>(),
                short_name::<R>()
            ),
        };
        P::typecheck(&ty.params).map_err(mismatch)?;
        R::typecheck_payload(ty.result.as_ref()).map_err(|e| mismatch(format!("result: {e}")))?;
        Ok(TypedFunc {
            store_id: self.store_id,
            lifted: lifted.clone(),
            _types: PhantomData,
        })
    }
}

impl<P: ComponentParams, R: Lift> TypedFunc<P, R> {
    /// Calls the function. A trap, in the callee or in moving the values,
    /// comes back as [`Error::Trap`]; the store stays usable.
    pub fn call<T>(&self, store: &mut Store<T>, params: P) -> Result<R, Error> {
        store.inner.check(self.store_id, "component function")?;
        Ok(super::call::call_typed(
            &mut store.inner,
            &self.lifted,
            &params,
        )?)
    }
}

//! Typed calls: a function's type is checked once, when the typed handle
//! is made, and each call then passes native Rust values straight to the
//! compiled code, with no `Val` conversion or allocation.

use std::marker::PhantomData;

use crate::error::Error;
use crate::func::Func;
use crate::store::Store;
use crate::types::{FuncType, ValType};

/// A Rust type that is a wasm value type.
pub trait WasmTy: Copy + Send + Sync + 'static {
    /// The wasm type.
    const TYPE: ValType;
    /// The value's bits in a 16-byte slot.
    fn to_slot(self) -> u128;
    /// The value from its slot bits.
    fn from_slot(slot: u128) -> Self;
}

macro_rules! wasm_ty {
    ($($ty:ty => $val:ident, $to:expr, $from:expr;)*) => {$(
        impl WasmTy for $ty {
            const TYPE: ValType = ValType::$val;
            fn to_slot(self) -> u128 {
                #[allow(clippy::redundant_closure_call)]
                ($to)(self)
            }
            fn from_slot(slot: u128) -> Self {
                #[allow(clippy::redundant_closure_call)]
                ($from)(slot)
            }
        }
    )*};
}

wasm_ty! {
    i32 => I32, |v: i32| u128::from(v as u32), |s: u128| s as u32 as i32;
    u32 => I32, u128::from, |s: u128| s as u32;
    i64 => I64, |v: i64| u128::from(v as u64), |s: u128| s as u64 as i64;
    u64 => I64, u128::from, |s: u128| s as u64;
    f32 => F32, |v: f32| u128::from(v.to_bits()), |s: u128| f32::from_bits(s as u32);
    f64 => F64, |v: f64| u128::from(v.to_bits()), |s: u128| f64::from_bits(s as u64);
}

/// The parameters of a typed function: `()`, one [`WasmTy`], or a tuple
/// of up to eight.
///
/// # Safety
///
/// `invoke` must call `code` with exactly the native signature of a wasm
/// function taking `Self::types()`.
pub unsafe trait WasmParams: Copy {
    /// The wasm parameter types.
    fn types() -> Vec<ValType>;
    /// Writes the values into slots, in order.
    fn store(self, slots: &mut [u128]);
    /// Calls compiled code whose native signature is
    /// `(vmctx, params...) -> R`.
    ///
    /// # Safety
    ///
    /// `code` must be a compiled wasm function of these parameter types
    /// returning `R`, and `vmctx` its vmctx; traps must be caught.
    unsafe fn invoke<R: NativeResult>(self, code: usize, vmctx: usize) -> R;
}

/// A result type compiled code returns in a register: `()` or one value.
pub trait NativeResult: Copy {}
impl NativeResult for () {}
impl<T: WasmTy> NativeResult for T {}

/// The results of a typed function: `()`, one [`WasmTy`], or a tuple.
pub trait WasmResults: Copy {
    /// The wasm result types.
    fn types() -> Vec<ValType>;
    /// Reads the values from slots.
    fn load(slots: &[u128]) -> Self;
    /// Calls `code` directly when the results come back in a register;
    /// `None` when they need the array trampoline.
    ///
    /// # Safety
    ///
    /// As for [`WasmParams::invoke`].
    unsafe fn invoke_direct<P: WasmParams>(params: P, code: usize, vmctx: usize) -> Option<Self>;
}

impl WasmResults for () {
    fn types() -> Vec<ValType> {
        Vec::new()
    }
    fn load(_: &[u128]) -> Self {}
    unsafe fn invoke_direct<P: WasmParams>(params: P, code: usize, vmctx: usize) -> Option<()> {
        // SAFETY: as the caller promises.
        unsafe { params.invoke::<()>(code, vmctx) };
        Some(())
    }
}

impl<T: WasmTy> WasmResults for T {
    fn types() -> Vec<ValType> {
        vec![T::TYPE]
    }
    fn load(slots: &[u128]) -> Self {
        T::from_slot(slots[0])
    }
    unsafe fn invoke_direct<P: WasmParams>(params: P, code: usize, vmctx: usize) -> Option<T> {
        // SAFETY: as the caller promises.
        Some(unsafe { params.invoke::<T>(code, vmctx) })
    }
}

// SAFETY: a wasm function of one parameter has the native signature
// `(vmctx, T) -> R`.
unsafe impl<T: WasmTy> WasmParams for T {
    fn types() -> Vec<ValType> {
        vec![T::TYPE]
    }
    fn store(self, slots: &mut [u128]) {
        slots[0] = self.to_slot();
    }
    unsafe fn invoke<R: NativeResult>(self, code: usize, vmctx: usize) -> R {
        // SAFETY: as the caller promises.
        unsafe {
            let f: unsafe extern "C" fn(usize, T) -> R = std::mem::transmute(code);
            f(vmctx, self)
        }
    }
}

macro_rules! tuples {
    ($(($($name:ident),*))*) => {$(
        // SAFETY: a wasm function of these parameters has the native
        // signature `(vmctx, params...) -> R`.
        #[allow(non_snake_case, unused_variables, unused_mut, unused_assignments)]
        unsafe impl<$($name: WasmTy),*> WasmParams for ($($name,)*) {
            fn types() -> Vec<ValType> {
                vec![$($name::TYPE),*]
            }
            fn store(self, slots: &mut [u128]) {
                let ($($name,)*) = self;
                let mut i = 0;
                $(slots[i] = $name.to_slot(); i += 1;)*
            }
            unsafe fn invoke<R: NativeResult>(self, code: usize, vmctx: usize) -> R {
                let ($($name,)*) = self;
                // SAFETY: as the caller promises.
                unsafe {
                    let f: unsafe extern "C" fn(usize, $($name),*) -> R =
                        std::mem::transmute(code);
                    f(vmctx, $($name),*)
                }
            }
        }

        #[allow(non_snake_case, unused_variables, unused_mut, unused_assignments)]
        impl<$($name: WasmTy),*> WasmResults for ($($name,)*) {
            fn types() -> Vec<ValType> {
                vec![$($name::TYPE),*]
            }
            fn load(slots: &[u128]) -> Self {
                let mut i = 0;
                ($({ let v = $name::from_slot(slots[i]); i += 1; v },)*)
            }
            unsafe fn invoke_direct<P: WasmParams>(_: P, _: usize, _: usize) -> Option<Self> {
                None
            }
        }
    )*};
}

// SAFETY: a wasm function without parameters has the native signature
// `(vmctx) -> R`.
unsafe impl WasmParams for () {
    fn types() -> Vec<ValType> {
        Vec::new()
    }
    fn store(self, _: &mut [u128]) {}
    unsafe fn invoke<R: NativeResult>(self, code: usize, vmctx: usize) -> R {
        // SAFETY: as the caller promises.
        unsafe {
            let f: unsafe extern "C" fn(usize) -> R = std::mem::transmute(code);
            f(vmctx)
        }
    }
}

tuples! {
    (A1, A2)
    (A1, A2, A3)
    (A1, A2, A3, A4)
    (A1, A2, A3, A4, A5)
    (A1, A2, A3, A4, A5, A6)
    (A1, A2, A3, A4, A5, A6, A7)
    (A1, A2, A3, A4, A5, A6, A7, A8)
}

/// A function whose type was checked against `Params -> Results`.
pub struct TypedFunc<Params, Results> {
    func: Func,
    _types: PhantomData<fn(Params) -> Results>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P, R> Copy for TypedFunc<P, R> {}

impl Func {
    /// This function as a [`TypedFunc`], if its type is `P -> R`.
    pub fn typed<P: WasmParams, R: WasmResults, T>(
        &self,
        store: &Store<T>,
    ) -> Result<TypedFunc<P, R>, Error> {
        store.inner.check(self.store_id(), "function")?;
        let actual = self.ty(store);
        let wanted = FuncType::new(P::types(), R::types());
        if actual != wanted {
            return Err(Error::Type {
                message: format!("function is {actual}, not {wanted}"),
            });
        }
        Ok(TypedFunc {
            func: *self,
            _types: PhantomData,
        })
    }
}

impl<P: WasmParams, R: WasmResults> TypedFunc<P, R> {
    /// The untyped function.
    pub fn func(&self) -> Func {
        self.func
    }

    /// Calls the function.
    pub fn call<T>(&self, store: &mut Store<T>, params: P) -> Result<R, Error> {
        let inner = &mut *store.inner;
        inner.check(self.func.store_id(), "function")?;
        // SAFETY: the funcref belongs to this store (checked).
        let funcref = unsafe { *inner.funcs[self.func.index() as usize].funcref };
        // The closure captures one reference, so entering wasm moves a
        // pointer rather than the parameters (a wider closure is copied
        // through memory at a stall).
        let mut call = (params, funcref.code, funcref.vmctx, None::<R>);
        let frame = &mut call;
        // SAFETY: the type was checked when this handle was made, so the
        // native signature is `(vmctx, P...) -> R` when R is a single
        // value or nothing.
        unsafe {
            inner.enter_wasm(move || {
                frame.3 = R::invoke_direct(frame.0, frame.1, frame.2);
            })?;
        }
        let direct = call.3;
        if let Some(results) = direct {
            return Ok(results);
        }
        let count = P::types().len().max(R::types().len()).max(1);
        let mut slots = [0u128; 8];
        let slots = &mut slots[..count.min(8)];
        params.store(slots);
        inner.call_raw(inner.funcs[self.func.index() as usize].funcref, slots)?;
        Ok(R::load(slots))
    }
}

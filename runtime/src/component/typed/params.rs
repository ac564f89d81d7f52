//! The parameters of a typed function: a tuple of [`Lower`] values, passed
//! flat or, past 16 flat values, stored as a tuple in the callee's memory.

use super::{align_to, max, FlatWriter, Lower};
use crate::component::abi::{LiftError, Lowerer};
use crate::component::types::Type;

/// The parameters of a [`TypedFunc`](super::TypedFunc): `()` or a tuple of
/// up to 20 [`Lower`] values.
pub trait ComponentParams {
    /// The size of the parameters stored as a tuple, in bytes.
    const SIZE: u32;
    /// The alignment of that tuple.
    const ALIGN: u32;

    /// Checks the parameter types of a component function.
    fn typecheck(params: &[(String, Type)]) -> Result<(), String>;

    /// Lowers the parameters to flat core values.
    fn lower_flat<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        params: &[(String, Type)],
        out: &mut FlatWriter<'_>,
    ) -> Result<(), LiftError>;

    /// Stores the parameters as a tuple at `at` (checked by the caller).
    fn store<L: Lowerer + ?Sized>(
        &self,
        cx: &mut L,
        params: &[(String, Type)],
        at: usize,
    ) -> Result<(), LiftError>;
}

fn check_count(params: &[(String, Type)], count: usize) -> Result<(), String> {
    if params.len() == count {
        Ok(())
    } else {
        Err(format!(
            "the function takes {} parameters, the Rust type {count}",
            params.len()
        ))
    }
}

macro_rules! params {
    ($(($($name:ident $index:tt),*))*) => {$(
        #[allow(unused_variables, unused_mut, unused_assignments, clippy::unused_unit)]
        impl<$($name: Lower),*> ComponentParams for ($($name,)*) {
            const SIZE: u32 = {
                let mut size = 0;
                $(size = align_to(size, $name::ALIGN) + $name::SIZE;)*
                align_to(size, <Self as ComponentParams>::ALIGN)
            };
            const ALIGN: u32 = {
                let mut align = 1;
                $(align = max(align, $name::ALIGN);)*
                align
            };

            fn typecheck(params: &[(String, Type)]) -> Result<(), String> {
                check_count(params, 0 $(+ { let _ = $index; 1 })*)?;
                $(
                    let (name, ty) = &params[$index];
                    $name::typecheck(ty).map_err(|e| format!("parameter `{name}`: {e}"))?;
                )*
                Ok(())
            }

            fn lower_flat<L: Lowerer + ?Sized>(
                &self,
                cx: &mut L,
                params: &[(String, Type)],
                out: &mut FlatWriter<'_>,
            ) -> Result<(), LiftError> {
                $(self.$index.lower_flat(cx, &params[$index].1, out)?;)*
                Ok(())
            }

            fn store<L: Lowerer + ?Sized>(
                &self,
                cx: &mut L,
                params: &[(String, Type)],
                at: usize,
            ) -> Result<(), LiftError> {
                let mut offset = 0;
                $(
                    offset = align_to(offset, $name::ALIGN);
                    self.$index.store(cx, &params[$index].1, at + offset as usize)?;
                    offset += $name::SIZE;
                )*
                Ok(())
            }
        }
    )*};
}

params! {
    ()
    (A0 0)
    (A0 0, A1 1)
    (A0 0, A1 1, A2 2)
    (A0 0, A1 1, A2 2, A3 3)
    (A0 0, A1 1, A2 2, A3 3, A4 4)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7, A8 8)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7, A8 8, A9 9)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7, A8 8, A9 9, A10 10)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7, A8 8, A9 9, A10 10, A11 11)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7, A8 8, A9 9, A10 10, A11 11, A12 12)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7, A8 8, A9 9, A10 10, A11 11, A12 12,
     A13 13)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7, A8 8, A9 9, A10 10, A11 11, A12 12,
     A13 13, A14 14)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7, A8 8, A9 9, A10 10, A11 11, A12 12,
     A13 13, A14 14, A15 15)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7, A8 8, A9 9, A10 10, A11 11, A12 12,
     A13 13, A14 14, A15 15, A16 16)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7, A8 8, A9 9, A10 10, A11 11, A12 12,
     A13 13, A14 14, A15 15, A16 16, A17 17)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7, A8 8, A9 9, A10 10, A11 11, A12 12,
     A13 13, A14 14, A15 15, A16 16, A17 17, A18 18)
    (A0 0, A1 1, A2 2, A3 3, A4 4, A5 5, A6 6, A7 7, A8 8, A9 9, A10 10, A11 11, A12 12,
     A13 13, A14 14, A15 15, A16 16, A17 17, A18 18, A19 19)
}
